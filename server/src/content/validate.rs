//! Checks on content that TOML types alone cannot express. Each problem names its file,
//! and the field.

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
};

use super::{files::*, ContentSet};

const ENGAGEMENT_KINDS: [&str; 4] = [
    "community-sessions",
    "public-panel",
    "policy-review",
    "other",
];

fn is_key(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 60
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

pub fn statuses(path: &Path, statuses: &[StatusEntry], errors: &mut Vec<ContentError>) {
    let mut seen = HashSet::new();
    for status in statuses {
        if !is_key(&status.key) {
            errors.push(ContentError::new(
                path,
                None,
                format!(
                    "status key {:?} must be lowercase letters, digits and hyphens",
                    status.key
                ),
            ));
        }
        if !seen.insert(&status.key) {
            errors.push(ContentError::new(
                path,
                None,
                format!("status key {:?} appears twice", status.key),
            ));
        }
        if !(0..=100).contains(&status.progress) {
            errors.push(ContentError::new(
                path,
                None,
                format!("status {:?}: progress must be 0 to 100", status.key),
            ));
        }
    }
}

pub fn engagements(docs: &[(PathBuf, Document<EngagementFile>)], errors: &mut Vec<ContentError>) {
    let mut prefixes = HashSet::new();
    for (path, doc) in docs {
        let e = &doc.meta;
        if !is_key(&e.key) {
            errors.push(ContentError::new(
                path,
                None,
                "key: use lowercase letters, digits and hyphens",
            ));
        }
        if e.prefix.is_empty() || !e.prefix.bytes().all(|b| b.is_ascii_uppercase()) {
            errors.push(ContentError::new(
                path,
                None,
                "prefix: use capital letters only, such as PP",
            ));
        }
        if !prefixes.insert(e.prefix.clone()) {
            errors.push(ContentError::new(
                path,
                None,
                format!("prefix: {} is used by another engagement", e.prefix),
            ));
        }
        if !ENGAGEMENT_KINDS.contains(&e.kind.as_str()) {
            errors.push(ContentError::new(
                path,
                None,
                format!("kind: must be one of {}", ENGAGEMENT_KINDS.join(", ")),
            ));
        }
        if e.ended.as_ref().is_some_and(|ended| ended < &e.started) {
            errors.push(ContentError::new(path, None, "ended: is before started"));
        }
    }
}

pub fn terms(docs: &[(PathBuf, Document<TermFile>)], errors: &mut Vec<ContentError>) {
    for (path, doc) in docs {
        if !is_key(&doc.meta.slug) {
            errors.push(ContentError::new(
                path,
                None,
                "slug: use lowercase letters, digits and hyphens",
            ));
        }
    }
}

pub fn glossary(path: &Path, terms: &[GlossaryEntry], errors: &mut Vec<ContentError>) {
    let mut seen = std::collections::HashSet::new();
    for term in terms {
        if term.word.trim().is_empty() || term.plain.trim().is_empty() {
            errors.push(ContentError::new(
                path,
                None,
                "term: both word and plain must be filled in",
            ));
        } else if !seen.insert(term.word.trim().to_lowercase()) {
            errors.push(ContentError::new(
                path,
                None,
                format!("term: {:?} is listed twice", term.word),
            ));
        }
    }
}

/// `PP-17` → 17.
pub fn reference_number(reference: &str) -> Option<i64> {
    let (_, number) = reference.split_once('-')?;
    number.parse().ok().filter(|n| *n > 0)
}

pub fn recommendations(
    set: &ContentSet,
    docs: &[(PathBuf, Document<RecommendationFile>)],
    errors: &mut Vec<ContentError>,
) {
    let statuses: HashSet<&str> = set.statuses.iter().map(|s| s.key.as_str()).collect();
    let closed: HashSet<&str> = set
        .statuses
        .iter()
        .filter(|s| s.closed)
        .map(|s| s.key.as_str())
        .collect();
    let values: HashSet<&str> = set.values.iter().map(|d| d.meta.slug.as_str()).collect();
    let priorities: HashSet<&str> = set
        .priorities
        .iter()
        .map(|d| d.meta.slug.as_str())
        .collect();
    let mut references = HashSet::new();
    for (path, doc) in docs {
        let r = &doc.meta;
        let mut problem = |field: &str, message: String| {
            errors.push(ContentError::new(path, None, format!("{field}: {message}")));
        };
        match set.engagements.iter().find(|e| e.meta.key == r.engagement) {
            None => problem(
                "engagement",
                format!("there is no engagement called {:?}", r.engagement),
            ),
            Some(engagement) => {
                let expected = format!("{}-", engagement.meta.prefix);
                if !r.reference.starts_with(&expected) || reference_number(&r.reference).is_none() {
                    problem(
                        "ref",
                        format!(
                            "{:?} must be {}<number> for this engagement",
                            r.reference, expected
                        ),
                    );
                }
            }
        }
        if path
            .file_stem()
            .is_some_and(|stem| stem != r.reference.as_str())
        {
            problem("ref", format!("{:?} must match the file name", r.reference));
        }
        if !references.insert(r.reference.clone()) {
            problem("ref", format!("{:?} is used by another file", r.reference));
        }
        for (field, text) in [
            ("title", &r.title),
            ("summary", &r.summary),
            ("what_you_said", &r.what_you_said),
            ("team", &r.team),
        ] {
            if text.trim().is_empty() {
                problem(field, "must not be empty".into());
            }
        }
        if !statuses.contains(r.status.as_str()) {
            problem(
                "status",
                format!("there is no status called {:?}", r.status),
            );
        }
        for value in &r.values {
            if !values.contains(value.as_str()) {
                problem("values", format!("there is no core value called {value:?}"));
            }
        }
        for priority in &r.priorities {
            if !priorities.contains(priority.as_str()) {
                problem(
                    "priorities",
                    format!("there is no research priority called {priority:?}"),
                );
            }
        }
        if r.progress.is_some_and(|p| !(0..=100).contains(&p)) {
            problem("progress", "must be between 0 and 100".into());
        }
        // A decision has been made: a percentage or a target date would contradict it.
        if closed.contains(r.status.as_str()) {
            if r.progress.is_some() {
                problem(
                    "progress",
                    format!(
                        "leave it out: {:?} is a decision, not work in progress",
                        r.status
                    ),
                );
            }
            if r.target.is_some() {
                problem(
                    "target",
                    format!(
                        "leave it out: {:?} is a decision, so there is no target",
                        r.status
                    ),
                );
            }
        }
        for link in &r.evidence {
            // Another website, or a page of Candour's own (`/reports/…`).
            let own_page = link.url.starts_with('/') && !link.url.starts_with("//");
            if !(link.url.starts_with("https://") || link.url.starts_with("http://") || own_page) {
                problem(
                    "evidence.url",
                    format!(
                        "{:?} must start with https:// or http://, or be a page of this site like /reports/public-panel-report",
                        link.url
                    ),
                );
            }
        }
        if r.history.is_empty() {
            problem("history", "at least one [[history]] entry is needed".into());
        }
        let mut previous: Option<&HistoryEntry> = None;
        for (i, entry) in r.history.iter().enumerate() {
            let n = i + 1;
            if !statuses.contains(entry.to.as_str()) {
                problem(
                    "history.to",
                    format!("entry {n}: there is no status called {:?}", entry.to),
                );
            }
            if entry.note.trim().is_empty() {
                problem(
                    "history.note",
                    format!("entry {n}: a public note is required"),
                );
            }
            if entry.team.trim().is_empty() {
                problem("history.team", format!("entry {n}: the team is required"));
            }
            if entry.date < r.raised {
                problem(
                    "history.date",
                    format!(
                        "entry {n}: {} is before the date raised ({})",
                        entry.date, r.raised
                    ),
                );
            }
            match previous {
                None if entry.from.is_some() => {
                    problem("history.from", "the first entry has no `from`".into())
                }
                Some(before) => {
                    if entry.from.as_deref() != Some(before.to.as_str()) {
                        problem(
                            "history.from",
                            format!(
                                "entry {n}: must be {:?}, the status the entry before moved to",
                                before.to
                            ),
                        );
                    }
                    if entry.date < before.date {
                        problem(
                            "history.date",
                            format!("entry {n}: {} is earlier than the entry before", entry.date),
                        );
                    }
                }
                None => {}
            }
            previous = Some(entry);
        }
        if let Some(last) = r.history.last() {
            if last.to != r.status {
                problem(
                    "status",
                    format!(
                        "{:?} must equal the `to` of the last history entry ({:?})",
                        r.status, last.to
                    ),
                );
            }
        }
    }
}

const REPORT_KINDS: [&str; 3] = ["quarterly-summary", "project-report", "briefing"];
const REPORT_STATES: [&str; 3] = ["draft", "published", "withdrawn"];

pub fn reports(
    set: &ContentSet,
    recommendations: &[(PathBuf, Document<RecommendationFile>)],
    docs: &[(PathBuf, Document<ReportFile>)],
    errors: &mut Vec<ContentError>,
) {
    let references: HashSet<&str> = recommendations
        .iter()
        .map(|(_, d)| d.meta.reference.as_str())
        .collect();
    let values: HashSet<&str> = set.values.iter().map(|d| d.meta.slug.as_str()).collect();
    let priorities: HashSet<&str> = set
        .priorities
        .iter()
        .map(|d| d.meta.slug.as_str())
        .collect();
    for (path, doc) in docs {
        let r = &doc.meta;
        let mut problem = |field: &str, message: String| {
            errors.push(ContentError::new(path, None, format!("{field}: {message}")))
        };
        if path.file_stem().is_some_and(|stem| stem != r.slug.as_str()) || !is_key(&r.slug) {
            problem(
                "slug",
                format!(
                    "{:?} must match the file name and use lowercase letters, digits and hyphens",
                    r.slug
                ),
            );
        }
        if !REPORT_KINDS.contains(&r.kind.as_str()) {
            problem(
                "kind",
                format!("must be one of {}", REPORT_KINDS.join(", ")),
            );
        }
        if !REPORT_STATES.contains(&r.state.as_str()) {
            problem(
                "state",
                format!("must be one of {}", REPORT_STATES.join(", ")),
            );
        }
        if r.kind == "quarterly-summary" {
            let valid = r.quarter.as_deref().is_some_and(|q| {
                q.len() == 7
                    && q[..4].chars().all(|c| c.is_ascii_digit())
                    && [" Q1", " Q2", " Q3", " Q4"].contains(&&q[4..])
            });
            if !valid {
                problem(
                    "quarter",
                    "a quarterly summary needs its quarter, written like \"2026 Q2\"".into(),
                );
            }
        }
        let chars = r.summary.chars().count();
        if r.summary.trim().is_empty() || chars > 300 {
            problem(
                "summary",
                format!("must be plain text of 1 to 300 characters (it has {chars})"),
            );
        }
        if r.summary.contains('<') || r.summary.contains('>') {
            problem("summary", "must be plain text, without HTML".into());
        }
        for reference in &r.recommendations {
            if !references.contains(reference.as_str()) {
                problem(
                    "recommendations",
                    format!("there is no recommendation {reference:?}"),
                );
            }
        }
        for value in &r.values {
            if !values.contains(value.as_str()) {
                problem("values", format!("there is no core value called {value:?}"));
            }
        }
        for priority in &r.priorities {
            if !priorities.contains(priority.as_str()) {
                problem(
                    "priorities",
                    format!("there is no research priority called {priority:?}"),
                );
            }
        }
    }
}

pub fn policies(docs: &[(PathBuf, Document<PolicyFile>)], errors: &mut Vec<ContentError>) {
    use app::policies::{NOTE_MAX, SUMMARY_MAX, TITLE_MAX};
    for (path, doc) in docs {
        let p = &doc.meta;
        let mut problem = |field: &str, message: String| {
            errors.push(ContentError::new(path, None, format!("{field}: {message}")))
        };
        if path.file_stem().is_some_and(|stem| stem != p.slug.as_str()) || !is_key(&p.slug) {
            problem(
                "slug",
                format!(
                    "{:?} must match the file name and use lowercase letters, digits and hyphens",
                    p.slug
                ),
            );
        }
        for (field, text, max) in [
            ("title", &p.title, TITLE_MAX),
            ("summary", &p.summary, SUMMARY_MAX),
            ("change_note", &p.change_note, NOTE_MAX),
        ] {
            let chars = text.chars().count();
            if text.trim().is_empty() || chars > max {
                problem(
                    field,
                    format!("must be plain text of 1 to {max} characters (it has {chars})"),
                );
            } else if text.contains('<') || text.contains('>') {
                problem(field, "must be plain text, without HTML".into());
            }
        }
        if doc.body.trim().is_empty() {
            problem(
                "body",
                "the policy has no text after the front matter".into(),
            );
        }
    }
}
