//! Email the public and people with accounts ask for: "Get emails when this changes" on a
//! recommendation, the register (all of it or one engagement), reports and policies, with
//! double opt-in, a page to change or leave a subscription, and one-click unsubscribe
//! (RFC 8058); people's notification settings on their account page; and the outbox page
//! for admins. Messages are queued with `crate::mail` in the transaction of the change
//! that causes them; the server's worker sends them.
//!
//! Addresses are never shown, exported or logged: admins see counts per topic.

#[cfg(feature = "ssr")]
mod outbox;
mod pages;
#[cfg(feature = "ssr")]
pub mod subscribing;

use serde::{Deserialize, Serialize};

pub use pages::{
    AdminEmailPage, ConfirmSubscriptionPage, LeftPage, ManageSubscriptionPage,
    NotificationSettingsSection, SubscribeForm, SubscribePage, UnsubscribePage,
};

use crate::error::AppError;

/// How long an unconfirmed subscription is kept before it is deleted, in days (stated on
/// the subscribe page and in the confirmation email; enforced by the daily clear-out).
pub const UNCONFIRMED_KEPT_DAYS: i64 = 7;

/// What the email pages say after their forms worked (`?done=`).
pub const NOTICES: crate::forms::Notices = &[
    (
        "subscription-confirmed",
        "Thank you: your subscription is confirmed. You will get emails when this changes.",
    ),
    ("subscription-saved", "Your choices have been saved."),
    ("notifications-saved", "Your email choices have been saved."),
    (
        "email-retried",
        "The email will be tried again within a minute.",
    ),
];

/// The form routes of email.
#[cfg(feature = "ssr")]
#[rustfmt::skip]
pub fn form_routes() -> Vec<crate::accounts::FormRoute> {
    use crate::accounts::{Access::{Anyone, Holder}, FormRoute, Permission as P};
    vec![
        FormRoute::post("/subscribe", Anyone, "/subscribe", subscribing::subscribe),
        FormRoute::post("/subscriptions/{token}/confirm", Anyone, "/subscriptions/{token}/confirm", subscribing::confirm),
        FormRoute::post("/subscriptions/{token}", Anyone, "/subscriptions/{token}", subscribing::save),
        FormRoute::post("/subscriptions/{token}/unsubscribe", Anyone, "/subscriptions/{token}/unsubscribe", subscribing::unsubscribe),
        FormRoute::post("/account/notifications", Holder(P::ManageOwnAccount), "/account", subscribing::save_settings),
        FormRoute::post("/admin/email/{id}/retry", Holder(P::ManageEmail), "/admin/email", outbox::retry),
    ]
}

/// A topic someone can subscribe to, as a page names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    /// `register`, `engagement:{key}`, `recommendation:{ref}`, `reports` or `policies`.
    pub key: String,
    /// "changes to recommendation PP-17, A fair share of the benefits"
    pub description: String,
    /// Where the topic's page is.
    pub path: String,
}

/// A subscription as its owner manages it (found by the secret in their link).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionView {
    pub token: String,
    pub confirmed: bool,
    pub frequency: String,
    pub topics: Vec<Topic>,
    pub pending: Vec<Topic>,
}

/// What the admins' outbox page shows: counts, and the emails queued or failed (never an
/// address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxOverview {
    pub configured: bool,
    pub queued: i64,
    pub sent_last_week: i64,
    pub failed: i64,
    pub rows: Vec<OutboxRow>,
    /// Confirmed subscribers per topic.
    pub subscribers: Vec<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OutboxRow {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    pub created_at: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
    pub failed_at: Option<String>,
}

/// One kind of notification and how this person wants it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationSetting {
    pub kind: String,
    pub label: String,
    pub mode: String,
}

/// The topic named by `key`, if it exists.
#[leptos::server(prefix = "/_fn", endpoint = "subscribe-topic")]
pub async fn get_topic(key: String) -> Result<Topic, AppError> {
    let state = crate::state::app_state()?;
    let mut conn = state.db.pool().acquire().await?;
    subscribing::topic(&mut conn, &key)
        .await?
        .ok_or(AppError::NotFound)
}

/// A subscription by the secret in its link (the link is the only key).
#[leptos::server(prefix = "/_fn", endpoint = "subscription")]
pub async fn get_subscription(token: String) -> Result<SubscriptionView, AppError> {
    let state = crate::state::app_state()?;
    let mut conn = state.db.pool().acquire().await?;
    subscribing::view(&mut conn, &token)
        .await?
        .ok_or(AppError::NotFound)
}

#[leptos::server(prefix = "/_fn", endpoint = "outbox")]
pub async fn get_outbox() -> Result<OutboxOverview, AppError> {
    crate::accounts::ssr::require(crate::accounts::Permission::ManageEmail)?;
    let state = crate::state::app_state()?;
    Ok(outbox::overview(state.db.pool(), state.mail_configured).await?)
}

#[leptos::server(prefix = "/_fn", endpoint = "notification-settings")]
pub async fn get_notification_settings() -> Result<Vec<NotificationSetting>, AppError> {
    let viewer = crate::accounts::ssr::require(crate::accounts::Permission::ManageOwnAccount)?;
    let state = crate::state::app_state()?;
    Ok(subscribing::settings(state.db.pool(), &viewer).await?)
}
