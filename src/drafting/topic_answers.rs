//! Answering a 論点 once for all its comments. The rules are the comment answer's: a save
//! names the version it started from (a stale one is refused and shown the current text),
//! an approved answer is locked until a reviewer reopens it, and the review moves are
//! [`review::next`]'s. Every member's answer is kept equal to the topic's.

use super::answers::{self, Editor, Outcome};
use super::review::{self, ReviewAction};
use crate::db::DbConnection;
use crate::domain::{Disposition, ResponseState};
use crate::models::{audit, topic, topic::Topic, Conn};

/// Saves the topic's answer started from answer version `expected` (None: there was none);
/// with `submit`, asks for review in the same transaction.
pub fn save(
    conn: &mut DbConnection,
    editor: &Editor,
    t: &Topic,
    disposition: Disposition,
    body: &str,
    expected: Option<i32>,
    submit: bool,
) -> anyhow::Result<Outcome<Topic>> {
    if body.trim().is_empty() {
        return Ok(Outcome::Refused("回答の文が空です".into()));
    }
    crate::db::transaction(conn, |conn| {
        let current = reload(conn, t)?;
        let unchanged = current.has_answer()
            && Some(current.answer_version) == expected
            && current.disposition == Some(disposition)
            && current.answer_body == body;
        let version = if submit && unchanged {
            current.answer_version
        } else {
            match write(conn, editor, &current, disposition, body, expected)? {
                Outcome::Saved { version, .. } => version,
                other => return Ok(other),
            }
        };
        if submit {
            let now = reload(conn, t)?;
            return review_in(conn, editor, &now, ReviewAction::Submit, version, None);
        }
        let now = reload(conn, t)?;
        let members = follow(conn, editor, &now)?;
        Ok(Outcome::Saved { version, members })
    })
}

fn write(
    conn: &mut Conn,
    editor: &Editor,
    current: &Topic,
    disposition: Disposition,
    body: &str,
    expected: Option<i32>,
) -> anyhow::Result<Outcome<Topic>> {
    if current.answer_state == ResponseState::Approved {
        return Ok(Outcome::Locked);
    }
    if current.answer_version != expected.unwrap_or(0) {
        return Ok(Outcome::Conflict(Box::new(current.clone())));
    }
    let state = if current.has_answer() {
        review::after_edit(current.answer_state, editor.is_reviewer)
    } else {
        ResponseState::Drafting
    };
    let user = editor.actor.user;
    if !topic::answer_if_version(
        conn,
        current.id,
        current.answer_version,
        disposition,
        body,
        state,
        user,
    )? {
        return Ok(Outcome::Conflict(Box::new(reload(conn, current)?)));
    }
    let saved = reload(conn, current)?;
    record(
        conn,
        editor,
        crate::domain::AuditAction::TopicAnswer,
        current,
        &saved,
    )?;
    Ok(Outcome::Saved {
        version: saved.answer_version,
        members: 0,
    })
}

/// Moves the topic's answer through review, started from answer version `expected`.
pub fn review(
    conn: &mut DbConnection,
    editor: &Editor,
    t: &Topic,
    action: ReviewAction,
    expected: i32,
    remark: Option<&str>,
) -> anyhow::Result<Outcome<Topic>> {
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
        let current = reload(conn, t)?;
        review_in(conn, editor, &current, action, expected, remark)
    })
}

fn review_in(
    conn: &mut Conn,
    editor: &Editor,
    current: &Topic,
    action: ReviewAction,
    expected: i32,
    remark: Option<&str>,
) -> anyhow::Result<Outcome<Topic>> {
    if !current.has_answer() {
        return Ok(Outcome::Refused("まだ回答がありません".into()));
    }
    if current.answer_version != expected {
        return Ok(Outcome::Conflict(Box::new(current.clone())));
    }
    let to = match review::next(current.answer_state, action) {
        Ok(s) => s,
        Err(why) => return Ok(Outcome::Refused(why)),
    };
    let kept_remark = if action == ReviewAction::Return {
        remark
    } else {
        None
    };
    if !topic::set_answer_state_if_version(
        conn,
        current.id,
        expected,
        to,
        kept_remark,
        editor.actor.user,
    )? {
        return Ok(Outcome::Conflict(Box::new(reload(conn, current)?)));
    }
    let saved = reload(conn, current)?;
    record(conn, editor, action.audit_action(), current, &saved)?;
    let members = follow(conn, editor, &saved)?;
    Ok(Outcome::Saved {
        version: saved.answer_version,
        members,
    })
}

/// Makes every member's answer the topic's; returns how many members changed.
fn follow(conn: &mut Conn, editor: &Editor, t: &Topic) -> diesel::QueryResult<usize> {
    let Some(disposition) = t.disposition else {
        return Ok(0);
    };
    let members = topic::members(conn, t.id)?;
    answers::mirror(
        conn,
        editor.actor,
        t.consultation_id,
        &members,
        disposition,
        &t.answer_body,
        t.answer_state,
    )
}

fn reload(conn: &mut Conn, t: &Topic) -> diesel::QueryResult<Topic> {
    topic::find(conn, t.id)?.ok_or(diesel::result::Error::NotFound)
}

fn record(
    conn: &mut Conn,
    editor: &Editor,
    action: crate::domain::AuditAction,
    before: &Topic,
    after: &Topic,
) -> diesel::QueryResult<usize> {
    let mut e = editor.actor.event(action, "topic", Some(before.id.0));
    e.consultation = Some(before.consultation_id);
    e.before = before.has_answer().then(|| before.answer_snapshot());
    e.after = Some(after.answer_snapshot());
    audit::record(conn, &e)
}
