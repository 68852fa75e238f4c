//! The plan of changes of an import, worked out by hand for small files: what a dry run lists
//! (added, changed field by field, left, rejected) and that it changes nothing; that the real
//! import does exactly what the plan said; that a file with a rejected row changes nothing
//! (plain SQL counts before and after); and that a streamed file longer than the reader's head
//! is matched row by row (a duplicate far down the file is found, every row counted, the lists
//! capped).

mod cli_support;
mod import_support;

use std::path::Path;

use import_support::{count, dry_run_orgs, inn, ogrn, today};
use nok::service::import::{AsRead, Change, Kind, LISTED, Options, apply_file, dry_run_file};
use rusqlite::Connection;

const HEADER: &str =
    "\u{feff}Полное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион;Адрес\r\n";

/// A database with two organizations, written by plain SQL.
fn two_orgs(path: &Path) -> Connection {
    let conn = nok::store::open(path).unwrap();
    for (n, name, address) in [
        (1, "ГБУК «Библиотека № 1»", "ул. Садовая, 1"),
        (2, "ГБУК «Музей»", "Невский пр., 2"),
    ] {
        conn.execute(
            "INSERT INTO organization (full_name, inn, kpp, ogrn, reg_num, sector, region, address)
             VALUES (?1, ?2, '781001001', ?3, ?4, 'culture', 'Санкт-Петербург', ?5)",
            rusqlite::params![name, inn(n), ogrn(n), format!("780Ж{n:04}"), address],
        )
        .unwrap();
    }
    conn
}

fn row(n: u32, name: &str, address: &str) -> String {
    format!(
        "{name};{};781001001;{};780Ж{n:04};культура;Санкт-Петербург;{address}\r\n",
        inn(n),
        ogrn(n)
    )
}

/// Everything an organizations import may touch, by plain SQL.
fn state(conn: &Connection) -> (i64, i64, String) {
    (
        count(conn, "SELECT count(*) FROM organization"),
        count(conn, "SELECT count(*) FROM audit_log"),
        conn.query_row(
            "SELECT group_concat(full_name || '|' || address || '|' || version, ';')
             FROM (SELECT * FROM organization ORDER BY id)",
            [],
            |r| r.get(0),
        )
        .unwrap(),
    )
}

#[test]
fn the_dry_run_lists_the_plan_worked_out_by_hand_and_the_import_does_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let mut conn = two_orgs(&db);
    let file = dir.path().join("orgs.csv");
    // Line 2 renames the library and moves it; line 3 repeats the museum as stored; line 4 is
    // a theatre not in the database.
    let csv = [
        HEADER.to_string(),
        row(1, "ГБУК «Библиотека № 1 им. Пушкина»", "ул. Садовая, 1А"),
        row(2, "ГБУК «Музей»", "Невский пр., 2"),
        row(3, "ГБУК «Театр»", "Литейный пр., 3"),
    ]
    .concat();
    std::fs::write(&file, &csv).unwrap();
    let before = state(&conn);

    let p = dry_run_orgs(&mut conn, &file);
    let change = |line: usize, what: String, fields: &[(&str, &str, &str)]| Change {
        line,
        what,
        fields: fields
            .iter()
            .map(|(f, a, b)| (f.to_string(), a.to_string(), b.to_string()))
            .collect(),
    };
    assert_eq!(
        p.added,
        [change(
            4,
            format!("ИНН {} КПП 781001001 «ГБУК «Театр»»", inn(3)),
            &[]
        )]
    );
    assert_eq!(
        p.changed,
        [change(
            2,
            format!(
                "ИНН {} КПП 781001001 «ГБУК «Библиотека № 1 им. Пушкина»»",
                inn(1)
            ),
            &[
                (
                    "Полное наименование",
                    "ГБУК «Библиотека № 1»",
                    "ГБУК «Библиотека № 1 им. Пушкина»"
                ),
                ("Адрес", "ул. Садовая, 1", "ул. Садовая, 1А"),
            ]
        )]
    );
    assert_eq!(
        p.left,
        [change(
            3,
            format!("ИНН {} КПП 781001001 «ГБУК «Музей»»", inn(2)),
            &[]
        )]
    );
    assert_eq!(
        (
            p.added_count(),
            p.changed_count(),
            p.unchanged,
            p.rejected_count()
        ),
        (1, 1, 1, 0)
    );
    assert!(p.rejected.is_empty() && p.as_read.1.is_empty() && !p.applied);
    assert_eq!(state(&conn), before, "a dry run changes nothing");

    // The command line prints the same plan.
    drop(conn);
    let out = cli_support::nok(
        &[
            "--db",
            db.to_str().unwrap(),
            "import",
            "orgs",
            file.to_str().unwrap(),
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
    let expected = format!(
        "будет добавлено: 1, будет изменено: 1, без изменений: 1, отклонено: 0\n\
         План изменений — добавляется:\n  строка 4: ИНН {i3} КПП 781001001 «ГБУК «Театр»»\n\
         План изменений — изменяется:\n  строка 2: ИНН {i1} КПП 781001001 «ГБУК «Библиотека № 1 им. Пушкина»»\n\
         \x20   Полное наименование: «ГБУК «Библиотека № 1»» → «ГБУК «Библиотека № 1 им. Пушкина»»\n\
         \x20   Адрес: «ул. Садовая, 1» → «ул. Садовая, 1А»\n\
         План изменений — остается без изменений:\n  строка 3: ИНН {i2} КПП 781001001 «ГБУК «Музей»»\n\
         Пробный прогон: база не изменена.\n",
        i1 = inn(1),
        i2 = inn(2),
        i3 = inn(3)
    );
    assert!(stdout.ends_with(&expected), "{stdout}\n---\n{expected}");

    // The real import does what the plan said: one insert and two field updates audited, and
    // one bulk entry.
    let mut conn = nok::store::open(&db).unwrap();
    let p = apply_file(
        &mut conn,
        &file,
        &Kind::Orgs,
        &Options::default(),
        today(),
        false,
        &mut |_| {},
    )
    .unwrap();
    assert!(p.applied);
    let (orgs, audit, rows) = state(&conn);
    assert_eq!((orgs, audit), (3, 4));
    assert_eq!(
        rows,
        "ГБУК «Библиотека № 1 им. Пушкина»|ул. Садовая, 1А|2;ГБУК «Музей»|Невский пр., 2|1;ГБУК «Театр»|Литейный пр., 3|1"
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM audit_log WHERE action = 'update' AND entity = 'organization'
             AND field IN ('Полное наименование', 'Адрес')"
        ),
        2
    );
}

#[test]
fn a_file_with_a_rejected_row_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let mut conn = two_orgs(&db);
    let file = dir.path().join("orgs.csv");
    // A good new row, a good change, then an ИНН whose check digit is wrong (line 4).
    let mut bad_inn = inn(5);
    let last = bad_inn.pop().unwrap();
    bad_inn.push(if last == '0' { '1' } else { '0' });
    let csv = [
        HEADER.to_string(),
        row(3, "ГБУК «Театр»", "Литейный пр., 3"),
        row(1, "ГБУК «Библиотека № 1 им. Пушкина»", "ул. Садовая, 1"),
        format!(
            "ГБУК «Цирк»;{bad_inn};781001001;{};780Ж0005;культура;Санкт-Петербург;Фонтанка, 3\r\n",
            ogrn(5)
        ),
    ]
    .concat();
    std::fs::write(&file, &csv).unwrap();
    let before = state(&conn);
    let e = apply_file(
        &mut conn,
        &file,
        &Kind::Orgs,
        &Options::default(),
        today(),
        false,
        &mut |_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("отклонено строк: 1; ничего не изменено"), "{e}");
    assert!(e.contains("строка 4, колонка «ИНН»"), "{e}");
    assert_eq!(state(&conn), before);
    assert_eq!(before.0, 2);
    // The temporary table of rows seen is no table of the database.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'import%'"
        ),
        0
    );
}

/// A CSV longer than the reader's head (256 KiB) is streamed: every row counted, the lists
/// capped at [`LISTED`], a duplicate far down the file named with both lines (worked out from the
/// file's layout: header on line 1, row `i` on line `i + 2`), and the same counts in the real
/// run, checked by plain SQL.
#[test]
fn a_long_file_is_streamed_and_matched_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let mut conn = two_orgs(&db);
    let file = dir.path().join("orgs.csv");
    let rows = 3000u32;
    let mut csv = HEADER.to_string();
    for i in 0..rows {
        let n = 100 + i;
        csv.push_str(&row(
            n,
            &format!("ГБУ «Учреждение культуры и отдыха № {n}»"),
            &format!("г. Санкт-Петербург, ул. Садовая, д. {n}"),
        ));
    }
    // Row 10 again at the end: line 3002 repeats line 12.
    csv.push_str(&row(
        110,
        "ГБУ «Учреждение культуры и отдыха № 110»",
        "г. Санкт-Петербург, ул. Садовая, д. 110",
    ));
    assert!(
        csv.len() > 512 * 1024,
        "longer than the head: {}",
        csv.len()
    );
    std::fs::write(&file, &csv).unwrap();
    let p = dry_run_orgs(&mut conn, &file);
    assert_eq!(p.added_count(), rows as usize);
    assert_eq!(p.added.len(), LISTED);
    assert_eq!(p.added[LISTED - 1].line, LISTED + 1);
    assert_eq!(p.rejected_count(), 1);
    assert_eq!(p.rejected[0].line, 3002);
    assert!(
        p.rejected[0].reason.contains("уже были в строке 12"),
        "{:?}",
        p.rejected
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM organization"), 2);
    let p = apply_file(
        &mut conn,
        &file,
        &Kind::Orgs,
        &Options::default(),
        today(),
        true,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!((p.added_count(), p.rejected_count()), (rows as usize, 1));
    assert_eq!(
        count(&conn, "SELECT count(*) FROM organization"),
        2 + i64::from(rows)
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM audit_log WHERE action = 'insert' AND entity = 'organization'"
        ),
        i64::from(rows)
    );
}

/// A dry run takes no write lock: while it is checking a file, another session writes and
/// commits (with no wait: a held lock would fail it at once), and the dry run still plans from
/// the database as it was when it started.
#[test]
fn another_session_writes_while_a_dry_run_checks() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let mut conn = two_orgs(&db);
    let file = dir.path().join("orgs.csv");
    let mut csv = HEADER.to_string();
    for n in 100..3100u32 {
        csv.push_str(&row(
            n,
            &format!("ГБУ «Учреждение культуры и отдыха № {n}»"),
            &format!("г. Санкт-Петербург, ул. Садовая, д. {n}"),
        ));
    }
    std::fs::write(&file, &csv).unwrap();
    let other = nok::store::open(&db).unwrap();
    other.busy_timeout(std::time::Duration::ZERO).unwrap();
    let mut written = 0;
    let p = dry_run_file(
        &mut conn,
        &file,
        &Kind::Orgs,
        &Options::default(),
        AsRead::Drop,
        today(),
        &mut |_| {
            if written == 1 {
                // Once the dry run is under way (its first progress call is before any row).
                other
                    .execute(
                        "UPDATE organization SET address = 'Невский пр., 22' WHERE inn = ?1",
                        [inn(2)],
                    )
                    .expect("another session writes during the dry run");
            }
            written += 1;
        },
    )
    .unwrap();
    assert!(written > 2, "progress was reported while checking");
    assert_eq!((p.added_count(), p.rejected_count()), (3000, 0));
    assert_eq!(
        other
            .query_row(
                "SELECT address FROM organization WHERE inn = ?1",
                [inn(2)],
                |r| r.get::<_, String>(0)
            )
            .unwrap(),
        "Невский пр., 22"
    );
}

/// One organization — one row, also when two rows reach one stored organization by different
/// identifiers, or when a row names a code that a row above took away from an organization: the
/// dry run (which reads only) plans exactly what the import does, worked out by hand.
#[test]
fn rows_meeting_what_a_row_above_changed_are_planned_as_the_import_does_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let mut conn = two_orgs(&db);
    let file = dir.path().join("orgs.csv");
    // Line 2: the library (by ИНН+КПП) gets a new code 780Ж0101 (its old 780Ж0001 is freed).
    // Line 3: the library again, by its new code and no КПП: a second row of one organization.
    // Line 4: a new organization with the freed code 780Ж0001: rejected (it named the library
    //         before the import, nothing after line 2).
    // Line 5: the museum, unchanged.
    let csv = [
        HEADER.to_string(),
        format!(
            "ГБУК «Библиотека № 1»;{};781001001;{};780Ж0101;культура;Санкт-Петербург;ул. Садовая, 1\r\n",
            inn(1),
            ogrn(1)
        ),
        format!(
            "ГБУК «Библиотека № 1»;{};;{};780Ж0101;культура;Санкт-Петербург;ул. Садовая, 5\r\n",
            inn(1),
            ogrn(1)
        ),
        format!(
            "ГБУК «Театр»;{};781001001;{};780Ж0001;культура;Санкт-Петербург;Литейный пр., 3\r\n",
            inn(3),
            ogrn(3)
        ),
        row(2, "ГБУК «Музей»", "Невский пр., 2"),
    ]
    .concat();
    std::fs::write(&file, &csv).unwrap();
    let before = state(&conn);
    let dry = dry_run_orgs(&mut conn, &file);
    assert_eq!(state(&conn), before);
    let lines = |p: &nok::service::import::Preview| {
        (
            p.added.iter().map(|c| c.line).collect::<Vec<_>>(),
            p.changed.iter().map(|c| c.line).collect::<Vec<_>>(),
            p.left.iter().map(|c| c.line).collect::<Vec<_>>(),
            p.rejected.iter().map(|r| r.line).collect::<Vec<_>>(),
        )
    };
    assert_eq!(lines(&dry), (vec![], vec![2], vec![5], vec![3, 4]));
    assert!(
        dry.rejected[0]
            .reason
            .contains("780Ж0101 уже был в строке 2"),
        "{dry:?}"
    );
    assert!(
        dry.rejected[1]
            .reason
            .contains("код 780Ж0001 был у организации, которой строка 2 дала другой код"),
        "{dry:?}"
    );
    let real = apply_file(
        &mut conn,
        &file,
        &Kind::Orgs,
        &Options::default(),
        today(),
        true,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(lines(&real), lines(&dry));
    assert_eq!(real.rejected, dry.rejected);
    assert_eq!(real.changed, dry.changed);
    assert_eq!(
        conn.query_row(
            "SELECT group_concat(reg_num || '|' || address, ';') FROM (SELECT * FROM organization ORDER BY id)",
            [],
            |r| r.get::<_, String>(0)
        )
        .unwrap(),
        "780Ж0101|ул. Садовая, 1;780Ж0002|Невский пр., 2"
    );
}
