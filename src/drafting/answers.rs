//! Writing and reviewing answers (方針・コメント) without ever losing a word: every save
//! names the version it started from; a stale save is refused and the writer is shown both
//! texts. A confirmed 同旨 group is answered once: its members follow.

use super::review::{self, ReviewAction};
use crate::auth::accounts::Actor;
use crate::db::DbConnection;
use crate::domain::AuditAction;
use crate::domain::{CommentId, Disposition, ResponseState};
use crate::models::{
    assignment, audit, comment::Comment, duplicate_group, notification, response, Conn,
};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Why a comment in a 論点 is not answered on its own.
pub const IN_TOPIC: &str =
    "この意見は論点でまとめて回答します。回答は論点のページで書いてください（論点から外すと個別に回答できます）";

/// Who edits, and whether they are a reviewer in this consultation.
pub struct Editor<'a> {
    pub actor: &'a Actor,
    pub is_reviewer: bool,
}

#[derive(Debug)]
pub enum Outcome<A = response::Response> {
    /// Saved; the new version, and how many 同旨 members were answered alike.
    Saved { version: i32, members: usize },
    /// Someone saved first: nothing was written. The current answer is returned to merge with.
    Conflict(Box<A>),
    /// Approved answers are locked until a reviewer reopens them.
    Locked,
    /// The move is not possible (a review action from the wrong state, a missing remark).
    Refused(String),
}

fn record(
    conn: &mut Conn,
    editor: &Editor,
    action: AuditAction,
    comment: &Comment,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> diesel::QueryResult<usize> {
    let mut e = editor.actor.event(action, "response", Some(comment.id.0));
    e.consultation = Some(comment.consultation_id);
    e.before = before;
    e.after = after;
    audit::record(conn, &e)
}

/// The answer and its confirmed 同旨 members written, inside the caller's transaction.
fn save_in(
    conn: &mut Conn,
    editor: &Editor,
    comment: &Comment,
    disposition: Disposition,
    body: &str,
    expected: Option<i32>,
) -> diesel::QueryResult<Outcome> {
    let outcome = write_one(
        conn,
        editor,
        comment,
        disposition,
        body,
        expected,
        AuditAction::AnswerSave,
    )?;
    let Outcome::Saved { version, .. } = outcome else {
        return Ok(outcome);
    };
    let mut members = 0;
    for sibling in duplicate_group::confirmed_siblings(conn, comment.id())? {
        let Some(other) = crate::models::comment::find(conn, sibling)? else {
            continue;
        };
        let current = response::for_comment(conn, sibling)?.map(|r| r.version);
        if let Outcome::Saved { .. } = write_one(
            conn,
            editor,
            &other,
            disposition,
            body,
            current,
            AuditAction::AnswerGroup,
        )? {
            members += 1;
        }
    }
    Ok(Outcome::Saved { version, members })
}

/// Saves the answer as it stands on the screen and asks for review, in one transaction:
/// the save names the version the screen started from, so a stale screen submits nothing
/// (the conflict is shown instead), and an edit never stays behind unsubmitted.
pub fn save_and_submit(
    conn: &mut DbConnection,
    editor: &Editor,
    comment: &Comment,
    disposition: Disposition,
    body: &str,
    expected: Option<i32>,
) -> anyhow::Result<Outcome> {
    write(conn, editor, comment, disposition, body, expected, true)
}

/// Saves an answer started from `expected` (None: there was no answer yet).
pub fn save(
    conn: &mut DbConnection,
    editor: &Editor,
    comment: &Comment,
    disposition: Disposition,
    body: &str,
    expected: Option<i32>,
) -> anyhow::Result<Outcome> {
    write(conn, editor, comment, disposition, body, expected, false)
}

/// [`save`], and with `submit` the review request after it, in one transaction.
fn write(
    conn: &mut DbConnection,
    editor: &Editor,
    comment: &Comment,
    disposition: Disposition,
    body: &str,
    expected: Option<i32>,
    submit: bool,
) -> anyhow::Result<Outcome> {
    if body.trim().is_empty() {
        return Ok(Outcome::Refused("回答の文が空です".into()));
    }
    if crate::models::topic::of_comment(conn, comment.id())?.is_some() {
        return Ok(Outcome::Refused(IN_TOPIC.into()));
    }
    let result = crate::db::transaction::<_, anyhow::Error, _>(conn, |conn| {
        if !submit {
            return Ok(save_in(conn, editor, comment, disposition, body, expected)?);
        }
        let current = response::for_comment(conn, comment.id())?;
        let unchanged = current.as_ref().is_some_and(|c| {
            Some(c.version) == expected
                && Some(c.disposition()) == Some(disposition)
                && c.body == body
        });
        let version = if unchanged {
            current.map(|c| c.version).unwrap_or_default()
        } else {
            match save_in(conn, editor, comment, disposition, body, expected)? {
                Outcome::Saved { version, .. } => version,
                other => return Ok(other),
            }
        };
        review_in(conn, editor, comment, ReviewAction::Submit, version, None)
    });
    match result {
        // Two first answers at once: the second insert meets the unique key.
        Err(e)
            if matches!(
                e.downcast_ref::<DieselError>(),
                Some(DieselError::DatabaseError(
                    DatabaseErrorKind::UniqueViolation,
                    _
                ))
            ) =>
        {
            let current = response::for_comment(conn, comment.id())?
                .ok_or_else(|| anyhow::anyhow!("answer vanished"))?;
            Ok(Outcome::Conflict(Box::new(current)))
        }
        other => other,
    }
}

fn write_one(
    conn: &mut Conn,
    editor: &Editor,
    comment: &Comment,
    disposition: Disposition,
    body: &str,
    expected: Option<i32>,
    action: AuditAction,
) -> diesel::QueryResult<Outcome> {
    let current = response::for_comment(conn, comment.id())?;
    let user = editor.actor.user;
    match (current, expected) {
        (Some(c), _) if c.state() == ResponseState::Approved => Ok(Outcome::Locked),
        (None, None) => {
            response::insert(
                conn,
                comment.id(),
                disposition,
                body,
                ResponseState::Drafting,
                user,
            )?;
            let saved = response::for_comment(conn, comment.id())?.ok_or(DieselError::NotFound)?;
            record(conn, editor, action, comment, None, Some(saved.snapshot()))?;
            Ok(Outcome::Saved {
                version: saved.version,
                members: 0,
            })
        }
        (Some(c), Some(v)) if c.version == v => {
            let state = review::after_edit(c.state(), editor.is_reviewer);
            if !response::update_if_version(conn, c.id, v, disposition, body, state, user)? {
                let now =
                    response::for_comment(conn, comment.id())?.ok_or(DieselError::NotFound)?;
                return Ok(Outcome::Conflict(Box::new(now)));
            }
            let saved = response::for_comment(conn, comment.id())?.ok_or(DieselError::NotFound)?;
            record(
                conn,
                editor,
                action,
                comment,
                Some(c.snapshot()),
                Some(saved.snapshot()),
            )?;
            Ok(Outcome::Saved {
                version: saved.version,
                members: 0,
            })
        }
        (Some(c), _) => Ok(Outcome::Conflict(Box::new(c))),
        (None, Some(_)) => Err(DieselError::NotFound),
    }
}

/// Applies one answer to many comments (overwriting drafts; approved answers are skipped).
/// Returns (answered, skipped because approved).
pub fn bulk(
    conn: &mut DbConnection,
    editor: &Editor,
    comments: &[Comment],
    disposition: Disposition,
    body: &str,
    replace: bool,
) -> anyhow::Result<BulkReport> {
    if body.trim().is_empty() {
        anyhow::bail!("回答の文が空です");
    }
    crate::db::transaction(conn, |conn| {
        let mut report = BulkReport::default();
        for c in comments {
            if crate::models::topic::of_comment(conn, c.id())?.is_some() {
                report.in_topic += 1;
                continue;
            }
            let current = response::for_comment(conn, c.id())?;
            let had_answer = current.as_ref().is_some_and(|r| !r.body.trim().is_empty());
            if had_answer && !replace {
                if current
                    .as_ref()
                    .is_some_and(|r| r.state() == ResponseState::Approved)
                {
                    report.locked += 1;
                } else {
                    report.kept += 1;
                }
                continue;
            }
            let version = current.map(|r| r.version);
            match write_one(
                conn,
                editor,
                c,
                disposition,
                body,
                version,
                AuditAction::AnswerBulk,
            )? {
                Outcome::Saved { .. } => {
                    report.answered += 1;
                    if had_answer {
                        report.replaced += 1;
                    }
                }
                Outcome::Locked => report.locked += 1,
                _ => {}
            }
        }
        Ok(report)
    })
}

/// What a bulk answer did: answered (of which `replaced` had an answer before), `kept`
/// (had an answer, left as it was), `locked` (approved, left as it was), `in_topic`
/// (answered by its 論点, left as it was).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BulkReport {
    pub answered: usize,
    pub replaced: usize,
    pub kept: usize,
    pub locked: usize,
    pub in_topic: usize,
}

/// Moves an answer through review, started from version `expected`. Returning it needs a
/// remark and tells the assigned drafter in their next digest mail.
pub fn review(
    conn: &mut DbConnection,
    editor: &Editor,
    comment: &Comment,
    action: ReviewAction,
    expected: i32,
    remark: Option<&str>,
) -> anyhow::Result<Outcome> {
    if crate::models::topic::of_comment(conn, comment.id())?.is_some() {
        return Ok(Outcome::Refused(IN_TOPIC.into()));
    }
    if action.needs_reviewer() && !editor.is_reviewer {
        return Ok(Outcome::Refused(
            "確定・差戻しは確認者だけができます".into(),
        ));
    }
    let remark = remark.map(str::trim).filter(|r| !r.is_empty());
    if action == ReviewAction::Return && remark.is_none() {
        return Ok(Outcome::Refused("差し戻す理由を書いてください".into()));
    }
    crate::db::transaction(conn, |conn| {
        review_in(conn, editor, comment, action, expected, remark)
    })
}

/// [`review`] inside the caller's transaction (`remark` already trimmed).
fn review_in(
    conn: &mut Conn,
    editor: &Editor,
    comment: &Comment,
    action: ReviewAction,
    expected: i32,
    remark: Option<&str>,
) -> anyhow::Result<Outcome> {
    let Some(current) = response::for_comment(conn, comment.id())? else {
        return Ok(Outcome::Refused("まだ回答がありません".into()));
    };
    if current.version != expected {
        return Ok(Outcome::Conflict(Box::new(current)));
    }
    let to = match review::next(current.state(), action) {
        Ok(s) => s,
        Err(why) => return Ok(Outcome::Refused(why)),
    };
    let kept_remark = if action == ReviewAction::Return {
        remark
    } else {
        None
    };
    if !response::set_state_if_version(
        conn,
        current.id,
        expected,
        to,
        kept_remark,
        editor.actor.user,
    )? {
        let now = response::for_comment(conn, comment.id())?.ok_or(DieselError::NotFound)?;
        return Ok(Outcome::Conflict(Box::new(now)));
    }
    let saved = response::for_comment(conn, comment.id())?.ok_or(DieselError::NotFound)?;
    record(
        conn,
        editor,
        action.audit_action(),
        comment,
        Some(current.snapshot()),
        Some(saved.snapshot()),
    )?;
    // 同旨 members move with their representative where they can.
    for sibling in duplicate_group::confirmed_siblings(conn, comment.id())? {
        if let Some(r) = response::for_comment(conn, sibling)? {
            if let Ok(s) = review::next(r.state(), action) {
                response::set_state_if_version(
                    conn,
                    r.id,
                    r.version,
                    s,
                    kept_remark,
                    editor.actor.user,
                )?;
            }
        }
    }
    if action == ReviewAction::Return {
        notify_return(conn, comment, &current, remark.unwrap_or_default())?;
    }
    Ok(Outcome::Saved {
        version: saved.version,
        members: 0,
    })
}

/// Tells the assigned drafter (or else whoever last wrote the answer) in their next digest.
fn notify_return(
    conn: &mut Conn,
    comment: &Comment,
    before: &response::Response,
    remark: &str,
) -> anyhow::Result<()> {
    let recipient = match assignment::for_comment(conn, comment.id())? {
        Some(a) => Some(a.drafter_id),
        None => before.updated_by,
    };
    if let Some(user) = recipient {
        notification::add(
            conn,
            user,
            comment.consultation_id,
            comment.id(),
            crate::domain::NotificationKind::Returned,
            Some(remark),
        )?;
    }
    Ok(())
}

/// The answer of a comment with the comment id, for callers holding only ids.
pub fn current(
    conn: &mut Conn,
    comment: CommentId,
) -> diesel::QueryResult<Option<response::Response>> {
    response::for_comment(conn, comment)
}

/// Makes each member's answer the 論点's (disposition, text and review state), inside the
/// caller's transaction: members of a topic are answered by it, as confirmed 同旨 members
/// are by their representative. Each changed answer gets its own audit event; answers
/// already equal are left alone. Returns how many changed.
pub fn mirror(
    conn: &mut Conn,
    actor: &Actor,
    consultation: crate::domain::ConsultationId,
    members: &[CommentId],
    disposition: Disposition,
    body: &str,
    state: ResponseState,
) -> diesel::QueryResult<usize> {
    let mut changed = 0;
    for &member in members {
        let current = response::for_comment(conn, member)?;
        if current
            .as_ref()
            .is_some_and(|c| c.disposition() == disposition && c.body == body && c.state() == state)
        {
            continue;
        }
        match &current {
            None => {
                response::insert(conn, member, disposition, body, state, actor.user)?;
            }
            Some(c) => {
                response::update_if_version(
                    conn,
                    c.id,
                    c.version,
                    disposition,
                    body,
                    state,
                    actor.user,
                )?;
            }
        }
        let saved = response::for_comment(conn, member)?.ok_or(DieselError::NotFound)?;
        let mut e = actor.event(AuditAction::AnswerTopic, "response", Some(member.0));
        e.consultation = Some(consultation);
        e.before = current.map(|c| c.snapshot());
        e.after = Some(saved.snapshot());
        audit::record(conn, &e)?;
        changed += 1;
    }
    Ok(changed)
}
