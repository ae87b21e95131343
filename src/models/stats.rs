//! Counts for the dashboard and the workload view, each one grouped query.

use super::tally::{self, Dimension};
use super::{Conn, QueryResult};
use crate::db::schema::{assignments, comments, responses, users};
use crate::domain::ConsultationId;
use diesel::prelude::*;

/// Comments per answer state (`None`: no answer yet).
pub fn by_state(conn: &mut Conn, c: ConsultationId) -> QueryResult<Vec<(Option<String>, i64)>> {
    let total = tally::total(conn, c, Dimension::All)?;
    let answered = tally::counts(conn, c, Dimension::State)?;
    let with_answer: i64 = answered.iter().map(|(_, n)| n).sum();
    let mut out: Vec<(Option<String>, i64)> = vec![(None, total - with_answer)];
    out.extend(answered.into_iter().map(|(s, n)| (Some(s), n)));
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
    let rows: Vec<(i64, String, Option<String>, Option<chrono::NaiveDate>)> = assignments::table
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
        let approved = state.as_deref() == Some("approved");
        let w = &mut out[i];
        w.assigned += 1;
        w.answered += i64::from(state.is_some());
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
