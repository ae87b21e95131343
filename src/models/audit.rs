//! The audit log: append-only. There is deliberately no update or delete here.

use super::{Conn, QueryResult};
use crate::db::{now, schema::audit_events};
use crate::domain::{ConsultationId, UserId};
use diesel::prelude::*;

pub struct Event<'a> {
    /// `cli:<os user>` or `user:<login>`.
    pub actor: &'a str,
    pub user: Option<UserId>,
    pub consultation: Option<ConsultationId>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub fn record(conn: &mut Conn, e: &Event) -> QueryResult<usize> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::occurred_at.eq(now()),
            audit_events::actor.eq(e.actor),
            audit_events::user_id.eq(e.user.map(|u| u.0)),
            audit_events::consultation_id.eq(e.consultation.map(|c| c.0)),
            audit_events::action.eq(e.action),
            audit_events::entity.eq(e.entity),
            audit_events::entity_id.eq(e.entity_id),
            audit_events::before_json.eq(e.before.as_ref().map(|v| v.to_string())),
            audit_events::after_json.eq(e.after.as_ref().map(|v| v.to_string())),
        ))
        .execute(conn)
}

pub fn count_for(conn: &mut Conn, consultation: ConsultationId, action: &str) -> QueryResult<i64> {
    audit_events::table
        .filter(audit_events::consultation_id.eq(consultation.0))
        .filter(audit_events::action.eq(action))
        .count()
        .get_result(conn)
}
