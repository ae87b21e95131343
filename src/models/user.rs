use super::{Conn, QueryResult};
use crate::auth::roles::Role;
use crate::db::{now, schema::users};
use crate::domain::UserId;
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: crate::domain::UserId,
    pub login: String,
    pub display_name: String,
    pub email: String,
    pub password_hash: String,
    pub role: crate::auth::roles::Role,
    pub can_view_personal: bool,
    pub disabled: bool,
    pub failed_logins: i32,
    pub locked_until: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl User {
    pub fn id(&self) -> UserId {
        self.id
    }

    pub fn role(&self) -> Role {
        self.role
    }
}

pub struct NewUser<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub can_view_personal: bool,
}

/// A login is what people type: letters, digits, `.`, `_`, `-`, `@`.
pub fn validate_login(login: &str) -> Result<(), String> {
    let ok = (2..=64).contains(&login.len())
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    ok.then_some(()).ok_or_else(|| {
        format!("ログイン名「{login}」には英数字と . _ - @ だけを使ってください（2〜64文字）")
    })
}

pub fn insert(conn: &mut Conn, u: &NewUser) -> QueryResult<UserId> {
    let t = now();
    diesel::insert_into(users::table)
        .values((
            users::login.eq(u.login),
            users::display_name.eq(u.display_name),
            users::email.eq(u.email),
            users::password_hash.eq(u.password_hash),
            users::role.eq(u.role.code()),
            users::can_view_personal.eq(u.can_view_personal),
            users::disabled.eq(false),
            users::failed_logins.eq(0),
            users::created_at.eq(t),
            users::updated_at.eq(t),
        ))
        .returning(users::id)
        .get_result::<i64>(conn)
        .map(UserId)
}

pub fn find(conn: &mut Conn, id: UserId) -> QueryResult<Option<User>> {
    users::table
        .find(id.0)
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_login(conn: &mut Conn, login: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::login.eq(login))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn all(conn: &mut Conn) -> QueryResult<Vec<User>> {
    users::table
        .order(users::login)
        .select(User::as_select())
        .load(conn)
}

pub fn count(conn: &mut Conn) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

pub fn record_login_success(conn: &mut Conn, id: crate::domain::UserId) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)
}

/// Whether a password may be checked now, and how many checks (this one included) have
/// failed or are under way since the last success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    Granted { checks: i32 },
    Locked { until: chrono::NaiveDateTime },
}

/// Counts one password check against the user, unless the account is locked; the check that
/// reaches `max` locks the account for `lock`. Run inside a transaction: the first statement
/// writes, so concurrent reservations queue for the row (PostgreSQL) or the database (SQLite).
pub fn reserve_login_check(
    conn: &mut Conn,
    id: crate::domain::UserId,
    at: chrono::NaiveDateTime,
    max: i32,
    lock: chrono::Duration,
) -> QueryResult<Reservation> {
    // A lock that has run out starts the count again.
    diesel::update(users::table.find(id).filter(users::locked_until.le(at)))
        .set((
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)?;
    let counted: Option<i32> =
        diesel::update(users::table.find(id).filter(users::locked_until.is_null()))
            .set(users::failed_logins.eq(users::failed_logins + 1))
            .returning(users::failed_logins)
            .get_result(conn)
            .optional()?;
    let Some(checks) = counted else {
        let until: Option<chrono::NaiveDateTime> = users::table
            .find(id)
            .select(users::locked_until)
            .first(conn)?;
        return Ok(Reservation::Locked {
            until: until.unwrap_or(at + lock),
        });
    };
    if checks >= max {
        diesel::update(users::table.find(id))
            .set(users::locked_until.eq(Some(at + lock)))
            .execute(conn)?;
    }
    Ok(Reservation::Granted { checks })
}

pub fn record_login_failure(
    conn: &mut Conn,
    id: crate::domain::UserId,
    failures: i32,
    locked_until: Option<chrono::NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::failed_logins.eq(failures),
            users::locked_until.eq(locked_until),
        ))
        .execute(conn)
}

pub fn set_password(conn: &mut Conn, id: UserId, hash: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id.0))
        .set((
            users::password_hash.eq(hash),
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<chrono::NaiveDateTime>),
            users::updated_at.eq(now()),
        ))
        .execute(conn)
}

pub fn set_disabled(conn: &mut Conn, id: UserId, disabled: bool) -> QueryResult<usize> {
    diesel::update(users::table.find(id.0))
        .set((users::disabled.eq(disabled), users::updated_at.eq(now())))
        .execute(conn)
}

pub fn set_role(
    conn: &mut Conn,
    id: UserId,
    role: Role,
    can_view_personal: bool,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id.0))
        .set((
            users::role.eq(role.code()),
            users::can_view_personal.eq(can_view_personal),
            users::updated_at.eq(now()),
        ))
        .execute(conn)
}

/// Every user's display name, by id (for histories).
pub fn names(
    conn: &mut Conn,
) -> QueryResult<std::collections::HashMap<crate::domain::UserId, String>> {
    Ok(users::table
        .select((users::id, users::display_name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, name)| (crate::domain::UserId(id), name))
        .collect())
}
