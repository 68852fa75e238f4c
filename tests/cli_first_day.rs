//! Day one from a script, with no terminal UI: `nok init` → `nok import orgs` → `nok cycles add`
//! (a second cycle of the same year, sphere and authority is refused, naming the first) →
//! `nok export table template` → the template filled in as a person would in Excel → `nok import
//! inputs` → `nok score`. The scores are read by plain SQL and compared with the values worked out
//! on paper (every input at its best: S = 100; every numerator, checklist item and waiting score at
//! zero: S = 0); the cycle's values and their audit entries likewise.

mod cli_support;
mod first_day_support;

use std::path::Path;
use std::process::Output;

use first_day_support::{DETAILS, ORGS, fill_template, orgs_csv};

fn run(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--db", "работа.sqlite", "--today", "22.11.2026"];
    all.extend_from_slice(args);
    cli_support::command(&all, &dir.join("home"))
        .current_dir(dir)
        .output()
        .expect("run nok")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "nok {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn from_an_empty_folder_to_the_first_rating_by_commands() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("организации.csv"), orgs_csv()).unwrap();
    let mut init = vec!["init"];
    for (flag, value) in DETAILS {
        init.extend([flag, value]);
    }
    ok(dir, &init);
    let out = ok(dir, &["import", "orgs", "организации.csv"]);
    assert!(out.contains("добавлено: 3"), "{out}");

    let out = ok(
        dir,
        &[
            "cycles",
            "add",
            "--year",
            "2026",
            "--operator",
            "ООО «Оператор»",
            "--contract",
            "12-К",
            "--contract-date",
            "01.03.2026",
        ],
    );
    assert!(
        out.contains("Цикл создан: 1 (2026 год, социальное обслуживание, Комитет соцзащиты ЛО"),
        "{out}"
    );
    let again = run(dir, &["cycles", "add", "--year", "2026"]);
    assert_eq!(again.status.code(), Some(1));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("уже есть: номер 1"), "{err}");
    let late = run(dir, &["cycles", "add", "--year", "2029"]);
    assert_eq!(late.status.code(), Some(1));
    let err = String::from_utf8_lossy(&late.stderr);
    assert!(err.contains("от 2013 до 2028"), "{err}");

    let unknown = run(dir, &["cycles", "add", "--year", "2026", "--sector", "9"]);
    assert_eq!(unknown.status.code(), Some(2));
    let err = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        err.contains("сфера «9» неизвестна: укажите social"),
        "the message of nok init: {err}"
    );
    let conn = rusqlite::Connection::open(dir.join("работа.sqlite")).unwrap();
    let cycle: (i64, String, String, String, String, Option<String>, String) = conn
        .query_row(
            "SELECT c.year, c.sector, c.region, c.status, c.methodology, c.contract_date, a.inn
             FROM cycle c JOIN authority a ON a.id = c.authority_id",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        cycle,
        (
            2026,
            "social".into(),
            "Ленинградская область".into(),
            "planned".into(),
            "2018".into(),
            Some("2026-03-01".into()),
            "7707083893".into()
        )
    );
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'cycle' AND entity_id = 1
             AND action = 'insert' AND note = 'новый цикл оценки'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // year, sector, authority, region, status, method, operator, contract number and date.
    assert_eq!(audited, 9, "each value given is audited");

    let out = ok(dir, &["export", "table", "template", "--cycle", "1"]);
    assert!(
        out.contains("исходные-данные-цикл-1.csv — строк: 3"),
        "{out}"
    );
    let template = dir.join("exports").join("исходные-данные-цикл-1.csv");
    let low = ORGS[0].0;
    fill_template(&template, low);
    let out = ok(
        dir,
        &[
            "import",
            "inputs",
            template.to_str().unwrap(),
            "--cycle",
            "1",
        ],
    );
    assert!(out.contains("отклонено: 0"), "{out}");
    ok(dir, &["score", "--cycle", "1"]);
    let mut scores: Vec<(String, f64, i64)> = conn
        .prepare(
            "SELECT o.inn, s.total, s.place FROM score s
             JOIN membership m ON m.id = s.membership_id
             JOIN organization o ON o.id = m.org_id ORDER BY o.inn",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    scores.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        scores,
        vec![
            (ORGS[0].1.to_string(), 0.0, 3),
            (ORGS[1].1.to_string(), 100.0, 1),
            (ORGS[2].1.to_string(), 100.0, 1),
        ]
    );
}
