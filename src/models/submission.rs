use super::{Conn, QueryResult};
use crate::db::{schema::submissions, stamp::Stamp};
use crate::domain::{ConsultationId, SubmissionId, SubmitterId};
use diesel::prelude::*;

pub struct NewSubmission<'a> {
    pub consultation: ConsultationId,
    pub submitter: Option<SubmitterId>,
    pub import_batch_id: Option<i64>,
    pub source_row: Option<i32>,
    pub channel: &'a str,
    /// The text as received, where it differs from the submission's comment (None: the same,
    /// as for every imported row; see migrations/…_submission_text_once).
    pub body: Option<&'a str>,
}

pub fn insert(conn: &mut Conn, s: &NewSubmission) -> QueryResult<SubmissionId> {
    let ids = insert_many(conn, std::slice::from_ref(s))?;
    Ok(ids[0].1)
}

/// Inserts many submissions in multi-row statements. Returns each one's `source_row` with its id:
/// the rows of one import have distinct source rows.
pub fn insert_many(
    conn: &mut Conn,
    rows: &[NewSubmission],
) -> QueryResult<Vec<(Option<i32>, SubmissionId)>> {
    let t = Stamp::now();
    let values: Vec<_> = rows
        .iter()
        .map(|s| {
            (
                submissions::consultation_id.eq(s.consultation.0),
                submissions::submitter_id.eq(s.submitter.map(|id| id.0)),
                submissions::import_batch_id.eq(s.import_batch_id),
                submissions::source_row.eq(s.source_row),
                submissions::channel.eq(s.channel.to_string()),
                submissions::body.eq(s.body.map(str::to_string)),
                submissions::created_at.eq(t.clone()),
            )
        })
        .collect();
    let ids: Vec<Vec<(Option<i32>, i64)>> =
        crate::insert_in_batches!(conn, &values, |batch, c| {
            diesel::insert_into(submissions::table)
                .values(batch)
                .returning((submissions::source_row, submissions::id))
                .get_results(c)
        })?;
    Ok(ids
        .into_iter()
        .flatten()
        .map(|(row, id)| (row, SubmissionId(id)))
        .collect())
}
