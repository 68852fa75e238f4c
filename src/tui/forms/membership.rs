//! Adding an organization to an assessment cycle (`a` on its card): the cycle (of the
//! organization's sphere and region, not joined yet), its group for the rating and the number of
//! respondents. The cycle's scores become stale until it is recomputed.

use crate::service::write::{Field, MembershipField as M, Table, Val};
use crate::store::edit_create;
use crate::tui::form::Form;
use crate::tui::form::record::{Col, Input, RecordForm, Rules};
use crate::tui::screen::{Ctx, Outcome};
use chrono::NaiveDate;

const CYCLE: usize = 0;
const RESPONDENTS: usize = 2;

#[derive(Debug)]
struct JoinRules {
    org_id: i64,
    org: String,
    cycles: Vec<(i64, String)>,
}

impl Rules for JoinRules {
    fn check(&self, form: &mut Form, _today: NaiveDate) {
        if let Ok(Some(n)) = form.fields[RESPONDENTS].number_value()
            && n < 0.0
        {
            form.flag(
                RESPONDENTS,
                "число респондентов не может быть отрицательным",
            );
        }
    }

    fn fixed(&self, _form: &Form) -> Vec<(Field, Val)> {
        vec![(M::Org.into(), Val::Int(self.org_id))]
    }

    fn label(&self, form: &Form) -> String {
        let cycle = self
            .cycles
            .get(form.fields[CYCLE].choice)
            .map_or(String::new(), |(_, name)| name.clone());
        format!("участие в цикле {cycle} ({})", self.org)
    }
}

/// The form that adds organization `org_id` (named `org`) to a cycle.
pub fn join(cx: &Ctx, org_id: i64, org: &str) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    let cycles = match edit_create::joinable_cycles(conn, org_id) {
        Ok(c) if c.is_empty() => {
            return Outcome::Message(
                "циклов этой сферы и региона, куда организация еще не входит, нет; \
                 новый цикл добавляется в «Сводке» (a)"
                    .into(),
            );
        }
        Ok(c) => c,
        Err(e) => return Outcome::Message(format!("ошибка чтения базы: {e}")),
    };
    let options = cycles
        .iter()
        .map(|(id, name)| (Val::Int(*id), name.clone()))
        .collect();
    let cols = vec![
        Col::new(M::Cycle, "Цикл", Input::Choice(options)),
        Col::new(
            M::Group,
            "Группа для рейтинга",
            Input::Text {
                max: 200,
                null: false,
            },
        ),
        Col::new(M::Respondents, "Респондентов", Input::Int).required(),
    ];
    let rules = JoinRules {
        org_id,
        org: org.to_string(),
        cycles,
    };
    Outcome::Open(Box::new(RecordForm::new_record(
        Table::Membership,
        "Включить в цикл оценки",
        cols,
        &[(M::Respondents.into(), Val::Int(0))],
        Box::new(rules),
        vec![("Организация".to_string(), org.to_string())],
        cx.today,
    )))
}
