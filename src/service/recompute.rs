//! Recomputing a cycle: every member's inputs → indicators → criteria → S by the cycle's method
//! version, then places overall, per group and per criterion, stored in one transaction.

use std::collections::HashMap;

use anyhow::Context;
use rusqlite::{Connection, TransactionBehavior};

use crate::domain::rating::{places, places_by_group};
use crate::domain::scoring::score;
use crate::service::methodology::Methods;
use crate::service::session;
use crate::store;
use crate::store::scores::{MemberResult, Part};

/// What a recompute did.
#[derive(Debug, Clone, PartialEq)]
pub struct Recomputed {
    pub cycle_id: i64,
    pub scored: usize,
    /// Members whose inputs could not be scored: (organization, reason in Russian).
    pub failed: Vec<(String, String)>,
}

/// One member's computed values, compact: criteria and indicators in the method's order.
struct Computed {
    membership_id: i64,
    group: String,
    total: f64,
    criteria: Vec<f64>,
    indicators: Vec<(String, f64)>,
}

/// Recomputes the cycle's scores and ratings and stores them, replacing what was there; the
/// audit log records who recomputed the cycle and when.
pub fn recompute_cycle(
    conn: &mut Connection,
    methods: &Methods,
    cycle_id: i64,
) -> anyhow::Result<Recomputed> {
    recompute(conn, methods, cycle_id, Audit::Record)
}

/// Whether a recompute writes its own audit entry: a bulk build (the demo) records one entry for
/// everything it made instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Audit {
    Record,
    PartOfBuild,
}

pub(crate) fn recompute(
    conn: &mut Connection,
    methods: &Methods,
    cycle_id: i64,
    audit: Audit,
) -> anyhow::Result<Recomputed> {
    // Inputs are read and results written in one write transaction: nobody can change the inputs
    // in between (the cycle would be marked current with results of old inputs). Other writers
    // wait for it within the busy timeout; readers are not blocked (WAL).
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let conn = &tx;
    let cycle = store::cycles::get(conn, cycle_id)?
        .with_context(|| format!("цикл {cycle_id} не найден; список циклов: nok cycles"))?;
    let method = methods.require(&cycle.methodology)?;
    let digits = method.rounding.digits;
    let criteria_codes: Vec<&str> = method.criteria.iter().map(|c| c.code.as_str()).collect();

    let mut computed = Vec::new();
    let mut failed = Vec::new();
    let mut failed_ids = Vec::new();
    store::scores::for_each_member_inputs(conn, cycle_id, |m| {
        match score(method, cycle.sector, &m.org_name, &m.inputs) {
            Ok(card) => computed.push(Computed {
                membership_id: m.membership_id,
                group: m.group,
                total: card.total,
                criteria: criteria_codes
                    .iter()
                    .map(|code| {
                        card.criteria
                            .iter()
                            .find(|c| c.code == *code)
                            .map_or(0.0, |c| c.value)
                    })
                    .collect(),
                indicators: card
                    .indicators
                    .into_iter()
                    .map(|i| (i.code, i.value))
                    .collect(),
            }),
            Err(e) => {
                failed_ids.push((m.membership_id, e.to_string()));
                failed.push((m.org_name, e.to_string()));
            }
        }
        Ok(())
    })?;

    let totals: Vec<f64> = computed.iter().map(|c| c.total).collect();
    let overall = places(&totals, digits);
    let criterion_places: Vec<Vec<u32>> = (0..criteria_codes.len())
        .map(|k| {
            let values: Vec<f64> = computed.iter().map(|c| c.criteria[k]).collect();
            places(&values, digits)
        })
        .collect();
    let groups: Vec<&str> = computed.iter().map(|c| c.group.as_str()).collect();
    let group_places = places_by_group(&groups, &totals, digits);
    let mut group_sizes: HashMap<&str, u32> = HashMap::new();
    for g in &groups {
        *group_sizes.entry(g).or_default() += 1;
    }

    let ranked = computed.len() as u32;
    let results: Vec<MemberResult> = computed
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let criteria = criteria_codes.iter().enumerate().map(|(k, code)| Part {
                code: (*code).to_string(),
                value: c.criteria[k],
                place: Some(criterion_places[k][i]),
            });
            let indicators = c.indicators.iter().map(|(code, value)| Part {
                code: code.clone(),
                value: *value,
                place: None,
            });
            MemberResult {
                membership_id: c.membership_id,
                total: c.total,
                place: overall[i],
                ranked,
                group_place: group_places[i],
                group_ranked: group_sizes.get(groups[i]).copied().unwrap_or(1),
                parts: criteria.chain(indicators).collect(),
            }
        })
        .collect();

    let computed_at = session::now_stamp();
    store::scores::replace_results(
        &tx,
        cycle_id,
        &method.version,
        &computed_at,
        &results,
        &failed_ids,
    )?;
    if audit == Audit::Record {
        let note = format!(
            "пересчитаны баллы и места цикла {cycle_id}: рассчитано {}, с ошибками в данных {}; методика {}",
            results.len(),
            failed_ids.len(),
            method.version
        );
        store::audit::record(
            &tx,
            &store::audit::Entry {
                at: &computed_at,
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
    tx.commit()?;
    Ok(Recomputed {
        cycle_id,
        scored: results.len(),
        failed,
    })
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
        out.push(recompute(conn, methods, *id, audit)?);
        on_cycle(n + 1, ids.len());
    }
    Ok(out)
}
