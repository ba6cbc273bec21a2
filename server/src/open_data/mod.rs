//! What machines read: the register as CSV and JSON, Atom feeds of status changes, and
//! the JSON API under /api/v1 with its OpenAPI description.

pub mod api;
pub mod csv;
mod feeds;
pub mod openapi;

use app::{error::AppError, register::RegisterQuery, state::AppState};
use axum::{
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/actions.csv", get(csv::register_csv))
        .route("/actions.json", get(api::register_json))
        .route("/actions/feed.atom", get(feeds::all_changes))
        .route("/reports/feed.atom", get(feeds::reports))
        .route("/policies/feed.atom", get(feeds::policies))
        .route(
            "/actions/{reference}/feed.atom",
            get(feeds::one_recommendation),
        )
        .merge(api::routes())
}

/// The decoded `key=value` pairs of a raw query string.
pub fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// Reads the register's query parameters from a raw query string.
pub fn parse_query(raw: Option<&str>) -> Result<RegisterQuery, Problem> {
    let pairs = query_pairs(raw);
    RegisterQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(Problem::from)
}

/// An RFC 9457 problem details response.
#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub title: &'static str,
    pub detail: String,
}

impl Problem {
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            title: "Not found",
            detail: detail.into(),
        }
    }
}

impl From<AppError> for Problem {
    fn from(error: AppError) -> Self {
        match error {
            AppError::BadRequest(detail) => Problem {
                status: StatusCode::BAD_REQUEST,
                title: "Invalid request",
                detail,
            },
            AppError::NotFound => Problem::not_found("There is nothing at this address."),
            other => Problem {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                title: "Internal error",
                detail: other.to_string(),
            },
        }
    }
}

impl From<sqlx::Error> for Problem {
    fn from(error: sqlx::Error) -> Self {
        AppError::from(error).into()
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = json!({
            "type": "about:blank",
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            Json(body),
        )
            .into_response()
    }
}
