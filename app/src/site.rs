//! Facts about the deployment that every page shows.

use serde::{Deserialize, Serialize};

/// Facts about the deployment that every page shows (header, footer, feeds).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    pub organisation: String,
    pub contact_email: String,
    pub public_url: String,
}
