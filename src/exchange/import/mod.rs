//! Reading operators' files for import: CSV (UTF-8 with or without BOM, UTF-16 as Excel saves
//! «Unicode text», or Windows-1251; `;`, `,` or tab sniffed), xlsx/xls (calamine) and
//! tab-separated text copied from a Word or PDF table. Every reader yields a [`Sheet`]: rows of
//! trimmed text cells, each row with its line number in the file, so an error can name the place.
//!
//! What the rows mean is decided elsewhere: [`headers`] finds columns by their Russian headers,
//! [`table`] reads numbered plan tables, [`workplan`] an authority's plan document.

pub mod executors;
pub mod headers;
pub mod layout;
pub mod table;
mod text;
pub mod values;
pub mod workplan;
mod xlsx;

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
/// non-breaking spaces) one space, and soft hyphens dropped.
pub(crate) fn clean_cell(raw: &str) -> String {
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

/// Checks every cell of a row against [`MAX_CELL_CHARS`].
pub(crate) fn check_cells(source: &str, row: &Row) -> Result<(), ReadError> {
    for (i, c) in row.cells.iter().enumerate() {
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
    }
}
