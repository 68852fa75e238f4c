//! One shortcoming (недостаток) of an organization found in a cycle: its criterion, the
//! indicator it concerns (optional) and its text. The same form adds a new one; the texts of all
//! of them at once are edited in `edit_shortcomings`.

use crate::service::write::{Field, ShortcomingField as S, Table, Val};
use crate::tui::form::Form;
use crate::tui::form::record::{Col, Input, RecordForm, Rules};
use crate::tui::screen::{Ctx, Outcome};
use chrono::NaiveDate;

const CRITERION: usize = 0;
const INDICATOR: usize = 1;
const TEXT: usize = 2;

fn cols() -> Vec<Col> {
    let criteria = (1..=5)
        .map(|k| (Val::Text(format!("К{k}")), format!("К{k}")))
        .collect();
    vec![
        Col::new(S::Criterion, "Критерий", Input::Choice(criteria)),
        Col::new(
            S::Indicator,
            "Показатель",
            Input::Text {
                max: 10,
                null: true,
            },
        ),
        Col::new(S::Text, "Недостаток", Input::Multiline { max: 2000 }).required(),
    ]
}

#[derive(Debug)]
struct ShortcomingRules {
    cycle: i64,
    org_id: i64,
    org: String,
}

impl Rules for ShortcomingRules {
    fn check(&self, form: &mut Form, _today: NaiveDate) {
        let k = form.fields[CRITERION].choice + 1;
        let ind = form.fields[INDICATOR].trimmed();
        if ind.is_empty() {
            return;
        }
        // Indicators of criterion Кk are numbered k.1, k.2 …
        let ok = ind
            .split_once('.')
            .is_some_and(|(a, b)| a == k.to_string() && b.parse::<u32>().is_ok_and(|n| n >= 1));
        if !ok {
            form.flag(
                INDICATOR,
                format!("показатель критерия К{k} пишется как {k}.1, {k}.2 …; или оставьте пустым"),
            );
        }
    }

    fn fixed(&self, _form: &Form) -> Vec<(Field, Val)> {
        vec![
            (S::Cycle.into(), Val::Int(self.cycle)),
            (S::Org.into(), Val::Int(self.org_id)),
        ]
    }

    fn label(&self, form: &Form) -> String {
        let text: String = form.fields[TEXT].trimmed().chars().take(40).collect();
        format!(
            "недостаток К{} «{text}» ({})",
            form.fields[CRITERION].choice + 1,
            self.org
        )
    }
}

fn rules(cycle: i64, org_id: i64, org: &str) -> Box<dyn Rules> {
    Box::new(ShortcomingRules {
        cycle,
        org_id,
        org: org.to_string(),
    })
}

fn header(org: &str, year: i32) -> Vec<(String, String)> {
    vec![
        ("Организация".to_string(), org.to_string()),
        ("Оценка".to_string(), format!("{year} года")),
    ]
}

/// The form of shortcoming `id` of organization `org_id` (named `org`) in `cycle` of `year`.
pub fn open(cx: &Ctx, id: i64, cycle: i64, year: i32, org_id: i64, org: &str) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    match RecordForm::stored(
        conn,
        Table::Shortcoming,
        id,
        "Недостаток",
        cols(),
        rules(cycle, org_id, org),
        header(org, year),
        cx.today,
    ) {
        Ok(Some(f)) => Outcome::Open(Box::new(f)),
        Ok(None) => Outcome::Message("недостатка больше нет".into()),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

/// A form for a new shortcoming of organization `org_id` (named `org`) in `cycle`.
pub fn new_shortcoming(cx: &Ctx, cycle: i64, year: i32, org_id: i64, org: &str) -> Outcome {
    Outcome::Open(Box::new(RecordForm::new_record(
        Table::Shortcoming,
        "Новый недостаток",
        cols(),
        &[],
        rules(cycle, org_id, org),
        header(org, year),
        cx.today,
    )))
}
