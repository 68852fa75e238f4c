//! Imports end to end over a small demo database: organizations (CSV in UTF-8 and
//! Windows-1251, xlsx), inputs, an improvement plan and an authority plan from text pasted from
//! documents, the seed documents of ../shared, and broken files that must change nothing.

mod import_support;

use std::path::{Path, PathBuf};

use import_support::{demo, dry_run_orgs, inn, ogrn, today, xlsx};
use nok::exchange::import::read_bytes;
use nok::service::import::{Kind, Preview, apply, dry_run};
use rusqlite::Connection;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// A fingerprint of everything an import may touch.
fn digest(conn: &Connection) -> String {
    let q = |sql: &str| -> String {
        conn.query_row(&format!("SELECT CAST(({}) AS TEXT)", sql), [], |r| {
            r.get::<_, String>(0)
        })
        .unwrap()
    };
    [
        "SELECT count(*) || ':' || total(version) || ':' || group_concat(full_name || reg_num, '') FROM organization",
        "SELECT count(*) || ':' || total(version) FROM plan_row",
        "SELECT count(*) || ':' || total(value) FROM indicator_input",
        "SELECT count(*) FROM membership",
        "SELECT count(*) FROM workplan",
        "SELECT count(*) || ':' || total(version) FROM workplan_item",
        "SELECT count(*) FROM target_indicator",
        "SELECT count(*) FROM audit_log",
        "SELECT total(scores_stale) FROM cycle",
    ]
    .iter()
    .map(|s| q(s))
    .collect::<Vec<_>>()
    .join("|")
}

fn orgs_csv(names: &[&str]) -> String {
    let mut s = String::from(
        "\u{feff}Полное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион;Сайт;Лишняя колонка\r\n",
    );
    for (i, name) in names.iter().enumerate() {
        let n = 900 + i as u32;
        s.push_str(&format!(
            "\"{name}\";{};781001001;{};780Ж{n:04};культура;Санкт-Петербург;https://x{n}.ru;что-то\r\n",
            inn(n),
            ogrn(n)
        ));
    }
    s
}

fn run(conn: &mut Connection, name: &str, bytes: &[u8], kind: &Kind) -> anyhow::Result<Preview> {
    let sheet = read_bytes(name, bytes)?;
    apply(conn, &sheet, kind, today(), false, &mut |_| {})
}

#[test]
fn orgs_import_then_reimport_changes_nothing() {
    let (_d, mut conn) = demo();
    let csv = orgs_csv(&["ГБУК «Библиотека № 1»", "ГБУК «Музей; история»"]);
    let p = run(&mut conn, "orgs.csv", csv.as_bytes(), &Kind::Orgs).unwrap();
    assert_eq!(
        (p.added.len(), p.changed.len(), p.rejected.len()),
        (2, 0, 0),
        "{p:?}"
    );
    assert_eq!(
        p.unknown_columns,
        vec![(1, 9, "Лишняя колонка".to_string())]
    );
    let name: String = conn
        .query_row(
            "SELECT full_name FROM organization WHERE inn = ?1",
            [inn(901)],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "ГБУК «Музей; история»");
    // One bulk entry plus one per row.
    let bulk: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'bulk' AND entity = 'import'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(bulk, 1);

    let before = digest(&conn);
    let p = run(&mut conn, "orgs.csv", csv.as_bytes(), &Kind::Orgs).unwrap();
    assert_eq!((p.added.len(), p.changed.len(), p.unchanged), (0, 0, 2));
    assert!(!p.applied);
    assert_eq!(
        digest(&conn),
        before,
        "the second import must change nothing"
    );

    // The same file in Windows-1251 with commas and a changed name: one change, field named.
    let changed = orgs_csv(&["ГБУК «Библиотека № 1 им. Пушкина»", "ГБУК «Музей; история»"])
        .replace("\u{feff}", "");
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&changed);
    let p = run(&mut conn, "orgs-1251.csv", &cp1251, &Kind::Orgs).unwrap();
    assert_eq!(
        (p.added.len(), p.changed.len(), p.unchanged),
        (0, 1, 1),
        "{p:?}"
    );
    assert_eq!(p.changed[0].fields[0].0, "Полное наименование");
    assert_eq!(
        p.changed[0].fields[0].2,
        "ГБУК «Библиотека № 1 им. Пушкина»"
    );
}

#[test]
fn dry_run_changes_nothing_and_reports_the_same() {
    let (_d, mut conn) = demo();
    let before = digest(&conn);
    let csv = orgs_csv(&["А", "Б", "В"]);
    let sheet = read_bytes("o.csv", csv.as_bytes()).unwrap();
    let p = dry_run(&mut conn, &sheet, &Kind::Orgs, today(), &mut |_| {}).unwrap();
    assert_eq!(p.added.len(), 3);
    assert_eq!(p.as_read.1.len(), 3, "a dry run lists the rows as read");
    assert_eq!(digest(&conn), before);
}

#[test]
fn orgs_from_xlsx_with_numbers_as_numbers() {
    let (_d, mut conn) = demo();
    let rows = vec![
        vec![
            "Наименование организации",
            "ИНН",
            "КПП",
            "ОГРН",
            "regNum",
            "Сфера",
            "Субъект РФ",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        vec![
            "МБУК ЦБС".to_string(),
            inn(950),
            "781001001".into(),
            ogrn(950),
            "78012345".into(),
            "Культура".into(),
            "Санкт-Петербург".into(),
        ],
    ];
    let bytes = xlsx(&rows);
    let p = run(&mut conn, "orgs.xlsx", &bytes, &Kind::Orgs).unwrap();
    assert!(p.format.contains("Организации"), "{}", p.format);
    assert_eq!(p.added.len(), 1, "{p:?}");
    let p = run(&mut conn, "orgs.xlsx", &bytes, &Kind::Orgs).unwrap();
    assert_eq!(p.unchanged, 1);
}

/// A registry as a ministry keeps it in Excel and saves as CSV: a title above the header,
/// «Наименование (краткое)» before «Наименование (полное)», «Код по СР», ИНН and КПП without
/// their leading zero (numbers), and one ОГРН in the exponential form Excel gives a long number.
#[test]
fn orgs_registry_laid_out_as_kept_in_excel() {
    let (_d, mut conn) = demo();
    let before = digest(&conn);
    let inn_a = inn(960);
    let inn_b = inn(961);
    let csv = format!(
        "Реестр учреждений культуры\r\n\r\n\
         № п/п;Наименование (краткое);Наименование учреждения (полное);ИНН;КПП;ОГРН;Код по СР;Сфера деятельности;Субъект РФ\r\n\
         1;МБУК «ЦБС»;Муниципальное бюджетное учреждение культуры «Централизованная библиотечная система»;{inn_a};10501001;{};781Ж0960;Культура;Республика Адыгея\r\n\
         2;МБУК «Музей»;Муниципальное бюджетное учреждение культуры «Музей»;{inn_b};010501001;1,02770E+12;781Ж0961;Культура;Республика Адыгея\r\n",
        ogrn(960),
    );
    // Without `skip_rejected` the rejected row refuses the whole file, and names why.
    let refused = run(&mut conn, "реестр.csv", csv.as_bytes(), &Kind::Orgs).unwrap_err();
    assert!(format!("{refused:#}").contains("строка 5"), "{refused:#}");
    assert_eq!(digest(&conn), before);
    // The helper's ИНН does not start with 0, so only the КПП lost its zero here.
    let sheet = read_bytes("реестр.csv", csv.as_bytes()).unwrap();
    let p = apply(&mut conn, &sheet, &Kind::Orgs, today(), true, &mut |_| {}).unwrap();
    assert_eq!((p.added.len(), p.rejected.len()), (1, 1), "{p:?}");
    assert_eq!(p.rejected[0].line, 5);
    assert_eq!(p.rejected[0].column, "ОГРН");
    assert!(
        p.rejected[0]
            .reason
            .contains("1,02770E+12: число в экспоненциальной записи"),
        "{}",
        p.rejected[0].reason
    );
    let stored: (String, String, String, String) = conn
        .query_row(
            "SELECT short_name, full_name, kpp, reg_num FROM organization WHERE inn = ?1",
            [&inn_a],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        stored,
        (
            "МБУК «ЦБС»".to_string(),
            "Муниципальное бюджетное учреждение культуры «Централизованная библиотечная система»"
                .to_string(),
            "010501001".to_string(),
            "781Ж0960".to_string()
        )
    );
    assert_ne!(digest(&conn), before);
}

/// A registry of service providers: ИНН and КПП in one «ИНН/КПП» cell (with and without spaces),
/// the sector as the registry words it, «Адрес официального сайта» beside «Адрес (место
/// нахождения)».
#[test]
fn orgs_registry_with_inn_kpp_in_one_cell_and_worded_sectors() {
    let (_d, mut conn) = demo();
    let sectors = [
        ("Здравоохранение", "health"),
        ("Социальная защита населения", "social"),
        ("Дополнительное образование", "education"),
        ("Культура и искусство", "culture"),
    ];
    let mut csv = String::from(
        "№;Наименование поставщика социальных услуг;ИНН/КПП;ОГРН;Код по Сводному реестру;Вид деятельности;Субъект Российской Федерации;Адрес официального сайта;Адрес (место нахождения)\r\n",
    );
    for (i, (sector, _)) in sectors.iter().enumerate() {
        let n = 970 + i as u32;
        let sep = if i % 2 == 0 { "/" } else { " / " };
        csv.push_str(&format!(
            "{};ГБУ «Учреждение {i}»;{}{sep}78100100{i};{};781Ж{n:04};{sector};Санкт-Петербург;www.org{i}.ru;г. Санкт-Петербург, ул. Садовая, д. {i}\r\n",
            i + 1,
            inn(n),
            ogrn(n),
        ));
    }
    let p = run(&mut conn, "поставщики.csv", csv.as_bytes(), &Kind::Orgs).unwrap();
    assert_eq!((p.added.len(), p.rejected.len()), (4, 0), "{p:?}");
    for (i, (_, code)) in sectors.iter().enumerate() {
        let stored: (String, String, String, String) = conn
            .query_row(
                "SELECT kpp, sector, website, address FROM organization WHERE inn = ?1",
                [inn(970 + i as u32)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(
            stored,
            (
                format!("78100100{i}"),
                code.to_string(),
                format!("www.org{i}.ru"),
                format!("г. Санкт-Петербург, ул. Садовая, д. {i}")
            )
        );
    }
}

#[test]
fn broken_files_give_clear_errors_and_change_nothing() {
    let (_d, mut conn) = demo();
    let before = digest(&conn);
    let good = orgs_csv(&["Первая", "Вторая"]);
    let mut broken_utf8 = good.as_bytes().to_vec();
    let at = broken_utf8.len() - 20;
    broken_utf8.insert(at, 0xD0);
    let formula = good.replace("\"Вторая\"", "\"=HYPERLINK(\"\"http://x\"\")\"");
    let duplicate = {
        let mut s = good.clone();
        let last = good.lines().last().unwrap().to_string();
        s.push_str(&last);
        s.push_str("\r\n");
        s
    };
    let huge = good.replace("Вторая", &"я".repeat(1_000_000));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated.csv",
            good.as_bytes()[..good.find("\"Вторая").unwrap() + 5].to_vec(),
            "кавычка",
        ),
        (
            "cut-row.csv",
            good.as_bytes()[..good.len() - 60].to_vec(),
            "не хватает",
        ),
        ("broken-utf8.csv", broken_utf8, "UTF-8 поврежден"),
        (
            "junk.bin",
            (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect(),
            "двоичные",
        ),
        ("cell.csv", huge.into_bytes(), "ячейка длиной"),
        ("formula.csv", formula.into_bytes(), "формулу"),
        (
            "duplicate.csv",
            duplicate.into_bytes(),
            "уже были в строке 3",
        ),
        ("empty.csv", Vec::new(), "пуст"),
        (
            "no-header.csv",
            "a;b;c\n1;2;3\n".as_bytes().to_vec(),
            "строка заголовка",
        ),
        (
            "fake.xlsx",
            b"PK\x03\x04garbage garbage".to_vec(),
            "книга Excel",
        ),
    ];
    for (name, bytes, expect) in cases {
        let err = run(&mut conn, name, &bytes, &Kind::Orgs).expect_err(name);
        let msg = format!("{err:#}");
        assert!(msg.contains(expect), "{name}: {msg}");
        assert!(
            msg.contains(name),
            "{name}: the message names the file: {msg}"
        );
        assert_eq!(digest(&conn), before, "{name} changed the database");
    }
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

/// A plan table laid out as Russian forms are: the row of column numbers under the header and a
/// total below, «Итого» where the ИНН goes. Both are skipped with a note, not rejected as rows of
/// an organization with the ИНН «1» or «Итого»; the one item is read.
#[test]
fn improvement_plan_with_column_numbers_and_a_total() {
    let (dir, mut conn) = demo();
    let (cycle, inn) = plan_target(&conn);
    let file = dir.path().join("план.csv");
    std::fs::write(
        &file,
        format!(
            "\u{feff}ИНН организации;№ п/п;Недостатки;Наименование мероприятия;Плановый срок реализации;Ответственный исполнитель\r\n\
             1;2;3;4;5;6\r\n\
             {inn};1.1;Нет пандуса;Установить пандус у входа;IV квартал 2026 г.;Петров О.Ю., директор\r\n\
             Итого;1;;;;\r\n"
        ),
    )
    .unwrap();
    let p = nok::service::import::dry_run_file(
        &mut conn,
        &file,
        &Kind::Plan {
            cycle_id: cycle,
            org: None,
        },
        &nok::service::import::Options::default(),
        nok::service::import::AsRead::Drop,
        today(),
        &mut |_| {},
    )
    .unwrap();
    assert!(p.rejected.is_empty(), "{:?}", p.rejected);
    assert_eq!(p.added.len(), 1, "{p:?}");
    for line in [
        "строка 2 пропущена: «1 2 3 4»",
        "строка 4 пропущена: «Итого 1»",
    ] {
        assert!(p.notes.iter().any(|n| n == line), "{line}: {:?}", p.notes);
    }
}

#[test]
fn improvement_plan_from_a_pasted_table() {
    let (_d, mut conn) = demo();
    let (cycle, inn) = plan_target(&conn);
    let kind = Kind::Plan {
        cycle_id: cycle,
        org: Some(inn.clone()),
    };
    let bytes = std::fs::read(fixture("plan.txt")).unwrap();
    let p = run(&mut conn, "plan.txt", &bytes, &kind).unwrap();
    assert_eq!(p.added.len(), 3, "{p:?}");
    assert!(p.rejected.is_empty());
    assert!(p.unknown_columns.iter().any(|(_, _, t)| t == "Примечание"));
    let rows: Vec<(String, String, String, String, String, String, String)> = conn
        .prepare("SELECT p.number, p.criterion, p.measure, p.planned_date, p.resp_last_name, p.resp_position, p.shortcoming FROM plan_row p JOIN organization o ON o.id = p.org_id WHERE p.cycle_id = ?1 AND o.inn = ?2 ORDER BY p.number")
        .unwrap()
        .query_map(rusqlite::params![cycle, inn], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].0, "1.1");
    assert_eq!(rows[0].1, "К1");
    assert_eq!(rows[0].3, "2025-03-31");
    assert_eq!(
        (rows[0].4.as_str(), rows[0].5.as_str()),
        ("Иванова", "заместитель директора")
    );
    // The wrapped row joined cell by cell.
    assert_eq!(
        rows[1].2,
        "Обеспечить работу раздела «Часто задаваемые вопросы» и формы отзывов"
    );
    assert_eq!(rows[1].6, "Нет отзывов на сайте");
    // After the repeated header with OCR noise: section III → К3, «до 01.09.2025 г.».
    assert_eq!(
        (rows[2].0.as_str(), rows[2].1.as_str(), rows[2].3.as_str()),
        ("3.1", "К3", "2025-09-01")
    );

    let before = digest(&conn);
    let p = run(&mut conn, "plan.txt", &bytes, &kind).unwrap();
    assert_eq!((p.added.len(), p.changed.len(), p.unchanged), (0, 0, 3));
    assert_eq!(digest(&conn), before);
}

/// A plan form pasted from Word one cell per line (a tab opens a cell, a cell's text goes on over
/// lines without a tab, rows parted by blank lines), with two filled rows and an empty one.
/// `--org` with an ИНН that lost its leading zero (copied from a spreadsheet): the organization
/// is found all the same.
#[test]
fn improvement_plan_for_an_inn_without_its_leading_zero() {
    let (_d, mut conn) = demo();
    let (cycle, inn) = plan_target(&conn);
    // 0105043724: Σ dᵢ·(2 4 10 3 5 9 4 6 8) over 010504372 = 48, 48 mod 11 = 4.
    conn.execute(
        "UPDATE organization SET inn = '0105043724' WHERE inn = ?1",
        [&inn],
    )
    .unwrap();
    let kind = Kind::Plan {
        cycle_id: cycle,
        org: Some("105043724".to_string()),
    };
    let bytes = std::fs::read(fixture("plan.txt")).unwrap();
    let p = run(&mut conn, "plan.txt", &bytes, &kind).unwrap();
    assert_eq!((p.added.len(), p.rejected.len()), (3, 0), "{p:?}");
    let stored: i64 = conn
        .query_row(
            "SELECT count(*) FROM plan_row p JOIN organization o ON o.id = p.org_id
             WHERE p.cycle_id = ?1 AND o.inn = '0105043724'",
            [cycle],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 3);
}

#[test]
fn improvement_plan_pasted_one_cell_per_line() {
    let (_d, mut conn) = demo();
    let (cycle, inn) = plan_target(&conn);
    let kind = Kind::Plan {
        cycle_id: cycle,
        org: Some(inn.clone()),
    };
    let bytes = std::fs::read(fixture("plan_cells.txt")).unwrap();
    let p = run(&mut conn, "plan_cells.txt", &bytes, &kind).unwrap();
    assert!(p.rejected.is_empty(), "{p:?}");
    assert!(p.unknown_columns.is_empty(), "{:?}", p.unknown_columns);
    assert_eq!(p.added.len(), 2, "{p:?}");
    assert_eq!(
        p.added.iter().map(|c| c.line).collect::<Vec<_>>(),
        [22, 33],
        "each row on the line of its first cell"
    );
    // The signature under the table is not a plan row (its text after a blank line joins its
    // short row): it is named in the notes, not imported.
    assert_eq!(
        p.notes,
        ["строка 50 пропущена: «Директор | А.А. Смирнова Исп. Кузнецова»"]
    );
    let as_read: Vec<Vec<&str>> = p
        .as_read
        .1
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        as_read,
        [
            vec![
                "1.1",
                "Разместить на сайте часы приема граждан",
                "31.03.2025",
                "31.03.2025",
                "Иванова Анна Петровна, заместитель директора"
            ],
            vec![
                "2.3",
                "Установить поручни у входа",
                "IV квартал 2025 г.",
                "31.12.2025",
                "Петров О.Ю.; инженер"
            ],
        ]
    );
    type Stored = (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    );
    let rows: Vec<Stored> = conn
        .prepare("SELECT p.number, p.criterion, p.measure, p.planned_date, p.resp_last_name, p.resp_first_name, p.resp_position, p.shortcoming, p.expected_result, p.result_indicators FROM plan_row p JOIN organization o ON o.id = p.org_id WHERE p.cycle_id = ?1 AND o.inn = ?2 ORDER BY p.number")
        .unwrap()
        .query_map(rusqlite::params![cycle, inn], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 2);
    let r = &rows[0];
    assert_eq!(
        (r.0.as_str(), r.1.as_str(), r.3.as_str()),
        ("1.1", "К1", "2025-03-31")
    );
    assert_eq!(
        (r.4.as_str(), r.5.as_str(), r.6.as_str()),
        ("Иванова", "Анна", "заместитель директора")
    );
    // A blank line inside a cell is a paragraph break, not the end of the row.
    assert_eq!(r.7, "Нет сведений о часах приема на сайте");
    assert_eq!(
        (r.8.as_str(), r.9.as_str()),
        ("Часы приема размещены", "Доля сведений на сайте, %")
    );
    let r = &rows[1];
    assert_eq!(
        (r.0.as_str(), r.1.as_str(), r.2.as_str(), r.3.as_str()),
        ("2.3", "К2", "Установить поручни у входа", "2025-12-31")
    );
    assert_eq!((r.4.as_str(), r.6.as_str()), ("Петров", "инженер"));
    assert_eq!(
        (r.7.as_str(), r.8.as_str(), r.9.as_str()),
        ("Нет поручней", "Поручни установлены", "")
    );

    let before = digest(&conn);
    let p = run(&mut conn, "plan_cells.txt", &bytes, &kind).unwrap();
    assert_eq!((p.added.len(), p.changed.len(), p.unchanged), (0, 0, 2));
    assert_eq!(digest(&conn), before);
}

#[test]
fn authority_plan_from_a_pasted_document() {
    let (_d, mut conn) = demo();
    let authority: String = conn
        .query_row("SELECT inn FROM authority ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let kind = Kind::Workplan {
        authority: authority.clone(),
        title: None,
    };
    let bytes = std::fs::read(fixture("workplan.txt")).unwrap();
    let p = run(&mut conn, "workplan.txt", &bytes, &kind).unwrap();
    assert!(p.rejected.is_empty(), "{p:?}");
    // The plan, 2 target indicators, 4 measures.
    assert_eq!(p.added.len(), 7, "{p:?}");
    let (title, from, to, approved): (String, i32, i32, Option<String>) = conn
        .query_row(
            "SELECT title, year_from, year_to, approved_on FROM workplan ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert!(title.starts_with("План организации проведения"), "{title}");
    assert_eq!((from, to), (2025, 2026));
    assert_eq!(approved.as_deref(), Some("2025-01-20"));
    let items: Vec<(String, String, String, Option<String>, String)> = conn
        .prepare(
            "SELECT i.number, i.measure, i.deadline_text, p.number,
                    (SELECT group_concat(name, '|') FROM (SELECT name FROM workplan_executor e WHERE e.item_id = i.id ORDER BY position))
             FROM workplan_item i LEFT JOIN workplan_item p ON p.id = i.parent_id
             WHERE i.workplan_id = (SELECT max(id) FROM workplan) ORDER BY i.position",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let numbers: Vec<&str> = items.iter().map(|i| i.0.as_str()).collect();
    assert_eq!(numbers, ["1", "1.1", "1.2", "2"]);
    assert_eq!(items[1].1, "утверждение перечня организаций культуры");
    assert_eq!(items[1].3.as_deref(), Some("1"));
    assert_eq!(items[1].4, "Орлова Т.С.|Общественный совет");
    assert_eq!(items[3].4, "Орлова Т.С.|Лебедев И.И.|Организации культуры");
    assert_eq!(items[2].2, "до 01.03.2025");
    // The deadline reader fills the due date; the text stays as written.
    let due: Vec<Option<String>> = conn
        .prepare("SELECT deadline_due FROM workplan_item WHERE workplan_id = (SELECT max(id) FROM workplan) ORDER BY position")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(due[0].as_deref(), Some("2025-03-31"), "I квартал 2025 г.");
    assert_eq!(due[1].as_deref(), Some("2025-02-28"), "февраль 2025");
    assert_eq!(due[2].as_deref(), Some("2025-03-01"), "до 01.03.2025");
    assert_eq!(due[3], None, "a term from an event has no date yet");
    let values: Vec<(i32, Option<f64>, Option<f64>)> = conn
        .prepare("SELECT v.year, v.planned, v.actual FROM target_value v JOIN target_indicator t ON t.id = v.indicator_id WHERE t.number = '2' AND t.workplan_id = (SELECT max(id) FROM workplan) ORDER BY v.year")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        values,
        vec![
            (2024, None, Some(4.0)),
            (2025, None, None),
            (2026, Some(3.0), None)
        ]
    );

    let before = digest(&conn);
    let p = run(&mut conn, "workplan.txt", &bytes, &kind).unwrap();
    assert!(!p.has_changes(), "{p:?}");
    assert_eq!(digest(&conn), before);
}

/// The stored input `1.1.stand_present` of an organization in a cycle (plain SQL).
fn stand_present(conn: &Connection, cycle: i64, org_id: i64) -> f64 {
    conn.query_row(
        "SELECT i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id
         JOIN membership m ON m.id = i.membership_id
         WHERE m.cycle_id = ?1 AND m.org_id = ?2 AND k.key = '1.1.stand_present'",
        [cycle, org_id],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn inputs_of_a_cycle_mark_scores_stale() {
    let (_d, mut conn) = demo();
    let (cycle, org_id, inn, kpp): (i64, i64, String, String) = conn
        .query_row("SELECT m.cycle_id, o.id, o.inn, o.kpp FROM membership m JOIN organization o ON o.id = m.org_id ORDER BY m.id LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap();
    conn.execute("UPDATE cycle SET scores_stale = 0 WHERE id = ?1", [cycle])
        .unwrap();
    let csv = format!("ИНН;КПП;1.1.stand_present;1.2.phone;Непонятно\n{inn};{kpp};7;да;x\n");
    let p = run(
        &mut conn,
        "inputs.csv",
        csv.as_bytes(),
        &Kind::Inputs { cycle_id: cycle },
    )
    .unwrap();
    assert!(p.rejected.is_empty(), "{p:?}");
    assert_eq!(p.unknown_columns.len(), 1);
    let stale: i64 = conn
        .query_row(
            "SELECT scores_stale FROM cycle WHERE id = ?1",
            [cycle],
            |r| r.get(0),
        )
        .unwrap();
    let v = stand_present(&conn, cycle, org_id);
    assert_eq!(v, 7.0);
    if !p.changed.is_empty() {
        assert_eq!(stale, 1);
    }
    // A negative count and a checklist value that is not yes/no are rejected, nothing written.
    let before = digest(&conn);
    let bad = format!("ИНН;КПП;1.1.stand_present;1.2.phone\n{inn};{kpp};2,5;может быть\n");
    let err = run(
        &mut conn,
        "bad.csv",
        bad.as_bytes(),
        &Kind::Inputs { cycle_id: cycle },
    )
    .unwrap_err();
    assert!(format!("{err}").contains("целое число"), "{err}");
    assert_eq!(digest(&conn), before);
}

/// An inputs file that names its organizations without an ИНН column: each row's name is matched
/// among the cycle's members (full or short name, in any case); a name two members share, or no
/// member has, is rejected saying what to do, and nothing of that row is written.
#[test]
fn inputs_named_by_organization_without_inn() {
    let (_d, mut conn) = demo();
    let (cycle, a, b): (i64, i64, i64) = conn
        .query_row(
            "SELECT m.cycle_id, min(m.org_id), max(m.org_id) FROM membership m
             GROUP BY m.cycle_id HAVING count(*) >= 2 ORDER BY m.cycle_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    conn.execute(
        "UPDATE organization SET short_name = 'ГБУ «Общее»' WHERE id IN (?1, ?2)",
        [a, b],
    )
    .unwrap();
    let full: String = conn
        .query_row(
            "SELECT full_name FROM organization WHERE id = ?1",
            [a],
            |r| r.get(0),
        )
        .unwrap();
    let csv = format!(
        "Наименование организации;1.1.stand_present\n{};6\nгбу «общее»;7\nГБУ «Нет такого»;8\n",
        full.to_uppercase()
    );
    let p = run(
        &mut conn,
        "inputs.csv",
        csv.as_bytes(),
        &Kind::Inputs { cycle_id: cycle },
    );
    // Two rows are rejected: the import (not skipping rejected rows) writes nothing.
    let err = format!("{:#}", p.unwrap_err());
    assert!(err.contains("называет 2 участников цикла"), "{err}");
    assert!(
        err.contains("«ГБУ «Нет такого»» нет среди участников цикла"),
        "{err}"
    );
    assert_ne!(stand_present(&conn, cycle, a), 6.0);
    // The one row alone loads, matched by the full name in capitals.
    let csv = format!(
        "Наименование организации;1.1.stand_present\n{};6\n",
        full.to_uppercase()
    );
    let p = run(
        &mut conn,
        "inputs.csv",
        csv.as_bytes(),
        &Kind::Inputs { cycle_id: cycle },
    )
    .unwrap();
    assert!(p.rejected.is_empty(), "{p:?}");
    assert_eq!(stand_present(&conn, cycle, a), 6.0);
}

/// An inputs file saved from Excel with ИНН and КПП as numbers: an organization of Адыгея
/// (ИНН 0105043724, КПП 010501001) written «105043724» and «10501001» is still found.
#[test]
fn inputs_with_inn_and_kpp_without_leading_zeros() {
    let (_d, mut conn) = demo();
    let (cycle, org_id): (i64, i64) = conn
        .query_row(
            "SELECT m.cycle_id, m.org_id FROM membership m ORDER BY m.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // 0105043724: Σ dᵢ·(2 4 10 3 5 9 4 6 8) over 010504372 = 48, 48 mod 11 = 4.
    conn.execute(
        "UPDATE organization SET inn = '0105043724', kpp = '010501001' WHERE id = ?1",
        [org_id],
    )
    .unwrap();
    let csv = "ИНН;КПП;1.1.stand_present\n105043724;10501001;5\n";
    let p = run(
        &mut conn,
        "inputs.csv",
        csv.as_bytes(),
        &Kind::Inputs { cycle_id: cycle },
    )
    .unwrap();
    assert!(p.rejected.is_empty(), "{p:?}");
    let v = stand_present(&conn, cycle, org_id);
    assert_eq!(v, 5.0);
}

/// The seed documents of ../shared: each authority plan imports with the right items.
#[test]
fn seed_documents_import() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if !seeds.is_dir() {
        if std::env::var_os("CI").is_some() {
            panic!("../shared/seeds is missing; CI must have ../shared");
        }
        eprintln!("пропущено: нет папки {} (../shared)", seeds.display());
        return;
    }
    let (_d, mut conn) = demo();
    let authority: String = conn
        .query_row("SELECT inn FROM authority ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let kind = Kind::Workplan {
        authority,
        title: None,
    };
    let (mut found, mut empty_forms) = (0, 0);
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let name = path.display().to_string();
        if text.contains("План информационно-разъяснительной работы")
        {
            found += 1;
            let p = run(&mut conn, &name, &bytes, &kind).unwrap();
            let numbers: Vec<String> = p.as_read.1.iter().map(|r| r[0].clone()).collect();
            assert_eq!(
                numbers,
                [
                    "1", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2", "2.1", "2.2", "2.3", "2.4",
                    "2.5"
                ]
            );
            let r14 = &p.as_read.1[4];
            assert_eq!(r14[2], "Постоянно");
            assert_eq!(
                r14[4],
                "Комитет по здравоохранению Ленинградской области; Управление прес-службы Губернатора и Правительства Ленинградской области; Медицинские организации Ленинградской области"
            );
            assert_eq!(p.as_read.1[5][2], "февраль 2024");
        } else if text.contains("План\nорганизации проведения") {
            found += 1;
            let p = run(&mut conn, &name, &bytes, &kind).unwrap();
            let numbers: Vec<&str> = p.as_read.1.iter().map(|r| r[0].as_str()).collect();
            assert_eq!(
                numbers,
                [
                    "1", "1.1", "1.2", "1.3", "2", "3", "4", "4.1", "4.2", "4.3", "4.4", "4.5",
                    "5", "6", "7", "8", "9", "10"
                ]
            );
            // 1.2 wraps over a blank line: measure and executors continue.
            assert!(
                p.as_read.1[2][1].ends_with("с приглашением руководителей организаций"),
                "{:?}",
                p.as_read.1[2]
            );
            assert_eq!(
                p.as_read.1[2][4],
                "Запара О.С.; Стукова О.В.; Рыбалко Е.В.; Кондренко А.Н.; Общественный совет"
            );
            assert_eq!(
                p.as_read.1[12][2],
                "IV квартал 2017 г. в течение 5 рабочих дней после поступления информации о результатах независимой оценки от Общественного совета"
            );
            let targets: i64 = conn.query_row("SELECT count(*) FROM target_indicator WHERE workplan_id = (SELECT max(id) FROM workplan)", [], |r| r.get(0)).unwrap();
            assert_eq!(targets, 3);
            let r41 = &p.as_read.1[7];
            assert_eq!(
                (r41[0].as_str(), r41[2].as_str()),
                ("4.1", "I квартал 2017г.")
            );
            assert!(r41[3].contains("31.03.2017"), "{r41:?}");
            let due: Option<String> = conn.query_row("SELECT deadline_due FROM workplan_item WHERE number = '4.1' AND workplan_id = (SELECT max(id) FROM workplan)", [], |r| r.get(0)).unwrap();
            assert_eq!(due.as_deref(), Some("2017-03-31"));
            let (from, to): (i32, i32) = conn
                .query_row(
                    "SELECT year_from, year_to FROM workplan ORDER BY id DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            assert_eq!((from, to), (2016, 2018));
            // «Приложение к распоряжению комитета … от 13.03.2017 № 152»: the act is kept in
            // the nominative, as a field shows it, and its date is the plan's approval date.
            let (act, on): (String, String) = conn
                .query_row(
                    "SELECT approved_by, approved_on FROM workplan ORDER BY id DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            assert_eq!(
                act,
                "распоряжение комитета по социальной защите населения Ленинградской области от 13.03.2017 № 152"
            );
            assert_eq!(on, "2017-03-13");
        } else if text.contains("\nмероприятий по улучшению деятельности")
        {
            // The letter with an empty plan form pasted one cell per line: the form is found
            // with every column of the plan matched, and it is reported empty; nothing changes.
            empty_forms += 1;
            let sheet = read_bytes(&name, &bytes).unwrap();
            let header = sheet.rows.iter().find(|r| r.cell(0) == "№ п/п").unwrap();
            assert_eq!(header.line, 69);
            assert_eq!(
                header.cells,
                [
                    "№ п/п",
                    "Наименование мероприятия",
                    "Основание реализации (результат независимой оценки качества)",
                    "Срок реализации",
                    "Ответственный исполнитель",
                    "Результат",
                    "Показатели, характеризующие результат выполнения мероприятия"
                ]
            );
            let empty = format!(
                "в файле {name}: таблица мероприятий (заголовок в строке 69) пуста — добавлять нечего"
            );
            let (cycle, inn) = plan_target(&conn);
            let before = digest(&conn);
            let plan = Kind::Plan {
                cycle_id: cycle,
                org: Some(inn),
            };
            for kind in [&plan, &kind] {
                let p = run(&mut conn, &name, &bytes, kind).unwrap();
                assert!(p.notes.contains(&empty), "{:?}", p.notes);
                assert!(
                    !p.has_changes() && p.rejected.is_empty() && !p.applied,
                    "{p:?}"
                );
                assert_eq!(digest(&conn), before);
            }
            // Every column matched by the plan import; the authority plan has no place for two.
            let sheet_plan = run(&mut conn, &name, &bytes, &plan).unwrap();
            assert!(sheet_plan.unknown_columns.is_empty(), "{sheet_plan:?}");
        } else {
            // Any other document: no table of measures, a clear error, nothing changed.
            let before = digest(&conn);
            let err = run(&mut conn, &name, &bytes, &kind).unwrap_err();
            assert!(
                format!("{err}").contains("не найдена таблица мероприятий"),
                "{err}"
            );
            assert_eq!(digest(&conn), before);
        }
    }
    assert_eq!(
        empty_forms,
        1,
        "one empty plan form expected in {}",
        seeds.display()
    );
    assert_eq!(found, 2, "two seed plans expected in {}", seeds.display());
}

#[test]
fn readers_never_panic_on_random_bytes() {
    use proptest::prelude::*;
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 400,
        ..ProptestConfig::default()
    });
    runner
        .run(&proptest::collection::vec(any::<u8>(), 0..2048), |bytes| {
            let _ = read_bytes("random", &bytes);
            let mut zipped = b"PK\x03\x04".to_vec();
            zipped.extend(&bytes);
            let _ = read_bytes("random.xlsx", &zipped);
            let text: String = bytes
                .iter()
                .map(|&b| ["\t", ";", "1.", "\n", "\"", "А", "=", " "][(b % 8) as usize])
                .collect();
            if let Ok(sheet) = read_bytes("random.txt", text.as_bytes()) {
                let _ = nok::exchange::import::workplan::read(&sheet);
            }
            Ok(())
        })
        .unwrap();
}

/// An xlsx saved as Excel saves it (shared strings, ИНН and КПП as numbers), read from disk as a
/// stream by the dry run and the import: rows after absent rows keep their Excel row numbers,
/// and an error cell where the ИНН goes rejects its row with the error's code and that number.
#[test]
fn orgs_xlsx_streamed_from_disk_rejects_an_error_cell_at_its_excel_row() {
    use nok::service::import::{Options, apply_file};
    use rust_xlsxwriter::{Formula, Workbook};
    let (dir, mut conn) = demo();
    let file = dir.path().join("организации.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Учреждения").unwrap();
    for (c, h) in [
        "Наименование организации",
        "ИНН",
        "КПП",
        "ОГРН",
        "Сфера",
        "Субъект РФ",
        "regNum",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    // Excel rows 2, 5 (rows 3 and 4 absent) and 6.
    for (r, n, name) in [
        (1u32, 961u32, "ГБУК «Дом культуры»"),
        (4, 962, "МБУК «Библиотека»"),
        (5, 963, "ГБУ «Музей»"),
    ] {
        sheet.write_string(r, 0, name).unwrap();
        if n == 963 {
            sheet
                .write_formula(r, 1, Formula::new("=1/0").set_result("#DIV/0!"))
                .unwrap();
        } else {
            sheet
                .write_number(r, 1, inn(n).parse::<f64>().unwrap())
                .unwrap();
        }
        sheet.write_number(r, 2, 781_001_001.0).unwrap();
        sheet.write_string(r, 3, ogrn(n)).unwrap();
        sheet.write_string(r, 4, "Культура").unwrap();
        sheet.write_string(r, 5, "Санкт-Петербург").unwrap();
        sheet.write_string(r, 6, format!("78012{n}")).unwrap();
    }
    book.save(&file).unwrap();
    let before = digest(&conn);
    let p = dry_run_orgs(&mut conn, &file);
    assert!(p.format.contains("Учреждения"), "{}", p.format);
    let added: Vec<usize> = p.added.iter().map(|c| c.line).collect();
    assert_eq!(added, [2, 5], "{p:?}");
    assert_eq!(p.rejected.len(), 1, "{p:?}");
    assert_eq!(p.rejected[0].line, 6, "{p:?}");
    assert!(
        p.rejected[0].to_string().contains("#DIV/0!"),
        "{}",
        p.rejected[0]
    );
    assert_eq!(digest(&conn), before, "a dry run writes nothing");
    let e = apply_file(
        &mut conn,
        &file,
        &Kind::Orgs,
        &Options::default(),
        today(),
        false,
        &mut |_| {},
    )
    .unwrap_err();
    assert!(e.to_string().contains("строка 6"), "{e}");
    assert_eq!(digest(&conn), before, "a rejected row: nothing written");
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
    assert_eq!(p.added_count(), 2, "{p:?}");
    let found: i64 = conn
        .query_row(
            "SELECT count(*) FROM organization WHERE inn IN (?1, ?2)",
            [inn(961), inn(962)],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(found, 2);
}
