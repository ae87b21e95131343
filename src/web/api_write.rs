//! The JSON API beyond lists: one comment, answers (with optimistic locking: a stale
//! `version` gets 409 and the current answer), review moves, tags, assignment, revisions,
//! the pre-publication check, exports, and the OpenAPI document.

use super::api::ApiError;
use super::identity::Identity;
use super::state::AppState;
use crate::auth::{accounts::Actor, Permission};
use crate::domain::{CategoryId, ClauseId, CommentId, CommentNo, Disposition, UserId};
use crate::drafting::answers::{self, Editor, Outcome};
use crate::drafting::review::ReviewAction;
use crate::drafting::revisions::{self, RevisionForm};
use crate::error::AppError;
use crate::models::{assignment, comment, consultation::Consultation, response, revision, Conn};
use crate::publish::export::{self, Document, ExportError, Format, Request};
use crate::publish::{check, results};
use crate::triage::tagging::{self, TagChange};
use actix_web::http::StatusCode;
use actix_web::web::{Data, Json, Path, Query};
use actix_web::HttpResponse;
use serde::Deserialize;
use serde_json::{json, Value};

type ApiResult = Result<HttpResponse, ApiError>;

/// A reply built inside a blocking closure (HttpResponse itself cannot cross threads).
enum Reply {
    Json(StatusCode, Value),
    File {
        content_type: &'static str,
        name: String,
        bytes: Vec<u8>,
    },
}

impl Reply {
    fn into_response(self) -> HttpResponse {
        match self {
            Reply::Json(status, v) => HttpResponse::build(status).json(v),
            Reply::File {
                content_type,
                name,
                bytes,
            } => HttpResponse::Ok()
                .content_type(content_type)
                .insert_header((
                    "Content-Disposition",
                    format!("attachment; filename=\"{name}\""),
                ))
                .body(bytes),
        }
    }
}

fn ok(v: Value) -> Reply {
    Reply::Json(StatusCode::OK, v)
}

fn conflict(message: &str, current: Value) -> Reply {
    Reply::Json(
        StatusCode::CONFLICT,
        json!({"error": "conflict", "message": message, "current": current}),
    )
}

fn load(
    conn: &mut Conn,
    id: &Identity,
    slug: &str,
    no: &str,
    p: Permission,
) -> Result<(Consultation, comment::Comment), AppError> {
    let c = id.consultation(conn, slug, p)?;
    let no: CommentNo = no.parse().map_err(|_| AppError::NotFound)?;
    let cm = comment::find_by_no(conn, c.id(), no)?.ok_or(AppError::NotFound)?;
    Ok((c, cm))
}

fn answer_json(r: &Option<response::Response>) -> Value {
    match r {
        Some(r) => {
            json!({"disposition": r.disposition, "body": r.body, "state": r.state, "version": r.version, "remark": r.reviewer_remark})
        }
        None => Value::Null,
    }
}

fn revision_json(r: &revision::Revision, comments: &[String]) -> Value {
    let (revised_clause, revised) = r.revised_side();
    json!({"id": r.id, "clause_id": r.clause_id, "clause": r.clause_label, "revised_clause": revised_clause,
        "kind": r.kind().code(), "original": r.original_text, "revised": revised,
        "reason": r.reason, "version": r.version, "comments": comments})
}

/// GET /api/v1/consultations/{slug}/comments/{no}
pub async fn comment_detail(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
) -> ApiResult {
    let (slug, no) = path.into_inner();
    let v = state.blocking(move |mut conn| -> Result<Value, AppError> {
        let (_, cm) = load(&mut conn, &id, &slug, &no, Permission::View)?;
        let answer = response::for_comment(&mut conn, cm.id())?;
        let revs = revision::for_comment(&mut conn, cm.id())?;
        let a = assignment::for_comment(&mut conn, cm.id())?;
        Ok(json!({
            "no": cm.no().to_string(), "body": cm.body, "volume": cm.volume, "chapter": cm.chapter, "page": cm.page,
            "clause_id": cm.clause_id, "category_id": cm.category_id, "group_id": cm.duplicate_group_id,
            "answer": answer_json(&answer),
            "assignment": a.map(|a| json!({"drafter_id": a.drafter_id, "due_on": a.due_on})),
            "revisions": revs.iter().map(|r| revision_json(r, &[])).collect::<Vec<_>>(),
        }))
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

#[derive(Deserialize)]
pub struct AnswerBody {
    disposition: String,
    body: String,
    /// The version this edit started from; omit (or null) for a comment without an answer.
    version: Option<i32>,
}

/// PUT /api/v1/consultations/{slug}/comments/{no}/answer
pub async fn put_answer(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    body: Json<AnswerBody>,
) -> ApiResult {
    let (slug, no) = path.into_inner();
    let b = body.into_inner();
    let d: Disposition = b
        .disposition
        .parse()
        .map_err(|e: crate::domain::UnknownValue| AppError::BadRequest(e.to_string()))?;
    let r = state
        .blocking(move |mut conn| -> Result<Reply, AppError> {
            let (c, cm) = load(&mut conn, &id, &slug, &no, Permission::Draft)?;
            let actor = Actor::of(&id.user);
            let is_reviewer = id
                .role_in(&mut conn, &c)?
                .is_some_and(|r| r.allows(Permission::Review));
            Ok(
                match answers::save(
                    &mut conn,
                    &Editor {
                        actor: &actor,
                        is_reviewer,
                    },
                    &cm,
                    d,
                    &b.body,
                    b.version,
                )? {
                    Outcome::Saved { version, members } => {
                        ok(json!({"version": version, "group_members_answered": members}))
                    }
                    Outcome::Conflict(current) => conflict(
                        "ほかの人が先に保存しました。current を見て version を合わせてください",
                        answer_json(&Some(*current)),
                    ),
                    Outcome::Locked => conflict(
                        "確定済みの回答は変えられません",
                        answer_json(&response::for_comment(&mut conn, cm.id())?),
                    ),
                    Outcome::Refused(why) => return Err(AppError::BadRequest(why)),
                },
            )
        })
        .await?;
    Ok(r.into_response())
}

#[derive(Deserialize)]
pub struct ReviewBody {
    action: ReviewAction,
    version: i32,
    remark: Option<String>,
}

/// POST /api/v1/consultations/{slug}/comments/{no}/review
pub async fn review(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    body: Json<ReviewBody>,
) -> ApiResult {
    let (slug, no) = path.into_inner();
    let b = body.into_inner();
    let r = state.blocking(move |mut conn| -> Result<Reply, AppError> {
        let need = if b.action.needs_reviewer() { Permission::Review } else { Permission::Draft };
        let (c, cm) = load(&mut conn, &id, &slug, &no, need)?;
        let actor = Actor::of(&id.user);
        let is_reviewer = id.role_in(&mut conn, &c)?.is_some_and(|r| r.allows(Permission::Review));
        Ok(match answers::review(&mut conn, &Editor { actor: &actor, is_reviewer }, &cm, b.action, b.version, b.remark.as_deref())? {
            Outcome::Saved { version, .. } => ok(json!({"version": version, "answer": answer_json(&response::for_comment(&mut conn, cm.id())?)})),
            Outcome::Conflict(current) => conflict("ほかの人が先に変更しました", answer_json(&Some(*current))),
            Outcome::Locked => conflict("確定済みです", Value::Null),
            Outcome::Refused(why) => return Err(AppError::BadRequest(why)),
        })
    })
    .await?;
    Ok(r.into_response())
}

#[derive(Deserialize)]
pub struct TagsBody {
    /// Absent: unchanged; null: removed.
    #[serde(default, deserialize_with = "present")]
    clause_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    category_id: Option<Option<i64>>,
}

/// PUT /api/v1/consultations/{slug}/comments/{no}/tags
pub async fn put_tags(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    body: Json<TagsBody>,
) -> ApiResult {
    let (slug, no) = path.into_inner();
    let b = body.into_inner();
    state
        .blocking(move |mut conn| -> Result<(), AppError> {
            let (c, cm) = load(&mut conn, &id, &slug, &no, Permission::Triage)?;
            let change = TagChange {
                clause: b.clause_id.map(|x| x.map(ClauseId)),
                category: b.category_id.map(|x| x.map(CategoryId)),
            };
            tagging::tag(&mut conn, &Actor::of(&id.user), c.id(), &[cm], change)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({"ok": true})))
}

#[derive(Deserialize)]
pub struct SubmitterKindBody {
    kind: crate::domain::SubmitterKind,
}

/// PUT /api/v1/consultations/{slug}/submitters/{id}/kind: correct a submitter's kind
/// (`individual` / `organization`); needs the personal-information permission.
pub async fn put_submitter_kind(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i64)>,
    body: Json<SubmitterKindBody>,
) -> ApiResult {
    let (slug, submitter) = path.into_inner();
    let kind = body.into_inner().kind;
    let changed = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Triage,
            move |mut conn, id, c| -> Result<bool, AppError> {
                if !id.can_view_personal() {
                    return Err(AppError::Forbidden);
                }
                Ok(crate::triage::submitters::set_kind(
                    &mut conn,
                    &Actor::of(&id.user),
                    c.id(),
                    crate::domain::SubmitterId(submitter),
                    kind,
                )?)
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(json!({"ok": true, "changed": changed, "kind": kind.code()})))
}

#[derive(Deserialize)]
pub struct AssignmentBody {
    drafter_id: i64,
    due_on: Option<chrono::NaiveDate>,
}

/// PUT /api/v1/consultations/{slug}/comments/{no}/assignment
pub async fn put_assignment(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    body: Json<AssignmentBody>,
) -> ApiResult {
    let (slug, no) = path.into_inner();
    let b = body.into_inner();
    state
        .blocking(move |mut conn| -> Result<(), AppError> {
            let (c, cm) = load(&mut conn, &id, &slug, &no, Permission::Assign)?;
            super::require_drafter(&mut conn, c.id(), b.drafter_id)?;
            tagging::assign(
                &mut conn,
                &Actor::of(&id.user),
                c.id(),
                &[cm],
                UserId(b.drafter_id),
                b.due_on,
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({"ok": true})))
}

/// GET /api/v1/consultations/{slug}/revisions
pub async fn list_revisions(state: Data<AppState>, id: Identity, slug: Path<String>) -> ApiResult {
    let v = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, _id, c| -> Result<Value, AppError> {
                let mut out = Vec::new();
                for r in revision::all(&mut conn, c.id())? {
                    let nos: Vec<String> = revision::linked_comments(&mut conn, r.id.0)?
                        .into_iter()
                        .filter_map(|cid| comment::find(&mut conn, CommentId(cid)).ok().flatten())
                        .map(|c| c.no().to_string())
                        .collect();
                    out.push(revision_json(&r, &nos));
                }
                Ok(Value::Array(out))
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

#[derive(Deserialize)]
pub struct RevisionBody {
    clause_id: Option<i64>,
    #[serde(default)]
    clause: String,
    /// The 修正後 label: absent, the same as `clause`; "" none (the clause is deleted).
    revised_clause: Option<String>,
    #[serde(default)]
    original: String,
    #[serde(default)]
    revised: String,
    #[serde(default)]
    reason: String,
    /// Comment numbers (`"52"`, `"7-2"`) the revision answers.
    comments: Vec<String>,
    /// Required when updating.
    version: Option<i32>,
}

fn save_revision(
    conn: &mut crate::db::DbConnection,
    id: &Identity,
    slug: &str,
    b: &RevisionBody,
    existing: Option<i64>,
) -> Result<Reply, AppError> {
    let c = id.consultation(conn, slug, Permission::Draft)?;
    let mut ids = Vec::new();
    for n in &b.comments {
        let no: CommentNo = n
            .parse()
            .map_err(|_| AppError::BadRequest(format!("No. 「{n}」を読めません")))?;
        ids.push(
            comment::find_by_no(conn, c.id(), no)?
                .ok_or_else(|| AppError::BadRequest(format!("No. {no} の意見はありません")))?
                .id(),
        );
    }
    let form = RevisionForm {
        clause: b.clause_id.map(ClauseId),
        clause_label: b.clause.clone(),
        revised_clause: b.revised_clause.clone(),
        original_text: b.original.clone(),
        revised_text: b.revised.clone(),
        reason: b.reason.clone(),
        comments: ids,
    };
    let existing = match existing {
        Some(rid) => {
            revision::find(conn, rid)?
                .filter(|r| r.consultation_id == c.id)
                .ok_or(AppError::NotFound)?;
            Some((
                rid,
                b.version
                    .ok_or_else(|| AppError::BadRequest("version が必要です".into()))?,
            ))
        }
        None => None,
    };
    Ok(
        match revisions::save(conn, &Actor::of(&id.user), c.id(), &form, existing)? {
            revisions::Outcome::Saved { id, version } => Reply::Json(
                if existing.is_some() {
                    StatusCode::OK
                } else {
                    StatusCode::CREATED
                },
                json!({"id": id, "version": version}),
            ),
            revisions::Outcome::Conflict(current) => {
                conflict("ほかの人が先に保存しました", revision_json(&current, &[]))
            }
            revisions::Outcome::Refused(why) => return Err(AppError::BadRequest(why)),
        },
    )
}

/// POST /api/v1/consultations/{slug}/revisions
pub async fn create_revision(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    body: Json<RevisionBody>,
) -> ApiResult {
    let r = state
        .blocking(move |mut conn| save_revision(&mut conn, &id, &slug, &body, None))
        .await?;
    Ok(r.into_response())
}

/// PUT /api/v1/consultations/{slug}/revisions/{id}
pub async fn update_revision(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i64)>,
    body: Json<RevisionBody>,
) -> ApiResult {
    let (slug, rid) = path.into_inner();
    let r = state
        .blocking(move |mut conn| save_revision(&mut conn, &id, &slug, &body, Some(rid)))
        .await?;
    Ok(r.into_response())
}

/// GET /api/v1/consultations/{slug}/check
pub async fn run_check(state: Data<AppState>, id: Identity, slug: Path<String>) -> ApiResult {
    let problems = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, _id, c| -> Result<Vec<check::Problem>, AppError> {
                Ok(check::run(&mut conn, c.id(), &c.slug)?)
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(json!({"ok": problems.is_empty(), "problems": problems})))
}

#[derive(Deserialize)]
pub struct ExportQuery {
    format: Option<Format>,
    layout: Option<String>,
    order: Option<results::Order>,
    duplicates: Option<results::DuplicateRows>,
    #[serde(rename = "final")]
    final_version: Option<bool>,
}

/// GET /api/v1/consultations/{slug}/exports/{document}
pub async fn export_file(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, Document)>,
    q: Query<ExportQuery>,
) -> ApiResult {
    let (slug, document) = path.into_inner();
    let layout = match q.layout.as_deref().unwrap_or("mhlw") {
        "mic" => results::Layout::Mic,
        "mhlw" => results::Layout::Mhlw,
        other => return Err(AppError::BadRequest(format!("layout「{other}」はありません")).into()),
    };
    let req = Request {
        document,
        format: q.format.unwrap_or(Format::Xlsx),
        layout,
        options: results::ResultOptions {
            order: q.order.unwrap_or_default(),
            duplicates: q.duplicates.unwrap_or_default(),
            final_version: q.final_version.unwrap_or(false),
        },
    };
    let r = state.in_consultation(&id, slug.to_string(), Permission::Publish, move |mut conn, id, c| -> Result<Reply, AppError> {
        Ok(match export::export_for(&mut conn, &Actor::of(&id.user), &c, &req, "api") {
            Ok(f) => {
                Reply::File { content_type: f.content_type, name: f.file_name, bytes: f.bytes }
            }
            Err(ExportError::Blocked(problems)) => Reply::Json(StatusCode::CONFLICT, json!({"error": "check_failed", "message": "公表前チェックに問題があります", "problems": problems})),
            Err(ExportError::Unsupported(m)) => return Err(AppError::BadRequest(m)),
            Err(ExportError::Database(e)) => return Err(e.into()),
            Err(ExportError::Other(e)) => return Err(e.into()),
        })
    })
    .await?;
    Ok(r.into_response())
}

/// A field that is present (even as null) is `Some`; an absent one stays `None` by default.
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// GET /api/v1/openapi.json
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(include_str!("openapi.json"))
}

#[derive(Deserialize)]
pub struct RedactionBody {
    original: String,
    replacement: String,
    reason: String,
}

/// POST /api/v1/consultations/{slug}/comments/{no}/redactions
pub async fn redact(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    body: Json<RedactionBody>,
) -> ApiResult {
    let (slug, no) = path.into_inner();
    let b = body.into_inner();
    if b.original.trim().is_empty() || b.reason.trim().is_empty() {
        return Err(AppError::BadRequest("original と reason が必要です".into()).into());
    }
    let rid = state
        .blocking(move |mut conn| -> Result<i64, AppError> {
            let (c, cm) = load(&mut conn, &id, &slug, &no, Permission::Publish)?;
            Ok(crate::publish::redactions::redact(
                &mut conn,
                &Actor::of(&id.user),
                c.id(),
                &cm,
                &crate::publish::redactions::Redaction {
                    original: &b.original,
                    replacement: &b.replacement,
                    reason: &b.reason,
                },
                "api",
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(json!({"id": rid})))
}
