//! «Журнал»: the audit log, newest first — who changed what and when, old → new — filtered by
//! text and read one window at a time (the log only grows).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};

use crate::domain::field_names::{field_ru, value_ru};
use crate::domain::text::printable;
use crate::service::table::cut;
use crate::store::journal::{self, JournalRow};
use crate::tui::msg::Action;
use crate::tui::screen::{Ctx, Outcome, Screen, SearchEvent, SearchField, navigate, window};

/// The journal screen: how many entries match, and the window of them on screen.
#[derive(Debug, Default)]
pub struct JournalScreen {
    search: SearchField,
    total: usize,
    selected: usize,
    offset: usize,
    /// Entries `offset..offset + rows.len()`.
    rows: Vec<JournalRow>,
    error: Option<String>,
}

impl JournalScreen {
    pub fn new() -> JournalScreen {
        JournalScreen::default()
    }

    /// Counts the matching entries and reads the window around the selection.
    fn reload(&mut self, cx: &Ctx, recount: bool) {
        let Some(conn) = cx.conn else { return };
        let needle = self.search.needle();
        let page = cx.page.get().max(1);
        let result = (|| {
            if recount {
                self.total = journal::count(conn, &needle)?;
                self.selected = self.selected.min(self.total.saturating_sub(1));
            }
            self.offset = window(self.offset, self.selected, page);
            self.rows = journal::window(conn, &needle, self.offset, page)?;
            Ok::<_, crate::store::StoreError>(())
        })();
        self.error = result.err().map(|e| e.to_string());
    }
}

/// `2026-11-22T09:05:00` → «22.11.2026 09:05:00»; anything else as stored.
fn ru_stamp(at: &str) -> String {
    chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S")
        .map(|t| t.format("%d.%m.%Y %H:%M:%S").to_string())
        .unwrap_or_else(|_| printable(at).into_owned())
}

fn action_ru(code: &str) -> &str {
    match code {
        "insert" => "добавлено",
        "update" => "изменено",
        "delete" => "удалено",
        "bulk" => "массово",
        other => other,
    }
}

impl Screen for JournalScreen {
    fn title(&self) -> String {
        "Журнал".to_string()
    }

    fn typing(&self) -> bool {
        self.search.active
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        if self.search.active {
            vec![("Enter", "готово"), ("Esc", "сбросить поиск")]
        } else {
            vec![("↑↓", "запись"), ("/", "поиск")]
        }
    }

    fn status(&self) -> String {
        let pos = if self.total == 0 {
            0
        } else {
            self.selected + 1
        };
        let mut s = format!(" запись {pos}/{}", self.total);
        if !self.search.text.is_empty() {
            s.push_str(&format!(" · поиск «{}»", printable(&self.search.text)));
        }
        s
    }

    fn activate(&mut self, cx: &Ctx) {
        self.reload(cx, true);
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        match self.search.handle(action) {
            SearchEvent::Changed => {
                self.selected = 0;
                self.offset = 0;
                self.reload(cx, true);
                return Outcome::Done;
            }
            SearchEvent::Closed => return Outcome::Done,
            SearchEvent::NotMine => {}
        }
        match navigate(action, self.selected, self.total, cx.page.get()) {
            Some(sel) => {
                self.selected = sel;
                self.reload(cx, false);
                Outcome::Done
            }
            None => Outcome::Ignored,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let [search, list, detail] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(4),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(
                self.search
                    .line("пользователь, объект, значения, примечание", t),
            ),
            search,
        );
        if let Some(e) = &self.error {
            frame.render_widget(Paragraph::new(format!("Ошибка: {e}")).style(t.bad()), list);
            return;
        }
        let height = list.height.saturating_sub(3) as usize;
        cx.page.set(height.max(1));
        // What was changed, in words: narrower on a small terminal.
        let object_w: usize = if list.width >= 100 { 22 } else { 15 };
        let rows: Vec<Row> = self
            .rows
            .iter()
            .enumerate()
            .take(height)
            .map(|(i, e)| {
                let change = match (&e.field, &e.old_value, &e.new_value) {
                    (Some(f), old, new) => format!(
                        "{}: {} → {}",
                        field_ru(f),
                        shown_value(f, old.as_deref()),
                        shown_value(f, new.as_deref())
                    ),
                    _ => e.note.clone(),
                };
                let row = Row::new(vec![
                    ru_stamp(&e.at),
                    cut(&printable(&e.os_user), 12),
                    action_ru(&e.action).to_string(),
                    cut(
                        &format!(
                            "{}{}",
                            entity_ru(&e.entity),
                            e.entity_id.map(|id| format!(" {id}")).unwrap_or_default()
                        ),
                        object_w,
                    ),
                    cut(&printable(&change), 200),
                ]);
                if self.offset + i == self.selected {
                    row.style(t.selected())
                } else {
                    row
                }
            })
            .collect();
        frame.render_widget(
            Table::new(
                rows,
                [
                    Constraint::Length(19),
                    Constraint::Length(12),
                    Constraint::Length(10),
                    Constraint::Length(object_w as u16),
                    Constraint::Fill(1),
                ],
            )
            .header(Row::new(["Когда", "Кто", "Действие", "Объект", "Изменение"]).style(t.header()))
            .block(Block::default().borders(Borders::ALL)),
            list,
        );
        let body = match self.rows.get(self.selected.saturating_sub(self.offset)) {
            Some(e) => {
                let mut text = printable(&e.note).into_owned();
                if let Some(f) = &e.field {
                    text = format!(
                        "{}: «{}» → «{}». {text}",
                        printable(&field_ru(f)),
                        printable(&value_ru(f, e.old_value.as_deref().unwrap_or(""))),
                        printable(&value_ru(f, e.new_value.as_deref().unwrap_or("")))
                    );
                }
                vec![Line::from(text)]
            }
            None => vec![Line::styled("Записей нет", t.dim())],
        };
        frame.render_widget(Paragraph::new(body).wrap(Wrap { trim: true }), detail);
    }
}

/// What a changed record is, in words («строка плана» for `plan_row`); the table name itself
/// when it has none.
/// A value in the list: «—» when there is none.
fn shown_value<'a>(field: &str, v: Option<&'a str>) -> std::borrow::Cow<'a, str> {
    match v {
        None | Some("") => "—".into(),
        Some(v) => value_ru(field, v),
    }
}

fn entity_ru(entity: &str) -> std::borrow::Cow<'_, str> {
    let name = match entity {
        "plan_row" => "строка плана",
        "shortcoming" => "недостаток",
        "council_meeting" => "заседание",
        "workplan_item" => "мероприятие",
        "workplan_executor" => "исполнитель",
        "target_indicator" | "target_value" => "целевой показ.",
        "cycle" => "цикл",
        "membership" => "участие в цикле",
        "organization" => "организация",
        "indicator_input" => "исх. данные",
        "org_part_input" => "исх. данные части",
        "org_part" => "часть организации",
        "survey_source" => "анкеты",
        "authority" => "орган",
        "plan_header" => "шапка плана",
        "spot_check" => "проверка",
        "export_position" => "выгрузка",
        "import" => "загрузка",
        "database" => "база",
        other => return printable(other),
    };
    std::borrow::Cow::Borrowed(name)
}
