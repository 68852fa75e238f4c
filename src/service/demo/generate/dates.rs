//! Date helpers: clamped construction, day arithmetic, random dates in a range, plan deadlines
//! and the Russian date format.

use chrono::{NaiveDate, TimeDelta};

#[cfg(test)]
use crate::service::demo::names::{DueSpec, YearRef};
use crate::service::demo::rng::Rng;

/// A date, with the day clamped to the month (years are validated at the start).
pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    let m = m.clamp(1, 12);
    let d = d.clamp(1, days_in_month(y, m));
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if NaiveDate::from_ymd_opt(y, 2, 29).is_some() => 29,
        _ => 28,
    }
}

pub(super) fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    d.checked_add_signed(TimeDelta::days(n)).unwrap_or(d)
}

/// A uniform date in `a..=b` (`a` when `b < a`).
pub(super) fn date_between(rng: &mut Rng, a: NaiveDate, b: NaiveDate) -> NaiveDate {
    let span = (b - a).num_days();
    if span <= 0 {
        a
    } else {
        add_days(a, rng.range(0, span))
    }
}

// The template's hand-written due dates; the generator reads dates from the deadline text, and
// tests check that reading against these.
#[cfg(test)]
fn month_end(y: i32, m: u32) -> NaiveDate {
    date(y, m, days_in_month(y, m))
}

#[cfg(test)]
pub(super) fn due_date(spec: DueSpec, year: i32) -> Option<NaiveDate> {
    let y = |r: YearRef| match r {
        YearRef::Prev => year - 1,
        YearRef::This => year,
        YearRef::Next => year + 1,
    };
    match spec {
        DueSpec::None => None,
        DueSpec::MonthEnd(m, r) => Some(month_end(y(r), m)),
        DueSpec::QuarterEnd(q, r) => Some(month_end(y(r), q * 3)),
        DueSpec::Day(d, m, r) => Some(date(y(r), m, d)),
        DueSpec::YearEnd(r) => Some(date(y(r), 12, 31)),
    }
}

pub(super) fn ru_date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}
