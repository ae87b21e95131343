//! Accounts: roles and what they allow, password hashing, random tokens, and the login rules
//! (slow-down and lock-out). Plain functions; the web layer only calls them.

pub mod accounts;
pub mod login;
pub mod password;
pub mod roles;
pub mod token;

pub use roles::{Permission, Role};
