//! Secrets the app makes for itself on first use, such as the cookie signing key.

use super::{Conn, QueryResult};
use crate::db::{now, schema::app_secrets};
use diesel::prelude::*;

/// The named secret, created from `make` the first time it is asked for.
pub fn get_or_create(
    conn: &mut Conn,
    name: &str,
    make: impl FnOnce() -> String,
) -> QueryResult<String> {
    let existing = app_secrets::table
        .find(name)
        .select(app_secrets::value)
        .first::<String>(conn)
        .optional()?;
    if let Some(v) = existing {
        return Ok(v);
    }
    let value = make();
    // Two processes starting at once: the second insert fails, and we read the first one's.
    let _ = diesel::insert_into(app_secrets::table)
        .values((
            app_secrets::name.eq(name),
            app_secrets::value.eq(&value),
            app_secrets::created_at.eq(now()),
        ))
        .execute(conn);
    app_secrets::table
        .find(name)
        .select(app_secrets::value)
        .first(conn)
}
