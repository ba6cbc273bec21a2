//! The home page and the fixed content pages (accessibility, privacy, contact).

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

pub use crate::components::NotFound;
use crate::{
    components::{loaded, page_title},
    error::AppError,
    html::SanitizedHtml,
    register::components::{ProgressSummary, RecentChanges},
    register::{EngagementSummary, StatusChangeItem, StatusCount},
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaticPage {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: SanitizedHtml,
    pub updated_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeData {
    pub intro: StaticPage,
    pub value_count: i64,
    pub priority_count: i64,
    pub recommendation_count: i64,
    pub engagements: Vec<EngagementSummary>,
    pub status_counts: Vec<StatusCount>,
    pub latest_changes: Vec<StatusChangeItem>,
}

#[server(prefix = "/_fn", endpoint = "static_page")]
pub async fn get_static_page(slug: String) -> Result<StaticPage, AppError> {
    let state = crate::state::app_state()?;
    ssr::static_page(state.db.pool(), &slug)
        .await?
        .ok_or(AppError::NotFound)
}

#[server(prefix = "/_fn", endpoint = "home")]
pub async fn get_home() -> Result<HomeData, AppError> {
    let state = crate::state::app_state()?;
    let pool = state.db.pool();
    let intro = ssr::static_page(pool, "home")
        .await?
        .ok_or(AppError::NotFound)?;
    let (value_count, priority_count, recommendation_count) =
        ssr::social_licence_counts(pool).await?;
    Ok(HomeData {
        intro,
        value_count,
        priority_count,
        recommendation_count,
        engagements: crate::register::ssr::engagement_summaries(pool).await?,
        status_counts: crate::register::ssr::status_counts(pool, None).await?,
        latest_changes: crate::register::ssr::latest_changes(
            pool,
            crate::register::ssr::ChangeScope::All,
            3,
        )
        .await?,
    })
}

#[component]
pub fn ContentPage(slug: &'static str) -> impl IntoView {
    loaded(
        move || get_static_page(slug.to_owned()),
        |page| {
            view! {
                <Title text=page_title(&page.title) />
                <Meta name="description" content=page.summary.clone() />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <h1>{page.title.clone()}</h1>
                        <div class="candour-prose" inner_html=page.body.into_inner()></div>
                        <p class="nhsuk-body-s candour-meta">{format!("Page last updated: {}", page.updated_on)}</p>
                    </div>
                </div>
            }
        },
    )
}

#[component]
pub fn HomePage() -> impl IntoView {
    loaded(get_home, |home| {
        let HomeData {
            intro,
            value_count,
            priority_count,
            recommendation_count,
            engagements,
            status_counts,
            latest_changes,
        } = home;
        let service = crate::layout::site_info().service_name;
        // First what people come for: what happened to what they said. The explanation
        // of the social licence follows.
        view! {
            <Title text=format!("{service} – what people said and what was done with NHS data") />
            <Meta name="description" content=intro.summary.clone() />
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    <h1>"Find out what happened to a recommendation"</h1>
                    <p class="nhsuk-lede-text">
                        {format!("Local people made {recommendation_count} recommendations about how NHS data should be used for research. Here is what was done about each one.")}
                    </p>
                    <form method="get" action="/actions" role="search" class="candour-search" data-test="home-search">
                        <div class="nhsuk-form-group">
                            <label class="nhsuk-label nhsuk-label--s" for="home-q">"Search the recommendations"</label>
                            <div class="nhsuk-hint" id="home-q-hint">"For example: commercial, opt-out, or a reference such as PP-17"</div>
                            <div class="candour-search__row">
                                <input class="nhsuk-input" id="home-q" name="q" type="search" autocomplete="off" aria-describedby="home-q-hint" />
                                <button class="nhsuk-button nhsuk-u-margin-bottom-0" type="submit">"Search"</button>
                            </div>
                        </div>
                    </form>
                    <p><a href="/actions" data-test="all-recommendations">{format!("See all {recommendation_count} recommendations")}</a></p>
                </div>
            </div>
            <h2>"Progress so far"</h2>
            <ProgressSummary counts=status_counts />
            <crate::register::friends::FriendsDisagree />
            <p><a href="/you-said-we-did">"You said, we did: progress by engagement"</a></p>
            <h2>"Latest changes"</h2>
            <RecentChanges changes=latest_changes />
            <p><a href="/actions?sort=updated">"See every recent change"</a>" or "<a href="/actions/feed.atom">"follow them (Atom feed)"</a></p>
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    <h2 id="opt-out">"Can I opt out?"</h2>
                    <p>"Yes. The national data opt-out lets you choose that your confidential patient information is not used for research and planning. You can set or change it at any time in the NHS App, on the NHS website at "<a href="https://www.nhs.uk/your-nhs-data-matters/">"nhs.uk/your-nhs-data-matters"</a>" (another website), or by phoning 0300 303 5678."</p>
                    <p>"To stop information leaving your GP practice for purposes other than your care, ask your GP practice for a type 1 opt-out. "<a href="/contact#opt-out">"More about your choices"</a></p>
                    <h2>{intro.title.clone()}</h2>
                    // The intro sits under its own heading: its sections are that heading's children.
                    <div class="candour-prose" inner_html=intro.body.headings_below(2).into_inner()></div>
                </div>
            </div>
            <h2>"The three parts of our social licence"</h2>
            <ul class="nhsuk-grid-row nhsuk-card-group" data-test="licence-parts">
                <LicencePart
                    href="/values"
                    title="Our core values"
                    text=format!("{value_count} values that guide how the SDE makes every decision.")
                />
                <LicencePart
                    href="/priorities"
                    title="Strategic research priorities"
                    text=format!("{priority_count} areas of research that local people most want data to help with.")
                />
                <LicencePart
                    href="/actions"
                    title="Actions to Build Trust"
                    text=format!("{recommendation_count} recommendations from the public, and what we did about each one.")
                />
            </ul>
            <h2>"How people shaped the social licence"</h2>
            <ul class="nhsuk-grid-row nhsuk-card-group">
                {engagements
                    .into_iter()
                    .map(|engagement| {
                        view! {
                            <li class="nhsuk-grid-column-one-half nhsuk-card-group__item">
                                <div class="nhsuk-card nhsuk-card--clickable">
                                    <div class="nhsuk-card__content">
                                        <h3 class="nhsuk-card__heading nhsuk-heading-s">
                                            <a class="nhsuk-card__link" href=format!("/engagement#{}", engagement.key)>
                                                {engagement.name}
                                            </a>
                                        </h3>
                                        <ul class="candour-figures">
                                            {engagement
                                                .figures
                                                .into_iter()
                                                .map(|figure| {
                                                    view! {
                                                        <li>
                                                            <strong class="candour-figures__value">{figure.value}</strong>
                                                            " "
                                                            {figure.label}
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    </div>
                                </div>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

#[component]
fn LicencePart(href: &'static str, title: &'static str, text: String) -> impl IntoView {
    view! {
        <li class="nhsuk-grid-column-one-third nhsuk-card-group__item">
            <div class="nhsuk-card nhsuk-card--clickable">
                <div class="nhsuk-card__content">
                    <h3 class="nhsuk-card__heading nhsuk-heading-m">
                        <a class="nhsuk-card__link" href=href>{title}</a>
                    </h3>
                    <p class="nhsuk-card__description">{text}</p>
                </div>
            </div>
        </li>
    }
}
