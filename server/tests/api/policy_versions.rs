//! A policy's public history: numbered paragraphs, every public version, two versions
//! compared, answers linked to the change they led to, the review's summary and CSV, and
//! the log of removed comments.

use crate::{
    helpers::{spawn_app, Browser, TestApp},
    policies::{comment_id, policy_in_review},
};

/// Version 2 of the test policy (`policies::BODY`): one word changed in paragraph 2,
/// paragraph 3 taken out, a new last paragraph.
const SECOND_BODY: &str = "# Who may use the data\n\nOnly accredited researchers may work with data in the SDE, and only inside it.\n\n## Commercial projects\n\nA company may use the SDE only for work that benefits NHS patients.\n\nWe publish every decision of the committee within a month.\n";

/// The comment ids of the journey, by what they were about.
pub(crate) struct Journey {
    pub editor: Browser,
    pub policy_id: i64,
    pub on_two: String,
    pub on_three: String,
    pub whole: String,
    pub on_five: String,
    pub removed: String,
    pub removed_reply: String,
    pub author: String,
}

async fn comment(friend: &Browser, paragraph: &str, body: &str) -> String {
    comment_id(
        &friend
            .post(
                "/review/trial-policy/comments",
                &[("paragraph", paragraph), ("body", body)],
            )
            .await,
    )
}

async fn post_ok(browser: &Browser, path: &str, fields: &[(&str, &str)]) {
    let reply = browser.post(path, fields).await;
    assert_eq!(reply.status, 303, "{path}: {:?}", reply.field_errors());
}

/// `trial-policy`: version 1 reviewed (four answered comments, one removed comment, a
/// reply and a removed reply) and published, then version 2 written and published.
pub(crate) async fn two_published_versions(app: &TestApp) -> Journey {
    let (editor, friend, id) = policy_in_review(app).await;
    let on_two = comment(&friend, "2", "Say what approved means.").await;
    let on_three = comment(&friend, "3", "Is the committee needed at all?").await;
    let whole = comment(&friend, "whole", "Clear overall, but long.").await;
    let on_five = comment(&friend, "5", "Say which companies.").await;
    let removed = comment(&friend, "whole", "My neighbour Mrs Quillfeather agrees.").await;
    post_ok(
        &friend,
        "/review/trial-policy/comments",
        &[("parent", &on_two), ("body", "=HYPERLINK(\"x\") and more.")],
    )
    .await;
    let removed_reply = comment_id(
        &friend
            .post(
                "/review/trial-policy/comments",
                &[
                    ("parent", &on_two),
                    ("body", "Also Mr Zanzibarius said so."),
                ],
            )
            .await,
    );
    for (comment, reason) in [
        (&removed, "It named a patient."),
        (&removed_reply, "It named a member of staff."),
    ] {
        post_ok(
            &editor,
            &format!("/review/trial-policy/comments/{comment}/remove"),
            &[("reason", reason)],
        )
        .await;
    }
    for (comment, outcome, text) in [
        (&on_two, "changed", "We now say accredited."),
        (&on_three, "changed", "The committee paragraph goes."),
        (&whole, "partly-changed", "We cut some of it."),
        (&on_five, "not-changed", "Any company may apply."),
    ] {
        post_ok(
            &editor,
            &format!("/review/trial-policy/comments/{comment}/response"),
            &[("outcome", outcome), ("body", text)],
        )
        .await;
    }
    post_ok(
        &editor,
        &format!("/admin/policies/{id}/publish"),
        &[
            ("change_note", "First published version."),
            ("confirmed", "yes"),
        ],
    )
    .await;
    post_ok(
        &editor,
        &format!("/admin/policies/{id}/revise"),
        &[("confirmed", "yes")],
    )
    .await;
    let updated_at: String = sqlx::query_scalar(
        "SELECT updated_at FROM policy_versions WHERE policy_id = $1 AND number = 2",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    post_ok(
        &editor,
        &format!("/admin/policies/{id}"),
        &[
            ("title", "Trial policy"),
            ("summary", "Who may use data in the SDE and on what terms."),
            ("body", SECOND_BODY),
            ("updated_at", &updated_at),
        ],
    )
    .await;
    post_ok(
        &editor,
        &format!("/admin/policies/{id}/publish"),
        &[
            (
                "change_note",
                "Says accredited; drops the committee paragraph.",
            ),
            ("confirmed", "yes"),
        ],
    )
    .await;
    let author: String = sqlx::query_scalar(
        "SELECT u.display_name FROM users u JOIN policy_comments c ON c.author_id = u.id WHERE c.id = $1",
    )
    .bind(removed.parse::<i64>().unwrap())
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    Journey {
        editor,
        policy_id: id,
        on_two,
        on_three,
        whole,
        on_five,
        removed,
        removed_reply,
        author,
    }
}

/// The part of a page from `start` to the next `end` after it.
fn part<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body
        .find(start)
        .unwrap_or_else(|| panic!("{start} not found"));
    let rest = &body[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The whole public journey, on whichever database the app runs on.
pub(crate) async fn public_history(app: &TestApp) {
    let journey = two_published_versions(app).await;

    // The current text, numbered, each paragraph with its anchor and a spoken "Paragraph".
    let page = app.get("/policies/trial-policy").await;
    assert_eq!(page.status, 200);
    let body = page.body.replace("<!>", "");
    for n in 1..=5 {
        assert!(body.contains(&format!("id=\"p-{n}\"")), "p-{n}");
    }
    assert!(!body.contains("id=\"p-6\""));
    assert!(body.contains(
        "<span class=\"candour-policy__number\"><span class=\"nhsuk-u-visually-hidden\">Paragraph </span>2</span>"
    ));
    assert!(body.contains("href=\"/policies/trial-policy/versions\""));

    // Each public comment links to its paragraph in the version it was made on.
    let on_two = part(
        &body,
        &format!("id=\"comment-{}\"", journey.on_two),
        "</article>",
    );
    assert!(
        on_two.contains("href=\"/policies/trial-policy/versions/1#p-2\""),
        "{on_two}"
    );
    // Its answer links to where the paragraph is in the new version.
    assert!(
        on_two.contains("href=\"/policies/trial-policy#p-2\""),
        "{on_two}"
    );
    assert!(on_two.contains("Read paragraph 2 of version 2"));
    // A paragraph taken out, or the whole policy: the comparison instead.
    for comment in [&journey.on_three, &journey.whole] {
        let thread = part(&body, &format!("id=\"comment-{comment}\""), "</article>");
        assert!(
            thread.contains("href=\"/policies/trial-policy/compare?from=1&amp;to=2\""),
            "{thread}"
        );
    }
    // Not changed: no link to a change.
    let on_five = part(
        &body,
        &format!("id=\"comment-{}\"", journey.on_five),
        "</article>",
    );
    assert!(!on_five.contains("data-test=\"answer-link\""), "{on_five}");

    // The review opens with its comments counted by outcome, and links its CSV.
    let summary = part(&body, "data-test=\"review-summary\"", "</p>");
    assert!(
        summary.contains(
            "5 comments: 2 changed the policy, 1 changed part of it, 1 did not change it, 1 removed."
        ),
        "{summary}"
    );
    assert!(summary.contains("href=\"/policies/trial-policy/versions/1/review.csv\""));
    assert!(body.contains("href=\"/policies/trial-policy/moderation\""));

    // Every public version, newest first, with what it changed and a comparison.
    let versions = app.get("/policies/trial-policy/versions").await;
    assert_eq!(versions.status, 200);
    assert!(versions.title().starts_with("Versions: Trial policy"));
    let list = versions.body.replace("<!>", "");
    let second = list
        .find("Says accredited; drops the committee paragraph.")
        .unwrap();
    let first = list.find("First published version.").unwrap();
    assert!(second < first, "newest first");
    assert_eq!(list.matches("data-test=\"version-item\"").count(), 2);
    assert!(list.contains("href=\"/policies/trial-policy/compare?from=1&amp;to=2\""));
    assert!(list.contains("href=\"/policies/trial-policy/versions/1\""));
    assert!(list.contains("Version 1, published "));

    // Each version's own text; a version never public is not found.
    let old = app.get("/policies/trial-policy/versions/1").await;
    assert_eq!(old.status, 200);
    assert!(old
        .body
        .contains("Every project is checked by the Data Access Committee"));
    assert!(old.body.contains("Only approved researchers"));
    assert!(old.body.contains("Not the current version"));
    assert!(old.body.contains("id=\"p-3\""));
    let new = app.get("/policies/trial-policy/versions/2").await;
    assert_eq!(new.status, 200);
    assert!(new
        .body
        .contains("This is the current version of the policy."));
    assert!(!new.body.contains("Every project is checked"));
    for missing in ["3", "0", "x", "99999999999999999999"] {
        let page = app
            .get(&format!("/policies/trial-policy/versions/{missing}"))
            .await;
        assert_eq!(page.status, 404, "version {missing}");
    }
    post_ok(
        &journey.editor,
        &format!("/admin/policies/{}/revise", journey.policy_id),
        &[("confirmed", "yes")],
    )
    .await;
    assert_eq!(
        app.get("/policies/trial-policy/versions/3").await.status,
        404
    );
    let closes = (app::dates::uk_now().date_naive() + chrono::Duration::days(14)).to_string();
    post_ok(
        &journey.editor,
        &format!("/admin/policies/{}/review", journey.policy_id),
        &[("closes-day", &closes)],
    )
    .await;
    assert_eq!(
        app.get("/policies/trial-policy/versions/3").await.status,
        404,
        "in review"
    );
    assert_eq!(
        app.get("/policies/trial-policy/versions/3/review.csv")
            .await
            .status,
        404,
        "in review"
    );

    // Compared paragraph by paragraph, every change said in words.
    let compared = app.get("/policies/trial-policy/compare?from=1&to=2").await;
    assert_eq!(compared.status, 200);
    let compare = compared.body.replace("<!>", "");
    assert!(
        compare.contains("1 paragraph changed, 1 added, 1 removed, 3 the same."),
        "{}",
        part(&compare, "data-test=\"compare-summary\"", "</p>")
    );
    let changes: Vec<&str> = compare
        .split("data-test=\"paragraph-change\"")
        .skip(1)
        .collect();
    assert_eq!(changes.len(), 3, "{compare}");
    assert!(changes[0].contains(">Paragraph 2 changed</h2>"));
    assert!(changes[0].contains(
        "<del><span class=\"nhsuk-u-visually-hidden\">[removed: </span>approved<span class=\"nhsuk-u-visually-hidden\">]</span></del>"
    ), "{}", changes[0]);
    assert!(changes[0].contains(
        "<ins><span class=\"nhsuk-u-visually-hidden\">[added: </span> accredited<span class=\"nhsuk-u-visually-hidden\">]</span></ins>"
    ));
    assert!(changes[0].contains("may work with data in the SDE"));
    assert!(compare.contains("From version 1 (published "));
    assert!(changes[1].contains(">Paragraph 3 of version 1 removed</h2>"));
    assert!(changes[1].contains("<del>"));
    assert!(changes[1].contains("Every project is checked"));
    assert!(changes[2].contains(">Paragraph 5 added</h2>"));
    assert!(changes[2].contains("<ins>"));
    assert!(changes[2].contains("We publish every decision of the committee within a month."));
    // The form to choose again, by GET.
    assert!(compare.contains("<form method=\"get\""));
    assert!(compare.contains("<option value=\"1\" selected"));
    // No versions named: the current one and the one before.
    let default = app.get("/policies/trial-policy/compare").await;
    assert_eq!(default.status, 200);
    assert!(default.body.contains("Paragraph 2 changed"));
    // Backwards works too, and says so.
    let backwards = app.get("/policies/trial-policy/compare?from=2&to=1").await;
    assert_eq!(backwards.status, 200);
    assert!(backwards.body.contains("The first is the later version"));

    // Bad parameters: a 400 page saying what is wrong.
    for (query, message) in [
        ("from=x&to=2", "must be a version number, like 1, not “x”"),
        (
            "from=1&to=3",
            "Version 3 of this policy has not been published",
        ),
        ("from=1&to=1", "choose two different versions"),
        ("from=1", "Choose a version to compare to."),
    ] {
        let refused = app
            .get(&format!("/policies/trial-policy/compare?{query}"))
            .await;
        assert_eq!(refused.status, 400, "{query}");
        assert!(
            refused.title().starts_with("Error: Compare versions"),
            "{query}"
        );
        // At the top and beside the field.
        assert_eq!(
            refused.body.matches(message).count(),
            2,
            "{query}: {}",
            refused.body
        );
        assert!(refused.body.contains("There is a problem"));
        // The form is there to choose again.
        assert!(refused.body.contains("data-test=\"compare-form\""));
    }
    assert_eq!(
        app.get("/policies/no-such-policy/compare").await.status,
        404
    );
    assert_eq!(
        app.get("/policies/no-such-policy/versions").await.status,
        404
    );

    // The review as CSV: one row per comment and reply, removed text never in it.
    let csv = app
        .get("/policies/trial-policy/versions/1/review.csv")
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.content_type.starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(
        csv.body
            .strip_prefix('\u{FEFF}')
            .unwrap_or(&csv.body)
            .as_bytes(),
    );
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "version",
            "comment_id",
            "parent_id",
            "paragraph",
            "paragraph_excerpt",
            "author",
            "author_role",
            "posted_at",
            "text",
            "removed_reason",
            "outcome",
            "answer",
            "answered_by",
            "answered_at",
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 7, "five comments and two replies");
    let row = |id: &str| rows.iter().find(|r| &r[1] == id).unwrap().clone();
    let first = row(&journey.on_two);
    assert_eq!(&first[0], "1");
    assert_eq!(&first[3], "2");
    assert!(first[4].starts_with("Only approved researchers"));
    assert_eq!(&first[5], journey.author);
    assert_eq!(&first[6], "Digital Critical Friend");
    assert_eq!(&first[8], "Say what approved means.");
    assert_eq!(&first[10], "We changed the policy");
    assert_eq!(&first[11], "We now say accredited.");
    let removed = row(&journey.removed);
    assert_eq!(&removed[8], "", "a removed comment has no text");
    assert_eq!(&removed[9], "It named a patient.");
    let reply = row(&journey.removed_reply);
    assert_eq!(&reply[2], journey.on_two.as_str());
    assert_eq!(&reply[8], "");
    assert!(!csv.body.contains("Quillfeather") && !csv.body.contains("Zanzibarius"));
    // A formula is written as text.
    assert!(rows.iter().any(|r| &r[8] == "'=HYPERLINK(\"x\") and more."));
    // Version 2 had no review.
    assert_eq!(
        app.get("/policies/trial-policy/versions/2/review.csv")
            .await
            .status,
        404
    );
    assert_eq!(
        app.get("/policies/trial-policy/versions/x/review.csv")
            .await
            .status,
        404
    );

    // The moderation log: how many, when and why; never the text or the author.
    let log = app.get("/policies/trial-policy/moderation").await;
    assert_eq!(log.status, 200);
    let log = log.body.replace("<!>", "");
    assert!(log.contains("2 removed from this policy’s public reviews: 1 comment and 1 reply."));
    assert_eq!(log.matches("data-test=\"removal\"").count(), 2);
    assert!(log.contains("It named a patient."));
    assert!(log.contains("It named a member of staff."));
    assert!(log.contains(&app::dates::display_date(&app::dates::today())));
    assert!(!log.contains("Quillfeather") && !log.contains("Zanzibarius"));
    assert!(!log.contains(&journey.author));
}

#[tokio::test]
async fn a_policys_versions_numbered_paragraphs_comparison_csv_and_removals_are_public() {
    public_history(&spawn_app().await).await;
}

#[tokio::test]
async fn a_policy_never_published_has_no_public_history() {
    let app = spawn_app().await;
    policy_in_review(&app).await;
    for path in [
        "/policies/trial-policy/versions",
        "/policies/trial-policy/versions/1",
        "/policies/trial-policy/compare?from=1&to=2",
        "/policies/trial-policy/moderation",
        "/policies/trial-policy/versions/1/review.csv",
    ] {
        assert_eq!(app.get(path).await.status, 404, "{path}");
    }
}

#[tokio::test]
async fn the_public_history_pages_are_revalidated_with_an_etag() {
    let app = spawn_app().await;
    two_published_versions(&app).await;
    for path in [
        "/policies/trial-policy/versions",
        "/policies/trial-policy/versions/1",
        "/policies/trial-policy/compare?from=1&to=2",
        "/policies/trial-policy/moderation",
    ] {
        let first = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        let tag = first
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(tag.starts_with('"'), "{path}: {tag}");
        let again = app
            .client
            .get(format!("{}{path}", app.address))
            .header("if-none-match", &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
    }
}
