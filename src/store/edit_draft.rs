//! Accepting a drafted improvement plan: each accepted proposal becomes a shortcoming and a plan
//! row (numbered within its criterion after the rows already there), all in one transaction,
//! each insert in the audit log; and the undo that takes them back while nobody has changed them.

use std::collections::HashSet;

use chrono::NaiveDate;
use rusqlite::{Connection, Transaction, TransactionBehavior, params};

use super::audit::{self, Action, Entry};
use super::edit::{Author, Conflict, EditError, last_change};
use super::iso;

/// A plan row to add.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRow {
    pub criterion: String,
    pub indicator: String,
    pub input_key: String,
    pub shortcoming: String,
    pub measure: String,
    pub planned_date: NaiveDate,
    /// Фамилия ответственного (may be empty).
    pub responsible: String,
}

/// Input keys that already have a shortcoming recorded for the organization in the cycle.
pub fn recorded_keys(
    conn: &Connection,
    cycle: i64,
    org: i64,
) -> Result<HashSet<String>, EditError> {
    let mut stmt = conn.prepare(
        "SELECT input_key FROM shortcoming WHERE cycle_id = ?1 AND org_id = ?2
         AND input_key IS NOT NULL",
    )?;
    let keys = stmt
        .query_map([cycle, org], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(keys)
}

/// One audit entry of an insert or a delete: `what` is (entity, id, field).
fn record(
    tx: &Connection,
    who: Author<'_>,
    action: Action,
    (entity, id, field): (&str, i64, &str),
    value: &str,
    note: &str,
) -> Result<(), EditError> {
    let (old, new) = match action {
        Action::Delete => (Some(value), None),
        _ => (None, Some(value)),
    };
    audit::record(
        tx,
        &Entry {
            at: who.at,
            os_user: who.os_user,
            action,
            entity,
            entity_id: Some(id),
            field: Some(field),
            old_value: old,
            new_value: new,
            note,
        },
    )?;
    Ok(())
}

/// Adds `rows` to the plan of organization `org` in cycle `cycle`; returns (shortcoming id,
/// plan row id, row number) of each.
pub fn accept(
    conn: &Connection,
    cycle: i64,
    org: i64,
    rows: &[NewRow],
    who: Author<'_>,
    note: &str,
) -> Result<Vec<(i64, i64, String)>, EditError> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let mut made = Vec::new();
    for r in rows {
        let section = r.criterion.trim_start_matches('К');
        // The next number of the criterion's section: after the largest «N.k» there.
        let mut stmt =
            tx.prepare_cached("SELECT number FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2")?;
        let last = stmt
            .query_map([cycle, org], |r| r.get::<_, String>(0))?
            .filter_map(|n| n.ok())
            .filter_map(|n| {
                let (s, k) = n.split_once('.')?;
                (s == section).then(|| k.parse::<u32>().ok()).flatten()
            })
            .max()
            .unwrap_or(0);
        let number = format!("{section}.{}", last + 1);
        tx.execute(
            "INSERT INTO shortcoming (cycle_id, org_id, criterion, indicator, input_key, text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                cycle,
                org,
                r.criterion,
                r.indicator,
                r.input_key,
                r.shortcoming
            ],
        )?;
        let sid = tx.last_insert_rowid();
        record(
            &tx,
            who,
            Action::Insert,
            ("shortcoming", sid, "text"),
            &r.shortcoming,
            note,
        )?;
        tx.execute(
            "INSERT INTO plan_row (cycle_id, org_id, number, criterion, shortcoming_id, shortcoming,
                 measure, planned_date, resp_last_name, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'planned')",
            params![
                cycle,
                org,
                number,
                r.criterion,
                sid,
                r.shortcoming,
                r.measure,
                iso(r.planned_date),
                r.responsible
            ],
        )?;
        let pid = tx.last_insert_rowid();
        for (field, value) in [
            ("number", number.as_str()),
            ("measure", r.measure.as_str()),
            ("planned_date", &iso(r.planned_date)),
        ] {
            record(
                &tx,
                who,
                Action::Insert,
                ("plan_row", pid, field),
                value,
                note,
            )?;
        }
        made.push((sid, pid, number));
    }
    tx.commit()?;
    Ok(made)
}

/// Takes back rows added by [`accept`]: refused (nothing removed) when any of them was changed
/// since (its version moved on).
pub fn withdraw(
    conn: &Connection,
    made: &[(i64, i64, String)],
    who: Author<'_>,
    note: &str,
) -> Result<(), EditError> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    for (sid, pid, number) in made {
        let n = tx.execute("DELETE FROM plan_row WHERE id = ?1 AND version = 1", [pid])?;
        if n != 1 {
            return Err(EditError::Conflict(Conflict {
                version: 0,
                now: Vec::new(),
                by: last_change(&tx, "plan_row", *pid)?,
            }));
        }
        record(
            &tx,
            who,
            Action::Delete,
            ("plan_row", *pid, "number"),
            number,
            note,
        )?;
        tx.execute("DELETE FROM shortcoming WHERE id = ?1", [sid])?;
        record(
            &tx,
            who,
            Action::Delete,
            ("shortcoming", *sid, "id"),
            &sid.to_string(),
            note,
        )?;
    }
    tx.commit()?;
    Ok(())
}
