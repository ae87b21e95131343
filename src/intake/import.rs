//! Importing a comment table: everything is parsed and checked first, then written in one
//! transaction. Re-importing the same file, or rows already present, adds nothing.

use super::decode::TextEncoding;
use super::profile::{self, Profile};
use super::rows::{self, ImportRow, RowWarning};
use super::table::{self, FileFormat, RawRow};
use super::ImportError;
use crate::db::DbConnection;
use crate::domain::{
    CategoryId, CommentId, CommentNo, ConsultationId, ResponseState, SubmissionId, SubmitterId,
    SubmitterKind,
};
use crate::drafting::stock_phrases::StockPhrases;
use crate::models::{
    self, audit, category, comment, consultation, import_batch, response, revision, submission,
    submitter, tally,
};
use std::collections::HashMap;
use std::io::{Read, Seek};

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
    /// Submitters named in the file, by the kind they were classified as.
    pub individuals: usize,
    pub organizations: usize,
    pub warnings: Vec<RowWarning>,
}

impl ImportReport {
    /// What an import tells the user, a line at a time (the command line prints them, the
    /// upload page shows them).
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "{}: 形式 {} / 文字コード {} / プロファイル {}",
            self.file, self.format, self.encoding, self.profile
        )];
        if self.already_imported {
            out.push("このファイルは取込済みです。追加した意見: 0 件".into());
            return out;
        }
        for w in &self.warnings {
            out.push(format!("注意: {} 行目: {}", w.line, w.message));
        }
        out.push(format!(
            "読んだ行: {} / 追加した意見: {} 件（既にあったもの {} 件）/ 回答: {} 件 / 修正内容: {} 件",
            self.rows_read,
            self.comments_added,
            self.comments_already_present,
            self.responses_added,
            self.revisions_added
        ));
        if self.individuals + self.organizations > 0 {
            out.push(format!(
                "提出者: 個人 {} 人 / 法人・団体 {} 件（属性の列と名称から判定。法人・団体と示されない提出者は個人として扱い、名前を公表しません。誤りは意見の画面で直せます）",
                self.individuals, self.organizations
            ));
        }
        out
    }
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

/// Imports the table read from `source` (the content of `file`) into the consultation named
/// in `opts`. Rows are read, checked and written in batches inside one transaction: a bad
/// row anywhere leaves nothing written. `progress` gets rows done and the file's row count.
pub fn import_comments<R: Read + Seek + Send>(
    conn: &mut DbConnection,
    file: &str,
    mut source: R,
    opts: &ImportOptions,
    profiles: &[Profile],
    phrases: &StockPhrases,
    progress: &mut dyn FnMut(usize, usize),
) -> anyhow::Result<ImportReport> {
    consultation::validate_slug(&opts.consultation).map_err(anyhow::Error::msg)?;
    let mut report = ImportReport::default();
    crate::db::transaction::<_, anyhow::Error, _>(conn, |conn| {
        // A retried attempt reads the file again from the start.
        report = ImportReport {
            file: file.to_string(),
            ..Default::default()
        };
        let mut stream = table::open(file, &mut source, opts.format, opts.encoding)?;
        report.format = stream.format.name().to_string();
        report.encoding = stream.encoding.to_string();
        let total = stream.records;
        let head: Vec<RawRow> = stream
            .by_ref()
            .take(HEADER_SEARCH_ROWS)
            .collect::<Result<_, _>>()?;
        let layout = profile::detect(file, &head, profiles, opts.profile.as_deref())?;
        report.profile = layout.profile.name.clone();
        let (consultation, created) = consultation::find_or_create(conn, &opts.consultation)?;
        report.consultation_created = created;
        let cid = consultation.id();
        if let Some(earlier) = import_batch::find_same_file(conn, cid, &stream.sha256)? {
            report.already_imported = true;
            report.rows_read = earlier.rows_read as usize;
            report.comments_already_present = earlier.rows_read as usize;
            return Ok(());
        }
        let batch = import_batch::insert(
            conn,
            &import_batch::NewBatch {
                consultation: cid,
                file_name: file,
                sha256: &stream.sha256,
                format: &report.format,
                encoding: &report.encoding,
                profile: &report.profile,
                rows_read: 0,
                imported_by: &opts.actor,
            },
        )?;
        let mut writer = RowWriter::new(cid, batch, opts.renumber, comment::keys(conn, cid)?);
        // A large import leaves its rows to be added to the search index afterwards, and
        // counts them itself.
        let pending_from = if total >= BULK_INDEX_ROWS {
            crate::db::search_index::open_range(conn)?
        } else {
            None
        };
        if let Some(first) = pending_from {
            writer.counts = tally::BulkCounts::begin(conn, cid, first)?;
        }
        let below_header = head.into_iter().skip(layout.header_index + 1).map(Ok);
        // Two cores: one thread reads and checks rows while this one writes them.
        std::thread::scope(|scope| -> anyhow::Result<()> {
            let (sender, batches) =
                std::sync::mpsc::sync_channel::<anyhow::Result<Vec<CheckedRow>>>(8);
            let raw_rows = table::join_continued(below_header.chain(stream.by_ref()));
            let layout = &layout;
            let reader = std::thread::Builder::new()
                .name("import-reader".into())
                .spawn_scoped(scope, move || {
                    let mut warnings = Vec::new();
                    let mut batch = Vec::with_capacity(CHECKED_BATCH);
                    for raw in raw_rows {
                        let checked = raw.map_err(anyhow::Error::from).and_then(|raw| {
                            let row =
                                rows::map_data_row(file, &raw, layout, phrases, &mut warnings)?;
                            Ok(row.map(|row| CheckedRow {
                                key: crate::text::match_key(&row.body),
                                row,
                            }))
                        });
                        match checked {
                            Ok(Some(row)) => batch.push(row),
                            Ok(None) => {}
                            Err(e) => {
                                // The writer stops at the first error; nothing after it matters.
                                let _ = sender.send(Err(e));
                                return warnings;
                            }
                        }
                        if batch.len() == CHECKED_BATCH {
                            let full =
                                std::mem::replace(&mut batch, Vec::with_capacity(CHECKED_BATCH));
                            if sender.send(Ok(full)).is_err() {
                                return warnings; // the writer has failed
                            }
                        }
                    }
                    let _ = sender.send(Ok(batch));
                    warnings
                })?;
            for batch in batches {
                for checked in batch? {
                    let line = checked.row.line;
                    report.rows_read += 1;
                    writer.write(conn, file, checked, &mut report)?;
                    progress(line.min(total), total);
                }
            }
            let warnings = reader
                .join()
                .map_err(|_| anyhow::anyhow!("{file}: 読み込みが異常終了しました"))?;
            report.warnings.extend(warnings);
            Ok(())
        })?;
        if report.rows_read == 0 {
            // Nothing is recorded for a file without data: no batch, no audit event.
            return Err(ImportError::whole(
                file,
                "データ行がありません（見出しの行のほかに意見の行がありません）".to_string(),
            )
            .into());
        }
        writer.flush(conn, &mut report)?;
        for (kind, _) in writer.submitters.keys() {
            match kind {
                SubmitterKind::Individual => report.individuals += 1,
                SubmitterKind::Organization => report.organizations += 1,
            }
        }
        if let Some(counts) = writer.counts.take() {
            counts.finish(conn)?;
        }
        progress(total, total);
        if let Some(first) = pending_from {
            crate::db::search_index::close_range(conn, first)?;
        }
        import_batch::set_counts(
            conn,
            batch,
            report.rows_read as i32,
            report.comments_added as i32,
        )?;
        crate::triage::clause_links::resolve(conn, cid)?;
        audit::record(
            conn,
            &audit::Event {
                actor: &opts.actor,
                user: None,
                consultation: Some(cid),
                action: crate::domain::AuditAction::Import,
                entity: "import_batch",
                entity_id: Some(batch),
                before: None,
                after: Some(serde_json::json!({
                    "file": file, "sha256": stream.sha256, "profile": report.profile,
                    "rows": report.rows_read, "comments_added": report.comments_added,
                    "responses_added": report.responses_added, "revisions_added": report.revisions_added,
                    "individuals": report.individuals, "organizations": report.organizations,
                })),
            },
        )?;
        Ok(())
    })?;
    if report.comments_added >= BULK_INDEX_ROWS {
        crate::db::refresh_after_bulk_load(conn)?;
    }
    Ok(report)
}

/// The header row is looked for among this many first rows (title lines may come first).
const HEADER_SEARCH_ROWS: usize = 50;

/// From this many rows on, the search index is filled after the import (see
/// `db::search_index`), not row by row inside it.
const BULK_INDEX_ROWS: usize = 2_000;

/// Rows handed from the reading thread to the writing one at a time.
const CHECKED_BATCH: usize = 256;

/// A row read, checked and keyed, ready to be numbered and written.
struct CheckedRow {
    row: ImportRow,
    key: String,
}

/// A checked row waiting for its batch to be written.
struct PendingRow {
    no: CommentNo,
    key: String,
    category: Option<CategoryId>,
    submitter: Option<SubmitterId>,
    row: ImportRow,
}

/// Checks rows one by one (remembering categories and submitters already seen) and writes
/// them in multi-row statements.
struct RowWriter {
    consultation: ConsultationId,
    batch: i64,
    renumber: bool,
    next_number: i32,
    categories: HashMap<String, CategoryId>,
    submitters: HashMap<(SubmitterKind, String), SubmitterId>,
    /// The match key of every No. already in the consultation (and written so far), as the
    /// 128-bit number its hex spells, to keep a million of them small.
    existing: HashMap<CommentNo, u128>,
    pending: Vec<PendingRow>,
    /// A bulk import's counts (SQLite), added once at its end.
    counts: Option<tally::BulkCounts>,
}

fn key_bits(key: &str) -> u128 {
    u128::from_str_radix(key, 16).unwrap_or_default()
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
            existing: existing
                .into_iter()
                .map(|(no, k)| (no, key_bits(&k)))
                .collect(),
            pending: Vec::with_capacity(crate::db::INSERT_BATCH),
            counts: None,
        }
    }

    fn write(
        &mut self,
        conn: &mut models::Conn,
        file: &str,
        checked: CheckedRow,
        report: &mut ImportReport,
    ) -> anyhow::Result<()> {
        let CheckedRow { row, key } = checked;
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
        if let Some(existing) = self.existing.get(&no) {
            if *existing == key_bits(&key) {
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
                let key = (s.kind, submitter::identity_key(&s.name));
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
        self.existing.insert(no, key_bits(&key));
        self.pending.push(PendingRow {
            no,
            key,
            category,
            submitter,
            row,
        });
        if self.pending.len() >= crate::db::INSERT_BATCH {
            self.flush(conn, report)?;
        }
        Ok(())
    }

    /// Writes the waiting rows: submissions, comments, clause references and answers each in
    /// one statement.
    fn flush(&mut self, conn: &mut models::Conn, report: &mut ImportReport) -> anyhow::Result<()> {
        let mut pending = std::mem::take(&mut self.pending);
        if pending.is_empty() {
            return Ok(());
        }
        let submissions: HashMap<Option<i32>, SubmissionId> = submission::insert_many(
            conn,
            &pending
                .iter()
                .map(|p| submission::NewSubmission {
                    consultation: self.consultation,
                    submitter: p.submitter,
                    import_batch_id: Some(self.batch),
                    source_row: Some(p.row.line as i32),
                    channel: "import",
                    body: None,
                })
                .collect::<Vec<_>>(),
        )?
        .into_iter()
        .collect();
        // The texts move into the statements; what is read below stays.
        let comments: HashMap<CommentNo, CommentId> = comment::insert_many(
            conn,
            pending
                .iter_mut()
                .map(|p| comment::NewComment {
                    consultation: self.consultation,
                    submission: submissions[&Some(p.row.line as i32)],
                    no: p.no,
                    body: std::mem::take(&mut p.row.body),
                    volume: p.row.volume.take(),
                    chapter: p.row.chapter.clone(),
                    page: p.row.page.take(),
                    category: p.category,
                    match_key: std::mem::take(&mut p.key),
                })
                .collect(),
        )?
        .into_iter()
        .collect();
        let refs: Vec<_> = pending
            .iter_mut()
            .flat_map(|p| {
                let id = comments[&p.no];
                std::mem::take(&mut p.row.clause_refs)
                    .into_iter()
                    .map(move |(source, r)| (id, source, r))
            })
            .collect();
        if !refs.is_empty() {
            models::clause_ref::insert_many(conn, refs)?;
        }
        let answers: Vec<_> = pending
            .iter()
            .filter_map(|p| match (&p.row.answer, p.row.disposition) {
                (Some(answer), Some(disposition)) => {
                    Some((comments[&p.no], disposition, answer.as_str()))
                }
                _ => None,
            })
            .collect();
        if !answers.is_empty() {
            response::insert_many(conn, &answers, ResponseState::Drafting)?;
            report.responses_added += answers.len();
        }
        for p in &pending {
            if let Some(rev) = &p.row.revision {
                insert_revision(conn, self.consultation, comments[&p.no], rev)?;
                report.revisions_added += 1;
            }
        }
        if let Some(counts) = &mut self.counts {
            for p in &pending {
                counts.add(p.category, p.row.chapter.as_deref());
            }
        }
        report.comments_added += pending.len();
        Ok(())
    }
}

fn insert_revision(
    conn: &mut models::Conn,
    consultation: ConsultationId,
    comment: CommentId,
    rev: &rows::RevisionRow,
) -> diesel::QueryResult<crate::domain::RevisionId> {
    revision::insert(
        conn,
        &revision::NewRevision {
            consultation,
            clause_label: &rev.clause_label,
            revised_clause_label: rev.revised_clause_label.as_deref(),
            original_text: &rev.original_text,
            revised_text: &rev.revised_text,
            reason: &rev.reason,
            state: crate::domain::RevisionState::Drafting,
        },
        &[comment],
    )
}
