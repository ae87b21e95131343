//! Mail templates: `templates/mail/NAME.txt`, a `Subject:` line, a blank line, then the body;
//! `{{key}}` is replaced by the value given for it.

use std::path::Path;

const BUILTIN: &[(&str, &str)] = &[("digest", include_str!("../../templates/mail/digest.txt"))];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub body: String,
}

/// Fills the template `name` from `dir` (or the built-in copy when the file is missing).
pub fn render(dir: &Path, name: &str, vars: &[(&str, &str)]) -> anyhow::Result<Mail> {
    let text = match std::fs::read_to_string(dir.join("mail").join(format!("{name}.txt"))) {
        Ok(t) => t,
        Err(_) => BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| {
                anyhow::anyhow!("メールのひな形 templates/mail/{name}.txt がありません")
            })?,
    };
    let mut filled = text.replace("\r\n", "\n");
    for (k, v) in vars {
        filled = filled.replace(&format!("{{{{{k}}}}}"), v);
    }
    let (head, body) = filled.split_once("\n\n").unwrap_or(("", filled.as_str()));
    let subject = head
        .lines()
        .find_map(|l| l.strip_prefix("Subject:"))
        .map(|s| s.trim().to_string())
        .ok_or_else(|| {
            anyhow::anyhow!("templates/mail/{name}.txt の1行目は Subject: で始めてください")
        })?;
    Ok(Mail {
        subject,
        body: body.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_template_fills_its_fields() {
        let m = render(
            Path::new("/nonexistent"),
            "digest",
            &[("count", "3"), ("name", "田中"), ("items", "・No. 12")],
        )
        .unwrap();
        assert_eq!(m.subject, "【pubcom】担当の意見についてのお知らせ（3 件）");
        assert!(m.body.starts_with("田中 様"));
        assert!(m.body.contains("・No. 12") && !m.body.contains("{{"));
    }
}
