//! The column-role step of the import preview: a plan document whose columns were read with
//! doubt shows each column's role and why, lets a person change a role (←→, e) and confirm it
//! (Enter checks the file again with those roles), and only then loads it.

mod common;

use common::*;
use nok::tui::app::App;
use nok::tui::screens::exchange::ExchangeScreen;
use ratatui::crossterm::event::KeyCode;

fn exchange(app: &App) -> &ExchangeScreen {
    app.current().as_any().downcast_ref().unwrap()
}

fn wait(app: &mut App) {
    let started = std::time::Instant::now();
    while exchange(app).busy() {
        app.tick();
        assert!(started.elapsed().as_secs() < 120, "work did not finish");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    app.tick();
}

#[test]
fn an_uncertain_plan_table_asks_for_its_columns_in_the_preview() {
    let (d, mut app) = app();
    let conn = rusqlite::Connection::open(d.path().join("demo.sqlite")).unwrap();
    let plans = |c: &rusqlite::Connection| -> i64 {
        c.query_row("SELECT count(*) FROM workplan", [], |r| r.get(0))
            .unwrap()
    };
    let before = plans(&conn);
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/import/workplan_ambiguous.txt"
        ),
        d.path().join("план.txt"),
    )
    .unwrap();
    type_keys(&mut app, "8");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    while !screen(&app, 120, 40).contains("› план.txt") {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app, 120, 40).contains("Что в файле"));
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter); // план уполномоченного органа
    press(&mut app, KeyCode::Enter); // the first authority
    wait(&mut app);
    let s = screen(&app, 140, 45);
    assert!(s.contains("Подтвердите роли колонок"), "{s}");
    assert!(s.contains("3: прочее"), "{s}");
    assert!(s.contains("по содержанию"), "{s}");
    assert!(s.contains("Нужно подтверждение"), "{s}");
    // Column 3 becomes «результат»: prочее → № → мероприятие → срок → исполнители → результат.
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    type_keys(&mut app, "eeeee");
    let s = screen(&app, 140, 45);
    assert!(s.contains("▶ 3: результат"), "{s}");
    assert_eq!(plans(&conn), before, "nothing written yet");
    press(&mut app, KeyCode::Enter); // confirm: the file is checked again with these roles
    wait(&mut app);
    let s = screen(&app, 140, 45);
    assert!(s.contains("указано в --columns"), "{s}");
    assert!(s.contains("Enter: загрузить"), "{s}");
    assert!(!s.contains("Нужно подтверждение"), "{s}");
    press(&mut app, KeyCode::Enter);
    wait(&mut app);
    assert_eq!(plans(&conn), before + 1);
    let form: String = conn
        .query_row(
            "SELECT form FROM workplan_item WHERE workplan_id = (SELECT max(id) FROM workplan) AND number = '3'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(form, "Составление протокола совета");
}
