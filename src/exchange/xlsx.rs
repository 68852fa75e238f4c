//! Workbooks (.xlsx) for people: a header row in bold, frozen; numbers stored as numbers (shown
//! with a decimal comma by Excel's Russian locale), dates as dates (ДД.ММ.ГГГГ); column widths
//! fitted to the header and the first rows, long text wrapped in columns at most
//! [`MAX_WIDTH`] wide. Every sheet is ready to print and to sort: A4 landscape fitted to one page
//! wide (as many pages tall as needed), the header row repeated on each printed page, page numbers
//! in the footer, an autofilter over the header and the data. Rows are streamed to disk
//! (rust_xlsxwriter's constant memory mode), so a table of a million rows does not sit in memory;
//! that mode allows a cell's format only as the cell is written, so a text is wrapped by its own
//! length ([`WRAP_AT`]), not by its column's.
//!
//! The same rows of [`Cell`]s as the Excel CSV (`exchange::csv`), so any table — a CLI export or
//! what is filtered on a screen — can be written either way.

use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
use unicode_width::UnicodeWidthStr;

pub use crate::exchange::csv::Cell;

/// Rows whose widths are measured to fit the columns.
const MEASURED_ROWS: u32 = 1000;
/// Column widths in characters: at least, at most.
const MIN_WIDTH: f64 = 6.0;
/// Wider texts are wrapped within it, so that a table of long texts (shortcomings, measures)
/// still fits a landscape page at a readable scale.
pub const MAX_WIDTH: f64 = 35.0;
/// Height of a line of the default font (Calibri 11), in points; a row shows at most
/// `MAX_LINES` of them (Excel's limit on a row's height is 409 points).
const LINE_HEIGHT: f64 = 15.0;
const MAX_LINES: f64 = 27.0;
/// Texts longer than this (in characters) are written wrapped.
pub const WRAP_AT: usize = 25;
/// Paper size code for A4 in Excel's page setup.
const A4: u8 = 9;
/// Excel's limit on text in a cell.
const MAX_CELL_CHARS: usize = 32_767;

/// A workbook with one sheet being written row by row.
pub struct XlsxTable {
    workbook: Workbook,
    decimals: Vec<Format>,
    date: Format,
    text: Format,
    wrapped: Format,
    columns: u16,
    widths: Vec<f64>,
    row: u32,
}

impl XlsxTable {
    /// Starts a workbook whose only sheet, `sheet` (at most 31 characters are kept), has these
    /// headers.
    pub fn new(sheet: &str, headers: &[String]) -> Result<XlsxTable, XlsxError> {
        let mut workbook = Workbook::new();
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        let decimals = (0..=4)
            .map(|d| {
                let fmt = if d == 0 {
                    "0".to_string()
                } else {
                    format!("0.{}", "0".repeat(d))
                };
                Format::new()
                    .set_num_format(fmt)
                    .set_align(FormatAlign::Top)
            })
            .collect();
        let date = Format::new()
            .set_num_format("dd.mm.yyyy")
            .set_align(FormatAlign::Top);
        let text = Format::new().set_align(FormatAlign::Top);
        let wrapped = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        let name: String = sheet
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
            .take(31)
            .collect();
        {
            let ws = workbook.add_worksheet_with_constant_memory()?;
            if !name.trim().is_empty() {
                ws.set_name(name)?;
            }
            for (i, h) in headers.iter().enumerate() {
                ws.write_string_with_format(0, i as u16, h, &header)?;
            }
            ws.set_freeze_panes(1, 0)?;
            ws.set_landscape()
                .set_paper_size(A4)
                .set_print_fit_to_pages(1, 0)
                .set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3)
                .set_footer("&CСтраница &P из &N");
            ws.set_repeat_rows(0, 0)?;
        }
        Ok(XlsxTable {
            workbook,
            decimals,
            date,
            text,
            wrapped,
            columns: headers.len() as u16,
            widths: headers
                .iter()
                .map(|h| (h.width() as f64 + 2.0).clamp(MIN_WIDTH, MAX_WIDTH))
                .collect(),
            row: 1,
        })
    }

    /// Appends a row.
    pub fn push(&mut self, cells: &[Cell]) -> Result<(), XlsxError> {
        let row = self.row;
        let measure = row <= MEASURED_ROWS;
        let ws = self.workbook.worksheet_from_index(0)?;
        // Spreadsheets do not grow a row for wrapped text on opening (LibreOffice prints such a
        // row one line high, the lines over each other), so the height is set here: a wrapped
        // text fills a column of MAX_WIDTH characters, a tenth more for breaking at words.
        let lines = cells
            .iter()
            .map(|c| match c {
                Cell::Text(s) if s.chars().count() > WRAP_AT => {
                    let n = s.chars().count() as f64 * 1.1 / (MAX_WIDTH - 1.0);
                    n.ceil().max(1.0) + s.matches('\n').count() as f64
                }
                _ => 1.0,
            })
            .fold(1.0, f64::max);
        if lines > 1.0 {
            ws.set_row_height(row, LINE_HEIGHT * lines.min(MAX_LINES))?;
        }
        for (i, cell) in cells.iter().enumerate() {
            let col = i as u16;
            match cell {
                Cell::Text(s) => {
                    // Escape sequences and control characters go (as in CSV and on screen);
                    // xlsx keeps tab and line feed only.
                    let clean: String = crate::domain::text::printable_text(s)
                        .chars()
                        .filter(|c| *c != '\r')
                        .take(MAX_CELL_CHARS)
                        .collect();
                    let format = if clean.chars().count() > WRAP_AT {
                        &self.wrapped
                    } else {
                        &self.text
                    };
                    ws.write_string_with_format(row, col, &clean, format)?;
                }
                Cell::Int(n) => {
                    ws.write_number_with_format(row, col, *n as f64, &self.decimals[0])?;
                }
                Cell::Dec(x, digits) => {
                    let f = &self.decimals[(*digits).min(self.decimals.len() - 1)];
                    ws.write_number_with_format(row, col, *x, f)?;
                }
                Cell::Date(d) => {
                    use chrono::Datelike;
                    let dt =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    ws.write_datetime_with_format(row, col, dt, &self.date)?;
                }
                Cell::Empty => {}
            }
            if measure {
                let w = match cell {
                    Cell::Date(_) => 11.0,
                    other => other.display().width() as f64 + 1.0,
                };
                if let Some(cur) = self.widths.get_mut(i) {
                    *cur = cur.max(w.clamp(MIN_WIDTH, MAX_WIDTH));
                }
            }
        }
        self.row += 1;
        Ok(())
    }

    /// Rows written besides the header.
    pub fn rows(&self) -> u32 {
        self.row - 1
    }

    /// Writes the workbook to `path`, with the autofilter over the header and all rows written.
    pub fn save(mut self, path: &Path) -> Result<(), XlsxError> {
        let widths = std::mem::take(&mut self.widths);
        let last_row = self.row - 1;
        let columns = self.columns;
        let ws = self.workbook.worksheet_from_index(0)?;
        for (i, w) in widths.iter().enumerate() {
            ws.set_column_width(i as u16, *w)?;
        }
        if columns > 0 {
            ws.autofilter(0, 0, last_row, columns - 1)?;
        }
        self.workbook.save(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx, open_workbook};

    #[test]
    fn numbers_dates_and_text_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        let mut t = XlsxTable::new(
            "Рейтинг",
            &[
                "Место".into(),
                "Организация".into(),
                "S".into(),
                "Срок".into(),
            ],
        )
        .unwrap();
        t.push(&[
            Cell::Int(1),
            Cell::Text("=1+2 ГБУ «Ромашка» & <Ко>\u{1}".into()),
            Cell::Dec(92.46, 2),
            Cell::Date(chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap()),
        ])
        .unwrap();
        assert_eq!(t.rows(), 1);
        t.save(&path).unwrap();
        let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
        let range = wb.worksheet_range("Рейтинг").unwrap();
        assert_eq!(range.get((0, 1)), Some(&Data::String("Организация".into())));
        assert_eq!(range.get((1, 0)), Some(&Data::Float(1.0)));
        assert_eq!(
            range.get((1, 1)),
            Some(&Data::String("=1+2 ГБУ «Ромашка» & <Ко>".into()))
        );
        assert_eq!(range.get((1, 2)), Some(&Data::Float(92.46)));
        match range.get((1, 3)) {
            Some(Data::DateTime(d)) => {
                // Excel serial day 1 is 1900-01-01 (with the 1900 leap-year bug past February).
                let day = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                    .unwrap()
                    .checked_add_days(chrono::Days::new(d.as_f64() as u64));
                assert_eq!(day, chrono::NaiveDate::from_ymd_opt(2025, 12, 1));
                assert!(d.is_datetime());
            }
            other => panic!("not a date: {other:?}"),
        }
    }

    fn part(path: &Path, name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    }

    /// The attributes of the first `<tag …>` in `xml`, as (name, value) pairs.
    fn attrs(xml: &str, tag: &str) -> Vec<(String, String)> {
        let mut reader = quick_xml::Reader::from_str(xml);
        loop {
            match reader.read_event().unwrap() {
                quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                    if e.name().as_ref() == tag =>
                {
                    return e
                        .attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            (a.key.as_ref().to_string(), a.value.as_ref().to_string())
                        })
                        .collect();
                }
                quick_xml::events::Event::Eof => panic!("no <{tag}> in {xml}"),
                _ => {}
            }
        }
    }

    fn attr<'a>(a: &'a [(String, String)], name: &str) -> Option<&'a str> {
        a.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    #[test]
    fn sheet_prints_on_a4_landscape_one_page_wide_with_titles_filter_and_wrapped_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plans.xlsx");
        let headers: Vec<String> = ["Организация", "ИНН", "Недостаток", "Срок"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut t = XlsxTable::new("Планы", &headers).unwrap();
        let long = "Отсутствует информация о материально-техническом обеспечении ".repeat(3);
        for i in 0..40 {
            t.push(&[
                Cell::Text(format!("ГБОУ «Школа № {i}»")),
                Cell::Text("0105012349".into()),
                Cell::Text(long.clone()),
                Cell::Date(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            ])
            .unwrap();
        }
        t.save(&path).unwrap();
        let sheet = part(&path, "xl/worksheets/sheet1.xml");

        // A4 (code 9) landscape, one page wide, any number of pages tall (0 = automatic).
        let setup = attrs(&sheet, "pageSetup");
        assert_eq!(attr(&setup, "paperSize"), Some("9"), "{setup:?}");
        assert_eq!(attr(&setup, "orientation"), Some("landscape"));
        // fitToWidth defaults to 1 in ECMA-376 (CT_PageSetup), so the writer may leave it out.
        assert_eq!(attr(&setup, "fitToWidth").unwrap_or("1"), "1");
        assert_eq!(attr(&setup, "fitToHeight"), Some("0"));
        // Fitting is switched on in the sheet's properties.
        assert_eq!(attr(&attrs(&sheet, "pageSetUpPr"), "fitToPage"), Some("1"));
        // Autofilter over the header and the 40 rows of the 4 columns: A1:D41.
        assert_eq!(attr(&attrs(&sheet, "autoFilter"), "ref"), Some("A1:D41"));
        // The header row is frozen.
        let pane = attrs(&sheet, "pane");
        assert_eq!(attr(&pane, "ySplit"), Some("1"));
        assert_eq!(attr(&pane, "state"), Some("frozen"));
        // Page numbers in the footer.
        assert!(sheet.contains("<oddFooter>&amp;CСтраница &amp;P из &amp;N</oddFooter>"));

        // Row 1 repeats on each printed page: the print titles name refers to it.
        let book = part(&path, "xl/workbook.xml");
        assert!(
            book.contains(
                r#"<definedName name="_xlnm.Print_Titles" localSheetId="0">Планы!$1:$1</definedName>"#
            ),
            "{book}"
        );
        assert!(book.contains(r#"<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">Планы!$A$1:$D$41</definedName>"#), "{book}");

        // The long text's cell (C2) uses a style that wraps; the short name's (A2) does not.
        let styles = part(&path, "xl/styles.xml");
        let xfs: Vec<&str> = styles
            .split("<cellXfs")
            .nth(1)
            .unwrap()
            .split("</cellXfs>")
            .next()
            .unwrap()
            .split("<xf ")
            .skip(1)
            .collect();
        let style_of = |cell: &str| -> usize {
            let at = sheet.find(&format!(r#"<c r="{cell}""#)).unwrap();
            let c = &sheet[at..at + sheet[at..].find('>').unwrap()];
            c.split(r#" s=""#)
                .nth(1)
                .map_or(0, |s| s[..s.find('"').unwrap()].parse().unwrap())
        };
        assert!(xfs[style_of("C2")].contains(r#"wrapText="1""#), "{styles}");
        assert!(!xfs[style_of("A2")].contains("wrapText"), "{styles}");
        // Column widths: the long text's column is capped, the name's fits the name.
        let cols: Vec<Vec<(String, String)>> = sheet
            .split("<col ")
            .skip(1)
            .map(|c| attrs(&format!("<col {}", &c[..=c.find("/>").unwrap() + 1]), "col"))
            .collect();
        let width = |n: &str| -> f64 {
            cols.iter()
                .find(|c| attr(c, "min") == Some(n))
                .and_then(|c| attr(c, "width"))
                .unwrap()
                .parse()
                .unwrap()
        };
        // «ГБОУ «Школа № 39»» is 17 characters: wider than that, well under the cap.
        assert!((17.0..=25.0).contains(&width("1")), "{cols:?}");
        // 183 characters of text (61 × 3): capped at 35 characters (plus Excel's padding).
        assert!((35.0..=37.0).contains(&width("3")), "{cols:?}");
        // Its row is as high as its lines: 183 characters, a tenth more for word breaks, in
        // lines of 34: 183 × 1.1 / 34 = 5.92 → 6 lines of 15 points, 90 points. The header row
        // keeps the default height.
        let row2 = attrs(&sheet[sheet.find(r#"<row r="2""#).unwrap()..], "row");
        assert_eq!(attr(&row2, "ht"), Some("90"), "{row2:?}");
        assert_eq!(attr(&row2, "customHeight"), Some("1"));
        let row1 = attrs(&sheet[sheet.find(r#"<row r="1""#).unwrap()..], "row");
        assert_eq!(attr(&row1, "ht"), None);
    }
}
