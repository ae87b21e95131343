//! Test support: a fresh database per test (a temp SQLite file, or a new PostgreSQL
//! database when `PUBCOM_TEST_DATABASE_URL` names a server) and the app on port 0.

use diesel::connection::SimpleConnection;
use diesel::Connection;
use pubcom::db::{self, DatabaseUrl, DbConnection, Pool};
use pubcom::drafting::stock_phrases::StockPhrases;
use pubcom::intake::import::{self, ImportOptions, ImportReport};
use pubcom::intake::profile;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const MHLW_SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/import/samples/mhlw-gl6-draft-comments.tsv"
);
pub const MIC_SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/import/samples/mic-cloud-gl-published-excerpt.csv"
);

pub struct TestDb {
    pub url: DatabaseUrl,
    pub pool: Pool,
    _dir: Option<tempfile::TempDir>,
    drop_pg: Option<(String, String)>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl TestDb {
    pub fn new() -> TestDb {
        match std::env::var("PUBCOM_TEST_DATABASE_URL")
            .ok()
            .filter(|u| u.starts_with("postgres"))
        {
            Some(admin_url) => {
                let name = format!(
                    "pubcom_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    chrono::Utc::now().timestamp_subsec_nanos()
                );
                let mut admin = diesel::PgConnection::establish(&admin_url)
                    .expect("connect to the test PostgreSQL server");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .expect("URL with a database name");
                let url = DatabaseUrl::Postgres(format!("{base}/{name}"));
                let pool = db::connect(&url, 4).expect("migrate test database");
                TestDb {
                    url,
                    pool,
                    _dir: None,
                    drop_pg: Some((admin_url, name)),
                }
            }
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url =
                    DatabaseUrl::Sqlite(dir.path().join("test.sqlite3").display().to_string());
                let pool = db::connect(&url, 4).expect("migrate test database");
                TestDb {
                    url,
                    pool,
                    _dir: Some(dir),
                    drop_pg: None,
                }
            }
        }
    }

    pub fn conn(&self) -> db::PooledConnection {
        self.pool.get().expect("connection")
    }

    /// The `--database` value the CLI would be given for this database.
    pub fn cli_url(&self) -> String {
        match &self.url {
            DatabaseUrl::Sqlite(p) => format!("sqlite://{p}"),
            DatabaseUrl::Postgres(u) => u.clone(),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.drop_pg.take() {
            // Close our own connections first, then drop the database.
            let pool = std::mem::replace(&mut self.pool, dummy_pool());
            drop(pool);
            if let Ok(mut admin) = diesel::PgConnection::establish(&admin_url) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

fn dummy_pool() -> Pool {
    diesel::r2d2::Pool::builder()
        .max_size(1)
        .min_idle(Some(0))
        .build_unchecked(db::Manager::new(DatabaseUrl::Sqlite(":memory:".into())))
}

pub fn options(slug: &str) -> ImportOptions {
    ImportOptions {
        consultation: slug.to_string(),
        actor: "test".to_string(),
        ..Default::default()
    }
}

pub fn import_bytes(
    conn: &mut DbConnection,
    file: &str,
    bytes: &[u8],
    opts: &ImportOptions,
) -> anyhow::Result<ImportReport> {
    import::import_comments(
        conn,
        file,
        bytes,
        opts,
        &profile::builtin(),
        &StockPhrases::builtin().unwrap(),
        &mut |_, _| {},
    )
}

pub fn import_file(conn: &mut DbConnection, path: &str, slug: &str) -> ImportReport {
    let bytes = std::fs::read(path).expect("sample file");
    let name = std::path::Path::new(path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    import_bytes(conn, &name, &bytes, &options(slug)).expect("import succeeds")
}

/// The app on 127.0.0.1 with an OS-chosen port, served from a background thread.
pub fn spawn_app(pool: Pool) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        actix_web::rt::System::new()
            .block_on(async move { pubcom::startup::run(listener, pool).unwrap().await })
    });
    format!("http://{addr}")
}

pub fn get(url: &str) -> (u16, String) {
    match ureq::get(url).call() {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
        Err(e) => panic!("GET {url}: {e}"),
    }
}
