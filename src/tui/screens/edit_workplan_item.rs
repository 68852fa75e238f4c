//! The form of an authority plan item (мероприятие плана органа): status, completion date and
//! note. Done needs the completion date, cancelled needs a note saying why, and the date may
//! not be after today. Saved with the version check and the audit log like every form.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use rusqlite::Connection;
use rusqlite::types::Value;

use crate::domain::text::printable;
use crate::domain::workplan::ItemStatus;
use crate::service::session::{now_stamp, os_user};
use crate::service::table::cut;
use crate::store::edit::{self, Author, EditError, FieldEdit, Table};
use crate::store::iso;
use crate::tui::app::Action;
use crate::tui::form::undo::{Change, UndoStep};
use crate::tui::form::{Field, Form, FormEvent, ru_stamp};
use crate::tui::screen::{Ctx, Outcome, Screen};

const COLUMNS: [&str; 3] = ["status", "completed_on", "note"];
const STATUS: usize = 0;
const DATE: usize = 1;
const NOTE: usize = 2;

/// The form of one plan item.
#[derive(Debug)]
pub struct WorkplanItemForm {
    id: i64,
    version: i64,
    base: Vec<Value>,
    pub form: Form,
    number: String,
    measure: String,
    deadline: String,
}

/// Opens the form of item `id` with what the screen shows of it.
pub fn open(cx: &Ctx, id: i64, number: &str, measure: &str, deadline: &str) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    match WorkplanItemForm::load(conn, id, number, measure, deadline, cx.today) {
        Ok(Some(f)) => Outcome::Open(Box::new(f)),
        Ok(None) => Outcome::Message("мероприятия больше нет".to_string()),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

fn text(v: &Value) -> String {
    edit::audit_text(v).unwrap_or_default()
}

fn date(v: &Value) -> Option<NaiveDate> {
    match v {
        Value::Text(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d").ok(),
        _ => None,
    }
}

fn label(column: &str) -> &'static str {
    match column {
        "status" => "статус",
        "completed_on" => "дата выполнения",
        _ => "примечание",
    }
}

fn shown(column: &str, v: &Value) -> String {
    match (column, v) {
        (_, Value::Null) => "—".to_string(),
        ("status", Value::Text(t)) => {
            ItemStatus::from_code(t).map_or(t.clone(), |s| s.name_ru().to_string())
        }
        ("completed_on", _) => date(v).map_or(text(v), |d| d.format("%d.%m.%Y").to_string()),
        _ => format!("«{}»", cut(&printable(&text(v)), 60)),
    }
}

impl WorkplanItemForm {
    pub fn load(
        conn: &Connection,
        id: i64,
        number: &str,
        measure: &str,
        deadline: &str,
        today: NaiveDate,
    ) -> Result<Option<WorkplanItemForm>, EditError> {
        let Some((base, version)) = edit::read(conn, Table::WorkplanItem, id, &COLUMNS)? else {
            return Ok(None);
        };
        let status = match &base[0] {
            Value::Text(t) => ItemStatus::from_code(t),
            _ => None,
        }
        .and_then(|s| ItemStatus::ALL.iter().position(|a| *a == s))
        .unwrap_or(0);
        let options = ItemStatus::ALL.iter().map(|s| s.name_ru()).collect();
        let fields = vec![
            Field::choice("Статус", options, status),
            Field::date("Дата выполнения", date(&base[1])),
            Field::multiline("Примечание", 2000, &text(&base[2])),
        ];
        let mut f = WorkplanItemForm {
            id,
            version,
            base,
            form: Form::new(format!("Мероприятие {number}"), fields),
            number: number.to_string(),
            measure: measure.to_string(),
            deadline: deadline.to_string(),
        };
        f.check(today);
        Ok(Some(f))
    }

    pub fn status(&self) -> ItemStatus {
        ItemStatus::ALL
            .get(self.form.fields[STATUS].choice)
            .copied()
            .unwrap_or(ItemStatus::Planned)
    }

    fn check(&mut self, today: NaiveDate) {
        self.form.check_formats();
        let date = self.form.fields[DATE].date_value();
        match (self.status(), &date) {
            (ItemStatus::Done, Ok(None)) => self
                .form
                .flag(DATE, "для статуса «выполнено» нужна дата выполнения"),
            (_, Ok(Some(d))) if *d > today => self.form.flag(
                DATE,
                format!(
                    "дата позже сегодняшнего дня ({}); будущую дату записать нельзя",
                    today.format("%d.%m.%Y")
                ),
            ),
            _ => {}
        }
        if self.status() == ItemStatus::Cancelled && self.form.fields[NOTE].trimmed().is_empty() {
            self.form
                .flag(NOTE, "для статуса «отменено» укажите в примечании причину");
        }
    }

    fn values(&self) -> Vec<Value> {
        let date = self.form.fields[DATE].date_value().ok().flatten();
        vec![
            Value::Text(self.status().code().to_string()),
            date.map_or(Value::Null, |d| Value::Text(iso(d))),
            Value::Text(self.form.fields[NOTE].trimmed().to_string()),
        ]
    }

    fn save(&mut self, cx: &Ctx) -> Outcome {
        self.check(cx.today);
        if self.form.refuse_invalid() {
            return Outcome::Done;
        }
        let Some(conn) = cx.conn else {
            return Outcome::Done;
        };
        let edits: Vec<FieldEdit> = COLUMNS
            .iter()
            .zip(self.base.iter().zip(self.values()))
            .map(|(c, (old, new))| FieldEdit {
                column: c,
                old: old.clone(),
                new,
            })
            .collect();
        let user = os_user();
        let at = now_stamp();
        let who = Author {
            os_user: &user,
            at: &at,
        };
        let what = format!("мероприятие {} плана органа", self.number);
        let note = format!(
            "{what}: статус {} → {}",
            shown("status", &self.base[0]),
            self.status().name_ru()
        );
        match edit::update(
            conn,
            Table::WorkplanItem,
            self.id,
            self.version,
            &edits,
            who,
            &note,
        ) {
            Ok(v) if v == self.version => Outcome::Saved {
                undo: None,
                message: format!("{what}: изменений нет"),
            },
            Ok(version) => {
                let fields: Vec<FieldEdit> = edits.into_iter().filter(|e| e.old != e.new).collect();
                Outcome::Saved {
                    message: format!(
                        "сохранено: {what} ({}); u — отменить",
                        self.status().name_ru()
                    ),
                    undo: Some(UndoStep {
                        change: Change::Row {
                            table: Table::WorkplanItem,
                            id: self.id,
                            version,
                            fields,
                        },
                        label: what,
                    }),
                }
            }
            Err(EditError::Conflict(c)) => {
                let changes: Vec<String> = c
                    .now
                    .iter()
                    .zip(&self.base)
                    .filter(|((_, now), was)| now != *was)
                    .map(|((col, now), was)| {
                        format!("{}: {} → {}", label(col), shown(col, was), shown(col, now))
                    })
                    .collect();
                let by =
                    c.by.as_ref()
                        .map(|(u, at)| format!(" ({u}, {})", ru_stamp(at)))
                        .unwrap_or_default();
                self.form.notice = Some(format!(
                    "запись изменена другим пользователем{by}: {}. Ничего не сохранено. \
                     Ctrl-S — записать ваши значения поверх, Esc — закрыть",
                    if changes.is_empty() {
                        "значения те же".to_string()
                    } else {
                        changes.join("; ")
                    }
                ));
                self.version = c.version;
                self.base = c.now.into_iter().map(|(_, v)| v).collect();
                let b = &self.base;
                let status = match &b[0] {
                    Value::Text(t) => ItemStatus::from_code(t),
                    _ => None,
                }
                .and_then(|s| ItemStatus::ALL.iter().position(|a| *a == s))
                .unwrap_or(0);
                self.form.fields[STATUS].take_other(String::new(), status);
                self.form.fields[DATE].take_other(
                    date(&b[1]).map_or(String::new(), |d| d.format("%d.%m.%Y").to_string()),
                    0,
                );
                self.form.fields[NOTE].take_other(text(&b[2]), 0);
                self.check(cx.today);
                Outcome::Done
            }
            Err(e) => {
                self.form.notice = Some(format!("не сохранено: {e}"));
                Outcome::Done
            }
        }
    }
}

impl Screen for WorkplanItemForm {
    fn title(&self) -> String {
        format!("Мероприятие {}", self.number)
    }

    fn typing(&self) -> bool {
        true
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        match self.form.handle(action) {
            FormEvent::Changed => {
                self.check(cx.today);
                Outcome::Done
            }
            FormEvent::Submit => self.save(cx),
            FormEvent::Close => Outcome::Close,
            FormEvent::Moved | FormEvent::None => Outcome::Done,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let w = area.width.min(110).saturating_sub(20) as usize;
        let header = vec![
            Line::from(vec![
                Span::styled("Мероприятие: ", t.dim()),
                Span::raw(cut(&printable(&self.measure).replace('\n', " "), w.max(20))),
            ]),
            Line::from(vec![
                Span::styled("Срок: ", t.dim()),
                Span::raw(cut(&printable(&self.deadline), w.max(20))),
            ]),
        ];
        self.form.draw(frame, area, t, header, Vec::new());
    }

    fn status(&self) -> String {
        format!(
            " форма: мероприятие {} плана органа · версия записи {}",
            self.number, self.version
        )
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        self.form.keys()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
