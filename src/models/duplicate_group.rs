//! 同旨の意見: comments that say the same thing and are answered once.

use super::{Conn, QueryResult};
use crate::db::{
    now,
    schema::{comments, duplicate_groups},
};
use crate::domain::{CommentId, ConsultationId, GroupStatus};
use diesel::prelude::*;

/// Creates a group of the given comments (the first represents it).
pub fn create(
    conn: &mut Conn,
    consultation: ConsultationId,
    members: &[CommentId],
    status: GroupStatus,
    method: &str,
) -> QueryResult<i64> {
    let id = insert_group(conn, consultation, members, status, method)?;
    let ids: Vec<i64> = members.iter().map(|c| c.0).collect();
    crate::db::in_chunks(&ids, |chunk| {
        diesel::update(comments::table.filter(comments::id.eq_any(chunk)))
            .set(comments::duplicate_group_id.eq(id))
            .execute(conn)
    })?;
    Ok(id)
}

/// Creates many groups at once (a 同旨 proposal). On PostgreSQL the members of every group
/// are written by one `UPDATE … FROM unnest(…)` per [`MEMBERSHIP_BATCH`] comments: a
/// statement per group paid the statement-level triggers of `comments` (tallies, data
/// version) hundreds of times.
pub fn create_many(
    conn: &mut Conn,
    consultation: ConsultationId,
    groups: &[Vec<CommentId>],
    status: GroupStatus,
    method: &str,
) -> QueryResult<Vec<i64>> {
    if !matches!(conn, crate::db::DbConnection::Pg(_)) {
        return groups
            .iter()
            .map(|members| create(conn, consultation, members, status, method))
            .collect();
    }
    let mut ids = Vec::with_capacity(groups.len());
    let mut pairs: Vec<(i64, i64)> = Vec::new();
    for members in groups {
        let id = insert_group(conn, consultation, members, status, method)?;
        ids.push(id);
        pairs.extend(members.iter().map(|c| (c.0, id)));
    }
    let crate::db::DbConnection::Pg(pg) = conn else {
        unreachable!("checked above");
    };
    for batch in pairs.chunks(MEMBERSHIP_BATCH) {
        let (comment_ids, group_ids): (Vec<i64>, Vec<i64>) = batch.iter().copied().unzip();
        diesel::sql_query(
            "UPDATE comments SET duplicate_group_id = m.group_id \
             FROM unnest($1::bigint[], $2::bigint[]) AS m(comment_id, group_id) \
             WHERE comments.id = m.comment_id",
        )
        .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(comment_ids)
        .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(group_ids)
        .execute(pg)?;
    }
    Ok(ids)
}

/// Memberships written per statement by [`create_many`] on PostgreSQL (two arrays, two
/// bound values: no parameter limit applies).
pub const MEMBERSHIP_BATCH: usize = 50_000;

fn insert_group(
    conn: &mut Conn,
    consultation: ConsultationId,
    members: &[CommentId],
    status: GroupStatus,
    method: &str,
) -> QueryResult<i64> {
    let t = now();
    diesel::insert_into(duplicate_groups::table)
        .values((
            duplicate_groups::consultation_id.eq(consultation.0),
            duplicate_groups::representative_comment_id.eq(members.first().map(|c| c.0)),
            duplicate_groups::status.eq(status.code()),
            duplicate_groups::method.eq(method),
            duplicate_groups::created_at.eq(t),
            duplicate_groups::updated_at.eq(t),
        ))
        .returning(duplicate_groups::id)
        .get_result(conn)
}

/// The other members of a confirmed group the comment belongs to (empty when none).
pub fn confirmed_siblings(conn: &mut Conn, comment: CommentId) -> QueryResult<Vec<CommentId>> {
    let group: Option<Option<i64>> = comments::table
        .find(comment.0)
        .select(comments::duplicate_group_id)
        .first(conn)
        .optional()?;
    let Some(Some(group)) = group else {
        return Ok(vec![]);
    };
    let status: String = duplicate_groups::table
        .find(group)
        .select(duplicate_groups::status)
        .first(conn)?;
    if status != GroupStatus::Confirmed.code() {
        return Ok(vec![]);
    }
    comments::table
        .filter(comments::duplicate_group_id.eq(group))
        .filter(comments::id.ne(comment.0))
        .order((comments::number, comments::part))
        .select(comments::id)
        .load::<i64>(conn)
        .map(|v| v.into_iter().map(CommentId).collect())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = duplicate_groups)]
pub struct DuplicateGroup {
    pub id: crate::domain::GroupId,
    pub consultation_id: crate::domain::ConsultationId,
    pub representative_comment_id: Option<crate::domain::CommentId>,
    pub status: crate::domain::GroupStatus,
    pub method: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// Groups of a consultation (proposed first), each with its members in No. order.
pub fn with_members(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<Vec<(DuplicateGroup, Vec<crate::models::comment::Comment>)>> {
    let groups: Vec<DuplicateGroup> = duplicate_groups::table
        .filter(duplicate_groups::consultation_id.eq(consultation.0))
        .filter(duplicate_groups::status.ne(GroupStatus::Rejected.code()))
        .order((duplicate_groups::status.desc(), duplicate_groups::id))
        .select(DuplicateGroup::as_select())
        .load(conn)?;
    let members: Vec<crate::models::comment::Comment> = comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .filter(comments::duplicate_group_id.is_not_null())
        .order((comments::number, comments::part))
        .select(crate::models::comment::Comment::as_select())
        .load(conn)?;
    Ok(groups
        .into_iter()
        .map(|g| {
            let mine: Vec<_> = members
                .iter()
                .filter(|c| c.duplicate_group_id == Some(g.id))
                .cloned()
                .collect();
            (g, mine)
        })
        .filter(|(_, m)| !m.is_empty())
        .collect())
}

/// A page of a consultation's groups (proposed first, then the largest), each with its
/// number of members, and how many groups there are in all. A group of 50,000 members is
/// one row here: its members are read a page at a time where they are shown.
pub fn page(
    conn: &mut Conn,
    consultation: ConsultationId,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<(DuplicateGroup, i64)>, i64)> {
    let sizes: Vec<(Option<i64>, i64)> = comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .filter(comments::duplicate_group_id.is_not_null())
        .group_by(comments::duplicate_group_id)
        .select((comments::duplicate_group_id, diesel::dsl::count_star()))
        .load(conn)?;
    let sizes: std::collections::HashMap<i64, i64> = sizes
        .into_iter()
        .filter_map(|(g, n)| g.map(|g| (g, n)))
        .collect();
    let mut groups: Vec<(DuplicateGroup, i64)> = duplicate_groups::table
        .filter(duplicate_groups::consultation_id.eq(consultation.0))
        .filter(duplicate_groups::status.ne(GroupStatus::Rejected.code()))
        .select(DuplicateGroup::as_select())
        .load(conn)?
        .into_iter()
        .filter_map(|g| sizes.get(&g.id.0).map(|n| (g, *n)))
        .collect();
    groups.sort_by_key(|(g, n)| {
        (
            g.status != GroupStatus::Proposed,
            std::cmp::Reverse(*n),
            g.id,
        )
    });
    let total = groups.len() as i64;
    let page = groups
        .into_iter()
        .skip(offset.max(0) as usize)
        .take(limit.max(0) as usize)
        .collect();
    Ok((page, total))
}

/// The first `limit` members of a group in No. order.
pub fn first_members(
    conn: &mut Conn,
    group: crate::domain::GroupId,
    limit: i64,
) -> QueryResult<Vec<crate::models::comment::Comment>> {
    comments::table
        .filter(comments::duplicate_group_id.eq(group))
        .order((comments::number, comments::part))
        .limit(limit)
        .select(crate::models::comment::Comment::as_select())
        .load(conn)
}

/// The ids of a consultation's confirmed groups.
pub fn confirmed_ids(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<std::collections::HashSet<i64>> {
    let ids: Vec<i64> = duplicate_groups::table
        .filter(duplicate_groups::consultation_id.eq(consultation.0))
        .filter(duplicate_groups::status.eq(GroupStatus::Confirmed.code()))
        .select(duplicate_groups::id)
        .load(conn)?;
    Ok(ids.into_iter().collect())
}

pub fn find(conn: &mut Conn, id: crate::domain::GroupId) -> QueryResult<Option<DuplicateGroup>> {
    duplicate_groups::table
        .find(id)
        .select(DuplicateGroup::as_select())
        .first(conn)
        .optional()
}

pub fn set_status(
    conn: &mut Conn,
    id: crate::domain::GroupId,
    status: GroupStatus,
) -> QueryResult<usize> {
    diesel::update(duplicate_groups::table.find(id))
        .set((
            duplicate_groups::status.eq(status.code()),
            duplicate_groups::updated_at.eq(now()),
        ))
        .execute(conn)
}

/// Takes a comment out of its group.
pub fn remove_member(conn: &mut Conn, comment: CommentId) -> QueryResult<usize> {
    diesel::update(comments::table.find(comment.0))
        .set(comments::duplicate_group_id.eq(None::<i64>))
        .execute(conn)
}

/// Comments not in a confirmed or rejected group: (id, body), in No. order.
pub fn open_comments(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<Vec<(i64, String)>> {
    comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .filter(
            comments::duplicate_group_id
                .is_null()
                .or(comments::duplicate_group_id.ne_all(settled_groups(consultation))),
        )
        .order((comments::number, comments::part))
        .select((comments::id, comments::body))
        .load(conn)
}

/// A page of [`open_comments`] in id order after `after`: up to `limit` of them, only ids
/// divisible by `every` (a sample) when it is above 1.
pub fn open_comments_page(
    conn: &mut Conn,
    consultation: ConsultationId,
    after: i64,
    limit: i64,
    every: i64,
) -> QueryResult<Vec<(i64, String)>> {
    // Read along the primary key from `after`. SQLite: `consultation_id + 0`, or it would
    // use the consultation's index and sort every remaining row for each page. PostgreSQL:
    // the plain column, whose statistics say most rows match (the unknown selectivity of
    // `+ 0` made it sort instead: 0.43 s a page against 0.09 s).
    let consultation_sql = if matches!(conn, crate::db::DbConnection::Sqlite(_)) {
        "comments.consultation_id + 0 = "
    } else {
        "comments.consultation_id = "
    };
    let mut q = comments::table
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>(consultation_sql)
                .bind::<diesel::sql_types::BigInt, _>(consultation.0),
        )
        .filter(comments::id.gt(after))
        .filter(
            comments::duplicate_group_id
                .is_null()
                .or(comments::duplicate_group_id.ne_all(settled_groups(consultation))),
        )
        .into_boxed();
    if every > 1 {
        q = q.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("comments.id % ")
                .bind::<diesel::sql_types::BigInt, _>(every)
                .sql(" = 0"),
        );
    }
    q.order(comments::id)
        .limit(limit)
        .select((comments::id, comments::body))
        .load(conn)
}

/// How many comments [`open_comments`] would give.
pub fn open_count(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<i64> {
    comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .filter(
            comments::duplicate_group_id
                .is_null()
                .or(comments::duplicate_group_id.ne_all(settled_groups(consultation))),
        )
        .count()
        .get_result(conn)
}

/// The ids of [`open_comments`] alone.
pub fn open_comment_ids(
    conn: &mut Conn,
    consultation: ConsultationId,
) -> QueryResult<std::collections::HashSet<i64>> {
    let ids: Vec<i64> = comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .filter(
            comments::duplicate_group_id
                .is_null()
                .or(comments::duplicate_group_id.ne_all(settled_groups(consultation))),
        )
        .select(comments::id)
        .load(conn)?;
    Ok(ids.into_iter().collect())
}

/// The consultation's confirmed and rejected groups, as a subquery (not a bound list).
type SettledGroups = diesel::dsl::Select<
    diesel::dsl::Filter<
        diesel::dsl::Filter<
            duplicate_groups::table,
            diesel::dsl::Eq<duplicate_groups::consultation_id, i64>,
        >,
        diesel::dsl::NotEq<duplicate_groups::status, &'static str>,
    >,
    diesel::dsl::Nullable<duplicate_groups::id>,
>;

fn settled_groups(consultation: ConsultationId) -> SettledGroups {
    duplicate_groups::table
        .filter(duplicate_groups::consultation_id.eq(consultation.0))
        .filter(duplicate_groups::status.ne(GroupStatus::Proposed.code()))
        .select(duplicate_groups::id.nullable())
}

/// The consultation's proposed (unconfirmed) groups.
type ProposedGroups = diesel::dsl::Filter<
    diesel::dsl::Filter<
        duplicate_groups::table,
        diesel::dsl::Eq<duplicate_groups::consultation_id, i64>,
    >,
    diesel::dsl::Eq<duplicate_groups::status, &'static str>,
>;

fn proposed_groups(consultation: ConsultationId) -> ProposedGroups {
    duplicate_groups::table
        .filter(duplicate_groups::consultation_id.eq(consultation.0))
        .filter(duplicate_groups::status.eq(GroupStatus::Proposed.code()))
}

/// A proposed group as it stands.
pub struct Proposal {
    pub id: i64,
    /// Member comment ids in id order.
    pub members: Vec<i64>,
    pub representative: Option<i64>,
}

/// Every proposed group of a consultation.
pub fn proposals(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<Vec<Proposal>> {
    let groups: Vec<(i64, Option<i64>)> = proposed_groups(consultation)
        .select((
            duplicate_groups::id,
            duplicate_groups::representative_comment_id,
        ))
        .load(conn)?;
    let proposed = proposed_groups(consultation).select(duplicate_groups::id);
    let members: Vec<(i64, Option<i64>)> = comments::table
        .filter(comments::consultation_id.eq(consultation.0))
        .filter(comments::duplicate_group_id.eq_any(proposed.nullable()))
        .select((comments::id, comments::duplicate_group_id))
        .order(comments::id)
        .load(conn)?;
    let mut by_group: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
    for (comment, group) in members {
        if let Some(group) = group {
            by_group.entry(group).or_default().push(comment);
        }
    }
    Ok(groups
        .into_iter()
        .map(|(id, representative)| Proposal {
            id,
            members: by_group.remove(&id).unwrap_or_default(),
            representative,
        })
        .collect())
}

/// Drops the given groups, their members left ungrouped.
pub fn drop_groups(conn: &mut Conn, ids: &[i64]) -> QueryResult<()> {
    crate::db::in_chunks(ids, |chunk| {
        diesel::update(comments::table.filter(comments::duplicate_group_id.eq_any(chunk)))
            .set(comments::duplicate_group_id.eq(None::<i64>))
            .execute(conn)?;
        diesel::delete(duplicate_groups::table.filter(duplicate_groups::id.eq_any(chunk)))
            .execute(conn)
    })?;
    Ok(())
}

/// Drops every proposed (unconfirmed) group of a consultation.
pub fn clear_proposals(conn: &mut Conn, consultation: ConsultationId) -> QueryResult<usize> {
    let proposed = proposed_groups(consultation).select(duplicate_groups::id);
    diesel::update(
        comments::table
            .filter(comments::consultation_id.eq(consultation.0))
            .filter(comments::duplicate_group_id.eq_any(proposed.nullable())),
    )
    .set(comments::duplicate_group_id.eq(None::<i64>))
    .execute(conn)?;
    diesel::delete(proposed_groups(consultation)).execute(conn)
}

/// How the members' stored answers are spread over dispositions (members without an answer
/// are not counted): more than one entry means the answers clash.
pub fn answer_dispositions(
    conn: &mut Conn,
    group: crate::domain::GroupId,
) -> QueryResult<Vec<(crate::domain::Disposition, i64)>> {
    use crate::db::schema::responses;
    comments::table
        .inner_join(responses::table)
        .filter(comments::duplicate_group_id.eq(group))
        .group_by(responses::disposition)
        .select((responses::disposition, diesel::dsl::count_star()))
        .order(responses::disposition)
        .load(conn)
}

/// How many comments a group holds.
pub fn size(conn: &mut Conn, group: crate::domain::GroupId) -> QueryResult<i64> {
    comments::table
        .filter(comments::duplicate_group_id.eq(group))
        .count()
        .get_result(conn)
}

/// The comments with every other member of the confirmed groups they belong to: a confirmed
/// group moves whole (into or out of a 論点). Sorted, without repeats.
pub fn with_confirmed_groups(conn: &mut Conn, ids: &[CommentId]) -> QueryResult<Vec<CommentId>> {
    let raw: Vec<i64> = ids.iter().map(|c| c.0).collect();
    let groups: Vec<i64> = crate::db::in_chunks(&raw, |chunk| {
        comments::table
            .inner_join(
                duplicate_groups::table.on(duplicate_groups::id
                    .nullable()
                    .eq(comments::duplicate_group_id)),
            )
            .filter(comments::id.eq_any(chunk))
            .filter(duplicate_groups::status.eq(GroupStatus::Confirmed.code()))
            .select(duplicate_groups::id)
            .distinct()
            .load::<i64>(conn)
    })?
    .into_iter()
    .flatten()
    .collect();
    let mut all = raw;
    let members = crate::db::in_chunks(&groups, |chunk| {
        comments::table
            .filter(comments::duplicate_group_id.assume_not_null().eq_any(chunk))
            .select(comments::id)
            .load::<i64>(conn)
    })?;
    all.extend(members.into_iter().flatten());
    all.sort_unstable();
    all.dedup();
    Ok(all.into_iter().map(CommentId).collect())
}

/// The group's members, by No.
pub fn members(conn: &mut Conn, group: crate::domain::GroupId) -> QueryResult<Vec<CommentId>> {
    comments::table
        .filter(comments::duplicate_group_id.eq(group.0))
        .order((comments::number, comments::part))
        .select(comments::id)
        .load::<i64>(conn)
        .map(|v| v.into_iter().map(CommentId).collect())
}
