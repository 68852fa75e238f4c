//! Queries and writes of the streamed import of an improvement plan table (`nok import plan` of a
//! CSV or xlsx): each row of the file matched by indexed lookups (its organization by ИНН or code,
//! its membership, the stored plan row with its number), the rows above it remembered in a
//! temporary table of the connection ([`claim`]: one organization, one number, one row), and
//! what the import writes staged in temporary tables ([`stage_added`], [`stage_changed`]) and
//! written set-based at the end ([`write_staged`]). The temporary tables live on disk behind a
//! fixed page cache, so a plan of a million rows is not held in memory. The caller owns the
//! transaction.

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use super::audit::Action;
use super::import::{IMPORT_CACHE_KIB, PlanRecord};
use crate::domain::plan::PlanRow;

/// Starts a streamed plan import on this connection: a fixed page cache of
/// [`IMPORT_CACHE_KIB`] for the database and for the temporary tables (each row looks up a few
/// indexes), and the temporary tables of the rows seen and staged, emptied. Writing them takes
/// no lock on the database (a dry run only reads it).
pub fn begin(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "PRAGMA main.cache_size = -{IMPORT_CACHE_KIB}; PRAGMA temp.cache_size = -{IMPORT_CACHE_KIB};"
    ))?;
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_plan_seen (
             org_id INTEGER NOT NULL,
             number TEXT NOT NULL,
             line   INTEGER NOT NULL,
             PRIMARY KEY (org_id, number)
         ) WITHOUT ROWID;
         CREATE TEMP TABLE IF NOT EXISTS import_plan_added (
             line              INTEGER PRIMARY KEY,
             org_id            INTEGER NOT NULL,
             number            TEXT NOT NULL,
             criterion         TEXT NOT NULL,
             shortcoming       TEXT NOT NULL,
             measure           TEXT NOT NULL,
             planned_date      TEXT NOT NULL,
             resp_last_name    TEXT NOT NULL,
             resp_first_name   TEXT NOT NULL,
             resp_middle_name  TEXT NOT NULL,
             resp_position     TEXT NOT NULL,
             expected_result   TEXT NOT NULL,
             result_indicators TEXT NOT NULL,
             what              TEXT NOT NULL
         );
         CREATE TEMP TABLE IF NOT EXISTS import_plan_changed (
             line              INTEGER PRIMARY KEY,
             id                INTEGER NOT NULL,
             criterion         TEXT NOT NULL,
             shortcoming       TEXT NOT NULL,
             measure           TEXT NOT NULL,
             planned_date      TEXT NOT NULL,
             resp_last_name    TEXT NOT NULL,
             resp_first_name   TEXT NOT NULL,
             resp_middle_name  TEXT NOT NULL,
             resp_position     TEXT NOT NULL,
             expected_result   TEXT NOT NULL,
             result_indicators TEXT NOT NULL
         );
         CREATE TEMP TABLE IF NOT EXISTS import_plan_field (
             line      INTEGER NOT NULL,
             seq       INTEGER NOT NULL,
             field     TEXT NOT NULL,
             old_value TEXT NOT NULL,
             new_value TEXT NOT NULL,
             PRIMARY KEY (line, seq)
         ) WITHOUT ROWID;
         DELETE FROM temp.import_plan_seen;
         DELETE FROM temp.import_plan_added;
         DELETE FROM temp.import_plan_changed;
         DELETE FROM temp.import_plan_field;",
    )?;
    Ok(())
}

/// The organization a plan row names by `key`: (id, ИНН). An ИНН first (a number that lost its
/// leading zero in a spreadsheet gets it back) — of several organizations with that ИНН
/// (branches with their own КПП), the one stored last, as the whole plan import matched it —
/// else a code in the consolidated register, as written.
pub fn org_by_key(conn: &Connection, key: &str) -> Result<Option<(i64, String)>> {
    let by_inn = conn
        .prepare_cached("SELECT id, inn FROM organization WHERE inn = ?1 ORDER BY id DESC LIMIT 1")?
        .query_row([&*crate::domain::ids::with_leading_zeros(key, 10)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    if by_inn.is_some() {
        return Ok(by_inn);
    }
    Ok(conn
        .prepare_cached("SELECT id, inn FROM organization WHERE reg_num = ?1 ORDER BY id LIMIT 1")?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The stored plan row of an organization in a cycle with this number (their unique index).
pub fn plan_row(
    conn: &Connection,
    cycle_id: i64,
    org_id: i64,
    number: &str,
) -> Result<Option<PlanRecord>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, criterion, shortcoming, measure, planned_date, resp_last_name,
                    resp_first_name, resp_middle_name, resp_position, expected_result,
                    result_indicators
             FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2 AND number = ?3",
        )?
        .query_row(params![cycle_id, org_id, number], |r| {
            Ok(PlanRecord {
                id: r.get(0)?,
                criterion: r.get(1)?,
                shortcoming: r.get(2)?,
                measure: r.get(3)?,
                planned_date: r.get(4)?,
                resp_last_name: r.get(5)?,
                resp_first_name: r.get(6)?,
                resp_middle_name: r.get(7)?,
                resp_position: r.get(8)?,
                expected_result: r.get(9)?,
                result_indicators: r.get(10)?,
            })
        })
        .optional()?)
}

/// Claims an organization's item number for `line` of the file: `None` when no row above had
/// it, else the line of the row that had it first.
pub fn claim(conn: &Connection, org_id: i64, number: &str, line: usize) -> Result<Option<usize>> {
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO temp.import_plan_seen (org_id, number, line) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![org_id, number, line as i64])?;
    if inserted == 1 {
        return Ok(None);
    }
    let first: i64 = conn
        .prepare_cached("SELECT line FROM temp.import_plan_seen WHERE org_id = ?1 AND number = ?2")?
        .query_row(params![org_id, number], |r| r.get(0))?;
    Ok(Some(first as usize))
}

/// Remembers a plan row that line `line` of the file adds, with what its audit entry says it is.
pub fn stage_added(conn: &Connection, line: usize, r: &PlanRow, what: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO temp.import_plan_added (line, org_id, number, criterion, shortcoming,
             measure, planned_date, resp_last_name, resp_first_name, resp_middle_name,
             resp_position, expected_result, result_indicators, what)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        line as i64,
        r.org_id,
        r.number,
        r.criterion,
        r.shortcoming,
        r.measure,
        super::iso(r.planned_date),
        r.responsible.last_name,
        r.responsible.first_name,
        r.responsible.middle_name,
        r.responsible.position,
        r.expected_result,
        r.result_indicators,
        what,
    ])?;
    Ok(())
}

/// Remembers the new fields of a stored plan row (`p.id`) that line `line` changes, and the
/// changed fields (field, old, new) its audit entries name.
pub fn stage_changed(
    conn: &Connection,
    line: usize,
    p: &PlanRecord,
    fields: &[(String, String, String)],
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO temp.import_plan_changed (line, id, criterion, shortcoming, measure,
             planned_date, resp_last_name, resp_first_name, resp_middle_name, resp_position,
             expected_result, result_indicators)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        line as i64,
        p.id,
        p.criterion,
        p.shortcoming,
        p.measure,
        p.planned_date,
        p.resp_last_name,
        p.resp_first_name,
        p.resp_middle_name,
        p.resp_position,
        p.expected_result,
        p.result_indicators
    ])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO temp.import_plan_field (line, seq, field, old_value, new_value)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (seq, (field, old, new)) in fields.iter().enumerate() {
        stmt.execute(params![line as i64, seq as i64, field, old, new])?;
    }
    Ok(())
}

/// Writes what [`stage_added`] and [`stage_changed`] staged, set-based: the new rows of cycle
/// `cycle_id` (status «planned», nothing reported yet), the changed ones (their version bumped),
/// and the audit entries in the order of the file's lines — `insert` with the new id and what
/// the row is, then one `update` per changed field, old → new — by `os_user` at `at` with
/// `note`. Returns (added, changed). The caller holds the write lock, so the new ids are the
/// next after the largest stored one, in the order of the lines (what SQLite gives them).
pub fn write_staged(
    conn: &Connection,
    cycle_id: i64,
    at: &str,
    os_user: &str,
    note: &str,
) -> Result<(usize, usize)> {
    let last: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM plan_row", [], |r| {
        r.get(0)
    })?;
    const NEW_ID: &str = "?1 + row_number() OVER (ORDER BY line)";
    let added = conn.execute(
        &format!(
            "INSERT INTO plan_row (id, cycle_id, org_id, number, criterion, shortcoming_id,
                 shortcoming, measure, planned_date, resp_last_name, resp_first_name,
                 resp_middle_name, resp_position, expected_result, result_indicators,
                 implemented_measures, actual_date, status, cancel_reason)
             SELECT {NEW_ID}, ?2, org_id, number, criterion, NULL, shortcoming, measure,
                    planned_date, resp_last_name, resp_first_name, resp_middle_name,
                    resp_position, expected_result, result_indicators, '', NULL, 'planned', NULL
             FROM temp.import_plan_added ORDER BY line"
        ),
        params![last, cycle_id],
    )?;
    let changed = conn.execute(
        "UPDATE plan_row SET criterion = c.criterion, shortcoming = c.shortcoming,
             measure = c.measure, planned_date = c.planned_date,
             resp_last_name = c.resp_last_name, resp_first_name = c.resp_first_name,
             resp_middle_name = c.resp_middle_name, resp_position = c.resp_position,
             expected_result = c.expected_result, result_indicators = c.result_indicators,
             version = version + 1
         FROM temp.import_plan_changed c WHERE plan_row.id = c.id",
        [],
    )?;
    conn.execute(
        &format!(
            "INSERT INTO audit_log (at, os_user, action, entity, entity_id, field, old_value,
                                    new_value, note)
             SELECT ?2, ?3, action, 'plan_row', id, field, old_value, new_value, ?4
             FROM (SELECT line, -1 AS seq, ?5 AS action, {NEW_ID} AS id, NULL AS field,
                          NULL AS old_value, what AS new_value
                   FROM temp.import_plan_added
                   UNION ALL
                   SELECT f.line, f.seq, ?6, c.id, f.field, f.old_value, f.new_value
                   FROM temp.import_plan_field f JOIN temp.import_plan_changed c USING (line))
             ORDER BY line, seq"
        ),
        params![
            last,
            at,
            os_user,
            note,
            Action::Insert.code(),
            Action::Update.code()
        ],
    )?;
    conn.execute_batch(
        "DELETE FROM temp.import_plan_added;
         DELETE FROM temp.import_plan_changed;
         DELETE FROM temp.import_plan_field;",
    )?;
    Ok((added, changed))
}
