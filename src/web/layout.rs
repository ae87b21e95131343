//! The page frame shared by every view, and small pieces used across views.

use super::identity::Identity;
use maud::{html, Markup, DOCTYPE};

pub const CSS: &str = include_str!("app.css");

/// What the frame shows about the signed-in user.
pub struct Chrome<'a> {
    pub identity: Option<&'a Identity>,
}

impl<'a> From<&'a Identity> for Chrome<'a> {
    fn from(identity: &'a Identity) -> Self {
        Chrome {
            identity: Some(identity),
        }
    }
}

pub fn page(title: &str, chrome: Chrome, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — pubcom" }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                header.site {
                    a.brand href="/" { "pubcom" }
                    span.tagline { "意見募集の整理と回答" }
                    @if let Some(id) = chrome.identity {
                        nav.user {
                            @if id.is_admin() {
                                a href="/admin/users" { "ユーザー管理" }
                                a href="/admin/audit" { "監査ログ" }
                            }
                            a href="/account" { (id.user.display_name) "（" (id.global_role().label()) "）" }
                            form.inline method="post" action="/logout" {
                                (csrf_field(id))
                                button.link type="submit" { "ログアウト" }
                            }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// The name of the CSRF form field (`guard` checks it on every state-changing request).
pub const CSRF_FIELD: &str = "csrf";

/// The hidden CSRF field every state-changing form carries.
pub fn csrf_field(id: &Identity) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(id.csrf().unwrap_or("")); }
}

/// A page for errors, without user chrome.
pub fn error_page(message: &str) -> Markup {
    page(
        message,
        Chrome { identity: None },
        html! { p.error { (message) } p { a href="/" { "トップへ戻る" } } },
    )
}

/// A one-line notice after an action (`?done=…`).
pub fn flash(message: Option<&str>) -> Markup {
    html! { @if let Some(m) = message { p.flash role="status" { (m) } } }
}
