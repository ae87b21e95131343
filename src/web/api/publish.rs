//! `/api/v1/consultations/{slug}/check` and `…/exports/{document}`: the pre-publication check
//! and the published files.

use super::*;

/// GET /api/v1/consultations/{slug}/check
pub async fn run_check(state: Data<AppState>, id: Identity, slug: Path<String>) -> ApiResult {
    let problems = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, _id, c| Ok(check::run(&mut conn, c.id(), &c.slug)?),
        )
        .await?;
    Ok(HttpResponse::Ok().json(json!({"ok": problems.is_empty(), "problems": problems})))
}

#[derive(Deserialize)]
pub struct ExportQuery {
    format: Option<Format>,
    layout: Option<String>,
    order: Option<results::Order>,
    duplicates: Option<results::DuplicateRows>,
    #[serde(rename = "final")]
    final_version: Option<bool>,
}

/// GET /api/v1/consultations/{slug}/exports/{document}
pub async fn export_file(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, Document)>,
    q: Query<ExportQuery>,
) -> ApiResult {
    let (slug, document) = path.into_inner();
    let layout: results::Layout = q
        .layout
        .as_deref()
        .unwrap_or("mhlw")
        .parse()
        .map_err(AppError::BadRequest)?;
    let req = Request {
        document,
        format: q.format.unwrap_or(Format::Xlsx),
        layout,
        options: results::ResultOptions {
            order: q.order.unwrap_or_default(),
            duplicates: q.duplicates.unwrap_or_default(),
            final_version: q.final_version.unwrap_or(false),
        },
    };
    let r = state.in_consultation(&id, slug.to_string(), Permission::Publish, move |mut conn, id, c| {
        Ok(match export::export_for(&mut conn, &Actor::of(&id.user), &c, &req, "api") {
            Ok(f) => {
                Reply::File { content_type: f.content_type, name: f.file_name, bytes: f.bytes }
            }
            Err(ExportError::Blocked(problems)) => Reply::Json(StatusCode::CONFLICT, json!({"error": "check_failed", "message": "公表前チェックに問題があります", "problems": problems})),
            Err(ExportError::Unsupported(m)) => return Err(AppError::BadRequest(m)),
            Err(ExportError::Database(e)) => return Err(e.into()),
            Err(ExportError::Other(e)) => return Err(e.into()),
        })
    })
    .await?;
    Ok(r.into_response())
}
