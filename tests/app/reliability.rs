//! Nothing lost, nobody exposed: what a hostile or unlucky user tried (issue 14) — edits
//! submitted as shown, bulk answers that keep answers, individuals never published by name,
//! ids of another consultation refused, the login lock under concurrency, long cells,
//! control characters, empty files, and writes while an import runs.

use crate::helpers::*;

use diesel::prelude::*;
use pubcom::auth::{accounts::Actor, Role};
use pubcom::domain::{CommentNo, ConsultationId, ResponseState, SubmitterKind};
use pubcom::models::{comment, consultation, response, submitter};
use pubcom::publish::{check, results, writers};

fn consultation_id(db: &TestDb, slug: &str) -> ConsultationId {
    consultation::find_by_slug(&mut db.conn(), slug)
        .unwrap()
        .unwrap()
        .id()
}

fn comment_no(db: &TestDb, slug: &str, no: i32) -> comment::Comment {
    comment::find_by_no(
        &mut db.conn(),
        consultation_id(db, slug),
        CommentNo {
            number: no,
            part: 0,
        },
    )
    .unwrap()
    .unwrap()
}

fn answer(db: &TestDb, slug: &str, no: i32) -> Option<response::Response> {
    response::for_comment(&mut db.conn(), comment_no(db, slug, no).id()).unwrap()
}

fn audit_count(db: &TestDb, action: &str) -> i64 {
    use pubcom::db::schema::audit_events;
    audit_events::table
        .filter(audit_events::action.eq(action))
        .count()
        .get_result(&mut db.conn())
        .unwrap()
}

// ---- Edits are never lost ----

#[test]
fn submitting_for_review_sends_the_answer_on_the_screen_or_nothing() {
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    add_user(&db, "drafter", Role::Drafter, false, &["gl6"]);
    let base = spawn_app(db.pool.clone());
    let d = Client::login(&base, "drafter", PASSWORD);
    let before = answer(&db, "gl6", 5).expect("the sample answers No. 5");
    let page = d.get("/c/gl6/comments/5");
    assert!(page.body.contains("保存して確認を依頼"));
    assert!(
        !page.body.contains("name=\"action\" value=\"submit\""),
        "no submit button that would send the stored text instead of the screen's"
    );
    let edited = "画面で直した回答です。保存ボタンは押していません。";
    let r = d.post(
        "/c/gl6/comments/5/answer",
        &[
            ("disposition", "noted"),
            ("body", edited),
            ("version", &before.version.to_string()),
            ("submit", "1"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let after = answer(&db, "gl6", 5).unwrap();
    assert_eq!(after.body, edited);
    assert_eq!(after.state(), ResponseState::InReview);

    // A screen opened before someone else's save submits nothing and keeps its text.
    let stale = d.post(
        "/c/gl6/comments/6/answer",
        &[
            ("disposition", "noted"),
            ("body", "古い画面からの文"),
            ("version", "0"),
            ("submit", "1"),
        ],
    );
    assert_eq!(stale.status, 409);
    assert!(stale.body.contains("古い画面からの文"));
    assert_ne!(
        answer(&db, "gl6", 6).unwrap().state(),
        ResponseState::InReview
    );
}

#[test]
fn a_refused_return_shows_the_saved_answer_and_the_typed_remark() {
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    add_user(&db, "reviewer", Role::Reviewer, false, &["gl6"]);
    let base = spawn_app(db.pool.clone());
    let rv = Client::login(&base, "reviewer", PASSWORD);
    let a = answer(&db, "gl6", 7).unwrap();
    response::set_state_if_version(
        &mut db.conn(),
        a.id,
        a.version,
        ResponseState::InReview,
        None,
        None,
    )
    .unwrap();
    let v = answer(&db, "gl6", 7).unwrap().version.to_string();
    let r = rv.post(
        "/c/gl6/comments/7/review",
        &[("action", "return"), ("version", &v), ("remark", "  ")],
    );
    assert_eq!(r.status, 400);
    assert!(r.body.contains("差し戻す理由を書いてください"));
    let first_line = a.body.lines().next().unwrap();
    let escaped = first_line.replace('&', "&amp;").replace('<', "&lt;");
    assert!(
        r.body.contains(&escaped),
        "the answer box still holds the saved answer"
    );
}

#[test]
fn bulk_answers_keep_existing_answers_unless_replacing_is_chosen() {
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    add_user(&db, "drafter", Role::Drafter, false, &["gl6"]);
    let base = spawn_app(db.pool.clone());
    let d = Client::login(&base, "drafter", PASSWORD);
    let specific = answer(&db, "gl6", 36).unwrap();
    let stock = "御意見として参考にさせていただきます。";
    let r = d.post(
        "/c/gl6/answers/bulk",
        &[
            ("no", "36"),
            ("no", "37"),
            ("disposition", "noted"),
            ("phrase", ""),
            ("body", stock),
        ],
    );
    assert_eq!(r.status, 303);
    let to = r.location.unwrap();
    assert!(to.contains("answered=0") && to.contains("kept=2"), "{to}");
    assert_eq!(answer(&db, "gl6", 36).unwrap().body, specific.body);
    assert!(d
        .get(&to)
        .body
        .contains("既に回答のある 2 件はそのままにしました"));

    let r = d.post(
        "/c/gl6/answers/bulk",
        &[
            ("no", "36"),
            ("disposition", "noted"),
            ("body", stock),
            ("replace", "1"),
        ],
    );
    let to = r.location.unwrap();
    assert!(
        to.contains("answered=1") && to.contains("replaced=1"),
        "{to}"
    );
    assert_eq!(answer(&db, "gl6", 36).unwrap().body, stock);
    assert!(d
        .get(&to)
        .body
        .contains("うち 1 件は既にあった回答を置き換えました"));
}

// ---- Individuals are never published by name ----

const PEOPLE: &str = "資料NO.,氏名・名称,属性,意見\n\
    1,佐藤花子,,一つ目の意見です。\n\
    2,鈴木一郎,会社員,二つ目の意見です。\n\
    3,株式会社テスト,,三つ目の意見です。\n\
    4,日本テスト協会,その他,四つ目の意見です。\n";

#[test]
fn a_submitter_is_a_person_unless_the_data_says_organisation() {
    let db = TestDb::new();
    let report = import_bytes(
        &mut db.conn(),
        "people.csv",
        PEOPLE.as_bytes(),
        &options("mic"),
    )
    .unwrap();
    assert_eq!((report.individuals, report.organizations), (2, 2));
    let c = consultation::find_by_slug(&mut db.conn(), "mic")
        .unwrap()
        .unwrap();
    let table = results::build(&mut db.conn(), c.id(), &c.title, results::Layout::Mic).unwrap();
    let csv = String::from_utf8(writers::csv_bytes(&table).unwrap()).unwrap();
    let xlsx = xlsx_rows(&writers::xlsx_bytes(&table).unwrap());
    let xlsx_text: String = xlsx
        .iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    for text in [&csv, &xlsx_text] {
        assert!(
            !text.contains("佐藤花子") && !text.contains("鈴木一郎"),
            "{text}"
        );
        assert!(text.contains("個人A") && text.contains("個人B"));
        assert!(text.contains("株式会社テスト") && text.contains("日本テスト協会"));
    }

    // A viewer without the personal-information permission sees public names only.
    add_user(&db, "viewer", Role::Viewer, false, &["mic"]);
    let base = spawn_app(db.pool.clone());
    let t = api_token(&db, "viewer", Role::Viewer);
    let api = Client::anonymous(&base).get_with_bearer("/api/v1/consultations/mic/comments", &t);
    assert_eq!(api.status, 200);
    assert!(!api.body.contains("佐藤花子") && !api.body.contains("鈴木一郎"));
    let v = Client::login(&base, "viewer", PASSWORD);
    assert!(!v.get("/c/mic/comments/1").body.contains("佐藤花子"));
    // The printable HTML export, downloaded by an office user allowed to see names.
    add_user(&db, "office", Role::Coordinator, true, &["mic"]);
    let office = Client::login(&base, "office", PASSWORD);
    let (status, html) = office.get_bytes("/c/mic/export?layout=mic&format=html");
    assert_eq!(status, 200);
    let html = String::from_utf8(html).unwrap();
    assert!(!html.contains("佐藤花子") && !html.contains("鈴木一郎"));
    assert!(html.contains("個人A") && html.contains("株式会社テスト"));
}

#[test]
fn staff_correct_a_kind_and_the_check_flags_organisations_that_may_be_people() {
    let db = TestDb::new();
    import_bytes(
        &mut db.conn(),
        "people.csv",
        PEOPLE.as_bytes(),
        &options("mic"),
    )
    .unwrap();
    let cid = consultation_id(&db, "mic");
    let subs = submitter::for_consultation(&mut db.conn(), cid).unwrap();
    let sato = subs.iter().find(|s| s.name == "佐藤花子").unwrap().clone();
    // Data from before this rule: a person stored as an organisation.
    {
        use pubcom::db::schema::submitters;
        diesel::update(submitters::table.find(sato.id))
            .set(submitters::kind.eq("organization"))
            .execute(&mut db.conn())
            .unwrap();
    }
    let flagged = |db: &TestDb| {
        check::run(&mut db.conn(), cid, "mic")
            .unwrap()
            .into_iter()
            .filter(|p| p.kind == check::ProblemKind::NamePublished)
            .collect::<Vec<_>>()
    };
    let problems = flagged(&db);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].comment.as_deref(), Some("1"));
    assert!(
        !problems[0].message.contains("佐藤花子"),
        "the check does not print the name itself"
    );

    add_user(&db, "plain", Role::Coordinator, false, &["mic"]);
    add_user(&db, "trusted", Role::Coordinator, true, &["mic"]);
    let base = spawn_app(db.pool.clone());
    let path = format!("/c/mic/submitters/{}/kind", sato.id);
    let plain = Client::login(&base, "plain", PASSWORD);
    assert_eq!(plain.post(&path, &[("kind", "individual")]).status, 403);
    let trusted = Client::login(&base, "trusted", PASSWORD);
    assert!(trusted.get("/c/mic/comments/1").body.contains("種別を直す"));
    let r = trusted.post(
        &path,
        &[("kind", "individual"), ("back", "/c/mic/comments/1")],
    );
    assert_eq!(r.status, 303);
    let now = submitter::find(&mut db.conn(), sato.id).unwrap().unwrap();
    assert_eq!(now.kind(), SubmitterKind::Individual);
    assert!(now.public_number.is_some());
    assert!(flagged(&db).is_empty());
    assert_eq!(audit_count(&db, "submitter_kind"), 1);

    // Through the API, and only within the consultation in the URL.
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    pubcom::auth::accounts::set_membership(
        &mut db.conn(),
        &Actor::system("test"),
        "trusted",
        consultation_id(&db, "gl6"),
        Some(Role::Coordinator),
    )
    .unwrap();
    let t = api_token(&db, "trusted", Role::Coordinator);
    let api = Client::anonymous(&base);
    let other = api.json_with_bearer(
        "PUT",
        &format!("/api/v1/consultations/gl6/submitters/{}/kind", sato.id),
        &t,
        &serde_json::json!({"kind": "organization"}),
    );
    assert_eq!(other.status, 400, "{}", other.body);
    let ok = api.json_with_bearer(
        "PUT",
        &format!("/api/v1/consultations/mic/submitters/{}/kind", sato.id),
        &t,
        &serde_json::json!({"kind": "organization"}),
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(
        flagged(&db).is_empty(),
        "an organisation confirmed by staff is not questioned again"
    );
}

// ---- Ids of another consultation ----

#[test]
fn ids_of_another_consultation_are_refused_everywhere() {
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "a");
    import_bytes(
        &mut db.conn(),
        "b.csv",
        "No.,分類,御意見\n1,別案件の分類,意見です\n".as_bytes(),
        &options("b"),
    )
    .unwrap();
    let outline = "- 第1章 総則\n  - 1.1 目的\n";
    let actor = Actor::system("test");
    pubcom::intake::clause_import::import_clauses(
        &mut db.conn(),
        "b.md",
        outline.as_bytes(),
        "b",
        None,
        &actor,
    )
    .unwrap();
    let b = consultation_id(&db, "b");
    let b_category = pubcom::models::category::for_consultation(&mut db.conn(), b).unwrap()[0].id;
    let b_clause = pubcom::models::clause::all(&mut db.conn(), b).unwrap()[0].id;
    add_user(&db, "coord", Role::Coordinator, false, &["a"]);
    let base = spawn_app(db.pool.clone());
    let t = api_token(&db, "coord", Role::Coordinator);
    let api = Client::anonymous(&base);
    let before = comment_no(&db, "a", 1);

    let r = api.json_with_bearer(
        "PUT",
        "/api/v1/consultations/a/comments/1/tags",
        &t,
        &serde_json::json!({"category_id": b_category}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let r = api.json_with_bearer(
        "PUT",
        "/api/v1/consultations/a/comments/1/tags",
        &t,
        &serde_json::json!({"clause_id": b_clause}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let coord = Client::login(&base, "coord", PASSWORD);
    let r = coord.post(
        "/c/a/comments/1/tags",
        &[("clause", ""), ("category", &b_category.to_string())],
    );
    assert_eq!(r.status, 400);
    let r = coord.post(
        "/c/a/routing",
        &[
            ("clause_prefix", ""),
            ("category", &b_category.to_string()),
            ("drafter", "1"),
        ],
    );
    assert!(r.status == 400, "{} {}", r.status, r.body);
    assert!(
        r.body.contains("id=\"rule-error\"") && r.body.contains("振り分けの規則"),
        "the refusal is shown on the routing form: {}",
        r.body
    );
    add_user(&db, "drafter", Role::Drafter, false, &["a"]);
    let drafter = api_token(&db, "drafter", Role::Drafter);
    let r = api.json_with_bearer(
        "POST",
        "/api/v1/consultations/a/revisions",
        &drafter,
        &serde_json::json!({"clause_id": b_clause, "original": "原案", "revised": "修正後", "comments": ["1"]}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let after = comment_no(&db, "a", 1);
    assert_eq!(
        (after.category_id, after.clause_id),
        (before.category_id, before.clause_id)
    );
}

// ---- The login lock holds under concurrency ----

#[test]
fn forty_simultaneous_wrong_passwords_check_at_most_five() {
    let db = TestDb::new();
    add_user(&db, "admin", Role::Admin, true, &[]);
    let base = spawn_app(db.pool.clone());
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(40));
    let handles: Vec<_> = (0..40)
        .map(|i| {
            let (base, barrier) = (base.clone(), barrier.clone());
            std::thread::spawn(move || {
                let c = Client::anonymous(&base);
                barrier.wait();
                c.try_login("admin", &format!("wrong-{i}")).status
            })
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(audit_count(&db, "login_failure"), 4, "four refused checks");
    assert_eq!(
        audit_count(&db, "login_locked"),
        36,
        "the fifth locks, the rest are not checked"
    );
    let r = Client::anonymous(&base).try_login("admin", PASSWORD);
    assert_eq!(r.status, 401, "locked even with the right password");
    let unknown = Client::anonymous(&base).try_login("nobody-here", "x");
    let message = |body: &str| {
        regex::Regex::new(r#"role="alert">([^<]*)<"#)
            .unwrap()
            .captures(body)
            .unwrap()[1]
            .to_string()
    };
    assert_eq!(
        message(&r.body),
        message(&unknown.body),
        "a locked account and an unknown login read the same"
    );
}

// ---- Files ----

#[test]
fn a_comment_of_100000_characters_exports_to_xlsx_and_imports_back_whole() {
    let db = TestDb::new();
    let long: String = (0..100_000)
        .map(|i| match i % 61 {
            60 => '\n',
            n => char::from_u32(0x3042 + (n as u32 % 80)).unwrap(),
        })
        .collect();
    let csv = format!("No.,御意見\n1,\"{long}\"\n2,短い意見\n");
    import_bytes(&mut db.conn(), "long.csv", csv.as_bytes(), &options("long")).unwrap();
    let c = consultation::find_by_slug(&mut db.conn(), "long")
        .unwrap()
        .unwrap();
    let table = results::build(&mut db.conn(), c.id(), &c.title, results::Layout::Mhlw).unwrap();
    let xlsx = writers::xlsx_bytes(&table).unwrap();
    let cells = xlsx_rows(&xlsx);
    assert!(cells.iter().flatten().all(|c| c.chars().count() <= 32_767));
    assert!(cells.iter().any(|r| r[0] == writers::CONTINUED));
    let comment_col = 5;
    let joined: String = cells
        .iter()
        .skip(1)
        .take_while(|r| r[0] == "1" || r[0] == writers::CONTINUED)
        .map(|r| r[comment_col].clone())
        .collect();
    assert_eq!(joined, long);
    let report = import_bytes(&mut db.conn(), "long.xlsx", &xlsx, &options("long-copy")).unwrap();
    assert_eq!(report.comments_added, 2);
    assert_eq!(comment_no(&db, "long-copy", 1).body, long);

    // The web export of the same consultation.
    add_user(&db, "admin", Role::Admin, true, &[]);
    let base = spawn_app(db.pool.clone());
    let (status, bytes) =
        Client::login(&base, "admin", PASSWORD).get_bytes("/c/long/export?layout=mhlw&format=xlsx");
    assert_eq!(status, 200);
    assert!(xlsx_rows(&bytes).len() > 3);
}

#[test]
fn control_characters_are_never_stored() {
    let db = TestDb::new();
    let csv = "No.,御意見\n1,\"前\u{0}後\u{1b}[31m赤\u{7f}\"\n2,普通の意見\n";
    let report = import_bytes(&mut db.conn(), "ctl.csv", csv.as_bytes(), &options("ctl")).unwrap();
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(report.warnings[0].message.contains("制御文字 3 個"));
    assert_eq!(report.warnings[0].line, 2);
    assert_eq!(comment_no(&db, "ctl", 1).body, "前後[31m赤");
}

#[test]
fn a_header_only_file_is_refused_and_records_nothing() {
    let db = TestDb::new();
    let err = import_bytes(
        &mut db.conn(),
        "empty.csv",
        "No.,御意見\n".as_bytes(),
        &options("empty"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("データ行がありません"), "{err}");
    use pubcom::db::schema::import_batches;
    let batches: i64 = import_batches::table
        .count()
        .get_result(&mut db.conn())
        .unwrap();
    assert_eq!(batches, 0);
    assert_eq!(audit_count(&db, "import"), 0);
}

#[test]
fn shift_jis_read_as_utf8_names_the_line_once() {
    let db = TestDb::new();
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("No.,御意見\n1,意見です\n");
    let mut opts = options("sjis");
    opts.encoding = Some(pubcom::intake::decode::TextEncoding::Utf8);
    let err = import_bytes(&mut db.conn(), "sjis.csv", &sjis, &opts).unwrap_err();
    let text = err.to_string();
    assert_eq!(text.matches("行目").count(), 1, "{text}");
    assert!(text.contains("1 行目") && text.contains("文字目"), "{text}");
}

// ---- Writes while an import runs ----

#[test]
fn answers_saved_while_an_import_runs_wait_for_it_and_nothing_fails() {
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    add_user(&db, "drafter", Role::Drafter, false, &["gl6"]);
    let base = spawn_app(db.pool.clone());
    let d = Client::login(&base, "drafter", PASSWORD);
    let mut big = String::from("No.,御意見\n");
    for i in 1..=30_000 {
        big.push_str(&format!(
            "{i},大量取込の意見その{i}。クラウドサービスの安全管理について、具体的な対策の例示を求めます。\n"
        ));
    }
    let pool = db.pool.clone();
    let import = std::thread::spawn(move || {
        let mut conn = pool.get().unwrap();
        import_bytes(&mut conn, "big.csv", big.as_bytes(), &options("big"))
            .map(|r| r.comments_added)
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let saves: Vec<_> = (1..=8)
        .map(|n| {
            let d = d.clone();
            let version = answer(&db, "gl6", n).map(|a| a.version.to_string());
            std::thread::spawn(move || {
                d.post(
                    &format!("/c/gl6/comments/{n}/answer"),
                    &[
                        ("disposition", "noted"),
                        ("body", &format!("取込中に保存した回答 {n}")),
                        ("version", &version.unwrap_or_default()),
                    ],
                )
                .status
            })
        })
        .collect();
    let statuses: Vec<u16> = saves.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(import.join().unwrap().unwrap(), 30_000);
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    for n in 1..=8 {
        assert_eq!(
            answer(&db, "gl6", n).unwrap().body,
            format!("取込中に保存した回答 {n}")
        );
    }
}

#[test]
fn proposals_missed_by_a_stopped_import_are_made_by_the_next_import_of_the_file() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("same.csv");
    std::fs::write(
        &file,
        "No.,御意見\n1,同じ意見を述べます。\n2,同じ意見を述べます。\n3,別の話です\n",
    )
    .unwrap();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_pubcom"))
            .args(["--database", &db.cli_url(), "import", "comments"])
            .arg(&file)
            .args(["--consultation", "same"])
            .output()
            .unwrap()
    };
    assert!(run().status.success());
    // As if the first import had been killed after its commit, before its proposals.
    {
        use pubcom::db::schema::import_batches;
        let cid = consultation_id(&db, "same");
        pubcom::models::duplicate_group::clear_proposals(&mut db.conn(), cid).unwrap();
        diesel::update(import_batches::table)
            .set(import_batches::grouped.eq(false))
            .execute(&mut db.conn())
            .unwrap();
    }
    let again = run();
    let out = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success(), "{out}");
    assert!(out.contains("取込済み"), "{out}");
    assert!(out.contains("同旨の候補: 1 グループ（2 件）"), "{out}");
    let groups =
        pubcom::models::duplicate_group::with_members(&mut db.conn(), consultation_id(&db, "same"))
            .unwrap();
    assert_eq!(groups.len(), 1);
}

#[test]
fn the_server_catches_up_on_proposals_an_import_left_behind() {
    let db = TestDb::new();
    let csv = "No.,御意見\n1,同じ意見を述べます。\n2,同じ意見を述べます。\n3,別の話です\n";
    import_bytes(&mut db.conn(), "c.csv", csv.as_bytes(), &options("c")).unwrap();
    let actor = Actor::system("server");
    let before_import = pubcom::db::now() - chrono::Duration::minutes(5);
    let early = pubcom::triage::grouping::catch_up(&mut db.conn(), &actor, before_import).unwrap();
    assert!(
        early.is_empty(),
        "a fresh import is left to its own command"
    );
    let done =
        pubcom::triage::grouping::catch_up(&mut db.conn(), &actor, pubcom::db::now()).unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].1.groups, 1);
    let again =
        pubcom::triage::grouping::catch_up(&mut db.conn(), &actor, pubcom::db::now()).unwrap();
    assert!(again.is_empty(), "done once");
}

// ---- 同旨 groups larger than a statement's bound values ----

#[test]
fn importing_a_campaign_of_40000_copies_proposes_it_whole_and_exits_0() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("campaign.csv");
    let mut csv = String::from("No.,御意見\n");
    for i in 1..=40_000 {
        // Copies with greetings of their own and digits in either width.
        let greeting = ["", "お世話になっております。\n", "意見を申し上げます。\n"][i % 3];
        let year = if i % 2 == 0 { "2024" } else { "２０２４" };
        csv.push_str(&format!(
            "{i},\"{greeting}{year}年度から多要素認証を義務化する案に反対します。中小の診療所では導入の費用と人手が足りません。猶予期間を設けてください。\"\n"
        ));
    }
    csv.push_str("40001,全く別の意見です。用語集を充実させてください。\n");
    std::fs::write(&file, csv).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pubcom"))
        .args(["--database", &db.cli_url(), "import", "comments"])
        .arg(&file)
        .args(["--consultation", "campaign"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("同旨の候補: 1 グループ（40000 件）"),
        "{stdout}"
    );
}

#[test]
fn a_group_of_40000_comments_is_created_confirmed_and_cleared() {
    let db = TestDb::new();
    let mut csv = String::from("No.,御意見\n");
    for i in 1..=40_000 {
        csv.push_str(&format!("{i},本ガイドライン案に賛成します。{}\n", i % 7));
    }
    import_bytes(&mut db.conn(), "many.csv", csv.as_bytes(), &options("many")).unwrap();
    let cid = consultation_id(&db, "many");
    let ids: Vec<pubcom::domain::CommentId> = {
        use pubcom::db::schema::comments;
        comments::table
            .filter(comments::consultation_id.eq(cid.0))
            .select(comments::id)
            .load::<i64>(&mut db.conn())
            .unwrap()
            .into_iter()
            .map(pubcom::domain::CommentId)
            .collect()
    };
    let group = pubcom::models::duplicate_group::create(
        &mut db.conn(),
        cid,
        &ids,
        pubcom::domain::GroupStatus::Proposed,
        "test",
    )
    .unwrap();
    let members = |db: &TestDb| -> i64 {
        use pubcom::db::schema::comments;
        comments::table
            .filter(comments::duplicate_group_id.eq(group))
            .count()
            .get_result(&mut db.conn())
            .unwrap()
    };
    assert_eq!(members(&db), 40_000);
    // The groups page shows it as one group with a few members, not 40,000 rows.
    add_user(&db, "coord", Role::Coordinator, false, &["many"]);
    let base = spawn_app(db.pool.clone());
    let page = Client::login(&base, "coord", PASSWORD).get("/c/many/groups");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("40000 件"), "the group's size");
    assert!(page.body.contains("同旨として確定（40000 件）"));
    assert_eq!(page.body.matches("name=\"member\"").count(), 10);
    assert!(page.body.len() < 100_000, "{} bytes", page.body.len());
    let actor = Actor::system("test");
    pubcom::triage::grouping::decide(
        &mut db.conn(),
        &actor,
        cid,
        pubcom::domain::GroupId(group),
        "confirm",
        None,
    )
    .unwrap();
    pubcom::triage::grouping::decide(
        &mut db.conn(),
        &actor,
        cid,
        pubcom::domain::GroupId(group),
        "remove",
        Some(ids[0]),
    )
    .unwrap();
    assert_eq!(members(&db), 39_999);
    let open = pubcom::models::duplicate_group::open_comments(&mut db.conn(), cid).unwrap();
    assert_eq!(open.len(), 1, "only the removed member is open");
    pubcom::triage::grouping::decide(
        &mut db.conn(),
        &actor,
        cid,
        pubcom::domain::GroupId(group),
        "reject",
        None,
    )
    .unwrap();
    let report = pubcom::triage::grouping::propose(&mut db.conn(), &actor, cid).unwrap();
    assert_eq!(report.groups, 0, "a rejected group stays settled");
    {
        use pubcom::db::schema::duplicate_groups;
        diesel::update(duplicate_groups::table.find(group))
            .set(duplicate_groups::status.eq("proposed"))
            .execute(&mut db.conn())
            .unwrap();
    }
    pubcom::models::duplicate_group::clear_proposals(&mut db.conn(), cid).unwrap();
    assert_eq!(members(&db), 0);
}

#[test]
fn the_drafter_list_starts_blank_and_an_empty_choice_assigns_nobody() {
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    add_user(&db, "coord", Role::Coordinator, false, &["gl6"]);
    add_user(&db, "drafter", Role::Drafter, false, &["gl6"]);
    let base = spawn_app(db.pool.clone());
    let c = Client::login(&base, "coord", PASSWORD);
    let page = c.get("/c/gl6/comments/3");
    assert!(
        page.body
            .contains(r#"<option value="" selected>（選ぶ）</option>"#),
        "nobody is preselected for an unassigned comment"
    );
    let r = c.post(
        "/c/gl6/comments/3/assign",
        &[("drafter", ""), ("due_on", "")],
    );
    assert_eq!(r.status, 400);
    assert!(r.body.contains("担当者を選んでください"));
    assert!(pubcom::models::assignment::for_comment(
        &mut db.conn(),
        comment_no(&db, "gl6", 3).id()
    )
    .unwrap()
    .is_none());
}

/// `pubcom backup FILE` (SQLite) copies the database while another connection keeps writing:
/// the copy is whole (integrity check) and holds only whole transactions (each import adds
/// 20 comments, so the copy's count is a multiple of 20). PostgreSQL is sent to pg_dump.
#[test]
fn a_backup_taken_while_imports_run_is_whole_and_consistent() {
    use diesel::prelude::*;
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("copy.sqlite3");
    if matches!(db.url, pubcom::db::DatabaseUrl::Postgres(_)) {
        let err = pubcom::db::backup::sqlite_copy(&mut db.conn(), &target).unwrap_err();
        assert!(err.to_string().contains("pg_dump"), "{err}");
        return;
    }
    let batch = |k: usize| {
        let mut csv = String::from("No.,意見\n");
        for i in 0..20 {
            csv.push_str(&format!(
                "{},書き込み中の意見 {k}-{i} です。\n",
                k * 20 + i + 1
            ));
        }
        csv
    };
    import_bytes(&mut db.conn(), "b0.csv", batch(0).as_bytes(), &options("b")).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (pool, stop) = (db.pool.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut k = 1;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && k < 200 {
                let csv = batch(k);
                import_bytes(
                    &mut pool.get().unwrap(),
                    &format!("b{k}.csv"),
                    csv.as_bytes(),
                    &options("b"),
                )
                .unwrap();
                k += 1;
            }
            k
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(150));
    pubcom::db::backup::sqlite_copy(&mut db.conn(), &target).unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written > 1, "imports ran while the copy was taken");
    let err = pubcom::db::backup::sqlite_copy(&mut db.conn(), &target).unwrap_err();
    assert!(
        err.to_string().contains("もうあります"),
        "never overwritten: {err}"
    );

    let mut copy =
        diesel::SqliteConnection::establish(target.to_str().unwrap()).expect("the copy opens");
    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let check: Check = diesel::sql_query("PRAGMA integrity_check")
        .get_result(&mut copy)
        .unwrap();
    assert_eq!(check.integrity_check, "ok");
    let n: i64 = pubcom::db::schema::comments::table
        .count()
        .get_result(&mut copy)
        .unwrap();
    assert!(
        n >= 20 && n % 20 == 0,
        "only whole imports in the copy: {n}"
    );
}
