//! The planned date of a plan row from its deadline as people write it: a date
//! («31.12.2025», «до 01.03.2025 г.») or a period that gives one date («IV квартал 2025 г.»,
//! «декабрь 2025 года», «2025 год» — its last day). The plan import reads a table's deadline
//! cell by this rule, and the plan forms read a typed deadline by it, so that a deadline
//! copied from a document means the same date in both.

use chrono::NaiveDate;

use crate::domain::deadline::{Context, Deadline, Events};
use crate::exchange::import::values::parse_date;

/// The one date `text` names, as of `today`; `None` when it names none: a period without its
/// year («IV квартал»), or a recurring or event-bound deadline («ежеквартально», «в течение 5
/// рабочих дней после…»), gives no single date.
pub fn one_date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    parse_date(text).or_else(|| {
        let events = Events::new();
        Deadline::parse(text)
            .resolve(&Context::on(today, &events))
            .single_date()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_date_or_a_period_gives_one_date() {
        let today = d(2026, 12, 7);
        assert_eq!(one_date("31.03.2027", today), Some(d(2027, 3, 31)));
        assert_eq!(one_date("до 01.03.2027 г.", today), Some(d(2027, 3, 1)));
        // A quarter ends on its last day: IV квартал — 31 December.
        assert_eq!(one_date("IV квартал 2027 г.", today), Some(d(2027, 12, 31)));
        assert_eq!(one_date("декабрь 2027 года", today), Some(d(2027, 12, 31)));
        assert_eq!(one_date("2027 год", today), Some(d(2027, 12, 31)));
        assert_eq!(one_date("ежеквартально", today), None);
        assert_eq!(one_date("IV квартал", today), None);
        assert_eq!(one_date("по мере необходимости", today), None);
        assert_eq!(one_date("", today), None);
    }
}
