//! Where mail goes: an SMTP server (STARTTLS, TLS or plain, with credentials) or a folder of
//! `.eml` files (the demo default). Settings come from the environment; the password is never
//! printed.

use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{FileTransport, Message, SmtpTransport, Transport};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or network segment.
    None,
}

#[derive(Clone, PartialEq, Eq)]
pub enum MailConfig {
    Smtp {
        host: String,
        port: u16,
        security: Security,
        user: Option<String>,
        password: Option<String>,
        from: String,
    },
    File {
        dir: PathBuf,
        from: String,
    },
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailConfig::Smtp {
                host,
                port,
                security,
                user,
                from,
                ..
            } => {
                write!(
                    f,
                    "smtp://{}@{host}:{port} ({security:?}, from {from})",
                    user.as_deref().unwrap_or("-")
                )
            }
            MailConfig::File { dir, from } => write!(f, "file://{} (from {from})", dir.display()),
        }
    }
}

impl MailConfig {
    /// From `PUBCOM_MAIL_TRANSPORT` (smtp | file), `PUBCOM_SMTP_HOST`, `PUBCOM_SMTP_PORT`,
    /// `PUBCOM_SMTP_SECURITY` (starttls | tls | none), `PUBCOM_SMTP_USER`,
    /// `PUBCOM_SMTP_PASSWORD`, `PUBCOM_MAIL_FROM`, `PUBCOM_MAIL_DIR`.
    pub fn from_env() -> anyhow::Result<MailConfig> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let from = var("PUBCOM_MAIL_FROM").unwrap_or_else(|| "pubcom@localhost".to_string());
        match var("PUBCOM_MAIL_TRANSPORT").as_deref().unwrap_or("file") {
            "file" => Ok(MailConfig::File {
                dir: PathBuf::from(var("PUBCOM_MAIL_DIR").unwrap_or_else(|| "mail-out".into())),
                from,
            }),
            "smtp" => {
                let host = var("PUBCOM_SMTP_HOST")
                    .ok_or_else(|| anyhow::anyhow!("PUBCOM_SMTP_HOST を設定してください"))?;
                let security = match var("PUBCOM_SMTP_SECURITY").as_deref().unwrap_or("starttls") {
                    "starttls" => Security::Starttls,
                    "tls" => Security::Tls,
                    "none" => Security::None,
                    other => anyhow::bail!(
                        "PUBCOM_SMTP_SECURITY「{other}」は starttls, tls, none のどれかです"
                    ),
                };
                let default_port = match security {
                    Security::Tls => 465,
                    Security::Starttls => 587,
                    Security::None => 25,
                };
                let port = match var("PUBCOM_SMTP_PORT") {
                    Some(p) => p.parse().map_err(|_| {
                        anyhow::anyhow!("PUBCOM_SMTP_PORT「{p}」は番号ではありません")
                    })?,
                    None => default_port,
                };
                Ok(MailConfig::Smtp {
                    host,
                    port,
                    security,
                    user: var("PUBCOM_SMTP_USER"),
                    password: var("PUBCOM_SMTP_PASSWORD"),
                    from,
                })
            }
            other => anyhow::bail!("PUBCOM_MAIL_TRANSPORT「{other}」は smtp か file です"),
        }
    }

    pub fn from_address(&self) -> &str {
        match self {
            MailConfig::Smtp { from, .. } | MailConfig::File { from, .. } => from,
        }
    }
}

/// A configured transport, ready to send.
pub enum Mailer {
    Smtp(SmtpTransport),
    File(FileTransport),
}

impl Mailer {
    pub fn new(config: &MailConfig) -> anyhow::Result<Mailer> {
        Ok(match config {
            MailConfig::File { dir, .. } => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    anyhow::anyhow!("メールの保存先 {} を作れません: {e}", dir.display())
                })?;
                Mailer::File(FileTransport::new(dir))
            }
            MailConfig::Smtp {
                host,
                port,
                security,
                user,
                password,
                ..
            } => {
                let tls = match security {
                    Security::None => Tls::None,
                    Security::Starttls => Tls::Required(TlsParameters::new(host.clone())?),
                    Security::Tls => Tls::Wrapper(TlsParameters::new(host.clone())?),
                };
                let mut builder = SmtpTransport::builder_dangerous(host.clone())
                    .port(*port)
                    .tls(tls)
                    .timeout(Some(std::time::Duration::from_secs(20)));
                if let (Some(u), Some(p)) = (user, password) {
                    builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
                }
                Mailer::Smtp(builder.build())
            }
        })
    }

    /// Sends one plain-text UTF-8 message.
    pub fn send(&self, from: &str, to: &str, subject: &str, body: &str) -> anyhow::Result<()> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("差出人「{from}」: {e}"))?;
        let to: Mailbox = to
            .parse()
            .map_err(|e| anyhow::anyhow!("宛先「{to}」: {e}"))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())?;
        match self {
            Mailer::Smtp(t) => t
                .send(&message)
                .map(|_| ())
                .map_err(|e| anyhow::anyhow!("SMTP: {e}")),
            Mailer::File(t) => t
                .send(&message)
                .map(|_| ())
                .map_err(|e| anyhow::anyhow!("file: {e}")),
        }
    }
}
