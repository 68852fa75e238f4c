//! SQLite storage: schema migrations, queries and transactions. The only place with SQL; takes and
//! returns domain values.

pub mod audit;
pub mod authority;
pub mod backup;
pub mod browse;
pub mod bulk;
pub mod card;
pub mod check;
mod codec;
pub mod council;
pub mod cycles;
pub mod edit;
pub mod edit_create;
pub mod edit_draft;
pub mod edit_inputs;
pub mod edit_targets;
pub mod export_data;
pub mod exports;
pub mod fields;
pub mod first_steps;
pub mod import;
pub mod import_inputs;
pub mod import_plan;
pub mod journal;
pub mod meta;
pub mod org_parts;
pub mod overdue;
pub mod overview;
pub mod plan_header;
pub mod plan_rows;
pub mod plan_status;
pub mod portal_import;
pub mod publication;
pub mod ranking;
pub mod report_data;
pub mod scores;
pub mod spot_check;
pub mod summary;
pub mod survey;
pub mod target;
pub mod workplans;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};

/// How long a writer waits for another session's lock before giving up (several people over SSH
/// share one database file).
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a save from the UI waits for another session's lock: short, so that the screen
/// keeps answering keys; the form then says the database is busy and keeps what was typed.
pub const UI_BUSY_TIMEOUT: Duration = Duration::from_millis(400);

/// Makes `conn` wait only [`UI_BUSY_TIMEOUT`] for another session's lock (the UI's own
/// connection, on which forms save).
pub fn wait_briefly(conn: &Connection) -> Result<()> {
    conn.busy_timeout(UI_BUSY_TIMEOUT)?;
    Ok(())
}

const MIGRATION_SLICE: &[M<'static>] = &[
    M::up(include_str!("migrations/001_initial.sql")),
    M::up(include_str!("migrations/002_spot_check.sql")),
    M::up(include_str!("migrations/003_busgov_export.sql")),
    M::up(include_str!("migrations/004_score_parts_packed.sql")),
    M::up(include_str!("migrations/005_plan_approval.sql")),
    M::up(include_str!("migrations/006_export_positions_by_cycle.sql")),
    M::up(include_str!("migrations/007_plan_header.sql")),
    M::up(include_str!("migrations/008_org_parts.sql")),
    M::up(include_str!("migrations/009_survey.sql")),
    M::up(include_str!("migrations/010_workplan_item_fields.sql")),
    M::up(include_str!("migrations/011_startup_figures.sql")),
    M::up(include_str!("migrations/012_survey_parts.sql")),
    M::up(include_str!("migrations/013_import_lookups.sql")),
    M::up(include_str!("migrations/015_startup_counts.sql")),
    M::up(include_str!("migrations/016_proposal_search.sql")),
    M::up(include_str!("migrations/017_org_sort_written_first.sql")),
    M::up(include_str!("migrations/018_rating_order.sql")),
    M::up(include_str!("migrations/019_recompute_bulk_write.sql")),
    M::up(include_str!("migrations/020_plan_status_totals.sql")),
    M::up(include_str!(
        "migrations/021_plan_status_update_one_statement.sql"
    )),
    M::up(include_str!("migrations/022_recompute_dirty.sql")),
];
const MIGRATIONS: Migrations<'static> = Migrations::from_slice(MIGRATION_SLICE);

/// The schema version this build of `nok` knows (SQLite `user_version`).
pub fn schema_version() -> i64 {
    MIGRATION_SLICE.len() as i64
}

/// A storage failure, with a Russian message that says what happened and what to do.
///
/// SQLite's code is kept in parentheses for whoever supports the system (never its English text);
/// the errors carry no `source` so `{:#}` does not print the failure a second time.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("не удалось открыть базу данных {path}: {}", explain(error))]
    Open {
        path: PathBuf,
        error: rusqlite::Error,
    },
    #[error(
        "не удалось создать файл базы данных {path}: {}. Проверьте, что в папке можно писать и на диске есть место",
        io_ru(error)
    )]
    Create {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("не удалось создать папку {path} для базы данных: {}", io_ru(error))]
    CreateDir {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "база данных {path} создана более новой версией nok (версия схемы {found}, эта программа знает {known}); обновите nok"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("файл {path} не является базой данных nok: {detail}")]
    NotNok { path: PathBuf, detail: String },
    #[error("не удалось обновить схему базы данных {path}: {}", migrate_ru(error))]
    Migrate {
        path: PathBuf,
        error: rusqlite_migration::Error,
    },
    #[error("ошибка базы данных: {}", explain(.0))]
    Sql(rusqlite::Error),
    #[error("{0}")]
    Invalid(String),
}

impl StoreError {
    /// Whether another session held the lock longer than this connection waits.
    pub fn is_busy(&self) -> bool {
        let e = match self {
            StoreError::Sql(e) | StoreError::Open { error: e, .. } => e,
            _ => return false,
        };
        matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sql(e)
    }
}

/// SQLite's failure in words a person can act on, with SQLite's numeric code in parentheses (its
/// English text is never shown).
pub fn explain(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    let what = match e.sqlite_error_code() {
        Some(C::DiskFull) => "на диске нет места; освободите место и повторите, база не изменена",
        Some(C::SystemIoFailure) => {
            "ошибка записи или чтения файла (диск полон, недоступен или превышен предел размера файла); база не изменена"
        }
        Some(C::ReadOnly) => {
            "нет права записи в файл базы или в его папку (рядом с базой nok создает файлы -wal и -shm); \
             попросите администратора дать права или скопируйте базу в свою папку"
        }
        Some(C::CannotOpen) => {
            "файл не открывается: нет файла или папки, нет прав на них, или в папке нельзя создать файлы -wal и -shm"
        }
        Some(C::PermissionDenied) => "нет прав доступа к файлу базы",
        Some(C::DatabaseBusy | C::DatabaseLocked) => {
            "база занята другим пользователем дольше допустимого ожидания; повторите позже"
        }
        Some(C::DatabaseCorrupt) => {
            "файл базы поврежден; восстановите его из резервной копии (nok backup делает копии)"
        }
        Some(C::NotADatabase) => "файл не является базой данных SQLite",
        Some(C::TooBig) => "значение слишком велико для базы",
        Some(C::ConstraintViolation) => {
            "изменение нарушает правила базы (повтор или ссылка на несуществующее)"
        }
        Some(C::FileLockingProtocolFailed) => "не удалось заблокировать файл базы (сетевой диск?)",
        Some(C::OutOfMemory) => "не хватило памяти",
        Some(C::OperationInterrupted) => "операция прервана",
        Some(_) => "ошибка базы данных",
        // Not an answer of SQLite: a value that does not fit what the program expects.
        None => {
            "данные в базе не того вида, что ожидает программа (база изменена вручную?); проверьте ее: nok check-db"
        }
    };
    // The code (never SQLite's English text) lets the case be looked up.
    match e {
        rusqlite::Error::SqliteFailure(f, _) => format!("{what} (код SQLite {})", f.extended_code),
        _ => what.to_string(),
    }
}

/// An I/O error of creating or writing a file, in Russian (the system's text never shown).
pub(crate) fn io_ru(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let code = e
        .raw_os_error()
        .map(|c| format!(" (код ошибки системы {c})"))
        .unwrap_or_default();
    match e.kind() {
        K::PermissionDenied => format!("нет прав на запись в папку{code}"),
        K::NotFound => format!("нет такой папки{code}"),
        _ => crate::domain::io_error::describe(e),
    }
}

fn migrate_ru(e: &rusqlite_migration::Error) -> String {
    match e {
        rusqlite_migration::Error::RusqliteError { err, .. } => explain(err),
        _ => "схема базы не соответствует ни одной известной версии nok; восстановите базу из резервной копии".into(),
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// An open database as the UI and the command line hold it: they pass it to `store` and
/// `service` and never name the SQL crate themselves.
pub type Db = rusqlite::Connection;

/// A store error found among the causes of another error, in words a person can act on
/// ([`explain`]); `None` when `cause` is not one.
pub fn describe(cause: &(dyn std::error::Error + 'static)) -> Option<String> {
    cause.downcast_ref::<rusqlite::Error>().map(explain)
}

/// Opens (creating if needed) the database at `path`, applies pragmas and migrates it to the
/// current schema.
pub fn open(path: &Path) -> Result<Connection> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|error| StoreError::CreateDir {
            path: dir.to_path_buf(),
            error,
        })?;
    }
    refuse_empty(path)?;
    if !path.exists() {
        create_private(path).map_err(|error| StoreError::Create {
            path: path.to_path_buf(),
            error,
        })?;
    }
    let conn = Connection::open(path).map_err(|error| StoreError::Open {
        path: path.to_path_buf(),
        error,
    })?;
    prepare(conn, path)
}

/// Creates an empty file readable and writable by its owner only (0600), unless it already
/// exists. SQLite gives the -wal, -shm and -journal files it later creates beside a database the
/// same permissions, so the whole database stays private.
pub(crate) fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// The schema version of the nok database at `path` when opening it will bring it up to date
/// (a database of an older nok): the caller can say so before the wait, which on a national
/// database may take seconds (a migration that rewrites a large table). `None` for a
/// database already current, a new one, or one that does not open (opening it says why).
pub fn schema_behind(path: &Path) -> Option<i64> {
    let conn =
        Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .ok()?;
    (found > 0 && found < schema_version()).then_some(found)
}

/// Opens an existing database without creating it; fails if the file does not exist.
pub fn open_existing(path: &Path) -> Result<Connection> {
    refuse_empty(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|error| StoreError::Open {
        path: path.to_path_buf(),
        error,
    })?;
    prepare(conn, path)
}

/// Settings for a connection that browses a national-scale database interactively (the UI's
/// connection): a page cache of 16 MiB for the pages the screens walk back and forth, and reads
/// by `pread`, not through a memory map. With a cold OS cache a page fault on a map reads 128 KiB
/// around the page (the kernel's read-around), thirty-two times what a `pread` of the page reads:
/// with the map, the first rows of the screens came two to three times later.
pub fn tune_for_browsing(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "cache_size", -16_384)?;
    conn.pragma_update(None, "mmap_size", 0)?;
    Ok(())
}

/// Settings for a connection whose reads pass over their pages once (the UI's background
/// readers: the organization index, counts of plan rows): reads by `pread` as for browsing, and
/// a small page cache (2 MiB), since a page read once is not read again soon. At 100,000
/// organizations caches of 64 MiB each held some 130 MB of heap for nothing.
pub fn tune_for_one_pass(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "cache_size", -2_048)?;
    conn.pragma_update(None, "mmap_size", 0)?;
    Ok(())
}

/// Moves everything committed from the write-ahead log into the database file and empties the
/// log, when no other session is reading it (then it is left for the last connection to close).
/// The UI does it as it quits: its background readers may outlive it by a moment, and until the
/// last connection closes SQLite leaves the newest changes only in `-wal` — a copy of the
/// database file alone, as people back up, would miss them.
pub fn checkpoint(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// Creates a fresh database for a one-off bulk build (the demo): migrated, with journaling and
/// syncing off for speed. The caller builds it under a temporary name, calls [`seal_scratch`],
/// closes it and renames it into place, so a crash never leaves a half-built file under the
/// final name.
///
/// Foreign keys are not enforced while it is built (the builder makes every reference itself);
/// [`seal_scratch`] checks them all at the end instead.
pub fn open_scratch(path: &Path) -> Result<Connection> {
    let conn = open(path)?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    conn.pragma_update(None, "journal_mode", "OFF")?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    conn.pragma_update(None, "cache_size", -131_072)?; // 128 MiB
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(conn)
}

/// Finishes a bulk build: statistics for the query planner, and a rollback journal so the file
/// stands alone (no -wal) until it is next opened.
pub fn seal_scratch(conn: &Connection) -> Result<()> {
    let broken = check::foreign_key_violations(conn)?;
    if let Some((table, rowid, parent)) = broken.first() {
        return Err(StoreError::Invalid(format!(
            "построенная база содержит {} нарушенных ссылок, например {table}, строка {}: нет записи в {parent}",
            broken.len(),
            rowid.map_or("?".to_string(), |r| r.to_string())
        )));
    }
    // Statistics from a sample of each index: enough for the planner, quick on gigabytes.
    conn.execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(())
}

/// An in-memory database with the full schema (tests).
pub fn open_in_memory() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    prepare(conn, Path::new(":memory:"))
}

fn prepare(mut conn: Connection, path: &Path) -> Result<Connection> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    check_version(&conn, path)?;
    let opened = |error| StoreError::Open {
        path: path.to_path_buf(),
        error,
    };
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(opened)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(opened)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(opened)?;
    MIGRATIONS
        .to_latest(&mut conn)
        .map_err(|error| StoreError::Migrate {
            path: path.to_path_buf(),
            error,
        })?;
    Ok(conn)
}

/// An existing empty file (0 bytes) is not a nok database: SQLite would take it as a new, empty
/// one and nok would quietly turn it into a database, though the person named a file they
/// already had (a wrong path, a file emptied by a failed copy). Only a path that does not exist
/// is created.
fn refuse_empty(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == 0 => Err(StoreError::NotNok {
            path: path.to_path_buf(),
            detail: "файл пустой (0 байт). Проверьте путь; если нужна новая база, удалите пустой \
                     файл или укажите путь к несуществующему файлу — nok создаст его"
                .into(),
        }),
        _ => Ok(()),
    }
}

/// Refuses a file that is not SQLite, a database of a newer nok, and an SQLite database of
/// something else. Reads only.
fn check_version(conn: &Connection, path: &Path) -> Result<()> {
    // A file that is not SQLite fails on the first read, here, with a clear message.
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|error| match error.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotNok {
                path: path.to_path_buf(),
                detail:
                    "это не файл SQLite (или он поврежден с самого начала); укажите файл базы nok"
                        .into(),
            },
            _ => StoreError::Open {
                path: path.to_path_buf(),
                error,
            },
        })?;
    if found > schema_version() {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known: schema_version(),
        });
    }
    if found == 0 && has_foreign_tables(conn)? {
        return Err(StoreError::NotNok {
            path: path.to_path_buf(),
            detail: "в файле есть чужие таблицы".into(),
        });
    }
    Ok(())
}

fn has_foreign_tables(conn: &Connection) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        [],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// A date as stored: ISO `YYYY-MM-DD`.
pub(crate) fn iso(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok());
    }

    #[test]
    fn empty_database_migrates_to_latest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("x.sqlite");
        let conn = open(&path).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, schema_version());
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        drop(conn);
        // Opening again is a no-op migration.
        assert!(open_existing(&path).is_ok());
    }

    #[test]
    fn an_older_database_is_said_to_be_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.sqlite");
        assert_eq!(schema_behind(&path), None, "no file");
        drop(open(&path).unwrap());
        assert_eq!(schema_behind(&path), None, "current");
        let mut c = Connection::open(&path).unwrap();
        drop(c);
        std::fs::remove_file(&path).unwrap();
        c = Connection::open(&path).unwrap();
        MIGRATIONS.to_version(&mut c, 20).unwrap();
        drop(c);
        assert_eq!(schema_behind(&path), Some(20));
        drop(open_existing(&path).unwrap());
        assert_eq!(schema_behind(&path), None, "brought up to date");
    }

    #[test]
    fn newer_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.sqlite");
        drop(open(&path).unwrap());
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        let err = open(&path).unwrap_err();
        assert!(matches!(err, StoreError::TooNew { found: 99, .. }));
        assert!(err.to_string().contains("более новой версией"));
    }

    #[test]
    fn garbage_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.sqlite");
        std::fs::write(&path, vec![0x42u8; 8192]).unwrap();
        let err = open(&path).unwrap_err();
        assert!(
            err.to_string().contains("не является базой данных nok"),
            "{err}"
        );
    }

    #[test]
    fn check_constraints_hold() {
        let conn = open_in_memory().unwrap();
        let bad = conn.execute(
            "INSERT INTO authority (name, region, inn, kpp, ogrn) VALUES ('x', 'r', '12345', '123456789', '1027700132195')",
            [],
        );
        assert!(bad.is_err(), "short ИНН must be refused");
    }

    #[test]
    fn version_6_keys_positions_by_cycle_and_keeps_the_receipts() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        MIGRATIONS.to_version(&mut conn, 5).unwrap();
        let pid = "0a4b3c2d-1111-8222-9333-444455556667";
        conn.execute_batch(&format!(
            "INSERT INTO authority (id, name, region, inn, kpp, ogrn)
                 VALUES (1, 'Комитет', 'Область', '7701234567', '770101001', '1027700132195');
             INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology)
                 VALUES (5, 2025, 'social', 1, 'Область', 'approved', '2018');
             INSERT INTO organization (id, full_name, inn, kpp, ogrn, reg_num, sector, region)
                 VALUES (1, 'Полное А', '7701234568', '770101001', '1027700132196', '12345678',
                         'social', 'Область');
             INSERT INTO membership (cycle_id, org_id) VALUES (5, 1);
             INSERT INTO export_position (kind, org_id, cycle_id, position_id, version_number,
                                          content_sha256, exported_at, receipt_status, header_id,
                                          file, receipt_at, receipt_url)
                 VALUES ('plan', 1, 5, '{pid}', 2, 'abc', '2025-03-01T10:00:00', 'rejected',
                         'h1', 'p/plan.xml', '2025-03-02T09:00:00', NULL);
             INSERT INTO export_violation (position_id, seq, code, level, name, description)
                 VALUES ('{pid}', 1, 'E-17', 'error', 'Неверная дата', 'Дата позже сегодняшней');"
        ))
        .unwrap();
        // The content's fingerprint column is renamed by the migration.
        let dump = |conn: &Connection, content: &str| -> Vec<String> {
            let mut out = Vec::new();
            for sql in [
                format!(
                    "SELECT kind, org_id, cycle_id, position_id, version_number, {content},
                            exported_at, receipt_status, header_id, file, receipt_at, receipt_url
                     FROM export_position"
                ),
                "SELECT position_id, seq, code, level, name, description FROM export_violation"
                    .to_string(),
            ] {
                let mut stmt = conn.prepare(&sql).unwrap();
                let n = stmt.column_count();
                let rows = stmt
                    .query_map([], |r| {
                        (0..n)
                            .map(|i| {
                                r.get::<_, rusqlite::types::Value>(i)
                                    .map(|v| format!("{v:?}"))
                            })
                            .collect::<rusqlite::Result<Vec<_>>>()
                    })
                    .unwrap();
                out.extend(rows.map(|r| r.unwrap().join("|")));
            }
            out
        };
        let before = dump(&conn, "content_sha256");
        assert_eq!(before.len(), 2);
        MIGRATIONS.to_latest(&mut conn).unwrap();
        assert_eq!(
            dump(&conn, "content_hash"),
            before,
            "positions and violations kept"
        );
        let log_indexes: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_index_list('export_log')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            log_indexes, 0,
            "the export log is not indexed by positionId"
        );
        let key: Vec<String> = conn
            .prepare(
                "SELECT i.name FROM pragma_index_list('export_position') l,
                        pragma_index_info(l.name) i
                 WHERE l.origin = 'pk' ORDER BY i.seqno",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(key, ["cycle_id", "kind", "org_id"]);
        // The violations still belong to the position: deleting it deletes them.
        conn.execute("DELETE FROM export_position", []).unwrap();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM export_violation", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }
}
