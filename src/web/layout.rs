//! The page frame shared by every view.

use maud::{html, Markup, DOCTYPE};

pub const CSS: &str = include_str!("app.css");

pub fn page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — pubcom" }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                header.site {
                    a.brand href="/" { "pubcom" }
                    span.tagline { "意見募集の整理と回答" }
                }
                main { (body) }
            }
        }
    }
}
