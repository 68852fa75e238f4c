//! Reading what is exported: a cycle's organizations with their results, shortcomings and plan
//! rows, streamed organization by organization (never one giant list). Each walk runs a few
//! queries side by side, all ordered by organization id through the `(cycle_id, org_id)` indexes,
//! and hands one organization at a time to the caller, reusing the same buffers.

use std::sync::Arc;

use chrono::NaiveDate;
use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::{Connection, OptionalExtension, Row, Rows};

use super::card::MemberScore;
use super::scores::Part;
use super::{Result, StoreError, codec};
use crate::domain::plan::{Person, PlanRow};
use crate::domain::sector::Sector;
use crate::domain::shortcoming::Shortcoming;

/// A party as bus.gov.ru names it: regNum, full name, ИНН, КПП.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PartyRow {
    pub reg_num: String,
    pub full_name: String,
    pub inn: String,
    pub kpp: String,
}

/// What every document of a cycle says about the cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct CycleHead {
    pub id: i64,
    pub year: i32,
    pub sector: Sector,
    pub methodology: String,
    pub scores_stale: bool,
    pub authority: PartyRow,
    pub authority_website: String,
    pub operator_name: Option<String>,
    pub operator_inn: Option<String>,
    pub contract_number: Option<String>,
    pub contract_date: Option<NaiveDate>,
    pub council_protocol_number: Option<String>,
    pub council_protocol_date: Option<NaiveDate>,
}

/// The cycle with this id.
pub fn cycle_head(conn: &Connection, cycle_id: i64) -> Result<Option<CycleHead>> {
    Ok(conn
        .query_row(
            "SELECT c.id, c.year, c.sector, c.methodology, c.scores_stale,
                    a.reg_num, a.name, a.inn, a.kpp, a.website,
                    c.operator_name, c.operator_inn, c.contract_number, c.contract_date,
                    c.council_protocol_number, c.council_protocol_date
             FROM cycle c JOIN authority a ON a.id = c.authority_id WHERE c.id = ?1",
            [cycle_id],
            |r| {
                Ok(CycleHead {
                    id: r.get(0)?,
                    year: r.get(1)?,
                    sector: codec::sector(r, 2)?,
                    methodology: r.get(3)?,
                    scores_stale: r.get::<_, i64>(4)? != 0,
                    authority: PartyRow {
                        reg_num: r.get(5)?,
                        full_name: r.get(6)?,
                        inn: r.get(7)?,
                        kpp: r.get(8)?,
                    },
                    authority_website: r.get(9)?,
                    operator_name: r.get(10)?,
                    operator_inn: r.get(11)?,
                    contract_number: r.get(12)?,
                    contract_date: codec::opt_date(r, 13)?,
                    council_protocol_number: r.get(14)?,
                    council_protocol_date: codec::opt_date(r, 15)?,
                })
            },
        )
        .optional()?)
}

/// An organization of the cycle with everything its results document says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResultsMember {
    pub org_id: i64,
    pub org: PartyRow,
    /// Short name, else full: what a person calls it.
    pub display_name: String,
    pub group: String,
    pub respondents: u32,
    /// `None` when not scored (see `score_error`).
    pub score: Option<MemberScore>,
    pub score_error: Option<String>,
    /// Criteria (`К1`…) and indicators (`1.1`…), by code.
    pub parts: Vec<Part>,
    /// Raw inputs by key (`1.2.phone`), sorted by key.
    pub inputs: Vec<(Arc<str>, f64)>,
    pub shortcomings: Vec<Shortcoming>,
}

/// An organization of the cycle with its improvement-plan rows (criterion, then row order).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanMember {
    pub org_id: i64,
    pub org: PartyRow,
    pub display_name: String,
    pub rows: Vec<PlanRow>,
}

/// A second, read-only connection to the database file `path`, for reading an export's data on
/// another thread while the export's own connection writes. Opened after the export took the
/// write lock, it reads what that connection's transaction reads: no one else can commit
/// meanwhile.
pub fn open_reader(path: &std::path::Path) -> Result<Connection> {
    use rusqlite::OpenFlags;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(super::BUSY_TIMEOUT)?;
    Ok(conn)
}

/// How many organizations the cycle has.
pub fn member_count(conn: &Connection, cycle_id: i64) -> Result<u64> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM membership WHERE cycle_id = ?1",
        [cycle_id],
        |r| r.get(0),
    )?;
    Ok(n as u64)
}

const MEMBERS: &str = "SELECT m.org_id, o.reg_num, o.full_name, o.inn, o.kpp,
        CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
        m.grp, m.respondents, m.score_error,
        s.total, s.place, s.ranked, s.group_place, s.group_ranked
    FROM membership m
    JOIN organization o ON o.id = m.org_id
    LEFT JOIN score s ON s.membership_id = m.id
    WHERE m.cycle_id = ?1
    ORDER BY m.org_id";

fn party(r: &Row<'_>, from: usize) -> rusqlite::Result<PartyRow> {
    Ok(PartyRow {
        reg_num: r.get(from)?,
        full_name: r.get(from + 1)?,
        inn: r.get(from + 2)?,
        kpp: r.get(from + 3)?,
    })
}

/// A query ordered by organization id whose rows are taken organization by organization.
struct Cursor<'s> {
    rows: Rows<'s>,
    /// The organization id of the row read ahead, when there is one.
    ahead: Option<i64>,
}

impl<'s> Cursor<'s> {
    fn new(mut rows: Rows<'s>) -> Result<Cursor<'s>> {
        let ahead = match rows.next()? {
            Some(r) => Some(r.get(0)?),
            None => None,
        };
        Ok(Cursor { rows, ahead })
    }

    /// Calls `take` with each row of `org_id` (the current row first), in order.
    fn take_org(
        &mut self,
        org_id: i64,
        mut take: impl FnMut(&Row<'_>) -> rusqlite::Result<()>,
    ) -> Result<()> {
        // Rows of organizations not among the members (cannot happen with the joins used) are
        // skipped rather than misassigned.
        while self.ahead.is_some_and(|a| a < org_id) {
            self.advance()?;
        }
        while self.ahead == Some(org_id) {
            if let Some(r) = FallibleStreamingIterator::get(&self.rows) {
                take(r)?;
            }
            self.advance()?;
        }
        Ok(())
    }

    fn advance(&mut self) -> Result<()> {
        self.ahead = match self.rows.next()? {
            Some(r) => Some(r.get(0)?),
            None => None,
        };
        Ok(())
    }
}

/// The input keys by id.
fn input_keys(conn: &Connection) -> Result<std::collections::HashMap<i64, Arc<str>>> {
    let mut stmt = conn.prepare("SELECT id, key FROM input_key")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, i64>(0)?, Arc::from(r.get::<_, String>(1)?)))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Calls `each` with every organization of the cycle (by id), with its results, inputs and
/// shortcomings. The member passed is reused between calls. Stops at the first error of `each`.
pub fn for_each_results<E: From<StoreError>>(
    conn: &Connection,
    cycle_id: i64,
    mut each: impl FnMut(&ResultsMember) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut members = conn.prepare(MEMBERS).map_err(StoreError::from)?;
    let mut parts = conn
        .prepare(
            // By member only: the members' index gives that order, with no sorter over the
            // whole cycle (score_part is a view over one packed row per member); a member's
            // parts are put in code order below.
            "SELECT m.org_id, p.code, p.value, p.place
             FROM membership m JOIN score_part p ON p.membership_id = m.id
             WHERE m.cycle_id = ?1 ORDER BY m.org_id",
        )
        .map_err(StoreError::from)?;
    // The input keys (a few dozen) by id, and each key's place in key order: the inputs are
    // read by key id and sorted by that place, without a join per value.
    let keys = input_keys(conn)?;
    let mut inputs = conn
        .prepare(
            "SELECT m.org_id, i.key_id, i.value
             FROM membership m
             JOIN indicator_input i ON i.membership_id = m.id
             WHERE m.cycle_id = ?1 ORDER BY m.org_id, i.key_id",
        )
        .map_err(StoreError::from)?;
    let mut shortcomings = conn
        .prepare(
            "SELECT org_id, criterion, indicator, input_key, text FROM shortcoming
             WHERE cycle_id = ?1 ORDER BY org_id, id",
        )
        .map_err(StoreError::from)?;
    let mut parts = Cursor::new(parts.query([cycle_id]).map_err(StoreError::from)?)?;
    let mut inputs = Cursor::new(inputs.query([cycle_id]).map_err(StoreError::from)?)?;
    let mut shortcomings = Cursor::new(shortcomings.query([cycle_id]).map_err(StoreError::from)?)?;
    let mut rows = members.query([cycle_id]).map_err(StoreError::from)?;
    let mut m = ResultsMember::default();
    while let Some(r) = rows.next().map_err(StoreError::from)? {
        let read = |m: &mut ResultsMember| -> rusqlite::Result<()> {
            m.org_id = r.get(0)?;
            m.org = party(r, 1)?;
            m.display_name = r.get(5)?;
            m.group = r.get(6)?;
            m.respondents = r.get(7)?;
            m.score_error = r.get(8)?;
            m.score = match r.get::<_, Option<f64>>(9)? {
                Some(total) => Some(MemberScore {
                    total,
                    place: r.get(10)?,
                    ranked: r.get(11)?,
                    group_place: r.get(12)?,
                    group_ranked: r.get(13)?,
                }),
                None => None,
            };
            Ok(())
        };
        read(&mut m).map_err(StoreError::from)?;
        m.parts.clear();
        m.inputs.clear();
        m.shortcomings.clear();
        let org_id = m.org_id;
        parts.take_org(org_id, |r| {
            m.parts.push(Part {
                code: r.get(1)?,
                value: r.get(2)?,
                place: r.get(3)?,
            });
            Ok(())
        })?;
        if !m.parts.is_sorted_by(|a, b| a.code <= b.code) {
            m.parts.sort_by(|a, b| a.code.cmp(&b.code));
        }
        let mut unknown = None;
        inputs.take_org(org_id, |r| {
            let id: i64 = r.get(1)?;
            match keys.get(&id) {
                Some(key) => m.inputs.push((key.clone(), r.get(2)?)),
                None => unknown = Some(id),
            }
            Ok(())
        })?;
        if let Some(id) = unknown {
            return Err(StoreError::Invalid(format!(
                "значение исходных данных ссылается на ключ {id}, которого нет в таблице input_key; проверьте базу: nok check-db"
            ))
            .into());
        }
        m.inputs.sort_by(|a, b| a.0.cmp(&b.0));
        shortcomings.take_org(org_id, |r| {
            m.shortcomings.push(Shortcoming {
                cycle_id,
                org_id,
                criterion: r.get(1)?,
                indicator: r.get(2)?,
                input_key: r.get(3)?,
                text: r.get(4)?,
            });
            Ok(())
        })?;
        each(&m)?;
    }
    Ok(())
}

fn plan_row(r: &Row<'_>, cycle_id: i64, org_id: i64) -> rusqlite::Result<PlanRow> {
    Ok(PlanRow {
        cycle_id,
        org_id,
        number: r.get(1)?,
        criterion: r.get(2)?,
        shortcoming_id: r.get(3)?,
        shortcoming: r.get(4)?,
        measure: r.get(5)?,
        planned_date: codec::date(r, 6)?,
        responsible: Person {
            last_name: r.get(7)?,
            first_name: r.get(8)?,
            middle_name: r.get(9)?,
            position: r.get(10)?,
        },
        expected_result: r.get(11)?,
        result_indicators: r.get(12)?,
        implemented_measures: r.get(13)?,
        actual_date: codec::opt_date(r, 14)?,
        status: codec::plan_status(r, 15)?,
        cancel_reason: r.get(16)?,
    })
}

/// Calls `each` with every organization of the cycle that has improvement-plan rows, by id, its
/// rows in plan order (criterion, then row id). The member passed is reused between calls (its
/// rows are read anew each time, so `each` may move their texts out).
pub fn for_each_plan<E: From<StoreError>>(
    conn: &Connection,
    cycle_id: i64,
    mut each: impl FnMut(&mut PlanMember) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut members = conn
        .prepare(
            "SELECT m.org_id, o.reg_num, o.full_name, o.inn, o.kpp,
                    CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END
             FROM membership m JOIN organization o ON o.id = m.org_id
             WHERE m.cycle_id = ?1 ORDER BY m.org_id",
        )
        .map_err(StoreError::from)?;
    let mut plan = conn
        .prepare(
            "SELECT org_id, number, criterion, shortcoming_id, shortcoming, measure, planned_date,
                    resp_last_name, resp_first_name, resp_middle_name, resp_position,
                    expected_result, result_indicators, implemented_measures, actual_date, status,
                    cancel_reason, id
             FROM plan_row WHERE cycle_id = ?1 ORDER BY org_id",
        )
        .map_err(StoreError::from)?;
    let mut plan = Cursor::new(plan.query([cycle_id]).map_err(StoreError::from)?)?;
    let mut rows = members.query([cycle_id]).map_err(StoreError::from)?;
    let mut m = PlanMember::default();
    let mut ids: Vec<i64> = Vec::new();
    while let Some(r) = rows.next().map_err(StoreError::from)? {
        m.org_id = r.get(0).map_err(StoreError::from)?;
        m.org = party(r, 1).map_err(StoreError::from)?;
        m.display_name = r.get(5).map_err(StoreError::from)?;
        m.rows.clear();
        let org_id = m.org_id;
        // In the order of the unique index; sorted here by criterion and row id (SQLite would
        // copy every row, long texts and all, into a sorter for that).
        ids.clear();
        plan.take_org(org_id, |r| {
            ids.push(r.get(17)?);
            m.rows.push(plan_row(r, cycle_id, org_id)?);
            Ok(())
        })?;
        let key = |rows: &[PlanRow], i: usize| (rows[i].criterion.clone(), ids[i]);
        let sorted = (1..m.rows.len())
            .all(|i| (&m.rows[i - 1].criterion, ids[i - 1]) <= (&m.rows[i].criterion, ids[i]));
        if !sorted {
            let mut order: Vec<usize> = (0..m.rows.len()).collect();
            order.sort_by_cached_key(|&i| key(&m.rows, i));
            let mut old: Vec<Option<PlanRow>> =
                std::mem::take(&mut m.rows).into_iter().map(Some).collect();
            m.rows = order.into_iter().filter_map(|i| old[i].take()).collect();
        }
        if !m.rows.is_empty() {
            each(&mut m)?;
        }
    }
    Ok(())
}

/// A row of the indicator table: an organization and its stored values by code.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    pub membership_id: i64,
    pub org_name: String,
    pub inn: String,
    pub kpp: String,
    pub oktmo: String,
    pub reg_num: String,
    pub group: String,
    /// Values of criteria and indicators by code (`К1`, `1.1`…).
    pub values: Vec<(String, f64)>,
    pub total: Option<f64>,
}

/// Calls `each` with every scored organization of the cycle in rating order.
pub fn for_each_indicator_row<E: From<StoreError>>(
    conn: &Connection,
    cycle_id: i64,
    mut each: impl FnMut(&IndicatorRow) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut stmt = conn
        .prepare(
            "SELECT m.id, CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
                    o.inn, m.grp, s.total, o.kpp, o.oktmo, o.reg_num
             FROM membership m JOIN organization o ON o.id = m.org_id
             JOIN score s ON s.membership_id = m.id
             WHERE m.cycle_id = ?1 ORDER BY s.place, o.short_name, o.id",
        )
        .map_err(StoreError::from)?;
    let mut parts = conn
        .prepare("SELECT code, value FROM score_part WHERE membership_id = ?1")
        .map_err(StoreError::from)?;
    let mut rows = stmt.query([cycle_id]).map_err(StoreError::from)?;
    while let Some(r) = rows.next().map_err(StoreError::from)? {
        let mut read = || -> rusqlite::Result<IndicatorRow> {
            let mid: i64 = r.get(0)?;
            let values = parts
                .query_map([mid], |p| Ok((p.get(0)?, p.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(IndicatorRow {
                membership_id: mid,
                org_name: r.get(1)?,
                inn: r.get(2)?,
                kpp: r.get(5)?,
                oktmo: r.get(6)?,
                reg_num: r.get(7)?,
                group: r.get(3)?,
                values,
                total: r.get(4)?,
            })
        };
        let row = read().map_err(StoreError::from)?;
        each(&row)?;
    }
    Ok(())
}

/// A plan row with its organization, for the plan tables.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanTableRow {
    pub org_name: String,
    pub inn: String,
    pub kpp: String,
    pub oktmo: String,
    pub reg_num: String,
    pub row: PlanRow,
}

/// Calls `each` with the cycle's plan rows by organization name, criterion and row; with
/// `overdue_on`, only open rows (planned, in progress) whose planned date is before that day.
pub fn for_each_plan_row<E: From<StoreError>>(
    conn: &Connection,
    cycle_id: i64,
    overdue_on: Option<NaiveDate>,
    mut each: impl FnMut(&PlanTableRow) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let filter = if overdue_on.is_some() {
        "AND p.status IN ('planned', 'in_progress') AND p.planned_date < ?2"
    } else {
        "AND ?2 IS NULL"
    };
    let sql = format!(
        "SELECT p.org_id, p.number, p.criterion, p.shortcoming_id, p.shortcoming, p.measure,
                p.planned_date, p.resp_last_name, p.resp_first_name, p.resp_middle_name,
                p.resp_position, p.expected_result, p.result_indicators, p.implemented_measures,
                p.actual_date, p.status, p.cancel_reason,
                CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END, o.inn,
                o.kpp, o.oktmo, o.reg_num
         FROM plan_row p JOIN organization o ON o.id = p.org_id
         WHERE p.cycle_id = ?1 {filter}
         ORDER BY 18, o.id, p.criterion, p.id"
    );
    let mut stmt = conn.prepare(&sql).map_err(StoreError::from)?;
    let today = overdue_on.map(super::iso);
    let mut rows = stmt
        .query(rusqlite::params![cycle_id, today])
        .map_err(StoreError::from)?;
    while let Some(r) = rows.next().map_err(StoreError::from)? {
        let read = || -> rusqlite::Result<PlanTableRow> {
            let org_id: i64 = r.get(0)?;
            Ok(PlanTableRow {
                row: plan_row(r, cycle_id, org_id)?,
                org_name: r.get(17)?,
                inn: r.get(18)?,
                kpp: r.get(19)?,
                oktmo: r.get(20)?,
                reg_num: r.get(21)?,
            })
        };
        let row = read().map_err(StoreError::from)?;
        each(&row)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_members_with_their_parts_inputs_shortcomings_and_plans() {
        let conn = crate::store::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO authority (id, name, region, inn, kpp, ogrn, reg_num)
                 VALUES (1, 'Комитет', 'Область', '7701234567', '770101001', '1027700132195', '41460777');
             INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology)
                 VALUES (5, 2025, 'social', 1, 'Область', 'approved', '2018');
             INSERT INTO organization (id, full_name, short_name, inn, kpp, ogrn, reg_num, sector, region)
                 VALUES (1, 'Полное А', 'А', '7701234568', '770101001', '1027700132196', '12345678', 'social', 'Область'),
                        (2, 'Полное Б', '', '7701234569', '770101001', '1027700132197', '12345679', 'social', 'Область'),
                        (3, 'Полное В', '', '7701234570', '770101001', '1027700132198', '12345670', 'social', 'Область');
             INSERT INTO membership (id, cycle_id, org_id, grp) VALUES (10, 5, 1, 'x'), (11, 5, 2, 'y'), (12, 5, 3, 'y');
             INSERT INTO score VALUES (10, '2018', 90, 1, 2, 1, 1, 't'), (12, '2018', 80, 2, 2, 1, 1, 't');
             INSERT INTO score_part VALUES (10, 'К1', 70, 2), (10, '1.1', 50, NULL), (12, 'К1', 75, 1);
             INSERT INTO input_key (id, key) VALUES (1, '1.2.phone'), (2, '1.1.a');
             INSERT INTO indicator_input VALUES (10, 1, 1), (10, 2, 3), (12, 1, 0);
             INSERT INTO shortcoming (id, cycle_id, org_id, criterion, text) VALUES (1, 5, 3, 'К1', 'нет');
             INSERT INTO plan_row (cycle_id, org_id, number, criterion, measure, planned_date, status)
                 VALUES (5, 3, '2', 'К2', 'второе', '2025-03-01', 'planned'),
                        (5, 3, '1', 'К1', 'первое', '2025-05-01', 'in_progress'),
                        (5, 1, '1', 'К1', 'одно', '2026-03-01', 'planned'),
                        (5, 1, '2', 'К2', 'второе', '2026-03-01', 'planned'),
                        (5, 1, '3', 'К1', 'третье', '2026-03-01', 'planned');",
        )
        .unwrap();
        let head = cycle_head(&conn, 5).unwrap().unwrap();
        assert_eq!(
            (head.year, head.authority.reg_num.as_str()),
            (2025, "41460777")
        );
        let mut seen = Vec::new();
        for_each_results::<StoreError>(&conn, 5, |m| {
            assert!(
                m.parts.is_sorted_by(|a, b| a.code <= b.code),
                "{:?}",
                m.parts
            );
            seen.push((
                m.org_id,
                m.score.map(|s| s.total),
                m.parts.len(),
                m.inputs.iter().map(|i| i.0.to_string()).collect::<Vec<_>>(),
                m.shortcomings.len(),
            ));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            vec![
                (
                    1,
                    Some(90.0),
                    2,
                    vec!["1.1.a".to_string(), "1.2.phone".into()],
                    0
                ),
                (2, None, 0, vec![], 0),
                (3, Some(80.0), 1, vec!["1.2.phone".into()], 1),
            ]
        );
        let mut plans = Vec::new();
        for_each_plan::<StoreError>(&conn, 5, |m| {
            plans.push((
                m.org_id,
                m.rows.iter().map(|r| r.number.clone()).collect::<Vec<_>>(),
            ));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            plans,
            vec![
                // By criterion, then as entered (not by number).
                (1, vec!["1".to_string(), "3".into(), "2".into()]),
                (3, vec!["1".into(), "2".into()])
            ]
        );
        let mut overdue = Vec::new();
        let today = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
        for_each_plan_row::<StoreError>(&conn, 5, Some(today), |r| {
            overdue.push(r.row.measure.clone());
            Ok(())
        })
        .unwrap();
        assert_eq!(overdue, ["второе"]);
        assert_eq!(member_count(&conn, 5).unwrap(), 3);
    }
}
