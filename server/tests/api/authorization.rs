//! The authorization matrix: every endpoint that changes something or reads private data,
//! asked by every role, is allowed or refused exactly as written here. A new endpoint or
//! server function without a line in these tables fails the test.

use app::{
    accounts::{Access, Role},
    routes::form_routes,
};

use crate::helpers::{spawn_app, Browser, TestApp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Public,
    Friend,
    Editor,
    Admin,
}

const EVERYONE: &[Who] = &[Who::Public, Who::Friend, Who::Editor, Who::Admin];
const SIGNED_IN: &[Who] = &[Who::Friend, Who::Editor, Who::Admin];
const STAFF: &[Who] = &[Who::Editor, Who::Admin];
const ADMIN: &[Who] = &[Who::Admin];
/// A critical friend's own voice: not the SDE's staff.
const FRIEND: &[Who] = &[Who::Friend];

/// Form routes and private downloads: who may use each.
const ROUTES: &[(&str, &str, &[Who])] = &[
    ("POST", "/sign-in", EVERYONE),
    ("POST", "/sign-out", EVERYONE),
    ("POST", "/invite/{token}", EVERYONE),
    ("POST", "/reset/{token}", EVERYONE),
    ("POST", "/forgot-password", EVERYONE),
    ("POST", "/subscribe", EVERYONE),
    ("POST", "/subscriptions/{token}/confirm", EVERYONE),
    ("POST", "/subscriptions/{token}", EVERYONE),
    ("POST", "/subscriptions/{token}/unsubscribe", EVERYONE),
    ("POST", "/account/notifications", SIGNED_IN),
    ("POST", "/account/name", SIGNED_IN),
    ("POST", "/account/password", SIGNED_IN),
    ("POST", "/account/sessions/end", SIGNED_IN),
    ("POST", "/account/sessions/end-others", SIGNED_IN),
    ("POST", "/account/delete", SIGNED_IN),
    ("POST", "/account/follows/seen", SIGNED_IN),
    ("POST", "/actions/{reference}/follow", SIGNED_IN),
    ("POST", "/actions/{reference}/unfollow", SIGNED_IN),
    ("POST", "/actions/{reference}/friends-view", FRIEND),
    (
        "POST",
        "/actions/{reference}/friends-views/{id}/answer",
        STAFF,
    ),
    (
        "POST",
        "/actions/{reference}/friends-views/{id}/remove",
        STAFF,
    ),
    ("GET", "/account/export.json", SIGNED_IN),
    ("POST", "/admin/users/invite", STAFF),
    ("POST", "/admin/invites/{id}/resend", STAFF),
    ("POST", "/admin/invites/{id}/revoke", STAFF),
    ("POST", "/admin/users/{id}/role", ADMIN),
    ("POST", "/admin/users/{id}/disable", ADMIN),
    ("POST", "/admin/users/{id}/enable", ADMIN),
    ("POST", "/admin/users/{id}/reset-link", ADMIN),
    ("GET", "/admin/audit.csv", ADMIN),
    ("POST", "/admin/email/{id}/retry", ADMIN),
    ("POST", "/admin/reports/new", STAFF),
    ("POST", "/admin/reports/{id}", STAFF),
    ("POST", "/admin/reports/{id}/withdraw", STAFF),
    ("POST", "/admin/reports/discard-kept", STAFF),
    ("POST", "/admin/values/{slug}", STAFF),
    ("POST", "/admin/priorities/{slug}", STAFF),
    ("POST", "/admin/pages/{slug}", STAFF),
    ("POST", "/admin/glossary", STAFF),
    ("POST", "/admin/engagements/new", STAFF),
    ("POST", "/admin/engagements/{key}", STAFF),
    ("POST", "/admin/actions/new", STAFF),
    ("POST", "/admin/actions/{reference}/details", STAFF),
    ("POST", "/admin/actions/{reference}", STAFF),
    ("POST", "/admin/actions/{reference}/check", STAFF),
    ("POST", "/admin/actions/{reference}/update", STAFF),
    ("POST", "/admin/policies/new", STAFF),
    ("POST", "/admin/policies/{id}", STAFF),
    ("POST", "/admin/policies/{id}/review", STAFF),
    ("POST", "/admin/policies/{id}/revise", STAFF),
    ("POST", "/admin/policies/{id}/publish", STAFF),
    (
        "GET",
        "/policies/{slug}/versions/{number}/review.csv",
        EVERYONE,
    ),
    ("POST", "/review/{slug}/comments", SIGNED_IN),
    ("POST", "/review/{slug}/comments/{id}/response", STAFF),
    ("POST", "/review/{slug}/discard-kept", SIGNED_IN),
    ("POST", "/review/{slug}/comments/{id}/remove", STAFF),
    ("POST", "/review/{slug}/comments/{id}/edit", SIGNED_IN),
    ("POST", "/review/{slug}/comments/{id}/withdraw", SIGNED_IN),
];

/// Server functions (what pages call): who may call each, with a valid body.
const SERVER_FNS: &[(&str, &[Who], &str)] = &[
    ("/_fn/viewer", EVERYONE, ""),
    ("/_fn/account", SIGNED_IN, ""),
    ("/_fn/followed", SIGNED_IN, ""),
    ("/_fn/my-comments", SIGNED_IN, ""),
    ("/_fn/accounts", STAFF, ""),
    ("/_fn/audit", ADMIN, "filter[page]=1"),
    ("/_fn/account-link", EVERYONE, "token=abc"),
    ("/_fn/home", EVERYONE, ""),
    ("/_fn/static_page", EVERYONE, "slug=privacy"),
    ("/_fn/search", EVERYONE, "query[q]=data"),
    ("/_fn/register", EVERYONE, ""),
    ("/_fn/recommendation", EVERYONE, "reference=PP-1"),
    ("/_fn/licence_terms", EVERYONE, ""),
    ("/_fn/licence_term", EVERYONE, ""),
    ("/_fn/engagements", EVERYONE, ""),
    ("/_fn/engagement_list", EVERYONE, ""),
    ("/_fn/reports", EVERYONE, ""),
    ("/_fn/report", EVERYONE, "slug=x"),
    ("/_fn/report_history", EVERYONE, "slug=x"),
    ("/_fn/admin-reports", STAFF, ""),
    ("/_fn/report-editor", STAFF, "conflict=false"),
    ("/_fn/report-preview", STAFF, "body=Hello"),
    ("/_fn/staff-record", STAFF, "reference=PP-1"),
    ("/_fn/staff", STAFF, ""),
    ("/_fn/content-list", STAFF, ""),
    ("/_fn/content-editor", STAFF, "part=values&key=fairness"),
    ("/_fn/glossary-editor", STAFF, ""),
    ("/_fn/staff-register", STAFF, ""),
    ("/_fn/admin-engagements", STAFF, ""),
    ("/_fn/engagement-editor", STAFF, "key=public-panel"),
    ("/_fn/new-recommendation", STAFF, "engagement=public-panel"),
    ("/_fn/recommendation-details", STAFF, "reference=PP-1"),
    ("/_fn/wordings", EVERYONE, "reference=PP-1"),
    ("/_fn/staff-update-preview", STAFF, "reference=PP-1&values[summary]=Where+it+stands&values[what_we_did]=Work&values[team]=Board"),
    ("/_fn/follow-state", EVERYONE, "reference=PP-1"),
    ("/_fn/friends-view-part", EVERYONE, "reference=PP-1"),
    ("/_fn/friends-disagree", EVERYONE, ""),
    ("/_fn/policies", EVERYONE, ""),
    ("/_fn/policy", EVERYONE, "slug=x"),
    ("/_fn/policy-versions", EVERYONE, "slug=x"),
    ("/_fn/policy-version", EVERYONE, "slug=x&number=1"),
    ("/_fn/policy-compare", EVERYONE, "slug=x&from=1&to=2"),
    ("/_fn/policy-moderation", EVERYONE, "slug=x"),
    ("/_fn/reviews", SIGNED_IN, ""),
    ("/_fn/review", SIGNED_IN, "slug=matrix-policy"),
    ("/_fn/admin-policies", STAFF, ""),
    ("/_fn/policy-editor", STAFF, ""),
    ("/_fn/answer-queue", STAFF, "id=1"),
    ("/_fn/subscribe-topic", EVERYONE, "key=register"),
    ("/_fn/subscription", EVERYONE, "token=abc"),
    ("/_fn/outbox", ADMIN, ""),
    ("/_fn/notification-settings", SIGNED_IN, ""),
];

fn role_of(who: Who) -> Option<Role> {
    match who {
        Who::Public => None,
        Who::Friend => Some(Role::CriticalFriend),
        Who::Editor => Some(Role::Editor),
        Who::Admin => Some(Role::Admin),
    }
}

async fn browser_for(app: &TestApp, who: Who) -> Browser {
    match role_of(who) {
        None => app.browser(),
        Some(role) => app.signed_in(role).await.0,
    }
}

/// Fresh records for each request, so one request's effect cannot decide the next.
async fn concrete_path(app: &TestApp, pattern: &str) -> String {
    if pattern.contains("/admin/invites/{id}") {
        let mut tx = app.db.begin_write().await.unwrap();
        let email = format!("invitee{}@example.org", rand_suffix());
        let (id, _) =
            app::accounts::ssr::links::create_invite(&mut tx, &email, Role::CriticalFriend, None)
                .await
                .unwrap();
        tx.commit().await.unwrap();
        return pattern.replace("{id}", &id.to_string());
    }
    if pattern.contains("/admin/reports/{id}") {
        let id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM reports")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        return pattern.replace("{id}", &id.to_string());
    }
    if pattern.contains("/admin/policies/{id}") || pattern.contains("/review/{slug}") {
        let (id, comment) = matrix_policy(app).await;
        return pattern
            .replace("/admin/policies/{id}", &format!("/admin/policies/{id}"))
            .replace("{slug}", "matrix-policy")
            .replace("{id}", &comment.to_string());
    }
    if pattern.contains("/admin/users/{id}") {
        let target = app.create_user(Role::CriticalFriend).await;
        return pattern.replace("{id}", &target.id.to_string());
    }
    pattern
        .replace("{token}", "0000")
        .replace("/admin/email/{id}", "/admin/email/0")
        .replace("{reference}", "PP-1")
        .replace("{key}", "public-panel")
        .replace("/admin/pages/{slug}", "/admin/pages/contact")
        .replace("{slug}", "fairness")
}

/// A policy in review with one comment (made once per app): (policy id, comment id).
async fn matrix_policy(app: &TestApp) -> (i64, i64) {
    let found: Option<(i64, i64)> = sqlx::query_as(
        "SELECT p.id, c.id FROM policies p JOIN policy_versions v ON v.policy_id = p.id \
         JOIN policy_comments c ON c.version_id = v.id WHERE p.slug = 'matrix-policy'",
    )
    .fetch_optional(app.db.pool())
    .await
    .unwrap();
    if let Some(found) = found {
        return found;
    }
    let author = app.create_user(Role::CriticalFriend).await;
    let body = "A paragraph to comment on.";
    let closes = (app::dates::uk_now().date_naive() + chrono::Duration::days(7)).to_string();
    let mut tx = app.db.begin_write().await.unwrap();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO policies (slug, title, summary, created_at, updated_at) \
         VALUES ('matrix-policy', 'Matrix', 'S', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let (version,): (i64,) = sqlx::query_as(
        "INSERT INTO policy_versions (policy_id, number, title, summary, body_md, blocks_json, state, review_opened, review_closes, updated_at) \
         VALUES ($1, 1, 'Matrix', 'S', $2, $3, 'in_review', '2026-01-01', $4, '2026-01-01T00:00:00Z') RETURNING id",
    )
    .bind(id)
    .bind(body)
    .bind(app::policies::ssr::blocks_json(body))
    .bind(closes)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let (comment,): (i64,) = sqlx::query_as(
        "INSERT INTO policy_comments (version_id, author_id, body, created_at) \
         VALUES ($1, $2, 'A comment.', '2026-01-01T00:00:00Z') RETURNING id",
    )
    .bind(version)
    .bind(author.id)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (id, comment)
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    N.fetch_add(1, Ordering::Relaxed)
}

/// Refused means: signed out, sent to sign in (or 401); signed in, 403.
fn refused(status: u16, location: &str) -> bool {
    status == 401 || status == 403 || (status == 303 && location.starts_with("/sign-in?next="))
}

#[test]
fn every_route_in_the_service_has_a_line_in_the_matrix() {
    let mut listed: Vec<(&str, &str)> = ROUTES.iter().map(|(m, p, _)| (*m, *p)).collect();
    let mut served: Vec<(&str, &str)> = form_routes().iter().map(|e| (e.method, e.path)).collect();
    listed.sort_unstable();
    served.sort_unstable();
    assert_eq!(
        listed, served,
        "the features' form routes and this matrix must list the same routes"
    );
}

#[test]
fn every_server_function_has_a_line_in_the_matrix() {
    let mut listed: Vec<&str> = SERVER_FNS.iter().map(|(path, _, _)| *path).collect();
    let mut served: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    listed.sort_unstable();
    served.sort_unstable();
    served.dedup();
    assert_eq!(
        listed, served,
        "a server function is missing from SERVER_FNS (or listed but gone)"
    );
}

#[tokio::test]
async fn every_guarded_route_allows_exactly_the_roles_in_the_matrix() {
    let app = spawn_app().await;
    let mut mismatches = Vec::new();
    let routes = form_routes();
    for (method, pattern, allowed) in ROUTES {
        let endpoint = routes
            .iter()
            .find(|e| e.path == *pattern && e.method == *method)
            .unwrap();
        for who in EVERYONE {
            let expected_allowed = allowed.contains(who);
            if endpoint.access == Access::Anyone {
                assert!(
                    expected_allowed,
                    "{pattern} is open to anyone in its form route"
                );
                continue;
            }
            let browser = browser_for(&app, *who).await;
            let path = concrete_path(&app, pattern).await;
            let reply = if *method == "GET" {
                browser.get(&path).await
            } else {
                browser.post(&path, &[]).await
            };
            let was_refused = refused(reply.status, &reply.location);
            if was_refused == expected_allowed {
                mismatches.push(format!(
                    "{method} {path} as {who:?}: status {} {}",
                    reply.status, reply.location
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

#[tokio::test]
async fn every_guarded_server_function_allows_exactly_the_roles_in_the_matrix() {
    let app = spawn_app().await;
    matrix_policy(&app).await;
    let mut mismatches = Vec::new();
    for (path, allowed, body) in SERVER_FNS
        .iter()
        .filter(|(_, allowed, _)| *allowed != EVERYONE)
    {
        for who in EVERYONE {
            let browser = browser_for(&app, *who).await;
            let reply = browser
                .send(
                    browser
                        .client
                        .post(format!("{}{path}", app.address))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .header("accept", "application/json")
                        .body(body.to_string()),
                )
                .await;
            let was_refused = reply.status == 401 || reply.status == 403;
            if was_refused == allowed.contains(who) || (!was_refused && reply.status != 200) {
                mismatches.push(format!(
                    "{path} as {who:?}: status {} {}",
                    reply.status, reply.body
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}
