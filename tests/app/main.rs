//! The one integration test binary: every test gets its own database (SQLite by default,
//! PostgreSQL when PUBCOM_TEST_DATABASE_URL is set) and, where needed, its own app.

mod helpers;

mod browser;
mod counts;
mod drafting;
mod export;
mod fuzz;
mod import;
mod mail;
mod publish;
mod reliability;
mod revisions;
mod security;
mod servers;
mod smtp_sink;
mod stages;
mod topics;
mod triage;
mod web;
