//! The actual values of an authority plan's target indicators (фактические значения целевых
//! показателей), one field per indicator and year, next to the planned value. Saved with a
//! version check per value and the audit log; a value changed meanwhile by someone else refuses
//! the save and is shown.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::domain::decimal::plain;
use crate::domain::text::printable;
use crate::service::write::{self, ActualEdit, Change, EditError};
use crate::store::edit_targets::{self, TargetRow};
use crate::tui::form::undo::saved;
use crate::tui::form::{Field, Form, FormHost, FormSpec, conflict_notice};
use crate::tui::screen::{Ctx, Outcome};

/// The form as shown: the host around its spec.
pub type TargetsForm = FormHost<TargetsSpec>;

/// The target-values form of one plan.
#[derive(Debug)]
pub struct TargetsSpec {
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
        Ok(rows) => Outcome::Open(Box::new(FormHost::new(TargetsSpec::new(plan, rows)))),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

fn num(v: Option<f64>) -> String {
    v.map_or("—".to_string(), plain)
}

impl TargetsSpec {
    pub fn new(plan: &str, rows: Vec<TargetRow>) -> TargetsSpec {
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
        TargetsSpec {
            plan: plan.to_string(),
            rows,
            form: Form::new("Целевые показатели: фактические значения", fields),
        }
    }

    /// The values edited, in the order of the fields.
    pub fn rows(&self) -> &[TargetRow] {
        &self.rows
    }
}

impl FormSpec for TargetsSpec {
    crate::form_in_field!();

    fn title(&self) -> String {
        "Целевые показатели".to_string()
    }

    fn recheck(&mut self, _today: chrono::NaiveDate) {
        // The form itself checks each number as it is typed; there is no other rule.
    }

    fn submit(&mut self, cx: &Ctx) -> Outcome {
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
        let label = format!("целевые показатели плана «{}»", self.plan);
        match write::save_targets(conn, &edits, &label) {
            Ok(change) => saved(change, label, |label, change| {
                let n = match change {
                    Change::Targets(done) => done.len(),
                    _ => 0,
                };
                format!("сохранено: {label} — значений: {n}; u — отменить")
            }),
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
                    let now = now.as_f64();
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
                        self.form.fields[i].take_other(now.map_or(String::new(), plain), 0);
                    }
                }
                self.form.notice = Some(conflict_notice(c.by.as_ref(), &changes));
                Outcome::Done
            }
            Err(e) => self.failed(&e),
        }
    }

    fn header(&self, cx: &Ctx, _area: Rect) -> Vec<Line<'static>> {
        let t = &cx.theme;
        vec![Line::from(vec![
            Span::styled("План: ", t.dim()),
            Span::raw(printable(&self.plan).into_owned()),
        ])]
    }

    fn footer(&self, cx: &Ctx) -> Vec<Line<'static>> {
        let t = &cx.theme;
        self.rows
            .get(self.form.focus)
            .map(|r| {
                vec![Line::from(vec![
                    Span::styled(format!("{}: ", r.number), t.key()),
                    Span::styled(printable(&r.name).into_owned(), t.dim()),
                ])]
            })
            .unwrap_or_default()
    }

    fn status(&self) -> String {
        format!(
            " форма: целевые показатели · значение {}/{}",
            self.form.focus + 1,
            self.form.fields.len()
        )
    }
}
