//! Survey tables read a row at a time, so a file of a million respondents is never held in
//! memory: the encoding and delimiter are found by the import reader ([`import::read_bytes`]) on
//! the file's first lines, then the whole file is streamed through `csv` (decoding Windows-1251
//! or UTF-16 on the way with `encoding_rs`). An xlsx workbook is streamed by the import reader's
//! [`import::XlsxRows`] (the sheet's XML parsed as the file is read); old binary workbooks (xls),
//! xlsb and ods are read whole by the import reader (calamine lays them out in memory).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1251};

use super::import::stream::Counting;
use super::import::{self, Format, ReadError, Row, clean_cell};

/// How much of the file's start is read to find its encoding and delimiter.
const HEAD_BYTES: usize = 256 * 1024;

/// Rows of a survey table, one at a time.
pub struct SurveyRows {
    pub source: String,
    pub format: Format,
    inner: Inner,
}

enum Inner {
    Csv {
        reader: Box<csv::Reader<Counting>>,
        record: csv::ByteRecord,
    },
    Sheet(std::vec::IntoIter<Row>),
    Xlsx(Box<import::XlsxRows>),
}

impl SurveyRows {
    /// Opens a file: a workbook by its signature, anything else as delimited text.
    pub fn open(path: &Path) -> Result<SurveyRows, ReadError> {
        let source = path.display().to_string();
        let io = |e: std::io::Error| ReadError::Io {
            file: source.clone(),
            detail: e.to_string(),
        };
        let mut file = File::open(path).map_err(io)?;
        let mut head = Vec::with_capacity(HEAD_BYTES);
        (&mut file)
            .take(HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(io)?;
        if head.starts_with(b"PK\x03\x04")
            && let Some(rows) = import::XlsxRows::open(path)?
        {
            return Ok(SurveyRows {
                source,
                format: rows.format(),
                inner: Inner::Xlsx(Box::new(rows)),
            });
        }
        if head.starts_with(b"PK\x03\x04") || head.starts_with(b"\xD0\xCF\x11\xE0") {
            let sheet = import::read_file(path)?;
            return Ok(SurveyRows {
                source,
                format: sheet.format,
                inner: Inner::Sheet(sheet.rows.into_iter()),
            });
        }
        let whole = head.len() < HEAD_BYTES;
        let format = sniff(&source, &head, whole)?;
        let (delimiter, encoding) = match &format {
            Format::Csv {
                delimiter,
                encoding,
            } => (*delimiter as u8, *encoding),
            Format::Pasted { encoding } => (b'\t', *encoding),
            Format::Workbook { .. } => (b',', "UTF-8"),
            // Answers with runs of spaces can make a CSV look like a table laid out with spaces;
            // a survey's header row names every question, so its delimiter is the commonest one.
            Format::Spaced { encoding } => match header_delimiter(&head, encoding) {
                Some(d) => (d, *encoding),
                None => {
                    return Err(ReadError::Io {
                        file: source.clone(),
                        detail: "в строке заголовка нет разделителя колонок; анкеты читаются из \
                                 CSV («;», «,», «|» или табуляция) или xlsx"
                            .into(),
                    });
                }
            },
        };
        let file = File::open(path).map_err(io)?;
        let raw: Box<dyn Read> = Box::new(BufReader::with_capacity(1 << 16, file));
        let input = import::stream::utf8_reader(raw, encoding, &head);
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .quoting(!matches!(format, Format::Pasted { .. }))
            .buffer_capacity(1 << 16)
            .from_reader(Counting::new(input));
        Ok(SurveyRows {
            source,
            format,
            inner: Inner::Csv {
                reader: Box::new(reader),
                record: csv::ByteRecord::new(),
            },
        })
    }

    /// The next row, or `None` at the end. Cells are cleaned like the import reader's.
    pub fn next_row(&mut self) -> Result<Option<Row>, ReadError> {
        let mut row = Row {
            line: 0,
            cells: Vec::new(),
        };
        Ok(self.next_into(&mut row)?.then_some(row))
    }

    /// Reads the next row into `row` (reusing its cells); `false` at the end.
    pub fn next_into(&mut self, row: &mut Row) -> Result<bool, ReadError> {
        match &mut self.inner {
            Inner::Sheet(rows) => match rows.next() {
                Some(r) => {
                    *row = r;
                    Ok(true)
                }
                None => Ok(false),
            },
            Inner::Xlsx(rows) => match rows.next_row()? {
                Some(r) => {
                    *row = r;
                    Ok(true)
                }
                None => Ok(false),
            },
            Inner::Csv { reader, record } => {
                let ok = reader.read_byte_record(record).map_err(|e| {
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    ReadError::Io {
                        file: format!("{}, строка {line}", self.source),
                        detail: e.to_string(),
                    }
                })?;
                if !ok {
                    return Ok(false);
                }
                // Counted as the import reader counts it (blank lines and CRLF included).
                let start = record.position().map_or(0, |p| p.byte());
                let line = reader.get_mut().line_at(start);
                row.line = line;
                // The row's cells keep their buffers from row to row: no allocation per cell.
                row.cells.truncate(record.len());
                for (i, field) in record.iter().enumerate() {
                    let text = std::str::from_utf8(field).map_err(|_| ReadError::BrokenUtf8 {
                        file: self.source.clone(),
                        line,
                    })?;
                    match row.cells.get_mut(i) {
                        Some(cell) => clean_into(text, cell),
                        None => {
                            let mut cell = String::new();
                            clean_into(text, &mut cell);
                            row.cells.push(cell);
                        }
                    }
                }
                import::check_cells(&self.source, row)?;
                Ok(true)
            }
        }
    }
}

/// Writes `raw` cleaned as [`clean_cell`] cleans it into `out`, reusing `out`'s buffer. Most cells
/// of a survey («Да», an ИНН, a timestamp) are already clean and are copied as they are.
fn clean_into(raw: &str, out: &mut String) {
    out.clear();
    if is_clean(raw) {
        out.push_str(raw);
    } else {
        out.push_str(&clean_cell(raw));
    }
}

/// Whether [`clean_cell`] would leave `s` as it is: no white space at either end, none but single
/// spaces inside, no soft hyphen, BOM or combining mark.
fn is_clean(s: &str) -> bool {
    if s.starts_with(' ') || s.ends_with(' ') {
        return false;
    }
    let mut space = false;
    for c in s.chars() {
        if c == ' ' {
            if space {
                return false;
            }
            space = true;
        } else if c.is_whitespace()
            || c == '\u{ad}'
            || c == '\u{feff}'
            || crate::domain::text::is_combining(c)
        {
            return false;
        } else {
            space = false;
        }
    }
    true
}

/// The format of the file's first lines, read by the import reader (so its encoding detection
/// and delimiter sniffing apply). The head is cut at a line end; a cut inside a quoted cell that
/// spans lines is retried at an earlier line end.
fn sniff(source: &str, head: &[u8], whole: bool) -> Result<Format, ReadError> {
    // With a BOM, or without one (NUL bytes in the first characters: UTF-16 text).
    let utf16 = head.starts_with(b"\xFF\xFE")
        || head.starts_with(b"\xFE\xFF")
        || head.iter().take(64).any(|&b| b == 0);
    let mut end = head.len();
    for _ in 0..64 {
        let cut = if whole && end == head.len() {
            end
        } else {
            match last_line_end(&head[..end], utf16) {
                Some(e) => e,
                None => end,
            }
        };
        match import::read_bytes(source, &head[..cut]) {
            Ok(sheet) => return Ok(sheet.format),
            Err(ReadError::Unclosed { .. }) if cut > 0 && !whole => end = cut.saturating_sub(1),
            Err(e) => return Err(e),
        }
    }
    import::read_bytes(source, head).map(|s| s.format)
}

/// The delimiter that occurs most often in the first line of `head` (decoded as `encoding`):
/// `;`, `,`, `|` or tab; `None` when the line has none of them.
fn header_delimiter(head: &[u8], encoding: &str) -> Option<u8> {
    let text = match encoding {
        "Windows-1251" => WINDOWS_1251.decode_without_bom_handling(head).0,
        "UTF-16 BE без BOM" => UTF_16BE.decode_without_bom_handling(head).0,
        "UTF-16" if head.starts_with(b"\xFE\xFF") => UTF_16BE.decode(head).0,
        "UTF-16" | "UTF-16 LE без BOM" => UTF_16LE.decode(head).0,
        _ => String::from_utf8_lossy(head),
    };
    let first = text.lines().find(|l| !l.trim().is_empty())?;
    [b';', b',', b'|', b'\t']
        .into_iter()
        .map(|d| (first.bytes().filter(|&b| b == d).count(), d))
        .filter(|&(n, _)| n > 0)
        .max_by_key(|&(n, _)| n)
        .map(|(_, d)| d)
}

fn last_line_end(bytes: &[u8], utf16: bool) -> Option<usize> {
    if utf16 {
        // A UTF-16 line feed is two bytes; keep the cut on a code unit boundary.
        let mut i = bytes.len().checked_sub(2)?;
        loop {
            let lf = (bytes[i] == b'\n' && bytes[i + 1] == 0)
                || (bytes[i] == 0 && bytes[i + 1] == b'\n');
            if lf && i % 2 == 0 {
                return Some(i + 2);
            }
            i = i.checked_sub(1)?;
        }
    }
    bytes.iter().rposition(|&b| b == b'\n').map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Windows-1251 or UTF-16 survey larger than the sniffed head is read to its end, and
    /// asking again after the end answers «no more rows» (a finished decoder must not be called
    /// again: encoding_rs panics on one).
    #[test]
    fn a_decoded_survey_is_read_to_the_end_and_past_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("ИНН;Удовлетворены ли Вы?\n");
        let mut rows = 0;
        while text.len() < HEAD_BYTES * 2 {
            text.push_str("7700000000;Да\n");
            rows += 1;
        }
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        for (name, bytes) in [
            ("cp.csv", WINDOWS_1251.encode(&text).0.into_owned()),
            ("le.csv", utf16),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            let mut survey = SurveyRows::open(&path).unwrap();
            let mut n = 0;
            let mut last = None;
            while let Some(row) = survey.next_row().unwrap() {
                n += 1;
                last = Some(row);
            }
            assert_eq!(n, rows + 1, "{name}: the header and every answer row");
            assert_eq!(last.unwrap().cells, ["7700000000", "Да"], "{name}");
            assert!(survey.next_row().unwrap().is_none(), "{name}: past the end");
        }
    }

    /// Each row's line is the one the whole-file import reader gives (the line of its first
    /// character): after blank lines and a cell broken over lines, in CRLF and LF files, UTF-8 and
    /// UTF-16. The survey reader counted a CRLF file's rows from csv's position, one line short
    /// after a blank line.
    #[test]
    fn rows_are_numbered_as_the_import_reader_numbers_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("ИНН;Вопрос 1;Предложения\n\n7700000001;Да;\"две\nстроки\"\n");
        text.push_str("\n\n7700000002;Нет;\n7700000003;Да;нет\n\n");
        // Larger than the sniffed head, so the rows are streamed, not read whole.
        while text.len() < HEAD_BYTES * 2 {
            text.push_str("7700000004;Да;\n");
        }
        for eol in ["\n", "\r\n"] {
            let text = text.replace('\n', eol);
            let utf16: Vec<u8> = [0xFF, 0xFE]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                .collect();
            for (name, bytes) in [("u8.csv", text.clone().into_bytes()), ("u16.csv", utf16)] {
                let path = dir.path().join(name);
                std::fs::write(&path, &bytes).unwrap();
                let want: Vec<usize> = import::read_file(&path)
                    .unwrap()
                    .rows
                    .iter()
                    .map(|r| r.line)
                    .collect();
                assert_eq!(&want[..4], [1, 3, 7, 8], "{name} {eol:?}: the reference");
                let mut survey = SurveyRows::open(&path).unwrap();
                let mut got = Vec::new();
                while let Some(row) = survey.next_row().unwrap() {
                    if !row.is_blank() {
                        got.push(row.line);
                    }
                }
                let first_wrong = got.iter().zip(&want).position(|(g, w)| g != w);
                assert_eq!(
                    first_wrong,
                    None,
                    "{name} {eol:?}: {:?} against {:?}",
                    &got[..8],
                    &want[..8]
                );
                assert_eq!(got.len(), want.len(), "{name} {eol:?}");
            }
        }
    }

    #[test]
    fn a_clean_cell_is_copied_and_any_other_is_cleaned_like_the_import_reader_does() {
        let mut out = String::from("старое содержимое");
        for raw in [
            "Да",
            "",
            "7701234567",
            "01.10.2025 10:00:00",
            " Да",
            "Да ",
            "Да  нет",
            "Да\tнет",
            "Да\u{a0}нет",
            "пере\u{ad}нос",
            "\u{feff}ИНН",
            "строка\r\nвторая",
            "Би\u{306}ск",
        ] {
            clean_into(raw, &mut out);
            assert_eq!(out, clean_cell(raw), "{raw:?}");
        }
        assert!(is_clean("Больше мест в зоне ожидания"));
        assert!(!is_clean("Больше  мест"));
    }
}
