//! Clause references as people write them — `3.2.1(2)(ア)②`, `1.1.1(5) 脚注3`,
//! `3.2.2(2)(ウ)表題`, `6.5 C.10`, `3. 2. 2`, `１４．１`, `PP47-52`, `P42` — parsed into a
//! canonical clause path plus detail, or a page range.

use regex::Regex;
use std::sync::LazyLock;

/// One reference to the draft found in a cell or in comment text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClauseRef {
    /// The reference as matched, after width and spacing were normalised.
    pub raw: String,
    /// Canonical numbering: `3.2.1(2)(ア)②`; `None` for a pure page reference.
    pub path: Option<String>,
    /// What follows the numbering: `脚注3`, `表題`, `C.10`.
    pub detail: Option<String>,
    pub pages: Option<(u32, u32)>,
}

impl ClauseRef {
    /// The path and detail as one label, e.g. `6.5 C.10` or `1.1.1(5) 脚注3`.
    pub fn label(&self) -> Option<String> {
        match (&self.path, &self.detail) {
            (Some(p), Some(d)) => Some(format!("{p} {d}")),
            (Some(p), None) => Some(p.clone()),
            (None, _) => None,
        }
    }
}

static SPLIT_LEADING_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d) (\d)\.").expect("static regex"));
static CLAUSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:第\x20?(?P<chap>[0-9]{1,2})\x20?章)
        |
        (?P<num>[0-9]{1,2}(?:\.[0-9]{1,2}){0,5})(?P<dot>\.)?
        (?P<items>(?:\x20?\((?:[0-9]{1,2}|[ア-ン]|[a-z])\))*)
        (?P<tail>(?:[①-⑳]|[0-9]{1,2}\.)*)
        (?:\x20?(?P<detail>脚注\x20?[0-9]{1,2}|表題|[CD]\.\x20?[0-9]{1,3}|\((?:挿入|削除|新設|追加|移動)\)))?",
    )
    .expect("static regex")
});
static PAGES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:(?-u:\b)[Pp]{1,2}\.?\x20?(?P<from>\d{1,4})(?:\x20?[-~〜～−–]\x20?(?:[Pp]{1,2}\.?\x20?)?(?P<to>\d{1,4}))?)
        |
        (?:(?P<jfrom>\d{1,4})(?:\x20?[-~〜～−–]\x20?(?P<jto>\d{1,4}))?\x20?(?:頁|ページ))",
    )
    .expect("static regex")
});

/// Words after a number that make it a version, date or quantity rather than a clause.
const NOT_A_CLAUSE_AFTER: &[&str] = &[
    "版", "年", "月", "日", "%", "倍", "万", "円", "件", "歳", "時", "分", "秒", "回", "名", "人",
    "ヶ", "か月", "箇", "点", "つ", "GB", "MB", "bit",
];

/// Full-width digits, letters, dots, parentheses and spaces to ASCII; circled numbers and
/// katakana are kept, since `②` and `(ア)` are part of a clause's name.
pub fn normalize_width(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    for (at, c) in s.char_indices() {
        let narrow = narrow(c);
        if narrow == c {
            continue;
        }
        out.push_str(&s[copied..at]);
        out.push(narrow);
        copied = at + c.len_utf8();
    }
    out.push_str(&s[copied..]);
    out
}

/// Collapses the spaces printed inside numbers: `3. 2. 2` → `3.2.2`, `14. 1 法令` → `14.1 法令`.
/// Works on bytes: dots, spaces, tabs and digits are ASCII, never part of another character.
fn join_spaced_numbers(s: &str) -> String {
    let is_gap = |b: &u8| matches!(b, b'.' | b' ' | b'\t');
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        if !is_gap(&bytes[at]) {
            at += 1;
            continue;
        }
        let end = at + bytes[at..].iter().take_while(|b| is_gap(b)).count();
        // A run of spaces with exactly one dot, between two digits, is a number's dot.
        let dots = bytes[at..end].iter().filter(|b| **b == b'.').count();
        let between_digits = at > 0
            && bytes[at - 1].is_ascii_digit()
            && bytes.get(end).is_some_and(u8::is_ascii_digit);
        if dots == 1 && between_digits {
            out.push_str(&s[copied..at]);
            out.push('.');
            copied = end;
        }
        at = end;
    }
    out.push_str(&s[copied..]);
    out
}

/// References in the 章・該当箇所 or パート cell of a table row. The cell usually starts with
/// the clause number (even a single level like `3. 責任分界`), and may name several.
pub fn parse_cell(cell: &str) -> Vec<ClauseRef> {
    let mut text = join_spaced_numbers(&normalize_width(cell.trim()));
    // `1 0. 医療…` is `10.` printed with a space inside the number.
    text = SPLIT_LEADING_NUMBER.replace(&text, "$1$2.").into_owned();
    let mut refs = Vec::new();
    find_clauses_in(&text, &Around::default(), true, &mut refs);
    refs.extend(parse_pages(&text));
    refs
}

/// References inside free comment text: only multi-level numbers (`3.1.1`) or numbers with
/// items (`3(2)`) count, so that `第5.2版` or `令和9年` are not taken for clauses.
///
/// A reference is made of a few kinds of characters only (see [`may_be_in_reference`]) and
/// has a digit, so only the runs of those characters around a digit are normalised and
/// matched, with the characters just outside a run as context: a comment of 2,000 characters
/// usually has a handful of such runs. (Matching whole texts took a third of an import's
/// reading time.) A run without a dot, a parenthesis, a circled number or 章 cannot hold a
/// reference that counts in text, and is not matched at all: `2026年`, `100件`.
pub fn parse_text(text: &str) -> Vec<ClauseRef> {
    let mut refs = Vec::new();
    let mut from = 0;
    while let Some(digit) = next_digit(text, from) {
        let start = text[..digit]
            .char_indices()
            .rev()
            .take_while(|(_, c)| may_be_in_reference(*c))
            .last()
            .map_or(digit, |(at, _)| at);
        let end = text[digit..]
            .char_indices()
            .find(|(_, c)| !may_be_in_reference(*c))
            .map_or(text.len(), |(at, _)| digit + at);
        from = end;
        if !text[start..end].contains(makes_a_text_reference) {
            continue;
        }
        let run = join_spaced_numbers(&normalize_width(&text[start..end]));
        let around = Around {
            before: text[..start].chars().next_back().map(narrow),
            after: &text[end..],
        };
        find_clauses_in(&run, &around, false, &mut refs);
    }
    refs
}

/// Characters of which a reference in text has at least one: a level's dot, an item's
/// parenthesis, a circled number, or 章 of `第3章`.
fn makes_a_text_reference(c: char) -> bool {
    matches!(c, '.' | '．' | '(' | '（' | '①'..='⑳' | '章')
}

/// What surrounds the text being matched, when it is a run cut out of a longer text.
#[derive(Default)]
struct Around<'t> {
    /// The character before the run, width-normalised.
    before: Option<char>,
    /// The text after the run, as written.
    after: &'t str,
}

/// Enough characters after a run for the longest of [`NOT_A_CLAUSE_AFTER`].
const AFTER_WORD_CHARS: usize = 3;

/// Characters a clause reference (the `CLAUSE` pattern, before width normalisation) can
/// contain. None of [`NOT_A_CLAUSE_AFTER`] straddles the line: each word is all inside
/// (`bit`) or all outside.
fn may_be_in_reference(c: char) -> bool {
    matches!(
        c,
        '0'..='9'
            | '０'..='９'
            | 'a'..='z'
            | 'ａ'..='ｚ'
            | 'ア'..='ン'
            | '①'..='⑳'
            | '.'
            | '．'
            | ' '
            | '　'
            | '\t'
            | '('
            | ')'
            | '（'
            | '）'
            | 'C'
            | 'D'
            | 'Ｃ'
            | 'Ｄ'
            | '第'
            | '章'
            | '脚'
            | '注'
            | '表'
            | '題'
            | '挿'
            | '入'
            | '削'
            | '除'
            | '新'
            | '設'
            | '追'
            | '加'
            | '移'
            | '動'
    )
}

/// Byte index of the next ASCII or full-width digit at or after `from`.
fn next_digit(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    // Chunks without a digit or a full-width form's lead byte are passed over whole.
    let maybe = |b: u8| b.is_ascii_digit() || b == 0xEF;
    let mut at = from;
    while at < bytes.len() {
        let chunk = &bytes[at..(at + 32).min(bytes.len())];
        if chunk.iter().fold(false, |any, b| any | maybe(*b)) {
            for (i, b) in chunk.iter().enumerate() {
                // `０`–`９` are EF BC 90 – EF BC 99 in UTF-8.
                let wide = *b == 0xEF
                    && bytes.get(at + i + 1) == Some(&0xBC)
                    && bytes
                        .get(at + i + 2)
                        .is_some_and(|b| (0x90..=0x99).contains(b));
                if b.is_ascii_digit() || wide {
                    return Some(at + i);
                }
            }
        }
        at += chunk.len();
    }
    None
}

/// One character as [`normalize_width`] writes it.
fn narrow(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        '（' => '(',
        '）' => ')',
        '．' => '.',
        '　' => ' ',
        '－' => '-',
        _ => c,
    }
}

/// Page references: `P42`, `PP47-52`, `p.12`, `12頁`, `47～52ページ`.
pub fn parse_pages(text: &str) -> Vec<ClauseRef> {
    let text = normalize_width(text);
    PAGES
        .captures_iter(&text)
        .filter_map(|c| {
            let from: u32 = c.name("from").or(c.name("jfrom"))?.as_str().parse().ok()?;
            let to: u32 = match c.name("to").or(c.name("jto")) {
                Some(m) => m.as_str().parse().ok()?,
                None => from,
            };
            Some(ClauseRef {
                raw: c.get(0)?.as_str().trim().to_string(),
                path: None,
                detail: None,
                pages: Some((from.min(to), from.max(to))),
            })
        })
        .collect()
}

/// Adds the references found in `text` to `refs`.
fn find_clauses_in(
    text: &str,
    around: &Around,
    first_may_be_single: bool,
    refs: &mut Vec<ClauseRef>,
) {
    let found_before = refs.len();
    for caps in CLAUSE.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        if let Some(chap) = caps.name("chap") {
            refs.push(ClauseRef {
                raw: whole.as_str().to_string(),
                path: Some(chap.as_str().trim_start_matches('0').to_string()),
                detail: None,
                pages: None,
            });
            continue;
        }
        let Some(num) = caps.name("num") else {
            continue;
        };
        let before = text[..whole.start()].chars().next_back().or(around.before);
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '/') {
            continue;
        }
        let narrowed: String;
        let after = match &text[whole.end()..] {
            "" => {
                narrowed = around
                    .after
                    .chars()
                    .take(AFTER_WORD_CHARS)
                    .map(narrow)
                    .collect();
                narrowed.as_str()
            }
            rest => rest,
        };
        if NOT_A_CLAUSE_AFTER.iter().any(|w| after.starts_with(w)) || before == Some('第') {
            continue;
        }
        let items: String = caps
            .name("items")
            .map(|m| m.as_str().replace(' ', ""))
            .unwrap_or_default();
        let tail = caps.name("tail").map(|m| m.as_str()).unwrap_or("");
        // `1.` after an item is a list number inside it; directly after the number it is not.
        let tail: String = if items.is_empty() {
            tail.chars()
                .take_while(|c| ('①'..='⑳').contains(c))
                .collect()
        } else {
            tail.to_string()
        };
        let multi_level = num.as_str().contains('.');
        let has_items = !items.is_empty() || !tail.is_empty();
        let single_ok = first_may_be_single
            && refs.len() == found_before
            && whole.start() == 0
            && (caps.name("dot").is_some() || after.starts_with(' ') || after.is_empty());
        if !(multi_level || has_items || single_ok) {
            continue;
        }
        let detail = caps.name("detail").map(|m| m.as_str().replace(' ', ""));
        refs.push(ClauseRef {
            raw: whole.as_str().trim().to_string(),
            path: Some(format!("{}{items}{tail}", num.as_str())),
            detail,
            pages: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(refs: &[ClauseRef]) -> Vec<String> {
        refs.iter().filter_map(ClauseRef::label).collect()
    }

    fn pages(refs: &[ClauseRef]) -> Vec<(u32, u32)> {
        refs.iter().filter_map(|r| r.pages).collect()
    }

    #[test]
    fn items_circled_numbers_footnotes_and_titles_are_part_of_the_path() {
        let r = parse_text("3.2.1(2)(ア)②について");
        assert_eq!(r[0].path.as_deref(), Some("3.2.1(2)(ア)②"));
        let r = parse_text("1.1.1(5) 脚注3 の記載");
        assert_eq!(r[0].path.as_deref(), Some("1.1.1(5)"));
        assert_eq!(r[0].detail.as_deref(), Some("脚注3"));
        let r = parse_text("3.2.2(2)(ウ)表題");
        assert_eq!(r[0].path.as_deref(), Some("3.2.2(2)(ウ)"));
        assert_eq!(r[0].detail.as_deref(), Some("表題"));
        assert_eq!(paths(&parse_text("6.5 C.10 について")), vec!["6.5 C.10"]);
    }

    #[test]
    fn cells_of_the_mhlw_sample_give_their_clause_number() {
        assert_eq!(
            paths(&parse_cell(
                "3. 2. 2 医療機関等の特性に応じたガイドライン参照箇所"
            )),
            vec!["3.2.2"]
        );
        assert_eq!(
            paths(&parse_cell(
                "14. 1 法令で定められた記名・押印のための電子署名の要件"
            )),
            vec!["14.1"]
        );
        assert_eq!(paths(&parse_cell("3. 責任分界")), vec!["3"]);
        assert_eq!(paths(&parse_cell("3.1各編の目的・概要")), vec!["3.1"]);
        assert_eq!(
            paths(&parse_cell(
                "1 0. 医療情報システム・サービス事業者による保守対応等"
            )),
            vec!["10"]
        );
        assert_eq!(
            paths(&parse_cell(
                "13. ネットワークに関する安全管理措置 13.3.1 ネットワーク回線の暗号化"
            )),
            vec!["13", "13.3.1"]
        );
        assert_eq!(
            paths(&parse_cell(
                "11. 1 非常時における対応方針の策定 11. 2 非常時に備えた通常時からの対応"
            )),
            vec!["11.1", "11.2"]
        );
        assert_eq!(paths(&parse_cell("3.3第5.2版との関係")), vec!["3.3"]);
        assert!(parse_cell("—").is_empty());
        assert!(parse_cell("【特集】医療機関等におけるサイバーセキュリティ(案)").is_empty());
    }

    #[test]
    fn full_width_digits_and_spaces_inside_numbers_are_read() {
        assert_eq!(
            paths(&parse_text("３．２．１（２）（ア）②")),
            vec!["3.2.1(2)(ア)②"]
        );
        assert_eq!(
            paths(&parse_text("企画管理編3. 1. 1の文末に")),
            vec!["3.1.1"]
        );
    }

    #[test]
    fn the_mic_sample_part_column_is_parsed() {
        assert_eq!(paths(&parse_cell("3.2.2(2)(イ)1.")), vec!["3.2.2(2)(イ)1."]);
        assert_eq!(paths(&parse_cell("3.2.2(2)1.②")), vec!["3.2.2(2)1.②"]);
        assert_eq!(paths(&parse_cell("1.1.1")), vec!["1.1.1"]);
        assert_eq!(pages(&parse_cell("PP47")), vec![(47, 47)]);
        let inserted = parse_text("3.2.2(2)(ア)⑤（挿入）\n「サービスに供す");
        assert_eq!(inserted[0].path.as_deref(), Some("3.2.2(2)(ア)⑤"));
        assert_eq!(inserted[0].detail.as_deref(), Some("(挿入)"));
        assert!(paths(&parse_cell("全般")).is_empty());
    }

    #[test]
    fn versions_dates_and_quantities_in_text_are_not_clauses() {
        assert!(parse_text("第6.0版の改定にあたり令和9年度時点で2.5倍").is_empty());
        assert!(parse_text("ISO27001 と v1.2 の関係").is_empty());
        assert_eq!(paths(&parse_text("第3章を参照")), vec!["3"]);
    }

    #[test]
    fn page_references_become_ranges() {
        assert_eq!(pages(&parse_cell("P42")), vec![(42, 42)]);
        assert_eq!(pages(&parse_cell("PP47-52")), vec![(47, 52)]);
        assert_eq!(pages(&parse_pages("ｐ．１２")), vec![(12, 12)]);
        assert_eq!(pages(&parse_pages("47～52ページ")), vec![(47, 52)]);
        assert!(parse_pages("全般").is_empty());
    }

    /// The whole-text scan that `parse_text` replaced.
    fn parse_whole_text(text: &str) -> Vec<ClauseRef> {
        let text = join_spaced_numbers(&normalize_width(text));
        let mut refs = Vec::new();
        find_clauses_in(&text, &Around::default(), false, &mut refs);
        refs
    }

    #[test]
    fn runs_around_digits_find_what_the_whole_text_scan_finds() {
        let mut texts: Vec<String> = Vec::new();
        for sample in crate::text::tests::SAMPLES {
            for line in String::from_utf8_lossy(sample).split('\n') {
                texts.push(line.to_string());
                texts.push(crate::text::tests::switch_width(line));
            }
        }
        // Random strings over the characters that decide where a reference starts and ends.
        let alphabet: Vec<char> =
            "0123456789０１２３.．. 　\t()（）アイウン①②⑳第章脚注表題挿入削除CDＣＤcdxｘAＡ\
                                   版年月か月ヶbitGBMBＧＢ-－/漢の、。P頁"
                .chars()
                .collect();
        use proptest::prelude::Rng;
        let mut rng = proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        );
        let mut below = |n: usize| (rng.next_u64() % n as u64) as usize;
        for _ in 0..50_000 {
            let len = 1 + below(24);
            texts.push((0..len).map(|_| alphabet[below(alphabet.len())]).collect());
        }
        let mut found = 0;
        for text in &texts {
            let whole = parse_whole_text(text);
            assert_eq!(parse_text(text), whole, "{text:?}");
            found += whole.len();
        }
        assert!(found > 3_000, "the texts cite clauses: {found}");
    }

    #[test]
    fn only_a_single_dot_between_digits_joins_a_number() {
        let joined = |s: &str| join_spaced_numbers(&normalize_width(s));
        assert_eq!(joined("3. 2. 2 項"), "3.2.2 項");
        assert_eq!(joined("１４．　１　法令"), "14.1 法令");
        assert_eq!(joined("1 .\t2"), "1.2");
        assert_eq!(joined("1. . 2、2 3"), "1. . 2、2 3");
        assert_eq!(joined("案. 2 と 3. です"), "案. 2 と 3. です");
        assert_eq!(joined(" 3.2"), " 3.2");
    }
}
