//! Numbered tables as they come from documents: a header row (repeated on every page), section
//! rows («II. План мероприятий», «1. Подготовка…», «I. Открытость…»), items numbered `1`, `1.1.`,
//! `2.3` with or without a trailing dot, and items wrapped over several lines — a line whose number
//! cell is empty continues the previous item, cell by cell.

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
    let number_col = header.col(number_field);
    for row in rows {
        if row.is_blank() {
            continue;
        }
        if is_header(row, fields, min_header).is_some() {
            table.repeated_headers += 1;
            continue;
        }
        let filled: Vec<(usize, &str)> = row.filled().collect();
        let number_text = number_col.map_or("", |c| row.cell(c));
        // A single filled cell with a heading: a section, whatever column it landed in.
        if let [(_, only)] = filled.as_slice()
            && let Some((number, title)) = section_heading(only)
        {
            table.entries.push(Entry::Section {
                line: row.line,
                number,
                title,
            });
            continue;
        }
        if !number_text.is_empty() {
            if let Some(number) = item_number(number_text) {
                let cells = (0..fields.len())
                    .map(|f| {
                        if Some(f) == Some(number_field) {
                            number.clone()
                        } else {
                            header.get(row, f).to_string()
                        }
                    })
                    .collect();
                table.entries.push(Entry::Item(Item {
                    line: row.line,
                    last_line: row.line,
                    number,
                    cells,
                }));
            } else {
                let text: Vec<&str> = filled.iter().map(|(_, t)| *t).collect();
                table.stray.push((row.line, text.join(" | ")));
                if filled.len() > 1 {
                    table.bad_numbers.push((row.line, number_text.to_string()));
                }
            }
            continue;
        }
        // No number: the continuation of the item above, cell by cell.
        match table.entries.last_mut() {
            Some(Entry::Item(item)) => {
                for (f, cell) in item.cells.iter_mut().enumerate() {
                    if f == number_field {
                        continue;
                    }
                    let more = header.get(row, f);
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
            _ => {
                let text: Vec<&str> = filled.iter().map(|(_, t)| *t).collect();
                table.stray.push((row.line, text.join(" | ")));
            }
        }
    }
    table
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
        },
        Field {
            id: "measure",
            title: "Мероприятие",
            synonyms: &["наименование мероприятия", "мероприятие"],
        },
        Field {
            id: "deadline",
            title: "Срок",
            synonyms: &["сроки исполнения", "срок исполнения"],
        },
        Field {
            id: "executors",
            title: "Исполнители",
            synonyms: &["ответственные исполнители", "ответственный исполнитель"],
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
