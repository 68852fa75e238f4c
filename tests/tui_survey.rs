//! «Обмен» → survey responses: the file is read off the UI thread, the preview shows the
//! mapping of columns to questions, the rules and the counts, and only Enter writes.

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
fn survey_responses_load_from_the_exchange_screen_after_their_preview() {
    let (d, mut app) = app();
    let conn = rusqlite::Connection::open(d.path().join("demo.sqlite")).unwrap();
    let (cycle, org, inn): (i64, i64, String) = conn
        .query_row(
            "SELECT c.id, o.id, o.inn FROM cycle c JOIN membership m ON m.cycle_id = c.id
             JOIN organization o ON o.id = m.org_id
             WHERE c.sector = 'social'
               AND (SELECT count(*) FROM organization x WHERE x.inn = o.inn) = 1
             ORDER BY c.year DESC, c.id DESC, o.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    // Overall satisfaction: да, нет, затрудняюсь — 1 of 2 (the unsure one is not counted).
    std::fs::write(
        d.path().join("анкеты.csv"),
        format!(
            "ИНН;15. Удовлетворены ли Вы в целом условиями оказания услуг в организации?\n\
             {inn};Да\n{inn};нет\n{inn};Затрудняюсь ответить\n"
        ),
    )
    .unwrap();
    let count = |c: &rusqlite::Connection, key: &str| -> Option<f64> {
        c.query_row(
            "SELECT i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id
             JOIN membership m ON m.id = i.membership_id
             WHERE m.cycle_id = ?1 AND m.org_id = ?2 AND k.key = ?3",
            rusqlite::params![cycle, org, key],
            |r| r.get(0),
        )
        .ok()
    };
    let before = (count(&conn, "5.3.yes"), count(&conn, "5.3.asked"));
    type_keys(&mut app, "8");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    while !screen(&app, 120, 40).contains("› анкеты.csv") {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    while !screen(&app, 120, 40).contains("› анкеты получателей услуг") {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    let label = format!("› №{cycle} ");
    while !screen(&app, 120, 40).contains(&label) {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    wait(&mut app);
    let s = screen(&app, 120, 40);
    assert!(s.contains("вопрос 15 → 5.3.yes / 5.3.asked"), "{s}");
    assert!(s.contains("Enter: загрузить"), "{s}");
    assert_eq!(
        (count(&conn, "5.3.yes"), count(&conn, "5.3.asked")),
        before,
        "a preview writes nothing"
    );
    // The rules are in the preview, further down.
    let mut seen = String::new();
    for _ in 0..40 {
        seen.push_str(&screen(&app, 120, 40));
        press(&mut app, KeyCode::Down);
    }
    assert!(seen.contains("Строк анкет: 3"), "{seen}");
    assert!(seen.contains("затрудняюсь"), "{seen}");
    press(&mut app, KeyCode::Enter);
    wait(&mut app);
    let s = screen(&app, 120, 40);
    assert!(s.contains("Загружено анкет: 3"), "{s}");
    assert_eq!(
        (count(&conn, "5.3.yes"), count(&conn, "5.3.asked")),
        (Some(1.0), Some(2.0))
    );
}
