//! The plan header form (заголовок плана), from the plan view (`r`): what the portal's plan
//! document (ТФФ 1.8.3) says about the plan besides its rows — the public council (empty: the
//! council of the cycle's authority), the period, the approving organization and person, the
//! approval date (the membership's, the same as in the cycle form), how execution is controlled,
//! and the first approving act (further acts, which come with imported documents, are kept as
//! they are). Saved in one transaction naming the header version it read; every changed field is
//! in the audit log.

use chrono::NaiveDate;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::domain::text::printable;
use crate::service::table::cut;
use crate::service::write::{self, EditError};
use crate::store::plan_header::{self, Act, Header, Stored};
use crate::tui::form::{Field, Form, FormHost, FormSpec, conflict_notice};
use crate::tui::screen::{Ctx, Outcome};

const LABELS: [&str; 12] = [
    "Общественный совет",
    "Период плана (год)",
    "Кем утвержден план (организация)",
    "Утвердил: фамилия",
    "Утвердил: имя",
    "Утвердил: отчество",
    "Дата утверждения",
    "Контроль исполнения",
    "Акт: вид (приказ…)",
    "Акт: наименование",
    "Акт: дата",
    "Акт: номер",
];

/// The form as shown: the host around its spec.
pub type PlanHeaderForm = FormHost<PlanHeaderSpec>;

/// The plan header form.
#[derive(Debug)]
pub struct PlanHeaderSpec {
    cycle: i64,
    org_id: i64,
    year: i32,
    org: String,
    default_council: String,
    stored: Stored,
    pub form: Form,
}

/// Opens the form for the plan of organization `org_id` (named `org`) in `cycle` of `year`.
pub fn open(cx: &Ctx, cycle: i64, year: i32, org_id: i64, org: &str) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    let read = plan_header::get(conn, cycle, org_id)
        .and_then(|s| Ok((s, plan_header::default_council(conn, cycle)?)));
    match read {
        Ok((Some(stored), council)) => Outcome::Open(Box::new(FormHost::new(PlanHeaderSpec::new(
            cycle,
            year,
            org_id,
            org,
            council.unwrap_or_default(),
            stored,
            cx.today,
        )))),
        Ok((None, _)) => Outcome::Message("организации больше нет в этом цикле".into()),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

fn ru(d: Option<NaiveDate>) -> String {
    d.map_or(String::new(), |d| d.format("%d.%m.%Y").to_string())
}

impl PlanHeaderSpec {
    pub fn new(
        cycle: i64,
        year: i32,
        org_id: i64,
        org: &str,
        default_council: String,
        stored: Stored,
        today: NaiveDate,
    ) -> PlanHeaderSpec {
        let fields = Self::fields(&stored.header);
        let mut f = PlanHeaderSpec {
            cycle,
            org_id,
            year,
            org: org.to_string(),
            default_council,
            stored,
            form: Form::new(format!("Заголовок плана ({year} год)"), fields),
        };
        f.check(today);
        f
    }

    fn fields(h: &Header) -> Vec<Field> {
        let act = h.acts.first().cloned().unwrap_or_default();
        vec![
            Field::text(LABELS[0], 2000, &h.social_council),
            Field::number(LABELS[1], true, h.plan_period.map(f64::from)),
            Field::text(LABELS[2], 2000, &h.approved_by),
            Field::text(LABELS[3], 100, &h.approver_last_name),
            Field::text(LABELS[4], 100, &h.approver_first_name),
            Field::text(LABELS[5], 100, &h.approver_middle_name),
            Field::date(LABELS[6], h.approved_on),
            Field::multiline(LABELS[7], 2000, &h.control),
            Field::text(LABELS[8], 200, &act.kind),
            Field::text(LABELS[9], 500, &act.name),
            Field::date(LABELS[10], act.date),
            Field::text(LABELS[11], 200, &act.number),
        ]
    }

    fn check(&mut self, today: NaiveDate) {
        self.form.check_formats();
        match self.form.fields[1].number_value() {
            Ok(Some(y)) if !(2013.0..=2100.0).contains(&y) => {
                self.form.flag(1, "год от 2013 до 2100")
            }
            _ => {}
        }
        for i in [6, 10] {
            if let Ok(Some(d)) = self.form.fields[i].date_value()
                && d > today
            {
                self.form.flag(
                    i,
                    format!("дата позже сегодняшнего дня ({})", today.format("%d.%m.%Y")),
                );
            }
        }
    }

    /// The header the fields give.
    fn header(&self) -> Header {
        let f = &self.form.fields;
        let t = |i: usize| f[i].trimmed().to_string();
        let date = |i: usize| f[i].date_value().ok().flatten();
        let first = Act {
            kind: t(8),
            name: t(9),
            date: date(10),
            number: t(11),
        };
        let mut acts: Vec<Act> = Vec::new();
        if !first.is_empty() {
            acts.push(first);
        }
        acts.extend(self.stored.header.acts.iter().skip(1).cloned());
        Header {
            social_council: t(0),
            plan_period: f[1].number_value().ok().flatten().map(|y| y as i32),
            approved_by: t(2),
            approver_last_name: t(3),
            approver_first_name: t(4),
            approver_middle_name: t(5),
            approved_on: date(6),
            control: t(7),
            acts,
        }
    }
}

impl FormSpec for PlanHeaderSpec {
    crate::form_in_field!();

    fn title(&self) -> String {
        format!("Заголовок плана {}", self.year)
    }

    fn recheck(&mut self, today: NaiveDate) {
        self.check(today)
    }

    fn submit(&mut self, cx: &Ctx) -> Outcome {
        self.check(cx.today);
        if self.form.refuse_invalid() {
            return Outcome::Done;
        }
        let Some(conn) = cx.conn else {
            return Outcome::Done;
        };
        let new = self.header();
        let note = format!("заголовок плана «{}», {} год", self.org, self.year);
        let saved = write::save_plan_header(
            conn,
            self.cycle,
            self.org_id,
            self.stored.version,
            &self.stored.header,
            &new,
            &note,
        );
        match saved {
            Ok(change) => crate::tui::form::undo::saved(change, note, |label, _| {
                format!("сохранено: {label}; u — отменить")
            }),
            Err(EditError::Conflict(c)) => {
                // Read the header as it is now; fields left alone here take the other change.
                let now = plan_header::get(conn, self.cycle, self.org_id)
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                let read = Self::fields(&self.stored.header);
                let fresh = Self::fields(&now.header);
                let mut changes = Vec::new();
                for (i, (was, field)) in read.into_iter().zip(fresh).enumerate() {
                    if was.text != field.text {
                        changes.push(format!(
                            "{}: «{}» → «{}»",
                            LABELS[i],
                            cut(&printable(&was.text), 30),
                            cut(&printable(&field.text), 30)
                        ));
                    }
                    self.form.fields[i].take_other(field.text, field.choice);
                }
                self.stored = now;
                self.check(cx.today);
                self.form.notice = Some(conflict_notice(c.by.as_ref(), &changes));
                Outcome::Done
            }
            Err(e) => self.failed(&e),
        }
    }

    fn header(&self, cx: &Ctx, _area: Rect) -> Vec<Line<'static>> {
        let t = &cx.theme;
        let more = self.stored.header.acts.len().saturating_sub(1);
        let mut header = vec![
            Line::from(vec![
                Span::styled(printable(&self.org).into_owned(), t.title()),
                Span::styled(
                    format!(" · цикл №{} · план для bus.gov.ru (ТФФ 1.8.3)", self.cycle),
                    t.dim(),
                ),
            ]),
            Line::styled(
                format!(
                    "Пустой совет — по умолчанию: {}",
                    printable(&self.default_council)
                ),
                t.dim(),
            ),
        ];
        if more > 0 {
            header.push(Line::styled(
                format!(
                    "Еще актов об утверждении: {more} (из загруженного документа, сохраняются как есть); первый — {}",
                    ru(self.stored.header.acts.first().and_then(|a| a.date))
                ),
                t.dim(),
            ));
        }
        header
    }

    fn status(&self) -> String {
        format!(
            " форма: заголовок плана · версия записи {}",
            self.stored.version
        )
    }
}
