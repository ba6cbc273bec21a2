//! The same service on PostgreSQL (the backend for larger, multi-instance deployments):
//! migrations, the public pages, open data, accounts and the report editor. Each test gets
//! its own fresh database on the server named by CANDOUR_TEST_POSTGRES (default: the local
//! server, trust auth, database `test`).

use app::accounts::Role;

use crate::helpers::{content_dir, spawn_app_configured, TestApp};

fn admin_url() -> String {
    std::env::var("CANDOUR_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// The test server's address without a database, and the administration database's name.
pub fn admin_url_parts() -> (String, String) {
    let base = admin_url();
    match base.rsplit_once('/') {
        Some((server, database)) => (server.to_owned(), database.to_owned()),
        None => (base, String::new()),
    }
}

/// A fresh, empty database; the server imports content/ into it at start-up.
pub async fn spawn_app_on_postgres() -> (TestApp, String) {
    use sqlx::Connection as _;
    sqlx::any::install_default_drivers();
    let name = format!(
        "candour_test_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let mut admin = sqlx::AnyConnection::connect(&admin_url())
        .await
        .expect("PostgreSQL is reachable (set CANDOUR_TEST_POSTGRES to its URL)");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let (server, _) = admin_url_parts();
    let url = format!("{server}/{name}");
    let app = spawn_app_configured(&content_dir(), |config| config.database_url = url).await;
    (app, name)
}

pub async fn drop_database(app: TestApp, name: &str) {
    use sqlx::Connection as _;
    app.db.close().await;
    drop(app);
    let mut admin = sqlx::AnyConnection::connect(&admin_url()).await.unwrap();
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await;
}

#[tokio::test]
async fn on_postgresql_every_public_page_and_open_data_file_answers() {
    let (app, name) = spawn_app_on_postgres().await;
    for path in [
        "/",
        "/actions",
        "/actions?status=implemented&sort=updated",
        "/policies",
        "/policies/data-access",
        "/policies/data-access/versions",
        "/policies/data-access/versions/1",
        "/policies/data-access/moderation",
        "/actions?as_of=2025-06-30",
        "/actions/PP-1",
        "/you-said-we-did",
        "/values",
        "/priorities",
        "/engagement",
        "/reports",
        "/reports/quarterly-summary-2026-q2",
        "/reports/public-panel-report/history",
        "/search?q=commercial+access",
        "/actions.csv",
        "/actions.json",
        "/actions/feed.atom",
        "/api/v1/recommendations",
        "/reports/feed.atom",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
    }
    assert_eq!(app.get("/actions").await.references().len(), 20);
    drop_database(app, &name).await;
}

#[tokio::test]
async fn on_postgresql_accounts_reports_and_the_audit_log_work() {
    let (app, name) = spawn_app_on_postgres().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let reply = editor
        .post(
            "/admin/reports/new",
            &[
                ("title", "Written on PostgreSQL"),
                ("kind", "briefing"),
                ("date-day", "20"),
                ("date-month", "11"),
                ("date-year", "2026"),
                ("summary", "A short summary."),
                ("body", "## Heading\n\nSome text."),
                ("version", "0"),
                ("action", "publish"),
                ("confirmed", "yes"),
            ],
        )
        .await;
    assert_eq!(reply.status, 303, "{:?}", reply.field_errors());
    assert_eq!(app.get("/reports/written-on-postgresql").await.status, 200);
    let (admin, _) = app.signed_in(Role::Admin).await;
    let audit = admin.get("/admin/audit.csv").await;
    assert!(audit.body.contains("report.published") || audit.body.contains("report.created"));
    assert!(sqlx::query("DELETE FROM audit_log")
        .execute(app.db.pool())
        .await
        .is_err());
    drop_database(app, &name).await;
}

#[tokio::test]
async fn on_postgresql_a_policy_is_reviewed_answered_and_published() {
    let (app, name) = spawn_app_on_postgres().await;
    crate::policies::review_and_publish(&app).await;
    drop_database(app, &name).await;
}

#[tokio::test]
async fn on_postgresql_critical_friends_views_are_given_answered_filtered_and_published() {
    use crate::friends_views::*;
    // Each journey counts views from none, so each gets its own database.
    for journey in 0..6 {
        let (app, name) = spawn_app_on_postgres().await;
        match journey {
            0 => {
                a_critical_friend_gives_and_changes_a_view_that_everyone_sees_with_its_reason_on(
                    &app,
                )
                .await
            }
            1 => only_critical_friends_give_views_and_only_staff_answer_them_on(&app).await,
            2 => a_status_change_marks_the_views_given_before_it_on(&app).await,
            3 => {
                the_register_filters_and_counts_disagreement_and_the_open_data_carries_it_on(&app)
                    .await
            }
            4 => as_of_counts_the_views_as_they_stood_that_day_on(&app).await,
            _ => views_are_append_only_in_the_database_on(&app).await,
        }
        drop_database(app, &name).await;
    }
}

#[tokio::test]
async fn on_postgresql_critical_friends_review_a_draft_under_its_paragraphs_and_staff_answer_from_the_queue(
) {
    use crate::policy_review::*;
    for journey in 0..4 {
        let (app, name) = spawn_app_on_postgres().await;
        match journey {
            0 => comment_on_a_paragraph_opens_the_form_under_it_and_states_the_limit_on(&app).await,
            1 => paragraphs_new_or_changed_since_the_published_version_are_marked_on(&app).await,
            2 => staff_answer_from_a_queue_of_unanswered_comments_oldest_first_on(&app).await,
            _ => authors_edit_or_withdraw_their_comment_until_it_is_answered_on(&app).await,
        }
        drop_database(app, &name).await;
    }
}

#[tokio::test]
async fn on_postgresql_a_policys_versions_comparison_csv_and_removals_are_public() {
    let (app, name) = spawn_app_on_postgres().await;
    crate::policy_versions::public_history(&app).await;
    drop_database(app, &name).await;
}

#[tokio::test]
async fn on_postgresql_an_editor_adds_an_engagement_and_a_recommendation_and_rewords_it() {
    let (app, name) = spawn_app_on_postgres().await;
    crate::register_editing::an_editor_adds_an_engagement_and_a_recommendation_the_public_sees(
        &app,
    )
    .await;
    drop_database(app, &name).await;
}

#[tokio::test]
async fn on_postgresql_history_cannot_be_truncated_and_guesses_are_counted_before_checking() {
    let (app, name) = spawn_app_on_postgres().await;
    for table in [
        "audit_log",
        "status_changes",
        "report_revisions",
        "recommendation_wordings",
        "content_revisions",
    ] {
        let outcome = sqlx::query(&format!("TRUNCATE {table} CASCADE"))
            .execute(app.db.pool())
            .await;
        assert!(outcome.is_err(), "TRUNCATE {table} was allowed");
    }
    let user = app.create_user(Role::Editor).await;
    let statuses = crate::hardening::burst(&app, &user.email, 40, None).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        5,
        "{statuses:?}"
    );
    drop_database(app, &name).await;
}

#[tokio::test]
async fn on_postgresql_two_editors_saving_one_report_at_once_never_both_succeed() {
    let (app, name) = spawn_app_on_postgres().await;
    crate::reliability::report_saves_at_once_record_exactly_one(&app).await;
    drop_database(app, &name).await;
}

#[tokio::test]
async fn on_postgresql_a_creating_form_sent_twice_creates_one_thing() {
    let (app, name) = spawn_app_on_postgres().await;
    crate::reliability::creating_forms_sent_twice_create_one_thing(&app).await;
    drop_database(app, &name).await;
}
