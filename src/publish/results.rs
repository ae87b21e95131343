//! The result table's rows and columns, built from the database, independent of file format.

use super::anonymize;
use crate::domain::ClauseId;
use crate::domain::{ConsultationId, SubmitterKind};
use crate::models::comment_list;
use crate::models::{self, comment, revision, submitter};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// No./分類/編/章/頁/御意見/回答（考え方）
    Mhlw,
    /// 資料NO./氏名・名称/属性/対象/ページ（原案）/パート（原案）/意見/方針・コメント/修正内容（原案）/修正内容（修正後）
    Mic,
    /// One row per 論点 (No./該当箇所/御意見の概要/件数/意見番号/御意見に対する考え方/修正の有無),
    /// then each comment in no 論点 on its own row with its full text.
    Summary,
}

impl std::str::FromStr for Layout {
    type Err = String;

    /// `mhlw`, `mic` or `summary`, as the command line, the pages and the API name them.
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "mhlw" => Ok(Layout::Mhlw),
            "mic" => Ok(Layout::Mic),
            "summary" => Ok(Layout::Summary),
            other => Err(format!("形式「{other}」はありません（mhlw, mic, summary）")),
        }
    }
}

impl Layout {
    /// Column headers and widths (in Excel character units).
    pub fn columns(self) -> &'static [(&'static str, f64)] {
        match self {
            // Fitted to the width of A4 landscape, these print at 9 pt or more.
            Layout::Mhlw => &[
                ("No.", 6.0),
                ("分類", 14.0),
                ("編", 12.0),
                ("章", 17.0),
                ("頁", 5.0),
                ("御意見", 50.0),
                ("回答（考え方）", 42.0),
            ],
            Layout::Mic => &[
                ("資料NO.", 6.0),
                ("氏名・名称", 9.0),
                ("属性", 5.0),
                ("対象", 5.0),
                ("ページ（原案）", 6.0),
                ("パート（原案）", 8.0),
                ("意見", 37.0),
                ("方針・コメント", 30.0),
                ("修正内容（原案）", 19.0),
                ("修正内容（修正後）", 19.0),
            ],
            Layout::Summary => &[
                ("No.", 5.0),
                ("該当箇所", 14.0),
                ("御意見の概要", 50.0),
                ("件数", 5.0),
                ("意見番号", 14.0),
                ("御意見に対する考え方", 50.0),
                ("修正の有無", 7.0),
            ],
        }
    }

    pub fn headers(self) -> Vec<&'static str> {
        self.columns().iter().map(|(h, _)| *h).collect()
    }
}

/// The table as text cells, ready for any writer.
#[derive(Debug, Clone)]
pub struct ResultTable {
    pub title: String,
    pub layout: Layout,
    pub rows: Vec<Vec<String>>,
    /// Not everything is approved yet: the table is marked 案.
    pub draft: bool,
}

impl ResultTable {
    pub fn head(&self) -> TableHead {
        TableHead {
            title: self.title.clone(),
            layout: self.layout,
            draft: self.draft,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// By No., as submitted.
    #[default]
    Submission,
    /// By the draft's clause order (全般 and untagged first), then No.
    Clause,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateRows {
    /// Every member of a 同旨 group on its own row, with the shared answer.
    #[default]
    Each,
    /// One row per confirmed 同旨 group, headed 「同旨の意見 N件」.
    Group,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ResultOptions {
    pub order: Order,
    pub duplicates: DuplicateRows,
    /// The published version: only approved answers (the caller has run the check).
    pub final_version: bool,
}

const NONE: &str = "—";

fn or_none(v: &Option<String>) -> String {
    v.clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| NONE.to_string())
}

/// The table with default options: submission order, every 同旨 member, marked 案.
pub fn build(
    conn: &mut models::Conn,
    consultation: ConsultationId,
    title: &str,
    layout: Layout,
) -> diesel::QueryResult<ResultTable> {
    build_with(conn, consultation, title, layout, &ResultOptions::default())
}

/// The whole table in memory (for pages and small files; large files stream from a `Plan`).
pub fn build_with(
    conn: &mut models::Conn,
    consultation: ConsultationId,
    title: &str,
    layout: Layout,
    opts: &ResultOptions,
) -> diesel::QueryResult<ResultTable> {
    let plan = plan(conn, consultation, title, layout, opts)?;
    let mut rows = Vec::with_capacity(plan.len());
    plan.for_each_row(conn, |row| -> diesel::QueryResult<()> {
        rows.push(row);
        Ok(())
    })?;
    Ok(ResultTable {
        title: plan.head.title,
        layout,
        rows,
        draft: plan.head.draft,
    })
}

/// What a file writer needs before the first row.
#[derive(Debug, Clone)]
pub struct TableHead {
    pub title: String,
    pub layout: Layout,
    /// Not everything is approved yet: the table is marked 案.
    pub draft: bool,
}

/// The table worked out without its texts: row order, 同旨 numbers, public names, 修正内容.
/// `for_each_row` then reads the texts a slice of rows at a time, so a 100,000-row export
/// never holds every comment in memory.
pub struct Plan {
    pub head: TableHead,
    consultation: ConsultationId,
    final_version: bool,
    /// Comment ids in table order.
    order: Vec<i64>,
    group_nos: HashMap<i64, Vec<String>>,
    redactions: HashMap<i64, Vec<crate::models::redaction::Redaction>>,
    names: HashMap<i64, String>,
    revisions: HashMap<i64, Vec<revision::Revision>>,
    /// `summary`: the 論点 rows, complete, before the comments in no 論点.
    topic_rows: Vec<Vec<String>>,
    /// `summary`: clause labels, for the 該当箇所 of a comment's own row.
    clause_labels: HashMap<ClauseId, String>,
}

/// Rows whose texts are read in one query.
const SLICE: usize = 1_000;

pub fn plan(
    conn: &mut models::Conn,
    consultation: ConsultationId,
    title: &str,
    layout: Layout,
    opts: &ResultOptions,
) -> diesel::QueryResult<Plan> {
    let mut outlines = comment::outlines(conn, consultation)?;
    // In No. order, as `outlines` come.
    let mut group_nos: HashMap<i64, Vec<String>> = HashMap::new();
    if opts.duplicates == DuplicateRows::Group {
        let confirmed = crate::models::duplicate_group::confirmed_ids(conn, consultation)?;
        for o in &outlines {
            if let Some(g) = o.duplicate_group_id.filter(|g| confirmed.contains(&g.0)) {
                group_nos.entry(g.0).or_default().push(o.no().to_string());
            }
        }
    }
    if opts.order == Order::Clause {
        let positions: HashMap<ClauseId, i32> = crate::models::clause::all(conn, consultation)?
            .into_iter()
            .map(|c| (c.id, c.position))
            .collect();
        outlines.sort_by_key(|o| {
            (
                o.clause_id
                    .and_then(|c| positions.get(&c))
                    .copied()
                    .unwrap_or(-1),
                o.number,
                o.part,
            )
        });
    }
    if !group_nos.is_empty() {
        let mut seen = std::collections::HashSet::new();
        outlines.retain(|o| {
            match o
                .duplicate_group_id
                .filter(|g| group_nos.contains_key(&g.0))
            {
                Some(g) => seen.insert(g),
                None => true,
            }
        });
    }
    let approved = crate::domain::ResponseState::Approved;
    let all_approved = outlines.iter().all(|o| o.answer_state == Some(approved));
    let mut topic_rows = Vec::new();
    let mut clause_labels = HashMap::new();
    let mut all_approved = all_approved;
    if layout == Layout::Summary {
        let summary = summary_rows(conn, consultation, &outlines, opts)?;
        all_approved &= summary.all_approved;
        topic_rows = summary.rows;
        clause_labels = summary.clause_labels;
        outlines.retain(|o| !summary.covered.contains(&o.id));
    }
    let submitters = submitter::for_consultation(conn, consultation)?;
    let names = anonymize::public_names(
        submitters
            .iter()
            .map(|s| (s.id.0, s.kind(), s.name.as_str())),
    );
    let mut revisions: HashMap<i64, Vec<revision::Revision>> = HashMap::new();
    if layout != Layout::Mhlw {
        for (comment_id, rev) in revision::by_comment(conn, consultation)? {
            revisions.entry(comment_id).or_default().push(rev);
        }
    }
    Ok(Plan {
        head: TableHead {
            title: title.to_string(),
            layout,
            draft: !(opts.final_version || all_approved),
        },
        consultation,
        final_version: opts.final_version,
        order: outlines.into_iter().map(|o| o.id.0).collect(),
        group_nos,
        redactions: crate::models::redaction::by_comment(conn, consultation)?,
        names,
        revisions,
        topic_rows,
        clause_labels,
    })
}

/// The 論点 rows of the `summary` layout and what the rest of the table needs from them.
struct Summary {
    rows: Vec<Vec<String>>,
    /// Comments in a 論点: they have no row of their own.
    covered: std::collections::HashSet<crate::domain::CommentId>,
    all_approved: bool,
    clause_labels: HashMap<ClauseId, String>,
}

fn summary_rows(
    conn: &mut models::Conn,
    consultation: ConsultationId,
    outlines: &[comment::Outline],
    opts: &ResultOptions,
) -> diesel::QueryResult<Summary> {
    use crate::domain::{Disposition, ResponseState, TopicId};
    let clauses = crate::models::clause::all(conn, consultation)?;
    let positions: HashMap<ClauseId, i32> = clauses.iter().map(|c| (c.id, c.position)).collect();
    let clause_labels: HashMap<ClauseId, String> =
        clauses.into_iter().map(|c| (c.id, c.label)).collect();
    let membership = crate::models::topic::membership(conn, consultation)?;
    let revised: std::collections::HashSet<i64> = revision::by_comment(conn, consultation)?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let mut members: HashMap<TopicId, Vec<crate::domain::CommentNo>> = HashMap::new();
    let mut with_revision: std::collections::HashSet<TopicId> = Default::default();
    let mut sorted: Vec<&comment::Outline> = outlines.iter().collect();
    sorted.sort_by_key(|o| (o.number, o.part));
    for o in sorted {
        if let Some(t) = membership.get(&o.id) {
            members.entry(*t).or_default().push(o.no());
            if revised.contains(&o.id.0) {
                with_revision.insert(*t);
            }
        }
    }
    let mut topics: Vec<(crate::models::topic::Topic, i64)> =
        crate::models::topic::all_with_counts(conn, consultation)?;
    topics.retain(|(_, n)| *n > 0);
    if opts.order == Order::Clause {
        topics.sort_by_key(|(t, _)| {
            (
                t.clause_id
                    .and_then(|c| positions.get(&c))
                    .copied()
                    .unwrap_or(-1),
                t.number,
            )
        });
    }
    let all_approved = topics
        .iter()
        .all(|(t, _)| t.answer_state == ResponseState::Approved);
    let rows = topics
        .iter()
        .enumerate()
        .map(|(i, (t, n))| {
            let nos = members.get(&t.id).map(Vec::as_slice).unwrap_or_default();
            let shown = !opts.final_version || t.answer_state == ResponseState::Approved;
            let answer = if shown {
                t.answer_body.clone()
            } else {
                String::new()
            };
            let revises =
                t.disposition == Some(Disposition::Revise) || with_revision.contains(&t.id);
            vec![
                (i + 1).to_string(),
                t.clause_id
                    .and_then(|c| clause_labels.get(&c).cloned())
                    .unwrap_or_else(|| NONE.to_string()),
                t.summary.clone(),
                n.to_string(),
                crate::domain::CommentNo::ranges(nos),
                answer,
                if revises { "有" } else { "無" }.to_string(),
            ]
        })
        .collect();
    Ok(Summary {
        rows,
        covered: membership.keys().copied().collect(),
        all_approved,
        clause_labels,
    })
}

impl Plan {
    /// Rows the table has.
    pub fn len(&self) -> usize {
        self.topic_rows.len() + self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Only the first `n` rows (a benchmark's fixed-size export of a larger consultation).
    pub fn keep_first(&mut self, n: usize) {
        self.topic_rows.truncate(n);
        self.order.truncate(n - self.topic_rows.len());
    }

    /// Hands every row, in order, to `sink`.
    pub fn for_each_row<E: From<diesel::result::Error>>(
        &self,
        conn: &mut models::Conn,
        mut sink: impl FnMut(Vec<String>) -> Result<(), E>,
    ) -> Result<(), E> {
        for row in &self.topic_rows {
            sink(row.clone())?;
        }
        let mut n = self.topic_rows.len();
        for slice in self.order.chunks(SLICE) {
            for row in comment_list::rows_of(conn, self.consultation, slice)? {
                n += 1;
                sink(self.cells(row, n))?;
            }
        }
        Ok(())
    }

    /// One comment's cells (`row`: its place in the table); its texts move into them.
    fn cells(&self, mut r: comment_list::CommentRow, row: usize) -> Vec<String> {
        let approved = crate::domain::ResponseState::Approved;
        if let Some(list) = self.redactions.get(&r.comment.id.0) {
            r.comment.body = crate::models::redaction::apply(&r.comment.body, list);
        }
        if self.final_version && r.state != Some(approved) {
            r.answer = None;
        }
        let group = r
            .comment
            .duplicate_group_id
            .and_then(|g| self.group_nos.get(&g.0))
            .filter(|n| n.len() > 1);
        let mut body = std::mem::take(&mut r.comment.body);
        if let Some(nos) = group {
            body = format!(
                "【同旨の意見 {}件（No. {}）】\n{}",
                nos.len(),
                nos.join(", "),
                body
            );
        }
        let answer = r.answer.take().unwrap_or_default();
        let c = &r.comment;
        let no = group.map_or_else(|| c.no().to_string(), |n| n.join(", "));
        match self.head.layout {
            Layout::Summary => {
                let revises = r.disposition == Some(crate::domain::Disposition::Revise)
                    || self.revisions.contains_key(&c.id.0);
                let place = c
                    .clause_id
                    .and_then(|id| self.clause_labels.get(&id).cloned())
                    .or_else(|| c.chapter.clone().filter(|s| !s.trim().is_empty()))
                    .unwrap_or_else(|| NONE.to_string());
                vec![
                    row.to_string(),
                    place,
                    body,
                    "1".to_string(),
                    no,
                    answer,
                    if revises { "有" } else { "無" }.to_string(),
                ]
            }
            Layout::Mhlw => vec![
                no,
                r.category.clone().unwrap_or_default(),
                or_none(&c.volume),
                or_none(&c.chapter),
                or_none(&c.page),
                body,
                answer,
            ],
            Layout::Mic => {
                let (name, attribute) = match &r.submitter {
                    Some(s) => {
                        let kind = s.kind;
                        let attribute = match kind {
                            SubmitterKind::Individual => "個人".to_string(),
                            SubmitterKind::Organization if s.attribute.is_empty() => {
                                "法人".to_string()
                            }
                            SubmitterKind::Organization => s.attribute.clone(),
                        };
                        (
                            self.names.get(&s.id.0).cloned().unwrap_or_default(),
                            attribute,
                        )
                    }
                    None => (String::new(), String::new()),
                };
                let revs = self
                    .revisions
                    .get(&c.id.0)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                // Each side prints its own label: a 削除 shows （削除） alone, a 新設 its
                // 修正後 label only, a renumbered clause 旧 and 新 numbers.
                let cell = |side: fn(&revision::Revision) -> (&str, &str)| {
                    revs.iter()
                        .map(|rev| {
                            let (label, text) = side(rev);
                            revision::side_cell(label, text)
                        })
                        .collect::<Vec<_>>()
                        .join("\n\n")
                };
                vec![
                    no,
                    name,
                    attribute,
                    c.volume.clone().unwrap_or_default(),
                    c.page.clone().unwrap_or_default(),
                    c.chapter.clone().unwrap_or_default(),
                    body,
                    answer,
                    cell(|r| (&r.clause_label, &r.original_text)),
                    cell(revision::Revision::revised_side),
                ]
            }
        }
    }
}
