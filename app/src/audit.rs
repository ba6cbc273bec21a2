//! Writing the audit log: one entry for every change a signed-in person makes, in the same
//! transaction as the change. Append-only: nothing here updates or deletes, and triggers
//! refuse both in the database too. Reading the log is the accounts feature's
//! (`accounts::ssr::audit`).

use sqlx::AnyConnection;

use crate::dates::now;

/// Who made a change: an account by number and the role it acted in. Names and emails are
/// never written to the log, so a deleted account leaves nothing identifying behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: i64,
    /// As stored (`critical_friend`, `editor`, `admin`).
    pub role: &'static str,
}

impl Actor {
    /// Someone not signed in (subscribing to email): their changes are their own and have
    /// no audit entry.
    pub const PUBLIC: Actor = Actor {
        id: 0,
        role: "public",
    };
}

/// What changed, from what to what, said in a line each (no emails or names of people:
/// accounts are named by number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// A dotted name, `recommendation.status-changed`.
    pub action: &'static str,
    pub record_kind: &'static str,
    pub record_id: String,
    pub before: String,
    pub after: String,
}

/// Appends one entry, on the caller's transaction.
pub async fn record(
    conn: &mut AnyConnection,
    actor: Actor,
    change: &Change,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_role, action, record_kind, record_id, before, after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now())
    .bind(actor.id)
    .bind(actor.role)
    .bind(change.action)
    .bind(change.record_kind)
    .bind(&change.record_id)
    .bind(&change.before)
    .bind(&change.after)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
