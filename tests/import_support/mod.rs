//! Helpers shared by the import tests: a small deterministic demo database, valid ИНН and ОГРН
//! made up by number, a minimal xlsx workbook built by hand, a count read by plain SQL, the dry
//! run of an organizations file, and the seeded generator and the tally of the file-variant tests.
#![allow(dead_code)] // each test file uses its own subset

use std::io::Write;

use chrono::NaiveDate;
use nok::domain::ids::{inn10_check_digit, ogrn_check_digit};
use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::methodology::Methods;
use rusqlite::Connection;

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

/// A demo database of 30 organizations (seed 7) in a fresh folder.
pub fn demo() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let opts = DemoOptions {
        orgs: 30,
        seed: 7,
        today: today(),
    };
    let demo = open_or_build(
        &dir.path().join("d.sqlite"),
        &opts,
        false,
        &Methods::builtin().unwrap(),
        &mut |_| {},
    )
    .unwrap();
    (dir, demo.conn)
}

/// A valid ИНН of an organization, 78…, made from `n`.
pub fn inn(n: u32) -> String {
    let s = format!("78{n:07}");
    let d: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
    format!("{s}{}", inn10_check_digit(&d.try_into().unwrap()))
}

/// A valid ОГРН, 1027800…, made from `n`.
pub fn ogrn(n: u32) -> String {
    let s = format!("1027800{n:05}");
    let d: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
    format!("{s}{}", ogrn_check_digit(&d.try_into().unwrap()))
}

/// A workbook with one sheet «Организации» of inline strings, as a minimal xlsx. Cells of digits only
/// (shorter than 15) are numbers, and so is a cell written `число:1E+308`.
pub fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opt = zip::write::SimpleFileOptions::default();
    let files = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Организации" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, body) in files {
        z.start_file(name, opt).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, v) in row.iter().enumerate() {
            let col = column_letters(c);
            if let Some(number) = v.strip_prefix("число:") {
                // A numeric cell as Excel stores it, e.g. 1E+308.
                sheet.push_str(&format!("<c r=\"{col}{}\"><v>{number}</v></c>", r + 1));
            } else if !v.is_empty() && v.chars().all(|ch| ch.is_ascii_digit()) && v.len() < 15 {
                sheet.push_str(&format!("<c r=\"{col}{}\"><v>{v}</v></c>", r + 1));
            } else {
                let v = v
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                sheet.push_str(&format!(
                    "<c r=\"{col}{}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{v}</t></is></c>",
                    r + 1
                ));
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    z.start_file("xl/worksheets/sheet1.xml", opt).unwrap();
    z.write_all(sheet.as_bytes()).unwrap();
    z.finish().unwrap();
    buf.into_inner()
}

/// The letters of column `c` (0-based) in a cell reference: A…Z, AA…AZ, BA…
fn column_letters(c: usize) -> String {
    let mut n = c + 1;
    let mut letters = Vec::new();
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.iter().rev().map(|&b| b as char).collect()
}

/// A fixed-seed generator (xorshift64*) for the generators of file variants, so that a failing
/// variant can be reproduced.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Prints the first `lines` lines of variant `seed` when `SHOW_VARIANT` names it.
pub fn show_variant(seed: usize, bytes: &[u8], lines: usize) {
    if std::env::var("SHOW_VARIANT").ok().as_deref() == Some(&seed.to_string()) {
        let text = String::from_utf8_lossy(bytes);
        println!(
            "{}",
            text.lines().take(lines).collect::<Vec<_>>().join("\n")
        );
    }
}

/// Whether «Обмен» offers a file read as `sheet` (named `name`) as `want`, by its first rows, as
/// the screen does; a wrong guess goes into `wrong`.
pub fn guessed_as(
    sheet: &nok::exchange::import::Sheet,
    name: &str,
    want: nok::service::import::guess::Guessed,
    wrong: &mut Vec<String>,
) -> bool {
    let head = &sheet.rows[..sheet
        .rows
        .len()
        .min(nok::service::import::guess::GUESS_ROWS)];
    let got = nok::service::import::guess::guess_rows(head).map(|g| g.kind);
    if got != Some(want) {
        wrong.push(format!("{name}: угадано {got:?}"));
    }
    got == Some(want)
}

/// Prints how many `what` (организаций, значений) of each kind of distortion were read right,
/// then in all, for the file-variant tests: `by_kind` maps a kind to (right, total).
pub fn print_tally(
    by_kind: &std::collections::BTreeMap<String, (usize, usize)>,
    what: &str,
    variants: usize,
) {
    let (mut right, mut total) = (0, 0);
    for (kind, (r, t)) in by_kind {
        println!(
            "{kind}: {r} из {t} {what} прочитаны верно ({:.1} %)",
            100.0 * *r as f64 / *t as f64
        );
        right += r;
        total += t;
    }
    println!(
        "всего: {right} из {total} {what} ({:.1} %), вариантов {variants}",
        100.0 * right as f64 / total as f64
    );
}

/// The one number a plain-SQL query gives (`SELECT count(*) …`).
pub fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The dry run of an organizations file, as `nok import orgs --dry-run` makes it: default
/// options, read rows dropped, `today()`, no progress shown.
pub fn dry_run_orgs(
    conn: &mut Connection,
    file: &std::path::Path,
) -> nok::service::import::Preview {
    nok::service::import::dry_run_file(
        conn,
        file,
        &nok::service::import::Kind::Orgs,
        &nok::service::import::Options::default(),
        nok::service::import::AsRead::Drop,
        today(),
        &mut |_| {},
    )
    .unwrap()
}
