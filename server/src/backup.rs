//! `candour backup FILE` and `candour restore FILE` for the SQLite database, and the lock a
//! server holds on its data folder so that nothing is restored under it.
//!
//! A backup is SQLite's `VACUUM INTO`: one consistent copy as of a moment, made inside a read
//! transaction, so in WAL mode it finishes while the site goes on writing (unlike the
//! `.backup` command, which starts again after every write). The copy is then checked with
//! `PRAGMA integrity_check`. PostgreSQL deployments use `pg_dump` (see the README).

use std::{
    fs::File,
    path::{Path, PathBuf},
};

use anyhow::Context as _;
use app::db::{Backend, Database};

use crate::config::Config;

/// The file in the data folder a running server holds an exclusive lock on.
const LOCK_FILE: &str = "candour.lock";

/// Held by a running server for as long as it runs; the operating system lets go of it
/// when the process ends, however it ends.
#[derive(Debug)]
pub struct DataFolderLock {
    _file: File,
}

/// Takes the data folder's lock for a server. Fails, naming the folder, when another
/// server already uses it.
pub fn lock_data_folder(data_dir: &Path) -> anyhow::Result<DataFolderLock> {
    let path = data_dir.join(LOCK_FILE);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(DataFolderLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another Candour server is using the data folder {}",
            data_dir.display()
        ),
        Err(std::fs::TryLockError::Error(error)) => {
            Err(error).with_context(|| format!("locking {}", path.display()))
        }
    }
}

/// True while a server holds the data folder's lock.
pub fn in_use(data_dir: &Path) -> anyhow::Result<bool> {
    let path = data_dir.join(LOCK_FILE);
    if !path.exists() {
        return Ok(false);
    }
    let file = File::options().write(true).open(&path)?;
    match file.try_lock() {
        Ok(()) => {
            file.unlock()?;
            Ok(false)
        }
        Err(std::fs::TryLockError::WouldBlock) => Ok(true),
        Err(std::fs::TryLockError::Error(error)) => Err(error.into()),
    }
}

/// The SQLite database file a `sqlite://…` URL names.
fn sqlite_path(database_url: &str) -> Option<PathBuf> {
    let rest = database_url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next()?;
    Some(PathBuf::from(path))
}

fn quoted(path: &Path) -> String {
    path.display().to_string().replace('\'', "''")
}

/// Checks a SQLite file: it opens, `PRAGMA integrity_check` says `ok`, and it holds a
/// Candour database (the migrations table). Returns how many recommendations it holds.
pub async fn check_copy(file: &Path) -> anyhow::Result<i64> {
    use sqlx::Connection as _;
    anyhow::ensure!(file.is_file(), "{} is not a file", file.display());
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&format!("sqlite://{}?mode=ro", file.display()))
        .await
        .with_context(|| format!("opening {}", file.display()))?;
    let outcome = async {
        let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await?;
        anyhow::ensure!(verdict == "ok", "integrity check: {verdict}");
        let recommendations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM recommendations")
            .fetch_one(&mut conn)
            .await
            .context("it is not a Candour database")?;
        Ok(recommendations)
    }
    .await;
    let _ = conn.close().await;
    outcome.with_context(|| format!("checking {}", file.display()))
}

/// Writes a consistent copy of the database to `file` (which must not exist yet) while the
/// site may be serving and writing, then checks the copy.
pub async fn backup(db: &Database, file: &Path) -> anyhow::Result<String> {
    anyhow::ensure!(
        db.backend() == Backend::Sqlite,
        "on PostgreSQL, back up with pg_dump (see the README: \"Back up and restore\")"
    );
    anyhow::ensure!(
        !file.exists(),
        "{} already exists: choose a new file name",
        file.display()
    );
    if let Some(folder) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating {}", folder.display()))?;
    }
    sqlx::query(&format!("VACUUM INTO '{}'", quoted(file)))
        .execute(db.pool())
        .await
        .with_context(|| format!("writing {}", file.display()))?;
    let recommendations = check_copy(file).await?;
    let bytes = std::fs::metadata(file)?.len();
    Ok(format!(
        "backed up to {} ({} KB, {recommendations} recommendations); integrity check ok",
        file.display(),
        bytes / 1024
    ))
}

/// Replaces the database with the copy in `file`. Refused while a server uses the data
/// folder. The database it replaces is kept beside it as `candour.db.before-restore-…`.
pub async fn restore(config: &Config, file: &Path) -> anyhow::Result<String> {
    let target = sqlite_path(&config.database_url).ok_or_else(|| {
        anyhow::anyhow!("on PostgreSQL, restore with pg_restore or psql (see the README)")
    })?;
    anyhow::ensure!(
        !in_use(&config.data_dir)?,
        "a Candour server is using the data folder {}: stop it first, then restore",
        config.data_dir.display()
    );
    let recommendations = check_copy(file).await?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut kept = None;
    if target.exists() {
        // The database moves aside with its write-ahead log, which may hold its last
        // transactions (after a crash), so the kept copy is complete.
        let aside = target.with_extension(format!("db.before-restore-{stamp}"));
        for suffix in ["", "-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{suffix}", target.display()));
            let to = PathBuf::from(format!("{}{suffix}", aside.display()));
            if from.exists() {
                std::fs::rename(&from, &to)
                    .with_context(|| format!("moving {} aside", from.display()))?;
            }
        }
        kept = Some(aside);
    }
    std::fs::copy(file, &target)
        .with_context(|| format!("copying {} to {}", file.display(), target.display()))?;
    File::open(&target)?.sync_all()?;
    Ok(match kept {
        Some(aside) => format!(
            "restored {} ({recommendations} recommendations); the previous database is kept as {}",
            file.display(),
            aside.display()
        ),
        None => format!(
            "restored {} ({recommendations} recommendations)",
            file.display()
        ),
    })
}
