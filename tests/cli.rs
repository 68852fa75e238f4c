//! The `nok` binary end to end: demo build, cycles, score, check-db, and bad input.

mod cli_support;

use cli_support::nok;

use std::path::{Path, PathBuf};
use std::process::Command;

const TODAY: &str = "22.11.2026";

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// Builds a demo database in a fresh folder; returns (folder guard, db path).
fn demo_db(orgs: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let out = nok(
        &[
            "demo",
            "--db",
            db.to_str().unwrap(),
            "--orgs",
            orgs,
            "--today",
            TODAY,
        ],
        dir.path(),
    );
    assert!(out.status.success(), "demo failed: {}", text(&out.stderr));
    (dir, db)
}

/// Parses Excel CSV output (BOM, `;`) into rows of cells, header first.
fn csv_rows(out: &[u8]) -> Vec<Vec<String>> {
    let s = text(out);
    let body = s.strip_prefix('\u{feff}').expect("CSV starts with a BOM");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn num(cell: &str) -> f64 {
    cell.replace(',', ".")
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {cell}"))
}

#[test]
fn demo_builds_once_and_prints_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let args = ["demo", "--db", db.to_str().unwrap(), "--today", TODAY];
    let first = nok(&args, dir.path());
    assert!(first.status.success(), "{}", text(&first.stderr));
    let out = text(&first.stdout);
    assert!(out.contains("Демонстрационная база построена"), "{out}");
    assert!(out.contains("организаций: 300"), "{out}");
    assert!(out.contains("просрочено на 22.11.2026"), "{out}");
    // No temporary build file is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("building"))
        .collect();
    assert!(leftovers.is_empty());

    let second = nok(&args, dir.path());
    assert!(second.status.success());
    let out = text(&second.stdout);
    assert!(out.contains("перестроить: nok demo --force"), "{out}");
    assert!(out.contains("организаций: 300"), "{out}");
}

#[test]
fn demo_never_uses_nok_db_and_refuses_a_working_database() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work.sqlite");
    // A working database (not a demo) at NOK_DB.
    drop(nok::store::open(&work).unwrap());
    let out = Command::new(env!("CARGO_BIN_EXE_nok"))
        .args(["demo", "--orgs", "20", "--today", TODAY])
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("NOK_DB", &work)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("data/nok/demo.sqlite").exists());
    let conn = nok::store::open_existing(&work).unwrap();
    let orgs: i64 = conn
        .query_row("SELECT count(*) FROM organization", [], |r| r.get(0))
        .unwrap();
    assert_eq!(orgs, 0, "the demo must not touch NOK_DB");

    // Pointing --db at the working database is refused, with --force too.
    for force in [false, true] {
        let mut args = vec!["demo", "--db", work.to_str().unwrap()];
        if force {
            args.push("--force");
        }
        let out = nok(&args, dir.path());
        assert_eq!(out.status.code(), Some(1));
        assert!(
            text(&out.stderr).contains("не демонстрационная база"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn same_seed_gives_the_same_database() {
    let (_a, db_a) = demo_db("60");
    let (_b, db_b) = demo_db("60");
    let digest = |db: &Path| -> (String, String) {
        let c = nok::store::open_existing(db).unwrap();
        let orgs: String = c
            .query_row(
                "SELECT group_concat(inn || full_name, '|') FROM (SELECT * FROM organization ORDER BY id)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let scores: String = c
            .query_row(
                "SELECT group_concat(total || ':' || place, '|') FROM (SELECT * FROM score ORDER BY membership_id)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        (orgs, scores)
    };
    assert_eq!(digest(&db_a), digest(&db_b));
}

#[test]
fn cycles_and_score_print_a_consistent_rating() {
    let (dir, db) = demo_db("300");
    let dbs = db.to_str().unwrap();
    let out = nok(&["--db", dbs, "cycles", "--format", "csv"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = csv_rows(&out.stdout);
    assert_eq!(rows[0][0], "Цикл");
    assert!(rows.len() > 12, "3+ regions × 4 sectors × 3 years");
    let sectors: std::collections::BTreeSet<&str> =
        rows[1..].iter().map(|r| r[2].as_str()).collect();
    assert_eq!(sectors.len(), 4, "{sectors:?}");
    let cycle = rows
        .iter()
        .skip(1)
        .max_by_key(|r| r[6].parse::<i64>().unwrap())
        .unwrap()[0]
        .clone();

    let out = nok(
        &["--db", dbs, "score", "--cycle", &cycle, "--format", "csv"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = csv_rows(&out.stdout);
    assert_eq!(
        rows[0][..9],
        [
            "Место",
            "Организация",
            "ИНН",
            "К1",
            "К2",
            "К3",
            "К4",
            "К5",
            "S"
        ]
    );
    let body = &rows[1..];
    assert!(body.len() >= 5);
    let mut prev: Option<(u32, f64)> = None;
    for (i, r) in body.iter().enumerate() {
        let criteria: Vec<f64> = r[3..8].iter().map(|c| num(c)).collect();
        let total = num(&r[8]);
        let mean = criteria.iter().sum::<f64>() / 5.0;
        assert!(
            (total - mean).abs() <= 0.01 + 1e-9,
            "row {r:?}: S {total} vs mean {mean}"
        );
        assert!(
            criteria
                .iter()
                .chain([&total])
                .all(|v| (0.0..=100.0).contains(v))
        );
        // The ИНН is written as a text formula (`="…"`), so a spreadsheet keeps it as text with
        // any leading zero; the spreadsheet shows the 10 digits.
        let inn = r[2]
            .strip_prefix("=\"")
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or_else(|| panic!("ИНН not written as text: {}", r[2]));
        assert!(
            inn.len() == 10 && inn.bytes().all(|b| b.is_ascii_digit()),
            "ИНН {inn}"
        );
        let place: u32 = r[0].parse().unwrap();
        if let Some((p, t)) = prev {
            assert!(total <= t);
            if (total - t).abs() < 1e-9 {
                assert_eq!(place, p, "equal S share a place");
            } else {
                assert_eq!(place as usize, i + 1, "competition ranking (1, 2, 2, 4)");
            }
        } else {
            assert_eq!(place, 1);
        }
        prev = Some((place, total));
    }

    let out = nok(&["--db", dbs, "score", "--cycle", &cycle], dir.path());
    assert!(out.status.success());
    let table = text(&out.stdout);
    assert!(table.contains("методика 2018"), "{table}");

    let out = nok(&["--db", dbs, "check-db"], dir.path());
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("в порядке"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn impossible_inputs_are_named_and_the_rest_is_rated() {
    let (dir, db) = demo_db("40");
    let (cycle, org): (i64, String) = {
        let c = nok::store::open_existing(&db).unwrap();
        let (cycle, membership, org): (i64, i64, String) = c
            .query_row(
                "SELECT m.cycle_id, m.id, o.short_name FROM membership m JOIN organization o ON o.id = m.org_id
                 ORDER BY (SELECT count(*) FROM membership x WHERE x.cycle_id = m.cycle_id) DESC, m.id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        // More satisfied respondents than answered: impossible.
        c.execute(
            "UPDATE indicator_input SET value = 1000
             WHERE membership_id = ?1 AND key_id = (SELECT id FROM input_key WHERE key = '5.3.yes')",
            [membership],
        )
        .unwrap();
        (cycle, org)
    };
    let out = nok(
        &[
            "--db",
            db.to_str().unwrap(),
            "score",
            "--cycle",
            &cycle.to_string(),
            "--format",
            "csv",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(&org), "{err}");
    assert!(err.contains("5.3.yes"), "{err}");
    let rows = csv_rows(&out.stdout);
    assert!(
        rows.iter().all(|r| r[1] != org),
        "the broken one is not rated"
    );
    assert!(rows.len() > 1, "the others are");

    let out = nok(&["--db", db.to_str().unwrap(), "check-db"], dir.path());
    assert!(
        text(&out.stdout).contains("не рассчитан"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn bad_usage_and_missing_things_get_russian_messages() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["frobnicate"], 2, "неизвестная команда"),
        (&["score"], 2, "не указан обязательный параметр"),
        (&["score", "--cycle", "x"], 2, "--cycle"),
        (&["cycles", "--format", "xml"], 2, "допустимы"),
        (&["--today", "31.02.2025", "cycles"], 2, "ДД.ММ.ГГГГ"),
        (&["demo", "--orgs", "0"], 2, "--orgs"),
        (
            &["--db", "/nonexistent/x.sqlite", "cycles"],
            1,
            "не найдена",
        ),
    ];
    for (args, code, needle) in cases {
        let out = nok(args, dir.path());
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }

    let (dir, db) = demo_db("20");
    let out = nok(
        &["--db", db.to_str().unwrap(), "score", "--cycle", "99999"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("цикл 99999 не найден"));

    let junk = dir.path().join("junk.sqlite");
    std::fs::write(&junk, vec![7u8; 4096]).unwrap();
    let out = nok(&["--db", junk.to_str().unwrap(), "cycles"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("не является базой данных nok"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn help_is_in_russian() {
    let dir = tempfile::tempdir().unwrap();
    let out = nok(&["--help"], dir.path());
    assert!(out.status.success());
    let help = text(&out.stdout);
    for needle in [
        "Использование:",
        "Команды:",
        "Параметры:",
        "demo",
        "check-db",
        "Показать справку",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
    assert!(
        !help.contains("Usage:") && !help.contains("Options:"),
        "{help}"
    );
    let out = nok(&["score", "--help"], dir.path());
    assert!(text(&out.stdout).contains("Номер цикла"));
}

#[test]
fn a_settings_file_with_a_mistake_is_named_and_nothing_runs() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("nok.toml");
    std::fs::write(&cfg, "mouse = yes\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nok"))
        .args(["cycles", "--db", "/nonexistent.sqlite"])
        .env("HOME", home.path())
        .env("NOK_CONFIG", &cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nok.toml") && err.contains("mouse = true"),
        "{err}"
    );
    // A correct file is read without a word.
    std::fs::write(&cfg, "mouse = true\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nok"))
        .args(["--help"])
        .env("NOK_CONFIG", &cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}
