//! Import profiles: which header names mean which field, read from `import/profiles/*.toml`.
//! The profile whose required headers appear in a row of the file decides the layout.

use super::table::RawRow;
use super::ImportError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The fields an import row can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Number,
    Category,
    SubmitterName,
    SubmitterAttribute,
    SubmitterEmail,
    SubmitterPhone,
    SubmitterAddress,
    Volume,
    Chapter,
    Page,
    Body,
    Answer,
    Disposition,
    RevisionOriginal,
    RevisionRevised,
    RevisionReason,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Profile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Cells meaning "none", such as `—` or `-`.
    #[serde(default)]
    pub none_markers: Vec<String>,
    /// Convert HTML fragments in cells to text.
    #[serde(default)]
    pub html: bool,
    /// Fields that must have a header for the profile to match.
    pub required: Vec<Field>,
    /// Fields taken as absent, in this order, when a row has fewer cells than the header.
    #[serde(default)]
    pub short_row_missing: Vec<Field>,
    /// Header names accepted for each field.
    pub columns: BTreeMap<Field, Vec<String>>,
    /// Header names to skip without complaint.
    #[serde(default)]
    pub ignore: Vec<String>,
}

/// The header row found in a file, and which cell holds which field.
#[derive(Debug, Clone)]
pub struct Layout {
    pub profile: Profile,
    pub header_index: usize,
    pub header_line: usize,
    pub headers: Vec<String>,
    /// `fields[i]` is the field of cell i, or None for an ignored column.
    pub fields: Vec<Option<Field>>,
}

impl Layout {
    pub fn position(&self, field: Field) -> Option<usize> {
        self.fields.iter().position(|f| *f == Some(field))
    }
}

/// Header text compared without width, spaces or case: `No．` = `No.`, `資料ＮＯ．` = `資料NO.`.
fn header_key(s: &str) -> String {
    crate::text::nfkc(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Profile {
    fn field_for(&self, header: &str) -> Option<Field> {
        let key = header_key(header);
        self.columns
            .iter()
            .find(|(_, names)| names.iter().any(|n| header_key(n) == key))
            .map(|(f, _)| *f)
    }

    fn ignores(&self, header: &str) -> bool {
        let key = header_key(header);
        self.ignore.iter().any(|n| header_key(n) == key)
    }

    /// How many of this profile's required fields the row names, if it names them all.
    fn matches(&self, row: &RawRow) -> Option<usize> {
        let found: Vec<Field> = row.cells.iter().filter_map(|c| self.field_for(c)).collect();
        self.required
            .iter()
            .all(|f| found.contains(f))
            .then_some(found.len())
    }

    pub fn is_none_marker(&self, cell: &str) -> bool {
        let t = cell.trim();
        t.is_empty() || self.none_markers.iter().any(|m| m == t)
    }
}

/// Loads every `*.toml` in a folder, sorted by file name.
pub fn load_dir(dir: &Path) -> anyhow::Result<Vec<Profile>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| {
            anyhow::anyhow!(
                "取込プロファイルのフォルダ {} を読めません: {e}",
                dir.display()
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p)?;
            toml::from_str::<Profile>(&text).map_err(|e| {
                anyhow::anyhow!("取込プロファイル {} の書式が誤っています: {e}", p.display())
            })
        })
        .collect()
}

/// The profiles shipped in `import/profiles/`, built into the binary so it works anywhere.
pub fn builtin() -> Vec<Profile> {
    [
        include_str!("../../import/profiles/mhlw.toml"),
        include_str!("../../import/profiles/mic.toml"),
    ]
    .iter()
    .map(|t| toml::from_str(t).expect("built-in profile parses"))
    .collect()
}

/// Finds the header row (title lines may come before it) and the profile it fits best.
/// Any other non-empty header the profile does not know is an error, so that no column
/// of the file is silently dropped.
pub fn detect(
    file: &str,
    rows: &[RawRow],
    profiles: &[Profile],
    forced: Option<&str>,
) -> Result<Layout, ImportError> {
    let candidates: Vec<&Profile> = match forced {
        Some(name) => {
            let p = profiles.iter().find(|p| p.name == name).ok_or_else(|| {
                let names: Vec<_> = profiles.iter().map(|p| p.name.as_str()).collect();
                ImportError::whole(
                    file,
                    format!(
                        "取込プロファイル「{name}」はありません（あるもの: {}）",
                        names.join(", ")
                    ),
                )
            })?;
            vec![p]
        }
        None => profiles.iter().collect(),
    };
    let best = rows
        .iter()
        .enumerate()
        .take(50)
        .flat_map(|(i, row)| {
            candidates
                .iter()
                .filter_map(move |p| p.matches(row).map(|n| (n, i, *p)))
        })
        .max_by_key(|(n, i, _)| (*n, std::cmp::Reverse(*i)));
    let Some((_, index, profile)) = best else {
        let wanted: Vec<String> = candidates
            .iter()
            .map(|p| {
                let heads: Vec<&str> = p
                    .required
                    .iter()
                    .filter_map(|f| p.columns.get(f).and_then(|n| n.first()).map(String::as_str))
                    .collect();
                format!("{}: {}", p.name, heads.join(" / "))
            })
            .collect();
        return Err(ImportError::whole(
            file,
            format!(
                "見出し行が見つかりません。どれかの取込プロファイルの列名が必要です（{}）",
                wanted.join("; ")
            ),
        ));
    };
    let header = &rows[index];
    let mut fields = Vec::with_capacity(header.cells.len());
    for (col, cell) in header.cells.iter().enumerate() {
        let field = profile.field_for(cell);
        if field.is_none() && !cell.trim().is_empty() && !profile.ignores(cell) {
            return Err(ImportError::cell(
                file,
                header.line,
                col,
                cell.trim(),
                format!("見出し「{}」は取込プロファイル「{}」にない列です（import/profiles/{}.toml の columns か ignore に加えてください）", cell.trim(), profile.name, profile.name),
            ));
        }
        if field.is_some() && fields.contains(&field) {
            return Err(ImportError::cell(
                file,
                header.line,
                col,
                cell.trim(),
                "同じ意味の列が二つあります".to_string(),
            ));
        }
        fields.push(field);
    }
    Ok(Layout {
        profile: profile.clone(),
        header_index: index,
        header_line: header.line,
        headers: header.cells.iter().map(|c| c.trim().to_string()).collect(),
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, cells: &[&str]) -> RawRow {
        RawRow {
            line,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn the_shipped_profiles_parse_and_the_header_row_is_found_after_title_lines() {
        let profiles = builtin();
        let rows = vec![
            row(1, &["「…」に関する御意見募集の結果について"]),
            row(2, &[""]),
            row(
                3,
                &["No.", "分類", "編", "章", "頁", "御意見", "回答（考え方）"],
            ),
        ];
        let layout = detect("a.tsv", &rows, &profiles, None).unwrap();
        assert_eq!(
            (layout.profile.name.as_str(), layout.header_line),
            ("mhlw", 3)
        );
        assert_eq!(layout.position(Field::Page), Some(4));
    }

    #[test]
    fn an_unknown_header_is_refused_with_its_column() {
        let rows = vec![row(1, &["No.", "御意見", "謎の列"])];
        let err = detect("a.csv", &rows, &builtin(), None).unwrap_err();
        assert_eq!((err.row, err.column), (Some(1), Some(3)));
        assert!(err.message.contains("謎の列"));
    }
}
