//! A save from the UI while another session holds the database's write lock: the UI's
//! connection waits only briefly (`store::wait_briefly`, as `tui::run` sets it), the form stays
//! open with what was typed and says «база занята», keys go on working, the save is repeated
//! every second until the lock is gone (unless a field was changed meanwhile), and Ctrl-S
//! saves at once.

mod common;

use common::*;
use nok::tui::form::record::RecordForm;
use nok::tui::screens::plans::PlansScreen;
use ratatui::crossterm::event::KeyCode;
use rusqlite::Connection;

fn form(app: &nok::tui::app::App) -> &RecordForm {
    app.current()
        .as_any()
        .downcast_ref()
        .expect("the plan-row form is open")
}

fn status_of(conn: &Connection, id: i64) -> (String, String, i64) {
    conn.query_row(
        "SELECT status, implemented_measures, version FROM plan_row WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .unwrap()
}

/// Opens the execution form of the first plan row of «Планы» and fills a valid change
/// («выполнено», measures, date); returns the row's id.
fn fill_first_row(app: &mut nok::tui::app::App) -> i64 {
    go(app, "Планы");
    let plans: &PlansScreen = app.current().as_any().downcast_ref().unwrap();
    let id = plans.selected_row().unwrap().id;
    type_keys(app, "e");
    while nok::tui::forms::plan_row_execution::status(&form(app).form)
        != nok::domain::plan::PlanStatus::Done
    {
        type_keys(app, "в");
    }
    press(app, KeyCode::Tab);
    let typed = form(app).form.fields[1].text.chars().count();
    for _ in 0..typed {
        press(app, KeyCode::Backspace);
    }
    type_keys(app, "Пандус установлен");
    press(app, KeyCode::Tab);
    let typed = form(app).form.fields[2].text.chars().count();
    for _ in 0..typed {
        press(app, KeyCode::Backspace);
    }
    type_keys(app, "20.11.2026");
    assert!(form(app).form.valid(), "{:?}", form(app).form);
    id
}

/// Turns of the event loop over a bit more than the retry interval (1 s).
fn wait_a_retry(app: &mut nok::tui::app::App) {
    app.tick();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    app.tick();
}

#[test]
fn a_locked_database_is_said_busy_and_the_form_keeps_working() {
    let (d, mut app) = app_with(|conn| nok::store::wait_briefly(conn).unwrap());
    let id = fill_first_row(&mut app);
    let before = status_of(&sql(&d), id);

    // Another session takes the write lock and keeps it.
    let other = sql(&d);
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    ctrl(&mut app, 's');
    assert!(
        app.current().as_any().is::<RecordForm>(),
        "the form stays open"
    );
    let s = screen(&app, 120, 40);
    assert!(s.contains("база занята"), "{s}");
    assert!(s.contains("сохранение повторяется само"), "{s}");
    assert_eq!(
        form(&app).form.fields[1].text,
        "Пандус установлен",
        "what was typed is kept"
    );
    // Keys still work in the form meanwhile.
    type_keys(&mut app, "о");
    assert_eq!(form(&app).form.fields[2].text, "20.11.2026");
    press(&mut app, KeyCode::BackTab);
    type_keys(&mut app, "!");
    assert_eq!(form(&app).form.fields[1].text, "Пандус установлен!");
    other.execute_batch("ROLLBACK").unwrap();
    // A changed field stops the repeats: what is being typed is not saved by itself.
    wait_a_retry(&mut app);
    assert!(app.current().as_any().is::<RecordForm>());
    assert_eq!(status_of(&sql(&d), id), before, "nothing written");

    // Ctrl-S saves.
    ctrl(&mut app, 's');
    assert!(
        !app.current().as_any().is::<RecordForm>(),
        "saved and closed: {}",
        screen(&app, 120, 40)
    );
    let after = status_of(&sql(&d), id);
    assert_eq!(
        (after.0.as_str(), after.1.as_str(), after.2),
        ("done", "Пандус установлен!", before.2 + 1)
    );
}

#[test]
fn a_save_refused_as_busy_is_repeated_until_the_lock_is_gone() {
    let (d, mut app) = app_with(|conn| nok::store::wait_briefly(conn).unwrap());
    let id = fill_first_row(&mut app);
    let before = status_of(&sql(&d), id);
    let other = sql(&d);
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    ctrl(&mut app, 's');
    assert!(screen(&app, 120, 40).contains("база занята"));
    // Still locked: the repeat is refused the same way, the form stays.
    wait_a_retry(&mut app);
    assert!(app.current().as_any().is::<RecordForm>());
    assert!(form(&app).form.busy);
    assert_eq!(status_of(&sql(&d), id), before);
    other.execute_batch("COMMIT").unwrap();
    // The lock is gone: the next repeat saves and closes the form.
    wait_a_retry(&mut app);
    assert!(
        !app.current().as_any().is::<RecordForm>(),
        "{}",
        screen(&app, 120, 40)
    );
    let after = status_of(&sql(&d), id);
    assert_eq!(
        (after.0.as_str(), after.1.as_str(), after.2),
        ("done", "Пандус установлен", before.2 + 1)
    );
}

#[test]
fn the_ui_connection_gives_up_on_a_lock_where_others_wait() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.sqlite");
    drop(nok::store::open(&path).unwrap());
    let holder = nok::store::open_existing(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let ui = nok::store::open_existing(&path).unwrap();
    nok::store::wait_briefly(&ui).unwrap();
    let e = ui
        .execute_batch("BEGIN IMMEDIATE")
        .map(|_| ())
        .map_err(nok::store::StoreError::from)
        .unwrap_err();
    assert!(e.is_busy(), "{e}");
    assert!(e.to_string().contains("база занята"), "{e}");
}
