//! Recording a plan row's execution status (статус исполнения): the rules of
//! [`check_execution`], the row version bumped, and every changed field written to the audit log,
//! all in one transaction.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::audit::{self, Action, Entry};
use super::{StoreError, codec, iso};
use crate::domain::plan::{ExecutionError, PlanStatus, check_execution};

/// A requested change of a row's status. Fields left `None` keep what the row has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub row: i64,
    pub status: PlanStatus,
    /// Фактический срок реализации.
    pub actual_date: Option<NaiveDate>,
    /// Реализованные меры.
    pub implemented_measures: Option<String>,
    /// Причина отмены.
    pub cancel_reason: Option<String>,
}

/// Who changes and when (for the audit log).
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    pub os_user: &'a str,
    /// Local time `YYYY-MM-DDThh:mm:ss`.
    pub at: &'a str,
    pub today: NaiveDate,
}

/// Why a status change was refused.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    #[error(
        "строка плана {0} не найдена; номера строк — в колонке «Строка» вывода nok plans overdue"
    )]
    UnknownRow(i64),
    #[error("строка плана {row}: {rule}")]
    Rule { row: i64, rule: ExecutionError },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for StatusError {
    fn from(e: rusqlite::Error) -> Self {
        StatusError::Store(StoreError::Sql(e))
    }
}

/// A field changed: name, old value, new value (as stored; `None` = NULL).
pub type FieldChange = (&'static str, Option<String>, Option<String>);

/// What was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub row: i64,
    /// The row version after the change.
    pub version: i64,
    /// Changed fields; empty when the row already had these values (nothing written).
    pub changes: Vec<FieldChange>,
}

struct Current {
    status: PlanStatus,
    actual_date: Option<NaiveDate>,
    implemented_measures: String,
    cancel_reason: Option<String>,
    version: i64,
}

/// Sets the status of plan row `change.row` (see [`StatusChange`]). Back to planned or in
/// progress clears the actual date and the cancel reason; done keeps no cancel reason.
pub fn set_status(
    conn: &mut Connection,
    change: &StatusChange,
    who: Author<'_>,
) -> Result<Applied, StatusError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let cur = tx
        .query_row(
            "SELECT status, actual_date, implemented_measures, cancel_reason, version
             FROM plan_row WHERE id = ?1",
            [change.row],
            |r| {
                Ok(Current {
                    status: codec::plan_status(r, 0)?,
                    actual_date: codec::opt_date(r, 1)?,
                    implemented_measures: r.get(2)?,
                    cancel_reason: r.get(3)?,
                    version: r.get(4)?,
                })
            },
        )
        .optional()?
        .ok_or(StatusError::UnknownRow(change.row))?;

    let status = change.status;
    let measures = change
        .implemented_measures
        .clone()
        .map(|m| m.trim().to_string())
        .unwrap_or_else(|| cur.implemented_measures.clone());
    let (actual_date, cancel_reason) = match status {
        PlanStatus::Planned | PlanStatus::InProgress => (change.actual_date, None),
        PlanStatus::Done => (change.actual_date.or(cur.actual_date), None),
        PlanStatus::Cancelled => (
            change.actual_date.or(cur.actual_date),
            change
                .cancel_reason
                .clone()
                .map(|r| r.trim().to_string())
                .or_else(|| cur.cancel_reason.clone()),
        ),
    };
    check_execution(
        status,
        actual_date,
        &measures,
        cancel_reason.as_deref(),
        who.today,
    )
    .map_err(|rule| StatusError::Rule {
        row: change.row,
        rule,
    })?;

    let mut changes: Vec<FieldChange> = Vec::new();
    let mut diff = |field: &'static str, old: Option<String>, new: Option<String>| {
        if old != new {
            changes.push((field, old, new));
        }
    };
    diff(
        "status",
        Some(cur.status.code().to_string()),
        Some(status.code().to_string()),
    );
    diff(
        "actual_date",
        cur.actual_date.map(iso),
        actual_date.map(iso),
    );
    diff(
        "implemented_measures",
        Some(cur.implemented_measures.clone()),
        Some(measures.clone()),
    );
    diff(
        "cancel_reason",
        cur.cancel_reason.clone(),
        cancel_reason.clone(),
    );
    if changes.is_empty() {
        return Ok(Applied {
            row: change.row,
            version: cur.version,
            changes,
        });
    }

    let updated = tx.execute(
        "UPDATE plan_row SET status = ?1, actual_date = ?2, implemented_measures = ?3,
                cancel_reason = ?4, version = version + 1
         WHERE id = ?5 AND version = ?6",
        params![
            status.code(),
            actual_date.map(iso),
            measures,
            cancel_reason,
            change.row,
            cur.version
        ],
    )?;
    if updated != 1 {
        // The write lock is held since the read, so this means the row went away meanwhile.
        return Err(StatusError::UnknownRow(change.row));
    }
    let note = format!("статус: {} → {}", cur.status.name_ru(), status.name_ru());
    for (field, old, new) in &changes {
        audit::record(
            &tx,
            &Entry {
                at: who.at,
                os_user: who.os_user,
                action: Action::Update,
                entity: "plan_row",
                entity_id: Some(change.row),
                field: Some(field),
                old_value: old.as_deref(),
                new_value: new.as_deref(),
                note: &note,
            },
        )?;
    }
    tx.commit()?;
    Ok(Applied {
        row: change.row,
        version: cur.version + 1,
        changes,
    })
}
