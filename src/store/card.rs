//! Read queries behind the organization card (карточка организации): who it is, every cycle it
//! was assessed in, and for one cycle the stored results, raw inputs, shortcomings and
//! improvement-plan rows. Every query reads one organization through an index.

use rusqlite::{Connection, OptionalExtension};

use super::scores::Part;
use super::{Result, codec};
use crate::domain::cycle::CycleStatus;
use crate::domain::org::Organization;
use crate::domain::plan::{Person, PlanRow};
use crate::domain::sector::Sector;
use crate::domain::shortcoming::Shortcoming;

/// The organization and the name of its founder authority (учредитель), if recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgIdentity {
    pub id: i64,
    /// `founder_id` is 0 when no founder is recorded (then `founder` is `None`).
    pub org: Organization,
    pub founder: Option<String>,
}

/// The organization with this id, if there is one.
pub fn identity(conn: &Connection, org_id: i64) -> Result<Option<OrgIdentity>> {
    Ok(conn
        .query_row(
            "SELECT o.full_name, o.short_name, o.inn, o.kpp, o.ogrn, o.reg_num, o.sector,
                    o.region, o.oktmo, o.address, o.website, coalesce(o.founder_id, 0), o.active,
                    a.name
             FROM organization o LEFT JOIN authority a ON a.id = o.founder_id
             WHERE o.id = ?1",
            [org_id],
            |r| {
                Ok(OrgIdentity {
                    id: org_id,
                    org: Organization {
                        full_name: r.get(0)?,
                        short_name: r.get(1)?,
                        inn: r.get(2)?,
                        kpp: r.get(3)?,
                        ogrn: r.get(4)?,
                        reg_num: r.get(5)?,
                        sector: codec::sector(r, 6)?,
                        region: r.get(7)?,
                        oktmo: r.get(8)?,
                        address: r.get(9)?,
                        website: r.get(10)?,
                        founder_id: r.get(11)?,
                        active: r.get::<_, i64>(12)? != 0,
                    },
                    founder: r.get(13)?,
                })
            },
        )
        .optional()?)
}

/// The stored result of a member: S and its places overall and within the group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MemberScore {
    pub total: f64,
    pub place: u32,
    pub ranked: u32,
    pub group_place: u32,
    pub group_ranked: u32,
}

/// One cycle the organization was assessed in.
#[derive(Debug, Clone, PartialEq)]
pub struct CardCycle {
    pub cycle_id: i64,
    pub membership_id: i64,
    pub year: i32,
    pub sector: Sector,
    pub region: String,
    /// The authority's short name (its full name when it has none).
    pub authority: String,
    pub status: CycleStatus,
    pub methodology: String,
    pub scores_stale: bool,
    pub group: String,
    pub respondents: u32,
    /// `None` when not scored (yet, or because of `score_error`).
    pub score: Option<MemberScore>,
    pub score_error: Option<String>,
    /// When the organization's improvement plan for the cycle was approved.
    pub plan_approved_on: Option<chrono::NaiveDate>,
}

/// Every cycle of the organization, newest first.
pub fn history(conn: &Connection, org_id: i64) -> Result<Vec<CardCycle>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, m.id, c.year, c.sector, c.region,
                CASE WHEN a.short_name = '' THEN a.name ELSE a.short_name END,
                c.status, c.methodology, c.scores_stale, m.grp, m.respondents, m.score_error,
                s.total, s.place, s.ranked, s.group_place, s.group_ranked, m.plan_approved_on
         FROM membership m
         JOIN cycle c ON c.id = m.cycle_id
         JOIN authority a ON a.id = c.authority_id
         LEFT JOIN score s ON s.membership_id = m.id
         WHERE m.org_id = ?1
         ORDER BY c.year DESC, c.id DESC",
    )?;
    let rows = stmt.query_map([org_id], |r| {
        let total: Option<f64> = r.get(12)?;
        let score = match total {
            Some(total) => Some(MemberScore {
                total,
                place: r.get(13)?,
                ranked: r.get(14)?,
                group_place: r.get(15)?,
                group_ranked: r.get(16)?,
            }),
            None => None,
        };
        Ok(CardCycle {
            cycle_id: r.get(0)?,
            membership_id: r.get(1)?,
            year: r.get(2)?,
            sector: codec::sector(r, 3)?,
            region: r.get(4)?,
            authority: r.get(5)?,
            status: codec::cycle_status(r, 6)?,
            methodology: r.get(7)?,
            scores_stale: r.get::<_, i64>(8)? != 0,
            group: r.get(9)?,
            respondents: r.get(10)?,
            score_error: r.get(11)?,
            score,
            plan_approved_on: codec::opt_date(r, 17)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the card shows for one cycle of the organization.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CycleDetail {
    /// Criteria (`К1`…, with their place in the cycle) and indicators (`1.1`…, no place), by code.
    pub parts: Vec<Part>,
    /// Raw inputs and checklist items (1 present, 0 absent) by the method's key, e.g.
    /// `1.2.phone`.
    pub inputs: Vec<(String, f64)>,
    pub shortcomings: Vec<Shortcoming>,
    /// Improvement-plan rows, in plan order (section, then row number).
    pub plan: Vec<PlanRow>,
    /// Empty groups in the inputs and the rule applied to each (filled by the card from the
    /// inputs and the method; the store leaves it empty).
    pub empty_groups: Vec<crate::domain::scoring::EmptyGroup>,
    /// The parts of the organization assessed separately (филиалы; амбулаторно и стационарно),
    /// with their values; empty when it was assessed whole.
    pub org_parts: Vec<super::org_parts::PartResult>,
    /// The survey behind the inputs, when one was imported.
    pub survey: Option<super::survey::Summary>,
    /// The first of the respondents' proposals (all: `nok survey proposals`).
    pub proposals: Vec<super::survey::Proposal>,
}

/// How many proposals the card shows.
pub const CARD_PROPOSALS: usize = 10;

/// The stored results, inputs, shortcomings and plan rows of the organization in the cycle.
pub fn cycle_detail(
    conn: &Connection,
    membership_id: i64,
    cycle_id: i64,
    org_id: i64,
) -> Result<CycleDetail> {
    let mut stmt = conn.prepare_cached(
        "SELECT k.key, i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id
         WHERE i.membership_id = ?1 ORDER BY k.key",
    )?;
    let inputs = stmt
        .query_map([membership_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(CycleDetail {
        parts: parts(conn, membership_id)?,
        inputs,
        shortcomings: shortcomings(conn, cycle_id, org_id)?,
        plan: plan(conn, cycle_id, org_id)?,
        empty_groups: Vec::new(),
        org_parts: super::org_parts::for_membership(conn, membership_id)?,
        survey: super::survey::summary(conn, membership_id)?,
        proposals: super::survey::proposals(
            conn,
            cycle_id,
            Some(membership_id),
            "",
            CARD_PROPOSALS,
        )?,
    })
}

/// A membership's stored criteria and indicators, by code.
pub fn parts(conn: &Connection, membership_id: i64) -> Result<Vec<Part>> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, value, place FROM score_part WHERE membership_id = ?1 ORDER BY code",
    )?;
    let rows = stmt.query_map([membership_id], |r| {
        Ok(Part {
            code: r.get(0)?,
            value: r.get(1)?,
            place: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The organization's shortcomings found in the cycle, by criterion and indicator.
pub fn shortcomings(conn: &Connection, cycle_id: i64, org_id: i64) -> Result<Vec<Shortcoming>> {
    Ok(shortcomings_with_ids(conn, cycle_id, org_id)?
        .into_iter()
        .map(|(_, s)| s)
        .collect())
}

/// [`shortcomings`], each with its row id (for forms opened on one of them).
pub fn shortcomings_with_ids(
    conn: &Connection,
    cycle_id: i64,
    org_id: i64,
) -> Result<Vec<(i64, Shortcoming)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT criterion, indicator, input_key, text, id FROM shortcoming
         WHERE cycle_id = ?1 AND org_id = ?2 ORDER BY criterion, indicator, id",
    )?;
    let rows = stmt.query_map([cycle_id, org_id], |r| {
        Ok((
            r.get(4)?,
            Shortcoming {
                cycle_id,
                org_id,
                criterion: r.get(0)?,
                indicator: r.get(1)?,
                input_key: r.get(2)?,
                text: r.get(3)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The organization's improvement-plan rows of the cycle, in plan order (section, then row).
pub fn plan(conn: &Connection, cycle_id: i64, org_id: i64) -> Result<Vec<PlanRow>> {
    Ok(plan_with_ids(conn, cycle_id, org_id)?
        .into_iter()
        .map(|(_, r)| r)
        .collect())
}

/// [`plan`], each row with its id (for forms opened on one of them).
pub fn plan_with_ids(conn: &Connection, cycle_id: i64, org_id: i64) -> Result<Vec<(i64, PlanRow)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT number, criterion, shortcoming_id, shortcoming, measure, planned_date,
                resp_last_name, resp_first_name, resp_middle_name, resp_position,
                expected_result, result_indicators, implemented_measures, actual_date, status,
                cancel_reason, id
         FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2
         ORDER BY criterion, id",
    )?;
    let rows = stmt.query_map([cycle_id, org_id], |r| {
        Ok((
            r.get(16)?,
            PlanRow {
                cycle_id,
                org_id,
                number: r.get(0)?,
                criterion: r.get(1)?,
                shortcoming_id: r.get(2)?,
                shortcoming: r.get(3)?,
                measure: r.get(4)?,
                planned_date: codec::date(r, 5)?,
                responsible: Person {
                    last_name: r.get(6)?,
                    first_name: r.get(7)?,
                    middle_name: r.get(8)?,
                    position: r.get(9)?,
                },
                expected_result: r.get(10)?,
                result_indicators: r.get(11)?,
                implemented_measures: r.get(12)?,
                actual_date: codec::opt_date(r, 13)?,
                status: codec::plan_status(r, 14)?,
                cancel_reason: r.get(15)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::PlanStatus;

    #[test]
    fn reads_an_organization_with_its_cycles_and_details() {
        let conn = crate::store::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO authority (id, name, short_name, region, inn, kpp, ogrn)
                 VALUES (1, 'Комитет полностью', 'Комитет', 'Область', '7701234567', '770101001', '1027700132195');
             INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology)
                 VALUES (5, 2024, 'social', 1, 'Область', 'published', '2018'),
                        (6, 2025, 'social', 1, 'Область', 'collecting', '2018');
             INSERT INTO organization (id, full_name, short_name, inn, kpp, ogrn, reg_num, sector, region, founder_id)
                 VALUES (1, 'Полное', 'Краткое', '7701234568', '770101001', '1027700132196', '12345678', 'social', 'Область', 1);
             INSERT INTO membership (id, cycle_id, org_id, grp) VALUES (10, 5, 1, 'x'), (11, 6, 1, 'x');
             INSERT INTO score VALUES (10, '2018', 90, 1, 2, 1, 1, 't');
             INSERT INTO score_part VALUES (10, 'К1', 70, 2), (10, '1.1', 50, NULL);
             INSERT INTO input_key (id, key) VALUES (1, '1.2.phone');
             INSERT INTO indicator_input VALUES (10, 1, 1);
             INSERT INTO shortcoming (id, cycle_id, org_id, criterion, text) VALUES (1, 5, 1, 'К1', 'нет');
             INSERT INTO plan_row (cycle_id, org_id, number, criterion, measure, planned_date, status,
                                   implemented_measures, actual_date)
                 VALUES (5, 1, '1', 'К1', 'сделать', '2025-03-01', 'done', 'сделано', '2025-02-01');",
        )
        .unwrap();
        let id = identity(&conn, 1).unwrap().unwrap();
        assert_eq!(id.founder.as_deref(), Some("Комитет полностью"));
        assert!(identity(&conn, 99).unwrap().is_none());
        let h = history(&conn, 1).unwrap();
        assert_eq!(h.iter().map(|c| c.year).collect::<Vec<_>>(), [2025, 2024]);
        assert!(h[0].score.is_none());
        assert_eq!(h[1].score.map(|s| s.total), Some(90.0));
        let d = cycle_detail(&conn, 10, 5, 1).unwrap();
        assert_eq!(d.parts.len(), 2);
        assert_eq!(d.inputs, vec![("1.2.phone".to_string(), 1.0)]);
        assert_eq!(d.shortcomings[0].text, "нет");
        assert_eq!(d.plan[0].status, PlanStatus::Done);
        assert!(d.plan[0].actual_date.is_some());
        assert_eq!(
            cycle_detail(&conn, 11, 6, 1).unwrap(),
            CycleDetail::default()
        );
    }
}
