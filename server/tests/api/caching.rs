//! What browsers may keep: public pages revalidated with a strong ETag, private pages never
//! kept, and the site's own files by content-hashed name, precompressed and kept a year.

use app::accounts::Role;

use crate::helpers::{content_dir, spawn_app, spawn_app_configured, TestApp};

async fn fetch(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{path}", app.address));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_public_page_is_revalidated_with_a_strong_etag_and_304() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/actions",
        "/actions/PP-1",
        "/reports",
        "/search?q=data",
    ] {
        let first = fetch(&app, path, &[]).await;
        let tag = header(&first, "etag");
        assert!(
            tag.starts_with('"') && tag.ends_with('"'),
            "{path}: a strong tag, {tag}"
        );
        assert_eq!(header(&first, "cache-control"), "no-cache", "{path}");
        assert!(header(&first, "vary").contains("Cookie"), "{path}");
        // No per-response nonce: its inline scripts are allowed by their hashes.
        let policy = header(&first, "content-security-policy");
        assert!(
            !policy.contains("nonce") && policy.contains("'sha256-"),
            "{path}: {policy}"
        );
        let body = first.text().await.unwrap();
        assert!(!body.contains("nonce="), "{path}");
        // The same page again: equal bytes, equal tag.
        let again = fetch(&app, path, &[]).await;
        assert_eq!(header(&again, "etag"), tag, "{path}");
        assert_eq!(again.text().await.unwrap(), body, "{path}");
        let revalidated = fetch(&app, path, &[("if-none-match", &tag)]).await;
        assert_eq!(revalidated.status(), 304, "{path}");
        assert_eq!(header(&revalidated, "etag"), tag);
        assert!(revalidated.text().await.unwrap().is_empty());
        let stale = fetch(&app, path, &[("if-none-match", "\"something-else\"")]).await;
        assert_eq!(stale.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn a_change_to_the_content_changes_the_tag() {
    let app = spawn_app().await;
    let before = header(&fetch(&app, "/contact", &[]).await, "etag");
    let change = async |body: &str| {
        // As every change to what the public sees does: the change and the content version
        // move on in one transaction.
        let mut tx = app.db.begin_write().await.unwrap();
        sqlx::query("UPDATE pages SET body_html = body_html || $1 WHERE slug = 'contact'")
            .bind(body.to_owned())
            .execute(&mut *tx)
            .await
            .unwrap();
        app::db::bump_content_version(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        app::db::content_committed();
    };
    // Kept in memory now (asked twice), and still the same page.
    assert_eq!(
        fetch(&app, "/contact", &[("if-none-match", &before)])
            .await
            .status(),
        304
    );
    change("<p>One more line.</p>").await;
    let after = fetch(&app, "/contact", &[("if-none-match", &before)]).await;
    assert_eq!(after.status(), 200);
    assert_ne!(header(&after, "etag"), before);
    assert!(after.text().await.unwrap().contains("One more line."));
    // A kept page comes in the encoding asked for, and the same page again once it is.
    let brotli = fetch(&app, "/contact", &[("accept-encoding", "br")]).await;
    assert_eq!(header(&brotli, "content-encoding"), "br");
    let gzip = fetch(&app, "/contact", &[("accept-encoding", "gzip")]).await;
    assert_eq!(header(&gzip, "content-encoding"), "gzip");
    let bytes = gzip.bytes().await.unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
        .unwrap();
    assert!(text.contains("One more line."));
}

#[tokio::test]
async fn a_signed_in_page_is_never_kept_or_validated() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let response = editor
        .client
        .get(format!("{}/actions", editor.address))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&response, "cache-control"), "no-store");
    assert!(header(&response, "etag").is_empty());
    assert!(header(&response, "content-security-policy").contains("'nonce-"));
}

#[tokio::test]
async fn hashed_files_are_sent_precompressed_and_kept_for_a_year() {
    let site = tempfile::tempdir().unwrap();
    let assets = site.path().join("assets");
    std::fs::create_dir_all(&assets).unwrap();
    let css = "body { color: #212b32 }\n".repeat(50);
    std::fs::write(assets.join("site.css"), &css).unwrap();
    std::fs::write(assets.join("site.0123456789.css"), &css).unwrap();
    std::fs::write(assets.join("site.0123456789.css.br"), b"stored brotli").unwrap();
    std::fs::write(assets.join("site.0123456789.css.gz"), b"stored gzip").unwrap();
    let folder = site.path().to_path_buf();
    let app = spawn_app_configured(&content_dir(), move |config| config.site_dir = folder).await;
    let hashed = fetch(
        &app,
        "/assets/site.0123456789.css",
        &[("accept-encoding", "br, gzip")],
    )
    .await;
    assert_eq!(hashed.status(), 200);
    assert_eq!(
        header(&hashed, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&hashed, "content-encoding"), "br");
    assert_eq!(
        hashed.bytes().await.unwrap().as_ref(),
        b"stored brotli",
        "the stored copy, not compressed again"
    );
    let gzip = fetch(
        &app,
        "/assets/site.0123456789.css",
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(gzip.bytes().await.unwrap().as_ref(), b"stored gzip");
    let plain = fetch(&app, "/assets/site.css", &[]).await;
    assert_eq!(header(&plain, "cache-control"), "public, max-age=3600");
    assert_eq!(plain.text().await.unwrap(), css);
}

#[tokio::test]
async fn a_change_made_by_another_instance_reaches_kept_pages_soon_after() {
    let app = spawn_app().await;
    let path = "/privacy";
    let before = header(&fetch(&app, path, &[]).await, "etag");
    assert_eq!(
        fetch(&app, path, &[("if-none-match", &before)])
            .await
            .status(),
        304
    );
    // Another instance (or `candour import` in another process) changes the page and the
    // content version with plain SQL: this process has not started any change.
    sqlx::query("UPDATE pages SET body_html = body_html || '<p>Changed elsewhere.</p>' WHERE slug = 'privacy'")
        .execute(app.db.pool())
        .await
        .unwrap();
    sqlx::query(
        "UPDATE site_settings SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'content_version'",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    // It is trusted for app::db::CONTENT_VERSION_TRUST at most; give it far longer.
    let mut seen = false;
    for _ in 0..50 {
        let page = fetch(&app, path, &[]).await;
        if page.text().await.unwrap().contains("Changed elsewhere.") {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        seen,
        "the change made elsewhere never reached the kept page"
    );
}

#[tokio::test]
async fn a_kept_page_has_every_security_header_of_the_page_it_was_kept_from() {
    let app = spawn_app().await;
    let first = fetch(&app, "/reports", &[("accept-encoding", "br")]).await;
    let kept = fetch(&app, "/reports", &[("accept-encoding", "br")]).await;
    for name in [
        "content-security-policy",
        "x-frame-options",
        "x-content-type-options",
        "referrer-policy",
        "permissions-policy",
        "cross-origin-opener-policy",
        "etag",
        "cache-control",
        "content-type",
        "content-encoding",
    ] {
        assert!(!header(&first, name).is_empty(), "{name} missing");
        assert_eq!(header(&first, name), header(&kept, name), "{name}");
    }
    assert!(header(&first, "vary")
        .to_lowercase()
        .contains("accept-encoding"));
    assert!(first.headers().get("set-cookie").is_none());
    // What is not a kept page is still compressed on the way out (open data), and the
    // site's files are still sent as stored.
    let json = fetch(&app, "/actions.json", &[("accept-encoding", "gzip")]).await;
    assert_eq!(header(&json, "content-encoding"), "gzip");
    assert_eq!(header(&json, "x-frame-options"), "DENY");
}
