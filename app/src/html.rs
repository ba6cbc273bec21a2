//! HTML that is safe to put into a page with `inner_html`.

use serde::{Deserialize, Serialize};

/// HTML produced by Candour's Markdown renderer and cleaned by its sanitiser. Only the
/// sanitiser can make one (on the server), so any `inner_html` that takes this type is fed
/// nothing a contributor typed directly.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SanitizedHtml(String);

impl SanitizedHtml {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }

    /// Wraps HTML read back from the database, where only [`render_markdown`] wrote it.
    #[cfg(feature = "ssr")]
    pub fn from_trusted_store(html: String) -> Self {
        Self(html)
    }

    /// The same HTML placed under a heading of `level` (1–5): its headings move down so the
    /// highest becomes `level + 1`, keeping their order, and none goes below `h6` (WCAG 2.2
    /// 1.3.1: headings nest as the content does). Relies on the sanitiser's output, in which
    /// tags are lower case and a `<` in text is always escaped.
    pub fn headings_below(self, level: u8) -> Self {
        let highest = (1..=6u8).find(|n| self.0.contains(&format!("<h{n}")));
        let Some(highest) = highest.filter(|h| *h <= level) else {
            return self;
        };
        let shift = level + 1 - highest;
        let mut html = self.0;
        for n in (highest..=6).rev() {
            let to = (n + shift).min(6);
            for (from, into) in [
                (format!("<h{n}>"), format!("<h{to}>")),
                (format!("<h{n} "), format!("<h{to} ")),
                (format!("</h{n}>"), format!("</h{to}>")),
            ] {
                html = html.replace(&from, &into);
            }
        }
        Self(html)
    }
}

#[cfg(feature = "ssr")]
impl SanitizedHtml {
    /// A search snippet: text already escaped by the index, with `<mark>` around matches.
    /// Cleaned again so that only `<mark>` can ever survive.
    pub fn from_snippet(html: &str) -> Self {
        let mut builder = ammonia::Builder::empty();
        builder.add_tags(["mark"]);
        Self(builder.clean(html).to_string())
    }
}

/// The plain text of some Markdown, for the search index.
#[cfg(feature = "ssr")]
pub fn markdown_to_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => text.push(' '),
            _ => {}
        }
    }
    text
}

/// The plain text of some Markdown with a blank line after each block (paragraph, heading,
/// list item, table cell), for reading-ease figures: a heading is its own sentence.
#[cfg(feature = "ssr")]
pub fn markdown_to_blocks(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, TagEnd};
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => text.push_str("\n\n"),
            _ => {}
        }
    }
    text
}

/// Renders Markdown (tables, footnotes, strikethrough, heading ids) and sanitises the result:
/// raw HTML, scripts, event attributes and `javascript:` links never survive.
#[cfg(feature = "ssr")]
pub fn render_markdown(markdown: &str) -> SanitizedHtml {
    use pulldown_cmark::{html, Options, Parser};

    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(
        &mut unsafe_html,
        mark_other_websites(Parser::new_ext(markdown, options)).into_iter(),
    );
    SanitizedHtml(sanitiser().clean(&unsafe_html).to_string())
}

/// True for a link that leaves Candour: any scheme-qualified web address, in any case
/// (`HTTPS://`), or a scheme-relative one (`//host/…`).
pub fn is_other_website(href: &str) -> bool {
    let lower = href.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

/// After each link to another website, " (another website)" (WCAG 2.2 3.2.5 advice and
/// NHS.UK's link guidance: say when a link leaves the service).
#[cfg(feature = "ssr")]
fn mark_other_websites<'a>(
    events: impl Iterator<Item = pulldown_cmark::Event<'a>>,
) -> Vec<pulldown_cmark::Event<'a>> {
    use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
    let mut out = Vec::new();
    let mut open = Vec::new();
    for event in events {
        match &event {
            Event::Start(Tag::Link { dest_url, .. }) => open.push(is_other_website(dest_url)),
            Event::End(TagEnd::Link) => {
                out.push(event);
                if open.pop().unwrap_or(false) {
                    out.push(Event::InlineHtml(CowStr::from(
                        " <span class=\"candour-external\">(another website)</span>",
                    )));
                }
                continue;
            }
            _ => {}
        }
        out.push(event);
    }
    out
}

/// One entry of a report's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    pub level: i32,
    pub id: String,
    pub text: String,
}

/// A rendered long document (a report): sanitised HTML, its headings and reading time.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedDocument {
    pub html: SanitizedHtml,
    pub toc: Vec<TocEntry>,
    pub words: usize,
    pub reading_minutes: i64,
}

/// Words a minute for reading-time estimates (a common figure for plain English).
#[cfg(feature = "ssr")]
const READING_WORDS_PER_MINUTE: usize = 200;

/// Renders a report: every heading gets a stable anchor made from its text, raw HTML in the
/// source is shown as text (never as markup), links to other sites say so, and the result
/// is sanitised like all other Markdown.
#[cfg(feature = "ssr")]
pub fn render_document(markdown: &str) -> RenderedDocument {
    use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};
    use std::collections::HashMap;

    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<Event> = Parser::new_ext(markdown, options).collect();
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut toc = Vec::new();
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut words = 0;
    let mut external_link = Vec::new();
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let end = events[i..]
                    .iter()
                    .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
                    .map_or(events.len(), |p| i + p);
                let text: String = events[i + 1..end]
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let base = slugify(&text);
                let count = used.entry(base.clone()).or_insert(0);
                *count += 1;
                let id = if *count == 1 {
                    base
                } else {
                    format!("{base}-{count}")
                };
                toc.push(TocEntry {
                    level: *level as i32,
                    id: id.clone(),
                    text: text.clone(),
                });
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(id)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::Html(raw) | Event::InlineHtml(raw) => out.push(Event::Text(raw.clone())),
            Event::Text(text) => {
                words += text.split_whitespace().count();
                out.push(events[i].clone());
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                external_link.push(is_other_website(dest_url));
                out.push(events[i].clone());
            }
            Event::End(TagEnd::Link) => {
                out.push(events[i].clone());
                if external_link.pop().unwrap_or(false) {
                    out.push(Event::InlineHtml(CowStr::from(
                        " <span class=\"candour-external\">(another website)</span>",
                    )));
                }
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, out.into_iter());
    RenderedDocument {
        html: SanitizedHtml(sanitiser().clean(&unsafe_html).to_string()),
        toc,
        words,
        reading_minutes: words.div_ceil(READING_WORDS_PER_MINUTE).max(1) as i64,
    }
}

/// "What you said, we did" → "what-you-said-we-did": stable anchors from heading text.
#[cfg(feature = "ssr")]
/// Whether a web address segment is lowercase letters, digits and single hyphens inside,
/// up to 80 characters: what `slugify` makes, and what editors may type.
pub fn is_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "section".to_owned()
    } else {
        slug
    }
}

#[cfg(feature = "ssr")]
fn sanitiser() -> &'static ammonia::Builder<'static> {
    use std::sync::OnceLock;
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .add_generic_attributes(["id"])
            .add_allowed_classes("span", ["candour-external"])
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(Some("noopener noreferrer"));
        builder
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_tables_and_strikethrough() {
        let html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~");
        assert!(html.as_str().contains("<table>"), "{}", html.as_str());
        assert!(
            html.as_str().contains("<del>old</del>"),
            "{}",
            html.as_str()
        );
    }

    /// Payloads from the usual XSS cheat sheets, in Markdown and raw HTML forms.
    const XSS_CORPUS: &[&str] = &[
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](  javascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](vbscript:msgbox(1))",
        "![x](javascript:alert(1))",
        "<body onload=alert(1)>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<form action=\"javascript:alert(1)\"><button>x</button></form>",
        "<input autofocus onfocus=alert(1)>",
        "<details open ontoggle=alert(1)>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "[x](&#106;avascript:alert(1))",
        "<scr<script>ipt>alert(1)</script>",
        "# Heading <script>alert(1)</script>",
        "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
        "Footnote[^1]\n\n[^1]: <script>alert(1)</script>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<link rel=stylesheet href=javascript:alert(1)>",
        "<base href=\"javascript:alert(1)//\">",
        "`<script>alert(1)</script>`",
        "<style>@import 'javascript:alert(1)';</style>",
    ];

    /// Looks inside every tag (escaped text such as `&lt;img onerror=…&gt;` is harmless).
    fn assert_safe(html: &str, payload: &str) {
        let tags: Vec<String> = html
            .split('<')
            .skip(1)
            .map(|rest| rest.split('>').next().unwrap_or_default().to_lowercase())
            .collect();
        let lower = tags.iter().map(|t| format!("<{t}>")).collect::<String>();
        for bad in [
            "<script",
            "javascript:",
            "vbscript:",
            "data:text",
            "onerror=",
            "onload=",
            "onfocus=",
            "ontoggle=",
            "<iframe",
            "<object",
            "<embed",
            "<form",
            "<input",
            "<meta",
            "<link",
            "<base",
            "<style",
            "<svg",
            "style=",
        ] {
            assert!(
                !lower.contains(bad),
                "{payload:?} gave {html:?} (contains {bad})"
            );
        }
    }

    #[test]
    fn no_xss_payload_survives_either_renderer() {
        for payload in XSS_CORPUS {
            assert_safe(render_markdown(payload).as_str(), payload);
            assert_safe(render_document(payload).html.as_str(), payload);
        }
    }

    #[test]
    fn raw_html_in_a_report_is_shown_as_text() {
        let html = render_document("Hello <b>bold</b>").html;
        assert!(
            html.as_str().contains("&lt;b&gt;bold&lt;/b&gt;"),
            "{}",
            html.as_str()
        );
    }

    #[test]
    fn headings_get_stable_unique_anchors_and_a_table_of_contents() {
        let doc = render_document("## What we did\n\ntext\n\n## What we did\n\n### Next: 2026!");
        let ids: Vec<&str> = doc.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["what-we-did", "what-we-did-2", "next-2026"]);
        assert!(
            doc.html.as_str().contains("<h2 id=\"what-we-did\">"),
            "{}",
            doc.html.as_str()
        );
    }

    #[test]
    fn links_to_other_sites_are_marked() {
        let doc = render_document("[ICO](https://ico.org.uk) and [register](/actions)");
        let html = doc.html.as_str();
        assert_eq!(html.matches("(another website)").count(), 1, "{html}");
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
    }

    #[test]
    fn reading_time_rounds_up_to_whole_minutes() {
        let doc = render_document(&"word ".repeat(401));
        assert_eq!((doc.words, doc.reading_minutes), (401, 3));
    }

    #[test]
    fn snippets_keep_only_mark() {
        let html =
            SanitizedHtml::from_snippet("&lt;b&gt; <mark>opt</mark> <script>x</script><b>y</b>");
        assert_eq!(html.as_str(), "&lt;b&gt; <mark>opt</mark> y");
    }

    #[test]
    fn markdown_becomes_plain_text() {
        assert_eq!(
            markdown_to_text("# Title\n\nSome **bold** [link](http://x).").trim(),
            "Title Some bold link."
        );
    }

    #[test]
    fn scripts_event_handlers_and_javascript_links_are_removed() {
        let html = render_markdown(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1))",
        );
        let out = html.as_str();
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
    }

    #[test]
    fn headings_placed_under_a_heading_nest_beneath_it() {
        let html = render_markdown("Intro\n\n## Why\n\nText\n\n### Detail\n\n## Get involved\n");
        let nested = html.headings_below(2).into_inner();
        assert!(
            nested.contains("<h3") && nested.contains("Why</h3>"),
            "{nested}"
        );
        assert!(nested.contains("Detail</h4>"), "{nested}");
        assert!(!nested.contains("<h2"), "{nested}");
        // Already below: unchanged.
        let deep = render_markdown("### Deep\n").headings_below(2).into_inner();
        assert!(deep.contains("Deep</h3>"), "{deep}");
    }
}
