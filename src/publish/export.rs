//! One entry for every published file — result table, 新旧対照表, revised guideline — used
//! by the command line, the web pages and the API alike. The final version is refused while
//! the pre-publication check finds problems.

use super::{check, print, results, revised, shinkyu, writers};
use crate::models::{consultation::Consultation, Conn};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Document {
    /// 意見募集の結果
    Results,
    /// 新旧対照表
    Shinkyu,
    /// The guideline with the revisions applied
    Revised,
}

impl Document {
    /// What the audit log names the exported document by.
    pub fn code(self) -> &'static str {
        match self {
            Document::Results => "result_table",
            Document::Shinkyu => "shinkyu",
            Document::Revised => "revised",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Document::Results => "意見募集の結果",
            Document::Shinkyu => "新旧対照表",
            Document::Revised => "修正後の本文",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Xlsx,
    Csv,
    Html,
    Md,
}

#[derive(Debug, Clone, Copy)]
pub struct Request {
    pub document: Document,
    pub format: Format,
    pub layout: results::Layout,
    pub options: results::ResultOptions,
}

pub struct File {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub file_name: String,
    /// Rows or clauses written, for the audit log.
    pub items: usize,
    pub draft: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("公表版は書き出せません。公表前チェックで {} 件の問題があります（pubcom check で一覧できます）", .0.len())]
    Blocked(Vec<check::Problem>),
    #[error("{0}")]
    Unsupported(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// [`export`] for a user: the file, and its audit event (who exported what, final or 案).
pub fn export_for(
    conn: &mut Conn,
    actor: &crate::auth::accounts::Actor,
    c: &Consultation,
    req: &Request,
    via: &str,
) -> Result<File, ExportError> {
    let file = export(conn, c, req)?;
    let mut e = actor.event(
        crate::domain::AuditAction::Export,
        req.document.code(),
        None,
    );
    e.consultation = Some(c.id());
    e.after = Some(serde_json::json!({
        "document": req.document.label(), "file": file.file_name, "items": file.items,
        "final": req.options.final_version, "via": via,
    }));
    crate::models::audit::record(conn, &e)?;
    Ok(file)
}

pub fn export(conn: &mut Conn, c: &Consultation, req: &Request) -> Result<File, ExportError> {
    if req.options.final_version {
        let problems = check::run(conn, c.id(), &c.slug)?;
        if !problems.is_empty() {
            return Err(ExportError::Blocked(problems));
        }
    }
    // Each layout downloads under its own name (both are often saved side by side).
    let stem = format!(
        "{}-{}",
        c.slug,
        match (req.document, req.layout) {
            (Document::Results, results::Layout::Mhlw) => "results-mhlw",
            (Document::Results, results::Layout::Mic) => "results-mic",
            (Document::Results, results::Layout::Summary) => "results-summary",
            (Document::Shinkyu, _) => "shinkyu",
            (Document::Revised, _) => "revised",
        }
    );
    let (bytes, content_type, ext, items, draft) = match (req.document, req.format) {
        (Document::Results, Format::Html) => {
            let table = results::build_with(conn, c.id(), &c.title, req.layout, &req.options)?;
            let page = print::result_table(&table).into_string().into_bytes();
            (page, HTML, "html", table.rows.len(), table.draft)
        }
        // Files of any size: rows are read and written a slice at a time.
        (Document::Results, Format::Csv) => {
            let plan = results::plan(conn, c.id(), &c.title, req.layout, &req.options)?;
            let mut sink = writers::CsvSink::new(&plan.head)?;
            plan.for_each_row(conn, |row| sink.push(&row))?;
            let csv = sink.finish()?;
            (
                csv,
                "text/csv; charset=utf-8",
                "csv",
                plan.len(),
                plan.head.draft,
            )
        }
        (Document::Results, Format::Xlsx) => {
            let plan = results::plan(conn, c.id(), &c.title, req.layout, &req.options)?;
            let mut sink = writers::XlsxSink::new(&plan.head)?;
            plan.for_each_row(conn, |row| sink.push(&row))?;
            (sink.finish()?, XLSX, "xlsx", plan.len(), plan.head.draft)
        }
        (Document::Results, Format::Md) => {
            return Err(ExportError::Unsupported(
                "意見募集の結果は xlsx, csv, html で書き出せます".into(),
            ))
        }
        (Document::Shinkyu, f) => {
            let rows = shinkyu::rows(conn, c.id(), !req.options.final_version)?;
            let draft = !req.options.final_version;
            let (bytes, ct, ext) = match f {
                Format::Xlsx => (shinkyu::xlsx_bytes(&c.title, &rows, draft)?, XLSX, "xlsx"),
                Format::Html => (
                    print::shinkyu(&c.title, &rows, draft)
                        .into_string()
                        .into_bytes(),
                    HTML,
                    "html",
                ),
                _ => {
                    return Err(ExportError::Unsupported(
                        "新旧対照表は xlsx, html で書き出せます".into(),
                    ))
                }
            };
            (bytes, ct, ext, rows.len(), draft)
        }
        (Document::Revised, f) => {
            let r = revised::build(conn, c.id())?;
            if req.options.final_version && !r.failures.is_empty() {
                let problems = r
                    .failures
                    .iter()
                    .map(|f| check::Problem {
                        kind: check::ProblemKind::OriginalMismatch,
                        message: format!("修正内容 #{} ({}): {}", f.revision, f.clause, f.reason),
                        link: format!("/c/{}/clauses", c.slug),
                        comment: None,
                    })
                    .collect();
                return Err(ExportError::Blocked(problems));
            }
            let (bytes, ct, ext) = match f {
                Format::Md => (
                    revised::markdown(&c.title, &r).into_bytes(),
                    "text/markdown; charset=utf-8",
                    "md",
                ),
                Format::Html => (
                    revised::html_page(&c.title, &r).into_string().into_bytes(),
                    HTML,
                    "html",
                ),
                _ => {
                    return Err(ExportError::Unsupported(
                        "修正後の本文は md, html で書き出せます".into(),
                    ))
                }
            };
            (bytes, ct, ext, r.applied, !req.options.final_version)
        }
    };
    Ok(File {
        bytes,
        content_type,
        file_name: format!("{stem}.{ext}"),
        items,
        draft,
    })
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const HTML: &str = "text/html; charset=utf-8";
