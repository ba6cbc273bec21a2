//! Data access for reports.

use std::collections::HashMap;

use sqlx::{AnyPool, FromRow};

use super::*;
use crate::html::{render_document, SanitizedHtml};

#[derive(FromRow)]
struct SummaryRow {
    id: i64,
    slug: String,
    kind: String,
    title: String,
    quarter: Option<String>,
    report_date: String,
    summary: String,
    state: String,
    updated_at: String,
    reading_minutes: i64,
}

impl SummaryRow {
    fn into_summary(self) -> ReportSummary {
        ReportSummary {
            slug: self.slug,
            kind: self.kind,
            title: self.title,
            quarter: self.quarter,
            date: self.report_date,
            summary: self.summary,
            state: self.state,
            updated_at: self.updated_at,
            reading_minutes: self.reading_minutes,
        }
    }
}

const SUMMARY_COLUMNS: &str =
    "r.id, r.slug, r.kind, r.title, r.quarter, r.report_date, r.summary, r.state, r.updated_at, r.reading_minutes";

async fn term_options(pool: &AnyPool, table: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT slug, name FROM {table} ORDER BY position"))
        .fetch_all(pool)
        .await
}

/// Published reports (never drafts or withdrawn ones), newest first, grouped by quarter.
pub async fn report_list(pool: &AnyPool, filter: ReportFilter) -> Result<ReportList, AppError> {
    let values = term_options(pool, "core_values").await?;
    let priorities = term_options(pool, "research_priorities").await?;
    if let Some(kind) = &filter.kind {
        if !KINDS.iter().any(|(k, _)| k == kind) {
            return Err(AppError::BadRequest(format!(
                "There is no kind of report called \"{kind}\"."
            )));
        }
    }
    for (name, chosen, known) in [
        ("core value", &filter.value, &values),
        ("research priority", &filter.priority, &priorities),
    ] {
        if let Some(slug) = chosen {
            if !known.iter().any(|(k, _)| k == slug) {
                return Err(AppError::BadRequest(format!(
                    "There is no {name} called \"{slug}\"."
                )));
            }
        }
    }
    let mut sql = format!("SELECT {SUMMARY_COLUMNS} FROM reports r WHERE r.state = 'published'");
    let mut binds = Vec::new();
    if let Some(kind) = &filter.kind {
        binds.push(kind.clone());
        sql.push_str(&format!(" AND r.kind = ${}", binds.len()));
    }
    for (link_kind, chosen) in [("value", &filter.value), ("priority", &filter.priority)] {
        if let Some(slug) = chosen {
            binds.push(slug.clone());
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM report_links l WHERE l.report_id = r.id AND l.link_kind = '{link_kind}' AND l.target = ${})",
                binds.len()
            ));
        }
    }
    sql.push_str(" ORDER BY r.report_date DESC, r.slug");
    let mut query = sqlx::query_as::<_, SummaryRow>(&sql);
    for bind in binds {
        query = query.bind(bind);
    }
    // Grouped by the period each report covers (a quarterly summary's own quarter, which
    // it is published after; otherwise the quarter of its date), newest period first.
    let mut by_period: std::collections::BTreeMap<String, Vec<ReportSummary>> =
        std::collections::BTreeMap::new();
    for row in query.fetch_all(pool).await? {
        let summary = row.into_summary();
        let period = summary
            .quarter
            .as_deref()
            .filter(|_| summary.kind == "quarterly-summary")
            .map(str::trim)
            .filter(|q| period_name(q).is_some())
            .map(str::to_owned)
            .unwrap_or_else(|| quarter_of(&summary.date));
        by_period.entry(period).or_default().push(summary);
    }
    let groups: Vec<(String, Vec<ReportSummary>)> = by_period.into_iter().rev().collect();
    Ok(ReportList {
        filter,
        groups,
        values,
        priorities,
    })
}

async fn find(pool: &AnyPool, slug: &str) -> Result<Option<SummaryRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM reports r WHERE r.slug = $1 AND r.state <> 'draft'"
    ))
    .bind(slug)
    .fetch_optional(pool)
    .await
}

pub async fn report_view(pool: &AnyPool, slug: &str) -> Result<Option<ReportView>, sqlx::Error> {
    let Some(row) = find(pool, slug).await? else {
        return Ok(None);
    };
    let id = row.id;
    let (body_html, toc_json, withdrawn_note, first_published_at): (
        String,
        String,
        Option<String>,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT body_html, toc_json, withdrawn_note, first_published_at FROM reports WHERE id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await?;
    let (revisions,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM report_revisions WHERE report_id = $1")
            .bind(id)
            .fetch_one(pool)
            .await?;
    let links = |sql: &'static str| sqlx::query_as::<_, (String, String)>(sql).bind(id);
    let recommendations = links(
        "SELECT r.reference, r.title FROM report_links l JOIN recommendations r ON r.reference = l.target
         JOIN engagements e ON e.id = r.engagement_id
         WHERE l.report_id = $1 AND l.link_kind = 'recommendation' ORDER BY e.position, r.number",
    )
    .fetch_all(pool)
    .await?;
    let values = links(
        "SELECT t.slug, t.name FROM report_links l JOIN core_values t ON t.slug = l.target
         WHERE l.report_id = $1 AND l.link_kind = 'value' ORDER BY t.position",
    )
    .fetch_all(pool)
    .await?;
    let priorities = links(
        "SELECT t.slug, t.name FROM report_links l JOIN research_priorities t ON t.slug = l.target
         WHERE l.report_id = $1 AND l.link_kind = 'priority' ORDER BY t.position",
    )
    .fetch_all(pool)
    .await?;
    let summary = row.into_summary();
    let withdrawn = summary.state == "withdrawn";
    Ok(Some(ReportView {
        body: if withdrawn {
            SanitizedHtml::default()
        } else {
            SanitizedHtml::from_trusted_store(body_html)
        },
        toc: if withdrawn {
            Vec::new()
        } else {
            serde_json::from_str(&toc_json).unwrap_or_default()
        },
        report: summary,
        withdrawn_note,
        first_published_at,
        revisions,
        recommendations,
        values,
        priorities,
    }))
}

pub async fn report_history(
    pool: &AnyPool,
    slug: &str,
) -> Result<Option<ReportHistory>, sqlx::Error> {
    let Some(row) = find(pool, slug).await? else {
        return Ok(None);
    };
    let withdrawn = row.state == "withdrawn";
    let revisions: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT seq, saved_at, change_note, body_md FROM report_revisions WHERE report_id = $1 ORDER BY seq",
    )
    .bind(row.id)
    .fetch_all(pool)
    .await?;
    let mut views = Vec::with_capacity(revisions.len());
    let mut previous = String::new();
    for (seq, saved_at, change_note, body) in revisions {
        // The words of a withdrawn report are not republished through its history.
        let diff = if withdrawn {
            Vec::new()
        } else {
            line_diff(&previous, &body)
        };
        views.push(RevisionView {
            seq,
            saved_at,
            change_note,
            diff,
        });
        previous = body;
    }
    views.reverse();
    Ok(Some(ReportHistory {
        report: row.into_summary(),
        revisions: views,
    }))
}

/// Line-by-line changes, with unchanged runs shortened to the lines around each change.
pub fn line_diff(before: &str, after: &str) -> Vec<DiffLine> {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::from_lines(before, after);
    let mut lines = Vec::new();
    for group in diff.grouped_ops(2) {
        for op in group {
            for change in diff.iter_changes(&op) {
                lines.push(DiffLine {
                    kind: match change.tag() {
                        ChangeTag::Equal => DiffKind::Same,
                        ChangeTag::Insert => DiffKind::Added,
                        ChangeTag::Delete => DiffKind::Removed,
                    },
                    text: change.value().trim_end_matches('\n').to_owned(),
                });
            }
        }
    }
    lines
}

/// What the importer and the editor save.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReportContent {
    pub slug: String,
    pub kind: String,
    pub title: String,
    pub quarter: Option<String>,
    pub date: String,
    pub summary: String,
    pub body_md: String,
    pub state: String,
    pub recommendations: Vec<String>,
    pub values: Vec<String>,
    pub priorities: Vec<String>,
}

/// The stored content of every report, for export and change detection.
pub async fn all_report_content_on(
    pool: &mut sqlx::AnyConnection,
) -> Result<Vec<ReportContent>, sqlx::Error> {
    type Row = (
        i64,
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        String,
        String,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, slug, kind, title, quarter, report_date, summary, body_md, state FROM reports ORDER BY report_date, slug",
    )
    .fetch_all(&mut *pool)
    .await?;
    let links: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT report_id, link_kind, target FROM report_links ORDER BY report_id, link_kind, target")
            .fetch_all(&mut *pool)
            .await?;
    let mut by_report: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for (id, kind, target) in links {
        by_report.entry(id).or_default().push((kind, target));
    }
    Ok(rows
        .into_iter()
        .map(
            |(id, slug, kind, title, quarter, date, summary, body_md, state)| {
                let links = by_report.remove(&id).unwrap_or_default();
                let of = |k: &str| {
                    links
                        .iter()
                        .filter(|(kind, _)| kind == k)
                        .map(|(_, t)| t.clone())
                        .collect()
                };
                ReportContent {
                    recommendations: of("recommendation"),
                    values: of("value"),
                    priorities: of("priority"),
                    slug,
                    kind,
                    title,
                    quarter,
                    date,
                    summary,
                    body_md,
                    state,
                }
            },
        )
        .collect())
}

/// Inserts or updates a report; a published report gets a revision with `change_note`
/// whenever its text changes.
pub async fn save_report(
    conn: &mut sqlx::AnyConnection,
    content: &ReportContent,
    change_note: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    let rendered = render_document(&content.body_md);
    let toc = serde_json::to_string(&rendered.toc).unwrap_or_else(|_| "[]".to_owned());
    let first_published = (content.state == "published").then(|| now.to_owned());
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO reports (slug, kind, title, quarter, report_date, summary, body_md, body_html, toc_json,
             reading_minutes, state, first_published_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (slug) DO UPDATE SET kind = excluded.kind, title = excluded.title,
             quarter = excluded.quarter, report_date = excluded.report_date, summary = excluded.summary,
             body_md = excluded.body_md, body_html = excluded.body_html, toc_json = excluded.toc_json,
             reading_minutes = excluded.reading_minutes, state = excluded.state,
             first_published_at = COALESCE(reports.first_published_at, excluded.first_published_at),
             updated_at = excluded.updated_at, version = reports.version + 1,
             withdrawn_note = CASE WHEN excluded.state = 'withdrawn' THEN reports.withdrawn_note ELSE NULL END
         RETURNING id",
    )
    .bind(&content.slug)
    .bind(&content.kind)
    .bind(&content.title)
    .bind(content.quarter.clone())
    .bind(&content.date)
    .bind(&content.summary)
    .bind(&content.body_md)
    .bind(rendered.html.into_inner())
    .bind(toc)
    .bind(rendered.reading_minutes)
    .bind(&content.state)
    .bind(first_published)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM report_links WHERE report_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (kind, targets) in [
        ("recommendation", &content.recommendations),
        ("value", &content.values),
        ("priority", &content.priorities),
    ] {
        for target in targets {
            sqlx::query(
                "INSERT INTO report_links (report_id, link_kind, target) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(kind)
            .bind(target)
            .execute(&mut *conn)
            .await?;
        }
    }
    if content.state == "published" {
        sqlx::query(
            "INSERT INTO report_revisions (report_id, seq, saved_at, change_note, title, summary, body_md)
             SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6 FROM report_revisions WHERE report_id = $1",
        )
        .bind(id)
        .bind(now)
        .bind(change_note)
        .bind(&content.title)
        .bind(&content.summary)
        .bind(&content.body_md)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Each report's fingerprint as last synced with content/reports (see the importer).
pub async fn synced_hashes(
    conn: &mut sqlx::AnyConnection,
) -> Result<std::collections::HashMap<String, Option<String>>, sqlx::Error> {
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT slug, synced_hash FROM reports")
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().collect())
}

pub async fn set_synced_hash(
    conn: &mut sqlx::AnyConnection,
    slug: &str,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE reports SET synced_hash = $1 WHERE slug = $2")
        .bind(hash)
        .bind(slug)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Published reports for the Atom feed, most recently updated first.
/// Published reports for the feed, newest first, each with `updated_at` set to when the
/// report itself last changed: its date, or a later revision saved in the web app. Not
/// the time a database was loaded from `content/`, which would make every report look new
/// to a feed reader on the day of a deployment.
pub async fn feed_reports(pool: &AnyPool, limit: i64) -> Result<Vec<ReportSummary>, sqlx::Error> {
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM reports r WHERE r.state = 'published'"
    ))
    .fetch_all(pool)
    .await?;
    let revised: Vec<(String, String)> = sqlx::query_as(
        "SELECT r.slug, MAX(v.saved_at) FROM reports r JOIN report_revisions v ON v.report_id = r.id
         WHERE r.state = 'published' AND v.seq > 1 GROUP BY r.slug",
    )
    .fetch_all(pool)
    .await?;
    let mut reports: Vec<ReportSummary> = rows
        .into_iter()
        .map(|row| {
            let mut report = row.into_summary();
            let dated = format!("{}T00:00:00Z", report.date);
            report.updated_at = revised
                .iter()
                .find(|(slug, _)| *slug == report.slug)
                .map(|(_, at)| at.clone())
                .filter(|at| *at > dated)
                .unwrap_or(dated);
            report
        })
        .collect();
    reports.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.slug.cmp(&b.slug)));
    reports.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(reports)
}
