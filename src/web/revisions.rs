//! Adding, changing and deleting 修正内容 from a comment's page.

use super::answers::Reply;
use super::comment_page::{self, AnswerForm};
use super::identity::Identity;
use super::state::AppState;
use crate::auth::{accounts::Actor, Permission};
use crate::domain::{ClauseId, CommentId, CommentNo};
use crate::drafting::revisions::{self, Outcome, RevisionForm};
use crate::error::AppError;
use crate::models::{comment, revision, Conn};
use actix_web::http::StatusCode;
use actix_web::web::{Data, Form, Path};
use actix_web::HttpResponse;

#[derive(serde::Deserialize)]
pub struct RevisionData {
    #[serde(default)]
    clause: String,
    #[serde(default)]
    clause_label: String,
    /// 修正後の項番: empty, the same as the 原案's.
    #[serde(default)]
    revised_clause_label: String,
    /// 「この項を削除する」: the 修正後 side has no label and reads （削除）.
    deleted: Option<String>,
    #[serde(default)]
    original_text: String,
    #[serde(default)]
    revised_text: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    comments: String,
    version: Option<i32>,
    back: Option<String>,
}

/// The comments named in the form (`12, 13-2`), which must exist in the consultation.
fn comment_ids(
    conn: &mut Conn,
    consultation: crate::domain::ConsultationId,
    list: &str,
) -> Result<Vec<CommentId>, AppError> {
    let mut ids = Vec::new();
    for part in list
        .split([',', '、', ' ', '，'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let no: CommentNo = part
            .parse()
            .map_err(|_| AppError::BadRequest(format!("No. 「{part}」を読めません")))?;
        let c = comment::find_by_no(conn, consultation, no)?
            .ok_or_else(|| AppError::BadRequest(format!("No. {no} の意見はありません")))?;
        if !ids.contains(&c.id()) {
            ids.push(c.id());
        }
    }
    Ok(ids)
}

fn to_form(
    conn: &mut Conn,
    consultation: crate::domain::ConsultationId,
    f: &RevisionData,
) -> Result<RevisionForm, AppError> {
    Ok(RevisionForm {
        clause: f.clause.trim().parse::<i64>().ok().map(ClauseId),
        clause_label: f.clause_label.clone(),
        revised_clause: if f.deleted.is_some() {
            Some(String::new())
        } else {
            Some(f.revised_clause_label.trim().to_string()).filter(|l| !l.is_empty())
        },
        original_text: f.original_text.clone(),
        revised_text: f.revised_text.clone(),
        reason: f.reason.clone(),
        comments: comment_ids(conn, consultation, &f.comments)?,
    })
}

fn outcome_reply(
    state: &AppState,
    id: &Identity,
    conn: &mut Conn,
    slug: &str,
    no: &str,
    list: &str,
    outcome: Outcome,
) -> Result<Reply, AppError> {
    let page = comment_page::load_in(conn, id, slug, no, list)?;
    Ok(match outcome {
        Outcome::Saved { id: rid, .. } => {
            Reply::Redirect(format!("{}#revision-{rid}", comment_page::link(&page)))
        }
        Outcome::Conflict(current) => {
            let form = AnswerForm {
                error: Some(format!(
                    "修正内容 #{} は、あなたが編集している間にほかの人が保存しました（版 {}）。いまの内容は下のとおりです。あなたの入力は次のとおりで、保存されていません。",
                    current.id, current.version
                )),
                ..Default::default()
            };
            Reply::Page(
                StatusCode::CONFLICT,
                comment_page::view(state, id, &page, form).into_string(),
            )
        }
        Outcome::Refused(why) => Reply::Page(
            StatusCode::BAD_REQUEST,
            comment_page::view(
                state,
                id,
                &page,
                AnswerForm {
                    error: Some(why),
                    ..Default::default()
                },
            )
            .into_string(),
        ),
    })
}

/// POST /c/{slug}/comments/{no}/revisions
pub async fn create(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    req: actix_web::HttpRequest,
    form: Form<RevisionData>,
) -> Result<HttpResponse, AppError> {
    let (slug, no) = path.into_inner();
    let list = req.query_string().to_string();
    let f = form.into_inner();
    let st = state.clone();
    let reply = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Draft,
            move |mut conn, id, c| {
                let mut rf = to_form(&mut conn, c.id(), &f)?;
                let this = super::comment_named(&mut conn, c.id(), &no)?;
                if !rf.comments.contains(&this.id()) {
                    rf.comments.insert(0, this.id());
                }
                let outcome = revisions::save(&mut conn, &Actor::of(&id.user), c.id(), &rf, None)?;
                outcome_reply(&st, &id, &mut conn, &slug, &no, &list, outcome)
            },
        )
        .await?;
    Ok(reply.into_response())
}

/// POST /c/{slug}/revisions/{id}
pub async fn update(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i64)>,
    req: actix_web::HttpRequest,
    form: Form<RevisionData>,
) -> Result<HttpResponse, AppError> {
    let (slug, rid) = path.into_inner();
    let list = req.query_string().to_string();
    let f = form.into_inner();
    let st = state.clone();
    let reply = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Draft,
            move |mut conn, id, c| {
                let existing = revision::find(&mut conn, crate::domain::RevisionId(rid))?
                    .filter(|r| r.consultation_id == c.id)
                    .ok_or(AppError::NotFound)?;
                let mut rf = to_form(&mut conn, c.id(), &f)?;
                // Links to comments not on this form's list stay: the form edits from one comment's page.
                for other in revision::linked_comments(&mut conn, existing.id)? {
                    if !rf.comments.contains(&CommentId(other)) {
                        rf.comments.push(CommentId(other));
                    }
                }
                let version = f
                    .version
                    .ok_or_else(|| AppError::BadRequest("版がありません".into()))?;
                let outcome = revisions::save(
                    &mut conn,
                    &Actor::of(&id.user),
                    c.id(),
                    &rf,
                    Some((crate::domain::RevisionId(rid), version)),
                )?;
                let back = f.back.clone().unwrap_or_default();
                outcome_reply(&st, &id, &mut conn, &slug, &back, &list, outcome)
            },
        )
        .await?;
    Ok(reply.into_response())
}

#[derive(serde::Deserialize)]
pub struct DeleteData {
    version: i32,
    back: String,
}

/// POST /c/{slug}/revisions/{id}/delete
pub async fn delete(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i64)>,
    req: actix_web::HttpRequest,
    form: Form<DeleteData>,
) -> Result<HttpResponse, AppError> {
    let (slug, rid) = path.into_inner();
    let list = req.query_string().to_string();
    let f = form.into_inner();
    let st = state.clone();
    let reply = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Draft,
            move |mut conn, id, c| {
                revision::find(&mut conn, crate::domain::RevisionId(rid))?
                    .filter(|r| r.consultation_id == c.id)
                    .ok_or(AppError::NotFound)?;
                let outcome = revisions::delete(
                    &mut conn,
                    &Actor::of(&id.user),
                    c.id(),
                    crate::domain::RevisionId(rid),
                    f.version,
                )?;
                let outcome = match outcome {
                    Outcome::Saved { .. } => {
                        let to = format!("/c/{slug}/comments/{}", f.back);
                        return Ok(Reply::Redirect(if list.is_empty() {
                            format!("{to}#revisions")
                        } else {
                            format!("{to}?{list}#revisions")
                        }));
                    }
                    other => other,
                };
                outcome_reply(&st, &id, &mut conn, &slug, &f.back, &list, outcome)
            },
        )
        .await?;
    Ok(reply.into_response())
}
