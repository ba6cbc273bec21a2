use crate::helpers::spawn_app;

#[tokio::test]
async fn health_check_answers_200_when_the_database_answers() {
    let app = spawn_app().await;
    let page = app.get("/healthz").await;
    assert_eq!(page.status, 200);
}

#[tokio::test]
async fn home_page_explains_the_social_licence_with_figures_from_content() {
    let app = spawn_app().await;
    let page = app.get("/").await;
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.body.contains("<html lang=\"en-GB\""));
    assert!(page.body.contains("Skip to main content"));
    assert!(page.body.contains("Our core values"));
    assert!(page.body.contains("Strategic research priorities"));
    assert!(page.body.contains("75 recommendations from the public"));
    assert!(
        page.body.contains("37"),
        "the seldom-heard session count is shown"
    );
    assert!(page.body.contains("data-test=\"progress-summary\""));
}

#[tokio::test]
async fn every_page_has_its_own_title() {
    let app = spawn_app().await;
    let mut titles = std::collections::HashSet::new();
    for path in [
        "/",
        "/actions",
        "/actions/PP-1",
        "/values",
        "/values/transparency",
        "/priorities",
        "/priorities/cancer",
        "/engagement",
        "/you-said-we-did",
        "/accessibility",
        "/privacy",
        "/contact",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let title = page.title();
        assert!(!title.is_empty(), "{path} has no title");
        assert!(
            titles.insert(title.clone()),
            "{path} repeats the title {title:?}"
        );
    }
}

#[tokio::test]
async fn accessibility_statement_and_privacy_notice_are_real_pages() {
    let app = spawn_app().await;
    let accessibility = app.get("/accessibility").await;
    assert!(accessibility.body.contains("WCAG 2.2"));
    let privacy = app.get("/privacy").await;
    assert!(privacy.body.contains("former critical friend"));
}

#[tokio::test]
async fn unknown_paths_get_the_not_found_page_in_the_shell_with_404() {
    let app = spawn_app().await;
    let page = app.get("/no-such-page").await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("Page not found"));
    assert!(
        page.body.contains("nhsuk-header"),
        "the 404 page keeps the site's header"
    );
}

#[tokio::test]
async fn pages_load_nothing_from_other_hosts() {
    let app = spawn_app().await;
    for path in ["/", "/actions", "/actions/DCF-3"] {
        let page = app.get(path).await;
        for attribute in ["src=\"http", "href=\"//", "src=\"//"] {
            assert!(
                !page.body.contains(attribute),
                "{path} loads from another host ({attribute})"
            );
        }
        for tag in page.body.split("<link").skip(1) {
            let tag = tag.split('>').next().unwrap_or_default();
            assert!(!tag.contains("href=\"http"), "{path}: {tag}");
        }
    }
}
