//! Server-side login sessions. The cookie holds the token; this table holds its hash.

use super::{Conn, QueryResult};
use crate::db::{now, schema::sessions};
use crate::domain::UserId;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// Logged out after this long without a request.
pub const IDLE_MINUTES: i64 = 120;
/// Logged out this long after login, whatever happens.
pub const ABSOLUTE_HOURS: i64 = 12;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: i64,
    pub token_hash: String,
    pub user_id: crate::domain::UserId,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

impl Session {
    pub fn is_live(&self, at: NaiveDateTime) -> bool {
        at < self.expires_at && at < self.last_seen_at + Duration::minutes(IDLE_MINUTES)
    }
}

pub fn create(
    conn: &mut Conn,
    user: UserId,
    token_hash: &str,
    csrf_token: &str,
) -> QueryResult<i64> {
    let t = now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::user_id.eq(user.0),
            sessions::csrf_token.eq(csrf_token),
            sessions::created_at.eq(t),
            sessions::last_seen_at.eq(t),
            sessions::expires_at.eq(t + Duration::hours(ABSOLUTE_HOURS)),
        ))
        .returning(sessions::id)
        .get_result(conn)
}

pub fn find_by_token_hash(conn: &mut Conn, token_hash: &str) -> QueryResult<Option<Session>> {
    sessions::table
        .filter(sessions::token_hash.eq(token_hash))
        .select(Session::as_select())
        .first(conn)
        .optional()
}

/// Marks activity, at most once a minute to spare the database.
pub fn touch(conn: &mut Conn, s: &Session, at: NaiveDateTime) -> QueryResult<()> {
    if at - s.last_seen_at > Duration::minutes(1) {
        diesel::update(sessions::table.find(s.id))
            .set(sessions::last_seen_at.eq(at))
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete(conn: &mut Conn, id: i64) -> QueryResult<usize> {
    diesel::delete(sessions::table.find(id)).execute(conn)
}

/// Ends every session of a user (password reset, disabling).
pub fn delete_for_user(conn: &mut Conn, user: UserId) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user.0))).execute(conn)
}

pub fn delete_expired(conn: &mut Conn, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        sessions::table.filter(
            sessions::expires_at
                .le(at)
                .or(sessions::last_seen_at.le(at - Duration::minutes(IDLE_MINUTES))),
        ),
    )
    .execute(conn)
}
