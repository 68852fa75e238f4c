//! The actual values of an authority plan's target indicators (фактические значения целевых
//! показателей), one field per indicator and year, next to the planned value. Saved with a
//! version check per value and the audit log; a value changed meanwhile by someone else refuses
//! the save and is shown.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use rusqlite::types::Value;

use crate::domain::text::printable;
use crate::service::session::{now_stamp, os_user};
use crate::store::edit::{Author, EditError};
use crate::store::edit_targets::{self, ActualEdit, TargetRow};
use crate::tui::form::undo::{Change, UndoStep};
use crate::tui::form::{Field, Form, FormScreen, format_number, route, ru_stamp};
use crate::tui::msg::Action;
use crate::tui::screen::{Ctx, Outcome, Screen};

/// The target-values form of one plan.
#[derive(Debug)]
pub struct TargetsForm {
    plan: String,
    rows: Vec<TargetRow>,
    pub form: Form,
}

/// Opens the form for plan `workplan_id` titled `plan`.
pub fn open(cx: &Ctx, workplan_id: i64, plan: &str) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    match edit_targets::read(conn, workplan_id) {
        Ok(rows) if rows.is_empty() => {
            Outcome::Message("у плана нет целевых показателей".to_string())
        }
        Ok(rows) => Outcome::Open(Box::new(TargetsForm::new(plan, rows))),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

fn num(v: Option<f64>) -> String {
    v.map_or("—".to_string(), format_number)
}

impl TargetsForm {
    pub fn new(plan: &str, rows: Vec<TargetRow>) -> TargetsForm {
        let fields = rows
            .iter()
            .map(|r| {
                let unit = if r.unit.is_empty() || r.planned.is_none() {
                    String::new()
                } else {
                    format!(" {}", r.unit)
                };
                Field::number(
                    format!("№{} · {} · план {}{unit}", r.number, r.year, num(r.planned)),
                    false,
                    r.actual,
                )
            })
            .collect();
        TargetsForm {
            plan: plan.to_string(),
            rows,
            form: Form::new("Целевые показатели: фактические значения", fields),
        }
    }

    /// The values edited, in the order of the fields.
    pub fn rows(&self) -> &[TargetRow] {
        &self.rows
    }

    fn save(&mut self, cx: &Ctx) -> Outcome {
        self.form.check_formats();
        if self.form.refuse_invalid() {
            return Outcome::Done;
        }
        let Some(conn) = cx.conn else {
            return Outcome::Done;
        };
        let edits: Vec<ActualEdit> = self
            .rows
            .iter()
            .zip(&self.form.fields)
            .map(|(r, f)| ActualEdit {
                indicator_id: r.indicator_id,
                year: r.year,
                version: r.version,
                old: r.actual,
                new: f.number_value().ok().flatten(),
            })
            .filter(|e| e.old != e.new)
            .collect();
        let user = os_user();
        let at = now_stamp();
        let who = Author {
            os_user: &user,
            at: &at,
        };
        let label = format!("целевые показатели плана «{}»", self.plan);
        match edit_targets::save(conn, &edits, who, &label) {
            Ok(done) if done.is_empty() => Outcome::Saved {
                undo: None,
                message: format!("{label}: изменений нет"),
            },
            Ok(done) => Outcome::Saved {
                message: format!(
                    "сохранено: {label} — значений: {}; u — отменить",
                    done.len()
                ),
                undo: Some(UndoStep {
                    change: Change::Targets(done),
                    label,
                }),
            },
            Err(EditError::Conflict(c)) => {
                let mut changes = Vec::new();
                for (key, now) in &c.now {
                    let Some(r) = self
                        .rows
                        .iter_mut()
                        .find(|r| format!("{}:{}", r.indicator_id, r.year) == *key)
                    else {
                        continue;
                    };
                    let now = match now {
                        Value::Real(v) => Some(*v),
                        Value::Integer(i) => Some(*i as f64),
                        _ => None,
                    };
                    changes.push(format!(
                        "{} {}: {} → {}",
                        r.number,
                        r.year,
                        num(r.actual),
                        num(now)
                    ));
                    r.actual = now;
                    r.version += 1;
                    let i = self
                        .rows
                        .iter()
                        .position(|x| format!("{}:{}", x.indicator_id, x.year) == *key);
                    if let Some(i) = i {
                        self.form.fields[i].take_other(now.map_or(String::new(), format_number), 0);
                    }
                }
                let by =
                    c.by.as_ref()
                        .map(|(u, at)| format!(" ({u}, {})", ru_stamp(at)))
                        .unwrap_or_default();
                self.form.notice = Some(format!(
                    "запись изменена другим пользователем{by}: {}. Ничего не сохранено. \
                     Ctrl-S — записать ваши значения поверх, Esc — закрыть",
                    changes.join("; ")
                ));
                Outcome::Done
            }
            Err(e) => {
                self.form.notice = Some(format!("не сохранено: {e}"));
                Outcome::Done
            }
        }
    }
}

impl FormScreen for TargetsForm {
    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }

    fn recheck(&mut self, _today: chrono::NaiveDate) {
        // The form itself checks each number as it is typed; there is no other rule.
    }

    fn submit(&mut self, cx: &Ctx) -> Outcome {
        self.save(cx)
    }
}

impl Screen for TargetsForm {
    fn title(&self) -> String {
        "Целевые показатели".to_string()
    }

    fn typing(&self) -> bool {
        true
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Outcome {
        route(self, action, cx)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: &Ctx) {
        let t = &cx.theme;
        let focused = self.rows.get(self.form.focus);
        let header = vec![Line::from(vec![
            Span::styled("План: ", t.dim()),
            Span::raw(printable(&self.plan).into_owned()),
        ])];
        let footer = focused
            .map(|r| {
                vec![Line::from(vec![
                    Span::styled(format!("{}: ", r.number), t.key()),
                    Span::styled(printable(&r.name).into_owned(), t.dim()),
                ])]
            })
            .unwrap_or_default();
        self.form.draw(frame, area, t, header, footer);
    }

    fn status(&self) -> String {
        format!(
            " форма: целевые показатели · значение {}/{}",
            self.form.focus + 1,
            self.form.fields.len()
        )
    }

    fn keys(&self) -> Vec<(&'static str, &'static str)> {
        self.form.keys()
    }
}
