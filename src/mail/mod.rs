//! Mail: bodies from editable templates under `templates/mail/`, one digest per person,
//! queued in the outbox in the same transaction as the change they report, sent by SMTP
//! or written to files, retried with backoff.

pub mod compose;
pub mod digest;
pub mod sender;
pub mod transport;
pub mod worker;
