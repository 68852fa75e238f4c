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
mod init;
mod out;
mod plans;
mod publish;
mod receipt;
mod report;
mod score;
mod summary;
mod survey;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::error::{ContextKind, ErrorKind};
use clap::{ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};

/// The help of a command with subcommands; clap's English headings and words are put into
/// Russian when the help is printed ([`russian_help`]).
const ROOT_HELP: &str = "\
{about-with-newline}
Использование: {usage}

{all-args}{after-help}";

/// The help of a command without subcommands: arguments, then options.
const LEAF_HELP: &str = ROOT_HELP;

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
    /// Создать рабочую базу уполномоченного органа (пустую, с его реквизитами)
    #[command(
        help_template = LEAF_HELP,
        after_help = "В терминале недостающие реквизиты спрашиваются по одному (неверные — еще \
раз, с причиной); без терминала нужны все параметры. Существующий файл не трогается. Дальше: \
nok import orgs ФАЙЛ, затем nok в терминале — «Сводка» ведет по шагам."
    )]
    Init(init::Args),
    /// Открыть демонстрационную базу, построив ее при первом запуске
    #[command(help_template = LEAF_HELP)]
    Demo(demo::Args),
    /// Список циклов оценки (первая колонка — номер цикла); nok cycles add — новый цикл
    #[command(help_template = ROOT_HELP)]
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
    /// Документы Word: отчет оператора, планы мероприятий по форме, решение общественного совета
    #[command(help_template = ROOT_HELP, subcommand_required = true)]
    Report(report::Args),
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
    let cli = match with_input_keys(Cli::command())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    match run(cli) {
        Ok(code) => code,
        // The reader went away (`nok cycles | head`): stop quietly, as other tools do.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let mut err = out::stderr();
            // The whole chain: what failed, then why.
            let _ = writeln!(err, "ошибка: {}", error_ru(&e));
            ExitCode::from(1)
        }
    }
}

/// An error and its causes on one line, each cause in Russian: the errors of the system, of
/// SQLite, of the zip, CSV, XML and spreadsheet readers are put into words here (their own texts
/// are English); the project's own errors are Russian already. A cause whose words the line
/// already holds is not repeated.
pub(crate) fn error_ru(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause_ru(cause);
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    system_texts_ru(&line)
}

/// A system error a library put into its own text («No such file or directory (os error 2)»)
/// is replaced with its Russian description.
fn system_texts_ru(text: &str) -> String {
    let mut out = text.to_string();
    let mut from = 0;
    while let Some(at) = out[from..].find("(os error ").map(|i| i + from) {
        let digits: String = out[at + 10..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        from = at + 10;
        let Ok(code) = digits.parse::<i32>() else {
            continue;
        };
        let e = std::io::Error::from_raw_os_error(code);
        let english = e.to_string();
        if let Some(start) = out.find(&english) {
            let ru = crate::domain::io_error::describe(&e);
            out.replace_range(start..start + english.len(), &ru);
            from = start + ru.len();
        }
    }
    out
}

fn cause_ru(cause: &(dyn std::error::Error + 'static)) -> String {
    if let Some(io) = cause.downcast_ref::<std::io::Error>() {
        // An io::Error may only wrap another error (a reader's): say that one.
        if let Some(inner) = io.get_ref()
            && io.raw_os_error().is_none()
            && !inner.is::<std::io::Error>()
        {
            let text = cause_ru(inner);
            if !text.is_empty() {
                return text;
            }
        }
        return crate::domain::io_error::describe(io);
    }
    if let Some(text) = crate::store::describe(cause) {
        return text;
    }
    if let Some(z) = cause.downcast_ref::<zip::result::ZipError>() {
        return crate::exchange::busgov::check::zip_error_ru(z);
    }
    if let Some(c) = cause.downcast_ref::<csv::Error>() {
        return match c.kind() {
            csv::ErrorKind::Io(io) => crate::domain::io_error::describe(io),
            csv::ErrorKind::Utf8 { .. } => "текст не в кодировке UTF-8".into(),
            csv::ErrorKind::UnequalLengths { .. } => "в строках CSV разное число полей".into(),
            _ => "файл CSV не читается".into(),
        };
    }
    if cause.downcast_ref::<quick_xml::Error>().is_some() {
        return "файл не является правильным XML".into();
    }
    if cause.downcast_ref::<calamine::Error>().is_some()
        || cause.downcast_ref::<calamine::XlsxError>().is_some()
    {
        return "книга Excel не читается (файл поврежден или это не xlsx)".into();
    }
    if cause.downcast_ref::<std::num::ParseIntError>().is_some() {
        return "не целое число".into();
    }
    if cause.downcast_ref::<std::num::ParseFloatError>().is_some() {
        return "не число".into();
    }
    if cause.downcast_ref::<std::str::Utf8Error>().is_some()
        || cause.downcast_ref::<std::string::FromUtf8Error>().is_some()
    {
        return "текст не в кодировке UTF-8".into();
    }
    cause.to_string()
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(is_pipe)
}

/// Whether `e` is a closed pipe, also when wrapped in an I/O or a CSV error.
fn is_pipe(e: &(dyn std::error::Error + 'static)) -> bool {
    if let Some(io) = e.downcast_ref::<std::io::Error>() {
        return io.kind() == std::io::ErrorKind::BrokenPipe
            || io.get_ref().is_some_and(|inner| is_pipe(inner));
    }
    if let Some(c) = e.downcast_ref::<csv::Error>() {
        return matches!(c.kind(), csv::ErrorKind::Io(io) if is_pipe(io));
    }
    false
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
        Some(Command::Init(args)) => init::run(&ctx, &args),
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
        Some(Command::Report(args)) => report::run(&ctx, &args),
    }
}

/// `nok import inputs --help` lists the input keys (the file's columns) of the built-in
/// methodology, sector by sector.
fn with_input_keys(cmd: clap::Command) -> clap::Command {
    let Ok(methods) = crate::service::methodology::Methods::builtin() else {
        return cmd;
    };
    let m = methods.latest();
    let mut text = format!(
        "Колонки файла: ИНН (или КПП, код по Сводному реестру) и ключи исходных данных методики {}:",
        m.version
    );
    for sector in crate::domain::sector::Sector::ALL {
        text.push_str(&format!("\n\n{} ({}):\n", sector.name_ru(), sector.code()));
        let mut line = String::from(" ");
        for key in m.input_keys(sector) {
            if line.chars().count() + key.len() > 98 {
                text.push_str(line.trim_end_matches(','));
                text.push_str(",\n");
                line = String::from(" ");
            }
            line.push(' ');
            line.push_str(key);
            line.push(',');
        }
        text.push_str(line.trim_end_matches(','));
    }
    cmd.mut_subcommand("import", |c| {
        c.mut_subcommand("inputs", |c| c.after_long_help(text))
    })
}

/// Prints a clap error in Russian (help and version are printed as they are) and returns the
/// exit code: 0 for help and version, 2 for wrong usage.
fn usage_error(e: &clap::Error) -> ExitCode {
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let text = russian_help(&e.render().to_string());
        let _ = out::stdout().write_all(text.as_bytes());
        return ExitCode::SUCCESS;
    }
    let ctx = |k| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let arg = ctx(ContextKind::InvalidArg);
    let value = ctx(ContextKind::InvalidValue);
    // clap's «did you mean» (a near-miss: `nok cycle` → cycles, `--cycel` → --cycle).
    let suggestion = |kind| match ctx(kind) {
        s if s.is_empty() => String::new(),
        s => format!("; возможно, имелось в виду «{s}»"),
    };
    let message = match e.kind() {
        ErrorKind::UnknownArgument => format!(
            "неизвестный параметр {arg}{}",
            suggestion(ContextKind::SuggestedArg)
        ),
        ErrorKind::InvalidSubcommand => format!(
            "неизвестная команда «{}»{}",
            ctx(ContextKind::InvalidSubcommand),
            suggestion(ContextKind::SuggestedSubcommand)
        ),
        ErrorKind::InvalidValue => {
            let valid = ctx(ContextKind::ValidValue);
            if value.is_empty() {
                format!("у параметра {arg} не указано значение")
            } else if valid.is_empty() {
                format!("недопустимое значение «{value}» у параметра {arg}")
            } else {
                format!(
                    "недопустимое значение «{value}» у параметра {arg}; допустимы: {valid}{}",
                    suggestion(ContextKind::SuggestedValue)
                )
            }
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| value_error_ru(s, &value))
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
        ErrorKind::NoEquals => format!("у параметра {arg} значение пишется через «=»"),
        ErrorKind::InvalidUtf8 => {
            "в командной строке есть символы не в кодировке UTF-8".to_string()
        }
        _ => "неверная командная строка".to_string(),
    };
    let mut err = out::stderr();
    let _ = writeln!(err, "ошибка: {message}\nСправка: {} --help", command_path());
    ExitCode::from(2)
}

/// The command typed, as far as it names commands (`nok plans status`), for the help to point to.
fn command_path() -> String {
    let mut cmd = with_input_keys(Cli::command());
    let mut path = String::from("nok");
    for arg in std::env::args().skip(1) {
        let Some(sub) = cmd.find_subcommand(&arg).cloned() else {
            if arg.starts_with('-') {
                continue;
            }
            // An option's value (`--db x`) or a positional argument: go on only while
            // nothing has been found yet.
            if path == "nok" {
                continue;
            }
            break;
        };
        path.push(' ');
        path.push_str(sub.get_name());
        cmd = sub;
    }
    path
}

/// The words clap writes into a help text itself, and their Russian. Only whole markers are
/// replaced (headings at a line's start, bracketed notes), so descriptions are never touched.
const HELP_WORDS: &[(&str, &str)] = &[
    ("[OPTIONS]", "[ПАРАМЕТРЫ]"),
    ("<COMMAND>", "<КОМАНДА>"),
    ("[COMMAND]", "[КОМАНДА]"),
    ("[default: ", "[по умолчанию: "),
    ("[possible values: ", "[допустимые значения: "),
    ("[aliases: ", "[другие имена: "),
    ("[alias: ", "[другое имя: "),
    ("[env: ", "[переменная окружения: "),
];

const HELP_HEADINGS: &[(&str, &str)] = &[
    ("Arguments:", "Аргументы:"),
    ("Options:", "Параметры:"),
    ("Commands:", "Команды:"),
    ("Usage:", "Использование:"),
];

/// A help text rendered by clap, with clap's own English words put into Russian.
fn russian_help(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let mut line = line.to_string();
        for (en, ru) in HELP_HEADINGS {
            if line.trim_end() == *en {
                line = line.replacen(en, ru, 1);
            }
        }
        if line.trim_start().starts_with("Possible values:") {
            line = line.replacen("Possible values:", "Допустимые значения:", 1);
        }
        for (en, ru) in HELP_WORDS {
            if line.contains(en) {
                line = line.replace(en, ru);
            }
        }
        out.push_str(&line);
    }
    out
}

/// Why a value was not accepted, in Russian: the parsers of numbers (and clap's range check) say
/// it in English; the project's own parsers already speak Russian and pass through.
fn value_error_ru(source: &(dyn std::error::Error + 'static), value: &str) -> String {
    use std::num::IntErrorKind as K;
    if let Some(p) = source.downcast_ref::<std::num::ParseIntError>() {
        return match p.kind() {
            K::Empty => "значение не указано; нужно целое число".to_string(),
            K::PosOverflow | K::NegOverflow => format!("«{value}» — слишком большое число"),
            _ => format!("«{value}» — не целое число; введите цифры, например 1"),
        };
    }
    if source.downcast_ref::<std::num::ParseFloatError>().is_some() {
        return format!("«{value}» — не число");
    }
    let text = source.to_string();
    // clap's range check: «0 is not in 1..=1000000».
    if let Some((n, range)) = text.split_once(" is not in ") {
        let range = range.replace("..=", "–").replace("..", "–");
        return format!("{n} — вне допустимого диапазона {range}");
    }
    text
}

/// Whether a person is at a terminal (both input and output), so the UI can open.
pub(crate) fn on_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Opens the existing working database (`--db`, `NOK_DB`, or the user's data folder).
pub(crate) fn open_work_db(ctx: &Context) -> anyhow::Result<(PathBuf, crate::store::Db)> {
    let path = crate::service::session::work_db(ctx.db.clone())?;
    if !path.exists() {
        anyhow::bail!("{}", missing_db_message(&path, ctx.db.is_some()));
    }
    if let Some(notice) = crate::service::session::upgrade_notice(&path) {
        eprintln!("{notice}");
    }
    let conn = crate::store::open_existing(&path)?;
    Ok((path, conn))
}

/// What to say when the working database is not there: how to make one, or try the demo.
pub(crate) fn missing_db_message(path: &std::path::Path, explicit: bool) -> String {
    let db = if explicit {
        format!(" --db {}", path.display())
    } else {
        String::new()
    };
    format!(
        "база данных {} не найдена. Новая рабочая база: nok init{db} (спросит реквизиты \
         органа); или в терминале просто nok{db} — откроется форма. Другая база: --db ПУТЬ \
         или переменная NOK_DB. Посмотреть, как все устроено: nok demo",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
