//! Deleting a record: a question first («Удалить …? y/д — да»), then the delete with the version
//! check and the audit log; `u` puts the record back.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::domain::text::printable;
use crate::service::write::{self, EditError, Table};
use crate::tui::form::conflict_notice;
use crate::tui::form::undo::UndoStep;
use crate::tui::keymap::latin;
use crate::tui::msg::Action;
use crate::tui::screen::{Ctx, Outcome, Screen};

/// The question before deleting one record.
#[derive(Debug)]
pub struct ConfirmDelete {
    table: Table,
    id: i64,
    version: i64,
    /// What is deleted, e.g. «заседание совета 12.03.2026, протокол № 2».
    what: String,
    /// Why the delete did not happen, when it did not.
    notice: Option<String>,
}

/// Asks before deleting row `id` of `table`, described as `what`.
pub fn ask(cx: &Ctx, table: Table, id: i64, what: &str) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    match write::read_record(conn, table, id, &[]) {
        Ok(Some(record)) => Outcome::Open(Box::new(ConfirmDelete {
            table,
            id,
            version: record.version,
            what: what.to_string(),
            notice: None,
        })),
        Ok(None) => Outcome::Message("записи больше нет".to_string()),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

impl ConfirmDelete {
    fn delete(&mut self, cx: &Ctx) -> Outcome {
        let Some(conn) = cx.conn else {
            return Outcome::Done;
        };
        let note = format!("удалено: {}", self.what);
        match write::delete(conn, self.table, self.id, self.version, &note) {
            Ok(change) => Outcome::Saved {
                message: format!("удалено: {}; u — вернуть", self.what),
                undo: Some(UndoStep {
                    change,
                    label: format!("удаление: {}", self.what),
                }),
            },
            Err(EditError::Conflict(c)) => {
                self.version = c.version;
                self.notice = Some(format!(
                    "{} y/д — удалить все равно",
                    conflict_notice(c.by.as_ref(), &[])
                        .replace("Ctrl-S — записать ваши значения поверх, Esc — закрыть", "")
                ));
                Outcome::Done
            }
            Err(EditError::Gone) => Outcome::Saved {
                undo: None,
                message: "запись уже удалена другим пользователем".to_string(),
            },
            Err(e) => {
                self.notice = Some(format!("не удалено: {e}"));
                Outcome::Done
            }
        }
    }
}

impl Screen for ConfirmDelete {
    fn title(&self) -> String {
        "Удаление".to_string()
    }

    fn typing(&self) -> bool {
        true
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        match action {
            Action::Type(c) if latin(c) == 'y' || matches!(c, 'д' | 'Д') => self.delete(cx),
            _ => Outcome::Close,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let w = area.width.min(80);
        let mut lines = vec![
            Line::styled(format!("Удалить {}?", printable(&self.what)), t.title()),
            Line::from(""),
            Line::styled(
                "y/д — удалить (u вернет запись), любая другая клавиша — отмена",
                t.accent(),
            ),
        ];
        if let Some(n) = &self.notice {
            lines.push(Line::from(""));
            lines.push(Line::styled(printable(n).into_owned(), t.bad()));
        }
        let h = (lines.len() as u16 + 4).min(area.height);
        let popup = crate::tui::popup::centered(area, w, h);
        frame.render_widget(Clear, popup);
        frame.render_widget(
            Paragraph::new(lines)
                .block(Block::default().borders(Borders::ALL).title(" Удаление "))
                .wrap(Wrap { trim: false }),
            popup,
        );
    }

    fn status(&self) -> String {
        " удаление: подтвердите".to_string()
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        vec![("y д", "удалить"), ("другая", "отмена")]
    }
}
