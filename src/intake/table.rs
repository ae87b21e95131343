//! Reading a file into rows of cells: TSV, CSV or XLSX, with row numbers as a spreadsheet
//! shows them, so that every error can name its row and column.

use super::decode::{self, TextEncoding};
use super::ImportError;
use std::io::Cursor;

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

#[derive(Debug)]
pub struct RawTable {
    pub rows: Vec<RawRow>,
    pub format: FileFormat,
    pub encoding: &'static str,
}

pub fn read(
    file: &str,
    bytes: &[u8],
    format: Option<FileFormat>,
    encoding: Option<TextEncoding>,
) -> Result<RawTable, ImportError> {
    let format = format.unwrap_or_else(|| FileFormat::detect(file, bytes));
    if format == FileFormat::Xlsx {
        return read_xlsx(file, bytes);
    }
    let (text, encoding) = decode::decode(bytes, encoding)
        .map_err(|e| ImportError::at(file, e.line, None, e.to_string()))?;
    let delimiter = if format == FileFormat::Tsv {
        b'\t'
    } else {
        b','
    };
    let quoting = match check_quotes(&text, delimiter as char) {
        Ok(()) => true,
        // Tab-separated exports are often unquoted with stray `"` at a cell's start: read literally.
        Err(_) if format == FileFormat::Tsv => false,
        Err((line, column, message)) => {
            return Err(ImportError::at(file, line, Some(column), message));
        }
    };
    let rows = read_delimited(file, &text, delimiter, quoting)?;
    Ok(RawTable {
        rows,
        format,
        encoding,
    })
}

fn read_delimited(
    file: &str,
    text: &str,
    delimiter: u8,
    quoting: bool,
) -> Result<Vec<RawRow>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quoting(quoting)
        .from_reader(text.as_bytes());
    let bytes = text.as_bytes();
    let newlines: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    // The reader reports a record after a blank line at the blank line: count from its first byte.
    let line_at = |offset: usize| {
        let mut start = offset;
        while start < bytes.len() && matches!(bytes[start], b'\n' | b'\r') {
            start += 1;
        }
        newlines.partition_point(|&n| n < start) + 1
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            ImportError::at(file, line, None, format!("読み取れません: {e}"))
        })?;
        let line = record.position().map_or(0, |p| line_at(p.byte() as usize));
        let cells = record.iter().map(|c| c.replace("\r\n", "\n")).collect();
        rows.push(RawRow { line, cells });
    }
    Ok(rows)
}

/// RFC 4180 quoting: a quoted field must close, and nothing may follow its closing quote.
/// Returns the line and column where the faulty field starts.
fn check_quotes(text: &str, delimiter: char) -> Result<(), (usize, usize, String)> {
    let mut line = 1;
    let mut column = 1;
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if at_field_start && c == '"' {
            let (start_line, start_column) = (line, column);
            loop {
                match chars.next() {
                    None => {
                        return Err((
                            start_line,
                            start_column,
                            "引用符 \" が閉じられていません".to_string(),
                        ));
                    }
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                    }
                    Some('"') => break,
                    Some('\n') => line += 1,
                    Some(_) => {}
                }
            }
            match chars.peek() {
                None | Some('\n') | Some('\r') => {}
                Some(&d) if d == delimiter => {}
                Some(_) => {
                    return Err((
                        start_line,
                        start_column,
                        "引用符 \" で囲まれた値の後に余分な文字があります".to_string(),
                    ))
                }
            }
            at_field_start = false;
            continue;
        }
        if c == delimiter {
            column += 1;
            at_field_start = true;
        } else if c == '\n' {
            line += 1;
            column = 1;
            at_field_start = true;
        } else if c != '\r' {
            at_field_start = false;
        }
    }
    Ok(())
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
}
