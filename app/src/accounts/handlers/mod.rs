//! The accounts feature's form routes and private downloads, each with who may use it.

mod account;
mod admin;
mod forgot;
mod sign_in;

use super::{
    routes::{
        Access::{Anyone, Holder},
        FormRoute,
    },
    Permission as P,
};

/// Signing in and out, one-time links, one's own account, and managing accounts.
#[rustfmt::skip]
pub fn form_routes() -> Vec<FormRoute> {
    vec![
        FormRoute::post("/sign-in", Anyone, "/sign-in", sign_in::sign_in),
        FormRoute::post("/sign-out", Anyone, "/sign-in", sign_in::sign_out),
        FormRoute::post("/invite/{token}", Anyone, "/invite/{token}", sign_in::accept_invite),
        FormRoute::post("/reset/{token}", Anyone, "/reset/{token}", sign_in::reset_password),
        FormRoute::post("/forgot-password", Anyone, "/forgot-password", forgot::forgot_password),
        FormRoute::post("/account/name", Holder(P::ManageOwnAccount), "/account", account::change_name),
        FormRoute::post("/account/password", Holder(P::ManageOwnAccount), "/account", account::change_password),
        FormRoute::post("/account/sessions/end", Holder(P::ManageOwnAccount), "/account", account::end_session),
        FormRoute::post("/account/sessions/end-others", Holder(P::ManageOwnAccount), "/account", account::end_other_sessions),
        FormRoute::post("/account/delete", Holder(P::ManageOwnAccount), "/account", account::delete_account),
        FormRoute::get("/account/export.json", Holder(P::ManageOwnAccount), "/account", account::export),
        FormRoute::post("/admin/users/invite", Holder(P::InviteCriticalFriends), "/admin/users", admin::invite),
        FormRoute::post("/admin/invites/{id}/resend", Holder(P::InviteCriticalFriends), "/admin/users", admin::resend_invite),
        FormRoute::post("/admin/invites/{id}/revoke", Holder(P::InviteCriticalFriends), "/admin/users", admin::revoke_invite),
        FormRoute::post("/admin/users/{id}/role", Holder(P::ManageAccounts), "/admin/users", admin::change_role),
        FormRoute::post("/admin/users/{id}/disable", Holder(P::ManageAccounts), "/admin/users", admin::disable),
        FormRoute::post("/admin/users/{id}/enable", Holder(P::ManageAccounts), "/admin/users", admin::enable),
        FormRoute::post("/admin/users/{id}/reset-link", Holder(P::ManageAccounts), "/admin/users", admin::reset_link),
        FormRoute::get("/admin/audit.csv", Holder(P::ViewAuditLog), "/admin/audit", admin::audit_csv),
    ]
}
