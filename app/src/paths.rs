//! Building and checking the addresses that pages link to and redirect to.

/// Percent-encodes a query-string value (RFC 3986 unreserved characters pass through).
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Where to go after signing in: `next` when it is a path on this site written only in
/// the characters RFC 3986 allows in a path, query and fragment (letters, digits,
/// `-._~!$&'()*+,;=:@/?#%`), starting with one `/` and at most 2,000 long; otherwise
/// `/account`. An allowlist, because browsers drop TAB, CR and LF from addresses and read
/// `\` as `/`, so `/<TAB>/evil.example` would take them to another site (OWASP
/// Unvalidated Redirects and Forwards Cheat Sheet).
pub fn safe_next(next: Option<&str>) -> String {
    const ALLOWED: &str = "-._~!$&'()*+,;=:@/?#%";
    next.filter(|next| {
        next.len() <= 2000
            && next.starts_with('/')
            && !next.starts_with("//")
            && next
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ALLOWED.contains(c))
    })
    .unwrap_or("/account")
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_signing_in() {
        assert_eq!(safe_next(Some("/admin/reports")), "/admin/reports");
        assert_eq!(safe_next(Some("//evil.example")), "/account");
        assert_eq!(safe_next(Some("https://evil.example")), "/account");
        assert_eq!(safe_next(Some("/\\evil.example")), "/account");
        assert_eq!(safe_next(None), "/account");
        // Browsers drop TAB, CR and LF, so each of these would lead to //evil.example.
        for sneaky in [
            "/\t/evil.example/",
            "/\r/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
        ] {
            assert_eq!(safe_next(Some(sneaky)), "/account", "{sneaky:?}");
        }
        assert_eq!(
            safe_next(Some("/actions?status=agreed&page=2#top")),
            "/actions?status=agreed&page=2#top"
        );
        assert_eq!(safe_next(Some("/review/x%20y")), "/review/x%20y");
        assert_eq!(safe_next(Some("/caf\u{e9}")), "/account");
    }
}
