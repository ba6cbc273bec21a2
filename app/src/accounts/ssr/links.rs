//! One-time links: invitations and password resets. A link is a random token sent to one
//! person; only its SHA-256 is stored, it works once, and it expires.

use chrono::{Duration, Utc};
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use super::{now, timestamp};
use crate::{
    accounts::{
        permissions::{allows, invitable_roles},
        LinkState, PendingInvite, Permission, Role,
    },
    db::Database,
};

pub use crate::accounts::{INVITE_DAYS, RESET_HOURS};

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash(token: &str) -> String {
    Sha256::digest(token.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Creates an invitation and returns (its id, the token for the link). Earlier unused
/// invitations to the same address stop working.
pub async fn create_invite(
    conn: &mut AnyConnection,
    email: &str,
    role: Role,
    created_by: Option<i64>,
) -> Result<(i64, String), sqlx::Error> {
    let at = now();
    sqlx::query(
        "UPDATE account_links SET revoked_at = $1 \
         WHERE purpose = 'invite' AND email = $2 AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(&at)
    .bind(email)
    .execute(&mut *conn)
    .await?;
    let token = new_token();
    let id = sqlx::query_scalar(
        "INSERT INTO account_links (token_hash, purpose, email, role, created_by, created_at, expires_at) \
         VALUES ($1, 'invite', $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(hash(&token))
    .bind(email)
    .bind(role.as_str())
    .bind(created_by)
    .bind(&at)
    .bind(timestamp(Utc::now() + Duration::days(INVITE_DAYS)))
    .fetch_one(&mut *conn)
    .await?;
    Ok((id, token))
}

pub async fn create_reset(
    conn: &mut AnyConnection,
    user_id: i64,
    created_by: Option<i64>,
) -> Result<(i64, String), sqlx::Error> {
    let at = now();
    sqlx::query(
        "UPDATE account_links SET revoked_at = $1 \
         WHERE purpose = 'reset' AND user_id = $2 AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(&at)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    let token = new_token();
    let id = sqlx::query_scalar(
        "INSERT INTO account_links (token_hash, purpose, user_id, created_by, created_at, expires_at) \
         VALUES ($1, 'reset', $2, $3, $4, $5) RETURNING id",
    )
    .bind(hash(&token))
    .bind(user_id)
    .bind(created_by)
    .bind(&at)
    .bind(timestamp(Utc::now() + Duration::hours(RESET_HOURS)))
    .fetch_one(&mut *conn)
    .await?;
    Ok((id, token))
}

type LinkRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
);

async fn find(conn: &mut AnyConnection, token: &str) -> Result<Option<LinkRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.id, l.purpose, l.email, l.role, l.user_id, l.expires_at, l.used_at, l.revoked_at, u.display_name, \
                l.created_by, i.role \
         FROM account_links l LEFT JOIN users u ON u.id = l.user_id AND u.state = 'active' \
         LEFT JOIN users i ON i.id = l.created_by AND i.state = 'active' \
         WHERE l.token_hash = $1",
    )
    .bind(hash(token))
    .fetch_optional(&mut *conn)
    .await
}

/// Whether someone with `role` (`None`: no longer active) may make a link of `purpose`
/// (`invite` with the invited `link_role`, or `reset`).
fn may_issue(role: Option<Role>, purpose: &str, link_role: Option<Role>) -> bool {
    match (role, purpose) {
        (Some(role), "invite") => link_role.is_some_and(|r| invitable_roles(role).contains(&r)),
        (Some(role), "reset") => allows(Some(role), Permission::ManageAccounts),
        _ => false,
    }
}

fn state_of(row: Option<LinkRow>) -> (Option<i64>, LinkState) {
    let Some((
        id,
        purpose,
        email,
        role,
        _user_id,
        expires_at,
        used_at,
        revoked_at,
        name,
        created_by,
        issuer_role,
    )) = row
    else {
        return (None, LinkState::Unknown);
    };
    if used_at.is_some() {
        return (Some(id), LinkState::Used);
    }
    // A link made by a person works only while they may still make it: disabled, deleted
    // or demoted, their unused links stop working (links from the command line or the
    // "forgotten password" page have no issuer).
    let issuer_still_may = created_by.is_none()
        || may_issue(
            issuer_role.as_deref().and_then(Role::parse),
            &purpose,
            role.as_deref().and_then(Role::parse),
        );
    if revoked_at.is_some() || expires_at <= now() || !issuer_still_may {
        return (Some(id), LinkState::Expired);
    }
    let state = match (
        purpose.as_str(),
        email,
        role.as_deref().and_then(Role::parse),
        name,
    ) {
        ("invite", Some(email), Some(role), _) => LinkState::Invite { email, role },
        ("reset", _, _, Some(display_name)) => LinkState::Reset { display_name },
        _ => LinkState::Expired,
    };
    (Some(id), state)
}

/// What a token is for and whether it still works (for the page that shows the form).
pub async fn inspect(db: &Database, token: &str) -> Result<LinkState, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    Ok(state_of(find(&mut conn, token).await?).1)
}

/// Inside the transaction that uses it: checks the token once more and marks it used, so
/// two people racing with the same link cannot both succeed.
pub async fn redeem(
    conn: &mut AnyConnection,
    token: &str,
) -> Result<(LinkState, Option<i64>), sqlx::Error> {
    let row = find(conn, token).await?;
    let user_id = row.as_ref().and_then(|r| r.4);
    let (id, state) = state_of(row);
    if let (Some(id), LinkState::Invite { .. } | LinkState::Reset { .. }) = (id, &state) {
        let marked =
            sqlx::query("UPDATE account_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
                .bind(now())
                .bind(id)
                .execute(&mut *conn)
                .await?;
        if marked.rows_affected() != 1 {
            // Someone else used it a moment ago.
            return Ok((LinkState::Used, None));
        }
    }
    Ok((state, user_id))
}

/// Revokes the unused links `issuer` made that someone with `role` may not make (`None`:
/// the issuer is disabled or deleted, so all of them). Called in the transaction that
/// disables, demotes or deletes them; redemption checks the issuer again as well.
pub async fn revoke_not_allowed(
    conn: &mut AnyConnection,
    issuer: i64,
    role: Option<Role>,
) -> Result<u64, sqlx::Error> {
    let open: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, purpose, role FROM account_links \
         WHERE created_by = $1 AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(issuer)
    .fetch_all(&mut *conn)
    .await?;
    let at = now();
    let mut revoked = 0;
    for (id, purpose, link_role) in open {
        if may_issue(role, &purpose, link_role.as_deref().and_then(Role::parse)) {
            continue;
        }
        revoked += sqlx::query("UPDATE account_links SET revoked_at = $1 WHERE id = $2")
            .bind(&at)
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(revoked)
}

pub async fn pending_invites(db: &Database) -> Result<Vec<PendingInvite>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT id, email, role, created_at, expires_at FROM account_links \
         WHERE purpose = 'invite' AND used_at IS NULL AND revoked_at IS NULL \
         AND email NOT IN (SELECT email FROM users WHERE email IS NOT NULL) \
         ORDER BY created_at DESC",
    )
    .fetch_all(db.pool())
    .await?;
    let at = now();
    Ok(rows
        .into_iter()
        .map(|(id, email, role, created_at, expires_at)| PendingInvite {
            id,
            email,
            role: Role::parse(&role).unwrap_or(Role::CriticalFriend),
            created_at,
            expired: expires_at <= at,
            expires_at,
        })
        .collect())
}

/// The address and role of an invitation, to send it again.
pub async fn invite_details(
    conn: &mut AnyConnection,
    invite_id: i64,
) -> Result<Option<(String, Role)>, sqlx::Error> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT email, role FROM account_links WHERE id = $1 AND purpose = 'invite' AND used_at IS NULL",
    )
    .bind(invite_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.and_then(|(email, role)| Some((email, Role::parse(&role)?))))
}
