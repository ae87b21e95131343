//! Drafting: answers (方針・コメント), their dispositions and stock phrases.

pub mod answers;
pub mod diff;
pub mod review;
pub mod revisions;
pub mod stock_phrases;
pub mod topic_answers;
