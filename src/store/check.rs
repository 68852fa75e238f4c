//! Queries behind `nok check-db`: SQLite's own integrity checks and cross-table consistency.

use rusqlite::Connection;

use super::Result;

/// Messages of `PRAGMA integrity_check` other than «ok».
pub fn integrity(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let msgs: Vec<String> = rows.collect::<rusqlite::Result<_>>()?;
    Ok(msgs.into_iter().filter(|m| m != "ok").collect())
}

/// Rows whose foreign keys point nowhere: (table, rowid, parent table).
pub fn foreign_key_violations(conn: &Connection) -> Result<Vec<(String, Option<i64>, String)>> {
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Memberships whose organization is of another sector than the cycle: (cycle id, organization).
pub fn sector_mismatches(conn: &Connection) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, o.full_name FROM membership m
         JOIN cycle c ON c.id = m.cycle_id JOIN organization o ON o.id = m.org_id
         WHERE o.sector <> c.sector ORDER BY c.id, o.id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Plan rows grouped by what decides their criterion: the cycle's method, the stored criterion
/// and the number's first part (before the first dot, `None` without a dot). Each group with its
/// number of rows and its first row: (cycle id, organization, number).
pub struct PlanCriterionGroup {
    pub methodology: String,
    pub criterion: String,
    pub head: Option<String>,
    pub rows: i64,
    pub cycle_id: i64,
    pub org: String,
    pub number: String,
}

/// Every [`PlanCriterionGroup`] of the stored plan rows (a few dozen groups however many rows).
pub fn plan_criterion_groups(conn: &Connection) -> Result<Vec<PlanCriterionGroup>> {
    let mut stmt = conn.prepare(
        "SELECT c.methodology, p.criterion,
                CASE WHEN instr(p.number, '.') > 0
                     THEN substr(p.number, 1, instr(p.number, '.') - 1) END AS head,
                count(*), min(p.id), p.cycle_id, o.full_name, p.number
         FROM plan_row p JOIN cycle c ON c.id = p.cycle_id JOIN organization o ON o.id = p.org_id
         GROUP BY c.methodology, p.criterion, head ORDER BY min(p.id)",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(PlanCriterionGroup {
            methodology: r.get(0)?,
            criterion: r.get(1)?,
            head: r.get(2)?,
            rows: r.get(3)?,
            cycle_id: r.get(5)?,
            org: r.get(6)?,
            number: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stored results whose total is not the mean of the stored criteria within `tolerance`:
/// (cycle id, organization, total, mean of criteria).
pub fn totals_off_mean(conn: &Connection, tolerance: f64) -> Result<Vec<(i64, String, f64, f64)>> {
    let mut stmt = conn.prepare(
        "SELECT m.cycle_id, o.full_name, s.total, avg(p.value)
         FROM score s
         JOIN membership m ON m.id = s.membership_id
         JOIN organization o ON o.id = m.org_id
         JOIN score_part p ON p.membership_id = s.membership_id AND p.place IS NOT NULL
         GROUP BY s.membership_id
         HAVING abs(s.total - avg(p.value)) > ?1",
    )?;
    let rows = stmt.query_map([tolerance], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Identifiers as stored, one holder at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Identifiers {
    /// «организация» or «уполномоченный орган».
    pub holder: &'static str,
    pub name: String,
    pub inn: String,
    pub kpp: String,
    pub ogrn: String,
    pub reg_num: String,
}

/// Calls `f` with the identifiers of every organization and authority.
pub fn for_each_identifiers(conn: &Connection, mut f: impl FnMut(Identifiers)) -> Result<()> {
    let sources = [
        (
            "организация",
            "SELECT full_name, inn, kpp, ogrn, reg_num FROM organization ORDER BY id",
        ),
        (
            "уполномоченный орган",
            "SELECT name, inn, kpp, ogrn, reg_num FROM authority ORDER BY id",
        ),
    ];
    for (holder, sql) in sources {
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(Identifiers {
                holder,
                name: r.get(0)?,
                inn: r.get(1)?,
                kpp: r.get(2)?,
                ogrn: r.get(3)?,
                reg_num: r.get(4)?,
            });
        }
    }
    Ok(())
}

/// Members that could not be scored: (cycle id, organization, reason).
pub fn score_errors(conn: &Connection) -> Result<Vec<(i64, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT m.cycle_id, o.full_name, m.score_error FROM membership m
         JOIN organization o ON o.id = m.org_id WHERE m.score_error IS NOT NULL ORDER BY m.cycle_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
