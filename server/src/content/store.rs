//! SQL for importing and exporting content/: loads every record in a handful of queries
//! and writes inside the caller's transaction.

use std::collections::HashMap;

use sqlx::AnyConnection;

use super::files::*;
use app::html::render_markdown;

pub async fn upsert_setting(
    conn: &mut AnyConnection,
    key: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO site_settings (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn settings(conn: &mut AnyConnection) -> Result<HashMap<String, String>, sqlx::Error> {
    Ok(
        sqlx::query_as::<_, (String, String)>("SELECT key, value FROM site_settings")
            .fetch_all(conn)
            .await?
            .into_iter()
            .collect(),
    )
}

pub async fn upsert_status(
    conn: &mut AnyConnection,
    status: &StatusEntry,
    position: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO statuses (key, name, description, closed, progress, position)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (key) DO UPDATE SET name = excluded.name, description = excluded.description,
             closed = excluded.closed, progress = excluded.progress, position = excluded.position",
    )
    .bind(&status.key)
    .bind(&status.name)
    .bind(&status.description)
    .bind(i64::from(status.closed))
    .bind(status.progress)
    .bind(position)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn statuses(conn: &mut AnyConnection) -> Result<Vec<StatusEntry>, sqlx::Error> {
    let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT key, name, description, closed, progress FROM statuses ORDER BY position",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key, name, description, closed, progress)| StatusEntry {
            key,
            name,
            description,
            closed: closed == 1,
            progress,
        })
        .collect())
}

pub async fn upsert_engagement(
    conn: &mut AnyConnection,
    doc: &Document<EngagementFile>,
) -> Result<(), sqlx::Error> {
    let e = &doc.meta;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO engagements (key, prefix, name, kind, started, ended, summary, body_md, body_html, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (key) DO UPDATE SET prefix = excluded.prefix, name = excluded.name,
             kind = excluded.kind, started = excluded.started, ended = excluded.ended,
             summary = excluded.summary, body_md = excluded.body_md,
             body_html = excluded.body_html, position = excluded.position
         RETURNING id",
    )
    .bind(&e.key)
    .bind(&e.prefix)
    .bind(&e.name)
    .bind(&e.kind)
    .bind(&e.started.0)
    .bind(e.ended.as_ref().map(|d| d.0.clone()))
    .bind(&e.summary)
    .bind(&doc.body)
    .bind(render_markdown(&doc.body).into_inner())
    .bind(e.order)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM engagement_figures WHERE engagement_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (position, figure) in e.figures.iter().enumerate() {
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

pub async fn engagements(
    conn: &mut AnyConnection,
) -> Result<Vec<Document<EngagementFile>>, sqlx::Error> {
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, key, prefix, name, kind, started, ended, summary, body_md, position
         FROM engagements ORDER BY position, key",
    )
    .fetch_all(&mut *conn)
    .await?;
    let figures: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT engagement_id, value, label FROM engagement_figures ORDER BY engagement_id, position",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut by_id: HashMap<i64, Vec<FigureEntry>> = HashMap::new();
    for (id, value, label) in figures {
        by_id
            .entry(id)
            .or_default()
            .push(FigureEntry { value, label });
    }
    Ok(rows
        .into_iter()
        .map(
            |(id, key, prefix, name, kind, started, ended, summary, body, order)| Document {
                meta: EngagementFile {
                    key,
                    prefix,
                    name,
                    kind,
                    started: Day(started),
                    ended: ended.map(Day),
                    summary,
                    order,
                    figures: by_id.remove(&id).unwrap_or_default(),
                },
                body,
            },
        )
        .collect())
}

/// `core_values` or `research_priorities`.
pub async fn upsert_term(
    conn: &mut AnyConnection,
    table: &str,
    doc: &Document<TermFile>,
) -> Result<(), sqlx::Error> {
    let t = &doc.meta;
    sqlx::query(&format!(
        "INSERT INTO {table} (slug, name, statement, body_md, body_html, position)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, statement = excluded.statement,
             body_md = excluded.body_md, body_html = excluded.body_html, position = excluded.position"
    ))
    .bind(&t.slug)
    .bind(&t.name)
    .bind(&t.statement)
    .bind(&doc.body)
    .bind(render_markdown(&doc.body).into_inner())
    .bind(t.order)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn terms(
    conn: &mut AnyConnection,
    table: &str,
) -> Result<Vec<Document<TermFile>>, sqlx::Error> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(&format!(
        "SELECT slug, name, statement, body_md, position FROM {table} ORDER BY position, slug"
    ))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(slug, name, statement, body, order)| Document {
            meta: TermFile {
                slug,
                name,
                statement,
                order,
            },
            body,
        })
        .collect())
}

pub async fn pages(
    conn: &mut AnyConnection,
) -> Result<Vec<(String, Document<PageFile>)>, sqlx::Error> {
    let rows: Vec<(String, String, String, String, String)> =
        sqlx::query_as("SELECT slug, title, summary, body_md, updated_at FROM pages ORDER BY slug")
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(slug, title, summary, body, updated_at)| {
            (
                slug,
                Document {
                    meta: PageFile {
                        title,
                        summary,
                        updated: Day::parse(updated_at.get(..10).unwrap_or_default()),
                    },
                    body,
                },
            )
        })
        .collect())
}

/// Every recommendation as its content file, keyed by reference, with the fingerprint it
/// was last synced at.
pub async fn recommendations(
    conn: &mut AnyConnection,
) -> Result<Vec<(Document<RecommendationFile>, String)>, sqlx::Error> {
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<i64>,
        String,
        String,
        String,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.id, r.reference, r.title, e.key, r.raised, r.team, r.status_key, r.summary,
                r.target, r.progress, r.what_you_said_md, r.what_we_did_md, r.synced_hash
         FROM recommendations r JOIN engagements e ON e.id = r.engagement_id
         ORDER BY e.position, r.number",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut values = app::register::ssr::group_pairs(
        sqlx::query_as(
            "SELECT l.recommendation_id, t.slug FROM recommendation_values l
         JOIN core_values t ON t.id = l.value_id ORDER BY l.recommendation_id, t.position, t.slug",
        )
        .fetch_all(&mut *conn)
        .await?,
    );
    let mut priorities = app::register::ssr::group_pairs(sqlx::query_as(
        "SELECT l.recommendation_id, t.slug FROM recommendation_priorities l
         JOIN research_priorities t ON t.id = l.priority_id ORDER BY l.recommendation_id, t.position, t.slug",
    )
    .fetch_all(&mut *conn)
    .await?);
    let mut reports = app::register::ssr::group_pairs(sqlx::query_as(
        "SELECT recommendation_id, report_slug FROM recommendation_reports ORDER BY recommendation_id, report_slug",
    )
    .fetch_all(&mut *conn)
    .await?);
    let evidence_rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT recommendation_id, title, url FROM evidence_links ORDER BY recommendation_id, position",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut evidence: HashMap<i64, Vec<EvidenceEntry>> = HashMap::new();
    for (id, title, url) in evidence_rows {
        evidence
            .entry(id)
            .or_default()
            .push(EvidenceEntry { title, url });
    }
    type HistoryRow = (i64, String, Option<String>, String, String, String);
    let history_rows: Vec<HistoryRow> = sqlx::query_as(
        "SELECT recommendation_id, changed_on, from_status, to_status, note, team
         FROM status_changes ORDER BY recommendation_id, seq",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut history: HashMap<i64, Vec<HistoryEntry>> = HashMap::new();
    for (id, date, from, to, note, team) in history_rows {
        history.entry(id).or_default().push(HistoryEntry {
            date: Day(date),
            from,
            to,
            note,
            team,
        });
    }
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                reference,
                title,
                engagement,
                raised,
                team,
                status,
                summary,
                target,
                progress,
                said,
                did,
                hash,
            )| {
                let meta = RecommendationFile {
                    reference,
                    title,
                    engagement,
                    raised: Day(raised),
                    values: values.remove(&id).unwrap_or_default(),
                    priorities: priorities.remove(&id).unwrap_or_default(),
                    team,
                    target: target.map(Day),
                    progress,
                    status,
                    summary,
                    what_you_said: said,
                    reports: reports.remove(&id).unwrap_or_default(),
                    evidence: evidence.remove(&id).unwrap_or_default(),
                    history: history.remove(&id).unwrap_or_default(),
                };
                (Document { meta, body: did }, hash)
            },
        )
        .collect())
}

/// Inserts or replaces a recommendation's fields and links, and appends the history
/// entries from `first_new_seq` on. Earlier history is never touched.
pub async fn write_recommendation(
    conn: &mut AnyConnection,
    doc: &Document<RecommendationFile>,
    number: i64,
    fingerprint: &str,
    first_new_seq: usize,
    now: &str,
) -> Result<(), sqlx::Error> {
    let r = &doc.meta;
    let status_changed = r
        .history
        .last()
        .map(|h| h.date.0.clone())
        .unwrap_or_else(|| r.raised.0.clone());
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO recommendations (reference, engagement_id, number, title, summary,
             what_you_said_md, what_you_said_html, what_we_did_md, what_we_did_html, raised,
             status_key, team, target, progress, status_changed, created_at, updated_at, synced_hash)
         VALUES ($1, (SELECT id FROM engagements WHERE key = $2), $3, $4, $5, $6, $7, $8, $9, $10,
                 $11, $12, $13, $14, $15, $16, $16, $17)
         ON CONFLICT (reference) DO UPDATE SET engagement_id = excluded.engagement_id,
             number = excluded.number, title = excluded.title, summary = excluded.summary,
             what_you_said_md = excluded.what_you_said_md, what_you_said_html = excluded.what_you_said_html,
             what_we_did_md = excluded.what_we_did_md, what_we_did_html = excluded.what_we_did_html,
             raised = excluded.raised, status_key = excluded.status_key, team = excluded.team,
             target = excluded.target, progress = excluded.progress,
             status_changed = excluded.status_changed, updated_at = excluded.updated_at,
             synced_hash = excluded.synced_hash
         RETURNING id",
    )
    .bind(&r.reference)
    .bind(&r.engagement)
    .bind(number)
    .bind(&r.title)
    .bind(&r.summary)
    .bind(&r.what_you_said)
    .bind(render_markdown(&r.what_you_said).into_inner())
    .bind(&doc.body)
    .bind(render_markdown(&doc.body).into_inner())
    .bind(&r.raised.0)
    .bind(&r.status)
    .bind(&r.team)
    .bind(r.target.as_ref().map(|d| d.0.clone()))
    .bind(r.progress)
    .bind(status_changed)
    .bind(now)
    .bind(fingerprint)
    .fetch_one(&mut *conn)
    .await?;

    for table in [
        "recommendation_values",
        "recommendation_priorities",
        "evidence_links",
        "recommendation_reports",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE recommendation_id = $1"))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    for slug in &r.values {
        sqlx::query(
            "INSERT INTO recommendation_values (recommendation_id, value_id)
             SELECT $1, id FROM core_values WHERE slug = $2",
        )
        .bind(id)
        .bind(slug)
        .execute(&mut *conn)
        .await?;
    }
    for slug in &r.priorities {
        sqlx::query(
            "INSERT INTO recommendation_priorities (recommendation_id, priority_id)
             SELECT $1, id FROM research_priorities WHERE slug = $2",
        )
        .bind(id)
        .bind(slug)
        .execute(&mut *conn)
        .await?;
    }
    for (position, link) in r.evidence.iter().enumerate() {
        sqlx::query("INSERT INTO evidence_links (recommendation_id, position, title, url) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(position as i64)
            .bind(&link.title)
            .bind(&link.url)
            .execute(&mut *conn)
            .await?;
    }
    for slug in &r.reports {
        sqlx::query(
            "INSERT INTO recommendation_reports (recommendation_id, report_slug) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(slug)
        .execute(&mut *conn)
        .await?;
    }
    for (index, entry) in r.history.iter().enumerate().skip(first_new_seq) {
        append_status_change(conn, id, index as i64 + 1, entry, now).await?;
    }
    Ok(())
}

pub async fn append_status_change(
    conn: &mut AnyConnection,
    recommendation_id: i64,
    seq: i64,
    entry: &HistoryEntry,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO status_changes (recommendation_id, seq, changed_on, from_status, to_status, note, team, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(recommendation_id)
    .bind(seq)
    .bind(&entry.date.0)
    .bind(entry.from.clone())
    .bind(&entry.to)
    .bind(&entry.note)
    .bind(&entry.team)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_synced_hash(
    conn: &mut AnyConnection,
    reference: &str,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE recommendations SET synced_hash = $1 WHERE reference = $2")
        .bind(hash)
        .bind(reference)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn replace_glossary(
    conn: &mut AnyConnection,
    terms: &[GlossaryEntry],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM glossary_terms")
        .execute(&mut *conn)
        .await?;
    for term in terms {
        sqlx::query("INSERT INTO glossary_terms (word, plain) VALUES ($1, $2)")
            .bind(term.word.trim())
            .bind(term.plain.trim())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn glossary(conn: &mut AnyConnection) -> Result<Vec<GlossaryEntry>, sqlx::Error> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT word, plain FROM glossary_terms ORDER BY word")
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(word, plain)| GlossaryEntry { word, plain })
        .collect())
}

/// Dates a page whose file changed only its `updated` date: the day it last changed, as
/// the file says. A page already dated that day (to the minute, by a browser edit) is left.
pub async fn set_page_date(
    conn: &mut AnyConnection,
    slug: &str,
    day: &Day,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE pages SET updated_at = $1 WHERE slug = $2 AND substr(updated_at, 1, 10) <> $3",
    )
    .bind(format!("{day}T00:00:00Z"))
    .bind(slug)
    .bind(&day.0)
    .execute(conn)
    .await?;
    Ok(())
}
