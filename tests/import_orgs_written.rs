//! What a streamed import of organizations writes besides the organizations: the audit entries
//! (one `insert` per new organization, one `update` per changed field, one `bulk` for the
//! import), the sort keys of `organization_sort` and the kept count of `row_count`. The new
//! organizations are inserted at the end of the import in one statement, so these are checked
//! against values worked out by hand and counts taken by plain SQL, not against the code's output.

mod import_support;

use import_support::{count, demo, inn, ogrn, today};
use nok::service::import::{Kind, Options, apply_file};
use rusqlite::Connection;

/// The sort key of `o` in plain SQL, as migration 011 computes it.
const SQL_KEY: &str = "lower(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    CASE WHEN o.short_name = '' THEN o.full_name ELSE o.short_name END,
    'А', 'а'), 'Б', 'б'), 'В', 'в'), 'Г', 'г'), 'Д', 'д'), 'Е', 'е'), 'Ж', 'ж'), 'З', 'з'),
    'И', 'и'), 'Й', 'й'), 'К', 'к'), 'Л', 'л'), 'М', 'м'), 'Н', 'н'), 'О', 'о'), 'П', 'п'),
    'Р', 'р'), 'С', 'с'), 'Т', 'т'), 'У', 'у'), 'Ф', 'ф'), 'Х', 'х'), 'Ц', 'ц'), 'Ч', 'ч'),
    'Ш', 'ш'), 'Щ', 'щ'), 'Ъ', 'ъ'), 'Ы', 'ы'), 'Ь', 'ь'), 'Э', 'э'), 'Ю', 'ю'), 'Я', 'я'),
    'Ё', 'ё'))";

fn key_of(conn: &Connection, id: i64) -> String {
    conn.query_row(
        "SELECT name_key FROM organization_sort WHERE org_id = ?1",
        [id],
        |r| r.get(0),
    )
    .unwrap()
}

fn id_of(conn: &Connection, inn: &str) -> i64 {
    conn.query_row("SELECT id FROM organization WHERE inn = ?1", [inn], |r| {
        r.get(0)
    })
    .unwrap()
}

#[test]
fn a_streamed_import_writes_audit_sort_keys_and_counts_as_plain_sql_expects() {
    let (dir, mut conn) = demo();
    let (old_id, old_inn, old_kpp, old_short): (i64, String, String, String) = conn
        .query_row(
            "SELECT id, inn, kpp, short_name FROM organization ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    let max_id_before = count(&conn, "SELECT max(id) FROM organization");
    let orgs_before = count(&conn, "SELECT count(*) FROM organization");
    let audit_before = count(&conn, "SELECT max(id) FROM audit_log");
    assert_ne!(old_short, "ЦБС Невского района");

    // Two new organizations (the first without a short name, so its key is of the full name),
    // one changed (its short name), one rejected (a bad ИНН), in Excel's CSV.
    let csv = format!(
        "\u{feff}Полное наименование;Сокращенное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион\r\n\
         \"ГБУК «Ёлочка»\";;{i1};781001001;{o1};780Ж0901;культура;Санкт-Петербург\r\n\
         Библиотека;ЦБС Невского района;{old_inn};{old_kpp};;;;\r\n\
         \"Неверный ИНН\";;7800000000;781001001;{o3};780Ж0903;культура;Санкт-Петербург\r\n\
         \"Государственное бюджетное учреждение культуры «Дом Молодёжи»\";\"ГБУК «ДОМ МОЛОДЁЖИ» (Club)\";{i2};781001001;{o2};780Ж0902;культура;Санкт-Петербург\r\n",
        i1 = inn(901),
        o1 = ogrn(901),
        i2 = inn(902),
        o2 = ogrn(902),
        o3 = ogrn(903),
    );
    let path = dir.path().join("orgs.csv");
    std::fs::write(&path, csv).unwrap();
    let p = apply_file(
        &mut conn,
        &path,
        &Kind::Orgs,
        &Options::default(),
        today(),
        true,
        &mut |_| {},
    )
    .unwrap();
    assert!(p.applied);
    assert_eq!(
        (p.added_count(), p.changed_count(), p.rejected_count()),
        (2, 1, 1),
        "{p:?}"
    );

    // The new organizations: ids after every stored one, in the order of the file.
    let (id1, id2) = (id_of(&conn, &inn(901)), id_of(&conn, &inn(902)));
    assert_eq!((id1, id2), (max_id_before + 1, max_id_before + 2));
    assert_eq!(
        count(&conn, "SELECT count(*) FROM organization"),
        orgs_before + 2
    );

    // Sort keys: worked out by hand (capitals made small, Ё as ё, the rest as it is).
    assert_eq!(key_of(&conn, id1), "гбук «ёлочка»");
    assert_eq!(key_of(&conn, id2), "гбук «дом молодёжи» (club)");
    assert_eq!(key_of(&conn, old_id), "цбс невского района");
    // Every organization's key is what migration 011's plain SQL makes of its name.
    let differing: i64 = conn
        .query_row(&format!("SELECT count(*) FROM organization o JOIN organization_sort k ON k.org_id = o.id WHERE k.name_key IS NOT ({SQL_KEY})"), [], |r| r.get(0))
        .unwrap();
    assert_eq!(differing, 0);
    // Every organization has exactly one key, and the kept count is the count.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM organization o JOIN organization_sort k ON k.org_id = o.id"
        ),
        orgs_before + 2
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM organization_sort"),
        orgs_before + 2
    );
    assert_eq!(
        count(&conn, "SELECT n FROM row_count WHERE name = 'organization'"),
        orgs_before + 2
    );

    // The audit entries of the import, in the order written.
    let mut stmt = conn
        .prepare(
            "SELECT at, os_user, action, entity, entity_id, field, old_value, new_value, note
             FROM audit_log WHERE id > ?1 ORDER BY id",
        )
        .unwrap();
    type AuditRow = (
        String,
        String,
        String,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    );
    let rows: Vec<AuditRow> = stmt
        .query_map([audit_before], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let tail: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.2.as_str(),
                r.3.as_str(),
                r.4,
                r.5.as_deref(),
                r.6.as_deref(),
                r.7.as_deref(),
            )
        })
        .collect();
    let what1 = format!("ИНН {} КПП 781001001 «ГБУК «Ёлочка»»", inn(901));
    let what2 = format!(
        "ИНН {} КПП 781001001 «Государственное бюджетное учреждение культуры «Дом Молодёжи»»",
        inn(902)
    );
    let full_old: String = conn
        .query_row(
            "SELECT old_value FROM audit_log WHERE id > ?1 AND field = 'Полное наименование'",
            [audit_before],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        tail,
        vec![
            // The changed organization: its row comes first (written as it is read) …
            (
                "update",
                "organization",
                Some(old_id),
                Some("Полное наименование"),
                Some(full_old.as_str()),
                Some("Библиотека"),
            ),
            (
                "update",
                "organization",
                Some(old_id),
                Some("Сокращенное наименование"),
                Some(old_short.as_str()),
                Some("ЦБС Невского района"),
            ),
            // … the new ones after it, in the order of the file …
            (
                "insert",
                "organization",
                Some(id1),
                None,
                None,
                Some(what1.as_str()),
            ),
            (
                "insert",
                "organization",
                Some(id2),
                None,
                None,
                Some(what2.as_str()),
            ),
            // … and the import's summary last.
            ("bulk", "import", None, None, None, None),
        ]
    );
    // One author and one time for the whole import; single records noted «импорт».
    let (at, user) = (&rows[4].0, &rows[4].1);
    assert!(rows.iter().all(|r| &r.0 == at && &r.1 == user), "{rows:?}");
    assert!(rows[..4].iter().all(|r| r.8 == "импорт"), "{rows:?}");
    assert!(
        rows[4].8.contains("добавлено 2, изменено 1"),
        "{}",
        rows[4].8
    );
}

#[test]
fn a_streamed_import_with_a_rejected_row_writes_nothing() {
    let (dir, mut conn) = demo();
    let fingerprint = |conn: &Connection| {
        (
            count(conn, "SELECT count(*) FROM organization"),
            count(conn, "SELECT count(*) FROM organization_sort"),
            count(conn, "SELECT n FROM row_count WHERE name = 'organization'"),
            count(conn, "SELECT count(*) FROM audit_log"),
        )
    };
    let before = fingerprint(&conn);
    let csv = format!(
        "Полное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион\n\
         Новая;{};781001001;{};780Ж0901;культура;Санкт-Петербург\n\
         Без региона;{};781001001;{};780Ж0902;культура;\n",
        inn(901),
        ogrn(901),
        inn(902),
        ogrn(902)
    );
    let path = dir.path().join("orgs.csv");
    std::fs::write(&path, csv).unwrap();
    let e = apply_file(
        &mut conn,
        &path,
        &Kind::Orgs,
        &Options::default(),
        today(),
        false,
        &mut |_| {},
    )
    .unwrap_err();
    assert!(e.to_string().contains("строка 3"), "{e}");
    assert_eq!(fingerprint(&conn), before);
    // The staged rows of the refused import are gone: the next import adds only its own.
    let csv = format!(
        "Полное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион\n\
         Другая;{};781001001;{};780Ж0904;культура;Санкт-Петербург\n",
        inn(904),
        ogrn(904)
    );
    std::fs::write(&path, csv).unwrap();
    let p = apply_file(
        &mut conn,
        &path,
        &Kind::Orgs,
        &Options::default(),
        today(),
        false,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(p.added_count(), 1);
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM organization WHERE inn IN ('{}', '{}')",
                inn(901),
                inn(904)
            )
        ),
        1
    );
    assert_eq!(fingerprint(&conn).0, before.0 + 1);
}
