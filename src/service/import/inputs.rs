//! `nok import inputs --cycle ID`: raw indicator inputs (исходные данные) per organization, one
//! organization per row, one column per input key of the method (`1.1.stand_present`, or the
//! indicator code with the input's Russian name). Values are checked before anything is written
//! ([`input_check`]: kind, range, numerator not above its denominator with the stored values).
//! Changed inputs mark the cycle's scores stale.
//!
//! The file is streamed row by row through the four stages, each a function here:
//! [`read_row`], [`match_row`] (indexed lookups of the organization, its membership and its
//! stored inputs; the rows above in the file by a temporary table), [`plan_row`] (values checked,
//! and what changes, old → new) and [`stage_row`] (only when applying: the row's changes kept in
//! temporary tables); at the end of the file `store::import_inputs::write_staged` writes all
//! staged rows set-based, with their audit entries. The heap does not grow with the file: the
//! temporary tables are on disk behind a fixed page cache, and only the first rows of each kind
//! are kept for the preview. (The write-ahead log's mapped index does, with the data written:
//! see `store::import_inputs`.)
//!
//! Matching reads the database as it was before the import (nothing is written before the end),
//! so the dry run and the import plan every row alike: one row per organization and part (a
//! second is rejected), and an organization that an earlier row adds to the cycle is remembered
//! in the temporary table, so a later row of another of its parts is planned as a row of a member
//! (whose membership is written with the first).
//!
//! An optional column «Часть» (филиал, подразделение, условия оказания) names a part of the
//! organization assessed separately: that row's inputs are the part's, one row per organization
//! and part; a part named for the first time is added to the organization's membership.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::domain::decimal::plain;
use crate::domain::ids;
use crate::domain::input_check;
use crate::domain::methodology::{IndicatorDef, InputKind};
use crate::exchange::import::Row;
use crate::exchange::import::headers::{Field, join_header_rows, normalize};
use crate::exchange::import::stream::RowSource;
use crate::exchange::import::values::{parse_decimal, parse_yes_no};
use crate::service::methodology::Methods;
use crate::store;
use crate::store::import::OrgRecord;

use super::{
    AUDIT_NOTE, Body, Change, PROGRESS_EVERY, Planned, Preview, Progress, Strays, Writer,
    formula_cells,
};

pub(super) const ID_FIELDS: &[Field] = &[
    Field {
        id: "inn",
        title: "ИНН",
        synonyms: &["инн", "инн организации"],
        unlike: &[],
    },
    Field {
        id: "kpp",
        title: "КПП",
        synonyms: &["кпп"],
        unlike: &[],
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
        unlike: &[],
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
        unlike: &[],
    },
];

/// What a value column holds.
#[derive(Clone)]
pub(super) enum Column {
    Input { key: String, kind: InputKind },
    Check { key: String },
}

impl Column {
    fn key(&self) -> &str {
        match self {
            Column::Input { key, .. } | Column::Check { key } => key,
        }
    }
}

/// Kind of key remembered in the temporary table of rows seen: an organization and its part.
const SEEN_MEMBER_PART: i64 = 11;
/// An organization (its id) that a row of the file adds to the cycle.
const SEEN_MEMBER_ADDED: i64 = 12;

/// A rejected row: the column (its header in the file, "" for the whole row) and why.
type Reject = (String, String);

/// The columns of the file: the header row, the identifying columns and the value columns.
struct Columns {
    header: Row,
    ids: crate::exchange::import::headers::HeaderMap,
    values: Vec<(usize, Column)>,
}

/// What the read stage makes of a row: its identifying cells.
struct InputRow<'r> {
    row: &'r Row,
    /// ИНН and КПП with the leading zeros Excel drops put back.
    inn: Cow<'r, str>,
    kpp: Cow<'r, str>,
    part: &'r str,
    /// The organization's name, for a file without an ИНН column.
    name: &'r str,
}

/// The cycle's members by their names (full and short, as [`normalize`] writes them), for a file
/// that names its organizations without an ИНН: read once per import.
struct MemberNames(HashMap<String, Vec<i64>>);

impl MemberNames {
    fn read(conn: &rusqlite::Connection, cycle_id: i64) -> anyhow::Result<MemberNames> {
        let mut names: HashMap<String, Vec<i64>> = HashMap::new();
        for (id, full, short) in store::import::cycle_member_names(conn, cycle_id)? {
            for name in [full, short] {
                let ids = names.entry(normalize(&name)).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        names.remove("");
        Ok(MemberNames(names))
    }

    /// The one member `name` names, or why not (Russian).
    fn find(&self, name: &str, cycle_id: i64) -> Result<i64, String> {
        match self.0.get(&normalize(name)).map(Vec::as_slice) {
            Some([id]) => Ok(*id),
            Some(ids) if ids.len() > 1 => Err(format!(
                "«{name}» называет {} участников цикла {cycle_id}; укажите ИНН (колонка «ИНН»)",
                ids.len()
            )),
            _ if name.trim().is_empty() => Err(
                "нет ни ИНН, ни наименования организации; укажите ИНН (колонка «ИНН»)".to_string(),
            ),
            _ => Err(format!(
                "организации «{name}» нет среди участников цикла {cycle_id}; проверьте наименование или укажите ИНН (колонка «ИНН»)"
            )),
        }
    }
}

/// What the match stage found: the organization, its membership in the cycle (if any), its
/// part (if named and stored), and the stored values the row is compared with.
struct Matched {
    org: OrgRecord,
    membership: Option<Member>,
    part_id: Option<i64>,
    stored: HashMap<String, f64>,
}

/// An organization's membership in the cycle: stored, or added by an earlier row of the file.
#[derive(Clone, Copy)]
enum Member {
    Stored(i64),
    Above,
}

/// The plan of one row: what changes.
struct RowPlan {
    planned: Planned,
}

pub(super) fn run(
    w: &Writer<'_>,
    rows: &mut dyn RowSource,
    cycle_id: i64,
    preview: &mut Preview,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<()> {
    let conn = w.conn;
    let cycle = store::cycles::get(conn, cycle_id)?
        .ok_or_else(|| anyhow::anyhow!("цикл {cycle_id} не найден; список циклов: nok cycles"))?;
    let methods = Methods::load()?;
    let method = methods.require(&cycle.methodology)?;
    let indicators = method.indicators_for(cycle.sector);
    let names = column_names(&indicators);
    let mut body = Body::open(rows)?;
    let cols = read_header(&mut body, &names, preview).map_err(|_| {
        anyhow::anyhow!(
            "в файле {} не найдена строка заголовка: нужна колонка «ИНН» (или наименования организации) и колонки исходных данных по ключам методики {} (например «{}»)",
            body.source(),
            method.version,
            method
                .input_keys(cycle.sector)
                .first()
                .copied()
                .unwrap_or("1.1.stand_present")
        )
    })?;
    preview.as_read.0 = std::iter::once("ИНН".to_string())
        .chain(
            cols.values
                .iter()
                .map(|(c, _)| cols.header.cell(*c).to_string()),
        )
        .collect();
    store::import::seen_begin(conn)?;
    store::import_inputs::temp_cache(conn)?;
    let mut staging = w.apply.then(|| Staging::begin(conn, &cols)).transpose()?;
    // A file that names its organizations without an ИНН column: by the names of the cycle's
    // members (one of them, exactly, or the row is rejected saying why).
    let by_name = match cols.ids.col(0) {
        Some(_) => None,
        None => Some(MemberNames::read(conn, cycle_id)?),
    };
    let mut any_change = false;
    let mut n = 0usize;
    let mut strays = Strays::default();
    while let Some(row) = body.next()? {
        if n.is_multiple_of(PROGRESS_EVERY) {
            let (done, total) = body.progress();
            progress(Progress::Checking { done, total });
        }
        n += 1;
        // A title, the operator's signature, a total, the row of column numbers: noted, not
        // rejected as rows of organizations.
        if row.is_blank() || strays.skip(&row, cols.ids.get(&row, 0), preview) {
            continue;
        }
        let read = read_row(&cols, &row);
        if w.keep_rows {
            preview.as_read.1.push(
                std::iter::once(read.inn.to_string())
                    .chain(cols.values.iter().map(|(c, _)| row.cell(*c).to_string()))
                    .collect(),
            );
        }
        let step = match formula_cells(&row) {
            Some((col, text)) => Err((
                cols.header.cell(col).to_string(),
                format!("ячейка «{text}» похожа на формулу Excel; введите число"),
            )),
            None => match match_row(conn, &cols, &cycle, by_name.as_ref(), &read)? {
                Ok(matched) => {
                    plan_row(&cols, &indicators, &read, matched).map(|plan| (plan, read.part))
                }
                Err(rejected) => Err(rejected),
            },
        };
        match step {
            Ok(((plan, matched), part)) => {
                if matched.membership.is_none() {
                    store::import::seen_first(
                        conn,
                        SEEN_MEMBER_ADDED,
                        &matched.org.id.to_string(),
                        row.line,
                        "",
                    )?;
                }
                if let Some(staging) = staging.as_mut() {
                    stage_row(conn, staging, &matched, part, &plan)?;
                }
                any_change |= !matches!(plan.planned, Planned::Leave(_));
                preview.plan(plan.planned);
            }
            Err((column, why)) => preview.reject(row.line, &column, why),
        }
    }
    strays.finish(preview);
    if let Some(staging) = staging {
        staging.write(w, cycle_id, progress)?;
    }
    if any_change {
        if w.apply {
            store::import::mark_stale(conn, cycle_id)?;
        }
        preview.notes.push(format!(
            "баллы цикла {cycle_id} устарели: в интерфейсе они пересчитываются сами, в командной строке — nok score --cycle {cycle_id}"
        ));
    }
    let (done, total) = body.progress();
    progress(Progress::Checking {
        done: done.max(total),
        total,
    });
    Ok(())
}

/// Every way a column may name an input of the method (see [`lookup`]).
pub(super) struct ColumnNames {
    /// By its key, and by «код + название» as the template writes it (normalized).
    exact: HashMap<String, Column>,
    /// The indicator's code and the input's name, normalized, for headers worded otherwise.
    named: Vec<(String, String, Column)>,
}

pub(super) fn column_names(indicators: &[&IndicatorDef]) -> ColumnNames {
    let mut names = ColumnNames {
        exact: HashMap::new(),
        named: Vec::new(),
    };
    let mut add = |key: &str, code: &str, name: &str, col: Column| {
        names.exact.insert(key.to_lowercase(), col.clone());
        names
            .exact
            .insert(normalize(&format!("{code} {name}")), col.clone());
        names.named.push((normalize(code), normalize(name), col));
    };
    for ind in indicators {
        for i in &ind.inputs {
            let col = Column::Input {
                key: i.key.clone(),
                kind: i.kind,
            };
            add(&i.key, &ind.code, &i.name, col);
        }
        for c in &ind.checklist {
            add(
                &c.key,
                &ind.code,
                &c.name,
                Column::Check { key: c.key.clone() },
            );
        }
    }
    names
}

/// The read stage's header: the first row with an ИНН column and at least one input column
/// among the first rows, or else the first two rows that are such a header joined column by
/// column (the indicators in merged cells over their inputs, ИНН and КПП over nothing:
/// [`join_header_rows`]); unknown columns are noted.
fn read_header(
    body: &mut Body<'_>,
    names: &ColumnNames,
    preview: &mut Preview,
) -> Result<Columns, ()> {
    let is_header = |r: &Row| {
        let m = crate::exchange::import::headers::map_row(r, ID_FIELDS);
        (m.col(0).is_some() || m.col(3).is_some())
            && r.cells.iter().any(|c| lookup(names, c).is_some())
    };
    let head = body.head();
    let header = match head.iter().position(is_header) {
        Some(at) => body.take_header(at),
        None => {
            let (at, joined) = (1..head.len())
                .map(|i| (i, join_header_rows(&head[i - 1], &head[i])))
                .find(|(_, joined)| is_header(joined))
                .ok_or(())?;
            body.take_header(at);
            joined
        }
    };
    let ids = crate::exchange::import::headers::map_row(&header, ID_FIELDS);
    let mut values: Vec<(usize, Column)> = Vec::new();
    for (c, text) in header.cells.iter().enumerate() {
        if ids.columns.contains(&Some(c)) || text.is_empty() {
            continue;
        }
        match lookup(names, text) {
            Some(col) => values.push((c, col.clone())),
            None if super::numbers_rows(text) => {}
            None => preview
                .unknown_columns
                .push((header.line, c + 1, text.clone())),
        }
    }
    Ok(Columns {
        header,
        ids,
        values,
    })
}

/// The read stage of a row: its ИНН, КПП and part.
fn read_row<'r>(cols: &Columns, row: &'r Row) -> InputRow<'r> {
    InputRow {
        row,
        inn: ids::with_leading_zeros(cols.ids.get(row, 0), 10),
        kpp: ids::with_leading_zeros(cols.ids.get(row, 1), 9),
        part: cols.ids.get(row, 2).trim(),
        name: cols.ids.get(row, 3).trim(),
    }
}

/// The match stage: the organization by ИНН (and КПП) with indexed lookups, one row per
/// organization and part in the file, the cycle's sector, and what is stored for the
/// organization (or its part) in the cycle.
fn match_row(
    conn: &rusqlite::Connection,
    cols: &Columns,
    cycle: &store::cycles::CycleInfo,
    by_name: Option<&MemberNames>,
    read: &InputRow<'_>,
) -> anyhow::Result<Result<Matched, Reject>> {
    let (inn, kpp, part, line) = (&*read.inn, &*read.kpp, read.part, read.row.line);
    let org = if let Some(names) = by_name {
        match names.find(read.name, cycle.id) {
            Ok(id) => store::import::org_by_id(conn, id)?,
            Err(why) => {
                let column = cols.header.cell(cols.ids.col(3).unwrap_or(0)).to_string();
                return Ok(Err((column, why)));
            }
        }
    } else if kpp.is_empty() {
        let mut found = store::import::orgs_by_inn(conn, inn)?;
        if found.len() > 1 {
            return Ok(Err((
                "КПП".to_string(),
                format!("у ИНН {inn} несколько организаций; укажите КПП"),
            )));
        }
        found.pop()
    } else {
        store::import::org_by_inn_kpp(conn, inn, kpp)?
    };
    let Some(org) = org else {
        return Ok(Err((
            cols.header.cell(cols.ids.col(0).unwrap_or(0)).to_string(),
            format!(
                "организации с ИНН {inn} {kpp} нет в базе; сначала загрузите организации (nok import orgs)"
            ),
        )));
    };
    let key = format!("{}/{part}", org.id);
    if let Some((first, _)) = store::import::seen_first(conn, SEEN_MEMBER_PART, &key, line, "")? {
        let what = if part.is_empty() {
            String::new()
        } else {
            format!(", часть «{part}»,")
        };
        return Ok(Err((
            String::new(),
            format!(
                "организация ИНН {}{what} уже была в строке {first}",
                org.inn
            ),
        )));
    }
    if org.sector != cycle.sector.code() {
        return Ok(Err((
            String::new(),
            format!(
                "организация ИНН {} другой сферы, чем цикл {} ({})",
                org.inn,
                cycle.id,
                cycle.sector.name_ru()
            ),
        )));
    }
    let membership = match store::import::membership_of(conn, cycle.id, org.id)? {
        Some(m) => Some(Member::Stored(m)),
        None => store::import::seen_get(conn, SEEN_MEMBER_ADDED, &org.id.to_string())?
            .map(|_| Member::Above),
    };
    // A part's row compares with the part's stored inputs (none for a part not yet known, nor
    // for a member added by an earlier row: its rows are other parts).
    let part_id = match (part.is_empty(), membership) {
        (false, Some(Member::Stored(m))) => store::org_parts::find(conn, m, part)?,
        _ => None,
    };
    let stored = match (part.is_empty(), membership, part_id) {
        (true, Some(Member::Stored(m)), _) => store::import::member_inputs(conn, m)?,
        (false, _, Some(p)) => store::org_parts::inputs(conn, p)?,
        _ => HashMap::new(),
    };
    Ok(Ok(Matched {
        org,
        membership,
        part_id,
        stored,
    }))
}

/// The plan stage: the row's values checked (kind, range, a numerator not above its
/// denominator with the stored values), and what changes: a new member (or part) is an
/// addition, a stored one changes value by value (old → new) or is left.
fn plan_row(
    cols: &Columns,
    indicators: &[&IndicatorDef],
    read: &InputRow<'_>,
    matched: Matched,
) -> Result<(RowPlan, Matched), Reject> {
    let row = read.row;
    let mut values = Vec::new();
    for (c, col) in &cols.values {
        let text = row.cell(*c);
        if text.is_empty() {
            continue;
        }
        let (key, value) = match col {
            Column::Input { key, kind } => {
                match input_check::check_value(*kind, text, parse_decimal(text)) {
                    Ok(v) => (key, v),
                    Err(e) => return Err((cols.header.cell(*c).to_string(), e.to_string())),
                }
            }
            Column::Check { key } => match parse_yes_no(text) {
                Some(v) => (key, v),
                None => {
                    return Err((
                        cols.header.cell(*c).to_string(),
                        format!("«{text}» — нужно 1 или 0 (да или нет)"),
                    ));
                }
            },
        };
        values.push((key.clone(), value));
    }
    if let Some((c, why)) = exceeding(indicators, &cols.values, &values, |key| {
        matched.stored.get(key).copied()
    }) {
        let column = c.map_or(String::new(), |c| cols.header.cell(c).to_string());
        return Err((column, why));
    }
    let mut what = format!("ИНН {} «{}»", matched.org.inn, matched.org.full_name);
    if !read.part.is_empty() {
        what.push_str(&format!(", часть «{}»", read.part));
    }
    let mut fields = Vec::new();
    for (key, value) in &values {
        let old = matched.stored.get(key).copied();
        if old != Some(*value) {
            fields.push((key.clone(), old.map_or(String::new(), plain), plain(*value)));
        }
    }
    let change = Change {
        line: row.line,
        what,
        fields,
    };
    let known = matched.membership.is_some() && (read.part.is_empty() || matched.part_id.is_some());
    let planned = if known && change.fields.is_empty() {
        Planned::Leave(change)
    } else if matched.membership.is_none() {
        Planned::Add(change)
    } else {
        Planned::Update(change)
    };
    Ok((RowPlan { planned }, matched))
}

/// The write stage's state: the key of each value column's input (its position among the
/// distinct keys, as staged entries name it) and which keys a staged row writes.
struct Staging {
    pos: HashMap<String, usize>,
    used: Vec<bool>,
    staged: usize,
}

impl Staging {
    /// Starts staging the rows of a file with these columns.
    fn begin(conn: &rusqlite::Connection, cols: &Columns) -> anyhow::Result<Staging> {
        let mut keys: Vec<&str> = Vec::new();
        let mut pos = HashMap::new();
        for (_, col) in &cols.values {
            let key = match col {
                Column::Input { key, .. } | Column::Check { key } => key,
            };
            if !pos.contains_key(key) {
                pos.insert(key.clone(), keys.len());
                keys.push(key);
            }
        }
        store::import_inputs::stage_begin(conn, &keys)?;
        Ok(Staging {
            used: vec![false; keys.len()],
            pos,
            staged: 0,
        })
    }

    /// Writes every staged row (see `store::import_inputs::write_staged`).
    fn write(
        self,
        w: &Writer<'_>,
        cycle_id: i64,
        progress: &mut dyn FnMut(Progress),
    ) -> anyhow::Result<()> {
        if self.staged == 0 {
            return Ok(());
        }
        let total = self.staged as u64;
        progress(Progress::Writing { done: 0, total });
        store::import_inputs::mark_used(w.conn, &self.used)?;
        store::import_inputs::write_staged(w.conn, cycle_id, &w.at, &w.user, AUDIT_NOTE)?;
        progress(Progress::Writing { done: total, total });
        Ok(())
    }
}

/// The write stage (only when applying): a row that adds or changes something is staged with
/// what it adds (the membership, the part) and its changed values, old → new, in the order of
/// its audit entries; the staged rows are written at the end of the file.
fn stage_row(
    conn: &rusqlite::Connection,
    staging: &mut Staging,
    matched: &Matched,
    part: &str,
    plan: &RowPlan,
) -> anyhow::Result<()> {
    let change = match &plan.planned {
        Planned::Leave(_) => return Ok(()),
        Planned::Add(c) | Planned::Update(c) => c,
    };
    let mut values = Vec::with_capacity(change.fields.len());
    for (key, old, new) in &change.fields {
        let Some(&pos) = staging.pos.get(key) else {
            anyhow::bail!("внутренняя ошибка: ключ {key} не из колонок файла");
        };
        staging.used[pos] = true;
        values.push(store::import_inputs::StagedValue { pos, old, new });
    }
    store::import_inputs::stage(
        conn,
        &store::import_inputs::StagedRow {
            line: change.line,
            org_id: matched.org.id,
            adds_member: matched.membership.is_none(),
            part,
            adds_part: !part.is_empty() && matched.part_id.is_none(),
            what: &change.what,
            values: &values,
        },
    )?;
    staging.staged += 1;
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

/// The input a header names: its key, or «код + название» however typed (case, a dot or a line
/// break after the code: [`normalize`]); else, worded otherwise, the input whose name ends the
/// header after its indicator's code (a header of two rows joined: «1.1 Полнота информации…»
/// over «Число материалов на стендах») or is the whole header (the code left out; only for
/// names of three words or more: «телефон» or «электронная почта» alone is as likely an
/// organization's contact column) — the longest such name, when no other of its length fits.
pub(super) fn lookup<'a>(names: &'a ColumnNames, header: &str) -> Option<&'a Column> {
    if let Some(col) = names.exact.get(&header.trim().to_lowercase()) {
        return Some(col);
    }
    let h = normalize(header);
    if let Some(col) = names.exact.get(&h) {
        return Some(col);
    }
    let fits = |code: &str, name: &str| {
        (h == name && name.split(' ').count() >= 3)
            || (h.len() > code.len() + name.len()
                && h.starts_with(code)
                && h[code.len()..].starts_with(' ')
                && h.ends_with(name)
                && h[..h.len() - name.len()].ends_with(' '))
    };
    let mut best: Option<(usize, &Column)> = None;
    let mut tied = false;
    for (code, name, col) in &names.named {
        if name.is_empty() || !fits(code, name) {
            continue;
        }
        match best {
            Some((len, _)) if len > name.len() => {}
            Some((len, other)) if len == name.len() => tied |= other.key() != col.key(),
            _ => {
                best = Some((name.len(), col));
                tied = false;
            }
        }
    }
    best.filter(|_| !tied).map(|(_, col)| col)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sector::Sector;

    /// The key a header is read as, with the method of 2018 for social services.
    fn read_as(header: &str) -> Option<String> {
        let methods = Methods::builtin().unwrap();
        let method = methods.require("2018").unwrap();
        let names = column_names(&method.indicators_for(Sector::Social));
        lookup(&names, header).map(|c| c.key().to_string())
    }

    #[test]
    fn headers_worded_as_operators_word_them() {
        // The template's own, its key, and retyped.
        assert_eq!(read_as("1.2 телефон").as_deref(), Some("1.2.phone"));
        assert_eq!(read_as("1.2.phone").as_deref(), Some("1.2.phone"));
        assert_eq!(read_as("1.2.\nТЕЛЕФОН").as_deref(), Some("1.2.phone"));
        // Two rows joined: the indicator's code and name over the item's name.
        assert_eq!(
            read_as("1.2 Наличие на официальном сайте информации о дистанционных способах телефон")
                .as_deref(),
            Some("1.2.phone")
        );
        assert_eq!(
            read_as(
                "1.3 Доля получателей услуг, удовлетворенных открытостью Число ответивших о сайте"
            )
            .as_deref(),
            Some("1.3.asked_site")
        );
        // The code left out: a name of three words or more is specific enough…
        assert_eq!(
            read_as("Число ответивших о сайте").as_deref(),
            Some("1.3.asked_site")
        );
        // …a short one is as likely an organization's contact column.
        assert_eq!(read_as("Телефон"), None);
        assert_eq!(read_as("Электронная почта"), None);
        // Another indicator's code before the name is no match.
        assert_eq!(read_as("2.1 телефон"), None);
        assert_eq!(read_as("Руководитель"), None);
    }
}
