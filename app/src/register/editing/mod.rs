//! Staff managing the register's content in the browser: engagement rounds (their figures
//! and the reference prefix of their recommendations), new recommendations, and a
//! recommendation's wording (kept, with a public reason, every time it changes) and details
//! (values, priorities, evidence). Pages in `pages.rs`, form routes and SQL in
//! `engagements.rs` and `recommendations.rs`.

#[cfg(feature = "ssr")]
pub mod engagements;
mod pages;
#[cfg(feature = "ssr")]
pub mod recommendations;

use serde::{Deserialize, Serialize};

pub use pages::{
    AdminEngagementsPage, EarlierWordings, EngagementEditorPage, RecommendationDetailsPage,
    RecommendationNewPage,
};

use super::{EvidenceLink, Figure};
use crate::error::AppError;

pub const NAME_MAX: usize = 120;
pub const SUMMARY_MAX: usize = 400;
pub const BODY_MAX: usize = 20_000;
pub const TITLE_MAX: usize = 200;
pub const SAID_MAX: usize = 4_000;
pub const REASON_MAX: usize = 300;
pub const TEAM_MAX: usize = 100;
/// Rows offered for figures and evidence links (empty rows are ignored).
pub const ROWS: usize = 6;

/// The kinds of engagement round, as stored and as staff read them.
pub const ENGAGEMENT_KINDS: [(&str, &str); 4] = [
    (
        "community-sessions",
        "Community sessions (seldom-heard groups)",
    ),
    ("public-panel", "Public panel"),
    ("policy-review", "Policy review"),
    ("other", "Other"),
];

/// An engagement round in the staff list, with its recommendations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngagementListItem {
    pub key: String,
    pub prefix: String,
    pub name: String,
    pub recommendations: Vec<(String, String)>,
}

/// An engagement round as staff edit it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngagementEditor {
    /// `None` for a new one.
    pub key: Option<String>,
    pub prefix: String,
    pub name: String,
    pub kind: String,
    pub started: String,
    pub ended: Option<String>,
    pub summary: String,
    pub body: String,
    pub figures: Vec<Figure>,
    /// Recommendations already made with its prefix: then the prefix cannot change.
    pub has_recommendations: bool,
    pub revision: String,
}

/// What the new-recommendation form starts with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRecommendation {
    pub engagement_key: String,
    pub engagement_name: String,
    pub prefix: String,
    /// The next free reference with that prefix.
    pub reference: String,
    pub values: Vec<(String, String)>,
    pub priorities: Vec<(String, String)>,
    /// From a policy comment ("Make this a recommendation"): its id, text and policy.
    pub from_comment: Option<(i64, String, String)>,
    pub today: String,
}

/// A recommendation's wording and details as staff edit them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecommendationDetails {
    pub reference: String,
    pub title: String,
    pub what_you_said: String,
    pub values: Vec<String>,
    pub priorities: Vec<String>,
    pub evidence: Vec<EvidenceLink>,
    pub all_values: Vec<(String, String)>,
    pub all_priorities: Vec<(String, String)>,
    pub revision: String,
}

/// An earlier wording of a recommendation, as the public page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierWording {
    pub changed_on: String,
    pub reason: String,
    pub title: String,
    pub what_you_said: String,
    /// Word by word from this wording to the next one: `(kind, text)` with kind `same`,
    /// `removed` or `added`.
    pub diff: Vec<(String, String)>,
}

#[cfg(feature = "ssr")]
fn require_staff() -> Result<(), AppError> {
    crate::accounts::ssr::require(crate::accounts::Permission::RecordStatusChanges).map(|_| ())
}

#[leptos::server(prefix = "/_fn", endpoint = "admin-engagements")]
pub async fn get_admin_engagements() -> Result<Vec<EngagementListItem>, AppError> {
    require_staff()?;
    let state = crate::state::app_state()?;
    Ok(engagements::list(state.db.pool()).await?)
}

#[leptos::server(prefix = "/_fn", endpoint = "engagement-editor")]
pub async fn get_engagement_editor(key: Option<String>) -> Result<EngagementEditor, AppError> {
    require_staff()?;
    let state = crate::state::app_state()?;
    match key {
        None => Ok(EngagementEditor {
            kind: "other".to_owned(),
            ..EngagementEditor::default()
        }),
        Some(key) => {
            let mut conn = state.db.pool().acquire().await?;
            engagements::editor(&mut conn, &key)
                .await?
                .ok_or(AppError::NotFound)
        }
    }
}

#[leptos::server(prefix = "/_fn", endpoint = "new-recommendation")]
pub async fn get_new_recommendation(
    engagement: String,
    from_comment: Option<i64>,
) -> Result<NewRecommendation, AppError> {
    require_staff()?;
    let state = crate::state::app_state()?;
    let mut conn = state.db.pool().acquire().await?;
    recommendations::new_form(&mut conn, &engagement, from_comment)
        .await?
        .ok_or(AppError::NotFound)
}

#[leptos::server(prefix = "/_fn", endpoint = "recommendation-details")]
pub async fn get_recommendation_details(
    reference: String,
) -> Result<RecommendationDetails, AppError> {
    require_staff()?;
    let state = crate::state::app_state()?;
    let mut conn = state.db.pool().acquire().await?;
    recommendations::details(&mut conn, &reference)
        .await?
        .ok_or(AppError::NotFound)
}

/// Every earlier wording of a recommendation, newest first, with what changed (public).
#[leptos::server(prefix = "/_fn", endpoint = "wordings")]
pub async fn get_earlier_wordings(reference: String) -> Result<Vec<EarlierWording>, AppError> {
    let state = crate::state::app_state()?;
    Ok(recommendations::earlier_wordings(state.db.pool(), &reference).await?)
}
