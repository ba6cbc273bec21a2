//! Telling people a recommendation changed: its followers (as each chose: at once, in a
//! daily summary, or not) and the public who subscribed to it, to its engagement or to the
//! whole register. Queued in the transaction of the change.

use sqlx::AnyConnection;

use crate::{
    mail::{self, Message},
    site::SiteInfo,
};

/// Queues the notice that recommendation `reference` changed: `headline` is the subject
/// ("PP-5 is now Done"), `lines` what to say.
pub async fn recommendation_changed(
    conn: &mut AnyConnection,
    site: &SiteInfo,
    reference: &str,
    headline: String,
    lines: Vec<String>,
) -> Result<(), sqlx::Error> {
    let found: Option<(String, String)> = sqlx::query_as(
        "SELECT r.title, e.key FROM recommendations r JOIN engagements e ON e.id = r.engagement_id
         WHERE r.reference = $1",
    )
    .bind(reference)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((title, engagement)) = found else {
        return Ok(());
    };
    let mut paragraphs = vec![format!("{reference}: {title}")];
    paragraphs.extend(lines);
    let message = Message {
        kind: "register.changed",
        subject: headline,
        paragraphs,
        action: Some((
            format!("See {reference}"),
            format!(
                "{}/actions/{reference}",
                site.public_url.trim_end_matches('/')
            ),
        )),
    };
    let topics = vec![
        format!("recommendation:{reference}"),
        format!("engagement:{engagement}"),
        "register".to_owned(),
    ];
    mail::send_to_topics(conn, &message, &topics).await?;
    let followers = mail::followers(conn, reference).await?;
    mail::notify(conn, "followed-changed", &followers, &message).await
}
