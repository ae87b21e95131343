//! Counts kept in step by database triggers (`comment_tallies`): what the dashboard and
//! the list pages show without counting a million rows on every view.

use super::{Conn, QueryResult};
use crate::db::schema::comment_tallies;
use crate::domain::ConsultationId;
use diesel::prelude::*;

/// What is counted. Each value of a dimension is a key: '' stands for "none".
#[derive(Debug, Clone, Copy)]
pub enum Dimension {
    /// Every comment (one key, '').
    All,
    /// Comments by category id.
    Category,
    /// Comments by clause id.
    Clause,
    /// Comments by chapter cell: '=' followed by the cell's text.
    Chapter,
    /// Answers by review state.
    State,
    /// Answers by disposition.
    Disposition,
    /// Comments with a drafter (one key, '').
    Assigned,
}

impl Dimension {
    fn code(self) -> &'static str {
        match self {
            Dimension::All => "all",
            Dimension::Category => "category",
            Dimension::Clause => "clause",
            Dimension::Chapter => "chapter",
            Dimension::State => "state",
            Dimension::Disposition => "disposition",
            Dimension::Assigned => "assigned",
        }
    }
}

/// Every non-zero count of one dimension, by key.
pub fn counts(
    conn: &mut Conn,
    consultation: ConsultationId,
    dimension: Dimension,
) -> QueryResult<Vec<(String, i64)>> {
    comment_tallies::table
        .filter(comment_tallies::consultation_id.eq(consultation.0))
        .filter(comment_tallies::dimension.eq(dimension.code()))
        .filter(comment_tallies::n.ne(0))
        .select((comment_tallies::value, comment_tallies::n))
        .load(conn)
}

/// The count of a one-key dimension (`All`, `Assigned`).
pub fn total(
    conn: &mut Conn,
    consultation: ConsultationId,
    dimension: Dimension,
) -> QueryResult<i64> {
    Ok(counts(conn, consultation, dimension)?
        .into_iter()
        .map(|(_, n)| n)
        .sum())
}

/// Counts keyed by id ('' becomes None).
pub fn by_id(
    conn: &mut Conn,
    consultation: ConsultationId,
    dimension: Dimension,
) -> QueryResult<Vec<(Option<i64>, i64)>> {
    Ok(counts(conn, consultation, dimension)?
        .into_iter()
        .map(|(v, n)| (v.parse().ok(), n))
        .collect())
}
