//! The update journey's form routes: `POST /admin/actions/{ref}/check` checks an update and
//! shows it on the check page; `POST /admin/actions/{ref}/update` records it (checked again
//! inside the serialised write); `POST /admin/actions/{ref}` goes back to the form with
//! what was typed.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, Request, State},
    http::StatusCode,
};
use serde::Deserialize;
use sqlx::AnyConnection;

use super::{StaffRecord, UpdatePreview, NOTE_MAX, SUMMARY_MAX, TEAM_MAX};
use crate::{
    accounts::SignedIn,
    audit::{self, Change},
    dates::{now, today},
    forms::{
        ssr::{internal, read, text_block, trimmed, Answer, Posted, Refusal, Reply, Written},
        DateParts,
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
    summary: String,
    status_key: String,
    status_name: String,
    closed: i64,
    status_changed: String,
    team: String,
    what_we_did: String,
    progress: Option<i64>,
    target: Option<String>,
}

fn revision(row: &RecordRow) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(
        format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{:?}\u{1f}{:?}\u{1f}{}\u{1f}{}",
            row.summary,
            row.what_we_did,
            row.team,
            row.progress,
            row.target,
            row.status_key,
            row.status_changed
        )
        .as_bytes(),
    );
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// One recommendation as staff edit it, read on `conn` (inside a write transaction, what
/// the write decides on).
pub async fn staff_record(
    conn: &mut AnyConnection,
    reference: &str,
) -> Result<Option<StaffRecord>, sqlx::Error> {
    let row: Option<RecordRow> = sqlx::query_as(
        "SELECT r.reference, r.title, r.summary, r.status_key, s.name AS status_name, s.closed, \
         r.status_changed, r.team, r.what_we_did_md AS what_we_did, r.progress, r.target \
         FROM recommendations r JOIN statuses s ON s.key = r.status_key WHERE r.reference = $1",
    )
    .bind(reference.to_uppercase())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(StaffRecord {
        revision: revision(&row),
        reference: row.reference,
        title: row.title,
        summary: row.summary,
        status_key: row.status_key,
        status_name: row.status_name,
        closed: row.closed == 1,
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

/// Everything the update journey's form posts.
#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
#[garde(allow_unvalidated)]
pub struct UpdateForm {
    /// The new status, or empty to keep the current one.
    #[serde(deserialize_with = "trimmed")]
    status: String,
    #[serde(rename = "changed_on-day")]
    changed_on_day: String,
    #[serde(rename = "changed_on-month")]
    changed_on_month: String,
    #[serde(rename = "changed_on-year")]
    changed_on_year: String,
    #[serde(deserialize_with = "text_block")]
    note: String,
    #[serde(deserialize_with = "trimmed")]
    team: String,
    #[serde(deserialize_with = "trimmed")]
    summary: String,
    #[serde(deserialize_with = "text_block")]
    what_we_did: String,
    #[serde(deserialize_with = "trimmed")]
    progress: String,
    #[serde(rename = "target-day")]
    target_day: String,
    #[serde(rename = "target-month")]
    target_month: String,
    #[serde(rename = "target-year")]
    target_year: String,
    /// The record's revision when the form was loaded.
    #[serde(deserialize_with = "trimmed")]
    revision: String,
}

/// A checked update.
#[derive(Debug, Clone, PartialEq)]
struct Update {
    /// `(status, changed_on, note)` when the status changes.
    status: Option<(String, String, String)>,
    team: String,
    summary: String,
    what_we_did: String,
    /// Cleared for a decision.
    progress: Option<i64>,
    target: Option<String>,
    closes: bool,
}

type Mistakes = Vec<(String, String)>;

/// Checks an update against the record as it is now. Every rule is here, so the check
/// page and the write (inside the transaction, which decides) apply the same ones.
fn check(record: &StaffRecord, form: &UpdateForm) -> Result<Update, Mistakes> {
    let mut mistakes: Mistakes = Vec::new();
    let mut mistake = |field: &str, message: String| mistakes.push((field.to_owned(), message));
    let chosen = (!form.status.is_empty()).then_some(form.status.as_str());
    let new_status = match chosen {
        None => None,
        Some(key) => match record.statuses.iter().find(|s| s.key == key) {
            None => {
                mistake(
                    "status",
                    "Choose the new status, or keep the current one".into(),
                );
                None
            }
            Some(_) if key == record.status_key => {
                mistake(
                    "status",
                    format!(
                        "It is already “{}”. Choose a different status, or keep the current one",
                        record.status_name
                    ),
                );
                None
            }
            Some(status) => Some(status),
        },
    };
    let changed_on = DateParts::new(
        &form.changed_on_day,
        &form.changed_on_month,
        &form.changed_on_year,
    );
    let mut status = None;
    if let Some(new_status) = new_status {
        match changed_on.required("Date of the change") {
            Err((which, message)) => mistake(&which.field("changed_on"), message),
            Ok(day) if day < record.status_changed => mistake(
                "changed_on",
                format!(
                    "Date of the change must be the same as or after the last change, {}",
                    crate::dates::display_date(&record.status_changed)
                ),
            ),
            Ok(day) if day > record.today => mistake(
                "changed_on",
                "Date of the change must be today or in the past".into(),
            ),
            Ok(day) => status = Some((new_status.key.clone(), day)),
        }
        if form.note.is_empty() {
            mistake("note", "Enter a public note saying what happened".into());
        } else if form.note.chars().count() > NOTE_MAX {
            mistake(
                "note",
                format!("Note must be {NOTE_MAX} characters or fewer"),
            );
        }
    } else if chosen.is_none() && (!form.note.is_empty() || !changed_on.is_empty()) {
        mistake(
            "status",
            "Choose the new status, or clear the date and note of the change".into(),
        );
    }
    if form.team.is_empty() {
        mistake("team", "Enter the team responsible".into());
    } else if form.team.chars().count() > TEAM_MAX {
        mistake(
            "team",
            format!("Team must be {TEAM_MAX} characters or fewer"),
        );
    }
    if form.summary.is_empty() {
        mistake(
            "summary",
            "Enter a summary: where this recommendation stands, in a sentence or two".into(),
        );
    } else if form.summary.chars().count() > SUMMARY_MAX {
        mistake(
            "summary",
            format!("Summary must be {SUMMARY_MAX} characters or fewer"),
        );
    }
    if form.what_we_did.is_empty() {
        mistake(
            "what_we_did",
            "Enter what the SDE did, or is doing, about this recommendation".into(),
        );
    }
    let closes = new_status.map_or(record.closed, |s| s.closed);
    let reopens = record.closed && !closes;
    let progress = match form.progress.as_str() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(p) if (0..=100).contains(&p) => Some(p),
            _ => {
                mistake(
                    "progress",
                    "Progress must be a whole number from 0 to 100, or empty".into(),
                );
                None
            }
        },
    };
    if closes && !form.progress.is_empty() {
        mistake(
            "progress",
            "Leave progress empty: the new status is a decision, which has no percentage".into(),
        );
    } else if reopens && form.progress.is_empty() {
        mistake(
            "progress",
            "Enter the progress again: it was cleared when the decision was made".into(),
        );
    }
    let target = DateParts::new(&form.target_day, &form.target_month, &form.target_year);
    let target = match target.parse("Target date") {
        Err((which, message)) => {
            mistake(&which.field("target"), message);
            None
        }
        Ok(Some(_)) if closes => {
            mistake(
                "target",
                "Leave the target date empty: the new status is a decision".into(),
            );
            None
        }
        Ok(target) => target,
    };
    if !mistakes.is_empty() {
        return Err(mistakes);
    }
    Ok(Update {
        status: status.map(|(key, day)| (key, day, form.note.clone())),
        team: form.team.clone(),
        summary: form.summary.clone(),
        what_we_did: form.what_we_did.clone(),
        progress: progress.filter(|_| !closes),
        target: target.filter(|_| !closes),
        closes,
    })
}

/// The public page as the update would leave it (the check page).
pub fn preview(
    record: &StaffRecord,
    values: &BTreeMap<String, String>,
) -> Result<UpdatePreview, Mistakes> {
    let json = serde_json::to_value(values).unwrap_or_default();
    let form: UpdateForm = serde_json::from_value(json).unwrap_or_default();
    let update = check(record, &form)?;
    let (status_key, changed_on, note) = update.status.clone().unwrap_or_else(|| {
        (
            record.status_key.clone(),
            record.status_changed.clone(),
            String::new(),
        )
    });
    let status_name = record
        .statuses
        .iter()
        .find(|s| s.key == status_key)
        .map_or_else(|| status_key.clone(), |s| s.name.clone());
    Ok(UpdatePreview {
        reference: record.reference.clone(),
        title: record.title.clone(),
        summary: update.summary.clone(),
        status_changes: update.status.is_some(),
        decided_on: update.closes.then(|| changed_on.clone()),
        status_key,
        status_name,
        changed_on,
        note,
        team: update.team.clone(),
        progress: update.progress,
        target: update.target.clone(),
        what_we_did: render_markdown(&update.what_we_did),
    })
}

/// Shows the mistakes beside their fields, on the form's page (422).
async fn with_mistakes(state: &AppState, mut reply: Reply, mistakes: Mistakes) -> Answer {
    reply.feedback.errors = mistakes;
    Err(reply.again(state, StatusCode::UNPROCESSABLE_ENTITY).await)
}

async fn record_now(state: &AppState, reference: &str) -> Result<Option<StaffRecord>, sqlx::Error> {
    let mut conn = state.db.pool().acquire().await?;
    staff_record(&mut conn, reference).await
}

/// `POST /admin/actions/{ref}/check`: the update, checked, on the check page (or the form
/// again with its mistakes).
pub async fn check_update(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    request: Request,
) -> Answer {
    let Posted {
        form, mut reply, ..
    } = read::<UpdateForm>(request, "update", page(&reference)).await;
    let Some(record) = record_now(&state, &reference).await.map_err(internal)? else {
        return Err(reply.not_found(&state).await);
    };
    if let Err(mistakes) = check(&record, &form) {
        return with_mistakes(&state, reply, mistakes).await;
    }
    reply.page = format!("{}/check", page(&record.reference));
    Ok(reply.again(&state, StatusCode::OK).await)
}

/// `POST /admin/actions/{ref}`: back from the check page to the form, with what was typed.
pub async fn change_update(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    request: Request,
) -> Answer {
    let Posted { reply, .. } = read::<UpdateForm>(request, "update", page(&reference)).await;
    Ok(reply.again(&state, StatusCode::OK).await)
}

const SAVED_OVER: &str = "Someone else updated this recommendation while you were working on it. Your changes are kept here: check the public page for theirs, then continue again.";

/// `POST /admin/actions/{ref}/update`: records a checked update.
pub async fn record_update(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted {
        form, mut reply, ..
    } = read::<UpdateForm>(request, "update", page(&reference)).await;
    reply.page = page(&reference);
    let to = format!("/actions/{}", reference.to_uppercase());
    let site = state.site.clone();
    reply
        .write(&state, viewer.actor(), "recommendation-updated", async |tx| {
            let Some(record) = staff_record(tx, &reference).await? else {
                return Err(Refusal::NotFound);
            };
            // The revision is checked inside the serialised write: of two updates made
            // from the same copy, the second is refused, never silently lost.
            if form.revision != record.revision {
                return Err(Refusal::conflict("summary", SAVED_OVER)
                    .keeping("revision", record.revision));
            }
            let update = match check(&record, &form) {
                Ok(update) => update,
                Err(mistakes) => {
                    let (field, message) = mistakes.into_iter().next().unwrap_or_default();
                    return Err(Refusal::conflict(field, message));
                }
            };
            let at = now();
            // One entry for each thing that changed: the status, the response, or both.
            let response_changed = update.summary != record.summary
                || update.what_we_did != record.what_we_did
                || update.progress != record.progress
                || update.target != record.target
                || update.team != record.team;
            let mut status_entry = None;
            if let Some((status, changed_on, note)) = &update.status {
                record_status_change(
                    tx,
                    &record.reference,
                    changed_on,
                    status,
                    note,
                    &update.team,
                    &at,
                )
                .await?;
                status_entry = Some(Change {
                    action: "recommendation.status-changed",
                    record_kind: "recommendation",
                    record_id: record.reference.clone(),
                    before: format!("status {}", record.status_key),
                    after: format!("status {status} on {changed_on}: {note}"),
                });
            }
            sqlx::query(
                "UPDATE recommendations SET summary = $1, what_we_did_md = $2, what_we_did_html = $3, \
                 progress = $4, target = $5, team = $6, updated_at = $7 WHERE reference = $8",
            )
            .bind(&update.summary)
            .bind(&update.what_we_did)
            .bind(render_markdown(&update.what_we_did).into_inner())
            .bind(update.progress)
            .bind(update.target.clone())
            .bind(&update.team)
            .bind(&at)
            .bind(&record.reference)
            .execute(&mut *tx)
            .await?;
            let response_entry = Change {
                action: "recommendation.response-changed",
                record_kind: "recommendation",
                record_id: record.reference.clone(),
                before: response_summary(
                    &record.summary,
                    &record.what_we_did,
                    record.progress,
                    record.target.as_deref(),
                    &record.team,
                ),
                after: response_summary(
                    &update.summary,
                    &update.what_we_did,
                    update.progress,
                    update.target.as_deref(),
                    &update.team,
                ),
            };
            let entry = match status_entry {
                Some(status_entry) if response_changed => {
                    audit::record(tx, viewer.actor(), &status_entry).await?;
                    response_entry
                }
                Some(status_entry) => status_entry,
                None => response_entry,
            };
            let status_name = |key: &str| {
                record
                    .statuses
                    .iter()
                    .find(|s| s.key == key)
                    .map_or_else(|| key.to_owned(), |s| s.name.clone())
            };
            let (headline, mut lines) = match &update.status {
                Some((status, changed_on, note)) => (
                    format!("{} is now {}", record.reference, status_name(status)),
                    vec![format!(
                        "{}: {} → {}. {note}",
                        crate::dates::display_date(changed_on),
                        record.status_name,
                        status_name(status)
                    )],
                ),
                None => (format!("{} has been updated", record.reference), Vec::new()),
            };
            lines.push(update.summary.clone());
            crate::register::notices::recommendation_changed(
                tx,
                &site,
                &record.reference,
                headline,
                lines,
            )
            .await?;
            Ok(Written::public(entry).to(to))
        })
        .await
}

/// A response as the audit log words it: "summary of 12 words; “what we did” of 110 words;
/// 40% complete; target 1 March 2027; team PPIE Team".
fn response_summary(
    summary: &str,
    what_we_did: &str,
    progress: Option<i64>,
    target: Option<&str>,
    team: &str,
) -> String {
    format!(
        "summary of {} words; “what we did” of {} words; {}; {}; team {team}",
        summary.split_whitespace().count(),
        what_we_did.split_whitespace().count(),
        progress.map_or("no progress figure".to_owned(), |p| format!(
            "{p}% complete"
        )),
        target.map_or("no target date".to_owned(), |t| format!(
            "target {}",
            crate::dates::display_date(t)
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::StatusInfo;

    fn status(key: &str, closed: bool) -> StatusInfo {
        StatusInfo {
            key: key.into(),
            name: key.into(),
            description: String::new(),
            closed,
            progress: 0,
        }
    }

    fn record(status_key: &str, closed: bool) -> StaffRecord {
        StaffRecord {
            reference: "PP-5".into(),
            title: "A fair share".into(),
            summary: "Behind schedule.".into(),
            status_key: status_key.into(),
            status_name: status_key.into(),
            closed,
            status_changed: "2026-01-10".into(),
            team: "Board".into(),
            what_we_did: "Work.".into(),
            progress: Some(40),
            target: Some("2026-03-31".into()),
            revision: "r".into(),
            statuses: vec![status("in-progress", false), status("implemented", true)],
            today: "2026-07-02".into(),
        }
    }

    fn form(status: &str, progress: &str, target: (&str, &str, &str)) -> UpdateForm {
        UpdateForm {
            status: status.into(),
            changed_on_day: if status.is_empty() { "" } else { "2" }.into(),
            changed_on_month: if status.is_empty() { "" } else { "7" }.into(),
            changed_on_year: if status.is_empty() { "" } else { "2026" }.into(),
            note: if status.is_empty() { "" } else { "Done." }.into(),
            team: "Board".into(),
            summary: "Where it stands.".into(),
            what_we_did: "Work.".into(),
            progress: progress.into(),
            target_day: target.0.into(),
            target_month: target.1.into(),
            target_year: target.2.into(),
            revision: "r".into(),
        }
    }

    #[test]
    fn a_decision_clears_progress_and_target_and_refuses_new_ones() {
        let done = check(
            &record("in-progress", false),
            &form("implemented", "", ("", "", "")),
        )
        .unwrap();
        assert!(done.closes);
        assert_eq!((done.progress, done.target), (None, None));
        let mistakes = check(
            &record("in-progress", false),
            &form("implemented", "40", ("31", "3", "2026")),
        )
        .unwrap_err();
        let fields: Vec<_> = mistakes.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["progress", "target"]);
    }

    #[test]
    fn reopening_a_decision_asks_for_the_progress_again() {
        let mistakes = check(
            &record("implemented", true),
            &form("in-progress", "", ("", "", "")),
        )
        .unwrap_err();
        assert_eq!(mistakes[0].0, "progress");
        assert!(check(
            &record("implemented", true),
            &form("in-progress", "10", ("", "", ""))
        )
        .is_ok());
    }

    #[test]
    fn a_change_dated_before_the_last_or_in_the_future_is_refused() {
        let mut future = form("implemented", "", ("", "", ""));
        future.changed_on_day = "3".into();
        assert_eq!(
            check(&record("in-progress", false), &future).unwrap_err()[0],
            (
                "changed_on".to_owned(),
                "Date of the change must be today or in the past".to_owned()
            )
        );
        let mut missing_month = form("implemented", "", ("", "", ""));
        missing_month.changed_on_month = String::new();
        assert_eq!(
            check(&record("in-progress", false), &missing_month).unwrap_err()[0].0,
            "changed_on-month"
        );
    }
}
