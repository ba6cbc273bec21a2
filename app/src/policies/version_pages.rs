//! A policy's public history: the list of its versions, each version's numbered text, two
//! versions compared paragraph by paragraph, and the log of removed comments. Plain HTML:
//! they work without JavaScript, on paper and with a screen reader (every change is said in
//! words, not only in colour).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    pages::{plural, slug_param, PolicyText},
    versions::{
        get_policy_compare, get_policy_moderation, get_policy_version, get_policy_versions,
        CompareView, Comparison, ParagraphChange, PublicVersion, VersionList, WordKind,
    },
};
use crate::{
    components::{loaded, page_title, set_status, Breadcrumbs, NotFound},
    dates::display_date,
};

fn crumbs(list: &VersionList, versions: bool) -> Vec<(String, String)> {
    let mut items = vec![
        ("/".to_owned(), "Home".to_owned()),
        ("/policies".to_owned(), "Policies".to_owned()),
        (format!("/policies/{}", list.slug), list.title.clone()),
    ];
    if versions {
        items.push((
            format!("/policies/{}/versions", list.slug),
            "Versions".to_owned(),
        ));
    }
    items
}

fn version_href(slug: &str, number: i64) -> String {
    format!("/policies/{slug}/versions/{number}")
}

fn compare_href(slug: &str, from: i64, to: i64) -> String {
    format!("/policies/{slug}/compare?from={from}&to={to}")
}

#[component]
pub fn PolicyVersionsPage() -> impl IntoView {
    let slug = slug_param();
    loaded(
        move || get_policy_versions(slug.clone()),
        |list| {
            let slug = list.slug.clone();
            view! {
                <Title text=page_title(format!("Versions: {}", list.title)) />
                <Breadcrumbs items=crumbs(&list, false) />
                <span class="nhsuk-caption-l">"Policy"</span>
                <h1>{format!("Every version of {}", list.title)}</h1>
                <p>"Each version the public has been able to read, newest first, with what it changed. Drafts reviewed by Digital Critical Friends but not published are listed too, because their review is public."</p>
                <ol class="nhsuk-list candour-results" reversed data-test="versions">
                    {list.versions.iter().map(|v| {
                        let before = list.before(v.number);
                        let slug = slug.clone();
                        view! {
                            <li class="candour-results__item" data-test="version-item">
                                <h2 class="nhsuk-heading-s nhsuk-u-margin-bottom-1">
                                    <a href=version_href(&slug, v.number)>{v.describe()}</a>
                                </h2>
                                {(v.number == list.current).then(|| view! { <p class="nhsuk-body-s nhsuk-u-margin-bottom-1"><strong class="nhsuk-tag nhsuk-tag--green">"Current version"</strong></p> })}
                                {(!v.change_note.is_empty()).then(|| view! {
                                    <p class="nhsuk-body-s nhsuk-u-margin-bottom-1" data-test="version-change-note">
                                        <span class="nhsuk-u-font-weight-bold">"What changed: "</span>{v.change_note.clone()}
                                    </p>
                                })}
                                {before.map(|before| view! {
                                    <p class="nhsuk-body-s">
                                        <a href=compare_href(&slug, before, v.number) data-test="compare-link">
                                            {format!("Compare version {} with version {before}", v.number)}
                                        </a>
                                    </p>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }
        },
    )
}

#[component]
pub fn PolicyVersionPage() -> impl IntoView {
    let slug = slug_param();
    let number = use_params_map()
        .get_untracked()
        .get("number")
        .and_then(|n| n.parse::<i64>().ok());
    match number {
        None => view! { <NotFound /> }.into_any(),
        Some(number) => loaded(
            move || get_policy_version(slug.clone(), number),
            |text| {
                let list = text.list.clone();
                let slug = list.slug.clone();
                let version = text.version.clone();
                let before = list.before(version.number);
                view! {
                    <Title text=page_title(format!("{}, version {}", version.title, version.number)) />
                    <Breadcrumbs items=crumbs(&list, true) />
                    <span class="nhsuk-caption-l">{version.describe()}</span>
                    <h1>{version.title.clone()}</h1>
                    {if version.number == list.current {
                        view! { <p data-test="version-status">"This is the current version of the policy."</p> }.into_any()
                    } else {
                        view! {
                            <div class="nhsuk-warning-callout" data-test="version-status">
                                <h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">"Important: "</span>"Not the current version"</span></h2>
                                <p>
                                    {format!("This is version {} as it was. ", version.number)}
                                    <a href=format!("/policies/{slug}")>{format!("Read the current version (version {})", list.current)}</a>
                                </p>
                            </div>
                        }.into_any()
                    }}
                    {(!version.change_note.is_empty()).then(|| view! {
                        <div class="nhsuk-inset-text">
                            <h2 class="nhsuk-heading-s">"What this version changed"</h2>
                            <p data-test="change-note">{version.change_note.clone()}</p>
                        </div>
                    })}
                    <p class="nhsuk-body-s">
                        <a href=format!("/policies/{slug}/versions")>"Every version of this policy"</a>
                        {before.map(|before| view! {
                            " · "<a href=compare_href(&slug, before, version.number)>{format!("Compare with version {before}")}</a>
                        })}
                    </p>
                    <PolicyText blocks=text.blocks />
                }
            },
        )
        .into_any(),
    }
}

/// The GET form that chooses the two versions (works without JavaScript). `problem`: the
/// field asked for wrongly and why, shown beside it.
#[component]
fn CompareForm(
    list: VersionList,
    from: i64,
    to: i64,
    #[prop(default = None)] problem: Option<(String, String)>,
) -> impl IntoView {
    let options = move |chosen: i64| {
        list.versions
            .iter()
            .map(|v| {
                view! { <option value=v.number.to_string() selected=v.number == chosen>{v.describe()}</option> }
            })
            .collect_view()
    };
    let field = move |name: &'static str, label: &'static str, chosen: i64| {
        let error = problem
            .clone()
            .filter(|(field, _)| field == name)
            .map(|(_, message)| message);
        let error_id = format!("{name}-error");
        view! {
            <div class="nhsuk-form-group" class:nhsuk-form-group--error=error.is_some()>
                <label class="nhsuk-label" for=name>{label}</label>
                {error.clone().map(|message| view! {
                    <span class="nhsuk-error-message" id=error_id.clone()><span class="nhsuk-u-visually-hidden">"Error: "</span>{message}</span>
                })}
                <select class="nhsuk-select" class:nhsuk-select--error=error.is_some() id=name name=name aria-describedby=error.is_some().then_some(error_id)>
                    {options(chosen)}
                </select>
            </div>
        }
    };
    view! {
        <form method="get" class="candour-compare-form" data-test="compare-form">
            {field("from", "Compare", from)}
            {field("to", "with", to)}
            <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Compare"</button>
        </form>
    }
}

fn describe_counts(comparison: &Comparison) -> String {
    let (mut changed, mut added, mut removed) = (0, 0, 0);
    for change in &comparison.changes {
        match change {
            ParagraphChange::Changed { .. } => changed += 1,
            ParagraphChange::Added { .. } => added += 1,
            ParagraphChange::Removed { .. } => removed += 1,
        }
    }
    if comparison.changes.is_empty() {
        return "The two versions have the same text.".to_owned();
    }
    format!(
        "{} changed, {added} added, {removed} removed, {} the same.",
        plural(changed, "paragraph", "paragraphs"),
        comparison.unchanged
    )
}

fn words_view(words: Vec<(WordKind, String)>) -> impl IntoView {
    let mut after_removed = false;
    words
        .into_iter()
        .map(|(kind, text)| {
            // "approved" replaced by "accredited" reads as two words, not "approvedaccredited".
            let text = if kind == WordKind::Added && after_removed {
                format!(" {text}")
            } else {
                text
            };
            after_removed = kind == WordKind::Removed;
            (kind, text)
        })
        .map(|(kind, text)| match kind {
            WordKind::Removed => view! { <del><span class="nhsuk-u-visually-hidden">"[removed: "</span>{text}<span class="nhsuk-u-visually-hidden">"]"</span></del> }.into_any(),
            WordKind::Added => view! { <ins><span class="nhsuk-u-visually-hidden">"[added: "</span>{text}<span class="nhsuk-u-visually-hidden">"]"</span></ins> }.into_any(),
            WordKind::Same => text.into_any(),
        })
        .collect_view()
}

fn change_view(
    index: usize,
    change: ParagraphChange,
    slug: &str,
    from: &PublicVersion,
    to: &PublicVersion,
) -> impl IntoView {
    let id = format!("change-{}", index + 1);
    let (label, place, text) = match change {
        ParagraphChange::Changed { from: old, to: new, words } => (
            format!("Paragraph {new} changed"),
            view! {
                "Paragraph "<a href=format!("{}#p-{old}", version_href(slug, from.number))>{format!("{old} in version {}", from.number)}</a>
                ", paragraph "<a href=format!("{}#p-{new}", version_href(slug, to.number))>{format!("{new} in version {}", to.number)}</a>"."
            }.into_any(),
            words_view(words).into_any(),
        ),
        ParagraphChange::Added { to: new, text } => (
            format!("Paragraph {new} added"),
            view! {
                "New in version "{to.number}": "<a href=format!("{}#p-{new}", version_href(slug, to.number))>{format!("paragraph {new}")}</a>"."
            }.into_any(),
            view! { <ins><span class="nhsuk-u-visually-hidden">"[added: "</span>{text}<span class="nhsuk-u-visually-hidden">"]"</span></ins> }.into_any(),
        ),
        ParagraphChange::Removed { from: old, text } => (
            format!("Paragraph {old} of version {} removed", from.number),
            view! {
                "Not in version "{to.number}". It was "<a href=format!("{}#p-{old}", version_href(slug, from.number))>{format!("paragraph {old} of version {}", from.number)}</a>"."
            }.into_any(),
            view! { <del><span class="nhsuk-u-visually-hidden">"[removed: "</span>{text}<span class="nhsuk-u-visually-hidden">"]"</span></del> }.into_any(),
        ),
    };
    let labelled_by = id.clone();
    view! {
        <section class="candour-change" aria-labelledby=labelled_by data-test="paragraph-change">
            <h2 class="nhsuk-heading-s nhsuk-u-margin-bottom-1" id=id>{label}</h2>
            <p class="nhsuk-body-s candour-meta nhsuk-u-margin-bottom-1">{place}</p>
            <p class="candour-diff candour-prewrap">{text}</p>
        </section>
    }
}

#[component]
pub fn PolicyComparePage() -> impl IntoView {
    let slug = slug_param();
    let query = use_query_map().get_untracked();
    let from = query.get("from").unwrap_or_default();
    let to = query.get("to").unwrap_or_default();
    loaded(
        move || get_policy_compare(slug.clone(), from.clone(), to.clone()),
        |view| {
            let CompareView { list, outcome } = view;
            match outcome {
                Ok(comparison) => comparison_view(list, comparison).into_any(),
                Err(problem) => compare_problem(list, problem).into_any(),
            }
        },
    )
}

/// Versions asked for that cannot be compared: 400, with the message at the top and
/// beside the field, and the form to choose again.
fn compare_problem(list: VersionList, (field, message): (String, String)) -> impl IntoView {
    set_status(400);
    let to = list.current;
    let from = list.before(to).unwrap_or(to);
    view! {
        <Title text=page_title(format!("Error: Compare versions: {}", list.title)) />
        <Breadcrumbs items=crumbs(&list, true) />
        <div class="nhsuk-error-summary" aria-labelledby="compare-error-summary-title" role="alert" tabindex="-1" data-test="error-summary">
            <h2 class="nhsuk-error-summary__title" id="compare-error-summary-title">"There is a problem"</h2>
            <div class="nhsuk-error-summary__body">
                <ul class="nhsuk-list nhsuk-error-summary__list">
                    <li><a href=format!("#{field}")>{message.clone()}</a></li>
                </ul>
            </div>
        </div>
        <span class="nhsuk-caption-l">"Policy"</span>
        <h1>{format!("Compare versions of {}", list.title)}</h1>
        <CompareForm list=list.clone() from to problem=Some((field, message)) />
        <p><a href=format!("/policies/{}/versions", list.slug)>"Every version of this policy"</a></p>
    }
}

fn comparison_view(list: VersionList, comparison: Comparison) -> impl IntoView {
    let slug = list.slug.clone();
    let (from, to) = (comparison.from.clone(), comparison.to.clone());
    let counts = describe_counts(&comparison);
    view! {
        <Title text=page_title(format!("Compare version {} with version {}: {}", from.number, to.number, list.title)) />
        <Breadcrumbs items=crumbs(&list, true) />
        <span class="nhsuk-caption-l">"Policy"</span>
        <h1>{format!("What changed in {} from version {} to version {}", list.title, from.number, to.number)}</h1>
        <CompareForm list=list.clone() from=from.number to=to.number />
        <p data-test="compare-versions">
            {format!("From {} to {}.", from.short(), to.short())}
            {(from.number > to.number).then_some(" The first is the later version, so what it added shows as removed here.")}
        </p>
        <p class="nhsuk-body-l" data-test="compare-summary">{counts}</p>
        <p class="nhsuk-body-s candour-meta">"Words taken out are struck through and marked “removed”; words put in are underlined and marked “added”."</p>
        <div data-test="changes">
            {comparison.changes.into_iter().enumerate().map(|(i, change)| change_view(i, change, &slug, &from, &to)).collect_view()}
        </div>
    }
}

#[component]
pub fn PolicyModerationPage() -> impl IntoView {
    let slug = slug_param();
    loaded(
        move || get_policy_moderation(slug.clone()),
        |log| {
            let comments = log.removals.iter().filter(|r| !r.reply).count() as i64;
            let replies = log.removals.len() as i64 - comments;
            let summary = if log.removals.is_empty() {
                "Nothing has been removed from this policy’s public reviews.".to_owned()
            } else {
                format!(
                    "{} removed from this policy’s public reviews: {} and {}.",
                    log.removals.len(),
                    plural(comments, "comment", "comments"),
                    plural(replies, "reply", "replies")
                )
            };
            view! {
                <Title text=page_title(format!("Removed comments: {}", log.list.title)) />
                <Breadcrumbs items=crumbs(&log.list, false) />
                <span class="nhsuk-caption-l">"Policy"</span>
                <h1>{format!("Comments removed from the reviews of {}", log.list.title)}</h1>
                <p>"The PPIE team removes a comment only when it has to (it named a patient, say), and publishes why. Neither the text nor its author is shown here. Comments their authors withdrew are not removals, so they are not listed: the review says where each was withdrawn."</p>
                <p data-test="moderation-summary">{summary}</p>
                {(!log.removals.is_empty()).then(|| view! {
                    <table class="nhsuk-table" data-test="moderation-log">
                        <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">"Removed comments and replies"</caption>
                        <thead class="nhsuk-table__head">
                            <tr class="nhsuk-table__row">
                                <th class="nhsuk-table__header" scope="col">"Removed on"</th>
                                <th class="nhsuk-table__header" scope="col">"What"</th>
                                <th class="nhsuk-table__header" scope="col">"Why"</th>
                            </tr>
                        </thead>
                        <tbody class="nhsuk-table__body">
                            {log.removals.into_iter().map(|r| view! {
                                <tr class="nhsuk-table__row" data-test="removal">
                                    <td class="nhsuk-table__cell">{display_date(&r.removed_at)}</td>
                                    <td class="nhsuk-table__cell">{format!("A {} in the review of version {}", if r.reply { "reply" } else { "comment" }, r.version)}</td>
                                    <td class="nhsuk-table__cell">{r.reason}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
                <p><a href=format!("/policies/{}#reviews-heading", log.list.slug)>"Back to the policy and its reviews"</a></p>
            }
        },
    )
}
