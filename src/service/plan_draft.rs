//! Drafting an improvement plan from an assessment (проект плана по устранению недостатков):
//! each checklist item absent and each share of satisfied respondents below a threshold becomes
//! a shortcoming with a suggested measure, grouped by criterion as in the plan form (decree 457).
//! The person edits the proposals and accepts them in the TUI.

use crate::domain::methodology::{Formula, Methodology};
use crate::domain::scoring::Inputs;
use crate::domain::sector::Sector;

/// Shares of satisfied respondents below this many percent are proposed as shortcomings.
pub const SHARE_THRESHOLD: f64 = 90.0;

/// A proposed plan row.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// `К1` … `К5`.
    pub criterion: String,
    /// `1.2` …
    pub indicator: String,
    /// The input the gap was found in, e.g. `1.2.phone`.
    pub input_key: String,
    pub shortcoming: String,
    pub measure: String,
}

fn share(yes: f64, asked: f64) -> Option<f64> {
    (asked > 0.0).then(|| yes / asked * 100.0)
}

fn pct(x: f64) -> String {
    crate::domain::decimal::fixed(x, 1)
}

/// The gaps of one organization's inputs, in the method's order (so grouped by criterion).
pub fn draft(m: &Methodology, sector: Sector, inputs: &Inputs, threshold: f64) -> Vec<Proposal> {
    let mut out = Vec::new();
    for def in m.indicators_for(sector) {
        let mut push = |key: &str, shortcoming: String, measure: String| {
            out.push(Proposal {
                criterion: def.criterion.clone(),
                indicator: def.code.clone(),
                input_key: key.to_string(),
                shortcoming,
                measure,
            })
        };
        let value = |i: usize| def.inputs.get(i).and_then(|d| inputs.get(&d.key));
        match def.formula {
            Formula::Points { .. } => {
                for item in &def.checklist {
                    if inputs.get(&item.key) != Some(1.0) {
                        push(
                            &item.key,
                            format!("Отсутствует: {} (показатель {})", item.name, def.code),
                            format!("Обеспечить наличие: {}", item.name),
                        );
                    }
                }
            }
            Formula::RatioPair => {
                for pair in [0, 2] {
                    let (Some(n), Some(d)) = (value(pair), value(pair + 1)) else {
                        continue;
                    };
                    let name = &def.inputs[pair].name;
                    // A pair of survey answers (satisfied / asked) is a share; a pair of
                    // materials (present / required) is complete or not.
                    let survey = name.to_lowercase().contains("удовлетвор");
                    match share(n, d) {
                        Some(s) if survey && s < threshold => push(
                            &def.inputs[pair].key,
                            format!(
                                "{name}: {} % опрошенных — ниже {} % (показатель {})",
                                pct(s),
                                pct(threshold),
                                def.code
                            ),
                            format!(
                                "Разработать и выполнить меры по повышению удовлетворенности: {}",
                                def.name.to_lowercase()
                            ),
                        ),
                        _ if !survey && n < d => push(
                            &def.inputs[pair].key,
                            format!(
                                "{name}: {} из {} (показатель {})",
                                n as i64, d as i64, def.code
                            ),
                            format!("Обеспечить полноту: {}", name.to_lowercase()),
                        ),
                        _ => {}
                    }
                }
            }
            Formula::Share | Formula::MeanValueShare => {
                let at = if def.formula == Formula::Share { 0 } else { 1 };
                let (Some(yes), Some(asked)) = (value(at), value(at + 1)) else {
                    continue;
                };
                if let Some(s) = share(yes, asked)
                    && s < threshold
                {
                    push(
                        &def.inputs[at].key,
                        format!(
                            "{}: {} % опрошенных — ниже {} % (показатель {})",
                            def.inputs[at].name,
                            pct(s),
                            pct(threshold),
                            def.code
                        ),
                        format!(
                            "Разработать и выполнить меры по повышению удовлетворенности: {}",
                            def.name.to_lowercase()
                        ),
                    );
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_items_and_low_shares_become_proposals_in_criterion_order() {
        let m = Methodology::from_toml(
            "data/methodology/2018.toml",
            crate::domain::methodology::BUILTIN_2018,
        )
        .unwrap();
        let sector = Sector::Social;
        let mut inputs = Inputs::new();
        for def in m.indicators_for(sector) {
            for i in &def.inputs {
                inputs.set(i.key.clone(), 100.0);
            }
            for item in &def.checklist {
                inputs.set(item.key.clone(), 1.0);
            }
        }
        assert_eq!(draft(&m, sector, &inputs, SHARE_THRESHOLD), vec![]);
        let item = m.indicators_for(sector)[1].checklist[0].key.clone();
        inputs.set(item.clone(), 0.0);
        let share = m
            .indicators_for(sector)
            .into_iter()
            .find(|d| d.formula == Formula::Share)
            .unwrap();
        inputs.set(share.inputs[0].key.clone(), 80.0);
        let p = draft(&m, sector, &inputs, SHARE_THRESHOLD);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].input_key, item);
        assert!(
            p[0].shortcoming.starts_with("Отсутствует: "),
            "{}",
            p[0].shortcoming
        );
        assert_eq!(p[1].input_key, share.inputs[0].key);
        assert!(
            p[1].shortcoming.contains("80,0 % опрошенных — ниже 90,0 %"),
            "{}",
            p[1].shortcoming
        );
        assert!(p[0].criterion <= p[1].criterion);
    }
}
