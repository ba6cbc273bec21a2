use crate::helpers::spawn_app;

#[tokio::test]
async fn reports_are_listed_newest_first_grouped_by_quarter() {
    let app = spawn_app().await;
    let page = app.get("/reports").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body.matches("data-test=\"report-item\"").count(), 8);
    let q3 = page
        .body
        .find("Quarterly summary: July")
        .unwrap_or(usize::MAX);
    let q2 = page.body.find("quarterly-summary-2026-q2").unwrap();
    assert!(
        q3 < q2 || page.body.find("quarterly-summary-2026-q3").unwrap() < q2,
        "newest first"
    );
    // Grouped by the period covered, in plain words: the July to September summary
    // (published in October) heads "July to September 2026".
    let heading = page
        .body
        .find(">July to September 2026</h2>")
        .expect("the period, in words");
    let summary = page.body.find("quarterly-summary-2026-q3").unwrap();
    assert!(heading < summary);
    assert!(!page.body.contains(", quarter "), "never quarter numbers");
}

#[tokio::test]
async fn reports_filter_by_kind_value_and_priority() {
    let app = spawn_app().await;
    let briefings = app.get("/reports?kind=briefing").await;
    assert_eq!(
        briefings.body.matches("data-test=\"report-item\"").count(),
        2
    );
    let by_value = app.get("/reports?value=transparency").await;
    assert!(by_value.body.matches("data-test=\"report-item\"").count() >= 1);
    let bad = app.get("/reports?kind=novel").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("There is no kind of report called"));
}

#[tokio::test]
async fn a_report_page_has_a_table_of_contents_reading_time_and_links() {
    let app = spawn_app().await;
    let page = app.get("/reports/quarterly-summary-2026-q2").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("data-test=\"toc\""));
    assert!(page.body.contains("minute read"));
    assert!(page.body.contains("<h2 id=\"at-a-glance\">"));
    assert!(page.body.contains("href=\"#at-a-glance\""));
    assert!(
        page.body.contains("/actions?as_of=2026-06-30"),
        "links to the register as it stood"
    );
    assert!(page.body.contains("href=\"/actions/PP-5\""));
    assert!(page.body.contains("<table>"));
}

#[tokio::test]
async fn recommendations_link_back_to_the_reports_that_discuss_them() {
    let app = spawn_app().await;
    let page = app.get("/actions/PP-5").await;
    assert!(page.body.contains("data-test=\"recommendation-reports\""));
    assert!(page.body.contains("href=\"/reports/"));
}

#[tokio::test]
async fn history_lists_each_revision() {
    let app = spawn_app().await;
    let page = app.get("/reports/commercial-access-briefing/history").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body.matches("data-test=\"revision\"").count(), 1);
    assert!(page.body.contains("First published."));
}

#[tokio::test]
async fn unknown_reports_are_404() {
    let app = spawn_app().await;
    assert_eq!(app.get("/reports/no-such-report").await.status, 404);
    assert_eq!(app.get("/reports/no-such-report/history").await.status, 404);
}

#[tokio::test]
async fn the_reports_feed_is_valid_atom() {
    let app = spawn_app().await;
    let body = app.get("/reports/feed.atom").await.body;
    let feed = feed_rs::parser::parse(body.as_bytes()).expect("valid Atom");
    assert_eq!(feed.entries.len(), 8);
    assert!(feed.entries.iter().all(|e| e.id.contains(",2023:reports/")));
}

#[tokio::test]
async fn reports_are_searchable() {
    let app = spawn_app().await;
    let results: serde_json::Value = serde_json::from_str(
        &app.get("/api/v1/search?q=briefing+commercial&kind=report")
            .await
            .body,
    )
    .unwrap();
    assert!(results["total"].as_i64().unwrap() >= 1);
    assert_eq!(results["hits"][0]["kind"], "report");
}

#[tokio::test]
async fn only_a_quarterly_summary_is_grouped_by_its_quarter() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    crate::content::copy_dir(&crate::helpers::content_dir(), &content);
    // A project report given a quarter by mistake is still grouped by its own date
    // (March 2024), not with the quarterly summary of that quarter.
    let path = content.join("reports/public-panel-report.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(
            "date = 2024-03-12",
            "date = 2024-03-12\nquarter = \"2026 Q1\"",
        ),
    )
    .unwrap();
    let app = crate::helpers::spawn_app_with_content(&content).await;
    let page = app.get("/reports").await.body;
    let report = page.find("/reports/public-panel-report").unwrap();
    let heading = page[..report].rfind("<h2").unwrap();
    assert!(
        page[heading..report].contains(">January to March 2024</h2>"),
        "{}",
        &page[heading..report]
    );
}
