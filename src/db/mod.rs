//! Database access: one connection type over SQLite and PostgreSQL, the r2d2 pool,
//! and the embedded migrations of both backends.

pub mod alone;
pub mod backup;
pub mod bulk;
pub mod schema;
pub mod search_index;
pub mod stamp;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The default database when neither `--database` nor `DATABASE_URL` names one.
pub const DEFAULT_SQLITE_FILE: &str = "pubcom.sqlite3";

diesel::define_sql_function! {
    /// A text in the form searches compare (`text::search_fold`): SQLite's search index and
    /// its scans call it; PostgreSQL uses its own `normalize(…, NFKC)`.
    fn pubcom_fold(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Runs the same diesel query on whichever backend the connection is, for what diesel's
/// `MultiConnection` cannot dispatch itself (multi-row inserts).
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Pg($c) => $body,
        }
    };
}

/// After a bulk load on PostgreSQL: statistics for the planner and the visibility map that
/// index-only scans need (a list filtered on a fresh million-row import otherwise reads the
/// table for every index entry). Runs outside any transaction. SQLite gets no `ANALYZE`:
/// taken while the search index is still empty, its statistics made filling that index
/// eight times slower, and no query needs them (see `stats::workload`).
pub fn refresh_after_bulk_load(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Pg(c) => c.batch_execute(
            "VACUUM (ANALYZE) comments, comment_search, submissions, responses, comment_clause_refs",
        ),
        DbConnection::Sqlite(_) => Ok(()),
    }
}

/// Ids bound in one `IN (…)` list: far below SQLite's 32,766 bound values and PostgreSQL's
/// 65,535, whatever else the statement binds.
pub const ID_CHUNK: usize = 10_000;

/// Runs `f` over `ids` a chunk of [`ID_CHUNK`] at a time (a 同旨 group of 51,135 comments
/// is one list), giving the results in order. Every `eq_any` over a list of ids goes here.
pub fn in_chunks<T, R>(
    ids: &[T],
    mut f: impl FnMut(&[T]) -> QueryResult<R>,
) -> QueryResult<Vec<R>> {
    ids.chunks(ID_CHUNK).map(&mut f).collect()
}

/// [`in_chunks`] for statements that count rows (updates, deletes, counts): the total.
pub fn count_in_chunks<T, N: Into<i64>>(
    ids: &[T],
    f: impl FnMut(&[T]) -> QueryResult<N>,
) -> QueryResult<i64> {
    Ok(in_chunks(ids, f)?.into_iter().map(Into::into).sum())
}

/// Rows per multi-row `INSERT`. The widest batched row has 12 columns: 24,000 values, under
/// SQLite's limit of 32,766 bound values (PostgreSQL's is 65,535). Fewer, larger statements
/// save an import work per statement: each copies the pages it changes to its statement
/// journal (1M import: 500 rows 59.0 s CPU, 2,000 rows 56.2 s).
pub const INSERT_BATCH: usize = 2000;

/// Runs a multi-row insert over `rows` in statements of `INSERT_BATCH` rows, then one for
/// the rest; gives each statement's result in order. Diesel keeps the prepared statement of
/// a fixed number of rows (an array) and reuses it: a full-batch statement was otherwise
/// prepared anew for every batch; it does so only for rows owning their values (a statement
/// is known by its types, and those may not borrow). `|batch, c| …` runs the insert of
/// `batch` (an array or a slice of rows) on the backend connection `c`.
#[macro_export]
macro_rules! insert_in_batches {
    ($conn:expr, $rows:expr, |$batch:ident, $c:ident| $run:expr) => {{
        let conn: &mut $crate::db::DbConnection = $conn;
        let rows = $rows;
        let mut results = Vec::new();
        let mut chunks = rows.chunks_exact($crate::db::INSERT_BATCH);
        for chunk in &mut chunks {
            let $batch: &[_; $crate::db::INSERT_BATCH] =
                chunk.try_into().expect("chunks_exact gives whole batches");
            results.push($crate::on_backend!(&mut *conn, |$c| $run));
        }
        let $batch = chunks.remainder();
        if !$batch.is_empty() {
            results.push($crate::on_backend!(&mut *conn, |$c| $run));
        }
        results.into_iter().collect::<diesel::QueryResult<Vec<_>>>()
    }};
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// Where the data lives, parsed from a URL: `sqlite://PATH`, a bare path, or `postgres://…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(url: Option<&str>) -> Self {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => DatabaseUrl::Sqlite(DEFAULT_SQLITE_FILE.to_string()),
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                DatabaseUrl::Postgres(u.to_string())
            }
            Some(u) => {
                let path = u
                    .strip_prefix("sqlite://")
                    .or_else(|| u.strip_prefix("sqlite:"))
                    .unwrap_or(u);
                DatabaseUrl::Sqlite(path.to_string())
            }
        }
    }

    /// A form safe to print: the password of a PostgreSQL URL is masked.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{path}"),
            DatabaseUrl::Postgres(url) => {
                let re = regex::Regex::new(r"://([^:/@]+):[^@]*@").expect("static regex");
                re.replace(url, "://$1:***@").into_owned()
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, DatabaseUrl::Postgres(_))
    }
}

/// How long a SQLite connection waits for another one's write lock.
pub const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;

/// Opens connections by URL scheme (never by trying each backend in turn) and applies the
/// SQLite pragmas on every new connection.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
    /// Read SQLite through a memory map (the web server: many small reads of hot pages).
    mapped: bool,
}

impl Manager {
    pub fn new(url: DatabaseUrl) -> Self {
        Manager { url, mapped: false }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                let mut conn =
                    diesel::PgConnection::establish(url).map_err(r2d2::Error::ConnectionError)?;
                // No JIT: pubcom's queries are short, and the cost estimate of a keyset page
                // over a large table made PostgreSQL spend ~0.6 s compiling each (measured on
                // a 100k 同旨 proposal: 20 pages, each 0.7 s with JIT, 0.09 s without).
                conn.batch_execute("SET jit = off")
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Pg(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(path)
                    .map_err(r2d2::Error::ConnectionError)?;
                pubcom_fold_utils::register_impl(&mut conn, |text: String| {
                    crate::text::search_fold(&text).into_owned()
                })
                .map_err(r2d2::Error::QueryError)?;
                // busy_timeout first: switching to WAL needs the lock when several open at once.
                // A new file gets 16 KB pages (comment texts of a few KB fill 4 KB pages badly:
                // 100k import 6.6 s -> 4.9 s; an existing file keeps its size). A 32 MB page
                // cache per connection, and for the server a memory map, instead of copying
                // every page from the OS on each query.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; PRAGMA page_size = 16384; \
                     PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                     PRAGMA cache_size = -32000;"
                ))
                .map_err(r2d2::Error::QueryError)?;
                if self.mapped {
                    conn.batch_execute("PRAGMA mmap_size = 2147418112;")
                        .map_err(r2d2::Error::QueryError)?;
                }
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// Builds the pool and brings the schema up to date.
pub fn connect(url: &DatabaseUrl, max_size: u32) -> anyhow::Result<Pool> {
    connect_with(Manager::new(url.clone()), max_size)
}

/// The web server's pool: SQLite read through a memory map (many small reads of the same
/// pages; a one-off command would only see its resident size grow by the mapped file).
pub fn connect_server(url: &DatabaseUrl, max_size: u32) -> anyhow::Result<Pool> {
    let manager = Manager {
        url: url.clone(),
        mapped: true,
    };
    connect_with(manager, max_size)
}

fn connect_with(manager: Manager, max_size: u32) -> anyhow::Result<Pool> {
    let url = manager.url.clone();
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(std::time::Duration::from_secs(15))
        .build(manager)
        .with_context(|| {
            let hint = match &url {
                // `pubcom import` may hold a SQLite file alone while it writes (db::bulk).
                DatabaseUrl::Sqlite(_) => {
                    "大量の取込などがファイルを使用中なら、終わってからやり直してください"
                }
                DatabaseUrl::Postgres(_) => {
                    "PostgreSQL が起動しているか、URL・ユーザー・パスワードを確認してください"
                }
            };
            format!("データベースに接続できません: {} ({hint})", url.redacted())
        })?;
    let mut conn = pool.get().context("データベース接続を取得できません")?;
    run_migrations(&mut conn)?;
    Ok(pool)
}

/// Brings the schema up to date. Servers starting together on one PostgreSQL database take
/// turns (an advisory lock): the first migrates, the others then find nothing to do.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<()> {
    alone::run_in_turn(conn, alone::Job::Migrations, |conn| {
        let result = match conn {
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
            DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        };
        result.map_err(|e| anyhow::anyhow!("マイグレーションに失敗しました: {e}"))
    })
}

/// The current UTC time as stored in `TIMESTAMP` columns.
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Errors that may mean SQLite's write lock was taken by another connection.
pub trait MaybeBusy {
    fn is_busy(&self) -> bool;
}

impl MaybeBusy for diesel::result::Error {
    fn is_busy(&self) -> bool {
        match self {
            diesel::result::Error::DatabaseError(_, info) => {
                let m = info.message();
                m.contains("database is locked") || m.contains("database table is locked")
            }
            _ => false,
        }
    }
}

impl MaybeBusy for anyhow::Error {
    fn is_busy(&self) -> bool {
        self.downcast_ref::<diesel::result::Error>()
            .is_some_and(MaybeBusy::is_busy)
    }
}

/// A writing transaction. On SQLite it begins `IMMEDIATE`, taking the write lock first: a
/// connection waits for another's write (an import, the search indexer) under
/// `busy_timeout`, and never finds its snapshot stale half-way, as a transaction that read
/// before writing does in WAL mode. If the lock stays busy, the whole unit runs again, for
/// at most `BUSY_BOUND` in all; then the busy error is returned (a web request answers 503
/// with the form kept, never 500). Nested calls are savepoints of the outer transaction.
pub fn transaction<T, E, F>(conn: &mut DbConnection, mut f: F) -> Result<T, E>
where
    F: FnMut(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error> + MaybeBusy,
{
    let started = std::time::Instant::now();
    let mut attempt = 0u32;
    loop {
        match run_once(conn, &mut f) {
            Err(e) if e.is_busy() && started.elapsed() < BUSY_BOUND => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(
                    5 * u64::from(attempt.min(40)),
                ));
            }
            other => return other,
        }
    }
}

/// How long a write keeps trying while SQLite's write lock is held by someone else.
pub const BUSY_BOUND: std::time::Duration = std::time::Duration::from_secs(30);

fn run_once<T, E, F>(conn: &mut DbConnection, f: &mut F) -> Result<T, E>
where
    F: FnMut(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <DbConnection as Connection>::TransactionManager;
    let outermost_sqlite = match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c)
            .transaction_depth()?
            .is_none(),
        DbConnection::Pg(_) => false,
    };
    match conn {
        DbConnection::Sqlite(c) if outermost_sqlite => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        _ => Manager::begin_transaction(conn)?,
    }
    // As diesel's own `Connection::transaction` ends one (a failed commit is rolled back
    // by the transaction manager itself).
    match f(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(user_error) => match Manager::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(user_error),
            Err(rollback_error) => Err(rollback_error.into()),
        },
    }
}
