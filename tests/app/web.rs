use crate::helpers::*;
use pubcom::auth::Role;

fn app_with_sample() -> (TestDb, Client) {
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    add_user(&db, "staff", Role::Coordinator, false, &["gl6"]);
    let base = spawn_app(db.pool.clone());
    let client = Client::login(&base, "staff", PASSWORD);
    (db, client)
}

#[test]
fn the_home_page_lists_consultations_and_links_to_their_comments() {
    let (_db, c) = app_with_sample();
    let r = c.get("/");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("href=\"/c/gl6\""), "{}", r.body);
    assert!(r.body.contains(">255<"), "comment count shown");
}

#[test]
fn the_comment_list_shows_the_table_columns_a_page_at_a_time() {
    let (_db, c) = app_with_sample();
    let r = c.get("/c/gl6");
    assert_eq!(r.status, 200);
    for header in ["No.", "分類", "編", "章", "頁", "御意見", "回答（考え方）"] {
        assert!(r.body.contains(&format!("<th>{header}</th>")), "{header}");
    }
    assert!(r
        .body
        .contains("全資料読む必要がある人向けの各編合冊版の刊行予定はあるか。"));
    assert!(r.body.contains("1〜50 件目"));
    assert!(!r.body.contains(">51</a>"));
    let page6 = c.get("/c/gl6?page=6");
    assert!(page6.body.contains(">255</a>"));
    assert!(page6.body.contains("251〜255 件目"));
}

#[test]
fn searching_and_filtering_narrow_the_list() {
    let (_db, c) = app_with_sample();
    let r = c.get("/c/gl6?q=%E5%90%88%E5%86%8A%E7%89%88"); // 合冊版
    assert!(r.body.contains("意見 1 件"), "{}", r.body);
    let r = c.get("/c/gl6?q=%E3%83%A9%E3%83%B3%E3%82%B5%E3%83%A0"); // ランサム
    assert!(
        !r.body.contains("意見 0 件") && !r.body.contains("意見 255 件"),
        "{}",
        r.body
    );
}

#[test]
fn an_unknown_consultation_is_a_404_page() {
    let (_db, c) = app_with_sample();
    let r = c.get("/c/none");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("見つかりません"));
}

/// Searches fold width variants (NFKC) in the query and in the indexed text alike, through
/// the search index, the short-query scan and the page, and mark the match in a snippet.
#[test]
fn searches_find_full_and_half_width_spellings_alike_and_mark_them() {
    use pubcom::models::{comment_list, consultation};
    let db = TestDb::new();
    let csv = "No.,意見\n\
        1,通信はTLSで暗号化すること。\n\
        2,通信はＴＬＳで暗号化すること。\n\
        3,クラウドサービスの利用について。\n\
        4,ｸﾗｳﾄﾞｻｰﾋﾞｽの利用について。\n\
        5,AIの利用について。\n\
        6,ＡＩの利用について。\n\
        7,関係のない意見です。\n";
    import_bytes(&mut db.conn(), "w.csv", csv.as_bytes(), &options("w")).unwrap();
    let c = consultation::find_by_slug(&mut db.conn(), "w")
        .unwrap()
        .unwrap();
    let found = |q: &str| -> Vec<String> {
        let filter = comment_list::CommentFilter {
            q: Some(q.to_string()),
            ..Default::default()
        };
        comment_list::list(&mut db.conn(), c.id(), &filter, 0, Some(50))
            .unwrap()
            .iter()
            .map(|r| r.comment.no().to_string())
            .collect()
    };
    for q in ["TLS", "ＴＬＳ", "tls"] {
        assert_eq!(found(q), ["1", "2"], "{q}");
    }
    for q in ["クラウド", "ｸﾗｳﾄﾞ", "ｸﾗｳﾄﾞｻｰﾋﾞｽ"] {
        assert_eq!(found(q), ["3", "4"], "{q}");
    }
    // Two characters: no trigram to look up, the texts are scanned (folded too).
    for q in ["AI", "ＡＩ"] {
        assert_eq!(found(q), ["5", "6"], "{q}");
    }

    add_user(&db, "staff", Role::Coordinator, false, &["w"]);
    let client = Client::login(&spawn_app(db.pool.clone()), "staff", PASSWORD);
    let page = client.get("/c/w?q=%EF%BC%B4%EF%BC%AC%EF%BC%B3"); // ＴＬＳ
    assert!(page.body.contains("意見 2 件"), "{}", page.body);
    assert!(page.body.contains("<mark>TLS</mark>"), "{}", page.body);
    assert!(page.body.contains("<mark>ＴＬＳ</mark>"), "{}", page.body);
}

/// A table uploaded on the import page is read as `pubcom import` reads it: the same report,
/// the same refusal naming file, row and column with nothing written, and only for staff
/// allowed to import.
#[test]
fn a_table_uploaded_on_the_page_imports_as_the_command_does() {
    let (db, c) = app_with_sample();
    let page = c.get("/c/gl6/import");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));

    let good = "資料NO.,氏名・名称,属性,意見\n9001,個人Z,個人,アップロードした意見です。\n9002,株式会社テスト,法人,もう一つの意見です。\n";
    let r = c.upload("/c/gl6/import/comments", "upload.csv", good.as_bytes(), &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("追加した意見: 2 件"), "{}", r.body);
    assert!(
        r.body.contains("提出者: 個人 1 人 / 法人・団体 1 件"),
        "{}",
        r.body
    );
    assert!(c.get("/c/gl6").body.contains("意見 257 件"));
    let again = c.upload("/c/gl6/import/comments", "upload.csv", good.as_bytes(), &[]);
    assert!(again.body.contains("取込済み"), "{}", again.body);

    // A row without its comment text: refused with the file, row and column; nothing written.
    let bad = "資料NO.,氏名・名称,属性,意見\n9003,個人Y,個人,正しい行です。\nabc,個人X,個人,番号が読めない行です。\n";
    let r = c.upload("/c/gl6/import/comments", "bad.csv", bad.as_bytes(), &[]);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("取り込めませんでした"), "{}", r.body);
    assert!(
        r.body.contains("bad.csv") && r.body.contains("3 行目"),
        "{}",
        r.body
    );
    assert!(
        c.get("/c/gl6").body.contains("意見 257 件"),
        "nothing was written"
    );

    let none = c.upload("/c/gl6/import/comments", "", b"", &[]);
    assert_eq!(none.status, 400);
    assert!(none.body.contains("ファイルを選んでください"));

    add_user(&db, "viewer", Role::Viewer, false, &["gl6"]);
    let base = c.base.clone();
    let viewer = Client::login(&base, "viewer", PASSWORD);
    assert_eq!(viewer.get("/c/gl6/import").status, 403);
    assert_eq!(
        viewer
            .upload("/c/gl6/import/comments", "upload.csv", good.as_bytes(), &[])
            .status,
        403
    );
}

/// A drafter finds their own comments with one click, and the list shows who answers each
/// comment and by when.
#[test]
fn a_drafter_sees_their_own_comments_with_due_dates() {
    use pubcom::models::{comment, consultation, user};
    let (db, _c) = app_with_sample();
    add_user(&db, "drafter", Role::Drafter, false, &["gl6"]);
    let mut conn = db.conn();
    let c = consultation::find_by_slug(&mut conn, "gl6")
        .unwrap()
        .unwrap();
    let me = user::find_by_login(&mut conn, "drafter").unwrap().unwrap();
    let targets: Vec<_> = [3, 5]
        .iter()
        .map(|n| {
            comment::find_by_no(
                &mut conn,
                c.id(),
                pubcom::domain::CommentNo {
                    number: *n,
                    part: 0,
                },
            )
            .unwrap()
            .unwrap()
        })
        .collect();
    pubcom::triage::tagging::assign(
        &mut conn,
        &pubcom::auth::accounts::Actor::system("test"),
        c.id(),
        &targets,
        me.id(),
        chrono::NaiveDate::from_ymd_opt(2020, 1, 31),
    )
    .unwrap();
    drop(conn);
    let base = _c.base.clone();
    let drafter = Client::login(&base, "drafter", PASSWORD);
    let list = drafter.get("/c/gl6");
    let mine = format!("/c/gl6?drafter={}", me.id);
    assert!(
        list.body.contains(&format!("href=\"{mine}\"")),
        "the 自分の担当 tab"
    );
    let page = drafter.get(&mine);
    assert!(page.body.contains("意見 2 件"), "{}", page.body);
    assert!(page.body.contains("<th>担当</th>") && page.body.contains("<th>期限</th>"));
    assert!(page.body.contains("drafter さん"), "{}", page.body);
    assert!(
        page.body.contains("<span class=\"overdue\">01/31</span>"),
        "a past due date stands out: {}",
        page.body
    );
    // Tagging or assigning from a comment opened from this list returns to it in the list.
    let r = _c.post(
        &format!("/c/gl6/comments/3/tags?drafter={}", me.id),
        &[("clause", ""), ("category", "")],
    );
    assert_eq!(
        r.location,
        Some(format!("/c/gl6/comments/3?drafter={}", me.id))
    );
    let r = drafter.post(
        &format!("/c/gl6/comments/3/revisions?drafter={}", me.id),
        &[
            ("clause_label", "1.1"),
            ("original_text", "原案の文"),
            ("revised_text", "修正後の文"),
        ],
    );
    let back = format!("/c/gl6/comments/3?drafter={}#revision-", me.id);
    assert!(
        r.location.as_deref().is_some_and(|l| l.starts_with(&back)),
        "a revision saved from the page returns to it within the list: {:?} {}",
        r.location,
        r.body
    );
}

/// An administrator creates a consultation from the browser by uploading its table.
#[test]
fn an_administrator_creates_a_consultation_by_uploading_its_table() {
    let (db, staff) = app_with_sample();
    add_user(&db, "admin", Role::Admin, false, &[]);
    let admin = Client::login(&staff.base, "admin", PASSWORD);
    assert!(admin.get("/").body.contains("href=\"/import\""));
    assert_eq!(admin.get("/import").status, 200);
    let table = "資料NO.,氏名・名称,属性,意見\n1,個人A,個人,新しい案件への意見です。\n2,個人B,個人,二つ目の意見です。\n";
    let r = admin.upload(
        "/import",
        "new.csv",
        table.as_bytes(),
        &[("slug", "new-gl"), ("title", "新しいガイドライン（案）")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/c/new-gl"));
    let list = admin.get("/c/new-gl").body;
    assert!(
        list.contains("意見 2 件") && list.contains("新しいガイドライン（案）"),
        "{list}"
    );
    let again = admin.upload(
        "/import",
        "new.csv",
        table.as_bytes(),
        &[("slug", "new-gl"), ("title", "")],
    );
    assert_eq!(again.status, 400);
    assert!(again.body.contains("もうあります"), "{}", again.body);
    assert_eq!(
        staff.get("/import").status,
        403,
        "only administrators create consultations"
    );
}

/// Sorted by the draft's order, a comment's previous / next follow that order too.
#[test]
fn previous_and_next_follow_the_lists_sort_order() {
    use pubcom::models::{comment_list, consultation};
    let db = TestDb::new();
    let csv = "No.,章,意見\n1,2.1 二つ目の節,一\n2,1.1 最初の節,二\n3,,三\n4,1.1 最初の節,四\n";
    import_bytes(&mut db.conn(), "s.csv", csv.as_bytes(), &options("s")).unwrap();
    pubcom::intake::clause_import::import_clauses(
        &mut db.conn(),
        "outline.md",
        "- 1. 総則\n  - 1.1 最初の節\n- 2. 各論\n  - 2.1 二つ目の節\n".as_bytes(),
        "s",
        None,
        &pubcom::auth::accounts::Actor::system("test"),
    )
    .unwrap();
    let c = consultation::find_by_slug(&mut db.conn(), "s")
        .unwrap()
        .unwrap();
    let no = |n| pubcom::domain::CommentNo { number: n, part: 0 };
    let around = |sort: Option<&str>, n| {
        let filter = comment_list::CommentFilter {
            sort: sort.map(String::from),
            ..Default::default()
        };
        let (before, after) =
            comment_list::neighbours(&mut db.conn(), c.id(), &filter, no(n)).unwrap();
        (before.map(|x| x.number), after.map(|x| x.number))
    };
    assert_eq!(around(None, 4), (Some(3), None), "No. order");
    // The draft's order: 1.1 (Nos. 2, 4), then 2.1 (No. 1), then untagged (No. 3).
    assert_eq!(around(Some("clause"), 4), (Some(2), Some(1)));
    assert_eq!(around(Some("clause"), 1), (Some(4), Some(3)));
    assert_eq!(around(Some("clause"), 3), (Some(1), None));
}
