//! Finding 同旨 comments: campaigns of copies of one text, whole.
//!
//! Copies of a campaign differ by their greeting and closing lines, a dropped sentence, two
//! sentences swapped, a few characters, the width of digits and spaces. What stays is most
//! of the body's sentences, so comparison works on the body:
//!
//! 1. Texts are cut into sentences and folded (NFKC, case, spaces, punctuation: width
//!    changes vanish). A sentence that opens or closes comments of many different kinds —
//!    most of its uses at an edge, followed (or preceded) by many different sentences — is
//!    boilerplate (お世話になっております。) and left out of the body.
//! 2. Identical bodies collapse onto one representative.
//! 3. Each body gets a one-permutation MinHash of its character 3-grams (128 bins of 16
//!    bits); banded LSH (32 bands of 4) finds candidates, and a body joins the most similar
//!    earlier leader (every member compared with its leader: a chain of small differences
//!    cannot join two campaigns).
//! 4. A campaign may still come out in pieces (two copies that dropped different sentences
//!    are further apart than either is from the template). Each piece of 3+ texts gets a
//!    core — the body sentences most of its members share, the template's — and pieces
//!    with similar cores merge; lone texts and small pieces join the core they resemble.
//!
//! The texts are read twice (sentence statistics, then bodies) and never held: what stays
//! per text is a signature and its sentence hashes.

use std::collections::HashMap;

pub const BINS: usize = 128;
const BANDS: usize = 32;
const ROWS: usize = 4;
/// Share of equal signature values from which a body joins a leader.
pub const THRESHOLD: f64 = 0.6;
/// From which a text joins a campaign's core, or two cores merge.
const CORE_THRESHOLD: f64 = 0.5;
/// Leaders kept per LSH bucket.
const MAX_LEADERS_PER_BUCKET: usize = 64;
/// Sentences longer than this are never boilerplate.
const MAX_BOILERPLATE_CHARS: usize = 60;

pub type Signature = [u16; BINS];

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d049bb133111eb);
    x ^ (x >> 31)
}

fn hash_str(s: &str) -> u64 {
    s.bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
        })
        .wrapping_add(s.len() as u64)
        .pipe(mix)
}

trait Pipe: Sized {
    fn pipe<R>(self, f: impl FnOnce(Self) -> R) -> R {
        f(self)
    }
}
impl<T> Pipe for T {}

/// The MinHash signature of a folded text, or None when it is too short to compare.
pub fn signature(folded: &str) -> Option<Signature> {
    let mut bins = [u64::MAX; BINS];
    let (mut a, mut b, mut seen) = (0u64, 0u64, 0usize);
    for c in folded.chars() {
        let c = c as u64;
        seen += 1;
        if seen >= 3 {
            let h = mix(a << 42 ^ b << 21 ^ c);
            let bin = (h >> 57) as usize;
            bins[bin] = bins[bin].min(h & 0x01FF_FFFF_FFFF_FFFF);
        }
        (a, b) = (b, c);
    }
    if seen < 3 {
        return None;
    }
    // Densify: an empty bin borrows the next filled bin's value, offset by the distance.
    let mut out = [0u16; BINS];
    for i in 0..BINS {
        let (v, d) = (0..BINS)
            .map(|d| (bins[(i + d) % BINS], d))
            .find(|(v, _)| *v != u64::MAX)
            .expect("at least one filled bin");
        out[i] = (mix(v ^ (d as u64) << 58) >> 48) as u16;
    }
    Some(out)
}

pub fn similarity(a: &Signature, b: &Signature) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / BINS as f64
}

/// A text folded, and where its sentences (cut at 。！？!? and line breaks) lie in the
/// folded text; empty ones are left out.
pub struct Folded {
    pub text: String,
    pub sentences: Vec<std::ops::Range<usize>>,
}

impl Folded {
    pub fn of(text: &str) -> Folded {
        let mut folded = String::with_capacity(text.len());
        let mut sentences = Vec::new();
        for piece in text.split(['。', '！', '？', '!', '?', '\n']) {
            let start = folded.len();
            crate::text::fold_into(piece, &mut folded);
            if folded.len() > start {
                sentences.push(start..folded.len());
            }
        }
        Folded {
            text: folded,
            sentences,
        }
    }

    pub fn sentence(&self, i: usize) -> &str {
        &self.text[self.sentences[i].clone()]
    }
}

/// Where texts come from: called once per pass with a function taking them a batch at a
/// time (a consultation's comments are read from the database page by page).
/// `every` > 1 asks for a sample: about one text in `every`.
pub trait Texts {
    fn each_batch(
        &mut self,
        every: usize,
        f: &mut dyn FnMut(&[(i64, String)]),
    ) -> anyhow::Result<()>;
}

impl Texts for &[(i64, String)] {
    fn each_batch(
        &mut self,
        every: usize,
        f: &mut dyn FnMut(&[(i64, String)]),
    ) -> anyhow::Result<()> {
        if every <= 1 {
            self.chunks(4096).for_each(&mut *f);
        } else {
            let sample: Vec<(i64, String)> = self.iter().step_by(every).cloned().collect();
            sample.chunks(4096).for_each(&mut *f);
        }
        Ok(())
    }
}

/// Boilerplate is learnt from about this many texts (a sample of a large consultation: a
/// greeting used by thousands shows in any tenth of them).
const BOILERPLATE_SAMPLE: usize = 20_000;

/// How a sentence is used at the edges of texts, for telling greetings from body text.
#[derive(Default)]
struct EdgeUse {
    total: u32,
    edge: u32,
    /// The sentences seen next to it at an edge (up to 8 kept).
    neighbours: Vec<u64>,
}

impl EdgeUse {
    fn is_boilerplate(&self) -> bool {
        self.total >= 5 && self.edge * 10 >= self.total * 7 && self.neighbours.len() >= 6
    }
}

/// Pass 1: which sentences are boilerplate, from `every`-th texts.
fn boilerplate(
    texts: &mut dyn Texts,
    every: usize,
) -> anyhow::Result<std::collections::HashSet<u64>> {
    let mut uses: HashMap<u64, EdgeUse> = HashMap::new();
    texts.each_batch(every, &mut |batch| {
        let cut = parallel_map(batch, |(_, t)| {
            let f = Folded::of(t);
            (0..f.sentences.len())
                .map(|i| {
                    let s = f.sentence(i);
                    (hash_str(s), s.chars().count() <= MAX_BOILERPLATE_CHARS)
                })
                .collect::<Vec<_>>()
        });
        for ss in cut {
            let k = ss.len();
            for (i, (h, short)) in ss.iter().enumerate() {
                if !short {
                    continue;
                }
                let u = uses.entry(*h).or_default();
                u.total += 1;
                let neighbour = match (i, k) {
                    (_, 1) => None,
                    (0, _) => Some(ss[1].0),
                    (i, k) if i == k - 1 => Some(ss[k - 2].0),
                    _ => continue,
                };
                u.edge += 1;
                if let Some(n) = neighbour {
                    if u.neighbours.len() < 8 && !u.neighbours.contains(&n) {
                        u.neighbours.push(n);
                    }
                }
            }
        }
    })?;
    Ok(uses
        .into_iter()
        .filter(|(_, u)| u.is_boilerplate())
        .map(|(h, _)| h)
        .collect())
}

/// What is kept of a distinct body: the ids that have it, its signature and its sentences.
struct Rep {
    ids: Vec<i64>,
    sig: Option<Signature>,
    sentences: Vec<u32>,
}

/// Pass 2: bodies without boilerplate, collapsed when identical, with their signatures.
fn bodies(
    texts: &mut dyn Texts,
    boiler: &std::collections::HashSet<u64>,
    near: bool,
) -> anyhow::Result<Vec<Rep>> {
    let mut reps: Vec<Rep> = Vec::new();
    let mut by_body: HashMap<u128, usize> = HashMap::new();
    texts.each_batch(1, &mut |batch| {
        let features = parallel_map(batch, |(id, t)| {
            let f = Folded::of(t);
            let n = f.sentences.len();
            let hashes: Vec<u64> = (0..n).map(|i| hash_str(f.sentence(i))).collect();
            let keep: Vec<usize> = (0..n).filter(|i| !boiler.contains(&hashes[*i])).collect();
            // A text of boilerplate alone is compared whole.
            let body: std::borrow::Cow<str> = if keep.is_empty() || keep.len() == n {
                f.text.as_str().into()
            } else {
                keep.iter()
                    .map(|i| f.sentence(*i))
                    .collect::<String>()
                    .into()
            };
            let h = hash_str(&body);
            let key = (h as u128) << 64 | mix(h ^ body.len() as u64) as u128;
            let kept = if keep.is_empty() {
                (0..n).collect()
            } else {
                keep
            };
            let sentences: Vec<u32> = kept.iter().map(|i| hashes[*i] as u32).collect();
            (
                *id,
                key,
                near.then(|| signature(&body)).flatten(),
                sentences,
            )
        });
        for (id, key, sig, sentences) in features {
            match by_body.get(&key) {
                Some(&r) => reps[r].ids.push(id),
                None => {
                    by_body.insert(key, reps.len());
                    reps.push(Rep {
                        ids: vec![id],
                        sig,
                        sentences,
                    });
                }
            }
        }
    })?;
    Ok(reps)
}

/// `f` over `items` on every core (in order), for the per-text work of a large consultation.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads <= 1 || items.len() < 512 {
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

/// LSH buckets of leaders: a signature's band keys, and the leaders sharing each.
struct Buckets {
    bands: Vec<HashMap<u64, Vec<usize>>>,
}

impl Buckets {
    fn new() -> Self {
        Buckets {
            bands: vec![HashMap::new(); BANDS],
        }
    }

    fn keys(sig: &Signature) -> [u64; BANDS] {
        let mut keys = [0u64; BANDS];
        for (band, key) in keys.iter_mut().enumerate() {
            *key = sig[band * ROWS..(band + 1) * ROWS]
                .iter()
                .fold(band as u64, |k, v| mix(k ^ *v as u64));
        }
        keys
    }

    /// The most similar entry at or above `threshold`.
    fn best(
        &self,
        sig: &Signature,
        keys: &[u64; BANDS],
        sig_of: impl Fn(usize) -> Signature,
        threshold: f64,
    ) -> Option<(f64, usize)> {
        let mut best: Option<(f64, usize)> = None;
        for (band, key) in keys.iter().enumerate() {
            for &l in self.bands[band].get(key).into_iter().flatten() {
                let s = similarity(sig, &sig_of(l));
                if s >= threshold && best.is_none_or(|(b, i)| s > b || (s == b && l < i)) {
                    best = Some((s, l));
                }
            }
        }
        best
    }

    fn add(&mut self, keys: &[u64; BANDS], entry: usize) {
        for (band, key) in keys.iter().enumerate() {
            let leaders = self.bands[band].entry(*key).or_default();
            // Bounded: texts too short to tell apart must not make this quadratic.
            if leaders.len() < MAX_LEADERS_PER_BUCKET {
                leaders.push(entry);
            }
        }
    }
}

/// Groups of ids (each of 2 or more, ids in input order) whose texts say the same thing.
/// `items` are (id, text); `near` also looks for near-duplicates.
pub fn find_groups(items: &[(i64, String)], near: bool) -> Vec<Vec<i64>> {
    find_groups_in(&mut { items }, items.len(), near).expect("texts in memory cannot fail")
}

/// [`find_groups`] over `count` texts read in two passes.
pub fn find_groups_in(
    texts: &mut dyn Texts,
    count: usize,
    near: bool,
) -> anyhow::Result<Vec<Vec<i64>>> {
    let t = std::time::Instant::now();
    let boiler = boilerplate(texts, count.div_ceil(BOILERPLATE_SAMPLE).max(1))?;
    tracing::debug!(
        seconds = t.elapsed().as_secs_f64(),
        sentences = boiler.len(),
        "同旨: boilerplate"
    );
    let reps = bodies(texts, &boiler, near)?;
    tracing::debug!(
        seconds = t.elapsed().as_secs_f64(),
        bodies = reps.len(),
        "同旨: bodies"
    );
    let mut group_of: Vec<usize> = (0..reps.len()).collect();
    if near {
        leaders(&reps, &mut group_of);
        tracing::debug!(seconds = t.elapsed().as_secs_f64(), "同旨: leaders");
        cores(&reps, &mut group_of);
        tracing::debug!(seconds = t.elapsed().as_secs_f64(), "同旨: cores");
    }
    let mut groups: HashMap<usize, Vec<i64>> = HashMap::new();
    for (i, rep) in reps.iter().enumerate() {
        groups
            .entry(group_of[i])
            .or_default()
            .extend(rep.ids.iter().copied());
    }
    let mut out: Vec<Vec<i64>> = groups.into_values().filter(|g| g.len() >= 2).collect();
    // Ids come in No. order from the database; in input order from a slice.
    for g in &mut out {
        g.sort_unstable();
    }
    out.sort_by_key(|g| g[0]);
    Ok(out)
}

/// Step 3: every body joins its most similar earlier leader, or leads.
fn leaders(reps: &[Rep], group_of: &mut [usize]) {
    let mut buckets = Buckets::new();
    for (i, rep) in reps.iter().enumerate() {
        let Some(sig) = &rep.sig else { continue };
        let keys = Buckets::keys(sig);
        let sig_of = |l: usize| reps[l].sig.expect("leaders have signatures");
        match buckets.best(sig, &keys, sig_of, THRESHOLD) {
            Some((_, l)) => group_of[i] = l,
            None => buckets.add(&keys, i),
        }
    }
}

/// Step 4: cores of the pieces; similar cores merge, lone texts join the core they resemble.
fn cores(reps: &[Rep], group_of: &mut [usize]) {
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, g) in group_of.iter().enumerate() {
        members.entry(*g).or_default().push(i);
    }
    // A core: the sentences at least half the piece's copies have, as one signature.
    let mut core_sigs: Vec<(usize, Signature, Vec<u32>)> = Vec::new();
    let mut pieces: Vec<(&usize, &Vec<usize>)> = members.iter().collect();
    pieces.sort_by_key(|(g, _)| **g);
    for (g, list) in pieces {
        let copies: usize = list.iter().map(|i| reps[*i].ids.len()).sum();
        if list.len() < 3 && copies < 3 {
            continue;
        }
        let mut count: HashMap<u32, usize> = HashMap::new();
        for i in list {
            let mut seen = reps[*i].sentences.clone();
            seen.sort_unstable();
            seen.dedup();
            for s in seen {
                *count.entry(s).or_default() += reps[*i].ids.len();
            }
        }
        let core: std::collections::HashSet<u32> = count
            .into_iter()
            .filter(|(_, n)| n * 2 >= copies)
            .map(|(s, _)| s)
            .collect();
        // The core's text: the leader's sentences that are in the core, in its order.
        let Some(sig) = core_signature(&reps[*g], &core, reps, list) else {
            continue;
        };
        core_sigs.push((*g, sig, core.into_iter().collect()));
    }
    if core_sigs.is_empty() {
        return;
    }
    // Similar cores merge (into the earlier piece).
    let mut buckets = Buckets::new();
    let mut merged_into: HashMap<usize, usize> = HashMap::new();
    let mut kept: Vec<usize> = Vec::new();
    for (k, (g, sig, _)) in core_sigs.iter().enumerate() {
        let keys = Buckets::keys(sig);
        match buckets.best(sig, &keys, |j| core_sigs[j].1, CORE_THRESHOLD) {
            Some((_, j)) => {
                let target = core_sigs[j].0;
                merged_into.insert(*g, *merged_into.get(&target).unwrap_or(&target));
            }
            None => {
                buckets.add(&keys, k);
                kept.push(k);
            }
        }
    }
    for g in group_of.iter_mut() {
        if let Some(t) = merged_into.get(g) {
            *g = *t;
        }
    }
    // Texts outside a cored piece join the most similar core.
    let cored: std::collections::HashSet<usize> = kept.iter().map(|k| core_sigs[*k].0).collect();
    let found: Vec<Option<usize>> = parallel_map(reps, |rep| {
        let sig = rep.sig.as_ref()?;
        let keys = Buckets::keys(sig);
        buckets
            .best(sig, &keys, |j| core_sigs[j].1, CORE_THRESHOLD)
            .map(|(_, j)| core_sigs[j].0)
    });
    for (i, target) in found.into_iter().enumerate() {
        if let Some(t) = target {
            if !cored.contains(&group_of[i]) {
                group_of[i] = t;
            }
        }
    }
}

/// The signature of a piece's core text: its leader's core sentences, or, when the leader
/// lacks some, the member that has the most.
fn core_signature(
    leader: &Rep,
    core: &std::collections::HashSet<u32>,
    reps: &[Rep],
    list: &[usize],
) -> Option<Signature> {
    let best = list
        .iter()
        .map(|i| &reps[*i])
        .chain(std::iter::once(leader))
        .max_by_key(|r| {
            let inside = r.sentences.iter().filter(|s| core.contains(s)).count();
            (inside, std::cmp::Reverse(r.sentences.len()))
        })?;
    let inside = best.sentences.iter().filter(|s| core.contains(s)).count();
    if inside == best.sentences.len() {
        return best.sig;
    }
    // Without the sentences outside the core, the best member's signature would need its
    // text; its own signature stands in (its extra sentences are few by construction).
    best.sig
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
