//! Mail waiting to be sent. Writing here is part of the change that causes the mail, so a
//! failing SMTP server can delay a message but never lose it or the change.

use super::{Conn, QueryResult};
use crate::db::{now, schema::mail_outbox};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_outbox)]
pub struct OutboxMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
    pub next_attempt_at: chrono::NaiveDateTime,
    pub sent_at: Option<chrono::NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

pub fn enqueue(conn: &mut Conn, recipient: &str, subject: &str, body: &str) -> QueryResult<i64> {
    let t = now();
    diesel::insert_into(mail_outbox::table)
        .values((
            mail_outbox::recipient.eq(recipient),
            mail_outbox::subject.eq(subject),
            mail_outbox::body.eq(body),
            mail_outbox::attempts.eq(0),
            mail_outbox::next_attempt_at.eq(t),
            mail_outbox::created_at.eq(t),
        ))
        .returning(mail_outbox::id)
        .get_result(conn)
}

/// Unsent mail whose next attempt is due, oldest first.
pub fn due(conn: &mut Conn, at: chrono::NaiveDateTime, limit: i64) -> QueryResult<Vec<OutboxMail>> {
    mail_outbox::table
        .filter(mail_outbox::sent_at.is_null())
        .filter(mail_outbox::next_attempt_at.le(at))
        .order(mail_outbox::id)
        .limit(limit)
        .select(OutboxMail::as_select())
        .load(conn)
}

pub fn all(conn: &mut Conn) -> QueryResult<Vec<OutboxMail>> {
    mail_outbox::table
        .order(mail_outbox::id)
        .select(OutboxMail::as_select())
        .load(conn)
}

pub fn mark_sent(conn: &mut Conn, id: i64) -> QueryResult<usize> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::sent_at.eq(now()),
            mail_outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
}

pub fn mark_failed(
    conn: &mut Conn,
    id: i64,
    attempts: i32,
    next: chrono::NaiveDateTime,
    error: &str,
) -> QueryResult<usize> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::attempts.eq(attempts),
            mail_outbox::next_attempt_at.eq(next),
            mail_outbox::last_error.eq(error),
        ))
        .execute(conn)
}
