//! `pubcom bench`: build a synthetic consultation of N comments and time the work that must
//! stay fast at scale. Prints each figure; BENCHMARKS.md records them with the command.

use super::synth;
use crate::db::{self, DatabaseUrl};
use crate::domain::ConsultationId;
use crate::models::comment_list;
use crate::models::stats;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Peak resident memory of this process so far, from /proc (Linux).
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// CPU time used by this process so far (all threads, user and system), from /proc (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let ticks: f64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}

fn p95(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[((samples.len() as f64) * 0.95).ceil() as usize - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Recall of the copies carrying each kind of edit (and of exact copies, `none`): for every
/// such copy, the share of the rest of its campaign it was grouped with, averaged.
pub fn recall_by_edit(
    groups: &[Vec<i64>],
    planted: &[(i64, usize, &str)],
) -> Vec<(String, usize, f64)> {
    let mut group_of: HashMap<i64, usize> = HashMap::new();
    for (g, members) in groups.iter().enumerate() {
        for id in members {
            group_of.insert(*id, g);
        }
    }
    let mut campaign_size: HashMap<usize, usize> = HashMap::new();
    let mut together: HashMap<(usize, usize), usize> = HashMap::new();
    for (no, c, _) in planted {
        *campaign_size.entry(*c).or_default() += 1;
        if let Some(g) = group_of.get(no) {
            *together.entry((*c, *g)).or_default() += 1;
        }
    }
    let mut per_edit: std::collections::BTreeMap<String, (usize, f64)> = Default::default();
    for (no, c, edits) in planted {
        let size = campaign_size[c];
        if size < 2 {
            continue;
        }
        let with = group_of
            .get(no)
            .map_or(0, |g| together[&(*c, *g)].saturating_sub(1));
        let share = with as f64 / (size - 1) as f64;
        for e in edits.split('+') {
            let entry = per_edit.entry(e.to_string()).or_default();
            entry.0 += 1;
            entry.1 += share;
        }
    }
    per_edit
        .into_iter()
        .map(|(e, (n, sum))| (e, n, sum / n as f64))
        .collect()
}

/// Pair precision and recall of proposed groups against planted campaigns.
pub fn score(groups: &[Vec<i64>], truth: &HashMap<i64, usize>) -> (f64, f64) {
    let pairs = |n: usize| (n * n.saturating_sub(1) / 2) as f64;
    let (mut tp, mut proposed) = (0.0, 0.0);
    for g in groups {
        proposed += pairs(g.len());
        let mut per: HashMap<usize, usize> = HashMap::new();
        for id in g {
            if let Some(c) = truth.get(id) {
                *per.entry(*c).or_default() += 1;
            }
        }
        tp += per.values().map(|n| pairs(*n)).sum::<f64>();
    }
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    for c in truth.values() {
        *sizes.entry(*c).or_default() += 1;
    }
    let actual: f64 = sizes.values().map(|n| pairs(*n)).sum();
    (
        if proposed > 0.0 { tp / proposed } else { 1.0 },
        if actual > 0.0 { tp / actual } else { 1.0 },
    )
}

pub fn run(
    database: &DatabaseUrl,
    n: usize,
    seed: u64,
    dir: &std::path::Path,
    only: &[String],
) -> anyhow::Result<Vec<String>> {
    let on = |phase: &str| only.is_empty() || only.iter().any(|p| p == phase);
    let mut lines = Vec::new();
    let mut say = |s: String| {
        println!("{s}");
        lines.push(s);
    };
    let file = dir.join(format!("synth-{n}.csv"));
    let truth_file = dir.join(format!("synth-{n}.campaigns.csv"));
    if on("synth") || (on("import") && !file.exists()) {
        let t = Instant::now();
        let report = synth::write(
            n,
            seed,
            &mut std::io::BufWriter::new(std::fs::File::create(&file)?),
            &mut std::io::BufWriter::new(std::fs::File::create(&truth_file)?),
        )?;
        say(format!(
            "synth: {} comments, {} campaigns ({} members), {:.1} s, {} MB",
            report.comments,
            report.campaigns,
            report.campaign_members,
            t.elapsed().as_secs_f64(),
            std::fs::metadata(&file)?.len() / 1_000_000
        ));
    }

    let slug = format!("bench-{n}-{seed}");
    if on("import") {
        // As `pubcom import` does: one connection, alone on a SQLite file.
        let pool = db::connect(database, 1)?;
        let mut conn = pool.get()?;
        let opts = crate::intake::import::ImportOptions {
            consultation: slug.clone(),
            actor: "bench".into(),
            ..Default::default()
        };
        let t = Instant::now();
        let cpu = cpu_seconds();
        let (without_wal, imported) = db::bulk::with_rollback_journal(&mut conn, |conn| {
            crate::intake::import::import_comments(
                conn,
                "synth.csv",
                std::fs::File::open(&file)?,
                &opts,
                &crate::intake::profile::builtin(),
                &crate::drafting::stock_phrases::StockPhrases::builtin()?,
                &mut |_, _| {},
            )
        })?;
        say(format!(
            "import: {} comments in {:.1} s ({:.0} rows/s{}), {:.1} s CPU on all threads; peak memory so far {:.0} MB",
            imported.comments_added,
            t.elapsed().as_secs_f64(),
            imported.comments_added as f64 / t.elapsed().as_secs_f64(),
            if without_wal {
                ", SQLite rollback journal"
            } else {
                ""
            },
            cpu_seconds() - cpu,
            peak_rss_mb().unwrap_or(0.0)
        ));
    }
    if on("index") {
        let pool = db::connect(database, 1)?;
        let mut conn = pool.get()?;
        let pending = db::search_index::pending_count(&mut conn)?;
        let t = Instant::now();
        db::search_index::index_pending(&mut conn, &mut |_| {})?;
        say(format!(
            "search index, filled after the import: {pending} comments in {:.1} s",
            t.elapsed().as_secs_f64(),
        ));
    }

    let pool = db::connect(database, 4)?;
    let mut conn = pool.get()?;
    let c = crate::models::consultation::find_by_slug(&mut conn, &slug)?
        .ok_or_else(|| anyhow::anyhow!("bench consultation missing"))?;
    let cid = c.id();
    if on("group") {
        let t = Instant::now();
        let groups = crate::triage::grouping::open_groups(&mut conn, cid)?;
        let grouping = t.elapsed();
        // Comment ids to No.: ids follow No. order in a fresh import.
        let numbers: HashMap<i64, i64> = {
            use crate::db::schema::comments;
            use diesel::prelude::*;
            comments::table
                .filter(comments::consultation_id.eq(cid.0))
                .select((comments::id, comments::number))
                .load::<(i64, i32)>(&mut conn)?
                .into_iter()
                .map(|(id, n)| (id, n as i64))
                .collect()
        };
        let by_no: Vec<Vec<i64>> = groups
            .iter()
            .map(|g| g.iter().map(|id| numbers[id]).collect())
            .collect();
        let truth_text = std::fs::read_to_string(&truth_file)?;
        let planted: Vec<(i64, usize, &str)> = truth_text
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut cols = l.splitn(3, ',');
                Some((
                    cols.next()?.parse().ok()?,
                    cols.next()?.parse().ok()?,
                    cols.next().unwrap_or("none"),
                ))
            })
            .collect();
        let truth: HashMap<i64, usize> = planted.iter().map(|(no, c, _)| (*no, *c)).collect();
        let (precision, recall) = score(&by_no, &truth);
        say(format!("同旨 grouping: {} groups in {:.1} s (texts read from the database twice, a page at a time); precision {precision:.3}, recall {recall:.3}; peak memory so far {}", groups.len(), grouping.as_secs_f64(), peak_rss_mb().map_or("?".into(), |m| format!("{m:.0} MB"))));
        for (edit, members, recall) in recall_by_edit(&by_no, &planted) {
            say(format!(
                "  copies with edit {edit:<9} {members:>7}: recall {recall:.3}"
            ));
        }
    }

    let mut rng = synth::Rng::new(seed);
    let cats = crate::models::category::for_consultation(&mut conn, cid)?;
    if on("list") {
        let states = ["drafting", "unanswered"];
        let mut list = Vec::new();
        for _ in 0..40 {
            let f = comment_list::CommentFilter {
                category: Some(cats[rng.below(cats.len())].id.0),
                status: Some(states[rng.below(2)].into()),
                ..Default::default()
            };
            let t = Instant::now();
            comment_list::count_filtered(&mut conn, cid, &f)?;
            comment_list::list(&mut conn, cid, &f, 0, Some(50))?;
            list.push(t.elapsed());
        }
        say(format!(
            "list page, two filters (count + first 50 rows): p95 {}",
            ms(p95(list))
        ));
    }

    if on("search") {
        let material = synth::Material::from_samples()?;
        let mut search = Vec::new();
        let mut short = Vec::new();
        for i in 0..40 {
            let s: Vec<char> = material.sentences[rng.below(material.sentences.len())]
                .chars()
                .collect();
            let len = if i % 2 == 0 {
                3 + rng.below(4)
            } else {
                1 + rng.below(2)
            };
            let at = rng.below(s.len().saturating_sub(len).max(1));
            let q: String = s[at..(at + len).min(s.len())].iter().collect();
            let f = comment_list::CommentFilter {
                q: Some(q),
                ..Default::default()
            };
            let t = Instant::now();
            comment_list::page(&mut conn, cid, &f, 0, 50, None)?;
            if len >= 3 {
                search.push(t.elapsed())
            } else {
                short.push(t.elapsed())
            }
        }
        say(format!(
            "search, 3+ characters (count up to the cap + first 50): p95 {}",
            ms(p95(search))
        ));
        say(format!(
            "search, 1–2 characters (count up to the cap + first 50): p95 {}",
            ms(p95(short))
        ));
    }

    if on("dashboard") {
        let mut dash = Vec::new();
        for _ in 0..10 {
            let t = Instant::now();
            dashboard_queries(&mut conn, cid)?;
            dash.push(t.elapsed());
        }
        say(format!("dashboard queries: p95 {}", ms(p95(dash))));
    }

    if on("export") {
        let t = Instant::now();
        let mut plan = crate::publish::results::plan(
            &mut conn,
            cid,
            &c.title,
            crate::publish::results::Layout::Mhlw,
            &Default::default(),
        )?;
        plan.keep_first(100_000);
        let rows = plan.len();
        let mut sink = crate::publish::writers::XlsxSink::new(&plan.head)?;
        plan.for_each_row(&mut conn, |row| sink.push(&row))?;
        let xlsx = sink.finish()?;
        say(format!(
            "export result table, {rows} rows XLSX: {:.1} s, {} MB file; peak memory so far {:.0} MB",
            t.elapsed().as_secs_f64(),
            xlsx.len() / 1_000_000,
            peak_rss_mb().unwrap_or(0.0)
        ));
    }

    Ok(lines)
}

fn dashboard_queries(
    conn: &mut crate::models::Conn,
    cid: ConsultationId,
) -> diesel::QueryResult<()> {
    stats::by_state(conn, cid)?;
    stats::by_clause(conn, cid)?;
    stats::by_chapter_cell(conn, cid)?;
    stats::by_disposition(conn, cid)?;
    crate::models::category::counts(conn, cid)?;
    stats::workload(conn, cid, chrono::Utc::now().date_naive())?;
    stats::unassigned(conn, cid)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_scores_count_within_group_pairs() {
        let truth: HashMap<i64, usize> = [(1, 0), (2, 0), (3, 0), (4, 1), (5, 1)]
            .into_iter()
            .collect();
        assert_eq!(score(&[vec![1, 2, 3], vec![4, 5]], &truth), (1.0, 1.0));
        let (p, r) = score(&[vec![1, 2, 4]], &truth);
        assert!((p - 1.0 / 3.0).abs() < 1e-9 && (r - 0.25).abs() < 1e-9);
    }
}
