//! `/account`: a person's own name, password, sessions, data and account.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Request, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use tower_sessions::Session;

use super::sign_in::{check_new_password, public_name};
use crate::{
    accounts::{
        routes::SignedIn,
        ssr::{
            audit::Change, client_address, current_session_id_of, passwords, session_store,
            throttle, users,
        },
        Role, Viewer,
    },
    forms::{
        rules::{required, ticked},
        ssr::{attachment, internal, read, Answer, Posted, Refusal, Reply, Written},
    },
    state::AppState,
};

const PAGE: &str = "/account";

/// An audit entry about the person's own account.
fn own_account(viewer: &Viewer, action: &'static str, before: &str, after: &str) -> Change {
    Change {
        action,
        record_kind: "account",
        record_id: viewer.id.to_string(),
        before: before.to_owned(),
        after: after.to_owned(),
    }
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct NameForm {
    #[garde(custom(public_name))]
    display_name: String,
}

pub async fn change_name(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted { form, reply, .. } = read::<NameForm>(request, "name", PAGE).await;
    let reply = reply.mistakes(&state).await?;
    let name = form.display_name.trim().to_owned();
    reply
        .write(&state, viewer.actor(), "name-changed", async |tx| {
            users::set_display_name(tx, viewer.id, &name).await?;
            // Names are not kept in the log: a deleted account must leave nothing identifying.
            // Public: a critical friend's name shows with the views they chose to sign, so
            // kept public pages must be made again.
            Ok(Written::public(own_account(
                &viewer,
                "account.name-changed",
                "display name",
                "new display name",
            )))
        })
        .await
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct PasswordForm {
    #[garde(custom(required("Enter your current password")))]
    current_password: String,
    #[garde(skip)]
    new_password: String,
    #[garde(skip)]
    confirm_password: String,
}

/// Adds "not right" beside `field` unless `password` is the person's password. Each check
/// is counted first, like signing in (`throttle::attempt`), so a stolen session cannot try
/// password after password; while paused, the form answers 429 with when to try again.
async fn check_own_password(
    state: &AppState,
    mut reply: Reply,
    viewer: &Viewer,
    field: &str,
    password: &str,
    wrong: &str,
) -> Result<Reply, Response> {
    if password.is_empty() {
        return Ok(reply);
    }
    let client = reply
        .parts()
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| {
            client_address(
                *peer,
                &reply.parts().headers,
                &state.security.trusted_proxies,
            )
            .to_string()
        })
        .unwrap_or_default();
    let account_key = format!("user:{}", viewer.id);
    match throttle::attempt(&state.db, &account_key, &client)
        .await
        .map_err(internal)?
    {
        throttle::Attempt::PausedUntil(until) => {
            let (message, _) = throttle::pause_message(until, "enter your password");
            reply.error(field, message);
            return Err(reply.again(state, StatusCode::TOO_MANY_REQUESTS).await);
        }
        throttle::Attempt::Counted => {}
    }
    let stored = users::password_hash(&state.db, viewer.id)
        .await
        .map_err(internal)?;
    if passwords::verify_password(password.to_owned(), stored)
        .await
        .unwrap_or(false)
    {
        throttle::clear_account(&state.db, &account_key)
            .await
            .map_err(internal)?;
    } else {
        reply.error(field, wrong);
    }
    Ok(reply)
}

/// `POST /account/password`: the current password (counted like signing in), a new one,
/// then every other session ends and this one gets a new id (OWASP Session Management:
/// renew the session id when privileges or credentials change).
pub async fn change_password(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    session: Session,
    request: Request,
) -> Answer {
    let Posted { form, reply, .. } = read::<PasswordForm>(request, "password", PAGE).await;
    let mut reply = check_own_password(
        &state,
        reply,
        &viewer,
        "current_password",
        &form.current_password,
        "Your current password is not right",
    )
    .await?;
    check_new_password(
        &mut reply,
        &form.new_password,
        &form.confirm_password,
        &[&viewer.display_name],
    );
    let reply = reply.mistakes(&state).await?;
    let hash = match passwords::hash_password(form.new_password).await {
        Ok(hash) => hash,
        Err(error) => return Err(internal(error)),
    };
    let keep = current_session_id_of(reply.parts()).unwrap_or_default();
    let response = reply
        .write(&state, viewer.actor(), "password-changed", async |tx| {
            users::set_password(tx, viewer.id, &hash).await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
                .bind(viewer.id)
                .bind(&keep)
                .execute(&mut *tx)
                .await?;
            Ok(Written::private(own_account(
                &viewer,
                "account.password-changed",
                "password",
                "new password; other sessions ended",
            )))
        })
        .await?;
    if let Err(error) = session.cycle_id().await {
        tracing::error!(%error, "could not renew the session id after a password change");
        return Err(internal(crate::error::AppError::Internal));
    }
    Ok(response)
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct SessionForm {
    /// The session's opaque handle, as the account page lists it.
    #[garde(skip)]
    session: String,
}

pub async fn end_session(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted { form, reply, .. } = read::<SessionForm>(request, "sessions", PAGE).await;
    reply
        .write(&state, viewer.actor(), "session-ended", async |tx| {
            if !session_store::end_session(tx, viewer.id, &form.session).await? {
                return Err(Refusal::invalid(
                    "sessions",
                    "That session had already ended.",
                ));
            }
            Ok(Written::private(own_account(
                &viewer,
                "session.ended",
                "signed in on another device",
                "that session ended by its owner",
            )))
        })
        .await
}

pub async fn end_other_sessions(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted { reply, .. } = read::<SessionForm>(request, "sessions", PAGE).await;
    let keep = current_session_id_of(reply.parts());
    reply
        .write(&state, viewer.actor(), "sessions-ended", async |tx| {
            let ended = session_store::end_sessions_of(tx, viewer.id, keep.as_deref()).await?;
            Ok(Written::private(own_account(
                &viewer,
                "session.ended-others",
                &format!("{ended} other session(s)"),
                "all other sessions ended by their owner",
            )))
        })
        .await
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct DeleteForm {
    #[garde(custom(ticked("Tick the box to confirm you want to delete your account")))]
    confirm_delete: String,
    #[garde(custom(required("Enter your password to confirm it is you")))]
    delete_password: String,
}

pub async fn delete_account(
    State(state): State<AppState>,
    session: Session,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted { form, reply, .. } = read::<DeleteForm>(request, "delete", PAGE).await;
    let reply = check_own_password(
        &state,
        reply,
        &viewer,
        "delete_password",
        &form.delete_password,
        "Your password is not right",
    )
    .await?;
    let reply = reply.mistakes(&state).await?;
    let response = reply
        .write(&state, viewer.actor(), "account-deleted", async |tx| {
            if viewer.role == Role::Admin && users::count_active_admins(tx).await? <= 1 {
                return Err(Refusal::Field {
                    field: "confirm_delete".into(),
                    message: "You are the only administrator. Make someone else an administrator before deleting your account.".into(),
                    status: StatusCode::CONFLICT,
                    keep: Vec::new(),
                });
            }
            users::delete_account(tx, viewer.id, viewer.role).await?;
            let entry = own_account(
                &viewer,
                "account.deleted",
                &format!("active account, role {}", viewer.role.as_str()),
                "deleted by its owner; identifying details removed",
            );
            // Public: its name leaves the views and comments it signed, on kept pages too.
            Ok(Written::public(entry).to("/sign-in"))
        })
        .await;
    if response.is_ok() {
        let _ = session.flush().await;
    }
    response
}

pub async fn export(State(state): State<AppState>, SignedIn(viewer): SignedIn) -> Answer {
    let data = users::export(&state.db, viewer.id)
        .await
        .map_err(internal)?;
    Ok(attachment(
        "application/json",
        "my-candour-data.json",
        serde_json::to_string_pretty(&data).unwrap_or_default(),
    ))
}
