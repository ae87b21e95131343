//! `pubcom mail`: the outbox and the digests.

use super::*;

pub fn run_mail(settings: &Settings, cmd: MailCommand) -> anyhow::Result<()> {
    let pool = db::connect(&settings.database, 2)?;
    match cmd {
        MailCommand::Send => {
            let config = crate::mail::transport::MailConfig::from_env()?;
            let mailer = crate::mail::transport::Mailer::new(&config)?;
            let job = crate::mail::worker::MailJob {
                pool,
                config: config.clone(),
                templates_dir: settings.templates_dir.clone(),
                public_url: settings.public_url.clone(),
            };
            let (queued, report) = job.run_once(&mailer)?;
            println!(
                "まとめ通知 {queued} 通を作成、送信 {} 通、失敗 {} 通（{config:?}）",
                report.sent, report.failed
            );
        }
        MailCommand::Status => {
            let mut conn = pool.get()?;
            for m in crate::models::outbox::all(&mut conn)? {
                let state = match (&m.sent_at, &m.last_error) {
                    (Some(t), _) => format!("送信済み {}", t.format("%Y-%m-%d %H:%M")),
                    (None, Some(e)) => format!(
                        "再送待ち（{} 回失敗, 次 {}）: {e}",
                        m.attempts,
                        m.next_attempt_at.format("%H:%M")
                    ),
                    (None, None) => "送信待ち".to_string(),
                };
                println!("{}\t{}\t{}\t{}", m.id, m.recipient, m.subject, state);
            }
        }
    }
    Ok(())
}
