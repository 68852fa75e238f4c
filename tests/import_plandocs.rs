//! Plan documents nobody showed us, through the import service: a table without a header laid
//! out with spaces (extra columns kept as item fields, page junk dropped), an ambiguous table that
//! asks for `--columns`, formula cells, a title given with its own year, the dry run's column
//! roles, and re-import that changes nothing.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use nok::exchange::import::layout::{Role, parse_columns};
use nok::exchange::import::read_bytes;
use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::import::{Kind, Options, Preview, apply_with, dry_run_with};
use nok::service::methodology::Methods;
use rusqlite::Connection;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn demo() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let opts = DemoOptions {
        orgs: 20,
        seed: 11,
        today: today(),
    };
    let demo = open_or_build(
        &dir.path().join("d.sqlite"),
        &opts,
        false,
        &Methods::builtin().unwrap(),
        &mut |_| {},
    )
    .unwrap();
    (dir, demo.conn)
}

fn authority(conn: &Connection) -> String {
    conn.query_row("SELECT inn FROM authority ORDER BY id LIMIT 1", [], |r| {
        r.get(0)
    })
    .unwrap()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn run(
    conn: &mut Connection,
    name: &str,
    bytes: &[u8],
    kind: &Kind,
    options: &Options,
    write: bool,
) -> anyhow::Result<Preview> {
    let sheet = read_bytes(name, bytes)?;
    if write {
        apply_with(conn, &sheet, kind, options, today(), false, &mut |_| {})
    } else {
        dry_run_with(conn, &sheet, kind, options, today(), &mut |_| {})
    }
}

#[test]
fn a_table_without_header_laid_out_with_spaces() {
    let (_d, mut conn) = demo();
    let kind = Kind::Workplan {
        authority: authority(&conn),
        title: None,
    };
    let bytes = std::fs::read(fixture("workplan_noheader_spaced.txt")).unwrap();
    let none = Options::default();
    let p = run(&mut conn, "spaced.txt", &bytes, &kind, &none, false).unwrap();
    assert!(p.format.contains("пробел"), "{}", p.format);
    // The dry run says each column's role and why.
    let roles: Vec<(usize, &str)> = p
        .columns
        .iter()
        .map(|(c, r, _, _)| (*c, r.as_str()))
        .collect();
    assert!(roles.contains(&(1, "№")), "{roles:?}");
    assert!(roles.contains(&(2, "мероприятие")), "{roles:?}");
    assert!(
        p.columns.iter().all(|(_, _, _, why)| !why.is_empty()),
        "{:?}",
        p.columns
    );
    assert!(
        p.columns
            .iter()
            .any(|(_, r, _, why)| r == "срок" && why.starts_with("по содержанию")),
        "{:?}",
        p.columns
    );
    assert!(p.columns_uncertain.is_none(), "{:?}", p.columns_uncertain);
    let p = run(&mut conn, "spaced.txt", &bytes, &kind, &none, true).unwrap();
    assert!(p.applied && p.rejected.is_empty(), "{p:?}");
    let wp: i64 = count(&conn, "SELECT max(id) FROM workplan");
    let items: Vec<(String, String, String, Option<String>)> = conn
        .prepare("SELECT number, measure, deadline_text, deadline_due FROM workplan_item WHERE workplan_id = ?1 ORDER BY position")
        .unwrap()
        .query_map([wp], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        items,
        vec![
            (
                "1".to_string(),
                "Размещение на сайтах библиотек баннера со ссылкой на анкету".to_string(),
                "постоянно".to_string(),
                None
            ),
            (
                "2".to_string(),
                "Проведение опроса читателей о качестве обслуживания".to_string(),
                "I квартал 2026 г.".to_string(),
                Some("2026-03-31".to_string())
            ),
            (
                "3".to_string(),
                "Подготовка сводной справки о выполнении планов организаций".to_string(),
                "ежеквартально, до 5 числа месяца, следующего за отчетным".to_string(),
                None
            ),
            (
                "4".to_string(),
                "Публикация итогов оценки в районной газете".to_string(),
                "по мере необходимости".to_string(),
                None
            ),
        ]
    );
    let executors: Vec<String> = conn
        .prepare("SELECT e.name FROM workplan_executor e JOIN workplan_item i ON i.id = e.item_id WHERE i.workplan_id = ?1 AND i.number = '4' ORDER BY e.position")
        .unwrap()
        .query_map([wp], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(executors, ["Соколов А.В.", "Пресс-служба управления"]);
    // The column nobody named is kept as an item field, under its place.
    let fields: Vec<(String, String, String)> = conn
        .prepare("SELECT i.number, f.title, f.value FROM workplan_item_field f JOIN workplan_item i ON i.id = f.item_id WHERE i.workplan_id = ?1 ORDER BY i.position, f.position")
        .unwrap()
        .query_map([wp], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let values: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, _, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        values,
        [
            ("1", "Баннер на сайте"),
            ("2", "Отчет об опросе"),
            ("3", "Справка")
        ]
    );
    // Re-import: nothing changes.
    let audit = count(&conn, "SELECT count(*) FROM audit_log");
    let p = run(&mut conn, "spaced.txt", &bytes, &kind, &none, true).unwrap();
    assert!(!p.has_changes(), "{p:?}");
    assert_eq!(count(&conn, "SELECT count(*) FROM audit_log"), audit);
}

#[test]
fn an_uncertain_reading_asks_for_columns() {
    let (_d, mut conn) = demo();
    let kind = Kind::Workplan {
        authority: authority(&conn),
        title: None,
    };
    let bytes = std::fs::read(fixture("workplan_ambiguous.txt")).unwrap();
    let none = Options::default();
    let p = run(&mut conn, "amb.txt", &bytes, &kind, &none, false).unwrap();
    let why = p.columns_uncertain.clone().expect("uncertain");
    assert!(why.contains("--columns"), "{why}");
    let plans = count(&conn, "SELECT count(*) FROM workplan");
    let err = run(&mut conn, "amb.txt", &bytes, &kind, &none, true).unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("--columns \"№,"), "{msg}");
    assert!(msg.contains("amb.txt"), "{msg}");
    assert_eq!(count(&conn, "SELECT count(*) FROM workplan"), plans);
    // Confirmed: the second column is the measure, the third a result.
    let confirmed = Options {
        columns: Some(parse_columns("№,мероприятие,результат,исполнители").unwrap()),
    };
    let p = run(&mut conn, "amb.txt", &bytes, &kind, &confirmed, true).unwrap();
    assert!(p.applied, "{p:?}");
    let form: String = conn
        .query_row(
            "SELECT form FROM workplan_item WHERE workplan_id = (SELECT max(id) FROM workplan) AND number = '2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(form, "Подготовка анкеты для опроса");
    assert!(
        p.columns
            .iter()
            .all(|(_, _, _, why)| why == "указано в --columns")
    );
    assert_eq!(
        parse_columns("№,мероприятие,срок").unwrap(),
        [Role::Number, Role::Measure, Role::Deadline]
    );
}

#[test]
fn formula_cells_are_rejected_and_a_given_title_brings_its_year() {
    let (_d, mut conn) = demo();
    let auth = authority(&conn);
    let none = Options::default();
    // No year anywhere in the document: the title given names it.
    let doc = "Перечень мероприятий\n\n№ п/п\tМероприятие\tСрок\tИсполнитель\n1.\tРазмещение баннера\tфевраль\tИванов И.И.\n2.\tОпрос получателей услуг\tдо 1 апреля\tПетров П.П.\n";
    let untitled = Kind::Workplan {
        authority: auth.clone(),
        title: None,
    };
    let err = run(&mut conn, "t.txt", doc.as_bytes(), &untitled, &none, true).unwrap_err();
    assert!(format!("{err}").contains("--title"), "{err}");
    let titled = Kind::Workplan {
        authority: auth.clone(),
        title: Some("План на 2026 год".into()),
    };
    let p = run(&mut conn, "t.txt", doc.as_bytes(), &titled, &none, true).unwrap();
    assert!(p.applied, "{p:?}");
    let (from, to): (i32, i32) = conn
        .query_row(
            "SELECT year_from, year_to FROM workplan WHERE title = 'План на 2026 год'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((from, to), (2026, 2026));
    let due: Option<String> = conn
        .query_row(
            "SELECT deadline_due FROM workplan_item WHERE number = '2' AND workplan_id = (SELECT id FROM workplan WHERE title = 'План на 2026 год')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(due.as_deref(), Some("2026-04-01"));
    // Formula cells are rejected, named by line and column.
    let bad = "План на 2027 год\n\n№ п/п\tМероприятие\tСрок\tИсполнитель\n1.\t=HYPERLINK(\"http://x\",\"сайт\")\tмарт 2027\tИванов И.И.\n2.\tОпрос\t@SUM(A1)\tПетров П.П.\n";
    let kind = Kind::Workplan {
        authority: auth,
        title: None,
    };
    let p = run(&mut conn, "f.txt", bad.as_bytes(), &kind, &none, false).unwrap();
    let lines: Vec<(usize, &str)> = p
        .rejected
        .iter()
        .map(|r| (r.line, r.column.as_str()))
        .collect();
    assert_eq!(lines, [(4, "Мероприятие"), (5, "Срок")], "{:?}", p.rejected);
    assert!(p.rejected[0].reason.contains("формул"));
    assert!(run(&mut conn, "f.txt", bad.as_bytes(), &kind, &none, true).is_err());
}

fn plan_target(conn: &Connection) -> (i64, String) {
    let (cycle, org, inn): (i64, i64, String) = conn
        .query_row(
            "SELECT m.cycle_id, o.id, o.inn FROM membership m JOIN organization o ON o.id = m.org_id ORDER BY m.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    conn.execute(
        "DELETE FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2",
        [cycle, org],
    )
    .unwrap();
    (cycle, inn)
}

/// An improvement plan pasted without its header: the table is found by its rows; an
/// impossible date and a criterion that does not exist are named rejections.
#[test]
fn an_improvement_plan_without_header() {
    let (_d, mut conn) = demo();
    let (cycle, inn) = plan_target(&conn);
    let kind = Kind::Plan {
        cycle_id: cycle,
        org: Some(inn.clone()),
    };
    let bytes = std::fs::read(fixture("plan_noheader.txt")).unwrap();
    let none = Options::default();
    let p = run(&mut conn, "plan_noheader.txt", &bytes, &kind, &none, false).unwrap();
    assert!(p.columns_uncertain.is_none(), "{:?}", p.columns_uncertain);
    let roles: Vec<&str> = p.columns.iter().map(|(_, r, _, _)| r.as_str()).collect();
    assert_eq!(roles[0], "№", "{:?}", p.columns);
    assert!(
        roles.contains(&"срок") && roles.contains(&"исполнители"),
        "{:?}",
        p.columns
    );
    assert_eq!(p.added.len(), 2, "{p:?}");
    let rejected: Vec<(usize, &str)> = p
        .rejected
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert_eq!(rejected[0].0, 11);
    assert!(rejected[0].1.contains("31.02.2026"), "{rejected:?}");
    assert_eq!(rejected[1].0, 13);
    assert!(rejected[1].1.contains("К6"), "{rejected:?}");
    // Nothing is written while rows are rejected; with --skip-rejected the two good ones are.
    let sheet = read_bytes("plan_noheader.txt", &bytes).unwrap();
    assert!(apply_with(&mut conn, &sheet, &kind, &none, today(), false, &mut |_| {}).is_err());
    let p = apply_with(&mut conn, &sheet, &kind, &none, today(), true, &mut |_| {}).unwrap();
    assert!(p.applied);
    let rows: Vec<(String, String, String, String)> = conn
        .prepare("SELECT p.number, p.criterion, p.planned_date, p.measure FROM plan_row p JOIN organization o ON o.id = p.org_id WHERE p.cycle_id = ?1 AND o.inn = ?2 ORDER BY p.number")
        .unwrap()
        .query_map(rusqlite::params![cycle, inn], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "1.1".to_string(),
                "К1".to_string(),
                "2026-03-01".to_string(),
                "Разместить на сайте график приема граждан".to_string()
            ),
            (
                "1.2".to_string(),
                "К1".to_string(),
                "2026-03-31".to_string(),
                "Создать раздел «Часто задаваемые вопросы»".to_string()
            ),
        ]
    );
}
