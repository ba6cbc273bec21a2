//! What the report editor shows and posts: the form's fields, the editor's data, and the
//! live preview with its plain-language help.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{readability::Readability, DiffLine};
use crate::html::SanitizedHtml;

/// The report form's fields, as posted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportForm {
    pub title: String,
    pub slug: String,
    pub kind: String,
    pub quarter: String,
    pub date: String,
    pub summary: String,
    pub body: String,
    /// References such as `PP-17`, separated by commas or spaces.
    pub recommendations: String,
    pub values: Vec<String>,
    pub priorities: Vec<String>,
    pub change_note: String,
    /// The version the form was loaded from, to detect someone else's save meanwhile.
    pub version: i64,
}

fn split_list(text: &str) -> Vec<String> {
    text.split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl ReportForm {
    /// From posted fields; a field given more than once (checkboxes) arrives comma-joined.
    pub fn from_fields(fields: &BTreeMap<String, String>) -> Self {
        let text = |name: &str| fields.get(name).cloned().unwrap_or_default();
        Self {
            title: text("title").trim().to_owned(),
            slug: text("slug").trim().to_owned(),
            kind: text("kind"),
            quarter: text("quarter").trim().to_owned(),
            date: match fields.get("date") {
                Some(date) => date.trim().to_owned(),
                // From the three boxes of the date input (text kept from an ended session).
                None => crate::forms::DateParts::new(
                    &text("date-day"),
                    &text("date-month"),
                    &text("date-year"),
                )
                .parse("Date")
                .ok()
                .flatten()
                .unwrap_or_default(),
            },
            summary: text("summary").trim().to_owned(),
            body: text("body").replace("\r\n", "\n"),
            recommendations: text("recommendations"),
            values: split_list(&text("values")),
            priorities: split_list(&text("priorities")),
            change_note: text("change_note").trim().to_owned(),
            version: text("version").trim().parse().unwrap_or(0),
        }
    }

    pub fn to_fields(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("title".to_owned(), self.title.clone()),
            ("slug".to_owned(), self.slug.clone()),
            ("kind".to_owned(), self.kind.clone()),
            ("quarter".to_owned(), self.quarter.clone()),
            ("date".to_owned(), self.date.clone()),
            ("summary".to_owned(), self.summary.clone()),
            ("body".to_owned(), self.body.clone()),
            ("recommendations".to_owned(), self.recommendations.clone()),
            ("values".to_owned(), self.values.join(",")),
            ("priorities".to_owned(), self.priorities.join(",")),
            ("change_note".to_owned(), self.change_note.clone()),
            ("version".to_owned(), self.version.to_string()),
        ])
    }

    pub fn recommendation_list(&self) -> Vec<String> {
        split_list(&self.recommendations)
            .into_iter()
            .map(|r| r.to_uppercase())
            .collect()
    }
}

/// A report in the editor's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorListItem {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub state: String,
    pub updated_at: String,
}

/// Rendered Markdown and the plain-language figures for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub html: SanitizedHtml,
    pub help: Readability,
}

/// Someone else saved the report while this person was editing: their version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictView {
    pub saved_at: String,
    pub title: String,
    pub summary: String,
    /// From their version to the text being saved now.
    pub diff: Vec<DiffLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditorData {
    /// `None` for a new report.
    pub id: Option<i64>,
    pub form: ReportForm,
    pub state: String,
    pub withdrawn_note: Option<String>,
    pub updated_at: Option<String>,
    /// The slug can change only until the report is first published (links must last).
    pub slug_locked: bool,
    /// When the form holds text kept from a session that ended, when it was kept.
    pub kept_at: Option<String>,
    pub conflict: Option<ConflictView>,
    pub preview: Preview,
    pub values: Vec<(String, String)>,
    pub priorities: Vec<(String, String)>,
    pub may_publish: bool,
}
