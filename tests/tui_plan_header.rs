//! The plan header in the terminal UI, driven by keys over the demo database: the plan view
//! shows who approved the plan and what the portal's document still lacks; `r` opens the header
//! form; a save is checked, written, audited field by field, and the view says what is missing
//! no more.

mod common;

use common::*;
use nok::tui::app::App;
use nok::tui::forms::plan_header::PlanHeaderForm;
use nok::tui::screens::org_card::OrgCardScreen;
use nok::tui::screens::org_plan::OrgPlanScreen;
use ratatui::crossterm::event::KeyCode;
use rusqlite::Connection;

fn header_form(app: &App) -> &PlanHeaderForm {
    app.current()
        .as_any()
        .downcast_ref()
        .unwrap_or_else(|| panic!("the header form is open:\n{}", screen(app, 120, 40)))
}

fn focus(app: &mut App, label: &str) {
    for _ in 0..30 {
        let f = &header_form(app).form;
        if f.fields[f.focus].label == label {
            return;
        }
        press(app, KeyCode::Tab);
    }
    panic!("no field «{label}»");
}

fn retype(app: &mut App, text: &str) {
    let f = &header_form(app).form;
    for _ in 0..f.fields[f.focus].text.chars().count() {
        press(app, KeyCode::Backspace);
    }
    type_keys(app, text);
}

fn one(conn: &Connection, sql: &str, org: i64, cycle: i64) -> String {
    conn.query_row(sql, [org, cycle], |r| r.get::<_, Option<String>>(0))
        .unwrap()
        .unwrap_or_default()
}

#[test]
fn the_plan_header_is_shown_edited_checked_and_audited() {
    let (d, mut app) = app();
    let conn = sql(&d);
    type_keys(&mut app, "2jj");
    press(&mut app, KeyCode::Enter);
    let card: &OrgCardScreen = app.current().as_any().downcast_ref().unwrap();
    let (org, cycle) = (card.identity().id, card.cycle().unwrap().cycle_id);
    // Remove the approver's patronymic behind the UI's back: the card and the view say so.
    conn.execute(
        "UPDATE plan_header SET approver_middle_name = '' WHERE org_id = ?1 AND cycle_id = ?2",
        [org, cycle],
    )
    .unwrap();
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 120, 200);
    assert!(s.contains("Для bus.gov.ru не хватает"), "{s}");
    assert!(s.contains("MIDDLE_NAME"), "{s}");
    press(&mut app, KeyCode::Enter);
    let _: &OrgPlanScreen = app.current().as_any().downcast_ref().unwrap();
    let s = screen(&app, 120, 40);
    assert!(s.contains("Заголовок плана (r): утвержден"), "{s}");
    assert!(s.contains("MIDDLE_NAME"), "{s}");

    let control_before = one(
        &conn,
        "SELECT control FROM plan_header WHERE org_id = ?1 AND cycle_id = ?2",
        org,
        cycle,
    );
    type_keys(&mut app, "r");
    let _ = header_form(&app);
    insta::assert_snapshot!("plan_header_form_120x40", screen(&app, 120, 40));
    // A year outside 2013…2100 is refused with the reason; nothing is written.
    let audit = |c: &Connection| -> i64 {
        c.query_row(
            "SELECT count(*) FROM audit_log WHERE entity IN ('plan_header', 'plan_act', 'membership')",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let before = audit(&conn);
    focus(&mut app, "Период плана (год)");
    retype(&mut app, "1999");
    ctrl(&mut app, 's');
    let f = &header_form(&app).form;
    assert_eq!(
        f.fields[1].error.as_deref(),
        Some("год от 2013 до 2100"),
        "{:?}",
        f.fields[1]
    );
    assert_eq!(audit(&conn), before);
    retype(&mut app, "2026");
    focus(&mut app, "Утвердил: отчество");
    retype(&mut app, "Петровна");
    focus(&mut app, "Контроль исполнения");
    retype(&mut app, "Ежемесячно на совещании");
    ctrl(&mut app, 's');
    assert!(
        app.current()
            .as_any()
            .downcast_ref::<OrgPlanScreen>()
            .is_some(),
        "saved and closed:\n{}",
        screen(&app, 120, 40)
    );
    assert_eq!(
        one(
            &conn,
            "SELECT approver_middle_name FROM plan_header WHERE org_id = ?1 AND cycle_id = ?2",
            org,
            cycle
        ),
        "Петровна"
    );
    assert_eq!(
        one(
            &conn,
            "SELECT CAST(plan_period AS TEXT) FROM plan_header WHERE org_id = ?1 AND cycle_id = ?2",
            org,
            cycle
        ),
        "2026"
    );
    assert_eq!(
        one(
            &conn,
            "SELECT control FROM plan_header WHERE org_id = ?1 AND cycle_id = ?2",
            org,
            cycle
        ),
        "Ежемесячно на совещании"
    );
    // One audit entry per changed field: the patronymic, and the period and the control unless
    // the demo already had those values.
    let fields: Vec<String> = conn
        .prepare(
            "SELECT field FROM audit_log WHERE entity = 'plan_header' AND os_user IS NOT NULL
             ORDER BY id DESC LIMIT 3",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        fields.contains(&"approver_middle_name".to_string()),
        "{fields:?}"
    );
    assert!(audit(&conn) > before);
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("Для bus.gov.ru (ТФФ 1.8.3): все обязательное заполнено"),
        "{s}"
    );
    // u takes the save back: the header as it was read, the undo audited.
    type_keys(&mut app, "u");
    let s = screen(&app, 120, 40);
    assert!(s.contains("отменено: заголовок плана"), "{s}");
    for (column, was) in [
        ("approver_middle_name", ""),
        ("control", control_before.as_str()),
    ] {
        assert_eq!(
            one(
                &conn,
                &format!("SELECT {column} FROM plan_header WHERE org_id = ?1 AND cycle_id = ?2"),
                org,
                cycle
            ),
            was,
            "{column}"
        );
    }
    let undone: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'plan_header'
             AND field = 'approver_middle_name' AND old_value = 'Петровна'
             AND note LIKE 'отмена изменения: заголовок плана%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(undone, 1);
    assert!(
        s.contains("MIDDLE_NAME"),
        "the view says the patronymic is missing again: {s}"
    );
}

/// «Обмен» → load a file → the portal's plan document: previewed, then written on Enter.
#[test]
fn a_portal_plan_document_is_loaded_from_the_exchange_screen() {
    use nok::exchange::busgov::Kind;
    use nok::service::export::busgov::{Options, export};
    use nok::tui::screens::exchange::ExchangeScreen;
    let (d, mut app) = app();
    let mut conn = sql(&d);
    let (cycle, org, inn): (i64, i64, String) = conn
        .query_row(
            "SELECT p.cycle_id, p.org_id, o.inn FROM plan_row p JOIN organization o ON o.id = p.org_id
             ORDER BY p.cycle_id DESC, p.org_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let methods = nok::service::methodology::Methods::load().unwrap();
    let out = d.path().join("pkg");
    let done = export(
        &mut conn,
        &methods,
        &Options {
            cycle_id: cycle,
            kinds: vec![Kind::PortalPlan],
            out_dir: out.clone(),
            changed_only: false,
        },
        &std::sync::atomic::AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    let dir = done.paths.unwrap().dir;
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(&format!("_{inn}.xml")))
        .unwrap();
    std::fs::copy(&file, d.path().join("план_портала.xml")).unwrap();
    let rows = |c: &Connection| -> i64 {
        c.query_row(
            "SELECT count(*) FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2",
            [cycle, org],
            |r| r.get(0),
        )
        .unwrap()
    };
    let had = rows(&conn);
    assert!(had > 0);
    conn.execute(
        "DELETE FROM plan_row WHERE cycle_id = ?1 AND org_id = ?2",
        [cycle, org],
    )
    .unwrap();
    let exchange = |app: &App| -> bool {
        app.current()
            .as_any()
            .downcast_ref::<ExchangeScreen>()
            .is_some_and(|e| e.busy())
    };
    let wait = |app: &mut App| {
        let started = std::time::Instant::now();
        while exchange(app) {
            app.tick();
            assert!(started.elapsed().as_secs() < 120, "work did not finish");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        app.tick();
    };
    type_keys(&mut app, "8");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    while !screen(&app, 120, 40).contains("› план_портала.xml") {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    while !screen(&app, 120, 40).contains("› план по устранению недостатков (цикл)")
    {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    let mark = format!("› №{cycle} ·");
    for _ in 0..200 {
        if screen(&app, 120, 40).contains(&mark) {
            break;
        }
        press(&mut app, KeyCode::Down);
    }
    assert!(
        screen(&app, 120, 40).contains(&mark),
        "{}",
        screen(&app, 120, 40)
    );
    press(&mut app, KeyCode::Enter);
    wait(&mut app);
    let s = screen(&app, 120, 40);
    assert!(s.contains(&format!("Добавится: {had}")), "{s}");
    assert_eq!(rows(&conn), 0, "a preview writes nothing");
    press(&mut app, KeyCode::Enter);
    wait(&mut app);
    assert_eq!(rows(&conn), had);
}
