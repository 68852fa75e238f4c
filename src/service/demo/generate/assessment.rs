//! An organization's assessment in a cycle: its membership with the scoring inputs, the
//! shortcomings the inputs reveal and the improvement-plan rows that answer them.

use std::borrow::Cow;
use std::fmt::Write as _;

use anyhow::Result;

use super::dates::{add_days, date};
use super::found::Found;
use super::indicators::Model;
use super::organizations::OrgCtx;
use super::plan_rows::RowCycle;
use super::scratch::Scratch;
use super::survey::survey;
use super::{Gen, T_FIXED, T_PLAN, T_YEAR, YEARS, sector_index};
use crate::domain::cycle::CycleStatus;
use crate::domain::plan::Person;
use crate::service::demo::DemoSink;
use crate::service::demo::names::{Area, fill};
use crate::service::demo::rng::Rng;

/// Overwrites `dst` with `src`, reusing its allocation.
fn set_str(dst: &mut String, src: &str) {
    dst.clear();
    dst.push_str(src);
}

fn set_opt(dst: &mut Option<String>, src: &str) {
    match dst {
        Some(s) => set_str(s, src),
        None => *dst = Some(src.to_string()),
    }
}

fn set_person(dst: &mut Person, src: &Person) {
    set_str(&mut dst.last_name, &src.last_name);
    set_str(&mut dst.first_name, &src.first_name);
    set_str(&mut dst.middle_name, &src.middle_name);
    set_str(&mut dst.position, &src.position);
}

impl Gen<'_> {
    pub(super) fn assessment(
        &mut self,
        org: &mut OrgCtx,
        a: usize,
        yi: usize,
        scratch: &mut Scratch,
        sink: &mut dyn DemoSink,
    ) -> Result<()> {
        let cycle = &self.cycles[a][yi];
        let (cycle_id, cycle_year, status, approved_on) =
            (cycle.id, cycle.year, cycle.status, cycle.approved_on);
        self.assessed[a][yi] += 1;
        let mut rng = Rng::derive(self.seed, &[T_YEAR, org.index, yi as u64]);
        // The same stream every year: an organization's checklist items persist unless a plan row
        // fixes them; survey answers improve slightly from year to year.
        let mut fixed = Rng::derive(self.seed, &[T_FIXED, org.index]);
        let (lo, hi) = org.ty.respondents;
        let u = rng.unit();
        let respondents = lo + (f64::from(hi - lo) * u * u.sqrt()).round() as u32;
        let t = yi as f64;
        let z = org.q + 0.08 * t + 0.3 * rng.normal();
        let z_access = 0.5 * z + 0.5 * org.acc;
        let with_gaps = matches!(status, CycleStatus::Approved | CycleStatus::Published);
        let forms = self.lists.sector_forms(org.sector);
        let required = [
            forms.map_or(12, |f| f.stand_required),
            forms.map_or(36, |f| f.site_required),
        ];

        let inputs = &mut scratch.inputs[sector_index(org.sector)];
        let mut found: Vec<Found> = Vec::new();
        // Checklist items that a plan row fixed before this year's data collection (from April)
        // are present.
        let collected = date(cycle_year, 4, 1);
        for (ii, ind) in self.models[sector_index(org.sector)].iter().enumerate() {
            let zq = if ind.access { z_access } else { z };
            match &ind.model {
                Model::Points(items) => {
                    let level = if ind.access { org.acc } else { org.q };
                    for (k, item) in items.iter().enumerate() {
                        let u = fixed.unit();
                        let p = (item.p + 0.10 * level).clamp(0.02, 0.995);
                        let present = u < p
                            || org
                                .fixed
                                .iter()
                                .any(|&(key, done)| key == (ii, k) && done < collected);
                        inputs.set(item.key.as_str(), if present { 1.0 } else { 0.0 });
                        if !present && with_gaps {
                            found.push(Found {
                                ind,
                                item: Some((ii, k)),
                                key: &item.full,
                                gap: item.gap,
                                text: match item.gap {
                                    Some(g) => Cow::Borrowed(g.shortcoming.as_str()),
                                    None => Cow::Owned(format!("Не обеспечено: {}", item.name)),
                                },
                                fallback_measure: match item.gap {
                                    Some(_) => Cow::Borrowed(""),
                                    None => Cow::Owned(format!("Обеспечить: {}", item.name)),
                                },
                            });
                        }
                    }
                }
                Model::Doc {
                    pairs,
                    completeness,
                } => {
                    for k in 0..2 {
                        let d = required[k];
                        let c = (completeness[k] + 0.03 * z).clamp(0.4, 1.0);
                        let mean_missing = f64::from(d) * (1.0 - c);
                        let missing = (mean_missing + 0.8 * rng.normal())
                            .round()
                            .clamp(0.0, f64::from(d.saturating_sub(1)))
                            as u32;
                        let n = d - missing;
                        inputs.set(pairs[k].num_key.as_str(), f64::from(n));
                        inputs.set(pairs[k].den_key.as_str(), f64::from(d));
                        if n < d && with_gaps {
                            let (ns, ds) = (n.to_string(), d.to_string());
                            let vars = [("n", ns.as_str()), ("d", ds.as_str())];
                            found.push(Found {
                                ind,
                                item: None,
                                key: &pairs[k].full,
                                gap: pairs[k].gap,
                                text: Cow::Owned(match pairs[k].gap {
                                    Some(g) => fill(&g.shortcoming, &vars),
                                    None => format!(
                                        "Информация о деятельности организации размещена не в \
                                         полном объеме ({n} из {d})"
                                    ),
                                }),
                                fallback_measure: Cow::Borrowed(
                                    "Разместить недостающую информацию о деятельности организации",
                                ),
                            });
                        }
                    }
                }
                Model::SurveyPair(surveys) => {
                    for sv in surveys {
                        let found = with_gaps.then_some(&mut found);
                        survey(&mut rng, inputs, found, ind, sv, respondents, zq);
                    }
                }
                Model::Share(sv) => {
                    let found = with_gaps.then_some(&mut found);
                    survey(&mut rng, inputs, found, ind, sv, respondents, zq);
                }
                Model::ValueShare {
                    key,
                    full,
                    gap,
                    p,
                    survey: sv,
                } => {
                    let value = if rng.chance((p + 0.1 * z).clamp(0.05, 0.98)) {
                        100.0
                    } else {
                        [80.0, 80.0, 80.0, 60.0, 60.0, 40.0][rng.index(6)]
                    };
                    inputs.set(key.as_str(), value);
                    if value < 100.0 && with_gaps {
                        let vs = format!("{value:.0}");
                        found.push(Found {
                            ind,
                            item: None,
                            key: full,
                            gap: *gap,
                            text: Cow::Owned(match gap {
                                Some(g) => fill(&g.shortcoming, &[("value", vs.as_str())]),
                                None => format!("Показатель {}: {vs} баллов из 100", ind.code),
                            }),
                            fallback_measure: Cow::Borrowed(
                                "Сократить время ожидания предоставления услуги",
                            ),
                        });
                    }
                    let found = with_gaps.then_some(&mut found);
                    survey(&mut rng, inputs, found, ind, sv, respondents, zq);
                }
            }
        }
        let m = &mut scratch.membership;
        m.cycle_id = cycle_id;
        m.org_id = org.id;
        set_str(&mut m.group, &org.group);
        m.respondents = respondents;
        sink.membership(m, inputs)?;
        if !with_gaps {
            return Ok(());
        }

        let row_cycle = RowCycle {
            year: cycle_year,
            approved: approved_on.unwrap_or_else(|| date(cycle_year, 12, 1)),
            latest: yi + 1 == YEARS,
        };
        let mut plan_rng = Rng::derive(self.seed, &[T_PLAN, org.index, yi as u64]);
        let mut section_rows = [0u32; 10];
        for f in &found {
            let sc = &mut scratch.shortcoming;
            sc.cycle_id = cycle_id;
            sc.org_id = org.id;
            set_str(&mut sc.criterion, &f.ind.criterion);
            set_opt(&mut sc.indicator, &f.ind.code);
            set_opt(&mut sc.input_key, f.key);
            set_str(&mut sc.text, &f.text);
            let sc_id = sink.shortcoming(sc)?;
            if !plan_rng.chance(0.88) {
                continue;
            }
            let sec = (f.ind.section as usize).min(section_rows.len() - 1);
            section_rows[sec] += 1;
            let area = f.gap.map_or(Area::Deputy, |g| g.area);
            let row = &mut scratch.row;
            row.cycle_id = cycle_id;
            row.org_id = org.id;
            row.number.clear();
            let _ = write!(row.number, "{}.{}", f.ind.section, section_rows[sec]);
            set_str(&mut row.criterion, &f.ind.criterion);
            row.shortcoming_id = Some(sc_id);
            set_str(&mut row.shortcoming, &f.text);
            set_person(&mut row.responsible, org.staff(self.lists, self.seed, area));
            let implemented = match f.gap {
                Some(g) => {
                    set_str(&mut row.measure, &g.measure);
                    set_str(&mut row.expected_result, &g.result);
                    set_str(&mut row.result_indicators, &g.indicators);
                    g.implemented.as_str()
                }
                None => {
                    set_str(&mut row.measure, &f.fallback_measure);
                    row.expected_result.clear();
                    let _ = write!(
                        row.expected_result,
                        "Устранение недостатка по показателю {}",
                        f.ind.code
                    );
                    row.result_indicators.clear();
                    "Мероприятие выполнено"
                }
            };
            let costly = f.ind.access && f.item.is_some();
            self.schedule_row(&mut plan_rng, row, implemented, &row_cycle, costly);
            // A costly measure reported done often still fails the operator's next check (a ramp
            // too steep, a sign without Braille): only some of them count as fixed.
            if let (Some(item), Some(done)) = (f.item, row.actual_date)
                && (!costly || plan_rng.chance(0.5))
            {
                org.fixed.push((item, done));
            }
            sink.plan_row(row)?;
        }
        if section_rows.iter().any(|&n| n > 0) {
            let head = org.staff(self.lists, self.seed, Area::Head).clone();
            let h = self.plan_header(&mut plan_rng, &row_cycle, head);
            sink.plan_header(cycle_id, org.id, &h)?;
        }
        Ok(())
    }

    /// The header of a plan: the organization's head approves it (the organization itself is
    /// the approving organization) some weeks after the council approved the results, by an
    /// order; a plan whose approval day is still ahead of `today` has no approval date yet (the
    /// portal's document cannot go out until it has one). The council is the default one.
    fn plan_header(
        &self,
        rng: &mut Rng,
        cycle: &RowCycle,
        head: crate::domain::plan::Person,
    ) -> crate::store::plan_header::Header {
        use crate::store::plan_header::{Act, Header};
        let approved = add_days(cycle.approved, 10 + rng.range(0, 25));
        let approved_on = (approved <= self.today).then_some(approved);
        let control = [
            "Ежеквартальный отчет ответственных руководителю организации; сведения о ходе реализации плана направляются в уполномоченный орган",
            "Контроль осуществляет руководитель организации; ход выполнения рассматривается на совещаниях при руководителе ежемесячно",
            "",
        ][rng.index(3)];
        Header {
            social_council: String::new(),
            plan_period: Some(cycle.year + 1),
            approved_by: String::new(),
            approver_last_name: head.last_name,
            approver_first_name: head.first_name,
            approver_middle_name: head.middle_name,
            approved_on,
            control: control.to_string(),
            acts: approved_on
                .map(|d| Act {
                    name: "Об утверждении плана по устранению недостатков, выявленных в ходе независимой оценки качества условий оказания услуг".into(),
                    kind: "приказ".into(),
                    date: Some(d),
                    number: format!("{}-од", 1 + rng.below(180)),
                })
                .into_iter()
                .collect(),
        }
    }
}
