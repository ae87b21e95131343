//! Login: password check with slow-down after failures and a temporary lock-out.

use super::accounts::Actor;
use super::{password, token};
use crate::db::DbConnection;
use crate::models::user::{self, User};
use crate::models::{audit, session};
use chrono::{Duration, NaiveDateTime};

/// Consecutive failures that lock an account.
pub const MAX_FAILURES: i32 = 5;
pub const LOCK_MINUTES: i64 = 15;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Success(Box<User>),
    /// Wrong login or password (not said which). `failures` so far for a known user.
    Refused {
        failures: i32,
    },
    /// Locked after too many failures, until the given time.
    Locked {
        until: NaiveDateTime,
    },
    Disabled,
}

/// How long to wait before answering after the n-th consecutive failure: 0.25 s doubling to 4 s.
pub fn delay_after(failures: i32) -> std::time::Duration {
    if failures <= 0 {
        return std::time::Duration::ZERO;
    }
    let ms = 250u64.saturating_mul(1 << (failures - 1).min(4));
    std::time::Duration::from_millis(ms.min(4000))
}

/// Checks a login and password and records the result on the user. A check is reserved
/// before the (slow) password is verified: one statement counts it against the user and
/// refuses it while the account is locked, so however many requests arrive at once, at
/// most `MAX_FAILURES` passwords are tried before the lock.
pub fn attempt(
    conn: &mut DbConnection,
    login: &str,
    pw: &str,
    now: NaiveDateTime,
) -> anyhow::Result<Outcome> {
    let Some(u) = user::find_by_login(conn, login)? else {
        // Same work as a real check, so timing does not reveal which logins exist.
        password::verify(pw, "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aW52YWxpZGludmFsaWRpbnZhbGlkaW52YWxpZGk");
        return Ok(Outcome::Refused { failures: 0 });
    };
    let reserved = crate::db::transaction(conn, |conn| {
        user::reserve_login_check(
            conn,
            u.id,
            now,
            MAX_FAILURES,
            Duration::minutes(LOCK_MINUTES),
        )
    })?;
    let checks = match reserved {
        user::Reservation::Locked { until } => return Ok(Outcome::Locked { until }),
        user::Reservation::Granted { checks } => checks,
    };
    if !password::verify(pw, &u.password_hash) {
        return Ok(if checks >= MAX_FAILURES {
            Outcome::Locked {
                until: now + Duration::minutes(LOCK_MINUTES),
            }
        } else {
            Outcome::Refused { failures: checks }
        });
    }
    if u.disabled {
        return Ok(Outcome::Disabled);
    }
    user::record_login_success(conn, u.id)?;
    Ok(Outcome::Success(Box::new(u)))
}

/// Signs in: the password check, then for a success a new session, each outcome with its
/// audit event. Returns the outcome and the new session's secret (for the cookie).
pub fn sign_in(
    conn: &mut DbConnection,
    login: &str,
    pw: &str,
    now: NaiveDateTime,
) -> anyhow::Result<(Outcome, Option<String>)> {
    let outcome = attempt(conn, login, pw, now)?;
    let secret = crate::db::transaction(conn, |conn| -> anyhow::Result<Option<String>> {
        let actor = Actor::system(&format!("login:{login}"));
        let (event, secret) = match &outcome {
            Outcome::Success(u) => {
                let secret = token::new_token();
                session::create(conn, u.id(), &token::hash(&secret), &token::new_token())?;
                let actor = Actor::of(u);
                audit::record(
                    conn,
                    &actor.event(
                        crate::domain::AuditAction::LoginSuccess,
                        "user",
                        Some(u.id.0),
                    ),
                )?;
                return Ok(Some(secret));
            }
            Outcome::Refused { failures } => {
                let mut e = actor.event(crate::domain::AuditAction::LoginFailure, "user", None);
                e.after = Some(serde_json::json!({"failures": failures}));
                (e, None)
            }
            Outcome::Locked { until } => {
                let mut e = actor.event(crate::domain::AuditAction::LoginLocked, "user", None);
                e.after = Some(serde_json::json!({"locked_until": until.to_string()}));
                (e, None)
            }
            Outcome::Disabled => (
                actor.event(crate::domain::AuditAction::LoginDisabled, "user", None),
                None,
            ),
        };
        audit::record(conn, &event)?;
        Ok(secret)
    })?;
    Ok((outcome, secret))
}

/// Signs out: the session ends, with its audit event.
pub fn sign_out(conn: &mut DbConnection, actor: &Actor, session_id: i64) -> anyhow::Result<()> {
    crate::db::transaction(conn, |conn| {
        session::delete(conn, session_id)?;
        audit::record(
            conn,
            &actor.event(
                crate::domain::AuditAction::Logout,
                "user",
                actor.user.map(|u| u.0),
            ),
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_and_is_capped() {
        assert_eq!(delay_after(0).as_millis(), 0);
        assert_eq!(delay_after(1).as_millis(), 250);
        assert_eq!(delay_after(3).as_millis(), 1000);
        assert_eq!(delay_after(9).as_millis(), 4000);
    }
}
