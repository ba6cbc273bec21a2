//! The discussion of a review: comments, replies and answers, in reading order.

use std::collections::HashMap;

use super::*;

/// A comment or reply with its author and answer, as read.
#[derive(sqlx::FromRow)]
struct CommentRow {
    id: i64,
    version_id: i64,
    paragraph: Option<i64>,
    parent_id: Option<i64>,
    author: String,
    role: String,
    body: String,
    created_at: String,
    outcome: Option<String>,
    answer: Option<String>,
    responder: Option<String>,
    responded_at: Option<String>,
    removed: Option<String>,
    recommendation: Option<String>,
    withdrawn_at: Option<String>,
}

/// Every thread on the given policy's versions, by version id. The text of a removed
/// comment never leaves the database.
pub(super) async fn load_threads(
    db: &Database,
    policy_id: i64,
    blocks: &HashMap<i64, Vec<PolicyBlock>>,
) -> Result<HashMap<i64, Vec<CommentThread>>, sqlx::Error> {
    let rows: Vec<CommentRow> = sqlx::query_as(
        "SELECT c.id, c.version_id, c.paragraph, c.parent_id, u.display_name AS author, u.role,
                c.body, c.created_at, r.outcome, r.body AS answer, ru.display_name AS responder,
                r.responded_at, c.hidden_reason AS removed,
                (SELECT MIN(rec.reference) FROM recommendations rec WHERE rec.source_comment_id = c.id)
                    AS recommendation, c.withdrawn_at
         FROM policy_comments c
         JOIN policy_versions v ON v.id = c.version_id
         JOIN users u ON u.id = c.author_id
         LEFT JOIN policy_responses r ON r.comment_id = c.id
         LEFT JOIN users ru ON ru.id = r.responder_id
         WHERE v.policy_id = $1
         ORDER BY c.id",
    )
    .bind(policy_id)
    .fetch_all(db.pool())
    .await?;
    let mut by_version: HashMap<i64, Vec<CommentThread>> = HashMap::new();
    for CommentRow {
        id,
        version_id,
        paragraph,
        parent_id,
        author,
        role,
        body,
        created_at,
        outcome,
        answer,
        responder,
        responded_at,
        removed,
        recommendation,
        withdrawn_at,
    } in rows
    {
        let body = if removed.is_some() {
            String::new()
        } else {
            body
        };
        let threads = by_version.entry(version_id).or_default();
        let author_is_staff = role != "critical_friend";
        match parent_id {
            Some(parent) => {
                if let Some(thread) = threads.iter_mut().find(|t| t.id == parent) {
                    thread.replies.push(Reply {
                        id,
                        author,
                        author_is_staff,
                        body,
                        removed,
                        withdrawn: withdrawn_at.is_some(),
                        created_at: created_at.clone(),
                    });
                }
            }
            None => {
                let quote = paragraph.and_then(|n| {
                    blocks
                        .get(&version_id)
                        .and_then(|b| b.iter().find(|b| b.number == n))
                        .map(|b| b.excerpt.clone())
                });
                let response = match (outcome, answer, responder, responded_at) {
                    (Some(outcome), Some(body), Some(responder), Some(at)) => Some(ResponseView {
                        outcome,
                        body,
                        responder,
                        responded_at: at,
                    }),
                    _ => None,
                };
                threads.push(CommentThread {
                    id,
                    paragraph,
                    quote,
                    author,
                    author_is_staff,
                    body,
                    removed,
                    created_at: created_at.clone(),
                    replies: Vec::new(),
                    response,
                    recommendation,
                    withdrawn: withdrawn_at.is_some(),
                    edits: Vec::new(),
                    mine: false,
                });
            }
        }
    }
    attach_earlier_texts(db, policy_id, &mut by_version).await?;
    Ok(by_version)
}

/// Puts each edited comment's earlier texts with it (not for a removed or withdrawn one,
/// whose text is never shown).
async fn attach_earlier_texts(
    db: &Database,
    policy_id: i64,
    by_version: &mut HashMap<i64, Vec<CommentThread>>,
) -> Result<(), sqlx::Error> {
    let edits: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT e.comment_id, e.body, e.replaced_at FROM policy_comment_edits e
         JOIN policy_comments c ON c.id = e.comment_id
         JOIN policy_versions v ON v.id = c.version_id
         WHERE v.policy_id = $1 AND c.hidden_reason IS NULL
         ORDER BY e.id",
    )
    .bind(policy_id)
    .fetch_all(db.pool())
    .await?;
    for (comment, body, replaced_at) in edits {
        if let Some(thread) = by_version.values_mut().flatten().find(|t| t.id == comment) {
            thread
                .edits
                .push(crate::policies::EarlierText { body, replaced_at });
        }
    }
    Ok(())
}

/// Comments on the whole document first, then in paragraph order, oldest first.
pub(super) fn in_reading_order(mut threads: Vec<CommentThread>) -> Vec<CommentThread> {
    threads.sort_by_key(|t| (t.paragraph.unwrap_or(0), t.id));
    threads
}

/// The comments someone started (not replies), newest first, for their account page.
pub async fn comments_by(
    db: &Database,
    user_id: i64,
) -> Result<Vec<crate::policies::MyComment>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        slug: String,
        title: String,
        body: String,
        created_at: String,
        outcome: Option<String>,
        review_public: i64,
        hidden_reason: Option<String>,
        withdrawn_at: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.id, p.slug, v.title, c.body, c.created_at, r.outcome, v.review_public, c.hidden_reason,
                c.withdrawn_at
         FROM policy_comments c
         JOIN policy_versions v ON v.id = c.version_id
         JOIN policies p ON p.id = v.policy_id
         LEFT JOIN policy_responses r ON r.comment_id = c.id
         WHERE c.author_id = $1 AND c.parent_id IS NULL
         ORDER BY c.id DESC",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| crate::policies::MyComment {
            excerpt: excerpt(&row.body, 14),
            id: row.id,
            slug: row.slug,
            title: row.title,
            created_at: row.created_at,
            outcome: row.outcome,
            public: row.review_public != 0,
            removed: row.hidden_reason.is_some(),
            withdrawn: row.withdrawn_at.is_some(),
        })
        .collect())
}
