//! The form routes of policy review: the team creates and edits drafts, opens a review,
//! starts a revised draft and publishes (`drafts`); critical friends comment and reply, and
//! the team answers and removes comments (`comments`). Every change goes through the one
//! write path, which re-checks the policy's state inside the serialised transaction and
//! writes its audit entry there.

mod comments;
mod drafts;

use sqlx::AnyConnection;

use super::ssr::newest_version;
use crate::{
    accounts::{
        Access::{Anyone, Holder},
        FormRoute, Permission as P,
    },
    audit::Change,
    forms::ssr::Refusal,
};

/// The policy review's form routes.
#[rustfmt::skip]
pub fn form_routes() -> Vec<FormRoute> {
    vec![
        FormRoute::post("/admin/policies/new", Holder(P::ManagePolicies), "/admin/policies/new", drafts::create).keeping_text(),
        FormRoute::post("/admin/policies/{id}", Holder(P::ManagePolicies), "/admin/policies/{id}", drafts::save).keeping_text(),
        FormRoute::post("/admin/policies/{id}/review", Holder(P::ManagePolicies), "/admin/policies/{id}", drafts::open_review),
        FormRoute::post("/admin/policies/{id}/revise", Holder(P::ManagePolicies), "/admin/policies/{id}", drafts::revise),
        FormRoute::post("/admin/policies/{id}/publish", Holder(P::ManagePolicies), "/admin/policies/{id}", drafts::publish),
        FormRoute::post("/review/{slug}/comments", Holder(P::CommentOnPolicies), "/review/{slug}", comments::comment).keeping_text(),
        FormRoute::post("/review/{slug}/comments/{id}/response", Holder(P::ManagePolicies), "/review/{slug}", comments::answer),
        FormRoute::post("/review/{slug}/discard-kept", Holder(P::CommentOnPolicies), "/review/{slug}", comments::discard_kept),
        FormRoute::post("/review/{slug}/comments/{id}/remove", Holder(P::ManagePolicies), "/review/{slug}", comments::remove),
        FormRoute::post("/review/{slug}/comments/{id}/edit", Holder(P::CommentOnPolicies), "/review/{slug}", comments::edit).keeping_text(),
        FormRoute::post("/review/{slug}/comments/{id}/withdraw", Holder(P::CommentOnPolicies), "/review/{slug}", comments::withdraw),
        FormRoute::get("/policies/{slug}/versions/{number}/review.csv", Anyone, "/policies/{slug}", super::ssr::download_review),
    ]
}

/// The facts at the top of a policy's page: where a message about the policy's state (not
/// about one field) points.
const FACTS: &str = "policy-facts";

/// An audit entry about a policy.
fn policy_change(action: &'static str, record_id: String, before: String, after: String) -> Change {
    Change {
        action,
        record_kind: "policy",
        record_id,
        before,
        after,
    }
}

/// The newest version of a policy, as a form about it needs it.
#[derive(Debug, Clone)]
struct Newest {
    id: i64,
    number: i64,
    state: String,
    updated_at: String,
    body: String,
}

/// The newest version of policy `id`, read on `conn` (inside the write: what it decides
/// on); [`Refusal::NotFound`] when there is no such policy.
async fn newest(conn: &mut AnyConnection, id: i64) -> Result<Newest, Refusal> {
    match newest_version(conn, id).await? {
        Some((id, number, state, updated_at, body)) => Ok(Newest {
            id,
            number,
            state,
            updated_at,
            body,
        }),
        None => Err(Refusal::NotFound),
    }
}
