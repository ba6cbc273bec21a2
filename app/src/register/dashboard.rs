//! The register's part of the staff home: recommendations gone overdue and the latest
//! status changes, each linking to its update page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{components::RecentChanges, StatusChangeItem};
use crate::{components::loaded, dates::display_date, error::AppError};

/// A recommendation whose target date has passed while it is still open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Overdue {
    pub reference: String,
    pub title: String,
    pub target: String,
    pub status_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterOverview {
    pub overdue: Vec<Overdue>,
    pub recent: Vec<StatusChangeItem>,
}

#[leptos::server(prefix = "/_fn", endpoint = "staff-register")]
pub async fn get_register_overview() -> Result<RegisterOverview, AppError> {
    crate::accounts::ssr::require(crate::accounts::Permission::RecordStatusChanges)?;
    let state = crate::state::app_state()?;
    let pool = state.db.pool();
    let overdue = sqlx::query_as(
        "SELECT r.reference, r.title, r.target, s.name AS status_name
         FROM recommendations r JOIN statuses s ON s.key = r.status_key
         WHERE s.closed = 0 AND r.target IS NOT NULL AND r.target < $1
         ORDER BY r.target, r.reference",
    )
    .bind(crate::dates::today())
    .fetch_all(pool)
    .await?;
    let recent = super::ssr::latest_changes(pool, super::ssr::ChangeScope::All, 5).await?;
    Ok(RegisterOverview { overdue, recent })
}

/// Overdue recommendations and the latest changes.
#[component]
pub fn RegisterPanel() -> impl IntoView {
    loaded(get_register_overview, |overview| {
        view! {
            <section aria-labelledby="overdue-heading" data-test="overdue">
                <h2 id="overdue-heading">"Overdue recommendations"</h2>
                {if overview.overdue.is_empty() {
                    view! { <p>"None: every open recommendation with a target date is on time."</p> }.into_any()
                } else {
                    view! {
                        <p>{format!("{} past their target date. Update each one: a new date, or what is holding it up.", overview.overdue.len())}</p>
                        <ul class="nhsuk-list nhsuk-list--bullet">
                            {overview.overdue.into_iter().map(|o| view! {
                                <li>
                                    <a href=format!("/admin/actions/{}", o.reference)>{format!("{}: {}", o.reference, o.title)}</a>
                                    {format!(" — {}, target {}", o.status_name, display_date(&o.target))}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section aria-labelledby="recent-heading">
                <h2 id="recent-heading">"Recently changed"</h2>
                <RecentChanges changes=overview.recent />
                <p><a href="/admin/engagements">"Add a recommendation or an engagement"</a></p>
            </section>
        }
    })
}
