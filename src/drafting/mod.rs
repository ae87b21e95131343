//! Drafting: answers (方針・コメント), their dispositions and stock phrases.

pub mod stock_phrases;
