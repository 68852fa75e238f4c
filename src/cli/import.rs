//! `nok import orgs|inputs|plan|workplan FILE`: load operators' spreadsheets and plan tables
//! pasted from documents, the file read as a stream (`service::import::apply_file`); `--dry-run`
//! prints the plan of changes row by row (added, changed field: old → new, left, rejected).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Context, LEAF_HELP};
use crate::service::import::{self as svc, Kind, Preview, Progress};
use crate::service::table::{Cell, Format, Table};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Args)]
struct Common {
    /// Файл: CSV (UTF-8, UTF-16 или Windows-1251; «;», «,», «|» или табуляция), xlsx или текст таблицы из документа
    #[arg(value_name = "ФАЙЛ")]
    file: PathBuf,
    /// Только показать, что будет добавлено, изменено и отклонено; базу не менять
    #[arg(long)]
    dry_run: bool,
    /// Вид вывода пробного прогона: table — сводка, csv — строки как прочитаны (для Excel)
    #[arg(long, value_enum, default_value_t = Format::Table, value_name = "ВИД")]
    format: Format,
    /// Загрузить остальные строки, если часть отклонена (иначе не меняется ничего)
    #[arg(long)]
    skip_rejected: bool,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// Организации (сопоставляются по ИНН и КПП, затем по коду по Сводному реестру)
    #[command(help_template = LEAF_HELP)]
    Orgs {
        #[command(flatten)]
        common: Common,
    },
    /// Исходные данные показателей цикла (колонки — ключи методики)
    #[command(help_template = LEAF_HELP)]
    Inputs {
        #[command(flatten)]
        common: Common,
        /// Номер цикла (первая колонка nok cycles)
        #[arg(long, value_name = "ID")]
        cycle: i64,
    },
    /// План по устранению недостатков (колонки формы плана) или документы портала planShortcomingInfoType (ТФФ 1.8.3): файл .xml, папка или zip
    #[command(help_template = LEAF_HELP)]
    Plan {
        #[command(flatten)]
        common: Common,
        /// Номер цикла (первая колонка nok cycles)
        #[arg(long, value_name = "ID")]
        cycle: i64,
        /// Организация (ИНН или код по Сводному реестру), если в файле нет колонки ИНН
        #[arg(long, value_name = "ИНН")]
        org: Option<String>,
        /// Роли колонок таблицы слева направо, если они определены неуверенно: «№», «мероприятие»,
        /// «срок», «исполнители», «результат», «основание», «показатели», «примечание», «-»
        #[arg(long, value_name = "РОЛИ")]
        columns: Option<String>,
    },
    /// Анкеты получателей услуг: строка — респондент, колонки — вопросы анкеты (приказ № 675н)
    #[command(help_template = LEAF_HELP)]
    Survey(super::survey::ImportArgs),
    /// План уполномоченного органа (разделы, мероприятия, исполнители, целевые показатели)
    #[command(help_template = LEAF_HELP)]
    Workplan {
        #[command(flatten)]
        common: Common,
        /// Уполномоченный орган: ИНН или номер в базе
        #[arg(long, value_name = "ИНН")]
        authority: String,
        /// Название плана, если в файле его нет
        #[arg(long, value_name = "ТЕКСТ")]
        title: Option<String>,
        /// Роли колонок таблицы мероприятий слева направо, если они определены неуверенно:
        /// «№», «мероприятие», «срок», «исполнители», «результат», «основание», «показатели»,
        /// «примечание», «-» (пропустить), например "№,мероприятие,срок,исполнители,результат"
        #[arg(long, value_name = "РОЛИ")]
        columns: Option<String>,
    },
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let (common, kind, columns) = match &args.what {
        What::Survey(a) => return super::survey::run_import(ctx, a),
        What::Orgs { common } => (common, Kind::Orgs, None),
        What::Inputs { common, cycle } => (common, Kind::Inputs { cycle_id: *cycle }, None),
        What::Plan {
            common,
            cycle,
            org,
            columns,
        } => (
            common,
            Kind::Plan {
                cycle_id: *cycle,
                org: org.clone(),
            },
            columns.as_deref(),
        ),
        What::Workplan {
            common,
            authority,
            title,
            columns,
        } => (
            common,
            Kind::Workplan {
                authority: authority.clone(),
                title: title.clone(),
            },
            columns.as_deref(),
        ),
    };
    let options = svc::Options {
        columns: columns
            .map(crate::exchange::import::layout::parse_columns)
            .transpose()
            .map_err(anyhow::Error::msg)?,
    };
    let (_, mut conn) = super::open_work_db(ctx)?;
    // An import waits longer than other commands for another writer, and says so.
    conn.busy_handler(Some(wait_for_writer))?;
    // The portal's own plan documents (one XML, a folder or a zip of them) have a reader of
    // their own.
    if let Kind::Plan { cycle_id, org } = &kind
        && svc::portal_plan::is_source(&common.file)
    {
        return run_portal_plan(&mut conn, common, *cycle_id, org.as_deref());
    }
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{msg:<20} [{bar:40}] {percent}% ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar
    });
    let mut on_progress = |p: Progress| {
        if let Some(bar) = &bar {
            let (msg, done, total) = match p {
                Progress::Checking { done, total } => ("Проверка строк", done, total),
                Progress::Writing { done, total } => ("Запись", done, total),
            };
            bar.set_message(msg);
            bar.set_length(total);
            bar.set_position(done);
        }
    };
    // The file is read as a stream (see service::import): memory does not grow with it.
    let result = if common.dry_run {
        // Only `--format csv` prints the rows as read; otherwise a dry run stays small.
        let as_read = match common.format {
            Format::Csv => svc::AsRead::Keep,
            _ => svc::AsRead::Drop,
        };
        svc::dry_run_file(
            &mut conn,
            &common.file,
            &kind,
            &options,
            as_read,
            ctx.today,
            &mut on_progress,
        )
    } else {
        svc::apply_file(
            &mut conn,
            &common.file,
            &kind,
            &options,
            ctx.today,
            common.skip_rejected,
            &mut on_progress,
        )
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let preview = result?;
    let mut out = super::out::stdout();
    if common.dry_run && common.format == Format::Csv {
        let mut t = Table::new(
            &preview
                .as_read
                .0
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        for r in &preview.as_read.1 {
            t.push(r.iter().map(|c| Cell::Text(c.clone())).collect());
        }
        t.write(Format::Csv, &mut out)?;
    } else {
        print_preview(&mut out, &preview, common.dry_run)?;
    }
    if common.dry_run && (!preview.rejected.is_empty() || preview.columns_uncertain.is_some()) {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// How long an import waits for another session that is writing to the database.
const WRITER_WAIT: std::time::Duration = std::time::Duration::from_secs(60);
/// One step of that wait.
const WAIT_STEP: std::time::Duration = std::time::Duration::from_millis(50);

/// SQLite's busy handler for imports: after a second of waiting, a note on stderr (once per run);
/// then waits up to [`WRITER_WAIT`] in all before giving up («база занята…»).
fn wait_for_writer(attempt: i32) -> bool {
    static NOTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let waited = WAIT_STEP * u32::try_from(attempt).unwrap_or(u32::MAX / 2);
    if waited >= WRITER_WAIT {
        return false;
    }
    if waited >= std::time::Duration::from_secs(1)
        && !NOTED.swap(true, std::sync::atomic::Ordering::Relaxed)
    {
        eprintln!(
            "база занята: в нее пишет другой пользователь; жду до {} с…",
            WRITER_WAIT.as_secs()
        );
    }
    std::thread::sleep(WAIT_STEP);
    true
}

/// `nok import plan` of the portal's plan documents (ТФФ 1.8.3).
fn run_portal_plan(
    conn: &mut crate::store::Db,
    common: &Common,
    cycle_id: i64,
    org: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let methods = crate::service::methodology::Methods::load()?;
    let mut src = svc::portal_plan::read(&common.file)?;
    if let Some(org) = org {
        // Only that organization's documents.
        src.keep_only_inn(org.trim());
    }
    let mut quiet = |_: Progress| {};
    let preview = if common.dry_run {
        svc::portal_plan::dry_run(conn, &src, cycle_id, &methods, &mut quiet)?
    } else {
        svc::portal_plan::apply(
            conn,
            &src,
            cycle_id,
            &methods,
            common.skip_rejected,
            &mut quiet,
        )?
    };
    let mut out = super::out::stdout();
    print_preview(&mut out, &preview, common.dry_run)?;
    if common.dry_run && !preview.rejected.is_empty() {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// How many added, changed and unchanged rows are listed one by one.
const LIST_LIMIT: usize = 50;

/// Prints the plan of changes (a dry run) or what the import did: the counts, how the file was
/// read, then row by row what is added, what changes (field: old → new), what is left as it is,
/// and every rejected row (as many as the import kept: [`svc::LISTED`]).
fn print_preview(out: &mut dyn Write, p: &Preview, dry_run: bool) -> std::io::Result<()> {
    let clean = |s: &str| crate::domain::text::printable(s).into_owned();
    writeln!(
        out,
        "Файл: {} ({}); загружается: {}",
        clean(&p.source),
        p.format,
        p.kind
    )?;
    let (a, c) = if dry_run {
        ("будет добавлено", "будет изменено")
    } else {
        ("добавлено", "изменено")
    };
    writeln!(
        out,
        "{a}: {}, {c}: {}, без изменений: {}, отклонено: {}",
        p.added_count(),
        p.changed_count(),
        p.unchanged,
        p.rejected_count()
    )?;
    if !p.columns.is_empty() {
        writeln!(out, "Колонки таблицы мероприятий:")?;
        for (col, role, header, why) in &p.columns {
            let header = if header.is_empty() {
                "без заголовка".to_string()
            } else {
                format!("«{}»", clean(header))
            };
            writeln!(out, "  {col}: {role} — {header}; {}", clean(why))?;
        }
    }
    if let Some(why) = &p.columns_uncertain {
        writeln!(out, "  Нужно подтверждение: {}", clean(why))?;
    }
    for note in &p.notes {
        writeln!(out, "  {}", clean(note))?;
    }
    for (line, col, text) in &p.unknown_columns {
        writeln!(
            out,
            "  неизвестная колонка {col} «{}» (строка {line}) — пропущена",
            clean(text)
        )?;
    }
    let title = |what: &str| {
        if dry_run {
            format!("План изменений — {what}:")
        } else {
            format!("{}:", capitalized(what))
        }
    };
    let place = |ch: &svc::Change| {
        if ch.line == 0 {
            // A document, not a line of a table: `what` names the file.
            format!("  {}", clean(&ch.what))
        } else {
            format!("  строка {}: {}", ch.line, clean(&ch.what))
        }
    };
    let more = |out: &mut dyn Write, shown: usize, all: usize| -> std::io::Result<()> {
        if all > shown {
            writeln!(out, "  … и еще {}", all - shown)?;
        }
        Ok(())
    };
    if p.added_count() > 0 {
        writeln!(out, "{}", title("добавляется"))?;
        for ch in p.added.iter().take(LIST_LIMIT) {
            writeln!(out, "{}", place(ch))?;
        }
        more(out, p.added.len().min(LIST_LIMIT), p.added_count())?;
    }
    if p.changed_count() > 0 {
        writeln!(out, "{}", title("изменяется"))?;
        for ch in p.changed.iter().take(LIST_LIMIT) {
            writeln!(out, "{}", place(ch))?;
            for (f, old, new) in &ch.fields {
                writeln!(
                    out,
                    "    {f}: «{}» → «{}»",
                    clean(&svc::shown_value(old)),
                    clean(&svc::shown_value(new))
                )?;
            }
        }
        more(out, p.changed.len().min(LIST_LIMIT), p.changed_count())?;
    }
    if !p.left.is_empty() {
        writeln!(out, "{}", title("остается без изменений"))?;
        for ch in p.left.iter().take(LIST_LIMIT) {
            writeln!(out, "{}", place(ch))?;
        }
        more(out, p.left.len().min(LIST_LIMIT), p.unchanged)?;
    }
    if p.rejected_count() > 0 {
        writeln!(out, "Отклонено:")?;
        for r in &p.rejected {
            writeln!(out, "  {}", clean(&r.to_string()))?;
        }
        more(out, p.rejected.len(), p.rejected_count())?;
    }
    if dry_run {
        writeln!(out, "Пробный прогон: база не изменена.")?;
    } else if !p.applied {
        writeln!(out, "Изменений нет: база не изменена.")?;
    }
    Ok(())
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
