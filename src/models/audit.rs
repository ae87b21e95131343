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
    pub action: crate::domain::AuditAction,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub fn record(conn: &mut Conn, e: &Event) -> QueryResult<usize> {
    record_id(conn, e).map(|_| 1)
}

/// [`record`], returning the event's id (for a later undo that reads it back).
pub fn record_id(conn: &mut Conn, e: &Event) -> QueryResult<i64> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::occurred_at.eq(now()),
            audit_events::actor.eq(e.actor),
            audit_events::user_id.eq(e.user.map(|u| u.0)),
            audit_events::consultation_id.eq(e.consultation.map(|c| c.0)),
            audit_events::action.eq(e.action.code()),
            audit_events::entity.eq(e.entity),
            audit_events::entity_id.eq(e.entity_id),
            audit_events::before_json.eq(e.before.as_ref().map(|v| v.to_string())),
            audit_events::after_json.eq(e.after.as_ref().map(|v| v.to_string())),
        ))
        .returning(audit_events::id)
        .get_result(conn)
}

pub fn find(conn: &mut Conn, id: i64) -> QueryResult<Option<AuditEvent>> {
    audit_events::table
        .find(id)
        .select(AuditEvent::as_select())
        .first(conn)
        .optional()
}

pub fn count_for(conn: &mut Conn, consultation: ConsultationId, action: &str) -> QueryResult<i64> {
    audit_events::table
        .filter(audit_events::consultation_id.eq(consultation.0))
        .filter(audit_events::action.eq(action))
        .count()
        .get_result(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: chrono::NaiveDateTime,
    pub actor: String,
    pub user_id: Option<crate::domain::UserId>,
    pub consultation_id: Option<crate::domain::ConsultationId>,
    pub action: crate::domain::AuditAction,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

impl AuditEvent {
    /// The action in Japanese.
    pub fn action_label(&self) -> &'static str {
        self.action.label()
    }

    /// Who acted, as people know them: a user by name, the command line and the system in
    /// words (`cli:tanaka` → コマンド（tanaka）).
    pub fn actor_name(
        &self,
        names: &std::collections::HashMap<crate::domain::UserId, String>,
    ) -> String {
        if let Some(name) = self.user_id.and_then(|u| names.get(&u)) {
            return name.clone();
        }
        match self.actor.split_once(':') {
            Some(("cli", who)) => format!("コマンド（{who}）"),
            Some(("user", login)) => login.to_string(),
            Some(("api", who)) => format!("API（{who}）"),
            _ => format!("システム（{}）", self.actor),
        }
    }

    /// What was changed, in Japanese.
    pub fn entity_label(&self) -> &str {
        match self.entity.as_str() {
            "comment" => "意見",
            "response" => "回答",
            "revision" => "修正内容",
            "duplicate_group" => "同旨",
            "user" => "利用者",
            "import_batch" => "取込",
            "result_table" => "意見募集の結果",
            "shinkyu" => "新旧対照表",
            "revised" => "修正後の本文",
            "routing_rule" => "振り分け規則",
            "category" => "分類",
            "stock_phrase" => "定型文",
            "submitter" => "提出者",
            "consultation" => "案件",
            "api_token" => "API トークン",
            "redaction" => "黒塗り",
            "clause" => "項番",
            other => other,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub consultation: Option<ConsultationId>,
    pub action: Option<String>,
}

/// Newest first.
pub fn list(
    conn: &mut Conn,
    f: &AuditFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<AuditEvent>> {
    let mut q = audit_events::table
        .select(AuditEvent::as_select())
        .order(audit_events::id.desc())
        .into_boxed();
    if let Some(c) = f.consultation {
        q = q.filter(audit_events::consultation_id.eq(c.0));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_events::action.eq(a.clone()));
    }
    q.limit(limit).offset(offset).load(conn)
}

pub fn count(conn: &mut Conn, f: &AuditFilter) -> QueryResult<i64> {
    let mut q = audit_events::table.count().into_boxed();
    if let Some(c) = f.consultation {
        q = q.filter(audit_events::consultation_id.eq(c.0));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_events::action.eq(a.clone()));
    }
    q.get_result(conn)
}

/// The log as CSV (UTF-8 with BOM), oldest first, for `pubcom audit` and the admin page.
pub fn to_csv(events: &[AuditEvent]) -> anyhow::Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record([
            "id",
            "occurred_at_utc",
            "actor",
            "consultation_id",
            "action",
            "entity",
            "entity_id",
            "before",
            "after",
        ])?;
        for e in events.iter().rev() {
            let cells = [
                e.id.to_string(),
                e.occurred_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                e.actor.clone(),
                e.consultation_id.map(|c| c.to_string()).unwrap_or_default(),
                e.action.code().to_string(),
                e.entity.clone(),
                e.entity_id.map(|c| c.to_string()).unwrap_or_default(),
                e.before_json.clone().unwrap_or_default(),
                e.after_json.clone().unwrap_or_default(),
            ];
            w.write_record(
                cells
                    .iter()
                    .map(|c| crate::text::neutralize_formula(c).into_owned()),
            )?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// The history of some records: events on `entity` with one of `ids`, oldest first.
pub fn for_entities(conn: &mut Conn, entity: &str, ids: &[i64]) -> QueryResult<Vec<AuditEvent>> {
    let mut events: Vec<AuditEvent> = crate::db::in_chunks(ids, |chunk| {
        audit_events::table
            .filter(audit_events::entity.eq(entity))
            .filter(audit_events::entity_id.eq_any(chunk))
            .select(AuditEvent::as_select())
            .load(conn)
    })?
    .into_iter()
    .flatten()
    .collect();
    events.sort_by_key(|e| e.id);
    Ok(events)
}
