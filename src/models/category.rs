use super::{Conn, QueryResult};
use crate::db::schema::categories;
use crate::domain::{CategoryId, ConsultationId};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = categories)]
pub struct Category {
    pub id: crate::domain::CategoryId,
    pub consultation_id: crate::domain::ConsultationId,
    pub name: String,
    pub position: i32,
}

pub fn for_consultation(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<Vec<Category>> {
    categories::table
        .filter(categories::consultation_id.eq(consultation.0))
        .order(categories::position)
        .select(Category::as_select())
        .load(conn)
}

/// The category with this name in the consultation, appended to its list when new.
pub fn find_or_create(
    conn: &mut Conn,
    consultation: ConsultationId,
    name: &str,
) -> QueryResult<CategoryId> {
    let existing = categories::table
        .filter(categories::consultation_id.eq(consultation.0))
        .filter(categories::name.eq(name))
        .select(categories::id)
        .first::<i64>(conn)
        .optional()?;
    if let Some(id) = existing {
        return Ok(CategoryId(id));
    }
    let position = categories::table
        .filter(categories::consultation_id.eq(consultation.0))
        .count()
        .get_result::<i64>(conn)? as i32;
    diesel::insert_into(categories::table)
        .values((
            categories::consultation_id.eq(consultation.0),
            categories::name.eq(name),
            categories::position.eq(position),
        ))
        .returning(categories::id)
        .get_result::<i64>(conn)
        .map(CategoryId)
}

/// Comments per category id.
pub fn counts(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<std::collections::HashMap<i64, i64>> {
    use super::tally::{self, Dimension};
    Ok(tally::by_id(conn, consultation, Dimension::Category)?
        .into_iter()
        .filter_map(|(c, n)| c.map(|c| (c, n)))
        .collect())
}

pub fn find(conn: &mut Conn, id: CategoryId) -> QueryResult<Option<Category>> {
    categories::table
        .find(id.0)
        .select(Category::as_select())
        .first(conn)
        .optional()
}
