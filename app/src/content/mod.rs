//! The site's fixed content edited by staff in the browser: the core values, the research
//! priorities (and new ones), the home, contact, accessibility and privacy pages, and the
//! plain-language glossary. Each is Markdown with the same preview and plain-language help
//! as the report editor, and each save is kept as a revision (`content_revisions`).
//! Pages in `pages.rs`; form routes and SQL in `saving.rs`.

mod pages;
#[cfg(feature = "ssr")]
pub mod saving;

use serde::{Deserialize, Serialize};

pub use pages::{ContentEditorPage, ContentListPage, GlossaryEditorPage};

use crate::{error::AppError, reports::editing::Preview};

pub const TITLE_MAX: usize = 120;
pub const SUMMARY_MAX: usize = 400;
pub const BODY_MAX: usize = 50_000;
pub const NOTE_MAX: usize = 300;

/// What staff edit here: `(kind, table, address part, plural label)`.
pub const KINDS: [(&str, &str, &str, &str); 3] = [
    ("value", "core_values", "values", "Core values"),
    (
        "priority",
        "research_priorities",
        "priorities",
        "Research priorities",
    ),
    ("page", "pages", "pages", "Pages"),
];

/// The pages staff may edit (the others are made by the service itself).
pub const EDITABLE_PAGES: [&str; 4] = ["home", "contact", "accessibility", "privacy"];

/// What the content pages say after their forms worked (`?done=`).
pub const NOTICES: crate::forms::Notices = &[
    (
        "content-saved",
        "Saved. The public page shows it now, and the earlier text is kept as a revision.",
    ),
    ("glossary-saved", "The glossary has been saved."),
];

/// The content's form routes.
#[cfg(feature = "ssr")]
#[rustfmt::skip]
pub fn form_routes() -> Vec<crate::accounts::FormRoute> {
    use crate::accounts::{Access::Holder, FormRoute, Permission as P};
    vec![
        FormRoute::post("/admin/values/{slug}", Holder(P::EditReports), "/admin/values/{slug}", saving::save_value).keeping_text(),
        FormRoute::post("/admin/priorities/{slug}", Holder(P::EditReports), "/admin/priorities/{slug}", saving::save_priority).keeping_text(),
        FormRoute::post("/admin/pages/{slug}", Holder(P::EditReports), "/admin/pages/{slug}", saving::save_page).keeping_text(),
        FormRoute::post("/admin/glossary", Holder(P::EditReports), "/admin/glossary", saving::save_glossary).keeping_text(),
    ]
}

/// One item in the staff list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentListItem {
    pub kind: String,
    pub key: String,
    pub title: String,
    pub revisions: i64,
}

/// A value, priority or page as staff edit it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContentEditor {
    pub kind: String,
    /// `None` for a new value or priority.
    pub key: Option<String>,
    pub title: String,
    /// The one-line statement of a value or priority, the summary of a page.
    pub summary: String,
    pub body: String,
    pub revision: String,
    /// Saves so far.
    pub revisions: i64,
    pub preview: Preview,
}

/// The glossary as one text, a term a line: `word = plainer words`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlossaryEditor {
    pub text: String,
    pub revision: String,
}

/// `(address part, kind)` → the kind's table, for a kind named in an address.
pub fn kind_of(part: &str) -> Option<(&'static str, &'static str)> {
    KINDS
        .iter()
        .find(|(_, _, p, _)| *p == part)
        .map(|(kind, table, _, _)| (*kind, *table))
}

/// The public address of an item.
pub fn public_path(kind: &str, key: &str) -> String {
    match kind {
        "value" => format!("/values/{key}"),
        "priority" => format!("/priorities/{key}"),
        _ if key == "home" => "/".to_owned(),
        _ => format!("/{key}"),
    }
}

#[cfg(feature = "ssr")]
fn require_editor() -> Result<(), AppError> {
    crate::accounts::ssr::require(crate::accounts::Permission::EditReports).map(|_| ())
}

#[leptos::server(prefix = "/_fn", endpoint = "content-list")]
pub async fn get_content_list() -> Result<Vec<ContentListItem>, AppError> {
    require_editor()?;
    let state = crate::state::app_state()?;
    Ok(saving::list(state.db.pool()).await?)
}

/// The editor for a value, priority or page (`part` is `values`, `priorities` or
/// `pages`; `key` is `None` for a new one).
#[leptos::server(prefix = "/_fn", endpoint = "content-editor")]
pub async fn get_content_editor(
    part: String,
    key: Option<String>,
) -> Result<ContentEditor, AppError> {
    require_editor()?;
    let state = crate::state::app_state()?;
    let (kind, _) = kind_of(&part).ok_or(AppError::NotFound)?;
    if kind == "page" && !key.as_deref().is_some_and(|k| EDITABLE_PAGES.contains(&k)) {
        return Err(AppError::NotFound);
    }
    let mut conn = state.db.pool().acquire().await?;
    let editor = saving::editor(&mut conn, kind, key.as_deref())
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let posted = leptos::prelude::use_context::<crate::forms::FormFeedback>()
        .filter(|f| f.form == "content")
        .and_then(|f| f.value("body"));
    let preview =
        crate::reports::editor::preview(&state.db, posted.as_deref().unwrap_or(&editor.body))
            .await?;
    Ok(ContentEditor { preview, ..editor })
}

#[leptos::server(prefix = "/_fn", endpoint = "glossary-editor")]
pub async fn get_glossary_editor() -> Result<GlossaryEditor, AppError> {
    require_editor()?;
    let state = crate::state::app_state()?;
    let mut conn = state.db.pool().acquire().await?;
    Ok(saving::glossary(&mut conn).await?)
}
