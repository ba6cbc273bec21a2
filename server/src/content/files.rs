//! The content/ file formats (documented in content/README.md): TOML front matter between
//! `+++` lines, then a Markdown body. The same structs are read by the importer and written
//! by the exporter, so a round trip cannot drift.

use std::{fmt, path::Path};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date written as a bare TOML date (`2024-03-05`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub String);

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::value::Datetime::deserialize(deserializer)?;
        match (value.date, value.time, value.offset) {
            (Some(date), None, None) => Ok(Day(date.to_string())),
            _ => Err(serde::de::Error::custom(format!(
                "expected a date like 2024-03-05, found {value}"
            ))),
        }
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value: toml::value::Datetime = self.0.parse().map_err(serde::ser::Error::custom)?;
        value.serialize(serializer)
    }
}

impl Day {
    pub fn parse(text: &str) -> Option<Self> {
        app::dates::is_iso_date(text).then(|| Day(text.to_owned()))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    /// The service's name in the header, footer, page titles and emails (default "You
    /// said, we did": named by its task, as NHS.UK service names are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
}

/// `glossary.toml`: jargon the report editor flags, with a plainer alternative.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryFile {
    #[serde(default)]
    pub term: Vec<GlossaryEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryEntry {
    pub word: String,
    pub plain: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusesFile {
    pub status: Vec<StatusEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusEntry {
    pub key: String,
    pub name: String,
    pub description: String,
    pub closed: bool,
    pub progress: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngagementFile {
    pub key: String,
    pub prefix: String,
    pub name: String,
    pub kind: String,
    pub started: Day,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<Day>,
    pub summary: String,
    pub order: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<FigureEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureEntry {
    pub value: String,
    pub label: String,
}

/// A core value or a research priority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermFile {
    pub slug: String,
    pub name: String,
    pub statement: String,
    pub order: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFile {
    pub title: String,
    pub summary: String,
    /// The day the page's content last changed, a bare TOML date (`updated = 2026-06-30`),
    /// shown as "Page last updated". Without it, an import dates a new or changed page the
    /// day it is imported. A file that changes only this date changes only the date; the
    /// export writes the date the database holds, so a round trip keeps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<Day>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendationFile {
    #[serde(rename = "ref")]
    pub reference: String,
    pub title: String,
    pub engagement: String,
    pub raised: Day,
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub priorities: Vec<String>,
    pub team: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Day>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<i64>,
    pub status: String,
    pub summary: String,
    pub what_you_said: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceEntry>,
    pub history: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceEntry {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    pub date: Day,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub to: String,
    pub note: String,
    pub team: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportFile {
    pub slug: String,
    pub title: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarter: Option<String>,
    pub date: Day,
    pub summary: String,
    pub state: String,
    #[serde(default)]
    pub recommendations: Vec<String>,
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub priorities: Vec<String>,
}

/// `policies/{slug}.md`: a published policy (drafts and reviews live in the web app only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub published: Day,
    pub change_note: String,
}

/// A Markdown document with front matter, as read from disk.
#[derive(Debug, Clone, PartialEq)]
pub struct Document<T> {
    pub meta: T,
    pub body: String,
}

/// An error that says which file, line and field is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ContentError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl ContentError {
    pub fn new(file: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            file: file.display().to_string(),
            line,
            message: message.into(),
        }
    }
}

/// Parses `+++\n<toml>\n+++\n<markdown>`.
pub fn parse_document<T: for<'de> Deserialize<'de>>(
    path: &Path,
    text: &str,
) -> Result<Document<T>, ContentError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n");
    let Some(rest) = text.strip_prefix("+++\n") else {
        return Err(ContentError::new(
            path,
            Some(1),
            "the file must start with a line of +++ (TOML front matter)",
        ));
    };
    let (front, body) = match rest.find("\n+++\n") {
        Some(end) => (&rest[..end + 1], &rest[end + 5..]),
        None => match rest.strip_suffix("\n+++") {
            Some(front) => (front, ""),
            None => {
                return Err(ContentError::new(
                    path,
                    None,
                    "the front matter has no closing +++ line",
                ))
            }
        },
    };
    let meta = parse_toml(path, front, 1)?;
    Ok(Document {
        meta,
        body: body.trim().to_owned(),
    })
}

/// Parses TOML, reporting errors with the line number in the file (`line_offset` lines
/// come before `text` in the file).
pub fn parse_toml<T: for<'de> Deserialize<'de>>(
    path: &Path,
    text: &str,
    line_offset: usize,
) -> Result<T, ContentError> {
    toml::from_str(text).map_err(|error| {
        let line = error
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1 + line_offset);
        ContentError::new(path, line, error.message().trim().to_owned())
    })
}

/// Writes a document back in the same format.
pub fn write_document<T: Serialize>(meta: &T, body: &str) -> Result<String, toml::ser::Error> {
    let front = toml::to_string(meta)?;
    let mut out = format!("+++\n{front}");
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("+++\n");
    if !body.is_empty() {
        out.push('\n');
        out.push_str(body);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_errors_naming_the_file_and_line() {
        let text = "+++\nslug = \"a\"\nname = \"A\"\nstatment = \"typo\"\norder = 1\n+++\nBody";
        let error = parse_document::<TermFile>(Path::new("values/a.md"), text).unwrap_err();
        assert_eq!(error.file, "values/a.md");
        assert_eq!(error.line, Some(4), "{error}");
        assert!(error.message.contains("statment"), "{error}");
    }

    #[test]
    fn a_quoted_date_is_refused_with_a_hint() {
        let text = "+++\nkey = \"k\"\nprefix = \"K\"\nname = \"n\"\nkind = \"other\"\nstarted = \"2024\"\nsummary = \"s\"\norder = 1\n+++\n";
        let error = parse_document::<EngagementFile>(Path::new("e.md"), text).unwrap_err();
        assert_eq!(error.line, Some(6), "{error}");
    }

    #[test]
    fn documents_round_trip() {
        let text = "+++\nslug = \"a\"\nname = \"A\"\nstatement = \"S\"\norder = 1\n+++\n\nBody **bold**.\n";
        let document = parse_document::<TermFile>(Path::new("a.md"), text).unwrap();
        let written = write_document(&document.meta, &document.body).unwrap();
        assert_eq!(
            parse_document::<TermFile>(Path::new("a.md"), &written).unwrap(),
            document
        );
    }
}
