//! How far a database has come from empty to its first rating, for the «Начало работы» guide.
//! Counted only while nothing is scored yet (a database on its first day).

use rusqlite::{Connection, OptionalExtension};

use super::Result;

/// What is in the database, step by step.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FirstSteps {
    /// The first authority's short name (its full name when it has none).
    pub authority: Option<String>,
    /// Its sector code, if it has one.
    pub sector: Option<String>,
    /// Organizations stored.
    pub orgs: i64,
    /// The newest cycle: (id, year).
    pub cycle: Option<(i64, i32)>,
    /// Organizations in any cycle.
    pub members: i64,
    /// Members with at least one input value.
    pub with_inputs: i64,
    /// Whether any organization has a computed score.
    pub scored: bool,
    /// Whether the database was made as a working database (`nok init`); a demo, or a
    /// database made otherwise, gets no guide.
    pub working: bool,
}

/// Reads the steps. Once any organization is scored, or when the database is not a working
/// one, the guide is not needed: then nothing is counted (a national database included).
pub fn read(conn: &Connection) -> Result<FirstSteps> {
    let one = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    let working =
        super::meta::get(conn, super::meta::KIND)?.as_deref() == Some(super::meta::KIND_WORK);
    let scored = one("SELECT EXISTS (SELECT 1 FROM score)")? == 1;
    if scored || !working {
        return Ok(FirstSteps {
            scored,
            working,
            ..FirstSteps::default()
        });
    }
    let authority: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT CASE WHEN short_name <> '' THEN short_name ELSE name END, sector
             FROM authority ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let cycle = conn
        .query_row(
            "SELECT id, year FROM cycle ORDER BY year DESC, id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(FirstSteps {
        sector: authority.as_ref().and_then(|a| a.1.clone()),
        authority: authority.map(|a| a.0),
        orgs: one("SELECT count(*) FROM organization")?,
        cycle,
        members: one("SELECT count(*) FROM membership")?,
        with_inputs: one("SELECT count(*) FROM membership m
             WHERE EXISTS (SELECT 1 FROM indicator_input i WHERE i.membership_id = m.id)")?,
        scored: false,
        working,
    })
}

/// The organizations a cycle's inputs template lists, as (ИНН, КПП, full name) by name: the
/// cycle's members; without members, the active organizations of its sector and region; when
/// none has its region, those of its sector.
pub fn template_orgs(conn: &Connection, cycle_id: i64) -> Result<Vec<(String, String, String)>> {
    let read = |sql: &str| -> Result<Vec<(String, String, String)>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([cycle_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let members = read(
        "SELECT o.inn, o.kpp, o.full_name FROM membership m JOIN organization o ON o.id = m.org_id
         WHERE m.cycle_id = ?1 ORDER BY o.full_name, o.id",
    )?;
    if !members.is_empty() {
        return Ok(members);
    }
    let regional = read(
        "SELECT o.inn, o.kpp, o.full_name FROM organization o JOIN cycle c ON c.id = ?1
         WHERE o.sector = c.sector AND o.region = c.region AND o.active = 1
         ORDER BY o.full_name, o.id",
    )?;
    if !regional.is_empty() {
        return Ok(regional);
    }
    read(
        "SELECT o.inn, o.kpp, o.full_name FROM organization o JOIN cycle c ON c.id = ?1
         WHERE o.sector = c.sector AND o.active = 1 ORDER BY o.full_name, o.id",
    )
}
