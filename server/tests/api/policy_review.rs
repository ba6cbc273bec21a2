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
    let app = crate::helpers::spawn_app().await;
    let (_, friend, _) = policy_in_review(&app).await;

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
    let app = crate::helpers::spawn_app().await;
    let (editor, friend, id) = policy_in_review(&app).await;
    // The first review has nothing published to compare with.
    assert!(!friend
        .get("/review/trial-policy")
        .await
        .body
        .contains("data-test=\"changed-paragraph\""));
    revise_with(
        &app,
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
