//! A comment: one point of a submission, with its No., text, place in the draft and tags.

use super::{Conn, QueryResult};
use crate::db::{schema::*, stamp::Stamp};
use crate::domain::{
    CategoryId, CommentId, CommentNo, ConsultationId, ResponseState, SubmissionId,
};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = comments)]
pub struct Comment {
    pub id: crate::domain::CommentId,
    pub consultation_id: crate::domain::ConsultationId,
    pub submission_id: crate::domain::SubmissionId,
    pub number: i32,
    pub part: i32,
    pub body: String,
    pub volume: Option<String>,
    pub chapter: Option<String>,
    pub page: Option<String>,
    pub category_id: Option<crate::domain::CategoryId>,
    pub clause_id: Option<crate::domain::ClauseId>,
    pub duplicate_group_id: Option<crate::domain::GroupId>,
    pub split_from_id: Option<crate::domain::CommentId>,
    pub match_key: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Comment {
    pub fn id(&self) -> CommentId {
        self.id
    }

    pub fn no(&self) -> CommentNo {
        CommentNo {
            number: self.number,
            part: self.part,
        }
    }
}

/// A comment to insert, owning its text: the statement takes it over without a copy.
pub struct NewComment {
    pub consultation: ConsultationId,
    pub submission: SubmissionId,
    pub no: CommentNo,
    pub body: String,
    pub volume: Option<String>,
    pub chapter: Option<String>,
    pub page: Option<String>,
    pub category: Option<CategoryId>,
    /// `text::match_key(body)`, computed once by the caller.
    pub match_key: String,
}

/// Inserts many comments in multi-row statements; returns each one's No. with its id.
pub fn insert_many(
    conn: &mut Conn,
    rows: Vec<NewComment>,
) -> QueryResult<Vec<(CommentNo, CommentId)>> {
    let t = Stamp::now();
    // Owned values: diesel reuses the prepared statement only for rows that own their data.
    let values: Vec<_> = rows
        .into_iter()
        .map(|c| {
            (
                comments::consultation_id.eq(c.consultation.0),
                comments::submission_id.eq(c.submission.0),
                comments::number.eq(c.no.number),
                comments::part.eq(c.no.part),
                comments::body.eq(c.body),
                comments::volume.eq(c.volume),
                comments::chapter.eq(c.chapter),
                comments::page.eq(c.page),
                comments::category_id.eq(c.category.map(|id| id.0)),
                comments::match_key.eq(c.match_key),
                comments::created_at.eq(t.clone()),
                comments::updated_at.eq(t.clone()),
            )
        })
        .collect();
    let ids: Vec<Vec<(i32, i32, i64)>> = crate::insert_in_batches!(conn, &values, |batch, c| {
        diesel::insert_into(comments::table)
            .values(batch)
            .returning((comments::number, comments::part, comments::id))
            .get_results(c)
    })?;
    Ok(ids
        .into_iter()
        .flatten()
        .map(|(number, part, id)| (CommentNo { number, part }, CommentId(id)))
        .collect())
}

pub fn find_by_no(
    conn: &mut Conn,
    consultation: ConsultationId,
    no: CommentNo,
) -> QueryResult<Option<Comment>> {
    comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .filter(comments::number.eq(no.number))
        .filter(comments::part.eq(no.part))
        .select(Comment::as_select())
        .first(conn)
        .optional()
}

pub fn count(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<i64> {
    comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .count()
        .get_result(conn)
}

pub fn max_number(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<i32> {
    comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .select(diesel::dsl::max(comments::number))
        .first::<Option<i32>>(conn)
        .map(|m| m.unwrap_or(0))
}

/// What an export needs of every comment before reading texts: its place and state.
#[derive(Debug, Clone, Queryable)]
pub struct Outline {
    pub id: crate::domain::CommentId,
    pub number: i32,
    pub part: i32,
    pub clause_id: Option<crate::domain::ClauseId>,
    pub duplicate_group_id: Option<crate::domain::GroupId>,
    /// The answer's review state, if answered.
    pub answer_state: Option<ResponseState>,
}

impl Outline {
    pub fn no(&self) -> CommentNo {
        CommentNo {
            number: self.number,
            part: self.part,
        }
    }
}

/// Every comment of a consultation in No. order, without texts.
pub fn outlines(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<Vec<Outline>> {
    comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .order((comments::number, comments::part))
        .select((
            comments::id,
            comments::number,
            comments::part,
            comments::clause_id,
            comments::duplicate_group_id,
            diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Text>>(
                "comments.answer_state",
            ),
        ))
        .load(conn)
}

/// The comments split from or sent in the same submission, in No. order.
pub fn of_submission(conn: &mut Conn, submission: SubmissionId) -> QueryResult<Vec<Comment>> {
    comments::table
        .filter(comments::submission_id.eq(submission.0))
        .order((comments::number, comments::part))
        .select(Comment::as_select())
        .load(conn)
}

pub fn find(conn: &mut Conn, id: CommentId) -> QueryResult<Option<Comment>> {
    comments::table
        .find(id.0)
        .select(Comment::as_select())
        .first(conn)
        .optional()
}

/// Comments tagged with a clause, in No. order.
pub fn tagged_with(
    conn: &mut Conn,
    consultation: ConsultationId,
    clause: crate::domain::ClauseId,
) -> QueryResult<Vec<Comment>> {
    comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .filter(comments::clause_id.eq(clause.0))
        .order((comments::number, comments::part))
        .select(Comment::as_select())
        .load(conn)
}

/// The match key of every comment of a consultation, by No.
pub fn keys(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<std::collections::HashMap<CommentNo, String>> {
    let rows: Vec<(i32, i32, String)> = comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .select((comments::number, comments::part, comments::match_key))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(number, part, key)| (CommentNo { number, part }, key))
        .collect())
}

/// Those of `ids` that are comments of the consultation.
pub fn ids_in(
    conn: &mut Conn,
    consultation: ConsultationId,
    ids: &[CommentId],
) -> QueryResult<Vec<CommentId>> {
    let raw: Vec<i64> = ids.iter().map(|c| c.0).collect();
    let found = crate::db::in_chunks(&raw, |chunk| {
        comments::table
            .filter(comments::consultation_id.eq(consultation.0))
            .filter(comments::id.eq_any(chunk))
            .select(comments::id)
            .load::<i64>(conn)
    })?;
    Ok(found.into_iter().flatten().map(CommentId).collect())
}

/// The ids of the comments with these Nos. in the consultation, and the Nos. not found.
pub fn ids_by_no(
    conn: &mut Conn,
    consultation: ConsultationId,
    nos: &[CommentNo],
) -> QueryResult<(Vec<CommentId>, Vec<CommentNo>)> {
    let numbers: Vec<i32> = nos.iter().map(|n| n.number).collect();
    let rows = crate::db::in_chunks(&numbers, |chunk| {
        comments::table
            .filter(comments::consultation_id.eq(consultation.0))
            .filter(comments::number.eq_any(chunk))
            .select((comments::id, comments::number, comments::part))
            .load::<(i64, i32, i32)>(conn)
    })?;
    let map: std::collections::HashMap<(i32, i32), i64> = rows
        .into_iter()
        .flatten()
        .map(|(id, n, p)| ((n, p), id))
        .collect();
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for no in nos {
        match map.get(&(no.number, no.part)) {
            Some(id) => found.push(CommentId(*id)),
            None => missing.push(*no),
        }
    }
    Ok((found, missing))
}

/// The comments with these ids (in no particular order).
pub fn find_many(conn: &mut Conn, ids: &[CommentId]) -> QueryResult<Vec<Comment>> {
    let raw: Vec<i64> = ids.iter().map(|c| c.0).collect();
    let found = crate::db::in_chunks(&raw, |chunk| {
        comments::table
            .filter(comments::id.eq_any(chunk))
            .select(Comment::as_select())
            .load(conn)
    })?;
    Ok(found.into_iter().flatten().collect())
}
