//! 定型文: the shared ones from templates/ and a consultation's own, which drafters edit here.

use super::identity::Identity;
use super::layout::{self, csrf_field};
use super::state::AppState;
use crate::auth::{accounts::Actor, Permission};
use crate::domain::Disposition;
use crate::drafting::stock_phrases;
use crate::error::AppError;
use crate::models::stock_phrase;
use actix_web::web::{Data, Form, Path};
use actix_web::HttpResponse;
use maud::{html, Markup};

/// GET /c/{slug}/phrases
pub async fn index(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
) -> Result<Markup, AppError> {
    let (c, own, can_edit) = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, who, c| {
                let can_edit = who
                    .role_in(&mut conn, &c)?
                    .is_some_and(|r| r.allows(Permission::Draft));
                Ok((
                    c.clone(),
                    stock_phrase::for_consultation(&mut conn, c.id())?,
                    can_edit,
                ))
            },
        )
        .await?;
    Ok(layout::page(
        "定型文",
        (&id).into(),
        html! {
            p { a href={ "/c/" (c.slug) } { "← " (c.title) } }
            h1 { "定型文" }
            h2 { "共通（templates/stock_phrases.toml）" }
            table.list { tbody { @for (d, t) in &state.phrases.phrases { tr { td { (d.label()) } td { (t) } } } } }
            h2 { "この案件の定型文" }
            table.list #consultation-phrases { tbody {
                @for p in &own { tr {
                    td { (p.disposition.label()) } td { (p.body) }
                    td { @if can_edit { form.inline method="post" action={ "/c/" (c.slug) "/phrases/" (p.id) "/delete" } { (csrf_field(&id)) button.secondary type="submit" { "削除" } } } }
                } }
            } }
            @if can_edit {
                form.stack method="post" action={ "/c/" (c.slug) "/phrases" } {
                    (csrf_field(&id))
                    label { "対応区分" select name="disposition" { @for d in Disposition::ALL { option value=(d.code()) { (d.label()) } } } }
                    label { "文" textarea name="body" rows="3" required {} }
                    button type="submit" { "定型文を追加" }
                }
            }
        },
    ))
}

#[derive(serde::Deserialize)]
pub struct PhraseData {
    disposition: String,
    body: String,
}

/// POST /c/{slug}/phrases
pub async fn add(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    form: Form<PhraseData>,
) -> Result<HttpResponse, AppError> {
    let d: Disposition = form
        .disposition
        .parse()
        .map_err(|e: crate::domain::UnknownValue| AppError::BadRequest(e.to_string()))?;
    let body = form.body.clone();
    let slug = slug.into_inner();
    let s = slug.clone();
    state
        .in_consultation(
            &id,
            s.to_string(),
            Permission::Draft,
            move |mut conn, id, c| {
                stock_phrases::add(&mut conn, &Actor::of(&id.user), c.id(), d, &body)?;
                Ok(())
            },
        )
        .await?;
    Ok(super::see_other(&format!("/c/{slug}/phrases")))
}

/// POST /c/{slug}/phrases/{id}/delete
pub async fn delete(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (slug, pid) = path.into_inner();
    let s = slug.clone();
    state
        .in_consultation(
            &id,
            s.to_string(),
            Permission::Draft,
            move |mut conn, id, c| {
                if !stock_phrases::remove(&mut conn, &Actor::of(&id.user), c.id(), pid)? {
                    return Err(AppError::NotFound);
                }
                Ok(())
            },
        )
        .await?;
    Ok(super::see_other(&format!("/c/{slug}/phrases")))
}
