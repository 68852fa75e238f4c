//! `nok report operator|plan|council --cycle ID`: the Word documents of a cycle.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Context, LEAF_HELP};
use crate::service::methodology::Methods;
use crate::service::report::{self, Kind, Options, PlanScope, Texts};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// Аналитический отчет оператора: методика, выборка, результаты, диаграммы, рейтинги, недостатки, предложения
    #[command(help_template = LEAF_HELP)]
    Operator(CommonArgs),
    /// Планы мероприятий организаций по форме (приложение № 4 к решению): по файлу на организацию или одним документом
    #[command(help_template = LEAF_HELP)]
    Plan(PlanArgs),
    /// Решение общественного совета по итогам оценки с рейтингами в приложении
    #[command(help_template = LEAF_HELP)]
    Council(CommonArgs),
}

#[derive(Debug, clap::Args)]
struct CommonArgs {
    /// Номер цикла (первая колонка nok cycles)
    #[arg(long, value_name = "ID")]
    cycle: i64,
    /// Файл .docx (по умолчанию — в папке exports)
    #[arg(long, value_name = "ПУТЬ")]
    out: Option<PathBuf>,
    /// Заменить файл --out, если он уже есть (файл в exports заменяется и без этого)
    #[arg(long)]
    force: bool,
}

#[derive(Debug, clap::Args)]
struct PlanArgs {
    /// Номер цикла (первая колонка nok cycles)
    #[arg(long, value_name = "ID")]
    cycle: i64,
    /// Только план организации с этим ИНН
    #[arg(long, value_name = "ИНН", conflicts_with = "one_file")]
    org: Option<String>,
    /// Все планы одним документом, каждая организация с новой страницы
    #[arg(long)]
    one_file: bool,
    /// Файл .docx; без --org и --one-file — папка для файлов организаций (по умолчанию exports)
    #[arg(long, value_name = "ПУТЬ")]
    out: Option<PathBuf>,
    /// Заменить существующие файлы в --out
    #[arg(long)]
    force: bool,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let (kind, cycle, out, force, plans) = match &args.what {
        What::Operator(a) => (
            Kind::Operator,
            a.cycle,
            a.out.clone(),
            a.force,
            PlanScope::default(),
        ),
        What::Council(a) => (
            Kind::Council,
            a.cycle,
            a.out.clone(),
            a.force,
            PlanScope::default(),
        ),
        What::Plan(a) => (
            Kind::Plan,
            a.cycle,
            a.out.clone(),
            a.force,
            match (&a.org, a.one_file) {
                (Some(inn), _) => PlanScope::Org(inn.clone()),
                (None, true) => PlanScope::OneFile,
                (None, false) => PlanScope::FilePerOrg,
            },
        ),
    };
    let (db, conn) = super::open_work_db(ctx)?;
    let methods = Methods::load()?;
    let texts = Texts::load(Some(&db))?;
    let opts = Options {
        cycle_id: cycle,
        kind,
        plans,
        out,
        exports_dir: PathBuf::from(super::export::DEFAULT_DIR),
        force,
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("Документ Word [{bar:40}] {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar
    });
    let never = AtomicBool::new(false);
    let written = report::write(&conn, &methods, &texts, &opts, &never, &mut |p| {
        if let Some(bar) = &bar {
            bar.set_length(p.total);
            bar.set_position(p.done);
        }
    })?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let mut out = super::out::stdout();
    for f in written.files.iter().take(20) {
        writeln!(out, "{}", f.display())?;
    }
    if written.files.len() > 20 {
        writeln!(out, "… и еще файлов: {}", written.files.len() - 20)?;
    }
    writeln!(
        out,
        "{}: файлов {}, организаций {}",
        capitalized(kind.name_ru()),
        written.files.len(),
        written.organizations
    )?;
    Ok(ExitCode::SUCCESS)
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
