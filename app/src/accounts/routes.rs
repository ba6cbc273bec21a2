//! Form routes and private downloads, declared by the feature that owns them, each with who
//! may use it ([`Access`]: never a default). [`guarded`] puts them behind the one guard:
//! signed out → sign in (keeping the posted text where the route says so); signed in
//! without the permission → 403. No handler checks permission itself, so none can forget.

use axum::{
    extract::{Request, State},
    handler::Handler,
    http::{request::Parts, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
    routing::MethodRouter,
    Router,
};
use tower_sessions::Session;

use super::{
    ssr::{
        authorize,
        drafts::{within_limits, PendingSubmission, PENDING_KEY},
        RequestViewer,
    },
    Permission, Viewer,
};
use crate::{
    error::AppError,
    forms::{
        ssr::{read_fields, show_page},
        FormFeedback,
    },
    paths::encode_component,
    state::AppState,
};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (signing in, following a one-time link).
    Anyone,
    /// Only someone whose role holds the permission (`accounts::permissions`).
    Holder(Permission),
}

/// One route a form posts to (or a private download), as its feature declares it.
pub struct FormRoute {
    /// `POST` or `GET`.
    pub method: &'static str,
    /// In axum's syntax (`{id}` for a parameter).
    pub path: &'static str,
    pub access: Access,
    /// The page shown again when the form has mistakes or is refused, in the same syntax
    /// (its parameters are filled from the address requested).
    pub page: &'static str,
    /// Whether text posted after the session ended is kept for after signing in.
    pub keeps_text: bool,
    pub handler: MethodRouter<AppState>,
}

impl FormRoute {
    /// A form posting to `path`, shown on `page`.
    pub fn post<H, T>(path: &'static str, access: Access, page: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        Self {
            method: "POST",
            path,
            access,
            page,
            keeps_text: false,
            handler: axum::routing::post(handler),
        }
    }

    /// A private download at `path`; refusals are shown on `page`.
    pub fn get<H, T>(path: &'static str, access: Access, page: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        Self {
            method: "GET",
            path,
            access,
            page,
            keeps_text: false,
            handler: axum::routing::get(handler),
        }
    }

    /// Keeps the text posted after the session ended, to offer it back after signing in.
    pub fn keeping_text(self) -> Self {
        Self {
            keeps_text: true,
            ..self
        }
    }

    /// The page to show for a request to this route: see [`fill_page`].
    pub fn page_for(&self, requested: &str) -> String {
        fill_page(self.path, self.page, requested)
    }
}

/// Fills a page pattern from the address actually requested of a route
/// (`/admin/reports/{id}` with `/admin/reports/7/publish` gives `/admin/reports/7`).
fn fill_page(path: &str, page: &str, requested: &str) -> String {
    let actual: Vec<&str> = requested.split('/').collect();
    let pattern: Vec<&str> = path.split('/').collect();
    page.split('/')
        .map(|segment| {
            pattern
                .iter()
                .position(|p| *p == segment && segment.starts_with('{'))
                .and_then(|i| actual.get(i).copied())
                .unwrap_or(segment)
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every route, each behind the guard its access names.
///
/// # Panics
/// When two routes declare the same method and path: a wiring mistake found at start-up
/// (and by the tests), never at request time.
pub fn guarded(state: &AppState, routes: Vec<FormRoute>) -> Router<AppState> {
    let mut router = Router::new();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for route in routes {
        assert!(
            !seen.contains(&(route.method, route.path)),
            "{} {} is declared twice",
            route.method,
            route.path
        );
        seen.push((route.method, route.path));
        let declared = Declared {
            path: route.path,
            page: route.page,
            access: route.access,
            keeps_text: route.keeps_text,
        };
        let handler = route.handler.route_layer(middleware::from_fn_with_state(
            state.clone(),
            move |State(state): State<AppState>, request: Request, next: Next| {
                guard(state, declared, request, next)
            },
        ));
        match by_path.iter_mut().find(|(path, _)| *path == route.path) {
            Some((_, methods)) => *methods = std::mem::take(methods).merge(handler),
            None => by_path.push((route.path, handler)),
        }
    }
    for (path, methods) in by_path {
        router = router.route(path, methods);
    }
    router
}

/// What the guard needs to know of a route.
#[derive(Debug, Clone, Copy)]
struct Declared {
    path: &'static str,
    page: &'static str,
    access: Access,
    keeps_text: bool,
}

/// The permission check in front of every form route. Signed out: back to sign in (with
/// the posted text kept where the route says so). Signed in without the permission: 403.
async fn guard(state: AppState, route: Declared, request: Request, next: Next) -> Response {
    let Access::Holder(permission) = route.access else {
        return next.run(request).await;
    };
    let viewer = request
        .extensions()
        .get::<RequestViewer>()
        .and_then(|rv| rv.viewer.clone());
    let page = fill_page(route.path, route.page, request.uri().path());
    match authorize(viewer, permission) {
        Ok(_) => next.run(request).await,
        Err(AppError::Unauthorized) => {
            // A form sent while signed out: the sign-in page says why, and whether the
            // text was kept.
            let reason = if request.method() != Method::POST {
                ""
            } else if route.keeps_text && keep_posted_text(&state, request, &page).await {
                "&reason=kept"
            } else {
                "&reason=signed-out"
            };
            Redirect::to(&format!(
                "/sign-in?next={}{reason}",
                encode_component(&page)
            ))
            .into_response()
        }
        Err(_) => {
            let (parts, _) = request.into_parts();
            show_page(
                &state,
                parts,
                &page,
                FormFeedback::default(),
                StatusCode::FORBIDDEN,
            )
            .await
        }
    }
}

/// Kept texts a lapsed session may leave in an hour.
const KEPT_PER_HOUR: i64 = 10;

/// The session had ended while someone was writing: keep what they posted in a fresh
/// session, to become a draft when the same person signs in again. Only a request
/// carrying the cookie of a signed-in session that lapsed may keep text (a visitor who
/// never signed in, or someone fixing a cookie in another person's browser, keeps
/// nothing), only within the forms' own limits, and at most ten times an hour.
/// True when the text was kept.
async fn keep_posted_text(state: &AppState, request: Request, page: &str) -> bool {
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return false;
    };
    let Some(lapsed) = super::ssr::session_cookie(request.headers()) else {
        return false;
    };
    let owner = match super::ssr::session_store::lapsed_owner(&state.db, &lapsed).await {
        Ok(Some(owner)) => owner,
        Ok(None) => return false,
        Err(error) => {
            tracing::warn!(%error, "could not look up a lapsed session");
            return false;
        }
    };
    let allowed = async {
        let mut conn = state.db.pool().acquire().await?;
        let key = format!("kept-text:{owner}");
        if crate::mail::requests_since(&mut conn, &key, chrono::Duration::hours(1)).await?
            >= KEPT_PER_HOUR
        {
            return Ok::<bool, sqlx::Error>(false);
        }
        crate::mail::record_request(&mut conn, &key).await?;
        Ok(true)
    }
    .await;
    if !matches!(allowed, Ok(true)) {
        return false;
    }
    let (_, fields) = read_fields(request).await;
    if !within_limits(&fields) {
        return false;
    }
    let pending = PendingSubmission {
        path: page.to_owned(),
        fields,
        owner,
    };
    match session.insert(PENDING_KEY, pending).await {
        Ok(()) => true,
        Err(error) => {
            tracing::warn!(%error, "could not keep the text of an expired session");
            false
        }
    }
}

/// The signed-in person, for handlers behind a guard that has already checked there is one.
pub struct SignedIn(pub Viewer);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Response> {
        parts
            .extensions
            .get::<RequestViewer>()
            .and_then(|rv| rv.viewer.clone())
            .map(SignedIn)
            .ok_or_else(|| Redirect::to("/sign-in").into_response())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn nothing() {}

    #[test]
    fn the_page_of_a_route_takes_its_parameters_from_the_address() {
        let withdraw = FormRoute::post(
            "/admin/reports/{id}/withdraw",
            Access::Anyone,
            "/admin/reports/{id}",
            nothing,
        );
        assert_eq!(
            withdraw.page_for("/admin/reports/7/withdraw"),
            "/admin/reports/7"
        );
        let role = FormRoute::post(
            "/admin/users/{id}/role",
            Access::Anyone,
            "/admin/users",
            nothing,
        );
        assert_eq!(role.page_for("/admin/users/3/role"), "/admin/users");
    }
}
