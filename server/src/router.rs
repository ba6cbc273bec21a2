//! Every route in one place: the Leptos pages and server functions, static assets, and the
//! plain routes that machines read (health, open data, feeds).

use std::time::Duration;

use app::{shell, state::AppState, App};
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{
    compression::{CompressionLayer, Predicate as _},
    services::ServeDir,
    timeout::TimeoutLayer,
};

/// Largest request body accepted (forms and server function calls are far smaller).
const MAX_BODY_BYTES: usize = 1024 * 1024;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn build(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let site_root = state.options.site_root.to_string();
    let site = state.site.clone();
    let context = move || provide_context(site.clone());
    // Hashed names are sent as stored at build time, brotli or gzip, and kept for a year;
    // the plain names (images, fonts, a page cached before a deploy) for an hour.
    let files = |folder: &str| {
        ServeDir::new(format!("{site_root}/{folder}"))
            .precompressed_br()
            .precompressed_gzip()
    };
    let assets = Router::new()
        .nest_service("/pkg", files("pkg"))
        .nest_service("/assets", files("assets"))
        .layer(middleware::from_fn(asset_cache_life));
    // Sessions are read only where someone may be signed in: pages, server functions and
    // forms. Assets, health and open data never touch the session store.
    let with_sessions = Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.options.clone();
            move || shell(options.clone())
        })
        .merge(app::routes::router(&state))
        .fallback(not_found)
        .layer(middleware::from_fn(server_fn_status))
        .layer(middleware::from_fn(canonical_references))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            app::accounts::ssr::resolve_viewer,
        ))
        .layer(session_layer(&state));
    Router::new()
        .route("/healthz", get(healthz))
        .merge(crate::open_data::routes())
        .merge(assets)
        .merge(with_sessions)
        .layer(middleware::from_fn(safe_html))
        .layer(middleware::from_fn(crate::validators::public_pages))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            bounded_bodies,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            same_origin_writes,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), error_pages))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        // Kept pages are answered before this router (`page_cache::Candour`), and pages it
        // may keep leave here uncompressed; everything else is compressed here.
        .layer(CompressionLayer::new().compress_when(
            tower_http::compression::DefaultPredicate::new().and(crate::page_cache::NotShareable),
        ))
        .with_state(state)
}

/// Server-side sessions in the database: the cookie holds only a random id. It is
/// HttpOnly, SameSite=Lax, Secure on https, and lapses after 30 minutes without a request.
fn session_layer(
    state: &AppState,
) -> tower_sessions::SessionManagerLayer<app::accounts::ssr::session_store::DatabaseSessionStore> {
    use app::accounts::ssr::{
        session_store::DatabaseSessionStore, IDLE_TIMEOUT_MINUTES, SESSION_COOKIE,
    };
    tower_sessions::SessionManagerLayer::new(DatabaseSessionStore::new(state.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_secure(state.security.https)
        .with_path("/")
        .with_expiry(tower_sessions::Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::minutes(IDLE_TIMEOUT_MINUTES),
        ))
        // Every request renews the idle timeout, so activity keeps a session alive.
        .with_always_save(true)
}

/// How long a browser may keep a file: a year, never asking again, for a content-hashed
/// name (RFC 8246 `immutable`); an hour for anything else.
async fn asset_cache_life(request: Request, next: Next) -> Response {
    let hashed = app::assets::is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() && !response.headers().contains_key(header::CACHE_CONTROL) {
        let life = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=3600"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(life));
    }
    response
}

/// 200 when the database answers and takes a write; 503 naming which failed.
async fn healthz(State(state): State<AppState>) -> Response {
    if !state.db.is_healthy().await {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
    } else if !state.db.can_write().await {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "database cannot be written (disk full or read-only?)\n",
        )
            .into_response()
    } else {
        (StatusCode::OK, "ok\n").into_response()
    }
}

/// Every HTML page is sent as the HTML standard allows, whatever stored text holds
/// (`app::text::html_safe`: no forbidden code points or bidirectional controls, and
/// Leptos's `<!>` markers as valid empty comments).
async fn safe_html(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response();
    };
    let page = app::text::html_safe(&String::from_utf8_lossy(&bytes));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(page))
}

/// A reference typed in another form (`/actions/pp-17`, `/actions/PP17`) is sent to its
/// page's one address, `/actions/PP-17` (301), keeping any query.
async fn canonical_references(request: Request, next: Next) -> Response {
    if let Some(canonical) = request
        .uri()
        .path()
        .strip_prefix("/actions/")
        .and_then(canonical_reference)
    {
        let query = request
            .uri()
            .query()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        return axum::response::Redirect::permanent(&format!("/actions/{canonical}{query}"))
            .into_response();
    }
    next.run(request).await
}

/// `Some("PP-17")` when `segment` is a reference written otherwise (`pp-17`, `PP17`).
fn canonical_reference(segment: &str) -> Option<String> {
    let split = segment.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = segment.split_at(split);
    let letters = letters.strip_suffix('-').unwrap_or(letters);
    let canonical = format!("{}-{digits}", letters.to_ascii_uppercase());
    let plausible = (1..=4).contains(&letters.len())
        && letters.chars().all(|c| c.is_ascii_alphabetic())
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit());
    (plausible && canonical != segment).then_some(canonical)
}

/// A server function that fails answers with the status its error means (404 for "not
/// found", 400 for a bad request), not the generic 500 Leptos gives every error.
async fn server_fn_status(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/_fn/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(error.status_code()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Reads every request body (up to `MAX_BODY_BYTES`) before any handler, so a body that is
/// too big, declared or not (chunked), is refused with 413 and a page that says what to
/// do, rather than reaching a form as an empty one.
async fn bounded_bodies(State(state): State<AppState>, request: Request, next: Next) -> Response {
    use axum::http::Method;
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES) {
        return too_large(&state.site.service_name);
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                .await
        }
        Err(_) => too_large(&state.site.service_name),
    }
}

/// A server error with no page of its own (a bare 500 from a layer, a timeout's 503, a
/// plain-text error) becomes a page that says what happened and what to do; JSON and HTML
/// answers are left alone.
async fn error_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Machines' answers keep their own form.
    let for_machines = request.uri().path() == "/healthz";
    let response = next.run(request).await;
    if for_machines || !response.status().is_server_error() {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("text/html") || content_type.contains("json") {
        return response;
    }
    plain_page(
        response.status(),
        &state.site.service_name,
        "Sorry, there is a problem with the service",
        &[
            "Try again in a few minutes.",
            "If you were writing something, go back: what you typed is still in the form.",
        ],
    )
}

/// 413, as a page in the site's style.
pub fn too_large(service: &str) -> Response {
    plain_page(
        StatusCode::PAYLOAD_TOO_LARGE,
        service,
        "What you sent is too large",
        &["This service accepts up to 1 MB from one form. Go back, shorten the text (or split it), and send it again. What you typed is still in the form when you go back."],
    )
}

/// A page for an answer that has none of its own, in the site's style and with its name:
/// `title` as the heading, `paragraphs` (plain text) below it, and the way home.
fn plain_page(status: StatusCode, service: &str, title: &str, paragraphs: &[&str]) -> Response {
    let escape = app::mail::escape;
    let body: String = paragraphs
        .iter()
        .map(|text| format!("<p>{}</p>", escape(text)))
        .collect();
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} – {service}</title>\
<link rel=\"stylesheet\" href=\"{stylesheet}\"></head>\
<body><main class=\"nhsuk-width-container nhsuk-main-wrapper\" id=\"maincontent\">\
<h1>{title}</h1>{body}<p><a href=\"/\">Go to the home page</a></p></main></body></html>\n",
        title = escape(title),
        service = escape(service),
        stylesheet = app::assets::path("/assets/site.css"),
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

/// A path as it may be logged: a segment that could be a secret (a one-time invitation or
/// reset token, a subscription's token: 24 or more letters, digits and `_` with at least
/// one digit; slugs and references have hyphens) is replaced by `[secret]`, so nobody
/// reading logs can use a link from them (OWASP Logging Cheat Sheet: never log secrets).
pub fn without_secrets(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            let secret_like = segment.len() >= 24
                && segment.bytes().any(|b| b.is_ascii_digit())
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if secret_like {
                "[secret]"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Any other path: the app's own "Page not found" page, in the shared shell, with a 404.
async fn not_found(State(state): State<AppState>, request: Request) -> Response {
    let options = state.options.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
            provide_context(state.site.clone());
        },
        move || shell(options.clone()),
    );
    let mut response = render(request).await;
    if response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::NOT_FOUND;
    }
    response
}

/// Headers on every response (pages, assets, errors, API). Pages set their own
/// Content-Security-Policy with a script nonce; everything else gets the same policy without.
async fn security_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(value) = HeaderValue::from_str(&app::components::content_security_policy(None)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    if state.security.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// `POST /subscriptions/{token}/unsubscribe`, which mail providers post (RFC 8058).
fn is_one_click_unsubscribe(path: &str) -> bool {
    path.strip_prefix("/subscriptions/")
        .and_then(|rest| rest.strip_suffix("/unsubscribe"))
        .is_some_and(|token| !token.is_empty() && !token.contains('/'))
}

/// Cross-site request forgery: a request that can change something (anything but GET,
/// HEAD and OPTIONS: forms and server functions) must come from our own origin. Browsers
/// say where a request comes from (Sec-Fetch-Site, Origin); a request from another site
/// gets 403. Clients that send neither (curl, the CLI's own tests) are not browsers and
/// carry no ambient cookies to abuse. The one exception is the one-click unsubscribe
/// (RFC 8058), which mail providers post from their own servers: it uses no cookie, only
/// the secret in its address, so another site posting it gains nothing.
async fn same_origin_writes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    use axum::http::Method;
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) || is_one_click_unsubscribe(request.uri().path())
    {
        return next.run(request).await;
    }
    let headers = request.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // Our own origin: the public address, or this host under the public address's scheme
    // (an `http://` origin is another origin when the site is served over https).
    let scheme = state
        .site
        .public_url
        .split_once("://")
        .map_or("http", |(scheme, _)| scheme);
    let public_origin = state.site.public_url.trim_end_matches('/');
    let allowed_origin = |origin: &str| {
        origin == public_origin
            || origin
                .split_once("://")
                .is_some_and(|(their_scheme, authority)| {
                    their_scheme.eq_ignore_ascii_case(scheme)
                        && !host.is_empty()
                        && authority == host
                })
    };
    let cross_site = matches!(fetch_site, Some("cross-site" | "same-site"))
        || origin.is_some_and(|origin| !allowed_origin(origin));
    if cross_site {
        tracing::warn!(?origin, ?fetch_site, "refused a cross-site request");
        return (
            StatusCode::FORBIDDEN,
            "This request came from another website, so it was refused. Use the forms on this site.\n",
        )
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_never_reach_the_log() {
        let token = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        for path in [
            format!("/invite/{token}"),
            format!("/reset/{token}"),
            format!("/subscriptions/{token}/unsubscribe"),
        ] {
            let logged = super::without_secrets(&path);
            assert!(!logged.contains(token), "{logged}");
            assert!(logged.contains("[secret]"));
        }
        assert_eq!(super::without_secrets("/actions/PP-17"), "/actions/PP-17");
    }
}
