//! Tables printed by the CLI: aligned text for a terminal, or CSV for Excel.

use std::io::Write;

use unicode_width::UnicodeWidthStr;

use crate::domain::text::printable;
pub use crate::exchange::csv::Cell;
use crate::exchange::csv::write_excel_csv;

/// How a table is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Таблица с выровненными колонками для чтения в терминале.
    #[default]
    Table,
    /// CSV для Excel: UTF-8 с BOM, «;», десятичная запятая.
    Csv,
}

/// A header row and rows of cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Saves `table` in `dir` as Excel CSV (`<stem>.csv`) or as a workbook (`<stem>.xlsx`; then
/// `sheet` names its sheet), `<stem>-2…` when the name is taken: written under a temporary name
/// and renamed, so a half-written file never carries the final name. Returns the file written.
pub fn save(
    dir: &std::path::Path,
    stem: &str,
    sheet: &str,
    table: &Table,
    xlsx: bool,
) -> anyhow::Result<std::path::PathBuf> {
    let ext = if xlsx { "xlsx" } else { "csv" };
    let mut path = dir.join(format!("{stem}.{ext}"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem}-{n}.{ext}"));
        n += 1;
    }
    let tmp = dir.join(format!(".{stem}.{ext}.tmp-{}", std::process::id()));
    let written = (|| -> anyhow::Result<()> {
        if xlsx {
            let mut book = crate::exchange::xlsx::XlsxTable::new(sheet, &table.headers)?;
            for row in &table.rows {
                book.push(row)?;
            }
            book.save(&tmp)?;
        } else {
            let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            table.write(Format::Csv, &mut out)?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        }
        std::fs::rename(&tmp, &path)?;
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map(|()| path)
}

/// Text cells wider than this are cut with «…» in the text form (CSV keeps them whole).
const MAX_TEXT_WIDTH: usize = 60;

impl Table {
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// Prints the table in `format`.
    pub fn write(&self, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
        match format {
            Format::Csv => write_excel_csv(out, &self.headers, self.rows.iter().cloned()),
            Format::Table => self.write_text(out),
        }
    }

    fn write_text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let mut layout = TextLayout::new(&self.headers);
        for row in &self.rows {
            layout.measure(row);
        }
        layout.write_headers(out)?;
        for row in &self.rows {
            layout.write_row(row, out)?;
        }
        Ok(())
    }
}

/// The aligned text form of a table laid out from the rows it has seen: each column as wide as
/// its widest cell (text cut at [`MAX_TEXT_WIDTH`]), numeric columns aligned right. A table too
/// big to hold is printed in two passes over its source: every row measured, then every row
/// written.
pub struct TextLayout {
    headers: Vec<String>,
    widths: Vec<usize>,
    numeric: Vec<bool>,
}

impl TextLayout {
    pub fn new(headers: &[String]) -> TextLayout {
        TextLayout {
            headers: headers.to_vec(),
            widths: headers.iter().map(|h| h.width()).collect(),
            numeric: vec![false; headers.len()],
        }
    }

    /// Widens the columns for `row`.
    pub fn measure(&mut self, row: &[Cell]) {
        for (i, c) in row.iter().enumerate() {
            if let Some(w) = self.widths.get_mut(i) {
                *w = (*w).max(text(c).width());
                self.numeric[i] |= c.is_numeric();
            }
        }
    }

    /// The header line and the rule under it.
    pub fn write_headers(&self, out: &mut dyn Write) -> std::io::Result<()> {
        self.line(out, &self.headers)?;
        let rule: Vec<String> = self.widths.iter().map(|w| "─".repeat(*w)).collect();
        self.line(out, &rule)
    }

    /// One row, padded to the measured widths.
    pub fn write_row(&self, row: &[Cell], out: &mut dyn Write) -> std::io::Result<()> {
        let cells: Vec<String> = row.iter().map(text).collect();
        self.line(out, &cells)
    }

    fn line(&self, out: &mut dyn Write, row: &[String]) -> std::io::Result<()> {
        let mut line = String::new();
        for (i, c) in row.iter().enumerate() {
            let width = self.widths.get(i).copied().unwrap_or(0);
            let pad = width.saturating_sub(c.width());
            if i > 0 {
                line.push_str("  ");
            }
            if self.numeric.get(i).copied().unwrap_or(false) {
                line.push_str(&" ".repeat(pad));
                line.push_str(c);
            } else {
                line.push_str(c);
                if i + 1 < row.len() {
                    line.push_str(&" ".repeat(pad));
                }
            }
        }
        writeln!(out, "{}", line.trim_end())
    }
}

/// A cell as the text form shows it: printable, cut at [`MAX_TEXT_WIDTH`].
fn text(c: &Cell) -> String {
    cut(&printable(&c.display()), MAX_TEXT_WIDTH)
}

/// Cuts `text` to at most `max` columns, ending with «…» when cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in text.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_table_aligns_and_cuts() {
        let mut t = Table::new(&["Место", "Организация", "S"]);
        t.push(vec![
            Cell::Int(1),
            Cell::Text("ГБУ «Ромашка»".into()),
            Cell::Dec(98.5, 2),
        ]);
        t.push(vec![
            Cell::Int(10),
            Cell::Text("Я".repeat(80)),
            Cell::Dec(7.0, 2),
        ]);
        let mut out = Vec::new();
        t.write(Format::Table, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            ["Место", "Организация", "S"]
        );
        assert!(lines[2].starts_with("    1  ГБУ «Ромашка»"), "{text}");
        assert!(lines[2].ends_with("98,50"));
        assert!(lines[3].ends_with(" 7,00"));
        assert!(lines[3].contains('…'));
        assert_eq!(lines[2].width(), lines[3].width());
    }

    #[test]
    fn cut_respects_width() {
        assert_eq!(cut("абвгд", 5), "абвгд");
        assert_eq!(cut("абвгде", 5), "абвг…");
    }
}
