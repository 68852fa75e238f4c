//! The execution form of an improvement-plan row (исполнение строки плана): status, implemented
//! measures, actual date and, for a cancelled row, the reason. The rules are
//! [`check_execution`]'s, shown under the fields as they are broken; the save names the version
//! the form read, so a row changed meanwhile by someone else is not overwritten.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use rusqlite::Connection;
use rusqlite::types::Value;

use crate::domain::plan::{ExecutionError, PlanStatus, check_execution};
use crate::domain::text::printable;
use crate::service::session::{now_stamp, os_user};
use crate::service::table::cut;
use crate::store::edit::{self, Author, EditError, FieldEdit, Table};
use crate::store::iso;
use crate::store::plan_rows;
use crate::tui::app::Action;
use crate::tui::form::undo::{Change, UndoStep};
use crate::tui::form::{Field, Form, FormEvent, ru_stamp};
use crate::tui::screen::{Ctx, Outcome, Screen};

/// The columns the form writes, in the order of [`edit::read`].
const COLUMNS: [&str; 4] = [
    "status",
    "actual_date",
    "implemented_measures",
    "cancel_reason",
];
const STATUS: usize = 0;
const MEASURES: usize = 1;
const DATE: usize = 2;
const REASON: usize = 3;

/// The execution form of one plan row.
#[derive(Debug)]
pub struct PlanRowForm {
    id: i64,
    /// The row version the form's values are based on.
    version: i64,
    /// The stored values of [`COLUMNS`] at that version.
    base: Vec<Value>,
    pub form: Form,
    number: String,
    org: String,
    header: Vec<(String, String)>,
}

/// Opens the form for plan row `id` (as `e` on a row does).
pub fn open(id: i64, cx: &Ctx) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    match PlanRowForm::load(conn, id, cx.today) {
        Ok(Some(f)) => Outcome::Open(Box::new(f)),
        Ok(None) => Outcome::Message(format!("строки плана {id} больше нет")),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

fn status_index(code: &Value) -> usize {
    let code = match code {
        Value::Text(t) => t.as_str(),
        _ => "",
    };
    PlanStatus::from_code(code)
        .and_then(|s| PlanStatus::ALL.iter().position(|a| *a == s))
        .unwrap_or(0)
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

/// A stored value of column `column` as a person reads it.
fn shown(column: &str, v: &Value) -> String {
    match (column, v) {
        (_, Value::Null) => "—".to_string(),
        ("status", Value::Text(t)) => {
            PlanStatus::from_code(t).map_or(t.clone(), |s| s.name_ru().to_string())
        }
        ("actual_date", _) => date(v).map_or(text(v), |d| d.format("%d.%m.%Y").to_string()),
        _ => {
            let t = text(v);
            if t.is_empty() {
                "«»".to_string()
            } else {
                format!("«{}»", cut(&printable(&t), 60))
            }
        }
    }
}

fn label(column: &str) -> &'static str {
    match column {
        "status" => "статус",
        "actual_date" => "фактическая дата",
        "implemented_measures" => "реализованные меры",
        _ => "причина отмены",
    }
}

impl PlanRowForm {
    /// Reads row `id`; `None` when there is none.
    pub fn load(
        conn: &Connection,
        id: i64,
        today: NaiveDate,
    ) -> Result<Option<PlanRowForm>, EditError> {
        let Some(detail) = plan_rows::detail(conn, id).map_err(EditError::Store)? else {
            return Ok(None);
        };
        let Some((base, version)) = edit::read(conn, Table::PlanRow, id, &COLUMNS)? else {
            return Ok(None);
        };
        let r = &detail.row;
        let options = PlanStatus::ALL.iter().map(|s| s.name_ru()).collect();
        let fields = vec![
            Field::choice("Статус", options, status_index(&base[0])),
            Field::multiline("Реализованные меры", 2000, &text(&base[2])),
            Field::date("Фактическая дата", date(&base[1])),
            Field::text("Причина отмены", 500, &text(&base[3])),
        ];
        let header = vec![
            ("Организация".to_string(), r.org_name.clone()),
            (
                "Строка".to_string(),
                format!("{} · {} · цикл {}", r.number, r.criterion, r.year),
            ),
            ("Недостаток".to_string(), r.shortcoming.clone()),
            ("Мера".to_string(), r.measure.clone()),
            (
                "Плановый срок".to_string(),
                format!(
                    "{} · ответственный {}",
                    r.planned_date.format("%d.%m.%Y"),
                    r.responsible.short()
                ),
            ),
        ];
        let mut f = PlanRowForm {
            id,
            version,
            base,
            form: Form::new(format!("Исполнение строки плана {}", r.number), fields),
            number: r.number.clone(),
            org: r.org_name.clone(),
            header,
        };
        f.check(today);
        Ok(Some(f))
    }

    /// The status chosen.
    pub fn status(&self) -> PlanStatus {
        PlanStatus::ALL
            .get(self.form.fields[STATUS].choice)
            .copied()
            .unwrap_or(PlanStatus::Planned)
    }

    /// Checks the fields: their formats, then the execution rules.
    fn check(&mut self, today: NaiveDate) {
        let cancelled = self.status() == PlanStatus::Cancelled;
        self.form.fields[REASON].enabled = cancelled;
        self.form.check_formats();
        let Ok(date) = self.form.fields[DATE].date_value() else {
            return;
        };
        let mut date = date;
        let mut measures = self.form.fields[MEASURES].trimmed().to_string();
        let mut reason = self.form.fields[REASON].trimmed().to_string();
        // The domain rules report one break at a time; each one found is set aside (as if
        // fixed) to find the next, so that every field shows its message at once.
        for _ in 0..4 {
            let rule = check_execution(
                self.status(),
                date,
                &measures,
                cancelled.then_some(reason.as_str()),
                today,
            );
            match rule {
                Ok(()) => break,
                Err(ExecutionError::DoneWithoutDate) => {
                    self.form
                        .flag(DATE, "для статуса «выполнено» нужна фактическая дата");
                    date = Some(today);
                }
                Err(ExecutionError::DoneWithoutMeasures) => {
                    self.form.flag(
                        MEASURES,
                        "для статуса «выполнено» опишите реализованные меры",
                    );
                    measures = "-".to_string();
                }
                Err(ExecutionError::CancelledWithoutReason) => {
                    self.form
                        .flag(REASON, "для статуса «отменено» нужна причина отмены");
                    reason = "-".to_string();
                }
                Err(ExecutionError::DateInFuture { today, .. }) => {
                    self.form.flag(
                        DATE,
                        format!(
                            "дата позже сегодняшнего дня ({}); будущую дату записать нельзя",
                            today.format("%d.%m.%Y")
                        ),
                    );
                    date = Some(today);
                }
            }
        }
    }

    /// The values to store, in the order of [`COLUMNS`].
    fn values(&self) -> Vec<Value> {
        let status = self.status();
        let date = self.form.fields[DATE].date_value().ok().flatten();
        let reason = self.form.fields[REASON].trimmed();
        vec![
            Value::Text(status.code().to_string()),
            date.map_or(Value::Null, |d| Value::Text(iso(d))),
            Value::Text(self.form.fields[MEASURES].trimmed().to_string()),
            if status == PlanStatus::Cancelled && !reason.is_empty() {
                Value::Text(reason.to_string())
            } else {
                Value::Null
            },
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
        let old_status = shown("status", &self.base[0]);
        let note = format!(
            "исполнение строки плана: статус {old_status} → {}",
            self.status().name_ru()
        );
        match edit::update(
            conn,
            Table::PlanRow,
            self.id,
            self.version,
            &edits,
            who,
            &note,
        ) {
            Ok(version) if version == self.version => Outcome::Saved {
                undo: None,
                message: format!("строка плана {}: изменений нет", self.number),
            },
            Ok(version) => {
                let fields: Vec<FieldEdit> = edits.into_iter().filter(|e| e.old != e.new).collect();
                let what: Vec<&str> = fields.iter().map(|f| label(f.column)).collect();
                Outcome::Saved {
                    message: format!(
                        "сохранено: строка плана {} ({}) — {}; u — отменить",
                        self.number,
                        self.status().name_ru(),
                        what.join(", ")
                    ),
                    undo: Some(UndoStep {
                        change: Change::Row {
                            table: Table::PlanRow,
                            id: self.id,
                            version,
                            fields,
                        },
                        label: format!("строка плана {} ({})", self.number, self.org),
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
                // The next save is made knowingly over the values shown; fields left alone
                // here take the other change.
                self.version = c.version;
                self.base = c.now.into_iter().map(|(_, v)| v).collect();
                let b = &self.base;
                self.form.fields[STATUS].take_other(String::new(), status_index(&b[0]));
                self.form.fields[DATE].take_other(
                    date(&b[1]).map_or(String::new(), |d| d.format("%d.%m.%Y").to_string()),
                    0,
                );
                self.form.fields[MEASURES].take_other(text(&b[2]), 0);
                self.form.fields[REASON].take_other(text(&b[3]), 0);
                self.check(cx.today);
                Outcome::Done
            }
            Err(EditError::Gone) => {
                self.form.notice =
                    Some("строка удалена другим пользователем; Esc — закрыть".to_string());
                Outcome::Done
            }
            Err(e) => {
                self.form.notice = Some(format!("не сохранено: {e}"));
                Outcome::Done
            }
        }
    }
}

impl Screen for PlanRowForm {
    fn title(&self) -> String {
        format!("Исполнение строки {}", self.number)
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
        let header = self
            .header
            .iter()
            .map(|(k, v)| {
                Line::from(vec![
                    Span::styled(format!("{k}: "), t.dim()),
                    Span::raw(cut(&printable(v).replace('\n', " "), w.max(20))),
                ])
            })
            .collect();
        self.form.draw(frame, area, t, header, Vec::new());
    }

    fn status(&self) -> String {
        format!(
            " форма: исполнение строки плана {} · версия записи {}",
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
