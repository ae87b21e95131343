//! Tagging comments with a clause and a category, and assigning them to drafters — one at a
//! time or many at once, each change audited, in one transaction.

use crate::auth::accounts::Actor;
use crate::db::{now, schema::comments, DbConnection};
use crate::domain::{CategoryId, ClauseId, ConsultationId, UserId};
use crate::error::Refused;
use crate::models::{assignment, audit, category, clause, comment::Comment, notification};
use diesel::prelude::*;

/// What to change: `None` leaves a tag as it is; `Some(None)` removes it.
#[derive(Debug, Clone, Copy, Default)]
pub struct TagChange {
    pub clause: Option<Option<ClauseId>>,
    pub category: Option<Option<CategoryId>>,
}

/// Applies the change to every comment; returns how many changed.
pub fn tag(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
    targets: &[Comment],
    change: TagChange,
) -> anyhow::Result<usize> {
    if change.clause.is_none() && change.category.is_none() {
        return Ok(0);
    }
    crate::db::transaction(conn, |conn| {
        if let Some(Some(id)) = change.clause {
            ensure_in_consultation(
                clause::find(conn, id)?.map(|c| c.consultation_id),
                consultation,
                "項番",
            )?;
        }
        if let Some(Some(id)) = change.category {
            ensure_in_consultation(
                category::find(conn, id)?.map(|c| c.consultation_id),
                consultation,
                "分類",
            )?;
        }
        let mut changed = 0;
        for c in targets {
            let new_clause = change.clause.unwrap_or(c.clause_id);
            let new_category = change.category.unwrap_or(c.category_id);
            if new_clause == c.clause_id && new_category == c.category_id {
                continue;
            }
            diesel::update(comments::table.find(c.id))
                .set((
                    comments::clause_id.eq(new_clause),
                    comments::category_id.eq(new_category),
                    comments::updated_at.eq(now()),
                ))
                .execute(conn)?;
            let mut e = actor.event(crate::domain::AuditAction::Tag, "comment", Some(c.id.0));
            e.consultation = Some(consultation);
            e.before = Some(serde_json::json!({"clause": c.clause_id, "category": c.category_id}));
            e.after = Some(serde_json::json!({"clause": new_clause, "category": new_category}));
            audit::record(conn, &e)?;
            changed += 1;
        }
        Ok(changed)
    })
}

/// Assigns every comment to `drafter`; a drafter new to a comment hears of it in their digest.
pub fn assign(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
    targets: &[Comment],
    drafter: UserId,
    due_on: Option<chrono::NaiveDate>,
) -> anyhow::Result<usize> {
    crate::db::transaction(conn, |conn| {
        for c in targets {
            let before = assignment::set(conn, c.id(), drafter, due_on, actor.user)?;
            if before.as_ref().map(|a| a.drafter_id) != Some(drafter) {
                notification::add(
                    conn,
                    drafter,
                    consultation,
                    c.id(),
                    crate::domain::NotificationKind::Assigned,
                    None,
                )?;
            }
            let mut e = actor.event(crate::domain::AuditAction::Assign, "comment", Some(c.id.0));
            e.consultation = Some(consultation);
            e.before =
                before.map(|a| serde_json::json!({"drafter": a.drafter_id, "due_on": a.due_on}));
            e.after = Some(serde_json::json!({"drafter": drafter.0, "due_on": due_on}));
            audit::record(conn, &e)?;
        }
        Ok(targets.len())
    })
}

/// Refuses an id taken from a request that names a row of another consultation (or none).
pub fn ensure_in_consultation(
    owner: Option<ConsultationId>,
    consultation: ConsultationId,
    what: &str,
) -> anyhow::Result<()> {
    if owner == Some(consultation) {
        Ok(())
    } else {
        Err(Refused(format!("指定された{what}はこの案件にありません")).into())
    }
}

/// Adds a category to the consultation (or finds the one of that name), with its audit
/// event when new, in one transaction.
pub fn add_category(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
    name: &str,
) -> anyhow::Result<CategoryId> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Refused("分類の名前を入れてください".into()).into());
    }
    crate::db::transaction(conn, |conn| {
        let existing = category::for_consultation(conn, consultation)?
            .into_iter()
            .find(|c| c.name == name);
        if let Some(c) = existing {
            return Ok(c.id);
        }
        let id = category::find_or_create(conn, consultation, name)?;
        let mut e = actor.event(
            crate::domain::AuditAction::CategoryAdd,
            "category",
            Some(id.0),
        );
        e.consultation = Some(consultation);
        e.after = Some(serde_json::json!({"name": name}));
        audit::record(conn, &e)?;
        Ok(id)
    })
}
