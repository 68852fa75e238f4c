//! Every change a person makes to the data, from the terminal UI's forms and from the command
//! line: the one door to the store's writes. Each write here names the author (the OS user, now),
//! and the store makes it one transaction that compares the version read, writes what differs and
//! records each changed field in the audit log. What a write changed comes back as a [`Change`],
//! which [`undo`] reverses the same way (itself audited, and refused when the record was changed
//! by someone else since).
//!
//! The forms still describe a row by its columns ([`FieldEdit`]); the typed records and field
//! enums of issue 14 replace them form by form.

use chrono::NaiveDate;
use rusqlite::Connection;
use rusqlite::types::Value;

use super::session::{now_stamp, os_user};
use crate::store::edit::{self, Author};
use crate::store::plan_header::{self, Header};
use crate::store::plan_status;
use crate::store::{edit_create, edit_draft, edit_inputs, edit_targets};

pub use crate::store::edit::{Conflict, EditError, FieldEdit, Removed, RowEdit, Table};
pub use crate::store::edit_draft::NewRow;
pub use crate::store::edit_inputs::InputEdit;
pub use crate::store::edit_targets::ActualEdit;
pub use crate::store::plan_status::{Applied, StatusChange, StatusError};

/// What a saved change wrote, as saved: `old` is what was there before, `new` what was written.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Fields of one row; `version` is the row version right after the change.
    Row {
        table: Table,
        id: i64,
        version: i64,
        fields: Vec<FieldEdit>,
    },
    /// Fields of several rows, changed together: (table, id, version after, fields).
    Rows(Vec<RowEdit>),
    /// Inputs of a membership; `version` is the membership version right after the change.
    Inputs {
        membership: i64,
        cycle: i64,
        version: i64,
        values: Vec<InputEdit>,
    },
    /// Actual values of target indicators, each with the version it was written at.
    Targets(Vec<ActualEdit>),
    /// A deleted record, as it was.
    Deleted { table: Table, row: Removed },
    /// A record made in a form: its id and the version it was made at.
    Created { table: Table, id: i64, version: i64 },
    /// Plan rows added from a draft: (shortcoming id, plan row id, number) of each.
    Drafted(Vec<(i64, i64, String)>),
}

impl Change {
    /// The cycle whose inputs the change wrote (its scores are to be recomputed).
    pub fn inputs_of(&self) -> Option<i64> {
        match self {
            Change::Inputs { cycle, .. } => Some(*cycle),
            _ => None,
        }
    }
}

/// Runs `write` as the OS user, now.
fn as_me<T>(write: impl FnOnce(Author<'_>) -> T) -> T {
    let user = os_user();
    let at = now_stamp();
    write(Author {
        os_user: &user,
        at: &at,
    })
}

/// Changes the fields of row `id` of `table` read at `version` (audited with `note`). `None`
/// when no field differed (nothing written, though the version is still checked).
pub fn update_row(
    conn: &Connection,
    table: Table,
    id: i64,
    version: i64,
    edits: Vec<FieldEdit>,
    note: &str,
) -> Result<Option<Change>, EditError> {
    let saved = as_me(|who| edit::update(conn, table, id, version, &edits, who, note))?;
    if saved == version {
        return Ok(None);
    }
    let fields: Vec<FieldEdit> = edits.into_iter().filter(|e| e.old != e.new).collect();
    Ok(Some(Change::Row {
        table,
        id,
        version: saved,
        fields,
    }))
}

/// Changes several rows together (one transaction; the first conflict refuses them all and
/// comes back with the id of its row). `None` when `rows` is empty.
pub fn update_rows(
    conn: &Connection,
    rows: Vec<RowEdit>,
    note: &str,
) -> Result<Option<Change>, (i64, EditError)> {
    if rows.is_empty() {
        return Ok(None);
    }
    let versions = as_me(|who| edit::update_many(conn, &rows, who, note))?;
    let steps: Vec<RowEdit> = rows
        .into_iter()
        .zip(versions)
        .map(|((table, id, _, edits), v)| (table, id, v, edits))
        .collect();
    Ok(Some(Change::Rows(steps)))
}

/// Makes a new row of `table` from `row` (columns and values), audited with `note`.
pub fn create(
    conn: &Connection,
    table: Table,
    row: &[(&'static str, Value)],
    note: &str,
) -> Result<Change, EditError> {
    let id = as_me(|who| edit_create::create(conn, table, row, who, note))?;
    Ok(Change::Created {
        table,
        id,
        version: 1,
    })
}

/// Deletes row `id` of `table` read at `version` (each value audited as old → NULL).
pub fn delete(
    conn: &Connection,
    table: Table,
    id: i64,
    version: i64,
    note: &str,
) -> Result<Change, EditError> {
    let row = as_me(|who| edit::delete(conn, table, id, version, who, note))?;
    Ok(Change::Deleted { table, row })
}

/// Writes the inputs of `membership` (of `cycle`) read at membership `version`; marks the
/// cycle's scores stale. `None` when no input differed.
pub fn save_inputs(
    conn: &Connection,
    membership: i64,
    cycle: i64,
    version: i64,
    values: Vec<InputEdit>,
    note: &str,
) -> Result<Option<Change>, EditError> {
    let saved =
        as_me(|who| edit_inputs::save(conn, membership, cycle, version, &values, who, note))?;
    if saved == version {
        return Ok(None);
    }
    Ok(Some(Change::Inputs {
        membership,
        cycle,
        version: saved,
        values,
    }))
}

/// Writes actual values of target indicators, each at the version it was read. `None` when
/// none differed.
pub fn save_targets(
    conn: &Connection,
    edits: &[ActualEdit],
    note: &str,
) -> Result<Option<Change>, EditError> {
    let done = as_me(|who| edit_targets::save(conn, edits, who, note))?;
    Ok((!done.is_empty()).then_some(Change::Targets(done)))
}

/// Adds the accepted rows of a drafted plan (and their shortcomings).
pub fn accept_draft(
    conn: &Connection,
    cycle: i64,
    org: i64,
    rows: &[NewRow],
    note: &str,
) -> Result<Change, EditError> {
    let made = as_me(|who| edit_draft::accept(conn, cycle, org, rows, who, note))?;
    Ok(Change::Drafted(made))
}

/// Saves the plan header of `org` in `cycle` read at `version`; returns whether anything
/// differed.
pub fn save_plan_header(
    conn: &Connection,
    cycle: i64,
    org: i64,
    version: i64,
    header: &Header,
    note: &str,
) -> Result<bool, EditError> {
    as_me(|who| plan_header::save(conn, cycle, org, version, header, who, note))
}

/// Changes the status of a plan row with its checks (a date for «выполнено», a reason for
/// «отменено»…).
pub fn set_plan_status(
    conn: &mut Connection,
    change: &StatusChange,
    today: NaiveDate,
) -> Result<Applied, StatusError> {
    let user = os_user();
    let at = now_stamp();
    plan_status::set_status(
        conn,
        change,
        plan_status::Author {
            os_user: &user,
            at: &at,
            today,
        },
    )
}

/// The membership's plan approval: the day its improvement plan was approved (the event
/// «после утверждения плана» counts from).
#[derive(Debug, Clone, PartialEq)]
pub struct Approval {
    pub membership: i64,
    pub version: i64,
    pub approved_on: Option<NaiveDate>,
}

fn iso_date(v: &Value) -> Option<NaiveDate> {
    match v {
        Value::Text(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d").ok(),
        _ => None,
    }
}

/// The plan approval of `membership` as stored; `None` when there is no such membership.
pub fn plan_approval(conn: &Connection, membership: i64) -> Result<Option<Approval>, EditError> {
    Ok(
        edit::read(conn, Table::Membership, membership, &["plan_approved_on"])?.map(
            |(values, version)| Approval {
                membership,
                version,
                approved_on: values.first().and_then(iso_date),
            },
        ),
    )
}

/// The field edit of `approval` (as read) becoming `date`.
fn approval_edit(approval: &Approval, date: Option<NaiveDate>) -> FieldEdit {
    let value = |d: Option<NaiveDate>| d.map_or(Value::Null, |d| Value::Text(crate::store::iso(d)));
    FieldEdit {
        column: "plan_approved_on",
        old: value(approval.approved_on),
        new: value(date),
    }
}

/// Records that the plan of `approval`'s membership was approved on `date` (version-checked,
/// audited with `note`). `None` when it already was.
pub fn approve_plan(
    conn: &Connection,
    approval: &Approval,
    date: NaiveDate,
    note: &str,
) -> Result<Option<Change>, EditError> {
    update_row(
        conn,
        Table::Membership,
        approval.membership,
        approval.version,
        vec![approval_edit(approval, Some(date))],
        note,
    )
}

/// Reverses `change` (the undo of a session's save), audited with `note`: the old values go
/// back naming the version the change left, so a record changed since by someone else is not
/// overwritten ([`EditError::Conflict`]).
pub fn undo(conn: &Connection, change: &Change, note: &str) -> Result<(), EditError> {
    let back = |fields: &[FieldEdit]| -> Vec<FieldEdit> {
        fields
            .iter()
            .map(|f| FieldEdit {
                column: f.column,
                old: f.new.clone(),
                new: f.old.clone(),
            })
            .collect()
    };
    as_me(|who| match change {
        Change::Row {
            table,
            id,
            version,
            fields,
        } => edit::update(conn, *table, *id, *version, &back(fields), who, note).map(|_| ()),
        Change::Inputs {
            membership,
            cycle,
            version,
            values,
        } => {
            let back: Vec<InputEdit> = values
                .iter()
                .map(|v| InputEdit {
                    key: v.key.clone(),
                    old: v.new,
                    new: v.old,
                })
                .collect();
            edit_inputs::save(conn, *membership, *cycle, *version, &back, who, note).map(|_| ())
        }
        Change::Targets(values) => {
            let back: Vec<ActualEdit> = values
                .iter()
                .map(|v| ActualEdit {
                    old: v.new,
                    new: v.old,
                    ..v.clone()
                })
                .collect();
            edit_targets::save(conn, &back, who, note).map(|_| ())
        }
        Change::Deleted { table, row } => edit::restore(conn, *table, row, who, note),
        Change::Created { table, id, version } => {
            edit_create::withdraw(conn, *table, *id, *version, who, note).map(|_| ())
        }
        Change::Rows(rows) => {
            let back: Vec<RowEdit> = rows
                .iter()
                .map(|(table, id, v, fields)| (*table, *id, *v, back(fields)))
                .collect();
            edit::update_many(conn, &back, who, note)
                .map(|_| ())
                .map_err(|(_, e)| e)
        }
        Change::Drafted(made) => edit_draft::withdraw(conn, made, who, note).map(|_| ()),
    })
}
