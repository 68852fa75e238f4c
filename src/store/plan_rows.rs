//! Improvement-plan rows across organizations, as the plan-rows screen reads them: a count per
//! filter and one window of rows at a time, ordered by organization name, planned date and id.
//! At national scale there are about 1.5 million rows, so nothing here reads them all: the
//! window walks organizations in name order (index `organization_display_name`) and each one's
//! rows by planned date (index `plan_row_org_due`, or `plan_row_unreported`), both from
//! migration 002.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};

use super::spot_check::{Verdict, verdict};
use super::{Result, codec, iso};
use crate::domain::plan::{Person, PlanStatus};

/// Which plan rows are listed. Open = planned or in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Filter {
    /// Open rows whose planned date has passed (просрочено).
    Overdue,
    /// Open rows due from today to `days` days ahead, both ends included (срок в ближайшие N дней).
    DueWithin(u32),
    /// Rows marked done (выполнено).
    Done,
    /// Open rows whose planned date has passed with no implemented measures written (нет отчета).
    NotReported,
    /// Every row (все).
    All,
}

impl Filter {
    /// The condition on `plan_row p`; `?1` is today, `?2` the last day of the due-soon horizon.
    /// Open rows are written exactly as in the partial index `plan_row_unreported`.
    fn condition(self) -> &'static str {
        match self {
            Filter::Overdue => "p.status IN ('planned', 'in_progress') AND p.planned_date < ?1",
            Filter::DueWithin(_) => {
                "p.status IN ('planned', 'in_progress') AND p.planned_date >= ?1 AND p.planned_date <= ?2"
            }
            Filter::Done => "p.status = 'done'",
            Filter::NotReported => {
                "p.status IN ('planned', 'in_progress') AND p.implemented_measures = '' AND p.planned_date < ?1"
            }
            Filter::All => "1",
        }
    }

    /// The table to count from. The planner prefers `plan_row_due` for «нет отчета» (its
    /// statistics know nothing of the text column) and then reads every open row's text; the
    /// partial index answers alone, so it is named.
    fn count_from(self) -> &'static str {
        match self {
            Filter::NotReported => "plan_row p INDEXED BY plan_row_unreported",
            _ => "plan_row p",
        }
    }

    /// Values of `?1` (today) and `?2` (end of the horizon).
    fn bounds(self, today: NaiveDate) -> [String; 2] {
        let days = match self {
            Filter::DueWithin(d) => d,
            _ => 0,
        };
        let until = today
            .checked_add_days(chrono::Days::new(u64::from(days)))
            .unwrap_or(today);
        [iso(today), iso(until)]
    }
}

/// The organization name the list is grouped and ordered by: short, else full. Must match the
/// expression of the index `organization_display_name` for the planner to use it.
const ORG_NAME: &str = "CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END";

/// A plan row as listed, with the organization and the latest spot check.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRow {
    pub id: i64,
    pub org_id: i64,
    /// Short name of the organization (full name when there is none).
    pub org_name: String,
    pub cycle_id: i64,
    pub year: i32,
    pub number: String,
    pub criterion: String,
    pub shortcoming: String,
    pub measure: String,
    pub planned_date: NaiveDate,
    pub responsible: Person,
    pub implemented_measures: String,
    pub actual_date: Option<NaiveDate>,
    pub status: PlanStatus,
    pub cancel_reason: Option<String>,
    /// The latest spot check: verdict and when; and how many checks there were.
    pub last_check: Option<(Verdict, String)>,
    pub checks: u32,
}

/// A plan row in full, for the spot-check card.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub row: ListRow,
    pub org_full_name: String,
    pub sector: crate::domain::sector::Sector,
    pub expected_result: String,
    pub result_indicators: String,
}

/// An organization's plan rows in numbers, for the group header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OrgCounts {
    pub org_id: i64,
    /// Rows of all cycles.
    pub rows: u32,
    /// Rows in the filter.
    pub in_filter: u32,
    pub done: u32,
    pub cancelled: u32,
    /// Open with the planned date passed.
    pub overdue: u32,
}

/// How many rows `filter` lists on `today`. Every filter but «нет отчета» is a sum over the
/// rows by status and date that triggers keep (`plan_day`, migration 015): about a thousand
/// small rows, where counting the index read up to a million entries.
pub fn count(conn: &Connection, filter: Filter, today: NaiveDate) -> Result<usize> {
    let sql = match filter {
        Filter::NotReported => format!(
            "SELECT count(*) FROM {} WHERE {}",
            filter.count_from(),
            filter.condition()
        ),
        _ => format!(
            "SELECT coalesce(sum(p.n), 0) FROM plan_day p WHERE {}",
            filter.condition()
        ),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let bounds = filter.bounds(today);
    let used = stmt.parameter_count();
    let n: i64 = stmt.query_row(rusqlite::params_from_iter(bounds.iter().take(used)), |r| {
        r.get(0)
    })?;
    Ok(n as usize)
}

/// The columns of a [`ListRow`], from `plan_row p`, `organization o` and `cycle c`.
const LIST_COLUMNS: &str =
    "p.id, p.org_id, CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
       p.cycle_id, c.year, p.number, p.criterion, p.shortcoming, p.measure, p.planned_date,
       p.resp_last_name, p.resp_first_name, p.resp_middle_name, p.resp_position,
       p.implemented_measures, p.actual_date, p.status, p.cancel_reason,
       (SELECT s.verdict FROM spot_check s WHERE s.plan_row_id = p.id
         ORDER BY s.checked_at DESC, s.id DESC LIMIT 1),
       (SELECT s.checked_at FROM spot_check s WHERE s.plan_row_id = p.id
         ORDER BY s.checked_at DESC, s.id DESC LIMIT 1),
       (SELECT count(*) FROM spot_check s WHERE s.plan_row_id = p.id)";

fn list_row(r: &Row<'_>) -> rusqlite::Result<ListRow> {
    let last_check = match r.get::<_, Option<String>>(18)? {
        Some(_) => Some((
            verdict(r, 18)?,
            r.get::<_, Option<String>>(19)?.unwrap_or_default(),
        )),
        None => None,
    };
    Ok(ListRow {
        id: r.get(0)?,
        org_id: r.get(1)?,
        org_name: r.get(2)?,
        cycle_id: r.get(3)?,
        year: r.get(4)?,
        number: r.get(5)?,
        criterion: r.get(6)?,
        shortcoming: r.get(7)?,
        measure: r.get(8)?,
        planned_date: codec::date(r, 9)?,
        responsible: Person {
            last_name: r.get(10)?,
            first_name: r.get(11)?,
            middle_name: r.get(12)?,
            position: r.get(13)?,
        },
        implemented_measures: r.get(14)?,
        actual_date: codec::opt_date(r, 15)?,
        status: codec::plan_status(r, 16)?,
        cancel_reason: r.get(17)?,
        last_check,
        checks: r.get(20)?,
    })
}

/// Rows `offset..offset + limit` of those `filter` lists, ordered by organization name (then
/// organization id, so each organization's rows stay together), planned date and id. `total` is
/// the count the caller holds: a window in the back half is read backwards from the end, so
/// the cost of the offset walk is at most half the list.
pub fn window(
    conn: &Connection,
    filter: Filter,
    today: NaiveDate,
    offset: usize,
    limit: usize,
    total: usize,
) -> Result<Vec<ListRow>> {
    let end = offset.saturating_add(limit).min(total);
    if offset >= end {
        return Ok(Vec::new());
    }
    let backwards = offset > total - end;
    let (dir, skip) = if backwards {
        ("DESC", total - end)
    } else {
        ("ASC", offset)
    };
    // Ids first, from the indexes alone; then the few rows in full.
    let sql = format!(
        "SELECT {LIST_COLUMNS}
         FROM (SELECT p.id AS id FROM organization o CROSS JOIN plan_row p ON p.org_id = o.id
               WHERE {cond}
               ORDER BY {ORG_NAME} {dir}, o.id {dir}, p.planned_date {dir}, p.id {dir}
               LIMIT ?3 OFFSET ?4) w
         JOIN plan_row p ON p.id = w.id
         JOIN organization o ON o.id = p.org_id
         JOIN cycle c ON c.id = p.cycle_id
         ORDER BY {ORG_NAME}, o.id, p.planned_date, p.id",
        cond = filter.condition()
    );
    let [t, u] = filter.bounds(today);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        rusqlite::params![t, u, (end - offset) as i64, skip as i64],
        list_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Up to `limit` rows that come right after `from` (`forward`) or right before it, in list
/// order either way. A seek on the indexes from the row's own sort key, so it costs the same
/// anywhere in the list: the screen moves through a million rows by these steps and reads by
/// offset only when it jumps.
pub fn next_to(
    conn: &Connection,
    filter: Filter,
    today: NaiveDate,
    from: &ListRow,
    forward: bool,
    limit: usize,
) -> Result<Vec<ListRow>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    // The single-column bound lets the planner seek the name index; the row value then
    // leaves out the rows of the same name up to and including `from`.
    let (bound, order, dir) = if forward {
        (">=", ">", "ASC")
    } else {
        ("<=", "<", "DESC")
    };
    let sql = format!(
        "SELECT {LIST_COLUMNS}
         FROM (SELECT p.id AS id FROM organization o CROSS JOIN plan_row p ON p.org_id = o.id
               WHERE {cond} AND {ORG_NAME} {bound} ?3
                 AND ({ORG_NAME}, o.id, p.planned_date, p.id) {order} (?3, ?4, ?5, ?6)
               ORDER BY {ORG_NAME} {dir}, o.id {dir}, p.planned_date {dir}, p.id {dir}
               LIMIT ?7) w
         JOIN plan_row p ON p.id = w.id
         JOIN organization o ON o.id = p.org_id
         JOIN cycle c ON c.id = p.cycle_id
         ORDER BY {ORG_NAME}, o.id, p.planned_date, p.id",
        cond = filter.condition()
    );
    let [t, u] = filter.bounds(today);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        rusqlite::params![
            t,
            u,
            from.org_name,
            from.org_id,
            iso(from.planned_date),
            from.id,
            limit as i64
        ],
        list_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Counts of the given organizations' rows: all, in `filter`, done, cancelled, overdue on `today`.
pub fn org_counts(
    conn: &Connection,
    org_ids: &[i64],
    filter: Filter,
    today: NaiveDate,
) -> Result<Vec<OrgCounts>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = (0..org_ids.len())
        .map(|i| format!("?{}", i + 3))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT p.org_id, count(*), coalesce(sum({cond}), 0),
                coalesce(sum(p.status = 'done'), 0), coalesce(sum(p.status = 'cancelled'), 0),
                coalesce(sum(p.status IN ('planned', 'in_progress') AND p.planned_date < ?1), 0)
         FROM plan_row p WHERE p.org_id IN ({marks}) GROUP BY p.org_id",
        cond = filter.condition()
    );
    let [t, u] = filter.bounds(today);
    let mut values: Vec<rusqlite::types::Value> = vec![t.into(), u.into()];
    values.extend(
        org_ids
            .iter()
            .map(|&id| rusqlite::types::Value::Integer(id)),
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values), |r| {
        Ok(OrgCounts {
            org_id: r.get(0)?,
            rows: r.get(1)?,
            in_filter: r.get(2)?,
            done: r.get(3)?,
            cancelled: r.get(4)?,
            overdue: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One row in full (`None` when it no longer exists).
pub fn detail(conn: &Connection, id: i64) -> Result<Option<Detail>> {
    let sql = format!(
        "SELECT {LIST_COLUMNS}, o.full_name, o.sector, p.expected_result, p.result_indicators
         FROM plan_row p
         JOIN organization o ON o.id = p.org_id
         JOIN cycle c ON c.id = p.cycle_id
         WHERE p.id = ?1"
    );
    Ok(conn
        .query_row(&sql, [id], |r| {
            Ok(Detail {
                row: list_row(r)?,
                org_full_name: r.get(21)?,
                sector: codec::sector(r, 22)?,
                expected_result: r.get(23)?,
                result_indicators: r.get(24)?,
            })
        })
        .optional()?)
}
