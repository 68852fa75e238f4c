//! The form of a council meeting (заседание общественного совета): date, protocol number,
//! agenda and decisions (`e` in «Совет»); a new meeting also names its authority and, when it
//! dealt with one, the assessment cycle (`a`). The date is the event relative deadlines count
//! from, so it may not be in the future. Saved with the version check and the audit log.

use crate::service::write::{MeetingField as M, Table, Val};
use crate::store::edit_create;
use crate::tui::form::Form;
use crate::tui::form::record::{Col, Input, RecordForm, Rules};
use crate::tui::screen::{Ctx, Outcome};
use chrono::NaiveDate;

fn meeting_cols() -> Vec<Col> {
    vec![
        Col::new(M::Date, "Дата", Input::Date).required(),
        Col::new(
            M::ProtocolNumber,
            "Номер протокола",
            Input::Text {
                max: 50,
                null: false,
            },
        )
        .required(),
        Col::new(M::Agenda, "Повестка", Input::Multiline { max: 4000 }),
        Col::new(M::Decisions, "Решения", Input::Multiline { max: 4000 }),
    ]
}

#[derive(Debug)]
struct MeetingRules {
    /// Where the meeting's own fields start (after authority and cycle in a new one).
    first: usize,
    /// For a new meeting: the authority of each cycle option (`None` for «не указан»).
    cycle_authority: Option<(Vec<i64>, Vec<Option<i64>>)>,
}

impl Rules for MeetingRules {
    fn check(&self, form: &mut Form, today: NaiveDate) {
        let date = self.first;
        if let Ok(Some(d)) = form.fields[date].date_value()
            && d > today
        {
            form.flag(
                date,
                format!(
                    "дата позже сегодняшнего дня ({}); запишите заседание после него",
                    today.format("%d.%m.%Y")
                ),
            );
        }
        if let Some((authorities, cycles)) = &self.cycle_authority {
            let chosen = authorities.get(form.fields[0].choice);
            let of_cycle = cycles.get(form.fields[1].choice).copied().flatten();
            if of_cycle.is_some() && of_cycle.as_ref() != chosen {
                form.flag(
                    1,
                    "цикл другого уполномоченного органа: выберите цикл этого органа или «не указан»",
                );
            }
        }
    }

    fn label(&self, form: &Form) -> String {
        format!(
            "заседание совета {}, протокол № {}",
            form.fields[self.first].trimmed(),
            form.fields[self.first + 1].trimmed()
        )
    }
}

/// Opens the form of meeting `id` of `authority`.
pub fn open(cx: &Ctx, id: i64, authority: &str) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    match RecordForm::stored(
        conn,
        Table::CouncilMeeting,
        id,
        "Заседание общественного совета",
        meeting_cols(),
        Box::new(MeetingRules {
            first: 0,
            cycle_authority: None,
        }),
        vec![("Совет при".to_string(), authority.to_string())],
        cx.today,
    ) {
        Ok(Some(f)) => Outcome::Open(Box::new(f)),
        Ok(None) => Outcome::Message("заседания больше нет".to_string()),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

/// A form for a new meeting, of the council of the authority named `like` when there is one
/// (the meeting selected in the list).
pub fn new_meeting(cx: &Ctx, like: Option<&str>) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    let read = edit_create::authority_choices(conn)
        .and_then(|a| Ok((a, edit_create::cycle_choices(conn)?)));
    let (authorities, cycles) = match read {
        Ok(r) => r,
        Err(e) => return Outcome::Message(format!("ошибка чтения базы: {e}")),
    };
    if authorities.is_empty() {
        return Outcome::Message("уполномоченных органов в базе нет: загрузите их сначала".into());
    }
    let chosen = like.and_then(|name| {
        authorities
            .iter()
            .find(|(_, label, _)| label.starts_with(&format!("{name} — ")))
            .map(|(id, _, _)| *id)
    });
    let mut cycle_options = vec![(Val::Null, "— не указан".to_string())];
    let mut cycle_authority = vec![None];
    for (id, authority, label) in cycles {
        cycle_options.push((Val::Int(id), label));
        cycle_authority.push(Some(authority));
    }
    let mut cols = vec![
        Col::new(
            M::Authority,
            "Совет при",
            Input::Choice(
                authorities
                    .iter()
                    .map(|(id, label, _)| (Val::Int(*id), label.clone()))
                    .collect(),
            ),
        ),
        Col::new(M::Cycle, "Цикл оценки", Input::Choice(cycle_options)),
    ];
    cols.extend(meeting_cols());
    let mut initial = vec![(M::Date.into(), Val::date(cx.today))];
    if let Some(id) = chosen {
        initial.push((M::Authority.into(), Val::Int(id)));
    }
    let rules = MeetingRules {
        first: 2,
        cycle_authority: Some((
            authorities.iter().map(|(id, _, _)| *id).collect(),
            cycle_authority,
        )),
    };
    Outcome::Open(Box::new(RecordForm::new_record(
        Table::CouncilMeeting,
        "Новое заседание общественного совета",
        cols,
        &initial,
        Box::new(rules),
        Vec::new(),
        cx.today,
    )))
}
