//! What every request handler and server function can reach.

use leptos::prelude::*;

use crate::{db::Database, error::AppError, search::index::SearchIndex, SiteInfo};

#[derive(Debug, Clone, axum::extract::FromRef)]
pub struct AppState {
    pub options: LeptosOptions,
    pub db: Database,
    pub site: SiteInfo,
    pub search: SearchIndex,
    pub security: Security,
    /// Register pages by query, reused until the content changes.
    pub register_cache: crate::register::cache::ResultCache<crate::register::RegisterPageData>,
}

/// Deployment facts the security checks need.
#[derive(Debug, Clone, Default)]
pub struct Security {
    /// Proxies whose `X-Forwarded-For` is believed (everyone else's is ignored).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The public address is https: cookies are `Secure`, and HSTS is sent.
    pub https: bool,
}

/// The state a server function runs with. Absence is an internal error, never a panic.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}
