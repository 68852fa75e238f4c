//! `nok cycles`: the assessment cycles, the cycle id first; `nok cycles add`: a new cycle, as
//! the new-cycle form of «Сводка» makes it (through `service::new_cycle`).

use std::io::Write;
use std::process::ExitCode;

use super::Context;
use crate::domain::cycle::CycleStatus;
use crate::domain::sector::Sector;
use crate::service::new_cycle::{self, NewCycle};
use crate::service::table::{Cell, Format, Table};
use crate::store;

#[derive(Debug, clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_help_heading = "Команды"
)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Вид вывода: table — таблица для чтения, csv — для Excel
    #[arg(long, value_enum, default_value_t = Format::Table, value_name = "ВИД")]
    format: Format,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Создать цикл оценки (как форма нового цикла на «Сводке»); организации входят в него при
    /// загрузке исходных данных (nok import inputs --cycle НОМЕР) или с карточки
    #[command(help_template = super::LEAF_HELP)]
    Add(AddArgs),
}

#[derive(Debug, clap::Args)]
struct AddArgs {
    /// Год оценки (от 2013 до текущего + 2)
    #[arg(long, value_name = "ГОД")]
    year: i64,
    /// Сфера: social, health, culture, education (по-русски или номером 1–4, как в nok init); по
    /// умолчанию — сфера органа
    #[arg(long, value_name = "СФЕРА", value_parser = parse_sector)]
    sector: Option<Sector>,
    /// ИНН уполномоченного органа; по умолчанию — единственный орган базы
    #[arg(long, value_name = "ИНН")]
    authority: Option<String>,
    /// Статус: planned (запланирован), collecting (сбор сведений), approved (утвержден советом),
    /// published (опубликован)
    #[arg(long, value_name = "СТАТУС", default_value = "planned", value_parser = parse_status)]
    status: CycleStatus,
    /// Версия методики расчета; по умолчанию — новейшая
    #[arg(long, value_name = "ВЕРСИЯ")]
    methodology: Option<String>,
    /// Оператор (организация, проводящая сбор сведений)
    #[arg(long, value_name = "НАИМЕНОВАНИЕ")]
    operator: Option<String>,
    /// ИНН оператора (10 или 12 цифр)
    #[arg(long, value_name = "ИНН")]
    operator_inn: Option<String>,
    /// Номер договора с оператором
    #[arg(long, value_name = "НОМЕР")]
    contract: Option<String>,
    /// Дата договора (ДД.ММ.ГГГГ)
    #[arg(long, value_name = "ДД.ММ.ГГГГ", value_parser = super::parse_date)]
    contract_date: Option<chrono::NaiveDate>,
}

/// A sphere as `nok init --sector` takes it (a code, its Russian name or its number 1–4), with
/// the same message when it is unknown.
fn parse_sector(text: &str) -> Result<Sector, String> {
    let code = crate::service::init::Detail::Sector.check(text)?;
    Sector::parse(&code).ok_or_else(|| format!("сфера «{text}» неизвестна"))
}

fn parse_status(text: &str) -> Result<CycleStatus, String> {
    let t = text.trim().to_lowercase();
    CycleStatus::ALL
        .into_iter()
        .find(|s| s.code() == t || s.name_ru() == t)
        .ok_or_else(|| {
            format!(
                "статус «{text}» неизвестен: planned (запланирован), collecting (сбор сведений), \
                 approved (утвержден советом) или published (опубликован)"
            )
        })
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Some(Command::Add(a)) => add(ctx, a),
        None => list(ctx, args.format),
    }
}

fn add(ctx: &Context, a: &AddArgs) -> anyhow::Result<ExitCode> {
    let (_, conn) = super::open_work_db(ctx)?;
    let methods = crate::service::methodology::Methods::load()?;
    let asked = NewCycle {
        year: a.year,
        sector: a.sector,
        authority_inn: a.authority.clone(),
        status: a.status,
        methodology: a.methodology.clone(),
        operator_name: a.operator.clone(),
        operator_inn: a.operator_inn.clone(),
        contract_number: a.contract.clone(),
        contract_date: a.contract_date,
    };
    let made = new_cycle::create(&conn, &asked, &methods, ctx.today)?;
    writeln!(
        super::out::stdout(),
        "Цикл создан: {} ({} год, {}, {}, {}; методика {})",
        made.id,
        made.year,
        made.sector.name_ru(),
        made.authority,
        made.region,
        made.methodology
    )?;
    Ok(ExitCode::SUCCESS)
}

fn list(ctx: &Context, format: Format) -> anyhow::Result<ExitCode> {
    let (_, conn) = super::open_work_db(ctx)?;
    let mut table = Table::new(&[
        "Цикл",
        "Год",
        "Сфера",
        "Регион",
        "Уполномоченный орган",
        "Статус",
        "Организаций",
        "Средний S",
        "Расчет",
    ]);
    for c in store::cycles::list(&conn)? {
        table.push(vec![
            Cell::Int(c.id),
            Cell::Int(i64::from(c.year)),
            Cell::Text(c.sector.name_ru().to_string()),
            Cell::Text(c.region),
            Cell::Text(c.authority),
            Cell::Text(c.status.name_ru().to_string()),
            Cell::Int(c.orgs),
            c.mean_total.map_or(Cell::Empty, |m| Cell::Dec(m, 2)),
            Cell::Text(
                if c.scores_stale {
                    "устарел"
                } else {
                    "актуален"
                }
                .to_string(),
            ),
        ]);
    }
    table.write(format, &mut super::out::stdout())?;
    Ok(ExitCode::SUCCESS)
}
