//! «План и недостатки»: the shortcomings and the improvement-plan rows of one organization in
//! one cycle, as two lists with a cursor (opened with Enter on the card). ←→ moves between the
//! lists; `e` opens the selected record's form (a plan row's content), Enter a plan row's
//! execution, `a` adds a record to the list, `d` deletes the selected one after a question.
//! Above the lists: the plan header (who approved the plan and when, the period, the acts) and
//! what the portal's plan document (ТФФ 1.8.3) still lacks; `r` opens the header's form.
//!
//! An organization has tens of rows in a cycle, so both lists are read whole when the screen
//! opens or comes back into view; drawing never queries.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell as TableCell, Paragraph, Row, Table as TableWidget};

use crate::domain::plan::{PlanRow, RowState, row_state};
use crate::domain::shortcoming::Shortcoming;
use crate::domain::text::printable;
use crate::service::table::cut;
use crate::service::write::Table;
use crate::store::card;
use crate::tui::msg::Action;
use crate::tui::screen::{Ctx, Outcome, Screen, navigate, window};

/// Rows due within this many days are «осталось N дн.» (as on the card).
const HORIZON_DAYS: i64 = 30;

/// Which list has the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Shortcomings,
    Plan,
}

/// The lists of one organization's cycle.
#[derive(Debug)]
pub struct OrgPlanScreen {
    cycle: i64,
    year: i32,
    org_id: i64,
    org: String,
    shortcomings: Vec<(i64, Shortcoming)>,
    plan: Vec<(i64, PlanRow)>,
    pane: Pane,
    /// Cursor and first shown row of each list.
    at: [(usize, usize); 2],
    /// Rows shown of each list in the last frame.
    heights: std::cell::Cell<[usize; 2]>,
    error: Option<String>,
    /// The plan header as read, and what the portal's document still lacks (each names the
    /// field); `None` until read.
    header: Option<(crate::store::plan_header::Header, Vec<String>)>,
}

impl OrgPlanScreen {
    /// The lists of organization `org_id` (named `org`) in `cycle` of `year`, the plan rows
    /// selected.
    pub fn open(cx: &Ctx, cycle: i64, year: i32, org_id: i64, org: &str) -> OrgPlanScreen {
        let mut s = OrgPlanScreen {
            cycle,
            year,
            org_id,
            org: org.to_string(),
            shortcomings: Vec::new(),
            plan: Vec::new(),
            pane: Pane::Plan,
            at: [(0, 0); 2],
            heights: std::cell::Cell::new([5, 10]),
            error: None,
            header: None,
        };
        s.activate(cx);
        s
    }

    /// The list with the cursor.
    pub fn pane(&self) -> Pane {
        self.pane
    }

    /// Plan rows as listed, with their ids.
    pub fn plan(&self) -> &[(i64, PlanRow)] {
        &self.plan
    }

    /// Shortcomings as listed, with their ids.
    pub fn shortcomings(&self) -> &[(i64, Shortcoming)] {
        &self.shortcomings
    }

    fn index(&self) -> usize {
        match self.pane {
            Pane::Shortcomings => 0,
            Pane::Plan => 1,
        }
    }

    fn len(&self) -> usize {
        match self.pane {
            Pane::Shortcomings => self.shortcomings.len(),
            Pane::Plan => self.plan.len(),
        }
    }

    /// The selected row of the list with the cursor.
    pub fn selected(&self) -> usize {
        self.at[self.index()].0
    }

    fn add(&self, cx: &Ctx) -> Outcome {
        match self.pane {
            Pane::Shortcomings => crate::tui::forms::shortcoming::new_shortcoming(
                cx,
                self.cycle,
                self.year,
                self.org_id,
                &self.org,
            ),
            Pane::Plan => crate::tui::forms::plan_row_content::new_row(
                cx,
                self.cycle,
                self.year,
                self.org_id,
                &self.org,
                None,
                None,
            ),
        }
    }

    fn edit(&self, cx: &Ctx) -> Outcome {
        let i = self.selected();
        match self.pane {
            Pane::Shortcomings => match self.shortcomings.get(i) {
                Some((id, _)) => crate::tui::forms::shortcoming::open(
                    cx,
                    *id,
                    self.cycle,
                    self.year,
                    self.org_id,
                    &self.org,
                ),
                None => Outcome::Message("недостатков нет; a — добавить".into()),
            },
            Pane::Plan => match self.plan.get(i) {
                Some((id, _)) => crate::tui::forms::plan_row_content::open(
                    cx,
                    *id,
                    self.cycle,
                    self.year,
                    self.org_id,
                    &self.org,
                ),
                None => Outcome::Message("строк плана нет; a — добавить".into()),
            },
        }
    }

    fn delete(&self, cx: &Ctx) -> Outcome {
        let i = self.selected();
        match self.pane {
            Pane::Shortcomings => match self.shortcomings.get(i) {
                Some((id, s)) => super::edit_delete::ask(
                    cx,
                    Table::Shortcoming,
                    *id,
                    &format!(
                        "недостаток {} «{}» ({})",
                        s.criterion,
                        cut(&s.text, 50),
                        self.org
                    ),
                ),
                None => Outcome::Done,
            },
            Pane::Plan => match self.plan.get(i) {
                Some((id, r)) => super::edit_delete::ask(
                    cx,
                    Table::PlanRow,
                    *id,
                    &format!("строку плана {} ({})", r.number, self.org),
                ),
                None => Outcome::Done,
            },
        }
    }

    fn draw_shortcomings(&self, frame: &mut Frame, area: Rect, cx: &Ctx, focused: bool) {
        let shown = window_of(area, self.at[0]);
        let selected = self.at[0].0.checked_sub(shown.start);
        let rows: Vec<Row> = self
            .shortcomings
            .iter()
            .skip(shown.start)
            .take(shown.len())
            .map(|(_, s)| {
                Row::new(vec![
                    TableCell::from(printable(&s.criterion).into_owned()),
                    TableCell::from(printable(s.indicator.as_deref().unwrap_or("")).into_owned()),
                    TableCell::from(printable(&s.text).replace('\n', " ")),
                ])
            })
            .collect();
        draw_list(
            frame,
            area,
            &cx.theme,
            rows,
            selected,
            Row::new(vec!["Кр.", "Пок.", "Недостаток"]),
            &[
                Constraint::Length(3),
                Constraint::Length(5),
                Constraint::Fill(1),
            ],
            format!(" Недостатки ({}) ", self.shortcomings.len()),
            focused,
            "Недостатков не записано; a — добавить",
        );
    }

    fn draw_plan(&self, frame: &mut Frame, area: Rect, cx: &Ctx, focused: bool) {
        let t = &cx.theme;
        let shown = window_of(area, self.at[1]);
        let selected = self.at[1].0.checked_sub(shown.start);
        let rows: Vec<Row> = self
            .plan
            .iter()
            .skip(shown.start)
            .take(shown.len())
            .map(|(_, r)| {
                let state = row_state(r.status, r.planned_date, cx.today, HORIZON_DAYS);
                let style = match state {
                    RowState::Done => t.good(),
                    RowState::Overdue { .. } => t.bad(),
                    RowState::DueSoon { .. } => t.accent(),
                    _ => ratatui::style::Style::default(),
                };
                Row::new(vec![
                    TableCell::from(printable(&r.number).into_owned()),
                    TableCell::from(printable(&r.criterion).into_owned()),
                    TableCell::from(ru(r.planned_date)),
                    TableCell::from(Span::styled(state.label_ru(), style)),
                    TableCell::from(printable(&r.measure).replace('\n', " ")),
                    TableCell::from(printable(&r.responsible.short()).into_owned()),
                ])
            })
            .collect();
        draw_list(
            frame,
            area,
            t,
            rows,
            selected,
            Row::new(vec![
                "№",
                "Кр.",
                "Срок",
                "Состояние",
                "Мероприятие",
                "Ответственный",
            ]),
            &[
                Constraint::Length(6),
                Constraint::Length(3),
                Constraint::Length(10),
                Constraint::Length(22),
                Constraint::Fill(2),
                Constraint::Fill(1),
            ],
            format!(" План по устранению недостатков ({}) ", self.plan.len()),
            focused,
            "Строк плана нет; a — добавить, p на карточке — проект из оценки",
        );
    }
}

impl OrgPlanScreen {
    /// The selected record in full: every field of a plan row, the whole text of a shortcoming.
    fn draw_detail(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        if area.height < 3 {
            return;
        }
        let t = &cx.theme;
        let field = |label: &str, text: &str| -> Option<Line<'static>> {
            let text = text.trim();
            (!text.is_empty()).then(|| {
                Line::from(vec![
                    Span::styled(format!("{label}: "), t.dim()),
                    Span::raw(printable(text).replace('\n', " ")),
                ])
            })
        };
        let lines: Vec<Line> = match self.pane {
            Pane::Shortcomings => match self.shortcomings.get(self.selected()) {
                Some((_, s)) => [
                    field(
                        "Критерий, показатель",
                        &format!("{} {}", s.criterion, s.indicator.as_deref().unwrap_or("")),
                    ),
                    field("Недостаток", &s.text),
                    field("Из пункта методики", s.input_key.as_deref().unwrap_or("")),
                ]
                .into_iter()
                .flatten()
                .collect(),
                None => Vec::new(),
            },
            Pane::Plan => match self.plan.get(self.selected()) {
                Some((_, r)) => {
                    let p = &r.responsible;
                    let who = [
                        p.last_name.as_str(),
                        p.first_name.as_str(),
                        p.middle_name.as_str(),
                    ]
                    .join(" ");
                    let who = match p.position.trim() {
                        "" => who,
                        pos => format!("{}, {pos}", who.trim()),
                    };
                    [
                        field("Недостаток", &r.shortcoming),
                        field("Мероприятие", &r.measure),
                        field("Ответственный", &who),
                        field("Результат", &r.expected_result),
                        field("Показатели результата", &r.result_indicators),
                        field("Реализовано", &r.implemented_measures),
                        field(
                            "Фактическая дата",
                            &r.actual_date.map(ru).unwrap_or_default(),
                        ),
                        field("Причина отмены", r.cancel_reason.as_deref().unwrap_or("")),
                    ]
                    .into_iter()
                    .flatten()
                    .collect()
                }
                None => Vec::new(),
            },
        };
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(ratatui::widgets::Wrap { trim: true })
                .block(
                    Block::default()
                        .borders(Borders::TOP)
                        .title(Span::styled(" Выбранная запись ", t.dim())),
                ),
            area,
        );
    }
}

/// Rows of a list that fit in `area`, and the first of them: the window that keeps the
/// selection `(selected, offset)` in view.
fn window_of(area: Rect, (selected, offset): (usize, usize)) -> std::ops::Range<usize> {
    let height = usize::from(area.height.saturating_sub(3)).max(1);
    let first = window(offset, selected, height);
    first..first + height
}

/// One list of the screen: the `rows` of the window shown, framed with `title`; the row at
/// `selected` (within the window) highlighted when the list has the cursor; `empty` said when
/// the list has no rows at all.
#[allow(clippy::too_many_arguments)]
fn draw_list(
    frame: &mut Frame,
    area: Rect,
    t: &crate::tui::theme::Theme,
    rows: Vec<Row<'static>>,
    selected: Option<usize>,
    header: Row<'static>,
    widths: &[Constraint],
    title: String,
    focused: bool,
    empty: &str,
) {
    let none = rows.is_empty();
    let shown: Vec<Row> = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            if focused && Some(i) == selected {
                row.style(t.selected())
            } else {
                row
            }
        })
        .collect();
    let widget = TableWidget::new(shown, widths.to_vec())
        .header(header.style(t.header()))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(title)
                .title_style(if focused { t.key() } else { t.dim() }),
        );
    frame.render_widget(widget, area);
    if none && area.height >= 4 {
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {empty}"), t.dim())),
            Rect {
                x: area.x + 1,
                y: area.y + 2,
                width: area.width.saturating_sub(2),
                height: 1,
            },
        );
    }
}

fn ru(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

impl OrgPlanScreen {
    /// The plan header and what the portal's document lacks.
    fn read_header(
        &self,
        conn: &crate::store::Db,
    ) -> Option<(crate::store::plan_header::Header, Vec<String>)> {
        let stored = crate::store::plan_header::get(conn, self.cycle, self.org_id).ok()??;
        let missing = crate::service::export::portal_plan::missing_for_portal_cached(
            conn,
            self.cycle,
            self.org_id,
        );
        Some((stored.header, missing))
    }

    /// Two lines about the plan header: who approved the plan and when, the period and the
    /// acts; then what the portal's document still lacks.
    fn header_lines(&self, cx: &Ctx) -> [Line<'static>; 2] {
        let t = &cx.theme;
        let Some((h, missing)) = &self.header else {
            return [Line::default(), Line::default()];
        };
        let mut about: Vec<String> = Vec::new();
        match h.approved_on {
            Some(d) => about.push(format!("утвержден {}", ru(d))),
            None => about.push("дата утверждения не указана".into()),
        }
        let who = format!(
            "{} {} {}",
            h.approver_last_name, h.approver_first_name, h.approver_middle_name
        );
        if !who.trim().is_empty() {
            about.push(format!(
                "утвердил {}",
                who.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
        if let Some(p) = h.plan_period {
            about.push(format!("период {p}"));
        }
        if let Some(a) = h.acts.first() {
            about.push(a.describe());
        }
        let about = Line::styled(
            cut(
                &printable(&format!("Заголовок плана (r): {}", about.join(" · "))),
                400,
            ),
            t.dim(),
        );
        let portal = if missing.is_empty() {
            Line::styled(
                "Для bus.gov.ru (ТФФ 1.8.3): все обязательное заполнено",
                t.good(),
            )
        } else {
            Line::styled(
                format!(
                    "Для bus.gov.ru не хватает ({}): {}",
                    missing.len(),
                    printable(&missing.join("; "))
                ),
                t.bad(),
            )
        };
        [about, portal]
    }
}

impl Screen for OrgPlanScreen {
    fn title(&self) -> String {
        format!("План {} ({} год)", printable(&self.org), self.year)
    }

    fn activate(&mut self, cx: &Ctx) {
        let Some(conn) = cx.conn else { return };
        let read = card::shortcomings_with_ids(conn, self.cycle, self.org_id)
            .and_then(|s| Ok((s, card::plan_with_ids(conn, self.cycle, self.org_id)?)));
        match read {
            Ok((s, p)) => {
                self.shortcomings = s;
                self.plan = p;
                self.error = None;
            }
            Err(e) => self.error = Some(format!("ошибка чтения базы: {e}")),
        }
        self.header = self.read_header(conn);
        let lens = [self.shortcomings.len(), self.plan.len()];
        for (at, len) in self.at.iter_mut().zip(lens) {
            at.0 = at.0.min(len.saturating_sub(1));
        }
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        match action {
            Action::Left | Action::Right => {
                self.pane = match self.pane {
                    Pane::Plan => Pane::Shortcomings,
                    Pane::Shortcomings => Pane::Plan,
                };
                Outcome::Done
            }
            Action::Add => self.add(cx),
            Action::Edit => self.edit(cx),
            Action::Delete => self.delete(cx),
            Action::EditIdentity => crate::tui::forms::plan_header::open(
                cx,
                self.cycle,
                self.year,
                self.org_id,
                &self.org,
            ),
            Action::Accept => match (self.pane, self.plan.get(self.selected())) {
                (Pane::Plan, Some((id, _))) => crate::tui::forms::plan_row_execution::open(*id, cx),
                _ => self.edit(cx),
            },
            _ => {
                let i = self.index();
                let page = self.heights.get()[i];
                match navigate(action, self.at[i].0, self.len(), page) {
                    Some(s) => {
                        self.at[i].0 = s;
                        self.at[i].1 = window(self.at[i].1, s, page);
                        Outcome::Done
                    }
                    None => Outcome::Ignored,
                }
            }
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        // Lists as tall as their rows (within a share of the height); what is left shows the
        // selected record in full.
        let rows_h = |n: usize, share: u16| -> u16 {
            (n as u16 + 3).clamp(5, (area.height.saturating_sub(1) * share / 100).max(5))
        };
        let [head, plan_header, top, bottom, detail] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(2),
            Constraint::Length(rows_h(self.shortcomings.len(), 30)),
            Constraint::Length(rows_h(self.plan.len(), 45)),
            Constraint::Fill(1),
        ])
        .areas(area);
        let line = match &self.error {
            Some(e) => Line::styled(e.clone(), t.bad()),
            None => Line::from(vec![
                Span::styled(printable(&self.org).into_owned(), t.title()),
                Span::styled(
                    format!(" · оценка {} года · цикл {}", self.year, self.cycle),
                    t.dim(),
                ),
            ]),
        };
        frame.render_widget(Paragraph::new(line), head);
        frame.render_widget(Paragraph::new(self.header_lines(cx).to_vec()), plan_header);
        self.heights.set([
            usize::from(top.height.saturating_sub(3)).max(1),
            usize::from(bottom.height.saturating_sub(3)).max(1),
        ]);
        self.draw_shortcomings(frame, top, cx, self.pane == Pane::Shortcomings);
        self.draw_plan(frame, bottom, cx, self.pane == Pane::Plan);
        self.draw_detail(frame, detail, cx);
    }

    fn status(&self) -> String {
        let (name, len) = match self.pane {
            Pane::Shortcomings => ("недостаток", self.shortcomings.len()),
            Pane::Plan => ("строка плана", self.plan.len()),
        };
        let pos = if len == 0 { 0 } else { self.selected() + 1 };
        format!(" {name} {pos}/{len}")
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        let mut k = vec![("←→", "список"), ("↑↓", "строка")];
        if self.pane == Pane::Plan {
            k.push(("Enter", "исполнение"));
            k.push(("e", "содержание"));
        } else {
            k.push(("e", "правка"));
        }
        k.extend([
            ("a", "добавить"),
            ("d", "удалить"),
            ("r", "заголовок плана"),
            ("Esc", "назад"),
        ]);
        k
    }
}
