//! Data access for the register. Every list is filtered, sorted and paginated in SQL; no
//! query runs once per row.

use std::collections::HashMap;

use sqlx::{AnyPool, FromRow};

use super::*;
use crate::{
    db::{Bind, Sql},
    html::SanitizedHtml,
};

mod changes;
mod open_data;
mod terms;
mod writes;

pub use changes::*;
pub use open_data::*;
pub use terms::*;
pub use writes::*;

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
    progress: Option<i64>,
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
            progress: self.progress.map(|p| p.clamp(0, 100) as i32),
            target: self.target,
            overdue,
            friends: Default::default(),
        }
    }
}

// An `as_of` view is judged against its own day, any other against today.
use crate::accounts::ssr::today;

/// Where a register row's status is read from, as SQL column expressions: the row itself
/// now (`r.status_key`, `r.status_changed`: no join, so counts and sorts run on the
/// `recommendations_status` and `recommendations_updated` indexes alone), or, for the
/// register as it stood at the end of `as_of`, the change joined as `st` by
/// [`push_status_source`].
#[derive(Clone, Copy)]
pub(super) struct StatusColumns {
    /// The status key (`in-progress`).
    pub key: &'static str,
    /// The day the status was reached (`YYYY-MM-DD`).
    pub changed: &'static str,
}

/// The [`StatusColumns`] for today's register (`None`) or for one as it stood on a day.
pub(super) fn status_columns(as_of: Option<&str>) -> StatusColumns {
    if as_of.is_some() {
        StatusColumns {
            key: "st.to_status",
            changed: "st.changed_on",
        }
    } else {
        StatusColumns {
            key: "r.status_key",
            changed: "r.status_changed",
        }
    }
}

/// Joins, as `st`, each recommendation's change with the highest `seq` among those dated on
/// or before `day`, from the append-only history: per recommendation, a `MAX` read from the
/// `status_changes_as_of` index alone (it holds every column that look-up reads), then the
/// change itself by `(recommendation_id, seq)`. Some 13 ms for 10,000 recommendations with
/// 50,000 changes, against 23 ms for a grouped `MAX` joined back.
///
/// The unary `+` on `r.id` (a no-op in both databases) keeps SQLite from walking the whole
/// history and looking each recommendation up from it, which is what its planner chose
/// without table statistics: 50,000 look-ups instead of 10,000, and 108 ms. (SQLite's
/// query planner documentation: a `+` before a column takes that term out of index use.)
fn push_status_source(sql: &mut Sql, day: &str) {
    sql.push(
        " JOIN status_changes st ON st.recommendation_id = +r.id
           AND st.seq = (SELECT MAX(x.seq) FROM status_changes x
                         WHERE x.recommendation_id = r.id AND x.changed_on <= ",
    );
    sql.bind(Bind::Text(day.to_owned()));
    sql.push(")");
}

/// The columns of a register row, its status from `st` ([`status_columns`]). Progress
/// shown for a row: none for a decision (a closed status); the recommendation's own figure
/// while its status is the current one, otherwise the status's default.
fn row_columns(st: StatusColumns) -> String {
    let StatusColumns { key, changed } = st;
    format!(
        "r.reference, r.title, r.summary, e.key AS engagement_key,
    e.name AS engagement_name, {key} AS status_key, s.name AS status_name, s.closed, r.raised,
    {changed} AS last_changed,
    CASE WHEN s.closed = 1 THEN NULL
         WHEN {key} = r.status_key AND {changed} = r.status_changed
         THEN COALESCE(r.progress, s.progress) ELSE s.progress END AS progress,
    CASE WHEN s.closed = 1 THEN NULL ELSE r.target END AS target"
    )
}

/// FROM … WHERE … for the register, with every filter but (optionally) the status one.
fn push_filtered_from(sql: &mut Sql, query: &RegisterQuery, with_status: bool) {
    let st = status_columns(query.as_of.as_deref());
    sql.push(" FROM recommendations r");
    if let Some(day) = query.as_of.as_deref() {
        push_status_source(sql, day);
    }
    sql.push(&format!(
        "
          JOIN statuses s ON s.key = {}
          JOIN engagements e ON e.id = r.engagement_id
          WHERE 1 = 1",
        st.key
    ));
    if with_status && !query.status.is_empty() {
        sql.push(&format!(" AND {} IN ", st.key))
            .bind_list(&query.status);
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
    if !query.friends_view.is_empty() {
        sql.push(" AND EXISTS (SELECT 1 FROM friend_views fv WHERE fv.recommendation_id = r.id AND fv.opinion IN ")
            .bind_list(&query.friends_view)
            .push(" AND ");
        super::friends::ssr::push_current_view(
            sql,
            super::friends::ssr::counted_until(query.as_of.as_deref()),
        );
        sql.push(")");
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

fn order_by(sort: Sort, as_of: Option<&str>) -> String {
    match sort {
        Sort::Reference => " ORDER BY e.position, r.number".to_owned(),
        Sort::Raised => " ORDER BY r.raised DESC, e.position, r.number".to_owned(),
        Sort::Updated => format!(
            " ORDER BY {} DESC, e.position, r.number",
            status_columns(as_of).changed
        ),
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
    let (engagements, values, priorities) = (
        pairs("engagements", "key"),
        pairs("core_values", "slug"),
        pairs("research_priorities", "slug"),
    );
    let (statuses, engagements, values, priorities) = tokio::try_join!(
        statuses(pool),
        sqlx::query_as(&engagements).fetch_all(pool),
        sqlx::query_as(&values).fetch_all(pool),
        sqlx::query_as(&priorities).fetch_all(pool),
    )?;
    Ok(FilterOptions {
        statuses,
        engagements,
        values,
        priorities,
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
    sql.push("SELECT ")
        .push(&row_columns(status_columns(query.as_of.as_deref())));
    push_filtered_from(&mut sql, query, true);
    sql.push(&order_by(query.sort, query.as_of.as_deref()));
    fetch_rows(pool, sql, query.as_of.as_deref()).await
}

/// Runs a query for [`row_columns`] and gives each row its critical friends' counts;
/// "overdue" is judged against `as_of`'s day, or today.
async fn fetch_rows(
    pool: &AnyPool,
    sql: Sql,
    as_of: Option<&str>,
) -> Result<Vec<RecommendationRow>, sqlx::Error> {
    let day = as_of.map_or_else(today, str::to_owned);
    let rows = sql
        .fetch_all::<RowRecord>(pool)
        .await?
        .into_iter()
        .map(|row| row.into_row(&day))
        .collect();
    with_friends_counts(pool, rows, as_of).await
}

/// The rows with their critical friends' counts (as things stood on `as_of`, if given).
pub async fn with_friends_counts(
    pool: &AnyPool,
    mut rows: Vec<RecommendationRow>,
    as_of: Option<&str>,
) -> Result<Vec<RecommendationRow>, sqlx::Error> {
    let mut counts = super::friends::ssr::counts_by_reference(pool, as_of).await?;
    for row in &mut rows {
        row.friends = counts.remove(&row.reference).unwrap_or_default();
    }
    Ok(rows)
}

pub async fn register_page(
    pool: &AnyPool,
    query: RegisterQuery,
) -> Result<RegisterPageData, AppError> {
    let options = filter_options(pool).await?;
    validate_query(&query, &options)?;

    // The page's rows, the counts and the date of the last change are independent reads:
    // they run at once, each on its own pooled connection.
    let (rows, status_counts, last_updated) = tokio::try_join!(
        page_rows(pool, &query),
        filtered_status_counts(pool, &query, &options.statuses),
        last_change_date(pool, query.as_of.as_deref()),
    )?;
    // The per-status counts cover every filter but the status one, so the total is their
    // sum over the chosen statuses (all of them when none is chosen): no separate count.
    let total = status_counts
        .iter()
        .filter(|c| query.status.is_empty() || query.status.contains(&c.key))
        .map(|c| c.count)
        .sum();
    Ok(RegisterPageData {
        query,
        rows,
        total,
        status_counts,
        last_updated,
        options,
    })
}

/// The rows of the query's page, with their critical friends' counts.
async fn page_rows(
    pool: &AnyPool,
    query: &RegisterQuery,
) -> Result<Vec<RecommendationRow>, sqlx::Error> {
    // Today's register finds the page's rows first with the narrow columns its indexes hold
    // (sorting 10,000 ids rather than 10,000 whole rows), then reads them in full (a
    // "deferred join"). An `as_of` register would rebuild its statuses twice that way.
    let as_of = query.as_of.as_deref();
    let order = order_by(query.sort, as_of);
    let mut sql = Sql::default();
    sql.push("SELECT ")
        .push(&row_columns(status_columns(as_of)));
    push_filtered_from(&mut sql, query, true);
    if as_of.is_none() {
        sql.push(" AND r.id IN (SELECT r.id");
        push_filtered_from(&mut sql, query, true);
        sql.push(&order);
        push_page(&mut sql, query.page);
        sql.push(")").push(&order);
    } else {
        sql.push(&order);
        push_page(&mut sql, query.page);
    }
    fetch_rows(pool, sql, as_of).await
}

/// `LIMIT … OFFSET …` for page `page` (from 1) of [`PAGE_SIZE`] rows.
fn push_page(sql: &mut Sql, page: i64) {
    sql.push(" LIMIT ")
        .bind(Bind::Int(PAGE_SIZE))
        .push(" OFFSET ");
    sql.bind(Bind::Int((page - 1) * PAGE_SIZE));
}

/// Counts per status over every filter except the status one, so the counts show what
/// each status choice would give.
async fn filtered_status_counts(
    pool: &AnyPool,
    query: &RegisterQuery,
    statuses: &[StatusInfo],
) -> Result<Vec<StatusCount>, sqlx::Error> {
    let key = status_columns(query.as_of.as_deref()).key;
    let mut sql = Sql::default();
    sql.push(&format!("SELECT {key}, COUNT(*)"));
    push_filtered_from(&mut sql, query, false);
    sql.push(&format!(" GROUP BY {key}"));
    let counts: HashMap<String, i64> = sql
        .fetch_all::<(String, i64)>(pool)
        .await?
        .into_iter()
        .collect();
    Ok(counted(statuses, &counts))
}

/// Every status in order, with its count from `counts` (by status key; none is 0).
pub(super) fn counted(statuses: &[StatusInfo], counts: &HashMap<String, i64>) -> Vec<StatusCount> {
    statuses
        .iter()
        .map(|status| StatusCount {
            key: status.key.clone(),
            name: status.name.clone(),
            closed: status.closed,
            count: counts.get(&status.key).copied().unwrap_or(0),
        })
        .collect()
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
