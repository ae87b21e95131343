//! Publishing: the check rules, the final export refused until they pass, both layouts
//! and orders, 同旨 modes, the 新旧対照表 (XLSX rich text and print HTML), the revised text,
//! PII redaction, and the API's 409 on a stale write.

use crate::helpers::*;
use calamine::{Data, Reader, Xlsx};
use pubcom::auth::{accounts::Actor, Role};
use pubcom::domain::{CommentId, CommentNo, GroupStatus, ResponseState};
use pubcom::models::comment_list;
use pubcom::models::{comment, consultation, duplicate_group, response};
use pubcom::publish::check::{self, ProblemKind};
use pubcom::publish::export::{export, Document, ExportError, Format, Request};
use pubcom::publish::results::{DuplicateRows, Layout, Order, ResultOptions};
use std::io::Read;

const OUTLINE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/import/samples/mic-cloud-gl-outline.md"
);

fn mic() -> TestDb {
    let db = TestDb::new();
    import_file(&mut db.conn(), MIC_SAMPLE, "mic");
    let outline = std::fs::read(OUTLINE).unwrap();
    pubcom::intake::clause_import::import_clauses(
        &mut db.conn(),
        "o.md",
        &outline,
        "mic",
        None,
        &Actor::system("t"),
    )
    .unwrap();
    db
}

fn cons(db: &TestDb, slug: &str) -> consultation::Consultation {
    consultation::find_by_slug(&mut db.conn(), slug)
        .unwrap()
        .unwrap()
}

fn id_of(db: &TestDb, slug: &str, n: i32) -> CommentId {
    let c = cons(db, slug);
    comment::find_by_no(&mut db.conn(), c.id(), CommentNo { number: n, part: 0 })
        .unwrap()
        .unwrap()
        .id()
}

fn approve_all(db: &TestDb, slug: &str) {
    let c = cons(db, slug);
    for row in comment_list::list(&mut db.conn(), c.id(), &Default::default(), 0, None).unwrap() {
        if let Some(r) = response::for_comment(&mut db.conn(), row.comment.id()).unwrap() {
            response::set_state_if_version(
                &mut db.conn(),
                r.id,
                r.version,
                ResponseState::Approved,
                None,
                None,
            )
            .unwrap();
        }
    }
}

fn kinds(db: &TestDb, slug: &str) -> Vec<ProblemKind> {
    let c = cons(db, slug);
    check::run(&mut db.conn(), c.id(), slug)
        .unwrap()
        .into_iter()
        .map(|p| p.kind)
        .collect()
}

fn request(document: Document, format: Format, layout: Layout, options: ResultOptions) -> Request {
    Request {
        document,
        format,
        layout,
        options,
    }
}

fn final_opts() -> ResultOptions {
    ResultOptions {
        final_version: true,
        ..Default::default()
    }
}

/// Makes the mic consultation publishable: No. 14 (修正) gets a revision, No. 1's elided
/// 原案 is replaced by text the clause really has, everything is approved.
fn make_publishable(db: &TestDb) {
    let c = cons(db, "mic");
    let clause_111 = pubcom::models::clause::find_by_label(&mut db.conn(), c.id(), "1.1.1")
        .unwrap()
        .unwrap();
    let fourteen = pubcom::drafting::revisions::RevisionForm {
        clause: Some(clause_111.id()),
        original_text: "高い保護方策が求められる。".into(),
        revised_text: "高い保護方策が求められる（第5.2版参照）。".into(),
        reason: "参照する版を明示".into(),
        comments: vec![id_of(db, "mic", 14)],
        ..Default::default()
    };
    // No. 1's imported revision also edits 1.1.1: drop it so the two do not overlap.
    for r in pubcom::models::revision::for_comment(&mut db.conn(), id_of(db, "mic", 1)).unwrap() {
        pubcom::drafting::revisions::delete(
            &mut db.conn(),
            &Actor::system("t"),
            c.id(),
            r.id,
            r.version,
        )
        .unwrap();
    }
    let one = response::for_comment(&mut db.conn(), id_of(db, "mic", 1))
        .unwrap()
        .unwrap();
    let editor = pubcom::drafting::answers::Editor {
        actor: &Actor::system("t"),
        is_reviewer: true,
    };
    let comment_one = comment::find(&mut db.conn(), id_of(db, "mic", 1))
        .unwrap()
        .unwrap();
    pubcom::drafting::answers::save(
        &mut db.conn(),
        &editor,
        &comment_one,
        pubcom::domain::Disposition::Noted,
        "御意見として参考にさせていただきます。",
        Some(one.version),
    )
    .unwrap();
    pubcom::drafting::revisions::save(&mut db.conn(), &Actor::system("t"), c.id(), &fourteen, None)
        .unwrap();
    approve_all(db, "mic");
}

#[test]
fn every_check_rule_reports_its_problem() {
    let db = mic();
    let k = kinds(&db, "mic");
    assert_eq!(
        k.iter().filter(|x| **x == ProblemKind::NotApproved).count(),
        5
    );
    assert!(
        k.contains(&ProblemKind::ReviseWithoutRevision),
        "No. 14 says 修正 without a revision"
    );
    // Personal information in an individual's text.
    let csv = "資料NO.,氏名・名称,属性,意見\n90,山田,個人,連絡先は yamada@example.jp です\n91,同じ団体,法人,問合せ info@example.org\n";
    import_bytes(&mut db.conn(), "pii.csv", csv.as_bytes(), &options("mic")).unwrap();
    let problems = check::run(&mut db.conn(), cons(&db, "mic").id(), "mic").unwrap();
    let pii: Vec<_> = problems
        .iter()
        .filter(|p| p.kind == ProblemKind::PersonalInformation)
        .collect();
    assert_eq!(pii.len(), 1, "only the individual's text: {pii:?}");
    assert!(pii[0].message.contains("yamada@example.jp") && pii[0].link.ends_with("/comments/90"));
    // A revision linked to nothing, and two revisions overlapping differently.
    let c = cons(&db, "mic");
    let clause = pubcom::models::clause::find_by_label(&mut db.conn(), c.id(), "3.2.3(2)")
        .unwrap()
        .unwrap();
    let lonely = pubcom::drafting::revisions::RevisionForm {
        clause: Some(clause.id()),
        original_text: "等が求められる。".into(),
        revised_text: "等が求められる（例示）。".into(),
        ..Default::default()
    };
    pubcom::drafting::revisions::save(&mut db.conn(), &Actor::system("t"), c.id(), &lonely, None)
        .unwrap();
    let other = pubcom::drafting::revisions::RevisionForm {
        comments: vec![id_of(&db, "mic", 53)],
        revised_text: "等が求められる（別案）。".into(),
        ..lonely.clone()
    };
    pubcom::drafting::revisions::save(&mut db.conn(), &Actor::system("t"), c.id(), &other, None)
        .unwrap();
    let k = kinds(&db, "mic");
    assert!(k.contains(&ProblemKind::UnlinkedRevision));
    assert!(k.contains(&ProblemKind::OverlappingRevisions));
    // A confirmed 同旨 group answered differently.
    duplicate_group::create(
        &mut db.conn(),
        c.id(),
        &[id_of(&db, "mic", 52), id_of(&db, "mic", 53)],
        GroupStatus::Confirmed,
        "test",
    )
    .unwrap();
    assert!(kinds(&db, "mic").contains(&ProblemKind::GroupAnsweredDifferently));
}

#[test]
fn the_final_export_is_refused_until_the_check_passes_and_then_has_no_draft_mark() {
    let db = mic();
    let c = cons(&db, "mic");
    let req = request(Document::Results, Format::Xlsx, Layout::Mic, final_opts());
    match export(&mut db.conn(), &c, &req) {
        Err(ExportError::Blocked(p)) => assert!(!p.is_empty()),
        other => panic!("expected refusal, got {:?}", other.map(|f| f.file_name)),
    }
    let draft = export(
        &mut db.conn(),
        &c,
        &request(
            Document::Results,
            Format::Csv,
            Layout::Mic,
            ResultOptions::default(),
        ),
    )
    .unwrap();
    assert!(draft.draft && String::from_utf8(draft.bytes).unwrap().contains("【案】"));
    make_publishable(&db);
    assert_eq!(kinds(&db, "mic"), vec![], "nothing left to fix");
    let file = export(&mut db.conn(), &c, &req).unwrap();
    assert!(!file.draft);
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(file.bytes)).unwrap();
    let rows: Vec<Vec<String>> = wb
        .worksheet_range_at(0)
        .unwrap()
        .unwrap()
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    x => x.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(rows[0][0], "資料NO.");
    assert_eq!(rows.len(), 6);
    // The command line refuses too, with a non-zero exit.
    let db2 = mic();
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_pubcom"))
        .args([
            "--database",
            &db2.cli_url(),
            "export",
            "results",
            "--consultation",
            "mic",
            "--final",
            "-o",
        ])
        .arg(out.path().join("x.xlsx"))
        .output()
        .unwrap();
    assert!(!status.status.success());
    assert!(String::from_utf8_lossy(&status.stderr).contains("公表前チェック"));
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_pubcom"))
        .args([
            "--database",
            &db2.cli_url(),
            "check",
            "--consultation",
            "mic",
        ])
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stdout).contains("回答が確定していません"));
}

#[test]
fn clause_order_puts_general_comments_first_and_group_mode_makes_one_row() {
    let db = mic();
    let c = cons(&db, "mic");
    duplicate_group::create(
        &mut db.conn(),
        c.id(),
        &[id_of(&db, "mic", 52), id_of(&db, "mic", 53)],
        GroupStatus::Confirmed,
        "test",
    )
    .unwrap();
    let opts = ResultOptions {
        order: Order::Clause,
        duplicates: DuplicateRows::Group,
        final_version: false,
    };
    let table =
        pubcom::publish::results::build_with(&mut db.conn(), c.id(), &c.title, Layout::Mic, &opts)
            .unwrap();
    let nos: Vec<&str> = table.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        nos,
        vec!["1", "14", "52, 53", "56"],
        "全般 (no clause) first, then 3.2.2 before 3.2.3"
    );
    assert!(table.rows[2][6].starts_with("【同旨の意見 2件（No. 52, 53）】"));
    let each = pubcom::publish::results::build_with(
        &mut db.conn(),
        c.id(),
        &c.title,
        Layout::Mic,
        &ResultOptions::default(),
    )
    .unwrap();
    assert_eq!(each.rows.len(), 5);
    // The printable page repeats its header and prints A4 landscape.
    let html = String::from_utf8(
        export(
            &mut db.conn(),
            &c,
            &request(Document::Results, Format::Html, Layout::Mhlw, opts),
        )
        .unwrap()
        .bytes,
    )
    .unwrap();
    assert!(html.contains("size: A4 landscape") && html.contains("display: table-header-group"));
    assert!(
        html.contains("class=\"draft-mark\""),
        "a draft carries the 案 watermark"
    );
    assert!(html.contains("<th><span>御意見</span></th>"));
    assert!(
        html.contains("<td class=\"short\">"),
        "short values (a page number, すべて) are kept on one line"
    );
    assert!(
        html.contains("<th><span>回答</span><span>（考え方）</span></th>"),
        "a header title breaks only before （"
    );
}

fn shared_strings(xlsx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut s = String::new();
    zip.by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

#[test]
fn the_shinkyu_table_strikes_deletions_and_reddens_additions() {
    let db = mic();
    make_publishable(&db);
    let c = cons(&db, "mic");
    let xlsx = export(
        &mut db.conn(),
        &c,
        &request(Document::Shinkyu, Format::Xlsx, Layout::Mhlw, final_opts()),
    )
    .unwrap();
    let strings = shared_strings(&xlsx.bytes);
    assert!(
        strings.contains("<strike/>"),
        "deletions are struck through"
    );
    assert!(strings.contains("FFD00000"), "additions are red");
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.bytes)).unwrap();
    let rows: Vec<Vec<String>> = wb
        .worksheet_range_at(0)
        .unwrap()
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    // 旧 and 新 each with their own number on the first line, in 新 order.
    assert_eq!(rows[0], vec!["旧（原案）", "新（修正後）", "変更理由"]);
    let first_line = |c: &str| c.lines().next().unwrap_or("").to_string();
    let old: Vec<String> = rows[1..].iter().map(|r| first_line(&r[0])).collect();
    let new: Vec<String> = rows[1..].iter().map(|r| first_line(&r[1])).collect();
    assert_eq!(old, vec!["1.1.1", "3.2.2(2)(イ)④", "3.2.3(2)"]);
    assert_eq!(new, vec!["1.1.1", "3.2.2(2)(ア)⑤（挿入）", "3.2.3(2)"]);
    assert!(
        rows[3][0].starts_with("3.2.3(2)\n「（２）を踏まえ")
            && rows[3][1].starts_with("3.2.3(2)\n「（１）を踏まえ")
    );
    let html = String::from_utf8(
        export(
            &mut db.conn(),
            &c,
            &request(Document::Shinkyu, Format::Html, Layout::Mhlw, final_opts()),
        )
        .unwrap()
        .bytes,
    )
    .unwrap();
    assert!(
        html.contains("（<del>２</del>）を踏まえ") && html.contains("（<ins>１</ins>）を踏まえ")
    );
    assert!(!html.contains("class=\"draft-mark\""));
}

#[test]
fn the_revised_text_applies_revisions_and_reports_what_does_not_apply() {
    let db = mic();
    make_publishable(&db);
    let c = cons(&db, "mic");
    let r = pubcom::publish::revised::build(&mut db.conn(), c.id()).unwrap();
    assert_eq!(
        r.failures.len(),
        1,
        "No. 52 moves text to another clause (（挿入）): reported, not guessed: {:?}",
        r.failures
    );
    assert_eq!(r.failures[0].clause, "3.2.2(2)(イ)④");
    let md = pubcom::publish::revised::markdown(&c.title, &r);
    assert!(md.contains("（１）を踏まえ、クラウドサービス事業者は技術的安全管理対策として"));
    assert!(!md.contains("（２）を踏まえ"));
    assert!(md.contains("高い保護方策が求められる（第5.2版参照）。"));
    match export(
        &mut db.conn(),
        &c,
        &request(Document::Revised, Format::Md, Layout::Mhlw, final_opts()),
    ) {
        Err(ExportError::Blocked(p)) => assert!(p[0].message.contains("3.2.2(2)(イ)④")),
        other => panic!(
            "a revision that does not apply blocks the final text: {:?}",
            other.map(|f| f.file_name)
        ),
    }
}

#[test]
fn personal_information_is_redacted_from_the_published_text_only() {
    let db = TestDb::new();
    let csv = "資料NO.,氏名・名称,属性,意見\n1,山田,個人,意見です。連絡は 090-1234-5678 まで\n";
    import_bytes(&mut db.conn(), "p.csv", csv.as_bytes(), &options("p")).unwrap();
    add_user(&db, "coord", Role::Coordinator, false, &["p"]);
    let base = spawn_app(db.pool.clone());
    let coord = Client::login(&base, "coord", PASSWORD);
    let page = coord.get("/c/p/publish").body;
    assert!(page.contains("電話番号らしき記載"), "{page}");
    let r = coord.post(
        "/c/p/comments/1/redactions",
        &[
            ("original", "090-1234-5678"),
            ("replacement", "［個人情報のため削除］"),
            ("reason", "個人の電話番号"),
        ],
    );
    assert_eq!(r.status, 303);
    assert!(!kinds(&db, "p").contains(&ProblemKind::PersonalInformation));
    let (_, csv_out) = coord.get_bytes("/c/p/export?layout=mic&format=csv");
    // The two layouts download under different names.
    for (layout, name) in [("mic", "p-results-mic.csv"), ("mhlw", "p-results-mhlw.csv")] {
        let r = coord.get(&format!("/c/p/export?layout={layout}&format=csv"));
        assert_eq!(
            r.header("content-disposition"),
            Some(format!("attachment; filename=\"{name}\"").as_str())
        );
    }
    // 印刷用 opens in the browser instead of downloading.
    let print = coord.get("/c/p/export?layout=mhlw&format=html");
    assert_eq!(
        print.header("content-disposition"),
        Some(r#"inline; filename="p-results-mhlw.html""#)
    );
    let text = String::from_utf8(csv_out).unwrap();
    assert!(text.contains("連絡は ［個人情報のため削除］ まで") && !text.contains("090-1234-5678"));
    let stored = comment::find(&mut db.conn(), id_of(&db, "p", 1))
        .unwrap()
        .unwrap();
    assert!(
        stored.body.contains("090-1234-5678"),
        "the submitted text itself is kept"
    );
}

#[test]
fn the_api_refuses_a_stale_answer_with_409_and_serves_its_openapi_document() {
    let db = mic();
    add_user(&db, "api", Role::Coordinator, false, &["mic"]);
    pubcom::auth::accounts::set_membership(
        &mut db.conn(),
        &Actor::system("t"),
        "api",
        cons(&db, "mic").id(),
        Some(Role::Admin),
    )
    .ok();
    add_user(&db, "writer", Role::Reviewer, false, &["mic"]);
    let token = pubcom::auth::accounts::create_token(
        &mut db.conn(),
        &Actor::system("t"),
        "writer",
        "script",
        Role::Reviewer,
    )
    .unwrap()
    .1;
    let base = spawn_app(db.pool.clone());
    let client = Client::anonymous(&base);
    let detail: serde_json::Value = serde_json::from_str(
        &client
            .get_with_bearer("/api/v1/consultations/mic/comments/14", &token)
            .body,
    )
    .unwrap();
    let v = detail["answer"]["version"].as_i64().unwrap();
    let first = client.json_with_bearer(
        "PUT",
        "/api/v1/consultations/mic/comments/14/answer",
        &token,
        &serde_json::json!({"disposition": "revise", "body": "API からの回答", "version": v}),
    );
    assert_eq!(first.status, 200, "{}", first.body);
    let stale = client.json_with_bearer(
        "PUT",
        "/api/v1/consultations/mic/comments/14/answer",
        &token,
        &serde_json::json!({"disposition": "noted", "body": "古い版からの上書き", "version": v}),
    );
    assert_eq!(stale.status, 409);
    let body: serde_json::Value = serde_json::from_str(&stale.body).unwrap();
    assert_eq!(body["current"]["body"], "API からの回答");
    assert_eq!(
        response::for_comment(&mut db.conn(), id_of(&db, "mic", 14))
            .unwrap()
            .unwrap()
            .body,
        "API からの回答"
    );
    let review = client.json_with_bearer(
        "POST",
        "/api/v1/consultations/mic/comments/14/review",
        &token,
        &serde_json::json!({"action": "submit", "version": v + 1}),
    );
    assert_eq!(review.status, 200, "{}", review.body);
    let check: serde_json::Value = serde_json::from_str(
        &client
            .get_with_bearer("/api/v1/consultations/mic/check", &token)
            .body,
    )
    .unwrap();
    assert_eq!(check["ok"], false);
    assert_eq!(
        client
            .get_with_bearer(
                "/api/v1/consultations/mic/exports/results?final=true",
                &token
            )
            .status,
        403,
        "a reviewer token does not export"
    );
    let spec: serde_json::Value =
        serde_json::from_str(&client.get("/api/v1/openapi.json").body).unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    for path in [
        "/api/v1/consultations/{slug}/comments/{no}/answer",
        "/api/v1/consultations/{slug}/exports/{document}",
        "/api/v1/consultations/{slug}/revisions",
    ] {
        assert!(spec["paths"].get(path).is_some(), "{path} is documented");
    }
    // Every API route of the app is in the document.
    for (_, route) in pubcom::web::ROUTES
        .iter()
        .filter(|(_, p)| p.starts_with("/api/"))
    {
        assert!(spec["paths"].get(*route).is_some(), "{route} is documented");
    }
}

#[test]
fn the_api_export_answers_409_with_the_problems_until_the_check_passes() {
    let db = mic();
    add_user(&db, "office", Role::Coordinator, false, &["mic"]);
    let token = pubcom::auth::accounts::create_token(
        &mut db.conn(),
        &Actor::system("t"),
        "office",
        "publisher",
        Role::Coordinator,
    )
    .unwrap()
    .1;
    let base = spawn_app(db.pool.clone());
    let client = Client::anonymous(&base);
    let refused = client.get_with_bearer(
        "/api/v1/consultations/mic/exports/shinkyu?format=xlsx&final=true",
        &token,
    );
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("problems"));
    make_publishable(&db);
    let (status, bytes) = {
        let r = client.get_with_bearer(
            "/api/v1/consultations/mic/exports/results?format=csv&layout=mic&final=true",
            &token,
        );
        (r.status, r.body)
    };
    assert_eq!(status, 200);
    assert!(bytes.contains("資料NO.") && !bytes.contains("【案】"));
    // Personal information in a new individual's comment, redacted through the API.
    let pii = "資料NO.,氏名・名称,属性,意見\n95,鈴木,個人,メールは suzuki@example.jp へ\n";
    import_bytes(&mut db.conn(), "pii.csv", pii.as_bytes(), &options("mic")).unwrap();
    let red = client.json_with_bearer(
        "POST",
        "/api/v1/consultations/mic/comments/95/redactions",
        &token,
        &serde_json::json!({"original": "suzuki@example.jp", "replacement": "［削除］", "reason": "個人のメールアドレス"}),
    );
    assert_eq!(red.status, 201, "{}", red.body);
    assert!(
        !kinds(&db, "mic").contains(&ProblemKind::PersonalInformation),
        "redacted through the API"
    );
    let _ = CommentId(0);
}
