//! Two `pubcom serve` on one PostgreSQL database behave as one: a login made on one is valid
//! on the other, the mail round runs once across both, and servers starting together do not
//! trip over each other's migrations. SQLite is for one server process: these run on
//! PostgreSQL only (without PUBCOM_TEST_DATABASE_URL they say so and return).

use crate::helpers::*;
use crate::smtp_sink::SmtpSink;
use pubcom::auth::{accounts::Actor, Role};
use pubcom::db::{self, DatabaseUrl};
use pubcom::mail::{
    transport::{MailConfig, Security},
    worker::MailJob,
};

fn postgres(db: &TestDb) -> bool {
    let pg = matches!(db.url, DatabaseUrl::Postgres(_));
    if !pg {
        eprintln!("two servers share a PostgreSQL database only: skipped on SQLite");
    }
    pg
}

#[test]
fn two_servers_share_logins_and_send_each_digest_once() {
    let db = TestDb::new();
    if !postgres(&db) {
        return;
    }
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    add_user(&db, "coord", Role::Coordinator, false, &["gl6"]);
    let c = pubcom::models::consultation::find_by_slug(&mut db.conn(), "gl6")
        .unwrap()
        .unwrap();
    // 50 assignments to five drafters.
    for d in 0..5 {
        let login = format!("drafter{d}");
        add_user(&db, &login, Role::Drafter, false, &["gl6"]);
        let user = pubcom::models::user::find_by_login(&mut db.conn(), &login)
            .unwrap()
            .unwrap();
        let targets: Vec<_> = (1..=10)
            .map(|i| {
                pubcom::models::comment::find_by_no(
                    &mut db.conn(),
                    c.id(),
                    pubcom::domain::CommentNo {
                        number: d * 10 + i,
                        part: 0,
                    },
                )
                .unwrap()
                .unwrap()
            })
            .collect();
        pubcom::triage::tagging::assign(
            &mut db.conn(),
            &Actor::system("t"),
            c.id(),
            &targets,
            user.id,
            None,
        )
        .unwrap();
    }
    let other = db::connect(&db.url, 4).unwrap();
    // A login on server A is valid on server B.
    let (a, b) = (spawn_app(db.pool.clone()), spawn_app(other.clone()));
    let on_a = Client::login(&a, "coord", PASSWORD);
    let mut on_b = on_a.clone();
    on_b.base = b.clone();
    assert_eq!(on_b.get("/c/gl6").status, 200);
    // Both servers run their mail rounds at once, many times.
    let sink = SmtpSink::start(0);
    let config = MailConfig::Smtp {
        host: "127.0.0.1".into(),
        port: sink.port,
        security: Security::None,
        user: None,
        password: None,
        from: "pubcom@example.invalid".into(),
    };
    let start = std::sync::Arc::new(std::sync::Barrier::new(2));
    let rounds: Vec<_> = [db.pool.clone(), other]
        .into_iter()
        .map(|pool| {
            let config = config.clone();
            let start = start.clone();
            std::thread::spawn(move || {
                let mailer = pubcom::mail::transport::Mailer::new(&config).unwrap();
                let job = MailJob {
                    pool,
                    config,
                    templates_dir: "templates".into(),
                    public_url: "http://x".into(),
                };
                start.wait();
                for _ in 0..20 {
                    job.run_once(&mailer).unwrap();
                }
            })
        })
        .collect();
    for r in rounds {
        r.join().unwrap();
    }
    let got = sink.received();
    let mut to: Vec<String> = got.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(
        to,
        (0..5)
            .map(|d| format!("<drafter{d}@example.invalid>"))
            .collect::<Vec<_>>(),
        "one digest per drafter, none twice"
    );
}

#[test]
fn servers_starting_together_take_turns_at_the_migrations() {
    let Ok(admin_url) = std::env::var("PUBCOM_TEST_DATABASE_URL") else {
        eprintln!("PostgreSQL only: skipped");
        return;
    };
    use diesel::{connection::SimpleConnection, Connection};
    let name = format!("pubcom_migrate_{}", std::process::id());
    let mut admin = diesel::PgConnection::establish(&admin_url).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let base = admin_url.rsplit_once('/').unwrap().0.to_string();
    let url = DatabaseUrl::Postgres(format!("{base}/{name}"));
    let start = std::sync::Arc::new(std::sync::Barrier::new(3));
    let servers: Vec<_> = (0..3)
        .map(|_| {
            let (url, start) = (url.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                db::connect(&url, 1).map(|_| ())
            })
        })
        .collect();
    let results: Vec<_> = servers.into_iter().map(|s| s.join().unwrap()).collect();
    admin
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .unwrap();
    for r in results {
        r.expect("every server starts");
    }
}
