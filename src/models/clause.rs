//! The draft's clauses (原案の項番): a tree, each node with its heading and text.

use super::{Conn, QueryResult};
use crate::db::schema::{clauses, comments};
use crate::domain::{ClauseId, ConsultationId};
use crate::intake::clauses::ParsedClause;
use diesel::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = clauses)]
pub struct Clause {
    pub id: crate::domain::ClauseId,
    pub consultation_id: crate::domain::ConsultationId,
    pub parent_id: Option<crate::domain::ClauseId>,
    pub label: String,
    pub heading: String,
    pub body: String,
    pub depth: i32,
    pub position: i32,
}

impl Clause {
    pub fn id(&self) -> ClauseId {
        self.id
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpsertReport {
    pub added: usize,
    pub changed: Vec<(String, String, String)>,
    pub unchanged: usize,
}

/// In document order.
pub fn all(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<Vec<Clause>> {
    clauses::table
        .filter(clauses::consultation_id.eq(consultation.0))
        .order(clauses::position)
        .select(Clause::as_select())
        .load(conn)
}

pub fn find(conn: &mut Conn, id: ClauseId) -> QueryResult<Option<Clause>> {
    clauses::table
        .find(id.0)
        .select(Clause::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_label(
    conn: &mut Conn,
    consultation: ConsultationId,
    label: &str,
) -> QueryResult<Option<Clause>> {
    clauses::table
        .filter(clauses::consultation_id.eq(consultation.0))
        .filter(clauses::label.eq(label))
        .select(Clause::as_select())
        .first(conn)
        .optional()
}

/// Adds new clauses and updates the heading and text of known ones (by label), keeping ids
/// so that tags and revisions stay attached. Returns what changed, with old and new text.
pub fn upsert_all(
    conn: &mut Conn,
    consultation: ConsultationId,
    parsed: &[ParsedClause],
) -> QueryResult<UpsertReport> {
    let existing: HashMap<String, Clause> = all(conn, consultation)?
        .into_iter()
        .map(|c| (c.label.clone(), c))
        .collect();
    let mut ids: HashMap<String, ClauseId> =
        existing.iter().map(|(l, c)| (l.clone(), c.id)).collect();
    let offset = existing.values().map(|c| c.position).max().unwrap_or(0);
    let mut report = UpsertReport::default();
    for (i, p) in parsed.iter().enumerate() {
        let parent_id = p.parent.as_ref().and_then(|l| ids.get(l)).copied();
        match existing.get(&p.label) {
            Some(c) if c.heading == p.heading && c.body == p.body && c.parent_id == parent_id => {
                report.unchanged += 1
            }
            Some(c) => {
                diesel::update(clauses::table.find(c.id))
                    .set((
                        clauses::heading.eq(&p.heading),
                        clauses::body.eq(&p.body),
                        clauses::parent_id.eq(parent_id),
                        clauses::depth.eq(p.depth),
                    ))
                    .execute(conn)?;
                report
                    .changed
                    .push((p.label.clone(), c.body.clone(), p.body.clone()));
            }
            None => {
                let id: i64 = diesel::insert_into(clauses::table)
                    .values((
                        clauses::consultation_id.eq(consultation.0),
                        clauses::parent_id.eq(parent_id),
                        clauses::label.eq(&p.label),
                        clauses::heading.eq(&p.heading),
                        clauses::body.eq(&p.body),
                        clauses::depth.eq(p.depth),
                        clauses::position.eq(offset + i as i32 + 1),
                    ))
                    .returning(clauses::id)
                    .get_result(conn)?;
                ids.insert(p.label.clone(), crate::domain::ClauseId(id));
                report.added += 1;
            }
        }
    }
    Ok(report)
}

/// Comments tagged to each clause (directly, not counting descendants).
pub fn comment_counts(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<HashMap<i64, i64>> {
    let rows: Vec<(Option<i64>, i64)> = comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .filter(comments::clause_id.is_not_null())
        .group_by(comments::clause_id)
        .select((comments::clause_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(c, n)| c.map(|c| (c, n)))
        .collect())
}

/// A clause and all clauses under it.
pub fn subtree_ids(conn: &mut Conn, root: ClauseId) -> QueryResult<Vec<ClauseId>> {
    let Some(c) = find(conn, root)? else {
        return Ok(vec![]);
    };
    let all = all(conn, c.consultation_id)?;
    let mut ids = vec![c.id];
    let mut i = 0;
    while i < ids.len() {
        let parent = ids[i];
        ids.extend(
            all.iter()
                .filter(|x| x.parent_id == Some(parent))
                .map(|x| x.id),
        );
        i += 1;
    }
    Ok(ids)
}
