//! The signed-in user's own page: password change and API tokens.

use super::identity::Identity;
use super::layout::{self, csrf_field, flash};
use super::state::AppState;
use crate::auth::{accounts, Role};
use crate::error::AppError;
use crate::models::api_token;
use actix_web::web::{Data, Form, Path, Query};
use actix_web::HttpResponse;
use maud::{html, Markup};

#[derive(serde::Deserialize)]
pub struct Done {
    done: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

#[derive(serde::Deserialize)]
pub struct TokenForm {
    name: String,
    role: String,
}

/// GET /account
pub async fn show(state: Data<AppState>, id: Identity, q: Query<Done>) -> Result<Markup, AppError> {
    let tokens = load_tokens(&state, &id).await?;
    Ok(view(&id, &tokens, q.done.as_deref(), None, None))
}

async fn load_tokens(
    state: &AppState,
    id: &Identity,
) -> Result<Vec<api_token::ApiToken>, AppError> {
    let user = id.user.id();
    state
        .blocking(move |mut conn| Ok(api_token::all(&mut conn, Some(user))?))
        .await
}

/// POST /account/password
pub async fn change_password(
    state: Data<AppState>,
    id: Identity,
    form: Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    if form.new != form.confirm {
        let tokens = load_tokens(&state, &id).await?;
        let page = view(
            &id,
            &tokens,
            None,
            Some("新しいパスワードが確認欄と一致しません"),
            None,
        );
        return Ok(HttpResponse::BadRequest()
            .content_type("text/html; charset=utf-8")
            .body(page.into_string()));
    }
    let user = id.user.clone();
    let result = state
        .blocking(move |mut conn| {
            Ok(accounts::change_own_password(
                &mut conn,
                &user,
                &form.current,
                &form.new,
            ))
        })
        .await?;
    match result {
        Ok(()) => Ok(super::see_other("/account?done=password")),
        Err(e) => {
            let tokens = load_tokens(&state, &id).await?;
            let page = view(&id, &tokens, None, Some(&e.to_string()), None);
            Ok(HttpResponse::BadRequest()
                .content_type("text/html; charset=utf-8")
                .body(page.into_string()))
        }
    }
}

/// POST /account/tokens
pub async fn create_token(
    state: Data<AppState>,
    id: Identity,
    form: Form<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let role: Role = form.role.parse().map_err(AppError::BadRequest)?;
    let name = form.name.trim().to_string();
    if name.is_empty() {
        return Err(AppError::BadRequest(
            "トークンの名前を入れてください".into(),
        ));
    }
    let (actor, login) = (accounts::Actor::of(&id.user), id.user.login.clone());
    let created = state
        .blocking(move |mut conn| {
            Ok(accounts::create_token(
                &mut conn, &actor, &login, &name, role,
            ))
        })
        .await?;
    let tokens = load_tokens(&state, &id).await?;
    let page = match created {
        Ok((_, secret)) => view(&id, &tokens, None, None, Some(&secret)),
        Err(e) => view(&id, &tokens, None, Some(&e.to_string()), None),
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page.into_string()))
}

/// POST /account/tokens/{id}/revoke
pub async fn revoke_token(
    state: Data<AppState>,
    id: Identity,
    token_id: Path<i64>,
) -> Result<HttpResponse, AppError> {
    let token_id = token_id.into_inner();
    let actor = accounts::Actor::of(&id.user);
    let (user, admin) = (id.user.id, id.is_admin());
    state
        .blocking(move |mut conn| {
            let t = api_token::find(&mut conn, token_id)?.ok_or(AppError::NotFound)?;
            if t.user_id != user && !admin {
                return Err(AppError::NotFound);
            }
            accounts::revoke_token(&mut conn, &actor, token_id)?;
            Ok(())
        })
        .await?;
    Ok(super::see_other("/account?done=revoked"))
}

fn view(
    id: &Identity,
    tokens: &[api_token::ApiToken],
    done: Option<&str>,
    error: Option<&str>,
    new_secret: Option<&str>,
) -> Markup {
    let done = match done {
        Some("password") => Some("パスワードを変更しました。"),
        Some("revoked") => Some("トークンを無効にしました。"),
        _ => None,
    };
    let roles: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| *r <= id.user.role())
        .collect();
    layout::page(
        "アカウント",
        id.into(),
        html! {
            h1 { "アカウント" }
            (flash(done))
            @if let Some(e) = error { p.error role="alert" { (e) } }
            dl.fields {
                dt { "ログイン名" } dd { (id.user.login) }
                dt { "氏名" } dd { (id.user.display_name) }
                dt { "役割" } dd { (id.user.role().label()) }
                dt { "提出者の個人情報" } dd { @if id.user.can_view_personal { "閲覧できる" } @else { "閲覧できない" } }
            }
            section.block {
                h2 { "パスワードの変更" }
                form.stack method="post" action="/account/password" {
                    (csrf_field(id))
                    label { "現在のパスワード" input type="password" name="current" autocomplete="current-password" required; }
                    label { "新しいパスワード（10文字以上）" input type="password" name="new" autocomplete="new-password" required minlength="10"; }
                    label { "新しいパスワード（確認）" input type="password" name="confirm" autocomplete="new-password" required minlength="10"; }
                    button type="submit" { "変更する" }
                }
            }
            section.block {
                h2 { "API トークン" }
                @if let Some(s) = new_secret {
                    p { "新しいトークンです。この画面を離れると二度と表示されません。" }
                    pre.secret { (s) }
                }
                @if !tokens.is_empty() {
                    table.list {
                        thead { tr { th { "名前" } th { "役割" } th { "作成" } th { "最終使用" } th { "" } } }
                        tbody {
                            @for t in tokens {
                                tr {
                                    td { (t.name) } td { (t.role().label()) }
                                    td { (t.created_at.format("%Y-%m-%d %H:%M")) }
                                    td { @if let Some(u) = t.last_used_at { (u.format("%Y-%m-%d %H:%M")) } }
                                    td {
                                        @if t.revoked_at.is_some() { span.muted { "無効" } } @else {
                                            form.inline method="post" action={ "/account/tokens/" (t.id) "/revoke" } {
                                                (csrf_field(id))
                                                button.secondary type="submit" { "無効にする" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                form.stack method="post" action="/account/tokens" {
                    (csrf_field(id))
                    label { "名前（用途）" input type="text" name="name" required; }
                    label { "役割" select name="role" { @for r in &roles { option value=(r.code()) { (r.label()) } } } }
                    button type="submit" { "トークンを作る" }
                }
            }
        },
    )
}
