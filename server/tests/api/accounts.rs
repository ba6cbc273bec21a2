//! Signing in and out, sessions, throttling, invitations, resets, the account page and
//! the audit log.

use app::accounts::Role;

use crate::helpers::{content_dir, spawn_app, spawn_app_configured, PASSWORD};

fn cookie_value(set_cookie: &[String]) -> Option<String> {
    set_cookie.iter().find_map(|c| {
        c.strip_prefix("candour_session=")
            .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
    })
}

#[tokio::test]
async fn signing_in_sets_a_protected_cookie_and_opens_the_account_page() {
    let app = spawn_app().await;
    let user = app.create_user(Role::CriticalFriend).await;
    let browser = app.browser();
    assert_eq!(browser.get("/account").await.status, 401);
    let reply = browser.sign_in(&user.email, PASSWORD).await;
    assert_eq!(reply.status, 303);
    assert_eq!(reply.location, "/account");
    let cookie = reply
        .set_cookie
        .iter()
        .find(|c| c.starts_with("candour_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http must not ask for Secure: {cookie}"
    );
    let account = browser.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains(&user.email));
    assert!(account.body.contains("Your account"));
}

#[tokio::test]
async fn the_cookie_is_secure_when_the_public_address_is_https() {
    let app = spawn_app_configured(&content_dir(), |config| {
        config.public_url = "https://candour.example.org".parse().unwrap();
    })
    .await;
    let user = app.create_user(Role::CriticalFriend).await;
    let reply = app.browser().sign_in(&user.email, PASSWORD).await;
    let cookie = reply
        .set_cookie
        .iter()
        .find(|c| c.starts_with("candour_session="))
        .unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    let user = app.create_user(Role::CriticalFriend).await;
    let wrong = app
        .browser()
        .sign_in(&user.email, "not the password at all")
        .await;
    let unknown = app.browser().sign_in("nobody@example.org", PASSWORD).await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    assert_eq!(wrong.field_errors(), unknown.field_errors());
    assert_eq!(
        wrong.field_errors(),
        vec!["The email address or password is not right. Check them and try again.".to_owned()]
    );
    assert!(cookie_value(&wrong.set_cookie).is_none());
}

#[tokio::test]
async fn an_empty_sign_in_form_says_what_is_missing_beside_each_field() {
    let app = spawn_app().await;
    let reply = app
        .browser()
        .post("/sign-in", &[("email", "not-an-email"), ("password", "")])
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.field_errors(),
        vec![
            "Enter an email address in the correct format, like name@example.com".to_owned(),
            "Enter your password".to_owned()
        ]
    );
    assert!(
        reply.body.contains("value=\"not-an-email\""),
        "what was typed is kept"
    );
}

#[tokio::test]
async fn signing_in_again_gives_a_new_session_id_and_the_old_one_stops_working() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Editor).await;
    let browser = app.browser();
    let first = cookie_value(&browser.sign_in(&user.email, PASSWORD).await.set_cookie).unwrap();
    let second = cookie_value(&browser.sign_in(&user.email, PASSWORD).await.set_cookie).unwrap();
    assert_ne!(first, second);
    let old = app
        .client
        .get(format!("{}/account", app.address))
        .header("cookie", format!("candour_session={first}"))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status().as_u16(), 401);
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let (browser, _) = app.signed_in(Role::CriticalFriend).await;
    let cookie = browser.session_cookie().unwrap();
    let reply = browser.post("/sign-out", &[]).await;
    assert_eq!(reply.status, 303);
    assert_eq!(reply.location, "/sign-in?done=signed-out");
    let replayed = app
        .client
        .get(format!("{}/account", app.address))
        .header("cookie", format!("candour_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        replayed.status().as_u16(),
        401,
        "a copied cookie must not outlive sign-out"
    );
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM sessions").await, 0);
}

#[tokio::test]
async fn activity_renews_the_idle_timeout_and_an_idle_session_ends() {
    let app = spawn_app().await;
    let (browser, _) = app.signed_in(Role::CriticalFriend).await;
    // Each request pushes the expiry 30 minutes ahead.
    sqlx::query("UPDATE sessions SET expires_at = '2099-01-01T00:00:00Z'")
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(browser.get("/account").await.status, 200);
    let expires: String = sqlx::query_scalar("SELECT expires_at FROM sessions")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let expires = chrono::DateTime::parse_from_rfc3339(&expires).unwrap();
    let ahead = expires
        .signed_duration_since(chrono::Utc::now())
        .num_minutes();
    assert!((28..=30).contains(&ahead), "expiry {ahead} minutes ahead");
    // Thirty minutes of nothing: the session has lapsed.
    sqlx::query("UPDATE sessions SET expires_at = '2000-01-01T00:00:00Z'")
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(browser.get("/account").await.status, 401);
}

#[tokio::test]
async fn a_session_ends_twelve_hours_after_sign_in_however_active() {
    let app = spawn_app().await;
    let (browser, _) = app.signed_in(Role::CriticalFriend).await;
    let data: String = sqlx::query_scalar("SELECT data FROM sessions")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let mut data: serde_json::Value = serde_json::from_str(&data).unwrap();
    let thirteen_hours_ago = chrono::Utc::now().timestamp() - 13 * 3600;
    data["auth"]["signed_in_at"] = thirteen_hours_ago.into();
    sqlx::query("UPDATE sessions SET data = $1")
        .bind(data.to_string())
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(browser.get("/account").await.status, 401);
}

#[tokio::test]
async fn repeated_failures_pause_sign_in_for_that_account_with_a_time_to_try_again() {
    let app = spawn_app().await;
    let user = app.create_user(Role::CriticalFriend).await;
    let browser = app.browser();
    for _ in 0..5 {
        assert_eq!(
            browser
                .sign_in(&user.email, "wrong password again")
                .await
                .status,
            401
        );
    }
    // Even the right password waits now.
    let paused = browser.sign_in(&user.email, PASSWORD).await;
    assert_eq!(paused.status, 429);
    let retry: i64 = paused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&retry), "Retry-After {retry}");
    assert!(
        paused.field_errors()[0].contains("too many attempts"),
        "{:?}",
        paused.field_errors()
    );
    // Not for ever: once the failures are old enough, sign-in works again.
    sqlx::query("UPDATE sign_in_failures SET failed_at = '2000-01-01T00:00:00Z'")
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(browser.sign_in(&user.email, PASSWORD).await.status, 303);
}

async fn fail_from(
    app: &crate::helpers::TestApp,
    n: usize,
    forwarded_for: impl Fn(usize) -> String,
) -> u16 {
    let mut last = 0;
    for i in 0..n {
        let reply = app
            .browser()
            .send(
                app.client
                    .post(format!("{}/sign-in", app.address))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("x-forwarded-for", forwarded_for(i))
                    .body(format!(
                        "email=someone{i}%40example.org&password=guess+number+{i}"
                    )),
            )
            .await;
        last = reply.status;
    }
    last
}

#[tokio::test]
async fn a_forged_forwarded_for_header_does_not_get_round_the_address_limit() {
    let app = spawn_app().await;
    // 20 failures over 20 different accounts, each claiming a different address.
    assert_eq!(
        fail_from(&app, 20, |i| format!("198.51.100.{i}")).await,
        401
    );
    assert_eq!(fail_from(&app, 1, |_| "203.0.113.77".to_owned()).await, 429);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_address_is_counted_on_its_own() {
    let app = spawn_app_configured(&content_dir(), |config| {
        config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    assert_eq!(
        fail_from(&app, 21, |i| format!("198.51.100.{i}")).await,
        401
    );
    assert_eq!(fail_from(&app, 20, |_| "203.0.113.5".to_owned()).await, 401);
    assert_eq!(fail_from(&app, 1, |_| "203.0.113.5".to_owned()).await, 429);
}

async fn invite_link(app: &crate::helpers::TestApp, role: &str) -> String {
    let (admin, _) = app.signed_in(Role::Admin).await;
    let reply = admin
        .post(
            "/admin/users/invite",
            &[("email", "new.friend@example.org"), ("role", role)],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let start = reply
        .body
        .find("/invite/")
        .expect("the page shows the link");
    reply.body[start..start + 8 + 64].to_owned()
}

#[tokio::test]
async fn an_invitation_works_once_and_signs_the_new_person_in() {
    let app = spawn_app().await;
    let link = invite_link(&app, "critical_friend").await;
    let browser = app.browser();
    assert_eq!(browser.get(&link).await.status, 200);
    let fields = [
        ("display_name", "Priya"),
        ("new_password", "lighthouse pebble orchard"),
        ("confirm_password", "lighthouse pebble orchard"),
    ];
    let reply = browser.post(&link, &fields).await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    assert_eq!(reply.location, "/account?done=account-created");
    assert!(browser.get("/account").await.body.contains("Priya"));
    let again = app.browser().post(&link, &fields).await;
    assert_eq!(again.status, 410);
    assert!(again.body.contains("already been used"));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM users WHERE email = 'new.friend@example.org'")
            .await,
        1
    );
}

#[tokio::test]
async fn an_expired_invitation_is_refused() {
    let app = spawn_app().await;
    let link = invite_link(&app, "critical_friend").await;
    sqlx::query("UPDATE account_links SET expires_at = '2000-01-01T00:00:00Z'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let page = app.browser().get(&link).await;
    assert_eq!(page.status, 410);
    assert!(page.body.contains("expired"));
}

#[tokio::test]
async fn a_new_password_must_be_long_enough_and_not_a_common_one() {
    let app = spawn_app().await;
    let link = invite_link(&app, "critical_friend").await;
    let browser = app.browser();
    let short = browser
        .post(
            &link,
            &[
                ("display_name", "P"),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, 422);
    assert!(short.field_errors()[0].contains("12 characters or more"));
    let common = browser
        .post(
            &link,
            &[
                ("display_name", "P"),
                ("new_password", "qwerty123456"),
                ("confirm_password", "qwerty123456"),
            ],
        )
        .await;
    assert!(
        common.field_errors()[0].contains("most commonly used"),
        "{:?}",
        common.field_errors()
    );
    let mismatch = browser
        .post(
            &link,
            &[
                ("display_name", "P"),
                ("new_password", "lighthouse pebble orchard"),
                ("confirm_password", "lighthouse pebble"),
            ],
        )
        .await;
    assert!(mismatch.field_errors()[0].contains("do not match"));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM users WHERE email = 'new.friend@example.org'")
            .await,
        0
    );
}

#[tokio::test]
async fn an_editor_cannot_invite_an_administrator() {
    let app = spawn_app().await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let reply = editor
        .post(
            "/admin/users/invite",
            &[("email", "boss@example.org"), ("role", "admin")],
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.field_errors(),
        vec!["You cannot invite someone as Administrator".to_owned()]
    );
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM account_links").await,
        0
    );
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_and_ends_every_session() {
    let app = spawn_app().await;
    let (friend, user) = app.signed_in(Role::CriticalFriend).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let reply = admin
        .post(&format!("/admin/users/{}/reset-link", user.id), &[])
        .await;
    let start = reply.body.find("/reset/").expect("the page shows the link");
    let link = reply.body[start..start + 7 + 64].to_owned();
    let new = "saffron kettle meadow";
    let done = app
        .browser()
        .post(&link, &[("new_password", new), ("confirm_password", new)])
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(friend.get("/account").await.status, 401, "old sessions end");
    assert_eq!(
        app.browser().sign_in(&user.email, PASSWORD).await.status,
        401
    );
    assert_eq!(app.browser().sign_in(&user.email, new).await.status, 303);
    assert_eq!(
        app.browser()
            .post(&link, &[("new_password", new), ("confirm_password", new)])
            .await
            .status,
        410
    );
}

#[tokio::test]
async fn changing_your_password_ends_your_other_sessions_but_not_this_one() {
    let app = spawn_app().await;
    let (here, user) = app.signed_in(Role::CriticalFriend).await;
    let elsewhere = app.browser();
    assert_eq!(elsewhere.sign_in(&user.email, PASSWORD).await.status, 303);
    let wrong = here
        .post(
            "/account/password",
            &[
                ("current_password", "nope nope nope"),
                ("new_password", "saffron kettle meadow"),
                ("confirm_password", "saffron kettle meadow"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert_eq!(
        wrong.field_errors(),
        vec!["Your current password is not right".to_owned()]
    );
    let reply = here
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "saffron kettle meadow"),
                ("confirm_password", "saffron kettle meadow"),
            ],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    assert_eq!(here.get("/account").await.status, 200);
    assert_eq!(elsewhere.get("/account").await.status, 401);
}

#[tokio::test]
async fn the_account_page_lists_sessions_and_one_can_be_ended() {
    let app = spawn_app().await;
    let (here, user) = app.signed_in(Role::CriticalFriend).await;
    let elsewhere = app.browser();
    elsewhere.sign_in(&user.email, PASSWORD).await;
    let page = here.get("/account").await.body;
    assert!(page.contains("This session"));
    let handle_start = page
        .find("name=\"session\" value=\"")
        .expect("another session to end")
        + 22;
    let handle = &page[handle_start..handle_start + 16];
    let reply = here
        .post("/account/sessions/end", &[("session", handle)])
        .await;
    assert_eq!(reply.location, "/account?done=session-ended");
    assert_eq!(elsewhere.get("/account").await.status, 401);
    assert_eq!(here.get("/account").await.status, 200);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'session.ended'")
            .await,
        1
    );
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_at_once() {
    let app = spawn_app().await;
    let (friend, user) = app.signed_in(Role::CriticalFriend).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let reply = admin
        .post(
            &format!("/admin/users/{}/disable", user.id),
            &[("confirmed", "yes")],
        )
        .await;
    assert_eq!(reply.location, "/admin/users?done=account-disabled");
    assert_eq!(friend.get("/account").await.status, 401);
    let again = app.browser().sign_in(&user.email, PASSWORD).await;
    assert_eq!(again.status, 403);
    assert!(again.field_errors()[0].contains("disabled"));
}

#[tokio::test]
async fn the_last_administrator_cannot_be_demoted_or_disabled() {
    let app = spawn_app().await;
    let (admin, me) = app.signed_in(Role::Admin).await;
    let reply = admin
        .post(
            &format!("/admin/users/{}/role", me.id),
            &[("role", "editor")],
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM users WHERE role = 'admin'")
            .await,
        1
    );
}

#[tokio::test]
async fn deleting_an_account_removes_what_identifies_the_person_and_keeps_the_audit_trail() {
    let app = spawn_app().await;
    let (friend, user) = app.signed_in(Role::CriticalFriend).await;
    friend
        .post("/account/name", &[("display_name", "Gwen Rhys")])
        .await;
    let refused = friend
        .post("/account/delete", &[("delete_password", PASSWORD)])
        .await;
    assert_eq!(refused.status, 422, "the box must be ticked");
    let reply = friend
        .post(
            "/account/delete",
            &[("confirm_delete", "yes"), ("delete_password", PASSWORD)],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let (email, name, hash, state): (Option<String>, String, Option<String>, String) =
        sqlx::query_as("SELECT email, display_name, password_hash, state FROM users WHERE id = $1")
            .bind(user.id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!((email, hash, state.as_str()), (None, None, "deleted"));
    assert_eq!(name, "A former critical friend");
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM sessions").await, 0);
    assert_eq!(
        app.browser().sign_in(&user.email, PASSWORD).await.status,
        401
    );
    let audit: Vec<String> =
        sqlx::query_scalar("SELECT before || ' ' || after FROM audit_log WHERE actor_id = $1")
            .bind(user.id)
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(audit.len(), 2, "name change and deletion are both recorded");
    assert!(audit
        .iter()
        .all(|entry| !entry.contains("Gwen") && !entry.contains(&user.email)));
}

#[tokio::test]
async fn people_can_download_everything_held_about_them() {
    let app = spawn_app().await;
    let (friend, user) = app.signed_in(Role::CriticalFriend).await;
    let reply = friend.get("/account/export.json").await;
    assert_eq!(reply.status, 200);
    assert!(reply.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let data: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(data["account"]["email"], user.email.as_str());
    assert_eq!(data["sessions"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_audit_log_records_changes_filters_them_and_exports_csv() {
    let app = spawn_app().await;
    let (admin, me) = app.signed_in(Role::Admin).await;
    let friend = app.create_user(Role::CriticalFriend).await;
    admin
        .post(
            &format!("/admin/users/{}/role", friend.id),
            &[("role", "editor")],
        )
        .await;
    admin
        .post(
            "/admin/users/invite",
            &[("email", "x@example.org"), ("role", "critical_friend")],
        )
        .await;
    let page = admin.get("/admin/audit?action=account.role-changed").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body.matches("data-test=\"audit-entry\"").count(), 1);
    assert!(
        page.body.contains("role Digital Critical Friend")
            && page.body.contains("role Editor (PPIE team)"),
        "role names as people say them: {}",
        page.body
    );
    assert!(page.body.contains(
        "Administrator, changed the role of <a href=\"/admin/users#accounts-heading\">the account of Test Digital Critical Friend"
    ));
    assert!(!page.body.contains("account.role-changed</td>"));
    let csv = admin.get("/admin/audit.csv").await;
    assert!(csv.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let actions: Vec<&str> = records.iter().map(|r| &r[4]).collect();
    assert_eq!(actions, vec!["account.role-changed", "invitation.created"]);
    assert!(records[0][7]
        .starts_with("changed the role of the account of Test Digital Critical Friend"));
    assert!(records[1][7].starts_with("sent an invitation (number "));
    assert!(csv.body.contains(&format!("(account {})", me.id)));
}

#[tokio::test]
async fn the_audit_log_cannot_be_changed_or_deleted_even_in_sql() {
    let app = spawn_app().await;
    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    friend
        .post("/account/name", &[("display_name", "Someone")])
        .await;
    assert!(sqlx::query("UPDATE audit_log SET after = 'x'")
        .execute(app.db.pool())
        .await
        .is_err());
    assert!(sqlx::query("DELETE FROM audit_log")
        .execute(app.db.pool())
        .await
        .is_err());
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM audit_log").await, 1);
}

#[tokio::test]
async fn after_signing_in_you_go_back_to_the_page_you_asked_for_but_never_to_another_site() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Admin).await;
    let page = app.browser().get("/admin/audit").await;
    assert_eq!(page.status, 401);
    assert!(page.body.contains("/sign-in?next=%2Fadmin%2Faudit"));
    let reply = app
        .browser()
        .post(
            "/sign-in",
            &[
                ("email", &user.email),
                ("password", PASSWORD),
                ("next", "/admin/audit"),
            ],
        )
        .await;
    assert_eq!(reply.location, "/admin/audit");
    let evil = app
        .browser()
        .post(
            "/sign-in",
            &[
                ("email", &user.email),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(evil.location, "/account");
}

#[tokio::test]
async fn the_header_offers_sign_in_to_the_public_and_the_account_to_the_signed_in() {
    let app = spawn_app().await;
    assert!(app
        .browser()
        .get("/")
        .await
        .body
        .contains("href=\"/sign-in\""));
    let (friend, _) = app.signed_in(Role::CriticalFriend).await;
    let home = friend.get("/").await.body;
    assert!(home.contains("href=\"/account\"") && !home.contains("href=\"/sign-in\""));
}

#[tokio::test]
async fn a_cross_site_sign_in_post_is_refused() {
    let app = spawn_app().await;
    let user = app.create_user(Role::CriticalFriend).await;
    let browser = app.browser();
    let reply = browser
        .send(
            browser
                .client
                .post(format!("{}/sign-in", app.address))
                .header("origin", "https://evil.example")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!(
                    "email={}&password={}",
                    user.email,
                    PASSWORD.replace(' ', "+")
                )),
        )
        .await;
    assert_eq!(reply.status, 403);
    assert!(cookie_value(&reply.set_cookie).is_none());
}

/// Every kind of record the audit log names links to a page that exists.
#[tokio::test]
async fn every_link_in_the_audit_log_leads_to_a_page() {
    let app = spawn_app().await;
    let (admin, me) = app.signed_in(Role::Admin).await;
    let pool = app.db.pool();
    let one = |sql: &'static str| async move {
        sqlx::query_scalar::<_, String>(sql)
            .fetch_one(pool)
            .await
            .unwrap()
    };
    let policy = one("SELECT CAST(id AS TEXT) FROM policies ORDER BY id LIMIT 1").await;
    let other = app.create_user(Role::CriticalFriend).await;
    let entries = [
        (
            "recommendation.status-changed",
            "recommendation",
            "PP-1".to_owned(),
        ),
        ("policy.saved", "policy", format!("{policy} v1")),
        (
            "report.saved",
            "report",
            one("SELECT CAST(id AS TEXT) FROM reports ORDER BY id LIMIT 1").await,
        ),
        (
            "engagement.saved",
            "engagement",
            one("SELECT key FROM engagements ORDER BY key LIMIT 1").await,
        ),
        (
            "content.saved",
            "value",
            one("SELECT slug FROM core_values ORDER BY slug LIMIT 1").await,
        ),
        (
            "content.saved",
            "priority",
            one("SELECT slug FROM research_priorities ORDER BY slug LIMIT 1").await,
        ),
        ("content.saved", "page", "contact".to_owned()),
        ("glossary.saved", "glossary", "glossary".to_owned()),
        ("account.role-changed", "account", other.id.to_string()),
        ("invitation.created", "invitation", "1".to_owned()),
        ("email.retried", "email", "1".to_owned()),
    ];
    for (action, kind, id) in &entries {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, actor_role, action, record_kind, record_id, before, after) \
             VALUES ('2026-11-30T12:00:00Z', $4, 'admin', $1, $2, $3, '', '')",
        )
        .bind(*action)
        .bind(*kind)
        .bind(id)
        .bind(me.id)
        .execute(pool)
        .await
        .unwrap();
    }
    let log = admin.get("/admin/audit").await.body;
    let links: Vec<String> = log
        .split("data-test=\"audit-sentence\"")
        .skip(1)
        .filter_map(|cell| {
            let cell = cell.split("</td>").next().unwrap();
            cell.split("<a href=\"")
                .nth(1)
                .map(|rest| rest.split('"').next().unwrap().to_owned())
        })
        .collect();
    assert_eq!(links.len(), entries.len(), "each kind is linked: {links:?}");
    for link in links {
        let path = link.split('#').next().unwrap().replace("&amp;", "&");
        assert_eq!(admin.get(&path).await.status, 200, "{link}");
    }
}
