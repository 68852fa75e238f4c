//! How numbers, dates and text look on the screens: Russian decimal commas, day.month.year,
//! text wrapped to a width.

use chrono::NaiveDate;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::domain::text::printable;

/// 92.456 → «92,46».
pub(crate) fn dec(x: f64) -> String {
    crate::domain::decimal::fixed(x, 2)
}

/// 1.25 s → «1,2 с» (how long a job took, on the status line and in results).
pub(crate) fn seconds(secs: f64) -> String {
    format!("{} с", crate::domain::decimal::fixed(secs, 1))
}

/// 2026-11-22 → «22.11.2026».
pub(crate) fn ru_date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// `2026-11-22T09:05:00` → «22.11.2026 09:05».
pub(crate) fn ru_stamp(at: &str) -> String {
    chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S")
        .map(|t| t.format("%d.%m.%Y %H:%M").to_string())
        .unwrap_or_else(|_| printable(at).into_owned())
}

/// `text` in lines of at most `width` columns, breaking at spaces, and inside words longer than
/// a line. Always at least one line.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_w = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = word.width();
        if line_w > 0 && line_w + 1 + w <= width {
            line.push(' ');
            line.push_str(word);
            line_w += 1 + w;
            continue;
        }
        if line_w > 0 {
            lines.push(std::mem::take(&mut line));
            line_w = 0;
        }
        if w <= width {
            line.push_str(word);
            line_w = w;
            continue;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if line_w + cw > width {
                lines.push(std::mem::take(&mut line));
                line_w = 0;
            }
            line.push(c);
            line_w += cw;
        }
    }
    if line_w > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_with_a_decimal_comma() {
        assert_eq!(seconds(0.14), "0,1 с");
        assert_eq!(seconds(12.0), "12,0 с");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_inside_long_words() {
        assert_eq!(wrap("раз два три", 7), vec!["раз два", "три"]);
        assert_eq!(wrap("абвгдеёжз", 4), vec!["абвг", "деёж", "з"]);
        assert_eq!(wrap("", 10), vec![""]);
        assert_eq!(wrap("  a   b ", 10), vec!["a b"]);
    }
}
