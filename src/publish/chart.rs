//! Horizontal bar charts as inline SVG: no script, no external file, colours from the page's
//! style sheet (so the version for the visually impaired restyles them). Each chart is an image
//! with a title and a description that reads out every value, and the same values are always
//! also given in a table next to it.

use maud::{Markup, html};

/// One bar: its label, its length as `value` of `max`, and the value as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub max: f64,
    pub text: String,
}

const WIDTH: f64 = 600.0;
const ROW: f64 = 38.0;
const BAR_HEIGHT: f64 = 14.0;
/// Labels longer than this are cut with «…» inside the picture (the table has them whole).
const LABEL_CHARS: usize = 48;

fn cut(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_string();
    }
    let mut s: String = label.chars().take(LABEL_CHARS - 1).collect();
    s.push('…');
    s
}

/// The fraction of the track a bar fills, 0–1 (0 for a non-positive or non-finite max).
pub fn fill(value: f64, max: f64) -> f64 {
    if max.is_nan() || max <= 0.0 || !value.is_finite() {
        return 0.0;
    }
    (value / max).clamp(0.0, 1.0)
}

/// A figure with the chart titled `title`; `id` must be unique in the page (it names the title
/// and description for screen readers).
pub fn bars(id: &str, title: &str, bars: &[Bar]) -> Markup {
    let height = ROW * bars.len() as f64 + 4.0;
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let desc = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.text))
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        figure.chart {
            svg role="img" viewBox=(format!("0 0 {WIDTH} {height}"))
                aria-labelledby=(format!("{title_id} {desc_id}")) {
                title id=(title_id) { (title) }
                desc id=(desc_id) { (desc) }
                @for (i, b) in bars.iter().enumerate() {
                    @let y = ROW * i as f64;
                    text x="0" y=(fmt(y + 14.0)) { (cut(&b.label)) }
                    text x=(fmt(WIDTH)) y=(fmt(y + 14.0)) text-anchor="end" { (b.text) }
                    rect.track x="0" y=(fmt(y + 19.0)) width=(fmt(WIDTH)) height=(fmt(BAR_HEIGHT)) {}
                    rect.bar x="0" y=(fmt(y + 19.0)) width=(fmt(WIDTH * fill(b.value, b.max)))
                        height=(fmt(BAR_HEIGHT)) {}
                }
            }
            figcaption { (title) }
        }
    }
}

/// A coordinate with at most two decimals and a dot (SVG wants a dot whatever the locale).
fn fmt(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_and_described() {
        let m = bars(
            "c1",
            "Баллы",
            &[
                Bar {
                    label: "S".into(),
                    value: 50.0,
                    max: 100.0,
                    text: "50,00".into(),
                },
                Bar {
                    label: "К1 <b>".into(),
                    value: 150.0,
                    max: 100.0,
                    text: "150".into(),
                },
            ],
        )
        .into_string();
        assert!(m.contains(r#"<rect class="bar" x="0" y="19" width="300" height="14">"#));
        assert!(
            m.contains(r#"y="57" width="600""#),
            "clamped to the track: {m}"
        );
        assert!(m.contains("<desc id=\"c1-desc\">S: 50,00; К1 &lt;b&gt;: 150</desc>"));
        assert!(m.contains(r#"aria-labelledby="c1-title c1-desc""#));
        assert!(!m.contains("<b>"));
    }

    #[test]
    fn degenerate_values_draw_nothing() {
        assert_eq!(fill(5.0, 0.0), 0.0);
        assert_eq!(fill(f64::NAN, 10.0), 0.0);
        assert_eq!(fill(-1.0, 10.0), 0.0);
        assert_eq!(fmt(12.5), "12.5");
        assert_eq!(fmt(600.0), "600");
        assert_eq!(cut(&"я".repeat(70)).chars().count(), LABEL_CHARS);
    }
}
