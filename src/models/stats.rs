//! Counts for the dashboard and the workload view, each one grouped query.

use super::{Conn, QueryResult};
use crate::db::schema::{assignments, comments, responses, users};
use crate::domain::ConsultationId;
use diesel::prelude::*;

/// Comments per answer state (`None`: no answer yet).
pub fn by_state(conn: &mut Conn, c: ConsultationId) -> QueryResult<Vec<(Option<String>, i64)>> {
    let total: i64 = comments::table
        .filter(comments::consultation_id.eq(c.0))
        .count()
        .get_result(conn)?;
    let answered: Vec<(String, i64)> = responses::table
        .inner_join(comments::table)
        .filter(comments::consultation_id.eq(c.0))
        .group_by(responses::state)
        .select((responses::state, diesel::dsl::count_star()))
        .load(conn)?;
    let with_answer: i64 = answered.iter().map(|(_, n)| n).sum();
    let mut out: Vec<(Option<String>, i64)> = vec![(None, total - with_answer)];
    out.extend(answered.into_iter().map(|(s, n)| (Some(s), n)));
    Ok(out)
}

pub fn by_disposition(conn: &mut Conn, c: ConsultationId) -> QueryResult<Vec<(String, i64)>> {
    responses::table
        .inner_join(comments::table)
        .filter(comments::consultation_id.eq(c.0))
        .group_by(responses::disposition)
        .select((responses::disposition, diesel::dsl::count_star()))
        .load(conn)
}

/// Comments per clause id (`None`: untagged).
pub fn by_clause(conn: &mut Conn, c: ConsultationId) -> QueryResult<Vec<(Option<i64>, i64)>> {
    comments::table
        .filter(comments::consultation_id.eq(c.0))
        .group_by(comments::clause_id)
        .select((comments::clause_id, diesel::dsl::count_star()))
        .load(conn)
}

/// Per drafter: (user id, name, assigned, answered, approved, overdue on `today`).
pub fn workload(
    conn: &mut Conn,
    c: ConsultationId,
    today: chrono::NaiveDate,
) -> QueryResult<Vec<(i64, String, i64, i64, i64, i64)>> {
    let rows: Vec<(i64, String, Option<String>, Option<chrono::NaiveDate>)> = assignments::table
        .inner_join(comments::table)
        .inner_join(users::table.on(users::id.eq(assignments::drafter_id)))
        .left_join(responses::table.on(responses::comment_id.eq(assignments::comment_id)))
        .filter(comments::consultation_id.eq(c.0))
        .select((
            users::id,
            users::display_name,
            responses::state.nullable(),
            assignments::due_on,
        ))
        .load(conn)?;
    let mut out: Vec<(i64, String, i64, i64, i64, i64)> = Vec::new();
    for (uid, name, state, due) in rows {
        let i = match out.iter().position(|r| r.0 == uid) {
            Some(i) => i,
            None => {
                out.push((uid, name, 0, 0, 0, 0));
                out.len() - 1
            }
        };
        let approved = state.as_deref() == Some("approved");
        out[i].2 += 1;
        if state.is_some() {
            out[i].3 += 1;
        }
        if approved {
            out[i].4 += 1;
        }
        if !approved && due.is_some_and(|d| d < today) {
            out[i].5 += 1;
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

pub fn unassigned(conn: &mut Conn, c: ConsultationId) -> QueryResult<i64> {
    comments::table
        .filter(comments::consultation_id.eq(c.0))
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "NOT EXISTS (SELECT 1 FROM assignments a WHERE a.comment_id = comments.id)",
        ))
        .count()
        .get_result(conn)
}
