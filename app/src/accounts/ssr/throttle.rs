//! Sign-in throttling, per account and per client address, counted in the database so
//! that every instance of the service sees the same failures. Nobody is locked out for
//! ever: failures older than the window stop counting.

use chrono::{DateTime, Duration, Utc};

use super::timestamp;
use crate::db::Database;

pub const WINDOW_MINUTES: i64 = 15;
/// Failed attempts allowed within the window for one account…
pub const ACCOUNT_LIMIT: usize = 5;
/// …and from one address (a shared office or library may sign many people in).
pub const CLIENT_LIMIT: usize = 20;

/// When someone may try again: the moment enough of the counted failures have aged out
/// of the window.
fn retry_at(failures: &[String], limit: usize) -> Option<DateTime<Utc>> {
    if failures.len() < limit {
        return None;
    }
    let oldest_that_counts = &failures[failures.len() - limit];
    DateTime::parse_from_rfc3339(oldest_that_counts)
        .ok()
        .map(|at| at.with_timezone(&Utc) + Duration::minutes(WINDOW_MINUTES))
}

async fn recent(
    conn: &mut sqlx::AnyConnection,
    column: &str,
    key: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let since = timestamp(Utc::now() - Duration::minutes(WINDOW_MINUTES));
    // `column` is one of two fixed names, never input.
    sqlx::query_scalar(&format!(
        "SELECT failed_at FROM sign_in_failures WHERE {column} = $1 AND failed_at > $2 \
         ORDER BY failed_at"
    ))
    .bind(key)
    .bind(since)
    .fetch_all(conn)
    .await
}

/// Whether a password may be checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Go ahead: the attempt is already counted as a failure, and a success clears it
    /// ([`clear_account`]).
    Counted,
    /// Too many failures: no check until then.
    PausedUntil(DateTime<Utc>),
}

/// Counts an attempt to check a password for `account_key` (an email address for
/// signing in, `user:{id}` for the current password on the account page) from `client`,
/// before the password is checked. Done in one serialised write transaction, so a burst
/// of requests, on any number of instances, gets at most the allowed number of checks
/// (OWASP Authentication Cheat Sheet: protect against automated attacks).
pub async fn attempt(
    db: &Database,
    account_key: &str,
    client: &str,
) -> Result<Attempt, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let by_account = retry_at(
        &recent(&mut tx, "account_key", account_key).await?,
        ACCOUNT_LIMIT,
    );
    let by_client = retry_at(&recent(&mut tx, "client", client).await?, CLIENT_LIMIT);
    if let Some(until) = by_account.max(by_client).filter(|at| *at > Utc::now()) {
        tx.rollback().await?;
        return Ok(Attempt::PausedUntil(until));
    }
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO sign_in_failures (account_key, client, failed_at) VALUES ($1, $2, $3)",
    )
    .bind(account_key)
    .bind(client)
    .bind(timestamp(now))
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM sign_in_failures WHERE failed_at < $1")
        .bind(timestamp(now - Duration::minutes(WINDOW_MINUTES)))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Attempt::Counted)
}

/// What to say beside the field while attempts are paused, and the `Retry-After` seconds.
pub fn pause_message(until: DateTime<Utc>, what: &str) -> (String, i64) {
    let wait = (until - Utc::now()).num_seconds().max(1);
    let minutes = (wait + 59) / 60;
    (
        format!(
            "There have been too many attempts to {what}. Wait {minutes} minute{} and try again (after {}).",
            if minutes == 1 { "" } else { "s" },
            crate::dates::clock_time(
                &until
                    .with_timezone(&chrono_tz::Europe::London)
                    .format("%H:%M")
                    .to_string()
            ),
        ),
        wait,
    )
}

/// A successful check clears the account's count, this attempt included (not the
/// address's).
pub async fn clear_account(db: &Database, account_key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_failures WHERE account_key = $1")
        .bind(account_key)
        .execute(db.pool())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_ends_when_the_oldest_counted_failure_leaves_the_window() {
        let failures: Vec<String> = (0..5)
            .map(|minute| format!("2026-11-23T10:0{minute}:00Z"))
            .collect();
        assert_eq!(retry_at(&failures[..4], 5), None);
        let at = retry_at(&failures, 5).unwrap();
        assert_eq!(timestamp(at), "2026-11-23T10:15:00Z");
        let more: Vec<String> = (0..7).map(|m| format!("2026-11-23T10:0{m}:00Z")).collect();
        assert_eq!(
            timestamp(retry_at(&more, 5).unwrap()),
            "2026-11-23T10:17:00Z"
        );
    }
}
