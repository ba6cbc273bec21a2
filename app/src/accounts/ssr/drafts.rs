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
    /// Whose session had lapsed: only they get the text back when they sign in.
    #[serde(default)]
    pub owner: i64,
}

/// The most a kept form may hold: as many fields as the largest form has, none longer
/// than the longest field any form accepts (a report's body, 200,000 characters), 256 KiB
/// in all. Anything bigger was not typed into one of Candour's forms, and is not kept.
pub fn within_limits(fields: &Fields) -> bool {
    const MOST_FIELDS: usize = 60;
    const LONGEST_FIELD: usize = 200_000;
    const MOST_BYTES: usize = 256 * 1024;
    fields.len() <= MOST_FIELDS
        && fields.iter().all(|(name, value)| {
            name.len() <= 64
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                && value.chars().count() <= LONGEST_FIELD
        })
        && fields.iter().map(|(n, v)| n.len() + v.len()).sum::<usize>() <= MOST_BYTES
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
