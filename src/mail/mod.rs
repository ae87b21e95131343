//! Mail: bodies from editable templates under `templates/mail/`, queued in the outbox in the
//! same transaction as the change they report.

pub mod compose;
