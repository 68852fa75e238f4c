//! Indicator inputs of a cycle in, computed results out, and the rating as stored.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use super::Result;
use crate::domain::rating::BIN_FLOORS;
use crate::domain::scoring::Inputs;
use crate::domain::text::push_uint;

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
    f: impl FnMut(MemberInputs) -> Result<()>,
) -> Result<()> {
    member_inputs(conn, cycle_id, None, f)
}

/// [`for_each_member_inputs`] for the members `ids` of the cycle only (any order; ids of other
/// cycles' members are skipped): each member's rows are found by its key, not the whole cycle
/// scanned.
pub fn for_each_member_inputs_of(
    conn: &Connection,
    cycle_id: i64,
    ids: &[i64],
    f: impl FnMut(MemberInputs) -> Result<()>,
) -> Result<()> {
    member_inputs(conn, cycle_id, Some(ids), f)
}

fn member_inputs(
    conn: &Connection,
    cycle_id: i64,
    only: Option<&[i64]>,
    mut f: impl FnMut(MemberInputs) -> Result<()>,
) -> Result<()> {
    // Key names by id: a small dense table, looked up once for each of millions of values; each
    // value takes a clone of the shared name, not a new string.
    let mut keys: Vec<Option<Arc<str>>> = Vec::new();
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
            keys[id] = Some(Arc::from(r.get::<_, String>(1)?));
        }
    }
    // The whole cycle, or the members of `only` (a JSON array of ids: an IN list SQLite walks in
    // ascending order, seeking each member; inputs of an id not of this cycle find no member
    // below and are skipped).
    let (member_filter, input_filter) = match only {
        None => (
            "m.cycle_id = ?1",
            "i.membership_id IN (SELECT id FROM membership WHERE cycle_id = ?1)",
        ),
        Some(_) => (
            "m.cycle_id = ?1 AND m.id IN (SELECT value FROM json_each(?2))",
            "i.membership_id IN (SELECT value FROM json_each(?1))",
        ),
    };
    let mut members = conn.prepare(&format!(
        "SELECT m.id, m.org_id,
                CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END, m.grp
         FROM membership m
         JOIN organization o ON o.id = m.org_id
         WHERE {member_filter}
         ORDER BY m.id"
    ))?;
    // The IN list is walked in ascending order, so the rows come by membership id, no sort.
    let mut inputs = conn.prepare(&format!(
        "SELECT i.membership_id, i.key_id, i.value FROM indicator_input i
         WHERE {input_filter}
         ORDER BY i.membership_id"
    ))?;
    let (mut members, mut inputs) = match only {
        None => (members.query([cycle_id])?, inputs.query([cycle_id])?),
        Some(ids) => {
            let list = id_list(ids);
            (
                members.query(params![cycle_id, list])?,
                inputs.query([&list])?,
            )
        }
    };
    let next_input = |inputs: &mut rusqlite::Rows<'_>| -> Result<Option<(i64, i64, f64)>> {
        Ok(match inputs.next()? {
            Some(r) => Some((r.get(0)?, r.get(1)?, r.get(2)?)),
            None => None,
        })
    };
    let mut pending = next_input(&mut inputs)?;
    // A member's inputs gathered as pairs and made into `Inputs` in one go (`from_shared`).
    let mut capacity = 64;
    while let Some(r) = members.next()? {
        let membership_id: i64 = r.get(0)?;
        let mut pairs = Vec::with_capacity(capacity);
        while let Some((input_member, key_id, value)) = pending {
            if input_member > membership_id {
                break;
            }
            if input_member == membership_id
                && let Some(Some(key)) = usize::try_from(key_id).ok().and_then(|k| keys.get(k))
            {
                pairs.push((Arc::clone(key), value));
            }
            pending = next_input(&mut inputs)?;
        }
        capacity = capacity.max(pairs.len());
        f(MemberInputs {
            membership_id,
            org_id: r.get(1)?,
            org_name: r.get(2)?,
            group: r.get(3)?,
            inputs: Inputs::from_shared(pairs),
        })?;
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
    /// Codes of the parts, in the order of `values`: one list shared by every member a method
    /// scored alike, not two million strings.
    pub codes: Arc<[String]>,
    /// Each part's value and place (a criterion has a place, an indicator none).
    pub values: Vec<(f64, Option<u32>)>,
    /// `Some` for a member that was not scored again: its values are those stored, `codes` and
    /// `values` hold its criteria alone, and this is what was stored of its places, so that only
    /// places that moved are written. `None` for a member scored from its inputs: what is
    /// stored of it is read and compared whole.
    pub kept: Option<StoredPlaces>,
}

/// A member's places as stored: overall and in its group, of how many (`score`), and its
/// criteria's (`score_parts.places`, JSONB).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPlaces {
    pub place: u32,
    pub ranked: u32,
    pub group_place: u32,
    pub group_ranked: u32,
    pub criteria: Vec<u8>,
}

/// What [`replace_results`] writes, as indices into its `results` (or member ids).
#[derive(Default)]
struct Writes {
    /// Scores and parts written whole.
    scores: Vec<usize>,
    parts: Vec<usize>,
    /// Members kept as stored whose places moved: their score's places, their criteria's.
    score_places: Vec<usize>,
    criterion_places: Vec<(usize, Vec<u8>)>,
    /// Stored scores of members with no result now; stored parts of members with none.
    gone: Vec<i64>,
    stray: Vec<i64>,
}

impl Writes {
    fn rows(&self) -> usize {
        self.scores.len()
            + self.parts.len()
            + self.score_places.len()
            + self.criterion_places.len()
            + self.gone.len()
            + self.stray.len()
    }
}

/// Replaces the cycle's stored results with `results` (computed by `methodology` at
/// `computed_at`), records why the `failed` members could not be scored, and marks the cycle's
/// scores current. Call inside a transaction.
///
/// Only what changed is written. A member kept as stored (`MemberResult::kept`) is compared
/// with the places the caller read along with its values: when they moved, its places alone
/// are written. The stored results of the others are read here (the whole cycle in one ordered
/// pass when no member is kept, else those members by key) and compared value by value, so a
/// recompute that moves a few places rewrites a few rows, not the two million parts of a
/// 100,000-member cycle. A row written gets `computed_at`; a row that came out the same keeps
/// the time it was last changed.
///
/// When many rows are written (a first computation writes them all; see [`writes_in_bulk`]) the
/// per-row triggers that keep the start-up figures and the rating order (migrations 011 and 018)
/// stand aside for the writes, and the cycle's figures and order are rebuilt from the base tables
/// afterwards, set-based (migration 019). Returns whether it went that way.
pub fn replace_results(
    conn: &Connection,
    cycle_id: i64,
    methodology: &str,
    computed_at: &str,
    results: &[MemberResult],
    failed: &[(i64, String)],
) -> Result<bool> {
    // The triggers stand aside only for this transaction: outside one, the mark would be
    // committed on its own and every later write would skip them.
    if conn.is_autocommit() {
        return Err(super::StoreError::Invalid(
            "внутренняя ошибка: результаты пересчета записываются только внутри транзакции"
                .to_string(),
        ));
    }
    let mut writes = Writes::default();
    let mut encoder = PartsEncoder::default();
    let mut packed = Packed::default();
    compare_kept(results, &mut encoder, &mut packed, &mut writes)?;
    compare_scored(
        conn,
        cycle_id,
        methodology,
        results,
        &mut encoder,
        &mut packed,
        &mut writes,
    )?;

    // Now write: nothing is being read any more.
    let rows = writes.rows() + failed.len();
    let bulk = writes_in_bulk(results.len() + writes.gone.len(), rows);
    if bulk {
        conn.execute(
            "INSERT INTO recompute_bulk_write (cycle_id) VALUES (?1)",
            [cycle_id],
        )?;
    }
    let mut drop_parts = conn.prepare_cached("DELETE FROM score_parts WHERE membership_id = ?1")?;
    let mut drop_score = conn.prepare_cached("DELETE FROM score WHERE membership_id = ?1")?;
    for id in &writes.gone {
        drop_parts.execute([id])?;
        drop_score.execute([id])?;
    }
    // Failed members never keep a score or parts.
    for (id, _) in failed {
        drop_parts.execute([id])?;
        drop_score.execute([id])?;
    }
    for id in &writes.stray {
        drop_parts.execute([id])?;
    }

    // One row a statement: a multi-row statement needs a statement journal (it could fail
    // half-way), which SQLite spills to a temporary file; 200,000 single-row steps cost less.
    writes
        .scores
        .sort_unstable_by_key(|&i| results[i].membership_id);
    let mut put_score = conn.prepare_cached(
        "INSERT INTO score (membership_id, methodology, total, place, ranked, group_place,
                            group_ranked, computed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (membership_id) DO UPDATE SET methodology = excluded.methodology,
            total = excluded.total, place = excluded.place, ranked = excluded.ranked,
            group_place = excluded.group_place, group_ranked = excluded.group_ranked,
            computed_at = excluded.computed_at",
    )?;
    for &i in &writes.scores {
        let r = &results[i];
        put_score.execute(params![
            r.membership_id,
            methodology,
            r.total,
            r.place,
            r.ranked,
            r.group_place,
            r.group_ranked,
            computed_at
        ])?;
    }
    let mut put_places = conn.prepare_cached(
        "UPDATE score SET place = ?2, ranked = ?3, group_place = ?4, group_ranked = ?5,
                          computed_at = ?6
         WHERE membership_id = ?1",
    )?;
    for &i in &writes.score_places {
        let r = &results[i];
        put_places.execute(params![
            r.membership_id,
            r.place,
            r.ranked,
            r.group_place,
            r.group_ranked,
            computed_at
        ])?;
    }
    // `writes.parts` is in membership order: appended to the end of the table's B-tree when the
    // members are new, as a first computation's are.
    let mut put_parts = conn.prepare_cached(
        "INSERT INTO score_parts (membership_id, vals, places) VALUES (?1, ?2, ?3)
         ON CONFLICT (membership_id) DO UPDATE SET vals = excluded.vals, places = excluded.places",
    )?;
    for &i in &writes.parts {
        encoder.encode(&results[i].codes, &results[i].values, &mut packed)?;
        put_parts.execute(params![
            results[i].membership_id,
            packed.vals,
            packed.places
        ])?;
    }
    let mut put_criterion_places =
        conn.prepare_cached("UPDATE score_parts SET places = ?2 WHERE membership_id = ?1")?;
    for (i, places) in &writes.criterion_places {
        put_criterion_places.execute(params![results[*i].membership_id, places])?;
    }

    conn.execute(
        "UPDATE membership SET score_error = NULL WHERE cycle_id = ?1 AND score_error IS NOT NULL",
        [cycle_id],
    )?;
    let mut fail = conn.prepare_cached("UPDATE membership SET score_error = ?2 WHERE id = ?1")?;
    for (membership_id, message) in failed {
        fail.execute(params![membership_id, message])?;
    }
    if bulk {
        rebuild_cycle_figures(conn, cycle_id, results)?;
        conn.execute("DELETE FROM recompute_bulk_write", [])?;
    }
    conn.execute(
        "UPDATE cycle SET scores_stale = 0 WHERE id = ?1",
        [cycle_id],
    )?;
    Ok(bulk)
}

/// The members kept as stored whose places moved: nothing is read, their stored places came
/// with their values.
fn compare_kept(
    results: &[MemberResult],
    encoder: &mut PartsEncoder,
    packed: &mut Packed,
    writes: &mut Writes,
) -> Result<()> {
    for (i, r) in results.iter().enumerate() {
        let Some(stored) = &r.kept else { continue };
        if (
            stored.place,
            stored.ranked,
            stored.group_place,
            stored.group_ranked,
        ) != (r.place, r.ranked, r.group_place, r.group_ranked)
        {
            writes.score_places.push(i);
        }
        // `values` are the criteria alone: the places come out whole, the values are not used.
        encoder.encode(&r.codes, &r.values, packed)?;
        if packed.places != stored.criteria {
            writes.criterion_places.push((i, packed.places.clone()));
        }
    }
    Ok(())
}

/// The members scored from their inputs, compared with what is stored of them: the whole
/// cycle's stored results in one ordered pass when every member was scored (stored rows of
/// members with no result now are `gone` and `stray`), else those members' rows by key.
fn compare_scored(
    conn: &Connection,
    cycle_id: i64,
    methodology: &str,
    results: &[MemberResult],
    encoder: &mut PartsEncoder,
    packed: &mut Packed,
    writes: &mut Writes,
) -> Result<()> {
    // Results in membership order, to merge with the stored rows read in that order.
    let mut order: Vec<usize> = (0..results.len())
        .filter(|&i| results[i].kept.is_none())
        .collect();
    if order.is_empty() {
        return Ok(());
    }
    order.sort_by_key(|&i| results[i].membership_id);
    // The whole cycle when no member is kept (its stored rows of members with no result now
    // are found too), else the members scored (a JSON array of ids).
    let (members, key) = if order.len() == results.len() {
        (
            "(SELECT id FROM membership WHERE cycle_id = ?1)",
            rusqlite::types::Value::Integer(cycle_id),
        )
    } else {
        let ids: Vec<i64> = order.iter().map(|&i| results[i].membership_id).collect();
        (
            "(SELECT value FROM json_each(?1))",
            rusqlite::types::Value::Text(id_list(&ids)),
        )
    };
    let wanted: HashMap<i64, usize> = order
        .iter()
        .map(|&i| (results[i].membership_id, i))
        .collect();

    // Scores: which to write, and which stored ones no longer have a result.
    let mut seen = vec![false; results.len()];
    {
        let mut stmt = conn.prepare(&format!(
            "SELECT s.membership_id, s.methodology, s.total, s.place, s.ranked, s.group_place,
                    s.group_ranked
             FROM score s WHERE s.membership_id IN {members}"
        ))?;
        let mut rows = stmt.query([&key])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let Some(&i) = wanted.get(&id) else {
                writes.gone.push(id);
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
                writes.scores.push(i);
            }
        }
    }
    writes
        .scores
        .extend(order.iter().copied().filter(|&i| !seen[i]));

    // Parts: one row a member, two JSONB objects (see migration 004). The stored bytes are
    // compared with those the computed parts make, so an unchanged member costs one encoding
    // and one comparison, and only members whose parts differ are written.
    {
        let mut stmt = conn.prepare(&format!(
            "SELECT p.membership_id, p.vals, p.places FROM score_parts p
             WHERE p.membership_id IN {members}
             ORDER BY p.membership_id"
        ))?;
        let mut rows = stmt.query([&key])?;
        let mut cursor = 0; // into `order`, which is by membership id like the rows
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            while cursor < order.len() && results[order[cursor]].membership_id < id {
                writes.parts.push(order[cursor]);
                cursor += 1;
            }
            let Some(&i) = order
                .get(cursor)
                .filter(|&&i| results[i].membership_id == id)
            else {
                writes.stray.push(id); // no result now: its parts go below
                continue;
            };
            cursor += 1;
            encoder.encode(&results[i].codes, &results[i].values, packed)?;
            let same = r.get_ref(1)?.as_blob().ok() == Some(packed.vals.as_slice())
                && r.get_ref(2)?.as_blob().ok() == Some(packed.places.as_slice());
            if !same {
                writes.parts.push(i);
            }
        }
        writes
            .parts
            .extend(order[cursor.min(order.len())..].iter().copied());
    }
    Ok(())
}

/// Whether a recompute that writes `rows` result rows (scores, parts, deletions) of a cycle of
/// `members` members rebuilds the cycle's figures set-based rather than letting the triggers
/// follow each row. On a 100,000-member cycle a row through the triggers cost 20–30 µs of CPU
/// (five to seven trigger statements and the statement's journal), the rebuild about 9 µs a
/// member (BENCHMARKS.md, «Сессия 10: пересчёт»): from a quarter of the members on, the rebuild
/// is the cheaper.
pub fn writes_in_bulk(members: usize, rows: usize) -> bool {
    rows > 0 && rows * 4 > members
}

/// The cycle's distributions of S and of the criteria (`cycle_value_bin`, migration 011) counted
/// from `results`, which are what the cycle now stores, and its rating order (`rating_order`,
/// migration 018) derived afresh from the base tables by the join its triggers use. Call inside
/// the transaction that wrote the results.
///
/// The distributions are counted here rather than by `INSERT … SELECT` over the views of 011:
/// that reads every member's parts back out of JSONB (1.7 s of CPU for a 100,000-member cycle),
/// while the values are at hand. A value's bin and hundredths are worked out as those views do.
fn rebuild_cycle_figures(conn: &Connection, cycle_id: i64, results: &[MemberResult]) -> Result<()> {
    // (code, bin) → (values, their sum in hundredths); S under its code `S`, each criterion
    // (a part with a place) under its own.
    let mut bins: BTreeMap<(&str, i64), (i64, i64)> = BTreeMap::new();
    for r in results {
        let criteria = r
            .codes
            .iter()
            .zip(&r.values)
            .filter(|(_, (_, place))| place.is_some())
            .map(|(code, (value, _))| (code.as_str(), *value));
        for (code, value) in std::iter::once(("S", r.total)).chain(criteria) {
            let e = bins.entry((code, value_bin(value))).or_default();
            e.0 += 1;
            e.1 += hundredths(value);
        }
    }
    conn.execute(
        "DELETE FROM cycle_value_bin WHERE cycle_id = ?1",
        [cycle_id],
    )?;
    let mut put = conn.prepare_cached(
        "INSERT INTO cycle_value_bin (cycle_id, code, bin, n, hundredths)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for ((code, bin), (n, sum)) in &bins {
        put.execute(params![cycle_id, code, bin, n, sum])?;
    }
    conn.execute("DELETE FROM rating_order WHERE cycle_id = ?1", [cycle_id])?;
    conn.execute(
        "INSERT OR REPLACE INTO rating_order
             (cycle_id, place, short_name, org_id, membership_id, total, grp)
         SELECT m.cycle_id, s.place, o.short_name, m.org_id, m.id, s.total, m.grp
         FROM membership m
         JOIN score s ON s.membership_id = m.id
         JOIN organization o ON o.id = m.org_id
         WHERE m.cycle_id = ?1
         ORDER BY 1, 2, 3, 4",
        [cycle_id],
    )?;
    Ok(())
}

/// The bin of `value` among `BIN_FLOORS`, as the `CASE` of the views of migration 011 gives it:
/// the last floor the value reaches, else the first bin.
fn value_bin(value: f64) -> i64 {
    BIN_FLOORS
        .iter()
        .rposition(|floor| value >= *floor)
        .map_or(0, |b| b as i64)
}

/// `CAST(round(value * 100) AS INTEGER)` as SQLite works it out (migration 011): a half added
/// (taken away below zero), the fraction dropped.
fn hundredths(value: f64) -> i64 {
    let r = value * 100.0;
    (r + if r < 0.0 { -0.5 } else { 0.5 }) as i64
}

/// A member's parts as stored in `score_parts` (migration 004): SQLite JSONB objects, `vals`
/// code → value for every part, `places` code → place for the criteria.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Packed {
    pub vals: Vec<u8>,
    pub places: Vec<u8>,
}

/// Writes members' parts as stored: codes in byte order (SQLite's `BINARY` order, the order the
/// old table's key gave), each value as the shortest text that reads back as the same number,
/// always with a decimal point (a JSON float, read as REAL). The same parts always give the
/// same bytes, which is how a recompute sees that nothing changed.
///
/// The order of a code list is worked out once and kept while the next member has the same list.
#[derive(Default)]
pub struct PartsEncoder {
    codes: Option<Arc<[String]>>,
    /// Indices into `codes` in byte order of the code, each with its JSONB key element.
    order: Vec<(usize, Vec<u8>)>,
    vals: Vec<u8>,
    places: Vec<u8>,
    number: String,
}

/// SQLite JSONB element types (https://sqlite.org/jsonb.html).
const JSONB_INT: u8 = 3;
const JSONB_FLOAT: u8 = 5;
const JSONB_TEXT: u8 = 7;
const JSONB_TEXTJ: u8 = 8;
const JSONB_TEXTRAW: u8 = 10;
const JSONB_OBJECT: u8 = 12;

/// A JSONB element header: the type, and the payload size in the smallest form.
fn jsonb_header(out: &mut Vec<u8>, kind: u8, size: usize) {
    if size <= 11 {
        out.push(((size as u8) << 4) | kind);
    } else if let Ok(n) = u8::try_from(size) {
        out.extend([0xC0 | kind, n]);
    } else if let Ok(n) = u16::try_from(size) {
        out.push(0xD0 | kind);
        out.extend(n.to_be_bytes());
    } else {
        out.push(0xE0 | kind);
        out.extend((size as u32).to_be_bytes());
    }
}

fn jsonb_element(out: &mut Vec<u8>, kind: u8, payload: &[u8]) {
    jsonb_header(out, kind, payload.len());
    out.extend_from_slice(payload);
}

impl PartsEncoder {
    /// Encodes the parts `codes` × `values` into `out`. Refuses a code given twice, a value
    /// outside 0–100 (or not a number) and a place below 1.
    pub fn encode(
        &mut self,
        codes: &Arc<[String]>,
        values: &[(f64, Option<u32>)],
        out: &mut Packed,
    ) -> Result<()> {
        let invalid = |text: String| super::StoreError::Invalid(text);
        if codes.len() != values.len() {
            return Err(invalid(format!(
                "в результате участника {} кодов показателей и {} значений",
                codes.len(),
                values.len()
            )));
        }
        if !self.codes.as_ref().is_some_and(|c| Arc::ptr_eq(c, codes)) {
            let mut order: Vec<usize> = (0..codes.len()).collect();
            order.sort_by(|&a, &b| codes[a].cmp(&codes[b]));
            if let Some(w) = order.windows(2).find(|w| codes[w[0]] == codes[w[1]]) {
                return Err(invalid(format!(
                    "в результате участника показатель {} встречается дважды",
                    codes[w[0]]
                )));
            }
            self.order = order
                .into_iter()
                .map(|k| {
                    let code = &codes[k];
                    // TEXT needs no escapes inside; anything else goes as TEXTRAW.
                    let plain = !code.chars().any(|c| c == '"' || c == '\\' || c < ' ');
                    let kind = if plain { JSONB_TEXT } else { JSONB_TEXTRAW };
                    let mut key = Vec::with_capacity(code.len() + 2);
                    jsonb_element(&mut key, kind, code.as_bytes());
                    (k, key)
                })
                .collect();
            self.codes = Some(Arc::clone(codes));
        }
        self.vals.clear();
        self.places.clear();
        for (k, key) in &self.order {
            let (value, place) = values[*k];
            if !(0.0..=100.0).contains(&value) {
                return Err(invalid(format!(
                    "значение показателя {} вне пределов 0–100: {value}",
                    codes[*k]
                )));
            }
            self.vals.extend_from_slice(key);
            self.number.clear();
            push_value(&mut self.number, value);
            jsonb_element(&mut self.vals, JSONB_FLOAT, self.number.as_bytes());
            match place {
                Some(0) => {
                    return Err(invalid(format!(
                        "место по показателю {} должно быть не меньше 1",
                        codes[*k]
                    )));
                }
                Some(place) => {
                    self.places.extend_from_slice(key);
                    self.number.clear();
                    push_uint(&mut self.number, u64::from(place));
                    jsonb_element(&mut self.places, JSONB_INT, self.number.as_bytes());
                }
                None => {}
            }
        }
        out.vals.clear();
        jsonb_element(&mut out.vals, JSONB_OBJECT, &self.vals);
        out.places.clear();
        jsonb_element(&mut out.places, JSONB_OBJECT, &self.places);
        Ok(())
    }
}

/// A value 0–100 in the shortest text that reads back as the same number, with a decimal point.
///
/// Results are rounded to hundredths, so nearly every value is some n / 100: then the text is
/// n's digits with the point put in (`94.77`, `94.7`, `94.0`) — the shortest text for that
/// number, and exactly what general float formatting gives for it, several times faster. Any
/// other value goes through the general formatting.
fn push_value(out: &mut String, value: f64) {
    let n = (value * 100.0).round();
    if (0.0..=10_000.0).contains(&n) && n / 100.0 == value {
        let n = n as u32;
        push_uint(out, u64::from(n / 100));
        out.push('.');
        let frac = n % 100;
        out.push(char::from(b'0' + (frac / 10) as u8));
        if !frac.is_multiple_of(10) {
            out.push(char::from(b'0' + (frac % 10) as u8));
        }
        return;
    }
    use std::fmt::Write as _;
    let start = out.len();
    let _ = write!(out, "{value}");
    if !out[start..].contains(['.', 'e', 'E']) {
        out.push_str(".0");
    }
}

/// [`PartsEncoder::encode`] for a list of parts (tests and one-off writes).
pub fn encode_parts(parts: &[Part]) -> Result<Packed> {
    let codes: Arc<[String]> = parts.iter().map(|p| p.code.clone()).collect();
    let values: Vec<(f64, Option<u32>)> = parts.iter().map(|p| (p.value, p.place)).collect();
    let mut out = Packed::default();
    PartsEncoder::default().encode(&codes, &values, &mut out)?;
    Ok(out)
}

/// A JSON array of ids, for `json_each` in an IN list.
fn id_list(ids: &[i64]) -> String {
    let mut out = String::with_capacity(ids.len() * 8 + 2);
    out.push('[');
    for (k, id) in ids.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out.push(']');
    out
}

/// What the triggers of migration 022 say about a cycle's stored results.
#[derive(Debug, Clone, PartialEq)]
pub struct Marks {
    /// The method fingerprint the stored results were computed with, if they are a full
    /// recompute's but for `dirty`; `None` when the next recompute must be a full one.
    pub basis: Option<String>,
    /// Members of the cycle whose inputs or results may have changed since, in id order.
    pub dirty: Vec<i64>,
    /// How many members the cycle has.
    pub members: usize,
}

/// The cycle's marks (migration 022).
pub fn marks(conn: &Connection, cycle_id: i64) -> Result<Marks> {
    let basis = conn
        .query_row(
            "SELECT method FROM recompute_basis WHERE cycle_id = ?1",
            [cycle_id],
            |r| r.get(0),
        )
        .optional()?;
    let mut stmt = conn.prepare(
        "SELECT d.membership_id FROM recompute_dirty d
         JOIN membership m ON m.id = d.membership_id
         WHERE m.cycle_id = ?1 ORDER BY d.membership_id",
    )?;
    let dirty = stmt
        .query_map([cycle_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let members: i64 = conn.query_row(
        "SELECT count(*) FROM membership WHERE cycle_id = ?1",
        [cycle_id],
        |r| r.get(0),
    )?;
    Ok(Marks {
        basis,
        dirty,
        members: usize::try_from(members).unwrap_or(0),
    })
}

/// Keeps the triggers of migration 022 on the result tables from marking the recompute's own
/// writes (`on`), or lets them mark again. Call inside the recompute's transaction, `on` before
/// its writes and off after them, so the row is never committed.
pub fn set_writing(conn: &Connection, cycle_id: i64, on: bool) -> Result<()> {
    if on {
        conn.execute(
            "INSERT INTO recompute_writing (cycle_id) VALUES (?1)",
            [cycle_id],
        )?;
    } else {
        conn.execute("DELETE FROM recompute_writing", [])?;
    }
    Ok(())
}

/// Records that the cycle's stored results are now what a full recompute by the method
/// `fingerprint` gives: its basis is set and the marks of its members `redone` (those the
/// recompute read as dirty) are cleared. Call in the recompute's transaction, after its writes.
pub fn mark_computed(
    conn: &Connection,
    cycle_id: i64,
    fingerprint: &str,
    redone: &[i64],
) -> Result<()> {
    let mut clear = conn.prepare_cached("DELETE FROM recompute_dirty WHERE membership_id = ?1")?;
    for id in redone {
        clear.execute([id])?;
    }
    conn.execute(
        "INSERT INTO recompute_basis (cycle_id, method) VALUES (?1, ?2)
         ON CONFLICT (cycle_id) DO UPDATE SET method = excluded.method",
        params![cycle_id, fingerprint],
    )?;
    Ok(())
}

/// Marks the cycle's scores current (`scores_stale` = 0), as [`replace_results`] does.
pub fn mark_current(conn: &Connection, cycle_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE cycle SET scores_stale = 0 WHERE id = ?1",
        [cycle_id],
    )?;
    Ok(())
}

/// What the cycle's stored results say a recompute made of it: how many members have a score,
/// and those that could not be scored as (organization, reason), in membership order.
pub fn stored_outcome(conn: &Connection, cycle_id: i64) -> Result<(usize, Vec<(String, String)>)> {
    let scored: i64 = conn.query_row(
        "SELECT count(*) FROM score WHERE membership_id IN (SELECT id FROM membership WHERE cycle_id = ?1)",
        [cycle_id],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(
        "SELECT CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END, m.score_error
         FROM membership m JOIN organization o ON o.id = m.org_id
         WHERE m.cycle_id = ?1 AND m.score_error IS NOT NULL ORDER BY m.id",
    )?;
    let failed = stmt
        .query_map([cycle_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((usize::try_from(scored).unwrap_or(0), failed))
}

/// A member of a cycle with its result as stored, borrowed from the row being read.
#[derive(Debug, Clone, Copy)]
pub struct StoredMember<'a> {
    pub membership_id: i64,
    pub group: &'a str,
    /// Why it could not be scored, if so.
    pub score_error: Option<&'a str>,
    /// Its `score` row, when it has one.
    pub score: Option<StoredScore<'a>>,
    /// `score_parts.vals` (JSONB; read with [`decode_values`]), when it has parts.
    pub vals: Option<&'a [u8]>,
    /// `score_parts.places` (JSONB: code → place of each criterion), when it has parts.
    pub places: Option<&'a [u8]>,
}

/// A `score` row as stored.
#[derive(Debug, Clone, Copy)]
pub struct StoredScore<'a> {
    pub methodology: &'a str,
    pub total: f64,
    pub place: u32,
    pub ranked: u32,
    pub group_place: u32,
    pub group_ranked: u32,
}

/// The members of a JSON array of ids with their stored results, by id. The IN list is walked
/// in ascending order: the rows come by membership id, and SQLite sorts nothing.
const STORED_MEMBERS: &str = "
    SELECT m.id, m.grp, m.score_error, s.methodology, s.total, s.place, s.ranked,
           s.group_place, s.group_ranked, p.vals, p.places
    FROM membership m
    LEFT JOIN score s ON s.membership_id = m.id
    LEFT JOIN score_parts p ON p.membership_id = m.id
    WHERE m.id IN (SELECT value FROM json_each(?1))
    ORDER BY m.id";

/// Calls `f` with every member of the cycle and its stored result, in membership order.
///
/// The cycle's member ids are read first (from the index on the cycle, which gives them by
/// group) and sorted here; the rows are then sought by that list in ascending order, so the
/// reads of `membership`, `score` and `score_parts` each walk their table forward, a page read
/// once, and nothing is sorted. Joined in the index's order instead, the rows were sought at
/// random and sorted afterwards with their JSONB, through a temporary file: at 100,000 members
/// that was half the time of a recompute with one member changed (BENCHMARKS.md, «Сессия 13»).
pub fn for_each_stored_member(
    conn: &Connection,
    cycle_id: i64,
    mut f: impl FnMut(StoredMember<'_>) -> Result<()>,
) -> Result<()> {
    let mut ids: Vec<i64> = conn
        .prepare("SELECT id FROM membership WHERE cycle_id = ?1")?
        .query_map([cycle_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.sort_unstable();
    let mut stmt = conn.prepare(STORED_MEMBERS)?;
    let mut rows = stmt.query([id_list(&ids)])?;
    // A column of the wrong type (a database changed by hand) is an error, as `get` makes it.
    let wrong = |k: usize, e: rusqlite::types::FromSqlError| {
        rusqlite::Error::FromSqlConversionFailure(k, rusqlite::types::Type::Null, Box::new(e))
    };
    while let Some(r) = rows.next()? {
        let methodology = r.get_ref(3)?.as_str_or_null().map_err(|e| wrong(3, e))?;
        // The columns of `score` are NOT NULL: a member has all of them or none.
        let score = match methodology {
            Some(methodology) => Some(StoredScore {
                methodology,
                total: r.get(4)?,
                place: r.get(5)?,
                ranked: r.get(6)?,
                group_place: r.get(7)?,
                group_ranked: r.get(8)?,
            }),
            None => None,
        };
        f(StoredMember {
            membership_id: r.get(0)?,
            group: r.get_ref(1)?.as_str().map_err(|e| wrong(1, e))?,
            score_error: r.get_ref(2)?.as_str_or_null().map_err(|e| wrong(2, e))?,
            score,
            vals: r.get_ref(9)?.as_blob_or_null().map_err(|e| wrong(9, e))?,
            places: r.get_ref(10)?.as_blob_or_null().map_err(|e| wrong(10, e))?,
        })?;
    }
    Ok(())
}

/// Organization names (short, else full) of members `ids`, by member.
pub fn member_names(conn: &Connection, ids: &[i64]) -> Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare(
        "SELECT m.id, CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END
         FROM membership m JOIN organization o ON o.id = m.org_id
         WHERE m.id IN (SELECT value FROM json_each(?1))",
    )?;
    let rows = stmt.query_map([id_list(ids)], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The codes and values of a `score_parts.vals` object (migration 004) in stored order, read
/// back exactly (each value is the shortest text of its number). `None` for anything but an
/// object of plain text keys and number values — what [`PartsEncoder`] writes, and what SQLite's
/// JSON functions write for the same parts — so a caller can fall back to computing afresh.
pub fn decode_values(vals: &[u8]) -> Option<Vec<(&str, f64)>> {
    let (kind, body, rest) = jsonb_split(vals)?;
    if kind != JSONB_OBJECT || !rest.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(32);
    let mut body = body;
    while !body.is_empty() {
        let (kind, key, rest) = jsonb_split(body)?;
        let key = match kind {
            JSONB_TEXT | JSONB_TEXTRAW => std::str::from_utf8(key).ok()?,
            // Text with JSON escapes: plain only if it has none.
            JSONB_TEXTJ if !key.contains(&b'\\') => std::str::from_utf8(key).ok()?,
            _ => return None,
        };
        let (kind, value, rest) = jsonb_split(rest)?;
        if kind != JSONB_FLOAT && kind != JSONB_INT {
            return None;
        }
        let value: f64 = std::str::from_utf8(value).ok()?.parse().ok()?;
        if !value.is_finite() {
            return None;
        }
        out.push((key, value));
        body = rest;
    }
    Some(out)
}

/// The values of `codes` in a `score_parts.vals` object, in the order of `codes`: read as
/// [`decode_values`] reads them, the other parts' values skipped. `None` when the object cannot
/// be read back or lacks one of `codes`.
pub fn decode_values_of(vals: &[u8], codes: &[&str]) -> Option<Vec<f64>> {
    let (kind, mut body, rest) = jsonb_split(vals)?;
    if kind != JSONB_OBJECT || !rest.is_empty() {
        return None;
    }
    let mut out: Vec<Option<f64>> = vec![None; codes.len()];
    while !body.is_empty() {
        let (kind, key, rest) = jsonb_split(body)?;
        let plain = matches!(kind, JSONB_TEXT | JSONB_TEXTRAW)
            || (kind == JSONB_TEXTJ && !key.contains(&b'\\'));
        if !plain {
            return None;
        }
        let (kind, value, rest) = jsonb_split(rest)?;
        if kind != JSONB_FLOAT && kind != JSONB_INT {
            return None;
        }
        if let Some(k) = codes.iter().position(|c| same_code(c.as_bytes(), key)) {
            let value: f64 = std::str::from_utf8(value).ok()?.parse().ok()?;
            if !value.is_finite() {
                return None;
            }
            out[k] = Some(value);
        }
        body = rest;
    }
    out.into_iter().collect()
}

/// Whether two parts' codes are the same. The first bytes are compared before the rest: they
/// differ for most pairs (a criterion's code, `К1`, against an indicator's, `1.1`, of the same
/// length), and so most pairs cost no call to `memcmp` — with twenty stored codes sought among
/// five for each of 100,000 members, those calls were a twentieth of a recompute.
fn same_code(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.first() == b.first() && a == b
}

/// One JSONB element at the start of `bytes`: its type, its payload, and what follows it.
fn jsonb_split(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&head, rest) = bytes.split_first()?;
    let kind = head & 0x0F;
    let (size, rest) = match head >> 4 {
        n @ 0..=11 => (usize::from(n), rest),
        12 => (usize::from(*rest.first()?), rest.get(1..)?),
        13 => (
            usize::from(u16::from_be_bytes(rest.get(..2)?.try_into().ok()?)),
            rest.get(2..)?,
        ),
        14 => (
            usize::try_from(u32::from_be_bytes(rest.get(..4)?.try_into().ok()?)).ok()?,
            rest.get(4..)?,
        ),
        _ => (
            usize::try_from(u64::from_be_bytes(rest.get(..8)?.try_into().ok()?)).ok()?,
            rest.get(8..)?,
        ),
    };
    Some((kind, rest.get(..size)?, rest.get(size..)?))
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
    // Each criterion's value straight from the member's packed parts (migration 004).
    let pivot: String = (0..criteria.len())
        .map(|i| format!(", CAST(sp.vals ->> ?{} AS REAL)", i + 2))
        .collect();
    let sql = format!(
        "SELECT m.org_id, CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
                o.inn, m.grp, s.place, s.ranked, s.group_place, s.group_ranked, s.total {pivot}
         FROM membership m
         JOIN score s ON s.membership_id = m.id
         JOIN organization o ON o.id = m.org_id
         LEFT JOIN score_parts sp ON sp.membership_id = m.id
         WHERE m.cycle_id = ?1
         ORDER BY s.place, o.short_name, o.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let bind = std::iter::once(rusqlite::types::Value::Integer(cycle_id)).chain(
        criteria
            .iter()
            .map(|c| rusqlite::types::Value::Text(part_value_path(c))),
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

/// The JSON path of a part's value in `score_parts.vals`.
fn part_value_path(code: &str) -> String {
    let mut quoted = String::new();
    for c in code.chars() {
        if c == '"' || c == '\\' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    format!("$.\"{quoted}\"")
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

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = "
        INSERT INTO authority (id, name, short_name, region, inn, kpp, ogrn)
            VALUES (1, 'Комитет полностью', 'Комитет', 'Область', '7701234567', '770101001', '1027700132195');
        INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology)
            VALUES (5, 2024, 'social', 1, 'Область', 'published', '2018');
        INSERT INTO organization (id, full_name, short_name, inn, kpp, ogrn, reg_num, sector, region)
            VALUES (1, 'Первое', 'Первое', '7701234568', '770101001', '1027700132196', '12345678', 'social', 'Область'),
                   (2, 'Второе', '', '7701234569', '770101001', '1027700132197', '12345679', 'social', 'Область');
        INSERT INTO membership (id, cycle_id, org_id, grp) VALUES (10, 5, 1, 'x'), (11, 5, 2, 'x');
        INSERT INTO score VALUES (10, '2018', 90, 1, 2, 1, 2, 't'), (11, '2018', 80, 2, 2, 2, 2, 't');";

    type Row = (i64, String, u64, Option<u32>);

    /// Every stored part through the `score_part` view, values as their bits (exact).
    fn all_parts(conn: &Connection) -> Vec<Row> {
        let mut stmt = conn
            .prepare(
                "SELECT membership_id, code, value, place, typeof(value) FROM score_part
                 ORDER BY membership_id, code",
            )
            .unwrap();
        stmt.query_map([], |r| {
            assert_eq!(r.get::<_, String>(4)?, "real", "values read as REAL");
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get::<_, f64>(2)?.to_bits(),
                r.get(3)?,
            ))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
    }

    #[test]
    fn parts_as_rows_are_converted_in_place_with_exact_values() {
        // From version 3, the schema just before 004.
        converted_from(3);
    }

    fn converted_from(version: usize) {
        let mut conn = Connection::open_in_memory().unwrap();
        rusqlite_migration::Migrations::from_slice(&crate::store::MIGRATION_SLICE[..version])
            .to_latest(&mut conn)
            .unwrap();
        conn.execute_batch(FIXTURE).unwrap();
        // Values that need all seventeen digits to read back, and whole ones.
        let values: [f64; 7] = [
            70.0,
            100.0 / 3.0,
            0.1 + 0.2,
            87.45,
            0.0,
            100.0,
            99.999_999_999_999_99,
        ];
        let mut old = Vec::new();
        for (k, v) in values.iter().enumerate() {
            for (id, code, place) in [
                (10, format!("К{k}"), Some(k as u32 + 1)),
                (11, format!("{k}.1"), None),
            ] {
                conn.execute(
                    "INSERT INTO score_part (membership_id, code, value, place) VALUES (?1, ?2, ?3, ?4)",
                    params![id, code, v, place],
                )
                .unwrap();
                old.push((id, code, v.to_bits(), place));
            }
        }
        old.sort();
        assert_eq!(all_parts(&conn), old);
        crate::store::MIGRATIONS.to_latest(&mut conn).unwrap();
        let kind: String = conn
            .query_row(
                "SELECT type FROM sqlite_schema WHERE name = 'score_part'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(kind, "view");
        assert_eq!(
            all_parts(&conn),
            old,
            "the view gives back exactly what the table held"
        );
        // The rating reads the packed parts directly.
        let rows = rating(&conn, 5, &["К1", "К6", "К9"]).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].criteria, [Some(100.0 / 3.0), Some(values[6]), None]);
        assert_eq!(rows[1].criteria, [None, None, None]);
    }

    /// The members come in id order with their own rows, though the cycle's index gives them by
    /// group (here the reverse), and a member of another cycle between them is left out.
    #[test]
    fn stored_members_come_in_id_order_with_their_rows() {
        let conn = crate::store::open_in_memory().unwrap();
        conn.execute_batch(FIXTURE).unwrap();
        conn.execute_batch(
            "INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology)
                 VALUES (6, 2025, 'social', 1, 'Область', 'published', '2018');
             INSERT INTO organization (id, full_name, short_name, inn, kpp, ogrn, reg_num, sector, region)
                 VALUES (3, 'Третье', '', '7701234570', '770101001', '1027700132198', '12345680', 'social', 'Область');
             INSERT INTO membership (id, cycle_id, org_id, grp) VALUES (12, 6, 1, 'x'), (13, 5, 3, 'a');
             UPDATE membership SET grp = 'b' WHERE id = 10;
             UPDATE membership SET score_error = 'нет данных' WHERE id = 13;
             INSERT INTO score_parts (membership_id, vals, places)
                 VALUES (11, jsonb('{\"К1\":80.0}'), jsonb('{\"К1\":2}'));",
        )
        .unwrap();
        let mut seen = Vec::new();
        for_each_stored_member(&conn, 5, |m| {
            seen.push((
                m.membership_id,
                m.group.to_string(),
                m.score_error.map(str::to_string),
                m.score.map(|s| (s.total, s.place)),
                m.vals.and_then(|v| decode_values_of(v, &["К1"])),
            ));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                (10, "b".to_string(), None, Some((90.0, 1)), None),
                (11, "x".to_string(), None, Some((80.0, 2)), Some(vec![80.0])),
                (
                    13,
                    "a".to_string(),
                    Some("нет данных".to_string()),
                    None,
                    None
                ),
            ]
        );
        // Sought by key in the list's order: no temporary B-tree sorts the rows and their JSONB.
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {STORED_MEMBERS}"))
            .unwrap()
            .query_map(["[10, 11]"], |r| r.get(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert!(
            !plan.iter().any(|step| step.contains("TEMP B-TREE")),
            "{plan:?}"
        );
    }

    #[test]
    fn the_view_takes_inserts_updates_and_deletes_with_the_tables_rules() {
        let conn = crate::store::open_in_memory().unwrap();
        conn.execute_batch(FIXTURE).unwrap();
        conn.execute_batch(
            "INSERT INTO score_part VALUES (10, 'К1', 70, 2), (10, '1.1', 50.5, NULL), (11, 'К1', 75, 1);",
        )
        .unwrap();
        let bits = |v: f64| v.to_bits();
        assert_eq!(
            all_parts(&conn),
            [
                (10, "1.1".to_string(), bits(50.5), None),
                (10, "К1".to_string(), bits(70.0), Some(2)),
                (11, "К1".to_string(), bits(75.0), Some(1)),
            ]
        );
        for bad in [
            "INSERT INTO score_part VALUES (10, 'К1', 71, 2)", // the same code twice
            "INSERT INTO score_part VALUES (10, 'К2', 101, 2)", // out of range
            "INSERT INTO score_part VALUES (10, 'К2', NULL, 2)", // no value
            "INSERT INTO score_part VALUES (10, 'К2', 50, 0)", // place below 1
            "INSERT INTO score_part VALUES (99, 'К2', 50, 1)", // no such member
        ] {
            assert!(conn.execute(bad, []).is_err(), "{bad}");
        }
        conn.execute(
            "UPDATE score_part SET value = 60, place = 3 WHERE membership_id = 10 AND code = 'К1'",
            [],
        )
        .unwrap();
        conn.execute(
            "DELETE FROM score_part WHERE membership_id = 10 AND code = '1.1'",
            [],
        )
        .unwrap();
        conn.execute("DELETE FROM score_part WHERE membership_id = 11", [])
            .unwrap();
        assert_eq!(
            all_parts(&conn),
            [(10, "К1".to_string(), bits(60.0), Some(3))]
        );
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM score_parts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1, "a member left with no parts keeps no row");
        // A member's parts go with the member.
        conn.execute("DELETE FROM score WHERE membership_id = 10", [])
            .unwrap();
        conn.execute("DELETE FROM membership WHERE id = 10", [])
            .unwrap();
        assert!(all_parts(&conn).is_empty());
    }

    /// The bins and hundredths a set-based rebuild counts are those SQLite works out in the
    /// views the triggers use (migration 011), for every hundredth, the edges and the values
    /// between them.
    #[test]
    fn bins_and_hundredths_are_what_the_views_of_011_give() {
        let conn = crate::store::open_in_memory().unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT CASE WHEN v >= 95 THEN 8 WHEN v >= 90 THEN 7 WHEN v >= 85 THEN 6
                             WHEN v >= 80 THEN 5 WHEN v >= 75 THEN 4 WHEN v >= 70 THEN 3
                             WHEN v >= 65 THEN 2 WHEN v >= 60 THEN 1 ELSE 0 END,
                        CAST(round(v * 100) AS INTEGER)
                 FROM (SELECT ?1 AS v)",
            )
            .unwrap();
        let mut values: Vec<f64> = (0..=10_000).map(|n| f64::from(n) / 100.0).collect();
        values.extend((0..=20_000).map(|n| f64::from(n) / 200.0)); // the halves of hundredths
        values.extend((0..=1_000).map(|n| f64::from(n) / 10.0 - 1e-9));
        values.extend([59.999_999_999_999_99, 94.995, 0.005, 100.0 / 3.0, 0.1 + 0.2]);
        for v in values {
            let want: (i64, i64) = stmt.query_row([v], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
            assert_eq!((value_bin(v), hundredths(v)), want, "{v:?}");
        }
    }

    #[test]
    fn encoded_parts_read_back_through_the_view_bit_for_bit() {
        let conn = crate::store::open_in_memory().unwrap();
        conn.execute_batch(FIXTURE).unwrap();
        // A fixed pseudo-random walk over 0–100 (xorshift), plus the edges and two-digit values.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut values: Vec<f64> = (0..2000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 11) as f64 / (1u64 << 53) as f64 * 100.0
            })
            .collect();
        values.extend((0..=10_000).map(|n| f64::from(n) / 100.0));
        values.extend([0.0, 100.0, f64::MIN_POSITIVE, 1e-300, 5e-324]);
        for chunk in values.chunks(97) {
            let parts: Vec<Part> = chunk
                .iter()
                .enumerate()
                .map(|(k, &value)| Part {
                    code: format!("{k:03}"),
                    value,
                    place: (k % 2 == 0).then_some(k as u32 + 1),
                })
                .collect();
            let packed = encode_parts(&parts).unwrap();
            conn.execute(
                "INSERT OR REPLACE INTO score_parts (membership_id, vals, places) VALUES (10, ?1, ?2)",
                [&packed.vals, &packed.places],
            )
            .unwrap();
            // Well-formed JSONB, byte for byte what SQLite itself makes of the same JSON.
            let (valid, same): (bool, bool) = conn
                .query_row(
                    "SELECT json_valid(?1, 8) AND json_valid(?2, 8),
                            jsonb(json(?1)) = ?1 AND jsonb(json(?2)) = ?2",
                    [&packed.vals, &packed.places],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            assert!(valid && same);
            let back: Vec<Row> = all_parts(&conn);
            let want: Vec<Row> = parts
                .iter()
                .map(|p| (10, p.code.clone(), p.value.to_bits(), p.place))
                .collect();
            assert_eq!(back, want);
        }
        // The quick text for hundredths is the text general formatting gives.
        for n in 0..=10_000 {
            let v = f64::from(n) / 100.0;
            let mut quick = String::new();
            push_value(&mut quick, v);
            let general = format!("{v}");
            let general = if general.contains('.') {
                general
            } else {
                format!("{general}.0")
            };
            assert_eq!(quick, general);
        }
        // Codes in byte order whatever the order given; a code twice or a value out of range is
        // refused rather than stored.
        let part = |code: &str, value| Part {
            code: code.into(),
            value,
            place: None,
        };
        let mut with_place = part("К2", 4.5);
        with_place.place = Some(12);
        let packed = encode_parts(&[
            part("К1", 1.0),
            part("1.1", 2.0),
            part("\"", 3.0),
            with_place,
        ])
        .unwrap();
        let (vals, places): (String, String) = conn
            .query_row(
                "SELECT json(?1), json(?2)",
                [&packed.vals, &packed.places],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(vals, r#"{"\"":3.0,"1.1":2.0,"К1":1.0,"К2":4.5}"#);
        assert_eq!(places, r#"{"К2":12}"#);
        assert!(encode_parts(&[part("1.1", 1.0), part("1.1", 2.0)]).is_err());
        assert!(encode_parts(&[part("1.1", f64::NAN)]).is_err());
        assert!(encode_parts(&[part("1.1", 100.5)]).is_err());
    }
}
