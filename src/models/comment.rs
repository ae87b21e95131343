use super::{Conn, QueryResult};
use crate::db::{now, schema::*};
use crate::domain::{CategoryId, CommentId, CommentNo, ConsultationId, SubmissionId};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = comments)]
pub struct Comment {
    pub id: i64,
    pub consultation_id: i64,
    pub submission_id: i64,
    pub number: i32,
    pub part: i32,
    pub body: String,
    pub volume: Option<String>,
    pub chapter: Option<String>,
    pub page: Option<String>,
    pub category_id: Option<i64>,
    pub clause_id: Option<i64>,
    pub duplicate_group_id: Option<i64>,
    pub split_from_id: Option<i64>,
    pub match_key: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Comment {
    pub fn id(&self) -> CommentId {
        CommentId(self.id)
    }

    pub fn no(&self) -> CommentNo {
        CommentNo {
            number: self.number,
            part: self.part,
        }
    }
}

pub struct NewComment<'a> {
    pub consultation: ConsultationId,
    pub submission: SubmissionId,
    pub no: CommentNo,
    pub body: &'a str,
    pub volume: Option<&'a str>,
    pub chapter: Option<&'a str>,
    pub page: Option<&'a str>,
    pub category: Option<CategoryId>,
}

pub fn insert(conn: &mut Conn, c: &NewComment) -> QueryResult<CommentId> {
    let t = now();
    diesel::insert_into(comments::table)
        .values((
            comments::consultation_id.eq(c.consultation.0),
            comments::submission_id.eq(c.submission.0),
            comments::number.eq(c.no.number),
            comments::part.eq(c.no.part),
            comments::body.eq(c.body),
            comments::volume.eq(c.volume),
            comments::chapter.eq(c.chapter),
            comments::page.eq(c.page),
            comments::category_id.eq(c.category.map(|id| id.0)),
            comments::match_key.eq(crate::text::match_key(c.body)),
            comments::created_at.eq(t),
            comments::updated_at.eq(t),
        ))
        .returning(comments::id)
        .get_result::<i64>(conn)
        .map(CommentId)
}

pub fn find_by_no(
    conn: &mut Conn,
    consultation: ConsultationId,
    no: CommentNo,
) -> QueryResult<Option<Comment>> {
    comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .filter(comments::number.eq(no.number))
        .filter(comments::part.eq(no.part))
        .select(Comment::as_select())
        .first(conn)
        .optional()
}

pub fn count(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<i64> {
    comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .count()
        .get_result(conn)
}

pub fn max_number(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<i32> {
    comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .select(diesel::dsl::max(comments::number))
        .first::<Option<i32>>(conn)
        .map(|m| m.unwrap_or(0))
}

/// A comment with what list pages and exports show beside it.
#[derive(Debug, Clone)]
pub struct CommentRow {
    pub comment: Comment,
    pub category: Option<String>,
    pub disposition: Option<String>,
    pub answer: Option<String>,
    pub state: Option<String>,
    pub submitter: Option<SubmitterSummary>,
}

/// Who sent a comment. `name` is personal information when `kind` is individual.
#[derive(Debug, Clone)]
pub struct SubmitterSummary {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub attribute: String,
}

type RowTuple = (
    Comment,
    Option<String>,
    Option<(String, String, String)>,
    Option<(i64, String, String, String)>,
);

/// Which comments a list shows. Text is matched as a plain substring: `%`, `_` and quotes
/// are literal characters, never SQL.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CommentFilter {
    pub q: Option<String>,
    pub category: Option<i64>,
}

impl CommentFilter {
    fn like_pattern(&self) -> Option<String> {
        self.q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(|q| {
                let escaped = q
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                format!("%{escaped}%")
            })
    }
}

macro_rules! apply_filter {
    ($query:expr, $consultation:expr, $filter:expr) => {{
        let mut q = $query.filter(comments::consultation_id.eq($consultation.0));
        if let Some(pattern) = $filter.like_pattern() {
            q = q.filter(comments::body.like(pattern).escape('\\'));
        }
        if let Some(category) = $filter.category {
            q = q.filter(comments::category_id.eq(category));
        }
        q
    }};
}

pub fn count_filtered(
    conn: &mut Conn,
    consultation: ConsultationId,
    filter: &CommentFilter,
) -> QueryResult<i64> {
    apply_filter!(comments::table.count().into_boxed(), consultation, filter).get_result(conn)
}

/// Comments of a consultation in No. order, a page at a time (`limit` None: all).
pub fn list(
    conn: &mut Conn,
    consultation: ConsultationId,
    filter: &CommentFilter,
    offset: i64,
    limit: Option<i64>,
) -> QueryResult<Vec<CommentRow>> {
    let query = comments::table
        .left_join(categories::table)
        .left_join(responses::table)
        .inner_join(submissions::table.left_join(submitters::table))
        .order((comments::number, comments::part))
        .select((
            Comment::as_select(),
            categories::name.nullable(),
            (responses::disposition, responses::body, responses::state).nullable(),
            (
                submitters::id,
                submitters::kind,
                submitters::name,
                submitters::attribute,
            )
                .nullable(),
        ))
        .into_boxed();
    let mut query = apply_filter!(query, consultation, filter);
    // SQLite accepts OFFSET only after LIMIT.
    if let Some(limit) = limit {
        query = query.limit(limit).offset(offset);
    }
    let rows: Vec<RowTuple> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(comment, category, response, submitter)| {
            let (disposition, answer, state) = match response {
                Some((d, b, s)) => (Some(d), Some(b), Some(s)),
                None => (None, None, None),
            };
            CommentRow {
                comment,
                category,
                disposition,
                answer,
                state,
                submitter: submitter.map(|(id, kind, name, attribute)| SubmitterSummary {
                    id,
                    kind,
                    name,
                    attribute,
                }),
            }
        })
        .collect())
}

/// The comments split from or sent in the same submission, in No. order.
pub fn of_submission(conn: &mut Conn, submission: SubmissionId) -> QueryResult<Vec<Comment>> {
    comments::table
        .filter(comments::submission_id.eq(submission.0))
        .order((comments::number, comments::part))
        .select(Comment::as_select())
        .load(conn)
}

pub fn find(conn: &mut Conn, id: CommentId) -> QueryResult<Option<Comment>> {
    comments::table
        .find(id.0)
        .select(Comment::as_select())
        .first(conn)
        .optional()
}

/// Comments tagged with a clause, in No. order.
pub fn tagged_with(
    conn: &mut Conn,
    consultation: ConsultationId,
    clause: crate::domain::ClauseId,
) -> QueryResult<Vec<Comment>> {
    comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .filter(comments::clause_id.eq(clause.0))
        .order((comments::number, comments::part))
        .select(Comment::as_select())
        .load(conn)
}
