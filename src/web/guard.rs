//! The one gate every request passes: security headers, authentication (session cookie or
//! API token), and the CSRF check on state-changing requests made with a session.

use super::identity::{Identity, Via};
use super::state::AppState;
use crate::auth::token;
use crate::db::now;
use crate::models::{api_token, session, user};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, CookieJar, Key};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes, Data};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

use super::layout::CSRF_FIELD;

pub const SESSION_COOKIE: &str = "pubcom_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Paths anyone may request.
pub fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/login"
            | "/healthz"
            | "/favicon.ico"
            | "/static/app.css"
            | "/static/app.js"
            | "/api/v1/openapi.json"
    )
}

pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if is_public(req.path()) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let state = req
        .app_data::<Data<AppState>>()
        .cloned()
        .expect("AppState is registered");
    let identity = identify(req.request(), &state).await?;
    let Some(identity) = identity else {
        let response = refuse_anonymous(req.request());
        return Ok(req.into_response(response));
    };
    let mut req = req;
    if !is_safe(req.method()) {
        if let Via::Session { csrf, .. } = &identity.via {
            if !csrf_matches(&mut req, csrf).await? {
                tracing::warn!(
                    path = req.path(),
                    user = identity.user.login,
                    "CSRF token missing or wrong"
                );
                let page = super::layout::error_page("送信を受け付けられませんでした。ページを開き直してからもう一度送信してください。");
                return Ok(req.into_response(
                    HttpResponse::Forbidden()
                        .content_type("text/html; charset=utf-8")
                        .body(page.into_string()),
                ));
            }
        }
    }
    req.extensions_mut().insert(identity);
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn refuse_anonymous(req: &HttpRequest) -> HttpResponse {
    if req.path().starts_with("/api/") {
        HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
            .json(serde_json::json!({"error": "unauthorized", "message": "API トークンが必要です"}))
    } else {
        let next = if is_safe(req.method()) {
            req.uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/")
        } else {
            "/"
        };
        let location = format!("/login?next={}", urlencode(next));
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, location))
            .finish()
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The identity behind a request's session cookie or `Authorization: Bearer` token.
async fn identify(
    req: &HttpRequest,
    state: &AppState,
) -> Result<Option<Identity>, actix_web::Error> {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let cookie = req
        .cookie(SESSION_COOKIE)
        .and_then(|c| verified_cookie(&state.cookie_key, c));
    if bearer.is_none() && cookie.is_none() {
        return Ok(None);
    }
    let pool = state.pool.clone();
    let found = web::block(
        move || -> Result<Option<Identity>, crate::error::AppError> {
            let mut conn = pool.get()?;
            let at = now();
            if let Some(secret) = bearer {
                let Some(t) = api_token::find_live(&mut conn, &token::hash(&secret))? else {
                    return Ok(None);
                };
                let Some(u) = user::find(&mut conn, t.user_id)? else {
                    return Ok(None);
                };
                if u.disabled {
                    return Ok(None);
                }
                api_token::mark_used(&mut conn, t.id)?;
                return Ok(Some(Identity {
                    via: Via::Token {
                        id: t.id,
                        role: t.role(),
                    },
                    user: u,
                }));
            }
            let token_value = cookie.expect("checked above");
            let Some(s) = session::find_by_token_hash(&mut conn, &token::hash(&token_value))?
            else {
                return Ok(None);
            };
            if !s.is_live(at) {
                session::delete(&mut conn, s.id)?;
                return Ok(None);
            }
            let Some(u) = user::find(&mut conn, s.user_id)? else {
                return Ok(None);
            };
            if u.disabled {
                return Ok(None);
            }
            session::touch(&mut conn, &s, at)?;
            Ok(Some(Identity {
                via: Via::Session {
                    id: s.id,
                    csrf: s.csrf_token.clone(),
                },
                user: u,
            }))
        },
    )
    .await??;
    Ok(found)
}

/// The token inside a signed cookie, if the signature holds.
fn verified_cookie(key: &Key, cookie: Cookie<'static>) -> Option<String> {
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    jar.signed(key)
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_string())
}

/// A signed session cookie: HttpOnly, SameSite=Strict, Secure when served over HTTPS.
pub fn session_cookie(key: &Key, token_value: &str, secure: bool) -> Cookie<'static> {
    let mut jar = CookieJar::new();
    let cookie = Cookie::build(SESSION_COOKIE, token_value.to_string())
        .path("/")
        .http_only(true)
        .same_site(actix_web::cookie::SameSite::Strict)
        .secure(secure)
        .finish();
    jar.signed_mut(key).add(cookie);
    jar.get(SESSION_COOKIE).expect("just added").clone()
}

pub fn removal_cookie() -> Cookie<'static> {
    let mut c = Cookie::build(SESSION_COOKIE, "")
        .path("/")
        .http_only(true)
        .finish();
    c.make_removal();
    c
}

/// Whether the request came over HTTPS (directly or through a proxy that says so).
pub fn is_https(req: &HttpRequest, force: bool) -> bool {
    force || req.connection_info().scheme() == "https"
}

/// The CSRF token of a state-changing request: header, query (`?csrf=`, for file uploads)
/// or urlencoded form field. The body is read here and put back for the handler.
async fn csrf_matches(req: &mut ServiceRequest, expected: &str) -> Result<bool, actix_web::Error> {
    if let Some(v) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return Ok(token::constant_time_eq(v, expected));
    }
    let from_query = form_value(req.query_string().as_bytes(), CSRF_FIELD);
    if let Some(v) = from_query {
        return Ok(token::constant_time_eq(&v, expected));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok(false);
    }
    let body = req.extract::<Bytes>().await?;
    let found = form_value(&body, CSRF_FIELD);
    let (_, mut payload) = actix_http::h1::Payload::create(true);
    payload.unread_data(body);
    req.set_payload(payload.into());
    Ok(found.is_some_and(|v| token::constant_time_eq(&v, expected)))
}

fn form_value(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Security headers on every response.
pub fn security_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add(("X-Frame-Options", "DENY"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("Cache-Control", "no-store"))
}
