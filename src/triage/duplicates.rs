//! Finding 同旨 comments: exact duplicates after folding (NFKC, case, spaces, punctuation)
//! and near-duplicates by MinHash over character 3-grams with banded LSH.
//!
//! One-permutation MinHash (one hash per 3-gram, 64 bins, empty bins filled from their
//! neighbours) keeps the cost to one pass over the text, which is what makes a million
//! comments feasible on two cores.

use std::collections::HashMap;

pub const BINS: usize = 64;
const BANDS: usize = 16;
const ROWS: usize = BINS / BANDS;
/// Share of equal signature values from which two texts count as saying the same thing.
pub const THRESHOLD: f64 = 0.6;
/// Leaders kept per LSH bucket.
const MAX_LEADERS_PER_BUCKET: usize = 64;

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d049bb133111eb);
    x ^ (x >> 31)
}

/// The MinHash signature of a folded text, or None when it is too short to compare.
pub fn signature(folded: &str) -> Option<[u32; BINS]> {
    let chars: Vec<char> = folded.chars().collect();
    if chars.len() < 3 {
        return None;
    }
    let mut bins = [u32::MAX; BINS];
    let mut filled = [false; BINS];
    for w in chars.windows(3) {
        let h = mix((w[0] as u64) << 42 ^ (w[1] as u64) << 21 ^ w[2] as u64);
        let bin = (h >> 58) as usize;
        let v = h as u32;
        if v < bins[bin] || !filled[bin] {
            bins[bin] = bins[bin].min(v);
            filled[bin] = true;
        }
    }
    // Densify: an empty bin borrows the next filled bin's value, offset by the distance.
    for i in 0..BINS {
        if !filled[i] {
            let (j, d) = (1..BINS)
                .map(|d| ((i + d) % BINS, d))
                .find(|(j, _)| filled[*j])
                .expect("at least one filled bin");
            bins[i] = bins[j].wrapping_add((d as u32).wrapping_mul(0x9e37_79b9));
        }
    }
    Some(bins)
}

pub fn similarity(a: &[u32; BINS], b: &[u32; BINS]) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / BINS as f64
}

/// `f` over `items` on every core (in order), for the per-text work of a large consultation.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads <= 1 || items.len() < 4096 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(|| c.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker thread panicked"))
            .collect()
    })
}

/// Groups of ids (each of 2 or more, ids in input order) whose texts say the same thing.
/// `items` are (id, text); `near` also looks for near-duplicates.
pub fn find_groups(items: &[(i64, String)], near: bool) -> Vec<Vec<i64>> {
    // Exact duplicates collapse onto one representative first.
    let folded = parallel_map(items, |(_, text)| crate::text::fold(text));
    let mut by_key: HashMap<&str, usize> = HashMap::new();
    let mut reps: Vec<(&str, Vec<i64>)> = Vec::new();
    for ((id, _), f) in items.iter().zip(&folded) {
        match by_key.get(f.as_str()) {
            Some(&r) => reps[r].1.push(*id),
            None => {
                by_key.insert(f.as_str(), reps.len());
                reps.push((f.as_str(), vec![*id]));
            }
        }
    }
    // Leader clustering: in input order, a text joins the most similar earlier leader it
    // shares an LSH bucket with, or becomes a leader itself. Every member is compared with
    // its group's leader, so a chain of texts each a little different from the last cannot
    // pull two unrelated campaigns into one group.
    let mut leader_of: Vec<usize> = (0..reps.len()).collect();
    if near {
        let sigs: Vec<Option<[u32; BINS]>> = parallel_map(&reps, |(f, _)| signature(f));
        let mut buckets: Vec<HashMap<u64, Vec<usize>>> = vec![HashMap::new(); BANDS];
        for (i, sig) in sigs.iter().enumerate() {
            let Some(sig) = sig else { continue };
            let keys: Vec<u64> = (0..BANDS)
                .map(|band| {
                    sig[band * ROWS..(band + 1) * ROWS]
                        .iter()
                        .fold(band as u64, |key, v| mix(key ^ *v as u64))
                })
                .collect();
            let mut best: Option<(f64, usize)> = None;
            for (band, key) in keys.iter().enumerate() {
                for &l in buckets[band].get(key).into_iter().flatten() {
                    let s = similarity(sig, sigs[l].as_ref().expect("leaders have signatures"));
                    if s >= THRESHOLD && best.is_none_or(|(b, _)| s > b) {
                        best = Some((s, l));
                    }
                }
            }
            match best {
                Some((_, l)) => leader_of[i] = l,
                None => {
                    for (band, key) in keys.into_iter().enumerate() {
                        let leaders = buckets[band].entry(key).or_default();
                        // Bounded: texts too short to tell apart must not make this quadratic.
                        if leaders.len() < MAX_LEADERS_PER_BUCKET {
                            leaders.push(i);
                        }
                    }
                }
            }
        }
    }
    let mut groups: HashMap<usize, Vec<i64>> = HashMap::new();
    for (i, rep) in reps.iter().enumerate() {
        groups
            .entry(leader_of[i])
            .or_default()
            .extend(rep.1.iter().copied());
    }
    let order: HashMap<i64, usize> = items
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    let mut out: Vec<Vec<i64>> = groups.into_values().filter(|g| g.len() >= 2).collect();
    for g in &mut out {
        g.sort_by_key(|id| order[id]);
    }
    out.sort_by_key(|g| order[&g[0]]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(texts: &[&str]) -> Vec<(i64, String)> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| (i as i64 + 1, t.to_string()))
            .collect()
    }

    #[test]
    fn a_chain_of_small_differences_does_not_join_its_ends() {
        let sentences = [
            "電子カルテの保存期間について明確な基準を示してほしい。",
            "クラウドサービス事業者との契約で確認すべき項目を列挙すべきだ。",
            "小規模な診療所では専任の担当者を置くことが難しい。",
            "バックアップの保管場所は物理的に離れた拠点とすることが望ましい。",
            "多要素認証の導入時期には猶予を設けていただきたい。",
            "委託先の監査報告書を毎年受け取る運用は負担が大きい。",
            "ランサムウェア被害時の連絡体制を図で示してはどうか。",
            "用語集に略語の正式名称を加えてほしい。",
            "既存システムの改修費用に対する補助制度を検討されたい。",
            "ログの保存期間と確認頻度の目安を記載すべきである。",
            "職員教育の教材を厚生労働省から提供してほしい。",
            "外部記録媒体の持ち出し手順を具体例で説明してほしい。",
            "災害時の非常用電源の確保についても触れるべきだ。",
            "医療機器のソフトウェア更新の責任分界を明確にされたい。",
        ];
        let text = |from: usize| sentences[from..from + 10].concat();
        let (a, b, c) = (text(0), text(2), text(4));
        let sig = |t: &str| signature(&crate::text::fold(t)).unwrap();
        assert!(similarity(&sig(&a), &sig(&b)) >= THRESHOLD);
        assert!(similarity(&sig(&b), &sig(&c)) >= THRESHOLD);
        assert!(similarity(&sig(&a), &sig(&c)) < THRESHOLD);
        let groups = find_groups(&items(&[&a, &b, &c]), true);
        assert!(
            groups.iter().all(|g| !(g.contains(&1) && g.contains(&3))),
            "{groups:?}"
        );
    }

    #[test]
    fn exact_duplicates_group_after_folding() {
        let g = find_groups(
            &items(&[
                "ＩＴ化を進めるべきだ。",
                "IT化を 進めるべきだ",
                "全く別の意見",
            ]),
            false,
        );
        assert_eq!(g, vec![vec![1, 2]]);
    }

    #[test]
    fn near_duplicates_with_small_edits_and_greetings_group() {
        let base = "医療情報システムの安全管理に関するガイドラインについて、中小規模の医療機関でも実施できるよう、具体的な対策例と費用の目安を示していただきたい。特に人材確保が難しい地域への支援策を明記すべきである。";
        let t = items(&[
            base,
            &format!("お世話になっております。{base}"),
            &base.replace("示していただきたい", "示してほしい"),
            "電子署名の要件について、タイムスタンプの有効期間を延長できる仕組みを検討していただきたい。",
        ]);
        assert_eq!(find_groups(&t, true), vec![vec![1, 2, 3]]);
        assert!(find_groups(&t, false).is_empty());
    }

    #[test]
    fn the_parallel_map_keeps_order_and_results() {
        let items: Vec<usize> = (0..10_000).collect();
        assert_eq!(
            parallel_map(&items, |x| x * 2),
            items.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        let texts: Vec<(i64, String)> = (0..6_000)
            .map(|i| {
                (
                    i,
                    format!("意見その{}について、同じ内容を述べる。", i % 3000),
                )
            })
            .collect();
        let groups = find_groups(&texts, false);
        assert_eq!(groups.len(), 3000, "each text appears twice");
        assert!(groups.iter().all(|g| g.len() == 2 && g[1] == g[0] + 3000));
    }

    #[test]
    fn signatures_of_unrelated_texts_differ() {
        let a = signature(&crate::text::fold(
            "クラウドサービス事業者の責任分界を明確にすべき",
        ))
        .unwrap();
        let b = signature(&crate::text::fold("パスワードの定期変更は不要ではないか")).unwrap();
        assert!(similarity(&a, &b) < 0.2);
        assert!(signature("ab").is_none());
    }
}
