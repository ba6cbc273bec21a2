//! Forms that work without JavaScript: they post to plain routes; when something is wrong
//! the same page is rendered again at the same address with an error summary at the top
//! and each message beside its field (the GOV.UK / NHS.UK pattern), keeping what was typed
//! (never passwords).

use std::collections::BTreeMap;

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

/// Messages shown after a form worked and the browser was sent back to a page
/// (`?done=<key>`). Only these fixed texts can appear, so the address cannot inject any.
const NOTICES: &[(&str, &str)] = &[
    ("signed-out", "You have signed out."),
    ("name-changed", "Your display name has been changed."),
    (
        "password-changed",
        "Your password has been changed. Your other sessions have ended.",
    ),
    ("session-ended", "That session has ended."),
    ("sessions-ended", "All your other sessions have ended."),
    (
        "account-deleted",
        "Your account has been deleted. Thank you for your part in this work.",
    ),
    ("role-changed", "The role has been changed."),
    (
        "account-disabled",
        "The account has been disabled and its sessions have ended.",
    ),
    ("account-enabled", "The account has been enabled."),
    ("invite-revoked", "The invitation has been cancelled."),
    (
        "account-created",
        "Your account is ready. Welcome to Candour.",
    ),
    (
        "password-reset",
        "Your new password is set. Sign in with it.",
    ),
    ("report-saved", "The report has been saved as a draft."),
    ("report-published", "The report has been published."),
    (
        "report-withdrawn",
        "The report has been withdrawn. Its page now says why.",
    ),
    ("draft-discarded", "The kept text has been discarded."),
    (
        "status-recorded",
        "The status change has been recorded and added to the public history.",
    ),
    ("response-saved", "The response has been saved."),
    ("policy-created", "The policy has been created as a draft."),
    ("policy-saved", "The draft has been saved."),
    (
        "review-opened",
        "The draft is open for review. Digital Critical Friends can read it and comment now.",
    ),
    (
        "policy-revised",
        "A new draft has been started from the newest version.",
    ),
    (
        "policy-published",
        "The policy has been published, with its review and every answer.",
    ),
    ("comment-posted", "Your comment has been posted."),
    ("reply-posted", "Your reply has been posted."),
    ("answer-saved", "The answer has been saved."),
    (
        "comment-removed",
        "The comment has been removed. The reason shows in its place.",
    ),
    (
        "followed",
        "You follow this recommendation. Your account page lists it with any changes.",
    ),
    ("unfollowed", "You no longer follow this recommendation."),
    (
        "follows-seen",
        "Every recommendation you follow is marked as seen.",
    ),
];

pub fn notice_text(key: &str) -> Option<&'static str> {
    NOTICES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, text)| *text)
}

/// A green "success" banner for `?done=<key>`, announced to screen readers.
#[component]
pub fn DoneNotice() -> impl IntoView {
    let done = use_query_map()
        .get_untracked()
        .get("done")
        .and_then(|key| notice_text(&key));
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
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = [
        hint.map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    view! {
        <div class="nhsuk-form-group" class:nhsuk-form-group--error=error.is_some()>
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
                aria-describedby=(!described_by.is_empty()).then_some(described_by)
            >{textarea_text(&value)}</textarea>
        </div>
    }
}

/// A sign-out button: a form that posts, since signing out changes something.
#[component]
pub fn SignOutButton(
    #[prop(default = "nhsuk-button nhsuk-button--secondary")] class: &'static str,
) -> impl IntoView {
    view! {
        <form method="post" action="/sign-out" class="candour-inline-form">
            <button class=class type="submit" data-test="sign-out">"Sign out"</button>
        </form>
    }
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

/// Only local paths are followed after signing in, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    next.filter(|next| {
        next.starts_with('/')
            && !next.starts_with("//")
            && !next.contains('\\')
            && !next.contains("://")
    })
    .unwrap_or("/account")
    .to_owned()
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use axum::{
        body::Body,
        extract::Request,
        http::{request::Parts, StatusCode},
        response::{IntoResponse, Response},
    };
    use leptos::prelude::provide_context;

    use super::{BTreeMap, FormFeedback};
    use crate::{shell, state::AppState};

    /// Reads an `application/x-www-form-urlencoded` body into fields. A field given more
    /// than once (a group of checkboxes) has its values joined with commas.
    pub async fn read_fields(request: Request) -> (Parts, BTreeMap<String, String>) {
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, 1024 * 1024)
            .await
            .unwrap_or_default();
        let mut fields = BTreeMap::new();
        for (name, value) in url::form_urlencoded::parse(&bytes) {
            fields
                .entry(name.into_owned())
                .or_insert_with(|| value.into_owned());
        }
        (parts, fields)
    }

    /// Renders the page at the request's address again, with the form's errors, and the
    /// given status (422 for mistakes in the form).
    pub async fn render_page(
        state: &AppState,
        parts: Parts,
        feedback: FormFeedback,
        status: StatusCode,
    ) -> Response {
        let options = state.options.clone();
        let state = state.clone();
        let render = leptos_axum::render_app_async_with_context(
            move || {
                provide_context(state.clone());
                provide_context(state.site.clone());
                provide_context(feedback.clone());
            },
            move || shell(options.clone()),
        );
        let mut parts = parts;
        parts.method = axum::http::Method::GET;
        let mut response = render(Request::from_parts(parts, Body::empty()))
            .await
            .into_response();
        if response.status() == StatusCode::OK {
            *response.status_mut() = status;
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_signing_in() {
        assert_eq!(safe_next(Some("/admin/reports")), "/admin/reports");
        assert_eq!(safe_next(Some("//evil.example")), "/account");
        assert_eq!(safe_next(Some("https://evil.example")), "/account");
        assert_eq!(safe_next(Some("/\\evil.example")), "/account");
        assert_eq!(safe_next(None), "/account");
    }

    #[test]
    #[cfg(feature = "ssr")]
    fn textarea_text_cannot_close_the_box() {
        assert_eq!(
            textarea_text("a </textarea> & b"),
            "a &lt;/textarea> &amp; b"
        );
    }

    #[test]
    fn every_notice_key_is_unique() {
        let mut keys: Vec<_> = NOTICES.iter().map(|(k, _)| *k).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), NOTICES.len());
    }
}
