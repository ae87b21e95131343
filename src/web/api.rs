//! The JSON API (`/api/v1/…`), authenticated by API tokens (or a browser session).
//! Submitters' names and contact details appear only for holders of the personal-data permission.

use super::identity::Identity;
use super::state::AppState;
use crate::auth::Permission;
use crate::domain::{Disposition, ResponseState};
use crate::error::AppError;
use crate::models::{comment, submitter};
use crate::publish::anonymize;
use actix_web::web::{Data, Json, Path, Query};
use serde::Serialize;

/// Errors of the API as JSON: `{"error": "not_found", "message": "…"}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError(e.into())
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl actix_web::ResponseError for ApiError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        self.0.status_code()
    }

    fn error_response(&self) -> actix_web::HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = ?self.0, "API request failed");
        }
        let code = match status.as_u16() {
            400 => "bad_request",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not_found",
            409 => "conflict",
            503 => "busy",
            _ => "internal",
        };
        let message = if status.as_u16() == 503 {
            AppError::Busy.to_string()
        } else {
            self.0.to_string()
        };
        let mut response = actix_web::HttpResponse::build(status);
        if status.as_u16() == 503 {
            response.insert_header(("Retry-After", "5"));
        }
        response.json(serde_json::json!({"error": code, "message": message}))
    }
}

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
        .blocking(move |mut conn| -> Result<_, AppError> {
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

#[derive(serde::Deserialize)]
pub struct CommentQuery {
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Serialize)]
pub struct SubmitterJson {
    id: i64,
    kind: &'static str,
    public_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
}

#[derive(Serialize)]
pub struct CommentJson {
    no: String,
    category: Option<String>,
    volume: Option<String>,
    chapter: Option<String>,
    page: Option<String>,
    body: String,
    disposition: Option<&'static str>,
    answer: Option<String>,
    state: Option<&'static str>,
    submitter: Option<SubmitterJson>,
}

#[derive(Serialize)]
pub struct CommentPage {
    total: i64,
    page: i64,
    per_page: i64,
    comments: Vec<CommentJson>,
}

/// GET /api/v1/consultations/{slug}/comments
pub async fn comments(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    q: Query<CommentQuery>,
    filters: Query<super::comments::ListParams>,
) -> Result<Json<CommentPage>, ApiError> {
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(100).clamp(1, 1000);
    let filter = filters.filter();
    let result = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, id, c| -> Result<_, AppError> {
                let total = comment::count_filtered(&mut conn, c.id(), &filter)?;
                let rows = comment::list(
                    &mut conn,
                    c.id(),
                    &filter,
                    (page - 1) * per_page,
                    Some(per_page),
                )?;
                let all = submitter::for_consultation(&mut conn, c.id())?;
                let names = anonymize::public_names(
                    all.iter().map(|s| (s.id.0, s.kind(), s.name.as_str())),
                );
                let personal = id.can_view_personal();
                let comments = rows
                    .into_iter()
                    .map(|r| {
                        let submitter = r.submitter.map(|s| {
                            let kind = s.kind;
                            let full = all.iter().find(|x| x.id == s.id);
                            SubmitterJson {
                                id: s.id.0,
                                kind: kind.code(),
                                public_name: names.get(&s.id.0).cloned().unwrap_or_default(),
                                name: personal.then(|| s.name.clone()),
                                email: if personal {
                                    full.and_then(|f| f.email.clone())
                                } else {
                                    None
                                },
                            }
                        });
                        CommentJson {
                            no: r.comment.no().to_string(),
                            category: r.category,
                            volume: r.comment.volume,
                            chapter: r.comment.chapter,
                            page: r.comment.page,
                            body: r.comment.body,
                            disposition: r.disposition.map(Disposition::code),
                            answer: r.answer,
                            state: r.state.map(ResponseState::code),
                            submitter,
                        }
                    })
                    .collect();
                Ok(CommentPage {
                    total,
                    page,
                    per_page,
                    comments,
                })
            },
        )
        .await?;
    Ok(Json(result))
}
