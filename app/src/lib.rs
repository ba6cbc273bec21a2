#![recursion_limit = "256"]
//! Candour's user interface: every page, shared types and the server functions behind them.
//!
//! Pages are rendered on the server (and work with no JavaScript); only `#[island]`
//! components ship to the browser as wasm.

pub mod accounts;
pub mod assets;
pub mod components;
pub mod content;
pub mod dates;
pub mod email;
pub mod error;
pub mod forms;
pub mod html;
pub mod layout;
pub mod pages;
pub mod paths;
pub mod policies;
pub mod register;
pub mod reports;
pub mod search;
pub mod site;
pub mod staff;
pub mod text;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};
pub use site::SiteInfo;

use crate::{
    accounts::pages::{
        AccountPage, AdminUsersPage, AuditLogPage, ForgotPasswordPage, InvitePage, ResetPage,
        SignInPage,
    },
    content::{ContentEditorPage, ContentListPage, GlossaryEditorPage},
    email::{
        AdminEmailPage, ConfirmSubscriptionPage, LeftPage, ManageSubscriptionPage,
        NotificationSettingsSection, SubscribePage, UnsubscribePage,
    },
    forms::ConfirmPage,
    layout::{SiteFooter, SiteHeader, SkipLink},
    pages::{ContentPage, HomePage, NotFound},
    policies::{
        admin_pages::{AdminPoliciesPage, PolicyEditorPage},
        pages::{MyCommentsSection, PoliciesPage, PolicyPage},
        review_pages::{ReviewPage, ReviewsPage},
        version_pages::{
            PolicyComparePage, PolicyModerationPage, PolicyVersionPage, PolicyVersionsPage,
        },
    },
    register::pages::{
        EngagementPage, PrioritiesPage, PriorityPage, RecommendationPage, RegisterPage, ValuePage,
        ValuesPage, YouSaidWeDidPage,
    },
    register::{
        editing::{
            AdminEngagementsPage, EngagementEditorPage, RecommendationDetailsPage,
            RecommendationNewPage,
        },
        follows::FollowedSection,
        staff::{CheckUpdatePage, StaffRecordPage},
    },
    reports::{
        admin_pages::{AdminReportsPage, ReportEditorPage},
        pages::{ReportHistoryPage, ReportPage, ReportsPage},
    },
    search::pages::SearchPage,
    staff::StaffHomePage,
};

/// The HTML document around every page.
pub fn shell(_options: LeptosOptions) -> AnyView {
    // For print: links on this site show their full address (style/candour.css).
    let site_address = format!(
        "--candour-site: \"{}\"",
        layout::site_info().public_url.replace(['"', '\\'], "")
    );
    view! {
        <!DOCTYPE html>
        <html lang="en-GB" style=site_address>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // The trimmed NHS.UK styles and Candour's own, as one file (scripts/build).
                <link rel="stylesheet" href=assets::path("/assets/site.css") />
                <link rel="icon" href="/assets/nhsuk/images/favicon.svg" type="image/svg+xml" />
                <link rel="icon" href="/assets/nhsuk/images/favicon.ico" sizes="48x48" />
                // Instead of <HydrationScripts/>, which makes every page fetch the wasm:
                // assets/islands.js loads it only on pages that have an island. It is
                // fetched once the page has loaded and painted (islands_loader).
                <script nonce=leptos::nonce::use_nonce() inner_html=islands_loader()></script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
    .into_any()
}

/// The inline script that imports `assets/islands.js` (by its hashed name) once the page
/// has loaded and painted: after the `load` event (or at once if that has passed), then
/// after the next frame, so that on a slow link nothing the first paint needs (the HTML, the
/// stylesheet) shares the line with it (Lighthouse's mobile simulation, an A/B in
/// `bench/RESULTS.md`: Largest Contentful Paint 0.90-0.96 s instead of 0.95-1.02 s with a
/// module script in the head). A hidden tab paints nothing, so it imports at once.
/// A classic script may `import()` a module; the Content-Security-Policy allows this one by
/// its hash (`server::validators`) and the module by `'self'`.
fn islands_loader() -> String {
    format!(
        "(()=>{{const go=()=>import({:?}),later=()=>document.hidden?go():requestAnimationFrame(()=>setTimeout(go));\
         document.readyState===\"complete\"?later():addEventListener(\"load\",later)}})()",
        assets::path("/assets/islands.js")
    )
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    components::send_content_security_policy();
    view! {
        <Router>
            <SkipLink />
            <SiteHeader />
            <div class="nhsuk-width-container">
                <main class="nhsuk-main-wrapper" id="maincontent" tabindex="-1">
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                        <Route
                            path=path!("/accessibility")
                            view=|| view! { <ContentPage slug="accessibility" /> }
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("/privacy")
                            view=|| view! { <ContentPage slug="privacy" /> }
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("/contact")
                            view=|| view! { <ContentPage slug="contact" /> }
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("/actions") view=RegisterPage ssr=SsrMode::Async />
                        <Route
                            path=path!("/actions/:reference")
                            view=RecommendationPage
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("/you-said-we-did") view=YouSaidWeDidPage ssr=SsrMode::Async />
                        <Route path=path!("/values") view=ValuesPage ssr=SsrMode::Async />
                        <Route path=path!("/values/:slug") view=ValuePage ssr=SsrMode::Async />
                        <Route path=path!("/priorities") view=PrioritiesPage ssr=SsrMode::Async />
                        <Route path=path!("/priorities/:slug") view=PriorityPage ssr=SsrMode::Async />
                        <Route path=path!("/engagement") view=EngagementPage ssr=SsrMode::Async />
                        <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async />
                        <Route path=path!("/reports") view=ReportsPage ssr=SsrMode::Async />
                        <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async />
                        <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async />
                        <Route path=path!("/invite/:token") view=InvitePage ssr=SsrMode::Async />
                        <Route path=path!("/reset/:token") view=ResetPage ssr=SsrMode::Async />
                        <Route
                            path=path!("/account")
                            view=|| view! {
                                <AccountPage>
                                    <FollowedSection />
                                    <MyCommentsSection />
                                    <NotificationSettingsSection />
                                </AccountPage>
                            }
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("/admin") view=StaffHomePage ssr=SsrMode::Async />
                        <Route path=path!("/admin/confirm") view=ConfirmPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/email") view=AdminEmailPage ssr=SsrMode::Async />
                        <Route path=path!("/subscribe") view=SubscribePage ssr=SsrMode::Async />
                        <Route path=path!("/subscriptions/left") view=LeftPage ssr=SsrMode::Async />
                        <Route path=path!("/subscriptions/:token") view=ManageSubscriptionPage ssr=SsrMode::Async />
                        <Route path=path!("/subscriptions/:token/confirm") view=ConfirmSubscriptionPage ssr=SsrMode::Async />
                        <Route path=path!("/subscriptions/:token/unsubscribe") view=UnsubscribePage ssr=SsrMode::Async />
                        <Route path=path!("/admin/users") view=AdminUsersPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/audit") view=AuditLogPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/reports") view=AdminReportsPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/content") view=ContentListPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/values/:slug") view=|| view! { <ContentEditorPage part="values" /> } ssr=SsrMode::Async />
                        <Route path=path!("/admin/priorities/:slug") view=|| view! { <ContentEditorPage part="priorities" /> } ssr=SsrMode::Async />
                        <Route path=path!("/admin/pages/:slug") view=|| view! { <ContentEditorPage part="pages" /> } ssr=SsrMode::Async />
                        <Route path=path!("/admin/glossary") view=GlossaryEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/engagements") view=AdminEngagementsPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/engagements/new") view=EngagementEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/engagements/:key") view=EngagementEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/actions/new") view=RecommendationNewPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/actions/:reference/details") view=RecommendationDetailsPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/actions/:reference") view=StaffRecordPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/actions/:reference/check") view=CheckUpdatePage ssr=SsrMode::Async />
                        <Route path=path!("/admin/reports/new") view=ReportEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/reports/:id") view=ReportEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/reports/:slug") view=ReportPage ssr=SsrMode::Async />
                        <Route path=path!("/policies") view=PoliciesPage ssr=SsrMode::Async />
                        <Route path=path!("/policies/:slug") view=PolicyPage ssr=SsrMode::Async />
                        <Route path=path!("/policies/:slug/versions") view=PolicyVersionsPage ssr=SsrMode::Async />
                        <Route path=path!("/policies/:slug/versions/:number") view=PolicyVersionPage ssr=SsrMode::Async />
                        <Route path=path!("/policies/:slug/compare") view=PolicyComparePage ssr=SsrMode::Async />
                        <Route path=path!("/policies/:slug/moderation") view=PolicyModerationPage ssr=SsrMode::Async />
                        <Route path=path!("/review") view=ReviewsPage ssr=SsrMode::Async />
                        <Route path=path!("/review/:slug") view=ReviewPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/policies") view=AdminPoliciesPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/policies/new") view=PolicyEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/policies/:id") view=PolicyEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/policies/:id/answers") view=crate::policies::answer_queue::AnswerQueuePage ssr=SsrMode::Async />
                        <Route
                            path=path!("/reports/:slug/history")
                            view=ReportHistoryPage
                            ssr=SsrMode::Async
                        />
                    </Routes>
                </main>
            </div>
            <SiteFooter />
        </Router>
    }
}
