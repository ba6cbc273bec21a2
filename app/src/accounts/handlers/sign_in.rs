//! Signing in and out, and the two one-time links: accepting an invitation, resetting a
//! password.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Path, Request, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use chrono::Utc;
use tower_sessions::Session;

use super::{again, done, internal};
use crate::{
    accounts::{
        ssr::{
            audit::{self, Change},
            client_address, describe_device,
            drafts::{self, PendingSubmission, PENDING_KEY},
            links, passwords, throttle,
            users::{self, normalise_email},
            AuthState, AUTH_KEY,
        },
        LinkState, Viewer, DISPLAY_NAME_MAX_CHARS,
    },
    forms::{safe_next, ssr::read_fields, FormFeedback},
    state::AppState,
};

const WRONG_DETAILS: &str = "The email address or password is not right. Check them and try again.";

pub(crate) fn check_email(feedback: &mut FormFeedback, field: &str, email: &str) {
    if email.is_empty() {
        feedback.error(field, "Enter an email address");
    } else if !users::looks_like_email(email) {
        feedback.error(
            field,
            "Enter an email address in the correct format, like name@example.com",
        );
    }
}

/// Checks a display name: shown publicly beside comments, so plain text of sensible length.
pub(crate) fn check_display_name(feedback: &mut FormFeedback, field: &str, name: &str) {
    let length = name.trim().chars().count();
    if length == 0 {
        feedback.error(field, "Enter the name to show beside your comments");
    } else if length > DISPLAY_NAME_MAX_CHARS {
        feedback.error(
            field,
            format!("Name must be {DISPLAY_NAME_MAX_CHARS} characters or fewer"),
        );
    } else if name.chars().any(char::is_control) {
        feedback.error(field, "Name must not contain special control characters");
    }
}

/// Checks a new password and its confirmation.
pub(crate) fn check_new_password(feedback: &mut FormFeedback, password: &str, confirm: &str) {
    if password.is_empty() {
        feedback.error("new_password", "Enter a new password");
    } else if let Err(message) = passwords::check_new_password(password) {
        feedback.error("new_password", message);
    } else if password != confirm {
        feedback.error(
            "confirm_password",
            "The passwords do not match. Type the same password twice",
        );
    }
}

/// Starts a signed-in session: a new session id (the old one may have been seen by
/// someone else), then who it belongs to.
pub(crate) async fn start_session(
    state: &AppState,
    session: &Session,
    user_id: i64,
    user_agent: &str,
) -> Result<(), Response> {
    session.cycle_id().await.map_err(internal_session)?;
    let auth = AuthState {
        user_id,
        signed_in_at: Utc::now().timestamp(),
        device: describe_device(user_agent),
    };
    session
        .insert(AUTH_KEY, auth)
        .await
        .map_err(internal_session)?;
    // Text kept from a session that ended while they were writing becomes their draft.
    if let Ok(Some(pending)) = session.remove::<PendingSubmission>(PENDING_KEY).await {
        if let Err(error) = drafts::keep(&state.db, user_id, &pending.path, &pending.fields).await {
            tracing::error!(%error, "could not keep text from an ended session");
        }
    }
    Ok(())
}

fn internal_session(error: tower_sessions::session::Error) -> Response {
    tracing::error!(%error, "session store failed");
    internal(crate::error::AppError::Internal)
}

fn user_agent(parts: &axum::http::request::Parts) -> String {
    parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    request: Request,
) -> Response {
    let (parts, fields) = read_fields(request).await;
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let email = field("email").trim().to_owned();
    let password = field("password");
    let next = safe_next(fields.get("next").map(String::as_str));
    let mut feedback = FormFeedback::for_form("sign-in");
    feedback.values.insert("email".into(), email.clone());
    feedback.values.insert("next".into(), next.clone());
    check_email(&mut feedback, "email", &email);
    if password.is_empty() {
        feedback.error("password", "Enter your password");
    }
    if feedback.has_errors() {
        return again(
            &state,
            parts,
            "/sign-in",
            feedback,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let client = client_address(peer, &parts.headers, &state.security.trusted_proxies).to_string();
    let account_key = normalise_email(&email);
    match throttle::paused_until(&state.db, &account_key, &client).await {
        Ok(Some(until)) => {
            let wait = (until - Utc::now()).num_seconds().max(1);
            let minutes = (wait + 59) / 60;
            feedback.error(
                "email",
                format!(
                    "There have been too many attempts to sign in. Wait {minutes} minute{} and try again (after {} UTC).",
                    if minutes == 1 { "" } else { "s" },
                    until.format("%H:%M"),
                ),
            );
            let mut response = again(
                &state,
                parts,
                "/sign-in",
                feedback,
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await;
            if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return response;
        }
        Ok(None) => {}
        Err(error) => return internal(error),
    }
    let candidate = match users::find_by_email(&state.db, &account_key).await {
        Ok(candidate) => candidate,
        Err(error) => return internal(error),
    };
    let stored = candidate.as_ref().and_then(|c| c.password_hash.clone());
    let matches = match passwords::verify_password(password, stored).await {
        Ok(matches) => matches,
        Err(error) => return internal(error),
    };
    match candidate {
        Some(candidate) if matches && candidate.active => {
            if let Err(error) = throttle::clear_account(&state.db, &account_key).await {
                return internal(error);
            }
            if let Err(response) =
                start_session(&state, &session, candidate.id, &user_agent(&parts)).await
            {
                return response;
            }
            Redirect::to(&next).into_response()
        }
        Some(_) if matches => {
            feedback.error(
                "email",
                "This account has been disabled. If you think this is a mistake, contact the PPIE team.",
            );
            again(&state, parts, "/sign-in", feedback, StatusCode::FORBIDDEN).await
        }
        _ => {
            if let Err(error) = throttle::record_failure(&state.db, &account_key, &client).await {
                return internal(error);
            }
            feedback.error("email", WRONG_DETAILS);
            again(
                &state,
                parts,
                "/sign-in",
                feedback,
                StatusCode::UNAUTHORIZED,
            )
            .await
        }
    }
}

pub async fn sign_out(session: Session) -> Response {
    if let Err(error) = session.flush().await {
        tracing::error!(%error, "could not end a session");
    }
    done("/sign-in", "signed-out")
}

pub async fn accept_invite(
    State(state): State<AppState>,
    Path(token): Path<String>,
    session: Session,
    request: Request,
) -> Response {
    let (parts, fields) = read_fields(request).await;
    let page = format!("/invite/{token}");
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let name = field("display_name").trim().to_owned();
    let mut feedback = FormFeedback::for_form("invite");
    feedback.values.insert("display_name".into(), name.clone());
    check_display_name(&mut feedback, "display_name", &name);
    check_new_password(
        &mut feedback,
        &field("new_password"),
        &field("confirm_password"),
    );
    if feedback.has_errors() {
        return again(
            &state,
            parts,
            &page,
            feedback,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let hash = match passwords::hash_password(field("new_password")).await {
        Ok(hash) => hash,
        Err(error) => return internal(error),
    };
    let created = async {
        let mut tx = state.db.begin_write().await?;
        let (link, _) = links::redeem(&mut tx, &token).await?;
        let LinkState::Invite { email, role } = link else {
            return Ok(None);
        };
        if users::email_exists(&mut tx, &email).await? {
            return Ok(None);
        }
        let id = users::create(&mut tx, &email, &name, role, &hash).await?;
        let viewer = Viewer {
            id,
            display_name: name.clone(),
            role,
        };
        audit::record(
            &mut tx,
            &viewer,
            Change {
                action: "account.created",
                record_kind: "account",
                record_id: id.to_string(),
                before: "invitation".to_owned(),
                after: format!("active account, role {}", role.as_str()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(Some(id))
    }
    .await;
    match created {
        Ok(Some(id)) => match start_session(&state, &session, id, &user_agent(&parts)).await {
            Ok(()) => done("/account", "account-created"),
            Err(response) => response,
        },
        // Used, expired or unknown: the page explains which.
        Ok(None) => {
            again(
                &state,
                parts,
                &page,
                FormFeedback::default(),
                StatusCode::GONE,
            )
            .await
        }
        Err(error) => internal(error),
    }
}

pub async fn reset_password(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Response {
    let (parts, fields) = read_fields(request).await;
    let page = format!("/reset/{token}");
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let mut feedback = FormFeedback::for_form("reset");
    check_new_password(
        &mut feedback,
        &field("new_password"),
        &field("confirm_password"),
    );
    if feedback.has_errors() {
        return again(
            &state,
            parts,
            &page,
            feedback,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let hash = match passwords::hash_password(field("new_password")).await {
        Ok(hash) => hash,
        Err(error) => return internal(error),
    };
    let reset = async {
        let mut tx = state.db.begin_write().await?;
        let (link, user_id) = links::redeem(&mut tx, &token).await?;
        let (LinkState::Reset { display_name }, Some(user_id)) = (link, user_id) else {
            return Ok(false);
        };
        let Some(account) = users::account(&mut tx, user_id).await? else {
            return Ok(false);
        };
        users::set_password(&mut tx, user_id, &hash).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let viewer = Viewer {
            id: user_id,
            display_name,
            role: account.role,
        };
        audit::record(
            &mut tx,
            &viewer,
            Change {
                action: "account.password-reset",
                record_kind: "account",
                record_id: user_id.to_string(),
                before: "password set".to_owned(),
                after: "new password set with a reset link; all sessions ended".to_owned(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(true)
    }
    .await;
    match reset {
        Ok(true) => done("/sign-in", "password-reset"),
        Ok(false) => {
            again(
                &state,
                parts,
                &page,
                FormFeedback::default(),
                StatusCode::GONE,
            )
            .await
        }
        Err(error) => internal(error),
    }
}

#[cfg(test)]
mod tests {
    use crate::accounts::ssr::users::looks_like_email;

    #[test]
    fn email_addresses_need_a_local_part_and_a_dotted_domain() {
        assert!(looks_like_email("sam@example.org"));
        assert!(!looks_like_email("sam@example"));
        assert!(!looks_like_email("@example.org"));
        assert!(!looks_like_email("sam smith@example.org"));
    }
}
