//! Staff running the register from the browser: engagements, new recommendations, and
//! their wording (every earlier wording kept, with a public reason) and details.

use app::accounts::Role;

use crate::helpers::{spawn_app, Browser, TestApp};

fn revision_in(body: &str) -> String {
    let start = body
        .find("name=\"revision\" value=\"")
        .expect("the form carries its revision")
        + 23;
    body[start..start + 16].to_owned()
}

async fn new_engagement(editor: &Browser) -> crate::helpers::Reply {
    editor
        .post(
            "/admin/engagements/new",
            &[
                ("name", "Wessex Public Panel 2027"),
                ("key", ""),
                ("prefix", "pp27"),
                ("kind", "public-panel"),
                ("started-day", "6"),
                ("started-month", "3"),
                ("started-year", "2027"),
                ("ended-day", ""),
                ("ended-month", ""),
                ("ended-year", ""),
                ("summary", "Forty residents met over six days."),
                ("body", "They talked about **AI** and NHS data."),
                ("figure-0-value", "40"),
                ("figure-0-label", "residents chosen by lottery"),
                ("revision", ""),
            ],
        )
        .await
}

/// The journey an editor takes, on whichever database `app` runs.
pub async fn an_editor_adds_an_engagement_and_a_recommendation_the_public_sees(app: &TestApp) {
    let (editor, _) = app.signed_in(Role::Editor).await;
    let created = new_engagement(&editor).await;
    assert_eq!(created.status, 303, "{:?}", created.field_errors());
    assert_eq!(
        created.location,
        "/admin/engagements/wessex-public-panel-2027?done=engagement-saved"
    );
    let engagement = app.get("/engagement").await.body;
    assert!(engagement.contains("Wessex Public Panel 2027"));
    assert!(engagement.contains("residents chosen by lottery"));

    let form = editor
        .get("/admin/actions/new?engagement=wessex-public-panel-2027")
        .await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("value=\"PP27-1\""),
        "the next free reference is offered"
    );
    let added = editor
        .post(
            "/admin/actions/new",
            &[
                ("engagement", "wessex-public-panel-2027"),
                ("reference", "PP27-1"),
                ("title", "Tell us when AI tools use our records"),
                (
                    "what_you_said",
                    "We want to know whenever an AI tool is trained on our records.",
                ),
                ("raised-day", "20"),
                ("raised-month", "3"),
                ("raised-year", "2026"),
                ("values", "transparency"),
                ("values", "accountability"),
                ("priorities", "cancer"),
                ("team", "SDE Governance Team"),
                ("target-day", ""),
                ("target-month", ""),
                ("target-year", ""),
                ("evidence-0-title", "Public panel report"),
                ("evidence-0-url", "/reports/public-panel-report"),
                ("from_comment", ""),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{:?}", added.field_errors());
    assert_eq!(added.location, "/actions/PP27-1?done=recommendation-added");

    let page = app.get("/actions/PP27-1").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Tell us when AI tools use our records"));
    assert!(
        page.body.contains("Raised at Wessex Public Panel 2027."),
        "first history entry"
    );
    assert!(app
        .get("/actions?engagement=wessex-public-panel-2027")
        .await
        .references()
        .contains(&"PP27-1".to_owned()));
    let feed = app.get("/actions/feed.atom").await.body;
    assert!(feed.contains("PP27-1"));
    let csv = app.get("/actions.csv").await.body;
    assert!(csv.contains("PP27-1,Tell us when AI tools use our records"));
    let api: serde_json::Value =
        reqwest::get(format!("{}/api/v1/recommendations/PP27-1", app.address))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(
        api["values"],
        serde_json::json!(["transparency", "accountability"])
    );
    assert!(
        api["evidence"][0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/reports/public-panel-report"),
        "{api}"
    );
    // Searchable within a second (the index follows the content version).
    let mut found = false;
    for _ in 0..20 {
        let results = app.get("/search?q=AI+tools+records").await.body;
        if results.contains("/actions/PP27-1") {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(found, "the new recommendation is found by search");

    // A new wording needs a reason, and the earlier one stays on the public page.
    let details = editor.get("/admin/actions/PP27-1/details").await.body;
    let revision = revision_in(&details);
    let reworded = [
        ("title", "Tell us whenever AI tools use our records"),
        (
            "what_you_said",
            "We want to know whenever an AI tool is trained on our records.",
        ),
        ("reason", ""),
        ("values", "transparency"),
        ("evidence-0-title", "Public panel report"),
        ("evidence-0-url", "/reports/public-panel-report"),
        ("revision", revision.as_str()),
    ];
    let refused = editor
        .post("/admin/actions/PP27-1/details", &reworded)
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.field_errors(),
        vec![
            "Say why the wording changes: readers see the reason beside the earlier wording"
                .to_owned()
        ]
    );
    assert!(
        refused
            .body
            .contains("Tell us whenever AI tools use our records"),
        "text kept"
    );
    let mut with_reason = reworded.to_vec();
    with_reason[2] = ("reason", "Agreed with the panel on 3 March");
    let saved = editor
        .post("/admin/actions/PP27-1/details", &with_reason)
        .await;
    assert_eq!(saved.status, 303, "{:?}", saved.field_errors());
    let public = app.get("/actions/PP27-1").await.body;
    assert!(public.contains("Tell us whenever AI tools use our records"));
    assert!(public.contains("Wording changed on"));
    assert!(public.contains("Agreed with the panel on 3 March"));
    assert!(public.contains("Earlier title: </strong>Tell us when AI tools use our records"));
    assert!(
        public.contains("<ins>"),
        "the change is marked word by word"
    );
    for action in [
        "engagement.created",
        "recommendation.created",
        "recommendation.reworded",
        "recommendation.details-changed",
    ] {
        let n = app
            .scalar_i64(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"
            ))
            .await;
        assert_eq!(n, 1, "{action}");
    }
    // Saved over someone else's: refused, with the text kept.
    let stale = editor
        .post("/admin/actions/PP27-1/details", &with_reason)
        .await;
    assert_eq!(stale.status, 409);
    assert!(stale.body.contains("data-test=\"their-version\""));
}

#[tokio::test]
async fn an_editor_adds_an_engagement_and_a_recommendation_and_rewords_it() {
    let app = spawn_app().await;
    an_editor_adds_an_engagement_and_a_recommendation_the_public_sees(&app).await;
}

#[tokio::test]
async fn engagement_mistakes_get_their_messages_and_the_text_is_kept() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let reply = editor
        .post(
            "/admin/engagements/new",
            &[
                ("name", "A panel"),
                ("prefix", "PP"),
                ("kind", "fair"),
                ("started-day", "31"),
                ("started-month", "2"),
                ("started-year", "2027"),
                ("summary", "Kept summary"),
                ("body", ""),
                ("figure-0-value", "40"),
                ("figure-0-label", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.field_errors(),
        vec![
            "Choose what kind of engagement it was".to_owned(),
            "Start date must be a real date".to_owned(),
            "Enter the description: what happened and what people said".to_owned(),
            "Say what the figure 40 counts".to_owned(),
        ]
    );
    assert!(reply.body.contains("Kept summary"));
    // The prefix is another engagement's.
    let reply = editor
        .post(
            "/admin/engagements/new",
            &[
                ("name", "A panel"),
                ("prefix", "PP"),
                ("kind", "public-panel"),
                ("started-day", "1"),
                ("started-month", "2"),
                ("started-year", "2027"),
                ("summary", "S"),
                ("body", "B"),
            ],
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.field_errors(),
        vec!["Another engagement already uses the prefix PP: choose another".to_owned()]
    );
}

#[tokio::test]
async fn a_taken_reference_or_a_bad_evidence_address_is_refused_with_a_clear_message() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let fields = |reference: &'static str, url: &'static str| {
        vec![
            ("engagement", "public-panel"),
            ("reference", reference),
            ("title", "A title"),
            ("what_you_said", "What they said"),
            ("raised-day", "1"),
            ("raised-month", "1"),
            ("raised-year", "2026"),
            ("team", "PPIE Team"),
            ("evidence-0-title", "A page"),
            ("evidence-0-url", url),
        ]
    };
    let taken = editor
        .post("/admin/actions/new", &fields("PP-3", "https://www.nhs.uk/"))
        .await;
    assert_eq!(taken.status, 409);
    assert_eq!(
        taken.field_errors(),
        vec!["PP-3 is already taken. The next free reference is PP-33".to_owned()]
    );
    assert!(
        taken.body.contains("value=\"PP-33\""),
        "the free one is offered"
    );
    let bad = editor
        .post(
            "/admin/actions/new",
            &fields("PP-40", "javascript:alert(1)"),
        )
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(
        bad.field_errors(),
        vec!["Enter a full web address starting with https://, or a page of this site starting with /".to_owned()]
    );
    let wrong_prefix = editor
        .post(
            "/admin/actions/new",
            &fields("SH-40", "https://www.nhs.uk/"),
        )
        .await;
    assert_eq!(
        wrong_prefix.field_errors(),
        vec!["The reference must be PP- and a number, like PP-33".to_owned()]
    );
}

#[tokio::test]
async fn earlier_wordings_cannot_be_rewritten_or_removed() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let details = editor.get("/admin/actions/PP-7/details").await.body;
    let revision = revision_in(&details);
    let reply = editor
        .post(
            "/admin/actions/PP-7/details",
            &[
                ("title", "A new title"),
                ("what_you_said", "New words."),
                ("reason", "Corrected"),
                ("revision", &revision),
            ],
        )
        .await;
    assert_eq!(reply.status, 303, "{:?}", reply.field_errors());
    for statement in [
        "UPDATE recommendation_wordings SET reason = 'x'",
        "DELETE FROM recommendation_wordings",
    ] {
        assert!(
            sqlx::query(statement).execute(app.db.pool()).await.is_err(),
            "{statement}"
        );
    }
}
