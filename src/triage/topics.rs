//! Making 論点 and moving comments between them. A confirmed 同旨 group always moves whole;
//! a comment joining a topic that has an answer takes that answer. Every move is one
//! transaction with one audit event that records where each comment was, so it can be undone.

use crate::auth::accounts::Actor;
use crate::db::DbConnection;
use crate::domain::{AuditAction, CommentId, ConsultationId, GroupId, TopicId};
use crate::error::Refused;
use crate::models::{audit, comment, duplicate_group, topic, topic::Topic, topic::TopicText, Conn};
use serde_json::json;

/// A topic's words checked: a title is needed; the clause and category must be the
/// consultation's own.
fn checked(
    conn: &mut Conn,
    consultation: ConsultationId,
    text: &TopicText,
) -> anyhow::Result<TopicText> {
    let title = text.title.trim();
    if title.is_empty() {
        return Err(Refused("論点の題名を書いてください".into()).into());
    }
    if let Some(id) = text.clause {
        crate::triage::tagging::ensure_in_consultation(
            crate::models::clause::find(conn, id)?.map(|c| c.consultation_id),
            consultation,
            "項番",
        )?;
    }
    if let Some(id) = text.category {
        crate::triage::tagging::ensure_in_consultation(
            crate::models::category::find(conn, id)?.map(|c| c.consultation_id),
            consultation,
            "分類",
        )?;
    }
    Ok(TopicText {
        title: title.to_string(),
        summary: text.summary.trim().to_string(),
        ..text.clone()
    })
}

/// What a move did: the comments moved (confirmed 同旨 members included) and the audit event
/// that can undo it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    pub comments: usize,
    pub event: i64,
}

/// Creates a topic holding `members` (which may be none); returns it and the move.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
    text: &TopicText,
    members: &[CommentId],
) -> anyhow::Result<(Topic, Moved)> {
    crate::db::transaction(conn, |conn| {
        let text = checked(conn, consultation, text)?;
        let t = topic::insert(conn, consultation, &text)?;
        let mut e = actor.event(AuditAction::TopicCreate, "topic", Some(t.id.0));
        e.consultation = Some(consultation);
        e.after = Some(t.snapshot());
        audit::record(conn, &e)?;
        let moved = add_in(conn, actor, &t, members)?;
        Ok((t, moved))
    })
}

/// Makes a topic of a 同旨 group, titled after its representative's first words.
pub fn from_group(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
    group: GroupId,
) -> anyhow::Result<(Topic, Moved)> {
    let g = duplicate_group::find(conn, group)?
        .filter(|g| g.consultation_id == consultation)
        .ok_or_else(|| Refused("その同旨のグループはありません".into()))?;
    let members = duplicate_group::members(conn, g.id)?;
    let first = match members.first() {
        Some(c) => comment::find(conn, *c)?,
        None => None,
    };
    let title = first
        .map(|c| crate::text::excerpt(&c.body, 1, 40))
        .unwrap_or_else(|| "同旨の意見".into());
    let text = TopicText {
        title,
        ..Default::default()
    };
    create(conn, actor, consultation, &text, &members)
}

/// Changes the topic's title, 概要, clause and category, started from `expected`.
/// Returns false (nothing written) when someone changed them first.
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    t: &Topic,
    expected: i32,
    text: &TopicText,
) -> anyhow::Result<bool> {
    crate::db::transaction(conn, |conn| {
        let text = checked(conn, t.consultation_id, text)?;
        let Some(before) = topic::find(conn, t.id)? else {
            return Err(Refused("その論点はありません".into()).into());
        };
        if !topic::update_if_version(conn, t.id, expected, &text)? {
            return Ok(false);
        }
        let after = topic::find(conn, t.id)?.unwrap_or_else(|| before.clone());
        let mut e = actor.event(AuditAction::TopicUpdate, "topic", Some(t.id.0));
        e.consultation = Some(t.consultation_id);
        e.before = Some(before.snapshot());
        e.after = Some(after.snapshot());
        audit::record(conn, &e)?;
        Ok(true)
    })
}

/// Puts the comments (and the rest of their confirmed 同旨 groups) in the topic, taking them
/// out of any other topic.
pub fn add(
    conn: &mut DbConnection,
    actor: &Actor,
    t: &Topic,
    members: &[CommentId],
) -> anyhow::Result<Moved> {
    crate::db::transaction(conn, |conn| add_in(conn, actor, t, members))
}

fn add_in(
    conn: &mut Conn,
    actor: &Actor,
    t: &Topic,
    members: &[CommentId],
) -> anyhow::Result<Moved> {
    let ids = in_consultation(conn, t.consultation_id, members)?;
    let ids = duplicate_group::with_confirmed_groups(conn, &ids)?;
    let before = topic::current_of(conn, &ids)?;
    let moving: Vec<CommentId> = before
        .iter()
        .filter(|(_, was)| *was != Some(t.id))
        .map(|(c, _)| *c)
        .collect();
    topic::set_members(conn, &moving, Some(t.id))?;
    let now = topic::find(conn, t.id)?.unwrap_or_else(|| t.clone());
    if let (true, Some(d)) = (now.has_answer(), now.disposition) {
        crate::drafting::answers::mirror(
            conn,
            actor,
            t.consultation_id,
            &moving,
            d,
            &now.answer_body,
            now.answer_state,
        )?;
    }
    let event = record_move(conn, actor, AuditAction::TopicAdd, t, &before, &moving)?;
    Ok(Moved {
        comments: moving.len(),
        event,
    })
}

/// Takes the comments (with their confirmed 同旨 groups) out of the topic: each keeps the
/// answer it had and is answered on its own from now on.
pub fn remove(
    conn: &mut DbConnection,
    actor: &Actor,
    t: &Topic,
    members: &[CommentId],
) -> anyhow::Result<Moved> {
    crate::db::transaction(conn, |conn| {
        let ids = duplicate_group::with_confirmed_groups(conn, members)?;
        let before = topic::current_of(conn, &ids)?;
        let leaving: Vec<CommentId> = before
            .iter()
            .filter(|(_, was)| *was == Some(t.id))
            .map(|(c, _)| *c)
            .collect();
        topic::set_members(conn, &leaving, None)?;
        let event = record_move(conn, actor, AuditAction::TopicRemove, t, &before, &leaving)?;
        Ok(Moved {
            comments: leaving.len(),
            event,
        })
    })
}

/// Deletes a topic; its comments stay, in no topic, with the answers they had.
pub fn delete(conn: &mut DbConnection, actor: &Actor, t: &Topic) -> anyhow::Result<()> {
    crate::db::transaction(conn, |conn| {
        let members = topic::members(conn, t.id)?;
        topic::delete(conn, t.id)?;
        let mut e = actor.event(AuditAction::TopicDelete, "topic", Some(t.id.0));
        e.consultation = Some(t.consultation_id);
        e.before = Some(json!({
            "topic": t.snapshot(), "answer": t.answer_snapshot(),
            "comments": members.iter().map(|c| c.0).collect::<Vec<_>>(),
        }));
        audit::record(conn, &e)?;
        Ok(())
    })
}

/// Puts every comment of a move back where it was before it. Comments moved again since
/// then are put back too (the later move can itself be undone).
pub fn undo(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
    event: i64,
) -> anyhow::Result<usize> {
    crate::db::transaction(conn, |conn| {
        let e = audit::find(conn, event)?
            .filter(|e| e.consultation_id == Some(consultation))
            .filter(|e| matches!(e.action, AuditAction::TopicAdd | AuditAction::TopicRemove))
            .ok_or_else(|| Refused("取り消せる移動がありません".into()))?;
        let before: serde_json::Value =
            serde_json::from_str(e.before_json.as_deref().unwrap_or("{}"))?;
        let mut by_topic: std::collections::BTreeMap<Option<i64>, Vec<CommentId>> =
            Default::default();
        for pair in before["moves"].as_array().into_iter().flatten() {
            let (Some(c), t) = (pair[0].as_i64(), pair[1].as_i64()) else {
                continue;
            };
            by_topic.entry(t).or_default().push(CommentId(c));
        }
        let mut restored = 0;
        let mut moves = Vec::new();
        for (t, ids) in &by_topic {
            let target = match t {
                Some(t) => topic::find(conn, TopicId(*t))?.map(|t| t.id),
                None => None,
            };
            moves.extend(topic::current_of(conn, ids)?);
            restored += topic::set_members(conn, ids, target)? as usize;
        }
        let mut u = actor.event(e.action, "topic", e.entity_id);
        u.consultation = Some(consultation);
        u.before = Some(json!({ "moves": pairs(&moves) }));
        u.after = Some(json!({ "undo_of": event }));
        audit::record(conn, &u)?;
        Ok(restored)
    })
}

/// Records that a suggestion was dismissed: it is not offered again for the same comments.
pub fn dismiss_suggestion(
    conn: &mut DbConnection,
    actor: &Actor,
    consultation: ConsultationId,
    members: &[CommentId],
) -> anyhow::Result<()> {
    crate::db::transaction(conn, |conn| {
        topic::dismiss(conn, consultation, &signature(members))?;
        let mut e = actor.event(AuditAction::TopicDismiss, "topic", None);
        e.consultation = Some(consultation);
        e.after = Some(json!({ "comments": members.iter().map(|c| c.0).collect::<Vec<_>>() }));
        audit::record(conn, &e)?;
        Ok(())
    })
}

/// A suggestion's identity: its members' ids, sorted.
pub fn signature(members: &[CommentId]) -> String {
    let mut ids: Vec<i64> = members.iter().map(|c| c.0).collect();
    ids.sort_unstable();
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

fn pairs(moves: &[(CommentId, Option<TopicId>)]) -> Vec<serde_json::Value> {
    moves
        .iter()
        .map(|(c, t)| json!([c.0, t.map(|t| t.0)]))
        .collect()
}

fn record_move(
    conn: &mut Conn,
    actor: &Actor,
    action: AuditAction,
    t: &Topic,
    before: &[(CommentId, Option<TopicId>)],
    moved: &[CommentId],
) -> diesel::QueryResult<i64> {
    let moved_set: std::collections::HashSet<CommentId> = moved.iter().copied().collect();
    let was: Vec<_> = before
        .iter()
        .filter(|(c, _)| moved_set.contains(c))
        .copied()
        .collect();
    let mut e = actor.event(action, "topic", Some(t.id.0));
    e.consultation = Some(t.consultation_id);
    e.before = Some(json!({ "moves": pairs(&was) }));
    e.after = Some(json!({ "topic": t.number, "comments": moved.len() }));
    audit::record_id(conn, &e)
}

/// The ids that are comments of the consultation; any other is refused.
fn in_consultation(
    conn: &mut Conn,
    consultation: ConsultationId,
    ids: &[CommentId],
) -> anyhow::Result<Vec<CommentId>> {
    let found = comment::ids_in(conn, consultation, ids)?;
    if found.len() != ids.iter().collect::<std::collections::HashSet<_>>().len() {
        return Err(Refused("この案件にない意見が含まれています".into()).into());
    }
    Ok(found)
}
