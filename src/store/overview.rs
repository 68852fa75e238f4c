//! The figures of the «Сводка» screen for a year (all its cycles) or one cycle: organizations
//! assessed, mean S per sector, the distribution of S and of each criterion, how the plans are
//! going, and the nearest deadlines. Read by the UI's worker thread from the per-cycle figures
//! that triggers keep up to date on every write (migration 011): milliseconds at national scale.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::{Result, codec, iso};
use crate::domain::rating::{BIN_FLOORS, Histogram};
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

/// The code of S among the bins of `cycle_value_bin` (criteria have theirs, `К1`…).
const TOTAL: &str = "S";

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

    // S per sector and its distribution, and each criterion's, from the bins kept by triggers
    // (migration 011): a few hundred rows, whatever the number of organizations.
    let mut total_histogram = Histogram::default();
    let mut sectors: BTreeMap<Sector, (i64, i64)> = BTreeMap::new();
    let mut criteria: BTreeMap<String, (i64, Histogram)> = BTreeMap::new();
    let mut stmt = conn.prepare(&format!(
        "SELECT b.code, c.sector, b.bin, sum(b.n), sum(b.hundredths)
         FROM cycle c JOIN cycle_value_bin b ON b.cycle_id = c.id
         WHERE {IN_SCOPE} AND b.n > 0
         GROUP BY b.code, c.sector, b.bin"
    ))?;
    let mut rows = stmt.query(p)?;
    while let Some(r) = rows.next()? {
        let code: String = r.get(0)?;
        let bin: i64 = r.get(2)?;
        let n: i64 = r.get(3)?;
        let hundredths: i64 = r.get(4)?;
        let (Ok(count), Ok(bin)) = (u64::try_from(n), usize::try_from(bin)) else {
            continue;
        };
        if bin >= BIN_FLOORS.len() {
            continue;
        }
        if code == TOTAL {
            total_histogram.counts[bin] += count;
            let e = sectors.entry(codec::sector(r, 1)?).or_default();
            e.0 += n;
            e.1 += hundredths;
        } else {
            let e = criteria.entry(code).or_default();
            e.0 += hundredths;
            e.1.counts[bin] += count;
        }
    }
    let by_sector = sectors
        .into_iter()
        .filter(|(_, (n, _))| *n > 0)
        .map(|(s, (n, sum))| (s, n, sum as f64 / 100.0 / n as f64))
        .collect();
    let criteria = criteria
        .into_iter()
        .filter(|(_, (_, h))| h.total() > 0)
        .map(|(code, (sum, histogram))| CriterionSummary {
            code,
            mean: sum as f64 / 100.0 / histogram.total() as f64,
            histogram,
        })
        .collect();

    // Plan rows by status, kept by triggers (migration 020): a few rows per cycle. Open rows
    // overdue or due within 30 days: two ranges of each open status on the days kept by
    // triggers (migration 011), read along their key (cycle, status, date).
    let (plan_rows, plan_done, plan_cancelled) = conn.query_row(
        &format!(
            "SELECT coalesce(sum(s.n), 0),
                    coalesce(sum(s.n) FILTER (WHERE s.status = 'done'), 0),
                    coalesce(sum(s.n) FILTER (WHERE s.status = 'cancelled'), 0)
             FROM cycle c JOIN cycle_plan_status s ON s.cycle_id = c.id WHERE {IN_SCOPE}"
        ),
        rusqlite::params![scope.year, scope.cycle],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let in_30_days = iso(today + chrono::Days::new(30));
    let (plan_overdue, due_30_days) = conn.query_row(
        &format!(
            "SELECT coalesce(sum(d.n) FILTER (WHERE d.planned_date < ?3), 0),
                    coalesce(sum(d.n) FILTER (WHERE d.planned_date >= ?3), 0)
             FROM cycle c JOIN cycle_plan_day d ON d.cycle_id = c.id
             WHERE {IN_SCOPE} AND d.status IN ('planned', 'in_progress')
               AND d.planned_date <= ?4"
        ),
        rusqlite::params![scope.year, scope.cycle, iso(today), in_30_days],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;

    // The nearest open rows due: each open status walked along its index by date (and id), so
    // that the walk stops at the first few of the scope instead of sorting every row due soon.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.planned_date,
                CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
                p.number, p.measure, p.id
         FROM plan_row p INDEXED BY plan_row_due
         JOIN cycle c ON c.id = p.cycle_id JOIN organization o ON o.id = p.org_id
         WHERE p.status = ?5 AND p.planned_date >= ?3 AND p.planned_date <= date(?3, '+30 days')
           AND {IN_SCOPE}
         ORDER BY p.planned_date, p.id LIMIT ?4"
    ))?;
    let mut nearest: Vec<(DueRow, i64)> = Vec::new();
    for status in ["planned", "in_progress"] {
        let rows = stmt.query_map(
            rusqlite::params![scope.year, scope.cycle, iso(today), NEAREST, status],
            |r| {
                Ok((
                    DueRow {
                        planned_date: codec::date(r, 0)?,
                        org_name: r.get(1)?,
                        number: r.get(2)?,
                        measure: r.get(3)?,
                    },
                    r.get(4)?,
                ))
            },
        )?;
        for row in rows {
            nearest.push(row?);
        }
    }
    nearest.sort_by_key(|(row, id)| (row.planned_date, *id));
    let nearest: Vec<DueRow> = nearest
        .into_iter()
        .take(NEAREST as usize)
        .map(|(row, _)| row)
        .collect();

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

#[cfg(test)]
mod tests {
    use super::*;

    /// Two cycles of one authority, organizations with S on every bin boundary (and just below
    /// it), two criteria each, and plan rows in each status.
    fn fill(conn: &Connection) {
        conn.execute_batch(
            "INSERT INTO authority (id, name, region, inn, kpp, ogrn)
                 VALUES (1, 'Комитет', 'Область', '7701234567', '770101001', '1027700132195');
             INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology)
                 VALUES (5, 2025, 'social', 1, 'Область', 'approved', '2018'),
                        (6, 2026, 'culture', 1, 'Область', 'approved', '2018');",
        )
        .unwrap();
        let totals = [
            0.0, 59.99, 60.0, 64.99, 65.0, 69.99, 70.0, 74.99, 75.0, 79.99, 80.0, 84.99, 85.0,
            89.99, 90.0, 94.99, 95.0, 100.0, 71.23,
        ];
        for (i, total) in totals.iter().enumerate() {
            let id = i as i64 + 1;
            let cycle = 5 + id % 2;
            conn.execute(
                "INSERT INTO organization (id, full_name, inn, kpp, ogrn, reg_num, sector, region)
                 VALUES (?1, 'Орг ' || ?1, printf('77%08d', ?1), '770101001',
                         printf('10277%08d', ?1), printf('%08d', ?1), 'social', 'Область')",
                [id],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO membership (id, cycle_id, org_id) VALUES (?1, ?2, ?1)",
                [id, cycle],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO score VALUES (?1, '2018', ?2, 1, 30, 1, 30, 't')",
                rusqlite::params![id, total],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO score_part (membership_id, code, value, place)
                 VALUES (?1, 'К1', ?2, 1), (?1, 'К2', 100 - ?2, 2), (?1, '1.1', 33.3, NULL)",
                rusqlite::params![id, total],
            )
            .unwrap();
            for (n, (status, date)) in [
                ("planned", "2026-11-01"),
                ("in_progress", "2026-12-01"),
                ("done", "2026-01-01"),
                ("cancelled", "2026-11-30"),
            ]
            .iter()
            .enumerate()
            .take(1 + i % 4)
            {
                conn.execute(
                    "INSERT INTO plan_row (cycle_id, org_id, number, criterion, measure,
                         planned_date, status, actual_date, implemented_measures, cancel_reason)
                     VALUES (?1, ?2, ?3, 'К1', 'Мера', ?4, ?5, '2026-01-02', 'сделано', 'нет')",
                    rusqlite::params![cycle, id, (n + 1).to_string(), date, status],
                )
                .unwrap();
            }
        }
    }

    fn dump(conn: &Connection, sql: &str) -> Vec<String> {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            (0..n)
                .map(|i| {
                    r.get::<_, rusqlite::types::Value>(i)
                        .map(|v| format!("{v:?}"))
                })
                .collect::<rusqlite::Result<Vec<_>>>()
                .map(|v| v.join("|"))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
    }

    #[test]
    fn the_migration_fills_the_figures_as_the_triggers_keep_them() {
        let mut before = Connection::open_in_memory().unwrap();
        before.pragma_update(None, "foreign_keys", "ON").unwrap();
        super::super::MIGRATIONS
            .to_version(&mut before, 10)
            .unwrap();
        fill(&before);
        super::super::MIGRATIONS.to_latest(&mut before).unwrap();
        let after = super::super::open_in_memory().unwrap();
        fill(&after);
        for sql in [
            "SELECT * FROM cycle_value_bin WHERE n > 0 ORDER BY 1, 2, 3",
            "SELECT * FROM cycle_plan_day WHERE n > 0 ORDER BY 1, 2, 3",
        ] {
            let kept = dump(&after, sql);
            assert!(!kept.is_empty());
            assert_eq!(dump(&before, sql), kept, "{sql}");
        }
    }

    #[test]
    fn the_summary_puts_every_bin_boundary_where_the_histogram_does() {
        let conn = super::super::open_in_memory().unwrap();
        fill(&conn);
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        for scope in [
            Scope {
                year: 2025,
                cycle: None,
            },
            Scope {
                year: 2026,
                cycle: Some(6),
            },
        ] {
            let o = read(&conn, scope, today).unwrap();
            let mut want = Histogram::default();
            let mut k1 = Histogram::default();
            let mut stmt = conn
                .prepare(
                    "SELECT s.total FROM score s JOIN membership m ON m.id = s.membership_id
                     JOIN cycle c ON c.id = m.cycle_id WHERE c.year = ?1",
                )
                .unwrap();
            let totals: Vec<f64> = stmt
                .query_map([scope.year], |r| r.get(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            for t in &totals {
                want.add(*t);
                k1.add(*t);
            }
            assert_eq!(o.total_histogram, want);
            assert_eq!(o.assessed as usize, totals.len());
            assert_eq!(o.criteria[0].code, "К1");
            assert_eq!(o.criteria[0].histogram, k1);
            assert_eq!(o.criteria.len(), 2, "indicators are not criteria");
            let mean = totals.iter().sum::<f64>() / totals.len() as f64;
            assert!((o.by_sector[0].2 - mean).abs() < 1e-9);
        }
    }
}
