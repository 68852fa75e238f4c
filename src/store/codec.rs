//! Reading domain values out of result columns. A stored value the domain does not know is a
//! conversion error naming the column, never a panic.

use rusqlite::Row;
use rusqlite::types::Type;

use crate::domain::cycle::CycleStatus;
use crate::domain::plan::PlanStatus;
use crate::domain::sector::Sector;

fn bad(idx: usize, what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        idx,
        Type::Text,
        format!("неизвестное значение {what} «{value}»").into(),
    )
}

fn decode<T>(
    r: &Row<'_>,
    idx: usize,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let text: String = r.get(idx)?;
    parse(&text).ok_or_else(|| bad(idx, what, &text))
}

pub fn sector(r: &Row<'_>, idx: usize) -> rusqlite::Result<Sector> {
    decode(r, idx, "сферы", Sector::parse)
}

pub fn cycle_status(r: &Row<'_>, idx: usize) -> rusqlite::Result<CycleStatus> {
    decode(r, idx, "статуса цикла", CycleStatus::from_code)
}

pub fn date(r: &Row<'_>, idx: usize) -> rusqlite::Result<chrono::NaiveDate> {
    decode(r, idx, "даты", |t| {
        chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()
    })
}

/// A date column that may be NULL.
pub fn opt_date(r: &Row<'_>, idx: usize) -> rusqlite::Result<Option<chrono::NaiveDate>> {
    let text: Option<String> = r.get(idx)?;
    text.map(|t| {
        chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| bad(idx, "даты", &t))
    })
    .transpose()
}

pub fn plan_status(r: &Row<'_>, idx: usize) -> rusqlite::Result<PlanStatus> {
    decode(r, idx, "статуса строки плана", PlanStatus::from_code)
}
