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
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    SanitizedHtml(sanitiser().clean(&unsafe_html).to_string())
}

#[cfg(feature = "ssr")]
fn sanitiser() -> &'static ammonia::Builder<'static> {
    use std::sync::OnceLock;
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .add_generic_attributes(["id"])
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

    #[test]
    fn snippets_keep_only_mark() {
        let html =
            SanitizedHtml::from_snippet("&lt;b&gt; <mark>opt</mark> <script>x</script><b>y</b>");
        assert_eq!(html.as_str(), "&lt;b&gt; <mark>opt</mark>  y");
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
}
