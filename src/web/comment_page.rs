//! One comment's page: the text as submitted, its submitter, tags, the answer with its
//! review buttons, revisions with their diff, assignment, and the history of changes.

use super::comments::{disposition_badge, ListParams};
use super::identity::Identity;
use super::layout::{self, csrf_field};
use super::state::AppState;
use crate::auth::{Permission, Role};
use crate::domain::ClauseId;
use crate::domain::{CommentNo, Disposition, ResponseState, SubmitterKind};
use crate::drafting::{diff, revisions as rev_rules};
use crate::error::AppError;
use crate::models::comment_list;
use crate::models::{
    assignment, audit, category, clause, clause_ref, comment, consultation, membership, response,
    revision, stock_phrase, submitter, Conn,
};
use crate::text::excerpt;
use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use maud::{html, Markup};

/// Everything the page shows, loaded in one go.
pub struct CommentPage {
    pub consultation: consultation::Consultation,
    pub comment: comment::Comment,
    pub role: Role,
    category: Option<String>,
    siblings: Vec<comment::Comment>,
    submitter: Option<(submitter::Submitter, String)>,
    refs: Vec<clause_ref::StoredClauseRef>,
    pub response: Option<response::Response>,
    revisions: Vec<revision::Revision>,
    clauses: Vec<clause::Clause>,
    history: Vec<audit::AuditEvent>,
    /// Who the history's users are, by id.
    user_names: std::collections::HashMap<crate::domain::UserId, String>,
    assignment: Option<(assignment::Assignment, String)>,
    drafters: Vec<(i64, String)>,
    pub consultation_phrases: Vec<stock_phrase::StoredPhrase>,
    categories: Vec<category::Category>,
    warnings: Vec<String>,
    /// The 同旨 group the comment is in, and its size.
    group: Option<(crate::models::duplicate_group::DuplicateGroup, i64)>,
    /// The 論点 answering this comment with others.
    topic: Option<crate::models::topic::Topic>,
    /// The list this page was opened from (its query string, '' for the whole list) and the
    /// comments before and after this one in it.
    pub list: String,
    neighbours: (Option<CommentNo>, Option<CommentNo>),
}

/// What the answer form shows when it is not simply the stored answer.
#[derive(Default)]
pub struct AnswerForm {
    pub disposition: Option<Disposition>,
    pub body: String,
    pub version: Option<i32>,
    pub error: Option<String>,
    /// Someone saved first: their answer, to show beside ours.
    pub conflict: Option<response::Response>,
    pub notice: Option<String>,
    /// A 差戻し remark typed before a refusal, shown again.
    pub remark: Option<String>,
}

impl AnswerForm {
    /// The saved answer shown again with an error (a refused review step): the answer box
    /// keeps the stored text, the remark box what was typed.
    pub fn stored_with_error(page: &CommentPage, error: String, remark: Option<String>) -> Self {
        let stored = page.response.as_ref();
        AnswerForm {
            disposition: stored.map(|r| r.disposition()),
            body: stored.map(|r| r.body.clone()).unwrap_or_default(),
            version: stored.map(|r| r.version),
            error: Some(error),
            remark,
            ..Default::default()
        }
    }
}

pub fn load(conn: &mut Conn, id: &Identity, slug: &str, no: &str) -> Result<CommentPage, AppError> {
    let no: CommentNo = no.parse().map_err(|_| AppError::NotFound)?;
    let c = id.consultation(conn, slug, Permission::View)?;
    let role = id.role_in(conn, &c)?.unwrap_or(Role::Viewer);
    let cm = comment::find_by_no(conn, c.id(), no)?.ok_or(AppError::NotFound)?;
    let category = match cm.category_id {
        Some(cat) => category::for_consultation(conn, c.id())?
            .into_iter()
            .find(|x| x.id == cat)
            .map(|x| x.name),
        None => None,
    };
    let submission = cm.submission_id;
    let submitter = match submitter::of_submission(conn, submission)? {
        Some(s) => {
            let public = submitter::public_name(conn, &s)?;
            Some((s, public))
        }
        None => None,
    };
    let revisions = revision::for_comment(conn, cm.id())?;
    let mut history = audit::for_entities(conn, "response", &[cm.id.0])?;
    history.extend(audit::for_entities(
        conn,
        "revision",
        &revisions.iter().map(|r| r.id.0).collect::<Vec<_>>(),
    )?);
    history.sort_by_key(|e| e.id);
    let warnings: Vec<String> = rev_rules::warnings_for_comment(conn, cm.id(), &revisions)?
        .into_iter()
        .map(|w| match w.revision() {
            None => w.message(),
            Some(revision) => format!("修正内容 #{revision}: {}", w.message()),
        })
        .collect();
    let assignment = assignment::for_comment(conn, cm.id())?
        .map(|a| {
            let name = crate::models::user::find(conn, a.drafter_id)?
                .map(|u| u.display_name)
                .unwrap_or_default();
            Ok::<_, diesel::result::Error>((a, name))
        })
        .transpose()?;
    Ok(CommentPage {
        siblings: comment::of_submission(conn, submission)?,
        refs: clause_ref::for_comment(conn, cm.id)?,
        response: response::for_comment(conn, cm.id)?,
        clauses: clause::all(conn, c.id())?,
        categories: category::for_consultation(conn, c.id())?,
        drafters: membership::drafters(conn, c.id())?,
        consultation_phrases: stock_phrase::for_consultation(conn, c.id())?,
        revisions,
        history,
        user_names: crate::models::user::names(conn)?,
        assignment,
        warnings,
        role,
        list: String::new(),
        neighbours: (None, None),
        topic: crate::models::topic::of_comment(conn, cm.id())?,
        group: match cm.duplicate_group_id {
            Some(g) => crate::models::duplicate_group::find(conn, g)?
                .map(|group| {
                    Ok::<_, diesel::result::Error>((
                        group,
                        crate::models::duplicate_group::size(conn, g)?,
                    ))
                })
                .transpose()?,
            None => None,
        },
        consultation: c,
        comment: cm,
        category,
        submitter,
    })
}

/// [`load`], within the list the page was opened from: `list` is that list's query string
/// (the comment page's own), which its links and forms keep.
pub fn load_in(
    conn: &mut Conn,
    id: &Identity,
    slug: &str,
    no: &str,
    list: &str,
) -> Result<CommentPage, AppError> {
    let mut page = load(conn, id, slug, no)?;
    let params = Query::<ListParams>::from_query(list)
        .map_err(|_| AppError::BadRequest("一覧の条件を読めません".into()))?;
    page.list = params.query();
    page.neighbours = comment_list::neighbours(
        conn,
        page.consultation.id(),
        &params.filter(),
        page.comment.no(),
    )?;
    Ok(page)
}

/// GET /go/comment/{id}: a comment by its database id (the audit log's links), to its page.
pub async fn by_id(
    state: Data<AppState>,
    id: Identity,
    comment: Path<i64>,
) -> Result<HttpResponse, AppError> {
    let comment = crate::domain::CommentId(comment.into_inner());
    let to = state
        .blocking(move |mut conn| {
            let cm = comment::find(&mut conn, comment)?.ok_or(AppError::NotFound)?;
            let c = crate::models::consultation::find(&mut conn, cm.consultation_id)?
                .ok_or(AppError::NotFound)?;
            // Not found unless the user may see the consultation.
            id.consultation(&mut conn, &c.slug, Permission::View)?;
            Ok(format!("/c/{}/comments/{}", c.slug, cm.no()))
        })
        .await?;
    Ok(super::see_other(&to))
}

/// GET /c/{slug}/comments/{no}?{the list's filters}
pub async fn show(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, String)>,
    req: HttpRequest,
) -> Result<Markup, AppError> {
    let (slug, no) = path.into_inner();
    let who = id.clone();
    let list = req.query_string().to_string();
    let page = state
        .blocking(move |mut conn| load_in(&mut conn, &who, &slug, &no, &list))
        .await?;
    Ok(view(&state, &id, &page, AnswerForm::default()))
}

/// The page as an HTTP response with a given status (a conflict is 409).
pub fn respond(
    state: &AppState,
    id: &Identity,
    page: &CommentPage,
    form: AnswerForm,
    status: actix_web::http::StatusCode,
) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(view(state, id, page, form).into_string())
}

pub fn url(page: &CommentPage) -> String {
    format!(
        "/c/{}/comments/{}",
        page.consultation.slug,
        page.comment.no()
    )
}

/// A redirect back to a comment page that keeps the list it was opened from (the query
/// string its forms post with).
pub fn keep_list(to: String, req: &HttpRequest) -> String {
    match req.query_string() {
        "" => to,
        list => format!("{to}?{list}"),
    }
}

/// `?` and the list's query string, or nothing for the whole list.
fn in_list(page: &CommentPage) -> String {
    if page.list.is_empty() {
        String::new()
    } else {
        format!("?{}", page.list)
    }
}

/// The page's address within its list (where a save returns to).
pub fn link(page: &CommentPage) -> String {
    format!("{}{}", url(page), in_list(page))
}

fn state_label(r: &response::Response) -> &'static str {
    r.state().label()
}

pub fn view(state: &AppState, id: &Identity, d: &CommentPage, form: AnswerForm) -> Markup {
    let slug = &d.consultation.slug;
    let c = &d.comment;
    let base = url(d);
    let can_draft = d.role.allows(Permission::Draft);
    let can_review = d.role.allows(Permission::Review);
    let can_assign = d.role.allows(Permission::Assign);
    let can_triage = d.role.allows(Permission::Triage);
    let locked = d
        .response
        .as_ref()
        .is_some_and(|r| r.state() == ResponseState::Approved);
    let clause_of = |cid: Option<ClauseId>| cid.and_then(|i| d.clauses.iter().find(|x| x.id == i));
    layout::page(
        &format!("No. {}", c.no()),
        id.into(),
        html! {
            @let list = in_list(d);
            nav.pager aria-label="意見の移動" {
                a href={ "/c/" (slug) (list) } { "← " (d.consultation.title) @if !list.is_empty() { "（絞り込んだ一覧）" } }
                " "
                @if let Some(p) = d.neighbours.0 { a #prev rel="prev" href={ "/c/" (slug) "/comments/" (p) (list) } { "‹ 前の意見 No. " (p) } " " }
                @if let Some(n) = d.neighbours.1 { a #next rel="next" href={ "/c/" (slug) "/comments/" (n) (list) } { "次の意見 No. " (n) " ›" } }
            }
            h1 { "意見 No. " (c.no()) }
            @if c.part > 0 {
                @let parts = d.siblings.iter().filter(|s| s.number == c.number).count();
                p.part-of #part-of {
                    "No. " (c.number) " を分割した " (c.part) " 番目の部分（全 " (parts) " 部分）"
                    @if can_triage {
                        " "
                        form.inline method="post" action={ (base) "/unsplit" } {
                            (csrf_field(id))
                            button.secondary type="submit" { "分割を取り消す" }
                        }
                    }
                }
            }
            @if let Some(n) = &form.notice { p.flash role="status" { (n) } }
            @for w in &d.warnings { p.warning { "⚠ " (w) } }
            dl.fields {
                dt { "分類" } dd { (d.category.as_deref().unwrap_or("—")) }
                dt { "編・対象" } dd { (c.volume.as_deref().unwrap_or("—")) }
                dt { "章・該当箇所" } dd { (c.chapter.as_deref().unwrap_or("—")) }
                dt { "頁" } dd { (c.page.as_deref().unwrap_or("—")) }
                dt { "項番" } dd { @match clause_of(c.clause_id) {
                    Some(cl) => a href={ "/c/" (slug) "/clauses/" (cl.id) } { (cl.label) " " (cl.heading) },
                    None => "—",
                } }
                dt { "提出者" } dd {
                    (submitter_view(id, d.submitter.as_ref()))
                    @if let (Some((s, _)), true) = (&d.submitter, can_triage && id.can_view_personal()) {
                        form.inline method="post" action={ "/c/" (slug) "/submitters/" (s.id) "/kind" } {
                            (csrf_field(id))
                            input type="hidden" name="back" value=(base);
                            label { "種別 "
                                select name="kind" {
                                    @for k in SubmitterKind::ALL {
                                        option value=(k.code()) selected[s.kind() == *k] { (k.label()) }
                                    }
                                }
                            }
                            " " button type="submit" { "種別を直す" }
                            @if !s.kind_confirmed { " " span.muted { "（取込時の判定）" } }
                        }
                    }
                }
                dt { "該当箇所（解析）" } dd {
                    @for r in &d.refs {
                        span.badge { @if let Some(p) = &r.clause_path { (p) @if let Some(x) = &r.detail { " " (x) } } @else if let (Some(a), Some(b)) = (r.page_from, r.page_to) { "P" (a) @if a != b { "-" (b) } } }
                        " "
                    }
                }
                @if let Some((g, size)) = &d.group {
                    dt { "同旨" } dd #group {
                        a href={ "/c/" (slug) "/groups#group-" (g.id) } { "グループ " (g.id) } " "
                        span.badge { (g.status.label()) } " " (size) " 件 · "
                        a href={ "/c/" (slug) "?group=" (g.id) } { "一覧で見る" }
                    }
                }
                @if let Some(t) = &d.topic {
                    dt { "論点" } dd #topic {
                        a href={ "/c/" (slug) "/topics/" (t.number) } { "論点 " (t.number) "：" (t.title) }
                        " " span.muted { "（この論点でまとめて回答します）" }
                    }
                }
                dt { "担当" } dd {
                    @match &d.assignment {
                        Some((a, name)) => { (name) @if let Some(due) = a.due_on { " · 期限 " (due.format("%Y-%m-%d")) } },
                        None => "未割当",
                    }
                }
            }
            @if can_assign && !d.drafters.is_empty() {
                form.filters method="post" action={ (base) "/assign" (in_list(d)) } {
                    (csrf_field(id))
                    label { "担当者" select name="drafter" required { option value="" selected[d.assignment.is_none()] { "（選ぶ）" } @for (uid, name) in &d.drafters { option value=(uid) selected[d.assignment.as_ref().is_some_and(|(a, _)| a.drafter_id == crate::domain::UserId(*uid))] { (name) } } } }
                    label { "期限" input type="date" name="due_on" value=(d.assignment.as_ref().and_then(|(a, _)| a.due_on).map(|x| x.to_string()).unwrap_or_default()); }
                    button.secondary type="submit" { "担当を設定" }
                }
            }
            @if can_triage {
                form.filters #tags method="post" action={ (base) "/tags" (in_list(d)) } {
                    (csrf_field(id))
                    label { "項番" select name="clause" {
                        option value="" { "（なし）" }
                        @for cl in &d.clauses { option value=(cl.id) selected[c.clause_id == Some(cl.id)] { (cl.label) " " (excerpt(&cl.heading, 1, 30)) } }
                    } }
                    label { "分類" select name="category" {
                        option value="" { "（なし）" }
                        @for k in &d.categories { option value=(k.id) selected[c.category_id == Some(k.id)] { (k.name) } }
                    } }
                    button.secondary type="submit" { "分類・項番を保存" }
                    @let suggested: Vec<&clause::Clause> = d.refs.iter().filter_map(|r| r.clause_id).filter(|i| Some(*i) != c.clause_id).filter_map(|i| d.clauses.iter().find(|x| x.id == i)).collect();
                    @if !suggested.is_empty() { span.muted { "本文・章欄から: " @for s in &suggested { span.badge { (s.label) } " " } } }
                }
                p { a href={ (base) "/split" } { "この意見を分割する" } }
            }
            // On a wide screen the comment and the answer stand side by side.
            div.work {
            section.block #comment {
                h2 { "御意見（提出されたとおり）" }
                div.original #comment-body { (c.body) }
            }
            section.block #answer {
                h2 { "方針・コメント" }
                @if let Some(r) = &d.response {
                    p { (disposition_badge(r.disposition)) " " span.state { (state_label(r)) } span.muted { " · 版 " (r.version) } }
                    @if let Some(remark) = &r.reviewer_remark { @if r.state() == ResponseState::Returned { p.warning { "差戻しの理由: " (remark) } } }
                    @if locked || !can_draft || d.topic.is_some() { div.original #answer-body { (r.body) } }
                }
                @if d.response.is_none() && !can_draft { p.muted { "まだ回答がありません。" } }
                @if let Some(e) = &form.error { p.error role="alert" { (e) } }
                @if let Some(theirs) = &form.conflict {
                    div.conflict {
                        p.error role="alert" { "あなたが編集している間に、ほかの人がこの回答を保存しました（版 " (theirs.version) "）。あなたの文は失われていません。下で見比べて、残す内容にまとめてから保存してください。" }
                        div.sidebyside {
                            div { h3 { "いま保存されている回答" } p { (disposition_badge(theirs.disposition)) } div.original #current-answer { (theirs.body) } }
                            div { h3 { "あなたの文との違い" } div.original.diff { (diff::inline(&diff::segments(&theirs.body, &form.body))) } }
                        }
                    }
                }
                @if let Some(t) = &d.topic {
                    p.notice #answered-by-topic {
                        "この意見には論点 " a href={ "/c/" (slug) "/topics/" (t.number) "#answer" } { (t.number) "「" (t.title) "」" } " の回答が付きます。回答は論点のページで書いてください。"
                    }
                } @else {
                    @if can_draft && !locked {
                        (answer_form(state, id, d, &base, &form))
                    }
                    (review_buttons(id, d, &base, can_review, &form))
                }
            }
            }
            section.block #revisions {
                h2 { "修正内容" }
                @for r in &d.revisions { (revision_view(id, d, r, can_draft && !locked)) }
                @if d.revisions.is_empty() { p.muted { "この意見に結び付いた修正内容はありません。" } }
                @if can_draft && !locked { (new_revision_form(id, d, &base)) }
            }
            @if d.siblings.len() > 1 {
                section.block {
                    h2 { "同じ提出意見に含まれる意見" }
                    ul { @for s in &d.siblings { li { a href={ "/c/" (slug) "/comments/" (s.no()) } { "No. " (s.no()) } " " (excerpt(&s.body, 1, 60)) } } }
                }
            }
            section.block #history {
                h2 { "変更の履歴" }
                @if d.history.is_empty() { p.muted { "まだ変更はありません。" } } @else {
                    table.list {
                        thead { tr { th { "日時（日本時間）" } th { "操作者" } th { "操作" } th { "変更前" } th { "変更後" } } }
                        tbody { @for e in &d.history { tr {
                            td { (crate::text::japan_time(e.occurred_at)) }
                            td { (e.actor_name(&d.user_names)) }
                            td { (e.action_label()) @if e.entity == "revision" { " #" (e.entity_id.unwrap_or_default()) } }
                            td.text { (super::history::changes(e.before_json.as_deref())) }
                            td.text { (super::history::changes(e.after_json.as_deref())) }
                        } } }
                    }
                }
            }
            script src="/static/app.js" {}
        },
    )
}

fn answer_form(
    state: &AppState,
    id: &Identity,
    d: &CommentPage,
    base: &str,
    form: &AnswerForm,
) -> Markup {
    let stored = d.response.as_ref();
    let disposition = form.disposition.or_else(|| stored.map(|r| r.disposition()));
    let body = if form.body.is_empty() && form.error.is_none() && form.conflict.is_none() {
        stored.map(|r| r.body.clone()).unwrap_or_default()
    } else {
        form.body.clone()
    };
    let version = form.version.or(stored.map(|r| r.version));
    // The text shown is not the saved answer (a phrase inserted, a save refused): leaving
    // the page would lose it.
    let unsaved = stored.map_or("", |r| r.body.as_str()) != body;
    html! {
        form.answer.guarded method="post" action={ (base) "/answer" (in_list(d)) } data-unsaved[unsaved] {
            (csrf_field(id))
            input type="hidden" name="version" value=(version.map(|v| v.to_string()).unwrap_or_default());
            label { "対応区分 " select name="disposition" {
                option value="" { "（選ぶ）" }
                @for dd in Disposition::ALL { option value=(dd.code()) selected[disposition == Some(*dd)] { (dd.label()) } }
            } }
            label.block { "回答（考え方）" textarea name="body" rows="6" { (body) } }
            div.phrases {
                span.muted { "定型文を挿入: " }
                (phrase_buttons(state, &d.consultation_phrases))
                " " a href={ "/c/" (d.consultation.slug) "/phrases" } { "定型文の管理" }
            }
            button type="submit" name="save" value="1" { "回答を保存" }
            @if stored.is_none_or(|r| matches!(r.state(), ResponseState::Drafting | ResponseState::Returned)) {
                " " button type="submit" name="submit" value="1" title="画面の回答を保存してから確認を依頼します" { "保存して確認を依頼" }
            }
        }
    }
}

/// The stock phrases as insert buttons of an answer form (the built-in ones, then the
/// consultation's own): the comment page's and the 論点 page's.
pub fn phrase_buttons(state: &AppState, own: &[stock_phrase::StoredPhrase]) -> Markup {
    html! {
        @for (i, (dd, text)) in state.phrases.phrases.iter().enumerate() {
            button.phrase type="submit" name="insert" value={ "t" (i) } title=(text) { "［" (dd.label()) "］" (excerpt(text, 1, 18)) }
        }
        @for p in own {
            button.phrase type="submit" name="insert" value={ "c" (p.id) } title=(p.body) { "［" (p.disposition.label()) "］" (excerpt(&p.body, 1, 18)) }
        }
    }
}

fn review_buttons(
    id: &Identity,
    d: &CommentPage,
    base: &str,
    can_review: bool,
    form: &AnswerForm,
) -> Markup {
    let Some(r) = &d.response else {
        return html! {};
    };
    let st = r.state();
    html! {
        div.review {

            @if can_review && st == ResponseState::InReview {
                form.inline method="post" action={ (base) "/review" (in_list(d)) } {
                    (csrf_field(id))
                    input type="hidden" name="version" value=(r.version);
                    button type="submit" name="action" value="approve" { "確定する" }
                }
                form.filters method="post" action={ (base) "/review" (in_list(d)) } {
                    (csrf_field(id))
                    input type="hidden" name="version" value=(r.version);
                    label { "差戻しの理由" textarea name="remark" rows="2" cols="50" { (form.remark.as_deref().unwrap_or("")) } }
                    button.secondary type="submit" name="action" value="return" { "差し戻す" }
                }
            }
            @if can_review && st == ResponseState::Approved {
                form.inline method="post" action={ (base) "/review" (in_list(d)) } {
                    (csrf_field(id))
                    input type="hidden" name="version" value=(r.version);
                    button.secondary type="submit" name="action" value="reopen" { "確定を解除して修正する" }
                }
            }
        }
    }
}

fn revision_view(id: &Identity, d: &CommentPage, r: &revision::Revision, editable: bool) -> Markup {
    let (revised_label, revised_text) = r.revised_side();
    let segs = diff::segments(&r.original_text, revised_text);
    let slug = &d.consultation.slug;
    let kind = r.kind();
    html! {
        div.revision id={ "revision-" (r.id) } {
            h3 {
                "#" (r.id) " "
                span.badge { (kind.label()) } " "
                @if r.clause_label.is_empty() { "（新設）" } @else { (r.clause_label) }
                " → "
                @if revised_label.is_empty() { "（項番なし）" } @else { (revised_label) }
                span.muted { " · 版 " (r.version) }
            }
            table.shinkyu {
                thead { tr { th { "原案（旧）" } th { "修正後（新）" } th { "変更理由" } } }
                tbody { tr {
                    td.old { @if !r.clause_label.is_empty() { strong { (r.clause_label) } br; } (diff::old_side(&segs)) }
                    td.new { @if !revised_label.is_empty() { strong { (revised_label) } br; } (diff::new_side(&segs)) }
                    td { (r.reason) }
                } }
            }
            @if editable {
                details {
                    summary { "この修正内容を編集" }
                    form.stack.guarded method="post" action={ "/c/" (slug) "/revisions/" (r.id) (in_list(d)) } {
                        (csrf_field(id))
                        input type="hidden" name="version" value=(r.version);
                        input type="hidden" name="back" value=(d.comment.no());
                        (clause_select(d, r.clause_id))
                        label { "項番の表記（原案）" input type="text" name="clause_label" value=(r.clause_label); }
                        label { "修正後の項番（番号が変わる・移る・新設のとき）" input type="text" name="revised_clause_label" value=(revised_label); }
                        label { input type="checkbox" name="deleted" value="1" checked[kind == crate::domain::RevisionKind::Delete && revised_label.is_empty()]; " この項を削除する（修正後は「（削除）」）" }
                        label { "原案" textarea name="original_text" rows="4" { (r.original_text) } }
                        label { "修正後" textarea name="revised_text" rows="4" { (revised_text) } }
                        label { "変更理由" input type="text" name="reason" value=(r.reason); }
                        label { "対象の意見 No.（カンマ区切り）" input type="text" name="comments" value=(linked_nos(d, r)); }
                        button type="submit" { "修正内容を保存" }
                    }
                    form.inline method="post" action={ "/c/" (slug) "/revisions/" (r.id) "/delete" (in_list(d)) } {
                        (csrf_field(id))
                        input type="hidden" name="version" value=(r.version);
                        input type="hidden" name="back" value=(d.comment.no());
                        button.secondary type="submit" { "この修正内容を削除" }
                    }
                }
            }
        }
    }
}

/// The No. list a revision form starts with: this comment (other links are kept by the handler).
fn linked_nos(d: &CommentPage, _r: &revision::Revision) -> String {
    d.comment.no().to_string()
}

fn clause_select(d: &CommentPage, selected: Option<ClauseId>) -> Markup {
    html! {
        label { "項番" select name="clause" {
            option value="" { "（項番の一覧にない）" }
            @for cl in &d.clauses {
                option value=(cl.id) selected[selected == Some(cl.id)] { (cl.label) " " (excerpt(&cl.heading, 1, 30)) }
            }
        } }
    }
}

fn new_revision_form(id: &Identity, d: &CommentPage, base: &str) -> Markup {
    let clause = d
        .comment
        .clause_id
        .and_then(|i| d.clauses.iter().find(|c| c.id == i));
    html! {
        details open[d.revisions.is_empty() && d.response.as_ref().is_some_and(|r| r.disposition() == Disposition::Revise)] {
            summary { "修正内容を追加" }
            form.stack.guarded method="post" action={ (base) "/revisions" (in_list(d)) } {
                (csrf_field(id))
                (clause_select(d, clause.map(|c| c.id)))
                label { "項番の表記（一覧にないとき。新設なら空のまま）" input type="text" name="clause_label" value=""; }
                label { "修正後の項番（番号が変わる・移る・新設のときだけ。空なら原案と同じ）" input type="text" name="revised_clause_label" value="" placeholder=(clause.map(|c| c.label.as_str()).unwrap_or("")); }
                label { input type="checkbox" name="deleted" value="1"; " この項を削除する（修正後は「（削除）」）" }
                label { "原案（項番の本文から。直す部分だけを残してください）" textarea name="original_text" rows="4" { (clause.map(|c| c.body.as_str()).unwrap_or("")) } }
                label { "修正後" textarea name="revised_text" rows="4" {} }
                label { "変更理由" input type="text" name="reason"; }
                label { "対象の意見 No.（カンマ区切り）" input type="text" name="comments" value=(d.comment.no()); }
                button type="submit" { "修正内容を追加" }
            }
        }
    }
}

/// Individuals' names and all contact details only for users with the personal-data permission.
fn submitter_view(id: &Identity, s: Option<&(submitter::Submitter, String)>) -> Markup {
    let Some((s, public)) = s else {
        return html! { "—" };
    };
    if !id.can_view_personal() {
        return html! { (public) " " span.muted { "（" (s.kind().label()) "）" } };
    }
    html! {
        (s.name) " " span.muted { "（" (s.kind().label()) @if s.kind() == SubmitterKind::Individual { "・公表名 " (public) } "）" }
        @if let Some(e) = &s.email { br; (e) }
        @if let Some(p) = &s.phone { br; (p) }
        @if let Some(a) = &s.address { br; (a) }
    }
}
