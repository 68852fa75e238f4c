//! An authority's plan document (план информационно-разъяснительной работы, план организации
//! проведения независимой оценки) as text copied from its file: the title, the act that approved
//! it, a table of target indicators with year columns, and the table of measures with sections,
//! hierarchical numbers, wrapped rows and several executors per cell.

use chrono::NaiveDate;

use super::headers::{Field, HeaderMap, is_header, map_row, normalize};
use super::layout::{self, ColumnRole, Role};
use super::values::{item_number, parse_date, parse_decimal, section_heading};
use super::{Row, Sheet, executors};

/// Columns of the table of measures.
pub const PLAN_FIELDS: &[Field] = &[
    Field {
        id: "number",
        title: "№ п/п",
        synonyms: &["№ п/п", "№", "n п/п", "номер"],
        unlike: &[],
    },
    Field {
        id: "measure",
        title: "Наименование мероприятия",
        synonyms: &[
            "наименование мероприятия",
            "мероприятие",
            "мероприятия",
            "содержание мероприятия",
        ],
        unlike: &[],
    },
    Field {
        id: "form",
        title: "Форма реализации",
        synonyms: &[
            "форма реализации",
            "ожидаемый результат",
            "форма завершения",
            "результат",
        ],
        unlike: &[],
    },
    Field {
        id: "deadline",
        title: "Срок исполнения",
        synonyms: &[
            "сроки исполнения",
            "срок исполнения",
            "срок реализации",
            "сроки реализации",
            "срок",
            "сроки",
        ],
        unlike: &[],
    },
    Field {
        id: "executors",
        title: "Ответственные исполнители",
        synonyms: &[
            "ответственные исполнители",
            "ответственный исполнитель",
            "исполнители",
            "исполнитель",
            "ответственные",
        ],
        unlike: &[],
    },
];
const P_NUMBER: usize = 0;
const P_MEASURE: usize = 1;

/// Columns of the table of target indicators (besides the year columns).
pub const TARGET_FIELDS: &[Field] = &[
    Field {
        id: "number",
        title: "№",
        synonyms: &["№ п/п", "№", "номер"],
        unlike: &[],
    },
    Field {
        id: "name",
        title: "Целевые показатели",
        synonyms: &[
            "целевые показатели",
            "целевой показатель",
            "наименование показателя",
            "показатель",
        ],
        unlike: &[],
    },
    Field {
        id: "unit",
        title: "Единица измерения",
        synonyms: &["единица измерения", "ед изм"],
        unlike: &[],
    },
];

/// A measure of the plan as read.
#[derive(Debug, Clone, PartialEq)]
pub struct DocItem {
    pub line: usize,
    pub last_line: usize,
    pub number: String,
    /// Index into [`WorkplanDoc::sections`].
    pub section: Option<usize>,
    pub measure: String,
    pub form: String,
    pub deadline_text: String,
    pub executors: Vec<String>,
    /// The other columns of the row (основание, показатели, примечание, unknown ones):
    /// (column header, text), non-empty ones only.
    pub extra: Vec<(String, String)>,
}

/// A target indicator with its values by year (a dash = no value).
#[derive(Debug, Clone, PartialEq)]
pub struct DocTarget {
    pub line: usize,
    pub number: String,
    pub name: String,
    pub unit: String,
    /// (year, planned, actual).
    pub values: Vec<(i32, Option<f64>, Option<f64>)>,
}

/// A section heading that holds measures.
#[derive(Debug, Clone, PartialEq)]
pub struct DocSection {
    pub line: usize,
    pub number: String,
    pub title: String,
}

/// A problem found while reading: line, column title (or ""), reason in Russian.
pub type Problem = (usize, String, String);

/// The plan document as read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WorkplanDoc {
    pub title: String,
    pub title_line: usize,
    /// Line of the (first) header of the table of measures.
    pub plan_header_line: usize,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    pub approved_by: String,
    pub approved_on: Option<NaiveDate>,
    pub sections: Vec<DocSection>,
    pub items: Vec<DocItem>,
    pub targets: Vec<DocTarget>,
    /// Columns not understood: (line, column, header text).
    pub unknown_columns: Vec<(usize, usize, String)>,
    pub problems: Vec<Problem>,
    /// Lines inside the tables that were not understood, reported as they are.
    pub stray: Vec<(usize, String)>,
    /// Lines dropped as page-break and scan junk or repeated headers: (line, text).
    pub dropped: Vec<(usize, String)>,
    /// The role of each column of the table of measures and why.
    pub roles: Vec<ColumnRole>,
    /// Why the column roles need a person's confirmation (`--columns`), when they do.
    pub uncertain: Option<String>,
}

/// Year columns of a target header: (column, year, is an actual value «отчет/факт»).
fn year_columns(row: &Row) -> Vec<(usize, i32, bool)> {
    row.cells
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let n = normalize(c);
            let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
            let year: i32 = digits.parse().ok().filter(|y| (2000..=2100).contains(y))?;
            if digits.len() != 4 {
                return None;
            }
            let rest = n[4..].trim_start_matches(['г', ' ']);
            let actual = rest.contains("отчет") || rest.contains("факт");
            let plain =
                rest.is_empty() || actual || rest.starts_with("год") || rest.starts_with("план");
            plain.then_some((i, year, actual))
        })
        .collect()
}

/// A year column: (column, year, holds actual values).
type YearColumn = (usize, i32, bool);

fn target_header(row: &Row) -> Option<(HeaderMap, Vec<YearColumn>)> {
    let years = year_columns(row);
    if years.is_empty() {
        return None;
    }
    let mut map = map_row(row, TARGET_FIELDS);
    map.col(1)?;
    map.unknown
        .retain(|(c, _)| !years.iter().any(|(yc, _, _)| yc == c));
    Some((map, years))
}

fn plan_header(row: &Row) -> Option<HeaderMap> {
    is_header(row, PLAN_FIELDS, 3)
        .filter(|m| m.col(P_NUMBER).is_some() && m.col(P_MEASURE).is_some())
}

/// Reads a plan document. Fails only when there is no table of measures at all.
pub fn read(sheet: &Sheet) -> Result<WorkplanDoc, String> {
    read_with(sheet, None)
}

/// Reads a plan document; `columns` are the column roles a person confirmed (`--columns`).
/// The table of measures is found by what its rows hold (see [`layout`]); a table of target
/// indicators by its header with year columns.
pub fn read_with(sheet: &Sheet, columns: Option<&[Role]>) -> Result<WorkplanDoc, String> {
    let rows = &sheet.rows;
    let mut doc = WorkplanDoc::default();
    // The table of target indicators: its header, and where it ends (the header of the plan,
    // a section heading, or a row whose year cells hold words).
    let plan_at = rows.iter().position(|r| plan_header(r).is_some());
    let targets = rows
        .iter()
        .enumerate()
        .filter(|(i, _)| plan_at.is_none_or(|p| *i < p))
        .find_map(|(i, r)| target_header(r).map(|(m, y)| (i, m, y)));
    let targets_end = targets.as_ref().map(|(at, _, years)| {
        (at + 1..rows.len())
            .find(|&k| ends_targets(&rows[k], years) || plan_at == Some(k))
            .unwrap_or(rows.len())
    });
    let from = match (plan_at, targets_end) {
        (Some(p), _) => p,
        (None, Some(e)) => e,
        (None, None) => 0,
    };
    let table = layout::find(rows, from, rows.len(), columns);
    let table = match (table, plan_at) {
        (Some(t), _) => t,
        (None, Some(p)) => {
            // A header and no numbered rows: an empty form.
            doc.plan_header_line = rows[p].line;
            if let Some(m) = plan_header(&rows[p]) {
                note_unknown(&mut doc, &m);
            }
            read_preamble(&rows[..targets.as_ref().map_or(p, |t| t.0)], &mut doc);
            return Ok(doc);
        }
        (None, None) => {
            return Err(format!(
                "в файле {} не найдена таблица мероприятий: нет ни строки заголовка с колонками «№ п/п», «Наименование мероприятия», «Срок исполнения», «Ответственные исполнители», ни строк, начинающихся с номера пункта (1, 1.1, 2.) с текстом рядом",
                sheet.source
            ));
        }
    };
    doc.plan_header_line = table.header_line;
    let preamble_end = targets
        .as_ref()
        .map_or(table.start, |t| t.0.min(table.start));
    read_preamble(&rows[..preamble_end], &mut doc);
    let mut current_section: Option<(usize, String, String)> = None;
    if let (Some((at, map, years)), Some(end)) = (&targets, targets_end) {
        note_unknown(&mut doc, map);
        read_targets(
            &rows[at + 1..end.min(table.start).max(at + 1)],
            map,
            years,
            &mut doc,
            &mut current_section,
        );
    }
    let title_of = |role: Role, c: usize| -> String {
        let header = table
            .roles
            .iter()
            .find(|r| r.column == c)
            .map(|r| r.header.clone())
            .unwrap_or_default();
        if header.is_empty() {
            match role {
                Role::Other => format!("колонка {}", c + 1),
                r => capitalised(r.name_ru()),
            }
        } else {
            header
        }
    };
    for (line, col, text) in &table.formulas {
        let role = table
            .roles
            .iter()
            .find(|r| r.column == *col)
            .map_or(Role::Other, |r| r.role);
        doc.problems.push((
            *line,
            title_of(role, *col),
            format!("ячейка «{text}» похожа на формулу Excel; уберите знак в начале"),
        ));
    }
    // A heading between the tables («II. План мероприятий») holds the items before the first
    // heading inside the table.
    let heading_before = rows[preamble_end..table.start].iter().rev().find_map(|r| {
        let filled: Vec<&str> = r.filled().map(|(_, t)| t).collect();
        match filled.as_slice() {
            [only] => section_heading(only).map(|(n, t)| (r.line, n, t)),
            _ => None,
        }
    });
    for it in &table.items {
        let found = it
            .section
            .map(|s| table.sections[s].clone())
            .or_else(|| heading_before.clone());
        let section = found.map(|(line, number, title)| {
            match doc.sections.iter().position(|d| d.line == line) {
                Some(p) => p,
                None => {
                    doc.sections.push(DocSection {
                        line,
                        number,
                        title,
                    });
                    doc.sections.len() - 1
                }
            }
        });
        let measure = table.cell(it, Role::Measure).to_string();
        if measure.is_empty() {
            doc.problems.push((
                it.line,
                PLAN_FIELDS[P_MEASURE].title.to_string(),
                format!("у пункта {} нет наименования мероприятия", it.number),
            ));
        }
        let extra: Vec<(String, String)> = table
            .roles
            .iter()
            .filter(|r| {
                matches!(
                    r.role,
                    Role::Basis | Role::Indicators | Role::Note | Role::Other
                )
            })
            .filter_map(|r| {
                let v = it.cells.get(r.column).map_or("", String::as_str);
                (!v.is_empty()).then(|| (title_of(r.role, r.column), v.to_string()))
            })
            .collect();
        doc.items.push(DocItem {
            line: it.line,
            last_line: it.last_line,
            number: it.number.clone(),
            section,
            measure,
            form: table.cell(it, Role::Result).to_string(),
            deadline_text: table.cell(it, Role::Deadline).to_string(),
            executors: executors::split(table.cell(it, Role::Executors)),
            extra,
        });
    }
    doc.stray.extend(table.stray.iter().cloned());
    doc.dropped = table.dropped.clone();
    doc.uncertain = table.uncertain.clone();
    doc.roles = table.roles.clone();
    check_numbers(&mut doc);
    if doc.year_from.is_none() {
        let years: Vec<i32> = doc
            .targets
            .iter()
            .flat_map(|t| t.values.iter().map(|v| v.0))
            .collect();
        doc.year_from = years.iter().min().copied();
        doc.year_to = years.iter().max().copied();
    }
    Ok(doc)
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Whether a row ends the table of target indicators: a section heading, a header of the plan
/// (even a garbled one), or a row whose year cells hold words rather than numbers.
fn ends_targets(row: &Row, years: &[YearColumn]) -> bool {
    let filled: Vec<&str> = row.filled().map(|(_, t)| t).collect();
    if let [only] = filled.as_slice()
        && section_heading(only).is_some()
    {
        return true;
    }
    if layout::header_like(row, 0) {
        return true;
    }
    years.iter().any(|&(c, _, _)| {
        let t = row.cell(c);
        t.chars().filter(|c| c.is_alphabetic()).count() > 3
    })
}

fn note_unknown(doc: &mut WorkplanDoc, map: &HeaderMap) {
    for (col, text) in &map.unknown {
        doc.unknown_columns.push((map.line, col + 1, text.clone()));
    }
}

/// Duplicate numbers within the plan are errors: re-importing matches measures by number.
fn check_numbers(doc: &mut WorkplanDoc) {
    let mut seen = std::collections::HashMap::new();
    for it in &doc.items {
        if let Some(first) = seen.insert(it.number.clone(), it.line) {
            doc.problems.push((
                it.line,
                PLAN_FIELDS[P_NUMBER].title.to_string(),
                format!("пункт {} повторяется (впервые — строка {first})", it.number),
            ));
        }
    }
}

/// Title, years and the approving act from the lines before the first table.
fn read_preamble(rows: &[Row], doc: &mut WorkplanDoc) {
    let lines: Vec<(usize, String)> = rows
        .iter()
        .map(|r| {
            let text: Vec<&str> = r.filled().map(|(_, t)| t).collect();
            (r.line, text.join(" "))
        })
        .collect();
    // The title: the last line that starts with «План», joined with the lines after it up to a
    // blank line or a section heading.
    if let Some(start) = lines
        .iter()
        .rposition(|(_, t)| normalize(t).split(' ').next() == Some("план"))
    {
        let mut title = Vec::new();
        for (_, t) in &lines[start..] {
            if t.is_empty() || section_heading(t).is_some() {
                break;
            }
            title.push(t.trim_matches('*').trim().to_string());
        }
        doc.title = title.join(" ");
        doc.title_line = lines[start].0;
    }
    // «к распоряжению комитета … от 13.03.2017 № 152» over several lines.
    if let Some(start) = lines.iter().position(|(_, t)| {
        let n = normalize(t);
        n.starts_with("к распоряжени")
            || n.starts_with("к приказ")
            || n.starts_with("к постановлени")
    }) {
        let mut act = Vec::new();
        for (_, t) in &lines[start..] {
            if t.is_empty() {
                break;
            }
            act.push(t.as_str());
        }
        let act = act.join(" ");
        let act = act_named(act.strip_prefix("к ").unwrap_or(&act));
        doc.approved_on = act
            .split_once(" от ")
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .and_then(parse_date);
        doc.approved_by = act;
    }
    let (from, to) = years_in(&doc.title);
    doc.year_from = from;
    doc.year_to = to;
}

/// The act of approval as a field shows it: the attachment line's «к распоряжению комитета от …»
/// names the act in the dative; stored and shown in the nominative («распоряжение комитета от …»),
/// as an act typed by hand or made by `nok demo` is. Words after the first are genitive already.
fn act_named(act: &str) -> String {
    const DATIVE: [(&str, &str); 5] = [
        ("распоряжению", "распоряжение"),
        ("приказу", "приказ"),
        ("постановлению", "постановление"),
        ("указу", "указ"),
        ("решению", "решение"),
    ];
    let (first, rest) = act.split_once(' ').unwrap_or((act, ""));
    let lower = first.to_lowercase();
    let Some((_, nominative)) = DATIVE.iter().find(|(d, _)| *d == lower) else {
        return act.to_string();
    };
    let mut word = nominative.to_string();
    if first.chars().next().is_some_and(char::is_uppercase) {
        let mut c = word.chars();
        word = c
            .next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default();
    }
    if rest.is_empty() {
        word
    } else {
        format!("{word} {rest}")
    }
}

/// «на период 2016-2018 годов» → (2016, 2018); «в 2024 году» → (2024, 2024).
pub fn years_in(text: &str) -> (Option<i32>, Option<i32>) {
    let mut years = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            if run.len() == 4
                && let Ok(y) = run.parse::<i32>()
                && (2000..=2100).contains(&y)
            {
                years.push(y);
            }
        } else {
            i += 1;
        }
    }
    (years.iter().min().copied(), years.iter().max().copied())
}

fn read_targets(
    body: &[Row],
    map: &HeaderMap,
    years: &[(usize, i32, bool)],
    doc: &mut WorkplanDoc,
    current_section: &mut Option<(usize, String, String)>,
) {
    let number_col = map.col(0);
    for row in body {
        if row.is_blank() {
            continue;
        }
        let filled: Vec<(usize, &str)> = row.filled().collect();
        if let [(_, only)] = filled.as_slice()
            && let Some((number, title)) = section_heading(only)
        {
            *current_section = Some((row.line, number, title));
            continue;
        }
        let number = number_col.map_or("", |c| row.cell(c));
        let name = map.get(row, 1);
        let number = match item_number(number) {
            Some(n) => n,
            None if number.is_empty() => {
                // A wrapped name.
                if let Some(last) = doc.targets.last_mut()
                    && !name.is_empty()
                {
                    last.name.push(' ');
                    last.name.push_str(name);
                } else {
                    doc.stray.push((
                        row.line,
                        filled
                            .iter()
                            .map(|(_, t)| *t)
                            .collect::<Vec<_>>()
                            .join(" | "),
                    ));
                }
                continue;
            }
            None => {
                doc.stray.push((
                    row.line,
                    filled
                        .iter()
                        .map(|(_, t)| *t)
                        .collect::<Vec<_>>()
                        .join(" | "),
                ));
                continue;
            }
        };
        let mut values: Vec<(i32, Option<f64>, Option<f64>)> = Vec::new();
        for &(col, year, actual) in years {
            let cell = row.cell(col);
            let value = if cell.is_empty() || matches!(cell, "-" | "–" | "—") {
                None
            } else if let Some(v) = parse_decimal(cell.trim_end_matches('%')) {
                Some(v)
            } else {
                doc.problems.push((
                    row.line,
                    format!("{year}"),
                    format!("«{cell}» — не число; укажите число или прочерк"),
                ));
                None
            };
            match values.iter_mut().find(|v| v.0 == year) {
                Some(v) if actual => v.2 = value,
                Some(v) => v.1 = value,
                None if actual => values.push((year, None, value)),
                None => values.push((year, value, None)),
            }
        }
        let mut name = name.to_string();
        let mut unit = map.get(row, 2).to_string();
        if unit.is_empty() {
            for (suffix, u) in [
                (", в %", "%"),
                (", %", "%"),
                (" (%)", "%"),
                (", ед.", "ед."),
                (", единиц", "ед."),
            ] {
                if let Some(stripped) = name.strip_suffix(suffix) {
                    name = stripped.to_string();
                    unit = u.to_string();
                    break;
                }
            }
        }
        if name.is_empty() {
            doc.problems.push((
                row.line,
                TARGET_FIELDS[1].title.to_string(),
                format!("у показателя {number} нет наименования"),
            ));
        }
        doc.targets.push(DocTarget {
            line: row.line,
            number,
            name,
            unit,
            values,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_act_of_approval_is_named_in_the_nominative() {
        assert_eq!(
            act_named("Распоряжению Комитета от 01.02.2020 № 5"),
            "Распоряжение Комитета от 01.02.2020 № 5"
        );
        assert_eq!(act_named("приказу министерства"), "приказ министерства");
        assert_eq!(act_named("постановлению"), "постановление");
        // Not a dative act word: kept as written.
        assert_eq!(
            act_named("решение совета от 1.1.2020"),
            "решение совета от 1.1.2020"
        );
        assert_eq!(act_named("приказуемому"), "приказуемому");
    }

    #[test]
    fn years_of_a_title() {
        assert_eq!(
            years_in("на период 2016-2018 годов"),
            (Some(2016), Some(2018))
        );
        assert_eq!(years_in("в 2024 году"), (Some(2024), Some(2024)));
        assert_eq!(years_in("план"), (None, None));
    }

    #[test]
    fn a_small_plan_document() {
        let text = "Приложение\nк распоряжению комитета\nот 13.03.2017 № 152\n\nПлан\nработы на 2016-2018 годы\n\n\
**I. Целевые показатели**\n\
№\tЦелевые показатели\t2015г. (отчет)\t2016г.\t2017г.\n\
1\tДоля организаций, в %\t100\t-\t100\n\
II. План мероприятий\n\
№ п/п\tНаименование мероприятия\tФорма реализации\tСроки исполнения\tОтветственные исполнители\n\
1\tЗаседания:\tРешение\tв течение 2016-2018 г.г.\tЗапара О.С. Общественный совет\n\
1.1.\tоб итогах\tРешение\tI квартал 2016 г.\tСтукова О.В.\n\
\n\
\tоценки\t\t\tПетров О.Ю.\n";
        let sheet = crate::exchange::import::read_bytes("p.txt", text.as_bytes()).unwrap();
        let doc = read(&sheet).unwrap();
        assert_eq!(doc.title, "План работы на 2016-2018 годы");
        assert_eq!((doc.year_from, doc.year_to), (Some(2016), Some(2018)));
        assert_eq!(doc.approved_by, "распоряжение комитета от 13.03.2017 № 152");
        assert_eq!(doc.approved_on, NaiveDate::from_ymd_opt(2017, 3, 13));
        assert_eq!(doc.targets.len(), 1);
        assert_eq!(doc.targets[0].unit, "%");
        assert_eq!(doc.targets[0].name, "Доля организаций");
        assert_eq!(
            doc.targets[0].values,
            vec![
                (2015, None, Some(100.0)),
                (2016, None, None),
                (2017, Some(100.0), None)
            ]
        );
        assert_eq!(doc.sections.len(), 1);
        assert_eq!(doc.sections[0].number, "II");
        assert_eq!(doc.items.len(), 2);
        assert_eq!(doc.items[1].measure, "об итогах оценки");
        assert_eq!(doc.items[1].executors, vec!["Стукова О.В.", "Петров О.Ю."]);
        assert_eq!(
            doc.items[0].executors,
            vec!["Запара О.С.", "Общественный совет"]
        );
        assert!(doc.problems.is_empty(), "{:?}", doc.problems);
    }
}
