//! Accounts in the database.

use sqlx::AnyConnection;

use super::now;
use crate::{
    accounts::{AccountSummary, Role, Viewer},
    db::Database,
};

/// What a deleted account is shown as wherever its contributions stay public.
pub fn former_name(role: Role) -> &'static str {
    match role {
        Role::CriticalFriend => "A former critical friend",
        Role::Editor | Role::Admin => "A former member of the PPIE team",
    }
}

/// How an account is named in lists such as the audit log.
pub fn shown_name(id: Option<i64>, name: Option<&str>, _state: Option<&str>) -> String {
    match (id, name) {
        (Some(id), Some(name)) => format!("{name} (account {id})"),
        (Some(id), None) => format!("Account {id}"),
        (None, _) => "The system".to_owned(),
    }
}

fn role_of(text: &str) -> Role {
    Role::parse(text).unwrap_or(Role::CriticalFriend)
}

/// Emails are compared without regard to case or surrounding spaces.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub use crate::forms::rules::looks_like_email;

pub async fn active_viewer(db: &Database, user_id: i64) -> Result<Option<Viewer>, sqlx::Error> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT id, display_name, role FROM users WHERE id = $1 AND state = 'active'",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|(id, display_name, role)| Viewer {
        id,
        display_name,
        role: role_of(&role),
    }))
}

pub struct SignInCandidate {
    pub id: i64,
    pub password_hash: Option<String>,
    pub active: bool,
}

pub async fn find_by_email(
    db: &Database,
    email: &str,
) -> Result<Option<SignInCandidate>, sqlx::Error> {
    let row: Option<(i64, Option<String>, String)> = sqlx::query_as(
        "SELECT id, password_hash, state FROM users WHERE email = $1 AND state <> 'deleted'",
    )
    .bind(normalise_email(email))
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|(id, password_hash, state)| SignInCandidate {
        id,
        password_hash,
        active: state == "active",
    }))
}

pub async fn email_exists(conn: &mut AnyConnection, email: &str) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(normalise_email(email))
        .fetch_one(&mut *conn)
        .await?;
    Ok(count > 0)
}

pub async fn create(
    conn: &mut AnyConnection,
    email: &str,
    display_name: &str,
    role: Role,
    password_hash: &str,
) -> Result<i64, sqlx::Error> {
    let at = now();
    sqlx::query_scalar(
        "INSERT INTO users (email, display_name, role, password_hash, state, created_at, password_changed_at) \
         VALUES ($1, $2, $3, $4, 'active', $5, $5) RETURNING id",
    )
    .bind(normalise_email(email))
    .bind(display_name.trim())
    .bind(role.as_str())
    .bind(password_hash)
    .bind(at)
    .fetch_one(&mut *conn)
    .await
}

pub async fn email_of(db: &Database, user_id: i64) -> Result<String, sqlx::Error> {
    let email: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db.pool())
        .await?;
    Ok(email.unwrap_or_default())
}

type AccountRow = (
    i64,
    Option<String>,
    String,
    String,
    String,
    String,
    Option<String>,
);

pub async fn list(db: &Database) -> Result<Vec<AccountSummary>, sqlx::Error> {
    let rows: Vec<AccountRow> = sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.role, u.state, u.created_at, \
                    (SELECT MAX(s.seen_at) FROM sessions s WHERE s.user_id = u.id) \
             FROM users u WHERE u.state <> 'deleted' ORDER BY u.display_name, u.id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, email, display_name, role, state, created_at, last_active_at)| AccountSummary {
                id,
                email,
                display_name,
                role: role_of(&role),
                state,
                created_at,
                last_active_at,
            },
        )
        .collect())
}

/// The parts of an account an admin may change, as they are now.
#[derive(Debug, Clone)]
pub struct AccountRecord {
    pub id: i64,
    pub display_name: String,
    pub role: Role,
    pub state: String,
}

pub async fn account(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Option<AccountRecord>, sqlx::Error> {
    let row: Option<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, display_name, role, state FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(|(id, display_name, role, state)| AccountRecord {
        id,
        display_name,
        role: role_of(&role),
        state,
    }))
}

pub async fn count_active_admins(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND state = 'active'")
        .fetch_one(&mut *conn)
        .await
}

pub async fn set_display_name(
    conn: &mut AnyConnection,
    user_id: i64,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
        .bind(name.trim())
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_password(
    conn: &mut AnyConnection,
    user_id: i64,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now())
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn password_hash(db: &Database, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db.pool())
        .await
}

pub async fn set_role(
    conn: &mut AnyConnection,
    user_id: i64,
    role: Role,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
        .bind(role.as_str())
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    super::links::revoke_not_allowed(conn, user_id, Some(role)).await?;
    Ok(())
}

pub async fn set_state(
    conn: &mut AnyConnection,
    user_id: i64,
    state: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET state = $1 WHERE id = $2 AND state <> 'deleted'")
        .bind(state)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    if state != "active" {
        super::links::revoke_not_allowed(conn, user_id, None).await?;
    }
    Ok(())
}

/// Deletes an account: everything that identifies the person goes (email, name, password,
/// sessions, drafts, links); the row stays, shown as "a former critical friend", so what
/// they contributed to public reviews keeps its place.
pub async fn delete_account(
    conn: &mut AnyConnection,
    user_id: i64,
    role: Role,
) -> Result<(), sqlx::Error> {
    super::links::revoke_not_allowed(conn, user_id, None).await?;
    let email: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *conn)
        .await?;
    if let Some(email) = &email {
        // Wherever else the address is held: the invitation that made the account, the
        // emails sent to it before it had one, and failed sign-ins typed with it.
        for statement in [
            "UPDATE account_links SET email = NULL WHERE email = $1",
            "DELETE FROM outbox WHERE recipient = $1 AND subscription_id IS NULL",
            "DELETE FROM sign_in_failures WHERE account_key = $1",
        ] {
            sqlx::query(statement)
                .bind(email)
                .execute(&mut *conn)
                .await?;
        }
    }
    sqlx::query("DELETE FROM sign_in_failures WHERE account_key = $1")
        .bind(format!("user:{user_id}"))
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE users SET email = NULL, display_name = $1, password_hash = NULL, state = 'deleted' \
         WHERE id = $2",
    )
    .bind(former_name(role))
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    // Words not yet published are withdrawn rather than published without their author,
    // and their text (with any earlier text from edits) is deleted.
    sqlx::query(
        "DELETE FROM policy_comment_edits WHERE comment_id IN (
            SELECT id FROM policy_comments WHERE author_id = $1
              AND (withdrawn_at IS NOT NULL
                   OR version_id IN (SELECT id FROM policy_versions WHERE review_public = 0)))",
    )
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    // What they withdrew themselves is never shown: its text goes with the account.
    sqlx::query(
        "UPDATE policy_comments SET body = '' WHERE author_id = $1 AND withdrawn_at IS NOT NULL",
    )
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE policy_comments SET hidden_reason = $1, hidden_at = $2, withdrawn_at = $2, body = ''
         WHERE author_id = $3 AND hidden_reason IS NULL
           AND version_id IN (SELECT id FROM policy_versions WHERE review_public = 0)",
    )
    .bind("Withdrawn: its author closed their account before the review was published.")
    .bind(super::now())
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    for statement in [
        "DELETE FROM sessions WHERE user_id = $1",
        "DELETE FROM drafts WHERE user_id = $1",
        "DELETE FROM follows WHERE user_id = $1",
        "DELETE FROM account_links WHERE user_id = $1",
        // Email: what waits to be sent to them, and their choices.
        "DELETE FROM outbox WHERE user_id = $1",
        "DELETE FROM digest_items WHERE user_id = $1",
        "DELETE FROM notification_settings WHERE user_id = $1",
    ] {
        sqlx::query(statement)
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Everything held about one person, for "download my data".
pub async fn export(db: &Database, user_id: i64) -> Result<serde_json::Value, sqlx::Error> {
    let (email, display_name, role, state, created_at, password_changed_at): (
        Option<String>,
        String,
        String,
        String,
        String,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT email, display_name, role, state, created_at, password_changed_at FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await?;
    let sessions: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT created_at, seen_at, expires_at, data FROM sessions WHERE user_id = $1 ORDER BY created_at",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    // The links made for them: the invitation that made the account, and reset links.
    type LinkRow = (
        String,
        Option<String>,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let links: Vec<LinkRow> = sqlx::query_as(
        "SELECT purpose, role, created_at, expires_at, used_at, revoked_at FROM account_links \
             WHERE user_id = $1 OR (email IS NOT NULL AND email = $2) ORDER BY created_at",
    )
    .bind(user_id)
    .bind(email.clone().unwrap_or_default())
    .fetch_all(db.pool())
    .await?;
    // Failed attempts to sign in as them, or to confirm their password, with the network
    // address they came from (kept 15 minutes).
    let failures: Vec<(String, String)> = sqlx::query_as(
        "SELECT failed_at, client FROM sign_in_failures WHERE account_key = $1 OR account_key = $2 \
         ORDER BY failed_at",
    )
    .bind(email.clone().unwrap_or_default())
    .bind(format!("user:{user_id}"))
    .fetch_all(db.pool())
    .await?;
    let answers: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT r.comment_id, r.outcome, r.body, r.responded_at FROM policy_responses r \
         JOIN policy_comments c ON c.id = r.comment_id WHERE c.author_id = $1 ORDER BY r.comment_id",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    let emails_sent: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT m.subject, o.created_at, o.sent_at, o.failed_at FROM outbox o \
         JOIN mail_messages m ON m.id = o.message_id \
         WHERE o.user_id = $1 OR (o.recipient = $2 AND o.subscription_id IS NULL) ORDER BY o.id",
    )
    .bind(user_id)
    .bind(email.clone().unwrap_or_default())
    .fetch_all(db.pool())
    .await?;
    let subscriptions: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT t.topic, t.requested_at, t.confirmed_at FROM subscription_topics t \
         JOIN subscriptions s ON s.id = t.subscription_id WHERE s.email = $1 ORDER BY t.topic",
    )
    .bind(email.clone().unwrap_or_default())
    .fetch_all(db.pool())
    .await?;
    let drafts: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT draft_key, fields, saved_at FROM drafts WHERE user_id = $1 ORDER BY saved_at",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    let following: Vec<(String, String)> = sqlx::query_as(
        "SELECT reference, seen_at FROM follows WHERE user_id = $1 ORDER BY reference",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    let notifications: Vec<(String, String)> = sqlx::query_as(
        "SELECT kind, mode FROM notification_settings WHERE user_id = $1 ORDER BY kind",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    let emails_waiting: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE user_id = $1 AND sent_at IS NULL")
            .bind(user_id)
            .fetch_one(db.pool())
            .await?;
    type CommentRow = (
        i64,
        String,
        i64,
        Option<i64>,
        Option<i64>,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let comments: Vec<CommentRow> = sqlx::query_as(
        "SELECT c.id, p.slug, v.number, c.paragraph, c.parent_id, c.body, c.created_at, c.hidden_reason, c.hidden_at \
         FROM policy_comments c \
         JOIN policy_versions v ON v.id = c.version_id JOIN policies p ON p.id = v.policy_id \
         WHERE c.author_id = $1 ORDER BY c.id",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    type ViewRow = (
        String,
        String,
        String,
        i64,
        String,
        Option<String>,
        Option<String>,
    );
    let views: Vec<ViewRow> = sqlx::query_as(
        "SELECT r.reference, fv.opinion, fv.reason, fv.show_name, fv.given_at, a.body, a.answered_at \
         FROM friend_views fv JOIN recommendations r ON r.id = fv.recommendation_id \
         LEFT JOIN friend_view_answers a ON a.view_id = fv.id WHERE fv.author_id = $1 ORDER BY fv.id",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    let earlier: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT e.comment_id, e.body, e.replaced_at FROM policy_comment_edits e \
         JOIN policy_comments c ON c.id = e.comment_id WHERE c.author_id = $1 ORDER BY e.id",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    let audit: Vec<(String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT at, action, record_kind, record_id, before, after FROM audit_log \
         WHERE actor_id = $1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    Ok(serde_json::json!({
        "exported_at": now(),
        "account": {
            "email": email,
            "display_name": display_name,
            "role": role,
            "state": state,
            "created_at": created_at,
            "password_changed_at": password_changed_at,
        },
        "sessions": sessions.into_iter().map(|(created_at, seen_at, expires_at, data)| {
            let device = serde_json::from_str::<serde_json::Value>(&data)
                .ok()
                .and_then(|data| data.get(super::AUTH_KEY)?.get("device")?.as_str().map(str::to_owned));
            serde_json::json!({
                "signed_in_at": created_at, "last_active_at": seen_at, "expires_at": expires_at,
                "device": device,
            })
        }).collect::<Vec<_>>(),
        "account_links": links.into_iter().map(|(purpose, role, created_at, expires_at, used_at, revoked_at)| serde_json::json!({
            "purpose": purpose, "role": role, "created_at": created_at, "expires_at": expires_at,
            "used_at": used_at, "revoked_at": revoked_at,
        })).collect::<Vec<_>>(),
        "failed_password_attempts": failures.into_iter().map(|(at, client)| serde_json::json!({
            "at": at, "network_address": client,
        })).collect::<Vec<_>>(),
        "emails": emails_sent.into_iter().map(|(subject, queued_at, sent_at, failed_at)| serde_json::json!({
            "subject": subject, "queued_at": queued_at, "sent_at": sent_at, "failed_at": failed_at,
        })).collect::<Vec<_>>(),
        "subscriptions_to_your_address": subscriptions.into_iter().map(|(topic, requested_at, confirmed_at)| serde_json::json!({
            "topic": topic, "requested_at": requested_at, "confirmed_at": confirmed_at,
        })).collect::<Vec<_>>(),
        "drafts": drafts.into_iter().map(|(key, fields, saved_at)| serde_json::json!({
            "key": key,
            "fields": serde_json::from_str::<serde_json::Value>(&fields).unwrap_or(serde_json::Value::Null),
            "saved_at": saved_at,
        })).collect::<Vec<_>>(),
        "following": following.into_iter().map(|(reference, seen_at)| serde_json::json!({
            "recommendation": reference, "seen_at": seen_at,
        })).collect::<Vec<_>>(),
        "email_choices": notifications.into_iter().map(|(kind, mode)| serde_json::json!({
            "kind": kind, "mode": mode,
        })).collect::<Vec<_>>(),
        "emails_waiting_to_be_sent": emails_waiting,
        "policy_comments": comments.into_iter().map(|(id, policy, version, paragraph, parent, body, created_at, hidden_reason, hidden_at)| {
            let answer = answers.iter().find(|(comment, ..)| *comment == id).map(|(_, outcome, body, at)| serde_json::json!({
                "outcome": outcome, "answer": body, "answered_at": at,
            }));
            serde_json::json!({
                "id": id, "policy": policy, "version": version, "paragraph": paragraph,
                "reply_to": parent, "comment": body, "posted_at": created_at,
                "removed": hidden_reason.as_ref().map(|reason| serde_json::json!({ "reason": reason, "at": hidden_at })),
                "answer": answer,
                "earlier_texts": earlier.iter().filter(|(comment, ..)| *comment == id).map(|(_, body, at)| serde_json::json!({
                    "text": body, "replaced_at": at,
                })).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
        "critical_friend_views": views.into_iter().map(|(reference, opinion, reason, show_name, given_at, answer, answered_at)| serde_json::json!({
            "recommendation": reference, "view": opinion, "reason": reason,
            "name_shown": show_name == 1, "given_at": given_at,
            "answer": answer.map(|body| serde_json::json!({ "answer": body, "answered_at": answered_at })),
        })).collect::<Vec<_>>(),
        "changes_you_made": audit.into_iter().map(|(at, action, kind, id, before, after)| serde_json::json!({
            "at": at, "action": action, "record_kind": kind, "record_id": id, "before": before, "after": after,
        })).collect::<Vec<_>>(),
    }))
}
