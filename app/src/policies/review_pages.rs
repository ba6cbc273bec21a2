//! The review in progress, for Digital Critical Friends and the team: every numbered
//! paragraph with its comment box, the discussion, and the team's answer forms.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{get_review, get_reviews, CommentThread, ReviewView, OUTCOMES};
use crate::{
    components::{loaded, page_title},
    dates::{display_date, display_time},
    forms::{feedback, DoneNotice, ErrorSummary, TextArea},
};

use super::pages::{plural, slug_param, Thread};

#[component]
pub fn ReviewsPage() -> impl IntoView {
    loaded(get_reviews, |reviews| {
        view! {
            <Title text=page_title("Draft policies for review") />
            <h1>"Draft policies for review"</h1>
            <p class="nhsuk-lede-text">
                "Read each draft and tell us what you think: about the whole policy, or about one paragraph. The PPIE team answers every comment, and when the policy is published, the comments and answers are published with it."
            </p>
            {if reviews.is_empty() {
                view! { <p data-test="no-reviews">"No draft policies are open for review at the moment."</p> }.into_any()
            } else {
                view! {
                    <ul class="nhsuk-list candour-results">
                        {reviews.into_iter().map(|p| view! {
                            <li class="candour-results__item" data-test="review-item">
                                <h2 class="nhsuk-heading-s nhsuk-u-margin-bottom-1"><a href=format!("/review/{}", p.slug)>{p.title}</a></h2>
                                <p class="nhsuk-body-s">{p.summary}</p>
                                <p class="nhsuk-body-s candour-meta">
                                    {format!("Draft version {} · comments close at the end of {} · {}, {} without an answer",
                                        p.version,
                                        display_date(p.review_closes.as_deref().unwrap_or_default()),
                                        plural(p.comments, "comment", "comments"),
                                        p.unanswered)}
                                </p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        }
    })
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let slug = slug_param();
    loaded(
        move || get_review(slug.clone()),
        |review| view! { <Review review /> },
    )
}

#[component]
fn Review(review: ReviewView) -> impl IntoView {
    // Text kept from a session that ended: a comment goes back into the comment box, a
    // reply into its thread's reply box.
    let kept = review.kept.clone();
    let kept_comment = kept.clone().filter(|k| k.parent.is_none());
    let chosen = feedback("comment")
        .filter(|f| f.value("parent").unwrap_or_default().is_empty())
        .and_then(|f| f.value("paragraph"))
        .or_else(|| use_query_map().get_untracked().get("paragraph"))
        .or_else(|| kept_comment.as_ref().map(|k| k.paragraph.clone()))
        .unwrap_or_default();
    let main_feedback =
        feedback("comment").filter(|f| f.value("parent").unwrap_or_default().is_empty());
    // "Comment on paragraph N" (`?paragraph=N`, or the form shown again) puts the comment
    // form under that paragraph; otherwise it is at the end, for the whole policy.
    let under: Option<i64> = chosen
        .parse::<i64>()
        .ok()
        .filter(|n| review.blocks.iter().any(|b| b.number == *n && !b.heading))
        .filter(|_| review.open);
    let changed = review.changed.clone();
    let status = if review.open {
        format!(
            "Open for comments until the end of {}.",
            display_date(&review.review_closes)
        )
    } else if review.review_public {
        "This review has ended; the policy, the comments and the answers are published.".to_owned()
    } else {
        format!(
            "Comments closed at the end of {}. The PPIE team is answering them.",
            display_date(&review.review_closes)
        )
    };
    let mut by_paragraph: std::collections::BTreeMap<i64, Vec<CommentThread>> = Default::default();
    let mut whole = Vec::new();
    for thread in review.threads.clone() {
        match thread.paragraph {
            Some(n) => by_paragraph.entry(n).or_default().push(thread),
            None => whole.push(thread),
        }
    }
    // Text posted after the review closed is shown back, to copy, rather than lost.
    let unposted = feedback("comment")
        .filter(|_| !review.open)
        .or_else(|| feedback("answer").filter(|_| review.review_public))
        .and_then(|f| Some((f.errors.first()?.clone(), f.value("body")?)))
        .or_else(|| {
            let kept = kept.clone().filter(|_| !review.open)?;
            Some((
                (
                    "kept".to_owned(),
                    "The review closed before this could be posted".to_owned(),
                ),
                kept.body,
            ))
        })
        .filter(|(_, body)| !body.trim().is_empty());
    let kept_body = kept_comment.as_ref().map(|k| k.body.clone());
    let slug_for_forms = review.slug.clone();
    let open = review.open;
    let may_moderate = review.may_answer.then(|| review.slug.clone());
    let may_answer = review.may_answer && !review.review_public;
    let slug = review.slug.clone();
    let kept_for_threads = kept.clone();
    let thread_view = move |thread: CommentThread| {
        let slug = slug.clone();
        let kept_reply = kept_for_threads
            .clone()
            .filter(|k| k.parent == Some(thread.id))
            .map(|k| k.body);
        view! {
            <Thread thread=thread.clone() moderate=may_moderate.clone()>
                <ThreadForms thread slug open may_answer kept_reply />
            </Thread>
        }
    };
    let paragraph_options: Vec<(i64, String)> = review
        .blocks
        .iter()
        .filter(|b| !b.heading)
        .map(|b| (b.number, format!("Paragraph {}: {}", b.number, b.excerpt)))
        .collect();
    view! {
        <Title text=page_title(format!("Review: {}", review.title)) />
        <crate::components::Breadcrumbs items=vec![("/account".to_string(), "Your account".to_string()), ("/review".to_string(), "Draft policies for review".to_string())] />
        <DoneNotice notices=super::NOTICES />
        <ErrorSummary form="comment" />
        <ErrorSummary form="answer" />
        <ErrorSummary form="remove" />
        <ErrorSummary form="edit" />
        <span class="nhsuk-caption-l">{format!("Draft policy for review, version {}", review.version)}</span>
        <h1>{review.title.clone()}</h1>
        <p class="nhsuk-lede-text">{review.summary.clone()}</p>
        <div class="nhsuk-inset-text" data-test="review-status">
            <p>{status}</p>
            {review.review_public.then(|| view! { <p><a href=format!("/policies/{}", review.slug)>"Read the published policy"</a></p> })}
        </div>
        {kept.clone().filter(|_| review.open).map(|k| view! {
            <div class="nhsuk-inset-text" data-test="kept-text">
                <p>
                    {format!(
                        "We kept the {} you wrote when your session had ended ({}). It is in the {} below: post it, or discard it.",
                        if k.parent.is_some() { "reply" } else { "comment" },
                        display_time(&k.kept_at),
                        if k.parent.is_some() { "reply box of its thread" } else { "comment box" },
                    )}
                </p>
                <form method="post" action=format!("/review/{}/discard-kept", review.slug) class="candour-inline-form">
                    <button class="nhsuk-button nhsuk-button--secondary" type="submit" data-test="discard-kept">"Discard it"</button>
                </form>
            </div>
        })}
        {unposted.map(|((field, message), body)| view! {
            <div class="nhsuk-warning-callout" data-test="unposted">
                <h2 class="nhsuk-warning-callout__label"><span class="nhsuk-u-visually-hidden">"Important: "</span>"Your text was not posted"</h2>
                <TextArea id=field name="unposted" label="Your text, to copy and keep" error=Some(message) value=body rows=4 />
            </div>
        })}
        {open.then(|| view! {
            <p>"Comment on the whole policy at the end of the page, or on one paragraph with the link under it. Your display name is shown beside your comments. When the policy is published, the comments, replies and answers are published with it."</p>
        })}
        <div class="candour-prose candour-policy" data-test="policy-body">
            {review.blocks.iter().map(|b| {
                let threads = by_paragraph.remove(&b.number).unwrap_or_default();
                let count = threads.len() as i64;
                let number = b.number;
                let thread_view = thread_view.clone();
                view! {
                    <div class="candour-policy__block candour-policy__block--numbered" id=format!("p-{number}") data-test="policy-block">
                        <span class="candour-policy__number" aria-hidden="true">{number}</span>
                        {changed.contains(&number).then(|| view! {
                            <strong class="nhsuk-tag nhsuk-tag--blue candour-policy__changed" data-test="changed-paragraph">
                                {if b.heading { "New or changed heading" } else { "New or changed since the published version" }}
                            </strong>
                        })}
                        <div inner_html=b.html.clone().into_inner()></div>
                        {(!b.heading).then(|| view! {
                            <p class="nhsuk-body-s candour-policy__actions">
                                {open.then(|| view! {
                                    <a href=format!("?paragraph={number}#comment-form") data-test="comment-on-paragraph">
                                        {format!("Comment on paragraph {number}")}
                                    </a>
                                })}
                                {(count > 0).then(|| view! { <span class="candour-meta">{format!(" {} on paragraph {number}", plural(count, "comment", "comments"))}</span> })}
                            </p>
                        })}
                        {(under == Some(number)).then(|| view! {
                            <CommentForm slug=slug_for_forms.clone() paragraph=Some(number) feedback=main_feedback.clone() kept=kept_body.clone() />
                        })}
                        {(count > 0).then(|| view! {
                            <div class="candour-policy__threads">
                                {threads.into_iter().map(thread_view).collect_view()}
                            </div>
                        })}
                    </div>
                }
            }).collect_view()}
        </div>
        <section class="candour-section" aria-labelledby="whole-heading">
            <h2 id="whole-heading">"Comments on the whole policy"</h2>
            {if whole.is_empty() {
                view! { <p>"None yet."</p> }.into_any()
            } else {
                whole.into_iter().map(thread_view).collect_view().into_any()
            }}
        </section>
        {open.then(|| view! {
            <section class="candour-section" aria-labelledby="comment-heading">
                <h2 id="comment-heading">"Add a comment"</h2>
                {match under {
                    Some(number) => view! {
                        <p data-test="commenting-on">
                            {format!("You are writing a comment on paragraph {number}. ")}
                            <a href=format!("#p-{number}")>{format!("Go back to paragraph {number}")}</a>
                            ", or "
                            <a href=format!("/review/{}#comment-form", review.slug)>"comment on the whole policy instead"</a>
                            "."
                        </p>
                    }.into_any(),
                    None => view! {
                        <CommentForm slug=review.slug.clone() paragraph=None feedback=main_feedback.clone() kept=kept_body.clone() options=paragraph_options.clone() />
                    }.into_any(),
                }}
            </section>
        })}
    }
}

/// The form for a new comment: under a paragraph (`paragraph`, shown right above it), or
/// at the end of the page about the whole policy or a paragraph chosen from `options`.
#[component]
fn CommentForm(
    slug: String,
    paragraph: Option<i64>,
    feedback: Option<crate::forms::FormFeedback>,
    kept: Option<String>,
    #[prop(optional)] options: Vec<(i64, String)>,
) -> impl IntoView {
    let paragraph_error = feedback.as_ref().and_then(|f| f.error_for("paragraph"));
    let chosen = feedback
        .as_ref()
        .and_then(|f| f.value("paragraph"))
        .unwrap_or_default();
    view! {
        <form method="post" action=format!("/review/{slug}/comments") id="comment-form" class="candour-comment-form" novalidate data-test="comment-form" data-unsaved-warning="">
            <crate::forms::IdempotencyKey form="comment" />
            {match paragraph {
                Some(number) => view! {
                    <input type="hidden" name="paragraph" value=number.to_string() />
                    <p class="nhsuk-body-s candour-meta">
                        {format!("Your comment is about paragraph {number}, above. ")}
                        <a href=format!("/review/{slug}#comment-form")>"Comment on the whole policy instead"</a>
                    </p>
                }.into_any(),
                None => view! {
                    <div class="nhsuk-form-group" class:nhsuk-form-group--error=paragraph_error.is_some()>
                        <label class="nhsuk-label nhsuk-label--s" for="paragraph">"What is your comment about?"</label>
                        {paragraph_error.clone().map(|m| view! {
                            <span class="nhsuk-error-message" id="paragraph-error"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span>
                        })}
                        <select class="nhsuk-select" id="paragraph" name="paragraph">
                            <option value="whole" selected=chosen.is_empty() || chosen == "whole">"The whole policy"</option>
                            {options.into_iter().map(|(n, label)| view! {
                                <option value=n.to_string() selected=chosen == n.to_string()>{label}</option>
                            }).collect_view()}
                        </select>
                    </div>
                }.into_any(),
            }}
            <TextArea
                id="body"
                name="body"
                label="Your comment"
                hint="Plain text. Say what you think and, if you can, what would make it better."
                error=feedback.as_ref().and_then(|f| f.error_for("body"))
                value=feedback.as_ref().and_then(|f| f.value("body")).or(kept).unwrap_or_default()
                rows=6
                bold_label=true
                max=super::COMMENT_MAX
            />
            <button class="nhsuk-button" type="submit" data-test="post-comment">"Post comment"</button>
        </form>
    }
}

/// The PPIE team's answer to a thread: what the comment led to, and the answer. On the
/// review page (folded away) and in the answer queue (`from_queue`: it goes back there).
#[component]
pub(super) fn AnswerForm(thread: CommentThread, slug: String, from_queue: bool) -> impl IntoView {
    let id = thread.id;
    let slug_for_answer = slug;
    let answer_feedback = feedback("answer")
        .filter(|f| f.value("comment").as_deref() == Some(id.to_string().as_str()));
    let answer_error = answer_feedback
        .as_ref()
        .and_then(|f| f.error_for(&format!("answer-{id}")));
    let outcome_error = answer_feedback
        .as_ref()
        .and_then(|f| f.error_for(&format!("outcome-{id}")));
    let chosen_outcome = answer_feedback
        .as_ref()
        .and_then(|f| f.value("outcome"))
        .or_else(|| thread.response.as_ref().map(|r| r.outcome.clone()))
        .unwrap_or_default();
    let answer_text = answer_feedback
        .as_ref()
        .and_then(|f| f.value("body"))
        .or_else(|| thread.response.as_ref().map(|r| r.body.clone()))
        .unwrap_or_default();
    view! {
        <form method="post" action=format!("/review/{slug_for_answer}/comments/{id}/response") novalidate data-test="answer-form" data-unsaved-warning="">
            {from_queue.then(|| view! { <input type="hidden" name="from" value="queue" /> })}
            <input type="hidden" name="edits" value=thread.edits.len().to_string() />
            <div class="nhsuk-form-group" class:nhsuk-form-group--error=outcome_error.is_some()>
                <fieldset class="nhsuk-fieldset" id=format!("outcome-{id}") aria-describedby=outcome_error.is_some().then(|| format!("outcome-{id}-error"))>
                    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"What did the comment lead to?"</legend>
                    {outcome_error.clone().map(|m| view! { <span class="nhsuk-error-message" id=format!("outcome-{id}-error")><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                    <div class="nhsuk-radios">
                        {OUTCOMES.iter().map(|(key, label)| {
                            let input = format!("outcome-{id}-{key}");
                            view! {
                                <div class="nhsuk-radios__item">
                                    <input class="nhsuk-radios__input" id=input.clone() name="outcome" type="radio" value=*key checked=chosen_outcome == *key />
                                    <label class="nhsuk-label nhsuk-radios__label" for=input>{*label}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            </div>
            <TextArea
                id=format!("answer-{id}")
                name="body"
                label="The answer"
                hint="The critical friend reads this now; the public reads it once the policy is published."
                error=answer_error
                value=answer_text
                rows=4
            />
            <button class="nhsuk-button nhsuk-button--secondary" type="submit" data-test="save-answer">"Save answer"</button>
        </form>
    }
}

/// "Edited": the texts a comment had before its author changed it, oldest first.
#[component]
pub(super) fn EarlierTexts(edits: Vec<super::EarlierText>) -> impl IntoView {
    (!edits.is_empty()).then(|| {
        let count = edits.len();
        view! {
            <details class="nhsuk-details candour-earlier" data-test="earlier-texts">
                <summary class="nhsuk-details__summary">
                    <span class="nhsuk-details__summary-text">{format!("Edited by its author: earlier text{} ({count})", if count == 1 { "" } else { "s" })}</span>
                </summary>
                <div class="nhsuk-details__text">
                    <ol class="nhsuk-list">
                        {edits.into_iter().map(|e| view! {
                            <li>
                                <p class="candour-comment__body nhsuk-u-margin-bottom-1">{e.body}</p>
                                <p class="nhsuk-body-s candour-meta">{format!("Replaced {}", display_time(&e.replaced_at))}</p>
                            </li>
                        }).collect_view()}
                    </ol>
                </div>
            </details>
        }
    })
}

/// The reply and answer forms under a thread, each folded away until opened (and opened
/// when it is shown again with a mistake).
#[component]
fn ThreadForms(
    thread: CommentThread,
    slug: String,
    open: bool,
    may_answer: bool,
    kept_reply: Option<String>,
) -> impl IntoView {
    let id = thread.id;
    let reply_field = format!("reply-{id}");
    let reply_feedback = feedback("comment")
        .filter(|f| f.value("parent").as_deref() == Some(id.to_string().as_str()));
    let reply_error = reply_feedback
        .as_ref()
        .and_then(|f| f.error_for(&reply_field));
    let answer_feedback = feedback("answer")
        .filter(|f| f.value("comment").as_deref() == Some(id.to_string().as_str()));
    let answer_open = answer_feedback.is_some();
    let answered = thread.response.is_some();
    // An answered comment that asks for something the policy cannot hold can join the
    // register as a recommendation of the policy review.
    let may_recommend = may_answer && answered && thread.recommendation.is_none();
    let slug_for_answer = slug.clone();
    let thread_for_answer = thread.clone();
    // The author may change or withdraw their comment until it is answered; a change refused
    // (answered meanwhile) comes back with what they typed and why.
    let edit_feedback =
        feedback("edit").filter(|f| f.value("comment").as_deref() == Some(id.to_string().as_str()));
    let editable = thread.mine
        && (edit_feedback.is_some()
            || (open && thread.response.is_none() && thread.removed.is_none()));
    let edit_field = format!("edit-{id}");
    let edit_error = edit_feedback
        .as_ref()
        .and_then(|f| f.error_for(&edit_field));
    let edit_text = edit_feedback
        .as_ref()
        .and_then(|f| f.value("body"))
        .unwrap_or_else(|| thread.body.clone());
    let slug_for_edit = slug.clone();
    view! {
        {editable.then(|| view! {
            <details class="nhsuk-details candour-thread__form" open=edit_feedback.is_some() data-test="own-comment">
                <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">"Change or withdraw your comment"</span></summary>
                <div class="nhsuk-details__text">
                    <p class="nhsuk-body-s">"You can do this until it is answered. Its earlier text stays with it, for everyone to see."</p>
                    <form method="post" action=format!("/review/{slug_for_edit}/comments/{id}/edit") novalidate data-test="edit-form" data-unsaved-warning="">
                        <TextArea
                            id=edit_field.clone()
                            name="body"
                            label="Change your comment to"
                            error=edit_error
                            value=edit_text
                            rows=4
                            max=super::COMMENT_MAX
                        />
                        <button class="nhsuk-button nhsuk-button--secondary" type="submit" data-test="save-edit">"Save the change"</button>
                    </form>
                    <form method="post" action=format!("/review/{slug_for_edit}/comments/{id}/withdraw") class="candour-inline-form">
                        // A double click on "Yes, withdraw it" withdraws once and lands on the
                        // same page, not on "already withdrawn".
                        <crate::forms::IdempotencyKey form="edit" one_of_many=true />
                        <button class="nhsuk-button nhsuk-button--warning" type="submit" data-test="withdraw">"Withdraw your comment"</button>
                    </form>
                </div>
            </details>
        })}
        {open.then(|| view! {
            <details class="nhsuk-details candour-thread__form" open=reply_feedback.is_some() || kept_reply.is_some()>
                <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">"Reply"</span></summary>
                <div class="nhsuk-details__text">
                    <form method="post" action=format!("/review/{slug}/comments") novalidate data-test="reply-form" data-unsaved-warning="">
                        <crate::forms::IdempotencyKey form="comment" />
                        <input type="hidden" name="parent" value=id.to_string() />
                        <TextArea
                            id=reply_field.clone()
                            name="body"
                            label="Your reply"
                            hint="Plain text."
                            error=reply_error
                            value=reply_feedback.as_ref().and_then(|f| f.value("body")).or_else(|| kept_reply.clone()).unwrap_or_default()
                            rows=3
                            max=super::COMMENT_MAX
                        />
                        <button class="nhsuk-button nhsuk-button--secondary" type="submit" data-test="post-reply">"Post reply"</button>
                    </form>
                </div>
            </details>
        })}
        {may_answer.then(|| view! {
            <details class="nhsuk-details candour-thread__form" open=answer_open>
                <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">{if answered { "Change the answer" } else { "Answer this comment" }}</span></summary>
                <div class="nhsuk-details__text">
                    <AnswerForm thread=thread_for_answer.clone() slug=slug_for_answer.clone() from_queue=false />
                </div>
            </details>
        })}
        {may_recommend.then(|| view! {
            <p><a href=format!("/admin/actions/new?engagement=policy-review&from_comment={id}") data-test="make-recommendation">"Make this a recommendation"</a></p>
        })}
    }
}
