//! A cell's text as nok reads it, whichever reader found the cell (nok's own xlsx part reader,
//! `xlsx_book`, or calamine for xls, xlsb and ods, `xlsx`), and Excel's letters of a column for
//! messages. Both readers import this file; it imports neither.

use calamine::Data;

use super::clean_cell;

/// Excel's letters of a 0-based column number (A … Z, AA …).
pub(super) fn column_name(mut n: u32) -> String {
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

/// A cell's text as nok reads it (the streamed reader turns its values into [`Data`] for this).
pub(super) fn cell_text(d: &Data) -> String {
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
        assert_eq!(cell_text(&Data::Float(4703083640.0)), "4703083640");
        assert_eq!(
            cell_text(&Data::String(" ГБУ\n«Ромашка» ".into())),
            "ГБУ «Ромашка»"
        );
    }

    #[test]
    fn column_names_are_excels() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        // Excel's last column, 16,384th.
        assert_eq!(column_name(16_383), "XFD");
    }
}
