//! Critical friends' views of recommendations: giving and changing a view, the counts
//! beside the status, the reasons, the marking after a status change, the PPIE team's
//! answer, the register filter, the home page's count, the open data and `as_of`, and the
//! audit log.

use app::accounts::Role;

use crate::helpers::{spawn_app, Browser, TestApp};

async fn give(friend: &Browser, reference: &str, fields: &[(&str, &str)]) -> crate::helpers::Reply {
    friend
        .post(&format!("/actions/{reference}/friends-view"), fields)
        .await
}

/// The newest status change of `reference` gets a successor, as recording one does (and
/// the content version moves on, as the one write path does).
async fn change_status(app: &TestApp, reference: &str) {
    let mut tx = app.db.begin_write().await.unwrap();
    sqlx::query(
        "INSERT INTO status_changes (recommendation_id, seq, changed_on, from_status, to_status, note, team, recorded_at)
         SELECT r.id, (SELECT MAX(sc.seq) FROM status_changes sc WHERE sc.recommendation_id = r.id) + 1,
                $2, r.status_key, r.status_key, 'Looked at again.', 'PPIE Team', $3
         FROM recommendations r WHERE r.reference = $1",
    )
    .bind(reference)
    .bind(app::dates::today())
    .bind(app::dates::now())
    .execute(&mut *tx)
    .await
    .unwrap();
    app::db::bump_content_version(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    app::db::content_committed();
}

#[tokio::test]
async fn a_critical_friend_gives_and_changes_a_view_that_everyone_sees_with_its_reason() {
    a_critical_friend_gives_and_changes_a_view_that_everyone_sees_with_its_reason_on(
        &spawn_app().await,
    )
    .await;
}

pub async fn a_critical_friend_gives_and_changes_a_view_that_everyone_sees_with_its_reason_on(
    app: &TestApp,
) {
    // The public sees the counts beside the status, and no form.
    let page = app.get("/actions/PP-3").await.body;
    assert!(page.contains("No critical friend has given a view yet"));
    assert!(!page.contains("data-test=\"friends-view-form\""));

    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    assert!(friend
        .get("/actions/PP-3")
        .await
        .body
        .contains("data-test=\"friends-view-form\""));
    let saved = give(
        &friend,
        "pp-3",
        &[
            ("opinion", "disagree"),
            ("reason", "The opt-out is still hard to find."),
            ("show_name", "yes"),
        ],
    )
    .await;
    assert_eq!(saved.status, 303, "{:?}", saved.field_errors());
    assert_eq!(saved.location, "/actions/PP-3?done=view-saved#friends-view");

    let (second, _) = app.signed_in(Role::CriticalFriend).await;
    give(&second, "PP-3", &[("opinion", "agree")]).await;
    let page = app.get("/actions/PP-3").await.body;
    assert!(
        page.contains("1 agree, 0 partly agree, 1 disagree"),
        "{page}"
    );
    assert!(page.contains("The opt-out is still hard to find."));
    // Named only by choice.
    assert!(page.contains("Test Digital Critical Friend"));
    assert!(page.contains("A critical friend, "));

    // Changing a view keeps the earlier one, and counts the person once.
    let changed = give(
        &friend,
        "PP-3",
        &[
            ("opinion", "partly"),
            ("reason", "Better since the new page."),
        ],
    )
    .await;
    assert_eq!(changed.status, 303);
    let page = app.get("/actions/PP-3").await.body;
    assert!(page.contains("1 agree, 1 partly agree, 0 disagree"));
    assert!(page.contains("data-test=\"earlier-views\""));
    assert!(
        page.contains("The opt-out is still hard to find."),
        "the earlier view stays"
    );
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM friend_views").await, 3);
    // The form comes back filled in with the current view.
    let own = friend.get("/actions/PP-3").await.body;
    assert!(own.contains("Better since the new page.</textarea>"));
    assert!(own.contains("Change your view"));

    // Each view is in the audit log, in words.
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'recommendation.friends-view-given' AND record_id = 'PP-3'"
        )
        .await,
        3
    );
}

#[tokio::test]
async fn a_reason_is_needed_to_disagree_and_mistakes_keep_what_was_typed() {
    let app = spawn_app().await;
    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    let nothing = give(&friend, "PP-3", &[]).await;
    assert_eq!(nothing.status, 422);
    assert_eq!(
        nothing.field_errors(),
        ["Choose whether you agree, partly agree or disagree with the status"]
    );
    let no_reason = give(
        &friend,
        "PP-3",
        &[("opinion", "disagree"), ("reason", " \u{200b} ")],
    )
    .await;
    assert_eq!(no_reason.status, 422);
    assert_eq!(
        no_reason.field_errors(),
        ["Enter your reason: say why you partly agree or disagree with the status"]
    );
    let long = "a".repeat(501);
    let too_long = give(&friend, "PP-3", &[("opinion", "partly"), ("reason", &long)]).await;
    assert_eq!(too_long.status, 422);
    assert_eq!(
        too_long.field_errors(),
        ["Your reason must be 500 characters or fewer"]
    );
    assert!(too_long.body.contains(&long), "what was typed is kept");
    assert!(too_long.body.contains("value=\"partly\" checked"));
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM friend_views").await, 0);
    // Agreeing needs no reason.
    assert_eq!(
        give(&friend, "PP-3", &[("opinion", "agree")]).await.status,
        303
    );
    // No such recommendation.
    assert_eq!(
        give(&friend, "XX-99", &[("opinion", "agree")]).await.status,
        404
    );
}

#[tokio::test]
async fn only_critical_friends_give_views_and_only_staff_answer_them() {
    only_critical_friends_give_views_and_only_staff_answer_them_on(&spawn_app().await).await;
}

pub async fn only_critical_friends_give_views_and_only_staff_answer_them_on(app: &TestApp) {
    let (editor, _) = app.signed_in(Role::Editor).await;
    let refused = give(&editor, "PP-3", &[("opinion", "agree")]).await;
    assert_eq!(
        refused.status, 403,
        "the SDE cannot speak for its critical friends"
    );
    let public = app.browser();
    give(&public, "PP-3", &[("opinion", "agree")]).await;
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM friend_views").await, 0);

    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    give(
        &friend,
        "PP-3",
        &[("opinion", "disagree"), ("reason", "Too slow.")],
    )
    .await;
    let id = app.scalar_i64("SELECT MAX(id) FROM friend_views").await;
    let by_friend = friend
        .post(
            &format!("/actions/PP-3/friends-views/{id}/answer"),
            &[("body", "I answer myself")],
        )
        .await;
    assert_eq!(by_friend.status, 403);

    // The team answers in public; an empty answer is refused beside its box.
    assert!(editor
        .get("/actions/PP-3")
        .await
        .body
        .contains("data-test=\"view-answer-form\""));
    let empty = editor
        .post(
            &format!("/actions/PP-3/friends-views/{id}/answer"),
            &[("body", "")],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert_eq!(empty.field_errors(), ["Enter the answer"]);
    assert!(empty.body.contains(&format!("id=\"answer-{id}\"")));
    let answered = editor
        .post(
            &format!("/actions/PP-3/friends-views/{id}/answer"),
            &[("body", "We have moved it up the list for spring.")],
        )
        .await;
    assert_eq!(answered.status, 303, "{:?}", answered.field_errors());
    assert_eq!(
        answered.location,
        format!("/actions/PP-3?done=view-answered#view-{id}")
    );
    let page = app.get("/actions/PP-3").await.body;
    assert!(page.contains("We have moved it up the list for spring."));
    assert!(page.contains("data-test=\"view-answer\""));
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'recommendation.friends-view-answered'"
        )
        .await,
        1
    );
    // An answer to a view of another recommendation's address is not found.
    let wrong = editor
        .post(
            &format!("/actions/SH-1/friends-views/{id}/answer"),
            &[("body", "x")],
        )
        .await;
    assert_eq!(wrong.status, 404);
}

#[tokio::test]
async fn a_status_change_marks_the_views_given_before_it() {
    a_status_change_marks_the_views_given_before_it_on(&spawn_app().await).await;
}

pub async fn a_status_change_marks_the_views_given_before_it_on(app: &TestApp) {
    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    give(&friend, "PP-3", &[("opinion", "agree")]).await;
    assert!(!app
        .get("/actions/PP-3")
        .await
        .body
        .contains("data-test=\"before-change\""));
    change_status(app, "PP-3").await;
    let page = app.get("/actions/PP-3").await.body;
    assert!(page.contains("data-test=\"before-change\""));
    assert!(page.contains("1 of these views was given before the status last changed."));
    // A new view after the change is current again.
    give(&friend, "PP-3", &[("opinion", "agree")]).await;
    let page = app.get("/actions/PP-3").await.body;
    let current = page.split("data-test=\"earlier-views\"").next().unwrap();
    assert!(!current.contains("data-test=\"before-change\""));
}

#[tokio::test]
async fn the_register_filters_and_counts_disagreement_and_the_open_data_carries_it() {
    the_register_filters_and_counts_disagreement_and_the_open_data_carries_it_on(
        &spawn_app().await,
    )
    .await;
}

pub async fn the_register_filters_and_counts_disagreement_and_the_open_data_carries_it_on(
    app: &TestApp,
) {
    let home = app.get("/").await.body;
    assert!(home.contains("No Digital Critical Friend disagrees"));
    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    let (other, _) = app.signed_in(Role::CriticalFriend).await;
    give(
        &friend,
        "PP-3",
        &[("opinion", "disagree"), ("reason", "Not done yet.")],
    )
    .await;
    give(&other, "PP-3", &[("opinion", "agree")]).await;
    give(
        &friend,
        "SH-2",
        &[("opinion", "disagree"), ("reason", "No sign of it.")],
    )
    .await;
    give(&friend, "SH-1", &[("opinion", "agree")]).await;

    let list = app.get("/actions?friends_view=disagree").await;
    assert_eq!(list.status, 200);
    let mut references = list.references();
    references.sort();
    assert_eq!(references, ["PP-3", "SH-2"]);
    assert!(list
        .body
        .contains("Critical friends: 1 agree, 0 partly agree, 1 disagree"));
    assert!(list.body.contains("value=\"disagree\" checked"));
    assert_eq!(
        app.get("/actions?friends_view=agree")
            .await
            .references()
            .len(),
        2
    );
    let bad = app.get("/actions?friends_view=maybe").await;
    assert_eq!(bad.status, 400);
    assert!(bad
        .body
        .contains("friends_view must be agree, partly or disagree"));

    for page in ["/", "/you-said-we-did"] {
        let body = app.get(page).await.body;
        assert!(
            body.contains(
                "Digital Critical Friends disagree with the status of 2 recommendations."
            ),
            "{page}"
        );
        assert!(
            body.contains("href=\"/actions?friends_view=disagree\""),
            "{page}"
        );
    }

    // Changing the view to agree takes SH-2 out of the filter.
    give(&friend, "SH-2", &[("opinion", "agree")]).await;
    assert_eq!(
        app.get("/actions?friends_view=disagree").await.references(),
        ["PP-3"]
    );

    let json: serde_json::Value =
        serde_json::from_str(&app.get("/api/v1/recommendations/PP-3").await.body).unwrap();
    assert_eq!(
        json["friends_view"],
        serde_json::json!({"agree": 1, "partly": 0, "disagree": 1})
    );
    let listed: serde_json::Value = serde_json::from_str(
        &app.get("/api/v1/recommendations?friends_view=disagree")
            .await
            .body,
    )
    .unwrap();
    assert_eq!(listed["total"], 1, "{listed}");
    let csv = app.get("/actions.csv?friends_view=disagree").await.body;
    let mut reader = ::csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][column("reference")], "PP-3");
    assert_eq!(&rows[0][column("friends_agree")], "1");
    assert_eq!(&rows[0][column("friends_disagree")], "1");
}

#[tokio::test]
async fn as_of_counts_the_views_as_they_stood_that_day() {
    as_of_counts_the_views_as_they_stood_that_day_on(&spawn_app().await).await;
}

pub async fn as_of_counts_the_views_as_they_stood_that_day_on(app: &TestApp) {
    let friend = app.create_user(Role::CriticalFriend).await;
    // A view given in the spring, changed in the summer.
    for (opinion, day) in [("disagree", "2026-04-01"), ("agree", "2026-07-01")] {
        sqlx::query(
            "INSERT INTO friend_views (recommendation_id, author_id, opinion, reason, show_name, status_seq, given_on, given_at)
             SELECT id, $1, $2, 'Because.', 0, 1, $3, $4 FROM recommendations WHERE reference = 'PP-3'",
        )
        .bind(friend.id)
        .bind(opinion)
        .bind(day)
        .bind(format!("{day}T12:00:00Z"))
        .execute(app.db.pool())
        .await
        .unwrap();
    }
    let mut tx = app.db.begin_write().await.unwrap();
    app::db::bump_content_version(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    app::db::content_committed();
    let count = |body: String| -> serde_json::Value {
        let data: serde_json::Value = serde_json::from_str(&body).unwrap();
        data["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["reference"] == "PP-3")
            .map(|r| r["friends_view"].clone())
            .unwrap_or(serde_json::Value::Null)
    };
    assert_eq!(
        count(app.get("/actions.json?as_of=2026-05-01").await.body),
        serde_json::json!({"agree": 0, "partly": 0, "disagree": 1})
    );
    assert_eq!(
        count(app.get("/actions.json?as_of=2026-03-01").await.body),
        serde_json::json!({"agree": 0, "partly": 0, "disagree": 0})
    );
    assert_eq!(
        count(app.get("/actions.json").await.body),
        serde_json::json!({"agree": 1, "partly": 0, "disagree": 0})
    );
    assert_eq!(
        app.get("/actions?friends_view=disagree&as_of=2026-05-01")
            .await
            .references(),
        ["PP-3"]
    );
    assert!(app
        .get("/actions?friends_view=disagree")
        .await
        .references()
        .is_empty());
}

#[tokio::test]
async fn views_are_append_only_in_the_database() {
    views_are_append_only_in_the_database_on(&spawn_app().await).await;
}

pub async fn views_are_append_only_in_the_database_on(app: &TestApp) {
    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    give(&friend, "PP-3", &[("opinion", "agree")]).await;
    for statement in [
        "UPDATE friend_views SET opinion = 'disagree'",
        "DELETE FROM friend_views",
    ] {
        assert!(
            sqlx::query(statement).execute(app.db.pool()).await.is_err(),
            "{statement}"
        );
    }
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM friend_views").await, 1);
}

#[tokio::test]
async fn a_critical_friends_views_are_in_their_data_export() {
    let app = spawn_app().await;
    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    give(
        &friend,
        "SH-2",
        &[("opinion", "partly"), ("reason", "Half done.")],
    )
    .await;
    let export: serde_json::Value =
        serde_json::from_str(&friend.get("/account/export.json").await.body).unwrap();
    assert_eq!(export["critical_friend_views"][0]["recommendation"], "SH-2");
    assert_eq!(export["critical_friend_views"][0]["reason"], "Half done.");
}

#[tokio::test]
async fn staff_take_a_reason_off_the_page_and_the_view_still_counts() {
    let app = spawn_app().await;
    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    give(
        &friend,
        "PP-3",
        &[
            ("opinion", "disagree"),
            (
                "reason",
                "My neighbour Mrs Example at 4 High Street was refused.",
            ),
        ],
    )
    .await;
    let id = app.scalar_i64("SELECT MAX(id) FROM friend_views").await;
    let path = format!("/actions/PP-3/friends-views/{id}/remove");
    // A critical friend cannot; staff need a published reason.
    assert_eq!(friend.post(&path, &[("reason", "x")]).await.status, 403);
    let empty = editor.post(&path, &[("reason", "")]).await;
    assert_eq!(empty.status, 422);
    assert_eq!(
        empty.field_errors(),
        ["Enter why the reason is removed: readers see it in its place"]
    );
    let removed = editor
        .post(&path, &[("reason", "It named a member of the public.")])
        .await;
    assert_eq!(removed.status, 303, "{:?}", removed.field_errors());
    let page = app.get("/actions/PP-3").await.body;
    assert!(
        !page.contains("Mrs Example"),
        "the reason is never shown again"
    );
    assert!(page.contains("Reason removed by the PPIE team: </em>It named a member of the public."));
    assert!(
        page.contains("0 agree, 0 partly agree, 1 disagree"),
        "the view still counts"
    );
    assert_eq!(editor.post(&path, &[("reason", "Again")]).await.status, 409);
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'recommendation.friends-view-reason-removed'"
        )
        .await,
        1
    );
    // The same form sent twice (its one-time key) lands where the first did.
    let (other, _) = app.signed_in(Role::CriticalFriend).await;
    give(
        &other,
        "PP-3",
        &[
            ("opinion", "partly"),
            ("reason", "Call 07700 900123 for details."),
        ],
    )
    .await;
    let second = app.scalar_i64("SELECT MAX(id) FROM friend_views").await;
    let path = format!("/actions/PP-3/friends-views/{second}/remove");
    let key = ("idempotency_key", "fedcba9876543210fedcba9876543210");
    let first = editor
        .post(&path, &[("reason", "It gave a phone number."), key])
        .await;
    let repeat = editor
        .post(&path, &[("reason", "It gave a phone number."), key])
        .await;
    assert_eq!(first.status, 303);
    assert_eq!(repeat.status, 303);
    assert_eq!(repeat.location, format!("/actions/PP-3#view-{second}"));
    assert!(first.location.ends_with(&format!("#view-{second}")));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM friend_view_removals")
            .await,
        2
    );
}
