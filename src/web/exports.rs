//! Publishing from the browser: the pre-publication check, redactions of personal
//! information, and downloads of the result table, 新旧対照表 and revised text.

use super::identity::Identity;
use super::layout::{self, csrf_field};
use super::state::AppState;
use crate::auth::{accounts::Actor, Permission};
use crate::error::AppError;
use crate::publish::export::{self, Document, ExportError, Format, Request};
use crate::publish::{check, redactions, results};
use actix_web::web::{Data, Form, Path, Query};
use actix_web::HttpResponse;
use maud::{html, Markup};

#[derive(serde::Deserialize)]
pub struct ExportParams {
    document: Option<Document>,
    layout: Option<String>,
    format: Option<Format>,
    order: Option<results::Order>,
    duplicates: Option<results::DuplicateRows>,
    #[serde(rename = "final")]
    final_version: Option<bool>,
}

impl ExportParams {
    pub fn request(&self) -> Result<Request, AppError> {
        let layout: results::Layout = self
            .layout
            .as_deref()
            .unwrap_or("mhlw")
            .parse()
            .map_err(AppError::BadRequest)?;
        Ok(Request {
            document: self.document.unwrap_or(Document::Results),
            format: self.format.unwrap_or(Format::Xlsx),
            layout,
            options: results::ResultOptions {
                order: self.order.unwrap_or_default(),
                duplicates: self.duplicates.unwrap_or_default(),
                final_version: self.final_version.unwrap_or(false),
            },
        })
    }
}

/// GET /c/{slug}/export?document=results|shinkyu|revised&format=…&layout=…&order=…&duplicates=…&final=true
pub async fn results(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    q: Query<ExportParams>,
) -> Result<HttpResponse, AppError> {
    let req = q.request()?;
    let out = state
        .in_consultation(
            &id,
            slug.into_inner(),
            Permission::Publish,
            move |mut conn,
                  who,
                  c|
                  -> Result<Result<export::File, Vec<check::Problem>>, AppError> {
                let file =
                    match export::export_for(&mut conn, &Actor::of(&who.user), &c, &req, "page") {
                        Ok(f) => f,
                        Err(ExportError::Blocked(p)) => return Ok(Err(p)),
                        Err(ExportError::Unsupported(m)) => return Err(AppError::BadRequest(m)),
                        Err(ExportError::Database(e)) => return Err(e.into()),
                        Err(ExportError::Other(e)) => return Err(e.into()),
                    };
                Ok(Ok(file))
            },
        )
        .await?;
    match out {
        // The print page (HTML) opens in the browser to be printed; files are saved. The
        // print page carries its own stylesheet (A4 landscape, column widths, the header on
        // every page): its policy allows inline styles, and still no script at all.
        Ok(file) => Ok(HttpResponse::Ok()
            .insert_header((
                "Content-Security-Policy",
                if file.content_type.starts_with("text/html") {
                    PRINT_PAGE_POLICY
                } else {
                    "default-src 'none'"
                },
            ))
            .insert_header((
                "Content-Disposition",
                format!(
                    "{}; filename=\"{}\"",
                    if file.content_type.starts_with("text/html") {
                        "inline"
                    } else {
                        "attachment"
                    },
                    file.file_name
                ),
            ))
            .content_type(file.content_type)
            .body(file.bytes)),
        Err(problems) => {
            let page = layout::page(
                "公表版は書き出せません",
                (&id).into(),
                html! {
                    h1 { "公表版は書き出せません" }
                    p.error { "公表前チェックで " (problems.len()) " 件の問題があります。直してからもう一度書き出してください（【案】はいつでも書き出せます）。" }
                    (problem_list(&problems))
                },
            );
            Ok(HttpResponse::Conflict()
                .content_type("text/html; charset=utf-8")
                .body(page.into_string()))
        }
    }
}

/// The print page's Content-Security-Policy: its inline stylesheet and column widths, nothing
/// else (no script, no fetch, no form).
pub const PRINT_PAGE_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn problem_list(problems: &[check::Problem]) -> Markup {
    html! { ul.problems { @for p in problems { li { a href=(p.link) { (p.message) } } } } }
}

/// GET /c/{slug}/publish
pub async fn publish(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
) -> Result<Markup, AppError> {
    let (c, problems) = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Publish,
            move |mut conn, _who, c| {
                let problems = check::run(&mut conn, c.id(), &c.slug)?;
                Ok((c, problems))
            },
        )
        .await?;
    let slug = &c.slug;
    let pii: Vec<&check::Problem> = problems
        .iter()
        .filter(|p| p.kind == check::ProblemKind::PersonalInformation)
        .collect();
    let link = |q: &str| format!("/c/{slug}/export?{q}");
    Ok(layout::page(
        "公表",
        (&id).into(),
        html! {
            p { a href={ "/c/" (slug) } { "← " (c.title) } }
            h1 { "公表前チェックと書き出し" }
            @if problems.is_empty() {
                p.flash #check-ok { "問題はありません。公表版を書き出せます。" }
            } @else {
                p.error #check-count { "公表の前に直す問題が " (problems.len()) " 件あります。" }
                (problem_list(&problems))
            }
            @if !pii.is_empty() {
                section.block {
                    h2 { "個人情報の削除" }
                    p.muted { "公表する本文からだけ置き換えます。元の意見は変わりません。理由は記録されます。" }
                    @for p in &pii {
                        @if let Some(no) = &p.comment {
                            form.filters method="post" action={ "/c/" (slug) "/comments/" (no) "/redactions" } {
                                (csrf_field(&id))
                                span { (p.message) }
                                input type="hidden" name="original" value=(p.message.rsplit_once('（').map(|(_, t)| t.trim_end_matches('）')).unwrap_or(""));
                                label { "置き換え" input type="text" name="replacement" value="［個人情報のため削除］"; }
                                label { "理由" input type="text" name="reason" value="個人の連絡先のため" required; }
                                button.secondary type="submit" { "公表版から削除" }
                            }
                        }
                    }
                }
            }
            section.block {
                h2 { "書き出し" }
                table.list {
                    thead { tr { th { "文書" } th { "【案】" } th { "公表版" } } }
                    tbody {
                        tr { td { "意見募集の結果（厚労省形式）" }
                            td { a href=(link("layout=mhlw&format=xlsx")) { "XLSX" } " " a href=(link("layout=mhlw&format=csv")) { "CSV" } " " a href=(link("layout=mhlw&format=html")) { "印刷用" } }
                            td { a href=(link("layout=mhlw&format=xlsx&order=clause&final=true")) { "XLSX" } " " a href=(link("layout=mhlw&format=html&order=clause&final=true")) { "印刷用" } } }
                        tr { td { "意見募集の結果（総務省形式・同旨は1行）" }
                            td { a href=(link("layout=mic&format=xlsx&duplicates=group")) { "XLSX" } " " a href=(link("layout=mic&format=html&duplicates=group")) { "印刷用" } }
                            td { a href=(link("layout=mic&format=xlsx&duplicates=group&order=clause&final=true")) { "XLSX" } } }
                        tr { td { "意見募集の結果（論点ごとの概要・件数）" }
                            td { a href=(link("layout=summary&format=xlsx")) { "XLSX" } " " a href=(link("layout=summary&format=csv")) { "CSV" } " " a href=(link("layout=summary&format=html")) { "印刷用" } }
                            td { a href=(link("layout=summary&format=xlsx&order=clause&final=true")) { "XLSX" } " " a href=(link("layout=summary&format=html&order=clause&final=true")) { "印刷用" } } }
                        tr { td { "新旧対照表" }
                            td { a href=(link("document=shinkyu&format=xlsx")) { "XLSX" } " " a href=(link("document=shinkyu&format=html")) { "印刷用" } }
                            td { a href=(link("document=shinkyu&format=xlsx&final=true")) { "XLSX" } " " a href=(link("document=shinkyu&format=html&final=true")) { "印刷用" } } }
                        tr { td { "修正後の本文" }
                            td { a href=(link("document=revised&format=md")) { "Markdown" } " " a href=(link("document=revised&format=html")) { "HTML" } }
                            td { a href=(link("document=revised&format=md&final=true")) { "Markdown" } } }
                    }
                }
            }
        },
    ))
}

#[derive(serde::Deserialize)]
pub struct RedactionForm {
    original: String,
    replacement: String,
    reason: String,
}

/// POST /c/{slug}/comments/{no}/redactions
pub async fn redact(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    form: Form<RedactionForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, no) = path.into_inner();
    let f = form.into_inner();
    if f.reason.trim().is_empty() || f.original.trim().is_empty() {
        return Err(AppError::BadRequest(
            "削除する文と理由を入れてください".into(),
        ));
    }
    let s = slug.clone();
    state
        .in_consultation(
            &id,
            s.to_string(),
            Permission::Publish,
            move |mut conn, id, c| {
                let cm = super::comment_named(&mut conn, c.id(), &no)?;
                redactions::redact(
                    &mut conn,
                    &Actor::of(&id.user),
                    c.id(),
                    &cm,
                    &crate::publish::redactions::Redaction {
                        original: &f.original,
                        replacement: &f.replacement,
                        reason: &f.reason,
                    },
                    "page",
                )?;
                Ok(())
            },
        )
        .await?;
    Ok(super::see_other(&format!("/c/{slug}/publish")))
}
