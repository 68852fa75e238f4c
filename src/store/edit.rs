//! Edits made in forms: every update names the row version it read (`… WHERE id = ? AND version
//! = ?`), bumps it, and writes each changed field to the audit log in the same transaction. When
//! the row was changed by someone else since it was read, nothing is written and the row as it is
//! now comes back, with who changed it last (from the audit log).
//!
//! These writes name columns; the typed writes of the forms and commands (`store::fields`) are
//! built on them.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::StoreError;
use super::audit::{self, Action, Entry};

pub use crate::domain::record::Table;
use crate::domain::record::Val;

/// The tables forms edit, each with the columns a form may write.
impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::PlanRow => "plan_row",
            Table::Shortcoming => "shortcoming",
            Table::CouncilMeeting => "council_meeting",
            Table::WorkplanItem => "workplan_item",
            Table::Cycle => "cycle",
            Table::Membership => "membership",
            Table::Organization => "organization",
        }
    }

    /// Columns that may be written through [`update`] (the names are put into SQL, so only
    /// these are accepted).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Table::PlanRow => &[
                "status",
                "actual_date",
                "implemented_measures",
                "cancel_reason",
                "number",
                "criterion",
                "shortcoming",
                "measure",
                "planned_date",
                "resp_last_name",
                "resp_first_name",
                "resp_middle_name",
                "resp_position",
                "expected_result",
                "result_indicators",
            ],
            Table::WorkplanItem => &["status", "completed_on", "note"],
            Table::CouncilMeeting => &["date", "protocol_number", "agenda", "decisions"],
            Table::Shortcoming => &["text", "criterion", "indicator"],
            Table::Cycle => &[
                "scores_stale",
                "status",
                "operator_name",
                "operator_inn",
                "contract_number",
                "contract_date",
                "council_protocol_number",
                "council_protocol_date",
            ],
            Table::Membership => &["grp", "respondents", "plan_approved_on", "recipients"],
            Table::Organization => &[
                "full_name",
                "short_name",
                "inn",
                "kpp",
                "ogrn",
                "reg_num",
                "oktmo",
                "address",
                "website",
                "active",
            ],
        }
    }
}

/// One field to change: its column, the value the form read, the value to write.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldEdit {
    pub column: &'static str,
    pub old: Value,
    pub new: Value,
}

/// Who changes and when (for the audit log).
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    pub os_user: &'a str,
    /// Local time `YYYY-MM-DDThh:mm:ss`.
    pub at: &'a str,
}

/// The row as it is now, when someone else changed it since it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub version: i64,
    /// The fields (every column a form may write, or the input keys of the edit) with their
    /// values now; [`Conflict::value`] finds a field's.
    pub now: Vec<(String, Val)>,
    /// Who made the last change of the row and when (`YYYY-MM-DDThh:mm:ss`), from the audit log.
    pub by: Option<(String, String)>,
}

/// Why an edit was not written.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("запись изменена другим пользователем")]
    Conflict(Conflict),
    #[error("запись удалена другим пользователем")]
    Gone,
    #[error("поле «{0}» нельзя изменить в этой таблице")]
    Column(&'static str),
    /// The change breaks a rule; the message says which and what to do instead.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl EditError {
    /// Whether the change was not made because another session held the database's lock.
    pub fn is_busy(&self) -> bool {
        matches!(self, EditError::Store(e) if e.is_busy())
    }
}

impl From<rusqlite::Error> for EditError {
    fn from(e: rusqlite::Error) -> Self {
        EditError::Store(StoreError::Sql(e))
    }
}

/// A value as the audit log keeps it (`None` = NULL): [`Val::to_text`].
pub fn audit_text(v: &Value) -> Option<String> {
    Val::from(v.clone()).to_text()
}

/// Optional text as a value: `None` → NULL.
pub fn text_or_null(t: Option<&str>) -> Value {
    t.map_or(Value::Null, |t| Value::Text(t.to_string()))
}

fn check_columns(table: Table, columns: &[&'static str]) -> Result<(), EditError> {
    match columns.iter().find(|c| !table.columns().contains(c)) {
        Some(c) => Err(EditError::Column(c)),
        None => Ok(()),
    }
}

/// Reads `columns` of row `id` with its version; `None` when there is no such row.
pub fn read(
    conn: &Connection,
    table: Table,
    id: i64,
    columns: &[&'static str],
) -> Result<Option<(Vec<Value>, i64)>, EditError> {
    check_columns(table, columns)?;
    let mut cols: Vec<&str> = columns.to_vec();
    cols.push("version");
    let sql = format!(
        "SELECT {} FROM {} WHERE id = ?1",
        cols.join(", "),
        table.name()
    );
    let n = columns.len();
    Ok(conn
        .query_row(&sql, [id], |r| {
            let mut values = Vec::with_capacity(n);
            for i in 0..n {
                values.push(r.get::<_, Value>(i)?);
            }
            Ok((values, r.get::<_, i64>(n)?))
        })
        .optional()?)
}

/// Changes row `id` of `table` read at `version`: writes the fields whose value differs from the
/// one read, bumps the version and records each in the audit log (with `note`), all in one
/// transaction. Returns the version after the change (`version` itself when nothing differed).
pub fn update(
    conn: &Connection,
    table: Table,
    id: i64,
    version: i64,
    edits: &[FieldEdit],
    who: Author<'_>,
    note: &str,
) -> Result<i64, EditError> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let new_version = update_in(&tx, table, id, version, edits, who, note)?;
    tx.commit()?;
    Ok(new_version)
}

/// [`update`] inside a transaction the caller commits (to change several rows at once).
pub fn update_in(
    tx: &Connection,
    table: Table,
    id: i64,
    version: i64,
    edits: &[FieldEdit],
    who: Author<'_>,
    note: &str,
) -> Result<i64, EditError> {
    let changed: Vec<&FieldEdit> = edits.iter().filter(|e| e.old != e.new).collect();
    let columns: Vec<&'static str> = edits.iter().map(|e| e.column).collect();
    check_columns(table, &columns)?;
    let sets: Vec<String> = changed
        .iter()
        .enumerate()
        .map(|(i, e)| format!("{} = ?{}", e.column, i + 3))
        .chain(std::iter::once("version = version + 1".to_string()))
        .collect();
    let sql = format!(
        "UPDATE {} SET {} WHERE id = ?1 AND version = ?2",
        table.name(),
        sets.join(", ")
    );
    let mut params: Vec<Value> = vec![Value::Integer(id), Value::Integer(version)];
    params.extend(changed.iter().map(|e| e.new.clone()));
    let updated = if changed.is_empty() {
        // Nothing to write; still make sure the row is as it was read.
        tx.query_row(
            &format!(
                "SELECT count(*) FROM {} WHERE id = ?1 AND version = ?2",
                table.name()
            ),
            [id, version],
            |r| r.get::<_, i64>(0),
        )? as usize
    } else {
        tx.execute(&sql, rusqlite::params_from_iter(params))?
    };
    if updated != 1 {
        // Every column a form may write, so that a change of a field this edit left alone
        // is shown too.
        let all = table.columns();
        return Err(match read(tx, table, id, all)? {
            None => EditError::Gone,
            Some((values, now_version)) => EditError::Conflict(Conflict {
                version: now_version,
                now: all
                    .iter()
                    .map(|c| c.to_string())
                    .zip(values.into_iter().map(Val::from))
                    .collect(),
                by: last_change(tx, table.name(), id)?,
            }),
        });
    }
    if changed.is_empty() {
        return Ok(version);
    }
    for e in &changed {
        let old = audit_text(&e.old);
        let new = audit_text(&e.new);
        audit::record(
            tx,
            &Entry {
                at: who.at,
                os_user: who.os_user,
                action: Action::Update,
                entity: table.name(),
                entity_id: Some(id),
                field: Some(e.column),
                old_value: old.as_deref(),
                new_value: new.as_deref(),
                note,
            },
        )?;
    }
    Ok(version + 1)
}

/// Who changed `entity` `id` last and when, from the audit log.
pub fn last_change(
    conn: &Connection,
    entity: &str,
    id: i64,
) -> Result<Option<(String, String)>, EditError> {
    Ok(conn
        .query_row(
            "SELECT os_user, at FROM audit_log WHERE entity = ?1 AND entity_id = ?2
             ORDER BY id DESC LIMIT 1",
            rusqlite::params![entity, id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Another organization that already has these identifiers (ИНН + КПП, or regNum), as
/// «наименование (ИНН …)»; `None` when they are free.
pub fn org_taken(
    conn: &Connection,
    id: i64,
    inn: &str,
    kpp: &str,
    reg_num: &str,
) -> Result<Option<String>, EditError> {
    Ok(conn
        .query_row(
            "SELECT CASE WHEN short_name <> '' THEN short_name ELSE full_name END, inn
             FROM organization
             WHERE id <> ?1 AND ((inn = ?2 AND kpp = ?3) OR reg_num = ?4) LIMIT 1",
            rusqlite::params![id, inn, kpp, reg_num],
            |r| {
                Ok(format!(
                    "«{}» (ИНН {})",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?
                ))
            },
        )
        .optional()?)
}

/// A whole row as stored: each column with its value (for a delete and its undo).
pub type StoredRow = Vec<(String, Value)>;

/// A deleted record as it was: its row, and the rows that belong to it and went with it (the
/// executors of an authority-plan item), so that an undo puts all of it back.
#[derive(Debug, Clone, PartialEq)]
pub struct Removed {
    pub row: StoredRow,
    /// (table, row) of each dependent row deleted with it.
    pub dependents: Vec<(&'static str, StoredRow)>,
}

impl Table {
    /// Whether a form may delete rows of the table. What refers to a row either goes with it
    /// and comes back with an undo (the executors of an authority-plan item), or refuses the
    /// delete with a message ([`refusal`]).
    pub fn deletable(self) -> bool {
        matches!(
            self,
            Table::CouncilMeeting
                | Table::PlanRow
                | Table::Shortcoming
                | Table::Organization
                | Table::WorkplanItem
        )
    }

    /// Tables whose rows belong to a row of this one and are deleted with it.
    fn dependents(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Table::WorkplanItem => &[("workplan_executor", "item_id")],
            _ => &[],
        }
    }
}

fn count(tx: &Connection, sql: &str, id: i64) -> Result<i64, EditError> {
    Ok(tx.query_row(sql, [id], |r| r.get(0))?)
}

/// Why row `id` of `table` may not be deleted (Russian, says what to do instead); `None` when
/// it may.
pub(crate) fn refusal(tx: &Connection, table: Table, id: i64) -> Result<Option<String>, EditError> {
    let msg = match table {
        // A plan row someone has spot-checked carries that check: deleting it would take the
        // check with it (and an undo could not bring it back).
        Table::PlanRow
            if count(
                tx,
                "SELECT count(*) FROM spot_check WHERE plan_row_id = ?1",
                id,
            )? > 0 =>
        {
            "строку уже проверяли выборочно, удалить ее нельзя; если мероприятие не нужно, \
             отмените его (статус «отменено» с причиной)"
                .to_string()
        }
        Table::Shortcoming => {
            let n = count(
                tx,
                "SELECT count(*) FROM plan_row WHERE shortcoming_id = ?1",
                id,
            )?;
            if n == 0 {
                return Ok(None);
            }
            format!(
                "на недостаток ссылаются строки плана ({n}); сначала удалите их или измените \
                 текст недостатка"
            )
        }
        Table::Organization => {
            let cycles = count(tx, "SELECT count(*) FROM membership WHERE org_id = ?1", id)?;
            // Positions are keyed by cycle: without a membership this reads them all, which an
            // organization in no cycle (the only one that can be deleted) makes rare.
            let exported = if cycles == 0 {
                count(
                    tx,
                    "SELECT count(*) FROM export_position WHERE org_id = ?1",
                    id,
                )?
            } else {
                0
            };
            if cycles == 0 && exported == 0 {
                return Ok(None);
            }
            format!(
                "организация входит в циклы оценки ({cycles}) или ее документы выгружались на \
                 bus.gov.ru; удалить ее нельзя — снимите отметку «действует» в реквизитах (r)"
            )
        }
        Table::WorkplanItem
            if count(
                tx,
                "SELECT count(*) FROM workplan_item WHERE parent_id = ?1",
                id,
            )? > 0 =>
        {
            "у мероприятия есть подпункты; сначала удалите их".to_string()
        }
        Table::Cycle
            if count(
                tx,
                "SELECT count(*) FROM membership WHERE cycle_id = ?1",
                id,
            )? > 0 =>
        {
            "в цикле уже есть организации; удалить его нельзя".to_string()
        }
        _ => return Ok(None),
    };
    Ok(Some(msg))
}

fn read_rows(tx: &Connection, sql: &str, id: i64) -> Result<Vec<StoredRow>, EditError> {
    let mut stmt = tx.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
    let rows = stmt
        .query_map([id], |r| {
            names
                .iter()
                .enumerate()
                .map(|(i, n)| Ok((n.clone(), r.get::<_, Value>(i)?)))
                .collect::<rusqlite::Result<StoredRow>>()
        })?
        .collect::<rusqlite::Result<Vec<StoredRow>>>()?;
    Ok(rows)
}

fn audit_row(
    tx: &Connection,
    entity: &str,
    id: Option<i64>,
    row: &StoredRow,
    action: Action,
    who: Author<'_>,
    note: &str,
) -> Result<(), EditError> {
    for (column, value) in row.iter().filter(|(n, _)| n != "id") {
        let value = audit_text(value);
        let (old, new) = match action {
            Action::Delete => (value.as_deref(), None),
            _ => (None, value.as_deref()),
        };
        audit::record(
            tx,
            &Entry {
                at: who.at,
                os_user: who.os_user,
                action,
                entity,
                entity_id: id,
                field: Some(column),
                old_value: old,
                new_value: new,
                note,
            },
        )?;
    }
    Ok(())
}

/// Deletes row `id` of `table` read at `version`, writing each of its values to the audit log
/// (old → NULL); returns the row as it was, for an undo. A row changed or deleted meanwhile is
/// not deleted; nor is one something else still needs ([`refusal`]).
pub fn delete(
    conn: &Connection,
    table: Table,
    id: i64,
    version: i64,
    who: Author<'_>,
    note: &str,
) -> Result<Removed, EditError> {
    if !table.deletable() {
        return Err(EditError::Column("строка целиком"));
    }
    delete_row(conn, table, id, version, who, note)
}

/// [`delete`] for any table a form writes (also the undo of a record made in a form).
pub(crate) fn delete_row(
    conn: &Connection,
    table: Table,
    id: i64,
    version: i64,
    who: Author<'_>,
    note: &str,
) -> Result<Removed, EditError> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let Some(row) = read_rows(
        &tx,
        &format!("SELECT * FROM {} WHERE id = ?1", table.name()),
        id,
    )?
    .pop() else {
        return Err(EditError::Gone);
    };
    let now_version = row
        .iter()
        .find(|(n, _)| n == "version")
        .and_then(|(_, v)| match v {
            Value::Integer(i) => Some(*i),
            _ => None,
        })
        .unwrap_or(0);
    if now_version != version {
        return Err(EditError::Conflict(Conflict {
            version: now_version,
            now: row.into_iter().map(|(n, v)| (n, Val::from(v))).collect(),
            by: last_change(&tx, table.name(), id)?,
        }));
    }
    if let Some(why) = refusal(&tx, table, id)? {
        return Err(EditError::Refused(why));
    }
    let mut dependents = Vec::new();
    for (dep, key) in table.dependents() {
        for r in read_rows(&tx, &format!("SELECT * FROM {dep} WHERE {key} = ?1"), id)? {
            audit_row(&tx, dep, Some(id), &r, Action::Delete, who, note)?;
            dependents.push((*dep, r));
        }
        tx.execute(&format!("DELETE FROM {dep} WHERE {key} = ?1"), [id])?;
    }
    tx.execute(
        &format!(
            "DELETE FROM {} WHERE id = ?1 AND version = ?2",
            table.name()
        ),
        [id, version],
    )?;
    audit_row(&tx, table.name(), Some(id), &row, Action::Delete, who, note)?;
    tx.commit()?;
    Ok(Removed { row, dependents })
}

/// Column names of `table` as the database has them.
fn table_columns(tx: &Connection, table: &str) -> Result<Vec<String>, EditError> {
    let stmt = tx.prepare(&format!("SELECT * FROM {table} LIMIT 0"))?;
    Ok(stmt.column_names().iter().map(|c| c.to_string()).collect())
}

/// Inserts `row` into `table` as it is (columns checked against the table's own); returns
/// whether a row was inserted (not when its key is taken).
fn insert_stored(tx: &Connection, table: &str, row: &StoredRow) -> Result<bool, EditError> {
    let known = table_columns(tx, table)?;
    if let Some((bad, _)) = row.iter().find(|(n, _)| !known.contains(n)) {
        return Err(EditError::Store(StoreError::Invalid(format!(
            "в таблице {table} нет колонки {bad}"
        ))));
    }
    let names: Vec<&str> = row.iter().map(|(n, _)| n.as_str()).collect();
    let marks: Vec<String> = (1..=row.len()).map(|i| format!("?{i}")).collect();
    let inserted = tx.execute(
        &format!(
            "INSERT OR IGNORE INTO {table} ({}) VALUES ({})",
            names.join(", "),
            marks.join(", ")
        ),
        rusqlite::params_from_iter(row.iter().map(|(_, v)| v)),
    )?;
    Ok(inserted == 1)
}

/// Puts a deleted record back as it was (the undo of [`delete`]), with the rows that went with
/// it, writing each value to the audit log (NULL → value).
pub fn restore(
    conn: &Connection,
    table: Table,
    removed: &Removed,
    who: Author<'_>,
    note: &str,
) -> Result<(), EditError> {
    if !table.deletable() {
        return Err(EditError::Column("строка целиком"));
    }
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let row = &removed.row;
    let id = row
        .iter()
        .find(|(n, _)| n == "id")
        .and_then(|(_, v)| match v {
            Value::Integer(i) => Some(*i),
            _ => None,
        });
    if !insert_stored(&tx, table.name(), row)? {
        return Err(EditError::Conflict(Conflict {
            version: 0,
            now: Vec::new(),
            by: match id {
                Some(id) => last_change(&tx, table.name(), id)?,
                None => None,
            },
        }));
    }
    audit_row(&tx, table.name(), id, row, Action::Insert, who, note)?;
    for (dep, r) in &removed.dependents {
        if !table.dependents().iter().any(|(d, _)| d == dep) {
            return Err(EditError::Store(StoreError::Invalid(format!(
                "таблица {dep} не относится к {}",
                table.name()
            ))));
        }
        insert_stored(&tx, dep, r)?;
        audit_row(&tx, dep, id, r, Action::Insert, who, note)?;
    }
    tx.commit()?;
    Ok(())
}

/// A shortcoming of an organization in a cycle, as a form edits it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortcomingText {
    pub id: i64,
    pub criterion: String,
    pub indicator: Option<String>,
    pub text: String,
    pub version: i64,
}

/// The shortcomings of organization `org` in cycle `cycle`, by criterion.
pub fn shortcomings(
    conn: &Connection,
    cycle: i64,
    org: i64,
) -> Result<Vec<ShortcomingText>, EditError> {
    let mut stmt = conn.prepare(
        "SELECT id, criterion, indicator, text, version FROM shortcoming
         WHERE cycle_id = ?1 AND org_id = ?2 ORDER BY criterion, indicator, id",
    )?;
    let rows = stmt
        .query_map([cycle, org], |r| {
            Ok(ShortcomingText {
                id: r.get(0)?,
                criterion: r.get(1)?,
                indicator: r.get(2)?,
                text: r.get(3)?,
                version: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// One row's edits: table, id, the version read (or, in an undo step, written), the fields.
pub type RowEdit = (Table, i64, i64, Vec<FieldEdit>);

/// Several rows changed at once: each `(table, id, version read, edits)` is updated with
/// [`update_in`] in one transaction; the first conflict refuses them all. Returns the version
/// of each row after the change.
pub fn update_many(
    conn: &Connection,
    rows: &[RowEdit],
    who: Author<'_>,
    note: &str,
) -> Result<Vec<i64>, (i64, EditError)> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        .map_err(|e| (0, EditError::from(e)))?;
    let mut versions = Vec::with_capacity(rows.len());
    for (table, id, version, edits) in rows {
        versions
            .push(update_in(&tx, *table, *id, *version, edits, who, note).map_err(|e| (*id, e))?);
    }
    tx.commit().map_err(|e| (0, EditError::from(e)))?;
    Ok(versions)
}
