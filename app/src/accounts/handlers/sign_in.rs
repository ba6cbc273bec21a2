//! Signing in and out, and the two one-time links: accepting an invitation, resetting a
//! password.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Path, Request, State},
    http::{header, HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

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
    forms::{
        rules::{email_address, required},
        ssr::{done, internal, read, Answer, Posted, Reply},
    },
    paths::safe_next,
    state::AppState,
};

const WRONG_DETAILS: &str = "The email address or password is not right. Check them and try again.";

/// A display name: shown publicly beside comments, so plain text of sensible length.
pub(crate) fn public_name(name: &str, _: &()) -> garde::Result {
    let length = name.trim().chars().count();
    if !crate::text::has_visible(name) {
        Err(garde::Error::new(
            "Enter the name to show beside your comments, in letters or numbers people can see",
        ))
    } else if length > DISPLAY_NAME_MAX_CHARS {
        Err(garde::Error::new(format!(
            "Name must be {DISPLAY_NAME_MAX_CHARS} characters or fewer"
        )))
    } else if name.chars().any(char::is_control) {
        Err(garde::Error::new(
            "Name must not contain special control characters",
        ))
    } else {
        Ok(())
    }
}

/// Checks a new password and its confirmation (a rule across two fields).
/// Checks a new password and its confirmation; `personal` are words about the person (their
/// name), which a guesser would try first.
pub(crate) fn check_new_password(
    reply: &mut Reply,
    password: &str,
    confirm: &str,
    personal: &[&str],
) {
    if password.is_empty() {
        reply.error("new_password", "Enter a new password");
    } else if let Err(message) = passwords::check_new_password(password, personal) {
        reply.error("new_password", message);
    } else if password != confirm {
        reply.error(
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
    // Only their own: text left by someone else's lapsed session is dropped.
    if let Ok(Some(pending)) = session.remove::<PendingSubmission>(PENDING_KEY).await {
        if pending.owner != user_id {
            return Ok(());
        }
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

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct SignInForm {
    #[garde(custom(email_address))]
    email: String,
    #[garde(custom(required("Enter your password")))]
    password: String,
    /// Where to go afterwards (only a path on this site is followed).
    #[garde(skip)]
    next: String,
}

const SIGN_IN: &str = "/sign-in";

pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    request: Request,
) -> Answer {
    let Posted {
        form, mut reply, ..
    } = read::<SignInForm>(request, "sign-in", SIGN_IN).await;
    let email = form.email.trim().to_owned();
    let next = safe_next(
        Some(&form.next)
            .filter(|n| !n.is_empty())
            .map(String::as_str),
    );
    reply.keep_value("email", email.clone());
    reply.keep_value("next", next.clone());
    let mut reply = reply.mistakes(&state).await?;
    let client = client_address(
        peer,
        &reply.parts().headers,
        &state.security.trusted_proxies,
    )
    .to_string();
    let account_key = normalise_email(&email);
    match throttle::attempt(&state.db, &account_key, &client).await {
        Ok(throttle::Attempt::PausedUntil(until)) => {
            let (message, wait) = throttle::pause_message(until, "sign in");
            reply.error("email", message);
            let mut response = reply.again(&state, StatusCode::TOO_MANY_REQUESTS).await;
            if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return Err(response);
        }
        Ok(throttle::Attempt::Counted) => {}
        Err(error) => return Err(internal(error)),
    }
    let candidate = match users::find_by_email(&state.db, &account_key).await {
        Ok(candidate) => candidate,
        Err(error) => return Err(internal(error)),
    };
    let stored = candidate.as_ref().and_then(|c| c.password_hash.clone());
    let matches = match passwords::verify_password(form.password, stored).await {
        Ok(matches) => matches,
        Err(error) => return Err(internal(error)),
    };
    match candidate {
        Some(candidate) if matches && candidate.active => {
            if let Err(error) = throttle::clear_account(&state.db, &account_key).await {
                return Err(internal(error));
            }
            start_session(&state, &session, candidate.id, &user_agent(reply.parts())).await?;
            Ok(Redirect::to(&next).into_response())
        }
        Some(_) if matches => {
            reply.error(
                "email",
                "This account has been disabled. If you think this is a mistake, contact the PPIE team.",
            );
            Err(reply.again(&state, StatusCode::FORBIDDEN).await)
        }
        _ => {
            // Already counted, before the check.
            reply.error("email", WRONG_DETAILS);
            Err(reply.again(&state, StatusCode::UNAUTHORIZED).await)
        }
    }
}

/// `POST /sign-out`: the session is deleted on the server, and the browser is told to drop
/// what it cached of the signed-in pages (`Clear-Site-Data`, ASVS 14.3.1).
pub async fn sign_out(session: Session) -> Answer {
    if let Err(error) = session.flush().await {
        tracing::error!(%error, "could not end a session");
    }
    let mut response = done(SIGN_IN, "signed-out");
    response.headers_mut().insert(
        HeaderName::from_static("clear-site-data"),
        HeaderValue::from_static("\"cache\""),
    );
    Ok(response)
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct NewAccountForm {
    #[garde(custom(public_name))]
    display_name: String,
    #[garde(skip)]
    new_password: String,
    #[garde(skip)]
    confirm_password: String,
}

pub async fn accept_invite(
    State(state): State<AppState>,
    Path(token): Path<String>,
    session: Session,
    request: Request,
) -> Answer {
    let page = format!("/invite/{token}");
    let Posted {
        form, mut reply, ..
    } = read::<NewAccountForm>(request, "invite", page).await;
    let name = form.display_name.trim().to_owned();
    check_new_password(
        &mut reply,
        &form.new_password,
        &form.confirm_password,
        &[&name],
    );
    // A link that does not work costs no password hash (the two hashing slots are shared
    // with signing in, so junk tokens must not fill them).
    if !matches!(
        links::inspect(&state.db, &token).await.map_err(internal)?,
        LinkState::Invite { .. }
    ) {
        return Err(gone(&state, reply).await);
    }
    let reply = reply.mistakes(&state).await?;
    let hash = match passwords::hash_password(form.new_password).await {
        Ok(hash) => hash,
        Err(error) => return Err(internal(error)),
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
        Ok(Some(id)) => {
            match start_session(&state, &session, id, &user_agent(reply.parts())).await {
                Ok(()) => Ok(done("/account", "account-created")),
                Err(response) => Err(response),
            }
        }
        // Used, expired or unknown: the page explains which.
        Ok(None) => Err(gone(&state, reply).await),
        Err(error) => Err(internal(error)),
    }
}

/// The link's page again, which says why the link no longer works (410).
async fn gone(state: &AppState, mut reply: Reply) -> Response {
    reply.feedback = Default::default();
    reply.again(state, StatusCode::GONE).await
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct NewPasswordForm {
    #[garde(skip)]
    new_password: String,
    #[garde(skip)]
    confirm_password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Answer {
    let page = format!("/reset/{token}");
    let Posted {
        form, mut reply, ..
    } = read::<NewPasswordForm>(request, "reset", page).await;
    check_new_password(&mut reply, &form.new_password, &form.confirm_password, &[]);
    if !matches!(
        links::inspect(&state.db, &token).await.map_err(internal)?,
        LinkState::Reset { .. }
    ) {
        return Err(gone(&state, reply).await);
    }
    let reply = reply.mistakes(&state).await?;
    let hash = match passwords::hash_password(form.new_password).await {
        Ok(hash) => hash,
        Err(error) => return Err(internal(error)),
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
        Ok(true) => Ok(done(SIGN_IN, "password-reset")),
        Ok(false) => Err(gone(&state, reply).await),
        Err(error) => Err(internal(error)),
    }
}

#[cfg(test)]
mod tests {
    use crate::forms::rules::looks_like_email;

    #[test]
    fn email_addresses_need_a_local_part_and_a_dotted_domain() {
        assert!(looks_like_email("sam@example.org"));
        assert!(!looks_like_email("sam@example"));
        assert!(!looks_like_email("@example.org"));
        assert!(!looks_like_email("sam smith@example.org"));
    }
}
