//! Read queries behind the published report (публикация результатов на сайте): the cycle with
//! its authority, operator and approving protocol; the rating as one small row per member; the
//! council meetings of the cycle; and, streamed one organization at a time, what an
//! organization's page shows (identity, results, shortcomings, improvement plan). Nothing here
//! holds more than one organization's details at once.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};

use super::card::MemberScore;
use super::scores::Part;
use super::{Result, codec};
use crate::domain::council::CouncilMeeting;
use crate::domain::cycle::CycleStatus;
use crate::domain::org::Organization;
use crate::domain::plan::PlanRow;
use crate::domain::sector::Sector;
use crate::domain::shortcoming::Shortcoming;

/// A cycle with what the title page of its publication states.
#[derive(Debug, Clone, PartialEq)]
pub struct PubCycle {
    pub id: i64,
    pub year: i32,
    pub sector: Sector,
    pub region: String,
    /// The authority's full name.
    pub authority: String,
    pub status: CycleStatus,
    pub methodology: String,
    /// Inputs changed since the scores were computed.
    pub scores_stale: bool,
    pub operator_name: Option<String>,
    pub operator_inn: Option<String>,
    pub contract_number: Option<String>,
    pub contract_date: Option<NaiveDate>,
    /// The council protocol that approved the results: number and date.
    pub protocol_number: Option<String>,
    pub protocol_date: Option<NaiveDate>,
    /// When the scores were last computed (local time `YYYY-MM-DDThh:mm:ss`), if ever.
    pub computed_at: Option<String>,
    /// Organizations in the cycle.
    pub members: i64,
}

/// The cycle `id`, if there is one.
pub fn cycle(conn: &Connection, id: i64) -> Result<Option<PubCycle>> {
    Ok(conn
        .query_row(
            "SELECT c.id, c.year, c.sector, c.region, a.name, c.status, c.methodology,
                    c.scores_stale, c.operator_name, c.operator_inn, c.contract_number,
                    c.contract_date, c.council_protocol_number, c.council_protocol_date,
                    (SELECT max(s.computed_at) FROM membership m
                        JOIN score s ON s.membership_id = m.id WHERE m.cycle_id = c.id),
                    (SELECT count(*) FROM membership m WHERE m.cycle_id = c.id)
             FROM cycle c JOIN authority a ON a.id = c.authority_id
             WHERE c.id = ?1",
            [id],
            |r| {
                Ok(PubCycle {
                    id: r.get(0)?,
                    year: r.get(1)?,
                    sector: codec::sector(r, 2)?,
                    region: r.get(3)?,
                    authority: r.get(4)?,
                    status: codec::cycle_status(r, 5)?,
                    methodology: r.get(6)?,
                    scores_stale: r.get::<_, i64>(7)? != 0,
                    operator_name: r.get(8)?,
                    operator_inn: r.get(9)?,
                    contract_number: r.get(10)?,
                    contract_date: codec::opt_date(r, 11)?,
                    protocol_number: r.get(12)?,
                    protocol_date: codec::opt_date(r, 13)?,
                    computed_at: r.get(14)?,
                    members: r.get(15)?,
                })
            },
        )
        .optional()?)
}

/// One member of the cycle as the rating and the list of organizations show it.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberRow {
    pub membership_id: i64,
    pub org_id: i64,
    /// Short name (full name when there is none).
    pub name: String,
    pub full_name: String,
    pub inn: String,
    pub kpp: String,
    pub group: String,
    /// `None` when not scored (then `score_error` says why, if it was tried).
    pub score: Option<MemberScore>,
    /// Criterion values (`К1`…) in code order; empty when not scored.
    pub criteria: Vec<(String, f64)>,
    pub score_error: Option<String>,
}

/// Every member of the cycle, scored ones in rating order (place, then name), then the unscored
/// by name. One small row per member: 5,000 of them are about a megabyte.
pub fn members(conn: &Connection, cycle_id: i64) -> Result<Vec<MemberRow>> {
    let mut criteria: HashMap<i64, Vec<(String, f64)>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT p.membership_id, p.code, p.value
         FROM membership m JOIN score_part p ON p.membership_id = m.id
         WHERE m.cycle_id = ?1 AND p.place IS NOT NULL
         ORDER BY p.membership_id, p.code",
    )?;
    let mut rows = stmt.query([cycle_id])?;
    while let Some(r) = rows.next()? {
        criteria
            .entry(r.get(0)?)
            .or_default()
            .push((r.get(1)?, r.get(2)?));
    }
    let mut stmt = conn.prepare(
        "SELECT m.id, m.org_id, CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
                o.full_name, o.inn, o.kpp, m.grp, m.score_error,
                s.total, s.place, s.ranked, s.group_place, s.group_ranked
         FROM membership m
         JOIN organization o ON o.id = m.org_id
         LEFT JOIN score s ON s.membership_id = m.id
         WHERE m.cycle_id = ?1
         ORDER BY s.place IS NULL, s.place, 3, o.id",
    )?;
    let rows = stmt.query_map([cycle_id], |r| {
        let membership_id: i64 = r.get(0)?;
        let score = match r.get::<_, Option<f64>>(8)? {
            Some(total) => Some(MemberScore {
                total,
                place: r.get(9)?,
                ranked: r.get(10)?,
                group_place: r.get(11)?,
                group_ranked: r.get(12)?,
            }),
            None => None,
        };
        Ok(MemberRow {
            membership_id,
            org_id: r.get(1)?,
            name: r.get(2)?,
            full_name: r.get(3)?,
            inn: r.get(4)?,
            kpp: r.get(5)?,
            group: r.get(6)?,
            score_error: r.get(7)?,
            criteria: Vec::new(),
            score,
        })
    })?;
    let mut out: Vec<MemberRow> = rows.collect::<rusqlite::Result<_>>()?;
    for m in &mut out {
        if let Some(c) = criteria.remove(&m.membership_id) {
            m.criteria = c;
        }
    }
    Ok(out)
}

/// The council meetings that dealt with the cycle, oldest first.
pub fn meetings(conn: &Connection, cycle_id: i64) -> Result<Vec<CouncilMeeting>> {
    let mut stmt = conn.prepare(
        "SELECT authority_id, date, protocol_number, agenda, decisions
         FROM council_meeting WHERE cycle_id = ?1 ORDER BY date, id",
    )?;
    let rows = stmt.query_map([cycle_id], |r| {
        Ok(CouncilMeeting {
            authority_id: r.get(0)?,
            cycle_id: Some(cycle_id),
            date: codec::date(r, 1)?,
            protocol_number: r.get(2)?,
            agenda: r.get(3)?,
            decisions: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What an organization's page shows for the cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgPage {
    pub org_id: i64,
    pub membership_id: i64,
    pub org: Organization,
    /// The founder authority's full name, if recorded.
    pub founder: Option<String>,
    pub group: String,
    pub respondents: u32,
    pub score: Option<MemberScore>,
    pub score_error: Option<String>,
    /// Criteria (`К1`…, with their place in the cycle) and indicators (`1.1`…), by code.
    pub parts: Vec<Part>,
    pub shortcomings: Vec<Shortcoming>,
    /// Improvement-plan rows in plan order (criterion, then as entered).
    pub plan: Vec<PlanRow>,
    /// Parts assessed separately (филиалы; амбулаторно и стационарно) with their values.
    pub org_parts: Vec<super::org_parts::PartResult>,
}

/// Calls `f` with each member's page data, in membership order, reading one organization at a
/// time through indexed queries. `f` returning an error stops the walk with that error.
pub fn for_each_org<E>(
    conn: &Connection,
    cycle_id: i64,
    mut f: impl FnMut(OrgPage) -> std::result::Result<(), E>,
) -> std::result::Result<(), E>
where
    E: From<super::StoreError>,
{
    let ids: Vec<(i64, i64)> = (|| -> Result<_> {
        let mut stmt =
            conn.prepare("SELECT id, org_id FROM membership WHERE cycle_id = ?1 ORDER BY id")?;
        let rows = stmt.query_map([cycle_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    })()?;
    for (membership_id, org_id) in ids {
        if let Some(page) = org_page(conn, cycle_id, membership_id, org_id)? {
            f(page)?;
        }
    }
    Ok(())
}

/// One organization's page data (`None` if the membership vanished meanwhile).
fn org_page(
    conn: &Connection,
    cycle_id: i64,
    membership_id: i64,
    org_id: i64,
) -> Result<Option<OrgPage>> {
    let head = conn
        .prepare_cached(
            "SELECT o.full_name, o.short_name, o.inn, o.kpp, o.ogrn, o.reg_num, o.sector,
                    o.region, o.oktmo, o.address, o.website, coalesce(o.founder_id, 0), o.active,
                    a.name, m.grp, m.respondents, m.score_error,
                    s.total, s.place, s.ranked, s.group_place, s.group_ranked
             FROM membership m
             JOIN organization o ON o.id = m.org_id
             LEFT JOIN authority a ON a.id = o.founder_id
             LEFT JOIN score s ON s.membership_id = m.id
             WHERE m.id = ?1",
        )?
        .query_row([membership_id], |r| {
            let score = match r.get::<_, Option<f64>>(17)? {
                Some(total) => Some(MemberScore {
                    total,
                    place: r.get(18)?,
                    ranked: r.get(19)?,
                    group_place: r.get(20)?,
                    group_ranked: r.get(21)?,
                }),
                None => None,
            };
            Ok(OrgPage {
                org_id,
                membership_id,
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
                group: r.get(14)?,
                respondents: r.get(15)?,
                score_error: r.get(16)?,
                score,
                parts: Vec::new(),
                shortcomings: Vec::new(),
                plan: Vec::new(),
                org_parts: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut page) = head else {
        return Ok(None);
    };
    page.parts = super::card::parts(conn, membership_id)?;
    page.shortcomings = super::card::shortcomings(conn, cycle_id, org_id)?;
    page.plan = super::card::plan(conn, cycle_id, org_id)?;
    page.org_parts = super::org_parts::for_membership(conn, membership_id)?;
    Ok(Some(page))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::PlanStatus;

    fn db() -> Connection {
        let conn = crate::store::open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO authority (id, name, short_name, region, inn, kpp, ogrn)
                 VALUES (1, 'Комитет полностью', 'Комитет', 'Область', '7701234567', '770101001', '1027700132195');
             INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology,
                                council_protocol_number, council_protocol_date, scores_stale)
                 VALUES (5, 2025, 'social', 1, 'Область', 'approved', '2018', '7', '2025-12-01', 0);
             INSERT INTO organization (id, full_name, short_name, inn, kpp, ogrn, reg_num, sector, region, founder_id)
                 VALUES (1, 'Полное А', 'А', '7701234568', '770101001', '1027700132196', '12345678', 'social', 'Область', 1),
                        (2, 'Полное Б', '', '7701234569', '770101001', '1027700132197', '12345679', 'social', 'Область', NULL),
                        (3, 'Полное В', 'В', '7701234570', '770101001', '1027700132198', '12345670', 'social', 'Область', 1);
             INSERT INTO membership (id, cycle_id, org_id, grp, score_error)
                 VALUES (10, 5, 1, 'x', NULL), (11, 5, 2, 'y', NULL), (12, 5, 3, 'x', 'нет данных');
             INSERT INTO score VALUES (10, '2018', 80, 2, 2, 1, 1, '2025-11-30T10:00:00'),
                                      (11, '2018', 90, 1, 2, 1, 1, '2025-11-30T10:00:01');
             INSERT INTO score_part VALUES (10, 'К1', 70, 2), (10, 'К2', 60, 1), (10, '1.1', 50, NULL),
                                           (11, 'К1', 75, 1);
             INSERT INTO shortcoming (id, cycle_id, org_id, criterion, text) VALUES (1, 5, 1, 'К1', 'нет');
             INSERT INTO plan_row (cycle_id, org_id, number, criterion, measure, planned_date, status,
                                   implemented_measures, actual_date)
                 VALUES (5, 1, '1', 'К1', 'сделать', '2026-03-01', 'done', 'сделано', '2026-02-01');
             INSERT INTO council_meeting (authority_id, cycle_id, date, protocol_number)
                 VALUES (1, 5, '2025-12-01', '7'), (1, 5, '2025-03-01', '2'), (1, NULL, '2025-04-01', '3');",
        )
        .unwrap();
        conn
    }

    #[test]
    fn reads_the_cycle_its_members_and_meetings() {
        let conn = db();
        let c = cycle(&conn, 5).unwrap().unwrap();
        assert_eq!((c.year, c.members, c.scores_stale), (2025, 3, false));
        assert_eq!(c.authority, "Комитет полностью");
        assert_eq!(c.computed_at.as_deref(), Some("2025-11-30T10:00:01"));
        assert_eq!(c.protocol_number.as_deref(), Some("7"));
        assert!(cycle(&conn, 6).unwrap().is_none());

        let m = members(&conn, 5).unwrap();
        // Rating order, the unscored last; a missing short name falls back to the full one.
        assert_eq!(
            m.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
            ["Полное Б", "А", "В"]
        );
        assert_eq!(
            m[1].criteria,
            vec![("К1".to_string(), 70.0), ("К2".to_string(), 60.0)]
        );
        assert!(m[2].score.is_none() && m[2].criteria.is_empty());
        assert_eq!(m[2].score_error.as_deref(), Some("нет данных"));

        let dates: Vec<String> = meetings(&conn, 5)
            .unwrap()
            .iter()
            .map(|m| m.protocol_number.clone())
            .collect();
        assert_eq!(dates, ["2", "7"]);
    }

    #[test]
    fn streams_one_organization_at_a_time() {
        let conn = db();
        let mut seen = Vec::new();
        for_each_org(&conn, 5, |p: OrgPage| -> Result<()> {
            seen.push(p);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.len(), 3);
        let a = &seen[0];
        assert_eq!((a.org.short_name.as_str(), a.group.as_str()), ("А", "x"));
        assert_eq!(a.founder.as_deref(), Some("Комитет полностью"));
        assert_eq!(a.score.map(|s| s.place), Some(2));
        assert_eq!(a.parts.len(), 3);
        assert_eq!(a.shortcomings[0].text, "нет");
        assert_eq!(a.plan[0].status, PlanStatus::Done);
        assert!(seen[1].founder.is_none());
        assert!(seen[2].score.is_none());

        // An error from the callback stops the walk.
        let mut calls = 0;
        let err = for_each_org(&conn, 5, |_| {
            calls += 1;
            Err(crate::store::StoreError::Invalid("стоп".into()))
        });
        assert!(err.is_err());
        assert_eq!(calls, 1);
    }
}
