//! The register of Actions to Build Trust: every recommendation the public made, its
//! status, the SDE's response and the dated history in between.

pub mod components;
pub mod dashboard;
pub mod editing;
pub mod follows;
pub mod friends;
#[cfg(feature = "ssr")]
pub mod notices;
pub mod pages;
pub mod query;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod staff;

use serde::{Deserialize, Serialize};

pub use query::{RegisterQuery, Sort, MAX_QUERY_CHARS};

use crate::{error::AppError, html::SanitizedHtml};

/// What the register's pages say after its forms worked (`?done=`).
pub const NOTICES: crate::forms::Notices = &[
    (
        "status-recorded",
        "The status change has been recorded and added to the public history.",
    ),
    ("response-saved", "The response has been saved."),
    ("engagement-saved", "The engagement has been saved."),
    (
        "recommendation-added",
        "The recommendation has been added. This is its public page: it is in the register, search, feeds and open data now.",
    ),
    (
        "details-saved",
        "The wording and details have been saved. Any earlier wording is shown below with its reason.",
    ),
    (
        "recommendation-updated",
        "The update has been recorded. This is the public page as everyone now sees it.",
    ),
    (
        "followed",
        "You follow this recommendation. Your account page lists it with any changes.",
    ),
    ("unfollowed", "You no longer follow this recommendation."),
    (
        "follows-seen",
        "Every recommendation you follow is marked as seen.",
    ),
];

/// The register's form routes: following, and staff recording what the SDE did.
#[cfg(feature = "ssr")]
#[rustfmt::skip]
pub fn form_routes() -> Vec<crate::accounts::FormRoute> {
    use crate::accounts::{Access::Holder, FormRoute, Permission as P};
    vec![
        FormRoute::post("/account/follows/seen", Holder(P::ManageOwnAccount), "/account", follows::ssr::mark_seen),
        FormRoute::post("/actions/{reference}/follow", Holder(P::ManageOwnAccount), "/actions/{reference}", follows::ssr::follow),
        FormRoute::post("/actions/{reference}/unfollow", Holder(P::ManageOwnAccount), "/actions/{reference}", follows::ssr::unfollow),
        FormRoute::post("/actions/{reference}/friends-view", Holder(P::GiveViewOnRecommendations), "/actions/{reference}", friends::ssr::give_view).keeping_text(),
        FormRoute::post("/actions/{reference}/friends-views/{id}/answer", Holder(P::RecordStatusChanges), "/actions/{reference}", friends::ssr::answer_view).keeping_text(),
        FormRoute::post("/actions/{reference}/friends-views/{id}/remove", Holder(P::RecordStatusChanges), "/actions/{reference}", friends::ssr::remove_reason),
        FormRoute::post("/admin/engagements/new", Holder(P::RecordStatusChanges), "/admin/engagements/new", editing::engagements::create).keeping_text(),
        FormRoute::post("/admin/engagements/{key}", Holder(P::RecordStatusChanges), "/admin/engagements/{key}", editing::engagements::update).keeping_text(),
        FormRoute::post("/admin/actions/new", Holder(P::RecordStatusChanges), "/admin/actions/new", editing::recommendations::create).keeping_text(),
        FormRoute::post("/admin/actions/{reference}/details", Holder(P::RecordStatusChanges), "/admin/actions/{reference}/details", editing::recommendations::save_details).keeping_text(),
        FormRoute::post("/admin/actions/{reference}", Holder(P::RecordStatusChanges), "/admin/actions/{reference}", staff::update::change_update),
        FormRoute::post("/admin/actions/{reference}/check", Holder(P::RecordStatusChanges), "/admin/actions/{reference}", staff::update::check_update).keeping_text(),
        FormRoute::post("/admin/actions/{reference}/update", Holder(P::RecordStatusChanges), "/admin/actions/{reference}", staff::update::record_update).keeping_text(),
    ]
}

/// Recommendations per page of the register.
pub const PAGE_SIZE: i64 = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusInfo {
    pub key: String,
    pub name: String,
    pub description: String,
    pub closed: bool,
    pub progress: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCount {
    pub key: String,
    pub name: String,
    pub closed: bool,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngagementSummary {
    pub key: String,
    pub prefix: String,
    pub name: String,
    pub kind: String,
    pub started: String,
    pub ended: Option<String>,
    pub summary: String,
    pub body: SanitizedHtml,
    pub figures: Vec<Figure>,
    pub recommendation_count: i64,
}

/// A core value or a research priority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LicenceTerm {
    pub slug: String,
    pub name: String,
    pub statement: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecommendationRow {
    pub reference: String,
    pub title: String,
    pub summary: String,
    pub engagement_key: String,
    pub engagement_name: String,
    pub status_key: String,
    pub status_name: String,
    pub closed: bool,
    pub raised: String,
    pub last_changed: String,
    /// Per cent done, for an open status only: a decision (a closed status) has none.
    pub progress: Option<i32>,
    /// For an open status only.
    pub target: Option<String>,
    pub overdue: bool,
    /// How many critical friends agree, partly agree and disagree with the status (as
    /// things stood on the list's `as_of` day, if it has one).
    pub friends: friends::FriendsCounts,
}

impl RecommendationRow {
    /// When the decision was made, for a closed status.
    pub fn decided_on(&self) -> Option<&str> {
        self.closed.then_some(self.last_changed.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChangeItem {
    pub reference: String,
    pub title: String,
    pub seq: i64,
    pub changed_on: String,
    pub from_key: Option<String>,
    pub from_name: Option<String>,
    pub to_key: String,
    pub to_name: String,
    pub note: String,
    pub team: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceLink {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecommendationDetail {
    pub row: RecommendationRow,
    pub status_description: String,
    pub what_you_said: SanitizedHtml,
    pub what_we_did: SanitizedHtml,
    pub team: String,
    pub values: Vec<LicenceTerm>,
    pub priorities: Vec<LicenceTerm>,
    pub evidence: Vec<EvidenceLink>,
    /// Published reports that discuss it: (slug, title).
    pub reports: Vec<(String, String)>,
    /// The policy comment it was made from, once that review is public: (policy slug,
    /// policy title, comment id).
    pub source: Option<(String, String, i64)>,
    pub history: Vec<StatusChangeItem>,
    /// Critical friends' views of its status, with their reasons and the SDE's answers.
    pub friends: friends::FriendsViews,
}

/// Everything the filter form offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilterOptions {
    pub statuses: Vec<StatusInfo>,
    pub engagements: Vec<(String, String)>,
    pub values: Vec<(String, String)>,
    pub priorities: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterPageData {
    pub query: RegisterQuery,
    pub rows: Vec<RecommendationRow>,
    pub total: i64,
    pub status_counts: Vec<StatusCount>,
    pub last_updated: Option<String>,
    pub options: FilterOptions,
}

/// A value or priority page: the term and the recommendations linked to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LicenceTermPage {
    pub term: LicenceTerm,
    pub body: SanitizedHtml,
    pub status_counts: Vec<StatusCount>,
    pub recommendations: Vec<RecommendationRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LicenceTermList {
    pub terms: Vec<(LicenceTerm, Vec<StatusCount>)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngagementProgress {
    pub engagement: EngagementSummary,
    pub status_counts: Vec<StatusCount>,
    pub recent: Vec<StatusChangeItem>,
}

/// Register list pages by query, reused until the content changes (kept in
/// [`AppState`](crate::state::AppState)'s features).
#[cfg(feature = "ssr")]
pub type RegisterCache = crate::cache::ResultCache<RegisterPageData>;

#[leptos::server(prefix = "/_fn", endpoint = "register")]
pub async fn get_register(query: RegisterQuery) -> Result<RegisterPageData, AppError> {
    let state = crate::state::app_state()?;
    let pool = state.db.pool();
    let version = state.db.content_version().await?;
    // "Overdue" depends on the day, so the day is part of the key.
    let key = format!("{}|{query:?}", crate::dates::today());
    state
        .feature::<RegisterCache>()?
        .get_or_compute(version, key, || ssr::register_page(pool, query))
        .await
}

#[leptos::server(prefix = "/_fn", endpoint = "recommendation")]
pub async fn get_recommendation(reference: String) -> Result<RecommendationDetail, AppError> {
    let state = crate::state::app_state()?;
    ssr::recommendation_detail(state.db.pool(), &reference)
        .await?
        .ok_or(AppError::NotFound)
}

#[leptos::server(prefix = "/_fn", endpoint = "licence_terms")]
pub async fn get_licence_terms(kind: TermKind) -> Result<LicenceTermList, AppError> {
    let state = crate::state::app_state()?;
    ssr::licence_term_list(state.db.pool(), kind)
        .await
        .map_err(Into::into)
}

#[leptos::server(prefix = "/_fn", endpoint = "licence_term")]
pub async fn get_licence_term(kind: TermKind, slug: String) -> Result<LicenceTermPage, AppError> {
    let state = crate::state::app_state()?;
    ssr::licence_term_page(state.db.pool(), kind, &slug)
        .await?
        .ok_or(AppError::NotFound)
}

#[leptos::server(prefix = "/_fn", endpoint = "engagements")]
pub async fn get_engagement_progress() -> Result<Vec<EngagementProgress>, AppError> {
    let state = crate::state::app_state()?;
    ssr::engagement_progress(state.db.pool()).await
}

/// Core values and research priorities share one shape and one set of pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TermKind {
    Value,
    Priority,
}

impl TermKind {
    pub fn path(self) -> &'static str {
        match self {
            TermKind::Value => "/values",
            TermKind::Priority => "/priorities",
        }
    }

    pub fn query_key(self) -> &'static str {
        match self {
            TermKind::Value => "value",
            TermKind::Priority => "priority",
        }
    }
}
