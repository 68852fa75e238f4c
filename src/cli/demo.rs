//! `nok demo`: open the demo database, building it first when it does not exist.

use std::io::IsTerminal;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use super::Context;
use crate::service::demo::{DemoOptions, Progress, open_or_build};
use crate::service::methodology::Methods;
use crate::service::session;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Число организаций (для замеров на больших данных — 100000)
    #[arg(long, default_value_t = 300, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    orgs: u32,
    /// Зерно генератора: одно и то же зерно дает одну и ту же базу
    #[arg(long, default_value_t = 2018, value_name = "S")]
    seed: u64,
    /// Перестроить демонстрационную базу, даже если она уже есть
    #[arg(long)]
    force: bool,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let path = session::demo_db(ctx.db.clone())?;
    let methods = Methods::load()?;
    let opts = DemoOptions {
        orgs: args.orgs,
        seed: args.seed,
        today: ctx.today,
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(u64::from(args.orgs));
        bar.set_style(
            ProgressStyle::with_template("{msg:<28} [{bar:40}] {pos}/{len} ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar
    });
    let mut on_progress = |p: Progress| {
        if let Some(bar) = &bar {
            let (msg, done, total) = match p {
                Progress::Generating { done, total } => ("Создание организаций", done, total),
                Progress::Scoring { done, total } => ("Расчет баллов по циклам", done, total),
            };
            bar.set_message(msg);
            bar.set_length(total);
            bar.set_position(done);
        }
    };
    let demo = open_or_build(&path, &opts, args.force, &methods, &mut on_progress)?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if super::on_terminal() {
        let path = demo.path.clone();
        drop(demo);
        crate::tui::run(&path, ctx.today, ctx.ui)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = super::out::stdout();
    if demo.built {
        super::summary::line(
            &mut out,
            &format!(
                "Демонстрационная база построена: {} (за {} с)",
                demo.path.display(),
                crate::domain::decimal::fixed(demo.elapsed.as_secs_f64(), 1)
            ),
        )?;
    } else {
        super::summary::line(
            &mut out,
            &format!(
                "Демонстрационная база: {} (перестроить: nok demo --force)",
                demo.path.display()
            ),
        )?;
    }
    super::summary::print(&mut out, &demo.conn, ctx.today)?;
    super::summary::line(
        &mut out,
        &format!(
            "Дальше: nok --db {0} cycles; nok --db {0} score --cycle N",
            demo.path.display()
        ),
    )?;
    Ok(ExitCode::SUCCESS)
}
