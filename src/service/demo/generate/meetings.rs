//! Public council meetings: their schedule per authority over the years and their minutes.

use anyhow::Result;

use super::dates::{date, date_between};
use super::{Gen, MeetingPlan, T_MEETING, YEARS};
use crate::domain::council::CouncilMeeting;
use crate::domain::cycle::CycleStatus;
use crate::service::demo::DemoSink;
use crate::service::demo::names::{MeetingKind, fill};
use crate::service::demo::rng::Rng;

impl Gen<'_> {
    pub(super) fn schedule_meetings(
        &self,
        a: usize,
        statuses: &[CycleStatus; YEARS],
    ) -> Vec<MeetingPlan> {
        let mut rng = Rng::derive(self.seed, &[T_MEETING, a as u64]);
        let mut all = Vec::new();
        for yi in 0..=YEARS {
            let y = self.first_year() + yi as i32;
            let cycle = (yi < YEARS).then_some(yi);
            let mut ms = vec![MeetingPlan {
                date: date_between(&mut rng, date(y, 2, 10), date(y, 3, 25)),
                kind: MeetingKind::List,
                subject_year: y,
                cycle,
                number: 0,
            }];
            if yi >= 1 && rng.chance(0.6) {
                ms.push(MeetingPlan {
                    date: date_between(&mut rng, date(y, 4, 10), date(y, 5, 25)),
                    kind: MeetingKind::Plans,
                    subject_year: y - 1,
                    cycle: Some(yi - 1),
                    number: 0,
                });
            }
            if let Some(c) = cycle {
                let collecting = statuses[c] == CycleStatus::Collecting;
                if collecting || rng.chance(0.5) {
                    ms.push(MeetingPlan {
                        date: date_between(&mut rng, date(y, 6, 1), date(y, 7, 15)),
                        kind: MeetingKind::Progress,
                        subject_year: y,
                        cycle,
                        number: 0,
                    });
                }
                if !collecting {
                    ms.push(MeetingPlan {
                        date: date_between(&mut rng, date(y, 10, 20), date(y, 12, 20)),
                        kind: MeetingKind::Results,
                        subject_year: y,
                        cycle,
                        number: 0,
                    });
                }
            }
            ms.retain(|m| m.date < self.today);
            ms.sort_by_key(|m| m.date);
            for (k, m) in ms.iter_mut().enumerate() {
                m.number = k as u32 + 1;
            }
            all.extend(ms);
        }
        all
    }

    pub(super) fn meetings(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        for (a, auth) in self.auths.iter().enumerate() {
            let forms = self.lists.sector_forms(auth.sector);
            let region = self.regions[auth.region];
            for m in &self.meetings[a] {
                let Some(t) = self.lists.meeting(m.kind) else {
                    continue;
                };
                let year = m.subject_year.to_string();
                let operator = m
                    .cycle
                    .map(|c| self.cycles[a][c].operator.as_str())
                    .unwrap_or_default();
                let vars = [
                    ("year", year.as_str()),
                    ("orgs_ins", forms.map_or("", |f| f.ins.as_str())),
                    ("orgs_gen", forms.map_or("", |f| f.genitive.as_str())),
                    ("region_gen", region.genitive.as_str()),
                    ("auth", auth.name.as_str()),
                    ("operator", operator),
                ];
                sink.council_meeting(&CouncilMeeting {
                    authority_id: auth.id,
                    cycle_id: m.cycle.map(|c| self.cycles[a][c].id),
                    date: m.date,
                    protocol_number: m.number.to_string(),
                    agenda: fill(&t.agenda, &vars),
                    decisions: fill(&t.decisions, &vars),
                })?;
            }
        }
        Ok(())
    }
}
