//! «Проект плана из оценки»: for an organization's cycle, the gaps of its assessment (absent
//! checklist items, shares of satisfied respondents below the threshold) proposed as plan rows
//! grouped by criterion — each with a suggested measure the person may edit or leave out; one
//! planned date and responsible for all. Accepting adds the shortcomings and the plan rows
//! (audited; `u` takes them back while nobody has changed them).

use chrono::NaiveDate;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::domain::scoring::Inputs;
use crate::domain::text::printable;
use crate::service::plan_draft::{Proposal, SHARE_THRESHOLD, draft};
use crate::service::write::{self, Change, NewRow};
use crate::store::card::CardCycle;
use crate::store::edit_draft;
use crate::store::edit_inputs;
use crate::tui::form::undo::UndoStep;
use crate::tui::form::{Field, Form, FormHost, FormSpec};
use crate::tui::screen::{Ctx, Outcome};

const DATE: usize = 0;
const RESPONSIBLE: usize = 1;
/// Fields before the proposals; each proposal has two (include it, its measure).
const FIRST: usize = 2;

/// The form as shown: the host around its spec.
pub type DraftForm = FormHost<DraftSpec>;

/// The draft of one organization's plan for one cycle.
#[derive(Debug)]
pub struct DraftSpec {
    cycle: i64,
    org_id: i64,
    org: String,
    year: i32,
    proposals: Vec<Proposal>,
    pub form: Form,
}

/// Opens the draft for organization `org_id` (`org` its name) in cycle `c`.
pub fn open(cx: &Ctx, org_id: i64, org: &str, c: &CardCycle) -> Outcome {
    let Some(conn) = cx.conn else {
        return Outcome::Done;
    };
    let Some(method) = crate::tui::methods::methods().and_then(|m| m.get(&c.methodology)) else {
        return Outcome::Message(format!("методика «{}» цикла не найдена", c.methodology));
    };
    let read = edit_inputs::read(conn, c.membership_id)
        .and_then(|r| Ok((r, edit_draft::recorded_keys(conn, c.cycle_id, org_id)?)));
    let (values, recorded) = match read {
        Ok((Some((values, _)), recorded)) => (values, recorded),
        Ok((None, _)) => return Outcome::Message("организация больше не входит в цикл".into()),
        Err(e) => return Outcome::Message(format!("ошибка чтения базы: {e}")),
    };
    let inputs: Inputs = values.into_iter().collect();
    let proposals: Vec<Proposal> = draft(method, c.sector, &inputs, SHARE_THRESHOLD)
        .into_iter()
        .filter(|p| !recorded.contains(&p.input_key))
        .collect();
    if proposals.is_empty() {
        return Outcome::Message(format!(
            "новых недостатков по оценке {} года нет: все пункты есть, доли удовлетворенных не ниже {} %",
            c.year, SHARE_THRESHOLD
        ));
    }
    Outcome::Open(Box::new(FormHost::new(DraftSpec::new(
        c.cycle_id, org_id, org, c.year, proposals, cx.today,
    ))))
}

impl DraftSpec {
    pub fn new(
        cycle: i64,
        org_id: i64,
        org: &str,
        year: i32,
        proposals: Vec<Proposal>,
        today: NaiveDate,
    ) -> DraftSpec {
        let mut fields = vec![
            Field::due("Плановый срок (для всех)", None, today),
            Field::text("Ответственный (фамилия)", 100, ""),
        ];
        for p in &proposals {
            fields.push(Field::check(
                format!("{} · {}", p.criterion, p.shortcoming),
                true,
            ));
            fields.push(Field::text("    мера", 1000, &p.measure));
        }
        let mut f = DraftSpec {
            cycle,
            org_id,
            org: org.to_string(),
            year,
            proposals,
            form: Form::new(format!("Проект плана из оценки {year} года"), fields),
        };
        f.check(today);
        f
    }

    /// The proposals kept (checked), with the measures as edited.
    pub fn accepted(&self) -> Vec<(usize, String)> {
        (0..self.proposals.len())
            .filter(|i| self.form.fields[FIRST + 2 * i].checked())
            .map(|i| (i, self.form.fields[FIRST + 2 * i + 1].trimmed().to_string()))
            .collect()
    }

    fn check(&mut self, today: NaiveDate) {
        self.form.check_formats();
        match self.form.fields[DATE].date_value() {
            Ok(None) => self.form.flag(DATE, "укажите плановый срок строк"),
            Ok(Some(d)) if d < today => self.form.flag(
                DATE,
                format!("срок уже прошел (сегодня {})", today.format("%d.%m.%Y")),
            ),
            _ => {}
        }
        for (i, measure) in self.accepted() {
            if measure.is_empty() {
                self.form.flag(
                    FIRST + 2 * i + 1,
                    "опишите меру или снимите отметку со строки",
                );
            }
        }
    }
}

impl FormSpec for DraftSpec {
    crate::form_in_field!();

    fn title(&self) -> String {
        "Проект плана".to_string()
    }

    fn recheck(&mut self, today: NaiveDate) {
        self.check(today)
    }

    fn submit(&mut self, cx: &Ctx) -> Outcome {
        self.check(cx.today);
        let accepted = self.accepted();
        if accepted.is_empty() {
            self.form.notice = Some("не отмечено ни одной строки: добавлять нечего".into());
            return Outcome::Done;
        }
        if self.form.refuse_invalid() {
            return Outcome::Done;
        }
        let (Some(conn), Ok(Some(date))) = (cx.conn, self.form.fields[DATE].date_value()) else {
            return Outcome::Done;
        };
        let rows: Vec<NewRow> = accepted
            .into_iter()
            .map(|(i, measure)| {
                let p = &self.proposals[i];
                NewRow {
                    criterion: p.criterion.clone(),
                    indicator: p.indicator.clone(),
                    input_key: p.input_key.clone(),
                    shortcoming: p.shortcoming.clone(),
                    measure,
                    planned_date: date,
                    responsible: self.form.fields[RESPONSIBLE].trimmed().to_string(),
                }
            })
            .collect();
        let label = format!("проект плана «{}», {} год", self.org, self.year);
        match write::accept_draft(conn, self.cycle, self.org_id, &rows, &label) {
            Ok(change) => {
                let made = match &change {
                    Change::Drafted(made) => made.as_slice(),
                    _ => &[],
                };
                Outcome::Saved {
                    message: format!(
                        "добавлено строк плана: {} ({}); u — отменить",
                        made.len(),
                        made.iter()
                            .map(|m| m.2.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    undo: Some(UndoStep { change, label }),
                }
            }
            Err(e) => self.failed(&e),
        }
    }

    fn header(&self, cx: &Ctx, _area: Rect) -> Vec<Line<'static>> {
        let t = &cx.theme;
        vec![Line::from(vec![
            Span::styled(printable(&self.org).into_owned(), t.title()),
            Span::styled(
                format!(
                    " · недостатков по оценке: {} (пункты перечней, доли ниже {} %)",
                    self.proposals.len(),
                    SHARE_THRESHOLD
                ),
                t.dim(),
            ),
        ])]
    }

    fn footer(&self, cx: &Ctx) -> Vec<Line<'static>> {
        let t = &cx.theme;
        let accepted = self.accepted();
        let mut by: Vec<(String, usize)> = Vec::new();
        for (i, _) in &accepted {
            let c = &self.proposals[*i].criterion;
            match by.iter_mut().find(|(k, _)| k == c) {
                Some((_, n)) => *n += 1,
                None => by.push((c.clone(), 1)),
            }
        }
        let focused = self
            .form
            .focus
            .checked_sub(FIRST)
            .and_then(|i| self.proposals.get(i / 2));
        let mut footer: Vec<Line<'static>> = focused
            .map(|p| {
                vec![Line::from(vec![
                    Span::styled(format!("{} {}: ", p.criterion, p.indicator), t.key()),
                    Span::styled(printable(&p.shortcoming).into_owned(), t.dim()),
                ])]
            })
            .unwrap_or_default();
        footer.push(Line::styled(
            format!(
                "Будет добавлено строк: {} ({})",
                accepted.len(),
                by.iter()
                    .map(|(c, n)| format!("{c}: {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            t.header(),
        ));
        footer
    }

    fn status(&self) -> String {
        format!(
            " форма: проект плана · поле {}/{}",
            self.form.focus + 1,
            self.form.fields.len()
        )
    }
}
