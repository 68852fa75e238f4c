//! `nok export busgov …` (a package for bus.gov.ru) and `nok export table …` (a table for Excel).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use indicatif::{ProgressBar, ProgressStyle};

use super::Context;
use crate::exchange::busgov::Kind;
use crate::service::export::busgov::{self, Options, Progress};
use crate::service::export::table::{self, FileFormat, TableKind};
use crate::service::methodology::Methods;

/// The folder packages and tables go into by default.
pub const DEFAULT_DIR: &str = "exports";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// Пакет для bus.gov.ru: по файлу XML на организацию и вид документа, манифест и zip-архив
    #[command(help_template = super::LEAF_HELP)]
    Busgov(BusgovArgs),
    /// Таблица для Excel: рейтинг, показатели, планы, просроченные строки планов, шаблон
    /// исходных данных
    #[command(help_template = super::LEAF_HELP)]
    Table(TableArgs),
}

/// Which documents go into the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum KindArg {
    /// Результаты независимой оценки
    Results,
    /// Планы по устранению недостатков и их выполнение в формате портала (ТФФ 1.8.3)
    Plan,
    /// Результаты и планы (то, что принимает портал)
    All,
    /// План в собственном формате nok (nokPlan; портал его не читает)
    #[value(name = "nok-plan")]
    NokPlan,
    /// Отчет о выполнении плана в собственном формате nok (nokReport; портал его не читает)
    #[value(name = "nok-report")]
    NokReport,
}

#[derive(Debug, clap::Args)]
pub struct BusgovArgs {
    /// Номер цикла (первая колонка nok cycles)
    #[arg(long, value_name = "ID")]
    cycle: i64,
    /// Какие документы: results, plan (план и его выполнение в формате портала), all (results и plan); nok-plan, nok-report — прежние документы в собственном формате nok; несколько — через запятую
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [KindArg::All], value_name = "ВИД", hide_possible_values = true)]
    kind: Vec<KindArg>,
    /// Папка, в которой создается пакет (по умолчанию exports)
    #[arg(long, value_name = "ПАПКА")]
    out: Option<PathBuf>,
    /// Только документы, изменившиеся с прошлой выгрузки
    #[arg(long)]
    changed_only: bool,
}

#[derive(Debug, clap::Args)]
pub struct TableArgs {
    /// Таблица: rating, indicators, plans, overdue или template (шаблон исходных данных цикла:
    /// строка на организацию, колонка на показатель; заполненный загружается nok import inputs)
    #[arg(value_enum, value_name = "ТАБЛИЦА", hide_possible_values = true)]
    table: TableKind,
    /// Номер цикла (первая колонка nok cycles)
    #[arg(long, value_name = "ID")]
    cycle: i64,
    /// Формат: csv (для Excel) или xlsx
    #[arg(long, value_enum, default_value_t = FileFormat::Csv, value_name = "ФОРМАТ", hide_possible_values = true)]
    format: FileFormat,
    /// Файл (по умолчанию exports/ТАБЛИЦА_cycleID.csv или .xlsx, шаблон — exports/исходные-данные-цикл-ID.csv; «-» — вывести CSV на экран)
    #[arg(long, value_name = "ФАЙЛ")]
    out: Option<PathBuf>,
    /// Заменить файл --out, если он уже есть (файл в exports заменяется и без этого)
    #[arg(long)]
    force: bool,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.what {
        What::Busgov(a) => run_busgov(ctx, a),
        What::Table(a) => run_table(ctx, a),
    }
}

fn run_busgov(ctx: &Context, args: &BusgovArgs) -> anyhow::Result<ExitCode> {
    let (_, mut conn) = super::open_work_db(ctx)?;
    let methods = Methods::load()?;
    let mut kinds: Vec<Kind> = args
        .kind
        .iter()
        .flat_map(|k| match k {
            KindArg::Results => vec![Kind::Results],
            KindArg::Plan => vec![Kind::PortalPlan],
            KindArg::All => vec![Kind::Results, Kind::PortalPlan],
            KindArg::NokPlan => vec![Kind::Plan],
            KindArg::NokReport => vec![Kind::Report],
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    let opts = Options {
        cycle_id: args.cycle,
        kinds,
        out_dir: args
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DIR)),
        changed_only: args.changed_only,
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("Выгрузка для bus.gov.ru [{bar:40}] {pos}/{len} ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar
    });
    let mut on_progress = |p: Progress| {
        if let Some(bar) = &bar {
            bar.set_length(p.total);
            bar.set_position(p.done);
        }
    };
    let never = AtomicBool::new(false);
    let outcome = busgov::export(&mut conn, &methods, &opts, &never, &mut on_progress)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let mut out = super::out::stdout();
    let [r, nok_plan, nok_report, p] = outcome.written;
    match &outcome.paths {
        Some(paths) => {
            writeln!(out, "Пакет: {}", paths.dir.display())?;
            writeln!(out, "Архив: {}", paths.zip.display())?;
            let mut kinds = format!("результаты {r}, планы {p}");
            if nok_plan + nok_report > 0 {
                kinds.push_str(&format!(
                    ", планы nokPlan {nok_plan}, отчеты nokReport {nok_report}"
                ));
            }
            writeln!(
                out,
                "Документов: {} ({kinds}); впервые {}, новых версий {}",
                r + p + nok_plan + nok_report,
                outcome.first_time,
                outcome.new_versions
            )?;
        }
        None => writeln!(out, "Пакет не создан: нечего выгружать")?,
    }
    if outcome.unchanged > 0 {
        writeln!(
            out,
            "Без изменений с прошлой выгрузки, пропущено: {}",
            outcome.unchanged
        )?;
    }
    let mut err = super::out::stderr();
    // The portal's plans left out for want of data make the exit code 1: someone has to fill
    // in what is named.
    let plans_left_out = outcome.skipped.iter().any(|s| s.kind == Kind::PortalPlan);
    if outcome.skipped_total > 0 {
        writeln!(
            err,
            "Не выгружено (нет данных), документов: {}",
            outcome.skipped_total
        )?;
        for s in &outcome.skipped {
            writeln!(
                err,
                "  {} — {} (ИНН {}): {}",
                s.kind.name_ru(),
                crate::domain::text::printable(&s.organization),
                s.inn,
                s.why
            )?;
        }
        if outcome.skipped_total > outcome.skipped.len() as u64 {
            writeln!(
                err,
                "  … и еще {}",
                outcome.skipped_total - outcome.skipped.len() as u64
            )?;
        }
    }
    if outcome.invalid_total > 0 {
        writeln!(
            err,
            "Не прошли проверку правил портала и не включены в пакет: {}",
            outcome.invalid_total
        )?;
        for i in &outcome.invalid {
            writeln!(
                err,
                "  {} ({})",
                i.file,
                crate::domain::text::printable(&i.organization)
            )?;
            for v in &i.violations {
                super::check::print_violation(&mut err, "    ", v)?;
            }
        }
        return Ok(ExitCode::from(1));
    }
    if plans_left_out {
        writeln!(
            err,
            "Планы, не попавшие в пакет, выгрузятся, когда будут заполнены названные поля (карточка организации → Enter — план → r — заголовок плана; строки плана — там же)."
        )?;
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn run_table(ctx: &Context, args: &TableArgs) -> anyhow::Result<ExitCode> {
    // A file the person named is replaced only with --force; nothing but a regular file ever.
    if let Some(p) = args.out.as_ref().filter(|p| p.as_os_str() != "-") {
        crate::store::target::check(p, args.force)?;
    }
    let (_, conn) = super::open_work_db(ctx)?;
    let methods = Methods::load()?;
    let path = match &args.out {
        Some(p) if p.as_os_str() == "-" => None,
        Some(p) => Some(p.clone()),
        None => {
            let dir = PathBuf::from(DEFAULT_DIR);
            std::fs::create_dir_all(&dir)?;
            let p = table::default_path(&dir, args.table, args.cycle, args.format);
            crate::store::target::check(&p, true)?;
            Some(p)
        }
    };
    let written = table::write(
        &conn,
        &methods,
        args.table,
        args.cycle,
        ctx.today,
        args.format,
        path.as_deref(),
    )?;
    if let Some(p) = written.path {
        let mut out = super::out::stdout();
        writeln!(out, "{} — строк: {}", p.display(), written.rows)?;
    }
    Ok(ExitCode::SUCCESS)
}
