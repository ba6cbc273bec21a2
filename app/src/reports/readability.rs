//! Plain-language help beside the report editor: reading ease, reading age, long
//! sentences and glossary jargon. It works on plain text (the caller strips Markdown) so
//! the numbers describe what a reader reads, not the markup.

/// A word the editor should flag, with the plainer wording we suggest instead.
#[derive(Debug, Clone, PartialEq)]
pub struct GlossaryTerm {
    pub word: String,
    pub plain: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Glossary {
    terms: Vec<GlossaryTerm>,
}

impl Glossary {
    pub fn new(terms: Vec<GlossaryTerm>) -> Self {
        Self { terms }
    }
}

#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Readability {
    pub words: i64,
    pub sentences: i64,
    pub syllables: i64,
    pub reading_minutes: i64,
    pub flesch_reading_ease: Option<f64>,
    pub reading_age: Option<i64>,
    pub long_sentences: Vec<LongSentence>,
    pub jargon: Vec<JargonUse>,
}

/// A sentence over [`LONG_SENTENCE_WORDS`] words, with its whitespace collapsed to spaces.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LongSentence {
    pub text: String,
    pub words: i64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct JargonUse {
    pub word: String,
    pub plain: String,
    pub count: i64,
}

/// Plain-English guidance treats 25 words as the most a sentence should carry.
pub const LONG_SENTENCE_WORDS: i64 = 25;
const WORDS_PER_MINUTE: i64 = 200;
/// A full stop in these almost never ends the sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g.", "i.e.", "dr.", "mr.", "mrs.", "ms.", "prof.", "st.", "vs.",
];

pub fn analyse(text: &str, glossary: &Glossary) -> Readability {
    let terms = &glossary.terms;
    let keys: Vec<Vec<String>> = terms
        .iter()
        .map(|t| t.word.split_whitespace().filter_map(normalise).collect())
        .collect();
    let (mut r, mut seen) = (Readability::default(), Vec::new());
    for sentence in split_sentences(text) {
        let words: Vec<&str> = sentence.iter().copied().filter(|t| is_word(t)).collect();
        let n = words.len() as i64;
        (r.words, r.sentences) = (r.words + n, r.sentences + 1);
        r.syllables += words.iter().map(|w| syllable_count(w)).sum::<i64>();
        if n > LONG_SENTENCE_WORDS {
            let text = sentence.join(" ");
            r.long_sentences.push(LongSentence { text, words: n });
        }
        for i in find_terms(&runs(&sentence), &keys) {
            match seen.iter().position(|&s| s == i) {
                Some(p) => r.jargon[p].count += 1,
                None => {
                    seen.push(i);
                    let GlossaryTerm { word, plain } = terms[i].clone();
                    let count = 1;
                    r.jargon.push(JargonUse { word, plain, count });
                }
            }
        }
    }
    // Only sentences with words are kept, so any words mean at least one sentence.
    if r.words > 0 {
        let per_sentence = r.words as f64 / r.sentences as f64;
        let per_word = r.syllables as f64 / r.words as f64;
        r.reading_minutes = (r.words + WORDS_PER_MINUTE - 1) / WORDS_PER_MINUTE;
        r.flesch_reading_ease = Some(206.835 - 1.015 * per_sentence - 84.6 * per_word);
        // Flesch–Kincaid gives a US school grade; readers here think in ages, about 5 more.
        let grade = 0.39 * per_sentence + 11.8 * per_word - 15.59;
        r.reading_age = Some(((grade + 5.0).round() as i64).max(5));
    }
    r
}

/// The standard Flesch bands, with "Standard" named as our editors know it.
pub fn describe_reading_ease(score: f64) -> &'static str {
    match score {
        s if s >= 90.0 => "Very easy",
        s if s >= 80.0 => "Easy",
        s if s >= 70.0 => "Fairly easy",
        s if s >= 60.0 => "Plain English",
        s if s >= 50.0 => "Fairly difficult",
        s if s >= 30.0 => "Difficult",
        _ => "Very difficult",
    }
}

/// Every line break ends a sentence too: headings and list items rarely have a full stop,
/// and without this a bulleted list would read as one enormous sentence.
fn split_sentences(text: &str) -> Vec<Vec<&str>> {
    let mut out = Vec::new();
    for line in text.lines() {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let mut current = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            current.push(*token);
            if ends_sentence(token, tokens.get(i + 1).copied()) {
                out.push(std::mem::take(&mut current));
            }
        }
        out.push(current);
    }
    out.retain(|s| s.iter().any(|t| is_word(t)));
    out
}

/// Tokens are whitespace-separated already, so "3.5" and inner dots never look like ends.
fn ends_sentence(token: &str, next: Option<&str>) -> bool {
    let core = token.trim_end_matches(['"', '\'', '”', '’', ')', ']']);
    let lower = core
        .trim_start_matches(['(', '[', '"', '\'', '“', '‘'])
        .to_lowercase();
    if lower == "etc." {
        // "etc." often does end a sentence; a capital next is the best hint we have.
        return next.is_some_and(|n| n.starts_with(char::is_uppercase));
    }
    core.ends_with(['.', '!', '?']) && !ABBREVIATIONS.contains(&lower.as_str())
}

/// Dashes and bullets standing alone are punctuation, not words.
fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

/// Hyphens and apostrophes belong to the word, so "non-anonymised" is not "anonymised".
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '\'' | '’')
}

/// Quotes and possessives should not hide a term: "'cohort'" and "controller's" still count.
fn normalise(piece: &str) -> Option<String> {
    let lower = piece.to_lowercase().replace('’', "'");
    let trimmed = lower.trim_matches(['-', '\'']);
    let word = trimmed.strip_suffix("'s").unwrap_or(trimmed);
    (!word.is_empty()).then(|| word.to_string())
}

/// Words in order, each marked whether only whitespace separates it from the one before:
/// a phrase may only continue across whitespace, so "data, controller" is no match.
fn runs(tokens: &[&str]) -> Vec<(String, bool)> {
    let (mut out, mut touching) = (Vec::new(), false);
    for token in tokens {
        let pieces: Vec<&str> = token.split(|c| !is_word_char(c)).collect();
        for (i, piece) in pieces.iter().enumerate() {
            match normalise(piece) {
                Some(word) => {
                    out.push((word, touching));
                    touching = i + 1 == pieces.len();
                }
                None => touching = false,
            }
        }
    }
    out
}

/// The longest match wins and consumes its words, so "information governance" is not
/// reported as "governance" as well.
fn find_terms(runs: &[(String, bool)], keys: &[Vec<String>]) -> Vec<usize> {
    let (mut found, mut i) = (Vec::new(), 0);
    while i < runs.len() {
        let matches = |key: &Vec<String>| {
            runs.get(i..i + key.len()).is_some_and(|window| {
                !key.is_empty()
                    && window.iter().zip(key).all(|((run, _), word)| run == word)
                    && window.iter().skip(1).all(|(_, touching)| *touching)
            })
        };
        let best = keys.iter().enumerate().filter(|(_, k)| matches(k));
        match best.max_by_key(|(_, k)| k.len()) {
            Some((term, key)) => {
                found.push(term);
                i += key.len();
            }
            None => i += 1,
        }
    }
    found
}

/// Hyphenated and dotted parts are counted separately: "de-identified" is "de" +
/// "identified", and "e.g." is read as two letters.
fn syllable_count(token: &str) -> i64 {
    let parts = token.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'));
    let total: i64 = parts.filter(|p| is_word(p)).map(part_syllables).sum();
    total.max(1)
}

/// Numbers count one syllable a digit, at most four ("2024" → 4): said aloud they vary too
/// much to do better cheaply. Capitals without a vowel are spelled out ("NHS" → 3, "GP" →
/// 2); capitals with one ("NICE", "COVID") are read as words.
fn part_syllables(part: &str) -> i64 {
    let digits = part.chars().filter(char::is_ascii_digit).count() as i64;
    if digits > 0 {
        return digits.min(4);
    }
    let letters: String = part.chars().filter(|c| c.is_alphabetic()).collect();
    let length = letters.chars().count() as i64;
    let spelled_out = |c: char| c.is_uppercase() && !"AEIOUY".contains(c);
    if length > 1 && letters.chars().all(spelled_out) {
        return length;
    }
    word_syllables(&letters.to_lowercase())
}

/// A heuristic, right for most common words and a syllable out for some. Count vowel
/// groups (y is a vowel unless a vowel follows it), then:
/// - a final "e", "es" or "ed" after a consonant is silent ("likes", "used"), except "-le"
///   and "-re" after a consonant ("table", "centre"), "es" after a hissing sound ("uses",
///   "changes") and "ed" after t or d ("wanted");
/// - some vowel pairs are two syllables: "ia", "io", "iu" but not in "-tion", "-cial",
///   "-lion" and the like ("media", "various"); "ua" but not after q or g ("actual");
///   "creat"; a final "ea" after another vowel ("area"); a vowel before "-ing" ("being");
/// - "-ly", "-ment", "-ful", "-less", "-ness" after a silent e are counted on the stem
///   ("likely", "management"). Every word has at least one syllable.
fn word_syllables(w: &str) -> i64 {
    for suffix in ["ly", "ment", "ments", "ful", "less", "ness"] {
        match w.strip_suffix(suffix) {
            Some(stem) if stem.len() > 2 && stem.ends_with('e') => return word_syllables(stem) + 1,
            _ => {}
        }
    }
    let chars: Vec<char> = w.chars().collect();
    let vowel = |c: char| "aeiou".contains(c);
    let is_vowel = |i: usize| match chars[i] {
        'y' => !chars.get(i + 1).is_some_and(|&c| vowel(c)),
        c => vowel(c),
    };
    let groups = (0..chars.len()).filter(|&i| is_vowel(i) && (i == 0 || !is_vowel(i - 1)));
    let split_pairs = chars.windows(3).filter(|w| match (w[0], w[1], w[2]) {
        (before, 'i', 'a' | 'u') => !"ctsxg".contains(before),
        (before, 'i', 'o') => !"ctsxgln".contains(before),
        (before, 'u', 'a') => !"qg".contains(before),
        _ => false,
    });
    // "area" but not "tea"; "being" but not "bring".
    let ea = w.strip_suffix("ea").is_some_and(|s| s.contains(vowel));
    let ing = w.strip_suffix("ing").is_some_and(|s| s.ends_with(vowel));
    let other_splits = [w.contains("creat"), ea, ing]
        .iter()
        .filter(|&&b| b)
        .count();
    let silent = if let Some(stem) = w.strip_suffix("es") {
        silent_e(stem, &["s", "x", "z", "ch", "sh", "c", "g"])
    } else if let Some(stem) = w.strip_suffix("ed") {
        silent_e(stem, &["t", "d"])
    } else {
        w.strip_suffix('e').is_some_and(|stem| silent_e(stem, &[]))
    };
    let count = (groups.count() + split_pairs.count() + other_splits) as i64;
    (count - i64::from(silent)).max(1)
}

fn silent_e(stem: &str, voiced_after: &[&str]) -> bool {
    let consonant = |c: char| !"aeiouy".contains(c);
    let mut rev = stem.chars().rev();
    let Some(last) = rev.next() else {
        return false;
    };
    let syllabic = matches!(last, 'l' | 'r') && rev.next().is_some_and(consonant);
    consonant(last) && !syllabic && !voiced_after.iter().any(|v| stem.ends_with(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each term's plain wording is the term in capitals, so the tests can tell them apart.
    fn glossary(terms: &str) -> Glossary {
        let term = |w: &str| GlossaryTerm {
            word: w.into(),
            plain: w.to_uppercase(),
        };
        Glossary::new(terms.split('|').map(term).collect())
    }

    fn plain(text: &str) -> Readability {
        analyse(text, &Glossary::default())
    }

    #[test]
    fn counts_known_sentences() {
        let r = plain("The cat sat on the mat. It was happy!");
        assert_eq!(
            (r.words, r.sentences, r.syllables, r.reading_minutes),
            (9, 2, 10, 1)
        );
        let expected = 206.835 - 1.015 * 4.5 - 84.6 * 10.0 / 9.0;
        assert!((r.flesch_reading_ease.unwrap_or_default() - expected).abs() < 1e-9);
        assert_eq!(
            r.reading_age,
            Some(5),
            "very simple text is clamped to age 5"
        );
        // Headings and list items are sentences without a full stop; a lone dash is no word.
        let r = plain("Our findings\n\nWe spoke to 40 people.\n- Most were happy\n— \n");
        assert_eq!((r.words, r.sentences), (10, 3));
        // 7 words, 17 syllables: grade 0.39 × 7 + 11.8 × 17 / 7 − 15.59 = 15.8, so age 21.
        let r = plain("Researchers studied information about patients in hospitals.");
        assert_eq!((r.words, r.syllables, r.reading_age), (7, 17, Some(21)));
    }

    #[test]
    fn abbreviations_and_decimals_do_not_split() {
        let text = "We share data, e.g. test results, i.e. numbers. Dr. Patel ran 3.5 miles.";
        assert_eq!(plain(text).sentences, 2);
        assert_eq!(plain("Tea, coffee etc. and cake. Then home.").sentences, 2);
        assert_eq!(plain("Tea, coffee etc. Then home. Done? Yes!").sentences, 4);
    }

    #[test]
    fn flags_sentences_over_25_words_and_times_reading() {
        let sentence = |n: usize| format!("{}.", vec!["word"; n].join(" "));
        let r = plain(&format!("{}  {}", sentence(30), sentence(25)));
        let long = LongSentence {
            text: sentence(30),
            words: 30,
        };
        assert_eq!((r.words, r.long_sentences), (55, vec![long]));
        assert!(plain(&sentence(25)).long_sentences.is_empty());
        let minutes = [1, 200, 201, 401].map(|n| plain(&sentence(n)).reading_minutes);
        assert_eq!(minutes, [1, 1, 2, 3]);
    }

    #[test]
    fn glossary_matches_whole_words_and_phrases() {
        let terms = "anonymised|de-identified|Trusted Research Environment|data controller|\
                     governance|information governance|stakeholder|ppie|deliberative|\
                     deliberative dialogue";
        let text = "The DATA CONTROLLER's role.\nWe keep non-anonymised and de-identified data, \
                    not data, controller. ANONYMISED data sits in a trusted research \
                    environment. Information governance needs governance. Stakeholders and \
                    'PPIE' groups. De-identified, again. Data — controller. Deliberative dialogue.";
        let r = analyse(text, &glossary(terms));
        let found: Vec<_> = r
            .jargon
            .iter()
            .map(|j| format!("{} x{}", j.word, j.count))
            .collect();
        let want = "data controller x1|de-identified x2|anonymised x1|Trusted Research \
                    Environment x1|information governance x1|governance x1|ppie x1|\
                    deliberative dialogue x1";
        assert_eq!(found.join("|"), want);
        assert_eq!(r.jargon[0].plain, "DATA CONTROLLER");
    }

    #[test]
    fn empty_text_has_no_scores() {
        for text in ["", "  \n\n — \n* \n"] {
            assert_eq!(analyse(text, &glossary("-|data")), Readability::default());
        }
    }

    #[test]
    fn simple_text_is_easier_than_jargon() {
        let simple = plain("We asked people what they think. They told us. We wrote it down.");
        let jargon = plain(
            "Pseudonymised longitudinal datasets facilitate robust operationalisation of \
             information governance frameworks within trusted research environments.",
        );
        let (s, j) = (simple.flesch_reading_ease, jargon.flesch_reading_ease);
        assert!(s > Some(90.0) && j.is_some_and(|j| j < 30.0), "{s:?} {j:?}");
        assert!(jargon.reading_age > Some(18), "{:?}", jargon.reading_age);
    }

    #[test]
    fn syllable_heuristic() {
        let cases = "data:2 research:2 the:1 table:2 created:3 likes:1 NHS:3 GP:2 information:4 \
            people:2 anonymised:4 de-identified:5 everyone:3 used:1 uses:2 wanted:2 being:2 \
            area:3 likely:2 management:3 various:3 actual:3 health:1 million:2 media:3 \
            changes:2 2024:4 don't:1";
        for case in cases.split_whitespace() {
            let (word, n) = case.rsplit_once(':').unwrap_or_default();
            assert_eq!(syllable_count(word).to_string(), n, "{word}");
        }
    }

    #[test]
    fn reading_ease_bands() {
        let cases = "95:Very easy|85:Easy|70:Fairly easy|65:Plain English|50:Fairly difficult|\
                     49.9:Difficult|10:Very difficult|-20:Very difficult";
        for case in cases.split('|') {
            let (score, band) = case.split_once(':').unwrap_or_default();
            assert_eq!(
                describe_reading_ease(score.parse().unwrap_or(f64::NAN)),
                band
            );
        }
    }
}
