//! Personal information in comment text: e-mail addresses, telephone numbers, postal codes
//! and street addresses, found so they can be redacted before publishing.

use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum PiiKind {
    Email,
    Phone,
    PostalCode,
    Address,
}

impl PiiKind {
    pub fn label(self) -> &'static str {
        match self {
            PiiKind::Email => "メールアドレス",
            PiiKind::Phone => "電話番号",
            PiiKind::PostalCode => "郵便番号",
            PiiKind::Address => "住所",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub kind: PiiKind,
    pub text: String,
}

static PATTERNS: LazyLock<Vec<(PiiKind, Regex)>> = LazyLock::new(|| {
    let p = |k, r: &str| (k, Regex::new(r).expect("static regex"));
    vec![
        p(
            PiiKind::Email,
            r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+",
        ),
        p(
            PiiKind::Phone,
            r"(?:\+81[-\s]?|0)\d{1,4}[-\s(（]\d{1,4}[-\s)）]\d{3,4}|0[5789]0\d{8}|0120\d{6}",
        ),
        p(PiiKind::PostalCode, r"〒\s?\d{3}-?\d{4}"),
        p(
            PiiKind::Address,
            r"(?:東京都|北海道|(?:京都|大阪)府|[^\s、。「」]{2,3}県)[^\s、。「」]{1,8}?[市区町村郡][^\s、。「」]{0,12}?[0-9０-９]+(?:[-－―ー丁目番地号の][0-9０-９]+)*",
        ),
    ]
});

/// Everything that looks like personal information, in order of appearance.
pub fn find(text: &str) -> Vec<Finding> {
    let normalized = crate::intake::clause_ref::normalize_width(text);
    let mut out: Vec<(usize, Finding)> = Vec::new();
    for (kind, re) in PATTERNS.iter() {
        for m in re.find_iter(&normalized) {
            // Report the text as written (width normalisation keeps character positions).
            let start = normalized[..m.start()].chars().count();
            let len = m.as_str().chars().count();
            let original: String = text.chars().skip(start).take(len).collect();
            if !out
                .iter()
                .any(|(_, f)| f.text.contains(&original) || original.contains(&f.text))
            {
                out.push((
                    start,
                    Finding {
                        kind: *kind,
                        text: original,
                    },
                ));
            }
        }
    }
    out.sort_by_key(|(s, _)| *s);
    out.into_iter().map(|(_, f)| f).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(PiiKind, String)> {
        find(text).into_iter().map(|f| (f.kind, f.text)).collect()
    }

    #[test]
    fn contact_details_in_japanese_text_are_found() {
        let text = "ご連絡は taro.yamada@example.co.jp または０３－１２３４－５６７８へ。〒100-8916 東京都千代田区霞が関1-2-2 在住。";
        assert_eq!(
            kinds(text),
            vec![
                (PiiKind::Email, "taro.yamada@example.co.jp".into()),
                (PiiKind::Phone, "０３－１２３４－５６７８".into()),
                (PiiKind::PostalCode, "〒100-8916".into()),
                (PiiKind::Address, "東京都千代田区霞が関1-2-2".into()),
            ]
        );
    }

    #[test]
    fn clause_numbers_dates_and_versions_are_not_personal_information() {
        assert!(find("3.2.1(2)(ア)② について、令和5年3月31日の第6.0版（P42）を参照。").is_empty());
        assert_eq!(kinds("携帯 09012345678 まで")[0].0, PiiKind::Phone);
    }
}
