//! `nok check PATH`: checks a package folder, its zip or one XML file against the portal's rules
//! before upload, and prints the violations as the portal would (code, level, name, description).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use crate::exchange::busgov::check::{Violation, check_path};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Папка пакета, его zip-архив или файл .xml
    #[arg(value_name = "ПУТЬ")]
    path: PathBuf,
}

/// One violation on one line: level, code, name, description (and the line of the file).
pub(crate) fn print_violation(
    out: &mut dyn Write,
    indent: &str,
    v: &Violation,
) -> std::io::Result<()> {
    let line = v.line.map(|l| format!("строка {l}: ")).unwrap_or_default();
    writeln!(
        out,
        "{indent}{} {} «{}»: {line}{}",
        v.level.name_ru(),
        v.code,
        v.name,
        crate::domain::text::printable(&v.description)
    )
}

pub fn run(_ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let report = check_path(&args.path)?;
    let mut out = super::out::stdout();
    for f in &report.files {
        if f.packet.violations.is_empty() {
            continue;
        }
        writeln!(out, "{}", crate::domain::text::printable(&f.file))?;
        for v in &f.packet.violations {
            print_violation(&mut out, "  ", v)?;
        }
    }
    if !report.package.is_empty() {
        writeln!(out, "Пакет в целом")?;
        for v in &report.package {
            print_violation(&mut out, "  ", v)?;
        }
    }
    let bad_files = report
        .files
        .iter()
        .filter(|f| f.packet.errors() > 0)
        .count();
    writeln!(
        out,
        "Проверено файлов: {}; с ошибками: {bad_files}; ошибок: {}, предупреждений: {}",
        report.files.len(),
        report.errors(),
        report.warnings()
    )?;
    Ok(if report.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
