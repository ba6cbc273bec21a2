//! Email through a real SMTP server on loopback: invitations and reset links, forgotten
//! passwords, retries, a crash between commit and send, critical friends' notifications,
//! and the admins' outbox page.

use std::time::Duration;

use app::accounts::Role;

use crate::{
    helpers::{content_dir, spawn_app, spawn_app_configured, PASSWORD},
    policies::{comment_id, policy_in_review},
    smtp::{spawn_app_mailing, spawn_app_with_mail, Email, SmtpSink},
};

/// What every email Candour sends has: both parts, our sender, no remote content.
fn assert_well_formed(email: &Email) {
    assert_eq!(email.content_type, "multipart/alternative", "{email:?}");
    assert_eq!(email.from, "Candour <no-reply@example.org>");
    assert!(!email.text.is_empty() && !email.html.is_empty());
    assert!(email.html.contains("<html lang=\"en-GB\">"));
    assert!(
        !email.html.contains("<img"),
        "no images, so no tracking pixels"
    );
    for url in email.html.split("href=\"").skip(1) {
        assert!(
            url.starts_with("http://127.0.0.1:3000/"),
            "every link goes to the service itself: {url}"
        );
    }
    assert!(email.text.contains("Wessex Secure Data Environment"));
}

#[tokio::test]
async fn an_invitation_is_emailed_and_its_link_sets_up_the_account() {
    let sink = SmtpSink::start(0);
    let app = spawn_app_with_mail(&sink).await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let reply = editor
        .post(
            "/admin/users/invite",
            &[
                ("email", "New.Friend@Example.org"),
                ("role", "critical_friend"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains("We are emailing it"));
    // Staff still see the link, to pass on another way if the email goes astray.
    assert!(reply.body.contains("/invite/"));

    let emails = sink.wait_for(1).await;
    let email = &emails[0];
    assert_well_formed(email);
    assert_eq!(email.envelope_to, "new.friend@example.org");
    assert_eq!(email.to, "new.friend@example.org");
    assert_eq!(
        email.subject,
        "Wessex Secure Data Environment invites you to join as a Digital Critical Friend"
    );
    assert!(
        email.text.contains(
            "invites you to join its “You said, we did” site as a Digital Critical Friend."
        ),
        "{}",
        email.text
    );
    assert!(email.text.contains("The link works once, for 7 days."));
    // An account email is not a subscription: no unsubscribe header.
    assert!(email.header("List-Unsubscribe").is_none());

    let link = email.link("/invite/");
    let visitor = app.browser();
    let page = visitor.get(&link).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("new.friend@example.org"));
    let accepted = visitor
        .post(
            &link,
            &[
                ("display_name", "New Friend"),
                ("new_password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(accepted.status, 303, "{:?}", accepted.field_errors());
    assert_eq!(
        app.browser()
            .sign_in("new.friend@example.org", PASSWORD)
            .await
            .status,
        303
    );
}

#[tokio::test]
async fn a_forgotten_password_gets_the_same_answer_for_any_address_and_a_working_link() {
    let sink = SmtpSink::start(0);
    let app = spawn_app_with_mail(&sink).await;
    let user = app.create_user(Role::CriticalFriend).await;
    let visitor = app.browser();
    assert!(visitor
        .get("/sign-in")
        .await
        .body
        .contains("href=\"/forgot-password\""));
    assert_eq!(visitor.get("/forgot-password").await.status, 200);

    let outcome = |body: &str| {
        body.split("data-test=\"forgot-outcome\"")
            .nth(1)
            .and_then(|rest| rest.split("</div>").next())
            .map(str::to_owned)
            .expect("the page says what happens next")
    };
    let unknown = visitor
        .post("/forgot-password", &[("email", "nobody@example.org")])
        .await;
    let known = visitor
        .post("/forgot-password", &[("email", &user.email.to_uppercase())])
        .await;
    assert_eq!(unknown.status, 200);
    assert_eq!(known.status, 200);
    assert_eq!(outcome(&unknown.body), outcome(&known.body));
    assert!(
        !known.body.contains(&user.email),
        "the address is not shown back"
    );

    let emails = sink.wait_for(1).await;
    assert_eq!(
        emails.len(),
        1,
        "nothing is sent to an address without an account"
    );
    let email = &emails[0];
    assert_well_formed(email);
    assert_eq!(email.envelope_to, user.email);
    assert_eq!(email.subject, "Set a new password for your account");
    let link = email.link("/reset/");
    assert_eq!(visitor.get(&link).await.status, 200);
    let changed = visitor
        .post(
            &link,
            &[
                ("new_password", "a brand new pass phrase"),
                ("confirm_password", "a brand new pass phrase"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{:?}", changed.field_errors());
    assert_eq!(
        app.browser()
            .sign_in(&user.email, "a brand new pass phrase")
            .await
            .status,
        303
    );
    // The link worked once.
    assert_eq!(visitor.get(&link).await.status, 410);

    // A mistyped address is answered beside the field, keeping what was typed.
    let mistyped = visitor
        .post("/forgot-password", &[("email", "sam at example.org")])
        .await;
    assert_eq!(mistyped.status, 422);
    assert_eq!(mistyped.field_errors().len(), 1);
    assert!(mistyped.body.contains("value=\"sam at example.org\""));

    // Three links an hour to one address; more asks get the same answer and no email.
    for _ in 0..3 {
        let again = visitor
            .post("/forgot-password", &[("email", &user.email)])
            .await;
        assert_eq!(outcome(&again.body), outcome(&unknown.body));
    }
    let queued = app
        .scalar_i64("SELECT COUNT(*) FROM outbox o JOIN mail_messages m ON m.id = o.message_id WHERE m.kind = 'account.reset'")
        .await;
    assert_eq!(queued, 3, "the fourth ask within the hour sends nothing");
}

#[tokio::test]
async fn a_server_that_refuses_for_now_then_accepts_gets_the_email_once() {
    let sink = SmtpSink::start(1);
    let app = spawn_app_with_mail(&sink).await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    editor
        .post(
            "/admin/users/invite",
            &[
                ("email", "patient@example.org"),
                ("role", "critical_friend"),
            ],
        )
        .await;
    // The first try is refused with 451: the row waits for its next attempt.
    let mut error = None;
    for _ in 0..100 {
        error = sqlx::query_scalar::<_, Option<String>>(
            "SELECT last_error FROM outbox WHERE recipient = 'patient@example.org'",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        if error.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let error = error.expect("the refusal is kept");
    assert!(error.contains("451"), "{error}");
    assert!(
        !error.contains("patient@example.org"),
        "errors never keep the address"
    );
    let (send_after, created): (String, String) = sqlx::query_as(
        "SELECT send_after, created_at FROM outbox WHERE recipient = 'patient@example.org'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(send_after > created, "the retry waits (backoff)");
    // Half a minute on: due again.
    sqlx::query("UPDATE outbox SET send_after = created_at")
        .execute(app.db.pool())
        .await
        .unwrap();
    let emails = sink.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.received().len(), 1, "delivered exactly once");
    assert_eq!(emails[0].envelope_to, "patient@example.org");
    let (attempts, sent, kept_error): (i64, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT attempts, sent_at, last_error FROM outbox WHERE recipient = 'patient@example.org'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(attempts, 2);
    assert!(sent.is_some());
    assert!(kept_error.is_none());
}

/// A port for a child process to listen on.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn killing_candour_between_commit_and_send_loses_no_email() {
    // A mail server that takes the connection and never answers: the worker claims the
    // email and is stuck sending it when the process is killed.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            open.push(socket);
        }
    });
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut candour = std::process::Command::new(env!("CARGO_BIN_EXE_candour"))
        .env("CANDOUR_ADDR", format!("127.0.0.1:{port}"))
        .env("CANDOUR_DATA_DIR", data.path())
        .env("CANDOUR_CONTENT_DIR", content_dir())
        .env("CANDOUR_PUBLIC_URL", "http://127.0.0.1:3000")
        .env(
            "CANDOUR_SMTP_URL",
            format!("smtp://127.0.0.1:{silent_port}"),
        )
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the candour binary starts");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
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
    assert!(up, "candour answered");
    let subscribed = client
        .post(format!("{address}/subscribe"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=kept%40example.org&topic=reports")
        .send()
        .await
        .unwrap();
    assert_eq!(subscribed.status().as_u16(), 200);

    let database =
        app::db::Database::connect(&format!("sqlite://{}/candour.db", data.path().display()))
            .await
            .unwrap();
    let mut claimed = false;
    for _ in 0..100 {
        let claims: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE claimed_until IS NOT NULL")
                .fetch_one(database.pool())
                .await
                .unwrap();
        if claims == 1 {
            claimed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(claimed, "the worker took the email to send");
    candour.kill().unwrap(); // SIGKILL: no chance to tidy up
    candour.wait().unwrap();
    held.abort();
    database.close().await;

    // Started again, now with a working mail server. The dead process's claim lapses after
    // ten minutes; here the ten minutes pass at once.
    let sink = SmtpSink::start(0);
    let data_path = data.path().to_path_buf();
    let app = spawn_app_mailing(&sink, move |config| {
        config.database_url = format!("sqlite://{}/candour.db", data_path.display());
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        sink.received().is_empty(),
        "a claimed email is left alone until its claim lapses"
    );
    sqlx::query("UPDATE outbox SET claimed_until = '2000-01-01T00:00:00Z'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let emails = sink.wait_for(1).await;
    assert_eq!(emails[0].envelope_to, "kept@example.org");
    assert_eq!(
        emails[0].subject,
        "Confirm that you want emails from Wessex Secure Data Environment"
    );
    let confirm = emails[0].link("/subscriptions/");
    assert_eq!(app.browser().get(&confirm).await.status, 200);
    drop(data);
}

#[tokio::test]
async fn critical_friends_hear_about_reviews_and_answers_as_they_chose() {
    let sink = SmtpSink::start(0);
    let app = spawn_app_with_mail(&sink).await;
    let (editor, friend, _) = policy_in_review(&app).await;
    let opened = sink.wait_for(1).await;
    assert_eq!(opened[0].subject, "Review open: Trial policy");
    assert!(opened[0].text.contains("/review/trial-policy"));
    assert_well_formed(&opened[0]);
    assert!(
        opened[0].text.contains("/account#notifications"),
        "the footer says where to choose which emails come"
    );

    let comment = comment_id(
        &friend
            .post(
                "/review/trial-policy/comments",
                &[("paragraph", "whole"), ("body", "Please say who decides.")],
            )
            .await,
    );
    let answered = editor
        .post(
            &format!("/review/trial-policy/comments/{comment}/response"),
            &[
                ("outcome", "changed"),
                ("body", "The policy now names them."),
            ],
        )
        .await;
    assert_eq!(answered.status, 303, "{:?}", answered.field_errors());
    let emails = sink.wait_for(2).await;
    let answer = &emails[1];
    assert_eq!(answer.subject, "Your comment has been answered");
    assert!(answer.text.contains("The policy now names them."));
    let link = answer.link("/review/trial-policy");
    assert_eq!(friend.get(&link).await.status, 200);

    // Switched off on the account page: the next answer sends nothing.
    let account = friend.get("/account").await.body;
    assert!(account.contains("id=\"notifications\""));
    let saved = friend
        .post(
            "/account/notifications",
            &[
                ("review-opened", "immediately"),
                ("review-closing", "immediately"),
                ("comment-answered", "off"),
                ("thread-reply", "immediately"),
                ("followed-changed", "daily"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{:?}", saved.field_errors());
    let second = comment_id(
        &friend
            .post(
                "/review/trial-policy/comments",
                &[("paragraph", "whole"), ("body", "And when.")],
            )
            .await,
    );
    editor
        .post(
            &format!("/review/trial-policy/comments/{second}/response"),
            &[("outcome", "noted"), ("body", "Thank you.")],
        )
        .await;
    let waiting = app
        .scalar_i64("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
        .await;
    assert_eq!(waiting, 0, "nothing was queued for the switched-off kind");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.received().len(), 2);

    // A value that is not one of the choices is refused beside its field.
    let wrong = friend
        .post("/account/notifications", &[("comment-answered", "hourly")])
        .await;
    assert_eq!(wrong.status, 422);
    assert_eq!(
        wrong.field_errors(),
        vec!["Choose never, at once, or in a daily summary".to_owned()]
    );
}

#[tokio::test]
async fn a_followed_recommendation_in_the_daily_summary_arrives_as_one_email() {
    let sink = SmtpSink::start(0);
    let app = spawn_app_with_mail(&sink).await;
    let (friend, friend_user) = app.signed_in(Role::CriticalFriend).await;
    let (editor, editor_user) = app.signed_in(Role::Editor).await;
    for reference in ["SH-1", "SH-2"] {
        let followed = friend
            .post(&format!("/actions/{reference}/follow"), &[])
            .await;
        assert_eq!(followed.status, 303);
    }
    friend
        .post("/account/notifications", &[("followed-changed", "daily")])
        .await;
    crate::staff::change_status(&app, &editor, "SH-1", "First change.").await;
    crate::staff::change_status(&app, &editor, "SH-2", "Second change.").await;
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM outbox").await, 0);
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM digest_items").await, 2);

    server::mail::run_all_now(&delivery(&app)).await.unwrap();
    let emails = sink.wait_for(2).await;
    let summary = emails
        .iter()
        .find(|email| email.envelope_to == friend_user.email)
        .expect("the friend's summary");
    let staff = emails
        .iter()
        .find(|email| email.envelope_to == editor_user.email)
        .expect("the staff summary");
    assert_eq!(staff.subject, "What needs doing on You said, we did today");
    assert_eq!(summary.subject, "Your daily summary from You said, we did");
    assert!(summary.text.contains("SH-1") && summary.text.contains("SH-2"));
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM digest_items").await, 0);
}

fn delivery(app: &crate::helpers::TestApp) -> server::mail::Delivery {
    server::mail::Delivery {
        db: app.db.clone(),
        mailer: server::mail::mailer(None, "Candour <no-reply@example.org>").unwrap(),
        public_url: "http://127.0.0.1:3000".to_owned(),
        organisation: "Wessex Secure Data Environment".to_owned(),
        service_name: app::site::DEFAULT_SERVICE_NAME.to_owned(),
    }
}

#[tokio::test]
async fn admins_see_the_outbox_without_addresses_and_retry_a_failure() {
    // No mail server: everything waits, and the page says why.
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let invited = editor
        .post(
            "/admin/users/invite",
            &[
                ("email", "waiting@example.org"),
                ("role", "critical_friend"),
            ],
        )
        .await;
    assert!(
        invited.body.contains("/invite/"),
        "the link is shown to staff"
    );
    let page = admin.get("/admin/email").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("No mail server is configured"));
    assert!(page.body.contains("invites you to join as a"));
    assert!(
        !page.body.contains("waiting@example.org"),
        "addresses are never shown"
    );
    assert_eq!(editor.get("/admin/email").await.status, 403);

    let id = app.scalar_i64("SELECT id FROM outbox").await;
    sqlx::query(
        "UPDATE outbox SET failed_at = '2026-01-01T00:00:00Z', last_error = '550 mailbox unavailable'",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    let failed = admin.get("/admin/email").await.body;
    assert!(failed.contains("550 mailbox unavailable"));
    let retried = admin.post(&format!("/admin/email/{id}/retry"), &[]).await;
    assert_eq!(retried.status, 303, "{}", retried.body);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM outbox WHERE failed_at IS NULL AND sent_at IS NULL")
            .await,
        1
    );
    // Retrying again is refused with a reason: it is already queued.
    let again = admin.post(&format!("/admin/email/{id}/retry"), &[]).await;
    assert_eq!(again.status, 422);

    // Started again with a mail server, the waiting email goes.
    let sink = SmtpSink::start(0);
    let data_path = app.data_dir().to_path_buf();
    let restarted = spawn_app_configured(&content_dir(), |config| {
        config.database_url = format!("sqlite://{}/candour.db", data_path.display());
        config.mailer =
            server::mail::mailer(Some(&sink.url()), "Candour <no-reply@example.org>").unwrap();
    })
    .await;
    let emails = sink.wait_for(1).await;
    assert_eq!(emails[0].envelope_to, "waiting@example.org");
    let (admin_again, _) = restarted.signed_in(Role::Admin).await;
    assert!(!admin_again
        .get("/admin/email")
        .await
        .body
        .contains("No mail server is configured"));
}
