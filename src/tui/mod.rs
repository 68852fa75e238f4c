//! The terminal UI: an event loop that turns keys into intents, changes the state, and redraws
//! only when something changed. Data is read by a worker thread with its own connection, so the
//! first frame comes at once and the screen stays responsive on a 100,000-organization database.

pub mod app;
pub mod first_start;
pub mod form;
pub mod job;
pub mod keymap;
pub mod lists;
pub mod screen;
pub mod screens;
pub mod theme;
pub mod views;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use chrono::NaiveDate;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind, MouseButton, MouseEventKind,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};

use self::app::{App, Loaded, Request};
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
    let conn = store::open_existing(path)?;
    store::tune_for_browsing(&conn)?;
    // Forms save on this connection, on the UI thread: a lock held elsewhere is waited for
    // briefly, then the form says «база занята» and the screen goes on answering keys.
    store::wait_briefly(&conn)?;
    spawn_watchdog(Arc::clone(&stop));
    let (requests, loaded) = spawn_worker(path.to_path_buf(), today);
    let mut app = App::new(today, Theme::from_env(), Some(conn));
    app.db_path = Some(path.to_path_buf());
    if let Some(c) = created {
        app.message = Some(format!(
            "рабочая база создана: {}. Дальше — «Начало работы» на «Сводке»: Enter — следующий шаг",
            c.path.display()
        ));
    }
    let mut terminal = ratatui::try_init()?;
    if options.mouse {
        // ratatui's panic hook restores raw mode and the screen; mouse capture is ours to undo.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(std::io::stdout(), DisableMouseCapture);
            previous(info);
        }));
        execute!(std::io::stdout(), EnableMouseCapture)?;
    }
    let result = event_loop(&mut terminal, &mut app, &requests, &loaded, &stop);
    app.close();
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
    loaded: &Receiver<Loaded>,
    stop: &AtomicBool,
) -> anyhow::Result<()> {
    let mut dirty = true;
    while !app.quit && !stop.load(Ordering::Relaxed) {
        while let Ok(msg) = loaded.try_recv() {
            app.apply(msg);
            dirty = true;
        }
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
        // A signal arriving while we wait interrupts the wait (EINTR): not an error, just a
        // turn of the loop, which then sees the stop flag.
        let ready = match event::poll(Duration::from_millis(50)) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => false,
            other => other?,
        };
        if ready {
            let read = match event::read() {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => other?,
            };
            match read {
                Event::Key(key) if key.kind != KeyEventKind::Release => {
                    if let Some(action) = keymap::action(app.key_mode(), key) {
                        app.update(action);
                        dirty = true;
                    }
                }
                Event::Mouse(m) => {
                    let action = match m.kind {
                        MouseEventKind::ScrollDown => Some(app::Action::Down),
                        MouseEventKind::ScrollUp => Some(app::Action::Up),
                        MouseEventKind::Down(MouseButton::Left) => Some(app::Action::Click {
                            column: m.column,
                            row: m.row,
                        }),
                        _ => None,
                    };
                    if let Some(a) = action {
                        app.update(a);
                        dirty = true;
                    }
                }
                Event::Resize(..) => dirty = true,
                _ => {}
            }
        }
        for r in app.requests.drain(..) {
            // The worker only stops when the UI does.
            let _ = requests.send(r);
        }
    }
    Ok(())
}

/// Starts the threads that read data for the UI: the cycles and the newest year's summary on
/// one, the organization index on another, at once, then whatever the UI asks for.
fn spawn_worker(path: PathBuf, today: NaiveDate) -> (Sender<Request>, Receiver<Loaded>) {
    let (req_tx, req_rx) = channel::<Request>();
    let (tx, rx) = channel::<Loaded>();
    std::thread::spawn(move || {
        let conn = match store::open_existing(&path).and_then(|c| {
            store::tune_for_browsing(&c)?;
            Ok(c)
        }) {
            Ok(c) => c,
            Err(e) => {
                let _ = tx.send(Loaded::Failed(e.to_string()));
                return;
            }
        };
        let send = |r: Result<Loaded, store::StoreError>| {
            tx.send(r.unwrap_or_else(|e| Loaded::Failed(e.to_string())))
                .is_ok()
        };
        // The organization index is the biggest read: its own thread and connection, so that it
        // loads while the summary does.
        {
            let tx = tx.clone();
            let path = path.clone();
            std::thread::spawn(move || {
                let index = store::open_existing(&path)
                    .and_then(|c| {
                        store::tune_for_browsing(&c)?;
                        // The first page at once, read by an index; the whole list behind it.
                        let (page, total) = store::browse::first_page(&c, today, 100)?;
                        let first = screens::organizations::OrgList::first_page(page, total);
                        let _ = tx.send(Loaded::Orgs(Box::new(first)));
                        store::browse::org_index(&c, today)
                    })
                    // Indexing 100,000 names for search and sort takes a third of a second:
                    // here, not on the UI thread.
                    .map_or_else(
                        |e| Loaded::Failed(e.to_string()),
                        |keys| Loaded::Orgs(Box::new(screens::organizations::OrgList::new(keys))),
                    );
                let _ = tx.send(index);
            });
        }
        let cycles = store::cycles::list_brief(&conn);
        // The summary opens on the newest year: cycles are listed oldest first.
        let newest = cycles.as_ref().ok().and_then(|c| c.last().map(|c| c.year));
        if !send(cycles.map(Loaded::Cycles))
            || !send(store::first_steps::read(&conn).map(Loaded::FirstSteps))
        {
            return;
        }
        if let Some(year) = newest {
            let scope = store::overview::Scope { year, cycle: None };
            if !send(store::overview::read(&conn, scope, today).map(Loaded::Summary)) {
                return;
            }
        }
        for r in req_rx {
            let ok = match r {
                Request::Summary(scope) => {
                    send(store::overview::read(&conn, scope, today).map(Loaded::Summary))
                }
                Request::Cycles => {
                    send(store::cycles::list_brief(&conn).map(Loaded::Cycles))
                        && send(store::first_steps::read(&conn).map(Loaded::FirstSteps))
                }
                Request::Orgs => send(store::browse::org_index(&conn, today).map(|keys| {
                    Loaded::Orgs(Box::new(screens::organizations::OrgList::new(keys)))
                })),
                Request::PlanCounts(filters) => filters.into_iter().all(|f| {
                    send(store::plan_rows::count(&conn, f, today).map(|n| Loaded::PlanCount(f, n)))
                }),
            };
            if !ok {
                return;
            }
        }
    });
    (req_tx, rx)
}
