//! Rows of an import file one at a time ([`RowSource`]), so a table of a million organizations is
//! never held in memory.
//!
//! [`RowStream::open`] reads the file's first [`HEAD_BYTES`] with the whole-file reader
//! ([`super::read_bytes`]), so the encoding, the delimiter and the refusal of binary data are
//! decided exactly as for a file read whole; then:
//! - quoted CSV (`;`, `,`, `|`) is streamed through `csv`, decoding Windows-1251 and UTF-16 on the
//!   way with `encoding_rs`; the cells are cleaned and checked by the same rules
//!   ([`super::clean_cell`], [`super::check_cells`]), a `="…"` text formula is read as its text, and
//!   a quote left open at the end of the file refuses it, as the whole-file reader does. All of
//!   this runs on a reading thread of its own ([`CsvRows`]), so that on two cores reading the
//!   file overlaps what the caller does with its rows (an import's SQLite work): rows come
//!   through a bounded channel in batches of [`BATCH_ROWS`], at most [`BATCHES_IN_FLIGHT`] waiting,
//!   so memory does not grow with the file. A batch is the rows' cleaned text packed in one
//!   buffer ([`Packed`]); the caller's thread makes each row's cells from it, and the buffer goes
//!   back to the reading thread to be filled again, so no memory allocated on one thread is freed
//!   on the other (such frees made an earlier try cost more processor than it saved). An error
//!   comes after the rows before it, as the caller would have met it; the thread ends when the
//!   stream is dropped (its next hand-over fails), and a panic on it becomes an error of the file;
//!   a row's line is counted as the whole-file reader counts it (blank lines and CRLF included);
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

use std::cell::Cell;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::rc::Rc;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use encoding_rs::{Decoder, UTF_16BE, UTF_16LE, WINDOWS_1251};

use super::{Format, ReadError, Row, Sheet, XlsxRows, check_cells, clean_cell};

/// How much of the file's start is read to find its encoding and delimiter.
const HEAD_BYTES: usize = 256 * 1024;

/// CSV rows handed from the reading thread at a time.
const BATCH_ROWS: usize = 512;

/// Batches of CSV rows in flight between the reading thread and the caller.
const BATCHES_IN_FLIGHT: usize = 4;

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

/// The rows of a quoted CSV, read on their own thread ([`CsvParser`]).
struct CsvRows {
    source: String,
    messages: Receiver<Message>,
    /// Batches handed out, back to the reading thread to be filled again.
    emptied: Sender<Packed>,
    /// The batch being handed out, and the next row and cell in it.
    batch: Packed,
    row: usize,
    cell: usize,
    /// The file's bytes read when the batch being handed out was closed.
    done: u64,
    total: u64,
    /// Set when the thread has said its last: every later call answers the same (`Ok(None)`
    /// after the end, the error again after a quote left open).
    end: Option<Result<(), ReadError>>,
    /// The reading thread (joined only by tests: see [`CsvRows::stop`]).
    #[cfg_attr(not(test), allow(dead_code))]
    worker: Option<std::thread::JoinHandle<u64>>,
}

/// What the reading thread says: `Rows` any number of times, with `Failed` between them for a
/// row that cannot be read (the reading goes on after it, as the caller's next call would go on),
/// then one last `End`, or a `Failed` that ends the file (`again`: a quote left open at the end,
/// or a panic).
enum Message {
    /// Rows, and the file's bytes read by then.
    Rows(Packed, u64),
    Failed {
        error: ReadError,
        again: bool,
    },
    /// The end of the file, and its bytes read.
    End(u64),
}

/// Rows packed for the way between threads: the text of every cell one after another.
#[derive(Default)]
struct Packed {
    text: String,
    /// Where each cell's text ends in `text`.
    ends: Vec<usize>,
    /// Each row's line and number of cells.
    rows: Vec<(usize, usize)>,
}

impl Packed {
    fn push(&mut self, row: &Row) {
        for cell in &row.cells {
            self.text.push_str(cell);
            self.ends.push(self.text.len());
        }
        self.rows.push((row.line, row.cells.len()));
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.rows.clear();
    }
}

/// A CSV file opened and sniffed, for the reading thread to read.
struct Opened {
    file: File,
    /// The encoding's name as [`sniff`] gives it.
    encoding: &'static str,
    /// The file's first bytes.
    head: Vec<u8>,
    delimiter: u8,
}

/// The CSV reader proper: owned by the reading thread.
struct CsvParser {
    reader: csv::Reader<Counting>,
    record: csv::ByteRecord,
    /// The line of the last row read (for a quote left open at the end).
    last_line: usize,
    /// What the decoder cannot map leaves U+FFFD: a damaged file in that encoding.
    decoded: bool,
    utf16: bool,
    /// The file's bytes read so far (before decoding).
    bytes: Rc<Cell<u64>>,
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
        let opened = Opened {
            file: File::open(path).map_err(io)?,
            encoding,
            head,
            delimiter: delimiter as u8,
        };
        let rows = CsvRows::start(opened, &source, meta.len()).map_err(io)?;
        Ok(RowStream {
            source,
            format,
            inner: Inner::Csv(Box::new(rows)),
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
            Inner::Csv(csv) => csv.next_row()?,
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
            Inner::Csv(csv) => (csv.done.min(csv.total), csv.total.max(1)),
            Inner::Xlsx(xlsx) => xlsx.progress(),
        }
    }
}

impl CsvRows {
    /// Starts the reading thread on `parser`.
    fn start(opened: Opened, source: &str, total: u64) -> std::io::Result<CsvRows> {
        let (tx, rx) = sync_channel(BATCHES_IN_FLIGHT);
        let (emptied, refill) = channel();
        let name = source.to_string();
        let worker = std::thread::Builder::new()
            .name("nok-csv".into())
            .spawn(move || CsvParser::new(opened).run(&name, &tx, &refill))?;
        Ok(CsvRows {
            source: source.to_string(),
            messages: rx,
            emptied,
            batch: Packed::default(),
            row: 0,
            cell: 0,
            done: 0,
            total,
            end: None,
            worker: Some(worker),
        })
    }

    fn next_row(&mut self) -> Result<Option<Row>, ReadError> {
        loop {
            if let Some(row) = self.unpack() {
                return Ok(Some(row));
            }
            if let Some(end) = &self.end {
                return end.clone().map(|()| None);
            }
            match self.messages.recv() {
                Ok(Message::Rows(rows, done)) => {
                    let emptied = std::mem::replace(&mut self.batch, rows);
                    // The thread may have ended (a quote left open after this batch).
                    let _ = self.emptied.send(emptied);
                    self.row = 0;
                    self.cell = 0;
                    self.done = done;
                }
                Ok(Message::End(done)) => {
                    self.done = done;
                    self.end = Some(Ok(()));
                }
                Ok(Message::Failed { error, again }) => {
                    if again {
                        self.end = Some(Err(error.clone()));
                    }
                    return Err(error);
                }
                // The thread ended without saying so: a panic that escaped its guard.
                Err(_) => {
                    let error = broken(&self.source);
                    self.end = Some(Err(error.clone()));
                    return Err(error);
                }
            }
        }
    }

    /// The next row of the batch being handed out, its cells made on this thread.
    fn unpack(&mut self) -> Option<Row> {
        let &(line, count) = self.batch.rows.get(self.row)?;
        self.row += 1;
        let mut start = match self.cell {
            0 => 0,
            i => self.batch.ends[i - 1],
        };
        let ends = &self.batch.ends[self.cell..self.cell + count];
        self.cell += count;
        let mut cells = Vec::with_capacity(count);
        for &end in ends {
            cells.push(self.batch.text[start..end].to_string());
            start = end;
        }
        Some(Row { line, cells })
    }

    /// Drops the channel and waits for the reading thread to end, giving the file's bytes it
    /// had read (a test's check that a stream dropped early does not leave the thread running).
    #[cfg(test)]
    fn stop(mut self) -> std::thread::Result<u64> {
        let worker = self.worker.take();
        drop(self);
        worker.map_or(Ok(0), |w| w.join())
    }
}

/// The error of a reading thread that failed on its own (a defect, not the file's fault).
fn broken(source: &str) -> ReadError {
    ReadError::Io {
        file: source.to_string(),
        detail: "чтение прервано внутренней ошибкой программы".to_string(),
    }
}

impl CsvParser {
    fn new(opened: Opened) -> CsvParser {
        let bytes = Rc::new(Cell::new(0));
        let raw: Box<dyn Read> = Box::new(Tally {
            inner: BufReader::with_capacity(1 << 16, opened.file),
            bytes: Rc::clone(&bytes),
        });
        let input = utf8_reader(raw, opened.encoding, &opened.head);
        let reader = csv::ReaderBuilder::new()
            .delimiter(opened.delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(Counting::new(input));
        CsvParser {
            reader,
            record: csv::ByteRecord::new(),
            last_line: 1,
            decoded: opened.encoding != "UTF-8",
            utf16: opened.encoding.starts_with("UTF-16"),
            bytes,
        }
    }

    /// The reading thread: reads the rows and sends them in batches, each error after the rows
    /// before it. Stops quietly when the stream is gone.
    /// Returns the file's bytes read when it stopped.
    fn run(mut self, source: &str, tx: &SyncSender<Message>, refill: &Receiver<Packed>) -> u64 {
        // The file is untrusted; a panic reading it must not take the program down.
        // Outside the guard: the rows read before a panic are still handed on (a row is packed
        // whole, after it is read).
        let mut batch = Packed::default();
        let guarded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut row = Row {
                line: 0,
                cells: Vec::new(),
            };
            loop {
                let read = self.next_row(source, &mut row);
                if let Ok(Some(())) = read {
                    batch.push(&row);
                    if batch.rows.len() < BATCH_ROWS {
                        continue;
                    }
                }
                if !batch.rows.is_empty() {
                    // A batch the caller has emptied, or a new one while none has come back.
                    let mut next = refill.try_recv().unwrap_or_default();
                    next.clear();
                    let full = std::mem::replace(&mut batch, next);
                    if tx.send(Message::Rows(full, self.read_bytes())).is_err() {
                        return;
                    }
                }
                match read {
                    Ok(Some(_)) => {}
                    Ok(None) => {
                        let _ = tx.send(Message::End(self.read_bytes()));
                        return;
                    }
                    Err(error) => {
                        let again = matches!(error, ReadError::Unclosed { .. });
                        if tx.send(Message::Failed { error, again }).is_err() || again {
                            return;
                        }
                    }
                }
            }
        }));
        if guarded.is_err() {
            if !batch.rows.is_empty() && tx.send(Message::Rows(batch, self.read_bytes())).is_err() {
                return self.read_bytes();
            }
            let _ = tx.send(Message::Failed {
                error: broken(source),
                again: true,
            });
        }
        self.read_bytes()
    }

    /// The file's bytes read so far.
    fn read_bytes(&self) -> u64 {
        self.bytes.get()
    }

    /// Reads the next row into `row`; `None` at the end.
    fn next_row(&mut self, source: &str, row: &mut Row) -> Result<Option<()>, ReadError> {
        // A defect in the reader, for the test that the caller gets an error, not a hang.
        #[cfg(test)]
        if source.ends_with("panic-in-reader.csv") && self.last_line > 5_000 {
            panic!("a defect in the reader (test)");
        }
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
        let start = self.record.position().map_or(0, |p| p.byte());
        let line = self.reader.get_mut().line_at(start);
        self.last_line = line;
        row.line = line;
        row.cells.clear();
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
            row.cells
                .push(match crate::exchange::csv::shown_literal(text) {
                    Some(shown) => clean_cell(&shown),
                    None => clean_cell(text),
                });
        }
        check_cells(source, row)?;
        Ok(Some(()))
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

/// The reader under csv: counts the double quotes passing through it and keeps where the line
/// breaks are that no row read has passed yet, so that a row's line is counted as the whole-file
/// reader counts it ([`Counting::line_at`]; csv counts lines its own way). The survey reader
/// uses it too.
pub(crate) struct Counting {
    inner: Box<dyn Read>,
    quotes: u64,
    /// Bytes passed so far.
    at: u64,
    /// Each CR and LF passed and not yet placed before a row: (offset, whether LF).
    breaks: VecDeque<(u64, bool)>,
    /// The first byte of the last row placed (in the text as decoded), and its line.
    cursor: u64,
    line: usize,
}

impl Counting {
    pub(crate) fn new(inner: Box<dyn Read>) -> Counting {
        Counting {
            inner,
            quotes: 0,
            at: 0,
            breaks: VecDeque::new(),
            cursor: 0,
            line: 1,
        }
    }

    /// The line of a row that csv says starts at `start` (where its reading started: after the
    /// previous row's CR, the LF and any blank lines are still before it), counted as the
    /// whole-file reader counts it: the line of the row's first byte that is not a line break.
    pub(crate) fn line_at(&mut self, start: u64) -> usize {
        let mut start = start.max(self.cursor);
        while let Some(&(at, lf)) = self.breaks.front() {
            if at > start {
                break;
            }
            if at == start {
                start += 1;
            }
            self.line += usize::from(lf);
            self.breaks.pop_front();
        }
        self.cursor = start;
        self.line
    }
}

impl Read for Counting {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        let passed = &out[..n];
        self.quotes += memchr::memchr_iter(b'"', passed).count() as u64;
        for i in memchr::memchr2_iter(b'\r', b'\n', passed) {
            self.breaks
                .push_back((self.at + i as u64, passed[i] == b'\n'));
        }
        self.at += n as u64;
        Ok(n)
    }
}

/// A reader that tells, as it is read, how many bytes of the file have passed (before any
/// decoding, so the progress of a Windows-1251 or UTF-16 file ends at its length).
struct Tally {
    inner: BufReader<File>,
    bytes: Rc<Cell<u64>>,
}

impl Read for Tally {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.bytes.set(self.bytes.get() + n as u64);
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

    /// A small deterministic generator of test data (xorshift).
    struct Dice(u64);

    impl Dice {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    /// A CSV text of more than `HEAD_BYTES * min_heads` bytes whose rows mix plain cells, cells
    /// quoted for a delimiter, a doubled quote or a line break, `="…"` formulas and empty cells.
    fn generated(dice: &mut Dice, min_heads: usize, eol: &str) -> String {
        let mut text = format!("ИНН;Наименование;Адрес;Код{eol}");
        let target = HEAD_BYTES * min_heads + dice.below(HEAD_BYTES as u64) as usize;
        let mut i = 0u64;
        while text.len() < target {
            let cells = 1 + dice.below(5);
            for c in 0..cells {
                if c > 0 {
                    text.push(';');
                }
                match dice.below(7) {
                    0 => text.push_str(&format!("{:010}", 7_700_000_000 + i)),
                    1 => text.push_str(&format!("\"ГБУ \"\"Ромашка\"\"; № {i}\"")),
                    2 => text.push_str(&format!("\"ул. Садовая,{eol}д. {i}\"")),
                    3 => text.push_str(&format!("=\"{:04}\"", i % 10_000)),
                    4 => text.push_str("\"\""),
                    5 => text.push_str("  Школа № 1 «Ёлка»  "),
                    _ => text.push_str(&format!("строка {i}")),
                }
            }
            text.push_str(eol);
            if dice.below(20) == 0 {
                // A blank line (no row; the next row's line moves on).
                text.push_str(eol);
            }
            i += 1;
        }
        text
    }

    /// Every row a stream gives, and the error it stops on (if any).
    fn streamed(path: &Path) -> (Vec<Row>, Option<ReadError>) {
        let mut rows = Vec::new();
        let mut s = match RowStream::open(path) {
            Ok(s) => s,
            Err(e) => return (rows, Some(e)),
        };
        assert!(matches!(s.inner, Inner::Csv(_)), "read on the thread");
        let mut last = (0, 0);
        loop {
            let at = s.progress();
            assert!(
                at.0 >= last.0 && at.0 <= at.1,
                "progress {at:?} after {last:?}"
            );
            last = at;
            match s.next_row() {
                Ok(Some(r)) => rows.push(r),
                Ok(None) => {
                    let len = std::fs::metadata(path).unwrap().len();
                    assert_eq!(s.progress(), (len, len), "all the file read at the end");
                    assert!(s.next_row().unwrap().is_none(), "the end stays the end");
                    return (rows, None);
                }
                Err(e) => return (rows, Some(e)),
            }
        }
    }

    /// The rows are equal (the first that differs named, not thousands printed).
    fn same_rows(streamed: &[Row], whole: &[Row], round: usize) {
        let differs = streamed.iter().zip(whole).position(|(a, b)| a != b);
        if let Some(i) = differs {
            panic!(
                "round {round}, row {i}: streamed {:?}, whole {:?}",
                streamed[i], whole[i]
            );
        }
        assert_eq!(streamed.len(), whole.len(), "round {round}: rows");
    }

    /// The threaded reader gives what the whole-file reader gives (rows, lines, the error) on
    /// generated files: UTF-8 with a BOM and CRLF, Windows-1251 with LF, UTF-16 LE; and with a
    /// quote left open at the end, the same refusal after every row before it.
    #[test]
    fn the_reading_thread_gives_the_whole_file_readers_rows_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gen.csv");
        let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
        for round in 0..9 {
            let eol = if round % 2 == 0 { "\r\n" } else { "\n" };
            let mut text = generated(&mut dice, 1 + round % 3, eol);
            let open_at_end = round % 3 == 2;
            if open_at_end {
                text.push_str(&format!("7700000000;\"не закрыта{eol}ГБУ"));
            }
            let bytes: Vec<u8> = match round % 3 {
                0 => format!("\u{feff}{text}").into_bytes(),
                1 => WINDOWS_1251.encode(&text).0.into_owned(),
                _ => {
                    let mut b = vec![0xFF, 0xFE];
                    b.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
                    b
                }
            };
            std::fs::write(&path, &bytes).unwrap();
            let whole = super::super::read_file(&path);
            let (rows, error) = streamed(&path);
            match whole {
                Ok(sheet) => {
                    assert_eq!(error, None, "round {round}");
                    same_rows(&rows, &sheet.rows, round);
                }
                Err(e) => {
                    assert!(open_at_end, "round {round}: {e:?}");
                    assert!(matches!(e, ReadError::Unclosed { .. }), "{e:?}");
                    assert_eq!(error, Some(e.clone()), "round {round}");
                    // The rows before the refusal are those of the file without its open tail.
                    let cut = text.rfind("7700000000;\"не закрыта").unwrap();
                    let before = match round % 3 {
                        0 => format!("\u{feff}{}", &text[..cut]).into_bytes(),
                        1 => WINDOWS_1251.encode(&text[..cut]).0.into_owned(),
                        _ => {
                            let mut b = vec![0xFF, 0xFE];
                            b.extend(text[..cut].encode_utf16().flat_map(|u| u.to_le_bytes()));
                            b
                        }
                    };
                    std::fs::write(&path, &before).unwrap();
                    let sheet = super::super::read_file(&path).unwrap();
                    // The open row itself came last, read to the end of the file.
                    let open_line = text[..cut].matches('\n').count() + 1;
                    assert_eq!(rows.last().unwrap().line, open_line, "round {round}");
                    same_rows(&rows[..rows.len() - 1], &sheet.rows, round);
                    assert!(
                        matches!(e, ReadError::Unclosed { line, .. } if line == open_line),
                        "round {round}: {e:?}"
                    );
                }
            }
        }
    }

    /// A control character in a row far into the file: the rows before it come, then the same
    /// error as the whole-file reader's, and the rows after it still come on the next calls.
    #[test]
    fn an_unreadable_row_comes_after_the_rows_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ctl.csv");
        let mut text = String::from("ИНН;Наименование\n");
        let mut n = 0;
        while text.len() < HEAD_BYTES * 2 {
            text.push_str(&format!("{:010};Школа № {n}\n", 7_700_000_000u64 + n));
            n += 1;
        }
        text.push_str("7700000000;Школа\u{7}звонок\n7700000001;после\n");
        std::fs::write(&path, &text).unwrap();
        let expected = super::super::read_file(&path).unwrap_err();
        let mut s = RowStream::open(&path).unwrap();
        for i in 0..=n {
            let row = s.next_row().unwrap().unwrap();
            assert_eq!(row.line, i as usize + 1);
        }
        assert_eq!(s.next_row().unwrap_err(), expected);
        assert!(
            matches!(expected, ReadError::ControlChar { line, .. } if line == n as usize + 2),
            "{expected:?}"
        );
        let after = s.next_row().unwrap().unwrap();
        assert_eq!(after.cells, ["7700000001", "после"]);
        assert!(s.next_row().unwrap().is_none());
    }

    /// A panic on the reading thread: the rows before it come, then an error of the file, and
    /// the same error again on the next call.
    #[test]
    fn a_panic_on_the_reading_thread_is_an_error_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("panic-in-reader.csv");
        let mut text = String::from("ИНН;Наименование\n");
        for i in 0..20_000u64 {
            text.push_str(&format!("{:010};Школа № {i}\n", 7_700_000_000 + i));
        }
        std::fs::write(&path, &text).unwrap();
        let mut s = RowStream::open(&path).unwrap();
        let mut rows = 0;
        let e = loop {
            match s.next_row() {
                Ok(Some(_)) => rows += 1,
                Ok(None) => panic!("read to the end past the panic"),
                Err(e) => break e,
            }
        };
        // The panic comes on reading the row after line 5 001.
        assert_eq!(rows, 5_001);
        assert!(
            matches!(&e, ReadError::Io { detail, .. } if detail.contains("внутренней ошибкой")),
            "{e:?}"
        );
        assert_eq!(s.next_row().unwrap_err(), e);
    }

    /// A stream dropped after its first row (an import stopped by an error row, Esc) ends its
    /// reading thread: the test finishing is the check.
    #[test]
    fn a_stream_dropped_early_ends_its_reading_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        let mut text = String::from("ИНН;Наименование\n");
        for i in 0..200_000u64 {
            text.push_str(&format!("{:010};Школа № {i}\n", 7_700_000_000 + i));
        }
        std::fs::write(&path, &text).unwrap();
        let mut s = RowStream::open(&path).unwrap();
        assert_eq!(
            s.next_row().unwrap().unwrap().cells,
            ["ИНН", "Наименование"]
        );
        let (done, total) = s.progress();
        assert!(done < total, "not read to the end yet: {done} of {total}");
        let Inner::Csv(rows) = s.inner else {
            panic!("read on the thread")
        };
        let read = rows.stop().unwrap();
        assert!(
            read < total / 2,
            "the thread stopped when dropped, not at the end: {read} of {total}"
        );
        // And dropped without a join: nothing waits on it.
        let mut s = RowStream::open(&path).unwrap();
        s.next_row().unwrap();
        drop(s);
    }
}
