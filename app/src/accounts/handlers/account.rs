//! `/account`: a person's own name, password, sessions, data and account.

use axum::{
    extract::{Request, State},
    http::StatusCode,
    response::Response,
};
use tower_sessions::Session;

use super::{again, attachment, done, internal, SignedIn};
use crate::{
    accounts::ssr::{
        audit::{self, Change},
        current_session_id_of, passwords, session_store, users,
    },
    forms::{ssr::read_fields, FormFeedback},
    state::AppState,
};

const PAGE: &str = "/account";

pub async fn change_name(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (parts, fields) = read_fields(request).await;
    let name = fields.get("display_name").cloned().unwrap_or_default();
    let mut feedback = FormFeedback::for_form("name");
    feedback.values.insert("display_name".into(), name.clone());
    super::sign_in::check_display_name(&mut feedback, "display_name", &name);
    if feedback.has_errors() {
        return again(
            &state,
            parts,
            PAGE,
            feedback,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let changed = async {
        let mut tx = state.db.begin_write().await?;
        users::set_display_name(&mut tx, viewer.id, &name).await?;
        audit::record(
            &mut tx,
            &viewer,
            Change {
                action: "account.name-changed",
                record_kind: "account",
                record_id: viewer.id.to_string(),
                // Names are not kept here: a deleted account must leave nothing identifying.
                before: "display name".to_owned(),
                after: "new display name".to_owned(),
            },
        )
        .await?;
        tx.commit().await
    }
    .await;
    match changed {
        Ok(()) => done(PAGE, "name-changed"),
        Err(error) => internal(error),
    }
}

pub async fn change_password(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (parts, fields) = read_fields(request).await;
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let mut feedback = FormFeedback::for_form("password");
    let current = field("current_password");
    if current.is_empty() {
        feedback.error("current_password", "Enter your current password");
    } else {
        let stored = users::password_hash(&state.db, viewer.id)
            .await
            .unwrap_or_default();
        if !passwords::verify_password(current, stored)
            .await
            .unwrap_or(false)
        {
            feedback.error("current_password", "Your current password is not right");
        }
    }
    super::sign_in::check_new_password(
        &mut feedback,
        &field("new_password"),
        &field("confirm_password"),
    );
    if feedback.has_errors() {
        return again(
            &state,
            parts,
            PAGE,
            feedback,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let hash = match passwords::hash_password(field("new_password")).await {
        Ok(hash) => hash,
        Err(error) => return internal(error),
    };
    let keep = current_session_id_of(&parts);
    let changed = async {
        let mut tx = state.db.begin_write().await?;
        users::set_password(&mut tx, viewer.id, &hash).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(viewer.id)
            .bind(keep.clone().unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            &viewer,
            Change {
                action: "account.password-changed",
                record_kind: "account",
                record_id: viewer.id.to_string(),
                before: "password".to_owned(),
                after: "new password; other sessions ended".to_owned(),
            },
        )
        .await?;
        tx.commit().await
    }
    .await;
    match changed {
        Ok(()) => done(PAGE, "password-changed"),
        Err(error) => internal(error),
    }
}

pub async fn end_session(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (parts, fields) = read_fields(request).await;
    let handle = fields.get("session").cloned().unwrap_or_default();
    match session_store::end_session(&state.db, viewer.id, &handle).await {
        Ok(true) => {
            let change = Change {
                action: "session.ended",
                record_kind: "account",
                record_id: viewer.id.to_string(),
                before: "signed in on another device".to_owned(),
                after: "that session ended by its owner".to_owned(),
            };
            match audit::record_now(&state.db, &viewer, change).await {
                Ok(()) => done(PAGE, "session-ended"),
                Err(error) => internal(error),
            }
        }
        Ok(false) => {
            let mut feedback = FormFeedback::for_form("sessions");
            feedback.error("sessions", "That session had already ended.");
            again(
                &state,
                parts,
                PAGE,
                feedback,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => internal(error),
    }
}

pub async fn end_other_sessions(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (parts, _) = read_fields(request).await;
    let keep = current_session_id_of(&parts);
    let ended = match session_store::end_sessions_of(&state.db, viewer.id, keep.as_deref()).await {
        Ok(ended) => ended,
        Err(error) => return internal(error),
    };
    let change = Change {
        action: "session.ended-others",
        record_kind: "account",
        record_id: viewer.id.to_string(),
        before: format!("{ended} other session(s)"),
        after: "all other sessions ended by their owner".to_owned(),
    };
    match audit::record_now(&state.db, &viewer, change).await {
        Ok(()) => done(PAGE, "sessions-ended"),
        Err(error) => internal(error),
    }
}

pub async fn delete_account(
    State(state): State<AppState>,
    session: Session,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (parts, fields) = read_fields(request).await;
    let mut feedback = FormFeedback::for_form("delete");
    let password = fields.get("delete_password").cloned().unwrap_or_default();
    if fields.get("confirm_delete").map(String::as_str) != Some("yes") {
        feedback.error(
            "confirm_delete",
            "Tick the box to confirm you want to delete your account",
        );
    }
    if password.is_empty() {
        feedback.error(
            "delete_password",
            "Enter your password to confirm it is you",
        );
    } else {
        let stored = users::password_hash(&state.db, viewer.id)
            .await
            .unwrap_or_default();
        if !passwords::verify_password(password, stored)
            .await
            .unwrap_or(false)
        {
            feedback.error("delete_password", "Your password is not right");
        }
    }
    if feedback.has_errors() {
        return again(
            &state,
            parts,
            PAGE,
            feedback,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let deleted = async {
        let mut tx = state.db.begin_write().await?;
        if viewer.role == crate::accounts::Role::Admin
            && users::count_active_admins(&mut tx).await? <= 1
        {
            return Ok(false);
        }
        users::delete_account(&mut tx, viewer.id, viewer.role).await?;
        audit::record(
            &mut tx,
            &viewer,
            Change {
                action: "account.deleted",
                record_kind: "account",
                record_id: viewer.id.to_string(),
                before: format!("active account, role {}", viewer.role.as_str()),
                after: "deleted by its owner; identifying details removed".to_owned(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(true)
    }
    .await;
    match deleted {
        Ok(true) => {
            let _ = session.flush().await;
            done("/sign-in", "account-deleted")
        }
        Ok(false) => {
            feedback.error(
                "confirm_delete",
                "You are the only administrator. Make someone else an administrator before deleting your account.",
            );
            again(&state, parts, PAGE, feedback, StatusCode::CONFLICT).await
        }
        Err(error) => internal(error),
    }
}

pub async fn export(State(state): State<AppState>, SignedIn(viewer): SignedIn) -> Response {
    match users::export(&state.db, viewer.id).await {
        Ok(data) => attachment(
            "application/json",
            "my-candour-data.json",
            serde_json::to_string_pretty(&data).unwrap_or_default(),
        ),
        Err(error) => internal(error),
    }
}
