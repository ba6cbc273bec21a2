//! Writing email to the outbox, in the caller's transaction: a message (its subject and
//! text, shared by everyone it goes to) and one outbox row a recipient. Nothing is sent
//! here: the server's mail worker sends due rows after commit, so an email is never lost
//! between a change and its notice, nor sent for a change that was rolled back.
//!
//! Every email is short, in plain English, with a plain-text and an HTML part, no images
//! and no tracking; its footer (added when sent) names the organisation and says how to
//! stop it.

use sqlx::AnyConnection;

use crate::dates::{now, timestamp};

/// What an email says. Rendered as plain text and as simple HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// A dotted name, for the staff's outbox page: `account.invitation`, `register.changed`.
    pub kind: &'static str,
    pub subject: String,
    /// Paragraphs of plain text.
    pub paragraphs: Vec<String>,
    /// The one thing to do, as a link: `(label, full address)`.
    pub action: Option<(String, String)>,
}

impl Message {
    /// The plain-text body.
    pub fn text(&self) -> String {
        let mut text = self.paragraphs.join("\n\n");
        if let Some((label, url)) = &self.action {
            text.push_str(&format!("\n\n{label}:\n{url}"));
        }
        text
    }

    /// The HTML body: the same words, escaped, with the action as a link. No images, no
    /// styles from elsewhere, no tracking.
    pub fn html(&self) -> String {
        let mut html = String::new();
        for paragraph in &self.paragraphs {
            html.push_str(&format!(
                "<p>{}</p>\n",
                escape(paragraph).replace('\n', "<br>")
            ));
        }
        if let Some((label, url)) = &self.action {
            html.push_str(&format!(
                "<p><a href=\"{}\">{}</a></p>\n",
                escape(url),
                escape(label)
            ));
        }
        html
    }
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Stores a message; its id is what outbox rows and summaries point at.
pub async fn store(conn: &mut AnyConnection, message: &Message) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO mail_messages (kind, subject, text_body, html_body, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(message.kind)
    .bind(&message.subject)
    .bind(message.text())
    .bind(message.html())
    .bind(now())
    .fetch_one(conn)
    .await
}

/// Queues a message to one address (an invitation, a reset link, a confirmation).
pub async fn send_to(
    conn: &mut AnyConnection,
    message: &Message,
    recipient: &str,
    user_id: Option<i64>,
    subscription_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let id = store(conn, message).await?;
    let at = now();
    sqlx::query(
        "INSERT INTO outbox (message_id, recipient, subscription_id, user_id, created_at, send_after)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(id)
    .bind(recipient)
    .bind(subscription_id)
    .bind(user_id)
    .bind(&at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Queues a message to everyone subscribed (and confirmed) to any of `topics`, once each:
/// at once for those who asked for that, in their weekly summary for the others. One
/// statement each, however many subscribers.
pub async fn send_to_topics(
    conn: &mut AnyConnection,
    message: &Message,
    topics: &[String],
) -> Result<(), sqlx::Error> {
    if topics.is_empty() {
        return Ok(());
    }
    let id = store(conn, message).await?;
    let at = now();
    let placeholders: Vec<String> = (0..topics.len()).map(|i| format!("${}", i + 3)).collect();
    let matching = format!(
        "SELECT s.id, s.email FROM subscriptions s WHERE s.confirmed_at IS NOT NULL AND s.frequency = $2
           AND EXISTS (SELECT 1 FROM subscription_topics t WHERE t.subscription_id = s.id
                         AND t.confirmed_at IS NOT NULL AND t.topic IN ({}))",
        placeholders.join(", ")
    );
    let at_param = format!("${}", topics.len() + 3);
    let immediately = format!(
        "INSERT INTO outbox (message_id, recipient, subscription_id, created_at, send_after)
         SELECT $1, m.email, m.id, {at_param}, {at_param} FROM ({matching}) m"
    );
    let mut query = sqlx::query(&immediately).bind(id).bind("immediately");
    for topic in topics {
        query = query.bind(topic);
    }
    query.bind(&at).execute(&mut *conn).await?;
    let weekly = format!(
        "INSERT INTO digest_items (subscription_id, message_id, created_at)
         SELECT m.id, $1, {at_param} FROM ({matching}) m"
    );
    let mut query = sqlx::query(&weekly).bind(id).bind("weekly");
    for topic in topics {
        query = query.bind(topic);
    }
    query.bind(&at).execute(&mut *conn).await?;
    Ok(())
}

/// The kind of the email that asks someone to confirm a subscription: it belongs to the
/// subscription (deleted with it) but carries no unsubscribe links.
pub const CONFIRMATION_KIND: &str = "subscription.confirm";

/// The kinds of notification people with accounts receive, each with its default mode and
/// how the account page names it.
pub const NOTIFICATIONS: [(&str, &str, &str); 6] = [
    ("review-opened", "immediately", "A policy review has opened"),
    (
        "review-closing",
        "immediately",
        "A review closes in three days",
    ),
    (
        "comment-answered",
        "immediately",
        "Your comment was answered",
    ),
    (
        "thread-reply",
        "immediately",
        "Someone replied in your discussion",
    ),
    (
        "followed-changed",
        "daily",
        "A recommendation you follow changed",
    ),
    (
        "staff-summary",
        "daily",
        "Staff: comments waiting for an answer and overdue recommendations",
    ),
];

/// Queues a notification of `kind` to each person in `user_ids`, as each asked: at once, in
/// their daily summary, or not at all. Disabled and deleted accounts get nothing.
pub async fn notify(
    conn: &mut AnyConnection,
    kind: &str,
    user_ids: &[i64],
    message: &Message,
) -> Result<(), sqlx::Error> {
    if user_ids.is_empty() {
        return Ok(());
    }
    let default = NOTIFICATIONS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or("immediately", |(_, mode, _)| *mode);
    let id = store(conn, message).await?;
    let at = now();
    for user in user_ids {
        let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT u.email, n.mode FROM users u
             LEFT JOIN notification_settings n ON n.user_id = u.id AND n.kind = $2
             WHERE u.id = $1 AND u.state = 'active'",
        )
        .bind(user)
        .bind(kind)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((Some(email), mode)) = row else {
            continue;
        };
        match mode.as_deref().unwrap_or(default) {
            "immediately" => {
                sqlx::query(
                    "INSERT INTO outbox (message_id, recipient, user_id, created_at, send_after)
                     VALUES ($1, $2, $3, $4, $4)",
                )
                .bind(id)
                .bind(&email)
                .bind(user)
                .bind(&at)
                .execute(&mut *conn)
                .await?;
            }
            "daily" => {
                sqlx::query(
                    "INSERT INTO digest_items (user_id, message_id, created_at) VALUES ($1, $2, $3)",
                )
                .bind(user)
                .bind(id)
                .bind(&at)
                .execute(&mut *conn)
                .await?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// The accounts that hold a role among `roles` and are active.
pub async fn people_with_roles(
    conn: &mut AnyConnection,
    roles: &[&str],
) -> Result<Vec<i64>, sqlx::Error> {
    let placeholders: Vec<String> = (1..=roles.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT id FROM users WHERE state = 'active' AND role IN ({}) ORDER BY id",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_scalar(&sql);
    for role in roles {
        query = query.bind(*role);
    }
    query.fetch_all(conn).await
}

/// The people following a recommendation.
pub async fn followers(conn: &mut AnyConnection, reference: &str) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT user_id FROM follows WHERE reference = $1 ORDER BY user_id")
        .bind(reference)
        .fetch_all(conn)
        .await
}

/// How many requests were recorded under `key` since `since`.
pub async fn requests_since(
    conn: &mut AnyConnection,
    key: &str,
    since: chrono::Duration,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM mail_requests WHERE key = $1 AND at > $2")
        .bind(key)
        .bind(timestamp(chrono::Utc::now() - since))
        .fetch_one(conn)
        .await
}

/// Records a request that may send mail.
pub async fn record_request(conn: &mut AnyConnection, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO mail_requests (key, at) VALUES ($1, $2)")
        .bind(key)
        .bind(now())
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_and_has_the_same_words_as_the_text() {
        let message = Message {
            kind: "test",
            subject: "S".into(),
            paragraphs: vec!["Fish & <chips>".into()],
            action: Some(("Open it".into(), "https://example.org/?a=1&b=2".into())),
        };
        assert_eq!(
            message.text(),
            "Fish & <chips>\n\nOpen it:\nhttps://example.org/?a=1&b=2"
        );
        assert!(message.html().contains("Fish &amp; &lt;chips&gt;"));
        assert!(message
            .html()
            .contains("href=\"https://example.org/?a=1&amp;b=2\""));
        assert!(!message.html().contains("<img"));
    }
}
