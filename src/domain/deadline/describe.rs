//! How a deadline was read, in Russian.

use chrono::NaiveDate;

use super::resolve::{recurrence_dates, span_end};
use super::{Deadline, Part, Per, Recurrence, Span, TermUnit};

const MONTHS_GEN: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

const MONTHS_NOM: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

/// «1 день», «2 дня», «5 дней».
pub(crate) fn plural(n: u32, one: &str, few: &str, many: &str) -> String {
    crate::domain::text::plural(u64::from(n), one, few, many)
}

fn ru(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

fn month_nom(m: u32) -> &'static str {
    MONTHS_NOM.get(m as usize - 1).copied().unwrap_or("?")
}

fn month_gen(m: u32) -> &'static str {
    MONTHS_GEN.get(m as usize - 1).copied().unwrap_or("?")
}

fn roman(n: u32) -> &'static str {
    ROMAN.get(n as usize - 1).copied().unwrap_or("?")
}

fn per_gen(per: Per) -> &'static str {
    match per {
        Per::Month => "месяца",
        Per::Quarter => "квартала",
        Per::HalfYear => "полугодия",
        Per::Year => "года",
    }
}

fn per_acc(per: Per) -> &'static str {
    match per {
        Per::Month => "месяц",
        Per::Quarter => "квартал",
        Per::HalfYear => "полугодие",
        Per::Year => "год",
    }
}

/// The year as read, or taken from the plan, or «год не указан».
fn year_note(year: Option<i32>, period: Option<(i32, i32)>) -> (Option<i32>, &'static str) {
    match (year, period) {
        (Some(y), _) => (Some(y), ""),
        (None, Some((y, _))) => (Some(y), " (год взят из плана)"),
        (None, None) => (None, " (год не указан: он берется из года плана)"),
    }
}

fn span_text(span: Span) -> String {
    match span {
        Span::Months(a, b) if a == b => month_nom(a).to_string(),
        Span::Months(a, b) => format!("{} – {}", month_nom(a), month_nom(b)),
        Span::Quarters(a, b) if a == b => format!("{} квартал", roman(a)),
        Span::Quarters(a, b) => format!("{}–{} кварталы", roman(a), roman(b)),
        Span::HalfYears(a, b) if a == b => format!("{} полугодие", roman(a)),
        Span::HalfYears(a, b) => format!("{}–{} полугодия", roman(a), roman(b)),
        Span::Year => "до конца года".to_string(),
    }
}

fn span_start(span: Span, year: i32) -> Option<NaiveDate> {
    let month = match span {
        Span::Months(a, _) => a,
        Span::Quarters(a, _) => (a - 1) * 3 + 1,
        Span::HalfYears(a, _) => (a - 1) * 6 + 1,
        Span::Year => 1,
    };
    NaiveDate::from_ymd_opt(year, month, 1)
}

fn is_range(span: Span) -> bool {
    match span {
        Span::Months(a, b) | Span::Quarters(a, b) | Span::HalfYears(a, b) => a != b,
        Span::Year => false,
    }
}

fn unit_text(amount: u32, unit: TermUnit) -> String {
    match unit {
        TermUnit::Days => plural(amount, "день", "дня", "дней"),
        TermUnit::WorkingDays => plural(amount, "рабочий день", "рабочих дня", "рабочих дней"),
        TermUnit::Weeks => plural(amount, "неделя", "недели", "недель"),
        TermUnit::Months => plural(amount, "месяц", "месяца", "месяцев"),
    }
}

fn part_text(part: &Part, period: Option<(i32, i32)>) -> String {
    match part {
        Part::Continuous => "постоянно: единого срока нет, мероприятие текущее".to_string(),
        Part::AsNeeded => "по мере необходимости: срока нет".to_string(),
        Part::AfterDate {
            amount,
            unit,
            day,
            month,
            year,
        } => {
            let (y, note) = year_note(*year, period);
            let from = match y.and_then(|y| NaiveDate::from_ymd_opt(y, *month, *day)) {
                Some(d) => format!("{}{note}", ru(d)),
                None => format!("{day} {}{note}", month_gen(*month)),
            };
            if *amount == 0 {
                format!("после {from}: срок считается с этой даты")
            } else {
                format!("{} после {from}", unit_text(*amount, *unit))
            }
        }
        Part::Date { day, month, year } => match year_note(*year, period) {
            (Some(y), note) => match NaiveDate::from_ymd_opt(y, *month, *day) {
                Some(d) => format!("к дате {}{note}", ru(d)),
                None => format!("{day} {} {y} — такой даты нет", month_gen(*month)),
            },
            (None, note) => format!("к {day} {}{note}", month_gen(*month)),
        },
        Part::Within { span, year } => {
            let (y, note) = year_note(*year, period);
            match y {
                Some(y) => {
                    let due = span_end(*span, y).map_or(String::new(), ru);
                    let label = if *span == Span::Year {
                        format!("до конца {y} года")
                    } else {
                        format!("{} {y} г.", span_text(*span))
                    };
                    let start = if is_range(*span) {
                        span_start(*span, y).map_or(String::new(), |s| format!(", с {}", ru(s)))
                    } else {
                        String::new()
                    };
                    format!("{label}{note}{start}: срок — последний день, {due}")
                }
                None => format!("{}{note}", span_text(*span)),
            }
        }
        Part::Years { from, to } => {
            let label = if from == to {
                format!("{from} год")
            } else {
                format!("{from}–{to} годы, с 01.01.{from}")
            };
            format!("{label}: срок — конец периода, 31.12.{to}")
        }
        Part::Recurring(r) => recurring_text(*r, period),
        Part::AfterEvent {
            amount,
            unit,
            event,
            phrase,
        } => {
            let what = if phrase.is_empty() {
                event.name_ru().to_string()
            } else {
                format!("{} («{phrase}»)", event.name_ru())
            };
            format!(
                "{} после события: {what}; срок определится, когда будет записана дата события",
                unit_text(*amount, *unit)
            )
        }
        Part::Delegated { phrase } => {
            format!("сроки установлены другим документом («{phrase}»)")
        }
    }
}

fn recurring_text(r: Recurrence, period: Option<(i32, i32)>) -> String {
    let base = match r {
        Recurrence::Every(Per::Year) => "ежегодно: до 31 декабря каждого года".to_string(),
        Recurrence::Every(per) => {
            let word = match per {
                Per::Month => "ежемесячно",
                Per::Quarter => "ежеквартально",
                Per::HalfYear => "раз в полугодие",
                Per::Year => "ежегодно",
            };
            format!("{word}: срок — последний день каждого {}", per_gen(per))
        }
        Recurrence::AtLeast { times, per } => format!(
            "не реже {} в {}: число проверяется по итогам каждого {}",
            plural(times, "раза", "раз", "раз"),
            per_acc(per),
            per_gen(per)
        ),
        Recurrence::YearlyOn { month, day } => {
            format!("ежегодно до {day} {}", month_gen(month))
        }
        Recurrence::YearlyQuarter(q) => format!(
            "ежегодно в {} квартале: срок — последний день квартала",
            roman(q)
        ),
        Recurrence::MonthlyOn { day } => format!("ежемесячно до {day} числа каждого месяца"),
        Recurrence::Following {
            per: Per::Year,
            month,
            day,
        } => format!(
            "до {day} {} года, следующего за отчетным (за каждый год плана)",
            month_gen(month.unwrap_or(1))
        ),
        Recurrence::Following { per, day, .. } => format!(
            "до {day} числа месяца, следующего за каждым отчетным {}",
            match per {
                Per::Month => "месяцем",
                Per::Quarter => "кварталом",
                Per::HalfYear => "полугодием",
                Per::Year => "годом",
            }
        ),
    };
    match period {
        Some((a, b)) => {
            let n: usize = (a..=b.min(a + 100))
                .map(|y| recurrence_dates(r, y).len())
                .sum();
            let years = if a == b {
                format!("{a} год")
            } else {
                format!("{a}–{b} годы")
            };
            format!("{base} (за {years} сроков: {n})")
        }
        None => base,
    }
}

fn part_kind(part: &Part) -> &'static str {
    match part {
        Part::Continuous => "постоянно",
        Part::AsNeeded => "по мере необходимости",
        Part::Date { .. } | Part::AfterDate { .. } => "дата",
        Part::Within { .. } | Part::Years { .. } => "период",
        Part::Recurring(_) => "периодически",
        Part::AfterEvent { .. } => "от события",
        Part::Delegated { .. } => "по другому плану",
    }
}

pub(super) fn kind_ru(d: &Deadline) -> String {
    if !d.is_recognised() {
        return if d.is_empty() {
            "не указан".into()
        } else {
            "не распознан".into()
        };
    }
    let mut kinds: Vec<&str> = Vec::new();
    for p in &d.parts {
        let k = part_kind(p);
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    if kinds.len() == 1 && d.parts.len() > 1 {
        return format!("{}: {} срока", kinds[0], d.parts.len());
    }
    kinds.join(" + ")
}

pub(super) fn describe(d: &Deadline, period: Option<(i32, i32)>) -> String {
    if let Some(why) = &d.problem {
        return format!("срок не распознан: «{}» — {why}", d.text.trim());
    }
    if d.parts.is_empty() {
        return if d.is_empty() {
            "срок не указан".to_string()
        } else {
            format!("срок не распознан: «{}»", d.text.trim())
        };
    }
    if !d.unread.is_empty() {
        let read = d
            .parts
            .iter()
            .map(|p| part_text(p, period))
            .collect::<Vec<_>>()
            .join("; ");
        return format!(
            "срок не распознан: «{}» — не понято: «{}» (прочитано только: {read})",
            d.text.trim(),
            d.unread.join(" ")
        );
    }
    d.parts
        .iter()
        .map(|p| part_text(p, period))
        .collect::<Vec<_>>()
        .join("; ")
}
