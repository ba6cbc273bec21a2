//! A policy's public history: every public version with its numbered text, the list of
//! versions, a paragraph-by-paragraph comparison of two of them, and the log of comments
//! the PPIE team removed. So a reader can check "we changed the policy" for themselves.

use serde::{Deserialize, Serialize};

use super::PolicyBlock;
use crate::error::AppError;

/// A version the public may read: published (now or before), or a draft whose review was
/// made public, so the paragraph a public comment is about can be read as it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicVersion {
    pub number: i64,
    pub state: String,
    pub title: String,
    pub published_at: Option<String>,
    pub change_note: String,
}

impl PublicVersion {
    /// "Version 3, published 4 May 2026" or "Draft version 2, reviewed but not published".
    pub fn describe(&self) -> String {
        match &self.published_at {
            Some(at) => format!(
                "Version {}, published {}",
                self.number,
                crate::dates::display_date(at)
            ),
            None => format!("Draft version {}, reviewed but not published", self.number),
        }
    }

    /// "version 3 (published 4 May 2026)", to go inside a sentence.
    pub fn short(&self) -> String {
        match &self.published_at {
            Some(at) => format!(
                "version {} (published {})",
                self.number,
                crate::dates::display_date(at)
            ),
            None => format!("draft version {} (reviewed, not published)", self.number),
        }
    }
}

/// The public versions of one policy, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionList {
    pub slug: String,
    /// The title of the current published version.
    pub title: String,
    /// The number of the current published version.
    pub current: i64,
    pub versions: Vec<PublicVersion>,
}

impl VersionList {
    /// The public version before `number`, to compare it with.
    pub fn before(&self, number: i64) -> Option<i64> {
        self.versions
            .iter()
            .map(|v| v.number)
            .filter(|n| *n < number)
            .max()
    }
}

/// One public version's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionText {
    pub list: VersionList,
    pub version: PublicVersion,
    pub blocks: Vec<PolicyBlock>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WordKind {
    Same,
    Added,
    Removed,
}

/// How one paragraph differs between two versions. Numbers are each version's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParagraphChange {
    Changed {
        from: i64,
        to: i64,
        words: Vec<(WordKind, String)>,
    },
    Added {
        to: i64,
        text: String,
    },
    Removed {
        from: i64,
        text: String,
    },
}

/// Two public versions compared paragraph by paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub from: PublicVersion,
    pub to: PublicVersion,
    pub changes: Vec<ParagraphChange>,
    pub unchanged: i64,
}

/// The comparison page: the versions to choose from, and the comparison or what is wrong
/// with the versions asked for (the field, `from` or `to`, and the message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompareView {
    pub list: VersionList,
    pub outcome: Result<Comparison, (String, String)>,
}

/// A comment or reply the PPIE team removed from a public review (or withdrawn when its
/// author closed their account): when, and the reason shown in its place. Never its text
/// or author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    pub version: i64,
    pub reply: bool,
    pub removed_at: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationLog {
    pub list: VersionList,
    pub removals: Vec<Removal>,
}

#[leptos::server(prefix = "/_fn", endpoint = "policy-versions")]
pub async fn get_policy_versions(slug: String) -> Result<VersionList, AppError> {
    let state = crate::state::app_state()?;
    super::ssr::version_list(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)
}

#[leptos::server(prefix = "/_fn", endpoint = "policy-version")]
pub async fn get_policy_version(slug: String, number: i64) -> Result<VersionText, AppError> {
    let state = crate::state::app_state()?;
    super::ssr::version_text(&state.db, &slug, number)
        .await?
        .ok_or(AppError::NotFound)
}

/// `from` and `to` as typed in the address: checked here, so each mistake gets its own
/// message beside the form. Both empty compares the current version with the one before.
#[leptos::server(prefix = "/_fn", endpoint = "policy-compare")]
pub async fn get_policy_compare(
    slug: String,
    from: String,
    to: String,
) -> Result<CompareView, AppError> {
    let state = crate::state::app_state()?;
    let list = super::ssr::version_list(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let outcome = match compared_versions(&list, &from, &to) {
        Ok((from, to)) => Ok(super::ssr::compare(&state.db, &list.slug, from, to)
            .await?
            .ok_or(AppError::NotFound)?),
        Err(problem) => Err(problem),
    };
    Ok(CompareView { list, outcome })
}

#[leptos::server(prefix = "/_fn", endpoint = "policy-moderation")]
pub async fn get_policy_moderation(slug: String) -> Result<ModerationLog, AppError> {
    let state = crate::state::app_state()?;
    super::ssr::moderation_log(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// The two version numbers to compare, or the field (`from` or `to`) that cannot be and
/// why.
pub fn compared_versions(
    list: &VersionList,
    from: &str,
    to: &str,
) -> Result<(i64, i64), (String, String)> {
    let problem = |field: &str, message: String| (field.to_owned(), message);
    let (from, to) = (from.trim(), to.trim());
    if from.is_empty() && to.is_empty() {
        return match list.before(list.current) {
            Some(before) => Ok((before, list.current)),
            None => Err(problem(
                "from",
                format!(
                    "This policy has only one public version, version {}, so there is nothing to compare it with yet.",
                    list.current
                ),
            )),
        };
    }
    let number = |name: &str, value: &str| -> Result<i64, (String, String)> {
        if value.is_empty() {
            return Err(problem(
                name,
                format!("Choose a version to compare {name}."),
            ));
        }
        let n: i64 = value.parse().map_err(|_| {
            problem(
                name,
                format!(
                    "The version to compare {name} must be a version number, like 1, not “{}”.",
                    value.chars().take(20).collect::<String>()
                ),
            )
        })?;
        if list.versions.iter().any(|v| v.number == n) {
            Ok(n)
        } else {
            Err(problem(
                name,
                format!(
                    "Version {n} of this policy has not been published, so it cannot be compared. Its public versions are {}.",
                    list.versions
                        .iter()
                        .rev()
                        .map(|v| v.number.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        }
    };
    let (from, to) = (number("from", from)?, number("to", to)?);
    if from == to {
        return Err(problem(
            "to",
            format!("Both versions are version {from}: choose two different versions to compare."),
        ));
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> VersionList {
        let version = |number: i64| PublicVersion {
            number,
            state: "published".to_owned(),
            title: "T".to_owned(),
            published_at: Some("2026-01-01".to_owned()),
            change_note: String::new(),
        };
        VersionList {
            slug: "p".to_owned(),
            title: "T".to_owned(),
            current: 3,
            versions: vec![version(3), version(1)],
        }
    }

    #[test]
    fn compare_defaults_to_the_current_version_and_the_one_before() {
        assert_eq!(compared_versions(&list(), "", ""), Ok((1, 3)));
        assert_eq!(compared_versions(&list(), "3", "1"), Ok((3, 1)));
    }

    #[test]
    fn compare_names_each_mistake() {
        let message = |from: &str, to: &str| match compared_versions(&list(), from, to) {
            Err(problem) => problem,
            other => panic!("{other:?}"),
        };
        let (field, text) = message("x", "3");
        assert_eq!(field, "from");
        assert!(text.contains("must be a version number, like 1, not “x”"));
        let (field, text) = message("1", "2");
        assert_eq!(field, "to");
        assert!(text.contains("Version 2 of this policy has not been published"));
        assert!(text.contains("Its public versions are 1, 3."));
        assert!(message("1", "")
            .1
            .contains("Choose a version to compare to"));
        assert!(message("3", "3")
            .1
            .contains("choose two different versions"));
    }
}
