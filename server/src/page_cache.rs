//! Public pages served from memory: a page anyone signed out sees changes only when the
//! content version moves (or the day changes: dates such as "overdue" and "printed on"
//! follow the calendar), so once rendered it is kept, with its brotli and gzip forms (each
//! made when first asked for), until then. A request is answered from here without
//! rendering, and with `304` when the browser already has it.
//!
//! What is never kept: anything for someone signed in or carrying a session cookie, private
//! paths (accounts, staff pages, one-time links), answers other than `200`, pages that are
//! `no-store`, and any page holding a form's one-time key (it must differ for each person).
//! The content version is `Database::content_version` (a change made here shows on the
//! next request, one made on another instance within 100 ms). Search pages are kept only
//! once the search index has caught up with that version.
//!
//! A kept page is answered before the router is asked, so none of the router's layers run
//! for it: it carries the headers they gave it when it was rendered (they depend only on
//! the page and the server's settings).

use std::{
    convert::Infallible,
    future::Future,
    io::Write as _,
    num::NonZeroUsize,
    pin::Pin,
    sync::{Arc, Mutex, OnceLock},
    task::{Context, Poll},
    time::Instant,
};

use app::state::AppState;
use axum::{
    body::{Body, Bytes},
    extract::Request,
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    response::Response,
};
use lru::LruCache;
use tower::ServiceExt as _;

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

    fn put(&self, key: String, kept: Arc<Kept>) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.put(key, kept);
        }
    }
}

/// One page as rendered at a content version on a day. Each compressed form is made the
/// first time a browser asks for it, once, and kept with the page.
struct Kept {
    version: i64,
    day: String,
    headers: HeaderMap,
    identity: Bytes,
    brotli: OnceLock<Bytes>,
    gzip: OnceLock<Bytes>,
}

impl Kept {
    /// The page in `encoding`, compressing it now (off the async threads) if this is the
    /// first request for that form.
    async fn body(self: &Arc<Self>, encoding: Encoding) -> Bytes {
        if encoding == Encoding::Identity {
            return self.identity.clone();
        }
        if let Some(bytes) = self.compressed(encoding).get() {
            return bytes.clone();
        }
        let kept = self.clone();
        tokio::task::spawn_blocking(move || {
            kept.compressed(encoding)
                .get_or_init(|| match encoding {
                    Encoding::Brotli => Bytes::from(brotli(&kept.identity)),
                    _ => Bytes::from(gzip(&kept.identity)),
                })
                .clone()
        })
        .await
        .unwrap_or_else(|_| self.identity.clone())
    }

    /// Where the form for `encoding` is kept (gzip's for anything but brotli).
    fn compressed(&self, encoding: Encoding) -> &OnceLock<Bytes> {
        match encoding {
            Encoding::Brotli => &self.brotli,
            _ => &self.gzip,
        }
    }
}

/// The whole of Candour as one service: the request log, then kept pages answered before
/// the router is even asked (no middleware runs for them), then the router for everything
/// else. Rendered pages a signed-out `GET` may share are kept on the way out.
#[derive(Clone)]
pub struct Candour {
    shared: Arc<Shared>,
    router: axum::Router,
}

struct Shared {
    state: AppState,
    cache: Option<PageCache>,
}

impl Candour {
    /// `router` is `router::build(state)`; the page cache is the `PageCache` in the state's
    /// features (without one, every request goes to the router).
    pub fn new(state: AppState, router: axum::Router) -> Self {
        let cache = state.features.get::<PageCache>().cloned();
        Self {
            shared: Arc::new(Shared { state, cache }),
            router,
        }
    }
}

impl tower::Service<Request> for Candour {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let shared = self.shared.clone();
        let router = self.router.clone();
        Box::pin(async move {
            let started = Instant::now();
            // Only what the log shows is copied, and only when it is written.
            let logged = tracing::enabled!(tracing::Level::INFO).then(|| {
                (
                    request.method().clone(),
                    crate::router::without_secrets(request.uri().path()),
                )
            });
            let response = shared.respond(router, request).await;
            if let Some((method, path)) = logged {
                tracing::info!(
                    %method,
                    %path,
                    status = response.status().as_u16(),
                    latency_ms = format!("{:.1}", started.elapsed().as_secs_f64() * 1000.0),
                    "request"
                );
            }
            Ok(response)
        })
    }
}

impl Shared {
    /// A kept page if there is one; otherwise the router's answer, kept when it may be.
    async fn respond(&self, router: axum::Router, request: Request) -> Response {
        let Some(cache) = &self.cache else {
            return route(router, request).await;
        };
        let cacheable = request.method() == Method::GET
            && app::accounts::ssr::session_cookie(request.headers()).is_none()
            && !app::accounts::ssr::is_private_path(request.uri().path());
        if !cacheable {
            return route(router, request).await;
        }
        let Ok(version) = self.state.db.content_version().await else {
            return route(router, request).await;
        };
        // Search results follow the index, which catches up with a change a moment after
        // the content version moves: until it has, a search page is rendered and not kept.
        if request.uri().path().starts_with("/search") {
            let index = self.state.features.get::<app::search::index::SearchIndex>();
            if index.and_then(|index| index.searchable_version()) != Some(version) {
                return route(router, request).await;
            }
        }
        let day = app::dates::today();
        let key = request.uri().to_string();
        let encoding = Encoding::accepted(request.headers());
        if let Some(kept) = cache.get(&key, version, &day) {
            return answer(
                &kept,
                encoding,
                request.headers().get(header::IF_NONE_MATCH),
            )
            .await;
        }
        let accept_encoding = request.headers().get(header::ACCEPT_ENCODING).cloned();
        let response = router
            .oneshot(request)
            .await
            .unwrap_or_else(|never| match never {});
        if response.extensions().get::<Shareable>().is_none() {
            return response;
        }
        let (parts, body) = response.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
            return Response::from_parts(parts, Body::empty());
        };
        if !keepable(parts.status, &parts.headers, &bytes) {
            return compressed_as_accepted(
                Response::from_parts(parts, Body::from(bytes)),
                accept_encoding,
            )
            .await;
        }
        let mut headers = parts.headers;
        for name in NOT_KEPT {
            headers.remove(name);
        }
        let kept = Arc::new(Kept {
            version,
            day,
            headers,
            identity: bytes,
            brotli: OnceLock::new(),
            gzip: OnceLock::new(),
        });
        cache.put(key, kept.clone());
        answer(&kept, encoding, None).await
    }
}

/// The router's answer to a request whose answer is not kept here, compressed as the client
/// accepts (a [`Shareable`] page comes from the router uncompressed).
async fn route(router: axum::Router, request: Request) -> Response {
    let accept_encoding = request.headers().get(header::ACCEPT_ENCODING).cloned();
    let response = router
        .oneshot(request)
        .await
        .unwrap_or_else(|never| match never {});
    if response.extensions().get::<Shareable>().is_some() {
        compressed_as_accepted(response, accept_encoding).await
    } else {
        response
    }
}

/// Marks a page the same for everyone who is signed out (`validators::public_pages` gave it
/// its `ETag`): the router leaves it uncompressed ([`NotShareable`]), for this cache to keep
/// as rendered and compress once.
#[derive(Debug, Clone, Copy)]
pub struct Shareable;

/// tower-http's compression predicate for the router: everything but [`Shareable`] pages.
#[derive(Debug, Clone, Copy)]
pub struct NotShareable;

impl tower_http::compression::Predicate for NotShareable {
    fn should_compress<B: http_body::Body>(&self, response: &axum::http::Response<B>) -> bool {
        response.extensions().get::<Shareable>().is_none()
    }
}

/// A page that was not kept (it holds a one-time key, or the search index is catching
/// up), compressed as the router would have compressed it (tower-http's own rules).
async fn compressed_as_accepted(
    response: Response,
    accept_encoding: Option<HeaderValue>,
) -> Response {
    let Some(accept_encoding) = accept_encoding else {
        return response;
    };
    let mut asked = Request::new(Body::empty());
    asked
        .headers_mut()
        .insert(header::ACCEPT_ENCODING, accept_encoding);
    // Called once, by `oneshot`.
    let mut response = Some(response);
    let once = tower::service_fn(move |_: Request| {
        std::future::ready(Ok::<_, Infallible>(response.take().unwrap_or_default()))
    });
    match tower_http::compression::Compression::new(once)
        .oneshot(asked)
        .await
    {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
}

/// A kept page: `304` when the browser has it, otherwise in the best encoding it accepts.
async fn answer(
    kept: &Arc<Kept>,
    encoding: Encoding,
    if_none_match: Option<&HeaderValue>,
) -> Response {
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
    let body = kept.body(encoding).await;
    let coding = match encoding {
        Encoding::Brotli => Some("br"),
        Encoding::Gzip => Some("gzip"),
        Encoding::Identity => None,
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

    /// A page the router left uncompressed for this cache, but which is not kept (the
    /// search index is catching up, say), still reaches the browser compressed.
    #[tokio::test]
    async fn a_shareable_page_that_is_not_kept_is_compressed_as_accepted() {
        let page = "<!DOCTYPE html><p>A page.</p>".repeat(100);
        let router = axum::Router::new().route(
            "/",
            axum::routing::get(move || {
                let page = page.clone();
                async move {
                    let mut response = Response::new(Body::from(page));
                    response.headers_mut().insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/html; charset=utf-8"),
                    );
                    response.extensions_mut().insert(Shareable);
                    response
                }
            }),
        );
        let mut request = Request::new(Body::empty());
        request
            .headers_mut()
            .insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        let response = route(router.clone(), request).await;
        assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
        let plain = route(router, Request::new(Body::empty())).await;
        assert!(!plain.headers().contains_key(header::CONTENT_ENCODING));
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
