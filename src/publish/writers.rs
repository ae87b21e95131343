//! File writers for the result table: CSV (UTF-8 with BOM, so Excel opens it as UTF-8) and
//! XLSX laid out for A4 landscape printing.

use super::results::{ResultTable, TableHead};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_into_row_sized_pieces_and_nothing_is_lost() {
        let text = "あ".repeat(100_000);
        let pieces = split_for_rows(&text, 50.0, MAX_LINES_PER_ROW);
        assert_eq!(pieces.concat(), text);
        assert!(pieces.len() > 1);
        for p in &pieces {
            assert!(wrapped_lines(p, 50.0) <= MAX_LINES_PER_ROW);
            assert!(p.chars().count() < 32_767);
        }
        let short = "一行目\n二行目";
        assert_eq!(split_for_rows(short, 50.0, MAX_LINES_PER_ROW), vec![short]);
        assert_eq!(wrapped_lines(short, 50.0), 2);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Xlsx,
    Csv,
}

pub fn csv_bytes(table: &ResultTable) -> anyhow::Result<Vec<u8>> {
    let mut sink = CsvSink::new(&table.head())?;
    for row in &table.rows {
        sink.push(row)?;
    }
    sink.finish()
}

pub fn xlsx_bytes(table: &ResultTable) -> anyhow::Result<Vec<u8>> {
    let mut sink = XlsxSink::new(&table.head())?;
    for row in &table.rows {
        sink.push(row)?;
    }
    sink.finish()
}

/// The result table as CSV, a row at a time.
pub struct CsvSink {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvSink {
    pub fn new(head: &TableHead) -> anyhow::Result<CsvSink> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        if head.draft {
            // A title line, as published tables have; the importer skips it.
            out.extend_from_slice(
                format!(
                    "【案】{} 意見募集の結果\r\n",
                    head.title.replace(['\r', '\n'], " ")
                )
                .as_bytes(),
            );
        }
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        writer.write_record(head.layout.headers())?;
        Ok(CsvSink { writer })
    }

    pub fn push(&mut self, row: &[String]) -> anyhow::Result<()> {
        self.writer.write_record(
            row.iter()
                .map(|c| crate::text::neutralize_formula(c).into_owned()),
        )?;
        Ok(())
    }

    pub fn finish(self) -> anyhow::Result<Vec<u8>> {
        self.writer
            .into_inner()
            .map_err(|e| anyhow::anyhow!("CSV: {}", e.error()))
    }
}

/// The result table as an XLSX sheet laid out for A4 landscape printing, a row at a time:
/// rows go straight to a temporary file as they are written (constant-memory mode).
pub struct XlsxSink {
    workbook: Workbook,
    cell: Format,
    /// Column widths in Excel's units (about one half-width character each).
    widths: Vec<f64>,
    next_row: u32,
}

/// The first cell of a row that continues the row above it.
pub const CONTINUED: &str = "（続き）";

/// Lines of 11-point text a row holds below Excel's 409-point row limit, with room to spare
/// for fonts that set Japanese a little taller.
pub const MAX_LINES_PER_ROW: usize = 24;

/// Points per line of wrapped 11-point text (LibreOffice sets Japanese lines 15.98 pt
/// apart), and the padding of a cell.
const LINE_HEIGHT: f64 = 16.5;

/// The height of a row showing `lines` lines.
pub fn row_height(lines: usize) -> f64 {
    (lines.max(1) as f64 * LINE_HEIGHT + 4.0).min(409.0)
}

/// The workbook's default font: Arial, whose stand-in (Liberation Sans) every office suite
/// has, so the printed size does not depend on Calibri being installed.
pub fn workbook() -> anyhow::Result<Workbook> {
    let mut workbook = Workbook::new();
    workbook.set_default_format(
        &Format::new().set_font_name("Arial").set_font_size(11),
        19,
        72,
    )?;
    Ok(workbook)
}

/// Half-width characters a line of a column of this width holds (a full-width character
/// counts two), with a margin for proportional fonts.
fn line_capacity(width: f64) -> f64 {
    ((width - 1.0) * 0.9).max(2.0)
}

/// Half-width units a text takes on one line (a full-width character counts two).
pub fn text_width(text: &str) -> f64 {
    text.chars().map(char_width).sum()
}

fn char_width(c: char) -> f64 {
    if c.is_ascii() || ('\u{FF61}'..='\u{FF9F}').contains(&c) {
        1.0
    } else {
        2.0
    }
}

/// How many lines `text` takes wrapped in a column of this width.
pub fn wrapped_lines(text: &str, width: f64) -> usize {
    let capacity = line_capacity(width);
    text.split('\n')
        .map(|line| {
            let w: f64 = line.chars().map(char_width).sum();
            ((w / capacity).ceil() as usize).max(1)
        })
        .sum()
}

/// `text` cut into pieces of at most `max_lines` wrapped lines (and far below Excel's 32,767
/// characters a cell), at line ends where it can be; the pieces joined are the text (the
/// importer joins a row's （続き） rows back: `intake::table::join_continued`).
pub fn split_for_rows(text: &str, width: f64, max_lines: usize) -> Vec<&str> {
    let capacity = line_capacity(width);
    let mut pieces = Vec::new();
    let (mut start, mut lines, mut used) = (0, 1usize, 0.0);
    for (at, c) in text.char_indices() {
        let starts_line = if c == '\n' {
            used = 0.0;
            true
        } else {
            let w = char_width(c);
            if used + w > capacity {
                used = w;
                true
            } else {
                used += w;
                false
            }
        };
        if starts_line {
            lines += 1;
            if lines > max_lines {
                // A line break stays at the end of its piece: the pieces joined are the text.
                let end = if c == '\n' { at + 1 } else { at };
                pieces.push(&text[start..end]);
                start = end;
                lines = 1;
            }
        }
    }
    pieces.push(&text[start..]);
    pieces
}

impl XlsxSink {
    pub fn new(head: &TableHead) -> anyhow::Result<XlsxSink> {
        let mut workbook = workbook()?;
        // Fast compression: deflate was most of the time of a large export, for a file
        // about a fifth larger.
        workbook.set_zip_compression_level(1);
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name("意見募集の結果")?;
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(Color::RGB(0xD9E1F2))
            .set_border(FormatBorder::Thin);
        let mut header_lines = 1;
        for (col, (title, width)) in head.layout.columns().iter().enumerate() {
            let col = col as u16;
            sheet.set_column_width(col, *width)?;
            sheet.write_string_with_format(0, col, *title, &header)?;
            header_lines = header_lines.max(wrapped_lines(title, *width));
        }
        sheet.set_row_height(0, row_height(header_lines))?;
        sheet.set_freeze_panes(1, 0)?;
        sheet.set_repeat_rows(0, 0)?;
        sheet.set_landscape();
        sheet.set_paper_size(9); // A4
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
        let mark = if head.draft { "【案】" } else { "" };
        sheet.set_header(format!(
            "&L{mark}{}&R{}",
            head.title.replace('&', "&&"),
            if head.draft { "&\"-,Bold\"&14案" } else { "" }
        ));
        sheet.set_footer("&C&P / &N");
        let cell = Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin);
        Ok(XlsxSink {
            workbook,
            cell,
            widths: head.layout.columns().iter().map(|(_, w)| *w).collect(),
            next_row: 1,
        })
    }

    /// Writes one row of the table. A row taller than a spreadsheet row can be (409 pt, or
    /// a cell over Excel's 32,767 characters) goes on in following rows whose first cell
    /// says （続き）, so that every character is kept and printed.
    pub fn push(&mut self, row: &[String]) -> anyhow::Result<()> {
        let sheet = self.workbook.worksheet_from_index(0)?;
        let pieces: Vec<Vec<&str>> = row
            .iter()
            .zip(self.widths.iter())
            .map(|(value, width)| split_for_rows(value, *width, MAX_LINES_PER_ROW))
            .collect();
        let rows = pieces.iter().map(Vec::len).max().unwrap_or(1).max(1);
        for part in 0..rows {
            let texts: Vec<&str> = pieces
                .iter()
                .enumerate()
                .map(|(c, p)| match (part, c, p.get(part)) {
                    (0, _, Some(t)) => *t,
                    (_, 0, _) => CONTINUED,
                    (_, _, Some(t)) => t,
                    (_, _, None) => "",
                })
                .collect();
            // The height of the texts written, （続き） included.
            let lines = texts
                .iter()
                .zip(self.widths.iter())
                .map(|(t, w)| wrapped_lines(t, *w))
                .max()
                .unwrap_or(1);
            for (c, text) in texts.iter().enumerate() {
                // Written as strings: a spreadsheet never evaluates them as formulas.
                sheet.write_string_with_format(self.next_row, c as u16, *text, &self.cell)?;
            }
            // After the cells: set before them, the last row's height made the
            // constant-memory writer write that row twice.
            sheet.set_row_height(self.next_row, row_height(lines))?;
            self.next_row += 1;
        }
        Ok(())
    }

    pub fn finish(mut self) -> anyhow::Result<Vec<u8>> {
        // An empty cell under the table: the constant-memory writer writes its last row a
        // second time (empty) when it is saved, and that row is then this one.
        let sheet = self.workbook.worksheet_from_index(0)?;
        sheet.write_blank(self.next_row, 0, &Format::new())?;
        Ok(self.workbook.save_to_buffer()?)
    }
}
