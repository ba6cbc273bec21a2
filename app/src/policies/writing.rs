//! The form routes of policy review: the team creates and edits drafts, opens a review,
//! starts a revised draft, answers comments and publishes; critical friends comment and
//! reply. Every route is listed in `accounts::handlers::ENDPOINTS`; every change writes
//! its audit entry in the same transaction.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, Request, State},
    http::{request::Parts, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use sqlx::AnyConnection;

use super::{
    ssr::{blocks_json, newest_version, open_comment_counts, review_page, split_blocks},
    BODY_MAX, COMMENT_MAX, NOTE_MAX, OUTCOMES, REMOVAL_REASON_MAX, SUMMARY_MAX, TITLE_MAX,
};
use crate::{
    accounts::{
        handlers::{again, done, internal, SignedIn},
        ssr::{
            audit::{self, Change},
            drafts, now, today,
        },
        Viewer,
    },
    forms::{ssr::read_fields, FormFeedback},
    html::slugify,
    register::query::is_iso_date,
    search::index::documents::bump_content_version,
    state::AppState,
};

fn text(fields: &BTreeMap<String, String>, name: &str) -> String {
    fields
        .get(name)
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

fn long_text(fields: &BTreeMap<String, String>, name: &str) -> String {
    fields
        .get(name)
        .map(|v| v.replace("\r\n", "\n").trim().to_owned())
        .unwrap_or_default()
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// Title, summary and body of a draft, checked.
struct Draft {
    title: String,
    summary: String,
    body: String,
}

fn check_draft(fields: &BTreeMap<String, String>, feedback: &mut FormFeedback) -> Draft {
    let draft = Draft {
        title: text(fields, "title"),
        summary: text(fields, "summary"),
        body: long_text(fields, "body"),
    };
    if draft.title.is_empty() {
        feedback.error("title", "Enter the policy’s title");
    } else if chars(&draft.title) > TITLE_MAX {
        feedback.error(
            "title",
            format!("Title must be {TITLE_MAX} characters or fewer"),
        );
    }
    if draft.summary.is_empty() {
        feedback.error(
            "summary",
            "Enter a summary: what the policy is for, in a sentence or two",
        );
    } else if chars(&draft.summary) > SUMMARY_MAX {
        feedback.error(
            "summary",
            format!("Summary must be {SUMMARY_MAX} characters or fewer"),
        );
    }
    if draft.body.is_empty() {
        feedback.error("body", "Enter the text of the policy");
    } else if chars(&draft.body) > BODY_MAX {
        feedback.error(
            "body",
            format!("The policy must be {BODY_MAX} characters or fewer"),
        );
    } else if split_blocks(&draft.body).is_empty() {
        feedback.error("body", "The policy has no paragraphs to read");
    }
    draft
}

/// A policy's address: a slug of at least three characters.
fn is_slug(slug: &str) -> bool {
    slug.len() >= 3 && crate::html::is_slug(slug)
}

/// The facts at the top of a policy's page: where a message about the policy's state (not
/// about one field) points.
const FACTS: &str = "policy-facts";

fn editor_page(id: i64) -> String {
    format!("/admin/policies/{id}")
}

async fn audit_change(
    tx: &mut AnyConnection,
    viewer: &Viewer,
    action: &'static str,
    record_id: String,
    before: String,
    after: String,
) -> Result<(), sqlx::Error> {
    audit::record(
        tx,
        viewer,
        Change {
            action,
            record_kind: "policy",
            record_id,
            before,
            after,
        },
    )
    .await
}

/// A posted form on its way through a handler: the request, its fields, and the page and
/// feedback to show if it goes wrong.
struct Posted {
    parts: Parts,
    fields: BTreeMap<String, String>,
    feedback: FormFeedback,
    page: String,
}

impl Posted {
    async fn read(request: Request, form: &str, page: String) -> Self {
        let (parts, fields) = read_fields(request).await;
        let mut feedback = FormFeedback::for_form(form);
        feedback.values = fields.clone();
        Self {
            parts,
            fields,
            feedback,
            page,
        }
    }

    fn text(&self, name: &str) -> String {
        text(&self.fields, name)
    }

    fn long_text(&self, name: &str) -> String {
        long_text(&self.fields, name)
    }

    /// The page again with the form's messages, or a bare page with a status (404).
    async fn again(self, state: &AppState, status: StatusCode) -> Response {
        again(state, self.parts, &self.page, self.feedback, status).await
    }

    async fn not_found(mut self, state: &AppState) -> Response {
        self.feedback = FormFeedback::default();
        self.again(state, StatusCode::NOT_FOUND).await
    }

    /// 422 with the messages, when there are any.
    async fn mistakes(self, state: &AppState) -> Result<Self, Response> {
        if self.feedback.has_errors() {
            Err(self.again(state, StatusCode::UNPROCESSABLE_ENTITY).await)
        } else {
            Ok(self)
        }
    }
}

/// After the write: to the page with a notice, or the error.
fn finish(saved: Result<(), sqlx::Error>, page: &str, notice: &str) -> Response {
    match saved {
        Ok(()) => done(page, notice),
        Err(error) => internal(error),
    }
}

/// After a write whose transaction re-checked the policy's state (every write transaction
/// is serialised, so the check cannot go stale): the notice, or the reason it was refused.
async fn finish_checked(
    state: &AppState,
    mut posted: Posted,
    saved: Result<Option<&str>, sqlx::Error>,
    notice: &str,
) -> Response {
    match saved {
        Ok(None) => done(&posted.page, notice),
        Ok(Some(refusal)) => {
            posted.feedback.error(FACTS, refusal);
            posted.again(state, StatusCode::CONFLICT).await
        }
        Err(error) => internal(error),
    }
}

/// The newest version of a policy, as a form about it needs it.
struct Newest {
    id: i64,
    number: i64,
    state: String,
    updated_at: String,
    body: String,
}

/// The posted form and the policy's newest version, or the 404 page.
async fn posted_to_policy(
    state: &AppState,
    id: i64,
    request: Request,
    form: &str,
) -> Result<(Posted, Newest), Response> {
    let posted = Posted::read(request, form, editor_page(id)).await;
    let found = async {
        let mut conn = state.db.pool().acquire().await?;
        newest_version(&mut conn, id).await
    }
    .await;
    match found {
        Ok(Some((id, number, state, updated_at, body))) => Ok((
            posted,
            Newest {
                id,
                number,
                state,
                updated_at,
                body,
            },
        )),
        Ok(None) => Err(posted.not_found(state).await),
        Err(error) => Err(internal(error)),
    }
}

pub async fn create(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let mut posted = Posted::read(request, "policy", "/admin/policies/new".to_owned()).await;
    let draft = check_draft(&posted.fields, &mut posted.feedback);
    let slug = match posted.text("slug") {
        slug if slug.is_empty() => slugify(&draft.title),
        slug => slug,
    };
    if !is_slug(&slug) {
        posted.feedback.error(
            "slug",
            "The web address must be 3 to 80 lowercase letters, numbers and hyphens, like data-access-policy",
        );
    } else {
        match sqlx::query_scalar::<_, i64>("SELECT id FROM policies WHERE slug = $1")
            .bind(&slug)
            .fetch_optional(state.db.pool())
            .await
        {
            Ok(None) => {}
            Ok(Some(_)) => posted.feedback.error(
                "slug",
                format!("Another policy already uses the address {slug}: choose another"),
            ),
            Err(error) => return internal(error),
        }
    }
    // The summary lists mistakes in the order of the fields on the page.
    let order = ["title", "slug", "summary", "body"];
    posted
        .feedback
        .errors
        .sort_by_key(|(field, _)| order.iter().position(|f| f == field));
    if let Err(response) = posted.mistakes(&state).await {
        return response;
    }
    let saved = async {
        let mut tx = state.db.begin_write().await?;
        let at = now();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO policies (slug, title, summary, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(&slug)
        .bind(&draft.title)
        .bind(&draft.summary)
        .bind(&at)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO policy_versions (policy_id, number, title, summary, body_md, blocks_json, state, updated_at)
             VALUES ($1, 1, $2, $3, $4, $5, 'draft', $6)",
        )
        .bind(id)
        .bind(&draft.title)
        .bind(&draft.summary)
        .bind(&draft.body)
        .bind(blocks_json(&draft.body))
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        audit_change(
            &mut tx,
            &viewer,
            "policy.created",
            slug.clone(),
            String::new(),
            format!("version 1 draft, {} words", draft.body.split_whitespace().count()),
        )
        .await?;
        tx.commit().await?;
        Ok::<i64, sqlx::Error>(id)
    }
    .await;
    match saved {
        Ok(id) => done(&editor_page(id), "policy-created"),
        Err(error) => internal(error),
    }
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (mut posted, newest) = match posted_to_policy(&state, id, request, "policy").await {
        Ok(found) => found,
        Err(response) => return response,
    };
    if newest.state != "draft" {
        posted.feedback.error(
            FACTS,
            "This version is no longer a draft, so its text cannot change. Start a revised draft to change it.",
        );
        return posted.again(&state, StatusCode::CONFLICT).await;
    }
    let draft = check_draft(&posted.fields, &mut posted.feedback);
    let mut posted = match posted.mistakes(&state).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let conflict = |mut posted: Posted, message: &str| {
        posted.feedback.error("body", message);
        // Saving again now replaces theirs knowingly.
        posted
            .feedback
            .values
            .insert("updated_at".into(), newest.updated_at.clone());
        posted
    };
    if posted.text("updated_at") != newest.updated_at {
        posted = conflict(
            posted,
            "Someone else saved this draft while you were editing. Your text is kept here; compare it with theirs (open the page in a new tab), then save again.",
        );
        return posted.again(&state, StatusCode::CONFLICT).await;
    }
    let saved = async {
        let mut tx = state.db.begin_write().await?;
        let at = now();
        // The version check again, inside the transaction: a save in between wins.
        let changed = sqlx::query(
            "UPDATE policy_versions SET title = $1, summary = $2, body_md = $3, blocks_json = $4, updated_at = $5
             WHERE id = $6 AND updated_at = $7 AND state = 'draft'",
        )
        .bind(&draft.title)
        .bind(&draft.summary)
        .bind(&draft.body)
        .bind(blocks_json(&draft.body))
        .bind(&at)
        .bind(newest.id)
        .bind(&newest.updated_at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        audit_change(
            &mut tx,
            &viewer,
            "policy.saved",
            format!("{id} v{}", newest.number),
            format!("{} words", newest.body.split_whitespace().count()),
            format!("{} words", draft.body.split_whitespace().count()),
        )
        .await?;
        tx.commit().await?;
        Ok::<bool, sqlx::Error>(true)
    }
    .await;
    match saved {
        Ok(true) => done(&posted.page, "policy-saved"),
        Ok(false) => conflict(
            posted,
            "Someone else saved this draft at the same moment. Your text is kept here; save again to replace theirs.",
        )
        .again(&state, StatusCode::CONFLICT)
        .await,
        Err(error) => internal(error),
    }
}

pub async fn open_review(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (mut posted, newest) = match posted_to_policy(&state, id, request, "review").await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let closes = posted.text("closes");
    let today = today();
    if newest.state != "draft" {
        posted
            .feedback
            .error(FACTS, "Only a draft can be opened for review");
        return posted.again(&state, StatusCode::CONFLICT).await;
    }
    // Comments of an earlier review are answered on the review page, which shows the
    // newest review: answer them before a new review replaces it there.
    match unanswered_comments(&state, id).await {
        Ok(0) => {}
        Ok(unanswered) => {
            posted.feedback.error(
                FACTS,
                format!(
                    "{unanswered} comment{} from the last review still need{} an answer. Answer them on the review page before opening a new review.",
                    if unanswered == 1 { "" } else { "s" },
                    if unanswered == 1 { "s" } else { "" }
                ),
            );
            return posted.again(&state, StatusCode::CONFLICT).await;
        }
        Err(error) => return internal(error),
    }
    if !is_iso_date(&closes) {
        posted.feedback.error(
            "closes",
            "Enter the closing date as year-month-day, like 2026-12-14",
        );
    } else if closes < today {
        posted
            .feedback
            .error("closes", "The closing date cannot be in the past");
    } else if closes > one_year_after(&today) {
        posted
            .feedback
            .error("closes", "The closing date must be within a year");
    }
    let posted = match posted.mistakes(&state).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let saved = async {
        let mut tx = state.db.begin_write().await?;
        let opened = sqlx::query(
            "UPDATE policy_versions SET state = 'in_review', review_opened = $1, review_closes = $2, updated_at = $3
             WHERE id = $4 AND state = 'draft'",
        )
        .bind(&today)
        .bind(&closes)
        .bind(now())
        .bind(newest.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if opened == 0 {
            return Ok(Some("Someone else changed this version meanwhile: it is no longer a draft"));
        }
        audit_change(
            &mut tx,
            &viewer,
            "policy.review-opened",
            format!("{id} v{}", newest.number),
            "draft".into(),
            format!("in review until {closes}"),
        )
        .await?;
        tx.commit().await?;
        Ok(None)
    }
    .await;
    finish_checked(&state, posted, saved, "review-opened").await
}

fn one_year_after(date: &str) -> String {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.checked_add_signed(chrono::Duration::days(366)))
        .map(|d| d.to_string())
        .unwrap_or_else(|| date.to_owned())
}

/// A new draft from the newest version's text (its review, if open, closes).
pub async fn revise(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (posted, newest) = match posted_to_policy(&state, id, request, "revise").await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let next = newest.number + 1;
    let saved = async {
        let mut tx = state.db.begin_write().await?;
        // Read again inside the (serialised) transaction: a second click finds the draft
        // the first one made.
        match newest_version(&mut tx, id).await? {
            Some((version, ..)) if version != newest.id => {
                return Ok(Some("Someone else started a new version meanwhile: edit that one"))
            }
            Some((_, _, state, ..)) if state == "draft" => {
                return Ok(Some("The newest version is already a draft: edit it"))
            }
            _ => {}
        }
        sqlx::query(
            "UPDATE policy_versions SET state = 'reviewed' WHERE id = $1 AND state = 'in_review'",
        )
        .bind(newest.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO policy_versions (policy_id, number, title, summary, body_md, blocks_json, state, updated_at)
             SELECT policy_id, $1, title, summary, body_md, blocks_json, 'draft', $2
             FROM policy_versions WHERE id = $3",
        )
        .bind(next)
        .bind(now())
        .bind(newest.id)
        .execute(&mut *tx)
        .await?;
        audit_change(
            &mut tx,
            &viewer,
            "policy.revised",
            format!("{id} v{next}"),
            format!("v{} {}", newest.number, newest.state),
            format!("v{next} draft"),
        )
        .await?;
        tx.commit().await?;
        Ok(None)
    }
    .await;
    finish_checked(&state, posted, saved, "policy-revised").await
}

/// Publishes the newest version: its text becomes the public one and every review of the
/// policy that was not yet public becomes public. Every comment must have an answer first.
pub async fn publish(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (mut posted, newest) = match posted_to_policy(&state, id, request, "publish").await {
        Ok(found) => found,
        Err(response) => return response,
    };
    if !matches!(newest.state.as_str(), "draft" | "in_review") {
        posted
            .feedback
            .error(FACTS, "This version is already published");
        return posted.again(&state, StatusCode::CONFLICT).await;
    }
    let note = posted.text("change_note");
    if note.is_empty() {
        posted.feedback.error(
            "change_note",
            "Say what this version changes, in plain words: the public reads it",
        );
    } else if chars(&note) > NOTE_MAX {
        posted.feedback.error(
            "change_note",
            format!("The note must be {NOTE_MAX} characters or fewer"),
        );
    }
    match unanswered_comments(&state, id).await {
        Ok(0) => {}
        Ok(1) => posted.feedback.error(
            "change_note",
            "1 comment from the review has no answer yet. Answer every comment before publishing.",
        ),
        Ok(unanswered) => posted.feedback.error(
            "change_note",
            format!("{unanswered} comments from the review have no answer yet. Answer every comment before publishing."),
        ),
        Err(error) => return internal(error),
    }
    let posted = match posted.mistakes(&state).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let saved = async {
        let mut tx = state.db.begin_write().await?;
        // Checked again inside the (serialised) transaction.
        match newest_version(&mut tx, id).await? {
            Some((version, _, state, ..))
                if version == newest.id && matches!(state.as_str(), "draft" | "in_review") => {}
            _ => {
                return Ok(Some(
                    "Someone else changed this policy meanwhile: check its versions below",
                ))
            }
        }
        if open_comment_counts(&mut tx, id).await?.1 > 0 {
            return Ok(Some(
                "A comment arrived meanwhile and has no answer yet. Answer it before publishing.",
            ));
        }
        let at = now();
        for (statement, version) in [
            ("UPDATE policy_versions SET state = 'superseded' WHERE policy_id = $1 AND state = 'published' AND id <> $2", newest.id),
            ("UPDATE policy_versions SET state = 'reviewed' WHERE policy_id = $1 AND state = 'in_review' AND id <> $2", newest.id),
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
        .bind(&note)
        .bind(newest.id)
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
        .bind(newest.id)
        .bind(&at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit_change(
            &mut tx,
            &viewer,
            "policy.published",
            format!("{id} v{}", newest.number),
            newest.state.clone(),
            format!("published: {note}"),
        )
        .await?;
        bump_content_version(&mut tx).await?;
        tx.commit().await?;
        Ok(None)
    }
    .await;
    finish_checked(&state, posted, saved, "policy-published").await
}

/// Comments in reviews not yet public that have no answer.
async fn unanswered_comments(state: &AppState, policy_id: i64) -> Result<i64, sqlx::Error> {
    let mut conn = state.db.pool().acquire().await?;
    Ok(open_comment_counts(&mut conn, policy_id).await?.1)
}

/// The newest version of a policy that has been under review.
struct Reviewed {
    policy_id: i64,
    version_id: i64,
    state: String,
    closes: String,
    paragraphs: i64,
    public: bool,
}

/// The posted form and the policy's reviewed version, or the 404 page.
async fn posted_to_review(
    state: &AppState,
    slug: &str,
    request: Request,
    form: &str,
) -> Result<(Posted, Reviewed), Response> {
    let posted = Posted::read(request, form, review_page(slug)).await;
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
            posted,
            Reviewed {
                policy_id,
                version_id,
                state: version_state,
                closes: closes.unwrap_or_default(),
                paragraphs: serde_json::from_str::<Vec<super::PolicyBlock>>(&blocks)
                    .map_or(0, |b| b.len() as i64),
                public: public != 0,
            },
        )),
        Ok(None) => Err(posted.not_found(state).await),
        Err(error) => Err(internal(error)),
    }
}

/// To a comment on a page, with a notice.
fn to_comment(page: &str, notice: &str, comment: i64) -> Response {
    Redirect::to(&format!("{page}?done={notice}#comment-{comment}")).into_response()
}

/// A comment on the whole document or one paragraph, or a reply in a thread.
pub async fn comment(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (mut posted, review) = match posted_to_review(&state, &slug, request, "comment").await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let parent: Option<i64> = posted.text("parent").parse().ok();
    // Each reply box has its own id, so its message sits beside it.
    let field = parent.map_or("body".to_owned(), |p| format!("reply-{p}"));
    let body = posted.long_text("body");
    if review.state != "in_review" || today() > review.closes {
        posted.feedback.error(
            &field,
            format!(
                "This review closed on {}, so it takes no more comments. Your text is still here to copy.",
                review.closes
            ),
        );
        return posted.again(&state, StatusCode::CONFLICT).await;
    }
    let mut paragraph = match posted.text("paragraph").as_str() {
        "" | "whole" => None,
        number => match number.parse::<i64>() {
            Ok(n) if (1..=review.paragraphs).contains(&n) => Some(n),
            _ => {
                posted.feedback.error(
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
        let root: Option<(i64, Option<i64>, Option<i64>)> = match sqlx::query_as(
            "SELECT id, parent_id, paragraph FROM policy_comments WHERE id = $1 AND version_id = $2",
        )
        .bind(parent)
        .bind(review.version_id)
        .fetch_optional(state.db.pool())
        .await
        {
            Ok(root) => root,
            Err(error) => return internal(error),
        };
        match root {
            Some((id, parent_of_parent, on)) => {
                thread = Some(parent_of_parent.unwrap_or(id));
                paragraph = on;
            }
            // No such thread to show the message beside: the main comment box takes it.
            None => {
                posted.feedback.values.remove("parent");
                posted
                    .feedback
                    .error("body", "The comment you replied to is not in this review");
                return posted.again(&state, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
        }
    }
    let what = if parent.is_some() { "reply" } else { "comment" };
    if body.is_empty() {
        posted.feedback.error(&field, format!("Enter your {what}"));
    } else if chars(&body) > COMMENT_MAX {
        posted.feedback.error(
            &field,
            format!(
                "A {what} must be {COMMENT_MAX} characters or fewer (it has {})",
                chars(&body)
            ),
        );
    }
    let mut posted = match posted.mistakes(&state).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let saved = async {
        let mut tx = state.db.begin_write().await?;
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
            return Ok(None);
        };
        audit_change(
            &mut tx,
            &viewer,
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
        )
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(Some(comment_id))
    }
    .await;
    match saved {
        Ok(None) => {
            posted.feedback.error(
                &field,
                "This review closed while you were writing, so it takes no more comments. Your text is still here to copy.",
            );
            posted.again(&state, StatusCode::CONFLICT).await
        }
        Ok(Some(comment_id)) => {
            // Posted: any text kept from an ended session has served its purpose.
            if let Err(error) = drafts::discard(&state.db, viewer.id, &posted.page).await {
                tracing::warn!(%error, "could not discard kept comment text");
            }
            to_comment(&posted.page, &format!("{what}-posted"), comment_id)
        }
        Err(error) => internal(error),
    }
}

/// Throws away comment text kept from an ended session.
pub async fn discard_kept(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedIn(viewer): SignedIn,
) -> Response {
    let page = review_page(&slug);
    let discarded = drafts::discard(&state.db, viewer.id, &page).await;
    finish(discarded, &page, "draft-discarded")
}

/// The team's answer to a thread's first comment; it can change until the review is public.
pub async fn answer(
    State(state): State<AppState>,
    Path((slug, comment_id)): Path<(String, i64)>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (mut posted, review) = match posted_to_review(&state, &slug, request, "answer").await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let thread: Option<Option<String>> = match sqlx::query_scalar(
        "SELECT r.outcome FROM policy_comments c LEFT JOIN policy_responses r ON r.comment_id = c.id
         WHERE c.id = $1 AND c.version_id = $2 AND c.parent_id IS NULL",
    )
    .bind(comment_id)
    .bind(review.version_id)
    .fetch_optional(state.db.pool())
    .await
    {
        Ok(thread) => thread,
        Err(error) => return internal(error),
    };
    let Some(previous) = thread else {
        return posted.not_found(&state).await;
    };
    posted
        .feedback
        .values
        .insert("comment".into(), comment_id.to_string());
    let field = format!("answer-{comment_id}");
    if review.public {
        posted.feedback.error(
            &field,
            "This review has been published, so its answers can no longer change",
        );
        return posted.again(&state, StatusCode::CONFLICT).await;
    }
    let outcome = posted.text("outcome");
    let body = posted.long_text("body");
    if !OUTCOMES.iter().any(|(key, _)| *key == outcome) {
        posted.feedback.error(
            &format!("outcome-{comment_id}"),
            "Choose what the comment led to",
        );
    }
    if body.is_empty() {
        posted
            .feedback
            .error(&field, "Enter the answer the critical friend will read");
    } else if chars(&body) > COMMENT_MAX {
        posted.feedback.error(
            &field,
            format!("An answer must be {COMMENT_MAX} characters or fewer"),
        );
    }
    let posted = match posted.mistakes(&state).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let saved = async {
        let mut tx = state.db.begin_write().await?;
        sqlx::query(
            "INSERT INTO policy_responses (comment_id, outcome, body, responder_id, responded_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (comment_id) DO UPDATE SET outcome = excluded.outcome, body = excluded.body,
                responder_id = excluded.responder_id, responded_at = excluded.responded_at",
        )
        .bind(comment_id)
        .bind(&outcome)
        .bind(&body)
        .bind(viewer.id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        audit_change(
            &mut tx,
            &viewer,
            "policy.comment-answered",
            format!("{} comment {comment_id}", review.policy_id),
            previous.unwrap_or_default(),
            outcome.clone(),
        )
        .await?;
        tx.commit().await
    }
    .await;
    match saved {
        Ok(()) => to_comment(&posted.page, "answer-saved", comment_id),
        Err(error) => internal(error),
    }
}

/// Staff remove a comment or reply (personal details, abuse), with a reason that shows in
/// its place to everyone. Its text stays in the database for the record and for its
/// author's data export, but is never shown or indexed again.
pub async fn remove(
    State(state): State<AppState>,
    Path((slug, comment_id)): Path<(String, i64)>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Response {
    let (mut posted, review) = match posted_to_review(&state, &slug, request, "remove").await {
        Ok(found) => found,
        Err(response) => return response,
    };
    // Any review of the policy: a published one (on the policy's public page) too.
    let found: Option<(Option<String>, i64)> = match sqlx::query_as(
        "SELECT c.hidden_reason, v.review_public FROM policy_comments c
         JOIN policy_versions v ON v.id = c.version_id
         WHERE c.id = $1 AND v.policy_id = $2",
    )
    .bind(comment_id)
    .bind(review.policy_id)
    .fetch_optional(state.db.pool())
    .await
    {
        Ok(found) => found,
        Err(error) => return internal(error),
    };
    let Some((already, public)) = found else {
        return posted.not_found(&state).await;
    };
    let public = public != 0;
    if public {
        posted.page = format!("/policies/{slug}");
    }
    posted
        .feedback
        .values
        .insert("comment".into(), comment_id.to_string());
    let field = format!("remove-{comment_id}");
    let reason = posted.text("reason");
    if already.is_some() {
        posted.feedback.error(
            &format!("comment-{comment_id}"),
            "This comment has already been removed",
        );
        return posted.again(&state, StatusCode::CONFLICT).await;
    }
    if reason.is_empty() {
        posted.feedback.error(
            &field,
            "Enter why the comment is removed: readers see it in its place",
        );
    } else if chars(&reason) > REMOVAL_REASON_MAX {
        posted.feedback.error(
            &field,
            format!("The reason must be {REMOVAL_REASON_MAX} characters or fewer"),
        );
    }
    let posted = match posted.mistakes(&state).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let saved = async {
        let mut tx = state.db.begin_write().await?;
        sqlx::query(
            "UPDATE policy_comments SET hidden_reason = $1, hidden_by = $2, hidden_at = $3
             WHERE id = $4 AND hidden_reason IS NULL",
        )
        .bind(&reason)
        .bind(viewer.id)
        .bind(now())
        .bind(comment_id)
        .execute(&mut *tx)
        .await?;
        audit_change(
            &mut tx,
            &viewer,
            "policy.comment-removed",
            format!("{} comment {comment_id}", review.policy_id),
            String::new(),
            reason.clone(),
        )
        .await?;
        // A public review is in the search index: take the text out of it.
        if public {
            bump_content_version(&mut tx).await?;
        }
        tx.commit().await
    }
    .await;
    match saved {
        Ok(()) => to_comment(&posted.page, "comment-removed", comment_id),
        Err(error) => internal(error),
    }
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
