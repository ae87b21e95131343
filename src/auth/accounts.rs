//! Account changes (users, passwords, memberships, API tokens), each one transaction with
//! its audit event. Used alike by the command line and the admin pages.

use super::{password, token, Role};
use crate::db::DbConnection;
use crate::domain::{ConsultationId, UserId};
use crate::models::{api_token, audit, membership, session, user};
use serde_json::json;

/// Who makes a change, for the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    /// `user:<login>`, `cli:<os user>`, `demo`, …
    pub name: String,
    pub user: Option<UserId>,
}

impl Actor {
    pub fn of(u: &user::User) -> Actor {
        Actor {
            name: format!("user:{}", u.login),
            user: Some(u.id()),
        }
    }

    pub fn system(name: &str) -> Actor {
        Actor {
            name: name.to_string(),
            user: None,
        }
    }

    pub fn event<'a>(
        &'a self,
        action: crate::domain::AuditAction,
        entity: &'a str,
        entity_id: Option<i64>,
    ) -> audit::Event<'a> {
        audit::Event {
            actor: &self.name,
            user: self.user,
            consultation: None,
            action,
            entity,
            entity_id,
            before: None,
            after: None,
        }
    }
}

pub struct NewAccount {
    pub login: String,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub can_view_personal: bool,
    /// None: generate one (returned, to be shown once).
    pub password: Option<String>,
}

/// Creates a user; returns its id and the password it was given.
pub fn add_user(
    conn: &mut DbConnection,
    actor: &Actor,
    a: &NewAccount,
) -> anyhow::Result<(UserId, String)> {
    user::validate_login(&a.login).map_err(anyhow::Error::msg)?;
    let pw = a.password.clone().unwrap_or_else(password::generate);
    password::check_strength(&pw, &a.login).map_err(anyhow::Error::msg)?;
    let hash = password::hash(&pw)?;
    crate::db::transaction(conn, |conn| {
        if user::find_by_login(conn, &a.login)?.is_some() {
            anyhow::bail!("ログイン名「{}」は既に使われています", a.login);
        }
        let id = user::insert(
            conn,
            &user::NewUser {
                login: &a.login,
                display_name: &a.display_name,
                email: &a.email,
                password_hash: &hash,
                role: a.role,
                can_view_personal: a.can_view_personal,
            },
        )?;
        let mut e = actor.event(crate::domain::AuditAction::UserAdd, "user", Some(id.0));
        e.after = Some(
            json!({"login": a.login, "role": a.role.code(), "can_view_personal": a.can_view_personal}),
        );
        audit::record(conn, &e)?;
        Ok((id, pw.clone()))
    })
}

fn find_user(conn: &mut DbConnection, login: &str) -> anyhow::Result<user::User> {
    user::find_by_login(conn, login)?
        .ok_or_else(|| anyhow::anyhow!("ユーザー「{login}」はいません"))
}

/// Disables (or re-enables) a user; disabling ends their sessions at once.
pub fn set_disabled(
    conn: &mut DbConnection,
    actor: &Actor,
    login: &str,
    disabled: bool,
) -> anyhow::Result<()> {
    crate::db::transaction(conn, |conn| {
        let u = find_user(conn, login)?;
        user::set_disabled(conn, u.id(), disabled)?;
        if disabled {
            session::delete_for_user(conn, u.id())?;
        }
        let mut e = actor.event(
            if disabled {
                crate::domain::AuditAction::UserDisable
            } else {
                crate::domain::AuditAction::UserEnable
            },
            "user",
            Some(u.id.0),
        );
        e.before = Some(json!({"disabled": u.disabled}));
        e.after = Some(json!({"disabled": disabled}));
        audit::record(conn, &e)?;
        Ok(())
    })
}

/// Sets a new password (generated when None), unlocks the account and ends its sessions.
pub fn reset_password(
    conn: &mut DbConnection,
    actor: &Actor,
    login: &str,
    new: Option<String>,
) -> anyhow::Result<String> {
    let pw = new.unwrap_or_else(password::generate);
    password::check_strength(&pw, login).map_err(anyhow::Error::msg)?;
    let hash = password::hash(&pw)?;
    crate::db::transaction(conn, |conn| {
        let u = find_user(conn, login)?;
        user::set_password(conn, u.id(), &hash)?;
        session::delete_for_user(conn, u.id())?;
        audit::record(
            conn,
            &actor.event(
                crate::domain::AuditAction::PasswordReset,
                "user",
                Some(u.id.0),
            ),
        )?;
        Ok(pw.clone())
    })
}

/// A user changes their own password, proving the current one.
pub fn change_own_password(
    conn: &mut DbConnection,
    u: &user::User,
    current: &str,
    new: &str,
) -> anyhow::Result<()> {
    if !password::verify(current, &u.password_hash) {
        anyhow::bail!("現在のパスワードが違います");
    }
    password::check_strength(new, &u.login).map_err(anyhow::Error::msg)?;
    let hash = password::hash(new)?;
    crate::db::transaction(conn, |conn| {
        user::set_password(conn, u.id(), &hash)?;
        audit::record(
            conn,
            &Actor::of(u).event(
                crate::domain::AuditAction::PasswordChange,
                "user",
                Some(u.id.0),
            ),
        )?;
        Ok(())
    })
}

pub fn set_role(
    conn: &mut DbConnection,
    actor: &Actor,
    login: &str,
    role: Role,
    can_view_personal: bool,
) -> anyhow::Result<()> {
    crate::db::transaction(conn, |conn| {
        let u = find_user(conn, login)?;
        user::set_role(conn, u.id(), role, can_view_personal)?;
        let mut e = actor.event(crate::domain::AuditAction::UserRole, "user", Some(u.id.0));
        e.before = Some(json!({"role": u.role, "can_view_personal": u.can_view_personal}));
        e.after = Some(json!({"role": role.code(), "can_view_personal": can_view_personal}));
        audit::record(conn, &e)?;
        Ok(())
    })
}

/// Makes a user a member of a consultation (None: removes the membership).
pub fn set_membership(
    conn: &mut DbConnection,
    actor: &Actor,
    login: &str,
    consultation: ConsultationId,
    role: Option<Role>,
) -> anyhow::Result<()> {
    crate::db::transaction(conn, |conn| {
        let u = find_user(conn, login)?;
        let before = membership::role_in(conn, u.id(), consultation)?;
        match role {
            Some(r) => membership::set(conn, u.id(), consultation, r)?,
            None => {
                membership::remove(conn, u.id(), consultation)?;
            }
        }
        let mut e = actor.event(crate::domain::AuditAction::Membership, "user", Some(u.id.0));
        e.consultation = Some(consultation);
        e.before = Some(json!({"role": before.map(Role::code)}));
        e.after = Some(json!({"role": role.map(Role::code)}));
        audit::record(conn, &e)?;
        Ok(())
    })
}

/// Creates an API token for a user, scoped to `role` (not above the user's own role).
/// Returns the token's id and its secret, shown once.
pub fn create_token(
    conn: &mut DbConnection,
    actor: &Actor,
    login: &str,
    name: &str,
    role: Role,
) -> anyhow::Result<(i64, String)> {
    crate::db::transaction(conn, |conn| {
        let u = find_user(conn, login)?;
        if role > u.role() {
            anyhow::bail!(
                "トークンの役割（{}）をユーザーの役割（{}）より上にはできません",
                role.code(),
                u.role
            );
        }
        let secret = format!("pc_{}", token::new_token());
        let id = api_token::insert(conn, u.id(), name, &token::hash(&secret), role)?;
        let mut e = actor.event(
            crate::domain::AuditAction::TokenCreate,
            "api_token",
            Some(id),
        );
        e.after = Some(json!({"user": login, "name": name, "role": role.code()}));
        audit::record(conn, &e)?;
        Ok((id, secret))
    })
}

pub fn revoke_token(conn: &mut DbConnection, actor: &Actor, id: i64) -> anyhow::Result<()> {
    crate::db::transaction(conn, |conn| {
        if api_token::revoke(conn, id)? == 0 {
            anyhow::bail!("トークン {id} はないか、既に無効です");
        }
        audit::record(
            conn,
            &actor.event(
                crate::domain::AuditAction::TokenRevoke,
                "api_token",
                Some(id),
            ),
        )?;
        Ok(())
    })
}
