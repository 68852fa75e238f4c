//! `nok backup DEST`: a copy of the working database made with SQLite's online backup, safe while
//! others work on it; checked before it is put in place.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use super::Context;
use crate::store::backup::{Progress, backup_source, open_source};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Файл копии (папка должна существовать)
    #[arg(value_name = "КУДА")]
    dest: PathBuf,
    /// Заменить файл копии, если он уже есть
    #[arg(long)]
    force: bool,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    // Read-only access to the database and its folder is enough for a copy (open_source).
    let path = crate::service::session::work_db(ctx.db.clone())?;
    if !path.exists() {
        anyhow::bail!("{}", super::missing_db_message(&path, ctx.db.is_some()));
    }
    let source = open_source(&path)?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{msg:<22} [{bar:40}] {percent}% ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar
    });
    let copied = backup_source(&source, &path, &args.dest, args.force, &mut |p| {
        if let Some(bar) = &bar {
            match p {
                Progress::Copying { done, total } => {
                    bar.set_message("Копирование");
                    bar.set_length(total);
                    bar.set_position(done);
                }
                Progress::Checking => bar.set_message("Проверка копии"),
            }
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let copied = copied?;
    writeln!(
        super::out::stdout(),
        "Резервная копия {} записана: {}, за {} с; проверка целостности пройдена.",
        copied.dest.display(),
        size_ru(copied.bytes),
        crate::domain::decimal::fixed(copied.elapsed.as_secs_f64(), 1)
    )?;
    Ok(ExitCode::SUCCESS)
}

/// A file size as a person reads it: «2,6 ГБ», «340 КБ».
fn size_ru(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["байт", "КБ", "МБ", "ГБ"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} {}", UNITS[0])
    } else {
        format!(
            "{} {}",
            crate::domain::decimal::fixed(value, 1),
            UNITS[unit]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::size_ru;

    #[test]
    fn sizes_read_in_russian() {
        assert_eq!(size_ru(512), "512 байт");
        assert_eq!(size_ru(348_160), "340,0 КБ");
        assert_eq!(size_ru(2_639_855_616), "2,5 ГБ");
    }
}
