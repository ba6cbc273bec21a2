//! Saving the site's fixed content: `POST /admin/values/new`, `/admin/values/{slug}`,
//! `/admin/priorities/new`, `/admin/priorities/{slug}`, `/admin/pages/{slug}` and
//! `/admin/glossary`. Each save is a revision (append-only), an audit entry and a move of
//! the content version (the public page and the search index follow at once).

use axum::{
    extract::{Path, Request, State},
    http::StatusCode,
};
use serde::Deserialize;
use sqlx::{AnyConnection, AnyPool};

use super::{
    kind_of, public_path, ContentEditor, ContentListItem, GlossaryEditor, BODY_MAX, EDITABLE_PAGES,
    KINDS, NOTE_MAX, SUMMARY_MAX, TITLE_MAX,
};
use crate::{
    accounts::SignedIn,
    audit::Change,
    dates::now,
    forms::{
        rules::{at_most, text},
        ssr::{read, text_block, trimmed, Answer, Posted, Refusal, Written},
    },
    html::{is_slug, render_markdown, slugify},
    reports::editing::Preview,
    state::AppState,
};

fn table_of(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _, _, _)| *k == kind)
        .map_or("pages", |(_, table, _, _)| table)
}

/// The columns of a kind's title and summary.
fn columns(kind: &str) -> (&'static str, &'static str, &'static str) {
    match kind {
        "page" => ("slug", "title", "summary"),
        _ => ("slug", "name", "statement"),
    }
}

async fn revision_count(
    conn: &mut AnyConnection,
    kind: &str,
    key: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM content_revisions WHERE kind = $1 AND key = $2")
        .bind(kind)
        .bind(key)
        .fetch_one(&mut *conn)
        .await
}

/// Every value, priority and editable page, with how many times each was saved here.
pub async fn list(pool: &AnyPool) -> Result<Vec<ContentListItem>, sqlx::Error> {
    let mut items = Vec::new();
    for (kind, table, _, _) in KINDS {
        let (key, title, _) = columns(kind);
        let order = if kind == "page" {
            "slug"
        } else {
            "position, slug"
        };
        let rows: Vec<(String, String, i64)> = sqlx::query_as(&format!(
            "SELECT t.{key}, t.{title},
                    (SELECT COUNT(*) FROM content_revisions r WHERE r.kind = $1 AND r.key = t.{key})
             FROM {table} t ORDER BY {order}"
        ))
        .bind(kind)
        .fetch_all(pool)
        .await?;
        items.extend(
            rows.into_iter()
                .filter(|(key, _, _)| kind != "page" || EDITABLE_PAGES.contains(&key.as_str()))
                .map(|(key, title, revisions)| ContentListItem {
                    kind: kind.to_owned(),
                    key,
                    title,
                    revisions,
                }),
        );
    }
    Ok(items)
}

fn revision(title: &str, summary: &str, body: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(format!("{title}\u{1f}{summary}\u{1f}{body}").as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An item as staff edit it (its preview is added by the caller); `key` `None` for a new
/// value or priority.
pub async fn editor(
    conn: &mut AnyConnection,
    kind: &str,
    key: Option<&str>,
) -> Result<Option<ContentEditor>, sqlx::Error> {
    let empty_preview = || Preview {
        html: crate::html::SanitizedHtml::default(),
        help: Default::default(),
    };
    let Some(key) = key else {
        return Ok(Some(ContentEditor {
            kind: kind.to_owned(),
            key: None,
            title: String::new(),
            summary: String::new(),
            body: String::new(),
            revision: String::new(),
            revisions: 0,
            preview: empty_preview(),
        }));
    };
    let (key_column, title, summary) = columns(kind);
    let row: Option<(String, String, String)> = sqlx::query_as(&format!(
        "SELECT {title}, {summary}, body_md FROM {} WHERE {key_column} = $1",
        table_of(kind)
    ))
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((title, summary, body)) = row else {
        return Ok(None);
    };
    Ok(Some(ContentEditor {
        revision: revision(&title, &summary, &body),
        revisions: revision_count(conn, kind, key).await?,
        kind: kind.to_owned(),
        key: Some(key.to_owned()),
        title,
        summary,
        body,
        preview: empty_preview(),
    }))
}

/// The content form as posted.
#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
#[garde(allow_unvalidated)]
pub struct ContentForm {
    #[garde(custom(text("Enter the title", TITLE_MAX, "Title")))]
    #[serde(deserialize_with = "trimmed")]
    title: String,
    #[serde(deserialize_with = "trimmed")]
    slug: String,
    #[garde(custom(text("Enter the summary: a sentence or two", SUMMARY_MAX, "Summary")))]
    #[serde(deserialize_with = "trimmed")]
    summary: String,
    #[garde(custom(text("Enter the text", BODY_MAX, "The text")))]
    #[serde(deserialize_with = "text_block")]
    body: String,
    #[garde(custom(at_most(NOTE_MAX, "The note")))]
    #[serde(deserialize_with = "trimmed")]
    note: String,
    #[serde(deserialize_with = "trimmed")]
    revision: String,
    /// `preview` (nothing saved) or `save`.
    #[serde(deserialize_with = "trimmed")]
    action: String,
}

/// Appends a revision of an item.
async fn record_revision(
    conn: &mut AnyConnection,
    kind: &str,
    key: &str,
    title: &str,
    body: &str,
    note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO content_revisions (kind, key, seq, title, body_md, note, saved_at)
         VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM content_revisions WHERE kind = $1 AND key = $2),
                 $3, $4, $5, $6)",
    )
    .bind(kind)
    .bind(key)
    .bind(title)
    .bind(body)
    .bind(note)
    .bind(now())
    .execute(conn)
    .await?;
    Ok(())
}

const SAVED_OVER: &str = "Someone else saved this while you were editing. Your text is kept here: open the public page in a new tab to see theirs, then save again to replace it.";

/// `POST /admin/values/{slug}` (`new` makes one).
pub async fn save_value(
    state: State<AppState>,
    Path(key): Path<String>,
    viewer: SignedIn,
    request: Request,
) -> Answer {
    save(state, "values", key, viewer, request).await
}

/// `POST /admin/priorities/{slug}` (`new` makes one).
pub async fn save_priority(
    state: State<AppState>,
    Path(key): Path<String>,
    viewer: SignedIn,
    request: Request,
) -> Answer {
    save(state, "priorities", key, viewer, request).await
}

/// `POST /admin/pages/{slug}`.
pub async fn save_page(
    state: State<AppState>,
    Path(key): Path<String>,
    viewer: SignedIn,
    request: Request,
) -> Answer {
    save(state, "pages", key, viewer, request).await
}

async fn save(
    State(state): State<AppState>,
    part: &str,
    key: String,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let page = format!("/admin/{part}/{key}");
    let Posted {
        form, mut reply, ..
    } = read::<ContentForm>(request, "content", page).await;
    let Some((kind, table)) = kind_of(part) else {
        return Err(reply.not_found(&state).await);
    };
    let creating = key == "new" && kind != "page";
    if kind == "page" && !EDITABLE_PAGES.contains(&key.as_str()) {
        return Err(reply.not_found(&state).await);
    }
    if form.action == "preview" {
        reply.feedback.errors.clear();
        return Err(reply.again(&state, StatusCode::OK).await);
    }
    let slug = if creating {
        match form.slug.as_str() {
            "" => slugify(&form.title),
            slug => slug.to_owned(),
        }
    } else {
        key.clone()
    };
    if creating && !is_slug(&slug) {
        reply.error(
            "slug",
            "The web address must be lowercase letters, numbers and hyphens, like open-science",
        );
    }
    reply.order_errors(&["title", "slug", "summary", "body", "note"]);
    let reply = reply.mistakes(&state).await?;
    let (key_column, title_column, summary_column) = columns(kind);
    let to = public_path(kind, &slug);
    reply
        .write(&state, viewer.actor(), "content-saved", async |tx| {
            let body_html = render_markdown(&form.body).into_inner();
            if creating {
                let taken: i64 = sqlx::query_scalar(&format!(
                    "SELECT COUNT(*) FROM {table} WHERE {key_column} = $1"
                ))
                .bind(&slug)
                .fetch_one(&mut *tx)
                .await?;
                if taken > 0 {
                    return Err(Refusal::conflict(
                        "slug",
                        format!("The address {slug} is already used: choose another"),
                    ));
                }
                sqlx::query(&format!(
                    "INSERT INTO {table} (slug, name, statement, body_md, body_html, position)
                     VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(position), 0) + 1 FROM {table}))"
                ))
                .bind(&slug)
                .bind(&form.title)
                .bind(&form.summary)
                .bind(&form.body)
                .bind(&body_html)
                .execute(&mut *tx)
                .await?;
            } else {
                let Some(current) = editor(tx, kind, Some(&slug)).await? else {
                    return Err(Refusal::NotFound);
                };
                if current.revision != form.revision {
                    return Err(Refusal::conflict("body", SAVED_OVER)
                        .keeping("revision", current.revision));
                }
                // Pages say when they last changed; values and priorities keep it in
                // their revisions.
                let (updated_at, key_bind) = if kind == "page" {
                    (", updated_at = $6", "$5")
                } else {
                    ("", "$5")
                };
                let statement = format!(
                    "UPDATE {table} SET {title_column} = $1, {summary_column} = $2, body_md = $3, body_html = $4{updated_at}
                     WHERE {key_column} = {key_bind}"
                );
                let mut query = sqlx::query(&statement)
                .bind(&form.title)
                .bind(&form.summary)
                .bind(&form.body)
                .bind(&body_html)
                .bind(&slug);
                if kind == "page" {
                    query = query.bind(now());
                }
                query.execute(&mut *tx).await?;
            }
            record_revision(tx, kind, &slug, &form.title, &form.body, &form.note).await?;
            crate::db::mark_edited_in_browser(tx, kind, &slug).await?;
            Ok(Written::public(Change {
                action: if creating { "content.created" } else { "content.saved" },
                record_kind: kind,
                record_id: slug.clone(),
                before: String::new(),
                after: format!(
                    "{:?}, {} words{}",
                    form.title,
                    form.body.split_whitespace().count(),
                    if form.note.is_empty() { String::new() } else { format!(": {}", form.note) }
                ),
            })
            .to(to))
        })
        .await
}

/// The glossary as one text, a term a line.
pub async fn glossary(conn: &mut AnyConnection) -> Result<GlossaryEditor, sqlx::Error> {
    let terms: Vec<(String, String)> =
        sqlx::query_as("SELECT word, plain FROM glossary_terms ORDER BY word")
            .fetch_all(&mut *conn)
            .await?;
    let text: String = terms
        .iter()
        .map(|(word, plain)| format!("{word} = {plain}\n"))
        .collect();
    Ok(GlossaryEditor {
        revision: revision("glossary", "", &text),
        text,
    })
}

/// Reads `word = plainer words` lines; a mistake names its line.
fn parse_glossary(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut terms: Vec<(String, String)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((word, plain)) = line.split_once('=') else {
            return Err(format!(
                "Line {}: write the word, an equals sign, then the plainer words, like “utilise = use”",
                n + 1
            ));
        };
        let (word, plain) = (word.trim(), plain.trim());
        if word.is_empty() || plain.is_empty() {
            return Err(format!(
                "Line {}: both the word and the plainer words are needed",
                n + 1
            ));
        }
        if terms.iter().any(|(w, _)| w.eq_ignore_ascii_case(word)) {
            return Err(format!("Line {}: “{word}” is listed twice", n + 1));
        }
        terms.push((word.to_owned(), plain.to_owned()));
    }
    Ok(terms)
}

#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
#[garde(allow_unvalidated)]
pub struct GlossaryForm {
    #[serde(deserialize_with = "text_block")]
    text: String,
    #[serde(deserialize_with = "trimmed")]
    revision: String,
}

/// `POST /admin/glossary`.
pub async fn save_glossary(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let Posted {
        form, mut reply, ..
    } = read::<GlossaryForm>(request, "glossary", "/admin/glossary").await;
    let terms = match parse_glossary(&form.text) {
        Ok(terms) => terms,
        Err(message) => {
            reply.error("text", message);
            Vec::new()
        }
    };
    let reply = reply.mistakes(&state).await?;
    reply
        .write(&state, viewer.actor(), "glossary-saved", async |tx| {
            let current = glossary(tx).await?;
            if current.revision != form.revision {
                return Err(
                    Refusal::conflict("text", SAVED_OVER).keeping("revision", current.revision)
                );
            }
            sqlx::query("DELETE FROM glossary_terms")
                .execute(&mut *tx)
                .await?;
            for (word, plain) in &terms {
                sqlx::query("INSERT INTO glossary_terms (word, plain) VALUES ($1, $2)")
                    .bind(word)
                    .bind(plain)
                    .execute(&mut *tx)
                    .await?;
            }
            record_revision(tx, "glossary", "glossary", "Glossary", &form.text, "").await?;
            crate::db::mark_edited_in_browser(tx, "glossary", "glossary").await?;
            Ok(Written::private(Change {
                action: "glossary.saved",
                record_kind: "glossary",
                record_id: "glossary".to_owned(),
                before: format!("{} terms", current.text.lines().count()),
                after: format!("{} terms", terms.len()),
            }))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glossary_lines_are_read_and_mistakes_name_their_line() {
        assert_eq!(
            parse_glossary("utilise = use\n\nfacilitate = help\n"),
            Ok(vec![
                ("utilise".into(), "use".into()),
                ("facilitate".into(), "help".into())
            ])
        );
        assert!(parse_glossary("utilise use")
            .unwrap_err()
            .starts_with("Line 1:"));
        assert!(parse_glossary("a = b\nA = c")
            .unwrap_err()
            .contains("listed twice"));
    }
}
