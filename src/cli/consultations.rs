//! `pubcom consultations`: list them, or change a title.

use super::*;

pub fn run(settings: &Settings, cmd: ConsultationCommand) -> anyhow::Result<()> {
    let pool = db::connect(&settings.database, 2)?;
    let mut conn = pool.get()?;
    match cmd {
        ConsultationCommand::List => {
            for c in consultation::all(&mut conn)? {
                let n = crate::models::comment::count(&mut conn, c.id())?;
                println!("{}\t{}\t{} 件", c.slug, c.title, n);
            }
        }
        ConsultationCommand::SetTitle { slug, title } => {
            let c = consultation::find_by_slug(&mut conn, &slug)?
                .with_context(|| format!("案件「{slug}」はありません"))?;
            let actor = accounts::Actor::system(&cli_actor());
            crate::consultations::set_title(&mut conn, &actor, &c, &title)?;
            println!("{slug} の題名を「{title}」にしました");
        }
    }
    Ok(())
}
