//! The form of an authority plan item (мероприятие плана органа): status, completion date and
//! note. Done needs the completion date, cancelled needs a note saying why, and the date may
//! not be after today. Saved with the version check and the audit log like every form.

use crate::domain::workplan::ItemStatus;
use crate::service::write::{Table, Val, WorkplanItemField as W};
use crate::tui::form::Form;
use crate::tui::form::record::{Col, Input, RecordForm, Rules};
use crate::tui::screen::{Ctx, Outcome};
use chrono::NaiveDate;

const STATUS: usize = 0;
const DATE: usize = 1;
const NOTE: usize = 2;

/// The status chosen in the form.
pub fn status(form: &Form) -> ItemStatus {
    ItemStatus::ALL
        .get(form.fields[STATUS].choice)
        .copied()
        .unwrap_or(ItemStatus::Planned)
}

#[derive(Debug)]
struct ItemRules {
    number: String,
}

impl Rules for ItemRules {
    fn check(&self, form: &mut Form, today: NaiveDate) {
        match (status(form), form.fields[DATE].date_value()) {
            (ItemStatus::Done, Ok(None)) => {
                form.flag(DATE, "для статуса «выполнено» нужна дата выполнения");
            }
            (_, Ok(Some(d))) if d > today => form.flag(
                DATE,
                format!(
                    "дата позже сегодняшнего дня ({}); будущую дату записать нельзя",
                    today.format("%d.%m.%Y")
                ),
            ),
            _ => {}
        }
        if status(form) == ItemStatus::Cancelled && form.fields[NOTE].trimmed().is_empty() {
            form.flag(NOTE, "для статуса «отменено» укажите в примечании причину");
        }
    }

    fn label(&self, form: &Form) -> String {
        format!(
            "мероприятие {} плана органа, статус → {}",
            self.number,
            status(form).name_ru()
        )
    }
}

/// Opens the form of item `id` with what the screen shows of it.
pub fn open(cx: &Ctx, id: i64, number: &str, measure: &str, deadline: &str) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    let statuses = ItemStatus::ALL
        .iter()
        .map(|s| (Val::text(s.code()), s.name_ru().into()))
        .collect();
    let cols = vec![
        Col::new(W::Status, "Статус", Input::Choice(statuses)),
        Col::new(W::CompletedOn, "Дата выполнения", Input::Date),
        Col::new(W::Note, "Примечание", Input::Multiline { max: 2000 }),
    ];
    let header = vec![
        ("Мероприятие".to_string(), measure.to_string()),
        ("Срок".to_string(), deadline.to_string()),
    ];
    match RecordForm::stored(
        conn,
        Table::WorkplanItem,
        id,
        &format!("Мероприятие {number} плана органа"),
        cols,
        Box::new(ItemRules {
            number: number.to_string(),
        }),
        header,
        cx.today,
    ) {
        Ok(Some(f)) => Outcome::Open(Box::new(f)),
        Ok(None) => Outcome::Message("мероприятия больше нет".to_string()),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}
