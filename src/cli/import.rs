//! `nok import orgs|inputs|plan|workplan FILE`: load operators' spreadsheets and plan tables
//! pasted from documents; `--dry-run` shows what would change.

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
    /// Файл: CSV (UTF-8 или Windows-1251; «;», «,» или табуляция), xlsx или текст таблицы из документа
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
    /// План по устранению недостатков (колонки формы плана)
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
    },
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let (common, kind) = match &args.what {
        What::Survey(a) => return super::survey::run_import(ctx, a),
        What::Orgs { common } => (common, Kind::Orgs),
        What::Inputs { common, cycle } => (common, Kind::Inputs { cycle_id: *cycle }),
        What::Plan { common, cycle, org } => (
            common,
            Kind::Plan {
                cycle_id: *cycle,
                org: org.clone(),
            },
        ),
        What::Workplan {
            common,
            authority,
            title,
        } => (
            common,
            Kind::Workplan {
                authority: authority.clone(),
                title: title.clone(),
            },
        ),
    };
    let (_, mut conn) = super::open_work_db(ctx)?;
    let sheet = svc::read(&common.file)?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(sheet.rows.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{msg:<20} [{bar:40}] {pos}/{len} ({eta})")
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
    let result = if common.dry_run {
        svc::dry_run(&mut conn, &sheet, &kind, ctx.today, &mut on_progress)
    } else {
        svc::apply(
            &mut conn,
            &sheet,
            &kind,
            ctx.today,
            common.skip_rejected,
            &mut on_progress,
        )
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let preview = result?;
    let mut out = std::io::stdout().lock();
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
    if common.dry_run && !preview.rejected.is_empty() {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// How many added/changed rows are listed one by one.
const LIST_LIMIT: usize = 50;

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
        p.added.len(),
        p.changed.len(),
        p.unchanged,
        p.rejected.len()
    )?;
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
    if !p.added.is_empty() {
        writeln!(out, "Добавляется:")?;
        for ch in p.added.iter().take(LIST_LIMIT) {
            writeln!(out, "  строка {}: {}", ch.line, clean(&ch.what))?;
        }
        if p.added.len() > LIST_LIMIT {
            writeln!(out, "  … и еще {}", p.added.len() - LIST_LIMIT)?;
        }
    }
    if !p.changed.is_empty() {
        writeln!(out, "Изменяется:")?;
        for ch in p.changed.iter().take(LIST_LIMIT) {
            writeln!(out, "  строка {}: {}", ch.line, clean(&ch.what))?;
            for (f, old, new) in &ch.fields {
                writeln!(out, "    {f}: «{}» → «{}»", clean(old), clean(new))?;
            }
        }
        if p.changed.len() > LIST_LIMIT {
            writeln!(out, "  … и еще {}", p.changed.len() - LIST_LIMIT)?;
        }
    }
    if !p.rejected.is_empty() {
        writeln!(out, "Отклонено:")?;
        for r in &p.rejected {
            writeln!(out, "  {}", clean(&r.to_string()))?;
        }
    }
    if dry_run {
        writeln!(out, "Пробный прогон: база не изменена.")?;
    } else if !p.applied {
        writeln!(out, "Изменений нет: база не изменена.")?;
    }
    Ok(())
}
