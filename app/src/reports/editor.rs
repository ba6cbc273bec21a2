//! Writing reports in the web app: validation, saving drafts, publishing (each save of a
//! published report is a revision), withdrawing, refusing a save that would overwrite
//! someone else's, and keeping text from a session that ended.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, Request, State},
    http::{request::Parts, StatusCode},
    response::Response,
};
use sqlx::AnyConnection;

use super::{
    editing::{ConflictView, EditorData, EditorListItem, Preview, ReportForm},
    readability::{analyse, Glossary, GlossaryTerm},
    ssr::{line_diff, save_report, ReportContent},
    KINDS,
};
use crate::{
    accounts::{
        handlers::{again, done, internal, SignedIn},
        ssr::{
            audit::{self, Change},
            drafts, now,
        },
        Permission, Viewer,
    },
    db::Database,
    error::AppError,
    forms::{ssr::read_fields, FormFeedback},
    html::{is_slug, markdown_to_blocks, render_document},
    register::query::is_iso_date,
    search::index::documents::bump_content_version,
    state::AppState,
};

pub const TITLE_MAX: usize = 150;
pub const SUMMARY_MAX: usize = 300;
pub const BODY_MAX: usize = 200_000;
pub const NOTE_MAX: usize = 300;

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
struct Stored {
    form: ReportForm,
    state: String,
    withdrawn_note: Option<String>,
    updated_at: String,
    first_published_at: Option<String>,
}

type StoredRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    i64,
);

async fn stored(conn: &mut AnyConnection, id: i64) -> Result<Option<Stored>, sqlx::Error> {
    let row: Option<StoredRow> = sqlx::query_as(
        "SELECT slug, kind, title, quarter, report_date, summary, body_md, state, withdrawn_note, \
         updated_at, first_published_at, version FROM reports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((
        slug,
        kind,
        title,
        quarter,
        date,
        summary,
        body,
        state,
        withdrawn_note,
        updated_at,
        first_published_at,
        version,
    )) = row
    else {
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
            title,
            slug,
            kind,
            quarter: quarter.unwrap_or_default(),
            date,
            summary,
            body,
            recommendations: of("recommendation").join(", "),
            values: of("value"),
            priorities: of("priority"),
            change_note: String::new(),
            version,
        },
        state,
        withdrawn_note,
        updated_at,
        first_published_at,
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
            date: crate::accounts::ssr::today(),
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

fn is_quarter(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 7
        && text[..4].chars().all(|c| c.is_ascii_digit())
        && &text[4..6] == " Q"
        && matches!(bytes[6], b'1'..=b'4')
}

/// Checks the form; messages name the field and say how to put it right.
async fn validate(
    conn: &mut AnyConnection,
    form: &mut ReportForm,
    id: Option<i64>,
    needs_note: bool,
    feedback: &mut FormFeedback,
) -> Result<(), sqlx::Error> {
    if form.title.is_empty() {
        feedback.error("title", "Enter a title");
    } else if form.title.chars().count() > TITLE_MAX {
        feedback.error(
            "title",
            format!("Title must be {TITLE_MAX} characters or fewer"),
        );
    }
    if form.slug.is_empty() && !form.title.is_empty() {
        form.slug = crate::html::slugify(&form.title);
    }
    if form.slug.is_empty() && form.title.is_empty() {
        // "Enter a title" says it: the address is made from the title.
    } else if !is_slug(&form.slug) {
        feedback.error(
            "slug",
            "Web address must be lowercase letters, numbers and hyphens, like 2026-q2-summary",
        );
    } else {
        let taken: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE slug = $1 AND id <> $2")
                .bind(&form.slug)
                .bind(id.unwrap_or(0))
                .fetch_one(&mut *conn)
                .await?;
        if taken > 0 {
            feedback.error(
                "slug",
                "Another report already has this web address. Choose a different one",
            );
        }
    }
    if !KINDS.iter().any(|(key, _)| *key == form.kind) {
        feedback.error("kind", "Choose the type of report");
    }
    if form.kind == "quarterly-summary" && !is_quarter(&form.quarter) {
        feedback.error(
            "quarter",
            "Enter the quarter the summary covers, like 2026 Q2",
        );
    }
    if form.kind != "quarterly-summary" {
        form.quarter.clear();
    }
    if !is_iso_date(&form.date) {
        feedback.error(
            "date",
            "Enter the report's date as year-month-day, like 2026-06-30",
        );
    }
    let summary_length = form.summary.chars().count();
    if summary_length == 0 {
        feedback.error("summary", "Enter a summary");
    } else if summary_length > SUMMARY_MAX {
        feedback.error(
            "summary",
            format!("Summary must be {SUMMARY_MAX} characters or fewer (it is {summary_length})"),
        );
    }
    if form.body.trim().is_empty() {
        feedback.error("body", "Enter the report");
    } else if form.body.chars().count() > BODY_MAX {
        feedback.error(
            "body",
            format!("The report must be {BODY_MAX} characters or fewer"),
        );
    }
    let mut unknown = Vec::new();
    for reference in form.recommendation_list() {
        if !crate::register::ssr::reference_exists_on(conn, &reference).await? {
            unknown.push(reference);
        }
    }
    if !unknown.is_empty() {
        feedback.error(
            "recommendations",
            format!(
                "There is no recommendation {}. Use references like PP-17",
                unknown.join(", ")
            ),
        );
    }
    for (field, table, chosen) in [
        ("values", "core_values", &form.values),
        ("priorities", "research_priorities", &form.priorities),
    ] {
        for slug in chosen {
            let known: i64 =
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE slug = $1"))
                    .bind(slug)
                    .fetch_one(&mut *conn)
                    .await?;
            if known == 0 {
                feedback.error(field, format!("{slug:?} is not one of the choices"));
            }
        }
    }
    if needs_note && form.change_note.is_empty() {
        feedback.error(
            "change_note",
            "Say what changed: readers see this note in the report's history",
        );
    } else if form.change_note.chars().count() > NOTE_MAX {
        feedback.error(
            "change_note",
            format!("Change note must be {NOTE_MAX} characters or fewer"),
        );
    }
    Ok(())
}

fn content_of(form: &ReportForm, state: &str) -> ReportContent {
    let sorted = |list: Vec<String>| {
        let mut list = list;
        list.sort();
        list.dedup();
        list
    };
    ReportContent {
        slug: form.slug.clone(),
        kind: form.kind.clone(),
        title: form.title.clone(),
        quarter: (!form.quarter.is_empty()).then(|| form.quarter.clone()),
        date: form.date.clone(),
        summary: form.summary.clone(),
        body_md: form.body.clone(),
        state: state.to_owned(),
        recommendations: sorted(form.recommendation_list()),
        values: sorted(form.values.clone()),
        priorities: sorted(form.priorities.clone()),
    }
}

fn describe(state: &str, form: &ReportForm, version: i64) -> String {
    format!(
        "{state}, version {version}: {:?}, {} words",
        form.title,
        form.body.split_whitespace().count()
    )
}

/// Shows the editor again with the form as posted.
async fn show_again(
    state: &AppState,
    parts: Parts,
    page: &str,
    form: &ReportForm,
    feedback: FormFeedback,
    status: StatusCode,
) -> Response {
    let mut feedback = feedback;
    feedback.values = form.to_fields();
    again(state, parts, page, feedback, status).await
}

pub async fn create(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    write(state, None, viewer, request).await
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    write(state, Some(id), viewer, request).await
}

enum Outcome {
    Saved(i64, &'static str),
    Invalid(FormFeedback),
    Conflict,
    NotFound,
}

/// Saves the form: `action` is `preview` (nothing saved), `save` or `publish`.
async fn write(state: AppState, id: Option<i64>, viewer: Viewer, request: Request) -> Response {
    let (parts, fields) = read_fields(request).await;
    let page = draft_key(id);
    let action = fields
        .get("action")
        .cloned()
        .unwrap_or_else(|| "save".to_owned());
    let mut form = ReportForm::from_fields(&fields);
    let mut feedback = FormFeedback::for_form("report");
    if action == "preview" {
        return show_again(&state, parts, &page, &form, feedback, StatusCode::OK).await;
    }
    if !matches!(action.as_str(), "save" | "publish") {
        feedback.error("title", "Choose Save or Publish");
        return show_again(
            &state,
            parts,
            &page,
            &form,
            feedback,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let outcome = async {
        let mut tx = state.db.begin_write().await?;
        let current = match id {
            Some(id) => match stored(&mut tx, id).await? {
                Some(current) => Some(current),
                None => return Ok(Outcome::NotFound),
            },
            None => None,
        };
        if let Some(current) = &current {
            if current.form.version != form.version {
                return Ok(Outcome::Conflict);
            }
            if current.first_published_at.is_some() {
                // Published addresses last: the slug cannot change any more.
                form.slug = current.form.slug.clone();
            }
        }
        let was = current.as_ref().map(|c| c.state.clone());
        let new_state = match (action.as_str(), was.as_deref()) {
            ("publish", _) => "published",
            (_, Some(state)) => state,
            (_, None) => "draft",
        }
        .to_owned();
        if new_state == "published" && !viewer.may(Permission::PublishReports) {
            feedback.error("title", "Your role does not include publishing reports");
            return Ok(Outcome::Invalid(feedback));
        }
        let needs_note =
            new_state == "published" && was.as_deref() != Some("draft") && was.is_some();
        validate(&mut tx, &mut form, id, needs_note, &mut feedback).await?;
        if feedback.has_errors() {
            return Ok(Outcome::Invalid(feedback));
        }
        if form.change_note.is_empty() {
            form.change_note = "First published.".to_owned();
        }
        if let (Some(id), Some(current)) = (id, &current) {
            if current.form.slug != form.slug {
                sqlx::query("UPDATE reports SET slug = $1 WHERE id = $2")
                    .bind(&form.slug)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let at = now();
        save_report(
            &mut tx,
            &content_of(&form, &new_state),
            &form.change_note,
            &at,
        )
        .await?;
        let (saved_id, version): (i64, i64) =
            sqlx::query_as("SELECT id, version FROM reports WHERE slug = $1")
                .bind(&form.slug)
                .fetch_one(&mut *tx)
                .await?;
        let action_name = match (was.as_deref(), new_state.as_str()) {
            (None, _) => "report.created",
            (Some("published"), "published") => "report.revised",
            (_, "published") => "report.published",
            _ => "report.saved",
        };
        audit::record(
            &mut tx,
            &viewer,
            Change {
                action: action_name,
                record_kind: "report",
                record_id: saved_id.to_string(),
                before: match &current {
                    Some(c) => describe(&c.state, &c.form, c.form.version),
                    None => String::new(),
                },
                after: describe(&new_state, &form, version),
            },
        )
        .await?;
        bump_content_version(&mut tx).await?;
        tx.commit().await?;
        let notice = if new_state == "published" {
            "report-published"
        } else {
            "report-saved"
        };
        Ok::<_, sqlx::Error>(Outcome::Saved(saved_id, notice))
    }
    .await;
    match outcome {
        Ok(Outcome::Saved(saved_id, notice)) => {
            if let Err(error) = drafts::discard(&state.db, viewer.id, &page).await {
                tracing::warn!(%error, "could not discard a kept draft");
            }
            done(&format!("/admin/reports/{saved_id}"), notice)
        }
        Ok(Outcome::Invalid(feedback)) => {
            show_again(
                &state,
                parts,
                &page,
                &form,
                feedback,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Ok(Outcome::Conflict) => {
            let mut feedback = FormFeedback::for_form("report");
            feedback.error(
                "version",
                "Someone else saved this report while you were editing it. Your text is kept below, with the changes between their version and yours. Check both, then save again to replace their version.",
            );
            show_again(&state, parts, &page, &form, feedback, StatusCode::CONFLICT).await
        }
        // No such report: its editor page says so, with a 404.
        Ok(Outcome::NotFound) => {
            again(
                &state,
                parts,
                &page,
                FormFeedback::default(),
                StatusCode::NOT_FOUND,
            )
            .await
        }
        Err(error) => internal(error),
    }
}

pub async fn withdraw(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (parts, fields) = read_fields(request).await;
    let page = draft_key(Some(id));
    let reason = fields
        .get("reason")
        .map(|r| r.trim().to_owned())
        .unwrap_or_default();
    let mut feedback = FormFeedback::for_form("withdraw");
    if reason.is_empty() {
        feedback.error(
            "reason",
            "Say why the report is withdrawn: readers see this on its page",
        );
    } else if reason.chars().count() > NOTE_MAX {
        feedback.error(
            "reason",
            format!("Reason must be {NOTE_MAX} characters or fewer"),
        );
    }
    if feedback.has_errors() {
        return again(
            &state,
            parts,
            &page,
            feedback,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let withdrawn = async {
        let mut tx = state.db.begin_write().await?;
        let Some(current) = stored(&mut tx, id).await? else {
            return Ok(false);
        };
        if current.state != "published" {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE reports SET state = 'withdrawn', withdrawn_note = $1, updated_at = $2, version = version + 1 WHERE id = $3",
        )
        .bind(&reason)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            &viewer,
            Change {
                action: "report.withdrawn",
                record_kind: "report",
                record_id: id.to_string(),
                before: describe("published", &current.form, current.form.version),
                after: format!("withdrawn: {reason}"),
            },
        )
        .await?;
        bump_content_version(&mut tx).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(true)
    }
    .await;
    match withdrawn {
        Ok(true) => done(&page, "report-withdrawn"),
        Ok(false) => {
            feedback.error("reason", "Only a published report can be withdrawn");
            again(&state, parts, &page, feedback, StatusCode::CONFLICT).await
        }
        Err(error) => internal(error),
    }
}

/// Throws away text kept from a session that ended (the person chose the saved version).
pub async fn discard_kept(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (_, fields) = read_fields(request).await;
    let page = fields.get("page").cloned().unwrap_or_default();
    let page = if page == "/admin/reports/new"
        || page
            .strip_prefix("/admin/reports/")
            .is_some_and(|id| id.parse::<i64>().is_ok())
    {
        page
    } else {
        "/admin/reports".to_owned()
    };
    if let Err(error) = drafts::discard(&state.db, viewer.id, &page).await {
        return internal(error);
    }
    done(&page, "draft-discarded")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_quarters_are_checked() {
        assert!(is_slug("2026-q2-summary"));
        assert!(!is_slug("2026 Q2"));
        assert!(!is_slug("-start"));
        assert!(is_quarter("2026 Q2"));
        assert!(!is_quarter("2026 Q5"));
        assert!(!is_quarter("2026-Q2"));
    }
}
