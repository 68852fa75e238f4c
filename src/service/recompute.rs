//! Recomputing a cycle: every member's inputs → indicators → criteria → S by the cycle's method
//! version, then places overall, per group and per criterion, stored in one transaction. A member
//! assessed in parts (филиалы; амбулаторно и стационарно) is scored part by part from the parts'
//! inputs, its result formed from theirs (`scoring::combine_parts`); the parts' values are stored
//! beside it, and only members are ranked.
//!
//! # Что пересчитывается: only the members whose result can have changed
//!
//! What a member's result (its `score` row, `score_parts`, its parts' `org_part_result`, its
//! `membership.score_error`) depends on — everything this module reads:
//! - its inputs (`indicator_input`, by `input_key` names);
//! - its parts (`org_part`: which, their names in messages) and their inputs (`org_part_input`,
//!   the member's own inputs filling what a part lacks);
//! - its group (`membership.grp`) and organization (`membership.org_id`; the organization's short
//!   or full name is in the message of a member that cannot be scored);
//! - the cycle's method version and sector (`cycle.methodology`, `cycle.sector`) and the method's
//!   data (`Methods`: built in, or a file in `NOK_METHODOLOGY_DIR`);
//! - nothing else: `scoring::score` is pure on these (the rules of empty groups read the inputs).
//!
//! Places (overall, in the group, per criterion), `ranked` and `group_ranked`, the start-up
//! distributions (`cycle_value_bin`) and the rating order (`rating_order`) depend on every
//! member's values and group, and on the set of members.
//!
//! The triggers of migration 022 mark, in the transaction of every write whatever makes it, the
//! member whose inputs, parts, group, organization or organization's name changed, a member
//! added, and any result written by anything but a recompute (`recompute_dirty`); a change to
//! what every member of a cycle depends on — its method version or sector, a member deleted or
//! moved, an input key renamed — removes the cycle's basis (`recompute_basis`), and so does a
//! method whose data differ from those the stored results were computed with
//! ([`method_fingerprint`], compared here: files are not seen by triggers).
//!
//! So a recompute ([`Scope::Changed`]):
//! - with no basis (a first computation, or after a cycle-wide change), or with more than a
//!   quarter of the members marked, reads and scores every member, as before;
//! - with a basis and nothing marked, writes nothing but the audit entry: what is stored is what
//!   a full recompute stores;
//! - otherwise scores the marked members from their inputs (and any member whose stored result
//!   cannot be read back), takes every other member's total and criteria as stored, with its
//!   stored places, in one read of the cycle, ranks the whole cycle again and writes what differs
//!   (`store::scores::replace_results`: for a member taken as stored, only places that moved),
//!   the maintained figures and rating order following by their triggers or rebuilt set-based as
//!   before.
//!
//! Either way it then clears the marks it read and sets the basis, in the same transaction.
//! [`recompute_cycle_full`] (`nok score --full`) scores every member whatever the marks.
//! `tests/recompute_changed_only.rs` checks the two agree after random changes through the real
//! write paths.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context;
use rusqlite::{Connection, TransactionBehavior};

use crate::domain::methodology::Methodology;
use crate::domain::rating::{places, places_by_group};
use crate::domain::scoring::{ScoreCard, ScoreError, combine_parts, score};
use crate::domain::sector::Sector;
use crate::service::methodology::Methods;
use crate::service::session;
use crate::store;
use crate::store::org_parts::PartInputs;
use crate::store::scores::{MemberInputs, MemberResult, StoredMember, StoredPlaces};

/// What a recompute did.
#[derive(Debug, Clone, PartialEq)]
pub struct Recomputed {
    pub cycle_id: i64,
    pub scored: usize,
    /// Members whose inputs could not be scored: (organization, reason in Russian).
    pub failed: Vec<(String, String)>,
    /// Whether so many results were written that the cycle's start-up figures and rating order
    /// were rebuilt set-based instead of kept row by row by triggers
    /// (`store::scores::writes_in_bulk`).
    pub rebuilt_in_bulk: bool,
    /// How many members were scored from their inputs (the others' values were as stored).
    pub redone: usize,
}

/// One member's values, compact: criteria then indicators in the method's order, their codes in
/// a list shared by the members scored alike. A member taken as stored has its criteria alone,
/// and the places stored with them.
struct Computed {
    membership_id: i64,
    /// The member's group, by its number in the cycle's [`Groups`].
    group: u32,
    total: f64,
    codes: Arc<[String]>,
    values: Vec<f64>,
    kept: Option<StoredPlaces>,
}

/// The cycle's group names, each numbered as it is first met: members carry the number, so
/// ranking within groups compares numbers, not strings.
#[derive(Default)]
struct Groups(HashMap<String, u32>);

impl Groups {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.0.get(name) {
            return n;
        }
        let n = u32::try_from(self.0.len()).unwrap_or(u32::MAX);
        self.0.insert(name.to_string(), n);
        n
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Members sent to the scoring worker at a time.
const SCORING_BATCH: usize = 256;

/// What the scoring worker made of the members it was given.
#[derive(Default)]
struct Scored {
    computed: Vec<Computed>,
    /// (organization, reason) for the caller, (membership, reason) for the store.
    failed: Vec<(String, String)>,
    failed_ids: Vec<(i64, String)>,
    /// Criteria codes then indicator codes: the members of a cycle share one sector, so one list.
    shared: Option<Arc<[String]>>,
    /// The groups of the members given, numbered.
    groups: Groups,
    /// Values of the parts of members assessed in parts: (part id, [(code, value)]), with the
    /// part's total under `S`.
    part_results: Vec<(i64, Vec<(String, f64)>)>,
}

/// A member assessed in parts: each part scored from its own inputs, the member's result formed
/// from the parts' (the member's own inputs are not used). The first part that cannot be scored
/// is the member's error, naming the part.
fn score_in_parts(
    method: &Methodology,
    sector: Sector,
    org: &str,
    parts: &[PartInputs],
    part_results: &mut Vec<(i64, Vec<(String, f64)>)>,
) -> Result<ScoreCard, ScoreError> {
    let mut cards = Vec::with_capacity(parts.len());
    for p in parts {
        let who = format!("{org}» — часть «{}", p.name);
        cards.push(score(method, sector, &who, &p.inputs)?);
    }
    for (p, card) in parts.iter().zip(&cards) {
        let values = card
            .indicators
            .iter()
            .map(|i| (i.code.clone(), i.value))
            .chain(card.criteria.iter().map(|c| (c.code.clone(), c.value)))
            .chain(std::iter::once(("S".to_string(), card.total)))
            .collect();
        part_results.push((p.part_id, values));
    }
    let named: Vec<(&str, &ScoreCard)> = parts
        .iter()
        .map(|p| p.name.as_str())
        .zip(cards.iter())
        .collect();
    combine_parts(method, sector, org, &named)
}

impl Scored {
    fn add(
        &mut self,
        method: &Methodology,
        sector: Sector,
        criteria_codes: &[&str],
        m: MemberInputs,
        parts: Option<Vec<PartInputs>>,
    ) {
        let scored = match &parts {
            Some(parts) => {
                score_in_parts(method, sector, &m.org_name, parts, &mut self.part_results)
            }
            None => score(method, sector, &m.org_name, &m.inputs),
        };
        let card = match scored {
            Ok(card) => card,
            Err(e) => {
                self.failed_ids.push((m.membership_id, e.to_string()));
                self.failed.push((m.org_name, e.to_string()));
                return;
            }
        };
        let ncrit = criteria_codes.len();
        let fits = |codes: &[String]| {
            codes.len() == ncrit + card.indicators.len()
                && codes[ncrit..]
                    .iter()
                    .zip(&card.indicators)
                    .all(|(c, i)| *c == i.code)
        };
        let codes = match &self.shared {
            Some(codes) if fits(codes) => Arc::clone(codes),
            _ => {
                let codes: Arc<[String]> = criteria_codes
                    .iter()
                    .map(|c| (*c).to_string())
                    .chain(card.indicators.iter().map(|i| i.code.clone()))
                    .collect();
                self.shared.get_or_insert_with(|| Arc::clone(&codes));
                codes
            }
        };
        let criteria = criteria_codes.iter().map(|code| {
            card.criteria
                .iter()
                .find(|c| c.code == *code)
                .map_or(0.0, |c| c.value)
        });
        let values = criteria
            .chain(card.indicators.iter().map(|i| i.value))
            .collect();
        self.computed.push(Computed {
            membership_id: m.membership_id,
            group: self.groups.number(&m.group),
            total: card.total,
            codes,
            values,
            kept: None,
        });
    }
}

/// Recomputes the cycle's scores and ratings and stores them, replacing what was there; the
/// audit log records who recomputed the cycle and when. Only the members whose result can have
/// changed are scored again (see the module's opening); the result is what
/// [`recompute_cycle_full`] gives.
pub fn recompute_cycle(
    conn: &mut Connection,
    methods: &Methods,
    cycle_id: i64,
) -> anyhow::Result<Recomputed> {
    recompute(conn, methods, cycle_id, Audit::Record, Scope::Changed)
}

/// [`recompute_cycle`] scoring every member from its inputs, whatever the marks say
/// (`nok score --full`).
pub fn recompute_cycle_full(
    conn: &mut Connection,
    methods: &Methods,
    cycle_id: i64,
) -> anyhow::Result<Recomputed> {
    recompute(conn, methods, cycle_id, Audit::Record, Scope::Full)
}

/// Whether a recompute writes its own audit entry: a bulk build (the demo) records one entry for
/// everything it made instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Audit {
    Record,
    PartOfBuild,
}

/// Which members a recompute scores from their inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Those marked as changed (migration 022), or all when the cycle's stored results cannot
    /// stand (no basis: a first computation, a method or member set changed).
    Changed,
    /// All of them.
    Full,
}

/// A fingerprint of everything in a method version (its every field, numbers exactly): results
/// stored with one fingerprint are redone in full under another, since the method may come from a
/// file that changed (`NOK_METHODOLOGY_DIR`), which no trigger sees.
pub fn method_fingerprint(method: &Methodology) -> String {
    let text = format!("{method:?}");
    format!(
        "{}:{:032x}",
        method.version,
        xxhash_rust::xxh3::xxh3_128(text.as_bytes())
    )
}

/// When more members than this share (1/n) are to be scored again, the whole cycle's inputs are
/// read in one ordered pass (cheaper than seeking each member) and every member is scored.
const REDO_ALL_SHARE: usize = 4;

pub(crate) fn recompute(
    conn: &mut Connection,
    methods: &Methods,
    cycle_id: i64,
    audit: Audit,
    scope: Scope,
) -> anyhow::Result<Recomputed> {
    // Inputs are read and results written in one write transaction: nobody can change the inputs
    // in between (the cycle would be marked current with results of old inputs). Other writers
    // wait for it within the busy timeout; readers are not blocked (WAL).
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(store::StoreError::from)?;
    let conn = &tx;
    // Not `get`: the mean S it works out over the whole cycle is not needed here.
    let cycle = store::cycles::get_brief(conn, cycle_id)?
        .with_context(|| format!("цикл {cycle_id} не найден; список циклов: nok cycles"))?;
    let method = methods.require(&cycle.methodology)?;
    let fingerprint = method_fingerprint(method);
    let marks = store::scores::marks(conn, cycle_id)?;
    let digits = method.rounding.digits;
    let criteria_codes: Vec<&str> = method.criteria.iter().map(|c| c.code.as_str()).collect();
    let computed_at = session::now_stamp();

    let incremental = scope == Scope::Changed && marks.basis.as_deref() == Some(&fingerprint);
    if incremental && marks.dirty.is_empty() {
        // Nothing any result depends on changed: what is stored is what a full recompute gives.
        let (scored, failed) = store::scores::stored_outcome(conn, cycle_id)?;
        store::scores::mark_current(conn, cycle_id)?;
        finish(
            tx,
            audit,
            cycle_id,
            &method.version,
            &computed_at,
            (scored, failed.len(), 0),
        )?;
        return Ok(Recomputed {
            cycle_id,
            scored,
            failed,
            rebuilt_in_bulk: false,
            redone: 0,
        });
    }
    // Many marked (results deleted by hand, most inputs imported anew): every member is scored,
    // without reading what is stored first.
    let few = marks.dirty.len() * REDO_ALL_SHARE <= marks.members;
    let gathered = if incremental && few {
        gather_changed(
            conn,
            method,
            cycle.sector,
            &criteria_codes,
            cycle_id,
            &marks.dirty,
        )?
    } else {
        None
    };
    let Gathered {
        computed,
        group_count,
        failed,
        failed_ids,
        part_results,
        redone,
    } = match gathered {
        Some(g) => g,
        None => gather_all(conn, method, cycle.sector, &criteria_codes, cycle_id)?,
    };

    let totals: Vec<f64> = computed.iter().map(|c| c.total).collect();
    let overall = places(&totals, digits);
    let criterion_places: Vec<Vec<u32>> = (0..criteria_codes.len())
        .map(|k| {
            let values: Vec<f64> = computed.iter().map(|c| c.values[k]).collect();
            places(&values, digits)
        })
        .collect();
    let groups: Vec<u32> = computed.iter().map(|c| c.group).collect();
    let group_places = places_by_group(&groups, &totals, digits);
    let mut group_sizes = vec![0u32; group_count];
    for &g in &groups {
        group_sizes[g as usize] += 1;
    }
    drop(groups);

    // The computed values move into the results, the codes stay shared.
    let ranked = computed.len() as u32;
    let results: Vec<MemberResult> = computed
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let values = c
                .values
                .iter()
                .enumerate()
                .map(|(k, &v)| (v, criterion_places.get(k).map(|p| p[i])))
                .collect();
            MemberResult {
                membership_id: c.membership_id,
                total: c.total,
                place: overall[i],
                ranked,
                group_place: group_places[i],
                group_ranked: group_sizes[c.group as usize],
                codes: c.codes,
                values,
                kept: c.kept,
            }
        })
        .collect();

    store::scores::set_writing(&tx, cycle_id, true)?;
    let rebuilt_in_bulk = store::scores::replace_results(
        &tx,
        cycle_id,
        &method.version,
        &computed_at,
        &results,
        &failed_ids,
    )?;
    let redone_count = match &redone {
        Redone::All => {
            store::org_parts::replace_results(&tx, cycle_id, &part_results)?;
            results.len() + failed_ids.len()
        }
        Redone::These(ids) => {
            store::org_parts::replace_results_of(&tx, ids, &part_results)?;
            ids.len()
        }
    };
    store::scores::set_writing(&tx, cycle_id, false)?;
    store::scores::mark_computed(&tx, cycle_id, &fingerprint, &marks.dirty)?;
    finish(
        tx,
        audit,
        cycle_id,
        &method.version,
        &computed_at,
        (results.len(), failed_ids.len(), redone_count),
    )?;
    Ok(Recomputed {
        cycle_id,
        scored: results.len(),
        failed,
        rebuilt_in_bulk,
        redone: redone_count,
    })
}

/// The audit entry (unless part of a build) and the commit.
fn finish(
    tx: rusqlite::Transaction<'_>,
    audit: Audit,
    cycle_id: i64,
    version: &str,
    computed_at: &str,
    (scored, failed, redone): (usize, usize, usize),
) -> anyhow::Result<()> {
    if audit == Audit::Record {
        let note = format!(
            "пересчитаны баллы и места цикла {cycle_id}: рассчитано {scored}, с ошибками в данных {failed}; \
             заново по исходным данным {redone}; методика {version}"
        );
        store::audit::record(
            &tx,
            &store::audit::Entry {
                at: computed_at,
                os_user: &session::os_user(),
                action: store::audit::Action::Bulk,
                entity: "cycle",
                entity_id: Some(cycle_id),
                field: Some("scores"),
                old_value: None,
                new_value: None,
                note: &note,
            },
        )?;
    }
    // Through StoreError: a full disk usually shows at the commit (the WAL is written then).
    tx.commit().map_err(store::StoreError::from)?;
    Ok(())
}

/// Which members were scored from their inputs.
enum Redone {
    All,
    /// These (in id order); the others' results were taken as stored.
    These(Vec<i64>),
}

/// Every member's values (computed, or as stored) and the members that cannot be scored, in
/// membership order, ready to be ranked.
struct Gathered {
    computed: Vec<Computed>,
    /// How many groups the members' numbers (`Computed::group`) run over.
    group_count: usize,
    failed: Vec<(String, String)>,
    failed_ids: Vec<(i64, String)>,
    part_results: Vec<(i64, Vec<(String, f64)>)>,
    redone: Redone,
}

/// Every member scored from its inputs: the first computation of a cycle, and the fallback.
fn gather_all(
    conn: &Connection,
    method: &Methodology,
    sector: Sector,
    criteria_codes: &[&str],
    cycle_id: i64,
) -> anyhow::Result<Gathered> {
    // Members assessed in parts (филиалы; амбулаторно и стационарно): their parts' inputs.
    let mut parts = store::org_parts::cycle_parts(conn, cycle_id)?;

    // Reading (SQLite, on this thread: the transaction's connection) and scoring (pure, on a
    // worker) overlap: members go to the worker in batches while the next ones are read. On a
    // machine shared with other work the two threads also get two shares of it.
    let scored = std::thread::scope(|s| -> anyhow::Result<Scored> {
        let (send, receive) =
            std::sync::mpsc::sync_channel::<Vec<(MemberInputs, Option<Vec<PartInputs>>)>>(8);
        let worker = s.spawn(move || {
            let mut out = Scored::default();
            for batch in receive {
                for (m, parts) in batch {
                    out.add(method, sector, criteria_codes, m, parts);
                }
            }
            out
        });
        let mut batch = Vec::with_capacity(SCORING_BATCH);
        let read = store::scores::for_each_member_inputs(conn, cycle_id, |m| {
            let parts = parts.remove(&m.membership_id);
            batch.push((m, parts));
            if batch.len() == SCORING_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(SCORING_BATCH));
                // The worker only stops receiving if it panicked: its join says so below.
                let _ = send.send(full);
            }
            Ok(())
        });
        if read.is_ok() && !batch.is_empty() {
            let _ = send.send(batch);
        }
        drop(send);
        let scored = worker
            .join()
            .map_err(|_| anyhow::anyhow!("внутренняя ошибка: расчет баллов прерван"))?;
        read?;
        Ok(scored)
    })?;
    Ok(Gathered {
        computed: scored.computed,
        group_count: scored.groups.len(),
        failed: scored.failed,
        failed_ids: scored.failed_ids,
        part_results: scored.part_results,
        redone: Redone::All,
    })
}

/// What a member contributes to the ranking when it is not scored again.
enum Kept {
    Values(Computed),
    Failed(i64, String),
    /// Scored again from its inputs (marked, or its stored result cannot be read back).
    Redo(i64),
}

/// The members marked `dirty` (and any whose stored result cannot be read back) scored from
/// their inputs, every other member's values as stored. `None` when so many are to be scored
/// again that [`gather_all`] is the cheaper.
fn gather_changed(
    conn: &Connection,
    method: &Methodology,
    sector: Sector,
    criteria_codes: &[&str],
    cycle_id: i64,
    dirty: &[i64],
) -> anyhow::Result<Option<Gathered>> {
    let mut kept: Vec<Kept> = Vec::new();
    // The members scored again are numbered into the same groups as those kept.
    let mut scored = Scored::default();
    // The criteria's codes, shared by every member taken as stored.
    let codes: Arc<[String]> = criteria_codes.iter().map(|c| (*c).to_string()).collect();
    store::scores::for_each_stored_member(conn, cycle_id, |m| {
        let id = m.membership_id;
        let stored = if dirty.binary_search(&id).is_ok() {
            None
        } else {
            as_stored(
                criteria_codes,
                &codes,
                &method.version,
                &mut scored.groups,
                &m,
            )
        };
        kept.push(stored.unwrap_or(Kept::Redo(id)));
        Ok(())
    })?;
    let redo: Vec<i64> = kept
        .iter()
        .filter_map(|k| match k {
            Kept::Redo(id) => Some(*id),
            _ => None,
        })
        .collect();
    if redo.len() * REDO_ALL_SHARE > kept.len() {
        return Ok(None);
    }

    // The members to redo, scored here (a few; the whole cycle goes to `gather_all`).
    let mut parts = store::org_parts::cycle_parts(conn, cycle_id)?;
    let mut ids_scored = Vec::with_capacity(redo.len());
    store::scores::for_each_member_inputs_of(conn, cycle_id, &redo, |m| {
        let parts = parts.remove(&m.membership_id);
        ids_scored.push(m.membership_id);
        scored.add(method, sector, criteria_codes, m, parts);
        Ok(())
    })?;
    let mut computed: HashMap<i64, Computed> = scored
        .computed
        .into_iter()
        .map(|c| (c.membership_id, c))
        .collect();
    let mut newly_failed: HashMap<i64, (String, (String, String))> = scored
        .failed_ids
        .into_iter()
        .zip(scored.failed)
        .map(|((id, why), named)| (id, (why, named)))
        .collect();
    let names = store::scores::member_names(
        conn,
        &kept
            .iter()
            .filter_map(|k| match k {
                Kept::Failed(id, _) => Some(*id),
                _ => None,
            })
            .collect::<Vec<_>>(),
    )?;

    // In membership order, as `gather_all` gives them.
    let mut out = Gathered {
        computed: Vec::with_capacity(kept.len()),
        group_count: scored.groups.len(),
        failed: Vec::new(),
        failed_ids: Vec::new(),
        part_results: scored.part_results,
        redone: Redone::These(ids_scored),
    };
    for k in kept {
        match k {
            Kept::Values(c) => out.computed.push(c),
            Kept::Failed(id, why) => {
                let name = names.get(&id).cloned().unwrap_or_default();
                out.failed.push((name, why.clone()));
                out.failed_ids.push((id, why));
            }
            Kept::Redo(id) => {
                if let Some(c) = computed.remove(&id) {
                    out.computed.push(c);
                } else if let Some((why, named)) = newly_failed.remove(&id) {
                    out.failed.push(named);
                    out.failed_ids.push((id, why));
                }
            }
        }
    }
    Ok(Some(out))
}

/// What a member not marked contributes as stored: its total and criteria (`score.total`,
/// `score_parts.vals`) with the places stored with them, or the reason it could not be scored.
/// `None` when what is stored cannot stand (another method version, a part missing or not read
/// back, a score beside an error): the member is scored again.
fn as_stored(
    criteria_codes: &[&str],
    codes: &Arc<[String]>,
    version: &str,
    groups: &mut Groups,
    m: &StoredMember<'_>,
) -> Option<Kept> {
    match (m.score, m.score_error, m.vals, m.places) {
        (Some(score), None, Some(vals), Some(places)) if score.methodology == version => {
            let values = store::scores::decode_values_of(vals, criteria_codes)?;
            Some(Kept::Values(Computed {
                membership_id: m.membership_id,
                group: groups.number(m.group),
                total: score.total,
                codes: Arc::clone(codes),
                values,
                kept: Some(StoredPlaces {
                    place: score.place,
                    ranked: score.ranked,
                    group_place: score.group_place,
                    group_ranked: score.group_ranked,
                    criteria: places.to_vec(),
                }),
            }))
        }
        (None, Some(error), None, None) => Some(Kept::Failed(m.membership_id, error.to_string())),
        _ => None,
    }
}

/// Recomputes every cycle whose inputs changed since its scores were computed.
pub fn recompute_stale(
    conn: &mut Connection,
    methods: &Methods,
    on_cycle: impl FnMut(usize, usize),
) -> anyhow::Result<Vec<Recomputed>> {
    recompute_stale_as(conn, methods, Audit::Record, on_cycle)
}

pub(crate) fn recompute_stale_as(
    conn: &mut Connection,
    methods: &Methods,
    audit: Audit,
    mut on_cycle: impl FnMut(usize, usize),
) -> anyhow::Result<Vec<Recomputed>> {
    let ids = store::cycles::stale_ids(conn)?;
    let mut out = Vec::with_capacity(ids.len());
    for (n, id) in ids.iter().enumerate() {
        out.push(recompute(conn, methods, *id, audit, Scope::Changed)?);
        on_cycle(n + 1, ids.len());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::demo::{DemoOptions, open_or_build};

    type Snapshot = Vec<(
        i64,
        String,
        u32,
        u32,
        u32,
        u32,
        Vec<(String, String, Option<u32>)>,
    )>;

    /// The cycle's stored results, values as text (exact), without the time they were written.
    fn snapshot(conn: &Connection, cycle: i64) -> Snapshot {
        let mut stmt = conn
            .prepare(
                "SELECT s.membership_id, s.methodology || ' ' || s.total, s.place, s.ranked,
                        s.group_place, s.group_ranked
                 FROM score s JOIN membership m ON m.id = s.membership_id
                 WHERE m.cycle_id = ?1 ORDER BY s.membership_id",
            )
            .unwrap();
        let mut parts = conn
            .prepare(
                "SELECT code, CAST(value AS TEXT), place FROM score_part
                 WHERE membership_id = ?1 ORDER BY code",
            )
            .unwrap();
        stmt.query_map([cycle], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(id, total, place, ranked, gp, gr)| {
            let p = parts
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (id, total, place, ranked, gp, gr, p)
        })
        .collect()
    }

    #[test]
    fn writing_only_the_changes_gives_what_a_full_rewrite_gives() {
        let dir = tempfile::tempdir().unwrap();
        let methods = Methods::builtin().unwrap();
        let opts = DemoOptions {
            orgs: 120,
            seed: 7,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        };
        let mut conn = open_or_build(
            &dir.path().join("d.sqlite"),
            &opts,
            false,
            &methods,
            &mut |_| {},
        )
        .unwrap()
        .conn;
        let cycle: i64 = conn
            .query_row(
                "SELECT cycle_id FROM membership GROUP BY cycle_id ORDER BY count(*) DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let before = snapshot(&conn, cycle);
        assert!(before.len() > 10);
        recompute_cycle(&mut conn, &methods, cycle).unwrap();
        assert_eq!(
            snapshot(&conn, cycle),
            before,
            "nothing changed, nothing moves"
        );

        // Make three members unscorable (places move), damage the stored results (a part
        // missing, a stray part, a wrong total), and make one member unscorable.
        let members: Vec<i64> = conn
            .prepare("SELECT id FROM membership WHERE cycle_id = ?1 ORDER BY id")
            .unwrap()
            .query_map([cycle], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        conn.execute_batch(&format!(
            "UPDATE indicator_input SET value = 0 WHERE membership_id IN ({a}, {b});
             DELETE FROM score_part WHERE membership_id = {c} AND code = 'К2';
             INSERT INTO score_part (membership_id, code, value, place) VALUES ({c}, 'X.9', 1, NULL);
             UPDATE score SET total = total / 2 WHERE membership_id = {d};
             DELETE FROM indicator_input WHERE membership_id = {e};",
            a = members[0],
            b = members[1],
            c = members[2],
            d = members[3],
            e = members[4],
        ))
        .unwrap();
        let done = recompute_cycle(&mut conn, &methods, cycle).unwrap();
        let incremental = snapshot(&conn, cycle);
        assert_ne!(incremental, before);

        // The same from nothing stored.
        conn.execute_batch(&format!(
            "DELETE FROM score_part WHERE membership_id IN (SELECT id FROM membership WHERE cycle_id = {cycle});
             DELETE FROM score WHERE membership_id IN (SELECT id FROM membership WHERE cycle_id = {cycle});"
        ))
        .unwrap();
        let again = recompute_cycle(&mut conn, &methods, cycle).unwrap();
        assert_eq!(snapshot(&conn, cycle), incremental);
        assert!(
            again.rebuilt_in_bulk,
            "a first computation writes every row"
        );
        assert_eq!((done.scored, &done.failed), (again.scored, &again.failed));
        // Zeroed denominators and missing inputs: three members that had results cannot be
        // scored now, and keep none; the others' places moved.
        assert_eq!(done.failed.len(), 3, "{:?}", done.failed);
        for id in [members[0], members[1], members[4]] {
            let stored: i64 = conn
                .query_row(
                    "SELECT (SELECT count(*) FROM score WHERE membership_id = ?1)
                          + (SELECT count(*) FROM score_part WHERE membership_id = ?1)",
                    [id],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(stored, 0, "an unscorable member keeps no result");
        }
    }

    /// Parts (member, code, value bits, place) and each member's score row as text.
    type Everything = (Vec<(i64, String, u64, Option<u32>)>, Vec<Vec<String>>);

    /// Every stored result of the database, values as their bits (exact).
    fn everything(conn: &Connection) -> Everything {
        let parts = conn
            .prepare("SELECT membership_id, code, value, place FROM score_part ORDER BY 1, 2")
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get::<_, f64>(2)?.to_bits(),
                    r.get(3)?,
                ))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let scores = conn
            .prepare(
                "SELECT s.membership_id, s.methodology, s.total, s.place, s.ranked, s.group_place,
                        s.group_ranked, m.score_error
                 FROM membership m LEFT JOIN score s ON s.membership_id = m.id ORDER BY m.id",
            )
            .unwrap()
            .query_map([], |r| {
                (0..8)
                    .map(|k| {
                        Ok(match r.get_ref(k)? {
                            rusqlite::types::ValueRef::Real(v) => v.to_bits().to_string(),
                            v => format!("{v:?}"),
                        })
                    })
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        (parts, scores)
    }

    /// A demo database as the schema before migration 004 kept it (one `score_part` row a part)
    /// is converted with the same results, and recomputing every cycle with the packed storage
    /// gives them again, bit for bit; a second recompute writes nothing.
    #[test]
    fn packed_parts_give_the_results_the_table_held() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sqlite");
        let methods = Methods::builtin().unwrap();
        let opts = DemoOptions {
            orgs: 200,
            seed: 11,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        };
        drop(open_or_build(&path, &opts, false, &methods, &mut |_| {}).unwrap());
        let conn = Connection::open(&path).unwrap();
        let built = everything(&conn);
        assert!(built.0.len() > 1000, "{}", built.0.len());
        // Back to version 3, before migration 004: the parts as rows of a table, the packed
        // table gone, no plan approvals yet (005), the export positions as they were
        // before 006 (the demo exported nothing), no parts of organizations (008), none of
        // the start-up figures (011), no index on ОГРН (013) and none of the start-up counts (015).
        // Migration 022 (the marks of what to recompute): its tables and triggers.
        let marks: Vec<String> = conn
            .prepare(
                "SELECT 'DROP ' || type || ' ' || name || ';' FROM sqlite_schema
                 WHERE (name GLOB 'recompute_basis*' OR name GLOB 'recompute_dirty*'
                        OR name = 'recompute_writing') AND type IN ('trigger', 'table')
                 ORDER BY type = 'table'",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(marks.len() > 20, "{marks:?}");
        conn.execute_batch(&marks.concat()).unwrap();
        conn.execute_batch(
            "BEGIN;
             DROP TRIGGER rating_order_score_insert; DROP TRIGGER rating_order_score_update;
             DROP TRIGGER rating_order_score_delete; DROP TRIGGER rating_order_membership_update;
             DROP TRIGGER rating_order_membership_delete;
             DROP TRIGGER rating_order_organization_update;
             DROP TRIGGER rating_order_organization_delete; DROP TABLE rating_order;
             DROP TRIGGER cycle_size_insert; DROP TRIGGER cycle_size_delete;
             DROP TRIGGER cycle_size_move; DROP TRIGGER row_count_organization_insert;
             DROP TRIGGER row_count_organization_delete; DROP TRIGGER plan_day_all_insert;
             DROP TRIGGER plan_day_all_delete; DROP TRIGGER plan_day_all_update;
             DROP TABLE recompute_bulk_write;
             DROP TABLE cycle_plan_status;
             DROP TABLE cycle_size; DROP TABLE row_count; DROP TABLE plan_day;
             DROP INDEX membership_cycle_group;
             DROP TRIGGER score_bin_insert; DROP TRIGGER score_bin_delete;
             DROP TRIGGER score_bin_update; DROP TRIGGER parts_bin_insert;
             DROP TRIGGER parts_bin_delete; DROP TRIGGER parts_bin_update_before;
             DROP TRIGGER parts_bin_update_after; DROP TRIGGER membership_bin_delete;
             DROP TRIGGER membership_bin_move_before; DROP TRIGGER membership_bin_move_after;
             DROP TRIGGER plan_day_insert; DROP TRIGGER plan_day_delete;
             DROP TRIGGER plan_day_update; DROP TRIGGER organization_sort_insert;
             DROP TRIGGER organization_sort_update; DROP TRIGGER organization_sort_delete;
             DROP VIEW score_bin_entry; DROP VIEW parts_bin_entry;
             DROP TABLE cycle_value_bin; DROP TABLE cycle_plan_day; DROP TABLE organization_sort;
             DROP INDEX organization_ogrn;
             CREATE TABLE parts_v3 AS SELECT * FROM score_part;
             DROP VIEW score_part;
             DROP TABLE score_parts;
             CREATE TABLE score_part (
                 membership_id INTEGER NOT NULL REFERENCES membership (id) ON DELETE CASCADE,
                 code          TEXT NOT NULL,
                 value         REAL NOT NULL CHECK (value BETWEEN 0 AND 100),
                 place         INTEGER CHECK (place IS NULL OR place >= 1),
                 PRIMARY KEY (membership_id, code)
             ) WITHOUT ROWID;
             INSERT INTO score_part SELECT * FROM parts_v3;
             CREATE INDEX score_total ON score (total DESC);
             DROP TABLE parts_v3;
             DROP TABLE plan_act;
             DROP TABLE plan_header;
             ALTER TABLE membership DROP COLUMN plan_approved_on;
             DROP TABLE survey_proposal;
             DROP TABLE survey_tally;
             DROP TABLE survey_response;
             DROP TABLE survey_source;
             ALTER TABLE membership DROP COLUMN recipients;
             DROP TABLE export_position;
             CREATE TABLE export_position (
                 kind           TEXT NOT NULL CHECK (kind IN ('results', 'plan', 'report')),
                 org_id         INTEGER NOT NULL REFERENCES organization (id),
                 cycle_id       INTEGER NOT NULL REFERENCES cycle (id),
                 position_id    TEXT NOT NULL UNIQUE CHECK (length(position_id) = 36),
                 version_number INTEGER NOT NULL CHECK (version_number >= 1),
                 content_sha256 TEXT,
                 exported_at    TEXT,
                 receipt_status TEXT,
                 header_id      TEXT,
                 file           TEXT,
                 receipt_at     TEXT,
                 receipt_url    TEXT,
                 PRIMARY KEY (kind, org_id, cycle_id)
             ) WITHOUT ROWID;
             CREATE INDEX export_position_org ON export_position (org_id);
             CREATE INDEX export_position_header ON export_position (header_id);
             CREATE INDEX export_log_position ON export_log (position_id);
             DROP TABLE org_part_result;
             DROP TABLE org_part_input;
             DROP TABLE org_part;
             PRAGMA user_version = 3;
             COMMIT;",
        )
        .unwrap();
        assert_eq!(everything(&conn), built);
        drop(conn);

        let mut conn = crate::store::open_existing(&path).unwrap();
        assert_eq!(everything(&conn), built, "converted in place");
        let cycles: Vec<i64> = conn
            .prepare("SELECT id FROM cycle ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for &c in &cycles {
            recompute_cycle(&mut conn, &methods, c).unwrap();
        }
        assert_eq!(everything(&conn), built, "recomputed");
        let before = conn.total_changes();
        for &c in &cycles {
            recompute_cycle(&mut conn, &methods, c).unwrap();
        }
        // Per cycle: the audit entry, clearing no error, marking the cycle current — no result.
        let writes = conn.total_changes() - before;
        assert!(
            writes <= 3 * cycles.len() as u64,
            "{writes} rows written for {} cycles",
            cycles.len()
        );
        assert_eq!(everything(&conn), built);
    }
}
