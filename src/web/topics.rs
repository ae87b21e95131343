//! 論点 pages: the list, one topic (its 概要, its answer and its comments), making a topic
//! from the list, from a 同旨 group or from a suggestion, moving comments, undoing a move.

use super::answers::Reply;
use super::comments::disposition_badge;
use super::identity::Identity;
use super::layout::{self, csrf_field};
use super::state::AppState;
use crate::auth::{accounts::Actor, Permission, Role};
use crate::domain::{
    CategoryId, ClauseId, CommentId, CommentNo, Disposition, GroupId, ResponseState,
};
use crate::drafting::answers::{Editor, Outcome};
use crate::drafting::review::ReviewAction;
use crate::drafting::{diff, topic_answers};
use crate::error::AppError;
use crate::models::consultation::Consultation;
use crate::models::topic::{self, Topic, TopicText};
use crate::models::{audit, category, clause, comment, response, stock_phrase, Conn};
use crate::text::excerpt;
use crate::triage::{topic_suggestions, topics};
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes, Data, Path};
use actix_web::HttpResponse;
use maud::{html, Markup};

/// Member comments shown per page of a topic.
const MEMBERS_PER_PAGE: usize = 50;
/// Suggestions shown on the suggestions page (the API returns them all).
const SUGGESTIONS_SHOWN: usize = 30;

/// A posted form as pairs (`no` and `pick` repeat).
struct Fields(Vec<(String, String)>);

impl Fields {
    fn parse(body: &[u8]) -> Result<Fields, AppError> {
        serde_urlencoded::from_bytes(body)
            .map(Fields)
            .map_err(|_| AppError::BadRequest("送信内容を読めません".into()))
    }

    fn get(&self, k: &str) -> String {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn all(&self, k: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn text(&self) -> Result<TopicText, AppError> {
        let id = |v: String| -> Result<Option<i64>, AppError> {
            let v = v.trim().to_string();
            if v.is_empty() {
                return Ok(None);
            }
            v.parse()
                .map(Some)
                .map_err(|_| AppError::BadRequest(format!("「{v}」を読めません")))
        };
        Ok(TopicText {
            title: self.get("title"),
            summary: self.get("summary"),
            clause: id(self.get("clause"))?.map(ClauseId),
            category: id(self.get("category"))?.map(CategoryId),
        })
    }
}

/// The topic with this No., or 404.
fn numbered(conn: &mut Conn, c: &Consultation, n: i32) -> Result<Topic, AppError> {
    topic::numbered(conn, c.id(), n)?.ok_or(AppError::NotFound)
}

/// Comment Nos. typed or ticked (`12`, `12-2`, separated by commas or spaces) as ids.
fn ids_of(conn: &mut Conn, c: &Consultation, nos: &[String]) -> Result<Vec<CommentId>, AppError> {
    let mut parsed = Vec::new();
    for piece in nos
        .iter()
        .flat_map(|s| s.split([',', '、', ' ', '　', '\n']))
    {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        parsed.push(
            piece
                .parse::<CommentNo>()
                .map_err(|_| AppError::BadRequest(format!("No. 「{piece}」を読めません")))?,
        );
    }
    let (ids, missing) = comment::ids_by_no(conn, c.id(), &parsed)?;
    if let Some(m) = missing.first() {
        return Err(AppError::BadRequest(format!(
            "No. {m} の意見はこの案件にありません"
        )));
    }
    Ok(ids)
}

/// The clause subtree a suggestion run is limited to (`clause` is a clause id).
pub fn scope_of(
    conn: &mut Conn,
    c: &Consultation,
    clause: Option<&str>,
) -> Result<Option<ClauseId>, AppError> {
    let Some(v) = clause.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let found = match v.parse::<i64>() {
        Ok(n) => clause::find(conn, ClauseId(n))?,
        Err(_) => clause::find_by_label(conn, c.id(), v)?,
    };
    match found {
        Some(cl) if cl.consultation_id == c.id() => Ok(Some(cl.id)),
        _ => Err(AppError::BadRequest(format!(
            "項番「{v}」はこの案件にありません"
        ))),
    }
}

fn undo_notice(id: &Identity, slug: &str, moved: Option<(usize, i64)>) -> Markup {
    html! {
        @if let Some((n, event)) = moved {
            div.flash role="status" #moved {
                (n) " 件の意見を移しました。"
                form.inline method="post" action={ "/c/" (slug) "/topics/undo" } {
                    (csrf_field(id))
                    input type="hidden" name="event" value=(event);
                    button.secondary type="submit" { "元に戻す" }
                }
            }
        }
    }
}

#[derive(serde::Deserialize)]
pub struct IndexQuery {
    moved: Option<usize>,
    event: Option<i64>,
    undone: Option<usize>,
}

/// GET /c/{slug}/topics
pub async fn index(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    q: web::Query<IndexQuery>,
) -> Result<Markup, AppError> {
    let (c, all, covered, role) = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, who, c| {
                let all = topic::all_with_counts(&mut conn, c.id())?;
                let covered = topic::covered_count(&mut conn, c.id())?;
                let role = who.role_in(&mut conn, &c)?.unwrap_or(Role::Viewer);
                Ok((c, all, covered, role))
            },
        )
        .await?;
    let slug = &c.slug;
    let moved = q.moved.zip(q.event);
    Ok(layout::page(
        "論点",
        (&id).into(),
        html! {
            p { a href={ "/c/" (slug) } { "← " (c.title) } }
            h1 { "論点" }
            p.muted { "同じ点を述べる意見をまとめ、意見の概要を書いて一度に回答します。" (all.len()) " 論点・" (covered) " 件の意見を含みます。" }
            (undo_notice(&id, slug, moved))
            @if let Some(n) = q.undone { p.flash role="status" { (n) " 件を元の論点に戻しました。" } }
            p { a href={ "/c/" (slug) "/topics/suggestions" } { "論点の候補を見る（まだ論点にない意見から）" } }
            @if all.is_empty() { p.empty { "論点はまだありません。一覧で意見を選んで「論点にまとめる」か、候補から作ってください。" } } @else {
                table.list #topics {
                    thead { tr { th { "No." } th { "論点" } th { "意見の概要" } th { "件数" } th { "方針・コメント" } } }
                    tbody { @for (t, n) in &all { tr {
                        td.num { a href={ "/c/" (slug) "/topics/" (t.number) } { (t.number) } }
                        td { a href={ "/c/" (slug) "/topics/" (t.number) } { (t.title) } }
                        td.text { @if t.summary.is_empty() { span.warning { "概要なし" } } @else { (excerpt(&t.summary, 2, 80)) } }
                        td.num { (n) }
                        td.answer {
                            @if let Some(d) = t.disposition { (disposition_badge(d)) " " }
                            span.muted { "［" (t.answer_state.label()) "］" }
                        }
                    } } }
                }
            }
            @if role.allows(Permission::Triage) {
                section.block {
                    h2 { "新しい論点" }
                    form.filters method="post" action={ "/c/" (slug) "/topics" } {
                        (csrf_field(&id))
                        label { "題名" input type="text" name="title" required size="40"; }
                        label { "意見の概要" textarea name="summary" rows="2" cols="50" {} }
                        label { "意見 No.（カンマ区切り、省略可）" input type="text" name="nos" size="30"; }
                        button type="submit" { "論点を作る" }
                    }
                }
            }
        },
    ))
}

/// POST /c/{slug}/topics: a new topic from typed Nos., ticked list rows (`no`), or every
/// comment of a list filter (`scope=filter` with the list's query in `back`); or ticked rows
/// added to an existing topic (`into`).
pub async fn create(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    body: Bytes,
) -> Result<HttpResponse, AppError> {
    let f = Fields::parse(&body)?;
    let to = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Triage,
            move |mut conn, id, c| {
                let mut picked = f.all("no");
                picked.extend(f.all("nos"));
                let members = if f.get("scope") == "filter" {
                    let params: super::comments::ListParams =
                        serde_urlencoded::from_str(&f.get("back")).map_err(|_| {
                            AppError::BadRequest("絞り込みの条件を読めません".into())
                        })?;
                    crate::models::comment_list::ids(&mut conn, c.id(), &params.filter())?
                } else {
                    ids_of(&mut conn, &c, &picked)?
                };
                let actor = Actor::of(&id.user);
                let into = f.get("into");
                let (t, moved) = if into.trim().is_empty() {
                    let mut text = f.text()?;
                    if text.title.trim().is_empty() && !members.is_empty() {
                        let first = comment::find(&mut conn, members[0])?;
                        text.title = first.map(|m| excerpt(&m.body, 1, 40)).unwrap_or_default();
                    }
                    topics::create(&mut conn, &actor, c.id(), &text, &members)?
                } else {
                    let n: i32 = into.trim().parse().map_err(|_| {
                        AppError::BadRequest(format!("論点 No. 「{into}」を読めません"))
                    })?;
                    let t = numbered(&mut conn, &c, n)?;
                    if members.is_empty() {
                        return Err(AppError::BadRequest("意見を一つ以上選んでください".into()));
                    }
                    let moved = topics::add(&mut conn, &actor, &t, &members)?;
                    (t, moved)
                };
                Ok(format!(
                    "/c/{}/topics/{}?moved={}&event={}",
                    c.slug, t.number, moved.comments, moved.event
                ))
            },
        )
        .await?;
    Ok(super::see_other(&to))
}

/// POST /c/{slug}/groups/{id}/topic
pub async fn from_group(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (slug, group) = path.into_inner();
    let to = state
        .in_consultation(&id, slug, Permission::Triage, move |mut conn, id, c| {
            let (t, _) =
                topics::from_group(&mut conn, &Actor::of(&id.user), c.id(), GroupId(group))?;
            Ok(format!("/c/{}/topics/{}", c.slug, t.number))
        })
        .await?;
    Ok(super::see_other(&to))
}

/// POST /c/{slug}/topics/undo
pub async fn undo(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    body: Bytes,
) -> Result<HttpResponse, AppError> {
    let f = Fields::parse(&body)?;
    let to = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Triage,
            move |mut conn, id, c| {
                let event: i64 = f
                    .get("event")
                    .trim()
                    .parse()
                    .map_err(|_| AppError::BadRequest("取り消す操作がわかりません".into()))?;
                let n = topics::undo(&mut conn, &Actor::of(&id.user), c.id(), event)?;
                Ok(format!("/c/{}/topics?undone={n}", c.slug))
            },
        )
        .await?;
    Ok(super::see_other(&to))
}

#[derive(serde::Deserialize, Default)]
pub struct TopicQuery {
    q: Option<String>,
    page: Option<usize>,
    moved: Option<usize>,
    event: Option<i64>,
}

/// One topic's page as loaded.
struct TopicPage {
    c: Consultation,
    topic: Topic,
    role: Role,
    /// Members matching the search, this page of them, each with its stored answer.
    members: Vec<(comment::Comment, Option<response::Response>)>,
    matching: usize,
    total: usize,
    clauses: Vec<clause::Clause>,
    categories: Vec<category::Category>,
    phrases: Vec<stock_phrase::StoredPhrase>,
    history: Vec<audit::AuditEvent>,
    names: std::collections::HashMap<crate::domain::UserId, String>,
    revisions: Vec<crate::models::revision::Revision>,
}

fn load(
    conn: &mut Conn,
    id: &Identity,
    slug: &str,
    n: i32,
    q: &TopicQuery,
) -> Result<TopicPage, AppError> {
    let c = id.consultation(conn, slug, Permission::View)?;
    let role = id.role_in(conn, &c)?.unwrap_or(Role::Viewer);
    let t = numbered(conn, &c, n)?;
    let ids = topic::members(conn, t.id)?;
    let total = ids.len();
    let search = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let page = q.page.unwrap_or(1).max(1);
    let (shown, matching) = match search {
        None => {
            let shown: Vec<CommentId> = ids
                .iter()
                .skip((page - 1) * MEMBERS_PER_PAGE)
                .take(MEMBERS_PER_PAGE)
                .copied()
                .collect();
            (comment_list_of(conn, &shown)?, total)
        }
        Some(s) => {
            let all = comment_list_of(conn, &ids)?;
            let hits: Vec<comment::Comment> = all
                .into_iter()
                .filter(|m| crate::text::find_folded(&m.body, s).is_some())
                .collect();
            let matching = hits.len();
            (
                hits.into_iter()
                    .skip((page - 1) * MEMBERS_PER_PAGE)
                    .take(MEMBERS_PER_PAGE)
                    .collect(),
                matching,
            )
        }
    };
    let mut members = Vec::with_capacity(shown.len());
    for m in shown {
        let r = response::for_comment(conn, m.id())?;
        members.push((m, r));
    }
    let mut revisions = Vec::new();
    for m in ids.iter().take(500) {
        for r in crate::models::revision::for_comment(conn, *m)? {
            if !revisions
                .iter()
                .any(|x: &crate::models::revision::Revision| x.id == r.id)
            {
                revisions.push(r);
            }
        }
    }
    Ok(TopicPage {
        history: audit::for_entities(conn, "topic", &[t.id.0])?,
        names: crate::models::user::names(conn)?,
        clauses: clause::all(conn, c.id())?,
        categories: category::for_consultation(conn, c.id())?,
        phrases: stock_phrase::for_consultation(conn, c.id())?,
        c,
        topic: t,
        role,
        members,
        matching,
        total,
        revisions,
    })
}

/// The comments with these ids, in the given order.
fn comment_list_of(conn: &mut Conn, ids: &[CommentId]) -> Result<Vec<comment::Comment>, AppError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::db::ID_CHUNK) {
        let mut found = comment::find_many(conn, chunk)?;
        found.sort_by_key(|c| (c.number, c.part));
        out.extend(found);
    }
    Ok(out)
}

/// What the answer form shows when it is not the stored answer.
#[derive(Default)]
struct Draft {
    disposition: Option<Disposition>,
    body: Option<String>,
    version: Option<i32>,
    error: Option<String>,
    conflict: Option<Topic>,
    remark: Option<String>,
    words_error: Option<String>,
}

/// GET /c/{slug}/topics/{n}
pub async fn show(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i32)>,
    q: web::Query<TopicQuery>,
) -> Result<HttpResponse, AppError> {
    let (slug, n) = path.into_inner();
    let q = q.into_inner();
    let st = state.clone();
    let html = state
        .blocking(move |mut conn| {
            let p = load(&mut conn, &id, &slug, n, &q)?;
            Ok(view(&st, &id, &p, &q, Draft::default()).into_string())
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html))
}

fn view(state: &AppState, id: &Identity, p: &TopicPage, q: &TopicQuery, d: Draft) -> Markup {
    let slug = &p.c.slug;
    let t = &p.topic;
    let base = format!("/c/{slug}/topics/{}", t.number);
    let can_triage = p.role.allows(Permission::Triage);
    let can_draft = p.role.allows(Permission::Draft);
    let can_review = p.role.allows(Permission::Review);
    let locked = t.answer_state == ResponseState::Approved;
    let search = q.q.clone().unwrap_or_default();
    let pages = p.matching.div_ceil(MEMBERS_PER_PAGE).max(1);
    let page = q.page.unwrap_or(1).max(1);
    layout::page(
        &format!("論点 {}", t.number),
        id.into(),
        html! {
            p { a href={ "/c/" (slug) "/topics" } { "← 論点の一覧" } " · " a href={ "/c/" (slug) } { (p.c.title) } }
            h1 { "論点 " (t.number) "：" (t.title) }
            (undo_notice(id, slug, q.moved.zip(q.event)))
            p.muted { (p.total) " 件の意見 · 版 " (t.version) " · " a href={ "/c/" (slug) "?topic=" (t.number) } { "一覧で見る（分類・担当などの一括操作）" } }
            section.block #summary {
                h2 { "意見の概要" }
                @if let Some(e) = &d.words_error { p.error role="alert" { (e) } }
                @if can_triage {
                    form.topic.guarded method="post" action={ (base) } {
                        (csrf_field(id))
                        input type="hidden" name="version" value=(t.version);
                        label.block { "題名" input type="text" name="title" value=(t.title) required size="60"; }
                        label.block { "意見の概要（公表する要約）" textarea #topic-summary name="summary" rows="4" { (t.summary) } }
                        label { "項番" select name="clause" {
                            option value="" { "（なし）" }
                            @for cl in &p.clauses { option value=(cl.id) selected[t.clause_id == Some(cl.id)] { (cl.label) " " (excerpt(&cl.heading, 1, 30)) } }
                        } }
                        label { "分類" select name="category" {
                            option value="" { "（なし）" }
                            @for k in &p.categories { option value=(k.id) selected[t.category_id == Some(k.id)] { (k.name) } }
                        } }
                        button type="submit" { "概要を保存" }
                    }
                } @else {
                    @if t.summary.is_empty() { p.muted { "まだ概要がありません。" } } @else { div.original { (t.summary) } }
                }
            }
            section.block #answer {
                h2 { "方針・コメント（この論点の意見すべてへの回答）" }
                @if t.has_answer() {
                    p { @if let Some(dd) = t.disposition { (disposition_badge(dd)) } " " span.state { (t.answer_state.label()) } span.muted { " · 版 " (t.answer_version) } }
                    @if let (Some(remark), ResponseState::Returned) = (&t.reviewer_remark, t.answer_state) { p.warning { "差戻しの理由: " (remark) } }
                    @if locked || !can_draft { div.original #answer-body { (t.answer_body) } }
                } @else if !can_draft { p.muted { "まだ回答がありません。" } }
                @if let Some(e) = &d.error { p.error role="alert" { (e) } }
                @if let Some(theirs) = &d.conflict {
                    div.conflict {
                        p.error role="alert" { "あなたが編集している間に、ほかの人がこの回答を保存しました（版 " (theirs.answer_version) "）。あなたの文は失われていません。見比べてから保存してください。" }
                        div.sidebyside {
                            div { h3 { "いま保存されている回答" } div.original #current-answer { (theirs.answer_body) } }
                            div { h3 { "あなたの文との違い" } div.original.diff { (diff::inline(&diff::segments(&theirs.answer_body, d.body.as_deref().unwrap_or("")))) } }
                        }
                    }
                }
                @if can_draft && !locked { (answer_form(state, id, p, &base, &d)) }
                (review_buttons(id, p, &base, can_review, &d))
            }
            section.block #members {
                h2 { "この論点の意見（" (p.total) " 件）" }
                form.filters method="get" action=(base) {
                    label { "本文を検索" input type="search" name="q" value=(search); }
                    button type="submit" { "絞り込む" }
                    @if !search.is_empty() { " " span.muted { (p.matching) " 件が該当" } }
                }
                @if can_triage {
                    form.filters method="post" action={ (base) "/comments" } {
                        (csrf_field(id))
                        label { "意見を加える（No. をカンマ区切りで）" input type="text" name="add" size="30"; }
                        button type="submit" { "加える" }
                    }
                }
                form #members-form method="post" action={ (base) "/comments" } {
                    @if can_triage { (csrf_field(id)) }
                    table.list {
                        thead { tr { @if can_triage { th { "選択" } } th { "No." } th { "御意見" } th { "回答の状態" } } }
                        tbody { @for (m, r) in &p.members { tr {
                            @if can_triage { td { input type="checkbox" name="remove" value=(m.no()) aria-label={ "No. " (m.no()) " を選択" }; } }
                            td.num { a href={ "/c/" (slug) "/comments/" (m.no()) } { (m.no()) } }
                            td.text { @match crate::text::snippet(&m.body, &search, 120).filter(|_| !search.is_empty()) {
                                Some((b, hit, a)) => { (b) mark { (hit) } (a) }
                                None => { (excerpt(&m.body, 3, 80)) }
                            } }
                            td { @if let Some(r) = r { span.muted { (r.state().label()) } } @else { span.muted { "—" } } }
                        } } }
                    }
                    @if can_triage && !p.members.is_empty() {
                        button.secondary type="submit" { "選んだ意見を論点から外す（個別に回答する）" }
                    }
                }
                @if pages > 1 {
                    p.pager {
                        @if page > 1 { a href={ (base) "?page=" (page - 1) "&q=" (search) } { "← 前へ" } " " }
                        (page) " / " (pages)
                        @if page < pages { " " a href={ (base) "?page=" (page + 1) "&q=" (search) } { "次へ →" } }
                    }
                }
            }
            section.block #revisions {
                h2 { "修正内容" }
                @if p.revisions.is_empty() { p.muted { "この論点の意見に結び付いた修正内容はありません（修正内容は意見のページで追加します）。" } }
                @for r in &p.revisions {
                    div.revision { p { span.badge { (r.kind().label()) } " " (r.clause_label) } div.original { (excerpt(r.revised_side().1, 4, 100)) } }
                }
            }
            @if can_triage {
                section.block {
                    form.inline method="post" action={ (base) "/delete" } onsubmit="return confirm('この論点を削除しますか？意見は残り、個別に回答する状態に戻ります。')" {
                        (csrf_field(id))
                        button.secondary type="submit" { "この論点を削除（意見は残ります）" }
                    }
                }
            }
            section.block #history {
                h2 { "変更の履歴" }
                @if p.history.is_empty() { p.muted { "まだ変更はありません。" } } @else {
                    table.list {
                        thead { tr { th { "日時（日本時間）" } th { "操作者" } th { "操作" } th { "変更前" } th { "変更後" } } }
                        tbody { @for e in &p.history { tr {
                            td { (crate::text::japan_time(e.occurred_at)) }
                            td { (e.actor_name(&p.names)) }
                            td { (e.action_label()) }
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

fn answer_form(state: &AppState, id: &Identity, p: &TopicPage, base: &str, d: &Draft) -> Markup {
    let t = &p.topic;
    let disposition = d.disposition.or(t.disposition);
    let body = d.body.clone().unwrap_or_else(|| t.answer_body.clone());
    let version = d.version.or(t.has_answer().then_some(t.answer_version));
    let unsaved = body != t.answer_body;
    html! {
        form.answer.guarded method="post" action={ (base) "/answer" } data-unsaved[unsaved] {
            (csrf_field(id))
            input type="hidden" name="version" value=(version.map(|v| v.to_string()).unwrap_or_default());
            label { "対応区分 " select name="disposition" {
                option value="" { "（選ぶ）" }
                @for dd in Disposition::ALL { option value=(dd.code()) selected[disposition == Some(*dd)] { (dd.label()) } }
            } }
            label.block { "回答（考え方）" textarea name="body" rows="6" { (body) } }
            div.phrases {
                span.muted { "定型文を挿入: " }
                (super::comment_page::phrase_buttons(state, &p.phrases))
            }
            button type="submit" name="save" value="1" { "回答を保存" }
            @if !t.has_answer() || matches!(t.answer_state, ResponseState::Drafting | ResponseState::Returned) {
                " " button type="submit" name="submit" value="1" { "保存して確認を依頼" }
            }
        }
    }
}

fn review_buttons(id: &Identity, p: &TopicPage, base: &str, can_review: bool, d: &Draft) -> Markup {
    let t = &p.topic;
    if !t.has_answer() || !can_review {
        return html! {};
    }
    html! {
        div.review {
            @if t.answer_state == ResponseState::InReview {
                form.inline method="post" action={ (base) "/review" } {
                    (csrf_field(id))
                    input type="hidden" name="version" value=(t.answer_version);
                    button type="submit" name="action" value="approve" { "確定する" }
                }
                form.filters method="post" action={ (base) "/review" } {
                    (csrf_field(id))
                    input type="hidden" name="version" value=(t.answer_version);
                    label { "差戻しの理由" textarea name="remark" rows="2" cols="50" { (d.remark.as_deref().unwrap_or("")) } }
                    button.secondary type="submit" name="action" value="return" { "差し戻す" }
                }
            }
            @if t.answer_state == ResponseState::Approved {
                form.inline method="post" action={ (base) "/review" } {
                    (csrf_field(id))
                    input type="hidden" name="version" value=(t.answer_version);
                    button.secondary type="submit" name="action" value="reopen" { "確定を解除して修正する" }
                }
            }
        }
    }
}

fn page_reply(
    st: &AppState,
    id: &Identity,
    conn: &mut Conn,
    slug: &str,
    n: i32,
    d: Draft,
    status: StatusCode,
) -> Result<Reply, AppError> {
    let p = load(conn, id, slug, n, &TopicQuery::default())?;
    Ok(Reply::Page(
        status,
        view(st, id, &p, &TopicQuery::default(), d).into_string(),
    ))
}

/// POST /c/{slug}/topics/{n}: the title, 概要, clause and category.
pub async fn update(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i32)>,
    body: Bytes,
) -> Result<HttpResponse, AppError> {
    let (slug, n) = path.into_inner();
    let f = Fields::parse(&body)?;
    let st = state.clone();
    let reply = state
        .in_consultation(&id, slug, Permission::Triage, move |mut conn, id, c| {
            let t = numbered(&mut conn, &c, n)?;
            let text = f.text()?;
            let expected: i32 = f.get("version").trim().parse().unwrap_or(-1);
            match topics::update(&mut conn, &Actor::of(&id.user), &t, expected, &text) {
                Ok(true) => Ok(Reply::Redirect(format!("/c/{}/topics/{n}#summary", c.slug))),
                Ok(false) => page_reply(&st, &id, &mut conn, &c.slug, n, Draft {
                    words_error: Some("ほかの人が先に題名・概要を変えました。いまの内容を確かめてからもう一度保存してください（あなたの概要: 「".to_string() + &text.summary + "」）"),
                    ..Default::default()
                }, StatusCode::CONFLICT),
                Err(e) => match AppError::from(e) {
                    AppError::BadRequest(why) => page_reply(&st, &id, &mut conn, &c.slug, n, Draft { words_error: Some(why), ..Default::default() }, StatusCode::BAD_REQUEST),
                    other => Err(other),
                },
            }
        })
        .await?;
    Ok(reply.into_response())
}

/// POST /c/{slug}/topics/{n}/answer
pub async fn answer(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i32)>,
    body: Bytes,
) -> Result<HttpResponse, AppError> {
    let (slug, n) = path.into_inner();
    let f = Fields::parse(&body)?;
    let st = state.clone();
    let reply = state
        .in_consultation(&id, slug, Permission::Draft, move |mut conn, id, c| {
            let t = numbered(&mut conn, &c, n)?;
            let disposition = f.get("disposition").parse::<Disposition>().ok();
            let version = f.get("version").trim().parse::<i32>().ok();
            let text = f.get("body");
            let keep = |error: String| Draft {
                disposition,
                body: Some(text.clone()),
                version,
                error: Some(error),
                ..Default::default()
            };
            let insert = f.get("insert");
            if !insert.is_empty() {
                let phrases = stock_phrase::for_consultation(&mut conn, c.id())?;
                let Some((pd, new_body)) =
                    crate::drafting::stock_phrases::insert(&text, &insert, &st.phrases, &phrases)
                else {
                    return Err(AppError::BadRequest("その定型文はありません".into()));
                };
                let d = Draft {
                    disposition: disposition.or(Some(pd)),
                    body: Some(new_body),
                    version,
                    ..Default::default()
                };
                return page_reply(&st, &id, &mut conn, &c.slug, n, d, StatusCode::OK);
            }
            let Some(disposition) = disposition else {
                return page_reply(
                    &st,
                    &id,
                    &mut conn,
                    &c.slug,
                    n,
                    keep("対応区分を選んでください".into()),
                    StatusCode::BAD_REQUEST,
                );
            };
            let actor = Actor::of(&id.user);
            let is_reviewer = id
                .role_in(&mut conn, &c)?
                .is_some_and(|r| r.allows(Permission::Review));
            let editor = Editor {
                actor: &actor,
                is_reviewer,
            };
            let submit = !f.get("submit").is_empty();
            match topic_answers::save(&mut conn, &editor, &t, disposition, &text, version, submit)?
            {
                Outcome::Saved { .. } => {
                    Ok(Reply::Redirect(format!("/c/{}/topics/{n}#answer", c.slug)))
                }
                Outcome::Conflict(now) => {
                    let d = Draft {
                        disposition: Some(disposition),
                        body: Some(text.clone()),
                        version: Some(now.answer_version),
                        conflict: Some(*now),
                        ..Default::default()
                    };
                    page_reply(&st, &id, &mut conn, &c.slug, n, d, StatusCode::CONFLICT)
                }
                Outcome::Locked => page_reply(
                    &st,
                    &id,
                    &mut conn,
                    &c.slug,
                    n,
                    keep("この回答は確定済みです。確認者が確定を解除すると直せます。".into()),
                    StatusCode::CONFLICT,
                ),
                Outcome::Refused(why) => page_reply(
                    &st,
                    &id,
                    &mut conn,
                    &c.slug,
                    n,
                    keep(why),
                    StatusCode::BAD_REQUEST,
                ),
            }
        })
        .await?;
    Ok(reply.into_response())
}

/// POST /c/{slug}/topics/{n}/review
pub async fn review(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i32)>,
    body: Bytes,
) -> Result<HttpResponse, AppError> {
    let (slug, n) = path.into_inner();
    let f = Fields::parse(&body)?;
    let action: ReviewAction = serde_json::from_value(serde_json::Value::String(f.get("action")))
        .map_err(|_| AppError::BadRequest("操作がわかりません".into()))?;
    let need = if action.needs_reviewer() {
        Permission::Review
    } else {
        Permission::Draft
    };
    let st = state.clone();
    let reply = state
        .in_consultation(&id, slug, need, move |mut conn, id, c| {
            let t = numbered(&mut conn, &c, n)?;
            let version: i32 = f.get("version").trim().parse().unwrap_or(-1);
            let remark = f.get("remark");
            let actor = Actor::of(&id.user);
            let is_reviewer = id.role_in(&mut conn, &c)?.is_some_and(|r| r.allows(Permission::Review));
            let editor = Editor { actor: &actor, is_reviewer };
            let error = |e: String| Draft { error: Some(e), remark: Some(remark.clone()), ..Default::default() };
            match topic_answers::review(&mut conn, &editor, &t, action, version, Some(&remark))? {
                Outcome::Saved { .. } => Ok(Reply::Redirect(format!("/c/{}/topics/{n}#answer", c.slug))),
                Outcome::Conflict(now) => page_reply(&st, &id, &mut conn, &c.slug, n, error(format!("ほかの人がこの回答を変更しました（版 {}）。内容を確かめてからもう一度操作してください。", now.answer_version)), StatusCode::CONFLICT),
                Outcome::Locked => Err(AppError::BadRequest("確定済みです".into())),
                Outcome::Refused(why) => page_reply(&st, &id, &mut conn, &c.slug, n, error(why), StatusCode::BAD_REQUEST),
            }
        })
        .await?;
    Ok(reply.into_response())
}

/// POST /c/{slug}/topics/{n}/comments: `add` (typed Nos.) and `remove` (ticked rows).
pub async fn members(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i32)>,
    body: Bytes,
) -> Result<HttpResponse, AppError> {
    let (slug, n) = path.into_inner();
    let f = Fields::parse(&body)?;
    let to = state
        .in_consultation(&id, slug, Permission::Triage, move |mut conn, id, c| {
            let t = numbered(&mut conn, &c, n)?;
            let actor = Actor::of(&id.user);
            let add = ids_of(&mut conn, &c, &f.all("add"))?;
            let remove = ids_of(&mut conn, &c, &f.all("remove"))?;
            let moved = if !add.is_empty() {
                topics::add(&mut conn, &actor, &t, &add)?
            } else if !remove.is_empty() {
                topics::remove(&mut conn, &actor, &t, &remove)?
            } else {
                return Err(AppError::BadRequest(
                    "意見を一つ以上選ぶか、No. を書いてください".into(),
                ));
            };
            Ok(format!(
                "/c/{}/topics/{n}?moved={}&event={}#members",
                c.slug, moved.comments, moved.event
            ))
        })
        .await?;
    Ok(super::see_other(&to))
}

/// POST /c/{slug}/topics/{n}/delete
pub async fn delete(
    state: Data<AppState>,
    id: Identity,
    path: Path<(String, i32)>,
) -> Result<HttpResponse, AppError> {
    let (slug, n) = path.into_inner();
    let to = state
        .in_consultation(&id, slug, Permission::Triage, move |mut conn, id, c| {
            let t = numbered(&mut conn, &c, n)?;
            topics::delete(&mut conn, &Actor::of(&id.user), &t)?;
            Ok(format!("/c/{}/topics", c.slug))
        })
        .await?;
    Ok(super::see_other(&to))
}

#[derive(serde::Deserialize)]
pub struct SuggestionsQuery {
    clause: Option<String>,
}

/// GET /c/{slug}/topics/suggestions
pub async fn suggestions(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    q: web::Query<SuggestionsQuery>,
) -> Result<Markup, AppError> {
    let clause_param = q.clause.clone().unwrap_or_default();
    let (c, found, bodies, clauses, role) = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, who, c| {
                let scope = scope_of(&mut conn, &c, Some(&clause_param))?;
                let found = topic_suggestions::suggest(&mut conn, c.id(), scope)?;
                let mut bodies = std::collections::HashMap::new();
                for s in found.iter().take(SUGGESTIONS_SHOWN) {
                    for cm in comment::find_many(&mut conn, &s.ids[..s.ids.len().min(8)])? {
                        bodies.insert(cm.id, cm.body);
                    }
                }
                let clauses = clause::all(&mut conn, c.id())?;
                let role = who.role_in(&mut conn, &c)?.unwrap_or(Role::Viewer);
                Ok((c, found, bodies, clauses, role))
            },
        )
        .await?;
    let slug = &c.slug;
    let can_triage = role.allows(Permission::Triage);
    let current = q.clause.clone().unwrap_or_default();
    Ok(layout::page(
        "論点の候補",
        (&id).into(),
        html! {
            p { a href={ "/c/" (slug) "/topics" } { "← 論点の一覧" } }
            h1 { "論点の候補" }
            p.muted { "まだ論点にない意見を、文字の並びの似かよいでまとめた候補です（同じ意見からは毎回同じ候補ができます）。題名を直し、外す意見のチェックを外してから採用してください。複数の候補を選んで一つの論点にもできます。" }
            form.filters method="get" action={ "/c/" (slug) "/topics/suggestions" } {
                label { "項番（配下を含む）" select name="clause" {
                    option value="" { "（案件全体）" }
                    @for cl in &clauses { option value=(cl.id) selected[current == cl.id.to_string()] { (cl.label) " " (excerpt(&cl.heading, 1, 30)) } }
                } }
                button type="submit" { "候補を出す" }
            }
            p.summary { (found.len()) " 件の候補" @if found.len() > SUGGESTIONS_SHOWN { "（大きい順に " (SUGGESTIONS_SHOWN) " 件を表示）" } }
            @if found.is_empty() { p.empty { "候補はありません。" } }
            form #suggestions method="post" action={ "/c/" (slug) "/topics/suggestions" } {
                @if can_triage { (csrf_field(&id)) }
                @for (i, s) in found.iter().take(SUGGESTIONS_SHOWN).enumerate() {
                    div.group.suggestion id={ "suggestion-" (i) } {
                        h2 {
                            @if can_triage { input type="checkbox" name="pick" value=(i) aria-label="この候補を選ぶ"; " " }
                            "候補 " (i + 1) " " span.muted { (s.members.len()) " 件 · まとまり " (format!("{:.2}", s.cohesion)) }
                        }
                        p { "特徴的な語: " @for k in &s.key_phrases { span.badge { (k) } " " } }
                        @if can_triage {
                            input type="hidden" name={ "sig" (i) } value=(s.signature);
                            label { "題名" input type="text" name={ "title" (i) } value=(s.key_phrases.iter().take(3).cloned().collect::<Vec<_>>().join("・")) size="50"; }
                        }
                        ul.members { @for (k, (no, cid)) in s.members.iter().zip(&s.ids).enumerate() { li {
                            @if can_triage { input type="checkbox" name={ "m" (i) } value=(no) checked aria-label={ "No. " (no) " を含める" }; " " }
                            a href={ "/c/" (slug) "/comments/" (no) } { "No. " (no) } " "
                            @if k == 0 { span.badge { "代表" } " " }
                            @if let Some(b) = bodies.get(cid) { (excerpt(b, 1, 90)) }
                        } } }
                        @if can_triage {
                            button type="submit" name="accept" value=(i) { "この候補を論点にする" }
                            " "
                            button.secondary type="submit" name="dismiss" value=(i) { "候補から外す" }
                        }
                    }
                }
                @if can_triage && !found.is_empty() {
                    p { button type="submit" name="merge" value="1" { "選んだ候補を一つの論点にまとめる" } }
                }
            }
        },
    ))
}

/// POST /c/{slug}/topics/suggestions: `accept=i` (the ticked members of suggestion i, with
/// its title), `merge` (the ticked members of every picked suggestion, under the first
/// title), or `dismiss=i`.
pub async fn act_on_suggestion(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    body: Bytes,
) -> Result<HttpResponse, AppError> {
    let f = Fields::parse(&body)?;
    let to = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::Triage,
            move |mut conn, id, c| {
                let actor = Actor::of(&id.user);
                let dismiss = f.get("dismiss");
                if !dismiss.is_empty() {
                    let sig = f.get(&format!("sig{dismiss}"));
                    let ids: Vec<CommentId> = sig
                        .split(',')
                        .filter_map(|s| s.parse().ok())
                        .map(CommentId)
                        .collect();
                    if ids.is_empty() {
                        return Err(AppError::BadRequest("外す候補がわかりません".into()));
                    }
                    topics::dismiss_suggestion(&mut conn, &actor, c.id(), &ids)?;
                    return Ok(format!("/c/{}/topics/suggestions", c.slug));
                }
                let picked: Vec<String> = if f.get("merge").is_empty() {
                    vec![f.get("accept")]
                } else {
                    f.all("pick")
                };
                let picked: Vec<String> = picked.into_iter().filter(|p| !p.is_empty()).collect();
                if picked.is_empty() {
                    return Err(AppError::BadRequest("候補を選んでください".into()));
                }
                let mut nos = Vec::new();
                for i in &picked {
                    nos.extend(f.all(&format!("m{i}")));
                }
                let members = ids_of(&mut conn, &c, &nos)?;
                if members.is_empty() {
                    return Err(AppError::BadRequest(
                        "含める意見を一つ以上選んでください".into(),
                    ));
                }
                let text = TopicText {
                    title: f.get(&format!("title{}", picked[0])),
                    ..Default::default()
                };
                let (t, moved) = topics::create(&mut conn, &actor, c.id(), &text, &members)?;
                Ok(format!(
                    "/c/{}/topics/{}?moved={}&event={}",
                    c.slug, t.number, moved.comments, moved.event
                ))
            },
        )
        .await?;
    Ok(super::see_other(&to))
}
