//! Property-based fuzzing of the parsers that read what users upload: the table reader
//! (CSV/TSV/XLSX bytes → rows), the clause reference parser, the HTML-cell converter and
//! the clause-outline parser. Each runs `PUBCOM_FUZZ_CASES` cases (256 by default, so CI
//! stays bounded); a longer run: `PUBCOM_FUZZ_CASES=20000 cargo test --release --test app fuzz`.
//! Inputs that once failed are kept as regression cases below.

use proptest::prelude::*;
use pubcom::intake::{clause_ref, clauses, html, table};

fn cases() -> ProptestConfig {
    let n = std::env::var("PUBCOM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases: n,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Cells as real tables hold them: Japanese, ASCII, quotes, delimiters, line breaks,
/// full-width forms, control characters and the odd emoji.
fn cell() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("意見".to_string()),
            Just("\"".to_string()),
            Just(",".to_string()),
            Just("\t".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("３．２．１（２）".to_string()),
            Just("ｶﾅ".to_string()),
            Just("=SUM(A1)".to_string()),
            Just("\u{0}".to_string()),
            Just("😀".to_string()),
            "[a-zA-Z0-9 .()-]{0,8}",
            "[ぁ-んァ-ヶ一-龥]{0,6}",
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

fn csv_of(rows: &[Vec<String>], delimiter: u8) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

/// Bytes a hostile upload might hold: fragments of CSV, quotes, BOMs, Shift_JIS and
/// UTF-16 lead bytes, ZIP headers.
fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..16),
            Just(b"\"".to_vec()),
            Just(b",".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\xEF\xBB\xBF".to_vec()),
            Just(b"\xFF\xFE".to_vec()),
            Just(b"\x82\xA0".to_vec()),
            Just(b"PK\x03\x04".to_vec()),
            Just("No.,御意見\n".as_bytes().to_vec()),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(cases())]

    /// Any bytes: rows or an error naming the file, never a panic.
    #[test]
    fn the_table_reader_never_panics(bytes in hostile_bytes(), xlsx in any::<bool>()) {
        let name = if xlsx { "upload.xlsx" } else { "upload.csv" };
        if let Err(e) = table::read(name, &bytes, None, None) {
            prop_assert!(e.to_string().starts_with(name), "{e}");
        }
    }

    /// A table written by a CSV or TSV writer reads back cell for cell, whatever the cells.
    #[test]
    fn delimited_tables_read_back_cell_for_cell(
        rows in prop::collection::vec(prop::collection::vec(cell(), 3), 1..8),
        tsv in any::<bool>(),
    ) {
        // Rows of empty cells only are blank lines, skipped by design; a leading BOM-like
        // header is not what is tested here.
        let mut rows = rows;
        rows.retain(|r| r.iter().any(|c| !c.trim().is_empty()));
        prop_assume!(!rows.is_empty());
        let (name, delimiter) = if tsv { ("t.tsv", b'\t') } else { ("t.csv", b',') };
        let bytes = csv_of(&rows, delimiter);
        let read = table::read(name, &bytes, None, None);
        let read = match read {
            Ok(t) => t,
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        };
        let got: Vec<Vec<String>> = read
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.replace("\r\n", "\n")).collect())
            .collect();
        let want: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(|c| c.replace("\r\n", "\n")).collect())
            .collect();
        prop_assert_eq!(got, want);
    }

    /// Clause references: never a panic, and every reference has a label or pages.
    #[test]
    fn clause_references_never_panic(text in "[0-9０-９.．()（）ア-ン①-⑳第章節条項脚注表図PpＰ頁ページ～\\- 、。a-z]{0,60}") {
        for r in clause_ref::parse_text(&text)
            .into_iter()
            .chain(clause_ref::parse_cell(&text))
            .chain(clause_ref::parse_pages(&text))
        {
            prop_assert!(r.path.is_some() || r.pages.is_some(), "{r:?}");
            if let Some((from, to)) = r.pages {
                prop_assert!(from <= to, "{r:?}");
            }
        }
    }

    /// HTML cells: never a panic, and no markup survives as markup.
    #[test]
    fn html_cells_become_text(
        parts in prop::collection::vec(
            prop_oneof![
                Just("<br>".to_string()),
                Just("<p>".to_string()),
                Just("</p>".to_string()),
                Just("<script>alert(1)</script>".to_string()),
                Just("&amp;".to_string()),
                Just("&#x3042;".to_string()),
                Just("&#99999999;".to_string()),
                Just("&".to_string()),
                Just("<".to_string()),
                Just("<a href=\"x\">".to_string()),
                "[ぁ-ん a-z]{0,5}",
            ],
            0..12,
        )
    ) {
        let cell = parts.concat();
        let text = html::to_text(&cell);
        prop_assert!(!text.contains("<script"), "{text}");
        prop_assert!(!text.contains("<p>") && !text.contains("<br>"), "{text}");
    }

    /// Outlines: never a panic; labels are unique and every parent was parsed before.
    #[test]
    fn outlines_parse_into_a_tree(
        lines in prop::collection::vec(
            prop_oneof![
                Just("第1章 総則".to_string()),
                Just("1.1 目的".to_string()),
                Just("  - 1.1.1 定義".to_string()),
                Just("（１）対象".to_string()),
                Just("(ア) 例".to_string()),
                Just("① 細目".to_string()),
                Just("脚注3 注記".to_string()),
                Just("# 見出し".to_string()),
                Just("".to_string()),
                "[ぁ-ん一-龥0-9.() -]{0,12}",
            ],
            0..20,
        )
    ) {
        let (parsed, _) = clauses::parse(&lines.join("\n"));
        let mut seen = std::collections::HashSet::new();
        for c in &parsed {
            prop_assert!(!c.label.trim().is_empty());
            prop_assert!(seen.insert(c.label.clone()), "label twice: {}", c.label);
            if let Some(p) = &c.parent {
                prop_assert!(seen.contains(p), "parent {p} of {} not before it", c.label);
            }
        }
    }
}
