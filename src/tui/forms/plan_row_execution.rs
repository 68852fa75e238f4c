//! The execution form of an improvement-plan row (исполнение строки плана): status, implemented
//! measures, actual date and, for a cancelled row, the reason. The rules are
//! [`check_execution`]'s, shown under the fields as they are broken; the save names the version
//! the form read, so a row changed meanwhile by someone else is not overwritten. Its content
//! (measure, dates, responsible) has a form of its own (`edit_plan_content`).

use crate::domain::plan::{ExecutionError, PlanStatus, check_execution};
use crate::service::write::{PlanRowField as P, Table, Val};
use crate::store::plan_rows;
use crate::tui::form::Form;
use crate::tui::form::record::{Col, Input, RecordForm, Rules};
use crate::tui::screen::{Ctx, Outcome};
use chrono::NaiveDate;

const STATUS: usize = 0;
const MEASURES: usize = 1;
const DATE: usize = 2;
const REASON: usize = 3;

fn cols() -> Vec<Col> {
    let statuses = PlanStatus::ALL
        .iter()
        .map(|s| (Val::text(s.code()), s.name_ru().into()))
        .collect();
    vec![
        Col::new(P::Status, "Статус", Input::Choice(statuses)),
        Col::new(
            P::ImplementedMeasures,
            "Реализованные меры",
            Input::Multiline { max: 2000 },
        ),
        Col::new(P::ActualDate, "Фактическая дата", Input::Date),
        Col::new(
            P::CancelReason,
            "Причина отмены",
            Input::Text {
                max: 500,
                null: true,
            },
        ),
    ]
}

/// The status chosen in the form.
pub fn status(form: &Form) -> PlanStatus {
    PlanStatus::ALL
        .get(form.fields[STATUS].choice)
        .copied()
        .unwrap_or(PlanStatus::Planned)
}

#[derive(Debug)]
struct ExecutionRules {
    number: String,
    org: String,
}

impl Rules for ExecutionRules {
    /// The execution rules, each broken one under its field.
    fn check(&self, form: &mut Form, today: NaiveDate) {
        let cancelled = status(form) == PlanStatus::Cancelled;
        form.fields[REASON].enabled = cancelled;
        if !cancelled {
            // A reason left from before is not a rule broken: it is not stored.
            form.fields[REASON].error = None;
        }
        let Ok(mut date) = form.fields[DATE].date_value() else {
            return;
        };
        let mut measures = form.fields[MEASURES].trimmed().to_string();
        let mut reason = form.fields[REASON].trimmed().to_string();
        // The domain rules report one break at a time; each one found is set aside (as if
        // fixed) to find the next, so that every field shows its message at once.
        for _ in 0..4 {
            let rule = check_execution(
                status(form),
                date,
                &measures,
                cancelled.then_some(reason.as_str()),
                today,
            );
            match rule {
                Ok(()) => break,
                Err(ExecutionError::DoneWithoutDate) => {
                    form.flag(DATE, "для статуса «выполнено» нужна фактическая дата");
                    date = Some(today);
                }
                Err(ExecutionError::DoneWithoutMeasures) => {
                    form.flag(
                        MEASURES,
                        "для статуса «выполнено» опишите реализованные меры",
                    );
                    measures = "-".to_string();
                }
                Err(ExecutionError::CancelledWithoutReason) => {
                    form.flag(REASON, "для статуса «отменено» нужна причина отмены");
                    reason = "-".to_string();
                }
                Err(ExecutionError::DateInFuture { today, .. }) => {
                    form.flag(
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

    /// The reason is kept only for a cancelled row.
    fn adjust(&self, form: &Form, values: &mut [Val]) {
        if status(form) != PlanStatus::Cancelled {
            values[REASON] = Val::Null;
        }
    }

    fn label(&self, form: &Form) -> String {
        format!(
            "строка плана {} ({}), статус → {}",
            self.number,
            self.org,
            status(form).name_ru()
        )
    }
}

/// Opens the execution form of plan row `id` (as `e` on a row does).
pub fn open(id: i64, cx: &Ctx) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    let detail = match plan_rows::detail(conn, id) {
        Ok(Some(d)) => d,
        Ok(None) => return Outcome::Message(format!("строки плана {id} больше нет")),
        Err(e) => return Outcome::Message(format!("ошибка чтения базы: {e}")),
    };
    let r = &detail.row;
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
    let rules = ExecutionRules {
        number: r.number.clone(),
        org: r.org_name.clone(),
    };
    match RecordForm::stored(
        conn,
        Table::PlanRow,
        id,
        &format!("Исполнение строки плана {}", r.number),
        cols(),
        Box::new(rules),
        header,
        cx.today,
    ) {
        Ok(Some(f)) => Outcome::Open(Box::new(f)),
        Ok(None) => Outcome::Message(format!("строки плана {id} больше нет")),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}
