//! Writing, previewing, publishing, revising and withdrawing reports in the web app.

use app::accounts::Role;

use crate::helpers::{spawn_app, Browser, Reply, TestApp, PASSWORD};

fn report_fields<'a>(
    title: &'a str,
    body: &'a str,
    action: &'a str,
    version: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("slug", ""),
        ("kind", "briefing"),
        ("quarter", ""),
        ("date-day", "20"),
        ("date-month", "11"),
        ("date-year", "2026"),
        (
            "summary",
            "What the panel said about researchers outside the NHS.",
        ),
        ("body", body),
        ("recommendations", "PP-1, dcf-3"),
        ("values", "transparency"),
        ("change_note", ""),
        ("version", version),
        ("action", action),
        ("confirmed", "yes"),
    ]
}

const BODY: &str = "## What people said\n\nPeople want to know who uses their data.\n\n## What we did\n\nWe publish every project.";

async fn create(editor: &Browser, title: &str, action: &str) -> (i64, Reply) {
    let reply = editor
        .post(
            "/admin/reports/new",
            &report_fields(title, BODY, action, "0"),
        )
        .await;
    assert_eq!(reply.status, 303, "{:?}", reply.field_errors());
    let id = reply
        .location
        .strip_prefix("/admin/reports/")
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse().ok())
        .expect("redirected to the new report's editor");
    (id, reply)
}

async fn version_of(app: &TestApp, id: i64) -> String {
    app.scalar_i64(&format!("SELECT version FROM reports WHERE id = {id}"))
        .await
        .to_string()
}

#[tokio::test]
async fn a_draft_is_saved_privately_and_published_with_its_first_revision() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let (id, reply) = create(&editor, "Briefing on researchers outside the NHS", "save").await;
    assert!(reply.location.ends_with("?done=report-saved"));
    let slug = "briefing-on-researchers-outside-the-nhs";
    assert_eq!(
        app.browser().get(&format!("/reports/{slug}")).await.status,
        404,
        "drafts are never public"
    );
    let page = editor.get(&format!("/admin/reports/{id}")).await;
    assert!(page.body.contains("Draft"));
    let version = version_of(&app, id).await;
    let publish = editor
        .post(
            &format!("/admin/reports/{id}"),
            &report_fields(
                "Briefing on researchers outside the NHS",
                BODY,
                "publish",
                &version,
            ),
        )
        .await;
    assert_eq!(
        publish.location,
        format!("/admin/reports/{id}?done=report-published")
    );
    let public = app.browser().get(&format!("/reports/{slug}")).await;
    assert_eq!(public.status, 200);
    assert!(public
        .body
        .contains("People want to know who uses their data."));
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM report_revisions WHERE report_id = {id}"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM audit_log WHERE record_kind = 'report'")
            .await,
        2
    );
}

#[tokio::test]
async fn every_save_of_a_published_report_is_a_revision_with_a_change_note() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let (id, _) = create(&editor, "Panel report", "publish").await;
    let version = version_of(&app, id).await;
    let changed = BODY.replace("every project", "every approved project");
    let mut fields = report_fields("Panel report", &changed, "publish", &version);
    let no_note = editor.post(&format!("/admin/reports/{id}"), &fields).await;
    assert_eq!(no_note.status, 422);
    assert_eq!(
        no_note.field_errors(),
        vec!["Say what changed: readers see this note in the report's history".to_owned()]
    );
    assert!(
        no_note.body.contains("every approved project"),
        "the edit is kept in the form"
    );
    fields.retain(|(k, _)| *k != "change_note");
    fields.push(("change_note", "Said which projects are published."));
    let saved = editor.post(&format!("/admin/reports/{id}"), &fields).await;
    assert_eq!(saved.status, 303, "{:?}", saved.field_errors());
    let history = app.browser().get("/reports/panel-report/history").await;
    assert!(history.body.contains("Said which projects are published."));
    assert!(history.body.contains("every approved project"));
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM report_revisions WHERE report_id = {id}"
        ))
        .await,
        2
    );
}

#[tokio::test]
async fn a_save_over_someone_elses_is_refused_and_shows_both_versions() {
    let app = spawn_app().await;
    let (first, _) = app.signed_in(Role::Editor).await;
    let (second, _) = app.signed_in(Role::Editor).await;
    let (id, _) = create(&first, "Shared draft", "save").await;
    let loaded_version = version_of(&app, id).await;
    let theirs = BODY.replace(
        "We publish every project.",
        "We publish every project, monthly.",
    );
    let saved = second
        .post(
            &format!("/admin/reports/{id}"),
            &report_fields("Shared draft", &theirs, "save", &loaded_version),
        )
        .await;
    assert_eq!(saved.status, 303);
    let mine = BODY.replace(
        "We publish every project.",
        "We publish every project, with its purpose.",
    );
    let refused = first
        .post(
            &format!("/admin/reports/{id}"),
            &report_fields("Shared draft", &mine, "save", &loaded_version),
        )
        .await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("Someone else saved this report"));
    assert!(
        refused.body.contains("with its purpose"),
        "my text is kept in the form"
    );
    assert!(refused.body.contains("monthly"), "their version is shown");
    let stored: String = sqlx::query_scalar("SELECT body_md FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(stored.contains("monthly"), "their save was not overwritten");
}

#[tokio::test]
async fn the_form_checks_each_field_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let mut fields = report_fields("Quarter without a quarter", "Some text.", "save", "0");
    fields.retain(|(k, _)| !matches!(*k, "kind" | "recommendations" | "summary"));
    let long_summary = "x".repeat(301);
    fields.extend([
        ("kind", "quarterly-summary"),
        ("recommendations", "PP-999"),
        ("summary", long_summary.as_str()),
    ]);
    let reply = editor.post("/admin/reports/new", &fields).await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.field_errors(),
        vec![
            "Enter the quarter the summary covers, like 2026 Q2".to_owned(),
            "Summary must be 300 characters or fewer (it is 301)".to_owned(),
            "There is no recommendation PP-999. Use references like PP-17".to_owned(),
        ]
    );
    assert!(reply.body.contains("Quarter without a quarter"));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM reports WHERE title = 'Quarter without a quarter'")
            .await,
        0
    );
}

#[tokio::test]
async fn preview_renders_like_the_public_page_with_plain_language_help_and_saves_nothing() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let body = "## Heading\n\nThe data is pseudonymised before researchers see it. <script>alert(1)</script> </textarea><b id=\"injected\">\n\nThis sentence is deliberately long because it keeps going with many words that a reader has to hold in mind before reaching the end of it all.";
    let reply = editor
        .post(
            "/admin/reports/new",
            &report_fields("Preview me", body, "preview", "0"),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert!(
        reply.body.contains("<h2 id=\"heading\">"),
        "rendered like the public page"
    );
    assert!(
        !reply.body.contains("<script>alert(1)"),
        "raw HTML never reaches the page"
    );
    assert!(
        !reply.body.contains("<b id=\"injected\">"),
        "the text cannot close its box"
    );
    assert!(reply.body.contains("data-test=\"reading-ease\""));
    assert!(
        reply.body.contains("pseudonymised</strong>"),
        "glossary words are flagged"
    );
    assert!(reply.body.contains("Sentences over 25 words: 1"));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM reports WHERE title = 'Preview me'")
            .await,
        0
    );
}

#[tokio::test]
async fn withdrawing_keeps_the_page_with_the_reason_and_hides_the_body() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let (id, _) = create(&editor, "Soon withdrawn", "publish").await;
    let no_reason = editor
        .post(&format!("/admin/reports/{id}/withdraw"), &[("reason", "")])
        .await;
    assert_eq!(no_reason.status, 422);
    let reply = editor
        .post(
            &format!("/admin/reports/{id}/withdraw"),
            &[
                ("reason", "Replaced by the 2026 Q4 summary."),
                ("confirmed", "yes"),
            ],
        )
        .await;
    assert_eq!(
        reply.location,
        format!("/admin/reports/{id}?done=report-withdrawn")
    );
    let public = app.browser().get("/reports/soon-withdrawn").await;
    assert_eq!(public.status, 200);
    assert!(public.body.contains("Replaced by the 2026 Q4 summary."));
    assert!(!public
        .body
        .contains("People want to know who uses their data."));
}

#[tokio::test]
async fn a_critical_friend_cannot_write_or_publish_reports() {
    let app = spawn_app().await;
    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    let reply = friend
        .post(
            "/admin/reports/new",
            &report_fields("Sneaky", BODY, "publish", "0"),
        )
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(friend.get("/admin/reports").await.status, 403);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM reports WHERE title = 'Sneaky'")
            .await,
        0
    );
}

#[tokio::test]
async fn text_posted_after_the_session_ended_is_kept_and_offered_after_signing_in() {
    let app = spawn_app().await;
    let (editor, user) = app.signed_in(Role::Editor).await;
    let (id, _) = create(&editor, "Long piece of work", "save").await;
    let version = version_of(&app, id).await;
    sqlx::query("UPDATE sessions SET expires_at = '2000-01-01T00:00:00Z'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let typed = BODY.replace(
        "every project",
        "every project, after an hour of careful writing",
    );
    let reply = editor
        .post(
            &format!("/admin/reports/{id}"),
            &report_fields("Long piece of work", &typed, "save", &version),
        )
        .await;
    assert_eq!(reply.status, 303);
    assert_eq!(
        reply.location,
        format!("/sign-in?next=%2Fadmin%2Freports%2F{id}&reason=kept")
    );
    let signed_in = editor
        .post(
            "/sign-in",
            &[
                ("email", &user.email),
                ("password", PASSWORD),
                ("next", &format!("/admin/reports/{id}")),
            ],
        )
        .await;
    assert_eq!(signed_in.location, format!("/admin/reports/{id}"));
    let page = editor.get(&format!("/admin/reports/{id}")).await;
    assert!(page.body.contains("We kept your text"));
    assert!(page.body.contains("after an hour of careful writing"));
    let saved = editor
        .post(
            &format!("/admin/reports/{id}"),
            &report_fields("Long piece of work", &typed, "save", &version),
        )
        .await;
    assert_eq!(saved.status, 303, "{:?}", saved.field_errors());
    assert!(!editor
        .get(&format!("/admin/reports/{id}"))
        .await
        .body
        .contains("We kept your text"));
}

#[tokio::test]
async fn the_live_preview_server_function_needs_an_editor() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let call = |browser: &Browser| {
        browser
            .client
            .post(format!("{}/_fn/report-preview", app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body("body=%23%23+Hi%0A%0AShort+text.")
    };
    let reply = editor.send(call(&editor)).await;
    assert_eq!(reply.status, 200);
    let preview: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(preview["help"]["words"], 3);
    let public = app.browser();
    assert_eq!(public.send(call(&public)).await.status, 401);
}

/// The hidden fields of the confirmation page's form, as a browser would post them.
fn confirm_fields(body: &str) -> Vec<(String, String)> {
    let form = &body[body
        .find("data-test=\"confirm-form\"")
        .expect("a confirm form")..];
    let form = &form[..form.find("</form>").unwrap()];
    form.split("<input type=\"hidden\" ")
        .skip(1)
        .map(|input| {
            let attr = |name: &str| {
                let start = input.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                let end = start + input[start..].find('"').unwrap();
                input[start..end]
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#x27;", "'")
                    .replace("&#39;", "'")
            };
            (attr("name"), attr("value"))
        })
        .collect()
}

#[tokio::test]
async fn publishing_and_withdrawing_ask_for_confirmation_first() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let mut fields = report_fields("Needs a yes", BODY, "publish", "0");
    fields.retain(|(name, _)| *name != "confirmed");
    fields.push(("values", "accountability"));
    let asked = editor.post("/admin/reports/new", &fields).await;
    assert_eq!(asked.status, 200);
    assert!(asked.body.contains("Publish “Needs a yes”?"));
    assert!(asked.body.contains("/reports/needs-a-yes"));
    assert_eq!(
        app.browser().get("/reports/needs-a-yes").await.status,
        404,
        "nothing yet"
    );
    // The confirmation page posts everything again, with a yes.
    let hidden = confirm_fields(&asked.body);
    assert!(hidden.iter().any(|(n, v)| n == "confirmed" && v == "yes"));
    let pairs: Vec<(&str, &str)> = hidden
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let published = editor.post("/admin/reports/new", &pairs).await;
    assert_eq!(published.status, 303, "{:?}", published.field_errors());
    assert!(published.location.ends_with("?done=report-published"));
    let public = app.browser().get("/reports/needs-a-yes").await;
    assert_eq!(public.status, 200);
    let values: Vec<String> = sqlx::query_scalar(
        "SELECT target FROM report_links WHERE link_kind = 'value' AND report_id = \
         (SELECT id FROM reports WHERE slug = 'needs-a-yes') ORDER BY target",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        values,
        vec!["accountability", "transparency"],
        "both checkboxes kept"
    );

    let id: i64 = app
        .scalar_i64("SELECT id FROM reports WHERE slug = 'needs-a-yes'")
        .await;
    let asked = editor
        .post(
            &format!("/admin/reports/{id}/withdraw"),
            &[("reason", "A mistake.")],
        )
        .await;
    assert_eq!(asked.status, 200);
    assert!(asked.body.contains("Withdraw this report?"));
    assert_eq!(app.browser().get("/reports/needs-a-yes").await.status, 200);
}
