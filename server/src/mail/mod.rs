//! Sending email: the outbox worker (claims due rows, sends them over SMTP with lettre,
//! retries with exponential backoff, gives up after a day keeping the failure) and the
//! scheduled summaries. Rows are written by the app in the same transaction as the event
//! that causes them (`app::mail`); nothing here decides who gets what.

mod jobs;
mod worker;

use lettre::{message::Mailbox, AsyncSmtpTransport, Tokio1Executor};

pub use jobs::{run_all_now, run_due_jobs, run_jobs};
pub use worker::{run_worker, send_due, Delivery};

/// How Candour reaches a mail server: `CANDOUR_SMTP_URL` and `CANDOUR_MAIL_FROM`.
#[derive(Clone)]
pub struct Mailer {
    pub transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    pub from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("configured", &self.transport.is_some())
            .field("from", &self.from.to_string())
            .finish()
    }
}

/// Checks the settings: `smtp_url` is `smtp://` (plain, or STARTTLS with `?tls=required`)
/// or `smtps://` with optional `user:password@`; `from` is an address, with or without a
/// name (`Wessex SDE <no-reply@example.org>`). Each error is one line for the config check.
pub fn mailer(smtp_url: Option<&str>, from: &str) -> Result<Mailer, String> {
    let from: Mailbox = from.parse().map_err(|_| {
        "expected an email address, such as Wessex SDE <no-reply@example.org>".to_owned()
    })?;
    let transport = match smtp_url.map(str::trim).filter(|u| !u.is_empty()) {
        None => None,
        Some(url) => {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(
                    "expected smtp://host:port, smtp://user:password@host:587?tls=required or smtps://user:password@host:465"
                        .to_owned(),
                );
            }
            let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map_err(|error| format!("not a usable mail server address: {error}"))?;
            Some(
                builder
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build(),
            )
        }
    };
    Ok(Mailer { transport, from })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Building a pooled transport spawns its reaper task, so this needs a runtime, as `main` has.
    #[tokio::test]
    async fn settings_are_checked_with_one_line_errors() {
        assert!(mailer(None, "Candour <no-reply@example.org>")
            .unwrap()
            .transport
            .is_none());
        assert!(
            mailer(Some("smtp://127.0.0.1:2525"), "no-reply@example.org")
                .unwrap()
                .transport
                .is_some()
        );
        assert!(mailer(
            Some("smtps://user:pass@mail.example.org:465"),
            "a@example.org"
        )
        .is_ok());
        assert!(mailer(
            Some("smtp://u:p@mail.example.org:587?tls=required"),
            "a@example.org"
        )
        .is_ok());
        let error = mailer(Some("mail.example.org"), "a@example.org").unwrap_err();
        assert!(error.starts_with("expected smtp://"));
        assert!(!error.contains('\n'));
        assert!(mailer(None, "not an address").is_err());
    }
}
