//! The figures of the «Сводка» screen for a year (all its cycles) or one cycle: organizations
//! assessed, mean S per sector, the distribution of S and of each criterion, how the plans are
//! going, and the nearest deadlines. Read by the UI's worker thread; scores are streamed into
//! histograms, never held as a list.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::{Result, codec, iso};
use crate::domain::rating::Histogram;
use crate::domain::sector::Sector;

/// What the summary covers: every cycle of `year`, or only cycle `cycle` (of that year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub year: i32,
    pub cycle: Option<i64>,
}

/// A criterion across the scope: its code, mean value and distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionSummary {
    pub code: String,
    pub mean: f64,
    pub histogram: Histogram,
}

/// An open plan row falling due soon.
#[derive(Debug, Clone, PartialEq)]
pub struct DueRow {
    pub planned_date: NaiveDate,
    pub org_name: String,
    pub number: String,
    pub measure: String,
}

/// The figures of the summary screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub scope: Scope,
    pub cycles: i64,
    /// Organizations assessed and scored.
    pub assessed: i64,
    /// Per sector: scored organizations and mean S.
    pub by_sector: Vec<(Sector, i64, f64)>,
    pub total_histogram: Histogram,
    pub criteria: Vec<CriterionSummary>,
    /// Plan rows of the scope's cycles: all, done, cancelled, overdue on `today`.
    pub plan_rows: i64,
    pub plan_done: i64,
    pub plan_cancelled: i64,
    pub plan_overdue: i64,
    /// Open plan rows of the scope's cycles due from today to 30 days ahead, and the first few.
    pub due_30_days: i64,
    pub nearest: Vec<DueRow>,
}

/// How many of the nearest deadlines are read.
const NEAREST: i64 = 12;

/// The cycles of the scope, as a condition on `cycle c` with `?1` the year and `?2` the cycle.
const IN_SCOPE: &str = "c.year = ?1 AND (?2 IS NULL OR c.id = ?2)";

/// Years that have cycles, newest first.
pub fn years(conn: &Connection) -> Result<Vec<i32>> {
    let mut stmt = conn.prepare("SELECT DISTINCT year FROM cycle ORDER BY year DESC")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The summary of `scope`; `today` decides what is overdue and due soon.
pub fn read(conn: &Connection, scope: Scope, today: NaiveDate) -> Result<Overview> {
    let p = rusqlite::params![scope.year, scope.cycle];
    let cycles = conn.query_row(
        &format!("SELECT count(*) FROM cycle c WHERE {IN_SCOPE}"),
        p,
        |r| r.get(0),
    )?;

    // S: per sector, and its distribution.
    let mut total_histogram = Histogram::default();
    let mut sectors: BTreeMap<Sector, (i64, f64)> = BTreeMap::new();
    let mut stmt = conn.prepare(&format!(
        "SELECT c.sector, s.total
         FROM cycle c JOIN membership m ON m.cycle_id = c.id JOIN score s ON s.membership_id = m.id
         WHERE {IN_SCOPE}"
    ))?;
    let mut rows = stmt.query(p)?;
    while let Some(r) = rows.next()? {
        let sector = codec::sector(r, 0)?;
        let total: f64 = r.get(1)?;
        total_histogram.add(total);
        let e = sectors.entry(sector).or_insert((0, 0.0));
        e.0 += 1;
        e.1 += total;
    }
    let by_sector = sectors
        .into_iter()
        .map(|(s, (n, sum))| (s, n, sum / n as f64))
        .collect();

    // Criteria (score parts with a place): mean and distribution.
    let mut criteria: BTreeMap<String, (f64, Histogram)> = BTreeMap::new();
    let mut stmt = conn.prepare(&format!(
        "SELECT p.code, p.value
         FROM cycle c JOIN membership m ON m.cycle_id = c.id
         JOIN score_part p ON p.membership_id = m.id
         WHERE {IN_SCOPE} AND p.place IS NOT NULL"
    ))?;
    let mut rows = stmt.query(p)?;
    while let Some(r) = rows.next()? {
        let code: String = r.get(0)?;
        let value: f64 = r.get(1)?;
        let e = criteria.entry(code).or_default();
        e.0 += value;
        e.1.add(value);
    }
    let criteria = criteria
        .into_iter()
        .map(|(code, (sum, histogram))| CriterionSummary {
            code,
            mean: sum / histogram.total().max(1) as f64,
            histogram,
        })
        .collect();

    let (plan_rows, plan_done, plan_cancelled, plan_overdue) = conn.query_row(
        &format!(
            "SELECT count(*), coalesce(sum(p.status = 'done'), 0),
                    coalesce(sum(p.status = 'cancelled'), 0),
                    coalesce(sum(p.status IN ('planned', 'in_progress') AND p.planned_date < ?3), 0)
             FROM cycle c JOIN plan_row p ON p.cycle_id = c.id WHERE {IN_SCOPE}"
        ),
        rusqlite::params![scope.year, scope.cycle, iso(today)],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;

    const DUE_SOON: &str = "p.status IN ('planned', 'in_progress')
           AND p.planned_date >= ?3 AND p.planned_date <= date(?3, '+30 days')";
    let due_30_days = conn.query_row(
        &format!(
            "SELECT count(*) FROM plan_row p JOIN cycle c ON c.id = p.cycle_id
             WHERE {DUE_SOON} AND {IN_SCOPE}"
        ),
        rusqlite::params![scope.year, scope.cycle, iso(today)],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(&format!(
        "SELECT p.planned_date,
                CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
                p.number, p.measure
         FROM plan_row p JOIN cycle c ON c.id = p.cycle_id JOIN organization o ON o.id = p.org_id
         WHERE {DUE_SOON} AND {IN_SCOPE}
         ORDER BY p.planned_date, p.id LIMIT ?4"
    ))?;
    let nearest = stmt
        .query_map(
            rusqlite::params![scope.year, scope.cycle, iso(today), NEAREST],
            |r| {
                Ok(DueRow {
                    planned_date: codec::date(r, 0)?,
                    org_name: r.get(1)?,
                    number: r.get(2)?,
                    measure: r.get(3)?,
                })
            },
        )?
        .collect::<rusqlite::Result<_>>()?;

    Ok(Overview {
        scope,
        cycles,
        assessed: total_histogram.total() as i64,
        by_sector,
        total_histogram,
        criteria,
        plan_rows,
        plan_done,
        plan_cancelled,
        plan_overdue,
        due_30_days,
        nearest,
    })
}
