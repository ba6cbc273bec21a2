//! `/admin/users` and `/admin/audit`: invitations, roles, disabling accounts, reset links,
//! and the audit log as CSV.

use axum::{
    extract::{Path, Query, Request, State},
    http::{request::Parts, StatusCode},
    response::Response,
};

use super::{again, attachment, done, internal, SignedIn};
use crate::{
    accounts::{
        permissions::invitable_roles,
        ssr::{
            audit::{self, Change},
            links, users,
        },
        AuditFilter, Role, Viewer,
    },
    forms::{ssr::read_fields, FormFeedback},
    state::AppState,
};

const PAGE: &str = "/admin/users";

/// The page again, showing a new one-time link to pass on.
async fn show_link(
    state: &AppState,
    parts: Parts,
    form: &str,
    what: String,
    path: String,
) -> Response {
    let mut feedback = FormFeedback::for_form(form);
    feedback.outcome = Some(format!("{what} {}{path}", state.site.public_url));
    again(state, parts, PAGE, feedback, StatusCode::OK).await
}

async fn refuse(
    state: &AppState,
    parts: Parts,
    form: &str,
    field: &str,
    message: &str,
) -> Response {
    let mut feedback = FormFeedback::for_form(form);
    feedback.error(field, message);
    again(
        state,
        parts,
        PAGE,
        feedback,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

fn may_invite(viewer: &Viewer, role: Role) -> bool {
    invitable_roles(viewer.role).contains(&role)
}

pub async fn invite(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (parts, fields) = read_fields(request).await;
    let email = users::normalise_email(fields.get("email").map(String::as_str).unwrap_or_default());
    let role = fields.get("role").and_then(|r| Role::parse(r));
    let mut feedback = FormFeedback::for_form("invite");
    feedback.values.insert("email".into(), email.clone());
    super::sign_in::check_email(&mut feedback, "email", &email);
    match role {
        None => feedback.error("role", "Choose the role the person will have"),
        Some(role) if !may_invite(&viewer, role) => feedback.error(
            "role",
            format!("You cannot invite someone as {}", role.label()),
        ),
        Some(_) => {}
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
    let role = role.unwrap_or(Role::CriticalFriend);
    let created = async {
        let mut tx = state.db.begin_write().await?;
        if users::email_exists(&mut tx, &email).await? {
            return Ok(None);
        }
        let (id, token) = links::create_invite(&mut tx, &email, role, Some(viewer.id)).await?;
        audit::record(
            &mut tx,
            &viewer,
            Change {
                action: "invitation.created",
                record_kind: "invitation",
                record_id: id.to_string(),
                before: String::new(),
                after: format!(
                    "invitation as {}, valid {} days",
                    role.as_str(),
                    links::INVITE_DAYS
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(Some(token))
    }
    .await;
    match created {
        Ok(Some(token)) => {
            let what = format!(
                "Invitation created for {email}. Send them this link; it works once, for {} days:",
                links::INVITE_DAYS
            );
            show_link(&state, parts, "invite", what, format!("/invite/{token}")).await
        }
        Ok(None) => {
            feedback.error(
                "email",
                "There is already an account with this email address",
            );
            again(&state, parts, PAGE, feedback, StatusCode::CONFLICT).await
        }
        Err(error) => internal(error),
    }
}

pub async fn resend_invite(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (parts, _) = read_fields(request).await;
    let resent = async {
        let mut tx = state.db.begin_write().await?;
        let Some((email, role)) = links::invite_details(&mut tx, id).await? else {
            return Ok(Err("That invitation no longer exists"));
        };
        if !may_invite(&viewer, role) {
            return Ok(Err("You cannot invite someone into that role"));
        }
        let (new_id, token) = links::create_invite(&mut tx, &email, role, Some(viewer.id)).await?;
        audit::record(
            &mut tx,
            &viewer,
            Change {
                action: "invitation.resent",
                record_kind: "invitation",
                record_id: new_id.to_string(),
                before: format!("invitation {id}"),
                after: format!("new link for the same person, role {}", role.as_str()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(Ok((email, token)))
    }
    .await;
    match resent {
        Ok(Ok((email, token))) => {
            let what = format!("A new invitation link for {email}; the old one no longer works:");
            show_link(&state, parts, "invite", what, format!("/invite/{token}")).await
        }
        Ok(Err(message)) => refuse(&state, parts, "invites", "invites", message).await,
        Err(error) => internal(error),
    }
}

pub async fn revoke_invite(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (parts, _) = read_fields(request).await;
    let revoked = async {
        let mut tx = state.db.begin_write().await?;
        let Some((_, role)) = links::invite_details(&mut tx, id).await? else {
            return Ok(false);
        };
        if !may_invite(&viewer, role) {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE account_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(crate::accounts::ssr::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            &viewer,
            Change {
                action: "invitation.revoked",
                record_kind: "invitation",
                record_id: id.to_string(),
                before: "pending".to_owned(),
                after: "cancelled".to_owned(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(true)
    }
    .await;
    match revoked {
        Ok(true) => done(PAGE, "invite-revoked"),
        Ok(false) => {
            refuse(
                &state,
                parts,
                "invites",
                "invites",
                "That invitation cannot be cancelled",
            )
            .await
        }
        Err(error) => internal(error),
    }
}

/// Why an admin may not make a change to an account, if they may not.
async fn account_change_refused(
    tx: &mut sqlx::AnyConnection,
    viewer: &Viewer,
    target: &users::AccountRecord,
    removes_admin: bool,
) -> Result<Option<&'static str>, sqlx::Error> {
    if target.state == "deleted" {
        return Ok(Some("That account has been deleted"));
    }
    if target.id == viewer.id {
        return Ok(Some(
            "You cannot change your own role or disable your own account",
        ));
    }
    if removes_admin && target.role == Role::Admin && users::count_active_admins(tx).await? <= 1 {
        return Ok(Some(
            "There must always be at least one active administrator",
        ));
    }
    Ok(None)
}

/// Applies one admin change to an account, with its audit entry, or says why not.
#[allow(clippy::too_many_arguments)]
async fn change_account(
    state: &AppState,
    viewer: Viewer,
    parts: Parts,
    id: i64,
    action: &'static str,
    removes_admin: impl Fn(&users::AccountRecord) -> bool,
    apply: impl AsyncFnOnce(
        &mut sqlx::AnyConnection,
        &users::AccountRecord,
    ) -> Result<(String, String), sqlx::Error>,
    notice: &str,
) -> Response {
    let outcome = async {
        let mut tx = state.db.begin_write().await?;
        let Some(target) = users::account(&mut tx, id).await? else {
            return Ok(Err("There is no such account"));
        };
        if let Some(reason) =
            account_change_refused(&mut tx, &viewer, &target, removes_admin(&target)).await?
        {
            return Ok(Err(reason));
        }
        let (before, after) = apply(&mut tx, &target).await?;
        audit::record(
            &mut tx,
            &viewer,
            Change {
                action,
                record_kind: "account",
                record_id: id.to_string(),
                before,
                after,
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(Ok(()))
    }
    .await;
    match outcome {
        Ok(Ok(())) => done(PAGE, notice),
        Ok(Err(message)) => {
            refuse(state, parts, "accounts", &format!("account-{id}"), message).await
        }
        Err(error) => internal(error),
    }
}

pub async fn change_role(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (parts, fields) = read_fields(request).await;
    let Some(role) = fields.get("role").and_then(|r| Role::parse(r)) else {
        return refuse(
            &state,
            parts,
            "accounts",
            &format!("account-{id}"),
            "Choose a role",
        )
        .await;
    };
    change_account(
        &state,
        viewer,
        parts,
        id,
        "account.role-changed",
        |target| role != Role::Admin && target.role == Role::Admin,
        async |tx, target| {
            users::set_role(tx, target.id, role).await?;
            Ok((
                format!("role {}", target.role.as_str()),
                format!("role {}", role.as_str()),
            ))
        },
        "role-changed",
    )
    .await
}

pub async fn disable(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (parts, _) = read_fields(request).await;
    change_account(
        &state,
        viewer,
        parts,
        id,
        "account.disabled",
        |_| true,
        async |tx, target| {
            users::set_state(tx, target.id, "disabled").await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(target.id)
                .execute(&mut *tx)
                .await?;
            Ok((target.state.clone(), "disabled; sessions ended".to_owned()))
        },
        "account-disabled",
    )
    .await
}

pub async fn enable(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (parts, _) = read_fields(request).await;
    change_account(
        &state,
        viewer,
        parts,
        id,
        "account.enabled",
        |_| false,
        async |tx, target| {
            users::set_state(tx, target.id, "active").await?;
            Ok((target.state.clone(), "active".to_owned()))
        },
        "account-enabled",
    )
    .await
}

pub async fn reset_link(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (parts, _) = read_fields(request).await;
    let created = async {
        let mut tx = state.db.begin_write().await?;
        let Some(target) = users::account(&mut tx, id).await? else {
            return Ok(None);
        };
        if target.state != "active" {
            return Ok(None);
        }
        let (link_id, token) = links::create_reset(&mut tx, id, Some(viewer.id)).await?;
        audit::record(
            &mut tx,
            &viewer,
            Change {
                action: "account.reset-link-issued",
                record_kind: "account",
                record_id: id.to_string(),
                before: String::new(),
                after: format!("reset link {link_id}, valid {} hours", links::RESET_HOURS),
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(Some((target.display_name, token)))
    }
    .await;
    match created {
        Ok(Some((name, token))) => {
            let what = format!(
                "A password reset link for {name}. Send it to them; it works once, for {} hours:",
                links::RESET_HOURS
            );
            show_link(&state, parts, "accounts", what, format!("/reset/{token}")).await
        }
        Ok(None) => {
            refuse(
                &state,
                parts,
                "accounts",
                &format!("account-{id}"),
                "Only an active account can be given a reset link",
            )
            .await
        }
        Err(error) => internal(error),
    }
}

pub async fn audit_csv(
    State(state): State<AppState>,
    Query(filter): Query<AuditFilter>,
) -> Response {
    match audit::csv(&state.db, &filter).await {
        Ok(body) => attachment("text/csv; charset=utf-8", "candour-audit-log.csv", body),
        Err(error) => internal(error),
    }
}
