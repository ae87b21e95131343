//! The list of consultations.

use crate::error::AppError;
use crate::models::{comment, consultation};
use crate::startup::AppState;
use actix_web::web::{self, Data};
use maud::{html, Markup};

/// GET /
pub async fn index(state: Data<AppState>) -> Result<Markup, AppError> {
    let pool = state.pool.clone();
    let rows = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        let all = consultation::all(&mut conn)?;
        all.into_iter()
            .map(|c| {
                let n = comment::count(&mut conn, c.id())?;
                Ok((c, n))
            })
            .collect::<Result<Vec<_>, AppError>>()
    })
    .await??;
    Ok(view(&rows))
}

fn view(rows: &[(consultation::Consultation, i64)]) -> Markup {
    super::layout::page(
        "意見募集（案件）の一覧",
        html! {
            h1 { "意見募集（案件）の一覧" }
            @if rows.is_empty() {
                p.empty { "案件はまだありません。" code { "pubcom import comments FILE --consultation 略称" } " で意見を取り込むと作成されます。" }
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
