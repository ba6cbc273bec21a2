//! Full-text search across everything public: recommendations, core values, research
//! priorities, engagements, reports, and published policies with their public reviews.

#[cfg(feature = "ssr")]
pub mod index;
pub mod pages;

use serde::{Deserialize, Serialize};

use crate::{error::AppError, html::SanitizedHtml};

/// Results per page.
pub const SEARCH_PAGE_SIZE: i64 = 10;
/// Longer queries are shortened to this many characters (and the page says so).
pub const MAX_SEARCH_CHARS: usize = 256;

/// Cuts a query to at most `max` characters at the end of a word, never inside one.
pub fn cut_at_word(q: &str, max: usize) -> String {
    if q.chars().count() <= max {
        return q.to_owned();
    }
    let cut: String = q.chars().take(max + 1).collect();
    match cut.rfind(char::is_whitespace) {
        Some(end) if end > 0 => cut[..end].trim_end().to_owned(),
        _ => q.chars().take(max).collect(),
    }
}

/// The facet groups a search can be narrowed by, as they appear in the URL.
pub const FACET_GROUPS: [&str; 4] = ["kind", "status", "engagement", "year"];

/// Empty lists are left out of a form-encoded server function call, hence `default`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    pub q: String,
    pub kind: Vec<String>,
    pub status: Vec<String>,
    pub engagement: Vec<String>,
    pub year: Vec<String>,
    pub page: i64,
    /// Set when the text was cut to [`MAX_SEARCH_CHARS`].
    pub shortened: bool,
}

impl SearchQuery {
    /// Reads the URL's pairs. Nothing a person can type is an error: control characters
    /// are dropped, overlong text is shortened, a bad page number means page 1.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut query = SearchQuery {
            page: 1,
            ..Default::default()
        };
        for (key, value) in pairs {
            let value = value.trim();
            match key {
                "q" => {
                    let clean: String = value
                        .chars()
                        .map(|c| if c.is_control() { ' ' } else { c })
                        .collect();
                    query.shortened = clean.chars().count() > MAX_SEARCH_CHARS;
                    query.q = cut_at_word(&clean, MAX_SEARCH_CHARS).trim().to_owned();
                }
                "page" => {
                    query.page = value
                        .parse()
                        .ok()
                        .filter(|p| (1..=1000).contains(p))
                        .unwrap_or(1)
                }
                "kind" | "status" | "engagement" | "year"
                    if !value.is_empty() && value.len() <= 60 =>
                {
                    let list = match key {
                        "kind" => &mut query.kind,
                        "status" => &mut query.status,
                        "engagement" => &mut query.engagement,
                        _ => &mut query.year,
                    };
                    if list.len() < 20 && !list.iter().any(|v| v == value) {
                        list.push(value.to_owned());
                    }
                }
                _ => {}
            }
        }
        query
    }

    pub fn selected(&self, group: &str) -> &[String] {
        match group {
            "kind" => &self.kind,
            "status" => &self.status,
            "engagement" => &self.engagement,
            _ => &self.year,
        }
    }

    pub fn to_query_string(&self, page: Option<i64>) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", crate::paths::encode_component(&self.q)));
        }
        for group in FACET_GROUPS {
            for value in self.selected(group) {
                parts.push(format!("{group}={}", crate::paths::encode_component(value)));
            }
        }
        if let Some(page) = page.filter(|p| *p > 1) {
            parts.push(format!("page={page}"));
        }
        parts.join("&")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub url: String,
    pub status_key: Option<String>,
    pub status_name: Option<String>,
    pub date: Option<String>,
    /// Escaped text with the matching words in `<mark>`.
    pub snippet: SanitizedHtml,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValue {
    pub key: String,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetGroup {
    pub key: String,
    pub label: String,
    pub values: Vec<FacetValue>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: SearchQuery,
    pub total: i64,
    pub hits: Vec<SearchHit>,
    pub facets: Vec<FacetGroup>,
    /// Set when no exact matches were found and near spellings were used instead.
    pub fuzzy: bool,
}

#[leptos::server(prefix = "/_fn", endpoint = "search")]
pub async fn run_search(query: SearchQuery) -> Result<SearchResults, AppError> {
    let state = crate::state::app_state()?;
    state
        .feature::<crate::search::index::SearchIndex>()?
        .search(query)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_queries_are_cut_between_words() {
        assert_eq!(cut_at_word("data access commercial", 15), "data access");
        assert_eq!(cut_at_word("short", 15), "short");
        assert_eq!(cut_at_word("abcdefghij", 4), "abcd");
    }
}
