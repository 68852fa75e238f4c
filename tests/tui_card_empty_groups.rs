//! The organization card names the rule applied to an empty group and the method's act: an
//! organization of the demo database whose disabled respondents and remote users are set to none,
//! recomputed, then opened with `:org ИНН` the way a person would.

mod common;

use common::*;
use nok::service::methodology::Methods;
use nok::service::recompute::recompute_cycle;
use ratatui::crossterm::event::KeyCode;
use rusqlite::Connection;

#[test]
fn card_shows_the_empty_group_rule_and_the_method_act() {
    let mut target = (0i64, String::new());
    let (_d, mut app) = app_with(|conn| {
        let (membership, cycle, inn): (i64, i64, String) = conn
            .query_row(
                "SELECT m.id, m.cycle_id, o.inn FROM membership m
                 JOIN organization o ON o.id = m.org_id
                 JOIN cycle c ON c.id = m.cycle_id
                 ORDER BY c.year DESC, m.id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        for key in ["3.3.yes", "3.3.asked", "4.3.yes", "4.3.asked"] {
            let changed = conn
                .execute(
                    "UPDATE indicator_input SET value = 0 WHERE membership_id = ?1
                     AND key_id = (SELECT id FROM input_key WHERE key = ?2)",
                    rusqlite::params![membership, key],
                )
                .unwrap();
            assert_eq!(changed, 1, "{key}");
        }
        let mut own = Connection::open(conn.path().unwrap()).unwrap();
        let done = recompute_cycle(&mut own, &Methods::builtin().unwrap(), cycle).unwrap();
        assert!(done.failed.is_empty(), "{:?}", done.failed);
        // 3.3 and 4.3 are not stored for the member: they were left out.
        let stored: i64 = own
            .query_row(
                "SELECT count(*) FROM score_part WHERE membership_id = ?1 AND code IN ('3.3', '4.3')",
                [membership],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stored, 0);
        target = (membership, inn);
    });
    type_keys(&mut app, &format!(":org {}", target.1));
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 200, 400);
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "нет опрошенных инвалидов — показатель не учитывается, его вес распределен между остальными показателями критерия",
        "нет пользовавшихся дистанционными формами взаимодействия — показатель не учитывается",
        "Методика 2018: приказ Минтруда России от 31.05.2018 № 344н",
    ] {
        assert!(flat.contains(needle), "{needle}\n{s}");
    }
}

#[test]
fn card_lists_the_parts_of_an_organization_assessed_in_parts() {
    let mut inn = String::new();
    let (_d, mut app) = app_with(|conn| {
        let (membership, cycle, org_inn): (i64, i64, String) = conn
            .query_row(
                "SELECT m.id, m.cycle_id, o.inn FROM membership m
                 JOIN organization o ON o.id = m.org_id
                 JOIN cycle c ON c.id = m.cycle_id
                 ORDER BY c.year DESC, m.id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        // Two parts with the member's own inputs; the branch has no disabled respondents.
        for (id, name) in [(1, "Головное учреждение"), (2, "Филиал № 1")]
        {
            conn.execute(
                "INSERT INTO org_part (id, membership_id, name) VALUES (?1, ?2, ?3)",
                rusqlite::params![id, membership, name],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO org_part_input (part_id, key_id, value)
                 SELECT ?1, key_id, value FROM indicator_input WHERE membership_id = ?2",
                rusqlite::params![id, membership],
            )
            .unwrap();
        }
        conn.execute(
            "UPDATE org_part_input SET value = 0 WHERE part_id = 2
             AND key_id IN (SELECT id FROM input_key WHERE key IN ('3.3.yes', '3.3.asked'))",
            [],
        )
        .unwrap();
        let mut own = Connection::open(conn.path().unwrap()).unwrap();
        let done = recompute_cycle(&mut own, &Methods::builtin().unwrap(), cycle).unwrap();
        assert!(done.failed.is_empty(), "{:?}", done.failed);
        inn = org_inn;
    });
    type_keys(&mut app, &format!(":org {inn}"));
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 200, 400);
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "Оценка по частям (2): показатели организации — среднее значений частей",
        "Головное учреждение: S =",
        "Филиал № 1: S =",
        "Филиал № 1: нет опрошенных инвалидов — показатель не учитывается",
    ] {
        assert!(flat.contains(needle), "{needle}\n{s}");
    }
}
