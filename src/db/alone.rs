//! Work that must run once across every `pubcom serve` sharing a database: the mail round
//! (digests and the outbox), the 同旨 catch-up, the migrations. On PostgreSQL a job takes an
//! advisory lock named after it, held by the connection doing the work: a second server
//! finds it taken and skips its round (or, for migrations, waits). SQLite is one file used
//! by one server process; its own locking is enough there.

use super::DbConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};

/// The jobs, each with its own lock key (fixed numbers: every server must agree on them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Migrations,
    MailRound,
    GroupCatchUp,
}

impl Job {
    fn key(self) -> i64 {
        // "pubcom" in ASCII, then the job: clear in pg_locks, unlikely to meet another app's.
        const BASE: i64 = 0x7075_6263_6f6d_0000;
        BASE + match self {
            Job::Migrations => 1,
            Job::MailRound => 2,
            Job::GroupCatchUp => 3,
        }
    }
}

#[derive(QueryableByName)]
struct Taken {
    #[diesel(sql_type = Bool)]
    taken: bool,
}

/// Runs `work` unless another server is running the same job now (then `Ok(None)`).
pub fn run_alone<T>(
    conn: &mut DbConnection,
    job: Job,
    work: impl FnOnce(&mut DbConnection) -> anyhow::Result<T>,
) -> anyhow::Result<Option<T>> {
    let DbConnection::Pg(pg) = conn else {
        return work(conn).map(Some);
    };
    let got: Taken = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS taken")
        .bind::<BigInt, _>(job.key())
        .get_result(pg)?;
    if !got.taken {
        return Ok(None);
    }
    let result = work(conn);
    unlock(conn, job)?;
    result.map(Some)
}

/// Runs `work` once every other server's run of the same job has finished (migrations: the
/// second server to start waits, then finds nothing left to do).
pub fn run_in_turn<T>(
    conn: &mut DbConnection,
    job: Job,
    work: impl FnOnce(&mut DbConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let DbConnection::Pg(pg) = conn else {
        return work(conn);
    };
    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<BigInt, _>(job.key())
        .execute(pg)?;
    let result = work(conn);
    unlock(conn, job)?;
    result
}

fn unlock(conn: &mut DbConnection, job: Job) -> anyhow::Result<()> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_unlock($1)")
            .bind::<BigInt, _>(job.key())
            .execute(pg)?;
    }
    Ok(())
}
