//! Public subscriptions without an account: double opt-in, one-click unsubscribe (RFC
//! 8058), changing topics and frequency, throttling, and nothing said about which
//! addresses exist. Through a real SMTP server on loopback.

use std::time::Duration;

use app::accounts::Role;

use crate::{
    helpers::{spawn_app, Browser, TestApp},
    smtp::{spawn_app_with_mail, SmtpSink},
    staff::change_status,
};

fn outcome(body: &str) -> String {
    body.split("data-test=\"subscribe-outcome\"")
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("the page says what happens next: {body}"))
}

async fn subscribe(visitor: &Browser, email: &str, topic: &str) -> crate::helpers::Reply {
    visitor
        .post("/subscribe", &[("email", email), ("topic", topic)])
        .await
}

async fn outbox_for(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE recipient = $1")
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// The secret in a subscription link (`/subscriptions/{token}/…`).
fn token_in(path: &str) -> String {
    path.trim_start_matches("/subscriptions/")
        .split('/')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn subscribing_is_double_opt_in_and_one_click_in_the_mail_program_stops_it() {
    let sink = SmtpSink::start(0);
    let app = spawn_app_with_mail(&sink).await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let visitor = app.browser();

    let page = visitor.get("/actions/SH-1").await.body;
    assert!(page.contains("data-test=\"subscribe\""));
    assert!(page.contains("name=\"topic\" value=\"recommendation:SH-1\""));
    assert!(
        page.contains("Or, in a feed reader"),
        "the feed stays as the second choice"
    );

    let asked = subscribe(&visitor, "Reader@Example.org", "recommendation:SH-1").await;
    assert_eq!(asked.status, 200);
    assert!(outcome(&asked.body).contains("changes to recommendation SH-1"));
    assert!(
        !asked.body.contains("eader@example.org"),
        "the address is not echoed"
    );
    // Asking again the same day: the same answer, and no second email.
    let again = subscribe(&visitor, "reader@example.org", "recommendation:SH-1").await;
    assert_eq!(outcome(&again.body), outcome(&asked.body));

    let emails = sink.wait_for(1).await;
    let confirmation = &emails[0];
    assert_eq!(confirmation.envelope_to, "reader@example.org");
    assert_eq!(
        confirmation.subject,
        "Confirm that you want emails from Wessex Secure Data Environment"
    );
    assert!(confirmation.text.contains("changes to recommendation SH-1"));
    assert!(confirmation.text.contains(" at "), "says when it was asked");
    assert!(
        confirmation.header("List-Unsubscribe").is_none(),
        "nothing subscribed yet, so nothing to unsubscribe from"
    );

    // Unconfirmed: a change sends nothing.
    change_status(&app, &editor, "SH-1", "Unconfirmed readers hear nothing.").await;
    assert_eq!(outbox_for(&app, "reader@example.org").await, 1);

    // Following the link shows a button; a mail scanner fetching it confirms nothing.
    let confirm = confirmation.link("/subscriptions/");
    assert!(confirm.ends_with("/confirm"));
    let token = token_in(&confirm);
    let page = visitor.get(&confirm).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("data-test=\"confirm-button\""));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM subscriptions WHERE confirmed_at IS NOT NULL")
            .await,
        0
    );
    let confirmed = visitor.post(&confirm, &[]).await;
    assert_eq!(confirmed.status, 303);
    assert!(confirmed
        .location
        .starts_with(&format!("/subscriptions/{token}")));
    let manage = visitor.get(&format!("/subscriptions/{token}")).await.body;
    assert!(manage.contains("changes to recommendation SH-1"));
    assert!(!manage.contains("reader@example.org"));

    change_status(&app, &editor, "SH-1", "Now the reader hears.").await;
    let emails = sink.wait_for(2).await;
    let change = &emails[1];
    assert_eq!(change.envelope_to, "reader@example.org");
    assert!(change.subject.contains("SH-1"), "{}", change.subject);
    assert!(change.text.contains("Now the reader hears."));
    let unsubscribe = format!("http://127.0.0.1:3000/subscriptions/{token}/unsubscribe");
    assert_eq!(
        change.header("List-Unsubscribe"),
        Some(format!("<{unsubscribe}>").as_str())
    );
    assert_eq!(
        change.header("List-Unsubscribe-Post"),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(change.text.contains(&format!(
        "Change what you get: http://127.0.0.1:3000/subscriptions/{token}"
    )));
    assert!(change.html.contains(&format!("href=\"{unsubscribe}\"")));

    // The mail provider's one-click POST (RFC 8058): from its own server, no cookie.
    let one_click = visitor
        .send(
            visitor
                .client
                .post(format!("{}/subscriptions/{token}/unsubscribe", app.address))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("origin", "https://mail.example.net")
                .body("List-Unsubscribe=One-Click"),
        )
        .await;
    assert_eq!(one_click.status, 303, "{}", one_click.body);
    assert_eq!(one_click.location, "/subscriptions/left?done=left");
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM subscriptions").await,
        0
    );
    assert_eq!(
        outbox_for(&app, "reader@example.org").await,
        0,
        "the address is deleted, with everything sent to it"
    );
    change_status(&app, &editor, "SH-1", "Nobody is told.").await;
    assert_eq!(outbox_for(&app, "reader@example.org").await, 0);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.received().len(), 2);
    // A second click finds nothing, and says so.
    assert_eq!(
        visitor
            .post(&format!("/subscriptions/{token}/unsubscribe"), &[])
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn a_visitor_learns_nothing_about_which_addresses_are_subscribed() {
    let sink = SmtpSink::start(0);
    let app = spawn_app_with_mail(&sink).await;
    let visitor = app.browser();
    subscribe(&visitor, "known@example.org", "reports").await;
    let emails = sink.wait_for(1).await;
    visitor.post(&emails[0].link("/subscriptions/"), &[]).await;

    let known = subscribe(&app.browser(), "known@example.org", "reports").await;
    let unknown = subscribe(&app.browser(), "unknown@example.org", "reports").await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(outcome(&known.body), outcome(&unknown.body));
    // A made-up or malformed secret: the same 404 either way.
    let made_up = "0123456789abcdef".repeat(4);
    assert_eq!(
        visitor
            .get(&format!("/subscriptions/{made_up}"))
            .await
            .status,
        404
    );
    assert_eq!(visitor.get("/subscriptions/nonsense").await.status, 404);
    // Admins see counts per topic, never addresses.
    let (admin, _) = app.signed_in(Role::Admin).await;
    let page = admin.get("/admin/email").await.body;
    assert!(page.contains("data-test=\"subscriber-counts\""));
    assert!(page.contains("reports: 1"));
    assert!(!page.contains("known@example.org"));
}

#[tokio::test]
async fn mistakes_are_answered_beside_the_field_and_unknown_topics_are_not_found() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let page = visitor.get("/subscribe?topic=register").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("every change in the register"));
    let wrong = subscribe(&visitor, "reader at example", "register").await;
    assert_eq!(wrong.status, 422);
    assert_eq!(wrong.field_errors().len(), 1);
    assert!(
        wrong.body.contains("value=\"reader at example\""),
        "what was typed is kept"
    );
    let empty = subscribe(&visitor, "", "register").await;
    assert_eq!(empty.status, 422);
    assert_eq!(
        subscribe(&visitor, "reader@example.org", "recommendation:XX-99")
            .await
            .status,
        404
    );
    assert_eq!(visitor.get("/subscribe?topic=everything").await.status, 404);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM subscriptions").await,
        0
    );
}

#[tokio::test]
async fn subscribing_is_throttled_per_address_and_per_network() {
    let app = spawn_app().await;
    let visitor = app.browser();
    for topic in [
        "register",
        "reports",
        "policies",
        "recommendation:SH-1",
        "recommendation:SH-2",
        "engagement:public-panel",
    ] {
        let reply = subscribe(&visitor, "target@example.org", topic).await;
        assert_eq!(reply.status, 200);
    }
    assert_eq!(
        outbox_for(&app, "target@example.org").await,
        5,
        "at most five confirmation emails a day to one address"
    );
    for n in 0..14 {
        let reply = subscribe(&visitor, &format!("person{n}@example.org"), "register").await;
        assert_eq!(reply.status, 200);
    }
    let refused = subscribe(&visitor, "one.more@example.org", "register").await;
    assert_eq!(refused.status, 429);
    assert_eq!(
        refused.field_errors(),
        vec!["There have been too many requests from your network. Try again in an hour."]
    );
    assert!(refused.body.contains("value=\"one.more@example.org\""));
    assert_eq!(outbox_for(&app, "one.more@example.org").await, 0);
}

#[tokio::test]
async fn a_subscriber_changes_topics_and_frequency_and_gets_a_weekly_summary() {
    let sink = SmtpSink::start(0);
    let app = spawn_app_with_mail(&sink).await;
    let (editor, _) = app.signed_in(Role::Editor).await;
    let visitor = app.browser();
    subscribe(&visitor, "weekly@example.org", "register").await;
    subscribe(&visitor, "weekly@example.org", "reports").await;
    let emails = sink.wait_for(2).await;
    // Either confirmation confirms everything asked for.
    let confirm = emails[0].link("/subscriptions/");
    let token = token_in(&confirm);
    visitor.post(&confirm, &[]).await;
    let manage = format!("/subscriptions/{token}");
    let page = visitor.get(&manage).await.body;
    assert!(page.contains("every change in the register"));
    assert!(page.contains("new reports"));

    let wrong = visitor
        .post(&manage, &[("topics", "register"), ("frequency", "hourly")])
        .await;
    assert_eq!(wrong.status, 422);
    assert_eq!(
        wrong.field_errors(),
        vec!["Choose how often you want emails"]
    );
    let saved = visitor
        .post(&manage, &[("topics", "register"), ("frequency", "weekly")])
        .await;
    assert_eq!(saved.status, 303);
    let page = visitor.get(&manage).await.body;
    assert!(!page.contains("new reports"));

    change_status(&app, &editor, "SH-2", "Held for the weekly summary.").await;
    assert_eq!(
        outbox_for(&app, "weekly@example.org").await,
        2,
        "only the confirmations"
    );
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM digest_items").await, 1);
    server::mail::run_all_now(&server::mail::Delivery {
        db: app.db.clone(),
        mailer: server::mail::mailer(None, "Candour <no-reply@example.org>").unwrap(),
        public_url: "http://127.0.0.1:3000".to_owned(),
        organisation: "Wessex Secure Data Environment".to_owned(),
        service_name: app::site::DEFAULT_SERVICE_NAME.to_owned(),
    })
    .await
    .unwrap();
    let emails = sink.wait_for(3).await;
    let summary = emails
        .iter()
        .find(|e| e.subject == "Your weekly summary of changes")
        .expect("the weekly summary");
    assert!(summary.text.contains("SH-2"));
    assert!(summary.header("List-Unsubscribe").is_some());

    // Unticking everything leaves altogether.
    let left = visitor.post(&manage, &[("frequency", "weekly")]).await;
    assert!(left.location.starts_with("/subscriptions/left"));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM subscriptions").await,
        0
    );
    assert_eq!(visitor.get(&manage).await.status, 404);
}

#[tokio::test]
async fn unconfirmed_addresses_are_deleted_after_seven_days() {
    let app = spawn_app().await;
    subscribe(&app.browser(), "never.confirmed@example.org", "register").await;
    subscribe(&app.browser(), "recent@example.org", "register").await;
    sqlx::query(
        "UPDATE subscriptions SET created_at = '2026-01-01T00:00:00Z' WHERE email = 'never.confirmed@example.org'",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    sqlx::query("UPDATE subscription_topics SET requested_at = '2026-01-01T00:00:00Z' WHERE subscription_id = (SELECT id FROM subscriptions WHERE email = 'never.confirmed@example.org')")
        .execute(app.db.pool())
        .await
        .unwrap();
    server::mail::run_all_now(&server::mail::Delivery {
        db: app.db.clone(),
        mailer: server::mail::mailer(None, "Candour <no-reply@example.org>").unwrap(),
        public_url: "http://127.0.0.1:3000".to_owned(),
        organisation: "Wessex Secure Data Environment".to_owned(),
        service_name: app::site::DEFAULT_SERVICE_NAME.to_owned(),
    })
    .await
    .unwrap();
    assert_eq!(outbox_for(&app, "never.confirmed@example.org").await, 0);
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM subscriptions WHERE email = 'never.confirmed@example.org'"
        )
        .await,
        0
    );
    assert_eq!(outbox_for(&app, "recent@example.org").await, 1);
}

#[tokio::test]
async fn on_postgresql_two_instances_send_each_email_exactly_once() {
    let sink = SmtpSink::start(0);
    let (first, name) = crate::postgres::spawn_app_on_postgres().await;
    let url = sink.url();
    let database_url: String = {
        let (server, _) = crate::postgres::admin_url_parts();
        format!("{server}/{name}")
    };
    let second = crate::helpers::spawn_app_configured(&crate::helpers::content_dir(), |config| {
        config.database_url = database_url;
        config.mailer = server::mail::mailer(Some(&url), "Candour <no-reply@example.org>").unwrap();
    })
    .await;
    // The first instance sends too, through the same server.
    let url = sink.url();
    let first_sends = {
        let db = first.db.clone();
        tokio::spawn(server::mail::run_worker(server::mail::Delivery {
            db,
            mailer: server::mail::mailer(Some(&url), "Candour <no-reply@example.org>").unwrap(),
            public_url: "http://127.0.0.1:3000".to_owned(),
            organisation: "Wessex Secure Data Environment".to_owned(),
            service_name: app::site::DEFAULT_SERVICE_NAME.to_owned(),
        }))
    };
    const SUBSCRIBERS: usize = 60;
    let at = "2026-11-01T00:00:00Z";
    for n in 0..SUBSCRIBERS {
        let token = format!("{n:064x}");
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO subscriptions (email, token, frequency, created_at, confirmed_at) VALUES ($1, $2, 'immediately', $3, $3) RETURNING id",
        )
        .bind(format!("subscriber{n}@example.org"))
        .bind(&token)
        .bind(at)
        .fetch_one(first.db.pool())
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO subscription_topics (subscription_id, topic, requested_at, confirmed_at) VALUES ($1, 'register', $2, $2)",
        )
        .bind(id)
        .bind(at)
        .execute(first.db.pool())
        .await
        .unwrap();
    }
    let (editor, _) = second.signed_in(Role::Editor).await;
    change_status(&second, &editor, "SH-3", "Sent once to each subscriber.").await;
    let emails = sink.wait_for(SUBSCRIBERS).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let emails = if sink.received().len() > emails.len() {
        sink.received()
    } else {
        emails
    };
    let mut recipients: Vec<String> = emails.iter().map(|e| e.envelope_to.clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(emails.len(), SUBSCRIBERS, "no email sent twice");
    assert_eq!(recipients.len(), SUBSCRIBERS, "every subscriber got one");
    first_sends.abort();
    second.db.close().await;
    crate::postgres::drop_database(first, &name).await;
}
