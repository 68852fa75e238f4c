//! Text files in their two shapes — quoted CSV, and tab-separated text pasted from a document.
//! The encoding and the delimiter are found by [`super::sniff`].

use super::sniff::{decode, delimiter as sniff_delimiter};
use super::{Format, ReadError, Row, Sheet, check_cells, clean_cell};

pub(super) fn read(source: &str, bytes: &[u8]) -> Result<Sheet, ReadError> {
    let (text, encoding) = decode(source, bytes)?;
    let delimiter = sniff_delimiter(&text);
    let (rows, format) = match delimiter {
        _ if looks_spaced(&text) => (spaced_rows(source, &text)?, Format::Spaced { encoding }),
        Some(b'\t') | None => (pasted_rows(source, &text)?, Format::Pasted { encoding }),
        Some(d) => (
            csv_rows(source, &text, d)?,
            Format::Csv {
                delimiter: d as char,
                encoding,
            },
        ),
    };
    if rows.iter().all(Row::is_blank) {
        return Err(ReadError::Empty {
            file: source.to_string(),
        });
    }
    Ok(Sheet {
        source: source.to_string(),
        format,
        rows,
    })
}

/// Fewest spaces that part two cells of a table laid out with spaces.
const SPACE_GAP: usize = 2;

/// The pieces of a line parted by runs of at least [`SPACE_GAP`] spaces: (char column, text).
fn space_segments(line: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c == '\u{a0}' { ' ' } else { c })
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == ' ' {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        while i < chars.len() {
            if chars[i] == ' ' {
                let run = chars[i..].iter().take_while(|&&c| c == ' ').count();
                if run >= SPACE_GAP {
                    break;
                }
                i += run;
            } else {
                i += 1;
                end = i;
            }
        }
        out.push((start, chars[start..end].iter().collect()));
    }
    out
}

/// Whether text without tabs is a table laid out with runs of spaces: at least three lines,
/// and a fifth of the non-blank ones, have text, a gap of three or more spaces, and more text
/// (or start indented that far, as a wrapped cell does). CSV does not look like that.
fn looks_spaced(text: &str) -> bool {
    if text.contains('\t') {
        return false;
    }
    let (mut lines, mut gapped) = (0usize, 0usize);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        lines += 1;
        let trimmed = line.trim_end();
        let indented = trimmed.starts_with("   ");
        if indented || trimmed.trim_start().contains("   ") {
            gapped += 1;
        }
    }
    gapped >= 3 && gapped * 5 >= lines
}

/// A table laid out with spaces: the columns start where many lines have a piece start (the
/// left edges of a PDF table's columns); each piece goes to the column it starts in. When no
/// such edges stand out, each piece of a line is the next cell.
fn spaced_rows(source: &str, text: &str) -> Result<Vec<Row>, ReadError> {
    let lines: Vec<(usize, Vec<(usize, String)>)> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, space_segments(l.strip_suffix('\r').unwrap_or(l))))
        .collect();
    // Left edges shared by lines of several pieces (and the indented pieces of wrapped cells).
    let mut starts: std::collections::BTreeMap<usize, usize> = Default::default();
    let mut multi = 0usize;
    for (_, segs) in &lines {
        if segs.len() >= 2 || segs.first().is_some_and(|s| s.0 > 0) {
            multi += 1;
            for (col, _) in segs {
                *starts.entry(*col).or_default() += 1;
            }
        }
    }
    let need = 2.max(multi / 20);
    // Edges one character apart are one edge (ragged extraction): (first, last) position.
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for (&col, &n) in &starts {
        if n < need {
            continue;
        }
        match edges.last_mut() {
            Some(e) if col <= e.1 + 1 => e.1 = col,
            _ => edges.push((col, col)),
        }
    }
    // Aligned when the pieces of most lines start on the edges (pieces parted by random runs
    // of spaces start anywhere, and only a few land on a shared position by chance).
    let (mut pieces, mut on_edge) = (0usize, 0usize);
    for (_, segs) in &lines {
        if segs.len() >= 2 {
            for (col, _) in segs.iter().skip(1) {
                pieces += 1;
                if edges.iter().any(|e| e.0 <= col + 1 && *col <= e.1 + 1) {
                    on_edge += 1;
                }
            }
        }
    }
    let aligned = edges.len() >= 3 && on_edge * 10 >= pieces * 8;
    let mut rows = Vec::new();
    for (line, segs) in lines {
        let cells: Vec<String> = if aligned {
            let mut cells: Vec<String> = Vec::new();
            for (col, piece) in segs {
                let at = edges.iter().rposition(|e| e.0 <= col + 1).unwrap_or(0);
                if cells.len() <= at {
                    cells.resize(at + 1, String::new());
                }
                let cell = &mut cells[at];
                if !cell.is_empty() {
                    cell.push(' ');
                }
                cell.push_str(&piece);
            }
            cells
        } else {
            segs.into_iter().map(|(_, p)| p).collect()
        };
        let row = Row {
            line,
            cells: cells.iter().map(|c| clean_cell(c)).collect(),
        };
        check_cells(source, &row)?;
        rows.push(row);
    }
    Ok(rows)
}

/// Quoted CSV: fields may hold the delimiter, quotes and line breaks inside quotes.
fn csv_rows(source: &str, text: &str, delimiter: u8) -> Result<Vec<Row>, ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // Line numbers counted here: the csv reader counts a record that follows CRLF as starting on
    // the line before (it stops after CR).
    let bytes = text.as_bytes();
    let (mut cursor, mut line_no) = (0usize, 1usize);
    loop {
        let before = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let mut start = record.position().map_or(before, |p| p.byte() as usize);
                while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                    start += 1;
                }
                let start = start.max(cursor).min(bytes.len());
                line_no += bytes[cursor..start].iter().filter(|&&b| b == b'\n').count();
                cursor = start;
                let line = line_no;
                let row = Row {
                    line,
                    // A text formula `="…"` (how nok writes codes) is read as its text.
                    cells: record
                        .iter()
                        .map(|f| match crate::exchange::csv::shown_literal(f) {
                            Some(text) => clean_cell(&text),
                            None => clean_cell(f),
                        })
                        .collect(),
                };
                check_cells(source, &row)?;
                rows.push(row);
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                return Err(ReadError::Io {
                    file: format!("{source}, строка {line}"),
                    detail: e.to_string(),
                });
            }
        }
    }
    // The csv reader ends a quoted field at the end of input without complaint: a file cut in
    // the middle of a quoted cell leaves an odd number of quotes.
    if text.bytes().filter(|&b| b == b'"').count() % 2 == 1 {
        let line = rows.last().map_or(1, |r| r.line);
        return Err(ReadError::Unclosed {
            file: source.to_string(),
            line,
        });
    }
    Ok(rows)
}

/// Tab-separated text as copied from a document: one line, one row; no quoting, except that a
/// cell wholly in double quotes with doubled quotes inside (as Excel writes tab text) is unquoted.
///
/// Word also pastes a table one cell per line: each cell opens with a tab, its text may go on
/// over lines without a tab (and over blank lines), and rows are parted by a blank line. Such
/// a run of lines is rebuilt into rows (see [`cell_block`]), each row on the line of its first
/// cell.
fn pasted_rows(source: &str, text: &str) -> Result<Vec<Row>, ReadError> {
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .collect();
    let mut rows = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if opens_cell(lines[i].1)
            && let Some((block, next)) = cell_block(&lines, i)
        {
            for (line, cells) in block {
                let row = Row {
                    line,
                    cells: cells.iter().map(|c| clean_cell(&unquote(c))).collect(),
                };
                check_cells(source, &row)?;
                rows.push(row);
            }
            i = next;
            continue;
        }
        let (line, text) = lines[i];
        let row = Row {
            line,
            cells: text.split('\t').map(|c| clean_cell(&unquote(c))).collect(),
        };
        check_cells(source, &row)?;
        rows.push(row);
        i += 1;
    }
    Ok(rows)
}

/// A line that opens a cell in the one-cell-per-line layout: a tab first and no other tab.
fn opens_cell(line: &str) -> bool {
    line.strip_prefix('\t')
        .is_some_and(|rest| !rest.contains('\t'))
}

/// A line with nothing but spaces (a line holding a tab is an empty cell, not a blank line).
fn blank_line(line: &str) -> bool {
    !line.contains('\t') && line.trim().is_empty()
}

/// Fewest cells in the first row of a table pasted one cell per line.
const MIN_CELL_COLUMNS: usize = 3;

/// Rows rebuilt from a table pasted one cell per line: (line of the first cell, raw cell texts).
type CellRows = Vec<(usize, Vec<String>)>;

/// A table pasted one cell per line, from `lines[start]` (a line that opens a cell): the rows
/// rebuilt as (line of the first cell, raw cell texts), and the index of the first line after
/// the table. A line with a leading tab opens a cell; a line without a tab continues the cell
/// above (after a blank line too, while the row is short of the width of the first row); a
/// row ends at a blank line followed by a cell, or when a cell would exceed the first row's
/// width. The table ends at a line with several tabs, or at text after a complete row. `None`
/// when the first row (the header) has fewer than [`MIN_CELL_COLUMNS`] cells: a lone line with
/// a leading tab is not such a table.
fn cell_block(lines: &[(usize, &str)], start: usize) -> Option<(CellRows, usize)> {
    let mut rows: CellRows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut row_line = lines[start].0;
    let mut width: Option<usize> = None;
    let mut i = start;
    while i < lines.len() {
        let (line, text) = lines[i];
        if opens_cell(text) {
            if width.is_some_and(|w| row.len() >= w) {
                rows.push((row_line, std::mem::take(&mut row)));
            }
            if row.is_empty() {
                row_line = line;
            }
            row.push(text[1..].to_string());
            i += 1;
        } else if blank_line(text) {
            let Some(k) = (i..lines.len()).find(|&k| !blank_line(lines[k].1)) else {
                break;
            };
            let next = lines[k].1;
            if opens_cell(next) {
                // Rows are parted by blank lines; the first row sets the width. A first row of
                // fewer than three cells is no table header: stop early (this keeps the reading
                // linear on files full of lines with a leading tab).
                if rows.is_empty() && row.len() < MIN_CELL_COLUMNS {
                    return None;
                }
                width.get_or_insert(row.len());
                rows.push((row_line, std::mem::take(&mut row)));
                i = k;
            } else if !next.contains('\t') {
                // Text after a blank line: a paragraph break inside a cell of a row still short
                // of the width, or (before the width is known) when a cell opens right after the
                // text; otherwise the text after the table (a signature, the next paragraph).
                let end = (k..lines.len())
                    .find(|&m| blank_line(lines[m].1) || lines[m].1.contains('\t'))
                    .unwrap_or(lines.len());
                let inside = match width {
                    Some(w) => row.len() < w,
                    None => end < lines.len() && opens_cell(lines[end].1),
                };
                if !inside {
                    break;
                }
                if let Some(cell) = row.last_mut() {
                    for &(_, more) in &lines[k..end] {
                        cell.push('\n');
                        cell.push_str(more);
                    }
                }
                i = end;
            } else {
                break;
            }
        } else if !text.contains('\t') {
            if let Some(cell) = row.last_mut() {
                cell.push('\n');
                cell.push_str(text);
            }
            i += 1;
        } else {
            break;
        }
    }
    if !row.is_empty() {
        rows.push((row_line, row));
    }
    rows.first()
        .is_some_and(|(_, cells)| cells.len() >= MIN_CELL_COLUMNS)
        .then_some((rows, i))
}

fn unquote(cell: &str) -> std::borrow::Cow<'_, str> {
    let t = cell.trim();
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        let inner = &t[1..t.len() - 1];
        if !inner.replace("\"\"", "").contains('"') {
            return std::borrow::Cow::Owned(inner.replace("\"\"", "\""));
        }
    }
    std::borrow::Cow::Borrowed(cell)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::WINDOWS_1251;

    fn cells(s: &Sheet) -> Vec<Vec<&str>> {
        s.rows
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn semicolon_csv_with_bom_and_quotes() {
        let s = read(
            "a.csv",
            "\u{feff}ИНН;Наименование\r\n4703083640;\"ГБУ \"\"Ромашка\"\"; филиал\"\r\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(
            s.format,
            Format::Csv {
                delimiter: ';',
                encoding: "UTF-8"
            }
        );
        assert_eq!(
            cells(&s),
            vec![
                vec!["ИНН", "Наименование"],
                vec!["4703083640", "ГБУ \"Ромашка\"; филиал"]
            ]
        );
        assert_eq!(s.rows[1].line, 2);
    }

    #[test]
    fn comma_csv_in_windows_1251() {
        let (bytes, _, _) = WINDOWS_1251.encode("ИНН,Сфера\n4703083640,культура\n");
        let s = read("a.csv", &bytes).unwrap();
        assert_eq!(
            s.format,
            Format::Csv {
                delimiter: ',',
                encoding: "Windows-1251"
            }
        );
        assert_eq!(cells(&s)[1], vec!["4703083640", "культура"]);
    }

    #[test]
    fn tab_text_keeps_commas_and_line_numbers() {
        let s = read(
            "p.txt",
            "№\tМероприятие\n\n1.1.\tСовещание, семинар\t\n".as_bytes(),
        )
        .unwrap();
        assert!(matches!(s.format, Format::Pasted { .. }));
        assert_eq!(s.rows[2].line, 3);
        assert_eq!(s.rows[2].cells, vec!["1.1.", "Совещание, семинар", ""]);
    }

    #[test]
    fn a_table_pasted_one_cell_per_line_is_rebuilt_into_rows() {
        let text = "План\n\n\t№\n\nп/п\n\tНаименование мероприятия\n\tОснование реализации\n\n(результат оценки)\n\tСрок\n\n\t1.1.\n\tРазместить\nчасы приема\n\tНет часов\n\t31.03.2025\n\t2.1\n\tПоручни\n\nв холле\n\tНет поручней\n\t\n\n\t\n\t\n\t\n\t\n\nПодпись\tдата\n";
        let s = read("p.txt", text.as_bytes()).unwrap();
        let rows: Vec<(usize, Vec<&str>)> = s
            .rows
            .iter()
            .map(|r| (r.line, r.cells.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (1, vec!["План"]),
                (2, vec![""]),
                (
                    3,
                    vec![
                        "№ п/п",
                        "Наименование мероприятия",
                        "Основание реализации (результат оценки)",
                        "Срок"
                    ]
                ),
                (
                    12,
                    vec!["1.1.", "Разместить часы приема", "Нет часов", "31.03.2025"]
                ),
                // The width of the header ends the row; a blank line in a short row is a
                // paragraph break inside the cell.
                (17, vec!["2.1", "Поручни в холле", "Нет поручней", ""]),
                (24, vec!["", "", "", ""]),
                (28, vec![""]),
                (29, vec!["Подпись", "дата"]),
                (30, vec![""]),
            ]
        );
    }

    #[test]
    fn a_lone_line_with_a_leading_tab_stays_a_row() {
        let s = read(
            "p.txt",
            "№\tМероприятие\n1.\tСовет\n\tи съезд\nдалее\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(s.rows[2].cells, vec!["", "и съезд"]);
        assert_eq!(s.rows[3].cells, vec!["далее"]);
        // Cells parted by blank lines one by one: no header of three cells, ordinary rows.
        let s = read("p.txt", "\tа\n\n\tб\n\n\tв\n".as_bytes()).unwrap();
        let cells: Vec<Vec<&str>> = cells(&s);
        assert_eq!(
            cells,
            vec![
                vec!["", "а"],
                vec![""],
                vec!["", "б"],
                vec![""],
                vec!["", "в"],
                vec![""]
            ]
        );
    }

    #[test]
    fn utf16_as_excel_unicode_text() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "ИНН\tКПП\r\n1\t2\r\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let s = read("u.txt", &bytes).unwrap();
        assert_eq!(cells(&s)[0], vec!["ИНН", "КПП"]);
    }

    #[test]
    fn broken_inputs_are_named() {
        let e = read("b.bin", b"PK\x00\x01\x02garbage").unwrap_err();
        assert!(matches!(e, ReadError::Binary { .. }), "{e}");
        let mut broken = "ИНН;Наименование\nкультура;".as_bytes().to_vec();
        broken.push(0xD0); // a cut two-byte sequence
        broken.extend("\nещё;строка".as_bytes());
        let e = read("c.csv", &broken).unwrap_err();
        assert_eq!(
            e,
            ReadError::BrokenUtf8 {
                file: "c.csv".into(),
                line: 2
            }
        );
        let e = read("t.csv", "ИНН;Имя\n1;\"обрезано".as_bytes()).unwrap_err();
        assert!(matches!(e, ReadError::Unclosed { line: 2, .. }), "{e}");
        assert!(matches!(
            read("e.csv", b"\r\n  \n").unwrap_err(),
            ReadError::Empty { .. }
        ));
        let long = format!("a;b\n1;{}\n", "я".repeat(super::super::MAX_CELL_CHARS + 1));
        let e = read("l.csv", long.as_bytes()).unwrap_err();
        assert!(
            matches!(
                e,
                ReadError::CellTooLong {
                    line: 2,
                    column: 2,
                    ..
                }
            ),
            "{e}"
        );
    }
}
