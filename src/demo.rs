//! The demo consultation: the real sample tables shipped in `import/samples/`, built into
//! the binary so that `pubcom demo` works from any folder.

use crate::auth::{accounts, Role};
use crate::config::Settings;
use crate::db::DbConnection;
use crate::intake::import::{self, ImportOptions};
use crate::models::{consultation, user};

/// The demo accounts' shared password (printed by `pubcom demo`; never for real data).
pub const DEMO_PASSWORD: &str = "pubcom-demo-2026";

/// (login, name, role, may see personal data)
const DEMO_USERS: [(&str, &str, Role, bool); 5] = [
    ("admin", "管理者", Role::Admin, true),
    ("coordinator", "取りまとめ担当", Role::Coordinator, true),
    ("drafter", "起案担当", Role::Drafter, false),
    ("reviewer", "確認担当", Role::Reviewer, false),
    ("viewer", "閲覧者", Role::Viewer, false),
];

pub const MHLW_SAMPLE: &[u8] = include_bytes!("../import/samples/mhlw-gl6-draft-comments.tsv");
pub const MIC_SAMPLE: &[u8] =
    include_bytes!("../import/samples/mic-cloud-gl-published-excerpt.csv");
/// The drafts' clause trees (built from what the samples quote of them).
pub const MHLW_OUTLINE: &[u8] = include_bytes!("../import/samples/mhlw-gl6-outline.md");
pub const MIC_OUTLINE: &[u8] = include_bytes!("../import/samples/mic-cloud-gl-outline.md");

/// (slug, title, comment table's file name and bytes, outline's file name and bytes)
type Sample = (
    &'static str,
    &'static str,
    &'static str,
    &'static [u8],
    &'static str,
    &'static [u8],
);

/// The three largest topic suggestions accepted as 論点 (titled by their key phrases, 概要
/// left for staff to write), so the demo shows 論点 and the summary layout.
fn demo_topics(
    conn: &mut DbConnection,
    actor: &accounts::Actor,
    c: &consultation::Consultation,
) -> anyhow::Result<Vec<String>> {
    let found = crate::triage::topic_suggestions::suggest(conn, c.id(), None)?;
    let mut lines = Vec::new();
    for s in found.iter().take(3) {
        let text = crate::models::topic::TopicText {
            title: s
                .key_phrases
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join("・"),
            ..Default::default()
        };
        let (t, moved) = crate::triage::topics::create(conn, actor, c.id(), &text, &s.ids)?;
        lines.push(format!(
            "{}: 論点 {}「{}」（候補から {} 件）",
            c.slug, t.number, t.title, moved.comments
        ));
    }
    Ok(lines)
}

/// Imports both samples (idempotent) and returns what was done, line by line.
pub fn load(conn: &mut DbConnection, settings: &Settings) -> anyhow::Result<Vec<String>> {
    let profiles = settings.profiles()?;
    let phrases = settings.stock_phrases()?;
    let samples: [Sample; 2] = [
        (
            "mhlw-gl6",
            "医療情報システムの安全管理に関するガイドライン第6.0版（案）",
            "mhlw-gl6-draft-comments.tsv",
            MHLW_SAMPLE,
            "mhlw-gl6-outline.md",
            MHLW_OUTLINE,
        ),
        (
            "mic-cloud-gl",
            "クラウドサービス事業者が医療情報を取り扱う際の安全管理に関するガイドライン（案）",
            "mic-cloud-gl-published-excerpt.csv",
            MIC_SAMPLE,
            "mic-cloud-gl-outline.md",
            MIC_OUTLINE,
        ),
    ];
    let actor = accounts::Actor::system("demo");
    let mut lines = Vec::new();
    for (slug, title, file, bytes, outline_file, outline) in samples {
        let opts = ImportOptions {
            consultation: slug.into(),
            actor: "demo".into(),
            ..Default::default()
        };
        let report = import::import_comments(
            conn,
            file,
            std::io::Cursor::new(bytes),
            &opts,
            &profiles,
            &phrases,
            &mut |_, _| {},
        )?;
        crate::db::search_index::index_pending(conn, &mut |_| {})?;
        if report.consultation_created {
            let c = consultation::find_by_slug(conn, slug)?
                .ok_or_else(|| anyhow::anyhow!("{slug} missing"))?;
            consultation::set_title(conn, c.id(), title)?;
        }
        lines.push(format!(
            "{slug}: {file} から {} 件を取り込みました",
            report.comments_added
        ));
        let clauses = crate::intake::clause_import::import_clauses(
            conn,
            outline_file,
            outline,
            slug,
            None,
            &actor,
        )?;
        lines.push(format!(
            "{slug}: {outline_file} から項番 {} 件（{} 件の意見に項番を付けました）",
            clauses.clauses_read, clauses.comments_tagged
        ));
        let c = consultation::find_by_slug(conn, slug)?
            .ok_or_else(|| anyhow::anyhow!("{slug} missing"))?;
        if let Some(r) = crate::triage::grouping::propose_if_awaiting(conn, &actor, c.id())? {
            lines.push(format!(
                "{slug}: 同旨の候補 {} グループ（{} 件）",
                r.groups, r.comments
            ));
        }
        if report.consultation_created {
            lines.extend(demo_topics(conn, &actor, &c)?);
        }
    }
    if user::count(conn)? == 0 {
        for (login, name, role, personal) in DEMO_USERS {
            let account = accounts::NewAccount {
                login: login.into(),
                display_name: name.into(),
                email: format!("{login}@example.invalid"),
                role,
                can_view_personal: personal,
                password: Some(DEMO_PASSWORD.into()),
            };
            accounts::add_user(conn, &actor, &account)?;
            for (slug, ..) in samples {
                let c = consultation::find_by_slug(conn, slug)?
                    .ok_or_else(|| anyhow::anyhow!("{slug} missing"))?;
                accounts::set_membership(conn, &actor, login, c.id(), Some(role))?;
            }
        }
        lines.push(format!(
            "デモ用ユーザー: admin / coordinator / drafter / reviewer / viewer（パスワードはどれも {DEMO_PASSWORD}）"
        ));
    }
    Ok(lines)
}
