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
        TriageCommand::Topics {
            consultation,
            clause,
            json,
        } => {
            let c = find(&mut conn, &consultation)?;
            let scope = match clause.as_deref() {
                Some(label) => Some(
                    crate::models::clause::find_by_label(&mut conn, c.id(), label)?
                        .with_context(|| format!("項番「{label}」はありません"))?
                        .id(),
                ),
                None => None,
            };
            let started = std::time::Instant::now();
            let found = crate::triage::topic_suggestions::suggest(&mut conn, c.id(), scope)?;
            let took = started.elapsed().as_secs_f64();
            if json {
                let out: Vec<_> = found
                    .iter()
                    .map(|s| {
                        serde_json::json!({
                            "key_phrases": s.key_phrases,
                            "comments": s.members.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
                            "cohesion": s.cohesion,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&out)?);
                return Ok(());
            }
            let covered: usize = found.iter().map(|s| s.members.len()).sum();
            println!(
                "論点の候補: {} 件（{} 件の意見を含む）、{took:.2} 秒",
                found.len(),
                covered
            );
            for (i, s) in found.iter().enumerate().take(20) {
                println!(
                    "{:>3}. {:>4} 件 まとまり {:.2}  {}  （代表 No. {}）",
                    i + 1,
                    s.members.len(),
                    s.cohesion,
                    s.key_phrases.join("・"),
                    s.members.first().map(|m| m.to_string()).unwrap_or_default()
                );
            }
            let truth = crate::bench::measure::categories_of(&mut conn, c.id())?;
            if !truth.is_empty() {
                let clusters: Vec<Vec<i64>> = found
                    .iter()
                    .map(|s| s.ids.iter().map(|i| i.0).collect())
                    .collect();
                let fit = crate::bench::measure::cluster_fit(&clusters, &truth);
                println!(
                    "分類との一致（分類のある {} 件）: 候補に入った {} 件で purity {:.3}・NMI {:.3}、候補外を一つの組とみた全体で purity {:.3}・NMI {:.3}",
                    truth.len(),
                    fit.covered,
                    fit.purity_covered,
                    fit.nmi_covered,
                    fit.purity_all,
                    fit.nmi_all
                );
            }
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
