//! Table rows to import rows: cells mapped by the layout, "none" markers dropped, HTML turned
//! into text, numbers and dispositions parsed, clause references found.

use super::clause_ref::{self, ClauseRef};
use super::profile::{Field, Layout};
use super::table::RawRow;
use super::{html, ImportError};
use crate::domain::{CommentNo, Disposition, SubmitterKind};
use crate::drafting::stock_phrases::StockPhrases;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitterRow {
    pub name: String,
    pub kind: SubmitterKind,
    pub attribute: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRow {
    pub clause_label: String,
    /// The 修正後 cell's own label (`None`: the same as the 原案's; `Some("")`: none).
    pub revised_clause_label: Option<String>,
    pub original_text: String,
    pub revised_text: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub line: usize,
    pub number: Option<CommentNo>,
    pub category: Option<String>,
    pub submitter: Option<SubmitterRow>,
    pub volume: Option<String>,
    pub chapter: Option<String>,
    pub page: Option<String>,
    pub body: String,
    pub answer: Option<String>,
    pub disposition: Option<Disposition>,
    pub revision: Option<RevisionRow>,
    /// (where it was found: `chapter`, `page` or `body`, the reference)
    pub clause_refs: Vec<(&'static str, ClauseRef)>,
}

/// A note about a row that imported, but not quite as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowWarning {
    pub line: usize,
    pub message: String,
}

pub fn map_rows(
    file: &str,
    rows: &[RawRow],
    layout: &Layout,
    phrases: &StockPhrases,
) -> Result<(Vec<ImportRow>, Vec<RowWarning>), ImportError> {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let below = rows.iter().skip(layout.header_index + 1).cloned().map(Ok);
    for raw in super::table::join_continued::<ImportError>(below) {
        out.extend(map_data_row(file, &raw?, layout, phrases, &mut warnings)?);
    }
    Ok((out, warnings))
}

/// One row below the header row; a blank row gives nothing.
pub fn map_data_row(
    file: &str,
    raw: &RawRow,
    layout: &Layout,
    phrases: &StockPhrases,
    warnings: &mut Vec<RowWarning>,
) -> Result<Option<ImportRow>, ImportError> {
    if raw.is_blank() {
        return Ok(None);
    }
    let cells = align(file, raw, layout, warnings)?;
    if !cells.iter().any(|(_, _, c)| has_control(c)) {
        return map_row(file, raw.line, &cells, layout, phrases).map(Some);
    }
    // Control characters (NUL, escape, …) are never stored: dropped, and said where.
    let cleaned: Vec<(Field, usize, String)> = cells
        .iter()
        .map(|(f, i, c)| {
            if has_control(c) {
                let header = layout.headers.get(*i).cloned().unwrap_or_default();
                warnings.push(RowWarning {
                    line: raw.line,
                    message: format!(
                        "{}列目（{header}）: 制御文字 {} 個を取り除きました",
                        i + 1,
                        c.chars().filter(|ch| is_control(*ch)).count()
                    ),
                });
                (*f, *i, c.chars().filter(|ch| !is_control(*ch)).collect())
            } else {
                (*f, *i, c.to_string())
            }
        })
        .collect();
    let cells: Vec<(Field, usize, &str)> = cleaned
        .iter()
        .map(|(f, i, c)| (*f, *i, c.as_str()))
        .collect();
    map_row(file, raw.line, &cells, layout, phrases).map(Some)
}

/// Control characters other than tab and line breaks (and DEL, and the C1 range).
fn is_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// [`is_control`] for any character of the cell, read from its bytes (every cell of an
/// import passes here): C0 and DEL are single bytes, C1 is 0xC2 then 0x80–0x9F.
fn has_control(cell: &str) -> bool {
    let b = cell.as_bytes();
    b.iter().enumerate().any(|(i, &x)| {
        (x < 0x20 && !matches!(x, b'\t' | b'\n' | b'\r'))
            || x == 0x7F
            || (x == 0xC2 && b.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)))
    })
}

/// Cells by field. A row short of cells is read with the profile's `short_row_missing`
/// fields absent; a row with extra non-empty cells is an error.
fn align<'r>(
    file: &str,
    raw: &'r RawRow,
    layout: &Layout,
    warnings: &mut Vec<RowWarning>,
) -> Result<Vec<(Field, usize, &'r str)>, ImportError> {
    let width = layout.fields.len();
    let mut fields: Vec<Option<Field>> = layout.fields.clone();
    let cells = &raw.cells;
    if cells.len() > width {
        if let Some(extra) = cells.iter().skip(width).position(|c| !c.trim().is_empty()) {
            let index = width + extra;
            return Err(ImportError::cell(
                file,
                raw.line,
                index,
                "",
                format!("見出しのない列に値があります（見出しは {width} 列）"),
            ));
        }
    } else if cells.len() < width {
        let missing = width - cells.len();
        let dropped: Vec<Field> = layout
            .profile
            .short_row_missing
            .iter()
            .take(missing)
            .copied()
            .collect();
        let present = fields
            .iter()
            .filter(|f| f.is_some_and(|f| dropped.contains(&f)))
            .count();
        if dropped.len() < missing || present < missing {
            return Err(ImportError::at(
                file,
                raw.line,
                Some(cells.len() + 1),
                format!(
                    "列が足りません（{} 列あるべきところ {} 列）",
                    width,
                    cells.len()
                ),
            ));
        }
        fields.retain(|f| !f.is_some_and(|f| dropped.contains(&f)));
        let names: Vec<String> = dropped
            .iter()
            .filter_map(|d| layout.position(*d).map(|i| layout.headers[i].clone()))
            .collect();
        warnings.push(RowWarning {
            line: raw.line,
            message: format!(
                "列が {missing} つ足りないため「{}」を空として取り込みました",
                names.join("」「")
            ),
        });
    }
    Ok(fields
        .iter()
        .zip(cells)
        .enumerate()
        .filter_map(|(i, (f, c))| {
            f.map(|f| (f, original_index(layout, f).unwrap_or(i), c.as_str()))
        })
        .collect())
}

fn original_index(layout: &Layout, field: Field) -> Option<usize> {
    layout.position(field)
}

fn map_row(
    file: &str,
    line: usize,
    cells: &[(Field, usize, &str)],
    layout: &Layout,
    phrases: &StockPhrases,
) -> Result<ImportRow, ImportError> {
    let profile = &layout.profile;
    let get = |field: Field| -> Option<(usize, String)> {
        let (_, index, cell) = cells.iter().find(|(f, _, _)| *f == field)?;
        let text = if profile.html {
            std::borrow::Cow::Owned(html::to_text(cell))
        } else if cell.contains('\r') {
            std::borrow::Cow::Owned(cell.replace("\r\n", "\n"))
        } else {
            std::borrow::Cow::Borrowed(*cell)
        };
        let text = strip_formula_guard(text.trim());
        (!profile.is_none_marker(&text)).then_some((*index, text))
    };
    let text = |field: Field| get(field).map(|(_, t)| t);
    let header = |index: usize| layout.headers.get(index).cloned().unwrap_or_default();

    let number = match get(Field::Number) {
        Some((i, cell)) => Some(cell.parse::<CommentNo>().map_err(|_| {
            ImportError::cell(
                file,
                line,
                i,
                &header(i),
                format!("No. は数字で書いてください（「{cell}」）"),
            )
        })?),
        None if layout.position(Field::Number).is_some() => {
            let i = layout.position(Field::Number).unwrap_or(0);
            return Err(ImportError::cell(
                file,
                line,
                i,
                &header(i),
                "No. が空です".to_string(),
            ));
        }
        None => None,
    };
    let Some(body) = text(Field::Body) else {
        let i = layout.position(Field::Body).unwrap_or(0);
        return Err(ImportError::cell(
            file,
            line,
            i,
            &header(i),
            "意見が空です".to_string(),
        ));
    };
    let answer = text(Field::Answer);
    let disposition = match get(Field::Disposition) {
        Some((i, cell)) => Some(
            cell.parse::<Disposition>()
                .map_err(|e| ImportError::cell(file, line, i, &header(i), e.to_string()))?,
        ),
        None => answer.as_deref().map(|a| phrases.infer_disposition(a)),
    };
    let submitter = text(Field::SubmitterName).map(|name| {
        let attribute = text(Field::SubmitterAttribute).unwrap_or_default();
        let kind = SubmitterKind::classify(&attribute, &name);
        SubmitterRow {
            name,
            kind,
            attribute,
            email: text(Field::SubmitterEmail),
            phone: text(Field::SubmitterPhone),
            address: text(Field::SubmitterAddress),
        }
    });
    let revision = revision(
        text(Field::RevisionOriginal),
        text(Field::RevisionRevised),
        text(Field::RevisionReason),
    );
    let (volume, chapter, page) = (text(Field::Volume), text(Field::Chapter), text(Field::Page));

    let mut clause_refs: Vec<(&'static str, ClauseRef)> = Vec::new();
    if let Some(c) = &chapter {
        clause_refs.extend(
            clause_ref::parse_cell(c)
                .into_iter()
                .map(|r| ("chapter", r)),
        );
    }
    if let Some(p) = &page {
        clause_refs.extend(clause_ref::parse_pages(p).into_iter().map(|r| ("page", r)));
    }
    clause_refs.extend(
        clause_ref::parse_text(&body)
            .into_iter()
            .map(|r| ("body", r)),
    );

    Ok(ImportRow {
        line,
        number,
        category: text(Field::Category),
        submitter,
        volume,
        chapter,
        page,
        body,
        answer,
        disposition,
        revision,
        clause_refs,
    })
}

/// A 修正内容 cell starts with the clause on its own line: `1.1.1\n「…」`.
fn revision(
    original: Option<String>,
    revised: Option<String>,
    reason: Option<String>,
) -> Option<RevisionRow> {
    if original.is_none() && revised.is_none() {
        return None;
    }
    let split = |cell: &str| -> (String, String) {
        let (first, rest) = cell.split_once('\n').unwrap_or((cell, ""));
        let refs = clause_ref::parse_cell(first);
        match refs
            .first()
            .and_then(|r| r.path.as_ref().map(|_| r.raw.clone()))
        {
            Some(_) if !rest.trim().is_empty() => {
                (first.trim().to_string(), rest.trim().to_string())
            }
            _ => (String::new(), cell.trim().to_string()),
        }
    };
    let (label_o, text_o) = original.as_deref().map(split).unwrap_or_default();
    let (label_r, text_r) = revised.as_deref().map(split).unwrap_or_default();
    // Each side keeps its own label as the cell has it (a 新設 has none on the 原案 side, a
    // 削除 none on the 修正後 side); the same label on both sides is stored once.
    let revised_clause_label = (label_r != label_o).then_some(label_r);
    Some(RevisionRow {
        clause_label: label_o,
        revised_clause_label,
        original_text: text_o,
        revised_text: text_r,
        reason: reason.unwrap_or_default(),
    })
}

/// Exports write `'=…` so spreadsheets do not run formulas; reading such a cell back drops
/// the guard again.
fn strip_formula_guard(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_string(),
        _ => cell.to_string(),
    }
}
