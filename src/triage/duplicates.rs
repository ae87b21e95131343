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
//!    bits); banded LSH (25 bands of 5) finds candidates, and a body joins the most similar
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
const BANDS: usize = 25;
const ROWS: usize = 5;
/// Share of equal signature values from which a body joins a leader.
pub const THRESHOLD: f64 = 0.6;
/// From which a text joins a campaign's core.
const CORE_THRESHOLD: f64 = 0.5;
/// From which two pieces' cores merge by their signatures; they also merge when most of
/// their sentences are the same (pieces of one campaign share its template's).
const MERGE_THRESHOLD: f64 = 0.7;

/// Cores whose sentences agree merge from this signature similarity on: two campaigns whose
/// copies open with the same greeting of several lines share sentences, not text.
const AGREE_FLOOR: f64 = 0.3;
/// A text contained in a core joins it from this similarity on. Both floors measured on
/// the independent generator (tests/bench/independent_campaigns.py, 100k): precision 0.699
/// without them, 0.999 with; pubcom's synth unchanged (0.998 / 0.997); 0.4 here instead of
/// 0.3 above lost recall on small consultations (6,000 comments: 0.86).
const CONTAINED_FLOOR: f64 = 0.35;

/// Two cores of one campaign: at least two sentences shared, and half of all.
fn sentences_agree(a: &[u32], b: &[u32]) -> bool {
    let both = overlap(a, b);
    both >= 2 && both * 2 >= a.len() + b.len() - both
}

/// How many sentence hashes two sorted sets share.
fn overlap(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut both) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    both
}
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
/// What receives the texts, a batch of (id, text) at a time.
pub type Batch<'a> = &'a mut dyn FnMut(&[(i64, String)]);

/// `every` > 1 asks for a sample: about one text in `every`.
pub trait Texts {
    fn each_batch(&mut self, every: usize, f: Batch<'_>) -> anyhow::Result<()>;
}

impl Texts for &[(i64, String)] {
    fn each_batch(&mut self, every: usize, f: Batch<'_>) -> anyhow::Result<()> {
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

/// LSH buckets of leaders: each band key (the band's number mixed in) with the first two
/// leaders that have it. Two are enough: leaders are texts unlike every earlier leader, so
/// few share five bins; a million comments make some 15 million keys, kept in one table
/// of 16-byte entries.
struct Buckets {
    keys: HashMap<u64, [u32; 2]>,
}

const EMPTY: u32 = u32::MAX;

impl Buckets {
    fn new() -> Self {
        Buckets {
            keys: HashMap::new(),
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
        for key in keys {
            for &l in self.keys.get(key).into_iter().flatten() {
                if l == EMPTY {
                    continue;
                }
                let l = l as usize;
                let s = similarity(sig, &sig_of(l));
                if s >= threshold && best.is_none_or(|(b, i)| s > b || (s == b && l < i)) {
                    best = Some((s, l));
                }
            }
        }
        best
    }

    fn add(&mut self, keys: &[u64; BANDS], entry: usize) {
        for key in keys {
            let slot = self.keys.entry(*key).or_insert([EMPTY; 2]);
            if let Some(free) = slot.iter_mut().find(|l| **l == EMPTY) {
                *free = entry as u32;
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
        let mut core: Vec<u32> = core.into_iter().collect();
        core.sort_unstable();
        core_sigs.push((*g, sig, core));
    }
    if core_sigs.is_empty() {
        return;
    }
    // Cores sharing a sentence are compared (pieces of one campaign share its template's);
    // LSH alone misses pairs near the thresholds.
    let mut by_sentence: HashMap<u32, Vec<usize>> = HashMap::new();
    for (k, (_, _, core)) in core_sigs.iter().enumerate() {
        for s in core {
            let list = by_sentence.entry(*s).or_default();
            if list.len() < MAX_CORES_PER_SENTENCE {
                list.push(k);
            }
        }
    }
    let candidates = |sentences: &[u32]| -> Vec<usize> {
        let mut found: Vec<usize> = sentences
            .iter()
            .flat_map(|s| by_sentence.get(s).into_iter().flatten().copied())
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    };
    // Similar cores merge into the earliest piece of their campaign.
    let mut root: Vec<usize> = (0..core_sigs.len()).collect();
    fn find(root: &mut [usize], mut k: usize) -> usize {
        while root[k] != k {
            root[k] = root[root[k]];
            k = root[k];
        }
        k
    }
    for k in 0..core_sigs.len() {
        let (_, sig, core) = &core_sigs[k];
        for j in candidates(core) {
            if j >= k {
                continue;
            }
            let s = similarity(sig, &core_sigs[j].1);
            let same = s >= MERGE_THRESHOLD
                || (s >= AGREE_FLOOR && sentences_agree(core, &core_sigs[j].2));
            if same {
                let (a, b) = (find(&mut root, j), find(&mut root, k));
                if a != b {
                    root[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let piece_of: HashMap<usize, usize> = (0..core_sigs.len())
        .map(|k| (core_sigs[k].0, core_sigs[find(&mut root, k)].0))
        .collect();
    for g in group_of.iter_mut() {
        if let Some(t) = piece_of.get(g) {
            *g = *t;
        }
    }
    // Texts outside a cored piece join the core they resemble most.
    let found: Vec<Option<usize>> = parallel_map(reps, |rep| {
        let sig = rep.sig.as_ref()?;
        let mut mine = rep.sentences.clone();
        mine.sort_unstable();
        mine.dedup();
        candidates(&mine)
            .into_iter()
            .map(|k| {
                let s = similarity(sig, &core_sigs[k].1);
                // Most of the text is the core's, and most of the core is in the text.
                let shared = overlap(&mine, &core_sigs[k].2);
                let contained =
                    shared >= 2 && shared * 2 >= mine.len() && shared * 2 >= core_sigs[k].2.len();
                // …and its signature is not far from the core's: sharing a greeting of
                // several lines and a closing is not being a copy.
                let joins = contained && s >= CONTAINED_FLOOR;
                (if joins { s.max(CORE_THRESHOLD) } else { s }, k)
            })
            .filter(|(s, _)| *s >= CORE_THRESHOLD)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, k)| piece_of[&core_sigs[k].0])
    });
    for (i, target) in found.into_iter().enumerate() {
        if let Some(t) = target {
            if !piece_of.contains_key(&group_of[i]) {
                group_of[i] = t;
            }
        }
    }
}

/// Cores looked at per sentence: a sentence in more cores than this is no campaign's own.
const MAX_CORES_PER_SENTENCE: usize = 64;

/// The signature that stands for a piece's core: that of the member whose sentences are
/// most in the core (fewest others on a tie) — the copy closest to the template. (The
/// texts are not kept, so the core's own text cannot be hashed.)
fn core_signature(
    leader: &Rep,
    core: &std::collections::HashSet<u32>,
    reps: &[Rep],
    list: &[usize],
) -> Option<Signature> {
    list.iter()
        .map(|i| &reps[*i])
        .chain(std::iter::once(leader))
        .max_by_key(|r| {
            let inside = r.sentences.iter().filter(|s| core.contains(s)).count();
            (inside, std::cmp::Reverse(r.sentences.len()))
        })?
        .sig
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Opinions of different comments, one sentence each.
    const OPINIONS: [&str; 14] = [
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

    fn items(texts: &[&str]) -> Vec<(i64, String)> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| (i as i64 + 1, t.to_string()))
            .collect()
    }

    #[test]
    fn a_chain_of_small_differences_does_not_join_its_ends() {
        let sentences = OPINIONS;
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

    /// The synthetic consultation's campaigns, copied with every kind of edit, are found
    /// whole and nothing else is merged into them (`pubcom bench` reports the same at scale).
    #[test]
    fn campaigns_are_found_whole_whatever_their_copies_changed() {
        let (mut csv, mut truth) = (Vec::new(), Vec::new());
        crate::bench::synth::write(6_000, 11, &mut csv, &mut truth).unwrap();
        let mut reader = csv::Reader::from_reader(csv.as_slice());
        let texts: Vec<(i64, String)> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (r[0].parse().unwrap(), r[7].to_string())
            })
            .collect();
        let truth = String::from_utf8(truth).unwrap();
        let planted: Vec<(i64, usize, &str)> = truth
            .lines()
            .skip(1)
            .map(|l| {
                let mut c = l.splitn(3, ',');
                (
                    c.next().unwrap().parse().unwrap(),
                    c.next().unwrap().parse().unwrap(),
                    c.next().unwrap(),
                )
            })
            .collect();
        let groups = find_groups(&texts, true);
        let campaigns: HashMap<i64, usize> = planted.iter().map(|(n, c, _)| (*n, *c)).collect();
        let (precision, recall) = crate::bench::measure::score(&groups, &campaigns);
        for (edit, n, r) in crate::bench::measure::recall_by_edit(&groups, &planted) {
            println!("{edit} {n} {r:.3}");
        }
        let sizes: Vec<usize> = groups.iter().map(Vec::len).filter(|n| *n > 5).collect();
        println!("groups over 5: {sizes:?}");
        assert!(precision >= 0.99, "precision {precision}");
        assert!(recall >= 0.95, "recall {recall}");
        for (edit, n, r) in crate::bench::measure::recall_by_edit(&groups, &planted) {
            assert!(r >= 0.9, "copies with {edit} ({n}): recall {r}");
        }
    }

    #[test]
    fn comments_sharing_only_a_greeting_are_not_the_same() {
        let greeting = "お世話になっております。\n";
        let opinions = &OPINIONS[..8];
        let texts: Vec<String> = opinions.iter().map(|o| format!("{greeting}{o}")).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        assert!(find_groups(&items(&refs), true).is_empty());
        // Two alone, too (too few to learn that the greeting is boilerplate).
        assert!(find_groups(&items(&refs[..2]), true).is_empty());
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

    #[test]
    fn sharing_a_campaigns_greeting_of_two_lines_is_not_being_a_copy() {
        // Every copy opens with the same two-line greeting; so do other comments, around two
        // long sentences of their own. They share two of the campaign's four sentences.
        let greeting = "医療機器メーカーで製品セキュリティを担当しております。医療機関に製品を納入する立場から、本案について次のとおり意見を申し上げます。\n";
        let closings = ["", "\nよろしくお願いいたします。", "\n以上です。"];
        let mut texts = Vec::new();
        for k in 0..40 {
            texts.push(format!(
                "{greeting}{}{}{}",
                OPINIONS[0],
                OPINIONS[1],
                closings[k % 3]
            ));
        }
        // Long sentences of their own, each unlike the others'.
        let words = [
            "電子署名",
            "タイムスタンプ",
            "仮想デスクトップ",
            "閉域網",
            "脆弱性診断",
            "権限管理",
            "委託契約",
            "保守端末",
            "無線通信",
            "監査証跡",
            "復旧手順",
            "教育訓練",
            "可搬媒体",
        ];
        let long = |k: usize| -> String {
            (0..6)
                .map(|i| words[(k * 7 + i * (k % 5 + 1)) % words.len()])
                .collect::<Vec<_>>()
                .join("と")
                + &format!("の組合せ{k}について、運用上の留意点を具体的に示していただきたい。")
        };
        for k in 0..12 {
            texts.push(format!("{greeting}{}{}", long(k), long(k + 100)));
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let groups = find_groups(&items(&refs), true);
        let campaign = groups
            .iter()
            .find(|g| g.contains(&1))
            .expect("the campaign");
        assert!(campaign.len() >= 38, "{}", campaign.len());
        let others = campaign.iter().filter(|id| **id > 40).count();
        assert_eq!(others, 0, "others taken into the campaign");
    }
}
