//! Typed settings from the command line and environment. Secrets (database passwords) are
//! never printed: use `DatabaseUrl::redacted`.

use crate::db::DatabaseUrl;
use crate::drafting::stock_phrases::StockPhrases;
use crate::intake::profile::{self, Profile};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseUrl,
    /// Editable text: `stock_phrases.toml`, mail bodies.
    pub templates_dir: PathBuf,
    /// Import profiles, one `*.toml` per layout.
    pub profiles_dir: PathBuf,
    /// Always mark cookies Secure (behind an HTTPS proxy that does not say so).
    pub secure_cookies: bool,
    /// The address users reach the app at, for links in mail.
    pub public_url: String,
    /// Whether `public_url` was given; if not, `pubcom serve` uses the address it listens on.
    pub public_url_given: bool,
}

/// Where links point when no public URL is given and nothing listens yet.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

impl Settings {
    /// Settings for a database with everything else at its default (tests, tools).
    pub fn for_database(database: DatabaseUrl) -> Settings {
        Settings {
            database,
            templates_dir: PathBuf::from("templates"),
            profiles_dir: PathBuf::from("import/profiles"),
            secure_cookies: false,
            public_url: DEFAULT_PUBLIC_URL.to_string(),
            public_url_given: false,
        }
    }
}

impl Settings {
    /// The import profiles from `profiles_dir`, or the built-in ones when the folder is absent.
    pub fn profiles(&self) -> anyhow::Result<Vec<Profile>> {
        if self.profiles_dir.is_dir() {
            profile::load_dir(&self.profiles_dir)
        } else {
            Ok(profile::builtin())
        }
    }

    pub fn stock_phrases(&self) -> anyhow::Result<StockPhrases> {
        StockPhrases::load(&self.templates_dir)
    }
}
