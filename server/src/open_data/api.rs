//! The JSON API, version 1, and /actions.json. Errors are RFC 9457 problem details.

use app::{
    register::{
        ssr::{
            engagement_summaries, filter_options, licence_term_list, open_records, validate_query,
            OpenRecord,
        },
        RegisterQuery, TermKind,
    },
    state::AppState,
};
use axum::{
    extract::{Path, RawQuery, State},
    routing::get,
    Json, Router,
};
use serde::Serialize;
use serde_json::{json, Value};

use super::{parse_query, query_pairs, Problem};

/// Most items one API page returns.
pub const MAX_PER_PAGE: i64 = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/recommendations", get(list_recommendations))
        .route(
            "/api/v1/recommendations/{reference}",
            get(one_recommendation),
        )
        .route("/api/v1/engagements", get(engagements))
        .route("/api/v1/policies", get(policies))
        .route("/api/v1/policies/{slug}", get(one_policy))
        .route("/api/v1/search", get(search))
        .route("/api/v1/values", get(|state| terms(state, TermKind::Value)))
        .route(
            "/api/v1/priorities",
            get(|state| terms(state, TermKind::Priority)),
        )
        .route(
            "/api/v1/{*rest}",
            get(|| async {
                Problem::not_found("There is no such API resource; see /api/v1/openapi.json.")
            }),
        )
}

#[derive(Serialize)]
struct PublishedRecord {
    #[serde(flatten)]
    record: OpenRecord,
    url: String,
}

fn publish(public_url: &str, mut record: OpenRecord) -> PublishedRecord {
    // Evidence on Candour's own pages is named by path in the content; machines get the
    // whole address.
    for link in &mut record.evidence {
        if link.url.starts_with('/') {
            link.url = format!("{public_url}{}", link.url);
        }
    }
    PublishedRecord {
        url: format!("{public_url}/actions/{}", record.reference),
        record,
    }
}

async fn checked_records(
    state: &AppState,
    query: &RegisterQuery,
) -> Result<Vec<OpenRecord>, Problem> {
    let options = filter_options(state.db.pool()).await?;
    validate_query(query, &options)?;
    Ok(open_records(state.db.pool(), query).await?)
}

/// The whole register (or the filtered part), with each recommendation's history.
pub async fn register_json(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, Problem> {
    refuse_empty(
        &query_pairs(raw.as_deref()),
        &app::register::query::QUERY_PARAMETERS,
    )?;
    let query = parse_query(raw.as_deref())?;
    let records = checked_records(&state, &query).await?;
    Ok(Json(json!({
        "format": "candour-register/1",
        "generated_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "as_of": query.as_of,
        "count": records.len(),
        "recommendations": records.into_iter().map(|r| publish(&state.site.public_url, r)).collect::<Vec<_>>(),
    })))
}

async fn list_recommendations(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, Problem> {
    let pairs = query_pairs(raw.as_deref());
    refuse_empty(&pairs, &app::register::query::QUERY_PARAMETERS)?;
    let per_page = match pairs.iter().find(|(k, _)| k == "per_page") {
        None => 50,
        Some((_, v)) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_PER_PAGE).contains(n))
            .ok_or_else(|| {
                Problem::from(app::error::AppError::BadRequest(format!(
                    "per_page must be a whole number from 1 to {MAX_PER_PAGE} (not \"{v}\")."
                )))
            })?,
    };
    let query = parse_query(raw.as_deref())?;
    let records = checked_records(&state, &query).await?;
    let total = records.len() as i64;
    let items: Vec<PublishedRecord> = records
        .into_iter()
        .skip(((query.page - 1) * per_page) as usize)
        .take(per_page as usize)
        .map(|r| publish(&state.site.public_url, r))
        .collect();
    Ok(Json(json!({
        "total": total,
        "page": query.page,
        "per_page": per_page,
        "items": items,
    })))
}

async fn one_recommendation(
    State(state): State<AppState>,
    Path(reference): Path<String>,
) -> Result<Json<Value>, Problem> {
    let record = app::register::ssr::open_record(state.db.pool(), &reference)
        .await?
        .ok_or_else(|| Problem::not_found(format!("There is no recommendation {reference}.")))?;
    Ok(Json(
        serde_json::to_value(publish(&state.site.public_url, record)).unwrap_or_default(),
    ))
}

/// The same results as /search, as JSON.
async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, Problem> {
    let pairs = query_pairs(raw.as_deref());
    check_search(&state, &pairs).await?;
    let query =
        app::search::SearchQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let results = state
        .feature::<app::search::index::SearchIndex>()?
        .search(query)
        .await?;
    Ok(Json(serde_json::to_value(results).unwrap_or_default()))
}

/// The search page forgives anything typed; the API says what is wrong: a page that is
/// not a whole number from 1 to 1000, or a filter value that does not exist.
async fn check_search(state: &AppState, pairs: &[(String, String)]) -> Result<(), Problem> {
    let bad = |message: String| Problem::from(app::error::AppError::BadRequest(message));
    refuse_empty(pairs, &["kind", "status", "engagement", "year", "page"])?;
    let options = filter_options(state.db.pool()).await?;
    for (name, value) in pairs {
        let known = match name.as_str() {
            "page" => value.parse::<i64>().is_ok_and(|p| (1..=1000).contains(&p)),
            "kind" => super::openapi::SEARCH_KINDS.contains(&value.as_str()),
            "status" => options.statuses.iter().any(|s| s.key == *value),
            "engagement" => options.engagements.iter().any(|(k, _)| k == value),
            "year" => value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()),
            _ => true,
        };
        if !known {
            return Err(bad(format!(
                "{name} cannot be \"{value}\": see /api/v1/openapi.json for the values it takes."
            )));
        }
    }
    Ok(())
}

/// Published policies (their current version).
async fn policies(State(state): State<AppState>) -> Result<Json<Value>, Problem> {
    let public_url = &state.site.public_url;
    let items: Vec<Value> = app::policies::ssr::published_policies(&state.db)
        .await?
        .into_iter()
        .map(|p| {
            json!({
                "slug": p.slug,
                "title": p.title,
                "summary": p.summary,
                "version": p.version,
                "published_at": p.published_at,
                "url": format!("{public_url}/policies/{}", p.slug),
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

/// One published policy: its text block by block, and its public reviews with every
/// comment, reply and answer (removed comments carry only the reason).
async fn one_policy(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, Problem> {
    let policy = app::policies::ssr::public_policy(&state.db, &slug)
        .await?
        .ok_or_else(|| Problem::not_found(format!("There is no published policy {slug}.")))?;
    let url = format!("{}/policies/{}", state.site.public_url, policy.slug);
    let mut value = serde_json::to_value(policy).unwrap_or_default();
    value["url"] = json!(url);
    Ok(Json(value))
}

async fn engagements(State(state): State<AppState>) -> Result<Json<Value>, Problem> {
    let engagements = engagement_summaries(state.db.pool()).await?;
    Ok(Json(json!({ "items": engagements })))
}

async fn terms(State(state): State<AppState>, kind: TermKind) -> Result<Json<Value>, Problem> {
    let list = licence_term_list(state.db.pool(), kind).await?;
    let items: Vec<Value> = list
        .terms
        .into_iter()
        .map(|(term, counts)| {
            json!({
                "slug": term.slug,
                "name": term.name,
                "statement": term.statement,
                "status_counts": counts.into_iter().map(|c| json!({"status": c.key, "count": c.count})).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

async fn openapi(State(state): State<AppState>) -> Result<Json<Value>, Problem> {
    let options = filter_options(state.db.pool()).await?;
    Ok(Json(super::openapi::document(
        &state.site.public_url,
        &options,
    )))
}

/// Machines get exact answers: a documented parameter given with no value (`as_of=`) is a
/// mistake to report, not a filter to ignore as the HTML forms do.
pub fn refuse_empty(pairs: &[(String, String)], names: &[&str]) -> Result<(), Problem> {
    match pairs
        .iter()
        .find(|(k, v)| names.contains(&k.as_str()) && v.trim().is_empty())
    {
        Some((name, _)) => Err(Problem::from(app::error::AppError::BadRequest(format!(
            "{name} was given without a value: leave it out, or give one."
        )))),
        None => Ok(()),
    }
}
