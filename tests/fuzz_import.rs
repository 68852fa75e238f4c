//! Fuzzing the importers (`nok::exchange::import`, `nok::service::import`) with proptest for a
//! fixed budget: any bytes — random, cut short, in the wrong encoding, posing as a workbook — are
//! read into rows or refused with a Russian message naming the file, never a panic; a table
//! written as Excel writes it (UTF-8 with BOM and `;`, Windows-1251, or tab text pasted from a
//! document) reads back cell for cell; and any table run through every kind of import (dry run
//! against a demo database) gives a preview or a Russian error.
//!
//! Budget: `PROPTEST_CASES`; `fuzz/run.sh` reruns with a bigger one; failing cases are kept in
//! `fuzz/regressions/fuzz_import.txt`.

mod fuzz_support;

use chrono::NaiveDate;
use nok::exchange::import::{MAX_CELL_CHARS, Row, Sheet, read_bytes};
use nok::service::import::{Kind, dry_run};
use proptest::prelude::*;

fn config(default: u32) -> ProptestConfig {
    fuzz_support::config("fuzz_import", default)
}

const SOURCE: &str = "проверка.csv";

/// What every successful read promises.
fn check_sheet(sheet: &Sheet) {
    let mut last = 0;
    for row in &sheet.rows {
        assert!(row.line >= last, "lines go back: {} after {last}", row.line);
        last = row.line;
        for cell in &row.cells {
            assert!(cell.chars().count() <= MAX_CELL_CHARS);
            assert_eq!(cell.trim(), cell, "cell not trimmed: {cell:?}");
            assert!(!cell.contains("  "), "spaces not collapsed: {cell:?}");
            assert!(!cell.contains(['\n', '\r', '\t']), "{cell:?}");
        }
    }
}

/// What every refusal promises: Russian, naming the file.
fn check_refusal(message: &str) {
    assert!(message.contains(SOURCE), "the file is not named: {message}");
    assert!(
        message.starts_with("файл") || message.starts_with("книга"),
        "{message}"
    );
}

fn read_any(bytes: &[u8]) {
    match read_bytes(SOURCE, bytes) {
        Ok(sheet) => check_sheet(&sheet),
        Err(e) => check_refusal(&e.to_string()),
    }
}

/// Text of a cell as people type it: letters of both alphabets, digits, inner spaces, quotes,
/// punctuation (no delimiter of the file's own kind: that is quoted in CSV and impossible in
/// pasted text).
fn cell_text() -> impl Strategy<Value = String> {
    "[А-Яа-яЁёA-Za-z0-9][А-Яа-яЁёA-Za-z0-9 .,«»№()/-]{0,24}"
        .prop_map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn table() -> impl Strategy<Value = Vec<Vec<String>>> {
    (2usize..6).prop_flat_map(|width| {
        prop::collection::vec(prop::collection::vec(cell_text(), width), 2..12)
    })
}

fn cells(sheet: &Sheet) -> Vec<Vec<String>> {
    sheet.rows.iter().map(|r: &Row| r.cells.clone()).collect()
}

fn excel_csv(table: &[Vec<String>]) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in table {
        w.write_record(row).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn any_bytes_read_or_are_refused_in_russian(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        read_any(&bytes);
    }

    #[test]
    fn bytes_posing_as_a_workbook_are_refused_in_russian(
        zip in any::<bool>(),
        tail in prop::collection::vec(any::<u8>(), 0..1024),
    ) {
        let mut bytes = if zip { b"PK\x03\x04".to_vec() } else { b"\xD0\xCF\x11\xE0".to_vec() };
        bytes.extend(tail);
        read_any(&bytes);
    }

    #[test]
    fn text_with_quotes_and_delimiters_anywhere_reads(text in "[;,\t\"\r\n a-zА-я0-9«»]{0,300}") {
        read_any(text.as_bytes());
        read_any(&text_1251(&text));
    }

    #[test]
    fn a_table_written_as_excel_writes_it_reads_back(table in table(), bom in any::<bool>()) {
        let text = excel_csv(&table);
        let mut utf8 = if bom { "\u{feff}".as_bytes().to_vec() } else { Vec::new() };
        utf8.extend_from_slice(text.as_bytes());
        let sheet = read_bytes(SOURCE, &utf8).unwrap();
        check_sheet(&sheet);
        prop_assert_eq!(cells(&sheet), table.clone());

        let sheet = read_bytes(SOURCE, &text_1251(&text)).unwrap();
        prop_assert_eq!(cells(&sheet), table.clone());

        // Cut short anywhere: still rows or a Russian refusal.
        let cut = utf8.len() / 2;
        read_any(&utf8[..cut]);
    }

    #[test]
    fn a_table_pasted_from_a_document_reads_back(table in table()) {
        let text: String = table
            .iter()
            .map(|r| r.join("\t"))
            .collect::<Vec<_>>()
            .join("\r\n");
        let sheet = read_bytes(SOURCE, text.as_bytes()).unwrap();
        check_sheet(&sheet);
        prop_assert_eq!(cells(&sheet), table);
    }
}

fn text_1251(text: &str) -> Vec<u8> {
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    bytes.into_owned()
}

/// Header words of every kind of import, mixed into random tables so the readers get past the
/// header search into the rows.
const HEADERS: &[&str] = &[
    "Полное наименование",
    "Сокращенное наименование",
    "ИНН",
    "КПП",
    "ОГРН",
    "Код по Сводному реестру",
    "Сфера",
    "Регион",
    "Адрес",
    "Сайт",
    "№ п/п",
    "Наименование недостатка",
    "Наименование мероприятия",
    "Плановый срок реализации",
    "Ответственный исполнитель",
    "Результат",
    "Показатели",
    "Срок",
    "Критерий",
    "1.1.stand_present",
    "1.1.stand_required",
    "1.3.asked_site",
    "Раздел I",
    "I.",
    "1.",
    "1.1",
    "2",
    "культура",
    "образование",
    "7707083893",
    "770701001",
    "1027700132195",
    "01.12.2025",
    "IV квартал 2026 г.",
    "постоянно",
    "=СУММ(A1)",
    "",
    "да",
    "нет",
    "12,5",
    "-3",
];

fn import_table() -> impl Strategy<Value = Vec<Vec<String>>> {
    let cell = prop_oneof![
        3 => prop::sample::select(HEADERS).prop_map(str::to_string),
        1 => cell_text(),
    ];
    prop::collection::vec(prop::collection::vec(cell, 1..8), 0..10)
}

fn sheet_of(table: &[Vec<String>]) -> Sheet {
    // Through the reader, as a real file would come.
    let text: String = table
        .iter()
        .map(|r| r.join("\t"))
        .collect::<Vec<_>>()
        .join("\n");
    match read_bytes(SOURCE, text.as_bytes()) {
        Ok(s) => s,
        Err(_) => read_bytes(SOURCE, "a\tb\n".as_bytes()).unwrap(),
    }
}

#[test]
fn any_table_through_every_import_gives_a_preview_or_a_russian_error() {
    let dir = tempfile::tempdir().unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let opts = nok::service::demo::DemoOptions {
        orgs: 40,
        seed: 3,
        today,
    };
    let methods = nok::service::methodology::Methods::builtin().unwrap();
    let path = dir.path().join("demo.sqlite");
    let conn = nok::service::demo::open_or_build(&path, &opts, false, &methods, &mut |_| {})
        .unwrap()
        .conn;
    let conn = std::cell::RefCell::new(conn);
    let (cycle, authority): (i64, String) = conn
        .borrow()
        .query_row(
            "SELECT c.id, a.inn FROM cycle c JOIN authority a ON a.id = c.authority_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let kinds = [
        Kind::Orgs,
        Kind::Inputs { cycle_id: cycle },
        Kind::Plan {
            cycle_id: cycle,
            org: None,
        },
        Kind::Workplan {
            authority,
            title: None,
        },
    ];
    let mut runner = proptest::test_runner::TestRunner::new(config(120));
    runner
        .run(&import_table(), |table| {
            let sheet = sheet_of(&table);
            for kind in &kinds {
                match dry_run(&mut conn.borrow_mut(), &sheet, kind, today, &mut |_| {}) {
                    Ok(_) => {}
                    Err(e) => {
                        let message = format!("{e:#}");
                        prop_assert!(
                            message.chars().any(
                                |c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c))
                            ),
                            "not Russian: {}",
                            message
                        );
                        prop_assert!(!message.contains("panicked"));
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}
