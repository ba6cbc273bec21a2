//! tower-sessions' store over our own database (SQLite or PostgreSQL through sqlx `Any`),
//! so sessions survive restarts and are shared between instances. The owner of a
//! signed-in session is copied into its own column, so all of someone's sessions can be
//! listed and ended at once.

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use tower_sessions::{
    session::{Id, Record},
    session_store::{self, ExpiredDeletion},
    SessionStore,
};

use super::{now, timestamp, AuthState, AUTH_KEY};
use crate::{accounts::SessionSummary, db::Database};

#[derive(Debug, Clone)]
pub struct DatabaseSessionStore {
    db: Database,
}

impl DatabaseSessionStore {
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// The database the sessions are kept in.
    pub fn database(&self) -> &Database {
        &self.db
    }
}

fn backend(error: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn expiry_text(record: &Record) -> String {
    chrono::DateTime::from_timestamp(record.expiry_date.unix_timestamp(), 0)
        .map(timestamp)
        .unwrap_or_else(now)
}

fn owner(record: &Record) -> Option<i64> {
    record
        .data
        .get(AUTH_KEY)
        .and_then(|value| serde_json::from_value::<AuthState>(value.clone()).ok())
        .map(|auth| auth.user_id)
}

#[async_trait]
impl SessionStore for DatabaseSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A clash of 128-bit random ids is all but impossible, but cheap to rule out.
        loop {
            let data = serde_json::to_string(&record.data)
                .map_err(|e| session_store::Error::Encode(e.to_string()))?;
            let at = now();
            let inserted = sqlx::query(
                "INSERT INTO sessions (id, user_id, data, expires_at, created_at, seen_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
            )
            .bind(record.id.to_string())
            .bind(owner(record))
            .bind(data)
            .bind(expiry_text(record))
            .bind(&at)
            .bind(&at)
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Saves a session after a request. If the database cannot take the write (a full or
    /// read-only disk), the request still gets its answer: the page was already made, and
    /// only the session's "last seen" time is not moved on.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let at = now();
        let saved = sqlx::query(
            "INSERT INTO sessions (id, user_id, data, expires_at, created_at, seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, \
             expires_at = excluded.expires_at, seen_at = excluded.seen_at",
        )
        .bind(record.id.to_string())
        .bind(owner(record))
        .bind(data)
        .bind(expiry_text(record))
        .bind(&at)
        .bind(&at)
        .execute(self.db.pool())
        .await;
        if let Err(error) = saved {
            tracing::warn!(%error, "could not save a session; the request goes on");
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(id.to_string())
        .bind(now())
        .fetch_optional(self.db.pool())
        .await
        .map_err(backend)?;
        let Some((data, expires_at)) = row else {
            return Ok(None);
        };
        let data =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expires = chrono::DateTime::parse_from_rfc3339(&expires_at)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(expires.timestamp())
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// How long a lapsed session's record is kept (never used to sign anyone in): long enough
/// for text posted after it lapsed to be kept for the same person.
const LAPSED_KEPT_HOURS: i64 = 12;

/// Whose signed-in session `session_id` was, if it has lapsed (not ended by signing out,
/// which deletes it) in the last twelve hours.
pub async fn lapsed_owner(db: &Database, session_id: &str) -> Result<Option<i64>, sqlx::Error> {
    let owner: Option<Option<i64>> =
        sqlx::query_scalar("SELECT user_id FROM sessions WHERE id = $1 AND expires_at <= $2")
            .bind(session_id)
            .bind(now())
            .fetch_optional(db.pool())
            .await?;
    Ok(owner.flatten())
}

#[async_trait]
impl ExpiredDeletion for DatabaseSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(timestamp(
                chrono::Utc::now() - chrono::Duration::hours(LAPSED_KEPT_HOURS),
            ))
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// A handle for a session that can be shown in a page without revealing the session id.
fn handle(session_id: &str) -> String {
    let digest = Sha256::digest(session_id.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Someone's live sessions, newest activity first.
pub async fn sessions_of(
    db: &Database,
    user_id: i64,
    current: Option<&str>,
) -> Result<Vec<SessionSummary>, sqlx::Error> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, data, seen_at FROM sessions WHERE user_id = $1 AND expires_at > $2 \
         ORDER BY seen_at DESC",
    )
    .bind(user_id)
    .bind(now())
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, data, seen_at)| {
            let data: serde_json::Value = serde_json::from_str(&data).ok()?;
            let auth: AuthState = serde_json::from_value(data.get(AUTH_KEY)?.clone()).ok()?;
            Some(SessionSummary {
                handle: handle(&id),
                device: auth.device,
                signed_in_at: chrono::DateTime::from_timestamp(auth.signed_in_at, 0)
                    .map(timestamp)
                    .unwrap_or_default(),
                last_active_at: seen_at,
                current: current == Some(id.as_str()),
            })
        })
        .collect())
}

/// Ends one of someone's sessions, named by its handle. Returns whether one was ended.
pub async fn end_session(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    session_handle: &str,
) -> Result<bool, sqlx::Error> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(&mut *conn)
        .await?;
    let Some(id) = ids.into_iter().find(|id| handle(id) == session_handle) else {
        return Ok(false);
    };
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(true)
}

/// Ends all of someone's sessions but `keep` (their current one, when they asked).
pub async fn end_sessions_of(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    keep: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
