//! Policies as content files: what `candour import` publishes and `candour export`
//! writes, and what the search index and feeds read.

use std::collections::HashMap;

use sqlx::AnyConnection;

use super::*;

/// Published policies with their public reviews, for the search index:
/// (slug, title, summary, published_at, text).
pub async fn searchable(
    pool: &sqlx::AnyPool,
) -> Result<Vec<(String, String, String, String, String)>, sqlx::Error> {
    let policies: Vec<(i64, String, String, String, String, String)> = sqlx::query_as(
        "SELECT p.id, p.slug, v.title, v.summary, v.published_at, v.body_md
         FROM policies p JOIN policy_versions v ON v.policy_id = p.id AND v.state = 'published'",
    )
    .fetch_all(pool)
    .await?;
    let said: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT v.policy_id, c.body, r.body
         FROM policy_comments c
         JOIN policy_versions v ON v.id = c.version_id
         LEFT JOIN policy_responses r ON r.comment_id = c.id
         WHERE v.review_public = 1 AND c.hidden_reason IS NULL",
    )
    .fetch_all(pool)
    .await?;
    let mut discussion: HashMap<i64, String> = HashMap::new();
    for (policy_id, comment, answer) in said {
        let text = discussion.entry(policy_id).or_default();
        text.push(' ');
        text.push_str(&comment);
        if let Some(answer) = answer {
            text.push(' ');
            text.push_str(&answer);
        }
    }
    Ok(policies
        .into_iter()
        .map(|(id, slug, title, summary, published_at, body)| {
            let text = format!(
                "{} {}",
                markdown_to_text(&body),
                discussion.remove(&id).unwrap_or_default()
            );
            (
                slug,
                title,
                summary,
                published_at.get(..10).unwrap_or_default().to_owned(),
                text,
            )
        })
        .collect())
}

/// A publication of a policy version, for the feed.
pub struct Publication {
    pub slug: String,
    pub title: String,
    pub version: i64,
    pub published_at: String,
    pub change_note: String,
}

/// Every version ever published (current or since replaced), newest first.
pub async fn publications(
    pool: &sqlx::AnyPool,
    limit: i64,
) -> Result<Vec<Publication>, sqlx::Error> {
    let rows: Vec<(String, String, i64, String, String)> = sqlx::query_as(
        "SELECT p.slug, v.title, v.number, v.published_at, v.change_note
         FROM policy_versions v JOIN policies p ON p.id = v.policy_id
         WHERE v.published_at IS NOT NULL
         ORDER BY v.published_at DESC, v.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(slug, title, version, published_at, change_note)| Publication {
                slug,
                title,
                version,
                published_at,
                change_note,
            },
        )
        .collect())
}

/// A published policy as the content folder holds it (`content/policies/{slug}.md`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PolicyContent {
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// The day it was published (year-month-day).
    pub published: String,
    pub change_note: String,
    pub body_md: String,
}

/// A policy as an import sees it: its published content (if any), the fingerprint last
/// synced with its file, and whether a newer draft or review is under way in the web app.
pub struct StoredPolicy {
    pub published: Option<PolicyContent>,
    pub synced_hash: Option<String>,
    pub work_in_progress: bool,
}

pub async fn stored_policies(
    conn: &mut AnyConnection,
) -> Result<HashMap<String, StoredPolicy>, sqlx::Error> {
    type Row = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT p.slug, p.title, p.summary, p.synced_hash, v.published_at, v.change_note, v.body_md,
                (SELECT COUNT(*) FROM policy_versions n WHERE n.policy_id = p.id
                   AND n.state IN ('draft', 'in_review', 'reviewed')
                   AND n.number > COALESCE(v.number, 0))
         FROM policies p LEFT JOIN policy_versions v ON v.policy_id = p.id AND v.state = 'published'",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(slug, title, summary, synced_hash, published_at, change_note, body, newer)| {
                let published = match (published_at, change_note, body) {
                    (Some(at), Some(change_note), Some(body_md)) => Some(PolicyContent {
                        slug: slug.clone(),
                        title,
                        summary,
                        published: at.get(..10).unwrap_or_default().to_owned(),
                        change_note,
                        body_md,
                    }),
                    _ => None,
                };
                (
                    slug,
                    StoredPolicy {
                        published,
                        synced_hash,
                        work_in_progress: newer > 0,
                    },
                )
            },
        )
        .collect())
}

/// Publishes a policy from the content folder: a new policy, or a new version of one that
/// replaces its published text (the old version stays, superseded). No review.
pub async fn publish_content(
    conn: &mut AnyConnection,
    content: &PolicyContent,
    now: &str,
) -> Result<(), sqlx::Error> {
    let existing: Option<(i64,)> = sqlx::query_as("SELECT id FROM policies WHERE slug = $1")
        .bind(&content.slug)
        .fetch_optional(&mut *conn)
        .await?;
    let id = match existing {
        Some((id,)) => {
            sqlx::query(
                "UPDATE policies SET title = $1, summary = $2, updated_at = $3 WHERE id = $4",
            )
            .bind(&content.title)
            .bind(&content.summary)
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "UPDATE policy_versions SET state = 'superseded' WHERE policy_id = $1 AND state = 'published'",
            )
            .bind(id)
            .execute(&mut *conn)
            .await?;
            id
        }
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO policies (slug, title, summary, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $4) RETURNING id",
            )
            .bind(&content.slug)
            .bind(&content.title)
            .bind(&content.summary)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?;
            id
        }
    };
    sqlx::query(
        "INSERT INTO policy_versions (policy_id, number, title, summary, body_md, blocks_json, state, published_at, change_note, updated_at)
         VALUES ($1, (SELECT COALESCE(MAX(number), 0) + 1 FROM policy_versions WHERE policy_id = $1),
                 $2, $3, $4, $5, 'published', $6, $7, $8)",
    )
    .bind(id)
    .bind(&content.title)
    .bind(&content.summary)
    .bind(&content.body_md)
    .bind(blocks_json(&content.body_md))
    .bind(format!("{}T00:00:00Z", content.published))
    .bind(&content.change_note)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_synced_hash(
    conn: &mut AnyConnection,
    slug: &str,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE policies SET synced_hash = $1 WHERE slug = $2")
        .bind(hash)
        .bind(slug)
        .execute(conn)
        .await?;
    Ok(())
}
