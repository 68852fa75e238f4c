//! `nok score --cycle ID`: recompute the cycle and print its rating.

use std::io::Write;
use std::process::ExitCode;

use super::Context;
use crate::service::methodology::Methods;
use crate::service::recompute::{recompute_cycle, recompute_cycle_full};
use crate::service::table::{Cell, Format, Table};
use crate::store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Номер цикла (первая колонка nok cycles)
    #[arg(long, value_name = "ID")]
    cycle: i64,
    /// Вид вывода: table — таблица для чтения, csv — для Excel
    #[arg(long, value_enum, default_value_t = Format::Table, value_name = "ВИД")]
    format: Format,
    /// Рассчитать заново всех участников по исходным данным, а не только тех, чьи данные
    /// изменились после прошлого расчета (результат тот же; дольше)
    #[arg(long)]
    full: bool,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let (_, mut conn) = super::open_work_db(ctx)?;
    let methods = Methods::load()?;
    let done = if args.full {
        recompute_cycle_full(&mut conn, &methods, args.cycle)?
    } else {
        recompute_cycle(&mut conn, &methods, args.cycle)?
    };
    let cycle = store::cycles::get(&conn, args.cycle)?
        .ok_or_else(|| anyhow::anyhow!("цикл {} не найден", args.cycle))?;
    let method = methods.require(&cycle.methodology)?;
    let codes: Vec<&str> = method.criteria.iter().map(|c| c.code.as_str()).collect();
    let rows = store::scores::rating(&conn, args.cycle, &codes)?;

    let mut headers = vec!["Место", "Организация", "ИНН"];
    headers.extend(codes.iter().copied());
    headers.extend(["S", "Группа", "Место в группе"]);
    let mut table = Table::new(&headers);
    let digits = method.rounding.digits as usize;
    for r in rows {
        let mut row = vec![
            Cell::Int(i64::from(r.place)),
            Cell::Text(r.org_name),
            Cell::Text(r.inn),
        ];
        row.extend(
            r.criteria
                .iter()
                .map(|v| v.map_or(Cell::Empty, |v| Cell::Dec(v, digits))),
        );
        row.push(Cell::Dec(r.total, digits));
        row.push(Cell::Text(r.group));
        row.push(Cell::Int(i64::from(r.group_place)));
        table.push(row);
    }

    let mut out = super::out::stdout();
    if args.format == Format::Table {
        writeln!(
            out,
            "Цикл {}: {} год, {}, {} — {}; методика {}; рассчитано организаций: {}",
            cycle.id,
            cycle.year,
            cycle.sector.name_ru(),
            cycle.region,
            cycle.authority,
            method.version,
            done.scored
        )?;
    }
    table.write(args.format, &mut out)?;
    if args.format == Format::Table {
        let short: Vec<String> = crate::service::survey::sample_check(&conn, args.cycle)?
            .into_iter()
            .filter(|r| r.below())
            .map(|r| {
                format!(
                    "{} (опрошено {}, требуется {})",
                    r.name,
                    r.respondents,
                    r.required.unwrap_or(0)
                )
            })
            .collect();
        if !short.is_empty() {
            writeln!(
                out,
                "Выборка меньше требуемой методикой (отметка, в рейтинге остаются): {}",
                crate::domain::text::printable(&short.join("; "))
            )?;
        }
    }
    if done.failed.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let mut err = super::out::stderr();
    writeln!(
        err,
        "Не рассчитаны из-за ошибок в исходных данных ({}), в рейтинг не вошли:",
        done.failed.len()
    )?;
    for (_, why) in &done.failed {
        writeln!(err, "  {why}")?;
    }
    Ok(ExitCode::from(1))
}
