//! Importing operators' files: organizations, raw indicator inputs of a cycle, improvement plans
//! and an authority's own plans. Every import goes through the same four stages, each a function
//! named for it in the import's module:
//!
//! 1. **read** — the file's rows ([`RowSource`]: streamed for CSV by [`dry_run_file`] and
//!    [`apply_file`], or a [`Sheet`] already read), the header found, each row's cells turned
//!    into the import's typed fields; a row that cannot be read is rejected with file, line,
//!    column and reason;
//! 2. **match** — the row's identifiers looked up in the database (indexed queries, not a copy of
//!    the table) and against the rows above it in the file;
//! 3. **plan** — what the row does: add, change (field, old → new) or leave ([`Planned`]); the
//!    plan of changes is what the dry run shows ([`Preview`]: every row counted, the first
//!    [`LISTED`] of each kind listed);
//! 4. **write** — the plan carried out (only when applying), with an audit entry per changed
//!    field; [`finish`] ends
//!    the transaction: refused with rejected rows (unless `skip_rejected`), otherwise one `bulk`
//!    audit entry for the import and a commit.
//!
//! Organizations, inputs and plan tables with a header row in a CSV or xlsx are streamed: memory
//! does not grow with the file. The rows above in
//! the file are remembered in a temporary table of the connection (on disk, in a fixed page
//! cache), and each import says how a row that meets what an earlier row claimed is treated, so
//! that matching and planning read the database as it was before the import. The dry run is
//! therefore the same read, match and plan stages without the write stage, in a read transaction:
//! it takes no write lock (writing the connection's temporary table locks nothing), and the plan
//! it shows is what the import then writes. Plan documents (improvement plans pasted from a
//! document or with confirmed columns, an authority's plans) are read through the same row reader
//! and kept whole (their tables are found by what all their rows hold; they are document-sized). Importing the same file twice changes nothing
//! the second time.
//!
//! Every entry point takes a progress callback, so a worker thread of the terminal UI can show a
//! bar.

pub mod guess;
mod inputs;
mod orgs;
mod plan;
pub mod portal_plan;
mod workplan;

use std::path::Path;

use anyhow::{Context, bail};
use rusqlite::Connection;

use crate::exchange::import::stream::{RowSource, RowStream, SheetRows};
use crate::exchange::import::{self, Row, Sheet};
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

/// Whether a dry run of organizations or inputs keeps every row as read ([`Preview::as_read`],
/// for `--format csv`): memory then grows with the file. The dry runs of a [`Sheet`]
/// ([`dry_run`], [`dry_run_with`]) always keep them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsRead {
    Keep,
    Drop,
}

/// Where an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// How far the file is checked against the database: rows of a sheet, or bytes of a
    /// streamed file (`done` of `total`, whatever the unit).
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

/// How many rows of each kind (added, changed, left, rejected) a [`Preview`] lists one by one;
/// beyond that they are only counted, so a file of a million rows is checked in fixed memory.
pub const LISTED: usize = 1000;

/// What one row of a file does to the database: the plan of changes for that row.
#[derive(Debug, Clone, PartialEq)]
pub enum Planned {
    /// A new record (the [`Change`] has no fields).
    Add(Change),
    /// A stored record changes: field, old → new.
    Update(Change),
    /// A stored record stays as it is (the [`Change`] has no fields).
    Leave(Change),
}

/// How many rows were added, changed and rejected in all (the lists in a [`Preview`] hold the
/// first [`LISTED`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub added: usize,
    pub changed: usize,
    pub rejected: usize,
}

/// What an import would do (a dry run: the plan of changes) or did (after [`apply`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Preview {
    pub source: String,
    /// How the file was read, in Russian.
    pub format: String,
    /// What was imported, in Russian.
    pub kind: String,
    /// The first [`LISTED`] additions ([`Preview::added_count`] counts them all).
    pub added: Vec<Change>,
    /// The first [`LISTED`] changes, field by field ([`Preview::changed_count`] counts them all).
    pub changed: Vec<Change>,
    /// How many rows leave a stored record as it is.
    pub unchanged: usize,
    /// The first [`LISTED`] of those rows.
    pub left: Vec<Change>,
    /// The first [`LISTED`] rejected rows ([`Preview::rejected_count`] counts them all).
    pub rejected: Vec<Rejection>,
    /// All added, changed and rejected rows, listed or not.
    pub counts: Counts,
    /// Columns that were not understood: (line, column number, header).
    pub unknown_columns: Vec<(usize, usize, String)>,
    /// Other things worth reading (skipped lines, the title found, …).
    pub notes: Vec<String>,
    /// How the columns of a plan document were read: (column 1-based, role, header, why).
    pub columns: Vec<(usize, String, String, String)>,
    /// Why the column roles need confirmation (`--columns`), when they do.
    pub columns_uncertain: Option<String>,
    /// The rows as read, for `--format csv`: headers, then rows (organizations and inputs fill
    /// the rows in a dry run with [`Options::keep_rows`] only, to keep a large import small).
    pub as_read: (Vec<String>, Vec<Vec<String>>),
    /// Whether the changes were written.
    pub applied: bool,
}

impl Preview {
    fn new(rows: &dyn RowSource, kind: &Kind) -> Preview {
        Preview {
            source: rows.source().to_string(),
            format: rows.format().describe(),
            kind: kind.name_ru().to_string(),
            ..Preview::default()
        }
    }

    fn reject(&mut self, line: usize, column: &str, reason: impl Into<String>) {
        let rejection = Rejection {
            file: self.source.clone(),
            line,
            column: column.to_string(),
            reason: reason.into(),
        };
        self.reject_row(rejection);
    }

    /// Counts a rejected row, and lists it while fewer than [`LISTED`] are.
    fn reject_row(&mut self, rejection: Rejection) {
        self.counts.rejected = self.rejected_count() + 1;
        if self.rejected.len() < LISTED {
            self.rejected.push(rejection);
        }
    }

    /// Counts a row's plan of changes, and lists it while fewer than [`LISTED`] of its kind are.
    fn plan(&mut self, planned: Planned) {
        let (list, count) = match planned {
            Planned::Add(c) => {
                self.counts.added = self.added_count() + 1;
                (&mut self.added, c)
            }
            Planned::Update(c) => {
                self.counts.changed = self.changed_count() + 1;
                (&mut self.changed, c)
            }
            Planned::Leave(c) => {
                self.unchanged += 1;
                (&mut self.left, c)
            }
        };
        if list.len() < LISTED {
            list.push(count);
        }
    }

    /// How many rows are (or would be) added, listed or not.
    pub fn added_count(&self) -> usize {
        self.counts.added.max(self.added.len())
    }

    /// How many rows change a stored record, listed or not.
    pub fn changed_count(&self) -> usize {
        self.counts.changed.max(self.changed.len())
    }

    /// How many rows are rejected, listed or not.
    pub fn rejected_count(&self) -> usize {
        self.counts.rejected.max(self.rejected.len())
    }

    /// Whether the import changes anything.
    pub fn has_changes(&self) -> bool {
        self.added_count() > 0 || self.changed_count() > 0
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

/// Checks a file already read against the database without changing anything.
pub fn dry_run(
    conn: &mut Connection,
    sheet: &Sheet,
    kind: &Kind,
    today: chrono::NaiveDate,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    dry_run_with(conn, sheet, kind, &Options::default(), today, progress)
}

/// [`dry_run`] with what a person confirmed; the rows as read are kept.
pub fn dry_run_with(
    conn: &mut Connection,
    sheet: &Sheet,
    kind: &Kind,
    options: &Options,
    today: chrono::NaiveDate,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    let mut rows = SheetRows::new(sheet);
    checked(
        conn,
        &mut rows,
        kind,
        options,
        AsRead::Keep,
        today,
        progress,
    )
}

/// Checks a file against the database without changing anything, reading it as a stream
/// (memory does not grow with the file unless the rows as read are kept).
pub fn dry_run_file(
    conn: &mut Connection,
    path: &Path,
    kind: &Kind,
    options: &Options,
    as_read: AsRead,
    today: chrono::NaiveDate,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    let mut rows = RowStream::open(path)?;
    checked(conn, &mut rows, kind, options, as_read, today, progress)
}

/// The dry run: the read, match and plan stages in a read transaction (no write lock; see the
/// module's comment), rolled back.
fn checked(
    conn: &mut Connection,
    rows: &mut dyn RowSource,
    kind: &Kind,
    options: &Options,
    as_read: AsRead,
    today: chrono::NaiveDate,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    let spill = TempOnDisk::begin(conn, kind)?;
    let mut go = || -> anyhow::Result<Preview> {
        // A read transaction: one snapshot of the database for the whole file, and no write
        // lock (only the connection's temporary table is written).
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)?;
        let keep = as_read == AsRead::Keep;
        let preview = run(&tx, rows, kind, options, keep, today, false, progress)?;
        tx.rollback()?;
        Ok(preview)
    };
    let result = go();
    spill.end(conn, result).map_err(sqlite_ru)
}

/// Temporary tables in a file for the transaction of an import of inputs (see
/// `store::import_inputs::temp_on_disk`), back to the default after it.
struct TempOnDisk(bool);

impl TempOnDisk {
    fn begin(conn: &Connection, kind: &Kind) -> anyhow::Result<TempOnDisk> {
        let on = matches!(kind, Kind::Inputs { .. });
        if on {
            store::import_inputs::temp_on_disk(conn)?;
        }
        Ok(TempOnDisk(on))
    }

    fn end<T>(self, conn: &Connection, result: anyhow::Result<T>) -> anyhow::Result<T> {
        if self.0 {
            store::import_inputs::temp_default(conn)?;
        }
        result
    }
}

/// Imports a file already read in one transaction. With rejected rows nothing is written unless
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
    let mut rows = SheetRows::new(sheet);
    apply_in_one_transaction(
        conn,
        &mut rows,
        kind,
        options,
        today,
        skip_rejected,
        progress,
    )
    .map_err(sqlite_ru)
}

/// [`apply_with`] reading the file as a stream.
pub fn apply_file(
    conn: &mut Connection,
    path: &Path,
    kind: &Kind,
    options: &Options,
    today: chrono::NaiveDate,
    skip_rejected: bool,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    let mut rows = RowStream::open(path)?;
    apply_in_one_transaction(
        conn,
        &mut rows,
        kind,
        options,
        today,
        skip_rejected,
        progress,
    )
    .map_err(sqlite_ru)
}

fn apply_in_one_transaction(
    conn: &mut Connection,
    rows: &mut dyn RowSource,
    kind: &Kind,
    options: &Options,
    today: chrono::NaiveDate,
    skip_rejected: bool,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    // The write lock from the start: a deferred transaction that reads and then writes fails at
    // once with «database is locked» when another session committed in between (SQLite cannot
    // wait for a newer snapshot); BEGIN IMMEDIATE waits its turn within the busy timeout.
    let spill = TempOnDisk::begin(conn, kind)?;
    let mut go = || -> anyhow::Result<Preview> {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let preview = run(&tx, rows, kind, options, false, today, true, progress)?;
        finish(tx, preview, skip_rejected)
    };
    let result = go();
    spill.end(conn, result)
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
            preview.added_count(),
            preview.changed_count(),
            preview.unchanged,
            preview.rejected_count()
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
        p.rejected_count()
    );
    for r in &p.rejected {
        msg.push_str("\n  ");
        msg.push_str(&r.to_string());
    }
    if p.rejected_count() > p.rejected.len() {
        msg.push_str(&format!(
            "\n  … и еще {} (показаны первые {})",
            p.rejected_count() - p.rejected.len(),
            p.rejected.len()
        ));
    }
    anyhow::anyhow!(msg)
}

#[allow(clippy::too_many_arguments)]
fn run(
    conn: &Connection,
    rows: &mut dyn RowSource,
    kind: &Kind,
    options: &Options,
    keep_rows: bool,
    today: chrono::NaiveDate,
    apply: bool,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Preview> {
    let mut preview = Preview::new(rows, kind);
    let w = Writer::new(conn, apply, keep_rows && !apply);
    match kind {
        Kind::Orgs => orgs::run(&w, rows, &mut preview, progress)?,
        Kind::Inputs { cycle_id } => inputs::run(&w, rows, *cycle_id, &mut preview, progress)?,
        Kind::Plan { cycle_id, org } => plan::run(
            &w,
            rows,
            *cycle_id,
            org.as_deref(),
            options.columns.as_deref(),
            today,
            &mut preview,
            progress,
        )?,
        Kind::Workplan { authority, title } => workplan::run(
            &w,
            &whole(rows)?,
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

/// Every row of a source, for the imports of plan documents (read whole: their tables are found
/// by what all their rows hold).
fn whole(rows: &mut dyn RowSource) -> anyhow::Result<Sheet> {
    let mut all = Vec::new();
    while let Some(row) = rows.next_row()? {
        all.push(row);
    }
    Ok(Sheet {
        source: rows.source().to_string(),
        format: rows.format().clone(),
        rows: all,
    })
}

/// The read stage's start for a table with a header row: the first [`HEADER_SCAN`] rows looked
/// at for the header, the rest of the file behind them.
pub(super) struct Body<'s> {
    ahead: std::collections::VecDeque<Row>,
    rows: &'s mut dyn RowSource,
}

/// How many rows at a file's start are looked at for its header.
pub(super) const HEADER_SCAN: usize = 200;

impl<'s> Body<'s> {
    /// Reads the first [`HEADER_SCAN`] rows.
    pub(super) fn open(rows: &'s mut dyn RowSource) -> anyhow::Result<Body<'s>> {
        let mut ahead = std::collections::VecDeque::new();
        while ahead.len() < HEADER_SCAN {
            match rows.next_row()? {
                Some(row) => ahead.push_back(row),
                None => break,
            }
        }
        Ok(Body { ahead, rows })
    }

    /// The rows read ahead (where the header is looked for).
    pub(super) fn head(&self) -> &std::collections::VecDeque<Row> {
        &self.ahead
    }

    /// Drops the rows up to and including the header (at `at` in [`Body::head`]) and returns it.
    pub(super) fn take_header(&mut self, at: usize) -> Row {
        let header = self.ahead.drain(..=at).next_back();
        header.unwrap_or(Row {
            line: 0,
            cells: Vec::new(),
        })
    }

    /// The next row after the header.
    pub(super) fn next(&mut self) -> anyhow::Result<Option<Row>> {
        if let Some(row) = self.ahead.pop_front() {
            return Ok(Some(row));
        }
        Ok(self.rows.next_row()?)
    }

    /// The file's name.
    pub(super) fn source(&self) -> &str {
        self.rows.source()
    }

    /// How far the reading is: (done, total).
    pub(super) fn progress(&self) -> (u64, u64) {
        self.rows.progress()
    }
}

/// The write stage's handle: the connection, whether the import is applied (`apply`; false in a
/// dry run, which writes nothing), whether a dry run keeps the rows as read, and the audit
/// entries' author and time.
struct Writer<'c> {
    conn: &'c Connection,
    apply: bool,
    keep_rows: bool,
    user: String,
    at: String,
}

impl<'c> Writer<'c> {
    fn new(conn: &'c Connection, apply: bool, keep_rows: bool) -> Writer<'c> {
        Writer {
            conn,
            apply,
            keep_rows,
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
        if !self.apply {
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
                note: AUDIT_NOTE,
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

/// The note of an import's audit entries for single records.
const AUDIT_NOTE: &str = "импорт";

/// Every cell of a row that looks like a spreadsheet formula: (column, text).
fn formula_cells(row: &import::Row) -> Option<(usize, String)> {
    row.cells
        .iter()
        .enumerate()
        .find(|(_, c)| import::values::looks_like_formula(c))
        .map(|(i, c)| (i, c.chars().take(40).collect()))
}

/// Reports the header's unknown columns, but for one that only numbers the rows.
fn note_unknown(preview: &mut Preview, map: &import::headers::HeaderMap) {
    for (col, text) in &map.unknown {
        if !numbers_rows(text) {
            preview
                .unknown_columns
                .push((map.line, col + 1, text.clone()));
        }
    }
}

/// Whether a header names the column that numbers the rows («№ п/п», «№», «N п/п»): nothing a
/// person need be told was left out.
fn numbers_rows(header: &str) -> bool {
    matches!(
        import::headers::normalize(header).as_str(),
        "№" | "№ п п" | "№п п" | "n п п" | "номер п п" | "п п"
    )
}

/// How often the progress callback is called while checking rows.
const PROGRESS_EVERY: usize = 1024;

/// The lines forms put around a table that are no record of it, skipped and named in the notes
/// (the first [`Strays::LISTED`], then counted) rather than rejected as records:
/// - a line of one cell with no identifier in the key column (nine digits or more): a section
///   heading («Учреждения культуры»), a signature, a date, wherever the cell stands;
/// - a total: its first cell begins with «Итого» or «Всего», and its key column holds no
///   identifier (nine digits or more);
/// - the row of column numbers Russian forms put under the header: «1», «2», «3»… in the
///   columns, three or more.
#[derive(Debug, Default)]
pub(super) struct Strays {
    seen: usize,
}

impl Strays {
    const LISTED: usize = 20;

    /// Whether `row` is such a line, `key` being what its key column (the ИНН) holds; if it is,
    /// it is noted in `preview`.
    pub(super) fn skip(&mut self, row: &Row, key: &str, preview: &mut Preview) -> bool {
        self.skip_if(is_stray(row, key, true), row, preview)
    }

    /// Like [`Strays::skip`] for a table whose one-cell lines mean something (a plan's measure
    /// wrapped over lines, a section): only a total and the row of column numbers.
    pub(super) fn skip_frame(&mut self, row: &Row, key: &str, preview: &mut Preview) -> bool {
        self.skip_if(is_stray(row, key, false), row, preview)
    }

    fn skip_if(&mut self, stray: bool, row: &Row, preview: &mut Preview) -> bool {
        if !stray {
            return false;
        }
        self.seen += 1;
        if self.seen <= Self::LISTED {
            let text: Vec<&str> = row.filled().map(|(_, c)| c).take(4).collect();
            let text = crate::domain::text::printable(&text.join(" ")).into_owned();
            let text: String = text.chars().take(80).collect();
            preview
                .notes
                .push(format!("строка {} пропущена: «{text}»", row.line));
        }
        true
    }

    /// Notes how many more were skipped than named.
    pub(super) fn finish(self, preview: &mut Preview) {
        if self.seen > Self::LISTED {
            preview.notes.push(format!(
                "… и еще пропущено строк: {} (показаны первые {})",
                self.seen - Self::LISTED,
                Self::LISTED
            ));
        }
    }
}

/// Whether `row` is a line around a table (see [`Strays`]); `one_cell`: whether a line of one
/// cell is one.
fn is_stray(row: &Row, key: &str, one_cell: bool) -> bool {
    let key_is_id = key.chars().filter(char::is_ascii_digit).count() >= 9;
    if one_cell && !key_is_id && row.filled().count() <= 1 {
        return true;
    }
    // Compared letter by letter: no lowered copy of a cell for every row of the file.
    let first = row.filled().next().map_or("", |(_, c)| c.trim());
    let begins = |word: &str| {
        first
            .chars()
            .take(5)
            .flat_map(char::to_lowercase)
            .eq(word.chars())
    };
    if !key_is_id && (begins("итого") || begins("всего")) {
        return true;
    }
    // 1, 2, 3… across the filled cells, in column order.
    let mut k = 0u32;
    for (_, c) in row.filled() {
        match c.trim().parse::<u32>() {
            Ok(n) if n == k + 1 => k = n,
            _ => return false,
        }
    }
    k >= 3
}

/// The header row of a streamed table among its first [`HEADER_SCAN`] rows: the row and how its
/// columns map to `fields`; the rows before it are dropped from `body`.
fn stream_header(
    body: &mut Body<'_>,
    fields: &[import::headers::Field],
    min: usize,
) -> anyhow::Result<(Row, import::headers::HeaderMap)> {
    let found =
        import::headers::find_header_rows(body.ahead.make_contiguous(), fields, min, HEADER_SCAN);
    let Some(found) = found else {
        let names: Vec<&str> = fields.iter().take(6).map(|f| f.title).collect();
        bail!(
            "в файле {} не найдена строка заголовка: нужны колонки с названиями вроде «{}» ({})",
            body.source(),
            names.join("», «"),
            body.rows.format().describe()
        );
    };
    if found.map.found() == 0 {
        bail!("в файле {} нет известных колонок", body.source())
    }
    // The header's rows leave the body; a header of two rows is the two joined.
    body.take_header(found.at + found.rows - 1);
    Ok((found.row, found.map))
}

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
    fn lines_around_a_table_are_told_from_records() {
        let row = |cells: &[&str]| Row {
            line: 1,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        };
        let inn = "7801234564";
        // (cells, the key column's text, one-cell lines counted, stray)
        for (cells, key, one_cell, stray) in [
            (
                &["ИТОГО по учреждениям", "", "12"][..],
                "ИТОГО по учреждениям",
                true,
                true,
            ),
            (&["Всего:", "5"][..], "Всего:", false, true),
            (&["1", "2", "3", "4"][..], "1", false, true),
            (&["1", "2"][..], "1", false, false),
            (&["Исполнитель: Петрова"][..], "", true, true),
            (&["Исполнитель: Петрова"][..], "", false, false),
            (&["Всего хорошего, ООО", inn, "5"][..], inn, true, false),
            (&["ГБУ «Дом»", inn, "5"][..], inn, true, false),
        ] {
            assert_eq!(is_stray(&row(cells), key, one_cell), stray, "{cells:?}");
        }
    }

    #[test]
    fn the_column_numbering_rows_is_known() {
        for h in ["№ п/п", "№", "N п/п", "№п/п", "Номер п/п", "п/п"] {
            assert!(numbers_rows(h), "{h}");
        }
        for h in ["№ заявки", "Номер телефона", "Код"] {
            assert!(!numbers_rows(h), "{h}");
        }
    }

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
