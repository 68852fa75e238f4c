//! Excel workbooks: the first worksheet that has data. Numbers keep their digits (a whole number
//! shows no fraction), dates become ДД.ММ.ГГГГ, an error cell shows its code so the row is
//! rejected with a reason instead of read as empty. A row's line is its Excel row number.
//!
//! An xlsx sheet is read as a stream ([`XlsxRows`]) by nok's own reader of the book's parts
//! ([`super::xlsx_book`], on the `zip` and `quick-xml` crates): the sheet's XML is parsed as the
//! zip entry is inflated, cells are grouped into rows, and each row is handed on as soon as the
//! next one starts. The shared-strings table (where Excel and LibreOffice keep the text of the
//! cells) is parsed once as a stream into a temporary file and looked up there
//! ([`super::xlsx_strings`]), so a sheet of a million distinct names does not keep those names
//! in memory. What stays in memory: the list of sheets, the number format of each cell style,
//! a small index and cache of the shared strings, one row and a few hundred rows in flight. The
//! parser runs on its own thread (it owns the book; the rows come through a bounded channel),
//! so a million-row sheet is never laid out whole.
//!
//! Rows come as Excel has them: cells up to the row's last filled cell (cells missing at a row's
//! end are not padded), a row absent from the file between two filled rows as a blank row, empty
//! rows before the first filled row and after the last one left out. Merged cells are not filled:
//! a merged cell's text is in its top-left cell only (the survey reader looks at the rows above a
//! header for it).
//!
//! Old binary workbooks (xls), xlsb and OpenDocument (ods) are read whole with calamine's
//! `worksheet_range` (calamine reads them whole anyway), and so is any file with a zip signature
//! that is not an xlsx (no zip archive, or no XML workbook in it: the message is then the one of
//! calamine's format detection).

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use calamine::{Reader, open_workbook_auto_from_rs};

use super::xlsx_book::Book;
use super::xlsx_cell::{cell_text, column_name};
use super::{Format, ReadError, Row, Sheet, check_cells};

/// What the spreadsheet reader (calamine) found wrong, in Russian (its own text is English).
fn workbook_error_ru(e: &calamine::Error) -> String {
    match e {
        calamine::Error::Io(io) => crate::domain::io_error::describe(io),
        calamine::Error::Msg(_) => {
            "это не книга Excel (xlsx, xls, xlsb или ods) или файл поврежден".to_string()
        }
        calamine::Error::Xlsx(calamine::XlsxError::Zip(_)) => {
            "файл поврежден или это не xlsx (внутри не zip-архив книги)".to_string()
        }
        calamine::Error::Xlsx(calamine::XlsxError::Xml(_)) => {
            "XML внутри книги поврежден".to_string()
        }
        calamine::Error::Xlsx(calamine::XlsxError::FileNotFound(_)) => {
            "в книге нет обязательной части (файл поврежден или это не xlsx)".to_string()
        }
        _ => "книга повреждена или записана в неподдерживаемом виде; сохраните ее в Excel как xlsx"
            .to_string(),
    }
}

const PASSWORD: &str = "книга защищена паролем на открытие; откройте ее в Excel, снимите пароль \
     (Файл → Сведения → Защитить книгу → Зашифровать с использованием пароля → пустой пароль) и \
     сохраните заново";

/// Whether a workbook calamine could not place is one encrypted with a password: an xlsx kept in
/// an OLE container (`EncryptedPackage`), an xls with a password record, an xlsb or an ods with
/// a password. calamine's format
/// detection answers only «cannot detect» for both.
fn password_protected(bytes: &[u8]) -> bool {
    use calamine::{
        Ods, OdsError, Xls, XlsError, Xlsb, XlsbError, Xlsx, XlsxError, open_workbook_from_rs,
    };
    let at = || Cursor::new(bytes);
    matches!(
        open_workbook_from_rs::<Xlsx<_>, _>(at()),
        Err(XlsxError::Password)
    ) || matches!(
        open_workbook_from_rs::<Xls<_>, _>(at()),
        Err(XlsError::Password)
    ) || matches!(
        open_workbook_from_rs::<Xlsb<_>, _>(at()),
        Err(XlsbError::Password)
    ) || matches!(
        open_workbook_from_rs::<Ods<_>, _>(at()),
        Err(OdsError::Password)
    )
}

/// Reads a workbook already in memory into a [`Sheet`]: an xlsx by the same row-by-row reading
/// as [`XlsxRows`] (the rows collected), any other workbook whole.
pub(super) fn read(source: &str, bytes: &[u8]) -> Result<Sheet, ReadError> {
    let err = |detail: String| ReadError::Workbook {
        file: source.to_string(),
        detail,
    };
    if bytes.starts_with(b"PK\x03\x04") {
        // The book is untrusted; a panic reading it must not take the program down.
        let streamed = std::panic::catch_unwind(|| -> Option<Result<Sheet, ReadError>> {
            let mut book = match Book::open(Cursor::new(bytes)) {
                Ok(Some(book)) => book,
                Ok(None) => return None,
                Err(detail) => return Some(Err(err(detail))),
            };
            let mut rows = Vec::new();
            Some(
                each_row(&mut book, source, &mut |_| {}, &mut |row| {
                    rows.push(row);
                    true
                })
                .and_then(|found| match found {
                    Some(sheet) => Ok(Sheet {
                        source: source.to_string(),
                        format: Format::Workbook { sheet },
                        rows,
                    }),
                    None => Err(ReadError::Empty {
                        file: source.to_string(),
                    }),
                }),
            )
        });
        match streamed {
            Ok(Some(result)) => return result,
            Ok(None) => {}
            Err(_) => return Err(err("файл поврежден".to_string())),
        }
    }
    read_whole(source, bytes)
}

/// A workbook calamine does not stream (xls, xlsb, ods): its first sheet with data laid out whole.
fn read_whole(source: &str, bytes: &[u8]) -> Result<Sheet, ReadError> {
    let err = |detail: String| ReadError::Workbook {
        file: source.to_string(),
        detail,
    };
    let opened = std::panic::catch_unwind(|| -> Result<Option<(String, Vec<Row>)>, String> {
        let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
            if password_protected(bytes) {
                PASSWORD.to_string()
            } else {
                workbook_error_ru(&e)
            }
        })?;
        for name in book.sheet_names() {
            let range = book
                .worksheet_range(&name)
                .map_err(|e| workbook_error_ru(&e))?;
            let Some((row0, col0)) = range.start() else {
                continue;
            };
            let mut rows = Vec::with_capacity(range.height());
            for (i, r) in range.rows().enumerate() {
                let mut cells = vec![String::new(); col0 as usize];
                cells.extend(r.iter().map(cell_text));
                rows.push(Row {
                    line: row0 as usize + i + 1,
                    cells,
                });
            }
            if rows.iter().any(|r| !r.is_blank()) {
                return Ok(Some((name, rows)));
            }
        }
        Ok(None)
    });
    let (sheet, rows) = match opened {
        Ok(Ok(Some(found))) => found,
        Ok(Ok(None)) => {
            return Err(ReadError::Empty {
                file: source.to_string(),
            });
        }
        Ok(Err(detail)) => return Err(err(detail)),
        Err(_) => return Err(err("файл поврежден".to_string())),
    };
    for row in &rows {
        check_cells(source, row)?;
    }
    Ok(Sheet {
        source: source.to_string(),
        format: Format::Workbook {
            sheet: shown_sheet(&sheet),
        },
        rows,
    })
}

/// The sheet's name as shown in messages: no escape sequence from a file reaches a terminal.
fn shown_sheet(name: &str) -> String {
    crate::domain::text::printable(name).into_owned()
}

/// Most empty rows accepted between two filled rows. A value typed far below the table (Excel's
/// last row is 1,048,576) would otherwise be read as a million blank rows: it is refused, naming
/// the cell, so the person deletes it.
pub(super) const MAX_EMPTY_ROWS: u32 = 100_000;

/// Excel's last column (XFD), 0-based.
const LAST_COLUMN: u32 = 16_383;

/// Reads the first worksheet of `book` that has data, a row at a time: `on_sheet` gets the
/// sheet's shown name once its first filled cell is met, `on_row` each row (checked by
/// [`check_cells`]) and says whether to go on. `Ok(None)`: no sheet has data; `Ok(Some(name))`:
/// the sheet was read to its end or `on_row` stopped.
fn each_row<RS: Read + Seek>(
    book: &mut Book<RS>,
    source: &str,
    on_sheet: &mut dyn FnMut(&str),
    on_row: &mut dyn FnMut(Row) -> bool,
) -> Result<Option<String>, ReadError> {
    let err = |detail: String| ReadError::Workbook {
        file: source.to_string(),
        detail,
    };
    for index in 0..book.sheets.len() {
        let shown = shown_sheet(&book.sheets[index].name);
        // Not a worksheet (a chart sheet): nothing to read.
        let Some(mut cells) = book.cells(index, &shown).map_err(err)? else {
            continue;
        };
        // The row being filled: its 0-based Excel row and its cells.
        let mut current: Option<(u32, Vec<String>)> = None;
        while let Some((r, c, text)) = cells.next_cell().map_err(err)? {
            if text.is_empty() {
                continue;
            }
            if c > LAST_COLUMN {
                return Err(err(format!(
                    "на листе «{shown}» ячейка в строке {} правее последней колонки Excel (XFD); \
                     файл поврежден — откройте и сохраните его в Excel",
                    u64::from(r) + 1
                )));
            }
            match &mut current {
                Some((row, row_cells)) if *row == r => put(row_cells, c, text),
                Some((row, _)) if *row > r => {
                    return Err(err(format!(
                        "на листе «{shown}» строки записаны не по порядку (строка {} после \
                         строки {}); откройте и сохраните книгу в Excel",
                        u64::from(r) + 1,
                        u64::from(*row) + 1
                    )));
                }
                _ => {
                    let previous = current.take();
                    if let Some((row, row_cells)) = previous {
                        if r - row - 1 > MAX_EMPTY_ROWS {
                            return Err(err(format!(
                                "на листе «{shown}» заполненные ячейки разбросаны слишком широко \
                                 (ячейка {}{} ниже строки {} на {} пустых строк, больше \
                                 {MAX_EMPTY_ROWS}); удалите лишние значения далеко от таблицы \
                                 или скопируйте таблицу в новую книгу",
                                column_name(c),
                                u64::from(r) + 1,
                                u64::from(row) + 1,
                                r - row - 1
                            )));
                        }
                        if !emit(source, row, row_cells, on_row)? {
                            return Ok(Some(shown));
                        }
                        for blank in row + 1..r {
                            if !emit(source, blank, Vec::new(), on_row)? {
                                return Ok(Some(shown));
                            }
                        }
                    } else {
                        on_sheet(&shown);
                    }
                    let mut row_cells = Vec::new();
                    put(&mut row_cells, c, text);
                    current = Some((r, row_cells));
                }
            }
        }
        if let Some((row, row_cells)) = current {
            emit(source, row, row_cells, on_row)?;
            return Ok(Some(shown));
        }
    }
    Ok(None)
}

/// Sets the cell at column `c` of a row, with empty cells before it where the row has none.
fn put(cells: &mut Vec<String>, c: u32, text: String) {
    let c = c as usize;
    if cells.len() <= c {
        cells.resize(c + 1, String::new());
    }
    cells[c] = text;
}

fn emit(
    source: &str,
    row: u32,
    cells: Vec<String>,
    on_row: &mut dyn FnMut(Row) -> bool,
) -> Result<bool, ReadError> {
    let row = Row {
        line: row as usize + 1,
        cells,
    };
    check_cells(source, &row)?;
    Ok(on_row(row))
}

/// Rows handed from the parsing thread at a time.
const BATCH_ROWS: usize = 256;

/// Batches in flight between the parsing thread and the reader.
const BATCHES_IN_FLIGHT: usize = 4;

/// What the parsing thread says, in this order: once `Sheet`, `Empty` or `NotXlsx` (or `Failed`),
/// then `Rows` and one last `End` or `Failed`.
enum Message {
    /// The sheet with data was found (its shown name).
    Sheet(String),
    /// No sheet has data.
    Empty,
    /// calamine cannot open the file as xlsx: it is read whole instead.
    NotXlsx,
    Rows(Vec<Row>),
    Failed(ReadError),
    End,
}

/// The rows of an xlsx file's first sheet with data, read from disk as a stream (see the
/// module's comment).
pub(crate) struct XlsxRows {
    source: String,
    sheet: String,
    messages: Receiver<Message>,
    batch: std::vec::IntoIter<Row>,
    finished: bool,
    /// How far into the file the parser has read, in bytes, and the file's length.
    position: Arc<AtomicU64>,
    length: u64,
}

impl XlsxRows {
    /// Opens `path` (an xlsx by its zip signature) and reads up to the first filled cell.
    /// `Ok(None)`: calamine cannot open it as xlsx; read it whole ([`super::read_file`]), which
    /// knows xlsb and ods and words the refusal of anything else.
    pub(crate) fn open(path: &Path) -> Result<Option<XlsxRows>, ReadError> {
        let source = path.display().to_string();
        let io = |e: std::io::Error| ReadError::Io {
            file: source.clone(),
            detail: e.to_string(),
        };
        let file = File::open(path).map_err(io)?;
        let length = file.metadata().map_err(io)?.len();
        let position = Arc::new(AtomicU64::new(0));
        let tracked = Tracked {
            inner: file,
            at: 0,
            position: Arc::clone(&position),
        };
        let (tx, rx) = sync_channel(BATCHES_IN_FLIGHT);
        let name = source.clone();
        std::thread::Builder::new()
            .name("nok-xlsx".into())
            .spawn(move || parse(BufReader::with_capacity(1 << 16, tracked), &name, &tx))
            .map_err(io)?;
        let failed = || ReadError::Workbook {
            file: source.clone(),
            detail: "файл поврежден".to_string(),
        };
        let sheet = match rx.recv() {
            Ok(Message::Sheet(sheet)) => sheet,
            Ok(Message::Empty) => return Err(ReadError::Empty { file: source }),
            Ok(Message::NotXlsx) => return Ok(None),
            Ok(Message::Failed(e)) => return Err(e),
            Ok(Message::Rows(_) | Message::End) | Err(_) => return Err(failed()),
        };
        Ok(Some(XlsxRows {
            source,
            sheet,
            messages: rx,
            batch: Vec::new().into_iter(),
            finished: false,
            position,
            length,
        }))
    }

    /// The shown name of the sheet read.
    pub(crate) fn format(&self) -> Format {
        Format::Workbook {
            sheet: self.sheet.clone(),
        }
    }

    /// The next row, or `None` after the last.
    pub(crate) fn next_row(&mut self) -> Result<Option<Row>, ReadError> {
        loop {
            if let Some(row) = self.batch.next() {
                return Ok(Some(row));
            }
            if self.finished {
                return Ok(None);
            }
            match self.messages.recv() {
                Ok(Message::Rows(rows)) => self.batch = rows.into_iter(),
                Ok(Message::End) => self.finished = true,
                Ok(Message::Failed(e)) => {
                    self.finished = true;
                    return Err(e);
                }
                // The thread ended without saying so: a panic that escaped the guard.
                Ok(_) | Err(_) => {
                    self.finished = true;
                    return Err(ReadError::Workbook {
                        file: self.source.clone(),
                        detail: "файл поврежден".to_string(),
                    });
                }
            }
        }
    }

    /// Bytes of the file read so far, and its length.
    pub(crate) fn progress(&self) -> (u64, u64) {
        let done = self.position.load(Ordering::Relaxed);
        (done.min(self.length), self.length.max(1))
    }
}

/// The parsing thread: opens the book, finds the sheet and sends its rows in batches. Stops
/// quietly when the reader is gone.
fn parse<RS: Read + Seek>(reader: RS, source: &str, tx: &SyncSender<Message>) {
    // The book is untrusted; a panic reading it must not take the program down.
    let guarded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut book = match Book::open(reader) {
            Ok(Some(book)) => book,
            Ok(None) => {
                let _ = tx.send(Message::NotXlsx);
                return;
            }
            Err(detail) => {
                let _ = tx.send(Message::Failed(ReadError::Workbook {
                    file: source.to_string(),
                    detail,
                }));
                return;
            }
        };
        let mut batch = Vec::with_capacity(BATCH_ROWS);
        // The reader is gone (dropped before the end).
        let gone = std::cell::Cell::new(false);
        let found = each_row(
            &mut book,
            source,
            &mut |sheet| {
                if tx.send(Message::Sheet(sheet.to_string())).is_err() {
                    gone.set(true);
                }
            },
            &mut |row| {
                batch.push(row);
                if batch.len() == BATCH_ROWS {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                    if tx.send(Message::Rows(full)).is_err() {
                        gone.set(true);
                    }
                }
                !gone.get()
            },
        );
        if gone.get() {
            return;
        }
        if !batch.is_empty() && tx.send(Message::Rows(batch)).is_err() {
            return;
        }
        let _ = tx.send(match found {
            Ok(Some(_)) => Message::End,
            Ok(None) => Message::Empty,
            Err(e) => Message::Failed(e),
        });
    }));
    if guarded.is_err() {
        let _ = tx.send(Message::Failed(ReadError::Workbook {
            file: source.to_string(),
            detail: "файл поврежден".to_string(),
        }));
    }
}

/// A file that tells, as it is read, how far into it the reading is.
struct Tracked {
    inner: File,
    at: u64,
    position: Arc<AtomicU64>,
}

impl Read for Tracked {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.at += n as u64;
        self.position.store(self.at, Ordering::Relaxed);
        Ok(n)
    }
}

impl Seek for Tracked {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.at = self.inner.seek(to)?;
        self.position.store(self.at, Ordering::Relaxed);
        Ok(self.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_with_a_zip_signature_is_a_clear_error() {
        let e = read("x.xlsx", b"PK\x03\x04 not really a zip").unwrap_err();
        assert!(matches!(e, ReadError::Workbook { .. }), "{e}");
        assert!(e.to_string().contains("x.xlsx"));
    }

    /// Writes the workbook of [`every_kind_of_cell_reads_as_written`]: an empty first sheet (only
    /// a formatted blank cell), then the table, then a sheet after it. `constant_memory`: strings
    /// inline (as streaming writers save them) instead of in the shared-strings table.
    fn every_kind_of_cell(path: &Path, constant_memory: bool) {
        use rust_xlsxwriter::{ExcelDateTime, Format as Look, Formula, Workbook};
        let mut book = Workbook::new();
        let date = Look::new().set_num_format("dd.mm.yyyy");
        let stamp = Look::new().set_num_format("dd.mm.yyyy hh:mm");
        let yellow = Look::new().set_background_color("#FFFF00");
        let empty = if constant_memory {
            book.add_worksheet_with_constant_memory().unwrap()
        } else {
            book.add_worksheet()
        };
        empty.set_name("Пустой").unwrap();
        empty.write_blank(0, 0, &yellow).unwrap();
        let t = if constant_memory {
            book.add_worksheet_with_constant_memory().unwrap()
        } else {
            book.add_worksheet()
        };
        t.set_name("Организации").unwrap();
        for (c, h) in ["ИНН", "Наименование", "Дата", "Число", "Итог"]
            .iter()
            .enumerate()
        {
            t.write_string(0, c as u16, *h).unwrap();
        }
        // Line 2: a number, a Cyrillic string, a date, a fraction, an error (a formula's result).
        t.write_number(1, 0, 4_703_083_640.0).unwrap();
        t.write_string(1, 1, "ГБУ «Ромашка»").unwrap();
        let d = ExcelDateTime::from_ymd(2025, 3, 7).unwrap();
        t.write_date_with_format(1, 2, &d, &date).unwrap();
        t.write_number(1, 3, 12.5).unwrap();
        t.write_formula(1, 4, Formula::new("=1/0").set_result("#DIV/0!"))
            .unwrap();
        // Line 3: nothing in B, a formatted blank in D, a date with a time, decomposed «й».
        t.write_number(2, 0, 7_701_234_567.0).unwrap();
        let dt = ExcelDateTime::from_ymd(2024, 12, 31)
            .unwrap()
            .and_hms(14, 30, 0)
            .unwrap();
        t.write_datetime_with_format(2, 2, &dt, &stamp).unwrap();
        t.write_blank(2, 3, &yellow).unwrap();
        t.write_string(2, 4, "Бии\u{306}ск").unwrap();
        // Lines 4 and 5 are not written. Line 6: only B (the row ends there).
        t.write_string(5, 1, "Школа № 1").unwrap();
        // Line 7: a whole number, white space to clean, a formatted blank after the last value.
        t.write_number(6, 0, 100.0).unwrap();
        t.write_string(6, 1, "  много \n  пробелов ").unwrap();
        t.write_blank(6, 7, &yellow).unwrap();
        // Line 8: an error in A, a true value, a string of spaces (empty once cleaned).
        t.write_formula(7, 0, Formula::new("=NA()").set_result("#N/A"))
            .unwrap();
        t.write_boolean(7, 1, true).unwrap();
        t.write_string(7, 2, "   ").unwrap();
        // Line 9: only a string of spaces: a row with nothing, after the last one with data.
        t.write_string(8, 0, "  ").unwrap();
        let after = if constant_memory {
            book.add_worksheet_with_constant_memory().unwrap()
        } else {
            book.add_worksheet()
        };
        after.set_name("Потом").unwrap();
        after.write_string(0, 0, "не этот лист").unwrap();
        book.save(path).unwrap();
    }

    /// Rows of every kind of cell, worked out by hand from what [`every_kind_of_cell`] writes,
    /// read the same by the streamed file reader (orgs and inputs), the survey reader and the
    /// reader of a workbook in memory.
    #[test]
    fn every_kind_of_cell_reads_as_written() {
        let s = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let expected: Vec<Row> = [
            (1, s(&["ИНН", "Наименование", "Дата", "Число", "Итог"])),
            (
                2,
                s(&[
                    "4703083640",
                    "ГБУ «Ромашка»",
                    "07.03.2025",
                    "12.5",
                    "#ОШИБКА #DIV/0!",
                ]),
            ),
            (3, s(&["7701234567", "", "31.12.2024", "", "Бийск"])),
            (4, vec![]),
            (5, vec![]),
            (6, s(&["", "Школа № 1"])),
            (7, s(&["100", "много пробелов"])),
            (8, s(&["#ОШИБКА #N/A", "да"])),
        ]
        .into_iter()
        .map(|(line, cells)| Row { line, cells })
        .collect();
        let dir = tempfile::tempdir().unwrap();
        for constant_memory in [false, true] {
            let path = dir.path().join(format!("все-{constant_memory}.xlsx"));
            every_kind_of_cell(&path, constant_memory);
            let sheet_format = Format::Workbook {
                sheet: "Организации".into(),
            };

            let mut stream = super::super::stream::RowStream::open(&path).unwrap();
            use super::super::stream::RowSource;
            assert_eq!(stream.format(), &sheet_format);
            let mut streamed = Vec::new();
            while let Some(row) = stream.next_row().unwrap() {
                streamed.push(row);
            }
            assert_eq!(
                streamed, expected,
                "streamed, constant_memory {constant_memory}"
            );
            assert!(stream.next_row().unwrap().is_none(), "past the end");
            let (done, total) = stream.progress();
            assert_eq!(done, total, "the whole file was read");

            let mut survey = crate::exchange::survey::SurveyRows::open(&path).unwrap();
            assert_eq!(survey.format, sheet_format);
            let mut surveyed = Vec::new();
            while let Some(row) = survey.next_row().unwrap() {
                surveyed.push(row);
            }
            assert_eq!(
                surveyed, expected,
                "survey, constant_memory {constant_memory}"
            );

            let bytes = std::fs::read(&path).unwrap();
            let whole = super::super::read_bytes("все.xlsx", &bytes).unwrap();
            assert_eq!(whole.format, sheet_format);
            assert_eq!(
                whole.rows, expected,
                "in memory, constant_memory {constant_memory}"
            );
        }
    }

    /// A reader dropped before the end leaves the file to be opened again (its parsing thread
    /// stops at its next send), and a row with a control character refuses the file at its line,
    /// after the rows before it.
    #[test]
    fn a_reader_dropped_early_and_a_refused_row() {
        use rust_xlsxwriter::Workbook;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("много.xlsx");
        let mut book = Workbook::new();
        let t = book.add_worksheet_with_constant_memory().unwrap();
        for r in 0..5_000u32 {
            t.write_string(r, 0, format!("строка {}", r + 1)).unwrap();
        }
        t.write_string(5_000, 1, "ГБУ\u{1b}[2J").unwrap();
        book.save(&path).unwrap();
        let mut rows = XlsxRows::open(&path).unwrap().unwrap();
        assert_eq!(rows.next_row().unwrap().unwrap().cells, ["строка 1"]);
        drop(rows);
        let mut rows = XlsxRows::open(&path).unwrap().unwrap();
        let mut last = 0;
        let e = loop {
            match rows.next_row() {
                Ok(Some(row)) => last = row.line,
                Ok(None) => panic!("the control character was not refused"),
                Err(e) => break e,
            }
        };
        assert_eq!(last, 5_000);
        assert!(
            matches!(
                e,
                ReadError::ControlChar {
                    line: 5_001,
                    column: 2,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(
            rows.next_row().unwrap().is_none(),
            "nothing after the refusal"
        );
    }
}
