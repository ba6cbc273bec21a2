//! Status changes: the latest across the register, one recommendation's history, and a
//! recommendation's whole public page.

use sqlx::{AnyPool, FromRow, Row};

use super::*;

#[derive(FromRow)]
pub(super) struct ChangeRecord {
    pub(super) reference: String,
    pub(super) title: String,
    pub(super) seq: i64,
    pub(super) changed_on: String,
    pub(super) from_key: Option<String>,
    pub(super) from_name: Option<String>,
    pub(super) to_key: String,
    pub(super) to_name: String,
    pub(super) note: String,
    pub(super) team: String,
}

impl From<ChangeRecord> for StatusChangeItem {
    fn from(c: ChangeRecord) -> Self {
        StatusChangeItem {
            reference: c.reference,
            title: c.title,
            seq: c.seq,
            changed_on: c.changed_on,
            from_key: c.from_key,
            from_name: c.from_name,
            to_key: c.to_key,
            to_name: c.to_name,
            note: c.note,
            team: c.team,
        }
    }
}

pub(super) const CHANGE_SELECT: &str = "SELECT r.reference, r.title, sc.seq, sc.changed_on,
        sc.from_status AS from_key, fs.name AS from_name, sc.to_status AS to_key,
        ts.name AS to_name, sc.note, sc.team
    FROM status_changes sc
    JOIN recommendations r ON r.id = sc.recommendation_id
    JOIN engagements e ON e.id = r.engagement_id
    LEFT JOIN statuses fs ON fs.key = sc.from_status
    JOIN statuses ts ON ts.key = sc.to_status";

/// Which status changes to list.
#[derive(Debug, Clone, Copy)]
pub enum ChangeScope<'a> {
    All,
    Engagement(&'a str),
    Recommendation(&'a str),
}

/// The newest status changes, newest first.
pub async fn latest_changes(
    pool: &AnyPool,
    scope: ChangeScope<'_>,
    limit: i64,
) -> Result<Vec<StatusChangeItem>, sqlx::Error> {
    let mut sql = Sql::default();
    sql.push(CHANGE_SELECT).push(" WHERE 1 = 1");
    match scope {
        ChangeScope::All => {}
        ChangeScope::Engagement(key) => {
            sql.push(" AND e.key = ").bind(Bind::Text(key.to_owned()));
        }
        ChangeScope::Recommendation(reference) => {
            sql.push(" AND r.reference = ")
                .bind(Bind::Text(reference.to_owned()));
        }
    }
    sql.push(" ORDER BY sc.changed_on DESC, sc.id DESC LIMIT ")
        .bind(Bind::Int(limit));
    fetch_changes(&sql, pool).await
}

async fn fetch_changes(sql: &Sql, pool: &AnyPool) -> Result<Vec<StatusChangeItem>, sqlx::Error> {
    let records = sql.fetch_all::<ChangeRecord>(pool).await?;
    Ok(records.into_iter().map(Into::into).collect())
}

pub async fn history(
    pool: &AnyPool,
    reference: &str,
) -> Result<Vec<StatusChangeItem>, sqlx::Error> {
    let mut sql = Sql::default();
    sql.push(CHANGE_SELECT)
        .push(" WHERE r.reference = ")
        .bind(Bind::Text(reference.to_owned()))
        .push(" ORDER BY sc.seq");
    fetch_changes(&sql, pool).await
}

pub async fn recommendation_detail(
    pool: &AnyPool,
    reference: &str,
) -> Result<Option<RecommendationDetail>, sqlx::Error> {
    let mut sql = Sql::default();
    sql.push("SELECT ").push(&row_columns(status_columns(None))).push(
        ", s.description AS status_description, r.what_you_said_html, r.what_we_did_html, r.team, r.id",
    );
    push_filtered_from(&mut sql, &RegisterQuery::default(), false);
    sql.push(" AND r.reference = ")
        .bind(Bind::Text(reference.to_owned()));
    let Some(record) = sql.fetch_optional_row(pool).await? else {
        return Ok(None);
    };
    let id: i64 = record.try_get("id")?;
    let row = RowRecord::from_row(&record)?.into_row(&today());
    let terms = |table: &str, link: &str, column: &str| {
        format!(
            "SELECT t.slug, t.name, t.statement FROM {table} t JOIN {link} l ON l.{column} = t.id
             WHERE l.recommendation_id = $1 ORDER BY t.position"
        )
    };
    let values: Vec<(String, String, String)> =
        sqlx::query_as(&terms("core_values", "recommendation_values", "value_id"))
            .bind(id)
            .fetch_all(pool)
            .await?;
    let priorities: Vec<(String, String, String)> = sqlx::query_as(&terms(
        "research_priorities",
        "recommendation_priorities",
        "priority_id",
    ))
    .bind(id)
    .fetch_all(pool)
    .await?;
    let evidence: Vec<(String, String)> = sqlx::query_as(
        "SELECT title, url FROM evidence_links WHERE recommendation_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let reports: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.slug, p.title FROM recommendation_reports l JOIN reports p ON p.slug = l.report_slug
         WHERE l.recommendation_id = $1 AND p.state = 'published' ORDER BY p.report_date DESC",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    // The policy comment it was made from, once that review is public: (policy slug,
    // policy title, comment id).
    let source: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT p.slug, v.title, c.id FROM recommendations r
         JOIN policy_comments c ON c.id = r.source_comment_id
         JOIN policy_versions v ON v.id = c.version_id
         JOIN policies p ON p.id = v.policy_id
         WHERE r.id = $1 AND v.review_public = 1 AND c.hidden_reason IS NULL",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    let to_term = |(slug, name, statement): (String, String, String)| LicenceTerm {
        slug,
        name,
        statement,
    };
    Ok(Some(RecommendationDetail {
        row,
        status_description: record.try_get("status_description")?,
        what_you_said: SanitizedHtml::from_trusted_store(record.try_get("what_you_said_html")?),
        what_we_did: SanitizedHtml::from_trusted_store(record.try_get("what_we_did_html")?),
        team: record.try_get("team")?,
        values: values.into_iter().map(to_term).collect(),
        priorities: priorities.into_iter().map(to_term).collect(),
        evidence: evidence
            .into_iter()
            .map(|(title, url)| EvidenceLink { title, url })
            .collect(),
        reports,
        source,
        history: history(pool, reference).await?,
        friends: super::super::friends::ssr::views_of(pool, reference)
            .await?
            .unwrap_or_default(),
    }))
}
