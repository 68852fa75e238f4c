//! The audit log (журнал изменений) as read by the UI: newest first, filtered, one window at a
//! time.

use rusqlite::{Connection, params};

use super::Result;

/// One audit entry as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalRow {
    pub id: i64,
    pub at: String,
    pub os_user: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub note: String,
}

const FILTER: &str = "(?1 = '' OR instr(lower(os_user || ' ' || entity || ' ' || coalesce(field, '') || ' '
                       || coalesce(old_value, '') || ' ' || coalesce(new_value, '') || ' ' || note), ?1) > 0)";

/// How many entries match `text` (lower case; empty = all).
pub fn count(conn: &Connection, text: &str) -> Result<usize> {
    let sql = format!("SELECT count(*) FROM audit_log WHERE {FILTER}");
    let n: i64 = conn.query_row(&sql, [text], |r| r.get(0))?;
    Ok(n as usize)
}

/// Entries `offset..offset + limit` of those matching `text`, newest first.
pub fn window(
    conn: &Connection,
    text: &str,
    offset: usize,
    limit: usize,
) -> Result<Vec<JournalRow>> {
    let sql = format!(
        "SELECT id, at, os_user, action, entity, entity_id, field, old_value, new_value, note
         FROM audit_log WHERE {FILTER} ORDER BY id DESC LIMIT ?2 OFFSET ?3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![text, limit as i64, offset as i64], |r| {
        Ok(JournalRow {
            id: r.get(0)?,
            at: r.get(1)?,
            os_user: r.get(2)?,
            action: r.get(3)?,
            entity: r.get(4)?,
            entity_id: r.get(5)?,
            field: r.get(6)?,
            old_value: r.get(7)?,
            new_value: r.get(8)?,
            note: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
