//! The register's filter state, as it appears in a bookmarkable URL:
//! `?status=…&engagement=…&value=…&priority=…&friends_view=…&q=…&sort=…&page=…&as_of=YYYY-MM-DD`.

use serde::{Deserialize, Serialize};

use crate::{dates::is_iso_date, error::AppError, paths::encode_component};

/// Every parameter a register address may carry, in the order addresses are written
/// (the pages, the CSV and JSON files and the API read the same ones).
pub const QUERY_PARAMETERS: [&str; 9] = [
    "status",
    "engagement",
    "value",
    "priority",
    "friends_view",
    "q",
    "sort",
    "page",
    "as_of",
];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sort {
    #[default]
    Reference,
    Raised,
    Updated,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Reference, Sort::Raised, Sort::Updated];

    pub fn key(self) -> &'static str {
        match self {
            Sort::Reference => "reference",
            Sort::Raised => "raised",
            Sort::Updated => "updated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Reference => "Reference",
            Sort::Raised => "Date raised (newest first)",
            Sort::Updated => "Last updated (newest first)",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|sort| sort.key() == value)
    }
}

/// The longest text filter we accept; longer input is refused with a message.
pub const MAX_QUERY_CHARS: usize = 200;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegisterQuery {
    pub status: Vec<String>,
    pub engagement: Vec<String>,
    pub value: Vec<String>,
    pub priority: Vec<String>,
    /// Recommendations where at least one critical friend's current view is one of these
    /// (`agree`, `partly`, `disagree`).
    pub friends_view: Vec<String>,
    pub q: String,
    pub sort: Sort,
    pub page: i64,
    pub as_of: Option<String>,
}

impl RegisterQuery {
    /// Reads the query string's pairs. Empty values are ignored (an empty select box);
    /// anything malformed is an error that says which parameter and why.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, AppError> {
        let mut query = RegisterQuery {
            page: 1,
            ..Default::default()
        };
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key {
                "status" => push_unique(&mut query.status, value),
                "engagement" => push_unique(&mut query.engagement, value),
                "value" => push_unique(&mut query.value, value),
                "priority" => push_unique(&mut query.priority, value),
                "friends_view" => {
                    if !crate::register::friends::OPINION_KEYS.contains(&value) {
                        return Err(AppError::BadRequest(format!(
                            "friends_view must be agree, partly or disagree (not \"{value}\")."
                        )));
                    }
                    push_unique(&mut query.friends_view, value)
                }
                "q" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        return Err(AppError::BadRequest(format!(
                            "The search text is too long: use at most {MAX_QUERY_CHARS} characters."
                        )));
                    }
                    query.q = value.chars().filter(|c| !c.is_control()).collect();
                }
                "sort" => {
                    query.sort = Sort::parse(value).ok_or_else(|| {
                        AppError::BadRequest(format!(
                            "Sort must be one of reference, raised or updated (not \"{value}\")."
                        ))
                    })?
                }
                "page" => {
                    query.page = value
                        .parse::<i64>()
                        .ok()
                        .filter(|page| (1..=100_000).contains(page))
                        .ok_or_else(|| {
                            AppError::BadRequest(format!(
                                "Page must be a whole number from 1 (not \"{value}\")."
                            ))
                        })?
                }
                "as_of" => {
                    if !is_iso_date(value) {
                        return Err(AppError::BadRequest(format!(
                            "as_of must be a real date from 1900 onwards, written as YYYY-MM-DD, for example 2026-06-30 (not \"{value}\")."
                        )));
                    }
                    query.as_of = Some(value.to_owned());
                }
                _ => {}
            }
        }
        Ok(query)
    }

    /// The query string for this state, with `page` replaced; `None` keeps the current page
    /// out of the URL (page 1).
    pub fn to_query_string(&self, page: Option<i64>) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (key, values) in [
            ("status", &self.status),
            ("engagement", &self.engagement),
            ("value", &self.value),
            ("priority", &self.priority),
            ("friends_view", &self.friends_view),
        ] {
            pairs.extend(values.iter().map(|value| (key, value.clone())));
        }
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        if self.sort != Sort::default() {
            pairs.push(("sort", self.sort.key().to_owned()));
        }
        if let Some(as_of) = &self.as_of {
            pairs.push(("as_of", as_of.clone()));
        }
        if let Some(page) = page.filter(|page| *page > 1) {
            pairs.push(("page", page.to_string()));
        }
        pairs
            .into_iter()
            .map(|(key, value)| format!("{key}={}", encode_component(&value)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// How many filters are chosen (each status, engagement, value and priority, and
    /// the words), for "Filter (3 selected)".
    pub fn filter_count(&self) -> usize {
        self.status.len()
            + self.engagement.len()
            + self.value.len()
            + self.priority.len()
            + self.friends_view.len()
            + usize::from(!self.q.is_empty())
    }

    pub fn has_filters(&self) -> bool {
        !(self.status.is_empty()
            && self.engagement.is_empty()
            && self.value.is_empty()
            && self.priority.is_empty()
            && self.friends_view.is_empty()
            && self.q.is_empty())
    }
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if list.len() < 50 && !list.iter().any(|existing| existing == value) {
        list.push(value.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_parameters_are_all_kept_once_each() {
        let query = RegisterQuery::from_pairs([
            ("status", "implemented"),
            ("status", "in-progress"),
            ("status", "implemented"),
            ("value", "transparency"),
        ])
        .unwrap();
        assert_eq!(query.status, ["implemented", "in-progress"]);
        assert_eq!(query.value, ["transparency"]);
        assert_eq!(query.page, 1);
    }

    #[test]
    fn a_query_string_round_trips() {
        let query = RegisterQuery::from_pairs([
            ("status", "agreed"),
            ("q", "opt out & more"),
            ("sort", "updated"),
            ("as_of", "2026-06-30"),
        ])
        .unwrap();
        let text = query.to_query_string(Some(3));
        assert_eq!(
            text,
            "status=agreed&q=opt+out+%26+more&sort=updated&as_of=2026-06-30&page=3"
        );
    }

    #[test]
    fn impossible_dates_are_refused_with_a_message_naming_the_parameter() {
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "26-01-01",
            "2026-1-01",
            "yesterday",
        ] {
            let error = RegisterQuery::from_pairs([("as_of", bad)]).unwrap_err();
            assert!(error.to_string().contains("as_of"), "{bad}: {error}");
        }
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2023-02-29"));
    }

    #[test]
    fn the_friends_view_filter_takes_only_the_three_views() {
        let query = RegisterQuery::from_pairs([("friends_view", "disagree")]).unwrap();
        assert_eq!(query.friends_view, ["disagree"]);
        assert!(query.has_filters());
        assert_eq!(query.to_query_string(None), "friends_view=disagree");
        let error = RegisterQuery::from_pairs([("friends_view", "hate")]).unwrap_err();
        assert!(error.to_string().contains("friends_view"), "{error}");
    }

    #[test]
    fn bad_sort_and_page_are_refused() {
        assert!(RegisterQuery::from_pairs([("sort", "random")]).is_err());
        assert!(RegisterQuery::from_pairs([("page", "0")]).is_err());
        assert!(RegisterQuery::from_pairs([("page", "two")]).is_err());
    }

    #[test]
    fn empty_values_from_an_unselected_box_are_ignored() {
        let query = RegisterQuery::from_pairs([("status", ""), ("q", "  ")]).unwrap();
        assert!(!query.has_filters());
    }
}
