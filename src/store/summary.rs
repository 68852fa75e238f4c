//! What a database holds, in a few numbers (printed after `nok demo` and by `nok` without a
//! terminal).

use chrono::NaiveDate;
use rusqlite::Connection;

use super::{Result, codec, iso};
use crate::domain::sector::Sector;

/// Counts of what the database holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    pub authorities: i64,
    pub organizations: i64,
    pub regions: i64,
    pub cycles: i64,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
    pub memberships: i64,
    pub input_values: i64,
    pub scored: i64,
    pub score_errors: i64,
    pub shortcomings: i64,
    pub plan_rows: i64,
    /// Plan rows by recorded status code.
    pub plan_by_status: Vec<(String, i64)>,
    /// Rows not done or cancelled whose planned date is before `today`.
    pub plan_overdue: i64,
    pub workplans: i64,
    pub workplan_items: i64,
    pub target_indicators: i64,
    pub council_meetings: i64,
    /// Per sector: organizations scored in the latest year and their mean S.
    pub latest_by_sector: Vec<(Sector, i64, f64)>,
}

fn count(conn: &Connection, sql: &str) -> Result<i64> {
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

/// Reads the summary; `today` decides what is overdue.
pub fn read(conn: &Connection, today: NaiveDate) -> Result<Summary> {
    let (first_year, last_year) =
        conn.query_row("SELECT min(year), max(year) FROM cycle", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let mut stmt =
        conn.prepare("SELECT status, count(*) FROM plan_row GROUP BY status ORDER BY status")?;
    let plan_by_status = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let plan_overdue = conn.query_row(
        "SELECT count(*) FROM plan_row WHERE status IN ('planned', 'in_progress') AND planned_date < ?1",
        [iso(today)],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(
        "SELECT c.sector, count(s.membership_id), avg(s.total)
         FROM cycle c JOIN membership m ON m.cycle_id = c.id JOIN score s ON s.membership_id = m.id
         WHERE c.year = (SELECT max(year) FROM cycle)
         GROUP BY c.sector",
    )?;
    let mut latest_by_sector: Vec<(Sector, i64, f64)> = stmt
        .query_map([], |r| Ok((codec::sector(r, 0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    latest_by_sector.sort_by_key(|(s, _, _)| *s);
    Ok(Summary {
        authorities: count(conn, "SELECT count(*) FROM authority")?,
        organizations: count(conn, "SELECT count(*) FROM organization")?,
        regions: count(conn, "SELECT count(DISTINCT region) FROM organization")?,
        cycles: count(conn, "SELECT count(*) FROM cycle")?,
        first_year,
        last_year,
        memberships: count(conn, "SELECT count(*) FROM membership")?,
        input_values: count(conn, "SELECT count(*) FROM indicator_input")?,
        scored: count(conn, "SELECT count(*) FROM score")?,
        score_errors: count(
            conn,
            "SELECT count(*) FROM membership WHERE score_error IS NOT NULL",
        )?,
        shortcomings: count(conn, "SELECT count(*) FROM shortcoming")?,
        plan_rows: count(conn, "SELECT count(*) FROM plan_row")?,
        plan_by_status,
        plan_overdue,
        workplans: count(conn, "SELECT count(*) FROM workplan")?,
        workplan_items: count(conn, "SELECT count(*) FROM workplan_item")?,
        target_indicators: count(conn, "SELECT count(*) FROM target_indicator")?,
        council_meetings: count(conn, "SELECT count(*) FROM council_meeting")?,
        latest_by_sector,
    })
}
