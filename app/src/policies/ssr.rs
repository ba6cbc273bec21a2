//! Policy review data access: lists, the public policy, the review in progress, the editor.

use std::collections::HashMap;

use sqlx::AnyConnection;

use super::{
    CommentThread, KeptComment, PolicyBlock, PolicyEditor, PolicySummary, PublicPolicy,
    PublicReview, Reply, ResponseView, ReviewView, VersionLine,
};
use crate::{
    accounts::ssr::today,
    db::Database,
    html::{markdown_to_text, render_markdown},
};

/// Splits a policy into its top-level blocks, each rendered and sanitised on its own, so
/// each can carry its number and be commented on.
pub fn split_blocks(markdown: &str) -> Vec<PolicyBlock> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut start = 0usize;
    let mut heading = false;
    for (event, range) in Parser::new_ext(markdown, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    start = range.start;
                    heading = matches!(tag, Tag::Heading { .. });
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    blocks.push(block(&markdown[start..range.end], heading, blocks.len()));
                }
            }
            // A thematic break or other lone block.
            _ if depth == 0 => blocks.push(block(&markdown[range], false, blocks.len())),
            _ => {}
        }
    }
    blocks
}

fn block(markdown: &str, heading: bool, index: usize) -> PolicyBlock {
    PolicyBlock {
        number: index as i64 + 1,
        heading,
        html: render_markdown(markdown),
        excerpt: excerpt(&markdown_to_text(markdown), 12),
    }
}

/// The first `words` words of a text, with an ellipsis when there are more.
pub fn excerpt(text: &str, words: usize) -> String {
    let all: Vec<&str> = text.split_whitespace().collect();
    if all.len() <= words {
        all.join(" ")
    } else {
        format!("{}…", all[..words].join(" "))
    }
}

pub fn blocks_json(markdown: &str) -> String {
    serde_json::to_string(&split_blocks(markdown)).unwrap_or_else(|_| "[]".to_owned())
}

fn parse_blocks(json: &str) -> Vec<PolicyBlock> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The review page of a policy; also the key of text kept from an ended session.
pub fn review_page(slug: &str) -> String {
    format!("/review/{slug}")
}

fn in_two_weeks() -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(14)).to_string()
}

type SummaryRow = (
    i64,
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
    i64,
    i64,
);

/// Policies with one version each: `version` is the join condition choosing which.
async fn summaries(
    db: &Database,
    version: &str,
    filter: &str,
) -> Result<Vec<PolicySummary>, sqlx::Error> {
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "SELECT p.id, p.slug, v.title, v.summary, v.number, v.state,
                (SELECT MAX(pv.published_at) FROM policy_versions pv
                  WHERE pv.policy_id = p.id AND pv.state = 'published'),
                v.review_closes,
                (SELECT COUNT(*) FROM policy_comments c WHERE c.version_id = v.id AND c.parent_id IS NULL),
                (SELECT COUNT(*) FROM policy_comments c LEFT JOIN policy_responses r ON r.comment_id = c.id
                  WHERE c.version_id = v.id AND c.parent_id IS NULL AND r.comment_id IS NULL
                    AND c.hidden_reason IS NULL)
         FROM policies p JOIN policy_versions v ON v.policy_id = p.id AND {version}
         {filter}
         ORDER BY v.title"
    ))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                slug,
                title,
                summary,
                version,
                state,
                published_at,
                review_closes,
                comments,
                unanswered,
            )| PolicySummary {
                id,
                slug,
                title,
                summary,
                version,
                state,
                published_at,
                review_closes,
                comments,
                unanswered,
            },
        )
        .collect())
}

const NEWEST: &str =
    "v.number = (SELECT MAX(n.number) FROM policy_versions n WHERE n.policy_id = p.id)";

pub async fn published_policies(db: &Database) -> Result<Vec<PolicySummary>, sqlx::Error> {
    summaries(db, "v.state = 'published'", "").await
}

pub async fn all_policies(db: &Database) -> Result<Vec<PolicySummary>, sqlx::Error> {
    summaries(db, NEWEST, "").await
}

pub async fn reviews(db: &Database) -> Result<Vec<PolicySummary>, sqlx::Error> {
    summaries(db, NEWEST, "WHERE v.state = 'in_review'").await
}

type CommentRow = (
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Every thread on the given policy's versions, by version id. The text of a removed
/// comment never leaves the database.
async fn threads(
    db: &Database,
    policy_id: i64,
    blocks: &HashMap<i64, Vec<PolicyBlock>>,
) -> Result<HashMap<i64, Vec<CommentThread>>, sqlx::Error> {
    let rows: Vec<CommentRow> = sqlx::query_as(
        "SELECT c.id, c.version_id, c.paragraph, c.parent_id, u.display_name, u.role, c.body, c.created_at,
                r.outcome, r.body, ru.display_name, r.responded_at, c.hidden_reason
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
    for (
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
    ) in rows
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
                });
            }
        }
    }
    Ok(by_version)
}

/// Comments on the whole document first, then in paragraph order, oldest first.
fn in_reading_order(mut threads: Vec<CommentThread>) -> Vec<CommentThread> {
    threads.sort_by_key(|t| (t.paragraph.unwrap_or(0), t.id));
    threads
}

type VersionRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
    String,
    String,
    String,
);

struct Version {
    id: i64,
    number: i64,
    title: String,
    summary: String,
    body_md: String,
    blocks: Vec<PolicyBlock>,
    state: String,
    review_opened: Option<String>,
    review_closes: Option<String>,
    review_public: bool,
    published_at: Option<String>,
    change_note: String,
    updated_at: String,
}

/// All versions of a policy, newest first.
async fn versions(db: &Database, policy_id: i64) -> Result<Vec<Version>, sqlx::Error> {
    let rows: Vec<VersionRow> = sqlx::query_as(
        "SELECT id, number, title, summary, body_md, blocks_json, review_opened, review_closes, review_public,
                published_at, change_note, state, updated_at
         FROM policy_versions WHERE policy_id = $1 ORDER BY number DESC",
    )
    .bind(policy_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                number,
                title,
                summary,
                body_md,
                blocks,
                review_opened,
                review_closes,
                review_public,
                published_at,
                change_note,
                state,
                updated_at,
            )| {
                Version {
                    id,
                    number,
                    title,
                    summary,
                    body_md,
                    blocks: parse_blocks(&blocks),
                    state,
                    review_opened,
                    review_closes,
                    review_public: review_public != 0,
                    published_at,
                    change_note,
                    updated_at,
                }
            },
        )
        .collect())
}

struct PolicyRow {
    id: i64,
    slug: String,
}

async fn policy_by(
    db: &Database,
    column: &str,
    value: crate::db::Bind,
) -> Result<Option<PolicyRow>, sqlx::Error> {
    let mut sql = crate::db::Sql::new(&format!("SELECT id, slug FROM policies WHERE {column} = "));
    sql.bind(value);
    let rows: Vec<(i64, String)> = sql.fetch_all(db.pool()).await?;
    Ok(rows
        .into_iter()
        .next()
        .map(|(id, slug)| PolicyRow { id, slug }))
}

pub async fn public_policy(db: &Database, slug: &str) -> Result<Option<PublicPolicy>, sqlx::Error> {
    let Some(policy) = policy_by(db, "slug", slug.to_owned().into()).await? else {
        return Ok(None);
    };
    let versions = versions(db, policy.id).await?;
    let Some(current) = versions.iter().find(|v| v.state == "published") else {
        return Ok(None);
    };
    let blocks: HashMap<i64, Vec<PolicyBlock>> =
        versions.iter().map(|v| (v.id, v.blocks.clone())).collect();
    let mut threads = threads(db, policy.id, &blocks).await?;
    let reviews = versions
        .iter()
        .filter(|v| v.review_public)
        .map(|v| PublicReview {
            version: v.number,
            opened: v.review_opened.clone().unwrap_or_default(),
            closed: v.review_closes.clone().unwrap_or_default(),
            threads: in_reading_order(threads.remove(&v.id).unwrap_or_default()),
        })
        .collect();
    Ok(Some(PublicPolicy {
        slug: policy.slug,
        title: current.title.clone(),
        summary: current.summary.clone(),
        version: current.number,
        published_at: current.published_at.clone().unwrap_or_default(),
        change_note: current.change_note.clone(),
        blocks: current.blocks.clone(),
        reviews,
    }))
}

/// The newest version that has been under review, with its discussion.
pub async fn review(
    db: &Database,
    slug: &str,
    viewer: &crate::accounts::Viewer,
) -> Result<Option<ReviewView>, sqlx::Error> {
    let Some(policy) = policy_by(db, "slug", slug.to_owned().into()).await? else {
        return Ok(None);
    };
    let versions = versions(db, policy.id).await?;
    let Some(version) = versions.iter().find(|v| v.review_opened.is_some()) else {
        return Ok(None);
    };
    let blocks = HashMap::from([(version.id, version.blocks.clone())]);
    let mut threads = threads(db, policy.id, &blocks).await?;
    let closes = version.review_closes.clone().unwrap_or_default();
    let kept = crate::accounts::ssr::drafts::find(db, viewer.id, &review_page(&policy.slug))
        .await?
        .map(|(fields, kept_at)| {
            let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
            KeptComment {
                parent: field("parent").parse().ok(),
                paragraph: field("paragraph"),
                body: field("body"),
                kept_at,
            }
        })
        .filter(|kept| !kept.body.trim().is_empty());
    Ok(Some(ReviewView {
        policy_id: policy.id,
        slug: policy.slug,
        title: version.title.clone(),
        summary: version.summary.clone(),
        version: version.number,
        state: version.state.clone(),
        open: version.state == "in_review" && today() <= closes,
        review_closes: closes,
        review_public: version.review_public,
        blocks: version.blocks.clone(),
        threads: in_reading_order(threads.remove(&version.id).unwrap_or_default()),
        may_answer: viewer.may(crate::accounts::Permission::ManagePolicies),
        kept,
    }))
}

pub fn new_policy_editor() -> PolicyEditor {
    PolicyEditor {
        id: None,
        slug: String::new(),
        title: String::new(),
        summary: String::new(),
        body: String::new(),
        version: 1,
        state: "draft".to_owned(),
        review_closes: None,
        updated_at: String::new(),
        comments: 0,
        unanswered: 0,
        has_published: false,
        versions: Vec::new(),
        suggested_closes: in_two_weeks(),
    }
}

pub async fn policy_editor(db: &Database, id: i64) -> Result<Option<PolicyEditor>, sqlx::Error> {
    let Some(policy) = policy_by(db, "id", id.into()).await? else {
        return Ok(None);
    };
    let versions = versions(db, policy.id).await?;
    let Some(newest) = versions.first() else {
        return Ok(None);
    };
    let mut conn = db.pool().acquire().await?;
    let (comments, unanswered) = open_comment_counts(&mut conn, policy.id).await?;
    Ok(Some(PolicyEditor {
        id: Some(policy.id),
        slug: policy.slug,
        title: newest.title.clone(),
        summary: newest.summary.clone(),
        body: newest.body_md.clone(),
        version: newest.number,
        state: newest.state.clone(),
        review_closes: newest.review_closes.clone(),
        updated_at: newest.updated_at.clone(),
        comments,
        unanswered,
        has_published: versions.iter().any(|v| v.published_at.is_some()),
        versions: versions
            .iter()
            .map(|v| VersionLine {
                number: v.number,
                state: v.state.clone(),
                review_opened: v.review_opened.clone(),
                review_closes: v.review_closes.clone(),
                published_at: v.published_at.clone(),
                change_note: v.change_note.clone(),
            })
            .collect(),
        suggested_closes: in_two_weeks(),
    }))
}

/// Threads in reviews not yet public, and how many of them have no answer: publishing waits
/// until every one is answered.
pub async fn open_comment_counts(
    conn: &mut AnyConnection,
    policy_id: i64,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(*), COUNT(*) - COUNT(r.comment_id)
         FROM policy_comments c
         JOIN policy_versions v ON v.id = c.version_id
         LEFT JOIN policy_responses r ON r.comment_id = c.id
         WHERE v.policy_id = $1 AND v.review_public = 0 AND c.parent_id IS NULL
           AND c.hidden_reason IS NULL",
    )
    .bind(policy_id)
    .fetch_one(conn)
    .await
}

/// The newest version of a policy, inside a write transaction: (id, number, state,
/// updated_at, body).
pub async fn newest_version(
    conn: &mut AnyConnection,
    policy_id: i64,
) -> Result<Option<(i64, i64, String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, number, state, updated_at, body_md FROM policy_versions
         WHERE policy_id = $1 ORDER BY number DESC LIMIT 1",
    )
    .bind(policy_id)
    .fetch_optional(conn)
    .await
}

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

/// The comments someone started (not replies), newest first, for their account page.
pub async fn comments_by(
    db: &Database,
    user_id: i64,
) -> Result<Vec<super::MyComment>, sqlx::Error> {
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        Option<String>,
        i64,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.id, p.slug, v.title, c.body, c.created_at, r.outcome, v.review_public, c.hidden_reason
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
        .map(
            |(id, slug, title, body, created_at, outcome, public, removed)| super::MyComment {
                id,
                slug,
                title,
                excerpt: excerpt(&body, 14),
                created_at,
                outcome,
                public: public != 0,
                removed: removed.is_some(),
            },
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_splits_into_numbered_top_level_blocks() {
        let blocks = split_blocks(
            "# Data access\n\nWe share data only in the SDE.\n\n- one\n- two\n\n> quoted\n\n---\n\nLast words here.\n",
        );
        let numbers: Vec<i64> = blocks.iter().map(|b| b.number).collect();
        assert_eq!(numbers, vec![1, 2, 3, 4, 5, 6]);
        assert!(blocks[0].heading);
        assert!(!blocks[1].heading);
        assert!(blocks[2].html.as_str().contains("<li>two</li>"));
        assert_eq!(blocks[5].excerpt, "Last words here.");
    }

    #[test]
    fn blocks_are_sanitised_one_by_one() {
        let blocks = split_blocks("Hello <script>alert(1)</script>\n\n[x](javascript:alert(1))\n");
        assert!(blocks
            .iter()
            .all(|b| !b.html.as_str().contains("<script")
                && !b.html.as_str().contains("javascript:")));
    }

    #[test]
    fn excerpts_end_with_an_ellipsis_only_when_cut() {
        assert_eq!(excerpt("a b c", 3), "a b c");
        assert_eq!(excerpt("a b c d", 3), "a b c…");
    }
}
