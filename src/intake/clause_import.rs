//! `pubcom import clauses`: the draft's text into the clause catalog, in one transaction,
//! then comments' references are linked to the clauses.

use super::clauses::{self, OutlineWarning};
use super::decode::{self, TextEncoding};
use super::ImportError;
use crate::auth::accounts::Actor;
use crate::db::DbConnection;
use crate::models::{audit, clause, consultation};
use crate::triage::clause_links;

#[derive(Debug, Clone, Default)]
pub struct ClauseImportReport {
    pub clauses_read: usize,
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub refs_resolved: usize,
    pub comments_tagged: usize,
    pub warnings: Vec<OutlineWarning>,
}

pub fn import_clauses(
    conn: &mut DbConnection,
    file: &str,
    bytes: &[u8],
    slug: &str,
    encoding: Option<TextEncoding>,
    actor: &Actor,
) -> anyhow::Result<ClauseImportReport> {
    consultation::validate_slug(slug).map_err(anyhow::Error::msg)?;
    let (text, _) = decode::decode(bytes, encoding)
        .map_err(|e| ImportError::at(file, e.line, None, e.to_string()))?;
    let (parsed, warnings) = clauses::parse(&text);
    if parsed.is_empty() {
        return Err(ImportError::whole(
            file,
            "番号の付いた見出し（第1章、1.1、(1)、① など）が一つもありません".to_string(),
        )
        .into());
    }
    crate::db::transaction(conn, |conn| {
        let (c, _) = consultation::find_or_create(conn, slug)?;
        let upsert = clause::upsert_all(conn, c.id(), &parsed)?;
        let links = clause_links::resolve(conn, c.id())?;
        let mut e = actor.event(
            crate::domain::AuditAction::ImportClauses,
            "consultation",
            Some(c.id.0),
        );
        e.consultation = Some(c.id());
        e.after = Some(serde_json::json!({
            "file": file, "clauses": parsed.len(), "added": upsert.added,
            "changed": upsert.changed.iter().map(|(l, old, new)| serde_json::json!({"label": l, "before": old, "after": new})).collect::<Vec<_>>(),
        }));
        audit::record(conn, &e)?;
        Ok(ClauseImportReport {
            clauses_read: parsed.len(),
            added: upsert.added,
            changed: upsert.changed.len(),
            unchanged: upsert.unchanged,
            refs_resolved: links.refs_resolved,
            comments_tagged: links.comments_tagged,
            warnings: warnings.clone(),
        })
    })
}
