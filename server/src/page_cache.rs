//! Public pages served from memory: a page anyone signed out sees changes only when the
//! content version moves (or the day changes: dates such as "overdue" and "printed on"
//! follow the calendar), so once rendered it is kept, with its brotli and gzip forms, until
//! then. A request is answered from here without rendering, and with `304` when the
//! browser already has it.
//!
//! What is never kept: anything for someone signed in or carrying a session cookie, private
//! paths (accounts, staff pages, one-time links), answers other than `200`, pages that are
//! `no-store`, and any page holding a form's one-time key (it must differ for each person).
//! The content version is read from the database for each request, as the other caches do,
//! so a change made on any instance shows at once. Search pages are kept only once the
//! search index has caught up with that version.

use std::{
    io::Write as _,
    num::NonZeroUsize,
    sync::{Arc, Mutex},
};

use app::state::AppState;
use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::Response,
};
use lru::LruCache;

/// How many pages are kept (each is the page and its two compressed forms, some 60 KB in
/// all for a register page): the least recently used goes first.
const CAPACITY: usize = 2_000;

/// Headers of a rendered page that are not kept with it: they belong to one response (the
/// rest — type, validators, caching, and the security headers the layers inside this one
/// add from the server's settings — are sent again with every kept copy).
const NOT_KEPT: [header::HeaderName; 5] = [
    header::DATE,
    header::SET_COOKIE,
    header::CONTENT_LENGTH,
    header::CONTENT_ENCODING,
    header::TRANSFER_ENCODING,
];

/// The kept pages, by address (path and query).
#[derive(Clone)]
pub struct PageCache {
    entries: Arc<Mutex<LruCache<String, Arc<Kept>>>>,
}

impl Default for PageCache {
    fn default() -> Self {
        Self::new(CAPACITY)
    }
}

impl PageCache {
    pub fn new(capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        Self {
            entries: Arc::new(Mutex::new(LruCache::new(capacity))),
        }
    }

    fn get(&self, key: &str, version: i64, day: &str) -> Option<Arc<Kept>> {
        let mut entries = self.entries.lock().ok()?;
        let kept = entries.get(key)?;
        (kept.version == version && kept.day == day).then(|| kept.clone())
    }

    fn put(&self, key: String, kept: Kept) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.put(key, Arc::new(kept));
        }
    }
}

/// One page as rendered at a content version on a day.
struct Kept {
    version: i64,
    day: String,
    headers: HeaderMap,
    identity: Bytes,
    brotli: Bytes,
    gzip: Bytes,
}

/// Serves kept public pages, and keeps the ones rendered for a signed-out `GET`.
pub async fn cached_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(cache) = state.features.get::<PageCache>().cloned() else {
        return next.run(request).await;
    };
    let cacheable = request.method() == Method::GET
        && app::accounts::ssr::session_cookie(request.headers()).is_none()
        && !app::accounts::ssr::is_private_path(request.uri().path());
    if !cacheable {
        return next.run(request).await;
    }
    let Ok(version) = state.db.content_version().await else {
        return next.run(request).await;
    };
    // Search results follow the index, which catches up with a change a moment after the
    // content version moves: until it has, a search page is rendered and not kept.
    if request.uri().path().starts_with("/search") {
        let index = state.features.get::<app::search::index::SearchIndex>();
        if index.and_then(|index| index.searchable_version()) != Some(version) {
            return next.run(request).await;
        }
    }
    let day = app::dates::today();
    let key = request.uri().to_string();
    let encoding = Encoding::accepted(request.headers());
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    if let Some(kept) = cache.get(&key, version, &day) {
        return answer(&kept, encoding, if_none_match.as_ref());
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || !response.headers().contains_key(header::ETAG) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if !keepable(parts.status, &parts.headers, &bytes) {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let compressed = tokio::task::spawn_blocking({
        let bytes = bytes.clone();
        move || (brotli(&bytes), gzip(&bytes))
    })
    .await;
    let Ok((brotli, gzip)) = compressed else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let mut headers = parts.headers.clone();
    for name in NOT_KEPT {
        headers.remove(name);
    }
    let kept = Kept {
        version,
        day,
        headers,
        identity: bytes,
        brotli: Bytes::from(brotli),
        gzip: Bytes::from(gzip),
    };
    let response = answer(&kept, encoding, None);
    cache.put(key, kept);
    response
}

/// A kept page: `304` when the browser has it, otherwise in the best encoding it accepts.
fn answer(kept: &Kept, encoding: Encoding, if_none_match: Option<&HeaderValue>) -> Response {
    let mut response = Response::new(Body::empty());
    *response.headers_mut() = kept.headers.clone();
    let etag = kept.headers.get(header::ETAG);
    if let (Some(wanted), Some(etag)) = (if_none_match, etag) {
        if crate::validators::matches(wanted, etag) {
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response.headers_mut().remove(header::CONTENT_TYPE);
            return response;
        }
    }
    let (body, coding) = match encoding {
        Encoding::Brotli => (kept.brotli.clone(), Some("br")),
        Encoding::Gzip => (kept.gzip.clone(), Some("gzip")),
        Encoding::Identity => (kept.identity.clone(), None),
    };
    if let Some(coding) = coding {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    *response.body_mut() = Body::from(body);
    response
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// The best coding `Accept-Encoding` allows (RFC 9110 12.5.3): brotli, then gzip; a
    /// coding given `q=0` is refused.
    fn accepted(headers: &HeaderMap) -> Self {
        let accepts = |wanted: &str| {
            headers
                .get_all(header::ACCEPT_ENCODING)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .any(|item| {
                    let mut parts = item.split(';').map(str::trim);
                    let coding = parts.next().unwrap_or_default();
                    let refused = parts.any(|p| {
                        p.strip_prefix("q=")
                            .and_then(|q| q.parse::<f32>().ok())
                            .is_some_and(|q| q == 0.0)
                    });
                    coding.eq_ignore_ascii_case(wanted) && !refused
                })
        };
        if accepts("br") {
            Encoding::Brotli
        } else if accepts("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }
}

/// Whether a rendered answer may be kept and given to anyone: a `200` page that
/// `validators::public_pages` made stable and validated (it has an `ETag`), not `no-store`,
/// and holding no form's one-time key (each person must get their own).
fn keepable(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> bool {
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    status == StatusCode::OK
        && html
        // Kept as it was rendered, then compressed here: never a file already compressed.
        && !headers.contains_key(header::CONTENT_ENCODING)
        && headers.contains_key(header::ETAG)
        && !crate::validators::is_private(headers)
        && !contains(body, b"name=\"idempotency_key\"")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Quality 9 of 11: within a few per cent of the best for HTML, at a fraction of the time
/// (the page is compressed once per content version, not per request).
fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    {
        let mut writer = ::brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
        let _ = writer.write_all(bytes);
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::best(),
    );
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_stable_public_pages_without_a_one_time_key_are_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, HeaderValue::from_static("\"a\""));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        let page = b"<form><input name=\"q\"></form>";
        assert!(keepable(StatusCode::OK, &headers, page));
        let mut compressed = headers.clone();
        compressed.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
        assert!(
            !keepable(StatusCode::OK, &compressed, page),
            "a compressed file"
        );
        let mut file = headers.clone();
        file.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css"));
        assert!(!keepable(StatusCode::OK, &file, page), "not a page");
        let with_key = b"<input type=\"hidden\" name=\"idempotency_key\" value=\"k\">";
        assert!(!keepable(StatusCode::OK, &headers, with_key));
        assert!(!keepable(StatusCode::NOT_FOUND, &headers, page));
        assert!(
            !keepable(StatusCode::OK, &HeaderMap::new(), page),
            "no ETag: not validated"
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        assert!(!keepable(StatusCode::OK, &headers, page));
    }

    #[test]
    fn the_best_accepted_coding_is_chosen_and_q0_refuses() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
            Encoding::accepted(&headers)
        };
        assert_eq!(with("gzip, deflate, br"), Encoding::Brotli);
        assert_eq!(with("gzip"), Encoding::Gzip);
        assert_eq!(with("br;q=0, gzip"), Encoding::Gzip);
        assert_eq!(with("identity"), Encoding::Identity);
        assert_eq!(Encoding::accepted(&HeaderMap::new()), Encoding::Identity);
    }
}
