//! 同旨の意見: comments that say the same thing and are answered once.

use super::{Conn, QueryResult};
use crate::db::{
    now,
    schema::{comments, duplicate_groups},
};
use crate::domain::{CommentId, ConsultationId, GroupStatus};
use diesel::prelude::*;

/// Creates a group of the given comments (the first represents it).
pub fn create(
    conn: &mut Conn,
    consultation: ConsultationId,
    members: &[CommentId],
    status: GroupStatus,
    method: &str,
) -> QueryResult<i64> {
    let t = now();
    let id: i64 = diesel::insert_into(duplicate_groups::table)
        .values((
            duplicate_groups::consultation_id.eq(consultation.0),
            duplicate_groups::representative_comment_id.eq(members.first().map(|c| c.0)),
            duplicate_groups::status.eq(status.code()),
            duplicate_groups::method.eq(method),
            duplicate_groups::created_at.eq(t),
            duplicate_groups::updated_at.eq(t),
        ))
        .returning(duplicate_groups::id)
        .get_result(conn)?;
    let ids: Vec<i64> = members.iter().map(|c| c.0).collect();
    diesel::update(comments::table.filter(comments::id.eq_any(ids)))
        .set(comments::duplicate_group_id.eq(id))
        .execute(conn)?;
    Ok(id)
}

/// The other members of a confirmed group the comment belongs to (empty when none).
pub fn confirmed_siblings(conn: &mut Conn, comment: CommentId) -> QueryResult<Vec<CommentId>> {
    let group: Option<Option<i64>> = comments::table
        .find(comment.0)
        .select(comments::duplicate_group_id)
        .first(conn)
        .optional()?;
    let Some(Some(group)) = group else {
        return Ok(vec![]);
    };
    let status: String = duplicate_groups::table
        .find(group)
        .select(duplicate_groups::status)
        .first(conn)?;
    if status != GroupStatus::Confirmed.code() {
        return Ok(vec![]);
    }
    comments::table
        .filter(comments::duplicate_group_id.eq(group))
        .filter(comments::id.ne(comment.0))
        .order((comments::number, comments::part))
        .select(comments::id)
        .load::<i64>(conn)
        .map(|v| v.into_iter().map(CommentId).collect())
}
