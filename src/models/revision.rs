use super::{Conn, QueryResult};
use crate::db::{now, schema::*};
use crate::domain::{CommentId, ConsultationId};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = revisions)]
pub struct Revision {
    pub id: crate::domain::RevisionId,
    pub consultation_id: crate::domain::ConsultationId,
    pub clause_id: Option<crate::domain::ClauseId>,
    pub clause_label: String,
    pub original_text: String,
    pub revised_text: String,
    pub reason: String,
    pub state: crate::domain::RevisionState,
    pub version: i32,
    pub updated_by: Option<crate::domain::UserId>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// The 修正後 side's label: `None` the 原案's, `Some("")` none (a deletion).
    pub revised_clause_label: Option<String>,
}

pub struct NewRevision<'a> {
    pub consultation: ConsultationId,
    pub clause_label: &'a str,
    pub revised_clause_label: Option<&'a str>,
    pub original_text: &'a str,
    pub revised_text: &'a str,
    pub reason: &'a str,
    pub state: crate::domain::RevisionState,
}

/// Inserts a revision answering the given comments.
pub fn insert(
    conn: &mut Conn,
    r: &NewRevision,
    answers: &[CommentId],
) -> QueryResult<crate::domain::RevisionId> {
    let t = now();
    let id: crate::domain::RevisionId = diesel::insert_into(revisions::table)
        .values((
            revisions::consultation_id.eq(r.consultation.0),
            revisions::clause_label.eq(r.clause_label),
            revisions::revised_clause_label.eq(r.revised_clause_label),
            revisions::original_text.eq(r.original_text),
            revisions::revised_text.eq(r.revised_text),
            revisions::reason.eq(r.reason),
            revisions::state.eq(r.state),
            revisions::version.eq(1),
            revisions::created_at.eq(t),
            revisions::updated_at.eq(t),
        ))
        .returning(revisions::id)
        .get_result(conn)?;
    for c in answers {
        diesel::insert_into(revision_comments::table)
            .values((
                revision_comments::revision_id.eq(id),
                revision_comments::comment_id.eq(c.0),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

/// Every revision linked to a comment of the consultation, as (comment id, revision).
pub fn by_comment(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<Vec<(i64, Revision)>> {
    revision_comments::table
        .inner_join(revisions::table)
        .filter(revisions::consultation_id.eq(consultation.0))
        .order((revision_comments::comment_id, revisions::id))
        .select((revision_comments::comment_id, Revision::as_select()))
        .load(conn)
}

/// All revisions of a consultation, in id order.
pub fn all(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<Vec<Revision>> {
    revisions::table
        .filter(revisions::consultation_id.eq(consultation.0))
        .order(revisions::id)
        .select(Revision::as_select())
        .load(conn)
}

pub fn find(conn: &mut Conn, id: crate::domain::RevisionId) -> QueryResult<Option<Revision>> {
    revisions::table
        .find(id)
        .select(Revision::as_select())
        .first(conn)
        .optional()
}

/// The revisions answering a comment.
pub fn for_comment(conn: &mut Conn, comment: CommentId) -> QueryResult<Vec<Revision>> {
    revision_comments::table
        .inner_join(revisions::table)
        .filter(revision_comments::comment_id.eq(comment.0))
        .order(revisions::id)
        .select(Revision::as_select())
        .load(conn)
}

pub fn for_clause(conn: &mut Conn, clause: crate::domain::ClauseId) -> QueryResult<Vec<Revision>> {
    revisions::table
        .filter(revisions::clause_id.eq(clause.0))
        .order(revisions::id)
        .select(Revision::as_select())
        .load(conn)
}

/// The comments a revision answers (ids).
pub fn linked_comments(
    conn: &mut Conn,
    revision: crate::domain::RevisionId,
) -> QueryResult<Vec<i64>> {
    revision_comments::table
        .filter(revision_comments::revision_id.eq(revision))
        .select(revision_comments::comment_id)
        .load(conn)
}

pub fn set_clause(
    conn: &mut Conn,
    id: crate::domain::RevisionId,
    clause: Option<crate::domain::ClauseId>,
) -> QueryResult<usize> {
    diesel::update(revisions::table.find(id))
        .set(revisions::clause_id.eq(clause.map(|c| c.0)))
        .execute(conn)
}

pub struct RevisionText<'a> {
    pub clause_label: &'a str,
    pub revised_clause_label: Option<&'a str>,
    pub original_text: &'a str,
    pub revised_text: &'a str,
    pub reason: &'a str,
}

/// Writes new text if the stored version is still `expected`.
pub fn update_if_version(
    conn: &mut Conn,
    id: crate::domain::RevisionId,
    expected: i32,
    t: &RevisionText,
    user: Option<crate::domain::UserId>,
) -> QueryResult<bool> {
    let n = diesel::update(
        revisions::table
            .find(id)
            .filter(revisions::version.eq(expected)),
    )
    .set((
        revisions::clause_label.eq(t.clause_label),
        revisions::revised_clause_label.eq(t.revised_clause_label),
        revisions::original_text.eq(t.original_text),
        revisions::revised_text.eq(t.revised_text),
        revisions::reason.eq(t.reason),
        revisions::version.eq(expected + 1),
        revisions::updated_by.eq(user.map(|u| u.0)),
        revisions::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Replaces the comments a revision answers.
pub fn set_links(
    conn: &mut Conn,
    id: crate::domain::RevisionId,
    comments: &[CommentId],
) -> QueryResult<()> {
    diesel::delete(revision_comments::table.filter(revision_comments::revision_id.eq(id)))
        .execute(conn)?;
    for c in comments {
        diesel::insert_into(revision_comments::table)
            .values((
                revision_comments::revision_id.eq(id),
                revision_comments::comment_id.eq(c.0),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_if_version(
    conn: &mut Conn,
    id: crate::domain::RevisionId,
    expected: i32,
) -> QueryResult<bool> {
    diesel::delete(revision_comments::table.filter(revision_comments::revision_id.eq(id)))
        .execute(conn)?;
    Ok(diesel::delete(
        revisions::table
            .find(id)
            .filter(revisions::version.eq(expected)),
    )
    .execute(conn)?
        == 1)
}

impl Revision {
    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "clause": self.clause_label, "revised_clause": self.revised_clause_label,
            "original": self.original_text, "revised": self.revised_text,
            "reason": self.reason, "version": self.version,
        })
    }

    /// The 修正後 side as printed: its label ('' for none) and text. Revisions saved before
    /// the 修正後 label had a column of its own carry a moved clause's label as the first
    /// line of their 修正後 text; it is read from there.
    pub fn revised_side(&self) -> (&str, &str) {
        match &self.revised_clause_label {
            Some(label) => (label.trim(), self.revised_text.as_str()),
            None => match legacy_moved_label(&self.revised_text) {
                Some((label, rest)) => (label, rest),
                None => (self.clause_label.trim(), self.revised_text.as_str()),
            },
        }
    }

    pub fn kind(&self) -> crate::domain::RevisionKind {
        let (label, text) = self.revised_side();
        crate::domain::RevisionKind::of(&self.clause_label, &self.original_text, label, text)
    }
}

/// A cell as the published tables print one side: the label on its own line above the
/// text, or the text alone when the side has no label.
pub fn side_cell(label: &str, text: &str) -> String {
    if label.trim().is_empty() {
        text.to_string()
    } else {
        format!("{}\n{}", label.trim(), text)
    }
}

/// `3.2.2(2)(ア)⑤（挿入）` as the first line of a 修正後 text above the text itself.
fn legacy_moved_label(revised: &str) -> Option<(&str, &str)> {
    let (first, rest) = revised.split_once('\n')?;
    let label = first.trim();
    let names_clause = crate::intake::clause_ref::parse_cell(label)
        .first()
        .is_some_and(|r| r.path.is_some());
    (names_clause
        && !rest.trim().is_empty()
        && !label.contains('「')
        && label.chars().count() <= 40)
        .then_some((label, rest.trim_start_matches('\n')))
}
