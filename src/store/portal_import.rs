//! What the import of the portal's plan documents (ТФФ 1.8.3) reads and writes besides the plan
//! header: the organization of a cycle by ИНН+КПП, its plan rows with their execution, and the
//! update of a row's date, responsible person and execution. New rows are inserted with
//! [`super::bulk::BulkWriter::plan_row`].

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, codec};
use crate::domain::plan::{Person, PlanStatus};

/// A stored plan row as the portal's document sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: i64,
    pub number: String,
    pub criterion: String,
    pub shortcoming: String,
    pub measure: String,
    pub planned_date: NaiveDate,
    pub responsible: Person,
    pub status: PlanStatus,
    pub implemented_measures: String,
    pub actual_date: Option<NaiveDate>,
    pub cancel_reason: Option<String>,
}

/// The member of the cycle with this ИНН and КПП: its id and name.
pub fn member_by_inn_kpp(
    conn: &Connection,
    cycle_id: i64,
    inn: &str,
    kpp: &str,
) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT o.id, o.full_name FROM organization o
             JOIN membership m ON m.org_id = o.id AND m.cycle_id = ?1
             WHERE o.inn = ?2 AND o.kpp = ?3",
            params![cycle_id, inn, kpp],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// The cycle's year and its authority's name.
pub fn cycle_year_authority(
    conn: &Connection,
    cycle_id: i64,
) -> Result<Option<(i32, String, String)>> {
    Ok(conn
        .query_row(
            "SELECT c.year, a.name, c.methodology FROM cycle c JOIN authority a ON a.id = c.authority_id
             WHERE c.id = ?1",
            [cycle_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}

/// The organization's plan rows in the cycle, in plan order (criterion, then row id).
pub fn rows(conn: &Connection, cycle_id: i64, org_id: i64) -> Result<Vec<Row>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, number, criterion, shortcoming, measure, planned_date, resp_last_name,
                resp_first_name, resp_middle_name, resp_position, status, implemented_measures,
                actual_date, cancel_reason
         FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2 ORDER BY criterion, id",
    )?;
    let rows = stmt.query_map([cycle_id, org_id], |r| {
        Ok(Row {
            id: r.get(0)?,
            number: r.get(1)?,
            criterion: r.get(2)?,
            shortcoming: r.get(3)?,
            measure: r.get(4)?,
            planned_date: codec::date(r, 5)?,
            responsible: Person {
                last_name: r.get(6)?,
                first_name: r.get(7)?,
                middle_name: r.get(8)?,
                position: r.get(9)?,
            },
            status: codec::plan_status(r, 10)?,
            implemented_measures: r.get(11)?,
            actual_date: codec::opt_date(r, 12)?,
            cancel_reason: r.get(13)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Writes a row's planned date, responsible person and execution, and bumps its version.
pub fn update_row(conn: &Connection, r: &Row) -> Result<()> {
    let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    conn.prepare_cached(
        "UPDATE plan_row SET planned_date = ?2, resp_last_name = ?3, resp_first_name = ?4,
             resp_middle_name = ?5, resp_position = ?6, status = ?7, implemented_measures = ?8,
             actual_date = ?9, cancel_reason = ?10, version = version + 1
         WHERE id = ?1",
    )?
    .execute(params![
        r.id,
        iso(r.planned_date),
        r.responsible.last_name,
        r.responsible.first_name,
        r.responsible.middle_name,
        r.responsible.position,
        r.status.code(),
        r.implemented_measures,
        r.actual_date.map(iso),
        r.cancel_reason
    ])?;
    Ok(())
}
