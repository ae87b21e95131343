//! Suggested 論点 (topics): groups of comments that make the same point in different words.
//!
//! Offline and deterministic. Each comment becomes a sparse TF-IDF vector of the character
//! bigrams of its NFKC-normalised text, taken within runs of one script (kanji, katakana,
//! latin letters and digits, and hiragana, which is mostly particles and weighted down).
//!
//! Clustering runs in rounds. A round is spherical k-means (k-means++ seeding, assignment over
//! an inverted index of truncated centroids, so a pass costs the postings touched rather than
//! docs × clusters); each cluster is then bisected while its halves look like different topics,
//! members that fit poorly are split off, and groups whose members are not similar enough to
//! each other are dropped. The next round re-clusters the docs left over. Finally, groups that
//! are parts of one topic are merged (average linkage relative to their cohesion).

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

// Features.
/// Weight of hiragana n-grams (mostly particles and endings) relative to other scripts.
const HIRAGANA_WEIGHT: f32 = 0.1;
/// The hiragana part of a doc vector may have at most this norm relative to the rest.
const HIRAGANA_CAP: f32 = 0.5;
/// Terms in more than this share of the docs say nothing about a topic.
const MAX_DF: f32 = 0.5;
/// Terms kept per doc, heaviest first.
const DOC_TERMS: usize = 32;

// Clustering.
/// k = docs / DOCS_PER_CLUSTER within 2..=MAX_K: k-means over-segments on purpose, since
/// `bisect` and `merge` fix clusters up afterwards but cannot find a topic that got no seed.
const DOCS_PER_CLUSTER: usize = 15;
const MAX_K: usize = 2000;
const ITERATIONS: usize = 10;
/// Each round re-clusters the docs that earlier rounds left ungrouped.
const ROUNDS: usize = 3;
/// Terms kept per centroid, and centroids kept per term in the assignment index.
const CENTROID_TERMS: usize = 160;
const MAX_POSTINGS: usize = 64;
/// A member leaves its group if its cosine to the other members' centroid is below
/// MIN_MEMBER_COS, or below REL_MEMBER_COS times the group's median.
const MIN_MEMBER_COS: f32 = 0.1;
const REL_MEMBER_COS: f32 = 0.4;
/// A group of n is kept if the mean cosine between its members is at least
/// MIN_PAIR_SIM + SMALL_BONUS / (n - 1): small groups agree by chance more easily.
const MIN_PAIR_SIM: f32 = 0.08;
const SMALL_BONUS: f32 = 0.1;
/// Halves whose mean cross cosine is below SPLIT_RATIO × the lower within-half mean are split;
/// groups whose cross mean reaches MERGE_RATIO × the lower within mean are merged.
const SPLIT_RATIO: f32 = 0.4;
const MERGE_RATIO: f32 = 0.5;
/// Only groups whose truncated centroids have at least this cosine are compared for merging.
const MERGE_CANDIDATE_COS: f32 = 0.15;
const POWER_ITERATIONS: usize = 8;
const POLISH_ITERATIONS: usize = 4;
const SEED: u64 = 0x5EED_0F70_91C5;

// Key phrases.
/// Phrases are built from this many of a group's top centroid terms …
const PHRASE_TERMS: usize = 24;
/// … as they occur in this many of its most central members.
const PHRASE_DOCS: usize = 24;
const MAX_PHRASES: usize = 6;
/// Widening a phrase stops at this length.
const MAX_PHRASE_CHARS: usize = 12;

/// Marks a term of one doc only (see `Features::build`).
const PHANTOM: u32 = 1 << 31;

/// Suggestions for `docs`, largest first (ties: smaller first member id). Same input (in any
/// order) → same output.
pub fn suggest(docs: &[Doc]) -> Vec<Suggestion> {
    let mut docs: Vec<&Doc> = docs.iter().collect();
    docs.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.text.cmp(b.text)));
    let features = Features::build(docs.iter().map(|d| d.text));
    let groups = cluster(&features);
    let mut acc = Accum::new(features.keys.len());
    let mut out: Vec<Suggestion> = groups
        .iter()
        .map(|g| describe(&features, g, &docs, &mut acc))
        .collect();
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

/// A bigram at character position `start`, packed into a u64 (21 bits a character).
#[derive(Clone, Copy)]
struct Gram {
    start: usize,
    key: u64,
}

/// Calls `f` for every bigram of `chars` within a run of one script (hiragana included: it is
/// weighted down later).
fn grams(chars: &[char], mut f: impl FnMut(Gram)) {
    let mut start = 0;
    while start < chars.len() {
        let cls = class(chars[start]);
        let mut end = start + 1;
        while end < chars.len() && class(chars[end]) == cls {
            end += 1;
        }
        if cls != Class::Other {
            for (i, w) in chars[start..end].windows(2).enumerate() {
                f(Gram {
                    start: start + i,
                    key: (w[0] as u64) << 21 | w[1] as u64,
                });
            }
        }
        start = end;
    }
}

fn first_char(key: u64) -> char {
    char::from_u32((key >> 21) as u32).unwrap_or(' ')
}

/// Sparse TF-IDF vectors, one row per doc (sorted by term), plus the packed bigram of every
/// term. Each row is a unit vector from which the terms of that doc only were then removed, so
/// that a doc of mostly unique words is only weakly similar to anything.
struct Features {
    ptr: Vec<usize>,
    terms: Vec<u32>,
    weights: Vec<f32>,
    keys: Vec<u64>,
    /// Squared norm of each row: below 1 by the weight of the doc's words no other doc has.
    sq: Vec<f32>,
}

impl Features {
    fn build<'t>(texts: impl Iterator<Item = &'t str>) -> Features {
        let mut vocab: HashMap<u64, u32> = HashMap::new();
        let mut keys: Vec<u64> = Vec::new();
        let mut df: Vec<u32> = Vec::new();
        let mut tf_ptr = vec![0usize];
        let mut tf: Vec<(u32, u32)> = Vec::new();
        let mut ids: Vec<u32> = Vec::new();
        for text in texts {
            let chars = normalise(text);
            ids.clear();
            grams(&chars, |g| {
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
        let max_df = (n * MAX_DF).floor() as u32;
        let mut compact = vec![u32::MAX; keys.len()];
        let mut kept_keys = Vec::new();
        let mut idf = Vec::new();
        let mut hiragana = Vec::new();
        for (t, &d) in df.iter().enumerate() {
            if d >= 2 && d <= max_df {
                compact[t] = kept_keys.len() as u32;
                kept_keys.push(keys[t]);
                let hira = class(first_char(keys[t])) == Class::Hiragana;
                let factor = if hira { HIRAGANA_WEIGHT } else { 1.0 };
                idf.push((n / d as f32).ln() * factor);
                hiragana.push(hira);
            }
        }

        let mut out = Features {
            ptr: vec![0],
            terms: Vec::new(),
            weights: Vec::new(),
            keys: kept_keys,
            sq: Vec::new(),
        };
        let mut row: Vec<(u32, f32)> = Vec::new();
        let is_hiragana = |id: u32| {
            if id & PHANTOM == 0 {
                hiragana[id as usize]
            } else {
                class(first_char(keys[(id & !PHANTOM) as usize])) == Class::Hiragana
            }
        };
        for w in tf_ptr.windows(2) {
            row.clear();
            for &(t, count) in &tf[w[0]..w[1]] {
                let tfw = 1.0 + (count as f32).ln();
                let c = compact[t as usize];
                if c != u32::MAX {
                    row.push((c, tfw * idf[c as usize]));
                } else if df[t as usize] == 1 {
                    // A word of this doc only: it matches nothing, but it is part of the doc.
                    let factor = if is_hiragana(t | PHANTOM) {
                        HIRAGANA_WEIGHT
                    } else {
                        1.0
                    };
                    row.push((t | PHANTOM, tfw * n.ln() * factor));
                }
            }
            top_normalised(&mut row, DOC_TERMS);
            cap_hiragana(&mut row, is_hiragana, HIRAGANA_CAP);
            let mut sq = 0.0;
            for &(t, x) in row.iter().filter(|x| x.0 & PHANTOM == 0) {
                out.terms.push(t);
                out.weights.push(x);
                sq += x * x;
            }
            out.ptr.push(out.terms.len());
            out.sq.push(sq);
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

/// Scales the hiragana terms of a unit vector down so that their norm is at most `cap` times
/// that of the other terms, and renormalises: a doc whose content words are all rare must not
/// be grouped by its particles. A doc with hiragana terms only gets no vector.
fn cap_hiragana(v: &mut Vec<(u32, f32)>, hiragana: impl Fn(u32) -> bool, cap: f32) {
    let (mut content, mut hira) = (0.0f32, 0.0f32);
    for &(t, w) in v.iter() {
        if hiragana(t) {
            hira += w * w;
        } else {
            content += w * w;
        }
    }
    let (content, hira) = (content.sqrt(), hira.sqrt());
    if content == 0.0 {
        v.clear();
        return;
    }
    if hira > cap * content {
        let scale = cap * content / hira;
        let norm = (content * content + (cap * content).powi(2)).sqrt();
        for (t, w) in v.iter_mut() {
            *w *= if hiragana(*t) { scale } else { 1.0 } / norm;
        }
    }
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

    /// Adds `v` times `scale`.
    fn load(&mut self, v: &[(u32, f32)], scale: f32) {
        for &(t, w) in v {
            self.add(t, w * scale);
        }
    }

    /// The accumulated vector, sorted by term; resets the accumulator.
    fn take(&mut self) -> Vec<(u32, f32)> {
        self.touched.sort_unstable();
        // An entry that went back to zero was recorded again when it was next added to.
        self.touched.dedup();
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

    /// Keeps, per term, only the `max` heaviest postings (ties: smaller row).
    fn prune(self, max: usize) -> Index {
        let mut out = Index {
            ptr: vec![0],
            rows: Vec::new(),
            weights: Vec::new(),
        };
        let mut list: Vec<(f32, u32)> = Vec::new();
        for w in self.ptr.windows(2) {
            list.clear();
            list.extend(
                self.weights[w[0]..w[1]]
                    .iter()
                    .copied()
                    .zip(self.rows[w[0]..w[1]].iter().copied()),
            );
            if list.len() > max {
                list.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                list.truncate(max);
                list.sort_unstable_by_key(|x| x.1);
            }
            out.rows.extend(list.iter().map(|x| x.1));
            out.weights.extend(list.iter().map(|x| x.0));
            out.ptr.push(out.rows.len());
        }
        out
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

fn cluster(f: &Features) -> Vec<Vec<u32>> {
    let mut rng = Rng(SEED);
    let mut acc = Accum::new(f.keys.len());
    let mut acc2 = Accum::new(f.keys.len());
    let mut active: Vec<u32> = (0..f.len() as u32)
        .filter(|&i| !f.row(i).0.is_empty())
        .collect();
    let mut kept = Vec::new();
    for _ in 0..ROUNDS {
        if active.len() < 2 {
            break;
        }
        let k = (active.len() / DOCS_PER_CLUSTER).clamp(2, MAX_K);
        let (groups, mut rest) = kmeans(f, &active, k, &mut rng, &mut acc);
        let mut parts = Vec::new();
        for g in groups {
            bisect(f, g, &mut acc, &mut acc2, &mut parts);
        }
        for g in parts {
            let (good, bad) = refine(f, g, &mut acc);
            kept.extend(good);
            rest.extend(bad);
        }
        rest.sort_unstable();
        active = rest;
    }
    merge(f, kept, &mut acc)
}

/// Spherical k-means over the rows `docs`, seeded by k-means++. Returns the non-empty clusters
/// and the docs sharing no term with any centroid.
fn kmeans(
    f: &Features,
    docs: &[u32],
    k: usize,
    rng: &mut Rng,
    acc: &mut Accum,
) -> (Vec<Vec<u32>>, Vec<u32>) {
    let n_terms = f.keys.len();
    let mut centroids: Vec<Vec<(u32, f32)>> = seeds(f, docs, k, rng)
        .into_iter()
        .map(|i| {
            let (ts, ws) = f.row(docs[i]);
            ts.iter().copied().zip(ws.iter().copied()).collect()
        })
        .collect();
    let mut assign = vec![u32::MAX; docs.len()];
    let mut scores = vec![0f32; centroids.len()];
    let mut touched = Vec::new();
    for iteration in 0..ITERATIONS {
        let index =
            Index::build(n_terms, centroids.iter().map(|c| c.as_slice())).prune(MAX_POSTINGS);
        let mut changed = 0;
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
            changed += usize::from(*slot != best.0);
            *slot = best.0;
        }
        if changed * 200 <= docs.len() || iteration + 1 == ITERATIONS {
            break;
        }
        for (c, members) in centroids.iter_mut().zip(members_of(&assign, docs, k).0) {
            *c = acc.sum(f, &members);
            top_normalised(c, CENTROID_TERMS);
        }
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
fn refine(f: &Features, mut g: Vec<u32>, acc: &mut Accum) -> (Option<Vec<u32>>, Vec<u32>) {
    let mut dropped = Vec::new();
    loop {
        if g.len() < 2 {
            dropped.extend(g);
            return (None, dropped);
        }
        let sum = acc.sum(f, &g);
        let s2: f32 = sum.iter().map(|x| x.1 * x.1).sum();
        acc.load(&sum, 1.0);
        let before = g.len();
        // Leave-one-out: each member's cosine to the sum of the others.
        let loo: Vec<f32> = g
            .iter()
            .map(|&m| {
                let d = acc.dot_row(f, m);
                let own = f.sq[m as usize];
                (d - own) / (s2 - 2.0 * d + own).max(1e-12).sqrt()
            })
            .collect();
        acc.take();
        let mut sorted = loo.clone();
        sorted.sort_by(f32::total_cmp);
        let min = MIN_MEMBER_COS.max(REL_MEMBER_COS * sorted[sorted.len() / 2]);
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
            let own: f32 = g.iter().map(|&m| f.sq[m as usize]).sum();
            let pair_sim = (s2 - own) / (n * (n - 1.0));
            if pair_sim >= MIN_PAIR_SIM + SMALL_BONUS / (n - 1.0) {
                return (Some(g), dropped);
            }
            dropped.extend(g);
            return (None, dropped);
        }
    }
}

/// Splits `g` recursively in two while the halves look like different topics: while the mean
/// similarity across the halves is below SPLIT_RATIO times the mean similarity within the less
/// cohesive half. The halves come from the principal direction of the members (power
/// iteration), polished by a few 2-means steps.
fn bisect(f: &Features, g: Vec<u32>, a: &mut Accum, b: &mut Accum, out: &mut Vec<Vec<u32>>) {
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
            let own: f32 = h.iter().map(|&m| f.sq[m as usize]).sum();
            (s.iter().map(|x| x.1 * x.1).sum::<f32>() - own) / (n * (n - 1.0))
        };
        let distinct = halves[0].len() >= 2 && halves[1].len() >= 2 && {
            let cross = dot(&sums[0], &sums[1]) / (halves[0].len() * halves[1].len()) as f32;
            let w = within(&halves[0], &sums[0]).min(within(&halves[1], &sums[1]));
            cross < SPLIT_RATIO * w
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
    a.load(&mean, -1.0);
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
        a.load(&v, 1.0 / norm);
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
    /// Sum of the members' own squared norms.
    own: f32,
}

impl Merging {
    /// Mean cosine between two distinct members.
    fn within(&self) -> f32 {
        let n = self.members.len() as f32;
        (self.s2 - self.own) / (n * (n - 1.0))
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
fn merge(f: &Features, groups: Vec<Vec<u32>>, acc: &mut Accum) -> Vec<Vec<u32>> {
    let mut gs: Vec<Merging> = groups
        .into_iter()
        .map(|members| {
            let sum = acc.sum(f, &members);
            let s2 = sum.iter().map(|x| x.1 * x.1).sum();
            let own = members.iter().map(|&m| f.sq[m as usize]).sum();
            Merging {
                members,
                sum,
                s2,
                own,
            }
        })
        .collect();
    let tops: Vec<Vec<(u32, f32)>> = gs
        .iter()
        .map(|g| {
            let mut c = g.sum.clone();
            top_normalised(&mut c, CENTROID_TERMS);
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
            if b > a && cos >= MERGE_CANDIDATE_COS && gs[a].close_to(&gs[b], MERGE_RATIO) {
                pairs.push((cos, a, b));
            }
        }
        touched.clear();
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    let mut parent: Vec<usize> = (0..gs.len()).collect();
    for (_, a, b) in pairs {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra == rb || !gs[ra].close_to(&gs[rb], MERGE_RATIO) {
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
                own: 0.0,
            },
        );
        acc.load(&gs[keep].sum, 1.0);
        acc.load(&taken.sum, 1.0);
        let g = &mut gs[keep];
        g.sum = acc.take();
        g.s2 = g.sum.iter().map(|x| x.1 * x.1).sum();
        g.own += taken.own;
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

fn describe(f: &Features, g: &[u32], docs: &[&Doc], acc: &mut Accum) -> Suggestion {
    let sum = acc.sum(f, g);
    let norm = sum.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    acc.load(&sum, 1.0 / norm);
    let mut ranked: Vec<(f32, u32)> = g.iter().map(|&m| (acc.dot_row(f, m), m)).collect();
    acc.take();
    ranked.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(docs[a.1 as usize].id.cmp(&docs[b.1 as usize].id))
    });
    let cohesion = (ranked.iter().map(|x| x.0).sum::<f32>() / g.len() as f32).clamp(0.0, 1.0);

    let mut top = sum;
    top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(PHRASE_TERMS);
    let central: Vec<&str> = ranked
        .iter()
        .take(PHRASE_DOCS)
        .map(|&(_, m)| docs[m as usize].text)
        .collect();
    let key_phrases = key_phrases(f, &top, &central);
    Suggestion {
        members: ranked.iter().map(|&(_, m)| docs[m as usize].id).collect(),
        key_phrases,
        cohesion,
    }
}

/// Readable phrases for the terms `top` (heaviest first): each term is shown as the piece of
/// text it most often belongs to in `texts`, where a piece is a maximal run of overlapping
/// top bigrams (個人, 人情, 情報 → 個人情報), widened to the word around it where most
/// occurrences share the same neighbour (療機器 → 医療機器).
fn key_phrases(f: &Features, top: &[(u32, f32)], texts: &[&str]) -> Vec<String> {
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
        grams(chars, |g| {
            if let Some(&r) = rank.get(&g.key) {
                let end = g.start + 2;
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
    let mut widened: HashMap<&[char], String> = HashMap::new();
    for candidates in pieces {
        let best = candidates.into_iter().max_by(|a, b| {
            a.1.cmp(&b.1)
                .then(a.0.len().cmp(&b.0.len()))
                .then(b.0.cmp(a.0))
        });
        let Some((best, _)) = best else { continue };
        let best = widened
            .entry(best)
            .or_insert_with(|| widen(best, &texts).into_iter().collect())
            .clone();
        // Particles and bare numbers do not name a topic.
        let filler = |c: char| c.is_ascii_digit() || class(c) == Class::Hiragana;
        if best.chars().all(filler) || out.iter().any(|o| o.contains(&best)) {
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

/// Extends `piece` by the character before (after) it while at least three quarters of its
/// occurrences in `texts` have that same character there, in the same script.
fn widen(piece: &[char], texts: &[Vec<char>]) -> Vec<char> {
    let mut piece = piece.to_vec();
    let cls = class(piece[0]);
    let same_script = |c: Option<&char>| c.copied().filter(|&c| class(c) == cls);
    while piece.len() < MAX_PHRASE_CHARS {
        let mut before: BTreeMap<Option<char>, usize> = BTreeMap::new();
        let mut after: BTreeMap<Option<char>, usize> = BTreeMap::new();
        let mut total = 0;
        for text in texts {
            for (i, w) in text.windows(piece.len()).enumerate() {
                if w[0] == piece[0] && w == piece.as_slice() {
                    total += 1;
                    let prev = i.checked_sub(1).and_then(|j| text.get(j));
                    *before.entry(same_script(prev)).or_default() += 1;
                    *after
                        .entry(same_script(text.get(i + piece.len())))
                        .or_default() += 1;
                }
            }
        }
        let usual = |m: &BTreeMap<Option<char>, usize>| {
            m.iter()
                .filter_map(|(c, &n)| c.filter(|_| n * 4 >= total * 3))
                .next()
        };
        if let Some(c) = usual(&before) {
            piece.insert(0, c);
        } else if let Some(c) = usual(&after) {
            piece.push(c);
        } else {
            break;
        }
    }
    piece
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOPICS: [&[&str]; 6] = [
        &[
            "電子署名",
            "タイムスタンプ",
            "署名検証",
            "長期保存",
            "電子証明書",
            "HPKI",
        ],
        &[
            "クラウドサービス",
            "外部委託",
            "委託先",
            "SLA",
            "責任分界",
            "データセンター",
        ],
        &[
            "パスワード",
            "多要素認証",
            "生体認証",
            "ICカード",
            "桁数",
            "ﾊﾟｽﾜｰﾄﾞ",
        ],
        &[
            "バックアップ",
            "ランサムウェア",
            "オフライン保管",
            "世代管理",
            "復旧手順",
            "ＢＣＰ",
        ],
        &[
            "職員教育",
            "研修",
            "訓練",
            "標的型メール",
            "eラーニング",
            "受講記録",
        ],
        &[
            "アクセスログ",
            "監査証跡",
            "保存期間",
            "改ざん防止",
            "ログ監視",
            "ＳＩＥＭ",
        ],
    ];
    const SIZES: [usize; 6] = [30, 20, 15, 12, 10, 8];
    const GENERIC: [&str; 8] = [
        "ガイドライン",
        "記載",
        "医療機関",
        "事業者",
        "対応",
        "具体例",
        "明確化",
        "検討",
    ];
    const NOISE: [&str; 20] = [
        "用語集の五十音順が崩れている箇所がある。",
        "図表番号の振り方を統一してほしい。",
        "パブリックコメントの募集期間が短すぎると思います。",
        "説明会を地方でも開催していただきたい。",
        "英語版の公開予定を教えてください。",
        "脚注の参照先URLがリンク切れになっている。",
        "薬局における在庫管理の扱いはどうなるのか。",
        "歯科診療所向けの簡易版を作成してはどうか。",
        "改定の頻度をあらかじめ示してほしい。",
        "旧版との対照表を付けてほしい。",
        "災害時の電源確保について触れるべきだ。",
        "補助金の対象になるかどうか知りたい。",
        "文章が長く、要点が掴みにくい。",
        "用語「利用者」の定義が章ごとに揺れている。",
        "介護施設との連携について記述がない。",
        "監督官庁への届出様式を添付してほしい。",
        "印刷すると表が崩れるので修正願いたい。",
        "誤字がありました。第三章の見出しです。",
        "遠隔診療の通信品質に関する基準を設けるべき。",
        "研究利用の同意取得手続を簡素化してほしい。",
    ];

    /// Planted topics worded differently, then noise; (id, text, topic).
    fn corpus() -> Vec<(i64, String, Option<usize>)> {
        let mut rng = Rng(7);
        let mut out = Vec::new();
        for (t, (&terms, &size)) in TOPICS.iter().zip(&SIZES).enumerate() {
            for _ in 0..size {
                let mut text = String::new();
                for _ in 0..2 + rng.next() % 3 {
                    let a = terms[(rng.next() % 6) as usize];
                    let b = terms[(rng.next() % 6) as usize];
                    let g = GENERIC[(rng.next() % 8) as usize];
                    text.push_str(&match rng.next() % 6 {
                        0 => format!("{a}について、{b}の{g}を明確にすべきと考えます。"),
                        1 => format!("{g}では{a}と{b}の関係がわかりにくい。"),
                        2 => format!("{a}に関する{g}を追記してほしい。{b}も同様である。"),
                        3 => format!("「{a}」の扱いを{g}で示してください。"),
                        4 => format!("{b}を前提とした{a}は負担が大きいので{g}が必要ではないか。"),
                        _ => format!("{a}や{b}などの{g}について例示をお願いしたい。"),
                    });
                }
                out.push((out.len() as i64 * 3 + 11, text, Some(t)));
            }
        }
        for n in NOISE {
            out.push((out.len() as i64 * 3 + 11, n.to_string(), None));
        }
        out
    }

    fn run(data: &[(i64, String, Option<usize>)]) -> Vec<Suggestion> {
        let docs: Vec<Doc> = data
            .iter()
            .map(|(id, text, _)| Doc { id: *id, text })
            .collect();
        suggest(&docs)
    }

    #[test]
    fn same_result_for_shuffled_input() {
        let mut data = corpus();
        let first = run(&data);
        let mut rng = Rng(99);
        for i in (1..data.len()).rev() {
            data.swap(i, (rng.next() % (i as u64 + 1)) as usize);
        }
        assert_eq!(first, run(&data));
        assert!(!first.is_empty());
    }

    #[test]
    fn finds_planted_topics_and_leaves_noise() {
        let data = corpus();
        let out = run(&data);
        let topic: HashMap<i64, Option<usize>> = data.iter().map(|d| (d.0, d.2)).collect();
        for (t, &size) in SIZES.iter().enumerate() {
            let (best, hits) = out
                .iter()
                .map(|s| (s, s.members.iter().filter(|m| topic[m] == Some(t)).count()))
                .max_by_key(|x| x.1)
                .unwrap();
            assert!(hits * 5 >= size * 4, "topic {t}: {hits} of {size} together");
            assert!(
                hits * 5 >= best.members.len() * 4,
                "topic {t}: impure {best:?}"
            );
            assert!(best.cohesion > 0.0 && best.cohesion <= 1.0);
        }
        let noise = out
            .iter()
            .flat_map(|s| &s.members)
            .filter(|m| topic[m].is_none())
            .count();
        assert!(noise <= 5, "{noise} noise docs suggested");
        for w in out.windows(2) {
            assert!(w[0].members.len() >= w[1].members.len());
        }
    }

    #[test]
    fn key_phrases_are_whole_words() {
        let data = corpus();
        let out = run(&data);
        let group_of = |id: i64| out.iter().find(|s| s.members.contains(&id)).unwrap();
        let signing = group_of(data[0].0);
        assert!(
            signing.key_phrases.iter().any(|p| p == "電子署名"),
            "{:?}",
            signing.key_phrases
        );
        let cloud = group_of(data[30].0);
        assert!(
            cloud.key_phrases.iter().any(|p| p == "クラウドサービス"),
            "{:?}",
            cloud.key_phrases
        );
        for s in &out {
            assert!((3..=MAX_PHRASES).contains(&s.key_phrases.len()), "{s:?}");
            for (i, p) in s.key_phrases.iter().enumerate() {
                assert!(s.key_phrases[..i].iter().all(|q| !q.contains(p.as_str())));
            }
        }
    }

    #[test]
    fn degenerate_inputs_give_nothing() {
        assert!(suggest(&[]).is_empty());
        assert!(suggest(&[Doc {
            id: 1,
            text: "電子署名について"
        }])
        .is_empty());
        let marks = ["。。。", "!!!", "", "   ", "――・・", "\n\t", "？", "（）"];
        let docs: Vec<Doc> = marks
            .iter()
            .enumerate()
            .map(|(i, t)| Doc {
                id: i as i64,
                text: t,
            })
            .collect();
        assert!(suggest(&docs).is_empty());
        let same = [
            Doc {
                id: 1,
                text: "同じ意見",
            },
            Doc {
                id: 2,
                text: "同じ意見",
            },
        ];
        assert!(suggest(&same).is_empty());
    }
}
