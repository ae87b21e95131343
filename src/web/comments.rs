//! A consultation's comments, a page at a time.

use crate::domain::Disposition;
use crate::error::AppError;
use crate::models::{comment, consultation};
use crate::startup::AppState;
use crate::text::excerpt;
use actix_web::web::{self, Data, Path, Query};
use maud::{html, Markup};

pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, serde::Deserialize)]
pub struct ListParams {
    page: Option<i64>,
}

struct ListPage {
    consultation: consultation::Consultation,
    rows: Vec<comment::CommentRow>,
    total: i64,
    page: i64,
}

/// GET /c/{slug}
pub async fn index(
    state: Data<AppState>,
    slug: Path<String>,
    params: Query<ListParams>,
) -> Result<Markup, AppError> {
    let pool = state.pool.clone();
    let page = params.page.unwrap_or(1).max(1);
    let data = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        let c = consultation::find_by_slug(&mut conn, &slug)?.ok_or(AppError::NotFound)?;
        let total = comment::count(&mut conn, c.id())?;
        let rows = comment::list(&mut conn, c.id(), (page - 1) * PAGE_SIZE, Some(PAGE_SIZE))?;
        Ok(ListPage {
            consultation: c,
            rows,
            total,
            page,
        })
    })
    .await??;
    Ok(view(&data))
}

fn disposition_badge(code: &str) -> Markup {
    match code.parse::<Disposition>() {
        Ok(d) => html! { span class={ "badge " (d.code()) } { (d.label()) } },
        Err(_) => html! {},
    }
}

fn view(p: &ListPage) -> Markup {
    let pages = (p.total + PAGE_SIZE - 1) / PAGE_SIZE;
    let first = (p.page - 1) * PAGE_SIZE + 1;
    let last = (first + p.rows.len() as i64 - 1).max(0);
    let pager = html! {
        nav.pager {
            @if p.page > 1 { a rel="prev" href={ "?page=" (p.page - 1) } { "← 前へ" } }
            span { (p.page) " / " (pages.max(1)) " ページ" }
            @if p.page < pages { a rel="next" href={ "?page=" (p.page + 1) } { "次へ →" } }
        }
    };
    super::layout::page(
        &p.consultation.title,
        html! {
            p { a href="/" { "← 案件の一覧" } }
            h1 { (p.consultation.title) }
            p.summary { "意見 " (p.total) " 件" @if p.total > 0 { "（" (first) "〜" (last) " 件目を表示）" } }
            @if p.rows.is_empty() {
                p.empty { "この案件にはまだ意見がありません。" }
            } @else {
                (pager)
                table.list #comments {
                    thead { tr { th { "No." } th { "分類" } th { "編" } th { "章" } th { "頁" } th { "御意見" } th { "回答（考え方）" } } }
                    tbody {
                        @for r in &p.rows {
                            tr {
                                td.num { (r.comment.no()) }
                                td { (r.category.as_deref().unwrap_or("")) }
                                td { (r.comment.volume.as_deref().unwrap_or("—")) }
                                td { (r.comment.chapter.as_deref().unwrap_or("—")) }
                                td.num { (r.comment.page.as_deref().unwrap_or("—")) }
                                td.text { (excerpt(&r.comment.body, 3, 80)) }
                                td.answer {
                                    @if let Some(d) = &r.disposition { (disposition_badge(d)) " " }
                                    (excerpt(r.answer.as_deref().unwrap_or(""), 3, 60))
                                }
                            }
                        }
                    }
                }
                (pager)
            }
        },
    )
}
