use super::{Conn, QueryResult};
use crate::db::{now, schema::responses};
use crate::domain::{CommentId, Disposition, ResponseState};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = responses)]
pub struct Response {
    pub id: i64,
    pub comment_id: i64,
    pub disposition: String,
    pub body: String,
    pub state: String,
    pub version: i32,
    pub reviewer_remark: Option<String>,
    pub updated_by: Option<i64>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

pub fn insert(
    conn: &mut Conn,
    comment: CommentId,
    disposition: Disposition,
    body: &str,
    state: ResponseState,
) -> QueryResult<i64> {
    let t = now();
    diesel::insert_into(responses::table)
        .values((
            responses::comment_id.eq(comment.0),
            responses::disposition.eq(disposition.code()),
            responses::body.eq(body),
            responses::state.eq(state.code()),
            responses::version.eq(1),
            responses::created_at.eq(t),
            responses::updated_at.eq(t),
        ))
        .returning(responses::id)
        .get_result(conn)
}

pub fn for_comment(conn: &mut Conn, comment: CommentId) -> QueryResult<Option<Response>> {
    responses::table
        .filter(responses::comment_id.eq(comment.0))
        .select(Response::as_select())
        .first(conn)
        .optional()
}
