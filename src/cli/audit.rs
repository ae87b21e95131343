//! `pubcom audit`: the audit log, printed or saved as CSV.

use super::*;

pub fn run_audit(
    settings: &Settings,
    slug: Option<String>,
    action: Option<String>,
    limit: i64,
    output: Option<PathBuf>,
) -> anyhow::Result<()> {
    use crate::models::audit;
    let mut conn = connect(settings)?;
    let consultation = match slug {
        Some(s) => Some(
            consultation::find_by_slug(&mut conn, &s)?
                .with_context(|| format!("案件「{s}」はありません"))?
                .id(),
        ),
        None => None,
    };
    let filter = audit::AuditFilter {
        consultation,
        action,
    };
    match output {
        Some(path) => {
            let events = audit::list(&mut conn, &filter, 0, i64::MAX / 2)?;
            std::fs::write(&path, audit::to_csv(&events)?)
                .with_context(|| format!("{} に書き込めません", path.display()))?;
            println!("{} 件を {} に保存しました", events.len(), path.display());
        }
        None => {
            for e in audit::list(&mut conn, &filter, 0, limit)?.iter().rev() {
                println!(
                    "{}\t{}\t{}\t{}{}\t{}\t{}",
                    e.occurred_at.format("%Y-%m-%d %H:%M:%S"),
                    e.actor,
                    e.action.code(),
                    e.entity,
                    e.entity_id.map(|i| format!("#{i}")).unwrap_or_default(),
                    e.before_json.as_deref().unwrap_or(""),
                    e.after_json.as_deref().unwrap_or("")
                );
            }
        }
    }
    Ok(())
}
