//! CSV that opens cleanly in Excel with a Russian locale: UTF-8 with BOM, `;` between fields,
//! decimal comma, dates ДД.ММ.ГГГГ, and text cells that a spreadsheet would take for a formula,
//! a number or a date written so that they stay this text ([`neutralise`]).

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
            Cell::Dec(x, digits) => Cow::Owned(crate::domain::decimal::fixed(*x, *digits)),
            Cell::Date(d) => Cow::Owned(d.format("%d.%m.%Y").to_string()),
            Cell::Empty => Cow::Borrowed(""),
        }
    }

    /// Numbers align right in a text table.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Dec(..))
    }
}

/// Longest string literal Excel accepts inside a formula.
const EXCEL_LITERAL: usize = 255;
/// Longest formula Excel accepts (8,192 characters), with room for the `=` and the `&`s.
const EXCEL_FORMULA: usize = 8_000;

/// How a text cell is written so that both Excel (any locale) and LibreOffice Calc show exactly
/// this text: never evaluated as a formula, never turned into a number or a date.
///
/// Text a spreadsheet would read otherwise — starting with a formula sign (`=`, `+`, `-`, `@`,
/// tab, CR, LF), or made of digits and number or date punctuation only (codes like ИНН
/// `0105012349` lose the zero, regNum `0312345678901` becomes 3.12E+11, `1.1` becomes a date)
/// — is written as a formula whose only content is a string literal: `="0105012349"`. Both
/// programs evaluate it to the text itself (no functions, no references, nothing locale-dependent;
/// `"` doubled inside). Longer texts are joined from literals of at most 255 characters
/// (`="…"&"…"`), Excel's limit. A text too long even for that (over 8,000 characters) keeps the
/// older guard, a leading apostrophe: shown, but never evaluated. Other text is written as is.
///
/// First of all, control characters and escape sequences are removed (the same cleaning as on
/// screen, [`printable_text`]: line breaks and tabs stay).
pub fn neutralise(text: &str) -> Cow<'_, str> {
    let clean = printable_text(text);
    let first = clean.chars().next();
    let risky = matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n'))
        || looks_like_a_number(&clean);
    if !risky {
        return clean;
    }
    let chars: Vec<char> = clean.chars().collect();
    let mut formula = String::with_capacity(clean.len() + 8);
    formula.push('=');
    for (i, chunk) in chars.chunks(EXCEL_LITERAL).enumerate() {
        if i > 0 {
            formula.push('&');
        }
        formula.push('"');
        for c in chunk {
            if *c == '"' {
                formula.push('"');
            }
            formula.push(*c);
        }
        formula.push('"');
    }
    if formula.chars().count() > EXCEL_FORMULA {
        return Cow::Owned(format!("'{clean}"));
    }
    Cow::Owned(formula)
}

/// What a spreadsheet shows for a CSV field that is a formula of string literals only
/// (`="0105012349"`, `="…"&"…"`, as [`neutralise`] writes): the literals joined. `None` for any
/// other field, which is then read as it stands. Lets `nok` read back the CSV it wrote (an
/// inputs template filled in a text editor) as a spreadsheet would.
pub fn shown_literal(field: &str) -> Option<String> {
    let mut chars = field.strip_prefix('=')?.chars().peekable();
    let mut out = String::with_capacity(field.len());
    loop {
        if chars.next()? != '"' {
            return None;
        }
        loop {
            match chars.next()? {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    out.push('"');
                }
                '"' => break,
                c => out.push(c),
            }
        }
        match chars.next() {
            None => return Some(out),
            Some('&') => {}
            Some(_) => return None,
        }
    }
}

/// Whether a spreadsheet may read `text` as a number, a date, a time or a percentage: it starts
/// with a digit (or `(`, `.`, `,`) and has nothing but digits, spaces and number or date
/// punctuation. «1.1 Число материалов» or «1-я гимназия» stay text anyway.
fn looks_like_a_number(text: &str) -> bool {
    let t = text.trim_matches(|c: char| c == ' ' || c == '\u{a0}');
    t.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, '(' | '.' | ','))
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars().all(|c| {
            c.is_ascii_digit()
                || matches!(
                    c,
                    ' ' | '\u{a0}'
                        | '.'
                        | ','
                        | ':'
                        | '/'
                        | '-'
                        | '+'
                        | '%'
                        | '('
                        | ')'
                        | 'e'
                        | 'E'
                )
        })
}

/// Writes a header row and rows as Excel CSV (BOM, `;`, decimal comma, CRLF line ends).
pub fn write_excel_csv<W: Write>(
    out: W,
    headers: &[String],
    rows: impl IntoIterator<Item = Vec<Cell>>,
) -> std::io::Result<()> {
    let mut w = ExcelCsv::new(out, headers)?;
    for row in rows {
        w.row(&row)?;
    }
    w.finish()?;
    Ok(())
}

/// Excel CSV written a row at a time, as [`write_excel_csv`] writes it (for rows streamed from
/// a query: nothing is held but the row).
pub struct ExcelCsv<W: Write> {
    w: ::csv::Writer<W>,
}

impl<W: Write> ExcelCsv<W> {
    /// Starts the file: the BOM and the header row.
    pub fn new(mut out: W, headers: &[String]) -> std::io::Result<ExcelCsv<W>> {
        out.write_all("\u{feff}".as_bytes())?;
        let mut w = ::csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(::csv::Terminator::CRLF)
            .from_writer(out);
        w.write_record(headers.iter().map(|h| neutralise(h).into_owned()))?;
        Ok(ExcelCsv { w })
    }

    /// Appends a row.
    pub fn row(&mut self, row: &[Cell]) -> std::io::Result<()> {
        self.w.write_record(row.iter().map(|c| match c {
            Cell::Text(s) => neutralise(s).into_owned(),
            other => other.display().into_owned(),
        }))?;
        Ok(())
    }

    /// Flushes what is written and gives the writer back.
    pub fn finish(self) -> std::io::Result<W> {
        self.w.into_inner().map_err(|e| e.into_error())
    }
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
            "Место;Организация;S;Дата\r\n1;\"=\"\"=HYPERLINK(\"\"\"\"x\"\"\"\"); «Ромашка»\"\"\";92,46;29.02.2024\r\n"
        );
    }

    #[test]
    fn neutralise_leaves_ordinary_text_and_wraps_codes_and_formulas_in_a_literal() {
        assert_eq!(neutralise("ГБУ «Ромашка»"), "ГБУ «Ромашка»");
        assert_eq!(neutralise("Школа № 5"), "Школа № 5");
        assert_eq!(neutralise("1.1 Число материалов"), "1.1 Число материалов");
        assert_eq!(neutralise("1-я гимназия"), "1-я гимназия");
        assert_eq!(neutralise("1.1"), "=\"1.1\"");
        assert_eq!(neutralise("1 000,5"), "=\"1 000,5\"");
        assert_eq!(neutralise("12:30"), "=\"12:30\"");
        assert_eq!(neutralise("-5"), "=\"-5\"");
        assert_eq!(neutralise("@SUM(A1)"), "=\"@SUM(A1)\"");
        assert_eq!(neutralise("0105012349"), "=\"0105012349\"");
        assert_eq!(neutralise("01.02"), "=\"01.02\"");
        assert_eq!(neutralise("+7 (4922) 32-00-00"), "=\"+7 (4922) 32-00-00\"");
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\")"),
            "=\"=HYPERLINK(\"\"http://x\"\")\""
        );
        // 300 characters: a literal of 255 and one of 45, joined.
        let long = format!("-{}", "я".repeat(299));
        let expected = format!("=\"-{}\"&\"{}\"", "я".repeat(254), "я".repeat(45));
        assert_eq!(neutralise(&long), expected);
        // What a spreadsheet shows is the text itself.
        for t in [
            "0105012349",
            "=HYPERLINK(\"x\")",
            long.as_str(),
            "+7 \"Ко\"",
        ] {
            assert_eq!(shown_literal(&neutralise(t)).as_deref(), Some(t));
        }
        assert_eq!(shown_literal("=1+2"), None);
        assert_eq!(shown_literal("=\"a\"&B1"), None);
        assert_eq!(shown_literal("ГБУ"), None);
        // Too long for a formula: the apostrophe.
        let huge = format!("={}", "a".repeat(9000));
        assert_eq!(neutralise(&huge), format!("'{huge}"));
    }
}
