//! Triage: linking comments to the draft's clauses (and, later, tagging, splitting, 同旨
//! grouping and routing).

pub mod clause_links;
pub mod duplicates;
pub mod grouping;
pub mod routing;
pub mod split;
pub mod submitters;
pub mod suggest;
pub mod tagging;
pub mod topic_suggestions;
pub mod topics;
