//! The terminal UI's state and how intents change it: the tabs (`tabs.rs`), the drill-down
//! stack over them (breadcrumbs), the help overlay, the `:` command line, the session's undo
//! stack and the recompute after a change of inputs. An [`Action`] goes to the app's own keys
//! first, then to the screen on top, with a context lent from [`Env`]; what the screen answers
//! ([`Outcome`]) opens, closes or saves. The words are in `msg.rs`, the screens in `screens/`,
//! the frame around them in `views`, keys in `keymap`.

use crate::store::Db;
use chrono::NaiveDate;

use super::msg::{Action, Loaded, Mode, Request};
use super::screen::{Ctx, Env, Outcome, Screen};
use super::screens::organizations::OrganizationsScreen;
use super::tabs::Tab;
use super::theme::Theme;

/// The whole UI state.
pub struct App {
    pub mode: Mode,
    /// What screens are lent while they update and draw: the connection, today, the theme…
    pub env: Env,
    tabs: Vec<Box<dyn Screen>>,
    pub tab: usize,
    /// Screens opened by drilling down from the current tab, innermost last.
    stack: Vec<Box<dyn Screen>>,
    /// Text of the `:` command line.
    pub command: String,
    /// A one-off message for the status line (an unknown command, say).
    pub message: Option<String>,
    pub quit: bool,
    /// Requests for the worker, taken by the event loop.
    pub requests: Vec<Request>,
    /// Where each tab's title was drawn in the last frame: columns `from..to` of the top line.
    pub tab_hits: std::cell::RefCell<Vec<(u16, u16, usize)>>,
    /// Changes saved in this session, newest last (`u` undoes the last one).
    pub undo: crate::tui::form::undo::UndoStack,
    /// Counts the changes of the data saved or undone in this session.
    generation: u64,
    /// A cycle being recomputed on its own thread after its inputs changed, and the cycles
    /// whose inputs changed meanwhile (recomputed next).
    recompute: Option<(i64, super::job::Job<crate::service::recompute::Recomputed>)>,
    recompute_next: Vec<i64>,
    /// The value of `generation` when each screen of `stack` was opened.
    opened_at: Vec<u64>,
    /// When the form on top last tried to save into a locked database.
    save_tried: Option<std::time::Instant>,
}

/// How often a form's save refused as busy is repeated.
const SAVE_RETRY: std::time::Duration = std::time::Duration::from_secs(1);

/// Names the command line knows besides the tab titles: `org ИНН`, `cycle N`, `q`.
const COMMANDS: [&str; 3] = ["org", "cycle", "q"];

impl App {
    /// Closes the UI's connection, first moving what this session wrote into the database
    /// file ([`crate::store::checkpoint`]). A failure (another session is reading) changes
    /// nothing: the changes stay in the write-ahead log, as safe, for the next one to move.
    pub fn close(&mut self) {
        if let Some(conn) = self.env.conn.take() {
            let _ = crate::store::checkpoint(&conn);
        }
    }

    pub fn new(today: NaiveDate, theme: Theme, conn: Option<Db>) -> App {
        App {
            mode: Mode::Normal,
            env: Env::new(today, theme, conn),
            tabs: Tab::ALL.iter().map(|t| t.screen()).collect(),
            tab: 0,
            stack: Vec::new(),
            command: String::new(),
            message: None,
            quit: false,
            requests: Vec::new(),
            tab_hits: Default::default(),
            undo: Default::default(),
            generation: 0,
            opened_at: Vec::new(),
            recompute: None,
            recompute_next: Vec::new(),
            save_tried: None,
        }
    }

    /// Titles of the tabs, in order.
    pub fn tab_titles(&self) -> Vec<String> {
        self.tabs.iter().map(|t| t.title()).collect()
    }

    /// The screen on top: the innermost drill-down, else the current tab.
    pub fn current(&self) -> &dyn Screen {
        match self.stack.last() {
            Some(s) => s.as_ref(),
            None => self.tabs[self.tab].as_ref(),
        }
    }

    /// Breadcrumbs: the tab, then each screen drilled into.
    pub fn breadcrumbs(&self) -> Vec<String> {
        std::iter::once(self.tabs[self.tab].title())
            .chain(self.stack.iter().map(|s| s.title()))
            .collect()
    }

    /// The context screens update and draw with.
    pub fn ctx(&self) -> Ctx<'_> {
        self.env.ctx()
    }

    /// The mode keys are read in: a screen's text field counts as search.
    pub fn key_mode(&self) -> Mode {
        match self.mode {
            Mode::Normal if self.current().typing() => Mode::Search,
            m => m,
        }
    }

    /// Takes data from the worker: each tab takes what is its own.
    pub fn apply(&mut self, loaded: Loaded) {
        let mut msg = Some(loaded);
        for tab in self.tabs.iter_mut().chain(self.stack.iter_mut()) {
            match msg.take() {
                Some(m) => msg = tab.loaded(m),
                None => break,
            }
        }
        if let Some(Loaded::Failed(e)) = msg {
            self.message = Some(format!("ошибка чтения базы: {e}"));
        }
    }

    /// Lets screens with background work move on; true when something must be drawn again.
    pub fn tick(&mut self) -> bool {
        let mut changed = self.tick_recompute();
        let mut wrote: Option<Vec<i64>> = None;
        for screen in self.tabs.iter_mut().chain(self.stack.iter_mut()) {
            changed |= screen.tick();
            if let Some(cycles) = screen.take_changes() {
                wrote.get_or_insert_with(Vec::new).extend(cycles);
            }
        }
        if let Some(cycles) = wrote {
            self.data_changed();
            for cycle in cycles {
                self.schedule_recompute(cycle);
            }
            changed = true;
        }
        changed | self.retry_busy_save()
    }

    /// Changes the state for one intent.
    pub fn update(&mut self, action: Action) {
        self.message = None;
        match self.mode {
            Mode::Help => {
                if matches!(action, Action::Cancel | Action::Help) {
                    self.mode = Mode::Normal;
                }
            }
            Mode::Command => self.update_command(action),
            Mode::Search | Mode::Normal => self.update_screen(action),
        }
        let side = self.env.outbox.take();
        self.requests.extend(side);
    }

    fn update_screen(&mut self, action: Action) {
        // A click on a tab's title goes to that tab.
        if let Action::Click { column, row: 0 } = action {
            let tab = self
                .tab_hits
                .borrow()
                .iter()
                .find(|(from, to, _)| (*from..*to).contains(&column))
                .map(|h| h.2);
            if let Some(i) = tab {
                self.go(i);
            }
            return;
        }
        let typing = self.current().typing();
        if !typing {
            let handled = match action {
                Action::Quit => {
                    self.quit = true;
                    true
                }
                Action::Help => {
                    self.mode = Mode::Help;
                    true
                }
                Action::StartCommand => {
                    self.command.clear();
                    self.mode = Mode::Command;
                    true
                }
                Action::NextScreen => {
                    self.go(self.tab + 1);
                    true
                }
                Action::PrevScreen => {
                    self.go(self.tab + self.tabs.len() - 1);
                    true
                }
                Action::Screen(n) if n < self.tabs.len() => {
                    self.go(n);
                    true
                }
                Action::Undo => {
                    self.undo_last();
                    true
                }
                _ => false,
            };
            if handled {
                return;
            }
        }
        // Screens read the connection through the context while they change.
        let outcome = {
            let cx = self.env.ctx();
            let screen = match self.stack.last_mut() {
                Some(s) => s,
                None => &mut self.tabs[self.tab],
            };
            screen.update(action, &cx)
        };
        self.follow(outcome, action);
    }

    fn follow(&mut self, outcome: Outcome, action: Action) {
        match outcome {
            Outcome::Done => {}
            Outcome::Ignored => {
                if action == Action::Cancel {
                    self.pop();
                }
            }
            Outcome::Open(screen) => {
                self.stack.push(screen);
                self.opened_at.push(self.generation);
            }
            Outcome::Request(r) => self.requests.push(r),
            Outcome::Message(m) => self.message = Some(m),
            Outcome::Close => self.pop(),
            Outcome::Saved { undo, message } => {
                if let Some(step) = undo {
                    if let Some(cycle) = step.change.inputs_of() {
                        self.schedule_recompute(cycle);
                    }
                    self.undo.push(step);
                    self.data_changed();
                }
                self.stack.pop();
                self.opened_at.pop();
                self.message = Some(message);
                self.refresh_current();
            }
        }
    }

    /// Repeats, once a second, the save of the form on top that found the database locked
    /// (the form keeps answering keys meanwhile; a change of a field stops the repeats).
    fn retry_busy_save(&mut self) -> bool {
        if !self.current().retry_save() {
            self.save_tried = None;
            return false;
        }
        match self.save_tried {
            Some(at) if at.elapsed() < SAVE_RETRY => false,
            None => {
                self.save_tried = Some(std::time::Instant::now());
                false
            }
            Some(_) => {
                self.save_tried = Some(std::time::Instant::now());
                if self.mode == Mode::Normal {
                    self.update(Action::Save);
                }
                true
            }
        }
    }

    /// `u`: undoes the last change of the session (itself an audited, version-checked change).
    fn undo_last(&mut self) {
        let Some(conn) = self.env.conn.as_ref() else {
            return;
        };
        let inputs_of = self.undo.last().and_then(|s| s.change.inputs_of());
        let before = self.undo.len();
        self.message = Some(self.undo.undo_last(conn));
        if let Some(cycle) = inputs_of.filter(|_| self.undo.len() < before) {
            self.schedule_recompute(cycle);
        }
        self.data_changed();
        self.refresh_current();
    }

    /// Recomputes cycle `cycle` on its own thread (its inputs changed), after the one running.
    fn schedule_recompute(&mut self, cycle: i64) {
        let Some(db) = self.env.db_path.clone() else {
            return;
        };
        if self.recompute.as_ref().is_some_and(|(c, _)| *c == cycle) {
            if !self.recompute_next.contains(&cycle) {
                self.recompute_next.push(cycle);
            }
            return;
        }
        if self.recompute.is_some() {
            if !self.recompute_next.contains(&cycle) {
                self.recompute_next.push(cycle);
            }
            return;
        }
        let job = super::job::Job::start(
            format!("пересчет цикла {cycle}"),
            &db,
            move |conn, _, _| {
                let methods = crate::service::methodology::Methods::load()?;
                crate::service::recompute::recompute_cycle(conn, &methods, cycle)
            },
        );
        self.recompute = Some((cycle, job));
    }

    /// Whether a recompute finished: its result goes to the status line and the screens read
    /// their data again.
    fn tick_recompute(&mut self) -> bool {
        let Some((cycle, job)) = self.recompute.as_mut() else {
            return false;
        };
        let cycle = *cycle;
        let Some(result) = job.poll() else {
            return false;
        };
        let secs = job.elapsed().as_secs_f64();
        self.recompute = None;
        self.message = Some(match result {
            Ok(r) if r.failed.is_empty() => format!(
                "цикл {cycle} пересчитан после изменения данных: {} за {}",
                crate::domain::text::plural(
                    r.scored as u64,
                    "организация",
                    "организации",
                    "организаций"
                ),
                crate::tui::format::seconds(secs)
            ),
            Ok(r) => format!(
                "цикл {cycle} пересчитан: {}, не рассчитано {} (причины — на карточках)",
                crate::domain::text::plural(
                    r.scored as u64,
                    "организация",
                    "организации",
                    "организаций"
                ),
                r.failed.len()
            ),
            Err(e) => {
                format!("цикл {cycle} не пересчитан: {e}; пересчет: nok score --cycle {cycle}")
            }
        });
        if !self.recompute_next.is_empty() {
            let next = self.recompute_next.remove(0);
            self.schedule_recompute(next);
        }
        self.data_changed();
        self.refresh_current();
        true
    }

    /// The cycle being recomputed in the background, if any.
    pub fn recomputing(&self) -> Option<i64> {
        self.recompute.as_ref().map(|(c, _)| *c)
    }

    /// The data changed: every screen may hold what is out of date.
    fn data_changed(&mut self) {
        self.generation += 1;
        for s in self.tabs.iter_mut().chain(self.stack.iter_mut()) {
            s.data_changed();
        }
    }

    /// Closes the screen on top; the one under it reads its data again when the data changed
    /// while the closed one was open.
    fn pop(&mut self) {
        self.stack.pop();
        if self.opened_at.pop().is_some_and(|at| at != self.generation) {
            self.refresh_current();
        }
    }

    /// Reads the screen on top again after a change of the data.
    fn refresh_current(&mut self) {
        let cx = self.env.ctx();
        match self.stack.last_mut() {
            Some(s) => s.activate(&cx),
            None => self.tabs[self.tab].activate(&cx),
        }
    }

    fn update_command(&mut self, action: Action) {
        match action {
            Action::Type(c) => self.command.push(c),
            // Backspace on an empty line closes it, as in vim.
            Action::Backspace => {
                let was_empty = self.command.pop().is_none();
                self.mode = if was_empty {
                    Mode::Normal
                } else {
                    Mode::Command
                };
            }
            Action::Complete => {
                let candidates = self.completions();
                if let [only] = candidates.as_slice() {
                    self.command = format!("{only} ");
                } else if let Some(first) = candidates.first() {
                    // Extend to what all the variants share, and show them.
                    let shared = candidates.iter().fold(first.as_str(), |acc, c| {
                        let n = acc
                            .char_indices()
                            .zip(c.chars())
                            .find(|((_, a), b)| a != b)
                            .map_or(acc.len().min(c.len()), |((i, _), _)| i);
                        &acc[..n]
                    });
                    if shared.chars().count() > self.command.trim_start().chars().count() {
                        self.command = shared.to_string();
                    }
                    let shown: Vec<&str> = candidates
                        .iter()
                        .map(|c| c.strip_prefix("cycle ").unwrap_or(c))
                        .collect();
                    self.message = Some(format!("варианты: {}", shown.join(", ")));
                }
            }
            Action::Cancel => self.mode = Mode::Normal,
            Action::Accept => {
                self.mode = Mode::Normal;
                let text = std::mem::take(&mut self.command);
                self.run_command(text.trim());
            }
            _ => {}
        }
    }

    /// Commands and screen names starting with what is typed (case-insensitive); after
    /// `cycle `, the numbers of the cycles.
    pub fn completions(&self) -> Vec<String> {
        let typed = self.command.trim_start().to_lowercase();
        if let Some(number) = typed.strip_prefix("cycle ") {
            let cycles = self
                .env
                .conn
                .as_ref()
                .and_then(|c| crate::store::cycles::list_brief(c).ok())
                .unwrap_or_default();
            return cycles
                .iter()
                .rev()
                .map(|c| c.id.to_string())
                .filter(|id| id.starts_with(number.trim()))
                .map(|id| format!("cycle {id}"))
                .collect();
        }
        self.tab_titles()
            .into_iter()
            .map(|t| t.to_lowercase())
            .chain(COMMANDS.iter().map(|c| c.to_string()))
            .filter(|c| c.starts_with(&typed))
            .collect()
    }

    fn run_command(&mut self, text: &str) {
        let mut words = text.split_whitespace();
        let Some(head) = words.next() else { return };
        let head_l = head.to_lowercase();
        if head_l == "q" {
            self.quit = true;
            return;
        }
        if let Some(i) = self
            .tab_titles()
            .iter()
            .position(|t| t.to_lowercase().starts_with(&head_l))
        {
            return self.go(i);
        }
        if head_l == "org" {
            let Some(key) = words.next() else {
                self.message = Some("укажите ИНН или regNum: :org 4703083640".into());
                return;
            };
            // The organizations tab finds it with its own search.
            self.go(Tab::Organizations.index());
            self.update_screen(Action::StartSearch);
            for c in key.chars() {
                self.update_screen(Action::Type(c));
            }
            self.update_screen(Action::Accept);
            // One match: straight to its card.
            if self
                .organizations()
                .and_then(|o| o.list.as_ref())
                .is_some_and(|l| l.view.len() == 1)
            {
                self.update_screen(Action::Accept);
            }
            return;
        }
        if head_l == "cycle" {
            return self.focus_cycle(words.next());
        }
        self.message = Some(format!(
            "неизвестная команда «{head}»; Tab — подсказка, ? — справка"
        ));
    }

    /// `:cycle N`: the rating of cycle N, with the summary also turned to it.
    fn focus_cycle(&mut self, word: Option<&str>) {
        let Some(id) = word.and_then(|w| w.trim_start_matches('№').parse::<i64>().ok()) else {
            self.message = Some("укажите номер цикла: :cycle 12 (Tab — список)".into());
            return;
        };
        let known = self
            .env
            .conn
            .as_ref()
            .map(|c| crate::store::cycles::get(c, id));
        match known {
            Some(Ok(Some(_))) => {}
            Some(Err(e)) => {
                self.message = Some(format!("ошибка чтения базы: {e}"));
                return;
            }
            _ => {
                self.message = Some(format!("цикла №{id} нет; список циклов: nok cycles"));
                return;
            }
        }
        for tab in &mut self.tabs {
            if let Some(r) = tab.focus_cycle(id) {
                self.requests.push(r);
            }
        }
        self.go(Tab::Rating.index());
    }

    fn go(&mut self, index: usize) {
        self.stack.clear();
        self.opened_at.clear();
        self.tab = index % self.tabs.len();
        self.mode = Mode::Normal;
        let cx = self.env.ctx();
        self.tabs[self.tab].activate(&cx);
    }

    /// The folder the «Обмен» screen publishes into and picks files from (default: the
    /// current folder).
    pub fn set_work_dir(&mut self, dir: std::path::PathBuf) {
        let mut screen = super::screens::exchange::ExchangeScreen::new();
        screen.set_base(dir.clone());
        self.env.work_dir = Some(dir);
        self.tabs[Tab::Exchange.index()] = Box::new(screen);
    }

    /// The organizations tab (tests look at its list).
    pub fn organizations(&self) -> Option<&OrganizationsScreen> {
        self.tabs[Tab::Organizations.index()]
            .as_any()
            .downcast_ref()
    }
}
