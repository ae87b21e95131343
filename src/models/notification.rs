//! Work to tell a user about in their next digest: a comment assigned, an answer returned.

use super::{Conn, QueryResult};
use crate::db::{now, schema::notifications};
use crate::domain::{CommentId, ConsultationId, NotificationKind, UserId};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: i64,
    pub user_id: crate::domain::UserId,
    pub consultation_id: crate::domain::ConsultationId,
    pub comment_id: crate::domain::CommentId,
    pub kind: crate::domain::NotificationKind,
    pub note: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub mailed_at: Option<chrono::NaiveDateTime>,
}

pub fn add(
    conn: &mut Conn,
    user: UserId,
    consultation: ConsultationId,
    comment: CommentId,
    kind: NotificationKind,
    note: Option<&str>,
) -> QueryResult<usize> {
    diesel::insert_into(notifications::table)
        .values((
            notifications::user_id.eq(user.0),
            notifications::consultation_id.eq(consultation.0),
            notifications::comment_id.eq(comment.0),
            notifications::kind.eq(kind),
            notifications::note.eq(note),
            notifications::created_at.eq(now()),
        ))
        .execute(conn)
}

/// Not yet mailed, oldest first.
pub fn pending(conn: &mut Conn) -> QueryResult<Vec<Notification>> {
    notifications::table
        .filter(notifications::mailed_at.is_null())
        .order(notifications::id)
        .select(Notification::as_select())
        .load(conn)
}

pub fn mark_mailed(conn: &mut Conn, ids: &[i64]) -> QueryResult<usize> {
    let at = now();
    crate::db::count_in_chunks(ids, |chunk| {
        diesel::update(notifications::table.filter(notifications::id.eq_any(chunk)))
            .set(notifications::mailed_at.eq(at))
            .execute(conn)
            .map(|n| n as i64)
    })
    .map(|n| n as usize)
}
