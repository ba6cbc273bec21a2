//! Following recommendations: a signed-in person (a Digital Critical Friend, usually)
//! follows recommendations from their pages, and their account page lists them with what
//! has changed since they last looked.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    dates::{display_date, display_time},
    error::AppError,
};

/// A followed recommendation, as the account page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Followed {
    pub reference: String,
    pub title: String,
    pub status_name: String,
    pub status_changed: String,
    /// Its status or response changed after the person last marked their list as seen.
    pub changed: bool,
    pub seen_at: String,
}

/// Whether the signed-in person follows a recommendation; `None` when signed out.
#[leptos::server(prefix = "/_fn", endpoint = "follow-state")]
pub async fn get_follow_state(reference: String) -> Result<Option<bool>, AppError> {
    let Some(viewer) = crate::accounts::ssr::current_viewer() else {
        return Ok(None);
    };
    let state = crate::state::app_state()?;
    Ok(Some(
        ssr::follows(&state.db, viewer.id, &reference.to_uppercase()).await?,
    ))
}

/// The follow / stop following button on a recommendation's page (signed in only).
#[component]
pub fn FollowButton(reference: String) -> impl IntoView {
    let address = crate::paths::encode_component(&reference);
    crate::components::loaded(
        move || get_follow_state(reference.clone()),
        move |following| {
            let reference = address.clone();
            following.map(|following| {
                let (action, label) = if following {
                    ("unfollow", "Stop following")
                } else {
                    ("follow", "Follow this recommendation")
                };
                view! {
                    <form method="post" action=format!("/actions/{reference}/{action}") class="candour-inline-form" data-test="follow-form">
                        <button class="nhsuk-button nhsuk-button--secondary" type="submit" data-test="follow">{label}</button>
                        {following.then(|| view! { <span class="nhsuk-body-s candour-meta">"Changes to it are listed on your account page."</span> })}
                    </form>
                }
            })
        },
    )
}

/// The recommendations the signed-in person follows.
#[leptos::server(prefix = "/_fn", endpoint = "followed")]
pub async fn get_followed() -> Result<Vec<Followed>, AppError> {
    let viewer = crate::accounts::ssr::require(crate::accounts::Permission::ManageOwnAccount)?;
    let state = crate::state::app_state()?;
    Ok(ssr::followed(&state.db, viewer.id).await?)
}

/// The account page's part about following: its notices and the list.
#[component]
pub fn FollowedSection() -> impl IntoView {
    crate::components::loaded(get_followed, |followed| {
        view! {
            <crate::forms::DoneNotice notices=super::NOTICES />
            <FollowedList followed />
        }
    })
}

/// The account page's list of followed recommendations.
#[component]
pub fn FollowedList(followed: Vec<Followed>) -> impl IntoView {
    let changed = followed.iter().filter(|f| f.changed).count();
    view! {
        <h2 id="follows-heading">"Recommendations you follow"</h2>
        {if followed.is_empty() {
            view! { <p>"You follow none yet. Open a recommendation in "<a href="/actions">"the register"</a>" and choose “Follow this recommendation”."</p> }.into_any()
        } else {
            view! {
                <p data-test="follows-summary">{match changed {
                    0 => "None has changed since you last marked them as seen.".to_owned(),
                    1 => "1 has changed since you last marked them as seen.".to_owned(),
                    n => format!("{n} have changed since you last marked them as seen."),
                }}</p>
                <ul class="nhsuk-list candour-results" aria-labelledby="follows-heading">
                    {followed.into_iter().map(|f| view! {
                        <li class="candour-results__item" data-test="followed">
                            <a href=format!("/actions/{}", f.reference)>{format!("{}: {}", f.reference, f.title)}</a>
                            {f.changed.then(|| view! { " " <strong class="nhsuk-tag nhsuk-tag--orange" data-test="changed">"Changed"</strong> })}
                            <p class="nhsuk-body-s candour-meta nhsuk-u-margin-bottom-0">
                                {format!("{} since {} · followed or seen {}", f.status_name, display_date(&f.status_changed), display_time(&f.seen_at))}
                            </p>
                        </li>
                    }).collect_view()}
                </ul>
                {(changed > 0).then(|| view! {
                    <form method="post" action="/account/follows/seen" class="candour-inline-form">
                        <button class="nhsuk-button nhsuk-button--secondary" type="submit" data-test="mark-seen">"Mark all as seen"</button>
                    </form>
                })}
            }.into_any()
        }}
    }
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use axum::extract::{Path, Request, State};

    use super::Followed;
    use crate::{
        accounts::{SignedIn, Viewer},
        dates::now,
        db::Database,
        forms::ssr::{read, Answer, Button, Posted, Refusal, Written},
        state::AppState,
    };

    pub async fn follows(
        db: &Database,
        user_id: i64,
        reference: &str,
    ) -> Result<bool, sqlx::Error> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT user_id FROM follows WHERE user_id = $1 AND reference = $2")
                .bind(user_id)
                .bind(reference)
                .fetch_optional(db.pool())
                .await?;
        Ok(found.is_some())
    }

    pub async fn followed(db: &Database, user_id: i64) -> Result<Vec<Followed>, sqlx::Error> {
        let rows: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
            "SELECT r.reference, r.title, s.name, r.status_changed, f.seen_at,
                    CASE WHEN r.updated_at > f.seen_at OR EXISTS (
                        SELECT 1 FROM status_changes c WHERE c.recommendation_id = r.id AND c.recorded_at > f.seen_at
                    ) THEN 1 ELSE 0 END
             FROM follows f
             JOIN recommendations r ON r.reference = f.reference
             JOIN statuses s ON s.key = r.status_key
             WHERE f.user_id = $1
             ORDER BY r.engagement_id, r.number",
        )
        .bind(user_id)
        .fetch_all(db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(reference, title, status_name, status_changed, seen_at, changed)| Followed {
                    reference,
                    title,
                    status_name,
                    status_changed,
                    changed: changed != 0,
                    seen_at,
                },
            )
            .collect())
    }

    /// Follows or stops following. Personal reading lists change no shared record, so
    /// they are not in the audit log.
    async fn follow_or_not(
        state: AppState,
        request: Request,
        reference: String,
        viewer: Viewer,
        follow: bool,
    ) -> Answer {
        let reference = reference.to_uppercase();
        let page = format!("/actions/{reference}");
        let Posted { reply, .. } = read::<Button>(request, "follow", page).await;
        let notice = if follow { "followed" } else { "unfollowed" };
        reply
            .write(&state, viewer.actor(), notice, async |tx| {
                let exists: Option<String> = sqlx::query_scalar(
                    "SELECT reference FROM recommendations WHERE reference = $1",
                )
                .bind(&reference)
                .fetch_optional(&mut *tx)
                .await?;
                if exists.is_none() {
                    return Err(Refusal::NotFound);
                }
                let query = if follow {
                    sqlx::query(
                        "INSERT INTO follows (user_id, reference, seen_at) VALUES ($1, $2, $3)
                         ON CONFLICT (user_id, reference) DO NOTHING",
                    )
                    .bind(viewer.id)
                    .bind(&reference)
                    .bind(now())
                } else {
                    sqlx::query("DELETE FROM follows WHERE user_id = $1 AND reference = $2")
                        .bind(viewer.id)
                        .bind(&reference)
                };
                query.execute(&mut *tx).await?;
                Ok(Written::default())
            })
            .await
    }

    pub async fn follow(
        State(state): State<AppState>,
        Path(reference): Path<String>,
        SignedIn(viewer): SignedIn,
        request: Request,
    ) -> Answer {
        follow_or_not(state, request, reference, viewer, true).await
    }

    pub async fn unfollow(
        State(state): State<AppState>,
        Path(reference): Path<String>,
        SignedIn(viewer): SignedIn,
        request: Request,
    ) -> Answer {
        follow_or_not(state, request, reference, viewer, false).await
    }

    /// Marks every followed recommendation as seen now.
    pub async fn mark_seen(
        State(state): State<AppState>,
        SignedIn(viewer): SignedIn,
        request: Request,
    ) -> Answer {
        let Posted { reply, .. } = read::<Button>(request, "follows", "/account").await;
        reply
            .write(&state, viewer.actor(), "follows-seen", async |tx| {
                sqlx::query("UPDATE follows SET seen_at = $1 WHERE user_id = $2")
                    .bind(now())
                    .bind(viewer.id)
                    .execute(&mut *tx)
                    .await?;
                Ok(Written::default())
            })
            .await
    }
}
