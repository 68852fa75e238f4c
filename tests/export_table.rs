//! `nok export table …`: CSV read back as Excel would (BOM, `;`, decimal comma, ДД.ММ.ГГГГ,
//! Cyrillic intact, formulas neutralised) and xlsx read back with calamine (numbers as numbers,
//! dates as dates), compared with the database.

mod cli_support;

use cli_support::nok;

use std::path::PathBuf;
use std::process::Output;

use calamine::{Data, Reader, Xlsx, open_workbook};
use rusqlite::Connection;

const TODAY: &str = "22.11.2026";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

struct Db {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.sqlite");
        let out = nok(
            &[
                "demo",
                "--db",
                path.to_str().unwrap(),
                "--orgs",
                "80",
                "--today",
                TODAY,
            ],
            dir.path(),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        Db { dir, path }
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut all = vec!["--db", self.path.to_str().unwrap(), "--today", TODAY];
        all.extend_from_slice(args);
        let out = nok(&all, self.dir.path());
        assert!(out.status.success(), "{}", text(&out.stderr));
        out
    }

    fn conn(&self) -> Connection {
        nok::store::open_existing(&self.path).unwrap()
    }
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let s = String::from_utf8(bytes.to_vec()).expect("UTF-8");
    let body = s.strip_prefix('\u{feff}').expect("CSV starts with a BOM");
    assert!(body.contains("\r\n"), "Excel line ends");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn cycle_with_overdue(conn: &Connection) -> i64 {
    conn.query_row(
        "SELECT cycle_id FROM plan_row WHERE status IN ('planned', 'in_progress')
           AND planned_date < '2026-11-22' GROUP BY cycle_id ORDER BY count(*) DESC, cycle_id LIMIT 1",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn rating_csv_is_what_score_prints_and_reads_as_excel_would() {
    let db = Db::new();
    let conn = db.conn();
    let cycle = cycle_with_overdue(&conn).to_string();
    // A name that looks like a formula is neutralised.
    conn.execute(
        "UPDATE organization SET short_name = '=HYPERLINK(\"x\")' WHERE id =
           (SELECT org_id FROM membership WHERE cycle_id = ?1 LIMIT 1)",
        [&cycle],
    )
    .unwrap();
    let file = db.dir.path().join("rating.csv");
    let out = db.run(&[
        "export",
        "table",
        "rating",
        "--cycle",
        &cycle,
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(text(&out.stdout).contains("rating.csv"));
    let rows = csv_rows(&std::fs::read(&file).unwrap());
    let score = db.run(&["score", "--cycle", &cycle, "--format", "csv"]);
    assert_eq!(rows, csv_rows(&score.stdout), "the same table as nok score");
    assert_eq!(rows[0][..3], ["Место", "Организация", "ИНН"]);
    assert!(
        rows.iter().any(|r| r[1] == "=\"=HYPERLINK(\"\"x\"\")\""),
        "formula neutralised"
    );
    assert!(
        rows[1..]
            .iter()
            .all(|r| r[8].contains(',') || !r[8].contains('.')),
        "decimal comma"
    );
    assert!(
        rows.iter()
            .flatten()
            .any(|c| c.chars().any(|ch| ('а'..='я').contains(&ch)))
    );
    let members: i64 = conn
        .query_row("SELECT count(*) FROM membership m JOIN score s ON s.membership_id = m.id WHERE m.cycle_id = ?1", [&cycle], |r| r.get(0))
        .unwrap();
    assert_eq!(rows.len() as i64 - 1, members);
    // No temporary file is left beside it.
    let left: Vec<_> = std::fs::read_dir(db.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn overdue_lists_open_rows_past_their_date() {
    let db = Db::new();
    let conn = db.conn();
    let cycle = cycle_with_overdue(&conn);
    let out = db.run(&[
        "export",
        "table",
        "overdue",
        "--cycle",
        &cycle.to_string(),
        "--out",
        "-",
    ]);
    let rows = csv_rows(&out.stdout);
    assert_eq!(
        rows[0][..6],
        ["Организация", "ИНН", "КПП", "ОКТМО", "regNum", "№"]
    );
    assert_eq!(rows[0][9], "Срок");
    assert_eq!(rows[0].last().map(String::as_str), Some("Просрочено, дней"));
    let expected: i64 = conn
        .query_row(
            "SELECT count(*) FROM plan_row WHERE cycle_id = ?1 AND status IN ('planned', 'in_progress') AND planned_date < '2026-11-22'",
            [cycle],
            |r| r.get(0),
        )
        .unwrap();
    assert!(expected > 0);
    assert_eq!(rows.len() as i64 - 1, expected);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    // Codes as the database holds them, those of digits written as a text formula (`="…"`) so
    // that a spreadsheet keeps leading zeros.
    let mut codes = conn
        .prepare("SELECT inn, kpp, oktmo, reg_num FROM organization")
        .unwrap();
    let known: std::collections::HashSet<[String; 4]> = codes
        .query_map([], |r| {
            let q = |i: usize| -> rusqlite::Result<String> {
                let v: String = r.get(i)?;
                // All digits: a text formula; a code with a letter (regNum «461Ю3731») is text
                // to a spreadsheet anyway and is written as it is.
                Ok(if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                    format!("=\"{v}\"")
                } else {
                    v
                })
            };
            Ok([q(0)?, q(1)?, q(2)?, q(3)?])
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for r in &rows[1..] {
        assert!(
            known.contains(&[r[1].clone(), r[2].clone(), r[3].clone(), r[4].clone()]),
            "ИНН, КПП, ОКТМО, regNum of one organization: {r:?}"
        );
        let due = chrono::NaiveDate::parse_from_str(&r[9], "%d.%m.%Y").expect("ДД.ММ.ГГГГ");
        assert!(due < today);
        assert_eq!(r[13], (today - due).num_days().to_string());
        assert!(
            r[12] == "запланировано" || r[12] == "выполняется",
            "{}",
            r[12]
        );
    }
    // A later --today lists at least as many; the plans table lists every row.
    let all = db.run(&[
        "export",
        "table",
        "plans",
        "--cycle",
        &cycle.to_string(),
        "--out",
        "-",
    ]);
    let total: i64 = conn
        .query_row(
            "SELECT count(*) FROM plan_row WHERE cycle_id = ?1",
            [cycle],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(csv_rows(&all.stdout).len() as i64 - 1, total);
}

#[test]
fn xlsx_holds_numbers_dates_and_text() {
    let db = Db::new();
    let conn = db.conn();
    let cycle = cycle_with_overdue(&conn).to_string();
    for table in ["rating", "indicators", "plans", "overdue"] {
        let file = db.dir.path().join(format!("{table}.xlsx"));
        db.run(&[
            "export",
            "table",
            table,
            "--cycle",
            &cycle,
            "--format",
            "xlsx",
            "--out",
            file.to_str().unwrap(),
        ]);
        let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
        let sheet = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&sheet).unwrap();
        assert!(range.height() > 1, "{table}: rows");
        match table {
            "rating" => {
                assert_eq!(range.get((0, 0)), Some(&Data::String("Место".into())));
                assert!(
                    matches!(range.get((1, 0)), Some(Data::Float(_))),
                    "{:?}",
                    range.get((1, 0))
                );
                assert!(
                    matches!(range.get((1, 8)), Some(Data::Float(_))),
                    "S is a number"
                );
            }
            "indicators" => {
                assert_eq!(range.get((0, 4)), Some(&Data::String("regNum".into())));
                // regNum is text (13 or 8 digits, never 3.12E+12).
                assert!(matches!(range.get((1, 4)), Some(Data::String(_))));
                assert_eq!(range.get((0, 6)), Some(&Data::String("1.1".into())));
                assert!(matches!(range.get((1, 6)), Some(Data::Float(_))));
            }
            _ => {
                assert_eq!(range.get((0, 9)), Some(&Data::String("Срок".into())));
                assert!(
                    matches!(range.get((1, 9)), Some(Data::DateTime(_))),
                    "{table}: {:?}",
                    range.get((1, 9))
                );
            }
        }
    }
    // xlsx without a file is refused.
    let out = nok(
        &[
            "--db",
            db.path.to_str().unwrap(),
            "export",
            "table",
            "rating",
            "--cycle",
            &cycle,
            "--format",
            "xlsx",
            "--out",
            "-",
        ],
        db.dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--out"), "{}", text(&out.stderr));
}
