//! How an [`AppError`] answers: its status code, and a page with the Japanese message.

use crate::error::AppError;
use actix_web::{http::StatusCode, HttpResponse, ResponseError};

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound | AppError::Database(diesel::result::Error::NotFound) => {
                StatusCode::NOT_FOUND
            }
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Database(e) if crate::db::MaybeBusy::is_busy(e) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        let message = if status == StatusCode::NOT_FOUND {
            "ページが見つかりません".to_string()
        } else if status == StatusCode::SERVICE_UNAVAILABLE {
            AppError::Busy.to_string()
        } else {
            self.to_string()
        };
        let mut response = HttpResponse::build(status);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header(("Retry-After", "5"));
        }
        response
            .content_type("text/html; charset=utf-8")
            .body(super::layout::error_page(&message).into_string())
    }
}
