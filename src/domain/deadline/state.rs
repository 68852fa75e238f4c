//! Where an item of a plan stands on a day, from its recorded status and its deadline.

use chrono::NaiveDate;

use super::{Context, Deadline, Event, Resolution};
use crate::domain::workplan::ItemStatus;

/// The state of a plan item relative to a day (состояние мероприятия).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    /// Done, on the date recorded (if any).
    Done(Option<NaiveDate>),
    Cancelled,
    /// Not done, due later than the horizon.
    InTime {
        due: NaiveDate,
    },
    /// Not done, due within the horizon: `days` left (0 = today).
    DueSoon {
        days: i64,
        due: NaiveDate,
    },
    /// Not done, the due date passed `days` ago.
    Overdue {
        days: i64,
        due: NaiveDate,
    },
    /// Not done, the term runs from an event whose date is not recorded yet.
    AwaitingEvent(Event),
    /// Ongoing work with no single due date («постоянно»).
    Continuous,
    /// Done when needed, no due date («по мере необходимости»).
    AsNeeded,
    /// The dates are set by another plan («в сроки, установленные планом»).
    Delegated,
    /// The deadline text could not be read («срок не распознан»), or names no year and the plan
    /// none either.
    Unrecognised,
    /// No deadline written (a heading item whose sub-items carry the dates).
    NoDeadline,
}

impl ItemState {
    /// Short Russian label for tables.
    pub fn label_ru(self) -> String {
        match self {
            ItemState::Done(Some(d)) => format!("выполнено {}", d.format("%d.%m.%Y")),
            ItemState::Done(None) => "выполнено".into(),
            ItemState::Cancelled => "отменено".into(),
            ItemState::InTime { .. } => "в срок".into(),
            ItemState::DueSoon { days: 0, .. } => "срок сегодня".into(),
            ItemState::DueSoon { days, .. } => format!("осталось {days} дн."),
            ItemState::Overdue { days, .. } => format!("просрочено на {days} дн."),
            ItemState::AwaitingEvent(_) => "ждет события".into(),
            ItemState::Continuous => "постоянно".into(),
            ItemState::AsNeeded => "по мере необходимости".into(),
            ItemState::Delegated => "по срокам другого плана".into(),
            ItemState::Unrecognised => "срок не распознан".into(),
            ItemState::NoDeadline => "срок не указан".into(),
        }
    }

    /// The due date the state is about, when there is one.
    pub fn due(self) -> Option<NaiveDate> {
        match self {
            ItemState::InTime { due }
            | ItemState::DueSoon { due, .. }
            | ItemState::Overdue { due, .. } => Some(due),
            _ => None,
        }
    }
}

/// In time, due soon or overdue: `due` relative to `today`, with rows due within `horizon_days`
/// counted as due soon.
pub fn timing(due: NaiveDate, today: NaiveDate, horizon_days: i64) -> ItemState {
    let left = (due - today).num_days();
    if left < 0 {
        ItemState::Overdue { days: -left, due }
    } else if left <= horizon_days {
        ItemState::DueSoon { days: left, due }
    } else {
        ItemState::InTime { due }
    }
}

/// The state of a plan item with `status` (and `completed_on` when done) and `deadline`, on
/// `ctx.today`, given the plan period and recorded events in `ctx`.
pub fn item_state(
    status: ItemStatus,
    completed_on: Option<NaiveDate>,
    deadline: &Deadline,
    ctx: &Context<'_>,
    horizon_days: i64,
) -> ItemState {
    match status {
        ItemStatus::Done => return ItemState::Done(completed_on),
        ItemStatus::Cancelled => return ItemState::Cancelled,
        ItemStatus::Planned | ItemStatus::InProgress => {}
    }
    match deadline.resolve(ctx) {
        Resolution::Due { current, .. } => timing(current, ctx.today, horizon_days),
        Resolution::AwaitingEvent { event, .. } => ItemState::AwaitingEvent(event),
        Resolution::Continuous => ItemState::Continuous,
        Resolution::AsNeeded => ItemState::AsNeeded,
        Resolution::Delegated => ItemState::Delegated,
        Resolution::NeedsYear | Resolution::CalendarError(_) | Resolution::Unrecognised => {
            ItemState::Unrecognised
        }
        Resolution::Empty => ItemState::NoDeadline,
    }
}
