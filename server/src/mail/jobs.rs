//! Scheduled email, once a day (from 07:00 UK time) and once a week (Mondays): the reminder
//! three days before a review closes, the staff summary, the daily summaries of people who
//! asked for them, the weekly summaries of subscribers, and clearing out what is no longer
//! needed (unconfirmed subscriptions after 7 days, sent email after 30). Each job runs once
//! a period across every instance: the first to record it in `mail_jobs` runs it.

use std::time::Duration;

use app::{
    dates::{display_date, now, timestamp, uk_now},
    db::Database,
    mail::{self, Message},
};
use chrono::{Datelike, Timelike};
use sqlx::AnyConnection;

use super::Delivery;

/// The hour (UK time) from which the day's email goes.
const MORNING: u32 = 7;

/// Records that `job` has run; false when another instance (or an earlier pass) did.
async fn first_to_run(conn: &mut AnyConnection, job: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO mail_jobs (job, ran_at) VALUES ($1, $2) ON CONFLICT (job) DO NOTHING",
    )
    .bind(job)
    .bind(now())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Runs the day's and the week's jobs when they are due, then every minute checks again.
pub async fn run_jobs(delivery: Delivery) {
    let mut interval = tokio::time::interval(Duration::from_secs(60));
    loop {
        interval.tick().await;
        if let Err(error) = run_due_jobs(&delivery).await {
            tracing::warn!(%error, "scheduled email could not be prepared");
        }
    }
}

/// The jobs due now, each once.
pub async fn run_due_jobs(delivery: &Delivery) -> Result<(), sqlx::Error> {
    let uk = uk_now();
    if uk.hour() < MORNING {
        return Ok(());
    }
    let today = uk.date_naive().to_string();
    let db = &delivery.db;
    let mut tx = db.begin_write().await?;
    if first_to_run(&mut tx, &format!("daily:{today}")).await? {
        review_closing_reminders(&mut tx, delivery, &uk.date_naive()).await?;
        staff_summary(&mut tx, delivery).await?;
        daily_summaries(&mut tx, delivery).await?;
        clear_out(&mut tx).await?;
    }
    if uk.weekday() == chrono::Weekday::Mon {
        let week = uk.iso_week();
        if first_to_run(
            &mut tx,
            &format!("weekly:{}-W{:02}", week.year(), week.week()),
        )
        .await?
        {
            weekly_summaries(&mut tx, delivery).await?;
        }
    }
    tx.commit().await
}

fn link(delivery: &Delivery, path: &str) -> String {
    format!("{}{path}", delivery.public_url.trim_end_matches('/'))
}

/// Critical friends: a review closes in three days.
async fn review_closing_reminders(
    conn: &mut AnyConnection,
    delivery: &Delivery,
    today: &chrono::NaiveDate,
) -> Result<(), sqlx::Error> {
    let in_three_days = (*today + chrono::Duration::days(3)).to_string();
    let reviews: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT p.slug, v.title, v.review_closes FROM policy_versions v JOIN policies p ON p.id = v.policy_id
         WHERE v.state = 'in_review' AND v.review_closes = $1",
    )
    .bind(&in_three_days)
    .fetch_all(&mut *conn)
    .await?;
    let friends = mail::people_with_roles(conn, &["critical_friend"]).await?;
    for (slug, title, closes) in reviews {
        let message = Message {
            kind: "policy.review-closing",
            subject: format!("The review of the {title} closes in three days"),
            paragraphs: vec![
                format!(
                    "The review of the {title} closes at the end of {}.",
                    display_date(&closes)
                ),
                "If you want to comment or reply, there are three days left.".to_owned(),
            ],
            action: Some((
                "Read the draft and comment".to_owned(),
                link(delivery, &format!("/review/{slug}")),
            )),
        };
        mail::notify(conn, "review-closing", &friends, &message).await?;
    }
    Ok(())
}

/// Staff: comments waiting for an answer, and recommendations gone overdue.
async fn staff_summary(conn: &mut AnyConnection, delivery: &Delivery) -> Result<(), sqlx::Error> {
    let waiting: Vec<(String, i64)> = sqlx::query_as(
        "SELECT v.title, COUNT(*) FROM policy_comments c
         JOIN policy_versions v ON v.id = c.version_id
         LEFT JOIN policy_responses r ON r.comment_id = c.id
         WHERE c.parent_id IS NULL AND r.comment_id IS NULL AND c.hidden_reason IS NULL AND v.review_public = 0
         GROUP BY v.title ORDER BY v.title",
    )
    .fetch_all(&mut *conn)
    .await?;
    let overdue: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT r.reference, r.title, r.target FROM recommendations r JOIN statuses s ON s.key = r.status_key
         WHERE s.closed = 0 AND r.target IS NOT NULL AND r.target < $1 ORDER BY r.target",
    )
    .bind(app::dates::today())
    .fetch_all(&mut *conn)
    .await?;
    if waiting.is_empty() && overdue.is_empty() {
        return Ok(());
    }
    let mut paragraphs = Vec::new();
    if !waiting.is_empty() {
        let lines: Vec<String> = waiting
            .iter()
            .map(|(title, n)| {
                format!(
                    "- {title}: {n} comment{} waiting for an answer",
                    if *n == 1 { "" } else { "s" }
                )
            })
            .collect();
        paragraphs.push(format!(
            "Comments waiting for an answer:\n{}",
            lines.join("\n")
        ));
    }
    if !overdue.is_empty() {
        let lines: Vec<String> = overdue
            .iter()
            .map(|(reference, title, target)| {
                format!("- {reference} {title} (target {})", display_date(target))
            })
            .collect();
        paragraphs.push(format!(
            "Recommendations past their target date:\n{}",
            lines.join("\n")
        ));
    }
    let message = Message {
        kind: "staff.summary",
        subject: format!("What needs doing on {} today", delivery.service_name),
        paragraphs,
        action: Some(("Open the staff home".to_owned(), link(delivery, "/admin"))),
    };
    let staff = mail::people_with_roles(conn, &["editor", "admin"]).await?;
    // The staff summary is itself daily: whoever wants it gets it now.
    for user in staff {
        let mode: Option<String> = sqlx::query_scalar(
            "SELECT mode FROM notification_settings WHERE user_id = $1 AND kind = 'staff-summary'",
        )
        .bind(user)
        .fetch_optional(&mut *conn)
        .await?;
        if mode.as_deref() == Some("off") {
            continue;
        }
        let email: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
        if let Some(email) = email {
            mail::send_to(conn, &message, &email, Some(user), None).await?;
        }
    }
    Ok(())
}

/// One summary of the messages held for a person or a subscriber.
fn summary_of(subject: &str, held: &[(String, String)], action: (String, String)) -> Message {
    let mut paragraphs = vec![format!(
        "{} since your last summary:",
        match held.len() {
            1 => "1 thing has happened".to_owned(),
            n => format!("{n} things have happened"),
        }
    )];
    for (heading, text) in held {
        paragraphs.push(format!("{heading}\n{text}"));
    }
    Message {
        kind: "summary",
        subject: subject.to_owned(),
        paragraphs,
        action: Some(action),
    }
}

/// People with accounts who chose a daily summary.
async fn daily_summaries(conn: &mut AnyConnection, delivery: &Delivery) -> Result<(), sqlx::Error> {
    let users: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT user_id FROM digest_items WHERE user_id IS NOT NULL ORDER BY user_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for user in users {
        let held: Vec<(String, String)> = sqlx::query_as(
            "SELECT m.subject, m.text_body FROM digest_items d JOIN mail_messages m ON m.id = d.message_id
             WHERE d.user_id = $1 ORDER BY d.id",
        )
        .bind(user)
        .fetch_all(&mut *conn)
        .await?;
        let email: Option<String> =
            sqlx::query_scalar("SELECT email FROM users WHERE id = $1 AND state = 'active'")
                .bind(user)
                .fetch_optional(&mut *conn)
                .await?
                .flatten();
        if let Some(email) = email {
            let message = summary_of(
                &format!("Your daily summary from {}", delivery.service_name),
                &held,
                ("Open your account".to_owned(), link(delivery, "/account")),
            );
            mail::send_to(conn, &message, &email, Some(user), None).await?;
        }
        sqlx::query("DELETE FROM digest_items WHERE user_id = $1")
            .bind(user)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Subscribers who chose a weekly summary.
async fn weekly_summaries(
    conn: &mut AnyConnection,
    delivery: &Delivery,
) -> Result<(), sqlx::Error> {
    let subscriptions: Vec<(i64, String)> = sqlx::query_as(
        "SELECT DISTINCT s.id, s.email FROM digest_items d JOIN subscriptions s ON s.id = d.subscription_id
         WHERE s.confirmed_at IS NOT NULL ORDER BY s.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (id, email) in subscriptions {
        let held: Vec<(String, String)> = sqlx::query_as(
            "SELECT m.subject, m.text_body FROM digest_items d JOIN mail_messages m ON m.id = d.message_id
             WHERE d.subscription_id = $1 ORDER BY d.id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let message = summary_of(
            "Your weekly summary of changes",
            &held,
            ("See the register".to_owned(), link(delivery, "/actions")),
        );
        mail::send_to(conn, &message, &email, None, Some(id)).await?;
        sqlx::query("DELETE FROM digest_items WHERE subscription_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Unconfirmed subscriptions and topics after `UNCONFIRMED_KEPT_DAYS`, request records after a day, sent
/// and failed email after 30 days, and messages nobody is waiting for after a day (addresses and
/// what was sent are kept no longer than needed).
async fn clear_out(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    let week_ago =
        timestamp(chrono::Utc::now() - chrono::Duration::days(app::email::UNCONFIRMED_KEPT_DAYS));
    let day_ago = timestamp(chrono::Utc::now() - chrono::Duration::days(1));
    let month_ago = timestamp(chrono::Utc::now() - chrono::Duration::days(30));
    for (statement, before) in [
        (
            "DELETE FROM outbox WHERE subscription_id IN (SELECT id FROM subscriptions WHERE confirmed_at IS NULL AND created_at < $1)",
            &week_ago,
        ),
        ("DELETE FROM subscriptions WHERE confirmed_at IS NULL AND created_at < $1", &week_ago),
        ("DELETE FROM subscription_topics WHERE confirmed_at IS NULL AND requested_at < $1", &week_ago),
        ("DELETE FROM mail_requests WHERE at < $1", &day_ago),
        ("DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < $1", &month_ago),
        // A failure stays a month for the team to see and retry, then goes with its address.
        ("DELETE FROM outbox WHERE failed_at IS NOT NULL AND failed_at < $1", &month_ago),
        (
            "DELETE FROM mail_messages WHERE created_at < $1
               AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = mail_messages.id)
               AND NOT EXISTS (SELECT 1 FROM digest_items d WHERE d.message_id = mail_messages.id)",
            &day_ago,
        ),
    ] {
        sqlx::query(statement).bind(before).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Runs every job now, whatever the time (for tests and `candour mail run-jobs`).
pub async fn run_all_now(delivery: &Delivery) -> Result<(), sqlx::Error> {
    let db: &Database = &delivery.db;
    let mut tx = db.begin_write().await?;
    review_closing_reminders(&mut tx, delivery, &uk_now().date_naive()).await?;
    staff_summary(&mut tx, delivery).await?;
    daily_summaries(&mut tx, delivery).await?;
    weekly_summaries(&mut tx, delivery).await?;
    clear_out(&mut tx).await?;
    tx.commit().await
}
