//! «Рейтинг»: a cycle's organizations ranked by S or by one criterion, over the whole cycle or
//! within a group, with min / mean / max of the column and a bar per row. Places are shown as
//! stored (a criterion's place within a group is not stored: it is ranked here by the method's
//! rule). Enter opens the organization's card at this cycle.
//!
//! A cycle holds up to a few thousand organizations: the ranking is kept as a compact id list
//! (id, value, place) and names are read only for the rows around the visible window. The first
//! ranking (the default cycle by S, with its first rows) is read by the worker at start
//! (`Loaded::Rating`), so opening the screen reads nothing on the UI thread; changing the cycle,
//! the column or the group reads that cycle here (milliseconds).

use std::collections::HashMap;

use crate::store::Db as Connection;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::org_card::OrgCardScreen;
use crate::domain::rating::{Stats, places, stats};
use crate::domain::text::printable;
use crate::service::export::table::{self as table_export, FileFormat, TableKind};
use crate::service::table::cut;
use crate::store::cycles::{self, CycleInfo};
use crate::store::ranking::{self, GroupCount, RankRow, Ranked};
use crate::tui::format::dec;
use crate::tui::job::Job;
use crate::tui::methods::methods;
use crate::tui::msg::{Action, Loaded};
use crate::tui::screen::{
    Ctx, Outcome, RowHits, Screen, SearchEvent, SearchField, click, navigate, window,
};

/// Criteria codes when the cycle's method version is unknown here.
const DEFAULT_CRITERIA: [&str; 5] = ["К1", "К2", "К3", "К4", "К5"];

/// The ranking shown: what it is of, and the id list in rating order.
#[derive(Debug, Default)]
struct Ranking {
    list: Vec<Ranked>,
    /// Places shown, parallel to `list`: as stored, or ranked here for a criterion in a group.
    places: Vec<u32>,
    stats: Option<Stats>,
}

/// The rating screen's state.
#[derive(Debug, Default)]
pub struct RatingScreen {
    cycles: Vec<CycleInfo>,
    /// Lower-case search text of each cycle, parallel to `cycles`.
    haystacks: Vec<String>,
    /// Indices into `cycles` matching the search, in order.
    view: Vec<usize>,
    /// Index into `cycles` of the cycle shown.
    cycle: Option<usize>,
    search: SearchField,
    /// Criteria codes of the cycle's method.
    criteria: Vec<String>,
    /// Names of the criteria, parallel to `criteria`.
    criteria_names: Vec<String>,
    /// 0 = S, i = `criteria[i - 1]`.
    column: usize,
    groups: Vec<GroupCount>,
    /// Index into `groups`, or the whole cycle.
    group: Option<usize>,
    /// Members of the cycle that could not be scored.
    unscored: i64,
    digits: u32,
    ranking: Ranking,
    selected: usize,
    offset: usize,
    /// Rows read for the window and around it, by membership id.
    rows: HashMap<i64, RankRow>,
    error: Option<String>,
    loaded: bool,
    /// The worker's first read (`Loaded::Rating`) has come; until then the screen waits for it
    /// rather than reading on the UI thread.
    started: bool,
    /// The worker's ranking was taken and nothing was written since: the screen's first
    /// activation shows it as it is instead of reading it again on the UI thread.
    fresh: bool,
    /// The cycle asked for by `:cycle N`, shown when the screen is next activated.
    wanted: Option<i64>,
    /// Where the rows were drawn, for mouse clicks.
    hits: RowHits,
    /// The rating being saved to a file.
    saving: Option<Job<table_export::Written>>,
    /// What happened to the last save, for the status line.
    notice: Option<String>,
}

impl RatingScreen {
    pub fn new() -> RatingScreen {
        RatingScreen::default()
    }

    /// The cycle shown.
    pub fn current_cycle(&self) -> Option<&CycleInfo> {
        self.cycle.and_then(|i| self.cycles.get(i))
    }

    /// The column ranked by: `None` for S, else the criterion code.
    pub fn column(&self) -> Option<&str> {
        self.column
            .checked_sub(1)
            .and_then(|i| self.criteria.get(i))
            .map(String::as_str)
    }

    /// The group shown, `None` for the whole cycle.
    pub fn group(&self) -> Option<&str> {
        self.group
            .and_then(|g| self.groups.get(g))
            .map(|g| g.name.as_str())
    }

    /// The ranking in order: (organization id, value, place shown).
    pub fn ranking(&self) -> Vec<(i64, f64, u32)> {
        self.ranking
            .list
            .iter()
            .zip(&self.ranking.places)
            .map(|(r, p)| (r.org_id, r.value, *p))
            .collect()
    }

    /// Index of the selected row.
    pub fn selected(&self) -> usize {
        self.selected
    }

    fn reload_cycles(&mut self, conn: &Connection) {
        match cycles::list_brief(conn) {
            Ok(cycles) => self.set_cycles(cycles),
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Takes the list of cycles; keeps the cycle shown (or the one asked for by `:cycle N`),
    /// else starts at the largest cycle of the newest year.
    fn set_cycles(&mut self, cycles: Vec<CycleInfo>) {
        let keep = self.wanted.take().or(self.current_cycle().map(|c| c.id));
        self.haystacks = cycles
            .iter()
            .map(|c| {
                format!(
                    "{} {} {} {} {}",
                    c.year, c.sector, c.region, c.authority, c.id
                )
                .to_lowercase()
            })
            .collect();
        self.cycle = keep
            .and_then(|id| cycles.iter().position(|c| c.id == id))
            .or_else(|| ranking::default_cycle(&cycles));
        self.cycles = cycles;
        self.filter();
    }

    /// Takes what the worker read at start (the default cycle ranked by S, the first rows),
    /// unless the screen has already read its data itself.
    fn install(&mut self, start: ranking::Start) {
        self.started = true;
        if self.loaded {
            return;
        }
        self.set_cycles(start.cycles);
        if self.cycle != start.cycle {
            // A search or `:cycle N` came first: that cycle is read when the screen is shown.
            return;
        }
        self.set_method();
        self.groups = start.groups;
        self.unscored = start.unscored;
        self.set_ranking(start.list);
        self.rows = start
            .rows
            .into_iter()
            .map(|r| (r.membership_id, r))
            .collect();
        self.loaded = true;
        self.fresh = true;
    }

    /// Rebuilds the cycle view from the search; moves to the first match when the cycle shown
    /// does not match. Returns whether the cycle changed.
    fn filter(&mut self) -> bool {
        let needle = self.search.needle();
        let words: Vec<&str> = needle.split_whitespace().collect();
        self.view = (0..self.cycles.len())
            .filter(|&i| words.iter().all(|w| self.haystacks[i].contains(w)))
            .collect();
        match self.cycle {
            Some(c) if self.view.contains(&c) => false,
            _ => match self.view.last() {
                Some(&c) => {
                    self.cycle = Some(c);
                    true
                }
                None => false,
            },
        }
    }

    /// Reads the groups and criteria of the cycle shown, then its ranking.
    fn load_cycle(&mut self, conn: &Connection) {
        let Some(c) = self.current_cycle().cloned() else {
            return;
        };
        let keep_group = self.group().map(str::to_string);
        self.set_method();
        match ranking::groups(conn, c.id) {
            Ok((groups, unscored)) => {
                self.group = keep_group.and_then(|g| groups.iter().position(|x| x.name == g));
                self.groups = groups;
                self.unscored = unscored;
                self.error = None;
            }
            Err(e) => {
                self.error = Some(e.to_string());
                return;
            }
        }
        self.load_ranking(conn);
    }

    /// The criteria and rounding of the method of the cycle shown.
    fn set_method(&mut self) {
        let Some(c) = self.current_cycle() else {
            return;
        };
        let method = methods().and_then(|m| m.get(&c.methodology));
        (self.criteria, self.criteria_names) = match method {
            Some(m) => m
                .criteria
                .iter()
                .map(|k| (k.code.clone(), k.name.clone()))
                .unzip(),
            None => DEFAULT_CRITERIA
                .iter()
                .map(|k| ((*k).to_string(), String::new()))
                .unzip(),
        };
        self.digits = method.map_or(2, |m| m.rounding.digits);
        self.column = self.column.min(self.criteria.len());
    }

    /// Reads the id list of the ranking shown; keeps the selected organization selected.
    fn load_ranking(&mut self, conn: &Connection) {
        let Some(c) = self.current_cycle() else {
            return;
        };
        let keep = self.ranking.list.get(self.selected).map(|r| r.org_id);
        let column = self.column().map(str::to_string);
        let group = self.group().map(str::to_string);
        match ranking::ranked(conn, c.id, column.as_deref(), group.as_deref()) {
            Ok(list) => {
                self.set_ranking(list);
                self.selected = keep
                    .and_then(|id| self.ranking.list.iter().position(|r| r.org_id == id))
                    .unwrap_or(0);
                self.offset = 0;
                self.rows.clear();
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Takes a ranking in rating order: the places shown and the column's figures.
    fn set_ranking(&mut self, list: Vec<Ranked>) {
        let values: Vec<f64> = list.iter().map(|r| r.value).collect();
        let shown = if self.column().is_some() && self.group().is_some() {
            places(&values, self.digits)
        } else {
            list.iter().map(|r| r.place).collect()
        };
        self.ranking = Ranking {
            stats: stats(&values),
            places: shown,
            list,
        };
    }

    /// Makes sure the rows around the window are read: a page above, the window, two pages
    /// below. Reads them again only when some are missing.
    fn fill(&mut self, conn: &Connection, page: usize) {
        let page = page.max(1);
        let len = self.ranking.list.len();
        let from = self.offset.saturating_sub(page).min(len);
        let to = (self.offset + 3 * page).min(len);
        let ids: Vec<i64> = self.ranking.list[from..to]
            .iter()
            .map(|r| r.membership_id)
            .collect();
        if ids.iter().all(|id| self.rows.contains_key(id)) {
            return;
        }
        match ranking::rows(conn, &ids) {
            Ok(rows) => {
                self.rows = rows.into_iter().map(|r| (r.membership_id, r)).collect();
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    fn step_cycle(&mut self, delta: isize) -> bool {
        let Some(current) = self.cycle else {
            return false;
        };
        let pos = self.view.iter().position(|&c| c == current);
        let next = match pos {
            Some(p) => p
                .checked_add_signed(delta)
                .and_then(|p| self.view.get(p).copied()),
            None => self.view.first().copied(),
        };
        match next {
            Some(n) if n != current => {
                self.cycle = Some(n);
                true
            }
            _ => false,
        }
    }

    fn column_title(&self) -> String {
        match self.column.checked_sub(1) {
            None => "S — итоговый показатель (среднее К1…К5)".to_string(),
            Some(i) => {
                let code = self.criteria.get(i).map_or("", String::as_str);
                match self.criteria_names.get(i).filter(|n| !n.is_empty()) {
                    Some(name) => format!("{code} — {name}"),
                    None => code.to_string(),
                }
            }
        }
    }
}

impl Screen for RatingScreen {
    fn title(&self) -> String {
        "Рейтинг".to_string()
    }

    fn typing(&self) -> bool {
        self.search.active
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        if self.search.active {
            vec![("Enter", "готово"), ("Esc", "сбросить поиск")]
        } else {
            vec![
                ("←→", "цикл"),
                ("s S", "критерий"),
                ("f", "группа"),
                ("x X", "в CSV/xlsx"),
                ("/", "поиск цикла"),
                ("Enter", "карточка"),
                ("P", "предложения цикла"),
            ]
        }
    }

    fn legend(&self) -> Vec<(&'static str, &'static str)> {
        vec![(
            "!",
            "опрошено меньше, чем требует методика (отметка, из рейтинга не исключается)",
        )]
    }

    fn tick(&mut self) -> bool {
        let Some(job) = self.saving.as_mut() else {
            return false;
        };
        let Some(result) = job.poll() else {
            return false;
        };
        self.notice = Some(match result {
            Ok(w) => format!(
                "рейтинг сохранен: {} ({} строк)",
                w.path.map(|p| p.display().to_string()).unwrap_or_default(),
                w.rows
            ),
            Err(e) => format!("не удалось сохранить рейтинг: {e}"),
        });
        self.saving = None;
        true
    }

    fn status(&self) -> String {
        if let Some(n) = &self.notice {
            return format!(" {}", crate::domain::text::printable(n));
        }
        let n = self.ranking.list.len();
        let pos = if n == 0 { 0 } else { self.selected + 1 };
        let cpos = self
            .cycle
            .and_then(|c| self.view.iter().position(|&v| v == c))
            .map_or("—".to_string(), |p| (p + 1).to_string());
        let mut s = format!(
            " строка {pos}/{n} · цикл {cpos}/{} · по {}",
            self.view.len(),
            self.column().unwrap_or("S")
        );
        if let Some(g) = self.group() {
            s.push_str(&format!(" · группа «{}»", printable(g)));
        }
        if !self.search.text.is_empty() {
            s.push_str(&format!(" · поиск «{}»", printable(&self.search.text)));
        }
        s
    }

    fn focus_cycle(&mut self, id: i64) -> Option<crate::tui::msg::Request> {
        self.wanted = Some(id);
        // The cycle must be in view: a search left from before would hide it.
        self.search = SearchField::default();
        None
    }

    fn loaded(&mut self, msg: Loaded) -> Option<Loaded> {
        match msg {
            Loaded::Rating(start) => {
                match *start {
                    Ok(start) => self.install(start),
                    // The screen reads its data itself when shown.
                    Err(_) => self.started = true,
                }
                None
            }
            other => Some(other),
        }
    }

    fn data_changed(&mut self) {
        self.fresh = false;
    }

    fn activate(&mut self, cx: &Ctx) {
        let Some(conn) = cx.conn else { return };
        if !self.loaded && !self.started && self.wanted.is_none() {
            // The first ranking is read by the worker at start (`worker::rating_start`): the
            // screen says «Загрузка…» until it comes.
            return;
        }
        if std::mem::take(&mut self.fresh) && self.wanted.is_none() {
            // The worker's ranking, not shown yet and nothing written since: as read.
            self.offset = window(self.offset, self.selected, cx.page.get());
            self.fill(conn, cx.page.get());
            return;
        }
        let before = self.current_cycle().map(|c| c.id);
        self.reload_cycles(conn);
        if before.is_none() || self.current_cycle().map(|c| c.id) != before || !self.loaded {
            self.load_cycle(conn);
        } else {
            // Scores may have been recomputed since: read the ranking again.
            self.load_ranking(conn);
        }
        self.loaded = true;
        self.offset = window(self.offset, self.selected, cx.page.get());
        self.fill(conn, cx.page.get());
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        let page = cx.page.get();
        if self.saving.is_none() {
            self.notice = None;
        }
        let Some(conn) = cx.conn else {
            return Outcome::Ignored;
        };
        match self.search.handle(action) {
            SearchEvent::Changed => {
                if self.filter() {
                    self.load_cycle(conn);
                }
                self.fill(conn, page);
                return Outcome::Done;
            }
            SearchEvent::Closed => return Outcome::Done,
            SearchEvent::NotMine => {}
        }
        if self.search.active {
            return Outcome::Done;
        }
        if let Action::Click { row, .. } = action {
            return match click(&self.hits, row, self.selected) {
                Some(a) => self.update(a, cx),
                None => Outcome::Ignored,
            };
        }
        let len = self.ranking.list.len();
        if let Some(sel) = navigate(action, self.selected, len, page) {
            self.selected = sel;
        } else {
            match action {
                Action::Left | Action::Right => {
                    let delta = if action == Action::Left { -1 } else { 1 };
                    if self.step_cycle(delta) {
                        self.selected = 0;
                        self.load_cycle(conn);
                    }
                }
                Action::SortNext | Action::SortReverse => {
                    let n = self.criteria.len() + 1;
                    self.column = if action == Action::SortNext {
                        (self.column + 1) % n
                    } else {
                        (self.column + n - 1) % n
                    };
                    self.load_ranking(conn);
                }
                Action::Filter => {
                    self.group = match self.group {
                        None if !self.groups.is_empty() => Some(0),
                        Some(g) if g + 1 < self.groups.len() => Some(g + 1),
                        _ => None,
                    };
                    self.load_ranking(conn);
                }
                Action::Proposals => {
                    return match self.current_cycle() {
                        Some(c) => {
                            let scope = super::proposals::Scope {
                                cycle_id: c.id,
                                year: c.year,
                                org: None,
                            };
                            Outcome::Open(Box::new(super::proposals::ProposalsScreen::open(
                                cx, scope,
                            )))
                        }
                        None => Outcome::Message("циклов нет: предложений нет".into()),
                    };
                }
                Action::Export { xlsx } => {
                    let (Some(c), Some(db)) = (self.current_cycle(), cx.db) else {
                        return Outcome::Done;
                    };
                    let (id, today) = (c.id, cx.today);
                    let format = if xlsx {
                        FileFormat::Xlsx
                    } else {
                        FileFormat::Csv
                    };
                    let mut path =
                        table_export::default_path(&cx.save_dir(), TableKind::Rating, id, format);
                    let mut n = 2;
                    while path.exists() {
                        path =
                            path.with_file_name(format!("rating_cycle{id}-{n}.{}", format.ext()));
                        n += 1;
                    }
                    self.saving = Some(Job::start(
                        format!("рейтинг цикла №{id} в файл"),
                        db,
                        move |conn, _, _| {
                            let methods = crate::service::methodology::Methods::load()?;
                            table_export::write(
                                conn,
                                &methods,
                                TableKind::Rating,
                                id,
                                today,
                                format,
                                Some(&path),
                            )
                        },
                    ));
                    self.notice = Some("сохраняю рейтинг цикла…".into());
                }
                Action::Accept => {
                    let (Some(r), Some(c)) =
                        (self.ranking.list.get(self.selected), self.current_cycle())
                    else {
                        return Outcome::Done;
                    };
                    return match OrgCardScreen::open_at(cx, r.org_id, Some(c.id)) {
                        Ok(card) => Outcome::Open(Box::new(card)),
                        Err(e) => Outcome::Message(format!(
                            "не удалось открыть карточку организации: {e}"
                        )),
                    };
                }
                _ => return Outcome::Ignored,
            }
        }
        self.offset = window(self.offset, self.selected, page);
        self.fill(conn, page);
        Outcome::Done
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let [cycle_line, column_line, stats_line, table] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
        ])
        .areas(area);

        // The cycle, or the search field while typing.
        let line = if self.search.active || !self.search.text.is_empty() {
            let mut l = self.search.line("год, сфера, регион, орган", t);
            l.spans.push(Span::styled(
                format!("  найдено {}", self.view.len()),
                t.dim(),
            ));
            l
        } else {
            match self.current_cycle() {
                Some(c) => Line::from(vec![
                    Span::styled(format!("{} год", c.year), t.title()),
                    Span::raw(format!(
                        " · {} · {} · {}",
                        c.sector,
                        printable(&c.region),
                        printable(&c.authority)
                    )),
                    Span::styled(
                        format!(" · цикл {} · {}", c.id, c.status.name_ru()),
                        t.dim(),
                    ),
                ]),
                None => Line::from(""),
            }
        };
        frame.render_widget(Paragraph::new(line), cycle_line);

        let Some(c) = self.current_cycle() else {
            let text = match &self.error {
                Some(e) => format!("Ошибка: {e}"),
                None if self.loaded => {
                    "В базе нет циклов оценки. Демонстрационные данные: nok demo".to_string()
                }
                None => "Загрузка…".to_string(),
            };
            frame.render_widget(Paragraph::new(text), column_line);
            return;
        };

        // Columns to rank by, then the group.
        let mut spans = vec![Span::styled("По: ", t.dim())];
        for i in 0..=self.criteria.len() {
            let code = if i == 0 { "S" } else { &self.criteria[i - 1] };
            let style = if i == self.column {
                t.selected()
            } else {
                Default::default()
            };
            spans.push(Span::styled(format!(" {code} "), style));
        }
        spans.push(Span::styled("  группа: ", t.dim()));
        spans.push(match self.group() {
            Some(g) => Span::styled(
                format!(
                    " {} ({}/{}) ",
                    printable(g),
                    self.group.map_or(0, |i| i + 1),
                    self.groups.len()
                ),
                t.selected(),
            ),
            None => Span::raw(format!("все ({})", self.groups.len())),
        });
        frame.render_widget(Paragraph::new(Line::from(spans)), column_line);

        let mut summary = match &self.ranking.stats {
            Some(s) => vec![
                Span::styled(format!("{}: ", self.column().unwrap_or("S")), t.header()),
                Span::raw(format!(
                    "мин {} · среднее {} · макс {}",
                    dec(s.min),
                    dec(s.mean),
                    dec(s.max)
                )),
                Span::styled(format!(" · в рейтинге {}", s.count), t.dim()),
            ],
            None => vec![Span::styled("В рейтинге никого нет", t.dim())],
        };
        if self.unscored > 0 {
            summary.push(Span::styled(
                format!(" · не рассчитано {}", self.unscored),
                t.bad(),
            ));
        }
        if self.column > 0 && self.group.is_some() {
            summary.push(Span::styled(" · места в группе — по значению", t.dim()));
        }
        if c.scores_stale {
            summary.push(Span::styled(" · результаты устарели", t.bad()));
        }
        frame.render_widget(Paragraph::new(Line::from(summary)), stats_line);

        if let Some(e) = &self.error {
            frame.render_widget(Paragraph::new(format!("Ошибка: {e}")).style(t.bad()), table);
            return;
        }
        self.draw_table(frame, table, cx);
    }
}

impl RatingScreen {
    fn draw_table(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        // Borders take two rows and the header one.
        let height = area.height.saturating_sub(3) as usize;
        cx.page.set(height.max(1));
        let offset = window(self.offset, self.selected, height);
        let inner = area.width.saturating_sub(2);
        let wide = inner >= 100;
        let by_criterion = self.column > 0;
        let bar_width: u16 = if wide { 30 } else { 16 };
        // Место, S (beside a criterion), value, bar; group on wide screens.
        let mut fixed = 6 + 1 + 7 + 1 + bar_width;
        if by_criterion {
            fixed += 7;
        }
        if wide {
            fixed += 19;
        }
        let name_width = inner.saturating_sub(fixed + 1).max(10) as usize;
        let value_head = self.column().unwrap_or("S");

        self.hits.clear();
        for i in offset..self.ranking.list.len().min(offset + height) {
            // Below the top border and the header.
            self.hits.add(area.y + 2 + (i - offset) as u16, i);
        }
        let rows: Vec<Row> = self
            .ranking
            .list
            .iter()
            .zip(&self.ranking.places)
            .enumerate()
            .skip(offset)
            .take(height)
            .map(|(i, (r, place))| {
                let row = self.rows.get(&r.membership_id);
                let mut cells = vec![
                    right(place.to_string()),
                    Cell::from(row.map_or("…".to_string(), |x| {
                        // A sample below the method's rule is marked, not excluded.
                        let short = crate::domain::questionnaire::Questionnaire::builtin_cached()
                            .and_then(|q| q.sample_short(x.respondents, x.recipients))
                            .unwrap_or(false);
                        if short {
                            cut(&format!("! {}", printable(&x.name)), name_width)
                        } else {
                            cut(&printable(&x.name), name_width)
                        }
                    })),
                ];
                if wide {
                    cells.push(Cell::from(
                        row.map_or(String::new(), |x| cut(&printable(&x.group), 18)),
                    ));
                }
                if by_criterion {
                    cells.push(right(row.map_or(String::new(), |x| dec(x.total))));
                }
                cells.push(right(dec(r.value)));
                cells.push(Cell::from(Span::styled(
                    bar(r.value, bar_width),
                    t.accent(),
                )));
                let row = Row::new(cells);
                if i == self.selected {
                    row.style(t.selected())
                } else {
                    row
                }
            })
            .collect();
        let mut widths = vec![Constraint::Length(6), Constraint::Fill(1)];
        let mut header = vec![right("Место".into()), Cell::from("Организация")];
        if wide {
            widths.push(Constraint::Length(18));
            header.push(Cell::from("Группа"));
        }
        if by_criterion {
            widths.push(Constraint::Length(6));
            header.push(right("S".into()));
        }
        widths.push(Constraint::Length(6));
        header.push(right(value_head.to_string()));
        widths.push(Constraint::Length(bar_width));
        header.push(Cell::from("0…100"));
        let title = cut(&self.column_title(), inner.saturating_sub(4) as usize);
        frame.render_widget(
            Table::new(rows, widths)
                .header(Row::new(header).style(t.header()))
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .title(format!(" {title} ")),
                ),
            area,
        );
    }
}

/// A number, aligned right in its column.
fn right(text: String) -> Cell<'static> {
    Cell::from(Line::from(text).alignment(Alignment::Right))
}

/// A bar of `width` cells for a value on the 0–100 scale, in eighths of a cell.
fn bar(value: f64, width: u16) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = ((value.clamp(0.0, 100.0) / 100.0) * f64::from(width) * 8.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    let rest = eighths % 8;
    if rest > 0 {
        s.push(PARTS[rest]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional() {
        assert_eq!(bar(100.0, 10), "█".repeat(10));
        assert_eq!(bar(50.0, 10), "█".repeat(5));
        assert_eq!(bar(0.0, 10), "");
        assert_eq!(bar(55.0, 10), "█████▌");
        assert_eq!(bar(250.0, 4), "████");
    }
}
