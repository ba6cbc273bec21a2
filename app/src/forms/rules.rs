//! The rules Candour's forms check, as garde custom rules that give the message the person
//! reads (the GOV.UK / NHS.UK error message wording: say what to do, not what went wrong).
//! Lengths count characters, not bytes.
//!
//! ```ignore
//! #[derive(Default, Deserialize, garde::Validate)]
//! #[serde(default)]
//! struct NoteForm {
//!     #[garde(custom(text("Enter a public note", NOTE_MAX, "Note")))]
//!     note: String,
//! }
//! ```

use garde::{Error, Result};

/// How many characters `text` has (what people count, near enough: Unicode scalar values).
pub fn chars(text: &str) -> usize {
    text.chars().count()
}

/// Something must be entered: white space alone, or characters that show nothing
/// (zero-width spaces), is nothing.
pub fn required(missing: &'static str) -> impl FnOnce(&String, &()) -> Result {
    move |value, _| {
        if !crate::text::has_visible(value) {
            Err(Error::new(missing))
        } else {
            Ok(())
        }
    }
}

/// At most `max` characters: "{subject} must be {max} characters or fewer".
pub fn at_most(max: usize, subject: &'static str) -> impl FnOnce(&String, &()) -> Result {
    move |value, _| {
        if chars(value) > max {
            Err(Error::new(format!(
                "{subject} must be {max} characters or fewer"
            )))
        } else {
            Ok(())
        }
    }
}

/// Text that must be entered, of at most `max` characters.
pub fn text(
    missing: &'static str,
    max: usize,
    subject: &'static str,
) -> impl FnOnce(&String, &()) -> Result {
    move |value, ctx| {
        required(missing)(value, ctx)?;
        at_most(max, subject)(value, ctx)
    }
}

/// A plausible email address: something before the @, a dotted domain after it, no spaces,
/// at most 254 characters (RFC 5321's limit on a path). Whether it exists is only known by
/// writing to it.
pub fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.len() <= 254
}

/// An email address, in the NHS.UK pattern's words.
pub fn email_address(value: &str, _: &()) -> Result {
    let value = value.trim();
    if value.is_empty() {
        Err(Error::new("Enter an email address"))
    } else if !looks_like_email(value) {
        Err(Error::new(
            "Enter an email address in the correct format, like name@example.com",
        ))
    } else {
        Ok(())
    }
}

/// A real calendar date written `YYYY-MM-DD`.
pub fn iso_date(message: &'static str) -> impl FnOnce(&String, &()) -> Result {
    move |value, _| {
        if crate::dates::is_iso_date(value.trim()) {
            Ok(())
        } else {
            Err(Error::new(message))
        }
    }
}

/// Empty, or a real calendar date written `YYYY-MM-DD`.
pub fn optional_iso_date(message: &'static str) -> impl FnOnce(&String, &()) -> Result {
    move |value, ctx| {
        if value.trim().is_empty() {
            Ok(())
        } else {
            iso_date(message)(value, ctx)
        }
    }
}

/// Empty, or a whole number from 0 to 100.
pub fn optional_percent(message: &'static str) -> impl FnOnce(&String, &()) -> Result {
    move |value, _| match value.trim() {
        "" => Ok(()),
        text => match text.parse::<i64>() {
            Ok(p) if (0..=100).contains(&p) => Ok(()),
            _ => Err(Error::new(message)),
        },
    }
}

/// One of a fixed set of choices (radios, a select).
pub fn one_of(
    choices: &'static [&'static str],
    message: &'static str,
) -> impl FnOnce(&String, &()) -> Result {
    move |value, _| {
        if choices.contains(&value.as_str()) {
            Ok(())
        } else {
            Err(Error::new(message))
        }
    }
}

/// A ticked checkbox (its value `yes`).
pub fn ticked(message: &'static str) -> impl FnOnce(&String, &()) -> Result {
    move |value, _| {
        if value == "yes" {
            Ok(())
        } else {
            Err(Error::new(message))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_says_what_to_enter_then_how_long_it_may_be() {
        let rule = || text("Enter a title", 5, "Title");
        assert_eq!(
            rule()(&"  ".into(), &()).unwrap_err().message(),
            "Enter a title"
        );
        assert_eq!(
            rule()(&"abcdef".into(), &()).unwrap_err().message(),
            "Title must be 5 characters or fewer"
        );
        // Characters, not bytes.
        assert!(rule()(&"ééééé".into(), &()).is_ok());
    }

    #[test]
    fn optional_rules_accept_nothing() {
        assert!(optional_iso_date("x")(&String::new(), &()).is_ok());
        assert!(optional_iso_date("x")(&"2026-02-30".into(), &()).is_err());
        assert!(optional_percent("x")(&"100".into(), &()).is_ok());
        assert!(optional_percent("x")(&"101".into(), &()).is_err());
    }
}
