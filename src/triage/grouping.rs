//! Proposing 同旨 groups for a consultation and acting on them (confirm, reject, remove).

use super::duplicates;
use crate::auth::accounts::Actor;
use crate::db::DbConnection;
use crate::domain::{AuditAction, CommentId, ConsultationId, GroupStatus};
use crate::models::{audit, duplicate_group, import_batch};
use std::collections::HashMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProposeReport {
    pub groups: usize,
    pub comments: usize,
}

/// After an import: the 同旨 proposals, if the consultation has comments imported since its
/// last proposal (also after a re-import: an earlier run may have stopped after its commit).
pub fn propose_if_awaiting(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
) -> anyhow::Result<Option<ProposeReport>> {
    let awaiting = crate::models::import_batch::awaiting_grouping(conn, crate::db::now())?;
    if !awaiting.contains(&consultation) {
        return Ok(None);
    }
    propose(conn, actor, consultation).map(Some)
}

/// Replaces the open proposals with fresh ones over every comment not already settled in a
/// confirmed or rejected group. The comparison runs outside the transaction (a million
/// comments take a while); the writes then keep only comments still open, and mark the
/// consultation's imports as grouped (see `awaiting_grouping`).
pub fn propose(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
) -> anyhow::Result<ProposeReport> {
    let groups = open_groups(conn, consultation)?;
    crate::db::transaction(conn, |conn| {
        let still_open = duplicate_group::open_comment_ids(conn, consultation)?;
        let fresh: Vec<Vec<CommentId>> = groups
            .iter()
            .map(|g| {
                g.iter()
                    .filter(|i| still_open.contains(i))
                    .map(|i| CommentId(*i))
                    .collect::<Vec<_>>()
            })
            .filter(|ids| ids.len() >= 2)
            .collect();
        // A proposal found again as it stands is left alone: proposing again after a small
        // import rewrites only the groups that changed.
        let mut standing: HashMap<(Vec<i64>, Option<i64>), i64> =
            duplicate_group::proposals(conn, consultation)?
                .into_iter()
                .map(|p| ((p.members, p.representative), p.id))
                .collect();
        let mut new_groups = Vec::new();
        for g in &fresh {
            let mut members: Vec<i64> = g.iter().map(|c| c.0).collect();
            members.sort_unstable();
            let representative = g.first().map(|c| c.0);
            if standing.remove(&(members, representative)).is_none() {
                new_groups.push(g.clone());
            }
        }
        let outdated: Vec<i64> = standing.into_values().collect();
        duplicate_group::drop_groups(conn, &outdated)?;
        duplicate_group::create_many(
            conn,
            consultation,
            &new_groups,
            GroupStatus::Proposed,
            "minhash",
        )?;
        let report = ProposeReport {
            groups: fresh.len(),
            comments: fresh.iter().map(Vec::len).sum(),
        };
        import_batch::mark_grouped(conn, consultation)?;
        let mut e = actor.event(
            crate::domain::AuditAction::GroupPropose,
            "consultation",
            Some(consultation.0),
        );
        e.consultation = Some(consultation);
        e.after = Some(serde_json::json!({
            "groups": report.groups, "comments": report.comments,
            "new_groups": new_groups.len(), "dropped_groups": outdated.len(),
        }));
        audit::record(conn, &e)?;
        Ok(report)
    })
}

/// The 同旨 groups among a consultation's open comments, read from the database a page at
/// a time (twice): no text is held longer than its page.
pub fn open_groups(
    conn: &mut DbConnection,
    consultation: ConsultationId,
) -> anyhow::Result<Vec<Vec<i64>>> {
    let count = duplicate_group::open_count(conn, consultation)? as usize;
    duplicates::find_groups_in(&mut OpenTexts { conn, consultation }, count, true)
}

/// A consultation's open comments as [`duplicates::Texts`].
struct OpenTexts<'a> {
    conn: &'a mut DbConnection,
    consultation: ConsultationId,
}

impl duplicates::Texts for OpenTexts<'_> {
    fn each_batch(&mut self, every: usize, f: duplicates::Batch<'_>) -> anyhow::Result<()> {
        let mut after = 0;
        loop {
            let page = duplicate_group::open_comments_page(
                self.conn,
                self.consultation,
                after,
                PAGE,
                every as i64,
            )?;
            let Some((last, _)) = page.last() else {
                return Ok(());
            };
            after = *last;
            f(&page);
        }
    }
}

/// Comments read at a time when looking for 同旨 groups.
const PAGE: i64 = 5_000;

/// Proposes 同旨 groups wherever an import was committed but stopped before its proposals
/// (killed, or its connection lost), imported before `before`. Returns the consultations
/// done.
pub fn catch_up(
    conn: &mut DbConnection,
    actor: &Actor,
    before: chrono::NaiveDateTime,
) -> anyhow::Result<Vec<(ConsultationId, ProposeReport)>> {
    let mut done = Vec::new();
    for c in import_batch::awaiting_grouping(conn, before)? {
        done.push((c, propose(conn, actor, c)?));
    }
    Ok(done)
}

/// The server's share of [`catch_up`]: every `every`, for imports older than two minutes
/// (an import running in another process proposes its own groups right after its commit).
pub fn spawn_catch_up(pool: crate::db::Pool, every: std::time::Duration) {
    let spawned = std::thread::Builder::new()
        .name("group-catch-up".into())
        .spawn(move || loop {
            std::thread::sleep(every);
            let result = pool
                .get()
                .map_err(anyhow::Error::from)
                .and_then(|mut conn| {
                    let before = crate::db::now() - chrono::Duration::minutes(2);
                    // One server at a time: a second finds the imports already proposed.
                    crate::db::alone::run_alone(
                        &mut conn,
                        crate::db::alone::Job::GroupCatchUp,
                        |conn| catch_up(conn, &Actor::system("server"), before),
                    )
                    .map(Option::unwrap_or_default)
                });
            match result {
                Ok(done) => {
                    for (c, r) in done {
                        tracing::info!(
                            consultation = c.0,
                            groups = r.groups,
                            "同旨 proposals caught up"
                        );
                    }
                }
                Err(e) => tracing::warn!(error = %e, "同旨 catch-up failed; tried again later"),
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "could not start the 同旨 catch-up thread");
    }
}

/// Confirms or rejects a group, or removes one member from it.
pub fn decide(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
    group: crate::domain::GroupId,
    action: &str,
    member: Option<CommentId>,
) -> anyhow::Result<()> {
    crate::db::transaction(conn, |conn| {
        let g = duplicate_group::find(conn, group)?
            .filter(|g| g.consultation_id == consultation)
            .ok_or_else(|| anyhow::anyhow!("そのグループはありません"))?;
        let done = match (action, member) {
            ("confirm", _) => {
                duplicate_group::set_status(conn, g.id, GroupStatus::Confirmed)?;
                AuditAction::GroupConfirm
            }
            ("reject", _) => {
                duplicate_group::set_status(conn, g.id, GroupStatus::Rejected)?;
                AuditAction::GroupReject
            }
            ("remove", Some(c)) => {
                duplicate_group::remove_member(conn, c)?;
                AuditAction::GroupRemove
            }
            _ => anyhow::bail!("操作「{action}」はありません"),
        };
        let mut e = actor.event(done, "duplicate_group", Some(g.id.0));
        e.consultation = Some(consultation);
        e.before = Some(serde_json::json!({"status": g.status}));
        e.after = Some(serde_json::json!({"member": member.map(|c| c.0)}));
        audit::record(conn, &e)?;
        Ok(())
    })
}
