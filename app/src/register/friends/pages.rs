//! The critical friends' part of a recommendation's page: the counts beside the status,
//! the views with their reasons and answers, the earlier views, and the forms (a critical
//! friend's own view; the PPIE team's answer to each view). Plain forms: they work
//! without JavaScript.

use leptos::prelude::*;

use super::{
    get_viewer_part, opinion_label, FriendView, FriendsCounts, FriendsViews, OwnView, ViewerPart,
    OPINIONS,
};
use crate::{
    dates::display_date,
    forms::{feedback, TextArea},
};

/// The row beside the SDE's status in a recommendation's facts: the counts, linking to the
/// views.
#[component]
pub fn FriendsViewFacts(counts: FriendsCounts) -> impl IntoView {
    view! {
        <div class="nhsuk-summary-list__row">
            <dt class="nhsuk-summary-list__key">"Critical friends’ view"</dt>
            <dd class="nhsuk-summary-list__value" data-test="friends-counts">
                <a href="#friends-view">{counts.sentence()}</a>
            </dd>
        </div>
    }
}

/// The home page's and "You said, we did"'s line on disagreement: how many
/// recommendations critical friends disagree with, linking to them in the register.
#[component]
pub fn FriendsDisagree() -> impl IntoView {
    crate::components::loaded(super::get_disagreed_count, |count| {
        view! {
            <p data-test="friends-disagree">
                {super::disagreed_sentence(count)}
                {(count > 0).then(|| view! {
                    " " <a href="/actions?friends_view=disagree">{if count == 1 { "See it and their reasons".to_owned() } else { format!("See these {count} and their reasons") }}</a>
                })}
            </p>
        }
    })
}

/// The section itself, `#friends-view`.
#[component]
pub fn FriendsViewsSection(reference: String, views: FriendsViews) -> impl IntoView {
    let FriendsViews {
        counts,
        current,
        earlier,
    } = views;
    let before = current.iter().filter(|v| v.before_latest_change).count();
    let part_reference = reference.clone();
    view! {
        <section class="candour-section candour-friends" aria-labelledby="friends-view" data-test="friends-views">
            <h2 id="friends-view">"Critical friends’ view"</h2>
            <crate::forms::DoneNotice notices=super::NOTICES />
            <p>
                "Digital Critical Friends are trained members of the public who take part in running the SDE as equal partners. Each may say whether they agree with the status we give this recommendation, and why."
            </p>
            <p class="nhsuk-body-l nhsuk-u-margin-bottom-2" data-test="friends-sentence"><strong>{counts.sentence()}</strong></p>
            {(before > 0).then(|| view! {
                <p class="nhsuk-body-s candour-meta" data-test="friends-before-change">
                    {match before {
                        1 => "1 of these views was given before the status last changed.".to_owned(),
                        n => format!("{n} of these views were given before the status last changed."),
                    }}
                </p>
            })}
            <Suspense fallback=|| ()>
                {move || {
                    let reference = part_reference.clone();
                    let current = current.clone();
                    Suspend::new(async move {
                        let part = get_viewer_part(reference.clone()).await.ok().flatten();
                        let staff = matches!(part, Some(ViewerPart::Staff));
                        view! {
                            {(!current.is_empty()).then(|| view! {
                                <ul class="nhsuk-list candour-views" data-test="friends-view-list">
                                    {current.into_iter().map(|v| view! { <ViewItem view=v reference=reference.clone() staff /> }).collect_view()}
                                </ul>
                            })}
                            {match part {
                                Some(ViewerPart::Friend(own)) => view! { <OwnViewForm reference=reference.clone() own /> }.into_any(),
                                _ => ().into_any(),
                            }}
                        }
                    })
                }}
            </Suspense>
            {(!earlier.is_empty()).then(|| view! {
                <details class="nhsuk-details" data-test="earlier-views">
                    <summary class="nhsuk-details__summary">
                        <span class="nhsuk-details__summary-text">{format!("Earlier views, since changed by their authors ({})", earlier.len())}</span>
                    </summary>
                    <div class="nhsuk-details__text">
                        <ul class="nhsuk-list candour-views">
                            {earlier.into_iter().map(|v| view! { <ViewItem view=v reference=reference.clone() staff=false /> }).collect_view()}
                        </ul>
                    </div>
                </details>
            })}
        </section>
    }
}

/// One view: who, what, when, why, whether the status changed since, and the answer.
#[component]
fn ViewItem(view: FriendView, reference: String, staff: bool) -> impl IntoView {
    let FriendView {
        id,
        opinion,
        reason,
        author,
        given_on,
        before_latest_change,
        answer,
        removed,
    } = view;
    let tag = match opinion.as_str() {
        "agree" => "nhsuk-tag nhsuk-tag--green",
        "partly" => "nhsuk-tag nhsuk-tag--yellow",
        _ => "nhsuk-tag nhsuk-tag--red",
    };
    let reference_for_removal = reference.clone();
    let answer_form = staff.then(|| {
        let field = format!("answer-{id}");
        let mine = feedback("view-answer").filter(|f| f.value("view") == Some(id.to_string()));
        let error = mine.as_ref().and_then(|f| f.error_for(&field));
        let typed = mine
            .as_ref()
            .and_then(|f| f.value("body"))
            .or_else(|| answer.as_ref().map(|a| a.body.clone()))
            .unwrap_or_default();
        let open = mine.is_some();
        let summary = if answer.is_some() {
            "Change the answer"
        } else {
            "Answer this view in public"
        };
        view! {
            <details class="nhsuk-details candour-thread__form" open=open>
                <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">{summary}</span></summary>
                <div class="nhsuk-details__text">
                    <form method="post" action=format!("/actions/{reference}/friends-views/{id}/answer") novalidate data-test="view-answer-form" data-unsaved-warning="">
                        <TextArea
                            id=field
                            name="body"
                            label="Your answer"
                            hint="Everyone can read it under the view."
                            error=error
                            value=typed
                            rows=3
                            max=super::ANSWER_MAX
                        />
                        <button class="nhsuk-button nhsuk-button--secondary" type="submit" data-test="save-view-answer">"Save answer"</button>
                    </form>
                </div>
            </details>
        }
    });
    // Staff may take a reason off the page (it named a patient, say); the view still counts.
    let removal_form = (staff && removed.is_none() && !reason.is_empty()).then(|| {
        let field = format!("remove-{id}");
        let mine = feedback("view-removal").filter(|f| f.value("view") == Some(id.to_string()));
        let error = mine.as_ref().and_then(|f| f.error_for(&field));
        let typed = mine.as_ref().and_then(|f| f.value("reason")).unwrap_or_default();
        view! {
            <details class="nhsuk-details candour-thread__form" open=mine.is_some()>
                <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">"Remove this reason from the page"</span></summary>
                <div class="nhsuk-details__text">
                    <form method="post" action=format!("/actions/{reference_for_removal}/friends-views/{id}/remove") novalidate data-test="view-removal-form">
                        <crate::forms::IdempotencyKey form="view-removal" one_of_many=true />
                        <TextArea
                            id=field
                            name="reason"
                            label="Why it is removed"
                            hint="Readers see this in its place. The view itself still counts."
                            error=error
                            value=typed
                            rows=2
                            max=super::REMOVAL_MAX
                        />
                        <button class="nhsuk-button nhsuk-button--warning" type="submit" data-test="remove-view-reason">"Remove the reason"</button>
                    </form>
                </div>
            </details>
        }
    });
    view! {
        <li class="candour-views__item" id=format!("view-{id}") data-test="friends-view">
            <p class="nhsuk-u-margin-bottom-1">
                <strong class=tag>{opinion_label(&opinion)}</strong>
                " "
                <span class="candour-meta">{format!("{author}, {}", display_date(&given_on))}</span>
                {before_latest_change.then(|| view! {
                    " " <strong class="nhsuk-tag nhsuk-tag--grey" data-test="before-change">"Given before the latest change"</strong>
                })}
            </p>
            {(!reason.is_empty()).then(|| view! { <p class="candour-prewrap nhsuk-u-margin-bottom-1">{reason}</p> })}
            {removed.clone().map(|why| view! {
                <p class="candour-meta nhsuk-u-margin-bottom-1" data-test="view-reason-removed">
                    <em>"Reason removed by the PPIE team: "</em>{why}
                </p>
            })}
            {answer.map(|a| view! {
                <div class="candour-views__answer" data-test="view-answer">
                    <p class="nhsuk-body-s nhsuk-u-margin-bottom-1"><strong>{format!("The SDE’s answer, {}", display_date(&a.answered_on))}</strong></p>
                    <p class="candour-prewrap nhsuk-u-margin-bottom-0">{a.body}</p>
                </div>
            })}
            {answer_form}
            {removal_form}
        </li>
    }
}

/// A critical friend's own view: the three choices, the reason and whether to show their
/// name, filled in with their current view.
#[component]
fn OwnViewForm(reference: String, own: Option<OwnView>) -> impl IntoView {
    let typed = feedback("friends-view");
    let error = |field: &str| typed.as_ref().and_then(|f| f.error_for(field));
    let value = |field: &str| typed.as_ref().and_then(|f| f.value(field));
    let chosen = value("opinion")
        .or_else(|| own.as_ref().map(|o| o.opinion.clone()))
        .unwrap_or_default();
    let reason = value("reason")
        .or_else(|| own.as_ref().map(|o| o.reason.clone()))
        .unwrap_or_default();
    let show_name = match &typed {
        Some(f) => f.value("show_name").as_deref() == Some("yes"),
        None => own.as_ref().is_some_and(|o| o.show_name),
    };
    let opinion_error = error("opinion");
    let heading = if own.is_some() {
        "Change your view"
    } else {
        "Give your view"
    };
    view! {
        <h3 id="your-view">{heading}</h3>
        <form method="post" action=format!("/actions/{reference}/friends-view") novalidate data-test="friends-view-form" data-unsaved-warning="">
            <crate::forms::IdempotencyKey form="friends-view" />
            <div class="nhsuk-form-group" class:nhsuk-form-group--error=opinion_error.is_some()>
                <fieldset class="nhsuk-fieldset" aria-describedby=opinion_error.is_some().then_some("opinion-error")>
                    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"Do you agree with the status we give this recommendation?"</legend>
                    {opinion_error.clone().map(|m| view! { <span class="nhsuk-error-message" id="opinion-error"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                    <div class="nhsuk-radios">
                        {OPINIONS.iter().enumerate().map(|(i, (key, label))| {
                            // The first choice carries the field's id, so the error summary lands on it.
                            let input = if i == 0 { "opinion".to_owned() } else { format!("opinion-{key}") };
                            view! {
                                <div class="nhsuk-radios__item">
                                    <input class="nhsuk-radios__input" id=input.clone() name="opinion" type="radio" value=*key checked=chosen == *key />
                                    <label class="nhsuk-label nhsuk-radios__label" for=input>{*label}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            </div>
            <TextArea
                id="reason"
                name="reason"
                label="Your reason"
                hint="Needed if you partly agree or disagree. Everyone can read it."
                error=error("reason")
                value=reason
                rows=4
                max=super::REASON_MAX
            />
            <div class="nhsuk-form-group">
                <div class="nhsuk-checkboxes">
                    <div class="nhsuk-checkboxes__item">
                        <input class="nhsuk-checkboxes__input" id="show_name" name="show_name" type="checkbox" value="yes" checked=show_name />
                        <label class="nhsuk-label nhsuk-checkboxes__label" for="show_name">"Show my name with my view (otherwise it says “A critical friend”)"</label>
                    </div>
                </div>
            </div>
            <button class="nhsuk-button" type="submit" data-test="save-view">"Save my view"</button>
            {own.is_some().then(|| view! {
                <p class="nhsuk-body-s candour-meta">"Your earlier view stays in this page’s history of views."</p>
            })}
        </form>
    }
}
