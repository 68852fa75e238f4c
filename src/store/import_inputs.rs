//! The writes of `nok import inputs` (`service::import::inputs`), set-based: while the file is
//! streamed, each row that adds or changes something is staged in two temporary tables
//! ([`stage`]): the row itself, and its audit entries one row each (the membership added, the
//! part added, each value changed, old → new); at the end [`write_staged`] writes them all with a
//! few `INSERT … SELECT` statements — the new memberships, the new parts, the values
//! (`ON CONFLICT … DO UPDATE`) and the audit entries, in the order of the file's lines, as
//! row-by-row writing recorded them. A row that changes nothing is not staged, so importing an
//! unchanged file writes nothing. Each staged row's membership and part are looked up once,
//! into a third temporary table, after the memberships and parts are added, not again for each
//! of its entries. The members written are marked for the recompute (`recompute_dirty`) by
//! migration 022's triggers on the rows written.
//!
//! Why not row by row: a row of a cycle's inputs is a membership and some 26 values, each with an
//! audit entry; written statement by statement, every statement that may abort half-way keeps a
//! statement journal of the stored pages it touches, and the same few pages (the ends of the
//! value and audit tables and of their indexes) were journaled again for every row. A set-based
//! statement journals each stored page once, pages new in the transaction not at all, and the
//! audit insert (`INSERT OR FAIL`: a failure ends the whole import, which is rolled back) needs no
//! statement journal at all.
//!
//! Why one staged row per entry, not the row's entries in one JSON array: the final statements
//! then read plain columns; taking each entry's three fields out of JSON cost more than the
//! writes themselves (100,000 rows: the value and audit inserts 5.3 and 17.2 s of processor from
//! JSON, 3.2 and 9.0 s from the entries' table; see BENCHMARKS.md, «Сессия 10»).
//!
//! Memory: the staging tables are temporary tables, and the import's connection keeps temporary
//! tables in a file ([`temp_on_disk`]; the bundled SQLite keeps them in memory by default) behind
//! the fixed page cache that `store::import::seen_begin` and [`temp_cache`] give it, so a file of
//! a million rows is staged on disk, not in memory; [`write_staged`] writes with a small cache
//! of the database.
//!
//! What does grow with the file is the index of the write-ahead log (`-shm`), which SQLite maps
//! into memory: 8 bytes for each page the transaction writes to the log, 2 MiB per GiB of log.
//! The log holds the import's new pages, each once (100,000 rows of 26 values: 466.6 MB of log
//! for 463.7 MB of file growth, nine tenths of it the audit log and its two indexes), so the
//! index is about 9 bytes per such row, some 9 MB at a million rows; with the whole import one
//! transaction, no order of writing makes it smaller (see BENCHMARKS.md, «Сессия 11»). The
//! checkpoint after the commit, which copies the log into the file, takes 2 bytes of heap per
//! page of the log for its sorted list of pages (2.3 MB at a million rows).

use rusqlite::{Connection, params};

use super::Result;

/// Puts the connection's temporary tables (and the spill of its sorts and statement journals)
/// in a temporary file instead of memory, so that they are held in the connection's fixed page
/// cache and memory does not grow with the file. Called outside a transaction (SQLite refuses to
/// change it inside one once temporary tables exist); it drops the connection's temporary tables.
pub fn temp_on_disk(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "temp_store", "FILE")?;
    Ok(())
}

/// Gives the connection back the default place of temporary tables (see [`temp_on_disk`]);
/// called after the import's transaction has ended. It drops the connection's temporary tables.
pub fn temp_default(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "temp_store", "DEFAULT")?;
    Ok(())
}

/// The page cache of the temporary tables of an import of inputs, in KiB: smaller than the
/// database's (`store::import::IMPORT_CACHE_KIB`), since the staged rows are written once and
/// read once in order, and the rows seen are claimed mostly near each other. A file of 100,000
/// rows already fills it, so memory is the same for a file ten times larger.
pub const TEMP_CACHE_KIB: i64 = 4 * 1024;

/// Sets the page cache of the connection's temporary tables to [`TEMP_CACHE_KIB`] (after
/// `store::import::seen_begin`, which sets both caches).
pub fn temp_cache(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!("PRAGMA temp.cache_size = -{TEMP_CACHE_KIB};"))?;
    Ok(())
}

/// Starts staging an import of inputs: the input keys of the file's value columns (`keys`, by
/// their position, which the staged entries name) and an empty table of staged rows.
pub fn stage_begin(conn: &Connection, keys: &[&str]) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_inputs_key (
             pos    INTEGER PRIMARY KEY,
             key    TEXT NOT NULL,
             used   INTEGER NOT NULL DEFAULT 0,
             key_id INTEGER
         );
         DELETE FROM temp.import_inputs_key;
         CREATE TEMP TABLE IF NOT EXISTS import_inputs_row (
             line        INTEGER PRIMARY KEY,
             org_id      INTEGER NOT NULL,
             part        TEXT NOT NULL,
             what        TEXT NOT NULL
         );
         DELETE FROM temp.import_inputs_row;
         CREATE TEMP TABLE IF NOT EXISTS import_inputs_entry (
             line INTEGER NOT NULL,
             pos  INTEGER NOT NULL,
             old  TEXT,
             new  TEXT
         );
         DELETE FROM temp.import_inputs_entry;",
    )?;
    let mut insert =
        conn.prepare_cached("INSERT INTO temp.import_inputs_key (pos, key) VALUES (?1, ?2)")?;
    for (pos, key) in keys.iter().enumerate() {
        insert.execute(params![pos as i64, key])?;
    }
    Ok(())
}

/// A row of the file that adds or changes something, as [`stage`] keeps it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StagedRow<'r> {
    pub line: usize,
    pub org_id: i64,
    /// Whether this row adds the organization to the cycle (the first of its rows in the file
    /// when it is not a member yet).
    pub adds_member: bool,
    /// The part of the organization the row's values are for; "" for the organization itself.
    pub part: &'r str,
    /// Whether this row adds the part (named for the first time).
    pub adds_part: bool,
    /// What the row is, for the audit entry of a membership added.
    pub what: &'r str,
    /// The row's changed values in the order of its audit entries.
    pub values: &'r [StagedValue<'r>],
}

/// A value a staged row changes: the position of its key (of [`stage_begin`]), the old value
/// ("" when there was none) and the new one, as `domain::decimal::plain` writes them. The
/// value written is `new` read back as a number (a decimal comma for a point): the shortest
/// digits that give the same double.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StagedValue<'v> {
    pub pos: usize,
    pub old: &'v str,
    pub new: &'v str,
}

/// Position of the entry of a membership added, among a staged row's entries.
const ADDS_MEMBER: i64 = -1;
/// Position of the entry of a part added.
const ADDS_PART: i64 = -2;

/// Stages a row (see [`StagedRow`]): the row, and its audit entries in order, one row each of
/// `import_inputs_entry` (read back in the order written: its rowid), a value's with the
/// position of its key, the membership or the part added with a negative position. A row with
/// nothing to write (no membership, part or value added or changed) is not staged.
pub fn stage(conn: &Connection, row: &StagedRow<'_>) -> Result<()> {
    if !row.adds_member && !row.adds_part && row.values.is_empty() {
        return Ok(());
    }
    let line = row.line as i64;
    conn.prepare_cached(
        "INSERT INTO temp.import_inputs_row (line, org_id, part, what) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![line, row.org_id, row.part, row.what])?;
    let mut entry = conn.prepare_cached(
        "INSERT INTO temp.import_inputs_entry (line, pos, old, new) VALUES (?1, ?2, ?3, ?4)",
    )?;
    if row.adds_member {
        entry.execute(params![line, ADDS_MEMBER, None::<&str>, None::<&str>])?;
    }
    if row.adds_part {
        entry.execute(params![line, ADDS_PART, None::<&str>, None::<&str>])?;
    }
    for v in row.values {
        entry.execute(params![line, v.pos as i64, v.old, v.new])?;
    }
    Ok(())
}

/// Marks the keys (positions of [`stage_begin`]) that staged rows write a value of: only those
/// are added to the database's keys when new.
pub fn mark_used(conn: &Connection, used: &[bool]) -> Result<()> {
    let mut mark =
        conn.prepare_cached("UPDATE temp.import_inputs_key SET used = 1 WHERE pos = ?1")?;
    for (pos, _) in used.iter().enumerate().filter(|(_, u)| **u) {
        mark.execute([pos as i64])?;
    }
    Ok(())
}

/// What [`write_staged`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Written {
    pub members: usize,
    pub parts: usize,
    pub values: usize,
    pub audit: usize,
}

/// Writes the staged rows into cycle `cycle_id`, set-based (see the module's comment): the keys
/// new to the database, the memberships and parts added, the values, and the audit entries with
/// `at`, `os_user` and `note`. The caller owns the transaction and marks the scores stale.
pub fn write_staged(
    conn: &Connection,
    cycle_id: i64,
    at: &str,
    os_user: &str,
    note: &str,
) -> Result<Written> {
    // The page cache of the database, while the staged rows are written: the statements below
    // append to the ends of the value and audit tables and their indexes and look the members up
    // in the order of the file, so a small cache serves them; and the pages the match stage
    // cached (the organizations' indexes, 16 MB) are let go before the writes' pages come in.
    // With the match stage's cache, a million-row import held 15 MB more than 100,000 rows.
    let cache: i64 = conn.query_row("PRAGMA main.cache_size", [], |r| r.get(0))?;
    conn.execute_batch(&format!("PRAGMA main.cache_size = -{WRITE_CACHE_KIB};"))?;
    let written = write_all(conn, cycle_id, at, os_user, note);
    conn.execute_batch(&format!("PRAGMA main.cache_size = {cache};"))?;
    written
}

/// The page cache (KiB) of the database while [`write_staged`] writes.
pub const WRITE_CACHE_KIB: i64 = 2048;

fn write_all(
    conn: &Connection,
    cycle_id: i64,
    at: &str,
    os_user: &str,
    note: &str,
) -> Result<Written> {
    conn.execute_batch(
        "INSERT OR IGNORE INTO input_key (key)
             SELECT key FROM temp.import_inputs_key WHERE used ORDER BY pos;
         UPDATE temp.import_inputs_key
             SET key_id = (SELECT k.id FROM input_key k WHERE k.key = import_inputs_key.key);",
    )?;
    // Every statement below reads the staged entries in the order they were written (the
    // table's rowid) and looks up their row by its key: nothing is sorted.
    let members = conn.execute(
        "INSERT INTO membership (cycle_id, org_id)
         SELECT ?1, r.org_id FROM temp.import_inputs_entry e
         JOIN temp.import_inputs_row r ON r.line = e.line
         WHERE e.pos = -1 ORDER BY e.rowid",
        [cycle_id],
    )?;
    let parts = conn.execute(
        "INSERT INTO org_part (membership_id, name)
         SELECT m.id, r.part FROM temp.import_inputs_entry e
         JOIN temp.import_inputs_row r ON r.line = e.line
         JOIN membership m ON m.cycle_id = ?1 AND m.org_id = r.org_id
         WHERE e.pos = -2 ORDER BY e.rowid",
        [cycle_id],
    )?;
    // Each staged row's membership and part, looked up once (the value and audit statements
    // below would otherwise look them up again for each of the row's entries).
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_inputs_target (
             line          INTEGER PRIMARY KEY,
             membership_id INTEGER NOT NULL,
             part_id       INTEGER
         );
         DELETE FROM temp.import_inputs_target;",
    )?;
    conn.execute(
        "INSERT INTO temp.import_inputs_target (line, membership_id, part_id)
         SELECT r.line, m.id, p.id FROM temp.import_inputs_row r
         JOIN membership m ON m.cycle_id = ?1 AND m.org_id = r.org_id
         LEFT JOIN org_part p ON r.part <> '' AND p.membership_id = m.id AND p.name = r.part
         ORDER BY r.line",
        [cycle_id],
    )?;
    // The values (the negative positions name no key, so the join with the keys leaves them
    // out). A row of a part has its part by now (stored, or added above).
    const VALUE: &str = "CAST(replace(e.new, ',', '.') AS REAL)";
    let own = conn.execute(
        &format!(
            "INSERT INTO indicator_input (membership_id, key_id, value)
             SELECT t.membership_id, k.key_id, {VALUE}
             FROM temp.import_inputs_entry e
             JOIN temp.import_inputs_target t ON t.line = e.line
             JOIN temp.import_inputs_key k ON k.pos = e.pos
             WHERE t.part_id IS NULL
             ORDER BY e.rowid
             ON CONFLICT (membership_id, key_id) DO UPDATE SET value = excluded.value"
        ),
        [],
    )?;
    let of_parts = conn.execute(
        &format!(
            "INSERT INTO org_part_input (part_id, key_id, value)
             SELECT t.part_id, k.key_id, {VALUE}
             FROM temp.import_inputs_entry e
             JOIN temp.import_inputs_target t ON t.line = e.line
             JOIN temp.import_inputs_key k ON k.pos = e.pos
             WHERE t.part_id IS NOT NULL
             ORDER BY e.rowid
             ON CONFLICT (part_id, key_id) DO UPDATE SET value = excluded.value"
        ),
        [],
    )?;
    let audit = conn.execute(
        "INSERT OR FAIL INTO audit_log (at, os_user, action, entity, entity_id, field, old_value,
                                        new_value, note)
         SELECT ?1, ?2,
                CASE WHEN e.pos >= 0 THEN 'update' ELSE 'insert' END,
                CASE e.pos WHEN -1 THEN 'membership' WHEN -2 THEN 'org_part'
                    ELSE CASE r.part WHEN '' THEN 'indicator_input' ELSE 'org_part_input' END
                END,
                CASE WHEN e.pos = -1 OR r.part = '' THEN t.membership_id ELSE t.part_id END,
                CASE e.pos WHEN -1 THEN NULL WHEN -2 THEN 'name' ELSE k.key END,
                e.old,
                CASE e.pos WHEN -1 THEN r.what WHEN -2 THEN r.part ELSE e.new END,
                ?3
         FROM temp.import_inputs_entry e
         JOIN temp.import_inputs_row r ON r.line = e.line
         JOIN temp.import_inputs_target t ON t.line = e.line
         LEFT JOIN temp.import_inputs_key k ON k.pos = e.pos
         ORDER BY e.rowid",
        params![at, os_user, note],
    )?;
    // The recompute's marks are made by 022's triggers on each value, membership and part
    // written. (Marking by one statement from `import_inputs_target` with those triggers stood
    // aside was tried in session 12: 3 s less user time per 100,000 rows, as much more system
    // time, for the stand-aside row read again on every value; BENCHMARKS.md.)
    conn.execute_batch(
        "DELETE FROM temp.import_inputs_entry;
         DELETE FROM temp.import_inputs_row;
         DELETE FROM temp.import_inputs_target;",
    )?;
    Ok(Written {
        members,
        parts,
        values: own + of_parts,
        audit,
    })
}
