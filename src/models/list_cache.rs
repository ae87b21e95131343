//! List-page counts and page contents remembered per consultation, filter and data version:
//! paging back and forth through a search, or the same filter opened by several people,
//! counts and searches once until something in the consultation changes. The version (`data_versions`, kept by triggers, see
//! migrations/…_data_versions) grows with every change to comments, answers, assignments,
//! submitters and clauses, from this process or any other.

use super::{Conn, QueryResult};
use crate::domain::ConsultationId;
use diesel::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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

/// Entries kept (of each kind) before the cache starts afresh: a bound on memory, far
/// above what the filters in use at one time need.
const MAX_ENTRIES: usize = 10_000;

type Key = (i64, String);

/// A count as list pages show it: the number, and whether counting stopped there.
pub type PageCount = (i64, bool);

/// What list pages worked out, by consultation and filter, with the data version it was
/// worked out at: counts, and the comment ids of pages.
#[derive(Default)]
pub struct ListCache {
    counts: Mutex<HashMap<Key, (i64, PageCount)>>,
    pages: Mutex<HashMap<Key, (i64, Vec<i64>)>>,
    /// One lock per page being worked out: fifty people opening the same search at once
    /// wait for one search instead of running fifty.
    turns: Mutex<HashMap<Key, Arc<Mutex<()>>>>,
}

fn get<T: Clone>(map: &Mutex<HashMap<Key, (i64, T)>>, key: Key, version: i64) -> Option<T> {
    let map = map.lock().unwrap_or_else(|e| e.into_inner());
    map.get(&key)
        .filter(|(v, _)| *v == version)
        .map(|(_, value)| value.clone())
}

fn put<T>(map: &Mutex<HashMap<Key, (i64, T)>>, key: Key, version: i64, value: T) {
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(key, (version, value));
}

impl ListCache {
    /// The count stored for this filter at this version.
    pub fn count(
        &self,
        consultation: ConsultationId,
        filter: &str,
        version: i64,
    ) -> Option<PageCount> {
        get(&self.counts, (consultation.0, filter.to_string()), version)
    }

    pub fn put_count(
        &self,
        consultation: ConsultationId,
        filter: &str,
        version: i64,
        count: PageCount,
    ) {
        put(
            &self.counts,
            (consultation.0, filter.to_string()),
            version,
            count,
        )
    }

    /// The comment ids of a page (`page` names the filter and the rows) at this version.
    pub fn page(&self, consultation: ConsultationId, page: &str, version: i64) -> Option<Vec<i64>> {
        get(&self.pages, (consultation.0, page.to_string()), version)
    }

    pub fn put_page(&self, consultation: ConsultationId, page: &str, version: i64, ids: Vec<i64>) {
        put(
            &self.pages,
            (consultation.0, page.to_string()),
            version,
            ids,
        )
    }

    /// The lock to hold while working out this page (see `turns`).
    pub fn turn(&self, consultation: ConsultationId, page: &str) -> Arc<Mutex<()>> {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        if turns.len() >= MAX_ENTRIES {
            turns.retain(|_, turn| Arc::strong_count(turn) > 1);
        }
        turns
            .entry((consultation.0, page.to_string()))
            .or_default()
            .clone()
    }
}
