//! A public review as a spreadsheet, for the Oversight Board: one row per comment and
//! reply, with the paragraph it is about and the team's answer.

use axum::{
    extract::{Path, State},
    http::{request::Parts, StatusCode},
};

use super::*;
use crate::{
    forms::{
        ssr::{attachment, internal, show_page, Answer},
        FormFeedback,
    },
    policies::outcome_label,
    state::AppState,
};

const COLUMNS: [&str; 14] = [
    "version",
    "comment_id",
    "parent_id",
    "paragraph",
    "paragraph_excerpt",
    "author",
    "author_role",
    "posted_at",
    "text",
    "removed_reason",
    "outcome",
    "answer",
    "answered_by",
    "answered_at",
];

fn role(staff: bool) -> &'static str {
    if staff {
        "PPIE team"
    } else {
        "Digital Critical Friend"
    }
}

/// The review of version `number` as CSV, once it is public; `None` otherwise. Authors are
/// named as on the page; a removed comment has its reason and no text.
pub async fn review_csv(db: &Database, slug: &str, number: i64) -> anyhow::Result<Option<String>> {
    let Some(policy) = policy_by(db, "slug", slug.to_owned().into()).await? else {
        return Ok(None);
    };
    let versions = versions(db, policy.id).await?;
    let Some(version) = versions
        .iter()
        .find(|v| v.number == number && v.review_public)
    else {
        return Ok(None);
    };
    let blocks = HashMap::from([(version.id, version.blocks.clone())]);
    let threads = in_reading_order(
        load_threads(db, policy.id, &blocks)
            .await?
            .remove(&version.id)
            .unwrap_or_default(),
    );
    // Display names and comments are anyone's words: every cell is guarded.
    let mut rows: Vec<[String; 14]> = Vec::new();
    for thread in threads {
        let paragraph = thread.paragraph.map(|n| n.to_string()).unwrap_or_default();
        let response = thread.response.clone();
        rows.push([
            number.to_string(),
            thread.id.to_string(),
            String::new(),
            paragraph.clone(),
            thread.quote.clone().unwrap_or_default(),
            thread.author.clone(),
            role(thread.author_is_staff).to_owned(),
            thread.created_at.clone(),
            thread.body.clone(),
            thread.removed.clone().unwrap_or_default(),
            response
                .as_ref()
                .map(|r| outcome_label(&r.outcome).to_owned())
                .unwrap_or_default(),
            response
                .as_ref()
                .map(|r| r.body.clone())
                .unwrap_or_default(),
            response
                .as_ref()
                .map(|r| r.responder.clone())
                .unwrap_or_default(),
            response
                .as_ref()
                .map(|r| r.responded_at.clone())
                .unwrap_or_default(),
        ]);
        for reply in &thread.replies {
            rows.push([
                number.to_string(),
                reply.id.to_string(),
                thread.id.to_string(),
                paragraph.clone(),
                thread.quote.clone().unwrap_or_default(),
                reply.author.clone(),
                role(reply.author_is_staff).to_owned(),
                reply.created_at.clone(),
                reply.body.clone(),
                reply.removed.clone().unwrap_or_default(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
    }
    Ok(Some(crate::text::spreadsheet_csv(&COLUMNS, rows)?))
}

/// `GET /policies/{slug}/versions/{number}/review.csv`: public once the review is.
pub async fn download_review(
    State(state): State<AppState>,
    Path((slug, number)): Path<(String, String)>,
    parts: Parts,
) -> Answer {
    let found = match number.parse::<i64>() {
        Ok(number) => review_csv(&state.db, &slug, number)
            .await
            .map_err(internal)?
            .map(|body| (number, body)),
        Err(_) => None,
    };
    match found {
        Some((number, body)) => Ok(attachment(
            "text/csv; charset=utf-8",
            &format!("{slug}-version-{number}-review.csv"),
            body,
        )),
        None => {
            let page = parts.uri.path().to_owned();
            Err(show_page(
                &state,
                parts,
                &page,
                FormFeedback::default(),
                StatusCode::NOT_FOUND,
            )
            .await)
        }
    }
}
