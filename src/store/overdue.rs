//! What is overdue on a day: open improvement-plan rows whose planned date has passed, and open
//! items of the authorities' own plans whose deadline (read from its text) has passed; and the
//! recorded dates of the events such deadlines count from.
//!
//! Event dates come from what the database records: the council's protocol approving a cycle's
//! results (`cycle.council_protocol_date`) is when the results — and the council's proposals —
//! reach the authority; a plan's own approval date (`workplan.approved_on`) is «утверждение
//! плана». Publication of results has no recorded date yet, so terms counted from it wait.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, codec, iso};
use crate::domain::deadline::{Context, Deadline, Event, Events, ItemState, item_state};
use crate::domain::plan::Person;
use crate::domain::workplan::ItemStatus;

/// Which rows to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this cycle's plan rows, and the items of its authority's plans covering its year.
    pub cycle: Option<i64>,
    /// Only this organization's plan rows (by ИНН), and the plans of an authority with this ИНН.
    pub inn: Option<String>,
}

/// Where an overdue row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A row of an organization's improvement plan.
    PlanRow,
    /// An item of an authority's own plan.
    AuthorityPlan,
}

impl Source {
    pub fn name_ru(self) -> &'static str {
        match self {
            Source::PlanRow => "план организации",
            Source::AuthorityPlan => "план органа",
        }
    }
}

/// An overdue row or item.
#[derive(Debug, Clone, PartialEq)]
pub struct Overdue {
    pub source: Source,
    /// `plan_row.id` or `workplan_item.id`.
    pub id: i64,
    pub days: i64,
    pub due: NaiveDate,
    /// Organization (or authority) short name, else full.
    pub org: String,
    pub inn: String,
    /// The cycle (plan rows) or none (authority plans).
    pub cycle_id: Option<i64>,
    /// The plan's years for authority plans, the cycle year for plan rows.
    pub year: String,
    pub number: String,
    pub measure: String,
    /// The deadline as written (authority plans) or the planned date (plan rows).
    pub deadline: String,
    pub responsible: String,
}

fn item_status(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<ItemStatus> {
    let code: String = r.get(idx)?;
    ItemStatus::from_code(&code).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("неизвестное значение статуса мероприятия «{code}»").into(),
        )
    })
}

/// The recorded event dates for a plan of authority `authority_id` covering the years `period`,
/// with `approved_on` the plan's own approval date; the organizations' improvement plans of its
/// cycles are approved on the days recorded with their membership. The council hands over the results and its
/// proposals at a meeting on a cycle: the protocol date recorded on the cycle, and the date of
/// every meeting of the authority's council recorded with a cycle. They count only within the
/// plan's years (a 2026 plan does not count from the 2024 results).
fn authority_events(
    conn: &Connection,
    authority_id: i64,
    period: (i32, i32),
    approved_on: Option<NaiveDate>,
) -> Result<Events> {
    let mut events = Events::new();
    if let Some(d) = approved_on {
        events.record(Event::PlanApproved, d);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT council_protocol_date FROM cycle
         WHERE authority_id = ?1 AND council_protocol_date IS NOT NULL
           AND CAST(substr(council_protocol_date, 1, 4) AS INTEGER) BETWEEN ?2 AND ?3
         UNION
         SELECT date FROM council_meeting
         WHERE authority_id = ?1 AND cycle_id IS NOT NULL
           AND CAST(substr(date, 1, 4) AS INTEGER) BETWEEN ?2 AND ?3",
    )?;
    let dates = stmt.query_map(params![authority_id, period.0, period.1], |r| {
        codec::date(r, 0)
    })?;
    for d in dates {
        let d = d?;
        events.record(Event::ResultsReceived, d);
        events.record(Event::ProposalsReceived, d);
    }
    // The organizations' improvement plans of the authority's cycles, approved within the plan's
    // years.
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT m.plan_approved_on FROM membership m JOIN cycle c ON c.id = m.cycle_id
         WHERE c.authority_id = ?1 AND m.plan_approved_on IS NOT NULL
           AND CAST(substr(m.plan_approved_on, 1, 4) AS INTEGER) BETWEEN ?2 AND ?3",
    )?;
    let dates = stmt.query_map(params![authority_id, period.0, period.1], |r| {
        codec::date(r, 0)
    })?;
    for d in dates {
        events.record(Event::PlanApproved, d?);
    }
    Ok(events)
}

/// The recorded event dates that deadlines of plan `workplan_id` count from (empty when the plan
/// does not exist).
pub fn workplan_events(conn: &Connection, workplan_id: i64) -> Result<Events> {
    let head = conn
        .query_row(
            "SELECT authority_id, approved_on, year_from, year_to FROM workplan WHERE id = ?1",
            [workplan_id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    codec::opt_date(r, 1)?,
                    (r.get::<_, i32>(2)?, r.get::<_, i32>(3)?),
                ))
            },
        )
        .optional()?;
    match head {
        Some((authority, approved, period)) => authority_events(conn, authority, period, approved),
        None => Ok(Events::new()),
    }
}

/// Overdue plan rows and authority-plan items on `today`, most overdue first.
pub fn list(conn: &Connection, filter: &Filter, today: NaiveDate) -> Result<Vec<Overdue>> {
    let mut out = plan_rows(conn, filter, today)?;
    out.extend(authority_items(conn, filter, today)?);
    out.sort_by(|a, b| {
        b.days
            .cmp(&a.days)
            .then_with(|| a.org.cmp(&b.org))
            .then_with(|| a.number.cmp(&b.number))
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(out)
}

fn plan_rows(conn: &Connection, filter: &Filter, today: NaiveDate) -> Result<Vec<Overdue>> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.planned_date,
                CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END, o.inn,
                p.cycle_id, c.year, p.number, p.measure,
                p.resp_last_name, p.resp_first_name, p.resp_middle_name
         FROM plan_row p
         JOIN organization o ON o.id = p.org_id
         JOIN cycle c ON c.id = p.cycle_id
         WHERE p.status IN ('planned', 'in_progress') AND p.planned_date < ?1
           AND (?2 IS NULL OR p.cycle_id = ?2)
           AND (?3 IS NULL OR o.inn = ?3)",
    )?;
    let rows = stmt.query_map(params![iso(today), filter.cycle, filter.inn], |r| {
        let due = codec::date(r, 1)?;
        let person = Person {
            last_name: r.get(8)?,
            first_name: r.get(9)?,
            middle_name: r.get(10)?,
            position: String::new(),
        };
        Ok(Overdue {
            source: Source::PlanRow,
            id: r.get(0)?,
            days: (today - due).num_days(),
            due,
            org: r.get(2)?,
            inn: r.get(3)?,
            cycle_id: Some(r.get(4)?),
            year: r.get::<_, i32>(5)?.to_string(),
            number: r.get(6)?,
            measure: r.get(7)?,
            deadline: due.format("%d.%m.%Y").to_string(),
            responsible: if person.last_name.is_empty() {
                String::new()
            } else {
                person.short()
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Open items of authority plans, with their deadline read and resolved on `today`; the
/// overdue ones.
fn authority_items(conn: &Connection, filter: &Filter, today: NaiveDate) -> Result<Vec<Overdue>> {
    // The cycle filter narrows to its authority and year.
    let cycle: Option<(i64, i32)> = match filter.cycle {
        Some(id) => {
            let found = conn
                .query_row(
                    "SELECT authority_id, year FROM cycle WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match found {
                Some(c) => Some(c),
                None => return Ok(Vec::new()),
            }
        }
        None => None,
    };
    let mut plans = conn.prepare(
        "SELECT w.id, w.authority_id, w.year_from, w.year_to, w.approved_on,
                CASE WHEN a.short_name = '' THEN a.name ELSE a.short_name END, a.inn
         FROM workplan w JOIN authority a ON a.id = w.authority_id
         WHERE (?1 IS NULL OR (w.authority_id = ?1 AND ?2 BETWEEN w.year_from AND w.year_to))
           AND (?3 IS NULL OR a.inn = ?3)
         ORDER BY w.id",
    )?;
    let heads = plans
        .query_map(
            params![cycle.map(|c| c.0), cycle.map(|c| c.1), filter.inn],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    (r.get::<_, i32>(2)?, r.get::<_, i32>(3)?),
                    codec::opt_date(r, 4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut items = conn.prepare(
        "SELECT i.id, i.number, i.measure, i.deadline_text, i.status, i.completed_on,
                (SELECT group_concat(e.name, '; ') FROM
                   (SELECT name FROM workplan_executor WHERE item_id = i.id ORDER BY position) e)
         FROM workplan_item i
         WHERE i.workplan_id = ?1 AND i.status IN ('planned', 'in_progress')
         ORDER BY i.position, i.id",
    )?;
    let mut out = Vec::new();
    for (plan_id, authority, period, approved, org, inn) in heads {
        let events = authority_events(conn, authority, period, approved)?;
        let ctx = Context {
            today,
            period: Some(period),
            events: &events,
            calendar: None,
        };
        let rows = items.query_map([plan_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                item_status(r, 4)?,
                codec::opt_date(r, 5)?,
                r.get::<_, Option<String>>(6)?.unwrap_or_default(),
            ))
        })?;
        for row in rows {
            let (id, number, measure, text, status, completed, executors) = row?;
            let state = item_state(status, completed, &Deadline::parse(&text), &ctx, 0);
            if let ItemState::Overdue { days, due } = state {
                out.push(Overdue {
                    source: Source::AuthorityPlan,
                    id,
                    days,
                    due,
                    org: org.clone(),
                    inn: inn.clone(),
                    cycle_id: None,
                    year: if period.0 == period.1 {
                        period.0.to_string()
                    } else {
                        format!("{}–{}", period.0, period.1)
                    },
                    number,
                    measure,
                    deadline: text,
                    responsible: executors,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_council_meeting_on_a_cycle_is_when_the_results_were_received() {
        let conn = crate::store::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO authority (id, name, region, inn, kpp, ogrn)
               VALUES (1, 'Минкультуры', 'Тверская область', '6900000001', '690001001', '1026900000001');
             INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology)
               VALUES (1, 2026, 'culture', 1, 'Тверская область', 'approved', 'm');
             INSERT INTO workplan (id, authority_id, title, year_from, year_to, approved_on)
               VALUES (1, 1, 'План', 2026, 2027, '2026-02-01');
             INSERT INTO council_meeting (authority_id, cycle_id, date, protocol_number)
               VALUES (1, NULL, '2026-10-01', 'без цикла'),
                      (1, 1, '2026-09-15', '3'),
                      (1, 1, '2025-12-20', 'прошлый год');",
        )
        .unwrap();
        let events = workplan_events(&conn, 1).unwrap();
        let today = d(2026, 11, 22);
        assert_eq!(
            events.latest(Event::ResultsReceived, today),
            Some(d(2026, 9, 15)),
            "the meeting on the cycle, within the plan's years"
        );
        assert_eq!(
            events.latest(Event::ProposalsReceived, today),
            Some(d(2026, 9, 15))
        );
        assert_eq!(
            events.latest(Event::PlanApproved, today),
            Some(d(2026, 2, 1))
        );
        // An organization's improvement plan approved later is the latest approval.
        conn.execute_batch(
            "INSERT INTO organization (id, full_name, inn, kpp, ogrn, reg_num, sector, region)
               VALUES (1, 'Музей', '6900000002', '690001001', '1026900000002', '12345678', 'culture', 'Тверская область');
             INSERT INTO membership (cycle_id, org_id, plan_approved_on) VALUES (1, 1, '2026-10-20');",
        )
        .unwrap();
        let events = workplan_events(&conn, 1).unwrap();
        assert_eq!(
            events.latest(Event::PlanApproved, today),
            Some(d(2026, 10, 20))
        );
        // Before the meeting the results were not yet received.
        assert_eq!(events.latest(Event::ResultsReceived, d(2026, 9, 1)), None);
    }
}
