//! The demo database: a deterministic, realistic data set generated from a seed.
//!
//! [`generate()`] produces domain values and hands them to a [`DemoSink`] one at a time, so a
//! 100,000-organization database streams into SQLite without being held in memory.

mod build;
pub mod generate;
mod names;
mod rng;

use chrono::NaiveDate;

use crate::domain::council::CouncilMeeting;
use crate::domain::cycle::{Cycle, Membership};
use crate::domain::org::{Authority, Organization};
use crate::domain::plan::PlanRow;
use crate::domain::scoring::Inputs;
use crate::domain::shortcoming::Shortcoming;
use crate::domain::workplan::{TargetIndicator, Workplan, WorkplanItem, WorkplanSection};

pub use build::{DemoDb, Progress, open_or_build};
pub use generate::generate;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemoOptions {
    /// Number of organizations (about 300 by default; 100,000 for benchmarks).
    pub orgs: u32,
    /// Seed of the generator: the same seed, size and day give the same database.
    pub seed: u64,
    /// The day the data is laid out around: cycles of the three years before it, plan rows
    /// overdue and due relative to it.
    pub today: NaiveDate,
}

/// Where generated values go. Each method stores one value and returns its id where other values
/// refer to it.
pub trait DemoSink {
    fn authority(&mut self, a: &Authority) -> anyhow::Result<i64>;
    fn organization(&mut self, o: &Organization) -> anyhow::Result<i64>;
    fn cycle(&mut self, c: &Cycle) -> anyhow::Result<i64>;
    /// An organization's membership in a cycle with its raw indicator inputs.
    fn membership(&mut self, m: &Membership, inputs: &Inputs) -> anyhow::Result<()>;
    fn shortcoming(&mut self, s: &Shortcoming) -> anyhow::Result<i64>;
    fn plan_row(&mut self, r: &PlanRow) -> anyhow::Result<i64>;
    /// The header of an organization's plan in a cycle (after its rows). An empty `approved_by`
    /// stands for the organization itself.
    fn plan_header(
        &mut self,
        _cycle_id: i64,
        _org_id: i64,
        _h: &crate::store::plan_header::Header,
    ) -> anyhow::Result<()> {
        Ok(())
    }
    fn workplan(&mut self, w: &Workplan) -> anyhow::Result<i64>;
    fn workplan_section(&mut self, s: &WorkplanSection) -> anyhow::Result<i64>;
    fn workplan_item(&mut self, i: &WorkplanItem) -> anyhow::Result<i64>;
    fn target_indicator(&mut self, t: &TargetIndicator) -> anyhow::Result<i64>;
    fn council_meeting(&mut self, m: &CouncilMeeting) -> anyhow::Result<i64>;
    /// Called now and then with the number of organizations generated so far.
    fn progress(&mut self, _orgs_done: u64, _orgs_total: u64) {}
}
