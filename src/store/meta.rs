//! Key/value facts about the database itself (what built it, whether it is a demo).

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;

/// `kind` = `demo` marks a demo database, which `nok demo --force` may rebuild.
pub const KIND: &str = "kind";
pub const KIND_DEMO: &str = "demo";
/// `kind` = `work` marks a working database made by `nok init` (or the first start of the UI).
pub const KIND_WORK: &str = "work";

pub fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

pub fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}
