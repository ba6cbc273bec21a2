//! Facts about the deployment that every page shows.

use serde::{Deserialize, Serialize};

/// The service's name when `content/site.toml` gives none: named by its task, as NHS.UK
/// names services ("Find your NHS number"), not "Candour", which NHS readers know as the
/// legal Duty of Candour.
pub const DEFAULT_SERVICE_NAME: &str = "You said, we did";

/// Facts about the deployment that every page shows (header, footer, feeds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// The service's name (header, footer, page titles, emails); `content/site.toml`
    /// `service_name`, by default [`DEFAULT_SERVICE_NAME`].
    pub service_name: String,
    pub organisation: String,
    pub contact_email: String,
    pub public_url: String,
}

impl Default for SiteInfo {
    fn default() -> Self {
        Self {
            service_name: DEFAULT_SERVICE_NAME.to_owned(),
            organisation: String::new(),
            contact_email: String::new(),
            public_url: String::new(),
        }
    }
}
