//! `pubcom serve`: the web server.

use super::*;

pub fn serve(settings: &Settings, bind: &str) -> anyhow::Result<()> {
    let listener = std::net::TcpListener::bind(bind)
        .with_context(|| format!("{bind} で待ち受けできません"))?;
    // Links in mail point where the server listens unless a public URL is given.
    let mut settings = settings.clone();
    if !settings.public_url_given {
        settings.public_url = format!("http://{}", listener.local_addr()?);
    }
    let settings = &settings;
    let pool = db::connect_server(&settings.database, 8)?;
    let state = crate::startup::AppState::new(pool.clone(), settings)?;
    let job = crate::mail::worker::MailJob {
        pool: pool.clone(),
        config: crate::mail::transport::MailConfig::from_env()?,
        templates_dir: settings.templates_dir.clone(),
        public_url: settings.public_url.clone(),
    };
    job.spawn(std::time::Duration::from_secs(60))?;
    crate::triage::grouping::spawn_catch_up(pool.clone(), std::time::Duration::from_secs(60));
    if !settings.database.is_postgres() {
        db::search_index::spawn_indexer(pool, std::time::Duration::from_secs(5));
    }
    println!(
        "pubcom: http://{} で待ち受けています（{}）",
        listener.local_addr()?,
        settings.database.redacted()
    );
    actix_web::rt::System::new()
        .block_on(async move { crate::startup::run(listener, state)?.await })?;
    Ok(())
}

pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,actix_web=info".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// `pubcom demo`: the sample consultations imported into the database, then served.
pub fn demo(settings: &Settings, bind: &str, no_serve: bool) -> anyhow::Result<()> {
    let pool = db::connect(&settings.database, 4)?;
    let mut conn = pool.get()?;
    for line in crate::demo::load(&mut conn, settings)? {
        println!("{line}");
    }
    drop(conn);
    if no_serve {
        Ok(())
    } else {
        serve(settings, bind)
    }
}
