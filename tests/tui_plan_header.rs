//! The plan header in the terminal UI, driven by keys over the demo database: the plan view
//! shows who approved the plan and what the portal's document still lacks; `r` opens the header
//! form; a save is checked, written, audited field by field, and the view says what is missing
//! no more.

mod common;

use common::*;
use nok::tui::app::App;
use nok::tui::screens::edit_plan_header::PlanHeaderForm;
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
}
