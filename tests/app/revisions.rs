//! Revisions as ministries write them (issue 16): each side with its own number — 修正 in
//! place, 新設, 削除, 番号変更, 移動 — through the API, the page and the import, into the
//! result table, the 新旧対照表 and the revised text; and submitters told apart whatever
//! the width of their names.

use crate::helpers::*;

use pubcom::auth::{accounts::Actor, Role};
use pubcom::domain::{CommentNo, RevisionKind};
use pubcom::models::{comment, consultation, revision, submitter};
use pubcom::publish::{results, writers};
use serde_json::{json, Value};

const OUTLINE: &str = "- 第1章 総則
  - 1.1 目的
    本ガイドラインは、医療情報の安全管理を定める。
  - 1.2 用語
    - 1.2.1 医療情報
      医療に関する情報をいう。
    - 1.2.2 クラウドサービス
      インターネット経由で提供されるサービスをいう。
    - 1.2.3 事業者
      サービスを提供する者をいう。
  - 1.3 適用範囲
    すべての医療機関等に適用する。また、薬局にも適用する。
";

const COMMENTS: &str = "資料NO.,氏名・名称,属性,意見
1,個人A,個人,目的をもっと具体的に。
2,個人B,個人,クラウド事業者の定義が必要です。
3,個人C,個人,定義の書き方を直してください。
4,個人D,個人,番号がずれます。
5,個人E,個人,薬局は対象外にすべき。
6,個人F,個人,医療情報の定義は前に置くべき。
";

/// One planned revision: comment No., 原案 label, 修正後 label (None: the same), 原案,
/// 修正後, and the kind it must come out as.
type Planned = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    RevisionKind,
);

fn plan() -> Vec<Planned> {
    vec![
        (
            "1",
            "1.1",
            None,
            "医療情報の安全管理",
            "医療情報の安全管理の基準",
            RevisionKind::Amend,
        ),
        (
            "2",
            "",
            Some("1.2.2"),
            "",
            "「クラウド事業者」とは、クラウドサービスを提供する事業者をいう。",
            RevisionKind::New,
        ),
        (
            "3",
            "1.2.2",
            Some("1.2.3"),
            "インターネット経由で提供されるサービスをいう。",
            "インターネットを経由して提供されるサービスをいう。",
            RevisionKind::Move,
        ),
        (
            "4",
            "1.2.3",
            Some("1.2.4"),
            "サービスを提供する者をいう。",
            "サービスを提供する者をいう。",
            RevisionKind::Move,
        ),
        (
            "5",
            "1.3",
            Some(""),
            "また、薬局にも適用する。",
            "",
            RevisionKind::Delete,
        ),
        (
            "6",
            "1.2.1",
            Some("1.4（移動）"),
            "医療に関する情報をいう。",
            "医療に関する情報をいう。",
            RevisionKind::Move,
        ),
    ]
}

/// The mic-layout cells 修正内容（原案）/（修正後） each revision must print.
fn expected_cells() -> Vec<(&'static str, &'static str)> {
    vec![
        ("1.1\n医療情報の安全管理", "1.1\n医療情報の安全管理の基準"),
        (
            "",
            "1.2.2\n「クラウド事業者」とは、クラウドサービスを提供する事業者をいう。",
        ),
        (
            "1.2.2\nインターネット経由で提供されるサービスをいう。",
            "1.2.3\nインターネットを経由して提供されるサービスをいう。",
        ),
        (
            "1.2.3\nサービスを提供する者をいう。",
            "1.2.4\nサービスを提供する者をいう。",
        ),
        ("1.3\nまた、薬局にも適用する。", "（削除）"),
        (
            "1.2.1\n医療に関する情報をいう。",
            "1.4（移動）\n医療に関する情報をいう。",
        ),
    ]
}

fn setup() -> (TestDb, String) {
    let db = TestDb::new();
    import_bytes(&mut db.conn(), "c.csv", COMMENTS.as_bytes(), &options("gl")).unwrap();
    pubcom::intake::clause_import::import_clauses(
        &mut db.conn(),
        "outline.md",
        OUTLINE.as_bytes(),
        "gl",
        None,
        &Actor::system("test"),
    )
    .unwrap();
    add_user(&db, "drafter", Role::Drafter, false, &["gl"]);
    add_user(&db, "reviewer", Role::Reviewer, false, &["gl"]);
    add_user(&db, "office", Role::Coordinator, false, &["gl"]);
    let base = spawn_app(db.pool.clone());
    (db, base)
}

fn json_of(r: &Resp) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|_| panic!("{} {}", r.status, r.body))
}

#[test]
fn a_table_built_through_the_api_prints_each_side_with_its_own_number() {
    let (db, base) = setup();
    let api = Client::anonymous(&base);
    let drafter = api_token(&db, "drafter", Role::Drafter);
    let reviewer = api_token(&db, "reviewer", Role::Reviewer);
    let office = api_token(&db, "office", Role::Coordinator);
    let clauses = pubcom::models::clause::all(
        &mut db.conn(),
        consultation::find_by_slug(&mut db.conn(), "gl")
            .unwrap()
            .unwrap()
            .id(),
    )
    .unwrap();
    let clause_id = |label: &str| clauses.iter().find(|c| c.label == label).map(|c| c.id);
    for (no, label, revised_label, original, revised, kind) in plan() {
        let r = api.json_with_bearer(
            "PUT",
            &format!("/api/v1/consultations/gl/comments/{no}/answer"),
            &drafter,
            &json!({"disposition": "revise", "body": "御意見を踏まえ、修正します。"}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let mut body = json!({"clause": label, "original": original, "revised": revised,
            "reason": "御意見を踏まえた修正", "comments": [no]});
        if let Some(id) = clause_id(label) {
            body["clause_id"] = json!(id);
        }
        if let Some(l) = revised_label {
            body["revised_clause"] = json!(l);
        }
        let r = api.json_with_bearer(
            "POST",
            "/api/v1/consultations/gl/revisions",
            &drafter,
            &body,
        );
        assert_eq!(r.status, 201, "{no}: {}", r.body);
        let id = json_of(&r)["id"].as_i64().unwrap();
        let listed = json_of(&api.get_with_bearer("/api/v1/consultations/gl/revisions", &drafter));
        let mine = listed
            .as_array()
            .or_else(|| listed["revisions"].as_array())
            .unwrap()
            .iter()
            .find(|v| v["id"] == json!(id))
            .cloned()
            .unwrap();
        assert_eq!(mine["kind"], json!(kind.code()), "{no}: {mine}");
        let shown = revised_label.unwrap_or(label);
        assert_eq!(mine["revised_clause"], json!(shown), "{no}");
        for (who, action) in [(&drafter, "submit"), (&reviewer, "approve")] {
            let v = json_of(
                &api.get_with_bearer(&format!("/api/v1/consultations/gl/comments/{no}"), who),
            )["answer"]["version"]
                .as_i64()
                .unwrap();
            let r = api.json_with_bearer(
                "POST",
                &format!("/api/v1/consultations/gl/comments/{no}/review"),
                who,
                &json!({"action": action, "version": v}),
            );
            assert_eq!(r.status, 200, "{no} {action}: {}", r.body);
        }
    }
    let check = json_of(&api.get_with_bearer("/api/v1/consultations/gl/check", &office));
    assert_eq!(check["ok"], json!(true), "{check}");

    // The final result table, CSV and XLSX: 修正内容（原案）/（修正後） cell by cell.
    let (status, csv) = {
        let r = api.get_with_bearer(
            "/api/v1/consultations/gl/exports/results?format=csv&layout=mic&final=true",
            &office,
        );
        (r.status, r.body)
    };
    assert_eq!(status, 200, "{csv}");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let got: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[8].to_string(), r[9].to_string())
        })
        .collect();
    let want: Vec<(String, String)> = expected_cells()
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
    let c = consultation::find_by_slug(&mut db.conn(), "gl")
        .unwrap()
        .unwrap();
    let table = results::build(&mut db.conn(), c.id(), &c.title, results::Layout::Mic).unwrap();
    let xlsx = xlsx_rows(&writers::xlsx_bytes(&table).unwrap());
    let got_xlsx: Vec<(String, String)> = xlsx[1..]
        .iter()
        .map(|r| (r[8].clone(), r[9].clone()))
        .collect();
    assert_eq!(got_xlsx, want);

    // The 新旧対照表 in 新 order, each side with its own number.
    let r = api.get_with_bearer(
        "/api/v1/consultations/gl/exports/shinkyu?format=html&final=true",
        &office,
    );
    assert_eq!(r.status, 200);
    let order: Vec<usize> = [
        "<strong>1.1</strong>",
        "<strong>1.2.2</strong>",
        "<strong>1.2.3</strong>",
        "<strong>1.2.4</strong>",
        "（削除）",
        "<strong>1.4（移動）</strong>",
    ]
    .iter()
    .map(|needle| {
        r.body
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} in the 新旧対照表"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "新 order: {order:?}");

    // The revised text: new clause in its place, renumbering applied, the deletion gone,
    // the move elsewhere reported.
    let revised = pubcom::publish::revised::build(&mut db.conn(), c.id()).unwrap();
    let labels: Vec<&str> = revised.clauses.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        labels,
        vec!["1", "1.1", "1.2", "1.2.1", "1.2.2", "1.2.3", "1.2.4", "1.3"]
    );
    let text_of = |l: &str| revised.clauses.iter().find(|c| c.0 == l).unwrap().2.clone();
    assert!(text_of("1.2.2").contains("「クラウド事業者」とは"));
    assert!(text_of("1.2.3").contains("インターネットを経由して"));
    assert_eq!(text_of("1.3").trim(), "すべての医療機関等に適用する。");
    assert_eq!(revised.failures.len(), 1, "{:?}", revised.failures);
    assert_eq!(revised.failures[0].clause, "1.2.1");
}

#[test]
fn the_check_flags_a_number_given_twice_or_taken_from_a_clause_that_keeps_it() {
    let (db, _base) = setup();
    let c = consultation::find_by_slug(&mut db.conn(), "gl")
        .unwrap()
        .unwrap();
    let clauses = pubcom::models::clause::all(&mut db.conn(), c.id()).unwrap();
    let id = |l: &str| clauses.iter().find(|c| c.label == l).map(|c| c.id);
    let one = comment::find_by_no(&mut db.conn(), c.id(), CommentNo { number: 1, part: 0 })
        .unwrap()
        .unwrap();
    let save = |clause: &str, revised_clause: &str, original: &str, revised: &str| {
        let form = pubcom::drafting::revisions::RevisionForm {
            clause: id(clause),
            clause_label: String::new(),
            revised_clause: Some(revised_clause.to_string()),
            original_text: original.into(),
            revised_text: revised.into(),
            reason: String::new(),
            comments: vec![one.id()],
        };
        pubcom::drafting::revisions::save(&mut db.conn(), &Actor::system("t"), c.id(), &form, None)
            .unwrap()
    };
    // 1.2.1 renumbered to 1.2.2, which keeps its number: taken.
    save(
        "1.2.1",
        "1.2.2",
        "医療に関する情報をいう。",
        "医療に関する情報をいう。",
    );
    // Two texts numbered 1.4.
    save("1.1", "1.4", "医療情報の安全管理", "安全管理その一");
    save("1.3", "1.4", "また、薬局にも適用する。", "安全管理その二");
    let problems = pubcom::publish::check::run(&mut db.conn(), c.id(), "gl").unwrap();
    let numbering: Vec<&str> = problems
        .iter()
        .filter(|p| p.kind == pubcom::publish::check::ProblemKind::Numbering)
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(numbering.len(), 2, "{numbering:?}");
    assert!(numbering.iter().any(|m| m.contains("1.2.2 は既にある項番")));
    assert!(numbering.iter().any(|m| m.contains("1.4 を別の修正内容")));
}

#[test]
fn the_comment_page_takes_the_new_number_and_a_deletion() {
    let (db, base) = setup();
    let d = Client::login(&base, "drafter", PASSWORD);
    let c = consultation::find_by_slug(&mut db.conn(), "gl")
        .unwrap()
        .unwrap();
    let clauses = pubcom::models::clause::all(&mut db.conn(), c.id()).unwrap();
    let clause = |l: &str| {
        clauses
            .iter()
            .find(|c| c.label == l)
            .unwrap()
            .id
            .to_string()
    };
    let page = d.get("/c/gl/comments/3");
    assert!(page.body.contains("name=\"revised_clause_label\""));
    let r = d.post(
        "/c/gl/comments/3/revisions",
        &[
            ("clause", &clause("1.2.2")),
            ("clause_label", ""),
            ("revised_clause_label", "1.2.3"),
            (
                "original_text",
                "インターネット経由で提供されるサービスをいう。",
            ),
            (
                "revised_text",
                "インターネットを経由して提供されるサービスをいう。",
            ),
            ("reason", "番号の繰下げ"),
            ("comments", "3"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = d.post(
        "/c/gl/comments/5/revisions",
        &[
            ("clause", &clause("1.3")),
            ("clause_label", ""),
            ("revised_clause_label", ""),
            ("deleted", "1"),
            ("original_text", "また、薬局にも適用する。"),
            ("revised_text", ""),
            ("reason", "対象外"),
            ("comments", "5"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    // 修正 in place, 新設 (no 原案 clause), 移動 to another place.
    for (clause_field, revised_label, original, revised) in [
        (
            clause("1.1"),
            "",
            "医療情報の安全管理",
            "医療情報の安全管理の基準",
        ),
        (String::new(), "1.2.5", "", "新しい定義をいう。"),
        (
            clause("1.2.1"),
            "1.4（移動）",
            "医療に関する情報をいう。",
            "医療に関する情報をいう。",
        ),
    ] {
        let r = d.post(
            "/c/gl/comments/1/revisions",
            &[
                ("clause", &clause_field),
                ("clause_label", ""),
                ("revised_clause_label", revised_label),
                ("original_text", original),
                ("revised_text", revised),
                ("reason", "理由"),
                ("comments", "1"),
            ],
        );
        assert_eq!(r.status, 303, "{revised_label}: {}", r.body);
    }
    let all = revision::all(&mut db.conn(), c.id()).unwrap();
    let kinds: Vec<RevisionKind> = all.iter().map(|r| r.kind()).collect();
    use RevisionKind::*;
    assert_eq!(kinds, vec![Move, Delete, Amend, New, Move]);
    assert_eq!(all[3].revised_side().0, "1.2.5");
    assert_eq!(all[4].revised_side().0, "1.4（移動）");
    assert_eq!(all[0].kind(), RevisionKind::Move);
    assert_eq!(all[0].revised_side().0, "1.2.3");
    assert_eq!(all[1].kind(), RevisionKind::Delete);
    assert_eq!(all[1].revised_side(), ("", "（削除）"));
    let page = d.get("/c/gl/comments/3");
    assert!(
        page.body.contains("1.2.2 → 1.2.3"),
        "the page shows both numbers"
    );
    assert!(page.body.contains("移動・番号変更"));
}

#[test]
fn imported_revision_cells_of_every_kind_export_back_exactly() {
    let db = TestDb::new();
    let rows = [
        (
            "1.1\n「安全管理を定める。」",
            "1.1\n「安全管理の基準を定める。」",
        ),
        ("", "1.2.2\n「クラウド事業者」とは、…をいう。"),
        ("（新設）", "1.2.5\n新しい定義をいう。"),
        (
            "1.2.2\n「インターネット経由で…」",
            "1.2.3\n「インターネットを経由して…」",
        ),
        ("4.1.1\nまた、…求められる。", "（削除）"),
        (
            "3.2.2(2)(イ)④\n「持ち込みを制限する。」",
            "3.2.2(2)(ア)⑤（挿入）\n「個人的所有物の持ち込みを制限する。」",
        ),
        ("4.1.2脚注33\n注記の文。", "4.1脚注39\n注記の文。"),
    ];
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "資料NO.",
        "氏名・名称",
        "属性",
        "意見",
        "方針・コメント",
        "修正内容（原案）",
        "修正内容（修正後）",
    ])
    .unwrap();
    for (i, (o, r)) in rows.iter().enumerate() {
        let no = (i + 1).to_string();
        w.write_record([
            no.as_str(),
            "個人A",
            "個人",
            "意見です",
            "修正します。",
            o,
            r,
        ])
        .unwrap();
    }
    let bytes = w.into_inner().unwrap();
    import_bytes(&mut db.conn(), "kinds.csv", &bytes, &options("kinds")).unwrap();
    let c = consultation::find_by_slug(&mut db.conn(), "kinds")
        .unwrap()
        .unwrap();
    let kinds: Vec<RevisionKind> = revision::all(&mut db.conn(), c.id())
        .unwrap()
        .iter()
        .map(|r| r.kind())
        .collect();
    use RevisionKind::*;
    assert_eq!(kinds, vec![Amend, New, New, Move, Delete, Move, Move]);
    let table = results::build(&mut db.conn(), c.id(), &c.title, results::Layout::Mic).unwrap();
    let xlsx = xlsx_rows(&writers::xlsx_bytes(&table).unwrap());
    for (i, (o, r)) in rows.iter().enumerate() {
        assert_eq!(
            (xlsx[i + 1][8].as_str(), xlsx[i + 1][9].as_str()),
            (*o, *r),
            "row {}",
            i + 1
        );
    }
}

#[test]
fn one_submitter_whatever_the_width_and_spacing_of_the_name() {
    let db = TestDb::new();
    let csv = "資料NO.,氏名・名称,属性,意見\n\
               1,個人C,個人,一つ目\n\
               2,個人Ｃ,個人,二つ目\n\
               3,株式会社ＡＢＣ,法人,三つ目\n\
               4,株式会社 ABC,法人,四つ目\n\
               5,個人D,個人,五つ目\n";
    let report = import_bytes(&mut db.conn(), "w.csv", csv.as_bytes(), &options("w")).unwrap();
    assert_eq!((report.individuals, report.organizations), (2, 1));
    let c = consultation::find_by_slug(&mut db.conn(), "w")
        .unwrap()
        .unwrap();
    let subs = submitter::for_consultation(&mut db.conn(), c.id()).unwrap();
    assert_eq!(subs.len(), 3, "{subs:?}");
    assert!(
        subs.iter().any(|s| s.name == "株式会社ＡＢＣ"),
        "the spelling first received"
    );
    let table = results::build(&mut db.conn(), c.id(), &c.title, results::Layout::Mic).unwrap();
    let names: Vec<&str> = table.rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        names,
        vec![
            "個人A",
            "個人A",
            "株式会社ＡＢＣ",
            "株式会社ＡＢＣ",
            "個人B"
        ]
    );
}
