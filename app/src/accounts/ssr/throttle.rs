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

async fn recent(db: &Database, column: &str, key: &str) -> Result<Vec<String>, sqlx::Error> {
    let since = timestamp(Utc::now() - Duration::minutes(WINDOW_MINUTES));
    // `column` is one of two fixed names, never input.
    sqlx::query_scalar(&format!(
        "SELECT failed_at FROM sign_in_failures WHERE {column} = $1 AND failed_at > $2 \
         ORDER BY failed_at"
    ))
    .bind(key)
    .bind(since)
    .fetch_all(db.pool())
    .await
}

/// `Some(time)` when sign-in for this account or from this client is paused until then.
pub async fn paused_until(
    db: &Database,
    account_key: &str,
    client: &str,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let by_account = retry_at(
        &recent(db, "account_key", account_key).await?,
        ACCOUNT_LIMIT,
    );
    let by_client = retry_at(&recent(db, "client", client).await?, CLIENT_LIMIT);
    Ok(by_account.max(by_client).filter(|at| *at > Utc::now()))
}

pub async fn record_failure(
    db: &Database,
    account_key: &str,
    client: &str,
) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO sign_in_failures (account_key, client, failed_at) VALUES ($1, $2, $3)",
    )
    .bind(account_key)
    .bind(client)
    .bind(timestamp(now))
    .execute(db.pool())
    .await?;
    sqlx::query("DELETE FROM sign_in_failures WHERE failed_at < $1")
        .bind(timestamp(now - Duration::minutes(WINDOW_MINUTES)))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// A successful sign-in clears the account's count (not the address's).
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
