//! Editing the actual values of an authority plan's target indicators (целевые показатели),
//! one row per indicator and year, each with its own version. A save changes several rows in
//! one transaction: each update names the version it read, and one changed meanwhile refuses
//! the whole save.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::audit::{self, Action, Entry};
use super::edit::{Author, Conflict, EditError, last_change};
use crate::domain::record::Val;

/// The audit log's name for a value (`entity_id` is the indicator, `field` «actual YEAR»).
pub const ENTITY: &str = "target_value";

/// One indicator value of a year, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    pub indicator_id: i64,
    pub number: String,
    pub name: String,
    pub unit: String,
    pub year: i32,
    pub planned: Option<f64>,
    pub actual: Option<f64>,
    pub version: i64,
}

/// A change of one actual value: the version read (after a save, the version written).
#[derive(Debug, Clone, PartialEq)]
pub struct ActualEdit {
    pub indicator_id: i64,
    pub year: i32,
    pub version: i64,
    pub old: Option<f64>,
    pub new: Option<f64>,
}

/// The target values of plan `workplan_id`, by indicator (in document order) and year.
pub fn read(conn: &Connection, workplan_id: i64) -> Result<Vec<TargetRow>, EditError> {
    let mut stmt = conn.prepare(
        "SELECT t.id, t.number, t.name, t.unit, v.year, v.planned, v.actual, v.version
         FROM target_indicator t JOIN target_value v ON v.indicator_id = t.id
         WHERE t.workplan_id = ?1 ORDER BY t.id, v.year",
    )?;
    let rows = stmt
        .query_map([workplan_id], |r| {
            Ok(TargetRow {
                indicator_id: r.get(0)?,
                number: r.get(1)?,
                name: r.get(2)?,
                unit: r.get(3)?,
                year: r.get(4)?,
                planned: r.get(5)?,
                actual: r.get(6)?,
                version: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The field name in the audit log and in conflicts: «actual 2026».
pub fn field(year: i32) -> String {
    format!("actual {year}")
}

/// Writes the changed values; returns the edits with the versions written.
pub fn save(
    conn: &Connection,
    edits: &[ActualEdit],
    who: Author<'_>,
    note: &str,
) -> Result<Vec<ActualEdit>, EditError> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let mut done = Vec::new();
    let mut conflicts = Vec::new();
    let mut by = None;
    for e in edits.iter().filter(|e| e.old != e.new) {
        let n = tx.execute(
            "UPDATE target_value SET actual = ?1, version = version + 1
             WHERE indicator_id = ?2 AND year = ?3 AND version = ?4",
            params![e.new, e.indicator_id, e.year, e.version],
        )?;
        if n != 1 {
            let now: Option<(Option<f64>, i64)> = tx
                .query_row(
                    "SELECT actual, version FROM target_value WHERE indicator_id = ?1 AND year = ?2",
                    params![e.indicator_id, e.year],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((actual, _)) = now else {
                return Err(EditError::Gone);
            };
            conflicts.push((
                format!("{}:{}", e.indicator_id, e.year),
                actual.map_or(Val::Null, Val::Real),
            ));
            by = by.or(last_change(&tx, ENTITY, e.indicator_id)?);
            continue;
        }
        let (old, new) = (e.old.map(|v| v.to_string()), e.new.map(|v| v.to_string()));
        audit::record(
            &tx,
            &Entry {
                at: who.at,
                os_user: who.os_user,
                action: Action::Update,
                entity: ENTITY,
                entity_id: Some(e.indicator_id),
                field: Some(&field(e.year)),
                old_value: old.as_deref(),
                new_value: new.as_deref(),
                note,
            },
        )?;
        done.push(ActualEdit {
            version: e.version + 1,
            ..e.clone()
        });
    }
    if !conflicts.is_empty() {
        // Dropping the transaction rolls back what was written before the conflict.
        return Err(EditError::Conflict(Conflict {
            version: 0,
            now: conflicts,
            by,
        }));
    }
    tx.commit()?;
    Ok(done)
}
