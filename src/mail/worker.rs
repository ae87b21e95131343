//! The background loop of `pubcom serve`: queue digests and send the outbox every minute.

use super::{digest, sender, transport};
use crate::db::Pool;
use std::path::PathBuf;

pub struct MailJob {
    pub pool: Pool,
    pub config: transport::MailConfig,
    pub templates_dir: PathBuf,
    pub public_url: String,
}

impl MailJob {
    /// One round: digests, then every due mail. Errors are logged; the next round retries.
    /// Servers sharing a PostgreSQL database take turns: a round another server is running
    /// is skipped here (nothing queued, nothing sent), so each mail goes out once.
    pub fn run_once(
        &self,
        mailer: &transport::Mailer,
    ) -> anyhow::Result<(usize, sender::SendReport)> {
        let mut conn = self.pool.get()?;
        let today = chrono::Utc::now().date_naive();
        let round =
            crate::db::alone::run_alone(&mut conn, crate::db::alone::Job::MailRound, |conn| {
                let queued = digest::queue(conn, &self.templates_dir, &self.public_url, today)?;
                let report =
                    sender::send_due(conn, mailer, self.config.from_address(), crate::db::now())?;
                Ok((queued, report))
            })?;
        Ok(round.unwrap_or_default())
    }

    /// Runs forever on its own thread.
    pub fn spawn(self, every: std::time::Duration) -> anyhow::Result<std::thread::JoinHandle<()>> {
        let mailer = transport::Mailer::new(&self.config)?;
        tracing::info!(transport = ?self.config, "mail worker started");
        Ok(std::thread::spawn(move || loop {
            match self.run_once(&mailer) {
                Ok((q, r)) if q + r.sent + r.failed > 0 => {
                    tracing::info!(digests = q, sent = r.sent, failed = r.failed, "mail round")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "mail round failed"),
            }
            std::thread::sleep(every);
        }))
    }
}
