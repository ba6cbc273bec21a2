//! The whole permission table: which role may do what. Every server function and route
//! that reads private data or changes anything asks [`allows`] on the server; pages use
//! the same table only to decide which buttons to show.

use serde::{Deserialize, Serialize};

/// Signed-in roles. The public (signed out) is `None` wherever a role is optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    CriticalFriend,
    Editor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::CriticalFriend, Role::Editor, Role::Admin];

    /// How the role is stored in the database and written in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::CriticalFriend => "critical_friend",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::CriticalFriend => "Digital Critical Friend",
            Role::Editor => "Editor (PPIE team)",
            Role::Admin => "Administrator",
        }
    }
}

/// Everything the service guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// Change one's own name and password, see and end one's sessions, export, delete.
    ManageOwnAccount,
    /// See reports that are not published, in the editor.
    ViewDraftReports,
    /// Create reports and save drafts.
    EditReports,
    /// Publish and withdraw reports: what the public reads.
    PublishReports,
    /// Invite Digital Critical Friends.
    InviteCriticalFriends,
    /// Invite editors and admins.
    InviteStaff,
    /// Change roles, disable and enable accounts, issue password reset links.
    ManageAccounts,
    ViewAuditLog,
    /// Record status changes and responses on the register.
    RecordStatusChanges,
    /// Read draft policies in review, comment on them and reply in their discussions.
    CommentOnPolicies,
    /// Write draft policies, open reviews, answer comments and publish.
    ManagePolicies,
    /// See the outbox (what email is queued, sent and failed) and retry failures.
    ManageEmail,
    /// Say whether one agrees with the SDE's status of a recommendation (a critical
    /// friend's view): only Digital Critical Friends, so the view is theirs, not the SDE's.
    GiveViewOnRecommendations,
}

impl Permission {
    pub const ALL: [Permission; 13] = [
        Permission::ManageOwnAccount,
        Permission::ViewDraftReports,
        Permission::EditReports,
        Permission::PublishReports,
        Permission::InviteCriticalFriends,
        Permission::InviteStaff,
        Permission::ManageAccounts,
        Permission::ViewAuditLog,
        Permission::RecordStatusChanges,
        Permission::CommentOnPolicies,
        Permission::ManagePolicies,
        Permission::ManageEmail,
        Permission::GiveViewOnRecommendations,
    ];
}

/// The roles that hold a permission. The public holds none.
pub fn holders(permission: Permission) -> &'static [Role] {
    use Role::*;
    match permission {
        Permission::ManageOwnAccount | Permission::CommentOnPolicies => {
            &[CriticalFriend, Editor, Admin]
        }
        Permission::ViewDraftReports
        | Permission::EditReports
        | Permission::PublishReports
        | Permission::InviteCriticalFriends
        | Permission::RecordStatusChanges
        | Permission::ManagePolicies => &[Editor, Admin],
        Permission::InviteStaff
        | Permission::ManageAccounts
        | Permission::ViewAuditLog
        | Permission::ManageEmail => &[Admin],
        Permission::GiveViewOnRecommendations => &[CriticalFriend],
    }
}

pub fn allows(role: Option<Role>, permission: Permission) -> bool {
    role.is_some_and(|role| holders(permission).contains(&role))
}

/// The roles someone with `role` may invite people into.
pub fn invitable_roles(role: Role) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|invited| match invited {
            Role::CriticalFriend => allows(Some(role), Permission::InviteCriticalFriends),
            Role::Editor | Role::Admin => allows(Some(role), Permission::InviteStaff),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_holds_no_permission() {
        for permission in Permission::ALL {
            assert!(!allows(None, permission), "{permission:?}");
        }
    }

    #[test]
    fn a_critical_friend_manages_their_own_account_comments_on_policies_and_gives_views() {
        let granted: Vec<_> = Permission::ALL
            .into_iter()
            .filter(|p| allows(Some(Role::CriticalFriend), *p))
            .collect();
        assert_eq!(
            granted,
            vec![
                Permission::ManageOwnAccount,
                Permission::CommentOnPolicies,
                Permission::GiveViewOnRecommendations
            ]
        );
    }

    #[test]
    fn editors_invite_critical_friends_and_admins_invite_anyone() {
        assert_eq!(invitable_roles(Role::CriticalFriend), vec![]);
        assert_eq!(invitable_roles(Role::Editor), vec![Role::CriticalFriend]);
        assert_eq!(invitable_roles(Role::Admin), Role::ALL.to_vec());
    }

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
