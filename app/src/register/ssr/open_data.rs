//! The register as open data: one flat record per recommendation, for CSV, JSON and the API.

use std::collections::HashMap;

use sqlx::{AnyPool, FromRow};

use super::*;

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
    /// For an open status only.
    pub target: Option<String>,
    /// Per cent done, when given, for an open status only.
    pub progress: Option<i64>,
    /// When the decision was made, for a closed status (`YYYY-MM-DD`).
    pub decided_on: Option<String>,
    pub overdue: bool,
    pub values: Vec<String>,
    pub priorities: Vec<String>,
    pub what_you_said: String,
    pub what_we_did: String,
    pub evidence: Vec<EvidenceLink>,
    pub history: Vec<StatusChangeItem>,
    /// How many critical friends agree, partly agree and disagree with the status (their
    /// current views, or as they stood on `as_of`).
    pub friends_view: crate::register::friends::FriendsCounts,
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
    let StatusColumns { key, changed } = status_columns(query.as_of.as_deref());
    sql.push(&format!(
        "SELECT r.id, r.reference, r.title, r.summary, e.key AS engagement, r.raised,
                {key} AS status_key, s.name AS status_name, s.closed, {changed} AS status_changed, r.team, r.target,
                r.progress AS stored_progress, r.what_you_said_md, r.what_we_did_md"
    ));
    push_filtered_from(&mut sql, query, true);
    if let Some(reference) = reference {
        sql.push(" AND r.reference = ")
            .bind(Bind::Text(reference.to_owned()));
    }
    sql.push(&order_by(query.sort, query.as_of.as_deref()));
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
    let mut friends =
        crate::register::friends::ssr::counts_by_reference(pool, query.as_of.as_deref()).await?;
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
            let friends_view = friends.remove(&row.reference).unwrap_or_default();
            let closed = row.closed == 1;
            let decided_on = closed.then(|| row.status_changed.clone());
            OpenRecord {
                decided_on,
                overdue: !closed && row.target.as_deref().is_some_and(|t| t < today.as_str()),
                status_note: history.last().map(|h| h.note.clone()).unwrap_or_default(),
                values: values.remove(&row.id).unwrap_or_default(),
                priorities: priorities.remove(&row.id).unwrap_or_default(),
                evidence: evidence.remove(&row.id).unwrap_or_default(),
                history,
                friends_view,
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
                // A decision has no progress figure and no target date.
                target: row.target.filter(|_| !closed),
                progress: row.stored_progress.filter(|_| !closed),
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
