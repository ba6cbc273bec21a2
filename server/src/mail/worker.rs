//! The outbox worker. Each pass claims due rows inside a serialised write transaction
//! (`Database::begin_write`: SQLite's write lock, or PostgreSQL's advisory lock, and each
//! claim is a conditional `UPDATE`, so with several instances each row is claimed by one).
//! A claim lapses after ten minutes, so a crash between sending and marking can at worst
//! send one message twice, never drop it. Each claimed row is sent, then marked sent, due
//! again later, or failed.

use std::time::Duration;

use app::{
    dates::{now, timestamp},
    db::Database,
    mail::escape,
};
use lettre::{
    message::{
        header::{HeaderName, HeaderValue},
        MultiPart,
    },
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use super::Mailer;

/// Rows claimed a pass: with the 20-second SMTP timeout and `CONCURRENT` sends at once, a
/// pass ends well inside a claim.
const BATCH: i64 = 50;
/// Emails sent at once, each over its own connection (lettre's pool holds up to 10).
const CONCURRENT: usize = 8;
/// How long a claim lasts before another instance (or this one, after a crash) may take
/// the row again.
const CLAIM: chrono::Duration = chrono::Duration::minutes(10);
/// After this long a failing email is given up, with its last error kept.
const GIVE_UP: chrono::Duration = chrono::Duration::hours(24);

/// What the worker needs.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub db: Database,
    pub mailer: Mailer,
    /// `https://…`, for links in footers and headers.
    pub public_url: String,
    pub organisation: String,
    /// The service's name as pages show it (`content/site.toml` `service_name`), for
    /// subjects.
    pub service_name: String,
}

#[derive(sqlx::FromRow)]
struct Due {
    id: i64,
    kind: String,
    recipient: String,
    subject: String,
    text_body: String,
    html_body: String,
    token: Option<String>,
    user_id: Option<i64>,
    created_at: String,
    attempts: i64,
}

/// The wait before attempt `attempts + 1`: 30 s doubling, at most an hour.
fn backoff(attempts: i64) -> chrono::Duration {
    let seconds = 30_i64.saturating_mul(1_i64 << attempts.clamp(0, 10));
    chrono::Duration::seconds(seconds.min(3600))
}

/// Claims the due rows for this pass.
async fn claim(db: &Database) -> Result<Vec<Due>, sqlx::Error> {
    let at = now();
    let mut tx = db.begin_write().await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND send_after <= $1
           AND (claimed_until IS NULL OR claimed_until < $1)
         ORDER BY id LIMIT $2",
    )
    .bind(&at)
    .bind(BATCH)
    .fetch_all(&mut *tx)
    .await?;
    let until = timestamp(chrono::Utc::now() + CLAIM);
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        let taken = sqlx::query(
            "UPDATE outbox SET claimed_until = $1
             WHERE id = $2 AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < $3)",
        )
        .bind(&until)
        .bind(id)
        .bind(&at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken == 1 {
            claimed.push(id);
        }
    }
    tx.commit().await?;
    let ids = claimed;
    let mut due = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<Due> = sqlx::query_as(
            "SELECT o.id, m.kind, o.recipient, m.subject, m.text_body, m.html_body, s.token, o.user_id, o.created_at, o.attempts
             FROM outbox o JOIN mail_messages m ON m.id = o.message_id
             LEFT JOIN subscriptions s ON s.id = o.subscription_id
             WHERE o.id = $1",
        )
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
        due.extend(row);
    }
    Ok(due)
}

/// The secret of the subscription an email belongs to, when it is one of its emails (the
/// confirmation request belongs to the subscription, so it is deleted with it, but nothing
/// was subscribed to yet, so it has no unsubscribe links).
fn subscription_token(due: &Due) -> Option<&String> {
    due.token
        .as_ref()
        .filter(|_| due.kind != app::mail::CONFIRMATION_KIND)
}

/// The footer of an email: who sends it, why, and how to stop it.
fn footer(delivery: &Delivery, due: &Due) -> (String, String) {
    let base = delivery.public_url.trim_end_matches('/');
    let org = &delivery.organisation;
    match (subscription_token(due), due.user_id) {
        (Some(token), _) => {
            let manage = format!("{base}/subscriptions/{token}");
            let leave = format!("{base}/subscriptions/{token}/unsubscribe");
            (
                format!(
                    "You asked {org} for these emails.\nChange what you get: {manage}\nStop all emails: {leave}"
                ),
                format!(
                    "<p>You asked {} for these emails. <a href=\"{}\">Change what you get</a> or <a href=\"{}\">stop all emails</a>.</p>",
                    escape(org),
                    escape(&manage),
                    escape(&leave)
                ),
            )
        }
        (None, Some(_)) => {
            let settings = format!("{base}/account#notifications");
            (
                format!("You get this because you have an account with {org}.\nChoose which emails you get: {settings}"),
                format!(
                    "<p>You get this because you have an account with {}. <a href=\"{}\">Choose which emails you get</a>.</p>",
                    escape(org),
                    escape(&settings)
                ),
            )
        }
        (None, None) => (
            format!("{org}. If you did not expect this email, you can ignore it."),
            format!(
                "<p>{}. If you did not expect this email, you can ignore it.</p>",
                escape(org)
            ),
        ),
    }
}

fn compose(delivery: &Delivery, due: &Due) -> Result<Message, String> {
    let to = due
        .recipient
        .parse()
        .map_err(|_| "the address is not one a mail server accepts".to_owned())?;
    let (footer_text, footer_html) = footer(delivery, due);
    let text = format!("{}\n\n--\n{footer_text}\n", due.text_body);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #212b32;\">\n{}<hr>\n{footer_html}\n</body></html>\n",
        escape(&due.subject),
        due.html_body
    );
    let mut message = Message::builder()
        .from(delivery.mailer.from.clone())
        .to(to)
        .subject(due.subject.clone())
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|error| error.to_string())?;
    if let Some(token) = subscription_token(due) {
        // RFC 8058: one click in the mail program unsubscribes, by POST, with no sign-in.
        let base = delivery.public_url.trim_end_matches('/');
        let headers = message.headers_mut();
        for (name, value) in [
            (
                "List-Unsubscribe",
                format!("<{base}/subscriptions/{token}/unsubscribe>"),
            ),
            (
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".to_owned(),
            ),
        ] {
            if let Ok(name) = HeaderName::new_from_ascii(name.to_owned()) {
                headers.insert_raw(HeaderValue::new(name, value));
            }
        }
    }
    Ok(message)
}

/// An error as kept for staff: the address is never kept or shown.
fn scrubbed(error: &str, recipient: &str) -> String {
    let text = error.replace(recipient, "(the recipient)");
    text.chars().take(500).collect()
}

/// Sends everything due now; returns how many were sent. Up to `CONCURRENT` emails go at
/// once, each over its own pooled connection, and each is marked as soon as its server
/// answers. Without a mail server, nothing is sent and the outbox keeps every email.
pub async fn send_due(delivery: &Delivery) -> Result<usize, sqlx::Error> {
    use futures::StreamExt as _;
    let Some(transport) = &delivery.mailer.transport else {
        return Ok(0);
    };
    let due = claim(&delivery.db).await?;
    let outcomes: Vec<Result<bool, sqlx::Error>> = futures::stream::iter(due)
        .map(|row| deliver(delivery, transport, row))
        .buffer_unordered(CONCURRENT)
        .collect()
        .await;
    let mut sent = 0;
    for outcome in outcomes {
        if outcome? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Sends one claimed email and records what happened: sent, due again later, or failed.
/// True when it was sent.
async fn deliver(
    delivery: &Delivery,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    row: Due,
) -> Result<bool, sqlx::Error> {
    let outcome = match compose(delivery, &row) {
        Ok(message) => transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|error| (error.is_permanent(), error.to_string())),
        Err(error) => Err((true, error)),
    };
    let at = now();
    let pool = delivery.db.pool();
    let Err((permanent, error)) = outcome else {
        sqlx::query(
            "UPDATE outbox SET sent_at = $1, claimed_until = NULL, last_error = NULL, attempts = attempts + 1 WHERE id = $2",
        )
        .bind(&at)
        .bind(row.id)
        .execute(pool)
        .await?;
        return Ok(true);
    };
    let error = scrubbed(&error, &row.recipient);
    let old = chrono::DateTime::parse_from_rfc3339(&row.created_at)
        .map(|created| chrono::Utc::now() - created.with_timezone(&chrono::Utc) > GIVE_UP)
        .unwrap_or(true);
    tracing::warn!(outbox = row.id, attempts = row.attempts + 1, permanent, %error, "an email could not be sent");
    if permanent || old {
        sqlx::query(
            "UPDATE outbox SET failed_at = $1, claimed_until = NULL, last_error = $2, attempts = attempts + 1 WHERE id = $3",
        )
        .bind(&at)
        .bind(&error)
        .bind(row.id)
        .execute(pool)
        .await?;
    } else {
        let again = timestamp(chrono::Utc::now() + backoff(row.attempts));
        sqlx::query(
            "UPDATE outbox SET send_after = $1, claimed_until = NULL, last_error = $2, attempts = attempts + 1 WHERE id = $3",
        )
        .bind(&again)
        .bind(&error)
        .bind(row.id)
        .execute(pool)
        .await?;
    }
    Ok(false)
}

/// Sends due email every second until the task is stopped.
pub async fn run_worker(delivery: Delivery) {
    let mut interval = tokio::time::interval(Duration::from_secs(1));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        // A full batch: go again at once.
        loop {
            match send_due(&delivery).await {
                Ok(n) if n as i64 >= BATCH => continue,
                Ok(_) => break,
                Err(error) => {
                    tracing::warn!(%error, "the outbox could not be read");
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_half_a_minute_to_an_hour() {
        assert_eq!(backoff(0), chrono::Duration::seconds(30));
        assert_eq!(backoff(1), chrono::Duration::seconds(60));
        assert_eq!(backoff(20), chrono::Duration::seconds(3600));
    }

    #[test]
    fn errors_never_keep_the_address() {
        assert_eq!(
            scrubbed(
                "550 5.1.1 <sam@example.org>: unknown user",
                "sam@example.org"
            ),
            "550 5.1.1 <(the recipient)>: unknown user"
        );
    }
}
