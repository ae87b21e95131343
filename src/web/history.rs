//! The audit log in words, for the comment page's history and the audit log page.

use crate::domain::{Disposition, ResponseState};

/// A change recorded in the audit log (its JSON) in words: 区分: 参考, 回答: …, 状態: 確定.
pub fn changes(json: Option<&str>) -> String {
    let Some(v) = json.and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok()) else {
        return String::new();
    };
    let Some(map) = v.as_object() else {
        return v.to_string();
    };
    map.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let label = match k.as_str() {
                "disposition" => "区分",
                "body" => "回答",
                "state" => "状態",
                "version" => "版",
                "remark" => "差戻し理由",
                "clause" => "項番",
                "original" => "原案",
                "revised" => "修正後",
                "reason" => "理由",
                "comments" => "意見",
                other => other,
            };
            let text = match (k.as_str(), v.as_str()) {
                ("disposition", Some(code)) => code
                    .parse::<Disposition>()
                    .map(|d| d.label().to_string())
                    .unwrap_or_else(|_| code.to_string()),
                ("state", Some(code)) => code
                    .parse::<ResponseState>()
                    .map(|d| d.label().to_string())
                    .unwrap_or_else(|_| code.to_string()),
                (_, Some(s)) => s.to_string(),
                _ => v.to_string(),
            };
            format!("{label}: {text}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
