//! Assessment cycles as listed to users.

use rusqlite::{Connection, OptionalExtension, Row};

use super::{Result, codec};
use crate::domain::cycle::CycleStatus;
use crate::domain::sector::Sector;

/// A cycle with what a list shows about it.
#[derive(Debug, Clone, PartialEq)]
pub struct CycleInfo {
    pub id: i64,
    pub year: i32,
    pub sector: Sector,
    pub region: String,
    /// The authority's short name (its full name when it has none).
    pub authority: String,
    pub status: CycleStatus,
    pub methodology: String,
    /// Inputs changed since the scores were computed.
    pub scores_stale: bool,
    /// Organizations in the cycle.
    pub orgs: i64,
    /// Mean total S of the scored organizations (not read by [`list_brief`]).
    pub mean_total: Option<f64>,
}

/// The columns of every listing; `{mean}` is the mean-S expression. Members are counted by
/// triggers (`cycle_size`, migration 015): counting them here read the whole membership index.
const SELECT: &str = "
    SELECT c.id, c.year, c.sector, c.region,
           CASE WHEN a.short_name = '' THEN a.name ELSE a.short_name END,
           c.status, c.methodology, c.scores_stale,
           coalesce((SELECT z.members FROM cycle_size z WHERE z.cycle_id = c.id), 0),
           {mean}
    FROM cycle c JOIN authority a ON a.id = c.authority_id";

/// The mean of S per cycle: an aggregate over every score, costly on a national database.
const MEAN: &str = "(SELECT avg(s.total) FROM membership m JOIN score s ON s.membership_id = m.id
                     WHERE m.cycle_id = c.id)";

fn select(mean: &str) -> String {
    SELECT.replace("{mean}", mean)
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<CycleInfo> {
    Ok(CycleInfo {
        id: r.get(0)?,
        year: r.get(1)?,
        sector: codec::sector(r, 2)?,
        region: r.get(3)?,
        authority: r.get(4)?,
        status: codec::cycle_status(r, 5)?,
        methodology: r.get(6)?,
        scores_stale: r.get::<_, i64>(7)? != 0,
        orgs: r.get(8)?,
        mean_total: r.get(9)?,
    })
}

/// All cycles, newest year first, then region and sector.
pub fn list(conn: &Connection) -> Result<Vec<CycleInfo>> {
    let sql = format!(
        "{} ORDER BY c.year DESC, c.region, c.sector, c.id",
        select(MEAN)
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every cycle without the mean S (cheap enough for the UI): oldest year first, then region,
/// sector and id.
pub fn list_brief(conn: &Connection) -> Result<Vec<CycleInfo>> {
    let sql = format!(
        "{} ORDER BY c.year, c.region, c.sector, c.id",
        select("NULL")
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One cycle by id.
pub fn get(conn: &Connection, id: i64) -> Result<Option<CycleInfo>> {
    let sql = format!("{} WHERE c.id = ?1", select(MEAN));
    Ok(conn.query_row(&sql, [id], from_row).optional()?)
}

/// [`get`] without the mean S (`mean_total` is `None`): one row, whatever the cycle's size.
pub fn get_brief(conn: &Connection, id: i64) -> Result<Option<CycleInfo>> {
    let sql = format!("{} WHERE c.id = ?1", select("NULL"));
    Ok(conn.query_row(&sql, [id], from_row).optional()?)
}

/// The cycle of `year`, `sector` and authority `authority` (there is at most one), if any.
pub fn id_of(conn: &Connection, year: i64, sector: Sector, authority: i64) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM cycle WHERE year = ?1 AND sector = ?2 AND authority_id = ?3",
            rusqlite::params![year, sector.code(), authority],
            |r| r.get(0),
        )
        .optional()?)
}

/// Ids of cycles whose scores are stale.
pub fn stale_ids(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare("SELECT id FROM cycle WHERE scores_stale = 1 ORDER BY id")?;
    let ids = stmt.query_map([], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// For each cycle, how many of the ИНН `inns` (a file's first rows) belong to its members:
/// (cycle id, count), cycles without any left out. One indexed lookup per ИНН.
pub fn members_by_inn(conn: &Connection, inns: &[String]) -> Result<Vec<(i64, usize)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT m.cycle_id FROM organization o JOIN membership m ON m.org_id = o.id
         WHERE o.inn = ?1",
    )?;
    let mut counts: std::collections::BTreeMap<i64, usize> = std::collections::BTreeMap::new();
    let distinct: std::collections::BTreeSet<&String> = inns.iter().collect();
    for inn in distinct {
        for cycle in stmt.query_map([inn], |r| r.get::<_, i64>(0))? {
            *counts.entry(cycle?).or_default() += 1;
        }
    }
    Ok(counts.into_iter().collect())
}

/// The membership of the organization with ИНН `inn` in cycle `cycle_id`: (membership id, the
/// organization's short name or full name); `None` when it is not in the cycle. Several
/// organizations may share an ИНН (branches, by КПП): the first by name is taken.
pub fn membership_by_inn(
    conn: &Connection,
    cycle_id: i64,
    inn: &str,
) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT m.id, CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END
             FROM membership m JOIN organization o ON o.id = m.org_id
             WHERE m.cycle_id = ?1 AND o.inn = ?2 ORDER BY 2 LIMIT 1",
            rusqlite::params![cycle_id, inn],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}
