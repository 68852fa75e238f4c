//! Queries and writes used by imports: lookups of what is already stored (to match a row of a
//! file against: one indexed query per identifier, for the streamed imports of organizations and
//! inputs; whole maps for the plan documents, which are document-sized), the rows of the file
//! seen so far ([`seen_begin`]: a temporary table, so a file of a million rows is remembered on
//! disk, not in memory), and the inserts and updates of organizations, inputs, plan rows and
//! authority plans. The caller owns the transaction.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, iso};
use crate::domain::sector::Sector;

/// An organization's stored fields, as compared with a row of a file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrgRecord {
    pub id: i64,
    pub full_name: String,
    pub short_name: String,
    pub inn: String,
    pub kpp: String,
    pub ogrn: String,
    pub reg_num: String,
    pub sector: String,
    pub region: String,
    pub oktmo: String,
    pub address: String,
    pub website: String,
    pub founder_id: Option<i64>,
}

const ORG_COLUMNS: &str = "SELECT id, full_name, short_name, inn, kpp, ogrn, reg_num, sector, \
     region, oktmo, address, website, founder_id FROM organization";

fn org_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<OrgRecord> {
    Ok(OrgRecord {
        id: r.get(0)?,
        full_name: r.get(1)?,
        short_name: r.get(2)?,
        inn: r.get(3)?,
        kpp: r.get(4)?,
        ogrn: r.get(5)?,
        reg_num: r.get(6)?,
        sector: r.get(7)?,
        region: r.get(8)?,
        oktmo: r.get(9)?,
        address: r.get(10)?,
        website: r.get(11)?,
        founder_id: r.get(12)?,
    })
}

/// Every organization (plan documents match their few rows against it).
pub fn organizations(conn: &Connection) -> Result<Vec<OrgRecord>> {
    let mut stmt = conn.prepare(ORG_COLUMNS)?;
    let rows = stmt.query_map([], org_record)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn one_org(
    conn: &Connection,
    filter: &str,
    args: impl rusqlite::Params,
) -> Result<Option<OrgRecord>> {
    Ok(conn
        .prepare_cached(&format!("{ORG_COLUMNS} {filter}"))?
        .query_row(args, org_record)
        .optional()?)
}

/// The organization with this id.
pub fn org_by_id(conn: &Connection, id: i64) -> Result<Option<OrgRecord>> {
    one_org(conn, "WHERE id = ?1", [id])
}

/// The organizations that are members of cycle `cycle_id`: (id, full name, short name).
pub fn cycle_member_names(conn: &Connection, cycle_id: i64) -> Result<Vec<(i64, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT o.id, o.full_name, o.short_name FROM membership m
         JOIN organization o ON o.id = m.org_id WHERE m.cycle_id = ?1 ORDER BY o.id",
    )?;
    let rows = stmt.query_map([cycle_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The organization with this ИНН and КПП (their unique index).
pub fn org_by_inn_kpp(conn: &Connection, inn: &str, kpp: &str) -> Result<Option<OrgRecord>> {
    one_org(conn, "WHERE inn = ?1 AND kpp = ?2", [inn, kpp])
}

/// The organization with this code of the Сводный реестр (its unique index).
pub fn org_by_reg_num(conn: &Connection, reg_num: &str) -> Result<Option<OrgRecord>> {
    one_org(conn, "WHERE reg_num = ?1", [reg_num])
}

/// The first stored organization with this ОГРН and another ИНН (the ОГРН index).
pub fn org_by_ogrn_other_inn(
    conn: &Connection,
    ogrn: &str,
    inn: &str,
) -> Result<Option<OrgRecord>> {
    one_org(
        conn,
        "WHERE ogrn = ?1 AND inn <> ?2 ORDER BY id LIMIT 1",
        [ogrn, inn],
    )
}

/// Up to two organizations with this ИНН (a row without КПП names one only if it is alone).
pub fn orgs_by_inn(conn: &Connection, inn: &str) -> Result<Vec<OrgRecord>> {
    let mut stmt =
        conn.prepare_cached(&format!("{ORG_COLUMNS} WHERE inn = ?1 ORDER BY id LIMIT 2"))?;
    let rows = stmt.query_map([inn], org_record)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Starts remembering the rows of an import (a temporary table of the connection, emptied),
/// and gives the connection a page cache of [`IMPORT_CACHE_KIB`] for the database and for that
/// table: each row of a streamed import looks up a few indexes, and the default cache (2 MB)
/// reads the same index pages from the file again and again. The cache is a fixed size, so
/// memory still does not grow with the file. The temporary table is the connection's own: writing
/// it takes no lock on the database, so a dry run that only reads the database and remembers the
/// rows of the file here lets other sessions write meanwhile.
pub fn seen_begin(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "PRAGMA main.cache_size = -{IMPORT_CACHE_KIB}; PRAGMA temp.cache_size = -{IMPORT_CACHE_KIB};"
    ))?;
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_seen (
             kind  INTEGER NOT NULL,
             key   TEXT NOT NULL,
             line  INTEGER NOT NULL,
             owner TEXT NOT NULL,
             PRIMARY KEY (kind, key)
         ) WITHOUT ROWID;
         DELETE FROM temp.import_seen;",
    )?;
    Ok(())
}

/// The page cache of a streamed import's connection, in KiB, for the database and for its
/// temporary table each.
pub const IMPORT_CACHE_KIB: i64 = 16 * 1024;

/// A key of a row of an import file: a kind the caller numbers, the key, and its owner (what the
/// caller wants to know about the row that claimed the key first; often "").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeenKey<'k> {
    pub kind: i64,
    pub key: &'k str,
    pub owner: &'k str,
}

/// Claims up to three keys for `line` in one statement: each key not seen before is remembered
/// with this line and its owner; for each key seen before, the line and owner of its first claim
/// (in the order of `keys`; `None` for a key claimed now).
pub fn seen_claim(
    conn: &Connection,
    keys: &[SeenKey<'_>],
    line: usize,
) -> Result<Vec<Option<(usize, String)>>> {
    // OR IGNORE: the statement cannot abort half-way (a key claimed before is only skipped), so
    // SQLite needs no statement journal for it.
    const SQL: [&str; 3] = [
        "INSERT OR IGNORE INTO temp.import_seen (kind, key, line, owner) VALUES (?1, ?2, ?3, ?4)",
        "INSERT OR IGNORE INTO temp.import_seen (kind, key, line, owner) VALUES (?1, ?2, ?3, ?4),
             (?5, ?6, ?3, ?7)",
        "INSERT OR IGNORE INTO temp.import_seen (kind, key, line, owner) VALUES (?1, ?2, ?3, ?4),
             (?5, ?6, ?3, ?7), (?8, ?9, ?3, ?10)",
    ];
    let mut out = vec![None; keys.len()];
    for chunk_at in (0..keys.len()).step_by(3) {
        let chunk = &keys[chunk_at..(chunk_at + 3).min(keys.len())];
        let mut stmt = conn.prepare_cached(SQL[chunk.len() - 1])?;
        let line_value = line as i64;
        let mut args: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(10);
        for (i, k) in chunk.iter().enumerate() {
            args.push(&k.kind);
            args.push(&k.key);
            if i == 0 {
                args.push(&line_value);
            }
            args.push(&k.owner);
        }
        if stmt.execute(args.as_slice())? == chunk.len() {
            continue;
        }
        // Some key was claimed before: which, where and by whom.
        let mut first = conn.prepare_cached(
            "SELECT line, owner FROM temp.import_seen WHERE kind = ?1 AND key = ?2",
        )?;
        for (i, k) in chunk.iter().enumerate() {
            let (at, owner): (i64, String) =
                first.query_row(params![k.kind, k.key], |r| Ok((r.get(0)?, r.get(1)?)))?;
            if at as usize != line {
                out[chunk_at + i] = Some((at as usize, owner));
            }
        }
    }
    Ok(out)
}

/// Where a key was claimed first, if it was: its line and owner.
pub fn seen_get(conn: &Connection, kind: i64, key: &str) -> Result<Option<(usize, String)>> {
    Ok(conn
        .prepare_cached("SELECT line, owner FROM temp.import_seen WHERE kind = ?1 AND key = ?2")?
        .query_row(params![kind, key], |r| {
            Ok((r.get::<_, i64>(0)? as usize, r.get(1)?))
        })
        .optional()?)
}

/// Claims one key for `line` (see [`seen_claim`]): `None` when it is claimed now, else the line
/// and owner of its first claim.
pub fn seen_first(
    conn: &Connection,
    kind: i64,
    key: &str,
    line: usize,
    owner: &str,
) -> Result<Option<(usize, String)>> {
    Ok(seen_claim(conn, &[SeenKey { kind, key, owner }], line)?
        .pop()
        .flatten())
}

/// Whether the organization table has no rows (then no row of a file can match a stored one).
pub fn no_organizations(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT NOT EXISTS (SELECT 1 FROM organization)")?
        .query_row([], |r| r.get(0))?)
}

/// Starts collecting the organizations an import adds (a temporary table of the connection,
/// emptied; on disk behind the fixed page cache of [`seen_begin`], so a file of a million new
/// organizations is not held in memory). [`stage_org`] appends one, [`insert_staged_orgs`]
/// writes them all at the end.
///
/// Why not one `INSERT` per row: an insert into `organization` fires triggers and checks
/// constraints, so SQLite keeps a statement journal of every stored page the statement touches;
/// once one statement's journal outgrows 64 KiB it moves to a file, and from then on every row
/// wrote some ten pages to it. One `INSERT … SELECT` journals each stored page once, and pages
/// new in the transaction not at all. And the sort key of each new organization is computed here
/// ([`super::browse::name_key`]) instead of by the insert trigger's 33 calls of `replace()`
/// (migration 017).
///
/// Each staged row is keyed by its line in the file (rows come in line order, so every insert
/// is an append). An organization to add carries `seq`, its number among those added (1, 2, 3…
/// in the order of the file), so the new organizations' ids are the largest stored id plus
/// `seq`, with no window function sorting the table again; a row that adds nothing (its keys
/// staged for [`staged_repeats`] only) has none.
pub fn staged_orgs_begin(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.import_org_added;
         CREATE TEMP TABLE import_org_added (
             line        INTEGER PRIMARY KEY,
             seq         INTEGER,
             full_name   TEXT NOT NULL,
             short_name  TEXT NOT NULL,
             inn         TEXT NOT NULL,
             kpp         TEXT NOT NULL,
             ogrn        TEXT NOT NULL,
             reg_num     TEXT NOT NULL,
             sector      TEXT NOT NULL,
             region      TEXT NOT NULL,
             oktmo       TEXT NOT NULL,
             address     TEXT NOT NULL,
             website     TEXT NOT NULL,
             founder_id  INTEGER,
             name_key    TEXT NOT NULL,
             what        TEXT NOT NULL,
             key_inn_kpp TEXT,
             key_reg_num TEXT,
             key_ogrn    TEXT
         );",
    )?;
    Ok(())
}

/// The keys a row of an organizations file claims (`None`: the row gives none of that kind), as
/// staged for [`staged_repeats`]: ИНН+КПП (`ИНН/КПП`), the code, the ОГРН as written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StagedKeys<'k> {
    pub inn_kpp: Option<&'k str>,
    pub reg_num: Option<&'k str>,
    pub ogrn: Option<&'k str>,
}

/// A staged row of an import of organizations (see [`staged_orgs_begin`]): its line; `seq` when
/// it adds `org` (whose `id` is ignored), with what its audit entry says it is; its keys, when
/// they are checked after reading ([`staged_repeats`]). A row that adds nothing gives the ИНН
/// and the full name of its row in `org` (the owner of its ОГРН), the other fields empty.
pub struct Staged<'s> {
    pub line: usize,
    pub seq: Option<i64>,
    pub org: &'s OrgRecord,
    pub what: &'s str,
    pub keys: StagedKeys<'s>,
    /// Whether the row is to be inserted (a real import): its fields and sort key are staged
    /// whole. A dry run stages only what the check of repeats and the preview read (the line,
    /// `seq`, the ИНН and full name, `what`, the keys): a million rows written whole into the
    /// temporary table cost a dry run a fifth more CPU.
    pub whole: bool,
}

/// Appends a row to those staged by [`staged_orgs_begin`] (after those staged before it: lines
/// ascending).
pub fn stage_org(conn: &Connection, row: &Staged<'_>) -> Result<()> {
    let slim;
    let o = if row.whole {
        row.org
    } else {
        slim = OrgRecord {
            inn: row.org.inn.clone(),
            full_name: row.org.full_name.clone(),
            ..OrgRecord::default()
        };
        &slim
    };
    let shown = if o.short_name.is_empty() {
        &o.full_name
    } else {
        &o.short_name
    };
    let name_key = match row.seq {
        Some(_) if row.whole => super::browse::name_key(shown),
        _ => String::new(),
    };
    conn.prepare_cached(
        "INSERT INTO temp.import_org_added (line, seq, full_name, short_name, inn, kpp, ogrn,
             reg_num, sector, region, oktmo, address, website, founder_id, name_key, what,
             key_inn_kpp, key_reg_num, key_ogrn)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19)",
    )?
    .execute(params![
        row.line as i64,
        row.seq,
        o.full_name,
        o.short_name,
        o.inn,
        o.kpp,
        o.ogrn,
        o.reg_num,
        o.sector,
        o.region,
        o.oktmo,
        o.address,
        o.website,
        o.founder_id,
        name_key,
        row.what,
        row.keys.inn_kpp,
        row.keys.reg_num,
        row.keys.ogrn,
    ])?;
    Ok(())
}

/// Kinds of keys of [`staged_repeats`], in the order a row's keys are checked.
pub const STAGED_INN_KPP: i64 = 1;
pub const STAGED_REG_NUM: i64 = 2;
pub const STAGED_OGRN: i64 = 3;

/// A staged row with a key that a row above it staged first (see [`staged_repeats`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StagedRepeat {
    pub line: usize,
    /// [`STAGED_INN_KPP`], [`STAGED_REG_NUM`] or [`STAGED_OGRN`].
    pub kind: i64,
    /// The key.
    pub key: String,
    /// The first line that staged the key, with that row's ИНН and full name.
    pub first: usize,
    pub first_inn: String,
    pub first_name: String,
    /// Whether the row was staged to be added.
    pub added: bool,
}

/// The staged rows whose keys a row above them staged first, found at once after reading
/// (sorting each kind of key once, instead of a claim in an index on every row): for each such row, in line
/// order, the first of its keys in the order ИНН+КПП, code, ОГРН held by an earlier line — an
/// ОГРН only when that line's ИНН is another — given to `each`. Then the rows found are no
/// longer to be added, and those still added numbered again 1, 2, 3… Returns how many are still
/// added.
pub fn staged_repeats(
    conn: &Connection,
    mut each: impl FnMut(StagedRepeat) -> Result<()>,
) -> Result<i64> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.import_org_repeat;
         CREATE TEMP TABLE import_org_repeat (
             line  INTEGER NOT NULL,
             kind  INTEGER NOT NULL,
             first INTEGER NOT NULL,
             PRIMARY KEY (line, kind)
         ) WITHOUT ROWID;",
    )?;
    // The sort of `CREATE INDEX` holds as much as the page cache of the main database (also for
    // an index of a temporary table) before it spills to a file: with the import's cache, a
    // million rows' keys held another 12 MB.
    let cache: i64 = conn.query_row("PRAGMA main.cache_size", [], |r| r.get(0))?;
    conn.execute_batch(&format!("PRAGMA main.cache_size = -{INDEX_SORT_KIB};"))?;
    let found = staged_repeats_by_kind(conn);
    conn.execute_batch(&format!("PRAGMA main.cache_size = {cache};"))?;
    found?;
    let mut removed = 0usize;
    {
        let mut stmt = conn.prepare(&format!(
            "SELECT r.line, r.kind, CASE r.kind WHEN {STAGED_INN_KPP} THEN a.key_inn_kpp
                                                WHEN {STAGED_REG_NUM} THEN a.key_reg_num
                                                ELSE a.key_ogrn END,
                    r.first, f.inn, f.full_name, a.seq IS NOT NULL
             FROM temp.import_org_repeat r
             JOIN temp.import_org_added a ON a.line = r.line
             JOIN temp.import_org_added f ON f.line = r.first
             WHERE r.kind <> {STAGED_OGRN} OR f.inn <> a.inn
             ORDER BY r.line, r.kind"
        ))?;
        let mut rows = stmt.query([])?;
        let mut last = 0usize;
        while let Some(r) = rows.next()? {
            let line = r.get::<_, i64>(0)? as usize;
            // The first key of the row in the order checked is the one it is rejected by.
            if line == last {
                continue;
            }
            last = line;
            let repeat = StagedRepeat {
                line,
                kind: r.get(1)?,
                key: r.get(2)?,
                first: r.get::<_, i64>(3)? as usize,
                first_inn: r.get(4)?,
                first_name: r.get(5)?,
                added: r.get(6)?,
            };
            removed += usize::from(repeat.added);
            each(repeat)?;
        }
    }
    if removed > 0 {
        conn.execute_batch(&format!(
            "UPDATE temp.import_org_added SET seq = NULL WHERE seq IS NOT NULL AND line IN (
                 SELECT r.line FROM temp.import_org_repeat r
                 JOIN temp.import_org_added a ON a.line = r.line
                 JOIN temp.import_org_added f ON f.line = r.first
                 WHERE r.kind <> {STAGED_OGRN} OR f.inn <> a.inn);
             UPDATE temp.import_org_added SET seq = n.seq
             FROM (SELECT line, row_number() OVER (ORDER BY line) AS seq
                   FROM temp.import_org_added WHERE seq IS NOT NULL) AS n
             WHERE temp.import_org_added.line = n.line;"
        ))?;
    }
    conn.execute_batch("DROP TABLE temp.import_org_repeat;")?;
    Ok(conn.query_row(
        "SELECT count(*) FROM temp.import_org_added WHERE seq IS NOT NULL",
        [],
        |r| r.get(0),
    )?)
}

/// The repeats of each kind of key into `temp.import_org_repeat` (see [`staged_repeats`]).
fn staged_repeats_by_kind(conn: &Connection) -> Result<()> {
    for (kind, column) in [
        (STAGED_INN_KPP, "key_inn_kpp"),
        (STAGED_REG_NUM, "key_reg_num"),
        (STAGED_OGRN, "key_ogrn"),
    ] {
        // A unique index over the kind's keys sorts them once and fails on the first repeat:
        // a file without repeats (the usual one) is checked by that sort alone. With a repeat,
        // an index that allows them gives each key's first line and the lines after it.
        let unique = conn.execute_batch(&format!(
            "CREATE UNIQUE INDEX temp.import_org_key ON import_org_added ({column})
             WHERE {column} IS NOT NULL;"
        ));
        match unique {
            Ok(()) => {}
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                conn.execute_batch(&format!(
                    "CREATE INDEX temp.import_org_key ON import_org_added ({column})
                     WHERE {column} IS NOT NULL;
                     INSERT INTO temp.import_org_repeat (line, kind, first)
                     SELECT a.line, {kind}, r.first
                     FROM (SELECT {column} AS key, min(line) AS first FROM temp.import_org_added
                           WHERE {column} IS NOT NULL GROUP BY {column} HAVING count(*) > 1) AS r
                     JOIN temp.import_org_added a ON a.{column} = r.key AND a.line > r.first;"
                ))?;
            }
            Err(e) => return Err(e.into()),
        }
        conn.execute_batch("DROP INDEX temp.import_org_key;")?;
    }
    Ok(())
}

/// The first `limit` staged additions after `line`, in line order: (line, what).
pub fn staged_added_after(
    conn: &Connection,
    line: usize,
    limit: usize,
) -> Result<Vec<(usize, String)>> {
    let mut stmt = conn.prepare(
        "SELECT line, what FROM temp.import_org_added
         WHERE line > ?1 AND seq IS NOT NULL ORDER BY line LIMIT ?2",
    )?;
    let rows = stmt.query_map([line as i64, limit as i64], |r| {
        Ok((r.get::<_, i64>(0)? as usize, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Inserts the organizations staged by [`stage_org`] to be added (`staged` of them, numbered
/// 1…`staged` by `seq`) in the order they were staged, with their sort keys and an audit entry
/// each (`insert`, the new id, what it is, `note`), set-based; returns how many were inserted.
/// The caller owns the transaction and holds the write lock, so the new ids are the next after
/// the largest stored one, in the order staged (what SQLite would give them); the sort keys are written first, under those ids, and the row count goes
/// up once by the number inserted, with the two per-row insert triggers that would do the same
/// row by row stood aside for the statement (see [`without_insert_triggers`]).
///
/// A load that at least doubles a table (a first load into a new database, above all) inserts
/// into it without its secondary indexes and builds them again after (see [`without_indexes`]),
/// except the audit log's, which the entries reach at their end.
pub fn insert_staged_orgs(
    conn: &Connection,
    staged: i64,
    at: &str,
    os_user: &str,
    note: &str,
) -> Result<usize> {
    // Nothing to add (a second load of a file): no statement, and no trigger dropped.
    if staged == 0 {
        return Ok(0);
    }
    let last: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM organization", [], |r| {
        r.get(0)
    })?;
    let mut inserted = 0;
    without_indexes(conn, "organization_sort", staged, &[], || {
        conn.execute(
            "INSERT INTO organization_sort (org_id, name_key)
             SELECT ?1 + seq, name_key FROM temp.import_org_added
             WHERE seq IS NOT NULL ORDER BY line",
            [last],
        )?;
        Ok(())
    })?;
    without_indexes(conn, "organization", staged, &[], || {
        inserted = without_insert_triggers(conn, || {
            Ok(conn.execute(
                "INSERT INTO organization (id, full_name, short_name, inn, kpp, ogrn, reg_num,
                                           sector, region, oktmo, address, website, founder_id)
                 SELECT ?1 + seq, full_name, short_name, inn, kpp, ogrn, reg_num, sector, region,
                        oktmo, address, website, founder_id
                 FROM temp.import_org_added WHERE seq IS NOT NULL ORDER BY line",
                [last],
            )?)
        })?;
        Ok(())
    })?;
    // The audit entries go in at the end of both indexes of the log (entity and id ascending, all
    // at one time), so keeping them costs an append each, less than sorting them again.
    without_indexes(conn, "audit_log", staged, AUDIT_APPENDED_INDEXES, || {
        conn.execute(
            "INSERT INTO audit_log (at, os_user, action, entity, entity_id, field, old_value,
                                    new_value, note)
             SELECT ?2, ?3, ?4, 'organization', ?1 + seq, NULL, NULL, what, ?5
             FROM temp.import_org_added WHERE seq IS NOT NULL ORDER BY line",
            params![last, at, os_user, super::audit::Action::Insert.code(), note],
        )?;
        Ok(())
    })?;
    conn.execute_batch("DELETE FROM temp.import_org_added;")?;
    Ok(inserted)
}

/// The per-row insert triggers of `organization` that [`insert_staged_orgs`] stands aside, and
/// does the work of itself: the row count (migration 015) goes up by the number inserted in one
/// statement, and the sort keys (migration 017's trigger writes one only where none is written)
/// are written before the organizations. Each trigger fired per row costs about as much as
/// the rest of the row's insert without the indexes (BENCHMARKS.md, «Сессия 12: импорт
/// организаций»); a `WHEN` on a flag, as migration 019 does for the recompute, would still
/// start each trigger for every row.
const ORG_INSERT_TRIGGERS: [&str; 2] =
    ["row_count_organization_insert", "organization_sort_insert"];

/// Runs `insert`, which inserts into `organization` the rows staged with their sort keys
/// already written and returns how many it inserted, with the triggers of
/// [`ORG_INSERT_TRIGGERS`] dropped, then adds that many to the row count and creates the
/// triggers again from their own text in the schema — all in the caller's transaction, so
/// another connection never sees the schema without them, and a failure rolls the drop back
/// with the rest.
fn without_insert_triggers(
    conn: &Connection,
    insert: impl FnOnce() -> Result<usize>,
) -> Result<usize> {
    let mut dropped = Vec::with_capacity(ORG_INSERT_TRIGGERS.len());
    for name in ORG_INSERT_TRIGGERS {
        let sql: Option<String> = conn
            .prepare_cached(
                "SELECT sql FROM sqlite_schema
                 WHERE type = 'trigger' AND name = ?1 AND tbl_name = 'organization'",
            )?
            .query_row([name], |r| r.get(0))
            .optional()?;
        if let Some(sql) = sql {
            conn.execute_batch(&format!("DROP TRIGGER \"{name}\";"))?;
            dropped.push((name, sql));
        }
    }
    let inserted = insert()?;
    if dropped
        .iter()
        .any(|(name, _)| *name == "row_count_organization_insert")
    {
        conn.execute(
            "UPDATE row_count SET n = n + ?1 WHERE name = 'organization'",
            [inserted as i64],
        )?;
    }
    for (_, sql) in &dropped {
        conn.execute_batch(sql)?;
    }
    Ok(inserted)
}

/// The indexes of `audit_log` that the audit entries of a load reach in their own order:
/// `(entity, entity_id)` with the ids of the new organizations ascending, and `(at)` with one
/// time for the whole import, the latest in the log unless the clock went back (then the
/// entries go in at one place further inside: still no sort).
const AUDIT_APPENDED_INDEXES: &[&str] = &["audit_log_entity", "audit_log_at"];

/// Runs `insert`, which adds `adding` rows to `table`, without the table's secondary indexes
/// when that at least doubles the table: they are dropped first and created again after from
/// their own `CREATE INDEX` text in the schema, in the caller's transaction (a failure rolls the
/// drop back with the rest). Building an index over the whole table sorts it once; keeping it
/// during the insert finds each row's place in it, a page split at a time when the rows come in
/// another order than the index's (100,000 organizations: see BENCHMARKS.md). Unique indexes
/// are kept (the constraints of `organization` — ИНН+КПП and the code — are checked row by row
/// as the rows go in, so a violated one fails its row's insert, not a rebuild at the end), and
/// so are the indexes of a table that already holds more rows than are added (rebuilding them
/// would read all those rows), and the indexes named in `kept`.
fn without_indexes(
    conn: &Connection,
    table: &str,
    adding: i64,
    kept: &[&str],
    insert: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let stored: i64 = conn.query_row(
        &format!("SELECT coalesce(max(rowid), 0) FROM \"{table}\""),
        [],
        |r| r.get(0),
    )?;
    let indexes: Vec<(String, String)> = if adding > 0 && adding >= stored {
        let mut stmt = conn.prepare(
            "SELECT s.name, s.sql FROM sqlite_schema s
             JOIN pragma_index_list(?1) l ON l.name = s.name
             WHERE s.type = 'index' AND s.sql IS NOT NULL AND NOT l.\"unique\"
             ORDER BY s.name",
        )?;
        let rows = stmt.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let all: Vec<(String, String)> = rows.collect::<rusqlite::Result<_>>()?;
        all.into_iter()
            .filter(|(name, _)| !kept.contains(&name.as_str()))
            .collect()
    } else {
        Vec::new()
    };
    for (name, _) in &indexes {
        conn.execute_batch(&format!("DROP INDEX \"{name}\";"))?;
    }
    insert()?;
    if indexes.is_empty() {
        return Ok(());
    }
    // `CREATE INDEX` sorts in memory up to the page cache's size before it spills to a temporary
    // file; the import's cache is large, so without this a million-row load held another 10 MB.
    let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.execute_batch(&format!("PRAGMA cache_size = -{INDEX_SORT_KIB};"))?;
    let built = indexes
        .iter()
        .try_for_each(|(_, sql)| conn.execute_batch(sql));
    conn.execute_batch(&format!("PRAGMA cache_size = {cache};"))?;
    Ok(built?)
}

/// The memory (KiB) an index rebuild after a bulk load sorts in before spilling to disk.
const INDEX_SORT_KIB: i64 = 2048;

/// Overwrites an organization's fields and bumps its row version.
pub fn update_org(conn: &Connection, o: &OrgRecord) -> Result<()> {
    conn.prepare_cached(
        "UPDATE organization SET full_name = ?2, short_name = ?3, inn = ?4, kpp = ?5, ogrn = ?6,
             reg_num = ?7, sector = ?8, region = ?9, oktmo = ?10, address = ?11, website = ?12,
             founder_id = ?13, version = version + 1
         WHERE id = ?1",
    )?
    .execute(params![
        o.id,
        o.full_name,
        o.short_name,
        o.inn,
        o.kpp,
        o.ogrn,
        o.reg_num,
        o.sector,
        o.region,
        o.oktmo,
        o.address,
        o.website,
        o.founder_id
    ])?;
    Ok(())
}

/// The cycles an organization takes part in: (cycle id, year), oldest first.
pub fn org_cycles(conn: &Connection, org_id: i64) -> Result<Vec<(i64, i32)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.year FROM membership m JOIN cycle c ON c.id = m.cycle_id
         WHERE m.org_id = ?1 ORDER BY c.year, c.id",
    )?;
    let rows = stmt.query_map([org_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Authorities by ИНН: id and name.
pub fn authorities_by_inn(conn: &Connection) -> Result<HashMap<String, (i64, String)>> {
    let mut stmt = conn.prepare("SELECT inn, id, name FROM authority")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An authority named by its number in the database or its ИНН: (id, name).
pub fn find_authority(conn: &Connection, key: &str) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, name FROM authority WHERE inn = ?1 OR CAST(id AS TEXT) = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Members of a cycle: organization id → membership id.
pub fn memberships(conn: &Connection, cycle_id: i64) -> Result<HashMap<i64, i64>> {
    let mut stmt = conn.prepare("SELECT org_id, id FROM membership WHERE cycle_id = ?1")?;
    let rows = stmt.query_map([cycle_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The membership of an organization in a cycle, if it is a member.
pub fn membership_of(conn: &Connection, cycle_id: i64, org_id: i64) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM membership WHERE org_id = ?1 AND cycle_id = ?2")?
        .query_row([org_id, cycle_id], |r| r.get(0))
        .optional()?)
}

/// The raw inputs of one membership: key → value.
pub fn member_inputs(conn: &Connection, membership_id: i64) -> Result<HashMap<String, f64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT k.key, i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id
         WHERE i.membership_id = ?1",
    )?;
    let rows = stmt.query_map([membership_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds an organization to a cycle.
pub fn add_membership(conn: &Connection, cycle_id: i64, org_id: i64) -> Result<i64> {
    conn.prepare_cached("INSERT INTO membership (cycle_id, org_id) VALUES (?1, ?2)")?
        .execute([cycle_id, org_id])?;
    Ok(conn.last_insert_rowid())
}

/// Every raw input of a cycle: (membership id, key) → value.
pub fn cycle_inputs(conn: &Connection, cycle_id: i64) -> Result<HashMap<(i64, String), f64>> {
    let mut stmt = conn.prepare(
        "SELECT i.membership_id, k.key, i.value FROM indicator_input i
         JOIN input_key k ON k.id = i.key_id
         JOIN membership m ON m.id = i.membership_id WHERE m.cycle_id = ?1",
    )?;
    let rows = stmt.query_map([cycle_id], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Sets a raw input, interning the key on first use.
pub fn set_input(conn: &Connection, membership_id: i64, key: &str, value: f64) -> Result<()> {
    let key_id: i64 = match conn
        .prepare_cached("SELECT id FROM input_key WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?
    {
        Some(id) => id,
        None => {
            conn.prepare_cached("INSERT INTO input_key (key) VALUES (?1)")?
                .execute([key])?;
            conn.last_insert_rowid()
        }
    };
    conn.prepare_cached(
        "INSERT INTO indicator_input (membership_id, key_id, value) VALUES (?1, ?2, ?3)
         ON CONFLICT (membership_id, key_id) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![membership_id, key_id, value])?;
    Ok(())
}

/// Marks the cycle's scores stale (inputs changed since they were computed).
pub fn mark_stale(conn: &Connection, cycle_id: i64) -> Result<()> {
    conn.prepare_cached("UPDATE cycle SET scores_stale = 1 WHERE id = ?1")?
        .execute([cycle_id])?;
    Ok(())
}

/// A stored plan row's fields that an import can set.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRecord {
    pub id: i64,
    pub criterion: String,
    pub shortcoming: String,
    pub measure: String,
    pub planned_date: String,
    pub resp_last_name: String,
    pub resp_first_name: String,
    pub resp_middle_name: String,
    pub resp_position: String,
    pub expected_result: String,
    pub result_indicators: String,
}

/// An authority plan's stored measure.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkItemRecord {
    pub id: i64,
    pub number: String,
    pub measure: String,
    pub form: String,
    pub deadline_text: String,
    pub deadline_due: Option<String>,
    pub executors: Vec<String>,
}

/// A workplan of an authority with this title.
pub fn find_workplan(conn: &Connection, authority_id: i64, title: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM workplan WHERE authority_id = ?1 AND title = ?2",
            params![authority_id, title],
            |r| r.get(0),
        )
        .optional()?)
}

/// The measures of a workplan with their executors.
pub fn workplan_items(conn: &Connection, workplan_id: i64) -> Result<Vec<WorkItemRecord>> {
    let mut stmt = conn.prepare(
        "SELECT i.id, i.number, i.measure, i.form, i.deadline_text, i.deadline_due,
                (SELECT group_concat(name, char(10)) FROM
                    (SELECT name FROM workplan_executor e WHERE e.item_id = i.id ORDER BY position))
         FROM workplan_item i WHERE i.workplan_id = ?1 ORDER BY i.position",
    )?;
    let rows = stmt.query_map([workplan_id], |r| {
        let ex: Option<String> = r.get(6)?;
        Ok(WorkItemRecord {
            id: r.get(0)?,
            number: r.get(1)?,
            measure: r.get(2)?,
            form: r.get(3)?,
            deadline_text: r.get(4)?,
            deadline_due: r.get(5)?,
            executors: ex
                .map(|s| s.split('\n').map(str::to_string).collect())
                .unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Sections of a workplan: (id, number, title).
pub fn workplan_sections(
    conn: &Connection,
    workplan_id: i64,
) -> Result<Vec<(i64, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT id, number, title FROM workplan_section WHERE workplan_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([workplan_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The next free position of items in a workplan.
pub fn next_item_position(conn: &Connection, workplan_id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(max(position), -1) + 1 FROM workplan_item WHERE workplan_id = ?1",
        [workplan_id],
        |r| r.get(0),
    )?)
}

/// Overwrites a measure's text, deadline and executors and bumps its version.
/// The extra columns of the items of a workplan: item id → (column header, text), in order.
pub fn work_item_fields(
    conn: &Connection,
    workplan_id: i64,
) -> Result<std::collections::HashMap<i64, Vec<(String, String)>>> {
    let mut stmt = conn.prepare(
        "SELECT f.item_id, f.title, f.value FROM workplan_item_field f
         JOIN workplan_item i ON i.id = f.item_id
         WHERE i.workplan_id = ?1 ORDER BY f.item_id, f.position",
    )?;
    let mut out: std::collections::HashMap<i64, Vec<(String, String)>> = Default::default();
    let rows = stmt.query_map([workplan_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (id, title, value) = row?;
        out.entry(id).or_default().push((title, value));
    }
    Ok(out)
}

/// Replaces the extra columns of a workplan item.
pub fn set_work_item_fields(
    conn: &Connection,
    item_id: i64,
    fields: &[(String, String)],
) -> Result<()> {
    conn.prepare_cached("DELETE FROM workplan_item_field WHERE item_id = ?1")?
        .execute([item_id])?;
    for (pos, (title, value)) in fields.iter().enumerate() {
        conn.prepare_cached(
            "INSERT INTO workplan_item_field (item_id, position, title, value) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![item_id, pos as i64, title, value])?;
    }
    Ok(())
}

pub fn update_work_item(
    conn: &Connection,
    id: i64,
    measure: &str,
    form: &str,
    deadline_text: &str,
    deadline_due: Option<NaiveDate>,
    executors: &[String],
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE workplan_item SET measure = ?2, form = ?3, deadline_text = ?4, deadline_due = ?5,
             version = version + 1 WHERE id = ?1",
    )?
    .execute(params![
        id,
        measure,
        form,
        deadline_text,
        deadline_due.map(iso)
    ])?;
    conn.prepare_cached("DELETE FROM workplan_executor WHERE item_id = ?1")?
        .execute([id])?;
    for (pos, name) in executors.iter().enumerate() {
        conn.prepare_cached(
            "INSERT INTO workplan_executor (item_id, position, name) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, pos as i64, name])?;
    }
    Ok(())
}

/// A stored target indicator with its values: (id, number, name, unit, [(year, planned, actual)]).
pub type TargetRecord = (
    i64,
    String,
    String,
    String,
    Vec<(i32, Option<f64>, Option<f64>)>,
);

/// The target indicators of a workplan.
pub fn targets(conn: &Connection, workplan_id: i64) -> Result<Vec<TargetRecord>> {
    let mut stmt =
        conn.prepare("SELECT id, number, name, unit FROM target_indicator WHERE workplan_id = ?1")?;
    let heads: Vec<(i64, String, String, String)> = stmt
        .query_map([workplan_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (id, number, name, unit) in heads {
        let mut vs = conn.prepare_cached(
            "SELECT year, planned, actual FROM target_value WHERE indicator_id = ?1 ORDER BY year",
        )?;
        let values = vs
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        out.push((id, number, name, unit, values));
    }
    Ok(out)
}

/// Overwrites a target indicator's name, unit and values.
pub fn update_target(
    conn: &Connection,
    id: i64,
    name: &str,
    unit: &str,
    values: &[(i32, Option<f64>, Option<f64>)],
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE target_indicator SET name = ?2, unit = ?3, version = version + 1 WHERE id = ?1",
    )?
    .execute(params![id, name, unit])?;
    conn.prepare_cached("DELETE FROM target_value WHERE indicator_id = ?1")?
        .execute([id])?;
    for (year, planned, actual) in values {
        conn.prepare_cached(
            "INSERT INTO target_value (indicator_id, year, planned, actual) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![id, year, planned, actual])?;
    }
    Ok(())
}

/// The sector code stored for a sector.
pub fn sector_code(s: Sector) -> &'static str {
    s.code()
}
