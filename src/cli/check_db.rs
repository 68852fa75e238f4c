//! `nok check-db`: integrity and consistency of the database.

use std::io::Write;
use std::process::ExitCode;

use super::Context;
use crate::domain::text::printable;
use crate::service::check::{Level, check};

pub fn run(ctx: &Context) -> anyhow::Result<ExitCode> {
    let (path, conn) = super::open_work_db(ctx)?;
    let findings = check(&conn)?;
    let mut out = super::out::stdout();
    let errors = findings.iter().filter(|f| f.level == Level::Error).count();
    let warnings = findings.len() - errors;
    for f in &findings {
        let tag = match f.level {
            Level::Error => "ошибка",
            Level::Warning => "внимание",
        };
        writeln!(out, "{tag}: {}", printable(&f.text))?;
    }
    if findings.is_empty() {
        writeln!(
            out,
            "База {} в порядке: целостность, ссылки, реквизиты, итоги расчета.",
            path.display()
        )?;
    } else {
        writeln!(out, "Итого: ошибок {errors}, предупреждений {warnings}.")?;
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
