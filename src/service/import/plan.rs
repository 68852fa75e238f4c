//! `nok import plan`: rows of an improvement plan (план по устранению недостатков) in the columns
//! of the plan form, matched by number within cycle and organization. In stages: read the table
//! ([`read_table`]); match its rows against the database as it was before the import
//! ([`match_rows`]: organization, membership, deadline, criterion, repeats), rejecting what does
//! not fit; plan each matched row ([`plan_row`] → [`Step`]: add, update field by field, or left
//! as stored); write the plan (a real import only, [`write_added`] and the update). The preview
//! shows the plan of changes either way; the dry run reads only (a read transaction, no write
//! lock).

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::deadline::{Context, Deadline, Events, Resolution};
use crate::domain::plan::{Person, PlanRow, PlanStatus};
use crate::domain::plan_criterion::{self, CriterionError};
use crate::exchange::import::Format;
use crate::exchange::import::headers::{Field, HeaderMap};
use crate::exchange::import::layout::{self, Role};
use crate::exchange::import::table::{self, Entry, Item};
use crate::exchange::import::values::{parse_date, roman};
use crate::exchange::import::{Sheet, executors};
use crate::service::methodology::Methods;
use crate::store;
use crate::store::audit::Action;
use crate::store::bulk::BulkWriter;
use crate::store::import::PlanRecord;

use super::{Change, Planned, Preview, Progress, Writer, formula_cells, need_header, note_unknown};

pub(super) const FIELDS: &[Field] = &[
    Field {
        id: "number",
        title: "№ п/п",
        synonyms: &["№ п/п", "№", "n п/п", "номер"],
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
    },
    Field {
        id: "result",
        title: "Результат",
        synonyms: &["результат", "ожидаемый результат"],
    },
    Field {
        id: "indicators",
        title: "Показатели",
        synonyms: &[
            "показатели характеризующие результат выполнения мероприятия",
            "показатели",
        ],
    },
    Field {
        id: "org_inn",
        title: "ИНН организации",
        synonyms: &["инн организации", "инн"],
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
            if map.col(NUMBER).is_none()
                || map.col(MEASURE).is_none()
                || map.col(DEADLINE).is_none()
            {
                anyhow::bail!(
                    "в файле {} в строке заголовка {} нужны колонки «№ п/п», «Наименование мероприятия» и «Плановый срок реализации»",
                    sheet.source,
                    map.line
                );
            }
            note_unknown(preview, &map);
            let titles: Vec<String> = (0..FIELDS.len())
                .map(|f| {
                    map.col(f).map_or(FIELDS[f].title.to_string(), |c| {
                        sheet.rows[at].cell(c).to_string()
                    })
                })
                .collect();
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

/// The import of a plan table: read → match → plan → write (the last only when `w.apply`).
#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    w: &Writer<'_>,
    sheet: &Sheet,
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
    // Read: the table of measures, found by its header or by what its rows hold.
    let (titles, map, t) = read_table(sheet, columns, preview, w.apply)?;
    let orgs = store::import::organizations(conn)?;
    let by_inn: HashMap<&str, &store::import::OrgRecord> =
        orgs.iter().map(|o| (o.inn.as_str(), o)).collect();
    let default_org = match org {
        Some(key) => Some(org_by_key(&orgs, &by_inn, key).ok_or_else(|| {
            anyhow::anyhow!(
                "организация «{key}» не найдена: укажите ИНН или код по Сводному реестру"
            )
        })?),
        None => None,
    };
    // A row with a number cell that is no number, and a measure and a deadline: a plan row with
    // a wrong number, rejected. Other stray lines («Итого», a signature) are noted.
    let number_title = titles[NUMBER].clone();
    let bad_numbers: Vec<&(usize, String)> = t
        .bad_numbers
        .iter()
        .filter(|(line, _)| {
            let body = &sheet.rows;
            body.binary_search_by_key(line, |r| r.line)
                .ok()
                .is_some_and(|i| {
                    !map.get(&body[i], MEASURE).is_empty()
                        && !map.get(&body[i], DEADLINE).is_empty()
                })
        })
        .collect();
    for (line, number) in &bad_numbers {
        preview.reject(
            *line,
            &number_title,
            format!(
                "«{number}» — не номер пункта; нужен номер вида 1, 1.2 или 1.2.3 (номер пункта начинается с номера критерия)"
            ),
        );
    }
    let stray: Vec<&(usize, String)> = t
        .stray
        .iter()
        .filter(|(line, _)| !bad_numbers.iter().any(|(l, _)| l == line))
        .collect();
    if t.items().next().is_none() {
        // An empty form (the plan's blank as sent with a letter): nothing to add, not an error.
        for (line, text) in &stray {
            preview
                .notes
                .push(format!("строка {line} пропущена: «{text}»"));
        }
        preview.notes.push(format!(
            "в файле {}: таблица мероприятий (заголовок в строке {}) пуста — добавлять нечего",
            sheet.source, map.line
        ));
        return Ok(());
    }
    if default_org.is_none() && map.col(ORG_INN).is_none() {
        anyhow::bail!(
            "укажите организацию: --org ИНН (или колонка «ИНН организации» в файле {})",
            sheet.source
        );
    }
    let members = store::import::memberships(conn, cycle_id)?;
    let existing = store::import::plan_rows(conn, cycle_id)?;
    for (line, text) in &stray {
        preview
            .notes
            .push(format!("строка {line} пропущена: «{text}»"));
    }
    preview.as_read.0 = [
        "№",
        "Мероприятие",
        "Срок как написан",
        "Срок как прочитан",
        "Исполнители",
    ]
    .map(String::from)
    .to_vec();
    let known = Known {
        orgs: &orgs,
        by_inn: &by_inn,
        default_org,
        members: &members,
        criteria: &criteria,
        cycle_id,
    };
    // Match: each row against the database as it was and the rows above it.
    let matched = match_rows(sheet, &titles, &map, &t, &known, today, preview, progress);
    // Plan and write (a real import only); the preview shows the plan of changes either way.
    let mut bulk = BulkWriter::new(conn);
    for m in matched {
        match plan_row(m, &existing, cycle_id) {
            Step::Same(change) => preview.plan(Planned::Leave(change)),
            Step::Add { row, change } => {
                if w.apply {
                    write_added(w, &mut bulk, &row, &change)?;
                }
                preview.plan(Planned::Add(change));
            }
            Step::Update { rec, change } => {
                if w.apply {
                    store::import::update_plan_row(conn, &rec)?;
                    w.audit_change("plan_row", rec.id, &change)?;
                }
                preview.plan(Planned::Update(change));
            }
        }
    }
    // Rows with a wrong number were named first: list every rejection in the file's order.
    preview.rejected.sort_by_key(|r| r.line);
    let total = t.entries.len() as u64;
    progress(Progress::Checking { done: total, total });
    Ok(())
}

/// What the match stage looks rows up in: the organizations (by ИНН, or by code in the
/// consolidated register), the one `--org` names, the cycle's members and the method's criteria.
struct Known<'a> {
    orgs: &'a [store::import::OrgRecord],
    by_inn: &'a HashMap<&'a str, &'a store::import::OrgRecord>,
    default_org: Option<&'a store::import::OrgRecord>,
    members: &'a HashMap<i64, i64>,
    criteria: &'a [String],
    cycle_id: i64,
}

impl<'a> Known<'a> {
    fn org(&self, key: &str) -> Option<&'a store::import::OrgRecord> {
        org_by_key(self.orgs, self.by_inn, key)
    }
}

/// The organization with this ИНН, or else this code in the consolidated register.
fn org_by_key<'a>(
    orgs: &'a [store::import::OrgRecord],
    by_inn: &HashMap<&str, &'a store::import::OrgRecord>,
    key: &str,
) -> Option<&'a store::import::OrgRecord> {
    by_inn
        .get(key)
        .copied()
        .or_else(|| orgs.iter().find(|o| o.reg_num == key))
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

/// Match stage: each item of the read table checked and matched against the database as it was
/// ([`Known`]) and the rows above it — its formula cells, its organization (the ИНН column or
/// `--org`) and membership of the cycle, its measure, its deadline read as one date, its
/// criterion (by its section or number), a number no row above took for the same organization.
/// Rows that fail are rejected with the reason; the rest come back in the file's order. Every
/// row as read goes into the preview.
#[allow(clippy::too_many_arguments)]
fn match_rows(
    sheet: &Sheet,
    titles: &[String],
    map: &HeaderMap,
    t: &table::Table,
    known: &Known<'_>,
    today: NaiveDate,
    preview: &mut Preview,
    progress: &mut dyn FnMut(Progress),
) -> Vec<Matched> {
    let cycle_id = known.cycle_id;
    let col_title = |f: usize| titles[f].clone();
    let mut criterion_now: Option<Result<String, CriterionError>> = None;
    let mut seen: HashMap<(i64, String), usize> = HashMap::new();
    let mut matched = Vec::new();
    let total = t.entries.len() as u64;
    for (n, entry) in t.entries.iter().enumerate() {
        progress(Progress::Checking {
            done: n as u64,
            total,
        });
        let item = match entry {
            Entry::Section { number, .. } => {
                criterion_now = Some(criterion_of_section(number, known.criteria));
                continue;
            }
            Entry::Item(item) => item,
        };
        let cell = |f: usize| item.cells[f].clone();
        let deadline = cell(DEADLINE);
        // A date as typed, else a phrase the deadline reader resolves to one date
        // («IV квартал 2025 г.» → 31.12.2025).
        let due = parse_date(&deadline).or_else(|| {
            let events = Events::new();
            match Deadline::parse(&deadline).resolve(&Context::on(today, &events)) {
                Resolution::Due {
                    current,
                    recurring: false,
                    awaiting: None,
                    ..
                } => Some(current),
                _ => None,
            }
        });
        preview.as_read.1.push(vec![
            item.number.clone(),
            cell(MEASURE),
            deadline.clone(),
            due.map_or(String::new(), |d| d.format("%d.%m.%Y").to_string()),
            executors::split(&cell(RESPONSIBLE)).join("; "),
        ]);
        if let Some(row) = sheet.rows.iter().find(|r| r.line == item.line)
            && let Some((col, text)) = formula_cells(row)
        {
            let title = (0..FIELDS.len())
                .find(|&f| map.col(f) == Some(col))
                .map_or_else(|| format!("колонка {}", col + 1), |f| titles[f].clone());
            preview.reject(
                item.line,
                &title,
                format!("ячейка «{text}» похожа на формулу Excel; уберите знак в начале"),
            );
            continue;
        }
        let org_rec = match (
            map.col(ORG_INN)
                .map(|_| cell(ORG_INN))
                .filter(|s| !s.is_empty()),
            known.default_org,
        ) {
            (Some(key), _) => match known.org(&key) {
                Some(o) => o,
                None => {
                    preview.reject(
                        item.line,
                        &col_title(ORG_INN),
                        format!("организации с ИНН {key} нет в базе"),
                    );
                    continue;
                }
            },
            (None, Some(o)) => o,
            (None, None) => {
                preview.reject(item.line, &col_title(ORG_INN), "не указан ИНН организации");
                continue;
            }
        };
        if !known.members.contains_key(&org_rec.id) {
            preview.reject(item.line, "", format!("организация ИНН {} не участвует в цикле {cycle_id}; добавьте ее в цикл (nok import inputs)", org_rec.inn));
            continue;
        }
        if cell(MEASURE).is_empty() {
            preview.reject(item.line, &col_title(MEASURE), "не указано мероприятие");
            continue;
        }
        let Some(due) = due else {
            let why = if deadline.is_empty() {
                "не указан срок; укажите дату ДД.ММ.ГГГГ".to_string()
            } else {
                format!(
                    "срок «{deadline}» не дает одной даты; укажите дату ДД.ММ.ГГГГ или период вроде «IV квартал 2025 г.»"
                )
            };
            preview.reject(item.line, &col_title(DEADLINE), why);
            continue;
        };
        let criterion = match &criterion_now {
            // Rows under a section that is no criterion of the method go with it.
            Some(Err(e)) => Err(e.clone()),
            Some(Ok(section)) => {
                plan_criterion::of_row(&item.number, Some(section), known.criteria)
            }
            None => plan_criterion::of_row(&item.number, None, known.criteria),
        };
        let criterion = match criterion {
            Ok(c) => c,
            Err(e) => {
                preview.reject(item.line, &col_title(NUMBER), e.to_string());
                continue;
            }
        };
        if let Some(first) = seen.insert((org_rec.id, item.number.clone()), item.line) {
            preview.reject(
                item.line,
                &col_title(NUMBER),
                format!("пункт {} уже был в строке {first}", item.number),
            );
            continue;
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
        matched.push(Matched {
            line: item.line,
            number: item.number.clone(),
            org_id: org_rec.id,
            org_inn: org_rec.inn.clone(),
            due,
            criterion,
            person,
            rec,
        });
    }
    matched
}

/// Plan stage of one matched row: a new row, a changed one (field: old → new), or one as stored,
/// by its organization and number among the rows stored before the import.
fn plan_row(m: Matched, existing: &HashMap<(i64, String), PlanRecord>, cycle_id: i64) -> Step {
    let what = format!("ИНН {}, пункт {}: {}", m.org_inn, m.number, m.rec.measure);
    let change = |fields| Change {
        line: m.line,
        what: what.clone(),
        fields,
    };
    match existing.get(&(m.org_id, m.number.clone())) {
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
            let fields = diff(old, &rec);
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

/// Write stage of a new row: inserted in bulk, audited.
fn write_added(
    w: &Writer<'_>,
    bulk: &mut BulkWriter<'_>,
    row: &PlanRow,
    change: &Change,
) -> anyhow::Result<()> {
    let id = bulk.plan_row(row)?;
    w.audit(
        Action::Insert,
        "plan_row",
        Some(id),
        None,
        None,
        Some(&change.what),
    )?;
    Ok(())
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
