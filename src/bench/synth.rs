//! A synthetic consultation built from the sentences of the real samples: realistic
//! Japanese comments (100–2,000 characters), thousands of submitters, skewed chapters and
//! categories, and planted campaigns of near-identical texts whose membership is written
//! beside the file so that 同旨 grouping can be scored.

use std::io::Write;

/// splitmix64: small, fast and reproducible for a given seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Index 0 most likely, like a Zipf law over `n` items.
    pub fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) - 1.0).floor().min(n as f64 - 1.0) as usize
    }
}

/// Sentences, chapter cells and categories taken from the shipped samples.
pub struct Material {
    pub sentences: Vec<String>,
    pub chapters: Vec<(String, String, String)>,
    pub categories: Vec<String>,
}

impl Material {
    pub fn from_samples() -> anyhow::Result<Material> {
        let profiles = crate::intake::profile::builtin();
        let phrases = crate::drafting::stock_phrases::StockPhrases::builtin()?;
        let opts = crate::intake::import::ImportOptions::default();
        let (rows, ..) = crate::intake::import::parse_file(
            "sample.tsv",
            crate::demo::MHLW_SAMPLE,
            &opts,
            &profiles,
            &phrases,
        )?;
        let mut sentences = Vec::new();
        let mut chapters = Vec::new();
        let mut categories = Vec::new();
        for r in &rows {
            for s in r.body.split_inclusive('。') {
                let s = s.trim().replace('\n', "");
                if s.chars().count() >= 15 && !sentences.contains(&s) {
                    sentences.push(s);
                }
            }
            let ch = (
                r.volume.clone().unwrap_or_default(),
                r.chapter.clone().unwrap_or_default(),
                r.page.clone().unwrap_or_default(),
            );
            if !chapters.contains(&ch) {
                chapters.push(ch);
            }
            if let Some(c) = &r.category {
                if !categories.contains(c) {
                    categories.push(c.clone());
                }
            }
        }
        Ok(Material {
            sentences,
            chapters,
            categories,
        })
    }
}

const GREETINGS: &[&str] = &[
    "",
    "お世話になっております。",
    "以下のとおり意見を提出します。",
    "意見を申し上げます。",
    "いつもありがとうございます。",
];
const CLOSINGS: &[&str] = &[
    "",
    "よろしくお願いいたします。",
    "ご検討をお願いします。",
    "以上です。",
];

fn text_of(rng: &mut Rng, m: &Material, min: usize, max: usize) -> Vec<String> {
    let target = min + rng.below(max - min);
    let mut out = Vec::new();
    let mut len = 0;
    while len < target {
        let s = &m.sentences[rng.below(m.sentences.len())];
        len += s.chars().count();
        out.push(s.clone());
    }
    out
}

/// A campaign member: the base with a greeting, maybe two sentences swapped, maybe a small edit.
fn variant(rng: &mut Rng, base: &[String]) -> String {
    let mut s: Vec<String> = base.to_vec();
    if s.len() > 2 && rng.below(3) == 0 {
        let i = rng.below(s.len() - 1);
        s.swap(i, i + 1);
    }
    if rng.below(2) == 0 {
        let i = rng.below(s.len());
        let mut chars: Vec<char> = s[i].chars().collect();
        if chars.len() > 4 {
            let at = rng.below(chars.len() - 2);
            chars[at] = ['、', 'の', 'に', 'を', 'は'][rng.below(5)];
            s[i] = chars.into_iter().collect();
        }
    }
    format!(
        "{}{}{}",
        GREETINGS[rng.below(GREETINGS.len())],
        s.concat(),
        CLOSINGS[rng.below(CLOSINGS.len())]
    )
}

pub struct SynthReport {
    pub comments: usize,
    pub campaigns: usize,
    pub campaign_members: usize,
}

/// Writes `n` comments as CSV (mic layout plus 分類) to `out`, and each planted campaign
/// member's No. with its campaign id to `truth`.
pub fn write(
    n: usize,
    seed: u64,
    out: &mut dyn Write,
    truth: &mut dyn Write,
) -> anyhow::Result<SynthReport> {
    let m = Material::from_samples()?;
    let mut rng = Rng::new(seed);
    let submitters = (n / 20).clamp(50, 20_000);
    let campaigns = (n / 2_000).max(3);
    let bases: Vec<Vec<String>> = (0..campaigns)
        .map(|_| text_of(&mut rng, &m, 150, 900))
        .collect();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record([
        "資料NO.",
        "氏名・名称",
        "属性",
        "対象",
        "ページ（原案）",
        "パート（原案）",
        "分類",
        "意見",
    ])?;
    writeln!(truth, "no,campaign")?;
    let mut members = 0;
    for no in 1..=n {
        // About a third of the comments belong to campaigns, bigger campaigns more often.
        let (body, campaign) = if rng.below(3) == 0 {
            let c = rng.skewed(campaigns);
            (variant(&mut rng, &bases[c]), Some(c))
        } else {
            (text_of(&mut rng, &m, 100, 2000).concat(), None)
        };
        if let Some(c) = campaign {
            writeln!(truth, "{no},{c}")?;
            members += 1;
        }
        let s = rng.skewed(submitters);
        let (name, attr) = if s.is_multiple_of(7) {
            (format!("一般社団法人サンプル協会{s}"), "法人")
        } else {
            (format!("提出者{s:05}"), "個人")
        };
        let (volume, chapter, page) = &m.chapters[rng.skewed(m.chapters.len())];
        let category = &m.categories[rng.skewed(m.categories.len())];
        w.write_record([
            no.to_string().as_str(),
            &name,
            attr,
            volume,
            page,
            chapter,
            category,
            &body,
        ])?;
    }
    w.flush()?;
    Ok(SynthReport {
        comments: n,
        campaigns,
        campaign_members: members,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_corpus_and_campaigns_are_recorded() {
        let (mut a, mut ta, mut b, mut tb) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let r = write(300, 7, &mut a, &mut ta).unwrap();
        write(300, 7, &mut b, &mut tb).unwrap();
        assert_eq!(a, b);
        assert_eq!(ta, tb);
        assert!(r.campaign_members > 50 && r.campaign_members < 200);
        let text = String::from_utf8(a).unwrap();
        assert!(text.starts_with("資料NO.,氏名・名称"));
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        for rec in rows.records() {
            let len = rec.unwrap()[7].chars().count();
            assert!((50..=3000).contains(&len), "{len}");
        }
    }

    #[test]
    fn skewed_choices_favour_the_first_items() {
        let mut rng = Rng::new(1);
        let picks: Vec<usize> = (0..10_000).map(|_| rng.skewed(50)).collect();
        let first = picks.iter().filter(|p| **p < 5).count();
        let last = picks.iter().filter(|p| **p >= 45).count();
        assert!(first > 3 * last, "{first} vs {last}");
    }
}
