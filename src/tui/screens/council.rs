//! «Совет»: meetings of the public councils, newest first, with the agenda and decisions of the
//! selected one in full.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};

use crate::domain::text::printable;
use crate::service::table::cut;
use crate::store::council::{MeetingRow, meetings};
use crate::tui::msg::Action;
use crate::tui::screen::{Ctx, Outcome, Screen, SearchEvent, SearchField, navigate, window};

/// The council screen: meetings (a few per authority a year, so held whole) and the selection.
#[derive(Debug, Default)]
pub struct CouncilScreen {
    rows: Option<Vec<MeetingRow>>,
    error: Option<String>,
    search: SearchField,
    selected: usize,
    offset: usize,
}

impl CouncilScreen {
    pub fn new() -> CouncilScreen {
        CouncilScreen::default()
    }

    fn reload(&mut self, cx: &Ctx) {
        let Some(conn) = cx.conn else { return };
        match meetings(conn, &self.search.needle()) {
            Ok(rows) => {
                self.selected = self.selected.min(rows.len().saturating_sub(1));
                self.rows = Some(rows);
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }
}

impl Screen for CouncilScreen {
    fn title(&self) -> String {
        "Совет".to_string()
    }

    fn typing(&self) -> bool {
        self.search.active
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        if self.search.active {
            vec![("Enter", "готово"), ("Esc", "сбросить поиск")]
        } else {
            vec![
                ("↑↓", "заседание"),
                ("/", "поиск"),
                ("e", "правка"),
                ("a", "добавить"),
                ("d", "удалить"),
            ]
        }
    }

    fn status(&self) -> String {
        let n = self.rows.as_ref().map_or(0, Vec::len);
        let pos = if n == 0 { 0 } else { self.selected + 1 };
        let mut s = format!(" заседание {pos}/{n}");
        if !self.search.text.is_empty() {
            s.push_str(&format!(" · поиск «{}»", printable(&self.search.text)));
        }
        s
    }

    fn activate(&mut self, cx: &Ctx) {
        self.reload(cx);
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        match self.search.handle(action) {
            SearchEvent::Changed => {
                self.reload(cx);
                return Outcome::Done;
            }
            SearchEvent::Closed => return Outcome::Done,
            SearchEvent::NotMine => {}
        }
        if action == Action::Delete {
            return match self.rows.as_ref().and_then(|r| r.get(self.selected)) {
                Some(m) => super::edit_delete::ask(
                    cx,
                    crate::service::write::Table::CouncilMeeting,
                    m.id,
                    &format!(
                        "заседание совета ({}) {}, протокол № {}",
                        m.authority,
                        m.date.format("%d.%m.%Y"),
                        m.protocol_number
                    ),
                ),
                None => Outcome::Done,
            };
        }
        if action == Action::Add {
            let like = self
                .rows
                .as_ref()
                .and_then(|r| r.get(self.selected))
                .map(|m| m.authority.clone());
            return crate::tui::forms::council_meeting::new_meeting(cx, like.as_deref());
        }
        if action == Action::Edit {
            return match self.rows.as_ref().and_then(|r| r.get(self.selected)) {
                Some(m) => crate::tui::forms::council_meeting::open(cx, m.id, &m.authority),
                None => Outcome::Done,
            };
        }
        let len = self.rows.as_ref().map_or(0, Vec::len);
        let page = cx.page.get();
        match navigate(action, self.selected, len, page) {
            Some(sel) => {
                self.selected = sel;
                self.offset = window(self.offset, sel, page);
                Outcome::Done
            }
            None => Outcome::Ignored,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let [search, list, detail] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Percentage(50),
            Constraint::Fill(1),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(self.search.line("повестка, решения, орган", t)),
            search,
        );
        if let Some(e) = &self.error {
            frame.render_widget(Paragraph::new(format!("Ошибка: {e}")).style(t.bad()), list);
            return;
        }
        let Some(rows) = &self.rows else {
            frame.render_widget(Paragraph::new("Загрузка…"), list);
            return;
        };
        let height = list.height.saturating_sub(3) as usize;
        cx.page.set(height.max(1));
        let offset = window(self.offset, self.selected, height);
        let table_rows: Vec<Row> = rows
            .iter()
            .enumerate()
            .skip(offset)
            .take(height)
            .map(|(i, m)| {
                let row = Row::new(vec![
                    m.date.format("%d.%m.%Y").to_string(),
                    format!("№ {}", printable(&m.protocol_number)),
                    cut(&printable(&m.authority), 22),
                    cut(&printable(&m.agenda), 200),
                ]);
                if i == self.selected {
                    row.style(t.selected())
                } else {
                    row
                }
            })
            .collect();
        frame.render_widget(
            Table::new(
                table_rows,
                [
                    Constraint::Length(10),
                    Constraint::Length(8),
                    Constraint::Length(22),
                    Constraint::Fill(1),
                ],
            )
            .header(Row::new(["Дата", "Протокол", "Орган", "Повестка"]).style(t.header()))
            .block(Block::default().borders(Borders::ALL)),
            list,
        );
        let body = match rows.get(self.selected) {
            Some(m) => {
                let mut lines = vec![Line::from(vec![
                    Span::styled(
                        format!(
                            "{} · протокол № {} · {}",
                            m.date.format("%d.%m.%Y"),
                            printable(&m.protocol_number),
                            printable(&m.authority)
                        ),
                        t.header(),
                    ),
                    Span::styled(format!(" · {}", printable(&m.region)), t.dim()),
                ])];
                if let Some((id, year, sector)) = &m.cycle {
                    lines.push(Line::styled(
                        format!("Цикл {id}: {year} год, {sector}"),
                        t.dim(),
                    ));
                }
                lines.push(Line::styled("Повестка", t.accent()));
                lines.push(Line::from(printable(&m.agenda).into_owned()));
                lines.push(Line::styled("Решения", t.accent()));
                lines.push(Line::from(printable(&m.decisions).into_owned()));
                lines
            }
            None => vec![Line::styled("Заседаний нет", t.dim())],
        };
        frame.render_widget(
            Paragraph::new(body)
                .wrap(Wrap { trim: true })
                .block(Block::default().borders(Borders::TOP)),
            detail,
        );
    }
}
