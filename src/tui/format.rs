//! How numbers and dates look on the screens: Russian decimal commas, day.month.year.

use chrono::NaiveDate;

use crate::domain::text::printable;

/// 92.456 → «92,46».
pub(crate) fn dec(x: f64) -> String {
    format!("{x:.2}").replace('.', ",")
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
