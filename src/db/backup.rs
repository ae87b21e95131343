//! `pubcom backup FILE`: a consistent copy of a SQLite database taken while the server runs.
//! `VACUUM INTO` reads the database in one read transaction (the WAL keeps writers going and
//! the copy sees none of their later changes) and writes a compact new file. PostgreSQL is
//! backed up with its own tools (`pg_dump`).

use super::DbConnection;
use diesel::prelude::*;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} はもうあります（上書きしません）")]
    Exists(String),
    #[error("PostgreSQL は pg_dump でバックアップしてください（例: pg_dump -Fc -f pubcom.dump DATABASE）")]
    Postgres,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Writes a consistent copy of the database to `target`, which must not exist yet.
pub fn sqlite_copy(conn: &mut DbConnection, target: &Path) -> Result<(), BackupError> {
    let DbConnection::Sqlite(c) = conn else {
        return Err(BackupError::Postgres);
    };
    if target.exists() {
        return Err(BackupError::Exists(target.display().to_string()));
    }
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(target.display().to_string())
        .execute(c)?;
    Ok(())
}
