//! Suggested 論点 (topics): groups of comments that make the same point in different words.
//!
//! Offline and deterministic. Each comment becomes a sparse TF-IDF vector over character
//! n-grams of its NFKC-normalised text (bigrams within runs of kanji, katakana or latin letters
//! and digits; hiragana, mostly particles, is weighted down). The vectors are clustered by
//! spherical k-means whose assignment step runs over an inverted index of truncated centroids,
//! so one pass costs the postings touched rather than docs × clusters. Each clustering round
//! keeps the groups whose members are similar enough to each other and re-clusters the rest;
//! groups that turn out to be parts of one topic are merged at the end.

use std::collections::{BTreeMap, HashMap};
use unicode_normalization::UnicodeNormalization;

/// One comment to cluster.
pub struct Doc<'a> {
    pub id: i64,
    pub text: &'a str,
}

/// One suggested topic.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// Member ids, most central first (the first is the representative).
    pub members: Vec<i64>,
    /// The most distinctive phrases of the group, best first (3–6 of them), each a readable
    /// piece of the members' text (e.g. 「クラウドサービス」「外部委託」), not raw bigrams where avoidable.
    pub key_phrases: Vec<String>,
    /// Mean cosine of the members to the group's centroid, 0..1.
    pub cohesion: f32,
}

impl Suggestion {
    pub fn representative(&self) -> i64 {
        self.members[0]
    }
}

#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Params {
    pub hiragana_weight: f32,
    pub trigrams: bool,
    pub single_kanji: bool,
    pub max_df: f32,
    pub doc_terms: usize,
    pub centroid_terms: usize,
    pub docs_per_cluster: usize,
    pub max_k: usize,
    pub iterations: usize,
    pub rounds: usize,
    pub min_member_cos: f32,
    pub rel_member_cos: f32,
    pub min_pair_sim: f32,
    pub small_bonus: f32,
    pub merge_ratio: f32,
    pub split_ratio: f32,
    pub merge_candidate_cos: f32,
    pub sublinear_tf: bool,
}

#[doc(hidden)]
pub const DEFAULT: Params = Params {
    hiragana_weight: 0.1,
    trigrams: false,
    single_kanji: false,
    max_df: 0.5,
    doc_terms: 32,
    centroid_terms: 160,
    docs_per_cluster: 15,
    max_k: 400,
    iterations: 10,
    rounds: 3,
    min_member_cos: 0.1,
    rel_member_cos: 0.4,
    min_pair_sim: 0.1,
    small_bonus: 0.15,
    merge_ratio: 0.5,
    split_ratio: 0.4,
    merge_candidate_cos: 0.15,
    sublinear_tf: true,
};

/// Phrases are built from this many of a group's top centroid terms …
const PHRASE_TERMS: usize = 24;
/// … as they occur in this many of its most central members.
const PHRASE_DOCS: usize = 40;
const POWER_ITERATIONS: usize = 8;
const POLISH_ITERATIONS: usize = 4;
const MAX_PHRASES: usize = 6;
/// Widening a phrase stops at this length.
const MAX_PHRASE_CHARS: usize = 12;
#[doc(hidden)]
pub static DEBUG_COS: std::sync::Mutex<Vec<Vec<f32>>> = std::sync::Mutex::new(Vec::new());
const SEED: u64 = 0x5EED_0F_70_91C5;

/// Suggestions for `docs`, largest first (ties: smaller first member id). Same input (in any
/// order) → same output.
pub fn suggest(docs: &[Doc]) -> Vec<Suggestion> {
    suggest_with(docs, &DEFAULT)
}

#[doc(hidden)]
pub fn suggest_with(docs: &[Doc], p: &Params) -> Vec<Suggestion> {
    let mut docs: Vec<&Doc> = docs.iter().collect();
    docs.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.text.cmp(b.text)));
    let t0 = std::time::Instant::now();
    let features = Features::build(docs.iter().map(|d| d.text), p);
    let t1 = std::time::Instant::now();
    let groups = cluster(&features, p);
    let t2 = std::time::Instant::now();
    let mut acc = Accum::new(features.keys.len());
    let mut out: Vec<Suggestion> = groups
        .iter()
        .map(|g| describe(&features, g, &docs, &mut acc, p))
        .collect();
    if std::env::var("TIMING").is_ok() {
        eprintln!(
            "features {:?} cluster {:?} describe {:?}",
            t1 - t0,
            t2 - t1,
            t2.elapsed()
        );
    }
    out.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then_with(|| a.members[0].cmp(&b.members[0]))
    });
    out
}

// ---------------------------------------------------------------------------------------------
// Text and features

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Kanji,
    Katakana,
    Latin,
    Hiragana,
    Other,
}

fn class(c: char) -> Class {
    match c {
        '々' | '〆' | 'ヶ' | 'ヵ' => Class::Kanji,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' => Class::Kanji,
        '\u{20000}'..='\u{3FFFF}' => Class::Kanji,
        '\u{3041}'..='\u{3096}' | 'ゝ' | 'ゞ' => Class::Hiragana,
        '\u{30A1}'..='\u{30FA}' | 'ー' | 'ヽ' | 'ヾ' => Class::Katakana,
        c if c.is_alphanumeric() => Class::Latin,
        _ => Class::Other,
    }
}

fn normalise(text: &str) -> Vec<char> {
    text.nfkc().map(|c| c.to_ascii_lowercase()).collect()
}

/// An n-gram packed into a u64 (21 bits a character); `start` and `len` are in characters.
#[derive(Clone, Copy)]
struct Gram {
    start: usize,
    len: usize,
    key: u64,
}

/// Calls `f` for every n-gram of `chars` that is a feature: bigrams (and, if enabled, trigrams
/// and lone kanji) within runs of one script.
fn grams(chars: &[char], p: &Params, mut f: impl FnMut(Gram)) {
    let mut start = 0;
    while start < chars.len() {
        let cls = class(chars[start]);
        let mut end = start + 1;
        while end < chars.len() && class(chars[end]) == cls {
            end += 1;
        }
        let skip = cls == Class::Other || (cls == Class::Hiragana && p.hiragana_weight <= 0.0);
        if !skip {
            let run = &chars[start..end];
            if run.len() == 1 && cls == Class::Kanji && p.single_kanji {
                f(Gram {
                    start,
                    len: 1,
                    key: pack(run),
                });
            }
            for (i, w) in run.windows(2).enumerate() {
                f(Gram {
                    start: start + i,
                    len: 2,
                    key: pack(w),
                });
            }
            if p.trigrams {
                for (i, w) in run.windows(3).enumerate() {
                    f(Gram {
                        start: start + i,
                        len: 3,
                        key: pack(w),
                    });
                }
            }
        }
        start = end;
    }
}

fn pack(chars: &[char]) -> u64 {
    chars
        .iter()
        .fold(0u64, |k, &c| (k << 21) | c as u64)
        // Left-align so that "ab" and "\0ab" differ and the first character sits at bit 42.
        << (21 * (3 - chars.len()))
}

fn first_char(key: u64) -> char {
    char::from_u32((key >> 42) as u32).unwrap_or(' ')
}

/// L2-normalised sparse TF-IDF vectors, one row per doc (rows sorted by term), plus the packed
/// n-gram of every term.
struct Features {
    ptr: Vec<usize>,
    terms: Vec<u32>,
    weights: Vec<f32>,
    keys: Vec<u64>,
}

impl Features {
    fn build<'t>(texts: impl Iterator<Item = &'t str>, p: &Params) -> Features {
        let mut vocab: HashMap<u64, u32> = HashMap::new();
        let mut keys: Vec<u64> = Vec::new();
        let mut df: Vec<u32> = Vec::new();
        let mut tf_ptr = vec![0usize];
        let mut tf: Vec<(u32, u32)> = Vec::new();
        let mut ids: Vec<u32> = Vec::new();
        for text in texts {
            let chars = normalise(text);
            ids.clear();
            grams(&chars, p, |g| {
                let next = keys.len() as u32;
                let id = *vocab.entry(g.key).or_insert(next);
                if id == next {
                    keys.push(g.key);
                    df.push(0);
                }
                ids.push(id);
            });
            ids.sort_unstable();
            for run in ids.chunk_by(|a, b| a == b) {
                tf.push((run[0], run.len() as u32));
                df[run[0] as usize] += 1;
            }
            tf_ptr.push(tf.len());
        }
        drop(vocab);

        let n = tf_ptr.windows(2).filter(|w| w[1] > w[0]).count() as f32;
        let max_df = (n * p.max_df).floor() as u32;
        let mut compact = vec![u32::MAX; keys.len()];
        let mut kept_keys = Vec::new();
        let mut idf = Vec::new();
        for (t, &d) in df.iter().enumerate() {
            if d >= 2 && d <= max_df {
                compact[t] = kept_keys.len() as u32;
                kept_keys.push(keys[t]);
                let factor = if class(first_char(keys[t])) == Class::Hiragana {
                    p.hiragana_weight
                } else {
                    1.0
                };
                idf.push((n / d as f32).ln() * factor);
            }
        }

        let mut out = Features {
            ptr: vec![0],
            terms: Vec::new(),
            weights: Vec::new(),
            keys: kept_keys,
        };
        let mut row: Vec<(u32, f32)> = Vec::new();
        for w in tf_ptr.windows(2) {
            row.clear();
            for &(t, count) in &tf[w[0]..w[1]] {
                let c = compact[t as usize];
                if c != u32::MAX {
                    let tfw = if p.sublinear_tf {
                        1.0 + (count as f32).ln()
                    } else {
                        count as f32
                    };
                    row.push((c, tfw * idf[c as usize]));
                }
            }
            top_normalised(&mut row, p.doc_terms);
            for &(t, x) in row.iter() {
                out.terms.push(t);
                out.weights.push(x);
            }
            out.ptr.push(out.terms.len());
        }
        out
    }

    fn len(&self) -> usize {
        self.ptr.len() - 1
    }

    fn row(&self, i: u32) -> (&[u32], &[f32]) {
        let (a, b) = (self.ptr[i as usize], self.ptr[i as usize + 1]);
        (&self.terms[a..b], &self.weights[a..b])
    }
}

/// Keeps the `n` heaviest entries (ties: smaller term), L2-normalises them and sorts by term.
fn top_normalised(v: &mut Vec<(u32, f32)>, n: usize) {
    if v.len() > n {
        v.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(n);
    }
    let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| x.1 /= norm);
    } else {
        v.clear();
    }
    v.sort_unstable_by_key(|x| x.0);
}

/// A dense vector over the vocabulary that remembers which entries it touched.
struct Accum {
    vals: Vec<f32>,
    touched: Vec<u32>,
}

impl Accum {
    fn new(n: usize) -> Accum {
        Accum {
            vals: vec![0.0; n],
            touched: Vec::new(),
        }
    }

    fn add_row(&mut self, f: &Features, i: u32, scale: f32) {
        let (ts, ws) = f.row(i);
        for (&t, &w) in ts.iter().zip(ws) {
            let v = &mut self.vals[t as usize];
            if *v == 0.0 {
                self.touched.push(t);
            }
            *v += w * scale;
        }
    }

    fn add(&mut self, t: u32, w: f32) {
        let v = &mut self.vals[t as usize];
        if *v == 0.0 {
            self.touched.push(t);
        }
        *v += w;
    }

    fn dot_row(&self, f: &Features, i: u32) -> f32 {
        let (ts, ws) = f.row(i);
        ts.iter()
            .zip(ws)
            .map(|(&t, &w)| w * self.vals[t as usize])
            .sum()
    }

    /// The accumulated vector, sorted by term; resets the accumulator.
    fn take(&mut self) -> Vec<(u32, f32)> {
        self.touched.sort_unstable();
        let out = self
            .touched
            .iter()
            .map(|&t| (t, std::mem::take(&mut self.vals[t as usize])))
            .collect();
        self.touched.clear();
        out
    }

    /// Sum of the rows `members`.
    fn sum(&mut self, f: &Features, members: &[u32]) -> Vec<(u32, f32)> {
        for &m in members {
            self.add_row(f, m, 1.0);
        }
        self.take()
    }
}

fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Clustering

/// splitmix64: a fixed-seed generator, so runs are reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Term → (row, weight) postings over a set of sparse vectors.
struct Index {
    ptr: Vec<usize>,
    rows: Vec<u32>,
    weights: Vec<f32>,
}

impl Index {
    fn build<'v>(n_terms: usize, vectors: impl Iterator<Item = &'v [(u32, f32)]> + Clone) -> Index {
        let mut ptr = vec![0usize; n_terms + 1];
        for v in vectors.clone() {
            for &(t, _) in v {
                ptr[t as usize + 1] += 1;
            }
        }
        for t in 0..n_terms {
            ptr[t + 1] += ptr[t];
        }
        let mut fill = ptr.clone();
        let mut rows = vec![0u32; ptr[n_terms]];
        let mut weights = vec![0f32; ptr[n_terms]];
        for (r, v) in vectors.enumerate() {
            for &(t, w) in v {
                let slot = &mut fill[t as usize];
                rows[*slot] = r as u32;
                weights[*slot] = w;
                *slot += 1;
            }
        }
        Index { ptr, rows, weights }
    }

    /// Adds `query · row` into `scores` for every row sharing a term with the query.
    fn score(&self, terms: &[u32], ws: &[f32], scores: &mut [f32], touched: &mut Vec<u32>) {
        for (&t, &w) in terms.iter().zip(ws) {
            let (a, b) = (self.ptr[t as usize], self.ptr[t as usize + 1]);
            for (&r, &x) in self.rows[a..b].iter().zip(&self.weights[a..b]) {
                let s = &mut scores[r as usize];
                if *s == 0.0 {
                    touched.push(r);
                }
                *s += w * x;
            }
        }
    }
}

fn cluster(f: &Features, p: &Params) -> Vec<Vec<u32>> {
    let mut rng = Rng(SEED);
    let mut acc = Accum::new(f.keys.len());
    let mut acc2 = Accum::new(f.keys.len());
    let mut active: Vec<u32> = (0..f.len() as u32)
        .filter(|&i| !f.row(i).0.is_empty())
        .collect();
    let mut kept = Vec::new();
    for _ in 0..p.rounds {
        if active.len() < 2 {
            break;
        }
        let k = (active.len() / p.docs_per_cluster).clamp(2, p.max_k);
        let (groups, mut rest) = kmeans(f, &active, k, &mut rng, &mut acc, p);
        let mut parts = Vec::new();
        for g in groups {
            bisect(f, g, &mut acc, &mut acc2, p, &mut parts);
        }
        for g in parts {
            let (good, bad) = refine(f, g, &mut acc, p);
            kept.extend(good);
            rest.extend(bad);
        }
        rest.sort_unstable();
        active = rest;
    }
    merge(f, kept, &mut acc, p)
}

/// Spherical k-means over the rows `docs`, seeded by k-means++. Returns the non-empty clusters
/// and the docs sharing no term with any centroid.
fn kmeans(
    f: &Features,
    docs: &[u32],
    k: usize,
    rng: &mut Rng,
    acc: &mut Accum,
    p: &Params,
) -> (Vec<Vec<u32>>, Vec<u32>) {
    let n_terms = f.keys.len();
    let ts0 = std::time::Instant::now();
    let sd = seeds(f, docs, k, rng);
    if std::env::var("TIMING").is_ok() {
        eprintln!("  seeds {} docs k {}: {:?}", docs.len(), k, ts0.elapsed());
    }
    let mut centroids: Vec<Vec<(u32, f32)>> = sd
        .into_iter()
        .map(|i| {
            let (ts, ws) = f.row(docs[i]);
            ts.iter().copied().zip(ws.iter().copied()).collect()
        })
        .collect();
    let mut assign = vec![u32::MAX; docs.len()];
    let mut scores = vec![0f32; centroids.len()];
    let mut touched = Vec::new();
    for iteration in 0..p.iterations {
        let index = Index::build(n_terms, centroids.iter().map(|c| c.as_slice()));
        let mut changed = false;
        for (slot, &d) in assign.iter_mut().zip(docs) {
            let (ts, ws) = f.row(d);
            index.score(ts, ws, &mut scores, &mut touched);
            let mut best = (u32::MAX, 0.0f32);
            for &c in &touched {
                let s = std::mem::take(&mut scores[c as usize]);
                if s > best.1 || (s == best.1 && c < best.0) {
                    best = (c, s);
                }
            }
            touched.clear();
            changed |= *slot != best.0;
            *slot = best.0;
        }
        if !changed || iteration + 1 == p.iterations {
            break;
        }
        for (c, members) in centroids.iter_mut().zip(members_of(&assign, docs, k).0) {
            *c = acc.sum(f, &members);
            top_normalised(c, p.centroid_terms);
        }
    }
    if std::env::var("TIMING").is_ok() {
        eprintln!("  kmeans total {:?}", ts0.elapsed());
    }
    let (mut groups, unassigned) = members_of(&assign, docs, k);
    groups.retain(|g| !g.is_empty());
    (groups, unassigned)
}

/// The docs of each cluster `0..k`, and the docs assigned to none.
fn members_of(assign: &[u32], docs: &[u32], k: usize) -> (Vec<Vec<u32>>, Vec<u32>) {
    let mut out = vec![Vec::new(); k];
    let mut none = Vec::new();
    for (&a, &d) in assign.iter().zip(docs) {
        match out.get_mut(a as usize) {
            Some(g) => g.push(d),
            None => none.push(d),
        }
    }
    (out, none)
}

/// k-means++ seeding (positions in `docs`): each next seed is drawn with probability
/// proportional to its squared cosine distance to the nearest seed so far.
fn seeds(f: &Features, docs: &[u32], k: usize, rng: &mut Rng) -> Vec<usize> {
    let rows: Vec<Vec<(u32, f32)>> = docs
        .iter()
        .map(|&d| {
            let (ts, ws) = f.row(d);
            ts.iter().copied().zip(ws.iter().copied()).collect()
        })
        .collect();
    let index = Index::build(f.keys.len(), rows.iter().map(|r| r.as_slice()));
    let mut dist = vec![1.0f32; docs.len()];
    let mut sims = vec![0f32; docs.len()];
    let mut touched = Vec::new();
    let mut out = Vec::with_capacity(k);
    let mut next = (rng.next() % docs.len() as u64) as usize;
    loop {
        out.push(next);
        if out.len() == k {
            break;
        }
        let (ts, ws) = f.row(docs[next]);
        index.score(ts, ws, &mut sims, &mut touched);
        for &r in &touched {
            let s = std::mem::take(&mut sims[r as usize]);
            let d = &mut dist[r as usize];
            *d = d.min((1.0 - s).max(0.0));
        }
        touched.clear();
        dist[next] = 0.0;
        let total: f64 = dist.iter().map(|&d| (d * d) as f64).sum();
        if total <= 0.0 {
            break;
        }
        let mut target = rng.unit() * total;
        next = dist.len() - 1;
        for (i, &d) in dist.iter().enumerate() {
            target -= (d * d) as f64;
            if target < 0.0 && d > 0.0 {
                next = i;
                break;
            }
        }
        if dist[next] == 0.0 {
            break;
        }
    }
    out
}

/// Drops members whose cosine to the centroid of the others is low, then keeps the group if it
/// still has two members that are, on average, similar to each other. Returns (kept, dropped).
fn refine(
    f: &Features,
    mut g: Vec<u32>,
    acc: &mut Accum,
    p: &Params,
) -> (Option<Vec<u32>>, Vec<u32>) {
    let mut dropped = Vec::new();
    loop {
        if g.len() < 2 {
            dropped.extend(g);
            return (None, dropped);
        }
        for &m in &g {
            acc.add_row(f, m, 1.0);
        }
        let sum = acc.take();
        let s2: f32 = sum.iter().map(|x| x.1 * x.1).sum();
        for &(t, w) in &sum {
            acc.vals[t as usize] = w;
            acc.touched.push(t);
        }
        let before = g.len();
        // Leave-one-out: each member's cosine to the sum of the others.
        let loo: Vec<f32> = g
            .iter()
            .map(|&m| {
                let d = acc.dot_row(f, m);
                (d - 1.0) / (s2 - 2.0 * d + 1.0).max(1e-12).sqrt()
            })
            .collect();
        acc.take();
        let mut sorted = loo.clone();
        sorted.sort_by(f32::total_cmp);
        let min = p
            .min_member_cos
            .max(p.rel_member_cos * sorted[sorted.len() / 2]);
        let mut keep = Vec::with_capacity(g.len());
        for (&m, &c) in g.iter().zip(&loo) {
            if c >= min {
                keep.push(m);
            } else {
                dropped.push(m);
            }
        }
        g = keep;
        if g.len() == before {
            let n = g.len() as f32;
            let pair_sim = (s2 - n) / (n * (n - 1.0));
            if pair_sim >= p.min_pair_sim + p.small_bonus / (n - 1.0) {
                return (Some(g), dropped);
            }
            dropped.extend(g);
            return (None, dropped);
        }
    }
}

/// Splits `g` recursively in two while the halves look like different topics: while the mean
/// similarity across the halves is below `split_ratio` of the mean similarity within the less
/// cohesive half. The halves come from the principal direction of the members (power
/// iteration), polished by a few 2-means steps.
fn bisect(
    f: &Features,
    g: Vec<u32>,
    a: &mut Accum,
    b: &mut Accum,
    p: &Params,
    out: &mut Vec<Vec<u32>>,
) {
    let mut stack = vec![g];
    while let Some(g) = stack.pop() {
        if g.len() < 4 {
            out.push(g);
            continue;
        }
        let halves = split_in_two(f, &g, a, b);
        let sums = [a.sum(f, &halves[0]), a.sum(f, &halves[1])];
        let within = |h: &[u32], s: &[(u32, f32)]| {
            let n = h.len() as f32;
            (s.iter().map(|x| x.1 * x.1).sum::<f32>() - n) / (n * (n - 1.0))
        };
        let distinct = halves[0].len() >= 2 && halves[1].len() >= 2 && {
            let cross = dot(&sums[0], &sums[1]) / (halves[0].len() * halves[1].len()) as f32;
            let w = within(&halves[0], &sums[0]).min(within(&halves[1], &sums[1]));
            cross < p.split_ratio * w
        };
        if distinct {
            let [h0, h1] = halves;
            stack.push(h1);
            stack.push(h0);
        } else {
            out.push(g);
        }
    }
}

fn split_in_two(f: &Features, g: &[u32], a: &mut Accum, b: &mut Accum) -> [Vec<u32>; 2] {
    let n = g.len() as f32;
    let mean: Vec<(u32, f32)> = a.sum(f, g).into_iter().map(|(t, w)| (t, w / n)).collect();
    // Principal direction of the centred members, starting from the least central one.
    let start = g
        .iter()
        .copied()
        .min_by(|&x, &y| {
            let (cx, cy) = (row_dot(f, x, &mean), row_dot(f, y, &mean));
            cx.total_cmp(&cy).then(x.cmp(&y))
        })
        .unwrap_or(g[0]);
    a.add_row(f, start, 1.0);
    for &(t, w) in &mean {
        a.add(t, -w);
    }
    for _ in 0..POWER_ITERATIONS {
        let mu = mean
            .iter()
            .map(|&(t, w)| w * a.vals[t as usize])
            .sum::<f32>();
        for &m in g {
            let x = a.dot_row(f, m) - mu;
            b.add_row(f, m, x);
        }
        a.take();
        let v = b.take();
        let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt().max(1e-12);
        for (t, w) in v {
            a.add(t, w / norm);
        }
    }
    let mu = mean
        .iter()
        .map(|&(t, w)| w * a.vals[t as usize])
        .sum::<f32>();
    let mut side: Vec<bool> = g.iter().map(|&m| a.dot_row(f, m) >= mu).collect();
    a.take();
    // 2-means polish: move each member to the nearer half centroid.
    for _ in 0..POLISH_ITERATIONS {
        for (&m, &s) in g.iter().zip(&side) {
            if s {
                a.add_row(f, m, 1.0);
            } else {
                b.add_row(f, m, 1.0);
            }
        }
        let na = norm_of(a).max(1e-12);
        let nb = norm_of(b).max(1e-12);
        let mut changed = false;
        for (&m, s) in g.iter().zip(side.iter_mut()) {
            let new = a.dot_row(f, m) / na >= b.dot_row(f, m) / nb;
            changed |= new != *s;
            *s = new;
        }
        a.take();
        b.take();
        if !changed {
            break;
        }
    }
    let mut halves = [Vec::new(), Vec::new()];
    for (&m, &s) in g.iter().zip(&side) {
        halves[usize::from(!s)].push(m);
    }
    halves
}

fn norm_of(a: &Accum) -> f32 {
    a.touched
        .iter()
        .map(|&t| a.vals[t as usize] * a.vals[t as usize])
        .sum::<f32>()
        .sqrt()
}

fn row_dot(f: &Features, i: u32, v: &[(u32, f32)]) -> f32 {
    let (ts, ws) = f.row(i);
    let mut s = 0.0;
    for (&t, &w) in ts.iter().zip(ws) {
        if let Ok(j) = v.binary_search_by_key(&t, |x| x.0) {
            s += w * v[j].1;
        }
    }
    s
}

/// A group being merged: its members, the sum of their vectors and its squared norm.
struct Merging {
    members: Vec<u32>,
    sum: Vec<(u32, f32)>,
    s2: f32,
}

impl Merging {
    /// Mean cosine between two distinct members.
    fn within(&self) -> f32 {
        let n = self.members.len() as f32;
        (self.s2 - n) / (n * (n - 1.0))
    }

    /// Whether the mean cosine across `self` and `other` is at least `ratio` of the lower
    /// mean cosine within them (average linkage, relative to cohesion).
    fn close_to(&self, other: &Merging, ratio: f32) -> bool {
        let cross = dot(&self.sum, &other.sum) / (self.members.len() * other.members.len()) as f32;
        cross >= ratio * self.within().min(other.within())
    }
}

/// Merges groups that are parts of one topic, closest pairs first, re-checking each pair
/// against the groups as merged so far so that merges do not chain.
fn merge(f: &Features, groups: Vec<Vec<u32>>, acc: &mut Accum, p: &Params) -> Vec<Vec<u32>> {
    let mut gs: Vec<Merging> = groups
        .into_iter()
        .map(|members| {
            let sum = acc.sum(f, &members);
            let s2 = sum.iter().map(|x| x.1 * x.1).sum();
            Merging { members, sum, s2 }
        })
        .collect();
    let tops: Vec<Vec<(u32, f32)>> = gs
        .iter()
        .map(|g| {
            let mut c = g.sum.clone();
            top_normalised(&mut c, p.centroid_terms);
            c
        })
        .collect();
    let index = Index::build(f.keys.len(), tops.iter().map(|c| c.as_slice()));
    let mut scores = vec![0f32; gs.len()];
    let mut touched = Vec::new();
    let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
    for (a, top) in tops.iter().enumerate() {
        let (ts, ws): (Vec<u32>, Vec<f32>) = top.iter().copied().unzip();
        index.score(&ts, &ws, &mut scores, &mut touched);
        for &b in &touched {
            let cos = std::mem::take(&mut scores[b as usize]);
            let b = b as usize;
            if b > a && cos >= p.merge_candidate_cos && gs[a].close_to(&gs[b], p.merge_ratio) {
                pairs.push((cos, a, b));
            }
        }
        touched.clear();
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    let mut parent: Vec<usize> = (0..gs.len()).collect();
    for (_, a, b) in pairs {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra == rb || !gs[ra].close_to(&gs[rb], p.merge_ratio) {
            continue;
        }
        let (keep, gone) = (ra.min(rb), ra.max(rb));
        parent[gone] = keep;
        let taken = std::mem::replace(
            &mut gs[gone],
            Merging {
                members: Vec::new(),
                sum: Vec::new(),
                s2: 0.0,
            },
        );
        for &(t, w) in gs[keep].sum.iter().chain(&taken.sum) {
            acc.add(t, w);
        }
        let g = &mut gs[keep];
        g.sum = acc.take();
        g.s2 = g.sum.iter().map(|x| x.1 * x.1).sum();
        g.members.extend(taken.members);
        g.members.sort_unstable();
    }
    gs.into_iter()
        .map(|g| g.members)
        .filter(|m| !m.is_empty())
        .collect()
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

// ---------------------------------------------------------------------------------------------
// Describing a group

fn describe(f: &Features, g: &[u32], docs: &[&Doc], acc: &mut Accum, p: &Params) -> Suggestion {
    let sum = acc.sum(f, g);
    let norm = sum.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    for &(t, w) in &sum {
        acc.vals[t as usize] = w / norm;
        acc.touched.push(t);
    }
    let mut ranked: Vec<(f32, u32)> = g.iter().map(|&m| (acc.dot_row(f, m), m)).collect();
    acc.take();
    ranked.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(docs[a.1 as usize].id.cmp(&docs[b.1 as usize].id))
    });
    let cohesion = (norm / g.len() as f32).clamp(0.0, 1.0);
    DEBUG_COS
        .lock()
        .unwrap()
        .push(ranked.iter().map(|x| x.0).collect());

    let mut top = sum;
    top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(PHRASE_TERMS);
    let central: Vec<&str> = ranked
        .iter()
        .take(PHRASE_DOCS)
        .map(|&(_, m)| docs[m as usize].text)
        .collect();
    let key_phrases = key_phrases(f, &top, &central, p);
    Suggestion {
        members: ranked.iter().map(|&(_, m)| docs[m as usize].id).collect(),
        key_phrases,
        cohesion,
    }
}

/// Readable phrases for the terms `top` (heaviest first): each term is shown as the piece of
/// text it most often belongs to in `texts`, where a piece is a maximal run of overlapping
/// top n-grams (個人, 人情, 情報 → 個人情報), widened to the word around it where every
/// occurrence has the same neighbour (療機器 → 医療機器).
fn key_phrases(f: &Features, top: &[(u32, f32)], texts: &[&str], p: &Params) -> Vec<String> {
    let rank: HashMap<u64, usize> = top
        .iter()
        .enumerate()
        .map(|(r, &(t, _))| (f.keys[t as usize], r))
        .collect();
    let texts: Vec<Vec<char>> = texts.iter().map(|t| normalise(t)).collect();
    // Per top term: piece of text → number of texts it occurs in.
    let mut pieces: Vec<BTreeMap<&[char], usize>> = vec![BTreeMap::new(); top.len()];
    for chars in &texts {
        let mut spans: Vec<(usize, usize, Vec<usize>)> = Vec::new();
        grams(chars, p, |g| {
            if let Some(&r) = rank.get(&g.key) {
                let end = g.start + g.len;
                match spans.last_mut() {
                    Some(s) if g.start < s.1 => {
                        s.1 = s.1.max(end);
                        s.2.push(r);
                    }
                    _ => spans.push((g.start, end, vec![r])),
                }
            }
        });
        let mut seen: Vec<(&[char], usize)> = spans
            .into_iter()
            .flat_map(|(a, b, rs)| rs.into_iter().map(move |r| (&chars[a..b], r)))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        for (piece, r) in seen {
            *pieces[r].entry(piece).or_default() += 1;
        }
    }
    let mut out: Vec<String> = Vec::new();
    for candidates in pieces {
        let best = candidates.into_iter().max_by(|a, b| {
            a.1.cmp(&b.1)
                .then(a.0.len().cmp(&b.0.len()))
                .then(b.0.cmp(a.0))
        });
        let Some((best, _)) = best else { continue };
        let best: String = widen(best, &texts).into_iter().collect();
        if out.iter().any(|o| o.contains(&best)) || best.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        match out.iter().position(|o| best.contains(o.as_str())) {
            Some(i) => {
                out[i] = best.clone();
                let mut j = i + 1;
                while j < out.len() {
                    if best.contains(out[j].as_str()) {
                        out.remove(j);
                    } else {
                        j += 1;
                    }
                }
            }
            None => out.push(best),
        }
        if out.len() == MAX_PHRASES {
            break;
        }
    }
    out
}

/// Extends `piece` by the character before (after) it while every occurrence of it in `texts`
/// has that same character there, in the same script.
fn widen(piece: &[char], texts: &[Vec<char>]) -> Vec<char> {
    let mut piece = piece.to_vec();
    let cls = class(piece[0]);
    while piece.len() < MAX_PHRASE_CHARS {
        let (mut before, mut after) = (Neighbour::Unseen, Neighbour::Unseen);
        for text in texts {
            for (i, w) in text.windows(piece.len()).enumerate() {
                if w == piece.as_slice() {
                    let prev = i.checked_sub(1).map(|j| text[j]);
                    before.see(prev.filter(|&c| class(c) == cls));
                    after.see(
                        text.get(i + piece.len())
                            .copied()
                            .filter(|&c| class(c) == cls),
                    );
                }
            }
        }
        if let Neighbour::Same(c) = before {
            piece.insert(0, c);
        } else if let Neighbour::Same(c) = after {
            piece.push(c);
        } else {
            break;
        }
    }
    piece
}

enum Neighbour {
    Unseen,
    Same(char),
    Varies,
}

impl Neighbour {
    fn see(&mut self, c: Option<char>) {
        *self = match (&*self, c) {
            (Neighbour::Unseen, Some(c)) => Neighbour::Same(c),
            (Neighbour::Same(x), Some(c)) if *x == c => Neighbour::Same(c),
            _ => Neighbour::Varies,
        };
    }
}
