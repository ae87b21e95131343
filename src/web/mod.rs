//! The web app: handlers per resource (thin: extract, one blocking DB call, render) and
//! maud views composed through `layout::page`. Every route is listed once, in `route_table!`.

pub mod account;
pub mod admin;
pub mod answers;
pub mod api;
pub mod charts;
pub mod clauses;
pub mod comment_page;
pub mod comments;
pub mod consultations;
pub mod error_page;
pub mod exports;
pub mod groups;
pub mod guard;
pub mod history;
pub mod identity;
pub mod layout;
pub mod login;
pub mod overview;
pub mod phrases;
pub mod revisions;
pub mod routing;
pub mod state;
pub mod topics;
pub mod triage;
pub mod upload;

use actix_web::{web, HttpResponse};

macro_rules! route_table {
    ($($method:ident $path:literal => $handler:path;)*) => {
        /// Every route of the app as (method, path pattern). Tests walk this list.
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        pub fn routes(cfg: &mut web::ServiceConfig) {
            $(cfg.route($path, web::$method().to($handler));)*
        }
    };
}

route_table! {
    get "/" => consultations::index;
    get "/static/app.css" => stylesheet;
    get "/static/app.js" => script;
    get "/healthz" => health;
    get "/favicon.ico" => favicon;
    get "/login" => login::form;
    post "/login" => login::submit;
    post "/logout" => login::logout;
    get "/account" => account::show;
    post "/account/password" => account::change_password;
    post "/account/tokens" => account::create_token;
    post "/account/tokens/{id}/revoke" => account::revoke_token;
    get "/c/{slug}" => comments::index;
    get "/c/{slug}/comments/{no}" => comment_page::show;
    post "/c/{slug}/comments/{no}/answer" => answers::save;
    post "/c/{slug}/comments/{no}/review" => answers::review;
    post "/c/{slug}/comments/{no}/assign" => answers::assign;
    post "/c/{slug}/comments/{no}/revisions" => revisions::create;
    post "/c/{slug}/revisions/{id}" => revisions::update;
    post "/c/{slug}/revisions/{id}/delete" => revisions::delete;
    post "/c/{slug}/answers/bulk" => answers::bulk;
    post "/c/{slug}/tags/bulk" => triage::tags_bulk;
    post "/c/{slug}/assign/bulk" => triage::assign_bulk;
    post "/c/{slug}/comments/{no}/tags" => triage::tag_one;
    post "/c/{slug}/submitters/{id}/kind" => triage::set_submitter_kind;
    get "/c/{slug}/comments/{no}/split" => triage::split_form;
    post "/c/{slug}/comments/{no}/split" => triage::split;
    post "/c/{slug}/comments/{no}/unsplit" => triage::unsplit;
    get "/c/{slug}/categories" => triage::categories;
    get "/c/{slug}/dashboard" => overview::dashboard;
    get "/go/comment/{id}" => comment_page::by_id;
    get "/c/{slug}/import" => upload::form;
    get "/import" => upload::new_form;
    post "/import" => upload::new_consultation;
    post "/c/{slug}/import/comments" => upload::comments;
    post "/c/{slug}/import/clauses" => upload::clauses;
    get "/c/{slug}/groups" => groups::index;
    post "/c/{slug}/groups/{id}/topic" => topics::from_group;
    get "/c/{slug}/topics" => topics::index;
    post "/c/{slug}/topics" => topics::create;
    get "/c/{slug}/topics/suggestions" => topics::suggestions;
    post "/c/{slug}/topics/suggestions" => topics::act_on_suggestion;
    post "/c/{slug}/topics/undo" => topics::undo;
    get "/c/{slug}/topics/{n}" => topics::show;
    post "/c/{slug}/topics/{n}" => topics::update;
    post "/c/{slug}/topics/{n}/answer" => topics::answer;
    post "/c/{slug}/topics/{n}/review" => topics::review;
    post "/c/{slug}/topics/{n}/comments" => topics::members;
    post "/c/{slug}/topics/{n}/delete" => topics::delete;
    post "/c/{slug}/groups/propose" => groups::propose;
    post "/c/{slug}/groups/{id}" => groups::decide;
    get "/c/{slug}/routing" => routing::index;
    post "/c/{slug}/routing" => routing::add;
    post "/c/{slug}/routing/apply" => routing::apply;
    post "/c/{slug}/routing/{id}/delete" => routing::delete;
    post "/c/{slug}/categories" => triage::add_category;
    get "/c/{slug}/clauses" => clauses::tree;
    get "/c/{slug}/clauses/{id}" => clauses::show;
    get "/c/{slug}/phrases" => phrases::index;
    post "/c/{slug}/phrases" => phrases::add;
    post "/c/{slug}/phrases/{id}/delete" => phrases::delete;
    post "/c/{slug}/title" => consultations::set_title;
    get "/c/{slug}/export" => exports::results;
    get "/c/{slug}/publish" => exports::publish;
    post "/c/{slug}/comments/{no}/redactions" => exports::redact;
    get "/admin/users" => admin::users;
    post "/admin/users" => admin::add_user;
    post "/admin/users/{login}/disable" => admin::disable;
    post "/admin/users/{login}/enable" => admin::enable;
    post "/admin/users/{login}/password" => admin::reset_password;
    post "/admin/users/{login}/role" => admin::set_role;
    post "/admin/users/{login}/membership" => admin::set_membership;
    get "/admin/audit" => admin::audit;
    get "/admin/audit.csv" => admin::audit_csv;
    get "/api/v1/consultations" => api::consultations;
    get "/api/v1/consultations/{slug}/comments" => api::comments;
    get "/api/v1/consultations/{slug}/comments/{no}" => api::comment_detail;
    put "/api/v1/consultations/{slug}/comments/{no}/answer" => api::put_answer;
    post "/api/v1/consultations/{slug}/comments/{no}/review" => api::review;
    put "/api/v1/consultations/{slug}/comments/{no}/tags" => api::put_tags;
    put "/api/v1/consultations/{slug}/submitters/{id}/kind" => api::put_submitter_kind;
    put "/api/v1/consultations/{slug}/comments/{no}/assignment" => api::put_assignment;
    post "/api/v1/consultations/{slug}/comments/{no}/redactions" => api::redact;
    get "/api/v1/consultations/{slug}/revisions" => api::list_revisions;
    post "/api/v1/consultations/{slug}/revisions" => api::create_revision;
    put "/api/v1/consultations/{slug}/revisions/{id}" => api::update_revision;
    get "/api/v1/consultations/{slug}/check" => api::run_check;
    get "/api/v1/consultations/{slug}/topics" => api::list_topics;
    post "/api/v1/consultations/{slug}/topics" => api::create_topic;
    get "/api/v1/consultations/{slug}/topic-suggestions" => api::topic_suggestions;
    get "/api/v1/consultations/{slug}/topics/{id}" => api::topic_detail;
    put "/api/v1/consultations/{slug}/topics/{id}" => api::update_topic;
    put "/api/v1/consultations/{slug}/topics/{id}/comments" => api::put_topic_comments;
    put "/api/v1/consultations/{slug}/topics/{id}/answer" => api::put_topic_answer;
    post "/api/v1/consultations/{slug}/topics/{id}/review" => api::review_topic;
    get "/api/v1/consultations/{slug}/exports/{document}" => api::export_file;
    get "/api/v1/openapi.json" => api::openapi;
}

/// GET /static/app.css
async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(layout::CSS)
}

/// GET /static/app.js
async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(include_str!("app.js"))
}

/// GET /favicon.ico: no icon, and no login redirect for the browser's automatic request.
async fn favicon() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .finish()
}

/// GET /healthz
async fn health() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// A due date from a form field (`YYYY-MM-DD`; empty: none).
pub fn parse_due(value: Option<&str>) -> Result<Option<chrono::NaiveDate>, crate::error::AppError> {
    match value.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                crate::error::AppError::BadRequest("期限は YYYY-MM-DD で入れてください".into())
            }),
        None => Ok(None),
    }
}

/// The comment of a consultation named by its No. in a path (`12`, `12-2`); not found otherwise.
pub fn comment_named(
    conn: &mut crate::models::Conn,
    consultation: crate::domain::ConsultationId,
    no: &str,
) -> Result<crate::models::comment::Comment, crate::error::AppError> {
    let no: crate::domain::CommentNo = no.parse().map_err(|_| crate::error::AppError::NotFound)?;
    crate::models::comment::find_by_no(conn, consultation, no)?
        .ok_or(crate::error::AppError::NotFound)
}

/// Refuses a user who cannot draft answers in the consultation as the target of assignment
/// or routing.
pub fn require_drafter(
    conn: &mut crate::models::Conn,
    consultation: crate::domain::ConsultationId,
    user: i64,
) -> Result<(), crate::error::AppError> {
    if crate::models::membership::drafters(conn, consultation)?
        .iter()
        .any(|(u, _)| *u == user)
    {
        Ok(())
    } else {
        Err(crate::error::AppError::BadRequest(
            "その人はこの案件の起案担当ではありません".into(),
        ))
    }
}

/// A redirect after a successful POST (Post/Redirect/Get).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location.to_string()))
        .finish()
}
