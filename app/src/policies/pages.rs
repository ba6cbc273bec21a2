//! Policy pages: the public list and policy (with its published reviews), and the review
//! in progress where Digital Critical Friends comment and the PPIE team answers.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    get_policies, get_policy, get_review, get_reviews, outcome_label, CommentThread, PolicyBlock,
    ReviewView, OUTCOMES,
};
use crate::{
    components::{loaded, page_title},
    dates::display_date,
    dates::display_time,
    forms::{feedback, DoneNotice, ErrorSummary, TextArea},
};

fn slug_param() -> String {
    use_params_map()
        .get_untracked()
        .get("slug")
        .unwrap_or_default()
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[component]
pub fn PoliciesPage() -> impl IntoView {
    loaded(get_policies, |policies| {
        view! {
            <Title text=page_title("Policies") />
            <Meta name="description" content="The policies that govern the Secure Data Environment, and what Digital Critical Friends said about each draft." />
            <Link rel="alternate" type_="application/atom+xml" title="New policy versions" href="/policies/feed.atom" />
            <h1>"Policies"</h1>
            <p class="nhsuk-lede-text">
                "The rules the Secure Data Environment works by. Before a policy is published, Digital Critical Friends (trained members of the public) review the draft, and the PPIE team answers every comment. Each policy shows what they said and what changed."
            </p>
            {if policies.is_empty() {
                view! { <p data-test="no-policies">"No policies have been published yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="nhsuk-list candour-results">
                        {policies.into_iter().map(|p| view! {
                            <li class="candour-results__item" data-test="policy-item">
                                <p class="nhsuk-body-s candour-meta nhsuk-u-margin-bottom-1">
                                    {format!("Version {}", p.version)}
                                    {p.published_at.as_deref().map(|at| format!(" · published {}", display_date(at.get(..10).unwrap_or(at))))}
                                </p>
                                <h2 class="nhsuk-heading-s nhsuk-u-margin-bottom-1"><a href=format!("/policies/{}", p.slug)>{p.title}</a></h2>
                                <p class="nhsuk-body-s">{p.summary}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p><a href="/policies/feed.atom">"Follow new policy versions (Atom feed)"</a></p>
        }
    })
}

/// A policy's text, one block after another, each with an anchor (`#p-3`).
#[component]
fn PolicyText(blocks: Vec<PolicyBlock>) -> impl IntoView {
    view! {
        <div class="candour-prose candour-policy" data-test="policy-body">
            {blocks.into_iter().map(|b| view! {
                <div class="candour-policy__block" id=format!("p-{}", b.number) inner_html=b.html.into_inner()></div>
            }).collect_view()}
        </div>
    }
}

fn author_line(author: &str, staff: bool, at: &str) -> String {
    let role = if staff {
        "PPIE team"
    } else {
        "Digital Critical Friend"
    };
    format!("{author} ({role}), {}", display_time(at))
}

/// One thread: the comment, its replies and the team's answer. `children` adds the forms
/// (reply, answer) on the review page.
/// A comment's text, or the reason it was removed.
fn comment_text(body: String, removed: Option<String>) -> impl IntoView {
    match removed {
        Some(reason) => view! {
            <p class="candour-comment__body candour-meta" data-test="removed">
                <em>"Removed by the PPIE team: "</em>{reason}
            </p>
        }
        .into_any(),
        None => view! { <p class="candour-comment__body" data-test="comment-body">{body}</p> }
            .into_any(),
    }
}

#[component]
fn Thread(
    thread: CommentThread,
    /// The review's slug, when the viewer may remove comments (staff).
    #[prop(default = None)]
    moderate: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let about = match (thread.paragraph, thread.quote.clone()) {
        (Some(n), Some(quote)) => format!("On paragraph {n}, which begins “{quote}”"),
        (Some(n), None) => format!("On paragraph {n}"),
        (None, _) => "On the whole policy".to_owned(),
    };
    view! {
        <article class="candour-thread" id=format!("comment-{}", thread.id) data-test="thread">
            <p class="nhsuk-body-s candour-meta nhsuk-u-margin-bottom-1">{about}</p>
            <div class="candour-comment">
                {comment_text(thread.body.clone(), thread.removed.clone())}
                <p class="nhsuk-body-s candour-meta">{author_line(&thread.author, thread.author_is_staff, &thread.created_at)}</p>
            </div>
            {(!thread.replies.is_empty()).then(|| view! {
                <ul class="nhsuk-list candour-replies" aria-label="Replies">
                    {thread.replies.iter().map(|r| view! {
                        <li class="candour-comment" id=format!("comment-{}", r.id) data-test="reply">
                            {comment_text(r.body.clone(), r.removed.clone())}
                            <p class="nhsuk-body-s candour-meta">{author_line(&r.author, r.author_is_staff, &r.created_at)}</p>
                            {moderate.clone().filter(|_| r.removed.is_none()).map(|slug| view! { <RemoveForm slug id=r.id /> })}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {match thread.response.clone() {
                Some(response) => view! {
                    <div class="candour-answer" data-test="answer">
                        <p class="nhsuk-u-font-weight-bold nhsuk-u-margin-bottom-1">
                            "The PPIE team’s answer: "<strong class="nhsuk-tag nhsuk-tag--blue">{outcome_label(&response.outcome)}</strong>
                        </p>
                        <p class="candour-comment__body">{response.body.clone()}</p>
                        <p class="nhsuk-body-s candour-meta">{format!("{}, {}", response.responder, display_time(&response.responded_at))}</p>
                    </div>
                }.into_any(),
                None => view! { <p class="nhsuk-body-s candour-meta" data-test="no-answer">"Not answered yet."</p> }.into_any(),
            }}
            {children.map(|c| c())}
            {moderate.clone().filter(|_| thread.removed.is_none()).map(|slug| view! { <RemoveForm slug id=thread.id /> })}
        </article>
    }
}

#[component]
pub fn PolicyPage() -> impl IntoView {
    let slug = slug_param();
    loaded(
        move || get_policy(slug.clone()),
        |policy| {
            // Staff may remove a comment from a published review (it named a patient, say).
            let moderate = crate::accounts::viewer_now()
                .filter(|viewer| viewer.may(crate::accounts::Permission::ManagePolicies))
                .map(|_| policy.slug.clone());
            view! {
                <Title text=page_title(&policy.title) />
                <Meta name="description" content=policy.summary.clone() />
                <nav class="nhsuk-breadcrumb" aria-label="Breadcrumb">
                    <ol class="nhsuk-breadcrumb__list">
                        <li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" href="/">"Home"</a></li>
                        <li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" href="/policies">"Policies"</a></li>
                    </ol>
                </nav>
                <DoneNotice notices=super::NOTICES />
                <ErrorSummary form="remove" />
                <span class="nhsuk-caption-l">{format!("Policy, version {} · published {}", policy.version, display_date(policy.published_at.get(..10).unwrap_or_default()))}</span>
                <h1>{policy.title.clone()}</h1>
                <p class="nhsuk-lede-text">{policy.summary.clone()}</p>
                <div class="nhsuk-inset-text">
                    <h2 class="nhsuk-heading-s">"What this version changed"</h2>
                    <p data-test="change-note">{policy.change_note.clone()}</p>
                </div>
                <PolicyText blocks=policy.blocks.clone() />
                <section class="candour-section" aria-labelledby="reviews-heading" data-test="reviews">
                    <h2 id="reviews-heading">"What Digital Critical Friends said, and our answers"</h2>
                    {if policy.reviews.is_empty() {
                        view! { <p>"This version was published without a public review."</p> }.into_any()
                    } else {
                        policy.reviews.into_iter().map(|review| {
                            let heading = format!("review-{}", review.version);
                            let labelled_by = heading.clone();
                            view! {
                                <section aria-labelledby=labelled_by>
                                    <h3 id=heading>{format!("Review of draft version {}", review.version)}</h3>
                                    <p class="nhsuk-body-s candour-meta">{format!(
                                        "Open from {} to {}. {}.",
                                        display_date(&review.opened),
                                        display_date(&review.closed),
                                        plural(review.threads.len() as i64, "comment", "comments")
                                    )}</p>
                                    {if review.threads.is_empty() {
                                        view! { <p>"Nobody commented on this draft."</p> }.into_any()
                                    } else {
                                        review.threads.into_iter().map(|thread| view! { <Thread thread moderate=moderate.clone() /> }).collect_view().into_any()
                                    }}
                                </section>
                            }
                        }).collect_view().into_any()
                    }}
                </section>
            }
        },
    )
}

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
        <nav class="nhsuk-breadcrumb" aria-label="Breadcrumb">
            <ol class="nhsuk-breadcrumb__list">
                <li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" href="/account">"Your account"</a></li>
                <li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" href="/review">"Draft policies for review"</a></li>
            </ol>
        </nav>
        <DoneNotice notices=super::NOTICES />
        <ErrorSummary form="comment" />
        <ErrorSummary form="answer" />
        <ErrorSummary form="remove" />
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
                <h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">"Important: "</span>"Your text was not posted"</span></h2>
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
                <form method="post" action=format!("/review/{}/comments", review.slug) id="comment-form" novalidate data-test="comment-form" data-unsaved-warning="">
                    <div class="nhsuk-form-group" class:nhsuk-form-group--error=main_feedback.as_ref().and_then(|f| f.error_for("paragraph")).is_some()>
                        <label class="nhsuk-label nhsuk-label--s" for="paragraph">"What is your comment about?"</label>
                        {main_feedback.as_ref().and_then(|f| f.error_for("paragraph")).map(|m| view! {
                            <span class="nhsuk-error-message" id="paragraph-error"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span>
                        })}
                        <select class="nhsuk-select" id="paragraph" name="paragraph">
                            <option value="whole" selected=chosen.is_empty() || chosen == "whole">"The whole policy"</option>
                            {paragraph_options.into_iter().map(|(n, label)| view! {
                                <option value=n.to_string() selected=chosen == n.to_string()>{label}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <TextArea
                        id="body"
                        name="body"
                        label="Your comment"
                        hint="Plain text, up to 2,000 characters. Say what you think and, if you can, what would make it better."
                        error=main_feedback.as_ref().and_then(|f| f.error_for("body"))
                        value=main_feedback.as_ref().and_then(|f| f.value("body")).or_else(|| kept_comment.as_ref().map(|k| k.body.clone())).unwrap_or_default()
                        rows=6
                        bold_label=true
                    />
                    <button class="nhsuk-button" type="submit" data-test="post-comment">"Post comment"</button>
                </form>
            </section>
        })}
    }
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
    let answer_open = answer_feedback.is_some();
    let answered = thread.response.is_some();
    let slug_for_answer = slug.clone();
    view! {
        {open.then(|| view! {
            <details class="nhsuk-details candour-thread__form" open=reply_feedback.is_some() || kept_reply.is_some()>
                <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">"Reply"</span></summary>
                <div class="nhsuk-details__text">
                    <form method="post" action=format!("/review/{slug}/comments") novalidate data-test="reply-form" data-unsaved-warning="">
                        <input type="hidden" name="parent" value=id.to_string() />
                        <TextArea
                            id=reply_field.clone()
                            name="body"
                            label="Your reply"
                            hint="Plain text, up to 2,000 characters."
                            error=reply_error
                            value=reply_feedback.as_ref().and_then(|f| f.value("body")).or_else(|| kept_reply.clone()).unwrap_or_default()
                            rows=3
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
                    <form method="post" action=format!("/review/{slug_for_answer}/comments/{id}/response") novalidate data-test="answer-form" data-unsaved-warning="">
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
                </div>
            </details>
        })}
    }
}

/// Staff remove a comment (personal details, abuse): the reason shows in its place.
#[component]
fn RemoveForm(slug: String, id: i64) -> impl IntoView {
    let field = format!("remove-{id}");
    let mine = feedback("remove")
        .filter(|f| f.value("comment").as_deref() == Some(id.to_string().as_str()));
    let error = mine.as_ref().and_then(|f| f.error_for(&field));
    view! {
        <details class="nhsuk-details candour-thread__form" open=mine.is_some()>
            <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">"Remove this comment"</span></summary>
            <div class="nhsuk-details__text">
                <form method="post" action=format!("/review/{slug}/comments/{id}/remove") novalidate data-test="remove-form">
                    <TextArea
                        id=field
                        name="reason"
                        label="Why it is removed"
                        hint="Shown in its place, to everyone, for good. For example: it named a patient."
                        error=error
                        value=mine.as_ref().and_then(|f| f.value("reason")).unwrap_or_default()
                        rows=2
                    />
                    <button class="nhsuk-button nhsuk-button--warning" type="submit" data-test="remove-comment">"Remove comment"</button>
                </form>
            </div>
        </details>
    }
}

/// The account page's part about policy review: its notices and your comments.
#[component]
pub fn MyCommentsSection() -> impl IntoView {
    crate::components::loaded(super::get_my_comments, |comments| {
        view! { <MyComments comments /> }
    })
}

/// The account page's list of the comments someone started, and how each was answered.
#[component]
pub fn MyComments(comments: Vec<super::MyComment>) -> impl IntoView {
    (!comments.is_empty()).then(|| {
        let waiting = comments
            .iter()
            .filter(|c| c.outcome.is_none() && !c.removed)
            .count();
        view! {
            <h2 id="my-comments-heading">"Your comments on policies"</h2>
            <p data-test="my-comments-summary">{format!(
                "{}, {} waiting for an answer.",
                plural(comments.len() as i64, "comment", "comments"),
                waiting
            )}</p>
            <ul class="nhsuk-list candour-results" aria-labelledby="my-comments-heading">
                {comments.into_iter().map(|c| {
                    let status = if c.removed {
                        "Removed by the PPIE team".to_owned()
                    } else {
                        match &c.outcome {
                            Some(outcome) => format!("Answered: {}", outcome_label(outcome)),
                            None => "Waiting for an answer".to_owned(),
                        }
                    };
                    view! {
                        <li class="candour-results__item" data-test="my-comment">
                            <a href=c.href()>{format!("{}: “{}”", c.title, c.excerpt)}</a>
                            <p class="nhsuk-body-s candour-meta nhsuk-u-margin-bottom-0">
                                {format!("{} · {status}{}", display_time(&c.created_at), if c.public { " · published" } else { "" })}
                            </p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}
