//! Staff pages for engagements and recommendations.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    get_admin_engagements, get_engagement_editor, get_new_recommendation,
    get_recommendation_details, EngagementEditor, NewRecommendation, RecommendationDetails,
    ENGAGEMENT_KINDS, REASON_MAX, ROWS, SAID_MAX,
};
use crate::{
    components::{loaded, page_title},
    forms::{feedback, DateInput, DoneNotice, ErrorSummary, TextArea, TextField, TheirVersion},
    layout::StaffNav,
    register::{EvidenceLink, Figure},
};

fn param(name: &str) -> Option<String> {
    use_params_map().get_untracked().get(name)
}

fn typed(form: &str, field: &str) -> Option<String> {
    feedback(form).and_then(|f| f.value(field))
}

fn error(form: &str, field: &str) -> Option<String> {
    feedback(form).and_then(|f| f.error_for(field))
}

/// `/admin/engagements`: every engagement round with its recommendations.
#[component]
pub fn AdminEngagementsPage() -> impl IntoView {
    loaded(get_admin_engagements, |engagements| {
        view! {
            <Title text=page_title("Engagements and recommendations") />
            <StaffNav current="register" />
            <DoneNotice notices=crate::register::NOTICES />
            <h1>"Engagements and recommendations"</h1>
            <p>"Each engagement round gave the SDE recommendations, numbered with its prefix. Add a new round, such as a 2027 public panel, then its recommendations."</p>
            <p><a class="nhsuk-button" href="/admin/engagements/new" data-test="new-engagement">"Add an engagement"</a></p>
            {engagements.into_iter().map(|e| {
                let heading = format!("engagement-{}", e.key);
                view! {
                    <section aria-labelledby=heading.clone() data-test="admin-engagement">
                        <h2 id=heading.clone()>{format!("{} ({})", e.name, e.prefix)}</h2>
                        <p>
                            <a href=format!("/admin/engagements/{}", e.key)>"Edit the engagement"</a>
                            " · "
                            <a href=format!("/admin/actions/new?engagement={}", e.key) data-test="add-recommendation">"Add a recommendation"</a>
                        </p>
                        {(!e.recommendations.is_empty()).then(|| view! {
                            <details class="nhsuk-details">
                                <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">{format!("Its {} recommendations", e.recommendations.len())}</span></summary>
                                <div class="nhsuk-details__text">
                                    <ul class="nhsuk-list">
                                        {e.recommendations.into_iter().map(|(reference, title)| view! {
                                            <li>
                                                {format!("{reference}: {title} — ")}
                                                <a href=format!("/admin/actions/{reference}")>"update"</a>
                                                " · "
                                                <a href=format!("/admin/actions/{reference}/details")>"wording and details"</a>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </div>
                            </details>
                        })}
                    </section>
                }
            }).collect_view()}
        }
    })
}

/// `/admin/engagements/new` and `/admin/engagements/{key}`.
#[component]
pub fn EngagementEditorPage() -> impl IntoView {
    let key = param("key");
    loaded(
        move || get_engagement_editor(key.clone()),
        |editor| view! { <EngagementForm editor /> },
    )
}

#[component]
fn EngagementForm(editor: EngagementEditor) -> impl IntoView {
    let action = match &editor.key {
        Some(key) => format!("/admin/engagements/{key}"),
        None => "/admin/engagements/new".to_owned(),
    };
    let heading = match &editor.key {
        Some(_) => format!("Edit {}", editor.name),
        None => "Add an engagement".to_owned(),
    };
    let kind = typed("engagement", "kind").unwrap_or_else(|| editor.kind.clone());
    let kind_error = error("engagement", "kind");
    let has_kind_error = kind_error.is_some();
    let figures: Vec<Figure> = editor.figures.clone();
    let figure = move |n: usize, part: &str| {
        typed("engagement", &format!("figure-{n}-{part}")).unwrap_or_else(|| {
            figures
                .get(n)
                .map(|f| {
                    if part == "value" {
                        f.value.clone()
                    } else {
                        f.label.clone()
                    }
                })
                .unwrap_or_default()
        })
    };
    view! {
        <Title text=page_title(heading.clone()) />
        <StaffNav current="register" />
        <DoneNotice notices=crate::register::NOTICES />
        <ErrorSummary form="engagement" />
        <TheirVersion form="engagement" fields=vec![("Name", editor.name.clone()), ("Summary", editor.summary.clone()), ("Description", editor.body.clone())] />
        <h1>{heading}</h1>
        <form method="post" action=action novalidate data-test="engagement-form" data-unsaved-warning="">
            <crate::forms::IdempotencyKey form="engagement" />
            <input type="hidden" name="revision" value=typed("engagement", "revision").unwrap_or_else(|| editor.revision.clone()) />
            <TextField form="engagement" name="name" label="Name" value=editor.name.clone() />
            {editor.key.is_none().then(|| view! {
                <TextField form="engagement" name="key" label="Web address (optional)" hint="Lowercase words joined by hyphens, like public-panel-2027. Left empty, it is made from the name. It cannot change later." />
            })}
            <TextField form="engagement" name="prefix" label="Reference prefix" hint="The letters before each recommendation's number, like PP for PP-17. It cannot change once recommendations use it." value=editor.prefix.clone() width="4" />
            <div class="nhsuk-form-group" class:nhsuk-form-group--error=has_kind_error>
                <label class="nhsuk-label" for="kind">"Kind of engagement"</label>
                {kind_error.map(|m| view! { <span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                <select class="nhsuk-select" id="kind" name="kind">
                    {ENGAGEMENT_KINDS.iter().map(|(key, label)| view! { <option value=*key selected=kind == *key>{*label}</option> }).collect_view()}
                </select>
            </div>
            <DateInput form="engagement" name="started" legend="Start date" value=editor.started.clone() />
            <DateInput form="engagement" name="ended" legend="End date (optional)" hint="Leave it empty while the engagement goes on." value=editor.ended.clone().unwrap_or_default() />
            <TextArea id="summary" name="summary" label="Summary" hint="Who took part and what they did, in a sentence or two." error=error("engagement", "summary") value=typed("engagement", "summary").unwrap_or_else(|| editor.summary.clone()) rows=3 />
            <TextArea id="body" name="body" label="Description" hint="What happened and what people said, in plain words. Markdown for lists and links." error=error("engagement", "body") value=typed("engagement", "body").unwrap_or_else(|| editor.body.clone()) rows=12 />
            <fieldset class="nhsuk-fieldset" aria-describedby="figures-hint">
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"Its figures"</legend>
                <div class="nhsuk-hint" id="figures-hint">"Up to six, such as 600+ and “people took part”. Say plainly what each counts."</div>
                {(0..ROWS).map(|n| {
                    let value_id = format!("figure-{n}-value");
                    let label_id = format!("figure-{n}-label");
                    let message = error("engagement", &value_id).or_else(|| error("engagement", &label_id));
                    view! {
                        <div class="nhsuk-form-group candour-row" class:nhsuk-form-group--error=message.is_some()>
                            {message.clone().map(|m| view! { <span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                            <label class="nhsuk-label" for=value_id.clone()>{format!("Figure {}", n + 1)}</label>
                            <input class="nhsuk-input nhsuk-input--width-5" id=value_id.clone() name=value_id.clone() type="text" value=figure(n, "value") />
                            <label class="nhsuk-label" for=label_id.clone()>{format!("What figure {} counts", n + 1)}</label>
                            <input class="nhsuk-input" id=label_id.clone() name=label_id.clone() type="text" value=figure(n, "label") />
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <button class="nhsuk-button" type="submit" data-test="save-engagement">"Save the engagement"</button>
        </form>
    }
}

/// Checkboxes for values or priorities; `chosen` as stored or as posted.
#[component]
fn Choices(
    name: &'static str,
    legend: &'static str,
    options: Vec<(String, String)>,
    chosen: Vec<String>,
    error: Option<String>,
) -> impl IntoView {
    view! {
        <div class="nhsuk-form-group" class:nhsuk-form-group--error=error.is_some()>
            <fieldset class="nhsuk-fieldset" id=name>
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
                {error.clone().map(|m| view! { <span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                <div class="nhsuk-checkboxes nhsuk-checkboxes--small">
                    {options.into_iter().map(|(slug, label)| {
                        let id = format!("{name}-{slug}");
                        view! {
                            <div class="nhsuk-checkboxes__item">
                                <input class="nhsuk-checkboxes__input" id=id.clone() name=name type="checkbox" value=slug.clone() checked=chosen.contains(&slug) />
                                <label class="nhsuk-label nhsuk-checkboxes__label" for=id>{label}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// Rows of evidence links, filled from `stored` or as posted.
#[component]
fn EvidenceRows(form: &'static str, stored: Vec<EvidenceLink>) -> impl IntoView {
    view! {
        <fieldset class="nhsuk-fieldset" aria-describedby="evidence-hint">
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"Evidence"</legend>
            <div class="nhsuk-hint" id="evidence-hint">"Where readers can check what was done: a title and a full web address (https://…), or a page of this site (/reports/…)."</div>
            {(0..ROWS).map(|n| {
                let title_id = format!("evidence-{n}-title");
                let url_id = format!("evidence-{n}-url");
                let message = error(form, &title_id).or_else(|| error(form, &url_id));
                let posted = feedback(form).is_some_and(|f| !f.values.is_empty());
                let value = |field: &str, from_stored: fn(&EvidenceLink) -> String| {
                    if posted {
                        typed(form, field).unwrap_or_default()
                    } else {
                        stored.get(n).map(from_stored).unwrap_or_default()
                    }
                };
                let title = value(&title_id, |l| l.title.clone());
                let url = value(&url_id, |l| l.url.clone());
                view! {
                    <div class="nhsuk-form-group candour-row" class:nhsuk-form-group--error=message.is_some()>
                        {message.clone().map(|m| view! { <span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                        <label class="nhsuk-label" for=title_id.clone()>{format!("Evidence {}: title", n + 1)}</label>
                        <input class="nhsuk-input" id=title_id.clone() name=title_id.clone() type="text" value=title />
                        <label class="nhsuk-label" for=url_id.clone()>{format!("Evidence {}: web address", n + 1)}</label>
                        <input class="nhsuk-input" id=url_id.clone() name=url_id.clone() type="text" spellcheck="false" value=url />
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

fn chosen(form: &str, field: &str, stored: &[String]) -> Vec<String> {
    match feedback(form).filter(|f| !f.values.is_empty()) {
        Some(f) => f
            .value(field)
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        None => stored.to_vec(),
    }
}

/// `/admin/actions/new?engagement={key}` (and `&from_comment={id}` from a policy comment).
#[component]
pub fn RecommendationNewPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let engagement = query.get("engagement").unwrap_or_default();
    let from_comment = query.get("from_comment").and_then(|c| c.parse().ok());
    loaded(
        move || get_new_recommendation(engagement.clone(), from_comment),
        |start| view! { <NewRecommendationForm start /> },
    )
}

#[component]
fn NewRecommendationForm(start: NewRecommendation) -> impl IntoView {
    let from_comment = start.from_comment.clone();
    view! {
        <Title text=page_title(format!("Add a recommendation to {}", start.engagement_name)) />
        <StaffNav current="register" />
        <ErrorSummary form="recommendation" />
        <span class="nhsuk-caption-l">{start.engagement_name.clone()}</span>
        <h1>"Add a recommendation"</h1>
        {from_comment.clone().map(|(_, text, policy)| view! {
            <div class="nhsuk-inset-text" data-test="from-comment">
                <p>{format!("Made from a comment on the {policy}:")}</p>
                <blockquote><p>{text}</p></blockquote>
            </div>
        })}
        <form method="post" action="/admin/actions/new" novalidate data-test="recommendation-form" data-unsaved-warning="">
            <crate::forms::IdempotencyKey form="recommendation" />
            <input type="hidden" name="engagement" value=start.engagement_key.clone() />
            <input type="hidden" name="from_comment" value=from_comment.map(|(id, _, _)| id.to_string()).unwrap_or_default() />
            <TextField form="recommendation" name="reference" label="Reference" hint="The next free number is suggested." value=start.reference.clone() width="5" />
            <TextField form="recommendation" name="title" label="Title" hint="What the recommendation asks for, in a few words." />
            <TextArea id="what_you_said" name="what_you_said" label="What people said" hint="Their recommendation in their own words. Once published, a change to this wording needs a public reason." error=error("recommendation", "what_you_said") value=typed("recommendation", "what_you_said").unwrap_or_default() rows=6 />
            <p class="nhsuk-body-s candour-meta">{format!("Up to {SAID_MAX} characters.")}</p>
            <DateInput form="recommendation" name="raised" legend="Date raised" hint="When people made the recommendation. For example, 25 11 2026." value=start.today.clone() />
            <Choices name="values" legend="Core values it supports" options=start.values.clone() chosen=chosen("recommendation", "values", &[]) error=error("recommendation", "values") />
            <Choices name="priorities" legend="Research priorities it concerns" options=start.priorities.clone() chosen=chosen("recommendation", "priorities", &[]) error=error("recommendation", "priorities") />
            <TextField form="recommendation" name="team" label="Team responsible" />
            <DateInput form="recommendation" name="target" legend="Target date (optional)" hint="When the SDE aims to have acted on it." />
            <EvidenceRows form="recommendation" stored=Vec::new() />
            <button class="nhsuk-button" type="submit" data-test="add-recommendation">"Add the recommendation"</button>
        </form>
    }
}

/// `/admin/actions/{ref}/details`: the wording (kept, with a reason, every time it
/// changes) and the details.
#[component]
pub fn RecommendationDetailsPage() -> impl IntoView {
    let reference = param("reference").unwrap_or_default();
    loaded(
        move || get_recommendation_details(reference.clone()),
        |details| view! { <DetailsForm details /> },
    )
}

#[component]
fn DetailsForm(details: RecommendationDetails) -> impl IntoView {
    let reference = details.reference.clone();
    view! {
        <Title text=page_title(format!("Wording and details of {reference}")) />
        <StaffNav current="register" />
        <ErrorSummary form="details" />
        <TheirVersion form="details" fields=vec![("Title", details.title.clone()), ("What people said", details.what_you_said.clone())] />
        <span class="nhsuk-caption-l">{format!("Recommendation {reference}")}</span>
        <h1>"Wording and details"</h1>
        <p>
            <a href=format!("/actions/{reference}")>"See the public page"</a>
            " · "
            <a href=format!("/admin/actions/{reference}")>"Update its status and response"</a>
        </p>
        <form method="post" action=format!("/admin/actions/{reference}/details") novalidate data-test="details-form" data-unsaved-warning="">
            <input type="hidden" name="revision" value=typed("details", "revision").unwrap_or_else(|| details.revision.clone()) />
            <h2>"Wording"</h2>
            <p>"What people said is theirs: every earlier wording stays on the public page with the reason it changed."</p>
            <TextField form="details" name="title" label="Title" value=details.title.clone() />
            <TextArea id="what_you_said" name="what_you_said" label="What people said" error=error("details", "what_you_said") value=typed("details", "what_you_said").unwrap_or_else(|| details.what_you_said.clone()) rows=6 />
            <TextArea id="reason" name="reason" label="Why the wording changes" hint="Needed only when the title or what people said changes. Readers see it, for example “Corrected a spelling” or “Agreed with the panel on 3 March”." error=error("details", "reason") value=typed("details", "reason").unwrap_or_default() rows=2 />
            <p class="nhsuk-body-s candour-meta">{format!("Up to {REASON_MAX} characters.")}</p>
            <h2>"Details"</h2>
            <Choices name="values" legend="Core values it supports" options=details.all_values.clone() chosen=chosen("details", "values", &details.values) error=error("details", "values") />
            <Choices name="priorities" legend="Research priorities it concerns" options=details.all_priorities.clone() chosen=chosen("details", "priorities", &details.priorities) error=error("details", "priorities") />
            <EvidenceRows form="details" stored=details.evidence.clone() />
            <button class="nhsuk-button" type="submit" data-test="save-details">"Save"</button>
        </form>
    }
}

/// On the public page: each earlier wording, when and why it changed, and what changed
/// (words removed and added, said in words as well as shown, not by colour alone).
#[component]
pub fn EarlierWordings(reference: String) -> impl IntoView {
    loaded(
        move || super::get_earlier_wordings(reference.clone()),
        |wordings| {
            (!wordings.is_empty()).then(|| view! {
                <div class="candour-wordings" data-test="earlier-wordings">
                    {wordings.into_iter().map(|w| view! {
                        <div class="nhsuk-inset-text">
                            <p>
                                <strong>{format!("Wording changed on {}", crate::dates::display_date(&w.changed_on))}</strong>
                                {format!(": {}", w.reason)}
                            </p>
                            <details class="nhsuk-details">
                                <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">"The earlier wording and what changed"</span></summary>
                                <div class="nhsuk-details__text">
                                    <p><strong>"Earlier title: "</strong>{w.title.clone()}</p>
                                    <p class="candour-prewrap">{w.what_you_said.clone()}</p>
                                    <p class="candour-diff candour-prewrap" aria-label="What changed, word by word">
                                        {w.diff.into_iter().map(|(kind, text)| match kind.as_str() {
                                            "removed" => view! { <del><span class="nhsuk-u-visually-hidden">"[removed: "</span>{text}<span class="nhsuk-u-visually-hidden">"]"</span></del> }.into_any(),
                                            "added" => view! { <ins><span class="nhsuk-u-visually-hidden">"[added: "</span>{text}<span class="nhsuk-u-visually-hidden">"]"</span></ins> }.into_any(),
                                            _ => text.into_any(),
                                        }).collect_view()}
                                    </p>
                                </div>
                            </details>
                        </div>
                    }).collect_view()}
                </div>
            })
        },
    )
}
