//! Consultation admin: what the office sets about a consultation as a whole.

use crate::auth::accounts::Actor;
use crate::db::DbConnection;
use crate::error::Refused;
use crate::models::{audit, consultation::Consultation};

/// Sets a consultation's title (1–300 characters), with its audit event, in one transaction.
pub fn set_title(
    conn: &mut DbConnection,
    actor: &Actor,
    c: &Consultation,
    title: &str,
) -> anyhow::Result<()> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 300 {
        return Err(Refused("題名は1〜300文字で入れてください".into()).into());
    }
    crate::db::transaction(conn, |conn| {
        crate::models::consultation::set_title(conn, c.id(), title)?;
        let mut e = actor.event(
            crate::domain::AuditAction::ConsultationTitle,
            "consultation",
            Some(c.id.0),
        );
        e.consultation = Some(c.id());
        e.before = Some(serde_json::json!({"title": c.title}));
        e.after = Some(serde_json::json!({"title": title}));
        audit::record(conn, &e)?;
        Ok(())
    })
}
