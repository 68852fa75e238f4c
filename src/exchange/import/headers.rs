//! Finding columns by their Russian headers: synonyms, any case, `ё` = `е`, punctuation ignored,
//! and the OCR noise of scanned documents tolerated (Latin look-alike letters inside Russian
//! words, a letter or two wrong). Unknown columns are reported, not fatal.

use super::Row;

/// A column an import understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Stable id used by the importer, e.g. `inn`.
    pub id: &'static str,
    /// The header as shown in messages, e.g. «ИНН».
    pub title: &'static str,
    /// Header texts that mean this column, the usual one first.
    pub synonyms: &'static [&'static str],
    /// Words that make a header another thing even when it starts with or contains a synonym
    /// («адрес электронной почты» is not the address): a header with one of these (normalised,
    /// as whole words) is never this field, unless it is one of the synonyms exactly.
    pub unlike: &'static [&'static str],
}

/// How the columns of a header row map to fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    /// Line of the header row.
    pub line: usize,
    /// For each field (in the order given), its column.
    pub columns: Vec<Option<usize>>,
    /// Columns no field claimed: (column, header text).
    pub unknown: Vec<(usize, String)>,
}

impl HeaderMap {
    /// The column of field `i`.
    pub fn col(&self, i: usize) -> Option<usize> {
        self.columns.get(i).copied().flatten()
    }

    /// The cell of field `i` in `row`, "" when the column is absent.
    pub fn get<'r>(&self, row: &'r Row, i: usize) -> &'r str {
        self.col(i).map_or("", |c| row.cell(c))
    }

    /// How many fields were found.
    pub fn found(&self) -> usize {
        self.columns.iter().flatten().count()
    }
}

/// Header text reduced for comparison: lower case, `ё` → `е`, Latin look-alikes inside words
/// with Cyrillic letters made Cyrillic, anything but letters and digits a single space.
pub fn normalize(text: &str) -> String {
    let lowered = text.to_lowercase().replace('ё', "е");
    let mut out = String::with_capacity(lowered.len());
    for word in lowered.split(|c: char| !(c.is_alphanumeric() || c == '№')) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        let cyrillic = word.chars().any(|c| matches!(c, 'а'..='я'));
        // Digits stay digits in a word with a number in it («2015г»).
        let numeric = word.chars().filter(char::is_ascii_digit).count() > 1;
        for c in word.chars() {
            let mapped = if cyrillic { lookalike(c) } else { c };
            out.push(if numeric && c.is_ascii_digit() {
                c
            } else {
                mapped
            });
        }
    }
    out
}

/// The Cyrillic letter an OCR engine most often misreads as this Latin one (or a digit).
fn lookalike(c: char) -> char {
    match c {
        'a' => 'а',
        'b' => 'в',
        'c' => 'с',
        'e' => 'е',
        'h' => 'н',
        'k' => 'к',
        'm' => 'м',
        'o' | '0' => 'о',
        'p' => 'р',
        't' => 'т',
        'x' => 'х',
        'y' => 'у',
        'u' => 'и',
        'n' => 'п',
        '3' => 'з',
        other => other,
    }
}

/// Levenshtein distance over chars, stopping early past `limit`.
fn distance(a: &[char], b: &[char], limit: usize) -> usize {
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The score of a header that is a synonym exactly (plus the synonym's length).
const EXACT: usize = 4_000;

/// How well a normalised header matches a normalised synonym: higher is better, 0 = no match.
/// Exact beats "starts with the synonym's words" beats "contains them" beats a fuzzy match.
fn score(header: &str, synonym: &str) -> usize {
    if header.is_empty() || synonym.is_empty() {
        return 0;
    }
    let weight = synonym.chars().count();
    if header == synonym {
        return EXACT + weight;
    }
    let padded = format!(" {header} ");
    if header.starts_with(&format!("{synonym} ")) {
        return 3_000 + weight;
    }
    // The words of a synonym of two or more words in another order, or with others between them
    // («Наименование (краткое)» for «краткое наименование»): as good as a header starting with
    // the synonym, so that the longer synonym wins over one of its words («наименование»).
    let words: Vec<&str> = synonym.split(' ').collect();
    if words.len() >= 2 && words.iter().all(|w| header.split(' ').any(|h| h == *w)) {
        return 3_000 + weight;
    }
    if padded.contains(&format!(" {synonym} ")) && synonym.chars().count() >= 3 {
        return 2_000 + weight;
    }
    // OCR noise: a few letters off over the whole header, or over its start.
    let h: Vec<char> = header.chars().collect();
    let s: Vec<char> = synonym.chars().collect();
    if s.len() >= 5 {
        let limit = (s.len() / 6).max(1);
        if distance(&h, &s, limit) <= limit {
            return 1_000 + weight;
        }
        if h.len() > s.len() && h.get(s.len()) == Some(&' ') {
            let head = &h[..s.len()];
            if distance(head, &s, limit) <= limit {
                return 500 + weight;
            }
        }
    }
    0
}

/// Maps the cells of `row` to `fields`: each column to at most one field and each field to at
/// most one column, best matches first.
pub fn map_row(row: &Row, fields: &[Field]) -> HeaderMap {
    let normalized: Vec<String> = row.cells.iter().map(|c| normalize(c)).collect();
    let synonyms: Vec<Vec<String>> = fields
        .iter()
        .map(|f| f.synonyms.iter().map(|s| normalize(s)).collect())
        .collect();
    let unlike: Vec<Vec<String>> = fields
        .iter()
        .map(|f| {
            f.unlike
                .iter()
                .map(|s| format!(" {} ", normalize(s)))
                .collect()
        })
        .collect();
    let mut candidates = Vec::new(); // (score, column, field)
    for (col, h) in normalized.iter().enumerate() {
        let padded = format!(" {h} ");
        for (fi, syns) in synonyms.iter().enumerate() {
            let other = unlike[fi].iter().any(|u| padded.contains(u.as_str()));
            let best = syns
                .iter()
                .map(|s| score(h, s))
                .filter(|&sc| !other || sc >= EXACT)
                .max()
                .unwrap_or(0);
            if best > 0 {
                candidates.push((best, col, fi));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut columns = vec![None; fields.len()];
    let mut taken = vec![false; row.cells.len()];
    for (_, col, fi) in candidates {
        if columns[fi].is_none() && !taken[col] {
            columns[fi] = Some(col);
            taken[col] = true;
        }
    }
    let unknown = row
        .cells
        .iter()
        .enumerate()
        .filter(|(i, c)| !taken[*i] && !c.is_empty())
        .map(|(i, c)| (i, c.clone()))
        .collect();
    HeaderMap {
        line: row.line,
        columns,
        unknown,
    }
}

/// Whether `row` is a header row for `fields`: at least `min_found` fields matched, and either
/// most of its non-empty cells matched something (a data row that happens to contain «ИНН» is
/// not one), or at least [`MIN_FOUND_AMONG_UNKNOWN`] fields matched and no cell holds a value (a
/// number, a date, an item number): a header with many columns the import does not know, which
/// are reported, not fatal.
pub fn is_header(row: &Row, fields: &[Field], min_found: usize) -> Option<HeaderMap> {
    let filled = row.filled().count();
    if filled == 0 {
        return None;
    }
    let map = map_row(row, fields);
    let found = map.found();
    if found < min_found {
        return None;
    }
    let mostly_known = found * 2 >= filled;
    let known_among_unknown = found >= min_found.max(MIN_FOUND_AMONG_UNKNOWN)
        && !row.cells.iter().any(|c| holds_value(c));
    (mostly_known || known_among_unknown).then_some(map)
}

/// Fewest fields matched in a header row where most columns are unknown.
pub const MIN_FOUND_AMONG_UNKNOWN: usize = 3;

/// Whether a cell holds a value rather than a header: it has digits, and no fewer digits than
/// letters (`4703083640`, `1.1`, `31.12.2025`, but not «2015г. (отчет)» or «Код по ОКТМО»).
fn holds_value(cell: &str) -> bool {
    let digits = cell.chars().filter(char::is_ascii_digit).count();
    let letters = cell.chars().filter(|c| c.is_alphabetic()).count();
    digits > 0 && digits >= letters
}

/// The first header row among the first `scan` rows; its index in `rows` and the mapping.
pub fn find_header(
    rows: &[Row],
    fields: &[Field],
    min_found: usize,
    scan: usize,
) -> Option<(usize, HeaderMap)> {
    rows.iter()
        .take(scan)
        .enumerate()
        .find_map(|(i, r)| is_header(r, fields, min_found).map(|m| (i, m)))
}

/// A header found: where it starts, how many rows it takes (1, or 2 for group titles over the
/// columns' own), the row as read (two rows joined column by column), and the mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundHeader {
    pub at: usize,
    pub rows: usize,
    pub row: Row,
    pub map: HeaderMap,
}

/// Like [`find_header`], and a header of two rows too, as registries lay them out: group titles
/// above («Наименование организации» over «полное» and «сокращенное», «Реквизиты» over «ИНН»,
/// «КПП», «ОГРН»; a merged cell keeps its text in its first column) and the columns' own titles
/// below. The two rows are joined column by column ([`join_header_rows`]) and taken when the
/// join maps more fields than the row found alone; a row with values (digits: a data row) is
/// never joined.
pub fn find_header_rows(
    rows: &[Row],
    fields: &[Field],
    min_found: usize,
    scan: usize,
) -> Option<FoundHeader> {
    let (i, map) = find_header(rows, fields, min_found, scan)?;
    let titles_only = |r: &Row| r.filled().count() >= 1 && !r.cells.iter().any(|c| holds_value(c));
    let mut best = FoundHeader {
        at: i,
        rows: 1,
        row: rows[i].clone(),
        map,
    };
    // The row found as the group row (the one below holds the columns' titles), or as the
    // columns' row (the one above holds the groups).
    let below = (i + 1 < rows.len()).then_some((i, i + 1));
    let above = i.checked_sub(1).map(|top| (top, i));
    for (top, sub) in below.into_iter().chain(above) {
        // Both rows titles of several columns: a document's title (one cell) is no group row.
        let several = |r: &Row| r.filled().count() >= 2;
        if !titles_only(&rows[top])
            || !titles_only(&rows[sub])
            || !several(&rows[top])
            || !several(&rows[sub])
        {
            continue;
        }
        let joined = join_header_rows(&rows[top], &rows[sub]);
        let map = map_row(&joined, fields);
        if map.found() > best.map.found() {
            best = FoundHeader {
                at: top,
                rows: 2,
                row: joined,
                map,
            };
        }
    }
    Some(best)
}

/// Two header rows as one: each column's group title (the cell above, or the nearest one to its
/// left over a run of columns with nothing above — a merged cell) and its own title, joined by a
/// space; a column with nothing below keeps the title above. The line is the lower row's.
pub fn join_header_rows(top: &Row, sub: &Row) -> Row {
    let n = top.cells.len().max(sub.cells.len());
    fn cell(r: &Row, c: usize) -> &str {
        r.cells.get(c).map_or("", |s| s.trim())
    }
    let mut group = "";
    let cells = (0..n)
        .map(|c| {
            let (t, s) = (cell(top, c), cell(sub, c));
            if !t.is_empty() {
                group = t;
            } else if s.is_empty() {
                group = "";
            }
            match (t.is_empty(), s.is_empty()) {
                (_, true) => t.to_string(),
                (true, false) if group.is_empty() => s.to_string(),
                _ => format!("{group} {s}"),
            }
        })
        .collect();
    Row {
        line: sub.line,
        cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[Field] = &[
        Field {
            id: "number",
            title: "№",
            synonyms: &["№ п/п", "№", "номер"],
            unlike: &[],
        },
        Field {
            id: "measure",
            title: "Мероприятие",
            synonyms: &["наименование мероприятия", "мероприятие"],
            unlike: &[],
        },
        Field {
            id: "deadline",
            title: "Срок",
            synonyms: &[
                "срок реализации",
                "срок исполнения",
                "сроки исполнения",
                "срок",
            ],
            unlike: &[],
        },
        Field {
            id: "actual",
            title: "Фактический срок",
            synonyms: &["фактический срок реализации"],
            unlike: &[],
        },
        Field {
            id: "inn",
            title: "ИНН",
            synonyms: &["инн"],
            unlike: &[],
        },
        Field {
            id: "founder_inn",
            title: "ИНН учредителя",
            synonyms: &["инн учредителя"],
            unlike: &[],
        },
    ];

    fn row(cells: &[&str]) -> Row {
        Row {
            line: 1,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn normalisation_handles_case_yo_punctuation_and_latin_lookalikes() {
        assert_eq!(normalize("№ п/п"), "№ п п");
        assert_eq!(normalize("Отчёт"), "отчет");
        // «Cрок» with a Latin C and «peaлизации» with Latin p, e, a.
        assert_eq!(normalize("Cрок peaлизации"), "срок реализации");
        assert_eq!(normalize("2015г. (отчет)"), "2015г отчет");
    }

    #[test]
    fn columns_map_to_the_closest_field() {
        let m = map_row(
            &row(&[
                "№ п/п",
                "Наименование  мероприятия",
                "Срок реализации",
                "Фактический срок реализации",
                "Примечание",
                "ИНН учредителя",
                "ИНН",
            ]),
            FIELDS,
        );
        assert_eq!(
            m.columns,
            vec![Some(0), Some(1), Some(2), Some(3), Some(6), Some(5)]
        );
        assert_eq!(m.unknown, vec![(4, "Примечание".to_string())]);
    }

    #[test]
    fn a_longer_synonym_in_another_order_wins_over_one_of_its_words() {
        let fields = [
            Field {
                id: "full_name",
                title: "Полное наименование",
                synonyms: &["полное наименование", "наименование"],
                unlike: &[],
            },
            Field {
                id: "short_name",
                title: "Сокращенное наименование",
                synonyms: &["краткое наименование", "сокращенное наименование"],
                unlike: &[],
            },
        ];
        // Either order of the columns: each goes to its own field.
        let m = map_row(
            &row(&["Наименование (краткое)", "Наименование учреждения (полное)"]),
            &fields,
        );
        assert_eq!(m.columns, vec![Some(1), Some(0)]);
        let m = map_row(
            &row(&["Наименование (полное)", "Наименование (сокращенное)"]),
            &fields,
        );
        assert_eq!(m.columns, vec![Some(0), Some(1)]);
        // A header naming another thing with a field's word is not that field.
        let fields = [Field {
            id: "address",
            title: "Адрес",
            synonyms: &["адрес"],
            unlike: &["электронной почты"],
        }];
        let m = map_row(
            &row(&["Адрес электронной почты", "Адрес (место нахождения)"]),
            &fields,
        );
        assert_eq!(m.columns, vec![Some(1)]);
        // A word of the synonym missing: no match by this rule.
        assert_eq!(score("наименование учреждения", "краткое наименование"), 0);
    }

    #[test]
    fn a_header_of_two_rows_is_joined_column_by_column() {
        let fields = [
            Field {
                id: "full_name",
                title: "Полное наименование",
                synonyms: &["полное наименование", "наименование организации"],
                unlike: &["сокращенное"],
            },
            Field {
                id: "short_name",
                title: "Сокращенное наименование",
                synonyms: &["сокращенное наименование"],
                unlike: &[],
            },
            Field {
                id: "inn",
                title: "ИНН",
                synonyms: &["инн"],
                unlike: &[],
            },
            Field {
                id: "kpp",
                title: "КПП",
                synonyms: &["кпп"],
                unlike: &[],
            },
        ];
        let mut top = row(&["№", "Наименование организации", "", "Реквизиты", ""]);
        let mut sub = row(&["", "полное", "сокращенное", "ИНН", "КПП"]);
        let mut data = row(&["1", "ГБУ «Центр»", "ГБУ", "7707083893", "773601001"]);
        (top.line, sub.line, data.line) = (1, 2, 3);
        let joined = join_header_rows(&top, &sub);
        assert_eq!(
            joined.cells,
            vec![
                "№",
                "Наименование организации полное",
                "Наименование организации сокращенное",
                "Реквизиты ИНН",
                "Реквизиты КПП"
            ]
        );
        assert_eq!(joined.line, 2);
        let rows = vec![top.clone(), sub.clone(), data.clone()];
        let found = find_header_rows(&rows, &fields, 2, 10).expect("a header");
        assert_eq!((found.at, found.rows), (0, 2));
        assert_eq!(found.map.columns, vec![Some(1), Some(2), Some(3), Some(4)]);
        // One header row over the data: nothing joined with a data row.
        let rows = vec![sub.clone(), data.clone()];
        let found = find_header_rows(&rows, &fields, 2, 10).expect("a header");
        assert_eq!((found.at, found.rows), (0, 1));
        // A row of one cell right above the header is a document's title, not a group row,
        // even where joining it would map one more field.
        let title = row(&["Наименование организации"]);
        let header = row(&["№", "полное", "ИНН", "КПП"]);
        let rows = vec![title, header, data];
        let found = find_header_rows(&rows, &fields, 2, 10).expect("a header");
        assert_eq!((found.at, found.rows), (1, 1));
    }

    #[test]
    fn ocr_noise_is_tolerated() {
        // «Мероприятне» (и → н), «Cpoк испoлнения» (Latin C, p, o).
        let m = map_row(&row(&["№", "Мероприятне", "Cpoк испoлнения"]), FIELDS);
        assert_eq!(m.columns[..3], [Some(0), Some(1), Some(2)]);
    }

    #[test]
    fn many_unknown_columns_do_not_hide_the_header() {
        // Four known columns and nine unknown ones: the header, the unknown named.
        let mut cells = vec!["№ п/п", "Мероприятие", "Срок исполнения", "ИНН"];
        let extra = [
            "Примечание",
            "Статус",
            "Куратор",
            "Источник",
            "Комментарий",
            "Отметка",
            "Итог",
            "Замечания",
            "Поле",
        ];
        cells.extend(extra);
        let m = is_header(&row(&cells), FIELDS, 2).expect("a header");
        assert_eq!(m.unknown.len(), 9);
        assert_eq!(m.unknown[0], (4, "Примечание".to_string()));
        // The same with a value among the cells is a data row.
        let mut data = cells.clone();
        data[3] = "4703083640";
        assert!(is_header(&row(&data), FIELDS, 2).is_none());
        // Two known fields among many unknown ones are not enough.
        let mut two = vec!["Мероприятие", "Срок исполнения"];
        two.extend(extra);
        assert!(is_header(&row(&two), FIELDS, 2).is_none());
    }

    #[test]
    fn a_data_row_is_not_a_header() {
        let r = row(&["1.1", "Совещание", "Постоянно", "Иванова А.П."]);
        assert!(is_header(&r, FIELDS, 2).is_none());
        assert!(
            is_header(
                &row(&["№ п/п", "Мероприятие", "Срок исполнения"]),
                FIELDS,
                2
            )
            .is_some()
        );
    }
}
