//! Staff recording what the SDE did: a status change (appended to the public history with
//! its note) and the response ("what we did"), at `/admin/actions/{ref}`. The form routes
//! are listed in `accounts::handlers::ENDPOINTS`; each change writes its audit entry.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::StatusInfo;
use crate::{
    components::{loaded, page_title},
    error::AppError,
    forms::{feedback, textarea_text, DoneNotice, ErrorSummary, TextField},
};

pub const NOTE_MAX: usize = 1000;

/// One recommendation as staff edit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRecord {
    pub reference: String,
    pub title: String,
    pub status_key: String,
    pub status_name: String,
    pub status_changed: String,
    pub team: String,
    pub what_we_did: String,
    pub progress: Option<i64>,
    pub target: Option<String>,
    /// A fingerprint of the response as loaded: a form posted from an older copy (someone
    /// else saved meanwhile) is refused rather than overwriting theirs.
    pub revision: String,
    pub statuses: Vec<StatusInfo>,
    pub today: String,
}

#[leptos::server(prefix = "/_fn", endpoint = "staff-record")]
pub async fn get_staff_record(reference: String) -> Result<StaffRecord, AppError> {
    crate::accounts::ssr::require(crate::accounts::Permission::RecordStatusChanges)?;
    let state = crate::state::app_state()?;
    let mut conn = state.db.pool().acquire().await?;
    ssr::staff_record(&mut conn, &reference)
        .await?
        .ok_or(AppError::NotFound)
}

#[component]
pub fn StaffRecordPage() -> impl IntoView {
    let reference = use_params_map()
        .get_untracked()
        .get("reference")
        .unwrap_or_default();
    loaded(
        move || get_staff_record(reference.clone()),
        |record| {
            let values = |form: &str, field: &str| feedback(form).and_then(|f| f.value(field));
            let chosen = values("status", "status").unwrap_or_default();
            let status_error = feedback("status").and_then(|f| f.error_for("status"));
            let response_error = feedback("response").and_then(|f| f.error_for("what_we_did"));
            let what_we_did =
                values("response", "what_we_did").unwrap_or_else(|| record.what_we_did.clone());
            let progress = values("response", "progress")
                .unwrap_or_else(|| record.progress.map(|p| p.to_string()).unwrap_or_default());
            let target = values("response", "target")
                .unwrap_or_else(|| record.target.clone().unwrap_or_default());
            let has_status_error = status_error.is_some();
            let has_response_error = response_error.is_some();
            view! {
                <Title text=page_title(format!("Update {}", record.reference)) />
                <DoneNotice notices=super::NOTICES />
                <ErrorSummary form="status" />
                <ErrorSummary form="response" />
                <span class="nhsuk-caption-l">{format!("Recommendation {}", record.reference)}</span>
                <h1>{record.title.clone()}</h1>
                <p>
                    "Now: "<strong data-test="current-status">{record.status_name.clone()}</strong>
                    {format!(" since {}. ", record.status_changed)}
                    <a href=format!("/actions/{}", record.reference)>"See the public page"</a>
                </p>
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <h2 id="status-heading">"Record a status change"</h2>
                        <p>"The change and its note are added to the public history, which is never edited or deleted."</p>
                        <form method="post" action=format!("/admin/actions/{}/status", record.reference) novalidate aria-labelledby="status-heading" data-test="status-form">
                            <div class="nhsuk-form-group" class:nhsuk-form-group--error=has_status_error>
                                <fieldset class="nhsuk-fieldset" id="status">
                                    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"New status"</legend>
                                    {status_error.map(|m| view! { <span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                                    <div class="nhsuk-radios">
                                        {record.statuses.iter().filter(|s| s.key != record.status_key).map(|s| {
                                            let id = format!("status-{}", s.key);
                                            let hint = format!("{id}-hint");
                                            view! {
                                                <div class="nhsuk-radios__item">
                                                    <input class="nhsuk-radios__input" id=id.clone() name="status" type="radio" value=s.key.clone() checked=chosen == s.key aria-describedby=hint.clone() />
                                                    <label class="nhsuk-label nhsuk-radios__label" for=id>{s.name.clone()}</label>
                                                    <div class="nhsuk-hint nhsuk-radios__hint" id=hint>{s.description.clone()}</div>
                                                </div>
                                            }
                                        }).collect_view()}
                                    </div>
                                </fieldset>
                            </div>
                            <TextField form="status" name="changed_on" label="Date of the change" hint="Year-month-day. Not before the last change and not in the future." value=record.today.clone() width="10" />
                            <TextField form="status" name="note" label="Public note" hint="What happened, in plain words. Readers see this in the history." />
                            <TextField form="status" name="team" label="Team responsible" value=record.team.clone() />
                            <button class="nhsuk-button" type="submit" data-test="record-status">"Record status change"</button>
                        </form>

                        <h2 id="response-heading">"Our response: what we did"</h2>
                        <form method="post" action=format!("/admin/actions/{}/response", record.reference) novalidate aria-labelledby="response-heading" data-test="response-form" data-unsaved-warning="">
                            <input type="hidden" name="revision" value=feedback("response").and_then(|f| f.value("revision")).unwrap_or_else(|| record.revision.clone()) />
                            <div class="nhsuk-form-group" class:nhsuk-form-group--error=has_response_error>
                                <label class="nhsuk-label" for="what_we_did">"What we did (Markdown)"</label>
                                {response_error.map(|m| view! { <span class="nhsuk-error-message" id="what_we_did-error"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                                <textarea class="nhsuk-textarea" id="what_we_did" name="what_we_did" rows="10">{textarea_text(&what_we_did)}</textarea>
                            </div>
                            <TextField form="response" name="progress" label="Progress, per cent (optional)" hint="0 to 100. Left empty, the status decides." value=progress width="3" />
                            <TextField form="response" name="target" label="Target date (optional)" hint="Year-month-day" value=target width="10" />
                            <button class="nhsuk-button nhsuk-button--secondary" type="submit" data-test="save-response">"Save response"</button>
                        </form>
                    </div>
                </div>
            }
        },
    )
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use axum::extract::{Path, Request, State};
    use serde::Deserialize;
    use sqlx::AnyConnection;

    use super::{StaffRecord, NOTE_MAX};
    use crate::{
        accounts::SignedIn,
        audit::Change,
        dates::{now, today},
        forms::{
            rules::{iso_date, optional_iso_date, optional_percent, required, text},
            ssr::{multiline, read, Answer, Posted, Refusal, Written},
        },
        html::render_markdown,
        register::ssr::{record_status_change, statuses},
        state::AppState,
    };

    /// A recommendation's editable facts, as read.
    #[derive(sqlx::FromRow)]
    struct RecordRow {
        reference: String,
        title: String,
        status_key: String,
        status_name: String,
        status_changed: String,
        team: String,
        what_we_did: String,
        progress: Option<i64>,
        target: Option<String>,
    }

    fn revision(what_we_did: &str, progress: Option<i64>, target: Option<&str>) -> String {
        use sha2::{Digest, Sha256};
        let digest =
            Sha256::digest(format!("{what_we_did}\u{1f}{progress:?}\u{1f}{target:?}").as_bytes());
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// One recommendation as staff edit it, read on `conn` (inside a write transaction,
    /// what the write decides on).
    pub async fn staff_record(
        conn: &mut AnyConnection,
        reference: &str,
    ) -> Result<Option<StaffRecord>, sqlx::Error> {
        let row: Option<RecordRow> = sqlx::query_as(
            "SELECT r.reference, r.title, r.status_key, s.name AS status_name, r.status_changed, r.team, \
             r.what_we_did_md AS what_we_did, r.progress, r.target \
             FROM recommendations r JOIN statuses s ON s.key = r.status_key WHERE r.reference = $1",
        )
        .bind(reference.to_uppercase())
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(Some(StaffRecord {
            revision: revision(&row.what_we_did, row.progress, row.target.as_deref()),
            reference: row.reference,
            title: row.title,
            status_key: row.status_key,
            status_name: row.status_name,
            status_changed: row.status_changed,
            team: row.team,
            what_we_did: row.what_we_did,
            progress: row.progress,
            target: row.target,
            statuses: statuses(&mut *conn).await?,
            today: today(),
        }))
    }

    fn page(reference: &str) -> String {
        format!("/admin/actions/{}", reference.to_uppercase())
    }

    #[derive(Debug, Default, Deserialize, garde::Validate)]
    #[serde(default)]
    pub struct StatusForm {
        #[garde(skip)]
        status: String,
        #[garde(custom(iso_date("Enter the date as year-month-day, like 2026-11-20")))]
        changed_on: String,
        #[garde(custom(text("Enter a public note saying what happened", NOTE_MAX, "Note")))]
        note: String,
        #[garde(custom(required("Enter the team responsible")))]
        team: String,
    }

    /// The rules a status change must keep against the record as it is now: a different
    /// status that exists, dated between the last change and today. Checked for the
    /// message when the form arrives, and again inside the write, which decides.
    fn status_change_errors(
        record: &StaffRecord,
        form: &StatusForm,
    ) -> Vec<(&'static str, String)> {
        let mut errors = Vec::new();
        let status = form.status.trim();
        if !record.statuses.iter().any(|s| s.key == status) {
            errors.push(("status", "Choose the new status".to_owned()));
        } else if status == record.status_key {
            errors.push((
                "status",
                format!(
                    "It is already “{}”. Choose a different status",
                    record.status_name
                ),
            ));
        }
        let changed_on = form.changed_on.trim();
        if crate::dates::is_iso_date(changed_on) {
            if changed_on < record.status_changed.as_str() {
                errors.push((
                    "changed_on",
                    format!(
                        "The date cannot be before the last change ({})",
                        record.status_changed
                    ),
                ));
            } else if changed_on > record.today.as_str() {
                errors.push(("changed_on", "The date cannot be in the future".to_owned()));
            }
        }
        errors
    }

    pub async fn record_status(
        State(state): State<AppState>,
        Path(reference): Path<String>,
        SignedIn(viewer): SignedIn,
        request: Request,
    ) -> Answer {
        let Posted { form, mut reply } =
            read::<StatusForm>(request, "status", page(&reference)).await;
        let record = match state.db.pool().acquire().await {
            Ok(mut conn) => staff_record(&mut conn, &reference).await,
            Err(error) => Err(error),
        };
        match record {
            Ok(Some(record)) => {
                for (field, message) in status_change_errors(&record, &form) {
                    reply.error(field, message);
                }
                // The summary lists mistakes in the order of the fields on the page.
                let order = ["status", "changed_on", "note", "team"];
                reply
                    .feedback
                    .errors
                    .sort_by_key(|(field, _)| order.iter().position(|f| f == field));
            }
            Ok(None) => return Err(reply.not_found(&state).await),
            Err(error) => return Err(crate::forms::ssr::internal(error)),
        }
        let reply = reply.mistakes(&state).await?;
        let (status, changed_on, note, team) = (
            form.status.trim(),
            form.changed_on.trim(),
            form.note.trim(),
            form.team.trim(),
        );
        reply
            .write(&state, viewer.actor(), "status-recorded", async |tx| {
                let Some(record) = staff_record(tx, &reference).await? else {
                    return Err(Refusal::NotFound);
                };
                if let Some((field, message)) =
                    status_change_errors(&record, &form).into_iter().next()
                {
                    // Someone else recorded a change meanwhile.
                    return Err(Refusal::conflict(field, message));
                }
                record_status_change(
                    tx,
                    &record.reference,
                    changed_on,
                    status,
                    note,
                    team,
                    &now(),
                )
                .await?;
                Ok(Written::public(Change {
                    action: "recommendation.status-changed",
                    record_kind: "recommendation",
                    record_id: record.reference.clone(),
                    before: format!("status {}", record.status_key),
                    after: format!("status {status} on {changed_on}: {note}"),
                }))
            })
            .await
    }

    #[derive(Debug, Default, Deserialize, garde::Validate)]
    #[serde(default)]
    pub struct ResponseForm {
        #[garde(custom(required(
            "Enter what the SDE did, or is doing, about this recommendation"
        )))]
        #[serde(deserialize_with = "multiline")]
        what_we_did: String,
        #[garde(custom(optional_percent(
            "Progress must be a whole number from 0 to 100, or empty"
        )))]
        progress: String,
        #[garde(custom(optional_iso_date(
            "Enter the target date as year-month-day, like 2027-03-31, or leave it empty"
        )))]
        target: String,
        /// The record's revision when the form was loaded.
        #[garde(skip)]
        revision: String,
    }

    const SAVED_OVER: &str = "Someone else changed this recommendation while you were editing. Your text is kept here; check the public page for theirs, then save again.";

    pub async fn save_response(
        State(state): State<AppState>,
        Path(reference): Path<String>,
        SignedIn(viewer): SignedIn,
        request: Request,
    ) -> Answer {
        let Posted { form, reply } =
            read::<ResponseForm>(request, "response", page(&reference)).await;
        let reply = reply.mistakes(&state).await?;
        let what_we_did = form.what_we_did;
        let progress = form.progress.trim().parse::<i64>().ok();
        let target = Some(form.target.trim().to_owned()).filter(|t| !t.is_empty());
        reply
            .write(&state, viewer.actor(), "response-saved", async |tx| {
                let Some(record) = staff_record(tx, &reference).await? else {
                    return Err(Refusal::NotFound);
                };
                // The revision is checked inside the serialised write: of two saves made
                // from the same copy, the second is refused, never silently lost.
                if form.revision.trim() != record.revision {
                    // Saving again now replaces theirs knowingly.
                    return Err(Refusal::conflict("what_we_did", SAVED_OVER)
                        .keeping("revision", record.revision));
                }
                sqlx::query(
                    "UPDATE recommendations SET what_we_did_md = $1, what_we_did_html = $2, progress = $3, target = $4, \
                     updated_at = $5 WHERE reference = $6",
                )
                .bind(&what_we_did)
                .bind(render_markdown(&what_we_did).into_inner())
                .bind(progress)
                .bind(target.clone())
                .bind(now())
                .bind(&record.reference)
                .execute(&mut *tx)
                .await?;
                Ok(Written::public(Change {
                    action: "recommendation.response-changed",
                    record_kind: "recommendation",
                    record_id: record.reference.clone(),
                    before: format!(
                        "{} words, progress {:?}, target {:?}",
                        record.what_we_did.split_whitespace().count(),
                        record.progress,
                        record.target
                    ),
                    after: format!(
                        "{} words, progress {progress:?}, target {target:?}",
                        what_we_did.split_whitespace().count()
                    ),
                }))
            })
            .await
    }
}
