//! Mail: digests per person, the outbox, SMTP against a real local server, and retries.

use crate::helpers::*;
use crate::smtp_sink::SmtpSink;
use pubcom::auth::Role;
use pubcom::mail::{
    digest, sender,
    transport::{MailConfig, Mailer, Security},
};
use pubcom::models::outbox;

fn smtp(port: u16) -> (MailConfig, Mailer) {
    let config = MailConfig::Smtp {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        user: None,
        password: None,
        from: "pubcom@example.invalid".into(),
    };
    let mailer = Mailer::new(&config).unwrap();
    (config, mailer)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn assign_all(db: &TestDb, base: &str, nos: &[&str], due: &str) {
    let coord = Client::login(base, "coord", PASSWORD);
    let drafter = pubcom::models::user::find_by_login(&mut db.conn(), "drafter")
        .unwrap()
        .unwrap()
        .id
        .to_string();
    for no in nos {
        let r = coord.post(
            &format!("/c/gl6/comments/{no}/assign"),
            &[("drafter", &drafter), ("due_on", due)],
        );
        assert_eq!(r.status, 303);
    }
}

fn setup() -> (TestDb, String) {
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    add_user(&db, "coord", Role::Coordinator, false, &["gl6"]);
    add_user(&db, "drafter", Role::Drafter, false, &["gl6"]);
    let base = spawn_app(db.pool.clone());
    (db, base)
}

#[test]
fn a_drafter_gets_one_digest_for_many_assignments_sent_over_smtp() {
    let (db, base) = setup();
    assign_all(&db, &base, &["1", "2", "3"], "2026-12-24");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let queued = digest::queue(
        &mut db.conn(),
        std::path::Path::new("templates"),
        "https://pubcom.example",
        today,
    )
    .unwrap();
    assert_eq!(queued, 1, "one mail, not one per comment");
    let sink = SmtpSink::start(0);
    let (config, mailer) = smtp(sink.port);
    let report = sender::send_due(
        &mut db.conn(),
        &mailer,
        config.from_address(),
        pubcom::db::now(),
    )
    .unwrap();
    assert_eq!((report.sent, report.failed), (1, 0));
    let got = sink.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, vec!["<drafter@example.invalid>"]);
    assert_eq!(got[0].from, "<pubcom@example.invalid>");
    assert!(got[0].data.contains("Subject:"), "{}", got[0].data);
    let outbox = outbox::all(&mut db.conn()).unwrap();
    assert!(
        outbox[0].body.contains("新しく担当になった意見（3 件）"),
        "{}",
        outbox[0].body
    );
    assert!(outbox[0]
        .body
        .contains("https://pubcom.example/c/gl6/comments/2"));
    assert!(outbox[0].sent_at.is_some());
    // Nothing new: no second digest.
    assert_eq!(
        digest::queue(
            &mut db.conn(),
            std::path::Path::new("templates"),
            "x",
            today
        )
        .unwrap(),
        0
    );
}

#[test]
fn work_due_tomorrow_is_in_that_days_digest_once() {
    let (db, base) = setup();
    assign_all(&db, &base, &["5"], "2026-12-02");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    digest::queue(
        &mut db.conn(),
        std::path::Path::new("templates"),
        "x",
        today,
    )
    .unwrap();
    let first = outbox::all(&mut db.conn()).unwrap();
    assert!(
        first[0].body.contains("明日が期限の意見（1 件）"),
        "{}",
        first[0].body
    );
    assert_eq!(
        digest::queue(
            &mut db.conn(),
            std::path::Path::new("templates"),
            "x",
            today
        )
        .unwrap(),
        0,
        "reminded once a day"
    );
}

#[test]
fn when_smtp_is_down_nothing_is_lost_and_the_outbox_retries_with_backoff() {
    let (db, base) = setup();
    assign_all(&db, &base, &["7"], "2026-12-24");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    digest::queue(
        &mut db.conn(),
        std::path::Path::new("templates"),
        "x",
        today,
    )
    .unwrap();
    let port = free_port(); // nothing listens there yet
    let (config, mailer) = smtp(port);
    let now = pubcom::db::now();
    let r = sender::send_due(&mut db.conn(), &mailer, config.from_address(), now).unwrap();
    assert_eq!((r.sent, r.failed), (0, 1));
    let m = &outbox::all(&mut db.conn()).unwrap()[0];
    assert_eq!((m.attempts, m.sent_at), (1, None));
    assert!(m.last_error.is_some());
    assert!(m.next_attempt_at > now, "it waits before the next attempt");
    assert!(
        pubcom::models::assignment::for_comment(&mut db.conn(), find_comment(&db, 7))
            .unwrap()
            .is_some(),
        "the assignment itself was saved"
    );
    // Not due yet: no attempt.
    assert_eq!(
        sender::send_due(&mut db.conn(), &mailer, config.from_address(), now)
            .unwrap()
            .failed,
        0
    );
    // The server comes up; at the retry time the mail goes.
    let sink = SmtpSink::start(port);
    let later = now + chrono::Duration::minutes(2);
    assert_eq!(
        sender::send_due(&mut db.conn(), &mailer, config.from_address(), later)
            .unwrap()
            .sent,
        1
    );
    assert_eq!(sink.received().len(), 1);
}

fn find_comment(db: &TestDb, no: i32) -> pubcom::domain::CommentId {
    let mut conn = db.conn();
    let c = pubcom::models::consultation::find_by_slug(&mut conn, "gl6")
        .unwrap()
        .unwrap();
    pubcom::models::comment::find_by_no(
        &mut conn,
        c.id(),
        pubcom::domain::CommentNo {
            number: no,
            part: 0,
        },
    )
    .unwrap()
    .unwrap()
    .id()
}

#[test]
fn the_file_transport_writes_eml_files() {
    let (db, base) = setup();
    assign_all(&db, &base, &["9"], "2026-12-24");
    digest::queue(
        &mut db.conn(),
        std::path::Path::new("templates"),
        "x",
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = MailConfig::File {
        dir: dir.path().to_path_buf(),
        from: "pubcom@example.invalid".into(),
    };
    let mailer = Mailer::new(&config).unwrap();
    assert_eq!(
        sender::send_due(
            &mut db.conn(),
            &mailer,
            config.from_address(),
            pubcom::db::now()
        )
        .unwrap()
        .sent,
        1
    );
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].path().extension().is_some_and(|e| e == "eml"));
}
