//! Personal information in comment text: e-mail addresses, telephone numbers, postal codes,
//! street addresses and My Numbers (個人番号), found so they can be redacted before publishing.
//!
//! The text is matched after a width fold that keeps every character in its place (full-width
//! letters, digits, ＠, dashes and spaces become ASCII one for one), so a finding is reported
//! as written. Kanji numerals are matched as they are (二丁目, 八番一号).

use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum PiiKind {
    Email,
    Phone,
    PostalCode,
    Address,
    MyNumber,
}

impl PiiKind {
    pub fn label(self) -> &'static str {
        match self {
            PiiKind::Email => "メールアドレス",
            PiiKind::Phone => "電話番号",
            PiiKind::PostalCode => "郵便番号",
            PiiKind::Address => "住所",
            PiiKind::MyNumber => "個人番号（マイナンバー）",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub kind: PiiKind,
    pub text: String,
}

/// A number as written in an address: digits or kanji numerals.
const NUM: &str = "(?:[0-9]+|[〇一二三四五六七八九十百千]+)";
/// Kanji and katakana of a place name.
const PLACE: &str = "[一-龥々ヶケヵァ-ヴー]";
/// What may stand between a prefecture and the street number (hiragana too: さいたま市).
const WIDE: &str = "[^\\s、。，,.「」『』()（）:：;；0-9@]";
const PREFECTURE: &str = "(?:東京都|北海道|(?:京都|大阪)府|[一-龥]{2,3}県)";

static PATTERNS: LazyLock<Vec<(PiiKind, Regex)>> = LazyLock::new(|| {
    let p = |k, r: &str| (k, Regex::new(r).expect("static regex"));
    // 二丁目8番1号, 2-8-1, 1番地の3, 北3条西6丁目: a number, then more parts.
    let sep = "(?:丁目|番地|番|号|条|の|-)";
    let block = format!("{NUM}{sep}+(?:{PLACE}{{0,2}}{NUM}{sep}*)*");
    let city = format!("{PLACE}{{1,6}}?[市区町村郡]");
    let town = format!("(?:{PLACE}|[ぁ-ん]){{0,10}}?");
    let address = [
        format!("{PREFECTURE}{WIDE}{{0,16}}?{block}"),
        // 神奈川県横浜市中区日本大通１: with prefecture and city, a lone number will do.
        format!("{PREFECTURE}{WIDE}{{0,8}}?[市区町村郡]{WIDE}{{0,10}}?[0-9]+"),
        format!("{city}{town}{block}"),
    ]
    .join("|");
    vec![
        p(
            PiiKind::Email,
            r"[A-Za-z0-9._%+\-_]+\s?(?:@|\(at\)|\[at\])\s?[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+",
        ),
        p(
            PiiKind::PostalCode,
            r"(?:〒|郵便番号|郵便|ZIP|zip)[:：]?\s?[0-9]{3}-?[0-9]{4}",
        ),
        p(
            PiiKind::Phone,
            r"(?:\+81[-\s]?\(?0?\)?[1-9][0-9]{0,3}|\(0[0-9]{1,4}\)|0[0-9]{1,4})[-\s)]?\(?[0-9]{1,4}\)?[-\s]?[0-9]{3,4}",
        ),
        p(PiiKind::Address, &address),
        p(PiiKind::MyNumber, r"[0-9]{4}[-\s]?[0-9]{4}[-\s]?[0-9]{4}"),
    ]
});

static STARTS_WITH_PREFECTURE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("^{PREFECTURE}")).expect("static regex"));
/// Words of a sentence, not of a place: 都市部では2-3, 地区ごとに1-2-3.
static PARTICLES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("は|を|では|には|から|まで|より|ごと|など|ため|について|として|及び|並びに")
        .expect("static regex")
});

/// Everything that looks like personal information, in order of appearance.
pub fn find(text: &str) -> Vec<Finding> {
    let mut folded = String::with_capacity(text.len());
    let mut previous = ' ';
    for c in text.chars() {
        // ー after a digit is a dash (２ー８ー１); elsewhere it is a long vowel.
        previous = if c == 'ー' && previous.is_ascii_digit() {
            '-'
        } else {
            fold(c)
        };
        folded.push(previous);
    }
    let chars: Vec<char> = folded.chars().collect();
    let mut out: Vec<(usize, usize, Finding)> = Vec::new();
    for (kind, re) in PATTERNS.iter() {
        for m in re.find_iter(&folded) {
            let start = folded[..m.start()].chars().count();
            let len = m.as_str().chars().count();
            let end = start + len;
            if !plausible(
                *kind,
                m.as_str(),
                chars.get(start.wrapping_sub(1)),
                chars.get(end),
            ) {
                continue;
            }
            if out.iter().any(|(s, e, _)| start < *e && *s < end) {
                continue;
            }
            // Report the text as written (the fold keeps character positions).
            let original: String = text.chars().skip(start).take(len).collect();
            out.push((
                start,
                end,
                Finding {
                    kind: *kind,
                    text: original.trim().to_string(),
                },
            ));
        }
    }
    out.sort_by_key(|(s, _, _)| *s);
    out.into_iter().map(|(_, _, f)| f).collect()
}

/// Drops matches that are parts of longer numbers or words, and numbers that are counts.
fn plausible(kind: PiiKind, m: &str, before: Option<&char>, after: Option<&char>) -> bool {
    let digit = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_digit());
    match kind {
        PiiKind::Phone => {
            let digits = m.chars().filter(char::is_ascii_digit).count();
            !digit(before)
                && !digit(after)
                && (10..=13).contains(&digits)
                && !after.is_some_and(|c| UNITS.contains(*c))
                && (m.contains(['-', ' ', '(', ')', '+']) || m.starts_with('0'))
        }
        PiiKind::MyNumber => {
            let digits: Vec<u32> = m.chars().filter_map(|c| c.to_digit(10)).collect();
            !digit(before) && !digit(after) && my_number_check_digit_ok(&digits)
        }
        PiiKind::Email => true,
        PiiKind::PostalCode => !digit(after),
        PiiKind::Address => {
            let unit = after.is_some_and(|c| UNITS.contains(*c));
            // Without a prefecture, only a street number of address shape: 2-8-1, 8番1号.
            let anchored = STARTS_WITH_PREFECTURE.is_match(m)
                || (!PARTICLES.is_match(m)
                    && (m.contains(['丁', '番', '号', '条']) || m.matches('-').count() >= 2));
            !unit && !digit(after) && anchored
        }
    }
}

/// Counts and units: `2-3年`, `1-2割` are not addresses or numbers of a person.
const UNITS: &str = "年月日時分秒歳才割円%％人名件回倍度個本枚台条項章節";

/// The check digit of a 12-digit 個人番号 (番号法施行令 第8条).
fn my_number_check_digit_ok(digits: &[u32]) -> bool {
    if digits.len() != 12 {
        return false;
    }
    let sum: u32 = (1..=11)
        .map(|n| {
            let p = digits[11 - n];
            let q = if n <= 6 { n + 1 } else { n - 5 };
            p * q as u32
        })
        .sum();
    let r = sum % 11;
    let check = if r <= 1 { 0 } else { 11 - r };
    digits[11] == check
}

/// Width fold, one character for one: full-width ASCII, the ideographic space and the
/// dashes people type in numbers (－ ‐ ― − ー ｰ) become their ASCII forms.
fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '　' => ' ',
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | 'ｰ' => '-',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(PiiKind, String)> {
        find(text).into_iter().map(|f| (f.kind, f.text)).collect()
    }

    #[test]
    fn contact_details_in_japanese_text_are_found() {
        let text = "ご連絡は taro.yamada@example.co.jp または０３－１２３４－５６７８へ。〒100-8916 東京都千代田区霞が関1-2-2 在住。";
        assert_eq!(
            kinds(text),
            vec![
                (PiiKind::Email, "taro.yamada@example.co.jp".into()),
                (PiiKind::Phone, "０３－１２３４－５６７８".into()),
                (PiiKind::PostalCode, "〒100-8916".into()),
                (PiiKind::Address, "東京都千代田区霞が関1-2-2".into()),
            ]
        );
    }

    #[test]
    fn clause_numbers_dates_and_versions_are_not_personal_information() {
        assert!(find("3.2.1(2)(ア)② について、令和5年3月31日の第6.0版（P42）を参照。").is_empty());
        assert_eq!(kinds("携帯 09012345678 まで")[0].0, PiiKind::Phone);
    }

    /// The corpus in `tests/pii_corpus.tsv`: every planted item found whole, nothing found
    /// in the texts that hold none. Prints recall per kind (BENCHMARKS.md).
    #[test]
    fn the_corpus_is_detected_whole_and_without_false_alarms() {
        let (misses, false_alarms) = measure(include_str!("../../tests/pii_corpus.tsv"));
        assert!(misses.is_empty(), "missed:\n{}", misses.join("\n"));
        assert!(
            false_alarms.is_empty(),
            "false alarms:\n{}",
            false_alarms.join("\n")
        );
    }

    /// Written after the patterns, and not tuned on: a figure, not a threshold (printed with
    /// `cargo test --lib pii -- --nocapture`).
    #[test]
    fn held_out_cases_are_measured() {
        let (misses, false_alarms) = measure(include_str!("../../tests/pii_heldout.tsv"));
        for m in misses.iter().chain(&false_alarms) {
            println!("pii held out: {m}");
        }
    }

    /// Found-whole counts per kind and false alarms of a corpus file; returns the misses
    /// and the false alarms.
    fn measure(corpus: &str) -> (Vec<String>, Vec<String>) {
        let mut per_kind: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
        let (mut negatives, mut false_alarms) = (0, Vec::new());
        let mut misses = Vec::new();
        for (n, line) in corpus.lines().enumerate().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let (kind, text, expected) = (cols[0], cols[1], cols.get(2).copied().unwrap_or(""));
            let found = find(text);
            if kind == "none" {
                negatives += 1;
                if !found.is_empty() {
                    false_alarms.push(format!("line {}: {text} -> {found:?}", n + 1));
                }
                continue;
            }
            let entry = per_kind.entry(kind.to_string()).or_default();
            entry.1 += 1;
            let hit = found
                .iter()
                .any(|f| f.text == expected && format!("{:?}", f.kind).to_lowercase() == kind);
            if hit {
                entry.0 += 1;
            } else {
                misses.push(format!(
                    "line {}: {kind} {expected} in {text} -> {found:?}",
                    n + 1
                ));
            }
        }
        for (kind, (hit, all)) in &per_kind {
            println!("pii corpus: {kind:<11} {hit:>3}/{all:<3} found whole");
        }
        println!(
            "pii corpus: none        {}/{negatives} texts without a false alarm",
            negatives - false_alarms.len()
        );
        (misses, false_alarms)
    }
}
