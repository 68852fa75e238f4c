//! Spot checks (выборочная проверка) of improvement-plan rows marked done: a person looks at what
//! was reported and records whether it is confirmed. Also the reads that draw a random sample.

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;

/// A person's verdict on a row marked done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Подтверждено: the measures were carried out as reported.
    Confirmed,
    /// Не подтверждено.
    Rejected,
}

impl Verdict {
    pub const ALL: [Verdict; 2] = [Verdict::Confirmed, Verdict::Rejected];

    /// Stable code used in the database.
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Confirmed => "confirmed",
            Verdict::Rejected => "rejected",
        }
    }

    pub fn name_ru(self) -> &'static str {
        match self {
            Verdict::Confirmed => "подтверждено",
            Verdict::Rejected => "не подтверждено",
        }
    }

    pub fn from_code(code: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.code() == code)
    }
}

/// One recorded check of a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub id: i64,
    pub plan_row_id: i64,
    /// Local time, ISO `YYYY-MM-DDThh:mm:ss`.
    pub checked_at: String,
    pub os_user: String,
    pub verdict: Verdict,
    pub note: String,
}

/// Which rows marked done a sample is drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every row marked done.
    All,
    /// Rows of one cycle (year × sector × authority).
    Cycle(i64),
    /// Rows of one organization.
    Org(i64),
}

impl Scope {
    /// The SQL condition on `plan_row` (no alias), its parameter numbered `?{n}`, and the value.
    fn condition(self, n: usize) -> (String, Option<i64>) {
        match self {
            Scope::All => ("status = 'done'".to_string(), None),
            Scope::Cycle(id) => (format!("status = 'done' AND cycle_id = ?{n}"), Some(id)),
            Scope::Org(id) => (format!("status = 'done' AND org_id = ?{n}"), Some(id)),
        }
    }
}

pub(crate) fn verdict(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Verdict> {
    let code: String = r.get(idx)?;
    Verdict::from_code(&code).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("неизвестное значение вердикта проверки «{code}»").into(),
        )
    })
}

/// Records a check; returns its id. The caller holds the transaction and writes the audit entry.
pub fn insert(
    conn: &Connection,
    plan_row_id: i64,
    checked_at: &str,
    os_user: &str,
    verdict: Verdict,
    note: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO spot_check (plan_row_id, checked_at, os_user, verdict, note)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        plan_row_id,
        checked_at,
        os_user,
        verdict.code(),
        note
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Checks of a row, newest first.
pub fn history(conn: &Connection, plan_row_id: i64) -> Result<Vec<Check>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, plan_row_id, checked_at, os_user, verdict, note FROM spot_check
         WHERE plan_row_id = ?1 ORDER BY checked_at DESC, id DESC",
    )?;
    let rows = stmt.query_map([plan_row_id], |r| {
        Ok(Check {
            id: r.get(0)?,
            plan_row_id: r.get(1)?,
            checked_at: r.get(2)?,
            os_user: r.get(3)?,
            verdict: verdict(r, 4)?,
            note: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A row's status code and the organization's name, when the row exists (what a verdict is about).
pub fn row_subject(
    conn: &Connection,
    plan_row_id: i64,
) -> Result<Option<(String, String, String)>> {
    Ok(conn
        .query_row(
            "SELECT p.status, p.number,
                    CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END
             FROM plan_row p JOIN organization o ON o.id = p.org_id WHERE p.id = ?1",
            [plan_row_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}

/// How many rows marked done are in `scope`.
pub fn count_done(conn: &Connection, scope: Scope) -> Result<usize> {
    let (cond, p) = scope.condition(1);
    let n: i64 = conn.query_row(
        &format!("SELECT count(*) FROM plan_row WHERE {cond}"),
        rusqlite::params_from_iter(p),
        |r| r.get(0),
    )?;
    Ok(n as usize)
}

/// The smallest and largest plan row id (`None` when there are no rows).
pub fn id_bounds(conn: &Connection) -> Result<Option<(i64, i64)>> {
    let (lo, hi): (Option<i64>, Option<i64>) =
        conn.query_row("SELECT min(id), max(id) FROM plan_row", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok(lo.zip(hi))
}

/// Whether the row with this id exists, is done and lies in `scope` (one primary-key lookup).
pub fn done_in_scope(conn: &Connection, id: i64, scope: Scope) -> Result<bool> {
    let (cond, p) = scope.condition(2);
    let sql = format!("SELECT 1 FROM plan_row WHERE id = ?1 AND {cond}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(
            rusqlite::params_from_iter(std::iter::once(id).chain(p)),
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Ids of every row marked done in `scope` (for small scopes: the sample is then drawn in memory).
pub fn done_ids(conn: &Connection, scope: Scope) -> Result<Vec<i64>> {
    let (cond, p) = scope.condition(1);
    let mut stmt = conn.prepare(&format!("SELECT id FROM plan_row WHERE {cond} ORDER BY id"))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(p), |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
