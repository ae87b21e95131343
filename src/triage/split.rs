//! Splitting a comment that makes several points (①②③…, 1. 2. 3., paragraphs) into
//! comments numbered N-1, N-2, …, keeping its submission, and undoing that.

use crate::auth::accounts::Actor;
use crate::db::{
    now,
    schema::{assignments, audit_events, comments, responses, revision_comments},
    DbConnection,
};
use crate::domain::CommentId;
use crate::intake::clause_ref;
use crate::models::{audit, comment::Comment};
use diesel::prelude::*;
use regex::Regex;
use std::sync::LazyLock;

static POINT_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[①-⑳]|[(（][0-9０-９]{1,2}[)）]|[0-9０-９]{1,2}[.．、)）]\s*|[・●■◆]\s*)")
        .expect("static regex")
});
static INLINE_CIRCLED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[①-⑳]").expect("static regex"));

/// The points a text seems to make: numbered lines, else ①② inside a line, else paragraphs.
pub fn suggest(body: &str) -> Vec<String> {
    let lines: Vec<&str> = body.lines().collect();
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| POINT_START.is_match(l))
        .map(|(i, _)| i)
        .collect();
    if starts.len() >= 2 {
        let mut parts = Vec::new();
        if starts[0] > 0 {
            parts.push(lines[..starts[0]].join("\n"));
        }
        for (k, &s) in starts.iter().enumerate() {
            let end = starts.get(k + 1).copied().unwrap_or(lines.len());
            parts.push(lines[s..end].join("\n"));
        }
        return clean(parts);
    }
    let marks: Vec<usize> = INLINE_CIRCLED.find_iter(body).map(|m| m.start()).collect();
    if marks.len() >= 2 {
        let mut parts = vec![body[..marks[0]].to_string()];
        for (k, &s) in marks.iter().enumerate() {
            let end = marks.get(k + 1).copied().unwrap_or(body.len());
            parts.push(body[s..end].to_string());
        }
        return clean(parts);
    }
    clean(body.split("\n\n").map(String::from).collect())
}

fn clean(parts: Vec<String>) -> Vec<String> {
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// What becomes of a split comment's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnswerOnSplit {
    /// Part 1 keeps it; the other parts are answered on their own.
    #[default]
    KeepOnFirst,
    /// Part N (1-based) keeps it: the first part is often a preamble, the answer belongs
    /// to the point it answers.
    KeepOn(usize),
    /// Every part gets a copy (in drafting), to be adjusted part by part.
    CopyToParts,
}

/// The part an answer most likely belongs to (1-based): the first that makes a point, past
/// a preamble (`以下の点について意見します。` before ①②…).
pub fn first_substantive(parts: &[String]) -> usize {
    match parts {
        [first, second, ..]
            if !POINT_START.is_match(first)
                && !INLINE_CIRCLED.is_match(first)
                && (POINT_START.is_match(second) || INLINE_CIRCLED.is_match(second)) =>
        {
            2
        }
        _ => 1,
    }
}

/// Splits `c` into `parts` (2 or more). Returns the ids in order; the first is `c` itself,
/// which keeps its answer, tags and history as part 1; with `CopyToParts` the other parts
/// get a copy of that answer.
pub fn split(
    conn: &mut DbConnection,
    actor: &Actor,
    c: &Comment,
    parts: &[String],
    answer: AnswerOnSplit,
) -> anyhow::Result<Vec<CommentId>> {
    let parts: Vec<String> = parts
        .iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 {
        anyhow::bail!("分割するには二つ以上の部分が必要です");
    }
    if c.part != 0 {
        anyhow::bail!("既に分割された意見です（元に戻してから分け直してください）");
    }
    crate::db::transaction(conn, |conn| {
        let t = now();
        diesel::update(comments::table.find(c.id))
            .set((
                comments::part.eq(1),
                comments::body.eq(&parts[0]),
                comments::match_key.eq(crate::text::match_key(&parts[0])),
                comments::updated_at.eq(t),
            ))
            .execute(conn)?;
        let mut ids = vec![c.id()];
        for (i, body) in parts.iter().enumerate().skip(1) {
            let id: i64 = diesel::insert_into(comments::table)
                .values((
                    comments::consultation_id.eq(c.consultation_id),
                    comments::submission_id.eq(c.submission_id),
                    comments::number.eq(c.number),
                    comments::part.eq(i as i32 + 1),
                    comments::body.eq(body),
                    comments::volume.eq(&c.volume),
                    comments::chapter.eq(&c.chapter),
                    comments::page.eq(&c.page),
                    comments::category_id.eq(c.category_id),
                    comments::clause_id.eq(c.clause_id),
                    comments::split_from_id.eq(c.id),
                    comments::match_key.eq(crate::text::match_key(body)),
                    comments::created_at.eq(t),
                    comments::updated_at.eq(t),
                ))
                .returning(comments::id)
                .get_result(conn)?;
            for r in clause_ref::parse_text(body) {
                crate::models::clause_ref::insert(conn, CommentId(id), "body", &r)?;
            }
            ids.push(CommentId(id));
        }
        if let AnswerOnSplit::KeepOn(n) = answer {
            let Some(target) = n.checked_sub(1).and_then(|i| ids.get(i)) else {
                return Err(crate::error::Refused(format!(
                    "回答を残す部分は 1〜{} で指定してください",
                    ids.len()
                ))
                .into());
            };
            diesel::update(responses::table.filter(responses::comment_id.eq(c.id)))
                .set(responses::comment_id.eq(*target))
                .execute(conn)?;
        }
        let copied = match (answer, crate::models::response::for_comment(conn, c.id())?) {
            (AnswerOnSplit::CopyToParts, Some(r)) => {
                for id in &ids[1..] {
                    crate::models::response::insert(
                        conn,
                        *id,
                        r.disposition,
                        &r.body,
                        crate::domain::ResponseState::Drafting,
                        actor.user,
                    )?;
                }
                ids.len() - 1
            }
            _ => 0,
        };
        let mut e = actor.event(crate::domain::AuditAction::Split, "comment", Some(c.id.0));
        e.consultation = Some(c.consultation_id);
        e.before = Some(serde_json::json!({"no": c.no().to_string(), "body": c.body}));
        e.after = Some(
            serde_json::json!({"parts": parts, "ids": ids.iter().map(|i| i.0).collect::<Vec<_>>(), "answers_copied": copied}),
        );
        audit::record(conn, &e)?;
        Ok(ids)
    })
}

/// Puts a split comment back together, if none of the split-off parts has an answer,
/// a revision or a drafter of its own (those would be lost otherwise).
pub fn undo(conn: &mut DbConnection, actor: &Actor, first: &Comment) -> anyhow::Result<()> {
    crate::db::transaction(conn, |conn| {
        let children: Vec<i64> = comments::table
            .filter(comments::split_from_id.eq(first.id))
            .select(comments::id)
            .load(conn)?;
        if children.is_empty() {
            anyhow::bail!("この意見は分割されていません");
        }
        // An answer moved to one part at the split goes back to the whole comment.
        if crate::models::response::for_comment(conn, first.id())?.is_none() {
            let moved: Vec<i64> = responses::table
                .filter(responses::comment_id.eq_any(&children))
                .filter(responses::state.ne(crate::domain::ResponseState::Approved))
                .select(responses::id)
                .load(conn)?;
            if let [only] = moved[..] {
                diesel::update(responses::table.find(only))
                    .set(responses::comment_id.eq(first.id))
                    .execute(conn)?;
            }
        }
        // Answers copied from part 1 at the split and left as they were go with the parts.
        if let Some(first_answer) = crate::models::response::for_comment(conn, first.id())? {
            crate::db::in_chunks(&children, |ids| {
                diesel::delete(
                    responses::table
                        .filter(responses::comment_id.eq_any(ids))
                        .filter(responses::disposition.eq(first_answer.disposition))
                        .filter(responses::body.eq(&first_answer.body))
                        .filter(responses::state.ne(crate::domain::ResponseState::Approved)),
                )
                .execute(conn)
            })?;
        }
        let answered: i64 = crate::db::count_in_chunks(&children, |ids| {
            responses::table
                .filter(responses::comment_id.eq_any(ids))
                .count()
                .get_result::<i64>(conn)
        })?;
        let revised: i64 = crate::db::count_in_chunks(&children, |ids| {
            revision_comments::table
                .filter(revision_comments::comment_id.eq_any(ids))
                .count()
                .get_result::<i64>(conn)
        })?;
        let assigned: i64 = crate::db::count_in_chunks(&children, |ids| {
            assignments::table
                .filter(assignments::comment_id.eq_any(ids))
                .count()
                .get_result::<i64>(conn)
        })?;
        if answered + revised + assigned > 0 {
            anyhow::bail!("分けた意見に回答・修正内容・担当が付いているため、元に戻せません（先にそれらを外してください）");
        }
        let before: Option<String> = audit_events::table
            .filter(audit_events::entity.eq("comment"))
            .filter(audit_events::entity_id.eq(first.id))
            .filter(audit_events::action.eq("split"))
            .order(audit_events::id.desc())
            .select(audit_events::before_json)
            .first::<Option<String>>(conn)
            .optional()?
            .flatten();
        let original = before
            .and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok())
            .and_then(|v| v["body"].as_str().map(String::from))
            .ok_or_else(|| anyhow::anyhow!("分割前の本文が見つかりません"))?;
        crate::db::in_chunks(&children, |ids| {
            diesel::delete(comments::table.filter(comments::id.eq_any(ids))).execute(conn)
        })?;
        diesel::update(comments::table.find(first.id))
            .set((
                comments::part.eq(0),
                comments::body.eq(&original),
                comments::match_key.eq(crate::text::match_key(&original)),
                comments::updated_at.eq(now()),
            ))
            .execute(conn)?;
        let mut e = actor.event(
            crate::domain::AuditAction::SplitUndo,
            "comment",
            Some(first.id.0),
        );
        e.consultation = Some(first.consultation_id);
        e.before = Some(serde_json::json!({"parts": children.len() + 1}));
        e.after = Some(serde_json::json!({"body": original}));
        audit::record(conn, &e)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_lines_circled_numbers_and_paragraphs_are_points() {
        assert_eq!(
            suggest("前置き\n① 一つ目\n続き\n② 二つ目"),
            vec!["前置き", "① 一つ目\n続き", "② 二つ目"]
        );
        assert_eq!(suggest("1. 最初\n2. 次"), vec!["1. 最初", "2. 次"]);
        assert_eq!(
            suggest("以下の点。①Aについて。②Bについて。"),
            vec!["以下の点。", "①Aについて。", "②Bについて。"]
        );
        assert_eq!(suggest("段落一\n\n段落二"), vec!["段落一", "段落二"]);
        assert_eq!(suggest("一つだけの意見"), vec!["一つだけの意見"]);
    }

    #[test]
    fn an_answer_belongs_to_the_first_point_past_a_preamble() {
        let parts = |t: &str| suggest(t);
        assert_eq!(first_substantive(&parts("前置き\n① 一つ目\n② 二つ目")), 2);
        assert_eq!(first_substantive(&parts("① 一つ目\n② 二つ目")), 1);
        assert_eq!(first_substantive(&parts("段落一\n\n段落二")), 1);
    }
}
