//! 担当: which drafter answers a comment, and by when.

use super::{Conn, QueryResult};
use crate::db::{
    now,
    schema::{assignments, users},
};
use crate::domain::{CommentId, UserId};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assignments)]
pub struct Assignment {
    pub id: i64,
    pub comment_id: crate::domain::CommentId,
    pub drafter_id: crate::domain::UserId,
    pub assigned_by: Option<crate::domain::UserId>,
    pub due_on: Option<chrono::NaiveDate>,
    pub assigned_at: chrono::NaiveDateTime,
    pub reminded_on: Option<chrono::NaiveDate>,
}

/// Assigns (or reassigns) a comment; returns the previous assignment.
pub fn set(
    conn: &mut Conn,
    comment: CommentId,
    drafter: UserId,
    due_on: Option<chrono::NaiveDate>,
    by: Option<UserId>,
) -> QueryResult<Option<Assignment>> {
    let before = for_comment(conn, comment)?;
    diesel::delete(assignments::table.filter(assignments::comment_id.eq(comment.0)))
        .execute(conn)?;
    diesel::insert_into(assignments::table)
        .values((
            assignments::comment_id.eq(comment.0),
            assignments::drafter_id.eq(drafter.0),
            assignments::assigned_by.eq(by.map(|u| u.0)),
            assignments::due_on.eq(due_on),
            assignments::assigned_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(before)
}

pub fn for_comment(conn: &mut Conn, comment: CommentId) -> QueryResult<Option<Assignment>> {
    assignments::table
        .filter(assignments::comment_id.eq(comment.0))
        .select(Assignment::as_select())
        .first(conn)
        .optional()
}

/// The assigned drafter's (login, name, e-mail).
pub fn drafter_of(
    conn: &mut Conn,
    comment: CommentId,
) -> QueryResult<Option<(String, String, String)>> {
    assignments::table
        .inner_join(users::table.on(users::id.eq(assignments::drafter_id)))
        .filter(assignments::comment_id.eq(comment.0))
        .select((users::login, users::display_name, users::email))
        .first(conn)
        .optional()
}

/// The drafter's name and the due date of each of these comments that is assigned.
pub fn for_comments(
    conn: &mut Conn,
    comments: &[CommentId],
) -> QueryResult<std::collections::HashMap<CommentId, (String, Option<chrono::NaiveDate>)>> {
    let rows: Vec<Vec<(i64, String, Option<chrono::NaiveDate>)>> =
        crate::db::in_chunks(comments, |chunk| {
            assignments::table
                .inner_join(users::table.on(users::id.eq(assignments::drafter_id)))
                .filter(assignments::comment_id.eq_any(chunk))
                .select((
                    assignments::comment_id,
                    users::display_name,
                    assignments::due_on,
                ))
                .load(conn)
        })?;
    Ok(rows
        .into_iter()
        .flatten()
        .map(|(c, name, due)| (CommentId(c), (name, due)))
        .collect())
}
