//! From a reading to due dates: the plan's period fills in missing years, recurring duties give
//! a date per period, and terms from an event resolve once the event's date is recorded.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate};

use super::{Deadline, Event, Part, Per, Recurrence, Span, TermUnit};
use crate::domain::calendar::Calendar;

/// Recorded dates of events (an event may happen once a cycle, so several dates per kind).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Events {
    dates: BTreeMap<Event, Vec<NaiveDate>>,
}

impl Events {
    pub fn new() -> Events {
        Events::default()
    }

    /// Records that `event` happened on `date`.
    pub fn record(&mut self, event: Event, date: NaiveDate) {
        let v = self.dates.entry(event).or_default();
        if let Err(at) = v.binary_search(&date) {
            v.insert(at, date);
        }
    }

    /// The latest recorded date of `event` on or before `today` (later dates are not facts yet
    /// on that day).
    pub fn latest(&self, event: Event, today: NaiveDate) -> Option<NaiveDate> {
        self.dates
            .get(&event)?
            .iter()
            .rev()
            .find(|d| **d <= today)
            .copied()
    }

    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }
}

/// What a resolution needs: the day, the plan's period, the recorded events and the calendar.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub today: NaiveDate,
    /// First and last year of the plan; fills in missing years (the first year) and bounds
    /// recurring duties. Without it recurring duties use `today`'s year.
    pub period: Option<(i32, i32)>,
    pub events: &'a Events,
    /// The production calendar for working days (the embedded Russian one when `None`).
    pub calendar: Option<&'a Calendar>,
}

impl<'a> Context<'a> {
    /// A context with no period and no events.
    pub fn on(today: NaiveDate, events: &'a Events) -> Context<'a> {
        Context {
            today,
            period: None,
            events,
            calendar: None,
        }
    }
}

/// The due date(s) of a deadline on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Known due dates, ascending. `current` is the one that applies on the day: the first not
    /// yet passed, else the last. `recurring` marks dates that repeat; `awaiting` an event whose
    /// term will replace the dates once its date is recorded.
    Due {
        current: NaiveDate,
        all: Vec<NaiveDate>,
        recurring: bool,
        awaiting: Option<Event>,
    },
    /// Ongoing, no single due date («постоянно»).
    Continuous,
    /// Done when needed, no due date («по мере необходимости»).
    AsNeeded,
    /// A term from an event whose date is not recorded yet.
    AwaitingEvent { event: Event, phrase: String },
    /// The dates are set by another plan.
    Delegated,
    /// A date without a year, and no plan period to take it from.
    NeedsYear,
    /// A working-day term ran outside the production calendar.
    CalendarError(String),
    /// Nothing was read from a non-empty text («срок не распознан»).
    Unrecognised,
    /// No deadline written.
    Empty,
}

impl Resolution {
    /// The one date a deadline gives, when it gives exactly one that neither repeats nor waits
    /// for an event: what a plan stores as a row's planned date or an item's due date.
    pub fn single_date(&self) -> Option<NaiveDate> {
        match self {
            Resolution::Due {
                current,
                recurring: false,
                awaiting: None,
                ..
            } => Some(*current),
            _ => None,
        }
    }
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// The last day of `span` in `year`.
pub(super) fn span_end(span: Span, year: i32) -> Option<NaiveDate> {
    let month = match span {
        Span::Months(_, to) => to,
        Span::Quarters(_, to) => to * 3,
        Span::HalfYears(_, to) => to * 6,
        Span::Year => 12,
    };
    last_day_of_month(year, month)
}

/// The ends of every `per` in `year`.
fn period_ends(per: Per, year: i32) -> Vec<NaiveDate> {
    let step = match per {
        Per::Month => 1,
        Per::Quarter => 3,
        Per::HalfYear => 6,
        Per::Year => 12,
    };
    (1..=12 / step)
        .filter_map(|k| last_day_of_month(year, k * step))
        .collect()
}

/// The dates a recurrence falls on in `year`.
pub(super) fn recurrence_dates(r: Recurrence, year: i32) -> Vec<NaiveDate> {
    match r {
        Recurrence::Every(per) | Recurrence::AtLeast { per, .. } => period_ends(per, year),
        Recurrence::YearlyOn { month, day } => NaiveDate::from_ymd_opt(year, month, day)
            .or_else(|| last_day_of_month(year, month))
            .into_iter()
            .collect(),
        Recurrence::YearlyQuarter(q) => span_end(Span::Quarters(q, q), year).into_iter().collect(),
        Recurrence::MonthlyOn { day } => (1..=12).filter_map(|m| on_day(year, m, day)).collect(),
        Recurrence::Following {
            per: Per::Year,
            month,
            day,
        } => on_day(year + 1, month.unwrap_or(1), day)
            .into_iter()
            .collect(),
        Recurrence::Following { per, day, .. } => period_ends(per, year)
            .into_iter()
            .filter_map(|end| {
                let next = end.succ_opt()?;
                on_day(next.year(), next.month(), day)
            })
            .collect(),
    }
}

/// `day` of a month, or the month's last day when it has fewer days («до 30 числа» in
/// February).
fn on_day(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).or_else(|| last_day_of_month(year, month))
}

/// The date `amount` units after `from`.
pub(super) fn add_term(
    from: NaiveDate,
    amount: u32,
    unit: TermUnit,
    calendar: Option<&Calendar>,
) -> Result<NaiveDate, String> {
    let overflow = || "срок выходит за пределы допустимых дат".to_string();
    match unit {
        TermUnit::Days => from
            .checked_add_days(Days::new(u64::from(amount)))
            .ok_or_else(overflow),
        TermUnit::Weeks => from
            .checked_add_days(Days::new(u64::from(amount) * 7))
            .ok_or_else(overflow),
        TermUnit::Months => from
            .checked_add_months(Months::new(amount))
            .ok_or_else(overflow),
        TermUnit::WorkingDays => {
            let cal = match calendar {
                Some(c) => c,
                None => Calendar::russia().map_err(|e| e.to_string())?,
            };
            cal.add_working_days(from, amount)
                .map_err(|e| e.to_string())
        }
    }
}

pub(super) fn resolve(d: &Deadline, ctx: &Context<'_>) -> Resolution {
    // An incomplete or impossible reading gives no date: never a guess.
    if !d.is_recognised() {
        return if d.is_empty() {
            Resolution::Empty
        } else {
            Resolution::Unrecognised
        };
    }
    let fill = |year: Option<i32>| year.or(ctx.period.map(|p| p.0));
    let (first, last) = ctx.period.unwrap_or((ctx.today.year(), ctx.today.year()));
    let mut dates = Vec::new();
    let mut from_events = Vec::new();
    let mut recurring = false;
    let mut awaiting: Option<(Event, String)> = None;
    let (mut continuous, mut delegated, mut needs_year) = (false, false, false);
    let mut as_needed = false;
    for part in &d.parts {
        match part {
            Part::Continuous => continuous = true,
            Part::AsNeeded => as_needed = true,
            Part::AfterDate {
                amount,
                unit,
                day,
                month,
                year,
            } => match fill(*year).and_then(|y| NaiveDate::from_ymd_opt(y, *month, *day)) {
                Some(from) => match add_term(from, *amount, *unit, ctx.calendar) {
                    Ok(due) => dates.push(due),
                    Err(e) => return Resolution::CalendarError(e),
                },
                None => needs_year = true,
            },
            Part::Delegated { .. } => delegated = true,
            Part::Date { day, month, year } => match fill(*year) {
                Some(y) => dates.extend(
                    NaiveDate::from_ymd_opt(y, *month, *day)
                        .or_else(|| last_day_of_month(y, *month)),
                ),
                None => needs_year = true,
            },
            Part::Within { span, year } => match fill(*year) {
                Some(y) => dates.extend(span_end(*span, y)),
                None => needs_year = true,
            },
            Part::Years { to, .. } => dates.extend(NaiveDate::from_ymd_opt(*to, 12, 31)),
            Part::Recurring(r) => {
                recurring = true;
                for y in first..=last.min(first + 100) {
                    dates.extend(recurrence_dates(*r, y));
                }
            }
            Part::AfterEvent {
                amount,
                unit,
                event,
                phrase,
            } => match ctx.events.latest(*event, ctx.today) {
                Some(at) => match add_term(at, *amount, *unit, ctx.calendar) {
                    Ok(due) => from_events.push(due),
                    Err(e) => return Resolution::CalendarError(e),
                },
                None => {
                    awaiting.get_or_insert((*event, phrase.clone()));
                }
            },
        }
    }
    // A term from a recorded event is the precise date: it replaces the period it sits in
    // («IV квартал 2017 г. в течение 5 рабочих дней после …»).
    if !from_events.is_empty() {
        dates = from_events;
        recurring = false;
    }
    dates.sort_unstable();
    dates.dedup();
    if let (Some(&last_due), false) = (dates.last(), dates.is_empty()) {
        let current = dates
            .iter()
            .copied()
            .find(|x| *x >= ctx.today)
            .unwrap_or(last_due);
        return Resolution::Due {
            current,
            all: dates,
            recurring,
            awaiting: awaiting.map(|a| a.0),
        };
    }
    if let Some((event, phrase)) = awaiting {
        return Resolution::AwaitingEvent { event, phrase };
    }
    if needs_year {
        Resolution::NeedsYear
    } else if delegated {
        Resolution::Delegated
    } else if continuous {
        Resolution::Continuous
    } else if as_needed {
        Resolution::AsNeeded
    } else if d.is_empty() {
        Resolution::Empty
    } else {
        Resolution::Unrecognised
    }
}
