//! Plan stage: from this file's counts (per organization and part) and what the database holds
//! (the other sources' counts, the inputs as they are), the changes the import makes — the
//! counts of this source to store, each input that changes (old → new) for the organization and
//! for each of its parts, the number of respondents — before anything of them is written. The
//! preview shows the plan; the write stage carries it out.
//!
//! An input the survey feeds is the sum of the counts over the membership's sources (part `''`
//! feeds the organization's inputs, a named part that part's inputs). Only the questions the file
//! has count: a question without a column leaves its inputs alone. An input this source counted
//! before and no source counts now is removed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::Connection;

use super::responses::Staged;
use super::{OrgCounts, PartChanges};
use crate::domain::questionnaire::Questionnaire;
use crate::domain::sector::Sector;
use crate::store;
use crate::store::import::OrgRecord;

/// What the import changes.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// The counts of this source: (membership, part, key, value).
    pub tallies: Vec<(i64, String, String, i64)>,
    /// By organization: the inputs and respondents that change.
    pub orgs: Vec<OrgCounts>,
}

impl Plan {
    /// Whether any input or number of respondents changes (the scores go stale).
    pub fn changes_inputs(&self) -> bool {
        self.orgs.iter().any(|o| {
            !o.changes.is_empty()
                || o.old_respondents != o.total_respondents
                || o.parts.iter().any(|p| !p.changes.is_empty())
        })
    }
}

/// The facts the plan is made from.
pub(super) struct Facts<'a> {
    pub qn: &'a Questionnaire,
    pub sector: Sector,
    pub variant: &'a str,
    pub cycle_id: i64,
    /// Input keys the file's question columns feed.
    pub present: &'a BTreeSet<&'a str>,
    /// (membership, part, key) counts this source had before (a corrected file).
    pub old_counts: &'a [(i64, String, String)],
    /// organization id → membership id, of the cycle.
    pub members: &'a HashMap<i64, i64>,
    pub orgs: &'a [OrgRecord],
}

/// Works out the changes; reads the database, writes nothing.
pub(super) fn plan_changes(
    conn: &Connection,
    f: &Facts<'_>,
    staged: &Staged,
) -> anyhow::Result<Plan> {
    let mut plan = Plan::default();
    // This source's counts.
    for (&m, parts) in &staged.tallies {
        for (part, t) in parts {
            plan.tallies
                .push((m, part.clone(), "respondents".into(), t.respondents as i64));
            for (key, v) in f.qn.inputs(t, f.sector, f.variant) {
                if f.present.contains(key.as_str()) {
                    plan.tallies.push((m, part.clone(), key, v as i64));
                }
            }
        }
    }
    // (membership, part) → key → count of this source.
    let mut mine: BTreeMap<i64, BTreeMap<String, BTreeMap<String, i64>>> = BTreeMap::new();
    for (m, part, key, v) in &plan.tallies {
        mine.entry(*m)
            .or_default()
            .entry(part.clone())
            .or_default()
            .insert(key.clone(), *v);
    }
    let mut old_keys: BTreeMap<i64, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for (m, part, key) in f.old_counts {
        mine.entry(*m).or_default();
        if key != "respondents" {
            old_keys
                .entry(*m)
                .or_default()
                .entry(part.clone())
                .or_default()
                .push(key.clone());
        }
    }
    let stored_inputs = store::import::cycle_inputs(conn, f.cycle_id)?;
    let fed = f.qn.fed_keys(f.sector, f.variant);
    let org_of: HashMap<i64, i64> = f.members.iter().map(|(&o, &m)| (m, o)).collect();
    let by_id: HashMap<i64, &OrgRecord> = f.orgs.iter().map(|o| (o.id, o)).collect();
    for (m, this) in mine {
        // The other sources' sums (this source's old counts are already gone) plus this one's.
        let mut sums = store::survey::sums_by_part(conn, m)?;
        for (part, keys) in &this {
            let s = sums.entry(part.clone()).or_default();
            for (k, v) in keys {
                *s.entry(k.clone()).or_default() += v;
            }
        }
        let no_keys = BTreeMap::new();
        let olds = old_keys.get(&m).unwrap_or(&no_keys);
        let mut parts: BTreeSet<&String> = sums.keys().collect();
        parts.extend(olds.keys());
        let mut org = OrgCounts {
            membership_id: m,
            respondents: this
                .values()
                .filter_map(|k| k.get("respondents"))
                .sum::<i64>() as u64,
            total_respondents: sums.values().filter_map(|k| k.get("respondents")).sum(),
            old_respondents: conn.query_row(
                "SELECT respondents FROM membership WHERE id = ?1",
                [m],
                |r| r.get(0),
            )?,
            new_member: staged.new_members.contains(&m),
            ..OrgCounts::default()
        };
        for part in parts {
            let now = sums.get(part);
            let before = olds.get(part);
            // The keys the survey counts now, and those this source counted before.
            let keys = fed.iter().filter(|k| {
                now.is_some_and(|s| s.contains_key(**k))
                    || before.is_some_and(|o| o.iter().any(|x| x == *k))
            });
            let (part_id, stored) = if part.is_empty() {
                (None, HashMap::new())
            } else {
                match store::org_parts::find(conn, m, part)? {
                    Some(id) => (Some(id), store::org_parts::inputs(conn, id)?),
                    None => (None, HashMap::new()),
                }
            };
            let mut changes = Vec::new();
            for key in keys {
                let old = if part.is_empty() {
                    stored_inputs.get(&(m, (*key).to_string())).copied()
                } else {
                    stored.get(*key).copied()
                };
                let new = now.and_then(|s| s.get(*key)).map(|&v| v as f64);
                if old != new {
                    changes.push(((*key).to_string(), old, new));
                }
            }
            if part.is_empty() {
                org.changes = changes;
            } else {
                org.parts.push(PartChanges {
                    name: part.clone(),
                    part_id,
                    new: part_id.is_none(),
                    respondents: now.and_then(|s| s.get("respondents")).copied().unwrap_or(0),
                    changes,
                });
            }
        }
        let record = org_of.get(&m).and_then(|o| by_id.get(o));
        org.inn = record.map_or(String::new(), |o| o.inn.clone());
        org.name = record.map_or(String::new(), |o| o.full_name.clone());
        let recipients: Option<i64> = conn.query_row(
            "SELECT recipients FROM membership WHERE id = ?1",
            [m],
            |r| r.get(0),
        )?;
        org.sample = recipients.map(|r| (f.qn.sample.required(r.max(0) as u64), r));
        plan.orgs.push(org);
    }
    plan.orgs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(plan)
}
