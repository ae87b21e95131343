use super::{Conn, QueryResult};
use crate::db::{now, schema::*};
use crate::domain::{CommentId, ConsultationId};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = revisions)]
pub struct Revision {
    pub id: i64,
    pub consultation_id: i64,
    pub clause_id: Option<i64>,
    pub clause_label: String,
    pub original_text: String,
    pub revised_text: String,
    pub reason: String,
    pub state: String,
    pub version: i32,
    pub updated_by: Option<i64>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

pub struct NewRevision<'a> {
    pub consultation: ConsultationId,
    pub clause_label: &'a str,
    pub original_text: &'a str,
    pub revised_text: &'a str,
    pub reason: &'a str,
    pub state: &'a str,
}

/// Inserts a revision answering the given comments.
pub fn insert(conn: &mut Conn, r: &NewRevision, answers: &[CommentId]) -> QueryResult<i64> {
    let t = now();
    let id: i64 = diesel::insert_into(revisions::table)
        .values((
            revisions::consultation_id.eq(r.consultation.0),
            revisions::clause_label.eq(r.clause_label),
            revisions::original_text.eq(r.original_text),
            revisions::revised_text.eq(r.revised_text),
            revisions::reason.eq(r.reason),
            revisions::state.eq(r.state),
            revisions::version.eq(1),
            revisions::created_at.eq(t),
            revisions::updated_at.eq(t),
        ))
        .returning(revisions::id)
        .get_result(conn)?;
    for c in answers {
        diesel::insert_into(revision_comments::table)
            .values((
                revision_comments::revision_id.eq(id),
                revision_comments::comment_id.eq(c.0),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

/// Every revision linked to a comment of the consultation, as (comment id, revision).
pub fn by_comment(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<Vec<(i64, Revision)>> {
    revision_comments::table
        .inner_join(revisions::table)
        .filter(revisions::consultation_id.eq(consultation.0))
        .order((revision_comments::comment_id, revisions::id))
        .select((revision_comments::comment_id, Revision::as_select()))
        .load(conn)
}
