//! The revised guideline: every approved revision applied to its clause's text. A revision
//! whose 原案 is not found in the text (or overlaps another) is reported, never guessed.

use super::shinkyu;
use crate::domain::ClauseId;
use crate::domain::{ConsultationId, RevisionKind};
use crate::models::{clause, Conn};
use maud::{html, Markup, DOCTYPE};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub revision: i64,
    pub clause: String,
    pub reason: String,
}

pub struct Revised {
    /// (label, heading, text) in document order.
    pub clauses: Vec<(String, String, String, i32)>,
    pub applied: usize,
    pub failures: Vec<Failure>,
}

/// Finds `needle` in `hay` ignoring whitespace and line breaks; returns the byte range in `hay`.
fn find_loose(hay: &str, needle: &str) -> Option<(usize, usize)> {
    let want: Vec<char> = needle.chars().filter(|c| !c.is_whitespace()).collect();
    if want.is_empty() {
        return None;
    }
    let chars: Vec<(usize, char)> = hay.char_indices().collect();
    'start: for s in 0..chars.len() {
        if chars[s].1 != want[0] {
            continue;
        }
        let (mut i, mut j) = (s, 0);
        while j < want.len() {
            if i >= chars.len() {
                continue 'start;
            }
            if chars[i].1.is_whitespace() {
                i += 1;
                continue;
            }
            if chars[i].1 != want[j] {
                continue 'start;
            }
            i += 1;
            j += 1;
        }
        let end = chars.get(i).map_or(hay.len(), |(b, _)| *b);
        return Some((chars[s].0, end));
    }
    None
}

fn unquote(s: &str) -> &str {
    let t = s.trim();
    t.strip_prefix('「')
        .and_then(|x| x.strip_suffix('」'))
        .unwrap_or(t)
}

pub fn build(conn: &mut Conn, consultation: ConsultationId) -> diesel::QueryResult<Revised> {
    let clauses = clause::all(conn, consultation)?;
    let by_label: HashMap<&str, &clause::Clause> =
        clauses.iter().map(|c| (c.label.as_str(), c)).collect();
    let mut texts: HashMap<ClauseId, String> =
        clauses.iter().map(|c| (c.id, c.body.clone())).collect();
    let mut used: HashMap<i64, Vec<(usize, usize)>> = HashMap::new();
    // Renumbered clauses (id → new label), deleted ones, and new ones under their parent
    // (parent id, label, text).
    let mut renamed: HashMap<i64, String> = HashMap::new();
    let mut deleted: std::collections::HashSet<i64> = Default::default();
    let mut inserted: Vec<(i64, String, String)> = Vec::new();
    let approved = shinkyu::approved_revisions(conn, consultation)?;
    // A label that a revision moves away from is free for another clause to take.
    let vacated: std::collections::HashSet<&str> = approved
        .iter()
        .filter(|r| matches!(r.kind(), RevisionKind::Move | RevisionKind::Delete))
        .map(|r| r.clause_label.as_str())
        .collect();
    let mut applied = 0;
    let mut failures = Vec::new();
    for r in &approved {
        let kind = r.kind();
        let (new_label, revised_text) = r.revised_side();
        let fail = |reason: String| Failure {
            revision: r.id.0,
            clause: r.clause_label.clone(),
            reason,
        };
        if kind == RevisionKind::New {
            match parent_of(&clauses, new_label) {
                Some(parent) if !by_label.contains_key(new_label) || vacated.contains(new_label) => {
                    inserted.push((parent, new_label.to_string(), unquote(revised_text).to_string()));
                    applied += 1;
                }
                _ => failures.push(fail(format!(
                    "新設の {new_label} を置く場所が項番の一覧から決まりません（既にある番号か、上位の項番がありません）"
                ))),
            }
            continue;
        }
        let Some(cid) = r.clause_id else {
            failures.push(fail("項番の一覧にない箇所です".into()));
            continue;
        };
        if kind == RevisionKind::Move {
            let taken = by_label
                .get(new_label)
                .is_some_and(|other| other.id != cid && !vacated.contains(new_label));
            if taken || !is_renumbering(&r.clause_label, new_label) {
                failures.push(fail(format!(
                    "{new_label} への移動・挿入は自動では反映しません（本文を直接直してください）"
                )));
                continue;
            }
        }
        let text = texts.get(&cid).cloned().unwrap_or_default();
        let original = unquote(&r.original_text);
        let revised = if kind == RevisionKind::Delete {
            ""
        } else {
            unquote(revised_text)
        };
        let result = if original.is_empty() {
            Some(format!(
                "{}{}{}",
                text,
                if text.is_empty() { "" } else { "\n" },
                revised
            ))
        } else if original.contains("・・・") || original.contains('…') {
            None
        } else {
            find_loose(&text, original).and_then(|(s, e)| {
                let spans = used.entry(cid.0).or_default();
                if spans.iter().any(|(a, b)| s < *b && *a < e) {
                    return None;
                }
                // Later spans shift by the length change.
                let delta = revised.len() as isize - (e - s) as isize;
                for span in spans.iter_mut() {
                    if span.0 >= e {
                        span.0 = (span.0 as isize + delta) as usize;
                        span.1 = (span.1 as isize + delta) as usize;
                    }
                }
                spans.push((s, s + revised.len()));
                Some(format!("{}{}{}", &text[..s], revised, &text[e..]))
            })
        };
        match result {
            Some(t) => {
                if kind == RevisionKind::Delete && t.trim().is_empty() {
                    deleted.insert(cid.0);
                }
                if kind == RevisionKind::Move {
                    renamed.insert(cid.0, new_label.to_string());
                }
                texts.insert(cid, t);
                applied += 1;
            }
            None => failures.push(fail(
                "原案が本文に見つからないか、省略（・・・）を含むか、他の修正と重なるため適用できません".into(),
            )),
        }
    }
    // (id, label, heading, text, depth) in document order, then the new clauses placed
    // among their siblings by number.
    let mut out: Vec<(Option<ClauseId>, String, String, String, i32)> = clauses
        .into_iter()
        .filter(|c| !deleted.contains(&c.id.0))
        .map(|c| {
            let t = texts.remove(&c.id).unwrap_or_default();
            let label = renamed.remove(&c.id.0).unwrap_or(c.label);
            (Some(c.id), label, c.heading, t, c.depth)
        })
        .collect();
    for (parent, label, text) in inserted {
        let Some(at) = out
            .iter()
            .position(|o| o.0 == Some(crate::domain::ClauseId(parent)))
        else {
            continue;
        };
        let depth = out[at].4;
        let key = crate::text::natural_key(&label);
        let mut place = at + 1;
        while place < out.len() && out[place].4 > depth {
            if out[place].4 == depth + 1 && crate::text::natural_key(&out[place].1) > key {
                break;
            }
            place += 1;
        }
        out.insert(place, (None, label, String::new(), text, depth + 1));
    }
    let out = out
        .into_iter()
        .map(|(_, label, heading, text, depth)| (label, heading, text, depth))
        .collect();
    Ok(Revised {
        clauses: out,
        applied,
        failures,
    })
}

/// A new number for the same place (`1.2.2` → `1.2.3`: the same parent, no （挿入） mark),
/// as opposed to text moved or inserted elsewhere.
fn is_renumbering(old: &str, new: &str) -> bool {
    let parent = |l: &str| crate::intake::clauses::ancestors(l.trim()).get(1).cloned();
    let marked = ["挿入", "追加", "移動"].iter().any(|m| new.contains(m));
    !marked && parent(old).is_some() && parent(old) == parent(new)
}

/// The nearest existing ancestor of a new clause's label (`1.2` for `1.2.3`).
fn parent_of(clauses: &[clause::Clause], label: &str) -> Option<i64> {
    crate::intake::clauses::ancestors(label)
        .iter()
        .skip(1)
        .find_map(|a| clauses.iter().find(|c| c.label == *a))
        .map(|c| c.id)
        .map(|i| i.0)
}

pub fn markdown(title: &str, r: &Revised) -> String {
    let mut out = format!("# {title}（修正後）\n\n");
    for (label, heading, text, depth) in &r.clauses {
        let level = "#".repeat((*depth as usize + 1).min(6));
        out.push_str(&format!("{level} {label} {heading}\n\n"));
        if !text.is_empty() {
            out.push_str(text);
            out.push_str("\n\n");
        }
    }
    out
}

pub fn html_page(title: &str, r: &Revised) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ja" {
            head { meta charset="utf-8"; title { (title) "（修正後）" } }
            body {
                h1 { (title) "（修正後）" }
                @for (label, heading, text, depth) in &r.clauses {
                    section style={ "margin-left:" ((depth - 1) * 16) "px" } {
                        h2 style="font-size:1em" { (label) " " (heading) }
                        @if !text.is_empty() { p style="white-space:pre-wrap" { (text) } }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn originals_are_found_across_line_breaks() {
        let hay = "（２）を踏まえ、クラウド\nサービス事業者は";
        let (s, e) = find_loose(hay, "クラウドサービス事業者").unwrap();
        assert_eq!(&hay[s..e], "クラウド\nサービス事業者");
        assert!(find_loose(hay, "（３）").is_none());
    }
}
