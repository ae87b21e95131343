//! pubcom: public-comment (パブリックコメント) triage and response.
//! The modules follow the flow: intake → triage → drafting → review → publish.

pub mod auth;
pub mod bench;
pub mod cli;
pub mod config;
pub mod consultations;
pub mod db;
pub mod demo;
pub mod domain;
pub mod drafting;
pub mod error;
pub mod intake;
pub mod mail;
pub mod models;
pub mod publish;
pub mod startup;
pub mod text;
pub mod triage;
pub mod web;
