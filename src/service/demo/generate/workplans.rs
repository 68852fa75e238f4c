//! The authorities' own plans: an information plan and an organization plan per authority, with
//! sections, items and their statuses, and target indicators whose actual values come from what
//! was generated.

use anyhow::Result;
use chrono::{Datelike, NaiveDate};

use super::dates::{add_days, date, date_between, ru_date};
use super::{AuthCtx, Gen, T_WORKPLAN, YEARS};
use crate::domain::deadline::{Context, Deadline, Event, Events, Resolution};
use crate::domain::plan::Person;
use crate::domain::workplan::{
    ItemStatus, TargetIndicator, TargetValue, Workplan, WorkplanItem, WorkplanSection,
};
use crate::service::demo::DemoSink;
use crate::service::demo::names::{ItemTemplate, PlanTemplate, TargetKind, fill};
use crate::service::demo::rng::Rng;

impl Gen<'_> {
    pub(super) fn workplans(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        for a in 0..self.auths.len() {
            let mut rng = Rng::derive(self.seed, &[T_WORKPLAN, a as u64]);
            let y = self.year;
            // Information plan for the current year, approved around the new year.
            let approved =
                date_between(&mut rng, date(y - 1, 12, 15), date(y, 1, 31)).min(self.today);
            self.workplan(
                sink,
                &mut rng,
                a,
                &self.lists.info_plan,
                y,
                (y, y),
                approved,
            )?;
            // Organization plan for last year to next year, approved early last year.
            let approved = date_between(&mut rng, date(y - 1, 1, 15), date(y - 1, 3, 15));
            self.workplan(
                sink,
                &mut rng,
                a,
                &self.lists.org_plan,
                y,
                (y - 1, y + 1),
                approved,
            )?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn workplan(
        &self,
        sink: &mut dyn DemoSink,
        rng: &mut Rng,
        a: usize,
        tpl: &PlanTemplate,
        y: i32,
        period: (i32, i32),
        approved: NaiveDate,
    ) -> Result<()> {
        let auth = &self.auths[a];
        let region = self.regions[auth.region];
        let forms = self.lists.sector_forms(auth.sector);
        let (ys, ps, ns) = (y.to_string(), (y - 1).to_string(), (y + 1).to_string());
        let vars = [
            ("Y", ys.as_str()),
            ("P", ps.as_str()),
            ("N", ns.as_str()),
            ("orgs_ins", forms.map_or("", |f| f.ins.as_str())),
            ("orgs_gen", forms.map_or("", |f| f.genitive.as_str())),
            ("orgs_nom", forms.map_or("", |f| f.nom.as_str())),
            ("region_gen", region.genitive.as_str()),
            ("auth", auth.name.as_str()),
            ("auth_gen", auth.genitive.as_str()),
            ("auth_prep", auth.prep.as_str()),
            ("site", auth.website.as_str()),
        ];
        let workplan_id = sink.workplan(&Workplan {
            authority_id: auth.id,
            title: fill(&tpl.title, &vars),
            year_from: period.0,
            year_to: period.1,
            approved_by: format!(
                "{} от {} № {}",
                auth.act,
                ru_date(approved),
                rng.range(5, 240)
            ),
            approved_on: Some(approved),
        })?;
        let mut section_ids = Vec::new();
        for (k, (number, title)) in tpl.sections.iter().enumerate() {
            section_ids.push(sink.workplan_section(&WorkplanSection {
                workplan_id,
                number: number.clone(),
                title: fill(title, &vars),
                position: k as i64 + 1,
            })?);
        }
        for t in &tpl.targets {
            let values = (period.0 - 1..=period.1)
                .map(|year| {
                    let report = year < period.0;
                    let past = year < self.year;
                    let planned = (!report).then_some(t.planned);
                    let actual = if past {
                        self.target_actual(a, t.kind, year)
                    } else {
                        None
                    };
                    TargetValue {
                        year,
                        planned,
                        actual,
                    }
                })
                .collect();
            sink.target_indicator(&TargetIndicator {
                workplan_id,
                number: t.number.clone(),
                name: fill(&t.name, &vars),
                unit: t.unit.clone(),
                values,
            })?;
        }

        // Due dates read from the deadline text as written: `recorded` names a date by itself
        // (stored), `dues` also counts terms from the events known on `today` (statuses).
        let mut events = Events::new();
        events.record(Event::PlanApproved, approved);
        for c in &self.cycles[a] {
            if let Some(d) = c
                .approved_on
                .filter(|d| (period.0..=period.1).contains(&d.year()))
            {
                events.record(Event::ResultsReceived, d);
                events.record(Event::ProposalsReceived, d);
            }
        }
        let texts: Vec<String> = tpl
            .items
            .iter()
            .map(|it| fill(&it.deadline, &vars))
            .collect();
        let recorded: Vec<Option<NaiveDate>> = texts
            .iter()
            .map(|t| recorded_due(t, period, self.today))
            .collect();
        let dues: Vec<Option<NaiveDate>> = texts
            .iter()
            .map(|t| {
                let ctx = Context {
                    today: self.today,
                    period: Some(period),
                    events: &events,
                    calendar: None,
                };
                match Deadline::parse(t).resolve(&ctx) {
                    Resolution::Due {
                        current,
                        recurring: false,
                        ..
                    } => Some(current),
                    _ => None,
                }
            })
            .collect();
        // Statuses: leaves from their due dates, then parents from their children.
        let mut states: Vec<(ItemStatus, Option<NaiveDate>, String)> = dues
            .iter()
            .map(|&due| self.item_state(rng, due, approved))
            .collect();
        for (k, item) in tpl.items.iter().enumerate().rev() {
            let children: Vec<usize> = tpl
                .items
                .iter()
                .enumerate()
                .filter(|(_, c)| parent_number(&c.number) == Some(item.number.as_str()))
                .map(|(j, _)| j)
                .collect();
            if children.is_empty() {
                continue;
            }
            let all_done = children
                .iter()
                .all(|&j| matches!(states[j].0, ItemStatus::Done | ItemStatus::Cancelled));
            let own_open = dues[k].is_some_and(|d| d >= self.today);
            let started = children
                .iter()
                .any(|&j| matches!(states[j].0, ItemStatus::Done | ItemStatus::InProgress));
            states[k] = if all_done && !own_open {
                let last = children.iter().filter_map(|&j| states[j].1).max();
                (ItemStatus::Done, last, String::new())
            } else if started || dues[k].is_none() {
                (ItemStatus::InProgress, None, String::new())
            } else {
                (ItemStatus::Planned, None, String::new())
            };
        }

        let mut ids: Vec<(String, i64)> = Vec::new();
        for (k, item) in tpl.items.iter().enumerate() {
            let parent_id = parent_number(&item.number)
                .and_then(|p| ids.iter().rev().find(|(n, _)| n == p).map(|(_, id)| *id));
            let (status, completed_on, note) = states[k].clone();
            let id = sink.workplan_item(&WorkplanItem {
                workplan_id,
                section_id: item.section.and_then(|s| section_ids.get(s).copied()),
                parent_id,
                number: item.number.clone(),
                position: k as i64 + 1,
                measure: fill(&item.measure, &vars),
                form: fill(&item.form, &vars),
                deadline_text: texts[k].clone(),
                deadline_due: recorded[k],
                executors: self.executors(item, auth, &vars),
                status,
                completed_on,
                note,
            })?;
            ids.push((item.number.clone(), id));
        }
        Ok(())
    }

    fn executors(&self, item: &ItemTemplate, auth: &AuthCtx, vars: &[(&str, &str)]) -> Vec<String> {
        let region = self.regions[auth.region];
        let forms = self.lists.sector_forms(auth.sector);
        item.executors
            .iter()
            .map(|e| match e.as_str() {
                "@auth" => auth.name.clone(),
                "@council" => "Общественный совет".to_string(),
                "@orgs" => format!(
                    "{} {}",
                    forms.map_or("", |f| f.nom.as_str()),
                    region.genitive
                ),
                "@press" => format!("Пресс-служба {}", auth.genitive),
                s => match s.strip_prefix("@staff") {
                    Some(k) => k
                        .parse::<usize>()
                        .ok()
                        .and_then(|k| auth.staff.get(k.saturating_sub(1)))
                        .map_or_else(|| auth.name.clone(), Person::short),
                    None => fill(s, vars),
                },
            })
            .collect()
    }

    fn item_state(
        &self,
        rng: &mut Rng,
        due: Option<NaiveDate>,
        approved: NaiveDate,
    ) -> (ItemStatus, Option<NaiveDate>, String) {
        let today = self.today;
        match due {
            None => (ItemStatus::InProgress, None, String::new()),
            Some(d) if d < today => match rng.weighted(&[88, 4, 8]) {
                0 => {
                    let done = date_between(rng, add_days(d, -25).max(approved), d).min(today);
                    (ItemStatus::Done, Some(done), String::new())
                }
                1 => (
                    ItemStatus::Cancelled,
                    None,
                    "Мероприятие перенесено на следующий год".to_string(),
                ),
                _ => (
                    ItemStatus::InProgress,
                    None,
                    "Срок исполнения нарушен, мероприятие выполняется".to_string(),
                ),
            },
            Some(d) => {
                if (d - today).num_days() <= 60 || rng.chance(0.3) {
                    (ItemStatus::InProgress, None, String::new())
                } else {
                    (ItemStatus::Planned, None, String::new())
                }
            }
        }
    }

    /// Actual value of a target indicator for a past year.
    fn target_actual(&self, a: usize, kind: TargetKind, year: i32) -> Option<f64> {
        match kind {
            TargetKind::Assessed => {
                let yi = usize::try_from(year - self.first_year())
                    .ok()
                    .filter(|&i| i < YEARS)?;
                let total = self.org_count[a];
                (total > 0).then(|| {
                    let pct = f64::from(self.assessed[a][yi]) * 100.0 / f64::from(total);
                    (pct * 10.0).round() / 10.0
                })
            }
            TargetKind::Sites => Some(100.0),
            TargetKind::Meetings => Some(
                self.meetings[a]
                    .iter()
                    .filter(|m| m.date.year() == year)
                    .count() as f64,
            ),
        }
    }
}

/// The due date a deadline text names by itself (no events, not recurring): the last one when
/// it names several; `None` for continuous, recurring, event-bound and delegated deadlines.
fn recorded_due(text: &str, period: (i32, i32), today: NaiveDate) -> Option<NaiveDate> {
    let none = Events::new();
    let ctx = Context {
        today,
        period: Some(period),
        events: &none,
        calendar: None,
    };
    match Deadline::parse(text).resolve(&ctx) {
        Resolution::Due {
            all,
            recurring: false,
            awaiting: None,
            ..
        } => all.last().copied(),
        _ => None,
    }
}

/// `1.2` → `1`; `1` → None.
fn parent_number(number: &str) -> Option<&str> {
    number.rsplit_once('.').map(|(p, _)| p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::demo::names;

    /// The parser reads every deadline of the demo plan templates to the date written by hand
    /// beside it in the template (`срок для расчета`), for several plan years.
    #[test]
    fn parser_agrees_with_the_template_dates() {
        let lists = names::lists();
        let today = date(2026, 11, 22);
        for y in [2016, 2024, 2026] {
            let (ys, ps, ns) = (y.to_string(), (y - 1).to_string(), (y + 1).to_string());
            let vars = [("Y", ys.as_str()), ("P", ps.as_str()), ("N", ns.as_str())];
            for (tpl, period) in [
                (&lists.info_plan, (y, y)),
                (&lists.org_plan, (y - 1, y + 1)),
            ] {
                for item in &tpl.items {
                    if item.deadline.is_empty() {
                        continue;
                    }
                    let text = fill(&item.deadline, &vars);
                    assert_eq!(
                        recorded_due(&text, period, today),
                        super::super::dates::due_date(item.due, y),
                        "«{text}»"
                    );
                    assert!(Deadline::parse(&text).is_recognised(), "«{text}»");
                }
            }
        }
    }
}
