//! A survey file with proposals of two organizations of the newest social-services cycle,
//! imported into a test database, and what the tests check the screen and the files against:
//! counts and rows worked out by plain SQL over `survey_proposal`, not through `nok`'s search.
#![allow(dead_code)] // each test file uses its own subset

use std::path::Path;

use rusqlite::Connection;

/// The search typed in the tests: a capital and «ё», as a person types it.
pub const SEARCH: &str = "Ёлк";

/// The proposals of the file: (organization 0 = A / 1 = B, respondent, time, proposal). «нет» is
/// not a proposal; the fourth of B starts with «=» (a spreadsheet would read it as a formula).
/// The second of A was answered in a branch ([`PART`]), the others of A in its head office
/// ([`HEAD`]).
pub const ROWS: [(usize, &str, &str, &str); 9] = [
    (0, "R-01", "01.10.2025 10:00:01", "Поставить ЁЛКУ во дворе"),
    (
        0,
        "R-02",
        "01.10.2025 10:05:00",
        "Елку нарядить к празднику",
    ),
    (0, "R-03", "01.10.2025 11:00:00", "Больше парковочных мест"),
    (
        0,
        "R-04",
        "02.10.2025 09:30:00",
        "елки-палки, всё хорошо, но мало скамеек",
    ),
    (0, "R-05", "02.10.2025 09:31:00", "нет"),
    (
        1,
        "R-06",
        "03.10.2025 12:00:00",
        "ёлка у входа мешает проходу",
    ),
    (1, "R-07", "03.10.2025 12:10:00", "Пандус у крыльца"),
    (1, "R-08", "03.10.2025 12:20:00", "Отремонтировать ступени"),
    (1, "R-09", "03.10.2025 12:30:00", "=Ёлку убрать из холла"),
];

/// The branch of A the second row names (the file's «Филиал» column).
pub const PART: &str = "Филиал в Хотькове";

/// The part the other rows of A name.
pub const HEAD: &str = "Головное учреждение";

/// The proposals column as forms export it.
const PROPOSALS: &str = "Ваши предложения по улучшению условий оказания услуг в данной организации";
const OVERALL: &str = "15. Удовлетворены ли Вы в целом условиями оказания услуг в организации?";

/// The newest social-services cycle (the one an organization's card opens on) and two of its
/// organizations with an ИНН of their own: (cycle, [(membership, ИНН, full name)]).
pub fn social_cycle(conn: &Connection) -> (i64, Vec<(i64, String, String)>) {
    let cycle: i64 = conn
        .query_row(
            "SELECT id FROM cycle WHERE sector = 'social' ORDER BY year DESC, id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let orgs = conn
        .prepare(
            "SELECT m.id, o.inn, o.full_name FROM membership m JOIN organization o ON o.id = m.org_id
             WHERE m.cycle_id = ?1 AND (SELECT count(*) FROM organization x WHERE x.inn = o.inn) = 1
             ORDER BY o.id LIMIT 2",
        )
        .unwrap()
        .query_map([cycle], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(orgs.len(), 2);
    (cycle, orgs)
}

/// Writes the survey file into `dir` and imports it into the cycle; returns what
/// [`social_cycle`] does.
pub fn import(dir: &Path, conn: &mut Connection) -> (i64, Vec<(i64, String, String)>) {
    let (cycle, orgs) = social_cycle(conn);
    let mut csv = format!("ИНН;Филиал;Отметка времени;Номер респондента;{OVERALL};{PROPOSALS}\n");
    for (org, who, at, text) in ROWS {
        // A is assessed in parts: each of its rows names one (a row without would be refused).
        let part = match (org, who) {
            (_, "R-02") => PART,
            (0, _) => HEAD,
            _ => "",
        };
        csv.push_str(&format!("{};{part};{at};{who};Да;{text}\n", orgs[org].1));
    }
    let file = dir.join("анкеты-предложения.csv");
    std::fs::write(&file, csv).unwrap();
    let opts = nok::service::survey::Options {
        cycle_id: cycle,
        ..Default::default()
    };
    let p = nok::service::survey::apply(conn, &file, &opts, &mut |_| {}).unwrap();
    assert!(
        p.applied,
        "{:?}",
        nok::service::survey::preview_lines(&p, false)
    );
    (cycle, orgs)
}

/// The condition «the text contains [`SEARCH`], case and «ё» aside» in plain SQL: the letters of
/// the search word folded by hand (SQLite's own lower() leaves Cyrillic as it is).
const MATCHES: &str =
    "replace(replace(replace(replace(replace(text, 'Ё', 'е'), 'ё', 'е'), 'Е', 'е'),
     'Л', 'л'), 'К', 'к') LIKE '%елк%'";

/// (found, all) by plain SQL: proposals of the membership (or of the whole cycle) matching
/// [`SEARCH`], and all of them.
pub fn sql_counts(conn: &Connection, cycle: i64, membership: Option<i64>) -> (i64, i64) {
    let count = |cond: &str| -> i64 {
        conn.query_row(
            &format!(
                "SELECT count(*) FROM survey_proposal p JOIN survey_source s ON s.id = p.source_id
                 WHERE s.cycle_id = ?1 AND (?2 IS NULL OR p.membership_id = ?2) AND {cond}"
            ),
            rusqlite::params![cycle, membership],
            |r| r.get(0),
        )
        .unwrap()
    };
    (count(MATCHES), count("1"))
}

/// The proposals matching [`SEARCH`] by plain SQL: (ИНН, part, respondent, text), sorted.
pub fn sql_found(conn: &Connection, cycle: i64, membership: Option<i64>) -> Vec<[String; 4]> {
    let mut rows: Vec<[String; 4]> = conn
        .prepare(&format!(
            "SELECT o.inn, r.part, r.respondent, p.text FROM survey_proposal p
             JOIN survey_source s ON s.id = p.source_id
             JOIN membership m ON m.id = p.membership_id JOIN organization o ON o.id = m.org_id
             JOIN survey_response r ON r.source_id = p.source_id AND r.line = p.line
             WHERE s.cycle_id = ?1 AND (?2 IS NULL OR p.membership_id = ?2) AND {MATCHES}"
        ))
        .unwrap()
        .query_map(rusqlite::params![cycle, membership], |r| {
            Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?])
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.sort();
    rows
}

/// A CSV file `nok` saved, read as Excel reads it: the BOM and «;» checked, each field shown
/// as its value (a literal formula `="…"` as the text inside).
pub fn read_excel_csv(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.contains(';') && !first.contains(','), "{first}");
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| {
            rec.unwrap()
                .iter()
                .map(|f| nok::exchange::csv::shown_literal(f).unwrap_or_else(|| f.to_string()))
                .collect()
        })
        .collect()
}
