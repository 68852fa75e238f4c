//! «Планы»: improvement-plan rows of every organization — overdue, due soon, done, not reported
//! or all — grouped by organization, and spot checks (выборочная проверка) of rows marked done.
//!
//! At national scale there are about 1.5 million rows, so the screen holds only a count and a
//! buffer of rows around the selection, read with LIMIT/OFFSET (see `store::plan_rows`); moving
//! within the buffer reads nothing.
//!
//! The spot check is a modal form: while it is open the screen says it is typing, so that the
//! letter keys reach it (`y`/`n` for the verdict, then the note as text).

use std::collections::HashMap;

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::domain::plan::{PlanStatus, RowState, row_state};
use crate::domain::text::printable;
use crate::service::spot_check as spot_service;
use crate::service::table::cut;
use crate::store::plan_rows::{self, Detail, Filter, ListRow, OrgCounts};
use crate::store::spot_check::{self as spot_store, Check, Scope, Verdict};
use crate::tui::keymap::latin;
use crate::tui::msg::{Action, Loaded, Request};
use crate::tui::screen::{Ctx, Outcome, RowHits, Screen, click, navigate};
use crate::tui::theme::Theme;

/// Due-soon horizons offered by ←→, in days.
const HORIZONS: [u32; 9] = [1, 3, 7, 14, 30, 60, 90, 180, 365];
const DEFAULT_HORIZON: u32 = 30;
const DEFAULT_SAMPLE: usize = 10;
const MAX_SAMPLE: usize = 500;
/// Rows read beyond the visible ones on each side, so that moving reads rarely.
const CHUNK: usize = 120;

/// The filters, in the order `f` steps through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanFilter {
    Overdue,
    DueSoon,
    Done,
    NotReported,
    All,
}

impl PlanFilter {
    pub const ALL: [PlanFilter; 5] = [
        PlanFilter::Overdue,
        PlanFilter::DueSoon,
        PlanFilter::Done,
        PlanFilter::NotReported,
        PlanFilter::All,
    ];

    /// The store's filter with the due-soon horizon.
    pub fn query(self, horizon: u32) -> Filter {
        match self {
            PlanFilter::Overdue => Filter::Overdue,
            PlanFilter::DueSoon => Filter::DueWithin(horizon),
            PlanFilter::Done => Filter::Done,
            PlanFilter::NotReported => Filter::NotReported,
            PlanFilter::All => Filter::All,
        }
    }

    pub fn title(self, horizon: u32) -> String {
        match self {
            PlanFilter::Overdue => "просрочено".into(),
            PlanFilter::DueSoon => format!("срок в ближайшие {horizon} дн."),
            PlanFilter::Done => "выполнено".into(),
            PlanFilter::NotReported => "нет отчета".into(),
            PlanFilter::All => "все".into(),
        }
    }

    /// Short form for the filter bar.
    fn short(self, horizon: u32) -> String {
        match self {
            PlanFilter::DueSoon => format!("срок ≤{horizon} дн."),
            other => other.title(horizon),
        }
    }
}

/// Where the spot check is.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    /// Choosing the sample: its size (typed) and scope (↑↓).
    Setup,
    /// Looking at one row of the sample.
    Card,
    /// A verdict chosen; the note is typed (may stay empty); Enter saves.
    Note(Verdict),
    /// Every row of the sample has a verdict.
    Summary,
}

/// A spot check in progress.
#[derive(Debug)]
struct SpotCheck {
    stage: Stage,
    /// The sample size as typed.
    size: String,
    /// Scopes offered: what, its label, how many done rows it has.
    scopes: Vec<(Scope, String, usize)>,
    scope: usize,
    /// Ids of the rows drawn, in order.
    sample: Vec<i64>,
    pos: usize,
    /// The row shown and its past checks, read when the position changes.
    card: Option<Detail>,
    history: Vec<Check>,
    /// Verdicts given in this spot check.
    verdicts: HashMap<i64, Verdict>,
    note: String,
    /// A line for the person: what just happened or what went wrong.
    message: Option<String>,
}

impl SpotCheck {
    fn size(&self) -> usize {
        self.size.parse().unwrap_or(0)
    }

    fn tally(&self) -> (usize, usize) {
        let yes = self
            .verdicts
            .values()
            .filter(|v| **v == Verdict::Confirmed)
            .count();
        (yes, self.verdicts.len() - yes)
    }
}

/// The plan-rows screen.
#[derive(Debug)]
pub struct PlansScreen {
    filter: PlanFilter,
    horizon: u32,
    /// Rows the filter lists; `None` until first read.
    total: Option<usize>,
    selected: usize,
    /// The first row shown.
    offset: usize,
    /// Rows `buf_start..buf_start + buf.len()` of the filtered list.
    buf_start: usize,
    buf: Vec<ListRow>,
    /// Counts of the organizations in the buffer.
    groups: HashMap<i64, OrgCounts>,
    error: Option<String>,
    spot: Option<SpotCheck>,
    /// Rows each filter lists, as last counted (here or by the worker).
    counts: HashMap<Filter, usize>,
    /// Where the rows were drawn, for mouse clicks.
    hits: RowHits,
}

impl Default for PlansScreen {
    fn default() -> Self {
        PlansScreen::new()
    }
}

impl PlansScreen {
    pub fn new() -> PlansScreen {
        PlansScreen {
            filter: PlanFilter::Overdue,
            horizon: DEFAULT_HORIZON,
            total: None,
            selected: 0,
            offset: 0,
            buf_start: 0,
            buf: Vec::new(),
            groups: HashMap::new(),
            error: None,
            spot: None,
            counts: HashMap::new(),
            hits: RowHits::default(),
        }
    }

    pub fn filter(&self) -> PlanFilter {
        self.filter
    }

    pub fn horizon(&self) -> u32 {
        self.horizon
    }

    /// Rows the current filter lists (0 until read).
    pub fn total(&self) -> usize {
        self.total.unwrap_or(0)
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    /// The rows held around the selection (tests look at them).
    pub fn buffered(&self) -> &[ListRow] {
        &self.buf
    }

    /// The selected row, when it is in the buffer.
    pub fn selected_row(&self) -> Option<&ListRow> {
        self.row(self.selected)
    }

    /// The ids of the current spot check's sample (empty when none is open).
    pub fn sample(&self) -> &[i64] {
        self.spot.as_ref().map_or(&[], |s| &s.sample)
    }

    /// The row of the spot check shown now.
    pub fn spot_row(&self) -> Option<&Detail> {
        self.spot.as_ref().and_then(|s| s.card.as_ref())
    }

    fn row(&self, i: usize) -> Option<&ListRow> {
        i.checked_sub(self.buf_start).and_then(|j| self.buf.get(j))
    }

    fn query(&self) -> Filter {
        self.filter.query(self.horizon)
    }

    /// Counts again (filter changed, screen shown, a verdict written) and reads the window. A
    /// count the worker has made is used at once (counting a million rows takes longer than a
    /// frame); otherwise the count is made here.
    fn recount(&mut self, cx: &Ctx) {
        let Some(conn) = cx.conn else { return };
        let query = self.query();
        let counted = match self.counts.get(&query) {
            Some(&n) => Ok(n),
            None => plan_rows::count(conn, query, cx.today),
        };
        match counted {
            Ok(n) => {
                self.counts.insert(query, n);
                self.set_total(n, cx);
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    fn set_total(&mut self, n: usize, cx: &Ctx) {
        self.total = Some(n);
        self.selected = self.selected.min(n.saturating_sub(1));
        self.offset = self.offset.min(self.selected);
        self.buf.clear();
        self.buf_start = 0;
        self.error = None;
        self.follow(cx);
    }

    /// Asks the worker to count every filter again (the one shown first): the data may have
    /// changed since the counts were made.
    fn request_counts(&self, cx: &Ctx) {
        let current = self.query();
        let mut filters = vec![current];
        filters.extend(
            PlanFilter::ALL
                .iter()
                .map(|f| f.query(self.horizon))
                .filter(|f| *f != current),
        );
        cx.outbox.borrow_mut().push(Request::PlanCounts(filters));
    }

    /// Makes sure the rows around the selection are held, and keeps the selection on screen
    /// with its group headers.
    fn follow(&mut self, cx: &Ctx) {
        let page = cx.page.get().max(1);
        let total = self.total();
        // The window starts at most a page above the selection (a jump to the end leaves
        // the old offset far behind; reading from there would read the whole list).
        self.offset = self
            .offset
            .min(self.selected)
            .max(self.selected.saturating_sub(page));
        let lo = self.offset;
        let hi = (self.selected + page + 1).min(total);
        let held = self.buf_start..self.buf_start + self.buf.len();
        if total > 0 && !(held.contains(&lo) && (hi == 0 || held.contains(&(hi - 1)))) {
            self.fetch(cx, lo.saturating_sub(CHUNK), hi - lo + 2 * CHUNK);
        }
        self.offset = first_shown(self.offset, self.selected, page, |i| {
            self.row(i).map(|r| r.org_id)
        });
    }

    /// Holds rows `start..start + limit`. Rows already held are kept and the rest are sought
    /// from the held edges (a cost independent of where in the list they are); a jump reads by
    /// offset.
    fn fetch(&mut self, cx: &Ctx, start: usize, limit: usize) {
        let Some(conn) = cx.conn else { return };
        let total = self.total();
        let end = start.saturating_add(limit).min(total);
        let held_end = self.buf_start + self.buf.len();
        let query = self.query();
        let result = if !self.buf.is_empty() && start < held_end && end > self.buf_start {
            let keep_from = start.max(self.buf_start);
            let keep_to = end.min(held_end);
            let mut rows = self.buf[keep_from - self.buf_start..keep_to - self.buf_start].to_vec();
            let mut first = keep_from;
            let mut grow = || -> crate::store::Result<()> {
                if let (true, Some(edge)) = (start < keep_from, rows.first()) {
                    let head =
                        plan_rows::next_to(conn, query, cx.today, edge, false, keep_from - start)?;
                    first -= head.len();
                    rows.splice(0..0, head);
                }
                if let (true, Some(edge)) = (end > keep_to, rows.last()) {
                    let tail =
                        plan_rows::next_to(conn, query, cx.today, edge, true, end - keep_to)?;
                    rows.extend(tail);
                }
                Ok(())
            };
            grow().map(|()| (first, rows))
        } else {
            plan_rows::window(conn, query, cx.today, start, limit, total).map(|rows| (start, rows))
        };
        let result = result.and_then(|(first, rows)| {
            let mut ids: Vec<i64> = rows.iter().map(|r| r.org_id).collect();
            ids.sort_unstable();
            ids.dedup();
            let counts = plan_rows::org_counts(conn, &ids, query, cx.today)?;
            Ok((first, rows, counts))
        });
        match result {
            Ok((first, rows, counts)) => {
                self.buf_start = first;
                self.buf = rows;
                self.groups = counts.into_iter().map(|c| (c.org_id, c)).collect();
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    fn set_filter(&mut self, filter: PlanFilter, cx: &Ctx) {
        self.filter = filter;
        self.selected = 0;
        self.offset = 0;
        self.recount(cx);
    }

    fn step_horizon(&mut self, delta: isize, cx: &Ctx) {
        let i = HORIZONS
            .iter()
            .position(|h| *h >= self.horizon)
            .unwrap_or(HORIZONS.len() - 1);
        let j = i.saturating_add_signed(delta).min(HORIZONS.len() - 1);
        if HORIZONS[j] == self.horizon {
            return;
        }
        self.horizon = HORIZONS[j];
        if self.filter == PlanFilter::DueSoon {
            self.selected = 0;
            self.offset = 0;
            self.recount(cx);
        }
    }

    /// Opens the spot-check form with the scopes the selected row suggests.
    fn open_setup(&mut self, cx: &Ctx) -> Outcome {
        let Some(conn) = cx.conn else {
            return Outcome::Ignored;
        };
        let mut scopes = vec![(
            Scope::All,
            "все строки, отмеченные выполненными".to_string(),
        )];
        if let Some(r) = self.selected_row() {
            scopes.push((
                Scope::Cycle(r.cycle_id),
                format!(
                    "цикл {} года выбранной строки ({})",
                    r.year,
                    printable(&r.org_name)
                ),
            ));
            scopes.push((
                Scope::Org(r.org_id),
                format!("организация {}", printable(&r.org_name)),
            ));
        }
        let mut counted = Vec::new();
        for (scope, label) in scopes {
            match spot_store::count_done(conn, scope) {
                Ok(n) => counted.push((scope, label, n)),
                Err(e) => return Outcome::Message(format!("ошибка чтения базы: {e}")),
            }
        }
        self.spot = Some(SpotCheck {
            stage: Stage::Setup,
            size: DEFAULT_SAMPLE.to_string(),
            scopes: counted,
            scope: 0,
            sample: Vec::new(),
            pos: 0,
            card: None,
            history: Vec::new(),
            verdicts: HashMap::new(),
            note: String::new(),
            message: None,
        });
        Outcome::Done
    }

    /// Opens the card of one row (Enter on a done row).
    fn open_single(&mut self, id: i64, cx: &Ctx) -> Outcome {
        let mut spot = SpotCheck {
            stage: Stage::Card,
            size: "1".into(),
            scopes: Vec::new(),
            scope: 0,
            sample: vec![id],
            pos: 0,
            card: None,
            history: Vec::new(),
            verdicts: HashMap::new(),
            note: String::new(),
            message: None,
        };
        load_card(&mut spot, cx);
        self.spot = Some(spot);
        Outcome::Done
    }

    /// Keys of the spot check.
    fn update_spot(&mut self, action: Action, cx: &Ctx) -> Outcome {
        let Some(spot) = self.spot.as_mut() else {
            return Outcome::Ignored;
        };
        spot.message = None;
        match spot.stage.clone() {
            Stage::Setup => match action {
                Action::Type(c) if c.is_ascii_digit() => {
                    if spot.size == "0" {
                        spot.size.clear();
                    }
                    if spot.size.len() < 3 {
                        spot.size.push(c);
                    }
                }
                Action::Type('+') => spot.size = (spot.size() + 1).min(MAX_SAMPLE).to_string(),
                Action::Type('-') => spot.size = spot.size().saturating_sub(1).to_string(),
                Action::Backspace => {
                    spot.size.pop();
                }
                Action::Down => {
                    spot.scope = (spot.scope + 1).min(spot.scopes.len().saturating_sub(1))
                }
                Action::Up => spot.scope = spot.scope.saturating_sub(1),
                Action::Cancel => self.spot = None,
                Action::Accept => {
                    let size = spot.size().min(MAX_SAMPLE);
                    if size == 0 {
                        spot.message = Some("укажите размер выборки: число от 1".into());
                        return Outcome::Done;
                    }
                    let Some(conn) = cx.conn else {
                        return Outcome::Done;
                    };
                    let scope = spot.scopes.get(spot.scope).map_or(Scope::All, |s| s.0);
                    match spot_service::draw_sample(conn, scope, size, spot_service::fresh_seed()) {
                        Ok(ids) if ids.is_empty() => {
                            spot.message = Some("в этом охвате нет выполненных строк".into());
                        }
                        Ok(ids) => {
                            spot.sample = ids;
                            spot.pos = 0;
                            spot.stage = Stage::Card;
                            load_card(spot, cx);
                        }
                        Err(e) => spot.message = Some(format!("ошибка: {e}")),
                    }
                }
                _ => {}
            },
            Stage::Card => {
                let key = match action {
                    Action::Type(c) => Some(latin(c)),
                    _ => None,
                };
                match (action, key) {
                    (_, Some('y')) => {
                        spot.note.clear();
                        spot.stage = Stage::Note(Verdict::Confirmed);
                    }
                    (_, Some('n')) => {
                        spot.note.clear();
                        spot.stage = Stage::Note(Verdict::Rejected);
                    }
                    (Action::Down, _) | (_, Some('j')) if spot.pos + 1 < spot.sample.len() => {
                        spot.pos += 1;
                        load_card(spot, cx);
                    }
                    (Action::Up, _) | (_, Some('k')) if spot.pos > 0 => {
                        spot.pos -= 1;
                        load_card(spot, cx);
                    }
                    (Action::Cancel, _) => return self.close_spot(cx),
                    _ => {}
                }
            }
            Stage::Note(verdict) => match action {
                Action::Type(c) if spot.note.chars().count() < spot_service::NOTE_MAX => {
                    spot.note.push(c);
                }
                Action::Backspace => {
                    spot.note.pop();
                }
                Action::Cancel => spot.stage = Stage::Card,
                Action::Accept => {
                    let (Some(conn), Some(&id)) = (cx.conn, spot.sample.get(spot.pos)) else {
                        return Outcome::Done;
                    };
                    match spot_service::record(conn, id, verdict, &spot.note) {
                        Ok(_) => {
                            spot.verdicts.insert(id, verdict);
                            spot.note.clear();
                            let next = (spot.pos + 1..spot.sample.len())
                                .chain(0..spot.pos)
                                .find(|i| !spot.verdicts.contains_key(&spot.sample[*i]));
                            match next {
                                Some(i) => {
                                    spot.pos = i;
                                    spot.stage = Stage::Card;
                                    load_card(spot, cx);
                                    spot.message = Some(format!("записано: {}", verdict.name_ru()));
                                }
                                None => {
                                    load_card(spot, cx);
                                    spot.stage = Stage::Summary;
                                }
                            }
                        }
                        Err(e) => {
                            spot.message = Some(format!("не записано: {e:#}"));
                        }
                    }
                }
                _ => {}
            },
            Stage::Summary => match action {
                Action::Up => spot.stage = Stage::Card,
                Action::Type(c) if latin(c) == 'k' => spot.stage = Stage::Card,
                Action::Cancel | Action::Accept => return self.close_spot(cx),
                _ => {}
            },
        }
        Outcome::Done
    }

    fn close_spot(&mut self, cx: &Ctx) -> Outcome {
        let Some(spot) = self.spot.take() else {
            return Outcome::Done;
        };
        let (yes, no) = spot.tally();
        if yes + no == 0 {
            return Outcome::Done;
        }
        // The list shows the verdicts just given.
        self.recount(cx);
        Outcome::Message(format!(
            "выборочная проверка: подтверждено {yes}, не подтверждено {no} из {}",
            spot.sample.len()
        ))
    }
}

/// Reads the row at the sample position and its past checks.
fn load_card(spot: &mut SpotCheck, cx: &Ctx) {
    let (Some(conn), Some(&id)) = (cx.conn, spot.sample.get(spot.pos)) else {
        return;
    };
    let result = plan_rows::detail(conn, id).and_then(|d| Ok((d, spot_store::history(conn, id)?)));
    match result {
        Ok((card, history)) => {
            if card.is_none() {
                spot.message = Some("строку удалили, пока шла проверка".into());
            }
            spot.card = card;
            spot.history = history;
        }
        Err(e) => spot.message = Some(format!("ошибка чтения базы: {e}")),
    }
}

/// The first row to show so that `selected` is visible in `height` lines, each organization's
/// rows under a header line (the first row shown always gets one). Starts from `offset` and
/// moves down only as far as needed; `org` gives the organization of a row (`None` beyond what
/// is held, counted as the same organization).
pub fn first_shown(
    offset: usize,
    selected: usize,
    height: usize,
    org: impl Fn(usize) -> Option<i64>,
) -> usize {
    // Every row takes a line at least, so the window never starts more than `height` rows up.
    let mut start = offset.min(selected).max(selected.saturating_sub(height));
    let lines = |start: usize| -> usize {
        let headers = (start + 1..=selected)
            .filter(|&i| matches!((org(i - 1), org(i)), (Some(a), Some(b)) if a != b))
            .count();
        selected - start + 1 + 1 + headers
    };
    while start < selected && lines(start) > height.max(2) {
        start += 1;
    }
    start
}

impl Screen for PlansScreen {
    fn title(&self) -> String {
        "Планы".to_string()
    }

    fn typing(&self) -> bool {
        self.spot.is_some()
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        match self.spot.as_ref().map(|s| &s.stage) {
            None => vec![
                ("f", "фильтр"),
                ("←→", "дни"),
                ("s", "выборка"),
                ("Enter", "проверить"),
                ("e", "правка"),
                ("d", "удалить"),
            ],
            Some(Stage::Setup) => vec![
                ("0-9 + -", "размер"),
                ("↑↓", "охват"),
                ("Enter", "выбрать строки"),
                ("Esc", "отмена"),
            ],
            Some(Stage::Card) => vec![
                ("y", "подтверждено"),
                ("n", "не подтверждено"),
                ("↑↓", "строка выборки"),
                ("Esc", "закончить"),
            ],
            Some(Stage::Note(_)) => vec![
                ("Enter", "записать"),
                ("Esc", "назад"),
                ("текст", "примечание"),
            ],
            Some(Stage::Summary) => vec![("Enter Esc", "закрыть"), ("↑", "к строкам")],
        }
    }

    fn status(&self) -> String {
        if let Some(spot) = &self.spot {
            let (yes, no) = spot.tally();
            return match spot.stage {
                Stage::Setup => " выборочная проверка: настройка".to_string(),
                _ => format!(
                    " выборочная проверка: строка {}/{} · подтверждено {yes} · не подтверждено {no}",
                    (spot.pos + 1).min(spot.sample.len()),
                    spot.sample.len()
                ),
            };
        }
        let Some(n) = self.total else {
            return " Планы: загрузка…".to_string();
        };
        let pos = if n == 0 { 0 } else { self.selected + 1 };
        format!(
            " строка {pos}/{n} · фильтр: {}",
            self.filter.title(self.horizon)
        )
    }

    fn activate(&mut self, cx: &Ctx) {
        if self.spot.is_none() {
            // Shown again (or after an edit): the list shown is counted afresh here, the other
            // filters by the worker.
            self.counts.remove(&self.query());
            self.recount(cx);
            self.request_counts(cx);
        }
    }

    fn loaded(&mut self, msg: Loaded) -> Option<Loaded> {
        match msg {
            Loaded::PlanCount(filter, n) => {
                self.counts.insert(filter, n);
                // The list shown takes the fresh count; its rows are read again as it moves.
                if filter == self.query() && self.total.is_some() {
                    self.total = Some(n);
                    self.selected = self.selected.min(n.saturating_sub(1));
                    self.offset = self.offset.min(self.selected);
                }
                None
            }
            other => Some(other),
        }
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        if self.spot.is_some() {
            return self.update_spot(action, cx);
        }
        if self.total.is_none() {
            self.recount(cx);
        }
        let total = self.total();
        if let Action::Click { row, .. } = action {
            return match click(&self.hits, row, self.selected) {
                Some(a) => self.update(a, cx),
                None => Outcome::Ignored,
            };
        }
        if let Some(sel) = navigate(action, self.selected, total, cx.page.get()) {
            self.selected = sel;
            self.follow(cx);
            return Outcome::Done;
        }
        match action {
            Action::Filter => {
                let i = PlanFilter::ALL
                    .iter()
                    .position(|f| *f == self.filter)
                    .unwrap_or(0);
                self.set_filter(PlanFilter::ALL[(i + 1) % PlanFilter::ALL.len()], cx);
                Outcome::Done
            }
            Action::Left => {
                self.step_horizon(-1, cx);
                Outcome::Done
            }
            Action::Right => {
                self.step_horizon(1, cx);
                Outcome::Done
            }
            Action::SortNext => self.open_setup(cx),
            Action::Edit => match self.selected_row() {
                Some(r) => super::edit_plan_row::open(r.id, cx),
                None => Outcome::Done,
            },
            Action::Delete => match self.selected_row() {
                Some(r) => super::edit_delete::ask(
                    cx,
                    crate::store::edit::Table::PlanRow,
                    r.id,
                    &format!(
                        "мероприятие плана № {} ({}, {} год): {}",
                        r.number,
                        r.org_name,
                        r.year,
                        crate::service::table::cut(&r.measure, 60)
                    ),
                ),
                None => Outcome::Done,
            },
            Action::Accept => match self.selected_row() {
                Some(r) if r.status == PlanStatus::Done => self.open_single(r.id, cx),
                Some(_) => Outcome::Message(
                    "проверять можно строки, отмеченные выполненными; s — выборочная проверка"
                        .into(),
                ),
                None => Outcome::Done,
            },
            _ => Outcome::Ignored,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        if let Some(spot) = &self.spot {
            draw_spot(spot, frame, area, cx);
            return;
        }
        let [bar, list, detail] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(5),
        ])
        .areas(area);
        self.draw_bar(frame, bar, cx);
        if let Some(e) = &self.error {
            frame.render_widget(
                Paragraph::new(format!("Ошибка: {}", printable(e)))
                    .style(cx.theme.bad())
                    .wrap(Wrap { trim: true }),
                list,
            );
            return;
        }
        self.draw_list(frame, list, cx);
        self.draw_detail(frame, detail, cx);
    }
}

/// Text cut to `width` columns and padded to exactly that.
fn col(text: &str, width: usize) -> String {
    let mut s = cut(text, width);
    let w = s.width();
    if w < width {
        s.push_str(&" ".repeat(width - w));
    }
    s
}

/// The end of `text` that fits in `width` columns, after «…» when cut (what is being typed).
fn tail(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out: Vec<char> = Vec::new();
    let mut w = 1;
    for c in text.chars().rev() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    std::iter::once('…').chain(out.into_iter().rev()).collect()
}

fn ru_date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// `2026-11-22T09:05:00` → «22.11.2026 09:05».
fn ru_stamp(at: &str) -> String {
    chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S")
        .map(|t| t.format("%d.%m.%Y %H:%M").to_string())
        .unwrap_or_else(|_| printable(at).into_owned())
}

fn state_style(state: RowState, t: &Theme) -> Style {
    match state {
        RowState::Overdue { .. } => t.bad(),
        RowState::Done => t.good(),
        RowState::DueSoon { .. } => t.accent(),
        RowState::Cancelled => t.dim(),
        RowState::InTime => Style::default(),
    }
}

fn verdict_mark(v: Option<Verdict>) -> &'static str {
    match v {
        Some(Verdict::Confirmed) => "✓",
        Some(Verdict::Rejected) => "✗",
        None => "",
    }
}

/// Column widths of the list: number, criterion, date, responsible (0 = hidden), state, check.
const W_NUM: usize = 6;
const W_CRIT: usize = 3;
const W_DATE: usize = 10;
const W_RESP: usize = 18;
const W_STATE: usize = 22;
const W_CHECK: usize = 3;
/// The responsible column is shown only when the measure still gets this much room.
const MIN_MEASURE_WITH_RESP: usize = 30;

impl PlansScreen {
    fn draw_bar(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let mut spans = vec![Span::styled("Фильтр (f): ", t.dim())];
        for (i, f) in PlanFilter::ALL.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(" │ ", t.dim()));
            }
            let style = if *f == self.filter {
                t.selected()
            } else {
                t.dim()
            };
            spans.push(Span::styled(f.short(self.horizon), style));
        }
        spans.push(Span::styled("   ←→ N дней", t.dim()));
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn draw_list(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let block = Block::default().borders(Borders::ALL);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        // The header takes one line.
        let height = inner.height.saturating_sub(1) as usize;
        cx.page.set(height.max(1));
        let width = inner.width as usize;
        let fixed = W_NUM + W_CRIT + W_DATE + W_STATE + W_CHECK + 5;
        let with_resp = width.saturating_sub(fixed + W_RESP + 1) >= MIN_MEASURE_WITH_RESP;
        let measure_w = width
            .saturating_sub(fixed + if with_resp { W_RESP + 1 } else { 0 })
            .max(8);
        let cells = |num: &str, crit: &str, measure: &str, date: &str, resp: &str, state: &str| {
            let mut s = format!(
                "{} {} {} {} ",
                col(num, W_NUM),
                col(crit, W_CRIT),
                col(measure, measure_w),
                col(date, W_DATE)
            );
            if with_resp {
                s.push_str(&col(resp, W_RESP));
                s.push(' ');
            }
            s.push_str(&col(state, W_STATE));
            s.push(' ');
            s
        };
        let mut lines = vec![Line::styled(
            format!(
                "{}{}",
                cells(
                    "№",
                    "Кр.",
                    "Мероприятие",
                    "Срок",
                    "Ответственный",
                    "Состояние"
                ),
                col("Пр.", W_CHECK)
            ),
            t.header(),
        )];
        let total = self.total();
        if total == 0 {
            let text = match self.total {
                None => "Загрузка…".to_string(),
                Some(_) => format!(
                    "Строк нет: «{}». f — другой фильтр.",
                    self.filter.title(self.horizon)
                ),
            };
            lines.push(Line::styled(text, t.dim()));
            frame.render_widget(Paragraph::new(lines), inner);
            return;
        }
        let start = first_shown(self.offset, self.selected, height, |i| {
            self.row(i).map(|r| r.org_id)
        });
        let mut prev: Option<i64> = None;
        let mut i = start;
        self.hits.clear();
        while lines.len() <= height {
            let Some(r) = self.row(i) else { break };
            if prev != Some(r.org_id) {
                lines.push(self.group_line(r, i, width, t));
                if lines.len() > height {
                    break;
                }
            }
            prev = Some(r.org_id);
            let state = row_state(r.status, r.planned_date, cx.today, i64::from(self.horizon));
            let text = cells(
                &printable(&r.number),
                &printable(&r.criterion),
                &printable(&r.measure),
                &ru_date(r.planned_date),
                &printable(&r.responsible.short()),
                &state.label_ru(),
            );
            let mark = col(verdict_mark(r.last_check.as_ref().map(|c| c.0)), W_CHECK);
            let line = if i == self.selected {
                Line::styled(format!("{text}{mark}"), t.selected())
            } else {
                let mark_style = match r.last_check.as_ref().map(|c| c.0) {
                    Some(Verdict::Rejected) => t.bad(),
                    _ => t.good(),
                };
                // The state is the last column before the mark: colour it alone.
                let split = text.len() - col(&state.label_ru(), W_STATE).len() - 1;
                Line::from(vec![
                    Span::raw(text[..split].to_string()),
                    Span::styled(text[split..].to_string(), state_style(state, t)),
                    Span::styled(mark, mark_style),
                ])
            };
            self.hits.add(inner.y + lines.len() as u16, i);
            lines.push(line);
            i += 1;
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }

    /// The header line of an organization's group: its name and counts. The name gives way
    /// when the line is narrow, the counts do not.
    fn group_line(&self, r: &ListRow, i: usize, width: usize, t: &Theme) -> Line<'static> {
        let cont = i > 0 && self.row(i - 1).is_some_and(|p| p.org_id == r.org_id);
        let mut counts = String::new();
        if cont {
            counts.push_str(" (продолжение)");
        }
        if let Some(c) = self.groups.get(&r.org_id) {
            if width >= 100 {
                counts.push_str(&format!(
                    " · в фильтре {} · всего {} · выполнено {} · просрочено {}",
                    c.in_filter, c.rows, c.done, c.overdue
                ));
                if c.cancelled > 0 {
                    counts.push_str(&format!(" · отменено {}", c.cancelled));
                }
            } else {
                counts.push_str(&format!(
                    " · {} из {} · вып. {} · проср. {}",
                    c.in_filter, c.rows, c.done, c.overdue
                ));
                if c.cancelled > 0 {
                    counts.push_str(&format!(" · отм. {}", c.cancelled));
                }
            }
        }
        let name_w = width.saturating_sub(counts.width() + 2).max(20);
        let text = format!("■ {}{counts}", cut(&printable(&r.org_name), name_w));
        Line::styled(cut(&text, width), t.accent())
    }

    fn draw_detail(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let w = area.width as usize;
        let Some(r) = self.selected_row() else {
            return;
        };
        let mut lines = vec![Line::styled(
            cut(
                &format!(
                    "{} · цикл {} · № {} · {} · {}",
                    printable(&r.org_name),
                    r.year,
                    printable(&r.number),
                    printable(&r.criterion),
                    r.status.name_ru()
                ),
                w,
            ),
            t.header(),
        )];
        lines.push(Line::from(cut(
            &format!("Недостаток: {}", printable(&r.shortcoming)),
            w,
        )));
        let p = &r.responsible;
        let mut who = [&p.last_name, &p.first_name, &p.middle_name]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| printable(s).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        if !p.position.is_empty() {
            who.push_str(&format!(", {}", printable(&p.position)));
        }
        lines.push(Line::from(cut(
            &format!("Ответственный: {}", if who.is_empty() { "—" } else { &who }),
            w,
        )));
        let report = match (r.status, r.actual_date) {
            (PlanStatus::Cancelled, _) => format!(
                "Отменено: {}",
                printable(r.cancel_reason.as_deref().unwrap_or(""))
            ),
            (_, Some(d)) => format!(
                "Реализовано ({}): {}",
                ru_date(d),
                printable(&r.implemented_measures)
            ),
            _ if r.implemented_measures.is_empty() => "Отчета о выполнении нет".to_string(),
            _ => format!("Ход реализации: {}", printable(&r.implemented_measures)),
        };
        lines.push(Line::from(cut(&report, w)));
        lines.push(match &r.last_check {
            Some((v, at)) => Line::styled(
                cut(
                    &format!(
                        "Проверка: {} {} (проверок: {}) · Enter — подробнее",
                        v.name_ru(),
                        ru_stamp(at),
                        r.checks
                    ),
                    w,
                ),
                if *v == Verdict::Rejected {
                    t.bad()
                } else {
                    t.good()
                },
            ),
            None => Line::styled("Выборочно не проверялась", t.dim()),
        });
        frame.render_widget(Paragraph::new(lines), area);
    }
}

/// The spot check: the form, a row of the sample, or the summary.
fn draw_spot(spot: &SpotCheck, frame: &mut Frame, area: Rect, cx: &Ctx) {
    let t = &cx.theme;
    let title = match spot.stage {
        Stage::Setup => " Выборочная проверка выполненных строк ".to_string(),
        _ => format!(
            " Выборочная проверка · строка {} из {} ",
            (spot.pos + 1).min(spot.sample.len()),
            spot.sample.len()
        ),
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    match &spot.stage {
        Stage::Setup => {
            lines.push(Line::from(vec![
                Span::raw("Размер выборки: "),
                Span::styled(spot.size.clone(), t.key()),
                Span::styled("▏", t.key()),
                Span::styled("  (цифры, + и −)", t.dim()),
            ]));
            lines.push(Line::from(""));
            lines.push(Line::from(
                "Из каких строк (↑↓), выполненных строк в охвате:",
            ));
            for (i, (_, label, n)) in spot.scopes.iter().enumerate() {
                let text = cut(&format!("{n:>9}  {label}"), w);
                lines.push(if i == spot.scope {
                    Line::styled(text, t.selected())
                } else {
                    Line::from(text)
                });
            }
            lines.push(Line::from(""));
            lines.push(Line::styled(
                "Строки выбираются случайно, каждая с равной вероятностью. Enter — выбрать.",
                t.dim(),
            ));
        }
        Stage::Summary => {
            let (yes, no) = spot.tally();
            lines.push(Line::styled("Проверка закончена.", t.title()));
            lines.push(Line::from(format!(
                "Проверено строк: {} из {}",
                yes + no,
                spot.sample.len()
            )));
            lines.push(Line::styled(format!("Подтверждено: {yes}"), t.good()));
            lines.push(Line::styled(format!("Не подтверждено: {no}"), t.bad()));
            lines.push(Line::from(""));
            lines.push(Line::styled(
                "Вердикты записаны в базу и в журнал изменений. Enter — закрыть.",
                t.dim(),
            ));
        }
        Stage::Card | Stage::Note(_) => {
            // The body may wrap and be cut on a small terminal; the past checks and the prompt
            // below it always show.
            let mut footer = Vec::new();
            card_lines(spot, w, cx, &mut lines, &mut footer);
            if let Some(m) = &spot.message {
                footer.push(Line::styled(cut(&printable(m), w), t.accent()));
            }
            let [body, foot] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(footer.len() as u16)])
                    .areas(inner);
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
            frame.render_widget(Paragraph::new(footer), foot);
            return;
        }
    }
    if let Some(m) = &spot.message {
        lines.push(Line::from(""));
        lines.push(Line::styled(cut(&printable(m), w), t.accent()));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn card_lines(
    spot: &SpotCheck,
    w: usize,
    cx: &Ctx,
    lines: &mut Vec<Line<'static>>,
    footer: &mut Vec<Line<'static>>,
) {
    let t = &cx.theme;
    let Some(d) = &spot.card else {
        lines.push(Line::styled("Строка не найдена.", t.dim()));
        return;
    };
    let r = &d.row;
    let field = |label: &str, value: &str| -> Line<'static> {
        Line::from(vec![
            Span::styled(format!("{label}: "), t.dim()),
            Span::raw(printable(value).into_owned()),
        ])
    };
    lines.push(Line::styled(
        cut(&printable(&d.org_full_name), w),
        t.header(),
    ));
    lines.push(Line::styled(
        cut(
            &format!(
                "Цикл {} · {} · строка № {} · {}",
                r.year,
                d.sector.name_ru(),
                printable(&r.number),
                printable(&r.criterion)
            ),
            w,
        ),
        t.dim(),
    ));
    lines.push(field("Недостаток", &r.shortcoming));
    lines.push(field("Мероприятие", &r.measure));
    let late = r
        .actual_date
        .map(|a| (a - r.planned_date).num_days())
        .unwrap_or(0);
    lines.push(Line::from(vec![
        Span::styled("Плановый срок: ", t.dim()),
        Span::raw(ru_date(r.planned_date)),
        Span::styled("   Фактический срок: ", t.dim()),
        Span::raw(r.actual_date.map_or("—".into(), ru_date)),
        if late > 0 {
            Span::styled(format!("  (позже плана на {late} дн.)"), t.bad())
        } else {
            Span::raw("")
        },
    ]));
    let p = &r.responsible;
    lines.push(field(
        "Ответственный",
        &format!(
            "{} {} {}{}",
            p.last_name,
            p.first_name,
            p.middle_name,
            if p.position.is_empty() {
                String::new()
            } else {
                format!(", {}", p.position)
            }
        ),
    ));
    lines.push(Line::from(vec![
        Span::styled("Реализованные меры: ", t.dim()),
        Span::styled(printable(&r.implemented_measures).into_owned(), t.title()),
    ]));
    if !d.result_indicators.is_empty() {
        lines.push(field("Показатели результата", &d.result_indicators));
    }
    if r.status != PlanStatus::Done {
        lines.push(Line::styled(
            format!(
                "Статус сейчас: {} — проверка не записывается",
                r.status.name_ru()
            ),
            t.bad(),
        ));
    }
    footer.push(Line::from(""));
    if spot.history.is_empty() {
        footer.push(Line::styled("Прежних проверок нет.", t.dim()));
    } else {
        footer.push(Line::styled(
            format!("Проверки ({}):", spot.history.len()),
            t.dim(),
        ));
        for c in spot.history.iter().take(3) {
            let mut text = format!(
                "  {} {} — {}",
                ru_stamp(&c.checked_at),
                printable(&c.os_user),
                c.verdict.name_ru()
            );
            if !c.note.is_empty() {
                text.push_str(&format!(": {}", printable(&c.note)));
            }
            footer.push(Line::styled(
                cut(&text, w),
                if c.verdict == Verdict::Rejected {
                    t.bad()
                } else {
                    t.good()
                },
            ));
        }
    }
    footer.push(Line::from(""));
    match &spot.stage {
        Stage::Note(v) => {
            let prompt = format!("{} — примечание: ", v.name_ru());
            footer.push(Line::from(vec![
                Span::styled(prompt.clone(), t.key()),
                Span::raw(tail(
                    &printable(&spot.note),
                    w.saturating_sub(prompt.width() + 1),
                )),
                Span::styled("▏", t.key()),
            ]));
            footer.push(Line::styled(
                "Enter — записать, Esc — назад (без записи)",
                t.dim(),
            ));
        }
        _ => {
            let given = spot
                .sample
                .get(spot.pos)
                .and_then(|id| spot.verdicts.get(id));
            footer.push(match given {
                Some(v) => Line::styled(format!("Ваш вердикт: {}", v.name_ru()), t.key()),
                None => Line::styled(
                    "y — подтверждено, n — не подтверждено (затем примечание и Enter)",
                    t.key(),
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_stays_visible_below_group_headers() {
        // Rows 0..10, an organization change every 2 rows.
        let org = |i: usize| (i < 10).then_some((i / 2) as i64);
        // From the top, 5 lines: header, 0, 1, header, 2 — row 2 fits.
        assert_eq!(first_shown(0, 2, 5, org), 0);
        // Row 3 needs one more line: start moves down.
        assert_eq!(first_shown(0, 3, 5, org), 1);
        // Moving up never moves the start past the selection.
        assert_eq!(first_shown(6, 4, 5, org), 4);
        // A tiny window still shows the selection.
        assert_eq!(first_shown(0, 9, 1, org), 9);
    }

    #[test]
    fn columns_are_cut_and_padded_to_width() {
        assert_eq!(col("ab", 4), "ab  ");
        assert_eq!(col("абвгдеж", 4).width(), 4);
        assert_eq!(tail("абвгдеж", 4), "…деж");
        assert_eq!(tail("аб", 4), "аб");
    }
}
