//! Writing the register: imported recommendations and recorded status changes.

use sqlx::AnyPool;

pub async fn reference_exists(pool: &AnyPool, reference: &str) -> Result<bool, sqlx::Error> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM recommendations WHERE reference = $1")
            .bind(reference)
            .fetch_optional(pool)
            .await?;
    Ok(found.is_some())
}

pub async fn reference_exists_on(
    conn: &mut sqlx::AnyConnection,
    reference: &str,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM recommendations WHERE reference = $1")
            .bind(reference)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.is_some())
}

/// The fields of a recommendation that staff (or a CSV import) can change. Its reference,
/// engagement and date raised never change.
#[derive(Debug, Clone)]
pub struct RecommendationUpdate<'a> {
    pub reference: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub team: &'a str,
    pub target: Option<&'a str>,
    pub progress: Option<i64>,
    pub values: Vec<&'a str>,
    pub priorities: Vec<&'a str>,
}

pub async fn update_recommendation(
    conn: &mut sqlx::AnyConnection,
    update: &RecommendationUpdate<'_>,
    now: &str,
) -> Result<(), sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "UPDATE recommendations SET title = $1, summary = $2, team = $3, target = $4,
             progress = $5, updated_at = $6
         WHERE reference = $7 RETURNING id",
    )
    .bind(update.title)
    .bind(update.summary)
    .bind(update.team)
    .bind(update.target.map(str::to_owned))
    .bind(update.progress)
    .bind(now)
    .bind(update.reference)
    .fetch_one(&mut *conn)
    .await?;
    for (link, terms, column, slugs) in [
        (
            "recommendation_values",
            "core_values",
            "value_id",
            &update.values,
        ),
        (
            "recommendation_priorities",
            "research_priorities",
            "priority_id",
            &update.priorities,
        ),
    ] {
        sqlx::query(&format!("DELETE FROM {link} WHERE recommendation_id = $1"))
            .bind(id)
            .execute(&mut *conn)
            .await?;
        for slug in slugs {
            sqlx::query(&format!(
                "INSERT INTO {link} (recommendation_id, {column}) SELECT $1, id FROM {terms} WHERE slug = $2"
            ))
            .bind(id)
            .bind(*slug)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Appends a status change to a recommendation's history and makes it the current status.
pub async fn record_status_change(
    conn: &mut sqlx::AnyConnection,
    reference: &str,
    changed_on: &str,
    to_status: &str,
    note: &str,
    team: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    let (id, from_status, last_seq): (i64, String, i64) = sqlx::query_as(
        "SELECT r.id, r.status_key, (SELECT COALESCE(MAX(seq), 0) FROM status_changes WHERE recommendation_id = r.id)
         FROM recommendations r WHERE r.reference = $1",
    )
    .bind(reference)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO status_changes (recommendation_id, seq, changed_on, from_status, to_status, note, team, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(last_seq + 1)
    .bind(changed_on)
    .bind(from_status)
    .bind(to_status)
    .bind(note)
    .bind(team)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE recommendations SET status_key = $1, status_changed = $2, updated_at = $3 WHERE id = $4")
        .bind(to_status)
        .bind(changed_on)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
