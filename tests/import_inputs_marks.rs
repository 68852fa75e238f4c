//! `nok import inputs` marks the members it writes for the recompute (the triggers of migration
//! 022 on the values, memberships and parts it writes set-based). The marks must be exactly
//! the members whose inputs, parts or membership the import changed — worked out here by plain
//! SQL from the database before and after — and a recompute of the marked members after the
//! import must store what a recompute of every member from nothing stores.

mod recompute_support;

use std::collections::{BTreeMap, BTreeSet};

use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::import::{Kind, Options, apply_file};
use nok::service::methodology::Methods;
use nok::service::recompute::{recompute_cycle, recompute_cycle_full};
use recompute_support::{from_scratch, ids, stored};
use rusqlite::Connection;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn largest_cycle(conn: &Connection) -> i64 {
    conn.query_row(
        "SELECT cycle_id FROM membership GROUP BY cycle_id ORDER BY count(*) DESC, cycle_id LIMIT 1",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// Every member of the cycle with what a recompute reads of it that an import can write: its
/// own inputs, its parts and their inputs (values as their bits, exact).
fn inputs_by_member(conn: &Connection, cycle: i64) -> BTreeMap<i64, BTreeSet<String>> {
    let mut out: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    for m in ids(
        conn,
        "SELECT id FROM membership WHERE cycle_id = ?1",
        [cycle],
    ) {
        out.insert(m, BTreeSet::new());
    }
    let mut stmt = conn
        .prepare(
            "SELECT i.membership_id, '', k.key, i.value FROM indicator_input i
             JOIN input_key k ON k.id = i.key_id
             JOIN membership m ON m.id = i.membership_id WHERE m.cycle_id = ?1
             UNION ALL
             SELECT p.membership_id, p.name, '', NULL FROM org_part p
             JOIN membership m ON m.id = p.membership_id WHERE m.cycle_id = ?1
             UNION ALL
             SELECT p.membership_id, p.name, k.key, pi.value FROM org_part_input pi
             JOIN org_part p ON p.id = pi.part_id JOIN input_key k ON k.id = pi.key_id
             JOIN membership m ON m.id = p.membership_id WHERE m.cycle_id = ?1",
        )
        .unwrap();
    let rows = stmt
        .query_map([cycle], |r| {
            let v: Option<f64> = r.get(3)?;
            Ok((
                r.get::<_, i64>(0)?,
                format!(
                    "{}/{}={:?}",
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    v.map(f64::to_bits)
                ),
            ))
        })
        .unwrap();
    for row in rows {
        let (m, what) = row.unwrap();
        out.entry(m).or_default().insert(what);
    }
    out
}

/// The members of the cycle marked for the recompute.
fn marked(conn: &Connection, cycle: i64) -> BTreeSet<i64> {
    ids(
        conn,
        "SELECT d.membership_id FROM recompute_dirty d
         JOIN membership m ON m.id = d.membership_id WHERE m.cycle_id = ?1",
        [cycle],
    )
    .into_iter()
    .collect()
}

/// A CSV cell for a value: a decimal comma, as people type it.
fn cell(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        v.to_string().replace('.', ",")
    }
}

/// One import of inputs with every kind of row: own values changed (one and several per
/// member), a member's row that changes nothing, values already equal, a new member, a new part
/// with a value, a stored part's value changed, a row the checks refuse. Then the marks are the
/// members whose data changed, the import drops no basis, and the
/// recompute of the marked members stores what a recompute from nothing stores.
#[test]
fn an_import_of_inputs_marks_exactly_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let methods = Methods::builtin().unwrap();
    let opts = DemoOptions {
        orgs: 640,
        seed: 25,
        today: today(),
    };
    let mut conn = open_or_build(&path, &opts, false, &methods, &mut |_| {})
        .unwrap()
        .conn;
    let cycle = largest_cycle(&conn);
    recompute_cycle_full(&mut conn, &methods, cycle).unwrap();
    assert!(
        marked(&conn, cycle).is_empty(),
        "a full recompute clears marks"
    );

    // The cycle's members with their organization and their own inputs, and the keys in use.
    let members: Vec<(i64, String, String)> = conn
        .prepare(
            "SELECT m.id, o.inn, o.kpp FROM membership m JOIN organization o ON o.id = m.org_id
             WHERE m.cycle_id = ?1 ORDER BY m.id",
        )
        .unwrap()
        .query_map([cycle], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // Enough members that the seven marked below are scored alone (not the whole cycle: see
    // service::recompute, REDO_ALL_SHARE).
    assert!(members.len() >= 32, "{}", members.len());
    let inputs_of = |conn: &Connection, m: i64| -> Vec<(String, f64)> {
        conn.prepare(
            "SELECT k.key, i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id
             WHERE i.membership_id = ?1 ORDER BY k.key",
        )
        .unwrap()
        .query_map([m], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let keys: Vec<String> = {
        let mut k: BTreeSet<String> = BTreeSet::new();
        for (m, _, _) in &members {
            k.extend(inputs_of(&conn, *m).into_iter().map(|(key, _)| key));
        }
        k.into_iter().collect()
    };
    assert!(keys.len() >= 4, "{keys:?}");
    let col = |key: &str| keys.iter().position(|k| k == key).unwrap();

    // An organization of the cycle's sector not in it yet (added by the import); a demo
    // database may have none, then one member is taken out of the cycle by SQL first (its
    // results and inputs with it) and computed without, so that the import adds it back.
    let outside = ids(
        &conn,
        "SELECT o.id FROM organization o, cycle c WHERE c.id = ?1 AND o.sector = c.sector
           AND NOT EXISTS (SELECT 1 FROM membership m WHERE m.org_id = o.id AND m.cycle_id = c.id)
         ORDER BY o.id LIMIT 1",
        [cycle],
    );
    let (new_inn, new_kpp): (String, String) = match outside.first() {
        Some(&o) => conn
            .query_row(
                "SELECT inn, kpp FROM organization WHERE id = ?1",
                [o],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap(),
        None => {
            let (m, inn, kpp) = members.last().unwrap().clone();
            conn.execute_batch(&format!(
                "DELETE FROM score_parts WHERE membership_id = {m};
                 DELETE FROM score WHERE membership_id = {m};
                 DELETE FROM indicator_input WHERE membership_id = {m};
                 DELETE FROM org_part_input WHERE part_id IN (SELECT id FROM org_part WHERE membership_id = {m});
                 DELETE FROM org_part_result WHERE part_id IN (SELECT id FROM org_part WHERE membership_id = {m});
                 DELETE FROM org_part WHERE membership_id = {m};
                 DELETE FROM membership WHERE id = {m};"
            ))
            .unwrap();
            recompute_cycle_full(&mut conn, &methods, cycle).unwrap();
            (inn, kpp)
        }
    };
    let members: Vec<(i64, String, String)> = members
        .into_iter()
        .filter(|(_, inn, kpp)| (inn, kpp) != (&new_inn, &new_kpp))
        .collect();

    // A stored part of one member, with one value (by SQL, before the baseline is computed).
    let with_part = members[9].0;
    let (part_key, part_value) = inputs_of(&conn, with_part)[0].clone();
    conn.execute_batch(&format!(
        "INSERT INTO org_part (membership_id, name) VALUES ({with_part}, 'Филиал № 1');
         INSERT INTO org_part_input (part_id, key_id, value)
         SELECT last_insert_rowid(), id, {part_value} FROM input_key WHERE key = '{part_key}';"
    ))
    .unwrap();
    recompute_cycle_full(&mut conn, &methods, cycle).unwrap();
    assert!(marked(&conn, cycle).is_empty());

    // The file: ИНН;КПП;Часть and one column per key; each row fills some of them.
    let mut csv = format!("ИНН;КПП;Часть;{}\n", keys.join(";"));
    let mut line = |inn: &str, kpp: &str, part: &str, values: &[(&str, String)]| {
        let mut cells = vec![String::new(); keys.len()];
        for (key, v) in values {
            cells[col(key)] = v.clone();
        }
        csv.push_str(&format!("{inn};{kpp};{part};{}\n", cells.join(";")));
    };
    // Rows 0–1: one value of each member one less or one more (a pair's numerator above its
    // denominator is refused; some of these may be, which the comparison below takes as it is).
    for (i, (m, inn, kpp)) in members[..2].iter().enumerate() {
        let own = inputs_of(&conn, *m);
        let (key, v) = &own[i % own.len()];
        let new = if i % 2 == 0 && *v >= 1.0 {
            v - 1.0
        } else {
            v + 1.0
        };
        line(inn, kpp, "", &[(key, cell(new))]);
    }
    // Row 5: several values changed at once (each halved).
    {
        let (m, inn, kpp) = &members[5];
        let own = inputs_of(&conn, *m);
        let vals: Vec<(&str, String)> = own
            .iter()
            .take(3)
            .map(|(k, v)| (k.as_str(), cell((v / 2.0).floor())))
            .collect();
        line(inn, kpp, "", &vals);
    }
    // Row 6: every value as stored — changes nothing.
    {
        let (m, inn, kpp) = &members[6];
        let own = inputs_of(&conn, *m);
        let vals: Vec<(&str, String)> = own.iter().map(|(k, v)| (k.as_str(), cell(*v))).collect();
        line(inn, kpp, "", &vals);
    }
    // Row 7: a value the checks refuse (not a number).
    {
        let (_, inn, kpp) = &members[7];
        line(inn, kpp, "", &[(keys[0].as_str(), "много".to_string())]);
    }
    // Row 8: a new part with one value.
    {
        let (m, inn, kpp) = &members[8];
        let (key, v) = inputs_of(&conn, *m)[0].clone();
        line(inn, kpp, "Филиал № 2", &[(key.as_str(), cell(v))]);
    }
    // Row 9: the stored part's value changed.
    {
        let (_, inn, kpp) = &members[9];
        line(
            inn,
            kpp,
            "Филиал № 1",
            &[(
                part_key.as_str(),
                cell(if part_value >= 1.0 {
                    part_value - 1.0
                } else {
                    part_value + 1.0
                }),
            )],
        );
    }
    // Row 10: a new member with values like those of another.
    {
        let own = inputs_of(&conn, members[10].0);
        let vals: Vec<(&str, String)> = own.iter().map(|(k, v)| (k.as_str(), cell(*v))).collect();
        line(&new_inn, &new_kpp, "", &vals);
    }
    let file = dir.path().join("inputs.csv");
    std::fs::write(&file, csv).unwrap();

    let before = inputs_by_member(&conn, cycle);
    let basis = |conn: &Connection| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM recompute_basis WHERE cycle_id = ?1",
            [cycle],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(basis(&conn), 1);
    // Rows the checks refuse are skipped; the rest are written in one transaction.
    apply_file(
        &mut conn,
        &file,
        &Kind::Inputs { cycle_id: cycle },
        &Options::default(),
        today(),
        true,
        &mut |_| {},
    )
    .unwrap();
    let after = inputs_by_member(&conn, cycle);

    // What changed, by member: a member new to the cycle, or whose inputs or parts differ.
    let changed: BTreeSet<i64> = after
        .iter()
        .filter(|(m, now)| before.get(m) != Some(now))
        .map(|(m, _)| *m)
        .collect();
    let added: Vec<i64> = after
        .keys()
        .filter(|m| !before.contains_key(m))
        .copied()
        .collect();
    assert_eq!(added.len(), 1, "the new member was added");
    assert!(changed.contains(&members[8].0), "the new part");
    assert!(changed.contains(&members[9].0), "the part's value");
    assert!(changed.contains(&members[5].0), "several values");
    assert!(!changed.contains(&members[6].0), "nothing changed");
    assert!(!changed.contains(&members[7].0), "refused");
    assert!(changed.len() >= 4, "{changed:?}");

    assert_eq!(
        marked(&conn, cycle),
        changed,
        "the marks are the members written"
    );
    assert_eq!(basis(&conn), 1, "an import of inputs drops no basis");

    // After the import, a form's save marks its member through the trigger again.
    let (m, _, _) = &members[11];
    conn.execute(
        "UPDATE indicator_input SET value = value + 1 WHERE membership_id = ?1
           AND key_id = (SELECT min(key_id) FROM indicator_input WHERE membership_id = ?1)",
        [m],
    )
    .unwrap();
    assert!(marked(&conn, cycle).contains(m), "the trigger marks again");

    let done = recompute_cycle(&mut conn, &methods, cycle).unwrap();
    assert_eq!(done.redone, changed.len() + 1, "{done:?}");
    assert!(marked(&conn, cycle).is_empty());
    let incremental = stored(&conn, cycle);
    let (full, _) = from_scratch(&conn, dir.path(), cycle, &methods);
    for ((name, a), (_, b)) in incremental.iter().zip(&full) {
        assert_eq!(a, b, "{name} differs");
    }
}
