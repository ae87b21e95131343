//! Counts kept in step by database triggers (`comment_tallies`): what the dashboard and
//! the list pages show without counting a million rows on every view.

use super::{Conn, QueryResult};
use crate::db::schema::comment_tallies;
use crate::domain::{CategoryId, ConsultationId};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use std::collections::HashMap;

/// What is counted. Each value of a dimension is a key: '' stands for "none".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// The counts of the comments a bulk import adds on SQLite, worked out as it writes them and
/// stored once at its end: the row triggers leave comments from `first_id` on alone while
/// the import runs (migrations/sqlite/…_bulk_counts). PostgreSQL counts each multi-row
/// insert in one statement trigger and needs none of this.
pub struct BulkCounts {
    consultation: ConsultationId,
    first_id: i64,
    counts: HashMap<(Dimension, String), i64>,
}

impl BulkCounts {
    /// Starts counting comments inserted from id `first_id` on, in this transaction.
    pub fn begin(
        conn: &mut Conn,
        consultation: ConsultationId,
        first_id: i64,
    ) -> QueryResult<Option<BulkCounts>> {
        let Conn::Sqlite(c) = conn else {
            return Ok(None);
        };
        diesel::sql_query("INSERT INTO bulk_loads (first_comment_id) VALUES (?)")
            .bind::<BigInt, _>(first_id)
            .execute(c)?;
        Ok(Some(BulkCounts {
            consultation,
            first_id,
            counts: HashMap::new(),
        }))
    }

    /// Counts a comment as it is inserted (an import sets no clause yet).
    pub fn add(&mut self, category: Option<CategoryId>, chapter: Option<&str>) {
        let keys = [
            (Dimension::All, String::new()),
            (
                Dimension::Category,
                category.map_or(String::new(), |c| c.0.to_string()),
            ),
            (Dimension::Clause, String::new()),
            (
                Dimension::Chapter,
                chapter.map_or(String::new(), |ch| format!("={ch}")),
            ),
        ];
        for key in keys {
            *self.counts.entry(key).or_default() += 1;
        }
    }

    /// Adds the counts, moves the data version on and lets the triggers count again.
    pub fn finish(self, conn: &mut Conn) -> QueryResult<()> {
        let Conn::Sqlite(c) = conn else {
            unreachable!("begun on SQLite only")
        };
        for ((dimension, value), n) in &self.counts {
            diesel::sql_query(
                "INSERT INTO comment_tallies (consultation_id, dimension, value, n) \
                 VALUES (?, ?, ?, ?) ON CONFLICT (consultation_id, dimension, value) \
                 DO UPDATE SET n = n + excluded.n",
            )
            .bind::<BigInt, _>(self.consultation.0)
            .bind::<Text, _>(dimension.code())
            .bind::<Text, _>(value)
            .bind::<BigInt, _>(n)
            .execute(c)?;
        }
        diesel::sql_query(
            "INSERT INTO data_versions (consultation_id, version) VALUES (?, 1) \
             ON CONFLICT (consultation_id) DO UPDATE SET version = version + 1",
        )
        .bind::<BigInt, _>(self.consultation.0)
        .execute(c)?;
        diesel::sql_query("DELETE FROM bulk_loads WHERE first_comment_id = ?")
            .bind::<BigInt, _>(self.first_id)
            .execute(c)?;
        Ok(())
    }
}
