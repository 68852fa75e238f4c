//! A short account of what a database holds, printed after `nok demo` and by `nok` alone.

use std::io::Write;
use std::process::ExitCode;

use crate::store::Db;
use chrono::NaiveDate;

use super::Context;
use crate::store;

/// `nok` without a command: the terminal UI on a terminal, else a summary.
pub fn run_default(ctx: &Context) -> anyhow::Result<ExitCode> {
    // A person at the terminal: the UI, which opens the database itself (once: each opening
    // reads the schema, and start-up is counted in milliseconds), or, where there is none yet,
    // makes one by its first-start form.
    if super::on_terminal() {
        let path = crate::service::session::work_db(ctx.db.clone())?;
        crate::tui::run(&path, ctx.today, ctx.ui)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (path, conn) = super::open_work_db(ctx)?;
    let mut out = super::out::stdout();
    line(&mut out, &format!("База: {}", path.display()))?;
    print(&mut out, &conn, ctx.today)?;
    line(
        &mut out,
        "Команды: nok demo, nok cycles, nok score --cycle N, nok check-db; справка: nok --help",
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn line(out: &mut dyn Write, text: &str) -> std::io::Result<()> {
    writeln!(out, "{text}")
}

/// 12345 → «12 345».
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Prints the summary of the database.
pub fn print(out: &mut dyn Write, conn: &Db, today: NaiveDate) -> anyhow::Result<()> {
    let s = store::summary::read(conn, today)?;
    if s.organizations == 0 && s.cycles == 0 {
        line(
            out,
            "  База пуста. Демонстрационные данные: nok demo (отдельная база, рабочую не затрагивает).",
        )?;
        return Ok(());
    }
    let years = match (s.first_year, s.last_year) {
        (Some(a), Some(b)) if a != b => format!(" ({a}–{b})"),
        (Some(a), _) => format!(" ({a})"),
        _ => String::new(),
    };
    writeln!(
        out,
        "  Регионов: {}; уполномоченных органов: {}; организаций: {}",
        s.regions,
        grouped(s.authorities),
        grouped(s.organizations)
    )?;
    writeln!(
        out,
        "  Циклов оценки: {}{years}; оценок организаций: {}; исходных значений: {}",
        grouped(s.cycles),
        grouped(s.memberships),
        grouped(s.input_values)
    )?;
    writeln!(
        out,
        "  Рассчитано: {}; не рассчитано из-за ошибок в данных: {}",
        grouped(s.scored),
        grouped(s.score_errors)
    )?;
    if let Some(year) = s.last_year
        && !s.latest_by_sector.is_empty()
    {
        let parts: Vec<String> = s
            .latest_by_sector
            .iter()
            .map(|(sector, n, mean)| {
                format!(
                    "{sector} {} ({} орг.)",
                    crate::domain::decimal::fixed(*mean, 2),
                    grouped(*n)
                )
            })
            .collect();
        writeln!(out, "  Средний балл S в {year} году: {}", parts.join("; "))?;
    }
    let status_name = |code: &str| {
        crate::domain::plan::PlanStatus::from_code(code)
            .map_or(code.to_string(), |s| s.name_ru().to_string())
    };
    let by_status: Vec<String> = s
        .plan_by_status
        .iter()
        .map(|(code, n)| format!("{} {}", status_name(code), grouped(*n)))
        .collect();
    writeln!(
        out,
        "  Недостатков: {}; строк планов по устранению: {} ({}); просрочено на {}: {}",
        grouped(s.shortcomings),
        grouped(s.plan_rows),
        by_status.join(", "),
        today.format("%d.%m.%Y"),
        grouped(s.plan_overdue)
    )?;
    writeln!(
        out,
        "  Планов уполномоченных органов: {} (мероприятий: {}, целевых показателей: {}); заседаний общественных советов: {}",
        grouped(s.workplans),
        grouped(s.workplan_items),
        grouped(s.target_indicators),
        grouped(s.council_meetings)
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1\u{a0}000");
        assert_eq!(grouped(-1234567), "-1\u{a0}234\u{a0}567");
    }
}
