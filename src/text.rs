//! Text helpers shared by intake, triage and publish: normalisation for matching keys.
//! Originals are always stored as written; these forms are only for comparing and searching.

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// NFKC: full-width digits and letters to ASCII, ① to 1, half-width kana to full-width.
pub fn nfkc(s: &str) -> String {
    s.nfkc().collect()
}

/// The form searched: NFKC (ＴＬＳ and TLS, ｸﾗｳﾄﾞ and クラウド are one), applied alike to the
/// text indexed and to the query. Already-normal text (most of it) is returned as it is.
pub fn search_fold(s: &str) -> std::borrow::Cow<'_, str> {
    match unicode_normalization::is_nfkc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => s.into(),
        _ => nfkc(s).into(),
    }
}

/// The spellings of `query` a text may use that fold to the same search form: each
/// character in each of its width forms (ＴＬＳ, TLS; ｸﾗｳﾄﾞ, クラウド; ａ, Ａ, a). `None` when
/// there would be more than `max` (then the text itself must be folded to compare).
pub fn width_variants(query: &str, both_cases: bool, max: usize) -> Option<Vec<String>> {
    let folded = search_fold(query);
    let mut out = vec![String::new()];
    for c in folded.chars() {
        let mut forms = char_forms(c);
        if both_cases && c.is_ascii_alphabetic() {
            let other = if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            forms.push(other.to_string());
        }
        if out.len() * forms.len() > max {
            return None;
        }
        out = out
            .iter()
            .flat_map(|prefix| forms.iter().map(move |f| format!("{prefix}{f}")))
            .collect();
    }
    Some(out)
}

/// A folded character and the other characters (or pairs) that fold to it.
fn char_forms(c: char) -> Vec<String> {
    static HALF_KANA: std::sync::LazyLock<std::collections::HashMap<char, Vec<String>>> =
        std::sync::LazyLock::new(|| {
            let mut map: std::collections::HashMap<char, Vec<String>> = Default::default();
            let mut add = |half: String| {
                let full = nfkc(&half);
                let mut chars = full.chars();
                if let (Some(f), None) = (chars.next(), chars.next()) {
                    map.entry(f).or_default().push(half);
                }
            };
            for h in '\u{FF61}'..='\u{FF9F}' {
                add(h.to_string());
                for mark in ['\u{FF9E}', '\u{FF9F}'] {
                    add(format!("{h}{mark}"));
                }
            }
            map
        });
    let mut forms = vec![c.to_string()];
    match c {
        '!'..='~' => {
            let wide = |x: char| char::from_u32(x as u32 + 0xFEE0).expect("full-width form");
            forms.push(wide(c).to_string());
            if c.is_ascii_alphabetic() {
                let other = if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                };
                forms.push(wide(other).to_string());
            }
        }
        ' ' => forms.push("\u{3000}".into()),
        _ => forms.extend(HALF_KANA.get(&c).into_iter().flatten().cloned()),
    }
    forms
}

/// Where `query` (folded as searches fold) first occurs in `text`, as a byte range of `text`
/// itself: what a result list highlights.
pub fn find_folded(text: &str, query: &str) -> Option<std::ops::Range<usize>> {
    let query = search_fold(query.trim()).to_lowercase();
    if query.is_empty() {
        return None;
    }
    // The folded text a character (with a following half-width voiced mark) at a time,
    // each folded piece remembering the bytes of `text` it came from.
    let mut folded = String::new();
    let mut origin: Vec<std::ops::Range<usize>> = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let mut end = at + c.len_utf8();
        if let Some(&(next_at, next)) = chars.peek() {
            if matches!(next, '\u{FF9E}' | '\u{FF9F}') {
                end = next_at + next.len_utf8();
                chars.next();
            }
        }
        for f in nfkc(&text[at..end]).to_lowercase().chars() {
            folded.push(f);
            origin.extend(std::iter::repeat_n(at..end, f.len_utf8()));
        }
    }
    let start = folded.find(&query)?;
    let last = start + query.len() - 1;
    Some(origin[start].start..origin[last].end)
}

/// A line of `text` around the first match of `query`: (before, match, after), cut to about
/// `width` characters with … where text is left out.
pub fn snippet(text: &str, query: &str, width: usize) -> Option<(String, String, String)> {
    let m = find_folded(text, query)?;
    let flat = |s: &str| s.replace(['\r', '\n'], " ");
    let (before, hit, after) = (&text[..m.start], &text[m.clone()], &text[m.end..]);
    let room = width.saturating_sub(hit.chars().count()) / 2;
    let before_chars: Vec<char> = before.chars().collect();
    let lead: String = before_chars[before_chars.len().saturating_sub(room)..]
        .iter()
        .collect();
    let tail_room = width.saturating_sub(hit.chars().count() + lead.chars().count());
    let mut tail: String = after.chars().take(tail_room).collect();
    let lead = if lead.len() < before.len() {
        format!("…{lead}")
    } else {
        lead
    };
    if tail.len() < after.len() {
        tail.push('…');
    }
    Some((flat(&lead), flat(hit), flat(&tail)))
}

/// A label compared as a reader numbers it: digit runs by value (`1.10` after `1.9`),
/// other characters by code point (（ア） before （イ）, ④ before ⑤).
pub fn natural_key(label: &str) -> Vec<(u32, u64)> {
    let mut key = Vec::new();
    let mut digits: Option<u64> = None;
    for c in nfkc(label).chars() {
        match c.to_digit(10) {
            Some(d) => {
                digits = Some(
                    digits
                        .unwrap_or(0)
                        .saturating_mul(10)
                        .saturating_add(d.into()),
                )
            }
            None => {
                if let Some(n) = digits.take() {
                    key.push((0, n));
                }
                key.push((c as u32, 0));
            }
        }
    }
    if let Some(n) = digits {
        key.push((0, n));
    }
    key
}

/// The key two comments share when they say exactly the same thing: NFKC, no spaces,
/// no punctuation, lower case.
pub fn match_key(s: &str) -> String {
    thread_local! {
        // One buffer per thread for the folded text, which is only hashed: an import keys a
        // million texts of a few KB each.
        static FOLDED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    FOLDED.with_borrow_mut(|folded| {
        folded.clear();
        fold_into(s, folded);
        let digest = Sha256::digest(folded.as_bytes());
        hex::encode(&digest[..16])
    })
}

/// The text as compared for 同旨: NFKC, lower case, no spaces or punctuation.
/// Kanji, kana and ASCII are already NFKC; only the stretches between them (full-width
/// forms, half-width kana, combining marks…) go through the normaliser.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// [`fold`], appending to `out`.
pub fn fold_into(s: &str, out: &mut String) {
    let mut pending = String::new();
    let flush = |pending: &mut String, out: &mut String| {
        if !pending.is_empty() {
            pending.nfkc().for_each(|c| push_folded(out, c));
            pending.clear();
        }
    };
    let mut at = 0;
    while at < s.len() {
        if plain(&s.as_bytes()[at..]).is_some() {
            flush(&mut pending, out);
            let run = fold_plain_run(s, at, out);
            // The last one goes to the normaliser after all if something attaches to it.
            if s[run.end..].chars().next().is_some_and(attaches) {
                out.truncate(out.len() - run.last_folded_len);
                pending.push_str(&s[run.last_at..run.end]);
            }
            at = run.end;
            continue;
        }
        let c = s[at..].chars().next().expect("at is below the length");
        at += c.len_utf8();
        if is_stable(c) && s[at..].chars().next().is_none_or(|next| !attaches(next)) {
            flush(&mut pending, out);
            push_folded(out, c);
        } else {
            pending.push(c);
        }
    }
    flush(&mut pending, out);
}

/// What folding does with a character that needs no normaliser: most of a Japanese text.
enum Plain {
    /// Kept as it is (this many bytes).
    Keep(usize),
    /// Dropped, as a space or punctuation (this many bytes).
    Drop(usize),
    /// An ASCII capital, lower-cased.
    Lower(u8),
}

/// How the character `bytes` starts with folds, if it is ASCII, kana, kanji or CJK
/// punctuation (U+3001–U+3029), read from its UTF-8 directly; `None` for any other.
#[inline(always)]
fn plain(bytes: &[u8]) -> Option<Plain> {
    match *bytes {
        [b, ..] if b.is_ascii() => {
            Some(if (b as char).is_whitespace() || b.is_ascii_punctuation() {
                Plain::Drop(1)
            } else if b.is_ascii_uppercase() {
                Plain::Lower(b)
            } else {
                Plain::Keep(1)
            })
        }
        [lead, second, third, ..] => {
            // Without branching on which: kana and kanji alternate too often for a predictor.
            // U+4E00 is E4 B8 80, U+9FFF is E9 BF BF; U+3000–U+30FF are E3 80 80 – E3 83 BF.
            let kanji = (lead.wrapping_sub(0xE5) < 5) | ((lead == 0xE4) & (second >= 0xB8));
            let in_30 = (lead == 0xE3) & (second & 0xFC == 0x80);
            let class_30 = PLAIN_30[usize::from(second & 0x03) << 6 | usize::from(third & 0x3F)];
            match u8::from(kanji) | (class_30 & u8::from(in_30).wrapping_neg()) {
                KEEP => Some(Plain::Keep(3)),
                DROP => Some(Plain::Drop(3)),
                _ => None,
            }
        }
        _ => None,
    }
}

const KEEP: u8 = 1;
const DROP: u8 = 2;

/// [`plain`]'s answer for U+3000–U+30FF: kana kept, CJK punctuation dropped, the rest of
/// U+3001–U+3029 kept, anything else (0) left to the normaliser.
const PLAIN_30: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = 0x3000 + i as u32;
        table[i] = match char::from_u32(c) {
            Some(c) if is_kana_or_kanji(c) => KEEP,
            Some(c @ '\u{3001}'..='\u{3029}') if is_punctuation(c) => DROP,
            Some('\u{3001}'..='\u{3029}') => KEEP,
            _ => 0,
        };
        i += 1;
    }
    table
};

/// Where a run of [`plain`] characters folded by [`fold_plain_run`] ends, and its last one.
struct PlainRun {
    end: usize,
    last_at: usize,
    /// Bytes the last character added to the output.
    last_folded_len: usize,
}

/// Folds the run of [`plain`] characters starting at `at` into `out`, copying whole spans.
fn fold_plain_run(s: &str, mut at: usize, out: &mut String) -> PlainRun {
    let mut copy_from = at;
    let mut run = PlainRun {
        end: at,
        last_at: at,
        last_folded_len: 0,
    };
    while let Some(kind) = plain(&s.as_bytes()[at..]) {
        run.last_at = at;
        match kind {
            Plain::Keep(len) => {
                at += len;
                run.last_folded_len = len;
            }
            Plain::Drop(len) => {
                out.push_str(&s[copy_from..at]);
                at += len;
                copy_from = at;
                run.last_folded_len = 0;
            }
            Plain::Lower(b) => {
                out.push_str(&s[copy_from..at]);
                out.push(char::from(b.to_ascii_lowercase()));
                at += 1;
                copy_from = at;
                run.last_folded_len = 1;
            }
        }
    }
    out.push_str(&s[copy_from..at]);
    run.end = at;
    run
}

/// Kana and kanji: NFKC leaves them, they are neither space nor punctuation, have no case,
/// and never merge with what comes before them.
const fn is_kana_or_kanji(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{4E00}'..='\u{9FFF}')
}

/// Characters NFKC leaves as they are and never merges with what comes before them.
fn is_stable(c: char) -> bool {
    c.is_ascii()
        || matches!(
            c,
            // CJK punctuation and brackets, kana, kanji.
            '\u{3001}'..='\u{3029}'
                | '\u{3041}'..='\u{3096}'
                | '\u{30A1}'..='\u{30FA}'
                | '\u{30FC}'
                | '\u{4E00}'..='\u{9FFF}'
        )
}

/// A character that NFKC may join to the one before it: combining marks, half-width voicing
/// marks (they become combining ones), Hangul vowel and final jamo.
fn attaches(c: char) -> bool {
    match c {
        // The common case, without a table lookup: ASCII, CJK punctuation, kana, kanji,
        // full-width forms.
        '\u{0}'..='\u{7F}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FF9D}' => false,
        '\u{3099}' | '\u{309A}' | '\u{302A}'..='\u{302F}' => true,
        '\u{3000}'..='\u{30FF}' => false,
        '\u{FF9E}' | '\u{FF9F}' | '\u{1160}'..='\u{11FF}' => true,
        c => unicode_normalization::char::canonical_combining_class(c) != 0,
    }
}

fn push_folded(out: &mut String, c: char) {
    // Most of a Japanese text, without the checks below.
    if is_kana_or_kanji(c) {
        out.push(c);
        return;
    }
    if c.is_whitespace() || is_punctuation(c) {
        return;
    }
    match c {
        c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        // Kana and CJK ideographs have no case.
        '\u{3040}'..='\u{9FFF}' => out.push(c),
        c => out.extend(c.to_lowercase()),
    }
}

const fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '、' | '。'
                | '，'
                | '．'
                | '・'
                | '「'
                | '」'
                | '『'
                | '』'
                | '（'
                | '）'
                | '【'
                | '】'
                | '〔'
                | '〕'
                | '〈'
                | '〉'
                | '《'
                | '》'
                | '！'
                | '？'
                | '：'
                | '；'
                | '…'
                | '‥'
                | '〜'
                | '～'
                | '―'
                | '—'
                | '－'
                | 'ー'
        )
}

/// The first `max_lines` lines of a text, each cut at `max_chars` characters, for list views.
pub fn excerpt(s: &str, max_lines: usize, max_chars: usize) -> String {
    let mut out = Vec::new();
    let mut lines = s.lines().filter(|l| !l.trim().is_empty());
    for line in lines.by_ref().take(max_lines) {
        let cut: String = line.chars().take(max_chars).collect();
        if cut.chars().count() < line.chars().count() {
            out.push(format!("{cut}…"));
        } else {
            out.push(cut);
        }
    }
    let mut text = out.join("\n");
    if lines.next().is_some() && !text.ends_with('…') {
        text.push('…');
    }
    text
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
/// leading `'`; the importer removes it again.
pub fn neutralize_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A spreadsheet column letter: 1 → A, 27 → AA.
pub fn column_letter(mut n: usize) -> String {
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push((b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s.iter().rev().collect()
}

/// A stored time (UTC) as people in the office read it: Japan time, to the minute.
pub fn japan_time(utc: chrono::NaiveDateTime) -> String {
    (utc + chrono::Duration::hours(9))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn a_short_query_lists_every_width_spelling_that_folds_to_it() {
        let v = width_variants("ＡＩ", false, 16).unwrap();
        for s in ["AI", "ＡＩ", "ａｉ", "Aｉ"] {
            assert!(v.contains(&s.to_string()), "{s} in {v:?}");
        }
        assert!(v.iter().all(|x| search_fold(x).to_lowercase() == "ai"));
        let v = width_variants("ガス", false, 16).unwrap();
        assert!(
            v.contains(&"ｶﾞｽ".to_string()) && v.contains(&"ガス".to_string()),
            "{v:?}"
        );
        assert_eq!(width_variants("漢字", false, 16).unwrap(), ["漢字"]);
        assert_eq!(
            width_variants("TLS1.3", false, 16),
            None,
            "too many: fold the text instead"
        );
    }

    #[test]
    fn searches_find_width_variants_and_mark_the_original_characters() {
        assert_eq!(search_fold("ＴＬＳ"), "TLS");
        assert_eq!(search_fold("ｸﾗｳﾄﾞ"), "クラウド");
        assert!(matches!(
            search_fold("クラウド"),
            std::borrow::Cow::Borrowed(_)
        ));
        let text = "通信はＴＬＳ１．３で暗号化し、ｸﾗｳﾄﾞに置く。";
        let m = find_folded(text, "tls1.3").unwrap();
        assert_eq!(&text[m], "ＴＬＳ１．３");
        let m = find_folded(text, "クラウド").unwrap();
        assert_eq!(&text[m], "ｸﾗｳﾄﾞ");
        assert_eq!(find_folded(text, "オンプレミス"), None);
        let (before, hit, after) = snippet(text, "ｸﾗｳﾄﾞ", 10).unwrap();
        assert_eq!(hit, "ｸﾗｳﾄﾞ");
        assert_eq!(before, "…し、");
        assert_eq!(after, "に置く…");
    }

    #[test]
    fn match_keys_ignore_width_spaces_and_punctuation() {
        assert_eq!(match_key("ＩＴ 化を、進める。"), match_key("IT化を進める"));
        assert_ne!(match_key("IT化を進める"), match_key("IT化を止める"));
    }

    /// What [`fold`] must give, the slow way: NFKC of the whole text, then no spaces or
    /// punctuation, lower case.
    fn plain(s: &str) -> String {
        nfkc(s)
            .chars()
            .filter(|c| !c.is_whitespace() && !is_punctuation(*c))
            .flat_map(char::to_lowercase)
            .collect()
    }

    #[test]
    fn folding_agrees_with_plain_nfkc_then_lower_case() {
        for text in [
            "ＡＢＣ　ｄｅｆ ｶﾞｲﾄﾞﾗｲﾝ①",
            "Guideline ΣΑΣ Ünïcode　第２章",
            "医療情報システムの安全管理に関するガイドライン。",
            "ＩＴ化を、進める",
            "か\u{3099}き\u{309A}ｶﾞｲﾄﾞ e\u{301}te\u{301} Å ﬁ ㍻ ①② ｱﾟ",
            "漢字\u{301}カ\u{3099}\u{3099}",
            "「引用」、『書名』【注】〒〜々〇。ーｰ\u{3000}終わり",
            "a<\u{338}b ｶ\u{FF9E}漢\u{FF9E}、か\u{FF9F}。",
            "e\u{301}漢字かな\u{3099}カナ漢\u{301}\u{302}字ｶﾞ",
            "ゟヿ㈱漢字カナ\u{3099}",
            "ABC\u{0B}DeF\tX<\u{338}y A\u{301}B。\u{3099}、々〆〇〒\u{302A}〃「\u{301}",
        ] {
            assert_eq!(fold(text), plain(text), "{text}");
        }
        assert_eq!(fold("ＡＢ　ｶﾞｲﾄﾞ①"), "abガイド1");
    }

    /// The real samples (read here, not through `demo`, so that `text` imports nothing above it).
    pub(crate) const SAMPLES: [&[u8]; 2] = [
        include_bytes!("../import/samples/mhlw-gl6-draft-comments.tsv"),
        include_bytes!("../import/samples/mic-cloud-gl-published-excerpt.csv"),
    ];

    /// Digits, Latin letters and spaces switched to the other width, as copies of a text differ.
    pub(crate) fn switch_width(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                '0'..='9' | 'A'..='Z' | 'a'..='z' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
                '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                    char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
                }
                ' ' => '\u{3000}',
                '\u{3000}' => ' ',
                _ => c,
            })
            .collect()
    }

    #[test]
    fn folding_the_samples_and_their_width_variants_agrees_with_plain_nfkc() {
        for sample in SAMPLES {
            for line in String::from_utf8_lossy(sample).lines() {
                assert_eq!(fold(line), plain(line), "{line}");
                let switched = switch_width(line);
                assert_eq!(fold(&switched), plain(&switched), "{switched}");
            }
        }
        for c in [
            '\u{3040}', '\u{3097}', '\u{30A0}', '\u{30FB}', '\u{4DFF}', '\u{A000}',
        ] {
            let text = format!("漢{c}か");
            assert_eq!(fold(&text), plain(&text), "{text}");
        }
    }

    #[test]
    fn excerpts_keep_the_first_lines_and_mark_the_cut() {
        assert_eq!(
            excerpt("一行目\n\n二行目\n三行目", 2, 10),
            "一行目\n二行目…"
        );
        assert_eq!(excerpt("あいうえお", 2, 3), "あいう…");
        assert_eq!(excerpt("短い", 2, 10), "短い");
    }
}
