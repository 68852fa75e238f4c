//! Every change a person makes to the data, from the terminal UI's forms and from the command
//! line: the one door to the store's writes. Each write here names the author (the OS user, now),
//! and the store makes it one transaction that compares the version read, writes what differs and
//! records each changed field in the audit log. What a write changed comes back as a [`Change`],
//! which [`undo`] reverses the same way (itself audited, and refused when the record was changed
//! by someone else since).
//!
//! A write speaks of records in the vocabulary of `domain::record`: a [`Table`], its fields as
//! enums ([`OrgField`], [`PlanRowField`] …) and values as [`Val`]. A form loads the record it
//! edits with [`read_record`] and saves a list of [`FieldChange`]s (the value read, the value to
//! write) with [`update_row`]; which column a field is, and what SQL value a [`Val`] becomes,
//! only `store` knows (`store::fields`).

use chrono::NaiveDate;

use super::session::{now_stamp, os_user};
use crate::store::Db;
use crate::store::edit::{self, Author};
use crate::store::plan_header::{self, Header};
use crate::store::plan_status;
use crate::store::{edit_create, edit_draft, edit_inputs, edit_targets, fields};

pub use crate::domain::record::{
    CycleField, Field, FieldChange, MeetingField, MembershipField, OrgField, PlanRowField,
    RowChange, ShortcomingField, Table, Val, WorkplanItemField,
};
pub use crate::store::edit::{Conflict, EditError, Removed};
pub use crate::store::edit_draft::NewRow;
pub use crate::store::edit_inputs::{Holder, InputEdit};
pub use crate::store::edit_targets::ActualEdit;
pub use crate::store::fields::Record;
pub use crate::store::plan_status::{Applied, StatusChange, StatusError};

/// What a saved change wrote, as saved: `old` is what was there before, `new` what was written.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Fields of one row; `version` is the row version right after the change.
    Row {
        table: Table,
        id: i64,
        version: i64,
        fields: Vec<FieldChange>,
    },
    /// Fields of several rows, changed together, each with its version right after the change.
    Rows(Vec<RowChange>),
    /// Inputs of a membership or of a part; `version` is its version right after the change.
    Inputs {
        holder: Holder,
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
    /// The plan header of organization `org` in `cycle`, as it was and as saved; `version` is
    /// the header's version right after the change.
    PlanHeader {
        cycle: i64,
        org: i64,
        version: i64,
        before: Box<Header>,
        after: Box<Header>,
    },
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

/// A typed or pasted text as it is stored: letters composed (NFC, [`crate::domain::text::composed`]),
/// as imports store them, so a name pasted from a PDF matches the same name typed.
fn composed_val(v: Val) -> Val {
    match v {
        Val::Text(t) => match crate::domain::text::composed(&t) {
            std::borrow::Cow::Owned(c) => Val::Text(c),
            std::borrow::Cow::Borrowed(_) => Val::Text(t),
        },
        other => other,
    }
}

fn composed_edits(edits: Vec<FieldChange>) -> Vec<FieldChange> {
    edits
        .into_iter()
        .map(|e| FieldChange {
            new: composed_val(e.new),
            ..e
        })
        .collect()
}

/// Reads `fields` of record `id` of `table` with its version; `None` when there is no such
/// record.
pub fn read_record(
    conn: &Db,
    table: Table,
    id: i64,
    fields: &[Field],
) -> Result<Option<Record>, EditError> {
    fields::read(conn, table, id, fields)
}

/// Changes the fields of row `id` of `table` read at `version` (audited with `note`). `None`
/// when no field differed (nothing written, though the version is still checked).
pub fn update_row(
    conn: &Db,
    table: Table,
    id: i64,
    version: i64,
    edits: Vec<FieldChange>,
    note: &str,
) -> Result<Option<Change>, EditError> {
    let edits = composed_edits(edits);
    let saved = as_me(|who| fields::update(conn, table, id, version, &edits, who, note))?;
    if saved == version {
        return Ok(None);
    }
    let fields: Vec<FieldChange> = edits.into_iter().filter(|e| e.old != e.new).collect();
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
    conn: &Db,
    rows: Vec<RowChange>,
    note: &str,
) -> Result<Option<Change>, (i64, EditError)> {
    if rows.is_empty() {
        return Ok(None);
    }
    let rows: Vec<RowChange> = rows
        .into_iter()
        .map(|row| RowChange {
            fields: composed_edits(row.fields),
            ..row
        })
        .collect();
    let versions = as_me(|who| fields::update_many(conn, &rows, who, note))?;
    let steps: Vec<RowChange> = rows
        .into_iter()
        .zip(versions)
        .map(|(row, version)| RowChange { version, ..row })
        .collect();
    Ok(Some(Change::Rows(steps)))
}

/// Makes a new record of `table` from `row` (fields and values), audited with `note`.
pub fn create(
    conn: &Db,
    table: Table,
    row: &[(Field, Val)],
    note: &str,
) -> Result<Change, EditError> {
    let row: Vec<(Field, Val)> = row
        .iter()
        .map(|(f, v)| (*f, composed_val(v.clone())))
        .collect();
    let id = as_me(|who| fields::create(conn, table, &row, who, note))?;
    Ok(Change::Created {
        table,
        id,
        version: 1,
    })
}

/// Deletes row `id` of `table` read at `version` (each value audited as old → NULL).
pub fn delete(
    conn: &Db,
    table: Table,
    id: i64,
    version: i64,
    note: &str,
) -> Result<Change, EditError> {
    let row = as_me(|who| edit::delete(conn, table, id, version, who, note))?;
    Ok(Change::Deleted { table, row })
}

/// Writes the inputs of `holder` (a membership or a part, of `cycle`) read at its `version`;
/// marks the cycle's scores stale. `None` when no input differed.
pub fn save_inputs(
    conn: &Db,
    holder: Holder,
    cycle: i64,
    version: i64,
    values: Vec<InputEdit>,
    note: &str,
) -> Result<Option<Change>, EditError> {
    let saved =
        as_me(|who| edit_inputs::save_of(conn, holder, cycle, version, &values, who, note))?;
    if saved == version {
        return Ok(None);
    }
    Ok(Some(Change::Inputs {
        holder,
        cycle,
        version: saved,
        values,
    }))
}

/// Writes actual values of target indicators, each at the version it was read. `None` when
/// none differed.
pub fn save_targets(
    conn: &Db,
    edits: &[ActualEdit],
    note: &str,
) -> Result<Option<Change>, EditError> {
    let done = as_me(|who| edit_targets::save(conn, edits, who, note))?;
    Ok((!done.is_empty()).then_some(Change::Targets(done)))
}

/// Adds the accepted rows of a drafted plan (and their shortcomings).
pub fn accept_draft(
    conn: &Db,
    cycle: i64,
    org: i64,
    rows: &[NewRow],
    note: &str,
) -> Result<Change, EditError> {
    let made = as_me(|who| edit_draft::accept(conn, cycle, org, rows, who, note))?;
    Ok(Change::Drafted(made))
}

/// Saves the plan header of `org` in `cycle` as `after`, where `before` is the header read at
/// `version`. `None` when nothing differed.
pub fn save_plan_header(
    conn: &Db,
    cycle: i64,
    org: i64,
    version: i64,
    before: &Header,
    after: &Header,
    note: &str,
) -> Result<Option<Change>, EditError> {
    let text = |s: &str| crate::domain::text::composed(s).into_owned();
    let after = Header {
        social_council: text(&after.social_council),
        approved_by: text(&after.approved_by),
        approver_last_name: text(&after.approver_last_name),
        approver_first_name: text(&after.approver_first_name),
        approver_middle_name: text(&after.approver_middle_name),
        control: text(&after.control),
        ..after.clone()
    };
    let saved = as_me(|who| plan_header::save(conn, cycle, org, version, &after, who, note))?;
    Ok(saved.map(|version| Change::PlanHeader {
        cycle,
        org,
        version,
        before: Box::new(before.clone()),
        after: Box::new(after),
    }))
}

/// Changes the status of a plan row with its checks (a date for «выполнено», a reason for
/// «отменено»…).
pub fn set_plan_status(
    conn: &mut Db,
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

/// The plan approval of `membership` as stored; `None` when there is no such membership.
pub fn plan_approval(conn: &Db, membership: i64) -> Result<Option<Approval>, EditError> {
    let field = MembershipField::PlanApprovedOn;
    Ok(
        read_record(conn, Table::Membership, membership, &[field.into()])?.map(|r| Approval {
            membership,
            version: r.version,
            approved_on: r.get(field).as_date(),
        }),
    )
}

/// The field change of `approval` (as read) becoming `date`.
fn approval_edit(approval: &Approval, date: Option<NaiveDate>) -> FieldChange {
    FieldChange::new(
        MembershipField::PlanApprovedOn,
        Val::opt_date(approval.approved_on),
        Val::opt_date(date),
    )
}

/// Records that the plan of `approval`'s membership was approved on `date` (version-checked,
/// audited with `note`). `None` when it already was.
pub fn approve_plan(
    conn: &Db,
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
pub fn undo(conn: &Db, change: &Change, note: &str) -> Result<(), EditError> {
    let back = |fields: &[FieldChange]| -> Vec<FieldChange> {
        fields.iter().map(FieldChange::reversed).collect()
    };
    as_me(|who| match change {
        Change::Row {
            table,
            id,
            version,
            fields,
        } => fields::update(conn, *table, *id, *version, &back(fields), who, note).map(|_| ()),
        Change::Inputs {
            holder,
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
            edit_inputs::save_of(conn, *holder, *cycle, *version, &back, who, note).map(|_| ())
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
        Change::PlanHeader {
            cycle,
            org,
            version,
            before,
            ..
        } => plan_header::save(conn, *cycle, *org, *version, before, who, note).map(|_| ()),
        Change::Created { table, id, version } => {
            edit_create::withdraw(conn, *table, *id, *version, who, note).map(|_| ())
        }
        Change::Rows(rows) => {
            let back: Vec<RowChange> = rows
                .iter()
                .map(|r| RowChange {
                    fields: back(&r.fields),
                    ..r.clone()
                })
                .collect();
            fields::update_many(conn, &back, who, note)
                .map(|_| ())
                .map_err(|(_, e)| e)
        }
        Change::Drafted(made) => edit_draft::withdraw(conn, made, who, note).map(|_| ()),
    })
}
