//! Bulk loads on SQLite. In WAL mode every page a large import writes goes to the WAL and
//! then, at the checkpoint, again to the database file. A rollback journal only saves the
//! pages a transaction changes, and pages a load appends were not there to save: the rows
//! are written once. Switching journal needs the database to itself, so this is tried only
//! by one-off commands (`pubcom import`), and a load with anyone else connected (a running
//! `pubcom serve`) simply keeps the WAL.

use super::DbConnection;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

#[derive(QueryableByName)]
struct JournalMode {
    #[diesel(sql_type = diesel::sql_types::Text)]
    journal_mode: String,
}

/// Runs `load` with a rollback journal when this connection is the database's only one,
/// otherwise as it is; the WAL is back afterwards either way. Returns whether the journal
/// was switched with `load`'s result.
pub fn with_rollback_journal<T>(
    conn: &mut DbConnection,
    load: impl FnOnce(&mut DbConnection) -> anyhow::Result<T>,
) -> anyhow::Result<(bool, T)> {
    let switched = match conn {
        DbConnection::Sqlite(c) => set_journal_mode(c, "TRUNCATE").is_ok_and(|m| m == "truncate"),
        DbConnection::Pg(_) => false,
    };
    if switched {
        if let DbConnection::Sqlite(c) = conn {
            // Statement journals (each multi-row insert's undo copy) in memory, and no
            // foreign-key lookups per row: a load writes only ids it has just read or created
            // in its own transaction (100k import: 7.6 s -> 7.2 s CPU).
            c.batch_execute("PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF;")?;
        }
    }
    let result = load(conn);
    let mut restored = Ok(());
    if switched {
        if let DbConnection::Sqlite(c) = conn {
            restored = c.batch_execute("PRAGMA temp_store = DEFAULT; PRAGMA foreign_keys = ON;");
            // Every new connection asks for WAL too: a failure here only delays it.
            if let Err(e) = set_journal_mode(c, "WAL") {
                tracing::warn!(error = %e, "could not switch back to WAL after a bulk load");
            }
        }
    }
    // The load's own error first: it says what went wrong with the data.
    let value = result?;
    restored?;
    Ok((switched, value))
}

fn set_journal_mode(conn: &mut diesel::SqliteConnection, mode: &str) -> QueryResult<String> {
    // A second connection waiting for its turn would only make this wait: fail at once.
    conn.batch_execute("PRAGMA busy_timeout = 0")?;
    let mode: QueryResult<JournalMode> =
        diesel::sql_query(format!("PRAGMA journal_mode = {mode}")).get_result(conn);
    conn.batch_execute(&format!(
        "PRAGMA busy_timeout = {}",
        super::SQLITE_BUSY_TIMEOUT_MS
    ))?;
    Ok(mode?.journal_mode.to_lowercase())
}
