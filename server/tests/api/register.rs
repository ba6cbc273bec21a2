use crate::helpers::spawn_app;

#[tokio::test]
async fn register_lists_every_recommendation_across_pages_in_reference_order() {
    let app = spawn_app().await;
    let first = app.get("/actions").await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains("Showing 1 to 20 of 75 recommendations"));
    let refs = first.references();
    assert_eq!(refs.len(), 20);
    assert_eq!(&refs[..3], ["SH-1", "SH-2", "SH-3"]);
    assert_eq!(
        refs[7], "PP-1",
        "engagement order, then number (SH-7 is before PP-1)"
    );

    let last = app.get("/actions?page=4").await;
    assert!(last.body.contains("Showing 61 to 75 of 75"));
    assert_eq!(last.references().last().map(String::as_str), Some("DCF-36"));
}

#[tokio::test]
async fn register_filter_by_status_shows_only_that_status() {
    let app = spawn_app().await;
    let page = app.get("/actions?status=not-taken-forward").await;
    assert_eq!(page.status, 200);
    let refs = page.references();
    assert!(!refs.is_empty());
    for reference in &refs {
        let detail = app.get(&format!("/actions/{reference}")).await;
        assert!(
            detail.body.contains("data-status=\"not-taken-forward\""),
            "{reference}"
        );
    }
}

#[tokio::test]
async fn register_filters_combine_and_repeat() {
    let app = spawn_app().await;
    let both = app
        .get("/actions?status=implemented&status=in-progress&engagement=seldom-heard")
        .await;
    for reference in both.references() {
        assert!(reference.starts_with("SH-"), "{reference}");
    }
    let implemented = app
        .get("/actions?status=implemented&engagement=seldom-heard")
        .await
        .references()
        .len();
    let in_progress = app
        .get("/actions?status=in-progress&engagement=seldom-heard")
        .await
        .references()
        .len();
    assert_eq!(both.references().len(), implemented + in_progress);
}

#[tokio::test]
async fn register_filter_by_value_and_priority_uses_the_links() {
    let app = spawn_app().await;
    let by_priority = app.get("/actions?priority=health-inequalities").await;
    assert!(!by_priority.references().is_empty());
    assert!(by_priority.references().len() < 75);
    let by_value = app
        .get("/actions?value=transparency&priority=health-inequalities")
        .await;
    assert!(by_value.references().len() <= by_priority.references().len());
}

#[tokio::test]
async fn register_text_filter_matches_words_case_insensitively() {
    let app = spawn_app().await;
    let page = app.get("/actions?q=OPT-OUT").await;
    assert!(!page.references().is_empty());
    let nothing = app.get("/actions?q=zzzqqqxxy").await;
    assert!(nothing
        .body
        .contains("No recommendations match these filters"));
    let wildcard = app.get("/actions?q=%25").await;
    assert_eq!(wildcard.status, 200, "a % is a character, not a wildcard");
}

#[tokio::test]
async fn register_sorts_by_last_update_newest_first() {
    let app = spawn_app().await;
    let page = app.get("/actions?sort=updated").await;
    let dates: Vec<&str> = page
        .body
        .split("<time datetime=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert!(dates.len() >= 20);
    assert_eq!(dates[dates.len() - 20..], sorted[sorted.len() - 20..]);
}

#[tokio::test]
async fn bad_register_parameters_get_a_clear_400() {
    let app = spawn_app().await;
    for (query, message) in [
        ("status=bogus", "There is no status called"),
        ("engagement=nope", "There is no engagement called"),
        ("sort=random", "Sort must be one of"),
        ("page=0", "Page must be a whole number"),
        ("as_of=2026-02-30", "as_of must be a real date"),
    ] {
        let page = app.get(&format!("/actions?{query}")).await;
        assert_eq!(page.status, 400, "{query}");
        assert!(page.body.contains(message), "{query}: message missing");
    }
}

#[tokio::test]
async fn as_of_rebuilds_the_register_from_history() {
    let app = spawn_app().await;
    // Before anything was raised: an empty register.
    let before = app.get("/actions?as_of=2023-01-01").await;
    assert_eq!(before.status, 200);
    assert!(before.body.contains("No recommendations match"));
    // After the seldom-heard sessions but before the panel's recommendations were logged.
    let mid_2023 = app.get("/actions?as_of=2023-12-31").await;
    let refs = mid_2023.references();
    assert!(!refs.is_empty());
    assert!(refs.iter().all(|r| r.starts_with("SH-")), "{refs:?}");
    assert!(mid_2023.body.contains("as they stood on 31 December 2023"));
    // Today's statuses differ from those of 2023 for some recommendations.
    let today = app.get("/actions?engagement=seldom-heard").await;
    assert_ne!(
        today.body.matches("data-status=\"implemented\"").count(),
        mid_2023.body.matches("data-status=\"implemented\"").count()
    );
}

#[tokio::test]
async fn recommendation_page_shows_said_did_status_and_history() {
    let app = spawn_app().await;
    let page = app.get("/actions/PP-5").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("You said"));
    assert!(page.body.contains("What we did"));
    assert!(page.body.contains("data-test=\"history\""));
    assert!(page.body.contains("/actions/PP-5/feed.atom"));
    assert!(
        page.body.contains("data-test=\"overdue\""),
        "PP-5 is past its target and still open"
    );
}

#[tokio::test]
async fn unknown_references_give_the_404_page() {
    let app = spawn_app().await;
    for path in [
        "/actions/PP-999",
        "/actions/nonsense",
        "/values/nope",
        "/priorities/nope",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains("Page not found"), "{path}");
    }
}

#[tokio::test]
async fn value_and_priority_pages_show_linked_recommendations_and_counts() {
    let app = spawn_app().await;
    let page = app.get("/values/transparency").await;
    assert_eq!(page.status, 200);
    assert!(!page.references().is_empty());
    assert!(page.body.contains("data-test=\"progress-summary\""));
    let list = app.get("/priorities").await;
    assert_eq!(list.body.matches("nhsuk-card__link").count(), 6);
}

#[tokio::test]
async fn you_said_we_did_covers_each_engagement_with_recommendations() {
    let app = spawn_app().await;
    let page = app.get("/you-said-we-did").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body.matches("data-test=\"group-progress\"").count(), 3);
    assert!(page.body.contains("They made 32 recommendations"));
    assert!(page.body.contains("They made 36 recommendations"));
    assert!(page.body.contains("They made 7 recommendations"));
}
