//! The two style sheets of the site: the regular one (with print rules for A4) and the
//! high-contrast, large-font one of the version for the visually impaired (версия для
//! слабовидящих). Colours come from a palette checked here for contrast (WCAG 2: text at least
//! 4.5:1 against its background, bars and other graphics at least 3:1).

/// Colours of one version of the site, as `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub bg: &'static str,
    pub text: &'static str,
    /// Secondary text (notes, captions).
    pub muted: &'static str,
    pub link: &'static str,
    /// Header cells of tables and the site header.
    pub head_bg: &'static str,
    pub head_text: &'static str,
    /// Bars of the charts and their empty track.
    pub bar: &'static str,
    pub track: &'static str,
    /// Marks for overdue and done plan rows (text colour).
    pub bad: &'static str,
    pub good: &'static str,
    /// Keyboard focus outline.
    pub focus: &'static str,
}

/// The regular site: dark text on white.
pub const REGULAR: Palette = Palette {
    bg: "#ffffff",
    text: "#1a1a1a",
    muted: "#4d4d4d",
    link: "#0b4f9c",
    head_bg: "#e6edf5",
    head_text: "#1a1a1a",
    bar: "#2a62a6",
    track: "#e6e6e6",
    bad: "#a30d0d",
    good: "#19652a",
    focus: "#b35900",
};

/// The version for the visually impaired: white and yellow on black.
pub const ACCESSIBLE: Palette = Palette {
    bg: "#000000",
    text: "#ffffff",
    muted: "#ffffff",
    link: "#ffff00",
    head_bg: "#1a1a1a",
    head_text: "#ffffff",
    bar: "#ffff00",
    track: "#595959",
    bad: "#ff9e9e",
    good: "#9eff9e",
    focus: "#00ffff",
};

/// Relative luminance of `#rrggbb` (WCAG 2).
fn luminance(hex: &str) -> f64 {
    let h = hex.trim_start_matches('#');
    let channel = |i: usize| {
        let v = u8::from_str_radix(h.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
        let c = f64::from(v) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

/// Contrast ratio of two colours (WCAG 2), 1 to 21.
pub fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

fn vars(p: &Palette) -> String {
    format!(
        ":root {{ --bg: {}; --text: {}; --muted: {}; --link: {}; --head-bg: {}; --head-text: {}; \
         --bar: {}; --track: {}; --bad: {}; --good: {}; --focus: {}; }}\n",
        p.bg,
        p.text,
        p.muted,
        p.link,
        p.head_bg,
        p.head_text,
        p.bar,
        p.track,
        p.bad,
        p.good,
        p.focus
    )
}

/// Layout, typography and print rules shared by both versions. No fixed widths: the text column
/// is limited in `rem` and everything else is fluid, so the pages reflow at 200% zoom; wide
/// tables scroll inside their own box.
const BASE: &str = r#"
*, *::before, *::after { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text);
  font-family: "PT Sans", "Liberation Sans", Arial, "DejaVu Sans", sans-serif; line-height: 1.5; }
a { color: var(--link); text-underline-offset: 0.15em; }
a:focus-visible, .table-wrap:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: 0.5rem; top: -10rem; padding: 0.5rem 1rem; background: var(--bg);
  color: var(--link); border: 2px solid var(--link); z-index: 10; }
.skip:focus { top: 0.5rem; }
.site { background: var(--head-bg); color: var(--head-text); padding: 0.75rem 1rem; }
.site-inner, main, .foot { max-width: 75rem; margin: 0 auto; }
.site-title { margin: 0 0 0.5rem; font-weight: bold; }
.site nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; }
.site nav a[aria-current="page"] { font-weight: bold; text-decoration: none; }
.version { margin: 0.5rem 0 0; }
main { padding: 1rem; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 0.75rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
.muted, .note { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: minmax(8rem, 18rem) minmax(0, 1fr); gap: 0.25rem 1rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; overflow-wrap: break-word; min-width: 0; }
h1, h2, h3, p, li, dd, dt, td, th, caption, figcaption { overflow-wrap: break-word; }
.table-wrap { overflow-x: auto; margin: 0 0 1.5rem; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0 0.5rem; }
th, td { border: 1px solid var(--track); padding: 0.3rem 0.5rem; vertical-align: top; text-align: left; }
thead th, th[scope="rowgroup"] { background: var(--head-bg); color: var(--head-text); }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.bad { color: var(--bad); font-weight: bold; }
.good { color: var(--good); }
figure.chart { margin: 0 0 1.5rem; max-width: 48rem; }
figure.chart svg { display: block; width: 100%; font-size: 13px; overflow: hidden; }
figure.chart figcaption { color: var(--muted); font-size: 0.9rem; }
svg .bar { fill: var(--bar); }
svg .track { fill: var(--track); }
svg text { fill: var(--text); font-family: inherit; }
svg .value { font-weight: bold; }
@media (max-width: 40em) {
  /* Phones: label above value, each the full width. */
  dl.facts { grid-template-columns: minmax(0, 1fr); gap: 0; }
  dl.facts dd { margin: 0 0 0.5rem; }
  h1 { font-size: 1.5rem; }
}
.foot { padding: 1rem; border-top: 1px solid var(--track); color: var(--muted); font-size: 0.9rem; }
ul.plain { padding-left: 1.25rem; }

@page { size: A4; margin: 15mm 12mm; }
@media print {
  :root { --bg: #ffffff; --text: #000000; --muted: #333333; --link: #000000; --head-bg: #eeeeee;
    --head-text: #000000; --bar: #555555; --track: #cccccc; }
  body { font-size: 10pt; }
  .skip, .site nav, .version { display: none; }
  .site { padding: 0 0 4mm; }
  a { text-decoration: none; }
  main, .foot, .site-inner { max-width: none; padding: 0; }
  .table-wrap { overflow: visible; }
  thead { display: table-header-group; }
  tr, figure.chart { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
"#;

/// Larger type, wider spacing and thicker lines for the version for the visually impaired.
const ACCESSIBLE_EXTRA: &str = r#"
html { font-size: 150%; }
body { line-height: 1.6; letter-spacing: 0.02em; }
a { text-decoration-thickness: 0.12em; }
th, td { border-width: 2px; border-color: var(--text); }
figure.chart svg { font-size: 18px; }
svg text { font-weight: bold; }
h1 { font-size: 1.5rem; }
@media (max-width: 60em) {
  /* Large type needs the whole width earlier: label above value. */
  dl.facts { grid-template-columns: minmax(0, 1fr); gap: 0; }
  dl.facts dd { margin: 0 0 0.5rem; }
}
@media (max-width: 25em) {
  /* The narrowest phones (320 px, as 400% zoom of 1280): 20 px type and slimmer margins, so
     that an ordinary word such as «Общественный» still fits a line whole. */
  html { font-size: 125%; }
  .site, main, .foot { padding-left: 0.75rem; padding-right: 0.75rem; }
}
"#;

/// The regular style sheet (`style.css`).
pub fn regular_css() -> String {
    format!("{}{BASE}", vars(&REGULAR))
}

/// The style sheet of the version for the visually impaired (`accessible.css`).
pub fn accessible_css() -> String {
    format!("{}{BASE}{ACCESSIBLE_EXTRA}", vars(&ACCESSIBLE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_is_computed_as_wcag_defines_it() {
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((contrast("#ffffff", "#ffffff") - 1.0).abs() < 1e-9);
        // #767676 on white is the well-known 4.54:1.
        assert!((contrast("#767676", "#ffffff") - 4.54).abs() < 0.01);
    }

    #[test]
    fn both_palettes_have_enough_contrast() {
        for p in [REGULAR, ACCESSIBLE] {
            for (what, fg, bg) in [
                ("text", p.text, p.bg),
                ("muted", p.muted, p.bg),
                ("link", p.link, p.bg),
                ("header", p.head_text, p.head_bg),
                ("link in header", p.link, p.head_bg),
                ("bad", p.bad, p.bg),
                ("good", p.good, p.bg),
            ] {
                assert!(contrast(fg, bg) >= 4.5, "{what}: {fg} on {bg}");
            }
            assert!(contrast(p.bar, p.bg) >= 3.0, "bar on background");
            assert!(contrast(p.bar, p.track) >= 3.0, "bar on its track");
            assert!(contrast(p.focus, p.bg) >= 3.0, "focus outline");
        }
        // The version for the visually impaired is the stronger one.
        assert!(contrast(ACCESSIBLE.text, ACCESSIBLE.bg) >= 7.0);
        assert!(contrast(ACCESSIBLE.link, ACCESSIBLE.bg) >= 7.0);
    }

    #[test]
    fn style_sheets_carry_their_palette_and_print_rules() {
        let css = regular_css();
        assert!(css.contains("--bg: #ffffff"));
        assert!(css.contains("size: A4"));
        assert!(!css.contains("http"), "no external resources");
        let a = accessible_css();
        assert!(a.contains("--bg: #000000") && a.contains("font-size: 150%"));
    }
}
