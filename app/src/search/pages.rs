//! The search page: server-rendered results that work without JavaScript, updated as you
//! type where JavaScript runs (`assets/islands.js`).

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use super::{run_search, SearchQuery, SearchResults, SEARCH_PAGE_SIZE};
use crate::{
    components::{loaded, page_title, Pagination},
    dates::display_date,
    register::components::StatusTag,
};

#[component]
pub fn SearchPage() -> impl IntoView {
    let map = use_query_map().get_untracked();
    let pairs: Vec<(String, String)> = ["q", "page", "kind", "status", "engagement", "year"]
        .iter()
        .flat_map(|key| {
            map.get_all(key)
                .unwrap_or_default()
                .into_iter()
                .map(move |value| (key.to_string(), value))
        })
        .collect();
    let query = SearchQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    loaded(
        move || run_search(query.clone()),
        |results| {
            let title = if results.query.q.is_empty() {
                "Search".to_owned()
            } else {
                format!("Search results for “{}”", results.query.q)
            };
            view! {
                <Title text=page_title(&title) />
                <Meta name="description" content="Search the register, our values, research priorities and how the social licence was made." />
                <h1>"Search"</h1>
                <SearchForm results />
            }
        },
    )
}

/// The search form and results. Without JavaScript the form submits as usual; with it,
/// `assets/islands.js` follows the typing (after a short pause it fetches this same page
/// for the new words and puts its results in place: no WebAssembly), keeps the address in
/// step, keeps the filter disclosure as the person left it, and the status line below
/// reads out the new count.
#[component]
pub fn SearchForm(results: SearchResults) -> impl IntoView {
    let words = results.query.q.clone();
    view! {
        <form method="get" action="/search" role="search" class="candour-search" data-test="search-form" data-live-search="">
            <div class="nhsuk-form-group">
                <label class="nhsuk-label nhsuk-label--s" for="search-q">"Search for"</label>
                <div class="candour-search__row">
                    <input
                        class="nhsuk-input"
                        id="search-q"
                        name="q"
                        type="search"
                        autocomplete="off"
                        maxlength="2000"
                        value=words
                        data-test="search-input"
                    />
                    <button class="nhsuk-button nhsuk-u-margin-bottom-0" type="submit">"Search"</button>
                </div>
            </div>
            <p class="nhsuk-u-visually-hidden" role="status" aria-live="polite" data-test="search-announcer"></p>
            <div data-live-results="">
                <ResultsView results />
            </div>
        </form>
    }
}

#[component]
fn ResultsView(results: SearchResults) -> impl IntoView {
    let SearchResults {
        query,
        total,
        hits,
        facets,
        fuzzy,
    } = results;
    let pages = ((total + SEARCH_PAGE_SIZE - 1) / SEARCH_PAGE_SIZE).max(1);
    let first = (query.page - 1) * SEARCH_PAGE_SIZE + 1;
    let last = (query.page * SEARCH_PAGE_SIZE).min(total);
    let past_the_end = total > 0 && query.page > pages;
    if past_the_end {
        crate::components::set_status(404);
    }
    let summary = if past_the_end {
        format!(
            "There is no page {}: the {total} results fill {pages} page{}.",
            query.page,
            if pages == 1 { "" } else { "s" }
        )
    } else if query.q.is_empty() && total == 0 {
        "Type a word or two, such as “opt-out” or “commercial”, then press Search.".to_owned()
    } else if total == 0 {
        format!(
            "No results for “{}”. Check the spelling or try fewer words.",
            query.q
        )
    } else if total <= SEARCH_PAGE_SIZE {
        format!("{total} result{}", if total == 1 { "" } else { "s" })
    } else {
        format!("Showing {first} to {last} of {total} results")
    };
    let page_link = {
        let query = query.clone();
        move |page: i64| format!("/search?{}", query.to_query_string(Some(page)))
    };
    let chosen: usize = facets
        .iter()
        .map(|group| query.selected(&group.key).len())
        .sum();
    view! {
        {query.shortened.then(|| view! {
            <p class="nhsuk-body-s" data-test="search-shortened">"Your search was long, so we used only its first 256 characters."</p>
        })}
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-one-third">
                // On phones, behind a disclosure so results come first (as on the register).
                {(!facets.is_empty()).then(|| view! {
                    <details class="candour-filter-disclosure" data-test="filter-disclosure">
                    <summary class="candour-filter-disclosure__summary">
                        {if chosen == 0 { "Filter".to_owned() } else { format!("Filter ({chosen} selected)") }}
                    </summary>
                    <h2 class="nhsuk-heading-s">"Narrow your results"</h2>
                    {facets.into_iter().map(|group| {
                        let selected = query.selected(&group.key).to_vec();
                        let key = group.key.clone();
                        view! {
                            <div class="nhsuk-form-group">
                                <fieldset class="nhsuk-fieldset">
                                    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{group.label}</legend>
                                    <div class="nhsuk-checkboxes nhsuk-checkboxes--small">
                                        {group.values.into_iter().map(|value| {
                                            let id = format!("facet-{}-{}", key, value.key);
                                            let checked = selected.contains(&value.key);
                                            view! {
                                                <div class="nhsuk-checkboxes__item">
                                                    <input class="nhsuk-checkboxes__input" id=id.clone() name=key.clone() type="checkbox" value=value.key checked=checked />
                                                    <label class="nhsuk-label nhsuk-checkboxes__label" for=id>{format!("{} ({})", value.label, value.count)}</label>
                                                </div>
                                            }
                                        }).collect_view()}
                                    </div>
                                </fieldset>
                            </div>
                        }
                    }).collect_view()}
                    <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Apply"</button>
                    </details>
                })}
            </div>
            <div class="nhsuk-grid-column-two-thirds">
                <h2 class="nhsuk-heading-m" data-test="search-count">{summary}</h2>
                {past_the_end.then(|| view! {
                    <p data-test="past-the-end"><a href=page_link(pages)>{format!("Go to page {pages}, the last")}</a></p>
                })}
                {fuzzy.then(|| view! {
                    <p class="nhsuk-body" data-test="search-fuzzy">
                        {format!("We found nothing that matched “{}” exactly, so we are showing results for words spelt like it.", query.q)}
                    </p>
                })}
                <ul class="nhsuk-list candour-results" data-test="search-results">
                    {hits.into_iter().map(|hit| view! {
                        <li class="candour-results__item" data-test="search-hit" data-kind=hit.kind.clone()>
                            <p class="nhsuk-body-s candour-meta nhsuk-u-margin-bottom-1">
                                {hit.kind_label}
                                {hit.date.map(|d| format!(" · {}", display_date(&d)))}
                            </p>
                            <h3 class="nhsuk-heading-s nhsuk-u-margin-bottom-1"><a href=hit.url>{hit.title}</a></h3>
                            {hit.status_key.zip(hit.status_name).map(|(key, name)| view! { <p class="nhsuk-u-margin-bottom-1"><StatusTag key name /></p> })}
                            <p class="nhsuk-body-s" inner_html=hit.snippet.into_inner()></p>
                        </li>
                    }).collect_view()}
                </ul>
                <Pagination page=query.page pages href=page_link />
            </div>
        </div>
    }
}

/// The facet groups in display order (the index returns them in this order too).
pub fn facet_group_label(key: &str) -> &'static str {
    match key {
        "kind" => "Type",
        "status" => "Status",
        "engagement" => "Where it came from",
        _ => "Year",
    }
}
