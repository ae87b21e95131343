//! A consultation's comments: the filtered list and one comment's page.

use super::identity::Identity;
use super::layout::{self, csrf_field};
use crate::auth::Permission;
use crate::domain::{CommentId, CommentNo, Disposition, SubmissionId, SubmitterKind};
use crate::error::AppError;
use crate::models::{category, clause_ref, comment, consultation, response, submitter};
use crate::publish::anonymize;
use crate::startup::AppState;
use crate::text::excerpt;
use actix_web::web::{self, Data, Path, Query};
use maud::{html, Markup};

pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, serde::Deserialize)]
pub struct ListParams {
    page: Option<i64>,
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
        let can_publish = who
            .role_in(&mut conn, &c)?
            .is_some_and(|r| r.allows(Permission::Publish));
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
        })
    })
    .await??;
    Ok(list_view(&id, &data, &params))
}

fn disposition_badge(code: &str) -> Markup {
    match code.parse::<Disposition>() {
        Ok(d) => html! { span class={ "badge " (d.code()) } { (d.label()) } },
        Err(_) => html! {},
    }
}

fn list_view(id: &Identity, p: &ListPage, params: &ListParams) -> Markup {
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
            p.summary { "意見 " (p.total) " 件" @if p.total > 0 { "（" (first) "〜" (last) " 件目を表示）" } }
            @if p.rows.is_empty() {
                p.empty { "該当する意見はありません。" }
            } @else {
                (pager)
                table.list #comments {
                    thead { tr { th { "No." } th { "分類" } th { "編" } th { "章" } th { "頁" } th { "御意見" } th { "回答（考え方）" } } }
                    tbody {
                        @for r in &p.rows {
                            tr {
                                td.num { a href={ "/c/" (slug) "/comments/" (r.comment.no()) } { (r.comment.no()) } }
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

struct DetailPage {
    consultation: consultation::Consultation,
    comment: comment::Comment,
    category: Option<String>,
    siblings: Vec<comment::Comment>,
    submitter: Option<(submitter::Submitter, String)>,
    refs: Vec<clause_ref::StoredClauseRef>,
    response: Option<response::Response>,
}

/// GET /c/{slug}/comments/{no}
pub async fn show(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
) -> Result<Markup, AppError> {
    let (slug, no) = path.into_inner();
    let no: CommentNo = no.parse().map_err(|_| AppError::NotFound)?;
    let pool = state.pool.clone();
    let who = id.clone();
    let data = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        let c = who.consultation(&mut conn, &slug, Permission::View)?;
        let cm = comment::find_by_no(&mut conn, c.id(), no)?.ok_or(AppError::NotFound)?;
        let category = match cm.category_id {
            Some(cat) => category::for_consultation(&mut conn, c.id())?
                .into_iter()
                .find(|x| x.id == cat)
                .map(|x| x.name),
            None => None,
        };
        let submission = SubmissionId(cm.submission_id);
        let submitter = match submitter::of_submission(&mut conn, submission)? {
            Some(s) => {
                let all = submitter::for_consultation(&mut conn, c.id())?;
                let names =
                    anonymize::public_names(all.iter().map(|s| (s.id, s.kind(), s.name.as_str())));
                let public = names.get(&s.id).cloned().unwrap_or_default();
                Some((s, public))
            }
            None => None,
        };
        Ok(DetailPage {
            siblings: comment::of_submission(&mut conn, submission)?,
            refs: clause_ref::for_comment(&mut conn, CommentId(cm.id))?,
            response: response::for_comment(&mut conn, CommentId(cm.id))?,
            consultation: c,
            comment: cm,
            category,
            submitter,
        })
    })
    .await??;
    Ok(detail_view(&id, &data))
}

fn detail_view(id: &Identity, d: &DetailPage) -> Markup {
    let slug = &d.consultation.slug;
    let c = &d.comment;
    layout::page(
        &format!("No. {}", c.no()),
        id.into(),
        html! {
            p { a href={ "/c/" (slug) } { "← " (d.consultation.title) } }
            h1 { "意見 No. " (c.no()) }
            dl.fields {
                dt { "分類" } dd { (d.category.as_deref().unwrap_or("—")) }
                dt { "編・対象" } dd { (c.volume.as_deref().unwrap_or("—")) }
                dt { "章・該当箇所" } dd { (c.chapter.as_deref().unwrap_or("—")) }
                dt { "頁" } dd { (c.page.as_deref().unwrap_or("—")) }
                dt { "提出者" } dd { (submitter_view(id, d.submitter.as_ref())) }
                dt { "該当箇所（解析）" } dd {
                    @for r in &d.refs {
                        span.badge { @if let Some(p) = &r.clause_path { (p) @if let Some(x) = &r.detail { " " (x) } } @else if let (Some(a), Some(b)) = (r.page_from, r.page_to) { "P" (a) @if a != b { "-" (b) } } }
                        " "
                    }
                }
            }
            section.block {
                h2 { "御意見（提出されたとおり）" }
                div.original #comment-body { (c.body) }
            }
            section.block {
                h2 { "方針・コメント" }
                @match &d.response {
                    Some(r) => {
                        p { (disposition_badge(&r.disposition)) " " span.muted { (r.state.parse::<crate::domain::ResponseState>().map(|s| s.label()).unwrap_or("")) " · 版 " (r.version) } }
                        div.original { (r.body) }
                    }
                    None => p.muted { "まだ回答がありません。" }
                }
            }
            @if d.siblings.len() > 1 {
                section.block {
                    h2 { "同じ提出意見に含まれる意見" }
                    ul { @for s in &d.siblings { li { a href={ "/c/" (slug) "/comments/" (s.no()) } { "No. " (s.no()) } " " (excerpt(&s.body, 1, 60)) } } }
                }
            }
        },
    )
}

/// Individuals' names and all contact details only for users with the personal-data permission.
fn submitter_view(id: &Identity, s: Option<&(submitter::Submitter, String)>) -> Markup {
    let Some((s, public)) = s else {
        return html! { "—" };
    };
    if !id.can_view_personal() {
        return html! { (public) " " span.muted { "（" (s.kind().label()) "）" } };
    }
    html! {
        (s.name) " " span.muted { "（" (s.kind().label()) @if s.kind() == SubmitterKind::Individual { "・公表名 " (public) } "）" }
        @if let Some(e) = &s.email { br; (e) }
        @if let Some(p) = &s.phone { br; (p) }
        @if let Some(a) = &s.address { br; (a) }
    }
}
