//! Buffers an organization's assessments reuse from one to the next (the generator streams
//! 100,000 organizations without allocating for every value handed to the sink).

use chrono::NaiveDate;

use crate::domain::cycle::Membership;
use crate::domain::plan::{Person, PlanRow, PlanStatus};
use crate::domain::scoring::Inputs;
use crate::domain::sector::Sector;
use crate::domain::shortcoming::Shortcoming;

/// Buffers reused from one assessment to the next, so that streaming 100,000 organizations does
/// not allocate for every value handed to the sink.
pub(super) struct Scratch {
    /// Inputs per sector. Every key of the sector is set on every assessment, so a reused map
    /// holds exactly what a fresh one would.
    pub(super) inputs: Vec<Inputs>,
    pub(super) membership: Membership,
    pub(super) shortcoming: Shortcoming,
    pub(super) row: PlanRow,
}

impl Scratch {
    pub(super) fn new() -> Scratch {
        Scratch {
            inputs: Sector::ALL.iter().map(|_| Inputs::new()).collect(),
            membership: Membership {
                cycle_id: 0,
                org_id: 0,
                group: String::new(),
                respondents: 0,
            },
            shortcoming: Shortcoming {
                cycle_id: 0,
                org_id: 0,
                criterion: String::new(),
                indicator: None,
                input_key: None,
                text: String::new(),
            },
            row: PlanRow {
                cycle_id: 0,
                org_id: 0,
                number: String::new(),
                criterion: String::new(),
                shortcoming_id: None,
                shortcoming: String::new(),
                measure: String::new(),
                planned_date: NaiveDate::default(),
                responsible: Person::default(),
                expected_result: String::new(),
                result_indicators: String::new(),
                implemented_measures: String::new(),
                actual_date: None,
                status: PlanStatus::Planned,
                cancel_reason: None,
            },
        }
    }
}
