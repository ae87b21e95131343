//! Triage actions from the list and the comment page: tags, assignment, categories.

use super::identity::Identity;
use super::layout::{self, csrf_field};
use super::state::AppState;
use crate::auth::{accounts::Actor, Permission};
use crate::domain::{CategoryId, ClauseId, CommentNo, SubmitterId, SubmitterKind, UserId};
use crate::error::AppError;
use crate::models::{category, comment, Conn};
use crate::triage::submitters;
use crate::triage::tagging::{self, TagChange};
use actix_web::web::{self, Bytes, Data, Path};
use actix_web::HttpResponse;
use maud::{html, Markup};

/// A posted form as pairs (`no` repeats once per chosen comment).
struct Fields(Vec<(String, String)>);

impl Fields {
    fn parse(body: &[u8]) -> Result<Fields, AppError> {
        serde_urlencoded::from_bytes(body)
            .map(Fields)
            .map_err(|_| AppError::BadRequest("送信内容を読めません".into()))
    }

    fn get(&self, k: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    fn all(&self, k: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn id(&self, k: &str) -> Result<Option<i64>, AppError> {
        self.get(k)
            .map(|v| {
                v.parse()
                    .map_err(|_| AppError::BadRequest(format!("{k}「{v}」を読めません")))
            })
            .transpose()
    }
}

fn chosen(
    conn: &mut Conn,
    consultation: crate::domain::ConsultationId,
    nos: &[String],
) -> Result<Vec<comment::Comment>, AppError> {
    if nos.is_empty() {
        return Err(AppError::BadRequest("意見を一つ以上選んでください".into()));
    }
    nos.iter()
        .map(|no| {
            let no: CommentNo = no
                .parse()
                .map_err(|_| AppError::BadRequest(format!("No. 「{no}」を読めません")))?;
            comment::find_by_no(conn, consultation, no)?.ok_or(AppError::NotFound)
        })
        .collect()
}

fn back(slug: &str, fields: &Fields, report: &str) -> String {
    match fields.get("back") {
        Some(q) => format!("/c/{slug}?{q}&{report}"),
        None => format!("/c/{slug}?{report}"),
    }
}

/// POST /c/{slug}/tags/bulk
pub async fn tags_bulk(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    body: Bytes,
) -> Result<HttpResponse, AppError> {
    let f = Fields::parse(&body)?;
    let slug = slug.into_inner();
    let to = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Triage,
            move |mut conn, id, c| {
                let targets = chosen(&mut conn, c.id(), &f.all("no"))?;
                let change = TagChange {
                    clause: f.id("set_clause")?.map(|i| Some(ClauseId(i))),
                    category: f.id("set_category")?.map(|i| Some(CategoryId(i))),
                };
                let n = tagging::tag(&mut conn, &Actor::of(&id.user), c.id(), &targets, change)?;
                Ok(back(&slug, &f, &format!("tagged={n}")))
            },
        )
        .await?;
    Ok(super::see_other(&to))
}

/// POST /c/{slug}/assign/bulk
pub async fn assign_bulk(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    body: Bytes,
) -> Result<HttpResponse, AppError> {
    let f = Fields::parse(&body)?;
    let due = super::parse_due(f.get("due_on").as_deref())?;
    let slug = slug.into_inner();
    let to = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Assign,
            move |mut conn, id, c| {
                let drafter = f
                    .id("assign_to")?
                    .ok_or_else(|| AppError::BadRequest("担当者を選んでください".into()))?;
                super::require_drafter(&mut conn, c.id(), drafter)?;
                let targets = chosen(&mut conn, c.id(), &f.all("no"))?;
                let n = tagging::assign(
                    &mut conn,
                    &Actor::of(&id.user),
                    c.id(),
                    &targets,
                    UserId(drafter),
                    due,
                )?;
                Ok(back(&slug, &f, &format!("assigned={n}")))
            },
        )
        .await?;
    Ok(super::see_other(&to))
}

/// POST /c/{slug}/comments/{no}/tags
pub async fn tag_one(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    body: Bytes,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, AppError> {
    let f = Fields::parse(&body)?;
    let (slug, no) = path.into_inner();
    let to = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Triage,
            move |mut conn, id, c| {
                let targets = chosen(&mut conn, c.id(), std::slice::from_ref(&no))?;
                // An empty select means "none" here: the form always sends both.
                let change = TagChange {
                    clause: Some(f.id("clause")?.map(ClauseId)),
                    category: Some(f.id("category")?.map(CategoryId)),
                };
                tagging::tag(&mut conn, &Actor::of(&id.user), c.id(), &targets, change)?;
                Ok(format!("/c/{slug}/comments/{no}"))
            },
        )
        .await?;
    Ok(super::see_other(&super::comment_page::keep_list(to, &req)))
}

#[derive(serde::Deserialize)]
pub struct KindForm {
    kind: String,
    back: Option<String>,
}

/// POST /c/{slug}/submitters/{id}/kind: staff correct a submitter's kind (個人 / 法人・団体).
/// Only for users who may see submitters' names.
pub async fn set_submitter_kind(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i64)>,
    form: web::Form<KindForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, submitter) = path.into_inner();
    let f = form.into_inner();
    let kind: SubmitterKind = f
        .kind
        .parse()
        .map_err(|e: crate::domain::UnknownValue| AppError::BadRequest(e.to_string()))?;
    let s = slug.clone();
    state
        .in_consultation(
            &id,
            s.to_string(),
            Permission::Triage,
            move |mut conn, id, c| {
                if !id.can_view_personal() {
                    return Err(AppError::Forbidden);
                }
                submitters::set_kind(
                    &mut conn,
                    &Actor::of(&id.user),
                    c.id(),
                    SubmitterId(submitter),
                    kind,
                )?;
                Ok(())
            },
        )
        .await?;
    let back = f
        .back
        .filter(|b| b.starts_with(&format!("/c/{slug}/")))
        .unwrap_or_else(|| format!("/c/{slug}"));
    Ok(super::see_other(&back))
}

/// GET /c/{slug}/categories
pub async fn categories(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
) -> Result<Markup, AppError> {
    let (c, list, can_edit) = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, who, c| {
                let can_edit = who
                    .role_in(&mut conn, &c)?
                    .is_some_and(|r| r.allows(Permission::Triage));
                let list = category::for_consultation(&mut conn, c.id())?;
                let counts = category::counts(&mut conn, c.id())?;
                Ok((
                    c,
                    list.into_iter()
                        .map(|k| {
                            let n = counts.get(&k.id.0).copied().unwrap_or(0);
                            (k, n)
                        })
                        .collect::<Vec<_>>(),
                    can_edit,
                ))
            },
        )
        .await?;
    Ok(layout::page(
        "分類",
        (&id).into(),
        html! {
            p { a href={ "/c/" (c.slug) } { "← " (c.title) } }
            h1 { "分類" }
            table.list { tbody { @for (k, n) in &list { tr { td { a href={ "/c/" (c.slug) "?category=" (k.id) } { (k.name) } } td.num { (n) } } } } }
            @if can_edit {
                form.filters method="post" action={ "/c/" (c.slug) "/categories" } {
                    (csrf_field(&id))
                    label { "新しい分類" input type="text" name="name" required; }
                    button type="submit" { "追加" }
                }
            }
        },
    ))
}

/// POST /c/{slug}/categories
pub async fn add_category(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    body: Bytes,
) -> Result<HttpResponse, AppError> {
    let f = Fields::parse(&body)?;
    let name = f
        .get("name")
        .ok_or_else(|| AppError::BadRequest("分類の名前を入れてください".into()))?;
    let slug = slug.into_inner();
    let s = slug.clone();
    state
        .in_consultation(
            &id,
            s.to_string(),
            Permission::Triage,
            move |mut conn, id, c| {
                tagging::add_category(&mut conn, &Actor::of(&id.user), c.id(), &name)?;
                Ok(())
            },
        )
        .await?;
    Ok(super::see_other(&format!("/c/{slug}/categories")))
}

/// GET /c/{slug}/comments/{no}/split
pub async fn split_form(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
) -> Result<Markup, AppError> {
    let (slug, no) = path.into_inner();
    let (c, cm) = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Triage,
            move |mut conn, _who, c| {
                let cm = super::comment_named(&mut conn, c.id(), &no)?;
                let answered = crate::models::response::for_comment(&mut conn, cm.id())?.is_some();
                Ok((c, (cm, answered)))
            },
        )
        .await?;
    let (cm, answered) = cm;
    let parts = crate::triage::split::suggest(&cm.body);
    let base = format!("/c/{}/comments/{}", c.slug, cm.no());
    Ok(layout::page(
        "意見の分割",
        (&id).into(),
        html! {
            p { a href=(base) { "← No. " (cm.no()) } }
            h1 { "No. " (cm.no()) " を分割" }
            @if cm.part != 0 {
                p { "この意見は分割済みです（No. " (cm.number) "-1, -2, …）。" }
                form.inline method="post" action={ (base) "/unsplit" } { (csrf_field(&id)) button.secondary type="submit" { "分割を元に戻す" } }
            } @else {
                p { "区切りの提案です。部分と部分の間は「---」だけの行で区切ります。分けた意見は No. " (cm.number) "-1, " (cm.number) "-2, … になり、提出意見とのつながりは保たれます。" }
                form.stack method="post" action={ (base) "/split" } {
                    (csrf_field(&id))
                    textarea name="parts" rows="16" cols="90" { (parts.join("\n---\n")) }
                    @if answered {
                        fieldset {
                            legend { "この意見の回答は" }
                            label.check {
                                input type="radio" name="answer" value="keep" checked;
                                " 部分 " input type="number" name="keep_on" min="1" value=(crate::triage::split::first_substantive(&parts)) style="width:4em";
                                " に残す（ほかの部分はそれぞれに回答する。初めは前置きの後の最初の論点）"
                            }
                            label.check { input type="radio" name="answer" value="copy"; " すべての部分に写す（起案中として。部分ごとに直せます）" }
                        }
                    }
                    button type="submit" { "この区切りで分割する" }
                }
            }
        },
    ))
}

/// POST /c/{slug}/comments/{no}/split
pub async fn split(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    body: Bytes,
) -> Result<HttpResponse, AppError> {
    let f = Fields::parse(&body)?;
    let (slug, no) = path.into_inner();
    let to = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Triage,
            move |mut conn, id, c| {
                let cm = super::comment_named(&mut conn, c.id(), &no)?;
                let text = f.get("parts").unwrap_or_default().replace("\r\n", "\n");
                let parts: Vec<String> = text.split("\n---\n").map(String::from).collect();
                let answer = match (f.get("answer").as_deref(), f.get("keep_on")) {
                    (Some("copy"), _) => crate::triage::split::AnswerOnSplit::CopyToParts,
                    (_, Some(n)) => {
                        crate::triage::split::AnswerOnSplit::KeepOn(n.trim().parse().map_err(
                            |_| AppError::BadRequest("回答を残す部分の番号を読めません".into()),
                        )?)
                    }
                    _ => crate::triage::split::AnswerOnSplit::KeepOnFirst,
                };
                crate::triage::split::split(&mut conn, &Actor::of(&id.user), &cm, &parts, answer)
                    .map_err(|e| AppError::BadRequest(e.to_string()))?;
                Ok(format!("/c/{slug}/comments/{}-1", cm.number))
            },
        )
        .await?;
    Ok(super::see_other(&to))
}

/// POST /c/{slug}/comments/{no}/unsplit
pub async fn unsplit(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, no) = path.into_inner();
    let to = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Triage,
            move |mut conn, id, c| {
                let parsed: CommentNo = no.parse().map_err(|_| AppError::NotFound)?;
                let first = CommentNo {
                    number: parsed.number,
                    part: 1,
                };
                let cm =
                    comment::find_by_no(&mut conn, c.id(), first)?.ok_or(AppError::NotFound)?;
                crate::triage::split::undo(&mut conn, &Actor::of(&id.user), &cm)
                    .map_err(|e| AppError::BadRequest(e.to_string()))?;
                Ok(format!("/c/{slug}/comments/{}", parsed.number))
            },
        )
        .await?;
    Ok(super::see_other(&to))
}
