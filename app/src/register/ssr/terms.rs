//! Core values, research priorities and engagement rounds, with their recommendations'
//! progress.

use std::collections::HashMap;

use sqlx::{AnyPool, FromRow};

use super::*;

fn term_table(kind: TermKind) -> &'static str {
    match kind {
        TermKind::Value => "core_values",
        TermKind::Priority => "research_priorities",
    }
}

pub async fn licence_term_list(
    pool: &AnyPool,
    kind: TermKind,
) -> Result<LicenceTermList, sqlx::Error> {
    let terms: Vec<(String, String, String)> = sqlx::query_as(&format!(
        "SELECT slug, name, statement FROM {} ORDER BY position",
        term_table(kind)
    ))
    .fetch_all(pool)
    .await?;
    let statuses = statuses(pool).await?;
    let mut out = Vec::with_capacity(terms.len());
    let mut all_counts = term_status_counts(pool, kind).await?;
    for (slug, name, statement) in terms {
        let counts = all_counts.remove(&slug).unwrap_or_default();
        let counts = counted(&statuses, &counts);
        out.push((
            LicenceTerm {
                slug,
                name,
                statement,
            },
            counts,
        ));
    }
    Ok(LicenceTermList { terms: out })
}

/// slug → status → count, in one query.
async fn term_status_counts(
    pool: &AnyPool,
    kind: TermKind,
) -> Result<HashMap<String, HashMap<String, i64>>, sqlx::Error> {
    let (table, link, column) = match kind {
        TermKind::Value => ("core_values", "recommendation_values", "value_id"),
        TermKind::Priority => (
            "research_priorities",
            "recommendation_priorities",
            "priority_id",
        ),
    };
    let rows: Vec<(String, String, i64)> = sqlx::query_as(&format!(
        "SELECT t.slug, r.status_key, COUNT(*) FROM {table} t
         JOIN {link} l ON l.{column} = t.id
         JOIN recommendations r ON r.id = l.recommendation_id
         GROUP BY t.slug, r.status_key"
    ))
    .fetch_all(pool)
    .await?;
    let mut map: HashMap<String, HashMap<String, i64>> = HashMap::new();
    for (slug, status, count) in rows {
        map.entry(slug).or_default().insert(status, count);
    }
    Ok(map)
}

pub async fn licence_term_page(
    pool: &AnyPool,
    kind: TermKind,
    slug: &str,
) -> Result<Option<LicenceTermPage>, AppError> {
    let found: Option<(String, String, String, String)> = sqlx::query_as(&format!(
        "SELECT slug, name, statement, body_html FROM {} WHERE slug = $1",
        term_table(kind)
    ))
    .bind(slug)
    .fetch_optional(pool)
    .await?;
    let Some((slug, name, statement, body_html)) = found else {
        return Ok(None);
    };
    let mut query = RegisterQuery {
        page: 1,
        ..Default::default()
    };
    match kind {
        TermKind::Value => query.value.push(slug.clone()),
        TermKind::Priority => query.priority.push(slug.clone()),
    }
    let statuses = statuses(pool).await?;
    Ok(Some(LicenceTermPage {
        term: LicenceTerm {
            slug,
            name,
            statement,
        },
        body: SanitizedHtml::from_trusted_store(body_html),
        status_counts: filtered_status_counts(pool, &query, &statuses).await?,
        recommendations: all_rows(pool, &query).await?,
    }))
}

#[derive(FromRow)]
struct EngagementRecord {
    id: i64,
    key: String,
    prefix: String,
    name: String,
    kind: String,
    started: String,
    ended: Option<String>,
    summary: String,
    body_html: String,
    recommendation_count: i64,
}

pub async fn engagement_summaries(pool: &AnyPool) -> Result<Vec<EngagementSummary>, sqlx::Error> {
    let records: Vec<EngagementRecord> = sqlx::query_as(
        "SELECT e.id, e.key, e.prefix, e.name, e.kind, e.started, e.ended, e.summary, e.body_html,
                (SELECT COUNT(*) FROM recommendations r WHERE r.engagement_id = e.id) AS recommendation_count
         FROM engagements e ORDER BY e.position",
    )
    .fetch_all(pool)
    .await?;
    let figures: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT engagement_id, value, label FROM engagement_figures ORDER BY engagement_id, position",
    )
    .fetch_all(pool)
    .await?;
    let mut by_engagement: HashMap<i64, Vec<Figure>> = HashMap::new();
    for (id, value, label) in figures {
        by_engagement
            .entry(id)
            .or_default()
            .push(Figure { value, label });
    }
    Ok(records
        .into_iter()
        .map(|e| EngagementSummary {
            figures: by_engagement.remove(&e.id).unwrap_or_default(),
            key: e.key,
            prefix: e.prefix,
            name: e.name,
            kind: e.kind,
            started: e.started,
            ended: e.ended,
            summary: e.summary,
            body: SanitizedHtml::from_trusted_store(e.body_html),
            recommendation_count: e.recommendation_count,
        })
        .collect())
}

pub async fn engagement_progress(pool: &AnyPool) -> Result<Vec<EngagementProgress>, AppError> {
    let statuses = statuses(pool).await?;
    let mut out = Vec::new();
    for engagement in engagement_summaries(pool).await? {
        if engagement.recommendation_count == 0 {
            continue;
        }
        let query = RegisterQuery {
            engagement: vec![engagement.key.clone()],
            page: 1,
            ..Default::default()
        };
        out.push(EngagementProgress {
            status_counts: filtered_status_counts(pool, &query, &statuses).await?,
            recent: latest_changes(pool, ChangeScope::Engagement(&engagement.key), 3).await?,
            engagement,
        });
    }
    Ok(out)
}
