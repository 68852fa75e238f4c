//! The cycle and membership form (цикл оценки и участие организации в нем), from the card: the
//! cycle's status, operator, contract and council protocol (its date is the event some plan
//! deadlines count from), and the organization's group, number of respondents and the day its
//! improvement plan was approved (the event «после утверждения плана» counts from). Both rows
//! are saved in one transaction, each naming the version it read.

use crate::domain::cycle::CycleStatus;
use crate::domain::decimal::plain;
use crate::domain::ids;
use crate::domain::text::printable;
use crate::service::table::cut;
use crate::service::write::{
    self, CycleField as C, EditError, Field as RecordField, FieldChange, MembershipField as M,
    RowChange, Table, Val,
};
use crate::store::card::CardCycle;
use crate::tui::form::undo::save_rows;
use crate::tui::form::{Field, Form, FormHost, FormSpec, conflict_notice};
use crate::tui::screen::{Ctx, Outcome};
use chrono::NaiveDate;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

const CYCLE: [C; 7] = [
    C::Status,
    C::OperatorName,
    C::OperatorInn,
    C::ContractNumber,
    C::ContractDate,
    C::CouncilProtocolNumber,
    C::CouncilProtocolDate,
];
const MEMBER: [M; 4] = [M::Group, M::Respondents, M::PlanApprovedOn, M::Recipients];
const LABELS: [&str; 11] = [
    "Статус цикла",
    "Оператор",
    "ИНН оператора",
    "Номер договора",
    "Дата договора",
    "Протокол совета №",
    "Дата протокола",
    "Группа организации",
    "Число опрошенных",
    "План утвержден",
    "Получателей услуг",
];

/// The form as shown: the host around its spec.
pub type CycleForm = FormHost<CycleSpec>;

/// The cycle and membership form.
#[derive(Debug)]
pub struct CycleSpec {
    cycle: i64,
    membership: i64,
    year: i32,
    org: String,
    cycle_version: i64,
    member_version: i64,
    /// Stored values of [`CYCLE`] then [`MEMBER`].
    base: Vec<Val>,
    pub form: Form,
}

/// Opens the form for the card's cycle `c` of organization `org`.
pub fn open(cx: &Ctx, org: &str, c: &CardCycle) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    let read =
        write::read_record(conn, Table::Cycle, c.cycle_id, &fields_of(&CYCLE)).and_then(|cy| {
            Ok((
                cy,
                write::read_record(
                    conn,
                    Table::Membership,
                    c.membership_id,
                    &fields_of(&MEMBER),
                )?,
            ))
        });
    match read {
        Ok((Some(cycle), Some(member))) => {
            let base = cycle
                .values
                .into_iter()
                .chain(member.values)
                .map(|(_, v)| v)
                .collect();
            Outcome::Open(Box::new(FormHost::new(CycleSpec::new(
                c,
                org,
                base,
                cycle.version,
                member.version,
                cx.today,
            ))))
        }
        Ok(_) => Outcome::Message("цикла или участия организации в нем больше нет".into()),
        Err(e) => Outcome::Message(format!("ошибка чтения базы: {e}")),
    }
}

fn text(v: &Val) -> String {
    v.to_text().unwrap_or_default()
}

/// The fields of one of the two records, in the order of the form.
fn fields_of<F: Copy + Into<RecordField>>(fields: &[F]) -> Vec<RecordField> {
    fields.iter().map(|&f| f.into()).collect()
}

impl CycleSpec {
    pub fn new(
        c: &CardCycle,
        org: &str,
        base: Vec<Val>,
        cycle_version: i64,
        member_version: i64,
        today: NaiveDate,
    ) -> CycleSpec {
        let status = CycleStatus::from_code(&text(&base[0]))
            .and_then(|s| CycleStatus::ALL.iter().position(|a| *a == s))
            .unwrap_or(0);
        let respondents = base[8].as_f64();
        let recipients = base[10].as_f64();
        let fields = vec![
            Field::choice(
                LABELS[0],
                CycleStatus::ALL.iter().map(|s| s.name_ru()).collect(),
                status,
            ),
            Field::text(LABELS[1], 300, &text(&base[1])),
            Field::text(LABELS[2], 12, &text(&base[2])),
            Field::text(LABELS[3], 100, &text(&base[3])),
            Field::date(LABELS[4], base[4].as_date()),
            Field::text(LABELS[5], 50, &text(&base[5])),
            Field::date(LABELS[6], base[6].as_date()),
            Field::text(LABELS[7], 100, &text(&base[7])),
            Field::number(LABELS[8], true, respondents),
            Field::date(LABELS[9], base[9].as_date()),
            // Recipients of services: the base of the survey's sample rule (empty: not known).
            Field::number(LABELS[10], true, recipients),
        ];
        let mut f = CycleSpec {
            cycle: c.cycle_id,
            membership: c.membership_id,
            year: c.year,
            org: org.to_string(),
            cycle_version,
            member_version,
            base,
            form: Form::new(format!("Цикл {} года и участие в нем", c.year), fields),
        };
        f.check(today);
        f
    }

    fn check(&mut self, today: NaiveDate) {
        self.form.check_formats();
        let inn = self.form.fields[2].trimmed().to_string();
        if !inn.is_empty()
            && let Err(e) = ids::validate_inn(&inn)
        {
            self.form.flag(2, e.to_string());
        }
        for i in [4, 6, 9] {
            if let Ok(Some(d)) = self.form.fields[i].date_value()
                && d > today
            {
                self.form.flag(
                    i,
                    format!("дата позже сегодняшнего дня ({})", today.format("%d.%m.%Y")),
                );
            }
        }
        match self.form.fields[8].number_value() {
            Ok(None) => self
                .form
                .flag(8, "укажите число опрошенных (0, если опроса не было)"),
            Ok(Some(n)) if n < 0.0 => self.form.flag(8, "число не может быть меньше нуля"),
            _ => {}
        }
        match (
            self.form.fields[10].number_value(),
            self.form.fields[8].number_value(),
        ) {
            (Ok(Some(n)), _) if n < 0.0 => self.form.flag(10, "число не может быть меньше нуля"),
            (Ok(Some(n)), Ok(Some(asked))) if asked > n => self.form.flag(
                10,
                format!(
                    "получателей меньше, чем опрошенных ({}); оставьте пустым, если не известно",
                    plain(asked)
                ),
            ),
            _ => {}
        }
    }

    /// Puts stored value `v` into field `i` as the value it opened with.
    fn show(&mut self, i: usize, v: &Val) {
        let f = &mut self.form.fields[i];
        match i {
            0 => {
                f.choice = CycleStatus::from_code(&text(v))
                    .and_then(|s| CycleStatus::ALL.iter().position(|a| *a == s))
                    .unwrap_or(f.choice);
            }
            4 | 6 | 9 => {
                f.text = v
                    .as_date()
                    .map_or(String::new(), |d| d.format("%d.%m.%Y").to_string())
            }
            _ => f.text = text(v),
        }
        f.set_original();
    }

    fn values(&self) -> Vec<Val> {
        let f = &self.form.fields;
        let status = CycleStatus::ALL
            .get(f[0].choice)
            .copied()
            .unwrap_or(CycleStatus::Planned);
        let d = |i: usize| Val::opt_date(f[i].date_value().ok().flatten());
        let opt_text = |i: usize| Val::text_or_null(f[i].trimmed());
        vec![
            Val::text(status.code()),
            opt_text(1),
            opt_text(2),
            opt_text(3),
            d(4),
            opt_text(5),
            d(6),
            Val::text(f[7].trimmed()),
            Val::Int(f[8].number_value().ok().flatten().unwrap_or(0.0) as i64),
            d(9),
            Val::opt_int(f[10].number_value().ok().flatten().map(|n| n as i64)),
        ]
    }
}

impl FormSpec for CycleSpec {
    crate::form_in_field!();

    fn title(&self) -> String {
        format!("Цикл {}", self.year)
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
        let values = self.values();
        let edits = |fields: &[RecordField], from: usize| -> Vec<FieldChange> {
            fields
                .iter()
                .enumerate()
                .map(|(k, &field)| FieldChange {
                    field,
                    old: self.base[from + k].clone(),
                    new: values[from + k].clone(),
                })
                .filter(|e| e.old != e.new)
                .collect()
        };
        let mut rows: Vec<RowChange> = Vec::new();
        let cycle_edits = edits(&fields_of(&CYCLE), 0);
        if !cycle_edits.is_empty() {
            rows.push(RowChange {
                table: Table::Cycle,
                id: self.cycle,
                version: self.cycle_version,
                fields: cycle_edits,
            });
        }
        let member_edits = edits(&fields_of(&MEMBER), CYCLE.len());
        if !member_edits.is_empty() {
            rows.push(RowChange {
                table: Table::Membership,
                id: self.membership,
                version: self.member_version,
                fields: member_edits,
            });
        }
        let label = format!("цикл {} года, участие «{}»", self.year, self.org);
        match save_rows(conn, rows, label) {
            Ok(saved) => saved,
            Err((id, EditError::Conflict(c))) => {
                let (fields, from) = if id == self.cycle {
                    (fields_of(&CYCLE), 0)
                } else {
                    (fields_of(&MEMBER), CYCLE.len())
                };
                let mut changes = Vec::new();
                for (k, field) in fields.into_iter().enumerate() {
                    let Some(now) = c.value(field).cloned() else {
                        continue;
                    };
                    let was = &self.base[from + k];
                    if *was != now {
                        changes.push(format!(
                            "{}: «{}» → «{}»",
                            LABELS[from + k],
                            cut(&printable(&text(was)), 30),
                            cut(&printable(&text(&now)), 30)
                        ));
                    }
                    // A field left alone here takes the other change.
                    if !self.form.fields[from + k].changed() {
                        self.show(from + k, &now);
                    }
                    self.base[from + k] = now;
                }
                self.check(cx.today);
                if id == self.cycle {
                    self.cycle_version = c.version;
                } else {
                    self.member_version = c.version;
                }
                self.form.notice = Some(conflict_notice(c.by.as_ref(), &changes));
                Outcome::Done
            }
            Err((_, e)) => self.failed(&e),
        }
    }

    fn header(&self, cx: &Ctx, _area: Rect) -> Vec<Line<'static>> {
        let t = &cx.theme;
        vec![Line::from(vec![
            Span::styled(printable(&self.org).into_owned(), t.title()),
            Span::styled(
                format!(
                    " · цикл №{} (его поля общие для всех организаций цикла)",
                    self.cycle
                ),
                t.dim(),
            ),
        ])]
    }

    fn status(&self) -> String {
        format!(
            " форма: цикл и участие · версии записей {} / {}",
            self.cycle_version, self.member_version
        )
    }
}
