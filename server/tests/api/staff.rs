//! Staff keeping a recommendation up to date: one form, a check page, then the record.

use app::accounts::Role;

use crate::helpers::{spawn_app, Browser, Reply, TestApp};

fn today() -> (String, String, String) {
    let today = app::dates::uk_now().date_naive();
    use chrono::Datelike;
    (
        today.day().to_string(),
        today.month().to_string(),
        today.year().to_string(),
    )
}

/// The revision the update form carries.
async fn revision(editor: &Browser, reference: &str) -> String {
    let form = editor
        .get(&format!("/admin/actions/{reference}"))
        .await
        .body;
    let start = form
        .find("name=\"revision\" value=\"")
        .expect("the form carries its revision")
        + 23;
    form[start..start + 16].to_owned()
}

async fn current_status(app: &TestApp, reference: &str) -> String {
    sqlx::query_scalar("SELECT status_key FROM recommendations WHERE reference = $1")
        .bind(reference)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// An update's fields: no status change, the given texts, `changes` on top.
fn fields<'a>(revision: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("status", ""),
        ("changed_on-day", ""),
        ("changed_on-month", ""),
        ("changed_on-year", ""),
        ("note", ""),
        ("team", "PPIE Team"),
        ("summary", "Where it stands now."),
        ("what_we_did", "We set up the register."),
        ("progress", ""),
        ("target-day", ""),
        ("target-month", ""),
        ("target-year", ""),
        ("revision", revision),
    ];
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value,
            None => fields.push((name, value)),
        }
    }
    fields
}

/// Checks then records an update, as the two buttons do.
async fn check_and_record(editor: &Browser, reference: &str, fields: &[(&str, &str)]) -> Reply {
    let check = editor
        .post(&format!("/admin/actions/{reference}/check"), fields)
        .await;
    assert_eq!(check.status, 200, "{:?}", check.field_errors());
    editor
        .post(&format!("/admin/actions/{reference}/update"), fields)
        .await
}

#[tokio::test]
async fn a_status_change_is_checked_then_joins_the_public_history_and_the_audit_log() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    assert!(editor
        .get("/actions/SH-1")
        .await
        .body
        .contains("data-test=\"staff-update\""));
    assert!(!app
        .get("/actions/SH-1")
        .await
        .body
        .contains("data-test=\"staff-update\""));
    let new_status = if current_status(&app, "SH-1").await == "in-progress" {
        "agreed"
    } else {
        "in-progress"
    };
    let revision = revision(&editor, "SH-1").await;
    let (day, month, year) = today();
    let update = fields(
        &revision,
        &[
            ("status", new_status),
            ("changed_on-day", &day),
            ("changed_on-month", &month),
            ("changed_on-year", &year),
            ("note", "Checked by the panel in the web app."),
            ("progress", "30"),
        ],
    );
    let check = editor.post("/admin/actions/SH-1/check", &update).await;
    assert_eq!(check.status, 200, "{:?}", check.field_errors());
    assert!(check.body.contains("Check your update before recording it"));
    assert!(check.body.contains("data-test=\"permanent-warning\""));
    assert!(check.body.contains("Checked by the panel in the web app."));
    assert!(
        !app.get("/actions/SH-1")
            .await
            .body
            .contains("Checked by the panel"),
        "nothing is recorded by the check"
    );
    let recorded = editor.post("/admin/actions/SH-1/update", &update).await;
    assert_eq!(recorded.status, 303, "{:?}", recorded.field_errors());
    assert_eq!(
        recorded.location,
        "/actions/SH-1?done=recommendation-updated"
    );
    let public = app.get("/actions/SH-1").await.body;
    assert!(public.contains("Checked by the panel in the web app."));
    assert!(public.contains("Where it stands now."));
    assert!(public.contains("30% complete"));
    for action in [
        "recommendation.status-changed",
        "recommendation.response-changed",
    ] {
        let entries = app
            .scalar_i64(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND record_id = 'SH-1'"
            ))
            .await;
        assert_eq!(entries, 1, "{action}");
    }
    // The audit log says it in words, links to the recommendation and names the status as
    // the register shows it.
    let status_name: String = sqlx::query_scalar("SELECT name FROM statuses WHERE key = $1")
        .bind(new_status)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let (admin, _) = app.signed_in(Role::Admin).await;
    let log = admin
        .get("/admin/audit?action=recommendation.status-changed")
        .await
        .body;
    assert!(
        log.contains("Editor (PPIE team), changed the status of <a href=\"/actions/SH-1\">recommendation SH-1</a>"),
        "{log}"
    );
    assert!(log.contains(&format!("status {status_name} on ")), "{log}");
    assert!(!log.contains(&format!("status {new_status}")));
    assert!(log.contains("<option value=\"recommendation.status-changed\" selected>Recommendation: status changed</option>")
        || log.contains("<option selected value=\"recommendation.status-changed\">Recommendation: status changed</option>")
        || log.contains(">Recommendation: status changed</option>"));
}

#[tokio::test]
async fn going_back_from_the_check_page_keeps_what_was_typed() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let revision = revision(&editor, "PP-3").await;
    let update = fields(&revision, &[("summary", "A summary I am still writing.")]);
    let back = editor.post("/admin/actions/PP-3", &update).await;
    assert_eq!(back.status, 200);
    assert!(back.body.contains("A summary I am still writing."));
}

#[tokio::test]
async fn every_mistake_gets_its_message_beside_its_field_and_nothing_is_recorded() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let history_before = app.scalar_i64("SELECT COUNT(*) FROM status_changes").await;
    let revision = revision(&editor, "SH-1").await;
    let note_only = fields(&revision, &[("note", "A note but no status")]);
    let reply = editor.post("/admin/actions/SH-1/check", &note_only).await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.field_errors(),
        vec!["Choose the new status, or clear the date and note of the change".to_owned()]
    );
    assert!(
        reply.body.contains("A note but no status"),
        "the text is kept"
    );

    let other = if current_status(&app, "SH-1").await == "agreed" {
        "in-progress"
    } else {
        "agreed"
    };
    let bad = fields(
        &revision,
        &[
            ("status", other),
            ("changed_on-day", "31"),
            ("changed_on-month", "2"),
            ("changed_on-year", "2026"),
            ("note", ""),
            ("team", ""),
            ("summary", ""),
            ("what_we_did", ""),
            ("progress", "150"),
            ("target-day", "1"),
            ("target-year", "2027"),
        ],
    );
    let reply = editor.post("/admin/actions/SH-1/check", &bad).await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.field_errors(),
        vec![
            "Date of the change must be a real date".to_owned(),
            "Enter a public note saying what happened".to_owned(),
            "Enter the team responsible".to_owned(),
            "Enter a summary: where this recommendation stands, in a sentence or two".to_owned(),
            "Enter what the SDE did, or is doing, about this recommendation".to_owned(),
            "Progress must be a whole number from 0 to 100, or empty".to_owned(),
            "Target date must include a month".to_owned(),
        ]
    );
    assert!(
        reply.body.contains("href=\"#changed_on-day\""),
        "the summary links to the day box"
    );
    assert!(reply.body.contains("href=\"#target-month\""));
    let future = fields(
        &revision,
        &[
            ("status", other),
            ("changed_on-day", "1"),
            ("changed_on-month", "1"),
            ("changed_on-year", "2999"),
            ("note", "Too early"),
            ("progress", "5"),
        ],
    );
    let reply = editor.post("/admin/actions/SH-1/check", &future).await;
    assert_eq!(
        reply.field_errors(),
        vec!["Date of the change must be today or in the past".to_owned()]
    );
    // A whole date typed into the day box is understood.
    let open = self::revision(&editor, "SH-2").await;
    let typed = fields(&open, &[("target-day", "14/12/2026"), ("progress", "10")]);
    let reply = editor.post("/admin/actions/SH-2/check", &typed).await;
    assert_eq!(reply.status, 200, "{:?}", reply.field_errors());
    assert!(reply.body.contains("14 December 2026"));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM status_changes").await,
        history_before
    );
}

#[tokio::test]
async fn an_update_made_over_someone_elses_is_refused_and_keeps_the_text() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let stale = revision(&editor, "PP-2").await;
    let first = check_and_record(
        &editor,
        "PP-2",
        &fields(&stale, &[("what_we_did", "We set up the register.")]),
    )
    .await;
    assert_eq!(first.status, 303, "{:?}", first.field_errors());
    let second = editor
        .post(
            "/admin/actions/PP-2/update",
            &fields(&stale, &[("what_we_did", "An older draft of the answer.")]),
        )
        .await;
    assert_eq!(second.status, 409);
    assert!(
        second.body.contains("An older draft of the answer."),
        "my text is kept"
    );
    let public = app.get("/actions/PP-2").await.body;
    assert!(
        public.contains("We set up the register."),
        "theirs is not overwritten"
    );
}

#[tokio::test]
async fn of_two_updates_made_at_once_from_the_same_copy_exactly_one_is_recorded() {
    let app = spawn_app().await;
    let mut editors = Vec::new();
    for _ in 0..2 {
        editors.push(std::sync::Arc::new(app.signed_in(Role::Editor).await.0));
    }
    let before = app.scalar_i64("SELECT COUNT(*) FROM status_changes").await;
    for round in 0..5 {
        let revision = revision(&editors[0], "DCF-4").await;
        let status = if current_status(&app, "DCF-4").await == "agreed" {
            "in-progress"
        } else {
            "agreed"
        }
        .to_owned();
        let (day, month, year) = today();
        let mut tasks = Vec::new();
        for (i, editor) in editors.iter().enumerate() {
            let editor = editor.clone();
            let (revision, status, day, month, year) = (
                revision.clone(),
                status.clone(),
                day.clone(),
                month.clone(),
                year.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let note = format!("Round {round}, editor {i}");
                let update = fields(
                    &revision,
                    &[
                        ("status", &status),
                        ("changed_on-day", &day),
                        ("changed_on-month", &month),
                        ("changed_on-year", &year),
                        ("note", &note),
                        ("progress", "20"),
                    ],
                );
                editor
                    .post("/admin/actions/DCF-4/update", &update)
                    .await
                    .status
            }));
        }
        let mut statuses = Vec::new();
        for task in tasks {
            statuses.push(task.await.unwrap());
        }
        statuses.sort_unstable();
        assert_eq!(statuses, vec![303, 409], "round {round}");
    }
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM status_changes").await,
        before + 5
    );
    // The history never repeats a status or goes back in time.
    let history: Vec<(Option<String>, String, String)> = sqlx::query_as(
        "SELECT sc.from_status, sc.to_status, sc.changed_on FROM status_changes sc
         JOIN recommendations r ON r.id = sc.recommendation_id WHERE r.reference = 'DCF-4' ORDER BY sc.seq",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    for pair in history.windows(2) {
        assert_ne!(
            pair[1].0.as_deref(),
            Some(pair[1].1.as_str()),
            "{history:?}"
        );
        assert!(pair[1].2 >= pair[0].2, "{history:?}");
    }
}

#[tokio::test]
async fn a_decision_shows_when_it_was_made_and_no_stale_progress_anywhere() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let before = app.get("/actions/PP-5").await.body;
    assert!(
        before.contains("% complete"),
        "PP-5 is in progress in the seed content"
    );
    let revision = revision(&editor, "PP-5").await;
    let (day, month, year) = today();
    let with_progress = fields(
        &revision,
        &[
            ("status", "implemented"),
            ("changed_on-day", &day),
            ("changed_on-month", &month),
            ("changed_on-year", &year),
            (
                "note",
                "The benefit-sharing terms are now in every contract.",
            ),
            ("progress", "40"),
            ("target-day", "31"),
            ("target-month", "3"),
            ("target-year", "2027"),
        ],
    );
    let refused = editor
        .post("/admin/actions/PP-5/check", &with_progress)
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.field_errors(),
        vec![
            "Leave progress empty: the new status is a decision, which has no percentage"
                .to_owned(),
            "Leave the target date empty: the new status is a decision".to_owned(),
        ]
    );
    let done = fields(
        &revision,
        &[
            ("status", "implemented"),
            ("changed_on-day", &day),
            ("changed_on-month", &month),
            ("changed_on-year", &year),
            (
                "note",
                "The benefit-sharing terms are now in every contract.",
            ),
            (
                "summary",
                "Every contract now shares benefits with the NHS.",
            ),
        ],
    );
    let recorded = check_and_record(&editor, "PP-5", &done).await;
    assert_eq!(recorded.status, 303, "{:?}", recorded.field_errors());
    let page = app.get("/actions/PP-5").await.body;
    assert!(page.contains("data-test=\"decided-on\""));
    assert!(page.contains("Decision made on"));
    assert!(!page.contains("% complete"));
    assert!(!page.contains("data-test=\"target-date\""));
    assert!(!page.contains("behind schedule"));
    let json: serde_json::Value =
        reqwest::get(format!("{}/api/v1/recommendations/PP-5", app.address))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(json["progress"], serde_json::Value::Null, "{json}");
    assert_eq!(json["target"], serde_json::Value::Null);
    assert!(json["decided_on"].is_string());
    let csv = app.get("/actions.csv").await.body;
    let line = csv.lines().find(|l| l.starts_with("PP-5,")).unwrap();
    assert!(!line.contains(",40,"), "{line}");

    // Reopening asks for the progress again.
    let revision = self::revision(&editor, "PP-5").await;
    let reopen = fields(
        &revision,
        &[
            ("status", "in-progress"),
            ("changed_on-day", &day),
            ("changed_on-month", &month),
            ("changed_on-year", &year),
            ("note", "A contract was found without the terms."),
        ],
    );
    let reply = editor.post("/admin/actions/PP-5/check", &reopen).await;
    assert_eq!(
        reply.field_errors(),
        vec!["Enter the progress again: it was cleared when the decision was made".to_owned()]
    );
}

#[tokio::test]
async fn updating_a_recommendation_or_report_that_does_not_exist_shows_the_404_page() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    for path in [
        "/admin/actions/PP-999/check",
        "/admin/actions/PP-999/update",
    ] {
        let reply = editor.post(path, &fields("x", &[])).await;
        assert_eq!(reply.status, 404, "{path}");
        assert!(reply.body.contains("Page not found"));
    }
    let report = editor
        .post(
            "/admin/reports/99999",
            &[("title", "T"), ("action", "save"), ("version", "1")],
        )
        .await;
    assert_eq!(report.status, 404);
    assert!(report.body.contains("Page not found"));
}

#[tokio::test]
async fn the_register_list_shows_a_status_change_at_once_though_its_pages_are_cached() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let new_status = if current_status(&app, "SH-2").await == "agreed" {
        "in-progress"
    } else {
        "agreed"
    };
    let list = format!("/actions?status={new_status}");
    // Computed once and kept.
    for _ in 0..2 {
        assert!(!app
            .get(&list)
            .await
            .references()
            .contains(&"SH-2".to_owned()));
    }
    let revision = revision(&editor, "SH-2").await;
    let (day, month, year) = today();
    let update = fields(
        &revision,
        &[
            ("status", new_status),
            ("changed_on-day", &day),
            ("changed_on-month", &month),
            ("changed_on-year", &year),
            ("note", "Moved on."),
            ("progress", "10"),
        ],
    );
    let reply = check_and_record(&editor, "SH-2", &update).await;
    assert_eq!(reply.status, 303, "{:?}", reply.field_errors());
    assert!(app
        .get(&list)
        .await
        .references()
        .contains(&"SH-2".to_owned()));
}

/// Records a status change on `reference` through the update journey (between
/// "in-progress" and "agreed"), as an editor would; returns the new status.
pub async fn change_status(app: &TestApp, editor: &Browser, reference: &str, note: &str) -> String {
    let new_status = if current_status(app, reference).await == "in-progress" {
        "agreed"
    } else {
        "in-progress"
    };
    let revision = revision(editor, reference).await;
    let (day, month, year) = today();
    let update = fields(
        &revision,
        &[
            ("status", new_status),
            ("changed_on-day", &day),
            ("changed_on-month", &month),
            ("changed_on-year", &year),
            ("note", note),
            ("progress", "30"),
        ],
    );
    let recorded = check_and_record(editor, reference, &update).await;
    assert_eq!(recorded.status, 303, "{:?}", recorded.field_errors());
    new_status.to_owned()
}

#[tokio::test]
async fn a_status_change_alone_is_one_audit_entry_in_plain_words() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    // A recommendation still under way moves to the other open status, nothing else.
    let (reference, status, summary, what_we_did, team, progress, target): (
        String,
        String,
        String,
        String,
        String,
        Option<i64>,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT reference, status_key, summary, what_we_did_md, team, progress, target FROM recommendations \
         WHERE status_key IN ('in-progress', 'agreed') ORDER BY reference LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let reference = reference.as_str();
    let new_status = if status == "in-progress" {
        "agreed"
    } else {
        "in-progress"
    };
    let revision = revision(&editor, reference).await;
    let (day, month, year) = today();
    let progress = progress.map(|p| p.to_string()).unwrap_or_default();
    let target: Vec<String> = target
        .map(|t| {
            t.split('-')
                .map(|part| part.trim_start_matches('0').to_owned())
                .collect()
        })
        .unwrap_or_else(|| vec![String::new(); 3]);
    let update = fields(
        &revision,
        &[
            ("status", new_status),
            ("changed_on-day", &day),
            ("changed_on-month", &month),
            ("changed_on-year", &year),
            ("note", "Moved on by the board."),
            ("summary", &summary),
            ("what_we_did", &what_we_did),
            ("team", &team),
            ("progress", &progress),
            ("target-year", &target[0]),
            ("target-month", &target[1]),
            ("target-day", &target[2]),
        ],
    );
    let recorded = check_and_record(&editor, reference, &update).await;
    assert_eq!(recorded.status, 303, "{:?}", recorded.field_errors());
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE record_id = $1 ORDER BY id")
            .bind(reference)
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(
        actions,
        vec!["recommendation.status-changed"],
        "nothing else changed"
    );
    // A change to the response is worded without programmers' words.
    let revision = self::revision(&editor, reference).await;
    let update = fields(
        &revision,
        &[("summary", "A new summary of where it stands.")],
    );
    let recorded = check_and_record(&editor, reference, &update).await;
    assert_eq!(recorded.status, 303, "{:?}", recorded.field_errors());
    let (admin, _) = app.signed_in(Role::Admin).await;
    let log = admin
        .get("/admin/audit?action=recommendation.response-changed")
        .await
        .body;
    assert!(
        log.contains("summary of 7 words; “what we did” of"),
        "{log}"
    );
    assert!(!log.contains("None") && !log.contains("Some("), "{log}");
}
