//! `/admin/users` and `/admin/audit`: invitations, roles, disabling accounts, reset links,
//! and the audit log as CSV.

use axum::{
    extract::{Path, Query, Request, State},
    http::StatusCode,
    response::{IntoResponse, Redirect},
};
use serde::Deserialize;

use crate::{
    accounts::{
        permissions::invitable_roles,
        routes::SignedIn,
        ssr::{audit::Change, emails, links, users},
        AuditFilter, Role, Viewer,
    },
    forms::{
        rules::email_address,
        ssr::{attachment, internal, read, Answer, Button, Posted, Refusal, Reply, Written},
    },
    state::AppState,
};

const PAGE: &str = "/admin/users";

/// A form that makes a link, sent again (a double click, a retry): the first made the
/// link and emailed it, and only its hash is kept, so it cannot be shown again; the page
/// says so instead ([`Written::to`] of the first).
fn repeated(written: &Written) -> axum::response::Response {
    Redirect::to(written.to.as_deref().unwrap_or(PAGE)).into_response()
}

/// The page again (200), showing a new one-time link to pass on.
async fn show_link(state: &AppState, mut reply: Reply, what: String, path: String) -> Answer {
    reply.start_afresh();
    let link = format!("{}{path}", state.site.public_url);
    reply.feedback.outcome = Some(format!("{what} {link}"));
    reply.feedback.link = Some(link);
    Ok(reply.again(state, StatusCode::OK).await)
}

fn may_invite(viewer: &Viewer, role: Role) -> bool {
    invitable_roles(viewer.role).contains(&role)
}

fn invitation(id: i64, before: String, after: String) -> Change {
    Change {
        action: "invitation.created",
        record_kind: "invitation",
        record_id: id.to_string(),
        before,
        after,
    }
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct InviteForm {
    #[garde(custom(email_address))]
    email: String,
    #[garde(skip)]
    role: String,
}

pub async fn invite(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted {
        form, mut reply, ..
    } = read::<InviteForm>(request, "invite", PAGE).await;
    let email = users::normalise_email(&form.email);
    reply.keep_value("email", email.clone());
    let role = Role::parse(&form.role);
    match role {
        None => reply.error("role", "Choose the role the person will have"),
        Some(role) if !may_invite(&viewer, role) => reply.error(
            "role",
            format!("You cannot invite someone as {}", role.label()),
        ),
        Some(_) => {}
    }
    let reply = reply.mistakes(&state).await?;
    let role = role.unwrap_or(Role::CriticalFriend);
    let created = reply
        .run(&state, viewer.actor(), async |tx| {
            if users::email_exists(tx, &email).await? {
                return Err(Refusal::conflict(
                    "email",
                    "There is already an account with this email address",
                ));
            }
            let (id, token) = links::create_invite(tx, &email, role, Some(viewer.id)).await?;
            let letter = emails::invitation(&state.site, role, &token);
            crate::mail::send_to(tx, &letter, &email, None, None).await?;
            let after = format!(
                "invitation as {}, valid {} days",
                role.as_str(),
                links::INVITE_DAYS
            );
            let mut written = Written::private(invitation(id, String::new(), after));
            // Where a repeat of this form goes (the first shows its link instead).
            written.to = Some(format!("{PAGE}?done=invite-already-sent#invites-heading"));
            Ok((written, token))
        })
        .await;
    match created {
        // The same form sent again (a double click, a retry): the first made the
        // invitation and emailed it; its link cannot be shown again (only its hash is kept).
        Ok((_, written, _)) if written.repeated => Ok(repeated(&written)),
        Ok((reply, _, token)) => {
            let what = format!(
                "Invitation created for {email}. We are emailing it to them; you can also send them this link. It works once, for {} days:",
                links::INVITE_DAYS
            );
            show_link(&state, reply, what, format!("/invite/{token}")).await
        }
        Err(response) => Err(response),
    }
}

pub async fn resend_invite(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted { reply, .. } = read::<Button>(request, "invites", PAGE).await;
    let resent = reply
        .run(&state, viewer.actor(), async |tx| {
            let Some((email, role)) = links::invite_details(tx, id).await? else {
                return Err(Refusal::invalid(
                    "invites",
                    "That invitation no longer exists",
                ));
            };
            if !may_invite(&viewer, role) {
                return Err(Refusal::invalid(
                    "invites",
                    "You cannot invite someone into that role",
                ));
            }
            let (new_id, token) = links::create_invite(tx, &email, role, Some(viewer.id)).await?;
            let letter = emails::invitation(&state.site, role, &token);
            crate::mail::send_to(tx, &letter, &email, None, None).await?;
            let mut entry = invitation(
                new_id,
                format!("invitation {id}"),
                format!("new link for the same person, role {}", role.as_str()),
            );
            entry.action = "invitation.resent";
            let mut written = Written::private(entry);
            written.to = Some(format!("{PAGE}?done=invite-already-sent#invites-heading"));
            Ok((written, (email, token)))
        })
        .await;
    match resent {
        Ok((_, written, _)) if written.repeated => Ok(repeated(&written)),
        Ok((mut reply, _, (email, token))) => {
            // The new link shows where invitations are made.
            reply.feedback.form = "invite".to_owned();
            let what = format!("A new invitation link for {email}; the old one no longer works:");
            show_link(&state, reply, what, format!("/invite/{token}")).await
        }
        Err(response) => Err(response),
    }
}

pub async fn revoke_invite(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted { reply, .. } = read::<Button>(request, "invites", PAGE).await;
    reply
        .write(&state, viewer.actor(), "invite-revoked", async |tx| {
            let refused = Refusal::invalid("invites", "That invitation cannot be cancelled");
            let Some((_, role)) = links::invite_details(tx, id).await? else {
                return Err(refused);
            };
            if !may_invite(&viewer, role) {
                return Err(refused);
            }
            sqlx::query(
                "UPDATE account_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            )
            .bind(crate::dates::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let mut entry = invitation(id, "pending".to_owned(), "cancelled".to_owned());
            entry.action = "invitation.revoked";
            Ok(Written::private(entry))
        })
        .await
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

/// An admin's change to account `id`, named by its audit `action` and `notice`: `apply`
/// runs once every rule holds, inside the transaction, and says what the account was and
/// became, for the audit entry. `removes_admin` says whether it takes an administrator away.
async fn change_account(
    (state, viewer, reply): (&AppState, Viewer, Reply),
    id: i64,
    (action, notice): (&'static str, &'static str),
    removes_admin: impl Fn(&users::AccountRecord) -> bool,
    apply: impl AsyncFnOnce(
        &mut sqlx::AnyConnection,
        &users::AccountRecord,
    ) -> Result<(String, String), sqlx::Error>,
) -> Answer {
    let field = format!("account-{id}");
    reply
        .write(state, viewer.actor(), notice, async |tx| {
            let Some(target) = users::account(tx, id).await? else {
                return Err(Refusal::invalid(field, "There is no such account"));
            };
            if let Some(reason) =
                account_change_refused(tx, &viewer, &target, removes_admin(&target)).await?
            {
                return Err(Refusal::invalid(field, reason));
            }
            let (before, after) = apply(tx, &target).await?;
            Ok(Written::private(Change {
                action,
                record_kind: "account",
                record_id: id.to_string(),
                before,
                after,
            }))
        })
        .await
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct RoleForm {
    #[garde(skip)]
    role: String,
}

pub async fn change_role(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted {
        form, mut reply, ..
    } = read::<RoleForm>(request, "accounts", PAGE).await;
    let Some(role) = Role::parse(&form.role) else {
        reply.error(&format!("account-{id}"), "Choose a role");
        return Err(reply.again(&state, StatusCode::UNPROCESSABLE_ENTITY).await);
    };
    let demotes = |target: &users::AccountRecord| role != Role::Admin && target.role == Role::Admin;
    change_account(
        (&state, viewer, reply),
        id,
        ("account.role-changed", "role-changed"),
        demotes,
        async |tx, target| {
            users::set_role(tx, target.id, role).await?;
            let before = format!("role {}", target.role.as_str());
            Ok((before, format!("role {}", role.as_str())))
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct DisableForm {
    /// `yes` once the admin has confirmed.
    #[garde(skip)]
    confirmed: String,
}

/// Disabling ends the account's sessions at once.
pub async fn disable(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted { form, reply, .. } = read::<DisableForm>(request, "accounts", PAGE).await;
    if form.confirmed != "yes" {
        let name: Option<String> =
            sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1 AND state = 'active'")
                .bind(id)
                .fetch_optional(state.db.pool())
                .await
                .map_err(internal)?;
        if let Some(name) = name {
            let confirm = crate::forms::Confirmation {
                heading: format!("Disable {name}'s account?"),
                consequences: vec![
                    "They are signed out everywhere at once, and cannot sign in until an administrator enables the account again.".to_owned(),
                    "Their comments stay as they are.".to_owned(),
                ],
                action: format!("/admin/users/{id}/disable"),
                button: "Yes, disable the account".to_owned(),
                back: PAGE.to_owned(),
                warning: true,
            };
            return Err(reply.confirm(&state, confirm).await);
        }
    }
    let notice = ("account.disabled", "account-disabled");
    change_account(
        (&state, viewer, reply),
        id,
        notice,
        |_| true,
        async |tx, target| {
            users::set_state(tx, target.id, "disabled").await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(target.id)
                .execute(&mut *tx)
                .await?;
            Ok((target.state.clone(), "disabled; sessions ended".to_owned()))
        },
    )
    .await
}

pub async fn enable(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted { reply, .. } = read::<Button>(request, "accounts", PAGE).await;
    let notice = ("account.enabled", "account-enabled");
    change_account(
        (&state, viewer, reply),
        id,
        notice,
        |_| false,
        async |tx, target| {
            users::set_state(tx, target.id, "active").await?;
            Ok((target.state.clone(), "active".to_owned()))
        },
    )
    .await
}

pub async fn reset_link(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted { reply, .. } = read::<Button>(request, "accounts", PAGE).await;
    let created = reply
        .run(&state, viewer.actor(), async |tx| {
            let target = users::account(tx, id).await?;
            let Some(target) = target.filter(|t| t.state == "active") else {
                return Err(Refusal::invalid(
                    format!("account-{id}"),
                    "Only an active account can be given a reset link",
                ));
            };
            let (link_id, token) = links::create_reset(tx, id, Some(viewer.id)).await?;
            let email: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            if let Some(email) = email {
                let message = emails::reset(&state.site, &token, false);
                crate::mail::send_to(tx, &message, &email, Some(id), None).await?;
            }
            let entry = Change {
                action: "account.reset-link-issued",
                record_kind: "account",
                record_id: id.to_string(),
                before: String::new(),
                after: format!("reset link {link_id}, valid {} hours", links::RESET_HOURS),
            };
            let mut written = Written::private(entry);
            written.to = Some(format!("{PAGE}?done=reset-already-sent#accounts-heading"));
            Ok((written, (target.display_name, token)))
        })
        .await;
    match created {
        Ok((_, written, _)) if written.repeated => Ok(repeated(&written)),
        Ok((reply, _, (name, token))) => {
            let what = format!(
                "A password reset link for {name}. We are emailing it to them; you can also send it. It works once, for {} hours:",
                links::RESET_HOURS
            );
            show_link(&state, reply, what, format!("/reset/{token}")).await
        }
        Err(response) => Err(response),
    }
}

pub async fn audit_csv(State(state): State<AppState>, Query(filter): Query<AuditFilter>) -> Answer {
    let body = crate::accounts::ssr::audit::csv(&state.db, &filter)
        .await
        .map_err(internal)?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        "candour-audit-log.csv",
        body,
    ))
}
