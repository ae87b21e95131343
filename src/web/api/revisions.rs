//! `/api/v1/consultations/{slug}/revisions…`: 修正内容, listed, created and updated.

use super::*;

/// GET /api/v1/consultations/{slug}/revisions
pub async fn list_revisions(state: Data<AppState>, id: Identity, slug: Path<String>) -> ApiResult {
    let v = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, _id, c| {
                let mut out = Vec::new();
                for r in revision::all(&mut conn, c.id())? {
                    let nos: Vec<String> = revision::linked_comments(&mut conn, r.id)?
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
    existing: Option<RevisionId>,
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
        match drafting_revisions::save(conn, &Actor::of(&id.user), c.id(), &form, existing)? {
            drafting_revisions::Outcome::Saved { id, version } => Reply::Json(
                if existing.is_some() {
                    StatusCode::OK
                } else {
                    StatusCode::CREATED
                },
                json!({"id": id, "version": version}),
            ),
            drafting_revisions::Outcome::Conflict(current) => {
                conflict("ほかの人が先に保存しました", revision_json(&current, &[]))
            }
            drafting_revisions::Outcome::Refused(why) => return Err(AppError::BadRequest(why)),
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
        .blocking(move |mut conn| {
            save_revision(&mut conn, &id, &slug, &body, Some(RevisionId(rid)))
        })
        .await?;
    Ok(r.into_response())
}
