//! One file per entity: its row struct, insert/update forms, and its queries.
//! All SQL for a concept lives in its file.

pub mod api_token;
pub mod assignment;
pub mod audit;
pub mod category;
pub mod clause;
pub mod clause_ref;
pub mod comment;
pub mod comment_list;
pub mod consultation;
pub mod duplicate_group;
pub mod import_batch;
pub mod list_cache;
pub mod membership;
pub mod notification;
pub mod outbox;
pub mod redaction;
pub mod response;
pub mod revision;
pub mod routing_rule;
pub mod secret;
pub mod session;
pub mod stats;
pub mod stock_phrase;
pub mod submission;
pub mod submitter;
pub mod tally;
pub mod topic;
pub mod user;

pub use crate::db::DbConnection as Conn;
pub type QueryResult<T> = diesel::QueryResult<T>;
