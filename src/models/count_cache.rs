//! List-page counts remembered per consultation, filter and data version: paging through a
//! search, or the same filter opened by several people, counts once until something in the
//! consultation changes. The version (`data_versions`, kept by triggers, see
//! migrations/…_data_versions) grows with every change to comments, answers, assignments,
//! submitters and clauses, from this process or any other.

use super::{Conn, QueryResult};
use crate::domain::ConsultationId;
use diesel::prelude::*;
use std::collections::HashMap;
use std::sync::Mutex;

/// The consultation's data version (0 before its first change).
pub fn version(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<i64> {
    use crate::db::schema::data_versions;
    let found: Option<i64> = data_versions::table
        .find(consultation.0)
        .select(data_versions::version)
        .first(conn)
        .optional()?;
    Ok(found.unwrap_or(0))
}

/// Entries kept before the cache starts afresh: a bound on memory, far above what the
/// filters in use at one time need.
const MAX_ENTRIES: usize = 10_000;

type Key = (i64, String);

/// A count as list pages show it: the number, and whether counting stopped there.
pub type PageCount = (i64, bool);

#[derive(Default)]
pub struct CountCache {
    entries: Mutex<HashMap<Key, (i64, PageCount)>>,
}

impl CountCache {
    /// The count stored for this filter at this version.
    pub fn get(
        &self,
        consultation: ConsultationId,
        filter: &str,
        version: i64,
    ) -> Option<PageCount> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(&(consultation.0, filter.to_string()))
            .filter(|(v, _)| *v == version)
            .map(|(_, count)| *count)
    }

    pub fn put(&self, consultation: ConsultationId, filter: &str, version: i64, count: PageCount) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert((consultation.0, filter.to_string()), (version, count));
    }
}
