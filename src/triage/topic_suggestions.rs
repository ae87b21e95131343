//! Candidate 論点 for the comments not yet in one: [`super::suggest`] over their texts,
//! within a clause subtree or across the consultation. Nothing is stored until staff accept
//! a suggestion; dismissed ones are not offered again for the same comments.

use super::suggest::{self, Doc};
use crate::db::schema::{comments, topic_members};
use crate::domain::{ClauseId, CommentId, CommentNo, ConsultationId};
use crate::models::{clause, topic, Conn};
use diesel::prelude::*;

/// One suggestion as pages and the API show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Most central first: the first is the representative.
    pub members: Vec<CommentNo>,
    pub ids: Vec<CommentId>,
    pub key_phrases: Vec<String>,
    pub cohesion: f32,
    /// The members' sorted ids: what accepting or dismissing it names.
    pub signature: String,
}

/// Suggestions over the comments in no topic (under `scope` when given), largest first.
pub fn suggest(
    conn: &mut Conn,
    consultation: ConsultationId,
    scope: Option<ClauseId>,
) -> anyhow::Result<Vec<Found>> {
    let mut q = comments::table
        .left_join(topic_members::table)
        .filter(comments::consultation_id.eq(consultation.0))
        .filter(topic_members::comment_id.is_null())
        .select((
            comments::id,
            comments::number,
            comments::part,
            comments::body,
        ))
        .into_boxed();
    if let Some(root) = scope {
        let ids: Vec<i64> = clause::subtree_ids(conn, root)?
            .iter()
            .map(|c| c.0)
            .collect();
        q = q.filter(comments::clause_id.eq_any(ids));
    }
    let rows: Vec<(i64, i32, i32, String)> = q.load(conn)?;
    let docs: Vec<Doc> = rows
        .iter()
        .map(|(id, _, _, body)| Doc {
            id: *id,
            text: body,
        })
        .collect();
    let nos: std::collections::HashMap<i64, CommentNo> = rows
        .iter()
        .map(|(id, number, part, _)| {
            (
                *id,
                CommentNo {
                    number: *number,
                    part: *part,
                },
            )
        })
        .collect();
    let dismissed: std::collections::HashSet<String> =
        topic::dismissed(conn, consultation)?.into_iter().collect();
    Ok(suggest::suggest(&docs)
        .into_iter()
        .filter_map(|s| {
            let ids: Vec<CommentId> = s.members.iter().map(|id| CommentId(*id)).collect();
            let signature = super::topics::signature(&ids);
            if dismissed.contains(&signature) {
                return None;
            }
            Some(Found {
                members: s
                    .members
                    .iter()
                    .filter_map(|id| nos.get(id).copied())
                    .collect(),
                ids,
                key_phrases: s.key_phrases,
                cohesion: s.cohesion,
                signature,
            })
        })
        .collect())
}
