//! Counts for the dashboard and the workload view, each one grouped query.

use super::tally::{self, Dimension};
use super::{Conn, QueryResult};
use crate::db::schema::{assignments, comments, responses, users};
use crate::domain::{ClauseId, ConsultationId, Disposition, ResponseState};
use diesel::prelude::*;
use std::collections::HashMap;

/// Where a consultation's work stands: the dashboard's tiles and charts (labels in Japanese).
pub struct Progress {
    pub total: i64,
    pub states: Vec<(String, i64)>,
    pub chapters: Vec<(String, i64)>,
    pub categories: Vec<(String, i64)>,
    pub dispositions: Vec<(String, i64)>,
    pub workload: Vec<Workload>,
    pub untagged: i64,
    pub unassigned: i64,
    pub unanswered: i64,
    pub approved: i64,
    pub overdue: i64,
    /// 論点: comments covered, and topics (with comments) answered and approved.
    pub topics: TopicProgress,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicProgress {
    pub topics: i64,
    pub covered: i64,
    pub answered: i64,
    pub approved: i64,
}

fn topic_progress(conn: &mut Conn, c: ConsultationId) -> QueryResult<TopicProgress> {
    use crate::domain::ResponseState;
    let all = super::topic::all_with_counts(conn, c)?;
    let used: Vec<_> = all.iter().filter(|(_, n)| *n > 0).collect();
    Ok(TopicProgress {
        topics: used.len() as i64,
        covered: used.iter().map(|(_, n)| n).sum(),
        answered: used.iter().filter(|(t, _)| t.has_answer()).count() as i64,
        approved: used
            .iter()
            .filter(|(t, _)| t.answer_state == ResponseState::Approved)
            .count() as i64,
    })
}

/// A stored code the tally holds, as its type (a code that means nothing is an error).
fn coded<T: std::str::FromStr>(code: &str) -> QueryResult<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    code.parse()
        .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))
}

pub fn progress(
    conn: &mut Conn,
    c: ConsultationId,
    today: chrono::NaiveDate,
) -> QueryResult<Progress> {
    let by_state = by_state(conn, c)?;
    let total: i64 = by_state.iter().map(|(_, n)| n).sum();
    let unanswered = by_state
        .iter()
        .find(|(s, _)| s.is_none())
        .map_or(0, |(_, n)| *n);
    let approved = by_state
        .iter()
        .find(|(s, _)| *s == Some(ResponseState::Approved))
        .map_or(0, |(_, n)| *n);
    let states = by_state
        .iter()
        .map(|(s, n)| (s.map_or("回答なし", |s| s.label()).to_string(), *n))
        .collect();
    let (chapters, untagged) = by_chapter(conn, c)?;
    let counts = super::category::counts(conn, c)?;
    let categories = super::category::for_consultation(conn, c)?
        .into_iter()
        .map(|k| (k.name, counts.get(&k.id.0).copied().unwrap_or(0)))
        .collect();
    let dispositions = by_disposition(conn, c)?
        .into_iter()
        .map(|(d, n)| Ok((coded::<Disposition>(&d)?.label().to_string(), n)))
        .collect::<QueryResult<_>>()?;
    let workload = workload(conn, c, today)?;
    let overdue = workload.iter().map(|w| w.overdue).sum();
    Ok(Progress {
        unassigned: unassigned(conn, c)?,
        total,
        states,
        chapters,
        categories,
        dispositions,
        workload,
        untagged,
        unanswered,
        approved,
        overdue,
        topics: topic_progress(conn, c)?,
    })
}

/// Comments per chapter: each comment's clause counted under its top-level ancestor, with
/// the number of comments without a clause. Without a clause tree, the 章 cells as imported.
fn by_chapter(conn: &mut Conn, c: ConsultationId) -> QueryResult<(Vec<(String, i64)>, i64)> {
    let clauses = super::clause::all(conn, c)?;
    let parent: HashMap<ClauseId, Option<ClauseId>> =
        clauses.iter().map(|x| (x.id, x.parent_id)).collect();
    let names: HashMap<ClauseId, String> = clauses
        .iter()
        .map(|x| (x.id, format!("{} {}", x.label, x.heading)))
        .collect();
    let mut chapters: Vec<(String, i64)> = Vec::new();
    let mut untagged = 0;
    for (cid, n) in by_clause(conn, c)? {
        let Some(mut at) = cid.map(ClauseId) else {
            untagged += n;
            continue;
        };
        while let Some(Some(p)) = parent.get(&at) {
            at = *p;
        }
        let name = names.get(&at).cloned().unwrap_or_default();
        match chapters.iter_mut().find(|(k, _)| *k == name) {
            Some(e) => e.1 += n,
            None => chapters.push((name, n)),
        }
    }
    if clauses.is_empty() {
        chapters = by_chapter_cell(conn, c)?
            .into_iter()
            .take(15)
            .map(|(k, n)| (k.unwrap_or_else(|| "（記載なし）".into()), n))
            .collect();
    }
    Ok((chapters, untagged))
}

/// Comments per answer state (`None`: no answer yet).
pub fn by_state(
    conn: &mut Conn,
    c: ConsultationId,
) -> QueryResult<Vec<(Option<ResponseState>, i64)>> {
    let total = tally::total(conn, c, Dimension::All)?;
    let answered = tally::counts(conn, c, Dimension::State)?;
    let with_answer: i64 = answered.iter().map(|(_, n)| n).sum();
    let mut out: Vec<(Option<ResponseState>, i64)> = vec![(None, total - with_answer)];
    for (s, n) in answered {
        out.push((Some(coded(&s)?), n));
    }
    Ok(out)
}

pub fn by_disposition(conn: &mut Conn, c: ConsultationId) -> QueryResult<Vec<(String, i64)>> {
    tally::counts(conn, c, Dimension::Disposition)
}

/// Comments per clause id (`None`: untagged).
pub fn by_clause(conn: &mut Conn, c: ConsultationId) -> QueryResult<Vec<(Option<i64>, i64)>> {
    tally::by_id(conn, c, Dimension::Clause)
}

/// One drafter's load in a consultation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    pub user_id: i64,
    pub name: String,
    pub assigned: i64,
    /// Sent for review or approved.
    pub answered: i64,
    pub approved: i64,
    /// Not approved and past the due date on `today`.
    pub overdue: i64,
}

pub fn workload(
    conn: &mut Conn,
    c: ConsultationId,
    today: chrono::NaiveDate,
) -> QueryResult<Vec<Workload>> {
    let rows: Vec<(
        i64,
        String,
        Option<ResponseState>,
        Option<chrono::NaiveDate>,
    )> = assignments::table
        .inner_join(comments::table)
        .inner_join(users::table.on(users::id.eq(assignments::drafter_id)))
        .left_join(responses::table.on(responses::comment_id.eq(assignments::comment_id)))
        // Unary `+`: not a condition to look comments up by. Without statistics SQLite
        // otherwise read every comment of the consultation to find the few assigned ones.
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("+comments.consultation_id = ")
                .bind::<diesel::sql_types::BigInt, _>(c.0),
        )
        .select((
            users::id,
            users::display_name,
            responses::state.nullable(),
            assignments::due_on,
        ))
        .load(conn)?;
    let mut out: Vec<Workload> = Vec::new();
    for (uid, name, state, due) in rows {
        let i = match out.iter().position(|r| r.user_id == uid) {
            Some(i) => i,
            None => {
                out.push(Workload {
                    user_id: uid,
                    name,
                    assigned: 0,
                    answered: 0,
                    approved: 0,
                    overdue: 0,
                });
                out.len() - 1
            }
        };
        let approved = state == Some(ResponseState::Approved);
        let w = &mut out[i];
        w.assigned += 1;
        // Answered: sent for review or approved. An answer imported with the table, or one
        // still being written, is not the drafter's finished work yet.
        w.answered += i64::from(matches!(
            state,
            Some(ResponseState::InReview | ResponseState::Approved)
        ));
        w.approved += i64::from(approved);
        w.overdue += i64::from(!approved && due.is_some_and(|d| d < today));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

pub fn unassigned(conn: &mut Conn, c: ConsultationId) -> QueryResult<i64> {
    Ok(tally::total(conn, c, Dimension::All)? - tally::total(conn, c, Dimension::Assigned)?)
}

/// Comments per 章 cell as imported (for consultations without a clause catalog).
pub fn by_chapter_cell(
    conn: &mut Conn,
    c: ConsultationId,
) -> QueryResult<Vec<(Option<String>, i64)>> {
    let mut rows: Vec<(Option<String>, i64)> = tally::counts(conn, c, Dimension::Chapter)?
        .into_iter()
        .map(|(v, n)| (v.strip_prefix('=').map(str::to_string), n))
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    Ok(rows)
}
