//! What an outside security test found, each as the request that showed it: concurrent
//! password guesses, secrets in logs, links outliving their issuer, anonymous text kept,
//! addresses left behind, redirects, slow clients, cached private pages, rewritten history,
//! weak passwords, the data export, session ids, error statuses and oversized bodies.

use std::time::Duration;

use app::accounts::Role;

use crate::helpers::{content_dir, spawn_app, spawn_app_configured, TestApp, PASSWORD};

/// `n` wrong-password sign-ins for `email` at once, each from its own browser; the statuses.
pub async fn burst(app: &TestApp, email: &str, n: usize, last_password: Option<&str>) -> Vec<u16> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let browser = app.browser();
        let email = email.to_owned();
        let password = match last_password {
            Some(right) if i == n - 1 => right.to_owned(),
            _ => format!("not the password {i}"),
        };
        tasks.push(tokio::spawn(async move {
            browser.sign_in(&email, &password).await.status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}

#[tokio::test]
async fn a_burst_of_guesses_gets_at_most_five_password_checks() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Admin).await;
    let statuses = burst(&app, &user.email, 60, None).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let paused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked, 5, "{statuses:?}");
    assert_eq!(paused, 55);
    // A burst ending with the right password does not get in either.
    let statuses = burst(&app, &user.email, 30, Some(PASSWORD)).await;
    assert!(!statuses.contains(&303), "{statuses:?}");
}

#[tokio::test]
async fn the_current_password_on_the_account_page_is_limited_the_same_way() {
    let app = spawn_app().await;
    let (browser, _) = app.signed_in(Role::CriticalFriend).await;
    let mut statuses = Vec::new();
    for i in 0..8 {
        let reply = browser
            .post(
                "/account/password",
                &[
                    ("current_password", &format!("wrong guess {i}")),
                    ("new_password", "walrus lantern quietly"),
                    ("confirm_password", "walrus lantern quietly"),
                ],
            )
            .await;
        statuses.push(reply.status);
        if reply.status == 429 {
            assert!(reply.field_errors()[0].contains("too many attempts"));
        }
    }
    assert_eq!(&statuses[..5], &[422; 5]);
    assert_eq!(&statuses[5..], &[429; 3]);
}

#[tokio::test]
async fn no_one_time_link_reaches_the_request_log() {
    let data = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = data.path().join("log.txt");
    let mut candour = std::process::Command::new(env!("CARGO_BIN_EXE_candour"))
        .env("CANDOUR_ADDR", format!("127.0.0.1:{port}"))
        .env("CANDOUR_DATA_DIR", data.path())
        .env("CANDOUR_CONTENT_DIR", content_dir())
        .env("RUST_LOG", "info")
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::fs::File::options().append(true).open(&log).unwrap())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let address = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..300 {
        if client
            .get(format!("{address}/healthz"))
            .send()
            .await
            .is_ok()
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up);
    let token = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    for path in [
        format!("/invite/{token}"),
        format!("/reset/{token}"),
        format!("/subscriptions/{token}"),
        format!("/subscriptions/{token}/unsubscribe"),
    ] {
        client.get(format!("{address}{path}")).send().await.unwrap();
    }
    client
        .post(format!("{address}/reset/{token}"))
        .form(&[("new_password", PASSWORD), ("confirm_password", PASSWORD)])
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    candour.kill().unwrap();
    candour.wait().unwrap();
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(written.contains("/invite/[secret]"), "{written}");
    assert!(
        !written.contains(token),
        "a token reached the log:\n{written}"
    );
}

/// The one-time link on the page an admin sees after making it.
fn link_in(body: &str, prefix: &str) -> String {
    let start = body.find(prefix).expect("the page shows the link");
    body[start..start + prefix.len() + 64].to_owned()
}

#[tokio::test]
async fn links_stop_working_when_the_person_who_made_them_may_no_longer_make_them() {
    let app = spawn_app().await;
    let (issuer, issuer_user) = app.signed_in(Role::Admin).await;
    let (other_admin, _) = app.signed_in(Role::Admin).await;
    let target = app.create_user(Role::Admin).await;
    let invite = link_in(
        &issuer
            .post(
                "/admin/users/invite",
                &[("email", "someone@example.org"), ("role", "admin")],
            )
            .await
            .body,
        "/invite/",
    );
    let reset = link_in(
        &issuer
            .post(&format!("/admin/users/{}/reset-link", target.id), &[])
            .await
            .body,
        "/reset/",
    );
    assert_eq!(app.browser().get(&invite).await.status, 200);
    assert_eq!(app.browser().get(&reset).await.status, 200);
    let disabled = other_admin
        .post(
            &format!("/admin/users/{}/disable", issuer_user.id),
            &[("confirmed", "yes")],
        )
        .await;
    assert_eq!(disabled.status, 303, "{}", disabled.body);
    assert_eq!(app.browser().get(&invite).await.status, 410);
    assert_eq!(app.browser().get(&reset).await.status, 410);
    let accepted = app
        .browser()
        .post(
            &invite,
            &[
                ("display_name", "Someone"),
                ("new_password", "walrus lantern quietly"),
                ("confirm_password", "walrus lantern quietly"),
            ],
        )
        .await;
    assert_eq!(accepted.status, 410);

    // Demoted to editor: an editor may not invite an editor, so that invitation stops.
    let (demoted, demoted_user) = app.signed_in(Role::Admin).await;
    let staff_invite = link_in(
        &demoted
            .post(
                "/admin/users/invite",
                &[("email", "editor.to.be@example.org"), ("role", "editor")],
            )
            .await
            .body,
        "/invite/",
    );
    let friend_invite = link_in(
        &demoted
            .post(
                "/admin/users/invite",
                &[
                    ("email", "friend.to.be@example.org"),
                    ("role", "critical_friend"),
                ],
            )
            .await
            .body,
        "/invite/",
    );
    other_admin
        .post(
            &format!("/admin/users/{}/role", demoted_user.id),
            &[("role", "editor"), ("confirmed", "yes")],
        )
        .await;
    assert_eq!(app.browser().get(&staff_invite).await.status, 410);
    assert_eq!(app.browser().get(&friend_invite).await.status, 200);

    // Redemption checks the issuer again, whatever happened to the link's row.
    sqlx::query("UPDATE account_links SET revoked_at = NULL")
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(app.browser().get(&invite).await.status, 410);
}

#[tokio::test]
async fn a_signed_out_post_keeps_no_text_and_no_session() {
    let app = spawn_app().await;
    let big = "x".repeat(900_000);
    let reply = app
        .browser()
        .post(
            "/admin/reports/new",
            &[("title", "Planted"), ("body", &big)],
        )
        .await;
    assert_eq!(reply.status, 303);
    assert!(reply.set_cookie.is_empty(), "{:?}", reply.set_cookie);
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM sessions").await, 0);
    // Nor with a cookie that names no session.
    let reply = app
        .browser()
        .send(
            app.browser()
                .client
                .post(format!("{}/review/x/comments", app.address))
                .header("cookie", "candour_session=made-up")
                .header("content-type", "application/x-www-form-urlencoded")
                .body("body=planted"),
        )
        .await;
    assert_eq!(reply.status, 303);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM sessions WHERE data LIKE '%planted%'")
            .await,
        0
    );
}

#[tokio::test]
async fn text_kept_from_a_lapsed_session_goes_only_to_its_own_person() {
    let app = spawn_app().await;
    let (victim_browser, _) = app.signed_in(Role::Editor).await;
    let attacker = app.create_user(Role::Editor).await;
    sqlx::query("UPDATE sessions SET expires_at = '2000-01-01T00:00:00Z'")
        .execute(app.db.pool())
        .await
        .unwrap();
    // The lapsed session's owner is the victim; the attacker signs in on that browser.
    let kept = victim_browser
        .post(
            "/admin/reports/new",
            &[("title", "Kept title"), ("summary", "S"), ("body", "Words")],
        )
        .await;
    assert_eq!(kept.status, 303);
    victim_browser.sign_in(&attacker.email, PASSWORD).await;
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM drafts WHERE user_id = {}",
            attacker.id
        ))
        .await,
        0,
        "someone else's kept text is not planted in this account"
    );
}

/// Every text value in the database, one table at a time.
async fn every_text(app: &TestApp) -> String {
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    let mut dump = String::new();
    for table in tables {
        let columns: Vec<String> =
            sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(app.db.pool())
                .await
                .unwrap();
        for column in columns {
            let values: Vec<Option<String>> =
                sqlx::query_scalar(&format!("SELECT CAST({column} AS TEXT) FROM {table}"))
                    .fetch_all(app.db.pool())
                    .await
                    .unwrap();
            for value in values.into_iter().flatten() {
                dump.push_str(&format!("{table}.{column}: {value}\n"));
            }
        }
    }
    dump
}

#[tokio::test]
async fn deleting_an_account_leaves_the_address_nowhere() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let address = "leaving.friend@example.org";
    let invite = link_in(
        &admin
            .post(
                "/admin/users/invite",
                &[("email", address), ("role", "critical_friend")],
            )
            .await
            .body,
        "/invite/",
    );
    let friend = app.browser();
    let created = friend
        .post(
            &invite,
            &[
                ("display_name", "Leaving Friend"),
                ("new_password", "walrus lantern quietly"),
                ("confirm_password", "walrus lantern quietly"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{:?}", created.field_errors());
    app.browser().sign_in(address, "a wrong guess here").await;
    friend.post("/forgot-password", &[("email", address)]).await;
    assert!(every_text(&app).await.contains(address));
    let deleted = friend
        .post(
            "/account/delete",
            &[
                ("confirm_delete", "yes"),
                ("delete_password", "walrus lantern quietly"),
            ],
        )
        .await;
    assert_eq!(deleted.status, 303, "{:?}", deleted.field_errors());
    let dump = every_text(&app).await;
    let found: Vec<&str> = dump.lines().filter(|line| line.contains(address)).collect();
    assert!(found.is_empty(), "the address is still held: {found:?}");
    assert!(!dump.contains("Leaving Friend"));
}

#[tokio::test]
async fn after_signing_in_only_plain_local_paths_are_followed() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Editor).await;
    for next in [
        "/\t/evil.example/",
        "/\r\n/evil.example",
        "/\\evil.example",
        "//evil.example",
    ] {
        let reply = app
            .browser()
            .post(
                "/sign-in",
                &[
                    ("email", &user.email),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(reply.status, 303);
        assert_eq!(reply.location, "/account", "{next:?}");
    }
}

#[tokio::test]
async fn a_slow_client_is_cut_off_and_others_are_served_meanwhile() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let app = spawn_app_configured(&content_dir(), |config| {
        config.limits.header_read_timeout = Duration::from_secs(1);
    })
    .await;
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut stream = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}"))
            .await
            .unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(stream);
    }
    assert_eq!(app.get("/healthz").await.status, 200, "others are served");
    for stream in &mut slow {
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
            .await
            .expect("the server closes a connection that is too slow to send its headers");
        // Closed, perhaps after a 408.
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            read.is_err() || answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
            "{answer}"
        );
    }
}

#[tokio::test]
async fn pages_about_a_person_are_never_stored_by_a_browser() {
    let app = spawn_app().await;
    let (browser, _) = app.signed_in(Role::CriticalFriend).await;
    for path in ["/account", "/actions", "/review"] {
        let reply = browser.get(path).await;
        assert_eq!(
            reply
                .headers
                .get("cache-control")
                .map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{path}"
        );
    }
    let public = app.browser().get("/actions").await;
    assert_ne!(
        public
            .headers
            .get("cache-control")
            .map(|v| v.to_str().unwrap()),
        Some("no-store")
    );
    let sign_in = app.browser().get("/sign-in").await;
    assert_eq!(sign_in.headers["cache-control"], "no-store");
    // Signing out tells the browser to drop what it cached while signed in.
    let signed_out = browser.post("/sign-out", &[]).await;
    assert_eq!(signed_out.headers["clear-site-data"], "\"cache\"");
}

#[tokio::test]
async fn append_only_history_cannot_be_replaced() {
    let app = spawn_app().await;
    let (browser, _) = app.signed_in(Role::Admin).await;
    let renamed = browser
        .post("/account/name", &[("display_name", "Audited Admin")])
        .await;
    assert_eq!(renamed.status, 303);
    assert!(app.scalar_i64("SELECT COUNT(*) FROM audit_log").await > 0);
    let id = app.scalar_i64("SELECT MIN(id) FROM status_changes").await;
    for statement in [
        format!("INSERT OR REPLACE INTO status_changes SELECT * FROM status_changes WHERE id = {id}"),
        format!("REPLACE INTO status_changes SELECT * FROM status_changes WHERE id = {id}"),
        "INSERT OR REPLACE INTO audit_log (id, at, actor_id, actor_role, action, record_kind, record_id, before, after) \
         SELECT id, at, actor_id, actor_role, 'rewritten', record_kind, record_id, before, after FROM audit_log LIMIT 1"
            .to_owned(),
    ] {
        let outcome = sqlx::query(&statement).execute(app.db.pool()).await;
        assert!(outcome.is_err(), "{statement} was allowed");
    }
    // A row that conflicts on (recommendation, seq) but not on id.
    let outcome = sqlx::query(&format!(
        "INSERT OR REPLACE INTO status_changes (recommendation_id, seq, changed_on, from_status, to_status, note, team, recorded_at) \
         SELECT recommendation_id, seq, changed_on, from_status, to_status, 'rewritten', team, recorded_at FROM status_changes WHERE id = {id}"
    ))
    .execute(app.db.pool())
    .await;
    assert!(
        outcome.is_err(),
        "replacing by (recommendation, seq) was allowed"
    );
}

#[tokio::test]
async fn a_long_but_guessable_password_is_refused_with_what_to_do_instead() {
    let app = spawn_app().await;
    let (browser, _) = app.signed_in(Role::CriticalFriend).await;
    for weak in ["            ", "aaaaaaaaaaaa", "passwordpassword"] {
        let reply = browser
            .post(
                "/account/password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", weak),
                    ("confirm_password", weak),
                ],
            )
            .await;
        assert_eq!(reply.status, 422, "{weak:?}");
        let errors = reply.field_errors();
        assert!(
            errors[0].contains("easy to guess") || errors[0].contains("commonly used"),
            "{errors:?}"
        );
    }
}

#[tokio::test]
async fn changing_the_password_gives_this_browser_a_new_session_id() {
    let app = spawn_app().await;
    let (browser, _) = app.signed_in(Role::CriticalFriend).await;
    let before = browser.session_cookie().unwrap();
    let reply = browser
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "walrus lantern quietly"),
                ("confirm_password", "walrus lantern quietly"),
            ],
        )
        .await;
    assert_eq!(reply.status, 303, "{:?}", reply.field_errors());
    let after = browser.session_cookie().unwrap();
    assert_ne!(before, after);
    assert_eq!(browser.get("/account").await.status, 200);
    let old = app.browser();
    let stale = old
        .send(
            old.client
                .get(format!("{}/account", app.address))
                .header("cookie", format!("candour_session={before}")),
        )
        .await;
    assert_eq!(stale.status, 401, "the old id no longer works");
}

#[tokio::test]
async fn a_server_function_answers_not_found_with_404() {
    let app = spawn_app().await;
    let browser = app.browser();
    let reply = browser
        .send(
            browser
                .client
                .post(format!("{}/_fn/report", app.address))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("slug=no-such-report"),
        )
        .await;
    assert_eq!(reply.status, 404, "{}", reply.body);
}

#[tokio::test]
async fn an_origin_with_the_wrong_scheme_is_another_site() {
    let app = spawn_app_configured(&content_dir(), |config| {
        config.public_url = "https://candour.example".parse().unwrap();
    })
    .await;
    let host = app.address.trim_start_matches("http://").to_owned();
    let browser = app.browser();
    let reply = browser
        .send(
            browser
                .client
                .post(format!("{}/sign-in", app.address))
                .header("origin", format!("http://{host}"))
                .header("host", &host)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("email=a%40example.org&password=x"),
        )
        .await;
    assert_eq!(reply.status, 403);
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_refused_with_413_and_a_page() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let app = spawn_app().await;
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let mut stream = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}"))
        .await
        .unwrap();
    stream
        .write_all(
            b"POST /sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    // Exactly 1 MiB, then one byte more: no length declared anywhere.
    let chunk = vec![b'a'; 64 * 1024];
    for _ in 0..16 {
        let mut piece = format!("{:x}\r\n", chunk.len()).into_bytes();
        piece.extend_from_slice(&chunk);
        piece.extend_from_slice(b"\r\n");
        stream.write_all(&piece).await.unwrap();
    }
    let _ = stream.write_all(b"1\r\na\r\n0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("What you sent is too large"));
    // Named as every other page names the service, never "Candour".
    assert!(answer.contains("<title>What you sent is too large – You said, we did</title>"));
    assert!(!answer.contains("Candour"));
}

/// Every column of every table, and whether the data export includes it for the person it
/// is about. A new column fails this test until it is put in one of the two lists, so no
/// column holding personal data can be left out of the export by accident.
#[tokio::test]
async fn the_data_export_covers_every_column_that_holds_personal_data() {
    // Columns about a person, each with the export key that carries it.
    const EXPORTED: &[(&str, &str)] = &[
        ("users.email", "account"),
        ("users.display_name", "account"),
        ("users.role", "account"),
        ("users.state", "account"),
        ("users.created_at", "account"),
        ("users.password_changed_at", "account"),
        ("sessions.created_at", "sessions"),
        ("sessions.seen_at", "sessions"),
        ("sessions.expires_at", "sessions"),
        ("sessions.data", "sessions"),
        ("account_links.purpose", "account_links"),
        ("account_links.role", "account_links"),
        ("account_links.created_at", "account_links"),
        ("account_links.expires_at", "account_links"),
        ("account_links.used_at", "account_links"),
        ("account_links.revoked_at", "account_links"),
        ("account_links.email", "account_links"),
        ("sign_in_failures.account_key", "failed_password_attempts"),
        ("sign_in_failures.client", "failed_password_attempts"),
        ("sign_in_failures.failed_at", "failed_password_attempts"),
        ("drafts.draft_key", "drafts"),
        ("drafts.fields", "drafts"),
        ("drafts.saved_at", "drafts"),
        ("follows.reference", "following"),
        ("follows.seen_at", "following"),
        ("friend_views.author_id", "critical_friend_views"),
        ("friend_views.opinion", "critical_friend_views"),
        ("friend_views.reason", "critical_friend_views"),
        ("friend_views.show_name", "critical_friend_views"),
        ("friend_views.given_at", "critical_friend_views"),
        ("friend_view_answers.body", "critical_friend_views"),
        ("friend_view_answers.answered_at", "critical_friend_views"),
        ("notification_settings.kind", "email_choices"),
        ("notification_settings.mode", "email_choices"),
        ("outbox.recipient", "emails"),
        ("outbox.created_at", "emails"),
        ("outbox.sent_at", "emails"),
        ("outbox.failed_at", "emails"),
        ("mail_messages.subject", "emails"),
        ("policy_comments.body", "policy_comments"),
        ("policy_comments.paragraph", "policy_comments"),
        ("policy_comments.parent_id", "policy_comments"),
        ("policy_comments.created_at", "policy_comments"),
        ("policy_comments.hidden_reason", "policy_comments"),
        ("policy_comments.hidden_at", "policy_comments"),
        ("policy_comments.withdrawn_at", "policy_comments"),
        ("policy_comment_edits.body", "policy_comments"),
        ("policy_comment_edits.replaced_at", "policy_comments"),
        ("policy_responses.outcome", "policy_comments"),
        ("policy_responses.body", "policy_comments"),
        ("policy_responses.responded_at", "policy_comments"),
        ("audit_log.at", "changes_you_made"),
        ("audit_log.action", "changes_you_made"),
        ("audit_log.record_kind", "changes_you_made"),
        ("audit_log.record_id", "changes_you_made"),
        ("audit_log.before", "changes_you_made"),
        ("audit_log.after", "changes_you_made"),
        ("subscription_topics.topic", "subscriptions_to_your_address"),
        (
            "subscription_topics.requested_at",
            "subscriptions_to_your_address",
        ),
        (
            "subscription_topics.confirmed_at",
            "subscriptions_to_your_address",
        ),
    ];
    // Tables with nothing about a person, or columns that are keys, links between rows,
    // secrets (hashes, tokens), or public content.
    const NOT_PERSONAL: &[&str] = &[
        "site_settings",
        "pages",
        "statuses",
        "engagements",
        "engagement_figures",
        "core_values",
        "research_priorities",
        "recommendations",
        "recommendation_values",
        "recommendation_priorities",
        "evidence_links",
        "recommendation_reports",
        "status_changes",
        "reports",
        "report_links",
        "report_revisions",
        "glossary_terms",
        "policies",
        "policy_versions",
        "recommendation_wordings",
        "content_sync",
        "content_revisions",
        "mail_jobs",
        // One-time keys of creating forms and where each led, kept a day.
        "form_submissions",
        // Hashes of addresses and network addresses, kept a day to throttle requests.
        "mail_requests",
        // Public subscriptions are by address, not account; the export lists those to the
        // person's own address (subscription_topics above).
        "subscriptions",
        "digest_items",
        "mail_messages.id",
        "mail_messages.kind",
        "mail_messages.text_body",
        "mail_messages.html_body",
        "mail_messages.created_at",
        "users.id",
        "users.password_hash",
        "sessions.id",
        "sessions.user_id",
        "account_links.id",
        "account_links.token_hash",
        "account_links.user_id",
        "account_links.created_by",
        "sign_in_failures.id",
        "drafts.user_id",
        "audit_log.id",
        "audit_log.actor_id",
        "audit_log.actor_role",
        "policy_comments.id",
        "policy_comments.version_id",
        "policy_comments.author_id",
        "policy_comments.hidden_by",
        "policy_responses.comment_id",
        "policy_responses.responder_id",
        // Keys and links, and the day beside the exported instant.
        "policy_comment_edits.id",
        "policy_comment_edits.comment_id",
        "friend_views.id",
        "friend_views.recommendation_id",
        "friend_views.status_seq",
        "friend_views.given_on",
        "friend_view_answers.view_id",
        // The PPIE team's removals of reasons: their published reason, who and when.
        "friend_view_removals",
        "friend_view_answers.responder_id",
        "friend_view_answers.answered_on",
        "follows.user_id",
        "notification_settings.user_id",
        "outbox.id",
        "outbox.message_id",
        "outbox.subscription_id",
        "outbox.user_id",
        "outbox.send_after",
        "outbox.attempts",
        "outbox.claimed_until",
        "outbox.last_error",
        "subscription_topics.subscription_id",
    ];
    let app = spawn_app().await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let mut unclassified = Vec::new();
    for table in &tables {
        let columns: Vec<String> =
            sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(app.db.pool())
                .await
                .unwrap();
        for column in columns {
            let name = format!("{table}.{column}");
            let known = EXPORTED.iter().any(|(c, _)| *c == name)
                || NOT_PERSONAL.contains(&name.as_str())
                || NOT_PERSONAL.contains(&table.as_str());
            if !known {
                unclassified.push(name);
            }
        }
    }
    assert!(
        unclassified.is_empty(),
        "put each of these in EXPORTED (and the export) or NOT_PERSONAL: {unclassified:?}"
    );

    let (browser, _) = app.signed_in(Role::CriticalFriend).await;
    let export: serde_json::Value =
        serde_json::from_str(&browser.get("/account/export.json").await.body).unwrap();
    for (_, key) in EXPORTED {
        assert!(export.get(key).is_some(), "the export has no {key}");
    }
}

#[tokio::test]
async fn shutdown_finishes_whatever_slow_clients_do() {
    use tokio::io::AsyncWriteExt as _;
    let data = tempfile::tempdir().unwrap();
    let mut config = crate::helpers::config_for(data.path(), &content_dir());
    config.limits.header_read_timeout = Duration::from_secs(600);
    config.limits.drain = Duration::from_secs(1);
    let app = server::startup::Application::build(config).await.unwrap();
    let port = app.port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut stream = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}"))
            .await
            .unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\nHo").await.unwrap();
        slow.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(30), server)
        .await
        .expect("shutdown finished although twenty clients were still sending headers")
        .unwrap()
        .unwrap();
    assert!(
        tokio::net::TcpStream::connect(format!("127.0.0.1:{port}"))
            .await
            .is_err(),
        "no new connections once stopped"
    );
}
