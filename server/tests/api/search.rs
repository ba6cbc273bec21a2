use serde_json::Value;

use crate::helpers::spawn_app;

fn hit_urls(body: &str) -> Vec<String> {
    body.split("data-test=\"search-hit\"")
        .skip(1)
        .filter_map(|rest| rest.split("<a href=\"").nth(1))
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn an_exact_reference_is_the_top_result() {
    let app = spawn_app().await;
    for (query, url) in [
        ("PP-17", "/actions/PP-17"),
        ("dcf-3", "/actions/DCF-3"),
        ("SH-7 commercial", "/actions/SH-7"),
    ] {
        let page = app.get(&format!("/search?q={query}")).await;
        assert_eq!(page.status, 200);
        assert_eq!(
            hit_urls(&page.body).first().map(String::as_str),
            Some(url),
            "{query}"
        );
    }
}

#[tokio::test]
async fn relevant_pages_rank_first() {
    let app = spawn_app().await;
    let cases = [
        ("opt-out", "/actions/"),
        ("dementia", "/priorities/dementia-ageing"),
        ("transparency", "/values/transparency"),
    ];
    for (query, expected_prefix) in cases {
        let page = app.get(&format!("/search?q={query}")).await;
        let first = hit_urls(&page.body).into_iter().next().unwrap_or_default();
        assert!(
            first.starts_with(expected_prefix),
            "{query}: first result was {first}"
        );
    }
}

#[tokio::test]
async fn words_are_stemmed_and_all_required() {
    let app = spawn_app().await;
    let singular: Value =
        serde_json::from_str(&app.get("/api/v1/search?q=company").await.body).unwrap();
    let plural: Value =
        serde_json::from_str(&app.get("/api/v1/search?q=companies").await.body).unwrap();
    assert!(singular["total"].as_i64().unwrap() > 0);
    assert_eq!(
        singular["total"], plural["total"],
        "company and companies share a stem"
    );
    let one: Value = serde_json::from_str(&app.get("/api/v1/search?q=data").await.body).unwrap();
    let both: Value =
        serde_json::from_str(&app.get("/api/v1/search?q=data+commercial").await.body).unwrap();
    assert!(both["total"].as_i64().unwrap() <= one["total"].as_i64().unwrap());
    let excluded: Value =
        serde_json::from_str(&app.get("/api/v1/search?q=data+-commercial").await.body).unwrap();
    assert!(excluded["total"].as_i64().unwrap() < one["total"].as_i64().unwrap());
}

#[tokio::test]
async fn a_misspelling_finds_near_words_and_says_so() {
    let app = spawn_app().await;
    let page = app.get("/search?q=comercial").await;
    assert!(
        page.body.contains("data-test=\"search-fuzzy\""),
        "the page says it used near spellings"
    );
    assert!(!hit_urls(&page.body).is_empty());
}

#[tokio::test]
async fn snippets_mark_matches_and_escape_everything_else() {
    let app = spawn_app().await;
    let results: Value =
        serde_json::from_str(&app.get("/api/v1/search?q=security").await.body).unwrap();
    let snippet = results["hits"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>"), "{snippet}");
    let without_marks = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(!without_marks.contains('<'), "{snippet}");
}

#[tokio::test]
async fn facets_count_and_filter() {
    let app = spawn_app().await;
    let all: Value = serde_json::from_str(&app.get("/api/v1/search?q=data").await.body).unwrap();
    let kinds = all["facets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "kind")
        .unwrap();
    let recommendations = kinds["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["key"] == "recommendation")
        .unwrap();
    let only: Value = serde_json::from_str(
        &app.get("/api/v1/search?q=data&kind=recommendation")
            .await
            .body,
    )
    .unwrap();
    assert_eq!(only["total"], recommendations["count"]);
    for hit in only["hits"].as_array().unwrap() {
        assert_eq!(hit["kind"], "recommendation");
    }
    let implemented: Value = serde_json::from_str(
        &app.get("/api/v1/search?q=data&status=implemented")
            .await
            .body,
    )
    .unwrap();
    for hit in implemented["hits"].as_array().unwrap() {
        assert_eq!(hit["status_key"], "implemented");
    }
}

#[tokio::test]
async fn hostile_queries_give_a_useful_page_never_a_500() {
    let app = spawn_app().await;
    let noise: String = (0..2000)
        .map(|i| ['"', '-', '(', ')', ':', '*', '~', '^', '[', 'a', '\\', '/'][i % 12])
        .collect();
    for query in [
        "\"unbalanced",
        "-",
        "\"",
        "+",
        "AND OR NOT",
        "title:x",
        "[a TO z]",
        "*",
        "%00",
        "%1F%7F",
        "<script>alert(1)</script>",
        "a~2",
        "\"\"",
        "((",
        "/regex.*/",
        &noise,
    ] {
        let encoded: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
        let page = app.get(&format!("/search?q={encoded}")).await;
        assert_eq!(page.status, 200, "{query:.40}");
        assert!(
            page.body.contains("data-test=\"search-count\""),
            "{query:.40}"
        );
        assert!(
            !page.body.contains("<title>Search results for “<script>"),
            "{query:.40}"
        );
        let text_outside_attributes: String = page
            .body
            .split("data-props=")
            .map(|part| part.split_once('>').map(|(_, rest)| rest).unwrap_or(part))
            .collect();
        assert!(
            !text_outside_attributes.contains("<script>alert"),
            "{query:.40}"
        );
        let api = app.get(&format!("/api/v1/search?q={encoded}")).await;
        assert_eq!(api.status, 200, "{query:.40}");
    }
    let breakout = app.get("/search?q=%3C%2Ftitle%3E%3Cb%3Ex").await;
    assert!(
        breakout.body.contains("&lt;/title&gt;&lt;b&gt;x"),
        "the title stays text"
    );
    let empty = app.get("/search?q=").await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("Type a word or two"));
    let long = app.get(&format!("/search?q={}", "word+".repeat(400))).await;
    assert!(long.body.contains("data-test=\"search-shortened\""));
}

#[tokio::test]
async fn a_status_change_is_searchable_within_a_second() {
    let app = spawn_app().await;
    let db =
        app::db::Database::connect(&format!("sqlite://{}/candour.db", app.data_dir().display()))
            .await
            .unwrap();
    let before: Value = serde_json::from_str(&app.get("/api/v1/search?q=SH-4").await.body).unwrap();
    assert_ne!(before["hits"][0]["status_key"], "implemented");
    let mut tx = db.begin_write().await.unwrap();
    app::register::ssr::record_status_change(
        &mut tx,
        "SH-4",
        "2026-11-22",
        "implemented",
        "Done.",
        "PPIE Team",
        "2026-11-22T10:00:00Z",
    )
    .await
    .unwrap();
    app::db::bump_content_version(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    app::db::content_committed();
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    let after: Value = serde_json::from_str(&app.get("/api/v1/search?q=SH-4").await.body).unwrap();
    assert_eq!(after["hits"][0]["status_key"], "implemented");
}

#[tokio::test]
async fn the_search_server_function_accepts_a_query_without_filters() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/_fn/search", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("query[q]=security&query[page]=1&query[shortened]=false")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let results: Value = response.json().await.unwrap();
    assert!(results["total"].as_i64().unwrap() > 0);
}

async fn search_fixture() -> (tempfile::TempDir, app::db::Database, server::config::Config) {
    let dir = tempfile::tempdir().unwrap();
    let config = crate::helpers::config_for(dir.path(), &crate::helpers::content_dir());
    let db = server::startup::open_database(&config).await.unwrap();
    server::content::import_dir(&db, &config.content_dir)
        .await
        .unwrap();
    (dir, db, config)
}

#[tokio::test]
async fn a_deleted_index_is_rebuilt_from_the_database() {
    let (dir, db, config) = search_fixture().await;
    let first = server::startup::open_search(&db, &config).await.unwrap();
    let count = first.document_count();
    assert!(count > 75);
    drop(first);
    std::fs::remove_dir_all(dir.path().join("search")).unwrap();
    let again = server::startup::open_search(&db, &config).await.unwrap();
    assert_eq!(again.document_count(), count);
}

#[tokio::test]
async fn a_corrupted_index_is_rebuilt_never_a_crash() {
    let (dir, db, config) = search_fixture().await;
    let first = server::startup::open_search(&db, &config).await.unwrap();
    let count = first.document_count();
    drop(first);
    let index_dir = dir.path().join("search/v1");
    for entry in std::fs::read_dir(&index_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() && !path.ends_with(".tantivy-writer.lock") {
            std::fs::write(&path, b"this is not an index").unwrap();
        }
    }
    let again = server::startup::open_search(&db, &config).await.unwrap();
    assert_eq!(again.document_count(), count);
    let results = again
        .search(app::search::SearchQuery::from_pairs([("q", "security")]))
        .await
        .unwrap();
    assert!(results.total > 0);
}

#[tokio::test]
async fn an_index_of_an_older_schema_version_is_replaced() {
    let (dir, db, config) = search_fixture().await;
    let old = dir.path().join("search/v0");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(old.join("meta.json"), b"{}").unwrap();
    let index = server::startup::open_search(&db, &config).await.unwrap();
    assert!(index.document_count() > 0);
    assert!(!old.exists(), "the old version's folder is removed");
}

#[tokio::test]
async fn a_server_function_call_with_a_page_out_of_range_is_not_an_error() {
    let app = spawn_app().await;
    for body in [
        "query[q]=data&query[page]=0",
        "query[q]=data&query[page]=-5",
        "query[q]=data&query[page]=99999999",
    ] {
        let response = app
            .client
            .post(format!("{}/_fn/search", app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{body}");
    }
}
