//! Read queries behind the organization list. It is held as a compact key index (one small
//! record per organization, loaded once off the UI thread); screens build rows only for what is
//! visible. While the index loads, the first page in name order is read through the index on
//! `organization_sort.name_key` (migration 011), so rows are on screen at once. Filters by cycle and
//! group read the members here.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};

use super::{Result, codec, iso};
use crate::domain::sector::Sector;

/// What the organization list needs to filter, sort and show one organization.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgKey {
    pub id: i64,
    /// Short name (full name when there is none).
    pub name: String,
    pub full_name: String,
    pub inn: String,
    pub reg_num: String,
    pub sector: Sector,
    pub region: String,
    /// The latest assessment: year, S, place and how many were ranked.
    pub latest_year: Option<i32>,
    pub latest_total: Option<f64>,
    pub latest_place: Option<u32>,
    pub latest_ranked: Option<u32>,
    /// Improvement-plan rows of all cycles: all, done, cancelled, overdue on `today`.
    pub plan_rows: u32,
    pub plan_done: u32,
    pub plan_cancelled: u32,
    pub plan_overdue: u32,
}

impl OrgKey {
    /// Share of plan rows done, of those not cancelled (выполнение плана), 0–100.
    pub fn plan_completion(&self) -> Option<f64> {
        let live = self.plan_rows.saturating_sub(self.plan_cancelled);
        (live > 0).then(|| f64::from(self.plan_done) * 100.0 / f64::from(live))
    }
}

/// The key the organization list sorts names by: the name with Latin (A–Z) and Cyrillic (А–Я,
/// Ё) capitals made small, every other character as it is. The column `organization_sort.name_key`
/// (migration 011) is the same in SQL; the list in name order is by this key, then by id, in
/// byte order, whichever of the two sorts it.
pub fn name_key(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            'А'..='Я' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
            'Ё' => 'ё',
            _ => c,
        })
        .collect()
}

/// The first `limit` organizations in name order (by [`name_key`], then id) with their keys, and
/// how many organizations there are: what the list shows before its whole index is loaded. Reads
/// the index on `organization_sort.name_key` and, for each organization, its latest score and its plan rows by
/// their indexes, so it takes about a millisecond whatever the size of the database.
pub fn first_page(
    conn: &Connection,
    today: NaiveDate,
    limit: usize,
) -> Result<(Vec<OrgKey>, usize)> {
    // Kept by triggers (`row_count`, migration 015): a count would read a whole index.
    let total: i64 = conn.query_row(
        "SELECT coalesce((SELECT n FROM row_count WHERE name = 'organization'), 0)",
        [],
        |r| r.get(0),
    )?;
    let mut page = conn.prepare_cached(
        "SELECT o.id, CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
                o.full_name, o.inn, o.reg_num, o.sector, o.region
         FROM organization_sort k JOIN organization o ON o.id = k.org_id
         ORDER BY k.name_key, k.org_id LIMIT ?1",
    )?;
    let mut latest = conn.prepare_cached(
        "SELECT c.year, s.total, s.place, s.ranked
         FROM membership m JOIN cycle c ON c.id = m.cycle_id JOIN score s ON s.membership_id = m.id
         WHERE m.org_id = ?1 ORDER BY c.year DESC, c.id DESC LIMIT 1",
    )?;
    let mut plans = conn.prepare_cached(
        "SELECT count(*), coalesce(sum(status = 'done'), 0), coalesce(sum(status = 'cancelled'), 0),
                coalesce(sum(status IN ('planned', 'in_progress') AND planned_date < ?2), 0)
         FROM plan_row WHERE org_id = ?1",
    )?;
    let today = iso(today);
    let mut keys = Vec::with_capacity(limit);
    let mut rows = page.query([limit as i64])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let (latest_year, latest_total, latest_place, latest_ranked) = latest
            .query_row([id], |l| Ok((l.get(0)?, l.get(1)?, l.get(2)?, l.get(3)?)))
            .optional()?
            .unwrap_or((None, None, None, None));
        let (plan_rows, plan_done, plan_cancelled, plan_overdue) = plans
            .query_row(rusqlite::params![id, today], |p| {
                Ok((p.get(0)?, p.get(1)?, p.get(2)?, p.get(3)?))
            })?;
        keys.push(OrgKey {
            id,
            name: r.get(1)?,
            full_name: r.get(2)?,
            inn: r.get(3)?,
            reg_num: r.get(4)?,
            sector: codec::sector(r, 5)?,
            region: r.get(6)?,
            latest_year,
            latest_total,
            latest_place,
            latest_ranked,
            plan_rows,
            plan_done,
            plan_cancelled,
            plan_overdue,
        });
    }
    Ok((keys, usize::try_from(total).unwrap_or(0)))
}

/// Every organization's key, by id. `today` decides what is overdue.
pub fn org_index(conn: &Connection, today: NaiveDate) -> Result<Vec<OrgKey>> {
    let mut stmt = conn.prepare(
        "WITH latest AS (
             SELECT m.org_id, c.year, s.total, s.place, s.ranked,
                    row_number() OVER (PARTITION BY m.org_id ORDER BY c.year DESC, c.id DESC) AS rn
             FROM membership m
             JOIN cycle c ON c.id = m.cycle_id
             JOIN score s ON s.membership_id = m.id
         ),
         plans AS (
             SELECT org_id, count(*) AS n,
                    sum(status = 'done') AS done,
                    sum(status = 'cancelled') AS cancelled,
                    sum(status IN ('planned', 'in_progress') AND planned_date < ?1) AS overdue
             FROM plan_row GROUP BY org_id
         )
         SELECT o.id, CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
                o.full_name, o.inn, o.reg_num, o.sector, o.region,
                l.year, l.total, l.place, l.ranked,
                coalesce(p.n, 0), coalesce(p.done, 0), coalesce(p.cancelled, 0), coalesce(p.overdue, 0)
         FROM organization o
         LEFT JOIN latest l ON l.org_id = o.id AND l.rn = 1
         LEFT JOIN plans p ON p.org_id = o.id
         ORDER BY o.id",
    )?;
    // Sized once by the kept count (`row_count`): grown by doubling, the vector of 100,000 keys
    // would hold up to twice their size for as long as the list lives.
    let n: i64 = conn.query_row(
        "SELECT coalesce((SELECT n FROM row_count WHERE name = 'organization'), 0)",
        [],
        |r| r.get(0),
    )?;
    let mut keys = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    let rows = stmt.query_map([iso(today)], |r| {
        Ok(OrgKey {
            id: r.get(0)?,
            name: r.get(1)?,
            full_name: r.get(2)?,
            inn: r.get(3)?,
            reg_num: r.get(4)?,
            sector: codec::sector(r, 5)?,
            region: r.get(6)?,
            latest_year: r.get(7)?,
            latest_total: r.get(8)?,
            latest_place: r.get(9)?,
            latest_ranked: r.get(10)?,
            plan_rows: r.get(11)?,
            plan_done: r.get(12)?,
            plan_cancelled: r.get(13)?,
            plan_overdue: r.get(14)?,
        })
    })?;
    for key in rows {
        keys.push(key?);
    }
    keys.shrink_to_fit();
    Ok(keys)
}

/// Rating groups with how many organizations are in each, within `cycle` or across all cycles.
pub fn groups(conn: &Connection, cycle: Option<i64>) -> Result<Vec<(String, i64)>> {
    // Two statements, so that a cycle is read through its index (`cycle_id IS NULL OR …`
    // would read every membership).
    let sql = match cycle {
        Some(_) => {
            "SELECT grp, count(DISTINCT org_id) FROM membership
             WHERE cycle_id = ?1 AND grp <> '' GROUP BY grp ORDER BY grp"
        }
        None => {
            "SELECT grp, count(DISTINCT org_id) FROM membership
             WHERE grp <> '' GROUP BY grp ORDER BY grp"
        }
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let params: Vec<i64> = cycle.into_iter().collect();
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Ids of the organizations assessed in `cycle` (any cycle when `None`) within `group` (any
/// group when `None`), ascending.
pub fn members(conn: &Connection, cycle: Option<i64>, group: Option<&str>) -> Result<Vec<i64>> {
    let sql = match cycle {
        Some(_) => {
            "SELECT org_id FROM membership
             WHERE cycle_id = ?1 AND (?2 IS NULL OR grp = ?2) ORDER BY org_id"
        }
        None => {
            "SELECT DISTINCT org_id FROM membership
             WHERE ?1 IS NULL AND (?2 IS NULL OR grp = ?2) ORDER BY org_id"
        }
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(rusqlite::params![cycle, group], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
