//! Policy review data access: lists, the public policy, the review in progress, the editor.

use std::collections::HashMap;

use sqlx::AnyConnection;

use super::{
    CommentThread, KeptComment, PolicyBlock, PolicyEditor, PolicySummary, PublicPolicy,
    PublicReview, Reply, ResponseView, ReviewView, VersionLine,
};
mod blocks;
mod content;
mod queue;
mod review_csv;
mod threads;
mod versions;

pub use blocks::*;
pub use content::*;
pub use queue::*;
pub use review_csv::*;
pub use threads::*;
pub use versions::*;

use crate::{
    accounts::ssr::today,
    db::Database,
    html::{markdown_to_text, render_markdown},
};

/// The review page of a policy; also the key of text kept from an ended session.
pub fn review_page(slug: &str) -> String {
    format!("/review/{slug}")
}

fn in_two_weeks() -> String {
    (crate::dates::uk_now().date_naive() + chrono::Duration::days(14)).to_string()
}

/// Policies with one version each: `version` is the join condition choosing which.
async fn summaries(
    db: &Database,
    version: &str,
    filter: &str,
) -> Result<Vec<PolicySummary>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT p.id, p.slug, v.title, v.summary, v.number AS version, v.state,
                (SELECT MAX(pv.published_at) FROM policy_versions pv
                  WHERE pv.policy_id = p.id AND pv.state = 'published') AS published_at,
                v.review_closes,
                (SELECT COUNT(*) FROM policy_comments c
                  WHERE c.version_id = v.id AND c.parent_id IS NULL) AS comments,
                (SELECT COUNT(*) FROM policy_comments c LEFT JOIN policy_responses r ON r.comment_id = c.id
                  WHERE c.version_id = v.id AND c.parent_id IS NULL AND r.comment_id IS NULL
                    AND c.hidden_reason IS NULL) AS unanswered
         FROM policies p JOIN policy_versions v ON v.policy_id = p.id AND {version}
         {filter}
         ORDER BY v.title"
    ))
    .fetch_all(db.pool())
    .await
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
    Ok(public_policy_and_versions(db, slug)
        .await?
        .map(|(policy, _)| policy))
}

/// The public policy page: the policy, and where each change its review led to can be read.
pub async fn public_policy_page(
    db: &Database,
    slug: &str,
) -> Result<Option<super::PolicyPageData>, sqlx::Error> {
    Ok(public_policy_and_versions(db, slug)
        .await?
        .map(|(policy, versions)| super::PolicyPageData {
            answer_links: answer_links(&policy.slug, &versions, &policy.reviews),
            policy,
        }))
}

async fn public_policy_and_versions(
    db: &Database,
    slug: &str,
) -> Result<Option<(PublicPolicy, Vec<Version>)>, sqlx::Error> {
    let Some(policy) = policy_by(db, "slug", slug.to_owned().into()).await? else {
        return Ok(None);
    };
    let versions = versions(db, policy.id).await?;
    let Some(current) = versions.iter().find(|v| v.state == "published") else {
        return Ok(None);
    };
    let blocks: HashMap<i64, Vec<PolicyBlock>> =
        versions.iter().map(|v| (v.id, v.blocks.clone())).collect();
    let mut threads = load_threads(db, policy.id, &blocks).await?;
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
    let public = PublicPolicy {
        slug: policy.slug,
        title: current.title.clone(),
        summary: current.summary.clone(),
        version: current.number,
        published_at: current.published_at.clone().unwrap_or_default(),
        change_note: current.change_note.clone(),
        blocks: current.blocks.clone(),
        reviews,
    };
    Ok(Some((public, versions)))
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
    let mut threads = load_threads(db, policy.id, &blocks).await?;
    // The viewer's own comments, which they may edit or withdraw until answered.
    let mine: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM policy_comments WHERE version_id = $1 AND author_id = $2 AND parent_id IS NULL",
    )
    .bind(version.id)
    .bind(viewer.id)
    .fetch_all(db.pool())
    .await?;
    for thread in threads.values_mut().flatten() {
        thread.mine = mine.contains(&thread.id);
    }
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
        changed: versions
            .iter()
            .find(|v| v.state == "published" && v.id != version.id)
            .map(|published| changed_blocks(&published.blocks, &version.blocks))
            .unwrap_or_default(),
        threads: in_reading_order(threads.remove(&version.id).unwrap_or_default()),
        may_answer: viewer.may(crate::accounts::Permission::ManagePolicies),
        kept,
    }))
}

/// The numbers of the blocks of `draft` whose text is not in `published`: new, or changed
/// (a block moved unchanged is neither).
pub fn changed_blocks(published: &[PolicyBlock], draft: &[PolicyBlock]) -> Vec<i64> {
    let before: std::collections::HashSet<&str> =
        published.iter().map(|b| b.html.as_str()).collect();
    draft
        .iter()
        .filter(|b| !before.contains(b.html.as_str()))
        .map(|b| b.number)
        .collect()
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
    fn only_new_and_changed_blocks_are_marked() {
        let published = split_blocks("# Title\n\nFirst words.\n\nSecond words.\n");
        let draft =
            split_blocks("# Title\n\nFirst words.\n\nSecond words, changed.\n\nA new one.\n");
        assert_eq!(changed_blocks(&published, &draft), vec![3, 4]);
        assert!(changed_blocks(&published, &published).is_empty());
    }

    #[test]
    fn excerpts_end_with_an_ellipsis_only_when_cut() {
        assert_eq!(excerpt("a b c", 3), "a b c");
        assert_eq!(excerpt("a b c d", 3), "a b c…");
    }
}
