//! `/api/v1/consultations`: the consultations the caller can see.

use super::*;

#[derive(Serialize)]
pub struct ConsultationJson {
    slug: String,
    title: String,
    comments: i64,
}

/// GET /api/v1/consultations
pub async fn consultations(
    state: Data<AppState>,
    id: Identity,
) -> Result<Json<Vec<ConsultationJson>>, ApiError> {
    let list = state
        .blocking(move |mut conn| {
            id.visible_consultations(&mut conn)?
                .into_iter()
                .map(|c| {
                    Ok(ConsultationJson {
                        comments: comment::count(&mut conn, c.id())?,
                        slug: c.slug,
                        title: c.title,
                    })
                })
                .collect::<Result<Vec<_>, AppError>>()
        })
        .await?;
    Ok(Json(list))
}
