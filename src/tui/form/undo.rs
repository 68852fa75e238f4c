//! The session's undo stack: every change saved from a form, newest last. `u` undoes the last
//! one through [`crate::service::write::undo`], which writes the old values back — itself an
//! audited change that names the version the change left, so a row changed since by someone else
//! is not overwritten. [`saved`] turns what a service write changed into the screen's outcome (the
//! message and the undo step), for every form; [`save_row`] and [`save_rows`] write typed field
//! changes through `service::write` and end with it.

pub use crate::service::write::Change;
use crate::service::write::{self, EditError, FieldChange, RowChange, Table};
use crate::store::Db;

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
    pub fn undo_last(&mut self, conn: &Db) -> String {
        let Some(step) = self.steps.pop() else {
            return "отменять нечего: в этом сеансе изменений не было".to_string();
        };
        let note = format!("отмена изменения: {}", step.label);
        let result = write::undo(conn, &step.change, &note);
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

/// The screen's outcome of a save that wrote `change` (`None`: nothing differed, «изменений
/// нет»): the `message` of it, and the undo step named `label`.
pub fn saved(
    change: Option<Change>,
    label: String,
    message: impl FnOnce(&str, &Change) -> String,
) -> crate::tui::screen::Outcome {
    use crate::tui::screen::Outcome;
    match change {
        None => Outcome::Saved {
            undo: None,
            message: format!("{label}: изменений нет"),
        },
        Some(change) => Outcome::Saved {
            message: message(&label, &change),
            undo: Some(UndoStep { change, label }),
        },
    }
}

/// Saves the fields of one row as the OS user, now: version-checked and audited by
/// [`write::update_row`]. The screen's outcome — «изменений нет», or saved with its undo step — or the
/// store's refusal (a conflict with another session's change, for the form to show).
pub fn save_row(
    conn: &Db,
    table: Table,
    id: i64,
    version: i64,
    edits: Vec<FieldChange>,
    what: String,
) -> Result<crate::tui::screen::Outcome, EditError> {
    let change = write::update_row(conn, table, id, version, edits, &what)?;
    Ok(saved(change, what, |what, _| {
        format!("сохранено: {what}; u — отменить")
    }))
}

/// Saves several rows together as the OS user, now ([`write::update_rows`]: one transaction, the
/// first conflict refuses them all). The outcome — «изменений нет» when `rows` is empty, or saved
/// with one undo step that puts them all back — or the id of the refused row and why.
pub fn save_rows(
    conn: &Db,
    rows: Vec<RowChange>,
    what: String,
) -> Result<crate::tui::screen::Outcome, (i64, EditError)> {
    let n = rows.len();
    let change = write::update_rows(conn, rows, &what)?;
    Ok(saved(change, what, |what, _| {
        let count = if n > 1 {
            format!(" — записей: {n}")
        } else {
            String::new()
        };
        format!("сохранено: {what}{count}; u — отменить")
    }))
}
