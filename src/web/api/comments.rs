//! `/api/v1/consultations/{slug}/comments…`: the list, one comment, its answer, review moves,
//! tags, assignment and redactions.

use super::*;

#[derive(serde::Deserialize)]
pub struct CommentQuery {
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Serialize)]
pub struct SubmitterJson {
    id: i64,
    kind: &'static str,
    public_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
}

#[derive(Serialize)]
pub struct CommentJson {
    no: String,
    category: Option<String>,
    volume: Option<String>,
    chapter: Option<String>,
    page: Option<String>,
    body: String,
    disposition: Option<&'static str>,
    answer: Option<String>,
    state: Option<&'static str>,
    submitter: Option<SubmitterJson>,
}

#[derive(Serialize)]
pub struct CommentPage {
    total: i64,
    page: i64,
    per_page: i64,
    comments: Vec<CommentJson>,
}

/// GET /api/v1/consultations/{slug}/comments
pub async fn comments(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    q: Query<CommentQuery>,
    filters: Query<crate::web::comments::ListParams>,
) -> Result<Json<CommentPage>, ApiError> {
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(100).clamp(1, 1000);
    let filter = filters.filter();
    let result = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, id, c| {
                let total = comment_list::count_filtered(&mut conn, c.id(), &filter)?;
                let rows = comment_list::list(
                    &mut conn,
                    c.id(),
                    &filter,
                    (page - 1) * per_page,
                    Some(per_page),
                )?;
                let all = submitter::for_consultation(&mut conn, c.id())?;
                let names = anonymize::public_names(
                    all.iter().map(|s| (s.id.0, s.kind(), s.name.as_str())),
                );
                let personal = id.can_view_personal();
                let comments = rows
                    .into_iter()
                    .map(|r| {
                        let submitter = r.submitter.map(|s| {
                            let kind = s.kind;
                            let full = all.iter().find(|x| x.id == s.id);
                            SubmitterJson {
                                id: s.id.0,
                                kind: kind.code(),
                                public_name: names.get(&s.id.0).cloned().unwrap_or_default(),
                                name: personal.then(|| s.name.clone()),
                                email: if personal {
                                    full.and_then(|f| f.email.clone())
                                } else {
                                    None
                                },
                            }
                        });
                        CommentJson {
                            no: r.comment.no().to_string(),
                            category: r.category,
                            volume: r.comment.volume,
                            chapter: r.comment.chapter,
                            page: r.comment.page,
                            body: r.comment.body,
                            disposition: r.disposition.map(Disposition::code),
                            answer: r.answer,
                            state: r.state.map(ResponseState::code),
                            submitter,
                        }
                    })
                    .collect();
                Ok(CommentPage {
                    total,
                    page,
                    per_page,
                    comments,
                })
            },
        )
        .await?;
    Ok(Json(result))
}

/// GET /api/v1/consultations/{slug}/comments/{no}
pub async fn comment_detail(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
) -> ApiResult {
    let (slug, no) = path.into_inner();
    let v = state.blocking(move |mut conn| {
        let (_, cm) = load(&mut conn, &id, &slug, &no, Permission::View)?;
        let answer = response::for_comment(&mut conn, cm.id())?;
        let revs = revision::for_comment(&mut conn, cm.id())?;
        let a = assignment::for_comment(&mut conn, cm.id())?;
        let topic = crate::models::topic::of_comment(&mut conn, cm.id())?;
        Ok(json!({
            "topic": topic.map(|t| t.number),
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
    pub(super) disposition: String,
    pub(super) body: String,
    /// The version this edit started from; omit (or null) for a comment without an answer.
    pub(super) version: Option<i32>,
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
        .blocking(move |mut conn| {
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
    pub(super) action: ReviewAction,
    pub(super) version: i32,
    pub(super) remark: Option<String>,
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
    let r = state.blocking(move |mut conn| {
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
        .blocking(move |mut conn| {
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
        .blocking(move |mut conn| {
            let (c, cm) = load(&mut conn, &id, &slug, &no, Permission::Assign)?;
            crate::web::require_drafter(&mut conn, c.id(), b.drafter_id)?;
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
        .blocking(move |mut conn| {
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
