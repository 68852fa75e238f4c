//! The table of measures of a plan document found by what its rows hold, not only by its header:
//! a run of rows numbered `1`, `1.1`, `2.` fixes the number column; the rows are put together
//! (wrapped lines joined cell by cell, sections, page-break junk and repeated headers dropped),
//! and each other column gets a role — measure, deadline, executors, result, basis, indicators,
//! note — from the header words that survive (garbled by OCR, split over several lines, or
//! missing) and from what its cells hold (long imperative text, deadline phrases the parser
//! reads, names with initials and names of bodies), weighted together. Each role says why it was
//! chosen; a reading that the evidence does not settle is marked uncertain, and a person
//! confirms it with `--columns`.

use crate::domain::deadline::Deadline;

use super::Row;
use super::headers::normalize;
use super::values::{item_number, looks_like_formula, section_heading};

/// What a column of the table of measures holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Number,
    Measure,
    Deadline,
    Executors,
    /// Форма реализации / ожидаемый результат.
    Result,
    /// Основание (недостаток, результат оценки).
    Basis,
    Indicators,
    Note,
    /// A column nothing claimed: kept as an item field under its header.
    Other,
}

impl Role {
    /// The roles a column can take, in the order `--columns` names them.
    pub const ALL: [Role; 9] = [
        Role::Number,
        Role::Measure,
        Role::Deadline,
        Role::Executors,
        Role::Result,
        Role::Basis,
        Role::Indicators,
        Role::Note,
        Role::Other,
    ];

    /// The role's name as `--columns` takes it and the dry run prints it.
    pub fn name_ru(self) -> &'static str {
        match self {
            Role::Number => "№",
            Role::Measure => "мероприятие",
            Role::Deadline => "срок",
            Role::Executors => "исполнители",
            Role::Result => "результат",
            Role::Basis => "основание",
            Role::Indicators => "показатели",
            Role::Note => "примечание",
            Role::Other => "прочее",
        }
    }

    /// Reads a role's name as a person writes it in `--columns`.
    pub fn from_name(text: &str) -> Option<Role> {
        let t = normalize(text);
        let t = t.trim();
        if matches!(t, "№" | "№ п п" | "номер" | "n" | "нн") {
            return Some(Role::Number);
        }
        if matches!(t, "-" | "" | "пропустить" | "прочее" | "другое") {
            return Some(Role::Other);
        }
        let stems: [(&str, Role); 13] = [
            ("мероприят", Role::Measure),
            ("наименован", Role::Measure),
            ("срок", Role::Deadline),
            ("дата", Role::Deadline),
            ("исполн", Role::Executors),
            ("ответствен", Role::Executors),
            ("результат", Role::Result),
            ("форма", Role::Result),
            ("основан", Role::Basis),
            ("недостат", Role::Basis),
            ("показател", Role::Indicators),
            ("примечан", Role::Note),
            ("номер", Role::Number),
        ];
        stems
            .iter()
            .find(|(s, _)| t.starts_with(s))
            .map(|&(_, r)| r)
    }

    /// Header words that name the role (stems of normalised words).
    fn stems(self) -> &'static [&'static str] {
        match self {
            Role::Number => &["№", "п п", "номер"],
            Role::Measure => &["мероприят", "наименован", "содержан"],
            Role::Deadline => &["срок", "дата", "период"],
            Role::Executors => &["исполнит", "ответствен", "соисполнит"],
            Role::Result => &["результат", "форма", "ожидаем", "итог"],
            Role::Basis => &["основан", "недостат", "обоснован"],
            Role::Indicators => &["показател", "индикатор"],
            Role::Note => &["примечан", "отметк", "комментар"],
            Role::Other => &[],
        }
    }
}

/// Reads `--columns "№,мероприятие,срок,исполнители,результат"`: one role per column, left to
/// right.
pub fn parse_columns(text: &str) -> Result<Vec<Role>, String> {
    let mut roles = Vec::new();
    for (i, name) in text.split([',', ';']).enumerate() {
        match Role::from_name(name) {
            Some(r) => roles.push(r),
            None => {
                return Err(format!(
                    "--columns: колонка {} «{}» — непонятная роль; допустимо: {}",
                    i + 1,
                    name.trim(),
                    Role::ALL.map(Role::name_ru).join(", ")
                ));
            }
        }
    }
    if !roles.contains(&Role::Number) || !roles.contains(&Role::Measure) {
        return Err(
            "--columns: нужны хотя бы колонки «№» и «мероприятие», например --columns \"№,мероприятие,срок,исполнители\"".to_string(),
        );
    }
    Ok(roles)
}

/// A column's role and why it was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnRole {
    /// 0-based column.
    pub column: usize,
    pub role: Role,
    /// The header text over the column (joined over a split header), or "".
    pub header: String,
    /// Why, in Russian («по заголовку «Срок исполнения»», «по содержанию: 9 из 10 ячеек — сроки»).
    pub why: String,
}

/// A numbered item of the table, its cells joined over the lines it was wrapped on.
#[derive(Debug, Clone, PartialEq)]
pub struct RawItem {
    pub line: usize,
    pub last_line: usize,
    pub number: String,
    /// Joined text by column.
    pub cells: Vec<String>,
    /// Index into [`Table::sections`] of the section it is in.
    pub section: Option<usize>,
}

/// A table of measures as found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Index (into the rows given) of the first row of the table: its header, or its first item.
    pub start: usize,
    /// Line of the header (its first line), or of the first item when there is none.
    pub header_line: usize,
    pub number_column: usize,
    pub roles: Vec<ColumnRole>,
    pub items: Vec<RawItem>,
    /// (line, number, title).
    pub sections: Vec<(usize, String, String)>,
    /// Lines dropped as page-break and scan junk, repeated headers: (line, text).
    pub dropped: Vec<(usize, String)>,
    /// Lines not understood: (line, text).
    pub stray: Vec<(usize, String)>,
    /// Cells that look like spreadsheet formulas: (line, column, text).
    pub formulas: Vec<(usize, usize, String)>,
    /// Why the column roles need a person's confirmation, when they do.
    pub uncertain: Option<String>,
}

impl Table {
    /// The column of a role.
    pub fn column(&self, role: Role) -> Option<usize> {
        self.roles.iter().find(|c| c.role == role).map(|c| c.column)
    }

    /// The text of a role's column in an item ("" when the table has no such column).
    pub fn cell<'a>(&self, item: &'a RawItem, role: Role) -> &'a str {
        self.column(role)
            .and_then(|c| item.cells.get(c))
            .map_or("", String::as_str)
    }
}

/// An item number in a cell, with the OCR slips of scans mended («1,1», «l.2», «2.З»).
pub fn number_in(cell: &str) -> Option<String> {
    let t = cell.trim();
    if t.is_empty() || t.chars().count() > 12 {
        return None;
    }
    if !t
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, 'l' | 'I' | 'І'))
    {
        return None;
    }
    let mended: String = t
        .chars()
        .map(|c| match c {
            'l' | 'I' | 'І' | '|' => '1',
            'O' | 'О' | 'o' | 'о' => '0',
            'З' | 'з' => '3',
            ',' => '.',
            other => other,
        })
        .collect();
    let n = item_number(&mended)?;
    // A year or a page count is no item number.
    if n.split('.').any(|p| p.len() > 2) || n.split('.').count() > 4 {
        return None;
    }
    Some(n)
}

/// Punctuation, asterisks and dashes alone (`** **`, `.`, `—`), a page number («- 3 -», «3»,
/// «стр. 3», «Страница 3 из 10»): scan and page-break junk.
pub fn is_junk(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() {
        return true;
    }
    if t.chars().all(|c| !c.is_alphanumeric()) {
        return true;
    }
    let lower = t.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let page_word = |w: &str| matches!(w, "стр" | "страница" | "с" | "лист" | "из" | "page");
    // «3», «- 3 -», «стр. 3», «Страница 3 из 10».
    !words.is_empty()
        && words.len() <= 4
        && words
            .iter()
            .all(|w| w.chars().all(|c| c.is_ascii_digit()) || page_word(w))
        && words.iter().any(|w| w.chars().all(|c| c.is_ascii_digit()))
        && (words.len() > 1 || t.chars().filter(char::is_ascii_digit).count() <= 3)
}

/// How well a header text names a role: 1 for its first word, 0.6 for a later word, 0 when no
/// word names it (OCR slips of a letter tolerated on longer stems).
fn header_score(header: &str, role: Role) -> f64 {
    let h = normalize(header);
    if h.is_empty() {
        return 0.0;
    }
    if role == Role::Number {
        let compact: String = h.chars().filter(|c| !c.is_whitespace()).collect();
        return if compact.starts_with('№')
            || compact == "пп"
            || compact.starts_with("ппп")
            || compact.starts_with("номер")
            || compact == "n"
            || compact.starts_with("nпп")
        {
            1.0
        } else {
            0.0
        };
    }
    let words: Vec<&str> = h.split(' ').collect();
    let mut best: f64 = 0.0;
    for (k, w) in words.iter().enumerate() {
        let weight = if k == 0 { 1.0 } else { 0.6 };
        for stem in role.stems() {
            let s: Vec<char> = stem.chars().collect();
            let wc: Vec<char> = w.chars().collect();
            let hit = w.starts_with(stem)
                || (s.len() >= 5
                    && wc.len() >= s.len() - 1
                    && near(&wc[..s.len().min(wc.len())], &s));
            if hit {
                best = best.max(weight);
            }
        }
    }
    best
}

/// Within one letter (substituted, dropped or added).
fn near(a: &[char], b: &[char]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

/// Whether a row looks like a header of the table: two or more short cells naming roles, no
/// item number.
pub fn header_like(row: &Row, number_column: usize) -> bool {
    if is_item_row(row, number_column) {
        return false;
    }
    let filled: Vec<&str> = row.filled().map(|(_, t)| t).collect();
    if filled.is_empty() || filled.iter().any(|t| t.split_whitespace().count() > 8) {
        return false;
    }
    let named = filled
        .iter()
        .filter(|t| Role::ALL.iter().any(|r| header_score(t, *r) > 0.0))
        .count();
    named >= 2 && named * 3 >= filled.len() * 2
}

/// Words that begin the name of a body or a position (executors), lower case.
const BODY_WORDS: &[&str] = &[
    "комитет",
    "министерств",
    "департамент",
    "управлен",
    "отдел",
    "сектор",
    "служб",
    "пресс",
    "администрац",
    "правительств",
    "аппарат",
    "общественн",
    "медицинск",
    "организаци",
    "учрежден",
    "образовательн",
    "подведомствен",
    "государствен",
    "муниципальн",
    "орган",
    "оператор",
    "руководител",
    "директор",
    "заместител",
    "начальник",
    "главн",
    "специалист",
    "председател",
    "секретар",
    "центр",
    "совет",
    "гбу",
    "гау",
    "гку",
    "мбу",
    "мку",
];

/// Whether a cell names executors: a surname with initials, or the name of a body or position
/// in a short text.
fn executor_like(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return false;
    }
    let initials = words.iter().any(|w| {
        let t = w.trim_end_matches([',', ';']);
        let letters: Vec<char> = t.chars().collect();
        letters.len() >= 2
            && letters.len() <= 5
            && letters.first().is_some_and(|c| c.is_uppercase())
            && letters.get(1) == Some(&'.')
    });
    let first = words[0].to_lowercase();
    let body = BODY_WORDS.iter().any(|b| first.starts_with(b));
    // «Иванова Анна Петровна, заместитель директора», «Петров Олег Юрьевич, инженер».
    let patronymic = words.iter().any(|w| {
        let w = w.trim_end_matches([',', ';']);
        w.chars().next().is_some_and(char::is_uppercase)
            && ["вна", "вич", "ична", "ьич"].iter().any(|e| w.ends_with(e))
    });
    let position = words.len() <= 12
        && words.iter().any(|w| {
            let w = w.to_lowercase();
            POSITION_WORDS.iter().any(|p| w.starts_with(p))
        });
    (initials || body || patronymic || position) && words.len() <= 40
}

/// Words that name a position anywhere in an executor's cell, lower case.
const POSITION_WORDS: &[&str] = &[
    "директор",
    "заместител",
    "руководител",
    "начальник",
    "инженер",
    "специалист",
    "заведующ",
    "бухгалтер",
    "методист",
    "врач",
    "администратор",
    "секретар",
    "председател",
];

/// Whether a cell names a shortcoming (the basis of a measure): «Нет …», «Отсутствует …».
fn basis_like(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("").to_lowercase();
    matches!(
        first.as_str(),
        "нет" | "не" | "недостаточно" | "низкая" | "низкий"
    ) || first.starts_with("отсутств")
        || first.starts_with("недостат")
}

/// Whether a cell states a result: a short past participle («График размещен», «Поручни
/// установлены»).
fn result_like(text: &str) -> bool {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    words.len() <= 8
        && words.iter().any(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphabetic());
            w.chars().count() >= 6
                && [
                    "ен", "ена", "ено", "ены", "ан", "ана", "ано", "аны", "ят", "ют",
                ]
                .iter()
                .any(|e| w.ends_with(e))
        })
}

/// Whether a text opens like a measure: a verbal noun or an infinitive («Размещение»,
/// «Организация», «Провести»).
fn imperative_like(text: &str) -> bool {
    let first = text
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphabetic())
        .to_lowercase();
    first.chars().count() >= 5
        && [
            "ние", "ция", "тие", "ка", "ть", "ться", "ание", "ение", "ство", "ие", "ия", "ний",
        ]
        .iter()
        .any(|s| first.ends_with(s))
}

/// Whether a cell reads as a deadline: the parser finds something in a short text.
fn deadline_like(text: &str) -> bool {
    text.chars().count() <= 160 && !Deadline::parse(text).parts.is_empty()
}

/// Finds the table of measures in `rows[from..to]`. `given` are column roles a person
/// confirmed (`--columns`). `None` when there is no run of numbered rows.
pub fn find(rows: &[Row], from: usize, to: usize, given: Option<&[Role]>) -> Option<Table> {
    let body = &rows[from..to];
    let number_column = match given.and_then(|g| g.iter().position(|r| *r == Role::Number)) {
        Some(c) => c,
        None => number_column(body)?,
    };
    let first_item = body.iter().position(|r| is_item_row(r, number_column))?;
    // The header: the rows just above the first item that are neither blank nor junk, and not
    // the title (a header cell is short), up to three physical lines.
    let mut header_rows: Vec<usize> = Vec::new();
    let mut k = first_item;
    while k > 0 && header_rows.len() < 3 {
        k -= 1;
        let r = &body[k];
        if r.is_blank() {
            if header_rows.is_empty() {
                continue;
            }
            break;
        }
        let filled: Vec<&str> = r.filled().map(|(_, t)| t).collect();
        let short = filled.iter().all(|t| t.split_whitespace().count() <= 10);
        let several = filled.len() >= 2 || r.filled().any(|(c, _)| c > 0);
        let heading = filled.len() == 1 && section_heading(filled[0]).is_some();
        if heading || !short || !(several || header_like(r, number_column)) {
            break;
        }
        header_rows.push(k);
    }
    header_rows.reverse();
    let width = body
        .iter()
        .skip(first_item)
        .map(|r| r.cells.len())
        .chain(header_rows.iter().map(|&h| body[h].cells.len()))
        .max()
        .unwrap_or(0);
    let header_text: Vec<String> = (0..width)
        .map(|c| {
            header_rows
                .iter()
                .map(|&h| body[h].cell(c))
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let header_keys: Vec<String> = header_rows.iter().map(|&h| row_key(&body[h])).collect();
    let mut table = Table {
        start: from + header_rows.first().copied().unwrap_or(first_item),
        header_line: header_rows
            .first()
            .map_or(body[first_item].line, |&h| body[h].line),
        number_column,
        ..Table::default()
    };
    assemble(&body[first_item..], number_column, &header_keys, &mut table);
    table.roles = match given {
        Some(g) => confirmed_roles(g, &header_text),
        None => {
            let (roles, uncertain) = infer_roles(&table, &header_text, width);
            table.uncertain = uncertain;
            roles
        }
    };
    Some(table)
}

/// A row reduced for comparing with the header (a header repeated on each page).
fn row_key(row: &Row) -> String {
    row.filled()
        .map(|(_, t)| normalize(t))
        .collect::<Vec<_>>()
        .join("|")
}

/// Whether a row is a numbered item: an item number in the number column and some text beside.
fn is_item_row(row: &Row, number_column: usize) -> bool {
    let cell = row.cell(number_column);
    (number_in(cell).is_some() || glued_section(cell).is_some())
        && row.filled().any(|(c, _)| c != number_column)
}

/// The column where item numbers stand: the one with the most rows that hold an item number and
/// text beside it.
fn number_column(rows: &[Row]) -> Option<usize> {
    let mut counts = [0usize; 4];
    for r in rows {
        for (c, n) in counts.iter_mut().enumerate() {
            if is_item_row(r, c) {
                *n += 1;
            }
        }
    }
    let (c, &n) = counts
        .iter()
        .enumerate()
        .max_by_key(|&(c, n)| (*n, std::cmp::Reverse(c)))?;
    (n >= 2).then_some(c)
}

/// Puts the rows of the table together: items with their wrapped lines, sections, and junk.
fn assemble(rows: &[Row], number_column: usize, header_keys: &[String], table: &mut Table) {
    let mut current: Option<RawItem> = None;
    let mut section: Option<usize> = None;
    for row in rows {
        if row.is_blank() {
            continue;
        }
        let filled: Vec<(usize, &str)> = row.filled().collect();
        let joined = filled.iter().map(|(_, t)| *t).collect::<Vec<_>>().join(" ");
        for (c, t) in &filled {
            if looks_like_formula(t) {
                table
                    .formulas
                    .push((row.line, *c, t.chars().take(40).collect()));
            }
        }
        // A repeated header (page break), or the next line of one.
        let key = row_key(row);
        if header_keys.contains(&key) || header_like(row, number_column) {
            table.dropped.push((row.line, joined));
            continue;
        }
        let number_cell = row.cell(number_column);
        if filled.len() == 1
            && is_junk(&joined)
            && number_in(&joined).is_none_or(|_| {
                // A bare number alone on its line is a page number; «3.» is an item.
                !joined.trim().ends_with('.')
            })
        {
            table.dropped.push((row.line, joined));
            continue;
        }
        if filled.iter().all(|(_, t)| is_junk(t)) && number_in(number_cell).is_none() {
            table.dropped.push((row.line, joined));
            continue;
        }
        // A section: one cell with a heading, anywhere.
        if let [(_, only)] = filled.as_slice()
            && let Some((number, title)) = section_heading(only)
            && number_in(only).is_none()
        {
            flush(&mut current, table);
            table.sections.push((row.line, number, title));
            section = Some(table.sections.len() - 1);
            continue;
        }
        // A section glued to the first item: «II. Информирование 2.1.» in the number cell.
        let glued = glued_section(number_cell);
        let number = number_in(number_cell).or_else(|| glued.as_ref().map(|g| g.2.clone()));
        if let Some(number) = number {
            if let Some((number_s, title, _)) = glued {
                flush(&mut current, table);
                table.sections.push((row.line, number_s, title));
                section = Some(table.sections.len() - 1);
            }
            flush(&mut current, table);
            let mut cells: Vec<String> = row.cells.clone();
            if let Some(c) = cells.get_mut(number_column) {
                *c = number.clone();
            }
            current = Some(RawItem {
                line: row.line,
                last_line: row.line,
                number,
                cells,
                section,
            });
            continue;
        }
        if !number_cell.is_empty() {
            // Text where the number goes: a line of the document, not of the table.
            table.stray.push((row.line, filled_text(&filled)));
            continue;
        }
        // The continuation of the item above, cell by cell.
        match current.as_mut() {
            Some(item) => {
                for (c, t) in &filled {
                    if item.cells.len() <= *c {
                        item.cells.resize(*c + 1, String::new());
                    }
                    let cell = &mut item.cells[*c];
                    if !cell.is_empty() {
                        // A word cut by a hyphen at the end of a line is joined back.
                        if cell.ends_with('-') && !cell.ends_with(" -") {
                            cell.pop();
                        } else {
                            cell.push(' ');
                        }
                    }
                    cell.push_str(t);
                }
                item.last_line = row.line;
            }
            None => table.stray.push((row.line, filled_text(&filled))),
        }
    }
    flush(&mut current, table);
}

fn filled_text(filled: &[(usize, &str)]) -> String {
    filled
        .iter()
        .map(|(_, t)| *t)
        .collect::<Vec<_>>()
        .join(" | ")
}

fn flush(current: &mut Option<RawItem>, table: &mut Table) {
    if let Some(item) = current.take() {
        table.items.push(item);
    }
}

/// «II. Информирование населения 2.1.»: a section heading and the number of the item it opens,
/// written in one cell. (section number, title, item number).
fn glued_section(cell: &str) -> Option<(String, String, String)> {
    let (head, last) = cell.trim().rsplit_once(' ')?;
    let number = number_in(last)?;
    let (s, title) = section_heading(head)?;
    Some((s, title, number))
}

/// Roles a person gave, column by column.
fn confirmed_roles(given: &[Role], header: &[String]) -> Vec<ColumnRole> {
    given
        .iter()
        .enumerate()
        .map(|(c, &role)| ColumnRole {
            column: c,
            role,
            header: header.get(c).cloned().unwrap_or_default(),
            why: "указано в --columns".to_string(),
        })
        .collect()
}

/// Content evidence of each role for a column: shares of its non-empty cells.
struct Evidence {
    filled: usize,
    deadline: f64,
    executors: f64,
    imperative: f64,
    mean_len: f64,
    percent: f64,
    basis: f64,
    result: f64,
}

fn evidence(table: &Table, c: usize) -> Evidence {
    let cells: Vec<&str> = table
        .items
        .iter()
        .filter_map(|i| i.cells.get(c))
        .map(String::as_str)
        .filter(|t| !t.is_empty())
        .collect();
    let n = cells.len().max(1) as f64;
    let share = |f: &dyn Fn(&str) -> bool| cells.iter().filter(|t| f(t)).count() as f64 / n;
    Evidence {
        filled: cells.len(),
        deadline: share(&deadline_like),
        executors: share(&executor_like),
        imperative: share(&imperative_like),
        mean_len: cells.iter().map(|t| t.chars().count()).sum::<usize>() as f64 / n,
        percent: share(&|t: &str| {
            let l = t.to_lowercase();
            l.contains('%') || l.starts_with("доля") || l.starts_with("количеств")
        }),
        basis: share(&basis_like),
        result: share(&result_like),
    }
}

/// Roles from header words and content, weighted together; with the reason the roles need a
/// person's confirmation when the evidence does not settle them.
fn infer_roles(
    table: &Table,
    header: &[String],
    width: usize,
) -> (Vec<ColumnRole>, Option<String>) {
    let n_items = table.items.len().max(1);
    let ev: Vec<Evidence> = (0..width).map(|c| evidence(table, c)).collect();
    let longest = ev
        .iter()
        .enumerate()
        .filter(|(c, _)| *c != table.number_column)
        .map(|(_, e)| e.mean_len)
        .fold(0.0, f64::max);
    // Score of (column, role): header words count one and a half times the content.
    let content = |c: usize, role: Role| -> f64 {
        let e = &ev[c];
        if e.filled == 0 {
            return 0.0;
        }
        let fill = e.filled as f64 / n_items as f64;
        match role {
            Role::Measure => {
                let long = if longest > 0.0 {
                    e.mean_len / longest
                } else {
                    0.0
                };
                (0.6 * long + 0.4 * e.imperative) * fill.min(1.0) - 0.3 * e.executors
            }
            Role::Deadline => e.deadline - 0.3 * (e.mean_len / 200.0).min(1.0) - 0.6 * e.executors,
            Role::Executors => e.executors - 0.6 * e.deadline,
            Role::Indicators => 0.5 * e.percent,
            Role::Basis => 0.6 * e.basis - 0.3 * e.imperative,
            Role::Result => 0.5 * e.result - 0.3 * e.deadline,
            _ => 0.0,
        }
    };
    let mut candidates: Vec<(f64, usize, Role, f64, f64)> = Vec::new();
    for c in 0..width {
        if c == table.number_column {
            continue;
        }
        for role in Role::ALL {
            if matches!(role, Role::Number | Role::Other) {
                continue;
            }
            let h = header.get(c).map_or(0.0, |t| header_score(t, role));
            let k = content(c, role);
            let total = 1.5 * h + k;
            if total > 0.25 {
                candidates.push((total, c, role, h, k));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut taken_col = vec![false; width];
    let mut roles: Vec<ColumnRole> = Vec::new();
    let mut used: Vec<Role> = Vec::new();
    for &(_, c, role, h, k) in &candidates {
        if taken_col[c] || used.contains(&role) {
            continue;
        }
        taken_col[c] = true;
        used.push(role);
        let head = header.get(c).cloned().unwrap_or_default();
        let why = if h > 0.0 && k > 0.3 {
            format!(
                "по заголовку «{head}» и по содержанию ({})",
                content_note(&ev[c], role, n_items)
            )
        } else if h > 0.0 {
            format!("по заголовку «{head}»")
        } else {
            format!("по содержанию: {}", content_note(&ev[c], role, n_items))
        };
        roles.push(ColumnRole {
            column: c,
            role,
            header: head,
            why,
        });
    }
    roles.push(ColumnRole {
        column: table.number_column,
        role: Role::Number,
        header: header.get(table.number_column).cloned().unwrap_or_default(),
        why: format!("номера пунктов ({} строк)", table.items.len()),
    });
    for c in 0..width {
        if !taken_col[c] && c != table.number_column && ev[c].filled > 0 {
            let head = header.get(c).cloned().unwrap_or_default();
            roles.push(ColumnRole {
                column: c,
                role: Role::Other,
                header: head,
                why: "роль не определена: колонка сохраняется как поле пункта".to_string(),
            });
        }
    }
    roles.sort_by_key(|r| r.column);
    // Uncertain: a core role without header words whose content evidence is weak or close to
    // another column's.
    let mut doubts = Vec::new();
    for role in [Role::Measure, Role::Deadline, Role::Executors] {
        let Some(chosen) = roles.iter().find(|r| r.role == role) else {
            if role == Role::Measure {
                doubts.push("не найдена колонка мероприятий".to_string());
            }
            continue;
        };
        let h = header_score(&chosen.header, role);
        if h > 0.0 {
            continue;
        }
        let best = content(chosen.column, role);
        let second = (0..width)
            .filter(|&c| c != chosen.column && c != table.number_column)
            .map(|c| content(c, role))
            .fold(0.0, f64::max);
        if best < 0.35 || best - second < 0.15 {
            doubts.push(format!(
                "колонка {} («{}») выбрана по содержанию неуверенно",
                chosen.column + 1,
                role.name_ru()
            ));
        }
    }
    // A header word that the column's content contradicts (a blanked header cell shifts the
    // others in text parted by spaces).
    for r in &roles {
        if matches!(r.role, Role::Number | Role::Other) || header_score(&r.header, r.role) == 0.0 {
            continue;
        }
        let own = content(r.column, r.role);
        let other = [Role::Measure, Role::Deadline, Role::Executors]
            .into_iter()
            .filter(|o| *o != r.role)
            .find(|o| content(r.column, *o) >= 0.6);
        if own < 0.1
            && let Some(o) = other
        {
            doubts.push(format!(
                "заголовок «{}» колонки {} не сходится с ее содержанием (похоже на «{}»)",
                r.header,
                r.column + 1,
                o.name_ru()
            ));
        }
    }
    let uncertain = (!doubts.is_empty()).then(|| doubts.join("; "));
    (roles, uncertain)
}

fn content_note(e: &Evidence, role: Role, n_items: usize) -> String {
    let of = |share: f64| {
        format!(
            "{} из {}",
            (share * e.filled as f64).round() as usize,
            e.filled
        )
    };
    match role {
        Role::Measure => format!(
            "самый длинный текст (в среднем {} знаков), {} начинаются как мероприятие",
            e.mean_len.round() as usize,
            of(e.imperative)
        ),
        Role::Deadline => format!("{} ячеек читаются как сроки", of(e.deadline)),
        Role::Executors => format!(
            "{} ячеек — фамилии с инициалами или названия органов",
            of(e.executors)
        ),
        Role::Indicators => format!("{} ячеек — доли и количества", of(e.percent)),
        Role::Basis => format!(
            "{} ячеек называют недостаток («Нет…», «Отсутствует…»)",
            of(e.basis)
        ),
        Role::Result => format!(
            "{} ячеек — достигнутый результат («… размещен»)",
            of(e.result)
        ),
        _ => format!("заполнено {} из {n_items}", e.filled),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_lines() {
        for t in [
            "** **",
            ".",
            "—",
            "- 3 -",
            "3",
            "стр. 3",
            "Страница 3 из 10",
            "* * *",
        ] {
            assert!(is_junk(t), "{t}");
        }
        for t in ["1.1. Размещение", "Постоянно", "2024 год", "Иванов И.И."]
        {
            assert!(!is_junk(t), "{t}");
        }
    }

    #[test]
    fn numbers_with_ocr_slips() {
        assert_eq!(number_in("1,1").as_deref(), Some("1.1"));
        assert_eq!(number_in("l.2.").as_deref(), Some("1.2"));
        assert_eq!(number_in("2024"), None);
        assert_eq!(number_in("Итого"), None);
    }

    #[test]
    fn header_words_survive_ocr() {
        assert!(header_score("Мероприятне", Role::Measure) > 0.0);
        assert!(header_score("Cpoк испoлнения", Role::Deadline) > 0.0);
        assert!(header_score("Ответственный", Role::Executors) > 0.0);
        assert!(header_score("№ п/п", Role::Number) > 0.0);
        assert_eq!(
            header_score("Основание реализации (результат)", Role::Basis),
            1.0
        );
        assert!(header_score("Основание реализации (результат)", Role::Result) < 1.0);
        assert_eq!(header_score("qwzx", Role::Measure), 0.0);
    }

    #[test]
    fn columns_option() {
        assert_eq!(
            parse_columns("№,мероприятие,срок,исполнители,результат").unwrap(),
            vec![
                Role::Number,
                Role::Measure,
                Role::Deadline,
                Role::Executors,
                Role::Result
            ]
        );
        assert!(parse_columns("№,что-то").unwrap_err().contains("что-то"));
    }
}
