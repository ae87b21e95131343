//! API tokens: stored as hashes, revocable, each scoped to a role.

use super::{Conn, QueryResult};
use crate::auth::roles::Role;
use crate::db::{now, schema::api_tokens};
use crate::domain::UserId;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: crate::domain::UserId,
    pub name: String,
    pub token_hash: String,
    pub role: crate::auth::roles::Role,
    pub created_at: chrono::NaiveDateTime,
    pub last_used_at: Option<chrono::NaiveDateTime>,
    pub revoked_at: Option<chrono::NaiveDateTime>,
}

impl ApiToken {
    pub fn role(&self) -> Role {
        self.role
    }
}

pub fn insert(
    conn: &mut Conn,
    user: UserId,
    name: &str,
    token_hash: &str,
    role: Role,
) -> QueryResult<i64> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user.0),
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::role.eq(role.code()),
            api_tokens::created_at.eq(now()),
        ))
        .returning(api_tokens::id)
        .get_result(conn)
}

/// A token that has not been revoked.
pub fn find_live(conn: &mut Conn, token_hash: &str) -> QueryResult<Option<ApiToken>> {
    api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .select(ApiToken::as_select())
        .first(conn)
        .optional()
}

pub fn mark_used(conn: &mut Conn, id: i64) -> QueryResult<usize> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used_at.eq(now()))
        .execute(conn)
}

pub fn revoke(conn: &mut Conn, id: i64) -> QueryResult<usize> {
    diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now()))
    .execute(conn)
}

pub fn find(conn: &mut Conn, id: i64) -> QueryResult<Option<ApiToken>> {
    api_tokens::table
        .find(id)
        .select(ApiToken::as_select())
        .first(conn)
        .optional()
}

pub fn all(conn: &mut Conn, user: Option<UserId>) -> QueryResult<Vec<ApiToken>> {
    let mut q = api_tokens::table
        .order(api_tokens::id)
        .select(ApiToken::as_select())
        .into_boxed();
    if let Some(u) = user {
        q = q.filter(api_tokens::user_id.eq(u.0));
    }
    q.load(conn)
}
