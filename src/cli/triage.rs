//! `pubcom triage`: 同旨 proposals and routing from a shell.

use super::*;

pub fn run_triage(settings: &Settings, cmd: TriageCommand) -> anyhow::Result<()> {
    let mut conn = connect(settings)?;
    let actor = accounts::Actor::system(&cli_actor());
    let find = |conn: &mut db::PooledConnection,
                slug: &str|
     -> anyhow::Result<crate::models::consultation::Consultation> {
        consultation::find_by_slug(conn, slug)?
            .with_context(|| format!("案件「{slug}」はありません"))
    };
    match cmd {
        TriageCommand::Group { consultation } => {
            let c = find(&mut conn, &consultation)?;
            let started = std::time::Instant::now();
            let r = crate::triage::grouping::propose(&mut conn, &actor, c.id())?;
            println!(
                "同旨の候補: {} グループ（{} 件）を提案しました（{:.1} 秒）",
                r.groups,
                r.comments,
                started.elapsed().as_secs_f64()
            );
        }
        TriageCommand::Route { consultation, due } => {
            let c = find(&mut conn, &consultation)?;
            let rules = crate::models::routing_rule::for_consultation(&mut conn, c.id())?;
            let n = crate::triage::routing::apply(&mut conn, &actor, c.id(), &rules, due)?;
            println!("規則に従って {n} 件を割り当てました");
        }
    }
    Ok(())
}
