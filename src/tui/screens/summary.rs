//! «Сводка»: a year at a glance — organizations assessed, mean S per sector, the distribution of
//! S, the mean of each criterion, plan completion, overdue rows and what falls due in 30 days.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph};

use crate::store::browse::YearSummary;
use crate::tui::app::{Action, Loaded, Request};
use crate::tui::screen::{Ctx, Outcome, Screen};
use crate::tui::views::dec;

/// Bins of the S distribution: below 60, then 5-point steps up to 100.
const BINS: [(f64, &str); 9] = [
    (0.0, "<60"),
    (60.0, "60"),
    (65.0, "65"),
    (70.0, "70"),
    (75.0, "75"),
    (80.0, "80"),
    (85.0, "85"),
    (90.0, "90"),
    (95.0, "95"),
];

/// The summary screen's state: the years with cycles and the figures of the one shown.
#[derive(Debug, Default)]
pub struct SummaryScreen {
    years: Vec<i32>,
    year: Option<i32>,
    summary: Option<YearSummary>,
    no_cycles: bool,
    error: Option<String>,
}

impl SummaryScreen {
    pub fn new() -> SummaryScreen {
        SummaryScreen::default()
    }
}

impl Screen for SummaryScreen {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn title(&self) -> String {
        "Сводка".to_string()
    }

    fn status(&self) -> String {
        match self.year {
            Some(y) => format!(" Сводка за {y} год"),
            None => " Сводка".to_string(),
        }
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        vec![("←→", "год")]
    }

    fn loaded(&mut self, msg: Loaded) -> Option<Loaded> {
        match msg {
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
            Loaded::Failed(e) => {
                self.error = Some(e.clone());
                return Some(Loaded::Failed(e));
            }
            other => return Some(other),
        }
        None
    }

    fn update(&mut self, action: Action, _cx: &Ctx) -> Outcome {
        let Some(current) = self.year else {
            return Outcome::Ignored;
        };
        let i = self.years.iter().position(|y| *y == current).unwrap_or(0);
        // The year list is newest first: Left goes back in time.
        let next = match action {
            Action::Left => self.years.get(i + 1),
            Action::Right => i.checked_sub(1).and_then(|j| self.years.get(j)),
            _ => return Outcome::Ignored,
        };
        match next {
            Some(&y) => {
                self.year = Some(y);
                self.summary = None;
                Outcome::Request(Request::Summary(y))
            }
            None => Outcome::Done,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let Some(s) = self.summary.as_ref() else {
            let text = match (&self.error, self.year) {
                (Some(e), _) => format!("Ошибка: {e}"),
                (None, Some(y)) => format!("Загрузка сводки за {y} год…"),
                (None, None) if self.no_cycles => {
                    "В базе нет циклов оценки. Демонстрационные данные: nok demo".to_string()
                }
                (None, None) => "Загрузка…".to_string(),
            };
            frame.render_widget(Paragraph::new(text), area);
            return;
        };
        let [top, charts] =
            Layout::vertical([Constraint::Length(9), Constraint::Fill(1)]).areas(area);
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);

        let live = s.plan_rows - s.plan_cancelled;
        let completion = if live > 0 {
            format!("{} %", dec(s.plan_done as f64 * 100.0 / live as f64))
        } else {
            "—".to_string()
        };
        let mut lines = vec![
            Line::from(vec![
                Span::styled(format!("{} год", s.year), t.title()),
                Span::styled("  (←→ другой год)", t.dim()),
            ]),
            Line::from(format!("Циклов оценки: {}", s.cycles)),
            Line::from(format!("Оценено организаций: {}", s.assessed)),
            Line::from(format!(
                "Строк планов: {} · выполнено {} · выполнение {completion}",
                s.plan_rows, s.plan_done
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
            lines.push(Line::styled("В этом году оценок нет.", t.dim()));
        }
        frame.render_widget(
            Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Итоги ")),
            left,
        );
        let sector_lines: Vec<Line> = s
            .by_sector
            .iter()
            .map(|(sector, n, mean)| {
                Line::from(vec![
                    Span::raw(format!("{:<24}", sector.name_ru())),
                    Span::styled(format!("{:>6}", dec(*mean)), t.accent()),
                    Span::styled(format!("  {n} орг."), t.dim()),
                ])
            })
            .collect();
        frame.render_widget(
            Paragraph::new(sector_lines).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Средний S по сферам "),
            ),
            right,
        );

        let [dist, crit] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                .areas(charts);
        let mut counts = [0u64; BINS.len()];
        for v in &s.totals {
            let bin = BINS.iter().rposition(|(lo, _)| *v >= *lo).unwrap_or(0);
            counts[bin] += 1;
        }
        let bars: Vec<Bar> = BINS
            .iter()
            .zip(counts)
            .map(|((_, label), n)| Bar::default().label(Line::from(*label)).value(n))
            .collect();
        frame.render_widget(
            BarChart::default()
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .title(" Распределение S (организаций) "),
                )
                .data(BarGroup::default().bars(&bars))
                .bar_width(5)
                .bar_gap(1)
                .bar_style(t.accent()),
            dist,
        );
        let cbars: Vec<Bar> = s
            .criteria_means
            .iter()
            .map(|(code, mean)| {
                Bar::default()
                    .label(Line::from(code.as_str()))
                    .value(mean.round() as u64)
                    .text_value(dec(*mean))
            })
            .collect();
        frame.render_widget(
            BarChart::default()
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .title(" Средние по критериям "),
                )
                .data(BarGroup::default().bars(&cbars))
                .bar_width(6)
                .bar_gap(1)
                .max(100)
                .bar_style(t.good()),
            crit,
        );
    }
}
