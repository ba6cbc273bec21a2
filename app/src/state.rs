//! What every request handler and server function can reach.

use std::sync::Arc;

use leptos::prelude::*;

use crate::{db::Database, error::AppError, site::SiteInfo};

/// The state shared by every request: the kit's parts by name, and each feature's own parts
/// (its search index, its caches) by type, so that this module names no feature.
#[derive(Debug, Clone, axum::extract::FromRef)]
pub struct AppState {
    pub options: LeptosOptions,
    pub db: Database,
    pub site: SiteInfo,
    pub security: Security,
    /// A mail server is configured (`CANDOUR_SMTP_URL`): without one, email waits in the
    /// outbox.
    pub mail_configured: bool,
    /// The HTML document around every page, with the app's route table: forms use it to
    /// show their page again with errors.
    pub shell: fn(LeptosOptions) -> AnyView,
    /// Each feature's parts, by type: see [`AppState::feature`].
    pub features: Arc<axum::http::Extensions>,
}

impl AppState {
    /// A feature's part of the state, put in at start-up. Absence is a wiring mistake,
    /// answered as an internal error (and logged), never a panic.
    pub fn feature<T: Clone + Send + Sync + 'static>(&self) -> Result<T, AppError> {
        self.features.get::<T>().cloned().ok_or_else(|| {
            tracing::error!(
                part = std::any::type_name::<T>(),
                "a feature's state is missing"
            );
            AppError::Internal
        })
    }
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
