use super::{Conn, QueryResult};
use crate::db::{now, schema::import_batches};
use crate::domain::ConsultationId;
use diesel::prelude::*;

pub struct NewBatch<'a> {
    pub consultation: ConsultationId,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub format: &'a str,
    pub encoding: &'a str,
    pub profile: &'a str,
    pub rows_read: i32,
    pub imported_by: &'a str,
}

/// The earlier import of the same bytes into this consultation, if any: (id, when).
pub struct EarlierImport {
    pub id: i64,
    pub rows_read: i32,
}

pub fn find_same_file(
    conn: &mut Conn,
    consultation: ConsultationId,
    sha256: &str,
) -> QueryResult<Option<EarlierImport>> {
    import_batches::table
        .filter(import_batches::consultation_id.eq(consultation.0))
        .filter(import_batches::sha256.eq(sha256))
        .select((import_batches::id, import_batches::rows_read))
        .first::<(i64, i32)>(conn)
        .optional()
        .map(|found| found.map(|(id, rows_read)| EarlierImport { id, rows_read }))
}

pub fn insert(conn: &mut Conn, b: &NewBatch) -> QueryResult<i64> {
    diesel::insert_into(import_batches::table)
        .values((
            import_batches::consultation_id.eq(b.consultation.0),
            import_batches::file_name.eq(b.file_name),
            import_batches::sha256.eq(b.sha256),
            import_batches::format.eq(b.format),
            import_batches::encoding.eq(b.encoding),
            import_batches::profile.eq(b.profile),
            import_batches::rows_read.eq(b.rows_read),
            import_batches::comments_added.eq(0),
            import_batches::imported_by.eq(b.imported_by),
            import_batches::imported_at.eq(now()),
            import_batches::grouped.eq(false),
        ))
        .returning(import_batches::id)
        .get_result(conn)
}

pub fn set_counts(conn: &mut Conn, id: i64, rows_read: i32, added: i32) -> QueryResult<usize> {
    diesel::update(import_batches::table.find(id))
        .set((
            import_batches::rows_read.eq(rows_read),
            import_batches::comments_added.eq(added),
        ))
        .execute(conn)
}

/// Consultations with an import whose 同旨 proposals were not written yet (the import was
/// stopped after its commit), imported before `before`.
pub fn awaiting_grouping(
    conn: &mut Conn,
    before: chrono::NaiveDateTime,
) -> QueryResult<Vec<ConsultationId>> {
    import_batches::table
        .filter(import_batches::grouped.eq(false))
        .filter(import_batches::imported_at.lt(before))
        .select(import_batches::consultation_id)
        .distinct()
        .load::<i64>(conn)
        .map(|v| v.into_iter().map(ConsultationId).collect())
}

pub fn mark_grouped(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<usize> {
    diesel::update(
        import_batches::table
            .filter(import_batches::consultation_id.eq(consultation.0))
            .filter(import_batches::grouped.eq(false)),
    )
    .set(import_batches::grouped.eq(true))
    .execute(conn)
}
