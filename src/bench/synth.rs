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

/// Greeting and closing lines: campaign copies change them or leave them out, and ordinary
/// comments use them too (two comments sharing only a greeting are not 同旨).
const GREETINGS: &[&str] = &[
    "お世話になっております。",
    "以下のとおり意見を提出します。",
    "意見を申し上げます。",
    "いつもありがとうございます。",
    "パブリックコメントに意見を提出いたします。",
    "標記の件について、以下のとおり意見を述べます。",
    "医療機関の情報システム担当者として意見を申し上げます。",
    "突然のご連絡失礼いたします。",
    "お世話になっております。地域の診療所で事務長をしております。",
    "いつも大変お世話になっております。ガイドライン案を拝見し、意見を提出いたします。",
    "日頃より医療情報の安全管理にご尽力いただき、ありがとうございます。",
    "はじめまして。病院の情報システム部門に勤務する者です。",
];
const CLOSINGS: &[&str] = &[
    "よろしくお願いいたします。",
    "ご検討をお願いします。",
    "以上です。",
    "何卒よろしくお願い申し上げます。",
    "以上、ご検討のほどお願いいたします。",
    "ご高配を賜りますようお願い申し上げます。",
    "現場の実情を踏まえたご判断をお願いいたします。以上です。",
    "以上、よろしくご検討のほどお願い申し上げます。",
];

/// The edits a campaign copy may carry, as named in the truth file and in `pubcom bench`.
pub const EDITS: &[&str] = &["greeting", "closing", "drop", "swap", "chars", "width"];

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

/// A campaign's template: body sentences (often few: short templates are common) and the
/// greeting and closing its organisers wrote.
struct Template {
    greeting: Option<&'static str>,
    body: Vec<String>,
    closing: Option<&'static str>,
}

fn template(rng: &mut Rng, m: &Material) -> Template {
    // Most templates are short: greeting and closing then weigh a lot in a whole text.
    let (min, max) = if rng.below(10) < 7 {
        (60, 300)
    } else {
        (300, 900)
    };
    let mut body = text_of(rng, m, min, max);
    if body.len() < 2 {
        body.push(m.sentences[rng.below(m.sentences.len())].clone());
    }
    Template {
        greeting: (rng.below(4) != 0).then(|| GREETINGS[rng.below(GREETINGS.len())]),
        body,
        closing: (rng.below(3) != 0).then(|| CLOSINGS[rng.below(CLOSINGS.len())]),
    }
}

/// A campaign copy: the template with any mix of the edits people make when they copy a
/// campaign text, and the names of the edits made.
fn variant(rng: &mut Rng, t: &Template) -> (String, Vec<&'static str>) {
    let mut edits = Vec::new();
    let mut body = t.body.clone();
    let mut greeting = t.greeting;
    let mut closing = t.closing;
    if rng.below(10) < 6 {
        // Another greeting line, or none.
        greeting = (rng.below(3) != 0).then(|| GREETINGS[rng.below(GREETINGS.len())]);
        if greeting != t.greeting {
            edits.push("greeting");
        }
    }
    if rng.below(10) < 5 {
        closing = (rng.below(3) != 0).then(|| CLOSINGS[rng.below(CLOSINGS.len())]);
        if closing != t.closing {
            edits.push("closing");
        }
    }
    if body.len() >= 3 && rng.below(10) < 3 {
        body.remove(rng.below(body.len()));
        edits.push("drop");
    }
    if body.len() >= 2 && rng.below(10) < 3 {
        let i = rng.below(body.len() - 1);
        body.swap(i, i + 1);
        edits.push("swap");
    }
    if rng.below(10) < 4 {
        for _ in 0..1 + rng.below(3) {
            let i = rng.below(body.len());
            let mut chars: Vec<char> = body[i].chars().collect();
            if chars.len() > 4 {
                let at = rng.below(chars.len() - 2);
                chars[at] = ['、', 'の', 'に', 'を', 'は', 'が', 'も', '等'][rng.below(8)];
                body[i] = chars.into_iter().collect();
            }
        }
        edits.push("chars");
    }
    let mut text = format!(
        "{}{}{}",
        greeting.map(|g| format!("{g}\n")).unwrap_or_default(),
        body.concat(),
        closing.map(|c| format!("\n{c}")).unwrap_or_default()
    );
    if rng.below(10) < 3 {
        text = switch_width(rng, &text);
        edits.push("width");
    }
    (text, edits)
}

/// Digits and spaces switched between half and full width (and spaces put in after 。).
fn switch_width(rng: &mut Rng, text: &str) -> String {
    let to_full = rng.below(2) == 0;
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '0'..='9' if to_full => out.push(char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)),
            '０'..='９' if !to_full => out.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)),
            ' ' if to_full => out.push('　'),
            '　' if !to_full => out.push(' '),
            '。' => {
                out.push(c);
                if rng.below(4) == 0 {
                    out.push(if to_full { '　' } else { ' ' });
                }
            }
            _ => out.push(c),
        }
    }
    out
}

pub struct SynthReport {
    pub comments: usize,
    pub campaigns: usize,
    pub campaign_members: usize,
}

/// Writes `n` comments as CSV (mic layout plus 分類) to `out`, and each planted campaign
/// member's No. with its campaign id and its edits to `truth` (`no,campaign,edits`, the
/// edits joined with `+`, `none` for an exact copy of the template).
pub fn write(
    n: usize,
    seed: u64,
    out: &mut dyn Write,
    truth: &mut dyn Write,
) -> anyhow::Result<SynthReport> {
    let m = Material::from_samples()?;
    let mut rng = Rng::new(seed);
    let submitters = (n / 20).clamp(50, 20_000);
    // 200 campaigns at 1M; Zipf-sized, the largest over 50,000 copies at 1M.
    let campaigns = (n / 5_000).max(3);
    let templates: Vec<Template> = (0..campaigns).map(|_| template(&mut rng, &m)).collect();
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
    writeln!(truth, "no,campaign,edits")?;
    let mut members = 0;
    for no in 1..=n {
        // 40% of the comments belong to campaigns, bigger campaigns more often.
        let (body, campaign) = if rng.below(5) < 2 {
            let c = rng.skewed(campaigns);
            let (text, edits) = variant(&mut rng, &templates[c]);
            (text, Some((c, edits)))
        } else {
            // Ordinary comments greet and close too.
            let body = text_of(&mut rng, &m, 100, 2000).concat();
            let greeting = if rng.below(3) == 0 {
                format!("{}\n", GREETINGS[rng.below(GREETINGS.len())])
            } else {
                String::new()
            };
            let closing = if rng.below(3) == 0 {
                format!("\n{}", CLOSINGS[rng.below(CLOSINGS.len())])
            } else {
                String::new()
            };
            (format!("{greeting}{body}{closing}"), None)
        };
        if let Some((c, edits)) = campaign {
            let edits = if edits.is_empty() {
                "none".to_string()
            } else {
                edits.join("+")
            };
            writeln!(truth, "{no},{c},{edits}")?;
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
        assert!(r.campaign_members > 80 && r.campaign_members < 170);
        let truth = String::from_utf8(ta).unwrap();
        for e in EDITS {
            assert!(truth.contains(e), "some copy has the edit {e}");
        }
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
