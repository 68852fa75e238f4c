//! `nok publish --cycle ID [--out DIR]`: the cycle's results as a static site for the authority's
//! website, with a progress bar on a terminal.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use super::Context;
use crate::service::publish::{AddedByHand, Progress, publish_keeping};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Номер цикла (первая колонка nok cycles)
    #[arg(long, value_name = "ID")]
    cycle: i64,
    /// Папка сайта (по умолчанию publish/<год>-<сфера>-<цикл>); прежняя публикация nok в ней
    /// заменяется целиком, чужая папка не трогается
    #[arg(long, value_name = "ПАПКА")]
    out: Option<PathBuf>,
    /// Опубликовать заново, даже если в папку прежней публикации добавлены файлы вручную
    /// (они сохраняются на своих местах)
    #[arg(long)]
    force: bool,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let (_, conn) = super::open_work_db(ctx)?;
    let started = Instant::now();
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(1);
        bar.set_style(
            ProgressStyle::with_template("Публикация страниц [{bar:40}] {pos}/{len} ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar
    });
    let mut pages = 0;
    let mut on_progress = |p: Progress| {
        pages = p.done;
        if let Some(bar) = &bar {
            bar.set_length(p.total);
            bar.set_position(p.done);
        }
    };
    let never = AtomicBool::new(false);
    let result = publish_keeping(
        &conn,
        args.cycle,
        args.out.as_deref(),
        ctx.today,
        &mut on_progress,
        &never,
        args.force,
    );
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let dir = result.map_err(|e| match e.downcast_ref::<AddedByHand>() {
        Some(added) => anyhow::anyhow!(
            "{added}. Чтобы опубликовать заново и сохранить эти файлы на их местах, добавьте \
             --force; или уберите их из папки"
        ),
        None => e,
    })?;
    let mut out = super::out::stdout();
    writeln!(
        out,
        "Опубликовано: {} (организаций: {}, данные на {}, за {} с). Откройте index.html; \
         версия для слабовидящих — в папке accessible.",
        dir.display(),
        pages.saturating_sub(1),
        ctx.today.format("%d.%m.%Y"),
        crate::domain::decimal::fixed(started.elapsed().as_secs_f64(), 1)
    )?;
    Ok(ExitCode::SUCCESS)
}
