//! Values, priorities, pages and the glossary edited in the browser; `candour import` never
//! overwrites a browser edit, and `import → edit → export → import` changes nothing.

use app::accounts::Role;
use server::content::{export_dir, import_dir};

use crate::{
    content::{copy_dir, fresh_db},
    helpers::{content_dir, spawn_app, spawn_app_with_content},
};

fn revision_in(body: &str) -> String {
    let start = body
        .find("name=\"revision\" value=\"")
        .expect("the form carries its revision")
        + 23;
    body[start..start + 16].to_owned()
}

#[tokio::test]
async fn an_editor_edits_a_value_and_a_page_and_each_save_is_a_revision() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let list = editor.get("/admin/content").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("/admin/values/transparency"));
    assert!(list.body.contains("/admin/pages/contact"));

    let form = editor.get("/admin/values/transparency").await.body;
    let revision = revision_in(&form);
    let preview = editor
        .post(
            "/admin/values/transparency",
            &[
                ("title", "Transparency"),
                ("summary", "We say openly what we do with data."),
                ("body", "We publish **every** decision, without exception."),
                ("note", ""),
                ("revision", &revision),
                ("action", "preview"),
            ],
        )
        .await;
    assert_eq!(preview.status, 200);
    assert!(
        preview.body.contains("<strong>every</strong>"),
        "the preview shows the text"
    );
    assert!(!app
        .get("/values/transparency")
        .await
        .body
        .contains("without exception"));

    let saved = editor
        .post(
            "/admin/values/transparency",
            &[
                ("title", "Transparency"),
                ("summary", "We say openly what we do with data."),
                ("body", "We publish **every** decision, without exception."),
                ("note", "Shorter"),
                ("revision", &revision),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{:?}", saved.field_errors());
    assert_eq!(saved.location, "/values/transparency?done=content-saved");
    assert!(app
        .get("/values/transparency")
        .await
        .body
        .contains("without exception"));
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM content_revisions WHERE kind = 'value' AND key = 'transparency'"
        )
        .await,
        1
    );
    // The same copy again: someone else's save came first.
    let stale = editor
        .post(
            "/admin/values/transparency",
            &[
                ("title", "Transparency"),
                ("summary", "Older"),
                ("body", "An older text."),
                ("revision", &revision),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(stale.status, 409);
    assert!(stale.body.contains("An older text."), "my text is kept");
    assert!(stale.body.contains("data-test=\"their-version\""));
    assert!(
        stale.body.contains("without exception"),
        "their text is shown"
    );

    let contact = editor.get("/admin/pages/contact").await.body;
    let saved = editor
        .post(
            "/admin/pages/contact",
            &[
                ("title", "Contact us"),
                ("summary", "How to reach the PPIE team."),
                ("body", "Write to us at the address below."),
                ("revision", &revision_in(&contact)),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{:?}", saved.field_errors());
    assert!(app
        .get("/contact")
        .await
        .body
        .contains("Write to us at the address below."));
    // Only the four editable pages.
    assert_eq!(editor.get("/admin/pages/search").await.status, 404);
    let audit = app
        .scalar_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'content.saved'")
        .await;
    assert_eq!(audit, 2);
}

#[tokio::test]
async fn a_new_priority_and_the_glossary_are_made_in_the_browser() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let missing = editor
        .post(
            "/admin/priorities/new",
            &[
                ("title", ""),
                ("summary", ""),
                ("body", "Text"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(missing.status, 422);
    assert_eq!(
        missing.field_errors(),
        vec![
            "Enter the title".to_owned(),
            "Enter the summary: a sentence or two".to_owned()
        ]
    );
    let made = editor
        .post(
            "/admin/priorities/new",
            &[
                ("title", "Rare diseases"),
                ("slug", ""),
                ("summary", "Research into conditions few people have."),
                ("body", "Small numbers make privacy harder."),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{:?}", made.field_errors());
    assert_eq!(
        made.location,
        "/priorities/rare-diseases?done=content-saved"
    );
    assert!(app.get("/priorities").await.body.contains("Rare diseases"));

    let glossary = editor.get("/admin/glossary").await.body;
    let bad = editor
        .post(
            "/admin/glossary",
            &[
                ("text", "utilise use"),
                ("revision", &revision_in(&glossary)),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.field_errors()[0].starts_with("Line 1:"));
    let saved = editor
        .post(
            "/admin/glossary",
            &[
                ("text", "utilise = use\nfacilitate = help"),
                ("revision", &revision_in(&glossary)),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{:?}", saved.field_errors());
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM glossary_terms").await,
        2
    );
}

#[tokio::test]
async fn import_never_overwrites_a_browser_edit_and_a_round_trip_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&content_dir(), &content);
    let app = spawn_app_with_content(&content).await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let form = editor.get("/admin/values/fairness").await.body;
    let saved = editor
        .post(
            "/admin/values/fairness",
            &[
                ("title", "Fairness"),
                ("summary", "Everyone benefits, not just some."),
                ("body", "Edited in the browser."),
                ("revision", &revision_in(&form)),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{:?}", saved.field_errors());

    // The file still has the old text: importing it keeps the browser edit.
    let report = import_dir(&app.db, &content).await.unwrap();
    assert_eq!(report.conflicts.len(), 1, "{report}");
    assert!(
        report.conflicts[0].starts_with("value fairness"),
        "{report}"
    );
    assert!(app
        .get("/values/fairness")
        .await
        .body
        .contains("Edited in the browser."));

    // Export, then import: the files now say what the database says.
    export_dir(&app.db, &content).await.unwrap();
    let again = import_dir(&app.db, &content).await.unwrap();
    assert!(again.conflicts.is_empty(), "{again}");
    assert_eq!((again.created, again.updated), (0, 0), "{again}");
    let files_before = std::fs::read_to_string(content.join("values/fairness.md")).unwrap();
    assert!(files_before.contains("Edited in the browser."));
    // And a file changed afterwards is imported as usual.
    std::fs::write(
        content.join("values/fairness.md"),
        files_before.replace("Edited in the browser.", "Changed in the file."),
    )
    .unwrap();
    let third = import_dir(&app.db, &content).await.unwrap();
    assert!(third.conflicts.is_empty(), "{third}");
    assert!(app
        .get("/values/fairness")
        .await
        .body
        .contains("Changed in the file."));
}

#[tokio::test]
async fn a_fresh_database_imports_every_kind_of_content_without_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path()).await;
    let first = import_dir(&db, &content_dir()).await.unwrap();
    assert!(first.conflicts.is_empty(), "{first}");
    let second = import_dir(&db, &content_dir()).await.unwrap();
    assert!(second.conflicts.is_empty(), "{second}");
}
