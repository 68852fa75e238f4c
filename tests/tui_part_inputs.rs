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

/// Back to the organization's card (from a form or the choice of whose inputs).
fn to_card(app: &mut App) {
    for _ in 0..3 {
        if app.current().as_any().is::<OrgCardScreen>() {
            return;
        }
        press(app, KeyCode::Esc);
    }
    assert!(
        app.current().as_any().is::<OrgCardScreen>(),
        "{}",
        screen(app, 120, 40)
    );
}

/// The index of the form's field holding `key` (the form lists each indicator's inputs, then its
/// checklist items, in the methodology's order).
fn field_of(
    m: &nok::domain::methodology::Methodology,
    sector: nok::domain::sector::Sector,
    key: &str,
) -> usize {
    let mut keys = Vec::new();
    for def in m.indicators_for(sector) {
        keys.extend(def.inputs.iter().map(|i| i.key.clone()));
        keys.extend(def.checklist.iter().map(|i| i.key.clone()));
    }
    keys.iter().position(|k| k == key).unwrap()
}

#[test]
fn a_parts_checklist_item_says_no_over_the_organizations_yes_or_takes_its_mark() {
    let (d, mut app) = app();
    let conn = sql(&d);
    type_keys(&mut app, "2jj");
    press(&mut app, KeyCode::Enter);
    let card: &OrgCardScreen = app.current().as_any().downcast_ref().unwrap();
    let c = card.cycle().unwrap().clone();
    let own = own_inputs(&conn, c.membership_id);
    let methods = Methods::builtin().unwrap();
    let m = methods.get(&c.methodology).unwrap();
    // An item the organization has («есть») whose «нет» changes S.
    let base = score(m, c.sector, "", &own).unwrap().total;
    let item = m
        .indicators_for(c.sector)
        .iter()
        .flat_map(|d| d.checklist.iter())
        .map(|i| i.key.clone())
        .find(|k| {
            let mut without = own.clone();
            without.set(k.as_str(), 0.0);
            own.get(k) == Some(1.0) && score(m, c.sector, "", &without).unwrap().total != base
        })
        .expect("the organization has an item whose absence lowers S");
    // Two parts with no inputs of their own: both take everything from the organization.
    conn.execute_batch(&format!(
        "INSERT INTO org_part (membership_id, name) VALUES ({m}, 'Филиал А');
         INSERT INTO org_part (membership_id, name) VALUES ({m}, 'Филиал Б');",
        m = c.membership_id
    ))
    .unwrap();
    let part_id = |name: &str| -> i64 {
        conn.query_row("SELECT id FROM org_part WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let (a, b) = (part_id("Филиал А"), part_id("Филиал Б"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Enter);
    // Part А's form: the item reads «как у организации: есть», and S is the organization's.
    type_keys(&mut app, "e");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(form(&app).spec().live().unwrap().total, base);
    for _ in 0..field_of(m, c.sector, &item) {
        press(&mut app, KeyCode::Down);
    }
    let s = screen(&app, 140, 50);
    assert!(s.contains("‹ как у организации: есть ›"), "{s}");
    assert!(
        s.contains("у части пункт не введен: в расчете — отметка организации «есть»"),
        "{s}"
    );
    // «н» chooses «нет»: S on screen is the organization's inputs with the item absent.
    type_keys(&mut app, "н");
    let s = screen(&app, 140, 50);
    assert!(s.contains("‹ нет ›"), "{s}");
    let mut without = own.clone();
    without.set(item.as_str(), 0.0);
    let want = score(m, c.sector, "", &without).unwrap().total;
    assert_eq!(form(&app).spec().live().unwrap().total, want);
    assert_ne!(want, base);
    // Saved: part А has its own 0; part Б and the organization are untouched.
    ctrl(&mut app, 's');
    assert_eq!(
        part_inputs(&conn, a).get(&item),
        Some(0.0),
        "{}",
        screen(&app, 140, 50)
    );
    assert_eq!(part_inputs(&conn, b).get(&item), None);
    assert_eq!(own_inputs(&conn, c.membership_id), own);
    // Back on the choice of whose inputs: it is read again, part А has one value of its own more.
    assert!(app.current().as_any().is::<HolderChoice>());
    let s = screen(&app, 140, 50);
    assert!(
        s.contains("своих значений 1, у организации взято 49"),
        "{s}"
    );
    assert!(
        s.contains("своих значений 0, у организации взято 50"),
        "{s}"
    );
    // The card (read again) counts one value fewer taken from the organization for part А.
    to_card(&mut app);
    let s = screen(&app, 140, 60);
    assert!(s.contains("Филиал А: не рассчитано"), "{s}");
    assert!(
        s.contains("(у организации взято исходных значений: 49)"),
        "{s}"
    );
    assert!(
        s.contains("(у организации взято исходных значений: 50)"),
        "{s}"
    );
    // Part Б's form still reads the organization's mark, and scores with the item.
    type_keys(&mut app, "e");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(form(&app).spec().live().unwrap().total, base);
    for _ in 0..field_of(m, c.sector, &item) {
        press(&mut app, KeyCode::Down);
    }
    let s = screen(&app, 140, 50);
    assert!(s.contains("часть «Филиал Б»"), "{s}");
    assert!(s.contains("‹ как у организации: есть ›"), "{s}");
    to_card(&mut app);
    // Part А's form reads its «нет» back; «к» returns it to the organization's mark, and saving
    // removes the part's own value.
    type_keys(&mut app, "e");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    for _ in 0..field_of(m, c.sector, &item) {
        press(&mut app, KeyCode::Down);
    }
    let s = screen(&app, 140, 50);
    assert!(s.contains("часть «Филиал А»"), "{s}");
    assert!(s.contains("‹ нет ›"), "{s}");
    type_keys(&mut app, "к");
    ctrl(&mut app, 's');
    assert_eq!(
        part_inputs(&conn, a).get(&item),
        None,
        "{}",
        screen(&app, 140, 50)
    );
}
