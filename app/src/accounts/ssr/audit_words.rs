//! The audit log in plain English: "answered a comment on the Data access policy, version 3",
//! with a link to the record, role names as people say them and statuses as the register
//! shows them. The log itself keeps its dotted action names and short technical summaries
//! (they are what the filters and the CSV file carry); this module only words them.

use std::collections::HashMap;

use crate::{accounts::Role, content::public_path, dates::display_date};

/// Names of the records an audit page mentions, read once per page (`audit::names`).
#[derive(Debug, Default)]
pub struct Names {
    /// Policy id → title.
    pub policies: HashMap<i64, String>,
    /// Policy comment id → the number of the version it was made on.
    pub comment_versions: HashMap<i64, i64>,
    /// Report id → title.
    pub reports: HashMap<i64, String>,
    /// Engagement key → name.
    pub engagements: HashMap<String, String>,
    /// `(kind, key)` of a value, priority or page → its name.
    pub content: HashMap<(String, String), String>,
    /// Status key → the name the register shows (`in-progress` → "In progress").
    pub statuses: HashMap<String, String>,
    /// Account id → how the log names it ("Sam Jones (account 4)").
    pub accounts: HashMap<i64, String>,
}

/// One entry worded for people: `did` then `record` (linked to `href` where there is a page
/// for it) makes the sentence, such as "changed the status of" + "recommendation PP-17".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worded {
    pub did: String,
    pub record: String,
    pub href: Option<String>,
}

/// What the role an entry was made in is called by the people who hold it.
pub fn role_name(stored: &str) -> String {
    Role::parse(stored)
        .map(|role| role.label().to_owned())
        .unwrap_or_else(|| stored.to_owned())
}

/// How an action reads in the log's "What" filter ("Status changed").
pub fn action_name(action: &str) -> String {
    let (kind, verb) = action.split_once('.').unwrap_or(("", action));
    let thing = match kind {
        "recommendation" => "Recommendation",
        "policy" => "Policy",
        "report" => "Report",
        "account" => "Account",
        "session" => "Session",
        "invitation" => "Invitation",
        "engagement" => "Engagement",
        "content" => "Page, value or priority",
        "glossary" => "Glossary",
        "email" => "Email",
        other => other,
    };
    format!("{thing}: {}", verb.replace('-', " "))
}

/// How a kind of record reads in the log's "Record" filter.
pub fn record_kind_name(kind: &str) -> String {
    match kind {
        "value" => "Core value",
        "priority" => "Research priority",
        "page" => "Page",
        "recommendation" => "Recommendation",
        "policy" => "Policy",
        "report" => "Report",
        "account" => "Account",
        "invitation" => "Invitation",
        "engagement" => "Engagement",
        "glossary" => "Glossary",
        "email" => "Email",
        other => other,
    }
    .to_owned()
}

/// The sentence for one entry. `actor_id` tells "their own account" from someone else's.
pub fn word(
    names: &Names,
    actor_id: Option<i64>,
    action: &str,
    record_kind: &str,
    record_id: &str,
) -> Worded {
    let worded = |did: &str, record: String, href: Option<String>| Worded {
        did: did.to_owned(),
        record,
        href,
    };
    match record_kind {
        "recommendation" => {
            let did = match action {
                "recommendation.created" => "added",
                "recommendation.status-changed" => "changed the status of",
                "recommendation.response-changed" => "updated what was done about",
                "recommendation.reworded" => "reworded",
                "recommendation.details-changed" => "changed the values, priorities or evidence of",
                "recommendation.friends-view-given" => "gave a critical friend’s view of",
                "recommendation.friends-view-answered" => "answered a critical friend’s view of",
                "recommendation.friends-view-reason-removed" => {
                    "removed the reason of a critical friend’s view of"
                }
                _ => "changed",
            };
            worded(
                did,
                format!("recommendation {record_id}"),
                Some(format!("/actions/{record_id}")),
            )
        }
        "policy" => policy(names, action, record_id),
        "report" => {
            let did = match action {
                "report.created" => "drafted",
                "report.published" => "published",
                "report.revised" => "published a revision of",
                "report.withdrawn" => "withdrew",
                _ => "saved",
            };
            let id = record_id.parse::<i64>().ok();
            let record = id
                .and_then(|id| names.reports.get(&id))
                .map(|title| format!("the report “{title}”"))
                .unwrap_or_else(|| format!("report {record_id}"));
            worded(did, record, id.map(|id| format!("/admin/reports/{id}")))
        }
        "engagement" => {
            let did = if action == "engagement.created" {
                "added"
            } else {
                "edited"
            };
            let record = names
                .engagements
                .get(record_id)
                .map(|name| format!("the engagement “{name}”"))
                .unwrap_or_else(|| format!("engagement {record_id}"));
            worded(did, record, Some(format!("/admin/engagements/{record_id}")))
        }
        "value" | "priority" | "page" => {
            let did = if action == "content.created" {
                "added"
            } else {
                "edited"
            };
            let what = match record_kind {
                "value" => "the core value",
                "priority" => "the research priority",
                _ => "the page",
            };
            let name = names
                .content
                .get(&(record_kind.to_owned(), record_id.to_owned()))
                .map(String::as_str)
                .unwrap_or(record_id);
            worded(
                did,
                format!("{what} “{name}”"),
                Some(public_path(record_kind, record_id)),
            )
        }
        "glossary" => worded(
            "edited",
            "the glossary".into(),
            Some("/admin/glossary".into()),
        ),
        "account" => account(names, actor_id, action, record_id),
        "invitation" => {
            let did = match action {
                "invitation.resent" => "sent a new link for",
                "invitation.revoked" => "cancelled",
                _ => "sent",
            };
            worded(
                did,
                format!("an invitation (number {record_id})"),
                Some("/admin/users#invites-heading".into()),
            )
        }
        "email" => worded(
            "sent again",
            format!("email {record_id}, which had failed"),
            Some("/admin/email".into()),
        ),
        _ => worded(
            &action_name(action).to_lowercase(),
            format!("{record_kind} {record_id}"),
            None,
        ),
    }
}

/// Policy entries name the policy and its version: `record_id` is `"{id} v{n}"`,
/// `"{id} comment {comment}"` or, for a new policy, its slug.
fn policy(names: &Names, action: &str, record_id: &str) -> Worded {
    let mut parts = record_id.split_whitespace();
    let id = parts.next().and_then(|id| id.parse::<i64>().ok());
    let version = match (parts.next(), parts.next()) {
        (Some("comment"), Some(comment)) => comment
            .parse::<i64>()
            .ok()
            .and_then(|c| names.comment_versions.get(&c).copied()),
        (Some(v), None) => v.strip_prefix('v').and_then(|n| n.parse::<i64>().ok()),
        _ => None,
    };
    let title = id
        .and_then(|id| names.policies.get(&id))
        .cloned()
        .unwrap_or_else(|| format!("policy {record_id}"));
    let record = match version {
        Some(n) => format!("the {title}, version {n}"),
        None => format!("the {title}"),
    };
    let did = match action {
        "policy.created" => "drafted",
        "policy.saved" => "saved the draft of",
        "policy.review-opened" => "opened for review",
        "policy.revised" => "started a new draft of",
        "policy.published" => "published",
        "policy.commented" => "commented on",
        "policy.replied" => "replied to a comment on",
        "policy.comment-answered" => "answered a comment on",
        "policy.comment-removed" => "removed a comment on",
        "policy.comment-edited" => "edited their comment on",
        "policy.comment-withdrawn" => "withdrew their comment on",
        _ => "changed",
    };
    Worded {
        did: did.to_owned(),
        record,
        href: id.map(|id| format!("/admin/policies/{id}")),
    }
}

fn account(names: &Names, actor_id: Option<i64>, action: &str, record_id: &str) -> Worded {
    let id = record_id.parse::<i64>().ok();
    let own = id.is_some() && id == actor_id;
    let (did, record) = match action {
        "account.created" => ("accepted an invitation and created", "their account".into()),
        "account.created-at-command-line" => (
            "was given",
            "their account at the command line (candour user create-admin)".into(),
        ),
        "account.password-reset" => ("reset the password of", "their account".into()),
        "account.name-changed" => ("changed the display name of", "their account".into()),
        "account.password-changed" => ("changed the password of", "their account".into()),
        "account.deleted" if own => ("deleted", "their own account".into()),
        "session.ended" => ("signed out another session of", "their account".into()),
        "session.ended-others" => ("signed out every other session of", "their account".into()),
        _ => {
            let did = match action {
                "account.role-changed" => "changed the role of",
                "account.disabled" => "disabled",
                "account.enabled" => "enabled",
                "account.reset-link-issued" => "sent a password reset link for",
                "account.deleted" => "deleted",
                _ => "changed",
            };
            let name = id
                .and_then(|id| names.accounts.get(&id))
                .cloned()
                .unwrap_or_else(|| format!("account {record_id}"));
            (did, format!("the account of {name}"))
        }
    };
    Worded {
        did: did.to_owned(),
        record,
        href: (!own && action != "account.deleted").then(|| "/admin/users#accounts-heading".into()),
    }
}

/// A before or after summary in the register's and people's words: status keys become the
/// names the register shows, stored role names become their labels, `v3` becomes
/// "version 3" and ISO dates read as dates.
pub fn plain(names: &Names, text: &str) -> String {
    let mut out = Vec::new();
    let mut after_status = false;
    let mut after_role = false;
    for word in text.split(' ') {
        let bare = word.trim_end_matches([',', ':', ';']);
        let tail = &word[bare.len()..];
        let replaced = if after_status {
            names.statuses.get(bare).cloned()
        } else if after_role || bare == "critical_friend" {
            Role::parse(bare).map(|role| role.label().to_owned())
        } else if crate::dates::is_iso_date(bare) {
            Some(display_date(bare))
        } else {
            bare.strip_prefix('v')
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                .map(|n| format!("version {n}"))
        };
        after_status = bare == "status";
        after_role = bare == "role" || bare == "as";
        match replaced {
            Some(words) => out.push(format!("{words}{tail}")),
            None => out.push(word.to_owned()),
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        let mut names = Names::default();
        names.policies.insert(3, "Data access policy".into());
        names.comment_versions.insert(41, 3);
        names
            .statuses
            .insert("in-progress".into(), "In progress".into());
        names.accounts.insert(7, "Sam (account 7)".into());
        names
    }

    #[test]
    fn an_answer_names_the_policy_and_the_version_the_comment_was_made_on() {
        let worded = word(
            &names(),
            Some(2),
            "policy.comment-answered",
            "policy",
            "3 comment 41",
        );
        assert_eq!(
            format!("{} {}", worded.did, worded.record),
            "answered a comment on the Data access policy, version 3"
        );
        assert_eq!(worded.href.as_deref(), Some("/admin/policies/3"));
    }

    #[test]
    fn a_status_change_links_to_the_recommendation() {
        let worded = word(
            &names(),
            Some(2),
            "recommendation.status-changed",
            "recommendation",
            "PP-17",
        );
        assert_eq!(worded.did, "changed the status of");
        assert_eq!(worded.href.as_deref(), Some("/actions/PP-17"));
    }

    #[test]
    fn someone_elses_account_is_named_and_ones_own_is_theirs() {
        let names = names();
        let other = word(&names, Some(2), "account.role-changed", "account", "7");
        assert_eq!(other.record, "the account of Sam (account 7)");
        let own = word(&names, Some(7), "account.deleted", "account", "7");
        assert_eq!(
            format!("{} {}", own.did, own.record),
            "deleted their own account"
        );
        assert_eq!(own.href, None);
    }

    #[test]
    fn summaries_use_status_and_role_names_versions_and_dates_in_words() {
        let names = names();
        assert_eq!(
            plain(&names, "status in-progress on 2026-07-01: started"),
            "status In progress on 1 July 2026: started"
        );
        assert_eq!(
            plain(&names, "role critical_friend"),
            "role Digital Critical Friend"
        );
        assert_eq!(
            plain(&names, "invitation as editor, valid 7 days"),
            "invitation as Editor (PPIE team), valid 7 days"
        );
        assert_eq!(plain(&names, "v2 draft"), "version 2 draft");
        // A word that only looks like a key elsewhere in a sentence stays as written.
        assert_eq!(
            plain(&names, "the editor said in-progress"),
            "the editor said in-progress"
        );
    }

    #[test]
    fn filter_names_read_as_words() {
        assert_eq!(
            action_name("recommendation.status-changed"),
            "Recommendation: status changed"
        );
        assert_eq!(record_kind_name("priority"), "Research priority");
        assert_eq!(role_name("admin"), "Administrator");
    }
}
