//! The form of a council meeting (заседание общественного совета): date, protocol number,
//! agenda and decisions. The date is the event relative deadlines count from, so it may not be
//! in the future. Saved with the version check and the audit log.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use rusqlite::types::Value;

use crate::domain::text::printable;
use crate::service::table::cut;
use crate::store::edit::{self, EditError, FieldEdit, Table};
use crate::store::iso;
use crate::tui::app::Action;
use crate::tui::form::undo::save_row;
use crate::tui::form::{Field, Form, FormEvent, conflict_notice};
use crate::tui::screen::{Ctx, Outcome, Screen};

const COLUMNS: [&str; 4] = ["date", "protocol_number", "agenda", "decisions"];
const LABELS: [&str; 4] = ["Дата", "Номер протокола", "Повестка", "Решения"];

/// The form of one meeting.
#[derive(Debug)]
pub struct CouncilForm {
    id: i64,
    version: i64,
    base: Vec<Value>,
    authority: String,
    pub form: Form,
}

/// Opens the form of meeting `id` of `authority`.
pub fn open(cx: &Ctx, id: i64, authority: &str) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    match edit::read(conn, Table::CouncilMeeting, id, &COLUMNS) {
        Ok(Some((base, version))) => Outcome::Open(Box::new(CouncilForm::new(
            id, authority, base, version, cx.today,
        ))),
        Ok(None) => Outcome::Message("заседания больше нет".to_string()),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

fn text(v: &Value) -> String {
    edit::audit_text(v).unwrap_or_default()
}

fn shown(i: usize, v: &Value) -> String {
    let t = text(v);
    match NaiveDate::parse_from_str(&t, "%Y-%m-%d") {
        Ok(d) if i == 0 => d.format("%d.%m.%Y").to_string(),
        _ => format!("«{}»", cut(&printable(&t), 50)),
    }
}

impl CouncilForm {
    pub fn new(
        id: i64,
        authority: &str,
        base: Vec<Value>,
        version: i64,
        today: NaiveDate,
    ) -> CouncilForm {
        let date = NaiveDate::parse_from_str(&text(&base[0]), "%Y-%m-%d").ok();
        let fields = vec![
            Field::date(LABELS[0], date),
            Field::text(LABELS[1], 50, &text(&base[1])),
            Field::multiline(LABELS[2], 4000, &text(&base[2])),
            Field::multiline(LABELS[3], 4000, &text(&base[3])),
        ];
        let mut f = CouncilForm {
            id,
            version,
            base,
            authority: authority.to_string(),
            form: Form::new("Заседание общественного совета", fields),
        };
        f.check(today);
        f
    }

    fn check(&mut self, today: NaiveDate) {
        self.form.check_formats();
        match self.form.fields[0].date_value() {
            Ok(None) => self.form.flag(0, "укажите дату заседания"),
            Ok(Some(d)) if d > today => self.form.flag(
                0,
                format!(
                    "дата позже сегодняшнего дня ({}); запишите заседание после него",
                    today.format("%d.%m.%Y")
                ),
            ),
            _ => {}
        }
        if self.form.fields[1].trimmed().is_empty() {
            self.form.flag(1, "укажите номер протокола");
        }
    }

    fn values(&self) -> Vec<Value> {
        let date = self.form.fields[0].date_value().ok().flatten();
        vec![
            date.map_or(Value::Null, |d| Value::Text(iso(d))),
            Value::Text(self.form.fields[1].trimmed().to_string()),
            Value::Text(self.form.fields[2].trimmed().to_string()),
            Value::Text(self.form.fields[3].trimmed().to_string()),
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
        let what = format!(
            "заседание совета {}, протокол № {}",
            self.form.fields[0].trimmed(),
            self.form.fields[1].trimmed()
        );
        match save_row(
            conn,
            Table::CouncilMeeting,
            self.id,
            self.version,
            edits,
            what,
        ) {
            Ok(saved) => saved,
            Err(EditError::Conflict(c)) => {
                let changes: Vec<String> = c
                    .now
                    .iter()
                    .zip(&self.base)
                    .enumerate()
                    .filter(|(_, ((_, now), was))| now != *was)
                    .map(|(i, ((_, now), was))| {
                        format!("{}: {} → {}", LABELS[i], shown(i, was), shown(i, now))
                    })
                    .collect();
                self.form.notice = Some(conflict_notice(c.by.as_ref(), &changes));
                self.version = c.version;
                self.base = c.now.into_iter().map(|(_, v)| v).collect();
                for i in 0..self.base.len() {
                    let other = text(&self.base[i]);
                    let other = match NaiveDate::parse_from_str(&other, "%Y-%m-%d") {
                        Ok(d) if i == 0 => d.format("%d.%m.%Y").to_string(),
                        _ => other,
                    };
                    self.form.fields[i].take_other(other, 0);
                }
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

impl Screen for CouncilForm {
    fn title(&self) -> String {
        "Заседание".to_string()
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
        let header = vec![Line::from(vec![
            Span::styled("Совет при: ", t.dim()),
            Span::raw(printable(&self.authority).into_owned()),
        ])];
        self.form.draw(frame, area, t, header, Vec::new());
    }

    fn status(&self) -> String {
        format!(
            " форма: заседание общественного совета · версия записи {}",
            self.version
        )
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        self.form.keys()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
