//! The register as CSV: one documented format for export and for bulk updates
//! (`candour import --csv FILE`). Exporting and importing the same file changes nothing.

use std::collections::HashMap;

use app::{
    db::Database,
    register::{ssr::open_records, RegisterQuery},
    state::AppState,
};
use axum::{
    extract::{RawQuery, State},
    http::header,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

use super::{parse_query, Problem};

/// The CSV columns, in order. Lists (values, priorities) are separated by `;`.
pub const COLUMNS: [&str; 17] = [
    "reference",
    "title",
    "engagement",
    "raised",
    "status",
    "status_changed",
    "status_note",
    "team",
    "target",
    "progress",
    "values",
    "priorities",
    "summary",
    "url",
    "friends_agree",
    "friends_partly",
    "friends_disagree",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvRow {
    pub reference: String,
    pub title: String,
    pub engagement: String,
    pub raised: String,
    pub status: String,
    pub status_changed: String,
    pub status_note: String,
    pub team: String,
    pub target: String,
    pub progress: String,
    pub values: String,
    pub priorities: String,
    pub summary: String,
    pub url: String,
    /// Critical friends' current views (or as they stood on `as_of`): read, never imported
    /// (a file without them imports the same).
    #[serde(default)]
    pub friends_agree: String,
    #[serde(default)]
    pub friends_partly: String,
    #[serde(default)]
    pub friends_disagree: String,
}

pub async fn csv_rows(
    db: &Database,
    query: &RegisterQuery,
    public_url: &str,
) -> Result<Vec<CsvRow>, sqlx::Error> {
    Ok(open_records(db.pool(), query)
        .await?
        .into_iter()
        .map(|r| CsvRow {
            url: format!("{public_url}/actions/{}", r.reference),
            reference: r.reference,
            title: r.title,
            engagement: r.engagement,
            raised: r.raised,
            status: r.status,
            status_changed: r.status_changed,
            status_note: r.status_note,
            team: r.team,
            target: r.target.unwrap_or_default(),
            progress: r.progress.map(|p| p.to_string()).unwrap_or_default(),
            values: r.values.join(";"),
            priorities: r.priorities.join(";"),
            summary: r.summary,
            friends_agree: r.friends_view.agree.to_string(),
            friends_partly: r.friends_view.partly.to_string(),
            friends_disagree: r.friends_view.disagree.to_string(),
        })
        .collect())
}

impl CsvRow {
    /// Every text field through `f` (neutralising or restoring formula-like cells).
    fn map_text(&self, f: impl Fn(&str) -> String) -> CsvRow {
        CsvRow {
            reference: f(&self.reference),
            title: f(&self.title),
            engagement: f(&self.engagement),
            raised: f(&self.raised),
            status: f(&self.status),
            status_changed: f(&self.status_changed),
            status_note: f(&self.status_note),
            team: f(&self.team),
            target: f(&self.target),
            progress: f(&self.progress),
            values: f(&self.values),
            priorities: f(&self.priorities),
            summary: f(&self.summary),
            url: f(&self.url),
            friends_agree: f(&self.friends_agree),
            friends_partly: f(&self.friends_partly),
            friends_disagree: f(&self.friends_disagree),
        }
    }
}

/// The register as CSV: a UTF-8 byte-order mark (so Excel reads `’` as `’`), then the
/// rows, with any cell a spreadsheet would run as a formula written as text
/// (`app::text::csv_cell`, OWASP CSV Injection).
pub fn write_csv(rows: &[CsvRow]) -> anyhow::Result<Vec<u8>> {
    let mut writer = ::csv::Writer::from_writer(app::text::UTF8_BOM.as_bytes().to_vec());
    for row in rows {
        writer.serialize(row.map_text(|cell| app::text::csv_cell(cell).into_owned()))?;
    }
    if rows.is_empty() {
        writer.write_record(COLUMNS)?;
    }
    Ok(writer.into_inner()?)
}

pub async fn register_csv(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    super::api::refuse_empty(
        &super::query_pairs(raw.as_deref()),
        &app::register::query::QUERY_PARAMETERS,
    )?;
    let query = parse_query(raw.as_deref())?;
    let options = app::register::ssr::filter_options(state.db.pool()).await?;
    app::register::ssr::validate_query(&query, &options)?;
    let rows = csv_rows(&state.db, &query, &state.site.public_url).await?;
    let body = write_csv(&rows).map_err(app::error::AppError::from)?;
    let filename = match &query.as_of {
        Some(day) => format!("actions-to-build-trust-{day}.csv"),
        None => "actions-to-build-trust.csv".to_owned(),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// What a CSV import did.
#[derive(Debug, Default)]
pub struct CsvImportReport {
    pub updated: usize,
    pub unchanged: usize,
    pub status_changes: usize,
}

impl std::fmt::Display for CsvImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} recommendations updated, {} unchanged, {} status changes recorded",
            self.updated, self.unchanged, self.status_changes
        )
    }
}

/// Reads a CSV in the export format and applies it in one transaction: every row is
/// checked first, and any error (naming the line and column) leaves the database as it was.
pub async fn import_csv(db: &Database, text: &str, today: &str) -> anyhow::Result<CsvImportReport> {
    // With or without the byte-order mark Candour writes; pasted control characters are
    // cleaned as in every form.
    let text = app::text::clean(text.strip_prefix(app::text::UTF8_BOM).unwrap_or(text));
    let mut reader = ::csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader.headers()?.clone();
    // The critical friends' counts are theirs to give, never imported.
    for column in COLUMNS.iter().filter(|c| !c.starts_with("friends_")) {
        anyhow::ensure!(
            headers.iter().any(|h| h == *column),
            "line 1: the column {column:?} is missing"
        );
    }
    let mut rows = Vec::new();
    for (index, record) in reader.deserialize::<CsvRow>().enumerate() {
        let row: CsvRow = record.map_err(|e| anyhow::anyhow!("line {}: {e}", index + 2))?;
        rows.push(row.map_text(|cell| app::text::csv_text(cell).to_owned()));
    }
    let current: HashMap<String, CsvRow> = csv_rows(
        db,
        &RegisterQuery {
            page: 1,
            ..Default::default()
        },
        "",
    )
    .await?
    .into_iter()
    .map(|row| (row.reference.clone(), row))
    .collect();
    let options = app::register::ssr::filter_options(db.pool()).await?;
    let mut errors = Vec::new();
    let mut changes = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let line = index + 2;
        let mut problem = |column: &str, message: String| {
            errors.push(format!("line {line}, column {column}: {message}"))
        };
        let Some(before) = current.get(&row.reference) else {
            problem(
                "reference",
                format!(
                    "there is no recommendation {:?} (the CSV can update records, not create them)",
                    row.reference
                ),
            );
            continue;
        };
        if row.engagement != before.engagement || row.raised != before.raised {
            problem(
                "engagement",
                "the engagement and date raised of a recommendation cannot change".into(),
            );
        }
        if row.title.trim().is_empty() {
            problem("title", "must not be empty".into());
        }
        if row.team.trim().is_empty() {
            problem("team", "must not be empty".into());
        }
        if !options.statuses.iter().any(|s| s.key == row.status) {
            problem(
                "status",
                format!("there is no status called {:?}", row.status),
            );
        }
        if !row.target.is_empty() && !app::dates::is_iso_date(&row.target) {
            problem(
                "target",
                format!("{:?} is not a date written YYYY-MM-DD", row.target),
            );
        }
        if !row.progress.is_empty()
            && !row
                .progress
                .parse::<i64>()
                .is_ok_and(|p| (0..=100).contains(&p))
        {
            problem(
                "progress",
                format!(
                    "{:?} must be a whole number from 0 to 100, or empty",
                    row.progress
                ),
            );
        }
        for (column, list, known) in [
            ("values", &row.values, &options.values),
            ("priorities", &row.priorities, &options.priorities),
        ] {
            for slug in list.split(';').filter(|s| !s.is_empty()) {
                if !known.iter().any(|(k, _)| k == slug) {
                    problem(column, format!("there is no {slug:?}"));
                }
            }
        }
        let status_changed = row.status != before.status;
        if status_changed {
            if row.status_note.trim().is_empty() {
                problem(
                    "status_note",
                    "a public note is required when the status changes".into(),
                );
            }
            if !app::dates::is_iso_date(&row.status_changed)
                || row.status_changed < before.status_changed
                || row.status_changed.as_str() > today
            {
                problem(
                    "status_changed",
                    format!(
                        "the date of a status change must be a date from {} to today, written YYYY-MM-DD",
                        before.status_changed
                    ),
                );
            }
        }
        // The URL is derived, and the note and date only matter with a new status.
        let mut comparable = row.clone();
        comparable.url.clone_from(&before.url);
        comparable.friends_agree.clone_from(&before.friends_agree);
        comparable.friends_partly.clone_from(&before.friends_partly);
        comparable
            .friends_disagree
            .clone_from(&before.friends_disagree);
        if !status_changed {
            comparable.status_note.clone_from(&before.status_note);
            comparable.status_changed.clone_from(&before.status_changed);
        }
        if &comparable != before {
            changes.push((row.clone(), status_changed));
        }
    }
    if !errors.is_empty() {
        anyhow::bail!(
            "{} problem(s); nothing was changed:\n{}",
            errors.len(),
            errors.join("\n")
        );
    }
    let mut report = CsvImportReport {
        unchanged: rows.len() - changes.len(),
        ..Default::default()
    };
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut tx = db.begin_write().await?;
    for (row, status_changed) in &changes {
        let update = app::register::ssr::RecommendationUpdate {
            reference: &row.reference,
            title: &row.title,
            summary: &row.summary,
            team: &row.team,
            target: (!row.target.is_empty()).then_some(row.target.as_str()),
            progress: row.progress.parse().ok(),
            values: row.values.split(';').filter(|s| !s.is_empty()).collect(),
            priorities: row
                .priorities
                .split(';')
                .filter(|s| !s.is_empty())
                .collect(),
        };
        app::register::ssr::update_recommendation(&mut tx, &update, &now).await?;
        if *status_changed {
            app::register::ssr::record_status_change(
                &mut tx,
                &row.reference,
                &row.status_changed,
                &row.status,
                &row.status_note,
                &row.team,
                &now,
            )
            .await?;
            report.status_changes += 1;
        }
        report.updated += 1;
    }
    app::db::bump_content_version(&mut tx).await?;
    tx.commit().await?;
    app::db::content_committed();
    Ok(report)
}
