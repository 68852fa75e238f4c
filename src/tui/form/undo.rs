//! The session's undo stack: every change saved from a form, newest last. `u` undoes the last
//! one by writing the old values back — itself an audited change that names the version the
//! change left, so a row changed since by someone else is not overwritten.

use rusqlite::Connection;

use crate::service::session::{now_stamp, os_user};
use crate::store::edit::{self, Author, EditError, FieldEdit, Table};

/// One saved change: which row, the version it left, and each field before → after.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoStep {
    pub table: Table,
    pub id: i64,
    /// The row version right after the change.
    pub version: i64,
    /// As saved: `old` is what the row had before, `new` what the change wrote.
    pub fields: Vec<FieldEdit>,
    /// What the change was, for messages: «строка плана 1.2: статус».
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

    /// Undoes the last change; returns the message for the status line.
    pub fn undo_last(&mut self, conn: &Connection) -> String {
        let Some(step) = self.steps.pop() else {
            return "отменять нечего: в этом сеансе изменений не было".to_string();
        };
        let back: Vec<FieldEdit> = step
            .fields
            .iter()
            .map(|f| FieldEdit {
                column: f.column,
                old: f.new.clone(),
                new: f.old.clone(),
            })
            .collect();
        let user = os_user();
        let at = now_stamp();
        let who = Author {
            os_user: &user,
            at: &at,
        };
        let note = format!("отмена изменения: {}", step.label);
        match edit::update(conn, step.table, step.id, step.version, &back, who, &note) {
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
