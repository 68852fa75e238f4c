//! Deadlines written in Russian (срок исполнения) read into a structure: months, quarters and
//! half-years, spans of years, fixed dates, continuous work, recurring duties, terms counted from
//! an event, and terms delegated to another plan. The text is always kept as written; text that
//! does not read is flagged «срок не распознан» and never stops anything.
//!
//! - [`Deadline::parse`] reads a phrase (pure, tolerant of OCR noise: it keys on the deadline
//!   words and skips what it does not know).
//! - [`Deadline::describe`] says in Russian how it was read.
//! - [`Deadline::resolve`] gives the due date(s) on a day, for a plan period and the recorded
//!   dates of events ([`Events`]).
//! - [`item_state`] says where a plan item stands: done, in time, due soon, overdue, awaiting an
//!   event, continuous, not recognised.

mod describe;
mod parse;
mod resolve;
mod state;

#[cfg(test)]
mod tests;

pub use resolve::{Context, Events, Resolution};
pub use state::{ItemState, item_state, timing};

/// A unit of a calendar period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Per {
    Month,
    Quarter,
    HalfYear,
    Year,
}

/// A stretch of a year named in the text: months, quarters or half-years, `from..=to`
/// (1-based), or the whole year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// «февраль», «февраль – март».
    Months(u32, u32),
    /// «IV квартал», «I- II квартал», «2-3 квартал».
    Quarters(u32, u32),
    /// «I полугодие», «1-2 полугодие».
    HalfYears(u32, u32),
    /// «до конца года».
    Year,
}

/// How a recurring duty recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recurrence {
    /// «ежемесячно», «ежеквартально», «ежегодно»: due at the end of every period.
    Every(Per),
    /// «не реже 2-х раз в год», «не реже одного раза в полугодие»: a count to meet, checked at the
    /// end of every period.
    AtLeast { times: u32, per: Per },
    /// «ежегодно до 1 марта»: on this day every year.
    YearlyOn { month: u32, day: u32 },
    /// «IV квартал ежегодно»: by the end of this quarter every year.
    YearlyQuarter(u32),
    /// «ежемесячно до 10 числа»: on this day of every month (the month's last day when it has
    /// fewer days).
    MonthlyOn { day: u32 },
    /// «до 5 числа месяца, следующего за отчетным (кварталом)», «до 15 января года, следующего за
    /// отчетным»: after every reporting `per`, on `day` of the month that follows it — or, for a
    /// year with `month` given, on that day and month of the next year.
    Following {
        per: Per,
        month: Option<u32>,
        day: u32,
    },
}

/// The unit of a term counted from an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermUnit {
    /// Calendar days («дней», «календарных дней»).
    Days,
    /// Working days by the production calendar («рабочих дней»).
    WorkingDays,
    Weeks,
    Months,
}

/// An event a term is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Event {
    /// Receipt of the assessment results from the public council («поступления информации о
    /// результатах независимой оценки от Общественного совета», «поступления информации»).
    ResultsReceived,
    /// Receipt of the council's proposals («поступления предложений»).
    ProposalsReceived,
    /// Approval of the plan («утверждения плана мероприятий»).
    PlanApproved,
    /// Publication of the results («размещения результатов»).
    ResultsPublished,
    /// Some other event, known only by its words.
    Other,
}

impl Event {
    pub const ALL: [Event; 5] = [
        Event::ResultsReceived,
        Event::ProposalsReceived,
        Event::PlanApproved,
        Event::ResultsPublished,
        Event::Other,
    ];

    /// The event in Russian, as a noun phrase («поступление результатов от совета»).
    pub fn name_ru(self) -> &'static str {
        match self {
            Event::ResultsReceived => "поступление результатов независимой оценки от совета",
            Event::ProposalsReceived => "поступление предложений общественного совета",
            Event::PlanApproved => "утверждение плана мероприятий",
            Event::ResultsPublished => "размещение результатов независимой оценки",
            Event::Other => "событие",
        }
    }

    /// Stable code (CLI, tests).
    pub fn code(self) -> &'static str {
        match self {
            Event::ResultsReceived => "results_received",
            Event::ProposalsReceived => "proposals_received",
            Event::PlanApproved => "plan_approved",
            Event::ResultsPublished => "results_published",
            Event::Other => "other",
        }
    }
}

/// One reading found in a deadline text. A cell may hold several («I квартал 2016 г. IV квартал
/// 2017 г.», «IV квартал 2017 г. в течение 5 рабочих дней после …»).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// «Постоянно», «в течение года»: ongoing, no single due date.
    Continuous,
    /// «По мере необходимости»: done when needed, no due date (a kind of its own).
    AsNeeded,
    /// «после 25.12.2024», «в течение 5 дней после 25.12.2024»: a term from a date written in
    /// the text (`amount` 0: the date itself); the year may be missing.
    AfterDate {
        amount: u32,
        unit: TermUnit,
        day: u32,
        month: u32,
        year: Option<i32>,
    },
    /// «до 01.12.2019», «в срок до 10 февраля 2019 года»: a date; the year may be missing.
    Date {
        day: u32,
        month: u32,
        year: Option<i32>,
    },
    /// A stretch of a year: due on its last day; the year may be missing.
    Within { span: Span, year: Option<i32> },
    /// «в течение 2016-2018 г.г.», «2017 - 2018 г.», «2024 год»: due at the end of the last year.
    Years { from: i32, to: i32 },
    /// A recurring duty.
    Recurring(Recurrence),
    /// «в течение 5 рабочих дней после …»: a term from an event, due once its date is recorded.
    AfterEvent {
        amount: u32,
        unit: TermUnit,
        event: Event,
        /// The event as written («поступления информации о результатах …»).
        phrase: String,
    },
    /// «В сроки, установленные планом мероприятий»: the dates are in another plan.
    Delegated { phrase: String },
}

/// A deadline as written and as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// The text as written (kept whole).
    pub text: String,
    /// What was read, in the order of the text; empty when nothing was (or when the text names
    /// an impossible deadline, see `problem`).
    pub parts: Vec<Part>,
    /// Words with deadline meaning (numbers, months, «числа», «отчетным», …) that no form
    /// read: the reading is incomplete, so it gives no date («срок не распознан»).
    pub unread: Vec<String>,
    /// Why the text names an impossible deadline («даты 31.02.2025 нет в календаре», «квартала
    /// с номером 5 нет», «год 1800 вне допустимого»): nothing is read from it, nothing guessed.
    pub problem: Option<String>,
}

impl Deadline {
    /// Reads `text`. Never fails: text that does not read gives no parts.
    pub fn parse(text: &str) -> Deadline {
        let r = parse::parts(text);
        let parts = if r.problem.is_some() {
            Vec::new()
        } else {
            r.parts
        };
        Deadline {
            text: text.to_string(),
            parts,
            unread: r.unread,
            problem: r.problem,
        }
    }

    /// Whether the whole text was read (empty text is not «recognised» either): something was
    /// read, nothing impossible was named, and no word with deadline meaning was left over.
    pub fn is_recognised(&self) -> bool {
        !self.parts.is_empty() && self.unread.is_empty() && self.problem.is_none()
    }

    /// Whether the cell is empty (no deadline written).
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// The kind of deadline in Russian: «дата», «период», «постоянно», «периодически», «от
    /// события», «по другому плану», «несколько сроков», «не распознан», «не указан».
    pub fn kind_ru(&self) -> String {
        describe::kind_ru(self)
    }

    /// How the deadline was read, in Russian, for people («последний день IV квартала 2017 г.
    /// (31.12.2017)»). Missing years are filled from `period` when given.
    pub fn describe(&self, period: Option<(i32, i32)>) -> String {
        describe::describe(self, period)
    }

    /// The due date(s) that apply on `ctx.today` (see [`Resolution`]).
    pub fn resolve(&self, ctx: &Context<'_>) -> Resolution {
        resolve::resolve(self, ctx)
    }
}
