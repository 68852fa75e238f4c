//! Raw inputs checked as they are entered (an import, before anything is written), so that an
//! impossible value is refused where it was typed, naming the row and field, instead of stopping
//! the scoring of a whole cycle later: a count is a whole number from 0 to [`MAX_COUNT`], an
//! entered value is 0–100 points, and no numerator (satisfied, items present) exceeds its
//! denominator (asked, items required). A denominator of zero is left to scoring: an empty group
//! (nobody asked) is a case of the method, not a typing error.

use crate::domain::decimal::plain;
use crate::domain::methodology::{Formula, IndicatorDef, InputDef, InputKind};

/// The largest count accepted: no organization surveys or lists more than ten million of anything.
/// A larger number is a typing error (or an attack: `1e308 × 100` is infinite).
pub const MAX_COUNT: f64 = 10_000_000.0;

/// What is wrong with a value typed for an input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueProblem {
    #[error("«{0}» — не число; нужно {1}")]
    NotNumber(String, &'static str),
    #[error("«{0}» — отрицательное число; количество не может быть меньше нуля")]
    Negative(String),
    #[error("«{0}» — не целое число; здесь количество, нужно целое число")]
    NotWhole(String),
    #[error(
        "«{0}» — больше {max}; такого количества не бывает, проверьте ввод",
        max = "10 000 000"
    )]
    TooLarge(String),
    #[error("«{0}» — вне диапазона 0–100 баллов")]
    OutOfRange(String),
}

/// What a value of `kind` must be, in Russian.
pub fn wanted(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Count => "целое число от 0 до 10 000 000",
        InputKind::Value => "число от 0 до 100",
    }
}

/// Checks a value `parsed` from `text` (`None`: the text is not a finite number) for an input of
/// `kind`.
pub fn check_value(kind: InputKind, text: &str, parsed: Option<f64>) -> Result<f64, ValueProblem> {
    let shown = quoted(text);
    let Some(v) = parsed.filter(|v| v.is_finite()) else {
        // A run of digits too long to be read (an xlsx cell holding 1e308 shows all its digits).
        let digits = text.trim().chars().all(|c| c.is_ascii_digit() || c == ' ');
        if digits && text.trim().len() > 8 {
            return Err(ValueProblem::TooLarge(shown));
        }
        return Err(ValueProblem::NotNumber(shown, wanted(kind)));
    };
    match kind {
        InputKind::Count if v < 0.0 => Err(ValueProblem::Negative(shown)),
        InputKind::Count if v > MAX_COUNT => Err(ValueProblem::TooLarge(shown)),
        InputKind::Count if v.fract() != 0.0 => Err(ValueProblem::NotWhole(shown)),
        InputKind::Value if !(0.0..=100.0).contains(&v) => Err(ValueProblem::OutOfRange(shown)),
        _ => Ok(v),
    }
}

/// A cell's text as quoted in a message: at most 20 characters, then «…».
fn quoted(text: &str) -> String {
    let t = text.trim();
    match t.char_indices().nth(20) {
        Some((at, _)) => format!("{}…", &t[..at]),
        None => t.to_string(),
    }
}

/// The (numerator, denominator) inputs of an indicator whose numerator may not exceed its
/// denominator, by its formula's order of inputs.
pub fn bounded_pairs(def: &IndicatorDef) -> Vec<(&InputDef, &InputDef)> {
    let at = |i: usize| def.inputs.get(i);
    let pairs: &[(usize, usize)] = match def.formula {
        Formula::RatioPair => &[(0, 1), (2, 3)],
        Formula::Share => &[(0, 1)],
        Formula::MeanValueShare => &[(1, 2)],
        Formula::Points { .. } => &[],
    };
    pairs
        .iter()
        .filter_map(|&(n, d)| Some((at(n)?, at(d)?)))
        .collect()
}

/// A numerator above its denominator.
#[derive(Debug, Clone, PartialEq)]
pub struct Exceeds<'m> {
    pub numerator: &'m InputDef,
    pub numerator_value: f64,
    pub denominator: &'m InputDef,
    pub denominator_value: f64,
}

impl std::fmt::Display for Exceeds<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.numerator.key.contains("present") {
            "имеющихся пунктов не может быть больше требуемых"
        } else {
            "удовлетворенных не может быть больше ответивших"
        };
        write!(
            f,
            "{} («{}») = {} больше, чем {} («{}») = {}: {what}; проверьте ввод",
            self.numerator.key,
            self.numerator.name,
            plain(self.numerator_value),
            self.denominator.key,
            self.denominator.name,
            plain(self.denominator_value)
        )
    }
}

/// Every numerator above its denominator among `indicators`, with the values given by `value`
/// (the row's values over the stored ones); a pair with a side missing is not checked.
pub fn exceeding<'m>(
    indicators: &[&'m IndicatorDef],
    value: impl Fn(&str) -> Option<f64>,
) -> Vec<Exceeds<'m>> {
    let mut out = Vec::new();
    for def in indicators {
        for (n, d) in bounded_pairs(def) {
            if let (Some(nv), Some(dv)) = (value(&n.key), value(&d.key))
                && nv > dv
            {
                out.push(Exceeds {
                    numerator: n,
                    numerator_value: nv,
                    denominator: d,
                    denominator_value: dv,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::methodology::{BUILTIN_2018, Methodology};
    use crate::domain::sector::Sector;

    #[test]
    fn values_are_checked_by_kind() {
        use InputKind::{Count, Value};
        assert_eq!(check_value(Count, "40", Some(40.0)), Ok(40.0));
        assert_eq!(check_value(Count, "10000000", Some(1e7)), Ok(10_000_000.0));
        assert_eq!(
            check_value(Count, "10000001", Some(10_000_001.0)),
            Err(ValueProblem::TooLarge("10000001".into()))
        );
        assert_eq!(
            check_value(Count, "1e308", Some(1e308)),
            Err(ValueProblem::TooLarge("1e308".into()))
        );
        assert_eq!(
            check_value(Count, "-1", Some(-1.0)),
            Err(ValueProblem::Negative("-1".into()))
        );
        assert_eq!(
            check_value(Count, "2,5", Some(2.5)),
            Err(ValueProblem::NotWhole("2,5".into()))
        );
        assert!(matches!(
            check_value(Count, "inf", Some(f64::INFINITY)),
            Err(ValueProblem::NotNumber(..))
        ));
        assert!(matches!(
            check_value(Value, "NaN", Some(f64::NAN)),
            Err(ValueProblem::NotNumber(..))
        ));
        // 1e308 from a workbook cell: 309 digits, shortened in the message.
        let long = format!("1{}", "0".repeat(308));
        assert_eq!(
            check_value(Count, &long, None),
            Err(ValueProblem::TooLarge(format!("1{}…", "0".repeat(19))))
        );
        assert_eq!(check_value(Value, "87,5", Some(87.5)), Ok(87.5));
        assert_eq!(
            check_value(Value, "100,01", Some(100.01)),
            Err(ValueProblem::OutOfRange("100,01".into()))
        );
    }

    #[test]
    fn numerators_above_denominators_are_found() {
        let m = Methodology::from_toml("2018.toml", BUILTIN_2018).unwrap();
        let inds = m.indicators_for(Sector::Health);
        // The pairs of the 2018 method written out by hand from its formulas.
        let pairs: Vec<(String, String)> = inds
            .iter()
            .flat_map(|d| bounded_pairs(d))
            .map(|(n, d)| (n.key.clone(), d.key.clone()))
            .collect();
        let expect = [
            ("1.1.stand_present", "1.1.stand_required"),
            ("1.1.site_present", "1.1.site_required"),
            ("1.3.yes_stand", "1.3.asked_stand"),
            ("1.3.yes_site", "1.3.asked_site"),
            ("2.2.yes", "2.2.asked"),
        ];
        for (n, d) in expect {
            assert!(
                pairs.contains(&(n.to_string(), d.to_string())),
                "{n}/{d} in {pairs:?}"
            );
        }
        assert!(!pairs.iter().any(|(n, _)| n == "2.2.waiting_points"));
        let values = |k: &str| match k {
            "2.2.yes" => Some(12.0),
            "2.2.asked" => Some(10.0),
            "4.1.yes" => Some(5.0),
            "4.1.asked" => Some(5.0),
            "5.1.yes" => Some(3.0), // its denominator is not known: not checked
            _ => None,
        };
        let found = exceeding(&inds, values);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].numerator.key, "2.2.yes");
        assert_eq!(
            (found[0].numerator_value, found[0].denominator_value),
            (12.0, 10.0)
        );
        assert!(found[0].to_string().contains("2.2.asked"));
    }
}
