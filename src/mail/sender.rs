//! Sending the outbox: each due mail is tried; a failure is recorded and retried later with
//! growing waits (1, 2, 4 … minutes, at most an hour). Nothing is dropped.

use super::transport::Mailer;
use crate::models::{outbox, Conn};
use chrono::{Duration, NaiveDateTime};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub failed: usize,
}

/// The wait before attempt `attempts + 1`.
pub fn backoff(attempts: i32) -> Duration {
    Duration::minutes(1i64 << attempts.clamp(0, 6)).min(Duration::hours(1))
}

pub fn send_due(
    conn: &mut Conn,
    mailer: &Mailer,
    from: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<SendReport> {
    let mut report = SendReport::default();
    for mail in outbox::due(conn, now, 200)? {
        match mailer.send(from, &mail.recipient, &mail.subject, &mail.body) {
            Ok(()) => {
                outbox::mark_sent(conn, mail.id)?;
                report.sent += 1;
            }
            Err(e) => {
                tracing::warn!(mail = mail.id, error = %e, "mail not sent; will retry");
                let attempts = mail.attempts + 1;
                outbox::mark_failed(
                    conn,
                    mail.id,
                    attempts,
                    now + backoff(mail.attempts),
                    &e.to_string(),
                )?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_an_hour() {
        assert_eq!(backoff(0), Duration::minutes(1));
        assert_eq!(backoff(3), Duration::minutes(8));
        assert_eq!(backoff(10), Duration::hours(1));
    }
}
