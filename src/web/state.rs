//! What every handler can reach: the pool, the cookie key, settings and caches.

use super::identity::Identity;
use crate::auth::Permission;
use crate::db::{Pool, PooledConnection};
use crate::error::AppError;
use crate::models::consultation::Consultation;
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
    /// Import profiles (the layouts a comment table may have), for uploads.
    pub profiles: std::sync::Arc<Vec<crate::intake::profile::Profile>>,
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
            profiles: std::sync::Arc::new(settings.profiles()?),
            list_cache: Default::default(),
        })
    }
}

impl AppState {
    /// The opening every handler shares, on a blocking thread: a connection from the pool,
    /// then `work` with it.
    pub async fn blocking<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(PooledConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || work(pool.get()?)).await?
    }

    /// The opening of a consultation's handlers: [`blocking`](Self::blocking), the
    /// consultation `slug` if `who` may do `p` in it (else not found or forbidden), then
    /// `work` with the connection, the identity and the consultation.
    pub async fn in_consultation<T, F>(
        &self,
        who: &Identity,
        slug: String,
        p: Permission,
        work: F,
    ) -> Result<T, AppError>
    where
        F: FnOnce(PooledConnection, Identity, Consultation) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let who = who.clone();
        self.blocking(move |mut conn| {
            let c = who.consultation(&mut conn, &slug, p)?;
            work(conn, who, c)
        })
        .await
    }
}
