use crate::helpers::*;
use diesel::connection::SimpleConnection;
use pubcom::db::{search_index, DbConnection};
use pubcom::domain::{CommentNo, Disposition};
use pubcom::intake::ImportError;
use pubcom::models::comment_list;
use pubcom::models::{clause_ref, comment, consultation, response};

fn no(n: i32) -> CommentNo {
    CommentNo { number: n, part: 0 }
}

fn comment_count(db: &TestDb, slug: &str) -> i64 {
    let mut conn = db.conn();
    match consultation::find_by_slug(&mut conn, slug).unwrap() {
        Some(c) => comment::count(&mut conn, c.id()).unwrap(),
        None => 0,
    }
}

/// (No., 分類, 編, 章, 頁, 御意見, 回答, 対応区分) of every comment, for comparing two imports.
fn snapshot(db: &TestDb, slug: &str) -> Vec<Vec<Option<String>>> {
    let mut conn = db.conn();
    let c = consultation::find_by_slug(&mut conn, slug)
        .unwrap()
        .unwrap();
    comment_list::list(&mut conn, c.id(), &Default::default(), 0, None)
        .unwrap()
        .into_iter()
        .map(|r| {
            vec![
                Some(r.comment.no().to_string()),
                r.category,
                r.comment.volume,
                r.comment.chapter,
                r.comment.page,
                Some(r.comment.body),
                r.answer,
                r.disposition.map(|d| d.code().to_string()),
            ]
        })
        .collect()
}

#[test]
fn the_real_mhlw_sample_imports_255_comments_with_their_cells() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let report = import_file(&mut conn, MHLW_SAMPLE, "gl6");
    assert_eq!(
        (
            report.rows_read,
            report.comments_added,
            report.responses_added
        ),
        (255, 255, 255)
    );
    assert_eq!(report.profile, "mhlw");
    assert_eq!(
        report.warnings.len(),
        4,
        "the four rows with a missing column are reported"
    );
    let c = consultation::find_by_slug(&mut conn, "gl6")
        .unwrap()
        .unwrap();
    assert_eq!(comment::count(&mut conn, c.id()).unwrap(), 255);

    let first = comment::find_by_no(&mut conn, c.id(), no(1))
        .unwrap()
        .unwrap();
    assert_eq!(first.volume.as_deref(), Some("すべて"));
    assert_eq!(first.chapter, None, "— means none");
    assert_eq!(first.page, None);
    assert_eq!(
        first.body,
        "全資料読む必要がある人向けの各編合冊版の刊行予定はあるか。"
    );
    let answer = response::for_comment(&mut conn, first.id).unwrap().unwrap();
    assert_eq!(
        answer.body,
        "現時点において、合冊版の刊行予定はございません。"
    );

    let stock = comment::find_by_no(&mut conn, c.id(), no(3))
        .unwrap()
        .unwrap();
    let answer = response::for_comment(&mut conn, stock.id).unwrap().unwrap();
    assert_eq!(
        answer.disposition,
        Disposition::Noted,
        "御意見として参考にさせていただきます。 is 参考"
    );

    let fifth = comment::find_by_no(&mut conn, c.id(), no(5))
        .unwrap()
        .unwrap();
    assert_eq!(
        fifth.chapter.as_deref(),
        Some("3. 2. 2 医療機関等の特性に応じたガイドライン参照箇所")
    );
    assert_eq!(fifth.page.as_deref(), Some("P4"));
    let refs = clause_ref::for_comment(&mut conn, fifth.id).unwrap();
    assert!(refs
        .iter()
        .any(|r| r.source == "chapter" && r.clause_path.as_deref() == Some("3.2.2")));
    assert!(refs
        .iter()
        .any(|r| r.source == "page" && r.page_from == Some(4) && r.page_to == Some(4)));
}

#[test]
fn a_row_with_a_missing_column_is_read_with_an_empty_page() {
    let db = TestDb::new();
    let mut conn = db.conn();
    import_file(&mut conn, MHLW_SAMPLE, "gl6");
    let c = consultation::find_by_slug(&mut conn, "gl6")
        .unwrap()
        .unwrap();
    let row = comment::find_by_no(&mut conn, c.id(), no(119))
        .unwrap()
        .unwrap();
    assert_eq!(row.volume.as_deref(), Some("システム運用編 (Control)"));
    assert_eq!(
        row.chapter.as_deref(),
        Some("10. 医療情報システム・サービス事業者による保守対応等に対する安全管理措置")
    );
    assert_eq!(row.page, None);
    assert!(
        row.body
            .starts_with("昨今共通のアカウント・パスワードを利用していることが原因で"),
        "{}",
        row.body
    );
    assert!(response::for_comment(&mut conn, row.id).unwrap().is_some());
}

#[test]
fn html_fragments_become_lines_and_japanese_angle_brackets_stay() {
    let db = TestDb::new();
    let mut conn = db.conn();
    import_file(&mut conn, MHLW_SAMPLE, "gl6");
    let c = consultation::find_by_slug(&mut conn, "gl6")
        .unwrap()
        .unwrap();
    let html = comment::find_by_no(&mut conn, c.id(), no(37))
        .unwrap()
        .unwrap();
    assert!(
        !html.body.contains("<p>") && !html.body.contains("</p>") && !html.body.contains("<ul"),
        "{}",
        html.body
    );
    assert!(
        html.body
            .starts_with("「⑤ 利用者認証にパスワードを用いる場合には"),
        "{}",
        html.body
    );
    assert!(
        html.body.lines().count() > 3,
        "paragraphs are lines: {}",
        html.body
    );
    let bracketed = comment::find_by_no(&mut conn, c.id(), no(123))
        .unwrap()
        .unwrap();
    assert!(bracketed.body.contains("<説明責任>"), "{}", bracketed.body);
}

#[test]
fn reimporting_the_same_file_adds_nothing() {
    let db = TestDb::new();
    let mut conn = db.conn();
    import_file(&mut conn, MHLW_SAMPLE, "gl6");
    let again = import_file(&mut conn, MHLW_SAMPLE, "gl6");
    assert!(again.already_imported);
    assert_eq!(again.comments_added, 0);
    // The same rows in another file (a different encoding) are recognised row by row.
    let bytes = std::fs::read(MHLW_SAMPLE).unwrap();
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), &bytes].concat();
    let third = import_bytes(&mut conn, "copy.tsv", &with_bom, &options("gl6")).unwrap();
    assert_eq!(
        (third.comments_added, third.comments_already_present),
        (0, 255)
    );
    assert_eq!(comment_count(&db, "gl6"), 255);
}

#[test]
fn a_shift_jis_copy_of_the_sample_imports_to_the_same_result() {
    let db = TestDb::new();
    let mut conn = db.conn();
    import_file(&mut conn, MHLW_SAMPLE, "utf8");
    // Shift_JIS has no U+2014: a CP932 file holds ― (0x815C) where the UTF-8 file has —.
    let text = std::fs::read_to_string(MHLW_SAMPLE)
        .unwrap()
        .replace('—', "―");
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable);
    let report = import_bytes(&mut conn, "sjis.tsv", &sjis, &options("sjis")).unwrap();
    assert_eq!(report.encoding, "shift_jis");
    assert_eq!(report.comments_added, 255);
    assert_eq!(snapshot(&db, "sjis"), snapshot(&db, "utf8"));
}

#[test]
fn the_mic_layout_imports_submitters_and_revisions() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let report = import_file(&mut conn, MIC_SAMPLE, "mic");
    assert_eq!(
        (
            report.profile.as_str(),
            report.comments_added,
            report.revisions_added
        ),
        ("mic", 5, 3)
    );
    let rows = snapshot(&db, "mic");
    assert_eq!(rows[2][0].as_deref(), Some("52"));
    assert_eq!(
        rows[2][3].as_deref(),
        Some("3.2.2(2)(イ)1."),
        "パート（原案） is the chapter tag"
    );
    assert_eq!(rows[2][4].as_deref(), Some("P47"));
}

fn assert_refused_and_unchanged(
    db: &TestDb,
    err: anyhow::Error,
    row: Option<usize>,
    column: Option<usize>,
) -> ImportError {
    let e = err
        .downcast_ref::<ImportError>()
        .unwrap_or_else(|| panic!("an ImportError, got: {err:#}"))
        .clone();
    assert_eq!((e.row, e.column), (row, column), "{e}");
    assert_eq!(comment_count(db, "broken"), 0, "nothing is written");
    e
}

#[test]
fn a_csv_with_an_unclosed_quote_changes_nothing_and_names_row_and_column() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let csv = "No.,分類,御意見\n1,a,正しい行\n2,b,\"閉じていない引用\n3,c,最後\n";
    let err =
        import_bytes(&mut conn, "broken.csv", csv.as_bytes(), &options("broken")).unwrap_err();
    let e = assert_refused_and_unchanged(&db, err, Some(3), Some(3));
    assert!(
        e.to_string().starts_with("broken.csv: 3 行目 3 列目"),
        "{e}"
    );
}

#[test]
fn an_unknown_header_changes_nothing_and_names_its_column() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let csv = "No.,分類,御意見,担当課\n1,a,意見,総務課\n";
    let err =
        import_bytes(&mut conn, "broken.csv", csv.as_bytes(), &options("broken")).unwrap_err();
    let e = assert_refused_and_unchanged(&db, err, Some(1), Some(4));
    assert!(e.message.contains("担当課"), "{e}");
}

#[test]
fn a_bad_number_in_a_late_row_leaves_the_database_unchanged() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let text = std::fs::read_to_string(MHLW_SAMPLE)
        .unwrap()
        .replace("\n250\t", "\n25O\t");
    let err =
        import_bytes(&mut conn, "broken.tsv", text.as_bytes(), &options("broken")).unwrap_err();
    let line = text.lines().position(|l| l.starts_with("25O\t")).unwrap() + 1;
    let e = assert_refused_and_unchanged(&db, err, Some(line), Some(1));
    assert_eq!(e.header.as_deref(), Some("No."));
}

#[test]
fn a_conflicting_row_rolls_back_the_whole_import() {
    let db = TestDb::new();
    let mut conn = db.conn();
    import_bytes(
        &mut conn,
        "first.csv",
        "No.,御意見\n200,先に取り込んだ意見\n".as_bytes(),
        &options("broken"),
    )
    .unwrap();
    let text = std::fs::read_to_string(MHLW_SAMPLE).unwrap();
    let err =
        import_bytes(&mut conn, "sample.tsv", text.as_bytes(), &options("broken")).unwrap_err();
    let e = err.downcast_ref::<ImportError>().expect("an ImportError");
    assert!(e.message.contains("No. 200"), "{e}");
    assert_eq!(
        comment_count(&db, "broken"),
        1,
        "the 199 rows before No. 200 were rolled back"
    );
}

#[test]
fn a_truncated_xlsx_changes_nothing() {
    let db = TestDb::new();
    let mut conn = db.conn();
    import_file(&mut conn, MIC_SAMPLE, "mic");
    let c = consultation::find_by_slug(&mut conn, "mic")
        .unwrap()
        .unwrap();
    let table = pubcom::publish::results::build(
        &mut conn,
        c.id(),
        "t",
        pubcom::publish::results::Layout::Mic,
    )
    .unwrap();
    let xlsx = pubcom::publish::writers::xlsx_bytes(&table).unwrap();
    let truncated = &xlsx[..xlsx.len() / 2];
    let err = import_bytes(&mut conn, "cut.xlsx", truncated, &options("broken")).unwrap_err();
    let e = assert_refused_and_unchanged(&db, err, None, None);
    assert!(e.to_string().starts_with("cut.xlsx: "), "{e}");
    assert!(e.message.contains("XLSX"), "{e}");
}

#[test]
fn a_large_import_is_searchable_at_once_and_indexed_afterwards_without_corrupting_the_index() {
    let db = TestDb::new();
    let sqlite = !db.url.is_postgres();
    let (mut csv, mut truth) = (Vec::new(), Vec::new());
    pubcom::bench::synth::write(2_500, 3, &mut csv, &mut truth).unwrap();
    let report = import_bytes(&mut db.conn(), "synth.csv", &csv, &options("big")).unwrap();
    assert_eq!(report.comments_added, 2_500);
    let c = consultation::find_by_slug(&mut db.conn(), "big")
        .unwrap()
        .unwrap();
    let pending = search_index::pending_count(&mut db.conn()).unwrap();
    assert_eq!(pending, if sqlite { 2_500 } else { 0 });

    let search = |q: &str| {
        comment_list::count_filtered(
            &mut db.conn(),
            c.id(),
            &comment_list::CommentFilter {
                q: Some(q.into()),
                ..Default::default()
            },
        )
        .unwrap()
    };
    let like = |q: &str| {
        let rows =
            comment_list::list(&mut db.conn(), c.id(), &Default::default(), 0, None).unwrap();
        rows.iter().filter(|r| r.comment.body.contains(q)).count() as i64
    };
    let words = ["医療機関", "ガイドライン", "サイバー攻撃", "改めました"];
    for q in words {
        assert_eq!(search(q), like(q), "{q}, before indexing");
    }

    // Rows changed and removed while still waiting for the index.
    let mut conn = db.conn();
    let no7 = comment::find_by_no(&mut conn, c.id(), no(7))
        .unwrap()
        .unwrap();
    conn.batch_execute(&format!(
        "UPDATE comments SET body = body || '改めました' WHERE id = {}",
        no7.id
    ))
    .unwrap();
    let no8 = comment::find_by_no(&mut conn, c.id(), no(8))
        .unwrap()
        .unwrap();
    conn.batch_execute(&format!("DELETE FROM comments WHERE id = {}", no8.id))
        .unwrap();
    search_index::index_pending(&mut conn, &mut |_| {}).unwrap();
    assert_eq!(search_index::pending_count(&mut conn).unwrap(), 0);
    assert!(!search_index::has_pending(&mut conn).unwrap());
    if sqlite {
        // Checks the index's own structure (it holds the folded texts, not the comments' own).
        conn.batch_execute(
            "INSERT INTO comments_fts(comments_fts, rank) VALUES ('integrity-check', 1)",
        )
        .expect("the search index matches the comments");
    }
    drop(conn);
    for q in words {
        assert_eq!(search(q), like(q), "{q}, after indexing");
    }
    assert!(search("改めました") >= 1);

    import_bytes(
        &mut db.conn(),
        "one.csv",
        "資料NO.,氏名・名称,意見\n9001,個人Z,あとから来た唯一無二の意見です\n".as_bytes(),
        &options("big"),
    )
    .unwrap();
    assert_eq!(search_index::pending_count(&mut db.conn()).unwrap(), 0);
    assert_eq!(
        search("唯一無二"),
        1,
        "a small import is indexed row by row"
    );
}

#[test]
fn rows_written_in_batches_keep_their_numbers_and_a_late_bad_row_undoes_every_batch() {
    let db = TestDb::new();
    let (mut csv, mut truth) = (Vec::new(), Vec::new());
    pubcom::bench::synth::write(1_600, 7, &mut csv, &mut truth).unwrap();
    let text = String::from_utf8(csv).unwrap();
    let table = pubcom::intake::table::read("synth.csv", text.as_bytes(), None, None).unwrap();

    // Row 1,501 of 1,600: three batches of 500 were already written when it is read.
    let bad_line = table.rows[1501].line;
    let broken = text.replacen("\n1501,", "\n15O1,", 1);
    let err = import_bytes(
        &mut db.conn(),
        "broken.csv",
        broken.as_bytes(),
        &options("broken"),
    )
    .unwrap_err();
    assert_refused_and_unchanged(&db, err, Some(bad_line), Some(1));
    assert!(
        consultation::find_by_slug(&mut db.conn(), "broken")
            .unwrap()
            .is_none(),
        "not even the consultation is left behind"
    );

    import_bytes(
        &mut db.conn(),
        "synth.csv",
        text.as_bytes(),
        &options("big"),
    )
    .unwrap();
    let mut conn = db.conn();
    let c = consultation::find_by_slug(&mut conn, "big")
        .unwrap()
        .unwrap();
    for n in [1, 499, 500, 501, 1_234, 1_600] {
        let stored = comment::find_by_no(&mut conn, c.id(), no(n))
            .unwrap()
            .unwrap();
        let row = &table.rows[n as usize];
        assert_eq!(row.cells[0], n.to_string());
        assert_eq!(stored.body, row.cells[7], "the body of No. {n}");
        assert_eq!(
            stored.chapter.as_deref(),
            Some(row.cells[5].as_str()).filter(|c| !c.is_empty())
        );
    }
}

#[test]
fn a_search_for_a_common_word_is_counted_up_to_the_cap_and_pages_in_number_order() {
    let db = TestDb::new();
    let (mut csv, mut truth) = (Vec::new(), Vec::new());
    pubcom::bench::synth::write(2_500, 5, &mut csv, &mut truth).unwrap();
    import_bytes(&mut db.conn(), "synth.csv", &csv, &options("big")).unwrap();
    let mut conn = db.conn();
    let c = consultation::find_by_slug(&mut conn, "big")
        .unwrap()
        .unwrap();
    let all = comment_list::list(&mut conn, c.id(), &Default::default(), 0, None).unwrap();
    let filter = |q: &str| comment_list::CommentFilter {
        q: Some(q.into()),
        search_cap: Some(100),
        ..Default::default()
    };
    let matching = |q: &str| -> Vec<i32> {
        all.iter()
            .filter(|r| r.comment.body.contains(q))
            .map(|r| r.comment.number)
            .collect()
    };
    let common = "ガイドライン";
    assert!(matching(common).len() > 100);
    for indexed in [false, true] {
        if indexed {
            search_index::index_pending(&mut conn, &mut |_| {}).unwrap();
        }
        let state = if indexed { "indexed" } else { "pending" };
        assert_eq!(
            comment_list::count_for_page(&mut conn, c.id(), &filter(common)).unwrap(),
            (100, true),
            "{state}"
        );
        let exact = comment_list::CommentFilter {
            search_cap: Some(comment_list::UNCAPPED),
            ..filter(common)
        };
        assert_eq!(
            comment_list::count_for_page(&mut conn, c.id(), &exact).unwrap(),
            (matching(common).len() as i64, false),
            "counted to the end on request, {state}"
        );
        for page in [0, 1, 4] {
            let rows = comment_list::list(&mut conn, c.id(), &filter(common), page * 50, Some(50))
                .unwrap();
            let numbers: Vec<i32> = rows.iter().map(|r| r.comment.number).collect();
            let expected: Vec<i32> = matching(common)
                .into_iter()
                .skip(page as usize * 50)
                .take(50)
                .collect();
            assert_eq!(numbers, expected, "page {}, {state}", page + 1);
        }
        let rare = all
            .iter()
            .flat_map(|r| r.comment.body.split('。'))
            .map(|s| s.chars().take(8).collect::<String>())
            .find(|s| s.chars().count() == 8 && (1..100).contains(&matching(s).len()))
            .expect("a phrase found in a few comments");
        assert_eq!(
            comment_list::count_for_page(&mut conn, c.id(), &filter(&rare)).unwrap(),
            (matching(&rare).len() as i64, false),
            "{rare}, {state}"
        );
        // Counted as common (cap 0): read without the index, window after window of No.
        let as_common = comment_list::CommentFilter {
            search_cap: Some(0),
            ..filter(&rare)
        };
        let rows = comment_list::list(&mut conn, c.id(), &as_common, 0, Some(50)).unwrap();
        let numbers: Vec<i32> = rows.iter().map(|r| r.comment.number).collect();
        let expected: Vec<i32> = matching(&rare).into_iter().take(50).collect();
        assert_eq!(numbers, expected, "{rare} read in No. order, {state}");
    }
}

#[test]
fn the_servers_background_indexer_catches_up_after_a_large_import() {
    let db = TestDb::new();
    if db.url.is_postgres() {
        return; // pg_trgm is kept by PostgreSQL itself: nothing is ever pending
    }
    let (mut csv, mut truth) = (Vec::new(), Vec::new());
    pubcom::bench::synth::write(2_500, 11, &mut csv, &mut truth).unwrap();
    import_bytes(&mut db.conn(), "synth.csv", &csv, &options("big")).unwrap();
    assert_eq!(search_index::pending_count(&mut db.conn()).unwrap(), 2_500);
    search_index::spawn_indexer(db.pool.clone(), std::time::Duration::from_millis(20));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while search_index::has_pending(&mut db.conn()).unwrap() {
        assert!(
            std::time::Instant::now() < deadline,
            "still pending after a minute"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let indexed: i64 = {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let pubcom::db::DbConnection::Sqlite(c) = &mut *db.conn() else {
            unreachable!()
        };
        diesel::sql_query("SELECT COUNT(*) AS n FROM comments_fts_docsize")
            .get_result::<N>(c)
            .unwrap()
            .n
    };
    assert_eq!(indexed, 2_500, "every comment is in the index");
}

/// A SQLite pragma's value, as text.
fn pragma(conn: &mut DbConnection, name: &str) -> String {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Value {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let sql = format!("SELECT CAST({name} AS TEXT) AS value FROM pragma_{name}()");
    diesel::sql_query(sql)
        .get_result::<Value>(conn)
        .unwrap()
        .value
}

#[test]
fn a_sqlite_import_alone_on_its_file_skips_the_wal_stays_atomic_and_leaves_wal_on() {
    use pubcom::db::{self, bulk, DatabaseUrl};
    let mode = |conn: &mut DbConnection| pragma(conn, "journal_mode");
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::Sqlite(dir.path().join("bulk.sqlite3").display().to_string());
    let pool = db::connect(&url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    assert_eq!(
        pragma(&mut conn, "page_size"),
        "16384",
        "a new file: pages that hold a comment"
    );
    let (mut csv, mut truth) = (Vec::new(), Vec::new());
    pubcom::bench::synth::write(300, 3, &mut csv, &mut truth).unwrap();
    let text = String::from_utf8(csv).unwrap();

    let broken = text.replacen("\n250,", "\n25O,", 1);
    let refused = bulk::with_rollback_journal(&mut conn, |conn| {
        assert_eq!(mode(conn), "truncate", "alone on the file: no WAL");
        Ok(import_bytes(
            conn,
            "broken.csv",
            broken.as_bytes(),
            &options("b"),
        ))
    })
    .unwrap();
    assert!(refused.0 && refused.1.is_err(), "row 250 is refused");
    assert_eq!(mode(&mut conn), "wal");
    assert_eq!(
        pragma(&mut conn, "foreign_keys"),
        "1",
        "foreign keys are checked again once the load is over"
    );
    assert!(consultation::find_by_slug(&mut conn, "b")
        .unwrap()
        .is_none());

    let (switched, report) = bulk::with_rollback_journal(&mut conn, |conn| {
        Ok(import_bytes(conn, "synth.csv", text.as_bytes(), &options("s")).unwrap())
    })
    .unwrap();
    assert!(switched);
    assert_eq!(report.comments_added, 300);
    drop(conn);
    drop(pool);
    let reopened = db::connect(&url, 1).unwrap();
    let mut conn = reopened.get().unwrap();
    assert_eq!(mode(&mut conn), "wal");
    let c = consultation::find_by_slug(&mut conn, "s").unwrap().unwrap();
    assert_eq!(comment::count(&mut conn, c.id()).unwrap(), 300);

    // With a second connection open (a running server), the journal is left as it is.
    let other = db::connect(&url, 1).unwrap();
    let _held = other.get().unwrap();
    let (switched, seen) = bulk::with_rollback_journal(&mut conn, |conn| Ok(mode(conn))).unwrap();
    assert_eq!((switched, seen.as_str()), (false, "wal"));
}

#[test]
fn comments_citing_many_clauses_import_in_one_go() {
    // 600 comments citing 12 clauses each: 7,200 references, more than one statement may
    // bind on SQLite (32,766 values at 7 a row) had they been written at once.
    let db = TestDb::new();
    let cited: Vec<String> = (1..=12).map(|k| format!("{}.{}", k % 9 + 1, k)).collect();
    let mut csv = String::from("No.,御意見\n");
    for n in 1..=600 {
        csv.push_str(&format!(
            "{n},第{n}の意見。{}を見直すべき。\n",
            cited.join("、")
        ));
    }
    import_bytes(&mut db.conn(), "many.csv", csv.as_bytes(), &options("many")).unwrap();
    let mut conn = db.conn();
    let c = consultation::find_by_slug(&mut conn, "many")
        .unwrap()
        .unwrap();
    let last = comment::find_by_no(&mut conn, c.id(), no(600))
        .unwrap()
        .unwrap();
    assert_eq!(
        clause_ref::for_comment(&mut conn, last.id).unwrap().len(),
        12
    );
}

#[test]
fn a_sqlite_import_killed_midway_leaves_nothing_and_the_file_sound() {
    use pubcom::db::{self, DatabaseUrl};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.sqlite3");
    let url = DatabaseUrl::Sqlite(path.display().to_string());
    drop(db::connect(&url, 1).unwrap()); // migrated, then closed: the import is alone
    let csv = dir.path().join("big.csv");
    let (mut bytes, mut truth) = (Vec::new(), Vec::new());
    pubcom::bench::synth::write(30_000, 9, &mut bytes, &mut truth).unwrap();
    std::fs::write(&csv, bytes).unwrap();

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pubcom"))
        .arg("--database")
        .arg(format!("sqlite://{}", path.display()))
        .args(["import", "comments"])
        .arg(&csv)
        .args(["--consultation", "big"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed once it is writing: its rollback journal holds pages.
    let journal = dir.path().join("crash.sqlite3-journal");
    let writing = (0..600).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::fs::metadata(&journal).is_ok_and(|m| m.len() > 0)
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(writing, "the import started writing");

    let pool = db::connect(&url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    assert_eq!(pragma(&mut conn, "integrity_check"), "ok");
    assert!(consultation::find_by_slug(&mut conn, "big")
        .unwrap()
        .is_none());
    import_bytes(
        &mut conn,
        "small.csv",
        "No.,御意見\n1,意見\n".as_bytes(),
        &options("s"),
    )
    .unwrap();
}
