//! The authorities' own plans as the UI reads them: the list of plans (a few per authority), one
//! plan's sections and items with their executors (hundreds at most, read whole), and its target
//! indicators by year.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, Row};

use super::Result;
use super::codec::opt_date;
use crate::domain::workplan::{
    ItemStatus, TargetIndicator, TargetValue, WorkplanItem, WorkplanSection,
};

/// A plan as listed: what it is, whose, and how many items it has.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanHead {
    pub id: i64,
    /// The authority's short name (full when there is none).
    pub authority: String,
    pub title: String,
    pub year_from: i32,
    pub year_to: i32,
    pub approved_by: String,
    pub approved_on: Option<NaiveDate>,
    pub items: u32,
}

/// A plan's sections and items, each with its id, in document order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tree {
    pub sections: Vec<(i64, WorkplanSection)>,
    pub items: Vec<(i64, WorkplanItem)>,
}

fn item_status(r: &Row<'_>, idx: usize) -> rusqlite::Result<ItemStatus> {
    let code: String = r.get(idx)?;
    ItemStatus::from_code(&code).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("неизвестное значение статуса мероприятия «{code}»").into(),
        )
    })
}

/// Every plan, by authority, first year and id.
pub fn plans(conn: &Connection) -> Result<Vec<PlanHead>> {
    let mut stmt = conn.prepare(
        "SELECT w.id, CASE WHEN a.short_name = '' THEN a.name ELSE a.short_name END, w.title,
                w.year_from, w.year_to, w.approved_by, w.approved_on,
                (SELECT count(*) FROM workplan_item i WHERE i.workplan_id = w.id)
         FROM workplan w JOIN authority a ON a.id = w.authority_id
         ORDER BY 2, w.year_from, w.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(PlanHead {
            id: r.get(0)?,
            authority: r.get(1)?,
            title: r.get(2)?,
            year_from: r.get(3)?,
            year_to: r.get(4)?,
            approved_by: r.get(5)?,
            approved_on: opt_date(r, 6)?,
            items: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One plan's sections and items (with executors), in document order.
pub fn tree(conn: &Connection, workplan_id: i64) -> Result<Tree> {
    let mut stmt = conn.prepare(
        "SELECT id, workplan_id, number, title, position FROM workplan_section
         WHERE workplan_id = ?1 ORDER BY position, id",
    )?;
    let sections = stmt
        .query_map([workplan_id], |r| {
            Ok((
                r.get(0)?,
                WorkplanSection {
                    workplan_id: r.get(1)?,
                    number: r.get(2)?,
                    title: r.get(3)?,
                    position: r.get(4)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;

    let mut stmt = conn.prepare(
        "SELECT e.item_id, e.name FROM workplan_executor e
         JOIN workplan_item i ON i.id = e.item_id
         WHERE i.workplan_id = ?1 ORDER BY e.item_id, e.position",
    )?;
    let mut executors: HashMap<i64, Vec<String>> = HashMap::new();
    for pair in stmt.query_map([workplan_id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })? {
        let (item, name) = pair?;
        executors.entry(item).or_default().push(name);
    }

    let mut stmt = conn.prepare(
        "SELECT id, workplan_id, section_id, parent_id, number, position, measure, form,
                deadline_text, deadline_due, status, completed_on, note
         FROM workplan_item WHERE workplan_id = ?1 ORDER BY position, id",
    )?;
    let items = stmt
        .query_map([workplan_id], |r| {
            let id: i64 = r.get(0)?;
            Ok((
                id,
                WorkplanItem {
                    workplan_id: r.get(1)?,
                    section_id: r.get(2)?,
                    parent_id: r.get(3)?,
                    number: r.get(4)?,
                    position: r.get(5)?,
                    measure: r.get(6)?,
                    form: r.get(7)?,
                    deadline_text: r.get(8)?,
                    deadline_due: opt_date(r, 9)?,
                    executors: Vec::new(),
                    status: item_status(r, 10)?,
                    completed_on: opt_date(r, 11)?,
                    note: r.get(12)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<(i64, WorkplanItem)>>>()?;
    let items = items
        .into_iter()
        .map(|(id, mut item)| {
            item.executors = executors.remove(&id).unwrap_or_default();
            (id, item)
        })
        .collect();
    Ok(Tree { sections, items })
}

/// A plan's target indicators with their values by year (years ascending).
pub fn targets(conn: &Connection, workplan_id: i64) -> Result<Vec<TargetIndicator>> {
    let mut stmt = conn.prepare(
        "SELECT t.id, t.workplan_id, t.number, t.name, t.unit, v.year, v.planned, v.actual
         FROM target_indicator t LEFT JOIN target_value v ON v.indicator_id = t.id
         WHERE t.workplan_id = ?1 ORDER BY t.id, v.year",
    )?;
    let mut out: Vec<(i64, TargetIndicator)> = Vec::new();
    let mut rows = stmt.query([workplan_id])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if out.last().is_none_or(|(last, _)| *last != id) {
            out.push((
                id,
                TargetIndicator {
                    workplan_id: r.get(1)?,
                    number: r.get(2)?,
                    name: r.get(3)?,
                    unit: r.get(4)?,
                    values: Vec::new(),
                },
            ));
        }
        if let (Some(year), Some((_, t))) = (r.get::<_, Option<i32>>(5)?, out.last_mut()) {
            t.values.push(TargetValue {
                year,
                planned: r.get(6)?,
                actual: r.get(7)?,
            });
        }
    }
    Ok(out.into_iter().map(|(_, t)| t).collect())
}
