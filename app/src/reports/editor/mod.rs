//! Writing reports in the web app: the form routes that save drafts, publish (each save of
//! a published report is a revision), withdraw, refuse a save that would overwrite someone
//! else's, and keep text from a session that ended.

mod checks;
pub mod data;

use axum::{
    extract::{Path, Request, State},
    http::StatusCode,
};
use serde::Deserialize;

pub use self::data::{draft_key, editor_data, list, preview};
use self::{
    checks::{content_of, describe, stored_rules, summary_length},
    data::stored,
};
use super::{editing::ReportForm, ssr::save_report, KINDS};
use crate::{
    accounts::{ssr::drafts, Permission, SignedIn, Viewer},
    audit::Change,
    dates::now,
    forms::{
        rules::{at_most, text},
        ssr::{done, internal, multiline, read, trimmed, Answer, Posted, Refusal, Reply, Written},
        Confirmation, DateParts,
    },
    html::slugify,
    state::AppState,
};

pub const TITLE_MAX: usize = 150;
pub const SUMMARY_MAX: usize = 300;
pub const BODY_MAX: usize = 200_000;
pub const NOTE_MAX: usize = 300;

fn report_kind(value: &String, _: &()) -> garde::Result {
    if KINDS.iter().any(|(key, _)| key == value) {
        Ok(())
    } else {
        Err(garde::Error::new("Choose the type of report"))
    }
}

/// The report editor's form as posted.
#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct ReportPost {
    #[garde(custom(text("Enter a title", TITLE_MAX, "Title")))]
    #[serde(deserialize_with = "trimmed")]
    title: String,
    #[garde(skip)]
    #[serde(deserialize_with = "trimmed")]
    slug: String,
    #[garde(custom(report_kind))]
    kind: String,
    #[garde(skip)]
    #[serde(deserialize_with = "trimmed")]
    quarter: String,
    /// The date input's three boxes.
    #[garde(skip)]
    #[serde(rename = "date-day")]
    date_day: String,
    #[garde(skip)]
    #[serde(rename = "date-month")]
    date_month: String,
    #[garde(skip)]
    #[serde(rename = "date-year")]
    date_year: String,
    #[garde(custom(summary_length))]
    #[serde(deserialize_with = "trimmed")]
    summary: String,
    #[garde(custom(text("Enter the report", BODY_MAX, "The report")))]
    #[serde(deserialize_with = "multiline")]
    body: String,
    /// References such as `PP-17`, separated by commas or spaces.
    #[garde(skip)]
    recommendations: String,
    /// Checkboxes: every value posted.
    #[garde(skip)]
    values: Vec<String>,
    #[garde(skip)]
    priorities: Vec<String>,
    #[garde(custom(at_most(NOTE_MAX, "Change note")))]
    #[serde(deserialize_with = "trimmed")]
    change_note: String,
    /// The version the form was loaded from, to detect someone else's save meanwhile.
    #[garde(skip)]
    version: String,
    /// `preview` (nothing saved), `save` or `publish`.
    #[garde(skip)]
    action: String,
    /// `yes` once the person has confirmed publishing.
    #[garde(skip)]
    confirmed: String,
}

fn split_choices(chosen: Vec<String>) -> Vec<String> {
    chosen
        .iter()
        .flat_map(|c| c.split(','))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

impl ReportPost {
    /// The form as the editor reads it, the action, and the date's three boxes as typed
    /// with their message if the date is not a real one.
    fn into_form(self) -> (ReportForm, String, DateParts, Option<(String, String)>) {
        let typed = DateParts::new(&self.date_day, &self.date_month, &self.date_year);
        let (date, date_error) = match typed.required("Date of the report") {
            Ok(date) => (date, None),
            Err((which, message)) => (String::new(), Some((which.field("date"), message))),
        };
        let mut form = ReportForm {
            title: self.title,
            slug: self.slug,
            kind: self.kind,
            quarter: self.quarter,
            date,
            summary: self.summary,
            body: self.body,
            recommendations: self.recommendations,
            // From the confirmation page, a list comes back joined with commas.
            values: split_choices(self.values),
            priorities: split_choices(self.priorities),
            change_note: self.change_note,
            version: self.version.trim().parse().unwrap_or(0),
        };
        if form.slug.is_empty() && !form.title.is_empty() {
            form.slug = slugify(&form.title);
        }
        if form.kind != "quarterly-summary" {
            form.quarter.clear();
        }
        let action = match self.action.as_str() {
            "" => "save".to_owned(),
            action => action.to_owned(),
        };
        (form, action, typed, date_error)
    }
}

pub async fn create(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    write(state, None, viewer, request).await
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    write(state, Some(id), viewer, request).await
}

const SAVED_OVER: &str = "Someone else saved this report while you were editing it. Your text is kept below, with the changes between their version and yours. Check both, then save again to replace their version.";

/// The state a save leaves the report in, and whether it needs a change note.
fn next_state(action: &str, was: Option<&str>) -> (String, bool) {
    let new_state = match (action, was) {
        ("publish", _) => "published",
        (_, Some(state)) => state,
        (_, None) => "draft",
    };
    let needs_note = new_state == "published" && was.is_some_and(|was| was != "draft");
    (new_state.to_owned(), needs_note)
}

/// Adds the rules that need the database to the form's own, for the message.
async fn check_before(
    state: &AppState,
    reply: &mut Reply,
    form: &ReportForm,
    id: Option<i64>,
    action: &str,
) -> Result<(), sqlx::Error> {
    let mut conn = state.db.pool().acquire().await?;
    let was = match id {
        Some(id) => stored(&mut conn, id).await?.map(|s| s.state),
        None => None,
    };
    let (_, needs_note) = next_state(action, was.as_deref());
    for (field, message) in stored_rules(&mut conn, form, id, needs_note).await? {
        reply.error(field, message);
    }
    reply.order_errors(&[
        "title",
        "slug",
        "kind",
        "quarter",
        "date",
        "summary",
        "body",
        "recommendations",
        "values",
        "priorities",
        "change_note",
    ]);
    Ok(())
}

/// Saves the form: `action` is `preview` (nothing saved), `save` or `publish`.
async fn write(state: AppState, id: Option<i64>, viewer: Viewer, request: Request) -> Answer {
    let page = draft_key(id);
    let Posted {
        form, mut reply, ..
    } = read::<ReportPost>(request, "report", page.clone()).await;
    let confirmed = form.confirmed == "yes";
    let (form, action, typed_date, date_error) = form.into_form();
    // Shown again as the editor reads it (checkbox lists joined, the address made), with
    // the date's boxes as typed.
    reply.feedback.values = form.to_fields();
    reply.keep_value("date-day", typed_date.day);
    reply.keep_value("date-month", typed_date.month);
    reply.keep_value("date-year", typed_date.year);
    if let Some((field, message)) = date_error {
        reply.error(&field, message);
    }
    if action == "preview" {
        reply.feedback.errors.clear();
        return Err(reply.again(&state, StatusCode::OK).await);
    }
    if !matches!(action.as_str(), "save" | "publish") {
        reply.feedback.errors = vec![("title".to_owned(), "Choose Save or Publish".to_owned())];
        return Err(reply.again(&state, StatusCode::UNPROCESSABLE_ENTITY).await);
    }
    if let Err(error) = check_before(&state, &mut reply, &form, id, &action).await {
        return Err(internal(error));
    }
    let reply = reply.mistakes(&state).await?;
    if action == "publish" && !confirmed && viewer.may(Permission::PublishReports) {
        let mut reply = reply;
        reply.keep_value("action", "publish");
        let confirm = Confirmation {
            heading: format!("Publish “{}”?", form.title),
            consequences: vec![
                format!(
                    "It will be public at once at /reports/{}, in search and in the reports feed.",
                    form.slug
                ),
                "Every later change is kept as a revision that readers can see, and the web address cannot change.".to_owned(),
            ],
            action: page.clone(),
            button: "Yes, publish it".to_owned(),
            back: page.clone(),
            warning: false,
        };
        return Err(reply.confirm(&state, confirm).await);
    }
    let site = state.site.clone();
    let written = reply
        .run(&state, viewer.actor(), async |tx| {
            let mut form = form;
            let current = match id {
                Some(id) => Some(stored(tx, id).await?.ok_or(Refusal::NotFound)?),
                None => None,
            };
            if let Some(current) = &current {
                if current.form.version != form.version {
                    return Err(Refusal::conflict("version", SAVED_OVER));
                }
                if current.first_published_at.is_some() {
                    // Published addresses last: the slug cannot change any more.
                    form.slug = current.form.slug.clone();
                }
            }
            let was = current.as_ref().map(|c| c.state.clone());
            let (new_state, needs_note) = next_state(&action, was.as_deref());
            if new_state == "published" && !viewer.may(Permission::PublishReports) {
                return Err(Refusal::invalid(
                    "title",
                    "Your role does not include publishing reports",
                ));
            }
            let mistakes = stored_rules(tx, &form, id, needs_note).await?;
            if let Some((field, message)) = mistakes.into_iter().next() {
                return Err(Refusal::invalid(field, message));
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
            save_report(
                tx,
                &content_of(&form, &new_state),
                &form.change_note,
                &now(),
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
            let entry = Change {
                action: action_name,
                record_kind: "report",
                record_id: saved_id.to_string(),
                before: match &current {
                    Some(c) => describe(&c.state, &c.form, c.form.version),
                    None => String::new(),
                },
                after: describe(&new_state, &form, version),
            };
            if new_state == "published" && was.as_deref() != Some("published") {
                let url = format!(
                    "{}/reports/{}",
                    site.public_url.trim_end_matches('/'),
                    form.slug
                );
                let message = crate::mail::Message {
                    kind: "reports.published",
                    subject: format!("New report: {}", form.title),
                    paragraphs: vec![form.title.clone(), form.summary.clone()],
                    action: Some(("Read the report".to_owned(), url)),
                };
                crate::mail::send_to_topics(tx, &message, &["reports".to_owned()]).await?;
            }
            let written = Written::public(entry).to(format!("/admin/reports/{saved_id}"));
            Ok((written, new_state == "published"))
        })
        .await?;
    let (_, written, published) = written;
    if let Err(error) = drafts::discard(&state.db, viewer.id, &page).await {
        tracing::warn!(%error, "could not discard a kept draft");
    }
    let notice = if published {
        "report-published"
    } else {
        "report-saved"
    };
    Ok(done(written.to.as_deref().unwrap_or(&page), notice))
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct WithdrawForm {
    #[garde(skip)]
    confirmed: String,
    #[garde(custom(text(
        "Say why the report is withdrawn: readers see this on its page",
        NOTE_MAX,
        "Reason"
    )))]
    #[serde(deserialize_with = "trimmed")]
    reason: String,
}

pub async fn withdraw(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted { form, reply, .. } =
        read::<WithdrawForm>(request, "withdraw", draft_key(Some(id))).await;
    let reply = reply.mistakes(&state).await?;
    let reason = form.reason;
    if form.confirmed != "yes" {
        let page = draft_key(Some(id));
        let confirm = Confirmation {
            heading: "Withdraw this report?".to_owned(),
            consequences: vec![
                "Its page will show your reason instead of the report, at once. Its history stays."
                    .to_owned(),
                format!("Your reason: “{reason}”"),
            ],
            action: format!("{page}/withdraw"),
            button: "Yes, withdraw it".to_owned(),
            back: page,
            warning: true,
        };
        return Err(reply.confirm(&state, confirm).await);
    }
    reply
        .write(&state, viewer.actor(), "report-withdrawn", async |tx| {
            let current = stored(tx, id).await?;
            let Some(current) = current.filter(|c| c.state == "published") else {
                return Err(Refusal::conflict(
                    "reason",
                    "Only a published report can be withdrawn",
                ));
            };
            sqlx::query(
                "UPDATE reports SET state = 'withdrawn', withdrawn_note = $1, updated_at = $2, version = version + 1 WHERE id = $3",
            )
            .bind(&reason)
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            Ok(Written::public(Change {
                action: "report.withdrawn",
                record_kind: "report",
                record_id: id.to_string(),
                before: describe("published", &current.form, current.form.version),
                after: format!("withdrawn: {reason}"),
            }))
        })
        .await
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct DiscardForm {
    /// The editor page whose kept text goes.
    #[garde(skip)]
    page: String,
}

/// Throws away text kept from a session that ended (the person chose the saved version).
pub async fn discard_kept(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted { form, .. } = read::<DiscardForm>(request, "report", "/admin/reports").await;
    let page = if form.page == "/admin/reports/new"
        || form
            .page
            .strip_prefix("/admin/reports/")
            .is_some_and(|id| id.parse::<i64>().is_ok())
    {
        form.page
    } else {
        "/admin/reports".to_owned()
    };
    drafts::discard(&state.db, viewer.id, &page)
        .await
        .map_err(internal)?;
    Ok(done(&page, "draft-discarded"))
}
