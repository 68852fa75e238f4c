//! Reading operators' files for import: CSV (UTF-8 with or without BOM, UTF-16 LE or BE with or
//! without BOM, or Windows-1251; tab, `;`, `,` or `|` sniffed), xlsx/xls (calamine) and
//! tab-separated text copied from a Word or PDF table. Every reader yields a [`Sheet`]: rows of
//! trimmed text cells, each row with its line number in the file, so an error can name the place.
//!
//! Every reader applies the same rule to the text of its cells ([`check_cells`]): a control
//! character ([`forbidden_char`]: ESC, BEL, the rest of C0 and C1, DEL, and the bidirectional
//! overrides that reorder what a terminal shows) refuses the file, naming line, column and
//! character; white space (tabs, line breaks) is made a plain space ([`clean_cell`]).
//!
//! [`read_file`] reads a file whole into a [`Sheet`]; [`stream::RowStream`] gives the same rows
//! one at a time, streaming CSV and xlsx so a file of a million rows is never held in memory.
//!
//! What the rows mean is decided elsewhere: [`headers`] finds columns by their Russian headers,
//! [`table`] reads numbered plan tables, [`workplan`] an authority's plan document.

pub mod executors;
pub mod headers;
pub mod layout;
mod sniff;
pub mod stream;
pub mod table;
mod text;
pub mod values;
pub mod workplan;
mod xlsx;
mod xlsx_book;
#[cfg(test)]
mod xlsx_calamine_books;
mod xlsx_cell;
mod xlsx_strings;

pub(crate) use xlsx::XlsxRows;

use std::path::Path;

/// Longest cell accepted, in characters (Excel's own limit for a cell).
pub const MAX_CELL_CHARS: usize = 32_767;

/// Largest file accepted, in bytes.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// How a file was read (shown in the dry run so a person can check the sniffing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// Delimited text with quoting (CSV as Excel writes it).
    Csv {
        delimiter: char,
        encoding: &'static str,
    },
    /// Tab-separated text as copied from a Word or PDF table (no quoting).
    Pasted { encoding: &'static str },
    /// Text whose columns are parted by runs of spaces (a table extracted from a PDF or a
    /// scan): cells are cut at the positions where the lines' columns start.
    Spaced { encoding: &'static str },
    /// A worksheet of an Excel workbook.
    Workbook { sheet: String },
}

impl Format {
    /// Russian description, e.g. «CSV, разделитель «;», кодировка UTF-8».
    pub fn describe(&self) -> String {
        match self {
            Format::Csv {
                delimiter,
                encoding,
            } => {
                let d = match delimiter {
                    '\t' => "табуляция".to_string(),
                    c => format!("«{c}»"),
                };
                format!("CSV, разделитель {d}, кодировка {encoding}")
            }
            Format::Pasted { encoding } => {
                format!("текст с табуляцией (таблица из документа), кодировка {encoding}")
            }
            Format::Spaced { encoding } => format!(
                "текст с колонками из пробелов (таблица из PDF или скана), кодировка {encoding}"
            ),
            Format::Workbook { sheet } => format!("книга Excel, лист «{sheet}»"),
        }
    }
}

/// A row of a file: its line (a text line, or a worksheet row number) and its cells, trimmed,
/// with runs of white space (line breaks inside a cell included) made one space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

impl Row {
    /// The cell at `col`, or "" past the end of the row.
    pub fn cell(&self, col: usize) -> &str {
        self.cells.get(col).map_or("", String::as_str)
    }

    /// Whether every cell is empty.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(String::is_empty)
    }

    /// The non-empty cells with their columns.
    pub fn filled(&self) -> impl Iterator<Item = (usize, &str)> {
        self.cells
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
            .map(|(i, c)| (i, c.as_str()))
    }
}

/// A file read into rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The file name as given (used in messages).
    pub source: String,
    pub format: Format,
    pub rows: Vec<Row>,
}

impl Sheet {
    pub fn rows(&self) -> std::slice::Iter<'_, Row> {
        self.rows.iter()
    }
}

/// A file that cannot be read, with a Russian message naming the file and, where known, the line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadError {
    #[error("не удалось прочитать файл {file}: {detail}")]
    Io { file: String, detail: String },
    #[error("файл {file} пуст: в нем нет ни одной строки с данными")]
    Empty { file: String },
    #[error(
        "файл {file} больше {} МБ; разделите его на части",
        MAX_FILE_BYTES / 1024 / 1024
    )]
    TooLarge { file: String },
    #[error(
        "файл {file} не похож на таблицу: в нем двоичные данные (байт {offset}); нужен CSV, xlsx или текст с табуляцией"
    )]
    Binary { file: String, offset: usize },
    #[error(
        "файл {file}, строка {line}: текст в UTF-8 поврежден (неверная последовательность байтов); сохраните файл заново в UTF-8 или Windows-1251"
    )]
    BrokenUtf8 { file: String, line: usize },
    #[error(
        "файл {file}, строка {line}: текст в UTF-16 поврежден (непарный суррогат или лишний байт в конце); сохраните файл заново"
    )]
    BrokenUtf16 { file: String, line: usize },
    #[error(
        "файл {file}, строка {line}, колонка {column}: управляющий символ {code} ({what}); такие символы могут менять вывод терминала и в таблицах не нужны — удалите его и сохраните файл заново"
    )]
    ControlChar {
        file: String,
        line: usize,
        column: usize,
        code: String,
        what: &'static str,
    },
    #[error(
        "файл {file}, строка {line}: символы, которых нет в Windows-1251; сохраните файл в UTF-8"
    )]
    BadSingleByte { file: String, line: usize },
    #[error(
        "файл {file}, строка {line}: кавычка открыта и не закрыта до конца файла — файл обрезан или кавычки не парные"
    )]
    Unclosed { file: String, line: usize },
    #[error(
        "файл {file}, строка {line}, колонка {column}: ячейка длиной {chars} знаков, допустимо не больше {max}; сократите текст"
    )]
    CellTooLong {
        file: String,
        line: usize,
        column: usize,
        chars: usize,
        max: usize,
    },
    #[error("книга Excel {file} не читается: {detail}")]
    Workbook { file: String, detail: String },
}

/// Reads a file by its content (an xlsx/xls workbook is recognised by its signature; anything
/// else is read as text).
pub fn read_file(path: &Path) -> Result<Sheet, ReadError> {
    let file = path.display().to_string();
    let io = |e: std::io::Error| ReadError::Io {
        file: file.clone(),
        detail: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge { file });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    read_bytes(&file, &bytes)
}

/// Reads a file already in memory; `source` names it in messages.
pub fn read_bytes(source: &str, bytes: &[u8]) -> Result<Sheet, ReadError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return xlsx::read(source, bytes);
    }
    text::read(source, bytes)
}

/// Normalises the text of one cell: trimmed, every run of white space (including line breaks and
/// non-breaking spaces) one space, soft hyphens dropped, and letters written as a base and a
/// combining mark (`и` + U+0306, `е` + U+0308, as text copied from a PDF or a Mac file name has
/// them) composed into one (`й`, `ё`: Unicode NFC), so that names match what was typed.
pub(crate) fn clean_cell(raw: &str) -> String {
    clean_spaces(&crate::domain::text::composed(raw))
}

fn clean_spaces(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if c == '\u{ad}' || c == '\u{feff}' {
            continue;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// The first character of `text` that no imported text may hold, with its Russian description:
/// control characters (C0 but tab and line ends, DEL, C1) and the invisible marks that reorder
/// text on screen (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069). The one rule of every reader
/// of imported files; a reader of another kind of text calls it too.
pub fn forbidden_char(text: &str) -> Option<(char, &'static str)> {
    text.chars().find_map(|c| {
        let what = match c {
            '\t' | '\n' | '\r' => return None,
            '\u{1b}' => "ESC, начало управляющей последовательности",
            '\u{7}' => "BEL, звонок",
            '\u{0}' => "NUL",
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                "невидимый знак направления текста"
            }
            c if c.is_control() => "невидимый управляющий символ",
            _ => return None,
        };
        Some((c, what))
    })
}

/// Checks every cell of a row against [`MAX_CELL_CHARS`] and [`forbidden_char`].
pub(crate) fn check_cells(source: &str, row: &Row) -> Result<(), ReadError> {
    for (i, c) in row.cells.iter().enumerate() {
        if let Some((ch, what)) = forbidden_char(c) {
            return Err(ReadError::ControlChar {
                file: source.to_string(),
                line: row.line,
                column: i + 1,
                code: format!("U+{:04X}", u32::from(ch)),
                what,
            });
        }
        if c.len() > MAX_CELL_CHARS {
            let chars = c.chars().count();
            if chars > MAX_CELL_CHARS {
                return Err(ReadError::CellTooLong {
                    file: source.to_string(),
                    line: row.line,
                    column: i + 1,
                    chars,
                    max: MAX_CELL_CHARS,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_trimmed_and_spaces_collapsed() {
        assert_eq!(
            clean_cell("  ГБУ\u{a0}«Ромашка»\r\n  центр "),
            "ГБУ «Ромашка» центр"
        );
        assert_eq!(clean_cell("\u{feff}ИНН"), "ИНН");
        assert_eq!(clean_cell(""), "");
        // Decomposed letters (PDF copies, Mac file names) are composed: «й», «ё», «Й».
        assert_eq!(clean_cell("Бии\u{306}ск"), "Бийск");
        assert_eq!(clean_cell("Е\u{308}лочка  И\u{306}ошкар"), "Ёлочка Йошкар");
        assert_eq!(clean_cell("Бийск").len(), "Бийск".len());
    }

    #[test]
    fn control_characters_are_named() {
        assert_eq!(forbidden_char("ГБУ «Ромашка»\tцентр\r\n"), None);
        assert_eq!(
            forbidden_char("a\u{1b}]0;x\u{7}").map(|c| c.0),
            Some('\u{1b}')
        );
        assert_eq!(forbidden_char("a\u{7}").map(|c| c.0), Some('\u{7}'));
        assert_eq!(forbidden_char("a\u{9b}b").map(|c| c.0), Some('\u{9b}'));
        assert_eq!(forbidden_char("a\u{7f}").map(|c| c.0), Some('\u{7f}'));
        assert_eq!(forbidden_char("a\u{202e}b").map(|c| c.0), Some('\u{202e}'));
        let row = Row {
            line: 7,
            cells: vec!["4703083640".into(), "ГБУ\u{1b}[2J".into()],
        };
        let e = check_cells("o.xlsx", &row).unwrap_err();
        assert_eq!(
            e,
            ReadError::ControlChar {
                file: "o.xlsx".into(),
                line: 7,
                column: 2,
                code: "U+001B".into(),
                what: "ESC, начало управляющей последовательности",
            }
        );
    }
}
