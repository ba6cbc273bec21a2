//! The parts of the page shell every page shares: skip link, header with navigation, footer.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::site::SiteInfo;

/// The main navigation, in order. A section is current for its own path and everything
/// below it. Search is the box in the header, not a second way in.
const NAVIGATION: &[(&str, &str)] = &[
    ("/", "Home"),
    ("/actions", "Actions to Build Trust"),
    ("/you-said-we-did", "You said, we did"),
    ("/values", "Our values"),
    ("/priorities", "Research priorities"),
    ("/reports", "Reports"),
    ("/policies", "Policies"),
];

fn is_current_section(href: &str, path: &str) -> bool {
    if href == "/" {
        path == "/"
    } else {
        path == href || path.starts_with(&format!("{href}/"))
    }
}

pub fn site_info() -> SiteInfo {
    use_context::<SiteInfo>().unwrap_or_default()
}

#[component]
pub fn SkipLink() -> impl IntoView {
    view! {
        <a class="nhsuk-skip-link" href="#maincontent">
            "Skip to main content"
        </a>
    }
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    let site = site_info();
    let path = use_location().pathname.get_untracked();
    // Signing in is offered to everyone, but only critical friends and staff have accounts.
    let viewer = crate::accounts::viewer_now();
    let viewer_signed_in = viewer.is_some();
    let account: (&str, &str) = match &viewer {
        Some(_) => ("/account", "Your account"),
        None => ("/sign-in", "Sign in"),
    };
    // Staff (editors and admins) reach their home from every page.
    let staff = viewer
        .filter(|v| v.may(crate::accounts::Permission::RecordStatusChanges))
        .map(|_| ("/admin", "Staff"));
    let signed_in = viewer_signed_in;
    let items = NAVIGATION
        .iter()
        .chain(staff.iter())
        .chain(std::iter::once(&account))
        .map(|(href, label)| {
            let current = is_current_section(href, &path);
            let exact = *href == path;
            view! {
                <li class="nhsuk-header__navigation-item"
                    class:nhsuk-header__navigation-item--current=current>
                    <a
                        class="nhsuk-header__navigation-link"
                        href=*href
                        aria-current=current.then_some(if exact { "page" } else { "true" })
                    >
                        {if current {
                            view! { <strong class="nhsuk-header__navigation-item-current-fallback">{*label}</strong> }.into_any()
                        } else {
                            label.into_any()
                        }}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <header class="nhsuk-header nhsuk-header--organisation" role="banner">
            <div class="nhsuk-header__container nhsuk-width-container">
                <div class="nhsuk-header__service">
                    <a class="nhsuk-header__service-logo candour-header__home" href="/">
                        <span class="nhsuk-header__service-name">{site.service_name.clone()}</span>
                        <span class="candour-header__organisation">{site.organisation}</span>
                    </a>
                </div>
                <search class="nhsuk-header__search">
                    <form class="nhsuk-header__search-form" id="search" action="/search" method="get" novalidate>
                        <div class="nhsuk-form-group">
                            <label class="nhsuk-label nhsuk-u-visually-hidden" for="search-field">"Search this site"</label>
                            <div class="nhsuk-input-wrapper">
                                <input class="nhsuk-input nhsuk-header__search-input" id="search-field" name="q" type="search" placeholder="Search" autocomplete="off" />
                                <button class="nhsuk-button nhsuk-button--small candour-header__search-button" type="submit">
                                    "Search"
                                </button>
                            </div>
                        </div>
                    </form>
                </search>
            </div>
            <nav class="nhsuk-header__navigation" aria-label="Main menu">
                <div class="nhsuk-header__navigation-container nhsuk-width-container">
                    <ul class="nhsuk-header__navigation-list candour-header__navigation-list">
                        {items}
                        // Anyone signed in can sign out from every page.
                        {signed_in.then(|| view! {
                            <li class="nhsuk-header__navigation-item">
                                <crate::accounts::pages::SignOutButton class="nhsuk-header__navigation-link candour-header__sign-out" />
                            </li>
                        })}
                    </ul>
                </div>
            </nav>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    let site = site_info();
    let links = [
        ("/engagement", "How the social licence was made"),
        ("/you-said-we-did", "You said, we did"),
        ("/accessibility", "Accessibility statement"),
        ("/privacy", "Privacy notice"),
        ("/contact", "Contact us"),
    ];
    view! {
        <footer class="nhsuk-footer" role="contentinfo">
            <div class="nhsuk-width-container">
                <h2 class="nhsuk-u-visually-hidden">"Support links"</h2>
                <div class="nhsuk-footer__meta">
                    <ul class="nhsuk-footer__list">
                        {links
                            .into_iter()
                            .map(|(href, label)| {
                                view! {
                                    <li class="nhsuk-footer__list-item">
                                        <a class="nhsuk-footer__list-item-link" href=href>{label}</a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <p class="nhsuk-body-s">
                        {site.service_name.clone()} " is run by " {site.organisation.clone()}
                        ". Questions about this site: "
                        <a href=format!("mailto:{}", site.contact_email)>{site.contact_email.clone()}</a>
                    </p>
                </div>
            </div>
        </footer>
        <PrintedFrom />
    }
}

/// On paper only: the page's full address and the day it was printed, for a sheet a
/// community group hands out.
#[component]
fn PrintedFrom() -> impl IntoView {
    let site = site_info();
    let location = leptos_router::hooks::use_location();
    // The whole address, filters included: a printed register says which view it is.
    let query = location.search.get_untracked();
    let path = match query.as_str() {
        "" => location.pathname.get_untracked(),
        query => format!("{}?{query}", location.pathname.get_untracked()),
    };
    #[cfg(feature = "ssr")]
    let printed = crate::dates::display_date(&crate::dates::today());
    #[cfg(not(feature = "ssr"))]
    let printed = String::new();
    view! {
        <p class="candour-print-only" data-test="printed-from">
            {format!("Printed from {}{path} on {printed}.", site.public_url)}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::is_current_section;

    #[test]
    fn home_is_current_only_on_the_home_page() {
        assert!(is_current_section("/", "/"));
        assert!(!is_current_section("/", "/actions"));
    }

    #[test]
    fn a_section_is_current_on_its_sub_pages_but_not_on_lookalikes() {
        assert!(is_current_section("/actions", "/actions/PP-1"));
        assert!(!is_current_section("/actions", "/actions-archive"));
    }
}

/// The staff area's sections, in order: `(key, address, label, admins only)`.
const STAFF_SECTIONS: &[(&str, &str, &str, bool)] = &[
    ("home", "/admin", "Staff home", false),
    (
        "register",
        "/admin/engagements",
        "Engagements and recommendations",
        false,
    ),
    (
        "content",
        "/admin/content",
        "Values, priorities and pages",
        false,
    ),
    ("reports", "/admin/reports", "Reports", false),
    ("policies", "/admin/policies", "Policies", false),
    ("users", "/admin/users", "People", false),
    ("audit", "/admin/audit", "Audit log", true),
    ("email", "/admin/email", "Email", true),
];

/// The staff area's navigation, the same on every staff page; `current` is the section's
/// key (`register`, `reports`, …).
#[component]
pub fn StaffNav(current: &'static str) -> impl IntoView {
    let admin = crate::accounts::viewer_now()
        .is_some_and(|v| v.may(crate::accounts::Permission::ViewAuditLog));
    view! {
        <nav class="candour-staff-nav" aria-label="Staff" data-test="staff-nav">
            <ul class="nhsuk-list candour-staff-nav__list">
                {STAFF_SECTIONS
                    .iter()
                    .filter(|(_, _, _, admins_only)| admin || !*admins_only)
                    .map(|(key, href, label, _)| {
                        let here = *key == current;
                        view! {
                            <li class="candour-staff-nav__item" class:candour-staff-nav__item--current=here>
                                <a href=*href aria-current=here.then_some("true")>{*label}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
