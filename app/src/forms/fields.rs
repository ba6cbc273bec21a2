//! The NHS.UK form fields: a label, a hint, the error beside the field, and the input,
//! keeping what was typed when the page is shown again (never passwords).

use leptos::prelude::*;

use super::{feedback, textarea_text};

/// A labelled input with its hint and error. Its id is its name, so error summary links
/// land on it.
#[component]
pub fn TextField(
    form: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] width: Option<&'static str>,
) -> impl IntoView {
    let feedback = feedback(form);
    let error = feedback.as_ref().and_then(|f| f.error_for(name));
    let value = if kind == "password" {
        None
    } else {
        feedback.as_ref().and_then(|f| f.value(name)).or(value)
    };
    let hint_id = hint.map(|_| format!("{name}-hint"));
    let error_id = error.as_ref().map(|_| format!("{name}-error"));
    let described_by = [hint_id.clone(), error_id.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let class = match width {
        Some(width) => format!("nhsuk-input nhsuk-input--width-{width}"),
        None => "nhsuk-input".to_owned(),
    };
    view! {
        <div class="nhsuk-form-group" class:nhsuk-form-group--error=error.is_some()>
            <label class="nhsuk-label" for=name>{label}</label>
            {hint.map(|hint| view! { <div class="nhsuk-hint" id=hint_id.clone()>{hint}</div> })}
            {error.clone().map(|message| view! {
                <span class="nhsuk-error-message" id=error_id.clone()>
                    <span class="nhsuk-u-visually-hidden">"Error: "</span>{message}
                </span>
            })}
            <input
                class=class
                class:nhsuk-input--error=error.is_some()
                id=name
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                spellcheck=(kind == "email" || kind == "password").then_some("false")
                aria-describedby=(!described_by.is_empty()).then_some(described_by)
            />
        </div>
    }
}

/// A labelled `<textarea>` with its hint and error, for forms whose field ids are made at
/// run time (one reply box per thread), so it takes its error and value directly.
#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = None)] error: Option<String>,
    #[prop(optional, into)] value: String,
    #[prop(default = 5)] rows: u32,
    #[prop(optional)] bold_label: bool,
    /// The most characters the server takes: stated under the box (the NHS.UK character
    /// count), and counted down as the person types when JavaScript runs
    /// (`assets/islands.js`).
    #[prop(optional)]
    max: Option<usize>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let info_id = format!("{id}-info");
    let described_by = [
        hint.map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
        max.map(|_| info_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    view! {
        <div
            class="nhsuk-form-group"
            class:nhsuk-form-group--error=error.is_some()
            class:nhsuk-character-count=max.is_some()
        >
            <label class="nhsuk-label" class:nhsuk-label--s=bold_label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <div class="nhsuk-hint" id=hint_id.clone()>{hint}</div> })}
            {error.clone().map(|message| view! {
                <span class="nhsuk-error-message" id=error_id.clone()>
                    <span class="nhsuk-u-visually-hidden">"Error: "</span>{message}
                </span>
            })}
            <textarea
                class="nhsuk-textarea"
                class:nhsuk-textarea--error=error.is_some()
                id=id.clone()
                name=name
                rows=rows.to_string()
                data-maxlength=max.map(|max| max.to_string())
                aria-describedby=(!described_by.is_empty()).then_some(described_by)
            >{textarea_text(&value)}</textarea>
            {max.map(|max| view! {
                <div class="nhsuk-hint nhsuk-character-count__message" id=info_id.clone()>
                    {format!("You can enter up to {} characters", thousands(max))}
                </div>
            })}
        </div>
    }
}

/// `2000` → "2,000", as NHS.UK writes numbers.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The name of the hidden field that makes a creating form safe to send twice.
pub const IDEMPOTENCY_FIELD: &str = "idempotency_key";

/// A one-time key for a form that creates something (`forms::ssr::Reply::write` answers a
/// repeat with where the first submission led, creating nothing). A new key each time the
/// page is made; the same one again when the page comes back with mistakes, so a corrected
/// form sent twice still counts once. `one_of_many`: one of several small forms sharing a
/// form name (a button on each row of a table), which always get a new key each, so a
/// key kept for one row never stands for another.
#[component]
pub fn IdempotencyKey(form: &'static str, #[prop(optional)] one_of_many: bool) -> impl IntoView {
    let kept = (!one_of_many)
        .then(|| feedback(form).and_then(|f| f.value(IDEMPOTENCY_FIELD)))
        .flatten();
    let key = kept.unwrap_or_else(new_key);
    view! { <input type="hidden" name=IDEMPOTENCY_FIELD value=key /> }
}

/// 128 random bits as hex (pages are made on the server; the browser never makes one).
fn new_key() -> String {
    #[cfg(feature = "ssr")]
    {
        use rand::RngCore as _;
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    #[cfg(not(feature = "ssr"))]
    String::new()
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_written_with_thousands_separated() {
        assert_eq!(super::thousands(500), "500");
        assert_eq!(super::thousands(2000), "2,000");
        assert_eq!(super::thousands(1_234_567), "1,234,567");
    }
}
