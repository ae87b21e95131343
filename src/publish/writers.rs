//! File writers for the result table: CSV (UTF-8 with BOM, so Excel opens it as UTF-8) and
//! XLSX laid out for A4 landscape printing.

use super::results::{ResultTable, TableHead};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Xlsx,
    Csv,
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
/// leading `'`; the importer removes it again.
pub fn neutralize_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
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
        self.writer
            .write_record(row.iter().map(|c| neutralize_formula(c).into_owned()))?;
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
    next_row: u32,
}

impl XlsxSink {
    pub fn new(head: &TableHead) -> anyhow::Result<XlsxSink> {
        let mut workbook = Workbook::new();
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
        for (col, (title, width)) in head.layout.columns().iter().enumerate() {
            let col = col as u16;
            sheet.set_column_width(col, *width)?;
            sheet.write_string_with_format(0, col, *title, &header)?;
        }
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
            next_row: 1,
        })
    }

    pub fn push(&mut self, row: &[String]) -> anyhow::Result<()> {
        let sheet = self.workbook.worksheet_from_index(0)?;
        for (c, value) in row.iter().enumerate() {
            // Written as strings: a spreadsheet never evaluates them as formulas.
            sheet.write_string_with_format(self.next_row, c as u16, value, &self.cell)?;
        }
        self.next_row += 1;
        Ok(())
    }

    pub fn finish(mut self) -> anyhow::Result<Vec<u8>> {
        Ok(self.workbook.save_to_buffer()?)
    }
}
