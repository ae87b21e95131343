//! The list of consultations, and a consultation's settings.

use super::identity::Identity;
use super::state::AppState;
use crate::auth::{accounts::Actor, Permission};
use crate::error::AppError;
use crate::models::{comment, consultation};
use actix_web::web::{Data, Form, Path};
use actix_web::HttpResponse;
use maud::{html, Markup};

/// GET /
pub async fn index(state: Data<AppState>, id: Identity) -> Result<Markup, AppError> {
    let who = id.clone();
    let rows = state
        .blocking(move |mut conn| {
            who.visible_consultations(&mut conn)?
                .into_iter()
                .map(|c| {
                    let n = comment::count(&mut conn, c.id())?;
                    Ok((c, n))
                })
                .collect::<Result<Vec<_>, AppError>>()
        })
        .await?;
    Ok(view(&id, &rows))
}

#[derive(serde::Deserialize)]
pub struct TitleForm {
    title: String,
}

/// POST /c/{slug}/title
pub async fn set_title(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    form: Form<TitleForm>,
) -> Result<HttpResponse, AppError> {
    let title = form.title.clone();
    let slug = slug.into_inner();
    let s = slug.clone();
    state
        .in_consultation(
            &id,
            s.to_string(),
            Permission::Publish,
            move |mut conn, id, c| {
                crate::consultations::set_title(&mut conn, &Actor::of(&id.user), &c, &title)?;
                Ok(())
            },
        )
        .await?;
    Ok(super::see_other(&format!("/c/{slug}")))
}

fn view(id: &Identity, rows: &[(consultation::Consultation, i64)]) -> Markup {
    super::layout::page(
        "意見募集（案件）の一覧",
        id.into(),
        html! {
            h1 { "意見募集（案件）の一覧" }
            @if id.is_admin() { p { a href="/import" { "新しい案件を取り込む" } } }
            @if rows.is_empty() {
                p.empty { "表示できる案件はありません。" code { "pubcom import comments FILE --consultation 略称" } " で意見を取り込むと案件が作成されます。担当の案件は管理者が設定します。" }
            } @else {
                table.list {
                    thead { tr { th { "案件" } th { "略称" } th { "意見数" } th { "作成日" } } }
                    tbody {
                        @for (c, n) in rows {
                            tr {
                                td { a href={ "/c/" (c.slug) } { (c.title) } }
                                td { code { (c.slug) } }
                                td.num { (n) }
                                td { (c.created_at.format("%Y-%m-%d")) }
                            }
                        }
                    }
                }
            }
        },
    )
}
