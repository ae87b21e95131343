//! Redactions of personal information in comment text, applied only to published output.

use super::{Conn, QueryResult};
use crate::db::{
    now,
    schema::{comments, redactions},
};
use crate::domain::{CommentId, ConsultationId, UserId};
use diesel::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = redactions)]
pub struct Redaction {
    pub id: i64,
    pub comment_id: crate::domain::CommentId,
    pub original: String,
    pub replacement: String,
    pub reason: String,
    pub created_by: Option<crate::domain::UserId>,
    pub created_at: chrono::NaiveDateTime,
}

pub fn add(
    conn: &mut Conn,
    comment: CommentId,
    original: &str,
    replacement: &str,
    reason: &str,
    by: Option<UserId>,
) -> QueryResult<i64> {
    diesel::insert_into(redactions::table)
        .values((
            redactions::comment_id.eq(comment.0),
            redactions::original.eq(original),
            redactions::replacement.eq(replacement),
            redactions::reason.eq(reason),
            redactions::created_by.eq(by.map(|u| u.0)),
            redactions::created_at.eq(now()),
        ))
        .returning(redactions::id)
        .get_result(conn)
}

/// Redactions per comment id.
pub fn by_comment(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<HashMap<i64, Vec<Redaction>>> {
    let rows: Vec<Redaction> = redactions::table
        .inner_join(comments::table)
        .filter(comments::consultation_id.eq(consultation.0))
        .order(redactions::id)
        .select(Redaction::as_select())
        .load(conn)?;
    let mut map: HashMap<i64, Vec<Redaction>> = HashMap::new();
    for r in rows {
        map.entry(r.comment_id.0).or_default().push(r);
    }
    Ok(map)
}

/// The text with every redaction applied.
pub fn apply(text: &str, list: &[Redaction]) -> String {
    list.iter().fold(text.to_string(), |t, r| {
        t.replace(&r.original, &r.replacement)
    })
}
