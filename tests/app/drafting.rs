//! Drafting and review: the clause catalog, answers that are never lost, review moves,
//! stock phrases, bulk and group answers, revisions and their checks.

use crate::helpers::*;
use pubcom::auth::{accounts::Actor, Role};
use pubcom::domain::{CommentId, CommentNo, Disposition, GroupStatus, ResponseState};
use pubcom::drafting::answers::{self, Editor, Outcome};
use pubcom::drafting::revisions::{self, RevisionForm, Warning};
use pubcom::intake::clause_import::import_clauses;
use pubcom::models::{clause, comment, consultation, duplicate_group, outbox, response};

const MIC_OUTLINE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/import/samples/mic-cloud-gl-outline.md"
);
const SHINKYU: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/import/samples/mhlw-gl5.1-shinkyu-taishohyo.txt"
);

fn actor() -> Actor {
    Actor::system("test")
}

fn import_outline(
    db: &TestDb,
    path: &str,
    slug: &str,
) -> pubcom::intake::clause_import::ClauseImportReport {
    let bytes = std::fs::read(path).unwrap();
    import_clauses(&mut db.conn(), "outline", &bytes, slug, None, &actor()).unwrap()
}

fn mic() -> TestDb {
    let db = TestDb::new();
    import_file(&mut db.conn(), MIC_SAMPLE, "mic");
    import_outline(&db, MIC_OUTLINE, "mic");
    db
}

fn find(db: &TestDb, slug: &str, no: i32) -> comment::Comment {
    let mut conn = db.conn();
    let c = consultation::find_by_slug(&mut conn, slug)
        .unwrap()
        .unwrap();
    comment::find_by_no(
        &mut conn,
        c.id(),
        CommentNo {
            number: no,
            part: 0,
        },
    )
    .unwrap()
    .unwrap()
}

fn answer_of(db: &TestDb, slug: &str, no: i32) -> response::Response {
    let c = find(db, slug, no);
    response::for_comment(&mut db.conn(), c.id())
        .unwrap()
        .unwrap()
}

fn label_of(db: &TestDb, id: Option<i64>) -> Option<String> {
    id.and_then(|i| clause::find(&mut db.conn(), pubcom::domain::ClauseId(i)).unwrap())
        .map(|c| c.label)
}

#[test]
fn an_outline_from_the_mic_overview_builds_a_tree_and_tags_comments() {
    let db = mic();
    let c = consultation::find_by_slug(&mut db.conn(), "mic")
        .unwrap()
        .unwrap();
    let all = clause::all(&mut db.conn(), c.id()).unwrap();
    assert_eq!(all.len(), 28);
    let by_label = |l: &str| {
        all.iter()
            .find(|c| c.label == l)
            .unwrap_or_else(|| panic!("{l}"))
    };
    assert_eq!(
        by_label("3.2.2(2)(イ)④").parent_id,
        Some(by_label("3.2.2(2)(イ)").id)
    );
    assert_eq!(by_label("3.2.10").parent_id, Some(by_label("3.2").id));
    assert!(by_label("3.2.3(2)").body.starts_with("（２）を踏まえ、"));
    assert_eq!(
        label_of(&db, find(&db, "mic", 52).clause_id.map(|i| i.0)).as_deref(),
        Some("3.2.2(2)(イ)"),
        "パート 3.2.2(2)(イ)1. falls back to its parent"
    );
    assert_eq!(
        label_of(&db, find(&db, "mic", 56).clause_id.map(|i| i.0)).as_deref(),
        Some("3.2.3(2)")
    );
    assert_eq!(find(&db, "mic", 1).clause_id, None, "全般 names no clause");
    let revs = pubcom::models::revision::all(&mut db.conn(), c.id()).unwrap();
    assert!(
        revs.iter().all(|r| r.clause_id.is_some()),
        "imported revisions are linked to clauses"
    );
    let again = import_outline(&db, MIC_OUTLINE, "mic");
    assert_eq!((again.added, again.changed, again.unchanged), (0, 0, 28));
}

#[test]
fn the_clause_texts_of_the_shinkyu_table_are_read() {
    let db = TestDb::new();
    let report = import_outline(&db, SHINKYU, "gl51");
    assert!(report.clauses_read > 50, "{}", report.clauses_read);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.message.contains("「4.3」")),
        "the 5.1 column repeats 4.3"
    );
    let c = consultation::find_by_slug(&mut db.conn(), "gl51")
        .unwrap()
        .unwrap();
    let get = |l: &str| {
        clause::find_by_label(&mut db.conn(), c.id(), l)
            .unwrap()
            .unwrap_or_else(|| panic!("{l}"))
    };
    assert!(get("6.2.3").body.starts_with("分類された情報ごとに"));
    assert_eq!(get("6.5(1)").heading, "利用者の識別及び認証");
    assert_eq!(
        get("4.3(4)").heading,
        "オンライン外部保存を委託する場合(P30)",
        "the first (5.0) text is kept"
    );
    assert!(
        get("6.11")
            .heading
            .starts_with("外部と個人情報を含む医療情報を交換する場合"),
        "`6. 11` is 6.11"
    );
    assert!(get("8.1.2")
        .heading
        .starts_with("外部保存を受託する機関の選定基準"));
}

#[test]
fn a_stale_save_is_refused_and_both_texts_are_shown() {
    let db = mic();
    add_user(&db, "tanaka", Role::Drafter, false, &["mic"]);
    add_user(&db, "suzuki", Role::Drafter, false, &["mic"]);
    let base = spawn_app(db.pool.clone());
    let a = Client::login(&base, "tanaka", PASSWORD);
    let b = Client::login(&base, "suzuki", PASSWORD);
    let v = answer_of(&db, "mic", 14).version.to_string();
    // Both open the page at version v; A saves first.
    let ra = a.post(
        "/c/mic/comments/14/answer",
        &[
            ("disposition", "revise"),
            ("body", "田中の回答"),
            ("version", &v),
        ],
    );
    assert_eq!(ra.status, 303);
    let rb = b.post(
        "/c/mic/comments/14/answer",
        &[
            ("disposition", "noted"),
            ("body", "鈴木の回答"),
            ("version", &v),
        ],
    );
    assert_eq!(
        rb.status, 409,
        "the second writer is not allowed to overwrite"
    );
    assert!(
        rb.body.contains("鈴木の回答"),
        "B's text is still in front of B"
    );
    assert!(
        rb.body.contains("田中の回答"),
        "A's saved text is shown beside it"
    );
    assert_eq!(answer_of(&db, "mic", 14).body, "田中の回答");
    // B merges and saves against the version now shown.
    let current = hidden_version(&rb.body);
    let merged = b.post(
        "/c/mic/comments/14/answer",
        &[
            ("disposition", "revise"),
            ("body", "田中の回答\n鈴木の補足"),
            ("version", &current),
        ],
    );
    assert_eq!(merged.status, 303);
    let final_answer = answer_of(&db, "mic", 14);
    assert_eq!(final_answer.body, "田中の回答\n鈴木の補足");
    let page = a.get("/c/mic/comments/14").body;
    assert!(
        page.contains("<td>tanaka さん</td>") && page.contains("<td>suzuki さん</td>"),
        "the history names both writers"
    );
}

fn hidden_version(body: &str) -> String {
    let re = regex::Regex::new(r#"name="version" value="(\d+)""#).unwrap();
    re.captures(body)
        .map(|c| c[1].to_string())
        .expect("a version field")
}

#[test]
fn concurrent_saves_from_the_same_version_write_exactly_one() {
    let db = mic();
    let target = find(&db, "mic", 53);
    let start = response::for_comment(&mut db.conn(), target.id())
        .unwrap()
        .unwrap()
        .version;
    let results: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let pool = db.pool.clone();
                let target = target.clone();
                s.spawn(move || {
                    let actor = Actor::system(&format!("writer{i}"));
                    let editor = Editor {
                        actor: &actor,
                        is_reviewer: false,
                    };
                    let text = format!("writer {i}");
                    match answers::save(
                        &mut pool.get().unwrap(),
                        &editor,
                        &target,
                        Disposition::Explained,
                        &text,
                        Some(start),
                    )
                    .unwrap()
                    {
                        Outcome::Saved { .. } => text,
                        Outcome::Conflict(_) => String::new(),
                        other => panic!("{other:?}"),
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners: Vec<&String> = results.iter().filter(|r| !r.is_empty()).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    let stored = answer_of(&db, "mic", 53);
    assert_eq!(&stored.body, winners[0]);
    assert_eq!(stored.version, start + 1);
}

#[test]
fn two_first_answers_at_once_keep_one_and_report_the_other() {
    let db = TestDb::new();
    import_bytes(
        &mut db.conn(),
        "x.csv",
        "No.,御意見\n1,回答のない意見\n".as_bytes(),
        &options("x"),
    )
    .unwrap();
    let target = find(&db, "x", 1);
    let outcomes: Vec<bool> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|i| {
                let pool = db.pool.clone();
                let target = target.clone();
                s.spawn(move || {
                    let actor = Actor::system("t");
                    let editor = Editor {
                        actor: &actor,
                        is_reviewer: false,
                    };
                    matches!(
                        answers::save(
                            &mut pool.get().unwrap(),
                            &editor,
                            &target,
                            Disposition::Noted,
                            &format!("first {i}"),
                            None
                        )
                        .unwrap(),
                        Outcome::Saved { .. }
                    )
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(outcomes.iter().filter(|s| **s).count(), 1, "{outcomes:?}");
    assert_eq!(answer_of(&db, "x", 1).version, 1);
}

#[test]
fn review_moves_an_answer_from_drafting_to_approved_and_a_return_mails_the_drafter() {
    let db = mic();
    add_user(&db, "drafter", Role::Drafter, false, &["mic"]);
    add_user(&db, "reviewer", Role::Reviewer, false, &["mic"]);
    add_user(&db, "coord", Role::Coordinator, false, &["mic"]);
    let base = spawn_app(db.pool.clone());
    let d = Client::login(&base, "drafter", PASSWORD);
    let r = Client::login(&base, "reviewer", PASSWORD);
    let c = Client::login(&base, "coord", PASSWORD);
    let drafter_id = pubcom::models::user::find_by_login(&mut db.conn(), "drafter")
        .unwrap()
        .unwrap()
        .id
        .to_string();
    assert_eq!(
        c.post(
            "/c/mic/comments/56/assign",
            &[("drafter", &drafter_id), ("due_on", "2026-12-01")]
        )
        .status,
        303
    );
    let v = || answer_of(&db, "mic", 56).version.to_string();

    assert_eq!(
        d.post(
            "/c/mic/comments/56/review",
            &[("action", "submit"), ("version", &v())]
        )
        .status,
        303
    );
    assert_eq!(answer_of(&db, "mic", 56).state(), ResponseState::InReview);
    assert_eq!(
        d.post(
            "/c/mic/comments/56/review",
            &[("action", "approve"), ("version", &v())]
        )
        .status,
        403,
        "drafters do not approve"
    );
    let no_remark = r.post(
        "/c/mic/comments/56/review",
        &[("action", "return"), ("version", &v()), ("remark", " ")],
    );
    assert_eq!(no_remark.status, 400);
    assert!(no_remark.body.contains("理由"));
    assert_eq!(
        r.post(
            "/c/mic/comments/56/review",
            &[
                ("action", "return"),
                ("version", &v()),
                ("remark", "根拠となる項番を示してください")
            ]
        )
        .status,
        303
    );
    let returned = answer_of(&db, "mic", 56);
    assert_eq!(returned.state(), ResponseState::Returned);
    assert_eq!(
        returned.reviewer_remark.as_deref(),
        Some("根拠となる項番を示してください")
    );
    pubcom::mail::digest::queue(
        &mut db.conn(),
        std::path::Path::new("templates"),
        "http://127.0.0.1:8080",
        chrono::Utc::now().date_naive(),
    )
    .unwrap();
    let mails = outbox::all(&mut db.conn()).unwrap();
    assert_eq!(mails.len(), 1, "one digest: the assignment and the return");
    assert_eq!(mails[0].recipient, "drafter@example.invalid");
    assert!(
        mails[0].body.contains("差し戻された回答（1 件）")
            && mails[0].body.contains("新しく担当になった意見（1 件）"),
        "{}",
        mails[0].body
    );
    assert!(
        mails[0].body.contains("根拠となる項番を示してください")
            && mails[0].body.contains("/c/mic/comments/56")
    );

    assert_eq!(
        d.post(
            "/c/mic/comments/56/answer",
            &[
                ("disposition", "revise"),
                ("body", "3.2.3(2) の誤記を修正いたします。"),
                ("version", &v())
            ]
        )
        .status,
        303
    );
    assert_eq!(answer_of(&db, "mic", 56).state(), ResponseState::Drafting);
    d.post(
        "/c/mic/comments/56/review",
        &[("action", "submit"), ("version", &v())],
    );
    assert_eq!(
        r.post(
            "/c/mic/comments/56/review",
            &[("action", "approve"), ("version", &v())]
        )
        .status,
        303
    );
    assert_eq!(answer_of(&db, "mic", 56).state(), ResponseState::Approved);
    let locked = d.post(
        "/c/mic/comments/56/answer",
        &[
            ("disposition", "keep"),
            ("body", "変えたい"),
            ("version", &v()),
        ],
    );
    assert_eq!(locked.status, 409, "approved answers are locked");
    assert_eq!(
        answer_of(&db, "mic", 56).body,
        "3.2.3(2) の誤記を修正いたします。"
    );
    assert_eq!(
        r.post(
            "/c/mic/comments/56/review",
            &[("action", "reopen"), ("version", &v())]
        )
        .status,
        303
    );
    assert_eq!(answer_of(&db, "mic", 56).state(), ResponseState::Drafting);
}

#[test]
fn a_stock_phrase_is_inserted_with_one_click_without_saving() {
    let db = mic();
    add_user(&db, "drafter", Role::Drafter, false, &["mic"]);
    let base = spawn_app(db.pool.clone());
    let d = Client::login(&base, "drafter", PASSWORD);
    let before = answer_of(&db, "mic", 14);
    let r = d.post(
        "/c/mic/comments/14/answer",
        &[
            ("disposition", ""),
            ("body", "下書き"),
            ("version", &before.version.to_string()),
            ("insert", "t0"),
        ],
    );
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains("下書き\n御意見として参考にさせていただきます。"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains(r#"<option value="noted" selected>"#),
        "the phrase's disposition is chosen"
    );
    assert_eq!(
        answer_of(&db, "mic", 14),
        before,
        "nothing is saved until the drafter saves"
    );
    // A consultation's own phrase.
    assert_eq!(
        d.post(
            "/c/mic/phrases",
            &[
                ("disposition", "keep"),
                ("body", "原案のとおりとします（案件独自）。")
            ]
        )
        .status,
        303
    );
    let page = d.get("/c/mic/comments/14").body;
    let re = regex::Regex::new(r#"name="insert" value="(c\d+)""#).unwrap();
    let key = re
        .captures(&page)
        .expect("the consultation phrase is offered")[1]
        .to_string();
    let r = d.post(
        "/c/mic/comments/14/answer",
        &[
            ("disposition", ""),
            ("body", ""),
            ("version", &before.version.to_string()),
            ("insert", &key),
        ],
    );
    assert!(r.body.contains("原案のとおりとします（案件独自）。"));
}

#[test]
fn one_answer_is_applied_to_a_selection_skipping_approved_ones() {
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    add_user(&db, "drafter", Role::Drafter, false, &["gl6"]);
    let base = spawn_app(db.pool.clone());
    let d = Client::login(&base, "drafter", PASSWORD);
    // No. 3 is approved beforehand.
    let three = find(&db, "gl6", 3);
    let r3 = response::for_comment(&mut db.conn(), three.id())
        .unwrap()
        .unwrap();
    response::set_state_if_version(
        &mut db.conn(),
        r3.id,
        r3.version,
        ResponseState::Approved,
        None,
        None,
    )
    .unwrap();
    let r = d.post(
        "/c/gl6/answers/bulk",
        &[
            ("no", "1"),
            ("no", "2"),
            ("no", "3"),
            ("disposition", ""),
            ("phrase", "t0"),
            ("body", ""),
            ("replace", "1"),
        ],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        r.location.as_deref(),
        Some("/c/gl6?answered=2&locked=1&replaced=2")
    );
    for n in [1, 2] {
        let a = answer_of(&db, "gl6", n);
        assert_eq!(
            (a.body.as_str(), a.disposition.code()),
            ("御意見として参考にさせていただきます。", "noted")
        );
    }
    assert_eq!(
        answer_of(&db, "gl6", 3).body,
        r3.body,
        "the approved answer is untouched"
    );
    assert!(d
        .get("/c/gl6?answered=2&locked=1")
        .body
        .contains("2 件に回答しました"));
}

#[test]
fn a_confirmed_duplicate_group_is_answered_once_for_all_members() {
    let db = TestDb::new();
    import_bytes(
        &mut db.conn(),
        "x.csv",
        "No.,御意見\n1,同じ意見です\n2,同じ意見です。\n3,同じ意見です！\n4,別の意見\n".as_bytes(),
        &options("x"),
    )
    .unwrap();
    let ids: Vec<CommentId> = (1..=3).map(|n| find(&db, "x", n).id()).collect();
    let c = consultation::find_by_slug(&mut db.conn(), "x")
        .unwrap()
        .unwrap();
    duplicate_group::create(&mut db.conn(), c.id(), &ids, GroupStatus::Confirmed, "test").unwrap();
    let actor = actor();
    let editor = Editor {
        actor: &actor,
        is_reviewer: false,
    };
    match answers::save(
        &mut db.conn(),
        &editor,
        &find(&db, "x", 1),
        Disposition::Noted,
        "まとめて回答します。",
        None,
    )
    .unwrap()
    {
        Outcome::Saved { members, .. } => assert_eq!(members, 2),
        other => panic!("{other:?}"),
    }
    for n in 1..=3 {
        assert_eq!(answer_of(&db, "x", n).body, "まとめて回答します。");
    }
    assert!(
        response::for_comment(&mut db.conn(), find(&db, "x", 4).id())
            .unwrap()
            .is_none()
    );
}

#[test]
fn revisions_show_their_diff_and_inconsistencies_are_flagged() {
    let db = mic();
    add_user(&db, "drafter", Role::Drafter, false, &["mic"]);
    let base = spawn_app(db.pool.clone());
    let d = Client::login(&base, "drafter", PASSWORD);
    let page = d.get("/c/mic/comments/56").body;
    assert!(
        page.contains("（<del>２</del>）を踏まえ"),
        "the imported revision shows its deletion"
    );
    assert!(
        page.contains("（<ins>１</ins>）を踏まえ"),
        "and its addition"
    );

    let c = consultation::find_by_slug(&mut db.conn(), "mic")
        .unwrap()
        .unwrap();
    let clause_323 = clause::find_by_label(&mut db.conn(), c.id(), "3.2.3(2)")
        .unwrap()
        .unwrap();
    // A second revision of the same words, different: both are flagged.
    let r = d.post(
        "/c/mic/comments/53/revisions",
        &[
            ("clause", &clause_323.id.to_string()),
            ("clause_label", ""),
            ("original_text", "（２）を踏まえ、クラウドサービス事業者は"),
            ("revised_text", "（３）を踏まえ、クラウドサービス事業者は"),
            ("reason", "別案"),
            ("comments", "53"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let warnings = revisions::warnings(&mut db.conn(), c.id()).unwrap();
    assert_eq!(
        warnings
            .iter()
            .filter(|w| matches!(w, Warning::Overlap { .. }))
            .count(),
        2,
        "{warnings:?}"
    );
    for page in ["/c/mic/comments/53", "/c/mic/comments/56"] {
        assert!(
            d.get(page).body.contains("同じ箇所を別の修正内容"),
            "{page} shows the overlap"
        );
    }
    assert!(d
        .get("/c/mic/comments/14")
        .body
        .contains("対応区分が「修正」なのに修正内容がありません"));
    // 修正 for No. 14 without any revision is flagged; so is a revision that answers nothing.
    assert!(warnings.iter().any(|w| *w
        == Warning::ReviseWithoutRevision {
            comment: find(&db, "mic", 14).id.0
        }));
    let actor = actor();
    let lonely = RevisionForm {
        clause: Some(clause_323.id()),
        original_text: "等が求められる。".into(),
        revised_text: "等が求められる。（追記）".into(),
        ..Default::default()
    };
    revisions::save(&mut db.conn(), &actor, c.id(), &lonely, None).unwrap();
    let warnings = revisions::warnings(&mut db.conn(), c.id()).unwrap();
    assert!(warnings
        .iter()
        .any(|w| matches!(w, Warning::Unlinked { .. })));
    // The clause text changes under the revisions: their 原案 no longer matches.
    let changed = std::fs::read_to_string(MIC_OUTLINE)
        .unwrap()
        .replace("（２）を踏まえ、", "（２）に基づき、");
    import_clauses(
        &mut db.conn(),
        "outline-v2",
        changed.as_bytes(),
        "mic",
        None,
        &actor,
    )
    .unwrap();
    let warnings = revisions::warnings(&mut db.conn(), c.id()).unwrap();
    assert!(
        warnings
            .iter()
            .filter(|w| matches!(w, Warning::OriginalMismatch { .. }))
            .count()
            >= 2,
        "{warnings:?}"
    );
    assert!(d
        .get("/c/mic/comments/56")
        .body
        .contains("原案が項番の本文と一致しません"));
}

#[test]
fn a_stale_revision_save_is_refused() {
    let db = mic();
    add_user(&db, "drafter", Role::Drafter, false, &["mic"]);
    let base = spawn_app(db.pool.clone());
    let d = Client::login(&base, "drafter", PASSWORD);
    let c = consultation::find_by_slug(&mut db.conn(), "mic")
        .unwrap()
        .unwrap();
    let rev = pubcom::models::revision::for_comment(&mut db.conn(), find(&db, "mic", 56).id())
        .unwrap()
        .remove(0);
    let path = format!("/c/mic/revisions/{}", rev.id);
    let fields = |text: &'static str, version: String| {
        vec![
            ("clause", String::new()),
            ("clause_label", rev.clause_label.clone()),
            ("original_text", rev.original_text.clone()),
            ("revised_text", text.to_string()),
            ("reason", "誤記".into()),
            ("comments", "56".into()),
            ("version", version),
            ("back", "56".into()),
        ]
    };
    let first: Vec<(&str, String)> = fields("一回目", rev.version.to_string());
    let first: Vec<(&str, &str)> = first.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(d.post(&path, &first).status, 303);
    let stale: Vec<(&str, String)> = fields("二回目", rev.version.to_string());
    let stale: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(d.post(&path, &stale).status, 409);
    let stored = pubcom::models::revision::find(&mut db.conn(), rev.id)
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.revised_text.as_str(), stored.version),
        ("一回目", rev.version + 1)
    );
    let _ = c;
}

#[test]
fn the_clause_tree_shows_where_comments_concentrate() {
    let db = mic();
    add_user(&db, "viewer", Role::Viewer, false, &["mic"]);
    let base = spawn_app(db.pool.clone());
    let v = Client::login(&base, "viewer", PASSWORD);
    let page = v.get("/c/mic/clauses").body;
    let re = regex::Regex::new(r#"<span class="count">(\d+)</span>(?:<span class="bar"[^>]*></span>)? <a href="/c/mic/clauses/(\d+)">([^<]+)</a>"#).unwrap();
    let counts: std::collections::HashMap<String, (i64, String)> = re
        .captures_iter(&page)
        .map(|c| (c[3].to_string(), (c[1].parse().unwrap(), c[2].to_string())))
        .collect();
    assert_eq!(counts["3.2.2"].0, 2, "52 and 53 are under 3.2.2");
    assert_eq!(counts["3.2"].0, 3);
    assert_eq!(counts["3"].0, 3);
    let clause_page = v
        .get(&format!("/c/mic/clauses/{}", counts["3.2.3(2)"].1))
        .body;
    assert!(
        clause_page.contains("/c/mic/comments/56"),
        "from a clause to its comments"
    );
    assert!(clause_page.contains("<ins>１</ins>"), "and its revisions");
}

#[test]
fn history_and_audit_log_speak_japanese_in_japan_time() {
    use diesel::prelude::*;
    use pubcom::db::schema::audit_events;
    let db = mic();
    add_user(&db, "tanaka", Role::Drafter, false, &["mic"]);
    add_user(&db, "admin", Role::Admin, false, &[]);
    let base = spawn_app(db.pool.clone());
    let a = Client::login(&base, "tanaka", PASSWORD);
    let v = answer_of(&db, "mic", 14).version.to_string();
    let r = a.post(
        "/c/mic/comments/14/answer",
        &[("disposition", "revise"), ("body", "回答"), ("version", &v)],
    );
    assert_eq!(r.status, 303);
    let (action, at): (String, chrono::NaiveDateTime) = audit_events::table
        .order(audit_events::id.desc())
        .select((audit_events::action, audit_events::occurred_at))
        .first(&mut db.conn())
        .unwrap();
    assert_eq!(action, "answer_save");
    let shown = (at + chrono::Duration::hours(9))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let page = a.get("/c/mic/comments/14").body;
    assert!(page.contains("日時（日本時間）"));
    assert!(
        page.contains("<td>回答の保存</td>"),
        "the action in Japanese"
    );
    assert!(
        page.contains(&format!("<td>{shown}</td>")),
        "{shown} (Japan time)"
    );
    assert!(!page.contains("answer_save"));
    let log = Client::login(&base, "admin", PASSWORD).get("/admin/audit?action=answer_save");
    assert!(log.body.contains("<td>回答の保存</td>"));
    assert!(log
        .body
        .contains(r#"<option value="answer_save" selected>回答の保存</option>"#));
    assert!(log.body.contains(&format!("<td>{shown}</td>")));
    // Users by name, targets and changes in words, not codes and JSON.
    assert!(page.contains("<td>tanaka さん</td>"), "{page}");
    assert!(!page.contains("user:tanaka"));
    assert!(log.body.contains("<td>tanaka さん</td>"));
    assert!(log.body.contains(">回答 #"), "{}", log.body);
    assert!(log.body.contains("区分: 修正"), "{}", log.body);
    assert!(!log.body.contains("\"disposition\""));
    // Its target links to the comment's page, for those who may see it.
    let link = regex::Regex::new(r#"href="(/go/comment/\d+)""#)
        .unwrap()
        .captures(&log.body)
        .expect("a link to the comment")[1]
        .to_string();
    let admin = Client::login(&base, "admin", PASSWORD);
    assert_eq!(
        admin.get(&link).location.as_deref(),
        Some("/c/mic/comments/14")
    );
    add_user(&db, "outsider", Role::Drafter, false, &[]);
    assert_eq!(
        Client::login(&base, "outsider", PASSWORD).get(&link).status,
        404
    );
}
