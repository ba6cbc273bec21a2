//! Values, priorities, pages, engagements and the glossary, imported without overwriting
//! what staff changed in the browser. Each is compared as its content file would read
//! (the database's copy written out the same way): equal, nothing to do; different, and
//! changed in the browser since the last import or export (`content_sync` says so), a
//! conflict that keeps the database's copy; otherwise the file is imported.

use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

/// How an item compares with its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sync {
    /// Not in the database yet, or changed only in its file: import it.
    Import,
    /// The same as the file.
    Same,
    /// Changed in the browser and in its file: keep the database's.
    Conflict,
}

fn hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares the file's text with the database's (`None`: not in the database), and
/// records the file as synced when it is imported or already the same.
pub async fn compare(
    conn: &mut AnyConnection,
    kind: &str,
    key: &str,
    file: &str,
    database: Option<&str>,
) -> Result<Sync, sqlx::Error> {
    let file_hash = hash(file);
    let outcome = match database {
        None => Sync::Import,
        Some(database) if hash(database) == file_hash => Sync::Same,
        Some(database) => {
            let synced: Option<String> = sqlx::query_scalar(
                "SELECT synced_hash FROM content_sync WHERE kind = $1 AND key = $2",
            )
            .bind(kind)
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
            match synced {
                Some(synced) if synced != hash(database) => Sync::Conflict,
                _ => Sync::Import,
            }
        }
    };
    if outcome != Sync::Conflict {
        set_synced(conn, kind, key, &file_hash).await?;
    }
    Ok(outcome)
}

async fn set_synced(
    conn: &mut AnyConnection,
    kind: &str,
    key: &str,
    synced_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO content_sync (kind, key, synced_hash) VALUES ($1, $2, $3)
         ON CONFLICT (kind, key) DO UPDATE SET synced_hash = excluded.synced_hash",
    )
    .bind(kind)
    .bind(key)
    .bind(synced_hash)
    .execute(conn)
    .await?;
    Ok(())
}
