//! Scale work: a realistic synthetic corpus (`pubcom synth`) and the measurements of
//! `pubcom bench`, whose figures go into BENCHMARKS.md.

pub mod measure;
pub mod synth;
