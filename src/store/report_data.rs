//! What the Word documents (`service::report`) read besides the rating and the plan rows: the
//! council's meeting on the cycle, the plans' approval headers, whether a survey was loaded, the
//! shortcomings in organization order, and the respondents' proposals capped per organization.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, StoreError, codec};

/// The council's latest meeting on a cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct Meeting {
    pub date: NaiveDate,
    pub protocol_number: String,
    pub decisions: String,
}

/// The latest council meeting that dealt with the cycle, if one is recorded.
pub fn council_meeting(conn: &Connection, cycle_id: i64) -> Result<Option<Meeting>> {
    Ok(conn
        .query_row(
            "SELECT date, protocol_number, decisions FROM council_meeting
             WHERE cycle_id = ?1 ORDER BY date DESC, id DESC LIMIT 1",
            [cycle_id],
            |r| {
                Ok(Meeting {
                    date: codec::date(r, 0)?,
                    protocol_number: r.get(1)?,
                    decisions: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// Who approves an organization's plan and for which year, as entered in its plan header.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanApproval {
    pub approved_by: String,
    /// «Фамилия Имя Отчество» of the person who approves, or empty.
    pub approver: String,
    pub period: Option<i32>,
}

/// The plan headers of a cycle by organization id.
pub fn plan_approvals(conn: &Connection, cycle_id: i64) -> Result<HashMap<i64, PlanApproval>> {
    let mut stmt = conn.prepare(
        "SELECT org_id, approved_by, approver_last_name, approver_first_name,
                approver_middle_name, plan_period
         FROM plan_header WHERE cycle_id = ?1",
    )?;
    let rows = stmt.query_map([cycle_id], |r| {
        let names: Vec<String> = vec![r.get(2)?, r.get(3)?, r.get(4)?];
        Ok((
            r.get::<_, i64>(0)?,
            PlanApproval {
                approved_by: r.get(1)?,
                approver: names
                    .into_iter()
                    .filter(|s| !s.trim().is_empty())
                    .collect::<Vec<_>>()
                    .join(" "),
                period: r.get(5)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether any survey file was loaded for the cycle.
pub fn survey_loaded(conn: &Connection, cycle_id: i64) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM survey_source WHERE cycle_id = ?1 LIMIT 1",
            [cycle_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// An organization of the cycle found by ИНН: (id, full name, КПП).
pub fn member_by_inn(
    conn: &Connection,
    cycle_id: i64,
    inn: &str,
) -> Result<Vec<(i64, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT o.id, o.full_name, o.kpp FROM membership m JOIN organization o ON o.id = m.org_id
         WHERE m.cycle_id = ?1 AND o.inn = ?2 ORDER BY o.id",
    )?;
    let rows = stmt.query_map(params![cycle_id, inn], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A shortcoming with its organization.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortcomingRow {
    pub org_id: i64,
    pub org_name: String,
    pub inn: String,
    pub criterion: String,
    pub text: String,
}

/// Calls `each` with the cycle's shortcomings by organization name, criterion and entry order.
pub fn for_each_shortcoming<E: From<StoreError>>(
    conn: &Connection,
    cycle_id: i64,
    mut each: impl FnMut(&ShortcomingRow) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut stmt = conn
        .prepare(
            "SELECT s.org_id, CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
                    o.inn, s.criterion, s.text
             FROM shortcoming s JOIN organization o ON o.id = s.org_id
             WHERE s.cycle_id = ?1 ORDER BY 2, o.id, s.criterion, s.id",
        )
        .map_err(StoreError::from)?;
    let mut rows = stmt.query([cycle_id]).map_err(StoreError::from)?;
    while let Some(r) = rows.next().map_err(StoreError::from)? {
        let row = (|| -> rusqlite::Result<ShortcomingRow> {
            Ok(ShortcomingRow {
                org_id: r.get(0)?,
                org_name: r.get(1)?,
                inn: r.get(2)?,
                criterion: r.get(3)?,
                text: r.get(4)?,
            })
        })()
        .map_err(StoreError::from)?;
        each(&row)?;
    }
    Ok(())
}

/// A respondent's proposal with its organization and how many the organization has in all.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalRow {
    pub membership_id: i64,
    pub org_name: String,
    pub inn: String,
    pub text: String,
    pub of_org: i64,
}

/// Calls `each` with at most `per_org` proposals of each organization of the cycle, by
/// organization name, then file and line.
pub fn for_each_proposal<E: From<StoreError>>(
    conn: &Connection,
    cycle_id: i64,
    per_org: u32,
    mut each: impl FnMut(&ProposalRow) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut stmt = conn
        .prepare(
            "SELECT membership_id, name, inn, text, of_org FROM (
                SELECT p.membership_id,
                       CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END AS name,
                       o.inn, o.id AS org_id, p.text,
                       row_number() OVER (PARTITION BY p.membership_id ORDER BY s.name, p.line, p.id) AS n,
                       count(*) OVER (PARTITION BY p.membership_id) AS of_org
                FROM survey_proposal p
                JOIN survey_source s ON s.id = p.source_id
                JOIN membership m ON m.id = p.membership_id
                JOIN organization o ON o.id = m.org_id
                WHERE s.cycle_id = ?1)
             WHERE n <= ?2 ORDER BY name, org_id, n",
        )
        .map_err(StoreError::from)?;
    let mut rows = stmt
        .query(params![cycle_id, per_org])
        .map_err(StoreError::from)?;
    while let Some(r) = rows.next().map_err(StoreError::from)? {
        let row = (|| -> rusqlite::Result<ProposalRow> {
            Ok(ProposalRow {
                membership_id: r.get(0)?,
                org_name: r.get(1)?,
                inn: r.get(2)?,
                text: r.get(3)?,
                of_org: r.get(4)?,
            })
        })()
        .map_err(StoreError::from)?;
        each(&row)?;
    }
    Ok(())
}
