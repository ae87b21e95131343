//! Roles and the permissions each grants. Seeing submitters' personal details is a separate
//! permission on the user (`can_view_personal`), never implied by a role.

use std::fmt;
use std::str::FromStr;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Drafter,
    Reviewer,
    Coordinator,
    Admin,
}

/// What a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Permission {
    /// Read comments, answers and dashboards of a consultation.
    View,
    /// Import comment tables and the draft's clauses.
    Import,
    /// Tag, split and group comments (同旨).
    Triage,
    /// Assign comments to drafters and edit routing rules.
    Assign,
    /// Write answers (方針・コメント) and revisions (修正内容).
    Draft,
    /// Approve or return answers.
    Review,
    /// Export result tables; edit a consultation's settings.
    Publish,
    /// Manage users, memberships and tokens; read the audit log.
    Administer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Viewer,
        Role::Drafter,
        Role::Reviewer,
        Role::Coordinator,
        Role::Admin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Drafter => "drafter",
            Role::Reviewer => "reviewer",
            Role::Coordinator => "coordinator",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Viewer => "閲覧者",
            Role::Drafter => "起案担当",
            Role::Reviewer => "確認者",
            Role::Coordinator => "取りまとめ",
            Role::Admin => "管理者",
        }
    }

    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Coordinator => matches!(p, View | Import | Triage | Assign | Publish),
            Role::Reviewer => matches!(p, View | Draft | Review),
            Role::Drafter => matches!(p, View | Draft),
            Role::Viewer => matches!(p, View),
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s.trim() || r.label() == s.trim())
            .ok_or_else(|| {
                format!("役割「{s}」はありません（admin, coordinator, drafter, reviewer, viewer）")
            })
    }
}

crate::text_column!(Role);

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    #[test]
    fn the_role_matrix_is_as_documented() {
        let all = [
            View, Import, Triage, Assign, Draft, Review, Publish, Administer,
        ];
        let expected: [(Role, &[Permission]); 5] = [
            (Role::Viewer, &[View]),
            (Role::Drafter, &[View, Draft]),
            (Role::Reviewer, &[View, Draft, Review]),
            (Role::Coordinator, &[View, Import, Triage, Assign, Publish]),
            (Role::Admin, &all),
        ];
        for (role, allowed) in expected {
            for p in all {
                assert_eq!(role.allows(p), allowed.contains(&p), "{role} {p:?}");
            }
        }
    }

    #[test]
    fn roles_parse_from_code_and_label() {
        assert_eq!("reviewer".parse::<Role>().unwrap(), Role::Reviewer);
        assert_eq!("管理者".parse::<Role>().unwrap(), Role::Admin);
        assert!("root".parse::<Role>().is_err());
    }
}
