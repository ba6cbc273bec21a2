//! What every request handler and server function can reach.

use leptos::prelude::*;

use crate::{db::Database, error::AppError, search::index::SearchIndex, SiteInfo};

#[derive(Debug, Clone, axum::extract::FromRef)]
pub struct AppState {
    pub options: LeptosOptions,
    pub db: Database,
    pub site: SiteInfo,
    pub search: SearchIndex,
}

/// The state a server function runs with. Absence is an internal error, never a panic.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}
