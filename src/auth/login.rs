//! Login: password check with slow-down after failures and a temporary lock-out.

use super::password;
use crate::models::user::{self, User};
use crate::models::Conn;
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

/// Checks a login and password and records the result on the user.
pub fn attempt(
    conn: &mut Conn,
    login: &str,
    pw: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<Outcome> {
    let Some(u) = user::find_by_login(conn, login)? else {
        // Same work as a real check, so timing does not reveal which logins exist.
        password::verify(pw, "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aW52YWxpZGludmFsaWRpbnZhbGlkaW52YWxpZGk");
        return Ok(Outcome::Refused { failures: 0 });
    };
    if u.disabled {
        return Ok(Outcome::Disabled);
    }
    if let Some(until) = u.locked_until.filter(|t| *t > now) {
        return Ok(Outcome::Locked { until });
    }
    if password::verify(pw, &u.password_hash) {
        user::record_login_success(conn, u.id)?;
        return Ok(Outcome::Success(Box::new(u)));
    }
    let failures = u.failed_logins + 1;
    let locked_until = (failures >= MAX_FAILURES).then(|| now + Duration::minutes(LOCK_MINUTES));
    user::record_login_failure(conn, u.id, failures, locked_until)?;
    Ok(match locked_until {
        Some(until) => Outcome::Locked { until },
        None => Outcome::Refused { failures },
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
