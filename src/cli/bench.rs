//! `pubcom synth` and `pubcom bench`: generated corpora and the measurements on them.

use super::*;

/// `pubcom synth`: a generated comment table and the truth of its 同旨 campaigns.
pub fn synth(comments: usize, seed: u64, output: &std::path::Path) -> anyhow::Result<()> {
    let truth = output.with_extension("campaigns.csv");
    let r = crate::bench::synth::write(
        comments,
        seed,
        &mut std::io::BufWriter::new(std::fs::File::create(output)?),
        &mut std::io::BufWriter::new(std::fs::File::create(&truth)?),
    )?;
    println!(
        "{} 件（同旨の組 {} 組・{} 件）を {} に、組の正解を {} に書きました",
        r.comments,
        r.campaigns,
        r.campaign_members,
        output.display(),
        truth.display()
    );
    Ok(())
}

/// `pubcom bench`: each phase timed on a generated corpus.
pub fn bench(
    settings: &Settings,
    comments: usize,
    seed: u64,
    dir: &std::path::Path,
    only: &[String],
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    println!(
        "pubcom bench --comments {comments} --seed {seed} on {} ({} cores)",
        settings.database.redacted(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    crate::bench::measure::run(&settings.database, comments, seed, dir, only)?;
    Ok(())
}
