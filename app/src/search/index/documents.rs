//! Everything public, read from the database for the index (a fixed number of queries).

use std::collections::HashMap;

use sqlx::AnyPool;

use super::SearchDocument;
use crate::html::markdown_to_text;

/// A recommendation as the index reads it.
#[derive(sqlx::FromRow)]
struct RecommendationRow {
    id: i64,
    reference: String,
    title: String,
    summary: String,
    said: String,
    did: String,
    status_key: String,
    status_name: String,
    engagement: String,
    engagement_name: String,
    date: String,
}

/// Every public document, for a full rebuild.
pub async fn load(pool: &AnyPool) -> Result<Vec<SearchDocument>, sqlx::Error> {
    let mut documents = Vec::new();
    let names = |table: &str, link: &str, column: &str| {
        format!(
            "SELECT l.recommendation_id, t.name FROM {link} l JOIN {table} t ON t.id = l.{column}"
        )
    };
    let mut linked: HashMap<i64, Vec<String>> = HashMap::new();
    for query in [
        names("core_values", "recommendation_values", "value_id"),
        names(
            "research_priorities",
            "recommendation_priorities",
            "priority_id",
        ),
    ] {
        for (id, name) in sqlx::query_as::<_, (i64, String)>(&query)
            .fetch_all(pool)
            .await?
        {
            linked.entry(id).or_default().push(name);
        }
    }
    let rows: Vec<RecommendationRow> = sqlx::query_as(
        "SELECT r.id, r.reference, r.title, r.summary, r.what_you_said_md AS said,
                r.what_we_did_md AS did, r.status_key, s.name AS status_name,
                e.key AS engagement, e.name AS engagement_name, r.status_changed AS date
         FROM recommendations r JOIN statuses s ON s.key = r.status_key
         JOIN engagements e ON e.id = r.engagement_id",
    )
    .fetch_all(pool)
    .await?;
    for RecommendationRow {
        id,
        reference,
        title,
        summary,
        said,
        did,
        status_key,
        status_name,
        engagement,
        engagement_name,
        date,
    } in rows
    {
        let links = linked.remove(&id).unwrap_or_default().join(" ");
        documents.push(SearchDocument {
            id: format!("recommendation:{reference}"),
            kind: "recommendation",
            title: format!("{reference}: {title}"),
            url: format!("/actions/{reference}"),
            reference: Some(reference),
            summary,
            body: format!(
                "{} {} {status_name} {engagement_name} {links}",
                markdown_to_text(&said),
                markdown_to_text(&did)
            ),
            status: Some((status_key, status_name)),
            engagement: Some(engagement),
            date: Some(date),
        });
    }
    for (kind, table, path) in [
        ("value", "core_values", "/values"),
        ("priority", "research_priorities", "/priorities"),
    ] {
        let terms: Vec<(String, String, String, String)> = sqlx::query_as(&format!(
            "SELECT slug, name, statement, body_md FROM {table}"
        ))
        .fetch_all(pool)
        .await?;
        for (slug, name, statement, body) in terms {
            documents.push(SearchDocument {
                id: format!("{kind}:{slug}"),
                kind,
                reference: None,
                title: name,
                summary: statement,
                body: markdown_to_text(&body),
                url: format!("{path}/{slug}"),
                status: None,
                engagement: None,
                date: None,
            });
        }
    }
    let reports: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT slug, title, summary, body_md, report_date FROM reports WHERE state = 'published'",
    )
    .fetch_all(pool)
    .await?;
    for (slug, title, summary, body, date) in reports {
        documents.push(SearchDocument {
            id: format!("report:{slug}"),
            kind: "report",
            reference: None,
            title,
            summary,
            body: markdown_to_text(&body),
            url: format!("/reports/{slug}"),
            status: None,
            engagement: None,
            date: Some(date),
        });
    }
    for (slug, title, summary, date, text) in crate::policies::ssr::searchable(pool).await? {
        documents.push(SearchDocument {
            id: format!("policy:{slug}"),
            kind: "policy",
            reference: None,
            title,
            summary,
            body: text,
            url: format!("/policies/{slug}"),
            status: None,
            engagement: None,
            date: Some(date),
        });
    }
    let engagements: Vec<(String, String, String, String, String)> =
        sqlx::query_as("SELECT key, name, summary, body_md, started FROM engagements")
            .fetch_all(pool)
            .await?;
    for (key, name, summary, body, started) in engagements {
        documents.push(SearchDocument {
            id: format!("engagement:{key}"),
            kind: "engagement",
            reference: None,
            title: name,
            summary,
            body: markdown_to_text(&body),
            url: format!("/engagement#{key}"),
            status: None,
            engagement: Some(key),
            date: Some(started),
        });
    }
    Ok(documents)
}

/// Display names for facet values: `status:<key>` and `engagement:<key>`.
pub async fn labels(pool: &AnyPool) -> Result<HashMap<String, String>, sqlx::Error> {
    let mut labels = HashMap::new();
    for (prefix, query) in [
        ("status", "SELECT key, name FROM statuses"),
        ("engagement", "SELECT key, name FROM engagements"),
    ] {
        for (key, name) in sqlx::query_as::<_, (String, String)>(query)
            .fetch_all(pool)
            .await?
        {
            labels.insert(format!("{prefix}:{key}"), name);
        }
    }
    Ok(labels)
}
