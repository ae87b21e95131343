//! The result table's rows and columns, built from the database, independent of file format.

use super::anonymize;
use crate::domain::{ConsultationId, SubmitterKind};
use crate::models::{self, comment, revision, submitter};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// No./分類/編/章/頁/御意見/回答（考え方）
    Mhlw,
    /// 資料NO./氏名・名称/属性/対象/ページ（原案）/パート（原案）/意見/方針・コメント/修正内容（原案）/修正内容（修正後）
    Mic,
}

impl Layout {
    /// Column headers and widths (in Excel character units).
    pub fn columns(self) -> &'static [(&'static str, f64)] {
        match self {
            Layout::Mhlw => &[
                ("No.", 6.0),
                ("分類", 16.0),
                ("編", 14.0),
                ("章", 22.0),
                ("頁", 7.0),
                ("御意見", 60.0),
                ("回答（考え方）", 50.0),
            ],
            Layout::Mic => &[
                ("資料NO.", 7.0),
                ("氏名・名称", 16.0),
                ("属性", 7.0),
                ("対象", 7.0),
                ("ページ（原案）", 9.0),
                ("パート（原案）", 14.0),
                ("意見", 50.0),
                ("方針・コメント", 40.0),
                ("修正内容（原案）", 30.0),
                ("修正内容（修正後）", 30.0),
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
}

const NONE: &str = "—";

fn or_none(v: &Option<String>) -> String {
    v.clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| NONE.to_string())
}

pub fn build(
    conn: &mut models::Conn,
    consultation: ConsultationId,
    title: &str,
    layout: Layout,
) -> diesel::QueryResult<ResultTable> {
    let comments = comment::list(conn, consultation, &Default::default(), 0, None)?;
    let submitters = submitter::for_consultation(conn, consultation)?;
    let names =
        anonymize::public_names(submitters.iter().map(|s| (s.id, s.kind(), s.name.as_str())));
    let mut revisions: HashMap<i64, Vec<revision::Revision>> = HashMap::new();
    if layout == Layout::Mic {
        for (comment_id, rev) in revision::by_comment(conn, consultation)? {
            revisions.entry(comment_id).or_default().push(rev);
        }
    }
    let rows = comments
        .iter()
        .map(|r| {
            let c = &r.comment;
            let answer = r.answer.clone().unwrap_or_default();
            match layout {
                Layout::Mhlw => vec![
                    c.no().to_string(),
                    r.category.clone().unwrap_or_default(),
                    or_none(&c.volume),
                    or_none(&c.chapter),
                    or_none(&c.page),
                    c.body.clone(),
                    answer,
                ],
                Layout::Mic => {
                    let (name, attribute) = match &r.submitter {
                        Some(s) => {
                            let kind = s.kind.parse().unwrap_or(SubmitterKind::Individual);
                            let attribute = match kind {
                                SubmitterKind::Individual => "個人".to_string(),
                                SubmitterKind::Organization if s.attribute.is_empty() => {
                                    "法人".to_string()
                                }
                                SubmitterKind::Organization => s.attribute.clone(),
                            };
                            (names.get(&s.id).cloned().unwrap_or_default(), attribute)
                        }
                        None => (String::new(), String::new()),
                    };
                    let revs = revisions.get(&c.id).map(Vec::as_slice).unwrap_or_default();
                    let cell = |f: fn(&revision::Revision) -> &str| {
                        revs.iter()
                            .map(|rev| {
                                if rev.clause_label.is_empty() {
                                    f(rev).to_string()
                                } else {
                                    format!("{}\n{}", rev.clause_label, f(rev))
                                }
                            })
                            .collect::<Vec<_>>()
                            .join("\n\n")
                    };
                    vec![
                        c.no().to_string(),
                        name,
                        attribute,
                        c.volume.clone().unwrap_or_default(),
                        c.page.clone().unwrap_or_default(),
                        c.chapter.clone().unwrap_or_default(),
                        c.body.clone(),
                        answer,
                        cell(|r| &r.original_text),
                        cell(|r| &r.revised_text),
                    ]
                }
            }
        })
        .collect();
    Ok(ResultTable {
        title: title.to_string(),
        layout,
        rows,
    })
}
