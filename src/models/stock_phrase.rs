//! 定型文 added for one consultation (the shared ones live in templates/stock_phrases.toml).

use super::{Conn, QueryResult};
use crate::db::schema::stock_phrases;
use crate::domain::{ConsultationId, Disposition};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = stock_phrases)]
pub struct StoredPhrase {
    pub id: i64,
    pub consultation_id: Option<crate::domain::ConsultationId>,
    pub disposition: crate::domain::Disposition,
    pub body: String,
    pub position: i32,
}

pub fn for_consultation(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<Vec<StoredPhrase>> {
    stock_phrases::table
        .filter(stock_phrases::consultation_id.eq(consultation.0))
        .order((stock_phrases::position, stock_phrases::id))
        .select(StoredPhrase::as_select())
        .load(conn)
}

pub fn insert(
    conn: &mut Conn,
    consultation: ConsultationId,
    disposition: Disposition,
    body: &str,
) -> QueryResult<i64> {
    let position = stock_phrases::table
        .filter(stock_phrases::consultation_id.eq(consultation.0))
        .count()
        .get_result::<i64>(conn)? as i32;
    diesel::insert_into(stock_phrases::table)
        .values((
            stock_phrases::consultation_id.eq(consultation.0),
            stock_phrases::disposition.eq(disposition.code()),
            stock_phrases::body.eq(body),
            stock_phrases::position.eq(position),
        ))
        .returning(stock_phrases::id)
        .get_result(conn)
}

pub fn delete(conn: &mut Conn, consultation: ConsultationId, id: i64) -> QueryResult<usize> {
    diesel::delete(
        stock_phrases::table
            .find(id)
            .filter(stock_phrases::consultation_id.eq(consultation.0)),
    )
    .execute(conn)
}
