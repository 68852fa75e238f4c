//! Fuzzing the xlsx reader (`nok::exchange::import::read_bytes` on workbooks) beyond random bytes:
//! real workbooks — written by the project's own writer (`nok::exchange::xlsx`) and built here
//! part by part as Excel saves them (shared strings, styles, a dimension) — then damaged: bytes
//! flipped inside a part or inside the archive, parts cut short or missing, shared-string indices
//! out of range, huge dimensions and cell references, cells of the wrong type. Every case is read
//! into rows or refused with a Russian message naming the file; never a panic, never a hang or
//! an allocation the size of the whole sheet grid.
//!
//! Budget: `PROPTEST_CASES`; `fuzz/run.sh` reruns with a bigger one (`fuzz/run.sh 5000 xlsx`);
//! failing cases are kept in `fuzz/regressions/fuzz_xlsx.txt`.

mod fuzz_support;

use std::io::{Cursor, Read, Write};

use nok::exchange::import::{MAX_CELL_CHARS, Sheet, read_bytes};
use nok::exchange::xlsx::{Cell, XlsxTable};
use proptest::prelude::*;
use zip::write::SimpleFileOptions;

fn config(default: u32) -> ProptestConfig {
    fuzz_support::config("fuzz_xlsx", default)
}

const SOURCE: &str = "проверка.xlsx";

/// What every successful read promises.
fn check_sheet(sheet: &Sheet) {
    let mut last = 0;
    for row in &sheet.rows {
        assert!(row.line >= last, "lines go back: {} after {last}", row.line);
        last = row.line;
        for cell in &row.cells {
            assert!(cell.chars().count() <= MAX_CELL_CHARS);
            assert!(!cell.contains(['\n', '\r', '\t']), "{cell:?}");
        }
    }
}

/// Reads `bytes` as the importer does: rows, or a Russian refusal that names the file.
fn read_any(bytes: &[u8]) -> Result<Sheet, String> {
    match read_bytes(SOURCE, bytes) {
        Ok(sheet) => {
            check_sheet(&sheet);
            Ok(sheet)
        }
        Err(e) => {
            let message = e.to_string();
            assert!(message.contains(SOURCE), "the file is not named: {message}");
            assert!(
                message.starts_with("файл") || message.starts_with("книга"),
                "{message}"
            );
            assert!(
                message.chars().any(|c| ('а'..='я').contains(&c)),
                "not Russian: {message}"
            );
            Err(message)
        }
    }
}

type Entries = Vec<(String, Vec<u8>)>;

fn zip_entries(entries: &Entries) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(name.as_str(), SimpleFileOptions::default())
            .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn unzip(bytes: &[u8]) -> Entries {
    let mut a = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..a.len())
        .map(|i| {
            let mut f = a.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

/// A workbook written by the project's own writer (what `nok export table` gives people).
fn written_by_nok(rows: &[(String, i64, f64)]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    let mut t = XlsxTable::new(
        "Данные",
        &["Организация".into(), "Число".into(), "Балл".into()],
    )
    .unwrap();
    for (name, n, x) in rows {
        t.push(&[Cell::Text(name.clone()), Cell::Int(*n), Cell::Dec(*x, 2)])
            .unwrap();
    }
    t.save(&path).unwrap();
    std::fs::read(&path).unwrap()
}

/// One cell of a sheet built here: its reference, type attribute and value, as written.
#[derive(Debug, Clone)]
struct RawCell {
    reference: String,
    kind: Option<&'static str>,
    value: String,
}

/// The parts of a workbook as Excel saves it: content types, relationships, the workbook, one
/// sheet with `dimension` and `cells` (rows by the number in each reference), shared strings.
fn excel_parts(dimension: &str, cells: &[RawCell], shared: &[String]) -> Entries {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut rows: std::collections::BTreeMap<u64, Vec<&RawCell>> = Default::default();
    for c in cells {
        let n: u64 = c
            .reference
            .trim_start_matches(|ch: char| ch.is_ascii_alphabetic())
            .parse()
            .unwrap_or(1);
        rows.entry(n).or_default().push(c);
    }
    let mut sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{}"/><sheetData>"#,
        esc(dimension)
    );
    for (n, cs) in rows {
        sheet.push_str(&format!(r#"<row r="{n}">"#));
        for c in cs {
            let t = c.kind.map(|t| format!(r#" t="{t}""#)).unwrap_or_default();
            if c.kind == Some("inlineStr") {
                sheet.push_str(&format!(
                    r#"<c r="{}"{t}><is><t>{}</t></is></c>"#,
                    esc(&c.reference),
                    esc(&c.value)
                ));
            } else {
                sheet.push_str(&format!(
                    r#"<c r="{}"{t}><v>{}</v></c>"#,
                    esc(&c.reference),
                    esc(&c.value)
                ));
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let mut sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{0}" uniqueCount="{0}">"#,
        shared.len()
    );
    for s in shared {
        sst.push_str(&format!("<si><t>{}</t></si>", esc(s)));
    }
    sst.push_str("</sst>");
    let ns = "http://schemas.openxmlformats.org";
    vec![
        (
            "[Content_Types].xml".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="{ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#
            )
            .into_bytes(),
        ),
        (
            "_rels/.rels".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            )
            .into_bytes(),
        ),
        (
            "xl/workbook.xml".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            )
            .into_bytes(),
        ),
        (
            "xl/_rels/workbook.xml.rels".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{ns}/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="{ns}/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#
            )
            .into_bytes(),
        ),
        (
            "xl/styles.xml".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{ns}/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd.mm.yyyy"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>"#
            )
            .into_bytes(),
        ),
        ("xl/worksheets/sheet1.xml".into(), sheet.into_bytes()),
        ("xl/sharedStrings.xml".into(), sst.into_bytes()),
    ]
}

/// Column letters of a 0-based column number (A, …, Z, AA, …).
fn column(mut n: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

/// A table of shared strings and numbers as Excel writes it.
fn good_cells(shared: usize, rows: u32) -> Vec<RawCell> {
    let mut cells = Vec::new();
    for r in 1..=rows {
        for c in 0..3u32 {
            let (kind, value) = match c {
                0 => (
                    Some("s"),
                    ((r as usize + c as usize) % shared.max(1)).to_string(),
                ),
                1 => (None, (r * 7).to_string()),
                _ => (Some("n"), format!("{}.5", r)),
            };
            cells.push(RawCell {
                reference: format!("{}{r}", column(c)),
                kind,
                value,
            });
        }
    }
    cells
}

/// How a built workbook is damaged.
#[derive(Debug, Clone)]
enum Damage {
    /// A shared-string index past the end of the table (or negative, or not a number).
    SharedIndex(String),
    /// The sheet's dimension says it is huge (or is nonsense).
    Dimension(String),
    /// One cell placed far away (up to Excel's last cell XFD1048576, or past it).
    FarCell(String),
    /// One cell with a type its value does not fit.
    WrongType(&'static str, String),
}

fn damage() -> impl Strategy<Value = Damage> {
    let huge_ref = prop_oneof![
        Just("XFD1048576".to_string()),
        Just("A1048576".to_string()),
        Just("XFD1".to_string()),
        Just("ZZZZ99999999".to_string()),
        Just("A0".to_string()),
        Just("1A".to_string()),
        Just(String::new()),
        (0u32..16_384, 1u64..2_000_000).prop_map(|(c, r)| format!("{}{r}", column(c))),
    ];
    prop_oneof![
        prop_oneof![
            (3usize..1_000_000).prop_map(|n| n.to_string()),
            Just("-1".to_string()),
            Just("18446744073709551616".to_string()),
            Just("1.5".to_string()),
            Just("ноль".to_string()),
            Just(String::new()),
        ]
        .prop_map(Damage::SharedIndex),
        prop_oneof![
            huge_ref.clone().prop_map(|r| format!("A1:{r}")),
            Just("XFD1048576".to_string()),
            Just("B2:A1".to_string()),
            Just("::".to_string()),
        ]
        .prop_map(Damage::Dimension),
        huge_ref.prop_map(Damage::FarCell),
        (
            prop::sample::select(vec!["s", "n", "b", "e", "str", "d", "inlineStr", "zz"]),
            prop_oneof![
                Just("abc".to_string()),
                Just("7".to_string()),
                Just("-0.5e400".to_string()),
                Just("1e308".to_string()),
                Just("NaN".to_string()),
                Just("2025-13-45T99:99:99".to_string()),
                Just("#DIV/0!".to_string()),
                Just(String::new()),
                "[0-9a-zа-я.:-]{0,20}",
            ],
        )
            .prop_map(|(t, v)| Damage::WrongType(t, v)),
    ]
}

fn damaged_workbook(d: &Damage) -> Vec<u8> {
    let shared = vec![
        "Организация".to_string(),
        "ГБУ «Ромашка»".to_string(),
        "x".into(),
    ];
    let mut cells = good_cells(shared.len(), 4);
    let mut dimension = "A1:C4".to_string();
    match d {
        Damage::SharedIndex(v) => cells[3].value = v.clone(),
        Damage::Dimension(v) => dimension = v.clone(),
        Damage::FarCell(r) => cells.push(RawCell {
            reference: r.clone(),
            kind: Some("s"),
            value: "1".into(),
        }),
        Damage::WrongType(t, v) => {
            cells[4].kind = Some(t);
            cells[4].value = v.clone();
        }
    }
    zip_entries(&excel_parts(&dimension, &cells, &shared))
}

#[test]
fn the_workbooks_used_here_read_back_when_whole() {
    let rows = vec![("ГБУ «Ромашка»".to_string(), 4_703_083_640, 92.46)];
    let sheet = read_any(&written_by_nok(&rows)).unwrap();
    assert_eq!(
        sheet.rows[1].cells,
        ["ГБУ «Ромашка»", "4703083640", "92.46"],
        "{:?}",
        sheet.rows
    );
    let shared = vec!["Организация".to_string(), "ГБУ «Ромашка»".to_string()];
    let bytes = zip_entries(&excel_parts("A1:C2", &good_cells(2, 2), &shared));
    let sheet = read_any(&bytes).unwrap();
    assert_eq!(sheet.rows.len(), 2);
    assert_eq!(sheet.rows[0].cells, ["ГБУ «Ромашка»", "7", "1.5"]);
    assert_eq!(sheet.rows[1].cells, ["Организация", "14", "2.5"]);
}

/// Found by this fuzzer: one value in Excel's last cell made calamine ask for 550 GB and the
/// program ended (an allocation failure is not a panic that can be caught).
#[test]
fn a_value_far_from_the_table_is_refused_not_laid_out() {
    let shared = vec!["Организация".to_string(), "ГБУ «Ромашка»".to_string()];
    for far in ["XFD1048576", "AAA500000", "Z1000000"] {
        let mut cells = good_cells(2, 3);
        cells.push(RawCell {
            reference: far.into(),
            kind: None,
            value: "1".into(),
        });
        let Err(message) = read_any(&zip_entries(&excel_parts("A1:C3", &cells, &shared))) else {
            panic!("a value in {far} was laid out");
        };
        assert!(message.contains("слишком широко"), "{message}");
        assert!(message.contains(far), "{message}");
    }
    // A value a little way off is read, the gap as empty cells.
    let mut cells = good_cells(2, 3);
    cells.push(RawCell {
        reference: "F9".into(),
        kind: None,
        value: "42".into(),
    });
    let sheet = read_any(&zip_entries(&excel_parts("A1:F9", &cells, &shared))).unwrap();
    assert_eq!(sheet.rows.len(), 9);
    assert_eq!(sheet.rows[8].cells[5], "42");
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn damaged_parts_of_a_workbook_are_read_or_refused_in_russian(d in damage()) {
        let _ = read_any(&damaged_workbook(&d));
    }

    /// Bytes flipped inside one part (before compression), a part cut short, or a part gone.
    #[test]
    fn a_part_flipped_cut_or_missing_is_read_or_refused_in_russian(
        from_nok in any::<bool>(),
        which in any::<prop::sample::Index>(),
        cut in prop::option::of(any::<prop::sample::Index>()),
        remove in any::<bool>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
    ) {
        let bytes = if from_nok {
            written_by_nok(&[("Учреждение".to_string(), 12, 50.25), ("Другое".to_string(), 3, 0.5)])
        } else {
            let shared = vec!["Организация".to_string(), "ГБУ «Ромашка»".to_string()];
            zip_entries(&excel_parts("A1:C3", &good_cells(2, 3), &shared))
        };
        let mut entries = unzip(&bytes);
        let k = which.index(entries.len());
        if remove {
            entries.remove(k);
        } else {
            let data = &mut entries[k].1;
            for (at, byte) in &flips {
                if !data.is_empty() {
                    let i = at.index(data.len());
                    data[i] = *byte;
                }
            }
            if let Some(cut) = cut {
                let at = cut.index(data.len() + 1);
                data.truncate(at);
            }
        }
        let _ = read_any(&zip_entries(&entries));
    }

    /// Bytes flipped in the archive itself (compressed data, headers, the directory) or the
    /// archive cut short.
    #[test]
    fn a_damaged_archive_is_read_or_refused_in_russian(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let mut bytes = written_by_nok(&[("Учреждение".to_string(), 12, 50.25)]);
        for (at, byte) in &flips {
            let i = at.index(bytes.len());
            bytes[i] = *byte;
        }
        if let Some(cut) = cut {
            let at = cut.index(bytes.len());
            bytes.truncate(at.max(4));
        }
        let _ = read_any(&bytes);
    }
}
