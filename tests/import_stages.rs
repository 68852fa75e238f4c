//! The imports of plan documents in stages (read → match → plan → write): the dry runs of the
//! portal's plan documents (ТФФ 1.8.3) and of an authority's work plan read only — another
//! session writes and commits (`BEGIN IMMEDIATE`, no wait) while the dry run holds its read
//! transaction — and what a dry run plans (worked out by hand from the documents below) is what
//! the real import then does, down to the numbers new plan rows get (checked by plain SQL); and
//! that `nok import plan --dry-run` prints that plan in Russian.

mod cli_support;
mod import_support;

use std::path::{Path, PathBuf};

use import_support::{count, demo, today};
use nok::service::import::{self, Kind, Preview, Progress, portal_plan};
use nok::service::methodology::Methods;
use rusqlite::Connection;

/// A changed field: name, old value, new value.
type Field = (String, String, String);

/// Another session writes and commits at once (no busy wait): it fails if anyone holds the
/// write lock.
fn write_from_another_session(other: &Connection, note: &str) {
    other
        .execute_batch("BEGIN IMMEDIATE")
        .expect("another session takes the write lock while the dry run reads");
    other
        .execute(
            "INSERT INTO audit_log (at, os_user, action, entity, note)
             VALUES ('2026-11-22T10:00:00', 'other', 'bulk', 'import', ?1)",
            [note],
        )
        .unwrap();
    other.execute_batch("COMMIT").unwrap();
}

// ---------------------------------------------------------------------------------------------
// The portal's plan documents.

/// The organization the documents are of: cycle, org id, ИНН, КПП, the cycle's year.
struct Target {
    cycle: i64,
    org: i64,
    inn: String,
    kpp: String,
    year: i32,
}

/// The first member of a cycle, its plan emptied and three rows written by plain SQL: «1.1»
/// and «1.2» under К1, «3.1» under К3 (numbered by section); no plan header, no approval date.
fn portal_target(conn: &Connection) -> Target {
    let t = conn
        .query_row(
            "SELECT m.cycle_id, o.id, o.inn, o.kpp, c.year FROM membership m
             JOIN organization o ON o.id = m.org_id JOIN cycle c ON c.id = m.cycle_id
             WHERE o.inn <> '' AND o.kpp <> '' ORDER BY m.id LIMIT 1",
            [],
            |r| {
                Ok(Target {
                    cycle: r.get(0)?,
                    org: r.get(1)?,
                    inn: r.get(2)?,
                    kpp: r.get(3)?,
                    year: r.get(4)?,
                })
            },
        )
        .unwrap();
    let p = rusqlite::params![t.cycle, t.org];
    conn.execute(
        "DELETE FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2",
        p,
    )
    .unwrap();
    conn.execute(
        "DELETE FROM plan_header WHERE cycle_id = ?1 AND org_id = ?2",
        p,
    )
    .unwrap();
    conn.execute(
        "DELETE FROM plan_act WHERE cycle_id = ?1 AND org_id = ?2",
        p,
    )
    .unwrap();
    conn.execute(
        "UPDATE membership SET plan_approved_on = NULL WHERE cycle_id = ?1 AND org_id = ?2",
        p,
    )
    .unwrap();
    for (number, criterion, shortcoming, measure, date) in [
        (
            "1.1",
            "К1",
            "Нет часов приема",
            "Разместить часы приема",
            "2026-12-01",
        ),
        (
            "1.2",
            "К1",
            "Нет схемы проезда",
            "Разместить схему проезда",
            "2026-12-15",
        ),
        (
            "3.1",
            "К3",
            "Нет пандуса",
            "Установить пандус",
            "2027-06-01",
        ),
    ] {
        conn.execute(
            "INSERT INTO plan_row (cycle_id, org_id, number, criterion, shortcoming, measure,
                 planned_date, resp_last_name, resp_first_name, resp_middle_name, resp_position,
                 status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'Иванова', 'Анна', 'Петровна', 'директор',
                 'planned')",
            rusqlite::params![
                t.cycle,
                t.org,
                number,
                criterion,
                shortcoming,
                measure,
                date
            ],
        )
        .unwrap();
    }
    t
}

/// One row of a document (SHORTCOMINGS).
fn portal_row(name: &str, activity: &str, date: &str, extra: &str) -> String {
    format!(
        "<SHORTCOMINGS><NAME>{name}</NAME><ACTIVITY>{activity}</ACTIVITY>\
         <PLAN_DATE>{date}</PLAN_DATE><FIO>Иванова Анна Петровна</FIO>\
         <POSITION>директор</POSITION>{extra}</SHORTCOMINGS>"
    )
}

/// A document of the target's plan with the given groups (criterion in words or as a code,
/// rows).
fn portal_doc(t: &Target, groups: &[(&str, Vec<String>)]) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <planShortcomingInfoType xmlns=\"http://bus.gov.ru/types/1\">\
         <RATING_YEAR>{}</RATING_YEAR><SOCIAL_COUNCIL>Общественный совет при министерстве</SOCIAL_COUNCIL>\
         <PLAN_PERIOD>{}</PLAN_PERIOD><DESTINATION_ORGANIZATION>Организация</DESTINATION_ORGANIZATION>\
         <SCOPE_ACTIVITY>культура</SCOPE_ACTIVITY><INN>{}</INN><KPP>{}</KPP>\
         <ORGANIZATION_APPROVED>Министерство культуры</ORGANIZATION_APPROVED>\
         <LAST_NAME>Петров</LAST_NAME><FIRST_NAME>Олег</FIRST_NAME><MIDDLE_NAME>Юрьевич</MIDDLE_NAME>\
         <APPROVE_DATE>{}-02-10</APPROVE_DATE>",
        t.year,
        t.year + 1,
        t.inn,
        t.kpp,
        t.year + 1
    );
    for (criterion, rows) in groups {
        xml.push_str(&format!(
            "<GROUPS_SHORTCOMINGS><CRITERION_NAME>{criterion}</CRITERION_NAME>{}</GROUPS_SHORTCOMINGS>",
            rows.concat()
        ));
    }
    xml.push_str(&format!(
        "<PLAN_SHORTCOMING_DOCUMENTS><DOC_NAME>Об утверждении плана</DOC_NAME><DOC_TYPE>Приказ</DOC_TYPE>\
         <REG_DATE>{}-02-10</REG_DATE><DOC_NUM>12</DOC_NUM></PLAN_SHORTCOMING_DOCUMENTS>\
         </planShortcomingInfoType>\n",
        t.year + 1
    ));
    xml
}

/// Two documents of the target's plan in a folder, read in the order of their names:
/// - `a.xml`: the header (new: the organization has none); under К1 (in words) «1.1» as stored
///   (left), «1.2» with a later date (changed), two new rows (added: «1.3», «1.4», the next of
///   section 1); under К3 «3.1» with measures taken (changed: in progress); under К5 a new row
///   (added: «5.1», the first of section 5);
/// - `b.xml`: the same header (left); under К1 the row `a.xml` added as «1.3», with another
///   date (changed), and one more new row (added: «1.5»).
///
/// In all: added 1 + 3 + 1 = 5, changed 2 + 1 = 3, left 1 + 1 = 2, rejected 0.
fn portal_folder(dir: &Path, t: &Target) -> PathBuf {
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    let a = portal_doc(
        t,
        &[
            (
                "Открытость и доступность информации об организации",
                vec![
                    portal_row(
                        "Нет часов приема",
                        "Разместить часы приема",
                        "2026-12-01",
                        "",
                    ),
                    portal_row(
                        "Нет схемы проезда",
                        "Разместить схему проезда",
                        "2027-01-15",
                        "",
                    ),
                    portal_row(
                        "Нет версии для слабовидящих",
                        "Подключить версию для слабовидящих",
                        "2027-02-01",
                        "",
                    ),
                    portal_row(
                        "Нет отзывов на сайте",
                        "Открыть раздел отзывов",
                        "2027-03-01",
                        "",
                    ),
                ],
            ),
            (
                "К3",
                vec![portal_row(
                    "Нет пандуса",
                    "Установить пандус",
                    "2027-06-01",
                    "<MEASURES>Заключен договор на установку</MEASURES>",
                )],
            ),
            (
                "К5",
                vec![portal_row(
                    "Мало довольных",
                    "Провести опрос посетителей",
                    "2027-04-01",
                    "",
                )],
            ),
        ],
    );
    let b = portal_doc(
        t,
        &[(
            "К1",
            vec![
                portal_row(
                    "Нет версии для слабовидящих",
                    "Подключить версию для слабовидящих",
                    "2027-02-20",
                    "",
                ),
                portal_row(
                    "Нет навигации в здании",
                    "Установить указатели",
                    "2027-05-01",
                    "",
                ),
            ],
        )],
    );
    std::fs::write(docs.join("a.xml"), a).unwrap();
    std::fs::write(docs.join("b.xml"), b).unwrap();
    docs
}

fn counts(p: &Preview) -> (usize, usize, usize, usize) {
    (
        p.added_count(),
        p.changed_count(),
        p.unchanged,
        p.rejected_count(),
    )
}

/// The target's plan rows by plain SQL: (number, criterion, measure, planned date, status).
fn plan_rows(conn: &Connection, t: &Target) -> Vec<(String, String, String, String, String)> {
    conn.prepare(
        "SELECT number, criterion, measure, planned_date, status FROM plan_row
         WHERE cycle_id = ?1 AND org_id = ?2 ORDER BY number",
    )
    .unwrap()
    .query_map([t.cycle, t.org], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn a_portal_plan_dry_run_takes_no_write_lock() {
    let (dir, conn) = demo();
    let t = portal_target(&conn);
    drop(conn);
    let docs = portal_folder(dir.path(), &t);
    let db = dir.path().join("d.sqlite");
    let mut conn = nok::store::open(&db).unwrap();
    let other = nok::store::open(&db).unwrap();
    other.busy_timeout(std::time::Duration::ZERO).unwrap();
    let rows_before = plan_rows(&conn, &t);
    let src = portal_plan::read(&docs).unwrap();
    let methods = Methods::builtin().unwrap();
    let mut written = 0;
    let p = portal_plan::dry_run(&mut conn, &src, t.cycle, &methods, &mut |step| {
        // After every document is matched and planned (the old dry run had numbered its new
        // rows by inserting them by then, holding the write lock).
        if let Progress::Checking { done, total } = step
            && done == total
        {
            write_from_another_session(&other, "другая сессия");
            written += 1;
        }
    })
    .unwrap();
    assert_eq!(written, 1);
    assert_eq!(counts(&p), (5, 3, 2, 0), "{p:#?}");
    assert_eq!(plan_rows(&conn, &t), rows_before, "the dry run wrote");
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM audit_log WHERE os_user = 'other' AND note = 'другая сессия'"
        ),
        1
    );
}

#[test]
fn a_portal_plan_dry_run_plans_what_the_import_does_and_numbers_rows_as_it_does() {
    let (dir, mut conn) = demo();
    let t = portal_target(&conn);
    let docs = portal_folder(dir.path(), &t);
    let src = portal_plan::read(&docs).unwrap();
    let methods = Methods::builtin().unwrap();
    let audit_before = count(&conn, "SELECT count(*) FROM audit_log");
    let last_audit = count(&conn, "SELECT max(rowid) FROM audit_log");
    let dry = portal_plan::dry_run(&mut conn, &src, t.cycle, &methods, &mut |_| {}).unwrap();
    assert_eq!(counts(&dry), (5, 3, 2, 0), "{dry:#?}");
    assert!(!dry.applied);
    assert_eq!(count(&conn, "SELECT count(*) FROM audit_log"), audit_before);
    // The new rows as the dry run numbers them (worked out by hand: the next of each section).
    let added: Vec<&str> = dry.added.iter().map(|c| c.what.as_str()).collect();
    for (i, expect) in [
        "a.xml: заголовок плана",
        "новая строка плана 1.3: Подключить версию для слабовидящих",
        "новая строка плана 1.4: Открыть раздел отзывов",
        "новая строка плана 5.1: Провести опрос посетителей",
        "новая строка плана 1.5: Установить указатели",
    ]
    .iter()
    .enumerate()
    {
        assert!(added[i].contains(expect), "{i}: {added:?}");
    }
    // The changes, field by field (old → new), in the documents' order.
    let changed: Vec<(String, Vec<Field>)> = dry
        .changed
        .iter()
        .map(|c| (c.what.clone(), c.fields.clone()))
        .collect();
    let f = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert!(changed[0].0.ends_with("строка плана 1.2"), "{changed:?}");
    assert_eq!(
        changed[0].1,
        [f("Плановый срок", "2026-12-15", "2027-01-15")]
    );
    assert!(changed[1].0.ends_with("строка плана 3.1"), "{changed:?}");
    assert_eq!(
        changed[1].1,
        [
            f("Статус", "запланировано", "выполняется"),
            f("Реализованные меры", "", "Заключен договор на установку")
        ]
    );
    assert!(
        changed[2].0.contains("b.xml:") && changed[2].0.ends_with("строка плана 1.3"),
        "{changed:?}"
    );
    assert_eq!(
        changed[2].1,
        [f("Плановый срок", "2027-02-01", "2027-02-20")]
    );
    // Left as stored: «1.1» of a.xml, the header of b.xml.
    assert_eq!(dry.left.len(), 2, "{:?}", dry.left);

    let applied =
        portal_plan::apply(&mut conn, &src, t.cycle, &methods, false, &mut |_| {}).unwrap();
    assert!(applied.applied);
    assert_eq!(counts(&applied), counts(&dry));
    assert_eq!(applied.added, dry.added);
    assert_eq!(applied.changed, dry.changed);
    assert_eq!(applied.left, dry.left);
    // What the import wrote, by plain SQL.
    let s = |a: &str, b: &str, c: &str, d: &str, e: &str| {
        (
            a.to_string(),
            b.to_string(),
            c.to_string(),
            d.to_string(),
            e.to_string(),
        )
    };
    assert_eq!(
        plan_rows(&conn, &t),
        [
            s(
                "1.1",
                "К1",
                "Разместить часы приема",
                "2026-12-01",
                "planned"
            ),
            s(
                "1.2",
                "К1",
                "Разместить схему проезда",
                "2027-01-15",
                "planned"
            ),
            s(
                "1.3",
                "К1",
                "Подключить версию для слабовидящих",
                "2027-02-20",
                "planned"
            ),
            s(
                "1.4",
                "К1",
                "Открыть раздел отзывов",
                "2027-03-01",
                "planned"
            ),
            s("1.5", "К1", "Установить указатели", "2027-05-01", "planned"),
            s(
                "3.1",
                "К3",
                "Установить пандус",
                "2027-06-01",
                "in_progress"
            ),
            s(
                "5.1",
                "К5",
                "Провести опрос посетителей",
                "2027-04-01",
                "planned"
            ),
        ]
    );
    let approved: Option<String> = conn
        .query_row(
            "SELECT plan_approved_on FROM membership WHERE cycle_id = ?1 AND org_id = ?2",
            [t.cycle, t.org],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(approved, Some(format!("{}-02-10", t.year + 1)));
    // Four rows inserted, three changes audited field by field (1 + 2 + 1 fields).
    let audited = |action: &str| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'plan_row' AND action = ?1 AND rowid > ?2",
            rusqlite::params![action, last_audit],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(audited("insert"), 4);
    assert_eq!(audited("update"), 4);
    // The audit names the columns changed (the journal words them), not the preview's names.
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM audit_log WHERE rowid > {last_audit}
                 AND entity = 'plan_row' AND field = 'planned_date'"
            )
        ),
        2
    );
    // Again: the two documents still disagree on «1.3» (a.xml moves it back to 01.02.2027,
    // b.xml to 20.02.2027); the headers and the other rows are left: 1 + 5 in a.xml, 1 + 1 in
    // b.xml.
    let again = portal_plan::dry_run(&mut conn, &src, t.cycle, &methods, &mut |_| {}).unwrap();
    assert_eq!(counts(&again), (0, 2, 8, 0), "{again:#?}");
}

// ---------------------------------------------------------------------------------------------
// An authority's work plan.

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// The first authority's ИНН.
fn authority(conn: &Connection) -> String {
    conn.query_row("SELECT inn FROM authority ORDER BY id LIMIT 1", [], |r| {
        r.get(0)
    })
    .unwrap()
}

/// `workplan.txt` edited: measure 1.2's deadline moved (changed), a measure 3 added after 2, and
/// target 2's value for 2026 raised from 3 to 4 (changed). Worked out by hand against the stored
/// plan: added 1 (measure 3), changed 2 (1.2, target 2), left 4 (measures 1, 1.1, 2, target 1).
fn edited_workplan() -> String {
    let text = std::fs::read_to_string(fixture("workplan.txt")).unwrap();
    let edited = text.replace("до 01.03.2025", "до 15.03.2025").replace(
        "2\tКоличество заседаний Общественного совета\t4\t-\t3",
        "2\tКоличество заседаний Общественного совета\t4\t-\t4",
    );
    assert_ne!(edited, text);
    let mut edited = edited.trim_end().to_string();
    edited.push_str(
        "\n3.\tОтчет об итогах независимой оценки\tДоклад\tIV квартал 2025 г.\tОрлова Т.С.\n",
    );
    edited
}

#[test]
fn a_work_plan_dry_run_takes_no_write_lock_and_plans_what_the_import_does() {
    let (dir, mut conn) = demo();
    let kind = Kind::Workplan {
        authority: authority(&conn),
        title: None,
    };
    let first = import::read(&fixture("workplan.txt")).unwrap();
    let p = import::apply(&mut conn, &first, &kind, today(), false, &mut |_| {}).unwrap();
    assert_eq!(p.added_count(), 7, "{p:#?}");
    let file = dir.path().join("workplan2.txt");
    std::fs::write(&file, edited_workplan()).unwrap();
    let sheet = import::read(&file).unwrap();
    let other = nok::store::open(&dir.path().join("d.sqlite")).unwrap();
    other.busy_timeout(std::time::Duration::ZERO).unwrap();
    let items = "SELECT count(*) FROM workplan_item";
    let items_before = count(&conn, items);
    let mut written = 0;
    let dry = import::dry_run(&mut conn, &sheet, &kind, today(), &mut |step| {
        if let Progress::Checking { done, total } = step
            && done == total
        {
            write_from_another_session(&other, "другая сессия");
            written += 1;
        }
    })
    .unwrap();
    assert_eq!(written, 1);
    assert_eq!(counts(&dry), (1, 2, 4, 0), "{dry:#?}");
    assert_eq!(count(&conn, items), items_before, "the dry run wrote");
    assert_eq!(
        dry.added[0].what,
        "пункт 3: Отчет об итогах независимой оценки"
    );
    let changed: Vec<(&str, &[Field])> = dry
        .changed
        .iter()
        .map(|c| (c.what.as_str(), c.fields.as_slice()))
        .collect();
    assert!(changed[0].0.starts_with("пункт 1.2:"), "{changed:?}");
    assert_eq!(
        changed[0].1[0],
        (
            "Срок исполнения".to_string(),
            "до 01.03.2025".to_string(),
            "до 15.03.2025".to_string()
        )
    );
    assert_eq!(
        changed[0].1[1],
        (
            "Дата срока".to_string(),
            "2025-03-01".to_string(),
            "2025-03-15".to_string()
        )
    );
    assert!(
        changed[1].0.starts_with("целевой показатель 2:"),
        "{changed:?}"
    );
    // 2024 (отчет) 4, 2025 «-», 2026 planned 3 → 4, as the fixture's row reads.
    assert_eq!(
        changed[1].1,
        [(
            "Значения".to_string(),
            "2024: факт 4; 2025: —; 2026: план 3".to_string(),
            "2024: факт 4; 2025: —; 2026: план 4".to_string()
        )]
    );
    assert_eq!(dry.left.len(), 4, "{:?}", dry.left);

    let audit_before = count(&conn, "SELECT max(rowid) FROM audit_log");
    let applied = import::apply(&mut conn, &sheet, &kind, today(), false, &mut |_| {}).unwrap();
    assert!(applied.applied);
    assert_eq!(counts(&applied), counts(&dry));
    assert_eq!(applied.added, dry.added);
    assert_eq!(applied.changed, dry.changed);
    assert_eq!(applied.left, dry.left);
    assert_eq!(count(&conn, items), items_before + 1);
    let wp = "(SELECT max(id) FROM workplan)";
    let (due, position, parent): (Option<String>, i64, Option<i64>) = conn
        .query_row(
            &format!(
                "SELECT deadline_due, position, parent_id FROM workplan_item
                 WHERE workplan_id = {wp} AND number = '3'"
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    // IV квартал 2025 г. ends on 31.12.2025; four measures were stored at positions 0…3.
    assert_eq!(
        (due.as_deref(), position, parent),
        (Some("2025-12-31"), 4, None)
    );
    let moved: Option<String> = conn
        .query_row(
            &format!(
                "SELECT deadline_due FROM workplan_item WHERE workplan_id = {wp} AND number = '1.2'"
            ),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(moved.as_deref(), Some("2025-03-15"));
    let planned_2026: Option<f64> = conn
        .query_row(
            &format!(
                "SELECT v.planned FROM target_value v JOIN target_indicator t ON t.id = v.indicator_id
                 WHERE t.workplan_id = {wp} AND t.number = '2' AND v.year = 2026"
            ),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(planned_2026, Some(4.0));
    // One insert; the changes audited field by field (1.2: two fields, target 2: one), and one
    // bulk entry for the import.
    let audited = |sql: &str| -> i64 {
        conn.query_row(
            &format!("SELECT count(*) FROM audit_log WHERE rowid > ?1 AND {sql}"),
            [audit_before],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(audited("action = 'insert'"), 1);
    assert_eq!(audited("action = 'update'"), 3);
    assert_eq!(audited("action = 'bulk'"), 1);
}

/// `nok import plan … --dry-run` prints the portal documents' plan of changes in Russian, as
/// `nok import orgs --dry-run` prints its own: what is added (with the numbers worked out
/// above), what changes (field: old → new, dates as people write them), what is left.
#[test]
fn the_cli_dry_run_of_portal_documents_prints_the_plan_of_changes_in_russian() {
    let (dir, conn) = demo();
    let t = portal_target(&conn);
    drop(conn);
    let docs = portal_folder(dir.path(), &t);
    let db = dir.path().join("d.sqlite");
    let out = cli_support::nok(
        &[
            "--db",
            db.to_str().unwrap(),
            "--today",
            "22.11.2026",
            "import",
            "plan",
            docs.to_str().unwrap(),
            "--cycle",
            &t.cycle.to_string(),
            "--dry-run",
        ],
        dir.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expect in [
        "будет добавлено: 5, будет изменено: 3, без изменений: 2, отклонено: 0",
        "План изменений — добавляется:",
        "новая строка плана 1.3: Подключить версию для слабовидящих",
        "новая строка плана 1.5: Установить указатели",
        "План изменений — изменяется:",
        "    Плановый срок: «15.12.2026» → «15.01.2027»",
        "    Статус: «запланировано» → «выполняется»",
        "План изменений — остается без изменений:",
        "строка плана 1.1\n",
        "Пробный прогон: база не изменена.",
    ] {
        assert!(stdout.contains(expect), "{expect}\n{stdout}");
    }
    for never in ["строка 0", "planned_date", "in_progress"] {
        assert!(!stdout.contains(never), "{never}\n{stdout}");
    }
}
