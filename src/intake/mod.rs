//! Intake: reading comment tables (TSV, CSV, XLSX; UTF-8 or Shift_JIS) through import
//! profiles into comments, submitters and existing answers, in one transaction.

pub mod clause_import;
pub mod clause_ref;
pub mod clauses;
pub mod decode;
pub mod html;
pub mod import;
pub mod profile;
pub mod rows;
pub mod table;

use std::fmt;

/// A problem with an input file, naming the file and, where known, the row and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    pub row: Option<usize>,
    /// 1-based column number.
    pub column: Option<usize>,
    pub header: Option<String>,
    pub message: String,
}

impl ImportError {
    pub fn whole(file: &str, message: String) -> Self {
        ImportError {
            file: file.to_string(),
            row: None,
            column: None,
            header: None,
            message,
        }
    }

    pub fn at(file: &str, row: usize, column: Option<usize>, message: String) -> Self {
        ImportError {
            file: file.to_string(),
            row: Some(row),
            column,
            header: None,
            message,
        }
    }

    /// An error in one cell: `index` is the 0-based cell index, `header` the column's name.
    pub fn cell(file: &str, row: usize, index: usize, header: &str, message: String) -> Self {
        ImportError {
            file: file.to_string(),
            row: Some(row),
            column: Some(index + 1),
            header: Some(header.to_string()).filter(|h| !h.is_empty()),
            message,
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ": {row} 行目")?;
        }
        if let Some(col) = self.column {
            write!(f, " {col} 列目（{}列）", crate::text::column_letter(col))?;
        }
        if let Some(h) = &self.header {
            write!(f, "「{h}」")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ImportError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_file_row_and_column() {
        let e = ImportError::cell("a.csv", 12, 4, "頁", "数字ではありません".into());
        assert_eq!(
            e.to_string(),
            "a.csv: 12 行目 5 列目（E列）「頁」: 数字ではありません"
        );
        assert_eq!(crate::text::column_letter(27), "AA");
    }
}
