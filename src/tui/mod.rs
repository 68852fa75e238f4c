//! The terminal UI: an event loop that turns keys into intents, changes the state, and redraws
//! only when something changed. Data is read by the worker (`worker.rs`), threads with their own
//! connections, so the first frame comes at once and the screen stays responsive on a
//! 100,000-organization database.
//!
//! The files import downwards only. `msg` (the words) and `lists/` (list models) import nothing
//! else from `tui`; `theme`, `format`, `methods` and `job` nothing from `tui` at all. `keymap`
//! and `screen` (the trait and the context) build on `msg`; `form/` and `screens/` on those;
//! `tabs` and `app` on the screens; `views` on `app`; `worker` on `msg` and `lists/`; `events`
//! on `msg`; this file on all. One pair imports each other, argued at [`screen::Outcome`].

pub mod app;
pub mod events;
pub mod first_start;
pub mod form;
pub mod format;
pub mod forms;
pub mod job;
pub mod keymap;
pub mod lists;
pub mod methods;
pub mod msg;
pub(crate) mod popup;
pub mod screen;
pub mod screens;
pub mod tabs;
pub mod theme;
pub mod views;
pub mod worker;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::Duration;

use chrono::NaiveDate;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    KeyEventKind, MouseButton, MouseEventKind,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};

use self::app::App;
use self::events::{Events, Incoming};
use self::msg::Request;
use self::theme::Theme;
use crate::store;

/// How the UI is started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Capture the mouse (wheel scrolls). Off by default so text can be selected over SSH.
    pub mouse: bool,
}

/// Opens the UI on the database at `path` and runs it until the user quits, the process gets
/// SIGTERM, SIGHUP (an SSH drop) or SIGINT, or it panics; the terminal is restored in every case.
///
/// Where there is no database at all (nothing at `path`), a form asks for the authority's
/// details first and creates the working database ([`first_start`]).
pub fn run(path: &Path, today: NaiveDate, options: Options) -> anyhow::Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }
    let mut created = None;
    if std::fs::symlink_metadata(path).is_err() {
        let mut terminal = ratatui::try_init()?;
        let asked = first_start::ask(&mut terminal, path, Theme::from_env(), &stop);
        ratatui::try_restore()?;
        match asked? {
            Some(c) => created = Some(c),
            None => {
                println!(
                    "База не создана. Создать позже: nok --db {} init (или снова nok в \
                     терминале); демонстрационная база: nok demo",
                    path.display()
                );
                return Ok(());
            }
        }
    }
    // The UI's connection is opened first: opening brings the schema up to date, and the
    // worker's readers must find it so. They start right after, before anything else is set up.
    if let Some(notice) = crate::service::session::upgrade_notice(path) {
        eprintln!("{notice}");
    }
    let conn = store::open_existing(path)?;
    let (requests, loaded) = worker::spawn(path.to_path_buf(), today);
    store::tune_for_browsing(&conn)?;
    // Forms save on this connection, on the UI thread: a lock held elsewhere is waited for
    // briefly, then the form says «база занята» and the screen goes on answering keys.
    store::wait_briefly(&conn)?;
    spawn_watchdog(Arc::clone(&stop));
    let mut app = App::new(today, Theme::from_env(), Some(conn));
    app.env.db_path = Some(path.to_path_buf());
    if let Some(c) = created {
        app.message = Some(format!(
            "рабочая база создана: {}. Дальше — «Начало работы» на «Сводке»: Enter — следующий шаг",
            c.path.display()
        ));
    }
    let mut terminal = ratatui::try_init()?;
    // Text pasted into a form arrives whole (Event::Paste), not as keys that could be commands.
    {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(std::io::stdout(), DisableBracketedPaste);
            previous(info);
        }));
        execute!(std::io::stdout(), EnableBracketedPaste)?;
    }
    if options.mouse {
        // ratatui's panic hook restores raw mode and the screen; mouse capture is ours to undo.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(std::io::stdout(), DisableMouseCapture);
            previous(info);
        }));
        execute!(std::io::stdout(), EnableMouseCapture)?;
    }
    let events = Events::start(loaded);
    let result = event_loop(&mut terminal, &mut app, &requests, &events, &stop);
    drop(events);
    app.close();
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    if options.mouse {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
    }
    ratatui::try_restore()?;
    result
}

/// After a stop signal the event loop ends within one poll (50 ms). When the terminal itself is
/// gone (an SSH drop), crossterm can spin inside its read and never return to the loop; then,
/// after a grace period, restore what can be restored and exit with 128 + SIGHUP.
fn spawn_watchdog(stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_secs(2));
        let _ = ratatui::try_restore();
        std::process::exit(129);
    });
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    requests: &Sender<Request>,
    events: &Events,
    stop: &AtomicBool,
) -> anyhow::Result<()> {
    let mut dirty = true;
    while !app.quit && !stop.load(Ordering::Relaxed) {
        if app.tick() {
            dirty = true;
        }
        if dirty {
            execute!(std::io::stdout(), BeginSynchronizedUpdate)?;
            terminal.draw(|f| views::draw(app, f))?;
            execute!(std::io::stdout(), EndSynchronizedUpdate)?;
            std::io::stdout().flush()?;
            dirty = false;
        }
        // Waits for a key or an answer of the worker, whichever comes first, then takes what
        // else has come in meanwhile, so a burst of keys over a slow link is drawn once. The
        // timeout keeps `tick` (deferred saves, recomputes) and the stop flag turning.
        let mut next = events.next(TICK);
        while let Some(incoming) = next {
            match incoming {
                Incoming::Loaded(msg) => {
                    app.apply(msg);
                    dirty = true;
                }
                Incoming::Terminal(ev) => dirty |= on_terminal_event(app, ev),
                Incoming::Broken(e) => return Err(e.into()),
            }
            if app.quit {
                break;
            }
            next = events.pending();
        }
        for r in app.requests.drain(..) {
            // The worker only stops when the UI does.
            let _ = requests.send(r);
        }
    }
    Ok(())
}

/// The longest the loop sleeps between turns when nothing comes in.
const TICK: Duration = Duration::from_millis(50);

/// Turns one terminal event into intents; true when the state changed.
fn on_terminal_event(app: &mut App, ev: Event) -> bool {
    match ev {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            match keymap::action(app.key_mode(), key) {
                Some(action) => {
                    app.update(action);
                    true
                }
                None => false,
            }
        }
        Event::Mouse(m) => {
            let action = match m.kind {
                MouseEventKind::ScrollDown => Some(msg::Action::Down),
                MouseEventKind::ScrollUp => Some(msg::Action::Up),
                MouseEventKind::Down(MouseButton::Left) => Some(msg::Action::Click {
                    column: m.column,
                    row: m.row,
                }),
                _ => None,
            };
            match action {
                Some(a) => {
                    app.update(a);
                    true
                }
                None => false,
            }
        }
        // A paste goes to a field as typed characters (line breaks included: a form takes them
        // as new lines or spaces); outside a text field it is ignored, so that pasted letters
        // are never taken as commands.
        Event::Paste(text) if app.key_mode() == msg::Mode::Search => {
            for c in text.replace("\r\n", "\n").replace('\r', "\n").chars() {
                app.update(msg::Action::Type(c));
            }
            true
        }
        Event::Resize(..) => true,
        _ => false,
    }
}
