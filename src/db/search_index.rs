//! SQLite's trigram search index (`comments_fts`, see migrations/sqlite/…_triage): a bulk
//! import suspends the per-row trigger and indexes its rows in one statement at the end,
//! inside the same transaction. PostgreSQL's pg_trgm index needs nothing of this.

use super::DbConnection;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

/// Same text as in the migration that created it.
const INSERT_TRIGGER: &str = "CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments BEGIN
    INSERT INTO comments_fts(rowid, body) VALUES (new.id, new.body);
END;";

#[derive(QueryableByName)]
struct MaxId {
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    id: Option<i64>,
}

/// Drops the insert trigger; returns the highest comment id before the import (SQLite only).
pub fn suspend(conn: &mut DbConnection) -> QueryResult<Option<i64>> {
    match conn {
        DbConnection::Sqlite(c) => {
            let max: MaxId =
                diesel::sql_query("SELECT MAX(id) AS id FROM comments").get_result(c)?;
            c.batch_execute("DROP TRIGGER IF EXISTS comments_fts_insert")?;
            Ok(Some(max.id.unwrap_or(0)))
        }
        DbConnection::Pg(_) => Ok(None),
    }
}

/// Indexes every comment inserted after `after_id` and puts the trigger back.
pub fn resume(conn: &mut DbConnection, after_id: i64) -> QueryResult<()> {
    if let DbConnection::Sqlite(c) = conn {
        diesel::sql_query(
            "INSERT INTO comments_fts(rowid, body) SELECT id, body FROM comments WHERE id > ?",
        )
        .bind::<BigInt, _>(after_id)
        .execute(c)?;
        c.batch_execute(INSERT_TRIGGER)?;
    }
    Ok(())
}
