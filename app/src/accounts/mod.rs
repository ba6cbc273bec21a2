//! Accounts: who may do what (the permission table), signing in and out, invitations,
//! password resets, people's own account page, and the audit log.
//!
//! Forms on these pages post to plain routes (see `handlers`), so they work without
//! JavaScript; a form with mistakes is rendered again at the same address with each
//! error beside its field. Every feature declares its form routes with an [`Access`]
//! from here (`routes`), and the one guard in front of them is here too.
//!
//! This feature uses no other feature: pages that show parts of several (the account
//! page) are put together in the route table (`lib.rs`).

#[cfg(feature = "ssr")]
pub mod handlers;
pub mod pages;
pub mod permissions;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod ssr;

#[cfg(feature = "ssr")]
pub use handlers::form_routes;
#[cfg(feature = "ssr")]
pub use routes::{Access, FormRoute, SignedIn};

/// How long an invitation link works, in days (stated on the pages and in the emails).
pub const INVITE_DAYS: i64 = 7;
/// How long a password reset link works, in hours (OWASP Forgot Password Cheat Sheet: a
/// short-lived, single-use token).
pub const RESET_HOURS: i64 = 24;

/// What the accounts pages say after their forms worked (`?done=`).
pub const NOTICES: crate::forms::Notices = &[
    ("signed-out", "You have signed out."),
    ("name-changed", "Your display name has been changed."),
    (
        "password-changed",
        "Your password has been changed. Your other sessions have ended.",
    ),
    ("session-ended", "That session has ended."),
    ("sessions-ended", "All your other sessions have ended."),
    (
        "account-deleted",
        "Your account has been deleted. Thank you for your part in this work.",
    ),
    ("role-changed", "The role has been changed."),
    (
        "account-disabled",
        "The account has been disabled and its sessions have ended.",
    ),
    ("account-enabled", "The account has been enabled."),
    ("invite-revoked", "The invitation has been cancelled."),
    (
        "invite-already-sent",
        "That invitation was already made, and we emailed it. For another link, choose New link below.",
    ),
    (
        "reset-already-sent",
        "That reset link was already made, and we emailed it. For another, choose Reset link again.",
    ),
    (
        "account-created",
        "Your account is ready. Welcome.",
    ),
    (
        "password-reset",
        "Your new password is set. Sign in with it.",
    ),
];

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use permissions::{Permission, Role};

use crate::error::AppError;

/// The signed-in person making a request, as pages see them. Carries no secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub id: i64,
    pub display_name: String,
    pub role: Role,
}

impl Viewer {
    pub fn may(&self, permission: Permission) -> bool {
        permissions::allows(Some(self.role), permission)
    }

    /// This person as the audit log names them.
    #[cfg(feature = "ssr")]
    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor {
            id: self.id,
            role: self.role.as_str(),
        }
    }
}

/// Shortest and longest passwords accepted, in characters.
pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const DISPLAY_NAME_MAX_CHARS: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub id: i64,
    pub email: Option<String>,
    pub display_name: String,
    pub role: Role,
    pub state: String,
    pub created_at: String,
    pub last_active_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvite {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub created_at: String,
    pub expires_at: String,
    pub expired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountsOverview {
    pub viewer: Viewer,
    pub accounts: Vec<AccountSummary>,
    pub invites: Vec<PendingInvite>,
    /// Roles this viewer may invite people into.
    pub invitable_roles: Vec<Role>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// An opaque handle (never the session's id, which is the cookie's secret).
    pub handle: String,
    pub device: String,
    pub signed_in_at: String,
    pub last_active_at: String,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPageData {
    pub viewer: Viewer,
    pub email: String,
    pub sessions: Vec<SessionSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    /// The role they acted in, as people say it ("Editor (PPIE team)").
    pub actor_role: String,
    /// The dotted action name, as stored and filtered on (`policy.comment-answered`).
    pub action: String,
    /// The entry as a sentence after the person's name: `did` then `record`, linked to
    /// `href` where the record has a page ("answered a comment on" + "the Data access
    /// policy, version 3").
    pub did: String,
    pub record: String,
    pub href: Option<String>,
    pub record_kind: String,
    pub record_id: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    pub actor: Option<i64>,
    pub action: Option<String>,
    pub record_kind: Option<String>,
    /// Inclusive dates, `YYYY-MM-DD`.
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub actors: Vec<(i64, String)>,
    /// `(stored name, name in words)` of every action and kind of record in the log.
    pub actions: Vec<(String, String)>,
    pub record_kinds: Vec<(String, String)>,
}

/// What a one-time link (invitation or password reset) is for, and whether it still works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    Invite { email: String, role: Role },
    Reset { display_name: String },
    Expired,
    Used,
    Unknown,
}

/// Who is signed in, if anyone. Never fails: a broken session reads as signed out.
#[server(prefix = "/_fn", endpoint = "viewer")]
pub async fn get_viewer() -> Result<Option<Viewer>, AppError> {
    Ok(ssr::current_viewer())
}

/// The signed-in member of staff (editor or admin), for the staff home.
#[server(prefix = "/_fn", endpoint = "staff")]
pub async fn get_staff_viewer() -> Result<Viewer, AppError> {
    ssr::require(Permission::RecordStatusChanges)
}

#[server(prefix = "/_fn", endpoint = "accounts")]
pub async fn get_accounts() -> Result<AccountsOverview, AppError> {
    let viewer = ssr::require(Permission::InviteCriticalFriends)?;
    let state = crate::state::app_state()?;
    let accounts = if viewer.may(Permission::ManageAccounts) {
        ssr::users::list(&state.db).await?
    } else {
        Vec::new()
    };
    let invites = ssr::links::pending_invites(&state.db).await?;
    Ok(AccountsOverview {
        invitable_roles: permissions::invitable_roles(viewer.role),
        viewer,
        accounts,
        invites,
    })
}

#[server(prefix = "/_fn", endpoint = "account")]
pub async fn get_account() -> Result<AccountPageData, AppError> {
    let viewer = ssr::require(Permission::ManageOwnAccount)?;
    let state = crate::state::app_state()?;
    let email = ssr::users::email_of(&state.db, viewer.id).await?;
    let sessions =
        ssr::session_store::sessions_of(&state.db, viewer.id, ssr::current_session_id().as_deref())
            .await?;
    Ok(AccountPageData {
        viewer,
        email,
        sessions,
    })
}

#[server(prefix = "/_fn", endpoint = "audit")]
pub async fn get_audit(filter: AuditFilter) -> Result<AuditPage, AppError> {
    ssr::require(Permission::ViewAuditLog)?;
    let state = crate::state::app_state()?;
    Ok(ssr::audit::page(&state.db, &filter).await?)
}

#[server(prefix = "/_fn", endpoint = "account-link")]
pub async fn get_link_state(token: String) -> Result<LinkState, AppError> {
    let state = crate::state::app_state()?;
    Ok(ssr::links::inspect(&state.db, &token).await?)
}

/// Who is signed in, for the page being rendered on the server (always `None` in the
/// browser, where pages are not re-rendered).
pub fn viewer_now() -> Option<Viewer> {
    #[cfg(feature = "ssr")]
    {
        ssr::current_viewer()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}
