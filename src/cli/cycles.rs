//! `nok cycles`: the assessment cycles, the cycle id first.

use std::process::ExitCode;

use super::Context;
use crate::service::table::{Cell, Format, Table};
use crate::store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Вид вывода: table — таблица для чтения, csv — для Excel
    #[arg(long, value_enum, default_value_t = Format::Table, value_name = "ВИД")]
    format: Format,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let (_, conn) = super::open_work_db(ctx)?;
    let mut table = Table::new(&[
        "Цикл",
        "Год",
        "Сфера",
        "Регион",
        "Уполномоченный орган",
        "Статус",
        "Организаций",
        "Средний S",
        "Расчет",
    ]);
    for c in store::cycles::list(&conn)? {
        table.push(vec![
            Cell::Int(c.id),
            Cell::Int(i64::from(c.year)),
            Cell::Text(c.sector.name_ru().to_string()),
            Cell::Text(c.region),
            Cell::Text(c.authority),
            Cell::Text(c.status.name_ru().to_string()),
            Cell::Int(c.orgs),
            c.mean_total.map_or(Cell::Empty, |m| Cell::Dec(m, 2)),
            Cell::Text(
                if c.scores_stale {
                    "устарел"
                } else {
                    "актуален"
                }
                .to_string(),
            ),
        ]);
    }
    table.write(args.format, &mut super::out::stdout())?;
    Ok(ExitCode::SUCCESS)
}
