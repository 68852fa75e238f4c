//! The demo data generator: regions, authorities, cycles, council meetings, organizations with
//! their assessments, shortcomings and improvement plans, and the authorities' own plans.
//!
//! Pure and deterministic: the same options give exactly the same calls to the sink in the same
//! order (own PRNG, no clock, no hash-map iteration). It streams: an organization and everything
//! about it is generated, handed to the sink and dropped before the next one, so memory does not
//! grow with the number of organizations (only small per-region counters are kept).
//!
//! Order of calls: authorities → cycles → council meetings → for each organization: the
//! organization, then per assessment its membership with inputs, shortcomings and plan rows →
//! the authorities' plans (their target indicators use counts gathered on the way).
//!
//! This module holds the entry point and the generator state `Gen`; each step is an `impl Gen`
//! block in the module named after what it makes: `authorities`, `cycles`, `meetings`,
//! `organizations`, `assessment` (with `plan_rows`) and `workplans`. The inputs model of the method
//! is in `indicators` and `survey`; `identifiers`, `people` and `dates` are helpers shared by the
//! steps.

mod assessment;
mod authorities;
mod cycles;
mod dates;
mod found;
mod identifiers;
mod indicators;
mod meetings;
mod organizations;
mod people;
mod plan_rows;
mod scratch;
mod survey;
mod workplans;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use anyhow::{Result, bail};
use chrono::{Datelike, NaiveDate};

use super::names::{self, Lists, MeetingKind, Region};
use super::{DemoOptions, DemoSink};
use crate::domain::cycle::CycleStatus;
use crate::domain::methodology::Methodology;
use crate::domain::plan::Person;
use crate::domain::sector::Sector;
use indicators::{Ind, build_models};

/// Largest number of organizations the generator accepts.
pub const MAX_ORGS: u32 = 1_000_000;

/// Number of assessment years before `today`'s year.
const YEARS: usize = 3;

/// One region per this many organizations (300 → 3 regions), at least `MIN_REGIONS`, at most all
/// regions of the list.
const ORGS_PER_REGION: u32 = 100;
const MIN_REGIONS: usize = 3;

// Tags of the independent random streams.
const T_AUTH: u64 = 1;
const T_OPERATOR: u64 = 2;
const T_CYCLE: u64 = 3;
const T_MEETING: u64 = 4;
const T_ORG: u64 = 5;
const T_FIXED: u64 = 6;
const T_YEAR: u64 = 7;
const T_STAFF: u64 = 8;
const T_PLAN: u64 = 9;
const T_WORKPLAN: u64 = 10;

/// Generates the demo data set described by `opts`, scoring inputs for the method `method`, and
/// hands it to `sink`.
pub fn generate(opts: &DemoOptions, method: &Methodology, sink: &mut dyn DemoSink) -> Result<()> {
    let lists = names::lists();
    if opts.orgs > MAX_ORGS {
        bail!(
            "слишком много организаций для демонстрационной базы: {}; допустимо не более 1 000 000",
            opts.orgs
        );
    }
    let year = opts.today.year();
    if !(1990..=9000).contains(&year) {
        bail!(
            "дата {} вне допустимого диапазона для демонстрационной базы (1990–9000 годы)",
            opts.today.format("%d.%m.%Y")
        );
    }
    check_lists(lists)?;
    let mut g = Gen::new(opts, method, lists)?;
    g.authorities(sink)?;
    g.cycles(sink)?;
    g.meetings(sink)?;
    g.organizations(sink)?;
    g.workplans(sink)?;
    Ok(())
}

/// The generator cannot run without these lists (they are compile-time data; a broken build is
/// the only way to get here).
fn check_lists(l: &Lists) -> Result<()> {
    let missing = [
        ("regions", l.regions.is_empty()),
        ("surnames", l.surnames.is_empty()),
        ("male", l.male.is_empty()),
        ("female", l.female.is_empty()),
        ("streets", l.streets.is_empty()),
        ("nicknames", l.nicknames.is_empty()),
        ("dk_names", l.dk_names.is_empty()),
        (
            "operators",
            l.operator_templates.is_empty() || l.operator_brands.is_empty(),
        ),
        ("cancel_reasons", l.cancel_reasons.is_empty()),
        ("progress_notes", l.progress_notes.is_empty()),
        ("info_plan", l.info_plan.items.is_empty()),
        ("org_plan", l.org_plan.items.is_empty()),
    ];
    for (name, empty) in missing {
        if empty {
            bail!("встроенный список демонстрационных данных «{name}» пуст или поврежден");
        }
    }
    for s in Sector::ALL {
        if l.sector_forms(s).is_none() || !l.org_types.iter().any(|t| t.sector == s) {
            bail!(
                "во встроенных списках демонстрационных данных нет сведений о сфере «{}»",
                s.name_ru()
            );
        }
    }
    Ok(())
}

fn sector_index(s: Sector) -> usize {
    match s {
        Sector::Social => 0,
        Sector::Health => 1,
        Sector::Culture => 2,
        Sector::Education => 3,
    }
}

// ------------------------------------------------------------------------------------------------
// The generator state

struct AuthCtx {
    id: i64,
    region: usize,
    sector: Sector,
    name: String,
    genitive: String,
    prep: String,
    act: String,
    website: String,
    staff: Vec<Person>,
}

struct CycleCtx {
    id: i64,
    year: i32,
    status: CycleStatus,
    /// Date of the council meeting that approved the results.
    approved_on: Option<NaiveDate>,
    operator: String,
}

struct MeetingPlan {
    date: NaiveDate,
    kind: MeetingKind,
    /// Year the meeting is about.
    subject_year: i32,
    /// Index of the cycle year (0..YEARS) it deals with.
    cycle: Option<usize>,
    number: u32,
}

/// The generator: options, lists and the state carried from one step to the next.
struct Gen<'a> {
    opts: &'a DemoOptions,
    method: &'a Methodology,
    lists: &'static Lists,
    seed: u64,
    today: NaiveDate,
    /// `today`'s year.
    year: i32,
    regions: Vec<&'static Region>,
    models: Vec<Vec<Ind>>,
    /// Legal entities generated so far per region (for ИНН and regNum).
    entity_counters: Vec<u64>,
    /// Last number (or count) per (region, type stem, city or `usize::MAX`).
    name_counters: HashMap<(usize, usize, usize), u32>,
    /// Type indices and weights per sector.
    types_by_sector: Vec<(Vec<usize>, Vec<u32>)>,
    /// Index of the first type with the same stem, per type.
    stem_of_type: Vec<usize>,
    auths: Vec<AuthCtx>,
    /// Operators per region: (name, ИНН).
    operators: Vec<Vec<(String, String)>>,
    /// Cycles per authority, by year index.
    cycles: Vec<Vec<CycleCtx>>,
    meetings: Vec<Vec<MeetingPlan>>,
    /// Organizations per authority, and assessed per authority and year index.
    org_count: Vec<u32>,
    assessed: Vec<[u32; YEARS]>,
}

impl<'a> Gen<'a> {
    fn new(opts: &'a DemoOptions, method: &'a Methodology, lists: &'static Lists) -> Result<Self> {
        let n_regions = ((opts.orgs / ORGS_PER_REGION) as usize)
            .max(MIN_REGIONS)
            .min(lists.regions.len());
        let regions: Vec<&Region> = lists.regions.iter().take(n_regions).collect();
        let models = build_models(method, lists)?;
        let mut types_by_sector = Vec::new();
        for s in Sector::ALL {
            let idx: Vec<usize> = lists
                .org_types
                .iter()
                .enumerate()
                .filter(|(_, t)| t.sector == s)
                .map(|(i, _)| i)
                .collect();
            let w = idx.iter().map(|&i| lists.org_types[i].weight).collect();
            types_by_sector.push((idx, w));
        }
        let stem_of_type = lists
            .org_types
            .iter()
            .map(|t| {
                lists
                    .org_types
                    .iter()
                    .position(|u| u.slug == t.slug)
                    .unwrap_or(0)
            })
            .collect();
        Ok(Gen {
            opts,
            method,
            lists,
            seed: opts.seed,
            today: opts.today,
            year: opts.today.year(),
            entity_counters: vec![0; regions.len()],
            regions,
            models,
            name_counters: HashMap::new(),
            types_by_sector,
            stem_of_type,
            auths: Vec::new(),
            operators: Vec::new(),
            cycles: Vec::new(),
            meetings: Vec::new(),
            org_count: Vec::new(),
            assessed: Vec::new(),
        })
    }

    fn first_year(&self) -> i32 {
        self.year - YEARS as i32
    }

    fn auth_index(&self, r: usize, s: Sector) -> usize {
        r * Sector::ALL.len() + sector_index(s)
    }
}
