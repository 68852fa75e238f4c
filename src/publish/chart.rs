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

// The chart is as wide as its box and its geometry is in `em` of the chart's font size, with no
// viewBox: nothing is scaled, so the text keeps the style sheet's size on a phone as on a desktop
// (a 600-unit viewBox in a 300-pixel box used to print 13 px text at 6.5 px).
/// Height of one bar's row: the text line, then the bar.
const ROW: f64 = 2.6;
/// Baseline of the text line within a row.
const TEXT_Y: f64 = 1.05;
const BAR_Y: f64 = 1.35;
const BAR_HEIGHT: f64 = 0.9;
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
    let height = ROW * bars.len() as f64 + 0.2;
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let desc = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.text))
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        figure.chart {
            svg role="img" width="100%" height=(format!("{}em", fmt(height)))
                aria-labelledby=(format!("{title_id} {desc_id}")) {
                title id=(title_id) { (title) }
                desc id=(desc_id) { (desc) }
                @for (i, b) in bars.iter().enumerate() {
                    @let y = ROW * i as f64;
                    // The value first, then the label: a long label runs off the right edge of a
                    // narrow chart rather than over the value (the table beside has it whole).
                    text x="0" y=(em(y + TEXT_Y)) {
                        tspan.value { (b.text) } " " (cut(&b.label))
                    }
                    rect.track x="0" y=(em(y + BAR_Y)) width="100%" height=(em(BAR_HEIGHT)) {}
                    rect.bar x="0" y=(em(y + BAR_Y))
                        width=(format!("{}%", fmt(100.0 * fill(b.value, b.max))))
                        height=(em(BAR_HEIGHT)) {}
                }
            }
            figcaption { (title) }
        }
    }
}

fn em(x: f64) -> String {
    format!("{}em", fmt(x))
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
        // 50 of 100: half the track, in the first row (bar at 1.35em, 0.9em high).
        assert!(m.contains(r#"<rect class="bar" x="0" y="1.35em" width="50%" height="0.9em">"#));
        // 150 of 100 is clamped to the track; the second row starts 2.6em lower (3.95em).
        assert!(
            m.contains(r#"<rect class="bar" x="0" y="3.95em" width="100%""#),
            "clamped to the track: {m}"
        );
        // No viewBox: nothing scales the text down in a narrow box.
        assert!(!m.contains("viewBox"));
        assert!(m.contains(r#"height="5.4em""#), "{m}");
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
        assert_eq!(em(1.35), "1.35em");
        assert_eq!(cut(&"я".repeat(70)).chars().count(), LABEL_CHARS);
    }
}
