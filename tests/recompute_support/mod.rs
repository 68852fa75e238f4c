//! What the recompute tests share: everything a recompute stores for a cycle, read by plain SQL
//! (reals as their bits, blobs as bytes: exact), and the same computed afresh on a copy of the
//! database.

#![allow(dead_code)]

use std::path::Path;

use nok::service::methodology::Methods;
use nok::service::recompute::{Recomputed, recompute_cycle_full};
use rusqlite::Connection;
use rusqlite::types::ValueRef;

/// What [`stored`] reads: each table's rows as text.
pub type Stored = Vec<(&'static str, Vec<Vec<String>>)>;

/// The first column of `sql`'s rows.
pub fn ids(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> Vec<i64> {
    conn.prepare(sql)
        .unwrap()
        .query_map(p, |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Rows of `sql` as text, reals as their bits (exact).
pub fn rows(conn: &Connection, sql: &str, cycle: i64) -> Vec<Vec<String>> {
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([cycle], |r| {
        (0..n)
            .map(|k| {
                Ok(match r.get_ref(k)? {
                    ValueRef::Real(v) => format!("r{}", v.to_bits()),
                    ValueRef::Blob(b) => format!("b{b:?}"),
                    v => format!("{v:?}"),
                })
            })
            .collect::<rusqlite::Result<Vec<String>>>()
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// Everything a recompute stores for the cycle, by plain SQL.
pub fn stored(conn: &Connection, cycle: i64) -> Stored {
    const MEMBERS: &str = "(SELECT id FROM membership WHERE cycle_id = ?1)";
    [
        (
            "score",
            format!(
                "SELECT membership_id, methodology, total, place, ranked, group_place, group_ranked
                 FROM score WHERE membership_id IN {MEMBERS} ORDER BY 1"
            ),
        ),
        (
            "score_parts",
            format!(
                "SELECT membership_id, vals, places FROM score_parts
                 WHERE membership_id IN {MEMBERS} ORDER BY 1"
            ),
        ),
        (
            "score_error",
            "SELECT id, grp, score_error FROM membership WHERE cycle_id = ?1 ORDER BY 1"
                .to_string(),
        ),
        (
            "org_part_result",
            format!(
                "SELECT r.part_id, r.code, r.value FROM org_part_result r
                 JOIN org_part p ON p.id = r.part_id
                 WHERE p.membership_id IN {MEMBERS} ORDER BY 1, 2"
            ),
        ),
        (
            "cycle_value_bin",
            "SELECT code, bin, n, hundredths FROM cycle_value_bin
             WHERE cycle_id = ?1 AND n <> 0 ORDER BY 1, 2"
                .to_string(),
        ),
        (
            "rating_order",
            "SELECT place, short_name, org_id, membership_id, total, grp FROM rating_order
             WHERE cycle_id = ?1 ORDER BY place, short_name, org_id"
                .to_string(),
        ),
    ]
    .into_iter()
    .map(|(name, sql)| (name, rows(conn, &sql, cycle)))
    .collect()
}

/// The cycle's results computed afresh on a copy of the database: every result of the cycle
/// deleted (the distributions and the rating order too), then every member scored from its
/// inputs. Returns what the copy then stores, and what the recompute said.
pub fn from_scratch(
    conn: &Connection,
    dir: &Path,
    cycle: i64,
    methods: &Methods,
) -> (Stored, Recomputed) {
    let copy = dir.join(format!("scratch-{cycle}.sqlite"));
    let _ = std::fs::remove_file(&copy);
    conn.execute("VACUUM INTO ?1", [copy.to_str().unwrap()])
        .unwrap();
    let mut fresh = nok::store::open_existing(&copy).unwrap();
    fresh
        .execute_batch(&format!(
            "DELETE FROM score_parts WHERE membership_id IN (SELECT id FROM membership WHERE cycle_id = {cycle});
             DELETE FROM score WHERE membership_id IN (SELECT id FROM membership WHERE cycle_id = {cycle});
             DELETE FROM org_part_result WHERE part_id IN (SELECT p.id FROM org_part p
                 JOIN membership m ON m.id = p.membership_id WHERE m.cycle_id = {cycle});
             UPDATE membership SET score_error = NULL WHERE cycle_id = {cycle};
             DELETE FROM cycle_value_bin WHERE cycle_id = {cycle};
             DELETE FROM rating_order WHERE cycle_id = {cycle};"
        ))
        .unwrap();
    let done = recompute_cycle_full(&mut fresh, methods, cycle).unwrap();
    let out = stored(&fresh, cycle);
    drop(fresh);
    let _ = std::fs::remove_file(&copy);
    (out, done)
}

/// Stored places of the cycle that differ from those plain SQL works out from the stored values
/// and groups — competition ranking of the values at hundredths, best first (`RANK()`), overall,
/// in the member's group and per criterion; `ranked` and `group_ranked` the counts — as rows
/// (member, stored…, worked out…). Empty when every place is right.
pub fn wrong_places(conn: &Connection, cycle: i64) -> Vec<Vec<String>> {
    let mut out = rows(
        conn,
        "SELECT * FROM (
             SELECT s.membership_id, s.place, s.ranked, s.group_place, s.group_ranked,
                    RANK() OVER (ORDER BY round(s.total * 100) DESC) AS p,
                    count(*) OVER () AS n,
                    RANK() OVER (PARTITION BY m.grp ORDER BY round(s.total * 100) DESC) AS gp,
                    count(*) OVER (PARTITION BY m.grp) AS gn
             FROM score s JOIN membership m ON m.id = s.membership_id
             WHERE m.cycle_id = ?1)
         WHERE (place, ranked, group_place, group_ranked) IS NOT (p, n, gp, gn)",
        cycle,
    );
    out.extend(rows(
        conn,
        "SELECT * FROM (
             SELECT p.membership_id, p.code, p.place,
                    RANK() OVER (PARTITION BY p.code ORDER BY round(p.value * 100) DESC) AS want
             FROM score_part p JOIN membership m ON m.id = p.membership_id
             WHERE m.cycle_id = ?1 AND p.place IS NOT NULL)
         WHERE place IS NOT want",
        cycle,
    ));
    out
}
