use super::{Conn, QueryResult};
use crate::db::schema::comment_clause_refs;
use crate::domain::CommentId;
use crate::intake::clause_ref::ClauseRef;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = comment_clause_refs)]
pub struct StoredClauseRef {
    pub id: i64,
    pub comment_id: crate::domain::CommentId,
    pub source: String,
    pub raw: String,
    pub clause_path: Option<String>,
    pub detail: Option<String>,
    pub page_from: Option<i32>,
    pub page_to: Option<i32>,
    pub clause_id: Option<crate::domain::ClauseId>,
}

pub fn insert(
    conn: &mut Conn,
    comment: CommentId,
    source: &str,
    r: &ClauseRef,
) -> QueryResult<usize> {
    diesel::insert_into(comment_clause_refs::table)
        .values((
            comment_clause_refs::comment_id.eq(comment.0),
            comment_clause_refs::source.eq(source),
            comment_clause_refs::raw.eq(&r.raw),
            comment_clause_refs::clause_path.eq(&r.path),
            comment_clause_refs::detail.eq(&r.detail),
            comment_clause_refs::page_from.eq(r.pages.map(|p| p.0 as i32)),
            comment_clause_refs::page_to.eq(r.pages.map(|p| p.1 as i32)),
        ))
        .execute(conn)
}

/// Inserts many references in multi-row statements: (comment, where found, reference).
pub fn insert_many(
    conn: &mut Conn,
    rows: Vec<(CommentId, &'static str, ClauseRef)>,
) -> QueryResult<usize> {
    let values: Vec<_> = rows
        .into_iter()
        .map(|(comment, source, r)| {
            (
                comment_clause_refs::comment_id.eq(comment.0),
                comment_clause_refs::source.eq(source.to_string()),
                comment_clause_refs::raw.eq(r.raw),
                comment_clause_refs::clause_path.eq(r.path),
                comment_clause_refs::detail.eq(r.detail),
                comment_clause_refs::page_from.eq(r.pages.map(|p| p.0 as i32)),
                comment_clause_refs::page_to.eq(r.pages.map(|p| p.1 as i32)),
            )
        })
        .collect();
    let counts = crate::insert_in_batches!(conn, &values, |batch, c| {
        diesel::insert_into(comment_clause_refs::table)
            .values(batch)
            .execute(c)
    })?;
    Ok(counts.into_iter().sum())
}

pub fn for_comment(conn: &mut Conn, comment: CommentId) -> QueryResult<Vec<StoredClauseRef>> {
    comment_clause_refs::table
        .filter(comment_clause_refs::comment_id.eq(comment.0))
        .order(comment_clause_refs::id)
        .select(StoredClauseRef::as_select())
        .load(conn)
}
