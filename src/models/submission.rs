use super::{Conn, QueryResult};
use crate::db::{now, schema::submissions};
use crate::domain::{ConsultationId, SubmissionId, SubmitterId};
use diesel::prelude::*;

pub struct NewSubmission<'a> {
    pub consultation: ConsultationId,
    pub submitter: Option<SubmitterId>,
    pub import_batch_id: Option<i64>,
    pub source_row: Option<i32>,
    pub channel: &'a str,
    pub body: &'a str,
}

pub fn insert(conn: &mut Conn, s: &NewSubmission) -> QueryResult<SubmissionId> {
    diesel::insert_into(submissions::table)
        .values((
            submissions::consultation_id.eq(s.consultation.0),
            submissions::submitter_id.eq(s.submitter.map(|id| id.0)),
            submissions::import_batch_id.eq(s.import_batch_id),
            submissions::source_row.eq(s.source_row),
            submissions::channel.eq(s.channel),
            submissions::body.eq(s.body),
            submissions::created_at.eq(now()),
        ))
        .returning(submissions::id)
        .get_result::<i64>(conn)
        .map(SubmissionId)
}
