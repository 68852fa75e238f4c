//! CSV that opens cleanly in Excel with a Russian locale: UTF-8 with BOM, `;` between fields,
//! decimal comma, dates ДД.ММ.ГГГГ, and cells that could be read as formulas neutralised.

use std::borrow::Cow;
use std::io::Write;

use chrono::NaiveDate;

use crate::domain::text::printable_text;

/// A cell of a table written for people.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A decimal shown with `digits` fraction digits and a decimal comma.
    Dec(f64, usize),
    Date(NaiveDate),
    Empty,
}

impl Cell {
    /// The text as a person reads it (decimal comma, ДД.ММ.ГГГГ).
    pub fn display(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Int(n) => Cow::Owned(n.to_string()),
            Cell::Dec(x, digits) => Cow::Owned(format!("{x:.digits$}").replace('.', ",")),
            Cell::Date(d) => Cow::Owned(d.format("%d.%m.%Y").to_string()),
            Cell::Empty => Cow::Borrowed(""),
        }
    }

    /// Numbers align right in a text table.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Dec(..))
    }
}

/// A text cell as written to a file for people: control characters and escape sequences are
/// removed (the same cleaning as on screen, [`printable_text`]: line breaks and tabs stay), and
/// text that Excel would take for a formula (`=`, `+`, `-`, `@`, tab at the start) gets a leading
/// apostrophe, so it is shown as text and never evaluated.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    let clean = printable_text(text);
    match clean.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{clean}")),
        _ => clean,
    }
}

/// Writes a header row and rows as Excel CSV (BOM, `;`, decimal comma, CRLF line ends).
pub fn write_excel_csv<W: Write>(
    out: W,
    headers: &[String],
    rows: impl IntoIterator<Item = Vec<Cell>>,
) -> std::io::Result<()> {
    let mut out = out;
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(headers.iter().map(|h| neutralise(h).into_owned()))?;
    for row in rows {
        w.write_record(row.iter().map(|c| match c {
            Cell::Text(s) => neutralise(s).into_owned(),
            other => other.display().into_owned(),
        }))?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_csv_has_bom_semicolons_decimal_comma_and_neutralised_cells() {
        let mut buf = Vec::new();
        write_excel_csv(
            &mut buf,
            &[
                "Место".into(),
                "Организация".into(),
                "S".into(),
                "Дата".into(),
            ],
            vec![vec![
                Cell::Int(1),
                Cell::Text("=HYPERLINK(\"x\"); «Ромашка»".into()),
                Cell::Dec(92.456, 2),
                Cell::Date(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()),
            ]],
        )
        .unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert_eq!(
            text.trim_start_matches('\u{feff}'),
            "Место;Организация;S;Дата\r\n1;\"'=HYPERLINK(\"\"x\"\"); «Ромашка»\";92,46;29.02.2024\r\n"
        );
    }

    #[test]
    fn neutralise_leaves_ordinary_text() {
        assert_eq!(neutralise("ГБУ «Ромашка»"), "ГБУ «Ромашка»");
        assert_eq!(neutralise("-5"), "'-5");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
    }
}
