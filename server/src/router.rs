//! Every route in one place: the Leptos pages and server functions, static assets, and the
//! plain routes that machines read (health, open data, feeds).

use std::time::{Duration, Instant};

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
    compression::CompressionLayer, limit::RequestBodyLimitLayer, services::ServeDir,
    set_header::SetResponseHeaderLayer, timeout::TimeoutLayer,
};

/// Largest request body accepted (forms and server function calls are far smaller).
const MAX_BODY_BYTES: usize = 1024 * 1024;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn build(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let site_root = state.options.site_root.to_string();
    let site = state.site.clone();
    let context = move || provide_context(site.clone());
    let assets = Router::new()
        .nest_service("/pkg", ServeDir::new(format!("{site_root}/pkg")))
        .nest_service("/assets", ServeDir::new(format!("{site_root}/assets")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        ));
    // Sessions are read only where someone may be signed in: pages, server functions and
    // forms. Assets, health and open data never touch the session store.
    let with_sessions = Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.options.clone();
            move || shell(options.clone())
        })
        .merge(app::routes::router(&state))
        .fallback(not_found)
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
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            same_origin_writes,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(middleware::from_fn(log_request))
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

/// 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Response {
    if state.db.is_healthy().await {
        (StatusCode::OK, "ok\n").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
    }
}

/// One log line per request: method, path, status and latency.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        %path,
        status = response.status().as_u16(),
        latency_ms = format!("{:.1}", started.elapsed().as_secs_f64() * 1000.0),
        "request"
    );
    response
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
    let allowed_origin = |origin: &str| {
        origin == state.site.public_url
            || origin
                .split_once("://")
                .is_some_and(|(_, authority)| !host.is_empty() && authority == host)
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
