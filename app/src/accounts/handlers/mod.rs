//! The routes that forms post to. Each is listed once in [`ENDPOINTS`] with who may use
//! it; the router refuses to start with a route that is not listed, and the permission
//! check runs in a layer in front of every handler, so no handler can forget it.

mod account;
mod admin;
mod sign_in;

use axum::{
    extract::{Request, State},
    http::{request::Parts, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post, MethodRouter},
    Router,
};
use tower_sessions::Session;

use super::{
    ssr::{
        authorize,
        drafts::{PendingSubmission, PENDING_KEY},
        RequestViewer,
    },
    Permission, Viewer,
};
use crate::{
    error::AppError,
    forms::{ssr::render_page, FormFeedback},
    state::AppState,
};

/// Who may use an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (signing in, following a one-time link).
    Anyone,
    /// Only someone whose role holds the permission.
    Holder(Permission),
}

#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    pub method: &'static str,
    /// In axum's syntax (`{id}` for a parameter).
    pub path: &'static str,
    pub access: Access,
    /// The page shown again when the form has mistakes or is refused.
    pub page: &'static str,
    /// Whether text posted after the session ended is kept for after signing in.
    pub keeps_text: bool,
}

const fn endpoint(
    method: &'static str,
    path: &'static str,
    access: Access,
    page: &'static str,
) -> Endpoint {
    Endpoint {
        method,
        path,
        access,
        page,
        keeps_text: false,
    }
}

const fn keeping_text(endpoint: Endpoint) -> Endpoint {
    Endpoint {
        keeps_text: true,
        ..endpoint
    }
}

use Access::{Anyone, Holder};
use Permission as P;

/// Every route a form posts to (and the private downloads), with who may use it.
#[rustfmt::skip]
pub const ENDPOINTS: &[Endpoint] = &[
    endpoint("POST", "/sign-in", Anyone, "/sign-in"),
    endpoint("POST", "/sign-out", Anyone, "/sign-in"),
    endpoint("POST", "/invite/{token}", Anyone, "/invite/{token}"),
    endpoint("POST", "/reset/{token}", Anyone, "/reset/{token}"),
    endpoint("POST", "/account/name", Holder(P::ManageOwnAccount), "/account"),
    endpoint("POST", "/account/password", Holder(P::ManageOwnAccount), "/account"),
    endpoint("POST", "/account/sessions/end", Holder(P::ManageOwnAccount), "/account"),
    endpoint("POST", "/account/sessions/end-others", Holder(P::ManageOwnAccount), "/account"),
    endpoint("POST", "/account/delete", Holder(P::ManageOwnAccount), "/account"),
    endpoint("POST", "/account/follows/seen", Holder(P::ManageOwnAccount), "/account"),
    endpoint("POST", "/actions/{reference}/follow", Holder(P::ManageOwnAccount), "/actions/{reference}"),
    endpoint("POST", "/actions/{reference}/unfollow", Holder(P::ManageOwnAccount), "/actions/{reference}"),
    endpoint("GET", "/account/export.json", Holder(P::ManageOwnAccount), "/account"),
    endpoint("POST", "/admin/users/invite", Holder(P::InviteCriticalFriends), "/admin/users"),
    endpoint("POST", "/admin/invites/{id}/resend", Holder(P::InviteCriticalFriends), "/admin/users"),
    endpoint("POST", "/admin/invites/{id}/revoke", Holder(P::InviteCriticalFriends), "/admin/users"),
    endpoint("POST", "/admin/users/{id}/role", Holder(P::ManageAccounts), "/admin/users"),
    endpoint("POST", "/admin/users/{id}/disable", Holder(P::ManageAccounts), "/admin/users"),
    endpoint("POST", "/admin/users/{id}/enable", Holder(P::ManageAccounts), "/admin/users"),
    endpoint("POST", "/admin/users/{id}/reset-link", Holder(P::ManageAccounts), "/admin/users"),
    endpoint("GET", "/admin/audit.csv", Holder(P::ViewAuditLog), "/admin/audit"),
    keeping_text(endpoint("POST", "/admin/reports/new", Holder(P::EditReports), "/admin/reports/new")),
    keeping_text(endpoint("POST", "/admin/reports/{id}", Holder(P::EditReports), "/admin/reports/{id}")),
    endpoint("POST", "/admin/reports/{id}/withdraw", Holder(P::PublishReports), "/admin/reports/{id}"),
    endpoint("POST", "/admin/reports/discard-kept", Holder(P::EditReports), "/admin/reports"),
    endpoint("POST", "/admin/actions/{reference}/status", Holder(P::RecordStatusChanges), "/admin/actions/{reference}"),
    endpoint("POST", "/admin/actions/{reference}/response", Holder(P::RecordStatusChanges), "/admin/actions/{reference}"),
    keeping_text(endpoint("POST", "/admin/policies/new", Holder(P::ManagePolicies), "/admin/policies/new")),
    keeping_text(endpoint("POST", "/admin/policies/{id}", Holder(P::ManagePolicies), "/admin/policies/{id}")),
    endpoint("POST", "/admin/policies/{id}/review", Holder(P::ManagePolicies), "/admin/policies/{id}"),
    endpoint("POST", "/admin/policies/{id}/revise", Holder(P::ManagePolicies), "/admin/policies/{id}"),
    endpoint("POST", "/admin/policies/{id}/publish", Holder(P::ManagePolicies), "/admin/policies/{id}"),
    keeping_text(endpoint("POST", "/review/{slug}/comments", Holder(P::CommentOnPolicies), "/review/{slug}")),
    endpoint("POST", "/review/{slug}/comments/{id}/response", Holder(P::ManagePolicies), "/review/{slug}"),
    endpoint("POST", "/review/{slug}/discard-kept", Holder(P::CommentOnPolicies), "/review/{slug}"),
    endpoint("POST", "/review/{slug}/comments/{id}/remove", Holder(P::ManagePolicies), "/review/{slug}"),
];

fn endpoint_for(method: &str, path: &str) -> Endpoint {
    ENDPOINTS
        .iter()
        .copied()
        .find(|e| e.method == method && e.path == path)
        .unwrap_or_else(|| panic!("{method} {path} has no entry in accounts::handlers::ENDPOINTS"))
}

/// Fills the page pattern of an endpoint from the address actually requested
/// (`/admin/reports/{id}` with `/admin/reports/7/publish` gives `/admin/reports/7`).
fn page_for(endpoint: &Endpoint, requested: &str) -> String {
    let actual: Vec<&str> = requested.split('/').collect();
    let pattern: Vec<&str> = endpoint.path.split('/').collect();
    endpoint
        .page
        .split('/')
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

/// All form routes, each behind the check its entry names.
pub fn routes(state: &AppState) -> Router<AppState> {
    let handlers: Vec<(&str, &str, MethodRouter<AppState>)> = vec![
        ("POST", "/sign-in", post(sign_in::sign_in)),
        ("POST", "/sign-out", post(sign_in::sign_out)),
        ("POST", "/invite/{token}", post(sign_in::accept_invite)),
        ("POST", "/reset/{token}", post(sign_in::reset_password)),
        ("POST", "/account/name", post(account::change_name)),
        ("POST", "/account/password", post(account::change_password)),
        ("POST", "/account/sessions/end", post(account::end_session)),
        (
            "POST",
            "/account/sessions/end-others",
            post(account::end_other_sessions),
        ),
        ("POST", "/account/delete", post(account::delete_account)),
        (
            "POST",
            "/account/follows/seen",
            post(crate::register::follows::ssr::mark_seen),
        ),
        (
            "POST",
            "/actions/{reference}/follow",
            post(crate::register::follows::ssr::follow),
        ),
        (
            "POST",
            "/actions/{reference}/unfollow",
            post(crate::register::follows::ssr::unfollow),
        ),
        ("GET", "/account/export.json", get(account::export)),
        ("POST", "/admin/users/invite", post(admin::invite)),
        (
            "POST",
            "/admin/invites/{id}/resend",
            post(admin::resend_invite),
        ),
        (
            "POST",
            "/admin/invites/{id}/revoke",
            post(admin::revoke_invite),
        ),
        ("POST", "/admin/users/{id}/role", post(admin::change_role)),
        ("POST", "/admin/users/{id}/disable", post(admin::disable)),
        ("POST", "/admin/users/{id}/enable", post(admin::enable)),
        (
            "POST",
            "/admin/users/{id}/reset-link",
            post(admin::reset_link),
        ),
        ("GET", "/admin/audit.csv", get(admin::audit_csv)),
        (
            "POST",
            "/admin/reports/new",
            post(crate::reports::editor::create),
        ),
        (
            "POST",
            "/admin/reports/{id}",
            post(crate::reports::editor::save),
        ),
        (
            "POST",
            "/admin/reports/{id}/withdraw",
            post(crate::reports::editor::withdraw),
        ),
        (
            "POST",
            "/admin/reports/discard-kept",
            post(crate::reports::editor::discard_kept),
        ),
        (
            "POST",
            "/admin/actions/{reference}/status",
            post(crate::register::staff::ssr::record_status),
        ),
        (
            "POST",
            "/admin/actions/{reference}/response",
            post(crate::register::staff::ssr::save_response),
        ),
        (
            "POST",
            "/admin/policies/new",
            post(crate::policies::writing::create),
        ),
        (
            "POST",
            "/admin/policies/{id}",
            post(crate::policies::writing::save),
        ),
        (
            "POST",
            "/admin/policies/{id}/review",
            post(crate::policies::writing::open_review),
        ),
        (
            "POST",
            "/admin/policies/{id}/revise",
            post(crate::policies::writing::revise),
        ),
        (
            "POST",
            "/admin/policies/{id}/publish",
            post(crate::policies::writing::publish),
        ),
        (
            "POST",
            "/review/{slug}/comments",
            post(crate::policies::writing::comment),
        ),
        (
            "POST",
            "/review/{slug}/comments/{id}/response",
            post(crate::policies::writing::answer),
        ),
        (
            "POST",
            "/review/{slug}/discard-kept",
            post(crate::policies::writing::discard_kept),
        ),
        (
            "POST",
            "/review/{slug}/comments/{id}/remove",
            post(crate::policies::writing::remove),
        ),
    ];
    let mut router = Router::new();
    for (method, path, handler) in handlers {
        let endpoint = endpoint_for(method, path);
        router = router.route(
            path,
            handler.route_layer(middleware::from_fn_with_state(
                state.clone(),
                move |State(state): State<AppState>, request: Request, next: Next| {
                    guard(state, endpoint, request, next)
                },
            )),
        );
    }
    router
}

/// The permission check in front of every form route. Signed out: back to sign in (with
/// the posted text kept where the endpoint says so). Signed in without the permission: 403.
async fn guard(state: AppState, endpoint: Endpoint, request: Request, next: Next) -> Response {
    let Access::Holder(permission) = endpoint.access else {
        return next.run(request).await;
    };
    let viewer = request
        .extensions()
        .get::<RequestViewer>()
        .and_then(|rv| rv.viewer.clone());
    let page = page_for(&endpoint, request.uri().path());
    match authorize(viewer, permission) {
        Ok(_) => next.run(request).await,
        Err(AppError::Unauthorized) => {
            if endpoint.keeps_text && request.method() == Method::POST {
                keep_posted_text(request, &page).await;
            }
            Redirect::to(&format!(
                "/sign-in?next={}",
                crate::register::query::encode_component(&page)
            ))
            .into_response()
        }
        Err(_) => {
            let (parts, _) = request.into_parts();
            again(
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

/// The session had ended while someone was writing: keep what they posted in a fresh
/// session, to become a draft when they sign in again.
async fn keep_posted_text(request: Request, page: &str) {
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return;
    };
    let (_, fields) = crate::forms::ssr::read_fields(request).await;
    let pending = PendingSubmission {
        path: page.to_owned(),
        fields,
    };
    if let Err(error) = session.insert(PENDING_KEY, pending).await {
        tracing::warn!(%error, "could not keep the text of an expired session");
    }
}

pub(crate) fn set_path(parts: &mut Parts, path: &str) {
    if let Ok(uri) = path.parse() {
        parts.uri = uri;
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

/// After a form worked: to a page, with a fixed notice (`?done=`).
pub(crate) fn done(page: &str, notice: &str) -> Response {
    let sep = if page.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{page}{sep}done={notice}")).into_response()
}

/// Shows a form's page again with its errors (422), or another status.
pub(crate) async fn again(
    state: &AppState,
    mut parts: Parts,
    page: &str,
    feedback: FormFeedback,
    status: StatusCode,
) -> Response {
    set_path(&mut parts, page);
    render_page(state, parts, feedback, status).await
}

/// A failure with no page to show it on (the details are logged where the error is made).
pub(crate) fn internal(error: impl Into<AppError>) -> Response {
    let error: AppError = error.into();
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, error.to_string()).into_response()
}

pub(crate) fn attachment(content_type: &'static str, filename: &str, body: String) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(axum::http::header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_of_an_endpoint_takes_its_parameters_from_the_address() {
        let withdraw = endpoint_for("POST", "/admin/reports/{id}/withdraw");
        assert_eq!(
            page_for(&withdraw, "/admin/reports/7/withdraw"),
            "/admin/reports/7"
        );
        let role = endpoint_for("POST", "/admin/users/{id}/role");
        assert_eq!(page_for(&role, "/admin/users/3/role"), "/admin/users");
    }

    #[test]
    fn every_endpoint_is_listed_once() {
        for (i, a) in ENDPOINTS.iter().enumerate() {
            for b in &ENDPOINTS[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} listed twice",
                    a.path
                );
            }
        }
    }
}
