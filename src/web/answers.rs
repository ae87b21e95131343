//! Writing answers: save (or insert a stock phrase), review moves, assignment, bulk answers.

use super::comment_page::{self, AnswerForm, CommentPage};
use super::identity::Identity;
use super::state::AppState;
use crate::auth::{accounts::Actor, Permission};
use crate::domain::{CommentNo, Disposition, UserId};
use crate::drafting::answers::{self, Editor, Outcome};
use crate::drafting::review::ReviewAction;
use crate::error::AppError;
use crate::models::comment;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Form, Path};
use actix_web::{HttpRequest, HttpResponse};

/// What a handler decided, built inside the blocking closure.
pub enum Reply {
    Redirect(String),
    Page(StatusCode, String),
}

impl Reply {
    pub fn into_response(self) -> HttpResponse {
        match self {
            Reply::Redirect(to) => super::see_other(&to),
            Reply::Page(status, body) => HttpResponse::build(status)
                .content_type("text/html; charset=utf-8")
                .body(body),
        }
    }
}

fn page_reply(
    state: &AppState,
    id: &Identity,
    page: &CommentPage,
    form: AnswerForm,
    status: StatusCode,
) -> Reply {
    Reply::Page(
        status,
        comment_page::view(state, id, page, form).into_string(),
    )
}

fn editor_for<'a>(actor: &'a Actor, page: &CommentPage) -> Editor<'a> {
    Editor {
        actor,
        is_reviewer: page.role.allows(Permission::Review),
    }
}

#[derive(serde::Deserialize)]
pub struct AnswerData {
    #[serde(default)]
    disposition: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    version: String,
    insert: Option<String>,
    /// 「保存して確認を依頼」: save what is on the screen and ask for review in one step.
    submit: Option<String>,
}

/// POST /c/{slug}/comments/{no}/answer
pub async fn save(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    req: HttpRequest,
    form: Form<AnswerData>,
) -> Result<HttpResponse, AppError> {
    let (slug, no) = path.into_inner();
    let list = req.query_string().to_string();
    let f = form.into_inner();
    let st = state.clone();
    let reply = state
        .blocking(move |mut conn| {
            let page = comment_page::load_in(&mut conn, &id, &slug, &no, &list)?;
            if !page.role.allows(Permission::Draft) {
                return Err(AppError::Forbidden);
            }
            let disposition = f.disposition.parse::<Disposition>().ok();
            let version = f.version.trim().parse::<i32>().ok();
            if let Some(key) = f.insert.as_deref() {
                let Some((phrase_disposition, body)) = crate::drafting::stock_phrases::insert(
                    &f.body,
                    key,
                    &st.phrases,
                    &page.consultation_phrases,
                ) else {
                    return Err(AppError::BadRequest("その定型文はありません".into()));
                };
                let form = AnswerForm {
                    disposition: disposition.or(Some(phrase_disposition)),
                    body,
                    version,
                    notice: Some("定型文を挿入しました（まだ保存されていません）".into()),
                    ..Default::default()
                };
                return Ok(page_reply(&st, &id, &page, form, StatusCode::OK));
            }
            let keep = |error: String| AnswerForm {
                disposition,
                body: f.body.clone(),
                version,
                error: Some(error),
                ..Default::default()
            };
            let Some(disposition) = disposition else {
                return Ok(page_reply(
                    &st,
                    &id,
                    &page,
                    keep("対応区分を選んでください".into()),
                    StatusCode::BAD_REQUEST,
                ));
            };
            let actor = Actor::of(&id.user);
            let editor = editor_for(&actor, &page);
            let outcome = if f.submit.is_some() {
                answers::save_and_submit(
                    &mut conn,
                    &editor,
                    &page.comment,
                    disposition,
                    &f.body,
                    version,
                )?
            } else {
                answers::save(
                    &mut conn,
                    &editor,
                    &page.comment,
                    disposition,
                    &f.body,
                    version,
                )?
            };
            match outcome {
                Outcome::Saved { members, .. } => {
                    let note = if members > 0 {
                        format!("?saved={members}")
                    } else {
                        String::new()
                    };
                    Ok(Reply::Redirect(format!(
                        "{}{note}#answer",
                        comment_page::link(&page)
                    )))
                }
                Outcome::Conflict(current) => {
                    let page = comment_page::load_in(&mut conn, &id, &slug, &no, &list)?;
                    let form = AnswerForm {
                        disposition: Some(disposition),
                        body: f.body.clone(),
                        version: Some(current.version),
                        conflict: Some(*current),
                        ..Default::default()
                    };
                    Ok(page_reply(&st, &id, &page, form, StatusCode::CONFLICT))
                }
                Outcome::Locked => Ok(page_reply(
                    &st,
                    &id,
                    &page,
                    keep("この回答は確定済みです。確認者が確定を解除すると直せます。".into()),
                    StatusCode::CONFLICT,
                )),
                Outcome::Refused(why) => Ok(page_reply(
                    &st,
                    &id,
                    &page,
                    keep(why),
                    StatusCode::BAD_REQUEST,
                )),
            }
        })
        .await?;
    Ok(reply.into_response())
}

#[derive(serde::Deserialize)]
pub struct ReviewData {
    action: ReviewAction,
    version: i32,
    remark: Option<String>,
}

/// POST /c/{slug}/comments/{no}/review
pub async fn review(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    req: HttpRequest,
    form: Form<ReviewData>,
) -> Result<HttpResponse, AppError> {
    let (slug, no) = path.into_inner();
    let list = req.query_string().to_string();
    let f = form.into_inner();
    let st = state.clone();
    let reply = state.blocking(move |mut conn| {
        let page = comment_page::load_in(&mut conn, &id, &slug, &no, &list)?;
        let needed = if f.action.needs_reviewer() { Permission::Review } else { Permission::Draft };
        if !page.role.allows(needed) {
            return Err(AppError::Forbidden);
        }
        let actor = Actor::of(&id.user);
        match answers::review(&mut conn, &editor_for(&actor, &page), &page.comment, f.action, f.version, f.remark.as_deref(),)? {
            Outcome::Saved { .. } => Ok(Reply::Redirect(format!("{}#answer", comment_page::link(&page)))),
            Outcome::Conflict(current) => {
                let page = comment_page::load_in(&mut conn, &id, &slug, &no, &list)?;
                let form = AnswerForm::stored_with_error(&page, format!("ほかの人がこの回答を変更しました（版 {}）。内容を確かめてからもう一度操作してください。", current.version), f.remark.clone());
                Ok(page_reply(&st, &id, &page, form, StatusCode::CONFLICT))
            }
            Outcome::Locked => Err(AppError::BadRequest("確定済みです".into())),
            Outcome::Refused(why) => {
                let form = AnswerForm::stored_with_error(&page, why, f.remark.clone());
                Ok(page_reply(&st, &id, &page, form, StatusCode::BAD_REQUEST))
            }
        }
    })
    .await?;
    Ok(reply.into_response())
}

#[derive(serde::Deserialize)]
pub struct AssignData {
    /// Empty when nobody was chosen (the list starts blank).
    drafter: String,
    due_on: Option<String>,
}

/// POST /c/{slug}/comments/{no}/assign
pub async fn assign(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    form: Form<AssignData>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (slug, no) = path.into_inner();
    let f = form.into_inner();
    let due = super::parse_due(f.due_on.as_deref())?;
    let drafter: i64 = f
        .drafter
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("担当者を選んでください".into()))?;
    let to = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Assign,
            move |mut conn, id, c| {
                let cm = super::comment_named(&mut conn, c.id(), &no)?;
                super::require_drafter(&mut conn, c.id(), drafter)?;
                crate::triage::tagging::assign(
                    &mut conn,
                    &Actor::of(&id.user),
                    c.id(),
                    std::slice::from_ref(&cm),
                    UserId(drafter),
                    due,
                )?;
                Ok(format!("/c/{slug}/comments/{no}"))
            },
        )
        .await?;
    Ok(super::see_other(&comment_page::keep_list(to, &req)))
}

/// The form of the bulk answer on the list page: `no` repeated once per chosen comment.
#[derive(Debug)]
pub struct BulkData {
    nos: Vec<String>,
    disposition: String,
    body: String,
}

/// POST /c/{slug}/answers/bulk
pub async fn bulk(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| AppError::BadRequest("送信内容を読めません".into()))?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let f = BulkData {
        nos: pairs
            .iter()
            .filter(|(k, _)| k == "no")
            .map(|(_, v)| v.clone())
            .collect(),
        disposition: get("disposition"),
        body: get("body"),
    };
    let phrase = get("phrase");
    let back = get("back");
    // Existing answers are replaced only when the user ticked the box.
    let replace = get("replace") == "1";
    let st = state.clone();
    let slug = slug.into_inner();
    let to = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Draft,
            move |mut conn, id, c| {
                let (mut disposition, mut text) = (
                    f.disposition.parse::<Disposition>().ok(),
                    f.body.trim().to_string(),
                );
                if let Some((d, t)) = phrase
                    .strip_prefix('t')
                    .and_then(|i| i.parse::<usize>().ok())
                    .and_then(|i| st.phrases.phrases.get(i))
                {
                    disposition = disposition.or(Some(*d));
                    if text.is_empty() {
                        text = t.clone();
                    }
                }
                let disposition = disposition
                    .ok_or_else(|| AppError::BadRequest("対応区分を選んでください".into()))?;
                if f.nos.is_empty() {
                    return Err(AppError::BadRequest("意見を一つ以上選んでください".into()));
                }
                let mut chosen = Vec::new();
                for no in &f.nos {
                    let no: CommentNo = no
                        .parse()
                        .map_err(|_| AppError::BadRequest(format!("No. 「{no}」を読めません")))?;
                    chosen.push(
                        comment::find_by_no(&mut conn, c.id(), no)?.ok_or(AppError::NotFound)?,
                    );
                }
                let actor = Actor::of(&id.user);
                let role = id.role_in(&mut conn, &c)?;
                let editor = Editor {
                    actor: &actor,
                    is_reviewer: role.is_some_and(|r| r.allows(Permission::Review)),
                };
                let r = answers::bulk(&mut conn, &editor, &chosen, disposition, &text, replace)
                    .map_err(|e| AppError::BadRequest(e.to_string()))?;
                let mut done = format!("answered={}&locked={}", r.answered, r.locked);
                if r.replaced > 0 {
                    done.push_str(&format!("&replaced={}", r.replaced));
                }
                if r.kept > 0 {
                    done.push_str(&format!("&kept={}", r.kept));
                }
                if r.in_topic > 0 {
                    done.push_str(&format!("&in_topic={}", r.in_topic));
                }
                Ok(if back.is_empty() {
                    format!("/c/{slug}?{done}")
                } else {
                    format!("/c/{slug}?{back}&{done}")
                })
            },
        )
        .await?;
    Ok(super::see_other(&to))
}
