//! Match stage, columns: each column of the file taken as a question of the questionnaire (by its
//! header's text, a saved mapping, the number it starts with, or its place among the matched
//! columns) or as a known column (timestamp, respondent id, organization, part).
//!
//! Numbers are read as the file numbers its form ([`Numbering`]): a sector whose form leaves a
//! question out (culture and education ask no question 5 on timeliness) may number the rest
//! 1, 2, 3… or keep the general form's numbers with a gap, and the file's own columns tell which.

use std::collections::HashMap;

use super::{ColumnUse, cut};
use crate::domain::questionnaire::{
    HeaderMatch, Questionnaire, SavedMapping, bare_number, normalize_header,
};
use crate::exchange::import::Row;

/// What each column is taken as, and what could not be used.
#[derive(Debug, Default)]
pub(super) struct ColumnMap {
    /// (0-based column, what it holds), by column.
    pub cols: Vec<(usize, Col)>,
    /// For the preview: the columns used.
    pub columns: Vec<ColumnUse>,
    /// (column, header, why not used).
    pub unmatched: Vec<(usize, String, String)>,
    /// Questions of the variant no column holds.
    pub missing: Vec<String>,
}

impl ColumnMap {
    /// The column of a kind.
    pub fn find(&self, kind: Col) -> Option<usize> {
        self.cols.iter().find(|(_, c)| *c == kind).map(|x| x.0)
    }

    /// (column, question index) of the question columns.
    pub fn questions(&self) -> Vec<(usize, usize)> {
        self.cols
            .iter()
            .filter_map(|&(c, col)| match col {
                Col::Question(q) => Some((c, q)),
                _ => None,
            })
            .collect()
    }

    /// The organization column and its kind: ИНН first, then regNum, then name.
    pub fn org(&self) -> Option<(usize, Col)> {
        [Col::OrgInn, Col::OrgRegNum, Col::OrgName]
            .iter()
            .find_map(|want| self.cols.iter().find(|(_, c)| c == want).copied())
    }
}

/// What a column of the file holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Col {
    Question(usize),
    Timestamp,
    Respondent,
    OrgInn,
    OrgRegNum,
    OrgName,
    Part,
    Ignore,
}

pub(super) const SPECIAL: &[(&str, Col, &[&str])] = &[
    (
        "timestamp",
        Col::Timestamp,
        &[
            "отметка времени",
            "timestamp",
            "дата и время",
            "время заполнения",
            "дата заполнения",
            "время ответа",
            "дата",
            "время создания",
        ],
    ),
    (
        "respondent",
        Col::Respondent,
        &[
            "id",
            "id ответа",
            "id респондента",
            "номер анкеты",
            "respondent id",
            "response id",
            "идентификатор",
            "идентификатор ответа",
            "код респондента",
            "анкеты",
            "номер",
            "номер респондента",
            "n анкеты",
            "no анкеты",
        ],
    ),
    (
        "org_inn",
        Col::OrgInn,
        &["инн", "инн организации", "инн учреждения"],
    ),
    (
        "org_regnum",
        Col::OrgRegNum,
        &[
            "regnum",
            "reg num",
            "код по сводному реестру",
            "код организации по сводному реестру",
            "реестровый номер",
        ],
    ),
    (
        "org_name",
        Col::OrgName,
        &[
            "организация",
            "наименование организации",
            "наименование",
            "учреждение",
            "наименование учреждения",
            "выберите организацию",
            "выберите учреждение",
            "название организации",
            "полное наименование организации",
            "оцениваемая организация",
        ],
    ),
    (
        "part",
        Col::Part,
        &[
            "филиал",
            "подразделение",
            "структурное подразделение",
            "отделение",
            "форма обслуживания",
            "форма оказания помощи",
        ],
    ),
    ("ignore", Col::Ignore, &[]),
];

/// Takes each column of the header row (with the rows `above` it, for merged group cells) as a
/// question among `candidates` or a known column; a saved mapping comes first.
pub(super) fn match_columns(
    qn: &Questionnaire,
    candidates: &[usize],
    header: &Row,
    above: &[&Row],
    width: usize,
    mapping: &SavedMapping,
) -> ColumnMap {
    let mapping_norm = normalized(mapping);
    let numbers = Numbers::of_file(qn, candidates, header, width);
    let mut m = ColumnMap::default();
    let mut ambiguous: Vec<(usize, String, Vec<usize>)> = Vec::new();
    let mut taken: HashMap<usize, usize> = HashMap::new();
    for c in 0..width {
        let own = header.cell(c).to_string();
        // Texts to try: the header cell, then the cells above it (a header merged down from
        // a group row leaves its own cell empty).
        let mut texts: Vec<String> = vec![own.clone()];
        for r in above.iter().rev() {
            let t = r.cell(c);
            if !t.is_empty() {
                texts.push(t.to_string());
                if !own.is_empty() {
                    texts.push(format!("{t} {own}"));
                }
            }
        }
        let shown = texts
            .iter()
            .find(|t| !t.is_empty())
            .cloned()
            .unwrap_or_default();
        if shown.is_empty() {
            continue;
        }
        // A saved mapping first.
        if let Some(target) = texts.iter().find_map(|t| {
            mapping
                .columns
                .get(t.as_str())
                .or_else(|| mapping_norm.get(&normalize_header(t)).copied())
        }) {
            match resolve_target(qn, candidates, target) {
                Some(col) => {
                    push_col(qn, &mut m, &mut taken, c, &shown, col, "по сопоставлению");
                }
                None => m.unmatched.push((
                    c + 1,
                    shown.clone(),
                    format!("в сопоставлении указан неизвестный вопрос «{target}»"),
                )),
            }
            continue;
        }
        if let Some(col) = texts.iter().find_map(|t| special(t)) {
            push_col(qn, &mut m, &mut taken, c, &shown, col, "по тексту");
            continue;
        }
        // A header that is only a number («6», «Вопрос 6»), read as the file numbers its form.
        if let Some(n) = bare_number(&own) {
            match numbers.question(n) {
                Some(q) => push_col(
                    qn,
                    &mut m,
                    &mut taken,
                    c,
                    &shown,
                    Col::Question(q),
                    "по номеру",
                ),
                None => {
                    let readings = numbers.readings(n);
                    let why = if readings.len() > 1 {
                        let labels: Vec<String> = readings
                            .iter()
                            .map(|&q| format!("«{}»", cut(&qn.questions[q].text, 40)))
                            .collect();
                        format!(
                            "номер {n}: в анкете этой сферы нет вопроса 5, и по файлу не видно, \
                             как пронумерованы вопросы ({}); укажите вопрос в файле сопоставления",
                            labels.join(" или ")
                        )
                    } else {
                        format!("в анкете этой сферы нет вопроса с номером {n}; пропущена")
                    };
                    m.unmatched.push((c + 1, shown.clone(), why));
                }
            }
            continue;
        }
        let mut found = HeaderMatch::None;
        for t in &texts {
            found = qn.match_header(t, candidates);
            if !matches!(found, HeaderMatch::None) {
                break;
            }
        }
        match found {
            HeaderMatch::Question(q) => push_col(
                qn,
                &mut m,
                &mut taken,
                c,
                &shown,
                Col::Question(q),
                "по тексту",
            ),
            HeaderMatch::Ambiguous(qs) => {
                // The number the header starts with («2)», «В2.») decides, if one fits.
                let by_number: Vec<usize> = leading_number(&own)
                    .and_then(|n| numbers.question(n))
                    .filter(|q| qs.contains(q))
                    .into_iter()
                    .collect();
                if let [q] = by_number.as_slice() {
                    push_col(
                        qn,
                        &mut m,
                        &mut taken,
                        c,
                        &shown,
                        Col::Question(*q),
                        "по тексту и номеру",
                    );
                } else {
                    ambiguous.push((c, shown.clone(), qs));
                }
            }
            HeaderMatch::None => m.unmatched.push((
                c + 1,
                shown.clone(),
                "не похоже ни на один вопрос анкеты; пропущена".to_string(),
            )),
        }
    }
    // Still ambiguous: the place of the column among the matched ones decides (questions come
    // in the form's order), if exactly one candidate fits between its neighbours.
    for (c, shown, qs) in ambiguous {
        let order = |q: usize| candidates.iter().position(|&x| x == q).unwrap_or(0);
        let left = m
            .cols
            .iter()
            .filter_map(|&(cc, col)| match col {
                Col::Question(q) if cc < c => Some(order(q)),
                _ => None,
            })
            .max();
        let right = m
            .cols
            .iter()
            .filter_map(|&(cc, col)| match col {
                Col::Question(q) if cc > c => Some(order(q)),
                _ => None,
            })
            .min();
        let fits: Vec<usize> = qs
            .iter()
            .copied()
            .filter(|&q| !taken.contains_key(&q))
            .filter(|&q| left.is_none_or(|l| order(q) > l) && right.is_none_or(|r| order(q) < r))
            .collect();
        if let [q] = fits.as_slice() {
            push_col(
                qn,
                &mut m,
                &mut taken,
                c,
                &shown,
                Col::Question(*q),
                "по тексту и месту колонки",
            );
        } else {
            let labels: Vec<String> = qs.iter().map(|&q| qn.questions[q].label()).collect();
            m.unmatched.push((
                c + 1,
                shown,
                format!(
                    "подходит к нескольким вопросам ({}); укажите вопрос в файле сопоставления",
                    labels.join(", ")
                ),
            ));
        }
    }
    m.cols.sort_by_key(|&(c, _)| c);
    m.columns.sort_by_key(|c| c.col);
    for &q in candidates {
        if !m.cols.iter().any(|&(_, c)| c == Col::Question(q)) {
            let question = &qn.questions[q];
            m.missing.push(format!(
                "{} «{}»",
                question.label(),
                cut(&question.text, 70)
            ));
        }
    }
    m
}

/// How a file numbers the questions of the sector's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Numbering {
    /// The general form's numbers (question 6 is comfort in every sector).
    General,
    /// The sector's form numbered 1, 2, 3… in order (in culture, 5 is comfort).
    Own,
    /// Not told by the file: a number is taken only where both readings agree.
    Unknown,
}

/// The questions of the sector's form by number, under each way of numbering.
struct Numbers {
    /// (question index, general number, own number) of the numbered questions of the form.
    of: Vec<(usize, u32, u32)>,
    numbering: Numbering,
}

impl Numbers {
    /// Reads how the file numbers its questions: from the columns whose text names one question
    /// and that start with a number, then from the bare numbers (a «5» in a form without
    /// question 5 is the form's own numbering; a number past the own form's last is the general
    /// one).
    fn of_file(qn: &Questionnaire, candidates: &[usize], header: &Row, width: usize) -> Numbers {
        let of: Vec<(usize, u32, u32)> = candidates
            .iter()
            .copied()
            .filter(|&q| qn.questions[q].number > 0)
            .enumerate()
            .map(|(i, q)| (q, qn.questions[q].number, i as u32 + 1))
            .collect();
        let mut numbers = Numbers {
            of,
            numbering: Numbering::Unknown,
        };
        if numbers.of.iter().all(|&(_, g, o)| g == o) {
            numbers.numbering = Numbering::General;
            return numbers;
        }
        let (mut general, mut own) = (false, false);
        let mut bare = Vec::new();
        for c in 0..width {
            let text = header.cell(c);
            if let Some(n) = bare_number(text) {
                let g = numbers.of.iter().any(|&(_, gn, _)| gn == n);
                let o = numbers.of.iter().any(|&(_, _, on)| on == n);
                general |= g && !o;
                own |= o && !g;
                bare.push(n);
                continue;
            }
            let (Some(n), HeaderMatch::Question(q)) =
                (leading_number(text), qn.match_header(text, candidates))
            else {
                continue;
            };
            if let Some(&(_, g, o)) = numbers.of.iter().find(|x| x.0 == q)
                && g != o
            {
                general |= n == g;
                own |= n == o;
            }
        }
        // A gap where the sector's form leaves a question out, between bare numbers on both
        // sides of it («4», «6»): the general numbers.
        let last = numbers.of.iter().map(|x| x.1).max().unwrap_or(0);
        for k in 2..last {
            let left_out = !numbers.of.iter().any(|x| x.1 == k);
            if left_out && bare.contains(&(k - 1)) && bare.contains(&(k + 1)) && !bare.contains(&k)
            {
                general = true;
            }
        }
        numbers.numbering = match (general, own) {
            (true, false) => Numbering::General,
            (false, true) => Numbering::Own,
            _ => Numbering::Unknown,
        };
        numbers
    }

    /// The question a number names in this file, if it can be told.
    fn question(&self, n: u32) -> Option<usize> {
        let general = self.of.iter().find(|x| x.1 == n).map(|x| x.0);
        let own = self.of.iter().find(|x| x.2 == n).map(|x| x.0);
        match self.numbering {
            Numbering::General => general,
            Numbering::Own => own,
            Numbering::Unknown if general == own => general,
            Numbering::Unknown => None,
        }
    }

    /// The questions a number may name when the file does not tell (for the message).
    fn readings(&self, n: u32) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .of
            .iter()
            .filter(|x| x.1 == n || x.2 == n)
            .map(|x| x.0)
            .collect();
        out.dedup();
        out
    }
}

/// A saved mapping's headers compared as the matcher compares them (spaces, case, numbering).
pub(super) fn normalized(mapping: &SavedMapping) -> HashMap<String, &String> {
    mapping
        .columns
        .iter()
        .map(|(k, v)| (normalize_header(k), v))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn push_col(
    qn: &Questionnaire,
    m: &mut ColumnMap,
    taken: &mut HashMap<usize, usize>,
    c: usize,
    shown: &str,
    col: Col,
    how: &'static str,
) {
    if col == Col::Ignore {
        m.unmatched.push((
            c + 1,
            shown.to_string(),
            "пропущена по сопоставлению".to_string(),
        ));
        return;
    }
    let slot = match col {
        Col::Question(q) => q,
        other => usize::MAX - other_index(other),
    };
    if let Some(&first) = taken.get(&slot) {
        m.unmatched.push((
            c + 1,
            shown.to_string(),
            format!("то же, что колонка {} — пропущена", first + 1),
        ));
        return;
    }
    taken.insert(slot, c);
    m.cols.push((c, col));
    let target = match col {
        Col::Question(q) => {
            let question = &qn.questions[q];
            match &question.feeds {
                Some(f) => format!("{} → {} / {}", question.label(), f.yes, f.asked),
                None if question.proposals => format!("{} (предложения)", question.label()),
                None if question.gate_no.is_some() => {
                    format!("{} (вопрос-фильтр для перехода)", question.label())
                }
                None => question.label(),
            }
        }
        Col::Timestamp => "отметка времени (для поиска дублей)".to_string(),
        Col::Respondent => "номер респондента (для поиска дублей)".to_string(),
        Col::OrgInn => "организация по ИНН".to_string(),
        Col::OrgRegNum => "организация по коду по Сводному реестру".to_string(),
        Col::OrgName => "организация по наименованию".to_string(),
        Col::Part => {
            "часть организации (филиал, форма обслуживания): ответы считаются в ее исходные данные"
                .to_string()
        }
        Col::Ignore => String::new(),
    };
    m.columns.push(ColumnUse {
        col: c + 1,
        header: shown.to_string(),
        target,
        how,
    });
}

/// The number a header starts with: «2)», «2.», «В2», «Вопрос 2:».
fn leading_number(header: &str) -> Option<u32> {
    let t = header.trim().to_lowercase();
    let t = t
        .strip_prefix("вопрос")
        .or_else(|| t.strip_prefix('в'))
        .unwrap_or(&t)
        .trim_start();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let rest = t[digits.len()..].chars().next();
    if digits.is_empty() || !matches!(rest, Some('.' | ')' | ':' | ' ')) {
        return None;
    }
    digits.parse().ok()
}

fn other_index(c: Col) -> usize {
    match c {
        Col::Timestamp => 0,
        Col::Respondent => 1,
        Col::OrgInn => 2,
        Col::OrgRegNum => 3,
        Col::OrgName => 4,
        Col::Part => 5,
        Col::Ignore | Col::Question(_) => 6,
    }
}

/// Whether a row of cells reads as the header of survey responses: a timestamp or a respondent's
/// number, a column naming the organization, and five columns or more that are neither (the
/// questions). For «Обмен» to offer a file as responses first; `Some` with the column of the
/// organization's ИНН, if there is one.
pub(super) fn responses_header(cells: &[String]) -> Option<Option<usize>> {
    let kinds: Vec<(usize, Option<Col>)> = cells
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.trim().is_empty())
        .map(|(i, c)| (i, special(c)))
        .collect();
    let has = |f: &dyn Fn(Col) -> bool| kinds.iter().any(|(_, k)| k.is_some_and(f));
    let header = has(&|c| matches!(c, Col::Timestamp | Col::Respondent))
        && has(&|c| matches!(c, Col::OrgInn | Col::OrgRegNum | Col::OrgName))
        && kinds.iter().filter(|(_, k)| k.is_none()).count() >= 5;
    header.then(|| {
        kinds
            .iter()
            .find(|(_, k)| *k == Some(Col::OrgInn))
            .map(|(i, _)| *i)
    })
}

pub(super) fn special(text: &str) -> Option<Col> {
    let n = normalize_header(text);
    SPECIAL
        .iter()
        .find(|(_, _, names)| names.iter().any(|s| normalize_header(s) == n))
        .map(|(_, c, _)| *c)
}

fn resolve_target(qn: &Questionnaire, candidates: &[usize], target: &str) -> Option<Col> {
    if let Some((_, c, _)) = SPECIAL.iter().find(|(id, _, _)| *id == target) {
        return Some(*c);
    }
    qn.question(target)
        .filter(|q| candidates.contains(q))
        .map(Col::Question)
}

pub(super) fn saved_mapping(
    qn: &Questionnaire,
    cols: &[(usize, Col)],
    header: &Row,
    above: &[&Row],
) -> SavedMapping {
    let mut m = SavedMapping::default();
    for &(c, col) in cols {
        let text = if header.cell(c).is_empty() {
            above
                .iter()
                .rev()
                .map(|r| r.cell(c))
                .find(|t| !t.is_empty())
                .unwrap_or("")
        } else {
            header.cell(c)
        };
        let target = match col {
            Col::Question(q) => qn.questions[q].id.clone(),
            other => SPECIAL
                .iter()
                .find(|(_, c, _)| *c == other)
                .map_or(String::new(), |(id, _, _)| id.to_string()),
        };
        if !text.is_empty() {
            m.columns.insert(text.to_string(), target);
        }
    }
    m
}
