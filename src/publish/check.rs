//! The pre-publication check: every problem that must be fixed before the final (non-案)
//! result table and 新旧対照表 can be published, each with a link to where it is fixed.

use super::pii;
use crate::db::schema::{comments, duplicate_groups, responses};
use crate::domain::CommentId;
use crate::domain::{CommentNo, ConsultationId, GroupStatus, ResponseState, SubmitterKind};
use crate::drafting::revisions::{self, Warning};
use crate::models::comment_list;
use crate::models::{redaction, revision, Conn};
use diesel::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    NotApproved,
    ReviseWithoutRevision,
    UnlinkedRevision,
    OriginalMismatch,
    OverlappingRevisions,
    /// A 修正後 number given twice, or taken from a clause that keeps it.
    Numbering,
    PersonalInformation,
    NamePublished,
    GroupAnsweredDifferently,
    /// A 論点 with comments but no 意見の概要.
    TopicWithoutSummary,
    /// A 論点 whose answer is not approved (its comments are reported through it).
    TopicNotApproved,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    pub message: String,
    /// Where to fix it, a path in the app.
    pub link: String,
    pub comment: Option<String>,
}

/// Every blocking problem of a consultation, in a stable order.
pub fn run(conn: &mut Conn, consultation: ConsultationId, slug: &str) -> QueryResult<Vec<Problem>> {
    let rows = comment_list::list(conn, consultation, &Default::default(), 0, None)?;
    let by_id: HashMap<CommentId, CommentNo> = rows
        .iter()
        .map(|r| (r.comment.id, r.comment.no()))
        .collect();
    let link = |no: CommentNo| format!("/c/{slug}/comments/{no}");
    let mut out = Vec::new();
    let membership = crate::models::topic::membership(conn, consultation)?;
    for (t, n) in crate::models::topic::all_with_counts(conn, consultation)? {
        if n == 0 {
            continue;
        }
        let at = format!("/c/{slug}/topics/{}", t.number);
        if t.summary.trim().is_empty() {
            out.push(Problem {
                kind: ProblemKind::TopicWithoutSummary,
                message: format!(
                    "論点 {}「{}」（{n} 件）: 意見の概要がありません",
                    t.number, t.title
                ),
                link: format!("{at}#summary"),
                comment: None,
            });
        }
        if t.answer_state != ResponseState::Approved {
            out.push(Problem {
                kind: ProblemKind::TopicNotApproved,
                message: format!(
                    "論点 {}「{}」（{n} 件）: 回答が確定していません（{}）",
                    t.number,
                    t.title,
                    t.answer_state.label()
                ),
                link: format!("{at}#answer"),
                comment: None,
            });
        }
    }
    for r in &rows {
        let no = r.comment.no();
        // A comment in a 論点 is answered by it: an unapproved 論点 is reported once, above.
        let in_topic = membership.contains_key(&r.comment.id);
        if r.state != Some(ResponseState::Approved) && !in_topic {
            let state = r.state.map_or("回答なし", |s| s.label());
            out.push(Problem {
                kind: ProblemKind::NotApproved,
                message: format!("No. {no}: 回答が確定していません（{state}）"),
                link: link(no),
                comment: Some(no.to_string()),
            });
        }
    }
    let revision_comment = |conn: &mut Conn, id: i64| -> QueryResult<Option<CommentNo>> {
        Ok(
            revision::linked_comments(conn, crate::domain::RevisionId(id))?
                .first()
                .and_then(|c| by_id.get(&CommentId(*c)))
                .copied(),
        )
    };
    for w in revisions::warnings(conn, consultation)? {
        let (kind, target) = match &w {
            Warning::ReviseWithoutRevision { comment } => (
                ProblemKind::ReviseWithoutRevision,
                by_id.get(&CommentId(*comment)).copied(),
            ),
            Warning::Unlinked { revision } => (
                ProblemKind::UnlinkedRevision,
                revision_comment(conn, *revision)?,
            ),
            Warning::OriginalMismatch { revision } => (
                ProblemKind::OriginalMismatch,
                revision_comment(conn, *revision)?,
            ),
            Warning::Overlap { revision, .. } => (
                ProblemKind::OverlappingRevisions,
                revision_comment(conn, *revision)?,
            ),
            Warning::RevisedLabelTwice { revision, .. } | Warning::NumberTaken { revision, .. } => {
                (ProblemKind::Numbering, revision_comment(conn, *revision)?)
            }
        };
        let prefix = match w.revision() {
            None => target.map(|n| format!("No. {n}: ")).unwrap_or_default(),
            Some(revision) => format!("修正内容 #{revision}: "),
        };
        out.push(Problem {
            kind,
            message: format!("{prefix}{}", w.message()),
            link: target
                .map(link)
                .unwrap_or_else(|| format!("/c/{slug}/clauses")),
            comment: target.map(|n| n.to_string()),
        });
    }
    let redactions = redaction::by_comment(conn, consultation)?;
    for r in &rows {
        // Individuals' text, and text whose submitter is unknown, is checked.
        let individual = r
            .submitter
            .as_ref()
            .is_none_or(|s| s.kind == SubmitterKind::Individual);
        if !individual {
            continue;
        }
        let published = redaction::apply(
            &r.comment.body,
            redactions
                .get(&r.comment.id.0)
                .map(Vec::as_slice)
                .unwrap_or_default(),
        );
        for f in pii::find(&published) {
            let no = r.comment.no();
            out.push(Problem {
                kind: ProblemKind::PersonalInformation,
                message: format!(
                    "No. {no}: 本文に{}らしき記載があります（{}）",
                    f.kind.label(),
                    f.text
                ),
                link: link(no),
                comment: Some(no.to_string()),
            });
        }
    }
    // Organisations are published by name: one whose name is not of an organisation's shape,
    // and that staff have not confirmed, may be a person.
    for s in crate::models::submitter::for_consultation(conn, consultation)? {
        let org_by_data = SubmitterKind::from_attribute(&s.attribute)
            == Some(SubmitterKind::Organization)
            || crate::domain::looks_like_organization(&s.name);
        if s.kind() == SubmitterKind::Organization && !s.kind_confirmed && !org_by_data {
            let first = rows
                .iter()
                .find(|r| r.submitter.as_ref().is_some_and(|x| x.id == s.id))
                .map(|r| r.comment.no());
            out.push(Problem {
                kind: ProblemKind::NamePublished,
                message: format!(
                    "{}提出者は法人・団体として名前がそのまま公表されますが、名称からは法人・団体と判断できません。個人なら種別を「個人」に、法人・団体なら確認のうえ「法人・団体」を選び直してください",
                    first.map(|n| format!("No. {n}: ")).unwrap_or_default(),
                ),
                link: first.map(link).unwrap_or_else(|| format!("/c/{slug}")),
                comment: first.map(|n| n.to_string()),
            });
        }
    }
    let groups: Vec<i64> = duplicate_groups::table
        .filter(duplicate_groups::consultation_id.eq(consultation.0))
        .filter(duplicate_groups::status.eq(GroupStatus::Confirmed.code()))
        .select(duplicate_groups::id)
        .load(conn)?;
    for g in groups {
        let answers: Vec<(i32, i32, Option<String>, Option<String>)> = comments::table
            .left_join(responses::table)
            .filter(comments::duplicate_group_id.eq(g))
            .order((comments::number, comments::part))
            .select((
                comments::number,
                comments::part,
                responses::disposition.nullable(),
                responses::body.nullable(),
            ))
            .load(conn)?;
        let first = answers.first().map(|a| (&a.2, &a.3));
        if answers.iter().any(|a| Some((&a.2, &a.3)) != first) {
            let nos: Vec<String> = answers
                .iter()
                .map(|a| {
                    CommentNo {
                        number: a.0,
                        part: a.1,
                    }
                    .to_string()
                })
                .collect();
            out.push(Problem {
                kind: ProblemKind::GroupAnsweredDifferently,
                message: format!(
                    "同旨グループ {g}（No. {}）の回答がそろっていません",
                    nos.join(", ")
                ),
                link: format!("/c/{slug}/groups#group-{g}"),
                comment: None,
            });
        }
    }
    Ok(out)
}
