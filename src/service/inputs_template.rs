//! A file to fill in with a cycle's inputs (исходные данные) and load back: a row per
//! organization (ИНН, КПП, name) and a column per input and checklist item of the cycle's
//! method for its sector, headed «код показателя + название» as `nok import inputs` reads them.
//! Counts are whole numbers, checklist items 1 or 0 (да/нет); an empty cell is not loaded.

use anyhow::Context;
use rusqlite::Connection;

use crate::service::methodology::Methods;
use crate::service::table::{Cell, Table};
use crate::store;

/// How the template's file is named, before the cycle's number (`исходные-данные-цикл-7.csv`):
/// the guide of «Сводка» saves it so, `nok export table template` too, and the guide's file
/// picker starts on it.
pub const FILE_STEM: &str = "исходные-данные-цикл-";

/// The template of cycle `cycle_id`.
pub fn build(conn: &Connection, methods: &Methods, cycle_id: i64) -> anyhow::Result<Table> {
    let cycle = store::cycles::get(conn, cycle_id)?
        .with_context(|| format!("цикл {cycle_id} не найден; список циклов: nok cycles"))?;
    let method = methods.require(&cycle.methodology)?;
    let mut headers = vec![
        "ИНН".to_string(),
        "КПП".to_string(),
        "Организация".to_string(),
    ];
    for ind in method.indicators_for(cycle.sector) {
        for i in &ind.inputs {
            headers.push(format!("{} {}", ind.code, i.name));
        }
        for c in &ind.checklist {
            headers.push(format!("{} {}", ind.code, c.name));
        }
    }
    let blanks = headers.len() - 3;
    let mut table = Table {
        headers,
        rows: Vec::new(),
    };
    for (inn, kpp, name) in store::first_steps::template_orgs(conn, cycle_id)? {
        let mut row = vec![Cell::Text(inn), Cell::Text(kpp), Cell::Text(name)];
        row.extend(std::iter::repeat_n(Cell::Empty, blanks));
        table.push(row);
    }
    Ok(table)
}
