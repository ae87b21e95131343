//! What every handler can reach: the pool, the cookie key, settings and caches.

use crate::db::Pool;
use actix_web::cookie::Key;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    /// Signs session cookies; made once and kept in the database.
    pub cookie_key: Key,
    /// Mark cookies Secure even when the request does not look like HTTPS (behind a proxy).
    pub secure_cookies: bool,
    pub templates_dir: std::path::PathBuf,
    pub public_url: String,
    pub phrases: crate::drafting::stock_phrases::StockPhrases,
    /// List-page counts and pages by consultation, filter and data version.
    pub list_cache: std::sync::Arc<crate::models::list_cache::ListCache>,
}

impl AppState {
    pub fn new(pool: Pool, settings: &crate::config::Settings) -> anyhow::Result<Self> {
        let mut conn = pool.get()?;
        let hex_key = crate::models::secret::get_or_create(&mut conn, "cookie_key", || {
            hex::encode(crate::auth::token::random_bytes::<64>())
        })?;
        let bytes = hex::decode(hex_key)?;
        Ok(AppState {
            pool: pool.clone(),
            cookie_key: Key::from(&bytes),
            secure_cookies: settings.secure_cookies,
            templates_dir: settings.templates_dir.clone(),
            public_url: settings.public_url.clone(),
            phrases: settings.stock_phrases()?,
            list_cache: Default::default(),
        })
    }
}
