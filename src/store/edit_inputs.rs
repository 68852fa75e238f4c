//! Editing the raw indicator inputs of an organization in a cycle, or of one of its parts
//! ([`Holder`]). The inputs have no version of their own: the membership's (or the part's) row
//! version stands for them (read with the inputs, named by the save, bumped by it). Saving writes
//! each changed input to the audit log and marks the cycle's scores stale, all in one
//! transaction.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::audit::{self, Action, Entry};
use super::edit::{Author, Conflict, EditError, last_change};
use crate::domain::record::Val;

/// The audit log's name for an input (`entity_id` is the membership).
pub const ENTITY: &str = "indicator_input";

/// Whose inputs: an organization's in a cycle (its membership) or a part's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Member(i64),
    Part(i64),
}

impl Holder {
    fn id(self) -> i64 {
        match self {
            Holder::Member(id) | Holder::Part(id) => id,
        }
    }

    /// The row whose version stands for the inputs.
    fn row_table(self) -> &'static str {
        match self {
            Holder::Member(_) => "membership",
            Holder::Part(_) => "org_part",
        }
    }

    /// The audit log's name for the inputs (`entity_id` is the membership or the part).
    pub fn entity(self) -> &'static str {
        match self {
            Holder::Member(_) => ENTITY,
            Holder::Part(_) => PART_ENTITY,
        }
    }

    fn read_sql(self) -> &'static str {
        match self {
            Holder::Member(_) => {
                "SELECT k.key, i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id
                 WHERE i.membership_id = ?1"
            }
            Holder::Part(_) => {
                "SELECT k.key, i.value FROM org_part_input i JOIN input_key k ON k.id = i.key_id
                 WHERE i.part_id = ?1"
            }
        }
    }

    fn write_sql(self) -> &'static str {
        match self {
            Holder::Member(_) => {
                "INSERT OR REPLACE INTO indicator_input (membership_id, key_id, value)
                 SELECT ?1, id, ?3 FROM input_key WHERE key = ?2"
            }
            Holder::Part(_) => {
                "INSERT OR REPLACE INTO org_part_input (part_id, key_id, value)
                 SELECT ?1, id, ?3 FROM input_key WHERE key = ?2"
            }
        }
    }

    fn delete_sql(self) -> &'static str {
        match self {
            Holder::Member(_) => {
                "DELETE FROM indicator_input WHERE membership_id = ?1
                 AND key_id = (SELECT id FROM input_key WHERE key = ?2)"
            }
            Holder::Part(_) => {
                "DELETE FROM org_part_input WHERE part_id = ?1
                 AND key_id = (SELECT id FROM input_key WHERE key = ?2)"
            }
        }
    }
}

/// The audit log's name for an input of a part (`entity_id` is the part).
pub const PART_ENTITY: &str = "org_part_input";

/// One input to change: `None` = not entered (no row).
#[derive(Debug, Clone, PartialEq)]
pub struct InputEdit {
    pub key: String,
    pub old: Option<f64>,
    pub new: Option<f64>,
}

/// Stored inputs by key.
pub type Values = BTreeMap<String, f64>;

/// The inputs of membership `id` by key, with the membership version; `None` when there is no
/// such membership.
pub fn read(conn: &Connection, id: i64) -> Result<Option<(Values, i64)>, EditError> {
    read_of(conn, Holder::Member(id))
}

/// The inputs of `holder` by key, with the version that stands for them; `None` when there is
/// no such membership or part.
pub fn read_of(conn: &Connection, holder: Holder) -> Result<Option<(Values, i64)>, EditError> {
    let id = holder.id();
    let Some(version) = conn
        .query_row(
            &format!("SELECT version FROM {} WHERE id = ?1", holder.row_table()),
            [id],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
    else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(holder.read_sql())?;
    let values = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some((values, version)))
}

fn text(v: Option<f64>) -> Option<String> {
    v.map(|v| v.to_string())
}

/// Writes the inputs of membership `membership` (of cycle `cycle`) read at `version`; returns
/// the membership version after the change (`version` when nothing differed).
pub fn save(
    conn: &Connection,
    membership: i64,
    cycle: i64,
    version: i64,
    edits: &[InputEdit],
    who: Author<'_>,
    note: &str,
) -> Result<i64, EditError> {
    save_of(
        conn,
        Holder::Member(membership),
        cycle,
        version,
        edits,
        who,
        note,
    )
}

/// Writes the inputs of `holder` (of cycle `cycle`) read at `version`; returns the version after
/// the change (`version` when nothing differed).
pub fn save_of(
    conn: &Connection,
    holder: Holder,
    cycle: i64,
    version: i64,
    edits: &[InputEdit],
    who: Author<'_>,
    note: &str,
) -> Result<i64, EditError> {
    // The membership's or the part's id: the row whose version stands for the inputs.
    let id = holder.id();
    let table = holder.row_table();
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let changed: Vec<&InputEdit> = edits.iter().filter(|e| e.old != e.new).collect();
    let bumped = if changed.is_empty() {
        tx.query_row(
            &format!("SELECT count(*) FROM {table} WHERE id = ?1 AND version = ?2"),
            [id, version],
            |r| r.get::<_, i64>(0),
        )?
    } else {
        tx.execute(
            &format!("UPDATE {table} SET version = version + 1 WHERE id = ?1 AND version = ?2"),
            [id, version],
        )? as i64
    };
    if bumped != 1 {
        let Some((now, now_version)) = read_of(&tx, holder)? else {
            return Err(EditError::Gone);
        };
        return Err(EditError::Conflict(Conflict {
            version: now_version,
            now: edits
                .iter()
                .map(|e| {
                    let v = now.get(&e.key).map_or(Val::Null, |v| Val::Real(*v));
                    (e.key.clone(), v)
                })
                .collect(),
            by: last_change(&tx, holder.entity(), id)?.or(last_change(&tx, table, id)?),
        }));
    }
    if changed.is_empty() {
        return Ok(version);
    }
    for e in &changed {
        match e.new {
            Some(v) => {
                tx.execute(
                    "INSERT OR IGNORE INTO input_key (key) VALUES (?1)",
                    [&e.key],
                )?;
                tx.execute(holder.write_sql(), params![id, e.key, v])?;
            }
            None => {
                tx.execute(holder.delete_sql(), params![id, e.key])?;
            }
        }
        let (old, new) = (text(e.old), text(e.new));
        audit::record(
            &tx,
            &Entry {
                at: who.at,
                os_user: who.os_user,
                action: Action::Update,
                entity: holder.entity(),
                entity_id: Some(id),
                field: Some(&e.key),
                old_value: old.as_deref(),
                new_value: new.as_deref(),
                note,
            },
        )?;
    }
    // The stored scores no longer follow from the inputs.
    let stale = tx.execute(
        "UPDATE cycle SET scores_stale = 1, version = version + 1
         WHERE id = ?1 AND scores_stale = 0",
        [cycle],
    )?;
    if stale == 1 {
        audit::record(
            &tx,
            &Entry {
                at: who.at,
                os_user: who.os_user,
                action: Action::Update,
                entity: "cycle",
                entity_id: Some(cycle),
                field: Some("scores_stale"),
                old_value: Some("0"),
                new_value: Some("1"),
                note: "исходные данные изменены — баллы нужно пересчитать",
            },
        )?;
    }
    tx.commit()?;
    Ok(version + 1)
}
