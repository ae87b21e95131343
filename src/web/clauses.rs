//! The draft as a tree of clauses with where comments concentrate, and one clause's page.

use super::identity::Identity;
use super::layout;
use super::state::AppState;
use crate::auth::Permission;
use crate::domain::ClauseId;
use crate::drafting::diff;
use crate::error::AppError;
use crate::models::{clause, comment, consultation, revision};
use crate::text::excerpt;
use actix_web::web::{Data, Path};
use maud::{html, Markup};
use std::collections::HashMap;

struct Tree {
    consultation: consultation::Consultation,
    clauses: Vec<clause::Clause>,
    direct: HashMap<i64, i64>,
    total: HashMap<ClauseId, i64>,
}

/// GET /c/{slug}/clauses
pub async fn tree(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
) -> Result<Markup, AppError> {
    let t = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, _who, c| {
                let clauses = clause::all(&mut conn, c.id())?;
                let direct = clause::comment_counts(&mut conn, c.id())?;
                // Each clause's count includes its descendants': walk up from every tagged clause.
                let parents: HashMap<ClauseId, Option<ClauseId>> =
                    clauses.iter().map(|c| (c.id, c.parent_id)).collect();
                let mut total: HashMap<ClauseId, i64> = HashMap::new();
                for (&cid, &n) in &direct {
                    let mut at = Some(ClauseId(cid));
                    while let Some(x) = at {
                        *total.entry(x).or_default() += n;
                        at = parents.get(&x).copied().flatten();
                    }
                }
                Ok(Tree {
                    consultation: c,
                    clauses,
                    direct,
                    total,
                })
            },
        )
        .await?;
    let max = t.total.values().copied().max().unwrap_or(1).max(1);
    Ok(layout::page(
        "原案の項番",
        (&id).into(),
        html! {
            p { a href={ "/c/" (t.consultation.slug) } { "← " (t.consultation.title) } }
            h1 { "原案の項番と意見の数" }
            @if t.clauses.is_empty() {
                p.empty { "項番がまだありません。" code { "pubcom import clauses 原案.md --consultation " (t.consultation.slug) } " で原案の本文から作れます。" }
            } @else {
                p.summary { "数字はその項番と配下の項番に付いた意見の数（括弧内はその項番だけの数）。" }
                ul.tree #clause-tree {
                    @for c in &t.clauses {
                        @let n = t.total.get(&c.id).copied().unwrap_or(0);
                        li style={ "margin-left:" ((c.depth - 1) * 18) "px" } {
                            span.count { (n) }
                            @if n > 0 { span.bar style={ "width:" (n * 120 / max) "px" } {} }
                            " " a href={ "/c/" (t.consultation.slug) "/clauses/" (c.id) } { (c.label) } " " (c.heading)
                            @if let Some(d) = t.direct.get(&c.id.0) { @if *d != n { span.muted { "（" (d) "）" } } }
                        }
                    }
                }
            }
        },
    ))
}

struct ClausePage {
    consultation: consultation::Consultation,
    clause: clause::Clause,
    path: Vec<clause::Clause>,
    comments: Vec<comment::Comment>,
    revisions: Vec<revision::Revision>,
}

/// GET /c/{slug}/clauses/{id}
pub async fn show(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i64)>,
) -> Result<Markup, AppError> {
    let (slug, clause_id) = path.into_inner();
    let p = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, _who, c| {
                let cl = clause::find(&mut conn, crate::domain::ClauseId(clause_id))?
                    .filter(|x| x.consultation_id == c.id)
                    .ok_or(AppError::NotFound)?;
                let all = clause::all(&mut conn, c.id())?;
                let mut path = Vec::new();
                let mut at = cl.parent_id;
                while let Some(pid) = at {
                    let Some(parent) = all.iter().find(|x| x.id == pid) else {
                        break;
                    };
                    path.insert(0, parent.clone());
                    at = parent.parent_id;
                }
                Ok(ClausePage {
                    comments: comment::tagged_with(&mut conn, c.id(), cl.id())?,
                    revisions: revision::for_clause(&mut conn, cl.id())?,
                    consultation: c,
                    clause: cl,
                    path,
                })
            },
        )
        .await?;
    let slug = &p.consultation.slug;
    Ok(layout::page(
        &p.clause.label,
        (&id).into(),
        html! {
            p { a href={ "/c/" (slug) "/clauses" } { "← 原案の項番" } @for a in &p.path { " › " a href={ "/c/" (slug) "/clauses/" (a.id) } { (a.label) } } }
            h1 { (p.clause.label) " " (p.clause.heading) }
            div.original #clause-body { (p.clause.body) }
            section.block {
                h2 { "この項番への意見（" (p.comments.len()) " 件）" }
                ul { @for c in &p.comments { li { a href={ "/c/" (slug) "/comments/" (c.no()) } { "No. " (c.no()) } " " (excerpt(&c.body, 1, 80)) } } }
            }
            section.block {
                h2 { "この項番の修正内容" }
                @for r in &p.revisions {
                    @let segs = diff::segments(&r.original_text, &r.revised_text);
                    table.shinkyu { tbody { tr { td.old { (diff::old_side(&segs)) } td.new { (diff::new_side(&segs)) } td { (r.reason) } } } }
                }
                @if p.revisions.is_empty() { p.muted { "ありません。" } }
            }
        },
    ))
}
