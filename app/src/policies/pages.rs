//! Public policy pages: the list and each policy with its published reviews, and the
//! parts the review pages share (numbered text, threads, removal).

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_params_map;

use super::{
    get_policies, get_policy, outcome_label, review_summary, AnswerLink, CommentThread, PolicyBlock,
};
use crate::{
    components::{loaded, page_title},
    dates::display_date,
    dates::display_time,
    forms::{feedback, DoneNotice, ErrorSummary, TextArea},
};

pub(super) fn slug_param() -> String {
    use_params_map()
        .get_untracked()
        .get("slug")
        .unwrap_or_default()
}

pub(super) fn plural(n: i64, one: &str, many: &str) -> String {
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
            <crate::email::SubscribeForm topic="policies".to_owned() what="new versions of SDE policies".to_owned() />
            <p>"Or, in a feed reader: "<a href="/policies/feed.atom">"new policy versions (Atom feed)"</a></p>
        }
    })
}

/// A policy's text, one block after another, each with its number shown in the margin
/// and an anchor (`#p-3`), so "paragraph 3" in a comment can be found, on screen and on
/// paper. A screen reader hears "Paragraph 3" before it.
#[component]
pub(super) fn PolicyText(blocks: Vec<PolicyBlock>) -> impl IntoView {
    view! {
        <div class="candour-prose candour-policy" data-test="policy-body">
            {blocks.into_iter().map(|b| view! {
                <div class="candour-policy__block candour-policy__block--numbered" id=format!("p-{}", b.number) data-test="policy-block">
                    <span class="candour-policy__number"><span class="nhsuk-u-visually-hidden">"Paragraph "</span>{b.number}</span>
                    <div inner_html=b.html.into_inner()></div>
                </div>
            }).collect_view()}
        </div>
    }
}

pub(super) fn author_line(author: &str, staff: bool, at: &str) -> String {
    let role = if staff {
        "PPIE team"
    } else {
        "Digital Critical Friend"
    };
    format!("{author} ({role}), {}", display_time(at))
}

/// One thread: the comment, its replies and the team's answer. `children` adds the forms
/// (reply, answer) on the review page.
/// A comment's text, or the reason it was removed, or that it was withdrawn (by its author,
/// or with their closed account: the reason says which, and no one else is named).
pub(super) fn comment_text(
    body: String,
    removed: Option<String>,
    withdrawn: bool,
) -> impl IntoView {
    match removed {
        Some(reason) if withdrawn => view! {
            <p class="candour-comment__body candour-meta" data-test="withdrawn">
                <em>{reason}</em>
            </p>
        }
        .into_any(),
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
pub(super) fn Thread(
    thread: CommentThread,
    /// The review's slug, when the viewer may remove comments (staff).
    #[prop(default = None)]
    moderate: Option<String>,
    /// Where the paragraph it is about can be read (public pages: the version it was made on).
    #[prop(default = None)]
    paragraph_href: Option<String>,
    /// Where the change it led to can be read (public pages).
    #[prop(default = None)]
    change: Option<AnswerLink>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let quote = thread
        .quote
        .clone()
        .map(|quote| format!(", which begins “{quote}”"))
        .unwrap_or_default();
    let about = match (thread.paragraph, paragraph_href) {
        (Some(n), Some(href)) => view! {
            "On "<a href=href data-test="comment-paragraph">{format!("paragraph {n}")}</a>{quote}
        }
        .into_any(),
        (Some(n), None) => format!("On paragraph {n}{quote}").into_any(),
        (None, _) => "On the whole policy".into_any(),
    };
    view! {
        <article class="candour-thread" id=format!("comment-{}", thread.id) data-test="thread">
            <p class="nhsuk-body-s candour-meta nhsuk-u-margin-bottom-1">{about}</p>
            <div class="candour-comment">
                {comment_text(thread.body.clone(), thread.removed.clone(), thread.withdrawn)}
                <p class="nhsuk-body-s candour-meta">{author_line(&thread.author, thread.author_is_staff, &thread.created_at)}</p>
                <super::review_pages::EarlierTexts edits=thread.edits.clone() />
            </div>
            {(!thread.replies.is_empty()).then(|| view! {
                <ul class="nhsuk-list candour-replies" aria-label="Replies">
                    {thread.replies.iter().map(|r| view! {
                        <li class="candour-comment" id=format!("comment-{}", r.id) data-test="reply">
                            {comment_text(r.body.clone(), r.removed.clone(), r.withdrawn)}
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
                        {change.clone().map(|link| view! {
                            <p class="nhsuk-body-s" data-test="answer-link"><a href=link.href>{link.text}</a></p>
                        })}
                    </div>
                }.into_any(),
                // A withdrawn or removed comment needs no answer.
                None if thread.removed.is_some() => ().into_any(),
                None => view! { <p class="nhsuk-body-s candour-meta" data-test="no-answer">"Not answered yet."</p> }.into_any(),
            }}
            {thread.recommendation.clone().map(|reference| view! {
                <p class="nhsuk-body-s" data-test="became-recommendation">
                    "This comment became recommendation "
                    <a href=format!("/actions/{reference}")>{reference.clone()}</a>
                    " in the register."
                </p>
            })}
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
        |page| {
            let super::PolicyPageData {
                policy,
                answer_links,
            } = page;
            // Staff may remove a comment from a published review (it named a patient, say).
            let moderate = crate::accounts::viewer_now()
                .filter(|viewer| viewer.may(crate::accounts::Permission::ManagePolicies))
                .map(|_| policy.slug.clone());
            let slug = policy.slug.clone();
            let has_reviews = !policy.reviews.is_empty();
            view! {
                <Title text=page_title(&policy.title) />
                <Meta name="description" content=policy.summary.clone() />
                <crate::components::Breadcrumbs items=vec![("/".to_string(), "Home".to_string()), ("/policies".to_string(), "Policies".to_string())] />
                <DoneNotice notices=super::NOTICES />
                <ErrorSummary form="remove" />
                <span class="nhsuk-caption-l">{format!("Policy, version {} · published {}", policy.version, display_date(policy.published_at.get(..10).unwrap_or_default()))}</span>
                <h1>{policy.title.clone()}</h1>
                <p class="nhsuk-lede-text">{policy.summary.clone()}</p>
                <div class="nhsuk-inset-text">
                    <h2 class="nhsuk-heading-s">"What this version changed"</h2>
                    <p data-test="change-note">{policy.change_note.clone()}</p>
                    <p class="nhsuk-body-s" data-test="version-links">
                        <a href=format!("/policies/{slug}/versions")>"Every version of this policy"</a>
                        {(policy.version > 1).then(|| view! {
                            " · "<a href=format!("/policies/{slug}/compare")>"Compare this version with the one before"</a>
                        })}
                    </p>
                </div>
                <p class="nhsuk-body-s candour-meta">"The numbers beside the text are paragraph numbers: comments name the paragraph they are about."</p>
                <PolicyText blocks=policy.blocks.clone() />
                <section class="candour-section" aria-labelledby="reviews-heading" data-test="reviews">
                    <h2 id="reviews-heading">"What Digital Critical Friends said, and our answers"</h2>
                    {if !has_reviews {
                        view! { <p>"This version was published without a public review."</p> }.into_any()
                    } else {
                        policy.reviews.into_iter().map(|review| {
                            let heading = format!("review-{}", review.version);
                            let labelled_by = heading.clone();
                            let version = review.version;
                            let slug = slug.clone();
                            view! {
                                <section aria-labelledby=labelled_by data-test="public-review">
                                    <h3 id=heading>{format!("Review of draft version {}", review.version)}</h3>
                                    <p class="nhsuk-body-s candour-meta">{format!(
                                        "Open from {} to {}.",
                                        display_date(&review.opened),
                                        display_date(&review.closed),
                                    )}</p>
                                    <p data-test="review-summary">
                                        {review_summary(&review.threads)}" "
                                        <a href=format!("/policies/{slug}/versions/{version}/review.csv") data-test="review-csv">
                                            {format!("Download every comment and answer on version {version} (CSV)")}
                                        </a>
                                    </p>
                                    {if review.threads.is_empty() {
                                        view! { <p>"Nobody commented on this draft."</p> }.into_any()
                                    } else {
                                        review.threads.into_iter().map(|thread| {
                                            let change = answer_links.iter().find(|l| l.comment == thread.id).cloned();
                                            let paragraph_href = thread.paragraph.map(|n| format!("/policies/{slug}/versions/{version}#p-{n}"));
                                            view! { <Thread thread moderate=moderate.clone() paragraph_href change /> }
                                        }).collect_view().into_any()
                                    }}
                                </section>
                            }
                        }).collect_view().into_any()
                    }}
                    {has_reviews.then(|| view! {
                        <p class="nhsuk-body-s">
                            <a href=format!("/policies/{slug}/moderation") data-test="moderation-link">"Comments removed from these reviews, and why"</a>
                        </p>
                    })}
                </section>
            }
        },
    )
}

/// Staff remove a comment (personal details, abuse): the reason shows in its place.
#[component]
pub(super) fn RemoveForm(slug: String, id: i64) -> impl IntoView {
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
                    let status = if c.withdrawn {
                        "Withdrawn".to_owned()
                    } else if c.removed {
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
