use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn csv_lists_the_filtered_register_with_a_header_row() {
    let app = spawn_app().await;
    let page = app.get("/actions.csv?engagement=seldom-heard").await;
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(page.body.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(headers, server::open_data::csv::COLUMNS);
    let refs: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    assert_eq!(
        refs,
        ["SH-1", "SH-2", "SH-3", "SH-4", "SH-5", "SH-6", "SH-7"]
    );
}

#[tokio::test]
async fn json_has_every_recommendation_with_history_and_honours_as_of() {
    let app = spawn_app().await;
    let all: Value = serde_json::from_str(&app.get("/actions.json").await.body).unwrap();
    assert_eq!(all["count"], 75);
    let first = &all["recommendations"][0];
    assert_eq!(first["reference"], "SH-1");
    assert!(first["history"].as_array().unwrap().len() >= 2);
    assert!(first["url"].as_str().unwrap().ends_with("/actions/SH-1"));

    let then: Value =
        serde_json::from_str(&app.get("/actions.json?as_of=2023-12-31").await.body).unwrap();
    assert_eq!(then["as_of"], "2023-12-31");
    for record in then["recommendations"].as_array().unwrap() {
        for change in record["history"].as_array().unwrap() {
            assert!(change["changed_on"].as_str().unwrap() <= "2023-12-31");
        }
        let last = record["history"].as_array().unwrap().last().unwrap();
        assert_eq!(
            record["status"], last["to_key"],
            "status is rebuilt from history"
        );
    }
}

#[tokio::test]
async fn atom_feeds_are_valid_with_stable_entry_ids() {
    let app = spawn_app().await;
    let body = app.get("/actions/feed.atom").await.body;
    let feed = feed_rs::parser::parse(body.as_bytes()).expect("a valid Atom feed");
    assert!(!feed.entries.is_empty());
    let dates: Vec<_> = feed.entries.iter().map(|e| e.updated).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    let again =
        feed_rs::parser::parse(app.get("/actions/feed.atom").await.body.as_bytes()).unwrap();
    assert_eq!(
        feed.entries
            .iter()
            .map(|e| e.id.clone())
            .collect::<Vec<_>>(),
        again
            .entries
            .iter()
            .map(|e| e.id.clone())
            .collect::<Vec<_>>()
    );
    let one =
        feed_rs::parser::parse(app.get("/actions/PP-5/feed.atom").await.body.as_bytes()).unwrap();
    assert!(one
        .entries
        .iter()
        .all(|e| e.id.contains("actions/PP-5/changes/")));
    assert_eq!(app.get("/actions/PP-999/feed.atom").await.status, 404);
}

#[tokio::test]
async fn pages_link_their_feeds() {
    let app = spawn_app().await;
    let page = app.get("/actions/SH-3").await;
    assert!(page.body.contains("rel=\"alternate\""));
    assert!(page.body.contains("href=\"/actions/SH-3/feed.atom\""));
}

#[tokio::test]
async fn api_lists_filters_and_paginates() {
    let app = spawn_app().await;
    let page: Value = serde_json::from_str(
        &app.get("/api/v1/recommendations?per_page=10&page=2")
            .await
            .body,
    )
    .unwrap();
    assert_eq!(page["total"], 75);
    assert_eq!(page["items"].as_array().unwrap().len(), 10);
    assert_eq!(
        page["items"][0]["reference"], "PP-4",
        "page 2 starts after SH-1..7, PP-1..3"
    );
    let one: Value =
        serde_json::from_str(&app.get("/api/v1/recommendations/DCF-3").await.body).unwrap();
    assert_eq!(one["reference"], "DCF-3");
    for path in [
        "/api/v1/engagements",
        "/api/v1/policies",
        "/api/v1/policies/data-access",
        "/api/v1/values",
        "/api/v1/priorities",
        "/api/v1/openapi.json",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status, 200, "{path}");
        let _: Value = serde_json::from_str(&response.body).unwrap();
    }
}

#[tokio::test]
async fn api_errors_are_problem_details() {
    let app = spawn_app().await;
    for (path, status) in [
        ("/api/v1/recommendations?status=nope", 400),
        ("/api/v1/recommendations?per_page=1000", 400),
        ("/api/v1/recommendations?as_of=yesterday", 400),
        ("/api/v1/recommendations/XX-1", 404),
        ("/api/v1/nothing-here", 404),
        ("/actions.csv?sort=sideways", 400),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status, status, "{path}");
        assert_eq!(response.content_type, "application/problem+json", "{path}");
        let problem: Value = serde_json::from_str(&response.body).unwrap();
        assert_eq!(problem["status"], status);
        assert!(!problem["detail"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn openapi_document_describes_every_api_path() {
    let app = spawn_app().await;
    let doc: Value = serde_json::from_str(&app.get("/api/v1/openapi.json").await.body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/v1/recommendations",
        "/api/v1/recommendations/{reference}",
        "/api/v1/engagements",
        "/api/v1/policies",
        "/api/v1/policies/{slug}",
        "/api/v1/values",
        "/api/v1/priorities",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} undocumented");
    }
}
