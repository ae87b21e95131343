//! Every write is one function of its stage module, in one transaction with its audit
//! event: a refused write leaves no event, a successful one exactly one.

use crate::helpers::*;
use diesel::prelude::*;
use pubcom::auth::accounts::Actor;
use pubcom::domain::{CategoryId, CommentNo, ConsultationId, Disposition, SubmitterKind};
use pubcom::models::comment_list;
use pubcom::models::{comment, consultation};

fn events(db: &TestDb, action: &str) -> i64 {
    use pubcom::db::schema::audit_events;
    audit_events::table
        .filter(audit_events::action.eq(action))
        .count()
        .get_result(&mut db.conn())
        .unwrap()
}

fn setup() -> (TestDb, ConsultationId, comment::Comment) {
    let db = TestDb::new();
    let csv = "資料NO.,氏名・名称,属性,意見\n1,個人A,個人,連絡は a@example.jp へ。意見です。\n2,株式会社テスト,法人,別の意見です。\n";
    import_bytes(&mut db.conn(), "s.csv", csv.as_bytes(), &options("s")).unwrap();
    let c = consultation::find_by_slug(&mut db.conn(), "s")
        .unwrap()
        .unwrap();
    let one = comment::find_by_no(&mut db.conn(), c.id(), CommentNo { number: 1, part: 0 })
        .unwrap()
        .unwrap();
    (db, c.id(), one)
}

/// Runs a refused and then a successful call of one write and counts its events.
fn once(db: &TestDb, action: &str, refused: impl FnOnce() -> bool, done: impl FnOnce() -> bool) {
    assert!(refused(), "{action}: the bad call is refused");
    assert_eq!(
        events(db, action),
        0,
        "{action}: a refused write leaves no event"
    );
    assert!(done(), "{action}: the good call succeeds");
    assert_eq!(
        events(db, action),
        1,
        "{action}: a write leaves exactly one event"
    );
}

#[test]
fn each_stage_writes_with_exactly_one_audit_event_or_none() {
    let (db, cid, one) = setup();
    let actor = Actor::system("test");
    let conn = || db.conn();

    // intake: the import itself (a header-only file is refused).
    assert_eq!(events(&db, "import"), 1);
    assert!(import_bytes(
        &mut conn(),
        "e.csv",
        "No.,御意見\n".as_bytes(),
        &options("s")
    )
    .is_err());
    assert_eq!(events(&db, "import"), 1);

    // triage
    once(
        &db,
        "category_add",
        || pubcom::triage::tagging::add_category(&mut conn(), &actor, cid, "  ").is_err(),
        || pubcom::triage::tagging::add_category(&mut conn(), &actor, cid, "新しい分類").is_ok(),
    );
    let other = ConsultationId(cid.0 + 1000);
    let sub = pubcom::models::submitter::for_consultation(&mut conn(), cid).unwrap()[0].id;
    once(
        &db,
        "submitter_kind",
        || {
            pubcom::triage::submitters::set_kind(
                &mut conn(),
                &actor,
                other,
                sub,
                SubmitterKind::Organization,
            )
            .is_err()
        },
        || {
            pubcom::triage::submitters::set_kind(
                &mut conn(),
                &actor,
                cid,
                sub,
                SubmitterKind::Organization,
            )
            .is_ok()
        },
    );
    add_user(&db, "drafter", pubcom::auth::Role::Drafter, false, &["s"]);
    let drafter = pubcom::models::user::find_by_login(&mut conn(), "drafter")
        .unwrap()
        .unwrap()
        .id;
    once(
        &db,
        "routing_rule_add",
        || {
            pubcom::triage::routing::add_rule(&mut conn(), &actor, cid, None, None, drafter)
                .is_err()
        },
        || {
            pubcom::triage::routing::add_rule(&mut conn(), &actor, cid, Some("3"), None, drafter)
                .is_ok()
        },
    );
    once(
        &db,
        "tag",
        || {
            let change = pubcom::triage::tagging::TagChange {
                clause: None,
                category: Some(Some(CategoryId(999_999))),
            };
            pubcom::triage::tagging::tag(
                &mut conn(),
                &actor,
                cid,
                std::slice::from_ref(&one),
                change,
            )
            .is_err()
        },
        || {
            let cat = pubcom::models::category::for_consultation(&mut conn(), cid).unwrap()[0].id;
            let change = pubcom::triage::tagging::TagChange {
                clause: None,
                category: Some(Some(cat)),
            };
            pubcom::triage::tagging::tag(
                &mut conn(),
                &actor,
                cid,
                std::slice::from_ref(&one),
                change,
            )
            .is_ok_and(|n| n == 1)
        },
    );

    // drafting
    let editor = pubcom::drafting::answers::Editor {
        actor: &actor,
        is_reviewer: false,
    };
    once(
        &db,
        "answer_save",
        || {
            matches!(
                pubcom::drafting::answers::save(
                    &mut conn(),
                    &editor,
                    &one,
                    Disposition::Noted,
                    " ",
                    None
                ),
                Ok(pubcom::drafting::answers::Outcome::Refused(_))
            )
        },
        || {
            matches!(
                pubcom::drafting::answers::save(
                    &mut conn(),
                    &editor,
                    &one,
                    Disposition::Noted,
                    "参考にします。",
                    None
                ),
                Ok(pubcom::drafting::answers::Outcome::Saved { .. })
            )
        },
    );
    once(
        &db,
        "phrase_add",
        || {
            pubcom::drafting::stock_phrases::add(&mut conn(), &actor, cid, Disposition::Noted, "")
                .is_err()
        },
        || {
            pubcom::drafting::stock_phrases::add(
                &mut conn(),
                &actor,
                cid,
                Disposition::Noted,
                "定型文",
            )
            .is_ok()
        },
    );
    let form = |original: &str| pubcom::drafting::revisions::RevisionForm {
        clause_label: "1.1".into(),
        original_text: original.into(),
        revised_text: if original.is_empty() {
            String::new()
        } else {
            "新".into()
        },
        comments: vec![one.id()],
        ..Default::default()
    };
    once(
        &db,
        "revision_create",
        || {
            matches!(
                pubcom::drafting::revisions::save(&mut conn(), &actor, cid, &form(""), None),
                Ok(pubcom::drafting::revisions::Outcome::Refused(_))
            )
        },
        || {
            matches!(
                pubcom::drafting::revisions::save(&mut conn(), &actor, cid, &form("旧"), None),
                Ok(pubcom::drafting::revisions::Outcome::Saved { .. })
            )
        },
    );

    // publish
    let redaction = |original: &'static str| pubcom::publish::redactions::Redaction {
        original,
        replacement: "［削除］",
        reason: "個人情報",
    };
    once(
        &db,
        "redact",
        || {
            pubcom::publish::redactions::redact(
                &mut conn(),
                &actor,
                cid,
                &one,
                &redaction("本文にない文"),
                "test",
            )
            .is_err()
        },
        || {
            pubcom::publish::redactions::redact(
                &mut conn(),
                &actor,
                cid,
                &one,
                &redaction("a@example.jp"),
                "test",
            )
            .is_ok()
        },
    );
    let c = consultation::find_by_slug(&mut conn(), "s")
        .unwrap()
        .unwrap();
    let request = |final_version: bool| pubcom::publish::export::Request {
        document: pubcom::publish::export::Document::Results,
        format: pubcom::publish::export::Format::Csv,
        layout: pubcom::publish::results::Layout::Mic,
        options: pubcom::publish::results::ResultOptions {
            final_version,
            ..Default::default()
        },
    };
    once(
        &db,
        "export",
        || {
            pubcom::publish::export::export_for(&mut conn(), &actor, &c, &request(true), "test")
                .is_err()
        },
        || {
            pubcom::publish::export::export_for(&mut conn(), &actor, &c, &request(false), "test")
                .is_ok()
        },
    );

    // consultation admin
    once(
        &db,
        "consultation_title",
        || pubcom::consultations::set_title(&mut conn(), &actor, &c, "").is_err(),
        || pubcom::consultations::set_title(&mut conn(), &actor, &c, "新しい題名").is_ok(),
    );

    // auth
    once(
        &db,
        "login_success",
        || {
            let (outcome, _) =
                pubcom::auth::login::sign_in(&mut conn(), "drafter", "wrong", pubcom::db::now())
                    .unwrap();
            !matches!(outcome, pubcom::auth::login::Outcome::Success(_))
        },
        || {
            let (outcome, secret) =
                pubcom::auth::login::sign_in(&mut conn(), "drafter", PASSWORD, pubcom::db::now())
                    .unwrap();
            matches!(outcome, pubcom::auth::login::Outcome::Success(_)) && secret.is_some()
        },
    );
    assert_eq!(
        events(&db, "login_failure"),
        1,
        "the refused sign-in has its own one event"
    );
}

#[test]
fn a_stored_code_that_means_nothing_is_an_error_not_a_default() {
    use pubcom::db::schema::{responses, submitters, users};
    use pubcom::models::{response, submitter, user};
    let (db, cid, one) = setup();
    let mut conn = db.conn();
    response::insert(
        &mut conn,
        one.id(),
        Disposition::Noted,
        "回答",
        pubcom::domain::ResponseState::Drafting,
        None,
    )
    .unwrap();
    assert_eq!(
        response::for_comment(&mut conn, one.id())
            .unwrap()
            .unwrap()
            .state(),
        pubcom::domain::ResponseState::Drafting
    );

    diesel::update(responses::table)
        .set(responses::state.eq("finished"))
        .execute(&mut conn)
        .unwrap();
    let err = response::for_comment(&mut conn, one.id()).unwrap_err();
    assert!(
        format!("{err:?}").contains("finished"),
        "the error names the field and the stored value: {err:?}"
    );
    assert!(comment_list::list(&mut conn, cid, &Default::default(), 0, None).is_err());

    diesel::update(submitters::table)
        .set(submitters::kind.eq("person"))
        .execute(&mut conn)
        .unwrap();
    assert!(submitter::for_consultation(&mut conn, cid).is_err());

    add_user(&db, "odd", pubcom::auth::Role::Drafter, false, &[]);
    diesel::update(users::table.filter(users::login.eq("odd")))
        .set(users::role.eq("superuser"))
        .execute(&mut conn)
        .unwrap();
    assert!(
        user::find_by_login(&mut conn, "odd").is_err(),
        "an unknown role is not read as the least privileged one, nor as any other"
    );
}
