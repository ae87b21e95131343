//! 定型文 from `templates/stock_phrases.toml`, and inferring a disposition from answer text.

use crate::domain::Disposition;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
pub struct StockPhrase {
    pub disposition: String,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize)]
struct InferenceRule {
    disposition: String,
    contains: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct PhraseFile {
    #[serde(default)]
    phrases: Vec<StockPhrase>,
    #[serde(default)]
    inference: Vec<InferenceRule>,
}

/// The stock phrases and inference rules, with dispositions already parsed.
#[derive(Debug, Clone)]
pub struct StockPhrases {
    pub phrases: Vec<(Disposition, String)>,
    rules: Vec<(Disposition, Vec<String>)>,
}

const BUILTIN: &str = include_str!("../../templates/stock_phrases.toml");

impl StockPhrases {
    pub fn parse(text: &str, origin: &str) -> anyhow::Result<Self> {
        let file: PhraseFile = toml::from_str(text)
            .map_err(|e| anyhow::anyhow!("{origin} の書式が誤っています: {e}"))?;
        let disposition = |s: &str| {
            s.parse::<Disposition>().map_err(|e| {
                anyhow::anyhow!(
                    "{origin}: {e}（修正/原案どおり/参考/今後検討/説明/謝意 のいずれか）"
                )
            })
        };
        Ok(StockPhrases {
            phrases: file
                .phrases
                .iter()
                .map(|p| Ok((disposition(&p.disposition)?, p.text.clone())))
                .collect::<anyhow::Result<_>>()?,
            rules: file
                .inference
                .iter()
                .map(|r| Ok((disposition(&r.disposition)?, r.contains.clone())))
                .collect::<anyhow::Result<_>>()?,
        })
    }

    /// `templates/stock_phrases.toml` under `dir` when it exists, else the copy built in.
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let path = dir.join("stock_phrases.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, &path.display().to_string()),
            Err(_) => Self::builtin(),
        }
    }

    pub fn builtin() -> anyhow::Result<Self> {
        Self::parse(BUILTIN, "templates/stock_phrases.toml")
    }

    /// The disposition an existing answer most likely has: an exact stock phrase first,
    /// then the first rule whose words occur, else 説明.
    pub fn infer_disposition(&self, answer: &str) -> Disposition {
        let key = crate::text::match_key(answer);
        if let Some((d, _)) = self
            .phrases
            .iter()
            .find(|(_, p)| crate::text::match_key(p) == key)
        {
            return *d;
        }
        self.rules
            .iter()
            .find(|(_, words)| words.iter().any(|w| answer.contains(w.as_str())))
            .map_or(Disposition::Explained, |(d, _)| *d)
    }
}

/// The answer text with a stock phrase appended on its own line, and the phrase's disposition.
/// `key` names the phrase as the answer form does: `t3` the templates' fourth, `c12` the
/// consultation's phrase #12. `None` when there is no such phrase.
pub fn insert(
    body: &str,
    key: &str,
    templates: &StockPhrases,
    consultation_phrases: &[crate::models::stock_phrase::StoredPhrase],
) -> Option<(Disposition, String)> {
    let (kind, index) = key.split_at_checked(1)?;
    let (disposition, text) = match kind {
        "t" => templates
            .phrases
            .get(index.parse::<usize>().ok()?)
            .map(|(d, t)| (*d, t.as_str()))?,
        "c" => {
            let id = index.parse::<i64>().ok()?;
            consultation_phrases
                .iter()
                .find(|p| p.id == id)
                .map(|p| (p.disposition, p.body.as_str()))?
        }
        _ => return None,
    };
    let mut out = body.trim_end().to_string();
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(text);
    Some((disposition, out))
}

/// Adds a consultation's own stock phrase, with its audit event, in one transaction.
pub fn add(
    conn: &mut crate::db::DbConnection,
    actor: &crate::auth::accounts::Actor,
    consultation: crate::domain::ConsultationId,
    disposition: Disposition,
    body: &str,
) -> anyhow::Result<i64> {
    let body = body.trim();
    if body.is_empty() {
        return Err(crate::error::Refused("文を入れてください".into()).into());
    }
    crate::db::transaction(conn, |conn| {
        let id = crate::models::stock_phrase::insert(conn, consultation, disposition, body)?;
        let mut e = actor.event(
            crate::domain::AuditAction::PhraseAdd,
            "stock_phrase",
            Some(id),
        );
        e.consultation = Some(consultation);
        e.after = Some(serde_json::json!({"disposition": disposition.code(), "body": body}));
        crate::models::audit::record(conn, &e)?;
        Ok(id)
    })
}

/// Removes a consultation's stock phrase, with its audit event; false when there is none.
pub fn remove(
    conn: &mut crate::db::DbConnection,
    actor: &crate::auth::accounts::Actor,
    consultation: crate::domain::ConsultationId,
    id: i64,
) -> anyhow::Result<bool> {
    crate::db::transaction(conn, |conn| {
        let Some(before) = crate::models::stock_phrase::for_consultation(conn, consultation)?
            .into_iter()
            .find(|p| p.id == id)
        else {
            return Ok(false);
        };
        crate::models::stock_phrase::delete(conn, consultation, id)?;
        let mut e = actor.event(
            crate::domain::AuditAction::PhraseDelete,
            "stock_phrase",
            Some(id),
        );
        e.consultation = Some(consultation);
        e.before =
            Some(serde_json::json!({"disposition": before.disposition, "body": before.body}));
        crate::models::audit::record(conn, &e)?;
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_of_the_sample_get_the_expected_dispositions() {
        let s = StockPhrases::builtin().unwrap();
        assert_eq!(
            s.infer_disposition("御意見として参考にさせていただきます。"),
            Disposition::Noted
        );
        assert_eq!(
            s.infer_disposition("ご指摘を踏まえ修正いたしました。"),
            Disposition::Revise
        );
        assert_eq!(
            s.infer_disposition("②についてはご指摘を踏まえ修正いたします。①、③、④については、今後の検討にあたっての参考とさせていただきます。"),
            Disposition::Revise
        );
        assert_eq!(
            s.infer_disposition("今後の検討事項とさせていただきます。"),
            Disposition::FutureWork
        );
        assert_eq!(
            s.infer_disposition("御意見ありがとうございます。"),
            Disposition::Thanks
        );
        assert_eq!(
            s.infer_disposition("表3-2において、企画管理者及びシステム運用管理者が参照すべき項目について示しています。"),
            Disposition::Explained
        );
    }

    #[test]
    fn an_unknown_disposition_in_the_file_is_reported() {
        let err = StockPhrases::parse(
            "[[phrases]]\ndisposition = \"採用\"\ntext = \"x\"\n",
            "t.toml",
        )
        .unwrap_err();
        assert!(err.to_string().contains("t.toml"));
    }
}
