//! Publishing: the result table (意見募集の結果) in the mhlw and mic layouts, as CSV or XLSX,
//! with submitters anonymised.

pub mod anonymize;
pub mod check;
pub mod export;
pub mod pii;
pub mod print;
pub mod redactions;
pub mod results;
pub mod revised;
pub mod shinkyu;
pub mod writers;
