//! Improvement plans (план по устранению недостатков, form of decree 457 of 17.04.2018) and the
//! state of their rows relative to a date.

use chrono::NaiveDate;

/// The status recorded for a plan row. «Просрочено» is not recorded: it is derived from the planned
/// date, see [`PlanRow::state`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanStatus {
    /// Запланировано.
    Planned,
    /// Выполняется.
    InProgress,
    /// Выполнено (actual date and implemented measures filled).
    Done,
    /// Отменено (with a reason).
    Cancelled,
}

impl PlanStatus {
    pub const ALL: [PlanStatus; 4] = [
        PlanStatus::Planned,
        PlanStatus::InProgress,
        PlanStatus::Done,
        PlanStatus::Cancelled,
    ];

    /// Stable code used in the database and the CLI.
    pub fn code(self) -> &'static str {
        match self {
            PlanStatus::Planned => "planned",
            PlanStatus::InProgress => "in_progress",
            PlanStatus::Done => "done",
            PlanStatus::Cancelled => "cancelled",
        }
    }

    pub fn name_ru(self) -> &'static str {
        match self {
            PlanStatus::Planned => "запланировано",
            PlanStatus::InProgress => "выполняется",
            PlanStatus::Done => "выполнено",
            PlanStatus::Cancelled => "отменено",
        }
    }

    pub fn from_code(code: &str) -> Option<PlanStatus> {
        PlanStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// A status as a person types it: the Russian name («выполнено», «в работе», any case) or
    /// the code (`done`).
    pub fn parse(text: &str) -> Option<PlanStatus> {
        let t = text.trim().to_lowercase().replace('ё', "е");
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        match t.as_str() {
            "запланировано" | "планируется" | "не начато" => {
                Some(PlanStatus::Planned)
            }
            "в работе" | "выполняется" | "в процессе" => {
                Some(PlanStatus::InProgress)
            }
            "выполнено" => Some(PlanStatus::Done),
            "отменено" => Some(PlanStatus::Cancelled),
            _ => PlanStatus::from_code(&t.replace([' ', '-'], "_")),
        }
    }
}

/// A rule of recording a plan row's execution that a change breaks (Russian message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExecutionError {
    #[error("для статуса «выполнено» нужна фактическая дата реализации: --date ДД.ММ.ГГГГ")]
    DoneWithoutDate,
    #[error("для статуса «выполнено» нужны реализованные меры: --measures ТЕКСТ")]
    DoneWithoutMeasures,
    #[error("для статуса «отменено» нужна причина отмены: --reason ТЕКСТ")]
    CancelledWithoutReason,
    #[error(
        "фактическая дата {} позже сегодняшнего дня ({}); будущую дату записать нельзя",
        .date.format("%d.%m.%Y"),
        .today.format("%d.%m.%Y")
    )]
    DateInFuture { date: NaiveDate, today: NaiveDate },
}

/// Checks the execution fields a row would have with `status`: done needs the actual date and
/// implemented measures, cancelled needs a reason, and an actual date may not be after `today`.
pub fn check_execution(
    status: PlanStatus,
    actual_date: Option<NaiveDate>,
    implemented_measures: &str,
    cancel_reason: Option<&str>,
    today: NaiveDate,
) -> Result<(), ExecutionError> {
    if let Some(date) = actual_date
        && date > today
    {
        return Err(ExecutionError::DateInFuture { date, today });
    }
    match status {
        PlanStatus::Done if actual_date.is_none() => Err(ExecutionError::DoneWithoutDate),
        PlanStatus::Done if implemented_measures.trim().is_empty() => {
            Err(ExecutionError::DoneWithoutMeasures)
        }
        PlanStatus::Cancelled if cancel_reason.is_none_or(|r| r.trim().is_empty()) => {
            Err(ExecutionError::CancelledWithoutReason)
        }
        _ => Ok(()),
    }
}

/// A responsible person (ответственный исполнитель) with full name and position.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Person {
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    pub position: String,
}

impl Person {
    /// «Иванова А. П.» — surname with initials, as written in plan tables.
    pub fn short(&self) -> String {
        let mut s = self.last_name.clone();
        for part in [&self.first_name, &self.middle_name] {
            if let Some(c) = part.chars().next() {
                s.push(' ');
                s.push(c);
                s.push('.');
            }
        }
        s
    }
}

/// A row of an organization's improvement plan for a cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    pub cycle_id: i64,
    pub org_id: i64,
    /// Row number in the plan, e.g. `1.2` (section = criterion number).
    pub number: String,
    /// `К1` … `К5`: the plan's section.
    pub criterion: String,
    /// The shortcoming it addresses, if recorded separately.
    pub shortcoming_id: Option<i64>,
    /// Недостатки, выявленные в ходе независимой оценки (text as in the plan).
    pub shortcoming: String,
    /// Наименование мероприятия по устранению недостатков.
    pub measure: String,
    /// Плановый срок реализации.
    pub planned_date: NaiveDate,
    /// Ответственный исполнитель.
    pub responsible: Person,
    /// Результат (expected result).
    pub expected_result: String,
    /// Показатели, характеризующие результат выполнения мероприятия.
    pub result_indicators: String,
    /// Реализованные меры по устранению выявленных недостатков.
    pub implemented_measures: String,
    /// Фактический срок реализации.
    pub actual_date: Option<NaiveDate>,
    pub status: PlanStatus,
    /// Причина отмены (required when cancelled).
    pub cancel_reason: Option<String>,
}

/// Where a plan row stands relative to a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    Done,
    Cancelled,
    /// Not done, and the planned date is more than the horizon away.
    InTime,
    /// Not done, due within the horizon: `days` left (0 = due today).
    DueSoon {
        days: i64,
    },
    /// Not done and the planned date has passed `days` ago.
    Overdue {
        days: i64,
    },
}

impl RowState {
    /// Short Russian label for tables.
    pub fn label_ru(self) -> String {
        match self {
            RowState::Done => "выполнено".into(),
            RowState::Cancelled => "отменено".into(),
            RowState::InTime => "в срок".into(),
            RowState::DueSoon { days: 0 } => "срок сегодня".into(),
            RowState::DueSoon { days } => format!("осталось {days} дн."),
            RowState::Overdue { days } => format!("просрочено на {days} дн."),
        }
    }
}

/// The state of a row with a planned date and a recorded status on `today`, counting rows due
/// within `horizon_days` as due soon.
pub fn row_state(
    status: PlanStatus,
    planned: NaiveDate,
    today: NaiveDate,
    horizon_days: i64,
) -> RowState {
    match status {
        PlanStatus::Done => RowState::Done,
        PlanStatus::Cancelled => RowState::Cancelled,
        PlanStatus::Planned | PlanStatus::InProgress => {
            let left = (planned - today).num_days();
            if left < 0 {
                RowState::Overdue { days: -left }
            } else if left <= horizon_days {
                RowState::DueSoon { days: left }
            } else {
                RowState::InTime
            }
        }
    }
}

impl PlanRow {
    /// This row's state on `today` (see [`row_state`]).
    pub fn state(&self, today: NaiveDate, horizon_days: i64) -> RowState {
        row_state(self.status, self.planned_date, today, horizon_days)
    }
}

/// The number a new plan row under criterion `Кk` gets, given the numbers the organization's
/// plan in the cycle already has. Plans numbered by section («1.1», «3.2») get the next row of
/// section k («1.2»); plans numbered straight through get one more than the highest («7»). A
/// number's leading digits count; a number without them counts as 0.
pub fn next_row_number<'a>(numbers: impl IntoIterator<Item = &'a str>, criterion: &str) -> String {
    let numbers: Vec<&str> = numbers.into_iter().collect();
    let lead = |n: &str| -> u32 {
        n.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(0)
    };
    let section: String = criterion.chars().filter(char::is_ascii_digit).collect();
    if !section.is_empty() && numbers.iter().any(|n| n.contains('.')) {
        let prefix = format!("{section}.");
        let top = numbers
            .iter()
            .filter_map(|n| n.strip_prefix(&prefix))
            .map(lead)
            .max()
            .unwrap_or(0);
        return format!("{prefix}{}", top + 1);
    }
    let top = numbers.iter().map(|n| lead(n)).max().unwrap_or(0);
    (top + 1).to_string()
}

#[cfg(test)]
mod tests {

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn states_relative_to_today() {
        let today = d(2026, 11, 22);
        let st = |s, p| row_state(s, p, today, 30);
        assert_eq!(st(PlanStatus::Done, d(2020, 1, 1)), RowState::Done);
        assert_eq!(
            st(PlanStatus::Cancelled, d(2020, 1, 1)),
            RowState::Cancelled
        );
        assert_eq!(
            st(PlanStatus::Planned, d(2026, 11, 1)),
            RowState::Overdue { days: 21 }
        );
        assert_eq!(
            st(PlanStatus::InProgress, d(2026, 11, 22)),
            RowState::DueSoon { days: 0 }
        );
        assert_eq!(
            st(PlanStatus::Planned, d(2026, 12, 22)),
            RowState::DueSoon { days: 30 }
        );
        assert_eq!(st(PlanStatus::Planned, d(2026, 12, 23)), RowState::InTime);
    }

    #[test]
    fn status_codes_round_trip() {
        for s in PlanStatus::ALL {
            assert_eq!(PlanStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(PlanStatus::from_code("overdue"), None);
    }

    #[test]
    fn statuses_typed_in_russian_or_as_codes() {
        assert_eq!(PlanStatus::parse("Выполнено"), Some(PlanStatus::Done));
        assert_eq!(
            PlanStatus::parse(" в  работе "),
            Some(PlanStatus::InProgress)
        );
        assert_eq!(
            PlanStatus::parse("запланировано"),
            Some(PlanStatus::Planned)
        );
        assert_eq!(PlanStatus::parse("отменено"), Some(PlanStatus::Cancelled));
        assert_eq!(
            PlanStatus::parse("in_progress"),
            Some(PlanStatus::InProgress)
        );
        assert_eq!(
            PlanStatus::parse("in-progress"),
            Some(PlanStatus::InProgress)
        );
        assert_eq!(PlanStatus::parse("готово"), None);
    }

    #[test]
    fn execution_rules() {
        let today = d(2026, 11, 22);
        let ok = check_execution(PlanStatus::Done, Some(today), "сделано", None, today);
        assert_eq!(ok, Ok(()));
        assert_eq!(
            check_execution(PlanStatus::Done, None, "сделано", None, today),
            Err(ExecutionError::DoneWithoutDate)
        );
        assert_eq!(
            check_execution(PlanStatus::Done, Some(today), "  ", None, today),
            Err(ExecutionError::DoneWithoutMeasures)
        );
        assert_eq!(
            check_execution(PlanStatus::Cancelled, None, "", Some(" "), today),
            Err(ExecutionError::CancelledWithoutReason)
        );
        let e = check_execution(PlanStatus::Done, Some(d(2026, 11, 23)), "x", None, today);
        assert_eq!(
            e.unwrap_err().to_string(),
            "фактическая дата 23.11.2026 позже сегодняшнего дня (22.11.2026); будущую дату записать нельзя"
        );
        assert_eq!(
            check_execution(PlanStatus::InProgress, None, "", None, today),
            Ok(())
        );
    }

    #[test]
    fn person_short_form() {
        let p = Person {
            last_name: "Иванова".into(),
            first_name: "Анна".into(),
            middle_name: "Петровна".into(),
            position: "директор".into(),
        };
        assert_eq!(p.short(), "Иванова А. П.");
    }

    #[test]
    fn a_new_row_is_numbered_in_its_section_or_straight_through() {
        // Worked out by hand from the rule: no rows → 1; «7» → 8 whatever the criterion;
        // sections «1.1», «1.2» beside «7» → the next of section k; «10.2» is not section 1.
        assert_eq!(next_row_number([], "К2"), "1");
        assert_eq!(next_row_number(["7"], "К2"), "8");
        assert_eq!(next_row_number(["7", "1.1", "1.2"], "К1"), "1.3");
        assert_eq!(next_row_number(["7", "1.1", "1.2"], "К3"), "3.1");
        assert_eq!(next_row_number(["1.9", "1.10", "10.2"], "К1"), "1.11");
        assert_eq!(next_row_number(["2", "а"], "К1"), "3");
        assert_eq!(next_row_number(["1.1"], "прочее"), "2");
    }
}
