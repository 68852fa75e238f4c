//! The terminal UI's state and how intents change it. Drawing lives in `views`, keys in `keymap`;
//! data arrives from a worker thread as [`Loaded`] messages.

use std::cell::Cell;

use chrono::NaiveDate;

use super::theme::Theme;
use crate::domain::sector::Sector;
use crate::store::browse::{OrgKey, YearSummary};

/// What a key means, whatever key it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Down,
    Up,
    PageDown,
    PageUp,
    Home,
    End,
    Left,
    Right,
    NextScreen,
    PrevScreen,
    /// Go to screen N (0-based), from the digit keys.
    Screen(usize),
    StartSearch,
    Type(char),
    Backspace,
    Accept,
    Cancel,
    Help,
    SortNext,
    SortReverse,
    FilterSector,
}

/// Where keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing the search text of the current list.
    Search,
    /// The help overlay is open.
    Help,
}

/// The screens, in the order of the tab bar and the digit keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Summary,
    Organizations,
}

impl Screen {
    pub const ALL: [Screen; 2] = [Screen::Summary, Screen::Organizations];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Summary => "Сводка",
            Screen::Organizations => "Организации",
        }
    }

    fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// Data sent by the worker thread.
#[derive(Debug)]
pub enum Loaded {
    Years(Vec<i32>),
    Summary(YearSummary),
    Orgs(Vec<OrgKey>),
    Failed(String),
}

/// What the UI asks the worker for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    Summary(i32),
}

/// The column the organization list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgSort {
    Name,
    Sector,
    Region,
    Total,
    Place,
    Completion,
    Overdue,
}

impl OrgSort {
    const ALL: [OrgSort; 7] = [
        OrgSort::Name,
        OrgSort::Sector,
        OrgSort::Region,
        OrgSort::Total,
        OrgSort::Place,
        OrgSort::Completion,
        OrgSort::Overdue,
    ];

    pub fn title(self) -> &'static str {
        match self {
            OrgSort::Name => "наименование",
            OrgSort::Sector => "сфера",
            OrgSort::Region => "регион",
            OrgSort::Total => "S",
            OrgSort::Place => "место",
            OrgSort::Completion => "выполнение плана",
            OrgSort::Overdue => "просрочено",
        }
    }
}

/// The organization list: all keys, and the filtered, sorted view as indices into them.
#[derive(Debug)]
pub struct OrgList {
    pub keys: Vec<OrgKey>,
    /// Lower-case short and full names for searching and sorting, parallel to `keys`.
    lower: Vec<(String, String)>,
    /// Indices into `keys` of the rows shown, in order.
    pub view: Vec<u32>,
    pub selected: usize,
    pub offset: usize,
    pub query: String,
    pub sort: OrgSort,
    pub descending: bool,
    pub sector: Option<Sector>,
}

impl OrgList {
    pub fn new(keys: Vec<OrgKey>) -> OrgList {
        let lower = keys
            .iter()
            .map(|k| (k.name.to_lowercase(), k.full_name.to_lowercase()))
            .collect();
        let mut list = OrgList {
            keys,
            lower,
            view: Vec::new(),
            selected: 0,
            offset: 0,
            query: String::new(),
            sort: OrgSort::Name,
            descending: false,
            sector: None,
        };
        list.refresh();
        list
    }

    /// Rebuilds the view from the query, the sector filter and the sort; keeps the selected
    /// organization selected when it is still shown.
    pub fn refresh(&mut self) {
        let keep = self.selected_key().map(|k| k.id);
        let q = self.query.trim().to_lowercase();
        self.view = (0..self.keys.len() as u32)
            .filter(|&i| {
                let k = &self.keys[i as usize];
                self.sector.is_none_or(|s| k.sector == s)
                    && (q.is_empty()
                        || self.lower[i as usize].0.contains(&q)
                        || self.lower[i as usize].1.contains(&q)
                        || k.inn.starts_with(&q)
                        || k.reg_num.to_lowercase().starts_with(&q))
            })
            .collect();
        let keys = &self.keys;
        let by = |i: &u32| &keys[*i as usize];
        let cmp_f = |a: Option<f64>, b: Option<f64>| {
            // Missing values go last whatever the direction.
            match (a, b) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
        };
        let lower = &self.lower;
        match self.sort {
            OrgSort::Name => self
                .view
                .sort_by(|a, b| lower[*a as usize].0.cmp(&lower[*b as usize].0)),
            OrgSort::Sector => self.view.sort_by_key(|i| by(i).sector),
            OrgSort::Region => self.view.sort_by(|a, b| by(a).region.cmp(&by(b).region)),
            // Best first by default for S.
            OrgSort::Total => self
                .view
                .sort_by(|a, b| cmp_f(by(b).latest_total, by(a).latest_total)),
            OrgSort::Place => self.view.sort_by(|a, b| {
                cmp_f(
                    by(a).latest_place.map(f64::from),
                    by(b).latest_place.map(f64::from),
                )
            }),
            OrgSort::Completion => self
                .view
                .sort_by(|a, b| cmp_f(by(a).plan_completion(), by(b).plan_completion())),
            OrgSort::Overdue => self
                .view
                .sort_by_key(|i| std::cmp::Reverse(by(i).plan_overdue)),
        }
        if self.descending {
            self.view.reverse();
        }
        self.selected = keep
            .and_then(|id| {
                self.view
                    .iter()
                    .position(|&i| self.keys[i as usize].id == id)
            })
            .unwrap_or(0);
        self.offset = self.offset.min(self.selected);
    }

    pub fn selected_key(&self) -> Option<&OrgKey> {
        self.view
            .get(self.selected)
            .map(|&i| &self.keys[i as usize])
    }

    fn move_by(&mut self, delta: isize) {
        if self.view.is_empty() {
            self.selected = 0;
            return;
        }
        let last = self.view.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Keeps the selection inside a window of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        if height == 0 {
            return;
        }
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
    }
}

/// The whole UI state.
pub struct App {
    pub mode: Mode,
    pub screen: Screen,
    pub today: NaiveDate,
    pub theme: Theme,
    pub years: Vec<i32>,
    pub year: Option<i32>,
    pub summary: Option<YearSummary>,
    /// The database has no cycles at all.
    pub no_cycles: bool,
    pub orgs: Option<OrgList>,
    pub error: Option<String>,
    pub quit: bool,
    /// Rows visible in the current list, remembered by the last draw (for PgUp/PgDn).
    pub page: Cell<usize>,
    /// Requests for the worker, taken by the event loop.
    pub requests: Vec<Request>,
}

impl App {
    pub fn new(today: NaiveDate, theme: Theme) -> App {
        App {
            mode: Mode::Normal,
            screen: Screen::Summary,
            today,
            theme,
            years: Vec::new(),
            year: None,
            summary: None,
            no_cycles: false,
            orgs: None,
            error: None,
            quit: false,
            page: Cell::new(20),
            requests: Vec::new(),
        }
    }

    /// Takes data from the worker.
    pub fn apply(&mut self, loaded: Loaded) {
        match loaded {
            Loaded::Years(years) => {
                self.year = years.first().copied();
                self.no_cycles = years.is_empty();
                self.years = years;
            }
            Loaded::Summary(s) => {
                if Some(s.year) == self.year {
                    self.summary = Some(s);
                }
            }
            Loaded::Orgs(keys) => self.orgs = Some(OrgList::new(keys)),
            Loaded::Failed(e) => self.error = Some(e),
        }
    }

    /// Changes the state for one intent.
    pub fn update(&mut self, action: Action) {
        match self.mode {
            Mode::Help => {
                if action == Action::Cancel {
                    self.mode = Mode::Normal;
                }
            }
            Mode::Search => self.update_search(action),
            Mode::Normal => self.update_normal(action),
        }
        let page = self.page.get();
        if let Some(list) = self.orgs.as_mut() {
            list.scroll_into_view(page);
        }
    }

    fn update_search(&mut self, action: Action) {
        let Some(list) = self.orgs.as_mut() else {
            self.mode = Mode::Normal;
            return;
        };
        match action {
            Action::Type(c) => {
                list.query.push(c);
                list.refresh();
            }
            Action::Backspace => {
                list.query.pop();
                list.refresh();
            }
            Action::Accept => self.mode = Mode::Normal,
            Action::Cancel => {
                list.query.clear();
                list.refresh();
                self.mode = Mode::Normal;
            }
            Action::Down => list.move_by(1),
            Action::Up => list.move_by(-1),
            _ => {}
        }
    }

    fn update_normal(&mut self, action: Action) {
        let page = self.page.get().max(1) as isize;
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.mode = Mode::Help,
            Action::NextScreen => self.go(self.screen.index() + 1),
            Action::PrevScreen => self.go(self.screen.index() + Screen::ALL.len() - 1),
            Action::Screen(n) if n < Screen::ALL.len() => self.go(n),
            _ => match self.screen {
                Screen::Summary => self.update_summary(action),
                Screen::Organizations => {
                    if let Some(list) = self.orgs.as_mut() {
                        match action {
                            Action::Down => list.move_by(1),
                            Action::Up => list.move_by(-1),
                            Action::PageDown => list.move_by(page),
                            Action::PageUp => list.move_by(-page),
                            Action::Home => list.selected = 0,
                            Action::End => list.move_by(isize::MAX),
                            Action::StartSearch => self.mode = Mode::Search,
                            Action::Cancel if !list.query.is_empty() || list.sector.is_some() => {
                                list.query.clear();
                                list.sector = None;
                                list.refresh();
                            }
                            Action::SortNext => {
                                let i = OrgSort::ALL
                                    .iter()
                                    .position(|s| *s == list.sort)
                                    .unwrap_or(0);
                                list.sort = OrgSort::ALL[(i + 1) % OrgSort::ALL.len()];
                                list.descending = false;
                                list.refresh();
                            }
                            Action::SortReverse => {
                                list.descending = !list.descending;
                                list.refresh();
                            }
                            Action::FilterSector => {
                                list.sector = match list.sector {
                                    None => Some(Sector::ALL[0]),
                                    Some(s) => Sector::ALL
                                        .iter()
                                        .position(|x| *x == s)
                                        .and_then(|i| Sector::ALL.get(i + 1).copied()),
                                };
                                list.refresh();
                            }
                            _ => {}
                        }
                    }
                }
            },
        }
    }

    fn update_summary(&mut self, action: Action) {
        let Some(current) = self.year else { return };
        let i = self.years.iter().position(|y| *y == current).unwrap_or(0);
        // The year list is newest first: Left goes back in time.
        let next = match action {
            Action::Left => self.years.get(i + 1),
            Action::Right => i.checked_sub(1).and_then(|j| self.years.get(j)),
            _ => None,
        };
        if let Some(&y) = next {
            self.year = Some(y);
            self.summary = None;
            self.requests.push(Request::Summary(y));
        }
    }

    fn go(&mut self, index: usize) {
        self.screen = Screen::ALL[index % Screen::ALL.len()];
    }
}
