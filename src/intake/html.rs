//! HTML fragments inside exported cells (`<p>`, `<br>`, `<ul>`, `<li>`) turned into plain text
//! with line breaks and bullets. Only real HTML tag names are touched: the samples also hold
//! Japanese text in angle brackets, such as `<説明責任>`, which is kept.

use regex::Regex;
use std::sync::LazyLock;

static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<\s*(/?)\s*([a-z][a-z0-9]*)\b(?:[^<>"']|"[^"]*"|'[^']*')*?/?\s*>"#)
        .expect("static regex")
});
static ENTITY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);").expect("static regex"));
static SPACE_RUNS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[ \t]*\n[ \t]*").expect("static regex"));
static BLANK_LINES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\n{2,}").expect("static regex"));

const HTML_TAGS: &[&str] = &[
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "div",
    "span",
    "b",
    "i",
    "u",
    "em",
    "strong",
    "font",
    "a",
    "table",
    "tr",
    "td",
    "th",
    "tbody",
    "thead",
    "sup",
    "sub",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "small",
    "s",
    "del",
    "ins",
    "blockquote",
    "pre",
    "code",
    "dl",
    "dt",
    "dd",
];

static HIDDEN_ELEMENTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<(script|style)\b[^>]*>.*?(</(script|style)\s*>|$)").expect("static regex")
});

/// Whether a cell holds any HTML tag worth converting.
pub fn has_html(cell: &str) -> bool {
    TAG.captures_iter(cell).any(|c| is_html_tag(&c[2]))
}

fn is_html_tag(name: &str) -> bool {
    HTML_TAGS.contains(&name.to_ascii_lowercase().as_str())
}

/// Converts a cell's HTML fragments to text: paragraphs and `<br>` become line breaks, list
/// items become `・` bullets, other tags are dropped, entities decoded.
pub fn to_text(cell: &str) -> String {
    if !cell.contains('<') && !cell.contains('&') {
        return cell.to_string();
    }
    // Script and style elements show nothing in a browser: their content is not text.
    let cell = HIDDEN_ELEMENTS.replace_all(cell, "");
    let replaced = TAG.replace_all(&cell, |c: &regex::Captures| {
        let closing = !c[1].is_empty();
        let name = c[2].to_ascii_lowercase();
        if !is_html_tag(&name) {
            return c[0].to_string();
        }
        match (name.as_str(), closing) {
            ("br", _) => "\n".to_string(),
            ("li", false) => "\n・".to_string(),
            (
                "p" | "div" | "ul" | "ol" | "tr" | "table" | "blockquote" | "pre" | "h1" | "h2"
                | "h3" | "h4" | "dl" | "dt" | "dd",
                _,
            ) => "\n".to_string(),
            ("td" | "th", true) => "\t".to_string(),
            _ => String::new(),
        }
    });
    let decoded = ENTITY.replace_all(&replaced, |c: &regex::Captures| {
        decode_entity(&c[1]).unwrap_or_else(|| c[0].to_string())
    });
    let tidy = SPACE_RUNS.replace_all(decoded.trim(), "\n");
    BLANK_LINES.replace_all(&tidy, "\n").trim().to_string()
}

fn decode_entity(name: &str) -> Option<String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).map(String::from);
    }
    let c = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => " ",
        "ensp" | "emsp" | "thinsp" => " ",
        "mdash" => "—",
        "ndash" => "–",
        "hellip" => "…",
        "middot" => "・",
        _ => return None,
    };
    Some(c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_become_lines_and_list_items_bullets() {
        let cell = "<p>一段落目。</p> <p>二段落目。</p><ul style=\"list-style-type: none\"><li>項目A</li><li>項目B</li></ul>";
        assert_eq!(to_text(cell), "一段落目。\n二段落目。\n・項目A\n・項目B");
        assert_eq!(to_text("前<br>後<BR/>末"), "前\n後\n末");
    }

    #[test]
    fn japanese_text_in_angle_brackets_is_kept() {
        let cell = "<p><説明責任>については</p>";
        assert_eq!(to_text(cell), "<説明責任>については");
        assert!(!has_html("<医療機関等の特性に応じたガイドライン参照箇所>"));
        assert!(has_html("<p>本文</p>"));
    }

    /// Found by `tests/app/fuzz.rs`: a script element's content came out as text.
    #[test]
    fn script_and_style_elements_are_dropped_with_their_content() {
        assert_eq!(
            to_text("<p>前</p><script>alert(1)</script><p>後</p>"),
            "前\n後"
        );
        assert_eq!(to_text("<STYLE type=x>p{}</style>本文"), "本文");
        assert_eq!(to_text("本文<script>閉じない"), "本文");
    }

    #[test]
    fn entities_are_decoded_and_plain_text_is_untouched() {
        assert_eq!(to_text("Q&amp;A &lt;例&gt;"), "Q&A <例>");
        assert_eq!(to_text("Q&Aに例示する"), "Q&Aに例示する");
        assert_eq!(to_text("改行\nそのまま"), "改行\nそのまま");
    }
}
