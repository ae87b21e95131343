//! Routing rules (clause prefix and/or category → drafter) and applying them.

use super::identity::Identity;
use super::layout::{self, csrf_field};
use super::state::AppState;
use crate::auth::{accounts::Actor, Permission};
use crate::domain::{CategoryId, UserId};
use crate::error::AppError;
use crate::models::{category, membership, routing_rule};
use crate::triage::routing;
use actix_web::web::{Data, Form, Path, Query};
use actix_web::HttpResponse;
use maud::{html, Markup};

#[derive(serde::Deserialize)]
pub struct Done {
    routed: Option<usize>,
    /// Why the rule just posted was not added, shown on the form (never read from the URL).
    #[serde(skip)]
    error: Option<String>,
}

/// GET /c/{slug}/routing
pub async fn index(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    q: Query<Done>,
) -> Result<Markup, AppError> {
    page(&state, &id, slug.into_inner(), &q).await
}

async fn page(state: &AppState, id: &Identity, slug: String, q: &Done) -> Result<Markup, AppError> {
    let (c, rules, drafters, categories, can_edit) = state
        .in_consultation(id, slug, Permission::View, move |mut conn, who, c| {
            let can_edit = who
                .role_in(&mut conn, &c)?
                .is_some_and(|r| r.allows(Permission::Assign));
            Ok((
                c.clone(),
                routing_rule::for_consultation(&mut conn, c.id())?,
                membership::drafters(&mut conn, c.id())?,
                category::for_consultation(&mut conn, c.id())?,
                can_edit,
            ))
        })
        .await?;
    let slug = &c.slug;
    let name_of = |uid: i64| {
        drafters
            .iter()
            .find(|(i, _)| *i == uid)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| format!("#{uid}"))
    };
    let category_of = |cid: Option<CategoryId>| {
        cid.and_then(|i| categories.iter().find(|k| k.id == i))
            .map(|k| k.name.clone())
            .unwrap_or_else(|| "（問わない）".into())
    };
    Ok(layout::page(
        "振り分け",
        id.into(),
        html! {
            p { a href={ "/c/" (slug) } { "← " (c.title) } }
            h1 { "振り分けの規則" }
            @if let Some(n) = q.routed { p.flash role="status" { "規則に従って " (n) " 件を割り当てました。" } }
            @if let Some(why) = &q.error { p.error #rule-error role="alert" { "規則を追加できませんでした: " (why) } }
            p.summary { "上から順に調べ、最初に当てはまった規則の担当者に割り当てます。割当済みの意見は変えません。" }
            table.list #rules {
                thead { tr { th { "順" } th { "項番（前方一致）" } th { "分類" } th { "担当者" } th {} } }
                tbody { @for (i, r) in rules.iter().enumerate() { tr {
                    td.num { (i + 1) } td { (r.clause_prefix.as_deref().unwrap_or("（問わない）")) } td { (category_of(r.category_id)) } td { (name_of(r.drafter_id.0)) }
                    td { @if can_edit { form.inline method="post" action={ "/c/" (slug) "/routing/" (r.id) "/delete" } { (csrf_field(id)) button.secondary type="submit" { "削除" } } } }
                } } }
            }
            @if can_edit {
                form.filters method="post" action={ "/c/" (slug) "/routing" } {
                    (csrf_field(id))
                    label { "項番（例: 3.2）" input type="text" name="clause_prefix" size="12"; }
                    label { "分類" select name="category" { option value="" { "（問わない）" } @for k in &categories { option value=(k.id) { (k.name) } } } }
                    label { "担当者" select name="drafter" { @for (i, n) in &drafters { option value=(i) { (n) } } } }
                    button type="submit" { "規則を追加" }
                }
                form.filters method="post" action={ "/c/" (slug) "/routing/apply" } {
                    (csrf_field(id))
                    label { "期限（任意）" input type="date" name="due_on"; }
                    button type="submit" { "未割当の意見に規則を適用" }
                }
            }
        },
    ))
}

#[derive(serde::Deserialize)]
pub struct RuleForm {
    clause_prefix: String,
    category: String,
    drafter: i64,
}

/// POST /c/{slug}/routing
pub async fn add(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    form: Form<RuleForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.into_inner();
    let slug = slug.into_inner();
    let s = slug.clone();
    let added = state
        .in_consultation(
            &id,
            s.to_string(),
            Permission::Assign,
            move |mut conn, id, c| {
                let prefix = Some(f.clause_prefix.trim()).filter(|p| !p.is_empty());
                let category = f.category.trim().parse::<i64>().ok().map(CategoryId);
                super::require_drafter(&mut conn, c.id(), f.drafter)?;
                routing::add_rule(
                    &mut conn,
                    &Actor::of(&id.user),
                    c.id(),
                    prefix,
                    category,
                    UserId(f.drafter),
                )?;
                Ok(())
            },
        )
        .await;
    // A refused rule is explained on the form, not on a bare error page.
    match added {
        Ok(()) => Ok(super::see_other(&format!("/c/{slug}/routing"))),
        Err(AppError::BadRequest(why)) => {
            let done = Done {
                routed: None,
                error: Some(why),
            };
            let body = page(&state, &id, slug, &done).await?;
            Ok(HttpResponse::BadRequest()
                .content_type("text/html; charset=utf-8")
                .body(body.into_string()))
        }
        Err(e) => Err(e),
    }
}

/// POST /c/{slug}/routing/{id}/delete
pub async fn delete(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (slug, rid) = path.into_inner();
    let s = slug.clone();
    state
        .in_consultation(
            &id,
            s.to_string(),
            Permission::Assign,
            move |mut conn, id, c| {
                if !routing::delete_rule(&mut conn, &Actor::of(&id.user), c.id(), rid)? {
                    return Err(AppError::NotFound);
                }
                Ok(())
            },
        )
        .await?;
    Ok(super::see_other(&format!("/c/{slug}/routing")))
}

#[derive(serde::Deserialize)]
pub struct ApplyForm {
    due_on: Option<String>,
}

/// POST /c/{slug}/routing/apply
pub async fn apply(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    form: Form<ApplyForm>,
) -> Result<HttpResponse, AppError> {
    let due = super::parse_due(form.due_on.as_deref())?;
    let slug = slug.into_inner();
    let s = slug.clone();
    let n = state
        .in_consultation(
            &id,
            s.to_string(),
            Permission::Assign,
            move |mut conn, id, c| {
                let rules = routing_rule::for_consultation(&mut conn, c.id())?;
                Ok(routing::apply(
                    &mut conn,
                    &Actor::of(&id.user),
                    c.id(),
                    &rules,
                    due,
                )?)
            },
        )
        .await?;
    Ok(super::see_other(&format!("/c/{slug}/routing?routed={n}")))
}
