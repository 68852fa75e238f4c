//! A new assessment cycle (`a` in «Сводка»): year, sphere, authority (the cycle takes its
//! region), status, method version, and the operator and contract when they are known. A year,
//! sphere and authority that already have a cycle are refused. Organizations join it from their
//! cards (`a`).

use crate::domain::cycle::CycleStatus;
use crate::domain::ids;
use crate::domain::sector::Sector;
use crate::service::write::{CycleField as C, Field, Table, Val};
use crate::store::edit_create;
use crate::tui::form::Form;
use crate::tui::form::record::{Col, Input, RecordForm, Rules};
use crate::tui::screen::{Ctx, Outcome};
use chrono::{Datelike, NaiveDate};

const YEAR: usize = 0;
const SECTOR: usize = 1;
const AUTHORITY: usize = 2;
const OPERATOR_INN: usize = 6;

#[derive(Debug)]
struct NewCycleRules {
    /// (id, region) of each authority option.
    authorities: Vec<(i64, String)>,
}

impl Rules for NewCycleRules {
    fn check(&self, form: &mut Form, today: NaiveDate) {
        if let Ok(Some(y)) = form.fields[YEAR].number_value()
            && let Some(problem) = crate::domain::cycle::year_problem(y as i64, today)
        {
            form.flag(YEAR, problem);
        }
        let inn = form.fields[OPERATOR_INN].trimmed().to_string();
        if !inn.is_empty()
            && let Err(e) = ids::validate_inn(&inn)
        {
            form.flag(OPERATOR_INN, e.to_string());
        }
    }

    fn fixed(&self, form: &Form) -> Vec<(Field, Val)> {
        self.authorities
            .get(form.fields[AUTHORITY].choice)
            .map(|(_, region)| vec![(C::Region.into(), Val::text(region.clone()))])
            .unwrap_or_default()
    }

    fn label(&self, form: &Form) -> String {
        let sector = Sector::ALL
            .get(form.fields[SECTOR].choice)
            .map_or("", |s| s.name_ru());
        format!(
            "цикл оценки {} года ({sector})",
            form.fields[YEAR].trimmed()
        )
    }
}

/// A form for a new cycle; the year shown starts at `year` (the one the summary shows).
pub fn new_cycle(cx: &Ctx, year: Option<i32>) -> Outcome {
    new_cycle_in(cx, year, None)
}

/// A form for a new cycle, its sector starting at `sector` (the authority's, on the first day).
pub fn new_cycle_in(cx: &Ctx, year: Option<i32>, sector: Option<Sector>) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    let authorities = match edit_create::authority_choices(conn) {
        Ok(a) if a.is_empty() => {
            return Outcome::Message(
                "уполномоченных органов в базе нет: загрузите их сначала".into(),
            );
        }
        Ok(a) => a,
        Err(e) => return Outcome::Message(format!("ошибка чтения базы: {e}")),
    };
    let methods: Vec<(Val, String)> = crate::tui::methods::methods()
        .map(|m| {
            m.codes()
                .into_iter()
                .map(|c| (Val::text(c), format!("методика {c}")))
                .collect()
        })
        .unwrap_or_default();
    if methods.is_empty() {
        return Outcome::Message("не найдено ни одной версии методики расчета".into());
    }
    let text = |max| Input::Text { max, null: true };
    let cols = vec![
        Col::new(C::Year, "Год оценки", Input::Int).required(),
        Col::new(
            C::Sector,
            "Сфера",
            Input::Choice(
                Sector::ALL
                    .iter()
                    .map(|s| (Val::text(s.code()), s.name_ru().into()))
                    .collect(),
            ),
        ),
        Col::new(
            C::Authority,
            "Уполномоченный орган",
            Input::Choice(
                authorities
                    .iter()
                    .map(|(id, label, _)| (Val::Int(*id), label.clone()))
                    .collect(),
            ),
        ),
        Col::new(
            C::Status,
            "Статус",
            Input::Choice(
                CycleStatus::ALL
                    .iter()
                    .map(|s| (Val::text(s.code()), s.name_ru().into()))
                    .collect(),
            ),
        ),
        Col::new(C::Methodology, "Методика", Input::Choice(methods.clone())),
        Col::new(C::OperatorName, "Оператор", text(500)),
        Col::new(C::OperatorInn, "ИНН оператора", text(12)),
        Col::new(C::ContractNumber, "Номер договора", text(100)),
        Col::new(C::ContractDate, "Дата договора", Input::Date),
    ];
    // The newest method version by default.
    let mut initial: Vec<(Field, Val)> = vec![(
        C::Year.into(),
        Val::Int(i64::from(year.unwrap_or(cx.today.year()))),
    )];
    if let Some((v, _)) = methods.last() {
        initial.push((C::Methodology.into(), v.clone()));
    }
    if let Some(s) = sector {
        initial.push((C::Sector.into(), Val::text(s.code())));
    }
    let rules = NewCycleRules {
        authorities: authorities
            .into_iter()
            .map(|(id, _, region)| (id, region))
            .collect(),
    };
    Outcome::Open(Box::new(RecordForm::new_record(
        Table::Cycle,
        "Новый цикл оценки",
        cols,
        &initial,
        Box::new(rules),
        Vec::new(),
        cx.today,
    )))
}
