//! Correcting what the import guessed about a submitter: a person (個人, published as 個人A…)
//! or an organisation (法人・団体, published by name).

use crate::auth::accounts::Actor;
use crate::db::DbConnection;
use crate::domain::{ConsultationId, SubmitterId, SubmitterKind};
use crate::error::Refused;
use crate::models::{audit, submitter};

/// Sets a submitter's kind as staff confirmed it, with its audit event, in one transaction.
/// Returns whether it changed.
pub fn set_kind(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
    id: SubmitterId,
    kind: SubmitterKind,
) -> anyhow::Result<bool> {
    crate::db::transaction(conn, |conn| {
        let s = submitter::find(conn, id)?
            .filter(|s| s.consultation_id == consultation)
            .ok_or_else(|| Refused("指定された提出者はこの案件にありません".into()))?;
        if s.kind() == kind && s.kind_confirmed {
            return Ok(false);
        }
        submitter::set_kind(conn, &s, kind)?;
        let mut e = actor.event(
            crate::domain::AuditAction::SubmitterKind,
            "submitter",
            Some(s.id.0),
        );
        e.consultation = Some(consultation);
        e.before = Some(serde_json::json!({"kind": s.kind}));
        e.after = Some(serde_json::json!({"kind": kind.code()}));
        audit::record(conn, &e)?;
        Ok(true)
    })
}
