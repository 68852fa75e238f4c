//! `nok plans overdue`, `nok plans status` and `nok plans approved`: what is overdue, recording
//! a plan row's execution, and the day an organization's plan was approved. Both writes go
//! through `service::write` (the same functions the terminal UI uses).

use std::io::Write;
use std::process::ExitCode;

use super::Context;
use crate::domain::plan::PlanStatus;
use crate::service::table::{Cell, Format, Table};
use crate::service::write::StatusChange;
use crate::store::overdue::{self, Filter};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Просроченные строки планов организаций и мероприятия планов органа
    #[command(help_template = super::LEAF_HELP)]
    Overdue(OverdueArgs),
    /// Записать статус исполнения строки плана
    #[command(help_template = super::LEAF_HELP)]
    Status(StatusArgs),
    /// Записать дату утверждения плана организации по циклу (от нее считаются сроки «после
    /// утверждения плана»)
    #[command(help_template = super::LEAF_HELP)]
    Approved(ApprovedArgs),
}

#[derive(Debug, clap::Args)]
struct ApprovedArgs {
    /// Цикл (номер — первая колонка nok cycles)
    #[arg(long, value_name = "ID")]
    cycle: i64,
    /// ИНН организации
    #[arg(long, value_name = "ИНН")]
    org: String,
    /// Дата утверждения плана (ДД.ММ.ГГГГ), не позже сегодняшней
    #[arg(long, value_name = "ДД.ММ.ГГГГ", value_parser = super::parse_date)]
    date: chrono::NaiveDate,
}

#[derive(Debug, clap::Args)]
struct OverdueArgs {
    /// Только этот цикл (номер — первая колонка nok cycles)
    #[arg(long, value_name = "ID")]
    cycle: Option<i64>,
    /// Только организация (или орган) с этим ИНН
    #[arg(long, value_name = "ИНН")]
    org: Option<String>,
    /// Вид вывода: table — таблица для чтения, csv — для Excel
    #[arg(long, value_enum, default_value_t = Format::Table, value_name = "ВИД")]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct StatusArgs {
    /// Номер строки плана (колонка «Строка» вывода nok plans overdue)
    #[arg(value_name = "СТРОКА")]
    row: i64,
    /// Статус: запланировано, в работе, выполнено, отменено (или planned, in_progress, done,
    /// cancelled)
    #[arg(value_name = "СТАТУС", value_parser = parse_status)]
    status: PlanStatus,
    /// Фактическая дата реализации (ДД.ММ.ГГГГ); нужна для «выполнено»
    #[arg(long, value_name = "ДД.ММ.ГГГГ", value_parser = super::parse_date)]
    date: Option<chrono::NaiveDate>,
    /// Реализованные меры; нужны для «выполнено»
    #[arg(long, value_name = "ТЕКСТ")]
    measures: Option<String>,
    /// Причина отмены; нужна для «отменено»
    #[arg(long, value_name = "ТЕКСТ")]
    reason: Option<String>,
}

fn parse_status(text: &str) -> Result<PlanStatus, String> {
    PlanStatus::parse(text).ok_or_else(|| {
        format!(
            "неизвестный статус «{}»; допустимы: запланировано, в работе, выполнено, отменено",
            text.trim()
        )
    })
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Command::Overdue(a) => overdue(ctx, a),
        Command::Status(a) => status(ctx, a),
        Command::Approved(a) => approved(ctx, a),
    }
}

fn approved(ctx: &Context, args: &ApprovedArgs) -> anyhow::Result<ExitCode> {
    use crate::service::write;
    if args.date > ctx.today {
        anyhow::bail!(
            "дата {} позже сегодняшнего дня ({}); запишите утверждение, когда оно состоится",
            args.date.format("%d.%m.%Y"),
            ctx.today.format("%d.%m.%Y")
        );
    }
    let (_, conn) = super::open_work_db(ctx)?;
    if crate::store::cycles::get(&conn, args.cycle)?.is_none() {
        anyhow::bail!(
            "цикл {} не найден; номера циклов — в первой колонке nok cycles",
            args.cycle
        );
    }
    let Some((membership, org)) =
        crate::store::cycles::membership_by_inn(&conn, args.cycle, args.org.trim())?
    else {
        anyhow::bail!(
            "организации с ИНН {} в цикле {} нет; список — nok export table rating --cycle {}",
            args.org.trim(),
            args.cycle,
            args.cycle
        );
    };
    let Some(approval) = write::plan_approval(&conn, membership)? else {
        anyhow::bail!("организация выбыла из цикла, пока шла запись; повторите команду");
    };
    let before = approval
        .approved_on
        .map_or("—".to_string(), |d| d.format("%d.%m.%Y").to_string());
    write::approve_plan(
        &conn,
        &approval,
        args.date,
        &format!("план «{org}» по циклу {} утвержден", args.cycle),
    )?;
    writeln!(
        super::out::stdout(),
        "План «{}» по циклу {}: утвержден {} (было: {before})",
        crate::domain::text::printable(&org),
        args.cycle,
        args.date.format("%d.%m.%Y")
    )?;
    Ok(ExitCode::SUCCESS)
}

fn overdue(ctx: &Context, args: &OverdueArgs) -> anyhow::Result<ExitCode> {
    let (_, conn) = super::open_work_db(ctx)?;
    if let Some(inn) = &args.org
        && !((inn.len() == 10 || inn.len() == 12) && inn.bytes().all(|b| b.is_ascii_digit()))
    {
        anyhow::bail!("ИНН «{inn}» — нужно 10 цифр (организация) или 12 (ИП)");
    }
    if let Some(id) = args.cycle
        && crate::store::cycles::get(&conn, id)?.is_none()
    {
        anyhow::bail!("цикл {id} не найден; номера циклов — в первой колонке nok cycles");
    }
    let filter = Filter {
        cycle: args.cycle,
        inn: args.org.clone(),
    };
    let rows = overdue::list(&conn, &filter, ctx.today)?;
    let mut table = Table::new(&[
        "Дней",
        "Срок",
        "Откуда",
        "Строка",
        "Организация",
        "ИНН",
        "Год",
        "№",
        "Мероприятие",
        "Срок в плане",
        "Ответственный",
    ]);
    for r in &rows {
        table.push(vec![
            Cell::Int(r.days),
            Cell::Date(r.due),
            Cell::Text(r.source.name_ru().to_string()),
            Cell::Int(r.id),
            Cell::Text(r.org.clone()),
            Cell::Text(r.inn.clone()),
            Cell::Text(r.year.clone()),
            Cell::Text(r.number.clone()),
            Cell::Text(r.measure.clone()),
            Cell::Text(r.deadline.clone()),
            Cell::Text(r.responsible.clone()),
        ]);
    }
    let mut out = super::out::stdout();
    if args.format == Format::Table {
        let plan_rows = rows
            .iter()
            .filter(|r| r.source == overdue::Source::PlanRow)
            .count();
        writeln!(
            out,
            "Просрочено на {}: строк планов организаций — {plan_rows}, мероприятий планов органа — {}",
            ctx.today.format("%d.%m.%Y"),
            rows.len() - plan_rows
        )?;
    }
    table.write(args.format, &mut out)?;
    Ok(ExitCode::SUCCESS)
}

fn status(ctx: &Context, args: &StatusArgs) -> anyhow::Result<ExitCode> {
    let (_, mut conn) = super::open_work_db(ctx)?;
    let applied = crate::service::write::set_plan_status(
        &mut conn,
        &StatusChange {
            row: args.row,
            status: args.status,
            actual_date: args.date,
            implemented_measures: args.measures.clone(),
            cancel_reason: args.reason.clone(),
        },
        ctx.today,
    )?;
    let mut out = super::out::stdout();
    if applied.changes.is_empty() {
        writeln!(
            out,
            "Строка плана {}: без изменений (статус «{}» уже записан)",
            applied.row,
            args.status.name_ru()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "Строка плана {}: записано (версия {}), журнал изменений:",
        applied.row, applied.version
    )?;
    for (field, old, new) in &applied.changes {
        use crate::domain::field_names::{field_ru, value_ru};
        let show = |v: &Option<String>| match v.as_deref() {
            None | Some("") => "—".to_string(),
            Some(s) => crate::domain::text::printable(&value_ru(field, s)).into_owned(),
        };
        writeln!(out, "  {}: {} → {}", field_ru(field), show(old), show(new))?;
    }
    Ok(ExitCode::SUCCESS)
}
