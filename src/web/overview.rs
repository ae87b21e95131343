//! The consultation dashboard: where the work stands, by state, chapter, category,
//! disposition and drafter, with what is untagged, unassigned, unanswered and overdue.

use super::charts::bars;
use super::identity::Identity;
use super::layout;
use super::state::AppState;
use crate::auth::Permission;
use crate::domain::ClauseId;
use crate::domain::{Disposition, ResponseState};
use crate::error::AppError;
use crate::models::{category, clause, consultation, stats};
use actix_web::web::{Data, Path};
use maud::{html, Markup};
use std::collections::HashMap;

struct Dashboard {
    consultation: consultation::Consultation,
    total: i64,
    states: Vec<(String, i64)>,
    chapters: Vec<(String, i64)>,
    categories: Vec<(String, i64)>,
    dispositions: Vec<(String, i64)>,
    workload: Vec<stats::Workload>,
    untagged: i64,
    unassigned: i64,
    unanswered: i64,
    approved: i64,
    overdue: i64,
}

/// GET /c/{slug}/dashboard
pub async fn dashboard(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
) -> Result<Markup, AppError> {
    let d = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, _who, c| {
                let today = chrono::Utc::now().date_naive();
                let by_state = stats::by_state(&mut conn, c.id())?;
                let total: i64 = by_state.iter().map(|(_, n)| n).sum();
                let unanswered = by_state
                    .iter()
                    .find(|(s, _)| s.is_none())
                    .map_or(0, |(_, n)| *n);
                let approved = by_state
                    .iter()
                    .find(|(s, _)| s.as_deref() == Some("approved"))
                    .map_or(0, |(_, n)| *n);
                let states = by_state
                    .iter()
                    .map(|(s, n)| {
                        (
                            s.as_deref().map_or("回答なし".to_string(), |s| {
                                s.parse::<ResponseState>()
                                    .map(|x| x.label().to_string())
                                    .unwrap_or_else(|_| s.to_string())
                            }),
                            *n,
                        )
                    })
                    .collect();
                // Chapters: each comment's clause counted under its top-level ancestor.
                let clauses = clause::all(&mut conn, c.id())?;
                let parent: HashMap<ClauseId, Option<ClauseId>> =
                    clauses.iter().map(|x| (x.id, x.parent_id)).collect();
                let names: HashMap<ClauseId, String> = clauses
                    .iter()
                    .map(|x| (x.id, format!("{} {}", x.label, x.heading)))
                    .collect();
                let mut chapter_counts: Vec<(String, i64)> = Vec::new();
                let mut untagged = 0;
                for (cid, n) in stats::by_clause(&mut conn, c.id())? {
                    let Some(mut at) = cid.map(ClauseId) else {
                        untagged += n;
                        continue;
                    };
                    while let Some(Some(p)) = parent.get(&at) {
                        at = *p;
                    }
                    let name = names.get(&at).cloned().unwrap_or_default();
                    match chapter_counts.iter_mut().find(|(k, _)| *k == name) {
                        Some(e) => e.1 += n,
                        None => chapter_counts.push((name, n)),
                    }
                }
                if clauses.is_empty() {
                    // No catalog yet: the 章 cells as imported, largest first.
                    chapter_counts = stats::by_chapter_cell(&mut conn, c.id())?
                        .into_iter()
                        .take(15)
                        .map(|(k, n)| (k.unwrap_or_else(|| "（記載なし）".into()), n))
                        .collect();
                }
                let counts = category::counts(&mut conn, c.id())?;
                let categories = category::for_consultation(&mut conn, c.id())?
                    .into_iter()
                    .map(|k| (k.name, counts.get(&k.id.0).copied().unwrap_or(0)))
                    .collect();
                let dispositions = stats::by_disposition(&mut conn, c.id())?
                    .into_iter()
                    .map(|(d, n)| {
                        (
                            d.parse::<Disposition>()
                                .map(|x| x.label().to_string())
                                .unwrap_or(d),
                            n,
                        )
                    })
                    .collect();
                let workload = stats::workload(&mut conn, c.id(), today)?;
                let overdue = workload.iter().map(|w| w.overdue).sum();
                Ok(Dashboard {
                    unassigned: stats::unassigned(&mut conn, c.id())?,
                    consultation: c,
                    total,
                    states,
                    chapters: chapter_counts,
                    categories,
                    dispositions,
                    workload,
                    untagged,
                    unanswered,
                    approved,
                    overdue,
                })
            },
        )
        .await?;
    let slug = &d.consultation.slug;
    Ok(layout::page(
        "状況",
        (&id).into(),
        html! {
            p { a href={ "/c/" (slug) } { "← " (d.consultation.title) } }
            h1 { "状況" }
            div.tiles #tiles {
                a.tile href={ "/c/" (slug) } { span.n { (d.total) } span { "意見" } }
                a.tile href={ "/c/" (slug) "?untagged=clause" } { span.n #untagged { (d.untagged) } span { "項番なし" } }
                a.tile href={ "/c/" (slug) "?drafter=-1" } { span.n #unassigned { (d.unassigned) } span { "未割当" } }
                a.tile href={ "/c/" (slug) "?status=unanswered" } { span.n #unanswered { (d.unanswered) } span { "回答なし" } }
                a.tile href={ "/c/" (slug) "?status=approved" } { span.n #approved { (d.approved) } span { "確定" } }
                span.tile.alert { span.n #overdue { (d.overdue) } span { "期限切れ" } }
            }
            div.charts {
                (bars("状態", &d.states))
                (bars("章", &d.chapters))
                (bars("分類", &d.categories))
                (bars("対応区分", &d.dispositions))
                (bars("担当者（割当数）", &d.workload.iter().map(|w| (w.name.clone(), w.assigned)).collect::<Vec<_>>()))
            }
            h2 { "担当者ごとの作業量" }
            table.list #workload {
                thead { tr { th { "担当者" } th { "割当" } th { "回答済み" } th { "確定" } th { "期限切れ" } } }
                tbody { @for w in &d.workload { tr {
                    td { a href={ "/c/" (slug) "?drafter=" (w.user_id) } { (w.name) } }
                    td.num { (w.assigned) } td.num { (w.answered) } td.num { (w.approved) } td.num { (w.overdue) }
                } } }
            }
        },
    ))
}
