//! nok's own xlsx reader ([`super::xlsx_book`]) against calamine on real books: the workbooks of
//! calamine's test suite (`tests/data/calamine-books/`, see its README), saved by many programs in
//! the ways users' bug reports brought in. calamine is an independent implementation of the same
//! format, and nok read xlsx through it before its own reader, so every cell of every sheet must
//! read the same both ways; and the rows an import sees (the first sheet with data, as
//! [`super::read_bytes`] gives them) must be those calamine's whole-sheet reading gives.

use std::collections::BTreeMap;
use std::io::{BufReader, Cursor};
use std::path::PathBuf;

use calamine::Reader;

use super::xlsx_book::Book;
use super::xlsx_cell::cell_text;

fn books() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/calamine-books");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .collect();
    paths.sort();
    paths
}

/// The non-empty cells of one sheet by (row, column), 0-based.
type Cells = BTreeMap<(u32, u32), String>;

fn calamine_cells(range: &calamine::Range<calamine::Data>) -> Cells {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    range
        .used_cells()
        .map(|(r, c, d)| ((r0 + r as u32, c0 + c as u32), cell_text(d)))
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

fn our_cells(book: &mut Book<BufReader<std::fs::File>>, index: usize, name: &str) -> Cells {
    let mut out = Cells::new();
    let Some(mut cells) = book.cells(index, name).unwrap() else {
        return out;
    };
    while let Some((r, c, t)) = cells.next_cell().unwrap() {
        if !t.is_empty() {
            out.insert((r, c), t);
        }
    }
    out
}

#[test]
fn every_cell_of_every_sheet_reads_as_calamine_reads_it() {
    let (mut sheets, mut cells, mut refused) = (0, 0, Vec::new());
    let mut differ = Vec::new();
    for path in books() {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let theirs = calamine::open_workbook_auto(&path);
        let ours = Book::open(BufReader::new(std::fs::File::open(&path).unwrap()));
        let (mut theirs, mut ours) = match (theirs, ours) {
            (Ok(t), Ok(Some(o))) => (t, o),
            // A book calamine cannot open is refused by nok too, with a Russian message (both
            // readers, the streamed one and the one of a book in memory).
            (Err(_), _) => {
                let bytes = std::fs::read(&path).unwrap();
                let e = super::read_bytes(&file, &bytes).unwrap_err().to_string();
                assert!(e.contains(&file) && e.contains("книг"), "{file}: {e}");
                refused.push(file);
                continue;
            }
            (Ok(_), other) => panic!("{file}: calamine reads it, nok gives {:?}", other.err()),
        };
        let names: Vec<String> = ours.sheets.iter().map(|s| s.name.clone()).collect();
        assert_eq!(names, theirs.sheet_names(), "{file}: the sheets");
        for (i, name) in names.iter().enumerate() {
            let Ok(range) = theirs.worksheet_range(name) else {
                // A chart or dialog sheet: no cells either way.
                assert!(ours.sheets[i].part.is_none(), "{file} / {name}");
                continue;
            };
            let (want, got) = (calamine_cells(&range), our_cells(&mut ours, i, name));
            sheets += 1;
            cells += want.len();
            if want != got {
                let first = want
                    .keys()
                    .chain(got.keys())
                    .find(|k| want.get(k) != got.get(k))
                    .copied();
                differ.push(format!(
                    "{file} / {name} {first:?}: calamine {:?}, nok {:?}",
                    first.and_then(|k| want.get(&k)),
                    first.and_then(|k| got.get(&k))
                ));
            }
        }
    }
    assert!(differ.is_empty(), "{differ:#?}");
    // The suite as copied (README): 63 books calamine opens, 102 sheets with cells.
    assert_eq!(refused, ["issue252.xlsx", "pass_protected.xlsx"]);
    assert_eq!(sheets, 102);
    assert!(cells > 5_000, "{cells} cells compared");
}

/// The rows an import reads from each book: the first sheet with data, row by row, as calamine's
/// whole sheet lays them out (its rows are padded to the sheet's width and start at its first
/// used row; nok's end at their last filled cell and start at the first row with text).
#[test]
fn the_rows_an_import_reads_are_those_of_calamine() {
    for path in books() {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let Ok(mut theirs) = calamine::open_workbook_auto_from_rs(Cursor::new(&bytes)) else {
            continue;
        };
        let want = theirs.sheet_names().into_iter().find_map(|name| {
            let range = theirs.worksheet_range(&name).ok()?;
            let (r0, c0) = range.start()?;
            let rows: Vec<(usize, Vec<String>)> = range
                .rows()
                .enumerate()
                .map(|(i, r)| {
                    let mut cells = vec![String::new(); c0 as usize];
                    cells.extend(r.iter().map(cell_text));
                    while cells.last().is_some_and(String::is_empty) {
                        cells.pop();
                    }
                    (r0 as usize + i + 1, cells)
                })
                .collect();
            rows.iter().any(|r| !r.1.is_empty()).then_some((name, rows))
        });
        let got = super::read_bytes(&file, &bytes);
        match (want, got) {
            (None, Err(e)) => assert!(e.to_string().contains("нет"), "{file}: {e}"),
            (Some((name, rows)), Ok(sheet)) => {
                assert_eq!(
                    sheet.format,
                    super::Format::Workbook { sheet: name },
                    "{file}"
                );
                let trim = |rows: Vec<(usize, Vec<String>)>| -> Vec<(usize, Vec<String>)> {
                    let first = rows.iter().position(|r| !r.1.is_empty()).unwrap_or(0);
                    let last = rows
                        .iter()
                        .rposition(|r| !r.1.is_empty())
                        .map_or(0, |i| i + 1);
                    rows[first..last].to_vec()
                };
                let ours: Vec<(usize, Vec<String>)> =
                    sheet.rows.into_iter().map(|r| (r.line, r.cells)).collect();
                assert_eq!(trim(ours), trim(rows), "{file}");
            }
            (want, got) => panic!("{file}: calamine {want:?}, nok {:?}", got.map(|s| s.format)),
        }
    }
}

/// A book with a password on opening is refused saying so, whatever its format (calamine's own
/// format detection only says it cannot tell).
#[test]
fn a_book_with_a_password_is_refused_saying_so() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/calamine-books");
    for file in [
        "pass_protected.xlsx",
        "pass_protected.xlsb",
        "pass_protected.ods",
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let e = super::read_bytes(file, &bytes).unwrap_err().to_string();
        assert!(
            e.contains(file) && e.contains("защищена паролем"),
            "{file}: {e}"
        );
    }
}
