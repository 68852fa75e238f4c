//! `nok import plan`: rows of an improvement plan (план по устранению недостатков) in the columns
//! of the plan form, matched by number within cycle and organization. In stages: read the table;
//! match its rows against the database as it was before the import ([`Matcher::matched`]:
//! organization, membership, deadline, criterion, repeats), rejecting what does not fit; plan each
//! matched row ([`plan_row`] → [`Step`]: add, update field by field, or left as stored); write the
//! plan (a real import only: staged row by row, written set-based at the end with its audit
//! entries, [`Matcher::finish`]). The preview shows the plan of changes either way; the dry run
//! reads only (a read transaction, no write lock).
//!
//! A plan table with a header row in a CSV or a workbook (a region's plan for a whole cycle, one
//! row per measure with an «ИНН организации» column: 100,000 to 1,000,000 rows) is streamed
//! ([`run_streamed`]): its header is found among the first rows by the same rules, then each row
//! is read, matched by indexed lookups (organization, membership, the stored row with its number;
//! the rows above it in a temporary table) and staged as it comes, so memory does not grow with
//! the file. Plan documents — tab text pasted from Word, text laid out with spaces, a table whose
//! columns a person confirmed (`--columns`), the layouts of [`layout`] — are read whole
//! ([`run_whole`]): their table is found by what all their rows hold, and they are
//! document-sized. Both go through the same match, plan and write stages.

use chrono::NaiveDate;

use crate::domain::plan::{Person, PlanRow, PlanStatus};
use crate::domain::plan_criterion::{self, CriterionError};
use crate::exchange::import::Format;
use crate::exchange::import::headers::{Field, HeaderMap};
use crate::exchange::import::layout::{self, Role};
use crate::exchange::import::stream::RowSource;
use crate::exchange::import::table::{self, Entry, Item};
use crate::exchange::import::values::roman;
use crate::exchange::import::{Row, Sheet, executors};
use crate::service::methodology::Methods;
use crate::store;
use crate::store::import::PlanRecord;

use super::{
    Body, Change, PROGRESS_EVERY, Planned, Preview, Progress, Strays, Writer, formula_cells,
    need_header, note_unknown, stream_header,
};

pub(super) const FIELDS: &[Field] = &[
    Field {
        id: "number",
        title: "№ п/п",
        synonyms: &["№ п/п", "№", "n п/п", "номер"],
        unlike: &[],
    },
    Field {
        id: "shortcoming",
        title: "Недостаток",
        synonyms: &[
            "недостатки выявленные в ходе независимой оценки качества условий оказания услуг организацией",
            "недостатки выявленные в ходе независимой оценки",
            "недостатки",
            "недостаток",
            "основание реализации результат независимой оценки качества",
            "основание реализации",
        ],
        unlike: &[],
    },
    Field {
        id: "measure",
        title: "Наименование мероприятия",
        synonyms: &[
            "наименование мероприятия по устранению недостатков выявленных в ходе независимой оценки качества условий оказания услуг организацией",
            "наименование мероприятия по устранению недостатков",
            "наименование мероприятия",
            "мероприятие",
            "мероприятия",
        ],
        unlike: &[],
    },
    Field {
        id: "deadline",
        title: "Плановый срок реализации",
        synonyms: &[
            "плановый срок реализации мероприятия",
            "плановый срок реализации",
            "срок реализации",
            "срок исполнения",
            "сроки исполнения",
            "срок",
        ],
        unlike: &[],
    },
    Field {
        id: "responsible",
        title: "Ответственный исполнитель",
        synonyms: &[
            "ответственный исполнитель с указанием фамилии имени отчества и должности",
            "ответственный исполнитель",
            "ответственные исполнители",
            "ответственный",
            "исполнитель",
        ],
        unlike: &[],
    },
    Field {
        id: "result",
        title: "Результат",
        synonyms: &["результат", "ожидаемый результат"],
        unlike: &[],
    },
    Field {
        id: "indicators",
        title: "Показатели",
        synonyms: &[
            "показатели характеризующие результат выполнения мероприятия",
            "показатели",
        ],
        unlike: &[],
    },
    Field {
        id: "org_inn",
        title: "ИНН организации",
        synonyms: &["инн организации", "инн"],
        unlike: &[],
    },
];
const NUMBER: usize = 0;
const SHORTCOMING: usize = 1;
const MEASURE: usize = 2;
const DEADLINE: usize = 3;
const RESPONSIBLE: usize = 4;
const RESULT: usize = 5;
const INDICATORS: usize = 6;
const ORG_INN: usize = 7;

/// «Иванова Анна Петровна, заместитель директора», «Иванова А.П., директор», «директор Иванова
/// А.П.» → a person with position.
pub fn parse_person(text: &str) -> Person {
    let first = executors::split(text)
        .into_iter()
        .next()
        .unwrap_or_default();
    let (name, position) = match text.split_once(',') {
        Some((n, p)) => (n.trim().to_string(), p.trim().to_string()),
        None => {
            // The name is the first executor found; what surrounds it is the position.
            let rest = text.replacen(&first, "", 1);
            (
                first.clone(),
                rest.trim().trim_matches(',').trim().to_string(),
            )
        }
    };
    let tokens: Vec<&str> = name.split_whitespace().collect();
    let mut p = Person {
        position,
        ..Person::default()
    };
    let is_caps = |t: &&str| t.chars().next().is_some_and(char::is_uppercase);
    if tokens.len() <= 3 && tokens.iter().all(is_caps) {
        // Initials written together: «А.П.».
        let mut parts: Vec<String> = tokens.iter().map(|t| t.to_string()).collect();
        if parts.len() == 2 && parts[1].matches('.').count() == 2 && parts[1].chars().count() == 4 {
            let init = parts.remove(1);
            let mut cs = init.split_inclusive('.');
            parts.push(cs.next().unwrap_or_default().to_string());
            parts.push(cs.next().unwrap_or_default().to_string());
        }
        let mut it = parts.into_iter();
        p.last_name = it.next().unwrap_or_default();
        p.first_name = it.next().unwrap_or_default();
        p.middle_name = it.next().unwrap_or_default();
    } else {
        p.last_name = name;
    }
    p
}

/// The criterion of a section heading numbered `number` (`II`, `2`), by the method's criteria.
fn criterion_of_section(number: &str, criteria: &[String]) -> Result<String, CriterionError> {
    match roman(number).or_else(|| number.parse().ok()) {
        Some(n) => plan_criterion::of_section(number, n, criteria),
        None => Err(CriterionError::Unknown {
            number: number.to_string(),
        }),
    }
}

/// Never reached: a header search that failed returns its error first.
fn unreachable_table(sheet: &Sheet) -> anyhow::Result<(Vec<String>, HeaderMap, table::Table)> {
    anyhow::bail!(
        "в файле {} не найдена таблица плана: нет строки заголовка и нет строк с номерами пунктов",
        sheet.source
    )
}

/// The plan's table found by what its rows hold (a text document whose header is garbled or
/// missing), or as a person confirmed it (`--columns`): field titles, the columns as a header
/// map, and the entries. `None` when no run of numbered rows is found.
fn by_content(
    sheet: &Sheet,
    columns: Option<&[Role]>,
    preview: &mut Preview,
) -> anyhow::Result<Option<(Vec<String>, HeaderMap, table::Table)>> {
    let Some(found) = layout::find(&sheet.rows, 0, sheet.rows.len(), columns) else {
        return Ok(None);
    };
    let field_of = |role: Role| match role {
        Role::Number => Some(NUMBER),
        Role::Basis => Some(SHORTCOMING),
        Role::Measure => Some(MEASURE),
        Role::Deadline => Some(DEADLINE),
        Role::Executors => Some(RESPONSIBLE),
        Role::Result => Some(RESULT),
        Role::Indicators => Some(INDICATORS),
        Role::Note | Role::Other => None,
    };
    let mut map = HeaderMap {
        line: found.header_line,
        columns: vec![None; FIELDS.len()],
        unknown: Vec::new(),
    };
    let mut titles: Vec<String> = FIELDS.iter().map(|f| f.title.to_string()).collect();
    for r in &found.roles {
        preview.columns.push((
            r.column + 1,
            r.role.name_ru().to_string(),
            r.header.clone(),
            r.why.clone(),
        ));
        match field_of(r.role) {
            Some(f) => {
                map.columns[f] = Some(r.column);
                if !r.header.is_empty() {
                    titles[f] = r.header.clone();
                }
            }
            None => map.unknown.push((r.column, r.header.clone())),
        }
    }
    if let Some(why) = &found.uncertain {
        let suggested: Vec<&str> = {
            let width = found.roles.iter().map(|r| r.column + 1).max().unwrap_or(0);
            (0..width)
                .map(|c| {
                    found
                        .roles
                        .iter()
                        .find(|r| r.column == c)
                        .map_or("-", |r| r.role.name_ru())
                })
                .collect()
        };
        preview.columns_uncertain = Some(format!(
            "в файле {}: колонки таблицы плана определены неуверенно: {why}. Проверьте (--dry-run) и подтвердите роли колонок слева направо: --columns \"{}\"",
            sheet.source,
            suggested.join(",")
        ));
    }
    if map.col(DEADLINE).is_none() {
        anyhow::bail!(
            "в файле {}: в таблице плана (строка {}) не найдена колонка сроков; укажите роли колонок: --columns \"№,недостаток,мероприятие,срок,исполнители,результат,показатели\"",
            sheet.source,
            found.header_line
        );
    }
    // Sections and items in the order of the document.
    let mut entries: Vec<(usize, Entry)> = found
        .sections
        .iter()
        .map(|(line, number, title)| {
            (
                *line,
                Entry::Section {
                    line: *line,
                    number: number.clone(),
                    title: title.clone(),
                },
            )
        })
        .collect();
    for it in &found.items {
        let cells = (0..FIELDS.len())
            .map(|f| match map.col(f) {
                _ if f == NUMBER => it.number.clone(),
                Some(c) => it.cells.get(c).cloned().unwrap_or_default(),
                None => String::new(),
            })
            .collect();
        entries.push((
            it.line,
            Entry::Item(Item {
                line: it.line,
                last_line: it.last_line,
                number: it.number.clone(),
                cells,
            }),
        ));
    }
    entries.sort_by_key(|(line, e)| (*line, matches!(e, Entry::Item(_))));
    for (line, text) in &found.dropped {
        preview.notes.push(format!(
            "строка {line} пропущена (мусор переноса страницы или повтор заголовка): «{text}»"
        ));
    }
    let t = table::Table {
        entries: entries.into_iter().map(|(_, e)| e).collect(),
        stray: found.stray.clone(),
        bad_numbers: Vec::new(),
        repeated_headers: 0,
    };
    Ok(Some((titles, map, t)))
}

/// Read stage: the plan's table (column titles, header map, items), found by its header, or by
/// what its rows hold in a document whose header is garbled or whose columns a person confirmed.
/// Columns the reader is unsure of stop a real import (the preview shows why).
fn read_table(
    sheet: &Sheet,
    columns: Option<&[Role]>,
    preview: &mut Preview,
    apply: bool,
) -> anyhow::Result<(Vec<String>, HeaderMap, table::Table)> {
    let read = match (need_header(sheet, FIELDS, 3), columns) {
        (Ok((at, map)), None) => {
            check_columns(&sheet.source, &map)?;
            note_unknown(preview, &map);
            let titles = titles_of(&sheet.rows[at], &map);
            let t = table::read(&sheet.rows[at + 1..], &map, FIELDS, NUMBER, 3);
            (titles, map, t)
        }
        // A document whose header is garbled or missing, or whose columns a person
        // confirmed: the table found by what its rows hold.
        (found, columns)
            if columns.is_some()
                || !matches!(sheet.format, Format::Csv { .. } | Format::Workbook { .. }) =>
        {
            match by_content(sheet, columns, preview)? {
                Some(read) => read,
                None => {
                    found?;
                    unreachable_table(sheet)?
                }
            }
        }
        (found, _) => {
            found?;
            unreachable_table(sheet)?
        }
    };
    if let Some(why) = &preview.columns_uncertain
        && apply
    {
        anyhow::bail!(why.clone());
    }
    Ok(read)
}

/// The import of a plan table: read → match → plan → write (the last only when `w.apply`). A
/// table with a header row in a CSV or a workbook is streamed ([`run_streamed`]); a document (tab
/// text, text laid out with spaces) or a table whose columns a person confirmed is read whole
/// ([`run_whole`]).
#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    w: &Writer<'_>,
    rows: &mut dyn RowSource,
    cycle_id: i64,
    org: Option<&str>,
    columns: Option<&[Role]>,
    today: NaiveDate,
    preview: &mut Preview,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<()> {
    let conn = w.conn;
    let cycle = store::cycles::get(conn, cycle_id)?
        .ok_or_else(|| anyhow::anyhow!("цикл {cycle_id} не найден; список циклов: nok cycles"))?;
    let methods = Methods::load()?;
    let criteria: Vec<String> = methods
        .require(&cycle.methodology)?
        .criteria
        .iter()
        .map(|c| c.code.clone())
        .collect();
    let tabular = matches!(rows.format(), Format::Csv { .. } | Format::Workbook { .. });
    if tabular && columns.is_none() {
        run_streamed(w, rows, cycle_id, org, &criteria, today, preview, progress)?;
    } else {
        let sheet = super::whole(rows)?;
        run_whole(
            w, &sheet, cycle_id, org, &criteria, columns, today, preview, progress,
        )?;
    }
    // Rows with a wrong number may be named before the item above them: list every rejection
    // in the file's order.
    preview.rejected.sort_by_key(|r| r.line);
    Ok(())
}

/// The titles of the fields as the header row names them (the usual title for an absent column).
fn titles_of(header: &Row, map: &HeaderMap) -> Vec<String> {
    (0..FIELDS.len())
        .map(|f| {
            map.col(f)
                .map_or(FIELDS[f].title.to_string(), |c| header.cell(c).to_string())
        })
        .collect()
}

/// The columns a table with a header needs, or the message naming them.
fn check_columns(source: &str, map: &HeaderMap) -> anyhow::Result<()> {
    if map.col(NUMBER).is_none() || map.col(MEASURE).is_none() || map.col(DEADLINE).is_none() {
        anyhow::bail!(
            "в файле {source} в строке заголовка {} нужны колонки «№ п/п», «Наименование мероприятия» и «Плановый срок реализации»",
            map.line
        );
    }
    Ok(())
}

/// A plan table in a CSV or a workbook, streamed: the header found among the first rows (by the
/// rules of a table read whole), then each row read ([`table::Reader`]), matched, planned and
/// staged as it comes; only the item being wrapped over lines and the preview's first
/// [`super::LISTED`] of each kind are held in memory. Rows with a wrong number among them
/// (number cell no number, measure and deadline filled) are rejected, other stray lines noted.
#[allow(clippy::too_many_arguments)]
fn run_streamed(
    w: &Writer<'_>,
    rows: &mut dyn RowSource,
    cycle_id: i64,
    org: Option<&str>,
    criteria: &[String],
    today: NaiveDate,
    preview: &mut Preview,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<()> {
    let mut body = Body::open(rows)?;
    let (header, map) = stream_header(&mut body, FIELDS, 3)?;
    check_columns(body.source(), &map)?;
    note_unknown(preview, &map);
    let titles = titles_of(&header, &map);
    let source = body.source().to_string();
    let mut m = Matcher::new(
        w,
        &source,
        titles,
        &map,
        cycle_id,
        org,
        criteria,
        today,
        w.keep_rows,
    )?;
    let mut reader = table::Reader::new(&map, FIELDS, NUMBER, 3);
    let mut events = Vec::new();
    // The formula cell of the row that starts the item being read: (its line, the cell).
    let mut formula: Option<(usize, Option<(usize, String)>)> = None;
    let mut n = 0usize;
    let mut strays = Strays::default();
    while let Some(row) = body.next()? {
        if n.is_multiple_of(PROGRESS_EVERY) {
            let (done, total) = body.progress();
            progress(Progress::Checking { done, total });
        }
        n += 1;
        // The row of column numbers under the header, a total with «Итого» where the ИНН goes.
        if strays.skip_frame(&row, map.get(&row, ORG_INN), preview) {
            continue;
        }
        reader.push(&row, &mut events);
        for event in events.drain(..) {
            match event {
                table::Event::Entry(Entry::Section { number, .. }) => m.section(&number),
                table::Event::Entry(Entry::Item(item)) => {
                    let f = formula.take().filter(|(l, _)| *l == item.line);
                    m.item(&item, f.and_then(|(_, f)| f), preview)?;
                }
                table::Event::Stray { line, text, number } => {
                    let wrong_number = number.filter(|_| {
                        !map.get(&row, MEASURE).is_empty() && !map.get(&row, DEADLINE).is_empty()
                    });
                    m.stray(line, &text, wrong_number.as_deref(), preview);
                }
            }
        }
        if reader.pending_line() == Some(row.line) {
            formula = Some((row.line, formula_cells(&row)));
        }
    }
    strays.finish(preview);
    reader.finish(&mut events);
    for event in events.drain(..) {
        if let table::Event::Entry(Entry::Item(item)) = event {
            let f = formula.take().filter(|(l, _)| *l == item.line);
            m.item(&item, f.and_then(|(_, f)| f), preview)?;
        }
    }
    m.finish(map.line, preview)?;
    let (done, total) = body.progress();
    progress(Progress::Checking {
        done: done.max(total),
        total,
    });
    Ok(())
}

/// A plan document read whole: its table found by its header or by what its rows hold
/// ([`read_table`]), then its entries matched, planned and staged in the document's order.
#[allow(clippy::too_many_arguments)]
fn run_whole(
    w: &Writer<'_>,
    sheet: &Sheet,
    cycle_id: i64,
    org: Option<&str>,
    criteria: &[String],
    columns: Option<&[Role]>,
    today: NaiveDate,
    preview: &mut Preview,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<()> {
    // Read: the table of measures, found by its header or by what its rows hold.
    let (titles, map, t) = read_table(sheet, columns, preview, w.apply)?;
    let mut m = Matcher::new(
        w,
        &sheet.source,
        titles,
        &map,
        cycle_id,
        org,
        criteria,
        today,
        true,
    )?;
    // A row with a number cell that is no number, and a measure and a deadline: a plan row with
    // a wrong number, rejected. Other stray lines («Итого», a signature) are noted.
    let body = &sheet.rows;
    for (line, text) in &t.stray {
        let wrong_number = t
            .bad_numbers
            .iter()
            .find(|(l, _)| l == line)
            .filter(|_| {
                body.binary_search_by_key(line, |r| r.line)
                    .ok()
                    .is_some_and(|i| {
                        !map.get(&body[i], MEASURE).is_empty()
                            && !map.get(&body[i], DEADLINE).is_empty()
                    })
            })
            .map(|(_, number)| number.as_str());
        m.stray(*line, text, wrong_number, preview);
    }
    let total = t.entries.len() as u64;
    for (n, entry) in t.entries.iter().enumerate() {
        progress(Progress::Checking {
            done: n as u64,
            total,
        });
        match entry {
            Entry::Section { number, .. } => m.section(number),
            Entry::Item(item) => {
                let formula = sheet
                    .rows
                    .iter()
                    .find(|r| r.line == item.line)
                    .and_then(formula_cells);
                m.item(item, formula, preview)?;
            }
        }
    }
    m.finish(map.line, preview)?;
    progress(Progress::Checking { done: total, total });
    Ok(())
}

/// How many stray lines a streamed table names in the notes; beyond that they are counted.
const STRAY_LISTED: usize = super::LISTED;

/// The match, plan and write stages of one plan table, entry by entry in the file's order: each
/// item checked and matched against the database as it was before the import (indexed lookups;
/// the rows above it in a temporary table), planned (add, update field by field, or left as
/// stored), and staged when applying; [`Matcher::finish`] writes what was staged, set-based.
struct Matcher<'a, 'w> {
    w: &'a Writer<'w>,
    source: &'a str,
    titles: Vec<String>,
    /// Whether the file has an ИНН column.
    inn_column: bool,
    default_org: Option<(i64, String)>,
    criteria: &'a [String],
    cycle_id: i64,
    today: NaiveDate,
    /// The criterion of the section the rows are under (by its heading), if any.
    criterion_now: Option<Result<String, CriterionError>>,
    /// The last organization looked up: its key in the file and what it named.
    last_org: Option<(String, Option<(i64, String)>)>,
    /// The last organization whose membership was looked up, and whether it is a member.
    last_member: Option<(i64, bool)>,
    /// The column of each field in the file.
    map_cols: Vec<Option<usize>>,
    /// Whether each row as read goes into the preview.
    keep_as_read: bool,
    items: usize,
    strays: usize,
}

impl<'a, 'w> Matcher<'a, 'w> {
    #[allow(clippy::too_many_arguments)]
    fn new(
        w: &'a Writer<'w>,
        source: &'a str,
        titles: Vec<String>,
        map: &HeaderMap,
        cycle_id: i64,
        org: Option<&str>,
        criteria: &'a [String],
        today: NaiveDate,
        keep_as_read: bool,
    ) -> anyhow::Result<Matcher<'a, 'w>> {
        let default_org = match org {
            Some(key) => Some(store::import_plan::org_by_key(w.conn, key)?.ok_or_else(|| {
                anyhow::anyhow!(
                    "организация «{key}» не найдена: укажите ИНН или код по Сводному реестру"
                )
            })?),
            None => None,
        };
        store::import_plan::begin(w.conn)?;
        Ok(Matcher {
            w,
            source,
            titles,
            inn_column: map.col(ORG_INN).is_some(),
            default_org,
            criteria,
            cycle_id,
            today,
            criterion_now: None,
            last_org: None,
            last_member: None,
            map_cols: (0..FIELDS.len()).map(|f| map.col(f)).collect(),
            keep_as_read,
            items: 0,
            strays: 0,
        })
    }

    fn as_read_header(preview: &mut Preview) {
        preview.as_read.0 = [
            "№",
            "Мероприятие",
            "Срок как написан",
            "Срок как прочитан",
            "Исполнители",
        ]
        .map(String::from)
        .to_vec();
    }

    /// A section heading: the rows under it take its criterion.
    fn section(&mut self, number: &str) {
        self.criterion_now = Some(criterion_of_section(number, self.criteria));
    }

    /// A line that is no plan row: rejected when it is one with a wrong number (`wrong_number`:
    /// its number cell), else noted (the first [`STRAY_LISTED`]).
    fn stray(
        &mut self,
        line: usize,
        text: &str,
        wrong_number: Option<&str>,
        preview: &mut Preview,
    ) {
        if let Some(number) = wrong_number {
            preview.reject(
                line,
                &self.titles[NUMBER],
                format!(
                    "«{number}» — не номер пункта; нужен номер вида 1, 1.2 или 1.2.3 (номер пункта начинается с номера критерия)"
                ),
            );
            return;
        }
        self.strays += 1;
        if self.strays <= STRAY_LISTED {
            preview
                .notes
                .push(format!("строка {line} пропущена: «{text}»"));
        }
    }

    /// The organization a row names by `key`, looked up once for a run of rows with that key.
    fn org(&mut self, key: &str) -> anyhow::Result<Option<(i64, String)>> {
        if let Some((k, found)) = &self.last_org
            && k == key
        {
            return Ok(found.clone());
        }
        let found = store::import_plan::org_by_key(self.w.conn, key)?;
        self.last_org = Some((key.to_string(), found.clone()));
        Ok(found)
    }

    fn is_member(&mut self, org_id: i64) -> anyhow::Result<bool> {
        if let Some((id, member)) = self.last_member
            && id == org_id
        {
            return Ok(member);
        }
        let member = store::import::membership_of(self.w.conn, self.cycle_id, org_id)?.is_some();
        self.last_member = Some((org_id, member));
        Ok(member)
    }

    /// One item: matched ([`Matcher::matched`]), planned ([`plan_row`]) and, when applying,
    /// staged for the write at the end.
    fn item(
        &mut self,
        item: &Item,
        formula: Option<(usize, String)>,
        preview: &mut Preview,
    ) -> anyhow::Result<()> {
        if self.items == 0 && self.default_org.is_none() && !self.inn_column {
            anyhow::bail!(
                "укажите организацию: --org ИНН (или колонка «ИНН организации» в файле {})",
                self.source
            );
        }
        if self.items == 0 {
            Self::as_read_header(preview);
        }
        self.items += 1;
        let Some(m) = self.matched(item, formula, preview)? else {
            return Ok(());
        };
        let conn = self.w.conn;
        let existing = store::import_plan::plan_row(conn, self.cycle_id, m.org_id, &m.number)?;
        let line = m.line;
        match plan_row(m, existing, self.cycle_id) {
            Step::Same(change) => preview.plan(Planned::Leave(change)),
            Step::Add { row, change } => {
                if self.w.apply {
                    store::import_plan::stage_added(conn, line, &row, &change.what)?;
                }
                preview.plan(Planned::Add(change));
            }
            Step::Update { rec, change } => {
                if self.w.apply {
                    store::import_plan::stage_changed(conn, line, &rec, &change.fields)?;
                }
                preview.plan(Planned::Update(change));
            }
        }
        Ok(())
    }

    /// Match stage of one item, against the database as it was and the rows above it — its
    /// formula cells, its organization (the ИНН column or `--org`) and membership of the cycle,
    /// its measure, its deadline read as one date, its criterion (by its section or number), a
    /// number no row above took for the same organization. A row that fails is rejected with the
    /// reason (`None`). The row as read goes into the preview (a streamed dry run keeps it only
    /// for `--format csv`).
    fn matched(
        &mut self,
        item: &Item,
        formula: Option<(usize, String)>,
        preview: &mut Preview,
    ) -> anyhow::Result<Option<Matched>> {
        let cell = |f: usize| item.cells[f].clone();
        let deadline = cell(DEADLINE);
        // A date as typed, else a phrase the deadline reader resolves to one date
        // («IV квартал 2025 г.» → 31.12.2025).
        let due = crate::service::planned_date::one_date(&deadline, self.today);
        if self.keep_as_read {
            preview.as_read.1.push(vec![
                item.number.clone(),
                cell(MEASURE),
                deadline.clone(),
                due.map_or(String::new(), |d| d.format("%d.%m.%Y").to_string()),
                executors::split(&cell(RESPONSIBLE)).join("; "),
            ]);
        }
        if let Some((col, text)) = formula {
            let title = (0..FIELDS.len())
                .find(|&f| self.map_cols[f] == Some(col))
                .map_or_else(
                    || format!("колонка {}", col + 1),
                    |f| self.titles[f].clone(),
                );
            preview.reject(
                item.line,
                &title,
                format!("ячейка «{text}» похожа на формулу Excel; уберите знак в начале"),
            );
            return Ok(None);
        }
        let key = Some(cell(ORG_INN)).filter(|s| self.inn_column && !s.is_empty());
        // The column that named the organization; none when `--org` did.
        let org_column = if key.is_some() {
            self.titles[ORG_INN].clone()
        } else {
            String::new()
        };
        let (org_id, org_inn) = match (key, self.default_org.clone()) {
            (Some(key), _) => match self.org(&key)? {
                Some(o) => o,
                None => {
                    preview.reject(
                        item.line,
                        &self.titles[ORG_INN],
                        format!("организации с ИНН {key} нет в базе"),
                    );
                    return Ok(None);
                }
            },
            (None, Some(o)) => o,
            (None, None) => {
                preview.reject(
                    item.line,
                    &self.titles[ORG_INN],
                    "не указан ИНН организации",
                );
                return Ok(None);
            }
        };
        let cycle_id = self.cycle_id;
        if !self.is_member(org_id)? {
            preview.reject(
                item.line,
                &org_column,
                format!(
                    "организация ИНН {org_inn} не участвует в цикле {cycle_id}; добавьте ее в \
                     цикл (nok import inputs)"
                ),
            );
            return Ok(None);
        }
        if cell(MEASURE).is_empty() {
            preview.reject(item.line, &self.titles[MEASURE], "не указано мероприятие");
            return Ok(None);
        }
        let Some(due) = due else {
            let why = if deadline.is_empty() {
                "не указан срок; укажите дату ДД.ММ.ГГГГ".to_string()
            } else {
                format!(
                    "срок «{deadline}» не дает одной даты; укажите дату ДД.ММ.ГГГГ или период вроде «IV квартал 2025 г.»"
                )
            };
            preview.reject(item.line, &self.titles[DEADLINE], why);
            return Ok(None);
        };
        let criterion = match &self.criterion_now {
            // Rows under a section that is no criterion of the method go with it.
            Some(Err(e)) => Err(e.clone()),
            Some(Ok(section)) => plan_criterion::of_row(&item.number, Some(section), self.criteria),
            None => plan_criterion::of_row(&item.number, None, self.criteria),
        };
        let criterion = match criterion {
            Ok(c) => c,
            Err(e) => {
                preview.reject(item.line, &self.titles[NUMBER], e.to_string());
                return Ok(None);
            }
        };
        if let Some(first) =
            store::import_plan::claim(self.w.conn, org_id, &item.number, item.line)?
        {
            preview.reject(
                item.line,
                &self.titles[NUMBER],
                format!("пункт {} уже был в строке {first}", item.number),
            );
            return Ok(None);
        }
        let person = parse_person(&cell(RESPONSIBLE));
        let rec = PlanRecord {
            id: 0,
            criterion: criterion.clone(),
            shortcoming: cell(SHORTCOMING),
            measure: cell(MEASURE),
            planned_date: store::iso(due),
            resp_last_name: person.last_name.clone(),
            resp_first_name: person.first_name.clone(),
            resp_middle_name: person.middle_name.clone(),
            resp_position: person.position.clone(),
            expected_result: cell(RESULT),
            result_indicators: cell(INDICATORS),
        };
        Ok(Some(Matched {
            line: item.line,
            number: item.number.clone(),
            org_id,
            org_inn,
            due,
            criterion,
            person,
            rec,
        }))
    }

    /// The end of the table: a table without items noted as empty; when applying, what was
    /// staged written set-based with its audit entries.
    fn finish(&mut self, header_line: usize, preview: &mut Preview) -> anyhow::Result<()> {
        if self.strays > STRAY_LISTED {
            preview.notes.push(format!(
                "… и еще пропущено строк: {} (показаны первые {STRAY_LISTED})",
                self.strays - STRAY_LISTED
            ));
        }
        if self.items == 0 {
            // An empty form (the plan's blank as sent with a letter): nothing to add, not an error.
            preview.notes.push(format!(
                "в файле {}: таблица мероприятий (заголовок в строке {header_line}) пуста — добавлять нечего",
                self.source
            ));
            return Ok(());
        }
        if self.w.apply {
            store::import_plan::write_staged(
                self.w.conn,
                self.cycle_id,
                &self.w.at,
                &self.w.user,
                super::AUDIT_NOTE,
            )?;
        }
        Ok(())
    }
}

/// A row the match stage took: where it is, its organization, criterion and due date, the
/// responsible person, and the record it would store.
struct Matched {
    line: usize,
    number: String,
    org_id: i64,
    org_inn: String,
    due: NaiveDate,
    criterion: String,
    person: Person,
    rec: PlanRecord,
}

/// Plan stage of one matched row: a new row, a changed one (field: old → new), or one as stored,
/// by the row stored before the import with its organization and number (`existing`).
fn plan_row(m: Matched, existing: Option<PlanRecord>, cycle_id: i64) -> Step {
    let what = format!("ИНН {}, пункт {}: {}", m.org_inn, m.number, m.rec.measure);
    let change = |fields| Change {
        line: m.line,
        what: what.clone(),
        fields,
    };
    match existing {
        None => Step::Add {
            change: change(Vec::new()),
            row: PlanRow {
                cycle_id,
                org_id: m.org_id,
                number: m.number.clone(),
                criterion: m.criterion,
                shortcoming_id: None,
                shortcoming: m.rec.shortcoming.clone(),
                measure: m.rec.measure.clone(),
                planned_date: m.due,
                responsible: m.person,
                expected_result: m.rec.expected_result.clone(),
                result_indicators: m.rec.result_indicators.clone(),
                implemented_measures: String::new(),
                actual_date: None,
                status: PlanStatus::Planned,
                cancel_reason: None,
            },
        },
        Some(old) => {
            let rec = PlanRecord {
                id: old.id,
                ..m.rec
            };
            let fields = diff(&old, &rec);
            if fields.is_empty() {
                Step::Same(change(fields))
            } else {
                Step::Update {
                    change: change(fields),
                    rec,
                }
            }
        }
    }
}

/// Plan stage: what the import does with one row of the file.
enum Step {
    /// A row the plan does not have yet.
    Add { row: PlanRow, change: Change },
    /// A stored row whose fields differ.
    Update { rec: PlanRecord, change: Change },
    /// A stored row as the file has it.
    Same(Change),
}

fn diff(a: &PlanRecord, b: &PlanRecord) -> Vec<(String, String, String)> {
    let pairs: [(&str, &String, &String); 10] = [
        ("Критерий", &a.criterion, &b.criterion),
        ("Недостаток", &a.shortcoming, &b.shortcoming),
        ("Мероприятие", &a.measure, &b.measure),
        ("Плановый срок", &a.planned_date, &b.planned_date),
        ("Фамилия", &a.resp_last_name, &b.resp_last_name),
        ("Имя", &a.resp_first_name, &b.resp_first_name),
        ("Отчество", &a.resp_middle_name, &b.resp_middle_name),
        ("Должность", &a.resp_position, &b.resp_position),
        ("Результат", &a.expected_result, &b.expected_result),
        ("Показатели", &a.result_indicators, &b.result_indicators),
    ];
    pairs
        .into_iter()
        .filter(|(_, x, y)| x != y)
        .map(|(n, x, y)| (n.to_string(), x.clone(), y.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_and_positions() {
        let p = parse_person("Иванова Анна Петровна, заместитель директора");
        assert_eq!(
            (
                p.last_name.as_str(),
                p.first_name.as_str(),
                p.middle_name.as_str()
            ),
            ("Иванова", "Анна", "Петровна")
        );
        assert_eq!(p.position, "заместитель директора");
        let p = parse_person("Петров О.Ю., директор");
        assert_eq!(
            (
                p.last_name.as_str(),
                p.first_name.as_str(),
                p.middle_name.as_str()
            ),
            ("Петров", "О.", "Ю.")
        );
        assert_eq!(p.short(), "Петров О. Ю.");
    }
}
