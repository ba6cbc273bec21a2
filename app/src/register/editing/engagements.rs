//! Engagement rounds edited in the browser: `POST /admin/engagements/new` and
//! `POST /admin/engagements/{key}`.

use std::collections::BTreeMap;

use axum::extract::{Path, Request, State};
use serde::Deserialize;
use sqlx::{AnyConnection, AnyPool};

use super::{
    EngagementEditor, EngagementListItem, BODY_MAX, ENGAGEMENT_KINDS, NAME_MAX, ROWS, SUMMARY_MAX,
};
use crate::{
    accounts::SignedIn,
    audit::Change,
    forms::{
        ssr::{internal, read, text_block, trimmed, Answer, Posted, Refusal, Reply, Written},
        DateParts,
    },
    html::{is_slug, render_markdown, slugify},
    register::Figure,
    state::AppState,
};

/// Every engagement round with its recommendations, in order.
pub async fn list(pool: &AnyPool) -> Result<Vec<EngagementListItem>, sqlx::Error> {
    let engagements: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, key, prefix, name FROM engagements ORDER BY position, key")
            .fetch_all(pool)
            .await?;
    let recommendations: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT engagement_id, reference, title FROM recommendations ORDER BY engagement_id, number",
    )
    .fetch_all(pool)
    .await?;
    Ok(engagements
        .into_iter()
        .map(|(id, key, prefix, name)| EngagementListItem {
            key,
            prefix,
            name,
            recommendations: recommendations
                .iter()
                .filter(|(e, _, _)| *e == id)
                .map(|(_, reference, title)| (reference.clone(), title.clone()))
                .collect(),
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct EngagementRow {
    id: i64,
    key: String,
    prefix: String,
    name: String,
    kind: String,
    started: String,
    ended: Option<String>,
    summary: String,
    body_md: String,
}

fn revision(editor: &EngagementEditor) -> String {
    use sha2::{Digest, Sha256};
    let text = format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{:?}\u{1f}{}\u{1f}{}\u{1f}{:?}",
        editor.prefix,
        editor.name,
        editor.kind,
        editor.started,
        editor.ended,
        editor.summary,
        editor.body,
        editor.figures
    );
    Sha256::digest(text.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The engagement `key` as staff edit it, read on `conn`.
pub async fn editor(
    conn: &mut AnyConnection,
    key: &str,
) -> Result<Option<EngagementEditor>, sqlx::Error> {
    let row: Option<EngagementRow> = sqlx::query_as(
        "SELECT id, key, prefix, name, kind, started, ended, summary, body_md FROM engagements WHERE key = $1",
    )
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let figures: Vec<(String, String)> = sqlx::query_as(
        "SELECT value, label FROM engagement_figures WHERE engagement_id = $1 ORDER BY position",
    )
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?;
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM recommendations WHERE engagement_id = $1")
            .bind(row.id)
            .fetch_one(&mut *conn)
            .await?;
    let mut editor = EngagementEditor {
        key: Some(row.key),
        prefix: row.prefix,
        name: row.name,
        kind: row.kind,
        started: row.started,
        ended: row.ended,
        summary: row.summary,
        body: row.body_md,
        figures: figures
            .into_iter()
            .map(|(value, label)| Figure { value, label })
            .collect(),
        has_recommendations: count > 0,
        revision: String::new(),
    };
    editor.revision = revision(&editor);
    Ok(Some(editor))
}

/// The engagement form as posted. Figures come as `figure-{n}-value` / `figure-{n}-label`.
#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
#[garde(allow_unvalidated)]
pub struct EngagementForm {
    #[serde(deserialize_with = "trimmed")]
    key: String,
    #[serde(deserialize_with = "trimmed")]
    prefix: String,
    #[garde(custom(crate::forms::rules::text("Enter the engagement's name", NAME_MAX, "Name")))]
    #[serde(deserialize_with = "trimmed")]
    name: String,
    #[serde(deserialize_with = "trimmed")]
    kind: String,
    #[serde(rename = "started-day")]
    started_day: String,
    #[serde(rename = "started-month")]
    started_month: String,
    #[serde(rename = "started-year")]
    started_year: String,
    #[serde(rename = "ended-day")]
    ended_day: String,
    #[serde(rename = "ended-month")]
    ended_month: String,
    #[serde(rename = "ended-year")]
    ended_year: String,
    #[garde(custom(crate::forms::rules::text(
        "Enter a summary: who took part and what they did, in a sentence or two",
        SUMMARY_MAX,
        "Summary"
    )))]
    #[serde(deserialize_with = "trimmed")]
    summary: String,
    #[garde(custom(crate::forms::rules::text(
        "Enter the description: what happened and what people said",
        BODY_MAX,
        "Description"
    )))]
    #[serde(deserialize_with = "text_block")]
    body: String,
    #[serde(deserialize_with = "trimmed")]
    revision: String,
}

/// An engagement as checked, ready to write.
struct Checked {
    key: String,
    prefix: String,
    started: String,
    ended: Option<String>,
    figures: Vec<Figure>,
}

/// The form's rules that need more than one field; `existing` is the engagement being
/// edited (its key and prefix as stored, and whether it has recommendations).
fn check(
    form: &EngagementForm,
    rows: &BTreeMap<String, String>,
    existing: Option<&EngagementEditor>,
    reply: &mut Reply,
) -> Option<Checked> {
    let key = match existing.and_then(|e| e.key.clone()) {
        Some(key) => key,
        None if form.key.is_empty() => slugify(&form.name),
        None => form.key.clone(),
    };
    if existing.is_none() && !is_slug(&key) {
        reply.error(
            "key",
            "The web address must be lowercase letters, numbers and hyphens, like public-panel-2027",
        );
    }
    let prefix = form.prefix.to_uppercase();
    match existing {
        Some(e) if e.has_recommendations && prefix != e.prefix => reply.error(
            "prefix",
            format!(
                "The prefix stays {}: recommendations already use it in their references",
                e.prefix
            ),
        ),
        _ if prefix.is_empty() => reply.error(
            "prefix",
            "Enter the reference prefix, like PP or DCF",
        ),
        _ if !(1..=6).contains(&prefix.len())
            || !prefix.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            || !prefix.starts_with(|c: char| c.is_ascii_uppercase()) =>
        {
            reply.error(
                "prefix",
                "The prefix must be 1 to 6 letters or numbers, starting with a letter, like PP or PP27",
            )
        }
        _ => {}
    }
    if !ENGAGEMENT_KINDS.iter().any(|(k, _)| *k == form.kind) {
        reply.error("kind", "Choose what kind of engagement it was");
    }
    let started = match DateParts::new(&form.started_day, &form.started_month, &form.started_year)
        .required("Start date")
    {
        Ok(day) => Some(day),
        Err((which, message)) => {
            reply.error(&which.field("started"), message);
            None
        }
    };
    let ended = match DateParts::new(&form.ended_day, &form.ended_month, &form.ended_year)
        .parse("End date")
    {
        Ok(Some(day)) if started.as_ref().is_some_and(|s| day < *s) => {
            reply.error(
                "ended",
                "End date must be the same as or after the start date",
            );
            None
        }
        Ok(day) => day,
        Err((which, message)) => {
            reply.error(&which.field("ended"), message);
            None
        }
    };
    let mut figures = Vec::new();
    for n in 0..ROWS {
        let value = rows
            .get(&format!("figure-{n}-value"))
            .map_or("", |v| v.trim());
        let label = rows
            .get(&format!("figure-{n}-label"))
            .map_or("", |v| v.trim());
        match (value.is_empty(), label.is_empty()) {
            (true, true) => {}
            (false, true) => reply.error(
                &format!("figure-{n}-label"),
                format!("Say what the figure {value} counts"),
            ),
            (true, false) => reply.error(
                &format!("figure-{n}-value"),
                format!("Enter the figure for “{label}”"),
            ),
            _ if value.chars().count() > 30 || label.chars().count() > 200 => reply.error(
                &format!("figure-{n}-value"),
                "A figure must be 30 characters or fewer, and its label 200",
            ),
            _ => figures.push(Figure {
                value: value.to_owned(),
                label: label.to_owned(),
            }),
        }
    }
    Some(Checked {
        key,
        prefix,
        started: started?,
        ended,
        figures,
    })
}

/// Another engagement already has this web address or prefix: the message, and its field.
async fn taken(
    conn: &mut AnyConnection,
    key: &str,
    prefix: &str,
    creating: bool,
) -> Result<Option<(&'static str, String)>, sqlx::Error> {
    if creating {
        let key_taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM engagements WHERE key = $1")
            .bind(key)
            .fetch_one(&mut *conn)
            .await?;
        if key_taken > 0 {
            return Ok(Some((
                "key",
                format!("Another engagement already uses the address {key}: choose another"),
            )));
        }
    }
    let prefix_taken: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM engagements WHERE prefix = $1 AND key <> $2")
            .bind(prefix)
            .bind(key)
            .fetch_one(&mut *conn)
            .await?;
    Ok((prefix_taken > 0).then(|| {
        (
            "prefix",
            format!("Another engagement already uses the prefix {prefix}: choose another"),
        )
    }))
}

async fn write_figures(
    conn: &mut AnyConnection,
    id: i64,
    figures: &[Figure],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM engagement_figures WHERE engagement_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (position, figure) in figures.iter().enumerate() {
        sqlx::query(
            "INSERT INTO engagement_figures (engagement_id, position, value, label) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(&figure.value)
        .bind(&figure.label)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

const SAVED_OVER: &str = "Someone else saved this engagement while you were editing. Your text is kept here; check the public page for theirs, then save again.";

/// `POST /admin/engagements/new`.
pub async fn create(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    save(state, None, viewer, request).await
}

/// `POST /admin/engagements/{key}`.
pub async fn update(
    State(state): State<AppState>,
    Path(key): Path<String>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    save(state, Some(key), viewer, request).await
}

async fn save(
    state: AppState,
    key: Option<String>,
    viewer: crate::accounts::Viewer,
    request: Request,
) -> Answer {
    let page = match &key {
        Some(key) => format!("/admin/engagements/{key}"),
        None => "/admin/engagements/new".to_owned(),
    };
    let Posted {
        form,
        pairs,
        mut reply,
    } = read::<EngagementForm>(request, "engagement", page).await;
    let rows: BTreeMap<String, String> = pairs.into_iter().collect();
    let existing = match &key {
        Some(key) => {
            let mut conn = state.db.pool().acquire().await.map_err(internal)?;
            match editor(&mut conn, key).await.map_err(internal)? {
                Some(existing) => Some(existing),
                None => return Err(reply.not_found(&state).await),
            }
        }
        None => None,
    };
    let checked = check(&form, &rows, existing.as_ref(), &mut reply);
    reply.order_errors(&[
        "name", "key", "prefix", "kind", "started", "ended", "summary", "body", "figure",
    ]);
    let reply = reply.mistakes(&state).await?;
    let Some(checked) = checked else {
        return Err(internal(crate::error::AppError::Internal));
    };
    let creating = existing.is_none();
    let to = format!("/admin/engagements/{}", checked.key);
    reply
        .write(&state, viewer.actor(), "engagement-saved", async |tx| {
            if let Some((field, message)) =
                taken(tx, &checked.key, &checked.prefix, creating).await?
            {
                return Err(Refusal::invalid(field, message));
            }
            let body_html = render_markdown(&form.body).into_inner();
            let id: i64 = if creating {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO engagements (key, prefix, name, kind, started, ended, summary, body_md, body_html, position)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                             (SELECT COALESCE(MAX(position), 0) + 1 FROM engagements))
                     RETURNING id",
                )
                .bind(&checked.key)
                .bind(&checked.prefix)
                .bind(&form.name)
                .bind(&form.kind)
                .bind(&checked.started)
                .bind(checked.ended.clone())
                .bind(&form.summary)
                .bind(&form.body)
                .bind(&body_html)
                .fetch_one(&mut *tx)
                .await?;
                id
            } else {
                let Some(current) = editor(tx, &checked.key).await? else {
                    return Err(Refusal::NotFound);
                };
                if current.revision != form.revision {
                    return Err(Refusal::conflict("name", SAVED_OVER)
                        .keeping("revision", current.revision));
                }
                let (id,): (i64,) = sqlx::query_as(
                    "UPDATE engagements SET prefix = $1, name = $2, kind = $3, started = $4, ended = $5,
                         summary = $6, body_md = $7, body_html = $8
                     WHERE key = $9 RETURNING id",
                )
                .bind(&checked.prefix)
                .bind(&form.name)
                .bind(&form.kind)
                .bind(&checked.started)
                .bind(checked.ended.clone())
                .bind(&form.summary)
                .bind(&form.body)
                .bind(&body_html)
                .bind(&checked.key)
                .fetch_one(&mut *tx)
                .await?;
                id
            };
            write_figures(tx, id, &checked.figures).await?;
            crate::db::mark_edited_in_browser(tx, "engagement", &checked.key).await?;
            let entry = Change {
                action: if creating {
                    "engagement.created"
                } else {
                    "engagement.saved"
                },
                record_kind: "engagement",
                record_id: checked.key.clone(),
                before: existing
                    .as_ref()
                    .map(|e| format!("{} ({}), {} figures", e.name, e.prefix, e.figures.len()))
                    .unwrap_or_default(),
                after: format!(
                    "{} ({}), {} figures",
                    form.name,
                    checked.prefix,
                    checked.figures.len()
                ),
            };
            Ok(Written::public(entry).to(to))
        })
        .await
}
