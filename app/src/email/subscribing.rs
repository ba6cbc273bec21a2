//! Subscribing without an account (double opt-in), changing and leaving a subscription, and
//! people's notification settings.
//!
//! `POST /subscribe` answers the same whatever the address: it never says whether an
//! address is already subscribed. A confirmation goes out at most once a day for the same
//! address and topic, at most five times a day to one address, and one network address may
//! ask at most twenty times an hour.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Path, Request, State},
    http::StatusCode,
};
use serde::Deserialize;
use sqlx::{AnyConnection, AnyPool};

use super::{NotificationSetting, SubscriptionView, Topic};
use crate::{
    accounts::{ssr::client_address, SignedIn, Viewer},
    dates::{now, timestamp},
    forms::{
        rules::email_address,
        ssr::{done, internal, read, trimmed, Answer, Button, Posted, Refusal, Written},
    },
    mail::{self, record_request, requests_since, Message, NOTIFICATIONS},
    state::AppState,
};

/// The topic named by `key`, if it exists now.
pub async fn topic(conn: &mut AnyConnection, key: &str) -> Result<Option<Topic>, sqlx::Error> {
    let found = match key.split_once(':') {
        None => match key {
            "register" => Some((
                "every change in the register of Actions to Build Trust".to_owned(),
                "/actions".to_owned(),
            )),
            "reports" => Some(("new reports".to_owned(), "/reports".to_owned())),
            "policies" => Some((
                "new versions of SDE policies".to_owned(),
                "/policies".to_owned(),
            )),
            _ => None,
        },
        Some(("engagement", engagement)) => {
            let name: Option<String> =
                sqlx::query_scalar("SELECT name FROM engagements WHERE key = $1")
                    .bind(engagement)
                    .fetch_optional(&mut *conn)
                    .await?;
            name.map(|name| {
                (
                    format!("changes to the recommendations from the {name}"),
                    format!("/actions?engagement={engagement}"),
                )
            })
        }
        Some(("recommendation", reference)) => {
            let title: Option<String> =
                sqlx::query_scalar("SELECT title FROM recommendations WHERE reference = $1")
                    .bind(reference)
                    .fetch_optional(&mut *conn)
                    .await?;
            title.map(|title| {
                (
                    format!("changes to recommendation {reference}, {title}"),
                    format!("/actions/{reference}"),
                )
            })
        }
        Some(_) => None,
    };
    Ok(found.map(|(description, path)| Topic {
        key: key.to_owned(),
        description,
        path,
    }))
}

#[derive(sqlx::FromRow)]
struct SubscriptionRow {
    id: i64,
    frequency: String,
    confirmed_at: Option<String>,
}

async fn by_token(
    conn: &mut AnyConnection,
    token: &str,
) -> Result<Option<SubscriptionRow>, sqlx::Error> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    sqlx::query_as("SELECT id, frequency, confirmed_at FROM subscriptions WHERE token = $1")
        .bind(token)
        .fetch_optional(&mut *conn)
        .await
}

/// A subscription by the secret in its link.
pub async fn view(
    conn: &mut AnyConnection,
    token: &str,
) -> Result<Option<SubscriptionView>, sqlx::Error> {
    let Some(row) = by_token(conn, token).await? else {
        return Ok(None);
    };
    let keys: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT topic, confirmed_at FROM subscription_topics WHERE subscription_id = $1 ORDER BY topic",
    )
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?;
    let (mut topics, mut pending) = (Vec::new(), Vec::new());
    for (key, confirmed) in keys {
        let topic = topic(conn, &key).await?.unwrap_or(Topic {
            description: format!("{key} (no longer on the site)"),
            path: "/".to_owned(),
            key,
        });
        if confirmed.is_some() {
            topics.push(topic);
        } else {
            pending.push(topic);
        }
    }
    Ok(Some(SubscriptionView {
        token: token.to_owned(),
        confirmed: row.confirmed_at.is_some(),
        frequency: row.frequency,
        topics,
        pending,
    }))
}

fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A key for throttling requests to an address, without keeping the address.
fn address_key(email: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(email.trim().to_lowercase().as_bytes());
    format!(
        "address:{}",
        digest[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

/// Requests one network address may make an hour.
const PER_CLIENT_HOUR: i64 = 20;
/// Confirmation emails one address may be sent a day.
const PER_ADDRESS_DAY: i64 = 5;

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct SubscribeForm {
    #[garde(custom(email_address))]
    #[serde(deserialize_with = "trimmed")]
    email: String,
    #[garde(skip)]
    #[serde(deserialize_with = "trimmed")]
    topic: String,
}

/// `POST /subscribe`: the page again saying to check the email (the same whatever the
/// address), or the form with its mistakes.
pub async fn subscribe(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Answer {
    let Posted {
        form, mut reply, ..
    } = read::<SubscribeForm>(request, "subscribe", "/subscribe").await;
    reply.page = format!(
        "/subscribe?topic={}",
        crate::paths::encode_component(&form.topic)
    );
    let client = format!(
        "client:{}",
        client_address(
            peer,
            &reply.parts().headers,
            &state.security.trusted_proxies
        )
    );
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    let Some(topic) = topic(&mut conn, &form.topic).await.map_err(internal)? else {
        return Err(reply.not_found(&state).await);
    };
    if requests_since(&mut conn, &client, chrono::Duration::hours(1))
        .await
        .map_err(internal)?
        >= PER_CLIENT_HOUR
    {
        reply.error(
            "email",
            "There have been too many requests from your network. Try again in an hour.",
        );
        return Err(reply.again(&state, StatusCode::TOO_MANY_REQUESTS).await);
    }
    drop(conn);
    let reply = reply.mistakes(&state).await?;
    let email = crate::accounts::ssr::users::normalise_email(&form.email);
    let base = state.site.public_url.trim_end_matches('/').to_owned();
    let organisation = state.site.organisation.clone();
    let (reply, _, ()) = reply
        .run(&state, crate::audit::Actor::PUBLIC, async |tx| {
            record_request(tx, &client).await?;
            let address = address_key(&email);
            let sent_today = requests_since(tx, &address, chrono::Duration::days(1)).await?;
            let existing: Option<(i64, String)> =
                sqlx::query_as("SELECT id, token FROM subscriptions WHERE email = $1")
                    .bind(&email)
                    .fetch_optional(&mut *tx)
                    .await?;
            let at = now();
            let (id, token) = match existing {
                Some(found) => found,
                None => {
                    let token = new_token();
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO subscriptions (email, token, frequency, created_at) VALUES ($1, $2, 'immediately', $3) RETURNING id",
                    )
                    .bind(&email)
                    .bind(&token)
                    .bind(&at)
                    .fetch_one(&mut *tx)
                    .await?;
                    (id, token)
                }
            };
            let requested: Option<(String, Option<String>)> = sqlx::query_as(
                "SELECT requested_at, confirmed_at FROM subscription_topics WHERE subscription_id = $1 AND topic = $2",
            )
            .bind(id)
            .bind(&topic.key)
            .fetch_optional(&mut *tx)
            .await?;
            let day_ago = timestamp(chrono::Utc::now() - chrono::Duration::days(1));
            let send = match &requested {
                // Already confirmed: nothing to confirm, and nothing said about it.
                Some((_, Some(_))) => false,
                // Asked again within a day: no second email.
                Some((requested_at, None)) if *requested_at > day_ago => false,
                _ => sent_today < PER_ADDRESS_DAY,
            };
            if requested.is_none() {
                sqlx::query(
                    "INSERT INTO subscription_topics (subscription_id, topic, requested_at) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(&topic.key)
                .bind(&at)
                .execute(&mut *tx)
                .await?;
            }
            if send {
                sqlx::query(
                    "UPDATE subscription_topics SET requested_at = $1 WHERE subscription_id = $2 AND topic = $3",
                )
                .bind(&at)
                .bind(id)
                .bind(&topic.key)
                .execute(&mut *tx)
                .await?;
                record_request(tx, &address).await?;
                let message = Message {
                    kind: mail::CONFIRMATION_KIND,
                    subject: format!("Confirm that you want emails from {organisation}"),
                    paragraphs: vec![
                        format!(
                            "Someone, we hope you, asked {organisation} on {} for emails about {}.",
                            crate::dates::display_time(&at),
                            topic.description
                        ),
                        format!("Nothing will be sent until you confirm. If it was not you, ignore this email: the request is deleted after {} days.", super::UNCONFIRMED_KEPT_DAYS),
                    ],
                    action: Some((
                        "Confirm your subscription".to_owned(),
                        format!("{base}/subscriptions/{token}/confirm"),
                    )),
                };
                mail::send_to(tx, &message, &email, None, Some(id)).await?;
            }
            Ok((Written::default(), ()))
        })
        .await?;
    let mut reply = reply;
    reply.feedback.outcome = Some(format!(
        "Check your email. If the address can receive email, we have sent a link to confirm that you want emails about {}. Nothing is sent until you follow it.",
        topic.description
    ));
    reply.forget_value("email");
    Ok(reply.again(&state, StatusCode::OK).await)
}

/// `POST /subscriptions/{token}/confirm`.
pub async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Answer {
    let page = format!("/subscriptions/{token}");
    let Posted { reply, .. } = read::<Button>(request, "confirm", format!("{page}/confirm")).await;
    reply
        .write(&state, crate::audit::Actor::PUBLIC, "subscription-confirmed", async |tx| {
            let Some(row) = by_token(tx, &token).await? else {
                return Err(Refusal::NotFound);
            };
            let at = now();
            sqlx::query("UPDATE subscriptions SET confirmed_at = COALESCE(confirmed_at, $1) WHERE id = $2")
                .bind(&at)
                .bind(row.id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE subscription_topics SET confirmed_at = $1 WHERE subscription_id = $2 AND confirmed_at IS NULL",
            )
            .bind(&at)
            .bind(row.id)
            .execute(&mut *tx)
            .await?;
            Ok(Written::default().to(page.clone()))
        })
        .await
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct ManageForm {
    /// `immediately` or `weekly`.
    #[garde(skip)]
    #[serde(deserialize_with = "trimmed")]
    frequency: String,
}

/// `POST /subscriptions/{token}`: keep the ticked topics at the chosen frequency; none
/// ticked leaves altogether.
pub async fn save(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Answer {
    let page = format!("/subscriptions/{token}");
    let posted = read::<ManageForm>(request, "manage", page.clone()).await;
    let keep = posted.all("topics");
    let Posted {
        form, mut reply, ..
    } = posted;
    if !matches!(form.frequency.as_str(), "immediately" | "weekly") {
        reply.error("frequency", "Choose how often you want emails");
    }
    let reply = reply.mistakes(&state).await?;
    reply
        .write(&state, crate::audit::Actor::PUBLIC, "subscription-saved", async |tx| {
            let Some(row) = by_token(tx, &token).await? else {
                return Err(Refusal::NotFound);
            };
            let topics: Vec<String> = sqlx::query_scalar(
                "SELECT topic FROM subscription_topics WHERE subscription_id = $1 AND confirmed_at IS NOT NULL",
            )
            .bind(row.id)
            .fetch_all(&mut *tx)
            .await?;
            let kept: Vec<&String> = topics.iter().filter(|t| keep.contains(t)).collect();
            if kept.is_empty() {
                leave(tx, row.id).await?;
                return Ok(Written::default().to("/subscriptions/left"));
            }
            for topic in topics.iter().filter(|t| !keep.contains(t)) {
                sqlx::query("DELETE FROM subscription_topics WHERE subscription_id = $1 AND topic = $2")
                    .bind(row.id)
                    .bind(topic)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("UPDATE subscriptions SET frequency = $1 WHERE id = $2")
                .bind(&form.frequency)
                .bind(row.id)
                .execute(&mut *tx)
                .await?;
            Ok(Written::default().to(page.clone()))
        })
        .await
}

/// Deletes a subscription and everything queued for it: the address is gone.
async fn leave(conn: &mut AnyConnection, id: i64) -> Result<(), sqlx::Error> {
    for statement in [
        "DELETE FROM outbox WHERE subscription_id = $1",
        "DELETE FROM digest_items WHERE subscription_id = $1",
        "DELETE FROM subscription_topics WHERE subscription_id = $1",
        "DELETE FROM subscriptions WHERE id = $1",
    ] {
        sqlx::query(statement).bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// `POST /subscriptions/{token}/unsubscribe`: leaves at once (also the one-click
/// unsubscribe of RFC 8058, which mail programs post with no sign-in).
pub async fn unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Answer {
    let Posted { reply, .. } = read::<Button>(
        request,
        "unsubscribe",
        format!("/subscriptions/{token}/unsubscribe"),
    )
    .await;
    let mut conn = state.db.begin_write().await.map_err(internal)?;
    match by_token(&mut conn, &token).await.map_err(internal)? {
        Some(row) => {
            leave(&mut conn, row.id).await.map_err(internal)?;
            conn.commit().await.map_err(internal)?;
            Ok(done("/subscriptions/left", "left"))
        }
        // Already gone (a second click, or the mail program's one-click first).
        None => Err(reply.not_found(&state).await),
    }
}

/// A person's notification settings, with the defaults for kinds they never chose.
pub async fn settings(
    pool: &AnyPool,
    viewer: &Viewer,
) -> Result<Vec<NotificationSetting>, sqlx::Error> {
    let chosen: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, mode FROM notification_settings WHERE user_id = $1")
            .bind(viewer.id)
            .fetch_all(pool)
            .await?;
    let staff = viewer.may(crate::accounts::Permission::RecordStatusChanges);
    Ok(NOTIFICATIONS
        .iter()
        .filter(|(kind, _, _)| staff || *kind != "staff-summary")
        .map(|(kind, default, label)| NotificationSetting {
            kind: (*kind).to_owned(),
            label: (*label).to_owned(),
            mode: chosen
                .iter()
                .find(|(k, _)| k == kind)
                .map_or((*default).to_owned(), |(_, mode)| mode.clone()),
        })
        .collect())
}

/// `POST /account/notifications`: one field a kind (`off`, `immediately`, `daily`).
pub async fn save_settings(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let posted = read::<Button>(request, "notifications", "/account").await;
    let chosen: Vec<(String, String)> = NOTIFICATIONS
        .iter()
        .map(|(kind, _, _)| ((*kind).to_owned(), posted.value(kind)))
        .filter(|(_, mode)| !mode.is_empty())
        .collect();
    let Posted { mut reply, .. } = posted;
    if let Some((kind, _)) = chosen
        .iter()
        .find(|(_, mode)| !matches!(mode.as_str(), "off" | "immediately" | "daily"))
    {
        reply.error(kind, "Choose never, at once, or in a daily summary");
    }
    let reply = reply.mistakes(&state).await?;
    reply
        .write(&state, viewer.actor(), "notifications-saved", async |tx| {
            for (kind, mode) in &chosen {
                sqlx::query(
                    "INSERT INTO notification_settings (user_id, kind, mode) VALUES ($1, $2, $3)
                     ON CONFLICT (user_id, kind) DO UPDATE SET mode = excluded.mode",
                )
                .bind(viewer.id)
                .bind(kind)
                .bind(mode)
                .execute(&mut *tx)
                .await?;
            }
            Ok(Written::default().to("/account#notifications"))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_keys_never_hold_the_address() {
        let key = address_key(" Sam@Example.org ");
        assert_eq!(key, address_key("sam@example.org"));
        assert!(!key.contains("example"));
    }
}
