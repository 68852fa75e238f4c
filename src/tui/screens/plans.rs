//! «Планы»: improvement-plan rows of every organization — overdue, due soon, done, not reported
//! or all — grouped by organization, and spot checks (выборочная проверка) of rows marked done.
//!
//! At national scale there are about 1.5 million rows, so the screen holds only a count and a
//! buffer of rows around the selection, read with LIMIT/OFFSET (see `store::plan_rows`); moving
//! within the buffer reads nothing.
//!
//! The spot check is a modal dialog in `spot_check.rs`: while it is open this screen says it is
//! typing, so that the letter keys reach it (`y`/`n` for the verdict, then the note as text), and
//! hands it the keys, the status line and the drawing.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::domain::plan::{PlanStatus, RowState, row_state};
use crate::domain::text::printable;
use crate::service::table::cut;
use crate::store::plan_rows::{self, Detail, Filter, ListRow, OrgCounts};
use crate::store::spot_check::Verdict;
use crate::tui::format::{ru_date, ru_stamp};
use crate::tui::msg::{Action, Loaded, Request};
use crate::tui::screen::{Ctx, Outcome, RowHits, Screen, click, navigate};
use crate::tui::theme::Theme;

use super::spot_check::{SpotCheck, Step};

/// Due-soon horizons offered by ←→, in days.
const HORIZONS: [u32; 9] = [1, 3, 7, 14, 30, 60, 90, 180, 365];
const DEFAULT_HORIZON: u32 = 30;
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
        self.spot.as_ref().map_or(&[], |s| s.sample())
    }

    /// The row of the spot check shown now.
    pub fn spot_row(&self) -> Option<&Detail> {
        self.spot.as_ref().and_then(|s| s.card())
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
        match SpotCheck::setup(self.selected_row(), cx) {
            Ok(spot) => {
                self.spot = Some(spot);
                Outcome::Done
            }
            Err(outcome) => outcome,
        }
    }

    /// Opens the card of one row (Enter on a done row).
    fn open_single(&mut self, id: i64, cx: &Ctx) -> Outcome {
        self.spot = Some(SpotCheck::single(id, cx));
        Outcome::Done
    }

    /// Keys of the spot check.
    fn update_spot(&mut self, action: Action, cx: &Ctx) -> Outcome {
        let Some(spot) = self.spot.as_mut() else {
            return Outcome::Ignored;
        };
        match spot.update(action, cx) {
            Step::Stay => Outcome::Done,
            Step::Close => self.close_spot(cx),
        }
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
            spot.sample().len()
        ))
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
        if let Some(spot) = &self.spot {
            return spot.keys();
        }
        vec![
            ("f", "фильтр"),
            ("←→", "дни"),
            ("s", "выборка"),
            ("Enter", "проверить"),
            ("e", "правка"),
            ("d", "удалить"),
        ]
    }

    fn status(&self) -> String {
        if let Some(spot) = &self.spot {
            return spot.status();
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
                Some(r) => crate::tui::forms::plan_row_execution::open(r.id, cx),
                None => Outcome::Done,
            },
            Action::Delete => match self.selected_row() {
                Some(r) => super::edit_delete::ask(
                    cx,
                    crate::service::write::Table::PlanRow,
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
            spot.draw(frame, area, cx);
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
    }
}
