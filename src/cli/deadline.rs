//! `nok deadline "TEXT" [--year YYYY] [--event ДД.ММ.ГГГГ]`: how a deadline phrase is read, and
//! what it comes to when the event a term counts from happened on a given day.

use std::io::Write;
use std::process::ExitCode;

use super::Context;
use crate::domain::calendar::Calendar;
use crate::domain::deadline::{
    Context as DueContext, Deadline, Events, Part, Resolution, TermUnit,
};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Срок, как он написан в плане, например «IV квартал 2017 г.»
    #[arg(value_name = "ТЕКСТ")]
    text: String,
    /// Год плана: им заполняется год, не указанный в тексте (иначе год не подставляется)
    #[arg(long, value_name = "ГГГГ", value_parser = parse_year)]
    year: Option<i32>,
    /// Дата события, от которого считается срок («после поступления информации…»): что будет,
    /// если оно произошло в этот день
    #[arg(long, value_name = "ДД.ММ.ГГГГ", value_parser = super::parse_date)]
    event: Option<chrono::NaiveDate>,
}

fn parse_year(text: &str) -> Result<i32, String> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1990..=2100).contains(y))
        .ok_or_else(|| format!("«{}» — не год; укажите год от 1990 до 2100", text.trim()))
}

fn ru(d: chrono::NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let dl = Deadline::parse(&args.text);
    let period = args.year.map(|y| (y, y));
    let mut events = Events::new();
    if let Some(date) = args.event {
        for part in &dl.parts {
            if let Part::AfterEvent { event, .. } = part {
                events.record(*event, date);
            }
        }
    }
    // An event given for a later day is a what-if: the term is counted as on that day.
    let today = args.event.map_or(ctx.today, |e| e.max(ctx.today));
    let due_ctx = DueContext {
        today,
        period,
        events: &events,
        calendar: None,
    };
    let mut out = super::out::stdout();
    writeln!(out, "Текст: {}", crate::domain::text::printable(&args.text))?;
    writeln!(out, "Вид: {}", dl.kind_ru())?;
    writeln!(
        out,
        "Прочтение: {}",
        crate::domain::text::printable(&dl.describe(period))
    )?;
    let today = ru(ctx.today);
    let line = match dl.resolve(&due_ctx) {
        Resolution::Due {
            current,
            all,
            recurring,
            awaiting,
        } => {
            let mut s = if all.len() == 1 {
                format!("Срок: {}", ru(current))
            } else {
                let list: Vec<String> = all.iter().map(|d| ru(*d)).collect();
                format!(
                    "Сроки: {}; на {today} действует {}",
                    list.join(", "),
                    ru(current)
                )
            };
            if recurring && period.is_none() {
                s.push_str(&format!(
                    " (год {} — год сегодняшней даты)",
                    ctx.today.format("%Y")
                ));
            }
            if let Some(e) = awaiting {
                s.push_str(&format!(
                    "; уточнится, когда будет записана дата события: {}",
                    e.name_ru()
                ));
            }
            s
        }
        Resolution::AwaitingEvent { event, .. } => format!(
            "Срок: ждет события — {}; дата события не записана",
            event.name_ru()
        ),
        Resolution::Continuous => "Срок: нет, мероприятие текущее".to_string(),
        Resolution::AsNeeded => "Срок: нет, по мере необходимости".to_string(),
        Resolution::Delegated => "Срок: по другому документу".to_string(),
        Resolution::NeedsYear => "Срок: год не указан; укажите год плана: --year ГГГГ".to_string(),
        Resolution::CalendarError(e) => format!("Срок: не вычислен — {e}"),
        Resolution::Unrecognised => "Срок: не распознан (текст сохраняется как есть)".to_string(),
        Resolution::Empty => "Срок: не указан".to_string(),
    };
    writeln!(out, "{line}")?;
    if let Some(note) = provisional_note(&dl, &due_ctx) {
        writeln!(out, "{note}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A warning when working days were counted through a year whose transfers of days off are
/// not in the calendar yet: the date may still move.
fn provisional_note(dl: &Deadline, ctx: &DueContext) -> Option<String> {
    let counts_working_days = dl.parts.iter().any(|p| {
        matches!(
            p,
            Part::AfterEvent {
                unit: TermUnit::WorkingDays,
                ..
            }
        )
    });
    if !counts_working_days {
        return None;
    }
    let Resolution::Due { all, .. } = dl.resolve(ctx) else {
        return None;
    };
    let calendar = Calendar::russia().ok()?;
    let year = all
        .iter()
        .map(chrono::Datelike::year)
        .find(|y| calendar.year(*y).is_some_and(|c| c.provisional))?;
    Some(format!(
        "Внимание: производственный календарь {year} года предварительный — постановления о \
         переносе выходных на {year} год во встроенном календаре nok еще нет; рабочие дни \
         посчитаны по ст. 112 ТК РФ, дата может сдвинуться"
    ))
}
