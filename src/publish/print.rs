//! Printable HTML of the result table and the 新旧対照表: A4 landscape, the header row
//! repeated on every page, rows kept whole where possible, 案 as a watermark on drafts.

use super::results::ResultTable;
use super::shinkyu::ShinkyuRow;
use super::writers;
use crate::drafting::diff;
use maud::{html, Markup, PreEscaped, DOCTYPE};

const PRINT_CSS: &str = r#"
@page { size: A4 landscape; margin: 12mm 10mm; }
body { font-family: "Noto Sans JP", "Hiragino Sans", "Yu Gothic", "Meiryo", sans-serif; font-size: 9.5pt; color: #000; margin: 0; }
h1 { font-size: 13pt; margin: 0 0 4mm; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
th, td { border: 0.5pt solid #000; padding: 1.5mm 2mm; vertical-align: top; white-space: pre-wrap; word-break: break-all; }
th { background: #e6e6e6; font-weight: bold; word-break: keep-all; overflow-wrap: normal; white-space: normal; }
th span { white-space: nowrap; }
td.short { word-break: keep-all; overflow-wrap: normal; }
tr.tall { page-break-inside: auto; break-inside: auto; }
del { text-decoration: line-through; }
ins { text-decoration: underline; color: #d00000; }
.draft-mark { position: fixed; top: 35%; left: 0; right: 0; text-align: center; font-size: 120pt; color: rgba(200, 0, 0, 0.12); transform: rotate(-20deg); z-index: -1; }
.draft-heading { color: #c00000; font-weight: bold; }
"#;

fn page(title: &str, draft: bool, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                title { @if draft { "【案】" } (title) }
                style { (PreEscaped(PRINT_CSS)) }
            }
            body {
                @if draft { div.draft-mark aria-hidden="true" { "案" } }
                (body)
            }
        }
    }
}

/// A header title in pieces that each stay on one line: it breaks only before （.
fn header_pieces(title: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (at, c) in title.char_indices() {
        if c == '（' && at > start {
            pieces.push(&title[start..at]);
            start = at;
        }
    }
    pieces.push(&title[start..]);
    pieces
}

/// A cell value kept on one line (a word, a short name, a page number): up to 5 full-width
/// characters without a line break.
fn is_short(text: &str) -> bool {
    !text.contains('\n') && writers::text_width(text) <= 10.0
}

/// Lines of a row beyond which it is let break across pages (about a page of 9.5 pt text):
/// kept whole, it would leave a blank page before it.
const TALL_ROW_LINES: usize = 30;

pub fn result_table(t: &ResultTable) -> Markup {
    let columns = t.layout.columns();
    // Wide enough for the longest unbreakable piece of each header, and for the longest
    // short value of the column (すべて, 個人, P12 printed whole, not one character a line).
    let widths: Vec<f64> = columns
        .iter()
        .enumerate()
        .map(|(c, (title, w))| {
            let pieces = header_pieces(title)
                .into_iter()
                .chain(t.rows.iter().filter_map(|r| r.get(c).map(String::as_str)))
                .filter(|p| is_short(p));
            let longest = pieces.map(writers::text_width).fold(0.0, f64::max);
            w.max((1.25 * longest).ceil() + 3.0)
        })
        .collect();
    let total: f64 = widths.iter().sum();
    page(
        &t.title,
        t.draft,
        html! {
            h1 { @if t.draft { span.draft-heading { "【案】" } } (t.title) " 意見募集の結果" }
            table.results {
                colgroup { @for w in &widths { col style={ "width:" (format!("{:.1}", w / total * 100.0)) "%" }; } }
                thead { tr { @for (h, _) in columns { th { @for p in header_pieces(h) { span { (p) } } } } } }
                tbody { @for row in &t.rows {
                    @let lines = row.iter().zip(&widths).map(|(c, w)| writers::wrapped_lines(c, *w)).max().unwrap_or(1);
                    tr.tall[lines > TALL_ROW_LINES] { @for cell in row { td.short[is_short(cell)] { (cell) } } }
                } }
            }
        },
    )
}

pub fn shinkyu(title: &str, rows: &[ShinkyuRow], draft: bool) -> Markup {
    page(
        title,
        draft,
        html! {
            h1 { @if draft { span.draft-heading { "【案】" } } (title) " 新旧対照表" }
            p { "（取消線は削除部分、赤字は追記部分）" }
            table.shinkyu {
                colgroup { col style="width:38%"; col style="width:38%"; col style="width:24%"; }
                thead { tr { th { "旧（原案）" } th { "新（修正後）" } th { "変更理由" } } }
                tbody { @for r in rows {
                    @let segs = diff::segments(&r.original, &r.revised);
                    tr {
                        td { @if !r.original_label.is_empty() { strong { (r.original_label) } br; } (diff::old_side(&segs)) }
                        td { @if !r.revised_label.is_empty() { strong { (r.revised_label) } br; } (diff::new_side(&segs)) }
                        td { (r.reason) }
                    }
                } }
            }
        },
    )
}
