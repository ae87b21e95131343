//! The JSON API (`/api/v1/…`), authenticated by API tokens (or a browser session), one
//! module per resource. Submitters' names and contact details appear only for holders of the
//! personal-data permission. Writes use optimistic locking: a stale `version` gets 409 and
//! the current state.

mod comments;
mod consultations;
mod publish;
mod revisions;
mod submitters;
mod topics;

pub use comments::*;
pub use consultations::*;
pub use publish::*;
pub use revisions::*;
pub use submitters::*;
pub use topics::*;

use crate::auth::{accounts::Actor, Permission};
use crate::domain::{
    CategoryId, ClauseId, CommentId, CommentNo, Disposition, ResponseState, RevisionId, UserId,
};
use crate::drafting::answers::{self, Editor, Outcome};
use crate::drafting::review::ReviewAction;
use crate::drafting::revisions::{self as drafting_revisions, RevisionForm};
use crate::error::AppError;
use crate::models::{
    assignment, comment, comment_list, consultation::Consultation, response, revision, submitter,
    Conn,
};
use crate::publish::export::{self, Document, ExportError, Format, Request};
use crate::publish::{anonymize, check, results};
use crate::triage::tagging::{self, TagChange};
use crate::web::identity::Identity;
use crate::web::state::AppState;
use actix_web::http::StatusCode;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::HttpResponse;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

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

type ApiResult = Result<HttpResponse, ApiError>;

/// A reply built inside a blocking closure (HttpResponse itself cannot cross threads).
enum Reply {
    Json(StatusCode, Value),
    File {
        content_type: &'static str,
        name: String,
        bytes: Vec<u8>,
    },
}

impl Reply {
    fn into_response(self) -> HttpResponse {
        match self {
            Reply::Json(status, v) => HttpResponse::build(status).json(v),
            Reply::File {
                content_type,
                name,
                bytes,
            } => HttpResponse::Ok()
                .content_type(content_type)
                .insert_header((
                    "Content-Disposition",
                    format!("attachment; filename=\"{name}\""),
                ))
                .body(bytes),
        }
    }
}

fn ok(v: Value) -> Reply {
    Reply::Json(StatusCode::OK, v)
}

fn conflict(message: &str, current: Value) -> Reply {
    Reply::Json(
        StatusCode::CONFLICT,
        json!({"error": "conflict", "message": message, "current": current}),
    )
}

fn load(
    conn: &mut Conn,
    id: &Identity,
    slug: &str,
    no: &str,
    p: Permission,
) -> Result<(Consultation, comment::Comment), AppError> {
    let c = id.consultation(conn, slug, p)?;
    let cm = crate::web::comment_named(conn, c.id(), no)?;
    Ok((c, cm))
}

/// GET /api/v1/openapi.json
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(include_str!("../openapi.json"))
}

fn answer_json(r: &Option<response::Response>) -> Value {
    match r {
        Some(r) => {
            json!({"disposition": r.disposition, "body": r.body, "state": r.state, "version": r.version, "remark": r.reviewer_remark})
        }
        None => Value::Null,
    }
}

fn revision_json(r: &revision::Revision, comments: &[String]) -> Value {
    let (revised_clause, revised) = r.revised_side();
    json!({"id": r.id, "clause_id": r.clause_id, "clause": r.clause_label, "revised_clause": revised_clause,
        "kind": r.kind().code(), "original": r.original_text, "revised": revised,
        "reason": r.reason, "version": r.version, "comments": comments})
}

/// A field that is present (even as null) is `Some`; an absent one stays `None` by default.
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}
