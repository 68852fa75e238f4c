//! The session's undo stack: every change saved from a form, newest last. `u` undoes the last
//! one by writing the old values back — itself an audited change that names the version the
//! change left, so a row changed since by someone else is not overwritten.

use rusqlite::Connection;

use crate::service::session::{now_stamp, os_user};
use crate::store::edit::{self, Author, EditError, FieldEdit, Table};
use crate::store::edit_inputs::{self, InputEdit};
use crate::store::edit_targets::{self, ActualEdit};

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
    Rows(Vec<edit::RowEdit>),
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
    Deleted { table: Table, row: edit::Removed },
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

/// One saved change and what it was, for messages: «строка плана 1.2 (…)».
#[derive(Debug, Clone, PartialEq)]
pub struct UndoStep {
    pub change: Change,
    pub label: String,
}

/// Changes saved in this session.
#[derive(Debug, Default)]
pub struct UndoStack {
    steps: Vec<UndoStep>,
}

impl UndoStack {
    pub fn push(&mut self, step: UndoStep) {
        self.steps.push(step);
    }

    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The change `u` would undo.
    pub fn last(&self) -> Option<&UndoStep> {
        self.steps.last()
    }

    /// Undoes the last change; returns the message for the status line.
    pub fn undo_last(&mut self, conn: &Connection) -> String {
        let Some(step) = self.steps.pop() else {
            return "отменять нечего: в этом сеансе изменений не было".to_string();
        };
        let user = os_user();
        let at = now_stamp();
        let who = Author {
            os_user: &user,
            at: &at,
        };
        let note = format!("отмена изменения: {}", step.label);
        let result = match &step.change {
            Change::Row {
                table,
                id,
                version,
                fields,
            } => {
                let back: Vec<FieldEdit> = fields
                    .iter()
                    .map(|f| FieldEdit {
                        column: f.column,
                        old: f.new.clone(),
                        new: f.old.clone(),
                    })
                    .collect();
                edit::update(conn, *table, *id, *version, &back, who, &note)
            }
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
                edit_inputs::save(conn, *membership, *cycle, *version, &back, who, &note)
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
                edit_targets::save(conn, &back, who, &note).map(|_| 0)
            }
            Change::Deleted { table, row } => {
                edit::restore(conn, *table, row, who, &note).map(|_| 0)
            }
            Change::Created { table, id, version } => {
                crate::store::edit_create::withdraw(conn, *table, *id, *version, who, &note)
                    .map(|_| 0)
            }
            Change::Rows(rows) => {
                let back: Vec<edit::RowEdit> = rows
                    .iter()
                    .map(|(table, id, v, fields)| {
                        let f = fields
                            .iter()
                            .map(|f| FieldEdit {
                                column: f.column,
                                old: f.new.clone(),
                                new: f.old.clone(),
                            })
                            .collect();
                        (*table, *id, *v, f)
                    })
                    .collect();
                edit::update_many(conn, &back, who, &note)
                    .map(|_| 0)
                    .map_err(|(_, e)| e)
            }
            Change::Drafted(made) => {
                crate::store::edit_draft::withdraw(conn, made, who, &note).map(|_| 0)
            }
        };
        match result {
            Ok(_) => format!(
                "отменено: {} (осталось отменить: {})",
                step.label,
                self.steps.len()
            ),
            Err(EditError::Conflict(c)) => {
                let by =
                    c.by.map(|(u, at)| format!(" ({u}, {})", super::ru_stamp(&at)))
                        .unwrap_or_default();
                format!(
                    "нельзя отменить «{}»: запись изменена другим пользователем{by}",
                    step.label
                )
            }
            Err(e) => format!("нельзя отменить «{}»: {e}", step.label),
        }
    }
}

/// Saves the fields of one row as the OS user, now: version-checked and audited by
/// [`edit::update`]. The screen's outcome — «изменений нет», or saved with its undo step — or the
/// store's refusal (a conflict with another session's change, for the form to show).
pub fn save_row(
    conn: &Connection,
    table: Table,
    id: i64,
    version: i64,
    edits: Vec<FieldEdit>,
    what: String,
) -> Result<crate::tui::screen::Outcome, EditError> {
    use crate::tui::screen::Outcome;
    let user = os_user();
    let at = now_stamp();
    let who = Author {
        os_user: &user,
        at: &at,
    };
    let saved = edit::update(conn, table, id, version, &edits, who, &what)?;
    if saved == version {
        return Ok(Outcome::Saved {
            undo: None,
            message: format!("{what}: изменений нет"),
        });
    }
    let fields: Vec<FieldEdit> = edits.into_iter().filter(|e| e.old != e.new).collect();
    Ok(Outcome::Saved {
        message: format!("сохранено: {what}; u — отменить"),
        undo: Some(UndoStep {
            change: Change::Row {
                table,
                id,
                version: saved,
                fields,
            },
            label: what,
        }),
    })
}

/// Saves several rows together as the OS user, now ([`edit::update_many`]: one transaction, the
/// first conflict refuses them all). The outcome — «изменений нет» when `rows` is empty, or saved
/// with one undo step that puts them all back — or the id of the refused row and why.
pub fn save_rows(
    conn: &Connection,
    rows: Vec<edit::RowEdit>,
    what: String,
) -> Result<crate::tui::screen::Outcome, (i64, EditError)> {
    use crate::tui::screen::Outcome;
    if rows.is_empty() {
        return Ok(Outcome::Saved {
            undo: None,
            message: format!("{what}: изменений нет"),
        });
    }
    let user = os_user();
    let at = now_stamp();
    let who = Author {
        os_user: &user,
        at: &at,
    };
    let versions = edit::update_many(conn, &rows, who, &what)?;
    let n = rows.len();
    let steps: Vec<edit::RowEdit> = rows
        .into_iter()
        .zip(versions)
        .map(|((table, id, _, edits), v)| (table, id, v, edits))
        .collect();
    let count = if n > 1 {
        format!(" — записей: {n}")
    } else {
        String::new()
    };
    Ok(Outcome::Saved {
        message: format!("сохранено: {what}{count}; u — отменить"),
        undo: Some(UndoStep {
            change: Change::Rows(steps),
            label: what,
        }),
    })
}
