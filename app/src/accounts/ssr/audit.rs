//! The audit log: one entry for every change a signed-in person makes. Append-only: this
//! module has no update or delete, and triggers refuse them in the database too.

use sqlx::AnyConnection;

use super::{
    audit_words::{self, Names},
    users::shown_name as users_display,
};
use crate::{
    accounts::{AuditEntry, AuditFilter, AuditPage, Viewer},
    db::Database,
    db::Sql,
};

pub const PAGE_SIZE: i64 = 50;

pub use crate::audit::Change;

/// One entry on the caller's transaction, by a signed-in person.
pub async fn record(
    conn: &mut AnyConnection,
    actor: &Viewer,
    change: Change,
) -> Result<(), sqlx::Error> {
    crate::audit::record(conn, actor.actor(), &change).await
}

/// One entry in its own transaction, for a change that was not made in one.
pub async fn record_now(db: &Database, actor: &Viewer, change: Change) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    record(&mut tx, actor, change).await?;
    tx.commit().await
}

fn push_filters(sql: &mut Sql, filter: &AuditFilter) {
    sql.push(" WHERE 1 = 1");
    if let Some(actor) = filter.actor {
        sql.push(" AND a.actor_id = ").bind(actor);
    }
    if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        sql.push(" AND a.action = ").bind(action.to_owned());
    }
    if let Some(kind) = filter.record_kind.as_deref().filter(|k| !k.is_empty()) {
        sql.push(" AND a.record_kind = ").bind(kind.to_owned());
    }
    if let Some(from) = filter
        .from
        .as_deref()
        .filter(|d| crate::dates::is_iso_date(d))
    {
        sql.push(" AND a.at >= ").bind(format!("{from}T00:00:00Z"));
    }
    if let Some(to) = filter
        .to
        .as_deref()
        .filter(|d| crate::dates::is_iso_date(d))
    {
        sql.push(" AND a.at <= ").bind(format!("{to}T23:59:59Z"));
    }
}

/// An audit entry as read, with its actor's name and state (for a deleted account).
#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    at: String,
    actor_id: Option<i64>,
    display_name: Option<String>,
    state: Option<String>,
    actor_role: String,
    action: String,
    record_kind: String,
    record_id: String,
    before: String,
    after: String,
}

fn entry(row: EntryRow, names: &Names) -> AuditEntry {
    // `candour user create-admin` has its own action; entries it wrote before that said
    // "command line" under `account.created` (the log is append-only, so they stay).
    let action = if row.action == "account.created" && row.before == "command line" {
        "account.created-at-command-line"
    } else {
        &row.action
    };
    let worded = audit_words::word(
        names,
        row.actor_id,
        action,
        &row.record_kind,
        &row.record_id,
    );
    AuditEntry {
        id: row.id,
        at: row.at,
        actor: users_display(
            row.actor_id,
            row.display_name.as_deref(),
            row.state.as_deref(),
        ),
        actor_role: audit_words::role_name(&row.actor_role),
        action: row.action,
        did: worded.did,
        record: worded.record,
        href: worded.href,
        record_kind: row.record_kind,
        record_id: row.record_id,
        before: audit_words::plain(names, &row.before),
        after: audit_words::plain(names, &row.after),
    }
}

/// The names of what the log's entries mention. Every table read is small (policies,
/// reports, engagements, content, statuses, accounts), so it is read whole, once a page.
async fn names(db: &Database) -> Result<Names, sqlx::Error> {
    let pool = db.pool();
    let pairs = |sql: &'static str| sqlx::query_as::<_, (String, String)>(sql).fetch_all(pool);
    let numbered = |sql: &'static str| sqlx::query_as::<_, (i64, String)>(sql).fetch_all(pool);
    let mut content = std::collections::HashMap::new();
    for (kind, sql) in [
        ("value", "SELECT slug, name FROM core_values"),
        ("priority", "SELECT slug, name FROM research_priorities"),
        ("page", "SELECT slug, title FROM pages"),
    ] {
        for (key, name) in pairs(sql).await? {
            content.insert((kind.to_owned(), key), name);
        }
    }
    let accounts = numbered("SELECT id, display_name FROM users")
        .await?
        .into_iter()
        .map(|(id, name)| (id, users_display(Some(id), Some(&name), None)))
        .collect();
    Ok(Names {
        policies: numbered("SELECT id, title FROM policies").await?.into_iter().collect(),
        comment_versions: sqlx::query_as::<_, (i64, i64)>(
            "SELECT c.id, v.number FROM policy_comments c JOIN policy_versions v ON v.id = c.version_id",
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .collect(),
        reports: numbered("SELECT id, title FROM reports").await?.into_iter().collect(),
        engagements: pairs("SELECT key, name FROM engagements").await?.into_iter().collect(),
        content,
        statuses: pairs("SELECT key, name FROM statuses").await?.into_iter().collect(),
        accounts,
    })
}

const SELECT_ENTRIES: &str = "SELECT a.id, a.at, a.actor_id, u.display_name, u.state, a.actor_role, a.action, \
     a.record_kind, a.record_id, a.before, a.after FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id";

pub async fn page(db: &Database, filter: &AuditFilter) -> Result<AuditPage, sqlx::Error> {
    let mut count = Sql::new("SELECT COUNT(*) FROM audit_log a");
    push_filters(&mut count, filter);
    let total: i64 = count.fetch_scalar(db.pool()).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = filter.page.clamp(1, pages);
    let mut select = Sql::new(SELECT_ENTRIES);
    push_filters(&mut select, filter);
    select.push(&format!(
        " ORDER BY a.id DESC LIMIT {PAGE_SIZE} OFFSET {}",
        (page - 1) * PAGE_SIZE
    ));
    let names = names(db).await?;
    let entries = select
        .fetch_all::<EntryRow>(db.pool())
        .await?
        .into_iter()
        .map(|row| entry(row, &names))
        .collect();
    let actors: Vec<(i64, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT DISTINCT a.actor_id, u.display_name, u.state FROM audit_log a JOIN users u ON u.id = a.actor_id \
         ORDER BY a.actor_id",
    )
    .fetch_all(db.pool())
    .await?;
    let worded = |keys: Vec<String>, name: fn(&str) -> String| -> Vec<(String, String)> {
        let mut named: Vec<(String, String)> = keys
            .into_iter()
            .map(|key| {
                let n = name(&key);
                (key, n)
            })
            .collect();
        named.sort_by(|a, b| a.1.cmp(&b.1));
        named
    };
    let actions = worded(
        sqlx::query_scalar("SELECT DISTINCT action FROM audit_log")
            .fetch_all(db.pool())
            .await?,
        audit_words::action_name,
    );
    let record_kinds = worded(
        sqlx::query_scalar("SELECT DISTINCT record_kind FROM audit_log")
            .fetch_all(db.pool())
            .await?,
        audit_words::record_kind_name,
    );
    Ok(AuditPage {
        entries,
        total,
        page,
        pages,
        actors: actors
            .into_iter()
            .map(|(id, name, state)| {
                (
                    id,
                    users_display(Some(id), name.as_deref(), state.as_deref()),
                )
            })
            .collect(),
        actions,
        record_kinds,
    })
}

/// Every entry matching the filter (all pages), oldest first, as CSV.
pub async fn csv(db: &Database, filter: &AuditFilter) -> anyhow::Result<String> {
    let mut select = Sql::new(SELECT_ENTRIES);
    push_filters(&mut select, filter);
    select.push(" ORDER BY a.id");
    let rows = select.fetch_all::<EntryRow>(db.pool()).await?;
    let names = names(db).await?;
    // A display name is chosen by its owner: every cell is guarded.
    let rows = rows.into_iter().map(|row| {
        let e = entry(row, &names);
        let what_happened = format!("{} {}", e.did, e.record);
        [
            e.id.to_string(),
            e.at,
            e.actor,
            e.actor_role,
            e.action,
            e.record_kind,
            e.record_id,
            what_happened,
            e.before,
            e.after,
        ]
    });
    crate::text::spreadsheet_csv(
        &[
            "id",
            "at",
            "actor",
            "actor_role",
            "action",
            "record_kind",
            "record_id",
            "what_happened",
            "before",
            "after",
        ],
        rows,
    )
}
