//! A consultation's comments: the filtered, sortable list with bulk actions on a selection.

use super::identity::Identity;
use super::layout::{self, csrf_field};
use super::state::AppState;
use crate::auth::Permission;
use crate::domain::{Disposition, ResponseState};
use crate::error::AppError;
use crate::models::comment_list;
use crate::models::{category, clause, consultation, membership};
use crate::text::excerpt;
use actix_web::web::{Data, Path, Query};
use maud::{html, Markup};

pub const PAGE_SIZE: i64 = 50;

/// The list's query string: filters (kept in the URL so a view can be shared), page, and
/// the counts a bulk action reports back.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListParams {
    page: Option<i64>,
    q: Option<String>,
    category: Option<String>,
    clause: Option<String>,
    status: Option<String>,
    drafter: Option<String>,
    disposition: Option<String>,
    submitter: Option<String>,
    group: Option<String>,
    topic: Option<String>,
    untagged: Option<String>,
    sort: Option<String>,
    /// `all`: count a search to the end instead of stopping at the cap.
    count: Option<String>,
    answered: Option<usize>,
    locked: Option<usize>,
    in_topic: Option<usize>,
    replaced: Option<usize>,
    kept: Option<usize>,
    tagged: Option<usize>,
    assigned: Option<usize>,
}

/// A number parameter; anything else matches nothing rather than everything.
fn id_param(v: &Option<String>) -> Option<i64> {
    v.as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| c.parse().unwrap_or(i64::MIN))
}

fn text_param(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from)
}

impl ListParams {
    pub fn filter(&self) -> comment_list::CommentFilter {
        comment_list::CommentFilter {
            q: text_param(&self.q),
            category: id_param(&self.category),
            clause: id_param(&self.clause),
            status: text_param(&self.status),
            drafter: id_param(&self.drafter),
            disposition: text_param(&self.disposition),
            submitter: text_param(&self.submitter),
            group: id_param(&self.group),
            topic: text_param(&self.topic),
            untagged: text_param(&self.untagged),
            sort: text_param(&self.sort),
            search_cap: (self.count.as_deref() == Some("all")).then_some(comment_list::UNCAPPED),
        }
    }

    /// The filters as a query string, for pager links and the comment pages opened from
    /// the list.
    pub fn query(&self) -> String {
        let pairs = [
            ("q", &self.q),
            ("category", &self.category),
            ("clause", &self.clause),
            ("status", &self.status),
            ("drafter", &self.drafter),
            ("disposition", &self.disposition),
            ("submitter", &self.submitter),
            ("group", &self.group),
            ("untagged", &self.untagged),
            ("sort", &self.sort),
            ("count", &self.count),
        ];
        pairs
            .iter()
            .filter_map(|(k, v)| {
                v.as_deref()
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{k}={}", super::guard::urlencode(v)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

struct ListPage {
    consultation: consultation::Consultation,
    categories: Vec<category::Category>,
    clauses: Vec<clause::Clause>,
    drafters: Vec<(i64, String)>,
    rows: Vec<comment_list::CommentRow>,
    /// 担当 and 期限 of the rows that are assigned.
    assigned:
        std::collections::HashMap<crate::domain::CommentId, (String, Option<chrono::NaiveDate>)>,
    /// The signed-in user, for 「自分の担当」.
    me: i64,
    /// With `at_least`: the count stopped there (a search matching very many comments).
    total: (i64, bool),
    /// Comments of a recent import wait for the search index: searches read every body.
    search_indexing: bool,
    page: i64,
    can_publish: bool,
    can_import: bool,
    can_draft: bool,
    can_triage: bool,
}

/// GET /c/{slug}
pub async fn index(
    state: Data<AppState>,
    id: Identity,
    slug: Path<String>,
    params: Query<ListParams>,
) -> Result<Markup, AppError> {
    let page = params.page.unwrap_or(1).max(1);
    let filter = params.filter();
    let list_cache = state.list_cache.clone();
    let data = state
        .in_consultation(
            &id,
            slug.to_string(),
            Permission::View,
            move |mut conn, who, c| {
                let role = who.role_in(&mut conn, &c)?;
                let allows = |p| role.is_some_and(|r| r.allows(p));
                let (rows, total) = comment_list::page(
                    &mut conn,
                    c.id(),
                    &filter,
                    (page - 1) * PAGE_SIZE,
                    PAGE_SIZE,
                    Some(&list_cache),
                )?;
                let search_indexing =
                    filter.q.is_some() && crate::db::search_index::has_pending(&mut conn)?;
                let ids: Vec<_> = rows.iter().map(|r| r.comment.id).collect();
                let assigned = crate::models::assignment::for_comments(&mut conn, &ids)?;
                Ok(ListPage {
                    assigned,
                    me: who.user.id.0,
                    total,
                    search_indexing,
                    rows,
                    categories: category::for_consultation(&mut conn, c.id())?,
                    clauses: clause::all(&mut conn, c.id())?,
                    drafters: membership::drafters(&mut conn, c.id())?,
                    can_publish: allows(Permission::Publish),
                    can_import: allows(Permission::Import),
                    can_draft: allows(Permission::Draft),
                    can_triage: allows(Permission::Triage) || allows(Permission::Assign),
                    consultation: c,
                    page,
                })
            },
        )
        .await?;
    Ok(list_view(&state, &id, &data, &params))
}

pub fn disposition_badge(d: Disposition) -> Markup {
    html! { span class={ "badge " (d.code()) } { (d.label()) } }
}

fn select(
    name: &str,
    label: &str,
    current: &Option<String>,
    options: &[(String, String)],
) -> Markup {
    let cur = current.as_deref().unwrap_or("");
    html! {
        label { (label) select name=(name) {
            option value="" { "（すべて）" }
            @for (v, t) in options { option value=(v) selected[v == cur] { (t) } }
        } }
    }
}

fn flash(params: &ListParams) -> Markup {
    html! {
        @if let Some(n) = params.answered { p.flash role="status" {
            (n) " 件に回答しました。"
            @if let Some(r) = params.replaced { @if r > 0 { "うち " (r) " 件は既にあった回答を置き換えました。" } }
            @if let Some(k) = params.kept { @if k > 0 { "既に回答のある " (k) " 件はそのままにしました（置き換えるには「既に回答のある意見も置き換える」を選んでください）。" } }
            @if let Some(l) = params.locked { @if l > 0 { "確定済みの " (l) " 件はそのままです。" } }
            @if let Some(t) = params.in_topic { @if t > 0 { "論点でまとめて回答する " (t) " 件はそのままです（論点のページで回答してください）。" } }
        } }
        @if let Some(n) = params.tagged { p.flash role="status" { (n) " 件に分類・項番を付けました。" } }
        @if let Some(n) = params.assigned { p.flash role="status" { (n) " 件を割り当てました。" } }
    }
}

fn list_view(state: &AppState, id: &Identity, p: &ListPage, params: &ListParams) -> Markup {
    let (total, at_least) = p.total;
    let pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
    let first = (p.page - 1) * PAGE_SIZE + 1;
    let last = (first + p.rows.len() as i64 - 1).max(0);
    let slug = &p.consultation.slug;
    let today = (chrono::Utc::now().naive_utc() + chrono::Duration::hours(9)).date();
    // A comment opened from the list keeps the list's filters (its previous / next links).
    let in_list = if params.query().is_empty() {
        String::new()
    } else {
        format!("?{}", params.query())
    };
    // A search shows each comment's text around its match, the match marked.
    let search = params.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let query = params.query();
    let pager = html! {
        nav.pager {
            @if p.page > 1 { a rel="prev" href={ "?" (query) "&page=" (p.page - 1) } { "← 前へ" } }
            span { (p.page) " / " (pages.max(1)) @if at_least { "+" } " ページ" }
            @if p.page < pages || (at_least && p.rows.len() as i64 == PAGE_SIZE) { a rel="next" href={ "?" (query) "&page=" (p.page + 1) } { "次へ →" } }
        }
    };
    let categories: Vec<(String, String)> = p
        .categories
        .iter()
        .map(|c| (c.id.to_string(), c.name.clone()))
        .collect();
    let clauses: Vec<(String, String)> = p
        .clauses
        .iter()
        .map(|c| {
            (
                c.id.to_string(),
                format!(
                    "{}{} {}",
                    "　".repeat((c.depth - 1).max(0) as usize),
                    c.label,
                    excerpt(&c.heading, 1, 24)
                ),
            )
        })
        .collect();
    let mut drafters: Vec<(String, String)> = vec![("-1".into(), "（未割当）".into())];
    drafters.extend(p.drafters.iter().map(|(i, n)| (i.to_string(), n.clone())));
    let mut statuses: Vec<(String, String)> = vec![("unanswered".into(), "回答なし".into())];
    statuses.extend(
        ResponseState::ALL
            .iter()
            .filter(|s| **s != ResponseState::NotStarted)
            .map(|s| (s.code().to_string(), s.label().to_string())),
    );
    let dispositions: Vec<(String, String)> = Disposition::ALL
        .iter()
        .map(|d| (d.code().to_string(), d.label().to_string()))
        .collect();
    let kinds = vec![
        ("individual".to_string(), "個人".to_string()),
        ("organization".to_string(), "法人・団体".to_string()),
    ];
    let untagged = vec![
        ("clause".to_string(), "項番なし".to_string()),
        ("category".to_string(), "分類なし".to_string()),
    ];
    let sorts = vec![("clause".to_string(), "原案の順".to_string())];
    let mut topics = vec![
        ("none".to_string(), "論点なし".to_string()),
        ("any".to_string(), "論点あり".to_string()),
    ];
    if let Some(n) = params.topic.as_deref().filter(|t| t.parse::<i32>().is_ok()) {
        topics.push((n.to_string(), format!("論点 {n}")));
    }
    layout::page(
        &p.consultation.title,
        id.into(),
        html! {
            p { a href="/" { "← 案件の一覧" } }
            h1 { (p.consultation.title) }
            nav.tabs {
                a href={ "/c/" (slug) "?drafter=" (p.me) } { "自分の担当" }
                a href={ "/c/" (slug) "/dashboard" } { "状況" }
                a href={ "/c/" (slug) "/clauses" } { "原案の項番" }
                a href={ "/c/" (slug) "/groups" } { "同旨の意見" }
                a href={ "/c/" (slug) "/topics" } { "論点" }
                a href={ "/c/" (slug) "/routing" } { "振り分け" }
                a href={ "/c/" (slug) "/phrases" } { "定型文" }
                @if p.can_publish { a href={ "/c/" (slug) "/publish" } { "公表" } }
                @if p.can_import { a href={ "/c/" (slug) "/import" } { "取込" } }
            }
            (flash(params))
            form.filters #filters method="get" action={ "/c/" (slug) } {
                label { "本文を検索" input #search type="search" name="q" value=(params.q.as_deref().unwrap_or("")) placeholder="/ で移動"; }
                (select("clause", "項番（配下を含む）", &params.clause, &clauses))
                (select("category", "分類", &params.category, &categories))
                (select("status", "状態", &params.status, &statuses))
                (select("drafter", "担当", &params.drafter, &drafters))
                (select("disposition", "対応区分", &params.disposition, &dispositions))
                (select("submitter", "提出者", &params.submitter, &kinds))
                (select("untagged", "未分類", &params.untagged, &untagged))
                (select("sort", "並び", &params.sort, &sorts))
                label { "同旨グループ" input type="text" name="group" size="5" value=(params.group.as_deref().unwrap_or("")); }
                (select("topic", "論点", &params.topic, &topics))
                button type="submit" { "絞り込む" }
                a href={ "/c/" (slug) } { "条件を消す" }
            }
            @if p.search_indexing { p.flash role="status" { "取り込んだ意見の検索索引を作成しています。終わるまで検索に時間がかかることがあります（結果は同じです）。" } }
            p.summary { "意見 " (total) " 件" @if at_least { "以上" a href={ "?" (query) "&count=all" } { "（すべて数える）" } } @if total > 0 { "（" (first) "〜" (last) " 件目を表示）" } }
            @if p.rows.is_empty() {
                p.empty { "該当する意見はありません。" }
            } @else {
                (pager)
                form #bulk method="post" action={ "/c/" (slug) "/answers/bulk" } {
                    @if p.can_draft || p.can_triage { (csrf_field(id)) input type="hidden" name="back" value=(query); }
                    table.list #comments {
                        thead { tr { @if p.can_draft || p.can_triage { th { "選択" } } th { "No." } th { "分類" } th { "編" } th { "章" } th { "頁" } th { "御意見" } th { "回答（考え方）" } th { "担当" } th { "期限" } } }
                        tbody {
                            @for r in &p.rows {
                                tr {
                                    @if p.can_draft || p.can_triage { td { input type="checkbox" name="no" value=(r.comment.no()) aria-label={ "No. " (r.comment.no()) " を選択" }; } }
                                    td.num { a href={ "/c/" (slug) "/comments/" (r.comment.no()) (in_list) } { (r.comment.no()) } }
                                    td { (r.category.as_deref().unwrap_or("")) }
                                    td { (r.comment.volume.as_deref().unwrap_or("—")) }
                                    td { (r.comment.chapter.as_deref().unwrap_or("—")) }
                                    td.num { (r.comment.page.as_deref().unwrap_or("—")) }
                                    td.text {
                                        @match search.and_then(|q| crate::text::snippet(&r.comment.body, q, 120)) {
                                            Some((before, hit, after)) => { (before) mark { (hit) } (after) }
                                            None => { (excerpt(&r.comment.body, 3, 80)) }
                                        }
                                    }
                                    td.answer {
                                        @if let Some(d) = r.disposition { (disposition_badge(d)) " " }
                                        @if let Some(st) = r.state { span.muted { "［" (st.label()) "］" } " " }
                                        (excerpt(r.answer.as_deref().unwrap_or(""), 3, 60))
                                    }
                                    @let assigned = p.assigned.get(&r.comment.id);
                                    td.drafter { (assigned.map_or("—", |(name, _)| name.as_str())) }
                                    td.due {
                                        @match assigned.and_then(|(_, due)| *due) {
                                            Some(due) => span.overdue[due < today && r.state != Some(ResponseState::Approved)] { (due.format("%m/%d")) },
                                            None => "—",
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if p.can_triage {
                        fieldset.bulk #bulk-triage {
                            legend { "選んだ意見を仕分ける" }
                            label { "分類" select #bulk-category name="set_category" { option value="" { "（変えない）" } @for c in &p.categories { option value=(c.id) { (c.name) } } } }
                            label { "項番" select name="set_clause" { option value="" { "（変えない）" } @for (v, t) in &clauses { option value=(v) { (t) } } } }
                            button type="submit" formaction={ "/c/" (slug) "/tags/bulk" } { "分類・項番を付ける" }
                            label { "担当" select #bulk-drafter name="assign_to" { option value="" { "（選ぶ）" } @for (i, n) in &p.drafters { option value=(i) { (n) } } } }
                            label { "期限" input type="date" name="due_on"; }
                            button type="submit" formaction={ "/c/" (slug) "/assign/bulk" } { "担当を割り当てる" }
                        }
                        fieldset.bulk #bulk-topic {
                            legend { "論点にまとめる" }
                            label { "題名" input #topic-title type="text" name="title" size="30" placeholder="空なら最初の意見の書き出し"; }
                            label { "対象" select name="scope" {
                                option value="picked" { "選んだ意見" }
                                option value="filter" { "この絞り込みの全件（" (total) " 件）" }
                            } }
                            label { "既存の論点 No.（加えるとき）" input type="text" name="into" size="4"; }
                            button #make-topic type="submit" formaction={ "/c/" (slug) "/topics" } { "論点にまとめる" }
                        }
                    }
                    @if p.can_draft {
                        fieldset.bulk {
                            legend { "選んだ意見にまとめて回答" }
                            label { "対応区分" select name="disposition" { option value="" { "（定型文に合わせる）" } @for d in Disposition::ALL { option value=(d.code()) { (d.label()) } } } }
                            label { "定型文" select name="phrase" { option value="" { "（使わない）" } @for (i, (d, t)) in state.phrases.phrases.iter().enumerate() { option value={ "t" (i) } { "［" (d.label()) "］" (t) } } } }
                            label { "回答（定型文を使わないとき）" textarea name="body" rows="2" cols="50" {} }
                            label { input type="checkbox" name="replace" value="1"; " 既に回答のある意見も置き換える" }
                            button type="submit" { "まとめて回答する" }
                        }
                    }
                }
                (pager)
                p.muted.keys { "キーボード: j / k 移動, x 選択, t 分類, a 担当, / 検索" }
            }
            @if p.can_publish {
                section.block {
                    h2 { "書き出しと設定" }
                    p {
                        "意見募集の結果: "
                        a href={ "/c/" (slug) "/export?layout=mhlw&format=xlsx" } { "厚労省形式 XLSX" } " / "
                        a href={ "/c/" (slug) "/export?layout=mhlw&format=csv" } { "厚労省形式 CSV" } " / "
                        a href={ "/c/" (slug) "/export?layout=mic&format=xlsx" } { "総務省形式 XLSX" } " / "
                        a href={ "/c/" (slug) "/export?layout=mic&format=csv" } { "総務省形式 CSV" } " / "
                        a href={ "/c/" (slug) "/export?layout=summary&format=xlsx" } { "論点の概要形式 XLSX" }
                    }
                    form.filters method="post" action={ "/c/" (slug) "/title" } {
                        (csrf_field(id))
                        label { "案件の題名" input type="text" name="title" value=(p.consultation.title) size="60" required; }
                        button type="submit" { "題名を変更" }
                    }
                }
            }
            script src="/static/app.js" {}
        },
    )
}
