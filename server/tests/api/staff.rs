//! Staff recording status changes and responses in the web app.

use app::accounts::Role;

use crate::helpers::spawn_app;

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

#[tokio::test]
async fn a_recorded_status_change_joins_the_public_history_and_the_audit_log() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let public_before = app.get("/actions/SH-1").await.body;
    assert!(!public_before.contains("Checked by the panel in the web app."));
    assert!(editor
        .get("/actions/SH-1")
        .await
        .body
        .contains("data-test=\"staff-update\""));
    assert!(!public_before.contains("data-test=\"staff-update\""));
    let page = editor.get("/admin/actions/SH-1").await;
    assert_eq!(page.status, 200);
    let current: String =
        sqlx::query_scalar("SELECT status_key FROM recommendations WHERE reference = 'SH-1'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let new_status = if current == "implemented" {
        "in-progress"
    } else {
        "implemented"
    };
    let reply = editor
        .post(
            "/admin/actions/SH-1/status",
            &[
                ("status", new_status),
                ("changed_on", &today()),
                ("note", "Checked by the panel in the web app."),
                ("team", "PPIE Team"),
            ],
        )
        .await;
    assert_eq!(reply.status, 303, "{:?}", reply.field_errors());
    assert_eq!(reply.location, "/admin/actions/SH-1?done=status-recorded");
    assert!(app
        .get("/actions/SH-1")
        .await
        .body
        .contains("Checked by the panel in the web app."));
    let audit: i64 = app
        .scalar_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'recommendation.status-changed' AND record_id = 'SH-1'")
        .await;
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn a_status_change_needs_a_new_status_a_sensible_date_and_a_note() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let history_before = app.scalar_i64("SELECT COUNT(*) FROM status_changes").await;
    let reply = editor
        .post(
            "/admin/actions/SH-1/status",
            &[
                ("status", ""),
                ("changed_on", "2999-01-01"),
                ("note", ""),
                ("team", "PPIE Team"),
            ],
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.field_errors(),
        vec![
            "Choose the new status".to_owned(),
            "The date cannot be in the future".to_owned(),
            "Enter a public note saying what happened".to_owned(),
        ]
    );
    let early = editor
        .post(
            "/admin/actions/SH-1/status",
            &[
                ("status", "agreed"),
                ("changed_on", "2000-01-01"),
                ("note", "x"),
                ("team", "T"),
            ],
        )
        .await;
    assert!(
        early
            .field_errors()
            .iter()
            .any(|e| e.starts_with("The date cannot be before the last change")),
        "{:?}",
        early.field_errors()
    );
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM status_changes").await,
        history_before
    );
}

#[tokio::test]
async fn a_response_saved_over_someone_elses_is_refused_and_keeps_the_text() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let form = editor.get("/admin/actions/PP-2").await.body;
    let start = form
        .find("name=\"revision\" value=\"")
        .expect("the form carries its revision")
        + 23;
    let stale = form[start..start + 16].to_owned();
    let first = editor
        .post(
            "/admin/actions/PP-2/response",
            &[
                ("what_we_did", "We set up the register."),
                ("progress", "40"),
                ("target", ""),
                ("revision", &stale),
            ],
        )
        .await;
    assert_eq!(first.status, 303, "{:?}", first.field_errors());
    assert!(app
        .get("/actions/PP-2")
        .await
        .body
        .contains("We set up the register."));
    let second = editor
        .post(
            "/admin/actions/PP-2/response",
            &[
                ("what_we_did", "An older draft of the answer."),
                ("progress", ""),
                ("target", ""),
                ("revision", &stale),
            ],
        )
        .await;
    assert_eq!(second.status, 409);
    assert!(
        second.body.contains("An older draft of the answer."),
        "my text is kept"
    );
    assert!(
        app.get("/actions/PP-2")
            .await
            .body
            .contains("We set up the register."),
        "theirs is not overwritten"
    );
    let bad = editor
        .post(
            "/admin/actions/PP-2/response",
            &[
                ("what_we_did", "Text"),
                ("progress", "150"),
                ("target", "soon"),
                ("revision", &stale),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.field_errors().len(), 2);
}

#[tokio::test]
async fn updating_a_recommendation_or_report_that_does_not_exist_shows_the_404_page() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let status = editor
        .post(
            "/admin/actions/PP-999/status",
            &[
                ("status", "agreed"),
                ("changed_on", &today()),
                ("note", "x"),
                ("team", "T"),
            ],
        )
        .await;
    assert_eq!(status.status, 404);
    assert!(status.body.contains("Page not found"));
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
    let current: String =
        sqlx::query_scalar("SELECT status_key FROM recommendations WHERE reference = 'SH-2'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let new_status = if current == "implemented" {
        "in-progress"
    } else {
        "implemented"
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
    let reply = editor
        .post(
            "/admin/actions/SH-2/status",
            &[
                ("status", new_status),
                ("changed_on", &today()),
                ("note", "Moved on."),
                ("team", "PPIE Team"),
            ],
        )
        .await;
    assert_eq!(reply.status, 303, "{:?}", reply.field_errors());
    assert!(app
        .get(&list)
        .await
        .references()
        .contains(&"SH-2".to_owned()));
}
