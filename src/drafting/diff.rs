//! Character-level 原案 → 修正後 differences, shown as Japanese 新旧対照表 show them:
//! deletions struck through, additions in red.

use maud::{html, Markup};
use similar::{ChangeTag, TextDiff};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    Same,
    Deleted,
    Added,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub kind: SegmentKind,
    pub text: String,
}

/// The differences between two texts by phrase, as a person marks a 新旧対照表: a changed
/// word is marked whole (私物 → 個人的所有物, not 「個人的所」 beside an unmarked 「有物」).
/// Texts are cut into runs of one script (kanji, hiragana, katakana, Latin letters, digits);
/// punctuation and spaces stand alone. Adjacent pieces of one kind are merged.
pub fn segments(old: &str, new: &str) -> Vec<Segment> {
    let (old, new) = (phrases(old), phrases(new));
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_secs(2))
        .diff_slices(&old, &new);
    let mut out: Vec<Segment> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => SegmentKind::Same,
            ChangeTag::Delete => SegmentKind::Deleted,
            ChangeTag::Insert => SegmentKind::Added,
        };
        match out.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(change.value()),
            _ => out.push(Segment {
                kind,
                text: change.value().to_string(),
            }),
        }
    }
    out
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Script {
    Kanji,
    Hiragana,
    Katakana,
    Latin,
    Digit,
    Other,
}

fn script(c: char) -> Script {
    match c {
        '々' | '〆' | 'ヵ' | 'ヶ' | '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' => {
            Script::Kanji
        }
        '\u{3041}'..='\u{309F}' => Script::Hiragana,
        'ー' | '\u{30A0}'..='\u{30FF}' | '\u{FF66}'..='\u{FF9F}' => Script::Katakana,
        'a'..='z' | 'A'..='Z' | 'ａ'..='ｚ' | 'Ａ'..='Ｚ' => Script::Latin,
        '0'..='9' | '０'..='９' => Script::Digit,
        _ => Script::Other,
    }
}

/// A text cut into phrases: runs of one script; anything else a character at a time.
fn phrases(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut current: Option<Script> = None;
    for (at, c) in text.char_indices() {
        let s = script(c);
        let joins = current == Some(s) && s != Script::Other;
        if !joins && at > start {
            out.push(&text[start..at]);
            start = at;
        }
        current = Some(s);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// How alike two texts are, 0.0 to 1.0 (the share of characters they have in common).
pub fn similarity(a: &str, b: &str) -> f32 {
    TextDiff::configure()
        .timeout(std::time::Duration::from_secs(1))
        .diff_chars(a, b)
        .ratio()
}

/// The 旧 side: unchanged text with deletions struck through.
pub fn old_side(segs: &[Segment]) -> Markup {
    html! { @for s in segs { @match s.kind {
        SegmentKind::Same => (s.text),
        SegmentKind::Deleted => del { (s.text) },
        SegmentKind::Added => "",
    } } }
}

/// The 新 side: unchanged text with additions in red.
pub fn new_side(segs: &[Segment]) -> Markup {
    html! { @for s in segs { @match s.kind {
        SegmentKind::Same => (s.text),
        SegmentKind::Added => ins { (s.text) },
        SegmentKind::Deleted => "",
    } } }
}

/// Both in one run: `<del>` then `<ins>`, for a compact view.
pub fn inline(segs: &[Segment]) -> Markup {
    html! { @for s in segs { @match s.kind {
        SegmentKind::Same => (s.text),
        SegmentKind::Deleted => del { (s.text) },
        SegmentKind::Added => ins { (s.text) },
    } } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_character_is_one_deletion_and_one_addition() {
        let s = segments("（２）を踏まえ、", "（１）を踏まえ、");
        assert_eq!(
            s,
            vec![
                Segment {
                    kind: SegmentKind::Same,
                    text: "（".into()
                },
                Segment {
                    kind: SegmentKind::Deleted,
                    text: "２".into()
                },
                Segment {
                    kind: SegmentKind::Added,
                    text: "１".into()
                },
                Segment {
                    kind: SegmentKind::Same,
                    text: "）を踏まえ、".into()
                },
            ]
        );
        assert_eq!(old_side(&s).into_string(), "（<del>２</del>）を踏まえ、");
        assert_eq!(new_side(&s).into_string(), "（<ins>１</ins>）を踏まえ、");
    }

    #[test]
    fn a_changed_word_is_marked_whole_not_in_fragments() {
        let s = segments(
            "私物の持込みを禁止する。",
            "個人的所有物の持込みを禁止する。",
        );
        assert_eq!(
            inline(&s).into_string(),
            "<del>私物</del><ins>個人的所有物</ins>の持込みを禁止する。"
        );
        let s = segments("クラウドサービス事業者は", "クラウド事業者は");
        assert_eq!(
            inline(&s).into_string(),
            "<del>クラウドサービス</del><ins>クラウド</ins>事業者は"
        );
    }

    #[test]
    fn an_appended_sentence_is_one_addition_and_markup_is_escaped() {
        let s = segments("求められる。", "求められる。<b>また</b>");
        assert_eq!(s.len(), 2);
        assert_eq!(
            new_side(&s).into_string(),
            "求められる。<ins>&lt;b&gt;また&lt;/b&gt;</ins>"
        );
    }
}
