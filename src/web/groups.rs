//! 同旨 groups: proposals to confirm or reject, members to remove, a new search on demand.

use super::identity::Identity;
use super::layout::{self, csrf_field};
use super::state::AppState;
use crate::auth::{accounts::Actor, Permission};
use crate::domain::{CommentId, CommentNo, GroupStatus};
use crate::drafting::diff;
use crate::error::AppError;
use crate::models::{comment, duplicate_group};
use crate::text::excerpt;
use crate::triage::grouping;
use actix_web::web::{self, Data, Form, Path};
use actix_web::HttpResponse;
use maud::{html, Markup};

#[derive(serde::Deserialize)]
pub struct GroupsQuery {
    page: Option<i64>,
}

/// A group as its page shows it.
struct Shown {
    group: duplicate_group::DuplicateGroup,
    size: i64,
    members: Vec<comment::Comment>,
    /// The text the others are compared with.
    representative: Option<comment::Comment>,
    /// The members' stored answers by disposition: more than one means they clash.
    answers: Vec<(crate::domain::Disposition, i64)>,
}

/// Groups per page, and members shown for each (the rest are in the list, filtered by group).
const GROUPS_PER_PAGE: i64 = 20;
const MEMBERS_SHOWN: i64 = 10;

/// GET /c/{slug}/groups
pub async fn index(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    q: web::Query<GroupsQuery>,
) -> Result<Markup, AppError> {
    let page_no = q.page.unwrap_or(1).max(1);
    let (c, groups, total, can_edit) = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, who, c| {
                let can_edit = who
                    .role_in(&mut conn, &c)?
                    .is_some_and(|r| r.allows(Permission::Triage));
                let (page, total) = duplicate_group::page(
                    &mut conn,
                    c.id(),
                    (page_no - 1) * GROUPS_PER_PAGE,
                    GROUPS_PER_PAGE,
                )?;
                let mut groups = Vec::new();
                for (g, size) in page {
                    let shown = duplicate_group::first_members(&mut conn, g.id, MEMBERS_SHOWN)?;
                    let representative = match g.representative_comment_id {
                        Some(r) => comment::find(&mut conn, r)?,
                        None => None,
                    }
                    .or_else(|| shown.first().cloned());
                    let answers = duplicate_group::answer_dispositions(&mut conn, g.id)?;
                    groups.push(Shown {
                        group: g,
                        size,
                        members: shown,
                        representative,
                        answers,
                    });
                }
                Ok((c, groups, total, can_edit))
            },
        )
        .await?;
    let slug = &c.slug;
    let pages = (total + GROUPS_PER_PAGE - 1) / GROUPS_PER_PAGE;
    let pager = html! {
        @if pages > 1 {
            p.pager {
                @if page_no > 1 { a href={ "/c/" (slug) "/groups?page=" (page_no - 1) } { "← 前へ" } " " }
                (page_no) " / " (pages) " ページ（" (total) " グループ）"
                @if page_no < pages { " " a href={ "/c/" (slug) "/groups?page=" (page_no + 1) } { "次へ →" } }
            }
        }
    };
    Ok(layout::page(
        "同旨の意見",
        (&id).into(),
        html! {
            p { a href={ "/c/" (slug) } { "← " (c.title) } }
            h1 { "同旨の意見" }
            @if can_edit {
                form.inline method="post" action={ "/c/" (slug) "/groups/propose" } { (csrf_field(&id)) button type="submit" { "同旨の意見を探す（提案を作り直す）" } }
            }
            @if groups.is_empty() { p.empty { "グループはありません。" } }
            (pager)
            @for Shown { group: g, size, members, representative, answers } in &groups {
                @let status = g.status;
                div.group id={ "group-" (g.id) } {
                    h2 { "グループ " (g.id) " " span.badge { (status.label()) } " " span.muted { (size) " 件" } " " a href={ "/c/" (slug) "?group=" (g.id) } { "一覧で見る" } }
                    @if answers.len() > 1 {
                        p.warning.clash role="alert" {
                            "⚠ このグループの意見には異なる回答があります（"
                            @for (i, (d, n)) in answers.iter().enumerate() { @if i > 0 { "・" } (d.label()) " " (n) " 件" }
                            "）。確定すると一つの回答にまとめることになります。確かめてから確定してください。"
                        }
                    }
                    @if let Some(r) = representative {
                        div.representative {
                            p.muted { "代表: " a href={ "/c/" (slug) "/comments/" (r.no()) } { "No. " (r.no()) } }
                            div.original { (r.body) }
                        }
                    }
                    ul.members { @for m in members { li {
                        a href={ "/c/" (slug) "/comments/" (m.no()) } { "No. " (m.no()) } " "
                        @match representative.as_ref().filter(|r| r.id != m.id) {
                            Some(r) if r.body == m.body => { span.muted { "代表と同文" } }
                            Some(r) => {
                                span.similarity { "一致 " (format!("{:.0}", diff::similarity(&r.body, &m.body) * 100.0)) "%" } " "
                                details { summary { (excerpt(&m.body, 1, 60)) } div.original.diff { (diff::inline(&diff::segments(&r.body, &m.body))) } }
                            }
                            None => { (excerpt(&m.body, 1, 90)) }
                        }
                        @if can_edit { " " form.inline method="post" action={ "/c/" (slug) "/groups/" (g.id) } { (csrf_field(&id)) input type="hidden" name="member" value=(m.no()); button.secondary type="submit" name="action" value="remove" { "外す" } } }
                    } } }
                    @if *size > members.len() as i64 {
                        p.muted { "ほか " (size - members.len() as i64) " 件は " a href={ "/c/" (slug) "?group=" (g.id) } { "一覧" } " で見られます（確定・却下はグループ全体に及びます）。" }
                    }
                    @if can_edit && status == GroupStatus::Confirmed {
                        form.inline method="post" action={ "/c/" (slug) "/groups/" (g.id) "/topic" } { (csrf_field(&id)) button.secondary type="submit" { "このグループを論点にする" } }
                    }
                    @if can_edit && status == GroupStatus::Proposed {
                        form.inline method="post" action={ "/c/" (slug) "/groups/" (g.id) } { (csrf_field(&id)) button type="submit" name="action" value="confirm" { "同旨として確定（" (size) " 件）" } }
                        " "
                        form.inline method="post" action={ "/c/" (slug) "/groups/" (g.id) } { (csrf_field(&id)) button.secondary type="submit" name="action" value="reject" { "同旨ではない" } }
                    }
                }
            }
            (pager)
        },
    ))
}

/// POST /c/{slug}/groups/propose
pub async fn propose(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let s = slug.clone();
    state
        .in_consultation(
            &id,
            s.to_string(),
            Permission::Triage,
            move |mut conn, id, c| {
                grouping::propose(&mut conn, &Actor::of(&id.user), c.id())?;
                Ok(())
            },
        )
        .await?;
    Ok(super::see_other(&format!("/c/{slug}/groups")))
}

#[derive(serde::Deserialize)]
pub struct Decision {
    action: String,
    member: Option<String>,
}

/// POST /c/{slug}/groups/{id}
pub async fn decide(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i64)>,
    form: Form<Decision>,
) -> Result<HttpResponse, AppError> {
    let (slug, group) = path.into_inner();
    let f = form.into_inner();
    let s = slug.clone();
    state
        .in_consultation(
            &id,
            s.to_string(),
            Permission::Triage,
            move |mut conn, id, c| {
                let member = match f.member.as_deref() {
                    Some(no) => {
                        let no: CommentNo = no
                            .parse()
                            .map_err(|_| AppError::BadRequest("No. を読めません".into()))?;
                        Some(
                            comment::find_by_no(&mut conn, c.id(), no)?
                                .ok_or(AppError::NotFound)?
                                .id(),
                        )
                    }
                    None => None::<CommentId>,
                };
                grouping::decide(
                    &mut conn,
                    &Actor::of(&id.user),
                    c.id(),
                    crate::domain::GroupId(group),
                    &f.action,
                    member,
                )
                .map_err(|e| AppError::BadRequest(e.to_string()))
            },
        )
        .await?;
    Ok(super::see_other(&format!("/c/{slug}/groups#group-{group}")))
}
