//! Parts of an organization assessed separately within a cycle (части организации: филиалы,
//! амбулаторная и стационарная помощь): their raw inputs in, their computed values out, and what
//! the card, the publication and the exports show of them. See migration 008.
//!
//! A part is scored from its own inputs; an input the part has none of is the organization's own
//! (the member's `indicator_input`): what is common to the parts — the website, an expert's
//! check of the organization as a whole — is entered once, and what the part has (its survey
//! counts, its stand, its building) wins.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use crate::domain::scoring::Inputs;

/// A part's raw inputs, as the scoring engine takes them.
#[derive(Debug, Clone)]
pub struct PartInputs {
    pub part_id: i64,
    pub name: String,
    pub inputs: Inputs,
}

/// A part with its stored values (indicators, criteria, `S`) and raw inputs, by code and key.
#[derive(Debug, Clone, PartialEq)]
pub struct PartResult {
    pub part_id: i64,
    pub name: String,
    /// Indicators (`1.1`…), criteria (`К1`…) and the total (`S`), by code; empty until scored.
    pub values: Vec<(String, f64)>,
    /// The inputs the part is scored from: its own, and the organization's where it has none.
    pub inputs: Vec<(String, f64)>,
    /// Keys of `inputs` taken from the organization (the part has none of its own).
    pub inherited: Vec<String>,
}

impl PartResult {
    /// The stored value of `code` (`S`, `К1`, `3.3`), if any.
    pub fn value(&self, code: &str) -> Option<f64> {
        self.values.iter().find(|(c, _)| c == code).map(|(_, v)| *v)
    }
}

/// Every part of the cycle's members with the inputs it is scored from (its own, and the
/// organization's where it has none), by membership id, parts in id order. A cycle without parts
/// costs two indexed queries that find nothing.
pub fn cycle_parts(conn: &Connection, cycle_id: i64) -> Result<HashMap<i64, Vec<PartInputs>>> {
    let mut stmt = conn.prepare(
        "SELECT p.membership_id, p.id, p.name, k.key, i.value
         FROM org_part p
         JOIN membership m ON m.id = p.membership_id
         LEFT JOIN org_part_input i ON i.part_id = p.id
         LEFT JOIN input_key k ON k.id = i.key_id
         WHERE m.cycle_id = ?1
         ORDER BY p.membership_id, p.id",
    )?;
    let mut rows = stmt.query([cycle_id])?;
    let mut out: HashMap<i64, Vec<PartInputs>> = HashMap::new();
    while let Some(r) = rows.next()? {
        let membership: i64 = r.get(0)?;
        let part_id: i64 = r.get(1)?;
        let parts = out.entry(membership).or_default();
        if parts.last().is_none_or(|p| p.part_id != part_id) {
            parts.push(PartInputs {
                part_id,
                name: r.get(2)?,
                inputs: Inputs::new(),
            });
        }
        if let (Some(key), Some(value)) =
            (r.get::<_, Option<String>>(3)?, r.get::<_, Option<f64>>(4)?)
            && let Some(p) = parts.last_mut()
        {
            p.inputs.set(key, value);
        }
    }
    if out.is_empty() {
        return Ok(out);
    }
    // The organization's own inputs fill what a part has none of.
    let mut own = conn.prepare(
        "SELECT i.membership_id, k.key, i.value
         FROM indicator_input i
         JOIN input_key k ON k.id = i.key_id
         JOIN membership m ON m.id = i.membership_id
         WHERE m.cycle_id = ?1
           AND EXISTS (SELECT 1 FROM org_part p WHERE p.membership_id = i.membership_id)",
    )?;
    let mut rows = own.query([cycle_id])?;
    while let Some(r) = rows.next()? {
        let membership: i64 = r.get(0)?;
        let key: String = r.get(1)?;
        let value: f64 = r.get(2)?;
        if let Some(parts) = out.get_mut(&membership) {
            for p in parts.iter_mut() {
                if p.inputs.get(&key).is_none() {
                    p.inputs.set(key.as_str(), value);
                }
            }
        }
    }
    Ok(out)
}

/// Replaces the stored values of the cycle's parts with `results` (part id → code, value).
/// Parts not in `results` (not scored) keep no values. Call inside a transaction.
pub fn replace_results(
    conn: &Connection,
    cycle_id: i64,
    results: &[(i64, Vec<(String, f64)>)],
) -> Result<()> {
    conn.execute(
        "DELETE FROM org_part_result WHERE part_id IN (
             SELECT p.id FROM org_part p JOIN membership m ON m.id = p.membership_id
             WHERE m.cycle_id = ?1)",
        [cycle_id],
    )?;
    insert_results(conn, results)
}

/// [`replace_results`] for the parts of members `members` only (a recompute of the members that
/// changed): the other parts keep their values.
pub fn replace_results_of(
    conn: &Connection,
    members: &[i64],
    results: &[(i64, Vec<(String, f64)>)],
) -> Result<()> {
    let mut clear = conn.prepare_cached(
        "DELETE FROM org_part_result
         WHERE part_id IN (SELECT id FROM org_part WHERE membership_id = ?1)",
    )?;
    for id in members {
        clear.execute([id])?;
    }
    insert_results(conn, results)
}

fn insert_results(conn: &Connection, results: &[(i64, Vec<(String, f64)>)]) -> Result<()> {
    let mut insert = conn
        .prepare_cached("INSERT INTO org_part_result (part_id, code, value) VALUES (?1, ?2, ?3)")?;
    for (part_id, values) in results {
        for (code, value) in values {
            insert.execute(params![part_id, code, value])?;
        }
    }
    Ok(())
}

/// The parts of a member with their stored values and the inputs each is scored from (its own,
/// and the organization's where it has none, named in `inherited`), in id order.
pub fn for_membership(conn: &Connection, membership_id: i64) -> Result<Vec<PartResult>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, name FROM org_part WHERE membership_id = ?1 ORDER BY id")?;
    let parts: Vec<(i64, String)> = stmt
        .query_map([membership_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let mut values = conn.prepare_cached(
        "SELECT code, value FROM org_part_result WHERE part_id = ?1 ORDER BY code",
    )?;
    let mut inputs = conn.prepare_cached(
        "SELECT k.key, i.value FROM org_part_input i JOIN input_key k ON k.id = i.key_id
         WHERE i.part_id = ?1 ORDER BY k.key",
    )?;
    let own: Vec<(String, f64)> = conn
        .prepare_cached(
            "SELECT k.key, i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id
             WHERE i.membership_id = ?1 ORDER BY k.key",
        )?
        .query_map([membership_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(parts.len());
    for (part_id, name) in parts {
        let mut part_inputs: Vec<(String, f64)> = inputs
            .query_map([part_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut inherited = Vec::new();
        for (key, value) in &own {
            if !part_inputs.iter().any(|(k, _)| k == key) {
                inherited.push(key.clone());
                part_inputs.push((key.clone(), *value));
            }
        }
        part_inputs.sort_by(|a, b| a.0.cmp(&b.0));
        out.push(PartResult {
            part_id,
            name,
            values: values
                .query_map([part_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?,
            inputs: part_inputs,
            inherited,
        });
    }
    Ok(out)
}

/// The parts of the cycle's members with their stored values, by membership id (for exports
/// and the publication).
pub fn cycle_results(conn: &Connection, cycle_id: i64) -> Result<HashMap<i64, Vec<PartResult>>> {
    let mut stmt = conn.prepare(
        "SELECT p.membership_id FROM org_part p JOIN membership m ON m.id = p.membership_id
         WHERE m.cycle_id = ?1 GROUP BY p.membership_id",
    )?;
    let members: Vec<i64> = stmt
        .query_map([cycle_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = HashMap::with_capacity(members.len());
    for m in members {
        out.insert(m, for_membership(conn, m)?);
    }
    Ok(out)
}

/// [`cycle_results`] keyed by organization id (an organization is a member of a cycle once).
pub fn cycle_results_by_org(
    conn: &Connection,
    cycle_id: i64,
) -> Result<HashMap<i64, Vec<PartResult>>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT m.id, m.org_id FROM org_part p JOIN membership m ON m.id = p.membership_id
         WHERE m.cycle_id = ?1",
    )?;
    let members: Vec<(i64, i64)> = stmt
        .query_map([cycle_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = HashMap::with_capacity(members.len());
    for (membership, org) in members {
        out.insert(org, for_membership(conn, membership)?);
    }
    Ok(out)
}

/// The names of the parts of the cycle's members, by membership id, in id order (the members
/// assessed in parts).
pub fn names_by_membership(conn: &Connection, cycle_id: i64) -> Result<HashMap<i64, Vec<String>>> {
    let mut stmt = conn.prepare(
        "SELECT p.membership_id, p.name FROM org_part p JOIN membership m ON m.id = p.membership_id
         WHERE m.cycle_id = ?1 ORDER BY p.membership_id, p.id",
    )?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    let rows = stmt.query_map([cycle_id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (m, name) = row?;
        out.entry(m).or_default().push(name);
    }
    Ok(out)
}

/// The part of a member with this name, if any.
pub fn find(conn: &Connection, membership_id: i64, name: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM org_part WHERE membership_id = ?1 AND name = ?2")?
        .query_row(params![membership_id, name], |r| r.get(0))
        .optional()?)
}

/// Adds a part to a member; returns its id.
pub fn add(conn: &Connection, membership_id: i64, name: &str) -> Result<i64> {
    conn.prepare_cached("INSERT INTO org_part (membership_id, name) VALUES (?1, ?2)")?
        .execute(params![membership_id, name])?;
    Ok(conn.last_insert_rowid())
}

/// The stored inputs of a part, by key.
pub fn inputs(conn: &Connection, part_id: i64) -> Result<HashMap<String, f64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT k.key, i.value FROM org_part_input i JOIN input_key k ON k.id = i.key_id
         WHERE i.part_id = ?1",
    )?;
    let rows = stmt.query_map([part_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Sets a raw input of a part, interning the key on first use.
pub fn set_input(conn: &Connection, part_id: i64, key: &str, value: f64) -> Result<()> {
    let key_id: i64 = match conn
        .prepare_cached("SELECT id FROM input_key WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?
    {
        Some(id) => id,
        None => {
            conn.prepare_cached("INSERT INTO input_key (key) VALUES (?1)")?
                .execute([key])?;
            conn.last_insert_rowid()
        }
    };
    conn.prepare_cached(
        "INSERT INTO org_part_input (part_id, key_id, value) VALUES (?1, ?2, ?3)
         ON CONFLICT (part_id, key_id) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![part_id, key_id, value])?;
    Ok(())
}
