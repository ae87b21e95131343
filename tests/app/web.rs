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
