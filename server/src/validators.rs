//! Public pages that a browser revalidates instead of downloading again: a strong `ETag`
//! and `304 Not Modified` on `If-None-Match` (RFC 9110 8.8.3 and 13.1.2), for every page
//! anyone signed out sees. Pages for someone signed in stay `no-store`.
//!
//! A rendered page carries a fresh script nonce each time, so no two copies would be equal.
//! A public page has no secret to guard with a nonce: its own inline scripts (Leptos's
//! fixed bookkeeping) are allowed by their SHA-256 hashes instead (CSP Level 3
//! `'sha256-…'`), the nonce leaves the page, and equal content gives equal bytes.

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// `GET` and `HEAD` of a page that is neither private (`no-store`) nor an error: its bytes
/// become stable and validated. Runs inside `safe_html`, on the page as it will be sent.
pub async fn public_pages(request: Request, next: Next) -> Response {
    let conditional = matches!(*request.method(), Method::GET | Method::HEAD)
        .then(|| request.headers().get(header::IF_NONE_MATCH).cloned());
    let response = next.run(request).await;
    let Some(if_none_match) = conditional else {
        return response;
    };
    if response.status() != StatusCode::OK
        || !is_html(response.headers())
        || is_private(response.headers())
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response();
    };
    let page = String::from_utf8_lossy(&bytes);
    let (page, hashes) = scripts_by_hash(&page);
    if let Some(policy) = parts
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .map(|policy| with_hashes(policy, &hashes))
        .and_then(|policy| HeaderValue::from_str(&policy).ok())
    {
        parts
            .headers
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    let tag = entity_tag(page.as_bytes());
    parts.headers.insert(header::ETAG, tag.clone());
    parts.extensions.insert(crate::page_cache::Shareable);
    // Kept, but asked about each time: a page changes whenever the content does.
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Signing in changes what a page shows; compression changes its bytes.
    parts.headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Cookie"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    if if_none_match.is_some_and(|wanted| matches(&wanted, &tag)) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(page))
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// `Cache-Control: no-store`: a page for one person (`accounts::ssr::resolve_viewer`).
pub(crate) fn is_private(headers: &HeaderMap) -> bool {
    headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store"))
}

/// A strong validator: a hash of the exact bytes sent (before compression, which `Vary`
/// covers).
fn entity_tag(page: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(page);
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16]);
    HeaderValue::from_str(&format!("\"{text}\"")).expect("base64 is a valid header value")
}

/// `If-None-Match` lists tags, or `*`; a weak tag (`W/"…"`) matches by its opaque part
/// (RFC 9110 13.1.2 uses the weak comparison).
pub(crate) fn matches(wanted: &HeaderValue, tag: &HeaderValue) -> bool {
    let Ok(wanted) = wanted.to_str() else {
        return false;
    };
    let tag = tag.to_str().unwrap_or_default();
    wanted
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == tag)
}

/// The page with `nonce="…"` taken off every inline `<script>`, and the CSP source for each
/// such script's content (`'sha256-…'`).
fn scripts_by_hash(page: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(page.len());
    let mut hashes = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find("<script nonce=\"") {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let Some(tag_end) = from.find('>') else {
            break;
        };
        let Some(body_len) = from[tag_end + 1..].find("</script>") else {
            break;
        };
        let body = &from[tag_end + 1..tag_end + 1 + body_len];
        hashes.push(format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body.as_bytes()))
        ));
        out.push_str("<script>");
        out.push_str(body);
        out.push_str("</script>");
        rest = &from[tag_end + 1 + body_len + "</script>".len()..];
    }
    out.push_str(rest);
    hashes.sort();
    hashes.dedup();
    (out, hashes)
}

/// The policy with its `'nonce-…'` source replaced by the scripts' hashes.
fn with_hashes(policy: &str, hashes: &[String]) -> String {
    policy
        .split(' ')
        .filter_map(|word| {
            if word.starts_with("'nonce-") {
                (!hashes.is_empty()).then(|| hashes.join(" "))
            } else {
                Some(word.to_owned())
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_lose_their_nonce_and_are_allowed_by_hash() {
        let page = "<p>a</p><script nonce=\"abc\">x=1;</script><script nonce=\"abc\">y=2;</script>";
        let (page, hashes) = scripts_by_hash(page);
        assert_eq!(page, "<p>a</p><script>x=1;</script><script>y=2;</script>");
        assert_eq!(hashes.len(), 2);
        let policy = with_hashes("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'", &hashes);
        assert!(!policy.contains("nonce"));
        assert!(policy.contains(&hashes[0]) && policy.contains(&hashes[1]));
    }

    #[test]
    fn if_none_match_takes_lists_weak_tags_and_a_star() {
        let tag = HeaderValue::from_static("\"abc\"");
        for wanted in ["\"abc\"", "\"x\", \"abc\"", "W/\"abc\"", "*"] {
            assert!(matches(&HeaderValue::from_static(wanted), &tag), "{wanted}");
        }
        assert!(!matches(&HeaderValue::from_static("\"abd\""), &tag));
    }
}
