//! Text kept for someone who could not save it: their session ended while they were
//! writing, so the form they posted is kept here and offered back after they sign in.

use std::collections::BTreeMap;

use super::now;
use crate::db::Database;

/// The fields of a form, by name.
pub type Fields = BTreeMap<String, String>;

/// Session key for a form posted after the session had ended, until its author signs in.
pub const PENDING_KEY: &str = "pending_submission";

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PendingSubmission {
    /// The page the form belongs to; also the draft's key.
    pub path: String,
    pub fields: Fields,
}

pub async fn keep(
    db: &Database,
    user_id: i64,
    key: &str,
    fields: &Fields,
) -> Result<(), sqlx::Error> {
    let fields = serde_json::to_string(fields).unwrap_or_default();
    sqlx::query(
        "INSERT INTO drafts (user_id, draft_key, fields, saved_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, draft_key) DO UPDATE SET fields = excluded.fields, saved_at = excluded.saved_at",
    )
    .bind(user_id)
    .bind(key)
    .bind(fields)
    .bind(now())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The kept text for a page, if any, with when it was kept.
pub async fn find(
    db: &Database,
    user_id: i64,
    key: &str,
) -> Result<Option<(Fields, String)>, sqlx::Error> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT fields, saved_at FROM drafts WHERE user_id = $1 AND draft_key = $2")
            .bind(user_id)
            .bind(key)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.and_then(|(fields, saved_at)| Some((serde_json::from_str(&fields).ok()?, saved_at))))
}

pub async fn discard(db: &Database, user_id: i64, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM drafts WHERE user_id = $1 AND draft_key = $2")
        .bind(user_id)
        .bind(key)
        .execute(db.pool())
        .await?;
    Ok(())
}
