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

/// Each comment's 分類 (category id), for comments that have one.
pub fn categories_of(
    conn: &mut crate::db::DbConnection,
    consultation: crate::domain::ConsultationId,
) -> diesel::QueryResult<HashMap<i64, usize>> {
    use crate::db::schema::comments;
    use diesel::prelude::*;
    let rows: Vec<(i64, Option<i64>)> = comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .select((comments::id, comments::category_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, c)| Some((id, c? as usize)))
        .collect())
}

/// How well clusters line up with a labelling (`truth`: item → label), over the labelled
/// items: purity and normalised mutual information (NMI, arithmetic mean of entropies),
/// over the clustered items only and over all (the unclustered as one more cluster).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClusterFit {
    pub covered: usize,
    pub purity_covered: f64,
    pub nmi_covered: f64,
    pub purity_all: f64,
    pub nmi_all: f64,
}

pub fn cluster_fit(clusters: &[Vec<i64>], truth: &HashMap<i64, usize>) -> ClusterFit {
    let mut assigned: HashMap<i64, usize> = HashMap::new();
    for (k, members) in clusters.iter().enumerate() {
        for m in members {
            if truth.contains_key(m) {
                assigned.insert(*m, k);
            }
        }
    }
    let covered: Vec<(usize, usize)> = assigned.iter().map(|(m, k)| (*k, truth[m])).collect();
    let none = clusters.len();
    let all: Vec<(usize, usize)> = truth
        .iter()
        .map(|(m, label)| (assigned.get(m).copied().unwrap_or(none), *label))
        .collect();
    let (purity_covered, nmi_covered) = purity_nmi(&covered);
    let (purity_all, nmi_all) = purity_nmi(&all);
    ClusterFit {
        covered: covered.len(),
        purity_covered,
        nmi_covered,
        purity_all,
        nmi_all,
    }
}

/// Purity and NMI of (cluster, label) pairs.
fn purity_nmi(pairs: &[(usize, usize)]) -> (f64, f64) {
    let n = pairs.len() as f64;
    if pairs.is_empty() {
        return (0.0, 0.0);
    }
    let mut joint: HashMap<(usize, usize), f64> = HashMap::new();
    let mut by_cluster: HashMap<usize, f64> = HashMap::new();
    let mut by_label: HashMap<usize, f64> = HashMap::new();
    for &(k, l) in pairs {
        *joint.entry((k, l)).or_default() += 1.0;
        *by_cluster.entry(k).or_default() += 1.0;
        *by_label.entry(l).or_default() += 1.0;
    }
    let mut best: HashMap<usize, f64> = HashMap::new();
    for (&(k, _), &c) in &joint {
        let b = best.entry(k).or_default();
        *b = b.max(c);
    }
    let purity = best.values().sum::<f64>() / n;
    let entropy =
        |m: &HashMap<usize, f64>| -> f64 { m.values().map(|c| -(c / n) * (c / n).ln()).sum() };
    let mutual: f64 = joint
        .iter()
        .map(|(&(k, l), &c)| (c / n) * ((c * n) / (by_cluster[&k] * by_label[&l])).ln())
        .sum();
    let (hk, hl) = (entropy(&by_cluster), entropy(&by_label));
    let nmi = if hk + hl > 0.0 {
        2.0 * mutual / (hk + hl)
    } else {
        1.0
    };
    (purity, nmi)
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

    if on("topics") {
        let t = Instant::now();
        let found = crate::triage::topic_suggestions::suggest(&mut conn, cid, None)?;
        say(format!(
            "topic suggestions over every comment in no 論点: {} suggestions holding {} comments in {:.1} s (texts read, clustered, filtered); peak memory so far {:.0} MB",
            found.len(),
            found.iter().map(|s| s.members.len()).sum::<usize>(),
            t.elapsed().as_secs_f64(),
            peak_rss_mb().unwrap_or(0.0)
        ));
        // What a page waits for with one clause of 5,000 comments: read them, cluster them.
        let t = Instant::now();
        let docs: Vec<(i64, String)> = {
            use crate::db::schema::comments;
            use diesel::prelude::*;
            comments::table
                .filter(comments::consultation_id.eq(cid.0))
                .order(comments::number)
                .limit(5_000)
                .select((comments::id, comments::body))
                .load(&mut conn)?
        };
        let docs: Vec<crate::triage::suggest::Doc> = docs
            .iter()
            .map(|(id, text)| crate::triage::suggest::Doc { id: *id, text })
            .collect();
        let some = crate::triage::suggest::suggest(&docs);
        say(format!(
            "topic suggestions over 5,000 comments (one clause's worth): {} suggestions in {:.2} s",
            some.len(),
            t.elapsed().as_secs_f64()
        ));
    }

    if on("summary") {
        let existing = crate::models::topic::all_with_counts(&mut conn, cid)?.len();
        if existing == 0 {
            let t = Instant::now();
            let made = plant_topics(&mut conn, cid, 5_000)?;
            say(format!(
                "set-up: {made} comments put in 5,000 answered 論点 in {:.1} s (not timed below)",
                t.elapsed().as_secs_f64()
            ));
        }
        let t = Instant::now();
        let plan = crate::publish::results::plan(
            &mut conn,
            cid,
            &c.title,
            crate::publish::results::Layout::Summary,
            &Default::default(),
        )?;
        let planned = t.elapsed();
        let rows = plan.len();
        let mut sink = crate::publish::writers::XlsxSink::new(&plan.head)?;
        plan.for_each_row(&mut conn, |row| sink.push(&row))?;
        let xlsx = sink.finish()?;
        say(format!(
            "export summary layout (one row per 論点), {rows} rows XLSX: {:.1} s (plan {:.1} s), {} MB file; peak memory so far {:.0} MB",
            t.elapsed().as_secs_f64(),
            planned.as_secs_f64(),
            xlsx.len() / 1_000_000,
            peak_rss_mb().unwrap_or(0.0)
        ));
    }

    Ok(lines)
}

/// Puts every comment of a bench consultation in one of `topics` answered 論点: the first
/// half of the comments in runs of consecutive Nos., the rest scattered, so the 意見番号
/// cells hold both compressed runs and long lists. Returns the comments placed.
fn plant_topics(
    conn: &mut crate::db::DbConnection,
    cid: crate::domain::ConsultationId,
    topics: usize,
) -> anyhow::Result<usize> {
    use crate::db::schema::{comments, topic_members, topics as topic_table};
    use diesel::prelude::*;
    let ids: Vec<i64> = comments::table
        .filter(comments::consultation_id.eq(cid.0))
        .order((comments::number, comments::part))
        .select(comments::id)
        .load(conn)?;
    crate::db::transaction(conn, |conn| {
        let now = crate::db::now();
        let rows: Vec<_> = (0..topics)
            .map(|i| {
                (
                    topic_table::consultation_id.eq(cid.0),
                    topic_table::number.eq(i as i32 + 1),
                    topic_table::title.eq(format!("論点 {}", i + 1)),
                    topic_table::summary.eq(format!(
                        "論点 {} に関する御意見の概要。クラウドサービスの利用と契約、認証、記録の保存について、より具体的な記載を求める御意見。",
                        i + 1
                    )),
                    topic_table::disposition.eq("noted"),
                    topic_table::answer_body.eq("御意見として参考にさせていただきます。"),
                    topic_table::answer_state.eq("drafting"),
                    topic_table::answer_version.eq(1),
                    topic_table::created_at.eq(now),
                    topic_table::updated_at.eq(now),
                )
            })
            .collect();
        crate::insert_in_batches!(conn, &rows, |batch, c| {
            diesel::insert_into(topic_table::table)
                .values(batch)
                .execute(c)
        })?;
        let topic_ids: Vec<i64> = topic_table::table
            .filter(topic_table::consultation_id.eq(cid.0))
            .order(topic_table::number)
            .select(topic_table::id)
            .load(conn)?;
        let half = ids.len() / 2;
        let run = half.div_ceil(topics).max(1);
        let members: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let t = if i < half {
                    i / run
                } else {
                    (i * 7_919) % topics
                };
                (
                    topic_members::comment_id.eq(*id),
                    topic_members::topic_id.eq(topic_ids[t.min(topics - 1)]),
                )
            })
            .collect();
        crate::insert_in_batches!(conn, &members, |batch, c| {
            diesel::insert_into(topic_members::table)
                .values(batch)
                .execute(c)
        })?;
        Ok::<_, anyhow::Error>(ids.len())
    })
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
    fn cluster_fit_is_one_for_a_perfect_match_and_low_for_one_big_cluster() {
        let truth: HashMap<i64, usize> = (0..6).map(|i| (i, (i / 3) as usize)).collect();
        let perfect = cluster_fit(&[vec![0, 1, 2], vec![3, 4, 5]], &truth);
        assert!((perfect.purity_covered - 1.0).abs() < 1e-9);
        assert!((perfect.nmi_covered - 1.0).abs() < 1e-9);
        let lumped = cluster_fit(&[vec![0, 1, 2, 3, 4, 5]], &truth);
        assert!((lumped.purity_covered - 0.5).abs() < 1e-9);
        assert!(lumped.nmi_covered.abs() < 1e-9);
        let partial = cluster_fit(&[vec![0, 1]], &truth);
        assert_eq!(partial.covered, 2);
        assert!(partial.purity_all < 1.0 && partial.nmi_all > 0.0);
    }

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
