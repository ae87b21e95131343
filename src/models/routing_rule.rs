//! Routing rules: a clause prefix and/or a category → the drafter who answers such comments.

use super::{Conn, QueryResult};
use crate::db::schema::routing_rules;
use crate::domain::ConsultationId;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = routing_rules)]
pub struct RoutingRule {
    pub id: i64,
    pub consultation_id: crate::domain::ConsultationId,
    pub clause_prefix: Option<String>,
    pub category_id: Option<crate::domain::CategoryId>,
    pub drafter_id: crate::domain::UserId,
    pub position: i32,
}

pub fn for_consultation(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<Vec<RoutingRule>> {
    routing_rules::table
        .filter(routing_rules::consultation_id.eq(consultation.0))
        .order((routing_rules::position, routing_rules::id))
        .select(RoutingRule::as_select())
        .load(conn)
}

pub fn add(
    conn: &mut Conn,
    consultation: ConsultationId,
    clause_prefix: Option<&str>,
    category: Option<crate::domain::CategoryId>,
    drafter: crate::domain::UserId,
) -> QueryResult<i64> {
    let position = routing_rules::table
        .filter(routing_rules::consultation_id.eq(consultation.0))
        .count()
        .get_result::<i64>(conn)? as i32;
    diesel::insert_into(routing_rules::table)
        .values((
            routing_rules::consultation_id.eq(consultation.0),
            routing_rules::clause_prefix.eq(clause_prefix),
            routing_rules::category_id.eq(category),
            routing_rules::drafter_id.eq(drafter),
            routing_rules::position.eq(position),
        ))
        .returning(routing_rules::id)
        .get_result(conn)
}

pub fn delete(conn: &mut Conn, consultation: ConsultationId, id: i64) -> QueryResult<usize> {
    diesel::delete(
        routing_rules::table
            .find(id)
            .filter(routing_rules::consultation_id.eq(consultation.0)),
    )
    .execute(conn)
}
