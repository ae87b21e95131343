//! Importing a comment table: everything is parsed and checked first, then written in one
//! transaction. Re-importing the same file, or rows already present, adds nothing.

use super::decode::TextEncoding;
use super::profile::{self, Profile};
use super::rows::{self, ImportRow, RowWarning};
use super::table::{self, FileFormat};
use super::ImportError;
use crate::db::DbConnection;
use crate::domain::{CommentId, CommentNo, ConsultationId, ResponseState};
use crate::drafting::stock_phrases::StockPhrases;
use crate::models::{
    self, audit, category, comment, consultation, import_batch, response, revision, submission,
    submitter,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub consultation: String,
    pub format: Option<FileFormat>,
    pub encoding: Option<TextEncoding>,
    pub profile: Option<String>,
    /// Number comments after the consultation's highest No. instead of using the file's.
    pub renumber: bool,
    /// Who imports, for the audit log.
    pub actor: String,
}

#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub file: String,
    pub format: String,
    pub encoding: String,
    pub profile: String,
    pub consultation_created: bool,
    /// The whole file was imported before (same bytes): nothing was read into the database.
    pub already_imported: bool,
    pub rows_read: usize,
    pub comments_added: usize,
    pub comments_already_present: usize,
    pub responses_added: usize,
    pub revisions_added: usize,
    pub warnings: Vec<RowWarning>,
}

/// Parses a file into import rows without touching the database.
pub fn parse_file(
    file: &str,
    bytes: &[u8],
    opts: &ImportOptions,
    profiles: &[Profile],
    phrases: &StockPhrases,
) -> Result<(Vec<ImportRow>, Vec<RowWarning>, table::RawTable, String), ImportError> {
    let table = table::read(file, bytes, opts.format, opts.encoding)?;
    let layout = profile::detect(file, &table.rows, profiles, opts.profile.as_deref())?;
    let (rows, warnings) = rows::map_rows(file, &table.rows, &layout, phrases)?;
    Ok((rows, warnings, table, layout.profile.name.clone()))
}

/// Imports `bytes` (the content of `file`) into the consultation named in `opts`.
/// `progress` is called with the number of rows written so far.
pub fn import_comments(
    conn: &mut DbConnection,
    file: &str,
    bytes: &[u8],
    opts: &ImportOptions,
    profiles: &[Profile],
    phrases: &StockPhrases,
    progress: &mut dyn FnMut(usize, usize),
) -> anyhow::Result<ImportReport> {
    consultation::validate_slug(&opts.consultation).map_err(anyhow::Error::msg)?;
    let (rows, warnings, table, profile_name) = parse_file(file, bytes, opts, profiles, phrases)?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    let mut report = ImportReport {
        file: file.to_string(),
        format: table.format.name().to_string(),
        encoding: table.encoding.to_string(),
        profile: profile_name,
        rows_read: rows.len(),
        warnings,
        ..Default::default()
    };
    crate::db::transaction::<_, anyhow::Error, _>(conn, |conn| {
        // A retried attempt starts counting again.
        report.comments_added = 0;
        report.comments_already_present = 0;
        report.responses_added = 0;
        report.revisions_added = 0;
        let (consultation, created) = consultation::find_or_create(conn, &opts.consultation)?;
        report.consultation_created = created;
        let cid = consultation.id();
        if import_batch::find_same_file(conn, cid, &sha256)?.is_some() {
            report.already_imported = true;
            report.comments_already_present = rows.len();
            return Ok(());
        }
        let batch = import_batch::insert(
            conn,
            &import_batch::NewBatch {
                consultation: cid,
                file_name: file,
                sha256: &sha256,
                format: &report.format,
                encoding: &report.encoding,
                profile: &report.profile,
                rows_read: rows.len() as i32,
                imported_by: &opts.actor,
            },
        )?;
        let mut writer = RowWriter::new(cid, batch, opts.renumber, comment::keys(conn, cid)?);
        // A large import fills the search index once at the end instead of row by row.
        let bulk_index = if rows.len() >= BULK_INDEX_ROWS {
            crate::db::search_index::suspend(conn)?
        } else {
            None
        };
        for (i, row) in rows.iter().enumerate() {
            writer.write(conn, file, row, &mut report)?;
            progress(i + 1, rows.len());
        }
        if let Some(after) = bulk_index {
            crate::db::search_index::resume(conn, after)?;
        }
        import_batch::set_added(conn, batch, report.comments_added as i32)?;
        crate::triage::clause_links::resolve(conn, cid)?;
        audit::record(
            conn,
            &audit::Event {
                actor: &opts.actor,
                user: None,
                consultation: Some(cid),
                action: "import",
                entity: "import_batch",
                entity_id: Some(batch),
                before: None,
                after: Some(serde_json::json!({
                    "file": file, "sha256": sha256, "profile": report.profile,
                    "rows": report.rows_read, "comments_added": report.comments_added,
                    "responses_added": report.responses_added, "revisions_added": report.revisions_added,
                })),
            },
        )?;
        Ok(())
    })?;
    Ok(report)
}

/// From this many rows on, the search index is filled after the rows, not by the trigger.
const BULK_INDEX_ROWS: usize = 2_000;

/// Writes rows one by one, remembering categories and submitters already seen.
struct RowWriter {
    consultation: ConsultationId,
    batch: i64,
    renumber: bool,
    next_number: i32,
    categories: HashMap<String, crate::domain::CategoryId>,
    submitters: HashMap<(String, String), crate::domain::SubmitterId>,
    /// The match key of every No. already in the consultation (and written so far).
    existing: HashMap<CommentNo, String>,
}

impl RowWriter {
    fn new(
        consultation: ConsultationId,
        batch: i64,
        renumber: bool,
        existing: HashMap<CommentNo, String>,
    ) -> Self {
        let max_number = existing.keys().map(|n| n.number).max().unwrap_or(0);
        RowWriter {
            consultation,
            batch,
            renumber,
            next_number: max_number + 1,
            categories: HashMap::new(),
            submitters: HashMap::new(),
            existing,
        }
    }

    fn write(
        &mut self,
        conn: &mut models::Conn,
        file: &str,
        row: &ImportRow,
        report: &mut ImportReport,
    ) -> anyhow::Result<()> {
        let no = match row.number {
            Some(no) if !self.renumber => no,
            _ => {
                let no = CommentNo {
                    number: self.next_number,
                    part: 0,
                };
                self.next_number += 1;
                no
            }
        };
        let key = crate::text::match_key(&row.body);
        if let Some(existing) = self.existing.get(&no) {
            if *existing == key {
                report.comments_already_present += 1;
                return Ok(());
            }
            return Err(ImportError::at(
                file,
                row.line,
                None,
                format!("No. {no} は既に別の内容で登録されています（別の意見なら --renumber で番号を振り直して取り込めます）"),
            )
            .into());
        }
        let category = match &row.category {
            Some(name) => Some(match self.categories.get(name) {
                Some(id) => *id,
                None => {
                    let id = category::find_or_create(conn, self.consultation, name)?;
                    self.categories.insert(name.clone(), id);
                    id
                }
            }),
            None => None,
        };
        let submitter = match &row.submitter {
            Some(s) => {
                let key = (s.kind.code().to_string(), s.name.clone());
                Some(match self.submitters.get(&key) {
                    Some(id) => *id,
                    None => {
                        let id = submitter::find_or_create(conn, self.consultation, s)?;
                        self.submitters.insert(key, id);
                        id
                    }
                })
            }
            None => None,
        };
        let submission = submission::insert(
            conn,
            &submission::NewSubmission {
                consultation: self.consultation,
                submitter,
                import_batch_id: Some(self.batch),
                source_row: Some(row.line as i32),
                channel: "import",
                body: &row.body,
            },
        )?;
        let comment = comment::insert(
            conn,
            &comment::NewComment {
                consultation: self.consultation,
                submission,
                no,
                body: &row.body,
                volume: row.volume.as_deref(),
                chapter: row.chapter.as_deref(),
                page: row.page.as_deref(),
                category,
                match_key: &key,
            },
        )?;
        for (source, r) in &row.clause_refs {
            models::clause_ref::insert(conn, comment, source, r)?;
        }
        if let (Some(answer), Some(disposition)) = (&row.answer, row.disposition) {
            response::insert(
                conn,
                comment,
                disposition,
                answer,
                ResponseState::Drafting,
                None,
            )?;
            report.responses_added += 1;
        }
        if let Some(rev) = &row.revision {
            insert_revision(conn, self.consultation, comment, rev)?;
            report.revisions_added += 1;
        }
        self.existing.insert(no, key);
        report.comments_added += 1;
        Ok(())
    }
}

fn insert_revision(
    conn: &mut models::Conn,
    consultation: ConsultationId,
    comment: CommentId,
    rev: &rows::RevisionRow,
) -> diesel::QueryResult<i64> {
    revision::insert(
        conn,
        &revision::NewRevision {
            consultation,
            clause_label: &rev.clause_label,
            original_text: &rev.original_text,
            revised_text: &rev.revised_text,
            reason: &rev.reason,
            state: ResponseState::Drafting.code(),
        },
        &[comment],
    )
}
