//! Signing in and out.

use super::guard::{self, removal_cookie, session_cookie};
use super::identity::{Identity, Via};
use super::layout::{self, Chrome};
use crate::auth::{accounts::Actor, login, token};
use crate::db::now;
use crate::error::AppError;

use super::state::AppState;
use actix_web::cookie::Cookie;
use actix_web::web::{Data, Form, Query};
use actix_web::{HttpRequest, HttpResponse};
use maud::{html, Markup};

const LOGIN_CSRF_COOKIE: &str = "pubcom_login";

#[derive(serde::Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

/// GET /login
pub async fn form(req: HttpRequest, q: Query<NextParam>) -> HttpResponse {
    // Keep an existing form token: a second load (another tab, a favicon request redirected
    // here) must not invalidate the form already on screen.
    let csrf = req
        .cookie(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() >= 32)
        .unwrap_or_else(token::new_token);
    render(&req, &csrf, q.next.as_deref(), None, HttpResponse::Ok())
}

fn render(
    req: &HttpRequest,
    csrf: &str,
    next: Option<&str>,
    error: Option<&str>,
    mut builder: actix_web::HttpResponseBuilder,
) -> HttpResponse {
    let cookie = Cookie::build(LOGIN_CSRF_COOKIE, csrf.to_string())
        .path("/login")
        .http_only(true)
        .same_site(actix_web::cookie::SameSite::Strict)
        .secure(guard::is_https(req, false))
        .finish();
    builder
        .cookie(cookie)
        .content_type("text/html; charset=utf-8")
        .body(view(csrf, next, error).into_string())
}

fn view(csrf: &str, next: Option<&str>, error: Option<&str>) -> Markup {
    layout::page(
        "ログイン",
        Chrome { identity: None },
        html! {
            h1 { "ログイン" }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form.stack method="post" action="/login" {
                input type="hidden" name="csrf" value=(csrf);
                @if let Some(n) = next { input type="hidden" name="next" value=(n); }
                label { "ログイン名" input type="text" name="login" autocomplete="username" required autofocus; }
                label { "パスワード" input type="password" name="password" autocomplete="current-password" required; }
                button type="submit" { "ログイン" }
            }
        },
    )
}

/// Only same-site paths: never redirect to another host after login.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/",
    }
}

/// POST /login
pub async fn submit(
    req: HttpRequest,
    state: Data<AppState>,
    form: Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let cookie_csrf = req
        .cookie(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if cookie_csrf.is_empty() || !token::constant_time_eq(&cookie_csrf, &form.csrf) {
        let csrf = token::new_token();
        return Ok(render(
            &req,
            &csrf,
            form.next.as_deref(),
            Some("ページの有効期限が切れました。もう一度ログインしてください。"),
            HttpResponse::Forbidden(),
        ));
    }
    let (login_name, password) = (form.login.trim().to_string(), form.password.clone());
    let outcome = state
        .blocking(move |mut conn| Ok(login::sign_in(&mut conn, &login_name, &password, now())?))
        .await?;
    let (outcome, new_session) = outcome;
    if let Some(secret) = new_session {
        let secure = guard::is_https(&req, state.secure_cookies);
        return Ok(HttpResponse::SeeOther()
            .cookie(session_cookie(&state.cookie_key, &secret, secure))
            .insert_header((
                actix_web::http::header::LOCATION,
                safe_next(form.next.as_deref()).to_string(),
            ))
            .finish());
    }
    // One message whatever went wrong, so that it never tells whether a login exists.
    let failures = match outcome {
        login::Outcome::Refused { failures } => failures.max(1),
        _ => login::MAX_FAILURES,
    };
    actix_web::rt::time::sleep(login::delay_after(failures)).await;
    let message = format!(
        "ログイン名またはパスワードが違うか、このアカウントでは現在ログインできません（失敗が {} 回続くと {} 分間停止されます）。",
        login::MAX_FAILURES,
        login::LOCK_MINUTES
    );
    let csrf = token::new_token();
    Ok(render(
        &req,
        &csrf,
        form.next.as_deref(),
        Some(&message),
        HttpResponse::Unauthorized(),
    ))
}

/// POST /logout
pub async fn logout(state: Data<AppState>, id: Identity) -> Result<HttpResponse, AppError> {
    if let Via::Session { id: session_id, .. } = id.via {
        state
            .blocking(move |mut conn| {
                Ok(login::sign_out(
                    &mut conn,
                    &Actor::of(&id.user),
                    session_id,
                )?)
            })
            .await?;
    }
    Ok(HttpResponse::SeeOther()
        .cookie(removal_cookie())
        .insert_header((actix_web::http::header::LOCATION, "/login"))
        .finish())
}
