//! The emails accounts send: an invitation, and a link to set a new password. Each is
//! queued in the transaction that makes the link (`crate::mail`).

use crate::{accounts::Role, mail::Message, site::SiteInfo};

fn base(site: &SiteInfo) -> &str {
    site.public_url.trim_end_matches('/')
}

/// "You are invited": the one-time link to set up an account.
pub fn invitation(site: &SiteInfo, role: Role, token: &str) -> Message {
    Message {
        kind: "account.invitation",
        subject: format!(
            "{} invites you to join as a {}",
            site.organisation,
            role.label()
        ),
        paragraphs: vec![
            format!(
                "{} invites you to join its “{}” site as a {}.",
                site.organisation,
                site.service_name,
                role.label()
            ),
            format!(
                "“{}” is where the {} shows what people asked of it, and what it did in response.",
                site.service_name, site.organisation
            ),
            format!(
                "The link works once, for {} days. After that, ask the person who invited you for a new one.",
                super::links::INVITE_DAYS
            ),
        ],
        action: Some((
            "Set up your account".to_owned(),
            format!("{}/invite/{token}", base(site)),
        )),
    }
}

/// "Set a new password": the one-time reset link.
pub fn reset(site: &SiteInfo, token: &str, asked_by_you: bool) -> Message {
    let why = if asked_by_you {
        format!(
            "Someone, we hope you, asked for a link to set a new password for your “{}” account.",
            site.service_name
        )
    } else {
        format!(
            "The team made a link for you to set a new password for your “{}” account.",
            site.service_name
        )
    };
    Message {
        kind: "account.reset",
        subject: "Set a new password for your account".to_owned(),
        paragraphs: vec![
            why,
            format!(
                "The link works once, for {} hours. If you did not ask for it, you can ignore this email: your password stays as it is.",
                super::links::RESET_HOURS
            ),
        ],
        action: Some((
            "Set a new password".to_owned(),
            format!("{}/reset/{token}", base(site)),
        )),
    }
}
