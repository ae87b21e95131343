use super::{Conn, QueryResult};
use crate::db::{now, schema::responses, stamp::Stamp};
use crate::domain::{CommentId, Disposition, ResponseState};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = responses)]
pub struct Response {
    pub id: crate::domain::ResponseId,
    pub comment_id: crate::domain::CommentId,
    pub disposition: Disposition,
    pub body: String,
    pub state: ResponseState,
    pub version: i32,
    pub reviewer_remark: Option<String>,
    pub updated_by: Option<crate::domain::UserId>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

pub fn insert(
    conn: &mut Conn,
    comment: CommentId,
    disposition: Disposition,
    body: &str,
    state: ResponseState,
    user: Option<crate::domain::UserId>,
) -> QueryResult<i64> {
    let t = now();
    diesel::insert_into(responses::table)
        .values((
            responses::comment_id.eq(comment.0),
            responses::disposition.eq(disposition.code()),
            responses::body.eq(body),
            responses::state.eq(state.code()),
            responses::version.eq(1),
            responses::updated_by.eq(user.map(|u| u.0)),
            responses::created_at.eq(t),
            responses::updated_at.eq(t),
        ))
        .returning(responses::id)
        .get_result(conn)
}

/// Inserts many first versions of answers, all in `state`, in one statement.
pub fn insert_many(
    conn: &mut Conn,
    rows: &[(CommentId, Disposition, &str)],
    state: ResponseState,
) -> QueryResult<usize> {
    let t = Stamp::now();
    let values: Vec<_> = rows
        .iter()
        .map(|(comment, disposition, body)| {
            (
                responses::comment_id.eq(comment.0),
                responses::disposition.eq(disposition.code()),
                responses::body.eq(body.to_string()),
                responses::state.eq(state.code()),
                responses::version.eq(1),
                responses::created_at.eq(t.clone()),
                responses::updated_at.eq(t.clone()),
            )
        })
        .collect();
    let counts = crate::insert_in_batches!(conn, &values, |batch, c| {
        diesel::insert_into(responses::table)
            .values(batch)
            .execute(c)
    })?;
    Ok(counts.into_iter().sum())
}

pub fn for_comment(conn: &mut Conn, comment: CommentId) -> QueryResult<Option<Response>> {
    responses::table
        .filter(responses::comment_id.eq(comment.0))
        .select(Response::as_select())
        .first(conn)
        .optional()
}

/// Writes new text if the stored version is still `expected`; false when someone else
/// saved in between (nothing is written then).
pub fn update_if_version(
    conn: &mut Conn,
    id: crate::domain::ResponseId,
    expected: i32,
    disposition: Disposition,
    body: &str,
    state: ResponseState,
    user: Option<crate::domain::UserId>,
) -> QueryResult<bool> {
    let n = diesel::update(
        responses::table
            .find(id)
            .filter(responses::version.eq(expected)),
    )
    .set((
        responses::disposition.eq(disposition.code()),
        responses::body.eq(body),
        responses::state.eq(state.code()),
        responses::version.eq(expected + 1),
        responses::updated_by.eq(user.map(|u| u.0)),
        responses::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Moves the review state if the stored version is still `expected`.
pub fn set_state_if_version(
    conn: &mut Conn,
    id: crate::domain::ResponseId,
    expected: i32,
    state: ResponseState,
    remark: Option<&str>,
    user: Option<crate::domain::UserId>,
) -> QueryResult<bool> {
    let n = diesel::update(
        responses::table
            .find(id)
            .filter(responses::version.eq(expected)),
    )
    .set((
        responses::state.eq(state.code()),
        responses::reviewer_remark.eq(remark),
        responses::version.eq(expected + 1),
        responses::updated_by.eq(user.map(|u| u.0)),
        responses::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

impl Response {
    pub fn state(&self) -> ResponseState {
        self.state
    }

    pub fn disposition(&self) -> Disposition {
        self.disposition
    }

    /// What the audit log keeps of an answer.
    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "disposition": self.disposition, "body": self.body, "state": self.state,
            "version": self.version, "remark": self.reviewer_remark,
        })
    }
}
