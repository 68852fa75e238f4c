//! Improvement-plan rows over time: when a row is planned, whether it was done, is overdue, due
//! soon, later or cancelled, and what was done.

use chrono::NaiveDate;

use super::Gen;
use super::dates::{add_days, date, date_between};
use crate::domain::plan::{PlanRow, PlanStatus};
use crate::service::demo::rng::Rng;

/// What a plan row's dates depend on: its cycle's year, the day the council approved the results,
/// and whether it is the latest cycle.
#[derive(Clone, Copy)]
pub(super) struct RowCycle {
    pub(super) year: i32,
    pub(super) approved: NaiveDate,
    pub(super) latest: bool,
}

impl Gen<'_> {
    /// Sets a plan row's dates, status and what was done. Rows of older cycles are mostly done;
    /// rows of the latest cycle are a mix relative to `today`: done, overdue, due within 30 days,
    /// later, cancelled.
    pub(super) fn schedule_row(
        &self,
        rng: &mut Rng,
        row: &mut PlanRow,
        implemented: &str,
        cycle: &RowCycle,
        costly: bool,
    ) {
        let RowCycle {
            year: cycle_year,
            approved,
            latest,
        } = *cycle;
        let today = self.today;
        let plans_from = add_days(approved, 20).max(date(cycle_year + 1, 1, 20));
        let window_start = plans_from.max(date(cycle_year + 1, 2, 1));
        let window_end = date(cycle_year + 1, 12, 31);
        let yesterday = add_days(today, -1);

        #[derive(Clone, Copy, PartialEq)]
        enum Bucket {
            Done,
            Overdue,
            DueSoon,
            Later,
            Cancelled,
        }
        // Equipment for accessibility needs money and works: done less often and later.
        let mut bucket = if latest {
            let w = if costly {
                [35, 18, 10, 29, 8]
            } else {
                [45, 15, 10, 25, 5]
            };
            match rng.weighted(&w) {
                0 => Bucket::Done,
                1 => Bucket::Overdue,
                2 => Bucket::DueSoon,
                3 => Bucket::Later,
                _ => Bucket::Cancelled,
            }
        } else {
            let w = if costly { [60, 25, 15] } else { [85, 10, 5] };
            match rng.weighted(&w) {
                0 => Bucket::Done,
                1 => Bucket::Overdue,
                _ => Bucket::Cancelled,
            }
        };
        // What cannot have happened yet on `today` becomes a later row.
        if bucket == Bucket::Overdue && window_start > yesterday {
            bucket = Bucket::Later;
        }
        if bucket == Bucket::Done && plans_from > yesterday {
            bucket = Bucket::Later;
        }

        row.actual_date = None;
        row.implemented_measures.clear();
        row.cancel_reason = None;
        let (planned, status) = match bucket {
            Bucket::Done => {
                let planned = date_between(rng, window_start, window_end);
                let last = planned.min(yesterday);
                let a = if rng.chance(0.12) && planned < yesterday {
                    date_between(
                        rng,
                        add_days(planned, 1),
                        add_days(planned, 60).min(yesterday),
                    )
                } else {
                    date_between(rng, add_days(last, -45).max(plans_from), last)
                };
                row.actual_date = Some(a);
                row.implemented_measures.push_str(implemented);
                (planned, PlanStatus::Done)
            }
            Bucket::Overdue => {
                let lo = if latest {
                    window_start.max(add_days(today, -180))
                } else {
                    window_start
                };
                let hi = if latest {
                    yesterday
                } else {
                    window_end.min(yesterday)
                };
                let status = if rng.chance(0.65) {
                    PlanStatus::InProgress
                } else {
                    PlanStatus::Planned
                };
                (date_between(rng, lo, hi), status)
            }
            Bucket::DueSoon => {
                let planned = date_between(rng, today, add_days(today, 30));
                let status = if rng.chance(0.7) {
                    PlanStatus::InProgress
                } else {
                    PlanStatus::Planned
                };
                (planned, status)
            }
            Bucket::Later => {
                let lo = add_days(today, 31).max(window_start);
                let hi = window_end.max(add_days(lo, 60));
                let planned = date_between(rng, lo, hi);
                let status = if rng.chance(0.35) {
                    PlanStatus::InProgress
                } else {
                    PlanStatus::Planned
                };
                (planned, status)
            }
            Bucket::Cancelled => {
                row.cancel_reason = rng.pick(&self.lists.cancel_reasons).cloned();
                (
                    date_between(rng, window_start, window_end),
                    PlanStatus::Cancelled,
                )
            }
        };
        if status == PlanStatus::InProgress
            && let Some(note) = rng.pick(&self.lists.progress_notes)
        {
            row.implemented_measures.push_str(note);
        }
        row.planned_date = planned;
        row.status = status;
    }
}
