//! `nok export busgov`, `nok check` and `nok receipt` end to end on a demo database: every file of
//! a package validated with `xmllint --schema` against the project's XSD and, with the portal's
//! real Types.xsd from `../shared` in place of the project's restatement, against the portal's
//! envelope; files parsed back and compared with the database; hostile names; versions and
//! positionIds across re-exports; `--changed-only`; receipts.

mod cli_support;

use cli_support::nok;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use quick_xml::Reader;
use quick_xml::events::Event;
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

    fn out_dir(&self) -> PathBuf {
        self.dir.path().join("exports")
    }

    /// Exports and returns the package folder (asserting success). Without `--kind`: the
    /// results and nok's own plan and report (the documents on the portal's envelope; the
    /// portal's own plan document is tested in busgov_portal_plan.rs).
    fn export(&self, extra: &[&str]) -> (PathBuf, Output) {
        let out_dir = self.out_dir();
        let mut args = vec!["export", "busgov", "--out", out_dir.to_str().unwrap()];
        args.extend_from_slice(extra);
        if !extra.contains(&"--kind") {
            args.extend_from_slice(&["--kind", "results,nok-plan,nok-report"]);
        }
        let out = self.run(&args);
        assert!(
            out.status.success(),
            "export: {}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        let line = text(&out.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("Пакет: ").map(str::to_string));
        (line.map(PathBuf::from).unwrap_or_default(), out)
    }
}

/// A cycle with plan rows and scored members (the newest published one).
fn busy_cycle(conn: &Connection) -> i64 {
    conn.query_row(
        "SELECT c.id FROM cycle c WHERE c.scores_stale = 0
           AND EXISTS (SELECT 1 FROM plan_row p WHERE p.cycle_id = c.id)
         ORDER BY (SELECT count(*) FROM membership m WHERE m.cycle_id = c.id) DESC, c.id LIMIT 1",
        [],
        |r| r.get(0),
    )
    .unwrap()
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

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// `xmllint`, or `None` (skip with a reason) when it is not installed; under CI its absence fails.
fn xmllint() -> Option<&'static str> {
    let ok = Command::new("xmllint").arg("--version").output().is_ok();
    if ok {
        return Some("xmllint");
    }
    assert!(
        !under_ci(),
        "xmllint is required under CI (apt-get install libxml2-utils)"
    );
    eprintln!("пропуск проверки xmllint: программа не установлена (apt-get install libxml2-utils)");
    None
}

/// The project's XSD with the portal's real Types.xsd in place of the restatement, or `None`
/// when `../shared` is absent (a failure under CI).
fn real_envelope_schema(dir: &Path) -> Option<PathBuf> {
    let types = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference/busgov-types-2017/Types.xsd");
    if !types.exists() {
        assert!(
            !under_ci(),
            "../shared is required under CI: {}",
            types.display()
        );
        eprintln!(
            "пропуск проверки по настоящему Types.xsd: нет {}",
            types.display()
        );
        return None;
    }
    let types = types.canonicalize().unwrap();
    let xsd = nok::exchange::busgov::NOK_XSD.replace(
        "schemaLocation=\"busgov-types.xsd\"",
        &format!("schemaLocation=\"{}\"", types.display()),
    );
    assert_ne!(
        xsd,
        nok::exchange::busgov::NOK_XSD,
        "the import must be replaced"
    );
    let path = dir.join("nok-busgov-real-envelope.xsd");
    std::fs::write(&path, xsd).unwrap();
    Some(path)
}

fn project_schema() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/xsd/nok-busgov.xsd")
}

/// Validates files with xmllint against a schema; panics with xmllint's words on failure.
fn assert_valid(lint: &str, schema: &Path, files: &[PathBuf]) {
    for chunk in files.chunks(200) {
        let out = Command::new(lint)
            .arg("--noout")
            .arg("--schema")
            .arg(schema)
            .args(chunk)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "xmllint against {}:\n{}",
            schema.display(),
            text(&out.stderr)
        );
    }
}

fn assert_invalid(lint: &str, schema: &Path, file: &Path) -> String {
    let out = Command::new(lint)
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .arg(file)
        .output()
        .unwrap();
    assert!(!out.status.success(), "xmllint accepted {}", file.display());
    text(&out.stderr)
}

/// Leaf elements of a document as (path of local names, text).
fn leaves(xml: &str) -> Vec<(String, String)> {
    let mut r = Reader::from_str(xml);
    r.config_mut().expand_empty_elements = true;
    let mut path: Vec<String> = Vec::new();
    let mut buf = String::new();
    let mut out = Vec::new();
    let mut leaf = false;
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) => {
                path.push(e.local_name().as_ref().to_string());
                buf.clear();
                leaf = true;
            }
            Event::Text(t) => buf.push_str(&t.xml10_content()),
            Event::GeneralRef(g) => {
                let c = match g.resolve_char_ref().unwrap() {
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
                buf.push_str(&c);
            }
            Event::End(_) => {
                if leaf {
                    out.push((path.join("/"), buf.clone()));
                }
                leaf = false;
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn one<'a>(l: &'a [(String, String)], suffix: &str) -> &'a str {
    let found: Vec<&str> = l
        .iter()
        .filter(|(p, _)| p.ends_with(suffix))
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(found.len(), 1, "{suffix}: {found:?}");
    found[0]
}

fn all<'a>(l: &'a [(String, String)], suffix: &str) -> Vec<&'a str> {
    l.iter()
        .filter(|(p, _)| p.ends_with(suffix))
        .map(|(_, t)| t.as_str())
        .collect()
}

/// Manifest rows (header first) read as Excel would: BOM, `;`.
fn manifest(dir: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(dir.join("manifest.csv")).unwrap();
    let s = String::from_utf8(bytes).unwrap();
    let body = s
        .strip_prefix('\u{feff}')
        .expect("manifest starts with a BOM");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn sha256_file(p: &Path) -> String {
    nok::exchange::busgov::sha256_hex(&std::fs::read(p).unwrap())
}

#[test]
fn package_validates_and_matches_the_database() {
    let db = Db::new("150");
    let conn = db.conn();
    let cycle = busy_cycle(&conn);
    let (dir, out) = db.export(&["--cycle", &cycle.to_string()]);
    assert!(dir.is_dir(), "{}", text(&out.stdout));
    let zip = dir.with_extension("zip");
    assert!(zip.is_file());
    // Nothing left under temporary names.
    for e in std::fs::read_dir(db.out_dir()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains("partial"), "{name}");
    }
    let files = xml_files(&dir);
    let members: i64 = conn
        .query_row("SELECT count(*) FROM membership m JOIN score s ON s.membership_id = m.id WHERE m.cycle_id = ?1", [cycle], |r| r.get(0))
        .unwrap();
    let planned: i64 = conn
        .query_row(
            "SELECT count(DISTINCT org_id) FROM plan_row WHERE cycle_id = ?1",
            [cycle],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(files.len() as i64, members + 2 * planned);

    if let Some(lint) = xmllint() {
        assert_valid(lint, &project_schema(), &files);
        if let Some(real) = real_envelope_schema(db.dir.path()) {
            assert_valid(lint, &real, &files);
        }
    }

    // Every file parsed back agrees with the database.
    let orgs: HashMap<String, (i64, String)> = {
        let mut s = conn
            .prepare("SELECT inn, id, reg_num FROM organization")
            .unwrap();
        s.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    let mut position_ids = std::collections::HashSet::new();
    for f in &files {
        let xml = std::fs::read_to_string(f).unwrap();
        let l = leaves(&xml);
        let inn = one(&l, "initiator/inn");
        let (org_id, reg_num) = orgs.get(inn).expect("initiator is an organization");
        assert_eq!(one(&l, "initiator/regNum"), reg_num);
        let pid = one(&l, "position/positionId");
        assert_eq!(pid, pid.to_lowercase());
        assert!(position_ids.insert(pid.to_string()), "positionId repeated");
        assert_eq!(one(&l, "versionNumber"), "1");
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let kind = match name.split('_').next().unwrap() {
            "nokplan" => "plan",
            "nokreport" => "report",
            other => other,
        }
        .to_string();
        let stored: (String, i64) = conn
            .query_row(
                "SELECT position_id, version_number FROM export_position WHERE kind = ?1 AND org_id = ?2 AND cycle_id = ?3",
                rusqlite::params![kind, org_id, cycle],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((stored.0.as_str(), stored.1), (pid, 1));
        match kind.as_str() {
            "results" => {
                let (total, place, ranked): (f64, i64, i64) = conn
                    .query_row(
                        "SELECT s.total, s.place, s.ranked FROM score s JOIN membership m ON m.id = s.membership_id WHERE m.cycle_id = ?1 AND m.org_id = ?2",
                        [cycle, *org_id],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .unwrap();
                let t: f64 = one(&l, "position/total").parse().unwrap();
                assert!((t - total).abs() < 0.005, "{t} vs {total}");
                assert_eq!(one(&l, "rating/place"), place.to_string());
                assert_eq!(one(&l, "rating/ranked"), ranked.to_string());
                let criteria = all(&l, "criterion/code");
                assert_eq!(criteria, ["К1", "К2", "К3", "К4", "К5"]);
                for v in all(&l, "criterion/value")
                    .into_iter()
                    .chain(all(&l, "indicator/value"))
                {
                    let frac = v.split_once('.').map_or(0, |(_, f)| f.len());
                    assert!(frac <= 2 && !v.contains(','), "{v}");
                }
                let shortcomings: i64 = conn
                    .query_row(
                        "SELECT count(*) FROM shortcoming WHERE cycle_id = ?1 AND org_id = ?2",
                        [cycle, *org_id],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(all(&l, "shortcoming/text").len() as i64, shortcomings);
            }
            "plan" | "report" => {
                let mut s = conn
                    .prepare("SELECT number, status, planned_date FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2 ORDER BY criterion, id")
                    .unwrap();
                let rows: Vec<(String, String, String)> = s
                    .query_map([cycle, *org_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .unwrap()
                    .map(|r| r.unwrap())
                    .collect();
                assert_eq!(
                    all(&l, "row/number"),
                    rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>()
                );
                if kind == "plan" {
                    assert_eq!(
                        all(&l, "row/plannedDate"),
                        rows.iter().map(|r| r.2.as_str()).collect::<Vec<_>>()
                    );
                } else {
                    assert_eq!(
                        all(&l, "row/status"),
                        rows.iter().map(|r| r.1.as_str()).collect::<Vec<_>>()
                    );
                }
            }
            other => panic!("unexpected file kind {other}"),
        }
    }

    // The manifest lists every file with its checksum, as Excel reads it.
    let m = manifest(&dir);
    assert_eq!(m[0][0], "Файл");
    assert_eq!(m[0].last().map(String::as_str), Some("sha256"));
    assert_eq!(m.len() - 1, files.len());
    for row in &m[1..] {
        let f = dir.join(&row[0]);
        assert_eq!(sha256_file(&f), row[7], "{}", row[0]);
        assert!(
            row[2].chars().any(|c| ('а'..='я').contains(&c)),
            "Cyrillic intact: {}",
            row[2]
        );
    }
    // The zip holds the same files.
    let mut z = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    assert_eq!(z.len(), files.len() + 1);
    let first = files[0].file_name().unwrap().to_string_lossy().into_owned();
    let mut entry = z
        .by_name(&format!(
            "{}/{first}",
            dir.file_name().unwrap().to_string_lossy()
        ))
        .unwrap();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
    assert_eq!(bytes, std::fs::read(&files[0]).unwrap());

    // nok check agrees: folder and zip pass.
    for p in [&dir, &zip] {
        let out = db.run(&["check", p.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stdout));
        assert!(
            text(&out.stdout).contains("ошибок: 0"),
            "{}",
            text(&out.stdout)
        );
    }
    // An export is audited.
    let audited: i64 = conn
        .query_row("SELECT count(*) FROM audit_log WHERE entity = 'export_position' AND note LIKE 'выгрузка bus.gov.ru%'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(audited, 1);
}

#[test]
fn hostile_names_are_escaped_and_control_characters_removed() {
    let db = Db::new("60");
    let conn = db.conn();
    let cycle = busy_cycle(&conn);
    let org: i64 = conn
        .query_row(
            "SELECT org_id FROM plan_row WHERE cycle_id = ?1 LIMIT 1",
            [cycle],
            |r| r.get(0),
        )
        .unwrap();
    let hostile = "ГБУ <script>&amp; \"Ромашка\" 'ёлка' ]]> \u{1}\u{1b}[31m\u{7f}конец";
    conn.execute(
        "UPDATE organization SET full_name = ?1, short_name = ?1 WHERE id = ?2",
        rusqlite::params![hostile, org],
    )
    .unwrap();
    conn.execute(
        "UPDATE plan_row SET measure = ?1 WHERE cycle_id = ?2 AND org_id = ?3",
        rusqlite::params!["Мера <b> & «кавычки» \u{0}\u{b}", cycle, org],
    )
    .unwrap();
    drop(conn);
    let (dir, _) = db.export(&["--cycle", &cycle.to_string()]);
    let files = xml_files(&dir);
    if let Some(lint) = xmllint() {
        assert_valid(lint, &project_schema(), &files);
    }
    let inn: String = db
        .conn()
        .query_row("SELECT inn FROM organization WHERE id = ?1", [org], |r| {
            r.get(0)
        })
        .unwrap();
    let plan = files
        .iter()
        .find(|f| {
            let n = f.file_name().unwrap().to_string_lossy().into_owned();
            n.starts_with("nokplan_") && n.contains(&inn)
        })
        .expect("the organization's plan");
    let xml = std::fs::read_to_string(plan).unwrap();
    assert!(!xml.contains('\u{1}') && !xml.contains('\u{1b}') && !xml.contains('\u{0}'));
    let l = leaves(&xml);
    assert_eq!(
        one(&l, "initiator/fullName"),
        "ГБУ <script>&amp; \"Ромашка\" 'ёлка' ]]> [31mконец"
    );
    assert!(all(&l, "row/measure").contains(&"Мера <b> & «кавычки» "));
    // The manifest neutralises nothing here, keeps the name readable.
    let m = manifest(&dir);
    assert!(m.iter().any(|r| r[2].contains("Ромашка")));
}

#[test]
fn re_export_raises_the_version_of_changed_documents_only() {
    let db = Db::new("60");
    let conn = db.conn();
    let cycle = busy_cycle(&conn);
    let c = cycle.to_string();
    let (first, _) = db.export(&["--cycle", &c]);
    let positions = |conn: &Connection| -> HashMap<(String, i64), (String, i64)> {
        let mut s = conn
            .prepare("SELECT kind, org_id, position_id, version_number FROM export_position WHERE cycle_id = ?1")
            .unwrap();
        s.query_map([cycle], |r| {
            Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?)))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
    };
    let before = positions(&conn);

    // Unchanged: nothing to export with --changed-only.
    let (none, out) = db.export(&["--cycle", &c, "--changed-only"]);
    assert_eq!(none, PathBuf::new());
    assert!(
        text(&out.stdout).contains("Пакет не создан"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).contains(&format!("пропущено: {}", before.len())));

    // One plan row changes: that organization's plan and report get version 2, same ids.
    let (org, row): (i64, i64) = conn
        .query_row(
            "SELECT org_id, id FROM plan_row WHERE cycle_id = ?1 ORDER BY id LIMIT 1",
            [cycle],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    conn.execute(
        "UPDATE plan_row SET measure = measure || ' (уточнено)' WHERE id = ?1",
        [row],
    )
    .unwrap();
    let (changed, _) = db.export(&["--cycle", &c, "--changed-only"]);
    let files = xml_files(&changed);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with("nokplan_"), "{names:?}");
    let after = positions(&conn);
    for (key, (pid, version)) in &before {
        assert_eq!(*version, 1);
        let (pid2, version2) = &after[key];
        assert_eq!(pid, pid2, "positionId kept");
        let expected = if key.0 == "plan" && key.1 == org {
            2
        } else {
            1
        };
        assert_eq!(*version2, expected, "{key:?}");
    }
    let l = leaves(&std::fs::read_to_string(&files[0]).unwrap());
    assert_eq!(one(&l, "versionNumber"), "2");
    assert_eq!(one(&l, "positionId"), before[&("plan".to_string(), org)].0);

    // A full export again: everything, the plan still at 2, a new packet id.
    let (full, _) = db.export(&["--cycle", &c]);
    assert_ne!(full, first);
    assert_eq!(xml_files(&full).len(), xml_files(&first).len());
    assert_eq!(positions(&conn), after);
    let header = |p: &Path| {
        leaves(&std::fs::read_to_string(p).unwrap())
            .into_iter()
            .find(|(k, _)| k.ends_with("header/id"))
            .unwrap()
            .1
    };
    assert_ne!(header(&xml_files(&full)[0]), header(&xml_files(&first)[0]));

    // Only the results kind.
    let (results, _) = db.export(&["--cycle", &c, "--kind", "results"]);
    assert!(xml_files(&results).iter().all(|f| {
        f.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("results_")
    }));
}

/// A position of a test receipt: id, accepted, violations (code, name, description).
type Answer<'a> = (&'a str, bool, &'a [(&'a str, &'a str, &'a str)]);

fn confirmation(ref_id: &str, positions: &[Answer<'_>]) -> String {
    let mut body = String::new();
    for (pid, ok, violations) in positions {
        body.push_str(&format!(
            "<positionResult><refPositionId>{pid}</refPositionId><result>{}</result>",
            if *ok { "success" } else { "failure" }
        ));
        for (code, name, description) in violations.iter() {
            body.push_str(&format!(
                "<violation><code>{code}</code><level>error</level><name>{name}</name><description>{description}</description></violation>"
            ));
        }
        body.push_str("</positionResult>");
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ns2:confirmation xmlns="http://bus.gov.ru/types/1" xmlns:ns2="http://bus.gov.ru/external/1">
<header><id>0f0f0f0f-0000-4000-8000-000000000001</id><createDateTime>2026-11-23T09:00:00+03:00</createDateTime></header>
<ns2:body><refId>{ref_id}</refId><result>failure</result>{body}</ns2:body>
</ns2:confirmation>"#
    )
}

#[test]
fn receipt_marks_the_right_positions() {
    let db = Db::new("60");
    let conn = db.conn();
    let cycle = busy_cycle(&conn);
    let (dir, _) = db.export(&["--cycle", &cycle.to_string(), "--kind", "nok-plan"]);
    let files = xml_files(&dir);
    assert!(files.len() >= 2);
    let pid =
        |f: &Path| one(&leaves(&std::fs::read_to_string(f).unwrap()), "positionId").to_string();
    let (bad, good) = (pid(&files[0]), pid(&files[1]));
    let unknown = "99999999-9999-8999-8999-999999999999";
    let xml = confirmation(
        "0a0a0a0a-0000-4000-8000-000000000002",
        &[
            (
                &bad.to_uppercase(),
                false,
                &[(
                    "E-101",
                    "Неверный срок &amp; мера",
                    "Срок раньше даты оценки",
                )],
            ),
            (&good, true, &[]),
            (unknown, false, &[("E-1", "x", "y")]),
        ],
    );
    if let (Some(lint), Some(_)) = (xmllint(), real_envelope_schema(db.dir.path())) {
        // The test's receipt is a real `confirmation` (External.xsd).
        let ext = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/reference/busgov-types-2017/External.xsd");
        let f = db.dir.path().join("receipt-check.xml");
        std::fs::write(&f, &xml).unwrap();
        assert_valid(lint, &ext, &[f]);
    }
    let path = db.dir.path().join("receipt.xml");
    std::fs::write(&path, &xml).unwrap();
    let out = db.run(&["receipt", path.to_str().unwrap()]);
    // An unknown position is an error (exit 1), but the known ones are recorded.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains(unknown), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Принято позиций: 1; отклонено: 1"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).contains("E-101"));

    let org_of = |pid: &str| -> i64 {
        conn.query_row(
            "SELECT org_id FROM export_position WHERE position_id = ?1",
            [pid],
            |r| r.get(0),
        )
        .unwrap()
    };
    let card = nok::store::exports::for_org(&conn, org_of(&bad)).unwrap();
    let plan = card.iter().find(|e| e.position.position_id == bad).unwrap();
    assert_eq!(
        plan.position.receipt,
        nok::store::exports::ReceiptStatus::Rejected
    );
    assert_eq!(plan.violations.len(), 1);
    assert_eq!(plan.violations[0].code, "E-101");
    assert_eq!(plan.violations[0].name, "Неверный срок & мера");
    assert_eq!(plan.violations[0].description, "Срок раньше даты оценки");
    let card = nok::store::exports::for_org(&conn, org_of(&good)).unwrap();
    let plan = card
        .iter()
        .find(|e| e.position.position_id == good)
        .unwrap();
    assert_eq!(
        plan.position.receipt,
        nok::store::exports::ReceiptStatus::Accepted
    );
    assert!(plan.violations.is_empty());
    // Every other position has no answer yet.
    let none: i64 = conn
        .query_row(
            "SELECT count(*) FROM export_position WHERE receipt_status IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(none as usize, files.len() - 2);

    // A file that is not a receipt is refused with its name.
    let out = db.run(&["receipt", files[0].to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("не протокол загрузки"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn check_finds_what_xmllint_finds() {
    let db = Db::new("60");
    let cycle = busy_cycle(&db.conn());
    let (dir, _) = db.export(&["--cycle", &cycle.to_string()]);
    let files = xml_files(&dir);
    let results = files
        .iter()
        .find(|f| {
            f.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("results_")
        })
        .unwrap();
    let good = std::fs::read_to_string(results).unwrap();
    let l = leaves(&good);
    let inn = one(&l, "initiator/inn").to_string();
    let total = format!("<ns2:total>{}</ns2:total>", one(&l, "position/total"));
    let damage: Vec<(&str, String, &str)> = vec![
        (
            "inn",
            good.replace(&format!("<inn>{inn}</inn>"), "<inn>12345</inn>"),
            "VAL-02",
        ),
        (
            "decimal",
            good.replace(&total, "<ns2:total>92.456</ns2:total>"),
            "VAL-03",
        ),
        (
            "comma",
            good.replace(&total, "<ns2:total>92,4</ns2:total>"),
            "VAL-03",
        ),
        ("missing", good.replace(&total, ""), "STR-02"),
        (
            "order",
            good.replacen(
                "<ns2:year>",
                "<ns2:respondents>1</ns2:respondents><ns2:year>",
                1,
            ),
            "STR-01",
        ),
        (
            "date",
            good.replace("<changeDate>", "<changeDate>x"),
            "VAL-05",
        ),
        ("broken", good.replace("</ns2:body>", ""), "XML-01"),
    ];
    let lint = xmllint();
    for (what, xml, code) in damage {
        assert_ne!(xml, good, "{what}: the damage must change the file");
        let f = db.dir.path().join(format!("damaged-{what}.xml"));
        std::fs::write(&f, &xml).unwrap();
        let out = db.run(&["check", f.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{what}: {}", text(&out.stdout));
        assert!(
            text(&out.stdout).contains(code),
            "{what}: {}",
            text(&out.stdout)
        );
        assert!(text(&out.stdout).contains("ошибка"), "{what}");
        if let Some(lint) = lint {
            assert_invalid(lint, &project_schema(), &f);
        }
    }

    // A package with a file changed after export: the manifest checksum catches it.
    let victim = &files[0];
    let mut bytes = std::fs::read(victim).unwrap();
    bytes.extend_from_slice(b"<!-- changed -->\n");
    std::fs::write(victim, bytes).unwrap();
    let out = db.run(&["check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("PKG-02"),
        "{}",
        text(&out.stdout)
    );

    // A path that is not there: a clear error.
    let out = db.run(&["check", "/nonexistent/package"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("не удалось прочитать"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn bad_requests_are_refused_clearly() {
    let db = Db::new("30");
    let out = db.run(&["export", "busgov", "--cycle", "9999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("цикл 9999 не найден"),
        "{}",
        text(&out.stderr)
    );
    let out = db.run(&["export", "busgov", "--cycle", "1", "--kind", "all-of-it"]);
    assert_eq!(out.status.code(), Some(2));
    // Stale scores are not exported.
    db.conn()
        .execute("UPDATE cycle SET scores_stale = 1 WHERE id = 1", [])
        .unwrap();
    let out = db.run(&[
        "export",
        "busgov",
        "--cycle",
        "1",
        "--out",
        db.out_dir().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("nok score --cycle 1"),
        "{}",
        text(&out.stderr)
    );
    assert!(!db.out_dir().exists() || std::fs::read_dir(db.out_dir()).unwrap().next().is_none());
}

#[test]
fn packets_that_break_the_rules_are_listed_and_left_out() {
    use nok::service::export::busgov::{Options, export};
    let db = Db::new("40");
    let mut conn = db.conn();
    let cycle = busy_cycle(&conn);
    // Two organizations of the cycle get a full name longer than the portal takes (2,000).
    let bad: Vec<i64> = {
        let mut s = conn
            .prepare("SELECT org_id FROM membership WHERE cycle_id = ?1 ORDER BY org_id LIMIT 2")
            .unwrap();
        s.query_map([cycle], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    for id in &bad {
        conn.execute(
            "UPDATE organization SET full_name = full_name || ?2 WHERE id = ?1",
            rusqlite::params![id, "я".repeat(2001)],
        )
        .unwrap();
    }
    let members: i64 = conn
        .query_row(
            "SELECT count(*) FROM membership WHERE cycle_id = ?1",
            [cycle],
            |r| r.get(0),
        )
        .unwrap();
    let out = db.out_dir();
    let outcome = export(
        &mut conn,
        &nok::service::methodology::Methods::builtin().unwrap(),
        &Options {
            cycle_id: cycle,
            kinds: vec![nok::exchange::busgov::Kind::Results],
            out_dir: out.clone(),
            changed_only: false,
        },
        &std::sync::atomic::AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(outcome.invalid_total, 2, "{:?}", outcome.invalid);
    let bad_inns: Vec<String> = bad
        .iter()
        .map(|id| {
            conn.query_row("SELECT inn FROM organization WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap()
        })
        .collect();
    for i in &outcome.invalid {
        assert!(
            bad_inns.iter().any(|inn| i.file.contains(inn.as_str())),
            "{}",
            i.file
        );
        assert!(!i.violations.is_empty());
    }
    let written = outcome.written[0] as i64;
    assert_eq!(written + 2 + outcome.skipped_total as i64, members);
    let paths = outcome.paths.unwrap();
    let files = xml_files(&paths.dir);
    assert_eq!(files.len() as i64, written);
    assert!(files.iter().all(|f| {
        bad_inns
            .iter()
            .all(|inn| !f.to_string_lossy().contains(inn.as_str()))
    }));
    // Only what went into the package is recorded.
    let recorded: i64 = conn
        .query_row(
            "SELECT count(*) FROM export_position WHERE cycle_id = ?1",
            [cycle],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(recorded, written);
    for id in &bad {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM export_position WHERE org_id = ?1 AND cycle_id = ?2",
                [*id, cycle],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 0);
    }
}

/// An export killed after its commit and before its renames leaves the package under its
/// temporary names (nothing under the final ones); the next export into the folder finds it
/// recorded in the database and puts it in place, whole.
#[test]
fn a_package_committed_but_not_renamed_is_put_in_place_by_the_next_export() {
    let db = Db::new("40");
    let conn = db.conn();
    let cycle = busy_cycle(&conn).to_string();
    let (first, _) = db.export(&["--cycle", &cycle, "--kind", "nok-plan"]);
    let name = first.file_name().unwrap().to_string_lossy().into_owned();
    let parent = first.parent().unwrap().to_path_buf();
    let files = xml_files(&first).len();
    assert!(files > 0);
    // As the kill would leave it.
    let hidden_dir = parent.join(format!(".{name}.partial"));
    let hidden_zip = parent.join(format!(".{name}.zip.partial"));
    std::fs::rename(&first, &hidden_dir).unwrap();
    std::fs::rename(parent.join(format!("{name}.zip")), &hidden_zip).unwrap();
    // A package that was never committed (an export killed earlier) is left alone.
    let stray = parent.join(".busgov_1999_social_cycle1_19990101-000000.partial");
    std::fs::create_dir(&stray).unwrap();

    let (second, _) = db.export(&["--cycle", &cycle, "--kind", "nok-report"]);
    assert_ne!(second, first);
    assert_eq!(xml_files(&first).len(), files);
    assert!(parent.join(format!("{name}.zip")).is_file());
    assert!(!hidden_dir.exists() && !hidden_zip.exists());
    assert!(stray.is_dir());
    let check = db.run(&["check", first.to_str().unwrap()]);
    assert!(check.status.success(), "{}", text(&check.stdout));
    let zip = parent.join(format!("{name}.zip"));
    let check = db.run(&["check", zip.to_str().unwrap()]);
    assert!(check.status.success(), "{}", text(&check.stdout));
}
