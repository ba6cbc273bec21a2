//! The server functions the report editor's pages call: the list, the editor's data, and
//! the live preview (called from the browser by the editor island).

use std::collections::BTreeMap;

use super::editing::{EditorData, EditorListItem, Preview};
use crate::error::AppError;

#[leptos::server(prefix = "/_fn", endpoint = "admin-reports")]
pub async fn get_editor_reports() -> Result<Vec<EditorListItem>, AppError> {
    crate::accounts::ssr::require(crate::accounts::Permission::ViewDraftReports)?;
    let state = crate::state::app_state()?;
    Ok(super::editor::list(&state.db).await?)
}

/// The editor for report `id` (or a new one). `posted` is the form as just posted when the
/// page is shown again (mistakes, preview, conflict).
#[leptos::server(prefix = "/_fn", endpoint = "report-editor")]
pub async fn get_report_editor(
    id: Option<i64>,
    posted: Option<BTreeMap<String, String>>,
    conflict: bool,
) -> Result<EditorData, AppError> {
    let viewer = crate::accounts::ssr::require(crate::accounts::Permission::ViewDraftReports)?;
    let state = crate::state::app_state()?;
    super::editor::editor_data(&state.db, &viewer, id, posted, conflict).await
}

/// The preview and plain-language help for some Markdown, as the public page would show it.
#[leptos::server(prefix = "/_fn", endpoint = "report-preview")]
pub async fn preview_report(body: String) -> Result<Preview, AppError> {
    crate::accounts::ssr::require(crate::accounts::Permission::EditReports)?;
    let state = crate::state::app_state()?;
    Ok(super::editor::preview(&state.db, &body).await?)
}
