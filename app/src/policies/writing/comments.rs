//! The review's discussion: critical friends comment on the whole document or one
//! paragraph and reply in threads; the team answers each thread and removes comments that
//! must not be shown, with a public reason.

use axum::{
    extract::{Path, Request, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;

use super::policy_change;
use crate::{
    accounts::{ssr::drafts, SignedIn},
    dates::{now, today},
    forms::{
        rules::{chars, one_of, text},
        ssr::{done, internal, read, text_block, trimmed, Answer, Posted, Refusal, Reply, Written},
    },
    policies::{ssr::review_page, COMMENT_MAX, OUTCOMES, REMOVAL_REASON_MAX},
    state::AppState,
};

/// The newest version of a policy that has been under review.
struct Reviewed {
    policy_id: i64,
    version_id: i64,
    state: String,
    closes: String,
    paragraphs: i64,
    public: bool,
}

/// Reads a form posted to a policy's review, and the review as it was (for messages; the
/// write checks again), or the response already made (404).
async fn posted_to_review<F>(
    state: &AppState,
    slug: &str,
    request: Request,
    form_name: &str,
) -> Result<(F, Reply, Reviewed), Response>
where
    F: serde::de::DeserializeOwned + Default + garde::Validate<Context = ()>,
{
    let Posted { form, reply, .. } = read::<F>(request, form_name, review_page(slug)).await;
    type Row = (i64, i64, String, Option<String>, String, i64);
    let found: Result<Option<Row>, _> = sqlx::query_as(
        "SELECT p.id, v.id, v.state, v.review_closes, v.blocks_json, v.review_public
         FROM policies p JOIN policy_versions v ON v.policy_id = p.id
         WHERE p.slug = $1 AND v.review_opened IS NOT NULL
         ORDER BY v.number DESC LIMIT 1",
    )
    .bind(slug)
    .fetch_optional(state.db.pool())
    .await;
    match found {
        Ok(Some((policy_id, version_id, version_state, closes, blocks, public))) => Ok((
            form,
            reply,
            Reviewed {
                policy_id,
                version_id,
                state: version_state,
                closes: closes.unwrap_or_default(),
                paragraphs: serde_json::from_str::<Vec<crate::policies::PolicyBlock>>(&blocks)
                    .map_or(0, |b| b.len() as i64),
                public: public != 0,
            },
        )),
        Ok(None) => Err(reply.not_found(state).await),
        Err(error) => Err(internal(error)),
    }
}

/// The PPIE team's queue of comments without an answer, for policy `id`.
fn answer_queue_page(policy_id: i64) -> String {
    format!("/admin/policies/{policy_id}/answers")
}

/// The message for a comment or reply (`what`) over [`COMMENT_MAX`] characters, if it is.
fn too_long(body: &str, what: &str) -> Option<String> {
    let length = chars(body);
    (length > COMMENT_MAX)
        .then(|| format!("A {what} must be {COMMENT_MAX} characters or fewer (it has {length})"))
}

/// A comment's place on its page.
fn at_comment(page: &str, comment: i64) -> String {
    format!("{page}#comment-{comment}")
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct CommentForm {
    /// `whole`, or the number of a paragraph.
    #[garde(skip)]
    #[serde(deserialize_with = "trimmed")]
    paragraph: String,
    /// The comment replied to, for a reply.
    #[garde(skip)]
    #[serde(deserialize_with = "trimmed")]
    parent: String,
    /// Checked by hand: its message names a comment or a reply, and sits beside the box
    /// it was typed in.
    #[garde(skip)]
    #[serde(deserialize_with = "text_block")]
    body: String,
}

const CLOSED_WHILE_WRITING: &str = "This review closed while you were writing, so it takes no more comments. Your text is still here to copy.";

/// A comment on the whole document or one paragraph, or a reply in a thread.
pub async fn comment(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let (form, mut reply, review) =
        posted_to_review::<CommentForm>(&state, &slug, request, "comment").await?;
    let parent: Option<i64> = form.parent.parse().ok();
    // Each reply box has its own id, so its message sits beside it.
    let field = parent.map_or("body".to_owned(), |p| format!("reply-{p}"));
    if review.state != "in_review" || today() > review.closes {
        reply.error(
            &field,
            format!(
                "This review closed on {}, so it takes no more comments. Your text is still here to copy.",
                review.closes
            ),
        );
        return Err(reply.again(&state, StatusCode::CONFLICT).await);
    }
    let mut paragraph = match form.paragraph.as_str() {
        "" | "whole" => None,
        number => match number.parse::<i64>() {
            Ok(n) if (1..=review.paragraphs).contains(&n) => Some(n),
            _ => {
                reply.error(
                    "paragraph",
                    format!(
                        "Choose the whole document or a paragraph from 1 to {}",
                        review.paragraphs
                    ),
                );
                None
            }
        },
    };
    let mut thread = None;
    if let Some(parent) = parent {
        type Root = (i64, Option<i64>, Option<i64>);
        let root: Result<Option<Root>, _> = sqlx::query_as(
            "SELECT id, parent_id, paragraph FROM policy_comments WHERE id = $1 AND version_id = $2",
        )
        .bind(parent)
        .bind(review.version_id)
        .fetch_optional(state.db.pool())
        .await;
        match root {
            Ok(Some((id, parent_of_parent, on))) => {
                thread = Some(parent_of_parent.unwrap_or(id));
                paragraph = on;
            }
            // No such thread to show the message beside: the main comment box takes it.
            Ok(None) => {
                reply.forget_value("parent");
                reply.error("body", "The comment you replied to is not in this review");
                return Err(reply.again(&state, StatusCode::UNPROCESSABLE_ENTITY).await);
            }
            Err(error) => return Err(internal(error)),
        }
    }
    let what = if parent.is_some() { "reply" } else { "comment" };
    let body = form.body;
    if body.is_empty() {
        reply.error(&field, format!("Enter your {what}"));
    } else if let Some(message) = too_long(&body, what) {
        reply.error(&field, message);
    }
    let reply = reply.mistakes(&state).await?;
    let page = reply.page.clone();
    let site = state.site.clone();
    let response = reply
        .write(&state, viewer.actor(), &format!("{what}-posted"), async |tx| {
            // Only while the review is still open (it may have closed since the form was read).
            let inserted: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO policy_comments (version_id, paragraph, parent_id, author_id, body, created_at)
                 SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (
                    SELECT 1 FROM policy_versions WHERE id = $1 AND state = 'in_review' AND review_closes >= $7)
                 RETURNING id",
            )
            .bind(review.version_id)
            .bind(paragraph)
            .bind(thread)
            .bind(viewer.id)
            .bind(&body)
            .bind(now())
            .bind(today())
            .fetch_optional(&mut *tx)
            .await?;
            let Some((comment_id,)) = inserted else {
                return Err(Refusal::conflict(field, CLOSED_WHILE_WRITING));
            };
            if let Some(thread) = thread {
                // Everyone else in the discussion hears of the reply.
                let people: Vec<i64> = sqlx::query_scalar(
                    "SELECT DISTINCT author_id FROM policy_comments
                     WHERE (id = $1 OR parent_id = $1) AND author_id <> $2 AND hidden_reason IS NULL",
                )
                .bind(thread)
                .bind(viewer.id)
                .fetch_all(&mut *tx)
                .await?;
                let message = crate::mail::Message {
                    kind: "policies.reply",
                    subject: "A new reply in your discussion".to_owned(),
                    paragraphs: vec![
                        format!("{} replied in a discussion you took part in:", viewer.display_name),
                        body.clone(),
                    ],
                    action: Some((
                        "Read the discussion".to_owned(),
                        format!("{}{}", site.public_url.trim_end_matches('/'), at_comment(&page, comment_id)),
                    )),
                };
                crate::mail::notify(tx, "thread-reply", &people, &message).await?;
            }
            let entry = policy_change(
                if thread.is_some() {
                    "policy.replied"
                } else {
                    "policy.commented"
                },
                format!("{} comment {comment_id}", review.policy_id),
                String::new(),
                format!(
                    "{} words on {}",
                    body.split_whitespace().count(),
                    paragraph.map_or("the whole document".to_owned(), |p| format!("paragraph {p}"))
                ),
            );
            Ok(Written::private(entry).to(at_comment(&page, comment_id)))
        })
        .await;
    if response.is_ok() {
        // Posted: any text kept from an ended session has served its purpose.
        if let Err(error) = drafts::discard(&state.db, viewer.id, &page).await {
            tracing::warn!(%error, "could not discard kept comment text");
        }
    }
    response
}

/// Throws away comment text kept from an ended session.
pub async fn discard_kept(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedIn(viewer): SignedIn,
) -> Answer {
    let page = review_page(&slug);
    match drafts::discard(&state.db, viewer.id, &page).await {
        Ok(()) => Ok(done(&page, "draft-discarded")),
        Err(error) => Err(internal(error)),
    }
}

const PUBLISHED: &str = "This review has been published, so its answers can no longer change";
const ALREADY_REMOVED: &str = "This comment has already been removed";

const OUTCOME_KEYS: &[&str] = &["changed", "partly-changed", "not-changed", "noted"];

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct AnswerForm {
    #[garde(custom(one_of(OUTCOME_KEYS, "Choose what the comment led to")))]
    #[serde(deserialize_with = "trimmed")]
    outcome: String,
    #[garde(custom(text(
        "Enter the answer the critical friend will read",
        COMMENT_MAX,
        "An answer"
    )))]
    #[serde(deserialize_with = "text_block")]
    body: String,
    /// `queue` when sent from the answer queue, which it goes back to.
    #[garde(skip)]
    from: String,
    /// How many times the comment had been edited when the form was made: an answer to
    /// text its author has changed since is refused, to be read again.
    #[garde(skip)]
    edits: String,
}

/// Moves garde's messages to the fields of one thread's form (`outcome-7`, `answer-7`).
fn per_thread(reply: &mut Reply, comment_id: i64) {
    for (field, _) in &mut reply.feedback.errors {
        *field = match field.as_str() {
            "outcome" => format!("outcome-{comment_id}"),
            "body" => format!("answer-{comment_id}"),
            other => other.to_owned(),
        };
    }
}

/// The team's answer to a thread's first comment; it can change until the review is public.
pub async fn answer(
    State(state): State<AppState>,
    Path((slug, comment_id)): Path<(String, i64)>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let (form, mut reply, review) =
        posted_to_review::<AnswerForm>(&state, &slug, request, "answer").await?;
    debug_assert_eq!(OUTCOME_KEYS.len(), OUTCOMES.len());
    let thread: Result<Option<Option<String>>, _> = sqlx::query_scalar(
        "SELECT r.outcome FROM policy_comments c LEFT JOIN policy_responses r ON r.comment_id = c.id
         WHERE c.id = $1 AND c.version_id = $2 AND c.parent_id IS NULL",
    )
    .bind(comment_id)
    .bind(review.version_id)
    .fetch_optional(state.db.pool())
    .await;
    let previous = match thread {
        Ok(Some(previous)) => previous,
        Ok(None) => return Err(reply.not_found(&state).await),
        Err(error) => return Err(internal(error)),
    };
    reply.keep_value("comment", comment_id.to_string());
    per_thread(&mut reply, comment_id);
    let queue = (form.from == "queue").then(|| answer_queue_page(review.policy_id));
    if let Some(queue) = &queue {
        reply.page.clone_from(queue);
    }
    if review.public {
        let field = format!("answer-{comment_id}");
        return Err(reply.refuse(&state, &field, PUBLISHED).await);
    }
    let reply = reply.mistakes(&state).await?;
    // The author's email links to the comment on the review page, wherever it was answered.
    let to = at_comment(&review_page(&slug), comment_id);
    let back = queue.unwrap_or_else(|| to.clone());
    let site = state.site.clone();
    reply
        .write(&state, viewer.actor(), "answer-saved", async |tx| {
            let public: Option<i64> =
                sqlx::query_scalar("SELECT review_public FROM policy_versions WHERE id = $1")
                    .bind(review.version_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if public != Some(0) {
                return Err(Refusal::conflict(format!("answer-{comment_id}"), PUBLISHED));
            }
            // The author may have withdrawn or changed it since the form was made.
            let (hidden, edits): (Option<String>, i64) = sqlx::query_as(
                "SELECT c.hidden_reason, (SELECT COUNT(*) FROM policy_comment_edits e WHERE e.comment_id = c.id)
                 FROM policy_comments c WHERE c.id = $1",
            )
            .bind(comment_id)
            .fetch_one(&mut *tx)
            .await?;
            if hidden.is_some() {
                return Err(Refusal::conflict(
                    format!("answer-{comment_id}"),
                    "This comment has been withdrawn or removed since you opened it, so it needs no answer",
                ));
            }
            if form.edits.parse::<i64>().is_ok_and(|seen| seen != edits) {
                return Err(Refusal::conflict(
                    format!("answer-{comment_id}"),
                    "Its author changed this comment after you opened it: read it again above, then answer",
                ));
            }
            sqlx::query(
                "INSERT INTO policy_responses (comment_id, outcome, body, responder_id, responded_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (comment_id) DO UPDATE SET outcome = excluded.outcome, body = excluded.body,
                    responder_id = excluded.responder_id, responded_at = excluded.responded_at",
            )
            .bind(comment_id)
            .bind(&form.outcome)
            .bind(&form.body)
            .bind(viewer.id)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            let author: Option<i64> =
                sqlx::query_scalar("SELECT author_id FROM policy_comments WHERE id = $1")
                    .bind(comment_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let message = crate::mail::Message {
                kind: "policies.answered",
                subject: "Your comment has been answered".to_owned(),
                paragraphs: vec![
                    format!("The PPIE team answered your comment: {}.", crate::policies::outcome_label(&form.outcome)),
                    form.body.clone(),
                ],
                action: Some((
                    "Read the answer".to_owned(),
                    format!("{}{to}", site.public_url.trim_end_matches('/')),
                )),
            };
            crate::mail::notify(tx, "comment-answered", &author.into_iter().collect::<Vec<_>>(), &message).await?;
            let entry = policy_change(
                "policy.comment-answered",
                format!("{} comment {comment_id}", review.policy_id),
                previous.unwrap_or_default(),
                form.outcome.clone(),
            );
            Ok(Written::private(entry).to(back))
        })
        .await
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct RemovalForm {
    #[garde(custom(text(
        "Enter why the comment is removed: readers see it in its place",
        REMOVAL_REASON_MAX,
        "The reason"
    )))]
    #[serde(deserialize_with = "trimmed")]
    reason: String,
}

/// Staff remove a comment or reply (personal details, abuse), with a reason that shows in
/// its place to everyone. Its text stays in the database for the record and for its
/// author's data export, but is never shown or indexed again.
pub async fn remove(
    State(state): State<AppState>,
    Path((slug, comment_id)): Path<(String, i64)>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let (form, mut reply, review) =
        posted_to_review::<RemovalForm>(&state, &slug, request, "remove").await?;
    // Any review of the policy: a published one (on the policy's public page) too.
    let found: Result<Option<(Option<String>, i64)>, _> = sqlx::query_as(
        "SELECT c.hidden_reason, v.review_public FROM policy_comments c
         JOIN policy_versions v ON v.id = c.version_id
         WHERE c.id = $1 AND v.policy_id = $2",
    )
    .bind(comment_id)
    .bind(review.policy_id)
    .fetch_optional(state.db.pool())
    .await;
    let (already, public) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return Err(reply.not_found(&state).await),
        Err(error) => return Err(internal(error)),
    };
    let public = public != 0;
    if public {
        reply.page = format!("/policies/{slug}");
    }
    reply.keep_value("comment", comment_id.to_string());
    for (field, _) in &mut reply.feedback.errors {
        *field = format!("remove-{comment_id}");
    }
    if already.is_some() {
        let field = format!("comment-{comment_id}");
        return Err(reply.refuse(&state, &field, ALREADY_REMOVED).await);
    }
    let reply = reply.mistakes(&state).await?;
    let to = at_comment(&reply.page, comment_id);
    reply
        .write(&state, viewer.actor(), "comment-removed", async |tx| {
            let removed = sqlx::query(
                "UPDATE policy_comments SET hidden_reason = $1, hidden_by = $2, hidden_at = $3
                 WHERE id = $4 AND hidden_reason IS NULL",
            )
            .bind(&form.reason)
            .bind(viewer.id)
            .bind(now())
            .bind(comment_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if removed == 0 {
                return Err(Refusal::conflict(
                    format!("comment-{comment_id}"),
                    ALREADY_REMOVED,
                ));
            }
            let entry = policy_change(
                "policy.comment-removed",
                format!("{} comment {comment_id}", review.policy_id),
                String::new(),
                form.reason.clone(),
            );
            // A public review is in the search index: the bump takes the text out of it.
            let written = if public {
                Written::public(entry)
            } else {
                Written::private(entry)
            };
            Ok(written.to(to))
        })
        .await
}

/// Why an author may no longer change their comment, or `None` when they may: it must be
/// theirs, not removed or withdrawn, without an answer, in a review still open.
async fn why_unchangeable(
    conn: &mut sqlx::AnyConnection,
    comment_id: i64,
    version_id: i64,
    author_id: i64,
) -> Result<Option<&'static str>, Refusal> {
    type Row = (i64, Option<String>, Option<String>, String, Option<String>);
    let row: Option<Row> = sqlx::query_as(
        "SELECT c.author_id, c.hidden_reason, r.outcome, v.state, v.review_closes
         FROM policy_comments c
         JOIN policy_versions v ON v.id = c.version_id
         LEFT JOIN policy_responses r ON r.comment_id = c.id
         WHERE c.id = $1 AND c.version_id = $2 AND c.parent_id IS NULL",
    )
    .bind(comment_id)
    .bind(version_id)
    .fetch_optional(conn)
    .await?;
    let Some((author, hidden, outcome, state, closes)) = row else {
        return Err(Refusal::NotFound);
    };
    Ok(if author != author_id {
        Some("Only its author can change a comment")
    } else if hidden.is_some() {
        Some("This comment has been withdrawn or removed, so it cannot change")
    } else if outcome.is_some() {
        Some("This comment has been answered, so it can no longer change: reply to the answer instead")
    } else if state != "in_review" || closes.is_none_or(|c| today() > c) {
        Some("This review has closed, so its comments can no longer change")
    } else {
        None
    })
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct EditForm {
    /// Checked by hand: its message goes beside this comment's own box.
    #[garde(skip)]
    #[serde(deserialize_with = "text_block")]
    body: String,
}

/// The author changes their comment before it is answered; the text it had is kept and
/// shown with it.
pub async fn edit(
    State(state): State<AppState>,
    Path((slug, comment_id)): Path<(String, i64)>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let (form, mut reply, review) =
        posted_to_review::<EditForm>(&state, &slug, request, "edit").await?;
    reply.keep_value("comment", comment_id.to_string());
    let field = format!("edit-{comment_id}");
    if form.body.is_empty() {
        reply.error(&field, "Enter your comment, or withdraw it instead");
    } else if let Some(message) = too_long(&form.body, "comment") {
        reply.error(&field, message);
    }
    let reply = reply.mistakes(&state).await?;
    let to = at_comment(&reply.page, comment_id);
    reply
        .write(&state, viewer.actor(), "comment-edited", async |tx| {
            if let Some(why) = why_unchangeable(tx, comment_id, review.version_id, viewer.id).await? {
                return Err(Refusal::conflict(field.clone(), why));
            }
            let before: String =
                sqlx::query_scalar("SELECT body FROM policy_comments WHERE id = $1")
                    .bind(comment_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if before == form.body {
                return Ok(Written::default().to(to.clone()));
            }
            sqlx::query(
                "INSERT INTO policy_comment_edits (comment_id, body, replaced_at) VALUES ($1, $2, $3)",
            )
            .bind(comment_id)
            .bind(&before)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE policy_comments SET body = $1 WHERE id = $2")
                .bind(&form.body)
                .bind(comment_id)
                .execute(&mut *tx)
                .await?;
            let entry = policy_change(
                "policy.comment-edited",
                format!("{} comment {comment_id}", review.policy_id),
                format!("{} words", before.split_whitespace().count()),
                format!("{} words", form.body.split_whitespace().count()),
            );
            Ok(Written::private(entry).to(to.clone()))
        })
        .await
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
pub struct WithdrawForm {
    /// `yes` once the author has confirmed.
    #[garde(skip)]
    confirmed: String,
}

/// What a withdrawn comment shows in its place.
pub const WITHDRAWN: &str = "Withdrawn by its author.";

/// The author withdraws their comment before it is answered: it needs no answer, its text
/// is no longer shown, and it says it was withdrawn by its author.
pub async fn withdraw(
    State(state): State<AppState>,
    Path((slug, comment_id)): Path<(String, i64)>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let (form, mut reply, review) =
        posted_to_review::<WithdrawForm>(&state, &slug, request, "edit").await?;
    reply.keep_value("comment", comment_id.to_string());
    let field = format!("edit-{comment_id}");
    if form.confirmed != "yes" {
        let page = review_page(&slug);
        let confirm = crate::forms::Confirmation {
            heading: "Withdraw your comment?".to_owned(),
            consequences: vec![
                "Its text will no longer be shown to anyone, and the PPIE team will not answer it.".to_owned(),
                "In its place, the review will say it was withdrawn by its author. Replies to it stay.".to_owned(),
                "You cannot undo this, but you can post a new comment while the review is open.".to_owned(),
            ],
            action: format!("{page}/comments/{comment_id}/withdraw"),
            button: "Yes, withdraw it".to_owned(),
            back: at_comment(&page, comment_id),
            warning: true,
        };
        return Err(reply.confirm(&state, confirm).await);
    }
    let to = at_comment(&reply.page, comment_id);
    reply
        .write(&state, viewer.actor(), "comment-withdrawn", async |tx| {
            if let Some(why) = why_unchangeable(tx, comment_id, review.version_id, viewer.id).await? {
                return Err(Refusal::conflict(field.clone(), why));
            }
            let at = now();
            sqlx::query(
                "UPDATE policy_comments SET hidden_reason = $1, hidden_by = $2, hidden_at = $3, withdrawn_at = $3
                 WHERE id = $4",
            )
            .bind(WITHDRAWN)
            .bind(viewer.id)
            .bind(&at)
            .bind(comment_id)
            .execute(&mut *tx)
            .await?;
            let entry = policy_change(
                "policy.comment-withdrawn",
                format!("{} comment {comment_id}", review.policy_id),
                String::new(),
                "withdrawn by its author".to_owned(),
            );
            Ok(Written::private(entry).to(to.clone()))
        })
        .await
}
