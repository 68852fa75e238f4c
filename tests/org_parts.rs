//! Organizations assessed in parts (части организации): a culture cycle where «Дом культуры» is
//! assessed as its head office and a branch, and «Библиотека» whole. The inputs come in through
//! `nok import inputs` with a «Часть» column, then `nok score`, `nok export table indicators`,
//! `nok export busgov` and `nok publish` run over the database, as a person would run them; every
//! figure is compared with the values worked out on paper below.
//!
//! ```text
//! Head office («Головное учреждение»), the culture example of src/domain/scoring.rs:
//!   1.1 90, 1.2 90, 1.3 95.94, 2.1 80, 2.3 92.25, 3.1 40, 3.2 40, 3.3 60, 4.1 90, 4.2 95,
//!   4.3 80, 5.1 80, 5.2 90, 5.3 87.04;  К 92.38, 86.13, 46, 90, 85.52;  S = 400.03/5 = 80.01
//! Branch («Филиал № 1»): the same but 4 channels (1.2 = min(120, 100) = 100), no disabled
//!   respondents (3.3 left out) and 5.3 = 500/625 = 80:
//!   К1 = 27 + 30 + 0.4×95.94 = 95.376 → 95.38;  К3 = (12 + 16)/0.7 = 40;
//!   К5 = 24 + 18 + 40 = 82;  S = (95.38 + 86.13 + 40 + 90 + 82)/5 = 393.51/5 = 78.702 → 78.70
//! The organization: each indicator the mean of the parts' values where counted:
//!   1.2 = (90 + 100)/2 = 95;  3.3 = 60 (head office only);  5.3 = (87.04 + 80)/2 = 83.52;
//!   the rest as both parts.
//!   К1 = 27 + 0.3×95 + 0.4×95.94 = 27 + 28.5 + 38.376 = 93.876 → 93.88
//!   К2 = 0.5×80 + 0.5×92.25 = 86.125 → 86.13;  К3 = 12 + 16 + 18 = 46;  К4 = 90
//!   К5 = 24 + 18 + 0.5×83.52 = 83.76
//!   S = (93.88 + 86.13 + 46 + 90 + 83.76)/5 = 399.77/5 = 79.954 → 79.95
//! «Библиотека», whole: the culture example, S = 80.01.
//! Rating: Библиотека 1st (80.01), Дом культуры 2nd (79.95), 2 ranked: parts are not ranked.
//! ```

mod cli_support;

use std::path::{Path, PathBuf};
use std::process::Output;

use cli_support::nok;
use rusqlite::Connection;

const TODAY: &str = "22.11.2026";
const HOUSE_INN: &str = "4703000019";
const LIBRARY_INN: &str = "4703000026";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

struct Db {
    dir: tempfile::TempDir,
    path: PathBuf,
    cycle: i64,
}

impl Db {
    fn run(&self, args: &[&str]) -> Output {
        let mut all = vec!["--db", self.path.to_str().unwrap(), "--today", TODAY];
        all.extend_from_slice(args);
        let out = nok(&all, self.dir.path());
        assert!(
            out.status.success(),
            "{args:?}: {}\n{}",
            text(&out.stderr),
            text(&out.stdout)
        );
        out
    }

    fn conn(&self) -> Connection {
        nok::store::open_existing(&self.path).unwrap()
    }
}

/// An authority, a culture cycle of 2025 and two organizations, in a new database.
fn database() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parts.sqlite");
    let conn = nok::store::open(&path).unwrap();
    conn.execute_batch(&format!(
        "INSERT INTO authority (id, name, short_name, region, sector, inn, kpp, ogrn, reg_num)
             VALUES (1, 'Комитет по культуре Ленинградской области', 'Комитет по культуре',
                     'Ленинградская область', 'culture', '4703000033', '470301001', '1024700000038',
                     '41100000');
         INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology)
             VALUES (7, 2025, 'culture', 1, 'Ленинградская область', 'collecting', '2018');
         INSERT INTO organization (id, full_name, short_name, inn, kpp, ogrn, reg_num, sector,
                                   region, founder_id)
             VALUES (1, 'Муниципальное бюджетное учреждение культуры «Дом культуры»',
                     'МБУК «Дом культуры»', '{HOUSE_INN}', '470301001', '1024700000016',
                     '41100001', 'culture', 'Ленинградская область', 1),
                    (2, 'Муниципальное бюджетное учреждение культуры «Библиотека»',
                     'МБУК «Библиотека»', '{LIBRARY_INN}', '470301001', '1024700000027',
                     '41100002', 'culture', 'Ленинградская область', 1);"
    ))
    .unwrap();
    drop(conn);
    Db {
        dir,
        path,
        cycle: 7,
    }
}

/// The culture example's inputs, with `changes` applied, as (key, value) in file order.
fn culture_inputs(changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = [
        ("1.1.stand_present", "9"),
        ("1.1.stand_required", "10"),
        ("1.1.site_present", "18"),
        ("1.1.site_required", "20"),
        ("1.2.phone", "1"),
        ("1.2.email", "1"),
        ("1.2.e_services", "1"),
        ("1.2.faq", "0"),
        ("1.2.opinion_form", "0"),
        ("1.2.other_remote", "0"),
        ("1.3.yes_stand", "147"),
        ("1.3.asked_stand", "160"),
        ("1.3.yes_site", "40"),
        ("1.3.asked_site", "40"),
        ("2.1.rest_zone", "1"),
        ("2.1.navigation", "1"),
        ("2.1.drinking_water", "1"),
        ("2.1.sanitary_rooms", "1"),
        ("2.1.sanitary_state", "0"),
        ("2.1.transport", "0"),
        ("2.1.booking", "0"),
        ("2.3.yes", "369"),
        ("2.3.asked", "400"),
        ("3.1.ramps", "1"),
        ("3.1.parking", "1"),
        ("3.1.lifts_handrails", "0"),
        ("3.1.wheelchairs", "0"),
        ("3.1.adapted_sanitary", "0"),
        ("3.2.sound_visual", "1"),
        ("3.2.braille", "1"),
        ("3.2.sign_language", "0"),
        ("3.2.low_vision_site", "0"),
        ("3.2.escort", "0"),
        ("3.2.remote_service", "0"),
        ("3.3.yes", "3"),
        ("3.3.asked", "5"),
        ("4.1.yes", "9"),
        ("4.1.asked", "10"),
        ("4.2.yes", "19"),
        ("4.2.asked", "20"),
        ("4.3.yes", "4"),
        ("4.3.asked", "5"),
        ("5.1.yes", "4"),
        ("5.1.asked", "5"),
        ("5.2.yes", "9"),
        ("5.2.asked", "10"),
        ("5.3.yes", "544"),
        ("5.3.asked", "625"),
    ]
    .iter()
    .map(|&(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for &(key, value) in changes {
        let slot = v.iter_mut().find(|(k, _)| k == key).unwrap();
        slot.1 = value.to_string();
    }
    v
}

/// The inputs file as an operator sends it: `;`, a «Часть» column, one row per organization and
/// part.
fn inputs_file(dir: &Path) -> PathBuf {
    let head = culture_inputs(&[]);
    let branch = culture_inputs(&[
        ("1.2.faq", "1"),
        ("3.3.yes", "0"),
        ("3.3.asked", "0"),
        ("5.3.yes", "500"),
    ]);
    let mut csv = String::from("ИНН;Часть");
    for (k, _) in &head {
        csv.push(';');
        csv.push_str(k);
    }
    csv.push('\n');
    for (inn, part, values) in [
        (HOUSE_INN, "Головное учреждение", &head),
        (HOUSE_INN, "Филиал № 1", &branch),
        (LIBRARY_INN, "", &head),
    ] {
        csv.push_str(&format!("{inn};{part}"));
        for (_, v) in values {
            csv.push(';');
            csv.push_str(v);
        }
        csv.push('\n');
    }
    let path = dir.join("inputs.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

fn loaded() -> Db {
    let db = database();
    let file = inputs_file(db.dir.path());
    let cycle = db.cycle.to_string();
    db.run(&[
        "import",
        "inputs",
        "--cycle",
        &cycle,
        file.to_str().unwrap(),
    ]);
    db.run(&["score", "--cycle", &cycle]);
    db
}

fn value(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> Option<f64> {
    use rusqlite::OptionalExtension;
    conn.query_row(sql, p, |r| r.get(0)).optional().unwrap()
}

#[test]
fn import_and_recompute_give_the_parts_and_the_totals_worked_on_paper() {
    let db = loaded();
    let conn = db.conn();
    // Two parts of the house of culture, none for the library; the parts' inputs are their own.
    let parts: Vec<(String, String)> = conn
        .prepare(
            "SELECT o.inn, p.name FROM org_part p JOIN membership m ON m.id = p.membership_id
             JOIN organization o ON o.id = m.org_id ORDER BY p.id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        parts,
        [
            (HOUSE_INN.to_string(), "Головное учреждение".to_string()),
            (HOUSE_INN.to_string(), "Филиал № 1".to_string())
        ]
    );
    let part_value = |part: &str, code: &str| {
        value(
            &conn,
            "SELECT r.value FROM org_part_result r JOIN org_part p ON p.id = r.part_id
             WHERE p.name = ?1 AND r.code = ?2",
            [part, code],
        )
    };
    assert_eq!(part_value("Головное учреждение", "S"), Some(80.01));
    assert_eq!(part_value("Филиал № 1", "S"), Some(78.70));
    assert_eq!(part_value("Филиал № 1", "К1"), Some(95.38));
    assert_eq!(part_value("Филиал № 1", "К3"), Some(40.0));
    assert_eq!(part_value("Филиал № 1", "К5"), Some(82.0));
    assert_eq!(part_value("Филиал № 1", "3.3"), None, "left out");
    // The organization's result from its parts, and its rating among organizations.
    let org = |inn: &str, code: &str| {
        value(
            &conn,
            "SELECT p.value FROM score_part p JOIN membership m ON m.id = p.membership_id
             JOIN organization o ON o.id = m.org_id WHERE o.inn = ?1 AND p.code = ?2",
            [inn, code],
        )
    };
    for (code, want) in [
        ("1.2", 95.0),
        ("3.3", 60.0),
        ("5.3", 83.52),
        ("К1", 93.88),
        ("К2", 86.13),
        ("К3", 46.0),
        ("К4", 90.0),
        ("К5", 83.76),
    ] {
        assert_eq!(org(HOUSE_INN, code), Some(want), "{code}");
    }
    let score = |inn: &str| -> (f64, i64, i64) {
        conn.query_row(
            "SELECT s.total, s.place, s.ranked FROM score s JOIN membership m ON m.id = s.membership_id
             JOIN organization o ON o.id = m.org_id WHERE o.inn = ?1",
            [inn],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
    };
    assert_eq!(score(HOUSE_INN), (79.95, 2, 2));
    assert_eq!(score(LIBRARY_INN), (80.01, 1, 2));
    // The membership's own inputs are not used for an organization assessed in parts.
    let own: i64 = conn
        .query_row(
            "SELECT count(*) FROM indicator_input i JOIN membership m ON m.id = i.membership_id
             JOIN organization o ON o.id = m.org_id WHERE o.inn = ?1",
            [HOUSE_INN],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(own, 0);
}

#[test]
fn importing_the_same_file_again_changes_nothing_and_a_repeated_part_is_refused() {
    let db = loaded();
    let file = inputs_file(db.dir.path());
    let cycle = db.cycle.to_string();
    let out = db.run(&[
        "import",
        "inputs",
        "--cycle",
        &cycle,
        "--dry-run",
        file.to_str().unwrap(),
    ]);
    let printed = text(&out.stdout);
    assert!(printed.contains("без изменений: 3"), "{printed}");
    // A second row for the same organization and part.
    let csv = std::fs::read_to_string(&file).unwrap();
    let branch_row = csv.lines().nth(2).unwrap().to_string();
    std::fs::write(&file, format!("{csv}{branch_row}\n")).unwrap();
    let args = [
        "--db",
        db.path.to_str().unwrap(),
        "import",
        "inputs",
        "--cycle",
        &cycle,
        file.to_str().unwrap(),
    ];
    let out = nok(&args, db.dir.path());
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("часть «Филиал № 1», уже была в строке 3"),
        "{all}"
    );
}

#[test]
fn the_indicators_table_carries_the_parts() {
    let db = loaded();
    let cycle = db.cycle.to_string();
    let out = db.run(&[
        "export",
        "table",
        "indicators",
        "--cycle",
        &cycle,
        "--out",
        "-",
    ]);
    let body = text(&out.stdout);
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(body.trim_start_matches('\u{feff}').as_bytes())
        .records()
        // Each cell as a spreadsheet shows it (codes are written as ="…").
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|c| nok::exchange::csv::shown_literal(c).unwrap_or_else(|| c.to_string()))
                .collect()
        })
        .collect();
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (s, part, k1) = (col("S"), col("Часть"), col("К1"));
    let got: Vec<(&str, &str, &str, &str)> = rows[1..]
        .iter()
        .map(|r| {
            (
                r[1].as_str(),
                r[part].as_str(),
                r[k1].as_str(),
                r[s].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (LIBRARY_INN, "", "92,38", "80,01"),
            (
                HOUSE_INN,
                "организация в целом (среднее частей)",
                "93,88",
                "79,95"
            ),
            (HOUSE_INN, "Головное учреждение", "92,38", "80,01"),
            (HOUSE_INN, "Филиал № 1", "95,38", "78,70"),
        ]
    );
    // The branch's 3.3 was left out: an empty cell.
    assert_eq!(rows[4][col("3.3")], "");
}

#[test]
fn the_busgov_results_carry_the_parts_and_validate() {
    let db = loaded();
    let cycle = db.cycle.to_string();
    let out_dir = db.dir.path().join("out");
    db.run(&[
        "export",
        "busgov",
        "--cycle",
        &cycle,
        "--kind",
        "results",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let mut house = None;
    let mut library = None;
    for entry in walk(&out_dir) {
        let name = entry.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("results_") && name.ends_with(&format!("_{HOUSE_INN}.xml")) {
            house = Some(entry.clone());
        }
        if name.starts_with("results_") && name.ends_with(&format!("_{LIBRARY_INN}.xml")) {
            library = Some(entry.clone());
        }
    }
    let house = std::fs::read_to_string(house.expect("the house's results")).unwrap();
    let library = std::fs::read_to_string(library.expect("the library's results")).unwrap();
    assert!(!library.contains("<ns2:part>"), "{library}");
    let flat: String = house.split_whitespace().collect();
    assert!(
        flat.contains("<ns2:part><ns2:name>Головноеучреждение</ns2:name>"),
        "{house}"
    );
    assert!(
        flat.contains("<ns2:part><ns2:name>Филиал№1</ns2:name><ns2:criterion><ns2:code>К1</ns2:code><ns2:value>95.38</ns2:value>"),
        "{house}"
    );
    assert!(
        flat.contains("<ns2:total>78.70</ns2:total></ns2:part>")
            || flat.contains("<ns2:total>78.7</ns2:total></ns2:part>"),
        "{house}"
    );
    // The project's schema takes it (xmllint, when installed).
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/xsd/nok-busgov.xsd");
    match std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .args(
            walk(&out_dir)
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "xml")),
        )
        .output()
    {
        Ok(out) => assert!(out.status.success(), "{}", text(&out.stderr)),
        Err(_) if std::env::var_os("CI").is_none() => {
            eprintln!("xmllint not installed: schema check skipped")
        }
        Err(e) => panic!("xmllint: {e}"),
    }
    // `nok check` takes the package too.
    let package = walk(&out_dir)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "zip"))
        .expect("the zip");
    let out = nok(&["check", package.to_str().unwrap()], db.dir.path());
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn the_publication_shows_the_parts_on_the_organization_page() {
    let db = loaded();
    let cycle = db.cycle.to_string();
    let site = db.dir.path().join("site");
    db.run(&[
        "publish",
        "--cycle",
        &cycle,
        "--out",
        site.to_str().unwrap(),
    ]);
    let page = walk(&site)
        .into_iter()
        .find(|p| {
            p.to_string_lossy().contains(HOUSE_INN) && p.extension().is_some_and(|e| e == "html")
        })
        .expect("the house's page");
    let html = std::fs::read_to_string(page).unwrap();
    assert!(html.contains("Оценка по частям организации"), "{html}");
    for needle in [
        "Головное учреждение",
        "Филиал № 1",
        "78,70",
        "79,95",
        "95,38",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    // The library, assessed whole, has no such table.
    let page = walk(&site)
        .into_iter()
        .find(|p| {
            p.to_string_lossy().contains(LIBRARY_INN) && p.extension().is_some_and(|e| e == "html")
        })
        .expect("the library's page");
    assert!(
        !std::fs::read_to_string(page)
            .unwrap()
            .contains("Оценка по частям организации")
    );
}

#[test]
fn parts_take_what_they_lack_from_the_organization_and_keep_what_they_have() {
    let db = loaded();
    let cycle = db.cycle.to_string();
    let conn = db.conn();
    let membership: i64 = conn
        .query_row(
            "SELECT m.id FROM membership m JOIN organization o ON o.id = m.org_id
             WHERE o.inn = ?1",
            [HOUSE_INN],
            |r| r.get(0),
        )
        .unwrap();
    // The inputs both parts have with the same value (the stand, the comfort and accessibility
    // checklists…) move to the organization itself, as a person enters what is common once.
    let common: Vec<(i64, f64)> = conn
        .prepare(
            "SELECT a.key_id, a.value FROM org_part_input a JOIN org_part pa ON pa.id = a.part_id
             JOIN org_part_input b ON b.key_id = a.key_id JOIN org_part pb ON pb.id = b.part_id
             WHERE pa.name = 'Головное учреждение' AND pb.name = 'Филиал № 1'
               AND a.value = b.value",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(common.len() > 10, "{}", common.len());
    for (key, value) in &common {
        conn.execute(
            "INSERT INTO indicator_input (membership_id, key_id, value) VALUES (?1, ?2, ?3)",
            rusqlite::params![membership, key, value],
        )
        .unwrap();
        conn.execute("DELETE FROM org_part_input WHERE key_id = ?1", [key])
            .unwrap();
    }
    // The organization's own value of an input the parts have is not used: the part's wins.
    conn.execute(
        "INSERT INTO indicator_input (membership_id, key_id, value)
         SELECT ?1, id, 1 FROM input_key WHERE key = '5.3.yes'",
        [membership],
    )
    .unwrap();
    drop(conn);
    db.run(&["score", "--cycle", &cycle]);
    let conn = db.conn();
    let part_s = |part: &str| {
        value(
            &conn,
            "SELECT r.value FROM org_part_result r JOIN org_part p ON p.id = r.part_id
             WHERE p.name = ?1 AND r.code = 'S'",
            [part],
        )
    };
    // The values worked on paper at the top of this file, unchanged.
    assert_eq!(part_s("Головное учреждение"), Some(80.01));
    assert_eq!(part_s("Филиал № 1"), Some(78.70));
    let total: f64 = conn
        .query_row(
            "SELECT s.total FROM score s WHERE s.membership_id = ?1",
            [membership],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(total, 79.95);
    // The card names how many values each part took from the organization.
    let parts = nok::store::org_parts::for_membership(&conn, membership).unwrap();
    assert_eq!(parts.len(), 2);
    for p in &parts {
        assert_eq!(p.inherited.len(), common.len(), "{}", p.name);
        assert!(!p.inherited.iter().any(|k| k == "5.3.yes"), "{}", p.name);
    }
}

#[test]
fn a_parts_explicit_no_wins_over_the_organizations_yes_and_an_empty_cell_takes_it() {
    // The house of culture enters its inputs once as the organization (the culture example,
    // but with «санитарное состояние помещений» = есть: 5 of the 2.1 items); «Филиал А» says
    // «нет» to that item in its own cell; «Филиал Б» leaves the cell empty (it has only its
    // 2.3 counts, the same as the organization's).
    //   Филиал А: 2.1 = 4 × 20 = 80, the rest as the culture example: К2 = 0.5×80 + 0.5×92.25
    //     = 86.125 → 86.13, S = 80.01 (the example).
    //   Филиал Б: 2.1 = 5 × 20 = 100: К2 = 0.5×100 + 46.125 = 96.125 → 96.13;
    //     S = (92.38 + 96.13 + 46 + 90 + 85.52)/5 = 410.03/5 = 82.006 → 82.01.
    //   The organization: 2.1 = (80 + 100)/2 = 90, К2 = 45 + 46.125 = 91.125 → 91.13;
    //     S = (92.38 + 91.13 + 46 + 90 + 85.52)/5 = 405.03/5 = 81.006 → 81.01.
    let db = database();
    let own = culture_inputs(&[("2.1.sanitary_state", "1")]);
    let mut csv = String::from("ИНН;Часть");
    for (k, _) in &own {
        csv.push(';');
        csv.push_str(k);
    }
    csv.push('\n');
    let row = |inn: &str, part: &str, cell: &dyn Fn(&str, &str) -> String| {
        let mut line = format!("{inn};{part}");
        for (k, v) in &own {
            line.push(';');
            line.push_str(&cell(k, v));
        }
        line.push('\n');
        line
    };
    csv.push_str(&row(HOUSE_INN, "", &|_, v| v.to_string()));
    csv.push_str(&row(HOUSE_INN, "Филиал А", &|k, _| {
        if k == "2.1.sanitary_state" {
            "нет"
        } else {
            ""
        }
        .to_string()
    }));
    csv.push_str(&row(HOUSE_INN, "Филиал Б", &|k, v| {
        if k.starts_with("2.3.") { v } else { "" }.to_string()
    }));
    csv.push_str(&row(LIBRARY_INN, "", &|_, v| v.to_string()));
    let file = db.dir.path().join("no.csv");
    std::fs::write(&file, csv).unwrap();
    let cycle = db.cycle.to_string();
    db.run(&[
        "import",
        "inputs",
        "--cycle",
        &cycle,
        file.to_str().unwrap(),
    ]);
    db.run(&["score", "--cycle", &cycle]);
    let conn = db.conn();
    // What is stored, by plain SQL: part А's own 0, nothing of part Б for the item.
    let stored = |part: &str| {
        value(
            &conn,
            "SELECT i.value FROM org_part_input i JOIN org_part p ON p.id = i.part_id
             JOIN input_key k ON k.id = i.key_id WHERE p.name = ?1 AND k.key = '2.1.sanitary_state'",
            [part],
        )
    };
    assert_eq!(stored("Филиал А"), Some(0.0));
    assert_eq!(stored("Филиал Б"), None);
    let part_value = |part: &str, code: &str| {
        value(
            &conn,
            "SELECT r.value FROM org_part_result r JOIN org_part p ON p.id = r.part_id
             WHERE p.name = ?1 AND r.code = ?2",
            [part, code],
        )
    };
    assert_eq!(part_value("Филиал А", "2.1"), Some(80.0));
    assert_eq!(part_value("Филиал А", "К2"), Some(86.13));
    assert_eq!(part_value("Филиал А", "S"), Some(80.01));
    assert_eq!(part_value("Филиал Б", "2.1"), Some(100.0));
    assert_eq!(part_value("Филиал Б", "К2"), Some(96.13));
    assert_eq!(part_value("Филиал Б", "S"), Some(82.01));
    let org = |code: &str| {
        value(
            &conn,
            "SELECT p.value FROM score_part p JOIN membership m ON m.id = p.membership_id
             JOIN organization o ON o.id = m.org_id WHERE o.inn = ?1 AND p.code = ?2",
            [HOUSE_INN, code],
        )
    };
    assert_eq!(org("2.1"), Some(90.0));
    assert_eq!(org("К2"), Some(91.13));
    let total: f64 = conn
        .query_row(
            "SELECT s.total FROM score s JOIN membership m ON m.id = s.membership_id
             JOIN organization o ON o.id = m.org_id WHERE o.inn = ?1",
            [HOUSE_INN],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(total, 81.01);
    // The card: part А's item is its own (0), part Б's is taken from the organization.
    let membership: i64 = conn
        .query_row(
            "SELECT m.id FROM membership m JOIN organization o ON o.id = m.org_id WHERE o.inn = ?1",
            [HOUSE_INN],
            |r| r.get(0),
        )
        .unwrap();
    let parts = nok::store::org_parts::for_membership(&conn, membership).unwrap();
    let item = |p: &nok::store::org_parts::PartResult| {
        (
            p.inputs
                .iter()
                .find(|(k, _)| k == "2.1.sanitary_state")
                .map(|(_, v)| *v),
            p.inherited.iter().any(|k| k == "2.1.sanitary_state"),
        )
    };
    assert_eq!(parts[0].name, "Филиал А");
    assert_eq!(item(&parts[0]), (Some(0.0), false));
    assert_eq!(item(&parts[1]), (Some(1.0), true));
}
