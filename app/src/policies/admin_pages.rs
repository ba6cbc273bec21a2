//! The PPIE team's policy pages: `/admin/policies` (every policy, any state) and the page
//! of one policy, where its newest version is edited, opened for review, revised and
//! published.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{get_admin_policies, get_policy_editor, state_label, PolicyEditor};
use crate::{
    components::{loaded, page_title},
    dates::display_date,
    dates::display_time,
    forms::{feedback, DateInput, DoneNotice, ErrorSummary, TextArea, TextField},
    layout::StaffNav,
};

#[component]
fn StateTag(state: String) -> impl IntoView {
    let colour = match state.as_str() {
        "published" => "green",
        "in_review" => "blue",
        "draft" => "grey",
        _ => "white",
    };
    view! { <strong class=format!("nhsuk-tag nhsuk-tag--{colour}") data-test="policy-state">{state_label(&state)}</strong> }
}

#[component]
pub fn AdminPoliciesPage() -> impl IntoView {
    loaded(get_admin_policies, |policies| {
        view! {
            <Title text=page_title("Draft and publish policies") />
            <StaffNav current="policies" />
            <DoneNotice notices=super::NOTICES />
            <h1>"Draft and publish policies"</h1>
            <p>"Write a draft, open it for review by Digital Critical Friends, answer every comment, then publish. Publishing makes the text, the comments and the answers public."</p>
            <p><a class="nhsuk-button" href="/admin/policies/new" data-test="new-policy">"Write a new policy"</a></p>
            {if policies.is_empty() {
                view! { <p>"There are no policies yet."</p> }.into_any()
            } else {
                view! {
                    <table class="nhsuk-table-responsive" data-test="admin-policies">
                        <thead class="nhsuk-table__head"><tr>
                            <th scope="col">"Policy"</th><th scope="col">"Newest version"</th><th scope="col">"State"</th><th scope="col">"Comments on it"</th>
                        </tr></thead>
                        <tbody class="nhsuk-table__body">
                            {policies.into_iter().map(|p| view! {
                                <tr class="nhsuk-table__row" data-test="admin-policy">
                                    <td class="nhsuk-table__cell"><a href=format!("/admin/policies/{}", p.id)>{p.title.clone()}</a></td>
                                    <td class="nhsuk-table__cell">{p.version}</td>
                                    <td class="nhsuk-table__cell"><StateTag state=p.state.clone() /></td>
                                    <td class="nhsuk-table__cell">{format!("{}, {} without an answer", p.comments, p.unanswered)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        }
    })
}

#[component]
pub fn PolicyEditorPage() -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .and_then(|id| id.parse::<i64>().ok());
    loaded(
        move || get_policy_editor(id),
        |policy| view! { <Editor policy /> },
    )
}

#[component]
fn Editor(policy: PolicyEditor) -> impl IntoView {
    let is_new = policy.id.is_none();
    let id = policy.id.unwrap_or_default();
    let draft = policy.state == "draft";
    let posted = |field: &str| feedback("policy").and_then(|f| f.value(field));
    let title = posted("title").unwrap_or_else(|| policy.title.clone());
    let summary = posted("summary").unwrap_or_else(|| policy.summary.clone());
    let body = posted("body").unwrap_or_else(|| policy.body.clone());
    let updated_at = posted("updated_at").unwrap_or_else(|| policy.updated_at.clone());
    let body_error = feedback("policy").and_then(|f| f.error_for("body"));
    let action = if is_new {
        "/admin/policies/new".to_owned()
    } else {
        format!("/admin/policies/{id}")
    };
    let heading = if is_new {
        "Write a new policy".to_owned()
    } else {
        policy.title.clone()
    };
    let unanswered = policy.unanswered;
    let closes_default = policy.suggested_closes.clone();
    view! {
        <Title text=page_title(&heading) />
        <StaffNav current="policies" />
        <crate::components::Breadcrumbs items=vec![("/admin/policies".to_string(), "Draft and publish policies".to_string())] />
        <DoneNotice notices=super::NOTICES />
        <ErrorSummary form="policy" />
        <ErrorSummary form="review" />
        <ErrorSummary form="publish" />
        <ErrorSummary form="revise" />
        <h1>{heading}</h1>
        {(!is_new).then(|| view! {
            <dl class="nhsuk-summary-list" id="policy-facts" tabindex="-1" data-test="policy-facts">
                <div class="nhsuk-summary-list__row">
                    <dt class="nhsuk-summary-list__key">"Newest version"</dt>
                    <dd class="nhsuk-summary-list__value">{policy.version}" "<StateTag state=policy.state.clone() /></dd>
                </div>
                {policy.review_closes.clone().map(|closes| view! {
                    <div class="nhsuk-summary-list__row">
                        <dt class="nhsuk-summary-list__key">"Comments close"</dt>
                        <dd class="nhsuk-summary-list__value">{format!("At the end of {}", display_date(&closes))}</dd>
                    </div>
                })}
                <div class="nhsuk-summary-list__row">
                    <dt class="nhsuk-summary-list__key">"Comments not yet public"</dt>
                    <dd class="nhsuk-summary-list__value" data-test="comment-counts">
                        {format!("{}, {} without an answer", policy.comments, policy.unanswered)}
                        {policy.versions.iter().any(|v| v.review_opened.is_some()).then(|| view! {
                            " " <a href=format!("/review/{}", policy.slug)>"Read and answer them"</a>
                        })}
                    </dd>
                </div>
                {policy.has_published.then(|| view! {
                    <div class="nhsuk-summary-list__row">
                        <dt class="nhsuk-summary-list__key">"Public page"</dt>
                        <dd class="nhsuk-summary-list__value"><a href=format!("/policies/{}", policy.slug)>{format!("/policies/{}", policy.slug)}</a></dd>
                    </div>
                })}
            </dl>
        })}
        {draft.then(|| view! {
            <h2 id="draft-heading">{if is_new { "The draft" } else { "Edit the draft" }}</h2>
            <form method="post" action=action novalidate aria-labelledby="draft-heading" data-test="policy-form" data-unsaved-warning="">
                <crate::forms::IdempotencyKey form="policy" />
                <input type="hidden" name="updated_at" value=updated_at />
                <TextField form="policy" name="title" label="Title" value=title />
                {is_new.then(|| view! {
                    <TextField form="policy" name="slug" label="Web address (optional)" hint="The policy will be at /policies/ and this. Leave it empty to make one from the title. It cannot change later." />
                })}
                <TextField form="policy" name="summary" label="Summary" hint="What the policy is for, in a sentence or two (up to 300 characters)." value=summary />
                <TextArea
                    id="body"
                    name="body"
                    label="The policy (Markdown)"
                    hint="Each paragraph, list or table is numbered, so critical friends can comment on it. Headings start with #."
                    error=body_error
                    value=body
                    rows=20
                />
                <button class="nhsuk-button" type="submit" data-test="save-policy">{if is_new { "Create draft" } else { "Save draft" }}</button>
            </form>
        })}
        {(!is_new && draft).then(|| view! {
            <h2 id="review-heading">"Open it for review"</h2>
            <p>"Digital Critical Friends can then read the draft and comment until the end of the closing day. Its text cannot change while it is in review; start a revised draft to change it."</p>
            <form method="post" action=format!("/admin/policies/{id}/review") novalidate aria-labelledby="review-heading" data-test="open-review-form">
                <DateInput form="review" name="closes" legend="Comments close on" hint="Today or later, within a year. For example, 14 12 2026." value=closes_default />
                <button class="nhsuk-button nhsuk-button--secondary" type="submit" data-test="open-review">"Open for review"</button>
            </form>
        })}
        {(!is_new && matches!(policy.state.as_str(), "draft" | "in_review")).then(|| view! {
            <h2 id="publish-heading">"Publish this version"</h2>
            {if unanswered > 0 {
                view! {
                    <p>
                        {format!("{unanswered} comment{} still need{} an answer: publishing waits until every comment has one. ", if unanswered == 1 { "" } else { "s" }, if unanswered == 1 { "s" } else { "" })}
                        <a href=format!("/admin/policies/{id}/answers") data-test="answer-queue-link">"Answer them, oldest first"</a>
                    </p>
                }.into_any()
            } else {
                view! { <p>"The text becomes the public policy, and the comments and answers of its review are published with it."</p> }.into_any()
            }}
            <form method="post" action=format!("/admin/policies/{id}/publish") novalidate aria-labelledby="publish-heading" data-test="publish-form">
                <TextField form="publish" name="change_note" label="What this version changes" hint="Plain words, shown on the public page (up to 500 characters)." />
                <button class="nhsuk-button" type="submit" data-test="publish-policy">"Publish"</button>
            </form>
        })}
        {(!is_new && !draft).then(|| view! {
            <h2 id="revise-heading">"Start a revised draft"</h2>
            <p>{if policy.state == "in_review" {
                "A new draft starts from this text. The review of this version closes, and its comments stay for you to answer."
            } else {
                "A new draft starts from the newest version's text. The published policy stays public until you publish the new one."
            }}</p>
            <form method="post" action=format!("/admin/policies/{id}/revise") aria-labelledby="revise-heading" data-test="revise-form">
                <button class="nhsuk-button nhsuk-button--secondary" type="submit" data-test="revise-policy">"Start a revised draft"</button>
            </form>
        })}
        {(!policy.versions.is_empty()).then(|| view! {
            <h2>"Versions"</h2>
            <table class="nhsuk-table-responsive" data-test="policy-versions">
                <thead class="nhsuk-table__head"><tr>
                    <th scope="col">"Version"</th><th scope="col">"State"</th><th scope="col">"Review"</th><th scope="col">"Published"</th>
                </tr></thead>
                <tbody class="nhsuk-table__body">
                    {policy.versions.iter().map(|v| view! {
                        <tr class="nhsuk-table__row">
                            <td class="nhsuk-table__cell">{v.number}</td>
                            <td class="nhsuk-table__cell"><StateTag state=v.state.clone() /></td>
                            <td class="nhsuk-table__cell">{match (&v.review_opened, &v.review_closes) {
                                (Some(opened), Some(closes)) => format!("{} to {}", display_date(opened), display_date(closes)),
                                _ => "None".to_owned(),
                            }}</td>
                            <td class="nhsuk-table__cell">{v.published_at.as_deref().map(display_time).map(|at| format!("{at}: {}", v.change_note)).unwrap_or_else(|| "No".to_owned())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}

/// The policies' part of the staff home: reviews open now, with how many comments still
/// need an answer, and drafts.
#[component]
pub fn PoliciesPanel() -> impl IntoView {
    loaded(get_admin_policies, |policies| {
        let reviews: Vec<_> = policies
            .iter()
            .filter(|p| p.state == "in_review")
            .cloned()
            .collect();
        let drafts: Vec<_> = policies
            .iter()
            .filter(|p| p.state == "draft")
            .cloned()
            .collect();
        view! {
            <section aria-labelledby="reviews-heading" data-test="open-reviews">
                <h2 id="reviews-heading">"Policy reviews open now"</h2>
                {if reviews.is_empty() {
                    view! { <p>"No review is open."</p> }.into_any()
                } else {
                    view! {
                        <ul class="nhsuk-list nhsuk-list--bullet">
                            {reviews.into_iter().map(|p| view! {
                                <li>
                                    <a href=format!("/review/{}", p.slug)>{p.title.clone()}</a>
                                    {p.review_closes.as_deref().map(|c| format!(", closes {}", display_date(c)))}
                                    ". "
                                    {if p.unanswered == 0 {
                                        view! { <span>"Every comment has an answer."</span> }.into_any()
                                    } else {
                                        view! { <a href=format!("/admin/policies/{}/answers", p.id) data-test="unanswered">{format!("{} comment{} need{} an answer", p.unanswered, if p.unanswered == 1 { "" } else { "s" }, if p.unanswered == 1 { "s" } else { "" })}</a> }.into_any()
                                    }}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section aria-labelledby="draft-policies-heading">
                <h2 id="draft-policies-heading">"Draft policies"</h2>
                {if drafts.is_empty() {
                    view! { <p>"No policy is being drafted."</p> }.into_any()
                } else {
                    view! {
                        <ul class="nhsuk-list nhsuk-list--bullet">
                            {drafts.into_iter().map(|p| view! {
                                <li><a href=format!("/admin/policies/{}", p.id)>{p.title.clone()}</a></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        }
    })
}
