//! Reports: quarterly summaries, project reports and research and insight briefings,
//! with their revision history. Drafts are never public; withdrawn reports keep a page
//! that says why, without the body.

pub mod admin_pages;
pub mod editing;
#[cfg(feature = "ssr")]
pub mod editor;
pub mod editor_api;
pub mod pages;
pub mod readability;
#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

use crate::{
    error::AppError,
    html::{SanitizedHtml, TocEntry},
};

/// What the report editor says after its forms worked (`?done=`).
pub const NOTICES: crate::forms::Notices = &[
    ("report-saved", "The report has been saved as a draft."),
    ("report-published", "The report has been published."),
    (
        "report-withdrawn",
        "The report has been withdrawn. Its page now says why.",
    ),
    ("draft-discarded", "The kept text has been discarded."),
];

/// The report editor's form routes.
#[cfg(feature = "ssr")]
#[rustfmt::skip]
pub fn form_routes() -> Vec<crate::accounts::FormRoute> {
    use crate::accounts::{Access::Holder, FormRoute, Permission as P};
    vec![
        FormRoute::post("/admin/reports/new", Holder(P::EditReports), "/admin/reports/new", editor::create).keeping_text(),
        FormRoute::post("/admin/reports/{id}", Holder(P::EditReports), "/admin/reports/{id}", editor::save).keeping_text(),
        FormRoute::post("/admin/reports/{id}/withdraw", Holder(P::PublishReports), "/admin/reports/{id}", editor::withdraw),
        FormRoute::post("/admin/reports/discard-kept", Holder(P::EditReports), "/admin/reports", editor::discard_kept),
    ]
}

pub const KINDS: [(&str, &str); 3] = [
    ("quarterly-summary", "Quarterly summary"),
    ("project-report", "Project report"),
    ("briefing", "Research and insight briefing"),
];

pub fn kind_label(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("Report", |(_, label)| label)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSummary {
    pub slug: String,
    pub kind: String,
    pub title: String,
    pub quarter: Option<String>,
    pub date: String,
    pub summary: String,
    pub state: String,
    pub updated_at: String,
    pub reading_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportView {
    pub report: ReportSummary,
    /// Empty for a withdrawn report.
    pub body: SanitizedHtml,
    pub toc: Vec<TocEntry>,
    pub withdrawn_note: Option<String>,
    pub first_published_at: Option<String>,
    pub revisions: i64,
    pub recommendations: Vec<(String, String)>,
    pub values: Vec<(String, String)>,
    pub priorities: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiffKind {
    Same,
    Added,
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    pub kind: DiffKind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionView {
    pub seq: i64,
    pub saved_at: String,
    pub change_note: String,
    /// Changes against the revision before (the whole text, as added, for the first).
    pub diff: Vec<DiffLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportHistory {
    pub report: ReportSummary,
    pub revisions: Vec<RevisionView>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportFilter {
    pub kind: Option<String>,
    pub value: Option<String>,
    pub priority: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportList {
    pub filter: ReportFilter,
    /// Groups by the period covered, keyed "2026 Q2" (a quarterly summary's own quarter,
    /// otherwise the quarter of the report's date), newest first; shown with
    /// [`period_name`].
    pub groups: Vec<(String, Vec<ReportSummary>)>,
    pub values: Vec<(String, String)>,
    pub priorities: Vec<(String, String)>,
}

#[leptos::server(prefix = "/_fn", endpoint = "reports")]
pub async fn get_reports(filter: ReportFilter) -> Result<ReportList, AppError> {
    let state = crate::state::app_state()?;
    ssr::report_list(state.db.pool(), filter).await
}

#[leptos::server(prefix = "/_fn", endpoint = "report")]
pub async fn get_report(slug: String) -> Result<ReportView, AppError> {
    let state = crate::state::app_state()?;
    ssr::report_view(state.db.pool(), &slug)
        .await?
        .ok_or(AppError::NotFound)
}

#[leptos::server(prefix = "/_fn", endpoint = "report_history")]
pub async fn get_report_history(slug: String) -> Result<ReportHistory, AppError> {
    let state = crate::state::app_state()?;
    ssr::report_history(state.db.pool(), &slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// The quarter a date falls in: "2026-05-20" → "2026 Q2".
pub fn quarter_of(date: &str) -> String {
    let year = date.get(..4).unwrap_or("");
    let month: u32 = date.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    format!("{year} Q{}", (month.clamp(1, 12) - 1) / 3 + 1)
}

/// A quarter in plain words: "2026 Q3" → "July to September 2026". `None` for anything
/// that is not a year and a quarter.
pub fn period_name(quarter: &str) -> Option<String> {
    let (year, q) = quarter.trim().split_once(" Q")?;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let months = match q {
        "1" => "January to March",
        "2" => "April to June",
        "3" => "July to September",
        "4" => "October to December",
        _ => return None,
    };
    Some(format!("{months} {year}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn quarters_read_as_months() {
        assert_eq!(
            super::period_name("2026 Q3").as_deref(),
            Some("July to September 2026")
        );
        assert_eq!(
            super::period_name("2025 Q4").as_deref(),
            Some("October to December 2025")
        );
        assert_eq!(super::period_name("2026 Q5"), None);
        assert_eq!(super::period_name("soon"), None);
    }

    #[test]
    fn dates_fall_in_quarters() {
        assert_eq!(super::quarter_of("2026-01-01"), "2026 Q1");
        assert_eq!(super::quarter_of("2026-06-30"), "2026 Q2");
        assert_eq!(super::quarter_of("2025-12-31"), "2025 Q4");
    }
}
