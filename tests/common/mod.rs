//! Helpers shared by the terminal-UI tests: a small deterministic demo database, an app with its
//! data loaded, drawing into a `TestBackend`, and pressing keys through the real keymap.
#![allow(dead_code)] // each test file uses its own subset

use chrono::NaiveDate;
use nok::service::demo::{DemoOptions, open_or_build};
use nok::service::methodology::Methods;
use nok::tui::app::App;
use nok::tui::keymap;
use nok::tui::theme::Theme;
use nok::tui::views;
use nok::tui::worker;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

/// A 60-organization demo database and an app with its data loaded.
pub fn app_with(setup: impl FnOnce(&rusqlite::Connection)) -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    let opts = DemoOptions {
        orgs: 60,
        seed: 2018,
        today: today(),
    };
    let demo = open_or_build(
        &path,
        &opts,
        false,
        &Methods::builtin().unwrap(),
        &mut |_| {},
    )
    .unwrap();
    setup(&demo.conn);
    let conn = demo.conn;
    // What the worker reads at start, read here on the test's thread.
    let mut loaded = Vec::new();
    assert!(worker::first_reads(&conn, today(), &mut |l| {
        loaded.push(l.unwrap());
        true
    }));
    loaded.push(worker::org_list(&conn, today()).unwrap());
    let mut app = App::new(today(), Theme::plain(), Some(conn));
    app.env.db_path = Some(path.clone());
    app.set_work_dir(dir.path().to_path_buf());
    for l in loaded {
        app.apply(l);
    }
    (dir, app)
}

pub fn app() -> (tempfile::TempDir, App) {
    app_with(|_| {})
}

pub fn list(app: &App) -> &nok::tui::lists::organizations::OrgList {
    app.organizations().unwrap().list.as_ref().unwrap()
}

pub fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| views::draw(app, f)).unwrap();
    t
}

pub fn screen(app: &App, w: u16, h: u16) -> String {
    draw(app, w, h).backend().to_string()
}

/// Presses keys as typed characters (each char one key), through the real keymap.
pub fn type_keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
        press(app, KeyCode::Char(c));
    }
}

pub fn press(app: &mut App, code: KeyCode) {
    if let Some(a) = keymap::action(app.key_mode(), KeyEvent::new(code, KeyModifiers::NONE)) {
        app.update(a);
    }
}

/// Fails if any cell of the drawn screen holds a control character (an escape sequence from
/// stored text would drive the terminal).
pub fn assert_no_control_chars(t: &Terminal<TestBackend>) {
    for cell in t.backend().buffer().content() {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "{:?}",
            cell.symbol()
        );
    }
}

/// Goes to the tab titled `title` with its digit key.
pub fn go(app: &mut App, title: &str) {
    let i = app
        .tab_titles()
        .iter()
        .position(|t| t == title)
        .unwrap_or_else(|| panic!("no tab {title}: {:?}", app.tab_titles()));
    type_keys(app, &(i + 1).to_string());
    assert_eq!(app.current().title(), title);
}

/// Ctrl and a key (Ctrl-S saves a form).
pub fn ctrl(app: &mut App, c: char) {
    let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    if let Some(a) = keymap::action(app.key_mode(), key) {
        app.update(a);
    }
}

/// A second connection to the test database, for independent SQL.
pub fn sql(dir: &tempfile::TempDir) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.path().join("demo.sqlite")).unwrap()
}

/// Does the worker thread's part: answers what the screens asked for, as the event loop would.
pub fn serve(app: &mut App, conn: &rusqlite::Connection) {
    for r in std::mem::take(&mut app.requests) {
        assert!(worker::answer(conn, today(), r, &mut |l| {
            app.apply(l.unwrap());
            true
        }));
    }
}
