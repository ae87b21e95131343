//! The 新旧対照表: every approved revision in the draft's clause order, 旧 / 新 / 変更理由,
//! with deletions struck through and additions in red (XLSX rich text, HTML del/ins).

use crate::db::schema::{responses, revision_comments};
use crate::domain::{ConsultationId, ResponseState};
use crate::drafting::diff::{self, SegmentKind};
use crate::models::{clause, revision, Conn};
use diesel::prelude::*;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShinkyuRow {
    pub revision: i64,
    pub clause: String,
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
    let positions: HashMap<i64, i32> = clause::all(conn, consultation)?
        .into_iter()
        .map(|c| (c.id, c.position))
        .collect();
    let mut revs: Vec<_> = revs.into_iter().collect();
    revs.sort_by_key(|r| {
        (
            r.clause_id
                .and_then(|c| positions.get(&c))
                .copied()
                .unwrap_or(i32::MAX),
            r.id,
        )
    });
    Ok(revs
        .into_iter()
        .map(|r| ShinkyuRow {
            revision: r.id,
            clause: r.clause_label,
            original: r.original_text,
            revised: r.revised_text,
            reason: r.reason,
        })
        .collect())
}

pub fn xlsx_bytes(title: &str, rows: &[ShinkyuRow], draft: bool) -> anyhow::Result<Vec<u8>> {
    let mut workbook = Workbook::new();
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
    for (col, (name, width)) in [
        ("項番", 14.0),
        ("旧（原案）", 50.0),
        ("新（修正後）", 50.0),
        ("変更理由", 30.0),
    ]
    .iter()
    .enumerate()
    {
        sheet.set_column_width(col as u16, *width)?;
        sheet.write_string_with_format(0, col as u16, *name, &header)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let segs = diff::segments(&r.original, &r.revised);
        let lines = [
            (&r.clause, 14.0),
            (&r.original, 50.0),
            (&r.revised, 50.0),
            (&r.reason, 30.0),
        ]
        .iter()
        .map(|(t, w)| super::writers::wrapped_lines(t, *w))
        .max()
        .unwrap_or(1);
        sheet.set_row_height(row, super::writers::row_height(lines))?;
        sheet.write_string_with_format(row, 0, &r.clause, &cell)?;
        for (col, keep) in [(1u16, SegmentKind::Deleted), (2u16, SegmentKind::Added)] {
            let parts: Vec<(&Format, &str)> = segs
                .iter()
                .filter(|s| s.kind == SegmentKind::Same || s.kind == keep)
                .map(|s| {
                    (
                        if s.kind == SegmentKind::Same {
                            &plain
                        } else if keep == SegmentKind::Deleted {
                            &deleted
                        } else {
                            &added
                        },
                        s.text.as_str(),
                    )
                })
                .filter(|(_, t)| !t.is_empty())
                .collect();
            match parts.len() {
                0 => sheet.write_string_with_format(row, col, "", &cell)?,
                _ => sheet.write_rich_string_with_format(row, col, &parts, &cell)?,
            };
        }
        sheet.write_string_with_format(row, 3, &r.reason, &cell)?;
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
