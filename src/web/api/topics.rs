//! `/api/v1/consultations/{slug}/topics…`: 論点, their comments, answer and review, and the
//! topic suggestions. Answer and review follow the comment endpoints (same states, same 409s).

use super::*;
use crate::drafting::topic_answers;
use crate::models::topic::{self, Topic, TopicText};
use crate::triage::topics;

fn topic_json(t: &Topic, comments: &[CommentNo]) -> Value {
    json!({
        "id": t.number, "title": t.title, "summary": t.summary,
        "clause_id": t.clause_id, "category_id": t.category_id, "version": t.version,
        "comments": comments.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
        "answer": topic_answer_json(t),
    })
}

fn topic_answer_json(t: &Topic) -> Value {
    if !t.has_answer() {
        return Value::Null;
    }
    json!({"disposition": t.disposition, "body": t.answer_body, "state": t.answer_state,
        "version": t.answer_version, "remark": t.reviewer_remark})
}

/// The topic with this No. in the consultation, or 404.
fn numbered(conn: &mut Conn, c: &Consultation, id: &str) -> Result<Topic, AppError> {
    let n: i32 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    topic::numbered(conn, c.id(), n)?.ok_or(AppError::NotFound)
}

/// Comment Nos. as given (`"12"`, `"12-2"`) to ids; an unknown No. is a 400 naming it.
fn comment_ids(
    conn: &mut Conn,
    c: &Consultation,
    nos: &[String],
) -> Result<Vec<CommentId>, AppError> {
    let mut parsed = Vec::with_capacity(nos.len());
    for n in nos {
        parsed.push(
            n.parse::<CommentNo>()
                .map_err(|_| AppError::BadRequest(format!("意見番号「{n}」が読めません")))?,
        );
    }
    let (ids, missing) = comment::ids_by_no(conn, c.id(), &parsed)?;
    if let Some(m) = missing.first() {
        return Err(AppError::BadRequest(format!(
            "意見 {m} はこの案件にありません"
        )));
    }
    Ok(ids)
}

#[derive(Deserialize)]
pub struct TopicBody {
    title: String,
    #[serde(default)]
    summary: String,
    clause: Option<String>,
    category_id: Option<i64>,
    /// On PUT: the version the edit started from.
    version: Option<i32>,
}

impl TopicBody {
    fn text(&self, conn: &mut Conn, c: &Consultation) -> Result<TopicText, AppError> {
        let clause = match self
            .clause
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(label) => Some(
                crate::models::clause::find_by_label(conn, c.id(), label)?
                    .ok_or_else(|| {
                        AppError::BadRequest(format!("項番「{label}」はこの案件にありません"))
                    })?
                    .id,
            ),
            None => None,
        };
        Ok(TopicText {
            title: self.title.clone(),
            summary: self.summary.clone(),
            clause,
            category: self.category_id.map(CategoryId),
        })
    }
}

/// GET /api/v1/consultations/{slug}/topics
pub async fn list_topics(state: Data<AppState>, id: Identity, slug: Path<String>) -> ApiResult {
    let v = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, _, c| {
                let all = topic::all_with_counts(&mut conn, c.id())?;
                Ok(json!({"topics": all.iter().map(|(t, n)| json!({
                "id": t.number, "title": t.title, "summary": t.summary, "comment_count": n,
                "version": t.version, "answer": topic_answer_json(t),
            })).collect::<Vec<_>>()}))
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// POST /api/v1/consultations/{slug}/topics
pub async fn create_topic(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    body: Json<TopicBody>,
) -> ApiResult {
    let b = body.into_inner();
    let v = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Triage,
            move |mut conn, id, c| {
                let text = b.text(&mut conn, &c)?;
                let (t, _) = topics::create(&mut conn, &Actor::of(&id.user), c.id(), &text, &[])?;
                Ok(json!({"id": t.number, "version": t.version}))
            },
        )
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// GET /api/v1/consultations/{slug}/topics/{id}
pub async fn topic_detail(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
) -> ApiResult {
    let (slug, tid) = path.into_inner();
    let v = state
        .in_consultation(&id, slug, Permission::View, move |mut conn, _, c| {
            let t = numbered(&mut conn, &c, &tid)?;
            let nos = topic::member_numbers(&mut conn, t.id)?;
            Ok(topic_json(&t, &nos))
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// PUT /api/v1/consultations/{slug}/topics/{id}
pub async fn update_topic(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    body: Json<TopicBody>,
) -> ApiResult {
    let (slug, tid) = path.into_inner();
    let b = body.into_inner();
    let r = state
        .in_consultation(&id, slug, Permission::Triage, move |mut conn, id, c| {
            let t = numbered(&mut conn, &c, &tid)?;
            let text = b.text(&mut conn, &c)?;
            let expected = b
                .version
                .ok_or_else(|| AppError::BadRequest("version が必要です".into()))?;
            let saved = topics::update(&mut conn, &Actor::of(&id.user), &t, expected, &text)?;
            let now = numbered(&mut conn, &c, &tid)?;
            let nos = topic::member_numbers(&mut conn, now.id)?;
            Ok(if saved {
                ok(json!({"version": now.version}))
            } else {
                conflict("ほかの人が先に変更しました", topic_json(&now, &nos))
            })
        })
        .await?;
    Ok(r.into_response())
}

#[derive(Deserialize)]
pub struct MembersBody {
    #[serde(default)]
    add: Vec<String>,
    #[serde(default)]
    remove: Vec<String>,
}

/// PUT /api/v1/consultations/{slug}/topics/{id}/comments
pub async fn put_topic_comments(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    body: Json<MembersBody>,
) -> ApiResult {
    let (slug, tid) = path.into_inner();
    let b = body.into_inner();
    let v = state
        .in_consultation(&id, slug, Permission::Triage, move |mut conn, id, c| {
            let t = numbered(&mut conn, &c, &tid)?;
            let add = comment_ids(&mut conn, &c, &b.add)?;
            let remove = comment_ids(&mut conn, &c, &b.remove)?;
            let actor = Actor::of(&id.user);
            let added = topics::add(&mut conn, &actor, &t, &add)?;
            let removed = topics::remove(&mut conn, &actor, &t, &remove)?;
            let nos = topic::member_numbers(&mut conn, t.id)?;
            Ok(json!({"added": added.comments, "removed": removed.comments,
                "comments": nos.iter().map(|n| n.to_string()).collect::<Vec<_>>()}))
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// PUT /api/v1/consultations/{slug}/topics/{id}/answer
pub async fn put_topic_answer(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    body: Json<AnswerBody>,
) -> ApiResult {
    let (slug, tid) = path.into_inner();
    let b = body.into_inner();
    let d: Disposition = b
        .disposition
        .parse()
        .map_err(|e: crate::domain::UnknownValue| AppError::BadRequest(e.to_string()))?;
    let r = state
        .in_consultation(&id, slug, Permission::Draft, move |mut conn, id, c| {
            let t = numbered(&mut conn, &c, &tid)?;
            let actor = Actor::of(&id.user);
            let is_reviewer = id
                .role_in(&mut conn, &c)?
                .is_some_and(|r| r.allows(Permission::Review));
            let editor = Editor {
                actor: &actor,
                is_reviewer,
            };
            Ok(
                match topic_answers::save(&mut conn, &editor, &t, d, &b.body, b.version, false)? {
                    Outcome::Saved { version, members } => {
                        ok(json!({"version": version, "comments_answered": members}))
                    }
                    Outcome::Conflict(now) => conflict(
                        "ほかの人が先に保存しました。current を見て version を合わせてください",
                        topic_answer_json(&now),
                    ),
                    Outcome::Locked => {
                        conflict("確定済みの回答は変えられません", topic_answer_json(&t))
                    }
                    Outcome::Refused(why) => return Err(AppError::BadRequest(why)),
                },
            )
        })
        .await?;
    Ok(r.into_response())
}

/// POST /api/v1/consultations/{slug}/topics/{id}/review
pub async fn review_topic(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    body: Json<ReviewBody>,
) -> ApiResult {
    let (slug, tid) = path.into_inner();
    let b = body.into_inner();
    let need = if b.action.needs_reviewer() {
        Permission::Review
    } else {
        Permission::Draft
    };
    let r = state
        .in_consultation(&id, slug, need, move |mut conn, id, c| {
            let t = numbered(&mut conn, &c, &tid)?;
            let actor = Actor::of(&id.user);
            let is_reviewer = id
                .role_in(&mut conn, &c)?
                .is_some_and(|r| r.allows(Permission::Review));
            let editor = Editor {
                actor: &actor,
                is_reviewer,
            };
            Ok(
                match topic_answers::review(
                    &mut conn,
                    &editor,
                    &t,
                    b.action,
                    b.version,
                    b.remark.as_deref(),
                )? {
                    Outcome::Saved { version, .. } => {
                        let now = numbered(&mut conn, &c, &tid)?;
                        ok(json!({"version": version, "answer": topic_answer_json(&now)}))
                    }
                    Outcome::Conflict(now) => {
                        conflict("ほかの人が先に変更しました", topic_answer_json(&now))
                    }
                    Outcome::Locked => conflict("確定済みです", Value::Null),
                    Outcome::Refused(why) => return Err(AppError::BadRequest(why)),
                },
            )
        })
        .await?;
    Ok(r.into_response())
}

#[derive(Deserialize)]
pub struct SuggestionQuery {
    /// A clause label: only comments tagged within its subtree.
    clause: Option<String>,
}

/// GET /api/v1/consultations/{slug}/topic-suggestions
pub async fn topic_suggestions(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    q: Query<SuggestionQuery>,
) -> ApiResult {
    let q = q.into_inner();
    let v = state
        .in_consultation(&id, slug.to_string(), Permission::View, move |mut conn, _, c| {
            let scope = crate::web::topics::scope_of(&mut conn, &c, q.clause.as_deref())?;
            let found = crate::triage::topic_suggestions::suggest(&mut conn, c.id(), scope)?;
            Ok(json!({"suggestions": found.iter().map(|s| json!({
                "key_phrases": s.key_phrases, "representative": s.members.first().map(|m| m.to_string()),
                "comments": s.members.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
                "cohesion": s.cohesion, "signature": s.signature,
            })).collect::<Vec<_>>()}))
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}
