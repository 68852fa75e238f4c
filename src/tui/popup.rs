//! Where a popup (a form, a question, the help) sits over the screen, and how many rows its
//! wrapped lines take.

use ratatui::layout::Rect;
use ratatui::text::Line;

/// A rectangle of `w` × `h` (each at most the area's) in the middle of `area`.
pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let (w, h) = (w.min(area.width), h.min(area.height));
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// The rows `lines` take when wrapped at `width` columns (an empty line takes one).
pub(crate) fn wrapped_rows(lines: &[Line], width: usize) -> usize {
    let width = width.max(1);
    lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_popup_is_centred_and_never_larger_than_the_area() {
        let area = Rect::new(2, 1, 100, 30);
        assert_eq!(centered(area, 40, 10), Rect::new(32, 11, 40, 10));
        assert_eq!(centered(area, 200, 50), area);
        let lines = [Line::from("абвгд"), Line::from(""), Line::from("аб")];
        assert_eq!(wrapped_rows(&lines, 2), 3 + 1 + 1);
    }
}
