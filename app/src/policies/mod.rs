//! Policy review. The PPIE team drafts SDE policies; Digital Critical Friends comment on a
//! draft under review (the whole document or one paragraph) and discuss; the team answers
//! every comment; publishing a version makes its text, and the answered review, public.
//!
//! Drafts and reviews in progress are seen only by people who hold
//! [`crate::accounts::Permission::CommentOnPolicies`]; the public sees published versions and reviews made
//! public by publication.

pub mod admin_pages;
pub mod answer_queue;
pub mod pages;
pub mod review_pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod version_pages;
pub mod versions;
#[cfg(feature = "ssr")]
pub mod writing;

use serde::{Deserialize, Serialize};

use crate::{error::AppError, html::SanitizedHtml};

#[cfg(feature = "ssr")]
pub use writing::form_routes;

/// What the policy pages say after their forms worked (`?done=`).
pub const NOTICES: crate::forms::Notices = &[
    ("policy-created", "The policy has been created as a draft."),
    ("policy-saved", "The draft has been saved."),
    (
        "review-opened",
        "The draft is open for review. Digital Critical Friends can read it and comment now.",
    ),
    (
        "policy-revised",
        "A new draft has been started from the newest version.",
    ),
    (
        "policy-published",
        "The policy has been published, with its review and every answer.",
    ),
    ("comment-posted", "Your comment has been posted."),
    ("reply-posted", "Your reply has been posted."),
    ("answer-saved", "The answer has been saved."),
    (
        "comment-removed",
        "The comment has been removed. The reason shows in its place.",
    ),
    ("draft-discarded", "The kept text has been discarded."),
    (
        "comment-edited",
        "Your comment has been changed. Its earlier text is shown with it.",
    ),
    (
        "comment-withdrawn",
        "Your comment has been withdrawn. It needs no answer, and says it was withdrawn by you.",
    ),
];

pub const TITLE_MAX: usize = 150;
pub const SUMMARY_MAX: usize = 300;
pub const BODY_MAX: usize = 200_000;
pub const COMMENT_MAX: usize = 2_000;
pub const NOTE_MAX: usize = 500;
pub const REMOVAL_REASON_MAX: usize = 300;

/// How the PPIE team answered a comment.
pub const OUTCOMES: [(&str, &str); 4] = [
    ("changed", "We changed the policy"),
    ("partly-changed", "We changed part of it"),
    ("not-changed", "We did not change it, and say why"),
    ("noted", "Noted: it did not ask for a change"),
];

pub fn outcome_label(key: &str) -> &'static str {
    OUTCOMES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("Answered", |(_, label)| label)
}

/// The sentence that opens a public review: its comments counted by what they led to,
/// e.g. "12 comments: 5 changed the policy, 3 changed part of it, 2 did not change it,
/// 2 noted." Replies are not counted; categories with none are left out.
pub fn review_summary(threads: &[CommentThread]) -> String {
    if threads.is_empty() {
        return "No comments.".to_owned();
    }
    let mut counts = [0i64; 7];
    for thread in threads {
        let slot = match (&thread.removed, &thread.response) {
            (Some(_), _) if thread.withdrawn => 5,
            (Some(_), _) => 4,
            (None, Some(response)) => match response.outcome.as_str() {
                "changed" => 0,
                "partly-changed" => 1,
                "not-changed" => 2,
                _ => 3,
            },
            (None, None) => 6,
        };
        counts[slot] += 1;
    }
    const SAID: [&str; 7] = [
        "changed the policy",
        "changed part of it",
        "did not change it",
        "noted",
        "removed",
        "withdrawn",
        "not answered",
    ];
    let parts: Vec<String> = counts
        .iter()
        .zip(SAID)
        .filter(|(n, _)| **n > 0)
        .map(|(n, said)| format!("{n} {said}"))
        .collect();
    let total = threads.len();
    let noun = if total == 1 { "comment" } else { "comments" };
    format!("{total} {noun}: {}.", parts.join(", "))
}

pub fn state_label(state: &str) -> &'static str {
    match state {
        "draft" => "Draft",
        "in_review" => "In review",
        "reviewed" => "Reviewed, replaced by a later draft",
        "published" => "Published",
        "superseded" => "Replaced by a later version",
        _ => "Unknown",
    }
}

/// One top-level block of a policy (paragraph, heading, list, table), numbered from 1 in
/// its version, so a comment can point at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyBlock {
    pub number: i64,
    pub heading: bool,
    pub html: SanitizedHtml,
    /// The block's first words, to name it in lists and quotes.
    pub excerpt: String,
}

/// A policy in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PolicySummary {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// The newest version's number and state.
    pub version: i64,
    pub state: String,
    pub published_at: Option<String>,
    pub review_closes: Option<String>,
    pub comments: i64,
    pub unanswered: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseView {
    pub outcome: String,
    pub body: String,
    pub responder: String,
    pub responded_at: String,
}

/// A comment that starts a thread, with its replies and the team's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentThread {
    pub id: i64,
    pub paragraph: Option<i64>,
    /// The first words of the paragraph it is about, in the version it was made on.
    pub quote: Option<String>,
    pub author: String,
    pub author_is_staff: bool,
    /// Empty when the comment was removed.
    pub body: String,
    /// Why the PPIE team removed it, shown in its place.
    pub removed: Option<String>,
    pub created_at: String,
    pub replies: Vec<Reply>,
    pub response: Option<ResponseView>,
    /// The recommendation this comment became ("Make this a recommendation").
    pub recommendation: Option<String>,
    /// Its author withdrew it (`removed` then says so).
    pub withdrawn: bool,
    /// The texts it had before its author edited it, oldest first.
    pub edits: Vec<EarlierText>,
    /// The person viewing the review wrote it (set for the review page only).
    pub mine: bool,
}

/// A comment's text before its author edited it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierText {
    pub body: String,
    /// When it was replaced (RFC 3339).
    pub replaced_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub id: i64,
    pub author: String,
    pub author_is_staff: bool,
    /// Empty when the reply was removed.
    pub body: String,
    pub removed: Option<String>,
    /// Withdrawn (its author closed their account before the review was published), not
    /// removed by the team.
    pub withdrawn: bool,
    pub created_at: String,
}

/// A comment someone made, for their account page: where it is and how it was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyComment {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub excerpt: String,
    pub created_at: String,
    /// The answer's outcome key, once answered.
    pub outcome: Option<String>,
    pub public: bool,
    pub removed: bool,
    /// Withdrawn by its author (or with their closed account), not removed by the team.
    pub withdrawn: bool,
}

impl MyComment {
    pub fn href(&self) -> String {
        let page = if self.public { "policies" } else { "review" };
        format!("/{page}/{}#comment-{}", self.slug, self.id)
    }
}

/// A version's review as the public sees it once published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicReview {
    pub version: i64,
    pub opened: String,
    pub closed: String,
    pub threads: Vec<CommentThread>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicPolicy {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub version: i64,
    pub published_at: String,
    pub change_note: String,
    pub blocks: Vec<PolicyBlock>,
    pub reviews: Vec<PublicReview>,
}

/// Where a comment's change can be read: its paragraph in the next published version, or
/// the comparison of the two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerLink {
    pub comment: i64,
    pub href: String,
    pub text: String,
}

/// The public policy page's data: the policy as the API gives it, and the answer links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyPageData {
    pub policy: PublicPolicy,
    pub answer_links: Vec<AnswerLink>,
}

/// A version under review, as critical friends and staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    pub policy_id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub version: i64,
    pub state: String,
    pub review_closes: String,
    /// Comments are taken while the version is in review, until the end of its closing day.
    pub open: bool,
    pub review_public: bool,
    pub blocks: Vec<PolicyBlock>,
    /// Numbers of the blocks that are new or changed since the published version (none
    /// when nothing has been published yet).
    pub changed: Vec<i64>,
    pub threads: Vec<CommentThread>,
    pub may_answer: bool,
    /// A comment this person posted after their session had ended, kept for them.
    pub kept: Option<KeptComment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptComment {
    /// The thread it replied to, if it was a reply.
    pub parent: Option<i64>,
    pub paragraph: String,
    pub body: String,
    pub kept_at: String,
}

/// The newest version of a policy, as the team edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyEditor {
    /// `None` for a new policy.
    pub id: Option<i64>,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub version: i64,
    pub state: String,
    pub review_closes: Option<String>,
    pub updated_at: String,
    pub comments: i64,
    pub unanswered: i64,
    pub has_published: bool,
    pub versions: Vec<VersionLine>,
    /// Two weeks from today: the closing date the review form suggests.
    pub suggested_closes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionLine {
    pub number: i64,
    pub state: String,
    pub review_opened: Option<String>,
    pub review_closes: Option<String>,
    pub published_at: Option<String>,
    pub change_note: String,
}

#[leptos::server(prefix = "/_fn", endpoint = "policies")]
pub async fn get_policies() -> Result<Vec<PolicySummary>, AppError> {
    let state = crate::state::app_state()?;
    Ok(ssr::published_policies(&state.db).await?)
}

#[leptos::server(prefix = "/_fn", endpoint = "policy")]
pub async fn get_policy(slug: String) -> Result<PolicyPageData, AppError> {
    let state = crate::state::app_state()?;
    ssr::public_policy_page(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// Policies in review (and reviews waiting for publication), for critical friends.
#[leptos::server(prefix = "/_fn", endpoint = "reviews")]
pub async fn get_reviews() -> Result<Vec<PolicySummary>, AppError> {
    crate::accounts::ssr::require(crate::accounts::Permission::CommentOnPolicies)?;
    let state = crate::state::app_state()?;
    Ok(ssr::reviews(&state.db).await?)
}

#[leptos::server(prefix = "/_fn", endpoint = "review")]
pub async fn get_review(slug: String) -> Result<ReviewView, AppError> {
    let viewer = crate::accounts::ssr::require(crate::accounts::Permission::CommentOnPolicies)?;
    let state = crate::state::app_state()?;
    ssr::review(&state.db, &slug, &viewer)
        .await?
        .ok_or(AppError::NotFound)
}

#[leptos::server(prefix = "/_fn", endpoint = "admin-policies")]
pub async fn get_admin_policies() -> Result<Vec<PolicySummary>, AppError> {
    crate::accounts::ssr::require(crate::accounts::Permission::ManagePolicies)?;
    let state = crate::state::app_state()?;
    Ok(ssr::all_policies(&state.db).await?)
}

/// The editor for policy `id`, or an empty one for a new policy.
#[leptos::server(prefix = "/_fn", endpoint = "policy-editor")]
pub async fn get_policy_editor(id: Option<i64>) -> Result<PolicyEditor, AppError> {
    crate::accounts::ssr::require(crate::accounts::Permission::ManagePolicies)?;
    let state = crate::state::app_state()?;
    match id {
        None => Ok(ssr::new_policy_editor()),
        Some(id) => ssr::policy_editor(&state.db, id)
            .await?
            .ok_or(AppError::NotFound),
    }
}

/// The comments the signed-in person started, for their account page.
#[leptos::server(prefix = "/_fn", endpoint = "my-comments")]
pub async fn get_my_comments() -> Result<Vec<MyComment>, AppError> {
    let viewer = crate::accounts::ssr::require(crate::accounts::Permission::ManageOwnAccount)?;
    let state = crate::state::app_state()?;
    Ok(ssr::comments_by(&state.db, viewer.id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread(outcome: Option<&str>, removed: Option<&str>) -> CommentThread {
        CommentThread {
            id: 1,
            paragraph: None,
            quote: None,
            author: "A".to_owned(),
            author_is_staff: false,
            body: String::new(),
            removed: removed.map(str::to_owned),
            created_at: String::new(),
            replies: Vec::new(),
            response: outcome.map(|outcome| ResponseView {
                outcome: outcome.to_owned(),
                body: String::new(),
                responder: String::new(),
                responded_at: String::new(),
            }),
            recommendation: None,
            withdrawn: removed.is_some_and(|r| r.starts_with("Withdrawn")),
            edits: Vec::new(),
            mine: false,
        }
    }

    #[test]
    fn a_review_summary_counts_each_outcome_and_leaves_out_the_empty_ones() {
        let mut threads = vec![thread(Some("changed"), None); 5];
        threads.extend(vec![thread(Some("partly-changed"), None); 3]);
        threads.extend(vec![thread(Some("not-changed"), None); 2]);
        threads.extend(vec![thread(Some("noted"), None); 2]);
        assert_eq!(
            review_summary(&threads),
            "12 comments: 5 changed the policy, 3 changed part of it, 2 did not change it, 2 noted."
        );
        let few = [
            thread(Some("noted"), None),
            thread(Some("changed"), Some("It named a patient.")),
            thread(None, Some("Withdrawn: its author closed their account.")),
        ];
        assert_eq!(
            review_summary(&few),
            "3 comments: 1 noted, 1 removed, 1 withdrawn."
        );
        assert_eq!(review_summary(&few[..1]), "1 comment: 1 noted.");
        assert_eq!(review_summary(&[]), "No comments.");
    }
}
