//! Test support: a fresh database per test (a temp SQLite file, or a new PostgreSQL
//! database when `PUBCOM_TEST_DATABASE_URL` names a server) and the app on port 0.

use diesel::connection::SimpleConnection;
use diesel::Connection;
use pubcom::auth::{accounts, Role};
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

/// The server part of a PostgreSQL URL (without the database name).
fn server_url(admin_url: &str) -> String {
    admin_url
        .rsplit_once('/')
        .map(|(b, _)| b.to_string())
        .expect("URL with a database name")
}

/// A database with every migration run, cloned for each test (`CREATE DATABASE … TEMPLATE`)
/// instead of migrating each one. Named by a hash of the migrations, so a changed migration
/// gets a new template; made under a temporary name and renamed once complete.
fn migrated_template(admin_url: &str) -> String {
    static TEMPLATE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            use sha2::Digest;
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
            let mut files: Vec<_> = walk(&dir);
            files.sort();
            let mut hash = sha2::Sha256::new();
            for f in &files {
                hash.update(f.to_string_lossy().as_bytes());
                hash.update(std::fs::read(f).expect("migration file"));
            }
            let name = format!("pubcom_template_{}", &hex::encode(hash.finalize())[..16]);
            let mut admin = diesel::PgConnection::establish(admin_url)
                .expect("connect to the test PostgreSQL server");
            #[derive(diesel::QueryableByName)]
            struct Found {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            use diesel::RunQueryDsl;
            let found: Found =
                diesel::sql_query("SELECT COUNT(*) AS n FROM pg_database WHERE datname = $1")
                    .bind::<diesel::sql_types::Text, _>(&name)
                    .get_result(&mut admin)
                    .expect("look for the template");
            if found.n == 0 {
                let making = format!("{name}_{}", std::process::id());
                admin
                    .batch_execute(&format!("CREATE DATABASE {making}"))
                    .expect("create the template database");
                let url = DatabaseUrl::Postgres(format!("{}/{making}", server_url(admin_url)));
                drop(db::connect(&url, 1).expect("migrate the template database"));
                // Another test process may have finished its own first: keep either.
                if admin
                    .batch_execute(&format!("ALTER DATABASE {making} RENAME TO {name}"))
                    .is_err()
                {
                    let _ = admin.batch_execute(&format!("DROP DATABASE {making} WITH (FORCE)"));
                }
            }
            name
        })
        .clone()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("migrations folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

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
                let template = migrated_template(&admin_url);
                let mut admin = diesel::PgConnection::establish(&admin_url)
                    .expect("connect to the test PostgreSQL server");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                    .expect("create test database");
                let base = server_url(&admin_url);
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
        std::io::Cursor::new(bytes),
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
    let settings = pubcom::config::Settings::for_database(DatabaseUrl::Sqlite("unused".into()));
    let state = pubcom::startup::AppState::new(pool, &settings).expect("app state");
    std::thread::spawn(move || {
        actix_web::rt::System::new()
            .block_on(async move { pubcom::startup::run(listener, state).unwrap().await })
    });
    format!("http://{addr}")
}

pub const PASSWORD: &str = "test-password-123";

/// Adds a user with `PASSWORD`, a member of the given consultations in its role.
pub fn add_user(db: &TestDb, login: &str, role: Role, personal: bool, consultations: &[&str]) {
    let mut conn = db.conn();
    let actor = accounts::Actor::system("test");
    let account = accounts::NewAccount {
        login: login.into(),
        display_name: format!("{login} さん"),
        email: format!("{login}@example.invalid"),
        role,
        can_view_personal: personal,
        password: Some(PASSWORD.into()),
    };
    accounts::add_user(&mut conn, &actor, &account).unwrap();
    for slug in consultations {
        let c = pubcom::models::consultation::find_by_slug(&mut conn, slug)
            .unwrap()
            .unwrap();
        accounts::set_membership(&mut conn, &actor, login, c.id(), Some(role)).unwrap();
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub set_cookie: Vec<String>,
    pub headers: Vec<(String, String)>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A browser stand-in: keeps the session cookie and the page's CSRF token, follows no redirects.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    agent: ureq::Agent,
}

fn into_response(result: Result<ureq::Response, ureq::Error>) -> ureq::Response {
    match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    }
}

fn read(result: Result<ureq::Response, ureq::Error>) -> Resp {
    let r = into_response(result);
    let mut headers = Vec::new();
    for name in r.headers_names() {
        for v in r.all(&name) {
            headers.push((name.clone(), v.to_string()));
        }
    }
    let set_cookie = r.all("set-cookie").into_iter().map(String::from).collect();
    let location = r.header("location").map(String::from);
    let status = r.status();
    let mut body = Vec::new();
    std::io::Read::read_to_end(&mut r.into_reader(), &mut body).unwrap();
    Resp {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
        location,
        set_cookie,
        headers,
    }
}

pub fn hidden_csrf(body: &str) -> Option<String> {
    let re = regex::Regex::new(r#"name="csrf" value="([^"]+)""#).unwrap();
    re.captures(body).map(|c| c[1].to_string())
}

impl Client {
    pub fn anonymous(base: &str) -> Client {
        Client {
            base: base.to_string(),
            cookie: None,
            csrf: None,
            agent: ureq::AgentBuilder::new().redirects(0).build(),
        }
    }

    /// Signs in through the login form and picks up the CSRF token from the first page.
    pub fn login(base: &str, login: &str, password: &str) -> Client {
        let mut c = Client::anonymous(base);
        let r = c.try_login(login, password);
        assert_eq!(r.status, 303, "login as {login}: {}", r.body);
        let session = r
            .set_cookie
            .iter()
            .find(|c| c.starts_with("pubcom_session="))
            .expect("session cookie");
        c.cookie = Some(session.split(';').next().unwrap().to_string());
        let home = c.get("/account");
        c.csrf = hidden_csrf(&home.body);
        assert!(c.csrf.is_some(), "a CSRF token on the account page");
        c
    }

    pub fn try_login(&self, login: &str, password: &str) -> Resp {
        let form = read(self.agent.get(&format!("{}/login", self.base)).call());
        let csrf = hidden_csrf(&form.body).expect("login form token");
        let cookie = form
            .set_cookie
            .iter()
            .find(|c| c.starts_with("pubcom_login="))
            .expect("login cookie")
            .split(';')
            .next()
            .unwrap()
            .to_string();
        read(
            self.agent
                .post(&format!("{}/login", self.base))
                .set("Cookie", &cookie)
                .send_form(&[("login", login), ("password", password), ("csrf", &csrf)]),
        )
    }

    fn request(&self, method: &str, path: &str) -> ureq::Request {
        let mut req = self
            .agent
            .request(method, &format!("{}{}", self.base, path));
        if let Some(c) = &self.cookie {
            req = req.set("Cookie", c);
        }
        req
    }

    pub fn get(&self, path: &str) -> Resp {
        read(self.request("GET", path).call())
    }

    pub fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let r = into_response(self.request("GET", path).call());
        let status = r.status();
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut r.into_reader(), &mut body).unwrap();
        (status, body)
    }

    /// Posts a form with this session's CSRF token added.
    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if let Some(t) = &self.csrf {
            all.push(("csrf", t));
        }
        read(self.request("POST", path).send_form(&all))
    }

    /// Posts a form exactly as given: no CSRF token unless the fields hold one.
    pub fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        self.send_raw("POST", path, fields)
    }

    /// Sends a form with any method, exactly as given.
    pub fn send_raw(&self, method: &str, path: &str, fields: &[(&str, &str)]) -> Resp {
        read(self.request(method, path).send_form(fields))
    }

    /// Sends JSON with a bearer token.
    pub fn json_with_bearer(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> Resp {
        read(
            self.request(method, path)
                .set("Authorization", &format!("Bearer {token}"))
                .set("Content-Type", "application/json")
                .send_string(&body.to_string()),
        )
    }

    /// Uploads a file as a browser's form does (multipart), with this session's CSRF token in
    /// the query as the upload forms put it.
    pub fn upload(
        &self,
        path: &str,
        file_name: &str,
        bytes: &[u8],
        fields: &[(&str, &str)],
    ) -> Resp {
        let boundary = "----pubcom-test-boundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let csrf = self.csrf.clone().unwrap_or_default();
        let sep = if path.contains('?') { '&' } else { '?' };
        read(
            self.request("POST", &format!("{path}{sep}csrf={csrf}"))
                .set(
                    "Content-Type",
                    &format!("multipart/form-data; boundary={boundary}"),
                )
                .send_bytes(&body),
        )
    }

    pub fn get_with_bearer(&self, path: &str, token: &str) -> Resp {
        read(
            self.request("GET", path)
                .set("Authorization", &format!("Bearer {token}"))
                .call(),
        )
    }
}

/// The first sheet of an XLSX file as rows of cell texts (empty cells as "").
pub fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// A new API token of `login` with `role`; the secret.
pub fn api_token(db: &TestDb, login: &str, role: Role) -> String {
    accounts::create_token(
        &mut db.conn(),
        &accounts::Actor::system("test"),
        login,
        "test",
        role,
    )
    .unwrap()
    .1
}
