//! Small building blocks shared by many pages.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;

/// Sets the HTTP status of the page being rendered on the server (ignored in the browser).
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    {
        if let (Some(response), Ok(status)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            axum::http::StatusCode::from_u16(code),
        ) {
            response.set_status(status);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// Sends this page's Content-Security-Policy: scripts only from our own origin or with
/// this response's nonce (no `unsafe-inline`), WebAssembly allowed, nothing from other hosts.
pub fn send_content_security_policy() {
    #[cfg(feature = "ssr")]
    {
        let nonce = leptos::nonce::use_nonce()
            .map(|n| n.to_string())
            .unwrap_or_default();
        if let (Some(response), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            axum::http::HeaderValue::from_str(&content_security_policy(Some(&nonce))),
        ) {
            response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

/// The policy every response carries; pages add their script nonce.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let nonce = nonce
        .filter(|n| !n.is_empty())
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; \
         style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The page title pattern: "<page> – Candour". `<Title>` writes its text into the page
/// unescaped, so the text is escaped here: a search for `</title>` stays text.
///
/// A page shown again because a form has mistakes starts "Error: " (GOV.UK and NHS.UK
/// error pattern), so a screen reader says so first. Ends with the service's name
/// (`SiteInfo::service_name`).
pub fn page_title(page: impl std::fmt::Display) -> String {
    let mut title = String::new();
    let with_errors =
        use_context::<crate::forms::FormFeedback>().is_some_and(|feedback| feedback.has_errors());
    let prefix = if with_errors { "Error: " } else { "" };
    let service = crate::layout::site_info().service_name;
    for c in format!("{prefix}{page} – {service}").chars() {
        match c {
            '&' => title.push_str("&amp;"),
            '<' => title.push_str("&lt;"),
            '>' => title.push_str("&gt;"),
            c => title.push(c),
        }
    }
    title
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_are_escaped() {
        assert_eq!(
            super::page_title("</title><b>"),
            "&lt;/title&gt;&lt;b&gt; – You said, we did"
        );
    }
}

/// Renders the result of a server-side load: the page when it worked, the matching error
/// page (with its HTTP status) when it did not.
pub fn loaded<T, V, Fut>(
    load: impl Fn() -> Fut + Send + Sync + 'static,
    render: impl Fn(T) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView
where
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
    T: Send + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p class="nhsuk-body">"Loading…"</p> }>
            {
                let render = render.clone();
                let pending = load();
                Suspend::new(async move {
                    match pending.await {
                        Ok(data) => render(data).into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })
            }
        </Suspense>
    }
}

/// NHS.UK "Previous / Next" links; `href` gives the address of a page number.
/// Renders nothing when everything fits on one page.
#[component]
pub fn Pagination(page: i64, pages: i64, href: impl Fn(i64) -> String + 'static) -> impl IntoView {
    (pages > 1).then(|| {
        view! {
            <nav class="nhsuk-pagination" role="navigation" aria-label="Pagination">
                <ul class="nhsuk-list nhsuk-pagination__list">
                    {(page > 1).then(|| view! {
                        <li class="nhsuk-pagination-item--previous">
                            <a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href=href(page - 1) rel="prev">
                                <span class="nhsuk-pagination__title">"Previous"</span>
                                <span class="nhsuk-u-visually-hidden">":"</span>
                                <span class="nhsuk-pagination__page">{format!("Page {} of {pages}", page - 1)}</span>
                            </a>
                        </li>
                    })}
                    {(page < pages).then(|| view! {
                        <li class="nhsuk-pagination-item--next">
                            <a class="nhsuk-pagination__link nhsuk-pagination__link--next" href=href(page + 1) rel="next">
                                <span class="nhsuk-pagination__title">"Next"</span>
                                <span class="nhsuk-u-visually-hidden">":"</span>
                                <span class="nhsuk-pagination__page">{format!("Page {} of {pages}", page + 1)}</span>
                            </a>
                        </li>
                    })}
                </ul>
            </nav>
        }
    })
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text=page_title("Page not found") />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>"Page not found"</h1>
                <p>"If you typed the web address, check it is correct."</p>
                <p>"If you pasted the web address, check you copied the entire address."</p>
                <p>
                    "You can "<a href="/actions">"browse the Actions to Build Trust"</a>
                    " or go to the "<a href="/">"home page"</a>"."
                </p>
            </div>
        </div>
    }
}

#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    if error == AppError::NotFound {
        return view! { <NotFound /> }.into_any();
    }
    if matches!(error, AppError::Unauthorized | AppError::Forbidden) {
        return view! { <Refused error /> }.into_any();
    }
    set_status(error.status_code());
    let bad_request = matches!(error, AppError::BadRequest(_));
    let (title, message) = match &error {
        AppError::BadRequest(message) => ("There is a problem with your request", message.clone()),
        _ => (
            "Sorry, there is a problem with the service",
            error.to_string(),
        ),
    };
    view! {
        <Title text=page_title(title) />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>{title}</h1>
                <p>{message}</p>
                {if bad_request {
                    // Trying again later would not help: the address itself needs changing.
                    view! {
                        <p>"Go back and change what you chose, or start again from "<a href="/actions">"all the recommendations"</a>" or the "<a href="/">"home page"</a>"."</p>
                    }.into_any()
                } else {
                    view! { <p>"Try again later, or go to the "<a href="/">"home page"</a>"."</p> }.into_any()
                }}
            </div>
        </div>
    }
    .into_any()
}

/// A private page asked for by someone signed out (401: a link to sign in and come back)
/// or by someone whose role does not allow it (403).
#[component]
fn Refused(error: AppError) -> impl IntoView {
    set_status(error.status_code());
    let here = leptos_router::hooks::use_location();
    let path = here.pathname.get_untracked();
    let next = crate::paths::encode_component(&path);
    let signed_out = error == AppError::Unauthorized;
    let title = if signed_out {
        "Sign in to continue"
    } else {
        "You do not have permission to see this page"
    };
    view! {
        <Title text=page_title(title) />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>{title}</h1>
                {if signed_out {
                    view! {
                        <p>"This page is for Digital Critical Friends and the PPIE team."</p>
                        <p><a class="nhsuk-button" href=format!("/sign-in?next={next}") data-test="sign-in-to-continue">"Sign in"</a></p>
                    }.into_any()
                } else {
                    view! {
                        <p>"Your account's role does not include this. If you think it should, contact the PPIE team."</p>
                        <p>"Go to "<a href="/account">"your account"</a>" or the "<a href="/">"home page"</a>"."</p>
                    }.into_any()
                }}
            </div>
        </div>
    }
}

/// The NHS.UK breadcrumb: `items` are `(href, text)` from the top down, ending with the
/// page above this one. On phones the list is hidden and a "Back to …" link to that page
/// shows instead (NHS.UK frontend 10 breadcrumb with its back link).
#[component]
pub fn Breadcrumbs(items: Vec<(String, String)>) -> impl IntoView {
    let parent = items.last().cloned();
    view! {
        <nav class="nhsuk-breadcrumb" aria-label="Breadcrumb">
            <ol class="nhsuk-breadcrumb__list">
                {items.into_iter().map(|(href, text)| view! {
                    <li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" href=href>{text}</a></li>
                }).collect_view()}
            </ol>
            {parent.map(|(href, text)| view! {
                <a class="nhsuk-back-link" href=href data-test="breadcrumb-back">
                    <span class="nhsuk-u-visually-hidden">"Back to "</span>
                    {text}
                </a>
            })}
        </nav>
    }
}

/// A button that copies the page's address, for sharing a filtered view of the register.
/// `assets/islands.js` shows it and copies (a few lines: no WebAssembly for this); without
/// JavaScript, or where the browser cannot copy, it stays hidden and the address bar does
/// the same job.
#[component]
pub fn CopyLinkButton() -> impl IntoView {
    view! {
        <div class="candour-copy-link" data-copy-page="" hidden>
            <button
                type="button"
                class="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                data-test="copy-link"
            >
                "Copy link to this page"
            </button>
            <p class="nhsuk-body-s" role="status" data-test="copy-link-status"></p>
        </div>
    }
}
