//! Indicator inputs of a cycle in, computed results out, and the rating as stored.

use std::collections::HashMap;

use rusqlite::{Connection, params, params_from_iter};

use super::Result;
use crate::domain::scoring::Inputs;

/// An organization's raw inputs in a cycle, as the scoring engine takes them.
#[derive(Debug, Clone)]
pub struct MemberInputs {
    pub membership_id: i64,
    pub org_id: i64,
    /// Short name (full name when there is none), for messages.
    pub org_name: String,
    pub group: String,
    pub inputs: Inputs,
}

/// Calls `f` with each member of the cycle and its inputs, in membership order, holding one member
/// in memory at a time.
pub fn for_each_member_inputs(
    conn: &Connection,
    cycle_id: i64,
    mut f: impl FnMut(MemberInputs) -> Result<()>,
) -> Result<()> {
    let keys: HashMap<i64, String> = conn
        .prepare("SELECT id, key FROM input_key")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT m.id, m.org_id,
                CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
                m.grp, i.key_id, i.value
         FROM membership m
         JOIN organization o ON o.id = m.org_id
         LEFT JOIN indicator_input i ON i.membership_id = m.id
         WHERE m.cycle_id = ?1
         ORDER BY m.id",
    )?;
    let mut rows = stmt.query([cycle_id])?;
    let mut current: Option<MemberInputs> = None;
    while let Some(r) = rows.next()? {
        let membership_id: i64 = r.get(0)?;
        if current.as_ref().map(|c| c.membership_id) != Some(membership_id) {
            if let Some(done) = current.take() {
                f(done)?;
            }
            current = Some(MemberInputs {
                membership_id,
                org_id: r.get(1)?,
                org_name: r.get(2)?,
                group: r.get(3)?,
                inputs: Inputs::new(),
            });
        }
        if let (Some(key_id), Some(member)) = (r.get::<_, Option<i64>>(4)?, current.as_mut())
            && let Some(key) = keys.get(&key_id)
        {
            member.inputs.set(key, r.get(5)?);
        }
    }
    if let Some(done) = current.take() {
        f(done)?;
    }
    Ok(())
}

/// One part of a result: a criterion (`К1`, with its place) or an indicator (`1.1`, no place).
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub code: String,
    pub value: f64,
    pub place: Option<u32>,
}

/// A member's computed result with its places.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberResult {
    pub membership_id: i64,
    pub total: f64,
    pub place: u32,
    pub ranked: u32,
    pub group_place: u32,
    pub group_ranked: u32,
    pub parts: Vec<Part>,
}

/// Replaces the cycle's stored results with `results` (computed by `methodology` at
/// `computed_at`), records why the `failed` members could not be scored, and marks the cycle's
/// scores current. Call inside a transaction.
pub fn replace_results(
    conn: &Connection,
    cycle_id: i64,
    methodology: &str,
    computed_at: &str,
    results: &[MemberResult],
    failed: &[(i64, String)],
) -> Result<()> {
    conn.execute(
        "DELETE FROM score_part WHERE membership_id IN (SELECT id FROM membership WHERE cycle_id = ?1)",
        [cycle_id],
    )?;
    conn.execute(
        "DELETE FROM score WHERE membership_id IN (SELECT id FROM membership WHERE cycle_id = ?1)",
        [cycle_id],
    )?;
    conn.execute(
        "UPDATE membership SET score_error = NULL WHERE cycle_id = ?1 AND score_error IS NOT NULL",
        [cycle_id],
    )?;
    let mut score = conn.prepare_cached(
        "INSERT INTO score (membership_id, methodology, total, place, ranked, group_place,
                            group_ranked, computed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut part = conn.prepare_cached(
        "INSERT INTO score_part (membership_id, code, value, place) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for r in results {
        score.execute(params![
            r.membership_id,
            methodology,
            r.total,
            r.place,
            r.ranked,
            r.group_place,
            r.group_ranked,
            computed_at
        ])?;
        for p in &r.parts {
            part.execute(params![r.membership_id, p.code, p.value, p.place])?;
        }
    }
    let mut fail = conn.prepare_cached("UPDATE membership SET score_error = ?2 WHERE id = ?1")?;
    for (membership_id, message) in failed {
        fail.execute(params![membership_id, message])?;
    }
    conn.execute(
        "UPDATE cycle SET scores_stale = 0 WHERE id = ?1",
        [cycle_id],
    )?;
    Ok(())
}

/// A row of a cycle's rating as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RatingRow {
    pub org_id: i64,
    pub org_name: String,
    pub inn: String,
    pub group: String,
    pub place: u32,
    pub ranked: u32,
    pub group_place: u32,
    pub group_ranked: u32,
    pub total: f64,
    /// Values of the requested criteria, in the order asked.
    pub criteria: Vec<Option<f64>>,
}

/// The cycle's rating, best first (then by name), with the values of `criteria` codes.
pub fn rating(conn: &Connection, cycle_id: i64, criteria: &[&str]) -> Result<Vec<RatingRow>> {
    let pivot: String = (0..criteria.len())
        .map(|i| {
            format!(
                ", (SELECT p.value FROM score_part p WHERE p.membership_id = m.id AND p.code = ?{})",
                i + 2
            )
        })
        .collect();
    let sql = format!(
        "SELECT m.org_id, CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
                o.inn, m.grp, s.place, s.ranked, s.group_place, s.group_ranked, s.total {pivot}
         FROM membership m
         JOIN score s ON s.membership_id = m.id
         JOIN organization o ON o.id = m.org_id
         WHERE m.cycle_id = ?1
         ORDER BY s.place, o.short_name, o.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let bind = std::iter::once(rusqlite::types::Value::Integer(cycle_id)).chain(
        criteria
            .iter()
            .map(|c| rusqlite::types::Value::Text((*c).to_string())),
    );
    let rows = stmt.query_map(params_from_iter(bind), |r| {
        let criteria = (0..criteria.len())
            .map(|i| r.get(9 + i))
            .collect::<rusqlite::Result<Vec<Option<f64>>>>()?;
        Ok(RatingRow {
            org_id: r.get(0)?,
            org_name: r.get(1)?,
            inn: r.get(2)?,
            group: r.get(3)?,
            place: r.get(4)?,
            ranked: r.get(5)?,
            group_place: r.get(6)?,
            group_ranked: r.get(7)?,
            total: r.get(8)?,
            criteria,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Members of the cycle whose inputs could not be scored: (organization, ИНН, reason).
pub fn errors(conn: &Connection, cycle_id: i64) -> Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END, o.inn, m.score_error
         FROM membership m JOIN organization o ON o.id = m.org_id
         WHERE m.cycle_id = ?1 AND m.score_error IS NOT NULL ORDER BY o.short_name",
    )?;
    let rows = stmt.query_map([cycle_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
