//! A consultation's comments: the filtered list and one comment's page.

use super::identity::Identity;
use super::layout::{self, csrf_field};
use crate::auth::Permission;
use crate::domain::Disposition;
use crate::error::AppError;
use crate::models::{category, comment, consultation};
use crate::startup::AppState;
use crate::text::excerpt;
use actix_web::web::{self, Data, Path, Query};
use maud::{html, Markup};

pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, serde::Deserialize)]
pub struct ListParams {
    page: Option<i64>,
    answered: Option<usize>,
    locked: Option<usize>,
    q: Option<String>,
    category: Option<String>,
}

impl ListParams {
    fn filter(&self) -> comment::CommentFilter {
        comment::CommentFilter {
            q: self.q.clone(),
            // A category that is not a number matches nothing rather than everything.
            category: self
                .category
                .as_deref()
                .filter(|c| !c.is_empty())
                .map(|c| c.parse().unwrap_or(-1)),
        }
    }

    /// The filters as a query string, for pager links.
    fn query(&self) -> String {
        format!(
            "q={}&category={}",
            super::guard::urlencode(self.q.as_deref().unwrap_or("")),
            super::guard::urlencode(self.category.as_deref().unwrap_or(""))
        )
    }
}

struct ListPage {
    consultation: consultation::Consultation,
    categories: Vec<category::Category>,
    rows: Vec<comment::CommentRow>,
    total: i64,
    page: i64,
    can_publish: bool,
    can_draft: bool,
}

/// GET /c/{slug}
pub async fn index(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    params: Query<ListParams>,
) -> Result<Markup, AppError> {
    let pool = state.pool.clone();
    let page = params.page.unwrap_or(1).max(1);
    let filter = params.filter();
    let who = id.clone();
    let data = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        let c = who.consultation(&mut conn, &slug, Permission::View)?;
        let role = who.role_in(&mut conn, &c)?;
        let can_publish = role.is_some_and(|r| r.allows(Permission::Publish));
        let can_draft = role.is_some_and(|r| r.allows(Permission::Draft));
        let total = comment::count_filtered(&mut conn, c.id(), &filter)?;
        let rows = comment::list(
            &mut conn,
            c.id(),
            &filter,
            (page - 1) * PAGE_SIZE,
            Some(PAGE_SIZE),
        )?;
        let categories = category::for_consultation(&mut conn, c.id())?;
        Ok(ListPage {
            consultation: c,
            categories,
            rows,
            total,
            page,
            can_publish,
            can_draft,
        })
    })
    .await??;
    Ok(list_view(&state, &id, &data, &params))
}

pub fn disposition_badge(code: &str) -> Markup {
    match code.parse::<Disposition>() {
        Ok(d) => html! { span class={ "badge " (d.code()) } { (d.label()) } },
        Err(_) => html! {},
    }
}

fn list_view(state: &AppState, id: &Identity, p: &ListPage, params: &ListParams) -> Markup {
    let pages = (p.total + PAGE_SIZE - 1) / PAGE_SIZE;
    let first = (p.page - 1) * PAGE_SIZE + 1;
    let last = (first + p.rows.len() as i64 - 1).max(0);
    let slug = &p.consultation.slug;
    let query = params.query();
    let pager = html! {
        nav.pager {
            @if p.page > 1 { a rel="prev" href={ "?" (query) "&page=" (p.page - 1) } { "← 前へ" } }
            span { (p.page) " / " (pages.max(1)) " ページ" }
            @if p.page < pages { a rel="next" href={ "?" (query) "&page=" (p.page + 1) } { "次へ →" } }
        }
    };
    let selected_category = params.category.as_deref().unwrap_or("");
    layout::page(
        &p.consultation.title,
        id.into(),
        html! {
            p { a href="/" { "← 案件の一覧" } }
            h1 { (p.consultation.title) }
            form.filters method="get" action={ "/c/" (slug) } {
                label { "本文を検索" input type="search" name="q" value=(params.q.as_deref().unwrap_or("")); }
                label { "分類" select name="category" {
                    option value="" { "（すべて）" }
                    @for c in &p.categories { option value=(c.id) selected[c.id.to_string() == selected_category] { (c.name) } }
                } }
                button type="submit" { "絞り込む" }
            }
            @if let Some(n) = params.answered { p.flash role="status" { (n) " 件に回答しました。" @if let Some(l) = params.locked { @if l > 0 { "確定済みの " (l) " 件はそのままです。" } } } }
            p { a href={ "/c/" (slug) "/clauses" } { "原案の項番と意見の数" } " · " a href={ "/c/" (slug) "/phrases" } { "定型文" } }
            p.summary { "意見 " (p.total) " 件" @if p.total > 0 { "（" (first) "〜" (last) " 件目を表示）" } }
            @if p.rows.is_empty() {
                p.empty { "該当する意見はありません。" }
            } @else {
                (pager)
                form #bulk method="post" action={ "/c/" (slug) "/answers/bulk" } {
                    @if p.can_draft { (csrf_field(id)) }
                    table.list #comments {
                        thead { tr { @if p.can_draft { th { "選択" } } th { "No." } th { "分類" } th { "編" } th { "章" } th { "頁" } th { "御意見" } th { "回答（考え方）" } } }
                        tbody {
                            @for r in &p.rows {
                                tr {
                                    @if p.can_draft { td { input type="checkbox" name="no" value=(r.comment.no()) aria-label={ "No. " (r.comment.no()) " を選択" }; } }
                                    td.num { a href={ "/c/" (slug) "/comments/" (r.comment.no()) } { (r.comment.no()) } }
                                    td { (r.category.as_deref().unwrap_or("")) }
                                    td { (r.comment.volume.as_deref().unwrap_or("—")) }
                                    td { (r.comment.chapter.as_deref().unwrap_or("—")) }
                                    td.num { (r.comment.page.as_deref().unwrap_or("—")) }
                                    td.text { (excerpt(&r.comment.body, 3, 80)) }
                                    td.answer {
                                        @if let Some(d) = &r.disposition { (disposition_badge(d)) " " }
                                        @if let Some(st) = r.state.as_deref().and_then(|s| s.parse::<crate::domain::ResponseState>().ok()) { span.muted { "［" (st.label()) "］" } " " }
                                        (excerpt(r.answer.as_deref().unwrap_or(""), 3, 60))
                                    }
                                }
                            }
                        }
                    }
                    @if p.can_draft {
                        fieldset.bulk {
                            legend { "選んだ意見にまとめて回答" }
                            label { "対応区分" select name="disposition" { option value="" { "（定型文に合わせる）" } @for d in Disposition::ALL { option value=(d.code()) { (d.label()) } } } }
                            label { "定型文" select name="phrase" { option value="" { "（使わない）" } @for (i, (d, t)) in state.phrases.phrases.iter().enumerate() { option value={ "t" (i) } { "［" (d.label()) "］" (t) } } } }
                            label { "回答（定型文を使わないとき）" textarea name="body" rows="2" cols="50" {} }
                            button type="submit" { "まとめて回答する" }
                        }
                    }
                }
                (pager)
            }
            @if p.can_publish {
                section.block {
                    h2 { "書き出しと設定" }
                    p {
                        "意見募集の結果: "
                        a href={ "/c/" (slug) "/export?layout=mhlw&format=xlsx" } { "厚労省形式 XLSX" } " / "
                        a href={ "/c/" (slug) "/export?layout=mhlw&format=csv" } { "厚労省形式 CSV" } " / "
                        a href={ "/c/" (slug) "/export?layout=mic&format=xlsx" } { "総務省形式 XLSX" } " / "
                        a href={ "/c/" (slug) "/export?layout=mic&format=csv" } { "総務省形式 CSV" }
                    }
                    form.filters method="post" action={ "/c/" (slug) "/title" } {
                        (csrf_field(id))
                        label { "案件の題名" input type="text" name="title" value=(p.consultation.title) size="60" required; }
                        button type="submit" { "題名を変更" }
                    }
                }
            }
        },
    )
}
