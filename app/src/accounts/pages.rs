//! Pages for signing in, following one-time links, one's own account, and administering
//! accounts and the audit log.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    get_account, get_accounts, get_audit, get_link_state, permissions::Role, viewer_now,
    AuditFilter, LinkState, Permission,
};
use crate::{
    components::{loaded, page_title, Pagination},
    dates::display_time,
    forms::{feedback, DoneNotice, ErrorSummary, TextField},
    layout::StaffNav,
};

fn new_password_hint() -> &'static str {
    "12 characters or more. A few unrelated words together make a strong password that is easy to remember."
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let next = feedback("sign-in")
        .and_then(|f| f.value("next"))
        .or_else(|| query.get("next"))
        .unwrap_or_default();
    let signed_in = viewer_now();
    view! {
        <Title text=page_title("Sign in") />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <DoneNotice notices=super::NOTICES />
                <ErrorSummary form="sign-in" />
                <h1>"Sign in"</h1>
                {match signed_in {
                    Some(viewer) => view! {
                        <p data-test="signed-in-as">"You are signed in as "<strong>{viewer.display_name}</strong>"."</p>
                        <p><a href="/account">"Go to your account"</a></p>
                        <SignOutButton />
                    }.into_any(),
                    None => view! {
                        {match query.get("reason").as_deref() {
                            Some("kept") => Some(view! {
                                <div class="nhsuk-inset-text" data-test="sign-in-reason">
                                    <span class="nhsuk-u-visually-hidden">"Information: "</span>
                                    <p>"You were signed out, so what you sent has not been saved yet. It is kept for you: sign in again and it will be waiting on the same page."</p>
                                </div>
                            }.into_any()),
                            Some("signed-out") => Some(view! {
                                <div class="nhsuk-inset-text" data-test="sign-in-reason">
                                    <span class="nhsuk-u-visually-hidden">"Information: "</span>
                                    <p>"You need to be signed in to do that. If you were signed in, you were signed out after 30 minutes without using the site (or 12 hours after signing in). Sign in again to carry on."</p>
                                </div>
                            }.into_any()),
                            _ => None,
                        }}
                        <p>"Sign in if you are a Digital Critical Friend or a member of the PPIE team. Everything else on this site is open to everyone without signing in."</p>
                        <form method="post" action="/sign-in" novalidate data-test="sign-in-form">
                            <input type="hidden" name="next" value=next />
                            <TextField form="sign-in" name="email" label="Email address" kind="email" autocomplete="username" />
                            <TextField form="sign-in" name="password" label="Password" kind="password" autocomplete="current-password" />
                            <button class="nhsuk-button" type="submit" data-test="sign-in-submit">"Sign in"</button>
                        </form>
                        <h2 class="nhsuk-heading-s">"Forgotten your password?"</h2>
                        <p><a href="/forgot-password" data-test="forgot-password">"Get a link to set a new one"</a>". Accounts are by invitation: if you would like to become a Digital Critical Friend, "<a href="/contact">"contact us"</a>"."</p>
                    }.into_any(),
                }}
            </div>
        </div>
    }
}

/// `/forgot-password`: ask for a link to set a new password.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let outcome = feedback("forgot").and_then(|f| f.outcome);
    view! {
        <Title text=page_title("Forgotten your password") />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary form="forgot" />
                <h1>"Forgotten your password"</h1>
                {match outcome {
                    Some(outcome) => view! {
                        <div class="nhsuk-inset-text candour-notice candour-notice--done" role="status" data-test="forgot-outcome"><p>{outcome}</p></div>
                        <p><a href="/sign-in">"Back to sign in"</a></p>
                    }.into_any(),
                    None => view! {
                        <p>"Enter the email address you sign in with. We will send a link to set a new password."</p>
                        <form method="post" action="/forgot-password" novalidate data-test="forgot-form">
                            <TextField form="forgot" name="email" label="Email address" kind="email" autocomplete="username" />
                            <button class="nhsuk-button" type="submit" data-test="forgot-submit">"Send me a link"</button>
                        </form>
                    }.into_any(),
                }}
            </div>
        </div>
    }
}

fn token_param() -> String {
    use_params_map()
        .get_untracked()
        .get("token")
        .unwrap_or_default()
}

#[component]
fn LinkNoLongerWorks(state: LinkState) -> impl IntoView {
    crate::components::set_status(410);
    let reason = match state {
        LinkState::Used => "This link has already been used. Each link works once.",
        LinkState::Expired => "This link has expired or has been replaced by a newer one.",
        _ => "This link is not right. Check you copied all of it.",
    };
    view! {
        <Title text=page_title("This link no longer works") />
        <h1>"This link no longer works"</h1>
        <p data-test="link-refused">{reason}</p>
        <p>"Ask the PPIE team to send you a new one, or "<a href="/sign-in">"sign in"</a>" if you already have an account."</p>
    }
}

#[component]
pub fn InvitePage() -> impl IntoView {
    let token = token_param();
    loaded(
        move || get_link_state(token.clone()),
        move |state| {
            let token = token_param();
            match state {
            LinkState::Invite { email, role } => view! {
                <Title text=page_title("Set up your account") />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <ErrorSummary form="invite" />
                        <h1>"Set up your account"</h1>
                        <p>"You have been invited to join " {crate::layout::site_info().service_name} " as a "<strong>{role.label()}</strong>" with the email address "<strong>{email}</strong>"."</p>
                        <form method="post" action=format!("/invite/{token}") novalidate data-test="invite-form">
                            <TextField form="invite" name="display_name" label="Your name" autocomplete="name" hint="Shown beside your comments. You can use your first name only." />
                            <TextField form="invite" name="new_password" label="Choose a password" kind="password" autocomplete="new-password" hint=new_password_hint() />
                            <TextField form="invite" name="confirm_password" label="Type the password again" kind="password" autocomplete="new-password" />
                            <button class="nhsuk-button" type="submit">"Create account"</button>
                        </form>
                        <p class="nhsuk-body-s">"Read how we use your details in our "<a href="/privacy">"privacy notice"</a>"."</p>
                    </div>
                </div>
            }.into_any(),
            other => view! { <LinkNoLongerWorks state=other /> }.into_any(),
        }
        },
    )
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let token = token_param();
    loaded(
        move || get_link_state(token.clone()),
        move |state| {
            let token = token_param();
            match state {
            LinkState::Reset { display_name } => view! {
                <Title text=page_title("Set a new password") />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <ErrorSummary form="reset" />
                        <h1>"Set a new password"</h1>
                        <p>"For the account of "<strong>{display_name}</strong>". Setting it signs you out everywhere."</p>
                        <form method="post" action=format!("/reset/{token}") novalidate data-test="reset-form">
                            <TextField form="reset" name="new_password" label="New password" kind="password" autocomplete="new-password" hint=new_password_hint() />
                            <TextField form="reset" name="confirm_password" label="Type the password again" kind="password" autocomplete="new-password" />
                            <button class="nhsuk-button" type="submit">"Set password"</button>
                        </form>
                    </div>
                </div>
            }.into_any(),
            other => view! { <LinkNoLongerWorks state=other /> }.into_any(),
        }
        },
    )
}

/// `/account`. Other features' parts of the page (what you follow, your comments) are its
/// children, put together in the route table.
#[component]
pub fn AccountPage(children: ChildrenFn) -> impl IntoView {
    loaded(get_account, move |data| {
        let viewer = data.viewer.clone();
        let staff = viewer.may(Permission::EditReports);
        let admin = viewer.may(Permission::ViewAuditLog);
        let sessions_error = feedback("sessions").and_then(|f| f.error_for("sessions"));
        view! {
            <Title text=page_title("Your account") />
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    <DoneNotice notices=super::NOTICES />
                    <ErrorSummary form="name" />
                    <ErrorSummary form="password" />
                    <ErrorSummary form="delete" />
                    <h1>"Your account"</h1>
                    <dl class="nhsuk-summary-list" data-test="account-summary">
                        <div class="nhsuk-summary-list__row">
                            <dt class="nhsuk-summary-list__key">"Name"</dt>
                            <dd class="nhsuk-summary-list__value" data-test="display-name">{viewer.display_name.clone()}</dd>
                        </div>
                        <div class="nhsuk-summary-list__row">
                            <dt class="nhsuk-summary-list__key">"Email address"</dt>
                            <dd class="nhsuk-summary-list__value">{data.email.clone()}</dd>
                        </div>
                        <div class="nhsuk-summary-list__row">
                            <dt class="nhsuk-summary-list__key">"Role"</dt>
                            <dd class="nhsuk-summary-list__value">{viewer.role.label()}</dd>
                        </div>
                    </dl>
                    {view! {
                        <h2>"Your work"</h2>
                        <ul class="nhsuk-list nhsuk-list--bullet">
                            <li><a href="/review">"Review draft policies"</a></li>
                            {staff.then(|| view! { <li><a href="/admin/reports">"Write and publish reports"</a></li> })}
                            {staff.then(|| view! { <li><a href="/admin/policies">"Draft and publish policies"</a></li> })}
                            {staff.then(|| view! { <li><a href="/admin/users">"Invite people"</a></li> })}
                            {staff.then(|| view! { <li>"Record a status change or response: open a recommendation in "<a href="/actions">"the register"</a>" and choose “Update this recommendation”"</li> })}
                            {admin.then(|| view! { <li><a href="/admin/audit">"Audit log"</a></li> })}
                        </ul>
                    }}

                    {children()}

                    <h2 id="name-heading">"Change your name"</h2>
                    <form method="post" action="/account/name" novalidate aria-labelledby="name-heading">
                        <TextField form="name" name="display_name" label="Name shown beside your comments" autocomplete="name" value=viewer.display_name.clone() />
                        <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Save name"</button>
                    </form>

                    <h2 id="password-heading">"Change your password"</h2>
                    <form method="post" action="/account/password" novalidate aria-labelledby="password-heading">
                        <TextField form="password" name="current_password" label="Current password" kind="password" autocomplete="current-password" />
                        <TextField form="password" name="new_password" label="New password" kind="password" autocomplete="new-password" hint=new_password_hint() />
                        <TextField form="password" name="confirm_password" label="Type the new password again" kind="password" autocomplete="new-password" />
                        <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Change password"</button>
                    </form>

                    <h2>"Where you are signed in"</h2>
                    {sessions_error.map(|message| view! { <p class="nhsuk-error-message" role="alert">{message}</p> })}
                    <table class="nhsuk-table" data-test="sessions">
                        <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">"Your sessions"</caption>
                        <thead class="nhsuk-table__head">
                            <tr>
                                <th scope="col">"Device"</th>
                                <th scope="col">"Signed in"</th>
                                <th scope="col">"Last active"</th>
                                <th scope="col"><span class="nhsuk-u-visually-hidden">"Action"</span></th>
                            </tr>
                        </thead>
                        <tbody class="nhsuk-table__body">
                            {data.sessions.into_iter().map(|s| view! {
                                <tr>
                                    <td>{s.device.clone()}</td>
                                    <td>{display_time(&s.signed_in_at)}</td>
                                    <td>{display_time(&s.last_active_at)}</td>
                                    <td>
                                        {if s.current {
                                            view! { <strong>"This session"</strong> }.into_any()
                                        } else {
                                            view! {
                                                <form method="post" action="/account/sessions/end" class="candour-inline-form">
                                                    <input type="hidden" name="session" value=s.handle.clone() />
                                                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">
                                                        "End"<span class="nhsuk-u-visually-hidden">{format!(" the session on {}", s.device)}</span>
                                                    </button>
                                                </form>
                                            }.into_any()
                                        }}
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <form method="post" action="/account/sessions/end-others">
                        <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Sign out everywhere else"</button>
                    </form>
                    <SignOutButton />

                    <h2>"Your data"</h2>
                    <p>"Download everything this site holds about you, as a JSON file."</p>
                    <p><a href="/account/export.json" download="my-candour-data.json" data-test="export">"Download my data"</a></p>

                    <h2 id="delete-heading">"Delete your account"</h2>
                    <p>"Your name, email address and password are removed, and you are signed out everywhere. Comments you made on published policy reviews stay, so the record of the review is complete, but they are shown as by “a former critical friend”. Comments on reviews that are not yet published are withdrawn and will not be published."</p>
                    <form method="post" action="/account/delete" novalidate aria-labelledby="delete-heading" data-test="delete-form">
                        <DeleteConfirm />
                        <TextField form="delete" name="delete_password" label="Your password" kind="password" autocomplete="current-password" />
                        <button class="nhsuk-button nhsuk-button--warning" type="submit">"Delete my account"</button>
                    </form>
                </div>
            </div>
        }
    })
}

#[component]
fn DeleteConfirm() -> impl IntoView {
    let error = feedback("delete").and_then(|f| f.error_for("confirm_delete"));
    let has_error = error.is_some();
    view! {
        <div class="nhsuk-form-group" class:nhsuk-form-group--error=has_error>
            {error.map(|message| view! {
                <span class="nhsuk-error-message" id="confirm_delete-error">
                    <span class="nhsuk-u-visually-hidden">"Error: "</span>{message}
                </span>
            })}
            <div class="nhsuk-checkboxes">
                <div class="nhsuk-checkboxes__item">
                    <input class="nhsuk-checkboxes__input" id="confirm_delete" name="confirm_delete" type="checkbox" value="yes" />
                    <label class="nhsuk-label nhsuk-checkboxes__label" for="confirm_delete">"I understand my account will be deleted and this cannot be undone"</label>
                </div>
            </div>
        </div>
    }
}

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    loaded(get_accounts, |overview| {
        let made = feedback("invite").or_else(|| feedback("accounts"));
        let outcome = made.as_ref().and_then(|f| f.outcome.clone());
        let link = made.and_then(|f| f.link);
        let service = crate::layout::site_info().service_name;
        let manage = overview.viewer.may(Permission::ManageAccounts);
        let roles = overview.invitable_roles.clone();
        let role_error = feedback("invite").and_then(|f| f.error_for("role"));
        let kept_role = feedback("invite").and_then(|f| f.value("role"));
        view! {
            <Title text=page_title("People and invitations") />
            <StaffNav current="users" />
            <DoneNotice notices=super::NOTICES />
            <ErrorSummary form="invite" />
            <ErrorSummary form="accounts" />
            <ErrorSummary form="invites" />
            <h1>"People and invitations"</h1>
            {outcome.map(|text| view! {
                <div class="nhsuk-inset-text candour-notice candour-notice--done" role="status" data-test="one-time-link">
                    <p class="candour-break-anywhere">{text}</p>
                </div>
            })}
            // A message to send with the link, ready to copy (the button needs JavaScript;
            // without it the text can be selected and copied as usual).
            {link.map(|link| {
                let message = if link.contains("/invite/") {
                    format!("Hello,\n\nI would like to invite you to join {service}, where we show what people asked of us and what we did about it.\n\nTo set up your account, open this link: {link}\n\nThe link works once, for {} days. If it has expired, reply to this message and I will send you a new one.", super::INVITE_DAYS)
                } else {
                    format!("Hello,\n\nHere is a link to set a new password for your {service} account: {link}\n\nIt works once, for {} hours. If you did not expect it, reply to this message.", super::RESET_HOURS)
                };
                view! {
                    <div class="nhsuk-form-group" data-test="link-message">
                        <label class="nhsuk-label" for="link-message">"A message you can send with the link"</label>
                        <textarea class="nhsuk-textarea" id="link-message" rows="8" readonly>{message}</textarea>
                        <button type="button" class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" data-copy-from="link-message" hidden>"Copy message"</button>
                        <p class="nhsuk-body-s" role="status" data-copy-status="link-message"></p>
                    </div>
                }
            })}
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    <h2 id="invite-heading">"Invite someone"</h2>
                    <p>{format!("We email the invitation to them, and show you its link too, in case it does not arrive. The link works once and expires after {} days.", super::INVITE_DAYS)}</p>
                    <form method="post" action="/admin/users/invite" novalidate aria-labelledby="invite-heading" data-test="invite-form">
                        <crate::forms::IdempotencyKey form="invite" />
                        <TextField form="invite" name="email" label="Their email address" kind="email" autocomplete="off" />
                        <div class="nhsuk-form-group" class:nhsuk-form-group--error=role_error.is_some()>
                            <label class="nhsuk-label" for="role">"Role"</label>
                            {role_error.clone().map(|message| view! {
                                <span class="nhsuk-error-message" id="role-error"><span class="nhsuk-u-visually-hidden">"Error: "</span>{message}</span>
                            })}
                            <select class="nhsuk-select" id="role" name="role">
                                {roles.iter().map(|role| view! { <option value=role.as_str() selected=kept_role.as_deref() == Some(role.as_str())>{role.label()}</option> }).collect_view()}
                            </select>
                        </div>
                        <button class="nhsuk-button" type="submit">"Create invitation"</button>
                    </form>
                </div>
            </div>
            <h2 id="invites-heading">"Invitations not yet accepted"</h2>
            {if overview.invites.is_empty() {
                view! { <p>"There are none."</p> }.into_any()
            } else {
                view! {
                    <table class="nhsuk-table-responsive" data-test="invites">
                        <thead class="nhsuk-table__head"><tr>
                            <th scope="col">"Email address"</th><th scope="col">"Role"</th><th scope="col">"Expires"</th><th scope="col">"Actions"</th>
                        </tr></thead>
                        <tbody class="nhsuk-table__body">
                            {overview.invites.into_iter().map(|invite| {
                                let can = roles.contains(&invite.role);
                                view! {
                                    <tr class="nhsuk-table__row">
                                        <td class="nhsuk-table__cell">{invite.email.clone()}</td>
                                        <td class="nhsuk-table__cell">{invite.role.label()}</td>
                                        <td class="nhsuk-table__cell">{if invite.expired { "Expired".to_owned() } else { display_time(&invite.expires_at) }}</td>
                                        <td class="nhsuk-table__cell">
                                            {can.then(|| view! {
                                                <form method="post" action=format!("/admin/invites/{}/resend", invite.id) class="candour-inline-form">
                                                    <crate::forms::IdempotencyKey form="invites" one_of_many=true />
                                                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">"New link"<span class="nhsuk-u-visually-hidden">{format!(" for {}", invite.email)}</span></button>
                                                </form>
                                                <form method="post" action=format!("/admin/invites/{}/revoke", invite.id) class="candour-inline-form">
                                                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">"Cancel"<span class="nhsuk-u-visually-hidden">{format!(" the invitation for {}", invite.email)}</span></button>
                                                </form>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {manage.then(|| view! { <AccountsTable accounts=overview.accounts.clone() viewer_id=overview.viewer.id /> })}
        }
    })
}

#[component]
fn AccountsTable(accounts: Vec<super::AccountSummary>, viewer_id: i64) -> impl IntoView {
    view! {
        <h2 id="accounts-heading">"Accounts"</h2>
        <table class="nhsuk-table-responsive" data-test="accounts">
            <thead class="nhsuk-table__head"><tr>
                <th scope="col">"Name"</th><th scope="col">"Email address"</th><th scope="col">"Role"</th><th scope="col">"State"</th><th scope="col">"Last active"</th><th scope="col">"Actions"</th>
            </tr></thead>
            <tbody class="nhsuk-table__body">
                {accounts.into_iter().map(|account| {
                    let id = account.id;
                    let own = id == viewer_id;
                    let active = account.state == "active";
                    let select_id = format!("account-{id}");
                    view! {
                        <tr class="nhsuk-table__row" data-test="account-row">
                            <td class="nhsuk-table__cell">{account.display_name.clone()}{own.then_some(" (you)")}</td>
                            <td class="nhsuk-table__cell candour-break-anywhere">{account.email.clone().unwrap_or_default()}</td>
                            <td class="nhsuk-table__cell">
                                {if own {
                                    account.role.label().into_any()
                                } else {
                                    view! {
                                        <form method="post" action=format!("/admin/users/{id}/role") class="candour-inline-form">
                                            <label class="nhsuk-label nhsuk-u-visually-hidden" for=select_id.clone()>{format!("Role of {}", account.display_name)}</label>
                                            <select class="nhsuk-select" id=select_id.clone() name="role">
                                                {Role::ALL.into_iter().map(|role| view! { <option value=role.as_str() selected=role == account.role>{role.label()}</option> }).collect_view()}
                                            </select>
                                            <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">"Change role"<span class="nhsuk-u-visually-hidden">{format!(" of {}", account.display_name)}</span></button>
                                        </form>
                                    }.into_any()
                                }}
                            </td>
                            <td class="nhsuk-table__cell">{if active { "Active" } else { "Disabled" }}</td>
                            <td class="nhsuk-table__cell">{account.last_active_at.as_deref().map(display_time).unwrap_or_else(|| "Never".to_owned())}</td>
                            <td class="nhsuk-table__cell">
                                {(!own).then(|| view! {
                                    <form method="post" action=format!("/admin/users/{id}/{}", if active { "disable" } else { "enable" }) class="candour-inline-form">
                                        <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">
                                            {if active { "Disable" } else { "Enable" }}<span class="nhsuk-u-visually-hidden">{format!(" {}", account.display_name)}</span>
                                        </button>
                                    </form>
                                })}
                                {active.then(|| view! {
                                    <form method="post" action=format!("/admin/users/{id}/reset-link") class="candour-inline-form">
                                        <crate::forms::IdempotencyKey form="accounts" one_of_many=true />
                                        <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">"Reset link"<span class="nhsuk-u-visually-hidden">{format!(" for {}", account.display_name)}</span></button>
                                    </form>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

fn audit_filter_from_query() -> AuditFilter {
    let query = use_query_map().get_untracked();
    let text = |key: &str| query.get(key).filter(|v| !v.trim().is_empty());
    AuditFilter {
        actor: text("actor").and_then(|v| v.parse().ok()),
        action: text("action"),
        record_kind: text("record_kind"),
        from: text("from"),
        to: text("to"),
        page: text("page").and_then(|v| v.parse().ok()).unwrap_or(1),
    }
}

fn audit_query_string(filter: &AuditFilter, page: Option<i64>) -> String {
    let mut pairs = Vec::new();
    let enc = crate::paths::encode_component;
    if let Some(actor) = filter.actor {
        pairs.push(format!("actor={actor}"));
    }
    for (key, value) in [
        ("action", &filter.action),
        ("record_kind", &filter.record_kind),
        ("from", &filter.from),
        ("to", &filter.to),
    ] {
        if let Some(value) = value {
            pairs.push(format!("{key}={}", enc(value)));
        }
    }
    if let Some(page) = page.filter(|p| *p > 1) {
        pairs.push(format!("page={page}"));
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let filter = audit_filter_from_query();
    loaded(
        move || get_audit(filter.clone()),
        |page| {
            let filter = audit_filter_from_query();
            let csv_href = format!("/admin/audit.csv{}", audit_query_string(&filter, None));
            let href_filter = filter.clone();
            let selected =
                |current: &Option<String>, value: &str| current.as_deref() == Some(value);
            view! {
                <Title text=page_title("Audit log") />
                <StaffNav current="audit" />
                <h1>"Audit log"</h1>
                <p>"Every change made by someone signed in: when, who, what, and a summary of before and after. Entries are never changed or removed."</p>
                <form method="get" action="/admin/audit" class="candour-filters candour-filters--inline" data-test="audit-filters">
                    <div class="nhsuk-form-group">
                        <label class="nhsuk-label" for="audit-actor">"Who"</label>
                        <select class="nhsuk-select" id="audit-actor" name="actor">
                            <option value="" selected=filter.actor.is_none()>"Anyone"</option>
                            {page.actors.iter().map(|(id, name)| view! { <option value=id.to_string() selected=filter.actor == Some(*id)>{name.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="nhsuk-form-group">
                        <label class="nhsuk-label" for="audit-action">"What happened"</label>
                        <select class="nhsuk-select" id="audit-action" name="action">
                            <option value="" selected=filter.action.is_none()>"Anything"</option>
                            {page.actions.iter().map(|(key, name)| view! { <option value=key.clone() selected=selected(&filter.action, key)>{name.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="nhsuk-form-group">
                        <label class="nhsuk-label" for="audit-kind">"Kind of record"</label>
                        <select class="nhsuk-select" id="audit-kind" name="record_kind">
                            <option value="" selected=filter.record_kind.is_none()>"Any"</option>
                            {page.record_kinds.iter().map(|(key, name)| view! { <option value=key.clone() selected=selected(&filter.record_kind, key)>{name.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="nhsuk-form-group">
                        <label class="nhsuk-label" for="audit-from">"From (YYYY-MM-DD)"</label>
                        <input class="nhsuk-input nhsuk-input--width-10" id="audit-from" name="from" type="date" value=filter.from.clone() />
                    </div>
                    <div class="nhsuk-form-group">
                        <label class="nhsuk-label" for="audit-to">"To (YYYY-MM-DD)"</label>
                        <input class="nhsuk-input nhsuk-input--width-10" id="audit-to" name="to" type="date" value=filter.to.clone() />
                    </div>
                    <button class="nhsuk-button" type="submit">"Show entries"</button>
                </form>
                <p>{format!("{} entr{}", page.total, if page.total == 1 { "y" } else { "ies" })}" · "<a href=csv_href data-test="audit-csv">"Download as CSV"</a></p>
                <table class="nhsuk-table-responsive" data-test="audit-entries">
                    <thead class="nhsuk-table__head"><tr>
                        <th scope="col">"When"</th><th scope="col">"What happened"</th><th scope="col">"Before"</th><th scope="col">"After"</th>
                    </tr></thead>
                    <tbody class="nhsuk-table__body">
                        {page.entries.into_iter().map(|e| {
                            let record = match e.href {
                                Some(href) => view! { <a href=href>{e.record}</a> }.into_any(),
                                None => e.record.into_any(),
                            };
                            view! {
                                <tr class="nhsuk-table__row" data-test="audit-entry">
                                    <td class="nhsuk-table__cell">{display_time(&e.at)}</td>
                                    <td class="nhsuk-table__cell" data-test="audit-sentence">
                                        {format!("{}, {}, {} ", e.actor, e.actor_role, e.did)}{record}
                                    </td>
                                    <td class="nhsuk-table__cell">{e.before}</td>
                                    <td class="nhsuk-table__cell">{e.after}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <Pagination page=page.page pages=page.pages href=move |n| format!("/admin/audit{}", audit_query_string(&href_filter, Some(n))) />
            }
        },
    )
}

/// A sign-out button: a form that posts, since signing out changes something.
#[component]
pub fn SignOutButton(
    #[prop(default = "nhsuk-button nhsuk-button--secondary")] class: &'static str,
) -> impl IntoView {
    view! {
        <form method="post" action="/sign-out" class="candour-inline-form">
            <button class=class type="submit" data-test="sign-out">"Sign out"</button>
        </form>
    }
}
