//! The team's side of a policy: drafts, opening a review, revised drafts, publishing.

use axum::{
    extract::{Path, Request, State},
    response::Response,
};
use serde::Deserialize;
use sqlx::AnyConnection;

use super::{newest, policy_change, Newest, FACTS};
use crate::{
    accounts::SignedIn,
    dates::{now, today},
    forms::{
        rules::text,
        ssr::{internal, read, text_block, trimmed, Answer, Posted, Refusal, Reply, Written},
        Confirmation, DateParts,
    },
    html::slugify,
    policies::{
        ssr::{blocks_json, newest_version, open_comment_counts, split_blocks},
        BODY_MAX, NOTE_MAX, SUMMARY_MAX, TITLE_MAX,
    },
    state::AppState,
};

fn editor_page(id: i64) -> String {
    format!("/admin/policies/{id}")
}

/// A policy's address: a slug of at least three characters.
fn is_slug(slug: &str) -> bool {
    slug.len() >= 3 && crate::html::is_slug(slug)
}

fn policy_text(body: &String, ctx: &()) -> garde::Result {
    text("Enter the text of the policy", BODY_MAX, "The policy")(body, ctx)?;
    if split_blocks(body).is_empty() {
        return Err(garde::Error::new("The policy has no paragraphs to read"));
    }
    Ok(())
}

/// Title, web address, summary and text of a draft.
#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct DraftForm {
    #[garde(custom(text("Enter the policy’s title", TITLE_MAX, "Title")))]
    #[serde(deserialize_with = "trimmed")]
    title: String,
    #[garde(skip)]
    #[serde(deserialize_with = "trimmed")]
    slug: String,
    #[garde(custom(text(
        "Enter a summary: what the policy is for, in a sentence or two",
        SUMMARY_MAX,
        "Summary"
    )))]
    #[serde(deserialize_with = "trimmed")]
    summary: String,
    #[garde(custom(policy_text))]
    #[serde(deserialize_with = "text_block")]
    body: String,
    /// When the draft was last saved, as the form was loaded.
    #[garde(skip)]
    #[serde(deserialize_with = "trimmed")]
    updated_at: String,
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Whether another policy already has this address, as a message for the slug.
async fn slug_taken(conn: &mut AnyConnection, slug: &str) -> Result<Option<String>, sqlx::Error> {
    let taken = sqlx::query_scalar::<_, i64>("SELECT id FROM policies WHERE slug = $1")
        .bind(slug)
        .fetch_optional(conn)
        .await?;
    Ok(taken.map(|_| format!("Another policy already uses the address {slug}: choose another")))
}

pub async fn create(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted {
        form, mut reply, ..
    } = read::<DraftForm>(request, "policy", "/admin/policies/new").await;
    let slug = match form.slug.as_str() {
        "" => slugify(&form.title),
        slug => slug.to_owned(),
    };
    if !is_slug(&slug) {
        reply.error(
            "slug",
            "The web address must be 3 to 80 lowercase letters, numbers and hyphens, like data-access-policy",
        );
    } else {
        let taken = match state.db.pool().acquire().await {
            Ok(mut conn) => slug_taken(&mut conn, &slug).await,
            Err(error) => Err(error),
        };
        match taken {
            Ok(Some(message)) => reply.error("slug", message),
            Ok(None) => {}
            Err(error) => return Err(internal(error)),
        }
    }
    // The summary lists mistakes in the order of the fields on the page.
    let order = ["title", "slug", "summary", "body"];
    reply
        .feedback
        .errors
        .sort_by_key(|(field, _)| order.iter().position(|f| f == field));
    let reply = reply.mistakes(&state).await?;
    reply
        .write(&state, viewer.actor(), "policy-created", async |tx| {
            if let Some(message) = slug_taken(tx, &slug).await? {
                return Err(Refusal::conflict("slug", message));
            }
            let at = now();
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO policies (slug, title, summary, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
            )
            .bind(&slug)
            .bind(&form.title)
            .bind(&form.summary)
            .bind(&at)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO policy_versions (policy_id, number, title, summary, body_md, blocks_json, state, updated_at)
                 VALUES ($1, 1, $2, $3, $4, $5, 'draft', $6)",
            )
            .bind(id)
            .bind(&form.title)
            .bind(&form.summary)
            .bind(&form.body)
            .bind(blocks_json(&form.body))
            .bind(&at)
            .execute(&mut *tx)
            .await?;
            let entry = policy_change(
                "policy.created",
                slug.clone(),
                String::new(),
                format!("version 1 draft, {} words", words(&form.body)),
            );
            Ok(Written::private(entry).to(editor_page(id)))
        })
        .await
}

/// The newest version of policy `id` for a form about it, or the page's 404.
async fn newest_for(state: &AppState, id: i64) -> Result<Option<Newest>, sqlx::Error> {
    let mut conn = state.db.pool().acquire().await?;
    match newest(&mut conn, id).await {
        Ok(newest) => Ok(Some(newest)),
        Err(Refusal::Failed(error)) => Err(error),
        Err(_) => Ok(None),
    }
}

/// Reads a form posted about policy `id`: the form, the reply, and the newest version as it
/// was (for messages; the write reads it again), or the response already made.
async fn posted_to_policy<F>(
    state: &AppState,
    id: i64,
    request: Request,
    form_name: &str,
) -> Result<(F, Reply, Newest), Response>
where
    F: serde::de::DeserializeOwned + Default + garde::Validate<Context = ()>,
{
    let Posted { form, reply, .. } = read::<F>(request, form_name, editor_page(id)).await;
    match newest_for(state, id).await {
        Ok(Some(newest)) => Ok((form, reply, newest)),
        Ok(None) => Err(reply.not_found(state).await),
        Err(error) => Err(internal(error)),
    }
}

const NOT_A_DRAFT: &str = "This version is no longer a draft, so its text cannot change. Start a revised draft to change it.";

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let (form, reply, newest_then) =
        posted_to_policy::<DraftForm>(&state, id, request, "policy").await?;
    if newest_then.state != "draft" {
        return Err(reply.refuse(&state, FACTS, NOT_A_DRAFT).await);
    }
    let reply = reply.mistakes(&state).await?;
    reply
        .write(&state, viewer.actor(), "policy-saved", async |tx| {
            // The version and the draft's last save are checked inside the transaction:
            // of two saves from the same copy, the second is refused.
            let current = newest(tx, id).await?;
            if current.state != "draft" {
                return Err(Refusal::conflict(FACTS, NOT_A_DRAFT));
            }
            if form.updated_at != current.updated_at {
                // Saving again now replaces theirs knowingly.
                return Err(Refusal::conflict(
                    "body",
                    "Someone else saved this draft while you were editing. Your text is kept here; compare it with theirs (open the page in a new tab), then save again.",
                )
                .keeping("updated_at", current.updated_at));
            }
            sqlx::query(
                "UPDATE policy_versions SET title = $1, summary = $2, body_md = $3, blocks_json = $4, updated_at = $5
                 WHERE id = $6",
            )
            .bind(&form.title)
            .bind(&form.summary)
            .bind(&form.body)
            .bind(blocks_json(&form.body))
            .bind(now())
            .bind(current.id)
            .execute(&mut *tx)
            .await?;
            Ok(Written::private(policy_change(
                "policy.saved",
                format!("{id} v{}", current.number),
                format!("{} words", words(&current.body)),
                format!("{} words", words(&form.body)),
            )))
        })
        .await
}

/// How many comments of reviews not yet public still need an answer, as a message.
fn unanswered_message(unanswered: i64) -> Option<String> {
    (unanswered > 0).then(|| {
        format!(
            "{unanswered} comment{} from the last review still need{} an answer. Answer them on the review page before opening a new review.",
            if unanswered == 1 { "" } else { "s" },
            if unanswered == 1 { "s" } else { "" }
        )
    })
}

async fn unanswered_comments(state: &AppState, policy_id: i64) -> Result<i64, sqlx::Error> {
    let mut conn = state.db.pool().acquire().await?;
    Ok(open_comment_counts(&mut conn, policy_id).await?.1)
}

fn one_year_after(date: &str) -> String {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.checked_add_signed(chrono::Duration::days(366)))
        .map(|d| d.to_string())
        .unwrap_or_else(|| date.to_owned())
}

/// The closing date from the date input's boxes, or the box to correct and why.
fn closing_date(form: &ReviewForm) -> Result<String, (String, String)> {
    let closes = DateParts::new(&form.closes_day, &form.closes_month, &form.closes_year)
        .required("Closing date")
        .map_err(|(which, message)| (which.field("closes"), message))?;
    let today = today();
    if closes < today {
        Err((
            "closes".into(),
            "The closing date cannot be in the past".into(),
        ))
    } else if closes > one_year_after(&today) {
        Err((
            "closes".into(),
            "The closing date must be within a year".into(),
        ))
    } else {
        Ok(closes)
    }
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
#[garde(allow_unvalidated)]
pub struct ReviewForm {
    #[serde(rename = "closes-day")]
    closes_day: String,
    #[serde(rename = "closes-month")]
    closes_month: String,
    #[serde(rename = "closes-year")]
    closes_year: String,
}

pub async fn open_review(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let (form, reply, newest_then) =
        posted_to_policy::<ReviewForm>(&state, id, request, "review").await?;
    if newest_then.state != "draft" {
        return Err(reply
            .refuse(&state, FACTS, "Only a draft can be opened for review")
            .await);
    }
    // Comments of an earlier review are answered on the review page, which shows the
    // newest review: answer them before a new review replaces it there.
    match unanswered_comments(&state, id).await {
        Ok(unanswered) => {
            if let Some(message) = unanswered_message(unanswered) {
                return Err(reply.refuse(&state, FACTS, message).await);
            }
        }
        Err(error) => return Err(internal(error)),
    }
    let mut reply = reply;
    let closes = match closing_date(&form) {
        Ok(closes) => closes,
        Err((field, message)) => {
            reply.error(&field, message);
            String::new()
        }
    };
    let reply = reply.mistakes(&state).await?;
    let site = state.site.clone();
    reply
        .write(&state, viewer.actor(), "review-opened", async |tx| {
            let current = newest(tx, id).await?;
            if current.state != "draft" {
                return Err(Refusal::conflict(
                    FACTS,
                    "Someone else changed this version meanwhile: it is no longer a draft",
                ));
            }
            if let Some(message) = unanswered_message(open_comment_counts(tx, id).await?.1) {
                return Err(Refusal::conflict(FACTS, message));
            }
            sqlx::query(
                "UPDATE policy_versions SET state = 'in_review', review_opened = $1, review_closes = $2, updated_at = $3
                 WHERE id = $4",
            )
            .bind(today())
            .bind(&closes)
            .bind(now())
            .bind(current.id)
            .execute(&mut *tx)
            .await?;
            let (slug, title): (String, String) = sqlx::query_as(
                "SELECT p.slug, v.title FROM policies p JOIN policy_versions v ON v.policy_id = p.id WHERE v.id = $1",
            )
            .bind(current.id)
            .fetch_one(&mut *tx)
            .await?;
            let message = crate::mail::Message {
                kind: "policies.review-opened",
                subject: format!("Review open: {title}"),
                paragraphs: vec![
                    format!("A draft of the {title} is open for your comments."),
                    format!("The review closes at the end of {}.", crate::dates::display_date(&closes)),
                ],
                action: Some((
                    "Read the draft and comment".to_owned(),
                    format!("{}/review/{slug}", site.public_url.trim_end_matches('/')),
                )),
            };
            let friends = crate::mail::people_with_roles(tx, &["critical_friend"]).await?;
            crate::mail::notify(tx, "review-opened", &friends, &message).await?;
            Ok(Written::private(policy_change(
                "policy.review-opened",
                format!("{id} v{}", current.number),
                "draft".into(),
                format!("in review until {closes}"),
            )))
        })
        .await
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct ReviseForm {
    /// `yes` once the person has confirmed closing an open review early.
    #[garde(skip)]
    confirmed: String,
}

/// Whole days from `today` to `closes` (both `YYYY-MM-DD`).
fn days_between(today: &str, closes: &str) -> i64 {
    let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    match (day(today), day(closes)) {
        (Some(a), Some(b)) => (b - a).num_days(),
        _ => 0,
    }
}

/// A new draft from the newest version's text. An open review closes today: the date it
/// really closed is recorded, not the one planned.
pub async fn revise(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let (form, reply, newest_then): (ReviseForm, _, _) =
        posted_to_policy(&state, id, request, "revise").await?;
    if newest_then.state == "in_review" && form.confirmed != "yes" {
        let closes: Option<String> =
            sqlx::query_scalar("SELECT review_closes FROM policy_versions WHERE id = $1")
                .bind(newest_then.id)
                .fetch_one(state.db.pool())
                .await
                .map_err(internal)?;
        let today = today();
        let early = closes
            .as_deref()
            .map_or(0, |c| days_between(&today, c).max(0));
        let unanswered = unanswered_comments(&state, id).await.map_err(internal)?;
        let page = editor_page(id);
        let confirm = Confirmation {
            heading: "Close the review and start a revised draft?".to_owned(),
            consequences: vec![
                match early {
                    0 => "The review closes today, as planned.".to_owned(),
                    1 => format!("The review closes today, 1 day early (it was to close on {}).", crate::dates::display_date(closes.as_deref().unwrap_or_default())),
                    n => format!("The review closes today, {n} days early (it was to close on {}).", crate::dates::display_date(closes.as_deref().unwrap_or_default())),
                },
                "Digital Critical Friends can no longer comment on this version. The date it closed is shown everywhere.".to_owned(),
                match unanswered {
                    0 => "Every comment has an answer.".to_owned(),
                    1 => "1 comment still needs an answer: you can still answer it.".to_owned(),
                    n => format!("{n} comments still need an answer: you can still answer them."),
                },
            ],
            action: format!("{page}/revise"),
            button: "Yes, close it and start a draft".to_owned(),
            back: page,
            warning: true,
        };
        return Err(reply.confirm(&state, confirm).await);
    }
    reply
        .write(&state, viewer.actor(), "policy-revised", async |tx| {
            // Read again inside the (serialised) transaction: a second click finds the
            // draft the first one made.
            match newest_version(tx, id).await? {
                Some((version, ..)) if version != newest_then.id => {
                    return Err(Refusal::conflict(
                        FACTS,
                        "Someone else started a new version meanwhile: edit that one",
                    ))
                }
                Some((_, _, state, ..)) if state == "draft" => {
                    return Err(Refusal::conflict(
                        FACTS,
                        "The newest version is already a draft: edit it",
                    ))
                }
                _ => {}
            }
            let next = newest_then.number + 1;
            // Closed today, if it was to close later: the real date is the one recorded.
            sqlx::query(
                "UPDATE policy_versions SET state = 'reviewed',
                     review_closes = CASE WHEN review_closes > $2 THEN $2 ELSE review_closes END
                 WHERE id = $1 AND state = 'in_review'",
            )
            .bind(newest_then.id)
            .bind(today())
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO policy_versions (policy_id, number, title, summary, body_md, blocks_json, state, updated_at)
                 SELECT policy_id, $1, title, summary, body_md, blocks_json, 'draft', $2
                 FROM policy_versions WHERE id = $3",
            )
            .bind(next)
            .bind(now())
            .bind(newest_then.id)
            .execute(&mut *tx)
            .await?;
            Ok(Written::private(policy_change(
                "policy.revised",
                format!("{id} v{next}"),
                format!("v{} {}", newest_then.number, newest_then.state),
                format!("v{next} draft"),
            )))
        })
        .await
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct PublishForm {
    /// `yes` once the person has confirmed publishing.
    #[garde(skip)]
    confirmed: String,
    #[garde(custom(text(
        "Say what this version changes, in plain words: the public reads it",
        NOTE_MAX,
        "The note"
    )))]
    #[serde(deserialize_with = "trimmed")]
    change_note: String,
}

fn unanswered_before_publishing(unanswered: i64) -> Option<String> {
    match unanswered {
        0 => None,
        1 => Some(
            "1 comment from the review has no answer yet. Answer every comment before publishing."
                .to_owned(),
        ),
        n => Some(format!(
            "{n} comments from the review have no answer yet. Answer every comment before publishing."
        )),
    }
}

/// Publishes the newest version: its text becomes the public one and every review of the
/// policy that was not yet public becomes public. Every comment must have an answer first.
pub async fn publish(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let (form, mut reply, newest_then) =
        posted_to_policy::<PublishForm>(&state, id, request, "publish").await?;
    if !matches!(newest_then.state.as_str(), "draft" | "in_review") {
        return Err(reply
            .refuse(&state, FACTS, "This version is already published")
            .await);
    }
    match unanswered_comments(&state, id).await {
        Ok(unanswered) => {
            if let Some(message) = unanswered_before_publishing(unanswered) {
                reply.error("change_note", message);
            }
        }
        Err(error) => return Err(internal(error)),
    }
    let reply = reply.mistakes(&state).await?;
    let note = form.change_note;
    let site = state.site.clone();
    if form.confirmed != "yes" {
        let page = editor_page(id);
        let confirm = Confirmation {
            heading: format!("Publish version {} of this policy?", newest_then.number),
            consequences: vec![
                "Its text becomes the public policy at once, in search and in the policies feed.".to_owned(),
                "Every comment, reply and answer of its reviews becomes public too, under the names people chose.".to_owned(),
                format!("What changed, as readers will see it: “{note}”"),
            ],
            action: format!("{page}/publish"),
            button: "Yes, publish it".to_owned(),
            back: page,
            warning: false,
        };
        return Err(reply.confirm(&state, confirm).await);
    }
    reply
        .write(&state, viewer.actor(), "policy-published", async |tx| {
            // Checked again inside the (serialised) transaction.
            match newest_version(tx, id).await? {
                Some((version, _, state, ..))
                    if version == newest_then.id
                        && matches!(state.as_str(), "draft" | "in_review") => {}
                _ => {
                    return Err(Refusal::conflict(
                        FACTS,
                        "Someone else changed this policy meanwhile: check its versions below",
                    ))
                }
            }
            if open_comment_counts(tx, id).await?.1 > 0 {
                return Err(Refusal::conflict(
                    FACTS,
                    "A comment arrived meanwhile and has no answer yet. Answer it before publishing.",
                ));
            }
            make_public(tx, id, newest_then.id, &note).await?;
            let (slug, title): (String, String) = sqlx::query_as(
                "SELECT p.slug, v.title FROM policies p JOIN policy_versions v ON v.policy_id = p.id WHERE v.id = $1",
            )
            .bind(newest_then.id)
            .fetch_one(&mut *tx)
            .await?;
            let message = crate::mail::Message {
                kind: "policies.published",
                subject: format!("{title}: a new version is published"),
                paragraphs: vec![format!("What changed: {note}")],
                action: Some((
                    "Read the policy and its review".to_owned(),
                    format!("{}/policies/{slug}", site.public_url.trim_end_matches('/')),
                )),
            };
            crate::mail::send_to_topics(tx, &message, &["policies".to_owned()]).await?;
            // Written::public bumps the content version: the text is searchable at once.
            Ok(Written::public(policy_change(
                "policy.published",
                format!("{id} v{}", newest_then.number),
                newest_then.state.clone(),
                format!("published: {note}"),
            )))
        })
        .await
}

/// Version `version_id` of policy `id` becomes the published one, the one before it is
/// superseded, and every review of the policy becomes public.
async fn make_public(
    tx: &mut AnyConnection,
    id: i64,
    version_id: i64,
    note: &str,
) -> Result<(), sqlx::Error> {
    let at = now();
    for (statement, version) in [
        ("UPDATE policy_versions SET state = 'superseded' WHERE policy_id = $1 AND state = 'published' AND id <> $2", version_id),
        ("UPDATE policy_versions SET state = 'reviewed' WHERE policy_id = $1 AND state = 'in_review' AND id <> $2", version_id),
        ("UPDATE policy_versions SET review_public = 1 WHERE policy_id = $1 AND review_opened IS NOT NULL AND id <> $2", 0),
    ] {
        sqlx::query(statement)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "UPDATE policy_versions SET state = 'published', published_at = $1, change_note = $2, updated_at = $1
         WHERE id = $3",
    )
    .bind(&at)
    .bind(note)
    .bind(version_id)
    .execute(&mut *tx)
    .await?;
    // The policy's own title and summary are the published ones.
    sqlx::query(
        "UPDATE policies SET
            title = (SELECT title FROM policy_versions WHERE id = $1),
            summary = (SELECT summary FROM policy_versions WHERE id = $1),
            updated_at = $2
         WHERE id = $3",
    )
    .bind(version_id)
    .bind(&at)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        assert!(is_slug("data-access-policy"));
        assert!(!is_slug("Data"));
        assert!(!is_slug("-data"));
        assert!(!is_slug("da"));
        assert!(!is_slug("data access"));
    }

    #[test]
    fn a_closing_date_may_be_up_to_a_year_ahead() {
        assert_eq!(one_year_after("2026-11-23"), "2027-11-24");
    }
}
