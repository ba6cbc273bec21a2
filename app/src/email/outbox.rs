//! The admins' view of the outbox: counts, what is queued or failed (with the error, never
//! the address), subscribers per topic, and retrying a failure.

use axum::extract::{Path, Request, State};
use sqlx::AnyPool;

use super::{OutboxOverview, OutboxRow};
use crate::{
    accounts::SignedIn,
    audit::Change,
    dates::{now, timestamp},
    forms::ssr::{read, Answer, Button, Posted, Refusal, Written},
    state::AppState,
};

/// Rows listed on the page: the failed, then the queued, newest first.
const LISTED: i64 = 100;

pub async fn overview(pool: &AnyPool, configured: bool) -> Result<OutboxOverview, sqlx::Error> {
    let counts: (i64, i64, i64) = sqlx::query_as(
        "SELECT
            (SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL),
            (SELECT COUNT(*) FROM outbox WHERE sent_at > $1),
            (SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL)",
    )
    .bind(timestamp(chrono::Utc::now() - chrono::Duration::days(7)))
    .fetch_one(pool)
    .await?;
    let rows: Vec<OutboxRow> = sqlx::query_as(
        "SELECT o.id, m.kind, m.subject, o.created_at, o.attempts, o.last_error, o.sent_at, o.failed_at
         FROM outbox o JOIN mail_messages m ON m.id = o.message_id
         WHERE o.sent_at IS NULL
         ORDER BY CASE WHEN o.failed_at IS NULL THEN 1 ELSE 0 END, o.id DESC LIMIT $1",
    )
    .bind(LISTED)
    .fetch_all(pool)
    .await?;
    let subscribers: Vec<(String, i64)> = sqlx::query_as(
        "SELECT t.topic, COUNT(*) FROM subscription_topics t JOIN subscriptions s ON s.id = t.subscription_id
         WHERE t.confirmed_at IS NOT NULL AND s.confirmed_at IS NOT NULL
         GROUP BY t.topic ORDER BY t.topic",
    )
    .fetch_all(pool)
    .await?;
    Ok(OutboxOverview {
        configured,
        queued: counts.0,
        sent_last_week: counts.1,
        failed: counts.2,
        rows,
        subscribers,
    })
}

/// `POST /admin/email/{id}/retry`: a failed email goes back in the queue, due now.
pub async fn retry(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted { reply, .. } = read::<Button>(request, "outbox", "/admin/email").await;
    reply
        .write(&state, viewer.actor(), "email-retried", async |tx| {
            let retried = sqlx::query(
                "UPDATE outbox SET failed_at = NULL, send_after = $1, created_at = $1, attempts = 0
                 WHERE id = $2 AND failed_at IS NOT NULL",
            )
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if retried == 0 {
                return Err(Refusal::invalid(
                    "outbox",
                    "That email is not waiting for a retry: it was sent, or is already queued",
                ));
            }
            Ok(Written::private(Change {
                action: "email.retried",
                record_kind: "email",
                record_id: id.to_string(),
                before: "failed".to_owned(),
                after: "queued".to_owned(),
            }))
        })
        .await
}
