//! Horizontal SVG bar charts, drawn on the server (no script needed).

use maud::{html, Markup};

/// One bar per (label, count), the longest bar as wide as the chart.
pub fn bars(title: &str, items: &[(String, i64)]) -> Markup {
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let row = 22;
    let height = (items.len().max(1) * row + 6) as i64;
    html! {
        figure.chart {
            figcaption { (title) }
            svg xmlns="http://www.w3.org/2000/svg" width="520" height=(height) role="img" aria-label=(title) {
                @for (i, (label, n)) in items.iter().enumerate() {
                    @let y = (i * row + 3) as i64;
                    text x="0" y=(y + 14) font-size="12" { (crate::text::excerpt(label, 1, 16)) }
                    rect x="190" y=(y) width=(n * 260 / max + 1) height="16" fill="#5b84c4" {}
                    text x=(n * 260 / max + 196) y=(y + 13) font-size="12" { (n) }
                }
            }
        }
    }
}
