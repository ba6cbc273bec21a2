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
pub use fields::{TextArea, TextField};

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
