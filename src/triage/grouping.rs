//! Proposing 同旨 groups for a consultation and acting on them (confirm, reject, remove).

use super::duplicates;
use crate::auth::accounts::Actor;
use crate::db::DbConnection;
use crate::domain::{CommentId, ConsultationId, GroupStatus};
use crate::models::{audit, duplicate_group};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProposeReport {
    pub groups: usize,
    pub comments: usize,
}

/// Replaces the open proposals with fresh ones over every comment not already settled in a
/// confirmed or rejected group.
pub fn propose(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
) -> anyhow::Result<ProposeReport> {
    crate::db::transaction(conn, |conn| {
        duplicate_group::clear_proposals(conn, consultation)?;
        let open = duplicate_group::open_comments(conn, consultation)?;
        let groups = duplicates::find_groups(&open, true);
        let mut report = ProposeReport::default();
        for g in &groups {
            let ids: Vec<CommentId> = g.iter().map(|i| CommentId(*i)).collect();
            duplicate_group::create(conn, consultation, &ids, GroupStatus::Proposed, "minhash")?;
            report.groups += 1;
            report.comments += g.len();
        }
        let mut e = actor.event("group_propose", "consultation", Some(consultation.0));
        e.consultation = Some(consultation);
        e.after = Some(serde_json::json!({"groups": report.groups, "comments": report.comments}));
        audit::record(conn, &e)?;
        Ok(report)
    })
}

/// Confirms or rejects a group, or removes one member from it.
pub fn decide(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
    group: i64,
    action: &str,
    member: Option<CommentId>,
) -> anyhow::Result<()> {
    crate::db::transaction(conn, |conn| {
        let g = duplicate_group::find(conn, group)?
            .filter(|g| g.consultation_id == consultation.0)
            .ok_or_else(|| anyhow::anyhow!("そのグループはありません"))?;
        match (action, member) {
            ("confirm", _) => duplicate_group::set_status(conn, g.id, GroupStatus::Confirmed)?,
            ("reject", _) => duplicate_group::set_status(conn, g.id, GroupStatus::Rejected)?,
            ("remove", Some(c)) => duplicate_group::remove_member(conn, c)?,
            _ => anyhow::bail!("操作「{action}」はありません"),
        };
        let name = format!("group_{action}");
        let mut e = actor.event(&name, "duplicate_group", Some(g.id));
        e.consultation = Some(consultation);
        e.before = Some(serde_json::json!({"status": g.status}));
        e.after = Some(serde_json::json!({"member": member.map(|c| c.0)}));
        audit::record(conn, &e)?;
        Ok(())
    })
}
