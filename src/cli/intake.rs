//! `pubcom import comments|clauses`: read a file into a consultation and report what was read.

use super::*;

pub fn import_file(
    settings: &Settings,
    file: &std::path::Path,
    opts: &ImportOptions,
) -> anyhow::Result<ImportReport> {
    let source =
        std::fs::File::open(file).with_context(|| format!("{} を読めません", file.display()))?;
    // One connection: alone on a SQLite file, the import can write without the WAL.
    let pool = db::connect(&settings.database, 1)?;
    let mut conn = pool.get()?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} 取込中 [{bar:40}] {pos}/{len} 行目 ({eta})",
        )
        .expect("static template")
        .progress_chars("=> "),
    );
    let name = file.display().to_string();
    let mut calls = 0u64;
    let (profiles, phrases) = (settings.profiles()?, settings.stock_phrases()?);
    let report = db::bulk::with_rollback_journal(&mut conn, |conn| {
        import::import_comments(
            conn,
            &name,
            std::io::BufReader::new(source),
            opts,
            &profiles,
            &phrases,
            &mut |done, total| {
                calls += 1;
                if calls % 256 == 1 || done == total {
                    bar.set_length(total as u64);
                    bar.set_position(done as u64);
                }
            },
        )
    });
    bar.finish_and_clear();
    let (_, report) = report?;
    index_pending_with_bar(&mut conn)?;
    Ok(report)
}

/// Fills the search index for what an import left pending, showing what is left.
pub fn index_pending_with_bar(conn: &mut db::DbConnection) -> anyhow::Result<()> {
    let left = db::search_index::pending_count(conn)?;
    if left == 0 {
        return Ok(());
    }
    let bar = indicatif::ProgressBar::new(left as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} 検索索引を作成中 [{bar:40}] {pos}/{len} 件 ({eta})",
        )
        .expect("static template")
        .progress_chars("=> "),
    );
    db::search_index::index_pending(conn, &mut |covered| {
        bar.set_position(covered.min(left) as u64)
    })?;
    bar.finish_and_clear();
    Ok(())
}

pub fn print_report(r: &ImportReport) {
    for line in r.lines() {
        println!("{line}");
    }
}

/// `pubcom import comments`: the rows, then the 同旨 proposals the import left waiting.
pub fn comments(
    settings: &Settings,
    opts: ImportOptions,
    file: &std::path::Path,
) -> anyhow::Result<()> {
    let report = intake::import_file(settings, file, &opts)?;
    intake::print_report(&report);
    let mut conn = connect(settings)?;
    let c = consultation::find_by_slug(&mut conn, &opts.consultation)?.context("consultation")?;
    let actor = accounts::Actor::system(&opts.actor);
    if let Some(r) = crate::triage::grouping::propose_if_awaiting(&mut conn, &actor, c.id())? {
        println!("同旨の候補: {} グループ（{} 件）", r.groups, r.comments);
    }
    Ok(())
}

/// `pubcom import clauses`: the draft's clause tree, then the comments' references resolved.
pub fn clauses(
    settings: &Settings,
    file: &std::path::Path,
    consultation: &str,
    encoding: Option<TextEncoding>,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("{} を読めません", file.display()))?;
    let mut conn = connect(settings)?;
    let actor = accounts::Actor::system(&cli_actor());
    let name = file.display().to_string();
    let r = crate::intake::clause_import::import_clauses(
        &mut conn,
        &name,
        &bytes,
        consultation,
        encoding,
        &actor,
    )?;
    for w in &r.warnings {
        println!("注意: {} 行目: {}", w.line, w.message);
    }
    println!(
        "項番 {} 件（追加 {} / 本文の変更 {} / 変更なし {}）。意見の該当箇所 {} 件をつなぎ、{} 件の意見に項番を付けました",
        r.clauses_read, r.added, r.changed, r.unchanged, r.refs_resolved, r.comments_tagged
    );
    Ok(())
}
