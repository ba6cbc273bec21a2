//! Forms that work without JavaScript: they post to plain routes; when something is wrong
//! the same page is rendered again at the same address with an error summary at the top
//! and each message beside its field (the GOV.UK / NHS.UK pattern), keeping what was typed
//! (never passwords).

use std::collections::BTreeMap;

pub mod date_input;
pub mod fields;
#[cfg(feature = "ssr")]
pub mod rules;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use date_input::{DateBox, DateInput, DateParts};
pub use fields::{IdempotencyKey, TextArea, TextField, IDEMPOTENCY_FIELD};

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// Errors and submitted values of a form being shown again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFeedback {
    /// Which form on the page was posted (pages with several forms).
    pub form: String,
    /// (field name, message), in the order of the fields on the page.
    pub errors: Vec<(String, String)>,
    pub values: BTreeMap<String, String>,
    /// A message for a form that worked but is shown again rather than redirected (for
    /// example an invitation link to copy).
    pub outcome: Option<String>,
    /// The one-time link in that message, when there is one (shown with a message to
    /// send with it, and a copy button).
    pub link: Option<String>,
    /// An irreversible or public action waiting to be confirmed: the confirmation page.
    pub confirm: Option<Confirmation>,
    /// The form was refused because someone else's change came first (409): the page
    /// shows their version beside what was typed.
    pub conflict: bool,
}

/// The confirmation page of an irreversible or public action: what will happen, and a
/// button that posts the same form again with `confirmed=yes`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// "Publish “Quarterly summary”?"
    pub heading: String,
    /// What will happen, in plain words; each string a paragraph.
    pub consequences: Vec<String>,
    /// Where the form posts.
    pub action: String,
    /// "Yes, publish it"
    pub button: String,
    /// Where "No, go back" leads.
    pub back: String,
    /// A warning button (red) for something that takes a thing away.
    pub warning: bool,
}

impl FormFeedback {
    pub fn for_form(form: &str) -> Self {
        Self {
            form: form.to_owned(),
            ..Self::default()
        }
    }

    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push((field.to_owned(), message.into()));
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn error_for(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.clone())
    }

    pub fn value(&self, field: &str) -> Option<String> {
        self.values.get(field).cloned()
    }
}

/// The feedback for the form named `form`, when the page is being shown again after it.
pub fn feedback(form: &str) -> Option<FormFeedback> {
    use_context::<FormFeedback>().filter(|feedback| feedback.form == form)
}

/// When a save was refused because someone else saved first: their version, as stored now,
/// beside the form that keeps what was typed. `fields` are `(label, their text)`.
#[component]
pub fn TheirVersion(form: &'static str, fields: Vec<(&'static str, String)>) -> impl IntoView {
    feedback(form).filter(|f| f.conflict).map(|_| {
        view! {
            <details class="nhsuk-details candour-their-version" open=true data-test="their-version">
                <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">"The version saved meanwhile"</span></summary>
                <div class="nhsuk-details__text">
                    <dl class="nhsuk-summary-list">
                        {fields.into_iter().map(|(label, text)| view! {
                            <div class="nhsuk-summary-list__row">
                                <dt class="nhsuk-summary-list__key">{label}</dt>
                                <dd class="nhsuk-summary-list__value candour-prewrap">{text}</dd>
                            </div>
                        }).collect_view()}
                    </dl>
                    <p>"Your text is in the form below. Save again to replace theirs, or copy what you need from theirs first."</p>
                </div>
            </details>
        }
    })
}

/// `/admin/confirm`: the page a form shows before an irreversible or public action (see
/// [`Confirmation`]), with the form's values kept in hidden fields.
#[component]
pub fn ConfirmPage() -> impl IntoView {
    let feedback = use_context::<FormFeedback>();
    let Some((confirm, values)) = feedback.and_then(|f| f.confirm.map(|c| (c, f.values))) else {
        return view! {
            <leptos_meta::Title text=crate::components::page_title("Nothing to confirm") />
            <h1>"There is nothing to confirm"</h1>
            <p><a href="/admin">"Go to the staff home"</a></p>
        }
        .into_any();
    };
    let class = if confirm.warning {
        "nhsuk-button nhsuk-button--warning"
    } else {
        "nhsuk-button"
    };
    view! {
        <leptos_meta::Title text=crate::components::page_title(confirm.heading.clone()) />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1 data-test="confirm-heading">{confirm.heading.clone()}</h1>
                <div class="nhsuk-warning-callout">
                    <h2 class="nhsuk-warning-callout__label"><span class="nhsuk-u-visually-hidden">"Important: "</span>"Before you go on"</h2>
                    {confirm.consequences.into_iter().map(|text| view! { <p>{text}</p> }).collect_view()}
                </div>
                <form method="post" action=confirm.action novalidate data-test="confirm-form">
                    {values.into_iter().filter(|(name, _)| name != "confirmed").map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()}
                    <input type="hidden" name="confirmed" value="yes" />
                    <button class=class type="submit" data-test="confirm">{confirm.button}</button>
                </form>
                <p><a href=confirm.back data-test="confirm-back">"No, go back"</a></p>
            </div>
        </div>
    }
    .into_any()
}

/// The fixed messages a feature shows after its forms worked and the browser was sent
/// back to a page (`?done=<key>`): `(key, text)`. Only these texts can appear, so the
/// address cannot inject any. Each feature declares its own next to its forms.
pub type Notices = &'static [(&'static str, &'static str)];

pub fn notice_text(notices: Notices, key: &str) -> Option<&'static str> {
    notices
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, text)| *text)
}

/// A green "success" banner for `?done=<key>`, announced to screen readers.
#[component]
pub fn DoneNotice(notices: Notices) -> impl IntoView {
    let done = use_query_map()
        .get_untracked()
        .get("done")
        .and_then(|key| notice_text(notices, &key));
    done.map(|text| {
        view! {
            <div class="nhsuk-inset-text candour-notice candour-notice--done" role="status" data-test="notice">
                <p>{text}</p>
            </div>
        }
    })
}

/// The error summary at the top of a form: focusable, linked to each field.
#[component]
pub fn ErrorSummary(form: &'static str) -> impl IntoView {
    feedback(form).filter(FormFeedback::has_errors).map(|feedback| {
        view! {
            <div class="nhsuk-error-summary" aria-labelledby=format!("{form}-error-summary-title") role="alert" tabindex="-1" data-test="error-summary">
                <h2 class="nhsuk-error-summary__title" id=format!("{form}-error-summary-title")>"There is a problem"</h2>
                <div class="nhsuk-error-summary__body">
                    <ul class="nhsuk-list nhsuk-error-summary__list">
                        {feedback.errors.into_iter().map(|(field, message)| view! {
                            <li><a href=format!("#{field}")>{message}</a></li>
                        }).collect_view()}
                    </ul>
                </div>
            </div>
        }
    })
}

/// Text for inside a `<textarea>`. Leptos 0.8 writes a textarea's children into the
/// server-rendered HTML without escaping them (as it does for `<script>`), so a stored
/// `</textarea><b>` would end the box and inject markup. Escaped here on the server; in the
/// browser the text is used as it is.
pub fn textarea_text(text: &str) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;").replace('<', "&lt;")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "ssr")]
    fn textarea_text_cannot_close_the_box() {
        assert_eq!(
            textarea_text("a </textarea> & b"),
            "a &lt;/textarea> &amp; b"
        );
    }
}
