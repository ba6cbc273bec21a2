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
            // Apostrophes, typed (') or curly (’), split words as they do in the indexed
            // text, so `wessex's` finds what `wessex’s` finds.
            c => c.is_alphanumeric(),
        };
        let c = if keep { c } else { ' ' };
        out.push(c);
        previous = c;
    }
    out
}

/// References as people type them: `PP17`, `pp 17` and `pp-17` all mean `PP-17`. Returns
/// each reference the query may name (upper case), found in single words and in a
/// prefix-then-number pair. These are candidates: `of 2026` gives `OF-2026`, which the
/// index then finds names nothing.
pub(super) fn typed_references(q: &str) -> Vec<String> {
    let words: Vec<&str> = q.split_whitespace().collect();
    let mut found = Vec::new();
    let is_prefix =
        |w: &str| (1..=4).contains(&w.len()) && w.chars().all(|c| c.is_ascii_alphabetic());
    let is_number =
        |w: &str| !w.is_empty() && w.len() <= 5 && w.chars().all(|c| c.is_ascii_digit());
    for (i, word) in words.iter().enumerate() {
        if looks_like_reference(word) {
            found.push(word.to_uppercase());
            continue;
        }
        let split = word
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(word.len());
        let (letters, digits) = word.split_at(split);
        if is_prefix(letters) && is_number(digits) {
            found.push(format!("{}-{digits}", letters.to_uppercase()));
        } else if is_prefix(word) {
            if let Some(next) = words.get(i + 1).filter(|n| is_number(n)) {
                found.push(format!("{}-{next}", word.to_uppercase()));
            }
        }
    }
    found
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
    fn references_are_found_however_they_are_typed() {
        assert_eq!(typed_references("PP17"), vec!["PP-17"]);
        assert_eq!(typed_references("pp 17"), vec!["PP-17"]);
        assert_eq!(typed_references("what about dcf-3"), vec!["DCF-3"]);
        assert_eq!(typed_references("opt out of 2026"), vec!["OF-2026"]);
        assert!(typed_references("opt out").is_empty());
    }

    #[test]
    fn apostrophes_split_words_whichever_is_typed() {
        assert_eq!(escape_for_parser("wessex's"), escape_for_parser("wessex’s"));
    }

    #[test]
    fn references_are_recognised() {
        assert!(looks_like_reference("PP-17"));
        assert!(looks_like_reference("dcf-3"));
        assert!(!looks_like_reference("opt-out"));
        assert!(!looks_like_reference("-"));
    }
}
