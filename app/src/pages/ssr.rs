//! Data access for the fixed pages.

use sqlx::{AnyPool, FromRow};

use super::StaticPage;
use crate::html::SanitizedHtml;

#[derive(FromRow)]
struct PageRow {
    slug: String,
    title: String,
    summary: String,
    body_html: String,
    updated_at: String,
}

pub async fn static_page(pool: &AnyPool, slug: &str) -> Result<Option<StaticPage>, sqlx::Error> {
    let row: Option<PageRow> = sqlx::query_as(
        "SELECT slug, title, summary, body_html, updated_at FROM pages WHERE slug = $1",
    )
    .bind(slug)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| StaticPage {
        slug: row.slug,
        title: row.title,
        summary: row.summary,
        body: SanitizedHtml::from_trusted_store(row.body_html),
        updated_on: crate::dates::display_date(
            &row.updated_at.chars().take(10).collect::<String>(),
        ),
    }))
}

/// Upserts a page imported from `content/pages/`.
pub async fn upsert_page(
    conn: &mut sqlx::AnyConnection,
    slug: &str,
    title: &str,
    summary: &str,
    body_md: &str,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let body_html = crate::html::render_markdown(body_md).into_inner();
    let result = sqlx::query(
        "INSERT INTO pages (slug, title, summary, body_md, body_html, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (slug) DO UPDATE SET
             title = excluded.title, summary = excluded.summary, body_md = excluded.body_md,
             body_html = excluded.body_html, updated_at = excluded.updated_at
         WHERE pages.title <> excluded.title OR pages.summary <> excluded.summary
             OR pages.body_md <> excluded.body_md",
    )
    .bind(slug)
    .bind(title)
    .bind(summary)
    .bind(body_md)
    .bind(body_html)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(result.rows_affected() > 0)
}

/// How many values, priorities and recommendations the social licence has.
pub async fn social_licence_counts(pool: &AnyPool) -> Result<(i64, i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM core_values), (SELECT COUNT(*) FROM research_priorities),
                (SELECT COUNT(*) FROM recommendations)",
    )
    .fetch_one(pool)
    .await
}
