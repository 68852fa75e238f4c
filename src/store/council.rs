//! Council meetings (заседания общественного совета) as listed in the UI.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::{Result, codec};

/// A meeting with its authority and protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRow {
    pub id: i64,
    pub date: NaiveDate,
    pub authority: String,
    pub region: String,
    pub protocol_number: String,
    pub agenda: String,
    pub decisions: String,
    /// The cycle it dealt with: (id, year, sector name).
    pub cycle: Option<(i64, i32, String)>,
}

/// Meetings newest first; `text` (lower case) filters on agenda, decisions and authority.
pub fn meetings(conn: &Connection, text: &str) -> Result<Vec<MeetingRow>> {
    let mut stmt = conn.prepare(
        "SELECT m.id, m.date, CASE WHEN a.short_name = '' THEN a.name ELSE a.short_name END,
                a.region, m.protocol_number, m.agenda, m.decisions, c.id, c.year, c.sector
         FROM council_meeting m
         JOIN authority a ON a.id = m.authority_id
         LEFT JOIN cycle c ON c.id = m.cycle_id
         ORDER BY m.date DESC, m.id DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        let cycle = match r.get::<_, Option<i64>>(7)? {
            Some(id) => Some((id, r.get(8)?, codec::sector(r, 9)?.name_ru().to_string())),
            None => None,
        };
        Ok(MeetingRow {
            id: r.get(0)?,
            date: codec::date(r, 1)?,
            authority: r.get(2)?,
            region: r.get(3)?,
            protocol_number: r.get(4)?,
            agenda: r.get(5)?,
            decisions: r.get(6)?,
            cycle,
        })
    })?;
    let all: Vec<MeetingRow> = rows.collect::<rusqlite::Result<_>>()?;
    if text.is_empty() {
        return Ok(all);
    }
    Ok(all
        .into_iter()
        .filter(|m| {
            [&m.agenda, &m.decisions, &m.authority, &m.region]
                .iter()
                .any(|f| f.to_lowercase().contains(text))
        })
        .collect())
}
