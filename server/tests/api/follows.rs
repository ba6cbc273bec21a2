//! Following recommendations from their pages, and changes shown on the account page.

use app::accounts::Role;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_followed_recommendation_is_listed_and_marked_when_it_changes() {
    let app = spawn_app().await;
    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    // The public sees no follow button; a signed-in person does.
    assert!(!app
        .get("/actions/PP-3")
        .await
        .body
        .contains("data-test=\"follow\""));
    assert!(friend
        .get("/actions/PP-3")
        .await
        .body
        .contains("Follow this recommendation"));

    let followed = friend.post("/actions/pp-3/follow", &[]).await;
    assert_eq!(followed.location, "/actions/PP-3?done=followed");
    assert!(friend
        .get("/actions/PP-3")
        .await
        .body
        .contains("Stop following"));
    let account = friend.get("/account").await.body;
    assert!(account.contains("data-test=\"followed\""));
    assert!(account.contains("None has changed"));

    // Following twice is harmless.
    friend.post("/actions/PP-3/follow", &[]).await;
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM follows").await, 1);

    sqlx::query("UPDATE follows SET seen_at = '2000-01-01T00:00:00Z'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let account = friend.get("/account").await.body;
    assert!(account.contains("data-test=\"changed\""));
    assert!(account.contains("1 has changed"));
    let seen = friend.post("/account/follows/seen", &[]).await;
    assert_eq!(seen.location, "/account?done=follows-seen");
    assert!(!friend
        .get("/account")
        .await
        .body
        .contains("data-test=\"changed\""));

    let unfollowed = friend.post("/actions/PP-3/unfollow", &[]).await;
    assert_eq!(unfollowed.location, "/actions/PP-3?done=unfollowed");
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM follows").await, 0);
}

#[tokio::test]
async fn following_a_recommendation_that_does_not_exist_is_a_404() {
    let app = spawn_app().await;
    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    let reply = friend.post("/actions/XX-99/follow", &[]).await;
    assert_eq!(reply.status, 404);
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM follows").await, 0);
}

#[tokio::test]
async fn follows_and_policy_comments_are_in_the_data_export_and_go_with_the_account() {
    let app = spawn_app().await;
    let (friend, user) = app.signed_in(Role::CriticalFriend).await;
    friend.post("/actions/SH-2/follow", &[]).await;
    let export = friend.get("/account/export.json").await;
    let data: serde_json::Value = serde_json::from_str(&export.body).unwrap();
    assert_eq!(data["following"][0]["recommendation"], "SH-2");
    assert!(data["policy_comments"].as_array().unwrap().is_empty());
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
            "SELECT COUNT(*) FROM follows WHERE user_id = {}",
            user.id
        ))
        .await,
        0
    );
}
