//! A file read into an empty database has its keys (ИНН+КПП, code, ОГРН with its ИНН) checked
//! after reading, all at once; with an organization stored they are claimed row by row. The two
//! must give the same plan: generated files with repeated ИНН+КПП, codes, ОГРН of the same and
//! of another ИНН, and rows rejected for other reasons (unreadable ИНН or КПП, a bad ОГРН, an
//! unknown sector, fields a new organization lacks) are checked into an empty database and into
//! one holding a single organization none of the rows names — the dry run's preview, the import's
//! preview (`--skip-rejected`) and the organizations, sort keys and audit entries written must be
//! equal. One file is worked out by hand, messages and all; one is long enough that the first
//! [`LISTED`] rejections and additions are cut from a longer list.

mod import_support;

use std::path::Path;

use import_support::{count, dry_run_orgs, inn, ogrn, today};
use nok::service::import::{Kind, LISTED, Options, Preview, apply_file};
use proptest::prelude::*;
use rusqlite::Connection;

const HEADER: &str =
    "\u{feff}Полное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион\r\n";

/// The organization of the database that is not empty: its ИНН, ОГРН and code appear in no file.
const OTHER_INN: u32 = 99;

fn empty(path: &Path) -> Connection {
    nok::store::open(path).unwrap()
}

fn with_other(path: &Path) -> Connection {
    let conn = nok::store::open(path).unwrap();
    conn.execute(
        "INSERT INTO organization (full_name, inn, kpp, ogrn, reg_num, sector, region)
         VALUES ('ГБУК «Другая»', ?1, '781099001', ?2, '780Ж0099', 'culture', 'Санкт-Петербург')",
        rusqlite::params![inn(OTHER_INN), ogrn(OTHER_INN)],
    )
    .unwrap();
    conn
}

/// One row of a generated file: an index into each pool of values.
#[derive(Debug, Clone)]
struct Spec {
    inn: usize,
    kpp: usize,
    ogrn: usize,
    code: usize,
    name: usize,
    sector: usize,
    region: bool,
}

/// ИНН: four valid, one with a wrong check digit (the row is not read).
fn inn_of(i: usize) -> String {
    match i {
        0..=3 => inn(i as u32 + 1),
        _ => {
            let good = inn(5);
            let last = good.as_bytes()[9] - b'0';
            format!("{}{}", &good[..9], (last + 1) % 10)
        }
    }
}

/// КПП: two valid, none (a new organization lacks it), one too short (the row is not read).
fn kpp_of(i: usize) -> &'static str {
    ["781001001", "781002001", "", "7810"][i]
}

/// ОГРН: four valid, none, one with a wrong check digit (rejected in the plan, claimed before).
fn ogrn_of(i: usize) -> String {
    match i {
        0..=3 => ogrn(i as u32 + 1),
        4 => String::new(),
        _ => {
            let good = ogrn(6);
            let last = good.as_bytes()[12] - b'0';
            format!("{}{}", &good[..12], (last + 1) % 10)
        }
    }
}

fn code_of(i: usize) -> String {
    match i {
        0..=5 => format!("780Ж{:04}", i + 1),
        _ => String::new(),
    }
}

fn line_of(s: &Spec) -> String {
    format!(
        "{};{};{};{};{};{};{}\r\n",
        ["ГБУ «Первое»", "\"ГБУК «Второе; с точкой с запятой»\"", ""][s.name],
        inn_of(s.inn),
        kpp_of(s.kpp),
        ogrn_of(s.ogrn),
        code_of(s.code),
        ["культура", "образование", "космос"][s.sector],
        if s.region {
            "Санкт-Петербург"
        } else {
            ""
        },
    )
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0..5usize,
        prop::sample::select(vec![0usize, 0, 0, 1, 1, 2, 3]),
        0..6usize,
        0..7usize,
        prop::sample::select(vec![0usize, 0, 1, 1, 2]),
        prop::sample::select(vec![0usize, 0, 0, 1, 2]),
        prop::sample::select(vec![true, true, true, false]),
    )
        .prop_map(|(inn, kpp, ogrn, code, name, sector, region)| Spec {
            inn,
            kpp,
            ogrn,
            code,
            name,
            sector,
            region,
        })
}

/// What an import wrote, as plain SQL reads it, leaving out the organization stored before.
type Written = (
    Vec<(String, String, String, String, String, String, String)>,
    Vec<String>,
    Vec<String>,
);

fn written(conn: &Connection) -> Written {
    let other = inn(OTHER_INN);
    let orgs = conn
        .prepare(
            "SELECT full_name, inn, kpp, ogrn, reg_num, sector, region FROM organization
             WHERE inn <> ?1 ORDER BY id",
        )
        .unwrap()
        .query_map([&other], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let keys = conn
        .prepare(
            "SELECT s.name_key FROM organization_sort s JOIN organization o ON o.id = s.org_id
             WHERE o.inn <> ?1 ORDER BY o.id",
        )
        .unwrap()
        .query_map([&other], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let audit = conn
        .prepare(
            "SELECT a.new_value FROM audit_log a JOIN organization o ON o.id = a.entity_id
             WHERE a.entity = 'organization' AND a.action = 'insert' AND o.inn <> ?1
             ORDER BY o.id",
        )
        .unwrap()
        .query_map([&other], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    (orgs, keys, audit)
}

fn apply(conn: &mut Connection, file: &Path) -> Preview {
    apply_file(
        conn,
        file,
        &Kind::Orgs,
        &Options::default(),
        today(),
        true,
        &mut |_| {},
    )
    .unwrap()
}

/// The file checked both ways: dry runs and imports equal, and the empty database's new
/// organizations numbered 1, 2, 3… as the rows come.
fn both_ways_equal(csv: &str) -> (Preview, Written) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("orgs.csv");
    std::fs::write(&file, csv).unwrap();
    let mut deferred = empty(&dir.path().join("empty.sqlite"));
    let mut by_row = with_other(&dir.path().join("other.sqlite"));
    let dry = dry_run_orgs(&mut deferred, &file);
    assert_eq!(dry, dry_run_orgs(&mut by_row, &file), "dry run\n{csv}");
    let real = apply(&mut deferred, &file);
    assert_eq!(real, apply(&mut by_row, &file), "import\n{csv}");
    assert_eq!(dry.counts, real.counts);
    let got = written(&deferred);
    assert_eq!(got, written(&by_row), "written\n{csv}");
    let n = count(&deferred, "SELECT count(*) FROM organization");
    assert_eq!(n as usize, real.added_count());
    if n > 0 {
        assert_eq!(count(&deferred, "SELECT max(id) FROM organization"), n);
    }
    (real, got)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn checked_after_reading_or_row_by_row_the_plan_is_the_same(
        rows in prop::collection::vec(spec(), 1..40)
    ) {
        let csv: String = std::iter::once(HEADER.to_string())
            .chain(rows.iter().map(line_of))
            .collect();
        both_ways_equal(&csv);
    }
}

/// Worked out by hand: which row is rejected by which earlier line, with what words.
#[test]
fn an_empty_database_rejects_repeats_by_the_first_line_in_the_usual_words() {
    let r = |name: &str, inn: &str, kpp: &str, ogrn: &str, code: &str, sector: &str| {
        format!("{name};{inn};{kpp};{ogrn};{code};{sector};Санкт-Петербург\r\n")
    };
    let (i1, i2, i3) = (inn(1), inn(2), inn(3));
    let (o1, o2) = (ogrn(1), ogrn(2));
    let csv = [
        HEADER.to_string(),
        // 2: added (id 1).
        r("ГБУ «А»", &i1, "781001001", &o1, "780Ж0001", "культура"),
        // 3: ИНН+КПП of line 2.
        r("ГБУ «Б»", &i1, "781001001", &o2, "780Ж0002", "культура"),
        // 4: a branch of line 2 (same ИНН and ОГРН, another КПП): added (id 2).
        r(
            "ГБУ «А», филиал",
            &i1,
            "781002001",
            &o1,
            "780Ж0004",
            "культура",
        ),
        // 5: the code of line 3 (rejected, but it claimed the code).
        r("ГБУ «В»", &i2, "781001001", &o2, "780Ж0002", "культура"),
        // 6: the ОГРН of line 2, another ИНН.
        r("ГБУ «Г»", &i3, "781001001", &o1, "780Ж0006", "культура"),
        // 7: an unknown sector, and the ИНН+КПП of line 5: the repeat is the reason.
        r("ГБУ «Д»", &i2, "781001001", "", "780Ж0007", "космос"),
        // 8: an unknown sector only: its own reason.
        r("ГБУ «Е»", &i3, "781002001", "", "780Ж0008", "космос"),
        // 9: ИНН+КПП of line 6 (rejected there, claimed all the same).
        r(
            "ГБУ «Ж»",
            &i3,
            "781001001",
            &ogrn(3),
            "780Ж0009",
            "культура",
        ),
        // 10: added (id 3).
        r(
            "ГБУ «З»",
            &inn(4),
            "781001001",
            &ogrn(4),
            "780Ж0010",
            "культура",
        ),
        // 11: no ОГРН, which a new organization needs; its code is line 10's.
        r("ГБУ «И»", &inn(4), "781002001", "", "780Ж0010", "культура"),
        // 12: no ОГРН, which a new organization needs.
        r("ГБУ «К»", &inn(4), "781003001", "", "780Ж0012", "культура"),
    ]
    .concat();
    let (real, written) = both_ways_equal(&csv);
    let added: Vec<usize> = real.added.iter().map(|c| c.line).collect();
    assert_eq!(added, vec![2, 4, 10]);
    let rejected: Vec<(usize, &str, &str)> = real
        .rejected
        .iter()
        .map(|r| (r.line, r.column.as_str(), r.reason.as_str()))
        .collect();
    let one = "одна организация — одна строка";
    assert_eq!(
        rejected,
        vec![
            (
                3,
                "",
                format!("ИНН {i1} и КПП 781001001 уже были в строке 2: {one}").as_str()
            ),
            (
                5,
                "Код по Сводному реестру",
                format!("код 780Ж0002 уже был в строке 3: {one}").as_str()
            ),
            (
                6,
                "ОГРН",
                format!(
                    "ОГРН {o1} уже был в строке 2 у организации «ГБУ «А»» с ИНН {i1}: один ОГРН — одно юридическое лицо с одним ИНН"
                )
                .as_str()
            ),
            (
                7,
                "",
                format!("ИНН {i2} и КПП 781001001 уже были в строке 5: {one}").as_str()
            ),
            (
                8,
                "Сфера",
                "неизвестная сфера «космос»: укажите социальное обслуживание, охрана здоровья, культура или образование"
            ),
            (
                9,
                "",
                format!("ИНН {i3} и КПП 781001001 уже были в строке 6: {one}").as_str()
            ),
            (
                11,
                "Код по Сводному реестру",
                format!("код 780Ж0010 уже был в строке 10: {one}").as_str()
            ),
            (
                12,
                "",
                format!(
                    "организации с ИНН {} нет в базе, а для новой не хватает: ОГРН",
                    inn(4)
                )
                .as_str()
            ),
        ]
    );
    assert_eq!(
        (real.counts.added, real.counts.rejected),
        (3, 8),
        "{real:?}"
    );
    let names: Vec<&str> = written.0.iter().map(|o| o.0.as_str()).collect();
    assert_eq!(names, vec!["ГБУ «А»", "ГБУ «А», филиал", "ГБУ «З»"]);
}

/// More rejections and additions than are listed: repeats among the first [`LISTED`] rows push
/// later additions into the list, and rejections far down stay counted but unlisted.
#[test]
fn the_listed_rows_are_the_first_of_each_kind_when_repeats_are_found_after_reading() {
    let mut csv = vec![HEADER.to_string()];
    // Numbers from 1000 on: none is the stored organization's.
    let row = |n: u32, kpp: &str, code: u32, sector: &str| {
        format!(
            "ГБУ № {n};{};{kpp};{};780Ж{:04};{sector};Санкт-Петербург\r\n",
            inn(n + 1000),
            ogrn(n + 1000),
            code + 1000
        )
    };
    let rows = 2 * LISTED as u32 + 600;
    for n in 1..=rows {
        csv.push(match n % 7 {
            // A repeat of the row above (its ИНН+КПП and code).
            0 => row(n - 1, "781001001", n - 1, "культура"),
            // Its code is the row's two above.
            3 if n > 3 => row(n, "781001001", n - 2, "культура"),
            // An unknown sector, and every tenth of these a repeat of the row above too.
            5 if n % 10 == 5 => row(n - 1, "781001001", n - 1, "космос"),
            5 => row(n, "781001001", n, "космос"),
            _ => row(n, "781001001", n, "культура"),
        });
    }
    let (real, _) = both_ways_equal(&csv.concat());
    assert_eq!(real.added.len(), LISTED);
    assert_eq!(real.rejected.len(), LISTED);
    assert!(real.counts.added > LISTED && real.counts.rejected > LISTED);
    // Every row counted once.
    assert_eq!(
        real.counts.added + real.counts.rejected,
        rows as usize,
        "{:?}",
        real.counts
    );
}
