//! One digest mail per person: the comments newly assigned to them, answers sent back to
//! them, and their comments due tomorrow — never one mail per comment.

use super::compose;
use crate::db::schema::{assignments, comments, consultations, responses, users};
use crate::domain::{NotificationKind, ResponseState, UserId};
use crate::models::{notification, outbox, user, Conn};
use crate::text::excerpt;
use chrono::NaiveDate;
use diesel::prelude::*;
use std::collections::BTreeMap;

#[derive(Default)]
struct Items {
    assigned: Vec<String>,
    returned: Vec<String>,
    due: Vec<String>,
    notification_ids: Vec<i64>,
    assignment_ids: Vec<i64>,
}

/// (consultation slug, title, No., part, body) of a comment.
type Described = (String, String, i32, i32, String);

fn describe(conn: &mut Conn, comment_id: i64) -> QueryResult<Option<Described>> {
    comments::table
        .inner_join(consultations::table)
        .filter(comments::id.eq(comment_id))
        .select((
            consultations::slug,
            consultations::title,
            comments::number,
            comments::part,
            comments::body,
        ))
        .first(conn)
        .optional()
}

fn line(public_url: &str, d: &Described, note: Option<&str>) -> String {
    let no = crate::domain::CommentNo {
        number: d.2,
        part: d.3,
    };
    let mut s = format!(
        "  ・{} No. {no}: {}\n    {public_url}/c/{}/comments/{no}",
        d.1,
        excerpt(&d.4, 1, 40),
        d.0
    );
    if let Some(n) = note {
        s.push_str(&format!("\n    差戻しの理由: {n}"));
    }
    s
}

/// Queues the digests due now; `today` decides which comments are due tomorrow.
/// Returns how many mails were queued.
pub fn queue(
    conn: &mut crate::db::DbConnection,
    templates_dir: &std::path::Path,
    public_url: &str,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let mut by_user: BTreeMap<i64, Items> = BTreeMap::new();
    for n in notification::pending(conn)? {
        let Some(d) = describe(conn, n.comment_id.0)? else {
            continue;
        };
        let items = by_user.entry(n.user_id.0).or_default();
        match n.kind {
            NotificationKind::Returned => {
                items.returned.push(line(public_url, &d, n.note.as_deref()))
            }
            NotificationKind::Assigned => items.assigned.push(line(public_url, &d, None)),
        }
        items.notification_ids.push(n.id);
    }
    let tomorrow = today.succ_opt().unwrap_or(today);
    let due: Vec<(i64, i64, i64, Option<String>)> = assignments::table
        .left_join(responses::table.on(responses::comment_id.eq(assignments::comment_id)))
        .filter(assignments::due_on.eq(tomorrow))
        .filter(
            assignments::reminded_on
                .is_null()
                .or(assignments::reminded_on.ne(today)),
        )
        .select((
            assignments::id,
            assignments::drafter_id,
            assignments::comment_id,
            responses::state.nullable(),
        ))
        .load(conn)?;
    for (assignment_id, drafter, comment_id, state) in due {
        if state.as_deref() == Some(ResponseState::Approved.code()) {
            continue;
        }
        let Some(d) = describe(conn, comment_id)? else {
            continue;
        };
        let items = by_user.entry(drafter).or_default();
        items.due.push(line(public_url, &d, None));
        items.assignment_ids.push(assignment_id);
    }
    let mut queued = 0;
    for (user_id, items) in by_user {
        let Some(u) = user::find(conn, UserId(user_id))? else {
            continue;
        };
        if u.disabled {
            continue;
        }
        let mut text = String::new();
        for (title, list) in [
            ("新しく担当になった意見", &items.assigned),
            ("差し戻された回答", &items.returned),
            ("明日が期限の意見", &items.due),
        ] {
            if !list.is_empty() {
                text.push_str(&format!(
                    "■ {title}（{} 件）\n{}\n\n",
                    list.len(),
                    list.join("\n")
                ));
            }
        }
        let count = (items.assigned.len() + items.returned.len() + items.due.len()).to_string();
        let mail = compose::render(
            templates_dir,
            "digest",
            &[
                ("name", &u.display_name),
                ("count", &count),
                ("items", text.trim_end()),
            ],
        )?;
        crate::db::transaction::<_, anyhow::Error, _>(conn, |conn| {
            outbox::enqueue(conn, &u.email, &mail.subject, &mail.body)?;
            notification::mark_mailed(conn, &items.notification_ids)?;
            crate::db::in_chunks(&items.assignment_ids, |ids| {
                diesel::update(assignments::table.filter(assignments::id.eq_any(ids)))
                    .set(assignments::reminded_on.eq(today))
                    .execute(conn)
            })?;
            Ok(())
        })?;
        queued += 1;
    }
    let _ = users::table;
    Ok(queued)
}
