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
const MAX_PER_PAGE: i64 = 200;

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
    let query =
        app::search::SearchQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let results = state
        .feature::<app::search::index::SearchIndex>()?
        .search(query)
        .await?;
    Ok(Json(serde_json::to_value(results).unwrap_or_default()))
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

async fn openapi(State(state): State<AppState>) -> Json<Value> {
    Json(openapi_document(&state.site.public_url))
}

/// The OpenAPI 3.1 description of /api/v1 and the open data files.
pub fn openapi_document(public_url: &str) -> Value {
    let filters = json!([
        {"name": "status", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true, "description": "Status key, repeatable (e.g. in-progress)."},
        {"name": "engagement", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true, "description": "Engagement key, repeatable."},
        {"name": "value", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true, "description": "Core value slug, repeatable."},
        {"name": "priority", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true, "description": "Research priority slug, repeatable."},
        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}, "description": "Words that must all appear."},
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["reference", "raised", "updated"]}},
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        {"name": "as_of", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "The register as it stood at the end of this day."}
    ]);
    let problem = json!({"description": "Invalid request", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
    let not_found = json!({"description": "Not found", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
    let mut list_params = filters.as_array().cloned().unwrap_or_default();
    list_params.push(json!({"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}}));
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Candour: Actions to Build Trust",
            "version": "1",
            "description": "The register of recommendations the public made to the Secure Data Environment, their status and history."
        },
        "servers": [{"url": public_url}],
        "paths": {
            "/api/v1/recommendations": {"get": {
                "summary": "Recommendations, filtered and paginated",
                "parameters": list_params,
                "responses": {"200": {"description": "A page of recommendations", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["total", "page", "per_page", "items"],
                    "properties": {"total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Recommendation"}}}}}}},
                    "400": problem}
            }},
            "/api/v1/recommendations/{reference}": {"get": {
                "summary": "One recommendation with its history",
                "parameters": [{"name": "reference", "in": "path", "required": true, "schema": {"type": "string"}, "example": "PP-17"}],
                "responses": {"200": {"description": "The recommendation", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Recommendation"}}}}, "404": not_found}
            }},
            "/api/v1/search": {"get": {
                "summary": "Full-text search of everything public (the same results as /search)",
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Words (all required), \"phrases\", -excluded words, or a reference such as PP-17."},
                    {"name": "kind", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true},
                    {"name": "status", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true},
                    {"name": "engagement", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true},
                    {"name": "year", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}
                ],
                "responses": {"200": {"description": "Results with facets", "content": {"application/json": {"schema": {"type": "object"}}}}}
            }},
            "/api/v1/policies": {"get": {"summary": "Published policies (current version)", "responses": {"200": {"description": "Policies", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/api/v1/policies/{slug}": {"get": {
                "summary": "One published policy: its text (numbered blocks of sanitised HTML) and its public reviews with every comment, reply and answer",
                "parameters": [{"name": "slug", "in": "path", "required": true, "schema": {"type": "string"}, "example": "data-access"}],
                "responses": {"200": {"description": "The policy", "content": {"application/json": {"schema": {"type": "object"}}}}, "404": not_found}
            }},
            "/api/v1/engagements": {"get": {"summary": "Where recommendations came from", "responses": {"200": {"description": "Engagements", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/api/v1/values": {"get": {"summary": "Core values with status counts", "responses": {"200": {"description": "Core values", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/api/v1/priorities": {"get": {"summary": "Research priorities with status counts", "responses": {"200": {"description": "Research priorities", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/actions.json": {"get": {"summary": "The whole register with history", "parameters": filters, "responses": {"200": {"description": "The register", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": problem}}},
            "/actions.csv": {"get": {"summary": "The register as CSV (importable with `candour import --csv`)", "parameters": filters, "responses": {"200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}, "400": problem}}}
        },
        "components": {"schemas": {
            "Problem": {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"}}},
            "StatusChange": {"type": "object", "properties": {
                "reference": {"type": "string"}, "seq": {"type": "integer"}, "changed_on": {"type": "string", "format": "date"},
                "from_key": {"type": ["string", "null"]}, "to_key": {"type": "string"}, "note": {"type": "string"}, "team": {"type": "string"}}},
            "Recommendation": {"type": "object", "required": ["reference", "title", "status", "history", "url"], "properties": {
                "reference": {"type": "string"}, "title": {"type": "string"}, "summary": {"type": "string"},
                "engagement": {"type": "string"}, "raised": {"type": "string", "format": "date"},
                "status": {"type": "string"}, "status_name": {"type": "string"}, "closed": {"type": "boolean"},
                "status_changed": {"type": "string", "format": "date"}, "status_note": {"type": "string"},
                "team": {"type": "string"}, "target": {"type": ["string", "null"], "format": "date"},
                "progress": {"type": ["integer", "null"], "minimum": 0, "maximum": 100, "description": "Per cent done, for an open status only; null for a decision."},
                "decided_on": {"type": ["string", "null"], "format": "date", "description": "When the decision was made, for a closed status."},
                "overdue": {"type": "boolean"},
                "values": {"type": "array", "items": {"type": "string"}}, "priorities": {"type": "array", "items": {"type": "string"}},
                "what_you_said": {"type": "string", "description": "Markdown"}, "what_we_did": {"type": "string", "description": "Markdown"},
                "evidence": {"type": "array", "items": {"type": "object", "properties": {"title": {"type": "string"}, "url": {"type": "string", "format": "uri"}}}},
                "history": {"type": "array", "items": {"$ref": "#/components/schemas/StatusChange"}},
                "url": {"type": "string", "format": "uri"}}}
        }}
    })
}
