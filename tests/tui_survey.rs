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

#[test]
fn editing_an_input_counted_from_the_survey_asks_first_and_the_audit_says_so() {
    use nok::tui::forms::inputs::InputsForm;
    use nok::tui::screens::org_card::OrgCardScreen;
    let (d, mut app) = app();
    let mut conn = sql(&d);
    type_keys(&mut app, "2jj");
    press(&mut app, KeyCode::Enter);
    let card: &OrgCardScreen = app.current().as_any().downcast_ref().unwrap();
    let c = card.cycle().unwrap().clone();
    let inn = card.identity().org.inn.clone();
    // Stand: one satisfied of two.
    let file = d.path().join("стенд.csv");
    std::fs::write(
        &file,
        "ИНН;При посещении организации обращались ли Вы к информации о ее деятельности, размещенной на информационных стендах в помещениях организации?;Удовлетворены ли Вы открытостью, полнотой и доступностью информации о деятельности организации, размещенной на информационных стендах в помещении организации?\n"
            .to_string()
            + &format!("{inn};да;да\n{inn};да;нет\n"),
    )
    .unwrap();
    let variant = nok::domain::questionnaire::Questionnaire::builtin()
        .unwrap()
        .variants_for(c.sector)[0]
        .code
        .clone();
    let opts = nok::service::survey::Options {
        cycle_id: c.cycle_id,
        variant: Some(variant),
        ..Default::default()
    };
    nok::service::survey::apply(&mut conn, &file, &opts, &mut |_| {}).unwrap();
    type_keys(&mut app, "e");
    let form: &InputsForm = app.current().as_any().downcast_ref().unwrap();
    let at = form
        .form
        .fields
        .iter()
        .position(|f| f.label.starts_with("1.3") && f.label.contains("стендах"))
        .expect("the stand's count");
    assert_eq!(form.form.fields[at].text, "1");
    for _ in 0..at {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Backspace);
    type_keys(&mut app, "2");
    let stored = |conn: &rusqlite::Connection| -> f64 {
        conn.query_row(
            "SELECT i.value FROM indicator_input i JOIN input_key k ON k.id = i.key_id
             WHERE i.membership_id = ?1 AND k.key = '1.3.yes_stand'",
            [c.membership_id],
            |r| r.get(0),
        )
        .unwrap()
    };
    ctrl(&mut app, 's');
    let form: &InputsForm = app.current().as_any().downcast_ref().unwrap();
    let notice = form.form.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("посчитаны из анкет (по 2 анкетам)"),
        "{notice}"
    );
    assert_eq!(stored(&conn), 1.0, "nothing saved before the second Ctrl-S");
    ctrl(&mut app, 's');
    assert!(app.current().as_any().is::<OrgCardScreen>());
    assert_eq!(stored(&conn), 2.0);
    let note: String = conn
        .query_row(
            "SELECT note FROM audit_log WHERE entity = 'indicator_input' AND field = '1.3.yes_stand'
             ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(note.contains("вручную поверх данных анкет"), "{note}");
    // check-db names the difference.
    let findings = nok::service::check::check(&conn).unwrap();
    assert!(
        findings.iter().any(|f| f
            .text
            .contains("1.3.yes_stand = 2 введено вручную, по анкетам 1")),
        "{findings:?}"
    );
}
