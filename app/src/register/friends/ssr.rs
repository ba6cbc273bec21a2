//! Critical friends' views on the server: reading them (one recommendation's, and the
//! counts for lists, the filter and the open data, as things stand or stood on a day) and
//! the two forms (a critical friend's view; the PPIE team's answer).

use std::collections::HashMap;

use axum::extract::{Path, Request, State};
use serde::Deserialize;
use sqlx::AnyPool;

use super::{FriendView, FriendsCounts, FriendsViews, OwnView, ViewAnswer, OPINION_KEYS};
use crate::{
    accounts::SignedIn,
    audit::Change,
    dates::{now, today},
    db::{Bind, Sql},
    forms::{
        rules::{at_most, one_of, text},
        ssr::{read, text_block, trimmed, Answer, Posted, Refusal, Written},
    },
    state::AppState,
};

/// The condition "`fv` is its author's current view of its recommendation" as things
/// stood at the end of `day` (`YYYY-MM-DD`; `9999-12-31` for now), to push into a query
/// that has `friend_views fv` in scope.
pub fn push_current_view(sql: &mut Sql, day: &str) {
    sql.push("fv.id IN (SELECT MAX(l.id) FROM friend_views l WHERE l.given_on <= ")
        .bind(Bind::Text(day.to_owned()))
        .push(" GROUP BY l.recommendation_id, l.author_id)");
}

/// The day a view must have been given by to count: `as_of`, or any day.
pub fn counted_until(as_of: Option<&str>) -> &str {
    as_of.unwrap_or("9999-12-31")
}

/// How many critical friends hold each view of each recommendation (by reference), now or
/// at the end of `as_of`. Recommendations without views are absent (all zero).
pub async fn counts_by_reference(
    pool: &AnyPool,
    as_of: Option<&str>,
) -> Result<HashMap<String, FriendsCounts>, sqlx::Error> {
    let mut sql = Sql::default();
    sql.push(
        "SELECT r.reference, fv.opinion, COUNT(*) FROM friend_views fv
         JOIN recommendations r ON r.id = fv.recommendation_id WHERE ",
    );
    push_current_view(&mut sql, counted_until(as_of));
    sql.push(" GROUP BY r.reference, fv.opinion");
    let mut counts: HashMap<String, FriendsCounts> = HashMap::new();
    for (reference, opinion, count) in sql.fetch_all::<(String, String, i64)>(pool).await? {
        counts.entry(reference).or_default().add(&opinion, count);
    }
    Ok(counts)
}

/// How many recommendations at least one critical friend currently disagrees with.
pub async fn disagreed_count(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::default();
    sql.push("SELECT COUNT(DISTINCT fv.recommendation_id) FROM friend_views fv WHERE fv.opinion = 'disagree' AND ");
    push_current_view(&mut sql, counted_until(None));
    let counts: Vec<(i64,)> = sql.fetch_all(pool).await?;
    Ok(counts.first().map_or(0, |(count,)| *count))
}

type ViewRow = (
    i64,
    i64,
    String,
    String,
    i64,
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Every view of the recommendation `reference` (its current views newest first, then the
/// earlier ones), or `None` when there is no such recommendation.
pub async fn views_of(
    pool: &AnyPool,
    reference: &str,
) -> Result<Option<FriendsViews>, sqlx::Error> {
    let found: Option<(i64, i64)> = sqlx::query_as(
        "SELECT r.id, COALESCE((SELECT MAX(sc.seq) FROM status_changes sc WHERE sc.recommendation_id = r.id), 0)
         FROM recommendations r WHERE r.reference = $1",
    )
    .bind(reference.to_uppercase())
    .fetch_optional(pool)
    .await?;
    let Some((id, latest_seq)) = found else {
        return Ok(None);
    };
    let rows: Vec<ViewRow> = sqlx::query_as(
        "SELECT fv.id, fv.author_id, fv.opinion, fv.reason, fv.show_name, u.display_name,
                fv.status_seq, fv.given_on, a.body, a.answered_on, rm.reason AS removed
         FROM friend_views fv
         JOIN users u ON u.id = fv.author_id
         LEFT JOIN friend_view_answers a ON a.view_id = fv.id
         LEFT JOIN friend_view_removals rm ON rm.view_id = fv.id
         WHERE fv.recommendation_id = $1
         ORDER BY fv.id DESC",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let mut views = FriendsViews::default();
    let mut seen = std::collections::HashSet::new();
    for (
        view_id,
        author_id,
        opinion,
        reason,
        show_name,
        name,
        seq,
        given_on,
        body,
        answered_on,
        removed,
    ) in rows
    {
        let view = FriendView {
            id: view_id,
            author: if show_name == 1 {
                name
            } else {
                "A critical friend".to_owned()
            },
            opinion,
            // A removed reason never leaves the database again.
            reason: if removed.is_some() {
                String::new()
            } else {
                reason
            },
            removed,
            given_on,
            before_latest_change: seq < latest_seq,
            answer: body
                .zip(answered_on)
                .map(|(body, answered_on)| ViewAnswer { body, answered_on }),
        };
        if seen.insert(author_id) {
            views.counts.add(&view.opinion, 1);
            views.current.push(view);
        } else {
            views.earlier.push(view);
        }
    }
    Ok(Some(views))
}

/// The current view of `user_id` on `reference`, if they have given one.
pub async fn own_view(
    pool: &AnyPool,
    reference: &str,
    user_id: i64,
) -> Result<Option<OwnView>, sqlx::Error> {
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT fv.opinion, fv.reason, fv.show_name FROM friend_views fv
         JOIN recommendations r ON r.id = fv.recommendation_id
         WHERE r.reference = $1 AND fv.author_id = $2 ORDER BY fv.id DESC LIMIT 1",
    )
    .bind(reference.to_uppercase())
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(opinion, reason, show_name)| OwnView {
        opinion,
        reason,
        show_name: show_name == 1,
    }))
}

/// Where the section is on a recommendation's page.
fn section_of(reference: &str) -> String {
    format!("/actions/{reference}#friends-view")
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct ViewForm {
    #[garde(custom(one_of(&OPINION_KEYS, "Choose whether you agree, partly agree or disagree with the status")))]
    #[serde(deserialize_with = "trimmed")]
    opinion: String,
    /// Required for partly and disagree: checked by hand, as it depends on the opinion.
    #[garde(custom(at_most(super::REASON_MAX, "Your reason")))]
    #[serde(deserialize_with = "text_block")]
    reason: String,
    /// `yes` to show the person's name with the view.
    #[garde(skip)]
    show_name: String,
}

/// A critical friend gives (or changes) their view of a recommendation's status. The
/// earlier view stays in the history; the audit log has both.
pub async fn give_view(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let reference = reference.to_uppercase();
    let Posted {
        form, mut reply, ..
    } = read::<ViewForm>(request, "friends-view", format!("/actions/{reference}")).await;
    let needs_reason = matches!(form.opinion.as_str(), "partly" | "disagree");
    if needs_reason
        && reply.feedback.error_for("reason").is_none()
        && !crate::text::has_visible(&form.reason)
    {
        reply.error(
            "reason",
            "Enter your reason: say why you partly agree or disagree with the status",
        );
    }
    reply.order_errors(&["opinion", "reason"]);
    let reply = reply.mistakes(&state).await?;
    let show_name = i64::from(form.show_name == "yes");
    reply
        .write(&state, viewer.actor(), "view-saved", async |tx| {
            let found: Option<(i64, i64)> = sqlx::query_as(
                "SELECT r.id, COALESCE((SELECT MAX(sc.seq) FROM status_changes sc WHERE sc.recommendation_id = r.id), 0)
                 FROM recommendations r WHERE r.reference = $1",
            )
            .bind(&reference)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((id, seq)) = found else {
                return Err(Refusal::NotFound);
            };
            let before: Option<(String, String)> = sqlx::query_as(
                "SELECT opinion, reason FROM friend_views WHERE recommendation_id = $1 AND author_id = $2
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(id)
            .bind(viewer.id)
            .fetch_optional(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO friend_views (recommendation_id, author_id, opinion, reason, show_name, status_seq, given_on, given_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(viewer.id)
            .bind(&form.opinion)
            .bind(&form.reason)
            .bind(show_name)
            .bind(seq)
            .bind(today())
            .bind(now())
            .execute(&mut *tx)
            .await?;
            let line = |(opinion, reason): (String, String)| {
                if reason.is_empty() {
                    opinion
                } else {
                    format!("{opinion}: {reason}")
                }
            };
            Ok(Written {
                to: Some(section_of(&reference)),
                ..Written::public(Change {
                    action: "recommendation.friends-view-given",
                    record_kind: "recommendation",
                    record_id: reference.clone(),
                    before: before.map(line).unwrap_or_default(),
                    after: line((form.opinion.clone(), form.reason.clone())),
                })
            })
        })
        .await
}

/// Reads a staff form about one view of `reference` (uppercased): its fields, and the
/// reply, which shows the page again with any message beside that view's own box.
async fn posted_about_view<F>(
    request: Request,
    form_name: &str,
    reference: &str,
    view_id: i64,
) -> (F, crate::forms::ssr::Reply)
where
    F: serde::de::DeserializeOwned + Default + garde::Validate<Context = ()>,
{
    let Posted {
        form, mut reply, ..
    } = read::<F>(request, form_name, format!("/actions/{reference}")).await;
    reply.keep_value("view", view_id.to_string());
    (form, reply)
}

/// A staff change to one view, public and audited, going back to the view on its page.
fn view_change(
    reference: &str,
    view_id: i64,
    action: &'static str,
    before: String,
    after: String,
) -> Written {
    Written {
        to: Some(format!("/actions/{reference}#view-{view_id}")),
        ..Written::public(Change {
            action,
            record_kind: "recommendation",
            record_id: reference.to_owned(),
            before,
            after,
        })
    }
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct AnswerForm {
    /// Its message goes beside the answer box of the view (`answer-{id}`): set by hand.
    #[garde(skip)]
    #[serde(deserialize_with = "text_block")]
    body: String,
}

/// The PPIE team answers a critical friend's view in public (or changes its answer).
pub async fn answer_view(
    State(state): State<AppState>,
    Path((reference, view_id)): Path<(String, i64)>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let reference = reference.to_uppercase();
    let (form, mut reply) =
        posted_about_view::<AnswerForm>(request, "view-answer", &reference, view_id).await;
    let field = format!("answer-{view_id}");
    if let Err(error) = text("Enter the answer", super::ANSWER_MAX, "The answer")(&form.body, &()) {
        reply.error(&field, error.message().to_string());
    }
    let reply = reply.mistakes(&state).await?;
    reply
        .write(&state, viewer.actor(), "view-answered", async |tx| {
            let found: Option<(String, Option<String>)> = sqlx::query_as(
                "SELECT fv.opinion, a.body FROM friend_views fv
                 JOIN recommendations r ON r.id = fv.recommendation_id
                 LEFT JOIN friend_view_answers a ON a.view_id = fv.id
                 WHERE fv.id = $1 AND r.reference = $2",
            )
            .bind(view_id)
            .bind(&reference)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((_, before)) = found else {
                return Err(Refusal::NotFound);
            };
            sqlx::query(
                "INSERT INTO friend_view_answers (view_id, body, responder_id, answered_on, answered_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (view_id) DO UPDATE SET body = excluded.body,
                    responder_id = excluded.responder_id, answered_on = excluded.answered_on,
                    answered_at = excluded.answered_at",
            )
            .bind(view_id)
            .bind(&form.body)
            .bind(viewer.id)
            .bind(today())
            .bind(now())
            .execute(&mut *tx)
            .await?;
            Ok(view_change(
                &reference,
                view_id,
                "recommendation.friends-view-answered",
                before.unwrap_or_default(),
                form.body.clone(),
            ))
        })
        .await
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct RemovalForm {
    /// Its message goes beside this view's box (`remove-{id}`): set by hand.
    #[garde(skip)]
    #[serde(deserialize_with = "trimmed")]
    reason: String,
}

/// The PPIE team takes a view's reason off the page (it named a patient, say), with a
/// published reason shown in its place; the view still counts. Audited.
pub async fn remove_reason(
    State(state): State<AppState>,
    Path((reference, view_id)): Path<(String, i64)>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let reference = reference.to_uppercase();
    let (form, mut reply) =
        posted_about_view::<RemovalForm>(request, "view-removal", &reference, view_id).await;
    let field = format!("remove-{view_id}");
    if let Err(error) = text(
        "Enter why the reason is removed: readers see it in its place",
        super::REMOVAL_MAX,
        "The reason for removing it",
    )(&form.reason, &())
    {
        reply.error(&field, error.message().to_string());
    }
    let reply = reply.mistakes(&state).await?;
    reply
        .write(&state, viewer.actor(), "view-reason-removed", async |tx| {
            let found: Option<(i64, Option<String>)> = sqlx::query_as(
                "SELECT fv.id, rm.reason FROM friend_views fv
                 JOIN recommendations r ON r.id = fv.recommendation_id
                 LEFT JOIN friend_view_removals rm ON rm.view_id = fv.id
                 WHERE fv.id = $1 AND r.reference = $2",
            )
            .bind(view_id)
            .bind(&reference)
            .fetch_optional(&mut *tx)
            .await?;
            match found {
                None => return Err(Refusal::NotFound),
                Some((_, Some(_))) => {
                    return Err(Refusal::conflict(
                        field.clone(),
                        "This reason has already been removed",
                    ))
                }
                Some(_) => {}
            }
            sqlx::query(
                "INSERT INTO friend_view_removals (view_id, reason, removed_by, removed_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(view_id)
            .bind(&form.reason)
            .bind(viewer.id)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            Ok(view_change(
                &reference,
                view_id,
                "recommendation.friends-view-reason-removed",
                format!("view {view_id}"),
                form.reason.clone(),
            ))
        })
        .await
}
