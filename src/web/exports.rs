//! Downloading the result table from the browser.

use super::identity::Identity;
use crate::auth::{accounts::Actor, Permission};
use crate::error::AppError;
use crate::models::audit;
use crate::publish::{results, writers};
use crate::startup::AppState;
use actix_web::web::{self, Data, Path, Query};
use actix_web::HttpResponse;

#[derive(serde::Deserialize)]
pub struct ExportParams {
    layout: Option<String>,
    format: Option<String>,
}

/// GET /c/{slug}/export?layout=mhlw|mic&format=xlsx|csv
pub async fn results(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    q: Query<ExportParams>,
) -> Result<HttpResponse, AppError> {
    let layout = match q.layout.as_deref().unwrap_or("mhlw") {
        "mhlw" => results::Layout::Mhlw,
        "mic" => results::Layout::Mic,
        other => {
            return Err(AppError::BadRequest(format!(
                "形式「{other}」はありません（mhlw, mic）"
            )))
        }
    };
    let format = match q.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => writers::OutputFormat::Xlsx,
        "csv" => writers::OutputFormat::Csv,
        other => {
            return Err(AppError::BadRequest(format!(
                "ファイル形式「{other}」はありません（xlsx, csv）"
            )))
        }
    };
    let pool = state.pool.clone();
    let slug = slug.into_inner();
    let (bytes, name) = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        let c = id.consultation(&mut conn, &slug, Permission::Publish)?;
        let table = results::build(&mut conn, c.id(), &c.title, layout)?;
        let bytes = match format {
            writers::OutputFormat::Csv => writers::csv_bytes(&table)?,
            writers::OutputFormat::Xlsx => writers::xlsx_bytes(&table)?,
        };
        let actor = Actor::of(&id.user);
        let mut e = actor.event("export", "result_table", None);
        e.consultation = Some(c.id());
        e.after = Some(serde_json::json!({"rows": table.rows.len(), "layout": format!("{layout:?}"), "format": format!("{format:?}")}));
        audit::record(&mut conn, &e)?;
        let ext = if format == writers::OutputFormat::Csv { "csv" } else { "xlsx" };
        Ok((bytes, format!("{slug}-results-{}.{ext}", format!("{layout:?}").to_lowercase())))
    })
    .await??;
    let content_type = if name.ends_with(".csv") {
        "text/csv; charset=utf-8"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes))
}
