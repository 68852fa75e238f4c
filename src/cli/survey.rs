//! `nok import survey FILE --cycle ID` (the survey responses, one row per respondent) and
//! `nok survey proposals|recipients|sample`: the respondents' proposals (read, searched,
//! exported), the number of recipients an organization has, and the sample check of a cycle.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};

use super::{Context, LEAF_HELP};
use crate::service::survey::{self as svc, Options, SurveyPreview};
use crate::service::table::{Cell, Format, Table};

/// Arguments of `nok import survey`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Файл анкет: одна строка — один респондент, колонки — вопросы (CSV в любой кодировке, xlsx)
    #[arg(value_name = "ФАЙЛ")]
    file: PathBuf,
    /// Номер цикла (первая колонка nok cycles)
    #[arg(long, value_name = "ID")]
    cycle: i64,
    /// Организация всего файла (ИНН или код по Сводному реестру), если в файле нет ее колонки
    #[arg(long, value_name = "ИНН")]
    org: Option<String>,
    /// Форма анкеты: general, outpatient (амбулаторно), inpatient (стационар)
    #[arg(long, value_name = "ФОРМА")]
    variant: Option<String>,
    /// Имя источника (по умолчанию — имя файла); файл с тем же именем заменяет ответы источника
    #[arg(long, value_name = "ИМЯ")]
    source: Option<String>,
    /// Сопоставление колонок вопросам из файла (сохраненного --save-mapping)
    #[arg(long, value_name = "ФАЙЛ")]
    mapping: Option<PathBuf>,
    /// Сохранить использованное сопоставление колонок в файл (для следующих загрузок)
    #[arg(long, value_name = "ФАЙЛ")]
    save_mapping: Option<PathBuf>,
    /// Только показать сопоставление, правила и счетчики; базу не менять
    #[arg(long)]
    dry_run: bool,
    /// Загрузить остальные строки, если организации части строк не найдены
    #[arg(long)]
    skip_rejected: bool,
}

pub fn run_import(ctx: &Context, a: &ImportArgs) -> anyhow::Result<ExitCode> {
    let (_, mut conn) = super::open_work_db(ctx)?;
    let opts = Options {
        cycle_id: a.cycle,
        org: a.org.clone(),
        variant: a.variant.clone(),
        source_name: a.source.clone(),
        mapping: a.mapping.as_deref().map(svc::read_mapping).transpose()?,
        skip_rejected: a.skip_rejected,
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} Чтение анкет: {pos} строк ({per_sec})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar
    });
    let mut on_progress = |n: u64| {
        if let Some(bar) = &bar {
            bar.set_position(n);
        }
    };
    let result = if a.dry_run {
        svc::dry_run(&mut conn, &a.file, &opts, &mut on_progress)
    } else {
        svc::apply(&mut conn, &a.file, &opts, &mut on_progress)
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let p = result?;
    if let Some(path) = &a.save_mapping {
        svc::write_mapping(path, &p.mapping)?;
    }
    let mut out = super::out::stdout();
    print_preview(&mut out, &p, a.dry_run)?;
    if let Some(path) = &a.save_mapping {
        writeln!(out, "Сопоставление колонок сохранено: {}", path.display())?;
    }
    if a.dry_run && !p.rejected.is_empty() {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// The preview as text (also used by the terminal UI's «Обмен»).
pub fn print_preview(out: &mut dyn Write, p: &SurveyPreview, dry_run: bool) -> std::io::Result<()> {
    for line in svc::preview_lines(p, dry_run) {
        writeln!(out, "{}", crate::domain::text::printable(&line))?;
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// Предложения респондентов: прочитать, найти, выгрузить в CSV или xlsx
    #[command(help_template = LEAF_HELP)]
    Proposals {
        /// Номер цикла
        #[arg(long, value_name = "ID")]
        cycle: i64,
        /// Только эта организация (ИНН)
        #[arg(long, value_name = "ИНН")]
        org: Option<String>,
        /// Только предложения, содержащие этот текст (регистр и «ё» не важны)
        #[arg(long, value_name = "ТЕКСТ")]
        search: Option<String>,
        /// Записать в файл: .csv (для Excel) или .xlsx
        #[arg(long, value_name = "ФАЙЛ")]
        out: Option<PathBuf>,
    },
    /// Число получателей услуг организации (для проверки объема выборки)
    #[command(help_template = LEAF_HELP)]
    Recipients {
        #[arg(long, value_name = "ID")]
        cycle: i64,
        #[arg(long, value_name = "ИНН")]
        org: String,
        /// Число получателей услуг
        #[arg(value_name = "ЧИСЛО")]
        count: i64,
    },
    /// Проверка объема выборки цикла: опрошено против требуемого методикой
    #[command(help_template = LEAF_HELP)]
    Sample {
        #[arg(long, value_name = "ID")]
        cycle: i64,
    },
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let (_, conn) = super::open_work_db(ctx)?;
    let mut out = super::out::stdout();
    match &args.what {
        What::Proposals {
            cycle,
            org,
            search,
            out: file,
        } => {
            let filter = svc::proposal_filter(&conn, *cycle, org.as_deref(), search.as_deref())?;
            match file {
                Some(path) => {
                    let xlsx = path
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
                    let n = svc::write_proposals(&conn, &filter, path, xlsx)?;
                    writeln!(out, "Предложений: {n}; записано в {}", path.display())?;
                }
                None => {
                    let n = svc::print_proposals(&conn, &filter, &mut out)?;
                    writeln!(out, "Предложений: {n}")?;
                }
            }
        }
        What::Recipients { cycle, org, count } => {
            let mut conn = conn;
            let (name, old) = svc::set_recipients(&mut conn, *cycle, org, *count)?;
            writeln!(
                out,
                "«{}»: число получателей услуг {} → {count}",
                crate::domain::text::printable(&name),
                old.map_or("не указано".to_string(), |o| o.to_string())
            )?;
        }
        What::Sample { cycle } => {
            let rows = svc::sample_check(&conn, *cycle)?;
            let mut t = Table::new(&[
                "ИНН",
                "Организация",
                "Опрошено",
                "Получателей",
                "Требуется",
                "Выборка",
            ]);
            let mut below = 0;
            for r in &rows {
                if r.below() {
                    below += 1;
                }
                t.push(vec![
                    Cell::Text(r.inn.clone()),
                    Cell::Text(r.name.clone()),
                    Cell::Int(r.respondents),
                    r.recipients.map_or(Cell::Empty, Cell::Int),
                    r.required.map_or(Cell::Empty, |v| Cell::Int(v as i64)),
                    Cell::Text(r.status().to_string()),
                ]);
            }
            t.write(Format::Table, &mut out)?;
            writeln!(
                out,
                "Ниже требуемого объема выборки: {below} из {}. {}",
                rows.len(),
                svc::sample_rule_text()?
            )
            .context("вывод")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
