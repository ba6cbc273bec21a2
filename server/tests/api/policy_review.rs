//! Reviewing a draft as a critical friend: "Comment on paragraph N" opens the form under
//! that paragraph (by its address, so without JavaScript), the limit is stated under the
//! box, and paragraphs new or changed since the published version are marked.

use crate::{
    helpers::{Browser, TestApp},
    policies::policy_in_review,
};

/// The part of a page from the block of paragraph `n` to the next block.
fn block(page: &str, n: i64) -> String {
    let start = page
        .find(&format!("id=\"p-{n}\""))
        .unwrap_or_else(|| panic!("no paragraph {n}"));
    let rest = &page[start..];
    let end = rest[10..]
        .find("data-test=\"policy-block\"")
        .map_or(rest.len(), |i| i + 10);
    rest[..end].to_owned()
}

#[tokio::test]
async fn comment_on_a_paragraph_opens_the_form_under_it_and_states_the_limit() {
    comment_on_a_paragraph_opens_the_form_under_it_and_states_the_limit_on(
        &crate::helpers::spawn_app().await,
    )
    .await;
}

pub async fn comment_on_a_paragraph_opens_the_form_under_it_and_states_the_limit_on(app: &TestApp) {
    let (_, friend, _) = policy_in_review(app).await;

    // Without a chosen paragraph, the form is at the end, about the whole policy.
    let page = friend.get("/review/trial-policy").await.body;
    assert!(!block(&page, 2).contains("data-test=\"comment-form\""));
    assert!(page.contains("What is your comment about?"));
    assert!(page.contains("You can enter up to 2,000 characters"));
    assert!(page.contains("data-maxlength=\"2000\""));
    assert!(page.contains("href=\"?paragraph=2#comment-form\""));

    // The link's address puts the form under paragraph 2, with it above the box.
    let page = friend.get("/review/trial-policy?paragraph=2").await.body;
    let second = block(&page, 2);
    assert!(second.contains("data-test=\"comment-form\""), "{second}");
    assert!(second.contains("name=\"paragraph\" value=\"2\""));
    assert!(second.contains("Your comment is about paragraph 2, above."));
    assert_eq!(page.matches("id=\"comment-form\"").count(), 1);
    assert!(page.contains("You are writing a comment on paragraph 2."));

    // A mistake brings the page back with the form still under the paragraph.
    let empty = friend
        .post(
            "/review/trial-policy/comments",
            &[("paragraph", "2"), ("body", "")],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(block(&empty.body, 2).contains("data-test=\"comment-form\""));
    assert_eq!(empty.field_errors(), ["Enter your comment"]);

    // A heading, or a paragraph that is not there, leaves the form at the end.
    for address in [
        "/review/trial-policy?paragraph=1",
        "/review/trial-policy?paragraph=99",
    ] {
        let page = friend.get(address).await.body;
        assert!(page.contains("What is your comment about?"), "{address}");
    }
}

/// Publishes the policy in review, starts version 2 and opens its review with `body`.
async fn revise_with(app: &TestApp, editor: &Browser, id: i64, body: &str) {
    let published = editor
        .post(
            &format!("/admin/policies/{id}/publish"),
            &[("change_note", "First version."), ("confirmed", "yes")],
        )
        .await;
    assert_eq!(published.status, 303, "{:?}", published.field_errors());
    let revised = editor
        .post(
            &format!("/admin/policies/{id}/revise"),
            &[("confirmed", "yes")],
        )
        .await;
    assert_eq!(revised.status, 303, "{:?}", revised.field_errors());
    let updated_at: String = sqlx::query_scalar(
        "SELECT updated_at FROM policy_versions WHERE policy_id = $1 ORDER BY number DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let saved = editor
        .post(
            &format!("/admin/policies/{id}"),
            &[
                ("title", "Trial policy"),
                ("slug", "trial-policy"),
                ("summary", "Who may use data in the SDE and on what terms."),
                ("body", body),
                ("updated_at", &updated_at),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{:?}", saved.field_errors());
    let closes = (app::dates::uk_now().date_naive() + chrono::Duration::days(14)).to_string();
    let opened = editor
        .post(
            &format!("/admin/policies/{id}/review"),
            &[("closes-day", &closes)],
        )
        .await;
    assert_eq!(opened.status, 303, "{:?}", opened.field_errors());
}

#[tokio::test]
async fn paragraphs_new_or_changed_since_the_published_version_are_marked() {
    paragraphs_new_or_changed_since_the_published_version_are_marked_on(
        &crate::helpers::spawn_app().await,
    )
    .await;
}

pub async fn paragraphs_new_or_changed_since_the_published_version_are_marked_on(app: &TestApp) {
    let (editor, friend, id) = policy_in_review(app).await;
    // The first review has nothing published to compare with.
    assert!(!friend
        .get("/review/trial-policy")
        .await
        .body
        .contains("data-test=\"changed-paragraph\""));
    revise_with(
        app,
        &editor,
        id,
        "# Who may use the data\n\nOnly approved researchers may work with data in the SDE, and only inside it.\n\nEvery project is checked by the Data Access Committee, half of whose members are members of the public.\n\n## Commercial projects\n\nA company may use the SDE only for work that benefits NHS patients.\n\nEvery company's project is listed on this website.\n",
    )
    .await;
    let page = friend.get("/review/trial-policy").await.body;
    for (n, marked) in [
        (1, false),
        (2, false),
        (3, true),
        (4, false),
        (5, false),
        (6, true),
    ] {
        assert_eq!(
            block(&page, n).contains("data-test=\"changed-paragraph\""),
            marked,
            "paragraph {n}"
        );
    }
}

#[tokio::test]
async fn staff_answer_from_a_queue_of_unanswered_comments_oldest_first() {
    staff_answer_from_a_queue_of_unanswered_comments_oldest_first_on(
        &crate::helpers::spawn_app().await,
    )
    .await;
}

pub async fn staff_answer_from_a_queue_of_unanswered_comments_oldest_first_on(app: &TestApp) {
    let (editor, friend, id) = policy_in_review(app).await;
    let queue = format!("/admin/policies/{id}/answers");
    // A policy never open for review has no discussion to link to.
    let created = editor
        .post(
            "/admin/policies/new",
            &[
                ("title", "Never reviewed"),
                ("slug", "never-reviewed"),
                ("summary", "A draft."),
                ("body", "One paragraph."),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{:?}", created.field_errors());
    let draft_queue = editor
        .get(&format!(
            "{}/answers",
            created.location.split('?').next().unwrap()
        ))
        .await
        .body;
    assert!(draft_queue.contains("has not been open for review yet"));
    assert!(!draft_queue.contains("href=\"/review/never-reviewed\""));
    assert!(editor
        .get(&queue)
        .await
        .body
        .contains("Every comment has an answer."));
    for (paragraph, body) in [("2", "Who approves them?"), ("whole", "Clear overall.")] {
        let posted = friend
            .post(
                "/review/trial-policy/comments",
                &[("paragraph", paragraph), ("body", body)],
            )
            .await;
        assert_eq!(posted.status, 303, "{:?}", posted.field_errors());
    }
    // Critical friends and the public do not see the queue.
    assert_ne!(friend.get(&queue).await.status, 200);
    assert_ne!(app.get(&queue).await.status, 200);

    let page = editor.get(&queue).await.body;
    assert!(page.contains("2 comments are waiting for an answer, oldest first."));
    let first = page.find("Who approves them?").unwrap();
    let second = page.find("Clear overall.").unwrap();
    assert!(first < second, "oldest first");
    // The paragraph is shown with its comment, and the answer form is not folded away.
    assert!(page.contains("data-test=\"queue-paragraph\""));
    assert!(page.contains("Only approved researchers may work with data"));
    assert!(page.contains("On paragraph 2, posted"));
    assert_eq!(page.matches("data-test=\"answer-form\"").count(), 2);
    assert!(page.contains("name=\"from\" value=\"queue\""));

    let comment: i64 = app.scalar_i64("SELECT MIN(id) FROM policy_comments").await;
    let answer_path = format!("/review/trial-policy/comments/{comment}/response");
    // A mistake comes back on the queue, beside the comment's own form.
    let wrong = editor
        .post(&answer_path, &[("from", "queue"), ("body", "Yes.")])
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("data-test=\"answer-queue\""));
    assert_eq!(wrong.field_errors(), ["Choose what the comment led to"]);
    let answered = editor
        .post(
            &answer_path,
            &[
                ("from", "queue"),
                ("outcome", "changed"),
                ("body", "Paragraph 2 now names the committee."),
            ],
        )
        .await;
    assert_eq!(answered.status, 303, "{:?}", answered.field_errors());
    assert_eq!(answered.location, format!("{queue}?done=answer-saved"));
    let page = editor.get(&queue).await.body;
    assert!(page.contains("1 comment is waiting for an answer"));
    assert!(!page.contains("Who approves them?"));
    // The policy's page links to the queue while comments wait.
    assert!(editor
        .get(&format!("/admin/policies/{id}"))
        .await
        .body
        .contains(&format!("href=\"{queue}\"")));
}

async fn comment_on_2(who: &Browser, body: &str) -> String {
    let reply = who
        .post(
            "/review/trial-policy/comments",
            &[("paragraph", "2"), ("body", body)],
        )
        .await;
    crate::policies::comment_id(&reply)
}

#[tokio::test]
async fn authors_edit_or_withdraw_their_comment_until_it_is_answered() {
    authors_edit_or_withdraw_their_comment_until_it_is_answered_on(
        &crate::helpers::spawn_app().await,
    )
    .await;
}

pub async fn authors_edit_or_withdraw_their_comment_until_it_is_answered_on(app: &TestApp) {
    let (editor, friend, _) = policy_in_review(app).await;
    let (other, _) = app.signed_in(app::accounts::Role::CriticalFriend).await;
    let first = comment_on_2(&friend, "Say who approves reserchers.").await;
    let second = comment_on_2(&friend, "I am not sure about this one.").await;

    // Only the author sees the forms.
    let mine = friend.get("/review/trial-policy").await.body;
    assert_eq!(mine.matches("data-test=\"edit-form\"").count(), 2);
    assert!(!other
        .get("/review/trial-policy")
        .await
        .body
        .contains("data-test=\"edit-form\""));

    // An edit keeps the earlier text, shown with the comment.
    let edit = format!("/review/trial-policy/comments/{first}/edit");
    let empty = friend.post(&edit, &[("body", "")]).await;
    assert_eq!(empty.status, 422);
    assert_eq!(
        empty.field_errors(),
        ["Enter your comment, or withdraw it instead"]
    );
    let edited = friend
        .post(&edit, &[("body", "Say who approves researchers.")])
        .await;
    assert_eq!(edited.status, 303, "{:?}", edited.field_errors());
    assert_eq!(
        edited.location,
        format!("/review/trial-policy?done=comment-edited#comment-{first}")
    );
    let page = friend.get("/review/trial-policy").await.body;
    assert!(page.contains("Say who approves researchers."));
    assert!(page.contains("data-test=\"earlier-texts\""));
    assert!(page.contains("Say who approves reserchers."));
    // Nobody else may edit it.
    let theirs = other
        .post(&edit, &[("body", "Changed by someone else")])
        .await;
    assert_eq!(theirs.status, 409);
    assert!(theirs.body.contains("Only its author can change a comment"));
    assert!(!friend
        .get("/review/trial-policy")
        .await
        .body
        .contains("Changed by someone else"));

    // Withdrawing asks first, then the comment needs no answer and says so.
    let withdraw = format!("/review/trial-policy/comments/{second}/withdraw");
    let asked = friend.post(&withdraw, &[]).await;
    assert_eq!(asked.status, 200);
    assert!(asked.body.contains("Withdraw your comment?"));
    // The confirmation's button pressed twice (no JavaScript to stop it) withdraws once and
    // lands on the same page both times.
    let key = ("idempotency_key", "0123456789abcdef0123456789abcdef");
    let withdrawn = friend.post(&withdraw, &[("confirmed", "yes"), key]).await;
    assert_eq!(withdrawn.status, 303);
    let again = friend.post(&withdraw, &[("confirmed", "yes"), key]).await;
    assert_eq!(again.status, 303);
    assert_eq!(again.location, withdrawn.location);
    let page = editor.get("/review/trial-policy").await.body;
    assert!(page.contains("Withdrawn by its author."));
    assert!(
        !page.contains("Removed by the PPIE team: Withdrawn"),
        "a withdrawal is not the team's removal"
    );
    // Staff who had the form open cannot answer it now.
    let too_late = editor
        .post(
            &format!("/review/trial-policy/comments/{second}/response"),
            &[("outcome", "noted"), ("body", "Thanks.")],
        )
        .await;
    assert_eq!(too_late.status, 409);
    assert!(too_late
        .body
        .contains("withdrawn or removed since you opened it"));
    assert!(!page.contains("I am not sure about this one."));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM policy_comments WHERE withdrawn_at IS NOT NULL")
            .await,
        1
    );
    let queue = editor
        .get(&format!(
            "/admin/policies/{}/answers",
            app.scalar_i64("SELECT id FROM policies WHERE slug = 'trial-policy'")
                .await
        ))
        .await
        .body;
    assert!(queue.contains("1 comment is waiting for an answer"));

    // An answer written to the text before an edit is refused, to be read again.
    let stale = editor
        .post(
            &format!("/review/trial-policy/comments/{first}/response"),
            &[
                ("outcome", "changed"),
                ("body", "Paragraph 2 names them now."),
                ("edits", "0"),
            ],
        )
        .await;
    assert_eq!(stale.status, 409);
    assert!(stale
        .body
        .contains("changed this comment after you opened it"));
    assert!(
        stale.body.contains("Paragraph 2 names them now."),
        "the answer is kept"
    );
    // Once answered, the comment can no longer change.
    let answered = editor
        .post(
            &format!("/review/trial-policy/comments/{first}/response"),
            &[
                ("outcome", "changed"),
                ("body", "Paragraph 2 names them now."),
                ("edits", "1"),
            ],
        )
        .await;
    assert_eq!(answered.status, 303);
    let late = friend.post(&edit, &[("body", "Another thought")]).await;
    assert_eq!(late.status, 409);
    assert!(late.field_errors()[0].contains("has been answered"));
    assert!(
        late.body.contains("Another thought"),
        "what was typed is kept"
    );
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM audit_log WHERE action IN ('policy.comment-edited', 'policy.comment-withdrawn')")
            .await,
        2
    );
    // What the author withdrew goes with their account, text and all.
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
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM policy_comments WHERE id = {second} AND body = ''"
        ))
        .await,
        1
    );
}
