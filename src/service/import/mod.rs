//! Importing operators' files: organizations, raw indicator inputs of a cycle, improvement plans
//! and an authority's own plans. Every import first reads the file into a [`Preview`] — what
//! would be added, changed, left as is and rejected, with reasons — without touching the
//! database ([`dry_run`]); [`apply`] does the same reading inside one transaction and writes,
//! with an audit entry per changed row and one `bulk` entry for the import. Importing the same
//! file twice changes nothing the second time.
//!
//! Both take a progress callback, so a worker thread of the terminal UI can show a bar.

mod inputs;
mod orgs;
mod plan;
pub mod portal_plan;
mod workplan;

use std::path::Path;

use anyhow::{Context, bail};
use rusqlite::Connection;

use crate::exchange::import::{self, Sheet};
use crate::service::session;
use crate::store;
use crate::store::audit::{self, Action, Entry};

/// What a file holds and where it goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Organizations (matched by ИНН+КПП, then by regNum).
    Orgs,
    /// Raw indicator inputs of a cycle, one organization per row.
    Inputs { cycle_id: i64 },
    /// Improvement plan rows of a cycle; the organization from `--org` or an ИНН column.
    Plan { cycle_id: i64, org: Option<String> },
    /// An authority's plan document.
    Workplan {
        authority: String,
        title: Option<String>,
    },
}

impl Kind {
    fn name_ru(&self) -> &'static str {
        match self {
            Kind::Orgs => "организации",
            Kind::Inputs { .. } => "исходные данные",
            Kind::Plan { .. } => "план по устранению недостатков",
            Kind::Workplan { .. } => "план уполномоченного органа",
        }
    }
}

/// What a person confirmed about a file before importing it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Options {
    /// The roles of the columns of a plan document's table of measures, left to right
    /// (`--columns "№,мероприятие,срок,исполнители,результат"`); `None`: inferred.
    pub columns: Option<Vec<import::layout::Role>>,
}

/// Where an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Rows of the file checked against the database.
    Checking { done: u64, total: u64 },
    /// Changes written.
    Writing { done: u64, total: u64 },
}

/// One added or changed thing: the line it came from, what it is, and the fields that change
/// (field, old, new; empty for an addition).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub line: usize,
    pub what: String,
    pub fields: Vec<(String, String, String)>,
}

/// A field's value in a [`Change`] as a person reads it: a stored date (`2026-12-21`) as
/// ДД.ММ.ГГГГ, anything else as it is. Changes keep stored values (the audit log records them).
pub fn shown_value(value: &str) -> std::borrow::Cow<'_, str> {
    match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(d) if value.len() == 10 => std::borrow::Cow::Owned(d.format("%d.%m.%Y").to_string()),
        _ => std::borrow::Cow::Borrowed(value),
    }
}

/// A row that cannot be imported: file, line, column and the reason in Russian.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub file: String,
    pub line: usize,
    /// The column's header as in the file, or "" when the whole row is meant.
    pub column: String,
    pub reason: String,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Line 0: a whole document (an XML file), the column its element.
        if self.line == 0 {
            return if self.column.is_empty() {
                write!(f, "{}: {}", self.file, self.reason)
            } else {
                write!(f, "{}, элемент {}: {}", self.file, self.column, self.reason)
            };
        }
        if self.column.is_empty() {
            write!(f, "{}, строка {}: {}", self.file, self.line, self.reason)
        } else {
            write!(
                f,
                "{}, строка {}, колонка «{}»: {}",
                self.file, self.line, self.column, self.reason
            )
        }
    }
}

/// What an import would do (a dry run) or did (after [`apply`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Preview {
    pub source: String,
    /// How the file was read, in Russian.
    pub format: String,
    /// What was imported, in Russian.
    pub kind: String,
    pub added: Vec<Change>,
    pub changed: Vec<Change>,
    pub unchanged: usize,
    pub rejected: Vec<Rejection>,
    /// Columns that were not understood: (line, column number, header).
    pub unknown_columns: Vec<(usize, usize, String)>,
    /// Other things worth reading (skipped lines, the title found, …).
    pub notes: Vec<String>,
    /// How the columns of a plan document were read: (column 1-based, role, header, why).
    pub columns: Vec<(usize, String, String, String)>,
    /// Why the column roles need confirmation (`--columns`), when they do.
    pub columns_uncertain: Option<String>,
    /// The rows as read, for `--format csv`: headers, then rows (organizations and inputs fill
    /// the rows in a dry run only, to keep a large import small in memory).
    pub as_read: (Vec<String>, Vec<Vec<String>>),
    /// Whether the changes were written.
    pub applied: bool,
}

impl Preview {
    fn new(sheet: &Sheet, kind: &Kind) -> Preview {
        Preview {
            source: sheet.source.clone(),
            format: sheet.format.describe(),
            kind: kind.name_ru().to_string(),
            ..Preview::default()
        }
    }

    fn reject(&mut self, line: usize, column: &str, reason: impl Into<String>) {
        self.rejected.push(Rejection {
            file: self.source.clone(),
            line,
            column: column.to_string(),
            reason: reason.into(),
        });
    }

    /// Whether the import changes anything.
    pub fn has_changes(&self) -> bool {
        !self.added.is_empty() || !self.changed.is_empty()
    }
}

/// Reads a file (CSV, xlsx, tab text) into rows.
pub fn read(path: &Path) -> anyhow::Result<Sheet> {
    Ok(import::read_file(path)?)
}

/// Why an import did not happen when another session held the database past the wait.
pub const BUSY_RU: &str = "база занята: в нее сейчас пишет другой пользователь (другая команда nok или интерфейс), \
     и ожидание истекло; база не изменена — подождите, пока он закончит, и повторите загрузку";

/// SQLite's errors in Russian: «database is locked» (another writer held the database past the
/// wait) as [`BUSY_RU`], others as [`store::explain`] words them.
pub(super) fn sqlite_ru(e: anyhow::Error) -> anyhow::Error {
    use rusqlite::ErrorCode as C;
    let busy = |r: &rusqlite::Error| {
        matches!(
            r.sqlite_error_code(),
            Some(C::DatabaseBusy | C::DatabaseLocked)
        )
    };
    let mut plain = None;
    for cause in e.chain() {
        let sql = cause.downcast_ref::<rusqlite::Error>().or_else(|| {
            match cause.downcast_ref::<store::StoreError>() {
                Some(store::StoreError::Sql(r)) => Some(r),
                _ => None,
            }
        });
        if let Some(r) = sql {
            if busy(r) {
                return anyhow::anyhow!(BUSY_RU);
            }
            if cause.downcast_ref::<rusqlite::Error>().is_some() {
                plain = Some(format!("ошибка базы данных: {}", store::explain(r)));
            }
        }
    }
    match plain {
        Some(msg) => anyhow::anyhow!(msg),
        None => e,
    }
}

/// Checks a file against the database without changing anything.
pub fn dry_run(
    conn: &mut Connection,
    sheet: &Sheet,
    kind: &Kind,
    today: chrono::NaiveDate,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    dry_run_with(conn, sheet, kind, &Options::default(), today, progress)
}

/// [`dry_run`] with what a person confirmed.
pub fn dry_run_with(
    conn: &mut Connection,
    sheet: &Sheet,
    kind: &Kind,
    options: &Options,
    today: chrono::NaiveDate,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    let mut go = || -> anyhow::Result<Preview> {
        let tx = conn.transaction()?;
        let preview = run(&tx, sheet, kind, options, today, false, progress)?;
        tx.rollback()?;
        Ok(preview)
    };
    go().map_err(sqlite_ru)
}

/// Imports a file in one transaction. With rejected rows nothing is written unless
/// `skip_rejected` is set (then the other rows are imported and the rejected ones listed).
pub fn apply(
    conn: &mut Connection,
    sheet: &Sheet,
    kind: &Kind,
    today: chrono::NaiveDate,
    skip_rejected: bool,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    apply_with(
        conn,
        sheet,
        kind,
        &Options::default(),
        today,
        skip_rejected,
        progress,
    )
}

/// [`apply`] with what a person confirmed.
pub fn apply_with(
    conn: &mut Connection,
    sheet: &Sheet,
    kind: &Kind,
    options: &Options,
    today: chrono::NaiveDate,
    skip_rejected: bool,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    apply_in_one_transaction(conn, sheet, kind, options, today, skip_rejected, progress)
        .map_err(sqlite_ru)
}

fn apply_in_one_transaction(
    conn: &mut Connection,
    sheet: &Sheet,
    kind: &Kind,
    options: &Options,
    today: chrono::NaiveDate,
    skip_rejected: bool,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    // The write lock from the start: a deferred transaction that reads and then writes fails at
    // once with «database is locked» when another session committed in between (SQLite cannot
    // wait for a newer snapshot); BEGIN IMMEDIATE waits its turn within the busy timeout.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let preview = run(&tx, sheet, kind, options, today, true, progress)?;
    finish(tx, preview, skip_rejected)
}

/// Ends an import's write transaction: with rejected rows and no `skip_rejected` nothing is
/// written (the error names every row); with changes, one bulk audit entry says what the import
/// did and the transaction is committed; without changes it is rolled back.
pub(super) fn finish(
    tx: rusqlite::Transaction<'_>,
    mut preview: Preview,
    skip_rejected: bool,
) -> anyhow::Result<Preview> {
    if !preview.rejected.is_empty() && !skip_rejected {
        tx.rollback()?;
        return Err(rejected_error(&preview));
    }
    if preview.has_changes() {
        let note = format!(
            "импорт ({}) из {}: добавлено {}, изменено {}, без изменений {}, отклонено {}",
            preview.kind,
            preview.source,
            preview.added.len(),
            preview.changed.len(),
            preview.unchanged,
            preview.rejected.len()
        );
        audit::record(
            &tx,
            &Entry {
                at: &session::now_stamp(),
                os_user: &session::os_user(),
                action: Action::Bulk,
                entity: "import",
                entity_id: None,
                field: None,
                old_value: None,
                new_value: None,
                note: &note,
            },
        )?;
        tx.commit()?;
        preview.applied = true;
    } else {
        tx.rollback()?;
    }
    Ok(preview)
}

/// The error for an import refused because of rejected rows: every row named.
pub fn rejected_error(p: &Preview) -> anyhow::Error {
    let mut msg = format!(
        "в файле {} отклонено строк: {}; ничего не изменено. Исправьте файл и повторите (или --skip-rejected, чтобы загрузить остальные):",
        p.source,
        p.rejected.len()
    );
    for r in &p.rejected {
        msg.push_str("\n  ");
        msg.push_str(&r.to_string());
    }
    anyhow::anyhow!(msg)
}

fn run(
    conn: &Connection,
    sheet: &Sheet,
    kind: &Kind,
    options: &Options,
    today: chrono::NaiveDate,
    write: bool,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    let mut preview = Preview::new(sheet, kind);
    let w = Writer::new(conn, write);
    match kind {
        Kind::Orgs => orgs::run(&w, sheet, &mut preview, progress)?,
        Kind::Inputs { cycle_id } => inputs::run(&w, sheet, *cycle_id, &mut preview, progress)?,
        Kind::Plan { cycle_id, org } => plan::run(
            &w,
            sheet,
            *cycle_id,
            org.as_deref(),
            options.columns.as_deref(),
            today,
            &mut preview,
            progress,
        )?,
        Kind::Workplan { authority, title } => workplan::run(
            &w,
            sheet,
            authority,
            title.as_deref(),
            options.columns.as_deref(),
            today,
            &mut preview,
            progress,
        )?,
    }
    Ok(preview)
}

/// Writes through to the store when applying, and records audit entries; does nothing in a
/// dry run (the reading and matching are the same in both).
struct Writer<'c> {
    conn: &'c Connection,
    write: bool,
    user: String,
    at: String,
}

impl<'c> Writer<'c> {
    fn new(conn: &'c Connection, write: bool) -> Writer<'c> {
        Writer {
            conn,
            write,
            user: session::os_user(),
            at: session::now_stamp(),
        }
    }

    fn audit(
        &self,
        action: Action,
        entity: &str,
        id: Option<i64>,
        field: Option<&str>,
        old: Option<&str>,
        new: Option<&str>,
    ) -> anyhow::Result<()> {
        if !self.write {
            return Ok(());
        }
        audit::record(
            self.conn,
            &Entry {
                at: &self.at,
                os_user: &self.user,
                action,
                entity,
                entity_id: id,
                field,
                old_value: old,
                new_value: new,
                note: "импорт",
            },
        )?;
        Ok(())
    }

    /// Audit entries for a change: one per field.
    fn audit_change(&self, entity: &str, id: i64, change: &Change) -> anyhow::Result<()> {
        for (field, old, new) in &change.fields {
            self.audit(
                Action::Update,
                entity,
                Some(id),
                Some(field),
                Some(old),
                Some(new),
            )?;
        }
        Ok(())
    }
}

/// Every cell of a row that looks like a spreadsheet formula: (column, text).
fn formula_cells(row: &import::Row) -> Option<(usize, String)> {
    row.cells
        .iter()
        .enumerate()
        .find(|(_, c)| import::values::looks_like_formula(c))
        .map(|(i, c)| (i, c.chars().take(40).collect()))
}

/// Reports the header's unknown columns.
fn note_unknown(preview: &mut Preview, map: &import::headers::HeaderMap) {
    for (col, text) in &map.unknown {
        preview
            .unknown_columns
            .push((map.line, col + 1, text.clone()));
    }
}

/// How often the progress callback is called while checking rows.
const PROGRESS_EVERY: usize = 1024;

fn need_header(
    sheet: &Sheet,
    fields: &[import::headers::Field],
    min: usize,
) -> anyhow::Result<(usize, import::headers::HeaderMap)> {
    import::headers::find_header(&sheet.rows, fields, min, 200)
        .with_context(|| {
            let names: Vec<&str> = fields.iter().take(6).map(|f| f.title).collect();
            format!(
                "в файле {} не найдена строка заголовка: нужны колонки с названиями вроде «{}» ({})",
                sheet.source,
                names.join("», «"),
                sheet.format.describe()
            )
        })
        .and_then(|found| {
            if found.1.found() == 0 {
                bail!("в файле {} нет известных колонок", sheet.source)
            }
            Ok(found)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_dates_are_shown_as_people_write_them() {
        assert_eq!(shown_value("2026-12-21"), "21.12.2026");
        assert_eq!(shown_value("2026-12-21T10:00"), "2026-12-21T10:00");
        assert_eq!(shown_value("Иванова"), "Иванова");
        assert_eq!(shown_value("2026-13-01"), "2026-13-01");
    }

    #[test]
    fn database_is_locked_is_said_in_russian() {
        let locked = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some("database is locked".into()),
        );
        let e = sqlite_ru(anyhow::Error::from(locked));
        assert_eq!(e.to_string(), BUSY_RU);
        let wrapped = sqlite_ru(anyhow::Error::from(store::StoreError::Sql(
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_LOCKED),
                None,
            ),
        )));
        assert_eq!(wrapped.to_string(), BUSY_RU);
        let other = sqlite_ru(anyhow::anyhow!("в файле нет колонки"));
        assert_eq!(other.to_string(), "в файле нет колонки");
    }
}
