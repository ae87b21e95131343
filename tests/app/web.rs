use crate::helpers::*;

#[test]
fn the_home_page_lists_consultations_and_links_to_their_comments() {
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    let base = spawn_app(db.pool.clone());
    let (status, body) = get(&format!("{base}/"));
    assert_eq!(status, 200);
    assert!(body.contains("href=\"/c/gl6\""), "{body}");
    assert!(body.contains(">255<"), "comment count shown");
}

#[test]
fn the_comment_list_shows_the_table_columns_a_page_at_a_time() {
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    let base = spawn_app(db.pool.clone());
    let (status, body) = get(&format!("{base}/c/gl6"));
    assert_eq!(status, 200);
    for header in ["No.", "分類", "編", "章", "頁", "御意見", "回答（考え方）"] {
        assert!(body.contains(&format!("<th>{header}</th>")), "{header}");
    }
    assert!(body.contains("全資料読む必要がある人向けの各編合冊版の刊行予定はあるか。"));
    assert!(body.contains("1〜50 件目"));
    assert!(!body.contains("<td class=\"num\">51</td>"));
    let (_, page6) = get(&format!("{base}/c/gl6?page=6"));
    assert!(page6.contains("<td class=\"num\">255</td>"));
    assert!(page6.contains("251〜255 件目"));
}

#[test]
fn comment_text_is_escaped_in_pages() {
    let db = TestDb::new();
    let csv = "No.,御意見\n1,<script>alert(1)</script>\"><img src=x onerror=alert(2)>\n";
    import_bytes(&mut db.conn(), "x.csv", csv.as_bytes(), &options("xss")).unwrap();
    let base = spawn_app(db.pool.clone());
    let (_, body) = get(&format!("{base}/c/xss"));
    assert!(!body.contains("<script>alert"), "{body}");
    assert!(!body.contains("<img src=x"), "{body}");
    assert!(body.contains("&lt;script&gt;"));
}

#[test]
fn an_unknown_consultation_is_a_404_page() {
    let db = TestDb::new();
    let base = spawn_app(db.pool.clone());
    let (status, body) = get(&format!("{base}/c/none"));
    assert_eq!(status, 404);
    assert!(body.contains("見つかりません"));
}
