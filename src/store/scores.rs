//! Indicator inputs of a cycle in, computed results out, and the rating as stored.

use std::collections::HashMap;

use rusqlite::types::Value;
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
///
/// Two ordered streams merged by membership id — the members with their names, and the inputs
/// alone — rather than one join: a join repeats the organization's name and group on every input
/// row (about fifty a member), which at 100,000 members made most of the reading time.
pub fn for_each_member_inputs(
    conn: &Connection,
    cycle_id: i64,
    mut f: impl FnMut(MemberInputs) -> Result<()>,
) -> Result<()> {
    // Key names by id: a small dense table, looked up once for each of millions of values.
    let mut keys: Vec<Option<String>> = Vec::new();
    {
        let mut stmt = conn.prepare("SELECT id, key FROM input_key")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Ok(id) = usize::try_from(r.get::<_, i64>(0)?) else {
                continue;
            };
            if id >= keys.len() {
                keys.resize(id + 1, None);
            }
            keys[id] = Some(r.get(1)?);
        }
    }
    let mut members = conn.prepare(
        "SELECT m.id, m.org_id,
                CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END, m.grp
         FROM membership m
         JOIN organization o ON o.id = m.org_id
         WHERE m.cycle_id = ?1
         ORDER BY m.id",
    )?;
    // The IN list is walked in ascending order, so the rows come by membership id, no sort.
    let mut inputs = conn.prepare(
        "SELECT i.membership_id, i.key_id, i.value FROM indicator_input i
         WHERE i.membership_id IN (SELECT id FROM membership WHERE cycle_id = ?1)
         ORDER BY i.membership_id",
    )?;
    let mut members = members.query([cycle_id])?;
    let mut inputs = inputs.query([cycle_id])?;
    let next_input = |inputs: &mut rusqlite::Rows<'_>| -> Result<Option<(i64, i64, f64)>> {
        Ok(match inputs.next()? {
            Some(r) => Some((r.get(0)?, r.get(1)?, r.get(2)?)),
            None => None,
        })
    };
    let mut pending = next_input(&mut inputs)?;
    while let Some(r) = members.next()? {
        let mut member = MemberInputs {
            membership_id: r.get(0)?,
            org_id: r.get(1)?,
            org_name: r.get(2)?,
            group: r.get(3)?,
            inputs: Inputs::new(),
        };
        while let Some((membership_id, key_id, value)) = pending {
            if membership_id > member.membership_id {
                break;
            }
            if membership_id == member.membership_id
                && let Some(Some(key)) = usize::try_from(key_id).ok().and_then(|k| keys.get(k))
            {
                member.inputs.set(key.as_str(), value);
            }
            pending = next_input(&mut inputs)?;
        }
        f(member)?;
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
///
/// Only what changed is written: the stored results are read first (two ordered scans, cheap)
/// and compared value by value, so a recompute that moves a few places rewrites a few rows, not
/// the two million parts of a 100,000-member cycle. A row written gets `computed_at`; a row
/// that came out the same keeps the time it was last changed.
pub fn replace_results(
    conn: &Connection,
    cycle_id: i64,
    methodology: &str,
    computed_at: &str,
    results: &[MemberResult],
    failed: &[(i64, String)],
) -> Result<()> {
    // Results in membership order, to merge with the stored rows read in that order.
    let mut order: Vec<usize> = (0..results.len()).collect();
    order.sort_by_key(|&i| results[i].membership_id);
    let wanted: HashMap<i64, usize> = order
        .iter()
        .map(|&i| (results[i].membership_id, i))
        .collect();

    // Scores: which to write, and which stored ones no longer have a result.
    let mut score_writes: Vec<usize> = Vec::new();
    let mut gone: Vec<i64> = Vec::new();
    let mut seen = vec![false; results.len()];
    {
        let mut stmt = conn.prepare(
            "SELECT s.membership_id, s.methodology, s.total, s.place, s.ranked, s.group_place,
                    s.group_ranked
             FROM score s WHERE s.membership_id IN (SELECT id FROM membership WHERE cycle_id = ?1)",
        )?;
        let mut rows = stmt.query([cycle_id])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let Some(&i) = wanted.get(&id) else {
                gone.push(id);
                continue;
            };
            seen[i] = true;
            let w = &results[i];
            let same = r.get_ref(1)?.as_str().ok() == Some(methodology)
                && r.get::<_, f64>(2)? == w.total
                && r.get::<_, u32>(3)? == w.place
                && r.get::<_, u32>(4)? == w.ranked
                && r.get::<_, u32>(5)? == w.group_place
                && r.get::<_, u32>(6)? == w.group_ranked;
            if !same {
                score_writes.push(i);
            }
        }
    }
    score_writes.extend(order.iter().copied().filter(|&i| !seen[i]));

    // Parts: merge the stored ones (by membership, then code) with the computed ones.
    let mut part_writes: Vec<(usize, usize)> = Vec::new();
    let mut part_deletes: Vec<(i64, String)> = Vec::new();
    let mut appeared = vec![false; results.len()];
    {
        let mut stmt = conn.prepare(
            "SELECT p.membership_id, p.code, p.value, p.place FROM score_part p
             WHERE p.membership_id IN (SELECT id FROM membership WHERE cycle_id = ?1)
             ORDER BY p.membership_id",
        )?;
        let mut rows = stmt.query([cycle_id])?;
        // Stored parts come by code within a member; the computed ones are in the method's order,
        // the same for every member. One ordering by code, checked per member, lets each stored
        // row find its computed part at the next place instead of searching.
        let by_code = |i: usize| -> Vec<usize> {
            let mut ks: Vec<usize> = (0..results[i].parts.len()).collect();
            ks.sort_by(|&a, &b| results[i].parts[a].code.cmp(&results[i].parts[b].code));
            ks
        };
        let template: Vec<usize> = order.first().map(|&i| by_code(i)).unwrap_or_default();
        let fits = |i: usize| {
            let parts = &results[i].parts;
            let first = order.first().map_or(&[][..], |&f| &results[f].parts[..]);
            parts.len() == first.len() && parts.iter().zip(first).all(|(a, b)| a.code == b.code)
        };
        let mut cursor = 0; // into `order`, which is by membership id like the rows
        let mut sorted: Vec<usize> = Vec::new();
        let mut next = 0; // into `sorted`
        let mut current: Option<(i64, usize, Vec<bool>)> = None;
        let finish = |done: Option<(i64, usize, Vec<bool>)>, out: &mut Vec<(usize, usize)>| {
            if let Some((_, i, found)) = done {
                out.extend(
                    found
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| !**f)
                        .map(|(k, _)| (i, k)),
                );
            }
        };
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            while cursor < order.len() && results[order[cursor]].membership_id < id {
                cursor += 1;
            }
            let Some(&i) = order
                .get(cursor)
                .filter(|&&i| results[i].membership_id == id)
            else {
                continue; // the member's score is gone: all its parts go below
            };
            if current.as_ref().map(|c| c.0) != Some(id) {
                finish(current.take(), &mut part_writes);
                appeared[i] = true;
                current = Some((id, i, vec![false; results[i].parts.len()]));
                sorted = if fits(i) {
                    template.clone()
                } else {
                    by_code(i)
                };
                next = 0;
            }
            let Some((_, _, found)) = current.as_mut() else {
                continue;
            };
            let code = r.get_ref(1)?.as_str().unwrap_or_default();
            let parts = &results[i].parts;
            let at = match sorted.get(next) {
                Some(&k) if parts[k].code == code => {
                    next += 1;
                    Some(k)
                }
                _ => parts.iter().position(|p| p.code == code),
            };
            match at {
                Some(k) => {
                    found[k] = true;
                    let p = &results[i].parts[k];
                    let same =
                        r.get::<_, f64>(2)? == p.value && r.get::<_, Option<u32>>(3)? == p.place;
                    if !same {
                        part_writes.push((i, k));
                    }
                }
                None => part_deletes.push((id, code.to_string())),
            }
        }
        finish(current.take(), &mut part_writes);
    }
    // Members with a result but no stored part at all: every part is new.
    for &i in &order {
        if !appeared[i] {
            part_writes.extend((0..results[i].parts.len()).map(|k| (i, k)));
        }
    }

    // Now write: nothing is being read any more.
    let mut drop_part = conn.prepare_cached("DELETE FROM score_part WHERE membership_id = ?1")?;
    let mut drop_score = conn.prepare_cached("DELETE FROM score WHERE membership_id = ?1")?;
    for id in &gone {
        drop_part.execute([id])?;
        drop_score.execute([id])?;
    }
    // Failed members never keep a score or parts.
    for (id, _) in failed {
        drop_part.execute([id])?;
        drop_score.execute([id])?;
    }
    let mut drop_one =
        conn.prepare_cached("DELETE FROM score_part WHERE membership_id = ?1 AND code = ?2")?;
    for (id, code) in &part_deletes {
        drop_one.execute(params![id, code])?;
    }

    score_writes.sort_unstable_by_key(|&i| results[i].membership_id);
    write_batched(
        conn,
        "INSERT INTO score (membership_id, methodology, total, place, ranked, group_place,
                            group_ranked, computed_at) VALUES ",
        "(?,?,?,?,?,?,?,?)",
        " ON CONFLICT (membership_id) DO UPDATE SET methodology = excluded.methodology,
            total = excluded.total, place = excluded.place, ranked = excluded.ranked,
            group_place = excluded.group_place, group_ranked = excluded.group_ranked,
            computed_at = excluded.computed_at",
        &score_writes,
        |&i, out| {
            let r = &results[i];
            out.extend([
                Value::Integer(r.membership_id),
                Value::Text(methodology.to_string()),
                Value::Real(r.total),
                Value::Integer(r.place.into()),
                Value::Integer(r.ranked.into()),
                Value::Integer(r.group_place.into()),
                Value::Integer(r.group_ranked.into()),
                Value::Text(computed_at.to_string()),
            ]);
        },
    )?;
    part_writes.sort_unstable_by(|a, b| {
        (results[a.0].membership_id, &results[a.0].parts[a.1].code)
            .cmp(&(results[b.0].membership_id, &results[b.0].parts[b.1].code))
    });
    write_batched(
        conn,
        "INSERT INTO score_part (membership_id, code, value, place) VALUES ",
        "(?,?,?,?)",
        " ON CONFLICT (membership_id, code) DO UPDATE SET value = excluded.value,
            place = excluded.place",
        &part_writes,
        |&(i, k), out| {
            let p = &results[i].parts[k];
            out.extend([
                Value::Integer(results[i].membership_id),
                Value::Text(p.code.clone()),
                Value::Real(p.value),
                p.place.map_or(Value::Null, |v| Value::Integer(v.into())),
            ]);
        },
    )?;

    conn.execute(
        "UPDATE membership SET score_error = NULL WHERE cycle_id = ?1 AND score_error IS NOT NULL",
        [cycle_id],
    )?;
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

/// Rows per multi-row statement: fewer statements to run for a big write.
const BATCH: usize = 64;

/// Runs `head` + `row` × n + `tail` over `items` in batches of [`BATCH`] rows, `bind` giving each
/// item's values in column order.
fn write_batched<T>(
    conn: &Connection,
    head: &str,
    row: &str,
    tail: &str,
    items: &[T],
    mut bind: impl FnMut(&T, &mut Vec<Value>),
) -> Result<()> {
    let sql = |n: usize| format!("{head}{}{tail}", vec![row; n].join(","));
    let full = sql(BATCH);
    let mut values = Vec::new();
    for chunk in items.chunks(BATCH) {
        values.clear();
        for item in chunk {
            bind(item, &mut values);
        }
        let text = if chunk.len() == BATCH {
            full.clone()
        } else {
            sql(chunk.len())
        };
        conn.prepare_cached(&text)?
            .execute(params_from_iter(values.iter()))?;
    }
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
