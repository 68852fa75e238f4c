//! The command line: one file per subcommand; each parses, calls services and prints.
//! Exit codes: 0 — done, 1 — error, 2 — wrong usage.

mod backup;
mod check;
mod check_db;
mod cycles;
mod deadline;
mod demo;
mod export;
mod import;
mod plans;
mod publish;
mod receipt;
mod score;
mod summary;
mod survey;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::error::{ContextKind, ErrorKind};
use clap::{ArgAction, Parser, Subcommand};

const ROOT_HELP: &str = "\
{about-with-newline}
Использование: {usage}

Команды:
{subcommands}

Параметры:
{options}{after-help}";

const LEAF_HELP: &str = "\
{about-with-newline}
Использование: {usage}

Параметры:
{options}{after-help}";

/// nok — независимая оценка качества условий оказания услуг (НОК УОУ): организации, циклы
/// оценки, баллы и рейтинги, недостатки и планы по их устранению.
#[derive(Debug, Parser)]
#[command(
    name = "nok",
    version,
    help_template = ROOT_HELP,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    after_help = "Без команды nok открывает рабочую базу. База: --db, иначе переменная NOK_DB, \
иначе nok.sqlite в папке данных пользователя."
)]
pub struct Cli {
    /// Файл базы данных (иначе NOK_DB, иначе папка данных пользователя)
    #[arg(long, global = true, value_name = "ПУТЬ")]
    db: Option<PathBuf>,

    /// Считать сегодняшним днем эту дату (ДД.ММ.ГГГГ), для проверок «что если»
    #[arg(long, global = true, value_name = "ДД.ММ.ГГГГ", value_parser = parse_date)]
    today: Option<NaiveDate>,

    /// Включить мышь в интерфейсе (колесо прокручивает, щелчок выбирает); иначе текст можно
    /// выделять мышью. Также NOK_MOUSE=1 или mouse = true в ~/.config/nok/nok.toml
    #[arg(long, global = true)]
    mouse: bool,

    /// Показать справку
    #[arg(short = 'h', long, action = ArgAction::Help, global = true)]
    help: Option<bool>,

    /// Показать версию
    #[arg(short = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Открыть демонстрационную базу, построив ее при первом запуске
    #[command(help_template = LEAF_HELP)]
    Demo(demo::Args),
    /// Список циклов оценки (первая колонка — номер цикла)
    #[command(help_template = LEAF_HELP)]
    Cycles(cycles::Args),
    /// Пересчитать баллы цикла и показать рейтинг
    #[command(help_template = LEAF_HELP)]
    Score(score::Args),
    /// Проверить целостность и согласованность базы
    #[command(name = "check-db", help_template = LEAF_HELP)]
    CheckDb,
    /// Сделать резервную копию базы (можно, пока другие работают)
    #[command(help_template = LEAF_HELP)]
    Backup(backup::Args),
    /// Выгрузить пакет для bus.gov.ru или таблицу для Excel
    #[command(help_template = ROOT_HELP, subcommand_help_heading = "Команды")]
    Export(export::Args),
    /// Проверить пакет, архив или файл для bus.gov.ru перед загрузкой
    #[command(help_template = LEAF_HELP)]
    Check(check::Args),
    /// Прочитать протокол загрузки с bus.gov.ru и отметить принятые и отклоненные документы
    #[command(help_template = LEAF_HELP)]
    Receipt(receipt::Args),
    /// Загрузить организации, исходные данные, планы из CSV, xlsx или таблицы из документа
    #[command(help_template = ROOT_HELP)]
    Import(import::Args),
    /// Опубликовать результаты цикла: статический сайт для размещения на официальном сайте
    #[command(help_template = LEAF_HELP)]
    Publish(publish::Args),
    /// Показать, как прочитан срок исполнения, написанный словами
    #[command(help_template = LEAF_HELP)]
    Deadline(deadline::Args),
    /// Анкеты: предложения респондентов, число получателей услуг, проверка объема выборки
    #[command(help_template = ROOT_HELP, subcommand_required = true)]
    Survey(survey::Args),
    /// Планы: просроченное, статус исполнения строки плана
    #[command(help_template = ROOT_HELP, subcommand_required = true)]
    Plans(plans::Args),
}

/// What every command gets besides its own arguments.
pub(crate) struct Context {
    pub db: Option<PathBuf>,
    pub today: NaiveDate,
    pub ui: crate::tui::Options,
}

/// Parses a date typed as ДД.ММ.ГГГГ (also accepts ГГГГ-ММ-ДД).
pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%d.%m.%Y")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y-%m-%d"))
        .map_err(|_| format!("«{t}» — не дата; введите ДД.ММ.ГГГГ, например 01.12.2025"))
}

/// Runs `nok` with the process arguments and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    match run(cli) {
        Ok(code) => code,
        // The reader went away (`nok cycles | head`): stop quietly, as other tools do.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            // `{:#}` prints the whole chain: what failed, then why.
            let _ = writeln!(err, "ошибка: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = match crate::service::config::path() {
        Some(p) => crate::service::config::load(&p)?,
        None => crate::service::config::Config::default(),
    };
    let ctx = Context {
        db: cli.db,
        today: cli.today.unwrap_or_else(crate::service::session::today),
        ui: crate::tui::Options {
            mouse: cli.mouse
                || std::env::var("NOK_MOUSE").is_ok_and(|v| v == "1")
                || settings.mouse,
        },
    };
    match cli.command {
        None => summary::run_default(&ctx),
        Some(Command::Demo(args)) => demo::run(&ctx, &args),
        Some(Command::Cycles(args)) => cycles::run(&ctx, &args),
        Some(Command::Score(args)) => score::run(&ctx, &args),
        Some(Command::CheckDb) => check_db::run(&ctx),
        Some(Command::Backup(args)) => backup::run(&ctx, &args),
        Some(Command::Export(args)) => export::run(&ctx, &args),
        Some(Command::Check(args)) => check::run(&ctx, &args),
        Some(Command::Receipt(args)) => receipt::run(&ctx, &args),
        Some(Command::Import(args)) => import::run(&ctx, &args),
        Some(Command::Publish(args)) => publish::run(&ctx, &args),
        Some(Command::Deadline(args)) => deadline::run(&ctx, &args),
        Some(Command::Plans(args)) => plans::run(&ctx, &args),
        Some(Command::Survey(args)) => survey::run(&ctx, &args),
    }
}

/// Prints a clap error in Russian (help and version are printed as they are) and returns the
/// exit code: 0 for help and version, 2 for wrong usage.
fn usage_error(e: &clap::Error) -> ExitCode {
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let ctx = |k| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let arg = ctx(ContextKind::InvalidArg);
    let value = ctx(ContextKind::InvalidValue);
    let message = match e.kind() {
        ErrorKind::UnknownArgument => format!("неизвестный параметр {arg}"),
        ErrorKind::InvalidSubcommand => format!(
            "неизвестная команда «{}»",
            ctx(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::InvalidValue => {
            let valid = ctx(ContextKind::ValidValue);
            if value.is_empty() {
                format!("у параметра {arg} не указано значение")
            } else if valid.is_empty() {
                format!("недопустимое значение «{value}» у параметра {arg}")
            } else {
                format!("недопустимое значение «{value}» у параметра {arg}; допустимы: {valid}")
            }
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| s.to_string())
                .unwrap_or_default();
            format!("параметр {arg}: {why}")
        }
        ErrorKind::MissingRequiredArgument => {
            format!(
                "не указан обязательный параметр {}",
                ctx(ContextKind::InvalidArg)
            )
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "не указана команда".to_string()
        }
        ErrorKind::ArgumentConflict => format!(
            "параметр {arg} нельзя сочетать с {}",
            ctx(ContextKind::PriorArg)
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("неверное число значений у параметра {arg}")
        }
        _ => e.to_string(),
    };
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "ошибка: {message}\nСправка: nok --help");
    ExitCode::from(2)
}

/// Whether a person is at a terminal (both input and output), so the UI can open.
pub(crate) fn on_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Opens the existing working database (`--db`, `NOK_DB`, or the user's data folder).
pub(crate) fn open_work_db(ctx: &Context) -> anyhow::Result<(PathBuf, rusqlite::Connection)> {
    let path = crate::service::session::work_db(ctx.db.clone())?;
    if !path.exists() {
        anyhow::bail!(
            "база данных {} не найдена. Укажите файл: --db ПУТЬ или переменная NOK_DB; \
             демонстрационная база: nok demo",
            path.display()
        );
    }
    let conn = crate::store::open_existing(&path)?;
    Ok((path, conn))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn dates_parse_in_russian_form() {
        assert_eq!(
            parse_date("01.12.2025"),
            Ok(NaiveDate::from_ymd_opt(2025, 12, 1).unwrap())
        );
        assert!(parse_date("31.02.2025").unwrap_err().contains("ДД.ММ.ГГГГ"));
    }
}
