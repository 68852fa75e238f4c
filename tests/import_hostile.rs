//! Hostile and awkward files for `nok import orgs|inputs|plan` (issue 13), each with its outcome
//! worked out by hand: control characters in every reader, identifiers that point at different
//! organizations, a sector changed under cycles, absurd and impossible inputs, plan numbers that
//! name no criterion, many unknown columns, UTF-16 without a BOM, `|`-separated files, a database
//! held by another writer, dates in the dry run. Rows are counted by plain SQL before and after,
//! and a failed import must leave the database as it was.

mod cli_support;
mod import_support;

use std::path::Path;

use import_support::{count, demo, inn, ogrn, today, xlsx};
use nok::exchange::import::{Format, ReadError, read_bytes};
use nok::service::import::{BUSY_RU, Kind, Preview, apply, dry_run};
use rusqlite::Connection;

/// Everything an import may touch, as one text: equal before and after means unchanged.
fn digest(conn: &Connection) -> String {
    [
        "SELECT count(*) || ':' || total(version) || ':' || group_concat(full_name || inn || kpp || ogrn || reg_num || sector, '') FROM organization",
        "SELECT count(*) || ':' || total(version) || ':' || group_concat(criterion || number, '') FROM plan_row",
        "SELECT count(*) || ':' || total(value) FROM indicator_input",
        "SELECT count(*) FROM membership",
        "SELECT count(*) FROM audit_log",
        "SELECT total(scores_stale) FROM cycle",
    ]
    .iter()
    .map(|sql| {
        conn.query_row(&format!("SELECT CAST(({sql}) AS TEXT)"), [], |r| {
            r.get::<_, String>(0)
        })
        .unwrap()
    })
    .collect::<Vec<_>>()
    .join("|")
}

const ORGS_HEADER: &str = "Полное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион";

/// One organization row of [`ORGS_HEADER`].
fn org_row(name: &str, inn: &str, kpp: &str, ogrn: &str, reg: &str, sector: &str) -> String {
    format!("\"{name}\";{inn};{kpp};{ogrn};{reg};{sector};Санкт-Петербург")
}

fn run(conn: &mut Connection, name: &str, bytes: &[u8], kind: &Kind) -> anyhow::Result<Preview> {
    let sheet = read_bytes(name, bytes)?;
    apply(conn, &sheet, kind, today(), false, &mut |_| {})
}

fn run_skipping(conn: &mut Connection, name: &str, bytes: &[u8], kind: &Kind) -> Preview {
    let sheet = read_bytes(name, bytes).unwrap();
    apply(conn, &sheet, kind, today(), true, &mut |_| {}).unwrap()
}

fn preview(conn: &mut Connection, name: &str, bytes: &[u8], kind: &Kind) -> Preview {
    let sheet = read_bytes(name, bytes).unwrap();
    dry_run(conn, &sheet, kind, today(), &mut |_| {}).unwrap()
}

fn cells(line: &str) -> Vec<String> {
    line.split(';')
        .map(|c| c.trim_matches('"').to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1. Control characters: one rule in every reader.

#[test]
fn control_characters_are_refused_the_same_way_by_every_reader() {
    let (_d, mut conn) = demo();
    let before = digest(&conn);
    let orgs_before = count(&conn, "SELECT count(*) FROM organization");
    // ESC ] 0 ; … BEL retitles a terminal; ESC [ 2 J clears it; U+009B is the one-character CSI;
    // U+202E reverses the text shown after it.
    let names = [
        ("\u{1b}]0;взлом\u{7}ГБУК «Библиотека»", "U+001B"),
        ("ГБУК «Библиотека»\u{7}", "U+0007"),
        ("ГБУК \u{9b}2J «Библиотека»", "U+009B"),
        ("ГБУК «\u{202e}акетоилбиБ»", "U+202E"),
    ];
    for (i, (name, code)) in names.iter().enumerate() {
        let row = org_row(
            name,
            &inn(970 + i as u32),
            "781001001",
            &ogrn(970 + i as u32),
            &format!("780Ж{:04}", 970 + i),
            "культура",
        );
        // The same row three ways: CSV (UTF-8), xlsx, tab text (as copied from a document).
        let csv = format!("{ORGS_HEADER}\r\n{row}\r\n");
        let book = xlsx(&[cells(ORGS_HEADER), cells(&row)]);
        let tab = format!(
            "{}\n{}\n",
            ORGS_HEADER.replace(';', "\t"),
            row.replace(';', "\t").replace('"', "")
        );
        for (file, bytes) in [
            ("o.csv", csv.into_bytes()),
            ("o.xlsx", book),
            ("o.txt", tab.into_bytes()),
        ] {
            let err = read_bytes(file, &bytes).expect_err(file);
            match &err {
                ReadError::ControlChar {
                    file: f,
                    line,
                    column,
                    code: c,
                    ..
                } => assert_eq!(
                    (f.as_str(), *line, *column, c.as_str()),
                    (file, 2, 1, *code),
                    "{err}"
                ),
                other => panic!("{file}: {other}"),
            }
            let msg = err.to_string();
            assert!(msg.contains("строка 2, колонка 1"), "{msg}");
            // The message itself carries no control character.
            assert!(!msg.chars().any(char::is_control), "{msg:?}");
            assert!(run(&mut conn, file, &bytes, &Kind::Orgs).is_err());
        }
    }
    assert_eq!(
        count(&conn, "SELECT count(*) FROM organization"),
        orgs_before
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM organization WHERE full_name GLOB '*[\u{1}-\u{1f}\u{7f}]*'"
        ),
        0
    );
    assert_eq!(digest(&conn), before);
}

#[test]
fn an_xlsx_escape_in_ooxml_notation_is_refused_too() {
    // Excel writes a control character in a cell as _x001B_, and calamine turns it back into
    // ESC: refused like a raw one.
    let row = vec![
        "ГБУК _x001B_[31m «Музей»".to_string(),
        inn(980),
        "781001001".into(),
        ogrn(980),
        "780Ж0980".into(),
        "культура".into(),
        "Санкт-Петербург".into(),
    ];
    let book = xlsx(&[cells(ORGS_HEADER), row]);
    match read_bytes("o.xlsx", &book) {
        Err(ReadError::ControlChar {
            line, column, code, ..
        }) => assert_eq!((line, column, code.as_str()), (2, 1, "U+001B")),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Identifiers that point at different organizations; a sector changed under cycles.

struct Org {
    id: i64,
    name: String,
    inn: String,
    kpp: String,
    ogrn: String,
    reg: String,
    sector: String,
}

fn orgs_in_cycles(conn: &Connection) -> Vec<Org> {
    conn.prepare(
        "SELECT id, full_name, inn, kpp, ogrn, reg_num, sector FROM organization o
         WHERE EXISTS (SELECT 1 FROM membership m WHERE m.org_id = o.id) AND ogrn <> ''
         ORDER BY id LIMIT 2",
    )
    .unwrap()
    .query_map([], |r| {
        Ok(Org {
            id: r.get(0)?,
            name: r.get(1)?,
            inn: r.get(2)?,
            kpp: r.get(3)?,
            ogrn: r.get(4)?,
            reg: r.get(5)?,
            sector: r.get(6)?,
        })
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn stored(conn: &Connection, id: i64) -> String {
    conn.query_row(
        "SELECT full_name || '|' || inn || '|' || kpp || '|' || ogrn || '|' || reg_num || '|' || sector || '|' || version FROM organization WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .unwrap()
}

fn sector_ru(code: &str) -> &'static str {
    match code {
        "social" => "социальное обслуживание",
        "health" => "охрана здоровья",
        "culture" => "культура",
        _ => "образование",
    }
}

#[test]
fn a_row_whose_identifiers_name_two_organizations_is_rejected_naming_both() {
    let (_d, mut conn) = demo();
    let two = orgs_in_cycles(&conn);
    let (a, b) = (&two[0], &two[1]);
    let before = digest(&conn);
    let (a_before, b_before) = (stored(&conn, a.id), stored(&conn, b.id));
    let orgs = count(&conn, "SELECT count(*) FROM organization");
    let cases = [
        // The finding of issue 13: a new ИНН with B's regNum rewrote B.
        (
            "new-inn-old-regnum",
            org_row(
                "Новая",
                &inn(990),
                "781001001",
                &ogrn(990),
                &b.reg,
                "культура",
            ),
            vec![
                b.name.as_str(),
                b.inn.as_str(),
                b.reg.as_str(),
                "ИНН организации не меняется",
            ],
        ),
        // A's ИНН+КПП with B's regNum.
        (
            "a-key-b-code",
            org_row(&a.name, &a.inn, &a.kpp, "", &b.reg, ""),
            vec![
                a.name.as_str(),
                b.name.as_str(),
                a.inn.as_str(),
                b.inn.as_str(),
            ],
        ),
        // A new organization with A's ОГРН.
        (
            "new-with-a-ogrn",
            org_row(
                "Новая",
                &inn(991),
                "781001001",
                &a.ogrn,
                "780Ж0991",
                "культура",
            ),
            vec![a.name.as_str(), a.ogrn.as_str(), "ОГРН"],
        ),
    ];
    for (file, row, named) in cases {
        let csv = format!("{ORGS_HEADER}\n{row}\n");
        let err = run(&mut conn, file, csv.as_bytes(), &Kind::Orgs)
            .expect_err(file)
            .to_string();
        for n in named {
            assert!(err.contains(n), "{file}: «{n}» not in {err}");
        }
        assert!(err.contains(&format!("{file}, строка 2")), "{err}");
        assert_eq!(digest(&conn), before, "{file}");
    }
    // Two new rows of the file with one ОГРН and two ИНН: the second is rejected.
    let csv = format!(
        "{ORGS_HEADER}\n{}\n{}\n",
        org_row(
            "Первая",
            &inn(992),
            "781001001",
            &ogrn(992),
            "780Ж0992",
            "культура"
        ),
        org_row(
            "Вторая",
            &inn(993),
            "781001001",
            &ogrn(992),
            "780Ж0993",
            "культура"
        ),
    );
    let p = preview(&mut conn, "same-ogrn.csv", csv.as_bytes(), &Kind::Orgs);
    assert_eq!((p.added.len(), p.rejected.len()), (1, 1), "{p:?}");
    assert_eq!(p.rejected[0].line, 3);
    assert!(p.rejected[0].reason.contains("«Первая»"), "{p:?}");
    assert_eq!(
        (stored(&conn, a.id), stored(&conn, b.id)),
        (a_before, b_before)
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM organization"), orgs);
    assert_eq!(digest(&conn), before);

    // Not a conflict: B's own ИНН and regNum with a new КПП (the organization moved to another
    // tax office) changes B's КПП and nothing else.
    let csv = format!(
        "{ORGS_HEADER}\n{};{};781101001;;{};;\n",
        b.name, b.inn, b.reg
    );
    let p = run(&mut conn, "kpp.csv", csv.as_bytes(), &Kind::Orgs).unwrap();
    assert_eq!((p.added.len(), p.changed.len()), (0, 1), "{p:?}");
    assert_eq!(
        p.changed[0].fields,
        vec![("КПП".to_string(), b.kpp.clone(), "781101001".to_string())]
    );
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM organization WHERE id = {} AND kpp = '781101001' AND inn = '{}'",
                b.id, b.inn
            )
        ),
        1
    );
}

#[test]
fn the_sector_of_an_organization_in_cycles_is_not_changed_by_an_import() {
    let (_d, mut conn) = demo();
    let a = &orgs_in_cycles(&conn)[0];
    let cycles = count(
        &conn,
        &format!("SELECT count(*) FROM membership WHERE org_id = {}", a.id),
    );
    assert!(cycles > 0);
    let other = if a.sector == "culture" {
        "образование"
    } else {
        "культура"
    };
    let before = digest(&conn);
    let csv = format!(
        "{ORGS_HEADER}\n{}\n",
        org_row(&a.name, &a.inn, &a.kpp, "", &a.reg, other)
    );
    let err = run(&mut conn, "sector.csv", csv.as_bytes(), &Kind::Orgs)
        .unwrap_err()
        .to_string();
    assert!(err.contains("колонка «Сфера»"), "{err}");
    let (first_cycle, year): (i64, i64) = conn
        .query_row(
            "SELECT c.id, c.year FROM membership m JOIN cycle c ON c.id = m.cycle_id
             WHERE m.org_id = ?1 ORDER BY c.year, c.id LIMIT 1",
            [a.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        err.contains(&format!("циклах {first_cycle} ({year})")),
        "{err}"
    );
    assert!(err.contains(&a.name), "{err}");
    assert!(
        err.contains(sector_ru(&a.sector)) && err.contains(other),
        "{err}"
    );
    assert_eq!(digest(&conn), before);
    // check-db has nothing to complain about afterwards.
    let findings = nok::service::check::check(&conn).unwrap();
    assert!(
        !findings.iter().any(|f| f.text.contains("другой сфере")),
        "{findings:?}"
    );

    // An organization in no cycle may change its sector.
    let add = format!(
        "{ORGS_HEADER}\n{}\n",
        org_row(
            "ГБУК «Новая»",
            &inn(995),
            "781001001",
            &ogrn(995),
            "780Ж0995",
            "культура"
        )
    );
    run(&mut conn, "new.csv", add.as_bytes(), &Kind::Orgs).unwrap();
    let change = add.replace(";культура;", ";образование;");
    let p = run(&mut conn, "new2.csv", change.as_bytes(), &Kind::Orgs).unwrap();
    assert_eq!(
        p.changed[0].fields,
        vec![(
            "Сфера".to_string(),
            "culture".to_string(),
            "education".to_string()
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Absurd and impossible inputs.

/// The first member of a cycle: (cycle, inn, kpp, membership).
fn member(conn: &Connection) -> (i64, String, String, i64) {
    conn.query_row(
        "SELECT m.cycle_id, o.inn, o.kpp, m.id FROM membership m JOIN organization o ON o.id = m.org_id ORDER BY m.id LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .unwrap()
}

fn input(conn: &Connection, membership: i64, key: &str) -> Option<f64> {
    conn.query_row(
        "SELECT i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id WHERE i.membership_id = ?1 AND k.key = ?2",
        rusqlite::params![membership, key],
        |r| r.get(0),
    )
    .ok()
}

#[test]
fn absurd_and_impossible_inputs_are_rejected_rows_naming_the_field() {
    let (_d, mut conn) = demo();
    let (cycle, inn, kpp, m) = member(&conn);
    let kind = Kind::Inputs { cycle_id: cycle };
    let before = digest(&conn);
    let inputs_before = count(&conn, "SELECT count(*) FROM indicator_input");
    let asked = input(&conn, m, "4.1.asked").expect("the demo has 4.1.asked");
    // (cell of 4.1.asked, reason expected) — a count.
    let bad = [
        ("1e308", "больше 10 000 000"),
        ("10000001", "больше 10 000 000"),
        ("-1", "отрицательное"),
        ("2,5", "не целое"),
        ("1e400", "не число"),
        ("inf", "не число"),
        ("NaN", "не число"),
    ];
    for (value, why) in bad {
        let csv = format!("ИНН;КПП;4.1.asked\n{inn};{kpp};{value}\n");
        let err = run(&mut conn, "in.csv", csv.as_bytes(), &kind)
            .expect_err(value)
            .to_string();
        assert!(
            err.contains("in.csv, строка 2, колонка «4.1.asked»") && err.contains(why),
            "{value}: {err}"
        );
        assert_eq!(digest(&conn), before, "{value}");
    }
    // The same from a workbook: a numeric cell 1E+308 (all its 309 digits), and the text 1E+308.
    for (cell, file) in [("число:1E+308", "num.xlsx"), ("1E+308", "text.xlsx")] {
        let book = xlsx(&[
            vec!["ИНН".into(), "КПП".into(), "4.1.asked".into()],
            vec![inn.clone(), kpp.clone(), cell.into()],
        ]);
        let err = run(&mut conn, file, &book, &kind)
            .expect_err(file)
            .to_string();
        assert!(
            err.contains(&format!("{file}, строка 2, колонка «4.1.asked»"))
                && err.contains("больше 10 000 000"),
            "{err}"
        );
        assert!(err.chars().count() < 600, "the value is shortened: {err}");
    }
    assert_eq!(digest(&conn), before);
    // An entered value (points, health only) above 100.
    let (health_cycle, h_inn, h_kpp): (i64, String, String) = conn
        .query_row(
            "SELECT m.cycle_id, o.inn, o.kpp FROM membership m JOIN organization o ON o.id = m.org_id
             JOIN cycle c ON c.id = m.cycle_id WHERE c.sector = 'health' ORDER BY m.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let csv = format!("ИНН;КПП;2.2.waiting_points\n{h_inn};{h_kpp};100,5\n");
    let err = run(
        &mut conn,
        "pts.csv",
        csv.as_bytes(),
        &Kind::Inputs {
            cycle_id: health_cycle,
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("колонка «2.2.waiting_points»") && err.contains("0–100"),
        "{err}"
    );
    assert_eq!(digest(&conn), before);

    // yes > asked in one row: rejected at 4.1.yes, naming 4.1.asked.
    let csv = format!("ИНН;КПП;4.1.yes;4.1.asked\n{inn};{kpp};12;10\n");
    let err = run(&mut conn, "yes.csv", csv.as_bytes(), &kind)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("yes.csv, строка 2, колонка «4.1.yes»") && err.contains("4.1.asked"),
        "{err}"
    );
    // yes above the stored asked: the stored value is named as such.
    let csv = format!("ИНН;КПП;4.1.yes\n{inn};{kpp};{}\n", asked as i64 + 1);
    let err = run(&mut conn, "yes2.csv", csv.as_bytes(), &kind)
        .unwrap_err()
        .to_string();
    assert!(err.contains("из базы"), "{err}");
    // asked lowered below the stored yes.
    let yes = input(&conn, m, "4.1.yes").unwrap();
    if yes >= 1.0 {
        let csv = format!("ИНН;КПП;4.1.asked\n{inn};{kpp};{}\n", yes as i64 - 1);
        let err = run(&mut conn, "asked.csv", csv.as_bytes(), &kind)
            .unwrap_err()
            .to_string();
        assert!(err.contains("колонка «4.1.asked»"), "{err}");
    }
    assert_eq!(digest(&conn), before);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM indicator_input"),
        inputs_before
    );

    // Legitimate edges pass: ten million asked, and an empty group (0 of 0) left to scoring.
    let csv = format!("ИНН;КПП;4.1.asked;4.3.yes;4.3.asked\n{inn};{kpp};10000000;0;0\n");
    let p = run(&mut conn, "ok.csv", csv.as_bytes(), &kind).unwrap();
    assert!(p.rejected.is_empty(), "{p:?}");
    assert_eq!(input(&conn, m, "4.1.asked"), Some(10_000_000.0));
    assert_eq!(input(&conn, m, "4.3.asked"), Some(0.0));
}

// ---------------------------------------------------------------------------------------------
// 4. Plan numbers that name no criterion; numbers that are no numbers.

/// A member organization of a cycle with its plan rows removed: (cycle, inn, org id).
fn plan_target(conn: &Connection) -> (i64, String, i64) {
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
    (cycle, inn, org)
}

#[test]
fn plan_rows_of_criteria_that_do_not_exist_are_rejected_and_check_db_finds_stored_ones() {
    let (_d, mut conn) = demo();
    let (cycle, inn, org) = plan_target(&conn);
    let kind = Kind::Plan {
        cycle_id: cycle,
        org: Some(inn.clone()),
    };
    let text = "№ п/п\tНаименование мероприятия\tПлановый срок реализации\tОтветственный исполнитель\n\
                1.1\tРазместить часы приема\t31.03.2026\tИванова А.П., директор\n\
                6.1\tНесуществующий критерий\t31.03.2026\tИванова А.П., директор\n\
                9.2\tЕще один\t31.03.2026\tИванова А.П., директор\n\
                abc\tСовещание\t31.03.2026\tИванова А.П., директор\n\
                5.2\tАнкета\t31.12.2026\tПетров О.Ю., заместитель\n\
                VI. Прочее\n\
                1\tВне критериев\t31.03.2026\tПетров О.Ю., заместитель\n\
                Итого\n";
    let before = digest(&conn);
    let err = run(&mut conn, "plan.txt", text.as_bytes(), &kind)
        .unwrap_err()
        .to_string();
    assert_eq!(digest(&conn), before);
    for expect in [
        "plan.txt, строка 3, колонка «№ п/п»: пункт 6.1: критерия К6 в методике нет",
        "plan.txt, строка 4, колонка «№ п/п»: пункт 9.2: критерия К9",
        "plan.txt, строка 5, колонка «№ п/п»: «abc» — не номер пункта",
        "plan.txt, строка 8, колонка «№ п/п»: раздел VI: критерия К6",
    ] {
        assert!(err.contains(expect), "«{expect}» not in {err}");
    }
    assert!(err.contains("отклонено строк: 4"), "{err}");
    // With --skip-rejected: the two good rows (1.1 → К1, 5.2 → К5), counted by SQL.
    let p = run_skipping(&mut conn, "plan.txt", text.as_bytes(), &kind);
    assert_eq!((p.added.len(), p.rejected.len()), (2, 4), "{p:?}");
    assert_eq!(p.notes, ["строка 9 пропущена: «Итого»"]);
    let rows: Vec<(String, String)> = conn
        .prepare("SELECT number, criterion FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2 ORDER BY number")
        .unwrap()
        .query_map([cycle, org], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        rows,
        [
            ("1.1".to_string(), "К1".to_string()),
            ("5.2".to_string(), "К5".to_string())
        ]
    );

    // check-db: sound now; a row stored with К6 (an older import) is an error naming it.
    let findings = |conn: &Connection| -> Vec<String> {
        nok::service::check::check(conn)
            .unwrap()
            .into_iter()
            .map(|f| f.text)
            .filter(|t| t.contains("строка плана"))
            .collect()
    };
    assert_eq!(findings(&conn), Vec::<String>::new());
    conn.execute(
        "UPDATE plan_row SET number = '6.1', criterion = 'К6' WHERE cycle_id = ?1 AND org_id = ?2 AND number = '5.2'",
        [cycle, org],
    )
    .unwrap();
    let found = findings(&conn);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains(&format!("цикл {cycle}"))
            && found[0].contains("6.1")
            && found[0].contains("К6"),
        "{found:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 5. Many unknown columns.

#[test]
fn nine_unknown_columns_are_named_not_fatal() {
    let (_d, mut conn) = demo();
    let unknown = [
        "Примечание",
        "Статус",
        "Куратор",
        "Источник",
        "Комментарий",
        "Отметка",
        "Замечания",
        "Проверено",
        "Поле 9",
        "Поле 10",
    ];
    let header = format!("{ORGS_HEADER};{}", unknown.join(";"));
    let row = format!(
        "{};{}",
        org_row(
            "ГБУК «Архив»",
            &inn(996),
            "781001001",
            &ogrn(996),
            "780Ж0996",
            "культура"
        ),
        vec!["x"; unknown.len()].join(";")
    );
    let csv = format!("{header}\n{row}\n");
    let orgs = count(&conn, "SELECT count(*) FROM organization");
    let p = run(&mut conn, "wide.csv", csv.as_bytes(), &Kind::Orgs).unwrap();
    assert_eq!(p.added.len(), 1, "{p:?}");
    let named: Vec<&str> = p
        .unknown_columns
        .iter()
        .map(|(_, _, t)| t.as_str())
        .collect();
    assert_eq!(named, unknown);
    assert_eq!(p.unknown_columns[0].1, 8, "column numbers count from 1");
    assert_eq!(count(&conn, "SELECT count(*) FROM organization"), orgs + 1);
}

// ---------------------------------------------------------------------------------------------
// 6. UTF-16 without a BOM, `|` and other delimiters.

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

#[test]
fn utf16_without_a_bom_and_pipe_separated_files_are_read() {
    let csv = |n: u32, delimiter: &str| {
        format!(
            "{}\r\n{}\r\n",
            ORGS_HEADER.replace(';', delimiter),
            org_row(
                "ГБУК «Дом культуры, клуб»",
                &inn(n),
                "781001001",
                &ogrn(n),
                &format!("780Ж{n:04}"),
                "культура"
            )
            .replace(';', delimiter)
        )
    };
    // (file, bytes, format expected)
    let files = [
        (
            "le.csv",
            utf16(&csv(981, ";"), false),
            Format::Csv {
                delimiter: ';',
                encoding: "UTF-16 LE без BOM",
            },
        ),
        (
            "be.csv",
            utf16(&csv(982, ";"), true),
            Format::Csv {
                delimiter: ';',
                encoding: "UTF-16 BE без BOM",
            },
        ),
        (
            "le-tab.txt",
            utf16(&csv(983, "\t").replace('"', ""), false),
            Format::Pasted {
                encoding: "UTF-16 LE без BOM",
            },
        ),
        (
            "pipe.csv",
            csv(984, "|").into_bytes(),
            Format::Csv {
                delimiter: '|',
                encoding: "UTF-8",
            },
        ),
        (
            "pipe-1251.csv",
            encoding_rs::WINDOWS_1251
                .encode(&csv(985, "|"))
                .0
                .into_owned(),
            Format::Csv {
                delimiter: '|',
                encoding: "Windows-1251",
            },
        ),
        (
            "pipe-le.csv",
            utf16(&csv(986, "|"), false),
            Format::Csv {
                delimiter: '|',
                encoding: "UTF-16 LE без BOM",
            },
        ),
    ];
    let (_d, mut conn) = demo();
    for (i, (file, bytes, format)) in files.into_iter().enumerate() {
        let sheet = read_bytes(file, &bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(sheet.format, format, "{file}");
        assert_eq!(
            sheet.rows.iter().filter(|r| !r.is_blank()).count(),
            2,
            "{file}"
        );
        assert_eq!(
            sheet.rows[1].cells[0], "ГБУК «Дом культуры, клуб»",
            "{file}"
        );
        let p = run(&mut conn, file, &bytes, &Kind::Orgs).unwrap();
        assert_eq!(p.added.len(), 1, "{file}: {p:?}");
        let n = 981 + i as u32;
        assert_eq!(
            count(
                &conn,
                &format!(
                    "SELECT count(*) FROM organization WHERE inn = '{}' AND full_name = 'ГБУК «Дом культуры, клуб»'",
                    inn(n)
                )
            ),
            1,
            "{file}"
        );
    }
    // A UTF-16 file cut in the middle of a code unit is damaged, not binary.
    let mut cut = utf16(&csv(987, ";"), false);
    cut.pop();
    assert!(read_bytes("cut.csv", &cut).is_err());
}

// ---------------------------------------------------------------------------------------------
// 7. Another writer holds the database.

#[test]
fn a_locked_database_is_said_in_russian_and_nothing_changes() {
    let (dir, conn) = demo();
    drop(conn);
    let path = dir.path().join("d.sqlite");
    let holder = Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut conn = Connection::open(&path).unwrap();
    conn.busy_timeout(std::time::Duration::from_millis(200))
        .unwrap();
    let before = digest(&conn);
    let csv = format!(
        "{ORGS_HEADER}\n{}\n",
        org_row(
            "ГБУК «Занято»",
            &inn(997),
            "781001001",
            &ogrn(997),
            "780Ж0997",
            "культура"
        )
    );
    let err = run(&mut conn, "busy.csv", csv.as_bytes(), &Kind::Orgs)
        .unwrap_err()
        .to_string();
    assert_eq!(err, BUSY_RU);
    assert!(!err.contains("locked"), "{err}");
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(digest(&conn), before);
}

#[test]
fn the_cli_import_waits_for_another_writer_and_says_so() {
    let (dir, conn) = demo();
    drop(conn);
    let path = dir.path().join("d.sqlite");
    let file = dir.path().join("o.csv");
    std::fs::write(
        &file,
        format!(
            "{ORGS_HEADER}\n{}\n",
            org_row(
                "ГБУК «Ожидание»",
                &inn(998),
                "781001001",
                &ogrn(998),
                "780Ж0998",
                "культура"
            )
        ),
    )
    .unwrap();
    let holder = Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(3));
        holder.execute_batch("COMMIT").unwrap();
    });
    let out = cli_support::nok(
        &[
            "--db",
            path.to_str().unwrap(),
            "import",
            "orgs",
            file.to_str().unwrap(),
        ],
        dir.path(),
    );
    release.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("база занята: в нее пишет другой пользователь"),
        "{stderr}"
    );
    let conn = Connection::open(&path).unwrap();
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM organization WHERE inn = '{}'",
                inn(998)
            )
        ),
        1
    );
}

// ---------------------------------------------------------------------------------------------
// 8. Dates in the dry run.

#[test]
fn the_dry_run_shows_dates_as_people_write_them() {
    let (dir, mut conn) = demo();
    let (cycle, inn, _) = plan_target(&conn);
    let kind = Kind::Plan {
        cycle_id: cycle,
        org: Some(inn.clone()),
    };
    let plan = |date: &str| {
        format!(
            "№ п/п\tНаименование мероприятия\tПлановый срок реализации\tОтветственный исполнитель\n\
             1.1\tРазместить часы приема\t{date}\tИванова А.П., директор\n"
        )
    };
    run(&mut conn, "p.txt", plan("21.12.2026").as_bytes(), &kind).unwrap();
    drop(conn);
    let file = dir.path().join("p2.txt");
    std::fs::write(&file, plan("IV квартал 2027 г.")).unwrap();
    let db = dir.path().join("d.sqlite");
    let cycle = cycle.to_string();
    let out = cli_support::nok(
        &[
            "--db",
            db.to_str().unwrap(),
            "--today",
            "22.11.2026",
            "import",
            "plan",
            file.to_str().unwrap(),
            "--cycle",
            &cycle,
            "--org",
            &inn,
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
    assert!(
        stdout.contains("Плановый срок: «21.12.2026» → «31.12.2027»"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("2026-12-21") && !stdout.contains("2027-12-31"),
        "{stdout}"
    );
}

#[test]
fn the_cli_names_unknown_columns_in_the_dry_run_and_the_summary() {
    let (dir, conn) = demo();
    drop(conn);
    let db = dir.path().join("d.sqlite");
    let file = dir.path().join("wide.csv");
    let extra: Vec<String> = (1..=9).map(|i| format!("Лишняя {i}")).collect();
    std::fs::write(
        &file,
        format!(
            "{ORGS_HEADER};{}\n{};{}\n",
            extra.join(";"),
            org_row(
                "ГБУК «Широкая»",
                &inn(999),
                "781001001",
                &ogrn(999),
                "780Ж0999",
                "культура"
            ),
            [""; 9].join(";")
        ),
    )
    .unwrap();
    for dry in [true, false] {
        let mut args = vec![
            "--db",
            db.to_str().unwrap(),
            "import",
            "orgs",
            file.to_str().unwrap(),
        ];
        if dry {
            args.push("--dry-run");
        }
        let out = cli_support::nok(&args, dir.path());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for (i, name) in extra.iter().enumerate() {
            assert!(
                stdout.contains(&format!("неизвестная колонка {} «{name}»", 8 + i)),
                "{stdout}"
            );
        }
    }
    let conn = Connection::open(Path::new(&db)).unwrap();
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM organization WHERE inn = '{}'",
                inn(999)
            )
        ),
        1
    );
}
