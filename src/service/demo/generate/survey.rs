//! Survey answers: how many respondents were asked a question and how many were satisfied, and
//! the gap a low satisfied share is.

use std::borrow::Cow;

use super::found::Found;
use super::indicators::{Ind, Survey};
use crate::domain::scoring::Inputs;
use crate::service::demo::names::fill;
use crate::service::demo::rng::Rng;

/// A survey share below this is a shortcoming.
const SATISFACTION_THRESHOLD: f64 = 0.9;

/// A percentage with one decimal and a decimal comma: `85,3`.
fn ru_pct(x: f64) -> String {
    crate::domain::decimal::fixed(x, 1)
}

/// Multiplier of the dissatisfied share by quality `z` (0 = typical): better organizations have
/// fewer dissatisfied respondents, weak ones many more.
fn dissatisfaction_factor(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + 0.8 * z)
    } else {
        1.0 + 0.9 * -z + 0.35 * z * z
    }
}

/// (yes, asked) for a question asked of a share of `respondents`.
fn survey_counts(rng: &mut Rng, s: &Survey, respondents: u32, z: f64) -> (u32, u32) {
    let frac = s.asked.0 + (s.asked.1 - s.asked.0) * rng.unit();
    let asked = ((f64::from(respondents) * frac).round() as u32).clamp(1, respondents.max(1));
    let z = z + 0.25 * rng.normal();
    let share = (1.0 - (1.0 - s.share) * dissatisfaction_factor(z)).clamp(0.05, 1.0);
    let a = f64::from(asked);
    let sd = (a * share * (1.0 - share)).sqrt();
    let yes = (a * share + sd * rng.normal()).round().clamp(0.0, a) as u32;
    (yes, asked)
}

/// Sets a survey question's counts and records a gap when the satisfied share is low (only when
/// `found` is given).
pub(super) fn survey<'m>(
    rng: &mut Rng,
    inputs: &mut Inputs,
    found: Option<&mut Vec<Found<'m>>>,
    ind: &'m Ind,
    sv: &'m Survey,
    respondents: u32,
    z: f64,
) {
    let (yes, asked) = survey_counts(rng, sv, respondents, z);
    inputs.set(sv.pair.num_key.as_str(), f64::from(yes));
    inputs.set(sv.pair.den_key.as_str(), f64::from(asked));
    let share = f64::from(yes) / f64::from(asked);
    if let Some(found) = found
        && share < SATISFACTION_THRESHOLD
    {
        let pct = ru_pct(share * 100.0);
        found.push(Found {
            ind,
            item: None,
            key: &sv.pair.full,
            gap: sv.pair.gap,
            text: Cow::Owned(match sv.pair.gap {
                Some(g) => fill(&g.shortcoming, &[("pct", pct.as_str())]),
                None => format!("Показатель {} «{}»: {pct} %", ind.code, ind.name),
            }),
            fallback_measure: Cow::Borrowed(
                "Разработать меры по повышению удовлетворенности получателей услуг",
            ),
        });
    }
}
