//! Excel workbooks (xlsx, xls) through calamine: the first worksheet that has data. Numbers keep
//! their digits (a whole number shows no fraction), dates become ДД.ММ.ГГГГ, an error cell shows
//! its code so the row is rejected with a reason instead of read as empty.

use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Sheets, open_workbook_auto_from_rs};

use super::{Format, ReadError, Row, Sheet, check_cells, clean_cell};

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

pub(super) fn read(source: &str, bytes: &[u8]) -> Result<Sheet, ReadError> {
    let err = |detail: String| ReadError::Workbook {
        file: source.to_string(),
        detail,
    };
    // calamine reads untrusted archives; a panic inside it must not take the program down.
    let opened = std::panic::catch_unwind(|| -> Result<Option<(String, Vec<Row>)>, String> {
        let mut book =
            open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| workbook_error_ru(&e))?;
        for name in book.sheet_names() {
            if let Sheets::Xlsx(xlsx) = &mut book {
                refuse_huge_grid(xlsx, &name)?;
            }
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
        // The sheet's name is shown in messages: no escape sequence from a file reaches a terminal.
        format: Format::Workbook {
            sheet: crate::domain::text::printable(&sheet).into_owned(),
        },
        rows,
    })
}

/// Cells a sheet's table may span (rows × columns from its first to its last filled cell).
/// calamine lays the whole span out in memory (~32 bytes a cell): one stray value in Excel's
/// last cell, XFD1048576, would ask for 550 GB and end the program. Five million cells hold
/// 100,000 rows of 50 columns.
const MAX_GRID_CELLS: u64 = 5_000_000;

/// Walks the sheet's filled cells without laying them out, and refuses a span too big to lay
/// out, naming the farthest cell.
fn refuse_huge_grid<RS: std::io::Read + std::io::Seek>(
    book: &mut calamine::Xlsx<RS>,
    name: &str,
) -> Result<(), String> {
    let mut cells = match book.worksheet_cells_reader(name) {
        Ok(cells) => cells,
        // Not a worksheet (a chart sheet): calamine gives an empty range for it below.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(()),
        Err(e) => return Err(e.to_string()),
    };
    let (mut row0, mut row1, mut col0, mut col1) = (u32::MAX, 0u32, u32::MAX, 0u32);
    while let Some(cell) = cells.next_cell().map_err(|e| e.to_string())? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (r, c) = cell.get_position();
        row0 = row0.min(r);
        row1 = row1.max(r);
        col0 = col0.min(c);
        col1 = col1.max(c);
        let span = u64::from(row1 - row0 + 1) * u64::from(col1 - col0 + 1);
        if span > MAX_GRID_CELLS {
            return Err(format!(
                "на листе «{name}» заполненные ячейки разбросаны слишком широко (до ячейки {}{}: \
                 больше {MAX_GRID_CELLS} ячеек от первой до последней); удалите лишние значения \
                 далеко от таблицы или скопируйте таблицу в новую книгу",
                column_name(c),
                r + 1
            ));
        }
    }
    Ok(())
}

/// Excel's letters of a 0-based column number (A … Z, AA …).
fn column_name(mut n: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => clean_cell(s),
        Data::Int(n) => n.to_string(),
        Data::Float(x) => number_text(*x),
        Data::Bool(true) => "да".to_string(),
        Data::Bool(false) => "нет".to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if dt.is_datetime() => t.date().format("%d.%m.%Y").to_string(),
            _ => number_text(dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => {
            match chrono::NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
                Ok(date) => date.format("%d.%m.%Y").to_string(),
                Err(_) => clean_cell(s),
            }
        }
        Data::Error(e) => format!("#ОШИБКА {e}"),
    }
}

/// A number as a person typed it: whole numbers without a fraction (ИНН, counts), others with a
/// decimal point as Rust prints them (the value readers accept both point and comma).
fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_digits() {
        assert_eq!(number_text(4703083640.0), "4703083640");
        assert_eq!(number_text(12.5), "12.5");
        assert_eq!(cell_text(&Data::Bool(true)), "да");
    }

    #[test]
    fn junk_with_a_zip_signature_is_a_clear_error() {
        let e = read("x.xlsx", b"PK\x03\x04 not really a zip").unwrap_err();
        assert!(matches!(e, ReadError::Workbook { .. }), "{e}");
        assert!(e.to_string().contains("x.xlsx"));
    }
}
