//! Redacting personal information from a comment before publishing: the published text
//! replaces a passage, with a recorded reason; the text as received is kept.

use super::pii;
use crate::auth::accounts::Actor;
use crate::db::DbConnection;
use crate::domain::ConsultationId;
use crate::error::Refused;
use crate::models::{audit, comment::Comment, redaction};

/// What to redact: the passage as written, what is published instead, and why.
pub struct Redaction<'a> {
    pub original: &'a str,
    pub replacement: &'a str,
    pub reason: &'a str,
}

/// Adds a redaction of a passage of the comment, with its audit event, in one
/// transaction (the page and the API both come here). `via` says which (`page`, `api`).
pub fn redact(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
    comment: &Comment,
    r: &Redaction,
    via: &str,
) -> anyhow::Result<i64> {
    let (original, replacement, reason) = (r.original, r.replacement, r.reason.trim());
    if original.trim().is_empty() || reason.is_empty() {
        return Err(Refused("削除する文と理由を入れてください".into()).into());
    }
    if !comment.body.contains(original) {
        return Err(Refused("その文は本文にありません".into()).into());
    }
    crate::db::transaction(conn, |conn| {
        let rid = redaction::add(
            conn,
            comment.id(),
            original,
            replacement,
            reason,
            actor.user,
        )?;
        let mut e = actor.event(
            crate::domain::AuditAction::Redact,
            "comment",
            Some(comment.id.0),
        );
        e.consultation = Some(consultation);
        e.after = Some(serde_json::json!({
            "redaction": rid, "kind": pii::find(original).first().map(|x| x.kind.label()),
            "reason": reason, "via": via,
        }));
        audit::record(conn, &e)?;
        Ok(rid)
    })
}
