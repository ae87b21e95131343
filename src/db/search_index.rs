//! SQLite's trigram search index (`comments_fts`, see migrations/sqlite/…_search_backlog):
//! a bulk import records its comments' ids as a pending range instead of indexing them row
//! by row, and `index_pending` adds them afterwards, a slice per short transaction (in the
//! background of `pubcom serve`, or at the end of `pubcom import`). Searches fall back to
//! LIKE while anything is pending. PostgreSQL's pg_trgm index needs nothing of this.

use super::DbConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

/// Rows indexed per transaction: short enough not to hold other writers up for long.
pub const INDEX_SLICE: i64 = 2_000;

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    id: Option<i64>,
}

#[derive(QueryableByName)]
struct Range {
    #[diesel(sql_type = BigInt)]
    first_id: i64,
    #[diesel(sql_type = BigInt)]
    last_id: i64,
}

/// Marks every comment inserted from now on in this transaction as not yet indexed; returns
/// the first id of the range (SQLite only). Close it with `close_range`.
pub fn open_range(conn: &mut DbConnection) -> QueryResult<Option<i64>> {
    let DbConnection::Sqlite(c) = conn else {
        return Ok(None);
    };
    let max: Id = diesel::sql_query("SELECT MAX(id) AS id FROM comments").get_result(c)?;
    let first = max.id.unwrap_or(0) + 1;
    diesel::sql_query("INSERT INTO search_backlog (first_id, last_id) VALUES (?, ?)")
        .bind::<BigInt, _>(first)
        .bind::<BigInt, _>(i64::MAX)
        .execute(c)?;
    Ok(Some(first))
}

/// Ends the range opened at `first` at the highest comment id written since.
pub fn close_range(conn: &mut DbConnection, first: i64) -> QueryResult<()> {
    let DbConnection::Sqlite(c) = conn else {
        return Ok(());
    };
    diesel::sql_query(
        "UPDATE search_backlog SET last_id = (SELECT COALESCE(MAX(id), 0) FROM comments) \
         WHERE first_id = ? AND last_id = ?",
    )
    .bind::<BigInt, _>(first)
    .bind::<BigInt, _>(i64::MAX)
    .execute(c)?;
    diesel::sql_query("DELETE FROM search_backlog WHERE last_id < first_id").execute(c)?;
    Ok(())
}

/// Whether some comments are not in the search index yet (always false on PostgreSQL).
pub fn has_pending(conn: &mut DbConnection) -> QueryResult<bool> {
    let DbConnection::Sqlite(c) = conn else {
        return Ok(false);
    };
    let first: Id =
        diesel::sql_query("SELECT MIN(first_id) AS id FROM search_backlog").get_result(c)?;
    Ok(first.id.is_some())
}

/// How many comments wait to be indexed.
pub fn pending_count(conn: &mut DbConnection) -> QueryResult<i64> {
    let DbConnection::Sqlite(c) = conn else {
        return Ok(0);
    };
    let n: Id = diesel::sql_query(
        "SELECT COUNT(*) AS id FROM comments c JOIN search_backlog b \
         ON c.id BETWEEN b.first_id AND b.last_id",
    )
    .get_result(c)?;
    Ok(n.id.unwrap_or(0))
}

/// Indexes up to `slice` ids of the lowest pending range in one transaction; returns how
/// many ids it covered (0: nothing was pending).
pub fn index_slice(conn: &mut DbConnection, slice: i64) -> QueryResult<i64> {
    if !matches!(conn, DbConnection::Sqlite(_)) {
        return Ok(0);
    }
    super::transaction(conn, |conn| {
        let DbConnection::Sqlite(c) = conn else {
            unreachable!("checked above")
        };
        let ranges: Vec<Range> = diesel::sql_query(
            "SELECT first_id, last_id FROM search_backlog ORDER BY first_id LIMIT 1",
        )
        .load(c)?;
        let Some(range) = ranges.first() else {
            return Ok(0);
        };
        let upto = range.last_id.min(range.first_id.saturating_add(slice - 1));
        diesel::sql_query(
            "INSERT INTO comments_fts(rowid, body) SELECT id, pubcom_fold(body) FROM comments \
             WHERE id BETWEEN ? AND ?",
        )
        .bind::<BigInt, _>(range.first_id)
        .bind::<BigInt, _>(upto)
        .execute(c)?;
        if upto >= range.last_id {
            diesel::sql_query("DELETE FROM search_backlog WHERE first_id = ?")
                .bind::<BigInt, _>(range.first_id)
                .execute(c)?;
        } else {
            diesel::sql_query("UPDATE search_backlog SET first_id = ? WHERE first_id = ?")
                .bind::<BigInt, _>(upto + 1)
                .bind::<BigInt, _>(range.first_id)
                .execute(c)?;
        }
        Ok(upto - range.first_id + 1)
    })
}

/// Indexes everything pending, slice by slice; `progress` gets the ids covered so far.
/// Returns that number.
pub fn index_pending(conn: &mut DbConnection, progress: &mut dyn FnMut(i64)) -> QueryResult<i64> {
    let mut covered = 0;
    loop {
        match index_slice(conn, INDEX_SLICE)? {
            0 => return Ok(covered),
            n => {
                covered += n;
                progress(covered);
            }
        }
    }
}

/// `pubcom serve`'s background indexer: works through what imports leave pending, then
/// looks again every `every`.
pub fn spawn_indexer(pool: super::Pool, every: std::time::Duration) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || loop {
        let round = pool
            .get()
            .map_err(anyhow::Error::from)
            .and_then(|mut conn| Ok(index_pending(&mut conn, &mut |_| {})?));
        match round {
            Ok(0) => {}
            Ok(n) => tracing::info!(ids = n, "search index caught up"),
            Err(e) => tracing::warn!(error = %e, "search indexing failed"),
        }
        std::thread::sleep(every);
    })
}
