//! A load of organizations that at least doubles the table: `organization` (and its sort keys and,
//! in a new database, the audit log) is written without its secondary indexes, which are built
//! again at the end of the insert. Checked against plain SQL and values written out by hand: the
//! same indexes with the same definitions afterwards, `PRAGMA integrity_check` (every index holds
//! exactly its table's rows), each index finding the new rows, the audit entries, and the
//! rejections of a duplicate ИНН+КПП inside the file and of a row clashing with a stored
//! organization. A unique constraint violated by the set-based insert itself fails in Russian
//! and leaves the schema as it was.

mod import_support;

use import_support::{count, demo, inn, ogrn, today};
use nok::service::import::{Kind, Options, apply_file};
use rusqlite::Connection;

/// Every index of the schema with its definition (name, table, sql), in name order.
fn indexes(conn: &Connection) -> Vec<(String, String, Option<String>)> {
    let mut stmt = conn
        .prepare("SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// Every trigger on `organization` with its definition, in name order.
fn org_triggers(conn: &Connection) -> Vec<(String, String)> {
    let mut stmt = conn
        .prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type = 'trigger' AND tbl_name = 'organization' ORDER BY name",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn integrity(conn: &Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

const NEW: u32 = 60;

fn name(k: u32) -> String {
    format!("ГБУ «Учреждение № {k}»")
}

fn reg(k: u32) -> String {
    format!("780Ж{:04}", 1000 + k)
}

#[test]
fn a_load_that_doubles_the_table_rebuilds_its_indexes_and_writes_what_plain_sql_expects() {
    let (dir, mut conn) = demo();
    let max_id = count(&conn, "SELECT max(id) FROM organization");
    let orgs_before = count(&conn, "SELECT count(*) FROM organization");
    // The load adds at least as many organizations as the table holds: the rebuild path.
    assert!(i64::from(NEW) >= max_id, "{max_id} organizations stored");
    let schema_before = indexes(&conn);
    let triggers_before = org_triggers(&conn);
    // The two per-row insert triggers the load stands aside (and does the work of itself).
    for name in ["row_count_organization_insert", "organization_sort_insert"] {
        assert!(triggers_before.iter().any(|(n, _)| n == name), "{name}");
    }
    for name in [
        "organization_ogrn",
        "organization_display_name",
        "organization_region_sector",
        "organization_sort_name",
    ] {
        assert!(schema_before.iter().any(|(n, _, _)| n == name), "{name}");
    }
    let (old_id, old_inn, old_kpp, old_reg): (i64, String, String, String) = conn
        .query_row(
            "SELECT id, inn, kpp, reg_num FROM organization ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    let (other_reg, other_name): (String, String) = conn
        .query_row(
            "SELECT reg_num, full_name FROM organization WHERE id <> ?1 ORDER BY id LIMIT 1",
            [old_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();

    // Line 2: a stored organization, its short name changed. Lines 3…62: new organizations.
    // Line 63: the ИНН+КПП of line 7 again. Line 64: a new ИНН with a stored organization's code.
    let mut csv = String::from(
        "\u{feff}Полное наименование;Сокращенное наименование;ИНН;КПП;ОГРН;Код по Сводному реестру;Сфера;Регион\r\n",
    );
    csv.push_str(&format!(
        ";ЦБС «Перемена»;{old_inn};{old_kpp};;{old_reg};;\r\n"
    ));
    for k in 0..NEW {
        csv.push_str(&format!(
            "\"{}\";;{};781001001;{};{};культура;Санкт-Петербург\r\n",
            name(k),
            inn(1000 + k),
            ogrn(1000 + k),
            reg(k)
        ));
    }
    csv.push_str(&format!(
        "Двойник;;{};781001001;{};780Ж2000;культура;Санкт-Петербург\r\n",
        inn(1004),
        ogrn(1004)
    ));
    csv.push_str(&format!(
        "Чужой код;;{};781001001;{};{other_reg};культура;Санкт-Петербург\r\n",
        inn(3000),
        ogrn(3000)
    ));
    let path = dir.path().join("orgs.csv");
    std::fs::write(&path, &csv).unwrap();

    // Refused with the rejected rows: nothing written, the indexes as they were.
    let audit_before = count(&conn, "SELECT count(*) FROM audit_log");
    let e = apply_file(
        &mut conn,
        &path,
        &Kind::Orgs,
        &Options::default(),
        today(),
        false,
        &mut |_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("строка 63"), "{e}");
    assert!(e.contains("строка 64"), "{e}");
    assert_eq!(
        count(&conn, "SELECT count(*) FROM organization"),
        orgs_before
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM audit_log"), audit_before);
    assert_eq!(indexes(&conn), schema_before);
    assert_eq!(org_triggers(&conn), triggers_before);
    assert_eq!(integrity(&conn), "ok");

    // With --skip-rejected: the others are written.
    let audit_last = count(&conn, "SELECT max(id) FROM audit_log");
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
    assert_eq!(p.added_count(), NEW as usize);
    assert_eq!(p.changed_count(), 1);
    let rejected: Vec<(usize, String)> = p
        .rejected
        .iter()
        .map(|r| (r.line, r.reason.clone()))
        .collect();
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert_eq!(rejected[0].0, 63);
    assert_eq!(
        rejected[0].1,
        format!(
            "ИНН {} и КПП 781001001 уже были в строке 7: одна организация — одна строка",
            inn(1004)
        )
    );
    assert_eq!(rejected[1].0, 64);
    assert!(
        rejected[1].1.contains(&format!(
            "код по Сводному реестру {other_reg} принадлежит организации «{other_name}»"
        )),
        "{}",
        rejected[1].1
    );

    // The same indexes, each holding exactly the table's rows, and the same triggers.
    assert_eq!(indexes(&conn), schema_before);
    assert_eq!(org_triggers(&conn), triggers_before);
    assert_eq!(integrity(&conn), "ok");
    assert_eq!(
        count(&conn, "SELECT count(*) FROM organization"),
        orgs_before + i64::from(NEW)
    );
    assert_eq!(
        count(&conn, "SELECT n FROM row_count WHERE name = 'organization'"),
        orgs_before + i64::from(NEW)
    );
    // Each new organization: the next id in the order of the file, found through every index,
    // with its sort key (its full name, capitals made small) and its audit entry.
    for k in 0..NEW {
        let id = max_id + i64::from(k) + 1;
        let by =
            |sql: &str, arg: &str| -> i64 { conn.query_row(sql, [arg], |r| r.get(0)).unwrap() };
        let inn = inn(1000 + k);
        assert_eq!(
            by(
                "SELECT id FROM organization INDEXED BY organization_ogrn WHERE ogrn = ?1",
                &ogrn(1000 + k)
            ),
            id
        );
        assert_eq!(
            by(
                "SELECT id FROM organization WHERE inn = ?1 AND kpp = '781001001'",
                &inn
            ),
            id
        );
        assert_eq!(
            by("SELECT id FROM organization WHERE reg_num = ?1", &reg(k)),
            id
        );
        assert_eq!(
            by(
                "SELECT id FROM organization INDEXED BY organization_display_name
                 WHERE (CASE WHEN short_name = '' THEN full_name ELSE short_name END) = ?1",
                &name(k)
            ),
            id
        );
        let key = format!("гбу «учреждение № {k}»");
        assert_eq!(
            by(
                "SELECT org_id FROM organization_sort INDEXED BY organization_sort_name
                 WHERE name_key = ?1",
                &key
            ),
            id
        );
        let (action, value, note): (String, String, String) = conn
            .query_row(
                "SELECT action, new_value, note FROM audit_log
                 WHERE entity = 'organization' AND entity_id = ?1 AND id > ?2",
                rusqlite::params![id, audit_last],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(action, "insert");
        assert_eq!(value, format!("ИНН {inn} КПП 781001001 «{}»", name(k)));
        assert_eq!(note, "импорт");
    }
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM organization INDEXED BY organization_region_sector
                 WHERE region = 'Санкт-Петербург' AND sector = 'culture' AND id > {max_id}"
            )
        ),
        i64::from(NEW)
    );
    // The stored organization: its short name changed, audited as one update.
    let short: String = conn
        .query_row(
            "SELECT short_name FROM organization WHERE id = ?1",
            [old_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(short, "ЦБС «Перемена»");
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM audit_log WHERE id > {audit_last} AND action = 'update'
                 AND entity = 'organization' AND entity_id = {old_id}
                 AND new_value = 'ЦБС «Перемена»'"
            )
        ),
        1
    );
    // Nothing else: the new organizations' inserts, one update, one entry for the import.
    assert_eq!(
        count(
            &conn,
            &format!("SELECT count(*) FROM audit_log WHERE id > {audit_last}")
        ),
        i64::from(NEW) + 2
    );
    // And the file again changes nothing.
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
    assert_eq!((p.added_count(), p.changed_count()), (0, 0));
    assert_eq!(p.unchanged, NEW as usize + 1);
}

/// Two staged organizations with one ИНН+КПП (what the checks of the import never let through)
/// are refused by the unique constraint as the rows go in, with the indexes dropped for the
/// load: the error is SQLite's constraint, said in Russian, and the rolled-back transaction
/// leaves every index in place.
#[test]
fn a_unique_constraint_violated_by_the_bulk_insert_fails_in_russian_and_keeps_the_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = nok::store::open(&dir.path().join("new.sqlite")).unwrap();
    let schema_before = indexes(&conn);
    let triggers_before = org_triggers(&conn);
    let tx = conn.transaction().unwrap();
    nok::store::import::staged_orgs_begin(&tx).unwrap();
    for (seq, (full_name, reg_num)) in [("Первая", "780Ж0001"), ("Вторая", "780Ж0002")]
        .into_iter()
        .enumerate()
    {
        let o = nok::store::import::OrgRecord {
            full_name: full_name.to_string(),
            inn: inn(1),
            kpp: "781001001".to_string(),
            ogrn: ogrn(1),
            reg_num: reg_num.to_string(),
            sector: "culture".to_string(),
            region: "Санкт-Петербург".to_string(),
            ..Default::default()
        };
        let staged = nok::store::import::Staged {
            line: seq + 2,
            seq: Some(seq as i64 + 1),
            org: &o,
            what: full_name,
            keys: Default::default(),
            whole: true,
        };
        nok::store::import::stage_org(&tx, &staged).unwrap();
    }
    let e = nok::store::import::insert_staged_orgs(&tx, 2, "2026-11-22T10:00:00", "тест", "импорт")
        .unwrap_err();
    let said = e.to_string();
    assert!(said.contains("нарушает правила базы"), "{said}");
    assert!(said.contains("2067"), "{said}"); // SQLITE_CONSTRAINT_UNIQUE
    tx.rollback().unwrap();
    assert_eq!(indexes(&conn), schema_before);
    assert_eq!(org_triggers(&conn), triggers_before);
    assert_eq!(count(&conn, "SELECT count(*) FROM organization"), 0);
    assert_eq!(
        count(&conn, "SELECT n FROM row_count WHERE name = 'organization'"),
        0
    );
    assert_eq!(integrity(&conn), "ok");
}
