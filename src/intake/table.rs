//! Reading a file into rows of cells: TSV, CSV or XLSX, with row numbers as a spreadsheet
//! shows them, so that every error can name its row and column.

use super::decode::{self, TextEncoding};
use super::ImportError;
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read, Seek, SeekFrom};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FileFormat {
    Tsv,
    Csv,
    Xlsx,
}

impl FileFormat {
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Tsv => "tsv",
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }

    /// From the file name, else from the content: a ZIP is XLSX, tabs mean TSV.
    pub fn detect(file_name: &str, bytes: &[u8]) -> FileFormat {
        let lower = file_name.to_ascii_lowercase();
        if bytes.starts_with(b"PK\x03\x04") || lower.ends_with(".xlsx") || lower.ends_with(".xlsm")
        {
            FileFormat::Xlsx
        } else if lower.ends_with(".tsv") || lower.ends_with(".tab") {
            FileFormat::Tsv
        } else if lower.ends_with(".csv") {
            FileFormat::Csv
        } else {
            let head = &bytes[..bytes.len().min(64 * 1024)];
            let tabs = head.iter().filter(|b| **b == b'\t').count();
            let commas = head.iter().filter(|b| **b == b',').count();
            if tabs >= commas {
                FileFormat::Tsv
            } else {
                FileFormat::Csv
            }
        }
    }
}

/// One row of the file: its number as an editor or spreadsheet shows it (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub line: usize,
    pub cells: Vec<String>,
}

impl RawRow {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// The first cell of a row that continues the row above (pubcom's XLSX export cuts a row
/// too tall for a spreadsheet row into several; `publish::writers::CONTINUED`).
const CONTINUED: &str = "（続き）";

/// Joins every （続き） row to the row above it, cell by cell, so a table exported by
/// pubcom imports back whole.
pub fn join_continued<E>(
    rows: impl Iterator<Item = Result<RawRow, E>>,
) -> impl Iterator<Item = Result<RawRow, E>> {
    let mut rows = rows.peekable();
    std::iter::from_fn(move || {
        let mut row = match rows.next()? {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        while let Some(Ok(next)) = rows.peek() {
            if next.cells.first().map(|c| c.trim()) != Some(CONTINUED) {
                break;
            }
            let Some(Ok(next)) = rows.next() else { break };
            for (i, cell) in next.cells.into_iter().enumerate().skip(1) {
                match row.cells.get_mut(i) {
                    Some(mine) => mine.push_str(&cell),
                    None => row.cells.push(cell),
                }
            }
        }
        Some(Ok(row))
    })
}

#[derive(Debug)]
pub struct RawTable {
    pub rows: Vec<RawRow>,
    pub format: FileFormat,
    pub encoding: &'static str,
}

/// A table read row by row: delimited text is decoded and parsed as it is read, so a large
/// file never sits in memory whole (an XLSX workbook does: it is a ZIP archive).
pub struct RowStream<'a> {
    pub format: FileFormat,
    pub encoding: &'static str,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// Records in the file, blank lines aside (title and header rows included).
    pub records: usize,
    rows: Box<dyn Iterator<Item = Result<RawRow, ImportError>> + Send + 'a>,
}

impl Iterator for RowStream<'_> {
    type Item = Result<RawRow, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.rows.next()
    }
}

/// Reads a whole table into memory (small files, tests).
pub fn read(
    file: &str,
    bytes: &[u8],
    format: Option<FileFormat>,
    encoding: Option<TextEncoding>,
) -> Result<RawTable, ImportError> {
    let stream = open(file, Cursor::new(bytes), format, encoding)?;
    let (format, encoding) = (stream.format, stream.encoding);
    Ok(RawTable {
        rows: stream.collect::<Result<_, _>>()?,
        format,
        encoding,
    })
}

/// Opens a table for reading row by row. Delimited text is read twice: to hash it, find its
/// encoding, check its quoting and note the line each record starts on, then to parse it
/// (UTF-16 once more, to find records in decoded text); each pass holds one buffer, never
/// the file.
pub fn open<'a, R: Read + Seek + Send + 'a>(
    file: &str,
    mut source: R,
    format: Option<FileFormat>,
    encoding: Option<TextEncoding>,
) -> Result<RowStream<'a>, ImportError> {
    let unreadable = |e: std::io::Error| read_error(file, e);
    let mut head = Vec::new();
    (&mut source)
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(unreadable)?;
    let format = format.unwrap_or_else(|| FileFormat::detect(file, &head));
    if format == FileFormat::Xlsx {
        source.seek(SeekFrom::Start(0)).map_err(unreadable)?;
        let mut bytes = Vec::new();
        source.read_to_end(&mut bytes).map_err(unreadable)?;
        let table = read_xlsx(file, &bytes)?;
        return Ok(RowStream {
            format,
            encoding: table.encoding,
            sha256: hex::encode(Sha256::digest(&bytes)),
            records: table.rows.len(),
            rows: Box::new(table.rows.into_iter().map(Ok)),
        });
    }
    let delimiter = if format == FileFormat::Tsv {
        b'\t'
    } else {
        b','
    };
    // Record boundaries are found in the same pass that hashes the file and checks its
    // encoding: quotes, delimiters and line breaks are the same bytes in every encoding
    // that keeps ASCII as it is (UTF-8, Shift_JIS, EUC-JP). Not so in UTF-16: that file
    // is decoded and scanned again.
    let mut records = RecordScan::new(delimiter);
    let mut skipped = None;
    let scan = decode::scan(&mut source, encoding, &mut |piece| {
        let from = match skipped {
            Some(_) => 0,
            None => *skipped.insert(if piece.starts_with(UTF8_BOM) {
                UTF8_BOM.len()
            } else {
                0
            }),
        };
        records.feed(&piece[from..]);
    })
    .map_err(unreadable)?;
    if !(scan.encoding.is_ascii_compatible() && skipped.unwrap_or(0) as u64 == scan.bom_len) {
        records = RecordScan::new(delimiter);
        let mut decoded = decode::DecodingReader::new(&mut source, &scan).map_err(unreadable)?;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = decoded.read(&mut buf).map_err(unreadable)?;
            if n == 0 {
                break;
            }
            records.feed(&buf[..n]);
        }
    }
    let (quoting, lines) = match records.finish() {
        (Ok(()), quoted, _) => (true, quoted),
        // Tab-separated exports are often unquoted with stray `"` at a cell's start: read literally.
        (Err(_), _, literal) if format == FileFormat::Tsv => (false, literal),
        (Err((line, column, message)), _, _) => {
            return Err(ImportError::at(file, line, Some(column), message));
        }
    };
    let decoded = decode::DecodingReader::new(source, &scan).map_err(unreadable)?;
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quoting(quoting)
        .buffer_capacity(256 * 1024)
        .from_reader(decoded);
    let name = file.to_string();
    let records = lines.len();
    // Byte records: the decoder's output is UTF-8 already, checked again per cell with
    // SIMD instead of by the CSV reader's slower check.
    let rows = reader
        .into_byte_records()
        .enumerate()
        .map(move |(k, record)| {
            let line = lines.get(k).map_or(0, |l| *l as usize);
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as usize);
                match e.into_kind() {
                    csv::ErrorKind::Io(io) => read_error(&name, io),
                    kind => ImportError::at(&name, line, None, format!("読み取れません: {kind:?}")),
                }
            })?;
            let cells = record
                .iter()
                .enumerate()
                .map(|(column, cell)| match simdutf8::basic::from_utf8(cell) {
                    Ok(text) if text.contains('\r') => Ok(text.replace("\r\n", "\n")),
                    Ok(text) => Ok(text.to_string()),
                    Err(_) => Err(ImportError::at(
                        &name,
                        line,
                        Some(column + 1),
                        "文字として読めないバイトがあります".to_string(),
                    )),
                })
                .collect::<Result<_, _>>()?;
            Ok(RawRow { line, cells })
        });
    Ok(RowStream {
        format,
        encoding: scan.encoding_name(),
        sha256: scan.sha256,
        records,
        rows: Box::new(rows),
    })
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn read_error(file: &str, e: std::io::Error) -> ImportError {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<decode::DecodeError>())
    {
        Some(d) => ImportError::at(
            file,
            d.line,
            None,
            format!(
                "{} 文字目から {} として読めないバイトがあります（--encoding shift_jis などで文字コードを指定してください）",
                d.column, d.encoding
            ),
        ),
        None => ImportError::whole(file, format!("読めません: {e}")),
    }
}

/// Finds where each record starts, fed the decoded text in pieces: records end at a line
/// break outside quotes (`\r\n`, `\n` or `\r`), empty lines are skipped, as the CSV reader
/// does. Also checks RFC 4180 quoting: a quoted field must close, and nothing may follow its
/// closing quote. For unquoted reading, every non-empty line is a record.
struct RecordScan {
    delimiter: u8,
    line: usize,
    column: usize,
    state: Scanning,
    in_record: bool,
    line_has_bytes: bool,
    after_cr: bool,
    quoted_starts: Vec<u32>,
    literal_starts: Vec<u32>,
    error: Option<(usize, usize, String)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Scanning {
    FieldStart,
    Unquoted,
    Quoted { line: usize, column: usize },
    ClosingQuote { line: usize, column: usize },
}

impl RecordScan {
    fn new(delimiter: u8) -> Self {
        RecordScan {
            delimiter,
            line: 1,
            column: 1,
            state: Scanning::FieldStart,
            in_record: false,
            line_has_bytes: false,
            after_cr: false,
            quoted_starts: Vec::new(),
            literal_starts: Vec::new(),
            error: None,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        let mut at = 0;
        while let Some(&b) = bytes.get(at) {
            at += 1;
            if self.after_cr {
                self.after_cr = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\r' => {
                    self.after_cr = true;
                    self.line_break();
                }
                b'\n' => self.line_break(),
                _ => {
                    self.byte(b);
                    // Within a field's text only a quote, a delimiter or a line break can
                    // change anything: skip to the next one.
                    let rest = &bytes[at..];
                    at += match self.state {
                        Scanning::Quoted { .. } => memchr::memchr3(b'"', b'\n', b'\r', rest),
                        Scanning::Unquoted => memchr::memchr3(self.delimiter, b'\n', b'\r', rest),
                        _ => Some(0),
                    }
                    .unwrap_or(rest.len());
                }
            }
        }
    }

    fn line_break(&mut self) {
        match self.state {
            Scanning::Quoted { .. } => {}
            Scanning::ClosingQuote { .. } | Scanning::FieldStart | Scanning::Unquoted => {
                self.state = Scanning::FieldStart;
                self.in_record = false;
                self.column = 1;
            }
        }
        self.line += 1;
        self.line_has_bytes = false;
    }

    fn byte(&mut self, b: u8) {
        if !self.line_has_bytes {
            self.line_has_bytes = true;
            self.literal_starts.push(self.line as u32);
        }
        if !self.in_record {
            self.in_record = true;
            self.quoted_starts.push(self.line as u32);
        }
        self.state = match self.state {
            Scanning::FieldStart if b == b'"' => Scanning::Quoted {
                line: self.line,
                column: self.column,
            },
            Scanning::Quoted { line, column } if b == b'"' => {
                Scanning::ClosingQuote { line, column }
            }
            Scanning::ClosingQuote { line, column } if b == b'"' => {
                Scanning::Quoted { line, column }
            }
            Scanning::Quoted { .. } => self.state,
            Scanning::ClosingQuote { .. } | Scanning::FieldStart | Scanning::Unquoted
                if b == self.delimiter =>
            {
                self.column += 1;
                Scanning::FieldStart
            }
            Scanning::ClosingQuote { line, column } => {
                if self.error.is_none() {
                    self.error = Some((
                        line,
                        column,
                        "引用符 \" で囲まれた値の後に余分な文字があります".to_string(),
                    ));
                }
                Scanning::Unquoted
            }
            Scanning::FieldStart | Scanning::Unquoted => Scanning::Unquoted,
        };
    }

    /// The quoting check, then the start line of each record read with and without quoting.
    #[allow(clippy::type_complexity)]
    fn finish(mut self) -> (Result<(), (usize, usize, String)>, Vec<u32>, Vec<u32>) {
        if let Scanning::Quoted { line, column } = self.state {
            if self.error.is_none() {
                self.error = Some((line, column, "引用符 \" が閉じられていません".to_string()));
            }
        }
        let check = match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        };
        (check, self.quoted_starts, self.literal_starts)
    }
}

fn read_xlsx(file: &str, bytes: &[u8]) -> Result<RawTable, ImportError> {
    use calamine::{Data, Reader, Xlsx};
    let broken = |e: &dyn std::fmt::Display| {
        ImportError::whole(
            file,
            format!("XLSX として読めません（ファイルが壊れているか途中で切れています）: {e}"),
        )
    };
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| broken(&e))?;
    let range = match workbook.worksheet_range_at(0) {
        Some(Ok(range)) => range,
        Some(Err(e)) => return Err(broken(&e)),
        None => {
            return Err(ImportError::whole(
                file,
                "ワークシートがありません".to_string(),
            ))
        }
    };
    let (first_row, first_col) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let mut cells: Vec<String> = vec![String::new(); first_col];
            cells.extend(row.iter().map(|cell| match cell {
                Data::Empty => String::new(),
                Data::String(s) => s.replace("\r\n", "\n"),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                other => other.to_string(),
            }));
            RawRow {
                line: first_row + i + 1,
                cells,
            }
        })
        .collect();
    Ok(RawTable {
        rows,
        format: FileFormat::Xlsx,
        encoding: "xlsx",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_detected_from_name_and_content() {
        assert_eq!(FileFormat::detect("a.CSV", b"x"), FileFormat::Csv);
        assert_eq!(FileFormat::detect("a.txt", b"No.\tx\n"), FileFormat::Tsv);
        assert_eq!(FileFormat::detect("a", b"PK\x03\x04..."), FileFormat::Xlsx);
    }

    #[test]
    fn quoted_csv_cells_may_hold_commas_quotes_and_line_breaks() {
        let t = read(
            "a.csv",
            "a,b\n1,\"x, \"\"y\"\"\nz\"\n2,w\n".as_bytes(),
            None,
            None,
        )
        .unwrap();
        assert_eq!(t.rows[1].cells, vec!["1", "x, \"y\"\nz"]);
        assert_eq!(t.rows[2].line, 4);
        let t = read("a.tsv", "\n\nNo.\tx\n1\ta\n\n2\tb\n".as_bytes(), None, None).unwrap();
        let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 4, 6]);
    }

    #[test]
    fn an_unclosed_quote_names_its_row_and_column() {
        let err = read(
            "bad.csv",
            "a,b\n1,ok\n2,\"never closed\n3,x\n".as_bytes(),
            None,
            None,
        )
        .unwrap_err();
        assert_eq!((err.row, err.column), (Some(3), Some(2)));
        assert!(err.to_string().contains("bad.csv"));
    }

    #[test]
    fn stray_quotes_in_tsv_are_read_as_text() {
        let t = read(
            "a.tsv",
            "a\tb\n1\t\"引用\" とあるが\n".as_bytes(),
            None,
            None,
        )
        .unwrap();
        assert_eq!(t.rows[1].cells[1], "\"引用\" とあるが");
    }

    #[test]
    fn large_files_keep_rows_and_line_numbers_across_read_buffers() {
        // CRLF line ends, quoted cells with line breaks, blank lines, Shift_JIS: about 2 MB,
        // so that characters, quotes and line breaks straddle the readers' buffers.
        let mut text = String::from("No.,意見\r\n");
        let mut expected = Vec::new();
        let mut line = 2;
        for i in 1..=6000 {
            if i % 1000 == 0 {
                text.push_str("\r\n");
                line += 1;
            }
            let body = format!(
                "第{i}の意見、「引用」を含む\r\n二行目です。{}",
                "ガイドライン".repeat(i % 40)
            );
            text.push_str(&format!("{i},\"{}\"\r\n", body.replace('「', "\"\"")));
            expected.push((line, i, body.replace('「', "\"").replace("\r\n", "\n")));
            line += 2;
        }
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let encodings = [
            ("shift_jis", decode::encode_shift_jis(&text)),
            ("utf-8", [UTF8_BOM, text.as_bytes()].concat()),
            // Not ASCII-compatible: decoded before its records are found.
            ("utf-16le", utf16),
        ];
        for (encoding, bytes) in encodings {
            assert!(bytes.len() > 1_000_000);
            let t = read("big.csv", &bytes, None, None).unwrap();
            assert_eq!(t.encoding, encoding);
            assert_eq!(t.rows.len(), 6001, "{encoding}");
            assert_eq!(t.rows[0].cells, vec!["No.", "意見"], "{encoding}");
            for ((line, i, body), row) in expected.iter().zip(&t.rows[1..]) {
                assert_eq!(row.line, *line, "{encoding}");
                assert_eq!(row.cells, vec![i.to_string(), body.clone()], "{encoding}");
            }
        }
    }

    #[test]
    fn a_bad_byte_deep_in_a_large_file_names_its_line() {
        let mut bytes = "No.\t意見\n".as_bytes().to_vec();
        for i in 1..=40_000 {
            bytes.extend_from_slice(format!("{i}\t意見の本文です\n").as_bytes());
        }
        bytes.extend_from_slice(b"40001\t\xff\xfe\n");
        let err = read("bad.tsv", &bytes, None, Some(TextEncoding::Utf8)).unwrap_err();
        assert_eq!(err.row, Some(40_002));
    }
}
