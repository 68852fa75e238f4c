//! Assessment cycles: one per authority and year, with its status, operator contract and the
//! council protocol that approved the results.

use anyhow::Result;

use super::dates::{date, date_between};
use super::{CycleCtx, Gen, T_CYCLE, YEARS, sector_index};
use crate::domain::cycle::{Cycle, CycleStatus, Operator};
use crate::domain::sector::Sector;
use crate::service::demo::DemoSink;
use crate::service::demo::names::MeetingKind;
use crate::service::demo::rng::Rng;

impl Gen<'_> {
    fn cycle_status(&self, r: usize, s: Sector, yi: usize) -> CycleStatus {
        if yi + 1 < YEARS {
            CycleStatus::Published
        } else if (r + sector_index(s)) % 4 == 3 {
            CycleStatus::Collecting
        } else {
            CycleStatus::Approved
        }
    }

    pub(super) fn cycles(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        for a in 0..self.auths.len() {
            let (r, s) = (self.auths[a].region, self.auths[a].sector);
            let statuses: [CycleStatus; YEARS] =
                std::array::from_fn(|yi| self.cycle_status(r, s, yi));
            let meetings = self.schedule_meetings(a, &statuses);
            let mut rng = Rng::derive(self.seed, &[T_CYCLE, a as u64]);
            let mut cycles = Vec::new();
            for (yi, &status) in statuses.iter().enumerate() {
                let year = self.first_year() + yi as i32;
                let ops = &self.operators[r];
                let (op_name, op_inn) = ops[(sector_index(s) + yi) % ops.len().max(1)].clone();
                let results = meetings
                    .iter()
                    .find(|m| m.kind == MeetingKind::Results && m.cycle == Some(yi));
                let contract_date = date_between(&mut rng, date(year, 4, 1), date(year, 6, 20));
                let contract_number = format!(
                    "0{}{}20000{}{:02}{:06}",
                    self.regions[r].tax,
                    rng.range(10, 99),
                    rng.range(1, 3),
                    year.rem_euclid(100),
                    rng.range(1, 999)
                );
                let cycle = Cycle {
                    year,
                    sector: s,
                    authority_id: self.auths[a].id,
                    region: self.regions[r].nom.clone(),
                    operator: Some(Operator {
                        name: op_name.clone(),
                        inn: op_inn,
                        contract_number,
                        contract_date: Some(contract_date),
                    }),
                    council_protocol_number: results.map(|m| m.number.to_string()),
                    council_protocol_date: results.map(|m| m.date),
                    status,
                    methodology: self.method.version.clone(),
                };
                let id = sink.cycle(&cycle)?;
                cycles.push(CycleCtx {
                    id,
                    year,
                    status,
                    approved_on: results.map(|m| m.date),
                    operator: op_name,
                });
            }
            self.cycles.push(cycles);
            self.meetings.push(meetings);
        }
        self.org_count = vec![0; self.auths.len()];
        self.assessed = vec![[0; YEARS]; self.auths.len()];
        Ok(())
    }
}
