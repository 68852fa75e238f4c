//! The scoring inputs model, built from the method: for every indicator of a sector, how its
//! inputs are drawn (checklist items, information present out of required, survey questions, a value
//! with a share) and which gap a missing or low value is.

use anyhow::{Result, bail};

use crate::domain::methodology::{Formula, IndicatorDef, Methodology};
use crate::domain::sector::Sector;
use crate::service::demo::names::{Gap, Lists};

/// A numerator/denominator pair of inputs.
pub(super) struct Pair {
    pub(super) num_key: String,
    pub(super) den_key: String,
    /// The numerator's key prefixed with the indicator code (for gaps and shortcomings).
    pub(super) full: String,
    pub(super) gap: Option<&'static Gap>,
}

pub(super) struct Item {
    pub(super) key: String,
    pub(super) full: String,
    pub(super) name: String,
    pub(super) p: f64,
    pub(super) gap: Option<&'static Gap>,
}

pub(super) struct Survey {
    pub(super) pair: Pair,
    pub(super) share: f64,
    pub(super) asked: (f64, f64),
}

pub(super) enum Model {
    Points(Vec<Item>),
    /// Information present / required on two channels (1.1).
    Doc {
        pairs: [Pair; 2],
        completeness: [f64; 2],
    },
    /// Satisfied / asked on two channels (1.3).
    SurveyPair([Survey; 2]),
    Share(Survey),
    ValueShare {
        key: String,
        full: String,
        gap: Option<&'static Gap>,
        p: f64,
        survey: Survey,
    },
}

pub(super) struct Ind {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) criterion: String,
    /// Section of the improvement plan (the criterion's number).
    pub(super) section: u32,
    /// Accessibility (К3): driven by the organization's accessibility level.
    pub(super) access: bool,
    pub(super) model: Model,
}

fn full_key(code: &str, key: &str) -> String {
    match key.strip_prefix(code) {
        Some(rest) if rest.starts_with('.') => key.to_string(),
        _ => format!("{code}.{key}"),
    }
}

pub(super) fn build_models(method: &Methodology, lists: &'static Lists) -> Result<Vec<Vec<Ind>>> {
    let mut out = Vec::new();
    for s in Sector::ALL {
        let mut inds = Vec::new();
        for def in method.indicators_for(s) {
            inds.push(build_ind(method, lists, def)?);
        }
        if inds.is_empty() {
            bail!(
                "в методике {} нет показателей для сферы «{}»",
                method.version,
                s.name_ru()
            );
        }
        out.push(inds);
    }
    Ok(out)
}

fn build_ind(method: &Methodology, lists: &'static Lists, def: &IndicatorDef) -> Result<Ind> {
    let code = def.code.as_str();
    let access = def.criterion == "К3";
    let bad = || {
        anyhow::anyhow!(
            "методика {}: исходные данные показателя {code} не соответствуют формуле «{}»",
            method.version,
            def.formula.code()
        )
    };
    let pair = |i: usize| -> Pair {
        let full = full_key(code, &def.inputs[i].key);
        Pair {
            num_key: def.inputs[i].key.clone(),
            den_key: def.inputs[i + 1].key.clone(),
            gap: lists.gap(&full),
            full,
        }
    };
    let survey = |pair: Pair| -> Survey {
        let default_share = if access { 0.86 } else { 0.93 };
        Survey {
            share: pair.gap.map_or(default_share, |g| g.p),
            asked: pair.gap.and_then(|g| g.asked).unwrap_or((0.8, 1.0)),
            pair,
        }
    };
    let model = match def.formula {
        Formula::Points { .. } => {
            if def.checklist.is_empty() {
                return Err(bad());
            }
            let default_p = if access { 0.55 } else { 0.85 };
            Model::Points(
                def.checklist
                    .iter()
                    .map(|c| {
                        let full = full_key(code, &c.key);
                        let gap = lists.gap(&full);
                        Item {
                            key: c.key.clone(),
                            name: c.name.clone(),
                            p: gap.map_or(default_p, |g| g.p),
                            gap,
                            full,
                        }
                    })
                    .collect(),
            )
        }
        Formula::RatioPair => {
            if def.inputs.len() != 4 {
                return Err(bad());
            }
            let pairs = [pair(0), pair(2)];
            let is_doc = match pairs[0].gap {
                Some(g) => g.asked.is_none(),
                None => pairs[0].full.contains("present") || pairs[0].full.contains("required"),
            };
            if is_doc {
                let completeness = [
                    pairs[0].gap.map_or(0.93, |g| g.p),
                    pairs[1].gap.map_or(0.93, |g| g.p),
                ];
                Model::Doc {
                    pairs,
                    completeness,
                }
            } else {
                let [a, b] = pairs;
                Model::SurveyPair([survey(a), survey(b)])
            }
        }
        Formula::Share => {
            if def.inputs.len() != 2 {
                return Err(bad());
            }
            Model::Share(survey(pair(0)))
        }
        Formula::MeanValueShare => {
            if def.inputs.len() != 3 {
                return Err(bad());
            }
            let full = full_key(code, &def.inputs[0].key);
            let gap = lists.gap(&full);
            Model::ValueShare {
                key: def.inputs[0].key.clone(),
                p: gap.map_or(0.7, |g| g.p),
                gap,
                full,
                survey: survey(pair(1)),
            }
        }
    };
    let section = def
        .criterion
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
        .or_else(|| {
            method
                .criteria
                .iter()
                .position(|c| c.code == def.criterion)
                .map(|i| i as u32 + 1)
        })
        .unwrap_or(1);
    Ok(Ind {
        code: code.to_string(),
        name: def.name.clone(),
        criterion: def.criterion.clone(),
        section,
        access,
        model,
    })
}
