//! Server-side accounts: the session store, password hashing, throttling, one-time links,
//! the audit log, and working out who is making a request.

pub mod audit;
pub mod audit_words;
pub mod drafts;
pub mod emails;
pub mod links;
pub mod passwords;
pub mod session_store;
pub mod throttle;
pub mod users;

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{Request, State},
    http::HeaderMap,
    middleware::Next,
    response::Response,
};
use leptos::prelude::use_context;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::{Permission, Viewer};
use crate::{error::AppError, state::AppState};

/// Session key under which a signed-in session keeps who it belongs to.
pub const AUTH_KEY: &str = "auth";
/// A session ends after this long without a request…
pub const IDLE_TIMEOUT_MINUTES: i64 = 30;
/// …and, however active, this long after signing in.
pub const ABSOLUTE_TIMEOUT_HOURS: i64 = 12;
pub const SESSION_COOKIE: &str = "candour_session";

/// What a signed-in session remembers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthState {
    pub user_id: i64,
    /// Unix seconds.
    pub signed_in_at: i64,
    /// A short description of the browser, to tell sessions apart on the account page.
    pub device: String,
}

/// Put into every request's extensions by [`resolve_viewer`].
#[derive(Debug, Clone, Default)]
pub struct RequestViewer {
    pub viewer: Option<Viewer>,
    pub session_id: Option<String>,
}

/// Middleware: works out who is signed in, once per request, from the session. An expired,
/// disabled or deleted account's session is emptied, so it reads as signed out.
pub async fn resolve_viewer(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let viewer = viewer_of(&state, &session).await;
    let private = viewer.is_some()
        || carries_session_cookie(request.headers())
        || is_private_path(request.uri().path());
    request.extensions_mut().insert(RequestViewer {
        session_id: viewer
            .as_ref()
            .and_then(|_| session.id().map(|id| id.to_string())),
        viewer,
    });
    let mut response = next.run(request).await;
    if private {
        // What one person sees is never kept by a browser or proxy: after signing out,
        // Back must not show the account page (OWASP Session Management: no-store).
        response.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
    }
    response
}

fn carries_session_cookie(headers: &HeaderMap) -> bool {
    session_cookie(headers).is_some()
}

/// The session id a request's cookie names, if any (whether or not it still works).
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            pair.trim_start()
                .strip_prefix(SESSION_COOKIE)
                .and_then(|rest| rest.strip_prefix('='))
                .map(str::to_owned)
        })
        .filter(|id| !id.is_empty())
}

/// Pages about one person or reached with a secret link: never stored by a cache,
/// whoever asks.
pub fn is_private_path(path: &str) -> bool {
    [
        "/account",
        "/admin",
        "/review",
        "/invite/",
        "/reset/",
        "/subscriptions/",
        "/sign-in",
        "/forgot-password",
        "/_fn/",
    ]
    .iter()
    .any(|prefix| path == prefix.trim_end_matches('/') || path.starts_with(prefix))
}

async fn viewer_of(state: &AppState, session: &Session) -> Option<Viewer> {
    let auth = match session.get::<AuthState>(AUTH_KEY).await {
        Ok(auth) => auth?,
        Err(error) => {
            tracing::warn!(%error, "could not read the session");
            return None;
        }
    };
    let age = chrono::Utc::now().timestamp() - auth.signed_in_at;
    let viewer = if age > ABSOLUTE_TIMEOUT_HOURS * 3600 {
        None
    } else {
        users::active_viewer(&state.db, auth.user_id)
            .await
            .unwrap_or_default()
    };
    if viewer.is_none() {
        if let Err(error) = session.flush().await {
            tracing::warn!(%error, "could not end a stale session");
        }
    }
    viewer
}

fn request_viewer() -> RequestViewer {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestViewer>().cloned())
        .unwrap_or_default()
}

/// Who is signed in, inside a server function or a page rendered on the server.
pub fn current_viewer() -> Option<Viewer> {
    request_viewer().viewer
}

pub fn current_session_id() -> Option<String> {
    request_viewer().session_id
}

/// The signed-in session's id, in a handler that has the request's parts.
pub fn current_session_id_of(parts: &axum::http::request::Parts) -> Option<String> {
    parts
        .extensions
        .get::<RequestViewer>()
        .and_then(|rv| rv.session_id.clone())
}

/// The check at the top of every guarded server function: 401 when signed out, 403 when
/// the role does not hold the permission.
pub fn require(permission: Permission) -> Result<Viewer, AppError> {
    let outcome = authorize(current_viewer(), permission);
    if let Err(error) = &outcome {
        // Server functions answer 401/403 rather than a generic error status.
        crate::components::set_status(error.status_code());
    }
    outcome
}

pub fn authorize(viewer: Option<Viewer>, permission: Permission) -> Result<Viewer, AppError> {
    match viewer {
        None => Err(AppError::Unauthorized),
        Some(viewer) if viewer.may(permission) => Ok(viewer),
        Some(viewer) => {
            tracing::warn!(
                user = viewer.id,
                ?permission,
                "refused: permission not held"
            );
            Err(AppError::Forbidden)
        }
    }
}

/// The client's address for throttling. Forwarding headers are believed only when the
/// connection comes from a configured proxy; then the nearest address that is not one of
/// our proxies is the client. Anyone else's `X-Forwarded-For` is ignored.
pub fn client_address(peer: SocketAddr, headers: &HeaderMap, trusted_proxies: &[IpAddr]) -> IpAddr {
    let peer = peer.ip();
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .rev()
        .find(|address| !trusted_proxies.contains(address))
        .unwrap_or(peer)
}

/// A plain description of a browser from its User-Agent, for the sessions list.
pub fn describe_device(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map_or("A browser", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| name);
    match system {
        Some(system) => format!("{browser} on {system}"),
        None => browser.to_owned(),
    }
}

pub use crate::dates::{now, timestamp, today};

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(forwarded: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", forwarded.parse().unwrap());
        headers
    }

    #[test]
    fn forwarded_addresses_are_ignored_from_an_untrusted_peer() {
        let peer: SocketAddr = "203.0.113.9:5000".parse().unwrap();
        let client = client_address(peer, &headers("198.51.100.1"), &[]);
        assert_eq!(client, peer.ip());
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_forged_entries_before_it_do_not_count() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let peer = SocketAddr::new(proxy, 443);
        // The client forged the first entry; the proxy appended the real address.
        let client = client_address(peer, &headers("1.2.3.4, 198.51.100.7"), &[proxy]);
        assert_eq!(client, "198.51.100.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn devices_are_described_plainly() {
        let ua = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(describe_device(ua), "Firefox on Linux");
        assert_eq!(describe_device(""), "A browser");
    }
}
