//! The 新旧対照表: every approved revision in 新 order, 旧 (with its 旧 number) / 新 (with
//! its 新 number) / 変更理由, deletions struck through and additions in red (XLSX rich text,
//! HTML del/ins). A 新設 has an empty 旧 side, a 削除 reads （削除） on the 新 side.

use super::writers;
use crate::db::schema::{responses, revision_comments};
use crate::domain::{ConsultationId, ResponseState};
use crate::drafting::diff::{self, SegmentKind};
use crate::models::{revision, Conn};
use diesel::prelude::*;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShinkyuRow {
    pub revision: i64,
    /// The 旧 (原案) and 新 (修正後) numbers: '' where a side has none (新設, 削除).
    pub original_label: String,
    pub revised_label: String,
    pub original: String,
    pub revised: String,
    pub reason: String,
}

/// Whether every comment a revision answers has an approved answer (and it answers one).
pub fn approved_revisions(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<Vec<revision::Revision>> {
    let all = revision::all(conn, consultation)?;
    let mut out = Vec::new();
    for r in all {
        let states: Vec<Option<String>> = revision_comments::table
            .left_join(responses::table.on(responses::comment_id.eq(revision_comments::comment_id)))
            .filter(revision_comments::revision_id.eq(r.id))
            .select(responses::state.nullable())
            .load(conn)?;
        if !states.is_empty()
            && states
                .iter()
                .all(|s| s.as_deref() == Some(ResponseState::Approved.code()))
        {
            out.push(r);
        }
    }
    Ok(out)
}

/// Rows in clause order (revisions without a known clause last), `all` taking unapproved ones too.
pub fn rows(
    conn: &mut Conn,
    consultation: ConsultationId,
    all: bool,
) -> QueryResult<Vec<ShinkyuRow>> {
    let revs = if all {
        revision::all(conn, consultation)?
    } else {
        approved_revisions(conn, consultation)?
    };
    // In 新 order: by the 修正後 number as a reader reads numbers (a deletion by its 旧
    // number), so a renumbered clause follows the clause inserted before it.
    let mut rows: Vec<ShinkyuRow> = revs
        .into_iter()
        .map(|r| {
            let (label, text) = r.revised_side();
            ShinkyuRow {
                revision: r.id.0,
                revised_label: label.to_string(),
                revised: text.to_string(),
                original_label: r.clause_label.clone(),
                original: r.original_text.clone(),
                reason: r.reason.clone(),
            }
        })
        .collect();
    rows.sort_by_cached_key(|r| (crate::text::natural_key(r.new_order_label()), r.revision));
    Ok(rows)
}

impl ShinkyuRow {
    fn new_order_label(&self) -> &str {
        if self.revised_label.is_empty() {
            &self.original_label
        } else {
            &self.revised_label
        }
    }
}

/// Widths of the 旧, 新 and 変更理由 columns (Excel character units).
const WIDTHS: [f64; 3] = [56.0, 56.0, 32.0];

/// The fragments of a cell's rich text that fall in `range` of its whole text.
fn cut<'a>(
    parts: &'a [(&'a Format, String)],
    range: std::ops::Range<usize>,
) -> Vec<(&'a Format, &'a str)> {
    let mut out = Vec::new();
    let mut at = 0;
    for (format, text) in parts {
        let (start, end) = (at, at + text.len());
        at = end;
        let (from, to) = (range.start.max(start), range.end.min(end));
        if from < to {
            out.push((*format, &text[from - start..to - start]));
        }
    }
    out
}

pub fn xlsx_bytes(title: &str, rows: &[ShinkyuRow], draft: bool) -> anyhow::Result<Vec<u8>> {
    let mut workbook = writers::workbook()?;
    let sheet = workbook.add_worksheet();
    sheet.set_name("新旧対照表")?;
    let header = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color(Color::RGB(0xE6E6E6))
        .set_border(FormatBorder::Thin);
    let cell = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let plain = Format::new();
    let deleted = Format::new().set_font_strikethrough();
    let added = Format::new()
        .set_font_color(Color::RGB(0xD00000))
        .set_underline(rust_xlsxwriter::FormatUnderline::Single);
    let bold = Format::new().set_bold();
    for (col, (name, width)) in ["旧（原案）", "新（修正後）", "変更理由"]
        .iter()
        .zip(WIDTHS)
        .enumerate()
    {
        sheet.set_column_width(col as u16, width)?;
        sheet.write_string_with_format(0, col as u16, *name, &header)?;
    }
    let mut row = 1u32;
    for r in rows {
        let segs = diff::segments(&r.original, &r.revised);
        // Each side's own number in bold on its first line, then its text, deletions struck
        // through on the 旧 side and additions in red on the 新 side.
        let side = |label: &str, keep: SegmentKind| -> Vec<(&Format, String)> {
            let mut parts = Vec::new();
            if !label.is_empty() {
                parts.push((&bold, format!("{label}\n")));
            }
            for s in segs
                .iter()
                .filter(|s| s.kind == SegmentKind::Same || s.kind == keep)
            {
                let format = match s.kind {
                    SegmentKind::Same => &plain,
                    SegmentKind::Deleted => &deleted,
                    SegmentKind::Added => &added,
                };
                if !s.text.is_empty() {
                    parts.push((format, s.text.clone()));
                }
            }
            parts
        };
        let sides = [
            side(&r.original_label, SegmentKind::Deleted),
            side(&r.revised_label, SegmentKind::Added),
            vec![(&plain, r.reason.clone())],
        ];
        // A revision taller than a row can be goes on in the rows below it.
        let texts: Vec<String> = sides
            .iter()
            .map(|parts| parts.iter().map(|(_, t)| t.as_str()).collect())
            .collect();
        let pieces: Vec<Vec<&str>> = texts
            .iter()
            .zip(WIDTHS)
            .map(|(t, w)| writers::split_for_rows(t, w, writers::MAX_LINES_PER_ROW))
            .collect();
        let height = pieces.iter().map(Vec::len).max().unwrap_or(1);
        let mut offsets = [0usize; 3];
        for part in 0..height {
            let lines = pieces
                .iter()
                .zip(WIDTHS)
                .map(|(p, w)| p.get(part).map_or(1, |t| writers::wrapped_lines(t, w)))
                .max()
                .unwrap_or(1);
            sheet.set_row_height(row, writers::row_height(lines))?;
            for col in 0..3 {
                let piece = pieces[col].get(part).copied().unwrap_or("");
                let range = offsets[col]..offsets[col] + piece.len();
                offsets[col] = range.end;
                let fragments = cut(&sides[col], range);
                if fragments.iter().all(|(f, _)| *f == &plain) || fragments.len() < 2 {
                    sheet.write_string_with_format(row, col as u16, piece, &cell)?;
                } else {
                    sheet.write_rich_string_with_format(row, col as u16, &fragments, &cell)?;
                }
            }
            row += 1;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_repeat_rows(0, 0)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    let mark = if draft { "【案】" } else { "" };
    sheet.set_header(format!("&L{mark}{} 新旧対照表", title.replace('&', "&&")));
    sheet.set_footer("&C&P / &N");
    Ok(workbook.save_to_buffer()?)
}
