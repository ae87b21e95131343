//! The web app: handlers per resource (thin: extract, one blocking DB call, render) and
//! maud views composed through `layout::page`.

pub mod comments;
pub mod consultations;
pub mod layout;

use actix_web::{web, HttpResponse};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(consultations::index))
        .route("/static/app.css", web::get().to(stylesheet))
        .route("/healthz", web::get().to(health))
        .route("/c/{slug}", web::get().to(comments::index));
}

/// GET /static/app.css
async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(layout::CSS)
}

/// GET /healthz
async fn health() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}
