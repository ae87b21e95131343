//! Which consultations a user works on, and in what role there.

use super::{Conn, QueryResult};
use crate::auth::roles::Role;
use crate::db::schema::{consultation_members, users};
use crate::domain::{ConsultationId, UserId};
use diesel::prelude::*;

/// The user's role in a consultation, if a member.
pub fn role_in(
    conn: &mut Conn,
    user: UserId,
    consultation: ConsultationId,
) -> QueryResult<Option<Role>> {
    consultation_members::table
        .filter(consultation_members::user_id.eq(user.0))
        .filter(consultation_members::consultation_id.eq(consultation.0))
        .select(consultation_members::role)
        .first::<String>(conn)
        .optional()
        .map(|r| r.map(|r| r.parse().unwrap_or(Role::Viewer)))
}

/// Consultation ids the user is a member of.
pub fn consultations_of(conn: &mut Conn, user: UserId) -> QueryResult<Vec<i64>> {
    consultation_members::table
        .filter(consultation_members::user_id.eq(user.0))
        .select(consultation_members::consultation_id)
        .load(conn)
}

/// Adds or changes a membership (delete + insert: portable, and inside the caller's transaction).
pub fn set(
    conn: &mut Conn,
    user: UserId,
    consultation: ConsultationId,
    role: Role,
) -> QueryResult<()> {
    remove(conn, user, consultation)?;
    diesel::insert_into(consultation_members::table)
        .values((
            consultation_members::user_id.eq(user.0),
            consultation_members::consultation_id.eq(consultation.0),
            consultation_members::role.eq(role.code()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn remove(conn: &mut Conn, user: UserId, consultation: ConsultationId) -> QueryResult<usize> {
    diesel::delete(
        consultation_members::table
            .filter(consultation_members::user_id.eq(user.0))
            .filter(consultation_members::consultation_id.eq(consultation.0)),
    )
    .execute(conn)
}

/// (login, display name, role) of a consultation's members.
pub fn members(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<Vec<(String, String, String)>> {
    consultation_members::table
        .inner_join(users::table)
        .filter(consultation_members::consultation_id.eq(consultation.0))
        .order(users::login)
        .select((
            users::login,
            users::display_name,
            consultation_members::role,
        ))
        .load(conn)
}

/// Members who may write answers in a consultation, as (user id, display name).
pub fn drafters(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<Vec<(i64, String)>> {
    let rows: Vec<(i64, String, String)> = consultation_members::table
        .inner_join(users::table)
        .filter(consultation_members::consultation_id.eq(consultation.0))
        .filter(users::disabled.eq(false))
        .order(users::display_name)
        .select((users::id, users::display_name, consultation_members::role))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, r)| {
            r.parse::<Role>()
                .is_ok_and(|r| r.allows(crate::auth::roles::Permission::Draft))
        })
        .map(|(id, name, _)| (id, name))
        .collect())
}
