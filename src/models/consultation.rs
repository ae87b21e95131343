use super::{Conn, QueryResult};
use crate::db::{now, schema::consultations};
use crate::domain::ConsultationId;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = consultations)]
pub struct Consultation {
    pub id: crate::domain::ConsultationId,
    pub slug: String,
    pub title: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Consultation {
    pub fn id(&self) -> ConsultationId {
        self.id
    }
}

/// A slug is the consultation's short name in URLs and commands: letters, digits, `-`, `_`, `.`.
pub fn validate_slug(slug: &str) -> Result<(), String> {
    let ok = !slug.is_empty()
        && slug.len() <= 64
        && slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "案件の略称「{slug}」には英数字と - _ . だけを使ってください（64文字まで）"
        ))
    }
}

pub fn all(conn: &mut Conn) -> QueryResult<Vec<Consultation>> {
    consultations::table
        .order(consultations::created_at.desc())
        .select(Consultation::as_select())
        .load(conn)
}

pub fn find(conn: &mut Conn, id: ConsultationId) -> QueryResult<Option<Consultation>> {
    consultations::table
        .find(id)
        .select(Consultation::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_slug(conn: &mut Conn, slug: &str) -> QueryResult<Option<Consultation>> {
    consultations::table
        .filter(consultations::slug.eq(slug))
        .select(Consultation::as_select())
        .first(conn)
        .optional()
}

/// The consultation with this slug, created (titled with its slug) when it does not exist.
/// Returns whether it was created.
pub fn find_or_create(conn: &mut Conn, slug: &str) -> QueryResult<(Consultation, bool)> {
    if let Some(c) = find_by_slug(conn, slug)? {
        return Ok((c, false));
    }
    let t = now();
    diesel::insert_into(consultations::table)
        .values((
            consultations::slug.eq(slug),
            consultations::title.eq(slug),
            consultations::created_at.eq(t),
            consultations::updated_at.eq(t),
        ))
        .execute(conn)?;
    let c = find_by_slug(conn, slug)?.ok_or(diesel::result::Error::NotFound)?;
    Ok((c, true))
}

pub fn set_title(conn: &mut Conn, id: ConsultationId, title: &str) -> QueryResult<usize> {
    diesel::update(consultations::table.find(id.0))
        .set((
            consultations::title.eq(title),
            consultations::updated_at.eq(now()),
        ))
        .execute(conn)
}
