//! The audit log (журнал изменений): who, when, what, old → new.

use rusqlite::{Connection, params};

use super::Result;

/// What kind of change an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Insert,
    Update,
    Delete,
    /// A change of many rows at once (a demo build, an import).
    Bulk,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Insert => "insert",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Bulk => "bulk",
        }
    }
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'a> {
    /// Local time, ISO `YYYY-MM-DDThh:mm:ss`.
    pub at: &'a str,
    /// The OS user (staff log in over SSH under their own accounts).
    pub os_user: &'a str,
    pub action: Action,
    /// Table or kind of thing changed, e.g. `plan_row`.
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub field: Option<&'a str>,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
    pub note: &'a str,
}

pub fn record(conn: &Connection, e: &Entry<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, os_user, action, entity, entity_id, field, old_value, new_value, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        e.at,
        e.os_user,
        e.action.code(),
        e.entity,
        e.entity_id,
        e.field,
        e.old_value,
        e.new_value,
        e.note
    ])?;
    Ok(conn.last_insert_rowid())
}
