//! The inputs of a part of an organization, in the terminal UI: `e` on the card of an organization
//! assessed in parts asks whose inputs to edit; a part's form shows its own values, takes the
//! organization's where it has none (as scoring does), saves into the part's inputs with the
//! part's version and the audit log, and `u` undoes it.

mod common;

use common::*;
use nok::domain::scoring::{Inputs, score};
use nok::service::methodology::Methods;
use nok::tui::app::App;
use nok::tui::forms::inputs::InputsForm;
use nok::tui::screens::input_holder::HolderChoice;
use nok::tui::screens::org_card::OrgCardScreen;
use ratatui::crossterm::event::KeyCode;
use rusqlite::Connection;

fn inputs_of(conn: &Connection, sql: &str, id: i64) -> Inputs {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn own_inputs(conn: &Connection, membership: i64) -> Inputs {
    inputs_of(
        conn,
        "SELECT k.key, i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id
         WHERE i.membership_id = ?1",
        membership,
    )
}

fn part_inputs(conn: &Connection, part: i64) -> Inputs {
    inputs_of(
        conn,
        "SELECT k.key, i.value FROM org_part_input i JOIN input_key k ON k.id = i.key_id
         WHERE i.part_id = ?1",
        part,
    )
}

fn form(app: &App) -> &InputsForm {
    app.current()
        .as_any()
        .downcast_ref()
        .unwrap_or_else(|| panic!("the inputs form is open:\n{}", screen(app, 120, 40)))
}

#[test]
fn a_part_is_chosen_edited_with_the_organizations_values_filling_in_audited_and_undone() {
    let (d, mut app) = app();
    let conn = sql(&d);
    // The third organization's card, then two parts for its latest cycle: the head office with
    // every input of the organization, the branch with only the survey's counts (its own
    // «5.3.yes» lower), as a survey with a part column leaves them.
    type_keys(&mut app, "2jj");
    press(&mut app, KeyCode::Enter);
    let card: &OrgCardScreen = app.current().as_any().downcast_ref().unwrap();
    let c = card.cycle().unwrap().clone();
    let own = own_inputs(&conn, c.membership_id);
    assert!(own.get("5.3.yes").is_some_and(|v| v >= 1.0));
    conn.execute_batch(&format!(
        "INSERT INTO org_part (membership_id, name) VALUES ({m}, 'Головное учреждение');
         INSERT INTO org_part_input (part_id, key_id, value)
             SELECT last_insert_rowid(), key_id, value FROM indicator_input WHERE membership_id = {m};
         INSERT INTO org_part (membership_id, name) VALUES ({m}, 'Филиал № 1');
         INSERT INTO org_part_input (part_id, key_id, value)
             SELECT (SELECT max(id) FROM org_part), i.key_id,
                    CASE WHEN k.key = '5.3.yes' THEN i.value - 1 ELSE i.value END
             FROM indicator_input i JOIN input_key k ON k.id = i.key_id
             WHERE i.membership_id = {m}
               AND (k.key LIKE '%.yes%' OR k.key LIKE '%.asked%');",
        m = c.membership_id
    ))
    .unwrap();
    let branch: i64 = conn
        .query_row("SELECT max(id) FROM org_part", [], |r| r.get(0))
        .unwrap();
    let branch_own = part_inputs(&conn, branch);
    // The card is read again (back and in), and `e` asks whose inputs.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "e");
    assert!(
        app.current().as_any().is::<HolderChoice>(),
        "{}",
        screen(&app, 120, 40)
    );
    let s = screen(&app, 120, 40);
    assert!(s.contains("оценивается по частям"), "{s}");
    assert!(s.contains("Часть «Филиал № 1»"), "{s}");
    // The branch: its form scores its own counts with the organization's other inputs.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let f = form(&app);
    let methods = Methods::builtin().unwrap();
    let m = methods.get(&c.methodology).unwrap();
    let mut effective = own.clone();
    for (k, v) in branch_own.iter() {
        effective.set(k, v);
    }
    let want = score(m, c.sector, "", &effective).unwrap();
    assert_eq!(f.spec().live().unwrap().total, want.total);
    assert_ne!(
        want.total,
        score(m, c.sector, "", &own).unwrap().total,
        "the branch's own 5.3 counts"
    );
    // Its first field (the stand's materials) is the organization's: empty, and said so.
    let first = &f.form.fields[0];
    assert!(first.text.is_empty(), "{:?}", first.text);
    let s = screen(&app, 120, 40);
    assert!(s.contains("часть «Филиал № 1»"), "{s}");
    assert!(
        s.contains("поле пусто: в расчете части — значение организации"),
        "{s}"
    );
    // Typed and saved: into the branch's inputs, with its version, audited; the organization's
    // own inputs untouched.
    type_keys(&mut app, "5");
    ctrl(&mut app, 's');
    let after = part_inputs(&conn, branch);
    let first_key = m.indicators_for(c.sector)[0].inputs[0].key.clone();
    assert_eq!(
        after.get(&first_key),
        Some(5.0),
        "{}",
        screen(&app, 120, 40)
    );
    assert_eq!(own_inputs(&conn, c.membership_id), own);
    let (version, audited, stale): (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT version FROM org_part WHERE id = ?1),
                    (SELECT count(*) FROM audit_log WHERE entity = 'org_part_input'
                       AND entity_id = ?1 AND field = ?2 AND new_value = '5'
                       AND note LIKE '%части «Филиал № 1»%'),
                    (SELECT scores_stale FROM cycle WHERE id = ?3)",
            rusqlite::params![branch, first_key, c.cycle_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((version, audited), (2, 1));
    assert_eq!(stale, 1, "the cycle's scores are stale");
    // `u` takes the value away again: the branch has none of its own.
    type_keys(&mut app, "u");
    assert_eq!(
        part_inputs(&conn, branch).get(&first_key),
        None,
        "{}",
        screen(&app, 120, 40)
    );
}
