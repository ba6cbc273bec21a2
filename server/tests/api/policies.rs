//! Policy review: drafts, review by critical friends, answers, publication.

use app::accounts::Role;
use serde_json::Value;

use crate::helpers::{spawn_app, Browser, Reply, TestApp};

const BODY: &str = "# Who may use the data\n\nOnly approved researchers may work with data in the SDE, and only inside it.\n\nEvery project is checked by the Data Access Committee, which includes members of the public.\n\n## Commercial projects\n\nA company may use the SDE only for work that benefits NHS patients.\n";

async fn create_policy(editor: &Browser, title: &str, slug: &str) -> i64 {
    let reply = editor
        .post(
            "/admin/policies/new",
            &[
                ("title", title),
                ("slug", slug),
                ("summary", "Who may use data in the SDE and on what terms."),
                ("body", BODY),
            ],
        )
        .await;
    let id = policy_id(&reply);
    assert_eq!(
        reply.location,
        format!("/admin/policies/{id}?done=policy-created")
    );
    id
}

/// The id of the policy a redirect (`/admin/policies/N?done=…`) points at.
fn policy_id(reply: &Reply) -> i64 {
    assert_eq!(reply.status, 303, "{:?}", reply.field_errors());
    reply
        .location
        .trim_start_matches("/admin/policies/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn in_two_weeks() -> String {
    (app::dates::uk_now().date_naive() + chrono::Duration::days(14)).to_string()
}

async fn open_review(editor: &Browser, id: i64) {
    let reply = editor
        .post(
            &format!("/admin/policies/{id}/review"),
            &[("closes-day", &in_two_weeks())],
        )
        .await;
    assert_eq!(reply.status, 303, "{:?}", reply.field_errors());
}

/// An editor, a critical friend, and the id of a policy (`trial-policy`) in review.
pub async fn policy_in_review(app: &TestApp) -> (Browser, Browser, i64) {
    let (editor, _) = app.signed_in(Role::Editor).await;
    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    let id = create_policy(&editor, "Trial policy", "trial-policy").await;
    open_review(&editor, id).await;
    (editor, friend, id)
}

/// The id of the comment a redirect (`…#comment-N`) points at.
pub fn comment_id(reply: &Reply) -> String {
    assert_eq!(reply.status, 303, "{:?}", reply.field_errors());
    reply
        .location
        .rsplit("#comment-")
        .next()
        .unwrap()
        .to_owned()
}

async fn search_urls(app: &TestApp, query: &str) -> Vec<String> {
    let found: Value =
        serde_json::from_str(&app.get(&format!("/api/v1/search?q={query}")).await.body).unwrap();
    found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["url"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_policy_goes_from_draft_through_review_to_publication_with_every_answer() {
    review_and_publish(&spawn_app().await).await;
}

/// The whole journey of a policy, on whichever database the app runs on.
pub(crate) async fn review_and_publish(app: &TestApp) {
    let (editor, _) = app.signed_in(Role::Editor).await;
    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    let id = create_policy(&editor, "Trial policy", "trial-policy").await;

    // A draft is the team's alone.
    assert_eq!(app.get("/policies/trial-policy").await.status, 404);
    assert!(!app.get("/policies").await.body.contains("Trial policy"));
    assert_eq!(friend.get("/review/trial-policy").await.status, 404);
    assert!(!friend.get("/review").await.body.contains("Trial policy"));

    open_review(&editor, id).await;
    let review = friend.get("/review/trial-policy").await;
    assert_eq!(review.status, 200);
    assert!(review.body.contains("Only approved researchers"));
    assert!(review.body.contains("id=\"p-2\""));
    assert!(friend.get("/review").await.body.contains("Trial policy"));
    // Still not public while in review.
    assert_eq!(app.get("/policies/trial-policy").await.status, 404);

    let on_paragraph = friend
        .post(
            "/review/trial-policy/comments",
            &[
                ("paragraph", "3"),
                ("body", "Say who sits on the committee, zephyrine."),
            ],
        )
        .await;
    let first = comment_id(&on_paragraph);
    assert!(on_paragraph
        .location
        .starts_with("/review/trial-policy?done=comment-posted#comment-"));
    let whole = friend
        .post(
            "/review/trial-policy/comments",
            &[
                ("paragraph", "whole"),
                ("body", "Clear overall, thank you."),
            ],
        )
        .await;
    let second = comment_id(&whole);
    let reply = editor
        .post(
            "/review/trial-policy/comments",
            &[("parent", &first), ("body", "We will list the members.")],
        )
        .await;
    assert!(reply.location.contains("done=reply-posted"));
    let page = friend.get("/review/trial-policy").await.body;
    assert!(page.contains("On paragraph 3, which begins “Every project is checked"));
    assert!(page.contains("We will list the members."));
    assert_eq!(page.matches("data-test=\"answer-form\"").count(), 0);
    assert_eq!(
        editor
            .get("/review/trial-policy")
            .await
            .body
            .matches("data-test=\"answer-form\"")
            .count(),
        2
    );

    // Comments are not public, nor searchable, before publication.
    assert!(!search_urls(app, "zephyrine")
        .await
        .contains(&"/policies/trial-policy".to_owned()));

    let refused = editor
        .post(
            &format!("/admin/policies/{id}/publish"),
            &[("change_note", "First version."), ("confirmed", "yes")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.field_errors(),
        vec!["2 comments from the review have no answer yet. Answer every comment before publishing."]
    );

    for (comment, outcome, text) in [
        (
            &first,
            "changed",
            "The policy now names the members of the committee.",
        ),
        (&second, "noted", "Thank you."),
    ] {
        let answered = editor
            .post(
                &format!("/review/trial-policy/comments/{comment}/response"),
                &[("outcome", outcome), ("body", text)],
            )
            .await;
        assert_eq!(
            answered.location,
            format!("/review/trial-policy?done=answer-saved#comment-{comment}")
        );
    }
    assert!(friend
        .get("/review/trial-policy")
        .await
        .body
        .contains("The policy now names the members of the committee."));
    // The friend's account page lists their comments and how each was answered.
    let account = friend.get("/account").await.body;
    assert!(account.contains("Your comments on policies"));
    assert!(account.contains("2 comments, 0 waiting for an answer."));
    assert!(account.contains("Answered: We changed the policy"));

    let published = editor
        .post(
            &format!("/admin/policies/{id}/publish"),
            &[
                ("change_note", "First published version."),
                ("confirmed", "yes"),
            ],
        )
        .await;
    assert_eq!(
        published.location,
        format!("/admin/policies/{id}?done=policy-published")
    );
    let public = app.get("/policies/trial-policy").await;
    assert_eq!(public.status, 200);
    for text in [
        "Only approved researchers",
        "First published version.",
        "Say who sits on the committee, zephyrine.",
        "We will list the members.",
        "We changed the policy",
        "Review of draft version 1",
    ] {
        assert!(public.body.contains(text), "{text}");
    }
    assert!(app.get("/policies").await.body.contains("Trial policy"));
    // The review is over: no more comments.
    let late = friend
        .post(
            "/review/trial-policy/comments",
            &[("paragraph", "whole"), ("body", "One more thing.")],
        )
        .await;
    assert_eq!(late.status, 409);

    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    assert!(search_urls(app, "zephyrine")
        .await
        .contains(&"/policies/trial-policy".to_owned()));
    let audit = app
        .scalar_i64("SELECT COUNT(*) FROM audit_log WHERE record_kind = 'policy'")
        .await;
    // Created, review opened, two comments, a reply, two answers, published.
    assert_eq!(audit, 8);
}

#[tokio::test]
async fn a_new_policy_needs_a_title_summary_body_and_a_free_address() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let reply = editor
        .post(
            "/admin/policies/new",
            &[
                ("title", ""),
                ("slug", "Bad Slug"),
                ("summary", ""),
                ("body", " "),
            ],
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.field_errors(),
        vec![
            "Enter the policy’s title",
            "The web address must be 3 to 80 lowercase letters, numbers and hyphens, like data-access-policy",
            "Enter a summary: what the policy is for, in a sentence or two",
            "Enter the text of the policy",
        ]
    );
    create_policy(&editor, "Trial policy", "trial-policy").await;
    let taken = editor
        .post(
            "/admin/policies/new",
            &[
                ("title", "Another"),
                ("slug", "trial-policy"),
                ("summary", "S"),
                ("body", "Text"),
            ],
        )
        .await;
    assert_eq!(taken.status, 422);
    assert_eq!(
        taken.field_errors(),
        vec!["Another policy already uses the address trial-policy: choose another"]
    );
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM policies WHERE slug = 'trial-policy'")
            .await,
        1
    );
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM policies WHERE slug = 'bad-slug'")
            .await,
        0
    );
}

#[tokio::test]
async fn comments_are_checked_and_the_text_is_kept_when_refused() {
    let app = spawn_app().await;
    let (_, friend, _) = policy_in_review(&app).await;
    let path = "/review/trial-policy/comments";

    let empty = friend
        .post(path, &[("paragraph", "whole"), ("body", "  ")])
        .await;
    assert_eq!(empty.status, 422);
    assert_eq!(empty.field_errors(), vec!["Enter your comment"]);

    let long = "a".repeat(2001);
    let too_long = friend
        .post(path, &[("paragraph", "2"), ("body", &long)])
        .await;
    assert_eq!(too_long.status, 422);
    assert_eq!(
        too_long.field_errors(),
        vec!["A comment must be 2000 characters or fewer (it has 2001)"]
    );
    assert!(too_long.body.contains(&long), "the text is kept");

    let nowhere = friend
        .post(path, &[("paragraph", "99"), ("body", "Hello")])
        .await;
    assert_eq!(nowhere.status, 422);
    assert_eq!(
        nowhere.field_errors(),
        vec!["Choose the whole document or a paragraph from 1 to 5"]
    );

    let stray_reply = friend
        .post(path, &[("parent", "999999"), ("body", "Hello")])
        .await;
    assert_eq!(stray_reply.status, 422);
    assert_eq!(
        stray_reply.field_errors(),
        vec!["The comment you replied to is not in this review"]
    );

    sqlx::query("UPDATE policy_versions SET review_closes = '2020-01-01'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let closed = friend
        .post(
            path,
            &[("paragraph", "whole"), ("body", "Too late, sadly.")],
        )
        .await;
    assert_eq!(closed.status, 409);
    assert!(closed.body.contains("Too late, sadly."));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM policy_comments").await,
        0
    );

    let unknown = friend
        .post("/review/no-such-policy/comments", &[("body", "Hello")])
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn an_answer_needs_an_outcome_and_text_and_only_staff_may_give_one() {
    let app = spawn_app().await;
    let (editor, friend, _) = policy_in_review(&app).await;
    let comment = comment_id(
        &friend
            .post(
                "/review/trial-policy/comments",
                &[("paragraph", "whole"), ("body", "Good.")],
            )
            .await,
    );
    let path = format!("/review/trial-policy/comments/{comment}/response");
    assert_eq!(
        friend
            .post(&path, &[("outcome", "noted"), ("body", "x")])
            .await
            .status,
        403
    );
    let wrong = editor
        .post(&path, &[("outcome", "maybe"), ("body", "")])
        .await;
    assert_eq!(wrong.status, 422);
    assert_eq!(
        wrong.field_errors(),
        vec![
            "Choose what the comment led to",
            "Enter the answer the critical friend will read"
        ]
    );
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM policy_responses")
            .await,
        0
    );
    let missing = editor
        .post(
            "/review/trial-policy/comments/999999/response",
            &[("outcome", "noted"), ("body", "x")],
        )
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn a_draft_saved_from_an_older_copy_is_refused_and_the_text_kept() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let id = create_policy(&editor, "Trial policy", "trial-policy").await;
    let updated_at: String =
        sqlx::query_scalar("SELECT updated_at FROM policy_versions WHERE policy_id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let save = |body: &'static str, token: String| {
        let editor = &editor;
        async move {
            editor
                .post(
                    &format!("/admin/policies/{id}"),
                    &[
                        ("title", "Trial policy"),
                        ("summary", "Who may use data."),
                        ("body", body),
                        ("updated_at", &token),
                    ],
                )
                .await
        }
    };
    // Someone else saves first (timestamps have one-second resolution).
    sqlx::query(
        "UPDATE policy_versions SET updated_at = '2000-01-01T00:00:00Z' WHERE policy_id = $1",
    )
    .bind(id)
    .execute(app.db.pool())
    .await
    .unwrap();
    let stale = save("My edit, written meanwhile.", updated_at).await;
    assert_eq!(stale.status, 409);
    assert!(stale.body.contains("My edit, written meanwhile."));
    assert!(stale.body.contains("Someone else saved this draft"));
    let body: String =
        sqlx::query_scalar("SELECT body_md FROM policy_versions WHERE policy_id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(body, BODY.trim());

    let fresh = save("My edit, saved.", "2000-01-01T00:00:00Z".to_owned()).await;
    assert_eq!(
        fresh.location,
        format!("/admin/policies/{id}?done=policy-saved")
    );
    open_review(&editor, id).await;
    let frozen = save("Changed in review.", "x".to_owned()).await;
    assert_eq!(frozen.status, 409);
    assert!(frozen.body.contains("no longer a draft"));
}

#[tokio::test]
async fn a_revised_draft_closes_the_review_and_publishing_it_makes_the_review_public() {
    let app = spawn_app().await;
    let (editor, friend, id) = policy_in_review(&app).await;
    let comment = comment_id(
        &friend
            .post(
                "/review/trial-policy/comments",
                &[("paragraph", "2"), ("body", "Say what approved means.")],
            )
            .await,
    );
    let revised = editor
        .post(
            &format!("/admin/policies/{id}/revise"),
            &[("confirmed", "yes")],
        )
        .await;
    assert_eq!(
        revised.location,
        format!("/admin/policies/{id}?done=policy-revised")
    );
    // The review of version 1 is closed for comments but still there to answer.
    let review = friend.get("/review/trial-policy").await;
    assert!(review.body.contains("Comments closed"));
    assert!(!review.body.contains("data-test=\"comment-form\""));
    editor
        .post(
            &format!("/review/trial-policy/comments/{comment}/response"),
            &[
                ("outcome", "changed"),
                ("body", "Defined in paragraph 2 now."),
            ],
        )
        .await;
    let published = editor
        .post(
            &format!("/admin/policies/{id}/publish"),
            &[
                ("change_note", "Says what approved means."),
                ("confirmed", "yes"),
            ],
        )
        .await;
    assert_eq!(published.status, 303, "{:?}", published.field_errors());
    let public = app.get("/policies/trial-policy").await.body;
    assert!(public.contains("Policy, version 2"));
    assert!(public.contains("Review of draft version 1"));
    assert!(public.contains("Say what approved means."));
    let states: Vec<String> = sqlx::query_scalar(
        "SELECT state FROM policy_versions WHERE policy_id = $1 ORDER BY number",
    )
    .bind(id)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(states, vec!["reviewed", "published"]);
}

#[tokio::test]
async fn comments_and_policies_cannot_inject_markup() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let reply = editor
        .post(
            "/admin/policies/new",
            &[
                ("title", "Hostile <b>title</b>"),
                ("slug", "hostile"),
                ("summary", "Summary"),
                (
                    "body",
                    "Hello <script>alert(1)</script>\n\n[click](javascript:alert(2))\n",
                ),
            ],
        )
        .await;
    let id = policy_id(&reply);
    open_review(&editor, id).await;
    comment_id(
        &editor
            .post(
                "/review/hostile/comments",
                &[
                    ("paragraph", "whole"),
                    ("body", "</textarea><script>alert(3)</script>"),
                ],
            )
            .await,
    );
    let page = editor.get("/review/hostile").await.body;
    assert!(!page.contains("<script>alert"));
    assert!(!page.contains("javascript:alert"));
    assert!(!page.contains("<b>title</b>"));
    assert!(
        page.contains("&lt;/textarea>&lt;script>alert(3)")
            || page.contains("&lt;/textarea&gt;&lt;script&gt;alert(3)")
    );
}

const POLICY_FILE: &str = "+++\nslug = \"test-policy\"\ntitle = \"Test policy\"\nsummary = \"A policy for the tests.\"\npublished = 2026-01-15\nchange_note = \"First version.\"\n+++\nThe first paragraph.\n\nThe second paragraph.\n";

/// A copy of the content folder with one more policy, imported into a fresh database.
async fn imported_with_test_policy() -> (tempfile::TempDir, std::path::PathBuf, app::db::Database) {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    crate::content::copy_dir(&crate::helpers::content_dir(), &content);
    std::fs::create_dir_all(content.join("policies")).unwrap();
    std::fs::write(content.join("policies/test-policy.md"), POLICY_FILE).unwrap();
    let db = crate::content::fresh_db(dir.path()).await;
    server::content::import_dir(&db, &content).await.unwrap();
    (dir, content, db)
}

async fn versions_of(db: &app::db::Database, slug: &str) -> Vec<(i64, String, String)> {
    sqlx::query_as(
        "SELECT v.number, v.state, v.body_md FROM policy_versions v JOIN policies p ON p.id = v.policy_id \
         WHERE p.slug = $1 ORDER BY v.number",
    )
    .bind(slug)
    .fetch_all(db.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn a_policy_file_publishes_it_and_a_changed_file_publishes_a_new_version() {
    let (_dir, content, db) = imported_with_test_policy().await;
    let versions = versions_of(&db, "test-policy").await;
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].1, "published");
    let public = app::policies::ssr::public_policy(&db, "test-policy")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(public.blocks.len(), 2);
    assert_eq!(public.published_at.get(..10), Some("2026-01-15"));

    // Unchanged: nothing happens.
    server::content::import_dir(&db, &content).await.unwrap();
    assert_eq!(versions_of(&db, "test-policy").await.len(), 1);

    let path = content.join("policies/test-policy.md");
    std::fs::write(
        &path,
        POLICY_FILE
            .replace("The second paragraph.", "The second paragraph, clearer.")
            .replace("First version.", "Clearer wording."),
    )
    .unwrap();
    server::content::import_dir(&db, &content).await.unwrap();
    let versions = versions_of(&db, "test-policy").await;
    let states: Vec<&str> = versions.iter().map(|v| v.1.as_str()).collect();
    assert_eq!(states, vec!["superseded", "published"]);
    assert!(versions[1].2.contains("clearer"));
}

#[tokio::test]
async fn a_policy_being_revised_in_the_web_app_is_not_overwritten_by_its_file() {
    let (_dir, content, db) = imported_with_test_policy().await;
    sqlx::query(
        "INSERT INTO policy_versions (policy_id, number, title, summary, body_md, blocks_json, state, updated_at) \
         SELECT id, 2, title, summary, 'A web draft.', '[]', 'draft', '2026-11-01T00:00:00Z' FROM policies WHERE slug = 'test-policy'",
    )
    .execute(db.pool())
    .await
    .unwrap();
    std::fs::write(
        content.join("policies/test-policy.md"),
        POLICY_FILE.replace("The first paragraph.", "Changed in the file."),
    )
    .unwrap();
    let report = server::content::import_dir(&db, &content).await.unwrap();
    assert_eq!(report.conflicts.len(), 1, "{report}");
    assert!(report.conflicts[0].starts_with("policies/test-policy.md:"));
    let versions = versions_of(&db, "test-policy").await;
    assert_eq!(versions.len(), 2);
    assert!(versions[0].2.contains("The first paragraph."));
}

#[tokio::test]
async fn a_policy_file_with_a_wrong_slug_or_empty_note_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    crate::content::copy_dir(&crate::helpers::content_dir(), &content);
    std::fs::create_dir_all(content.join("policies")).unwrap();
    std::fs::write(
        content.join("policies/other-name.md"),
        POLICY_FILE.replace("First version.", " "),
    )
    .unwrap();
    let db = crate::content::fresh_db(dir.path()).await;
    let error = server::content::import_dir(&db, &content)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("policies/other-name.md"), "{error}");
    assert!(
        error.contains("slug: \"test-policy\" must match the file name"),
        "{error}"
    );
    assert!(
        error.contains("change_note: must be plain text of 1 to 500 characters"),
        "{error}"
    );
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM statuses")
            .fetch_one(db.pool())
            .await
            .unwrap(),
        0,
        "nothing was imported"
    );
}

#[tokio::test]
async fn a_comment_posted_after_the_session_ended_is_kept_and_offered_back() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let id = create_policy(&editor, "Trial policy", "trial-policy").await;
    open_review(&editor, id).await;
    let (friend, user) = app.signed_in(Role::CriticalFriend).await;
    sqlx::query("UPDATE sessions SET expires_at = '2000-01-01T00:00:00Z'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let typed = "A long and careful comment about paragraph two.";
    let reply = friend
        .post(
            "/review/trial-policy/comments",
            &[("paragraph", "2"), ("body", typed)],
        )
        .await;
    assert_eq!(
        reply.location,
        "/sign-in?next=%2Freview%2Ftrial-policy&reason=kept"
    );
    assert!(friend
        .get(&reply.location)
        .await
        .body
        .contains("It is kept for you"));
    friend.sign_in(&user.email, crate::helpers::PASSWORD).await;
    let page = friend.get("/review/trial-policy").await.body;
    assert!(page.contains("data-test=\"kept-text\""));
    assert!(page.contains(typed));
    // It goes back under the paragraph it was about.
    assert!(page.contains("name=\"paragraph\" value=\"2\""));

    let discarded = friend.post("/review/trial-policy/discard-kept", &[]).await;
    assert_eq!(
        discarded.location,
        "/review/trial-policy?done=draft-discarded"
    );
    let page = friend.get("/review/trial-policy").await.body;
    assert!(!page.contains(typed));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM policy_comments").await,
        0
    );
}

#[tokio::test]
async fn published_policies_are_found_by_search_and_filtered_by_kind() {
    let app = spawn_app().await;
    // The recommendations about the policy carry its name too, so it is among the first five.
    let urls = search_urls(&app, "commercial%20access%20benefit").await;
    assert!(
        urls.iter()
            .take(5)
            .any(|u| u == "/policies/commercial-access"),
        "{urls:?}"
    );
    let only_policies = search_urls(&app, "data&kind=policy").await;
    assert!(!only_policies.is_empty());
    assert!(
        only_policies.iter().all(|u| u.starts_with("/policies/")),
        "{only_policies:?}"
    );
    let page = app.get("/search?q=committee&kind=policy").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Policy"));
}

#[tokio::test]
async fn staff_remove_a_comment_with_a_reason_and_its_text_is_never_shown_again() {
    let app = spawn_app().await;
    let (editor, friend, id) = policy_in_review(&app).await;
    let comment = comment_id(
        &friend
            .post(
                "/review/trial-policy/comments",
                &[
                    ("paragraph", "whole"),
                    (
                        "body",
                        "My neighbour Mrs Quillfeather was treated at the hospital.",
                    ),
                ],
            )
            .await,
    );
    let path = format!("/review/trial-policy/comments/{comment}/remove");
    assert_eq!(
        friend.post(&path, &[("reason", "x")]).await.status,
        403,
        "only staff remove comments"
    );
    let no_reason = editor.post(&path, &[("reason", " ")]).await;
    assert_eq!(no_reason.status, 422);
    assert_eq!(
        no_reason.field_errors(),
        vec!["Enter why the comment is removed: readers see it in its place"]
    );
    let removed = editor
        .post(&path, &[("reason", "It named a patient.")])
        .await;
    assert_eq!(
        removed.location,
        format!("/review/trial-policy?done=comment-removed#comment-{comment}")
    );
    let page = friend.get("/review/trial-policy").await.body;
    assert!(!page.contains("Quillfeather"));
    assert!(page.contains("It named a patient."));
    assert_eq!(editor.post(&path, &[("reason", "Again")]).await.status, 409);

    // A removed comment needs no answer before publishing, and stays out of public view.
    let published = editor
        .post(
            &format!("/admin/policies/{id}/publish"),
            &[("change_note", "First version."), ("confirmed", "yes")],
        )
        .await;
    assert_eq!(published.status, 303, "{:?}", published.field_errors());
    let public = app.get("/policies/trial-policy").await.body;
    assert!(!public.contains("Quillfeather"));
    assert!(public.contains("It named a patient."));
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    assert!(search_urls(&app, "Quillfeather").await.is_empty());
}

#[tokio::test]
async fn a_revised_drafts_title_stays_private_until_it_is_published() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let id = create_policy(&editor, "Trial policy", "trial-policy").await;
    let published = editor
        .post(
            &format!("/admin/policies/{id}/publish"),
            &[("change_note", "First version."), ("confirmed", "yes")],
        )
        .await;
    assert_eq!(published.status, 303, "{:?}", published.field_errors());
    editor
        .post(
            &format!("/admin/policies/{id}/revise"),
            &[("confirmed", "yes")],
        )
        .await;
    let updated_at: String = sqlx::query_scalar(
        "SELECT updated_at FROM policy_versions WHERE policy_id = $1 AND state = 'draft'",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let saved = editor
        .post(
            &format!("/admin/policies/{id}"),
            &[
                ("title", "Secret new title"),
                ("summary", "A secret new summary."),
                ("body", BODY),
                ("updated_at", &updated_at),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{:?}", saved.field_errors());
    assert!(editor
        .get(&format!("/admin/policies/{id}"))
        .await
        .body
        .contains("Secret new title"));
    for page in ["/policies/trial-policy", "/policies"] {
        let body = app.get(page).await.body;
        assert!(!body.contains("Secret new"), "{page}");
        assert!(body.contains("Trial policy"), "{page}");
    }
    editor
        .post(
            &format!("/admin/policies/{id}/publish"),
            &[("change_note", "New title."), ("confirmed", "yes")],
        )
        .await;
    assert!(app
        .get("/policies/trial-policy")
        .await
        .body
        .contains("Secret new title"));
}

#[tokio::test]
async fn a_new_review_waits_until_the_last_one_is_answered() {
    let app = spawn_app().await;
    let (editor, friend, id) = policy_in_review(&app).await;
    comment_id(
        &friend
            .post(
                "/review/trial-policy/comments",
                &[("paragraph", "whole"), ("body", "Please explain.")],
            )
            .await,
    );
    editor
        .post(
            &format!("/admin/policies/{id}/revise"),
            &[("confirmed", "yes")],
        )
        .await;
    let refused = editor
        .post(
            &format!("/admin/policies/{id}/review"),
            &[("closes-day", &in_two_weeks())],
        )
        .await;
    assert_eq!(refused.status, 409);
    assert!(refused
        .body
        .contains("1 comment from the last review still needs an answer"));
    assert!(refused.body.contains("href=\"#policy-facts\""));
    assert!(refused.body.contains("id=\"policy-facts\""));
}

#[tokio::test]
async fn staff_remove_a_comment_from_a_published_review_from_the_policy_page() {
    let app = spawn_app().await;
    let (editor, friend, id) = policy_in_review(&app).await;
    let comment = comment_id(
        &friend
            .post(
                "/review/trial-policy/comments",
                &[("paragraph", "whole"), ("body", "Call me on 07700 900123.")],
            )
            .await,
    );
    editor
        .post(
            &format!("/review/trial-policy/comments/{comment}/response"),
            &[("outcome", "noted"), ("body", "Thank you.")],
        )
        .await;
    editor
        .post(
            &format!("/admin/policies/{id}/publish"),
            &[("change_note", "First version."), ("confirmed", "yes")],
        )
        .await;
    assert!(editor
        .get("/policies/trial-policy")
        .await
        .body
        .contains("data-test=\"remove-form\""));
    assert!(!app
        .get("/policies/trial-policy")
        .await
        .body
        .contains("data-test=\"remove-form\""));
    let removed = editor
        .post(
            &format!("/review/trial-policy/comments/{comment}/remove"),
            &[("reason", "It gave a phone number.")],
        )
        .await;
    assert_eq!(
        removed.location,
        format!("/policies/trial-policy?done=comment-removed#comment-{comment}")
    );
    let public = app.get("/policies/trial-policy").await.body;
    assert!(!public.contains("07700 900123"));
    assert!(public.contains("It gave a phone number."));
}

#[tokio::test]
async fn comments_not_yet_public_are_withdrawn_when_their_author_deletes_the_account() {
    let app = spawn_app().await;
    let (editor, friend, id) = policy_in_review(&app).await;
    comment_id(
        &friend
            .post(
                "/review/trial-policy/comments",
                &[("paragraph", "whole"), ("body", "An unpublished thought.")],
            )
            .await,
    );
    let deleted = friend
        .post(
            "/account/delete",
            &[
                ("confirm_delete", "yes"),
                ("delete_password", crate::helpers::PASSWORD),
            ],
        )
        .await;
    assert_eq!(deleted.status, 303, "{}", deleted.body);
    let published = editor
        .post(
            &format!("/admin/policies/{id}/publish"),
            &[("change_note", "First version."), ("confirmed", "yes")],
        )
        .await;
    assert_eq!(published.status, 303, "{:?}", published.field_errors());
    let public = app.get("/policies/trial-policy").await.body;
    assert!(!public.contains("An unpublished thought."));
    assert!(public.contains("Withdrawn: its author closed their account"));
}

#[tokio::test]
async fn the_policy_feed_lists_every_publication_with_what_it_changed() {
    let app = spawn_app().await;
    let feed = |body: String| feed_rs::parser::parse(body.as_bytes()).expect("a valid Atom feed");
    let before = feed(app.get("/policies/feed.atom").await.body);
    assert_eq!(before.entries.len(), 3, "the three seed policies");
    let (editor, _) = app.signed_in(Role::Editor).await;
    let id = create_policy(&editor, "Trial policy", "trial-policy").await;
    editor
        .post(
            &format!("/admin/policies/{id}/publish"),
            &[
                ("change_note", "A first version for the feed."),
                ("confirmed", "yes"),
            ],
        )
        .await;
    let after = feed(app.get("/policies/feed.atom").await.body);
    assert_eq!(after.entries.len(), 4);
    let newest = &after.entries[0];
    assert_eq!(
        newest.title.as_ref().unwrap().content,
        "Trial policy: version 1"
    );
    assert_eq!(
        newest.summary.as_ref().unwrap().content,
        "A first version for the feed."
    );
    assert!(newest.id.ends_with(":policies/trial-policy/versions/1"));
}

#[tokio::test]
async fn published_policies_and_their_reviews_are_open_data() {
    let app = spawn_app().await;
    let list: Value = serde_json::from_str(&app.get("/api/v1/policies").await.body).unwrap();
    let slugs: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert!(slugs.contains(&"data-access"), "{slugs:?}");
    let one: Value =
        serde_json::from_str(&app.get("/api/v1/policies/data-access").await.body).unwrap();
    assert_eq!(one["title"], "Data access policy");
    assert!(one["blocks"].as_array().unwrap().len() > 5);
    assert!(one["url"]
        .as_str()
        .unwrap()
        .ends_with("/policies/data-access"));
    let missing = app.get("/api/v1/policies/no-such-policy").await;
    assert_eq!(missing.status, 404);
    assert!(missing.content_type.starts_with("application/problem+json"));
    // A draft is not open data.
    let (editor, _) = app.signed_in(Role::Editor).await;
    create_policy(&editor, "Trial policy", "trial-policy").await;
    assert_eq!(app.get("/api/v1/policies/trial-policy").await.status, 404);
}

#[tokio::test]
async fn an_answered_comment_becomes_a_recommendation_linked_both_ways_once_the_review_is_public() {
    let app = spawn_app().await;
    let (editor, friend, id) = policy_in_review(&app).await;
    let comment = comment_id(
        &friend
            .post(
                "/review/trial-policy/comments",
                &[
                    ("paragraph", "whole"),
                    (
                        "body",
                        "Publish a list of every company that is given data.",
                    ),
                ],
            )
            .await,
    );
    let link = format!("/admin/actions/new?engagement=policy-review&amp;from_comment={comment}");
    assert!(
        !editor
            .get("/review/trial-policy")
            .await
            .body
            .contains(&link),
        "not before it is answered"
    );
    let answered = editor
        .post(
            &format!("/review/trial-policy/comments/{comment}/response"),
            &[
                ("outcome", "not-changed"),
                ("body", "That belongs in the register of actions."),
            ],
        )
        .await;
    assert_eq!(answered.status, 303, "{:?}", answered.field_errors());
    assert!(editor
        .get("/review/trial-policy")
        .await
        .body
        .contains(&link));
    let form = editor
        .get(&format!(
            "/admin/actions/new?engagement=policy-review&from_comment={comment}"
        ))
        .await;
    assert!(form
        .body
        .contains("Publish a list of every company that is given data."));
    let added = editor
        .post(
            "/admin/actions/new",
            &[
                ("engagement", "policy-review"),
                ("reference", "DCF-37"),
                ("title", "A list of every company given data"),
                (
                    "what_you_said",
                    "Publish a list of every company that is given data.",
                ),
                ("raised-day", "1"),
                ("raised-month", "1"),
                ("raised-year", "2026"),
                ("team", "SDE Governance Team"),
                ("from_comment", &comment),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{:?}", added.field_errors());
    assert!(
        !app.get("/actions/DCF-37")
            .await
            .body
            .contains("data-test=\"from-comment\""),
        "the review is not public yet"
    );
    let published = editor
        .post(
            &format!("/admin/policies/{id}/publish"),
            &[("change_note", "First version."), ("confirmed", "yes")],
        )
        .await;
    assert_eq!(published.status, 303, "{:?}", published.field_errors());
    let recommendation = app.get("/actions/DCF-37").await.body;
    assert!(recommendation.contains(&format!("/policies/trial-policy#comment-{comment}")));
    let policy = app.get("/policies/trial-policy").await.body;
    assert!(policy.contains("This comment became recommendation"));
    assert!(policy.contains("href=\"/actions/DCF-37\""));
}

#[tokio::test]
async fn revising_during_a_review_says_how_early_it_closes_and_records_the_real_date() {
    let app = spawn_app().await;
    let (editor, friend, id) = policy_in_review(&app).await;
    friend
        .post(
            "/review/trial-policy/comments",
            &[("paragraph", "whole"), ("body", "Please add an example.")],
        )
        .await;
    let asked = editor
        .post(&format!("/admin/policies/{id}/revise"), &[])
        .await;
    assert_eq!(asked.status, 200);
    assert!(
        asked
            .body
            .contains("The review closes today, 14 days early"),
        "{}",
        asked.body
    );
    assert!(asked.body.contains("1 comment still needs an answer"));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM policy_versions WHERE state = 'draft'")
            .await,
        0,
        "nothing happens before the yes"
    );
    let revised = editor
        .post(
            &format!("/admin/policies/{id}/revise"),
            &[("confirmed", "yes")],
        )
        .await;
    assert_eq!(revised.status, 303, "{:?}", revised.field_errors());
    let closes: String =
        sqlx::query_scalar("SELECT review_closes FROM policy_versions WHERE state = 'reviewed'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(closes, app::dates::uk_now().date_naive().to_string());
}
