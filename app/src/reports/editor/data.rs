//! What the report editor shows: the list of reports, a report as stored, the preview
//! with its plain-language help, and the editor page's data.

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use crate::{
    accounts::{ssr::drafts, Permission, Viewer},
    db::Database,
    error::AppError,
    html::{markdown_to_blocks, render_document},
    reports::{
        editing::{ConflictView, EditorData, EditorListItem, Preview, ReportForm},
        readability::{analyse, Glossary, GlossaryTerm},
        ssr::line_diff,
    },
};

pub async fn list(db: &Database) -> Result<Vec<EditorListItem>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, String, String)> = sqlx::query_as(
        "SELECT id, slug, title, kind, state, updated_at FROM reports ORDER BY updated_at DESC, id DESC",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, slug, title, kind, state, updated_at)| EditorListItem {
                id,
                slug,
                title,
                kind,
                state,
                updated_at,
            },
        )
        .collect())
}

async fn glossary(db: &Database) -> Result<Glossary, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT word, plain FROM glossary_terms")
        .fetch_all(db.pool())
        .await?;
    Ok(Glossary::new(
        rows.into_iter()
            .map(|(word, plain)| GlossaryTerm { word, plain })
            .collect(),
    ))
}

pub async fn preview(db: &Database, body: &str) -> Result<Preview, sqlx::Error> {
    let glossary = glossary(db).await?;
    Ok(Preview {
        html: render_document(body).html,
        help: analyse(&markdown_to_blocks(body), &glossary),
    })
}

/// A report as stored, in the editor's terms.
pub(super) struct Stored {
    pub form: ReportForm,
    pub state: String,
    pub withdrawn_note: Option<String>,
    pub updated_at: String,
    pub first_published_at: Option<String>,
}

/// A report's row, as the editor reads it.
#[derive(sqlx::FromRow)]
struct StoredRow {
    slug: String,
    kind: String,
    title: String,
    quarter: Option<String>,
    date: String,
    summary: String,
    body: String,
    state: String,
    withdrawn_note: Option<String>,
    updated_at: String,
    first_published_at: Option<String>,
    version: i64,
}

pub(super) async fn stored(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<Stored>, sqlx::Error> {
    let row: Option<StoredRow> = sqlx::query_as(
        "SELECT slug, kind, title, quarter, report_date AS date, summary, body_md AS body, state, \
         withdrawn_note, updated_at, first_published_at, version FROM reports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let links: Vec<(String, String)> = sqlx::query_as(
        "SELECT link_kind, target FROM report_links WHERE report_id = $1 ORDER BY target",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let of = |kind: &str| -> Vec<String> {
        links
            .iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, t)| t.clone())
            .collect()
    };
    Ok(Some(Stored {
        form: ReportForm {
            title: row.title,
            slug: row.slug,
            kind: row.kind,
            quarter: row.quarter.unwrap_or_default(),
            date: row.date,
            summary: row.summary,
            body: row.body,
            recommendations: of("recommendation").join(", "),
            values: of("value"),
            priorities: of("priority"),
            change_note: String::new(),
            version: row.version,
        },
        state: row.state,
        withdrawn_note: row.withdrawn_note,
        updated_at: row.updated_at,
        first_published_at: row.first_published_at,
    }))
}

async fn terms(db: &Database, table: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT slug, name FROM {table} ORDER BY position"))
        .fetch_all(db.pool())
        .await
}

/// The draft key of an editor page: its address.
pub fn draft_key(id: Option<i64>) -> String {
    match id {
        Some(id) => format!("/admin/reports/{id}"),
        None => "/admin/reports/new".to_owned(),
    }
}

pub async fn editor_data(
    db: &Database,
    viewer: &Viewer,
    id: Option<i64>,
    posted: Option<BTreeMap<String, String>>,
    conflict: bool,
) -> Result<EditorData, AppError> {
    let mut conn = db.pool().acquire().await?;
    let stored = match id {
        Some(id) => Some(stored(&mut conn, id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    drop(conn);
    let kept = if posted.is_none() {
        drafts::find(db, viewer.id, &draft_key(id)).await?
    } else {
        None
    };
    let kept_at = kept.as_ref().map(|(_, at)| at.clone());
    let form = match (posted, kept, &stored) {
        (Some(fields), _, _) | (None, Some((fields, _)), _) => ReportForm::from_fields(&fields),
        (None, None, Some(stored)) => stored.form.clone(),
        (None, None, None) => ReportForm {
            kind: "quarterly-summary".to_owned(),
            date: crate::dates::today(),
            ..ReportForm::default()
        },
    };
    let conflict = match (&stored, conflict) {
        (Some(stored), true) => Some(ConflictView {
            saved_at: stored.updated_at.clone(),
            title: stored.form.title.clone(),
            summary: stored.form.summary.clone(),
            diff: line_diff(&stored.form.body, &form.body),
        }),
        _ => None,
    };
    let preview = preview(db, &form.body).await?;
    Ok(EditorData {
        id,
        state: stored
            .as_ref()
            .map_or("draft".to_owned(), |s| s.state.clone()),
        withdrawn_note: stored.as_ref().and_then(|s| s.withdrawn_note.clone()),
        updated_at: stored.as_ref().map(|s| s.updated_at.clone()),
        slug_locked: stored
            .as_ref()
            .is_some_and(|s| s.first_published_at.is_some()),
        kept_at,
        conflict,
        preview,
        values: terms(db, "core_values").await?,
        priorities: terms(db, "research_priorities").await?,
        may_publish: viewer.may(Permission::PublishReports),
        form,
    })
}
