//! `pubcom export` and `pubcom check`: the published files and the pre-publication check.

use super::*;

pub fn run_export(settings: &Settings, cmd: ExportCommand) -> anyhow::Result<()> {
    use crate::publish::export::{self, Document, ExportError, Request};
    let (document, format, layout, order, duplicates, common) = match cmd {
        ExportCommand::Results {
            common,
            format,
            layout,
            order,
            duplicates,
        } => (Document::Results, format, layout, order, duplicates, common),
        ExportCommand::Shinkyu { common, format } => (
            Document::Shinkyu,
            format,
            results::Layout::Mhlw,
            Default::default(),
            Default::default(),
            common,
        ),
        ExportCommand::Revised { common, format } => (
            Document::Revised,
            format,
            results::Layout::Mhlw,
            Default::default(),
            Default::default(),
            common,
        ),
    };
    let mut conn = connect(settings)?;
    let c = consultation::find_by_slug(&mut conn, &common.consultation)?.with_context(|| {
        format!(
            "案件「{}」はありません（pubcom consultations list で確認できます）",
            common.consultation
        )
    })?;
    let options = results::ResultOptions {
        order,
        duplicates,
        final_version: common.final_version,
    };
    let actor = accounts::Actor::system(&cli_actor());
    let request = Request {
        document,
        format,
        layout,
        options,
    };
    let file = match export::export_for(&mut conn, &actor, &c, &request, "cli") {
        Ok(f) => f,
        Err(ExportError::Blocked(problems)) => {
            for p in &problems {
                eprintln!("  - {}", p.message);
            }
            anyhow::bail!(
                "公表版は書き出せません: 公表前チェックで {} 件の問題があります",
                problems.len()
            );
        }
        Err(e) => return Err(e.into()),
    };
    std::fs::write(&common.output, &file.bytes)
        .with_context(|| format!("{} に書き込めません", common.output.display()))?;
    let mark = if file.draft { "【案】" } else { "公表版" };
    println!(
        "{mark} {} 件を {} に書き出しました",
        file.items,
        common.output.display()
    );
    Ok(())
}

pub fn run_check(settings: &Settings, slug: &str, json: bool) -> anyhow::Result<()> {
    let mut conn = connect(settings)?;
    let c = consultation::find_by_slug(&mut conn, slug)?
        .with_context(|| format!("案件「{slug}」はありません"))?;
    let problems = crate::publish::check::run(&mut conn, c.id(), &c.slug)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&problems)?);
    } else {
        for p in &problems {
            println!("{}\t{}", p.message, p.link);
        }
        println!("問題: {} 件", problems.len());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        std::process::exit(1)
    }
}
