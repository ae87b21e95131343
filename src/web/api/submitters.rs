//! `/api/v1/consultations/{slug}/submitters…`: correcting a submitter's kind.

use super::*;

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
            move |mut conn, id, c| {
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
