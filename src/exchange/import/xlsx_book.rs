//! The parts of an xlsx book read as streams straight from its zip archive: which sheets it has
//! and where (`_rels/.rels` → the workbook part → its relationships), the number formats of its
//! cell styles (`styles.xml`: which ones are dates), the shared-strings table (spilled to disk,
//! [`super::xlsx_strings`]) and the cells of one worksheet, one at a time, as nok's cell text.
//!
//! In memory stay the names of the archive's parts, the list of sheets, one format kind per cell
//! style and the shared strings' sparse index (8 bytes per 64 strings) and cache: nothing grows
//! with the rows of the sheet, and the strings only by that index. Cell values are read as
//! calamine 0.38 reads them (same date formats, same 1904 date system, same rich-text and
//! `_xHHHH_` handling), and turned into text by [`super::xlsx_cell::cell_text`], so a book reads the
//! same as it did through calamine.
//!
//! A forged archive cannot make the reader fill memory or the temporary folder: every part is
//! read through [`Guarded`], which stops at 16 MB of XML without a `<` (one event of quick-xml)
//! and, for the parts other than worksheets (the shared strings above all, which go to disk),
//! at 100 times the part's packed size (16 MB at least for the shared strings, 64 MB for the
//! others); one string stops at 8 MB.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Seek};

use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
use quick_xml::Reader as XmlReader;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;
use zip::read::ZipFile;

use super::clean_cell;
use super::xlsx_cell::{cell_text, column_name};
use super::xlsx_strings::{SharedStrings, SharedStringsWriter};

/// What a cell style's number format makes of a number.
#[derive(Debug, Clone, Copy, PartialEq)]
enum NumberKind {
    Other,
    DateTime,
    Duration,
}

/// A sheet of the book, in the workbook's order.
pub(super) struct SheetEntry {
    pub(super) name: String,
    /// The worksheet's part in the archive; `None` for a chart or dialog sheet (no cells).
    pub(super) part: Option<String>,
}

/// An xlsx book opened for reading (see the module's comment).
pub(super) struct Book<RS: Read + Seek> {
    zip: ZipArchive<RS>,
    /// The archive's part names by their lower-case form (Excel matches them so).
    parts: HashMap<String, String>,
    pub(super) sheets: Vec<SheetEntry>,
    /// The number format kind of each cell style (`cellXfs`), by style number.
    formats: Vec<NumberKind>,
    is_1904: bool,
    strings: SharedStrings,
}

type Part<'a, RS> = XmlReader<BufReader<Guarded<ZipFile<'a, RS>>>>;

/// Most bytes of XML between two `<` (the longest text, tag or attribute quick-xml would hold
/// as one event). A cell holds at most 32,767 characters in Excel: about 640 KB escaped.
const MAX_XML_RUN: u64 = 16 << 20;

/// A part other than a worksheet may unpack to this many times its packed size, or to its floor,
/// whichever is more. Text packs 3–10 times, the shared strings (each text once) less; only a
/// forged archive (a «zip bomb») packs near deflate's limit of about 1,000. The floor of the
/// shared strings ([`STRINGS_FLOOR`]) is lower than that of the other parts ([`PART_FLOOR`]): a
/// styles part of 64,000 identical cell formats (Excel's limit; a known bloat of old books) packs
/// like a bomb, but stays under 16 MB. Worksheets are read as streams and keep nothing, so only
/// [`MAX_XML_RUN`] bounds them.
const PART_RATIO: u64 = 100;
const PART_FLOOR: u64 = 64 << 20;
const STRINGS_FLOOR: u64 = 16 << 20;

/// How much a part may unpack to (see [`PART_RATIO`]).
#[derive(Clone, Copy, PartialEq)]
enum Budget {
    /// A worksheet: no budget.
    Sheet,
    /// The shared strings: [`STRINGS_FLOOR`] at least.
    Strings,
    /// Any other part: [`PART_FLOOR`] at least.
    Other,
}

/// Most bytes of one string (a shared string or a cell's inline text).
const MAX_STRING: usize = 8 << 20;

/// What about a part was too big to read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Oversized {
    /// The part unpacks to more than its budget (see [`PART_RATIO`]).
    Part { packed: u64 },
    /// Over [`MAX_XML_RUN`] bytes without a `<`.
    Run,
    /// One string over [`MAX_STRING`] bytes.
    String,
}

impl std::fmt::Display for Oversized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oversized part")
    }
}

impl std::error::Error for Oversized {}

impl Oversized {
    fn error(self) -> quick_xml::Error {
        quick_xml::Error::Io(std::sync::Arc::new(std::io::Error::other(self)))
    }

    /// The limit a reading error stands for, if it is one of these.
    fn of(e: &quick_xml::Error) -> Option<Oversized> {
        match e {
            quick_xml::Error::Io(io) => io.get_ref()?.downcast_ref::<Oversized>().copied(),
            _ => None,
        }
    }

    /// What to tell the user about `part`.
    fn message(self, part: &str) -> String {
        match self {
            Oversized::Part { packed } => format!(
                "часть {part} книги распаковывается больше чем в {PART_RATIO} раз \
                 (сжатая — {packed} байт): так сжимаются только поддельные архивы («zip-бомбы»), \
                 чтение остановлено; если книга настоящая, откройте ее в Excel, сохраните заново \
                 и сообщите разработчикам"
            ),
            Oversized::Run => format!(
                "в части {part} книги больше {} МБ текста подряд без разметки — столько не \
                 вмещает ни одна ячейка (файл поврежден или подделан); откройте книгу в Excel и \
                 сохраните ее заново",
                MAX_XML_RUN >> 20
            ),
            Oversized::String => format!(
                "в части {part} книги строка длиннее {} МБ — столько не вмещает ни одна ячейка \
                 (в Excel до 32 767 знаков); сократите ее и сохраните книгу заново",
                MAX_STRING >> 20
            ),
        }
    }
}

/// A part read through the limits above: the bytes unpacked so far against the part's budget
/// (`None`: a worksheet, no budget), and the bytes since the last `<`.
struct Guarded<R> {
    inner: R,
    packed: u64,
    left: Option<u64>,
    run: u64,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = &buf[..n];
        if let Some(left) = &mut self.left {
            *left = left.checked_sub(n as u64).ok_or_else(|| {
                std::io::Error::other(Oversized::Part {
                    packed: self.packed,
                })
            })?;
        }
        self.run = match got.iter().rposition(|&b| b == b'<') {
            Some(i) => (n - 1 - i) as u64,
            None => self.run + n as u64,
        };
        if self.run > MAX_XML_RUN {
            return Err(std::io::Error::other(Oversized::Run));
        }
        Ok(n)
    }
}

/// A part's relationships: id → (the target part, the type's last word).
type Relationships = HashMap<String, (String, String)>;

const BROKEN_XML: &str = "XML внутри книги поврежден";

fn missing_part(path: &str) -> String {
    format!(
        "в книге нет обязательной части {path} (файл поврежден или это не xlsx); откройте \
         его в Excel и сохраните заново"
    )
}

fn xml_error(part: &str, e: &quick_xml::Error) -> String {
    if let Some(o) = Oversized::of(e) {
        return o.message(part);
    }
    format!("{BROKEN_XML} (часть {part}); откройте книгу в Excel и сохраните ее заново")
}

/// Opens `path` of the archive as XML, read through [`Guarded`] with `budget`; `Ok(None)` when
/// there is no such part.
fn open_part<'a, RS: Read + Seek>(
    zip: &'a mut ZipArchive<RS>,
    parts: &HashMap<String, String>,
    path: &str,
    budget: Budget,
) -> Result<Option<Part<'a, RS>>, String> {
    let Some(name) = parts.get(&path.to_ascii_lowercase()) else {
        return Ok(None);
    };
    match zip.by_name(name) {
        Ok(f) => {
            let packed = f.compressed_size();
            let floor = match budget {
                Budget::Sheet => None,
                Budget::Strings => Some(STRINGS_FLOOR),
                Budget::Other => Some(PART_FLOOR),
            };
            let left = floor.map(|f| packed.saturating_mul(PART_RATIO).max(f));
            let guarded = Guarded {
                inner: f,
                packed,
                left,
                run: 0,
            };
            let mut r = XmlReader::from_reader(BufReader::with_capacity(1 << 16, guarded));
            let config = r.config_mut();
            config.check_end_names = false;
            config.trim_text(false);
            config.check_comments = false;
            config.expand_empty_elements = true;
            Ok(Some(r))
        }
        Err(zip::result::ZipError::FileNotFound) => Ok(None),
        Err(_) => Err(format!(
            "часть {path} архива книги повреждена (файл поврежден или это не xlsx); откройте \
             его в Excel и сохраните заново"
        )),
    }
}

/// An attribute's value by its local name (`r:id` is found as `id`), entities resolved.
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        if a.key.local_name().as_ref() == name {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        } else {
            None
        }
    })
}

/// The folder of a part (`xl/` of `xl/workbook.xml`), with its slash.
fn folder(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    }
}

/// A relationship's target as a part name: absolute (`/xl/…`) or relative to `base` (a folder),
/// `..` and `.` resolved, backslashes as slashes.
fn resolve(base: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let joined = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("{base}{target}"),
    };
    let mut out: Vec<&str> = Vec::new();
    for piece in joined.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out.join("/")
}

/// Reads the relationships part `path`: id → (target part, the type's last word).
fn relationships<RS: Read + Seek>(
    zip: &mut ZipArchive<RS>,
    parts: &HashMap<String, String>,
    path: &str,
    base: &str,
) -> Result<Option<Relationships>, String> {
    let Some(mut xml) = open_part(zip, parts, path, Budget::Other)? else {
        return Ok(None);
    };
    let mut found = HashMap::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "Relationship" => {
                if let Some(id) = attr(&e, "Id") {
                    let target = attr(&e, "Target").unwrap_or_default();
                    let kind = attr(&e, "Type").unwrap_or_default();
                    let kind = kind.rsplit('/').next().unwrap_or_default().to_string();
                    found.insert(id, (resolve(base, &target), kind));
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(xml_error(path, &e)),
            _ => {}
        }
    }
    Ok(Some(found))
}

impl<RS: Read + Seek> Book<RS> {
    /// Opens the book: its sheets, styles and shared strings. `Ok(None)`: not an xlsx (no zip
    /// archive, or no XML workbook part in it: xlsb, ods), to be read by calamine.
    pub(super) fn open(reader: RS) -> Result<Option<Book<RS>>, String> {
        let Ok(mut zip) = ZipArchive::new(reader) else {
            return Ok(None);
        };
        let parts: HashMap<String, String> = zip
            .file_names()
            .flatten()
            .map(|n| (n.replace('\\', "/").to_ascii_lowercase(), n.into_owned()))
            .collect();
        let root = relationships(&mut zip, &parts, "_rels/.rels", "")?.unwrap_or_default();
        let workbook = root
            .values()
            .find(|(_, kind)| kind == "officeDocument")
            .map(|(target, _)| target.clone())
            .unwrap_or_else(|| "xl/workbook.xml".to_string());
        if !workbook.to_ascii_lowercase().ends_with(".xml")
            || !parts.contains_key(&workbook.to_ascii_lowercase())
        {
            return Ok(None);
        }
        let base = folder(&workbook).to_string();
        let rels_path = format!("{base}_rels/{}.rels", &workbook[base.len()..]);
        let rels = relationships(&mut zip, &parts, &rels_path, &base)?
            .ok_or_else(|| missing_part(&rels_path))?;
        let (sheets, is_1904) = read_workbook(&mut zip, &parts, &workbook, &rels)?;
        let part_of = |kind: &str, default: &str| {
            rels.values()
                .find(|(_, k)| k == kind)
                .map(|(target, _)| target.clone())
                .unwrap_or_else(|| format!("{base}{default}"))
        };
        let formats = read_styles(&mut zip, &parts, &part_of("styles", "styles.xml"))?;
        let strings = read_shared_strings(
            &mut zip,
            &parts,
            &part_of("sharedStrings", "sharedStrings.xml"),
        )?;
        Ok(Some(Book {
            zip,
            parts,
            sheets,
            formats,
            is_1904,
            strings,
        }))
    }

    /// The cells of sheet `index` (of [`Book::sheets`]), read as the part is inflated; `shown`
    /// names the sheet in messages. `Ok(None)`: not a worksheet.
    pub(super) fn cells(
        &mut self,
        index: usize,
        shown: &str,
    ) -> Result<Option<SheetCells<'_, RS>>, String> {
        let Some(path) = self.sheets.get(index).and_then(|s| s.part.clone()) else {
            return Ok(None);
        };
        let xml =
            open_part(&mut self.zip, &self.parts, &path, Budget::Sheet)?.ok_or_else(|| {
                format!(
                    "в книге нет данных листа «{shown}» (части {path}); файл поврежден — откройте \
                 его в Excel и сохраните заново"
                )
            })?;
        Ok(Some(SheetCells {
            xml,
            part: path,
            shown: shown.to_string(),
            strings: &mut self.strings,
            formats: &self.formats,
            is_1904: self.is_1904,
            row: 0,
            col: 0,
            in_data: false,
            buf: Vec::new(),
            inner: Vec::new(),
            value: String::new(),
        }))
    }
}

/// The sheets of the workbook part and whether it counts dates from 1904.
fn read_workbook<RS: Read + Seek>(
    zip: &mut ZipArchive<RS>,
    parts: &HashMap<String, String>,
    path: &str,
    rels: &Relationships,
) -> Result<(Vec<SheetEntry>, bool), String> {
    let mut xml = open_part(zip, parts, path, Budget::Other)?.ok_or_else(|| missing_part(path))?;
    let mut sheets = Vec::new();
    let mut is_1904 = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "sheet" => {
                let name = attr(&e, "name").unwrap_or_default();
                let id = attr(&e, "id").unwrap_or_default();
                let Some((target, kind)) = rels.get(&id) else {
                    return Err(format!(
                        "в книге у листа «{}» нет связи с его данными; файл поврежден — \
                         откройте его в Excel и сохраните заново",
                        crate::domain::text::printable(&name)
                    ));
                };
                let part = (kind == "worksheet").then(|| target.clone());
                sheets.push(SheetEntry { name, part });
            }
            Ok(Event::Start(e)) if e.local_name().as_ref() == "workbookPr" => {
                if let Some(v) = attr(&e, "date1904") {
                    is_1904 = v == "1" || v == "true";
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(xml_error(path, &e)),
            _ => {}
        }
    }
    Ok((sheets, is_1904))
}

/// The number format kind of every cell style (`cellXfs`) of the styles part.
fn read_styles<RS: Read + Seek>(
    zip: &mut ZipArchive<RS>,
    parts: &HashMap<String, String>,
    path: &str,
) -> Result<Vec<NumberKind>, String> {
    let Some(mut xml) = open_part(zip, parts, path, Budget::Other)? else {
        return Ok(Vec::new());
    };
    let mut custom: HashMap<String, String> = HashMap::new();
    let mut formats = Vec::new();
    let mut in_cell_xfs = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "numFmt" => {
                    if let (Some(id), Some(code)) = (attr(&e, "numFmtId"), attr(&e, "formatCode")) {
                        custom.insert(id, code);
                    }
                }
                "cellXfs" => in_cell_xfs = true,
                "xf" if in_cell_xfs => formats.push(match attr(&e, "numFmtId") {
                    None => NumberKind::Other,
                    Some(id) => match custom.get(&id) {
                        Some(code) => custom_format_kind(code),
                        None => builtin_format_kind(&id),
                    },
                }),
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == "cellXfs" => in_cell_xfs = false,
            Ok(Event::Eof) => break,
            Err(e) => return Err(xml_error(path, &e)),
            _ => {}
        }
    }
    Ok(formats)
}

/// Reads the shared-strings part into a table on disk (an empty one when there is no part).
fn read_shared_strings<RS: Read + Seek>(
    zip: &mut ZipArchive<RS>,
    parts: &HashMap<String, String>,
    path: &str,
) -> Result<SharedStrings, String> {
    let Some(mut xml) = open_part(zip, parts, path, Budget::Strings)? else {
        return Ok(SharedStrings::empty());
    };
    let spill = |e: std::io::Error| {
        format!(
            "не удалось записать общую таблицу строк книги во временный файл ({}); освободите \
             место во временной папке",
            crate::domain::io_error::describe(&e)
        )
    };
    let mut out = SharedStringsWriter::new();
    let (mut buf, mut inner, mut text) = (Vec::new(), Vec::new(), String::new());
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "si" => {
                text.clear();
                read_rich(&mut xml, "si", &mut inner, &mut text)
                    .map_err(|e| xml_error(path, &e))?;
                out.push(&text).map_err(spill)?;
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "sst" => break,
            // Cut short: the strings after the cut would be missing.
            Ok(Event::Eof) => return Err(xml_error(path, &unexpected_end())),
            Err(e) => return Err(xml_error(path, &e)),
            _ => {}
        }
    }
    out.finish().map_err(spill)
}

/// Appends an entity reference (`&amp;`, `&#x41;`) to `out`.
fn push_entity(e: &quick_xml::events::BytesRef<'_>, out: &mut String) -> quick_xml::Result<()> {
    let name = e.xml10_content();
    if let Some(s) = quick_xml::escape::resolve_xml_entity(&name) {
        out.push_str(s);
        return Ok(());
    }
    if let Some(c) = e.resolve_char_ref()? {
        out.push(c);
        return Ok(());
    }
    Err(quick_xml::Error::Escape(
        quick_xml::escape::EscapeError::UnrecognizedEntity(0..0, format!("&{name};")),
    ))
}

/// Reads the text of the element just started, to its end, into `out` (elements inside it are
/// read through).
fn read_text<R: BufRead>(
    xml: &mut XmlReader<R>,
    buf: &mut Vec<u8>,
    out: &mut String,
) -> quick_xml::Result<()> {
    let mut depth = 0usize;
    loop {
        if out.len() > MAX_STRING {
            return Err(Oversized::String.error());
        }
        buf.clear();
        match xml.read_event_into(buf)? {
            Event::Text(t) => out.push_str(&t.xml10_content()),
            Event::CData(t) => out.push_str(&t.xml10_content()),
            Event::GeneralRef(e) => push_entity(&e, out)?,
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => return Ok(()),
            Event::End(_) => depth -= 1,
            Event::Eof => return Err(unexpected_end()),
            _ => {}
        }
    }
}

fn unexpected_end() -> quick_xml::Error {
    quick_xml::Error::Syntax(quick_xml::errors::SyntaxError::UnclosedTag)
}

/// Reads a string element (`<si>` of the shared strings, `<is>` of an inline string) to its end
/// `closing` into `out`: its `<t>`, or the `<t>` of each rich-text run `<r>` one after another;
/// phonetic runs (`<rPh>`) left out; a `<t>` without `xml:space="preserve"` trimmed of ASCII
/// white space; Excel's `_xHHHH_` escapes decoded. As calamine reads them.
fn read_rich<R: BufRead>(
    xml: &mut XmlReader<R>,
    closing: &str,
    buf: &mut Vec<u8>,
    out: &mut String,
) -> quick_xml::Result<()> {
    let mut phonetic = false;
    let mut piece = String::new();
    loop {
        buf.clear();
        match xml.read_event_into(buf)? {
            Event::Start(e) if e.local_name().as_ref() == "rPh" => phonetic = true,
            Event::End(e) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Event::Start(e) if e.local_name().as_ref() == "t" && !phonetic => {
                let preserve = attr(&e, "space").is_some_and(|v| v == "preserve");
                piece.clear();
                read_text(xml, buf, &mut piece)?;
                let piece = if preserve {
                    piece.as_str()
                } else {
                    piece.trim_matches([' ', '\t', '\r', '\n'])
                };
                out.push_str(&unescape_excel(piece));
                if out.len() > MAX_STRING {
                    return Err(Oversized::String.error());
                }
            }
            Event::End(e) if e.local_name().as_ref() == closing => return Ok(()),
            Event::Eof => return Err(unexpected_end()),
            _ => {}
        }
    }
}

/// Decodes Excel's escapes of characters XML cannot hold: `_x000D_` is a carriage return (the
/// four hex digits a UTF-16 unit, a pair of them a character past U+FFFF), `_x005F_` an
/// underscore (so `_x005F_x000D_` is the text `_x000D_`). A lone surrogate is U+FFFD. As
/// calamine's `unescape_xml` does.
pub(super) fn unescape_excel(s: &str) -> std::borrow::Cow<'_, str> {
    fn unit_at(s: &str, i: usize) -> Option<u16> {
        let b = s.as_bytes().get(i..i + 7)?;
        if b[0] != b'_'
            || b[1] != b'x'
            || b[6] != b'_'
            || !b[2..6].iter().all(u8::is_ascii_hexdigit)
        {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
    }
    if !s.contains("_x") {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut copied = 0;
    while let Some(off) = s[i..].find('_') {
        let at = i + off;
        let Some(unit) = unit_at(s, at) else {
            i = at + 1;
            continue;
        };
        out.push_str(&s[copied..at]);
        let mut next = at + 7;
        match unit {
            0xD800..=0xDBFF => match unit_at(s, next) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let c =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                    next += 7;
                }
                _ => out.push(char::REPLACEMENT_CHARACTER),
            },
            0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
            _ => out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        copied = next;
        i = next;
    }
    out.push_str(&s[copied..]);
    std::borrow::Cow::Owned(out)
}

/// Whether a custom number format shows a date or a duration: calamine 0.38's
/// `detect_custom_number_format` (MIT, © Johann Tuffe), so that a book reads as it did.
fn custom_format_kind(format: &str) -> NumberKind {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return NumberKind::Other,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return NumberKind::Duration,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return NumberKind::DateTime,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return NumberKind::DateTime;
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    NumberKind::Other
}

/// Excel's built-in number formats that show dates, times and durations (ECMA-376 18.8.30; the
/// East Asian ones as calamine takes them).
fn builtin_format_kind(id: &str) -> NumberKind {
    match id {
        "14" | "15" | "16" | "17" | "18" | "19" | "20" | "21" | "22" | "45" | "47" | "27"
        | "28" | "29" | "30" | "31" | "32" | "33" | "34" | "35" | "36" | "50" | "51" | "52"
        | "53" | "54" | "55" | "56" | "57" | "58" => NumberKind::DateTime,
        "46" => NumberKind::Duration,
        _ => NumberKind::Other,
    }
}

/// A cell reference (`B12`) as its 0-based row and column; `None` if it is not one.
fn cell_position(r: &str) -> Option<(u32, u32)> {
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (col, row) = r.split_at(letters);
    if letters == 0 || letters > 3 || row.is_empty() || !row.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut c: u32 = 0;
    for b in col.bytes() {
        c = c * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    let row: u32 = row.parse().ok()?;
    Some((row.checked_sub(1)?, c - 1))
}

/// What is wrong with cell `at` of sheet `shown`.
fn bad_cell(shown: &str, at: &str, what: &str) -> String {
    format!(
        "на листе «{shown}» ячейка {at}: {what}; файл поврежден — откройте его в Excel и \
         сохраните заново"
    )
}

/// A cell's type by its `t` attribute; `None` for a type Excel does not have.
fn cell_type(t: &str) -> Option<CellType> {
    Some(match t {
        "n" => CellType::Number,
        "s" => CellType::Shared,
        "b" => CellType::Bool,
        "e" => CellType::Error,
        "d" => CellType::Iso,
        "str" => CellType::Formula,
        "inlineStr" | "is" => CellType::Inline,
        _ => return None,
    })
}

/// A cell's reference (`B7`) from its 0-based row and column.
fn reference(row: u32, col: u32) -> String {
    format!("{}{}", column_name(col), u64::from(row) + 1)
}

/// The cells of one worksheet, read as its part is inflated (see [`Book::cells`]).
pub(super) struct SheetCells<'a, RS: Read + Seek> {
    xml: Part<'a, RS>,
    part: String,
    shown: String,
    strings: &'a mut SharedStrings,
    formats: &'a [NumberKind],
    is_1904: bool,
    /// Where the next cell without a reference is: its 0-based row and column.
    row: u32,
    col: u32,
    /// Inside `<sheetData>`.
    in_data: bool,
    buf: Vec<u8>,
    inner: Vec<u8>,
    value: String,
}

/// A cell's type (its `t` attribute).
#[derive(Clone, Copy, PartialEq)]
enum CellType {
    Number,
    Shared,
    Bool,
    Error,
    Iso,
    Formula,
    Inline,
}

impl<RS: Read + Seek> SheetCells<'_, RS> {
    fn broken(&self, e: &quick_xml::Error) -> String {
        if let Some(o) = Oversized::of(e) {
            return o.message(&self.part);
        }
        format!(
            "{BROKEN_XML}: данные листа «{}» (часть {}) обрываются или испорчены около строки {}; \
             откройте книгу в Excel и сохраните ее заново",
            self.shown,
            self.part,
            u64::from(self.row) + 1
        )
    }

    /// The next cell that is written in the file: its 0-based row and column and its text as
    /// nok reads it (empty for an empty cell). `Ok(None)` after the last.
    pub(super) fn next_cell(&mut self) -> Result<Option<(u32, u32, String)>, String> {
        loop {
            self.buf.clear();
            let event = match self.xml.read_event_into(&mut self.buf) {
                Ok(e) => e,
                Err(e) => return Err(self.broken(&e)),
            };
            match event {
                Event::Start(e) if e.local_name().as_ref() == "sheetData" => self.in_data = true,
                Event::End(e) if e.local_name().as_ref() == "sheetData" => return Ok(None),
                Event::Start(e) if self.in_data && e.local_name().as_ref() == "row" => {
                    if let Some(r) = attr(&e, "r") {
                        let row = r.trim().parse::<u32>().ok().and_then(|r| r.checked_sub(1));
                        let Some(row) = row else {
                            let at = format!("строки «{}»", crate::domain::text::printable(&r));
                            return Err(format!(
                                "на листе «{}» неверный номер {at}; файл поврежден — откройте \
                                 его в Excel и сохраните заново",
                                self.shown
                            ));
                        };
                        self.row = row;
                    }
                    self.col = 0;
                }
                Event::End(e) if self.in_data && e.local_name().as_ref() == "row" => {
                    self.row = self.row.saturating_add(1);
                    self.col = 0;
                }
                Event::Start(e) if self.in_data && e.local_name().as_ref() == "c" => {
                    // One pass over the attributes, nothing allocated (a sheet has millions of
                    // cells); values with an entity reference are resolved.
                    let (mut pos, mut style, mut kind) = (None, None, CellType::Number);
                    for a in e.attributes().with_checks(false).flatten() {
                        let value = if a.value.contains('&') {
                            match a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                                Ok(v) => std::borrow::Cow::Owned(v.into_owned()),
                                Err(e) => return Err(self.broken(&e)),
                            }
                        } else {
                            a.value
                        };
                        match a.key.local_name().as_ref() {
                            "r" => {
                                pos = Some(cell_position(&value).ok_or_else(|| {
                                    bad_cell(
                                        &self.shown,
                                        &format!("«{}»", crate::domain::text::printable(&value)),
                                        "неверная ссылка на ячейку",
                                    )
                                })?);
                            }
                            "s" => style = value.trim().parse::<usize>().ok(),
                            "t" => {
                                kind = match cell_type(&value) {
                                    Some(kind) => kind,
                                    None => {
                                        let at = match pos {
                                            Some((r, c)) => reference(r, c),
                                            None => reference(self.row, self.col),
                                        };
                                        return Err(bad_cell(
                                            &self.shown,
                                            &at,
                                            &format!(
                                                "неизвестный тип значения «{}»",
                                                crate::domain::text::printable(&value)
                                            ),
                                        ));
                                    }
                                };
                            }
                            _ => {}
                        }
                    }
                    let (row, col) = pos.unwrap_or((self.row, self.col));
                    self.row = row;
                    self.col = col.saturating_add(1);
                    let text = self.read_cell(row, col, style, kind)?;
                    return Ok(Some((row, col, text)));
                }
                Event::Eof => {
                    return Err(self.broken(&unexpected_end()));
                }
                _ => {}
            }
        }
    }

    /// Reads the cell just started to its end and gives its text.
    fn read_cell(
        &mut self,
        row: u32,
        col: u32,
        style: Option<usize>,
        kind: CellType,
    ) -> Result<String, String> {
        // The value's text is in `self.value` (kept between cells, so not allocated anew).
        let mut has_value = false;
        loop {
            self.buf.clear();
            let event = match self.xml.read_event_into(&mut self.buf) {
                Ok(e) => e,
                Err(e) => return Err(self.broken(&e)),
            };
            match event {
                Event::Start(e) if e.local_name().as_ref() == "v" => {
                    self.value.clear();
                    if let Err(e) = read_text(&mut self.xml, &mut self.inner, &mut self.value) {
                        return Err(self.broken(&e));
                    }
                    has_value = kind != CellType::Inline;
                }
                Event::Start(e) if e.local_name().as_ref() == "is" => {
                    self.value.clear();
                    if let Err(e) = read_rich(&mut self.xml, "is", &mut self.inner, &mut self.value)
                    {
                        return Err(self.broken(&e));
                    }
                    has_value = true;
                }
                Event::Start(e) => {
                    // A formula (`<f>`) or anything else: its content is not a value.
                    let name = e.name().as_ref().to_string();
                    if let Err(e) = self
                        .xml
                        .read_to_end_into(quick_xml::name::QName(&name), &mut self.inner)
                    {
                        return Err(self.broken(&e));
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "c" => break,
                Event::Eof => return Err(self.broken(&unexpected_end())),
                _ => {}
            }
        }
        if !has_value {
            return Ok(String::new());
        }
        let v = std::mem::take(&mut self.value);
        let text = self.value_text(row, col, style, kind, &v);
        self.value = v;
        text
    }

    /// The text of a cell of type `kind` and style `style` whose value is written `v`.
    fn value_text(
        &mut self,
        row: u32,
        col: u32,
        style: Option<usize>,
        kind: CellType,
        v: &str,
    ) -> Result<String, String> {
        let at = || reference(row, col);
        Ok(match kind {
            CellType::Inline => clean_cell(v),
            CellType::Formula => clean_cell(&unescape_excel(v)),
            CellType::Iso => cell_text(&Data::DateTimeIso(v.to_string())),
            CellType::Error => {
                let v = clean_cell(v);
                if v.is_empty() {
                    v
                } else {
                    format!("#ОШИБКА {v}")
                }
            }
            CellType::Bool => match v.trim() {
                "" => String::new(),
                "1" | "true" => cell_text(&Data::Bool(true)),
                "0" | "false" => cell_text(&Data::Bool(false)),
                other => {
                    return Err(bad_cell(
                        &self.shown,
                        &at(),
                        &format!(
                            "логическое значение «{}» не 0 и не 1",
                            crate::domain::text::printable(other)
                        ),
                    ));
                }
            },
            CellType::Shared => {
                let v = v.trim();
                if v.is_empty() {
                    return Ok(String::new());
                }
                let count = self.strings.len();
                let index = v.parse::<usize>().ok();
                let found = match index {
                    Some(i) => self.strings.get(i).map_err(|e| {
                        format!(
                            "не удалось прочитать общую таблицу строк книги из временного файла \
                             ({})",
                            crate::domain::io_error::describe(&e)
                        )
                    })?,
                    None => None,
                };
                match found {
                    Some(s) => clean_cell(s),
                    None => {
                        return Err(bad_cell(
                            &self.shown,
                            &at(),
                            &format!(
                                "ссылается на строку «{}» общей таблицы строк, а в ней {count} \
                                 строк",
                                crate::domain::text::printable(v)
                            ),
                        ));
                    }
                }
            }
            CellType::Number => {
                if v.is_empty() {
                    return Ok(String::new());
                }
                let Ok(x) = v.parse::<f64>() else {
                    return Ok(clean_cell(v));
                };
                // A cell without a style is a plain number; a style past the table, too.
                let format = style
                    .and_then(|i| self.formats.get(i).copied())
                    .unwrap_or(NumberKind::Other);
                let kind = match format {
                    NumberKind::Other => return Ok(cell_text(&Data::Float(x))),
                    NumberKind::DateTime => ExcelDateTimeType::DateTime,
                    NumberKind::Duration => ExcelDateTimeType::TimeDelta,
                };
                cell_text(&Data::DateTime(ExcelDateTime::new(x, kind, self.is_1904)))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_escapes_decode_as_calamine_does() {
        assert_eq!(unescape_excel("a_x000D_b"), "a\rb");
        assert_eq!(unescape_excel("_x005F_x000D_"), "_x000D_");
        assert_eq!(unescape_excel("_xD83D__xDCF7_"), "\u{1F4F7}");
        assert_eq!(unescape_excel("_xD83D_"), "\u{FFFD}");
        assert_eq!(unescape_excel("_x00zz_ и _x"), "_x00zz_ и _x");
        assert_eq!(unescape_excel("ГБУ_x0020_№_x0031_"), "ГБУ №1");
    }

    #[test]
    fn number_formats_that_are_dates() {
        for code in [
            "dd.mm.yyyy",
            "DD/MM/YY",
            "[$-419]d mmmm yyyy",
            "h:mm;@",
            "yyyy\\-mm",
        ] {
            assert_eq!(custom_format_kind(code), NumberKind::DateTime, "{code}");
        }
        for code in ["0.00", "#,##0\\ \"₽\"", "0%", "\"день\" 0", "General"] {
            assert_eq!(custom_format_kind(code), NumberKind::Other, "{code}");
        }
        assert_eq!(custom_format_kind("[h]:mm:ss"), NumberKind::Duration);
        assert_eq!(builtin_format_kind("14"), NumberKind::DateTime);
        assert_eq!(builtin_format_kind("46"), NumberKind::Duration);
        assert_eq!(builtin_format_kind("2"), NumberKind::Other);
    }

    #[test]
    fn cell_references() {
        assert_eq!(cell_position("A1"), Some((0, 0)));
        assert_eq!(cell_position("b12"), Some((11, 1)));
        assert_eq!(cell_position("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_position("AA3"), Some((2, 26)));
        for bad in ["", "A0", "1A", "A", "ZZZZ1", "A1B", "A99999999999"] {
            assert_eq!(cell_position(bad), None, "{bad}");
        }
    }

    #[test]
    fn relationship_targets_resolve() {
        assert_eq!(
            resolve("xl/", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl/", "/xl/worksheets/s.xml"),
            "xl/worksheets/s.xml"
        );
        assert_eq!(
            resolve("xl/sub/", "../sharedStrings.xml"),
            "xl/sharedStrings.xml"
        );
        assert_eq!(resolve("", "xl\\workbook.xml"), "xl/workbook.xml");
    }
}
