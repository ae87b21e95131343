//! The comment list: filters (text search, clause subtree, category, answer state, submitter
//! kind, group), counts and pages in No. or clause order, and the rows list pages and exports
//! show beside each comment (category, answer, submitter).

use super::comment::Comment;
use super::list_cache::ListCache;
use super::{Conn, QueryResult};
use crate::db::schema::*;
use crate::domain::{
    CommentId, CommentNo, ConsultationId, Disposition, ResponseState, SubmitterKind,
};
use diesel::prelude::*;
use std::collections::HashMap;

/// A comment with what list pages and exports show beside it.
#[derive(Debug, Clone)]
pub struct CommentRow {
    pub comment: Comment,
    pub category: Option<String>,
    pub disposition: Option<Disposition>,
    pub answer: Option<String>,
    pub state: Option<ResponseState>,
    pub submitter: Option<SubmitterSummary>,
}

/// Who sent a comment. `name` is personal information when `kind` is individual.
#[derive(Debug, Clone)]
pub struct SubmitterSummary {
    pub id: crate::domain::SubmitterId,
    pub kind: SubmitterKind,
    pub name: String,
    pub attribute: String,
}

type RowTuple = (
    Comment,
    Option<String>,
    Option<(Disposition, String, ResponseState)>,
    Option<(i64, SubmitterKind, String, String)>,
);

/// Which comments a list shows. Text is matched as a plain substring: `%`, `_` and quotes
/// are literal characters, never SQL. Every field is optional; they combine with AND.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CommentFilter {
    pub q: Option<String>,
    pub category: Option<i64>,
    /// A clause and everything under it.
    pub clause: Option<i64>,
    /// `unanswered`, or a review state code (`drafting`, `in_review`, …).
    pub status: Option<String>,
    /// A drafter's user id, or -1 for unassigned comments.
    pub drafter: Option<i64>,
    pub disposition: Option<String>,
    /// `individual` or `organization`.
    pub submitter: Option<String>,
    pub group: Option<i64>,
    /// `none` (in no 論点), `any` (in one), or a 論点 No.
    pub topic: Option<String>,
    /// `clause` (no clause tag) or `category` (no category).
    pub untagged: Option<String>,
    /// `no` (default) or `clause` (the draft's order).
    pub sort: Option<String>,
    /// Where a search stops counting (default `SEARCH_COUNT_CAP`, `PG_SEARCH_COUNT_CAP` on PostgreSQL).
    #[serde(skip)]
    pub search_cap: Option<i64>,
}

/// The parts of a filter that need the database or the backend to be worked out first.
pub struct Resolved {
    like: Option<String>,
    /// The LIKE must not use PostgreSQL's trigram index: with fewer than three characters
    /// there is no trigram to look up, and the index would be read whole.
    like_without_index: bool,
    /// PostgreSQL: the LIKE is looked up in `comment_search`, which holds the trigram index.
    like_in_search_table: bool,
    /// The comment text as searches compare it (folded, as the query is), in SQL.
    folded_body: &'static str,
    /// The comparison (LIKE: the texts compared are both folded).
    like_op: &'static str,
    /// A scan without an index as one condition on the stored text: the query's width
    /// spellings ORed (ＡＩ, AI, ａｉ…), when there are few; else the text is folded row by
    /// row (`folded_body`), which costs a function call per row.
    scan: Option<String>,
    fts: Option<String>,
    /// A search on its own (3+ characters): its matches, counted up to the cap + 1.
    fts_matches: Option<i64>,
    clause_ids: Option<Vec<crate::domain::ClauseId>>,
}

impl CommentFilter {
    fn text(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }

    /// The search text in the form searched (width variants folded, as the index is;
    /// PostgreSQL's copy is in ASCII lower case too, SQLite ignores ASCII case itself).
    fn folded_text(&self, sqlite: bool) -> Option<String> {
        self.text().map(|q| {
            let folded = crate::text::search_fold(q);
            if sqlite {
                folded.into_owned()
            } else {
                folded.to_ascii_lowercase()
            }
        })
    }

    fn search_cap(&self, sqlite: bool) -> i64 {
        self.search_cap.unwrap_or(if sqlite {
            SEARCH_COUNT_CAP
        } else {
            PG_SEARCH_COUNT_CAP
        })
    }

    /// Only a search text, no other condition.
    fn is_text_only(&self) -> bool {
        let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
        self.text().is_some()
            && self.category.is_none()
            && self.clause.is_none()
            && self.drafter.is_none()
            && self.group.is_none()
            && !given(&self.topic)
            && !given(&self.status)
            && !given(&self.disposition)
            && !given(&self.submitter)
            && !given(&self.untagged)
    }

    /// SQLite's trigram index finds substrings of 3+ characters; shorter ones, all of them
    /// while the index is being filled after an import, and PostgreSQL's (pg_trgm serves
    /// LIKE) use LIKE with `%`, `_` and `\` escaped.
    pub fn resolve(&self, conn: &mut Conn, consultation: ConsultationId) -> QueryResult<Resolved> {
        self.resolve_knowing(conn, consultation, None)
    }

    /// `resolve`, given the page count when it is already known (then a search on its own
    /// is not counted again to choose how to read its first rows).
    fn resolve_knowing(
        &self,
        conn: &mut Conn,
        consultation: ConsultationId,
        known: Option<(i64, bool)>,
    ) -> QueryResult<Resolved> {
        let sqlite = matches!(conn, crate::db::DbConnection::Sqlite(_));
        let like_pattern = |q: &str| {
            let escaped = q
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        };
        let mut fts_matches = None;
        let mut common = false;
        let folded = self.folded_text(sqlite);
        let (like, fts) = match folded.as_deref() {
            // Comments waiting for the search index (after a bulk import) are found by LIKE.
            Some(q)
                if sqlite
                    && q.chars().count() >= 3
                    && !crate::db::search_index::has_pending(conn)? =>
            {
                let phrase = fts_phrase(q);
                // A term found in very many comments fills a page within the first rows
                // read in No. order; collecting all its matches first would take longer.
                let cap = self.search_cap(true);
                if self.is_text_only() {
                    fts_matches = Some(match known {
                        Some((n, at_least)) => n + i64::from(at_least),
                        None => fts_count_capped(conn, consultation, &phrase, cap)?,
                    });
                }
                if fts_matches.is_some_and(|n| n > cap) {
                    (Some(like_pattern(q)), None)
                } else {
                    (None, Some(phrase))
                }
            }
            // PostgreSQL counts through pg_trgm (each candidate's body is read to check it);
            // a term found in more comments than the cap is then read in No. order without
            // the index, as on SQLite.
            Some(q) if !sqlite && q.chars().count() >= 3 && self.is_text_only() => {
                let pattern = like_pattern(q);
                let cap = self.search_cap(false);
                let n = match known {
                    Some((n, at_least)) => n + i64::from(at_least),
                    None => like_count_capped(conn, consultation, &pattern, cap)?,
                };
                fts_matches = Some(n);
                common = n > cap;
                (Some(pattern), None)
            }
            Some(q) => (Some(like_pattern(q)), None),
            None => (None, None),
        };
        let clause_ids = match self.clause {
            Some(root) => Some(crate::models::clause::subtree_ids(
                conn,
                crate::domain::ClauseId(root),
            )?),
            None => None,
        };
        Ok(Resolved {
            like_without_index: common || self.text().is_some_and(|q| q.chars().count() < 3),
            like_in_search_table: !sqlite,
            folded_body: if sqlite {
                "pubcom_fold(comments.body)"
            } else {
                "translate(normalize(comments.body, NFKC), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
            },
            like_op: " LIKE ",
            scan: folded.as_deref().and_then(|q| {
                // SQLite's LIKE ignores ASCII case; PostgreSQL's needs both cases spelled out.
                // Too many spellings: SQLite folds each row (its slow path serves only while
                // the index fills, or words found in more comments than the cap); PostgreSQL
                // compares the text as typed (folding every row there costs a second a page).
                // A word of 3+ characters found in more comments than the cap is read in No.
                // order; there PostgreSQL compares it as typed, as before (the page fills
                // from the first rows anyway, and every spelling ORed made it 2x slower).
                let as_typed = !sqlite && q.chars().count() >= 3;
                let variants = match crate::text::width_variants(q, !sqlite, SCAN_VARIANTS) {
                    Some(v) if !as_typed => v,
                    None if sqlite => return None,
                    _ => vec![self.text().unwrap_or(q).to_string()],
                };
                let column = "comments.body";
                let op = " LIKE ";
                let terms: Vec<String> = variants
                    .iter()
                    .map(|v| {
                        // A string literal: quotes doubled, NUL dropped (bound values cannot
                        // be added in a loop to one SQL fragment).
                        let literal = like_pattern(v).replace('\0', "").replace('\'', "''");
                        format!("{column}{op}'{literal}' ESCAPE '\\'")
                    })
                    .collect();
                Some(format!("({})", terms.join(" OR ")))
            }),
            like,
            fts,
            fts_matches,
            clause_ids,
        })
    }
}

macro_rules! apply_filter {
    ($query:expr, $consultation:expr, $filter:expr, $resolved:expr) => {{
        let f = $filter;
        let r = $resolved;
        let mut q = $query.filter(comments::consultation_id.eq($consultation.0));
        match r.like.clone() {
            Some(_) if r.scan.is_some() && (r.like_without_index || !r.like_in_search_table) => {
                q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                    r.scan.as_deref().unwrap_or("TRUE"),
                ))
            }
            Some(pattern) if r.like_without_index => {
                q = q.filter(
                    diesel::dsl::sql::<diesel::sql_types::Bool>(r.folded_body)
                        .sql(r.like_op)
                        .bind::<diesel::sql_types::Text, _>(pattern)
                        .sql(" ESCAPE '\\'"),
                )
            }
            Some(pattern) if r.like_in_search_table => {
                q = q.filter(
                    diesel::dsl::sql::<diesel::sql_types::Bool>(
                        "comments.id IN (SELECT s.comment_id FROM comment_search s WHERE s.consultation_id = ",
                    )
                    .bind::<diesel::sql_types::BigInt, _>($consultation.0)
                    .sql(" AND s.body")
                    .sql(r.like_op)
                    .bind::<diesel::sql_types::Text, _>(pattern)
                    .sql(" ESCAPE '\\')"),
                )
            }
            Some(pattern) => {
                q = q.filter(
                    diesel::dsl::sql::<diesel::sql_types::Bool>(r.folded_body)
                        .sql(r.like_op)
                        .bind::<diesel::sql_types::Text, _>(pattern)
                        .sql(" ESCAPE '\\'"),
                )
            }
            None => {}
        }
        if let Some(fts) = r.fts.clone() {
            q = q.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>("comments.id IN (SELECT rowid FROM comments_fts WHERE comments_fts MATCH ")
                    .bind::<diesel::sql_types::Text, _>(fts)
                    .sql(")"),
            );
        }
        if let Some(category) = f.category {
            q = q.filter(comments::category_id.eq(category));
        }
        if let Some(ids) = r.clause_ids.clone() {
            q = q.filter(comments::clause_id.eq_any(ids));
        }
        // Conditions on related rows are EXISTS subqueries written as SQL (aliased, with
        // bound values): diesel's checker refuses a table that the outer query also joins.
        let related = |sql_head: &str, value: String| {
            diesel::dsl::sql::<diesel::sql_types::Bool>(sql_head).bind::<diesel::sql_types::Text, _>(value).sql(")")
        };
        match f.status.as_deref() {
            None | Some("") => {}
            Some("unanswered") => {
                q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>("comments.answer_state IS NULL"))
            }
            // `answer_state` (kept by triggers, see migrations …_answer_state) is not in the
            // diesel schema, which stops at 16 columns per table.
            Some(state) => q = q.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>("comments.answer_state = ")
                    .bind::<diesel::sql_types::Text, _>(state.to_string()),
            ),
        }
        if let Some(d) = f.disposition.clone().filter(|d| !d.is_empty()) {
            q = q.filter(related("EXISTS (SELECT 1 FROM responses r WHERE r.comment_id = comments.id AND r.disposition = ", d));
        }
        match f.drafter {
            None => {}
            Some(-1) => {
                q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>("NOT EXISTS (SELECT 1 FROM assignments a WHERE a.comment_id = comments.id)"))
            }
            Some(u) => q = q.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>("EXISTS (SELECT 1 FROM assignments a WHERE a.comment_id = comments.id AND a.drafter_id = ")
                    .bind::<diesel::sql_types::BigInt, _>(u)
                    .sql(")"),
            ),
        }
        if let Some(kind) = f.submitter.clone().filter(|k| !k.is_empty()) {
            q = q.filter(related(
                "EXISTS (SELECT 1 FROM submissions s JOIN submitters p ON p.id = s.submitter_id WHERE s.id = comments.submission_id AND p.kind = ",
                kind,
            ));
        }
        if let Some(g) = f.group {
            q = q.filter(comments::duplicate_group_id.eq(g));
        }
        match f.topic.as_deref().map(str::trim) {
            None | Some("") => {}
            Some("none") => q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "NOT EXISTS (SELECT 1 FROM topic_members m WHERE m.comment_id = comments.id)",
            )),
            Some("any") => q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "EXISTS (SELECT 1 FROM topic_members m WHERE m.comment_id = comments.id)",
            )),
            Some(n) => q = q.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "EXISTS (SELECT 1 FROM topic_members m JOIN topics t ON t.id = m.topic_id WHERE m.comment_id = comments.id AND t.number = ",
                )
                .bind::<diesel::sql_types::Integer, _>(n.parse::<i32>().unwrap_or(-1))
                .sql(")"),
            ),
        }
        match f.untagged.as_deref() {
            Some("clause") => q = q.filter(comments::clause_id.is_null()),
            Some("category") => q = q.filter(comments::category_id.is_null()),
            _ => {}
        }
        q
    }};
}

/// PostgreSQL's search cap: pg_trgm narrows a search to candidates whose bodies are then
/// read to check them, so a count of 10,000 reads 10,000 bodies (~0.2 s at 100,000
/// comments); 1,000 takes ~12 ms.
pub const PG_SEARCH_COUNT_CAP: i64 = 1_000;

/// Comments of the consultation whose body matches a LIKE pattern, counted up to `cap + 1`.
fn like_count_capped(
    conn: &mut Conn,
    consultation: ConsultationId,
    pattern: &str,
    cap: i64,
) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(
        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM comment_search \
         WHERE consultation_id = $1 AND body LIKE $2 ESCAPE '\\' LIMIT $3) AS found",
    )
    .bind::<diesel::sql_types::BigInt, _>(consultation.0)
    .bind::<diesel::sql_types::Text, _>(pattern)
    .bind::<diesel::sql_types::BigInt, _>(cap + 1)
    .get_result::<Count>(conn)
    .map(|r| r.n)
}

/// A search cap that never stops the count (the list page's "すべて数える").
pub const UNCAPPED: i64 = i64::MAX / 4;

/// A search matching more comments than this is counted for the list page only up to here
/// ("10,000 件以上"): counting every match of a common word in a million comments takes
/// seconds.
pub const SEARCH_COUNT_CAP: i64 = 10_000;

/// Width spellings of a query ORed in a scan at most (an ASCII letter has three).
const SCAN_VARIANTS: usize = 27;

/// A search text as one FTS5 phrase: quotes doubled, so nothing in it is query syntax.
fn fts_phrase(q: &str) -> String {
    format!("\"{}\"", q.replace('"', "\"\""))
}

/// Comments of the consultation matching an FTS phrase (SQLite), counted up to `cap + 1`:
/// the trigram index yields matches one by one, so this stops early for a common word.
fn fts_count_capped(
    conn: &mut Conn,
    consultation: ConsultationId,
    phrase: &str,
    cap: i64,
) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let crate::db::DbConnection::Sqlite(c) = conn else {
        return Ok(0);
    };
    diesel::sql_query(
        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM comments_fts f JOIN comments c ON c.id = f.rowid \
         WHERE comments_fts MATCH ? AND c.consultation_id = ? LIMIT ?)",
    )
    .bind::<diesel::sql_types::Text, _>(phrase)
    .bind::<diesel::sql_types::BigInt, _>(consultation.0)
    .bind::<diesel::sql_types::BigInt, _>(cap + 1)
    .get_result::<Count>(c)
    .map(|r| r.n)
}

/// How many comments a list page says it shows: exact, except for a search on its own
/// that matches more than the filter's search cap (then `(cap, true)`): counting stops
/// there instead of reading every match of a common word.
pub fn count_for_page(
    conn: &mut Conn,
    consultation: ConsultationId,
    filter: &CommentFilter,
) -> QueryResult<(i64, bool)> {
    let resolved = filter.resolve(conn, consultation)?;
    count_for_page_resolved(conn, consultation, filter, &resolved)
}

/// A list page: its rows and `count_for_page`, the filter worked out once for both. With a
/// cache, the count and the page's comments are taken from it while the consultation's data
/// version is unchanged.
pub fn page(
    conn: &mut Conn,
    consultation: ConsultationId,
    filter: &CommentFilter,
    offset: i64,
    limit: i64,
    cache: Option<&ListCache>,
) -> QueryResult<(Vec<CommentRow>, (i64, bool))> {
    let by_clause = filter.sort.as_deref() == Some("clause");
    let key = format!(
        "{:?}",
        CommentFilter {
            sort: None,
            ..filter.clone()
        }
    );
    let page_key = format!("{key} {offset}+{limit}");
    let turn = cache.map(|c| c.turn(consultation, &page_key));
    let _turn = turn
        .as_ref()
        .map(|t| t.lock().unwrap_or_else(|e| e.into_inner()));
    let cached = match cache {
        Some(cache) => {
            let version = super::list_cache::version(conn, consultation)?;
            let count = cache.count(consultation, &key, version);
            let ids = (!by_clause)
                .then(|| cache.page(consultation, &page_key, version))
                .flatten();
            Some((cache, version, count, ids))
        }
        None => None,
    };
    if let Some((_, _, Some(total), Some(ids))) = &cached {
        return Ok((rows_of(conn, consultation, ids)?, *total));
    }
    let known = cached.as_ref().and_then(|c| c.2);
    let resolved = filter.resolve_knowing(conn, consultation, known)?;
    let total = match known {
        Some(total) => total,
        None => count_for_page_resolved(conn, consultation, filter, &resolved)?,
    };
    if by_clause {
        let rows = list_resolved(conn, consultation, filter, &resolved, offset, Some(limit))?;
        return Ok((rows, total));
    }
    let ids = match cached.as_ref().and_then(|c| c.3.clone()) {
        Some(ids) => ids,
        None => page_ids(conn, consultation, filter, &resolved, offset, limit)?,
    };
    if let Some((cache, version, _, _)) = cached {
        cache.put_count(consultation, &key, version, total);
        cache.put_page(consultation, &page_key, version, ids.clone());
    }
    Ok((rows_of(conn, consultation, &ids)?, total))
}

fn count_for_page_resolved(
    conn: &mut Conn,
    consultation: ConsultationId,
    filter: &CommentFilter,
    resolved: &Resolved,
) -> QueryResult<(i64, bool)> {
    if !filter.is_text_only() {
        return count_filtered_resolved(conn, consultation, filter, resolved).map(|n| (n, false));
    }
    let cap = filter.search_cap(matches!(conn, crate::db::DbConnection::Sqlite(_)));
    let n = match resolved.fts_matches {
        Some(n) => n,
        None => {
            let ids: Vec<i64> = apply_filter!(
                comments::table.select(comments::id).into_boxed(),
                consultation,
                filter,
                resolved
            )
            .limit(cap + 1)
            .load(conn)?;
            ids.len() as i64
        }
    };
    Ok(if n > cap { (cap, true) } else { (n, false) })
}

pub fn count_filtered(
    conn: &mut Conn,
    consultation: ConsultationId,
    filter: &CommentFilter,
) -> QueryResult<i64> {
    let resolved = filter.resolve(conn, consultation)?;
    count_filtered_resolved(conn, consultation, filter, &resolved)
}

fn count_filtered_resolved(
    conn: &mut Conn,
    consultation: ConsultationId,
    filter: &CommentFilter,
    resolved: &Resolved,
) -> QueryResult<i64> {
    if let Some(n) = tallied_count(conn, consultation, filter, resolved)? {
        return Ok(n);
    }
    apply_filter!(
        comments::table.count().into_boxed(),
        consultation,
        filter,
        resolved
    )
    .get_result(conn)
}

/// The count of a filter with at most one of category, clause, status or "untagged", read
/// from the maintained counts instead of counting rows; None for any other filter.
fn tallied_count(
    conn: &mut Conn,
    consultation: ConsultationId,
    f: &CommentFilter,
    r: &Resolved,
) -> QueryResult<Option<i64>> {
    use super::tally::{self, Dimension};
    let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
    if f.text().is_some()
        || f.drafter.is_some()
        || f.group.is_some()
        || given(&f.topic)
        || given(&f.disposition)
        || given(&f.submitter)
    {
        return Ok(None);
    }
    let status = f.status.as_deref().filter(|s| !s.is_empty());
    let untagged = f
        .untagged
        .as_deref()
        .filter(|u| matches!(*u, "clause" | "category"));
    let conditions = [
        f.category.is_some(),
        r.clause_ids.is_some(),
        status.is_some(),
        untagged.is_some(),
    ];
    let sum_where = |rows: Vec<(String, i64)>, keep: &dyn Fn(&str) -> bool| -> i64 {
        rows.into_iter()
            .filter(|(v, _)| keep(v))
            .map(|(_, n)| n)
            .sum()
    };
    let n = match conditions.iter().filter(|c| **c).count() {
        0 => tally::total(conn, consultation, Dimension::All)?,
        1 => {
            if let Some(category) = f.category {
                let key = category.to_string();
                sum_where(
                    tally::counts(conn, consultation, Dimension::Category)?,
                    &|v| v == key,
                )
            } else if let Some(ids) = &r.clause_ids {
                let rows = tally::counts(conn, consultation, Dimension::Clause)?;
                sum_where(rows, &|v| {
                    v.parse()
                        .is_ok_and(|id: i64| ids.contains(&crate::domain::ClauseId(id)))
                })
            } else if let Some(state) = status {
                let answers = tally::counts(conn, consultation, Dimension::State)?;
                if state == "unanswered" {
                    tally::total(conn, consultation, Dimension::All)?
                        - sum_where(answers, &|_| true)
                } else {
                    sum_where(answers, &|v| v == state)
                }
            } else {
                let dimension = match untagged {
                    Some("clause") => Dimension::Clause,
                    _ => Dimension::Category,
                };
                sum_where(tally::counts(conn, consultation, dimension)?, &|v| {
                    v.is_empty()
                })
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(n))
}

/// Comments joined with what list rows show beside them (`RowTuple`), boxed.
macro_rules! joined_rows {
    () => {
        comments::table
            .left_join(categories::table)
            .left_join(responses::table)
            .left_join(clauses::table)
            .inner_join(submissions::table.left_join(submitters::table))
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
            .into_boxed()
    };
}

/// Comments of a consultation in No. order, a page at a time (`limit` None: all).
pub fn list(
    conn: &mut Conn,
    consultation: ConsultationId,
    filter: &CommentFilter,
    offset: i64,
    limit: Option<i64>,
) -> QueryResult<Vec<CommentRow>> {
    let resolved = filter.resolve(conn, consultation)?;
    list_resolved(conn, consultation, filter, &resolved, offset, limit)
}

fn list_resolved(
    conn: &mut Conn,
    consultation: ConsultationId,
    filter: &CommentFilter,
    resolved: &Resolved,
    offset: i64,
    limit: Option<i64>,
) -> QueryResult<Vec<CommentRow>> {
    let by_clause = filter.sort.as_deref() == Some("clause");
    if let (Some(limit), false) = (limit, by_clause) {
        let ids = page_ids(conn, consultation, filter, resolved, offset, limit)?;
        return rows_of(conn, consultation, &ids);
    }
    let mut query = apply_filter!(joined_rows!(), consultation, filter, resolved);
    query = if by_clause {
        // The draft's order; comments without a clause come last, then by No.
        query.order((
            clauses::position.is_null(),
            clauses::position,
            comments::number,
            comments::part,
        ))
    } else {
        query.order((comments::number, comments::part))
    };
    // SQLite accepts OFFSET only after LIMIT.
    if let Some(limit) = limit {
        query = query.limit(limit).offset(offset);
    }
    let rows: Vec<RowTuple> = query.load(conn)?;
    Ok(rows.into_iter().map(comment_row).collect())
}

fn comment_row((comment, category, response, submitter): RowTuple) -> CommentRow {
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
            id: crate::domain::SubmitterId(id),
            kind,
            name,
            attribute,
        }),
    }
}

/// The comment ids of a page in No. order, from `comments` alone (the rows are read after):
/// joined, a search without an index made PostgreSQL join every comment before sorting.
fn page_ids(
    conn: &mut Conn,
    consultation: ConsultationId,
    filter: &CommentFilter,
    resolved: &Resolved,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let postgres = matches!(conn, crate::db::DbConnection::Pg(_));
    if postgres && resolved.like_without_index {
        return page_ids_by_windows(conn, consultation, filter, resolved, offset, limit);
    }
    apply_filter!(
        comments::table.select(comments::id).into_boxed(),
        consultation,
        filter,
        resolved
    )
    .order((comments::number, comments::part))
    .limit(limit)
    .offset(offset)
    .load(conn)
}

/// The comments before and after `no` among those the filter keeps, in the list's order (No.,
/// or the draft's order with untagged comments last): where a drafter goes from a comment
/// without losing the list they came from.
pub fn neighbours(
    conn: &mut Conn,
    consultation: ConsultationId,
    filter: &CommentFilter,
    no: CommentNo,
) -> QueryResult<(Option<CommentNo>, Option<CommentNo>)> {
    use diesel::sql_types::Integer;
    let resolved = filter.resolve(conn, consultation)?;
    // The sort key: the clause's place in the draft (untagged last) when sorted by clause.
    let place = if filter.sort.as_deref() == Some("clause") {
        "COALESCE(clauses.position, 2147483647)"
    } else {
        // A constant expression (a bare 0 in ORDER BY would name a column).
        "0+0"
    };
    let here: i32 = if place == "0+0" {
        0
    } else {
        comments::table
            .left_join(clauses::table)
            .filter(comments::consultation_id.eq(consultation.0))
            .filter(comments::number.eq(no.number))
            .filter(comments::part.eq(no.part))
            .select(diesel::dsl::sql::<Integer>(place))
            .first(conn)?
    };
    let mut side = |before: bool| -> QueryResult<Option<CommentNo>> {
        let (cmp, dir) = if before { ("<", " DESC") } else { (">", "") };
        apply_filter!(
            comments::table
                .left_join(clauses::table)
                .select((comments::number, comments::part))
                .into_boxed(),
            consultation,
            filter,
            &resolved
        )
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                "({place}, comments.number, comments.part) {cmp} ("
            ))
            .bind::<Integer, _>(here)
            .sql(", ")
            .bind::<Integer, _>(no.number)
            .sql(", ")
            .bind::<Integer, _>(no.part)
            .sql(")"),
        )
        .order(diesel::dsl::sql::<Integer>(&format!(
            "{place}{dir}, comments.number{dir}, comments.part{dir}"
        )))
        .first::<(i32, i32)>(conn)
        .optional()
        .map(|found| found.map(|(number, part)| CommentNo { number, part }))
    };
    Ok((side(true)?, side(false)?))
}

/// A page of a search read without an index (PostgreSQL), in windows of No. that grow:
/// a common word fills the page from the first window. Asked as one query, the planner
/// cannot know how common the word is and may read and sort every comment instead.
fn page_ids_by_windows(
    conn: &mut Conn,
    consultation: ConsultationId,
    filter: &CommentFilter,
    resolved: &Resolved,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let (first, last): (Option<i32>, Option<i32>) = comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .select((
            diesel::dsl::min(comments::number),
            diesel::dsl::max(comments::number),
        ))
        .first(conn)?;
    let (Some(mut from), Some(last)) = (first, last) else {
        return Ok(Vec::new());
    };
    let wanted = offset + limit;
    let mut width = 1_000;
    let mut found: Vec<i64> = Vec::new();
    while from <= last && (found.len() as i64) < wanted {
        let to = from.saturating_add(width);
        let ids: Vec<i64> = apply_filter!(
            comments::table.select(comments::id).into_boxed(),
            consultation,
            filter,
            resolved
        )
        .filter(comments::number.ge(from))
        .filter(comments::number.lt(to))
        .order((comments::number, comments::part))
        .limit(wanted - found.len() as i64)
        .load(conn)?;
        found.extend(ids);
        from = to;
        width = (width * 2).min(64_000);
    }
    Ok(found.into_iter().skip(offset as usize).collect())
}

/// The list rows of the given comments of the consultation, in the order of `ids`: found by
/// id alone (with the consultation as a condition, SQLite read the consultation's rows in
/// No. order looking for them).
pub fn rows_of(
    conn: &mut Conn,
    consultation: ConsultationId,
    ids: &[i64],
) -> QueryResult<Vec<CommentRow>> {
    let rows: Vec<RowTuple> = crate::db::in_chunks(ids, |chunk| {
        joined_rows!().filter(comments::id.eq_any(chunk)).load(conn)
    })?
    .into_iter()
    .flatten()
    .collect();
    let mut by_id: HashMap<CommentId, CommentRow> = rows
        .into_iter()
        .map(comment_row)
        .filter(|r| r.comment.consultation_id == consultation)
        .map(|r| (r.comment.id, r))
        .collect();
    Ok(ids
        .iter()
        .filter_map(|id| by_id.remove(&CommentId(*id)))
        .collect())
}

/// Every comment the filter keeps, in No. order: what "all of this filter" means to a bulk
/// action (making a 論点 of 10,000 comments).
pub fn ids(
    conn: &mut Conn,
    consultation: ConsultationId,
    filter: &CommentFilter,
) -> QueryResult<Vec<crate::domain::CommentId>> {
    let resolved = filter.resolve(conn, consultation)?;
    apply_filter!(
        comments::table
            .left_join(clauses::table)
            .select(comments::id)
            .into_boxed(),
        consultation,
        filter,
        &resolved
    )
    .order((comments::number, comments::part))
    .load::<i64>(conn)
    .map(|v| v.into_iter().map(crate::domain::CommentId).collect())
}
