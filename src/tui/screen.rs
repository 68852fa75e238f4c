//! What every screen is: its own state, how an intent changes it, how it is drawn, and the keys
//! it offers (they feed the bottom bar and the help overlay); the context a screen is lent while
//! it updates and draws ([`Ctx`], made only by [`Env::ctx`]); and what an intent led to
//! ([`Outcome`]). Small helpers every list shares: moving a selection, a search field, clicks.

use std::cell::{Cell, RefCell};

use crate::store::Db;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::msg::{Action, Loaded, Request};
use super::theme::Theme;

/// What a screen may use while it updates or draws.
pub struct Ctx<'a> {
    /// A read connection for small, windowed queries (what is on screen); big loads go through
    /// the worker. `None` only in tests that draw without a database.
    pub conn: Option<&'a Db>,
    pub today: NaiveDate,
    pub theme: Theme,
    /// Rows of the list visible in the last frame, set by `draw`, used for PgUp/PgDn.
    pub page: &'a Cell<usize>,
    /// Requests for the worker a screen makes on the side (a refresh of counts, say).
    pub outbox: &'a RefCell<Vec<Request>>,
    /// The database file, for work that runs on its own thread with its own connection.
    pub db: Option<&'a std::path::Path>,
    /// The folder files are saved to (default: the current folder).
    pub work_dir: Option<&'a std::path::Path>,
}

/// What the app lends its screens, owned: [`Env::ctx`] lends it as a [`Ctx`], the one place a
/// context is made.
pub struct Env {
    /// Read connection for windowed queries of the screens (`None` in tests without a
    /// database).
    pub conn: Option<Db>,
    pub today: NaiveDate,
    pub theme: Theme,
    /// Rows visible in the current list, remembered by the last draw (for PgUp/PgDn).
    pub page: Cell<usize>,
    /// Requests screens make through their context; the app moves them to the worker's queue
    /// after each intent.
    pub outbox: RefCell<Vec<Request>>,
    /// The database file, for background work with its own connection.
    pub db_path: Option<std::path::PathBuf>,
    /// The folder files are saved to and picked from (default: the current folder).
    pub work_dir: Option<std::path::PathBuf>,
}

impl Env {
    pub fn new(today: NaiveDate, theme: Theme, conn: Option<Db>) -> Env {
        Env {
            conn,
            today,
            theme,
            page: Cell::new(20),
            outbox: RefCell::default(),
            db_path: None,
            work_dir: None,
        }
    }

    /// The context screens update and draw with.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            conn: self.conn.as_ref(),
            today: self.today,
            theme: self.theme,
            page: &self.page,
            outbox: &self.outbox,
            db: self.db_path.as_deref(),
            work_dir: self.work_dir.as_deref(),
        }
    }
}

impl Ctx<'_> {
    /// Where files are saved: the work folder, else the current folder.
    pub fn save_dir(&self) -> std::path::PathBuf {
        self.work_dir
            .map(std::path::Path::to_path_buf)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| std::path::PathBuf::from("."))
    }
}

/// What an intent led to, beyond the screen's own state.
///
/// `Saved` carries the form's [`UndoStep`](crate::tui::form::undo::UndoStep), and `form/undo.rs`
/// builds the `Saved` of the changes it writes: `screen.rs` and `form/undo.rs` import each other,
/// the one circle between files of `tui/`. It is kept because a saved change and the way to undo
/// it are one answer of a form to the app (close, remember the undo, say what was saved).
pub enum Outcome {
    /// The screen did not use the intent (Esc then goes back).
    Ignored,
    /// The screen used it.
    Done,
    /// Drill down: open another screen on top (Enter on a row).
    Open(Box<dyn Screen>),
    /// Ask the worker for data.
    Request(Request),
    /// Show a message in the status line.
    Message(String),
    /// Close this screen (a form left without saving).
    Close,
    /// A form saved a change: close it, remember how to undo the change, show `message`, and
    /// read the screen below again.
    Saved {
        undo: Option<crate::tui::form::undo::UndoStep>,
        message: String,
    },
}

/// A screen of the UI. It is `Any`, so that tests can look inside the screen on top
/// (`as_any`, then `downcast_ref`).
pub trait Screen: std::any::Any {
    /// Title for the tab bar and breadcrumbs.
    fn title(&self) -> String;
    /// Whether a text field has the keys (then letters are text, not commands).
    fn typing(&self) -> bool {
        false
    }
    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome;
    /// Called when the screen comes into view (its tab is chosen): load or refresh what it
    /// shows. Drawing never queries.
    fn activate(&mut self, _cx: &Ctx) {}
    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx);
    /// The status line: row n/N, filter, sort.
    fn status(&self) -> String;
    /// Keys that work now: (key, what it does).
    fn keys(&self) -> Vec<(&'static str, &'static str)>;
    /// Marks the screen draws next to its data: (mark, what it means), shown in the help.
    fn legend(&self) -> Vec<(&'static str, &'static str)> {
        Vec::new()
    }
    /// Called on every turn of the event loop: true when the screen changed by itself (work
    /// running in the background moved on or finished) and must be drawn again.
    fn tick(&mut self) -> bool {
        false
    }
    /// `:cycle N`: show cycle `id` where the screen has a cycle of its own. A request for the
    /// worker when the screen needs data for it.
    fn focus_cycle(&mut self, _id: i64) -> Option<Request> {
        None
    }
    /// The data changed (a change was saved or undone): what the screen holds may be out of
    /// date; read it again when it is next shown ([`Screen::activate`]).
    fn data_changed(&mut self) {}
    /// A form whose save found the database locked by another session, untouched since:
    /// the app repeats the save now and then.
    fn retry_save(&self) -> bool {
        false
    }
    /// Whether the screen wrote to the database by itself since last asked (a file loaded
    /// in the background): then `Some` with the cycles whose inputs changed (to recompute),
    /// and every screen reads its data again.
    fn take_changes(&mut self) -> Option<Vec<i64>> {
        None
    }
    /// Data from the worker: take what is yours, give the rest back.
    fn loaded(&mut self, msg: Loaded) -> Option<Loaded> {
        Some(msg)
    }
}

impl dyn Screen {
    /// The screen as `Any`, to downcast to its own type (tests look inside screens this way).
    pub fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Moves a selection within `len` rows by `delta`, clamped.
pub fn step(selected: usize, len: usize, delta: isize) -> usize {
    if len == 0 {
        return 0;
    }
    selected.saturating_add_signed(delta).min(len - 1)
}

/// The first row of a window of `height` rows that keeps `selected` visible, starting from the
/// previous `offset`.
pub fn window(offset: usize, selected: usize, height: usize) -> usize {
    let offset = offset.min(selected);
    if height > 0 && selected >= offset + height {
        selected + 1 - height
    } else {
        offset
    }
}

/// Moves a list selection for the common navigation intents; `None` when `action` is not one.
pub fn navigate(action: Action, selected: usize, len: usize, page: usize) -> Option<usize> {
    let page = page.max(1) as isize;
    Some(match action {
        Action::Down => step(selected, len, 1),
        Action::Up => step(selected, len, -1),
        Action::PageDown => step(selected, len, page),
        Action::PageUp => step(selected, len, -page),
        Action::Home => 0,
        Action::End => len.saturating_sub(1),
        Action::Select(i) if i < len => i,
        _ => return None,
    })
}

/// A `/` search field of a list screen: the text, and whether it has the keys.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SearchField {
    pub text: String,
    pub active: bool,
}

/// What a key did to a [`SearchField`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchEvent {
    /// The text changed: filter again.
    Changed,
    /// Typing ended, the text stays.
    Closed,
    /// Not a search key.
    NotMine,
}

impl SearchField {
    /// Lower-case text to filter with.
    pub fn needle(&self) -> String {
        self.text.trim().to_lowercase()
    }

    /// Handles `/` (start), typing, Backspace, Enter (keep) and Esc (clear) for the field.
    pub fn handle(&mut self, action: Action) -> SearchEvent {
        if !self.active {
            return match action {
                Action::StartSearch => {
                    self.active = true;
                    SearchEvent::Closed
                }
                Action::Cancel if !self.text.is_empty() => {
                    self.text.clear();
                    SearchEvent::Changed
                }
                _ => SearchEvent::NotMine,
            };
        }
        match action {
            Action::Type(c) => {
                self.text.push(c);
                SearchEvent::Changed
            }
            Action::Backspace => {
                self.text.pop();
                SearchEvent::Changed
            }
            Action::Accept => {
                self.active = false;
                SearchEvent::Closed
            }
            Action::Cancel => {
                self.active = false;
                self.text.clear();
                SearchEvent::Changed
            }
            _ => SearchEvent::NotMine,
        }
    }

    /// The search line: the field while typing, else the active filter or a hint.
    pub fn line(&self, hint: &str, theme: &Theme) -> ratatui::text::Line<'static> {
        use ratatui::text::{Line, Span};
        let text = crate::domain::text::printable(&self.text).into_owned();
        if self.active {
            Line::from(vec![
                Span::styled("Поиск: ", theme.key()),
                Span::raw(text),
                Span::styled("▏", theme.key()),
                Span::styled(format!("  {hint}"), theme.dim()),
            ])
        } else if !self.text.is_empty() {
            Line::from(vec![
                Span::styled("Поиск: ", theme.dim()),
                Span::raw(text),
                Span::styled("  (Esc — сбросить)", theme.dim()),
            ])
        } else {
            Line::styled(format!("/ — поиск: {hint}"), theme.dim())
        }
    }
}

/// Where the rows of a list were drawn in the last frame (screen line → index in the list), so
/// that a mouse click selects the row under it.
#[derive(Debug, Default)]
pub struct RowHits(RefCell<Vec<(u16, usize)>>);

impl RowHits {
    /// Forgets the last frame's rows (called at the start of drawing a list).
    pub fn clear(&self) {
        self.0.borrow_mut().clear();
    }

    /// Row `index` is drawn on screen line `y`.
    pub fn add(&self, y: u16, index: usize) {
        self.0.borrow_mut().push((y, index));
    }

    /// The row drawn on screen line `y`.
    pub fn at(&self, y: u16) -> Option<usize> {
        self.0
            .borrow()
            .iter()
            .find(|(line, _)| *line == y)
            .map(|(_, i)| *i)
    }
}

/// A click on a list: the row under it is selected, and a click on the selected row acts as
/// Enter. `None` when the click is not on a row.
pub fn click(hits: &RowHits, row: u16, selected: usize) -> Option<Action> {
    let i = hits.at(row)?;
    Some(if i == selected {
        Action::Accept
    } else {
        Action::Select(i)
    })
}
