//! The PPIE team's answer queue, `/admin/policies/{id}/answers`: every comment of the
//! policy's current review that still needs an answer, oldest first, each with the
//! paragraph it is about, its discussion, and the answer form beside it — instead of
//! scrolling the whole policy for folded-away forms.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::{pages::Thread, review_pages::AnswerForm, CommentThread, PolicyBlock};
use crate::{
    components::{loaded, page_title},
    dates::display_time,
    error::AppError,
    forms::{DoneNotice, ErrorSummary},
    layout::StaffNav,
};

/// One comment waiting for an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub thread: CommentThread,
    /// The paragraph it is about, in the version it was made on (`None`: the whole policy).
    pub block: Option<PolicyBlock>,
}

/// The queue of one policy's review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerQueue {
    pub policy_id: i64,
    pub slug: String,
    pub title: String,
    /// The version under review (0 when the policy has never been reviewed).
    pub version: i64,
    /// The review's answers are public (published): nothing can be answered any more.
    pub review_public: bool,
    pub items: Vec<QueueItem>,
}

/// Policy `id`'s answer queue.
#[leptos::server(prefix = "/_fn", endpoint = "answer-queue")]
pub async fn get_answer_queue(id: i64) -> Result<AnswerQueue, AppError> {
    crate::accounts::ssr::require(crate::accounts::Permission::ManagePolicies)?;
    let state = crate::state::app_state()?;
    super::ssr::answer_queue(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

#[component]
pub fn AnswerQueuePage() -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .and_then(|id| id.parse::<i64>().ok())
        .unwrap_or_default();
    loaded(
        move || get_answer_queue(id),
        |queue| view! { <Queue queue /> },
    )
}

#[component]
fn Queue(queue: AnswerQueue) -> impl IntoView {
    let count = queue.items.len();
    let slug = queue.slug.clone();
    view! {
        <Title text=page_title(format!("Comments to answer: {}", queue.title)) />
        <StaffNav current="policies" />
        <crate::components::Breadcrumbs items=vec![
            ("/admin/policies".to_string(), "Draft and publish policies".to_string()),
            (format!("/admin/policies/{}", queue.policy_id), queue.title.clone()),
        ] />
        <DoneNotice notices=super::NOTICES />
        <ErrorSummary form="answer" />
        <h1>"Comments to answer"</h1>
        {if queue.version == 0 {
            view! { <p class="nhsuk-lede-text">{format!("{} has not been open for review yet.", queue.title)}</p> }.into_any()
        } else {
            view! {
                <p class="nhsuk-lede-text">
                    {format!("{}, version {}. ", queue.title, queue.version)}
                    <a href=format!("/review/{slug}")>"Read the whole draft with every discussion"</a>
                </p>
            }.into_any()
        }}
        <p data-test="queue-count">{match (count, queue.review_public) {
            (_, _) if queue.version == 0 => "No comments yet: they come once the policy is open for review.".to_owned(),
            (_, true) => "This review has been published with its answers: nothing is waiting.".to_owned(),
            (0, false) => "Every comment has an answer. Publishing the policy publishes them with it.".to_owned(),
            (1, false) => "1 comment is waiting for an answer, oldest first.".to_owned(),
            (n, false) => format!("{n} comments are waiting for an answer, oldest first."),
        }}</p>
        <ol class="nhsuk-list candour-queue" data-test="answer-queue">
            {queue.items.into_iter().map(|item| {
                let thread = item.thread.clone();
                let place = match (&item.block, thread.paragraph) {
                    (Some(_), Some(n)) => format!("On paragraph {n}, posted {}", display_time(&thread.created_at)),
                    _ => format!("On the whole policy, posted {}", display_time(&thread.created_at)),
                };
                view! {
                    <li class="candour-queue__item" data-test="queue-item">
                        <h2 class="nhsuk-heading-s">{place}</h2>
                        <div class="nhsuk-grid-row">
                            <div class="nhsuk-grid-column-one-half">
                                {item.block.map(|block| view! {
                                    <blockquote class="candour-queue__paragraph candour-prose" data-test="queue-paragraph">
                                        <div inner_html=block.html.into_inner()></div>
                                    </blockquote>
                                })}
                                <Thread thread=thread.clone() />
                            </div>
                            <div class="nhsuk-grid-column-one-half">
                                <AnswerForm thread slug=slug.clone() from_queue=true />
                            </div>
                        </div>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
