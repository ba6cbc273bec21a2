//! The email pages: subscribing, confirming, changing and leaving a subscription, people's
//! notification settings, and the admins' outbox.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    get_notification_settings, get_outbox, get_subscription, get_topic, NotificationSetting,
    SubscriptionView,
};
use crate::{
    components::{loaded, page_title},
    dates::display_time,
    forms::{feedback, DoneNotice, ErrorSummary, TextField},
    layout::StaffNav,
};

fn token_param() -> String {
    use_params_map()
        .get_untracked()
        .get("token")
        .unwrap_or_default()
}

/// "Get emails when this changes": an email field and a button, posting to `/subscribe`
/// with the topic (works without JavaScript). `heading_id` must be unique on the page.
#[component]
pub fn SubscribeForm(topic: String, #[prop(into)] what: String) -> impl IntoView {
    let id = format!("subscribe-{}", topic.replace([':', ' '], "-"));
    view! {
        <section class="nhsuk-card candour-subscribe" aria-labelledby=format!("{id}-heading") data-test="subscribe">
            <div class="nhsuk-card__content">
                <h2 class="nhsuk-card__heading nhsuk-heading-s" id=format!("{id}-heading")>"Get emails when this changes"</h2>
                <p class="nhsuk-body-s">{format!("We will email you about {what}. You can stop at any time, from any email.")}</p>
                <form method="post" action="/subscribe" novalidate>
                    <input type="hidden" name="topic" value=topic.clone() />
                    <div class="nhsuk-form-group">
                        <label class="nhsuk-label" for=format!("{id}-email")>"Email address"</label>
                        <input class="nhsuk-input" id=format!("{id}-email") name="email" type="email" autocomplete="email" spellcheck="false" />
                    </div>
                    <button class="nhsuk-button nhsuk-button--secondary" type="submit" data-test="subscribe-button">"Get emails"</button>
                </form>
            </div>
        </section>
    }
}

/// `/subscribe?topic=…`: the form on its own page, where its answer and mistakes show.
#[component]
pub fn SubscribePage() -> impl IntoView {
    let key = use_query_map()
        .get_untracked()
        .get("topic")
        .unwrap_or_default();
    loaded(
        move || get_topic(key.clone()),
        |topic| {
            let outcome = feedback("subscribe").and_then(|f| f.outcome);
            view! {
                <Title text=page_title("Get emails when this changes") />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <ErrorSummary form="subscribe" />
                        <h1>"Get emails when this changes"</h1>
                        {match outcome {
                            Some(outcome) => view! {
                                <div class="nhsuk-inset-text candour-notice candour-notice--done" role="status" data-test="subscribe-outcome">
                                    <p>{outcome}</p>
                                </div>
                                <p><a href=topic.path.clone()>"Go back"</a></p>
                            }.into_any(),
                            None => view! {
                                <p>{format!("We will email you about {}.", topic.description)}</p>
                                <p>"We will first send you an email to check it is your address: nothing else is sent until you follow the link in it. Every email has a link to stop them."</p>
                                <form method="post" action="/subscribe" novalidate data-test="subscribe-form">
                                    <input type="hidden" name="topic" value=topic.key.clone() />
                                    <TextField form="subscribe" name="email" label="Email address" kind="email" autocomplete="email" />
                                    <button class="nhsuk-button" type="submit" data-test="subscribe-button">"Get emails"</button>
                                </form>
                                <p class="nhsuk-body-s">{format!("We keep your address only to send these emails, and delete it when you stop them (or after {} days if you never confirm). See our ", super::UNCONFIRMED_KEPT_DAYS)}<a href="/privacy">"privacy notice"</a>"."</p>
                            }.into_any(),
                        }}
                    </div>
                </div>
            }
        },
    )
}

fn topic_list(view: &SubscriptionView, pending: bool) -> impl IntoView {
    let topics = if pending { &view.pending } else { &view.topics };
    view! {
        <ul class="nhsuk-list nhsuk-list--bullet">
            {topics.iter().map(|t| view! { <li><a href=t.path.clone()>{t.description.clone()}</a></li> }).collect_view()}
        </ul>
    }
}

/// `/subscriptions/{token}/confirm`: a button (mail programs that follow links to check
/// them must not confirm on their own).
#[component]
pub fn ConfirmSubscriptionPage() -> impl IntoView {
    let token = token_param();
    loaded(
        move || get_subscription(token.clone()),
        |subscription| {
            let nothing = subscription.pending.is_empty();
            view! {
                <Title text=page_title("Confirm your subscription") />
                <h1>"Confirm your subscription"</h1>
                {if nothing {
                    view! {
                        <p>"There is nothing waiting to be confirmed."</p>
                        <p><a href=format!("/subscriptions/{}", subscription.token)>"See your subscription"</a></p>
                    }.into_any()
                } else {
                    view! {
                        <p>"You asked for emails about:"</p>
                        {topic_list(&subscription, true)}
                        <form method="post" action=format!("/subscriptions/{}/confirm", subscription.token) novalidate data-test="confirm-subscription">
                            <button class="nhsuk-button" type="submit" data-test="confirm-button">"Yes, send me these emails"</button>
                        </form>
                    }.into_any()
                }}
            }
        },
    )
}

/// `/subscriptions/{token}`: what the subscription is about, how often, and leaving.
#[component]
pub fn ManageSubscriptionPage() -> impl IntoView {
    let token = token_param();
    loaded(
        move || get_subscription(token.clone()),
        |subscription| {
            let token = subscription.token.clone();
            let error = feedback("manage").and_then(|f| f.error_for("frequency"));
            view! {
                <Title text=page_title("Your emails") />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <DoneNotice notices=super::NOTICES />
                        <ErrorSummary form="manage" />
                        <h1>{format!("Your emails from {}", crate::layout::site_info().organisation)}</h1>
                        {(!subscription.pending.is_empty()).then(|| view! {
                            <div class="nhsuk-inset-text">
                                <p>"Waiting for you to confirm (follow the link in the email we sent):"</p>
                                {topic_list(&subscription, true)}
                            </div>
                        })}
                        {if subscription.topics.is_empty() {
                            view! { <p>"You get no emails yet."</p> }.into_any()
                        } else {
                            view! {
                                <form method="post" action=format!("/subscriptions/{token}") novalidate data-test="manage-form">
                                    <div class="nhsuk-form-group">
                                        <fieldset class="nhsuk-fieldset">
                                            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"Email me about"</legend>
                                            <div class="nhsuk-hint">"Untick what you no longer want. Untick everything to stop all emails."</div>
                                            <div class="nhsuk-checkboxes">
                                                {subscription.topics.iter().enumerate().map(|(i, t)| {
                                                    let id = format!("topic-{i}");
                                                    view! {
                                                        <div class="nhsuk-checkboxes__item">
                                                            <input class="nhsuk-checkboxes__input" id=id.clone() name="topics" type="checkbox" value=t.key.clone() checked=true />
                                                            <label class="nhsuk-label nhsuk-checkboxes__label" for=id>{t.description.clone()}</label>
                                                        </div>
                                                    }
                                                }).collect_view()}
                                            </div>
                                        </fieldset>
                                    </div>
                                    <div class="nhsuk-form-group" class:nhsuk-form-group--error=error.is_some()>
                                        <fieldset class="nhsuk-fieldset" id="frequency">
                                            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"How often"</legend>
                                            {error.clone().map(|m| view! { <span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                                            <div class="nhsuk-radios">
                                                {[("immediately", "An email for each change"), ("weekly", "One summary a week, on Mondays")].into_iter().map(|(value, label)| {
                                                    let id = format!("frequency-{value}");
                                                    view! {
                                                        <div class="nhsuk-radios__item">
                                                            <input class="nhsuk-radios__input" id=id.clone() name="frequency" type="radio" value=value checked=subscription.frequency == value />
                                                            <label class="nhsuk-label nhsuk-radios__label" for=id>{label}</label>
                                                        </div>
                                                    }
                                                }).collect_view()}
                                            </div>
                                        </fieldset>
                                    </div>
                                    <button class="nhsuk-button" type="submit" data-test="save-subscription">"Save"</button>
                                </form>
                            }.into_any()
                        }}
                        <h2>"Stop all emails"</h2>
                        <p>"Your address is deleted at once."</p>
                        <form method="post" action=format!("/subscriptions/{token}/unsubscribe") novalidate>
                            <button class="nhsuk-button nhsuk-button--secondary" type="submit" data-test="unsubscribe-button">"Stop all emails"</button>
                        </form>
                    </div>
                </div>
            }
        },
    )
}

/// `/subscriptions/{token}/unsubscribe`: a button to stop every email.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let token = token_param();
    loaded(
        move || get_subscription(token.clone()),
        |subscription| {
            view! {
                <Title text=page_title("Stop emails") />
                <h1>{format!("Stop emails from {}", crate::layout::site_info().organisation)}</h1>
                <p>"You will get no more emails from us, and your address is deleted at once."</p>
                <form method="post" action=format!("/subscriptions/{}/unsubscribe", subscription.token) novalidate>
                    <button class="nhsuk-button" type="submit" data-test="unsubscribe-button">"Stop all emails"</button>
                </form>
                <p><a href=format!("/subscriptions/{}", subscription.token)>"Change what you get instead"</a></p>
            }
        },
    )
}

/// `/subscriptions/left`.
#[component]
pub fn LeftPage() -> impl IntoView {
    view! {
        <Title text=page_title("You will get no more emails") />
        <h1 data-test="left">"You will get no more emails"</h1>
        <p>"Your address has been deleted. You can ask for emails again from any page that offers them."</p>
        <p><a href="/">"Go to the home page"</a></p>
    }
}

/// The account page's part about email: each kind of notification, off, at once or in a
/// daily summary.
#[component]
pub fn NotificationSettingsSection() -> impl IntoView {
    loaded(
        get_notification_settings,
        |settings: Vec<NotificationSetting>| {
            view! {
                <h2 id="notifications">"Emails we send you"</h2>
                <crate::forms::DoneNotice notices=super::NOTICES />
                <ErrorSummary form="notifications" />
                <form method="post" action="/account/notifications" novalidate data-test="notification-settings">
                    <table class="nhsuk-table">
                        <caption class="nhsuk-table__caption nhsuk-table__caption--s nhsuk-u-visually-hidden">"Emails we send you"</caption>
                        <thead class="nhsuk-table__head">
                            <tr><th scope="col">"When"</th><th scope="col">"Email me"</th></tr>
                        </thead>
                        <tbody class="nhsuk-table__body">
                            {settings.into_iter().map(|s| {
                                let posted = feedback("notifications");
                                let error = posted.as_ref().and_then(|f| f.error_for(&s.kind));
                                let error_id = format!("{}-error", s.kind);
                                view! {
                                    <tr>
                                        <td><label class="nhsuk-label" for=s.kind.clone()>{s.label.clone()}</label></td>
                                        <td>
                                            <div class="nhsuk-form-group nhsuk-u-margin-bottom-0" class:nhsuk-form-group--error=error.is_some()>
                                                {error.clone().map(|message| view! {
                                                    <span class="nhsuk-error-message" id=error_id.clone()>
                                                        <span class="nhsuk-u-visually-hidden">"Error: "</span>{message}
                                                    </span>
                                                })}
                                                <select class="nhsuk-select" class:nhsuk-select--error=error.is_some() id=s.kind.clone() name=s.kind.clone()
                                                    aria-describedby=error.is_some().then_some(error_id)>
                                                    {[("immediately", "At once"), ("daily", "In a daily summary"), ("off", "Never")].into_iter().map(|(value, label)| view! {
                                                        <option value=value selected=s.mode == value>{label}</option>
                                                    }).collect_view()}
                                                </select>
                                            </div>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <button class="nhsuk-button nhsuk-button--secondary" type="submit" data-test="save-notifications">"Save email choices"</button>
                </form>
            }
        },
    )
}

/// `/admin/email` (admins): the outbox.
#[component]
pub fn AdminEmailPage() -> impl IntoView {
    loaded(get_outbox, |outbox| {
        view! {
            <Title text=page_title("Email") />
            <StaffNav current="email" />
            <DoneNotice notices=super::NOTICES />
            <ErrorSummary form="outbox" />
            <h1>"Email"</h1>
            {(!outbox.configured).then(|| view! {
                <div class="nhsuk-warning-callout" data-test="no-mail-server">
                    <h2 class="nhsuk-warning-callout__label"><span class="nhsuk-u-visually-hidden">"Important: "</span>"No mail server is configured"</h2>
                    <p>"Emails wait here until one is (set CANDOUR_SMTP_URL). Invitation and reset links are shown on the people page to pass on by hand."</p>
                </div>
            })}
            <dl class="nhsuk-summary-list" data-test="outbox-counts">
                <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"Waiting to be sent"</dt><dd class="nhsuk-summary-list__value">{outbox.queued}</dd></div>
                <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"Sent in the last 7 days"</dt><dd class="nhsuk-summary-list__value">{outbox.sent_last_week}</dd></div>
                <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"Failed"</dt><dd class="nhsuk-summary-list__value" data-test="failed-count">{outbox.failed}</dd></div>
            </dl>
            <h2>"Waiting and failed"</h2>
            {if outbox.rows.is_empty() {
                view! { <p>"Nothing is waiting."</p> }.into_any()
            } else {
                view! {
                    <table class="nhsuk-table-responsive" data-test="outbox-rows">
                        <thead class="nhsuk-table__head">
                            <tr><th scope="col">"Email"</th><th scope="col">"Queued"</th><th scope="col">"Tries"</th><th scope="col">"State"</th></tr>
                        </thead>
                        <tbody class="nhsuk-table__body">
                            {outbox.rows.into_iter().map(|row| view! {
                                <tr class="nhsuk-table__row">
                                    <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading">"Email "</span>{row.subject.clone()}<br /><span class="nhsuk-body-s candour-meta">{row.kind.clone()}</span></td>
                                    <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading">"Queued "</span>{display_time(&row.created_at)}</td>
                                    <td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading">"Tries "</span>{row.attempts}</td>
                                    <td class="nhsuk-table__cell">
                                        <span class="nhsuk-table-responsive__heading">"State "</span>
                                        {match row.failed_at.clone() {
                                            Some(at) => view! {
                                                <strong>"Failed"</strong>{format!(" {}: ", display_time(&at))}{row.last_error.clone().unwrap_or_default()}
                                                <form method="post" action=format!("/admin/email/{}/retry", row.id) class="candour-inline-form">
                                                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" data-test="retry">"Try again"</button>
                                                </form>
                                            }.into_any(),
                                            None => view! {
                                                "Waiting"{row.last_error.clone().map(|e| format!(" (last try: {e})"))}
                                            }.into_any(),
                                        }}
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <h2>"Subscribers"</h2>
            <p>"Confirmed subscribers by topic. Addresses are never shown."</p>
            {if outbox.subscribers.is_empty() {
                view! { <p>"None yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="nhsuk-list" data-test="subscriber-counts">
                        {outbox.subscribers.into_iter().map(|(topic, n)| view! { <li>{format!("{topic}: {n}")}</li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        }
    })
}
