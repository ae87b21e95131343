//! 論点: comments that make the same point in different words, with the staff's 意見の概要
//! and one answer. The topic keeps its own answer; its members' answers are copies.

use super::{Conn, QueryResult};
use crate::db::{
    now,
    schema::{comments, topic_dismissals, topic_members, topics},
};
use crate::domain::{
    CategoryId, ClauseId, CommentId, CommentNo, ConsultationId, Disposition, ResponseState,
    TopicId, UserId,
};
use diesel::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = topics)]
pub struct Topic {
    pub id: TopicId,
    pub consultation_id: ConsultationId,
    /// 論点 No. within the consultation (what pages, the API and the export show).
    pub number: i32,
    pub title: String,
    pub summary: String,
    pub clause_id: Option<ClauseId>,
    pub category_id: Option<CategoryId>,
    /// Version of the title, 概要, clause and category.
    pub version: i32,
    pub disposition: Option<Disposition>,
    pub answer_body: String,
    pub answer_state: ResponseState,
    /// Version of the answer: 0 while there is none.
    pub answer_version: i32,
    pub reviewer_remark: Option<String>,
    pub answer_updated_by: Option<UserId>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Topic {
    pub fn has_answer(&self) -> bool {
        self.answer_version > 0
    }

    /// What the audit log keeps of the topic's words.
    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "number": self.number, "title": self.title, "summary": self.summary,
            "clause_id": self.clause_id, "category_id": self.category_id, "version": self.version,
        })
    }

    /// What the audit log keeps of the topic's answer.
    pub fn answer_snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "disposition": self.disposition, "body": self.answer_body,
            "state": self.answer_state, "version": self.answer_version,
            "remark": self.reviewer_remark,
        })
    }
}

/// The words of a topic as staff write them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicText {
    pub title: String,
    pub summary: String,
    pub clause: Option<ClauseId>,
    pub category: Option<CategoryId>,
}

pub fn insert(
    conn: &mut Conn,
    consultation: ConsultationId,
    text: &TopicText,
) -> QueryResult<Topic> {
    let last: Option<i32> = topics::table
        .filter(topics::consultation_id.eq(consultation.0))
        .select(diesel::dsl::max(topics::number))
        .first(conn)?;
    let t = now();
    let id = diesel::insert_into(topics::table)
        .values((
            topics::consultation_id.eq(consultation.0),
            topics::number.eq(last.unwrap_or(0) + 1),
            topics::title.eq(&text.title),
            topics::summary.eq(&text.summary),
            topics::clause_id.eq(text.clause.map(|c| c.0)),
            topics::category_id.eq(text.category.map(|c| c.0)),
            topics::answer_state.eq(ResponseState::NotStarted.code()),
            topics::created_at.eq(t),
            topics::updated_at.eq(t),
        ))
        .returning(topics::id)
        .get_result::<i64>(conn)?;
    find(conn, TopicId(id))?.ok_or(diesel::result::Error::NotFound)
}

pub fn find(conn: &mut Conn, id: TopicId) -> QueryResult<Option<Topic>> {
    topics::table
        .find(id.0)
        .select(Topic::as_select())
        .first(conn)
        .optional()
}

/// The topic with this No. in the consultation.
pub fn numbered(
    conn: &mut Conn,
    consultation: ConsultationId,
    number: i32,
) -> QueryResult<Option<Topic>> {
    topics::table
        .filter(topics::consultation_id.eq(consultation.0))
        .filter(topics::number.eq(number))
        .select(Topic::as_select())
        .first(conn)
        .optional()
}

/// Every topic of the consultation by No., with how many comments each covers.
pub fn all_with_counts(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<Vec<(Topic, i64)>> {
    let list: Vec<Topic> = topics::table
        .filter(topics::consultation_id.eq(consultation.0))
        .order(topics::number)
        .select(Topic::as_select())
        .load(conn)?;
    let counts: Vec<(i64, i64)> = topic_members::table
        .inner_join(topics::table)
        .filter(topics::consultation_id.eq(consultation.0))
        .group_by(topic_members::topic_id)
        .select((topic_members::topic_id, diesel::dsl::count_star()))
        .load(conn)?;
    let counts: HashMap<i64, i64> = counts.into_iter().collect();
    Ok(list
        .into_iter()
        .map(|t| {
            let n = counts.get(&t.id.0).copied().unwrap_or(0);
            (t, n)
        })
        .collect())
}

/// The topic a comment is in.
pub fn of_comment(conn: &mut Conn, comment: CommentId) -> QueryResult<Option<Topic>> {
    topic_members::table
        .inner_join(topics::table)
        .filter(topic_members::comment_id.eq(comment.0))
        .select(Topic::as_select())
        .first(conn)
        .optional()
}

/// The member comments' ids, by No.
pub fn members(conn: &mut Conn, topic: TopicId) -> QueryResult<Vec<CommentId>> {
    topic_members::table
        .inner_join(comments::table)
        .filter(topic_members::topic_id.eq(topic.0))
        .order((comments::number, comments::part))
        .select(comments::id)
        .load::<i64>(conn)
        .map(|v| v.into_iter().map(CommentId).collect())
}

/// The member comments' Nos., in order.
pub fn member_numbers(conn: &mut Conn, topic: TopicId) -> QueryResult<Vec<CommentNo>> {
    topic_members::table
        .inner_join(comments::table)
        .filter(topic_members::topic_id.eq(topic.0))
        .order((comments::number, comments::part))
        .select((comments::number, comments::part))
        .load::<(i32, i32)>(conn)
        .map(|v| {
            v.into_iter()
                .map(|(number, part)| CommentNo { number, part })
                .collect()
        })
}

/// Which topic each of the consultation's comments is in (comments in none are absent):
/// one query for exports and lists.
pub fn membership(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<HashMap<CommentId, TopicId>> {
    let rows: Vec<(i64, i64)> = topic_members::table
        .inner_join(topics::table)
        .filter(topics::consultation_id.eq(consultation.0))
        .select((topic_members::comment_id, topic_members::topic_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(c, t)| (CommentId(c), TopicId(t)))
        .collect())
}

/// Which topic each comment is in now (None: none), for undoing a move.
pub fn current_of(
    conn: &mut Conn,
    ids: &[CommentId],
) -> QueryResult<Vec<(CommentId, Option<TopicId>)>> {
    let raw: Vec<i64> = ids.iter().map(|c| c.0).collect();
    let rows = crate::db::in_chunks(&raw, |chunk| {
        topic_members::table
            .filter(topic_members::comment_id.eq_any(chunk))
            .select((topic_members::comment_id, topic_members::topic_id))
            .load::<(i64, i64)>(conn)
    })?;
    let now: HashMap<i64, i64> = rows.into_iter().flatten().collect();
    Ok(ids
        .iter()
        .map(|c| (*c, now.get(&c.0).map(|t| TopicId(*t))))
        .collect())
}

/// Puts the comments in `topic` (None: in no topic).
pub fn set_members(conn: &mut Conn, ids: &[CommentId], topic: Option<TopicId>) -> QueryResult<i64> {
    let raw: Vec<i64> = ids.iter().map(|c| c.0).collect();
    crate::db::in_chunks(&raw, |chunk| {
        diesel::delete(topic_members::table.filter(topic_members::comment_id.eq_any(chunk)))
            .execute(conn)
    })?;
    let Some(topic) = topic else {
        return Ok(raw.len() as i64);
    };
    let rows: Vec<_> = raw
        .iter()
        .map(|c| {
            (
                topic_members::comment_id.eq(*c),
                topic_members::topic_id.eq(topic.0),
            )
        })
        .collect();
    crate::insert_in_batches!(conn, &rows, |batch, c| {
        diesel::insert_into(topic_members::table)
            .values(batch)
            .execute(c)
    })?;
    Ok(raw.len() as i64)
}

/// Writes the topic's words if its version is still `expected`.
pub fn update_if_version(
    conn: &mut Conn,
    id: TopicId,
    expected: i32,
    text: &TopicText,
) -> QueryResult<bool> {
    let n = diesel::update(
        topics::table
            .find(id.0)
            .filter(topics::version.eq(expected)),
    )
    .set((
        topics::title.eq(&text.title),
        topics::summary.eq(&text.summary),
        topics::clause_id.eq(text.clause.map(|c| c.0)),
        topics::category_id.eq(text.category.map(|c| c.0)),
        topics::version.eq(expected + 1),
        topics::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Writes the topic's answer if its answer version is still `expected`.
pub fn answer_if_version(
    conn: &mut Conn,
    id: TopicId,
    expected: i32,
    disposition: Disposition,
    body: &str,
    state: ResponseState,
    user: Option<UserId>,
) -> QueryResult<bool> {
    let n = diesel::update(
        topics::table
            .find(id.0)
            .filter(topics::answer_version.eq(expected)),
    )
    .set((
        topics::disposition.eq(disposition.code()),
        topics::answer_body.eq(body),
        topics::answer_state.eq(state.code()),
        topics::answer_version.eq(expected + 1),
        topics::answer_updated_by.eq(user.map(|u| u.0)),
        topics::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Moves the answer's review state if its version is still `expected`.
pub fn set_answer_state_if_version(
    conn: &mut Conn,
    id: TopicId,
    expected: i32,
    state: ResponseState,
    remark: Option<&str>,
    user: Option<UserId>,
) -> QueryResult<bool> {
    let n = diesel::update(
        topics::table
            .find(id.0)
            .filter(topics::answer_version.eq(expected)),
    )
    .set((
        topics::answer_state.eq(state.code()),
        topics::reviewer_remark.eq(remark),
        topics::answer_version.eq(expected + 1),
        topics::answer_updated_by.eq(user.map(|u| u.0)),
        topics::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Deletes the topic; its comments are left in no topic (with the answers they had).
pub fn delete(conn: &mut Conn, id: TopicId) -> QueryResult<usize> {
    diesel::delete(topic_members::table.filter(topic_members::topic_id.eq(id.0))).execute(conn)?;
    diesel::delete(topics::table.find(id.0)).execute(conn)
}

/// How many of the consultation's comments are in a topic.
pub fn covered_count(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<i64> {
    topic_members::table
        .inner_join(topics::table)
        .filter(topics::consultation_id.eq(consultation.0))
        .count()
        .get_result(conn)
}

/// The suggestion signatures staff dismissed in this consultation.
pub fn dismissed(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<Vec<String>> {
    topic_dismissals::table
        .filter(topic_dismissals::consultation_id.eq(consultation.0))
        .select(topic_dismissals::signature)
        .load(conn)
}

pub fn dismiss(
    conn: &mut Conn,
    consultation: ConsultationId,
    signature: &str,
) -> QueryResult<usize> {
    let already = topic_dismissals::table
        .filter(topic_dismissals::consultation_id.eq(consultation.0))
        .filter(topic_dismissals::signature.eq(signature))
        .count()
        .get_result::<i64>(conn)?;
    if already > 0 {
        return Ok(0);
    }
    diesel::insert_into(topic_dismissals::table)
        .values((
            topic_dismissals::consultation_id.eq(consultation.0),
            topic_dismissals::signature.eq(signature),
            topic_dismissals::created_at.eq(now()),
        ))
        .execute(conn)
}
