//! `nok plans overdue`, `nok plans status` and `nok deadline` end to end on a demo database.

mod cli_support;

use std::path::{Path, PathBuf};
use std::process::Output;

use rusqlite::Connection;

const TODAY: &str = "22.11.2026";

fn nok(args: &[&str], home: &Path) -> Output {
    cli_support::command(args, home)
        .env("USER", "inspector")
        .output()
        .expect("run nok")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

fn demo_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let out = nok(
        &[
            "demo",
            "--db",
            db.to_str().unwrap(),
            "--orgs",
            "60",
            "--today",
            TODAY,
        ],
        dir.path(),
    );
    assert!(out.status.success(), "demo failed: {}", text(&out.stderr));
    (dir, db)
}

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

fn run(db: &Path, home: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--db", db.to_str().unwrap(), "--today", TODAY];
    all.extend_from_slice(args);
    nok(&all, home)
}

/// (os_user, action, field, old, new) of an audit entry.
type AuditRow = (String, String, String, Option<String>, Option<String>);

fn d(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%d.%m.%Y").unwrap()
}

#[test]
fn overdue_lists_plan_rows_and_authority_items_with_days() {
    let (dir, db) = demo_db();
    let out = run(&db, dir.path(), &["plans", "overdue", "--format", "csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = csv_rows(&out.stdout);
    assert_eq!(
        rows[0],
        [
            "Дней",
            "Срок",
            "Откуда",
            "Строка",
            "Организация",
            "ИНН",
            "Год",
            "№",
            "Мероприятие",
            "Срок в плане",
            "Ответственный"
        ]
    );
    let body = &rows[1..];
    let today = d(TODAY);
    // Days overdue = today − due, positive, most overdue first.
    let mut last = i64::MAX;
    for r in body {
        let days: i64 = r[0].parse().unwrap();
        assert_eq!(days, (today - d(&r[1])).num_days(), "{r:?}");
        assert!(days > 0, "{r:?}");
        assert!(days <= last, "not sorted: {r:?}");
        last = days;
    }
    // Every open plan row with its date passed is listed, and nothing else from plan rows.
    let conn = Connection::open(&db).unwrap();
    let expected: i64 = conn
        .query_row(
            "SELECT count(*) FROM plan_row WHERE status IN ('planned', 'in_progress')
             AND planned_date < '2026-11-22'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let plan_rows: Vec<_> = body.iter().filter(|r| r[2] == "план организации").collect();
    assert!(expected > 0);
    assert_eq!(plan_rows.len() as i64, expected);
    // Authority plan items are there too, read from their deadline text.
    let items: Vec<_> = body.iter().filter(|r| r[2] == "план органа").collect();
    assert!(!items.is_empty());
    for r in &items {
        let status: String = conn
            .query_row(
                "SELECT status FROM workplan_item WHERE id = ?1",
                [r[3].parse::<i64>().unwrap()],
                |x| x.get(0),
            )
            .unwrap();
        assert!(status == "planned" || status == "in_progress", "{r:?}");
    }
    // «в срок до 1 марта 2026 года» open on 22.11.2026: 266 days.
    if let Some(r) = items.iter().find(|r| r[9] == "в срок до 1 марта 2026 года") {
        assert_eq!(r[0], "266");
    }

    // The table form says how many of each.
    let out = run(&db, dir.path(), &["plans", "overdue"]);
    let s = text(&out.stdout);
    assert!(
        s.starts_with(&format!(
            "Просрочено на 22.11.2026: строк планов организаций — {expected}, мероприятий планов органа — {}",
            items.len()
        )),
        "{s}"
    );

    // --org narrows to one organization's rows; --cycle to one cycle.
    // The ИНН cell is a text formula (`="…"`, so a spreadsheet keeps leading zeros); the ИНН is
    // what a spreadsheet shows.
    let inn_cell = &plan_rows[0][5];
    let inn = inn_cell
        .strip_prefix("=\"")
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or_else(|| panic!("ИНН not written as text: {inn_cell}"));
    let out = run(
        &db,
        dir.path(),
        &["plans", "overdue", "--org", inn, "--format", "csv"],
    );
    let only = csv_rows(&out.stdout);
    assert!(only.len() > 1);
    assert!(only[1..].iter().all(|r| &r[5] == inn_cell), "{only:?}");
    let cycle_of = |row: &str| -> i64 {
        conn.query_row(
            "SELECT cycle_id FROM plan_row WHERE id = ?1",
            [row.parse::<i64>().unwrap()],
            |x| x.get(0),
        )
        .unwrap()
    };
    let cycle = cycle_of(&plan_rows[0][3]);
    let out = run(
        &db,
        dir.path(),
        &[
            "plans",
            "overdue",
            "--cycle",
            &cycle.to_string(),
            "--format",
            "csv",
        ],
    );
    let only = csv_rows(&out.stdout);
    assert!(
        only[1..]
            .iter()
            .filter(|r| r[2] == "план организации")
            .all(|r| cycle_of(&r[3]) == cycle)
    );

    // A what-if day long before: nothing is overdue yet.
    let out = nok(
        &[
            "--db",
            db.to_str().unwrap(),
            "--today",
            "01.01.2020",
            "plans",
            "overdue",
            "--format",
            "csv",
        ],
        dir.path(),
    );
    assert_eq!(csv_rows(&out.stdout).len(), 1);

    // Unknown cycle, malformed ИНН: exit 1 with a Russian message.
    let out = run(&db, dir.path(), &["plans", "overdue", "--cycle", "99999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("цикл 99999 не найден"));
    let out = run(&db, dir.path(), &["plans", "overdue", "--org", "12ab"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("ИНН «12ab»"));
}

#[test]
fn status_change_checks_rules_bumps_version_and_audits() {
    let (dir, db) = demo_db();
    let conn = Connection::open(&db).unwrap();
    let (row, version, measures): (i64, i64, String) = conn
        .query_row(
            "SELECT id, version, implemented_measures FROM plan_row
             WHERE status IN ('planned', 'in_progress') AND planned_date < '2026-11-22'
             ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let audits = |conn: &Connection| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'plan_row' AND entity_id = ?1",
            [row],
            |r| r.get(0),
        )
        .unwrap()
    };
    let before = audits(&conn);
    let r = row.to_string();

    // Refusals: no date for done, a future date, no reason for cancelled, unknown row, bad status.
    let out = run(&db, dir.path(), &["plans", "status", &r, "выполнено"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("нужна фактическая дата"),
        "{}",
        text(&out.stderr)
    );
    let out = run(
        &db,
        dir.path(),
        &[
            "plans",
            "status",
            &r,
            "done",
            "--date",
            "23.11.2026",
            "--measures",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("позже сегодняшнего дня"));
    if measures.is_empty() {
        let out = run(
            &db,
            dir.path(),
            &["plans", "status", &r, "выполнено", "--date", "20.11.2026"],
        );
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stderr).contains("нужны реализованные меры"));
    }
    let out = run(&db, dir.path(), &["plans", "status", &r, "отменено"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("нужна причина отмены"));
    let out = run(
        &db,
        dir.path(),
        &["plans", "status", "99999999", "в работе"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("строка плана 99999999 не найдена"));
    let out = run(&db, dir.path(), &["plans", "status", &r, "готово"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("неизвестный статус «готово»"));
    let out = run(
        &db,
        dir.path(),
        &["plans", "status", &r, "done", "--date", "31.02.2026"],
    );
    assert_eq!(out.status.code(), Some(2));
    // Nothing was written by any refusal.
    assert_eq!(audits(&conn), before);
    let v: i64 = conn
        .query_row("SELECT version FROM plan_row WHERE id = ?1", [row], |x| {
            x.get(0)
        })
        .unwrap();
    assert_eq!(v, version);

    // Done, with date and measures.
    let out = run(
        &db,
        dir.path(),
        &[
            "plans",
            "status",
            &r,
            "Выполнено",
            "--date",
            "20.11.2026",
            "--measures",
            "Пандус установлен, акт приемки от 20.11.2026",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains(&format!("версия {}", version + 1)), "{s}");
    assert!(s.contains("дата выполнения: — → 20.11.2026"), "{s}");
    let (status, actual, m, v): (String, String, String, i64) = conn
        .query_row(
            "SELECT status, actual_date, implemented_measures, version FROM plan_row WHERE id = ?1",
            [row],
            |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (status.as_str(), actual.as_str(), m.as_str(), v),
        (
            "done",
            "2026-11-20",
            "Пандус установлен, акт приемки от 20.11.2026",
            version + 1
        )
    );
    let mut stmt = conn
        .prepare(
            "SELECT os_user, action, field, old_value, new_value FROM audit_log
             WHERE entity = 'plan_row' AND entity_id = ?1 ORDER BY id DESC LIMIT 3",
        )
        .unwrap();
    let mut log: Vec<AuditRow> = stmt
        .query_map([row], |x| {
            Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?, x.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    log.sort_by(|a, b| a.2.cmp(&b.2));
    assert_eq!(audits(&conn), before + 3);
    assert!(log.iter().all(|e| e.0 == "inspector" && e.1 == "update"));
    assert_eq!(log[0].2, "actual_date");
    assert_eq!(
        (log[0].3.as_deref(), log[0].4.as_deref()),
        (None, Some("2026-11-20"))
    );
    assert_eq!(log[1].2, "implemented_measures");
    assert_eq!(
        log[1].4.as_deref(),
        Some("Пандус установлен, акт приемки от 20.11.2026")
    );
    assert_eq!(log[2].2, "status");
    assert_eq!(log[2].4.as_deref(), Some("done"));

    // The row is no longer overdue.
    let out = run(&db, dir.path(), &["plans", "overdue", "--format", "csv"]);
    assert!(
        !csv_rows(&out.stdout)
            .iter()
            .any(|x| x[2] == "план организации" && x[3] == r)
    );

    // The same status again changes nothing; cancelling with a reason works and clears nothing
    // it should keep.
    let out = run(&db, dir.path(), &["plans", "status", &r, "выполнено"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("без изменений"));
    assert_eq!(audits(&conn), before + 3);
    let out = run(
        &db,
        dir.path(),
        &[
            "plans",
            "status",
            &r,
            "отменено",
            "--reason",
            "Организация ликвидирована",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (status, reason): (String, String) = conn
        .query_row(
            "SELECT status, cancel_reason FROM plan_row WHERE id = ?1",
            [row],
            |x| Ok((x.get(0)?, x.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (status.as_str(), reason.as_str()),
        ("cancelled", "Организация ликвидирована")
    );
}

#[test]
fn deadline_prints_the_reading() {
    let dir = tempfile::tempdir().unwrap();
    let out = nok(
        &[
            "--today",
            TODAY,
            "deadline",
            "IV квартал 2017 г. в течение 5 рабочих дней после поступления информации о результатах независимой оценки от Общественного совета",
        ],
        dir.path(),
    );
    assert!(out.status.success());
    let s = text(&out.stdout);
    assert!(s.contains("Вид: период + от события"), "{s}");
    assert!(
        s.contains("IV квартал 2017 г.: срок — последний день, 31.12.2017"),
        "{s}"
    );
    assert!(s.contains("5 рабочих дней после события"), "{s}");
    assert!(s.contains("Срок: 31.12.2017; уточнится"), "{s}");

    let out = nok(&["deadline", "февраль", "--year", "2024"], dir.path());
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("Срок: 29.02.2024"));

    // A term from an event, with the event's date given: counted in working days over the New
    // Year holidays (31.12.2026 is a day off by the 2026 decree, 01–08.01 are holidays, 09–10.01
    // a weekend); 2027 has no transfer decree in the data yet, and the output says so.
    let term = "в течение 5 рабочих дней после поступления информации";
    let out = nok(
        &["--today", TODAY, "deadline", term, "--event", "25.12.2026"],
        dir.path(),
    );
    assert!(out.status.success());
    let s = text(&out.stdout);
    assert!(s.contains("Срок: 12.01.2027"), "{s}");
    assert!(s.contains("календарь 2027 года предварительный"), "{s}");
    let out = nok(
        &["--today", TODAY, "deadline", term, "--event", "20.04.2026"],
        dir.path(),
    );
    let s = text(&out.stdout);
    assert!(s.contains("Срок: 27.04.2026"), "{s}");
    assert!(!s.contains("предварительный"), "2026 is in the data: {s}");
    let out = nok(&["deadline", term, "--event", "31.02.2026"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("не дата"));

    // Not recognised: still exit 0, and it says so.
    let out = nok(&["deadline", "уточняется позднее"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("срок не распознан"));
    // An impossible date is not recognised either, with the reason; «по мере необходимости» is
    // a kind of its own.
    let out = nok(&["deadline", "до 31.02.2025"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).contains("даты 31.02.2025 нет"),
        "{}",
        text(&out.stdout)
    );
    let out = nok(&["deadline", "по мере необходимости"], dir.path());
    assert!(text(&out.stdout).contains("Вид: по мере необходимости"));

    // Usage errors: exit 2.
    let out = nok(&["deadline"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let out = nok(&["deadline", "февраль", "--year", "двадцать"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("не год"));
    let out = nok(&["plans"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_organizations_plan_approval_is_recorded_audited_and_counted_from() {
    let (dir, db) = demo_db();
    let conn = rusqlite::Connection::open(&db).unwrap();
    // A member of the 2025 cycle of an authority with a plan for 2026.
    let (cycle, inn, workplan): (i64, String, i64) = conn
        .query_row(
            "SELECT m.cycle_id, o.inn, w.id FROM membership m
             JOIN organization o ON o.id = m.org_id JOIN cycle c ON c.id = m.cycle_id
             JOIN workplan w ON w.authority_id = c.authority_id
               AND 2026 BETWEEN w.year_from AND w.year_to
             WHERE c.year = 2025 ORDER BY m.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let cycle_s = cycle.to_string();
    let out = run(
        &db,
        dir.path(),
        &[
            "plans",
            "approved",
            "--cycle",
            &cycle_s,
            "--org",
            &inn,
            "--date",
            "10.11.2026",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("утвержден 10.11.2026 (было: —)"), "{s}");
    let (stored, audited): (String, i64) = conn
        .query_row(
            "SELECT m.plan_approved_on,
                    (SELECT count(*) FROM audit_log WHERE entity = 'membership'
                     AND entity_id = m.id AND field = 'plan_approved_on'
                     AND new_value = '2026-11-10')
             FROM membership m JOIN organization o ON o.id = m.org_id
             WHERE m.cycle_id = ?1 AND o.inn = ?2",
            rusqlite::params![cycle, inn],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((stored.as_str(), audited), ("2026-11-10", 1));
    // The authority's plan items counted from the approval of plans resolve from it.
    let events = nok::store::overdue::workplan_events(&conn, workplan).unwrap();
    let day = |d: u32, m: u32| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    assert_eq!(
        events.latest(nok::domain::deadline::Event::PlanApproved, day(22, 11)),
        Some(day(10, 11))
    );
    // A future date, an organization outside the cycle, a cycle that does not exist: exit 1.
    for (args, says) in [
        (
            vec![
                "--date",
                "01.01.2027",
                "--org",
                inn.as_str(),
                "--cycle",
                cycle_s.as_str(),
            ],
            "позже сегодняшнего",
        ),
        (
            vec![
                "--date",
                "01.11.2026",
                "--org",
                "7700000000",
                "--cycle",
                cycle_s.as_str(),
            ],
            "нет",
        ),
        (
            vec![
                "--date",
                "01.11.2026",
                "--org",
                inn.as_str(),
                "--cycle",
                "99999",
            ],
            "не найден",
        ),
    ] {
        let mut all = vec!["plans", "approved"];
        all.extend(args);
        let out = run(&db, dir.path(), &all);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stderr).contains(says), "{}", text(&out.stderr));
    }
}
