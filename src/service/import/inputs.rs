//! `nok import inputs --cycle ID`: raw indicator inputs (исходные данные) per organization, one
//! organization per row, one column per input key of the method (`1.1.stand_present`, or the
//! indicator code with the input's Russian name). Values are checked before anything is written
//! ([`input_check`]: kind, range, numerator not above its denominator with the stored values).
//! Changed inputs mark the cycle's scores stale.
//!
//! An optional column «Часть» (филиал, подразделение, условия оказания) names a part of the
//! organization assessed separately: that row's inputs are the part's, one row per organization
//! and part; a part named for the first time is added to the organization's membership.

use std::collections::HashMap;

use crate::domain::input_check::{self, number as num};
use crate::domain::methodology::{IndicatorDef, InputKind};
use crate::exchange::import::Sheet;
use crate::exchange::import::headers::{Field, normalize};
use crate::exchange::import::values::{parse_decimal, parse_yes_no};
use crate::service::methodology::Methods;
use crate::store;
use crate::store::audit::Action;

use super::{Change, PROGRESS_EVERY, Preview, Progress, Writer, formula_cells};

const ID_FIELDS: &[Field] = &[
    Field {
        id: "inn",
        title: "ИНН",
        synonyms: &["инн", "инн организации"],
    },
    Field {
        id: "kpp",
        title: "КПП",
        synonyms: &["кпп"],
    },
    Field {
        id: "part",
        title: "Часть",
        synonyms: &[
            "часть",
            "часть организации",
            "филиал",
            "подразделение",
            "условия оказания",
            "условия оказания помощи",
        ],
    },
    Field {
        id: "name",
        title: "Организация",
        synonyms: &[
            "наименование",
            "организация",
            "наименование организации",
            "полное наименование",
        ],
    },
];

/// What a value column holds.
#[derive(Clone)]
enum Column {
    Input { key: String, kind: InputKind },
    Check { key: String },
}

pub(super) fn run(
    w: &Writer<'_>,
    sheet: &Sheet,
    cycle_id: i64,
    preview: &mut Preview,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<()> {
    let conn = w.conn;
    let cycle = store::cycles::get(conn, cycle_id)?
        .ok_or_else(|| anyhow::anyhow!("цикл {cycle_id} не найден; список циклов: nok cycles"))?;
    let methods = Methods::load()?;
    let method = methods.require(&cycle.methodology)?;
    // Every way a column may name an input: its key, or «код + название».
    let mut names: HashMap<String, Column> = HashMap::new();
    for ind in method.indicators_for(cycle.sector) {
        for i in &ind.inputs {
            let col = Column::Input {
                key: i.key.clone(),
                kind: i.kind,
            };
            names.insert(i.key.to_lowercase(), col.clone());
            names.insert(normalize(&format!("{} {}", ind.code, i.name)), col);
        }
        for c in &ind.checklist {
            let col = Column::Check { key: c.key.clone() };
            names.insert(c.key.to_lowercase(), col.clone());
            names.insert(normalize(&format!("{} {}", ind.code, c.name)), col);
        }
    }
    // The header: the first row with an ИНН column and at least one input column.
    let header_at = sheet.rows.iter().take(200).position(|r| {
        let m = crate::exchange::import::headers::map_row(r, ID_FIELDS);
        m.col(0).is_some() && r.cells.iter().any(|c| lookup(&names, c).is_some())
    });
    let Some(at) = header_at else {
        anyhow::bail!(
            "в файле {} не найдена строка заголовка: нужна колонка «ИНН» и колонки исходных данных по ключам методики {} (например «{}»)",
            sheet.source,
            method.version,
            method
                .input_keys(cycle.sector)
                .first()
                .copied()
                .unwrap_or("1.1.stand_present")
        );
    };
    let header = &sheet.rows[at];
    let indicators = method.indicators_for(cycle.sector);
    let ids = crate::exchange::import::headers::map_row(header, ID_FIELDS);
    let mut columns: Vec<(usize, Column)> = Vec::new();
    for (c, text) in header.cells.iter().enumerate() {
        if ids.columns.contains(&Some(c)) || text.is_empty() {
            continue;
        }
        match lookup(&names, text) {
            Some(col) => columns.push((c, col.clone())),
            None => preview
                .unknown_columns
                .push((header.line, c + 1, text.clone())),
        }
    }
    preview.as_read.0 = std::iter::once("ИНН".to_string())
        .chain(columns.iter().map(|(c, _)| header.cell(*c).to_string()))
        .collect();
    let orgs = store::import::organizations(conn)?;
    let by_key: HashMap<(&str, &str), &store::import::OrgRecord> = orgs
        .iter()
        .map(|o| ((o.inn.as_str(), o.kpp.as_str()), o))
        .collect();
    let mut by_inn: HashMap<&str, Vec<&store::import::OrgRecord>> = HashMap::new();
    for o in &orgs {
        by_inn.entry(o.inn.as_str()).or_default().push(o);
    }
    let mut members = store::import::memberships(conn, cycle_id)?;
    let stored = store::import::cycle_inputs(conn, cycle_id)?;
    let mut seen: HashMap<(i64, String), usize> = HashMap::new();
    let mut any_change = false;
    let rows = &sheet.rows[at + 1..];
    let total = rows.len() as u64;
    for (n, row) in rows.iter().enumerate() {
        if n % PROGRESS_EVERY == 0 {
            progress(Progress::Checking {
                done: n as u64,
                total,
            });
        }
        if row.is_blank() {
            continue;
        }
        let inn = ids.get(row, 0);
        let kpp = ids.get(row, 1);
        let part = ids.get(row, 2).trim();
        if !w.write {
            preview.as_read.1.push(
                std::iter::once(inn.to_string())
                    .chain(columns.iter().map(|(c, _)| row.cell(*c).to_string()))
                    .collect(),
            );
        }
        if let Some((col, text)) = formula_cells(row) {
            preview.reject(
                row.line,
                header.cell(col),
                format!("ячейка «{text}» похожа на формулу Excel; введите число"),
            );
            continue;
        }
        let org = if kpp.is_empty() {
            match by_inn.get(inn).map(Vec::as_slice) {
                Some([one]) => Some(*one),
                Some(_) => {
                    preview.reject(
                        row.line,
                        "КПП",
                        format!("у ИНН {inn} несколько организаций; укажите КПП"),
                    );
                    continue;
                }
                None => None,
            }
        } else {
            by_key.get(&(inn, kpp)).copied()
        };
        let Some(org) = org else {
            preview.reject(row.line, header.cell(ids.col(0).unwrap_or(0)), format!("организации с ИНН {inn} {kpp} нет в базе; сначала загрузите организации (nok import orgs)"));
            continue;
        };
        if let Some(first) = seen.insert((org.id, part.to_string()), row.line) {
            let what = if part.is_empty() {
                String::new()
            } else {
                format!(", часть «{part}»,")
            };
            preview.reject(
                row.line,
                "",
                format!("организация ИНН {inn}{what} уже была в строке {first}"),
            );
            continue;
        }
        if org.sector != cycle.sector.code() {
            preview.reject(
                row.line,
                "",
                format!(
                    "организация ИНН {inn} другой сферы, чем цикл {cycle_id} ({})",
                    cycle.sector.name_ru()
                ),
            );
            continue;
        }
        // Values of the row, checked before anything is written.
        let mut values = Vec::new();
        let mut bad = None;
        for (c, col) in &columns {
            let text = row.cell(*c);
            if text.is_empty() {
                continue;
            }
            let (key, value) = match col {
                Column::Input { key, kind } => {
                    match input_check::check_value(*kind, text, parse_decimal(text)) {
                        Ok(v) => (key, v),
                        Err(e) => {
                            bad = Some((*c, e.to_string()));
                            break;
                        }
                    }
                }
                Column::Check { key } => match parse_yes_no(text) {
                    Some(v) => (key, v),
                    None => {
                        bad = Some((*c, format!("«{text}» — нужно 1 или 0 (да или нет)")));
                        break;
                    }
                },
            };
            values.push((key.clone(), value));
        }
        if let Some((c, why)) = bad {
            preview.reject(row.line, header.cell(c), why);
            continue;
        }
        let mut what = format!("ИНН {} «{}»", org.inn, org.full_name);
        let membership = members.get(&org.id).copied();
        // A part's row compares with the part's stored inputs (none for a part not yet known).
        let part_id = match (part.is_empty(), membership) {
            (false, Some(m)) => store::org_parts::find(conn, m, part)?,
            _ => None,
        };
        let part_stored = match part_id {
            Some(p) => store::org_parts::inputs(conn, p)?,
            None => HashMap::new(),
        };
        if let Some((c, why)) = exceeding(&indicators, &columns, &values, |key| {
            if part.is_empty() {
                membership.and_then(|m| stored.get(&(m, key.to_string())).copied())
            } else {
                part_stored.get(key).copied()
            }
        }) {
            let column = c.map_or(String::new(), |c| header.cell(c).to_string());
            preview.reject(row.line, &column, why);
            continue;
        }
        if !part.is_empty() {
            what.push_str(&format!(", часть «{part}»"));
        }
        let mut fields = Vec::new();
        for (key, value) in &values {
            let old = if part.is_empty() {
                membership.and_then(|m| stored.get(&(m, key.clone())).copied())
            } else {
                part_stored.get(key).copied()
            };
            if old != Some(*value) {
                fields.push((key.clone(), old.map_or(String::new(), num), num(*value)));
            }
        }
        let change = Change {
            line: row.line,
            what,
            fields,
        };
        if membership.is_some()
            && (part.is_empty() || part_id.is_some())
            && change.fields.is_empty()
        {
            preview.unchanged += 1;
            continue;
        }
        if w.write {
            let m = match membership {
                Some(m) => m,
                None => {
                    let m = store::import::add_membership(conn, cycle_id, org.id)?;
                    w.audit(
                        Action::Insert,
                        "membership",
                        Some(m),
                        None,
                        None,
                        Some(&change.what),
                    )?;
                    members.insert(org.id, m);
                    m
                }
            };
            if part.is_empty() {
                for (key, value) in &values {
                    store::import::set_input(conn, m, key, *value)?;
                }
                w.audit_change("indicator_input", m, &change)?;
            } else {
                let p = match part_id {
                    Some(p) => p,
                    None => {
                        let p = store::org_parts::add(conn, m, part)?;
                        w.audit(
                            Action::Insert,
                            "org_part",
                            Some(p),
                            Some("name"),
                            None,
                            Some(part),
                        )?;
                        p
                    }
                };
                for (key, value) in &values {
                    store::org_parts::set_input(conn, p, key, *value)?;
                }
                w.audit_change("org_part_input", p, &change)?;
            }
        }
        any_change = true;
        if membership.is_none() {
            preview.added.push(change);
        } else {
            preview.changed.push(change);
        }
    }
    if any_change && w.write {
        store::import::mark_stale(conn, cycle_id)?;
    }
    if any_change {
        preview.notes.push(format!(
            "баллы цикла {cycle_id} устарели: в интерфейсе они пересчитываются сами, в командной строке — nok score --cycle {cycle_id}"
        ));
    }
    progress(Progress::Checking { done: total, total });
    Ok(())
}

/// The first numerator of the row above its denominator (the row's values over the stored ones):
/// the column of the row's side of the pair (the numerator's when both are in the row), and why.
fn exceeding(
    indicators: &[&IndicatorDef],
    columns: &[(usize, Column)],
    values: &[(String, f64)],
    stored: impl Fn(&str) -> Option<f64>,
) -> Option<(Option<usize>, String)> {
    let in_row = |key: &str| values.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
    let found = input_check::exceeding(indicators, |key| in_row(key).or_else(|| stored(key)));
    // A pair already wrong in the database and untouched by this row is not the row's fault.
    let e = found
        .into_iter()
        .find(|e| in_row(&e.numerator.key).is_some() || in_row(&e.denominator.key).is_some())?;
    let column_of = |key: &str| {
        columns.iter().find_map(|(c, col)| match col {
            Column::Input { key: k, .. } if k == key => Some(*c),
            _ => None,
        })
    };
    let column = in_row(&e.numerator.key)
        .and(column_of(&e.numerator.key))
        .or_else(|| column_of(&e.denominator.key));
    let stored_note = match (
        in_row(&e.numerator.key).is_none(),
        in_row(&e.denominator.key).is_none(),
    ) {
        (true, _) => format!(" (значение {} — из базы)", e.numerator.key),
        (_, true) => format!(" (значение {} — из базы)", e.denominator.key),
        _ => String::new(),
    };
    Some((column, format!("{e}{stored_note}")))
}

fn lookup<'a>(names: &'a HashMap<String, Column>, header: &str) -> Option<&'a Column> {
    names
        .get(&header.trim().to_lowercase())
        .or_else(|| names.get(&normalize(header)))
}
