//! `nok import plan` of a plan table big enough to be streamed (well over the 256 KiB the reader
//! sniffs whole, over the 200 rows looked at for the header, over the 1,024 rows between progress
//! reports and over the 1,000 rows a preview lists), with adds, updates, rows as stored and
//! rejected rows known by construction: what the dry run plans, what the import writes (read back
//! by plain SQL), and the audit entries it leaves.

use std::fmt::Write as _;
use std::path::Path;

use chrono::NaiveDate;
use nok::domain::ids::{inn10_check_digit, ogrn_check_digit};
use nok::service::import::{AsRead, Kind, LISTED, Options, apply_file, dry_run_file};
use rusqlite::{Connection, params};

const ORGS: usize = 600;
/// Organizations 1..=STORED have rows «1.1» (as the file has them) and «2.1» (another measure).
const STORED: usize = 200;
/// Organization ORGS + 1 exists but is not a member of the cycle.
const OUTSIDER: usize = ORGS + 1;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn digits<const N: usize>(text: &str) -> [u8; N] {
    let mut out = [0u8; N];
    for (d, b) in out.iter_mut().zip(text.bytes()) {
        *d = b - b'0';
    }
    out
}

fn inn(i: usize) -> String {
    let inn9 = format!("7{i:08}");
    format!("{inn9}{}", inn10_check_digit(&digits(&inn9)))
}

/// The measure of organization `org`'s item `number` as the file writes it.
fn measure(org: usize, number: &str) -> String {
    format!(
        "Разместить на сайте сведения о порядке подачи жалоб, пункт {number} (учреждение № {org})"
    )
}

fn database(path: &Path) -> Connection {
    let conn = nok::store::open(path).unwrap();
    conn.execute_batch(
        "INSERT INTO authority (id, name, region, inn, kpp, ogrn)
           VALUES (1, 'Комитет', 'Санкт-Петербург', '4703083640', '470301001', '1027700132195');
         INSERT INTO cycle (id, year, sector, authority_id, region, status, methodology)
           VALUES (1, 2026, 'social', 1, 'Санкт-Петербург', 'collecting', '2018');",
    )
    .unwrap();
    for i in 1..=OUTSIDER {
        let ogrn12 = format!("1{i:011}");
        let ogrn = format!("{ogrn12}{}", ogrn_check_digit(&digits(&ogrn12)));
        conn.execute(
            "INSERT INTO organization (id, full_name, short_name, inn, kpp, ogrn, reg_num, sector, region)
             VALUES (?1, ?2, '', ?3, '780101001', ?4, ?5, 'social', 'Санкт-Петербург')",
            params![i as i64, format!("Учреждение № {i}"), inn(i), ogrn, format!("7{i:012}")],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO membership (cycle_id, org_id) SELECT 1, id FROM organization WHERE id <= ?1",
        [ORGS as i64],
    )
    .unwrap();
    for org in 1..=STORED {
        for (number, criterion, text) in [
            ("1.1", "К1", measure(org, "1.1")),
            ("2.1", "К2", "Старое мероприятие".to_string()),
        ] {
            conn.execute(
                "INSERT INTO plan_row (cycle_id, org_id, number, criterion, shortcoming, measure,
                     planned_date, resp_last_name, resp_first_name, resp_middle_name,
                     resp_position, expected_result, result_indicators, status)
                 VALUES (1, ?1, ?2, ?3, 'Нет сведений', ?4, '2026-12-31', 'Петров', 'О.', 'Ю.',
                         'директор', 'Сведения размещены', 'Доля, %', 'planned')",
                params![org as i64, number, criterion, text],
            )
            .unwrap();
        }
    }
    conn
}

/// What the file holds, counted as it is written.
#[derive(Debug, Default, PartialEq)]
struct Expected {
    added: usize,
    changed: usize,
    unchanged: usize,
    rejected: Vec<(usize, String)>,
    /// (organization, number, measure) of every row added.
    adds: Vec<(usize, String, String)>,
}

/// The plan file: for every member, items «1.1» … «5.1» (one per criterion), deadlines as
/// regions write them. Row 1.1 of the first [`STORED`] organizations is as stored, their 2.1
/// changes the measure; every 97th organization's «3.1» says «постоянно» (no single date); every
/// 101st's «4.1» is wrapped over two lines; a row of an unknown ИНН, one of an organization outside
/// the cycle, one with the number «abc» and a repeat of an earlier row are spread in between.
fn plan_file() -> (String, Expected) {
    let mut s = String::from(
        "\u{feff}План по устранению недостатков, выявленных в ходе независимой оценки качества\r\n\
         ИНН организации;№ п/п;Недостатки;Наименование мероприятия;Плановый срок реализации;Ответственный исполнитель;Результат;Показатели\r\n",
    );
    let mut line = 2;
    let mut e = Expected::default();
    let deadlines = ["IV квартал 2026 г.", "до 31.12.2026", "31.12.2026"];
    for org in 1..=ORGS {
        for (k, number) in ["1.1", "2.1", "3.1", "4.1", "5.1"].iter().enumerate() {
            line += 1;
            let deadline = if k == 2 && org % 97 == 0 {
                e.rejected.push((line, "Плановый срок реализации".into()));
                "постоянно"
            } else {
                deadlines[(org + k) % 3]
            };
            let text = measure(org, number);
            let wrapped = k == 3 && org % 101 == 0;
            let (first, rest) = if wrapped {
                text.split_at(text.find(", пункт").unwrap())
            } else {
                (text.as_str(), "")
            };
            writeln!(
                s,
                "{};{number};Нет сведений;\"{first}\";{deadline};\"Петров О.Ю., директор\";Сведения размещены;\"Доля, %\"\r",
                inn(org)
            )
            .unwrap();
            if wrapped {
                line += 1;
                writeln!(s, ";;;\"{}\";;;;\r", rest.trim_start()).unwrap();
            }
            if deadline == "постоянно" {
                continue;
            }
            match (org <= STORED, *number) {
                (true, "1.1") => e.unchanged += 1,
                (true, "2.1") => e.changed += 1,
                _ => {
                    e.added += 1;
                    // A wrapped measure is joined with a space.
                    let joined = if wrapped {
                        format!("{first} {}", rest.trim_start())
                    } else {
                        text.clone()
                    };
                    e.adds.push((org, number.to_string(), joined));
                }
            }
        }
        let mut extra = |row: String, column: &str| {
            line += 1;
            s.push_str(&row);
            e.rejected.push((line, column.to_string()));
        };
        match org {
            150 => extra(
                format!(
                    "{};1.1;Нет сведений;Повтор;31.12.2026;Петров О.Ю.;;\r\n",
                    inn(3)
                ),
                "№ п/п",
            ),
            250 => extra(
                format!(
                    "{};1.1;Нет сведений;Чужое;31.12.2026;Петров О.Ю.;;\r\n",
                    inn(9999)
                ),
                "ИНН организации",
            ),
            350 => extra(
                format!(
                    "{};1.1;Нет сведений;Вне цикла;31.12.2026;Петров О.Ю.;;\r\n",
                    inn(OUTSIDER)
                ),
                "ИНН организации",
            ),
            450 => extra(
                format!(
                    "{};abc;Нет сведений;Без номера;31.12.2026;Петров О.Ю.;;\r\n",
                    inn(450)
                ),
                "№ п/п",
            ),
            _ => {}
        }
    }
    (s, e)
}

/// Every stored plan row by plain SQL: (organization, number, criterion, measure, date, version).
fn rows(conn: &Connection) -> Vec<(i64, String, String, String, String, i64)> {
    let mut stmt = conn
        .prepare(
            "SELECT org_id, number, criterion, measure, planned_date, version FROM plan_row
             ORDER BY org_id, number",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

#[test]
fn a_streamed_plan_table_plans_and_writes_what_was_built_into_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = database(&dir.path().join("p.sqlite"));
    let (text, e) = plan_file();
    assert!(text.len() > 2 * 256 * 1024, "the file must be streamed");
    assert!(e.added > LISTED && e.rejected.len() > 4);
    let file = dir.path().join("план.csv");
    std::fs::write(&file, &text).unwrap();
    let kind = Kind::Plan {
        cycle_id: 1,
        org: None,
    };
    let before = rows(&conn);
    let audit_before: i64 = conn
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();

    // The dry run: the plan of changes, counted in full and listed up to LISTED; nothing written.
    let mut reports = 0;
    let dry = dry_run_file(
        &mut conn,
        &file,
        &kind,
        &Options::default(),
        AsRead::Drop,
        today(),
        &mut |_| reports += 1,
    )
    .unwrap();
    assert!(reports > 2, "progress is reported while reading");
    assert_eq!(
        (dry.added_count(), dry.changed_count(), dry.unchanged),
        (e.added, e.changed, e.unchanged)
    );
    assert_eq!(dry.added.len(), LISTED);
    let rejected: Vec<(usize, String)> = dry
        .rejected
        .iter()
        .map(|r| (r.line, r.column.clone()))
        .collect();
    assert_eq!(rejected, e.rejected);
    assert!(dry.as_read.1.is_empty(), "a streamed dry run keeps no rows");
    let repeat = dry
        .rejected
        .iter()
        .find(|r| r.reason.contains("уже был"))
        .unwrap();
    // Organization 3's «1.1» is on line 3 + 2 * 5 = 13 (title, header, then five rows each).
    assert_eq!(repeat.reason, "пункт 1.1 уже был в строке 13");
    assert_eq!(
        dry.changed[0].fields,
        [(
            "Мероприятие".to_string(),
            "Старое мероприятие".to_string(),
            measure(1, "2.1"),
        )]
    );
    assert_eq!(rows(&conn), before, "the dry run wrote");

    // Refused with rejected rows: nothing written.
    let refused = apply_file(
        &mut conn,
        &file,
        &kind,
        &Options::default(),
        today(),
        false,
        &mut |_| {},
    );
    assert!(refused.is_err());
    assert_eq!(rows(&conn), before);

    // The import with --skip-rejected writes the plan the dry run showed.
    let p = apply_file(
        &mut conn,
        &file,
        &kind,
        &Options::default(),
        today(),
        true,
        &mut |_| {},
    )
    .unwrap();
    assert!(p.applied);
    assert_eq!(
        (
            p.added_count(),
            p.changed_count(),
            p.unchanged,
            p.rejected_count()
        ),
        (e.added, e.changed, e.unchanged, e.rejected.len())
    );
    let after = rows(&conn);
    assert_eq!(after.len(), 2 * STORED + e.added);
    for org in 1..=STORED {
        let stored: Vec<_> = after.iter().filter(|r| r.0 == org as i64).collect();
        let one = stored.iter().find(|r| r.1 == "1.1").unwrap();
        assert_eq!(
            (one.3.clone(), one.5),
            (measure(org, "1.1"), 1),
            "left as stored"
        );
        let two = stored.iter().find(|r| r.1 == "2.1").unwrap();
        assert_eq!(
            (two.3.clone(), two.5),
            (measure(org, "2.1"), 2),
            "changed once"
        );
    }
    let added: Vec<(usize, String, String)> = after
        .iter()
        .filter(|r| !(r.0 as usize <= STORED && (r.1 == "1.1" || r.1 == "2.1")))
        .map(|r| (r.0 as usize, r.1.clone(), r.3.clone()))
        .collect();
    let mut expected_adds = e.adds.clone();
    expected_adds.sort();
    assert_eq!(added, expected_adds);
    // Criterion by the number, a deadline read in Russian: organization 301's «3.1» has
    // deadline number (301 + 2) % 3 = 0, «IV квартал 2026 г.» → 31.12.2026.
    assert!(text.contains(&format!(
        "{};3.1;Нет сведений;\"{}\";IV квартал 2026 г.;",
        inn(301),
        measure(301, "3.1")
    )));
    let (criterion, date): (String, String) = conn
        .query_row(
            "SELECT criterion, planned_date FROM plan_row WHERE org_id = 301 AND number = '3.1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((criterion.as_str(), date.as_str()), ("К3", "2026-12-31"));

    // The audit: one insert per added row, naming it and its new id; one update per changed
    // field with old and new values; one bulk entry for the import.
    let audit = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        audit(
            "SELECT count(*) FROM audit_log a JOIN plan_row p ON p.id = a.entity_id
             WHERE a.action = 'insert' AND a.entity = 'plan_row' AND a.note = 'импорт'
               AND a.new_value LIKE '%пункт ' || p.number || ': ' || p.measure"
        ),
        e.added as i64
    );
    assert_eq!(
        audit(
            "SELECT count(*) FROM audit_log a JOIN plan_row p ON p.id = a.entity_id
             WHERE a.action = 'update' AND a.entity = 'plan_row' AND a.field = 'Мероприятие'
               AND a.old_value = 'Старое мероприятие' AND a.new_value = p.measure
               AND p.number = '2.1'"
        ),
        e.changed as i64
    );
    assert_eq!(
        audit("SELECT count(*) FROM audit_log") - audit_before,
        (e.added + e.changed + 1) as i64
    );
    assert_eq!(
        audit("SELECT count(*) FROM audit_log WHERE action = 'bulk'"),
        1
    );
    // Entries in the order of the file: organization 1's «2.1» changed (line 4), then its «3.1»
    // added (line 5).
    let first: Vec<(String, String)> = conn
        .prepare(
            "SELECT action, new_value FROM audit_log WHERE entity = 'plan_row' ORDER BY id LIMIT 2",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        first,
        [
            ("update".to_string(), measure(1, "2.1")),
            (
                "insert".to_string(),
                format!("ИНН {}, пункт 3.1: {}", inn(1), measure(1, "3.1"))
            )
        ]
    );

    // Again: everything as stored, nothing written.
    let again = apply_file(
        &mut conn,
        &file,
        &kind,
        &Options::default(),
        today(),
        true,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(
        (again.added_count(), again.changed_count(), again.unchanged),
        (0, 0, e.added + e.changed + e.unchanged)
    );
    assert_eq!(rows(&conn), after);
}
