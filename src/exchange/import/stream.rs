//! Rows of an import file one at a time ([`RowSource`]), so a table of a million organizations is
//! never held in memory.
//!
//! [`RowStream::open`] reads the file's first [`HEAD_BYTES`] with the whole-file reader
//! ([`super::read_bytes`]), so the encoding, the delimiter and the refusal of binary data are
//! decided exactly as for a file read whole; then:
//! - quoted CSV (`;`, `,`, `|`) is streamed through `csv`, decoding Windows-1251 and UTF-16 on the
//!   way with `encoding_rs`; the cells are cleaned and checked by the same rules
//!   ([`super::clean_cell`], [`super::check_cells`]), a `="…"` text formula is read as its text, and
//!   a quote left open at the end of the file refuses it, as the whole-file reader does;
//! - tab text pasted from a document and text laid out with spaces are read whole
//!   ([`super::read_file`]): their rows are rebuilt from what follows them (a Word table pasted
//!   one cell per line, column edges found over all lines), and such files are document-sized;
//! - an xlsx workbook is streamed too ([`super::XlsxRows`]: calamine's cell reader on a parsing
//!   thread, the file read from disk as the sheet's XML is inflated); old binary workbooks (xls),
//!   xlsb and ods are read whole (calamine lays them out in memory; at most
//!   [`super::MAX_FILE_BYTES`] of file);
//! - a file shorter than the head is read whole (the same rows either way).
//!
//! A [`Sheet`] already in memory is a source too ([`SheetRows`]).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use encoding_rs::{Decoder, UTF_16BE, UTF_16LE, WINDOWS_1251};

use super::{Format, ReadError, Row, Sheet, XlsxRows, check_cells, clean_cell};

/// How much of the file's start is read to find its encoding and delimiter.
const HEAD_BYTES: usize = 256 * 1024;

/// Rows of a file, one at a time, each with its line number in the file.
pub trait RowSource {
    /// The file name as given (used in messages).
    fn source(&self) -> &str;
    /// How the file is read.
    fn format(&self) -> &Format;
    /// The next row, or `None` at the end.
    fn next_row(&mut self) -> Result<Option<Row>, ReadError>;
    /// How far the reading is, and how far it goes: (done, total) in any unit (rows of a sheet,
    /// bytes of a streamed file), for a progress bar.
    fn progress(&self) -> (u64, u64);
}

/// The rows of a [`Sheet`] already read.
pub struct SheetRows<'s> {
    sheet: &'s Sheet,
    next: usize,
}

impl<'s> SheetRows<'s> {
    pub fn new(sheet: &'s Sheet) -> SheetRows<'s> {
        SheetRows { sheet, next: 0 }
    }
}

impl RowSource for SheetRows<'_> {
    fn source(&self) -> &str {
        &self.sheet.source
    }
    fn format(&self) -> &Format {
        &self.sheet.format
    }
    fn next_row(&mut self) -> Result<Option<Row>, ReadError> {
        let row = self.sheet.rows.get(self.next).cloned();
        self.next += 1;
        Ok(row)
    }
    fn progress(&self) -> (u64, u64) {
        let total = self.sheet.rows.len() as u64;
        ((self.next as u64).min(total), total)
    }
}

/// A file's rows read as a stream where its kind allows (see the module's comment).
pub struct RowStream {
    source: String,
    format: Format,
    inner: Inner,
    /// Whether a row with text was met (a file of blank rows is refused as empty).
    any_text: bool,
}

enum Inner {
    Csv(Box<CsvRows>),
    Xlsx(Box<XlsxRows>),
    Whole {
        rows: std::vec::IntoIter<Row>,
        total: u64,
    },
}

struct CsvRows {
    reader: csv::Reader<Counting>,
    record: csv::ByteRecord,
    crlf: bool,
    first: bool,
    /// The line of the last row read (for a quote left open at the end).
    last_line: usize,
    /// What the decoder cannot map leaves U+FFFD: a damaged file in that encoding.
    decoded: bool,
    utf16: bool,
    total: u64,
}

impl RowStream {
    /// Opens a file: a workbook by its signature, anything else as text.
    pub fn open(path: &Path) -> Result<RowStream, ReadError> {
        let source = path.display().to_string();
        let io = |e: std::io::Error| ReadError::Io {
            file: source.clone(),
            detail: e.to_string(),
        };
        // No size limit here: what is streamed is held a row at a time, whatever the file's
        // size; what is read whole is limited by `read_file` (`super::MAX_FILE_BYTES`).
        let meta = std::fs::metadata(path).map_err(io)?;
        let mut file = File::open(path).map_err(io)?;
        let mut head = Vec::with_capacity(HEAD_BYTES.min(meta.len() as usize + 1));
        (&mut file)
            .take(HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(io)?;
        if head.starts_with(b"PK\x03\x04") {
            return match XlsxRows::open(path)? {
                Some(rows) => Ok(RowStream {
                    source,
                    format: rows.format(),
                    inner: Inner::Xlsx(Box::new(rows)),
                    // The sheet was found by its first filled cell.
                    any_text: true,
                }),
                None => Self::whole(path),
            };
        }
        if head.starts_with(b"\xD0\xCF\x11\xE0") {
            return Self::whole(path);
        }
        let whole_file = head.len() < HEAD_BYTES;
        if whole_file {
            return Self::whole(path);
        }
        let format = sniff(&source, &head)?;
        let Format::Csv {
            delimiter,
            encoding,
        } = format.clone()
        else {
            return Self::whole(path);
        };
        let crlf = head.windows(2).any(|w| w == b"\r\n");
        let file = File::open(path).map_err(io)?;
        let raw: Box<dyn Read> = Box::new(BufReader::with_capacity(1 << 16, file));
        let utf16 = encoding.starts_with("UTF-16");
        let input = utf8_reader(raw, encoding, &head);
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter as u8)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(Counting {
                inner: input,
                quotes: 0,
                bytes: 0,
            });
        Ok(RowStream {
            source,
            format,
            inner: Inner::Csv(Box::new(CsvRows {
                reader,
                record: csv::ByteRecord::new(),
                crlf,
                first: true,
                last_line: 1,
                decoded: encoding != "UTF-8",
                utf16,
                total: meta.len(),
            })),
            any_text: false,
        })
    }

    fn whole(path: &Path) -> Result<RowStream, ReadError> {
        let sheet = super::read_file(path)?;
        let total = sheet.rows.len() as u64;
        Ok(RowStream {
            source: sheet.source,
            format: sheet.format,
            inner: Inner::Whole {
                rows: sheet.rows.into_iter(),
                total,
            },
            any_text: true,
        })
    }

    fn empty(&self) -> ReadError {
        ReadError::Empty {
            file: self.source.clone(),
        }
    }
}

impl RowSource for RowStream {
    fn source(&self) -> &str {
        &self.source
    }

    fn format(&self) -> &Format {
        &self.format
    }

    fn next_row(&mut self) -> Result<Option<Row>, ReadError> {
        let row = match &mut self.inner {
            Inner::Whole { rows, .. } => rows.next(),
            Inner::Csv(csv) => csv.next_row(&self.source)?,
            Inner::Xlsx(xlsx) => xlsx.next_row()?,
        };
        match row {
            Some(row) => {
                self.any_text |= !row.is_blank();
                Ok(Some(row))
            }
            None if !self.any_text => Err(self.empty()),
            None => Ok(None),
        }
    }

    fn progress(&self) -> (u64, u64) {
        match &self.inner {
            Inner::Whole { rows, total } => (total - rows.len() as u64, *total),
            Inner::Csv(csv) => (csv.reader.get_ref().bytes.min(csv.total), csv.total.max(1)),
            Inner::Xlsx(xlsx) => xlsx.progress(),
        }
    }
}

impl CsvRows {
    fn next_row(&mut self, source: &str) -> Result<Option<Row>, ReadError> {
        let ok = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as usize);
                ReadError::Io {
                    file: format!("{source}, строка {line}"),
                    detail: e.to_string(),
                }
            })?;
        if !ok {
            // The csv reader ends a quoted field at the end of input without complaint: a file
            // cut in the middle of a quoted cell leaves an odd number of quotes.
            if self.reader.get_ref().quotes % 2 == 1 {
                return Err(ReadError::Unclosed {
                    file: source.to_string(),
                    line: self.last_line,
                });
            }
            return Ok(None);
        }
        let mut line = self.record.position().map_or(0, |p| p.line() as usize);
        // csv stops after the CR of a CRLF: the next record is counted from the line before.
        if self.crlf && !self.first {
            line += 1;
        }
        self.first = false;
        self.last_line = line;
        let mut cells = Vec::with_capacity(self.record.len());
        for field in self.record.iter() {
            let text = std::str::from_utf8(field).map_err(|_| ReadError::BrokenUtf8 {
                file: source.to_string(),
                line,
            })?;
            if self.decoded && text.contains('\u{fffd}') {
                return Err(if self.utf16 {
                    ReadError::BrokenUtf16 {
                        file: source.to_string(),
                        line,
                    }
                } else {
                    ReadError::BadSingleByte {
                        file: source.to_string(),
                        line,
                    }
                });
            }
            // A text formula `="…"` (how nok writes codes) is read as its text.
            cells.push(match crate::exchange::csv::shown_literal(text) {
                Some(shown) => clean_cell(&shown),
                None => clean_cell(text),
            });
        }
        let row = Row { line, cells };
        check_cells(source, &row)?;
        Ok(Some(row))
    }
}

/// The format of the file's first lines, read by the whole-file reader (so its encoding
/// detection and delimiter sniffing apply). The head is cut at a line end; a cut inside a quoted
/// cell that spans lines is retried at an earlier line end.
fn sniff(source: &str, head: &[u8]) -> Result<Format, ReadError> {
    let utf16 = head.starts_with(b"\xFF\xFE")
        || head.starts_with(b"\xFE\xFF")
        || head.iter().take(64).any(|&b| b == 0);
    let mut end = head.len();
    for _ in 0..64 {
        let cut = last_line_end(&head[..end], utf16).unwrap_or(end);
        match super::read_bytes(source, &head[..cut]) {
            Ok(sheet) => return Ok(sheet.format),
            Err(ReadError::Unclosed { .. }) if cut > 0 => end = cut.saturating_sub(1),
            Err(e) => return Err(e),
        }
    }
    super::read_bytes(source, head).map(|s| s.format)
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
    memchr::memrchr(b'\n', bytes).map(|i| i + 1)
}

/// A reader that counts the double quotes and the bytes passing through it.
struct Counting {
    inner: Box<dyn Read>,
    quotes: u64,
    bytes: u64,
}

impl Read for Counting {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.quotes += memchr::memchr_iter(b'"', &out[..n]).count() as u64;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// `raw` as UTF-8 text: decoded as it is read when the sniffed `encoding` (a name as `sniff`
/// gives it) is Windows-1251 or UTF-16, as it is otherwise. `head` is the file's first bytes (its
/// BOM tells UTF-16's byte order). The survey reader uses it too.
pub(crate) fn utf8_reader(raw: Box<dyn Read>, encoding: &str, head: &[u8]) -> Box<dyn Read> {
    match encoding {
        "Windows-1251" => Box::new(Decoding::new(raw, WINDOWS_1251.new_decoder())),
        "UTF-16" if head.starts_with(b"\xFE\xFF") => {
            Box::new(Decoding::new(raw, UTF_16BE.new_decoder()))
        }
        "UTF-16 BE без BOM" => Box::new(Decoding::new(raw, UTF_16BE.new_decoder())),
        "UTF-16" | "UTF-16 LE без BOM" => Box::new(Decoding::new(raw, UTF_16LE.new_decoder())),
        // UTF-8: its BOM is dropped by the cell cleaner.
        _ => raw,
    }
}

/// A reader that decodes another reader's bytes to UTF-8 as they are read.
struct Decoding {
    inner: Box<dyn Read>,
    decoder: Decoder,
    input: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// The decoder has seen the end (it must not be called again: reads return 0).
    finished: bool,
}

impl Decoding {
    fn new(inner: Box<dyn Read>, decoder: Decoder) -> Decoding {
        Decoding {
            inner,
            decoder,
            input: vec![0; 1 << 16],
            start: 0,
            end: 0,
            eof: false,
            finished: false,
        }
    }
}

impl Read for Decoding {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        // A decoder needs room for at least one character (up to 4 bytes of UTF-8).
        if out.len() < 4 {
            let mut buf = [0u8; 4];
            let n = self.read(&mut buf)?;
            let n = n.min(out.len());
            out[..n].copy_from_slice(&buf[..n]);
            return Ok(n);
        }
        loop {
            if self.finished {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                self.start = 0;
                self.end = n;
                self.eof = n == 0;
            }
            let (result, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.input[self.start..self.end], out, self.eof);
            self.start += read;
            self.finished = self.eof && result == encoding_rs::CoderResult::InputEmpty;
            if written > 0 || self.finished {
                return Ok(written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(path: &Path) -> Result<Vec<Row>, ReadError> {
        let mut s = RowStream::open(path)?;
        let mut out = Vec::new();
        while let Some(r) = s.next_row()? {
            out.push(r);
        }
        Ok(out)
    }

    /// A CSV bigger than the sniffed head gives the same rows, with the same lines, streamed as
    /// read whole: quoted cells with the delimiter, a quote and a line break, CRLF, a BOM.
    #[test]
    fn a_streamed_csv_reads_as_the_whole_file_reader_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        let mut text = String::from("\u{feff}ИНН;Наименование;Адрес\r\n");
        let mut i = 0;
        while text.len() < HEAD_BYTES * 2 {
            text.push_str(&format!(
                "{:010};\"ГБУ \"\"Ромашка\"\"; №{i}\";\"ул. Садовая,\r\nд. {i}\"\r\n",
                i
            ));
            i += 1;
        }
        text.push_str("7700000000;=\"0012\";конец\r\n");
        std::fs::write(&path, &text).unwrap();
        let whole = super::super::read_file(&path).unwrap();
        let streamed = all(&path).unwrap();
        assert_eq!(whole.rows.len(), streamed.len());
        assert_eq!(whole.rows, streamed);
        assert_eq!(streamed[1].line, 2);
        assert_eq!(
            streamed[2].line, 4,
            "a cell over two lines moves the next row"
        );
        assert_eq!(streamed.last().unwrap().cells[1], "0012");
    }

    #[test]
    fn a_streamed_windows_1251_csv_is_decoded_and_an_open_quote_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cp.csv");
        let mut text = String::from("ИНН;Наименование\n");
        while text.len() < HEAD_BYTES * 2 {
            text.push_str("7700000000;Школа № 1\n");
        }
        let (bytes, _, _) = WINDOWS_1251.encode(&text);
        std::fs::write(&path, &bytes).unwrap();
        let rows = all(&path).unwrap();
        assert_eq!(rows[1].cells, ["7700000000", "Школа № 1"]);
        let mut cut = bytes.into_owned();
        cut.extend_from_slice(b"7700000000;\"open\n");
        std::fs::write(&path, &cut).unwrap();
        let e = all(&path).unwrap_err();
        assert!(matches!(e, ReadError::Unclosed { .. }), "{e:?}");
    }
}
