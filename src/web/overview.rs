//! The consultation dashboard: where the work stands, by state, chapter, category,
//! disposition and drafter, with what is untagged, unassigned, unanswered and overdue.

use super::charts::bars;
use super::identity::Identity;
use super::layout;
use super::state::AppState;
use crate::auth::Permission;
use crate::error::AppError;
use crate::models::stats;
use actix_web::web::{Data, Path};
use maud::{html, Markup};

/// GET /c/{slug}/dashboard
pub async fn dashboard(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
) -> Result<Markup, AppError> {
    let (c, d) = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, _, c| {
                let today = chrono::Utc::now().date_naive();
                Ok((c.clone(), stats::progress(&mut conn, c.id(), today)?))
            },
        )
        .await?;
    let slug = &c.slug;
    Ok(layout::page(
        "状況",
        (&id).into(),
        html! {
            p { a href={ "/c/" (slug) } { "← " (c.title) } }
            h1 { "状況" }
            div.tiles #tiles {
                a.tile href={ "/c/" (slug) } { span.n { (d.total) } span { "意見" } }
                a.tile href={ "/c/" (slug) "?untagged=clause" } { span.n #untagged { (d.untagged) } span { "項番なし" } }
                a.tile href={ "/c/" (slug) "?drafter=-1" } { span.n #unassigned { (d.unassigned) } span { "未割当" } }
                a.tile href={ "/c/" (slug) "?status=unanswered" } { span.n #unanswered { (d.unanswered) } span { "回答なし" } }
                a.tile href={ "/c/" (slug) "?status=approved" } { span.n #approved { (d.approved) } span { "確定" } }
                span.tile.alert { span.n #overdue { (d.overdue) } span { "期限切れ" } }
            }
            div.tiles #topic-tiles {
                a.tile href={ "/c/" (slug) "/topics" } { span.n #topics { (d.topics.topics) } span { "論点" } }
                a.tile href={ "/c/" (slug) "/topics" } { span.n #covered { (d.topics.covered) } span { "論点に含まれる意見" } }
                a.tile href={ "/c/" (slug) "/topics" } { span.n #topics-answered { (d.topics.answered) } span { "回答のある論点" } }
                a.tile href={ "/c/" (slug) "/topics" } { span.n #topics-approved { (d.topics.approved) } span { "確定した論点" } }
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
