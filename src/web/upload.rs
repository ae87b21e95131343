//! Importing from the browser: a comment table or the draft's clauses uploaded on a page,
//! read by the same functions as `pubcom import`, with the same checks and messages (an
//! error names the file, row and column, and nothing is written).

use super::identity::Identity;
use super::layout::{self, csrf_field};
use super::state::AppState;
use crate::auth::{accounts::Actor, Permission};
use crate::error::AppError;
use crate::intake::decode::TextEncoding;
use crate::intake::import::{self, ImportOptions};
use crate::models::consultation;
use actix_multipart::form::{bytes::Bytes, text::Text, MultipartForm};
use actix_web::http::StatusCode;
use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use maud::{html, Markup};

/// Files up to this size are taken (a 100,000-comment table is about 60 MB).
const MAX_UPLOAD: usize = 200 * 1024 * 1024;

/// Uploads are held in memory up to [`MAX_UPLOAD`] (actix-multipart keeps 2 MB by default).
pub fn limits() -> actix_multipart::form::MultipartFormConfig {
    actix_multipart::form::MultipartFormConfig::default()
        .total_limit(MAX_UPLOAD)
        .memory_limit(MAX_UPLOAD)
}

#[derive(MultipartForm)]
#[multipart(duplicate_field = "replace")]
pub struct Upload {
    #[multipart(limit = "200MB")]
    file: Bytes,
    encoding: Option<Text<String>>,
    renumber: Option<Text<String>>,
}

impl Upload {
    /// The file's name and the encoding chosen, or why the upload cannot be read.
    fn checked(&self) -> Result<(String, Option<TextEncoding>), String> {
        let name = match self.file.file_name.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() && !self.file.data.is_empty() => name.to_string(),
            _ => return Err("ファイルを選んでください".into()),
        };
        let encoding = match self.encoding.as_ref().map(|t| t.as_str()) {
            None | Some("") => None,
            Some("utf-8") => Some(TextEncoding::Utf8),
            Some("shift_jis") => Some(TextEncoding::ShiftJis),
            Some(other) => return Err(format!("文字コード「{other}」は選べません")),
        };
        Ok((name, encoding))
    }
}

/// A new consultation's comment table: its short name (略称) and title besides the file.
#[derive(MultipartForm)]
#[multipart(duplicate_field = "replace")]
pub struct NewConsultation {
    #[multipart(limit = "200MB")]
    file: Bytes,
    slug: Text<String>,
    title: Text<String>,
    encoding: Option<Text<String>>,
}

/// GET /import: a new consultation from its comment table (administrators).
pub async fn new_form(id: Identity) -> Result<Markup, AppError> {
    id.require(Permission::Administer)?;
    Ok(new_view(&id, None))
}

/// POST /import (multipart; the CSRF token in the query): creates the consultation and
/// imports its table as `pubcom import comments --consultation SLUG` does, then sets its title.
pub async fn new_consultation(
    state: Data<AppState>,
    id: Identity,
    upload: MultipartForm<NewConsultation>,
) -> Result<HttpResponse, AppError> {
    id.require(Permission::Administer)?;
    let profiles = state.profiles.clone();
    let phrases = state.phrases.clone();
    let who = id.clone();
    let outcome = state
        .blocking(
            move |mut conn| -> Result<Result<String, String>, AppError> {
                let u = upload.into_inner();
                let upload = Upload {
                    file: u.file,
                    encoding: u.encoding,
                    renumber: None,
                };
                let (name, encoding) = match upload.checked() {
                    Ok(checked) => checked,
                    Err(why) => return Ok(Err(why)),
                };
                let slug = u.slug.trim().to_string();
                if let Err(why) = consultation::validate_slug(&slug) {
                    return Ok(Err(why));
                }
                if consultation::find_by_slug(&mut conn, &slug)?.is_some() {
                    return Ok(Err(format!(
                    "略称「{slug}」の案件はもうあります。その案件の「取込」から取り込んでください"
                )));
                }
                let opts = ImportOptions {
                    consultation: slug.clone(),
                    encoding,
                    actor: format!("user:{}", who.user.login),
                    ..Default::default()
                };
                let report = match read_table(
                    &mut conn,
                    &name,
                    &upload.file.data,
                    &opts,
                    &profiles,
                    &phrases,
                )? {
                    Ok(r) => r,
                    Err(why) => return Ok(Err(why)),
                };
                let c = consultation::find_by_slug(&mut conn, &slug)?.ok_or(AppError::NotFound)?;
                let actor = Actor::of(&who.user);
                if !u.title.trim().is_empty() {
                    crate::consultations::set_title(&mut conn, &actor, &c, &u.title)?;
                }
                crate::triage::grouping::propose_if_awaiting(&mut conn, &actor, c.id())?;
                tracing::info!(slug, added = report.comments_added, "consultation imported");
                Ok(Ok(format!("/c/{slug}")))
            },
        )
        .await?;
    match outcome {
        Ok(to) => Ok(super::see_other(&to)),
        Err(why) => Ok(HttpResponse::BadRequest()
            .content_type("text/html; charset=utf-8")
            .body(new_view(&id, Some(&why)).into_string())),
    }
}

fn new_view(id: &Identity, error: Option<&str>) -> Markup {
    let csrf = id.csrf().unwrap_or("");
    layout::page(
        "新しい案件",
        id.into(),
        html! {
            p { a href="/" { "← 案件の一覧" } }
            h1 { "新しい案件を取り込む" }
            @if let Some(why) = error {
                div.error #import-error role="alert" {
                    p { strong { "取り込めませんでした（何も書き込んでいません）。" } }
                    p { (why) }
                }
            }
            form.stack #new-consultation method="post" enctype="multipart/form-data"
                action={ "/import?" (crate::web::layout::CSRF_FIELD) "=" (csrf) } {
                (csrf_field(id))
                label { "略称（URL に使う英数字）" input type="text" name="slug" required pattern="[a-z0-9][a-z0-9-]*"; }
                label { "題名" input type="text" name="title"; }
                label { "意見の表（CSV・TSV・XLSX）" input type="file" name="file" required accept=".csv,.tsv,.txt,.xlsx"; }
                label { "文字コード"
                    select name="encoding" {
                        option value="" { "自動判定" }
                        option value="utf-8" { "UTF-8" }
                        option value="shift_jis" { "Shift_JIS" }
                    }
                }
                button type="submit" { "案件を作って取り込む" }
            }
            p.muted { "担当する人は、ユーザー管理で案件ごとに設定します。" }
        },
    )
}

/// An uploaded comment table read as `pubcom import comments` reads it, then made
/// searchable. `Ok(Err(why))`: bad input (the message names file, row and column), and
/// nothing was written.
fn read_table(
    conn: &mut crate::models::Conn,
    name: &str,
    bytes: &[u8],
    opts: &ImportOptions,
    profiles: &[crate::intake::profile::Profile],
    phrases: &crate::drafting::stock_phrases::StockPhrases,
) -> Result<Result<import::ImportReport, String>, AppError> {
    let data = std::io::Cursor::new(bytes.to_vec());
    match import::import_comments(conn, name, data, opts, profiles, phrases, &mut |_, _| {}) {
        Ok(report) => {
            crate::db::search_index::index_pending(conn, &mut |_| {})?;
            Ok(Ok(report))
        }
        Err(e) => Ok(Err(format!("{e:#}"))),
    }
}

/// What the page shows after an upload: the import's report, or why nothing was written.
enum Outcome {
    Done(Vec<String>),
    Refused(String),
}

/// GET /c/{slug}/import
pub async fn form(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
) -> Result<Markup, AppError> {
    let c = state
        .in_consultation(&id, slug.into_inner(), Permission::Import, |_, _, c| Ok(c))
        .await?;
    Ok(view(&id, &c, None))
}

/// POST /c/{slug}/import/comments (multipart; the CSRF token in the query)
pub async fn comments(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    upload: MultipartForm<Upload>,
) -> Result<HttpResponse, AppError> {
    let profiles = state.profiles.clone();
    let phrases = state.phrases.clone();
    let (c, outcome) = state
        .in_consultation(
            &id,
            slug.into_inner(),
            Permission::Import,
            move |mut conn, who, c| {
                let upload = upload.into_inner();
                let (name, encoding) = match upload.checked() {
                    Ok(checked) => checked,
                    Err(why) => return Ok((c, Outcome::Refused(why))),
                };
                let opts = ImportOptions {
                    consultation: c.slug.clone(),
                    encoding,
                    renumber: upload.renumber.is_some(),
                    actor: format!("user:{}", who.user.login),
                    ..Default::default()
                };
                let report = match read_table(
                    &mut conn,
                    &name,
                    &upload.file.data,
                    &opts,
                    &profiles,
                    &phrases,
                )? {
                    Ok(r) => r,
                    Err(why) => return Ok((c, Outcome::Refused(why))),
                };
                let mut lines = report.lines();
                let actor = Actor::of(&who.user);
                if let Some(r) =
                    crate::triage::grouping::propose_if_awaiting(&mut conn, &actor, c.id())?
                {
                    lines.push(format!(
                        "同旨の候補: {} グループ（{} 件）",
                        r.groups, r.comments
                    ));
                }
                Ok((c, Outcome::Done(lines)))
            },
        )
        .await?;
    Ok(reply(&id, &c, outcome))
}

/// POST /c/{slug}/import/clauses (multipart; the CSRF token in the query)
pub async fn clauses(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    upload: MultipartForm<Upload>,
) -> Result<HttpResponse, AppError> {
    let (c, outcome) = state
        .in_consultation(&id, slug.into_inner(), Permission::Import, move |mut conn, who, c| {
            let upload = upload.into_inner();
            let (name, encoding) = match upload.checked() {
                Ok(checked) => checked,
                Err(why) => return Ok((c, Outcome::Refused(why))),
            };
            let r = match crate::intake::clause_import::import_clauses(
                &mut conn,
                &name,
                &upload.file.data,
                &c.slug,
                encoding,
                &Actor::of(&who.user),
            ) {
                Ok(r) => r,
                Err(e) => return Ok((c, Outcome::Refused(format!("{e:#}")))),
            };
            let mut lines: Vec<String> = r
                .warnings
                .iter()
                .map(|w| format!("注意: {} 行目: {}", w.line, w.message))
                .collect();
            lines.push(format!(
                "項番 {} 件（追加 {} / 本文の変更 {} / 変更なし {}）。意見の該当箇所 {} 件をつなぎ、{} 件の意見に項番を付けました",
                r.clauses_read, r.added, r.changed, r.unchanged, r.refs_resolved, r.comments_tagged
            ));
            Ok((c, Outcome::Done(lines)))
        })
        .await?;
    Ok(reply(&id, &c, outcome))
}

fn reply(id: &Identity, c: &consultation::Consultation, outcome: Outcome) -> HttpResponse {
    let status = match outcome {
        Outcome::Done(_) => StatusCode::OK,
        Outcome::Refused(_) => StatusCode::BAD_REQUEST,
    };
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(view(id, c, Some(&outcome)).into_string())
}

fn view(id: &Identity, c: &consultation::Consultation, outcome: Option<&Outcome>) -> Markup {
    let slug = &c.slug;
    let csrf = id.csrf().unwrap_or("");
    let encodings = html! {
        label { "文字コード"
            select name="encoding" {
                option value="" { "自動判定" }
                option value="utf-8" { "UTF-8" }
                option value="shift_jis" { "Shift_JIS" }
            }
        }
    };
    layout::page(
        "取込",
        id.into(),
        html! {
            p { a href={ "/c/" (slug) } { "← " (c.title) } }
            h1 { "取込" }
            @match outcome {
                Some(Outcome::Done(lines)) => {
                    div.flash #import-report role="status" {
                        p { strong { "取り込みました。" } }
                        @for l in lines { p { (l) } }
                    }
                }
                Some(Outcome::Refused(why)) => {
                    div.error #import-error role="alert" {
                        p { strong { "取り込めませんでした（何も書き込んでいません）。" } }
                        p { (why) }
                    }
                }
                None => {}
            }
            h2 { "意見の表" }
            p.muted { "CSV・TSV・XLSX。列の見出しから形式を判定します（pubcom import comments と同じ）。同じファイルをもう一度取り込んでも意見は増えません。" }
            form.stack #import-comments method="post" enctype="multipart/form-data"
                action={ "/c/" (slug) "/import/comments?" (crate::web::layout::CSRF_FIELD) "=" (csrf) } {
                (csrf_field(id))
                label { "ファイル" input type="file" name="file" required accept=".csv,.tsv,.txt,.xlsx"; }
                (encodings)
                label.check { input type="checkbox" name="renumber" value="1"; " 番号を振り直す（この案件の最大の No. の続きから）" }
                button type="submit" { "意見を取り込む" }
            }
            h2 { "原案の項番（目次）" }
            p.muted { "項番と見出しの一覧（テキスト・Markdown）。意見の該当箇所が項番につながります（pubcom import clauses と同じ）。" }
            form.stack #import-clauses method="post" enctype="multipart/form-data"
                action={ "/c/" (slug) "/import/clauses?" (crate::web::layout::CSRF_FIELD) "=" (csrf) } {
                (csrf_field(id))
                label { "ファイル" input type="file" name="file" required accept=".txt,.md,.tsv,.csv"; }
                (encodings)
                button type="submit" { "項番を取り込む" }
            }
            p.muted { "上限 " (MAX_UPLOAD / 1024 / 1024) " MB。より大きな表は pubcom import comments で取り込めます。" }
        },
    )
}
