//! The scoring method (методика расчета) as data: criteria, indicators, formulas, checklists,
//! sector profiles with their weights, the rounding rule and the method's status. This module is
//! the model: the types and the pure questions asked of them (which profile, indicators and weights
//! a sector has). Reading and checking a method file is in `load.rs`
//! ([`Methodology::from_toml`]); a version comes from a TOML file under `data/methodology/`, and
//! nothing of the method is hard-coded in Rust.

mod load;

pub use load::{MethodologyError, toml_error_ru};

use crate::domain::rounding::round_half_away;
use crate::domain::sector::Sector;

/// One version of the method, e.g. «2018» (приказ Минтруда России от 31.05.2018 № 344н).
#[derive(Debug, Clone, PartialEq)]
pub struct Methodology {
    /// Version code stored with every computed result, e.g. `2018`.
    pub version: String,
    /// Full title of the method.
    pub title: String,
    /// The legal act that establishes it.
    pub basis: String,
    /// Which normative act the version follows and from when (статус методики).
    pub status: Status,
    /// How indicators, criteria and the total are rounded.
    pub rounding: Rounding,
    /// Criteria (критерии) К1…К5 in order.
    pub criteria: Vec<Criterion>,
    /// Indicator definitions (показатели). A code may appear more than once when definitions are
    /// restricted to different sectors (2.2 differs for social services and health).
    pub indicators: Vec<IndicatorDef>,
    /// Sector profiles: which indicators apply and with what weights.
    pub profiles: Vec<Profile>,
}

/// Rounding rule of a method version: `digits` decimals, half away from zero, and whether each
/// level is computed from the rounded values of the level below.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rounding {
    /// Decimals kept (знаков после запятой), 0–6; 2 in the 2018 method.
    pub digits: u32,
    /// From which values criteria and the total are computed.
    pub order: RoundingOrder,
}

/// The order of rounding (порядок округления) of a method version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundingOrder {
    /// Criteria from unrounded indicators, the total from unrounded criteria; only the values
    /// shown are rounded (`from_raw`).
    FromRaw,
    /// Each indicator rounded, each criterion computed from the rounded indicators and rounded,
    /// the total computed from the rounded criteria and rounded (`from_rounded`): how operators
    /// publish their cards.
    FromRounded,
}

/// The legal standing of a method version (статус методики): the normative act it follows and
/// the period it applies to, as recorded in the method file.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// The act, e.g. «приказ Минтруда России от 31.05.2018 № 344н».
    pub act: String,
    /// The date of the act.
    pub act_date: chrono::NaiveDate,
    /// From when the version is applied (the first day), if recorded.
    pub applies_from: Option<chrono::NaiveDate>,
    /// The last day the version is applied, if it has been replaced.
    pub applies_until: Option<chrono::NaiveDate>,
    /// What is known or uncertain about the standing, in Russian (may be empty).
    pub note: String,
}

/// What an indicator counts when nobody was in the group asked (пустая группа: 0 ответивших),
/// e.g. no disabled respondents for 3.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenEmpty {
    /// The empty share counts as 0 points (`zero`).
    Zero,
    /// The empty share counts as 100 points (`hundred`).
    Hundred,
    /// The empty share is left out (`exclude`): of a pair, the other share alone counts; an
    /// indicator left with nothing is not counted and its weight is spread over the criterion's
    /// other indicators in proportion to their weights.
    Exclude,
    /// A zero denominator is an error in the inputs (`error`): e.g. a required list of
    /// information items is never empty.
    Error,
}

/// A criterion (критерий), e.g. К1 «Открытость и доступность информации об организации».
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    /// `К1` … `К5` (Cyrillic К).
    pub code: String,
    /// Russian name (наименование критерия).
    pub name: String,
}

/// An indicator (показатель), e.g. 1.1, with its formula and the raw inputs it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorDef {
    /// `1.1` … `5.3`.
    pub code: String,
    /// Code of the criterion it belongs to.
    pub criterion: String,
    /// Russian name (наименование показателя).
    pub name: String,
    pub formula: Formula,
    /// Raw numeric inputs in the order the formula reads them.
    pub inputs: Vec<InputDef>,
    /// Checklist items (for `Formula::Points`), each a yes/no input.
    pub checklist: Vec<ChecklistItem>,
    /// Sectors this definition applies to; `None` means every sector.
    pub sectors: Option<Vec<Sector>>,
    /// What a zero denominator means (`Error` for checklists, which have none).
    pub when_empty: WhenEmpty,
    /// Whether `when_empty` is a regional setting (no official text settles it), and why.
    pub when_empty_basis: String,
}

/// How an indicator's value (0–100 points) is computed from its inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Formula {
    /// `0.5 × (n₁/d₁ + n₂/d₂) × 100`; inputs: n₁, d₁, n₂, d₂ (present/required on stand and site,
    /// or yes/asked for two channels).
    RatioPair,
    /// `yes / asked × 100`; inputs: yes, asked.
    Share,
    /// `min(points × items present, cap)`; inputs: the checklist.
    Points { points: f64, cap: f64 },
    /// `(value + yes / asked × 100) / 2`; inputs: an entered value 0–100, yes, asked
    /// (health 2.2: banded waiting-time points and the satisfied share).
    MeanValueShare,
}

/// What kind of number a raw input holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A non-negative whole count (respondents, items present or required).
    Count,
    /// An entered value in points, 0–100.
    Value,
}

/// A raw input of an indicator. `key` is unique across the method, prefixed with the indicator
/// code: `1.1.stand_present`, `2.2.waiting_points`.
#[derive(Debug, Clone, PartialEq)]
pub struct InputDef {
    pub key: String,
    /// Russian name shown next to the field, e.g. «Число ответивших о сайте».
    pub name: String,
    pub kind: InputKind,
    /// For a denominator: the group in words when it is empty, e.g. «нет опрошенных инвалидов»
    /// (empty when not given).
    pub empty: String,
}

/// A checklist item (yes/no), e.g. 1.2 «телефон». `key` is prefixed with the indicator code:
/// `1.2.phone`. Stored as 1 (present) or 0 (absent).
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistItem {
    pub key: String,
    /// Russian name of the item, e.g. «телефон».
    pub name: String,
}

/// A sector profile: the indicators that count for these sectors and their weights within each
/// criterion (weights of one criterion sum to 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Code, e.g. `with_waiting`.
    pub code: String,
    /// Russian name of the profile.
    pub name: String,
    /// Sectors scored by this profile; every sector is in exactly one profile.
    pub sectors: Vec<Sector>,
    /// (indicator code, weight within its criterion), in the file order of the indicators.
    pub weights: Vec<(String, f64)>,
}

/// The 2018 method file as shipped, built into the binary so `nok` works wherever it is installed.
/// Load it with `Methodology::from_toml("data/methodology/2018.toml", BUILTIN_2018)`.
pub const BUILTIN_2018: &str = include_str!("../../../data/methodology/2018.toml");

/// The only rounding mode of the 2018 method, as written in the file.
pub const ROUNDING_MODE: &str = "half_away_from_zero";

/// Largest number of decimals a method may round to.
pub const MAX_ROUNDING_DIGITS: u32 = 6;

/// Returned for `Methodology::profile` when a hand-built method lacks a sector (never after
/// `from_toml`, which checks that every sector has a profile).
static NO_PROFILE: Profile = Profile {
    code: String::new(),
    name: String::new(),
    sectors: Vec::new(),
    weights: Vec::new(),
};

impl Methodology {
    /// The profile (профиль сферы) with the indicators and weights of `sector`.
    ///
    /// A method loaded by [`Methodology::from_toml`] has exactly one profile per sector. For a
    /// hand-built method without one, an empty profile (no weights) is returned.
    pub fn profile(&self, sector: Sector) -> &Profile {
        self.try_profile(sector).unwrap_or(&NO_PROFILE)
    }

    /// The profile of `sector`, if the method has one.
    pub fn try_profile(&self, sector: Sector) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.sectors.contains(&sector))
    }

    /// The indicator definitions that apply to `sector`, in file order (показатели сферы).
    pub fn indicators_for(&self, sector: Sector) -> Vec<&IndicatorDef> {
        self.indicators
            .iter()
            .filter(|d| d.applies_to(sector))
            .collect()
    }

    /// The definition of indicator `code` that applies to `sector`, if any (2.2 has none for
    /// culture and education).
    pub fn indicator(&self, sector: Sector, code: &str) -> Option<&IndicatorDef> {
        self.indicators
            .iter()
            .find(|d| d.code == code && d.applies_to(sector))
    }

    /// Every raw input key of `sector` (исходные данные): the inputs and checklist items of its
    /// indicators, in file order, e.g. `1.1.stand_present`, …, `1.2.phone`, ….
    pub fn input_keys(&self, sector: Sector) -> Vec<&str> {
        self.indicators_for(sector)
            .into_iter()
            .flat_map(IndicatorDef::input_keys)
            .collect()
    }

    /// The criterion with this code (`К1`…), if any.
    pub fn criterion(&self, code: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.code == code)
    }

    /// Weight (вес) of indicator `indicator_code` within its criterion for `sector`; 0 when the
    /// indicator does not count for that sector (2.2 in culture and education).
    pub fn weight(&self, sector: Sector, indicator_code: &str) -> f64 {
        self.profile(sector).weight(indicator_code).unwrap_or(0.0)
    }
}

impl Rounding {
    /// Rounds a score by this rule: `digits` decimals, half away from zero.
    pub fn round(self, x: f64) -> f64 {
        round_half_away(x, self.digits)
    }
}

impl RoundingOrder {
    /// All codes as written in method files.
    pub const CODES: [&'static str; 2] = ["from_raw", "from_rounded"];

    /// The code as written in method files.
    pub fn code(self) -> &'static str {
        match self {
            RoundingOrder::FromRaw => "from_raw",
            RoundingOrder::FromRounded => "from_rounded",
        }
    }

    /// Parses a code of [`RoundingOrder::CODES`].
    pub fn from_code(code: &str) -> Option<RoundingOrder> {
        match code {
            "from_raw" => Some(RoundingOrder::FromRaw),
            "from_rounded" => Some(RoundingOrder::FromRounded),
            _ => None,
        }
    }

    /// In Russian, for the card and the publication.
    pub fn describe_ru(self) -> &'static str {
        match self {
            RoundingOrder::FromRaw => {
                "критерии и итог рассчитываются по неокругленным значениям, округляются только показанные"
            }
            RoundingOrder::FromRounded => {
                "показатели округляются, критерии рассчитываются по округленным показателям, итог — по округленным критериям"
            }
        }
    }
}

impl Status {
    /// One line in Russian: «приказ … ; применяется с ДД.ММ.ГГГГ по ДД.ММ.ГГГГ».
    pub fn describe_ru(&self) -> String {
        format!("{}{}", self.act, self.period_ru())
    }

    /// «; применяется с ДД.ММ.ГГГГ по ДД.ММ.ГГГГ», or nothing when no period is recorded.
    pub fn period_ru(&self) -> String {
        let date = |d: chrono::NaiveDate| d.format("%d.%m.%Y").to_string();
        let mut text = String::new();
        match (self.applies_from, self.applies_until) {
            (Some(from), Some(until)) => text.push_str(&format!(
                "; применяется с {} по {}",
                date(from),
                date(until)
            )),
            (Some(from), None) => text.push_str(&format!("; применяется с {}", date(from))),
            (None, Some(until)) => text.push_str(&format!("; применяется по {}", date(until))),
            (None, None) => {}
        }
        text
    }
}

impl WhenEmpty {
    /// All codes as written in method files.
    pub const CODES: [&'static str; 4] = ["zero", "hundred", "exclude", "error"];

    /// The code as written in method files.
    pub fn code(self) -> &'static str {
        match self {
            WhenEmpty::Zero => "zero",
            WhenEmpty::Hundred => "hundred",
            WhenEmpty::Exclude => "exclude",
            WhenEmpty::Error => "error",
        }
    }

    /// Parses a code of [`WhenEmpty::CODES`].
    pub fn from_code(code: &str) -> Option<WhenEmpty> {
        match code {
            "zero" => Some(WhenEmpty::Zero),
            "hundred" => Some(WhenEmpty::Hundred),
            "exclude" => Some(WhenEmpty::Exclude),
            "error" => Some(WhenEmpty::Error),
            _ => None,
        }
    }
}

impl IndicatorDef {
    /// Whether this definition applies to `sector`.
    pub fn applies_to(&self, sector: Sector) -> bool {
        self.sectors.as_ref().is_none_or(|s| s.contains(&sector))
    }

    /// Keys of its raw inputs, then of its checklist items, in file order.
    pub fn input_keys(&self) -> impl Iterator<Item = &str> {
        let inputs = self.inputs.iter().map(|i| i.key.as_str());
        inputs.chain(self.checklist.iter().map(|c| c.key.as_str()))
    }
}

impl Formula {
    /// All formula codes as written in method files.
    pub const CODES: [&'static str; 4] = ["ratio_pair", "share", "points", "mean_value_share"];

    /// The code of the formula as written in method files: `ratio_pair`, `share`, `points`,
    /// `mean_value_share`.
    pub fn code(self) -> &'static str {
        match self {
            Formula::RatioPair => "ratio_pair",
            Formula::Share => "share",
            Formula::Points { .. } => "points",
            Formula::MeanValueShare => "mean_value_share",
        }
    }

    /// The kinds of raw inputs the formula reads, in order (none for `points`: it reads the
    /// checklist).
    pub fn input_kinds(self) -> &'static [InputKind] {
        use InputKind::{Count, Value};
        match self {
            Formula::RatioPair => &[Count, Count, Count, Count],
            Formula::Share => &[Count, Count],
            Formula::Points { .. } => &[],
            Formula::MeanValueShare => &[Value, Count, Count],
        }
    }
}

impl InputKind {
    /// The code as written in method files: `count` or `value`.
    pub fn code(self) -> &'static str {
        match self {
            InputKind::Count => "count",
            InputKind::Value => "value",
        }
    }

    /// Parses `count` or `value`.
    pub fn from_code(code: &str) -> Option<InputKind> {
        match code {
            "count" => Some(InputKind::Count),
            "value" => Some(InputKind::Value),
            _ => None,
        }
    }
}

impl Profile {
    /// The weight of indicator `code` in this profile, if it counts here.
    pub fn weight(&self, code: &str) -> Option<f64> {
        self.weights
            .iter()
            .find(|(c, _)| c == code)
            .map(|&(_, w)| w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "data/methodology/2018.toml";

    fn method() -> Methodology {
        Methodology::from_toml(FILE, BUILTIN_2018).unwrap()
    }

    #[test]
    fn header_and_rounding() {
        let m = method();
        assert_eq!(m.version, "2018");
        assert!(m.basis.contains("344н"));
        assert_eq!(
            m.rounding,
            Rounding {
                digits: 2,
                order: RoundingOrder::FromRounded
            }
        );
        assert_eq!(m.status.act_date.to_string(), "2018-05-31");
        assert!(
            m.status
                .act
                .starts_with("приказ Минтруда России от 31.05.2018 № 344н")
        );
        assert_eq!(m.rounding.round(2.675), 2.68);
    }

    #[test]
    fn profiles_by_sector() {
        let m = method();
        assert_eq!(m.profile(Sector::Social).code, "with_waiting");
        assert_eq!(m.profile(Sector::Health).code, "with_waiting");
        assert_eq!(m.profile(Sector::Culture).code, "without_waiting");
        assert_eq!(m.profile(Sector::Education).code, "without_waiting");
        let codes: Vec<&str> = m
            .profile(Sector::Social)
            .weights
            .iter()
            .map(|(c, _)| c.as_str())
            .collect();
        assert_eq!(
            codes,
            [
                "1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3",
                "5.1", "5.2", "5.3"
            ]
        );
    }

    #[test]
    fn weights_by_sector() {
        let m = method();
        assert_eq!(m.weight(Sector::Social, "2.1"), 0.3);
        assert_eq!(m.weight(Sector::Health, "2.2"), 0.4);
        assert_eq!(m.weight(Sector::Culture, "2.1"), 0.5);
        assert_eq!(m.weight(Sector::Education, "2.3"), 0.5);
        assert_eq!(m.weight(Sector::Culture, "2.2"), 0.0);
        assert_eq!(m.weight(Sector::Social, "5.3"), 0.5);
        assert_eq!(m.weight(Sector::Social, "9.9"), 0.0);
    }

    #[test]
    fn indicators_differ_only_in_2_2() {
        let m = method();
        let codes = |s| -> Vec<&str> {
            m.indicators_for(s)
                .iter()
                .map(|d| d.code.as_str())
                .collect()
        };
        assert_eq!(codes(Sector::Social), codes(Sector::Health));
        assert_eq!(codes(Sector::Culture), codes(Sector::Education));
        let mut without: Vec<&str> = codes(Sector::Social);
        without.retain(|c| *c != "2.2");
        assert_eq!(codes(Sector::Culture), without);

        let social = m.indicator(Sector::Social, "2.2").unwrap();
        assert_eq!(social.formula, Formula::Share);
        let health = m.indicator(Sector::Health, "2.2").unwrap();
        assert_eq!(health.formula, Formula::MeanValueShare);
        assert_eq!(health.inputs[0].key, "2.2.waiting_points");
        assert_eq!(health.inputs[0].kind, InputKind::Value);
        assert!(m.indicator(Sector::Culture, "2.2").is_none());
        assert_eq!(
            m.indicator(Sector::Culture, "1.2").unwrap().formula,
            Formula::Points {
                points: 30.0,
                cap: 100.0
            }
        );
    }

    #[test]
    fn input_keys_are_prefixed_and_in_file_order() {
        let m = method();
        let keys = m.input_keys(Sector::Social);
        assert_eq!(
            keys[..6],
            [
                "1.1.stand_present",
                "1.1.stand_required",
                "1.1.site_present",
                "1.1.site_required",
                "1.2.phone",
                "1.2.email"
            ]
        );
        assert!(keys.contains(&"2.2.yes"));
        assert!(m.input_keys(Sector::Health).contains(&"2.2.waiting_points"));
        assert!(
            !m.input_keys(Sector::Culture)
                .iter()
                .any(|k| k.starts_with("2.2."))
        );
        assert_eq!(
            m.indicators[1].checklist[3].name,
            "раздел «Часто задаваемые вопросы»"
        );
    }

    #[test]
    fn criteria_by_code() {
        let m = method();
        assert_eq!(
            m.criterion("К3").unwrap().name,
            "Доступность услуг для инвалидов"
        );
        // Latin K is a different code.
        assert!(m.criterion("K3").is_none());
    }

    #[test]
    fn hand_built_method_without_a_profile_is_not_a_panic() {
        let mut m = method();
        m.profiles.pop();
        assert!(m.try_profile(Sector::Culture).is_none());
        assert!(m.profile(Sector::Culture).weights.is_empty());
        assert_eq!(m.weight(Sector::Culture, "1.1"), 0.0);
    }
}
