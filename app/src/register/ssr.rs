//! Data access for the register. Every list is filtered, sorted and paginated in SQL; no
//! query runs once per row.

use std::collections::HashMap;

use sqlx::{AnyPool, FromRow, Row};

use super::*;
use crate::{
    db::{Bind, Sql},
    html::SanitizedHtml,
};

#[derive(FromRow)]
struct RowRecord {
    reference: String,
    title: String,
    summary: String,
    engagement_key: String,
    engagement_name: String,
    status_key: String,
    status_name: String,
    closed: i64,
    raised: String,
    last_changed: String,
    progress: i64,
    target: Option<String>,
}

impl RowRecord {
    fn into_row(self, today: &str) -> RecommendationRow {
        let closed = self.closed == 1;
        let overdue = !closed && self.target.as_deref().is_some_and(|target| target < today);
        RecommendationRow {
            reference: self.reference,
            title: self.title,
            summary: self.summary,
            engagement_key: self.engagement_key,
            engagement_name: self.engagement_name,
            status_key: self.status_key,
            status_name: self.status_name,
            closed,
            raised: self.raised,
            last_changed: self.last_changed,
            progress: self.progress.clamp(0, 100) as i32,
            target: self.target,
            overdue,
        }
    }
}

// An `as_of` view is judged against its own day, any other against today.
use crate::accounts::ssr::today;

/// The status of every recommendation either now, or at the end of the `as_of` day, rebuilt
/// from the append-only history. Joined as `st` with columns recommendation_id, status_key
/// and status_changed.
fn push_status_source(sql: &mut Sql, as_of: Option<&str>) {
    match as_of {
        // The current status lives on the row itself: a join on the primary key.
        None => {
            sql.push("recommendations st ON st.id = r.id");
        }
        // The latest change on or before the day, per recommendation (a window function
        // both SQLite and PostgreSQL run in one pass over the history).
        Some(day) => {
            sql.push(
                "(SELECT recommendation_id, status_key, status_changed FROM
                    (SELECT sc.recommendation_id, sc.to_status AS status_key,
                            sc.changed_on AS status_changed,
                            ROW_NUMBER() OVER (PARTITION BY sc.recommendation_id ORDER BY sc.seq DESC) AS newest
                     FROM status_changes sc WHERE sc.changed_on <= ",
            );
            sql.bind(Bind::Text(day.to_owned()));
            sql.push(") ranked WHERE newest = 1) st ON st.recommendation_id = r.id");
        }
    }
}

/// Progress shown for a row: the recommendation's own figure while its status is the
/// current one, otherwise the status's default.
const ROW_COLUMNS: &str = "r.reference, r.title, r.summary, e.key AS engagement_key,
    e.name AS engagement_name, st.status_key, s.name AS status_name, s.closed, r.raised,
    st.status_changed AS last_changed,
    CASE WHEN st.status_key = r.status_key AND st.status_changed = r.status_changed
         THEN COALESCE(r.progress, s.progress) ELSE s.progress END AS progress,
    r.target";

/// FROM … WHERE … for the register, with every filter but (optionally) the status one.
fn push_filtered_from(sql: &mut Sql, query: &RegisterQuery, with_status: bool) {
    sql.push(" FROM recommendations r JOIN ");
    push_status_source(sql, query.as_of.as_deref());
    sql.push(
        "
          JOIN statuses s ON s.key = st.status_key
          JOIN engagements e ON e.id = r.engagement_id
          WHERE 1 = 1",
    );
    if with_status && !query.status.is_empty() {
        sql.push(" AND st.status_key IN ").bind_list(&query.status);
    }
    if !query.engagement.is_empty() {
        sql.push(" AND e.key IN ").bind_list(&query.engagement);
    }
    if !query.value.is_empty() {
        sql.push(
            " AND EXISTS (SELECT 1 FROM recommendation_values rv
                          JOIN core_values v ON v.id = rv.value_id
                          WHERE rv.recommendation_id = r.id AND v.slug IN ",
        )
        .bind_list(&query.value)
        .push(")");
    }
    if !query.priority.is_empty() {
        sql.push(
            " AND EXISTS (SELECT 1 FROM recommendation_priorities rp
                          JOIN research_priorities p ON p.id = rp.priority_id
                          WHERE rp.recommendation_id = r.id AND p.slug IN ",
        )
        .bind_list(&query.priority)
        .push(")");
    }
    for word in query.q.split_whitespace().take(10) {
        let pattern = format!("%{}%", escape_like(&word.to_lowercase()));
        sql.push(" AND (");
        for (i, column) in [
            "r.reference",
            "r.title",
            "r.summary",
            "r.what_you_said_md",
            "r.what_we_did_md",
        ]
        .iter()
        .enumerate()
        {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push(&format!("LOWER({column}) LIKE "))
                .bind(Bind::Text(pattern.clone()))
                .push(" ESCAPE '\\'");
        }
        sql.push(")");
    }
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn order_by(sort: Sort) -> &'static str {
    match sort {
        Sort::Reference => " ORDER BY e.position, r.number",
        Sort::Raised => " ORDER BY r.raised DESC, e.position, r.number",
        Sort::Updated => " ORDER BY st.status_changed DESC, e.position, r.number",
    }
}

/// Unknown keys in a filter are a mistake in the URL: say which one.
fn check_known(kind: &str, asked: &[String], known: &[(String, String)]) -> Result<(), AppError> {
    for key in asked {
        if !known.iter().any(|(k, _)| k == key) {
            return Err(AppError::BadRequest(format!(
                "There is no {kind} called \"{key}\". Choose one from the list on the register page."
            )));
        }
    }
    Ok(())
}

pub async fn filter_options(pool: &AnyPool) -> Result<FilterOptions, sqlx::Error> {
    let pairs = |table: &str, key: &str| {
        format!("SELECT {key}, name FROM {table} ORDER BY position, {key}")
    };
    Ok(FilterOptions {
        statuses: statuses(pool).await?,
        engagements: sqlx::query_as(&pairs("engagements", "key"))
            .fetch_all(pool)
            .await?,
        values: sqlx::query_as(&pairs("core_values", "slug"))
            .fetch_all(pool)
            .await?,
        priorities: sqlx::query_as(&pairs("research_priorities", "slug"))
            .fetch_all(pool)
            .await?,
    })
}

pub async fn statuses<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
) -> Result<Vec<StatusInfo>, sqlx::Error> {
    let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT key, name, description, closed, progress FROM statuses ORDER BY position",
    )
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key, name, description, closed, progress)| StatusInfo {
            key,
            name,
            description,
            closed: closed == 1,
            progress: progress as i32,
        })
        .collect())
}

/// Checks a query against the keys that exist, so a typo gets a clear message.
pub fn validate_query(query: &RegisterQuery, options: &FilterOptions) -> Result<(), AppError> {
    let statuses: Vec<(String, String)> = options
        .statuses
        .iter()
        .map(|s| (s.key.clone(), s.name.clone()))
        .collect();
    check_known("status", &query.status, &statuses)?;
    check_known("engagement", &query.engagement, &options.engagements)?;
    check_known("core value", &query.value, &options.values)?;
    check_known("research priority", &query.priority, &options.priorities)?;
    Ok(())
}

/// Every recommendation matching the query, in order, without pagination (for CSV/JSON).
pub async fn all_rows(
    pool: &AnyPool,
    query: &RegisterQuery,
) -> Result<Vec<RecommendationRow>, sqlx::Error> {
    let mut sql = Sql::default();
    sql.push("SELECT ").push(ROW_COLUMNS);
    push_filtered_from(&mut sql, query, true);
    sql.push(order_by(query.sort));
    let today = query.as_of.clone().unwrap_or_else(today);
    Ok(sql
        .fetch_all::<RowRecord>(pool)
        .await?
        .into_iter()
        .map(|row| row.into_row(&today))
        .collect())
}

pub async fn register_page(
    pool: &AnyPool,
    query: RegisterQuery,
) -> Result<RegisterPageData, AppError> {
    let options = filter_options(pool).await?;
    validate_query(&query, &options)?;

    let mut sql = Sql::default();
    sql.push("SELECT ").push(ROW_COLUMNS);
    push_filtered_from(&mut sql, &query, true);
    sql.push(order_by(query.sort)).push(" LIMIT ");
    sql.bind(Bind::Int(PAGE_SIZE)).push(" OFFSET ");
    sql.bind(Bind::Int((query.page - 1) * PAGE_SIZE));
    let today = query.as_of.clone().unwrap_or_else(today);
    let rows = sql
        .fetch_all::<RowRecord>(pool)
        .await?
        .into_iter()
        .map(|row| row.into_row(&today))
        .collect();

    // The per-status counts cover every filter but the status one, so the total is their
    // sum over the chosen statuses (all of them when none is chosen): no separate count.
    let status_counts = filtered_status_counts(pool, &query, &options.statuses).await?;
    let total = status_counts
        .iter()
        .filter(|c| query.status.is_empty() || query.status.contains(&c.key))
        .map(|c| c.count)
        .sum();
    let last_updated = last_change_date(pool, query.as_of.as_deref()).await?;
    Ok(RegisterPageData {
        query,
        rows,
        total,
        status_counts,
        last_updated,
        options,
    })
}

/// Counts per status over every filter except the status one, so the counts show what
/// each status choice would give.
async fn filtered_status_counts(
    pool: &AnyPool,
    query: &RegisterQuery,
    statuses: &[StatusInfo],
) -> Result<Vec<StatusCount>, sqlx::Error> {
    let mut sql = Sql::default();
    sql.push("SELECT st.status_key, COUNT(*)");
    push_filtered_from(&mut sql, query, false);
    sql.push(" GROUP BY st.status_key");
    let counts: HashMap<String, i64> = sql
        .fetch_all::<(String, i64)>(pool)
        .await?
        .into_iter()
        .collect();
    Ok(statuses
        .iter()
        .map(|status| StatusCount {
            key: status.key.clone(),
            name: status.name.clone(),
            closed: status.closed,
            count: counts.get(&status.key).copied().unwrap_or(0),
        })
        .collect())
}

/// Counts per status over the whole register (or as it stood on `as_of`).
pub async fn status_counts(
    pool: &AnyPool,
    as_of: Option<&str>,
) -> Result<Vec<StatusCount>, sqlx::Error> {
    let query = RegisterQuery {
        as_of: as_of.map(str::to_owned),
        page: 1,
        ..Default::default()
    };
    filtered_status_counts(pool, &query, &statuses(pool).await?).await
}

async fn last_change_date(
    pool: &AnyPool,
    as_of: Option<&str>,
) -> Result<Option<String>, sqlx::Error> {
    let day = as_of.unwrap_or("9999-12-31");
    let (max,): (Option<String>,) =
        sqlx::query_as("SELECT MAX(changed_on) FROM status_changes WHERE changed_on <= $1")
            .bind(day)
            .fetch_one(pool)
            .await?;
    Ok(max)
}

#[derive(FromRow)]
struct ChangeRecord {
    reference: String,
    title: String,
    seq: i64,
    changed_on: String,
    from_key: Option<String>,
    from_name: Option<String>,
    to_key: String,
    to_name: String,
    note: String,
    team: String,
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

const CHANGE_SELECT: &str = "SELECT r.reference, r.title, sc.seq, sc.changed_on,
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
    Ok(sql
        .fetch_all::<ChangeRecord>(pool)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
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
    Ok(sql
        .fetch_all::<ChangeRecord>(pool)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

pub async fn recommendation_detail(
    pool: &AnyPool,
    reference: &str,
) -> Result<Option<RecommendationDetail>, sqlx::Error> {
    let mut sql = Sql::default();
    sql.push("SELECT ").push(ROW_COLUMNS).push(
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
        history: history(pool, reference).await?,
    }))
}

fn term_table(kind: TermKind) -> &'static str {
    match kind {
        TermKind::Value => "core_values",
        TermKind::Priority => "research_priorities",
    }
}

pub async fn licence_term_list(
    pool: &AnyPool,
    kind: TermKind,
) -> Result<LicenceTermList, sqlx::Error> {
    let terms: Vec<(String, String, String)> = sqlx::query_as(&format!(
        "SELECT slug, name, statement FROM {} ORDER BY position",
        term_table(kind)
    ))
    .fetch_all(pool)
    .await?;
    let statuses = statuses(pool).await?;
    let mut out = Vec::with_capacity(terms.len());
    let mut all_counts = term_status_counts(pool, kind).await?;
    for (slug, name, statement) in terms {
        let counts = all_counts.remove(&slug).unwrap_or_default();
        let counts = statuses
            .iter()
            .map(|status| StatusCount {
                key: status.key.clone(),
                name: status.name.clone(),
                closed: status.closed,
                count: counts.get(&status.key).copied().unwrap_or(0),
            })
            .collect();
        out.push((
            LicenceTerm {
                slug,
                name,
                statement,
            },
            counts,
        ));
    }
    Ok(LicenceTermList { terms: out })
}

/// slug → status → count, in one query.
async fn term_status_counts(
    pool: &AnyPool,
    kind: TermKind,
) -> Result<HashMap<String, HashMap<String, i64>>, sqlx::Error> {
    let (table, link, column) = match kind {
        TermKind::Value => ("core_values", "recommendation_values", "value_id"),
        TermKind::Priority => (
            "research_priorities",
            "recommendation_priorities",
            "priority_id",
        ),
    };
    let rows: Vec<(String, String, i64)> = sqlx::query_as(&format!(
        "SELECT t.slug, r.status_key, COUNT(*) FROM {table} t
         JOIN {link} l ON l.{column} = t.id
         JOIN recommendations r ON r.id = l.recommendation_id
         GROUP BY t.slug, r.status_key"
    ))
    .fetch_all(pool)
    .await?;
    let mut map: HashMap<String, HashMap<String, i64>> = HashMap::new();
    for (slug, status, count) in rows {
        map.entry(slug).or_default().insert(status, count);
    }
    Ok(map)
}

pub async fn licence_term_page(
    pool: &AnyPool,
    kind: TermKind,
    slug: &str,
) -> Result<Option<LicenceTermPage>, AppError> {
    let found: Option<(String, String, String, String)> = sqlx::query_as(&format!(
        "SELECT slug, name, statement, body_html FROM {} WHERE slug = $1",
        term_table(kind)
    ))
    .bind(slug)
    .fetch_optional(pool)
    .await?;
    let Some((slug, name, statement, body_html)) = found else {
        return Ok(None);
    };
    let mut query = RegisterQuery {
        page: 1,
        ..Default::default()
    };
    match kind {
        TermKind::Value => query.value.push(slug.clone()),
        TermKind::Priority => query.priority.push(slug.clone()),
    }
    let statuses = statuses(pool).await?;
    Ok(Some(LicenceTermPage {
        term: LicenceTerm {
            slug,
            name,
            statement,
        },
        body: SanitizedHtml::from_trusted_store(body_html),
        status_counts: filtered_status_counts(pool, &query, &statuses).await?,
        recommendations: all_rows(pool, &query).await?,
    }))
}

#[derive(FromRow)]
struct EngagementRecord {
    id: i64,
    key: String,
    prefix: String,
    name: String,
    kind: String,
    started: String,
    ended: Option<String>,
    summary: String,
    body_html: String,
    recommendation_count: i64,
}

pub async fn engagement_summaries(pool: &AnyPool) -> Result<Vec<EngagementSummary>, sqlx::Error> {
    let records: Vec<EngagementRecord> = sqlx::query_as(
        "SELECT e.id, e.key, e.prefix, e.name, e.kind, e.started, e.ended, e.summary, e.body_html,
                (SELECT COUNT(*) FROM recommendations r WHERE r.engagement_id = e.id) AS recommendation_count
         FROM engagements e ORDER BY e.position",
    )
    .fetch_all(pool)
    .await?;
    let figures: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT engagement_id, value, label FROM engagement_figures ORDER BY engagement_id, position",
    )
    .fetch_all(pool)
    .await?;
    let mut by_engagement: HashMap<i64, Vec<Figure>> = HashMap::new();
    for (id, value, label) in figures {
        by_engagement
            .entry(id)
            .or_default()
            .push(Figure { value, label });
    }
    Ok(records
        .into_iter()
        .map(|e| EngagementSummary {
            figures: by_engagement.remove(&e.id).unwrap_or_default(),
            key: e.key,
            prefix: e.prefix,
            name: e.name,
            kind: e.kind,
            started: e.started,
            ended: e.ended,
            summary: e.summary,
            body: SanitizedHtml::from_trusted_store(e.body_html),
            recommendation_count: e.recommendation_count,
        })
        .collect())
}

pub async fn engagement_progress(pool: &AnyPool) -> Result<Vec<EngagementProgress>, AppError> {
    let statuses = statuses(pool).await?;
    let mut out = Vec::new();
    for engagement in engagement_summaries(pool).await? {
        if engagement.recommendation_count == 0 {
            continue;
        }
        let query = RegisterQuery {
            engagement: vec![engagement.key.clone()],
            page: 1,
            ..Default::default()
        };
        out.push(EngagementProgress {
            status_counts: filtered_status_counts(pool, &query, &statuses).await?,
            recent: latest_changes(pool, ChangeScope::Engagement(&engagement.key), 3).await?,
            engagement,
        });
    }
    Ok(out)
}

/// One recommendation as published in the open data (CSV, JSON, API): stored values, not
/// display values, so the CSV can be imported back unchanged.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OpenRecord {
    pub reference: String,
    pub title: String,
    pub summary: String,
    pub engagement: String,
    pub raised: String,
    pub status: String,
    pub status_name: String,
    pub closed: bool,
    pub status_changed: String,
    pub status_note: String,
    pub team: String,
    pub target: Option<String>,
    pub progress: Option<i64>,
    pub overdue: bool,
    pub values: Vec<String>,
    pub priorities: Vec<String>,
    pub what_you_said: String,
    pub what_we_did: String,
    pub evidence: Vec<EvidenceLink>,
    pub history: Vec<StatusChangeItem>,
}

#[derive(FromRow)]
struct OpenRecordRow {
    id: i64,
    reference: String,
    title: String,
    summary: String,
    engagement: String,
    raised: String,
    status_key: String,
    status_name: String,
    closed: i64,
    status_changed: String,
    team: String,
    target: Option<String>,
    stored_progress: Option<i64>,
    what_you_said_md: String,
    what_we_did_md: String,
}

/// Every recommendation matching the query (as it stood on `as_of`, if given), with its
/// links and history, in a fixed number of queries.
pub async fn open_records(
    pool: &AnyPool,
    query: &RegisterQuery,
) -> Result<Vec<OpenRecord>, sqlx::Error> {
    open_records_matching(pool, query, None).await
}

/// One recommendation in the open data shape, without reading the rest of the register.
pub async fn open_record(
    pool: &AnyPool,
    reference: &str,
) -> Result<Option<OpenRecord>, sqlx::Error> {
    let query = RegisterQuery {
        page: 1,
        ..Default::default()
    };
    Ok(open_records_matching(pool, &query, Some(reference))
        .await?
        .pop())
}

async fn open_records_matching(
    pool: &AnyPool,
    query: &RegisterQuery,
    reference: Option<&str>,
) -> Result<Vec<OpenRecord>, sqlx::Error> {
    let mut sql = Sql::default();
    sql.push(
        "SELECT r.id, r.reference, r.title, r.summary, e.key AS engagement, r.raised,
                st.status_key, s.name AS status_name, s.closed, st.status_changed, r.team, r.target,
                r.progress AS stored_progress, r.what_you_said_md, r.what_we_did_md",
    );
    push_filtered_from(&mut sql, query, true);
    if let Some(reference) = reference {
        sql.push(" AND r.reference = ")
            .bind(Bind::Text(reference.to_owned()));
    }
    sql.push(order_by(query.sort));
    let rows: Vec<OpenRecordRow> = sql.fetch_all(pool).await?;
    let as_of = query
        .as_of
        .clone()
        .unwrap_or_else(|| "9999-12-31".to_owned());
    let today = query.as_of.clone().unwrap_or_else(today);

    let links = |table: &str, link: &str, column: &str| {
        format!(
            "SELECT l.recommendation_id, t.slug FROM {link} l JOIN {table} t ON t.id = l.{column}
             ORDER BY l.recommendation_id, t.position, t.slug"
        )
    };
    let mut values = group_pairs(
        sqlx::query_as(&links("core_values", "recommendation_values", "value_id"))
            .fetch_all(pool)
            .await?,
    );
    let mut priorities = group_pairs(
        sqlx::query_as(&links(
            "research_priorities",
            "recommendation_priorities",
            "priority_id",
        ))
        .fetch_all(pool)
        .await?,
    );
    let mut evidence: HashMap<i64, Vec<EvidenceLink>> = HashMap::new();
    let evidence_rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT recommendation_id, title, url FROM evidence_links ORDER BY recommendation_id, position",
    )
    .fetch_all(pool)
    .await?;
    for (id, title, url) in evidence_rows {
        evidence
            .entry(id)
            .or_default()
            .push(EvidenceLink { title, url });
    }
    let mut history: HashMap<String, Vec<StatusChangeItem>> = HashMap::new();
    let mut changes = Sql::default();
    changes
        .push(CHANGE_SELECT)
        .push(" WHERE sc.changed_on <= ")
        .bind(Bind::Text(as_of));
    if let Some(reference) = reference {
        changes
            .push(" AND r.reference = ")
            .bind(Bind::Text(reference.to_owned()));
    }
    changes.push(" ORDER BY r.id, sc.seq");
    for change in changes.fetch_all::<ChangeRecord>(pool).await? {
        history
            .entry(change.reference.clone())
            .or_default()
            .push(change.into());
    }

    Ok(rows
        .into_iter()
        .map(|row| {
            let history = history.remove(&row.reference).unwrap_or_default();
            let closed = row.closed == 1;
            OpenRecord {
                overdue: !closed && row.target.as_deref().is_some_and(|t| t < today.as_str()),
                status_note: history.last().map(|h| h.note.clone()).unwrap_or_default(),
                values: values.remove(&row.id).unwrap_or_default(),
                priorities: priorities.remove(&row.id).unwrap_or_default(),
                evidence: evidence.remove(&row.id).unwrap_or_default(),
                history,
                reference: row.reference,
                title: row.title,
                summary: row.summary,
                engagement: row.engagement,
                raised: row.raised,
                status: row.status_key,
                status_name: row.status_name,
                closed,
                status_changed: row.status_changed,
                team: row.team,
                target: row.target,
                progress: row.stored_progress,
                what_you_said: row.what_you_said_md,
                what_we_did: row.what_we_did_md,
            }
        })
        .collect())
}

/// Groups `(id, value)` rows by id, keeping their order.
pub fn group_pairs(rows: Vec<(i64, String)>) -> HashMap<i64, Vec<String>> {
    let mut map: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, value) in rows {
        map.entry(id).or_default().push(value);
    }
    map
}

pub async fn reference_exists(pool: &AnyPool, reference: &str) -> Result<bool, sqlx::Error> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM recommendations WHERE reference = $1")
            .bind(reference)
            .fetch_optional(pool)
            .await?;
    Ok(found.is_some())
}

pub async fn reference_exists_on(
    conn: &mut sqlx::AnyConnection,
    reference: &str,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM recommendations WHERE reference = $1")
            .bind(reference)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.is_some())
}

/// The fields of a recommendation that staff (or a CSV import) can change. Its reference,
/// engagement and date raised never change.
#[derive(Debug, Clone)]
pub struct RecommendationUpdate<'a> {
    pub reference: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub team: &'a str,
    pub target: Option<&'a str>,
    pub progress: Option<i64>,
    pub values: Vec<&'a str>,
    pub priorities: Vec<&'a str>,
}

pub async fn update_recommendation(
    conn: &mut sqlx::AnyConnection,
    update: &RecommendationUpdate<'_>,
    now: &str,
) -> Result<(), sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "UPDATE recommendations SET title = $1, summary = $2, team = $3, target = $4,
             progress = $5, updated_at = $6
         WHERE reference = $7 RETURNING id",
    )
    .bind(update.title)
    .bind(update.summary)
    .bind(update.team)
    .bind(update.target.map(str::to_owned))
    .bind(update.progress)
    .bind(now)
    .bind(update.reference)
    .fetch_one(&mut *conn)
    .await?;
    for (link, terms, column, slugs) in [
        (
            "recommendation_values",
            "core_values",
            "value_id",
            &update.values,
        ),
        (
            "recommendation_priorities",
            "research_priorities",
            "priority_id",
            &update.priorities,
        ),
    ] {
        sqlx::query(&format!("DELETE FROM {link} WHERE recommendation_id = $1"))
            .bind(id)
            .execute(&mut *conn)
            .await?;
        for slug in slugs {
            sqlx::query(&format!(
                "INSERT INTO {link} (recommendation_id, {column}) SELECT $1, id FROM {terms} WHERE slug = $2"
            ))
            .bind(id)
            .bind(*slug)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Appends a status change to a recommendation's history and makes it the current status.
pub async fn record_status_change(
    conn: &mut sqlx::AnyConnection,
    reference: &str,
    changed_on: &str,
    to_status: &str,
    note: &str,
    team: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    let (id, from_status, last_seq): (i64, String, i64) = sqlx::query_as(
        "SELECT r.id, r.status_key, (SELECT COALESCE(MAX(seq), 0) FROM status_changes WHERE recommendation_id = r.id)
         FROM recommendations r WHERE r.reference = $1",
    )
    .bind(reference)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO status_changes (recommendation_id, seq, changed_on, from_status, to_status, note, team, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(last_seq + 1)
    .bind(changed_on)
    .bind(from_status)
    .bind(to_status)
    .bind(note)
    .bind(team)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE recommendations SET status_key = $1, status_changed = $2, updated_at = $3 WHERE id = $4")
        .bind(to_status)
        .bind(changed_on)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
