//! The database handle: one pool, SQLite by default or PostgreSQL, with the SQL written so
//! that both accept it.

use std::{str::FromStr, time::Duration};

use anyhow::Context as _;
use sqlx::{
    any::AnyRow,
    any::{AnyConnectOptions, AnyPoolOptions},
    Any, AnyPool, Executor as _, FromRow, Transaction,
};

/// Which engine a [`Database`] talks to; a few statements differ between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct Database {
    pool: AnyPool,
    backend: Backend,
    /// The content version as this process last read it (see [`Database::content_version`]).
    version: std::sync::Arc<std::sync::Mutex<KnownVersion>>,
}

/// The content version as last read: its value, when, and how many content changes this
/// process had committed before that read.
#[derive(Debug, Clone, Copy)]
struct KnownVersion {
    value: i64,
    read_at: Option<std::time::Instant>,
    commits_seen: u64,
}

/// How long a content version read from the database is trusted before it is read again,
/// when this process has committed no change since: the most a change made elsewhere
/// (another instance, `candour import` in another process) can take to reach signed-out
/// pages.
pub const CONTENT_VERSION_TRUST: Duration = Duration::from_millis(100);

/// Content changes this process has committed ([`content_committed`]).
static CONTENT_COMMITS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Says that a transaction which moved the content version ([`bump_content_version`]) has
/// committed: every [`Database::content_version`] in this process reads it again. The one
/// write path calls it; so must anything else that commits a content change.
pub fn content_committed() {
    CONTENT_COMMITS.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
}

const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

impl Database {
    /// Opens the pool. SQLite connections run in WAL mode with foreign keys on and a busy
    /// timeout; start-up fails if WAL could not be switched on.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("unsupported database URL scheme (use sqlite:// or postgres://)");
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).context("parsing the database URL")?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            // A connection whose COMMIT failed (a full or read-only disk) can come back to
            // the pool still marked as inside its transaction, and every later BEGIN on it
            // fails. Such a connection is closed instead of being handed out again.
            .before_acquire(|conn, _meta| {
                Box::pin(async move {
                    use sqlx::Connection as _;
                    if conn.is_in_transaction() {
                        // A rollback queued by a dropped transaction runs before the ping.
                        conn.ping().await?;
                        if conn.is_in_transaction() {
                            tracing::warn!(
                                "closing a database connection left inside a transaction"
                            );
                            return Ok(false);
                        }
                    }
                    Ok(true)
                })
            })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        // `INSERT OR REPLACE` then fires delete triggers, so it cannot
                        // rewrite an append-only table.
                        conn.execute("PRAGMA recursive_triggers = ON").await?;
                        // FULL: a commit is on disk before it is acknowledged, so a power
                        // cut cannot undo a write someone was told had been saved (NORMAL
                        // in WAL mode can lose the last transactions). The public record
                        // is append-only; what we said we kept, we keep.
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute(
                            format!("PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}").as_str(),
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .context("connecting to the database")?;
        let db = Self {
            pool,
            backend,
            version: std::sync::Arc::new(std::sync::Mutex::new(KnownVersion {
                value: 0,
                read_at: None,
                commits_seen: 0,
            })),
        };
        db.assert_sqlite_settings().await?;
        Ok(db)
    }

    /// The content version for deciding whether a kept page or result is still current,
    /// without a database read on every request: the last value read is trusted for
    /// [`CONTENT_VERSION_TRUST`] unless this process has committed a content change since
    /// it was read ([`content_committed`]), so a change made here is seen by the next
    /// request, and one made elsewhere within [`CONTENT_VERSION_TRUST`]. The version kept
    /// never goes back: a read that started before another finished cannot undo it.
    pub async fn content_version(&self) -> Result<i64, sqlx::Error> {
        // Loaded before the read: a commit after this point makes the next call read again.
        let commits = CONTENT_COMMITS.load(std::sync::atomic::Ordering::Acquire);
        let known = *self.version.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(read_at) = known.read_at {
            if known.commits_seen >= commits && read_at.elapsed() < CONTENT_VERSION_TRUST {
                return Ok(known.value);
            }
        }
        let value = content_version(&self.pool).await?;
        let mut slot = self.version.lock().unwrap_or_else(|e| e.into_inner());
        if slot.read_at.is_none() || value >= slot.value {
            slot.value = value;
            slot.read_at = Some(std::time::Instant::now());
        }
        slot.commits_seen = slot.commits_seen.max(commits);
        Ok(slot.value)
    }

    async fn assert_sqlite_settings(&self) -> anyhow::Result<()> {
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&self.pool)
            .await?;
        anyhow::ensure!(
            synchronous == 2,
            "SQLite is not in synchronous = FULL mode (it is {synchronous})"
        );
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&self.pool)
            .await?;
        anyhow::ensure!(
            mode.eq_ignore_ascii_case("wal"),
            "SQLite did not switch to WAL mode (journal_mode is {mode})"
        );
        let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&self.pool)
            .await?;
        anyhow::ensure!(foreign_keys == 1, "SQLite foreign keys are off");
        Ok(())
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("../migrations/sqlite")
                .run(&self.pool)
                .await
                .context("running SQLite migrations")?,
            Backend::Postgres => sqlx::migrate!("../migrations/postgres")
                .run(&self.pool)
                .await
                .context("running PostgreSQL migrations")?,
        }
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a write transaction that holds the database's write lock from the start, so
    /// read-then-write transactions (version checks, "next sequence number", "last admin")
    /// run one at a time. SQLite: `BEGIN IMMEDIATE` (which also avoids SQLITE_BUSY half-way).
    /// PostgreSQL: a transaction-scoped advisory lock with the same effect across instances.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => {
                let mut tx = self.pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock(7267)")
                    .execute(&mut *tx)
                    .await?;
                Ok(tx)
            }
        }
    }

    /// True when the database takes a write: a one-row update in a write transaction,
    /// committed. A full or read-only disk answers reads but fails this, and `/healthz`
    /// then says so.
    pub async fn can_write(&self) -> bool {
        let outcome = async {
            let mut tx = self.begin_write().await?;
            sqlx::query(
                "INSERT INTO site_settings (key, value) VALUES ('health_check', $1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(crate::dates::now())
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        }
        .await;
        if let Err(error) = &outcome {
            tracing::warn!(%error, "the database cannot be written");
        }
        outcome.is_ok()
    }

    /// True when the database answers a trivial query.
    pub async fn is_healthy(&self) -> bool {
        sqlx::query_scalar::<_, i64>("SELECT 1")
            .fetch_one(&self.pool)
            .await
            .is_ok()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The content version: a number that moves on with every change to what the public sees
/// (an import, a status change, a response, a publication), in the same transaction as the
/// change. Caches and the search index compare it to know when they are stale; it is read
/// from the database, so every instance sees a change made by any other.
pub async fn content_version(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    let value: Option<(String,)> =
        sqlx::query_as("SELECT value FROM site_settings WHERE key = 'content_version'")
            .fetch_optional(pool)
            .await?;
    Ok(value.and_then(|(v,)| v.parse().ok()).unwrap_or(0))
}

/// Moves the content version on by one, inside the caller's write transaction; after the
/// commit, the caller calls [`content_committed`].
pub async fn bump_content_version(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO site_settings (key, value) VALUES ('content_version', '1')
         ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(site_settings.value AS BIGINT) + 1 AS TEXT)",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks an item of the site's fixed content (`kind` engagement, value, priority, page or
/// glossary) as changed in the browser, inside the change's transaction, so that
/// `candour import` keeps it (reporting a conflict) rather than overwriting it with an
/// older file. An item already recorded as in sync keeps its record: the import sees the
/// database's copy differ from it.
pub async fn mark_edited_in_browser(
    conn: &mut sqlx::AnyConnection,
    kind: &str,
    key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO content_sync (kind, key, synced_hash) VALUES ($1, $2, 'edited in the browser')
         ON CONFLICT (kind, key) DO NOTHING",
    )
    .bind(kind)
    .bind(key)
    .execute(conn)
    .await?;
    Ok(())
}

/// A statement with `$n` placeholders built up piece by piece. (`sqlx::QueryBuilder` writes
/// `?` for the Any driver, which PostgreSQL refuses.)
#[derive(Default)]
pub struct Sql {
    text: String,
    binds: Vec<Bind>,
}

#[derive(Clone)]
pub enum Bind {
    Text(String),
    Int(i64),
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            binds: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    pub fn bind(&mut self, value: impl Into<Bind>) -> &mut Self {
        self.binds.push(value.into());
        self.text.push_str(&format!("${}", self.binds.len()));
        self
    }

    pub fn bind_list(&mut self, values: &[String]) -> &mut Self {
        self.push("(");
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(Bind::Text(value.clone()));
        }
        self.push(")")
    }

    pub async fn fetch_all<T>(&self, pool: &AnyPool) -> Result<Vec<T>, sqlx::Error>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let mut query = sqlx::query_as::<_, T>(&self.text);
        for bind in &self.binds {
            query = match bind.clone() {
                Bind::Text(value) => query.bind(value),
                Bind::Int(value) => query.bind(value),
            };
        }
        query.fetch_all(pool).await
    }

    pub async fn fetch_optional_row(&self, pool: &AnyPool) -> Result<Option<AnyRow>, sqlx::Error> {
        let mut query = sqlx::query(&self.text);
        for bind in &self.binds {
            query = match bind.clone() {
                Bind::Text(value) => query.bind(value),
                Bind::Int(value) => query.bind(value),
            };
        }
        query.fetch_optional(pool).await
    }

    pub async fn fetch_scalar<T>(&self, pool: &AnyPool) -> Result<T, sqlx::Error>
    where
        T: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any> + Send + Unpin,
    {
        let mut query = sqlx::query_scalar::<_, T>(&self.text);
        for bind in &self.binds {
            query = match bind.clone() {
                Bind::Text(value) => query.bind(value),
                Bind::Int(value) => query.bind(value),
            };
        }
        query.fetch_one(pool).await
    }
}

impl From<String> for Bind {
    fn from(value: String) -> Self {
        Bind::Text(value)
    }
}

impl From<i64> for Bind {
    fn from(value: i64) -> Self {
        Bind::Int(value)
    }
}
