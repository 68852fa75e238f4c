//! `nok receipt FILE`: reads the portal's receipt (протокол загрузки, `confirmation`) and marks
//! each exported position accepted or rejected with its violations.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use crate::domain::text::printable;
use crate::exchange::busgov::receipt::Outcome;
use crate::service::export::receipt::apply;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Файл протокола загрузки с портала (XML, корневой элемент confirmation)
    #[arg(value_name = "ФАЙЛ")]
    file: PathBuf,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let (_, mut conn) = super::open_work_db(ctx)?;
    let s = apply(&mut conn, &args.file)?;
    let mut out = super::out::stdout();
    let c = &s.confirmation;
    writeln!(
        out,
        "Протокол загрузки: пакет {} — {}",
        c.ref_id.as_deref().unwrap_or("(без refId)"),
        match c.result {
            Outcome::Success => "обработан",
            Outcome::Failure => "не обработан",
        }
    )?;
    writeln!(
        out,
        "Принято позиций: {}; отклонено: {}",
        s.accepted, s.rejected
    )?;
    for p in c.positions.iter().filter(|p| !p.violations.is_empty()) {
        if s.unknown.contains(&p.ref_position_id) {
            continue;
        }
        writeln!(out, "  {}:", p.ref_position_id)?;
        for v in &p.violations {
            writeln!(
                out,
                "    {} {} «{}»: {}",
                if v.level == "warning" {
                    "предупреждение"
                } else {
                    "ошибка"
                },
                printable(&v.code),
                printable(&v.name),
                printable(&v.description)
            )?;
        }
    }
    for v in &c.violations {
        writeln!(
            out,
            "  пакет: {} «{}»: {}",
            printable(&v.code),
            printable(&v.name),
            printable(&v.description)
        )?;
    }
    if !s.unknown.is_empty() {
        let mut err = super::out::stderr();
        writeln!(
            err,
            "Неизвестные позиции ({}): в этой базе не выгружались — проверьте, что протокол относится к пакету из этой базы:",
            s.unknown.len()
        )?;
        for id in &s.unknown {
            writeln!(err, "  {}", printable(id))?;
        }
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
