//! Staff keeping a recommendation up to date, at `/admin/actions/{ref}`: one journey for
//! everything about where it stands — a status change (appended to the public history
//! with its note, for ever), the summary, "what we did", the progress and the target date
//! — then a "Check your answers" page showing the public page as it will look, then
//! confirm. The form routes are in `update.rs`.

mod pages;
#[cfg(feature = "ssr")]
pub mod update;

use serde::{Deserialize, Serialize};

pub use pages::{CheckUpdatePage, StaffRecordPage};

use super::StatusInfo;
use crate::{error::AppError, html::SanitizedHtml};

pub const NOTE_MAX: usize = 1000;
pub const SUMMARY_MAX: usize = 300;
pub const TEAM_MAX: usize = 100;

/// One recommendation as staff edit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRecord {
    pub reference: String,
    pub title: String,
    pub summary: String,
    pub status_key: String,
    pub status_name: String,
    /// The current status is a decision (closed).
    pub closed: bool,
    pub status_changed: String,
    pub team: String,
    pub what_we_did: String,
    pub progress: Option<i64>,
    pub target: Option<String>,
    /// A fingerprint of everything the form changes, as loaded: a form posted from an
    /// older copy (someone else saved meanwhile) is refused rather than overwriting theirs.
    pub revision: String,
    pub statuses: Vec<StatusInfo>,
    pub today: String,
}

/// The public page's facts as an update would leave them, for the check page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdatePreview {
    pub reference: String,
    pub title: String,
    pub summary: String,
    pub status_key: String,
    pub status_name: String,
    /// The status changes: a permanent entry in the public history.
    pub status_changes: bool,
    pub changed_on: String,
    pub note: String,
    pub team: String,
    /// For a decision: when it was made.
    pub decided_on: Option<String>,
    pub progress: Option<i64>,
    pub target: Option<String>,
    pub what_we_did: SanitizedHtml,
}

#[leptos::server(prefix = "/_fn", endpoint = "staff-record")]
pub async fn get_staff_record(reference: String) -> Result<StaffRecord, AppError> {
    crate::accounts::ssr::require(crate::accounts::Permission::RecordStatusChanges)?;
    let state = crate::state::app_state()?;
    let mut conn = state.db.pool().acquire().await?;
    update::staff_record(&mut conn, &reference)
        .await?
        .ok_or(AppError::NotFound)
}

/// What the public page will show after an update checked on the server: the values come
/// from the check page's own form (the posted update, already checked).
#[leptos::server(prefix = "/_fn", endpoint = "staff-update-preview")]
pub async fn preview_update(
    reference: String,
    values: std::collections::BTreeMap<String, String>,
) -> Result<UpdatePreview, AppError> {
    crate::accounts::ssr::require(crate::accounts::Permission::RecordStatusChanges)?;
    let state = crate::state::app_state()?;
    let mut conn = state.db.pool().acquire().await?;
    let record = update::staff_record(&mut conn, &reference)
        .await?
        .ok_or(AppError::NotFound)?;
    update::preview(&record, &values).map_err(|_| {
        AppError::BadRequest("This update has mistakes: go back and correct them.".into())
    })
}
