//! Numbered tables as they come from documents: a header row (repeated on every page), section
//! rows («II. План мероприятий», «1. Подготовка…», «I. Открытость…»), items numbered `1`, `1.1.`,
//! `2.3` with or without a trailing dot, and items wrapped over several lines — a line whose number
//! cell is empty continues the previous item, cell by cell. [`read`] reads rows already in memory
//! (a document); [`Reader`] reads them one at a time (a plan table streamed from a CSV or xlsx).

use super::Row;
use super::headers::{Field, HeaderMap, is_header};
use super::values::{item_number, section_heading};

/// What a line of a numbered table turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A section heading: its number as written (`II`, `1`) and title.
    Section {
        line: usize,
        number: String,
        title: String,
    },
    Item(Item),
}

/// A numbered item with its cells, joined over the lines it was wrapped on.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The line it starts on.
    pub line: usize,
    /// The last line it continues on.
    pub last_line: usize,
    /// The number without a trailing dot, e.g. `1.1`.
    pub number: String,
    /// One text per field (in the order of the header's fields); "" where the column is absent.
    pub cells: Vec<String>,
}

/// A numbered table read from rows after its header.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub entries: Vec<Entry>,
    /// Lines that are neither items, continuations nor sections: (line, text) — reported.
    pub stray: Vec<(usize, String)>,
    /// Those of [`Table::stray`] that may be items with a wrong number: the number cell holds
    /// something else than a number (`abc`, `1.а`) and another cell is filled too — (line, the
    /// number cell). A lone word in the number column («Итого») is not one; whether the others
    /// are (a signature «Директор | Смирнова» is not) the caller decides by their cells.
    pub bad_numbers: Vec<(usize, String)>,
    /// Header rows met again (page breaks) and skipped.
    pub repeated_headers: usize,
}

impl Table {
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Item(i) => Some(i),
            Entry::Section { .. } => None,
        })
    }
}

/// Reads the rows that follow a header row. `number_field` is the index of the «№» field in
/// `fields`; `min_header` is how many fields make a row a (repeated) header.
pub fn read(
    rows: &[Row],
    header: &HeaderMap,
    fields: &[Field],
    number_field: usize,
    min_header: usize,
) -> Table {
    let mut table = Table::default();
    let mut reader = Reader::new(header, fields, number_field, min_header);
    let mut out = Vec::new();
    let take = |out: &mut Vec<Event>, table: &mut Table| {
        for event in out.drain(..) {
            match event {
                Event::Entry(e) => table.entries.push(e),
                Event::Stray { line, text, number } => {
                    if let Some(number) = number {
                        table.bad_numbers.push((line, number));
                    }
                    table.stray.push((line, text));
                }
            }
        }
    };
    for row in rows {
        reader.push(row, &mut out);
        take(&mut out, &mut table);
    }
    reader.finish(&mut out);
    take(&mut out, &mut table);
    table.repeated_headers = reader.repeated_headers;
    table
}

/// What a line of a numbered table gives, as [`Reader`] reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A section, or an item once the lines it is wrapped on have ended.
    Entry(Entry),
    /// A line that is neither an item, a continuation nor a section: its text; `number` is the
    /// number cell when it holds something else than a number and another cell is filled too
    /// (see [`Table::bad_numbers`]).
    Stray {
        line: usize,
        text: String,
        number: Option<String>,
    },
}

/// A numbered table read one row at a time (a plan table of a million rows is never held whole):
/// the rules of [`read`], keeping only the item still being wrapped. A section or a new item
/// ends it; a stray line does not (it is given out at once, so it may come before the item it
/// follows in the file).
pub struct Reader<'h> {
    header: &'h HeaderMap,
    fields: &'h [Field],
    number_field: usize,
    min_header: usize,
    /// The item whose continuation lines may still come.
    pending: Option<Item>,
    /// Header rows met again (page breaks) and skipped.
    pub repeated_headers: usize,
}

impl<'h> Reader<'h> {
    pub fn new(
        header: &'h HeaderMap,
        fields: &'h [Field],
        number_field: usize,
        min_header: usize,
    ) -> Reader<'h> {
        Reader {
            header,
            fields,
            number_field,
            min_header,
            pending: None,
            repeated_headers: 0,
        }
    }

    /// Reads one row after the header; what it completes goes to `out` (an item is given out
    /// when the next section or item starts, or at [`Reader::finish`]).
    pub fn push(&mut self, row: &Row, out: &mut Vec<Event>) {
        if row.is_blank() {
            return;
        }
        let number_text = self
            .header
            .col(self.number_field)
            .map_or("", |c| row.cell(c));
        let number = item_number(number_text);
        // A row numbered as an item is an item: a repeated header has a title, not a number, in
        // its «№» column (and the header check, fuzzy over every cell, is most of the cost of a
        // row).
        if number.is_none() && is_header(row, self.fields, self.min_header).is_some() {
            self.repeated_headers += 1;
            return;
        }
        let filled: Vec<(usize, &str)> = row.filled().collect();
        // A single filled cell with a heading: a section, whatever column it landed in.
        if let [(_, only)] = filled.as_slice()
            && let Some((number, title)) = section_heading(only)
        {
            self.flush(out);
            out.push(Event::Entry(Entry::Section {
                line: row.line,
                number,
                title,
            }));
            return;
        }
        let stray = |number: Option<String>| {
            let text: Vec<&str> = filled.iter().map(|(_, t)| *t).collect();
            Event::Stray {
                line: row.line,
                text: text.join(" | "),
                number,
            }
        };
        if !number_text.is_empty() {
            if let Some(number) = number {
                let cells = (0..self.fields.len())
                    .map(|f| {
                        if f == self.number_field {
                            number.clone()
                        } else {
                            self.header.get(row, f).to_string()
                        }
                    })
                    .collect();
                self.flush(out);
                self.pending = Some(Item {
                    line: row.line,
                    last_line: row.line,
                    number,
                    cells,
                });
            } else {
                let number = (filled.len() > 1).then(|| number_text.to_string());
                out.push(stray(number));
            }
            return;
        }
        // No number: the continuation of the item above, cell by cell.
        match &mut self.pending {
            Some(item) => {
                for (f, cell) in item.cells.iter_mut().enumerate() {
                    if f == self.number_field {
                        continue;
                    }
                    let more = self.header.get(row, f);
                    if more.is_empty() {
                        continue;
                    }
                    if !cell.is_empty() {
                        cell.push(' ');
                    }
                    cell.push_str(more);
                }
                item.last_line = row.line;
            }
            _ => out.push(stray(None)),
        }
    }

    /// The line of the item still being read (its continuation lines may still come).
    pub fn pending_line(&self) -> Option<usize> {
        self.pending.as_ref().map(|i| i.line)
    }

    /// Gives out the last item (the end of the table).
    pub fn finish(&mut self, out: &mut Vec<Event>) {
        self.flush(out);
    }

    fn flush(&mut self, out: &mut Vec<Event>) {
        if let Some(item) = self.pending.take() {
            out.push(Event::Entry(Entry::Item(item)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::import::headers::map_row;

    const FIELDS: &[Field] = &[
        Field {
            id: "number",
            title: "№",
            synonyms: &["№ п/п", "№"],
            unlike: &[],
        },
        Field {
            id: "measure",
            title: "Мероприятие",
            synonyms: &["наименование мероприятия", "мероприятие"],
            unlike: &[],
        },
        Field {
            id: "deadline",
            title: "Срок",
            synonyms: &["сроки исполнения", "срок исполнения"],
            unlike: &[],
        },
        Field {
            id: "executors",
            title: "Исполнители",
            synonyms: &["ответственные исполнители", "ответственный исполнитель"],
            unlike: &[],
        },
    ];

    fn rows(text: &str) -> Vec<Row> {
        text.lines()
            .enumerate()
            .map(|(i, l)| Row {
                line: i + 1,
                cells: l.split('\t').map(str::to_string).collect(),
            })
            .collect()
    }

    #[test]
    fn wrapped_rows_sections_and_repeated_headers() {
        let all = rows(
            "№ п/п\tМероприятие\tСрок исполнения\tОтветственный исполнитель\n\
             II. План мероприятий\n\
             1\tОрганизация заседаний:\t\t\n\
             1.1.\tоб итогах оценки\tI квартал 2016 г.\tЗапара О.С.\n\
             \n\
             \tи предложениях\tIV квартал 2017 г.\tОбщественный совет\n\
             №\tМероприятие\tСрок исполнения\tОтветственный исполнитель\n\
             2.\tАнкета на сайте\tПостоянно\tПетров О.Ю.\n\
             Итого\t\t\t\n\
             abc\tСовещание\t31.12.2025\t",
        );
        let header = map_row(&all[0], FIELDS);
        let t = read(&all[1..], &header, FIELDS, 0, 2);
        assert_eq!(t.repeated_headers, 1);
        assert_eq!(
            t.entries[0],
            Entry::Section {
                line: 2,
                number: "II".into(),
                title: "План мероприятий".into()
            }
        );
        let items: Vec<&Item> = t.items().collect();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].number, "1");
        assert_eq!(items[1].number, "1.1");
        assert_eq!(items[1].cells[1], "об итогах оценки и предложениях");
        assert_eq!(items[1].cells[2], "I квартал 2016 г. IV квартал 2017 г.");
        assert_eq!(items[1].cells[3], "Запара О.С. Общественный совет");
        assert_eq!((items[1].line, items[1].last_line), (4, 6));
        assert_eq!(items[2].number, "2");
        assert_eq!(
            t.stray,
            vec![
                (9, "Итого".to_string()),
                (10, "abc | Совещание | 31.12.2025".to_string())
            ]
        );
        assert_eq!(t.bad_numbers, vec![(10, "abc".to_string())]);
    }
}
