//! Resolving the clause references parsed from comments to clauses of the catalog, and
//! tagging untagged comments with the clause their 章/パート cell names.

use crate::db::schema::{comment_clause_refs, comments, revisions};
use crate::domain::ConsultationId;
use crate::intake::clauses::ancestors;
use crate::models::{clause, Conn};
use diesel::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkReport {
    pub refs_resolved: usize,
    pub comments_tagged: usize,
    pub revisions_linked: usize,
}

/// (ref id, comment id, source, clause path, detail, the comment's 編 cell)
type RefRow = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The most specific clause a reference names: `3.2.2(2)(イ)1.` falls back to
/// `3.2.2(2)(イ)`, then `3.2.2(2)`, … until a clause with that label exists.
/// In a draft of several volumes, the comment's volume (its 編 cell) is tried first:
/// `13.1.2` of a comment on システム運用編 is `システム運用編 13.1.2`.
pub fn best_clause(
    labels: &HashMap<String, ClauseId>,
    path: &str,
    detail: Option<&str>,
    volume: Option<&str>,
) -> Option<ClauseId> {
    let with_detail = detail
        .filter(|d| d.starts_with(['C', 'D', '脚']))
        .map(|d| format!("{path} {d}"));
    let plain: Vec<String> = with_detail.into_iter().chain(ancestors(path)).collect();
    let in_volume = volume
        .into_iter()
        .flat_map(|v| plain.iter().map(move |l| format!("{v} {l}")));
    in_volume
        .chain(plain.iter().cloned())
        .find_map(|l| labels.get(&l).copied())
}

/// Links every unresolved reference of the consultation and tags comments that have no
/// clause yet. Clauses set by hand are never replaced.
pub fn resolve(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<LinkReport> {
    let labels: HashMap<String, ClauseId> = clause::all(conn, consultation)?
        .into_iter()
        .map(|c| (c.label, c.id))
        .collect();
    let mut report = LinkReport::default();
    if labels.is_empty() {
        return Ok(report);
    }
    let refs: Vec<RefRow> = comment_clause_refs::table
        .inner_join(comments::table)
        .filter(comments::consultation_id.eq(consultation.0))
        .filter(comment_clause_refs::clause_id.is_null())
        .filter(comment_clause_refs::clause_path.is_not_null())
        .select((
            comment_clause_refs::id,
            comment_clause_refs::comment_id,
            comment_clause_refs::source,
            comment_clause_refs::clause_path,
            comment_clause_refs::detail,
            comments::volume,
        ))
        .load(conn)?;
    let mut first_for_comment: HashMap<i64, (u8, i64)> = HashMap::new();
    for (ref_id, comment_id, source, path, detail, volume) in refs {
        let Some(path) = path else { continue };
        let volume = volume
            .as_deref()
            .and_then(crate::intake::clauses::volume_name);
        let Some(clause_id) = best_clause(&labels, &path, detail.as_deref(), volume.as_deref())
        else {
            continue;
        };
        diesel::update(comment_clause_refs::table.find(ref_id))
            .set(comment_clause_refs::clause_id.eq(clause_id))
            .execute(conn)?;
        report.refs_resolved += 1;
        // The 章/パート cell says what the comment is about; text mentions count less.
        let rank = if source == "chapter" { 0 } else { 1 };
        let entry = first_for_comment
            .entry(comment_id)
            .or_insert((rank, clause_id.0));
        if rank < entry.0 {
            *entry = (rank, clause_id.0);
        }
    }
    let revisions: Vec<(i64, String)> = revisions::table
        .filter(revisions::consultation_id.eq(consultation.0))
        .filter(revisions::clause_id.is_null())
        .select((revisions::id, revisions::clause_label))
        .load(conn)?;
    for (id, label) in revisions {
        let Some(r) = crate::intake::clause_ref::parse_cell(&label)
            .into_iter()
            .find(|r| r.path.is_some())
        else {
            continue;
        };
        let path = r.path.as_deref().unwrap_or_default();
        if let Some(clause_id) = best_clause(&labels, path, r.detail.as_deref(), None) {
            diesel::update(revisions::table.find(id))
                .set(revisions::clause_id.eq(clause_id))
                .execute(conn)?;
            report.revisions_linked += 1;
        }
    }
    for (comment_id, (_, clause_id)) in first_for_comment {
        report.comments_tagged += diesel::update(
            comments::table
                .find(comment_id)
                .filter(comments::clause_id.is_null()),
        )
        .set(comments::clause_id.eq(clause_id))
        .execute(conn)?;
    }
    Ok(report)
}

use crate::domain::ClauseId;
use diesel::QueryResult;
