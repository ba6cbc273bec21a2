//! Recommendations made and edited in the browser: `POST /admin/actions/new` adds one (with
//! its first history entry, "Raised"); `POST /admin/actions/{ref}/details` changes its
//! wording (the earlier wording is kept with a public reason) and details (values,
//! priorities, evidence).

use std::collections::BTreeMap;

use axum::extract::{Path, Request, State};
use serde::Deserialize;
use sqlx::{AnyConnection, AnyPool};

use super::{
    EarlierWording, NewRecommendation, RecommendationDetails, REASON_MAX, ROWS, SAID_MAX, TEAM_MAX,
    TITLE_MAX,
};
use crate::{
    accounts::SignedIn,
    audit::{self, Change},
    dates::{now, today},
    forms::{
        rules::{chars, text},
        ssr::{internal, read, text_block, trimmed, Answer, Posted, Refusal, Reply, Written},
        DateParts,
    },
    html::render_markdown,
    register::EvidenceLink,
    state::AppState,
};

async fn pairs(
    conn: &mut AnyConnection,
    table: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT slug, name FROM {table} ORDER BY position, slug"
    ))
    .fetch_all(&mut *conn)
    .await
}

/// The next free reference with `prefix`: one more than the highest number used.
async fn next_reference(
    conn: &mut AnyConnection,
    engagement_id: i64,
    prefix: &str,
) -> Result<String, sqlx::Error> {
    let highest: Option<i64> =
        sqlx::query_scalar("SELECT MAX(number) FROM recommendations WHERE engagement_id = $1")
            .bind(engagement_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(format!("{prefix}-{}", highest.unwrap_or(0) + 1))
}

/// What the new-recommendation form starts with, for engagement `key`; `None` when there
/// is no such engagement.
pub async fn new_form(
    conn: &mut AnyConnection,
    key: &str,
    from_comment: Option<i64>,
) -> Result<Option<NewRecommendation>, sqlx::Error> {
    let engagement: Option<(i64, String, String)> =
        sqlx::query_as("SELECT id, name, prefix FROM engagements WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((id, name, prefix)) = engagement else {
        return Ok(None);
    };
    let from_comment = match from_comment {
        None => None,
        Some(comment) => sqlx::query_as::<_, (i64, String, String)>(
            "SELECT c.id, c.body, v.title FROM policy_comments c JOIN policy_versions v ON v.id = c.version_id
             WHERE c.id = $1 AND c.hidden_reason IS NULL",
        )
        .bind(comment)
        .fetch_optional(&mut *conn)
        .await?,
    };
    Ok(Some(NewRecommendation {
        reference: next_reference(conn, id, &prefix).await?,
        engagement_key: key.to_owned(),
        engagement_name: name,
        prefix,
        values: pairs(conn, "core_values").await?,
        priorities: pairs(conn, "research_priorities").await?,
        from_comment,
        today: today(),
    }))
}

fn revision(
    title: &str,
    said: &str,
    values: &[String],
    priorities: &[String],
    evidence: &[EvidenceLink],
) -> String {
    use sha2::{Digest, Sha256};
    let text = format!("{title}\u{1f}{said}\u{1f}{values:?}\u{1f}{priorities:?}\u{1f}{evidence:?}");
    Sha256::digest(text.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn linked(
    conn: &mut AnyConnection,
    id: i64,
    table: &str,
    link: &str,
    column: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT t.slug FROM {link} l JOIN {table} t ON t.id = l.{column} WHERE l.recommendation_id = $1 ORDER BY t.position"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await
}

/// A recommendation's wording and details as staff edit them, read on `conn`.
pub async fn details(
    conn: &mut AnyConnection,
    reference: &str,
) -> Result<Option<RecommendationDetails>, sqlx::Error> {
    let row: Option<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, reference, title, what_you_said_md FROM recommendations WHERE reference = $1",
    )
    .bind(reference.to_uppercase())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, reference, title, what_you_said)) = row else {
        return Ok(None);
    };
    let values = linked(conn, id, "core_values", "recommendation_values", "value_id").await?;
    let priorities = linked(
        conn,
        id,
        "research_priorities",
        "recommendation_priorities",
        "priority_id",
    )
    .await?;
    let evidence: Vec<(String, String)> = sqlx::query_as(
        "SELECT title, url FROM evidence_links WHERE recommendation_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let evidence: Vec<EvidenceLink> = evidence
        .into_iter()
        .map(|(title, url)| EvidenceLink { title, url })
        .collect();
    Ok(Some(RecommendationDetails {
        revision: revision(&title, &what_you_said, &values, &priorities, &evidence),
        reference,
        title,
        what_you_said,
        values,
        priorities,
        evidence,
        all_values: pairs(conn, "core_values").await?,
        all_priorities: pairs(conn, "research_priorities").await?,
    }))
}

/// Word by word, from `before` to `after`: `(same|removed|added, text)`.
fn word_diff(before: &str, after: &str) -> Vec<(String, String)> {
    let diff = similar::TextDiff::from_words(before, after);
    diff.iter_all_changes()
        .map(|change| {
            let kind = match change.tag() {
                similar::ChangeTag::Equal => "same",
                similar::ChangeTag::Delete => "removed",
                similar::ChangeTag::Insert => "added",
            };
            (kind.to_owned(), change.value().to_owned())
        })
        .collect()
}

/// Every earlier wording of a recommendation, newest first, each with the changes from it
/// to the wording that replaced it.
pub async fn earlier_wordings(
    pool: &AnyPool,
    reference: &str,
) -> Result<Vec<EarlierWording>, sqlx::Error> {
    let current: Option<(String, String)> =
        sqlx::query_as("SELECT title, what_you_said_md FROM recommendations WHERE reference = $1")
            .bind(reference.to_uppercase())
            .fetch_optional(pool)
            .await?;
    let Some(current) = current else {
        return Ok(Vec::new());
    };
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT w.title, w.what_you_said_md, w.changed_on, w.reason FROM recommendation_wordings w
         JOIN recommendations r ON r.id = w.recommendation_id WHERE r.reference = $1 ORDER BY w.seq",
    )
    .bind(reference.to_uppercase())
    .fetch_all(pool)
    .await?;
    let mut next = current;
    let mut wordings = Vec::with_capacity(rows.len());
    for (title, said, changed_on, reason) in rows.into_iter().rev() {
        let diff = word_diff(
            &format!("{title}\n\n{said}"),
            &format!("{}\n\n{}", next.0, next.1),
        );
        wordings.push(EarlierWording {
            changed_on,
            reason,
            title: title.clone(),
            what_you_said: said.clone(),
            diff,
        });
        next = (title, said);
    }
    Ok(wordings)
}

/// Values and priorities chosen (checkboxes), and evidence rows `evidence-{n}-title` /
/// `evidence-{n}-url`.
#[derive(Debug, Default)]
struct Links {
    values: Vec<String>,
    priorities: Vec<String>,
    rows: BTreeMap<String, String>,
}

impl Links {
    fn posted<F>(posted: &Posted<F>) -> Self {
        Self {
            values: posted.all("values"),
            priorities: posted.all("priorities"),
            rows: posted.pairs.iter().cloned().collect(),
        }
    }
}

/// A link that can be followed: another website (`https://`, `http://`), or a page of
/// this one (`/reports/…`).
fn is_followable(url: &str) -> bool {
    let own_page = url.starts_with('/') && !url.starts_with("//");
    let web = (url.starts_with("https://") || url.starts_with("http://"))
        && url::Url::parse(url).is_ok_and(|u| u.host_str().is_some());
    (own_page || web) && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The chosen checkboxes, for the page shown again (joined with commas).
fn keep_choices(reply: &mut Reply, links: &Links) {
    reply.keep_value("values", links.values.join(","));
    reply.keep_value("priorities", links.priorities.join(","));
}

fn check_links(
    links: &Links,
    known_values: &[(String, String)],
    known_priorities: &[(String, String)],
    reply: &mut Reply,
) -> Vec<EvidenceLink> {
    for (field, chosen, known) in [
        ("values", &links.values, known_values),
        ("priorities", &links.priorities, known_priorities),
    ] {
        if let Some(unknown) = chosen
            .iter()
            .find(|c| !known.iter().any(|(slug, _)| slug == *c))
        {
            reply.error(field, format!("{unknown:?} is not one of the choices"));
        }
    }
    let mut evidence = Vec::new();
    for n in 0..ROWS {
        let title = links
            .rows
            .get(&format!("evidence-{n}-title"))
            .map_or("", |v| v.trim());
        let url = links
            .rows
            .get(&format!("evidence-{n}-url"))
            .map_or("", |v| v.trim());
        match (title.is_empty(), url.is_empty()) {
            (true, true) => {}
            (true, false) => reply.error(
                &format!("evidence-{n}-title"),
                "Enter the title of the evidence: what a reader will find there",
            ),
            (false, true) => reply.error(
                &format!("evidence-{n}-url"),
                format!("Enter the web address of “{title}”"),
            ),
            _ if !is_followable(url) => reply.error(
                &format!("evidence-{n}-url"),
                "Enter a full web address starting with https://, or a page of this site starting with /",
            ),
            _ if chars(title) > 200 || chars(url) > 2000 => reply.error(
                &format!("evidence-{n}-title"),
                "A title must be 200 characters or fewer, and an address 2,000",
            ),
            _ => evidence.push(EvidenceLink {
                title: title.to_owned(),
                url: url.to_owned(),
            }),
        }
    }
    evidence
}

async fn write_links(
    conn: &mut AnyConnection,
    id: i64,
    values: &[String],
    priorities: &[String],
    evidence: &[EvidenceLink],
) -> Result<(), sqlx::Error> {
    for table in [
        "recommendation_values",
        "recommendation_priorities",
        "evidence_links",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE recommendation_id = $1"))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    for (link, table, column, chosen) in [
        ("recommendation_values", "core_values", "value_id", values),
        (
            "recommendation_priorities",
            "research_priorities",
            "priority_id",
            priorities,
        ),
    ] {
        for slug in chosen {
            sqlx::query(&format!(
                "INSERT INTO {link} (recommendation_id, {column}) SELECT $1, id FROM {table} WHERE slug = $2"
            ))
            .bind(id)
            .bind(slug)
            .execute(&mut *conn)
            .await?;
        }
    }
    for (position, link) in evidence.iter().enumerate() {
        sqlx::query(
            "INSERT INTO evidence_links (recommendation_id, position, title, url) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(&link.title)
        .bind(&link.url)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The new-recommendation form as posted.
#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
#[garde(allow_unvalidated)]
pub struct NewForm {
    #[serde(deserialize_with = "trimmed")]
    engagement: String,
    #[serde(deserialize_with = "trimmed")]
    reference: String,
    #[garde(custom(text("Enter the recommendation's title", TITLE_MAX, "Title")))]
    #[serde(deserialize_with = "trimmed")]
    title: String,
    #[garde(custom(text(
        "Enter what people said: their recommendation in their words",
        SAID_MAX,
        "What people said"
    )))]
    #[serde(deserialize_with = "text_block")]
    what_you_said: String,
    #[serde(rename = "raised-day")]
    raised_day: String,
    #[serde(rename = "raised-month")]
    raised_month: String,
    #[serde(rename = "raised-year")]
    raised_year: String,
    #[garde(custom(text("Enter the team responsible", TEAM_MAX, "Team")))]
    #[serde(deserialize_with = "trimmed")]
    team: String,
    #[serde(rename = "target-day")]
    target_day: String,
    #[serde(rename = "target-month")]
    target_month: String,
    #[serde(rename = "target-year")]
    target_year: String,
    /// The policy comment it was made from, if any.
    #[serde(deserialize_with = "trimmed")]
    from_comment: String,
}

/// The first status of every recommendation, and the note of its first history entry.
const FIRST_NOTE: &str = "Raised";

/// `POST /admin/actions/new`.
pub async fn create(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let posted = read::<NewForm>(request, "recommendation", "/admin/actions/new").await;
    let links = Links::posted(&posted);
    let Posted {
        form, mut reply, ..
    } = posted;
    keep_choices(&mut reply, &links);
    reply.page = format!(
        "/admin/actions/new?engagement={}{}",
        crate::paths::encode_component(&form.engagement),
        if form.from_comment.is_empty() {
            String::new()
        } else {
            format!(
                "&from_comment={}",
                crate::paths::encode_component(&form.from_comment)
            )
        }
    );
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    let Some(start) = new_form(&mut conn, &form.engagement, None)
        .await
        .map_err(internal)?
    else {
        return Err(reply.not_found(&state).await);
    };
    drop(conn);
    let reference = form.reference.to_uppercase();
    let number = reference
        .strip_prefix(&format!("{}-", start.prefix))
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n > 0);
    if number.is_none() {
        reply.error(
            "reference",
            format!(
                "The reference must be {}- and a number, like {}",
                start.prefix, start.reference
            ),
        );
    }
    let raised = match DateParts::new(&form.raised_day, &form.raised_month, &form.raised_year)
        .required("Date raised")
    {
        Ok(day) if day > today() => {
            reply.error("raised", "Date raised must be today or in the past");
            None
        }
        Ok(day) => Some(day),
        Err((which, message)) => {
            reply.error(&which.field("raised"), message);
            None
        }
    };
    let target = match DateParts::new(&form.target_day, &form.target_month, &form.target_year)
        .parse("Target date")
    {
        Ok(day) => day,
        Err((which, message)) => {
            reply.error(&which.field("target"), message);
            None
        }
    };
    let evidence = check_links(&links, &start.values, &start.priorities, &mut reply);
    let from_comment: Option<i64> = form.from_comment.parse().ok();
    reply.order_errors(&[
        "reference",
        "title",
        "what_you_said",
        "raised",
        "values",
        "priorities",
        "team",
        "target",
        "evidence",
    ]);
    let reply = reply.mistakes(&state).await?;
    let (Some(number), Some(raised)) = (number, raised) else {
        return Err(internal(crate::error::AppError::Internal));
    };
    let to = format!("/actions/{reference}");
    let site = state.site.clone();
    reply
        .write(&state, viewer.actor(), "recommendation-added", async |tx| {
            let taken: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM recommendations WHERE reference = $1")
                    .bind(&reference)
                    .fetch_one(&mut *tx)
                    .await?;
            if taken > 0 {
                let engagement_id: i64 =
                    sqlx::query_scalar("SELECT id FROM engagements WHERE key = $1")
                        .bind(&form.engagement)
                        .fetch_one(&mut *tx)
                        .await?;
                let next = next_reference(tx, engagement_id, &start.prefix).await?;
                return Err(Refusal::conflict(
                    "reference",
                    format!("{reference} is already taken. The next free reference is {next}"),
                )
                .keeping("reference", next));
            }
            let first_status: String =
                sqlx::query_scalar("SELECT key FROM statuses ORDER BY position LIMIT 1")
                    .fetch_one(&mut *tx)
                    .await?;
            let at = now();
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO recommendations (reference, engagement_id, number, title, summary,
                     what_you_said_md, what_you_said_html, what_we_did_md, what_we_did_html, raised,
                     status_key, team, target, progress, status_changed, created_at, updated_at,
                     synced_hash, source_comment_id)
                 VALUES ($1, (SELECT id FROM engagements WHERE key = $2), $3, $4, $5, $6, $7, $8, $9,
                         $10, $11, $12, $13, NULL, $10, $14, $14, '', $15)
                 RETURNING id",
            )
            .bind(&reference)
            .bind(&form.engagement)
            .bind(number)
            .bind(&form.title)
            .bind("We have received this recommendation and are working out how to act on it.")
            .bind(&form.what_you_said)
            .bind(render_markdown(&form.what_you_said).into_inner())
            .bind("We will say here what we do about this recommendation.")
            .bind(render_markdown("We will say here what we do about this recommendation.").into_inner())
            .bind(&raised)
            .bind(&first_status)
            .bind(&form.team)
            .bind(target.clone())
            .bind(&at)
            .bind(from_comment)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO status_changes (recommendation_id, seq, changed_on, from_status, to_status, note, team, recorded_at)
                 VALUES ($1, 1, $2, NULL, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(&raised)
            .bind(&first_status)
            .bind(format!("{FIRST_NOTE} at {}.", start.engagement_name))
            .bind(&form.team)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
            write_links(tx, id, &links.values, &links.priorities, &evidence).await?;
            let message = crate::mail::Message {
                kind: "register.added",
                subject: format!("A new recommendation: {reference}"),
                paragraphs: vec![
                    format!("{reference}: {}", form.title),
                    format!("Made at {}. What people said:", start.engagement_name),
                    form.what_you_said.clone(),
                ],
                action: Some((
                    format!("See {reference}"),
                    format!("{}/actions/{reference}", site.public_url.trim_end_matches('/')),
                )),
            };
            let topics = [format!("engagement:{}", form.engagement), "register".to_owned()];
            crate::mail::send_to_topics(tx, &message, &topics).await?;
            Ok(Written::public(Change {
                action: "recommendation.created",
                record_kind: "recommendation",
                record_id: reference.clone(),
                before: String::new(),
                after: format!(
                    "{:?}, raised {raised}{}",
                    form.title,
                    from_comment.map(|c| format!(", from policy comment {c}")).unwrap_or_default()
                ),
            })
            .to(to))
        })
        .await
}

/// The wording-and-details form as posted.
#[derive(Debug, Default, Deserialize, garde::Validate)]
#[serde(default)]
#[garde(allow_unvalidated)]
pub struct DetailsForm {
    #[garde(custom(text("Enter the recommendation's title", TITLE_MAX, "Title")))]
    #[serde(deserialize_with = "trimmed")]
    title: String,
    #[garde(custom(text(
        "Enter what people said: their recommendation in their words",
        SAID_MAX,
        "What people said"
    )))]
    #[serde(deserialize_with = "text_block")]
    what_you_said: String,
    /// Why the wording changed: shown on the public page beside the earlier wording.
    #[serde(deserialize_with = "trimmed")]
    reason: String,
    #[serde(deserialize_with = "trimmed")]
    revision: String,
}

const SAVED_OVER: &str = "Someone else changed this recommendation while you were editing. Your changes are kept here; check the public page for theirs, then save again.";

/// `POST /admin/actions/{ref}/details`.
pub async fn save_details(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    SignedIn(viewer): SignedIn,
    request: Request,
) -> Answer {
    let page = format!("/admin/actions/{}/details", reference.to_uppercase());
    let posted = read::<DetailsForm>(request, "details", page).await;
    let links = Links::posted(&posted);
    let Posted {
        form, mut reply, ..
    } = posted;
    keep_choices(&mut reply, &links);
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    let Some(current) = details(&mut conn, &reference).await.map_err(internal)? else {
        return Err(reply.not_found(&state).await);
    };
    drop(conn);
    let rewords = form.title != current.title || form.what_you_said != current.what_you_said;
    if rewords && form.reason.is_empty() {
        reply.error(
            "reason",
            "Say why the wording changes: readers see the reason beside the earlier wording",
        );
    } else if chars(&form.reason) > REASON_MAX {
        reply.error(
            "reason",
            format!("Reason must be {REASON_MAX} characters or fewer"),
        );
    }
    let evidence = check_links(
        &links,
        &current.all_values,
        &current.all_priorities,
        &mut reply,
    );
    let reply = reply.mistakes(&state).await?;
    let to = format!("/actions/{}", current.reference);
    let site = state.site.clone();
    reply
        .write(&state, viewer.actor(), "details-saved", async |tx| {
            let Some(now_stored) = details(tx, &reference).await? else {
                return Err(Refusal::NotFound);
            };
            if now_stored.revision != form.revision {
                return Err(Refusal::conflict("title", SAVED_OVER)
                    .keeping("revision", now_stored.revision));
            }
            let (id, seq): (i64, i64) = sqlx::query_as(
                "SELECT r.id, (SELECT COALESCE(MAX(seq), 0) FROM recommendation_wordings WHERE recommendation_id = r.id)
                 FROM recommendations r WHERE r.reference = $1",
            )
            .bind(&now_stored.reference)
            .fetch_one(&mut *tx)
            .await?;
            let at = now();
            if rewords {
                sqlx::query(
                    "INSERT INTO recommendation_wordings (recommendation_id, seq, title, what_you_said_md, changed_on, reason, recorded_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id)
                .bind(seq + 1)
                .bind(&now_stored.title)
                .bind(&now_stored.what_you_said)
                .bind(today())
                .bind(&form.reason)
                .bind(&at)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE recommendations SET title = $1, what_you_said_md = $2, what_you_said_html = $3, updated_at = $4
                     WHERE id = $5",
                )
                .bind(&form.title)
                .bind(&form.what_you_said)
                .bind(render_markdown(&form.what_you_said).into_inner())
                .bind(&at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                let entry = Change {
                    action: "recommendation.reworded",
                    record_kind: "recommendation",
                    record_id: now_stored.reference.clone(),
                    before: format!("{:?}", now_stored.title),
                    after: format!("{:?}; reason: {}", form.title, form.reason),
                };
                audit::record(tx, viewer.actor(), &entry).await?;
                crate::register::notices::recommendation_changed(
                    tx,
                    &site,
                    &now_stored.reference,
                    format!("The wording of {} has changed", now_stored.reference),
                    vec![
                        format!("Now: {}", form.title),
                        format!("Before: {}", now_stored.title),
                        format!("Why: {}", form.reason),
                    ],
                )
                .await?;
            }
            write_links(tx, id, &links.values, &links.priorities, &evidence).await?;
            Ok(Written::public(Change {
                action: "recommendation.details-changed",
                record_kind: "recommendation",
                record_id: now_stored.reference.clone(),
                before: format!(
                    "values {:?}, priorities {:?}, {} evidence links",
                    now_stored.values,
                    now_stored.priorities,
                    now_stored.evidence.len()
                ),
                after: format!(
                    "values {:?}, priorities {:?}, {} evidence links",
                    links.values,
                    links.priorities,
                    evidence.len()
                ),
            })
            .to(to))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_must_be_a_followable_address() {
        assert!(is_followable("https://www.nhs.uk/your-nhs-data-matters/"));
        assert!(is_followable("/reports/public-panel-report"));
        assert!(!is_followable("//evil.example"));
        assert!(!is_followable("javascript:alert(1)"));
        assert!(!is_followable("https://"));
        assert!(!is_followable("www.example.org"));
    }

    #[test]
    fn the_diff_marks_words_removed_and_added() {
        let diff = word_diff("a fair share", "a fairer share");
        assert!(diff.contains(&("removed".into(), "fair".into())));
        assert!(diff.contains(&("added".into(), "fairer".into())));
    }
}
