//! 修正内容: changes to one clause (原案 → 修正後, 変更理由) answering one or more comments,
//! saved with versions like answers, and the checks that catch inconsistent revisions.

use crate::auth::accounts::Actor;
use crate::db::DbConnection;
use crate::domain::{ClauseId, CommentId, ConsultationId, Disposition, RevisionId};
use crate::models::comment_list;
use crate::models::{audit, clause, response, revision, Conn};
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct RevisionForm {
    pub clause: Option<ClauseId>,
    pub clause_label: String,
    /// The 修正後 label: `None` the same as the 原案's, `Some("")` none (the clause is
    /// deleted), else the new number (番号変更・移動・新設).
    pub revised_clause: Option<String>,
    pub original_text: String,
    pub revised_text: String,
    pub reason: String,
    pub comments: Vec<CommentId>,
}

#[derive(Debug)]
pub enum Outcome {
    Saved {
        id: crate::domain::RevisionId,
        version: i32,
    },
    Conflict(Box<revision::Revision>),
    Refused(String),
}

fn record(
    conn: &mut Conn,
    actor: &Actor,
    action: crate::domain::AuditAction,
    consultation: ConsultationId,
    id: i64,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> diesel::QueryResult<usize> {
    let mut e = actor.event(action, "revision", Some(id));
    e.consultation = Some(consultation);
    e.before = before;
    e.after = after;
    audit::record(conn, &e)
}

fn check(form: &RevisionForm) -> Option<String> {
    if form.original_text.trim().is_empty() && form.revised_text.trim().is_empty() {
        return Some("原案か修正後のどちらかを書いてください".into());
    }
    let new_label = form
        .revised_clause
        .as_deref()
        .is_some_and(|l| !l.trim().is_empty());
    if form.clause.is_none() && form.clause_label.trim().is_empty() && !new_label {
        return Some("どの項番の修正か（新設なら修正後の項番）を指定してください".into());
    }
    None
}

fn with_links(mut snapshot: serde_json::Value, comments: &[CommentId]) -> serde_json::Value {
    snapshot["comments"] = serde_json::json!(comments.iter().map(|c| c.0).collect::<Vec<_>>());
    snapshot
}

/// Creates a revision (or, with `existing = Some((id, version))`, updates it if nobody saved
/// since `version`).
pub fn save(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
    form: &RevisionForm,
    existing: Option<(RevisionId, i32)>,
) -> anyhow::Result<Outcome> {
    if let Some(why) = check(form) {
        return Ok(Outcome::Refused(why));
    }
    crate::db::transaction(conn, |conn| {
        if let Some(id) = form.clause {
            let owner = clause::find(conn, id)?.map(|c| c.consultation_id);
            if owner != Some(consultation) {
                return Ok(Outcome::Refused(
                    "指定された項番はこの案件にありません".into(),
                ));
            }
        }
        let label = match (form.clause, form.clause_label.trim()) {
            (Some(id), "") => clause::find(conn, id)?.map(|c| c.label).unwrap_or_default(),
            (_, l) => l.to_string(),
        };
        let revised_label = form.revised_clause.as_deref().map(str::trim);
        // The same label on both sides is a revision in place.
        let revised_label = revised_label.filter(|l| *l != label);
        let revised_text = match (revised_label, form.revised_text.trim()) {
            (Some(""), "") => crate::domain::DELETED_TEXT,
            (_, t) => t,
        };
        let text = revision::RevisionText {
            clause_label: &label,
            revised_clause_label: revised_label,
            original_text: form.original_text.trim(),
            revised_text,
            reason: form.reason.trim(),
        };
        let (id, before) = match existing {
            None => {
                let id = revision::insert(
                    conn,
                    &revision::NewRevision {
                        consultation,
                        clause_label: text.clause_label,
                        revised_clause_label: text.revised_clause_label,
                        original_text: text.original_text,
                        revised_text: text.revised_text,
                        reason: text.reason,
                        state: crate::domain::RevisionState::Drafting,
                    },
                    &form.comments,
                )?;
                (id, None)
            }
            Some((id, version)) => {
                let Some(current) = revision::find(conn, id)? else {
                    return Ok(Outcome::Refused("この修正内容は削除されています".into()));
                };
                let links = revision::linked_comments(conn, id)?
                    .into_iter()
                    .map(CommentId)
                    .collect::<Vec<_>>();
                if current.version != version
                    || !revision::update_if_version(conn, id, version, &text, actor.user)?
                {
                    return Ok(Outcome::Conflict(Box::new(current)));
                }
                revision::set_links(conn, id, &form.comments)?;
                (id, Some(with_links(current.snapshot(), &links)))
            }
        };
        revision::set_clause(conn, id, form.clause)?;
        let saved = revision::find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
        let action = if before.is_some() {
            crate::domain::AuditAction::RevisionUpdate
        } else {
            crate::domain::AuditAction::RevisionCreate
        };
        record(
            conn,
            actor,
            action,
            consultation,
            id.0,
            before,
            Some(with_links(saved.snapshot(), &form.comments)),
        )?;
        Ok(Outcome::Saved {
            id,
            version: saved.version,
        })
    })
}

/// Deletes a revision if nobody changed it since `version`; the audit log keeps its text.
pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
    id: crate::domain::RevisionId,
    version: i32,
) -> anyhow::Result<Outcome> {
    crate::db::transaction(conn, |conn| {
        let Some(current) = revision::find(conn, id)? else {
            return Ok(Outcome::Refused(
                "この修正内容は既に削除されています".into(),
            ));
        };
        let links = revision::linked_comments(conn, id)?
            .into_iter()
            .map(CommentId)
            .collect::<Vec<_>>();
        if !revision::delete_if_version(conn, id, version)? {
            return Ok(Outcome::Conflict(Box::new(current)));
        }
        record(
            conn,
            actor,
            crate::domain::AuditAction::RevisionDelete,
            consultation,
            id.0,
            Some(with_links(current.snapshot(), &links)),
            None,
        )?;
        Ok(Outcome::Saved { id, version })
    })
}

/// Text compared without spaces, line breaks or the 「」 around a quotation.
fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '「' | '」'))
        .collect()
}

/// Where a 原案 sits in the clause text, as a character range of the squeezed text. A 原案
/// may elide with `・・・` or `…`; its pieces must then appear in order.
pub fn locate(original: &str, clause_body: &str) -> Option<(usize, usize)> {
    let body: Vec<char> = squeeze(clause_body).chars().collect();
    let text: String = body.iter().collect();
    let normalized = squeeze(original).replace('…', "・・・");
    let pieces: Vec<&str> = normalized
        .split("・・・")
        .filter(|p| !p.is_empty())
        .collect();
    if pieces.is_empty() {
        return None;
    }
    let mut from_byte = 0;
    let mut first = None;
    let mut end = 0;
    for p in pieces {
        let at = text[from_byte..].find(p)? + from_byte;
        first.get_or_insert(text[..at].chars().count());
        end = text[..at].chars().count() + p.chars().count();
        from_byte = at + p.len();
    }
    Some((first?, end))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// The 原案 is not (or no longer) in the clause's text.
    OriginalMismatch { revision: i64 },
    /// Two revisions change the same words of a clause differently.
    Overlap { revision: i64, other: i64 },
    /// A revision that answers no comment.
    Unlinked { revision: i64 },
    /// A comment answered 修正 with no revision.
    ReviseWithoutRevision { comment: i64 },
    /// Two revisions give the same 修正後 number to different texts.
    RevisedLabelTwice {
        revision: i64,
        other: i64,
        label: String,
    },
    /// A clause is renumbered (or a new one numbered) to a number another clause keeps.
    NumberTaken { revision: i64, label: String },
}

impl Warning {
    pub fn message(&self) -> String {
        match self {
            Warning::OriginalMismatch { .. } => {
                "原案が項番の本文と一致しません（本文が変わったか、引用が違います）".into()
            }
            Warning::Overlap { other, .. } => {
                format!("同じ箇所を別の修正内容（#{other}）が違うように直しています")
            }
            Warning::Unlinked { .. } => "どの意見にも結び付いていない修正内容です".into(),
            Warning::ReviseWithoutRevision { .. } => {
                "対応区分が「修正」なのに修正内容がありません".into()
            }
            Warning::RevisedLabelTwice { other, label, .. } => format!(
                "修正後の項番 {label} を別の修正内容（#{other}）も違う文で使っています"
            ),
            Warning::NumberTaken { label, .. } => format!(
                "修正後の項番 {label} は既にある項番で、その項番は番号が変わらず残ります（番号の付け替えを確かめてください）"
            ),
        }
    }

    /// The revision a warning is about, if it is about one.
    pub fn revision(&self) -> Option<i64> {
        match self {
            Warning::OriginalMismatch { revision }
            | Warning::Overlap { revision, .. }
            | Warning::Unlinked { revision }
            | Warning::RevisedLabelTwice { revision, .. }
            | Warning::NumberTaken { revision, .. } => Some(*revision),
            Warning::ReviseWithoutRevision { .. } => None,
        }
    }
}

/// Every revision problem of a consultation.
pub fn warnings(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> diesel::QueryResult<Vec<Warning>> {
    let revisions = revision::all(conn, consultation)?;
    let clauses: HashMap<ClauseId, clause::Clause> = clause::all(conn, consultation)?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut out = Vec::new();
    let mut spans: Vec<(i64, i64, (usize, usize), String)> = Vec::new();
    for r in &revisions {
        if revision::linked_comments(conn, r.id)?.is_empty() {
            out.push(Warning::Unlinked { revision: r.id.0 });
        }
        let Some(c) = r.clause_id.and_then(|id| clauses.get(&id)) else {
            continue;
        };
        if r.original_text.trim().is_empty() {
            continue; // an insertion has no 原案 to find
        }
        match locate(&r.original_text, &c.body) {
            Some(span) => spans.push((c.id.0, r.id.0, span, squeeze(r.revised_side().1))),
            None => out.push(Warning::OriginalMismatch { revision: r.id.0 }),
        }
    }
    for (i, (clause_a, id_a, (s_a, e_a), new_a)) in spans.iter().enumerate() {
        for (clause_b, id_b, (s_b, e_b), new_b) in &spans[i + 1..] {
            if clause_a == clause_b && s_a < e_b && s_b < e_a && new_a != new_b {
                out.push(Warning::Overlap {
                    revision: *id_a,
                    other: *id_b,
                });
                out.push(Warning::Overlap {
                    revision: *id_b,
                    other: *id_a,
                });
            }
        }
    }
    out.extend(numbering_warnings(&revisions, &clauses));
    for row in comment_list::list(conn, consultation, &Default::default(), 0, None)? {
        if row.disposition == Some(Disposition::Revise)
            && revision::for_comment(conn, row.comment.id())?.is_empty()
        {
            out.push(Warning::ReviseWithoutRevision {
                comment: row.comment.id.0,
            });
        }
    }
    Ok(out)
}

/// 修正後 numbers given twice to different texts, and numbers taken from a clause that keeps
/// its own (not itself renumbered or deleted).
fn numbering_warnings(
    revisions: &[revision::Revision],
    clauses: &HashMap<ClauseId, clause::Clause>,
) -> Vec<Warning> {
    use crate::domain::RevisionKind;
    let mut out = Vec::new();
    let mut by_label: HashMap<&str, (i64, String)> = HashMap::new();
    let vacated: std::collections::HashSet<&str> = revisions
        .iter()
        .filter(|r| matches!(r.kind(), RevisionKind::Move | RevisionKind::Delete))
        .map(|r| r.clause_label.trim())
        .collect();
    let existing: HashMap<&str, ClauseId> =
        clauses.values().map(|c| (c.label.as_str(), c.id)).collect();
    for r in revisions {
        let kind = r.kind();
        let (label, text) = r.revised_side();
        if label.is_empty() || kind == RevisionKind::Delete {
            continue;
        }
        match by_label.get(label) {
            Some((other, other_text)) if squeeze(other_text) != squeeze(text) => {
                out.push(Warning::RevisedLabelTwice {
                    revision: r.id.0,
                    other: *other,
                    label: label.to_string(),
                });
            }
            Some(_) => {}
            None => {
                by_label.insert(label, (r.id.0, text.to_string()));
            }
        }
        let takes_a_number = matches!(kind, RevisionKind::Move | RevisionKind::New);
        if let Some(owner) = existing.get(label) {
            if takes_a_number && r.clause_id != Some(*owner) && !vacated.contains(label) {
                out.push(Warning::NumberTaken {
                    revision: r.id.0,
                    label: label.to_string(),
                });
            }
        }
    }
    out
}

/// The problems a single comment's page shows, without scanning the whole consultation:
/// its own 修正 flag, and for each of its revisions a 原案 missing from the clause text or an
/// overlap with another revision of the same clause.
pub fn warnings_for_comment(
    conn: &mut Conn,
    comment: CommentId,
    revs: &[revision::Revision],
) -> diesel::QueryResult<Vec<Warning>> {
    let mut out = Vec::new();
    if revs.is_empty() && says_revise(conn, comment)? {
        out.push(Warning::ReviseWithoutRevision { comment: comment.0 });
    }
    for r in revs {
        let Some(c) = r
            .clause_id
            .and_then(|id| clause::find(conn, id).ok().flatten())
        else {
            continue;
        };
        if r.original_text.trim().is_empty() {
            continue;
        }
        let Some(span) = locate(&r.original_text, &c.body) else {
            out.push(Warning::OriginalMismatch { revision: r.id.0 });
            continue;
        };
        for other in revision::for_clause(conn, c.id())? {
            if other.id == r.id
                || other.original_text.trim().is_empty()
                || squeeze(&other.revised_text) == squeeze(&r.revised_text)
            {
                continue;
            }
            if let Some((s, e)) = locate(&other.original_text, &c.body) {
                if span.0 < e && s < span.1 {
                    out.push(Warning::Overlap {
                        revision: r.id.0,
                        other: other.id.0,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Whether a comment's answer says 修正 (for the flag on its page).
pub fn says_revise(conn: &mut Conn, comment: CommentId) -> diesel::QueryResult<bool> {
    Ok(response::for_comment(conn, comment)?.map(|r| r.disposition()) == Some(Disposition::Revise))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_original_is_found_across_line_breaks_and_elisions() {
        let body = "（２）を踏まえ、クラウドサービス事業者は技術的安全管理対策として、\n・利用者の識別及び認証\n等が求められる。";
        assert!(locate("「（２）を踏まえ、クラウドサービス事業者は技術的安全管理対策として、・利用者の識別及び認証", body).is_some());
        assert_eq!(
            locate(
                "・・・高い保護方策が求められる。",
                "医療情報は高い保護方策が求められる。"
            ),
            Some((5, 18))
        );
        assert!(locate("（３）を踏まえ", body).is_none());
    }
}
