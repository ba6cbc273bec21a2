//! The site's own stylesheets and scripts by their content-hashed names, which browsers may
//! keep for a year (`Cache-Control: immutable`, RFC 8246). `scripts/fingerprint.mjs` writes
//! the names to `target/site/assets.json` at build time; the server reads them once at
//! start-up. Before a build (or without the file) the plain names are used, which are
//! served too, with a short cache life.

use std::{collections::HashMap, sync::OnceLock};

static HASHED: OnceLock<HashMap<String, String>> = OnceLock::new();

/// Reads `{site_root}/assets.json` (`{"/assets/nhsuk.css": "/assets/nhsuk.1a2b3c4d5e.css"}`),
/// once per process. A missing file leaves the plain names; a malformed one is an error
/// naming the file.
#[cfg(feature = "ssr")]
pub fn load(site_root: &std::path::Path) -> anyhow::Result<()> {
    let path = site_root.join("assets.json");
    let names = match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str::<HashMap<String, String>>(&text)
            .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?,
        Err(_) => HashMap::new(),
    };
    let _ = HASHED.set(names);
    Ok(())
}

/// The address to link for one of the site's own files (`"/assets/nhsuk.css"`): its
/// hashed name when the build made one, otherwise the plain name.
pub fn path(plain: &str) -> String {
    HASHED
        .get()
        .and_then(|names| names.get(plain))
        .cloned()
        .unwrap_or_else(|| plain.to_owned())
}

/// True for a hashed name (`name.1a2b3c4d5e.css`, and its `.br` and `.gz` copies): its
/// content never changes, so it may be cached for a year.
pub fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let name = name
        .strip_suffix(".br")
        .or_else(|| name.strip_suffix(".gz"))
        .unwrap_or(name);
    let mut parts = name.rsplit('.');
    let (_ext, hash) = (parts.next(), parts.next());
    parts.next().is_some()
        && hash.is_some_and(|h| h.len() == 10 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_content_hashed_names_count_as_hashed() {
        assert!(super::is_hashed("/assets/nhsuk.144c7b6d67.css"));
        assert!(super::is_hashed("/pkg/candour.88d3d19d76.wasm"));
        assert!(!super::is_hashed("/assets/nhsuk.css"));
        assert!(!super::is_hashed("/assets/nhsuk/images/favicon.ico"));
        assert!(!super::is_hashed("/assets/report.2026-q3.css"));
    }
}
