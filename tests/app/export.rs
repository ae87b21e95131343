use crate::helpers::*;

use pubcom::models::consultation;
use pubcom::publish::results::{self, Layout};
use pubcom::publish::writers;

fn table(db: &TestDb, slug: &str, layout: Layout) -> results::ResultTable {
    let mut conn = db.conn();
    let c = consultation::find_by_slug(&mut conn, slug)
        .unwrap()
        .unwrap();
    results::build(&mut conn, c.id(), &c.title, layout).unwrap()
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "CSV starts with a UTF-8 BOM for Excel"
    );
    // A draft (案) starts with a title line before the header, as published tables do.
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let body = match text.strip_prefix("【案】") {
        Some(rest) => rest.split_once("\r\n").expect("a title line").1,
        None => text,
    };
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn both_layouts_have_their_published_column_headers() {
    let db = TestDb::new();
    import_file(&mut db.conn(), MHLW_SAMPLE, "gl6");
    let mhlw = csv_rows(&writers::csv_bytes(&table(&db, "gl6", Layout::Mhlw)).unwrap());
    assert_eq!(
        mhlw[0],
        vec!["No.", "分類", "編", "章", "頁", "御意見", "回答（考え方）"]
    );
    assert_eq!(mhlw.len(), 256);
    assert_eq!(mhlw[1][..5], ["1", "全体構成の見直し", "すべて", "—", "—"]);
    let mic = xlsx_rows(&writers::xlsx_bytes(&table(&db, "gl6", Layout::Mic)).unwrap());
    assert_eq!(
        mic[0],
        vec![
            "資料NO.",
            "氏名・名称",
            "属性",
            "対象",
            "ページ（原案）",
            "パート（原案）",
            "意見",
            "方針・コメント",
            "修正内容（原案）",
            "修正内容（修正後）"
        ]
    );
}

#[test]
fn individuals_are_anonymised_with_one_letter_per_person_and_no_contact_data() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let csv = "資料NO.,氏名・名称,属性,メールアドレス,住所,意見\n\
               1,山田太郎,個人,taro@example.jp,東京都千代田区霞が関1-2-2,第一の意見\n\
               2,一般社団法人テスト協会,法人,info@example.org,大阪府大阪市,団体の意見\n\
               3,佐藤花子,個人,hanako@example.jp,横浜市,別の人の意見\n\
               4,山田太郎,個人,taro@example.jp,東京都千代田区霞が関1-2-2,第二の意見\n";
    import_bytes(&mut conn, "with-pii.csv", csv.as_bytes(), &options("pii")).unwrap();
    let t = table(&db, "pii", Layout::Mic);
    let names: Vec<&str> = t.rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        names,
        vec!["個人A", "一般社団法人テスト協会", "個人B", "個人A"]
    );
    // The name shown on a comment's page is the same as in the export.
    let c = consultation::find_by_slug(&mut conn, "pii")
        .unwrap()
        .unwrap();
    let shown: Vec<String> = pubcom::models::submitter::for_consultation(&mut conn, c.id())
        .unwrap()
        .iter()
        .map(|s| pubcom::models::submitter::public_name(&mut conn, s).unwrap())
        .collect();
    assert_eq!(shown, vec!["個人A", "一般社団法人テスト協会", "個人B"]);
    for bytes in [
        writers::csv_bytes(&t).unwrap(),
        writers::xlsx_bytes(&t).unwrap(),
    ] {
        let cells: Vec<String> = if bytes.starts_with(b"PK") {
            xlsx_rows(&bytes).concat()
        } else {
            csv_rows(&bytes).concat()
        };
        for secret in [
            "山田",
            "佐藤",
            "example.jp",
            "example.org",
            "霞が関",
            "横浜市",
            "大阪府",
        ] {
            assert!(!cells.iter().any(|c| c.contains(secret)), "{secret} leaked");
        }
    }
}

#[test]
fn an_exported_xlsx_imports_back_to_the_same_comments_and_answers() {
    let db = TestDb::new();
    let mut conn = db.conn();
    import_file(&mut conn, MHLW_SAMPLE, "gl6");
    import_file(&mut conn, MIC_SAMPLE, "mic");
    for (slug, layout) in [("gl6", Layout::Mhlw), ("mic", Layout::Mic)] {
        let original = table(&db, slug, layout);
        let xlsx = writers::xlsx_bytes(&original).unwrap();
        let copy = format!("{slug}-copy");
        let report = import_bytes(&mut conn, "export.xlsx", &xlsx, &options(&copy)).unwrap();
        assert_eq!(report.comments_added, original.rows.len());
        assert_eq!(table(&db, &copy, layout).rows, original.rows, "{slug}");
    }
}

#[test]
fn an_exported_csv_imports_back_to_the_same_comments_and_answers() {
    let db = TestDb::new();
    let mut conn = db.conn();
    import_file(&mut conn, MHLW_SAMPLE, "gl6");
    let original = table(&db, "gl6", Layout::Mhlw);
    let csv = writers::csv_bytes(&original).unwrap();
    import_bytes(&mut conn, "export.csv", &csv, &options("copy")).unwrap();
    assert_eq!(table(&db, "copy", Layout::Mhlw).rows, original.rows);
}

#[test]
fn formula_like_cells_are_neutralised_in_csv_and_restored_on_import() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let csv = "No.,御意見\n1,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"\n2,+cmd|' /C calc'!A0\n";
    import_bytes(&mut conn, "f.csv", csv.as_bytes(), &options("f")).unwrap();
    let t = table(&db, "f", Layout::Mhlw);
    let rows = csv_rows(&writers::csv_bytes(&t).unwrap());
    assert!(rows[1][5].starts_with("'=HYPERLINK"), "{:?}", rows[1]);
    assert!(rows[2][5].starts_with("'+cmd"), "{:?}", rows[2]);
    let back = writers::csv_bytes(&t).unwrap();
    import_bytes(&mut conn, "back.csv", &back, &options("f2")).unwrap();
    assert_eq!(table(&db, "f2", Layout::Mhlw).rows, t.rows);
}

#[test]
fn the_export_command_writes_a_file_for_the_database_it_is_given() {
    let db = TestDb::new();
    import_file(&mut db.conn(), MIC_SAMPLE, "mic");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("result.xlsx");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_pubcom"))
        .args([
            "--database",
            &db.cli_url(),
            "export",
            "results",
            "--consultation",
            "mic",
            "--format",
            "xlsx",
            "--layout",
            "mic",
            "-o",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let rows = xlsx_rows(&std::fs::read(&out).unwrap());
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[1][1], "個人A");
}
