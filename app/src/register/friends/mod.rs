//! Critical friends' views: beside the SDE's own status of a recommendation, each Digital
//! Critical Friend may say whether they agree with it — agree, partly agree or disagree,
//! with a public reason for the last two. One current view per person per
//! recommendation; a changed view keeps the earlier one (the table is append-only); a
//! later status change marks the views given before it. The PPIE team may answer a view
//! in public. Counts are in the register's rows, its filter (`friends_view=disagree`),
//! the open data and `as_of`.

mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use pages::{FriendsDisagree, FriendsViewFacts, FriendsViewsSection};

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The views a critical friend may give: (stored key, what the page says).
pub const OPINIONS: [(&str, &str); 3] = [
    ("agree", "Agree"),
    ("partly", "Partly agree"),
    ("disagree", "Disagree"),
];

/// The stored keys of [`OPINIONS`], for the form rule and the register filter.
pub const OPINION_KEYS: [&str; 3] = ["agree", "partly", "disagree"];

/// The longest reason, in characters.
pub const REASON_MAX: usize = 500;
/// The longest answer by the PPIE team, in characters.
pub const ANSWER_MAX: usize = 1_000;
/// The longest published reason for taking a view's reason off the page, in characters.
pub const REMOVAL_MAX: usize = 300;

/// What the section says after its forms worked (`?done=`), shown in the section itself,
/// where the browser lands (`#friends-view`).
pub const NOTICES: crate::forms::Notices = &[
    (
        "view-saved",
        "Your view has been saved. It shows on this page and in the register’s open data now.",
    ),
    (
        "view-answered",
        "The answer has been saved and shows under the view.",
    ),
    (
        "view-reason-removed",
        "The reason has been taken off the page. Your reason for removing it shows in its place.",
    ),
];

/// What a stored key reads as ("partly" → "Partly agree").
pub fn opinion_label(key: &str) -> &'static str {
    OPINIONS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("Unknown", |(_, label)| label)
}

/// How many critical friends hold each view now (one current view per person).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendsCounts {
    pub agree: i64,
    pub partly: i64,
    pub disagree: i64,
}

impl FriendsCounts {
    pub fn total(&self) -> i64 {
        self.agree + self.partly + self.disagree
    }

    /// Adds `count` views of `opinion` (a stored key; others are ignored).
    pub fn add(&mut self, opinion: &str, count: i64) {
        match opinion {
            "agree" => self.agree += count,
            "partly" => self.partly += count,
            "disagree" => self.disagree += count,
            _ => {}
        }
    }

    /// "9 agree, 2 partly agree, 1 disagree", or that there is none yet.
    pub fn sentence(&self) -> String {
        if self.total() == 0 {
            return "No critical friend has given a view yet".to_owned();
        }
        format!(
            "{} agree, {} partly agree, {} disagree",
            self.agree, self.partly, self.disagree
        )
    }
}

/// The PPIE team's public answer to a view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewAnswer {
    pub body: String,
    /// `YYYY-MM-DD`, the UK day it was given.
    pub answered_on: String,
}

/// One view as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendView {
    pub id: i64,
    /// A key of [`OPINIONS`].
    pub opinion: String,
    pub reason: String,
    /// The person's name when they chose to show it, otherwise "A critical friend".
    pub author: String,
    /// `YYYY-MM-DD`, the UK day it was given.
    pub given_on: String,
    /// The SDE changed the status after this view was given.
    pub before_latest_change: bool,
    pub answer: Option<ViewAnswer>,
    /// Why the PPIE team took the reason off the page (then `reason` is empty).
    pub removed: Option<String>,
}

/// Every view of one recommendation: the current ones (newest first) and the earlier ones
/// their authors have since changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendsViews {
    pub counts: FriendsCounts,
    pub current: Vec<FriendView>,
    pub earlier: Vec<FriendView>,
}

/// The signed-in critical friend's own current view, to fill in the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnView {
    pub opinion: String,
    pub reason: String,
    pub show_name: bool,
}

/// What the signed-in person may do in the section: give a view (critical friends, with
/// their current one), answer views (the PPIE team), or nothing (`None`: signed out, or
/// neither).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ViewerPart {
    Friend(Option<OwnView>),
    Staff,
}

/// How many recommendations at least one critical friend currently disagrees with.
#[leptos::server(prefix = "/_fn", endpoint = "friends-disagree")]
pub async fn get_disagreed_count() -> Result<i64, AppError> {
    let state = crate::state::app_state()?;
    Ok(ssr::disagreed_count(state.db.pool()).await?)
}

/// What the signed-in person may do in the section (`None` for the public).
#[leptos::server(prefix = "/_fn", endpoint = "friends-view-part")]
pub async fn get_viewer_part(reference: String) -> Result<Option<ViewerPart>, AppError> {
    use crate::accounts::Permission;
    let Some(viewer) = crate::accounts::ssr::current_viewer() else {
        return Ok(None);
    };
    if viewer.may(Permission::GiveViewOnRecommendations) {
        let state = crate::state::app_state()?;
        let own = ssr::own_view(state.db.pool(), &reference, viewer.id).await?;
        Ok(Some(ViewerPart::Friend(own)))
    } else if viewer.may(Permission::RecordStatusChanges) {
        Ok(Some(ViewerPart::Staff))
    } else {
        Ok(None)
    }
}

/// "Digital Critical Friends disagree with the status of 3 recommendations."
pub fn disagreed_sentence(count: i64) -> String {
    match count {
        0 => "No Digital Critical Friend disagrees with the status of any recommendation at the moment.".to_owned(),
        1 => "Digital Critical Friends disagree with the status of 1 recommendation.".to_owned(),
        n => format!("Digital Critical Friends disagree with the status of {n} recommendations."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_disagreement_sentence_counts_in_words_people_read() {
        assert!(disagreed_sentence(0).starts_with("No Digital Critical Friend"));
        assert!(disagreed_sentence(1).ends_with("of 1 recommendation."));
        assert!(disagreed_sentence(3).ends_with("of 3 recommendations."));
    }

    #[test]
    fn counts_read_as_a_tally_or_say_there_is_none() {
        let mut counts = FriendsCounts::default();
        assert_eq!(counts.sentence(), "No critical friend has given a view yet");
        counts.add("agree", 9);
        counts.add("partly", 2);
        counts.add("disagree", 1);
        counts.add("something else", 5);
        assert_eq!(counts.total(), 12);
        assert_eq!(counts.sentence(), "9 agree, 2 partly agree, 1 disagree");
    }

    #[test]
    fn every_opinion_has_a_label() {
        for key in OPINION_KEYS {
            assert_ne!(opinion_label(key), "Unknown");
        }
        assert_eq!(opinion_label("partly"), "Partly agree");
    }
}
