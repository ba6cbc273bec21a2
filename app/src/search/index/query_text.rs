//! What people type, made safe for tantivy's query parser, and how references are told
//! from words.

pub(super) fn looks_like_reference(word: &str) -> bool {
    let Some((prefix, number)) = word.split_once('-') else {
        return false;
    };
    (1..=4).contains(&prefix.len())
        && prefix.chars().all(|c| c.is_ascii_alphabetic())
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}

/// Only words, spaces and hyphens: typo tolerance is not tried for phrases or operators.
pub(super) fn is_plain_words(q: &str) -> bool {
    !q.is_empty()
        && q.chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '\'')
        && !q.split_whitespace().any(|w| w.starts_with('-'))
}

/// Keeps what the parser should understand ("phrases", -exclusions, words) and turns
/// everything else into spaces, so no input can produce a field query, range or regex.
pub(super) fn escape_for_parser(q: &str) -> String {
    let quotes = q.matches('"').count();
    let mut out = String::with_capacity(q.len());
    let mut seen_quotes = 0;
    let mut previous = ' ';
    for c in q.chars() {
        let keep = match c {
            '"' => {
                seen_quotes += 1;
                // An unbalanced last quote is dropped.
                !(quotes % 2 == 1 && seen_quotes == quotes)
            }
            '-' => previous == ' ' || previous.is_alphanumeric(),
            c => c.is_alphanumeric() || c == '\'',
        };
        let c = if keep { c } else { ' ' };
        out.push(c);
        previous = c;
    }
    out
}

pub(super) fn escape_text(text: &str) -> String {
    text.chars().take(220).fold(String::new(), |mut out, c| {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_input_keeps_phrases_and_exclusions_but_nothing_else() {
        assert_eq!(
            escape_for_parser("\"opt out\" -commercial"),
            "\"opt out\" -commercial"
        );
        assert_eq!(
            escape_for_parser("title:foo [a TO b] /re/"),
            "title foo  a TO b   re "
        );
        assert_eq!(escape_for_parser("\"unbalanced"), " unbalanced");
    }

    #[test]
    fn references_are_recognised() {
        assert!(looks_like_reference("PP-17"));
        assert!(looks_like_reference("dcf-3"));
        assert!(!looks_like_reference("opt-out"));
        assert!(!looks_like_reference("-"));
    }
}
