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

/// The differences between two texts, adjacent characters of one kind merged.
pub fn segments(old: &str, new: &str) -> Vec<Segment> {
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_secs(2))
        .diff_chars(old, new);
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
    fn an_appended_sentence_is_one_addition_and_markup_is_escaped() {
        let s = segments("求められる。", "求められる。<b>また</b>");
        assert_eq!(s.len(), 2);
        assert_eq!(
            new_side(&s).into_string(),
            "求められる。<ins>&lt;b&gt;また&lt;/b&gt;</ins>"
        );
    }
}
