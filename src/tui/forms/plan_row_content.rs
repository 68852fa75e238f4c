//! The content of an improvement-plan row (содержание строки плана): number, criterion,
//! shortcoming, measure, planned date, the responsible person, the expected result and how it is
//! measured. The same form makes a new row of an organization's plan for a cycle (status
//! «запланировано»); its execution has a form of its own (`edit_plan_row`).

use crate::domain::plan::PlanStatus;
use crate::service::write::{Field, PlanRowField as P, Table, Val};
use crate::store::{Db, edit_create};
use crate::tui::form::Form;
use crate::tui::form::record::{Col, Input, RecordForm, Rules};
use crate::tui::screen::{Ctx, Outcome};
use chrono::NaiveDate;

const NUMBER: usize = 0;
const PLANNED: usize = 4;

fn cols() -> Vec<Col> {
    let criteria = (1..=5)
        .map(|k| (Val::Text(format!("К{k}")), format!("К{k}")))
        .collect();
    let text = |max| Input::Text { max, null: false };
    vec![
        Col::new(P::Number, "Номер", text(20)).required(),
        Col::new(P::Criterion, "Критерий", Input::Choice(criteria)),
        Col::new(P::Shortcoming, "Недостаток", Input::Multiline { max: 2000 }),
        Col::new(P::Measure, "Мероприятие", Input::Multiline { max: 2000 }).required(),
        Col::new(P::PlannedDate, "Плановый срок", Input::Due).required(),
        Col::new(P::RespLastName, "Ответственный: фамилия", text(100)),
        Col::new(P::RespFirstName, "имя", text(100)),
        Col::new(P::RespMiddleName, "отчество", text(100)),
        Col::new(P::RespPosition, "должность", text(200)),
        Col::new(
            P::ExpectedResult,
            "Результат",
            Input::Multiline { max: 2000 },
        ),
        Col::new(
            P::ResultIndicators,
            "Показатели результата",
            Input::Multiline { max: 2000 },
        ),
    ]
}

/// What the plan row belongs to.
#[derive(Debug)]
struct PlanRowRules {
    cycle: i64,
    org_id: i64,
    org: String,
}

impl Rules for PlanRowRules {
    fn check(&self, form: &mut Form, _today: NaiveDate) {
        if form.fields[NUMBER]
            .trimmed()
            .chars()
            .any(char::is_whitespace)
        {
            form.flag(NUMBER, "номер без пробелов, например 2 или 2.1");
        }
        if let Ok(Some(d)) = form.fields[PLANNED].date_value()
            && d < NaiveDate::from_ymd_opt(2013, 1, 1).unwrap_or(d)
        {
            form.flag(PLANNED, "срок раньше 2013 года: проверьте год");
        }
    }

    fn check_stored(&self, conn: &Db, form: &Form, id: Option<i64>) -> Vec<(usize, String)> {
        let number = form.fields[NUMBER].trimmed();
        match edit_create::plan_number_taken(conn, self.cycle, self.org_id, number, id) {
            Ok(true) => vec![(
                NUMBER,
                format!("строка с номером {number} в плане уже есть; выберите другой номер"),
            )],
            Ok(false) => Vec::new(),
            Err(e) => vec![(NUMBER, format!("ошибка чтения базы: {e}"))],
        }
    }

    fn fixed(&self, _form: &Form) -> Vec<(Field, Val)> {
        vec![
            (P::Cycle.into(), Val::Int(self.cycle)),
            (P::Org.into(), Val::Int(self.org_id)),
            (P::Status.into(), Val::text(PlanStatus::Planned.code())),
        ]
    }

    fn label(&self, form: &Form) -> String {
        format!(
            "строка плана {} ({})",
            form.fields[NUMBER].trimmed(),
            self.org
        )
    }
}

fn header(org: &str, year: i32, cycle: i64) -> Vec<(String, String)> {
    vec![
        ("Организация".to_string(), org.to_string()),
        (
            "План".to_string(),
            format!("по оценке {year} года · цикл {cycle}"),
        ),
    ]
}

/// The content form of plan row `id` of organization `org_id` (named `org`) in `cycle`.
pub fn open(cx: &Ctx, id: i64, cycle: i64, year: i32, org_id: i64, org: &str) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    let rules = PlanRowRules {
        cycle,
        org_id,
        org: org.to_string(),
    };
    match RecordForm::stored(
        conn,
        Table::PlanRow,
        id,
        "Строка плана",
        cols(),
        Box::new(rules),
        header(org, year, cycle),
        cx.today,
    ) {
        Ok(Some(f)) => Outcome::Open(Box::new(f)),
        Ok(None) => Outcome::Message("строки плана больше нет".into()),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

/// A form for a new row of the plan of organization `org_id` (named `org`) in `cycle`, with the
/// next free number and `criterion`, `shortcoming` filled in when given.
pub fn new_row(
    cx: &Ctx,
    cycle: i64,
    year: i32,
    org_id: i64,
    org: &str,
    criterion: Option<&str>,
    shortcoming: Option<&str>,
) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    let number = match edit_create::next_plan_number(conn, cycle, org_id, criterion.unwrap_or("К1"))
    {
        Ok(n) => n,
        Err(e) => return Outcome::Message(format!("ошибка чтения базы: {e}")),
    };
    let mut initial: Vec<(Field, Val)> = vec![(P::Number.into(), Val::Text(number))];
    if let Some(k) = criterion {
        initial.push((P::Criterion.into(), Val::text(k)));
    }
    if let Some(s) = shortcoming {
        initial.push((P::Shortcoming.into(), Val::text(s)));
    }
    let rules = PlanRowRules {
        cycle,
        org_id,
        org: org.to_string(),
    };
    Outcome::Open(Box::new(RecordForm::new_record(
        Table::PlanRow,
        "Новая строка плана",
        cols(),
        &initial,
        Box::new(rules),
        header(org, year, cycle),
        cx.today,
    )))
}
