//! Forms on the server: reading a posted form into its struct, and answering it: the page
//! again with each message beside its field, a redirect with a notice, or (through
//! [`Reply::write`]) the one write path every change takes.

use std::collections::BTreeMap;

use axum::{
    body::Body,
    extract::Request,
    http::{request::Parts, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use leptos::prelude::provide_context;
use serde::de::DeserializeOwned;
use sqlx::AnyConnection;

use super::FormFeedback;
use crate::{
    audit::{self, Actor},
    db::bump_content_version,
    error::AppError,
    state::AppState,
};

/// The largest form body read, in bytes (the router refuses larger requests before this).
pub const MAX_FORM_BYTES: usize = 1024 * 1024;

/// Reads an `application/x-www-form-urlencoded` body into fields. A field given more than
/// once keeps its first value here (typed forms read every value: see [`read`]).
pub async fn read_fields(request: Request) -> (Parts, BTreeMap<String, String>) {
    let (parts, bytes) = read_body(request).await;
    (parts, first_values(&bytes))
}

/// A posted form's body, with every value cleaned as stored text may be
/// ([`crate::text::clean`]: pasted line breaks made line breaks, controls and bidirectional
/// controls dropped) — decided once, here, for every form. Passwords are left exactly as
/// typed.
async fn read_body(request: Request) -> (Parts, Vec<u8>) {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .unwrap_or_default();
    (parts, clean_form(&bytes))
}

fn clean_form(bytes: &[u8]) -> Vec<u8> {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in url::form_urlencoded::parse(bytes) {
        if name.contains("password") {
            out.append_pair(&name, &value);
        } else {
            out.append_pair(&crate::text::clean(&name), &crate::text::clean(&value));
        }
    }
    out.finish().into_bytes()
}

fn first_values(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    for (name, value) in url::form_urlencoded::parse(bytes) {
        fields
            .entry(name.into_owned())
            .or_insert_with(|| value.into_owned());
    }
    fields
}

/// For `#[serde(deserialize_with = "multiline")]`: text from a `<textarea>`, with the
/// browser's CRLF line ends made LF (what is stored and compared).
pub fn multiline<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = <String as serde::Deserialize>::deserialize(deserializer)?;
    Ok(text.replace("\r\n", "\n"))
}

/// For `#[serde(deserialize_with = "text_block")]`: text from a `<textarea>`, with LF line
/// ends and without the white space around it.
pub fn text_block<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(multiline(deserializer)?.trim().to_owned())
}

/// For `#[serde(deserialize_with = "trimmed")]`: one line of text without the white space
/// around it (what is stored and counted).
pub fn trimmed<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = <String as serde::Deserialize>::deserialize(deserializer)?;
    Ok(text.trim().to_owned())
}

/// A posted form: its fields as the form's own struct, every `(name, value)` pair as
/// posted (for rows of fields a page numbers, like `evidence-2-url`), and the reply being
/// prepared.
pub struct Posted<F> {
    pub form: F,
    pub pairs: Vec<(String, String)>,
    pub reply: Reply,
}

impl<F> Posted<F> {
    /// Every value posted under `name` (a group of checkboxes), in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The value posted under `name`, trimmed (empty when there is none).
    pub fn value(&self, name: &str) -> String {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }
}

/// Reads a posted form into `F` and checks it with `F`'s rules (garde). Every message goes
/// beside its field in `reply.feedback`, in the order of the struct's fields (which is
/// the order of the fields on the page); only the first message of each field is kept.
///
/// `F`'s fields are text (`String`, `Option<String>`, or `Vec<String>` for a field given
/// more than once, like a group of checkboxes), with `#[serde(default)]`, so reading never
/// fails: a missing field is empty, and its rule says what to enter.
pub async fn read<F>(request: Request, form_name: &str, page: impl Into<String>) -> Posted<F>
where
    F: DeserializeOwned + Default + garde::Validate<Context = ()>,
{
    let (parts, bytes) = read_body(request).await;
    let form: F = serde_html_form::from_bytes(&bytes).unwrap_or_else(|error| {
        tracing::warn!(%error, "a form could not be read; treated as empty");
        F::default()
    });
    let mut reply = Reply::new(parts, form_name, page);
    reply.feedback.values = first_values(&bytes);
    reply.idempotency = reply.feedback.values.get(super::IDEMPOTENCY_FIELD).cloned();
    // A password is never shown again, nor kept anywhere it is not needed.
    reply
        .feedback
        .values
        .retain(|name, _| !name.contains("password"));
    if let Err(report) = form.validate() {
        for (path, error) in report.iter() {
            let field = path.to_string();
            if reply.feedback.error_for(&field).is_none() {
                reply.feedback.error(&field, error.message());
            }
        }
    }
    let pairs = url::form_urlencoded::parse(&bytes).into_owned().collect();
    Posted { form, pairs, reply }
}

/// What a form handler answers: `Ok` when the form was done (a redirect, or its page with
/// what was made), `Err` when its page is shown again with messages, or it is refused.
/// Both are responses; the split lets a handler stop early with `?`.
pub type Answer = Result<Response, Response>;

/// A form with no fields of its own: a button.
#[derive(Debug, Default, serde::Deserialize, garde::Validate)]
pub struct Button {}

/// How a form is answered: the page it belongs to, and the messages and typed values to
/// show there if it has to be shown again.
pub struct Reply {
    parts: Parts,
    pub feedback: FormFeedback,
    /// The page the form is on (shown again with errors), e.g. `/admin/policies/7`.
    pub page: String,
    /// The one-time key of a creating form, as posted (kept apart from `feedback.values`,
    /// which a handler may rebuild).
    idempotency: Option<String>,
}

impl Reply {
    /// The one-time key a creating form carries, if it is well formed.
    fn idempotency_key(&self) -> Option<String> {
        self.idempotency
            .clone()
            .filter(|key| key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit()))
    }

    pub fn new(parts: Parts, form_name: &str, page: impl Into<String>) -> Self {
        Self {
            parts,
            feedback: FormFeedback::for_form(form_name),
            page: page.into(),
            idempotency: None,
        }
    }

    /// Adds a message beside `field` (the input's name and id).
    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.feedback.error(field, message);
    }

    pub fn has_errors(&self) -> bool {
        self.feedback.has_errors()
    }

    /// Puts the messages in the order of the fields on the page (the error summary lists
    /// them in that order). A field matches an entry by name, or as one of its parts
    /// (`started-day` belongs to `started`, `figure-2-label` to `figure`); fields not
    /// listed go last.
    pub fn order_errors(&mut self, order: &[&str]) {
        let rank = |field: &str| {
            order
                .iter()
                .position(|entry| field == *entry || field.starts_with(&format!("{entry}-")))
                .unwrap_or(order.len())
        };
        self.feedback.errors.sort_by_key(|(field, _)| rank(field));
    }

    /// Replaces what the page shows in `field` when it is shown again (for example the
    /// revision a conflicting save should be made against).
    pub fn keep_value(&mut self, field: &str, value: impl Into<String>) {
        self.feedback.values.insert(field.to_owned(), value.into());
    }

    /// Forgets what was typed in `field` (a password is never shown again).
    pub fn forget_value(&mut self, field: &str) {
        self.feedback.values.remove(field);
    }

    /// The request's headers and extensions.
    pub fn parts(&self) -> &Parts {
        &self.parts
    }

    /// The page again, with the messages and what was typed, and `status`.
    /// For a form that worked and is shown again (a link to copy): it starts empty, with
    /// a new one-time key, so the next thing made with it is a new thing.
    pub fn start_afresh(&mut self) {
        self.feedback.values.clear();
        self.idempotency = None;
    }

    pub async fn again(mut self, state: &AppState, status: StatusCode) -> Response {
        // The page comes back with the same one-time key, so the corrected form still
        // counts once however often it is sent.
        if let Some(key) = self.idempotency.clone() {
            self.feedback
                .values
                .entry(super::IDEMPOTENCY_FIELD.to_owned())
                .or_insert(key);
        }
        // Someone else's change came first: the page shows theirs beside what was typed.
        self.feedback.conflict = status == StatusCode::CONFLICT;
        let mut parts = self.parts;
        set_path(&mut parts, &self.page);
        render_page(state, parts, self.feedback, status).await
    }

    /// With messages: `Err` with the page again (422). Without: the reply, to go on.
    ///
    /// A creating form sent again after it worked (its one-time key is recorded) goes to
    /// what it made, before its mistakes are looked at: the second of a double click must
    /// not be told that its own first copy took the title.
    pub async fn mistakes(self, state: &AppState) -> Result<Self, Response> {
        if let Some(key) = self.idempotency_key() {
            match submissions::location_of(state.db.pool(), &key).await {
                Ok(Some(location)) => return Err(Redirect::to(&location).into_response()),
                Ok(None) => {}
                Err(error) => return Err(internal(error)),
            }
        }
        if self.has_errors() {
            Err(self.again(state, StatusCode::UNPROCESSABLE_ENTITY).await)
        } else {
            Ok(self)
        }
    }

    /// Refuses with only this message, beside `field` (the form's own mistakes do not
    /// matter while it cannot be used): 409.
    pub async fn refuse(
        mut self,
        state: &AppState,
        field: &str,
        message: impl Into<String>,
    ) -> Response {
        self.feedback.errors.clear();
        self.error(field, message);
        self.again(state, StatusCode::CONFLICT).await
    }

    /// Shows the confirmation page of an irreversible or public action (200): the same
    /// form again, with what was posted, and a button that adds `confirmed=yes`.
    pub async fn confirm(mut self, state: &AppState, confirm: super::Confirmation) -> Response {
        self.feedback.errors.clear();
        self.feedback.confirm = Some(confirm);
        self.page = "/admin/confirm".to_owned();
        self.again(state, StatusCode::OK).await
    }

    /// The page's own "not found" (the thing the form is about does not exist), 404.
    pub async fn not_found(mut self, state: &AppState) -> Response {
        self.feedback = FormFeedback::default();
        self.again(state, StatusCode::NOT_FOUND).await
    }

    /// The form worked: back to its page with a notice.
    pub fn done(&self, notice: &str) -> Response {
        done(&self.page, notice)
    }

    /// The one write path. Runs `change` in one serialised write transaction
    /// (`Database::begin_write`), where it re-checks every rule on data read inside the
    /// transaction and writes; then the audit entry (when the change names one), the
    /// content-version bump (when public content changed), commit, and a 303 to the
    /// page (or [`Written::to`]) with `notice`. A rule failing inside comes back as the
    /// page again with its message beside its field ([`Refusal::Field`]); nothing is
    /// written then.
    pub async fn write(
        self,
        state: &AppState,
        actor: Actor,
        notice: &str,
        change: impl AsyncFnOnce(&mut AnyConnection) -> Result<Written, Refusal>,
    ) -> Answer {
        let (reply, written, ()) = self
            .run(state, actor, async |tx| Ok((change(tx).await?, ())))
            .await?;
        Ok(done(written.to.as_deref().unwrap_or(&reply.page), notice))
    }

    /// The write path of [`Reply::write`] for a form that shows its page again after it
    /// worked (a new link to copy): the change's own result comes back with the reply.
    ///
    /// A form that creates something carries a one-time key ([`super::IdempotencyKey`]): a
    /// repeat of it (a double click, a retry after a lost reply) changes nothing and goes
    /// where the first went (`Written::to`), with `T::default()`.
    pub async fn run<T: Default>(
        mut self,
        state: &AppState,
        actor: Actor,
        change: impl AsyncFnOnce(&mut AnyConnection) -> Result<(Written, T), Refusal>,
    ) -> Result<(Self, Written, T), Response> {
        let key = self.idempotency_key();
        let page = self.page.clone();
        let outcome = async {
            let mut tx = state.db.begin_write().await?;
            if let Some(key) = &key {
                if let Some(location) = submissions::first(&mut tx, key, actor).await? {
                    tx.rollback().await?;
                    return Ok((
                        Written {
                            to: Some(location),
                            repeated: true,
                            ..Written::default()
                        },
                        T::default(),
                    ));
                }
            }
            let (written, value) = change(&mut tx).await?;
            if let Some(key) = &key {
                let location = written.to.clone().unwrap_or_else(|| page.clone());
                submissions::record(&mut tx, key, actor, &location).await?;
            }
            if let Some(entry) = &written.audit {
                audit::record(&mut tx, actor, entry).await?;
            }
            if written.public {
                bump_content_version(&mut tx).await?;
            }
            tx.commit().await?;
            if written.public {
                crate::db::content_committed();
            }
            Ok::<_, Refusal>((written, value))
        }
        .await;
        match outcome {
            Ok((written, value)) => Ok((self, written, value)),
            Err(Refusal::Field {
                field,
                message,
                status,
                keep,
            }) => {
                self.error(&field, message);
                for (field, value) in keep {
                    self.keep_value(field, value);
                }
                Err(self.again(state, status).await)
            }
            Err(Refusal::NotFound) => Err(self.not_found(state).await),
            Err(Refusal::Gone) => {
                self.feedback = FormFeedback::default();
                Err(self.again(state, StatusCode::GONE).await)
            }
            // The database could not take the write (a full or read-only disk, the
            // database away): the same page again, with what was typed, and a reason.
            Err(Refusal::Failed(error)) => {
                tracing::error!(%error, "a change could not be saved");
                let form = self.feedback.form.clone();
                self.error(&form, STORAGE_PROBLEM);
                Err(self.again(state, StatusCode::SERVICE_UNAVAILABLE).await)
            }
        }
    }
}

/// The record of creating forms already sent (`form_submissions`).
mod submissions {
    use sqlx::AnyConnection;

    use crate::audit::Actor;

    /// Where the first submission with `key` by `actor` led, if there was one.
    pub async fn first(
        conn: &mut AnyConnection,
        key: &str,
        actor: Actor,
    ) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT location FROM form_submissions WHERE key = $1 AND actor_id = $2")
            .bind(key)
            .bind(actor.id)
            .fetch_optional(conn)
            .await
    }

    /// Where the submission with `key` led, whoever sent it (the key is a 128-bit secret
    /// of the page it came from).
    pub async fn location_of(
        pool: &sqlx::AnyPool,
        key: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT location FROM form_submissions WHERE key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await
    }

    pub async fn record(
        conn: &mut AnyConnection,
        key: &str,
        actor: Actor,
        location: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO form_submissions (key, actor_id, location, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(key)
        .bind(actor.id)
        .bind(location)
        .bind(crate::dates::now())
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// What a form says when the database cannot take its change.
pub const STORAGE_PROBLEM: &str = "We could not save this just now because of a problem storing data. Nothing was changed, and what you typed is still here. Try again in a few minutes.";

/// What a change wrote, for the write path to finish.
#[derive(Debug, Default)]
pub struct Written {
    /// The audit entry (every change a person makes to a shared record has one).
    pub audit: Option<audit::Change>,
    /// Public content changed: the content version moves on, so caches and the search
    /// index catch up on every instance.
    pub public: bool,
    /// Where to go instead of the form's page (a new record's own page).
    pub to: Option<String>,
    /// Set by [`Reply::run`] when the form's one-time key was already used: nothing was
    /// changed, and `to` is where the first submission led.
    pub repeated: bool,
}

impl Written {
    /// A change to what the public sees, with its audit entry.
    pub fn public(audit: audit::Change) -> Self {
        Self {
            audit: Some(audit),
            public: true,
            to: None,
            repeated: false,
        }
    }

    /// A change staff or the person alone see, with its audit entry.
    pub fn private(audit: audit::Change) -> Self {
        Self {
            audit: Some(audit),
            public: false,
            to: None,
            repeated: false,
        }
    }

    /// Afterwards, go to `to` instead of the form's page.
    pub fn to(mut self, to: impl Into<String>) -> Self {
        self.to = Some(to.into());
        self
    }
}

/// Why a change was not written.
#[derive(Debug)]
pub enum Refusal {
    /// A rule checked inside the transaction failed: `message` beside `field`, with
    /// `status` (409 when someone else's change came first, 422 otherwise), and values to
    /// show in place of what was posted.
    Field {
        field: String,
        message: String,
        status: StatusCode,
        keep: Vec<(&'static str, String)>,
    },
    /// What the form is about does not exist (404).
    NotFound,
    /// What the form is about no longer works, and its page says why (410: a used link).
    Gone,
    /// The database failed.
    Failed(sqlx::Error),
}

impl Refusal {
    /// Someone else's change came first (409).
    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Field {
            field: field.into(),
            message: message.into(),
            status: StatusCode::CONFLICT,
            keep: Vec::new(),
        }
    }

    /// The change breaks a rule (422).
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Field {
            field: field.into(),
            message: message.into(),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            keep: Vec::new(),
        }
    }

    /// Shows `value` in `field` when the page is shown again.
    pub fn keeping(mut self, field: &'static str, value: impl Into<String>) -> Self {
        if let Self::Field { keep, .. } = &mut self {
            keep.push((field, value.into()));
        }
        self
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(error: sqlx::Error) -> Self {
        Self::Failed(error)
    }
}

fn set_path(parts: &mut Parts, path: &str) {
    if let Ok(uri) = path.parse() {
        parts.uri = uri;
    }
}

/// After a form worked: to a page (which may name a place on it, `#comment-7`), with a
/// fixed notice (`?done=`), 303.
pub fn done(page: &str, notice: &str) -> Response {
    let (page, fragment) = match page.split_once('#') {
        Some((page, fragment)) => (page, format!("#{fragment}")),
        None => (page, String::new()),
    };
    let sep = if page.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{page}{sep}done={notice}{fragment}")).into_response()
}

/// Shows the page at `page` with a form's feedback and `status`, for a request that has
/// not been read as a form (a guard refusing it).
pub async fn show_page(
    state: &AppState,
    mut parts: Parts,
    page: &str,
    feedback: FormFeedback,
    status: StatusCode,
) -> Response {
    set_path(&mut parts, page);
    render_page(state, parts, feedback, status).await
}

/// A failure with no page to show it on (the details are logged where the error is made).
pub fn internal(error: impl Into<AppError>) -> Response {
    let error: AppError = error.into();
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, error.to_string()).into_response()
}

/// A private download: `attachment`, never cached.
pub fn attachment(content_type: &'static str, filename: &str, body: String) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(axum::http::header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    response
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
    let shell = state.shell;
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
