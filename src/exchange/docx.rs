//! A Word document (.docx, WordprocessingML) written from scratch: the parts of a document staff
//! edit in Word — heading styles (`heading 1…3`, so the navigation pane and a table of contents
//! work), tables whose header rows repeat on every page (`w:tblHeader`), page numbers in the page
//! header, A4 with the margins of Russian official documents (left 30 mm, right 15 mm, top and
//! bottom 20 mm), portrait and landscape sections, Times New Roman 14 pt for text and 12 pt in
//! tables, and PNG pictures.
//!
//! Why not a .docx crate: `docx-rs` (the maintained one) has no way to mark a table row as a
//! header row, which every long table here needs; its document is also built as a tree of owned
//! structures and serialized at the end, where this writer appends XML to one buffer as it goes.
//! Text is escaped by `quick-xml`; the archive is written by `zip`.
//!
//! Text from the database may hold anything: escape sequences and control characters are
//! removed (XML 1.0 cannot carry them), `<`, `&`, quotes are escaped, a line break becomes
//! `w:br` and a tab `w:tab`. Text that looks like a formula stays text: nothing here makes a
//! field out of stored text.

use std::io::{Seek, Write};

use quick_xml::escape::escape;

/// Twentieths of a point in a millimetre.
const TWIPS_PER_MM: f64 = 56.692_913;
/// English metric units in a millimetre.
const EMU_PER_MM: u64 = 36_000;

/// A4 in twips.
const A4_SHORT: u32 = 11_906;
const A4_LONG: u32 = 16_838;
const MARGIN_LEFT_MM: f64 = 30.0;
const MARGIN_RIGHT_MM: f64 = 15.0;
const MARGIN_TOP_MM: f64 = 20.0;
const MARGIN_BOTTOM_MM: f64 = 20.0;

fn twips(mm: f64) -> u32 {
    (mm * TWIPS_PER_MM).round() as u32
}

/// Page orientation of a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    Portrait,
    Landscape,
}

impl Orientation {
    /// The width of the text on the page, in twips.
    pub fn text_width(self) -> u32 {
        let page = match self {
            Orientation::Portrait => A4_SHORT,
            Orientation::Landscape => A4_LONG,
        };
        page - twips(MARGIN_LEFT_MM) - twips(MARGIN_RIGHT_MM)
    }
}

/// Horizontal alignment of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
    Both,
}

impl Align {
    fn code(self) -> &'static str {
        match self {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
            Align::Both => "both",
        }
    }
}

/// A paragraph: its style, alignment and runs (text, bold).
#[derive(Debug, Clone, Default)]
pub struct Para<'a> {
    style: Option<&'static str>,
    align: Option<Align>,
    runs: Vec<(&'a str, bool)>,
    page_break_before: bool,
    keep_next: bool,
    /// Left indent, twips.
    indent_left: Option<u32>,
    no_first_line: bool,
}

impl<'a> Para<'a> {
    /// A body-text paragraph (style «Normal»: 14 pt, justified, first line indented 1.25 cm).
    pub fn new(text: &'a str) -> Para<'a> {
        Para {
            runs: vec![(text, false)],
            ..Para::default()
        }
    }

    pub fn empty() -> Para<'a> {
        Para::default()
    }

    pub fn bold(mut self, text: &'a str) -> Para<'a> {
        self.runs.push((text, true));
        self
    }

    pub fn text(mut self, text: &'a str) -> Para<'a> {
        self.runs.push((text, false));
        self
    }

    pub fn align(mut self, a: Align) -> Para<'a> {
        self.align = Some(a);
        self
    }

    pub fn style(mut self, s: &'static str) -> Para<'a> {
        self.style = Some(s);
        self
    }

    pub fn page_break_before(mut self) -> Para<'a> {
        self.page_break_before = true;
        self
    }

    pub fn keep_next(mut self) -> Para<'a> {
        self.keep_next = true;
        self
    }

    /// Indented from the left by `mm`, without a first-line indent (a block at the right).
    pub fn indent_mm(mut self, mm: f64) -> Para<'a> {
        self.indent_left = Some(twips(mm));
        self.no_first_line = true;
        self
    }

    pub fn no_indent(mut self) -> Para<'a> {
        self.no_first_line = true;
        self
    }
}

/// A table cell: text, alignment, bold; `span` columns wide.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    pub text: &'a str,
    pub align: Align,
    pub bold: bool,
    pub span: u32,
    /// Kept on the same page as the next row (a group's title row).
    pub keep_next: bool,
}

impl<'a> Cell<'a> {
    pub fn new(text: &'a str) -> Cell<'a> {
        Cell {
            text,
            align: Align::Left,
            bold: false,
            span: 1,
            keep_next: false,
        }
    }

    /// A number: right-aligned.
    pub fn num(text: &'a str) -> Cell<'a> {
        Cell {
            align: Align::Right,
            ..Cell::new(text)
        }
    }

    pub fn center(text: &'a str) -> Cell<'a> {
        Cell {
            align: Align::Center,
            ..Cell::new(text)
        }
    }

    pub fn bold(mut self) -> Cell<'a> {
        self.bold = true;
        self
    }

    pub fn span(mut self, n: u32) -> Cell<'a> {
        self.span = n.max(1);
        self
    }

    /// A title row of a group: kept on the page of the row after it.
    pub fn keep_next(mut self) -> Cell<'a> {
        self.keep_next = true;
        self
    }
}

/// A picture to embed: PNG bytes and its size in pixels.
#[derive(Debug, Clone)]
pub struct Png {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// A document being written. Body XML is appended as calls come; [`Document::finish`] writes
/// the archive.
pub struct Document {
    body: String,
    /// Where the table of contents goes (a byte offset in `body`), when asked for.
    toc_at: Option<usize>,
    headings: Vec<(u8, String)>,
    media: Vec<Vec<u8>>,
    orientation: Orientation,
    /// Widths of the open table's columns (twips).
    table: Option<Vec<u32>>,
    title: String,
    next_drawing_id: u32,
}

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture""#;

/// Pushes `text` as runs' content: cleaned of control characters and escape sequences,
/// escaped, with line breaks and tabs as Word's own.
fn push_text(out: &mut String, text: &str) {
    let clean = crate::domain::text::printable_text(text);
    let mut first = true;
    for line in clean.split('\n') {
        if !first {
            out.push_str("<w:br/>");
        }
        first = false;
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut first_piece = true;
        for piece in line.split('\t') {
            if !first_piece {
                out.push_str("<w:tab/>");
            }
            first_piece = false;
            if !piece.is_empty() {
                out.push_str("<w:t xml:space=\"preserve\">");
                out.push_str(&escape(strip_non_xml(piece).as_ref()));
                out.push_str("</w:t>");
            }
        }
    }
}

/// Characters XML 1.0 cannot carry (what the terminal cleaner leaves: U+FFFE, U+FFFF).
fn strip_non_xml(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| matches!(c, '\u{FFFE}' | '\u{FFFF}') || (c < ' ' && c != '\t');
    if s.chars().any(bad) {
        std::borrow::Cow::Owned(s.chars().filter(|&c| !bad(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn push_run(out: &mut String, text: &str, bold: bool) {
    out.push_str("<w:r>");
    if bold {
        out.push_str("<w:rPr><w:b/></w:rPr>");
    }
    push_text(out, text);
    out.push_str("</w:r>");
}

impl Document {
    /// A new document whose first section has `orientation`; `title` goes into the file's
    /// properties.
    pub fn new(title: &str, orientation: Orientation) -> Document {
        Document {
            body: String::with_capacity(1 << 16),
            toc_at: None,
            headings: Vec::new(),
            media: Vec::new(),
            orientation,
            table: None,
            title: title.to_string(),
            next_drawing_id: 1,
        }
    }

    /// The orientation of the section being written.
    pub fn orientation(&self) -> Orientation {
        self.orientation
    }

    pub fn para(&mut self, p: &Para<'_>) {
        let out = &mut self.body;
        out.push_str("<w:p>");
        let has_ppr = p.style.is_some()
            || p.align.is_some()
            || p.page_break_before
            || p.keep_next
            || p.indent_left.is_some()
            || p.no_first_line;
        if has_ppr {
            out.push_str("<w:pPr>");
            if let Some(s) = p.style {
                out.push_str(&format!("<w:pStyle w:val=\"{s}\"/>"));
            }
            if p.keep_next {
                out.push_str("<w:keepNext/>");
            }
            if p.page_break_before {
                out.push_str("<w:pageBreakBefore/>");
            }
            if p.indent_left.is_some() || p.no_first_line {
                out.push_str(&format!(
                    "<w:ind w:left=\"{}\" w:firstLine=\"0\"/>",
                    p.indent_left.unwrap_or(0)
                ));
            }
            if let Some(a) = p.align {
                out.push_str(&format!("<w:jc w:val=\"{}\"/>", a.code()));
            }
            out.push_str("</w:pPr>");
        }
        for (text, bold) in &p.runs {
            push_run(out, text, *bold);
        }
        out.push_str("</w:p>");
    }

    /// A heading of `level` 1…3 (styles «heading 1…3», outline levels 0…2).
    pub fn heading(&mut self, level: u8, text: &str) {
        let level = level.clamp(1, 3);
        self.headings.push((level, text.to_string()));
        let style = match level {
            1 => "Heading1",
            2 => "Heading2",
            _ => "Heading3",
        };
        self.para(&Para::new(text).style(style));
    }

    /// A heading that starts a new page.
    pub fn heading_on_new_page(&mut self, level: u8, text: &str) {
        self.page_break();
        self.heading(level, text);
    }

    /// The table of contents (a Word field over headings 1–2, its entries filled in; Word
    /// adds the page numbers when fields are updated — F9, or on opening).
    pub fn toc(&mut self) {
        self.toc_at = Some(self.body.len());
    }

    pub fn page_break(&mut self) {
        self.body
            .push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
    }

    fn sect_pr(&self, orientation: Orientation) -> String {
        let (w, h, orient) = match orientation {
            Orientation::Portrait => (A4_SHORT, A4_LONG, ""),
            Orientation::Landscape => (A4_LONG, A4_SHORT, " w:orient=\"landscape\""),
        };
        format!(
            "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader1\"/>\
             <w:pgSz w:w=\"{w}\" w:h=\"{h}\"{orient}/>\
             <w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" w:left=\"{}\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>\
             <w:cols w:space=\"708\"/></w:sectPr>",
            twips(MARGIN_TOP_MM),
            twips(MARGIN_RIGHT_MM),
            twips(MARGIN_BOTTOM_MM),
            twips(MARGIN_LEFT_MM),
        )
    }

    /// Ends the current section and starts one with `orientation` on a new page.
    pub fn section(&mut self, orientation: Orientation) {
        let pr = self.sect_pr(self.orientation);
        self.body.push_str("<w:p><w:pPr>");
        self.body.push_str(&pr);
        self.body.push_str("</w:pPr></w:p>");
        self.orientation = orientation;
    }

    /// Starts a table with columns of these relative widths (spread over the text width) and
    /// header rows that repeat on every page.
    pub fn table_start(&mut self, weights: &[u32], header: &[&[Cell<'_>]]) {
        let total: u32 = weights.iter().sum::<u32>().max(1);
        let width = self.orientation.text_width();
        let widths: Vec<u32> = weights
            .iter()
            .map(|w| (u64::from(*w) * u64::from(width) / u64::from(total)) as u32)
            .collect();
        let out = &mut self.body;
        out.push_str(
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/>\
             <w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders>\
             <w:tblLayout w:type=\"fixed\"/>\
             <w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar>\
             <w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/>\
             </w:tblPr><w:tblGrid>",
        );
        for w in &widths {
            out.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
        }
        out.push_str("</w:tblGrid>");
        self.table = Some(widths);
        for row in header {
            self.push_row(row, true);
        }
    }

    fn push_row(&mut self, cells: &[Cell<'_>], header: bool) {
        let widths = self.table.as_deref().unwrap_or(&[]);
        let out = &mut self.body;
        out.push_str("<w:tr>");
        if header {
            out.push_str("<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
        } else {
            out.push_str("<w:trPr><w:cantSplit/></w:trPr>");
        }
        let mut col = 0usize;
        for c in cells {
            let span = c.span as usize;
            let w: u32 = widths.iter().skip(col).take(span).sum();
            col += span;
            out.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/>"
            ));
            if span > 1 {
                out.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
            }
            if header {
                out.push_str("<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E7E6E6\"/><w:vAlign w:val=\"center\"/>");
            }
            out.push_str("</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"TableText\"/>");
            if c.keep_next || header {
                out.push_str("<w:keepNext/>");
            }
            out.push_str(&format!("<w:jc w:val=\"{}\"/></w:pPr>", c.align.code()));
            push_run(out, c.text, c.bold || header);
            out.push_str("</w:p></w:tc>");
        }
        out.push_str("</w:tr>");
    }

    /// A row of the open table.
    pub fn row(&mut self, cells: &[Cell<'_>]) {
        self.push_row(cells, false);
    }

    /// Ends the open table (an empty paragraph follows, as Word requires between tables).
    pub fn table_end(&mut self) {
        self.body.push_str("</w:tbl><w:p/>");
        self.table = None;
    }

    /// A picture centered on its own line, `width_mm` wide (its height keeps the proportions).
    pub fn picture(&mut self, png: Png, width_mm: u32) {
        self.media.push(png.bytes);
        let n = self.media.len();
        let id = self.next_drawing_id;
        self.next_drawing_id += 1;
        let cx = u64::from(width_mm) * EMU_PER_MM;
        let cy = cx * u64::from(png.height) / u64::from(png.width.max(1));
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:keepNext/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr><w:r><w:drawing>\
             <wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/>\
             <wp:docPr id=\"{id}\" name=\"Рисунок {id}\"/>\
             <wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>\
             <a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
             <pic:pic><pic:nvPicPr><pic:cNvPr id=\"{id}\" name=\"image{n}.png\"/><pic:cNvPicPr/></pic:nvPicPr>\
             <pic:blipFill><a:blip r:embed=\"rIdImage{n}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
             <pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm>\
             <a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>\
             </a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
        ));
    }

    fn toc_xml(&self, heading: &str) -> String {
        let mut out = String::new();
        out.push_str("<w:p><w:pPr><w:pStyle w:val=\"TOCHeading\"/></w:pPr>");
        push_run(&mut out, heading, false);
        out.push_str("</w:p>");
        let entries: Vec<&(u8, String)> = self.headings.iter().filter(|(l, _)| *l <= 2).collect();
        let begin = "<w:r><w:fldChar w:fldCharType=\"begin\" w:dirty=\"true\"/></w:r>\
                     <w:r><w:instrText xml:space=\"preserve\"> TOC \\o \"1-2\" \\h \\z \\u </w:instrText></w:r>\
                     <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>";
        if entries.is_empty() {
            out.push_str("<w:p>");
            out.push_str(begin);
            out.push_str("<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>");
            return out;
        }
        for (i, (level, text)) in entries.iter().enumerate() {
            out.push_str(&format!(
                "<w:p><w:pPr><w:pStyle w:val=\"TOC{level}\"/></w:pPr>"
            ));
            if i == 0 {
                out.push_str(begin);
            }
            push_run(&mut out, text, false);
            if i + 1 == entries.len() {
                out.push_str("<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>");
            }
            out.push_str("</w:p>");
        }
        out
    }

    /// Writes the document to `w` (a .docx archive). `toc_heading` titles the table of
    /// contents when [`Document::toc`] was called.
    pub fn finish<W: Write + Seek>(mut self, w: W, toc_heading: &str) -> std::io::Result<W> {
        let has_toc = self.toc_at.is_some();
        if let Some(at) = self.toc_at.take() {
            let toc = self.toc_xml(toc_heading);
            self.body.insert_str(at, &toc);
        }
        let mut zip = zip::ZipWriter::new(w);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let put = |zip: &mut zip::ZipWriter<W>, name: &str, data: &[u8], deflate: bool| {
            zip.start_file(name, if deflate { opts } else { stored })
                .map_err(std::io::Error::other)?;
            zip.write_all(data)
        };
        put(
            &mut zip,
            "[Content_Types].xml",
            CONTENT_TYPES.as_bytes(),
            true,
        )?;
        put(&mut zip, "_rels/.rels", ROOT_RELS.as_bytes(), true)?;
        let core = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
             <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
             <dc:title>{}</dc:title><dc:language>ru-RU</dc:language><dc:creator>nok</dc:creator></cp:coreProperties>",
            escape(strip_non_xml(&crate::domain::text::printable(&self.title)).as_ref())
        );
        put(&mut zip, "docProps/core.xml", core.as_bytes(), true)?;
        put(&mut zip, "docProps/app.xml", APP.as_bytes(), true)?;
        put(&mut zip, "word/styles.xml", STYLES.as_bytes(), true)?;
        put(
            &mut zip,
            "word/settings.xml",
            settings(has_toc).as_bytes(),
            true,
        )?;
        put(&mut zip, "word/header1.xml", HEADER.as_bytes(), true)?;
        let mut rels = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
             <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
             <Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
             <Relationship Id=\"rIdHeader1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/>",
        );
        for n in 1..=self.media.len() {
            rels.push_str(&format!(
                "<Relationship Id=\"rIdImage{n}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/image{n}.png\"/>"
            ));
        }
        rels.push_str("</Relationships>");
        put(
            &mut zip,
            "word/_rels/document.xml.rels",
            rels.as_bytes(),
            true,
        )?;
        for (i, png) in self.media.iter().enumerate() {
            put(
                &mut zip,
                &format!("word/media/image{}.png", i + 1),
                png,
                false,
            )?;
        }
        zip.start_file("word/document.xml", opts)
            .map_err(std::io::Error::other)?;
        zip.write_all(
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document {NS}><w:body>")
                .as_bytes(),
        )?;
        zip.write_all(self.body.as_bytes())?;
        let last = self.sect_pr(self.orientation);
        zip.write_all(last.as_bytes())?;
        zip.write_all(b"</w:body></w:document>")?;
        zip.finish().map_err(std::io::Error::other)
    }
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Default Extension=\"png\" ContentType=\"image/png\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>";

const APP: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>nok</Application></Properties>";

/// The document's settings; with a table of contents, Word updates the fields (its page numbers)
/// when it opens the document. Children in the schema's order.
fn settings(update_fields: bool) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:defaultTabStop w:val=\"708\"/><w:characterSpacingControl w:val=\"doNotCompress\"/>{}\
         <w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
         </w:settings>",
        if update_fields {
            "<w:updateFields w:val=\"true\"/>"
        } else {
            ""
        }
    )
}

/// The page number, centered at the top of each page (as ГОСТ Р 7.0.97 places it).
const HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:hdr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:p><w:pPr><w:pStyle w:val=\"Header\"/><w:jc w:val=\"center\"/></w:pPr>\
<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>\
<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>\
</w:hdr>";

/// Times New Roman 14 pt, one and a half lines apart in body text, first line indented 1.25 cm;
/// 12 pt single-spaced in tables; headings with Word's built-in names and outline levels.
const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"Times New Roman\" w:cs=\"Times New Roman\"/>\
<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/><w:lang w:val=\"ru-RU\" w:eastAsia=\"ru-RU\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:spacing w:after=\"0\" w:line=\"360\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"709\"/><w:jc w:val=\"both\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"240\" w:after=\"120\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/></w:pPr>\
<w:rPr><w:b/><w:bCs/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"240\" w:after=\"120\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"left\"/><w:outlineLvl w:val=\"1\"/></w:pPr>\
<w:rPr><w:b/><w:bCs/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading3\"><w:name w:val=\"heading 3\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"120\" w:after=\"60\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:outlineLvl w:val=\"2\"/></w:pPr>\
<w:rPr><w:b/><w:bCs/><w:i/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:spacing w:before=\"240\" w:after=\"240\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr>\
<w:rPr><w:b/><w:bCs/><w:caps/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"left\"/></w:pPr>\
<w:rPr><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Caption\"><w:name w:val=\"caption\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:spacing w:before=\"60\" w:after=\"240\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr>\
<w:rPr><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Signature\"><w:name w:val=\"Signature\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"left\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Header\"><w:name w:val=\"header\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:spacing w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/></w:pPr><w:rPr><w:sz w:val=\"24\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"TOCHeading\"><w:name w:val=\"TOC Heading\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/>\
<w:pPr><w:spacing w:before=\"240\" w:after=\"120\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"TOC1\"><w:name w:val=\"toc 1\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/>\
<w:pPr><w:tabs><w:tab w:val=\"right\" w:leader=\"dot\" w:pos=\"9345\"/></w:tabs><w:spacing w:after=\"60\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"left\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"TOC2\"><w:name w:val=\"toc 2\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/>\
<w:pPr><w:tabs><w:tab w:val=\"right\" w:leader=\"dot\" w:pos=\"9345\"/></w:tabs><w:spacing w:after=\"60\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:left=\"284\" w:firstLine=\"0\"/><w:jc w:val=\"left\"/></w:pPr></w:style>\
<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>\
<w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:basedOn w:val=\"TableNormal\"/>\
<w:tblPr><w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders></w:tblPr></w:style>\
</w:styles>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped_and_control_characters_dropped() {
        let mut out = String::new();
        push_text(&mut out, "a<b>&\"c\u{1b}[31m\u{7}d\nе\tж\u{FFFF}");
        assert_eq!(
            out,
            "<w:t xml:space=\"preserve\">a&lt;b&gt;&amp;&quot;cd</w:t><w:br/>\
             <w:t xml:space=\"preserve\">е</w:t><w:tab/><w:t xml:space=\"preserve\">ж</w:t>"
        );
    }

    #[test]
    fn margins_are_the_russian_ones_in_twips() {
        // 30 mm = 1701 twips, 15 mm = 850, 20 mm = 1134 (1 mm = 1440 / 25.4 twips).
        assert_eq!((twips(30.0), twips(15.0), twips(20.0)), (1701, 850, 1134));
        assert_eq!(Orientation::Portrait.text_width(), 11_906 - 1701 - 850);
    }
}
