//! The register's public pages.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    components::{ProgressSummary, RecentChanges, RecommendationTable, StatusTag},
    get_engagement_progress, get_licence_term, get_licence_terms, get_recommendation, get_register,
    RegisterPageData, RegisterQuery, Sort, TermKind, PAGE_SIZE,
};
use crate::{
    components::{loaded, page_title, CopyLinkButton, ErrorPage, Pagination},
    dates::display_date,
    error::AppError,
};

fn register_query_from_url() -> Result<RegisterQuery, AppError> {
    let map = use_query_map().get_untracked();
    let pairs: Vec<(&str, String)> = super::query::QUERY_PARAMETERS
        .iter()
        .flat_map(|key| {
            map.get_all(key)
                .unwrap_or_default()
                .into_iter()
                .map(move |value| (*key, value))
        })
        .collect();
    RegisterQuery::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    match register_query_from_url() {
        Ok(query) => loaded(
            move || get_register(query.clone()),
            |data| view! { <Register data /> },
        )
        .into_any(),
        Err(error) => view! { <ErrorPage error /> }.into_any(),
    }
}

#[component]
fn Register(data: RegisterPageData) -> impl IntoView {
    let RegisterPageData {
        query,
        rows,
        total,
        status_counts,
        last_updated,
        options,
    } = data;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let first = if total == 0 {
        0
    } else {
        (query.page - 1) * PAGE_SIZE + 1
    };
    let last = (query.page * PAGE_SIZE).min(total);
    // A page past the end (an old link, a typed number): say so, link the last page, 404.
    let past_the_end = total > 0 && query.page > pages;
    if past_the_end {
        crate::components::set_status(404);
    }
    let as_of = query.as_of.clone();
    let title = match &as_of {
        Some(day) => format!(
            "Actions to Build Trust as they stood on {}",
            display_date(day)
        ),
        None => "Actions to Build Trust".to_owned(),
    };
    let export_query = query.to_query_string(None);
    let export = move |ext: &str| {
        if export_query.is_empty() {
            format!("/actions.{ext}")
        } else {
            format!("/actions.{ext}?{export_query}")
        }
    };
    let page_link = {
        let query = query.clone();
        move |page: i64| {
            let text = query.to_query_string(Some(page));
            if text.is_empty() {
                "/actions".to_owned()
            } else {
                format!("/actions?{text}")
            }
        }
    };
    let checked = |list: &[String], key: &str| list.iter().any(|k| k == key);
    let filtered = query.has_filters();
    let chosen = query.filter_count();
    let clear_href = match &as_of {
        Some(day) => format!("/actions?as_of={day}"),
        None => "/actions".to_owned(),
    };
    view! {
        <Title text=page_title(&title) />
        <Meta name="description" content="Every recommendation the public made to the SDE, its status and what we did about it." />
        <Link rel="alternate" type_="application/atom+xml" title="Status changes" href="/actions/feed.atom" />
        <h1>{title.clone()}</h1>
        {as_of.clone().map(|day| view! {
            <div class="nhsuk-inset-text" data-test="as-of-notice">
                <span class="nhsuk-u-visually-hidden">"Information: "</span>
                <p>
                    "This is the register exactly as it stood at the end of " {display_date(&day)}
                    ", rebuilt from the dated history of each recommendation. "
                    <a href="/actions">"See the register today"</a>"."
                </p>
            </div>
        })}
        // What the page shows, and the way back to everything, first: on a phone the
        // results follow at once.
        <p class="candour-results-summary" data-test="results-summary">
            {if filtered {
                format!("{total} recommendation{} match{} your filters. ", if total == 1 { "" } else { "s" }, if total == 1 { "es" } else { "" })
            } else {
                format!("{total} recommendations. ")
            }}
            {filtered.then(|| view! { <a href=clear_href.clone() data-test="clear-filters">"Clear filters"</a> })}
        </p>
        {(!filtered).then(|| view! {
            <p class="nhsuk-lede-text">
                "Every recommendation that members of the public made to the SDE, what we did about it, and where each one stands now."
            </p>
        })}
        // On phones the results come before the progress figures (style/candour.css).
        <div class="candour-register__body">
        <div class="candour-register__progress">
        // The progress figures count every status, so a status filter alone leaves them
        // describing the whole register; any other filter narrows them.
        {(chosen > query.status.len()).then(|| view! {
            <p class="nhsuk-body-s candour-meta" data-test="progress-filtered">
                {if query.status.is_empty() {
                    "The progress figures below describe only the recommendations that match your filters."
                } else {
                    "The progress figures below describe the recommendations that match your filters other than status."
                }}
            </p>
        })}
        <ProgressSummary counts=status_counts within=query.clone() />
        {last_updated.map(|day| view! {
            <p class="nhsuk-body-s candour-meta" data-test="last-updated">
                "Last status change: " <time datetime=day.clone()>{display_date(&day)}</time>
            </p>
        })}
        </div>
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-one-third">
                // A disclosure on phones (the GOV.UK finder pattern, a native element, so no
                // JavaScript is needed); always open on wider screens (style/candour.css).
                <details class="candour-filter-disclosure" data-test="filter-disclosure">
                <summary class="candour-filter-disclosure__summary">
                    {if chosen == 0 { "Filter".to_owned() } else { format!("Filter ({chosen} selected)") }}
                </summary>
                <form method="get" action="/actions" class="candour-filters" data-test="register-filters">
                    <h2 class="nhsuk-heading-m">"Filter recommendations"</h2>
                    <div class="nhsuk-form-group">
                        <label class="nhsuk-label" for="filter-q">"Words to look for"</label>
                        <input class="nhsuk-input" id="filter-q" name="q" type="text" value=query.q.clone() maxlength="200" />
                    </div>
                    <div class="nhsuk-form-group">
                        <fieldset class="nhsuk-fieldset">
                            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"Status"</legend>
                            <div class="nhsuk-checkboxes nhsuk-checkboxes--small">
                                {options.statuses.iter().map(|status| {
                                    let id = format!("filter-status-{}", status.key);
                                    view! {
                                        <div class="nhsuk-checkboxes__item">
                                            <input class="nhsuk-checkboxes__input" id=id.clone() name="status" type="checkbox" value=status.key.clone() checked=checked(&query.status, &status.key) />
                                            <label class="nhsuk-label nhsuk-checkboxes__label" for=id>{status.name.clone()}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                    </div>
                    <div class="nhsuk-form-group">
                        <fieldset class="nhsuk-fieldset">
                            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"Where it came from"</legend>
                            <div class="nhsuk-checkboxes nhsuk-checkboxes--small">
                                {options.engagements.iter().map(|(key, name)| {
                                    let id = format!("filter-engagement-{key}");
                                    view! {
                                        <div class="nhsuk-checkboxes__item">
                                            <input class="nhsuk-checkboxes__input" id=id.clone() name="engagement" type="checkbox" value=key.clone() checked=checked(&query.engagement, key) />
                                            <label class="nhsuk-label nhsuk-checkboxes__label" for=id>{name.clone()}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                    </div>
                    <div class="nhsuk-form-group">
                        <fieldset class="nhsuk-fieldset" aria-describedby="filter-friends-hint">
                            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"Critical friends’ view"</legend>
                            <div class="nhsuk-hint" id="filter-friends-hint">"Where at least one Digital Critical Friend…"</div>
                            <div class="nhsuk-checkboxes nhsuk-checkboxes--small">
                                {crate::register::friends::OPINIONS.iter().map(|(key, label)| {
                                    let id = format!("filter-friends-{key}");
                                    view! {
                                        <div class="nhsuk-checkboxes__item">
                                            <input class="nhsuk-checkboxes__input" id=id.clone() name="friends_view" type="checkbox" value=*key checked=checked(&query.friends_view, key) />
                                            <label class="nhsuk-label nhsuk-checkboxes__label" for=id>{format!("…{}s", label.to_lowercase())}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                    </div>
                    <TermSelect id="filter-value" name="value" label="Core value" options=options.values.clone() selected=query.value.clone() />
                    <TermSelect id="filter-priority" name="priority" label="Research priority" options=options.priorities.clone() selected=query.priority.clone() />
                    <div class="nhsuk-form-group">
                        <label class="nhsuk-label" for="filter-sort">"Sort by"</label>
                        <select class="nhsuk-select" id="filter-sort" name="sort">
                            {Sort::ALL.into_iter().map(|sort| view! {
                                <option value=sort.key() selected=sort == query.sort>{sort.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    {as_of.clone().map(|day| view! { <input type="hidden" name="as_of" value=day /> })}
                    <button class="nhsuk-button" type="submit" data-test="apply-filters">"Apply filters"</button>
                    {filtered.then(|| view! {
                        <p><a href=clear_href.clone()>"Clear filters"</a></p>
                    })}
                </form>
                </details>
            </div>
            <div class="nhsuk-grid-column-two-thirds">
                <h2 class="nhsuk-heading-m" id="results-heading" data-test="result-count">
                    {if total == 0 {
                        "No recommendations match these filters".to_owned()
                    } else if past_the_end {
                        format!("There is no page {}", query.page)
                    } else {
                        format!("Showing {first} to {last} of {total} recommendations")
                    }}
                </h2>
                {past_the_end.then(|| view! {
                    <p data-test="past-the-end">
                        {format!("These recommendations fill {pages} page{}. ", if pages == 1 { "" } else { "s" })}
                        <a href=page_link(pages)>{format!("Go to page {pages}, the last")}</a>
                    </p>
                })}
                {(total > 0 && !past_the_end).then(|| view! {
                    <RecommendationTable rows caption="Recommendations matching the filters".to_owned() />
                })}
                <Pagination page=query.page pages href=page_link />
                <h2 class="nhsuk-heading-s">"Use this data"</h2>
                <ul class="nhsuk-list">
                    <li><a href=export("csv") data-test="download-csv">"Download these recommendations (CSV spreadsheet)"</a></li>
                    <li><a href=export("json")>"Download these recommendations with their history (JSON)"</a></li>
                    <li><a href="/actions/feed.atom">"Follow every status change (Atom feed)"</a></li>
                </ul>
                <CopyLinkButton />
                {match query.engagement.as_slice() {
                    [one] => view! { <crate::email::SubscribeForm topic=format!("engagement:{one}") what="changes to these recommendations".to_owned() /> }.into_any(),
                    _ => view! { <crate::email::SubscribeForm topic="register".to_owned() what="every change in the register".to_owned() /> }.into_any(),
                }}
            </div>
        </div>
        </div>
    }
}

#[component]
fn TermSelect(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    selected: Vec<String>,
) -> impl IntoView {
    view! {
        <div class="nhsuk-form-group">
            <label class="nhsuk-label" for=id>{label}</label>
            <select class="nhsuk-select" id=id name=name>
                <option value="" selected=selected.is_empty()>"Any"</option>
                {options.into_iter().map(|(key, title)| {
                    let is_selected = selected.contains(&key);
                    view! { <option value=key selected=is_selected>{title}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn RecommendationPage() -> impl IntoView {
    let reference = use_params_map()
        .get_untracked()
        .get("reference")
        .unwrap_or_default();
    loaded(
        move || get_recommendation(reference.clone()),
        |detail| {
            let row = detail.row;
            let feed = format!("/actions/{}/feed.atom", row.reference);
            view! {
                <Title text=page_title(format!("{}: {}", row.reference, row.title)) />
                <Meta name="description" content=row.summary.clone() />
                <Link rel="alternate" type_="application/atom+xml" title=format!("Changes to {}", row.reference) href=feed.clone() />
                <crate::components::Breadcrumbs items=vec![("/".to_string(), "Home".to_string()), ("/actions".to_string(), "Actions to Build Trust".to_string())] />
                <crate::forms::DoneNotice notices=super::NOTICES />
                <crate::forms::ErrorSummary form="friends-view" />
                <crate::forms::ErrorSummary form="view-answer" />
                <crate::forms::ErrorSummary form="view-removal" />
                <span class="nhsuk-caption-l">{format!("Recommendation {} · {}", row.reference, row.engagement_name)}</span>
                <h1 data-test="recommendation-title">{row.title.clone()}</h1>
                {crate::accounts::viewer_now()
                    .filter(|viewer| viewer.may(crate::accounts::Permission::RecordStatusChanges))
                    .map(|_| view! {
                        <p>
                            <a class="nhsuk-button nhsuk-button--secondary" href=format!("/admin/actions/{}", row.reference) data-test="staff-update">"Update this recommendation"</a>
                            " "
                            <a class="nhsuk-button nhsuk-button--secondary" href=format!("/admin/actions/{}/details", row.reference) data-test="staff-details">"Wording and details"</a>
                        </p>
                    })}
                {crate::accounts::viewer_now().map(|_| view! {
                    <crate::register::follows::FollowButton reference=row.reference.clone() />
                })}
                <p class="nhsuk-lede-text">{row.summary.clone()}</p>
                <dl class="nhsuk-summary-list" data-test="recommendation-facts">
                    <div class="nhsuk-summary-list__row">
                        <dt class="nhsuk-summary-list__key">"Status"</dt>
                        <dd class="nhsuk-summary-list__value">
                            <StatusTag key=row.status_key.clone() name=row.status_name.clone() />
                            <p class="nhsuk-body-s nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0">{detail.status_description}</p>
                        </dd>
                    </div>
                    <crate::register::friends::FriendsViewFacts counts=detail.friends.counts />
                    {match (row.decided_on(), row.progress) {
                        (Some(day), _) => view! {
                            <div class="nhsuk-summary-list__row">
                                <dt class="nhsuk-summary-list__key">"Decision"</dt>
                                <dd class="nhsuk-summary-list__value" data-test="decided-on">
                                    "Decision made on " <time datetime=day.to_owned()>{display_date(day)}</time>
                                </dd>
                            </div>
                        }.into_any(),
                        (None, Some(progress)) => view! {
                            <div class="nhsuk-summary-list__row">
                                <dt class="nhsuk-summary-list__key">"Progress"</dt>
                                <dd class="nhsuk-summary-list__value" data-test="progress">
                                    <span class="candour-meter" aria-hidden="true"><span style=format!("width: {progress}%")></span></span>
                                    {format!("{progress}% complete")}
                                </dd>
                            </div>
                        }.into_any(),
                        (None, None) => ().into_any(),
                    }}
                    {row.target.clone().map(|target| view! {
                        <div class="nhsuk-summary-list__row">
                            <dt class="nhsuk-summary-list__key">"Target date"</dt>
                            <dd class="nhsuk-summary-list__value" data-test="target-date">
                                <time datetime=target.clone()>{display_date(&target)}</time>
                                {row.overdue.then(|| view! { " " <strong class="candour-overdue" data-test="overdue">"Overdue"</strong> })}
                            </dd>
                        </div>
                    })}
                    <div class="nhsuk-summary-list__row">
                        <dt class="nhsuk-summary-list__key">"Raised"</dt>
                        <dd class="nhsuk-summary-list__value"><time datetime=row.raised.clone()>{display_date(&row.raised)}</time></dd>
                    </div>
                    <div class="nhsuk-summary-list__row">
                        <dt class="nhsuk-summary-list__key">"Team responsible"</dt>
                        <dd class="nhsuk-summary-list__value">{detail.team}</dd>
                    </div>
                    <div class="nhsuk-summary-list__row">
                        <dt class="nhsuk-summary-list__key">"Where it came from"</dt>
                        <dd class="nhsuk-summary-list__value">
                            <a href=format!("/engagement#{}", row.engagement_key)>{row.engagement_name.clone()}</a>
                        </dd>
                    </div>
                </dl>
                <div class="nhsuk-grid-row candour-said-did">
                    <section class="nhsuk-grid-column-one-half" aria-labelledby="you-said">
                        <h2 id="you-said">"You said"</h2>
                        <div class="candour-prose" inner_html=detail.what_you_said.into_inner()></div>
                        {detail.source.clone().map(|(slug, policy, comment)| view! {
                            <p class="nhsuk-body-s" data-test="from-comment">
                                "Made from "
                                <a href=format!("/policies/{slug}#comment-{comment}")>{format!("a comment in the review of the {policy}")}</a>
                                "."
                            </p>
                        })}
                        <crate::register::editing::EarlierWordings reference=row.reference.clone() />
                    </section>
                    <section class="nhsuk-grid-column-one-half" aria-labelledby="we-did">
                        <h2 id="we-did">"What we did"</h2>
                        <div class="candour-prose" inner_html=detail.what_we_did.into_inner()></div>
                    </section>
                </div>
                <crate::register::friends::FriendsViewsSection reference=row.reference.clone() views=detail.friends />
                <h2>"History"</h2>
                <ol class="candour-timeline" data-test="history">
                    {detail.history.into_iter().map(|change| view! {
                        <li class="candour-timeline__item">
                            <h3 class="nhsuk-heading-xs nhsuk-u-margin-bottom-1">
                                <time datetime=change.changed_on.clone()>{display_date(&change.changed_on)}</time>
                            </h3>
                            <p class="nhsuk-u-margin-bottom-1">
                                {change.from_name.map(|from| format!("{from} → "))}
                                <StatusTag key=change.to_key name=change.to_name />
                            </p>
                            <p class="nhsuk-u-margin-bottom-1">{change.note}</p>
                            <p class="nhsuk-body-s candour-meta">{change.team}</p>
                        </li>
                    }).collect_view()}
                </ol>
                <crate::email::SubscribeForm topic=format!("recommendation:{}", row.reference) what=format!("changes to {}", row.reference) />
                <p>"Or, in a feed reader: "<a href=feed>"changes to this recommendation (Atom feed)"</a></p>
                {(!detail.values.is_empty() || !detail.priorities.is_empty()).then(|| view! {
                    <h2>"Part of our social licence"</h2>
                    <ul class="nhsuk-list nhsuk-list--bullet">
                        {detail.values.into_iter().map(|term| view! {
                            <li>"Core value: " <a href=format!("/values/{}", term.slug)>{term.name}</a></li>
                        }).collect_view()}
                        {detail.priorities.into_iter().map(|term| view! {
                            <li>"Research priority: " <a href=format!("/priorities/{}", term.slug)>{term.name}</a></li>
                        }).collect_view()}
                    </ul>
                })}
                {(!detail.reports.is_empty()).then(|| view! {
                <h2>"Reports that discuss it"</h2>
                <ul class="nhsuk-list nhsuk-list--bullet" data-test="recommendation-reports">
                    {detail.reports.into_iter().map(|(slug, title)| view! {
                        <li><a href=format!("/reports/{slug}")>{title}</a></li>
                    }).collect_view()}
                </ul>
            })}
            {(!detail.evidence.is_empty()).then(|| view! {
                    <h2>"Evidence"</h2>
                    <ul class="nhsuk-list nhsuk-list--bullet">
                        {detail.evidence.into_iter().map(|link| view! {
                            <li><a href=link.url>{link.title}</a></li>
                        }).collect_view()}
                    </ul>
                })}
            }
        },
    )
}

#[component]
pub fn YouSaidWeDidPage() -> impl IntoView {
    loaded(get_engagement_progress, |groups| {
        view! {
            <Title text=page_title("You said, we did") />
            <Meta name="description" content="What each group of people asked the SDE to do, and how far we have got." />
            <h1>"You said, we did"</h1>
            <p class="nhsuk-lede-text">
                "Each group of people who helped shape the SDE made recommendations. Here is what each group asked for, how many of their recommendations are done or under way, and what changed most recently."
            </p>
            <crate::register::friends::FriendsDisagree />
            {groups.into_iter().map(|group| {
                let key = group.engagement.key.clone();
                let sentence = crate::register::components::counts_sentence(
                    group.engagement.recommendation_count,
                    &group.status_counts,
                );
                view! {
                    <section class="candour-section" aria-labelledby=format!("group-{key}")>
                        <h2 id=format!("group-{key}")>{group.engagement.name.clone()}</h2>
                        <p>{group.engagement.summary.clone()}</p>
                        <p data-test="group-progress">{sentence}</p>
                        <ProgressSummary
                            counts=group.status_counts
                            within=RegisterQuery { engagement: vec![key.clone()], ..Default::default() }
                        />
                        <h3>"Most recent changes"</h3>
                        <RecentChanges changes=group.recent />
                        <p><a href=format!("/actions?engagement={key}")>{format!("See all {} recommendations from this group", group.engagement.recommendation_count)}</a></p>
                    </section>
                }
            }).collect_view()}
        }
    })
}

#[component]
pub fn ValuesPage() -> impl IntoView {
    view! { <TermListPage kind=TermKind::Value /> }
}

#[component]
pub fn PrioritiesPage() -> impl IntoView {
    view! { <TermListPage kind=TermKind::Priority /> }
}

#[component]
pub fn ValuePage() -> impl IntoView {
    view! { <TermPage kind=TermKind::Value /> }
}

#[component]
pub fn PriorityPage() -> impl IntoView {
    view! { <TermPage kind=TermKind::Priority /> }
}

fn term_titles(kind: TermKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        TermKind::Value => (
            "Our core values",
            "Core value",
            "The Wessex Public Panel set these values. They guide how the SDE works every day: how we decide, how we explain ourselves and how we make sure research brings clear public benefit.",
        ),
        TermKind::Priority => (
            "Research priorities",
            "Research priority",
            "These are the areas of health research that local people most want NHS data to help with. Researchers working on them can expect strong public support.",
        ),
    }
}

#[component]
fn TermListPage(kind: TermKind) -> impl IntoView {
    let (title, _, intro) = term_titles(kind);
    loaded(
        move || get_licence_terms(kind),
        move |list| {
            view! {
                <Title text=page_title(title) />
                <Meta name="description" content=intro />
                <h1>{title}</h1>
                <p class="nhsuk-lede-text">{intro}</p>
                <ul class="nhsuk-grid-row nhsuk-card-group" data-test="term-list">
                    {list.terms.into_iter().map(|(term, counts)| {
                        let total: i64 = counts.iter().map(|c| c.count).sum();
                        let done: i64 = counts.iter().filter(|c| c.closed).map(|c| c.count).sum();
                        view! {
                            <li class="nhsuk-grid-column-one-half nhsuk-card-group__item">
                                <div class="nhsuk-card nhsuk-card--clickable">
                                    <div class="nhsuk-card__content">
                                        <h2 class="nhsuk-card__heading nhsuk-heading-m">
                                            <a class="nhsuk-card__link" href=format!("{}/{}", kind.path(), term.slug)>{term.name}</a>
                                        </h2>
                                        <p class="nhsuk-card__description">{term.statement}</p>
                                        <p class="nhsuk-body-s candour-meta">
                                            {format!("{total} linked recommendations, {done} with a final decision")}
                                        </p>
                                    </div>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
        },
    )
}

/// The register filtered to one value or priority.
fn term_query(kind: TermKind, slug: &str) -> RegisterQuery {
    let mut query = RegisterQuery::default();
    match kind {
        TermKind::Value => query.value = vec![slug.to_owned()],
        TermKind::Priority => query.priority = vec![slug.to_owned()],
    }
    query
}

#[component]
fn TermPage(kind: TermKind) -> impl IntoView {
    let slug = use_params_map()
        .get_untracked()
        .get("slug")
        .unwrap_or_default();
    let (list_title, singular, _) = term_titles(kind);
    loaded(
        move || get_licence_term(kind, slug.clone()),
        move |page| {
            let count = page.recommendations.len();
            view! {
                <Title text=page_title(format!("{}: {}", singular, page.term.name)) />
                <Meta name="description" content=page.term.statement.clone() />
                <crate::components::Breadcrumbs items=vec![("/".to_string(), "Home".to_string()), (kind.path().to_string(), list_title.to_string())] />
                <span class="nhsuk-caption-l">{singular}</span>
                <h1>{page.term.name.clone()}</h1>
                <p class="nhsuk-lede-text">{page.term.statement}</p>
                <div class="candour-prose" inner_html=page.body.into_inner()></div>
                <h2>{format!("Recommendations linked to this {}", singular.to_lowercase())}</h2>
                {if count == 0 {
                    view! { <p>"No recommendations are linked to it yet."</p> }.into_any()
                } else {
                    view! {
                        <ProgressSummary counts=page.status_counts within=term_query(kind, &page.term.slug) />
                        <RecommendationTable rows=page.recommendations caption=format!("Recommendations linked to {}", page.term.name) />
                        <p><a href=format!("/actions?{}={}", kind.query_key(), page.term.slug)>"Filter the full register by this"</a></p>
                    }.into_any()
                }}
            }
        },
    )
}

#[component]
pub fn EngagementPage() -> impl IntoView {
    loaded(get_engagement_progress_all, |engagements| {
        view! {
            <Title text=page_title("How the social licence was made") />
            <Meta name="description" content="The conversations with people across Wessex that set the SDE's values, priorities and recommendations." />
            <h1>"How the social licence was made"</h1>
            <p class="nhsuk-lede-text">
                "Our social licence was not written by the SDE alone. It grew out of a series of conversations with people across Wessex, each building on the one before."
            </p>
            <nav aria-label="On this page">
                <ul class="nhsuk-contents-list__list">
                    {engagements.iter().map(|e| view! {
                        <li class="nhsuk-contents-list__item"><a class="nhsuk-contents-list__link" href=format!("#{}", e.key)>{e.name.clone()}</a></li>
                    }).collect_view()}
                </ul>
            </nav>
            {engagements.into_iter().map(|e| {
                let dates = match &e.ended {
                    Some(ended) => format!("{} to {}", display_date(&e.started), display_date(ended)),
                    None => format!("From {}", display_date(&e.started)),
                };
                view! {
                    <section class="candour-section" aria-labelledby=e.key.clone() data-test="engagement">
                        <h2 id=e.key.clone() tabindex="-1">{e.name.clone()}</h2>
                        <p class="nhsuk-body-s candour-meta">{dates}</p>
                        <ul class="candour-figures candour-figures--large">
                            {e.figures.into_iter().map(|figure| view! {
                                <li><strong class="candour-figures__value">{figure.value}</strong>" "{figure.label}</li>
                            }).collect_view()}
                        </ul>
                        <div class="candour-prose" inner_html=e.body.into_inner()></div>
                        {(e.recommendation_count > 0).then(|| view! {
                            <p><a href=format!("/actions?engagement={}", e.key)>{format!("See the {} recommendations from {}", e.recommendation_count, e.name)}</a></p>
                        })}
                    </section>
                }
            }).collect_view()}
        }
    })
}

#[leptos::server(prefix = "/_fn", endpoint = "engagement_list")]
pub async fn get_engagement_progress_all() -> Result<Vec<super::EngagementSummary>, AppError> {
    let state = crate::state::app_state()?;
    super::ssr::engagement_summaries(state.db.pool())
        .await
        .map_err(Into::into)
}
