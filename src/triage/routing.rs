//! Routing: applying a consultation's rules to every unassigned comment.

use super::tagging;
use crate::auth::accounts::Actor;
use crate::db::schema::{assignments, comments};
use crate::db::DbConnection;
use crate::domain::{CategoryId, ClauseId, ConsultationId, UserId};
use crate::models::{clause, comment::Comment, routing_rule, routing_rule::RoutingRule};
use diesel::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Whether a clause label falls under a prefix: `3.2` covers `3.2`, `3.2.1` and `3.2(1)`,
/// but not `3.21`.
pub fn covers(prefix: &str, label: &str) -> bool {
    let prefix = prefix.trim();
    label == prefix
        || (label.starts_with(prefix)
            && !label[prefix.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

/// The first rule that matches a comment (its clause label and category).
pub fn first_match<'a>(
    rules: &'a [RoutingRule],
    label: Option<&str>,
    category: Option<CategoryId>,
) -> Option<&'a RoutingRule> {
    rules.iter().find(|r| {
        let clause_ok = match (&r.clause_prefix, label) {
            (None, _) => true,
            (Some(p), Some(l)) => covers(p, l),
            (Some(_), None) => false,
        };
        let category_ok = r.category_id.is_none() || r.category_id == category;
        clause_ok && category_ok && (r.clause_prefix.is_some() || r.category_id.is_some())
    })
}

/// Assigns every unassigned comment a rule matches; returns how many were assigned.
pub fn apply(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
    rules: &[RoutingRule],
    due_on: Option<chrono::NaiveDate>,
) -> anyhow::Result<usize> {
    let labels: HashMap<ClauseId, String> = clause::all(conn, consultation)?
        .into_iter()
        .map(|c| (c.id, c.label))
        .collect();
    let assigned: Vec<i64> = assignments::table
        .inner_join(comments::table)
        .filter(comments::consultation_id.eq(consultation.0))
        .select(assignments::comment_id)
        .load(conn)?;
    let unassigned: Vec<Comment> = comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .order((comments::number, comments::part))
        .select(Comment::as_select())
        .load::<Comment>(conn)?
        .into_iter()
        .filter(|c| !assigned.contains(&c.id.0))
        .collect();
    let mut by_drafter: BTreeMap<i64, Vec<Comment>> = BTreeMap::new();
    for c in unassigned {
        let label = c.clause_id.and_then(|i| labels.get(&i)).map(String::as_str);
        if let Some(rule) = first_match(rules, label, c.category_id) {
            by_drafter.entry(rule.drafter_id.0).or_default().push(c);
        }
    }
    let mut total = 0;
    for (drafter, list) in by_drafter {
        total += tagging::assign(conn, actor, consultation, &list, UserId(drafter), due_on)?;
    }
    Ok(total)
}

/// Adds a routing rule (a clause prefix and/or a category of this consultation → a drafter),
/// with its audit event, in one transaction.
pub fn add_rule(
    conn: &mut crate::db::DbConnection,
    actor: &crate::auth::accounts::Actor,
    consultation: ConsultationId,
    clause_prefix: Option<&str>,
    category: Option<crate::domain::CategoryId>,
    drafter: crate::domain::UserId,
) -> anyhow::Result<i64> {
    if clause_prefix.is_none() && category.is_none() {
        return Err(
            crate::error::Refused("項番か分類の少なくとも一方を指定してください".into()).into(),
        );
    }
    crate::db::transaction(conn, |conn| {
        if let Some(id) = category {
            super::tagging::ensure_in_consultation(
                crate::models::category::find(conn, id)?.map(|c| c.consultation_id),
                consultation,
                "分類",
            )?;
        }
        let rid = routing_rule::add(conn, consultation, clause_prefix, category, drafter)?;

        let mut e = actor.event(
            crate::domain::AuditAction::RoutingRuleAdd,
            "routing_rule",
            Some(rid),
        );
        e.consultation = Some(consultation);
        e.after = Some(
            serde_json::json!({"clause_prefix": clause_prefix, "category": category, "drafter": drafter.0}),
        );
        crate::models::audit::record(conn, &e)?;
        Ok(rid)
    })
}

/// Deletes a routing rule of this consultation, with its audit event; false when none.
pub fn delete_rule(
    conn: &mut crate::db::DbConnection,
    actor: &crate::auth::accounts::Actor,
    consultation: ConsultationId,
    rule: i64,
) -> anyhow::Result<bool> {
    crate::db::transaction(conn, |conn| {
        if routing_rule::delete(conn, consultation, rule)? == 0 {
            return Ok(false);
        }
        let mut e = actor.event(
            crate::domain::AuditAction::RoutingRuleDelete,
            "routing_rule",
            Some(rule),
        );
        e.consultation = Some(consultation);
        crate::models::audit::record(conn, &e)?;
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_covers_its_subtree_only() {
        assert!(covers("3.2", "3.2"));
        assert!(covers("3.2", "3.2.1"));
        assert!(covers("3.2", "3.2(1)(ア)"));
        assert!(!covers("3.2", "3.21"));
        assert!(!covers("3.2", "3.1"));
    }
}
