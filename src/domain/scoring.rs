//! Scoring (расчет значений показателей): an organization's raw inputs → indicators (0–100) →
//! criteria К1…К5 (weighted sums of their indicators) → the total S (mean of the criteria).
//!
//! The method's rounding order says whether each level is computed from the rounded values of
//! the level below (how operators publish) or from unrounded values; the values written to the
//! [`ScoreCard`] are rounded by the method's rule either way. An empty group (0 answered) is
//! valued by the indicator's `when_empty` rule and reported on the card. An invalid input is an
//! error naming the organization and the field, never a panic or NaN.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::domain::methodology::{
    ChecklistItem, Formula, IndicatorDef, InputDef, InputKind, Methodology, RoundingOrder,
    WhenEmpty,
};
use crate::domain::sector::Sector;

/// Raw inputs of one organization (исходные данные для расчета): input key → number, e.g.
/// `1.3.asked_site` → 40, `1.2.phone` → 1. Keys are those of [`Methodology::input_keys`].
///
/// Keys are shared strings: a reader of millions of values hands out clones of one `Arc` a key
/// instead of allocating a string for each value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    values: BTreeMap<Arc<str>, f64>,
}

impl Inputs {
    /// No inputs.
    pub fn new() -> Inputs {
        Inputs::default()
    }

    /// Inputs from `(key, value)` pairs; a later pair for the same key wins.
    pub fn from_pairs<K: Into<String>>(pairs: impl IntoIterator<Item = (K, f64)>) -> Inputs {
        pairs.into_iter().collect()
    }

    /// Sets `key` to `value`, replacing any earlier value.
    pub fn set(&mut self, key: impl Into<String>, value: f64) {
        self.values.insert(Arc::from(key.into()), value);
    }

    /// Inputs from pairs with distinct names the caller shares between many inputs, built in one
    /// pass: the pairs are sorted by name (nearly free when they come nearly in order) and the
    /// map is built from the sorted run, instead of searched from its root for every pair — at
    /// 100,000 members of fifty inputs those searches were a quarter of a recompute.
    pub fn from_shared(pairs: Vec<(Arc<str>, f64)>) -> Inputs {
        Inputs {
            values: pairs.into_iter().collect(),
        }
    }

    /// The value of `key`, if entered.
    pub fn get(&self, key: &str) -> Option<f64> {
        self.values.get(key).copied()
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<f64> {
        self.values.remove(key)
    }

    /// All entered `(key, value)` pairs, ordered by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.into_iter()
    }

    /// Number of entered values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether nothing is entered.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

impl<'a> IntoIterator for &'a Inputs {
    type Item = (&'a str, f64);
    type IntoIter = std::iter::Map<
        std::collections::btree_map::Iter<'a, Arc<str>, f64>,
        fn((&'a Arc<str>, &'a f64)) -> (&'a str, f64),
    >;

    /// Same as [`Inputs::iter`].
    fn into_iter(self) -> Self::IntoIter {
        self.values.iter().map(|(k, &v)| (&**k, v))
    }
}

impl<K: Into<String>> FromIterator<(K, f64)> for Inputs {
    fn from_iter<I: IntoIterator<Item = (K, f64)>>(iter: I) -> Inputs {
        let mut inputs = Inputs::new();
        inputs.extend(iter);
        inputs
    }
}

impl<K: Into<String>> Extend<(K, f64)> for Inputs {
    fn extend<I: IntoIterator<Item = (K, f64)>>(&mut self, iter: I) {
        for (key, value) in iter {
            self.set(key, value);
        }
    }
}

/// An organization's result (результаты независимой оценки): every counted indicator, every
/// criterion and the total S, each rounded by the method's rule, computed from rounded or
/// unrounded values as the method's rounding order says.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreCard {
    /// Version of the method used, e.g. `2018`.
    pub methodology: String,
    /// Counted indicators (показатели) of the sector, in the method's order. An indicator left
    /// out for an empty group (see `empty`) is not here.
    pub indicators: Vec<IndicatorScore>,
    /// Criteria (критерии) К1…К5, in the method's order.
    pub criteria: Vec<CriterionScore>,
    /// The total (итоговый показатель) S = (К1 + … + К5) / 5.
    pub total: f64,
    /// The empty groups met (0 answered) and the rule applied to each, in the method's order.
    pub empty: Vec<EmptyGroup>,
}

/// An empty group (пустая группа: nobody answered) met while scoring, and what was done.
#[derive(Debug, Clone, PartialEq)]
pub struct EmptyGroup {
    /// The indicator, e.g. `3.3`.
    pub indicator: String,
    /// The denominator input that was 0, e.g. `3.3.asked`.
    pub key: String,
    /// The rule applied.
    pub rule: WhenEmpty,
    /// Whether the whole indicator was left out (its weight spread over the criterion's others);
    /// false when only one share of a pair was left out, or the share counted as 0 or 100.
    pub indicator_left_out: bool,
    /// In Russian, for the card: «нет опрошенных инвалидов — показатель не учитывается».
    pub note: String,
}

impl ScoreCard {
    /// The value of indicator `code`, if it counts for the sector (and was not left out).
    pub fn indicator(&self, code: &str) -> Option<f64> {
        self.indicators
            .iter()
            .find(|i| i.code == code)
            .map(|i| i.value)
    }

    /// The value of criterion `code` (`К1`…).
    pub fn criterion(&self, code: &str) -> Option<f64> {
        self.criteria
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.value)
    }
}

/// The value of one indicator (значение показателя), 0–100 points.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorScore {
    /// `1.1` … `5.3`.
    pub code: String,
    /// The criterion it belongs to, `К1` … `К5`.
    pub criterion: String,
    /// Rounded by the method's rule.
    pub value: f64,
}

/// The value of one criterion (значение критерия), 0–100 points.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionScore {
    /// `К1` … `К5`.
    pub code: String,
    /// Rounded by the method's rule.
    pub value: f64,
}

/// An input that cannot be scored (ошибка в исходных данных): which organization, which indicator
/// and field, and why. Displayed in Russian, e.g. «ГБУ СО «КЦСОН»», показатель 1.3, поле
/// 1.3.asked_site («Число ответивших о сайте»): значение равно нулю — знаменатель не может быть
/// нулевым; проверьте ввод.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("«{org}», показатель {indicator}, поле {key} («{name}»): {problem}")]
pub struct ScoreError {
    /// The organization as named by the caller.
    pub org: String,
    /// Indicator code, e.g. `1.3`.
    pub indicator: String,
    /// Input key, e.g. `1.3.asked_site`.
    pub key: String,
    /// Russian name of the field.
    pub name: String,
    /// What is wrong (boxed to keep `Result<ScoreCard, ScoreError>` small).
    pub problem: Box<InputProblem>,
}

/// What is wrong with an input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputProblem {
    /// Not entered.
    #[error("значение не введено; введите его")]
    Missing,
    /// NaN or infinite.
    #[error("значение не является конечным числом; введите число")]
    NotFinite,
    /// A negative count.
    #[error("отрицательное значение {0}; количество не может быть меньше нуля")]
    Negative(f64),
    /// A count with a fractional part.
    #[error("значение {0} не целое; здесь нужно количество — целое число")]
    NotWhole(f64),
    /// An entered value (kind `value`) outside 0–100 points.
    #[error("значение {0} вне диапазона 0–100 баллов")]
    OutOfRange(f64),
    /// A checklist item other than 0 or 1.
    #[error("значение {0} недопустимо для пункта: введите 1 (есть) или 0 (нет)")]
    NotMark(f64),
    /// A denominator (respondents asked, items required) of zero.
    #[error("значение равно нулю — знаменатель не может быть нулевым; проверьте ввод")]
    ZeroDenominator,
    /// A numerator larger than its denominator: more satisfied than asked, more items present
    /// than required.
    #[error(
        "значение {value} больше знаменателя — поля {denominator_key} («{denominator_name}») = \
         {denominator}; числитель не может его превышать, проверьте ввод"
    )]
    ExceedsDenominator {
        value: f64,
        denominator_key: String,
        denominator_name: String,
        denominator: f64,
    },
    /// Every indicator of a criterion was left out for empty groups: nothing to compute the
    /// criterion from (no survey at all).
    #[error(
        "все показатели критерия не учитываются (нет ответивших ни в одной группе); \
         введите результаты опроса"
    )]
    CriterionEmpty,
    /// The indicator's definition does not fit its formula (only for a hand-built method;
    /// `Methodology::from_toml` rejects such files).
    #[error("определение показателя не соответствует формуле {0}; проверьте файл методики")]
    BadDefinition(&'static str),
}

/// Scores organization `org` of `sector` by method `m` (расчет показателей, критериев и
/// итогового показателя). `org` is used only in error messages.
///
/// Indicator values are computed from the inputs, an empty group (a denominator of 0 with a
/// numerator of 0) by the indicator's `when_empty` rule. Each criterion is the weighted sum of its
/// counted indicators; when an indicator is left out, the sum is divided by the weights of those
/// counted (its weight is spread over them in proportion). S is the mean of the criteria. With
/// `RoundingOrder::FromRounded` each level is computed from the rounded values of the level
/// below; with `FromRaw` from unrounded values. The card holds every value rounded by
/// `m.rounding`. The first invalid input met, in the method's order, is the error.
pub fn score(
    m: &Methodology,
    sector: Sector,
    org: &str,
    inputs: &Inputs,
) -> Result<ScoreCard, ScoreError> {
    let raw = compute(m, sector, org, inputs)?;
    let round = |v: f64| m.rounding.round(v);
    Ok(ScoreCard {
        methodology: m.version.clone(),
        indicators: raw
            .indicators
            .iter()
            .filter_map(|(def, v)| {
                v.map(|v| IndicatorScore {
                    code: def.code.clone(),
                    criterion: def.criterion.clone(),
                    value: round(v),
                })
            })
            .collect(),
        criteria: raw
            .criteria
            .iter()
            .map(|(code, v)| CriterionScore {
                code: (*code).to_string(),
                value: round(*v),
            })
            .collect(),
        total: round(raw.total),
        empty: raw.empty,
    })
}

/// Values of one organization before the final rounding: with `FromRounded` the indicators and
/// criteria are already rounded (and the total is computed from them).
struct Unrounded<'m> {
    /// `None` for an indicator left out for an empty group.
    indicators: Vec<(&'m IndicatorDef, Option<f64>)>,
    criteria: Vec<(&'m str, f64)>,
    total: f64,
    empty: Vec<EmptyGroup>,
}

fn compute<'m>(
    m: &'m Methodology,
    sector: Sector,
    org: &str,
    inputs: &Inputs,
) -> Result<Unrounded<'m>, ScoreError> {
    let from_rounded = m.rounding.order == RoundingOrder::FromRounded;
    let level = |v: f64| if from_rounded { m.rounding.round(v) } else { v };
    let mut empty = Vec::new();
    let indicators = m
        .indicators_for(sector)
        .into_iter()
        .map(|def| {
            let reader = Reader {
                org,
                indicator: def,
                inputs,
            };
            reader.value(&mut empty).map(|v| (def, v.map(level)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (criteria, total) = criteria_and_total(m, sector, org, &indicators)?;
    Ok(Unrounded {
        indicators,
        criteria,
        total,
        empty,
    })
}

/// Each criterion from its counted indicators (the weights of those left out spread over the
/// rest), then S, each level rounded first when the method computes from rounded values.
#[allow(clippy::type_complexity)]
fn criteria_and_total<'m>(
    m: &'m Methodology,
    sector: Sector,
    org: &str,
    indicators: &[(&'m IndicatorDef, Option<f64>)],
) -> Result<(Vec<(&'m str, f64)>, f64), ScoreError> {
    let from_rounded = m.rounding.order == RoundingOrder::FromRounded;
    let level = |v: f64| if from_rounded { m.rounding.round(v) } else { v };
    let profile = m.profile(sector);
    let mut criteria: Vec<(&str, f64)> = Vec::with_capacity(m.criteria.len());
    for c in &m.criteria {
        let mut sum = 0.0;
        let mut counted_weight = 0.0;
        let mut left_out = false;
        let mut any = false;
        for (def, v) in indicators.iter().filter(|(def, _)| def.criterion == c.code) {
            let w = profile.weight(&def.code).unwrap_or(0.0);
            any = true;
            match v {
                Some(v) => {
                    sum += w * v;
                    counted_weight += w;
                }
                None => left_out = true,
            }
        }
        let value = if !left_out {
            sum
        } else if counted_weight > 0.0 {
            sum / counted_weight
        } else if any {
            return Err(ScoreError {
                org: org.to_string(),
                indicator: c.code.clone(),
                key: c.code.clone(),
                name: c.name.clone(),
                problem: Box::new(InputProblem::CriterionEmpty),
            });
        } else {
            0.0
        };
        criteria.push((c.code.as_str(), level(value)));
    }
    let total = if criteria.is_empty() {
        0.0
    } else {
        criteria.iter().map(|(_, v)| v).sum::<f64>() / criteria.len() as f64
    };
    Ok((criteria, total))
}

/// The organization's result from the results of its parts (части организации: филиалы;
/// амбулаторная и стационарная помощь), each scored from its own inputs by [`score`].
///
/// Each indicator is the mean of the parts' values of it, over the parts where it is counted
/// (left out in every part: left out); under `FromRounded` the parts' values are the rounded ones
/// and the mean is rounded. Criteria and S follow from these indicators by the method, as for an
/// organization scored whole. The parts' empty groups are kept, each note led by the part's name.
///
/// No official text on combining parts was found; the mean of the parts is operators' practice
/// (docs/METHODOLOGY.md). With no parts, the card is empty (no indicators, criteria of 0).
pub fn combine_parts(
    m: &Methodology,
    sector: Sector,
    org: &str,
    parts: &[(&str, &ScoreCard)],
) -> Result<ScoreCard, ScoreError> {
    let from_rounded = m.rounding.order == RoundingOrder::FromRounded;
    let level = |v: f64| if from_rounded { m.rounding.round(v) } else { v };
    let indicators: Vec<(&IndicatorDef, Option<f64>)> = m
        .indicators_for(sector)
        .into_iter()
        .map(|def| {
            let values = parts
                .iter()
                .filter_map(|(_, card)| card.indicator(&def.code));
            (def, mean(values).map(level))
        })
        .collect();
    let (criteria, total) = criteria_and_total(m, sector, org, &indicators)?;
    let round = |v: f64| m.rounding.round(v);
    Ok(ScoreCard {
        methodology: m.version.clone(),
        indicators: indicators
            .iter()
            .filter_map(|(def, v)| {
                v.map(|v| IndicatorScore {
                    code: def.code.clone(),
                    criterion: def.criterion.clone(),
                    value: round(v),
                })
            })
            .collect(),
        criteria: criteria
            .iter()
            .map(|(code, v)| CriterionScore {
                code: (*code).to_string(),
                value: round(*v),
            })
            .collect(),
        total: round(total),
        empty: parts
            .iter()
            .flat_map(|(name, card)| {
                card.empty.iter().map(move |e| EmptyGroup {
                    note: format!("{name}: {}", e.note),
                    ..e.clone()
                })
            })
            .collect(),
    })
}

/// Reads and checks the inputs of one indicator and applies its formula.
struct Reader<'a> {
    org: &'a str,
    indicator: &'a IndicatorDef,
    inputs: &'a Inputs,
}

/// A checked input value with its definition.
#[derive(Clone, Copy)]
struct Field<'a> {
    def: &'a InputDef,
    value: f64,
}

/// The mean of the values, `None` when there are none.
fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

/// The card's words for an empty group: «нет опрошенных инвалидов — показатель не учитывается, …».
/// `part` says whether the share is one part of the indicator (of a pair, or beside an entered
/// value) rather than the whole of it.
fn note(e: &EmptyGroup, inputs: &[InputDef], part: bool) -> String {
    let group = inputs
        .iter()
        .find(|d| d.key == e.key)
        .map(|d| {
            if d.empty.is_empty() {
                format!("нет ответивших («{}» = 0)", d.name)
            } else {
                d.empty.clone()
            }
        })
        .unwrap_or_else(|| format!("нет ответивших ({} = 0)", e.key));
    let rule = match (e.rule, part) {
        (WhenEmpty::Zero, false) => "показатель считается равным 0",
        (WhenEmpty::Zero, true) => "эта доля считается равной 0",
        (WhenEmpty::Hundred, false) => "показатель считается равным 100",
        (WhenEmpty::Hundred, true) => "эта доля считается равной 100",
        (WhenEmpty::Exclude, _) if e.indicator_left_out => {
            "показатель не учитывается, его вес распределен между остальными показателями критерия"
        }
        (WhenEmpty::Exclude, _) => "эта доля не учитывается, показатель рассчитан по остальным",
        (WhenEmpty::Error, _) => "ошибка в данных",
    };
    format!("{group} — {rule}")
}

impl<'a> Reader<'a> {
    /// The unrounded value of the indicator, 0–100, or `None` when it is left out for an empty
    /// group; every empty group met is added to `empty`.
    fn value(&self, empty: &mut Vec<EmptyGroup>) -> Result<Option<f64>, ScoreError> {
        let def = self.indicator;
        let fields = def
            .inputs
            .iter()
            .map(|d| self.input(d))
            .collect::<Result<Vec<_>, _>>()?;
        let kinds = fields.iter().map(|f| f.def.kind);
        if !kinds.eq(def.formula.input_kinds().iter().copied()) {
            return Err(self.bad_definition());
        }
        let start = empty.len();
        let value = match (def.formula, fields.as_slice()) {
            (Formula::RatioPair, &[n1, d1, n2, d2]) => {
                let shares = [self.share(n1, d1, empty)?, self.share(n2, d2, empty)?];
                mean(shares.into_iter().flatten())
            }
            (Formula::Share, &[yes, asked]) => self.share(yes, asked, empty)?,
            (Formula::MeanValueShare, &[value, yes, asked]) => {
                let share = self.share(yes, asked, empty)?;
                mean([Some(value.value), share].into_iter().flatten())
            }
            (Formula::Points { points, cap }, &[]) => {
                if def.checklist.is_empty() {
                    return Err(self.bad_definition());
                }
                let mut present = 0.0;
                for item in &def.checklist {
                    present += self.mark(item)?;
                }
                Some((points * present).min(cap))
            }
            _ => return Err(self.bad_definition()),
        };
        let left_out = value.is_none();
        let part = def.formula != Formula::Share;
        for e in &mut empty[start..] {
            e.indicator_left_out = left_out;
            e.note = note(e, &def.inputs, part);
        }
        Ok(value)
    }

    /// `numerator / denominator × 100`, the numerator not above the denominator; a denominator
    /// of 0 (with a numerator of 0) is an empty group, valued by the indicator's rule: 0, 100,
    /// `None` (left out) or the error of a zero denominator.
    fn share(
        &self,
        numerator: Field<'_>,
        denominator: Field<'_>,
        empty: &mut Vec<EmptyGroup>,
    ) -> Result<Option<f64>, ScoreError> {
        if numerator.value > denominator.value {
            return Err(self.error(
                numerator.def,
                InputProblem::ExceedsDenominator {
                    value: numerator.value,
                    denominator_key: denominator.def.key.clone(),
                    denominator_name: denominator.def.name.clone(),
                    denominator: denominator.value,
                },
            ));
        }
        if denominator.value != 0.0 {
            return Ok(Some(self.percent(numerator, denominator)));
        }
        let rule = self.indicator.when_empty;
        let value = match rule {
            WhenEmpty::Error => {
                return Err(self.error(denominator.def, InputProblem::ZeroDenominator));
            }
            WhenEmpty::Zero => Some(0.0),
            WhenEmpty::Hundred => Some(100.0),
            WhenEmpty::Exclude => None,
        };
        empty.push(EmptyGroup {
            indicator: self.indicator.code.clone(),
            key: denominator.def.key.clone(),
            rule,
            indicator_left_out: false,
            note: String::new(),
        });
        Ok(value)
    }

    /// `numerator / denominator × 100` for a non-zero denominator. The multiplication comes
    /// first so that exact percentages (95.125) stay exact.
    fn percent(&self, numerator: Field<'_>, denominator: Field<'_>) -> f64 {
        numerator.value * 100.0 / denominator.value
    }

    /// A raw input, checked for its kind: a count is a whole number ≥ 0, a value is 0–100.
    fn input(&self, def: &'a InputDef) -> Result<Field<'a>, ScoreError> {
        let value = self.finite(&def.key, &def.name)?;
        let problem = match def.kind {
            InputKind::Count if value < 0.0 => Some(InputProblem::Negative(value)),
            InputKind::Count if value.fract() != 0.0 => Some(InputProblem::NotWhole(value)),
            InputKind::Value if !(0.0..=100.0).contains(&value) => {
                Some(InputProblem::OutOfRange(value))
            }
            _ => None,
        };
        match problem {
            Some(p) => Err(self.error(def, p)),
            None => Ok(Field { def, value }),
        }
    }

    /// A checklist item: 1 (present) or 0 (absent).
    fn mark(&self, item: &ChecklistItem) -> Result<f64, ScoreError> {
        let value = self.finite(&item.key, &item.name)?;
        if value == 0.0 || value == 1.0 {
            Ok(value)
        } else {
            Err(self.error_at(&item.key, &item.name, InputProblem::NotMark(value)))
        }
    }

    /// The entered value of `key`: present and finite.
    fn finite(&self, key: &str, name: &str) -> Result<f64, ScoreError> {
        match self.inputs.get(key) {
            None => Err(self.error_at(key, name, InputProblem::Missing)),
            Some(v) if !v.is_finite() => Err(self.error_at(key, name, InputProblem::NotFinite)),
            Some(v) => Ok(v),
        }
    }

    fn error(&self, def: &InputDef, problem: InputProblem) -> ScoreError {
        self.error_at(&def.key, &def.name, problem)
    }

    fn error_at(&self, key: &str, name: &str, problem: InputProblem) -> ScoreError {
        ScoreError {
            org: self.org.to_string(),
            indicator: self.indicator.code.clone(),
            key: key.to_string(),
            name: name.to_string(),
            problem: Box::new(problem),
        }
    }

    fn bad_definition(&self) -> ScoreError {
        let def = self.indicator;
        ScoreError {
            org: self.org.to_string(),
            indicator: def.code.clone(),
            key: def.code.clone(),
            name: def.name.clone(),
            problem: Box::new(InputProblem::BadDefinition(def.formula.code())),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn inputs_from_shared_names_are_the_pairs_in_name_order() {
        // Names as the store's key ids give them: nearly in name order, one group out of place.
        let name = |k: &str| -> Arc<str> { Arc::from(k) };
        let pairs = vec![
            (name("1.1.site_present"), 1.0),
            (name("2.1.booking"), 0.0),
            (name("3.3.asked"), 40.0),
            (name("3.3.yes"), 31.0),
            (name("2.2.asked"), 120.0),
            (name("2.2.yes"), 97.0),
        ];
        let inputs = Inputs::from_shared(pairs);
        assert_eq!(
            inputs.iter().collect::<Vec<_>>(),
            [
                ("1.1.site_present", 1.0),
                ("2.1.booking", 0.0),
                ("2.2.asked", 120.0),
                ("2.2.yes", 97.0),
                ("3.3.asked", 40.0),
                ("3.3.yes", 31.0),
            ]
        );
        assert_eq!(inputs.get("2.2.yes"), Some(97.0));
        assert_eq!(inputs.get("2.2.waiting_points"), None);
        assert!(Inputs::from_shared(Vec::new()).is_empty());
    }

    use proptest::prelude::*;

    use super::*;
    use crate::domain::methodology::BUILTIN_2018;
    use crate::domain::rounding::round_half_away;

    fn method() -> Methodology {
        Methodology::from_toml("data/methodology/2018.toml", BUILTIN_2018).unwrap()
    }

    /// Checklist inputs `prefix.key` = 1 for the first `present` items of `keys`, 0 for the rest.
    fn checklist(prefix: &str, keys: &[&str], present: usize) -> Vec<(String, f64)> {
        keys.iter()
            .enumerate()
            .map(|(i, k)| (format!("{prefix}.{k}"), if i < present { 1.0 } else { 0.0 }))
            .collect()
    }

    fn counts(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
        pairs.iter().map(|&(k, v)| (k.to_string(), v)).collect()
    }

    const CHANNELS: [&str; 6] = [
        "phone",
        "email",
        "e_services",
        "faq",
        "opinion_form",
        "other_remote",
    ];
    const CONDITIONS: [&str; 7] = [
        "rest_zone",
        "navigation",
        "drinking_water",
        "sanitary_rooms",
        "sanitary_state",
        "transport",
        "booking",
    ];
    const PREMISES: [&str; 5] = [
        "ramps",
        "parking",
        "lifts_handrails",
        "wheelchairs",
        "adapted_sanitary",
    ];
    const EQUAL_TERMS: [&str; 6] = [
        "sound_visual",
        "braille",
        "sign_language",
        "low_vision_site",
        "escort",
        "remote_service",
    ];

    /// The parts every sector shares except 1.2, 2.1, 3.1, 3.2 (given as counts of items present).
    fn inputs(
        channels: usize,
        conditions: usize,
        premises: usize,
        equal_terms: usize,
        rest: &[(&str, f64)],
    ) -> Inputs {
        let mut all = counts(rest);
        all.extend(checklist("1.2", &CHANNELS, channels));
        all.extend(checklist("2.1", &CONDITIONS, conditions));
        all.extend(checklist("3.1", &PREMISES, premises));
        all.extend(checklist("3.2", &EQUAL_TERMS, equal_terms));
        Inputs::from_pairs(all)
    }

    /// Social services (profile with_waiting, 2.2 as a share).
    ///
    /// ```text
    /// 1.1 = 0.5 × (9/10 + 18/20) × 100        = 0.5 × (90 + 90)     = 90
    /// 1.2 = min(30 × 3, 100)                                         = 90
    /// 1.3 = 0.5 × (45/50 + 37/40) × 100       = 0.5 × (90 + 92.5)   = 91.25
    /// К1  = 0.3×90 + 0.3×90 + 0.4×91.25       = 27 + 27 + 36.5      = 90.5
    /// 2.1 = min(20 × 4, 100)                                         = 80
    /// 2.2 = 7/8 × 100                                                = 87.5
    /// 2.3 = 33/40 × 100                                              = 82.5
    /// К2  = 0.3×80 + 0.4×87.5 + 0.3×82.5      = 24 + 35 + 24.75     = 83.75
    /// 3.1 = 20 × 2 = 40;  3.2 = 20 × 3 = 60;  3.3 = 3/8 × 100       = 37.5
    /// К3  = 0.3×40 + 0.4×60 + 0.3×37.5        = 12 + 24 + 11.25     = 47.25
    /// 4.1 = 19/20 → 95;  4.2 = 39/40 → 97.5;  4.3 = 9/10 → 90
    /// К4  = 0.4×95 + 0.4×97.5 + 0.2×90        = 38 + 39 + 18        = 95
    /// 5.1 = 17/20 → 85;  5.2 = 9/10 → 90;  5.3 = 761/800 → 95.125, rounded 95.13
    ///       (half away from zero; half-to-even would give 95.12)
    /// К5  = 0.3×85 + 0.2×90 + 0.5×95.13       = 25.5 + 18 + 47.565  = 91.065, rounded 91.07
    ///       (from the unrounded 95.125 it would be 91.0625 → 91.06)
    /// S   = (90.5 + 83.75 + 47.25 + 95 + 91.07) / 5 = 407.57 / 5    = 81.514, rounded 81.51
    /// ```
    fn social_example() -> Inputs {
        inputs(
            3,
            4,
            2,
            3,
            &[
                ("1.1.stand_present", 9.0),
                ("1.1.stand_required", 10.0),
                ("1.1.site_present", 18.0),
                ("1.1.site_required", 20.0),
                ("1.3.yes_stand", 45.0),
                ("1.3.asked_stand", 50.0),
                ("1.3.yes_site", 37.0),
                ("1.3.asked_site", 40.0),
                ("2.2.yes", 7.0),
                ("2.2.asked", 8.0),
                ("2.3.yes", 33.0),
                ("2.3.asked", 40.0),
                ("3.3.yes", 3.0),
                ("3.3.asked", 8.0),
                ("4.1.yes", 19.0),
                ("4.1.asked", 20.0),
                ("4.2.yes", 39.0),
                ("4.2.asked", 40.0),
                ("4.3.yes", 9.0),
                ("4.3.asked", 10.0),
                ("5.1.yes", 17.0),
                ("5.1.asked", 20.0),
                ("5.2.yes", 9.0),
                ("5.2.asked", 10.0),
                ("5.3.yes", 761.0),
                ("5.3.asked", 800.0),
            ],
        )
    }

    /// Health (profile with_waiting, 2.2 as the mean of entered waiting points and a share).
    ///
    /// ```text
    /// 1.1 = 0.5 × (8/10 + 15/20) × 100        = 0.5 × (80 + 75)     = 77.5
    /// 1.2 = min(30 × 4, 100) = min(120, 100)                         = 100
    /// 1.3 = 0.5 × (30/40 + 18/24) × 100       = 0.5 × (75 + 75)     = 75
    /// К1  = 0.3×77.5 + 0.3×100 + 0.4×75       = 23.25 + 30 + 30     = 83.25
    /// 2.1 = min(20 × 7, 100) = min(140, 100)                         = 100
    /// 2.2 = (80.09 + 433/500 × 100) / 2       = (80.09 + 86.6) / 2  = 83.345, rounded 83.35
    ///       (in f64 the sum is 83.344999…: naive rounding would give 83.34)
    /// 2.3 = 45/50 × 100                                              = 90
    /// К2  = 0.3×100 + 0.4×83.35 + 0.3×90      = 30 + 33.34 + 27     = 90.34
    /// 3.1 = 20 × 5 = 100;  3.2 = 20 × 1 = 20;  3.3 = 4/5 × 100      = 80
    /// К3  = 0.3×100 + 0.4×20 + 0.3×80         = 30 + 8 + 24         = 62
    /// 4.1 = 49/50 → 98;  4.2 = 47/50 → 94;  4.3 = 0/10 → 0
    /// К4  = 0.4×98 + 0.4×94 + 0.2×0           = 39.2 + 37.6 + 0     = 76.8
    /// 5.1 = 45/50 → 90;  5.2 = 40/50 → 80;  5.3 = 44/50 → 88
    /// К5  = 0.3×90 + 0.2×80 + 0.5×88          = 27 + 16 + 44        = 87
    /// S   = (83.25 + 90.34 + 62 + 76.8 + 87) / 5 = 399.39 / 5       = 79.878, rounded 79.88
    /// ```
    fn health_example() -> Inputs {
        inputs(
            4,
            7,
            5,
            1,
            &[
                ("1.1.stand_present", 8.0),
                ("1.1.stand_required", 10.0),
                ("1.1.site_present", 15.0),
                ("1.1.site_required", 20.0),
                ("1.3.yes_stand", 30.0),
                ("1.3.asked_stand", 40.0),
                ("1.3.yes_site", 18.0),
                ("1.3.asked_site", 24.0),
                ("2.2.waiting_points", 80.09),
                ("2.2.yes", 433.0),
                ("2.2.asked", 500.0),
                ("2.3.yes", 45.0),
                ("2.3.asked", 50.0),
                ("3.3.yes", 4.0),
                ("3.3.asked", 5.0),
                ("4.1.yes", 49.0),
                ("4.1.asked", 50.0),
                ("4.2.yes", 47.0),
                ("4.2.asked", 50.0),
                ("4.3.yes", 0.0),
                ("4.3.asked", 10.0),
                ("5.1.yes", 45.0),
                ("5.1.asked", 50.0),
                ("5.2.yes", 40.0),
                ("5.2.asked", 50.0),
                ("5.3.yes", 44.0),
                ("5.3.asked", 50.0),
            ],
        )
    }

    /// Culture and education (profile without_waiting: no 2.2, К2 = 0.5 × 2.1 + 0.5 × 2.3).
    /// Here the two rounding orders give different totals.
    ///
    /// ```text
    /// 1.1 = 0.5 × (9/10 + 18/20) × 100        = 0.5 × (90 + 90)       = 90
    /// 1.2 = min(30 × 3, 100)                                           = 90
    /// 1.3 = 0.5 × (147/160 + 40/40) × 100     = 0.5 × (91.875 + 100)  = 95.9375, rounded 95.94
    /// К1  = 0.3×90 + 0.3×90 + 0.4×95.9375     = 27 + 27 + 38.375      = 92.375, rounded 92.38
    ///       (from the rounded 95.94: 27 + 27 + 38.376 = 92.376 → 92.38 as well)
    /// 2.1 = min(20 × 4, 100)                                           = 80
    /// 2.3 = 369/400 × 100                                              = 92.25
    /// К2  = 0.5×80 + 0.5×92.25                = 40 + 46.125           = 86.125, shown 86.13
    /// 3.1 = 20 × 2 = 40;  3.2 = 20 × 2 = 40;  3.3 = 3/5 × 100         = 60
    /// К3  = 0.3×40 + 0.4×40 + 0.3×60          = 12 + 16 + 18          = 46
    /// 4.1 = 9/10 → 90;  4.2 = 19/20 → 95;  4.3 = 4/5 → 80
    /// К4  = 0.4×90 + 0.4×95 + 0.2×80          = 36 + 38 + 16          = 90
    /// 5.1 = 4/5 → 80;  5.2 = 9/10 → 90;  5.3 = 544/625 → 87.04
    /// К5  = 0.3×80 + 0.2×90 + 0.5×87.04       = 24 + 18 + 43.52       = 85.52
    /// from_raw:     S = (92.375 + 86.125 + 46 + 90 + 85.52) / 5 = 400.02 / 5 = 80.004 → 80.00
    /// from_rounded: S = (92.38 + 86.13 + 46 + 90 + 85.52) / 5    = 400.03 / 5 = 80.006 → 80.01
    /// ```
    fn culture_example() -> Inputs {
        inputs(
            3,
            4,
            2,
            2,
            &[
                ("1.1.stand_present", 9.0),
                ("1.1.stand_required", 10.0),
                ("1.1.site_present", 18.0),
                ("1.1.site_required", 20.0),
                ("1.3.yes_stand", 147.0),
                ("1.3.asked_stand", 160.0),
                ("1.3.yes_site", 40.0),
                ("1.3.asked_site", 40.0),
                ("2.3.yes", 369.0),
                ("2.3.asked", 400.0),
                ("3.3.yes", 3.0),
                ("3.3.asked", 5.0),
                ("4.1.yes", 9.0),
                ("4.1.asked", 10.0),
                ("4.2.yes", 19.0),
                ("4.2.asked", 20.0),
                ("4.3.yes", 4.0),
                ("4.3.asked", 5.0),
                ("5.1.yes", 4.0),
                ("5.1.asked", 5.0),
                ("5.2.yes", 9.0),
                ("5.2.asked", 10.0),
                ("5.3.yes", 544.0),
                ("5.3.asked", 625.0),
            ],
        )
    }

    fn assert_card(card: &ScoreCard, indicators: &[(&str, f64)], criteria: [f64; 5], total: f64) {
        let got: Vec<(&str, f64)> = card
            .indicators
            .iter()
            .map(|i| (i.code.as_str(), i.value))
            .collect();
        assert_eq!(got, indicators);
        let got: Vec<f64> = card.criteria.iter().map(|c| c.value).collect();
        assert_eq!(got, criteria);
        let codes: Vec<&str> = card.criteria.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["К1", "К2", "К3", "К4", "К5"]);
        assert_eq!(card.total, total);
        assert_eq!(card.methodology, "2018");
    }

    #[test]
    fn social_services_example() {
        let card = score(&method(), Sector::Social, "КЦСОН", &social_example()).unwrap();
        assert_card(
            &card,
            &[
                ("1.1", 90.0),
                ("1.2", 90.0),
                ("1.3", 91.25),
                ("2.1", 80.0),
                ("2.2", 87.5),
                ("2.3", 82.5),
                ("3.1", 40.0),
                ("3.2", 60.0),
                ("3.3", 37.5),
                ("4.1", 95.0),
                ("4.2", 97.5),
                ("4.3", 90.0),
                ("5.1", 85.0),
                ("5.2", 90.0),
                ("5.3", 95.13),
            ],
            [90.5, 83.75, 47.25, 95.0, 91.07],
            81.51,
        );
        assert!(card.empty.is_empty());
        assert_eq!(card.indicator("2.2"), Some(87.5));
        assert_eq!(card.criterion("К3"), Some(47.25));
        assert_eq!(card.indicators[4].criterion, "К2");
    }

    #[test]
    fn health_example_uses_waiting_points() {
        let card = score(&method(), Sector::Health, "ГБУЗ", &health_example()).unwrap();
        assert_card(
            &card,
            &[
                ("1.1", 77.5),
                ("1.2", 100.0),
                ("1.3", 75.0),
                ("2.1", 100.0),
                ("2.2", 83.35),
                ("2.3", 90.0),
                ("3.1", 100.0),
                ("3.2", 20.0),
                ("3.3", 80.0),
                ("4.1", 98.0),
                ("4.2", 94.0),
                ("4.3", 0.0),
                ("5.1", 90.0),
                ("5.2", 80.0),
                ("5.3", 88.0),
            ],
            [83.25, 90.34, 62.0, 76.8, 87.0],
            79.88,
        );
    }

    /// The 2018 method with criteria and S computed from unrounded values.
    fn method_from_raw() -> Methodology {
        let mut m = method();
        m.rounding.order = RoundingOrder::FromRaw;
        m
    }

    #[test]
    fn culture_example_total_from_rounded_criteria() {
        let card = score(&method(), Sector::Culture, "ГБУК", &culture_example()).unwrap();
        assert_eq!(card.total, 80.01);
        assert_eq!(card.criterion("К1"), Some(92.38));
        let mean_of_rounded: f64 = card.criteria.iter().map(|c| c.value).sum::<f64>() / 5.0;
        assert_eq!(round_half_away(mean_of_rounded, 2), card.total);
    }

    #[test]
    fn social_example_from_raw_keeps_the_unrounded_5_3() {
        let card = score(
            &method_from_raw(),
            Sector::Social,
            "КЦСОН",
            &social_example(),
        )
        .unwrap();
        assert_eq!(card.criterion("К5"), Some(91.06));
        assert_eq!(card.total, 81.51);
    }

    #[test]
    fn culture_example_total_from_unrounded_criteria() {
        let card = score(
            &method_from_raw(),
            Sector::Culture,
            "ГБУК",
            &culture_example(),
        )
        .unwrap();
        assert_card(
            &card,
            &[
                ("1.1", 90.0),
                ("1.2", 90.0),
                ("1.3", 95.94),
                ("2.1", 80.0),
                ("2.3", 92.25),
                ("3.1", 40.0),
                ("3.2", 40.0),
                ("3.3", 60.0),
                ("4.1", 90.0),
                ("4.2", 95.0),
                ("4.3", 80.0),
                ("5.1", 80.0),
                ("5.2", 90.0),
                ("5.3", 87.04),
            ],
            [92.38, 86.13, 46.0, 90.0, 85.52],
            80.0,
        );
        let mean_of_rounded: f64 = card.criteria.iter().map(|c| c.value).sum::<f64>() / 5.0;
        assert_eq!(round_half_away(mean_of_rounded, 2), 80.01);
    }

    #[test]
    fn culture_and_education_score_alike() {
        let m = method();
        let inputs = culture_example();
        let culture = score(&m, Sector::Culture, "А", &inputs).unwrap();
        let education = score(&m, Sector::Education, "А", &inputs).unwrap();
        assert_eq!(culture, education);
    }

    #[test]
    fn unused_inputs_are_ignored() {
        // 2.2 inputs entered for a culture organization do not count.
        let m = method();
        let mut inputs = culture_example();
        inputs.set("2.2.yes", 1.0);
        inputs.set("2.2.asked", 0.0);
        let card = score(&m, Sector::Culture, "ГБУК", &inputs).unwrap();
        assert_eq!(card.total, 80.01);
        assert_eq!(card.indicator("2.2"), None);
    }

    /// The error for the social example with `key` set to `value` (or removed, for `None`).
    fn error_with(key: &str, value: Option<f64>) -> ScoreError {
        let mut inputs = social_example();
        match value {
            Some(v) => inputs.set(key, v),
            None => {
                inputs.remove(key);
            }
        }
        score(&method(), Sector::Social, "ГБУ СО «КЦСОН»", &inputs).unwrap_err()
    }

    #[test]
    fn missing_input() {
        let e = error_with("4.2.asked", None);
        assert_eq!(*e.problem, InputProblem::Missing);
        assert_eq!((e.indicator.as_str(), e.key.as_str()), ("4.2", "4.2.asked"));
        assert_eq!(
            e.to_string(),
            "«ГБУ СО «КЦСОН»», показатель 4.2, поле 4.2.asked («Число ответивших об оказании \
             услуги»): значение не введено; введите его"
        );
        let e = error_with("1.2.faq", None);
        assert_eq!(
            (e.key.as_str(), &*e.problem),
            ("1.2.faq", &InputProblem::Missing)
        );
    }

    #[test]
    fn zero_denominator() {
        // 1.1's denominators are the required lists (rule "error"): zero is an input error.
        let mut inputs = social_example();
        inputs.set("1.1.site_present", 0.0);
        inputs.set("1.1.site_required", 0.0);
        let e = score(&method(), Sector::Social, "ГБУ СО «КЦСОН»", &inputs).unwrap_err();
        assert_eq!(*e.problem, InputProblem::ZeroDenominator);
        assert_eq!(
            e.to_string(),
            "«ГБУ СО «КЦСОН»», показатель 1.1, поле 1.1.site_required («Число материалов, \
             размещение которых на сайте установлено нормативными актами»): \
             значение равно нулю — знаменатель не может быть нулевым; проверьте ввод"
        );
        // A survey group of 0 with satisfied respondents in it is impossible whatever the rule.
        let e = error_with("1.3.asked_site", Some(0.0));
        assert_eq!(e.key, "1.3.yes_site");
        assert!(matches!(
            *e.problem,
            InputProblem::ExceedsDenominator {
                value: 37.0,
                denominator: 0.0,
                ..
            }
        ));
        // A rule "error" on a survey indicator (a region's choice) gives today's message.
        let mut m = method();
        for d in m.indicators.iter_mut().filter(|d| d.code == "3.3") {
            d.when_empty = WhenEmpty::Error;
        }
        let mut inputs = social_example();
        inputs.set("3.3.yes", 0.0);
        inputs.set("3.3.asked", 0.0);
        let e = score(&m, Sector::Social, "А", &inputs).unwrap_err();
        assert_eq!(
            (e.key.as_str(), &*e.problem),
            ("3.3.asked", &InputProblem::ZeroDenominator)
        );
    }

    #[test]
    fn yes_above_asked() {
        let e = error_with("5.1.yes", Some(21.0));
        assert_eq!(e.key, "5.1.yes");
        assert_eq!(
            *e.problem,
            InputProblem::ExceedsDenominator {
                value: 21.0,
                denominator_key: "5.1.asked".into(),
                denominator_name: "Число ответивших о рекомендации".into(),
                denominator: 20.0,
            }
        );
        assert!(
            e.to_string()
                .contains("21 больше знаменателя — поля 5.1.asked")
        );
    }

    #[test]
    fn present_above_required() {
        let e = error_with("1.1.site_present", Some(21.0));
        assert_eq!(e.key, "1.1.site_present");
        assert!(matches!(
            *e.problem,
            InputProblem::ExceedsDenominator { ref denominator_key, .. }
                if denominator_key == "1.1.site_required"
        ));
    }

    #[test]
    fn negative_count() {
        let e = error_with("2.3.yes", Some(-1.0));
        assert_eq!(
            (e.key.as_str(), &*e.problem),
            ("2.3.yes", &InputProblem::Negative(-1.0))
        );
        assert!(e.to_string().contains("отрицательное значение -1"));
    }

    #[test]
    fn non_finite_input() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let e = error_with("3.3.asked", Some(v));
            assert_eq!(
                (e.key.as_str(), &*e.problem),
                ("3.3.asked", &InputProblem::NotFinite)
            );
        }
        let e = error_with("2.1.navigation", Some(f64::NAN));
        assert_eq!(*e.problem, InputProblem::NotFinite);
    }

    #[test]
    fn fractional_count() {
        let e = error_with("4.1.asked", Some(20.5));
        assert_eq!(
            (e.key.as_str(), &*e.problem),
            ("4.1.asked", &InputProblem::NotWhole(20.5))
        );
    }

    #[test]
    fn waiting_points_outside_0_100() {
        for v in [100.5, -0.5] {
            let mut inputs = health_example();
            inputs.set("2.2.waiting_points", v);
            let e = score(&method(), Sector::Health, "ГБУЗ", &inputs).unwrap_err();
            assert_eq!(e.key, "2.2.waiting_points");
            assert_eq!(*e.problem, InputProblem::OutOfRange(v));
        }
        // The ends of the range are fine.
        for v in [0.0, 100.0] {
            let mut inputs = health_example();
            inputs.set("2.2.waiting_points", v);
            assert!(score(&method(), Sector::Health, "ГБУЗ", &inputs).is_ok());
        }
    }

    #[test]
    fn checklist_item_not_0_or_1() {
        for v in [2.0, 0.5, -1.0] {
            let e = error_with("3.2.braille", Some(v));
            assert_eq!(
                (e.key.as_str(), &*e.problem),
                ("3.2.braille", &InputProblem::NotMark(v))
            );
            assert!(
                e.to_string()
                    .contains("(«дублирование надписей знаками Брайля»)")
            );
        }
    }

    #[test]
    fn hand_built_definition_that_does_not_fit_its_formula() {
        let mut m = method();
        m.indicators[0].inputs.pop();
        let e = score(&m, Sector::Social, "А", &social_example()).unwrap_err();
        assert_eq!(*e.problem, InputProblem::BadDefinition("ratio_pair"));
        assert_eq!(e.indicator, "1.1");
    }

    #[test]
    fn inputs_collection() {
        let mut inputs = Inputs::from_pairs([("b", 2.0), ("a", 1.0), ("b", 3.0)]);
        assert_eq!(inputs.len(), 2);
        assert_eq!(inputs.get("b"), Some(3.0));
        assert_eq!(inputs.get("c"), None);
        inputs.set(String::from("c"), 4.0);
        assert_eq!(
            inputs.iter().collect::<Vec<_>>(),
            [("a", 1.0), ("b", 3.0), ("c", 4.0)]
        );
        let mut total = 0.0;
        for (_, v) in &inputs {
            total += v;
        }
        assert_eq!(total, 8.0);
        assert_eq!(inputs.remove("a"), Some(1.0));
        assert!(!inputs.is_empty());
        assert!(Inputs::new().is_empty());
    }

    /// Valid inputs for every input key of `sector`, drawn from `seeds`: counts come in
    /// (numerator, denominator) pairs with 1 ≤ denominator and numerator ≤ denominator; values are
    /// 0–100; checklist items 0 or 1.
    fn valid_inputs(m: &Methodology, sector: Sector, seeds: &[(u32, u32, f64, bool)]) -> Inputs {
        let mut seeds = seeds.iter().cycle();
        let mut inputs = Inputs::new();
        for def in m.indicators_for(sector) {
            let counts: Vec<&InputDef> = def
                .inputs
                .iter()
                .filter(|d| d.kind == InputKind::Count)
                .collect();
            for d in def.inputs.iter().filter(|d| d.kind == InputKind::Value) {
                let &(_, _, value, _) = seeds.next().unwrap();
                inputs.set(&d.key, value);
            }
            for pair in counts.chunks(2) {
                let &(den, num, _, _) = seeds.next().unwrap();
                inputs.set(&pair[0].key, f64::from(num % (den + 1)));
                inputs.set(&pair[1].key, f64::from(den));
            }
            for item in &def.checklist {
                let &(_, _, _, present) = seeds.next().unwrap();
                inputs.set(&item.key, if present { 1.0 } else { 0.0 });
            }
        }
        inputs
    }

    proptest! {
        #[test]
        fn scores_stay_in_range_and_total_is_mean_of_criteria(
            sector in prop::sample::select(Sector::ALL.to_vec()),
            seeds in prop::collection::vec((1u32..=2_000, 0u32..=2_000, 0.0f64..=100.0, any::<bool>()), 1..40),
        ) {
            let m = method();
            let inputs = valid_inputs(&m, sector, &seeds);
            let card = score(&m, sector, "А", &inputs).unwrap();
            let raw = compute(&m, sector, "А", &inputs).unwrap();
            let in_range = |v: f64| (0.0..=100.0).contains(&v);
            prop_assert_eq!(card.indicators.len(), m.indicators_for(sector).len());
            prop_assert!(card.indicators.iter().all(|i| in_range(i.value)), "{:?}", card);
            prop_assert!(card.criteria.iter().all(|c| in_range(c.value)), "{:?}", card);
            prop_assert!(in_range(card.total));
            let raw_mean = raw.criteria.iter().map(|(_, v)| v).sum::<f64>() / 5.0;
            prop_assert!((card.total - round_half_away(raw_mean, 2)).abs() < 1e-9);
            let rounded_mean = card.criteria.iter().map(|c| c.value).sum::<f64>() / 5.0;
            prop_assert!((card.total - rounded_mean).abs() <= 0.01 + 1e-9);
            for ((_, raw_value), c) in raw.criteria.iter().zip(&card.criteria) {
                prop_assert_eq!(c.value, round_half_away(*raw_value, 2));
            }
        }

        /// Empty groups anywhere a survey denominator may be 0: scoring never stops or yields NaN,
        /// every value stays in 0–100, each empty group is reported, and S is the rounded mean of
        /// the rounded criteria (the 2018 rounding order).
        #[test]
        fn empty_groups_never_stop_scoring_or_leave_the_range(
            sector in prop::sample::select(Sector::ALL.to_vec()),
            seeds in prop::collection::vec((0u32..=30, 0u32..=30, 0.0f64..=100.0, any::<bool>()), 1..40),
        ) {
            let m = method();
            let mut inputs = valid_inputs_from_zero(&m, sector, &seeds);
            // The required lists of 1.1 are never empty (rule "error").
            for k in ["1.1.stand_required", "1.1.site_required"] {
                let v = inputs.get(k).unwrap_or(0.0);
                inputs.set(k, v.max(1.0));
            }
            let card = score(&m, sector, "А", &inputs).unwrap();
            let in_range = |v: f64| (0.0..=100.0).contains(&v);
            prop_assert!(card.indicators.iter().all(|i| in_range(i.value)), "{:?}", card);
            prop_assert!(card.criteria.iter().all(|c| in_range(c.value)), "{:?}", card);
            // The denominators: the second count of each (numerator, denominator) pair.
            let zero_denominators = m
                .indicators_for(sector)
                .iter()
                .flat_map(|d| {
                    d.inputs
                        .iter()
                        .filter(|i| i.kind == InputKind::Count)
                        .skip(1)
                        .step_by(2)
                        .map(|i| i.key.clone())
                        .collect::<Vec<_>>()
                })
                .filter(|k| !k.starts_with("1.1.") && inputs.get(k) == Some(0.0))
                .count();
            prop_assert_eq!(card.empty.len(), zero_denominators);
            let mean = card.criteria.iter().map(|c| c.value).sum::<f64>() / card.criteria.len() as f64;
            prop_assert_eq!(card.total, round_half_away(mean, 2));
        }
    }

    /// As [`valid_inputs`], but a denominator may be 0 (with its numerator then 0).
    fn valid_inputs_from_zero(
        m: &Methodology,
        sector: Sector,
        seeds: &[(u32, u32, f64, bool)],
    ) -> Inputs {
        let mut seeds = seeds.iter().cycle();
        let mut inputs = Inputs::new();
        for def in m.indicators_for(sector) {
            for d in def.inputs.iter().filter(|d| d.kind == InputKind::Value) {
                let &(_, _, value, _) = seeds.next().unwrap();
                inputs.set(&d.key, value);
            }
            let counts: Vec<&InputDef> = def
                .inputs
                .iter()
                .filter(|d| d.kind == InputKind::Count)
                .collect();
            for pair in counts.chunks(2) {
                let &(den, num, _, _) = seeds.next().unwrap();
                inputs.set(&pair[0].key, f64::from(num % (den + 1)));
                inputs.set(&pair[1].key, f64::from(den));
            }
            for item in &def.checklist {
                let &(_, _, _, present) = seeds.next().unwrap();
                inputs.set(&item.key, if present { 1.0 } else { 0.0 });
            }
        }
        inputs
    }
}
