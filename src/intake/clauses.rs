//! The draft's clause catalog from its text (plain text or Markdown): numbered headings —
//! 第1章, 1.1, 3.2.1, (2), (ア), ①, 1., C.10, 脚注3 — become a tree of clauses, each keeping
//! the text that follows it.

use super::clause_ref::normalize_width;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// One clause as read from the text, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedClause {
    /// Canonical label, as comment references write it: `3.2.2(2)(イ)`, `6.5 C.10`.
    pub label: String,
    pub parent: Option<String>,
    pub heading: String,
    pub body: String,
    pub depth: i32,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineWarning {
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Chapter,
    Section,
    Item,
    Paren,
    Circled,
    Katakana,
    Class,
    Footnote,
}

static MARKDOWN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:#{1,6}\s+|[-*+]\s+|>\s*)*(?:\*\*)?").expect("static regex")
});
static CHAPTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^第\s*(\d{1,2})\s*章\s*(.*)$").expect("static regex"));
static SECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,2}(?:\s*\.\s*\d{1,2})+)\.?(?:\s+|$)(.*)$").expect("static regex")
});
static ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,2})\.(?:\s+|$)(.*)$").expect("static regex"));
static PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\((\d{1,2})\)\s*(.*)$").expect("static regex"));
static KATAKANA: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\(([ア-ン])\)\s*(.*)$").expect("static regex"));
static CIRCLED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([①-⑳])\s*(.*)$").expect("static regex"));
static CLASS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([CD]\.\d{1,3})(?:\s+|$)(.*)$").expect("static regex"));
static FOOTNOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(脚注\s*\d{1,2})(?:\s+|$)(.*)$").expect("static regex"));

/// Particles and marks that show a leading `(3)` or `①` is a reference inside a sentence
/// (`（3）に…`, `①及び②以外の…`, `①～⑥ 抄`), not a heading.
const NOT_A_HEADING_AFTER: &[&str] = &[
    "に", "を", "は", "の", "で", "と", "が", "、", "。", "及", "から", "まで", "～", "~", "〜",
    "・", "又", "若", "以外", "以下", "以上", "等",
];

fn heading(line: &str) -> Option<(Kind, String, String)> {
    let text = MARKDOWN.replace(line, "");
    let text = normalize_width(text.trim()).replace("**", "");
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 120 {
        return None;
    }
    let reads_on = |rest: &str| NOT_A_HEADING_AFTER.iter().any(|p| rest.starts_with(p));
    if let Some(c) = CHAPTER.captures(text) {
        return Some((
            Kind::Chapter,
            c[1].trim_start_matches('0').to_string(),
            c[2].trim().to_string(),
        ));
    }
    if let Some(c) = SECTION.captures(text) {
        let title = c[2].trim();
        if title.starts_with(['章', '版', '年', '%', '倍']) {
            return None;
        }
        let number: String = c[1].chars().filter(|ch| !ch.is_whitespace()).collect();
        return Some((Kind::Section, number, title.to_string()));
    }
    if let Some(c) = ITEM.captures(text) {
        return Some((Kind::Item, format!("{}.", &c[1]), c[2].trim().to_string()));
    }
    for (re, kind) in [(&*PAREN, Kind::Paren), (&*KATAKANA, Kind::Katakana)] {
        if let Some(c) = re.captures(text) {
            if reads_on(&c[2]) || c[2].starts_with('(') {
                return None;
            }
            return Some((kind, format!("({})", &c[1]), c[2].trim().to_string()));
        }
    }
    if let Some(c) = CIRCLED.captures(text) {
        if reads_on(c[2].trim_start())
            || c[2].trim().is_empty()
            || c[2].trim_start().starts_with(['①', '②', '③'])
        {
            return None;
        }
        return Some((Kind::Circled, c[1].to_string(), c[2].trim().to_string()));
    }
    if let Some(c) = CLASS.captures(text) {
        return Some((Kind::Class, c[1].to_string(), c[2].trim().to_string()));
    }
    if let Some(c) = FOOTNOTE.captures(text) {
        return Some((
            Kind::Footnote,
            c[1].replace(' ', ""),
            c[2].trim().to_string(),
        ));
    }
    None
}

fn child_label(parent: &str, kind: Kind, marker: &str) -> String {
    let joins_directly =
        parent.ends_with(')') || parent.ends_with(|c: char| ('①'..='⑳').contains(&c));
    match kind {
        Kind::Class | Kind::Footnote => format!("{parent} {marker}"),
        Kind::Item if !joins_directly => format!("{parent} {marker}"),
        _ => format!("{parent}{marker}"),
    }
}

/// A heading that opens a volume (編) of a guideline published in several, each numbering
/// its chapters from 1: `# システム運用編 (Control)`.
static VOLUME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*#{1,2}\s+(\S+編)\s*(.*)$").expect("static regex"));

/// The volume a 編 cell names (`システム運用編 (Control)` → `システム運用編`), if it names one.
pub fn volume_name(cell: &str) -> Option<String> {
    let cell = normalize_width(cell.trim());
    let name = cell.split([' ', '(', '（']).next()?;
    (name.ends_with('編') && name.chars().count() > 1).then(|| name.to_string())
}

/// Parses a draft. A label met a second time (old and new versions side by side, as in a
/// 新旧対照表) keeps its first text; the repeat is reported. A draft in volumes (`# …編`
/// headings) gives each volume a root clause and labels its clauses `システム運用編 13.1.2`.
pub fn parse(text: &str) -> (Vec<ParsedClause>, Vec<OutlineWarning>) {
    let lines: Vec<&str> = text.lines().collect();
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&i| VOLUME.is_match(lines[i]))
        .collect();
    if starts.is_empty() {
        return parse_volume(text);
    }
    let (mut clauses, mut warnings) = parse_volume(&lines[..starts[0]].join("\n"));
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(lines.len());
        let v = VOLUME.captures(lines[start]).expect("matched above");
        let volume = v[1].to_string();
        clauses.push(ParsedClause {
            label: volume.clone(),
            parent: None,
            heading: v[2].trim().to_string(),
            body: String::new(),
            depth: 1,
            line: start + 1,
        });
        let (inner, inner_warnings) = parse_volume(&lines[start + 1..end].join("\n"));
        for c in inner {
            clauses.push(ParsedClause {
                label: format!("{volume} {}", c.label),
                parent: Some(match c.parent {
                    Some(p) => format!("{volume} {p}"),
                    None => volume.clone(),
                }),
                depth: c.depth + 1,
                line: c.line + start + 1,
                ..c
            });
        }
        warnings.extend(inner_warnings.into_iter().map(|w| OutlineWarning {
            line: w.line + start + 1,
            ..w
        }));
    }
    (clauses, warnings)
}

fn parse_volume(text: &str) -> (Vec<ParsedClause>, Vec<OutlineWarning>) {
    let mut clauses: Vec<ParsedClause> = Vec::new();
    let mut warnings = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    // The open headings, outermost first: (kind, label).
    let mut stack: Vec<(Kind, String)> = Vec::new();
    // Where body lines go; None while inside a skipped repeat or before the first heading.
    let mut current: Option<usize> = None;

    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let Some((kind, marker, title)) = heading(line) else {
            if let Some(c) = current {
                let t = line.trim();
                if !t.is_empty() {
                    let body = &mut clauses[c].body;
                    if !body.is_empty() {
                        body.push('\n');
                    }
                    body.push_str(t);
                }
            }
            continue;
        };
        let (label, parent) = match kind {
            Kind::Chapter => {
                stack.clear();
                (marker, None)
            }
            Kind::Section => {
                // The parent is the longest existing prefix: 3.2.1 → 3.2 → 3.
                let mut parent = None;
                let mut prefix = marker.as_str();
                while let Some((head, _)) = prefix.rsplit_once('.') {
                    if index.contains_key(head) {
                        parent = Some(head.to_string());
                        break;
                    }
                    prefix = head;
                }
                if parent.is_none() {
                    let top = marker.split('.').next().unwrap_or_default();
                    parent = index.contains_key(top).then(|| top.to_string());
                }
                stack.retain(|(k, l)| *k == Kind::Chapter && parent.as_deref() == Some(l.as_str()));
                (marker, parent)
            }
            Kind::Item if stack.is_empty() => (marker.trim_end_matches('.').to_string(), None),
            _ => {
                // A kind already open closes back to it (siblings); a new kind nests.
                if let Some(pos) = stack.iter().position(|(k, _)| *k == kind) {
                    stack.truncate(pos);
                }
                let Some((_, parent)) = stack.last() else {
                    continue;
                };
                (child_label(parent, kind, &marker), Some(parent.clone()))
            }
        };
        let depth = parent
            .as_ref()
            .and_then(|p| index.get(p))
            .map_or(1, |&p| clauses[p].depth + 1);
        stack.push((
            if kind == Kind::Item && parent.is_none() {
                Kind::Chapter
            } else {
                kind
            },
            label.clone(),
        ));
        if let Some(&first) = index.get(&label) {
            warnings.push(OutlineWarning {
                line: line_no,
                message: format!(
                    "「{label}」は {} 行目にもあります。最初の本文を使い、ここは読み飛ばしました",
                    clauses[first].line
                ),
            });
            current = None;
            continue;
        }
        index.insert(label.clone(), clauses.len());
        current = Some(clauses.len());
        clauses.push(ParsedClause {
            label,
            parent,
            heading: title,
            body: String::new(),
            depth,
            line: line_no,
        });
    }
    (clauses, warnings)
}

/// The labels a reference may resolve to, most specific first:
/// `3.2.2(2)(イ)1.` → `3.2.2(2)(イ)` → `3.2.2(2)` → `3.2.2` → `3.2` → `3`.
pub fn ancestors(label: &str) -> Vec<String> {
    static LAST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:\s*(?:C|D)\.\d+|\s*脚注\d+|\([^()]*\)|[①-⑳]|\s?\d{1,2}\.|\.\d{1,2})$")
            .expect("static regex")
    });
    let mut out = vec![label.to_string()];
    let mut cur = label.to_string();
    while let Some(m) = LAST.find(&cur) {
        if m.start() == 0 {
            break;
        }
        cur = cur[..m.start()].trim_end().to_string();
        out.push(cur.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_in_volumes_labels_each_volumes_clauses_with_its_name() {
        let text = "# 表題\n\n# 企画管理編 (Management)\n- 7. 安全管理のための人的管理\n  - 7.5 外部保存・外部委託の終了\n# システム運用編 (Control)\n- 7. 情報管理\n  - 7.1 外部へ持ち出す医療情報の管理対策\n";
        let (clauses, warnings) = parse(text);
        assert!(warnings.is_empty(), "{warnings:?}");
        let got: Vec<(&str, Option<&str>)> = clauses
            .iter()
            .map(|c| (c.label.as_str(), c.parent.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("企画管理編", None),
                ("企画管理編 7", Some("企画管理編")),
                ("企画管理編 7.5", Some("企画管理編 7")),
                ("システム運用編", None),
                ("システム運用編 7", Some("システム運用編")),
                ("システム運用編 7.1", Some("システム運用編 7")),
            ]
        );
        assert_eq!(clauses[5].depth, 3);
        assert_eq!(
            volume_name("システム運用編 (Control)").as_deref(),
            Some("システム運用編")
        );
        assert_eq!(volume_name("すべて"), None);
        let labels: HashMap<String, crate::domain::ClauseId> = clauses
            .iter()
            .enumerate()
            .map(|(i, c)| (c.label.clone(), crate::domain::ClauseId(i as i64)))
            .collect();
        let best = |path: &str, volume: Option<&str>| {
            crate::triage::clause_links::best_clause(&labels, path, None, volume)
                .map(|id| clauses[id.0 as usize].label.as_str())
        };
        assert_eq!(
            best("7.1", Some("システム運用編")),
            Some("システム運用編 7.1")
        );
        assert_eq!(best("7.2", Some("企画管理編")), Some("企画管理編 7"));
        assert_eq!(best("7", Some("システム運用編")), Some("システム運用編 7"));
    }

    fn labels(text: &str) -> Vec<(String, Option<String>)> {
        parse(text)
            .0
            .into_iter()
            .map(|c| (c.label, c.parent))
            .collect()
    }

    #[test]
    fn numbered_headings_nest_into_a_tree() {
        let text = "第3章 安全管理に関するクラウドサービス事業者への要求事項\n\
                    3.1 本章の読み方\n本文です。\n\
                    3.2 要求事項\n\
                    3.2.2 物理的安全管理策\n\
                    (2) 施設の管理\n\
                    (ア) 入退室管理\n入退室を記録すること。\n\
                    ① 記録の保存\n\
                    (イ) 施錠\n\
                    1. サーバラック\n\
                    6.5 技術的安全対策\nC.10 パスワード\n脚注3 補足\n";
        let got = labels(text);
        let want: Vec<(&str, Option<&str>)> = vec![
            ("3", None),
            ("3.1", Some("3")),
            ("3.2", Some("3")),
            ("3.2.2", Some("3.2")),
            ("3.2.2(2)", Some("3.2.2")),
            ("3.2.2(2)(ア)", Some("3.2.2(2)")),
            ("3.2.2(2)(ア)①", Some("3.2.2(2)(ア)")),
            ("3.2.2(2)(イ)", Some("3.2.2(2)")),
            ("3.2.2(2)(イ)1.", Some("3.2.2(2)(イ)")),
            ("6.5", None),
            ("6.5 C.10", Some("6.5")),
            ("6.5 C.10 脚注3", Some("6.5 C.10")),
        ];
        let want: Vec<(String, Option<String>)> = want
            .into_iter()
            .map(|(a, b)| (a.into(), b.map(String::from)))
            .collect();
        assert_eq!(got, want);
        let (clauses, _) = parse(text);
        assert_eq!(clauses[5].heading, "入退室管理");
        assert_eq!(clauses[5].body, "入退室を記録すること。");
        assert_eq!(clauses[5].depth, 5);
    }

    #[test]
    fn references_inside_sentences_are_not_headings() {
        let text = "6.5 技術的安全対策\n（3）に外部保存のための運用管理事項を記載している。\n①及び②以外の機関が\n① ～ ⑥ 抄\n(ア)から(ク)のほか\n6.3 章～6.12 章の対策を\n";
        let (clauses, _) = parse(text);
        assert_eq!(clauses.len(), 1);
        assert_eq!(clauses[0].body.lines().count(), 5);
    }

    #[test]
    fn a_repeated_label_keeps_the_first_text_and_is_reported() {
        let (clauses, warnings) = parse("4.3 旧\n旧の本文\n4.3 新\n新の本文\n");
        assert_eq!(clauses.len(), 1);
        assert_eq!(clauses[0].body, "旧の本文");
        assert_eq!(warnings[0].line, 3);
    }

    #[test]
    fn markdown_bullets_and_spaced_numbers_are_read() {
        let got = labels("- 第1章 はじめに\n - 1.1 目的\n## 6. 11 外部と交換する場合\n");
        assert_eq!(got[1], ("1.1".to_string(), Some("1".to_string())));
        assert_eq!(got[2].0, "6.11");
    }

    #[test]
    fn ancestors_walk_up_the_numbering() {
        assert_eq!(
            ancestors("3.2.2(2)(イ)1."),
            vec![
                "3.2.2(2)(イ)1.",
                "3.2.2(2)(イ)",
                "3.2.2(2)",
                "3.2.2",
                "3.2",
                "3"
            ]
        );
        assert_eq!(ancestors("6.5 C.10"), vec!["6.5 C.10", "6.5", "6"]);
        assert_eq!(
            ancestors("3.2.1(2)(ア)②"),
            vec![
                "3.2.1(2)(ア)②",
                "3.2.1(2)(ア)",
                "3.2.1(2)",
                "3.2.1",
                "3.2",
                "3"
            ]
        );
    }
}
