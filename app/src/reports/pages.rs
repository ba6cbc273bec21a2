//! The public report pages.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    get_report, get_report_history, get_reports, kind_label, period_name, DiffKind, ReportFilter,
    KINDS,
};
use crate::{
    components::{loaded, page_title},
    dates::display_date,
};

fn slug_param() -> String {
    use_params_map()
        .get_untracked()
        .get("slug")
        .unwrap_or_default()
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let pick = |key: &str| query.get(key).filter(|v| !v.trim().is_empty());
    let filter = ReportFilter {
        kind: pick("kind"),
        value: pick("value"),
        priority: pick("priority"),
    };
    loaded(
        move || get_reports(filter.clone()),
        |list| {
            let filter = list.filter.clone();
            let option = |selected: &Option<String>, key: &str| selected.as_deref() == Some(key);
            view! {
                <Title text=page_title("Reports") />
                <Meta name="description" content="Quarterly summaries, project reports and research and insight briefings from the PPIE team." />
                <Link rel="alternate" type_="application/atom+xml" title="New and updated reports" href="/reports/feed.atom" />
                <h1>"Reports"</h1>
                <p class="nhsuk-lede-text">
                    "What we did and what we found, in plain English: quarterly summaries, reports of our bigger projects, and briefings on issues that matter to people whose data the SDE holds."
                </p>
                <form method="get" action="/reports" class="candour-filters candour-filters--inline" data-test="report-filters">
                    <div class="nhsuk-form-group">
                        <label class="nhsuk-label" for="report-kind">"Type of report"</label>
                        <select class="nhsuk-select" id="report-kind" name="kind">
                            <option value="" selected=filter.kind.is_none()>"All types"</option>
                            {KINDS.iter().map(|(key, label)| view! { <option value=*key selected=option(&filter.kind, key)>{*label}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="nhsuk-form-group">
                        <label class="nhsuk-label" for="report-value">"Core value"</label>
                        <select class="nhsuk-select" id="report-value" name="value">
                            <option value="" selected=filter.value.is_none()>"Any"</option>
                            {list.values.iter().map(|(key, name)| view! { <option value=key.clone() selected=option(&filter.value, key)>{name.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="nhsuk-form-group">
                        <label class="nhsuk-label" for="report-priority">"Research priority"</label>
                        <select class="nhsuk-select" id="report-priority" name="priority">
                            <option value="" selected=filter.priority.is_none()>"Any"</option>
                            {list.priorities.iter().map(|(key, name)| view! { <option value=key.clone() selected=option(&filter.priority, key)>{name.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <button class="nhsuk-button" type="submit">"Show reports"</button>
                </form>
                {if list.groups.is_empty() {
                    view! { <p data-test="no-reports">"No reports match these choices."</p> }.into_any()
                } else {
                    list.groups.into_iter().map(|(group, reports)| view! {
                        <section class="candour-section" aria-labelledby=format!("group-{}", group.replace(' ', "-"))>
                            <h2 id=format!("group-{}", group.replace(' ', "-"))>{period_name(&group).unwrap_or_else(|| group.clone())}</h2>
                            <ul class="nhsuk-list candour-results">
                                {reports.into_iter().map(|report| view! {
                                    <li class="candour-results__item" data-test="report-item">
                                        <p class="nhsuk-body-s candour-meta nhsuk-u-margin-bottom-1">
                                            {kind_label(&report.kind)} " · " {display_date(&report.date)}
                                            {format!(" · {} min read", report.reading_minutes)}
                                        </p>
                                        <h3 class="nhsuk-heading-s nhsuk-u-margin-bottom-1"><a href=format!("/reports/{}", report.slug)>{report.title}</a></h3>
                                        <p class="nhsuk-body-s">{report.summary}</p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    }).collect_view().into_any()
                }}
                <crate::email::SubscribeForm topic="reports".to_owned() what="new reports".to_owned() />
                <p>"Or, in a feed reader: "<a href="/reports/feed.atom">"new and updated reports (Atom feed)"</a></p>
            }
        },
    )
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let slug = slug_param();
    loaded(
        move || get_report(slug.clone()),
        |view_model| {
            let report = view_model.report;
            let withdrawn = report.state == "withdrawn";
            let updated = report.updated_at.get(..10).unwrap_or_default().to_owned();
            let first = view_model
                .first_published_at
                .as_deref()
                .and_then(|d| d.get(..10))
                .unwrap_or_default()
                .to_owned();
            view! {
                <Title text=page_title(&report.title) />
                <Meta name="description" content=report.summary.clone() />
                <crate::components::Breadcrumbs items=vec![("/".to_string(), "Home".to_string()), ("/reports".to_string(), "Reports".to_string())] />
                <article class="candour-report">
                    <span class="nhsuk-caption-l">
                        {kind_label(&report.kind)}
                        {report.quarter.as_deref().map(|q| format!(" · {}", period_name(q).unwrap_or_else(|| q.to_owned())))}
                    </span>
                    <h1 data-test="report-title">{report.title.clone()}</h1>
                    <p class="nhsuk-body-s candour-meta" data-test="report-dates">
                        {display_date(&report.date)}
                        {(!withdrawn).then(|| format!(" · {} minute read", report.reading_minutes))}
                        {(view_model.revisions > 1 && updated != first).then(|| view! {
                            " · Updated on " {display_date(&updated)} " ("
                            <a href=format!("/reports/{}/history", report.slug)>"see what changed"</a> ")"
                        })}
                    </p>
                    {withdrawn.then(|| view! {
                        <div class="nhsuk-warning-callout" data-test="withdrawn">
                            <h2 class="nhsuk-warning-callout__label">"This report has been withdrawn"</h2>
                            <p>{view_model.withdrawn_note.clone().unwrap_or_default()}</p>
                        </div>
                    })}
                    <p class="nhsuk-lede-text">{report.summary.clone()}</p>
                    {(view_model.toc.len() >= 3).then(|| view! {
                        <nav class="nhsuk-contents-list candour-toc" aria-label="Contents" data-test="toc">
                            <h2 class="nhsuk-u-visually-hidden">"Contents"</h2>
                            <ol class="nhsuk-contents-list__list">
                                {view_model.toc.iter().filter(|t| t.level <= 3).map(|entry| view! {
                                    <li class="nhsuk-contents-list__item" class:candour-toc__sub=entry.level == 3>
                                        <a class="nhsuk-contents-list__link" href=format!("#{}", entry.id)>{entry.text.clone()}</a>
                                    </li>
                                }).collect_view()}
                            </ol>
                        </nav>
                    })}
                    <div class="candour-prose" data-test="report-body" inner_html=view_model.body.into_inner()></div>
                </article>
                {(!view_model.recommendations.is_empty()).then(|| view! {
                    <h2>"Recommendations in this report"</h2>
                    <ul class="nhsuk-list nhsuk-list--bullet">
                        {view_model.recommendations.into_iter().map(|(reference, title)| view! {
                            <li><a href=format!("/actions/{reference}")>{format!("{reference}: {title}")}</a></li>
                        }).collect_view()}
                    </ul>
                })}
                {(!view_model.values.is_empty() || !view_model.priorities.is_empty()).then(|| view! {
                    <h2>"Part of our social licence"</h2>
                    <ul class="nhsuk-list nhsuk-list--bullet">
                        {view_model.values.into_iter().map(|(slug, name)| view! { <li>"Core value: " <a href=format!("/values/{slug}")>{name}</a></li> }).collect_view()}
                        {view_model.priorities.into_iter().map(|(slug, name)| view! { <li>"Research priority: " <a href=format!("/priorities/{slug}")>{name}</a></li> }).collect_view()}
                    </ul>
                })}
                <p><a href=format!("/reports/{}/history", report.slug)>"Change history of this report"</a></p>
            }
        },
    )
}

#[component]
pub fn ReportHistoryPage() -> impl IntoView {
    let slug = slug_param();
    loaded(
        move || get_report_history(slug.clone()),
        |history| {
            let report = history.report;
            view! {
                <Title text=page_title(format!("Change history: {}", report.title)) />
                <crate::components::Breadcrumbs items=vec![("/reports".to_string(), "Reports".to_string()), (format!("/reports/{}", report.slug), report.title.clone())] />
                <h1>"Change history"</h1>
                <p class="nhsuk-lede-text">{format!("Every published version of “{}”, newest first, with what changed.", report.title)}</p>
                <ol class="candour-timeline" data-test="revisions">
                    {history.revisions.into_iter().map(|revision| view! {
                        <li class="candour-timeline__item" data-test="revision">
                            <h2 class="nhsuk-heading-s nhsuk-u-margin-bottom-1">
                                {format!("Version {} · ", revision.seq)}
                                <time datetime=revision.saved_at.clone()>{display_date(&revision.saved_at)}</time>
                            </h2>
                            <p>{revision.change_note}</p>
                            {(!revision.diff.is_empty()).then(|| view! {
                                <details class="nhsuk-details">
                                    <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">"Show the changes"</span></summary>
                                    <div class="nhsuk-details__text">
                                        <pre class="candour-diff">
                                            {revision.diff.into_iter().map(|line| {
                                                let (class, sign, label) = match line.kind {
                                                    DiffKind::Added => ("candour-diff__added", "+ ", "Added: "),
                                                    DiffKind::Removed => ("candour-diff__removed", "- ", "Removed: "),
                                                    DiffKind::Same => ("candour-diff__same", "  ", ""),
                                                };
                                                view! {
                                                    <span class=class><span class="nhsuk-u-visually-hidden">{label}</span><span aria-hidden="true">{sign}</span>{line.text}"\n"</span>
                                                }
                                            }).collect_view()}
                                        </pre>
                                    </div>
                                </details>
                            })}
                        </li>
                    }).collect_view()}
                </ol>
            }
        },
    )
}
