//! «Сводка»: a year's cycles, or one cycle, at a glance — organizations assessed, mean S per
//! sector, the distribution of S and of each criterion, plan completion, overdue rows, and the
//! deadlines of the next 30 days. ←→ changes the year, ↑↓ goes through the year's cycles.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph};

use crate::domain::rating::{BIN_FLOORS, BIN_LABELS, Histogram};
use crate::domain::text::printable;
use crate::service::table::cut;
use crate::store::cycles::CycleInfo;
use crate::store::overview::{Overview, Scope};
use crate::tui::format::dec;
use crate::tui::msg::{Action, Loaded, Request};
use crate::tui::screen::{Ctx, Outcome, Screen};

/// The summary screen's state: the cycles, the scope shown and its figures.
#[derive(Debug, Default)]
pub struct SummaryScreen {
    /// Every cycle, oldest first.
    cycles: Vec<CycleInfo>,
    /// Years with cycles, newest first.
    years: Vec<i32>,
    scope: Option<Scope>,
    overview: Option<Overview>,
    no_cycles: bool,
    error: Option<String>,
    /// The data changed since the cycles and the summary were read.
    stale: bool,
    /// How far the database is on its first day; the «Начало работы» guide is shown until
    /// something is scored.
    steps: Option<crate::store::first_steps::FirstSteps>,
}

impl SummaryScreen {
    pub fn new() -> SummaryScreen {
        SummaryScreen::default()
    }

    /// The first-day steps while nothing is scored (the guide is shown), else `None`.
    fn guide(&self) -> Option<&crate::store::first_steps::FirstSteps> {
        self.steps.as_ref().filter(|s| s.working && !s.scored)
    }

    /// What the screen covers now.
    pub fn scope(&self) -> Option<Scope> {
        self.scope
    }

    fn show(&mut self, scope: Scope) -> Request {
        self.scope = Some(scope);
        self.overview = None;
        Request::Summary(scope)
    }

    /// The cycles of `year`, in the order ↑↓ goes through them.
    fn cycles_of(&self, year: i32) -> Vec<&CycleInfo> {
        self.cycles.iter().filter(|c| c.year == year).collect()
    }

    fn scope_title(&self, scope: Scope) -> String {
        match scope
            .cycle
            .and_then(|id| self.cycles.iter().find(|c| c.id == id))
        {
            Some(c) => format!(
                "{} · цикл №{} · {} · {} · {}",
                c.year, c.id, c.sector, c.authority, c.region
            ),
            None => format!(
                "{} год · все циклы ({})",
                scope.year,
                self.cycles_of(scope.year).len()
            ),
        }
    }
}

impl Screen for SummaryScreen {
    fn title(&self) -> String {
        "Сводка".to_string()
    }

    fn status(&self) -> String {
        match self.scope {
            Some(Scope { year, cycle: None }) => format!(" Сводка за {year} год, все циклы"),
            Some(Scope {
                year,
                cycle: Some(id),
            }) => format!(" Сводка: цикл №{id}, {year} год"),
            None => " Сводка".to_string(),
        }
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        if let Some(s) = self.guide() {
            let mut keys = vec![
                ("Enter", super::first_steps::enter_key(s)),
                ("a", "новый цикл"),
            ];
            if s.cycle.is_some() {
                keys.push(("x X", "шаблон исходных данных"));
            }
            return keys;
        }
        vec![("←→", "год"), ("↑↓", "цикл года"), ("a", "новый цикл")]
    }

    fn data_changed(&mut self) {
        self.stale = true;
    }

    /// Shown again after a change: the cycles and the summary shown are read again (worker).
    fn activate(&mut self, cx: &Ctx) {
        if !self.stale {
            return;
        }
        self.stale = false;
        let mut out = cx.outbox.borrow_mut();
        out.push(Request::Cycles);
        if let Some(scope) = self.scope {
            out.push(Request::Summary(scope));
        }
    }

    fn focus_cycle(&mut self, id: i64) -> Option<Request> {
        let year = self.cycles.iter().find(|c| c.id == id)?.year;
        Some(self.show(Scope {
            year,
            cycle: Some(id),
        }))
    }

    fn loaded(&mut self, msg: Loaded) -> Option<Loaded> {
        match msg {
            Loaded::Cycles(cycles) => {
                let mut years: Vec<i32> = cycles.iter().map(|c| c.year).collect();
                years.sort_unstable_by(|a, b| b.cmp(a));
                years.dedup();
                if self.scope.is_none() {
                    self.scope = years.first().map(|&year| Scope { year, cycle: None });
                }
                self.no_cycles = cycles.is_empty();
                self.years = years;
                self.cycles = cycles;
            }
            Loaded::FirstSteps(s) => self.steps = Some(s),
            Loaded::Summary(s) => {
                if Some(s.scope) == self.scope {
                    self.overview = Some(s);
                }
            }
            Loaded::Failed(e) => {
                self.error = Some(e.clone());
                return Some(Loaded::Failed(e));
            }
            other => return Some(other),
        }
        None
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        if action == Action::Add {
            return crate::tui::forms::new_cycle::new_cycle(cx, self.scope.map(|s| s.year));
        }
        if let Some(steps) = self.guide() {
            return match action {
                Action::Accept => super::first_steps::enter(steps, cx),
                Action::Export { xlsx } => super::first_steps::save_template(steps, cx, xlsx),
                _ => Outcome::Ignored,
            };
        }
        let Some(scope) = self.scope else {
            return Outcome::Ignored;
        };
        let next = match action {
            Action::Left | Action::Right => {
                let i = self
                    .years
                    .iter()
                    .position(|y| *y == scope.year)
                    .unwrap_or(0);
                // The year list is newest first: Left goes back in time.
                let year = match action {
                    Action::Left => self.years.get(i + 1),
                    _ => i.checked_sub(1).and_then(|j| self.years.get(j)),
                };
                year.map(|&year| Scope { year, cycle: None })
            }
            Action::Down | Action::Up | Action::Home | Action::End => {
                // Positions: 0 is the whole year, then each cycle of it.
                let ids: Vec<i64> = self.cycles_of(scope.year).iter().map(|c| c.id).collect();
                let at = scope
                    .cycle
                    .and_then(|id| ids.iter().position(|x| *x == id))
                    .map_or(0, |i| i + 1);
                let to = match action {
                    Action::Down => (at + 1).min(ids.len()),
                    Action::Up => at.saturating_sub(1),
                    Action::Home => 0,
                    _ => ids.len(),
                };
                (to != at).then(|| Scope {
                    year: scope.year,
                    cycle: to.checked_sub(1).map(|i| ids[i]),
                })
            }
            _ => return Outcome::Ignored,
        };
        match next {
            Some(scope) => Outcome::Request(self.show(scope)),
            None => Outcome::Done,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        if let Some(steps) = self.guide() {
            return super::first_steps::draw(steps, frame, area, cx);
        }
        let Some(s) = self.overview.as_ref() else {
            let text = match (&self.error, self.scope) {
                (Some(e), _) => format!("Ошибка: {}", printable(e)),
                (None, Some(scope)) => format!("Загрузка: {}…", self.scope_title(scope)),
                (None, None) if self.no_cycles => {
                    "В базе нет циклов оценки. Демонстрационные данные: nok demo".to_string()
                }
                (None, None) => "Загрузка…".to_string(),
            };
            frame.render_widget(Paragraph::new(text), area);
            return;
        };
        // The nearest deadlines get a panel when there is room for it.
        let nearest_h = if area.height >= 30 && !s.nearest.is_empty() {
            (s.nearest.len() as u16 + 2).min(8)
        } else {
            0
        };
        let [top, charts, nearest] = Layout::vertical([
            Constraint::Length(9),
            Constraint::Fill(1),
            Constraint::Length(nearest_h),
        ])
        .areas(area);
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
        self.draw_totals(s, frame, left, cx);
        draw_sectors(s, frame, right, cx);
        let [dist, crit] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(charts);
        draw_distribution(s, frame, dist, cx);
        draw_criteria(s, frame, crit, cx);
        if nearest_h > 0 {
            draw_nearest(s, frame, nearest, cx);
        }
    }
}

impl SummaryScreen {
    fn draw_totals(&self, s: &Overview, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let live = s.plan_rows - s.plan_cancelled;
        let completion = if live > 0 {
            format!("{} %", dec(s.plan_done as f64 * 100.0 / live as f64))
        } else {
            "—".to_string()
        };
        let width = area.width.saturating_sub(2) as usize;
        let mut lines = vec![
            Line::styled(
                cut(&printable(&self.scope_title(s.scope)), width),
                t.title(),
            ),
            Line::from(format!("Циклов оценки: {}", s.cycles)),
            Line::from(format!("Оценено организаций: {}", s.assessed)),
            Line::from(format!(
                "Строк планов: {} · выполнено {completion}",
                s.plan_rows
            )),
            Line::from(vec![
                Span::raw("Просрочено строк планов: "),
                Span::styled(
                    s.plan_overdue.to_string(),
                    if s.plan_overdue > 0 {
                        t.bad()
                    } else {
                        t.good()
                    },
                ),
            ]),
            Line::from(format!("Срок в ближайшие 30 дней: {}", s.due_30_days)),
        ];
        if s.assessed == 0 {
            lines.push(Line::styled("Оценок нет.", t.dim()));
        }
        frame.render_widget(
            Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Итоги ")),
            area,
        );
    }
}

fn draw_sectors(s: &Overview, frame: &mut Frame, area: Rect, cx: &Ctx) {
    let t = &cx.theme;
    let lines: Vec<Line> = s
        .by_sector
        .iter()
        .map(|(sector, n, mean)| {
            Line::from(vec![
                Span::raw(format!("{:<23}", sector.name_ru())),
                Span::styled(format!("{:>6}", dec(*mean)), t.accent()),
                Span::styled(format!("  {n} орг."), t.dim()),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Средний S по сферам "),
        ),
        area,
    );
}

fn draw_distribution(s: &Overview, frame: &mut Frame, area: Rect, cx: &Ctx) {
    let t = &cx.theme;
    let bars: Vec<Bar> = BIN_LABELS
        .iter()
        .zip(s.total_histogram.counts)
        .map(|(label, n)| Bar::default().label(Line::from(*label)).value(n))
        .collect();
    // Nine bars share the inner width.
    let bar_width = (area.width.saturating_sub(2) / 9)
        .saturating_sub(1)
        .clamp(1, 6);
    frame.render_widget(
        BarChart::default()
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Распределение S (организаций) "),
            )
            .data(BarGroup::default().bars(&bars))
            .bar_width(bar_width)
            .bar_gap(1)
            .bar_style(t.accent()),
        area,
    );
}

/// Eighths of a cell, for the small per-criterion histograms.
const LEVELS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One criterion's distribution as a row of bars, `per_bin` cells each (the last is a gap).
fn mini_histogram(h: &Histogram, per_bin: usize) -> String {
    let max = h.max().max(1);
    let mut out = String::new();
    for &n in &h.counts {
        // Any organization in a bin shows at least the lowest bar.
        let level = if n == 0 {
            0
        } else {
            ((n * 8).div_ceil(max) as usize).clamp(1, 8)
        };
        for _ in 0..per_bin.saturating_sub(1).max(1) {
            out.push(LEVELS[level]);
        }
        if per_bin > 1 {
            out.push(' ');
        }
    }
    out
}

fn draw_criteria(s: &Overview, frame: &mut Frame, area: Rect, cx: &Ctx) {
    let t = &cx.theme;
    // "К1  91,20  " then nine bins.
    const LEAD: usize = 11;
    let inner = area.width.saturating_sub(2) as usize;
    let per_bin = (inner.saturating_sub(LEAD) / 9).clamp(1, 5);
    // Each bin is headed by its lower bound (the charts' «<60» would not fit a narrow bin).
    let mut header = format!("{:<LEAD$}", "     ср.");
    for floor in BIN_FLOORS {
        header.push_str(&format!("{floor:<per_bin$}"));
    }
    let mut lines = vec![Line::styled(cut(&header, inner), t.dim())];
    for c in &s.criteria {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<4}", printable(&c.code)), t.header()),
            Span::styled(format!("{:>6}  ", dec(c.mean)), t.accent()),
            Span::styled(mini_histogram(&c.histogram, per_bin), t.good()),
        ]));
    }
    if s.criteria.is_empty() {
        lines.push(Line::styled("Оценок нет.", t.dim()));
    }
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Критерии: среднее и распределение "),
        ),
        area,
    );
}

fn draw_nearest(s: &Overview, frame: &mut Frame, area: Rect, cx: &Ctx) {
    let t = &cx.theme;
    let inner = area.width.saturating_sub(2) as usize;
    let name_w = (inner / 3).max(12);
    let lines: Vec<Line> = s
        .nearest
        .iter()
        .take(area.height.saturating_sub(2) as usize)
        .map(|r| {
            let date = r.planned_date.format("%d.%m.%Y").to_string();
            let days = (r.planned_date - cx.today).num_days();
            let rest = inner.saturating_sub(name_w + 22);
            Line::from(vec![
                Span::styled(format!("{date} "), t.accent()),
                Span::styled(format!("{:>4} дн. ", days), t.dim()),
                Span::raw(format!(
                    "{:<name_w$} ",
                    cut(&printable(&r.org_name), name_w)
                )),
                Span::raw(cut(
                    &format!("{} {}", printable(&r.number), printable(&r.measure)),
                    rest,
                )),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(format!(
            " Ближайшие сроки: {} строк за 30 дней ",
            s.due_30_days
        ))),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mini_histogram_scales_to_the_fullest_bin_and_marks_any_nonempty_bin() {
        let h = Histogram {
            counts: [0, 1, 0, 0, 0, 0, 0, 50, 100],
        };
        assert_eq!(mini_histogram(&h, 1), " ▁     ▄█");
        assert_eq!(
            mini_histogram(&h, 3),
            format!("   ▁▁ {}▄▄ ██ ", " ".repeat(15))
        );
    }
}
