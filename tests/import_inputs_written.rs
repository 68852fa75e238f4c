//! What `nok import inputs` writes, read back by plain SQL and compared with a load worked out by
//! hand: a stored member whose values partly change, one left as it is, an organization new to
//! the cycle with a second row for a part of it, a new part of a stored member, and four rejected
//! lines (--skip-rejected). The values, memberships, parts and audit entries (old → new, in the
//! order of the file's lines) must be exactly those below, and a second import of the same file
//! must write nothing.

mod import_support;

use import_support::{demo, inn, today};
use nok::exchange::import::read_bytes;
use nok::service::import::{Kind, Preview, apply, dry_run};
use rusqlite::Connection;

fn import(conn: &mut Connection, csv: &str, cycle: i64) -> Preview {
    let sheet = read_bytes("inputs.csv", csv.as_bytes()).unwrap();
    apply(
        conn,
        &sheet,
        &Kind::Inputs { cycle_id: cycle },
        today(),
        true,
        &mut |_| {},
    )
    .unwrap()
}

fn check(conn: &mut Connection, csv: &str, cycle: i64) -> Preview {
    let sheet = read_bytes("inputs.csv", csv.as_bytes()).unwrap();
    dry_run(
        conn,
        &sheet,
        &Kind::Inputs { cycle_id: cycle },
        today(),
        &mut |_| {},
    )
    .unwrap()
}

struct Org {
    id: i64,
    inn: String,
    kpp: String,
    name: String,
}

fn members(conn: &Connection, cycle: i64) -> Vec<(i64, Org)> {
    let mut stmt = conn
        .prepare(
            "SELECT m.id, o.id, o.inn, o.kpp, o.full_name FROM membership m
             JOIN organization o ON o.id = m.org_id WHERE m.cycle_id = ?1 ORDER BY m.id",
        )
        .unwrap();
    stmt.query_map([cycle], |r| {
        Ok((
            r.get(0)?,
            Org {
                id: r.get(1)?,
                inn: r.get(2)?,
                kpp: r.get(3)?,
                name: r.get(4)?,
            },
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// (key, value) of a membership's own inputs, by key.
fn own_inputs(conn: &Connection, membership: i64) -> Vec<(String, f64)> {
    let mut stmt = conn
        .prepare(
            "SELECT k.key, i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id
             WHERE i.membership_id = ?1 ORDER BY k.key",
        )
        .unwrap();
    stmt.query_map([membership], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// (part name, key, value) of a membership's parts, by name and key.
fn part_inputs(conn: &Connection, membership: i64) -> Vec<(String, String, f64)> {
    let mut stmt = conn
        .prepare(
            "SELECT p.name, k.key, i.value FROM org_part p
             JOIN org_part_input i ON i.part_id = p.id JOIN input_key k ON k.id = i.key_id
             WHERE p.membership_id = ?1 ORDER BY p.name, k.key",
        )
        .unwrap();
    stmt.query_map([membership], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn part_id(conn: &Connection, membership: i64, name: &str) -> i64 {
    conn.query_row(
        "SELECT id FROM org_part WHERE membership_id = ?1 AND name = ?2",
        rusqlite::params![membership, name],
        |r| r.get(0),
    )
    .unwrap()
}

type AuditRow = (
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The audit entries after `after`, in the order written (the import's own bulk entry left out).
fn audit_after(conn: &Connection, after: i64) -> Vec<AuditRow> {
    let mut stmt = conn
        .prepare(
            "SELECT action, entity, entity_id, field, old_value, new_value FROM audit_log
             WHERE id > ?1 AND action <> 'bulk' AND note = 'импорт' ORDER BY id",
        )
        .unwrap();
    stmt.query_map([after], |r| {
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
    .map(Result::unwrap)
    .collect()
}

fn a(
    action: &str,
    entity: &str,
    id: i64,
    field: Option<&str>,
    old: Option<&str>,
    new: &str,
) -> AuditRow {
    (
        action.to_string(),
        entity.to_string(),
        Some(id),
        field.map(str::to_string),
        old.map(str::to_string),
        Some(new.to_string()),
    )
}

fn one(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_mixed_load_writes_exactly_what_was_worked_out() {
    let (_d, mut conn) = demo();
    let cycle: i64 = conn
        .query_row(
            "SELECT cycle_id FROM membership GROUP BY cycle_id HAVING count(*) >= 4
             ORDER BY cycle_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let all = members(&conn, cycle);
    let [(ma, org_a), (mb, org_b), (md, org_d), (mc_old, org_c)] = [0, 1, 2, 3].map(|i| {
        let (m, o) = &all[i];
        (
            *m,
            Org {
                id: o.id,
                inn: o.inn.clone(),
                kpp: o.kpp.clone(),
                name: o.name.clone(),
            },
        )
    });
    // The starting point, by hand: C is no member (of this sector, so it may become one); A has
    // 1.1.stand_present 3, 1.1.stand_required 5, 1.2.phone 1; B 2 and 4; D nothing; no parts.
    conn.execute_batch(&format!(
        "DELETE FROM membership WHERE id = {mc_old};
         DELETE FROM org_part WHERE membership_id IN ({ma}, {mb}, {md});
         DELETE FROM indicator_input WHERE membership_id IN ({ma}, {mb}, {md});
         INSERT OR IGNORE INTO input_key (key) VALUES ('1.1.stand_present'), ('1.1.stand_required'),
             ('1.2.phone'), ('1.2.email');
         INSERT INTO indicator_input (membership_id, key_id, value)
             SELECT {ma}, id, 3 FROM input_key WHERE key = '1.1.stand_present'
             UNION ALL SELECT {ma}, id, 5 FROM input_key WHERE key = '1.1.stand_required'
             UNION ALL SELECT {ma}, id, 1 FROM input_key WHERE key = '1.2.phone'
             UNION ALL SELECT {mb}, id, 2 FROM input_key WHERE key = '1.1.stand_present'
             UNION ALL SELECT {mb}, id, 4 FROM input_key WHERE key = '1.1.stand_required';
         UPDATE cycle SET scores_stale = 0 WHERE id = {cycle};"
    ))
    .unwrap();
    let members_before = one(
        &conn,
        &format!("SELECT count(*) FROM membership WHERE cycle_id = {cycle}"),
    );
    let last_audit = one(&conn, "SELECT coalesce(max(id), 0) FROM audit_log");
    let row = |o: &Org, part: &str, values: &str| format!("{};{};{part};{values}\n", o.inn, o.kpp);
    let csv = [
        "ИНН;КПП;Часть;1.1.stand_present;1.1.stand_required;1.2.phone;1.2.email\n".to_string(),
        row(&org_a, "", "4;5;1;0"), // 2: A changes 3 → 4, email new
        row(&org_b, "", "2;4;;"),   // 3: B as stored
        format!("{};;;1;1;;\n", inn(5555)), // 4: rejected, no such organization
        row(&org_c, "", "1;2;;"),   // 5: C new member
        row(&org_c, "Филиал № 1", "3;3;да;"), // 6: C's part, added with C
        row(&org_d, "стационар", "0;7;;"), // 7: D's new part
        row(&org_a, "", "9;9;;"),   // 8: rejected, A again
        row(&org_b, "Филиал", "6;5;;"), // 9: rejected, 6 above 5
        row(&org_d, "", "2,5;;;"),  // 10: rejected, not a whole count
    ]
    .concat();

    let planned = check(&mut conn, &csv, cycle);
    let p = import(&mut conn, &csv, cycle);
    assert!(p.applied);
    assert_eq!(
        (
            p.added_count(),
            p.changed_count(),
            p.unchanged,
            p.rejected_count()
        ),
        (1, 3, 1, 4),
        "{p:?}"
    );
    assert_eq!(
        p.rejected.iter().map(|r| r.line).collect::<Vec<_>>(),
        [4, 8, 9, 10]
    );
    assert_eq!(
        (
            planned.added,
            planned.changed,
            planned.left,
            planned.rejected
        ),
        (
            p.added.clone(),
            p.changed.clone(),
            p.left.clone(),
            p.rejected.clone()
        ),
        "the dry run plans what the import does"
    );

    // Memberships: C added, nothing else.
    let mc: i64 = conn
        .query_row(
            "SELECT id FROM membership WHERE cycle_id = ?1 AND org_id = ?2",
            [cycle, org_c.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        one(
            &conn,
            &format!("SELECT count(*) FROM membership WHERE cycle_id = {cycle}")
        ),
        members_before + 1
    );
    let f = |k: &str, v: f64| (k.to_string(), v);
    assert_eq!(
        own_inputs(&conn, ma),
        [
            f("1.1.stand_present", 4.0),
            f("1.1.stand_required", 5.0),
            f("1.2.email", 0.0),
            f("1.2.phone", 1.0)
        ]
    );
    assert_eq!(
        own_inputs(&conn, mb),
        [f("1.1.stand_present", 2.0), f("1.1.stand_required", 4.0)]
    );
    assert_eq!(
        own_inputs(&conn, mc),
        [f("1.1.stand_present", 1.0), f("1.1.stand_required", 2.0)]
    );
    assert_eq!(own_inputs(&conn, md), []);
    let p3 = |n: &str, k: &str, v: f64| (n.to_string(), k.to_string(), v);
    assert_eq!(
        part_inputs(&conn, mc),
        [
            p3("Филиал № 1", "1.1.stand_present", 3.0),
            p3("Филиал № 1", "1.1.stand_required", 3.0),
            p3("Филиал № 1", "1.2.phone", 1.0)
        ]
    );
    assert_eq!(
        part_inputs(&conn, md),
        [
            p3("стационар", "1.1.stand_present", 0.0),
            p3("стационар", "1.1.stand_required", 7.0)
        ]
    );
    assert_eq!(part_inputs(&conn, ma), []);
    assert_eq!(part_inputs(&conn, mb), []);
    let (pc, pd) = (
        part_id(&conn, mc, "Филиал № 1"),
        part_id(&conn, md, "стационар"),
    );
    let (ii, pi) = ("indicator_input", "org_part_input");
    let (sp, sr) = (Some("1.1.stand_present"), Some("1.1.stand_required"));
    let e = Some("");
    let what_c = format!("ИНН {} «{}»", org_c.inn, org_c.name);
    assert_eq!(
        audit_after(&conn, last_audit),
        [
            // line 2
            a("update", ii, ma, sp, Some("3"), "4"),
            a("update", ii, ma, Some("1.2.email"), e, "0"),
            // line 5
            (
                "insert".to_string(),
                "membership".to_string(),
                Some(mc),
                None,
                None,
                Some(what_c)
            ),
            a("update", ii, mc, sp, e, "1"),
            a("update", ii, mc, sr, e, "2"),
            // line 6
            a("insert", "org_part", pc, Some("name"), None, "Филиал № 1"),
            a("update", pi, pc, sp, e, "3"),
            a("update", pi, pc, sr, e, "3"),
            a("update", pi, pc, Some("1.2.phone"), e, "1"),
            // line 7
            a("insert", "org_part", pd, Some("name"), None, "стационар"),
            a("update", pi, pd, sp, e, "0"),
            a("update", pi, pd, sr, e, "7"),
        ]
    );
    assert_eq!(
        one(
            &conn,
            &format!("SELECT scores_stale FROM cycle WHERE id = {cycle}")
        ),
        1
    );

    // The same file again: every accepted row as stored, nothing written.
    let fingerprint = |conn: &Connection| {
        (
            one(conn, "SELECT count(*) FROM audit_log"),
            one(conn, "SELECT count(*) FROM membership"),
            one(conn, "SELECT count(*) FROM org_part"),
            one(conn, "SELECT count(*) FROM indicator_input"),
            one(conn, "SELECT count(*) FROM org_part_input"),
        )
    };
    let before = fingerprint(&conn);
    let again = import(&mut conn, &csv, cycle);
    assert_eq!(
        (
            again.added_count(),
            again.changed_count(),
            again.unchanged,
            again.rejected_count()
        ),
        (0, 0, 5, 4)
    );
    assert!(!again.applied);
    assert_eq!(fingerprint(&conn), before);
}

/// Values with fractions (minutes of waiting in points, health) are stored as the very numbers
/// of the file: the write reads back the digits the plan wrote, and a second import finds every
/// value equal.
#[test]
fn fractional_values_are_stored_exactly() {
    let (_d, mut conn) = demo();
    let Ok(cycle) = conn.query_row(
        "SELECT id FROM cycle WHERE sector = 'health' AND id IN (SELECT cycle_id FROM membership)
         ORDER BY id LIMIT 1",
        [],
        |r| r.get::<_, i64>(0),
    ) else {
        panic!("the demo database has a health cycle with members");
    };
    let all = members(&conn, cycle);
    let texts = [
        "0,1",
        "33,333333333333336",
        "99,99999999999999",
        "12,345678901234567",
        "0,30000000000000004",
        "7,000000000000001",
        "0,0000001",
    ];
    let mut csv = String::from("ИНН;КПП;2.2.waiting_points\n");
    let mut expected = Vec::new();
    for ((m, o), t) in all.iter().zip(texts) {
        csv.push_str(&format!("{};{};{t}\n", o.inn, o.kpp));
        let v: f64 = t.replace(',', ".").parse().unwrap();
        expected.push((*m, v));
    }
    let p = import(&mut conn, &csv, cycle);
    assert_eq!(p.rejected_count(), 0, "{p:?}");
    for (m, v) in &expected {
        let stored: f64 = conn
            .query_row(
                "SELECT i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id
                 WHERE i.membership_id = ?1 AND k.key = '2.2.waiting_points'",
                [m],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stored.to_bits(), v.to_bits(), "{stored} vs {v}");
    }
    let again = import(&mut conn, &csv, cycle);
    assert_eq!(
        (again.changed_count(), again.unchanged),
        (0, expected.len())
    );
}

/// The import writes its staged rows with a small page cache and gives the connection back the
/// import's cache (16 MB, `store::import::IMPORT_CACHE_KIB`) after: the connection goes on
/// serving the screens, and an import that left 2 MB behind would make them read from disk.
#[test]
fn the_import_gives_the_page_cache_back_after_writing() {
    let (_d, mut conn) = demo();
    let cycle: i64 = conn
        .query_row(
            "SELECT cycle_id FROM membership GROUP BY cycle_id HAVING count(*) >= 2
             ORDER BY cycle_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let all = members(&conn, cycle);
    let mut csv = String::from("ИНН;КПП;1.1.stand_present\n");
    for (_, o) in all.iter().take(2) {
        csv.push_str(&format!("{};{};7\n", o.inn, o.kpp));
    }
    let p = import(&mut conn, &csv, cycle);
    assert_eq!(p.rejected_count(), 0, "{p:?}");
    assert!(p.changed_count() + p.added_count() > 0, "{p:?}");
    let cache: i64 = conn
        .query_row("PRAGMA main.cache_size", [], |r| r.get(0))
        .unwrap();
    assert_eq!(cache, -16 * 1024);
}
