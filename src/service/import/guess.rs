//! What a file to load most likely holds, from the header among its first rows, so that «Обмен»
//! offers the right kind first (the person still chooses): the inputs of a cycle (an ИНН column
//! and two or more columns of a method's inputs), a registry of organizations (ИНН with the full
//! name and one more identifier), a plan to remedy shortcomings (the shortcoming and the
//! measure), an authority's plan (measures with deadlines and executors, no shortcomings), survey
//! responses (a timestamp or the respondent's number, the organization, five questions or more).
//! Reads at most [`GUESS_ROWS`] rows, streamed (a workbook's sheet is not read whole); `None`
//! when nothing fits well enough.

use std::path::Path;

use crate::domain::sector::Sector;
use crate::exchange::import::Row;
use crate::exchange::import::headers::{
    Field, FoundHeader, find_header_rows, join_header_rows, map_row,
};
use crate::exchange::import::stream::{RowSource, RowStream};
use crate::service::methodology::Methods;

/// How many rows of the file are read to guess.
pub const GUESS_ROWS: usize = 40;

/// A kind of file, as guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guessed {
    Orgs,
    Inputs,
    Plan,
    Workplan,
    Survey,
}

/// What was guessed and the header that says so, for the screen («колонки «ИНН», «ОГРН»…»),
/// and, for inputs, plans and survey responses, the ИНН of the organizations in the rows read
/// (leading zeros restored): the cycle they are members of is the one the file is most likely
/// for.
#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    pub kind: Guessed,
    pub because: String,
    pub inns: Vec<String>,
}

/// The guess for the file at `path`; `None` when it does not read or nothing fits.
pub fn guess(path: &Path) -> Option<Guess> {
    let mut rows = RowStream::open(path).ok()?;
    let mut head: Vec<Row> = Vec::new();
    while head.len() < GUESS_ROWS {
        match rows.next_row() {
            Ok(Some(row)) => head.push(row),
            _ => break,
        }
    }
    guess_rows(&head)
}

/// The guess for the first rows of a file.
pub fn guess_rows(head: &[Row]) -> Option<Guess> {
    let titles = |row: &Row, cols: &[Option<usize>]| -> String {
        let names: Vec<String> = cols
            .iter()
            .flatten()
            .take(4)
            .map(|&c| format!("«{}»", short(row.cell(c))))
            .collect();
        names.join(", ")
    };
    // The valid ИНН in column `col` of the rows after the header (which ends at `after`): the
    // row of column numbers or a total gives none.
    let inns = |after: usize, col: Option<usize>| -> Vec<String> {
        let Some(col) = col else { return Vec::new() };
        head.iter()
            .skip(after)
            .map(|r| crate::domain::ids::with_leading_zeros(r.cell(col).trim(), 10).into_owned())
            .filter(|inn| inn.len() == 10 && crate::domain::ids::validate_inn(inn).is_ok())
            .collect()
    };
    // Inputs first: their header also holds ИНН, КПП and the organization's name.
    if let Some((because, after, col)) = inputs_header(head) {
        return Some(Guess {
            kind: Guessed::Inputs,
            because,
            inns: inns(after, col),
        });
    }
    if let Some(found) = find_header_rows(head, super::orgs::FIELDS, 3, GUESS_ROWS) {
        let has = |id: &str| maps(super::orgs::FIELDS, &found, id);
        if has("inn") && has("full_name") && (has("kpp") || has("ogrn") || has("reg_num")) {
            return Some(Guess {
                kind: Guessed::Orgs,
                because: titles(&found.row, &found.map.columns),
                inns: Vec::new(),
            });
        }
    }
    if let Some(found) = find_header_rows(head, super::plan::FIELDS, 3, GUESS_ROWS) {
        let has = |id: &str| maps(super::plan::FIELDS, &found, id);
        let because = titles(&found.row, &found.map.columns);
        if has("shortcoming") && has("measure") {
            let org_inn = super::plan::FIELDS.iter().position(|f| f.id == "org_inn");
            return Some(Guess {
                kind: Guessed::Plan,
                because,
                inns: inns(
                    found.at + found.rows,
                    org_inn.and_then(|f| found.map.col(f)),
                ),
            });
        }
        if has("measure") && has("deadline") && has("responsible") && !has("org_inn") {
            return Some(Guess {
                kind: Guessed::Workplan,
                because,
                inns: Vec::new(),
            });
        }
    }
    // Survey responses last: a timestamp or number, the organization, the questions.
    let (at, inn_column) = head.iter().enumerate().find_map(|(i, r)| {
        crate::service::survey::responses_header(&r.cells).map(|inn| (i, inn))
    })?;
    let responses = &head[at];
    let shown: Vec<String> = responses
        .filled()
        .take(3)
        .map(|(_, c)| format!("«{}»", short(c)))
        .collect();
    Some(Guess {
        kind: Guessed::Survey,
        because: format!(
            "{} и еще {}",
            shown.join(", "),
            responses.filled().count().saturating_sub(3)
        ),
        inns: inns(at + 1, inn_column),
    })
}

/// The header of an inputs file: a row (or two joined) with an ИНН column (or the
/// organization's name) and at least two columns of the inputs of any built-in method, for any
/// sector; if found, what it says, the index of the first row after it and the ИНН column.
fn inputs_header(head: &[Row]) -> Option<(String, usize, Option<usize>)> {
    let methods = Methods::builtin().ok()?;
    let indicators: Vec<_> = methods
        .codes()
        .into_iter()
        .filter_map(|code| methods.get(code))
        .flat_map(|m| Sector::ALL.into_iter().flat_map(|s| m.indicators_for(s)))
        .collect();
    let names = super::inputs::column_names(&indicators);
    let read = |row: &Row| -> Option<(String, Option<usize>)> {
        let ids = map_row(row, super::inputs::ID_FIELDS);
        // The ИНН, or the organization's name (matched among the cycle's members).
        let inn = ids.col(0);
        let named = ids.col(0).or(ids.col(3))?;
        let found: Vec<&str> = row
            .cells
            .iter()
            .filter(|c| super::inputs::lookup(&names, c).is_some())
            .map(|c| c.as_str())
            .collect();
        (found.len() >= 2).then(|| {
            let shown: Vec<String> = found
                .iter()
                .take(2)
                .map(|c| format!("«{}»", short(c)))
                .collect();
            (
                format!(
                    "«{}», {} и еще {}",
                    short(row.cell(named)),
                    shown.join(", "),
                    found.len() - 2
                ),
                inn,
            )
        })
    };
    head.iter()
        .enumerate()
        .find_map(|(i, r)| read(r).map(|(b, inn)| (b, i + 1, inn)))
        .or_else(|| {
            head.windows(2).enumerate().find_map(|(i, pair)| {
                read(&join_header_rows(&pair[0], &pair[1])).map(|(b, inn)| (b, i + 2, inn))
            })
        })
}

/// Whether the header `found` for `fields` has a column for the field `id`.
fn maps(fields: &[Field], found: &FoundHeader, id: &str) -> bool {
    fields
        .iter()
        .position(|f| f.id == id)
        .and_then(|f| found.map.col(f))
        .is_some()
}

/// A header cell cut to a few words for the screen.
fn short(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 30 {
        one_line
    } else {
        let cut: String = one_line.chars().take(29).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<Row> {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| Row {
                line: i + 1,
                cells: l.split(';').map(str::to_string).collect(),
            })
            .collect()
    }

    fn kind(lines: &[&str]) -> Option<Guessed> {
        guess_rows(&rows(lines)).map(|g| g.kind)
    }

    #[test]
    fn a_registry_of_organizations() {
        let g = guess_rows(&rows(&[
            "Реестр организаций социального обслуживания",
            "№ п/п;Полное наименование;ИНН;КПП;ОГРН;Адрес",
            "1;ГБУ «Дом»;7801234567;780101001;1027800000001;СПб",
        ]))
        .unwrap();
        assert_eq!(g.kind, Guessed::Orgs);
        assert!(g.because.contains("«ИНН»"), "{}", g.because);
    }

    #[test]
    fn inputs_as_the_template_gives_them_and_as_two_rows() {
        assert_eq!(
            kind(&[
                "ИНН;КПП;Организация;1.1 Число материалов, размещенных на информационных стендах;1.2 телефон",
                "7801234567;780101001;ГБУ;12;да",
            ]),
            Some(Guessed::Inputs)
        );
        let g = guess_rows(&rows(&[
            "ИНН;КПП;Наименование организации;1.3 Доля удовлетворенных;",
            ";;;Число удовлетворенных информацией на стендах;Число ответивших о стендах",
            "7801234564;780101001;ГБУ;12;20",
            "7801234567;780101001;ГБУ, ИНН с неверной контрольной цифрой;1;2",
            "105043724;10501001;ГБУ Адыгеи;3;4",
            "Итого;;;15;24",
        ]))
        .unwrap();
        assert_eq!(g.kind, Guessed::Inputs);
        // The valid ИНН of the rows below the header, the lost leading zero restored; no «Итого»,
        // none with a wrong check digit.
        assert_eq!(g.inns, ["7801234564", "0105043724"]);
    }

    #[test]
    fn plans_of_organizations_and_of_the_authority() {
        assert_eq!(
            kind(&[
                "№ п/п;Недостатки, выявленные в ходе независимой оценки;Наименование мероприятия по устранению недостатков;Плановый срок реализации мероприятия;Ответственный исполнитель",
                "1;Нет пандуса;Установить пандус;IV квартал 2026 г.;Директор",
            ]),
            Some(Guessed::Plan)
        );
        assert_eq!(
            kind(&[
                "№ п/п;Наименование мероприятия;Срок исполнения;Ответственный исполнитель",
                "1;Утверждение перечня организаций;до 1 марта;Министерство",
            ]),
            Some(Guessed::Workplan)
        );
    }

    #[test]
    fn survey_responses() {
        assert_eq!(
            kind(&[
                "Отметка времени;ИНН организации;1. Удовлетворены ли вы открытостью информации на стендах?;2. На сайте?;3. Комфортностью?;4. Доступностью?;5. Вежливостью?",
                "01.03.2026 10:00;7801234567;Да;Да;Нет;Да;Да",
            ]),
            Some(Guessed::Survey)
        );
        let g = guess_rows(&rows(&[
            "Номер анкеты;ИНН организации;1. Стенды?;2. Сайт?;3. Комфортность?;4. Доступность?;5. Вежливость?",
            "1;105043724;Да;Да;Нет;Да;Да",
        ]))
        .unwrap();
        assert_eq!(
            g.inns,
            ["0105043724"],
            "the organizations' ИНН, for the cycle"
        );
        // Too few questions: not taken for responses.
        assert_eq!(
            kind(&[
                "Отметка времени;ИНН организации;Вопрос",
                "01.03.2026;7801234567;Да"
            ]),
            None
        );
    }

    #[test]
    fn anything_else_is_not_guessed() {
        assert_eq!(kind(&["Фамилия;Имя;Телефон", "Иванов;Иван;123"]), None);
        assert_eq!(kind(&["ИНН;Телефон", "7801234567;123"]), None);
        assert_eq!(kind(&[]), None);
    }
}
