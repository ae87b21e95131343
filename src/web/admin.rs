//! Administration: users, their roles and memberships, and the audit log.

use super::identity::Identity;
use super::layout::{self, csrf_field, flash};
use super::state::AppState;
use crate::auth::{accounts, Permission, Role};
use crate::error::AppError;
use crate::models::{audit, consultation, membership, user};
use actix_web::web::{Data, Form, Path, Query};
use actix_web::HttpResponse;
use maud::{html, Markup};

#[derive(serde::Deserialize)]
pub struct Done {
    done: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct AddUserForm {
    login: String,
    display_name: String,
    email: String,
    role: String,
    can_view_personal: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct RoleForm {
    role: String,
    can_view_personal: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct MembershipForm {
    consultation: String,
    /// Empty: remove the membership.
    role: String,
}

struct UsersPage {
    users: Vec<(user::User, Vec<(String, String)>)>,
    consultations: Vec<consultation::Consultation>,
}

async fn load(state: &AppState) -> Result<UsersPage, AppError> {
    state
        .blocking(move |mut conn| {
            let consultations = consultation::all(&mut conn)?;
            let users = user::all(&mut conn)?
                .into_iter()
                .map(|u| {
                    let mine = membership::consultations_of(&mut conn, u.id())?;
                    let roles = consultations
                        .iter()
                        .filter(|c| mine.contains(&c.id.0))
                        .map(|c| {
                            Ok((
                                c.slug.clone(),
                                membership::role_in(&mut conn, u.id(), c.id())?
                                    .map(Role::label)
                                    .unwrap_or_default()
                                    .to_string(),
                            ))
                        })
                        .collect::<Result<Vec<_>, diesel::result::Error>>()?;
                    Ok((u, roles))
                })
                .collect::<Result<Vec<_>, diesel::result::Error>>()?;
            Ok(UsersPage {
                users,
                consultations,
            })
        })
        .await
}

/// GET /admin/users
pub async fn users(
    state: Data<AppState>,
    id: Identity,
    q: Query<Done>,
) -> Result<Markup, AppError> {
    id.require(Permission::Administer)?;
    let page = load(&state).await?;
    Ok(view(&id, &page, q.done.as_deref(), None))
}

fn with_secret(id: &Identity, page: &UsersPage, message: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(view(id, page, None, Some(message)).into_string())
}

/// POST /admin/users
pub async fn add_user(
    state: Data<AppState>,
    id: Identity,
    form: Form<AddUserForm>,
) -> Result<HttpResponse, AppError> {
    id.require(Permission::Administer)?;
    let f = form.into_inner();
    let role: Role = f.role.parse().map_err(AppError::BadRequest)?;
    let account = accounts::NewAccount {
        login: f.login.trim().to_string(),
        display_name: f.display_name.trim().to_string(),
        email: f.email.trim().to_string(),
        role,
        can_view_personal: f.can_view_personal.is_some(),
        password: None,
    };
    let actor = accounts::Actor::of(&id.user);
    let result = state
        .blocking(move |mut conn| Ok(accounts::add_user(&mut conn, &actor, &account)))
        .await?;
    let (login, pw) = match result {
        Ok((_, pw)) => (f.login.trim().to_string(), pw),
        Err(e) => return Err(AppError::BadRequest(e.to_string())),
    };
    let page = load(&state).await?;
    Ok(with_secret(&id, &page, &format!("ユーザー {login} を作りました。初期パスワード: {pw}（この画面を離れると表示されません）")))
}

async fn account_action(
    state: &AppState,
    id: &Identity,
    f: impl FnOnce(&mut crate::db::DbConnection, &accounts::Actor) -> anyhow::Result<()>
        + Send
        + 'static,
) -> Result<(), AppError> {
    id.require(Permission::Administer)?;
    let actor = accounts::Actor::of(&id.user);
    state
        .blocking(move |mut conn| Ok(f(&mut conn, &actor)))
        .await?
        .map_err(|e| AppError::BadRequest(e.to_string()))
}

/// POST /admin/users/{login}/disable
pub async fn disable(
    state: Data<AppState>,
    id: Identity,
    login: Path<String>,
) -> Result<HttpResponse, AppError> {
    let login = login.into_inner();
    if login == id.user.login {
        return Err(AppError::BadRequest("自分自身は無効にできません".into()));
    }
    account_action(&state, &id, move |c, a| {
        accounts::set_disabled(c, a, &login, true)
    })
    .await?;
    Ok(super::see_other("/admin/users?done=disabled"))
}

/// POST /admin/users/{login}/enable
pub async fn enable(
    state: Data<AppState>,
    id: Identity,
    login: Path<String>,
) -> Result<HttpResponse, AppError> {
    let login = login.into_inner();
    account_action(&state, &id, move |c, a| {
        accounts::set_disabled(c, a, &login, false)
    })
    .await?;
    Ok(super::see_other("/admin/users?done=enabled"))
}

/// POST /admin/users/{login}/password
pub async fn reset_password(
    state: Data<AppState>,
    id: Identity,
    login: Path<String>,
) -> Result<HttpResponse, AppError> {
    id.require(Permission::Administer)?;
    let login = login.into_inner();
    let actor = accounts::Actor::of(&id.user);
    let l = login.clone();
    let pw = state
        .blocking(move |mut conn| Ok(accounts::reset_password(&mut conn, &actor, &l, None)))
        .await?
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let page = load(&state).await?;
    Ok(with_secret(
        &id,
        &page,
        &format!("{login} の新しいパスワード: {pw}（この画面を離れると表示されません）"),
    ))
}

/// POST /admin/users/{login}/role
pub async fn set_role(
    state: Data<AppState>,
    id: Identity,
    login: Path<String>,
    form: Form<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let role: Role = form.role.parse().map_err(AppError::BadRequest)?;
    let personal = form.can_view_personal.is_some();
    let login = login.into_inner();
    account_action(&state, &id, move |c, a| {
        accounts::set_role(c, a, &login, role, personal)
    })
    .await?;
    Ok(super::see_other("/admin/users?done=role"))
}

/// POST /admin/users/{login}/membership
pub async fn set_membership(
    state: Data<AppState>,
    id: Identity,
    login: Path<String>,
    form: Form<MembershipForm>,
) -> Result<HttpResponse, AppError> {
    let role = match form.role.trim() {
        "" => None,
        r => Some(r.parse::<Role>().map_err(AppError::BadRequest)?),
    };
    let (login, slug) = (login.into_inner(), form.consultation.clone());
    account_action(&state, &id, move |c, a| {
        let cons = consultation::find_by_slug(c, &slug)?
            .ok_or_else(|| anyhow::anyhow!("案件「{slug}」はありません"))?;
        accounts::set_membership(c, a, &login, cons.id(), role)
    })
    .await?;
    Ok(super::see_other("/admin/users?done=membership"))
}

fn role_options(selected: Option<Role>) -> Markup {
    html! { @for r in Role::ALL { option value=(r.code()) selected[Some(r) == selected] { (r.label()) } } }
}

fn view(id: &Identity, p: &UsersPage, done: Option<&str>, secret: Option<&str>) -> Markup {
    let done = match done {
        Some("disabled") => Some("無効にしました。"),
        Some("enabled") => Some("有効にしました。"),
        Some("role") => Some("役割を変更しました。"),
        Some("membership") => Some("担当案件を変更しました。"),
        _ => None,
    };
    layout::page(
        "ユーザー管理",
        id.into(),
        html! {
            h1 { "ユーザー管理" }
            (flash(done))
            @if let Some(s) = secret { pre.secret { (s) } }
            table.list #users {
                thead { tr { th { "ログイン名" } th { "氏名" } th { "役割" } th { "個人情報" } th { "担当案件" } th { "状態" } th { "操作" } } }
                tbody {
                    @for (u, memberships) in &p.users {
                        tr {
                            td { (u.login) } td { (u.display_name) br; span.muted { (u.email) } }
                            td {
                                form.inline method="post" action={ "/admin/users/" (u.login) "/role" } {
                                    (csrf_field(id))
                                    select name="role" { (role_options(Some(u.role()))) }
                                    label.check { input type="checkbox" name="can_view_personal" value="1" checked[u.can_view_personal]; "個人情報を閲覧" }
                                    button.secondary type="submit" { "変更" }
                                }
                            }
                            td { @if u.can_view_personal { "閲覧可" } @else { "—" } }
                            td {
                                @for (slug, role) in memberships { div { code { (slug) } " " (role) } }
                                form.inline method="post" action={ "/admin/users/" (u.login) "/membership" } {
                                    (csrf_field(id))
                                    select name="consultation" { @for c in &p.consultations { option value=(c.slug) { (c.slug) } } }
                                    select name="role" { option value="" { "（外す）" } (role_options(Some(u.role()))) }
                                    button.secondary type="submit" { "設定" }
                                }
                            }
                            td {
                                @if u.disabled { "無効" } @else { "有効" }
                                @if u.failed_logins > 0 { br; span.muted { "失敗 " (u.failed_logins) " 回" } }
                                @if let Some(t) = u.locked_until { br; span.muted { (t.format("%H:%M")) " まで停止" } }
                            }
                            td {
                                form.inline method="post" action={ "/admin/users/" (u.login) @if u.disabled { "/enable" } @else { "/disable" } } {
                                    (csrf_field(id))
                                    button.secondary type="submit" { @if u.disabled { "有効にする" } @else { "無効にする" } }
                                }
                                " "
                                form.inline method="post" action={ "/admin/users/" (u.login) "/password" } {
                                    (csrf_field(id))
                                    button.secondary type="submit" { "パスワード再発行" }
                                }
                            }
                        }
                    }
                }
            }
            section.block {
                h2 { "ユーザーの追加" }
                form.stack method="post" action="/admin/users" {
                    (csrf_field(id))
                    label { "ログイン名" input type="text" name="login" required; }
                    label { "氏名" input type="text" name="display_name" required; }
                    label { "メールアドレス（通知の宛先）" input type="email" name="email" required; }
                    label { "役割" select name="role" { (role_options(Some(Role::Drafter))) } }
                    label.check { input type="checkbox" name="can_view_personal" value="1"; "提出者の個人情報を閲覧できる" }
                    button type="submit" { "追加する（初期パスワードを発行）" }
                }
            }
        },
    )
}

#[derive(serde::Deserialize)]
pub struct AuditQuery {
    consultation: Option<String>,
    action: Option<String>,
    page: Option<i64>,
}

const AUDIT_PAGE: i64 = 100;

async fn audit_events(
    state: &AppState,
    q: &AuditQuery,
    offset: i64,
    limit: i64,
) -> Result<(Vec<audit::AuditEvent>, i64), AppError> {
    let slug = q.consultation.clone().filter(|s| !s.is_empty());
    let action = q.action.clone().filter(|s| !s.is_empty());
    state
        .blocking(move |mut conn| {
            let consultation = match slug {
                Some(s) => Some(
                    consultation::find_by_slug(&mut conn, &s)?
                        .ok_or(AppError::NotFound)?
                        .id(),
                ),
                None => None,
            };
            let f = audit::AuditFilter {
                consultation,
                action,
            };
            Ok((
                audit::list(&mut conn, &f, offset, limit)?,
                audit::count(&mut conn, &f)?,
            ))
        })
        .await
}

/// GET /admin/audit
pub async fn audit(
    state: Data<AppState>,
    id: Identity,
    q: Query<AuditQuery>,
) -> Result<Markup, AppError> {
    id.require(Permission::Administer)?;
    let page = q.page.unwrap_or(1).max(1);
    let (events, total) = audit_events(&state, &q, (page - 1) * AUDIT_PAGE, AUDIT_PAGE).await?;
    let names = state
        .blocking(|mut conn| Ok(user::names(&mut conn)?))
        .await?;
    let pages = (total + AUDIT_PAGE - 1) / AUDIT_PAGE;
    let query = format!(
        "consultation={}&action={}",
        super::guard::urlencode(q.consultation.as_deref().unwrap_or("")),
        super::guard::urlencode(q.action.as_deref().unwrap_or(""))
    );
    Ok(layout::page(
        "監査ログ",
        (&id).into(),
        html! {
            h1 { "監査ログ" }
            p.summary { (total) " 件（新しい順）。記録は画面から変更・削除できません。" }
            form.filters method="get" action="/admin/audit" {
                label { "案件（略称）" input type="text" name="consultation" value=(q.consultation.as_deref().unwrap_or("")); }
                label { "操作" select name="action" {
                    option value="" { "（すべて）" }
                    @for a in crate::domain::AuditAction::ALL {
                        option value=(a.code()) selected[q.action.as_deref() == Some(a.code())] { (a.label()) }
                    }
                } }
                button type="submit" { "絞り込む" }
                a href={ "/admin/audit.csv?" (query) } { "CSV で保存" }
            }
            table.list #audit {
                thead { tr { th { "日時（日本時間）" } th { "操作者" } th { "操作" } th { "対象" } th { "変更前" } th { "変更後" } } }
                tbody {
                    @for e in &events {
                        tr {
                            td { (crate::text::japan_time(e.occurred_at)) }
                            td { (e.actor_name(&names)) }
                            td { (e.action_label()) }
                            td {
                                @match (e.entity.as_str(), e.entity_id) {
                                    ("comment" | "response", Some(i)) => a href={ "/go/comment/" (i) } { (e.entity_label()) " #" (i) },
                                    (_, Some(i)) => { (e.entity_label()) " #" (i) }
                                    (_, None) => { (e.entity_label()) }
                                }
                            }
                            td.text { (super::history::changes(e.before_json.as_deref())) }
                            td.text { (super::history::changes(e.after_json.as_deref())) }
                        }
                    }
                }
            }
            nav.pager {
                @if page > 1 { a href={ "?" (query) "&page=" (page - 1) } { "← 新しい記録" } }
                span { (page) " / " (pages.max(1)) }
                @if page < pages { a href={ "?" (query) "&page=" (page + 1) } { "古い記録 →" } }
            }
        },
    ))
}

/// GET /admin/audit.csv
pub async fn audit_csv(
    state: Data<AppState>,
    id: Identity,
    q: Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    id.require(Permission::Administer)?;
    let (events, _) = audit_events(&state, &q, 0, i64::MAX / 2).await?;
    let bytes = audit::to_csv(&events)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"audit.csv\""))
        .body(bytes))
}
