//! Workbooks (.xlsx) for people: a header row in bold, frozen; numbers stored as numbers (shown
//! with a decimal comma by Excel's Russian locale), dates as dates (ДД.ММ.ГГГГ); column widths
//! fitted to the header and the first rows. Rows are streamed to disk (rust_xlsxwriter's constant
//! memory mode), so a table of a million rows does not sit in memory.
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
const MAX_WIDTH: f64 = 60.0;
/// Excel's limit on text in a cell.
const MAX_CELL_CHARS: usize = 32_767;

/// A workbook with one sheet being written row by row.
pub struct XlsxTable {
    workbook: Workbook,
    decimals: Vec<Format>,
    date: Format,
    text: Format,
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
                Format::new().set_num_format(fmt)
            })
            .collect();
        let date = Format::new().set_num_format("dd.mm.yyyy");
        let text = Format::new();
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
        }
        Ok(XlsxTable {
            workbook,
            decimals,
            date,
            text,
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
                    ws.write_string_with_format(row, col, &clean, &self.text)?;
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

    /// Writes the workbook to `path`.
    pub fn save(mut self, path: &Path) -> Result<(), XlsxError> {
        let widths = std::mem::take(&mut self.widths);
        let ws = self.workbook.worksheet_from_index(0)?;
        for (i, w) in widths.iter().enumerate() {
            ws.set_column_width(i as u16, *w)?;
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
}
