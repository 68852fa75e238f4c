//! The portal's own plan document (ТФФ 1.8.3 `planShortcomingInfoType`) end to end on demo
//! databases: `nok export busgov --kind plan` validated file by file with `xmllint --schema`
//! against the portal's real Types.xsd from `../shared` and compared with the database by plain
//! SQL; documents lacking required data named and not written; hostile text written valid or
//! refused; `nok check` on tampered documents (and xmllint agreeing); `nok import plan` of a zip,
//! a folder and one file into a database without plans, giving the same documents again.

mod cli_support;

use cli_support::nok;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use quick_xml::Reader;
use quick_xml::events::Event;
use rusqlite::Connection;

const TODAY: &str = "22.11.2026";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The portal's real Types.xsd of ТФФ 1.8.3, or `None` (skip with a reason) when `../shared` is
/// absent; under CI its absence fails.
fn types_xsd() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference/busgov-tff-1.8.3/Types.xsd");
    if p.exists() {
        return Some(p);
    }
    assert!(
        !under_ci(),
        "../shared is required under CI: {}",
        p.display()
    );
    eprintln!(
        "пропуск проверки по настоящему Types.xsd ТФФ 1.8.3: нет {}",
        p.display()
    );
    None
}

/// Whether `xmllint` is there; under CI its absence fails.
fn have_xmllint() -> bool {
    if Command::new("xmllint").arg("--version").output().is_ok() {
        return true;
    }
    assert!(
        !under_ci(),
        "xmllint is required under CI (apt-get install libxml2-utils)"
    );
    eprintln!("пропуск проверки xmllint: программа не установлена (apt-get install libxml2-utils)");
    false
}

/// `xmllint --schema Types.xsd FILE`: whether it validates, and what it said.
fn xmllint_valid(xsd: &Path, file: &Path) -> (bool, String) {
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(xsd)
        .arg(file)
        .output()
        .unwrap();
    (out.status.success(), text(&out.stderr))
}

struct Db {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl Db {
    fn new(orgs: &str) -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.sqlite");
        let out = nok(
            &[
                "demo",
                "--db",
                path.to_str().unwrap(),
                "--orgs",
                orgs,
                "--today",
                TODAY,
            ],
            dir.path(),
        );
        assert!(out.status.success(), "demo: {}", text(&out.stderr));
        Db { dir, path }
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut all = vec!["--db", self.path.to_str().unwrap(), "--today", TODAY];
        all.extend_from_slice(args);
        nok(&all, self.dir.path())
    }

    fn conn(&self) -> Connection {
        nok::store::open_existing(&self.path).unwrap()
    }

    /// Exports the cycle's plans into `out` (under the database's folder); returns the package
    /// folder (when one was written) and the output.
    fn export_plans(&self, cycle: i64, out: &str) -> (Option<PathBuf>, Output) {
        let out_dir = self.dir.path().join(out);
        let c = cycle.to_string();
        let out = self.run(&[
            "export",
            "busgov",
            "--cycle",
            &c,
            "--kind",
            "plan",
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        let dir = text(&out.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("Пакет: ").map(PathBuf::from));
        (dir, out)
    }

    /// The database without any plan: no rows, headers, acts or approval dates (what an
    /// authority has before organizations send their plans).
    fn clear_plans(&self) {
        self.conn()
            .execute_batch(
                "DELETE FROM plan_row; DELETE FROM plan_header; DELETE FROM plan_act;
                 UPDATE membership SET plan_approved_on = NULL;",
            )
            .unwrap();
    }
}

fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    v.sort();
    v
}

/// Every element's text by its path below the root (`GROUPS_SHORTCOMINGS/SHORTCOMINGS/FIO`), in
/// document order.
fn leaves(xml: &str) -> Vec<(String, String)> {
    let mut r = Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut value = String::new();
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) => {
                path.push(e.local_name().as_ref().to_string());
                value.clear();
            }
            Event::Text(t) => value.push_str(&t.xml10_content()),
            Event::GeneralRef(g) => {
                let s = match g.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => match g.xml10_content().as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => panic!("entity {other}"),
                    },
                };
                value.push_str(&s);
            }
            Event::End(_) => {
                out.push((path[1..].join("/"), std::mem::take(&mut value)));
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn all<'a>(l: &'a [(String, String)], path: &str) -> Vec<&'a str> {
    l.iter()
        .filter(|(p, _)| p == path)
        .map(|(_, v)| v.as_str())
        .collect()
}

fn one<'a>(l: &'a [(String, String)], path: &str) -> &'a str {
    let v = all(l, path);
    assert_eq!(v.len(), 1, "{path}: {v:?}");
    v[0]
}

/// Cycles with plan rows, most organizations with plans first.
fn planned_cycles(conn: &Connection) -> Vec<i64> {
    let mut s = conn
        .prepare(
            "SELECT cycle_id FROM plan_row GROUP BY cycle_id
             ORDER BY count(DISTINCT org_id) DESC, cycle_id",
        )
        .unwrap();
    s.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// The five criteria of the method in words (order 344н, written out here by hand).
const CRITERIA: [&str; 5] = [
    "Открытость и доступность информации об организации",
    "Комфортность условий предоставления услуг, в том числе время ожидания предоставления услуг",
    "Доступность услуг для инвалидов",
    "Доброжелательность, вежливость работников организации",
    "Удовлетворенность условиями оказания услуг",
];

#[test]
fn every_plan_document_is_valid_and_says_what_the_database_holds() {
    let xsd = types_xsd();
    let lint = have_xmllint();
    let db = Db::new("120");
    let conn = db.conn();
    let cycles = planned_cycles(&conn);
    assert!(cycles.len() >= 3, "{cycles:?}");
    let mut checked = 0;
    for &cycle in &cycles[..3] {
        let (dir, out) = db.export_plans(cycle, &format!("out{cycle}"));
        // Which organizations should have a document: plan rows and an approval date (every
        // demo plan has the rest of the header).
        let mut s = conn
            .prepare(
                "SELECT o.inn, m.plan_approved_on IS NOT NULL FROM membership m
                 JOIN organization o ON o.id = m.org_id
                 WHERE m.cycle_id = ?1
                   AND EXISTS (SELECT 1 FROM plan_row p WHERE p.cycle_id = m.cycle_id AND p.org_id = m.org_id)",
            )
            .unwrap();
        let expected: Vec<(String, bool)> = s
            .query_map([cycle], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let want: BTreeSet<&str> = expected
            .iter()
            .filter(|(_, ok)| *ok)
            .map(|(i, _)| i.as_str())
            .collect();
        let left_out: Vec<&str> = expected
            .iter()
            .filter(|(_, ok)| !*ok)
            .map(|(i, _)| i.as_str())
            .collect();
        if left_out.is_empty() {
            assert!(out.status.success(), "{}", text(&out.stderr));
        } else {
            assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
            for inn in &left_out {
                assert!(text(&out.stderr).contains(inn), "{inn} named");
            }
            assert!(text(&out.stderr).contains("APPROVE_DATE"));
        }
        let Some(dir) = dir else {
            assert!(want.is_empty());
            continue;
        };
        let files = xml_files(&dir);
        let mut seen = BTreeSet::new();
        for f in &files {
            if let (Some(xsd), true) = (&xsd, lint) {
                let (ok, said) = xmllint_valid(xsd, f);
                assert!(ok, "{}: {said}", f.display());
            }
            let xml = std::fs::read_to_string(f).unwrap();
            let l = leaves(&xml);
            let inn = one(&l, "INN").to_string();
            seen.insert(inn.clone());
            // The database's view, by plain SQL.
            let (org_id, kpp, full_name, year, authority, approved): (
                i64,
                String,
                String,
                i32,
                String,
                String,
            ) = conn
                .query_row(
                    "SELECT o.id, o.kpp, o.full_name, c.year, a.name, m.plan_approved_on
                     FROM organization o JOIN membership m ON m.org_id = o.id AND m.cycle_id = ?1
                     JOIN cycle c ON c.id = m.cycle_id JOIN authority a ON a.id = c.authority_id
                     WHERE o.inn = ?2",
                    rusqlite::params![cycle, inn],
                    |r| {
                        Ok((
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                        ))
                    },
                )
                .unwrap();
            assert_eq!(one(&l, "KPP"), kpp);
            assert_eq!(one(&l, "DESTINATION_ORGANIZATION"), full_name);
            assert_eq!(one(&l, "RATING_YEAR"), year.to_string());
            assert_eq!(one(&l, "APPROVE_DATE"), approved);
            let (council, period, approver, last, first, middle, control): (
                String,
                i32,
                String,
                String,
                String,
                String,
                String,
            ) = conn
                .query_row(
                    "SELECT social_council, plan_period, approved_by, approver_last_name,
                            approver_first_name, approver_middle_name, control
                     FROM plan_header WHERE cycle_id = ?1 AND org_id = ?2",
                    [cycle, org_id],
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
            let council = if council.is_empty() {
                format!("Общественный совет при уполномоченном органе ({authority})")
            } else {
                council
            };
            assert_eq!(one(&l, "SOCIAL_COUNCIL"), council);
            assert_eq!(one(&l, "PLAN_PERIOD"), period.to_string());
            assert_eq!(one(&l, "ORGANIZATION_APPROVED"), approver);
            assert_eq!(one(&l, "LAST_NAME"), last);
            assert_eq!(one(&l, "FIRST_NAME"), first);
            assert_eq!(one(&l, "MIDDLE_NAME"), middle);
            assert_eq!(all(&l, "DESCRIPTION").concat(), control);
            // Rows: as many as the plan has, done ones with a date, cancelled ones saying so,
            // one group per criterion, named in words.
            let count = |sql: &str| -> usize {
                conn.query_row(sql, [cycle, org_id], |r| r.get::<_, i64>(0))
                    .unwrap() as usize
            };
            let rows = all(&l, "GROUPS_SHORTCOMINGS/SHORTCOMINGS/NAME").len();
            assert_eq!(
                rows,
                count("SELECT count(*) FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2")
            );
            assert_eq!(
                all(&l, "GROUPS_SHORTCOMINGS/SHORTCOMINGS/FACT_DATE").len(),
                count(
                    "SELECT count(*) FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2 AND status = 'done'"
                )
            );
            let cancelled = all(&l, "GROUPS_SHORTCOMINGS/SHORTCOMINGS/MEASURES")
                .into_iter()
                .filter(|m| m.starts_with("Мероприятие отменено: "))
                .count();
            assert_eq!(
                cancelled,
                count(
                    "SELECT count(*) FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2 AND status = 'cancelled'"
                )
            );
            let groups = all(&l, "GROUPS_SHORTCOMINGS/CRITERION_NAME");
            assert_eq!(
                groups.len(),
                count(
                    "SELECT count(DISTINCT criterion) FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2"
                )
            );
            for g in &groups {
                assert!(CRITERIA.contains(g), "{g}");
            }
            let fios: BTreeSet<&str> = all(&l, "GROUPS_SHORTCOMINGS/SHORTCOMINGS/FIO")
                .into_iter()
                .collect();
            let mut s = conn
                .prepare(
                    "SELECT DISTINCT resp_last_name || ' ' || resp_first_name || ' ' || resp_middle_name
                     FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2",
                )
                .unwrap();
            let want_fios: BTreeSet<String> = s
                .query_map([cycle, org_id], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert_eq!(
                fios,
                want_fios
                    .iter()
                    .map(String::as_str)
                    .collect::<BTreeSet<_>>()
            );
            checked += 1;
        }
        assert_eq!(
            seen.iter().map(String::as_str).collect::<BTreeSet<_>>(),
            want
        );
        let check = db.run(&["check", dir.to_str().unwrap()]);
        assert!(
            check.status.success(),
            "{}\n{}",
            text(&check.stdout),
            text(&check.stderr)
        );
        // The zip beside the folder passes too.
        let zip = dir.with_extension("zip");
        let check = db.run(&["check", zip.to_str().unwrap()]);
        assert!(check.status.success(), "{}", text(&check.stdout));
    }
    assert!(checked >= 10, "{checked} documents checked");
}

/// The ИНН of organizations of the cycle with plan rows, by organization id.
fn planned_orgs(conn: &Connection, cycle: i64) -> Vec<(i64, String)> {
    let mut s = conn
        .prepare(
            "SELECT DISTINCT p.org_id, o.inn FROM plan_row p JOIN organization o ON o.id = p.org_id
             WHERE p.cycle_id = ?1 ORDER BY p.org_id",
        )
        .unwrap();
    s.query_map([cycle], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn file_of(dir: &Path, inn: &str) -> Option<PathBuf> {
    xml_files(dir).into_iter().find(|p| {
        p.file_name()
            .unwrap()
            .to_string_lossy()
            .ends_with(&format!("_{inn}.xml"))
    })
}

#[test]
fn documents_lacking_data_or_over_the_limits_are_named_and_not_written() {
    let xsd = types_xsd();
    let lint = have_xmllint();
    let db = Db::new("120");
    let conn = db.conn();
    let cycle = planned_cycles(&conn)[0];
    let orgs = planned_orgs(&conn, cycle);
    assert!(orgs.len() >= 7, "{orgs:?}");
    let [a, b, c, d, e, f, g] = [0, 1, 2, 3, 4, 5, 6].map(|i| orgs[i].clone());
    // Every demo plan of this cycle is approved (checked, so the rest of the test means what it
    // says).
    let unapproved: i64 = conn
        .query_row(
            "SELECT count(*) FROM membership WHERE cycle_id = ?1 AND plan_approved_on IS NULL
               AND org_id IN (SELECT org_id FROM plan_row WHERE cycle_id = ?1)",
            [cycle],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unapproved, 0);
    let first_row = |org: i64| -> i64 {
        conn.query_row(
            "SELECT min(id) FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2",
            [cycle, org],
            |r| r.get(0),
        )
        .unwrap()
    };
    let hostile = "Пандус\u{1}\u{b} ]]> <script>&amp; «кавычки» \"и\" 'апостроф'\u{7f}";
    conn.execute(
        "UPDATE plan_header SET approver_middle_name = '' WHERE cycle_id = ?1 AND org_id = ?2",
        [cycle, a.0],
    )
    .unwrap();
    conn.execute(
        "UPDATE membership SET plan_approved_on = NULL WHERE cycle_id = ?1 AND org_id = ?2",
        [cycle, b.0],
    )
    .unwrap();
    conn.execute(
        "UPDATE plan_row SET resp_position = '' WHERE id = ?1",
        [first_row(c.0)],
    )
    .unwrap();
    conn.execute(
        "UPDATE plan_row SET measure = ?2 WHERE id = ?1",
        rusqlite::params![first_row(d.0), hostile],
    )
    .unwrap();
    conn.execute(
        "UPDATE plan_row SET shortcoming = ?2 WHERE id = ?1",
        rusqlite::params![first_row(e.0), "Ж".repeat(3000)],
    )
    .unwrap();
    conn.execute(
        "UPDATE plan_header SET approved_by = ?3 WHERE cycle_id = ?1 AND org_id = ?2",
        rusqlite::params![cycle, f.0, "Я".repeat(2001)],
    )
    .unwrap();
    conn.execute(
        "UPDATE plan_row SET shortcoming = ?2 WHERE id = ?1",
        rusqlite::params![first_row(g.0), "\u{1}\u{2} "],
    )
    .unwrap();
    let (dir, out) = db.export_plans(cycle, "out");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    let line_of = |inn: &str| -> String {
        err.lines()
            .find(|l| l.contains(&format!("ИНН {inn}")))
            .unwrap_or_else(|| panic!("{inn} not named in:\n{err}"))
            .to_string()
    };
    assert!(line_of(&a.1).contains("MIDDLE_NAME"), "{}", line_of(&a.1));
    assert!(line_of(&b.1).contains("APPROVE_DATE"), "{}", line_of(&b.1));
    assert!(line_of(&c.1).contains("POSITION"), "{}", line_of(&c.1));
    assert!(
        line_of(&e.1).contains("NAME") && line_of(&e.1).contains("3000 символов"),
        "{}",
        line_of(&e.1)
    );
    assert!(
        line_of(&f.1).contains("ORGANIZATION_APPROVED") && line_of(&f.1).contains("2001"),
        "{}",
        line_of(&f.1)
    );
    assert!(
        line_of(&g.1).contains("не указано: недостаток (NAME)"),
        "{}",
        line_of(&g.1)
    );
    assert!(!err.contains(&format!("ИНН {}", d.1)), "{err}");
    let dir = dir.expect("the others are written");
    for left in [&a, &b, &c, &e, &f, &g] {
        assert!(file_of(&dir, &left.1).is_none(), "{} written", left.1);
    }
    // The others are written, every one of them valid.
    let files = xml_files(&dir);
    assert_eq!(files.len(), orgs.len() - 6);
    if let (Some(xsd), true) = (&xsd, lint) {
        for f in &files {
            let (ok, said) = xmllint_valid(xsd, f);
            assert!(ok, "{}: {said}", f.display());
        }
    }
    // The hostile text went out without what XML forbids, everything else as it was.
    let xml = std::fs::read_to_string(file_of(&dir, &d.1).unwrap()).unwrap();
    assert!(xml.contains("]]&gt;"), "escaped");
    let l = leaves(&xml);
    assert!(
        all(&l, "GROUPS_SHORTCOMINGS/SHORTCOMINGS/ACTIVITY")
            .contains(&"Пандус ]]> <script>&amp; «кавычки» \"и\" 'апостроф'"),
        "{xml}"
    );
    let check = db.run(&["check", dir.to_str().unwrap()]);
    assert!(check.status.success(), "{}", text(&check.stdout));
    // Loaded back into the same database, the package changes nothing: the hostile row is
    // found again although the file carries its text without the control characters.
    let back = db.run(&[
        "import",
        "plan",
        dir.to_str().unwrap(),
        "--cycle",
        &cycle.to_string(),
    ]);
    assert!(back.status.success(), "{}", text(&back.stderr));
    assert!(
        text(&back.stdout).contains("Изменений нет"),
        "{}",
        text(&back.stdout)
    );
}

#[test]
fn check_catches_tampered_documents_as_xmllint_does() {
    let xsd = types_xsd();
    let lint = have_xmllint();
    let db = Db::new("60");
    let conn = db.conn();
    let cycle = planned_cycles(&conn)[0];
    let (dir, out) = db.export_plans(cycle, "out");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dir = dir.unwrap();
    let good_file = xml_files(&dir).remove(0);
    let good = std::fs::read_to_string(&good_file).unwrap();
    let l = leaves(&good);
    let (inn, kpp, last, first) = (
        one(&l, "INN"),
        one(&l, "KPP"),
        one(&l, "LAST_NAME"),
        one(&l, "FIRST_NAME"),
    );
    let last_el = format!("<LAST_NAME>{last}</LAST_NAME>");
    let first_el = format!("<FIRST_NAME>{first}</FIRST_NAME>");
    let plan_date = all(&l, "GROUPS_SHORTCOMINGS/SHORTCOMINGS/PLAN_DATE")[0];
    let tampered: Vec<(&str, String)> = vec![
        (
            "VAL-02",
            good.replace(&format!("<INN>{inn}<"), &format!("<INN>{inn}12<")),
        ),
        (
            "VAL-02",
            good.replace(&format!("<KPP>{kpp}<"), &format!("<KPP>{}<", &kpp[..8])),
        ),
        ("STR-02", good.replace(&last_el, "")),
        (
            "STR-01",
            good.replace(
                &format!("{last_el}\n  {first_el}"),
                &format!("{first_el}\n  {last_el}"),
            ),
        ),
        (
            "VAL-01",
            good.replacen("<NAME>", &format!("<NAME>{}", "Ж".repeat(2001)), 1),
        ),
        (
            "VAL-04",
            good.replacen(
                &format!("<PLAN_DATE>{plan_date}<"),
                "<PLAN_DATE>2025-13-01<",
                1,
            ),
        ),
        (
            "STR-01",
            good.replacen(
                "<DESTINATION_ORGANIZATION>",
                "<EXTRA>x</EXTRA><DESTINATION_ORGANIZATION>",
                1,
            ),
        ),
        (
            "VAL-01",
            good.replacen(
                &format!(
                    "{}</FIO>",
                    all(&l, "GROUPS_SHORTCOMINGS/SHORTCOMINGS/FIO")[0]
                ),
                "</FIO>",
                1,
            ),
        ),
    ];
    let work = tempfile::tempdir().unwrap();
    for (i, (code, xml)) in tampered.iter().enumerate() {
        assert_ne!(xml, &good, "tamper {i} changed nothing");
        let path = work.path().join(format!("t{i}.xml"));
        std::fs::write(&path, xml).unwrap();
        let out = db.run(&["check", path.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "tamper {i}: {}",
            text(&out.stdout)
        );
        assert!(
            text(&out.stdout).contains(code),
            "tamper {i}: want {code} in {}",
            text(&out.stdout)
        );
        if let (Some(xsd), true) = (&xsd, lint) {
            let (ok, said) = xmllint_valid(xsd, &path);
            assert!(!ok, "xmllint took tamper {i}: {said}");
        }
    }
    // A file changed in the package after export: the manifest's checksum says so.
    std::fs::write(&good_file, good.replace(last, "Другая")).unwrap();
    let out = db.run(&["check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("PKG-02"),
        "{}",
        text(&out.stdout)
    );
}

/// The package's files by name.
fn contents(dir: &Path) -> BTreeMap<String, String> {
    xml_files(dir)
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn export_import_into_a_database_without_plans_and_export_again_gives_the_same_documents() {
    let source = Db::new("100");
    let conn = source.conn();
    let cycles = planned_cycles(&conn);
    let cycle = cycles[0];
    let (dir, out) = source.export_plans(cycle, "out");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dir = dir.unwrap();
    let before = contents(&dir);
    assert!(before.len() >= 5);
    let zip = dir.with_extension("zip");

    // The same organizations and cycles, no plans.
    let target = Db::new("100");
    target.clear_plans();
    let c = cycle.to_string();
    let dry = target.run(&[
        "import",
        "plan",
        zip.to_str().unwrap(),
        "--cycle",
        &c,
        "--dry-run",
    ]);
    assert!(
        dry.status.success(),
        "{}{}",
        text(&dry.stdout),
        text(&dry.stderr)
    );
    assert!(text(&dry.stdout).contains("Пробный прогон"));
    let tconn = target.conn();
    assert_eq!(
        count(&tconn, "SELECT count(*) FROM plan_row"),
        0,
        "dry run wrote"
    );
    let audit_before = count(&tconn, "SELECT count(*) FROM audit_log");
    let imported = target.run(&["import", "plan", zip.to_str().unwrap(), "--cycle", &c]);
    assert!(
        imported.status.success(),
        "{}{}",
        text(&imported.stdout),
        text(&imported.stderr)
    );
    // Every row of the source's cycle arrived, with its execution.
    for sql in [
        "SELECT count(*) FROM plan_row WHERE cycle_id = ?1",
        "SELECT count(*) FROM plan_row WHERE cycle_id = ?1 AND status = 'done'",
        "SELECT count(*) FROM plan_row WHERE cycle_id = ?1 AND status = 'cancelled'",
        "SELECT count(*) FROM plan_act WHERE cycle_id = ?1",
        "SELECT count(*) FROM membership WHERE cycle_id = ?1 AND plan_approved_on IS NOT NULL",
    ] {
        let of = |c: &Connection| c.query_row(sql, [cycle], |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!(of(&tconn), of(&conn), "{sql}");
    }
    assert!(count(&tconn, "SELECT count(*) FROM audit_log") > audit_before);
    let (again, out) = target.export_plans(cycle, "again");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(contents(&again.unwrap()), before);

    // The same zip, the folder, one file: nothing changes, nothing is written to the journal.
    let audit_after = count(&tconn, "SELECT count(*) FROM audit_log");
    let one_file = xml_files(&dir).remove(0);
    for src in [&zip, &dir, &one_file] {
        let out = target.run(&["import", "plan", src.to_str().unwrap(), "--cycle", &c]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("Изменений нет"),
            "{}",
            text(&out.stdout)
        );
    }
    assert_eq!(count(&tconn, "SELECT count(*) FROM audit_log"), audit_after);

    // A changed execution in the file is imported as a change of that row only.
    let xml = std::fs::read_to_string(&one_file).unwrap();
    let l = leaves(&xml);
    let inn = one(&l, "INN").to_string();
    let edited = xml.replacen(
        "</POSITION>\n",
        "</POSITION>\n      <FACT_DATE>2026-11-01</FACT_DATE>\n      <MEASURES>Сделано по факту</MEASURES>\n",
        1,
    );
    // Only when the first row had no execution reported (else the edit is not a valid change).
    if !xml.contains("</POSITION>\n      <FACT_DATE>")
        && !xml.contains("</POSITION>\n      <MEASURES>")
    {
        let work = tempfile::tempdir().unwrap();
        let p = work.path().join("edited.xml");
        std::fs::write(&p, &edited).unwrap();
        let out = target.run(&["import", "plan", p.to_str().unwrap(), "--cycle", &c]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("изменено: 1"),
            "{}",
            text(&out.stdout)
        );
        let done: i64 = tconn
            .query_row(
                "SELECT count(*) FROM plan_row p JOIN organization o ON o.id = p.org_id
                 WHERE p.cycle_id = ?1 AND o.inn = ?2 AND p.status = 'done'
                   AND p.actual_date = '2026-11-01' AND p.implemented_measures = 'Сделано по факту'",
                rusqlite::params![cycle, inn],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(done, 1);
    }
}

#[test]
fn import_refuses_a_document_of_an_unknown_organization_and_changes_nothing() {
    let db = Db::new("60");
    let conn = db.conn();
    let cycle = planned_cycles(&conn)[0];
    let (dir, _) = db.export_plans(cycle, "out");
    let file = xml_files(&dir.unwrap()).remove(0);
    let xml = std::fs::read_to_string(&file).unwrap();
    let inn = one(&leaves(&xml), "INN").to_string();
    let work = tempfile::tempdir().unwrap();
    let p = work.path().join("stranger.xml");
    std::fs::write(&p, xml.replace(&format!("<INN>{inn}<"), "<INN>7701234567<")).unwrap();
    let rows = count(&conn, "SELECT count(*) FROM plan_row");
    let out = db.run(&[
        "import",
        "plan",
        p.to_str().unwrap(),
        "--cycle",
        &cycle.to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("ИНН 7701234567"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM plan_row"), rows);
}

#[test]
fn changed_only_leaves_out_the_plans_that_did_not_change() {
    let db = Db::new("60");
    let conn = db.conn();
    let cycle = planned_cycles(&conn)[0];
    let (first, out) = db.export_plans(cycle, "out");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let first = contents(&first.unwrap());
    let c = cycle.to_string();
    let out_dir = db.dir.path().join("out");
    let again = |db: &Db| {
        db.run(&[
            "export",
            "busgov",
            "--cycle",
            &c,
            "--kind",
            "plan",
            "--changed-only",
            "--out",
            out_dir.to_str().unwrap(),
        ])
    };
    let out = again(&db);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("Пакет не создан"),
        "{}",
        text(&out.stdout)
    );
    // One organization's row gets done: its plan alone goes out again, with the new execution.
    let (inn, row): (String, i64) = conn
        .query_row(
            "SELECT o.inn, p.id FROM plan_row p JOIN organization o ON o.id = p.org_id
             WHERE p.cycle_id = ?1 AND p.status IN ('planned', 'in_progress') ORDER BY p.id LIMIT 1",
            [cycle],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    conn.execute(
        "UPDATE plan_row SET status = 'done', actual_date = '2026-11-20',
                implemented_measures = 'Выполнено полностью' WHERE id = ?1",
        [row],
    )
    .unwrap();
    let out = again(&db);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dir = text(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Пакет: ").map(PathBuf::from))
        .expect("a package");
    let now = contents(&dir);
    assert_eq!(now.len(), 1, "{:?}", now.keys());
    let (name, xml) = now.iter().next().unwrap();
    assert!(name.ends_with(&format!("_{inn}.xml")), "{name}");
    assert_ne!(&first[name], xml);
    assert!(xml.contains("<FACT_DATE>2026-11-20</FACT_DATE>"));
    assert!(xml.contains("<MEASURES>Выполнено полностью</MEASURES>"));
}
