//! Reading xlsx books whose text is in the shared-strings table, as Excel and LibreOffice save
//! it: books written by rust_xlsxwriter (the writer nok exports with) with distinct names across
//! many blocks of the on-disk table, rich-text strings and strings repeated down a column; a book
//! built here part by part as LibreOffice saves it (rich-text runs, phonetic runs, `_x000D_`
//! escapes, `xml:space`, inline strings, booleans, errors, dates by custom and built-in formats,
//! an ISO date, a formula's string, cells and rows without references, no dimension, a chart
//! sheet first, absolute targets, prefixed element names); the same in the 1904 date system;
//! damaged books refused with a Russian message naming the file, the sheet and the cell; forged
//! books (a «zip bomb» of shared strings, a value or a string too long) refused before they fill
//! memory or the temporary folder. Every
//! book is read both as a stream from disk (`RowStream`, as `nok import` reads it) and from
//! memory (`read_bytes`), and the rows are compared with values worked out by hand.

use std::io::{Cursor, Write};
use std::path::Path;

use nok::exchange::import::stream::{RowSource, RowStream};
use nok::exchange::import::{Format, Row, read_bytes};
use zip::write::SimpleFileOptions;

/// The rows of `path` read both ways; both must agree, and the sheet be `sheet`.
fn read_both(path: &Path, sheet: &str) -> Vec<Row> {
    let want = Format::Workbook {
        sheet: sheet.to_string(),
    };
    let mut stream = RowStream::open(path).unwrap();
    assert_eq!(stream.format(), &want);
    let mut streamed = Vec::new();
    while let Some(row) = stream.next_row().unwrap() {
        streamed.push(row);
    }
    let bytes = std::fs::read(path).unwrap();
    let whole = read_bytes("книга.xlsx", &bytes).unwrap();
    assert_eq!(whole.format, want);
    assert_eq!(whole.rows, streamed, "in memory and streamed differ");
    streamed
}

fn row(line: usize, cells: &[&str]) -> Row {
    Row {
        line,
        cells: cells.iter().map(|c| c.to_string()).collect(),
    }
}

/// 3,000 organizations with distinct names (47 blocks of the table on disk), a sector repeated
/// from the first strings, a rich-text name, numbers and a date, written by rust_xlsxwriter as
/// Excel would (strings in the shared table).
#[test]
fn distinct_strings_across_many_blocks_read_back() {
    use rust_xlsxwriter::{Color, ExcelDateTime, Format as Look, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("организации.xlsx");
    let sectors = ["культура", "образование", "социальное обслуживание"];
    let mut book = Workbook::new();
    let t = book.add_worksheet();
    t.set_name("Организации").unwrap();
    for (c, h) in ["Наименование", "Сфера", "ИНН", "Дата"].iter().enumerate()
    {
        t.write_string(0, c as u16, *h).unwrap();
    }
    let date = Look::new().set_num_format("dd.mm.yyyy");
    let d = ExcelDateTime::from_ymd(2025, 3, 7).unwrap();
    let n = 3_000u32;
    for i in 1..=n {
        t.write_string(i, 0, format!("ГБУ «Организация № {i}»"))
            .unwrap();
        t.write_string(i, 1, sectors[i as usize % 3]).unwrap();
        t.write_number(i, 2, 7_800_000_000.0 + f64::from(i))
            .unwrap();
        if i % 1000 == 0 {
            t.write_date_with_format(i, 3, &d, &date).unwrap();
        }
    }
    let plain = Look::default();
    let red = Look::new().set_font_color(Color::Red);
    t.write_rich_string(
        n + 1,
        0,
        &[(&plain, "ГБУ "), (&red, "«Ромашка»"), (&plain, " № 5")],
    )
    .unwrap();
    book.save(&path).unwrap();

    let rows = read_both(&path, "Организации");
    assert_eq!(rows.len(), n as usize + 2);
    assert_eq!(rows[0], row(1, &["Наименование", "Сфера", "ИНН", "Дата"]));
    for i in 1..=n as usize {
        let name = format!("ГБУ «Организация № {i}»");
        let inn = format!("{}", 7_800_000_000u64 + i as u64);
        let sector = sectors[i % 3];
        let expected = if i % 1000 == 0 {
            row(i + 1, &[&name, sector, &inn, "07.03.2025"])
        } else {
            row(i + 1, &[&name, sector, &inn])
        };
        assert_eq!(rows[i], expected);
    }
    assert_eq!(
        rows[n as usize + 1],
        row(n as usize + 2, &["ГБУ «Ромашка» № 5"])
    );
}

const NS: &str = "http://schemas.openxmlformats.org";

/// A book as LibreOffice Calc saves it, with what other writers do too (see the module's
/// comment). `date1904`: the workbook counts dates from 1904.
fn libreoffice_style(date1904: bool) -> Vec<u8> {
    let serial = |s1900: u32| if date1904 { s1900 - 1462 } else { s1900 };
    // 07.03.2025 is 45723 days after 30.12.1899 (45658 is 01.01.2025: 45292 for 01.01.2024,
    // plus 366); 31.12.2024 14:30 is 45657.6041(6).
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="{NS}/spreadsheetml/2006/main"><x:sheetPr/><x:sheetData>
<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c><x:c r="C1" t="s"><x:v>2</x:v></x:c><x:c r="D1" t="s"><x:v>3</x:v></x:c></x:row>
<x:row r="2"><x:c r="A2" s="0" t="n"><x:v>4703083640</x:v></x:c><x:c r="B2" t="s"><x:v>4</x:v></x:c><x:c r="C2" s="1"><x:v>{}</x:v></x:c><x:c r="D2" s="3"><x:v>12.5</x:v></x:c></x:row>
<x:row r="3"><x:c t="inlineStr"><x:is><x:r><x:t xml:space="preserve">Школа </x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t>№ 1</x:t></x:r></x:is></x:c><x:c t="s"><x:v>5</x:v></x:c><x:c s="2"><x:v>{}</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c></x:row>
<x:row><x:c t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c><x:c t="str"><x:f>"a"&amp;"b"</x:f><x:v>ГБУ &amp; сад_x000D_№2</x:v></x:c><x:c t="d"><x:v>2024-02-29T00:00:00</x:v></x:c><x:c t="b"><x:v>0</x:v></x:c></x:row>
<x:row r="7"><x:c r="B7" t="s"><x:v>6</x:v></x:c><x:c r="C7" s="4"><x:v>0.5</x:v></x:c></x:row>
<x:row r="8"><x:c r="A8" t="s"><x:v>7</x:v></x:c><x:c r="B8" s="1"/><x:c r="C8" t="s"><x:v></x:v></x:c></x:row>
</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A1:B1"/></x:mergeCells></x:worksheet>"#,
        serial(45723),
        serial(45657) as f64 + 0.6041666666666666,
    );
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{NS}/spreadsheetml/2006/main" count="8" uniqueCount="8"><si><t xml:space="preserve">ИНН</t></si><si><r><rPr><b val="true"/></rPr><t xml:space="preserve">Наимено</t></r><r><t>вание</t></r></si><si><t>Дата</t><rPh sb="0" eb="4"><t>だた</t></rPh></si><si><t>Сумма</t></si><si><t xml:space="preserve">  ГБУ_x000D_
«Ромашка»  </t></si><si><t>Бии&#x306;ск &lt;центр&gt;</t></si><si><t/></si><si><t>_x005F_x000D_ как текст</t></si></sst>"#
    );
    let styles = format!(
        r##"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{NS}/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="DD\.MM\.YYYY"/><numFmt numFmtId="165" formatCode="#,##0.00\ &quot;₽&quot;"/></numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="22"/><xf numFmtId="165"/><xf numFmtId="46"/></cellXfs></styleSheet>"##
    );
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{NS}/spreadsheetml/2006/main" xmlns:r="{NS}/officeDocument/2006/relationships"><workbookPr{}/><sheets><sheet name="Диаграмма" sheetId="2" r:id="rId3"/><sheet name="Лист1" sheetId="1" state="visible" r:id="rId2"/></sheets></workbook>"#,
        if date1904 { r#" date1904="true""# } else { "" }
    );
    let rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{NS}/package/2006/relationships"><Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="{NS}/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId3" Type="{NS}/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/><Relationship Id="rId4" Type="{NS}/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
    );
    let root = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{NS}/package/2006/relationships"><Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let chart = format!(r#"<chartsheet xmlns="{NS}/spreadsheetml/2006/main"/>"#);
    zip_parts(&[
        ("[Content_Types].xml", "<Types/>".to_string()),
        ("_rels/.rels", root),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", rels),
        ("xl/styles.xml", styles),
        ("xl/sharedStrings.xml", sst),
        ("xl/chartsheets/sheet1.xml", chart),
        ("xl/worksheets/sheet1.xml", sheet),
    ])
}

fn zip_parts(parts: &[(&str, String)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in parts {
        w.start_file(*name, SimpleFileOptions::default()).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The rows of [`libreoffice_style`], worked out by hand from the parts above.
fn libreoffice_rows() -> Vec<Row> {
    vec![
        row(1, &["ИНН", "Наименование", "Дата", "Сумма"]),
        // A2 a number in the general style, B2 a shared string with an escaped carriage return
        // and spaces to clean, C2 a date by a custom format, D2 a number by a currency format.
        row(2, &["4703083640", "ГБУ «Ромашка»", "07.03.2025", "12.5"]),
        // Cells without references: an inline rich string, a string with a combining mark and
        // entities, a date and time by built-in format 22, a true value.
        row(3, &["Школа № 1", "Бийск <центр>", "31.12.2024", "да"]),
        // A row without a reference (the 4th): an error, a formula's string, an ISO date, false.
        row(4, &["#ОШИБКА #DIV/0!", "ГБУ & сад №2", "29.02.2024", "нет"]),
        // Rows 5 and 6 are not in the file.
        row(5, &[]),
        row(6, &[]),
        // B7 an empty shared string; C7 a duration (built-in 46) shows its number.
        row(7, &["", "", "0.5"]),
        // An escaped escape stays as text; a styled empty cell and an empty index are nothing.
        row(8, &["_x000D_ как текст"]),
    ]
}

#[test]
fn a_book_as_libreoffice_saves_it_reads_as_worked_out() {
    let dir = tempfile::tempdir().unwrap();
    for date1904 in [false, true] {
        let path = dir.path().join(format!("calc-{date1904}.xlsx"));
        std::fs::write(&path, libreoffice_style(date1904)).unwrap();
        assert_eq!(
            read_both(&path, "Лист1"),
            libreoffice_rows(),
            "date1904 {date1904}"
        );
    }
}

/// Reads damaged `bytes` both ways and gives the message (the same both ways).
fn refusal(bytes: Vec<u8>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("испорченная.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let streamed = match RowStream::open(&path) {
        Err(e) => e.to_string(),
        Ok(mut s) => loop {
            match s.next_row() {
                Ok(Some(_)) => {}
                Ok(None) => panic!("the damaged book was read: {path:?}"),
                Err(e) => break e.to_string(),
            }
        },
    };
    let whole = read_bytes(&path.display().to_string(), &bytes)
        .err()
        .map(|e| e.to_string());
    assert_eq!(whole.as_deref(), Some(streamed.as_str()));
    assert!(streamed.contains("испорченная.xlsx"), "{streamed}");
    assert!(streamed.starts_with("книга Excel"), "{streamed}");
    streamed
}

#[test]
fn damaged_books_are_refused_in_russian_naming_sheet_and_cell() {
    let good = libreoffice_style(false);
    let entries = |edit: &dyn Fn(&str, String) -> Option<String>| -> Vec<u8> {
        let mut a = zip::ZipArchive::new(Cursor::new(&good)).unwrap();
        let mut parts = Vec::new();
        for i in 0..a.len() {
            let mut f = a.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut f, &mut text).unwrap();
            if let Some(text) = edit(&name, text) {
                parts.push((name, text));
            }
        }
        let parts: Vec<(&str, String)> =
            parts.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
        zip_parts(&parts)
    };

    // A shared-string index past the table's end (8 strings).
    let m = refusal(entries(&|name, text| {
        Some(
            if name.ends_with("sheet1.xml") && name.contains("worksheets") {
                text.replace(
                    r#"<x:c r="B7" t="s"><x:v>6</x:v>"#,
                    r#"<x:c r="B7" t="s"><x:v>8</x:v>"#,
                )
            } else {
                text
            },
        )
    }));
    assert!(m.contains("«Лист1»") && m.contains("B7"), "{m}");
    assert!(m.contains("общей таблицы строк") && m.contains("8"), "{m}");
    assert!(m.contains("сохраните"), "{m}");

    // The sheet's XML cut off in the middle of row 7.
    let m = refusal(entries(&|name, text| {
        Some(if name == "xl/worksheets/sheet1.xml" {
            text[..text.find(r#"<x:c r="C7""#).unwrap()].to_string()
        } else {
            text
        })
    }));
    assert!(m.contains("XML") && m.contains("«Лист1»"), "{m}");
    assert!(m.contains("строки 7"), "{m}");

    // A cell reference that is not one.
    let m = refusal(entries(&|name, text| {
        Some(if name == "xl/worksheets/sheet1.xml" {
            text.replace(r#"r="A8""#, r#"r="8A""#)
        } else {
            text
        })
    }));
    assert!(m.contains("«Лист1»") && m.contains("«8A»"), "{m}");

    // The sheet's part missing from the archive.
    let m = refusal(entries(&|name, text| {
        (name != "xl/worksheets/sheet1.xml").then_some(text)
    }));
    assert!(
        m.contains("«Лист1»") && m.contains("xl/worksheets/sheet1.xml"),
        "{m}"
    );

    // The shared-strings part cut off inside a string, or after one.
    for cut in ["Сумма", "<si><t>Сумма"] {
        let m = refusal(entries(&|name, text| {
            Some(if name == "xl/sharedStrings.xml" {
                text[..text.find(cut).unwrap()].to_string()
            } else {
                text
            })
        }));
        assert!(
            m.contains("XML") && m.contains("xl/sharedStrings.xml"),
            "{m}"
        );
    }

    // An unknown entity inside a shared string.
    let m = refusal(entries(&|name, text| {
        Some(if name == "xl/sharedStrings.xml" {
            text.replace("<t>Сумма</t>", "<t>Сумма&bogus;</t>")
        } else {
            text
        })
    }));
    assert!(
        m.contains("XML") && m.contains("xl/sharedStrings.xml"),
        "{m}"
    );
}

/// [`libreoffice_style`] with one part replaced by `part`'s text, written in pieces (the text
/// of a forged part is too big to build as one string in a test).
fn with_part(name: &str, pieces: &mut dyn Iterator<Item = String>) -> Vec<u8> {
    let good = libreoffice_style(false);
    let mut a = zip::ZipArchive::new(Cursor::new(&good)).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..a.len() {
        let mut f = a.by_index(i).unwrap();
        let entry = f.name().unwrap().to_string();
        w.start_file(entry.as_str(), SimpleFileOptions::default())
            .unwrap();
        if entry == name {
            for piece in &mut *pieces {
                w.write_all(piece.as_bytes()).unwrap();
            }
        } else {
            std::io::copy(&mut f, &mut w).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

/// Forged books that would fill memory or the temporary folder if read on: a shared-strings
/// part of 20 MiB that packs about a thousand times (a «zip bomb»), a value of 17 MiB without
/// markup, and an inline string of nine runs of 1 MiB. Each is refused with what was too big
/// and where; nothing is read past the limit.
#[test]
fn forged_books_that_unpack_too_much_are_refused() {
    let ns = format!("{NS}/spreadsheetml/2006/main");
    let head = format!(r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}">"#);
    let one = "<si><t>Одна и та же строка</t></si>".repeat(1024);
    let mut sst = std::iter::once(head)
        .chain((0..20 * 1024 * 1024 / one.len() + 1).map(|_| one.clone()))
        .chain(std::iter::once("</sst>".to_string()));
    let bytes = with_part("xl/sharedStrings.xml", &mut sst);
    assert!(
        bytes.len() < 200 << 10,
        "the forged book packs to {} bytes",
        bytes.len()
    );
    let m = refusal(bytes);
    assert!(
        m.contains("xl/sharedStrings.xml") && m.contains("zip-бомб"),
        "{m}"
    );
    assert!(m.contains("больше чем в 100 раз"), "{m}");

    let sheet = |cell: String| -> Vec<String> {
        vec![
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="inlineStr">"#
            ),
            cell,
            "</c></row></sheetData></worksheet>".to_string(),
        ]
    };
    let long = "Ж".repeat(17 * 1024 * 1024 / 2);
    let m = refusal(with_part(
        "xl/worksheets/sheet1.xml",
        &mut sheet(format!("<is><t>{long}</t></is>")).into_iter(),
    ));
    assert!(m.contains("xl/worksheets/sheet1.xml"), "{m}");
    assert!(m.contains("больше 16 МБ текста подряд"), "{m}");

    let run = format!("<r><t>{}</t></r>", "ж".repeat(1024 * 1024 / 2));
    let m = refusal(with_part(
        "xl/worksheets/sheet1.xml",
        &mut sheet(format!("<is>{}</is>", run.repeat(9))).into_iter(),
    ));
    assert!(m.contains("xl/worksheets/sheet1.xml"), "{m}");
    assert!(m.contains("строка длиннее 8 МБ"), "{m}");
}
