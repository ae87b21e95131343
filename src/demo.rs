//! The demo consultation: the real sample tables shipped in `import/samples/`, built into
//! the binary so that `pubcom demo` works from any folder.

use crate::config::Settings;
use crate::db::DbConnection;
use crate::intake::import::{self, ImportOptions};
use crate::models::consultation;

pub const MHLW_SAMPLE: &[u8] = include_bytes!("../import/samples/mhlw-gl6-draft-comments.tsv");
pub const MIC_SAMPLE: &[u8] =
    include_bytes!("../import/samples/mic-cloud-gl-published-excerpt.csv");

/// Imports both samples (idempotent) and returns what was done, line by line.
pub fn load(conn: &mut DbConnection, settings: &Settings) -> anyhow::Result<Vec<String>> {
    let profiles = settings.profiles()?;
    let phrases = settings.stock_phrases()?;
    let samples: [(&str, &str, &str, &[u8]); 2] = [
        (
            "mhlw-gl6",
            "医療情報システムの安全管理に関するガイドライン第6.0版（案）",
            "mhlw-gl6-draft-comments.tsv",
            MHLW_SAMPLE,
        ),
        (
            "mic-cloud-gl",
            "クラウドサービス事業者が医療情報を取り扱う際の安全管理に関するガイドライン（案）",
            "mic-cloud-gl-published-excerpt.csv",
            MIC_SAMPLE,
        ),
    ];
    let mut lines = Vec::new();
    for (slug, title, file, bytes) in samples {
        let opts = ImportOptions {
            consultation: slug.into(),
            actor: "demo".into(),
            ..Default::default()
        };
        let report = import::import_comments(
            conn,
            file,
            bytes,
            &opts,
            &profiles,
            &phrases,
            &mut |_, _| {},
        )?;
        if report.consultation_created {
            let c = consultation::find_by_slug(conn, slug)?
                .ok_or_else(|| anyhow::anyhow!("{slug} missing"))?;
            consultation::set_title(conn, c.id(), title)?;
        }
        lines.push(format!(
            "{slug}: {file} から {} 件を取り込みました",
            report.comments_added
        ));
    }
    Ok(lines)
}
