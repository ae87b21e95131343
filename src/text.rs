//! Text helpers shared by intake, triage and publish: normalisation for matching keys.
//! Originals are always stored as written; these forms are only for comparing and searching.

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// NFKC: full-width digits and letters to ASCII, ① to 1, half-width kana to full-width.
pub fn nfkc(s: &str) -> String {
    s.nfkc().collect()
}

/// The key two comments share when they say exactly the same thing: NFKC, no spaces,
/// no punctuation, lower case.
pub fn match_key(s: &str) -> String {
    let folded = fold(s);
    let digest = Sha256::digest(folded.as_bytes());
    hex::encode(&digest[..16])
}

/// The text as compared for 同旨: NFKC, lower case, no spaces or punctuation.
/// Kanji, kana and ASCII are already NFKC; only the stretches between them (full-width
/// forms, half-width kana, combining marks…) go through the normaliser.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending = String::new();
    let flush = |pending: &mut String, out: &mut String| {
        pending.nfkc().for_each(|c| push_folded(out, c));
        pending.clear();
    };
    let mut chars = s.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if is_kana_or_kanji(c) {
            // A run of kana and kanji is copied as it is, but for a last one that something
            // attaches to.
            let mut last = (at, c);
            while let Some(&(next_at, next)) = chars.peek() {
                if !is_kana_or_kanji(next) {
                    break;
                }
                last = (next_at, next);
                chars.next();
            }
            flush(&mut pending, &mut out);
            if chars.peek().is_some_and(|(_, next)| attaches(*next)) {
                out.push_str(&s[at..last.0]);
                pending.push(last.1);
            } else {
                out.push_str(&s[at..last.0 + last.1.len_utf8()]);
            }
        } else if is_stable(c) && chars.peek().is_none_or(|(_, next)| !attaches(*next)) {
            flush(&mut pending, &mut out);
            push_folded(&mut out, c);
        } else {
            pending.push(c);
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// Kana and kanji: NFKC leaves them, they are neither space nor punctuation, have no case,
/// and never merge with what comes before them.
fn is_kana_or_kanji(c: char) -> bool {
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

fn is_punctuation(c: char) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_keys_ignore_width_spaces_and_punctuation() {
        assert_eq!(match_key("ＩＴ 化を、進める。"), match_key("IT化を進める"));
        assert_ne!(match_key("IT化を進める"), match_key("IT化を止める"));
    }

    #[test]
    fn folding_agrees_with_plain_nfkc_then_lower_case() {
        let plain = |s: &str| -> String {
            nfkc(s)
                .chars()
                .filter(|c| !c.is_whitespace() && !is_punctuation(*c))
                .flat_map(char::to_lowercase)
                .collect()
        };
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
        ] {
            assert_eq!(fold(text), plain(text), "{text}");
        }
        assert_eq!(fold("ＡＢ　ｶﾞｲﾄﾞ①"), "abガイド1");
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
